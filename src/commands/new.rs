//! `tongxin new <栏目> <标题>`: writes a new post into a column, with the
//! settings its kind needs already in place, so that a publicity worker only
//! fills in values and writes the text.
//!
//! - The column is named by its folder (`yaowen`) or its title (`政协要闻`); in
//!   a `series` column a book is named `wenshi/xishan-jiuying` or by its title,
//!   and naming the column itself starts a new book.
//! - The date is "now" in the site's time zone.
//! - `author` / `source` come from the column's `_index.md`, else from
//!   `defaults` in site.yaml; a missing source falls back to the site's name.
//! - The file name is pinyin (the slug code): `2026-12-02-quhui-zhaokai.md` in
//!   dated columns, the member's name (`zhang-wei.md`) in a members column, no
//!   date for single pages, a chapter number (`03-…`) in a book.
//! - An existing file is never overwritten.
//!
//! Every value the kind reads is written, empty where `new` cannot know it, so
//! the post builds as it is; optional settings are comment lines with examples.

use std::path::PathBuf;

use jiff::{Timestamp, Zoned};

use crate::config::{self, Overrides, SiteConfig};
use crate::content::{self, CONTENT_DIR, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, io_reason};
use crate::model::column::ColumnKind;
use crate::model::proposals::{numbers_in, session_order};
use crate::model::slug::slugify;
use crate::yaml::{read, yaml_text};

/// Words of the title kept in the file name: enough to recognise the post.
const SLUG_WORDS: usize = 5;
/// Characters of the pinyin part of a file name, at most.
const SLUG_CHARS: usize = 48;

#[derive(Debug, Clone)]
pub struct NewOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    /// The column: its folder or title; in a series column, a book.
    pub column: String,
    pub title: String,
    /// The moment of creation; tests fix it, users never set it.
    pub now: Option<Timestamp>,
}

impl NewOptions {
    pub fn new(root: impl Into<PathBuf>, column: impl Into<String>, title: impl Into<String>) -> Self {
        NewOptions {
            root: root.into(),
            column: column.into(),
            title: title.into(),
            now: None,
        }
    }
}

/// What `new` wrote.
#[derive(Debug)]
pub struct Created {
    /// The new file relative to the site folder, e.g. `content/yaowen/2026-12-02-a.md`.
    pub path: PathBuf,
    /// The column's title (and the book's, for a chapter).
    pub column: String,
    pub kind: ColumnKind,
    /// What to do next, in Chinese, for the user.
    pub next: String,
}

/// A column (or a book of a series column) found in `content/`.
#[derive(Debug, Clone)]
struct Target {
    /// Below `content/`: `yaowen`, or `wenshi/xishan-jiuying` for a book.
    folder: String,
    title: String,
    kind: ColumnKind,
    author: Option<String>,
    source: Option<String>,
    /// Set for a book: the series column's title.
    book_of: Option<String>,
}

/// A post `new` would write, planned but not written yet: the desk and
/// `import` fill in its settings and text before writing it.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The new file relative to the site folder, e.g. `content/yaowen/2026-12-02-a.md`.
    pub path: PathBuf,
    /// The whole file: front matter with a comment on each setting, and an empty body.
    pub text: String,
    /// The column's title (and the book's, for a chapter).
    pub column: String,
    pub kind: ColumnKind,
    /// What to do next, in Chinese, for the user.
    pub next: String,
}

/// Creates the post; on failure, the reasons (site.yaml errors, an unknown
/// column, an existing file).
pub fn new_post(options: &NewOptions) -> Result<Created, Vec<Diagnostic>> {
    let planned = plan_post(options)?;
    if options.root.join(&planned.path).exists() {
        return Err(vec![
            Diagnostic::error(&planned.path, "这个文件已经存在，没有覆盖它")
                .hint("直接打开这个文件修改；如果是另一篇稿件，请换一个能区分的标题（例如写明届次、地点）再新建"),
        ]);
    }
    write_new(&options.root, &planned.path, planned.text.as_bytes())?;
    Ok(Created {
        path: planned.path,
        column: planned.column,
        kind: planned.kind,
        next: planned.next,
    })
}

