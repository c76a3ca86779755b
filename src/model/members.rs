//! Members (委员): one page per member in a `members` column, and each member's
//! 履职记录 gathered from every page that names them — in `members`, as a
//! proposer, or as the speaker of a speech.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::yaml::read;

use super::Site;
use super::column::{Column, ColumnKind};
use super::page::Page;
use super::proposals::Proposer;
use super::slug::sort_key;

#[derive(Debug)]
pub struct Member {
    /// Index into `Site::pages` of the profile page.
    pub page: usize,
    /// The file stem: `zhang-wei.md` → `zhang-wei`.
    pub id: String,
    pub name: String,
    /// The photo as written in front matter, and found on disk.
    pub photo_file: Option<String>,
    pub photo: Option<super::files::FileLink>,
    pub sector: String,
    pub committees: Vec<String>,
    pub roles: Vec<String>,
    pub party: String,
    pub employer: String,
    pub term: String,
    /// Pinyin order of the name, for every list of members.
    pub sort_key: String,
    /// 履职记录: pages naming this member, grouped by the kind of their column.
    pub record: Vec<RecordGroup>,
}

#[derive(Debug, Clone)]
pub struct RecordGroup {
    pub kind: Option<ColumnKind>,
    /// Indices into `Site::pages`, newest first.
    pub pages: Vec<usize>,
}

/// The order of groups in a 履职记录, and their headings.
const RECORD_GROUPS: &[(Option<ColumnKind>, &str)] = &[
    (Some(ColumnKind::Proposals), "提案"),
    (Some(ColumnKind::Speech), "讲话发言"),
    (Some(ColumnKind::Opinions), "社情民意"),
    (Some(ColumnKind::News), "履职活动"),
    (Some(ColumnKind::Notice), "通知公告"),
    (Some(ColumnKind::Study), "学习园地"),
    (Some(ColumnKind::Series), "文史资料"),
    (Some(ColumnKind::Page), "其他页面"),
    (None, "其他页面"),
];

pub fn record_label(kind: Option<ColumnKind>) -> &'static str {
    RECORD_GROUPS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("其他页面", |(_, label)| label)
}

/// Reads the member fields of a profile page. Text fields are forgiving: a
/// number is taken as text, a list for `roles` may also be written `a、b`.
pub fn member_of(index: usize, page: &Page, diagnostics: &Diagnostics) -> Member {
    let extra = &page.meta.extra;
    let text = |key: &str| extra.get(key).and_then(read::string).unwrap_or_default();
    let list = |key: &str| -> Vec<String> {
        match extra.get(key) {
            None => Vec::new(),
            Some(v) => read::string_list(v).unwrap_or_else(|| {
                let mut d = Diagnostic::error(&page.shown, format!("“{key}”应是一组文字"))
                    .hint(format!("写成“{key}: [甲, 乙]”，或“{key}: 甲、乙”"));
                if let Some(line) = page.meta.line_of(key) {
                    d = d.at_line(line);
                }
                diagnostics.push(d);
                Vec::new()
            }),
        }
    };
    let name = match extra.get("name").and_then(read::string) {
        Some(n) if !n.is_empty() => n,
        _ => page.title.clone(),
    };
    let id = file_id(&page.rel);
    Member {
        page: index,
        sort_key: sort_key(&name),
        id,
        name,
        photo_file: extra.get("photo").and_then(read::string).filter(|s| !s.is_empty()),
        photo: None,
        sector: text("sector"),
        committees: list("committee"),
        roles: list("roles"),
        party: text("party"),
        employer: text("employer"),
        term: text("term"),
        record: Vec::new(),
    }
}

/// A person's id: their file's name without `.md` (`weiyuan/zhang-wei.md` →
/// `zhang-wei`), for members and leaders alike.
pub fn file_id(rel: &str) -> String {
    rel.rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md")
        .to_string()
}

/// Finds members by id (the file stem) or by their name, as users write either.
pub struct Directory<'a> {
    members: &'a [Member],
    by_key: HashMap<&'a str, usize>,
}

