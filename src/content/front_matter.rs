//! Front matter: the YAML settings between `---` lines at the top of a file.
//!
//! Every documented key also accepts its Chinese name (`标题` = `title`). Keys
//! that belong to later stages (member, proposal, book fields) are recognised and
//! kept, under their English names, in `extra`; truly unknown keys are kept too,
//! with a warning when they look like a typo of a known key.

use std::collections::HashMap;
use std::path::Path;

use jiff::Zoned;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::dates;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::old_urls::{Alias, OldUrl};
use crate::yaml::{self, read};

/// Every documented key as (English, Chinese).
pub const KEYS: &[(&str, &str)] = &[
    // every page
    ("title", "标题"),
    ("date", "日期"),
    ("author", "作者"),
    ("source", "来源"),
    ("summary", "摘要"),
    ("cover", "封面"),
    ("tags", "标签"),
    ("topics", "专题"),
    ("members", "委员"),
    ("featured", "焦点"),
    ("draft", "草稿"),
    ("slug", "网址名"),
    ("weight", "排序"),
    ("attachments", "附件"),
    ("aliases", "旧网址"),
    // columns (_index.md)
    ("kind", "类型"),
    ("page_size", "每页条数"),
    ("description", "说明"),
    ("stale_after_days", "更新周期"),
    ("reply_days", "答复时限"),
    // 专题 (topic columns)
    ("short_name", "简称"),
    ("banner", "横幅"),
    ("start", "开始日期"),
    ("end", "结束日期"),
    ("sections", "分栏"),
    ("section_count", "每栏条数"),
    // speeches and opinions
    ("speaker", "讲话人"),
    ("occasion", "场合"),
    ("topic", "议题"),
    // members
    ("name", "姓名"),
    ("photo", "照片"),
    ("sector", "界别"),
    ("committee", "专委会"),
    ("roles", "职务"),
    ("party", "党派"),
    ("employer", "工作单位"),
    ("term", "届次"),
    // leaders (领导之窗)
    ("duties", "分工"),
    ("member", "委员编号"),
    // proposals
    ("number", "提案号"),
    ("session", "会议"),
    ("proposers", "提案人"),
    ("category", "类别"),
    ("status", "状态"),
    ("handler", "承办单位"),
    ("reply", "答复"),
    ("result", "办理结果"),
    ("satisfaction", "满意度"),
    // letters (来信选登)
    ("letter", "来信摘要"),
    ("received", "受理日期"),
    ("replied", "答复日期"),
    ("replier", "答复单位"),
    // a notice or document's validity (`status` above, outside proposals)
    ("status_date", "变更日期"),
    ("replaced_by", "替代文件"),
    // books and study materials
    ("editor", "主编"),
    ("year", "年份"),
    ("publisher", "出版"),
    ("issue", "期号"),
    // the home page (content/_index.md)
    ("focus_count", "焦点条数"),
    ("news_columns", "新闻栏目"),
    ("news_count", "新闻条数"),
    ("notice_columns", "公告栏目"),
    ("notice_count", "公告条数"),
    ("member_count", "委员条数"),
    ("book_count", "文史条数"),
    // `tongxin check`: rules silenced for this page (or column)
    ("check", "检查"),
];

/// Where the settings end and the text begins.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits a file into front matter and body. A file without `---` on its first
/// line has no front matter.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (i, line) in text[yaml_start..].split_inclusive('\n').enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(file, "开头的“---”没有对应的结束行")
        .at_line(1)
        .hint("在设置（标题、日期等）的最后一行下面，单独加一行“---”，再写正文"))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub file: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<Zoned>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub summary: Option<String>,
    pub cover: Option<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub members: Vec<String>,
    pub featured: bool,
    pub draft: bool,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub attachments: Vec<Attachment>,
    /// Old addresses that redirect to this page (see [`crate::old_urls`]).
    pub aliases: Vec<Alias>,
    pub kind: Option<String>,
    pub page_size: Option<i64>,
    pub description: Option<String>,
    pub stale_after_days: Option<i64>,
    pub speaker: Option<String>,
    pub occasion: Option<String>,
    pub topic: Option<String>,
    /// Every other key, by its English name where it has one.
    #[serde(with = "json_text")]
    pub extra: Map<String, Value>,
    /// The line each key was written on, to point later errors at it.
    #[serde(with = "key_lines")]
    pub lines: HashMap<&'static str, usize>,
    /// The YAML could not be read at all (already reported); later stages skip
    /// the file instead of adding follow-on errors about missing settings.
    pub unreadable: bool,
}