/// Plans the post `new_post` would write, writing nothing. Fails like it
/// (site.yaml errors, an unknown column), except that the planned file may
/// exist already: the caller decides what to do then.
pub fn plan_post(options: &NewOptions) -> Result<Planned, Vec<Diagnostic>> {
    let root = &options.root;
    let title = options.title.trim();
    if title.is_empty() {
        return Err(vec![Diagnostic::error(CONTENT_DIR, "没有给出文章标题").hint(
            "在栏目后面写上标题，例如：tongxin new yaowen 区政协召开十届常委会第十五次会议",
        )]);
    }
    if !root.join(config::FILE_NAME).is_file() {
        return Err(vec![
            Diagnostic::error(
                root.join(config::FILE_NAME),
                "找不到网站配置文件 site.yaml，这里不是网站文件夹",
            )
            .hint("进入网站文件夹（有 site.yaml 和 content 的那个）再运行，或用 --root 指定它；还没有网站时，先用 tongxin init 文件夹名 新建一个"),
        ]);
    }
    let diagnostics = Diagnostics::new();
    let Some(config) = config::load(root, &Overrides::default(), &diagnostics) else {
        return Err(diagnostics.into_sorted());
    };
    // Problems in other posts are for `build` and `check` to report; they do
    // not stop a new post.
    let content = content::load(root, &config.tz, &Diagnostics::new());
    let targets = targets(&content.files);
    let target = find_target(&targets, &options.column)?;

    let now = options.now.unwrap_or_else(Timestamp::now).to_zoned(config.tz.clone());
    let siblings: Vec<&SourceFile> = content
        .files
        .iter()
        .filter(|f| !f.is_index() && f.folder() == target.folder)
        .collect();
    let plan = plan(&target, title, &now, &config, &siblings);

    let path = PathBuf::from(CONTENT_DIR).join(&plan.rel);
    let column = match &target.book_of {
        Some(series) => format!("{series} › {}", target.title),
        None => target.title.clone(),
    };
    Ok(Planned {
        path,
        text: plan.text,
        column,
        kind: target.kind,
        next: plan.next,
    })
}

/// Writes a new file at `path` (relative to `root`), making its folder;
/// never replaces an existing file, even one made a moment ago.
pub fn write_new(root: &std::path::Path, path: &std::path::Path, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    let absolute = root.join(path);
    let written = absolute
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::OpenOptions::new().write(true).create_new(true).open(&absolute))
        .and_then(|mut file| std::io::Write::write_all(&mut file, bytes));
    written.map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "这个文件已经存在，没有覆盖它".to_string()
        } else {
            format!("无法写入新文件（{}）", io_reason(&e))
        };
        vec![Diagnostic::error(path, message).hint("检查网站文件夹的写入权限和磁盘空间；文件已存在时请换一个标题")]
    })
}

/// Columns and books, in folder order.
fn targets(files: &[SourceFile]) -> Vec<Target> {
    let mut columns: Vec<Target> = files
        .iter()
        .filter(|f| f.is_index() && !f.folder().is_empty() && !f.folder().contains('/'))
        .filter_map(|f| {
            let kind = ColumnKind::parse(f.meta.kind.as_deref()?)?;
            Some(Target {
                folder: f.folder().to_string(),
                title: f.meta.title.clone().unwrap_or_else(|| f.folder().to_string()),
                kind,
                author: f.meta.author.clone(),
                source: f.meta.source.clone(),
                book_of: None,
            })
        })
        .collect();
    let mut books = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.is_index() && f.folder().matches('/').count() == 1)
    {
        let top = f.folder().split('/').next().unwrap_or("");
        if let Some(series) = columns.iter().find(|c| c.folder == top && c.kind == ColumnKind::Series) {
            books.push(Target {
                folder: f.folder().to_string(),
                title: f.meta.title.clone().unwrap_or_else(|| f.folder().to_string()),
                kind: ColumnKind::Series,
                author: f.meta.author.clone().or_else(|| series.author.clone()),
                source: f.meta.source.clone().or_else(|| series.source.clone()),
                book_of: Some(series.title.clone()),
            });
        }
    }
    columns.sort_by(|a, b| a.folder.cmp(&b.folder));
    columns.extend(books);
    columns
}

