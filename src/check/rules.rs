//! Every rule of `tongxin check`: its stable id, its Chinese name and its default
//! severity. docs/发布前检查.md documents each one; ids never change meaning.

use serde::Serialize;

/// How serious a finding is. Errors make `check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn chinese(self) -> &'static str {
        match self {
            Level::Error => "错误",
            Level::Warning => "警告",
            Level::Info => "提示",
        }
    }

    /// `错误` / `error` …; `None` for anything else.
    pub fn parse(text: &str) -> Option<Level> {
        match crate::config::normalize_level(text)? {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }
}

pub struct Rule {
    pub id: &'static str,
    /// What users call it; also accepted wherever a rule id is.
    pub name: &'static str,
    pub level: Level,
}

const fn rule(id: &'static str, name: &'static str, level: Level) -> Rule {
    Rule { id, name, level }
}

use Level::{Error, Info, Warning};

pub const RULES: &[Rule] = &[
    rule("fresh-home", "首页更新", Error),
    rule("fresh-column", "栏目更新", Warning),
    rule("fresh-empty", "空白栏目", Warning),
    rule("fresh-veto", "单项否决", Error),
    rule("link-internal", "站内链接", Error),
    rule("link-image", "图片", Error),
    rule("link-attachment", "附件", Error),
    rule("link-anchor", "锚点", Warning),
    rule("link-theme", "模板链接", Error),
    rule("link-external", "外部链接", Warning),
    rule("link-script", "脚本链接", Error),
    rule("placeholder", "占位符", Error),
    rule("wording", "用语", Error),
    rule("text-space", "多余空格", Warning),
    rule("text-punct", "半角标点", Warning),
    rule("text-digits", "全角数字", Warning),
    rule("text-repeat", "重复标点", Warning),
    rule("text-pair", "引号括号配对", Warning),
    rule("meta-date", "发布日期", Error),
    rule("meta-future", "未来日期", Warning),
    rule("meta-title-dup", "标题重复", Warning),
    rule("meta-source", "信息来源", Warning),
    rule("meta-author", "作者", Warning),
    rule("meta-alt", "图片说明", Warning),
    rule("meta-attachment-size", "附件大小", Warning),
    rule("identity-icp", "ICP备案号", Error),
    rule("identity-police", "公安备案号", Error),
    rule("identity-site-code", "网站标识码", Error),
    rule("identity-organization", "主办单位", Error),
    rule("identity-contact", "联系方式", Warning),
    rule("identity-suggestion", "建言渠道", Error),
    rule("encoding-legacy", "文件编码", Warning),
    rule("encoding-bom", "BOM", Info),
    rule("build", "生成", Error),
    rule("check-config", "检查设置", Warning),
];

/// Families: the part of an id before its first `-`, with a Chinese name.
/// `ignore: [link]` silences every `link-…` rule.
pub const FAMILIES: &[(&str, &str)] = &[
    ("fresh", "更新"),
    ("link", "链接"),
    ("placeholder", "占位符"),
    ("wording", "用语"),
    ("text", "文字规范"),
    ("meta", "文章信息"),
    ("identity", "网站标识"),
    ("encoding", "编码"),
];

/// The rule with this id. Panics on an unknown id: ids are written in code.
pub fn get(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("unknown check rule {id}"))
}

/// Whether `entry` (a rule id, a family, a Chinese name, or `all`/`全部`)
/// names `rule`.
pub fn entry_matches(entry: &str, rule: &str) -> bool {
    let entry = entry.trim();
    if matches!(entry, "all" | "全部") || entry == rule {
        return true;
    }
    let family = rule.split('-').next().unwrap_or(rule);
    if entry == family || FAMILIES.iter().any(|(f, zh)| *f == family && *zh == entry) {
        return true;
    }
    RULES.iter().any(|r| r.id == rule && r.name == entry)
}

/// Whether `entry` names any rule at all.
pub fn is_known_entry(entry: &str) -> bool {
    RULES.iter().any(|r| entry_matches(entry, r.id))
}

/// The closest known id or name, for a typo.
pub fn suggest(entry: &str) -> Option<&'static str> {
    let names = RULES
        .iter()
        .flat_map(|r| [r.id, r.name])
        .chain(FAMILIES.iter().flat_map(|(f, zh)| [*f, *zh]));
    crate::diagnostics::did_you_mean(entry, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_in_a_family() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            let family = r.id.split('-').next().unwrap();
            assert!(
                FAMILIES.iter().any(|(f, _)| *f == family) || matches!(r.id, "build" | "check-config"),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn entries_match_ids_families_and_names() {
        assert!(entry_matches("link", "link-anchor"));
        assert!(entry_matches("链接", "link-anchor"));
        assert!(entry_matches("锚点", "link-anchor"));
        assert!(entry_matches("全部", "wording"));
        assert!(!entry_matches("link", "placeholder"));
        assert!(!entry_matches("text-space", "text-punct"));
        assert!(is_known_entry("占位符"));
        assert!(!is_known_entry("placeholders-x"));
        assert_eq!(suggest("placeholdr"), Some("placeholder"));
    }
}