/// `extra` as the engine keeps it between builds: JSON text (its values may be
/// anything, which a compact binary format cannot tell apart by itself).
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::{Map, Value};

    pub fn serialize<S: Serializer>(extra: &Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
        serde_json::to_string(extra)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// `lines` as the engine keeps it between builds: the keys are the English
/// names of [`KEYS`], found again by name.
mod key_lines {
    use std::collections::HashMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(lines: &HashMap<&'static str, usize>, s: S) -> Result<S::Ok, S::Error> {
        let mut list: Vec<(&str, usize)> = lines.iter().map(|(k, v)| (*k, *v)).collect();
        list.sort();
        list.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<HashMap<&'static str, usize>, D::Error> {
        let list: Vec<(String, usize)> = Vec::deserialize(d)?;
        Ok(list
            .into_iter()
            .filter_map(|(key, line)| {
                let &(en, _) = super::KEYS.iter().find(|(en, _)| *en == key)?;
                Some((en, line))
            })
            .collect())
    }
}

impl FrontMatter {
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied()
    }
}

/// Parses the YAML of `split` into typed settings. Problems (errors and warnings)
/// are appended to `problems`; the settings that could be read are returned.
pub fn parse(split: &Split, file: &Path, tz: &TimeZone, problems: &mut Vec<Diagnostic>) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let value = match yaml::parse(split.yaml, file, split.yaml_line) {
        Ok(v) => v,
        Err(errors) => {
            problems.extend(errors);
            fm.unreadable = true;
            return fm;
        }
    };
    let Value::Object(map) = value else {
        problems.push(
            Diagnostic::error(file, "开头的设置不是“名称: 值”的形式")
                .at_line(split.yaml_line)
                .hint("每行写一项设置，例如“title: 区政协召开常委会会议”"),
        );
        fm.unreadable = true;
        return fm;
    };
    let names = KEYS.iter().flat_map(|(en, zh)| [*en, *zh]);
    let key_lines = yaml::key_lines(split.yaml, map.keys().map(String::as_str).chain(names));
    let line_of = |key: &str| key_lines.get(key).map(|l| l + split.yaml_line - 1);
    let mut r = Reader {
        file,
        problems,
        line_of: &line_of,
    };
    let mut seen = std::collections::HashSet::new();

    for (key, value) in map {
        let line = line_of(&key);
        let Some(&(en, _)) = KEYS.iter().find(|(en, zh)| key == *en || key == *zh) else {
            let names = KEYS.iter().flat_map(|(en, zh)| [*en, *zh]);
            if let Some(close) = did_you_mean(&key, names) {
                let mut d = Diagnostic::warning(file, format!("不认识的设置“{key}”，已作为自定义设置保留"))
                    .hint(format!("如果是想写“{close}”，请改过来"));
                if let Some(line) = line {
                    d = d.at_line(line);
                }
                r.problems.push(d);
            }
            fm.extra.insert(key, value);
            continue;
        };
        if !seen.insert(en) {
            let mut d =
                Diagnostic::error(file, format!("设置“{en}”写了两次（英文名和中文名算同一项）")).hint("删掉其中一行");
            if let Some(line) = line {
                d = d.at_line(line);
            }
            r.problems.push(d);
            continue;
        }
        if let Some(line) = line {
            fm.lines.insert(en, line);
        }
        match en {
            "title" => fm.title = r.text(en, &value),
            "author" => fm.author = r.text(en, &value),
            "source" => fm.source = r.text(en, &value),
            "summary" => fm.summary = r.text(en, &value),
            "cover" => fm.cover = r.text(en, &value),
            "slug" => fm.slug = r.text(en, &value),
            "kind" => fm.kind = r.text(en, &value),
            "description" => fm.description = r.text(en, &value),
            "speaker" => fm.speaker = r.text(en, &value),
            "occasion" => fm.occasion = r.text(en, &value),
            "topic" => fm.topic = r.text(en, &value),
            "tags" => fm.tags = r.list(en, &value),
            "topics" => fm.topics = r.list(en, &value),
            "members" => fm.members = r.list(en, &value),
            "featured" => fm.featured = r.boolean(en, &value),
            "draft" => fm.draft = r.boolean(en, &value),
            "weight" => fm.weight = r.integer(en, &value, i64::MIN),
            "page_size" => fm.page_size = r.integer(en, &value, 1),
            "stale_after_days" => fm.stale_after_days = r.integer(en, &value, 1),
            "date" => fm.date = r.date(&value, tz),
            "attachments" => fm.attachments = r.attachments(&value),
            "aliases" => fm.aliases = r.aliases(&value, split.yaml, split.yaml_line),
            other => {
                fm.extra.insert(other.to_string(), value);
            }
        }
    }
    fm
}