fn find_target(targets: &[Target], wanted: &str) -> Result<Target, Vec<Diagnostic>> {
    let cleaned = wanted.trim().replace('\\', "/");
    let cleaned = cleaned.trim_matches('/');
    let cleaned = cleaned.strip_prefix("content/").unwrap_or(cleaned);
    if let Some(t) = targets.iter().find(|t| t.folder == cleaned || t.title == cleaned) {
        return Ok(t.clone());
    }
    let columns: Vec<&Target> = targets.iter().filter(|t| t.book_of.is_none()).collect();
    if columns.is_empty() {
        return Err(vec![
            Diagnostic::error(CONTENT_DIR, "网站还没有任何栏目").hint(
                "先建一个栏目：新建文件夹 content/yaowen/，在里面写 _index.md，内容为\n---\ntitle: 政协要闻\nkind: news\n---",
            ),
        ]);
    }
    let names = targets.iter().flat_map(|t| [t.folder.as_str(), t.title.as_str()]);
    let close = did_you_mean(cleaned, names)
        .map(|c| format!("是不是想写“{c}”？"))
        .unwrap_or_default();
    let list = columns
        .iter()
        .map(|c| format!("  {}（{}，{}）", c.folder, c.title, c.kind.label()))
        .collect::<Vec<_>>()
        .join("\n");
    Err(vec![
        Diagnostic::error(CONTENT_DIR, format!("没有叫“{}”的栏目", wanted.trim()))
            .hint(format!("{close}栏目可以写文件夹名或栏目名称。现有的栏目：\n{list}")),
    ])
}

/// The file to write, below `content/`, its text and the next step.
struct Plan {
    rel: String,
    text: String,
    next: String,
}

