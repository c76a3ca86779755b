//! 专题 (`topic` columns): a special-topic section such as 2027年区政协全会专题.
//!
//! A 专题 is a column whose `_index.md` holds a banner (`banner`, 横幅), an
//! introduction (the body), a date window (`start` 开始日期 / `end` 结束日期)
//! during which the home page shows it, and its sub-sections (`sections`,
//! 分栏). Its posts are the ones in its own folder and every post, in any
//! column, that names it in `topics` (专题) — by its title, its short name
//! (`short_name`, 简称) or its folder. Each post goes to the first sub-section
//! it fits: one that lists the post's column, or one of the post's tags (a
//! sub-section written as just a name fits posts tagged with that name, or
//! from a column of that name). Without `sections`, each source column is a
//! sub-section of its own.
//!
//! After its window a 专题 is 往期: it leaves the home page and is listed in
//! the archive (`topics/`). The moments a window opens and closes are known
//! in advance ([`window_moments`]), so an incremental build made after one of
//! them renders again what changed.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::Value;

use crate::content::SourceFile;
use crate::content::front_matter::FrontMatter;
use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::yaml::read;

use super::Site;
use super::column::{Column, ColumnKind};
use super::files::FileLink;
use super::slug::slugify;

/// Items each sub-section shows on the 专题's own page, unless `section_count` says.
pub const DEFAULT_SECTION_COUNT: usize = 6;
/// The sub-section of posts that fit no other.
const OTHERS: &str = "其他报道";
/// The sub-section of the 专题's own posts when sub-sections are automatic.
const OWN: &str = "专题动态";

#[derive(Debug)]
pub struct Topic {
    /// Index into `Site::columns`.
    pub column: usize,
    /// What posts may write in `topics` to join it: title, short name, folder.
    pub names: Vec<String>,
    pub short_name: Option<String>,
    pub banner_file: Option<String>,
    pub banner_line: Option<usize>,
    /// The banner, found on disk.
    pub banner: Option<FileLink>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub when: When,
    pub section_count: usize,
    pub sections: Vec<Section>,
    /// Every post of the 专题 (indices into `Site::pages`), newest first.
    pub pages: Vec<usize>,
}

/// Where a 专题 stands on the day of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Its window has not opened yet.
    Coming,
    /// On the home page.
    Current,
    /// Its window has closed: in the archive.
    Past,
}

impl When {
    pub fn name(self) -> &'static str {
        match self {
            When::Coming => "coming",
            When::Current => "current",
            When::Past => "past",
        }
    }
}

#[derive(Debug)]
pub struct Section {
    pub name: String,
    /// Site path of its full list, e.g. `quanhui2027/weiyuan-jianyan/`.
    pub path: String,
    /// Columns whose posts it takes (indices into `Site::columns`).
    pub columns: Vec<usize>,
    pub tags: Vec<String>,
    /// Indices into `Site::pages`, newest first.
    pub pages: Vec<usize>,
}

/// Reads the settings of every `topic` column; `bodies` is parallel to `columns`.
pub fn settings(
    columns: &[Column],
    bodies: &[SourceFile],
    now: Timestamp,
    tz: &TimeZone,
    diagnostics: &Diagnostics,
) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for (c, (column, file)) in columns.iter().zip(bodies).enumerate() {
        if column.kind != ColumnKind::Topic {
            continue;
        }
        let meta = &file.meta;
        let error = |key: &str, message: String, hint: String| {
            let mut d = Diagnostic::error(&file.shown, message).hint(hint);
            if let Some(line) = meta.line_of(key) {
                d = d.at_line(line);
            }
            diagnostics.push(d);
        };
        let short_name = short_name_as_written(meta);
        let mut names = vec![column.title.clone(), column.folder.clone()];
        names.extend(short_name.clone());
        names.dedup();
        let date = |key: &str, zh: &str| -> Option<Date> {
            let value = meta.extra.get(key)?;
            let written = read::string(value).unwrap_or_default();
            let parsed = dates::parse(&written, tz).map(|z| z.date());
            if parsed.is_none() {
                error(
                    key,
                    format!("专题的{zh} {key} 写的“{written}”不是日期"),
                    format!("写成 {}，并确认是真实存在的日期", dates::ACCEPTED_FORMS),
                );
            }
            parsed
        };
        let (start, mut end) = (date("start", "开始日期"), date("end", "结束日期"));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            error(
                "end",
                format!(
                    "专题的结束日期（{}）早于开始日期（{}）",
                    dates::chinese(e),
                    dates::chinese(s)
                ),
                "核对这两个日期；首页在开始日期到结束日期之间（含这两天）显示本专题".into(),
            );
            end = None;
        }
        let section_count = match meta.extra.get("section_count") {
            None => DEFAULT_SECTION_COUNT,
            Some(v) => match read::integer(v) {
                Some(n) if (1..=100).contains(&n) => n as usize,
                _ => {
                    error(
                        "section_count",
                        "专题的每栏条数 section_count 应是 1 到 100 之间的整数".into(),
                        format!("例如“每栏条数: 8”；不写时每个分栏在专题首页显示 {DEFAULT_SECTION_COUNT} 条"),
                    );
                    DEFAULT_SECTION_COUNT
                }
            },
        };
        let banner_file = meta
            .extra
            .get("banner")
            .and_then(read::string)
            .filter(|s| !s.is_empty());
        let sections = sections_of(meta, columns, column, &error);
        topics.push(Topic {
            column: c,
            names,
            short_name,
            banner_line: meta.line_of("banner"),
            banner_file,
            banner: None,
            when: when(start, end, now, tz),
            start,
            end,
            section_count,
            sections,
            pages: Vec::new(),
        });
    }
    topics
}