struct Reader<'a, 'p> {
    file: &'a Path,
    problems: &'p mut Vec<Diagnostic>,
    line_of: &'a dyn Fn(&str) -> Option<usize>,
}

impl Reader<'_, '_> {
    fn error(&mut self, key: &str, message: String, hint: String) {
        let zh = KEYS.iter().find(|(en, _)| *en == key).map_or("", |(_, zh)| *zh);
        let line = (self.line_of)(key).or_else(|| (self.line_of)(zh));
        let mut d = Diagnostic::error(self.file, message).hint(hint);
        if let Some(line) = line {
            d = d.at_line(line);
        }
        self.problems.push(d);
    }

    fn text(&mut self, key: &str, v: &Value) -> Option<String> {
        if v.is_null() {
            return None;
        }
        let s = read::string(v);
        if s.is_none() {
            self.error(
                key,
                format!("“{key}”应是一段文字"),
                format!("在冒号后面直接写文字，例如“{key}: ……”；文字里有冒号时用英文引号括起来"),
            );
        }
        s.filter(|s| !s.is_empty())
    }

    fn list(&mut self, key: &str, v: &Value) -> Vec<String> {
        match read::string_list(v) {
            Some(list) => list.into_iter().filter(|s| !s.is_empty()).collect(),
            None => {
                self.error(
                    key,
                    format!("“{key}”应是一组文字"),
                    format!("写成“{key}: [甲, 乙]”，或“{key}: 甲、乙”"),
                );
                Vec::new()
            }
        }
    }

    fn boolean(&mut self, key: &str, v: &Value) -> bool {
        read::boolean(v).unwrap_or_else(|| {
            self.error(
                key,
                format!("“{key}”只能是 true 或 false"),
                format!("写“{key}: true”（是）或“{key}: false”（否）"),
            );
            false
        })
    }

    fn integer(&mut self, key: &str, v: &Value, min: i64) -> Option<i64> {
        match read::integer(v) {
            Some(n) if n >= min => Some(n),
            _ => {
                let floor = if min > 0 {
                    format!("不小于 {min} 的")
                } else {
                    String::new()
                };
                self.error(key, format!("“{key}”应是{floor}整数"), format!("例如“{key}: 10”"));
                None
            }
        }
    }

    fn date(&mut self, v: &Value, tz: &TimeZone) -> Option<Zoned> {
        let text = read::string(v).unwrap_or_default();
        let parsed = dates::parse(&text, tz);
        if parsed.is_none() {
            self.error(
                "date",
                format!("日期“{text}”无法识别"),
                format!("写成 {}，并确认是真实存在的日期", dates::ACCEPTED_FORMS),
            );
            if let Some(d) = self.problems.last_mut() {
                d.rule = Some(crate::rules::Rule::MetaDate);
            }
        }
        parsed
    }

    fn attachments(&mut self, v: &Value) -> Vec<Attachment> {
        let items = match v {
            Value::Array(items) => items.as_slice(),
            Value::Null => return Vec::new(),
            other => std::slice::from_ref(other),
        };
        let mut out = Vec::new();
        for item in items {
            let attachment = match item {
                Value::String(file) => Some(Attachment {
                    file: file.clone(),
                    title: file_title(file),
                }),
                Value::Object(m) => {
                    let get = |en: &str, zh: &str| m.get(en).or_else(|| m.get(zh)).and_then(read::string);
                    get("file", "文件").map(|file| Attachment {
                        title: get("title", "标题").unwrap_or_else(|| file_title(&file)),
                        file,
                    })
                }
                _ => None,
            };
            match attachment {
                Some(a) => out.push(a),
                None => {
                    self.error(
                        "attachments",
                        "附件的写法不对".into(),
                        "每个附件写成“- file: 文件名.pdf”，下一行缩进写“  title: 附件标题”".into(),
                    );
                    break;
                }
            }
        }
        out
    }
}