fn plan(target: &Target, title: &str, now: &Zoned, config: &SiteConfig, siblings: &[&SourceFile]) -> Plan {
    let day = now.strftime("%Y-%m-%d").to_string();
    let date = now.strftime("%Y-%m-%d %H:%M").to_string();
    let slug = short_slug(title);
    let folder = &target.folder;
    let author = target.author.clone().or_else(|| config.defaults.author.clone());
    let source = target
        .source
        .clone()
        .or_else(|| config.defaults.source.clone())
        .or_else(|| Some(config.title.clone()).filter(|t| !t.is_empty()));
    let mut fm = Lines::default();
    let mut next = String::from("打开这个文件，补全开头“---”之间空着的设置，在第二个“---”下面写正文；");
    let rel = match target.kind {
        ColumnKind::Members => {
            fm.set("name", title, "姓名");
            fm.comment(
                "photo: zhang-wei.jpg",
                "照片，放在与本文件同名的文件夹里；不写时显示姓氏头像",
            );
            fm.empty("sector", "界别，例如 经济界");
            fm.empty("committee", "专委会，可写多个：[经济委员会, 提案委员会]");
            fm.raw("roles: []", "职务，例如 [区政协常委]");
            fm.empty("party", "党派，例如 中国民主建国会");
            fm.empty("employer", "工作单位及职务");
            match latest_text(siblings, "term") {
                Some(term) => fm.set("term", &term, "届次"),
                None => fm.empty("term", "届次，例如 第十届"),
            }
            next.push_str("正文写委员简介。委员编号就是文件名，其他文章用 members 列出这位委员时写它。");
            format!("{folder}/{}.md", name_slug(title))
        }
        ColumnKind::Leaders => {
            fm.set("name", title, "姓名");
            fm.empty("roles", "职务，例如 区政协副主席");
            fm.empty("duties", "分工，例如 协助主席分管提案工作，联系提案委员会");
            let weight = siblings.iter().filter_map(|f| f.meta.weight).max().unwrap_or(0) + 1;
            fm.raw(&format!("weight: {weight}"), "排序：按职务从高到低，数字小的在前");
            fm.comment(
                "photo: zhaopian.jpg",
                "照片，放在与本文件同名的文件夹里；不写时显示姓氏头像",
            );
            fm.comment("member: zhang-wei", "委员编号：这位领导也是本站委员时写，两页互相链接");
            next.push_str("正文写简历。这位领导的讲话（讲话人写他的姓名或文件名）和参加的活动（涉及委员里写他）会自动列在他的页面上。");
            format!("{folder}/{}.md", name_slug(title))
        }
        ColumnKind::Page => {
            fm.set("title", title, "标题");
            let weight = siblings.iter().filter_map(|f| f.meta.weight).max().unwrap_or(0) + 1;
            fm.raw(&format!("weight: {weight}"), "排序：本栏目的单页按它从小到大排列");
            format!("{folder}/{}.md", or_default(slug, "yemian"))
        }
        ColumnKind::Series if target.book_of.is_none() => {
            fm.set("title", title, "书名");
            fm.empty("editor", "主编");
            fm.raw(&format!("year: {}", now.year()), "年份");
            fm.empty("publisher", "出版或编印单位");
            fm.comment("cover: fengmian.jpg", "封面图片，放在这本书的文件夹里");
            fm.comment("summary: 本书收录……", "简介");
            next = format!(
                "打开这个文件，补全书的设置，在第二个“---”下面写前言；然后用“tongxin new {folder}/{} 章节标题”添加各章。",
                or_default(slug.clone(), "shu")
            );
            format!("{folder}/{}/_index.md", or_default(slug, "shu"))
        }
        ColumnKind::Series => {
            fm.set("title", title, "章节标题");
            fm.opt("author", author.as_deref(), "作者");
            let chapters = siblings.len() + 1;
            if let Some(max) = siblings.iter().filter_map(|f| f.meta.weight).max() {
                fm.raw(&format!("weight: {}", max + 1), "排序：章节按它从小到大排列");
            }
            format!("{folder}/{chapters:02}-{}.md", or_default(slug, "zhang"))
        }
        kind @ (ColumnKind::News
        | ColumnKind::Notice
        | ColumnKind::Speech
        | ColumnKind::Opinions
        | ColumnKind::Proposals
        | ColumnKind::Study
        | ColumnKind::Letters
        | ColumnKind::Topic) => {
            fm.set("title", title, "标题");
            fm.raw(&format!("date: {date}"), "发布时间");
            if kind == ColumnKind::Proposals {
                proposal_fields(&mut fm, siblings, &mut next);
            } else {
                fm.opt("author", author.as_deref(), "作者，例如 区政协办公室");
                fm.opt("source", source.as_deref(), "来源");
            }
            match kind {
                ColumnKind::Speech => {
                    fm.empty("speaker", "讲话人：委员编号或姓名，例如 zhang-wei");
                    fm.empty("occasion", "场合，例如 区政协十届五次会议开幕会");
                }
                ColumnKind::Opinions => fm.empty("topic", "议题，例如 养老服务"),
                ColumnKind::Study => {
                    let issue = latest_issue(siblings).unwrap_or_else(|| format!("{}年第1期", now.year()));
                    fm.set("issue", &issue, "期号：同一期的材料写同样的期号");
                    fm.comment(
                        "attachments:",
                        "附件：取消下面三行的“#”，文件放在与本文件同名的文件夹里",
                    );
                    fm.comment("  - file: xuexi-tiyao.pdf", "");
                    fm.comment("    title: 学习提要", "");
                }
                ColumnKind::Letters => {
                    fm.raw(
                        &format!("received: {}", now.strftime("%Y-%m-%d")),
                        "受理日期：收到并受理来信的日期",
                    );
                    fm.empty(
                        "letter",
                        "来信摘要：概括来信反映的问题和建议，不写来信人的姓名、电话、住址",
                    );
                    fm.comment("replied: 2026-10-20", "答复日期：答复后取消“#”并改成答复的日期");
                    fm.comment("replier: 区住房和城乡建设局", "答复单位");
                    next.push_str("正文写答复内容。");
                }
                ColumnKind::Notice => {
                    fm.comment(
                        "status: 已废止",
                        "文件效力：有效、已修改、已废止、已失效；文件仍然有效时不用写",
                    );
                    fm.comment("status_date: 2026-05-01", "修改、废止或失效的日期");
                    fm.comment(
                        "replaced_by: \"@/栏目文件夹/文件名.md\"",
                        "替代它的现行文件：本站文章或网址",
                    );
                }
                ColumnKind::News
                | ColumnKind::Topic
                | ColumnKind::Proposals
                | ColumnKind::Page
                | ColumnKind::Members
                | ColumnKind::Series
                | ColumnKind::Leaders => {}
            }
            if kind == ColumnKind::Letters {
                fm.raw("tags: []", "标签，例如 [城市建设]");
            } else if kind != ColumnKind::Proposals {
                if kind == ColumnKind::Topic {
                    fm.raw(
                        "tags: []",
                        "标签：写上专题分栏的名字（如 [今日焦点]），文章就归入那个分栏",
                    );
                } else {
                    fm.raw("tags: []", "标签，例如 [协商议政, 民主监督]");
                }
                fm.empty("members", "本文涉及的委员编号或姓名，例如 [zhang-wei]");
                fm.comment("summary: 一句话摘要", "摘要，不写时自动取正文开头约 120 个字");
                fm.comment("cover: fengmian.jpg", "封面图片，放在与本文件同名的文件夹里");
                fm.comment("featured: true", "出现在首页焦点区");
            }
            format!("{folder}/{day}-{}.md", or_default(slug, "wenzhang"))
        }
    };
    next.push_str("\n然后运行 tongxin build 生成网站（或 tongxin serve 边写边预览），发布前运行 tongxin check。");
    Plan {
        rel,
        text: format!("---\n{}---\n\n", fm.text),
        next,
    }
}