/// The sub-sections as written in `sections` (分栏), each with its path.
fn sections_of(
    meta: &FrontMatter,
    columns: &[Column],
    topic: &Column,
    error: &dyn Fn(&str, String, String),
) -> Vec<Section> {
    let Some(value) = meta.extra.get("sections") else {
        return Vec::new();
    };
    let example = "写成一组名字，例如“分栏: [今日焦点, 委员建言, 大会发言]”；或者每项写“名称”和“栏目”“标签”";
    let items: Vec<Value> = match value {
        Value::Array(items) => items.clone(),
        Value::String(_) => read::string_list(value)
            .unwrap_or_default()
            .into_iter()
            .map(Value::String)
            .collect(),
        _ => {
            error("sections", "专题的分栏 sections 应是一组分栏".into(), example.into());
            return Vec::new();
        }
    };
    let find_column = |name: &str| {
        columns
            .iter()
            .position(|c| c.folder == name || c.slug == name || c.title == name)
    };
    let mut sections: Vec<Section> = Vec::new();
    for item in items {
        let (name, mut wanted_columns, tags) = match &item {
            Value::Object(map) => {
                let get = |en: &str, zh: &str| map.get(en).or_else(|| map.get(zh));
                let Some(name) = get("name", "名称").and_then(read::string).filter(|n| !n.is_empty()) else {
                    error("sections", "专题的一个分栏缺少名称".into(), example.into());
                    continue;
                };
                let list = |en: &str, zh: &str| get(en, zh).and_then(read::string_list).unwrap_or_default();
                let mut wanted = Vec::new();
                for folder in list("columns", "栏目") {
                    match find_column(&folder) {
                        Some(c) => wanted.push(c),
                        None => {
                            let hint = match did_you_mean(&folder, columns.iter().map(|c| c.folder.as_str())) {
                                Some(close) => format!("是不是想写“{close}”？"),
                                None => format!(
                                    "写栏目文件夹的名字；现有栏目：{}",
                                    columns.iter().map(|c| c.folder.as_str()).collect::<Vec<_>>().join("、")
                                ),
                            };
                            error("sections", format!("专题分栏“{name}”中的栏目“{folder}”不存在"), hint);
                        }
                    }
                }
                let tags = list("tags", "标签");
                (name, wanted, tags)
            }
            other => match read::string(other).filter(|n| !n.is_empty()) {
                Some(name) => (name, Vec::new(), Vec::new()),
                None => {
                    error("sections", "专题的分栏 sections 里有一项看不懂".into(), example.into());
                    continue;
                }
            },
        };
        // Just a name: posts tagged with it, or from a column of that name.
        let tags = if wanted_columns.is_empty() && tags.is_empty() {
            wanted_columns.extend(find_column(&name));
            vec![name.clone()]
        } else {
            tags
        };
        if sections.iter().any(|s| s.name == name) {
            error(
                "sections",
                format!("专题的分栏“{name}”写了两次"),
                "删掉重复的一项，或者改个名字".into(),
            );
            continue;
        }
        sections.push(Section {
            path: section_path(topic, &name, &sections),
            name,
            columns: wanted_columns,
            tags,
            pages: Vec::new(),
        });
    }
    sections
}