impl<'a> Directory<'a> {
    pub fn new(members: &'a [Member]) -> Self {
        let mut by_key = HashMap::new();
        for (i, m) in members.iter().enumerate() {
            by_key.entry(m.name.as_str()).or_insert(i);
        }
        // Ids win over names when they clash.
        for (i, m) in members.iter().enumerate() {
            by_key.insert(m.id.as_str(), i);
        }
        Directory { members, by_key }
    }

    pub fn find(&self, key: &str) -> Option<usize> {
        self.by_key.get(key.trim()).copied()
    }

    /// A close id or name, for "是不是想写…".
    pub fn suggest(&self, key: &str) -> Option<&'a str> {
        did_you_mean(key, self.members.iter().flat_map(|m| [m.id.as_str(), m.name.as_str()]))
    }

    /// An error for a reference that names no member.
    pub fn unknown(&self, page: &Page, key: &str, field: &str, columns: &[Column]) -> Diagnostic {
        let hint = if self.members.is_empty() {
            match columns.iter().find(|c| c.kind == ColumnKind::Members) {
                Some(c) => format!("在 content/{}/ 里为这位委员建一个文件，例如 {key}.md", c.folder),
                None => {
                    "网站还没有委员风采栏目：先建 content/weiyuan/_index.md（kind: members），再为每位委员建一个文件"
                        .into()
                }
            }
        } else {
            match self.suggest(key) {
                Some(close) => format!("是不是想写“{close}”？委员编号就是委员文件的名字（不含 .md），也可以写委员姓名"),
                None => "委员编号就是委员文件的名字（不含 .md），也可以写委员姓名；请核对，或先为这位委员建立委员文件"
                    .into(),
            }
        };
        let mut d = Diagnostic::error(&page.shown, format!("{field}中的“{key}”不是本站的委员")).hint(hint);
        let line = match field {
            "提案人" => page.meta.line_of("proposers"),
            "讲话人" => page.meta.line_of("speaker"),
            _ => page.meta.line_of("members"),
        };
        if let Some(line) = line {
            d = d.at_line(line);
        }
        d
    }
}

/// Whether a proposer that matches no member looks like a mistyped member id
/// (`zhang-wie`) rather than the name of a group (`民建溪山区基层委员会`).
pub fn looks_like_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Groups of members, ordered as committees usually list them.
#[derive(Debug)]
pub struct Grouping {
    pub name: String,
    /// Indices into `Site::members`, in pinyin order of the name.
    pub members: Vec<usize>,
}

/// The conventional order of 界别 in a committee's member list. Sectors not
/// listed follow in pinyin order; members without one come last.
const SECTOR_ORDER: &[&str] = &[
    "中共",
    "中国共产党",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "台盟",
    "民主党派",
    "无党派人士",
    "共青团和青联",
    "共青团",
    "青联",
    "工会",
    "妇联",
    "科协",
    "台联",
    "侨联",
    "文化艺术",
    "文化艺术体育",
    "科学技术",
    "社会科学",
    "经济",
    "农业",
    "教育",
    "体育",
    "新闻出版",
    "医药卫生",
    "对外友好",
    "社会福利和社会保障",
    "少数民族",
    "宗教",
    "少数民族和宗教",
    "特邀",
];

const COMMITTEE_ORDER: &[&str] = &[
    "提案委员会",
    "经济委员会",
    "农业和农村委员会",
    "人口资源环境委员会",
    "教科卫体委员会",
    "社会和法制委员会",
    "民族和宗教委员会",
    "港澳台侨和外事委员会",
    "文化文史和学习委员会",
];

/// Members grouped by 界别 (sector).
pub fn by_sector(members: &[Member], order: &[usize]) -> Vec<Grouping> {
    group(
        members,
        order,
        |m| vec![m.sector.clone()],
        |name| {
            let bare = name.strip_suffix('界').unwrap_or(name);
            SECTOR_ORDER.iter().position(|s| *s == bare)
        },
    )
}