fn proposal_fields(fm: &mut Lines, siblings: &[&SourceFile], next: &mut String) {
    let sessions = session_order(siblings.iter().filter_map(|f| {
        let session = f.meta.extra.get("session").and_then(read::string)?;
        Some((session, f.meta.date.as_ref().map(Zoned::timestamp)))
    }));
    let session = sessions.into_iter().find(|s| !s.is_empty());
    match next_number(siblings) {
        Some(number) => fm.set("number", &number, "提案号"),
        None => fm.empty("number", "提案号，例如 \"10-5-001\"（含“-”的请加引号）"),
    }
    match &session {
        Some(s) => fm.set("session", s, "所属会议"),
        None => fm.empty("session", "所属会议（必填），例如 十届五次会议"),
    }
    fm.empty(
        "proposers",
        "提案人：委员编号或姓名，例如 [zhang-wei, li-na]；集体提案写单位名称",
    );
    fm.empty("category", "类别，例如 城乡建设");
    fm.set("status", "立案", "状态（必填）：立案、不予立案、办理中、已办复");
    fm.empty("handler", "承办单位");
    fm.comment("reply: 答复摘要", "答复：一段文字，或答复函文件名");
    fm.comment(
        "result: A",
        "办理结果（已办复后填写）：A 已解决或采纳，B 正在解决或列入计划，C 留作参考",
    );
    fm.comment(
        "satisfaction: 满意",
        "提案人意见（已办复后填写）：满意、基本满意、不满意",
    );
    if session.is_none() {
        fm.raw("draft: true", "草稿：填好所属会议 session 后删去这一行");
        next.push_str(
            "这是本栏目的第一件提案，还不知道所属会议，所以先存为草稿：填好 session 后删去“draft: true”一行才会发布。",
        );
    }
}