fn section_path(topic: &Column, name: &str, taken: &[Section]) -> String {
    let base = match slugify(name) {
        s if s.is_empty() => format!("fenlan-{}", taken.len() + 1),
        s => s,
    };
    let mut path = format!("{}{base}/", topic.path);
    let mut n = 2;
    while taken.iter().any(|s| s.path == path) {
        path = format!("{}{base}-{n}/", topic.path);
        n += 1;
    }
    path
}

/// The moment a window opens (the start day's midnight) and closes (the
/// midnight after the end day).
fn bounds(start: Option<Date>, end: Option<Date>, tz: &TimeZone) -> (Option<Timestamp>, Option<Timestamp>) {
    let midnight = |d: Date| d.to_zoned(tz.clone()).ok().map(|z| z.timestamp());
    (
        start.and_then(midnight),
        end.and_then(|e| e.tomorrow().ok()).and_then(midnight),
    )
}

fn when(start: Option<Date>, end: Option<Date>, now: Timestamp, tz: &TimeZone) -> When {
    let (opens, closes) = bounds(start, end, tz);
    if opens.is_some_and(|o| now < o) {
        When::Coming
    } else if closes.is_some_and(|c| now >= c) {
        When::Past
    } else {
        When::Current
    }
}

/// The moments at which a column's `_index.md` changes what the site shows
/// (a 专题's window opening and closing), for the engine to know when the
/// output it kept goes out of date.
pub fn window_moments(meta: &FrontMatter, tz: &TimeZone) -> Vec<Timestamp> {
    if meta.kind.as_deref().and_then(ColumnKind::parse) != Some(ColumnKind::Topic) {
        return Vec::new();
    }
    let (start, end) = window_as_written(meta, tz);
    let (opens, closes) = bounds(start, end, tz);
    opens.into_iter().chain(closes).collect()
}

/// Where a 专题 stands at `now`, from its `_index.md` alone (for the desk,
/// which lists 专题 without modelling the site; a date that is not one is
/// left out here and reported by the build).
pub fn when_as_written(meta: &FrontMatter, now: Timestamp, tz: &TimeZone) -> When {
    let (start, end) = window_as_written(meta, tz);
    when(start, end, now, tz)
}

/// The short name (简称) of a 专题 as its `_index.md` writes it.
pub fn short_name_as_written(meta: &FrontMatter) -> Option<String> {
    meta.extra
        .get("short_name")
        .and_then(read::string)
        .filter(|s| !s.is_empty())
}

fn window_as_written(meta: &FrontMatter, tz: &TimeZone) -> (Option<Date>, Option<Date>) {
    let date = |key: &str| {
        meta.extra
            .get(key)
            .and_then(read::string)
            .and_then(|t| dates::parse(&t, tz))
            .map(|z| z.date())
    };
    (date("start"), date("end"))
}

/// Fills each 专题 with its posts, from `newest_first` (every page, newest
/// first), and sorts them into sub-sections.
pub fn gather(site: &mut Site, newest_first: &[usize]) {
    let mut topics = std::mem::take(&mut site.topics);
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (t, topic) in topics.iter().enumerate() {
        for name in &topic.names {
            by_name.entry(name.as_str()).or_insert(t);
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); topics.len()];
    for &p in newest_first {
        let page = &site.pages[p];
        let mut joined: Vec<usize> = page
            .meta
            .topics
            .iter()
            .filter_map(|name| by_name.get(name.trim()).copied())
            .collect();
        if let Some(own) = topics.iter().position(|t| Some(t.column) == page.column) {
            joined.push(own);
        }
        joined.sort_unstable();
        joined.dedup();
        for t in joined {
            members[t].push(p);
        }
    }
    for (topic, pages) in topics.iter_mut().zip(members) {
        if topic.sections.is_empty() {
            automatic_sections(site, topic, &pages);
        } else {
            let mut others = Vec::new();
            for &p in &pages {
                let page = &site.pages[p];
                let fits = topic.sections.iter_mut().find(|s| {
                    page.column.is_some_and(|c| s.columns.contains(&c))
                        || page.meta.tags.iter().any(|t| s.tags.iter().any(|w| w == t.trim()))
                });
                match fits {
                    Some(section) => section.pages.push(p),
                    None => others.push(p),
                }
            }
            if !others.is_empty() {
                let path = section_path(&site.columns[topic.column], OTHERS, &topic.sections);
                topic.sections.push(Section {
                    name: OTHERS.into(),
                    path,
                    columns: Vec::new(),
                    tags: Vec::new(),
                    pages: others,
                });
            }
        }
        topic.pages = pages;
    }
    site.topics = topics;
}