impl Reader<'_, '_> {
    /// `aliases`: one old address or a list of them. Each is checked on its
    /// own, and an error names the line the address is written on.
    fn aliases(&mut self, v: &Value, yaml: &str, first_line: usize) -> Vec<Alias> {
        let items = match v {
            Value::Array(items) => items.as_slice(),
            Value::Null => return Vec::new(),
            other => std::slice::from_ref(other),
        };
        let key_line = (self.line_of)("aliases").or_else(|| (self.line_of)("旧网址"));
        let mut out = Vec::new();
        let mut from = key_line.unwrap_or(first_line);
        for item in items {
            let Some(text) = read::string(item) else {
                self.error(
                    "aliases",
                    "“aliases”（旧网址）应是一个或一组网址".into(),
                    "写成“aliases: /html/2019/0312/1234.html”，多个时每行一个“- /旧网址”".into(),
                );
                break;
            };
            // The line the address is on: from the key's line on, the first
            // whose value is exactly it, else the first that holds it (a list
            // spreads over several lines).
            let wanted = text.trim();
            let lines: Vec<(usize, &str)> = yaml
                .lines()
                .enumerate()
                .map(|(i, l)| (i + first_line, l))
                .skip(from.saturating_sub(first_line))
                .collect();
            let value_of = |l: &str| {
                let l = l.trim().trim_start_matches('-').trim_start();
                let l = match l.split_once([':', '：']) {
                    Some((key, rest)) if key == "aliases" || key == "旧网址" => rest.trim(),
                    _ => l,
                };
                l.trim_matches(['"', '\'']).to_string()
            };
            let line = lines
                .iter()
                .find(|(_, l)| value_of(l) == wanted)
                .or_else(|| lines.iter().find(|(_, l)| l.contains(wanted)))
                .map_or(from, |(n, _)| *n);
            from = if items.len() > 1 { line + 1 } else { line };
            match OldUrl::parse(&text) {
                Ok(url) => out.push(Alias { url, line }),
                Err((message, hint)) => {
                    self.problems
                        .push(Diagnostic::error(self.file, message).at_line(line).hint(hint));
                }
            }
        }
        out
    }
}

fn file_title(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> TimeZone {
        dates::time_zone("Asia/Shanghai").unwrap()
    }

    fn parse_text(text: &str) -> (FrontMatter, Vec<Diagnostic>) {
        let file = Path::new("a.md");
        let split = split(text, file).unwrap();
        let mut problems = Vec::new();
        (parse(&split, file, &tz(), &mut problems), problems)
    }

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: a\n---\n正文\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 4);
        let none = split("正文\n", Path::new("a.md")).unwrap();
        assert_eq!(none.body, "正文\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_one() {
        let e = split("---\ntitle: a\n正文\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("---"));
    }

    #[test]
    fn chinese_keys_and_forgiving_values() {
        let (fm, problems) = parse_text(
            "---\n标题: 常委会召开\n日期: 2025年3月2日\n标签: 乡村振兴、民主监督\n焦点: 是\n界别: 经济界\nmy_key: 1\n---\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.title.as_deref(), Some("常委会召开"));
        assert_eq!(fm.date.as_ref().unwrap().date().to_string(), "2025-03-02");
        assert_eq!(fm.tags, ["乡村振兴", "民主监督"]);
        assert!(fm.featured);
        assert_eq!(fm.extra["sector"], "经济界");
        assert_eq!(fm.extra["my_key"], 1);
        assert_eq!(fm.line_of("title"), Some(2));
    }

    #[test]
    fn bad_values_name_their_line() {
        let (_, problems) = parse_text("---\ntitle: a\ndate: 2025-02-30\nweight: 高\n---\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("2025-02-30"));
        assert_eq!(problems[1].line, Some(4));
    }

    #[test]
    fn typo_keys_are_kept_with_a_warning() {
        let (fm, problems) = parse_text("---\ntitel: a\n---\n");
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].is_error());
        assert!(problems[0].hint.as_deref().unwrap().contains("title"));
        assert_eq!(fm.extra["titel"], "a");
    }

    #[test]
    fn aliases_one_or_many_with_their_lines() {
        let (fm, problems) = parse_text("---\ntitle: a\n旧网址: /a.html\n---\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.aliases[0].url.path, "/a.html");
        assert_eq!(fm.aliases[0].line, 3);
        let (fm, problems) =
            parse_text("---\ntitle: a\naliases:\n  - /b.html\n  - /a/../c.html\n  - /news/show.asp?id=1\n---\n");
        assert_eq!(fm.aliases.len(), 2);
        assert_eq!(fm.aliases[1].line, 6);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(5));
        assert!(problems[0].message.contains(".."));
        let (_, problems) = parse_text("---\ntitle: a\naliases:\n  - {a: 1}\n---\n");
        assert_eq!(problems[0].line, Some(3));
    }

    #[test]
    fn attachments_in_both_forms() {
        let (fm, problems) = parse_text("---\nattachments:\n  - 通知.pdf\n  - file: b.docx\n    标题: 报名表\n---\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.attachments[0].title, "通知");
        assert_eq!(fm.attachments[1].title, "报名表");
    }
}