/// The number after the largest of the column's proposals: `10-5-005` → `10-5-006`.
fn next_number(siblings: &[&SourceFile]) -> Option<String> {
    let numbers = siblings
        .iter()
        .filter_map(|f| f.meta.extra.get("number").and_then(read::string));
    let (prefix, last, width) = numbers
        .filter_map(|n| {
            let digits = n.len() - n.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (prefix, tail) = n.split_at(n.len() - digits);
            let value: u64 = tail.parse().ok()?;
            Some((prefix.to_string(), value, digits))
        })
        .max_by(|a, b| (numbers_in(&a.0), a.1).cmp(&(numbers_in(&b.0), b.1)))?;
    Some(format!("{prefix}{:0width$}", last + 1))
}

/// The value of `key` in the newest (by date, then file name) sibling that has it.
fn latest_text(siblings: &[&SourceFile], key: &str) -> Option<String> {
    siblings
        .iter()
        .filter_map(|f| {
            let value = f.meta.extra.get(key).and_then(read::string).filter(|v| !v.is_empty())?;
            Some((f.meta.date.as_ref().map(Zoned::timestamp), f.rel.as_str(), value))
        })
        .max_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
        .map(|(_, _, value)| value)
}

/// The newest issue (期号) of a study column.
fn latest_issue(siblings: &[&SourceFile]) -> Option<String> {
    session_order(siblings.iter().filter_map(|f| {
        let issue = f.meta.extra.get("issue").and_then(read::string)?;
        Some((issue, f.meta.date.as_ref().map(Zoned::timestamp)))
    }))
    .into_iter()
    .find(|s| !s.is_empty())
}

/// The pinyin of a title, cut at a word boundary to stay readable.
fn short_slug(title: &str) -> String {
    let full = slugify(title);
    let mut out = String::new();
    for word in full.split('-').take(SLUG_WORDS) {
        if !out.is_empty() && out.len() + 1 + word.len() > SLUG_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out.truncate(SLUG_CHARS);
    if out.len() < full.len() {
        // A cut that leaves a lone syllable (第, 的) at the end reads badly.
        while let Some((head, last)) = out.rsplit_once('-') {
            if last.len() > 3 {
                break;
            }
            out.truncate(head.len());
        }
    }
    out.trim_end_matches('-').to_string()
}

fn or_default(slug: String, default: &str) -> String {
    if slug.is_empty() { default.to_string() } else { slug }
}

/// Surnames of two characters, and surnames read differently from the
/// character's usual reading (单 shàn, not dān).
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
    "轩辕", "端木", "申屠", "独孤", "南宫", "西门", "万俟", "闻人", "澹台", "呼延", "百里", "东郭", "钟离", "太史",
    "拓跋",
];
const SURNAME_READINGS: &[(&str, &str)] = &[
    ("单", "shan"),
    ("曾", "zeng"),
    ("解", "xie"),
    ("仇", "qiu"),
    ("朴", "piao"),
    ("查", "zha"),
    ("盖", "ge"),
    ("区", "ou"),
    ("乐", "yue"),
    ("缪", "miao"),
    ("翟", "zhai"),
    ("召", "shao"),
    ("覃", "qin"),
    ("尉迟", "yuchi"),
    ("万俟", "moqi"),
];

/// A member's id from the name: `张伟` → `zhang-wei`, `欧阳明华` → `ouyang-minghua`,
/// as the sample site's ids are written. Other names are slugged as titles.
fn name_slug(name: &str) -> String {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    let all_han = chars.iter().all(|&c| crate::content::text::is_han(c));
    if !(2..=4).contains(&chars.len()) || !all_han {
        return or_default(short_slug(name), "weiyuan");
    }
    let surname_len = if chars.len() >= 3 && COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    let surname: String = chars[..surname_len].iter().collect();
    let given: String = chars[surname_len..].iter().collect();
    let surname_pinyin = SURNAME_READINGS
        .iter()
        .find(|(s, _)| *s == surname)
        .map_or_else(|| slugify(&surname).replace('-', ""), |(_, p)| p.to_string());
    let given_pinyin = slugify(&given).replace('-', "");
    format!("{surname_pinyin}-{given_pinyin}")
}