/// One sub-section per source column: the 专题's own posts first, then the
/// columns in navigation order.
fn automatic_sections(site: &Site, topic: &mut Topic, pages: &[usize]) {
    let rank = |c: Option<usize>| match c {
        Some(c) if c == topic.column => (0, 0),
        Some(c) => (1, site.nav.iter().position(|&n| n == c).unwrap_or(usize::MAX - 1)),
        None => (2, 0),
    };
    let mut by_column: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    for &p in pages {
        let column = site.pages[p].column;
        match by_column.iter_mut().find(|(c, _)| *c == column) {
            Some((_, list)) => list.push(p),
            None => by_column.push((column, vec![p])),
        }
    }
    by_column.sort_by_key(|(c, _)| (rank(*c), *c));
    for (column, list) in by_column {
        let name = match column {
            Some(c) if c == topic.column => OWN.to_string(),
            Some(c) => site.columns[c].title.clone(),
            None => OTHERS.to_string(),
        };
        let path = section_path(&site.columns[topic.column], &name, &topic.sections);
        topic.sections.push(Section {
            name,
            path,
            columns: column.into_iter().collect(),
            tags: Vec::new(),
            pages: list,
        });
    }
}

/// The 专题 a `topics` value names, if any.
pub fn topic_named(site: &Site, name: &str) -> Option<usize> {
    let name = name.trim();
    site.topics.iter().position(|t| t.names.iter().any(|n| n == name))
}

/// `2027年1月10日至1月31日`, or one end of it.
pub fn window_text(topic: &Topic) -> String {
    match (topic.start, topic.end) {
        (Some(s), Some(e)) if s.year() == e.year() => {
            format!("{}至{}月{}日", dates::chinese(s), e.month(), e.day())
        }
        (Some(s), Some(e)) => format!("{}至{}", dates::chinese(s), dates::chinese(e)),
        (Some(s), None) => format!("{}起", dates::chinese(s)),
        (None, Some(e)) => format!("至{}", dates::chinese(e)),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn the_window_includes_both_days_in_the_site_time_zone() {
        let tz = TimeZone::fixed(jiff::tz::offset(8));
        let (s, e) = (Some(day("2027-01-10")), Some(day("2027-01-31")));
        let at = |text: &str| -> Timestamp { text.parse().unwrap() };
        assert_eq!(when(s, e, at("2027-01-09T15:59:59Z"), &tz), When::Coming);
        assert_eq!(when(s, e, at("2027-01-09T16:00:00Z"), &tz), When::Current);
        assert_eq!(when(s, e, at("2027-01-31T15:59:59Z"), &tz), When::Current);
        assert_eq!(when(s, e, at("2027-01-31T16:00:00Z"), &tz), When::Past);
        assert_eq!(when(None, None, at("2000-01-01T00:00:00Z"), &tz), When::Current);
    }

    #[test]
    fn window_text_reads_like_chinese() {
        let topic = |start: Option<&str>, end: Option<&str>| Topic {
            column: 0,
            names: Vec::new(),
            short_name: None,
            banner_file: None,
            banner_line: None,
            banner: None,
            start: start.map(day),
            end: end.map(day),
            when: When::Current,
            section_count: DEFAULT_SECTION_COUNT,
            sections: Vec::new(),
            pages: Vec::new(),
        };
        assert_eq!(
            window_text(&topic(Some("2027-01-10"), Some("2027-01-31"))),
            "2027年1月10日至1月31日"
        );
        assert_eq!(
            window_text(&topic(Some("2026-12-20"), Some("2027-01-05"))),
            "2026年12月20日至2027年1月5日"
        );
        assert_eq!(window_text(&topic(Some("2027-01-10"), None)), "2027年1月10日起");
        assert_eq!(window_text(&topic(None, None)), "");
    }
}