/// Members grouped by 专门委员会; a member of two committees is in both.
pub fn by_committee(members: &[Member], order: &[usize]) -> Vec<Grouping> {
    group(
        members,
        order,
        |m| m.committees.clone(),
        |name| COMMITTEE_ORDER.iter().position(|s| *s == name),
    )
}

/// Groups `order` (member indices, already in pinyin order) by `keys`; groups
/// are ordered by `rank`, then pinyin; members without a key go last as 其他.
fn group(
    members: &[Member],
    order: &[usize],
    keys: impl Fn(&Member) -> Vec<String>,
    rank: impl Fn(&str) -> Option<usize>,
) -> Vec<Grouping> {
    const OTHER: &str = "其他";
    let mut groups: Vec<Grouping> = Vec::new();
    for &i in order {
        let mut names = keys(&members[i]);
        names.retain(|n| !n.is_empty());
        if names.is_empty() {
            names.push(OTHER.to_string());
        }
        for name in names {
            match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => g.members.push(i),
                None => groups.push(Grouping { name, members: vec![i] }),
            }
        }
    }
    groups.sort_by_cached_key(|g| {
        let last = g.name == OTHER;
        (last, rank(&g.name).unwrap_or(usize::MAX), sort_key(&g.name))
    });
    groups
}

/// Adds each page to the record of every member it names. Errors for names that
/// match no member are reported here, once per page and name.
fn add_to_records(
    members: &mut [Member],
    pages: &[Page],
    columns: &[Column],
    proposers: &HashMap<usize, Vec<usize>>,
    leaders: &HashMap<String, usize>,
    order: &[usize],
    diagnostics: &Diagnostics,
) -> HashMap<usize, usize> {
    let directory = Directory::new(members);
    let mut entries: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    // The member a speech's speaker names, by page, for templates to link.
    let mut speakers: HashMap<usize, usize> = HashMap::new();
    let own_page: HashMap<usize, usize> = members.iter().enumerate().map(|(m, member)| (member.page, m)).collect();
    for &p in order {
        let page = &pages[p];
        let mut named: Vec<usize> = Vec::new();
        for key in &page.meta.members {
            match directory.find(key) {
                Some(m) => named.push(m),
                // A leader who is not a member is in their own record.
                None if leaders.contains_key(key.trim()) => {}
                None => diagnostics.push(directory.unknown(page, key, "委员", columns)),
            }
        }
        if let Some(list) = proposers.get(&p) {
            named.extend(list);
        }
        let kind = page.column.map(|c| columns[c].kind);
        if kind == Some(ColumnKind::Speech)
            && let Some(speaker) = &page.meta.speaker
            && let Some(m) = directory.find(speaker)
        {
            speakers.insert(p, m);
            named.push(m);
        }
        named.sort_unstable();
        named.dedup();
        for m in named {
            if own_page.get(&p) != Some(&m) {
                entries[m].push(p);
            }
        }
    }
    for (member, pages_of) in members.iter_mut().zip(entries) {
        let mut groups: Vec<RecordGroup> = Vec::new();
        for p in pages_of {
            let kind = pages[p].column.map(|c| columns[c].kind);
            // Kinds without their own heading share 其他页面.
            let kind = if RECORD_GROUPS.iter().any(|(k, _)| *k == kind) {
                kind
            } else {
                None
            };
            match groups.iter_mut().find(|g| g.kind == kind) {
                Some(g) => g.pages.push(p),
                None => groups.push(RecordGroup { kind, pages: vec![p] }),
            }
        }
        groups.sort_by_key(|g| RECORD_GROUPS.iter().position(|(k, _)| *k == g.kind));
        member.record = groups;
    }
    speakers
}

/// A `members` column: its members grouped by 界别 (on the column page) and by
/// 专委会 (on a second page).
#[derive(Debug)]
pub struct MembersView {
    pub column: usize,
    pub by_sector: Vec<Grouping>,
    pub by_committee: Vec<Grouping>,
    /// Site path of the by-committee page.
    pub committee_path: String,
}