/// The front matter, line by line, with a Chinese comment on each.
#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn line(&mut self, setting: &str, comment: &str) {
        self.text.push_str(setting);
        if !comment.is_empty() {
            self.text.push_str("    # ");
            self.text.push_str(comment);
        }
        self.text.push('\n');
    }

    /// `key: value`, quoted when YAML would misread the value.
    fn set(&mut self, key: &str, value: &str, comment: &str) {
        self.line(&format!("{key}: {}", yaml_text(value)), comment);
    }

    fn raw(&mut self, setting: &str, comment: &str) {
        self.line(setting, comment);
    }

    /// `key:` with nothing after it: read as empty, for the user to fill.
    fn empty(&mut self, key: &str, comment: &str) {
        self.line(&format!("{key}:"), comment);
    }

    fn opt(&mut self, key: &str, value: Option<&str>, comment: &str) {
        match value {
            Some(v) => self.set(key, v, comment),
            None => self.empty(key, comment),
        }
    }

    /// A commented-out example: remove the `#` to use it.
    fn comment(&mut self, example: &str, comment: &str) {
        self.line(&format!("# {example}"), comment);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_short_pinyin() {
        assert_eq!(short_slug("全会闭幕"), "quanhui-bimu");
        let long = short_slug("区政协召开十届常委会第十五次会议暨专题协商会议听取各专委会工作汇报");
        assert!(long.len() <= SLUG_CHARS, "{long}");
        assert!(long.split('-').count() <= SLUG_WORDS, "{long}");
        assert!(!long.ends_with('-'));
        assert_eq!(short_slug("！？"), "");
        assert_eq!(
            short_slug("区政协召开十届常委会第十五次会议"),
            "qu-zhengxie-zhaokai-shijie-changweihui"
        );
    }

    #[test]
    fn member_ids_split_surname_and_given_name() {
        assert_eq!(name_slug("张伟"), "zhang-wei");
        assert_eq!(name_slug("陈建国"), "chen-jianguo");
        assert_eq!(name_slug("欧阳明华"), "ouyang-minghua");
        assert_eq!(name_slug("曾小红"), "zeng-xiaohong");
        assert_eq!(name_slug("单丽"), "shan-li");
        assert_eq!(name_slug("Anna Li"), "anna-li");
    }

    #[test]
    fn yaml_text_quotes_only_when_needed() {
        assert_eq!(yaml_text("区政协召开常委会会议"), "区政协召开常委会会议");
        assert_eq!(yaml_text("十届五次会议"), "十届五次会议");
        assert_eq!(yaml_text("10-5-006"), "\"10-5-006\"");
        assert_eq!(yaml_text("主题: 乡村振兴"), "\"主题: 乡村振兴\"");
        assert_eq!(yaml_text("“两会”前瞻"), "“两会”前瞻");
        assert_eq!(yaml_text("[转载]通知"), "\"[转载]通知\"");
        assert_eq!(yaml_text("说\"好\""), "说\"好\"");
        assert_eq!(yaml_text("\"引\""), "\"\\\"引\\\"\"");
        assert_eq!(yaml_text("2026"), "\"2026\"");
        assert_eq!(yaml_text("yes"), "\"yes\"");
    }

    #[test]
    fn the_next_proposal_number_follows_the_largest() {
        fn file(number: &str) -> SourceFile {
            let mut meta = crate::content::front_matter::FrontMatter::default();
            meta.extra.insert("number".into(), number.into());
            SourceFile {
                rel: "tian/a.md".into(),
                shown: "content/tian/a.md".into(),
                meta: meta.into(),
                body: std::sync::Arc::from(""),
                body_hash: 0,
                body_line: 1,
                bom: false,
            }
        }
        let files = [file("10-5-009"), file("10-5-010"), file("10-4-031")];
        let refs: Vec<&SourceFile> = files.iter().collect();
        assert_eq!(next_number(&refs).as_deref(), Some("10-5-011"));
        assert_eq!(next_number(&[]), None);
    }
}
