//! What a site, a column, a page or a line asked `check` not to report, so that a
//! false alarm never blocks a team:
//!
//! - site.yaml: `check: { ignore: [...], levels: { rule: 提示 } }`
//! - a page's (or a column's `_index.md`) front matter: `check: { ignore: [...] }`,
//!   or just `check: [...]`; a column's list applies to all its pages
//! - a line: `<!-- check-ignore: rule, rule -->` (or `<!-- 检查忽略: … -->`) at the
//!   end of the line, or alone on the line before it; without rules, every rule
//!
//! Entries are rule ids, families (`link`), Chinese names (`占位符`) or `all`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::rules::{self, Level};
use super::{Finding, Hit};
use crate::check::rules::Rule;
use crate::yaml::read;

/// A list of ignore entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore(pub Vec<String>);

impl Ignore {
    pub fn matches(&self, rule: Rule) -> bool {
        self.0.iter().any(|e| rules::entry_matches(e, rule))
    }

    pub fn extend(&mut self, other: &Ignore) {
        self.0.extend(other.0.iter().cloned());
    }
}

/// The `check` setting of one Markdown file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageSettings {
    pub ignore: Ignore,
    /// Front matter fields a column's posts must have (`source`, `author`).
    pub require: Option<Vec<String>>,
}

pub const REQUIRABLE: &[(&str, &str)] = &[("source", "来源"), ("author", "作者")];

/// Reads `check:` from a file's front matter. Unknown rules and fields are
/// reported as `check-config`.
pub fn page_settings(extra: &Map<String, Value>, file: &str, line: Option<usize>) -> (PageSettings, Vec<Finding>) {
    let mut settings = PageSettings::default();
    let mut problems = Vec::new();
    let Some(value) = extra.get("check") else {
        return (settings, problems);
    };
    let bad = |problems: &mut Vec<Finding>, message: String, fix: &str| {
        problems.push(
            Finding::new(Rule::CheckConfig, file, message)
                .line(line)
                .fix(fix.to_string()),
        )
    };
    let ignore_value;
    let mut require_value = None;
    match value {
        Value::Object(map) => {
            ignore_value = map.get("ignore").or_else(|| map.get("忽略")).cloned();
            require_value = map.get("require").or_else(|| map.get("必填")).cloned();
            for key in map.keys() {
                if !matches!(key.as_str(), "ignore" | "忽略" | "require" | "必填") {
                    bad(
                        &mut problems,
                        format!("检查设置里不认识的“{key}”"),
                        "check 下只能写 ignore（忽略）和 require（必填，只用于栏目的 _index.md），例如“check: { ignore: [placeholder] }”",
                    );
                }
            }
        }
        Value::Null => return (settings, problems),
        other => ignore_value = Some(other.clone()),
    }
    if let Some(v) = ignore_value {
        match read::string_list(&v) {
            Some(list) => {
                for entry in &list {
                    if let Some(problem) = unknown_entry(entry, file, line) {
                        problems.push(problem);
                    }
                }
                settings.ignore = Ignore(list);
            }
            None => bad(
                &mut problems,
                "检查设置 ignore 应是一组规则".into(),
                "例如“check: { ignore: [placeholder, text-space] }”",
            ),
        }
    }
    if let Some(v) = require_value {
        match read::string_list(&v) {
            Some(list) => {
                let mut fields = Vec::new();
                for item in list {
                    match REQUIRABLE.iter().find(|(en, zh)| item == *en || item == *zh) {
                        Some((en, _)) => fields.push(en.to_string()),
                        None => bad(
                            &mut problems,
                            format!("检查设置 require 里不认识的“{item}”"),
                            "require 可以写 source（来源）和 author（作者），例如“check: { require: [source, author] }”",
                        ),
                    }
                }
                settings.require = Some(fields);
            }
            None => bad(
                &mut problems,
                "检查设置 require 应是一组设置名".into(),
                "例如“check: { require: [source, author] }”",
            ),
        }
    }
    (settings, problems)
}

/// A `check-config` finding for an ignore entry that names no rule.
pub fn unknown_entry(entry: &str, file: &str, line: Option<usize>) -> Option<Finding> {
    if rules::is_known_entry(entry) {
        return None;
    }
    let fix = match rules::suggest(entry) {
        Some(close) => format!("是不是想写“{close}”？规则名见 docs/发布前检查.md"),
        None => "写规则名（如 placeholder）、规则类别（如 link）或中文名（如 占位符），见 docs/发布前检查.md".into(),
    };
    Some(
        Finding::new(Rule::CheckConfig, file, format!("不认识的检查规则“{entry}”"))
            .line(line)
            .text(entry)
            .fix(fix),
    )
}

static ANNOTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*(?:check-ignore|检查忽略)\s*(?:[:：]\s*(.*?))?\s*-->").expect("valid annotation pattern")
});

/// Line annotations of a Markdown body whose first line is `first_line`:
/// (line → entries), and findings for unknown rules.
pub fn annotations(body: &str, first_line: usize, file: &str) -> (HashMap<usize, Ignore>, Vec<Finding>) {
    let mut lines: HashMap<usize, Ignore> = HashMap::new();
    let mut problems = Vec::new();
    if !body.contains("<!--") {
        return (lines, problems);
    }
    let all: Vec<&str> = body.lines().collect();
    for (i, text) in all.iter().enumerate() {
        for caps in ANNOTATION.captures_iter(text) {
            let number = first_line + i;
            let whole = caps.get(0).map_or("", |m| m.as_str());
            let entries: Vec<String> = match caps.get(1) {
                Some(list) if !list.as_str().trim().is_empty() => list
                    .as_str()
                    .split([',', '，', '、', ' '])
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(String::from)
                    .collect(),
                _ => vec!["all".to_string()],
            };
            for entry in &entries {
                problems.extend(unknown_entry(entry, file, Some(number)));
            }
            // Alone on its line: it is about the next line with text.
            let target = if text.trim() == whole {
                all.iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(_, l)| !l.trim().is_empty())
                    .map_or(number, |(j, _)| first_line + j)
            } else {
                number
            };
            lines.entry(target).or_default().0.extend(entries);
        }
    }
    (lines, problems)
}

/// Drops hits on lines that silence their rule.
pub fn filter_hits(hits: &mut Vec<(Hit, usize)>, lines: &HashMap<usize, Ignore>) {
    if !lines.is_empty() {
        hits.retain(|(hit, line)| !lines.get(line).is_some_and(|i| i.matches(hit.rule)));
    }
}

/// Everything that was asked not to be reported, and the site's level overrides.
#[derive(Debug, Default)]
pub struct Registry {
    pub site: Ignore,
    /// By file as shown (`content/yaowen/a.md`).
    pub files: HashMap<String, Ignore>,
    pub lines: HashMap<String, HashMap<usize, Ignore>>,
    /// (rule entry, level or `off`).
    pub levels: Vec<(String, String)>,
}

impl Registry {
    /// Applies level overrides, then drops what is silenced.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                // The most specific override wins: a rule id over a family.
                let over = self
                    .levels
                    .iter()
                    .filter(|(entry, _)| rules::entry_matches(entry, f.rule))
                    .max_by_key(|(entry, _)| entry.len());
                if let Some((_, level)) = over {
                    match Level::parse(level) {
                        Some(l) => f.level = l,
                        None => return None, // off
                    }
                }
                if f.rule == Rule::CheckConfig {
                    return Some(f);
                }
                let silenced = self.site.matches(f.rule)
                    || self.files.get(&f.file).is_some_and(|i| i.matches(f.rule))
                    || f.line.is_some_and(|line| {
                        self.lines
                            .get(&f.file)
                            .and_then(|l| l.get(&line))
                            .is_some_and(|i| i.matches(f.rule))
                    });
                (!silenced).then_some(f)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_on_the_line_and_before_it() {
        let body = "第一行 <!-- check-ignore: placeholder -->\n\n<!-- 检查忽略：用语、text -->\n\n第五行\n<!-- check-ignore -->\n第七行\n";
        let (lines, problems) = annotations(body, 10, "a.md");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(lines[&10].matches(Rule::Placeholder));
        assert!(!lines[&10].matches(Rule::Wording));
        assert!(lines[&14].matches(Rule::Wording));
        assert!(lines[&14].matches(Rule::TextSpace));
        assert!(lines[&16].matches(Rule::LinkAnchor));
    }

    #[test]
    fn unknown_rules_are_reported_with_a_suggestion() {
        let (_, problems) = annotations("<!-- check-ignore: placeholdr -->\n正文\n", 5, "a.md");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(5));
        assert!(problems[0].fix.contains("placeholder"));
    }

    #[test]
    fn page_settings_in_both_forms() {
        let extra: Map<String, Value> =
            serde_json::from_str(r#"{"check": {"忽略": ["占位符"], "require": ["作者"]}}"#).unwrap();
        let (s, problems) = page_settings(&extra, "a.md", Some(3));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(s.ignore.matches(Rule::Placeholder));
        assert_eq!(s.require, Some(vec!["author".to_string()]));
        let extra: Map<String, Value> = serde_json::from_str(r#"{"check": ["link", "bogus"]}"#).unwrap();
        let (s, problems) = page_settings(&extra, "a.md", Some(3));
        assert!(s.ignore.matches(Rule::LinkAnchor));
        assert_eq!(problems.len(), 1);
    }
}