/// The folder of the by-committee page of a `members` column.
pub const BY_COMMITTEE: &str = "zhuanweihui";

/// Members from the pages of `members` columns, and each column's groupings.
pub fn collect(site: &mut Site, diagnostics: &Diagnostics) {
    let mut members: Vec<Member> = Vec::new();
    for column in site.columns.iter().filter(|c| c.kind == ColumnKind::Members) {
        for &p in &column.pages {
            members.push(member_of(p, &site.pages[p], diagnostics));
        }
    }
    members.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    // Two files with the same name are two people; the id tells them apart.
    let mut ids: HashMap<&str, &Member> = HashMap::new();
    for m in &members {
        if let Some(first) = ids.insert(m.id.as_str(), m) {
            diagnostics.push(
                Diagnostic::error(
                    &site.pages[m.page].shown,
                    format!("委员编号“{}”与 {} 重复", m.id, site.pages[first.page].shown.display()),
                )
                .hint("委员编号取自文件名，两个委员文件不能同名；请改其中一个的文件名"),
            );
        }
    }
    for (i, m) in members.iter().enumerate() {
        site.pages[m.page].member = Some(i);
    }
    for (c, column) in site.columns.iter().enumerate() {
        if column.kind != ColumnKind::Members {
            continue;
        }
        let order: Vec<usize> = (0..members.len())
            .filter(|&m| site.pages[members[m].page].column == Some(c))
            .collect();
        site.member_views.push(MembersView {
            column: c,
            by_sector: by_sector(&members, &order),
            by_committee: by_committee(&members, &order),
            committee_path: format!("{}{BY_COMMITTEE}/", column.path),
        });
    }
    site.members = members;
}

/// Each member's 履职记录, from every page that names them.
pub fn gather_records(site: &mut Site, newest_first: &[usize], diagnostics: &Diagnostics) {
    let mut proposers: HashMap<usize, Vec<usize>> = HashMap::new();
    for p in &site.proposals {
        let ids = p
            .proposers
            .iter()
            .filter_map(|x| match x {
                Proposer::Member(m) => Some(*m),
                Proposer::Named(_) => None,
            })
            .collect();
        proposers.insert(p.page, ids);
    }
    let speakers = add_to_records(
        &mut site.members,
        &site.pages,
        &site.columns,
        &proposers,
        &site.leader_keys,
        newest_first,
        diagnostics,
    );
    for (page, member) in speakers {
        site.pages[page].speaker = Some(member);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, sector: &str, committees: &[&str]) -> Member {
        Member {
            page: 0,
            id: String::new(),
            name: name.into(),
            photo_file: None,
            photo: None,
            sector: sector.into(),
            committees: committees.iter().map(|s| s.to_string()).collect(),
            roles: Vec::new(),
            party: String::new(),
            employer: String::new(),
            term: String::new(),
            sort_key: sort_key(name),
            record: Vec::new(),
        }
    }

    #[test]
    fn sectors_follow_the_conventional_order() {
        let members = vec![
            member("王五", "经济界", &[]),
            member("李四", "中共界", &[]),
            member("赵六", "", &[]),
            member("张三", "经济界", &[]),
            member("钱七", "自定义界", &[]),
        ];
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by(|&a, &b| members[a].sort_key.cmp(&members[b].sort_key));
        let groups = by_sector(&members, &order);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["中共界", "经济界", "自定义界", "其他"]);
        assert_eq!(groups[1].members, [0, 3]); // 王五 (wang) before 张三 (zhang)
    }

    #[test]
    fn a_member_of_two_committees_is_in_both() {
        let members = vec![member("甲", "", &["经济委员会", "提案委员会"]), member("乙", "", &[])];
        let groups = by_committee(&members, &[0, 1]);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["提案委员会", "经济委员会", "其他"]);
    }

    #[test]
    fn ids_look_like_ascii_words() {
        assert!(looks_like_id("zhang-wei"));
        assert!(!looks_like_id("民建溪山区基层委员会"));
        assert!(!looks_like_id(""));
    }
}
