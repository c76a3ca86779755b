//! How `tongxin check` settings name rules: by id, Chinese name, family
//! (`link` for every `link-…` rule) or `all`. The rules themselves are in
//! [`crate::rules`]; docs/发布前检查.md documents each one.

pub use crate::rules::{Level, Rule};

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

/// Whether `entry` (a rule id, a family, a Chinese name, or `all`/`全部`)
/// names `rule`.
pub fn entry_matches(entry: &str, rule: Rule) -> bool {
    let entry = entry.trim();
    if matches!(entry, "all" | "全部") || entry == rule.id() || entry == rule.name() {
        return true;
    }
    let family = rule.family();
    entry == family || FAMILIES.iter().any(|(f, zh)| *f == family && *zh == entry)
}

/// Whether `entry` names any rule at all.
pub fn is_known_entry(entry: &str) -> bool {
    Rule::ALL.iter().any(|&r| entry_matches(entry, r))
}

/// The closest known id or name, for a typo.
pub fn suggest(entry: &str) -> Option<&'static str> {
    let names = Rule::ALL
        .iter()
        .flat_map(|r| [r.id(), r.name()])
        .chain(FAMILIES.iter().flat_map(|(f, zh)| [*f, *zh]));
    crate::diagnostics::did_you_mean(entry, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Users meet rules in reports and look them up in the manual.
    #[test]
    fn every_rule_is_documented() {
        let manual = include_str!("../../docs/发布前检查.md");
        for rule in Rule::ALL {
            assert!(
                manual.contains(rule.id()),
                "docs/发布前检查.md 没有写规则 {}",
                rule.id()
            );
            assert!(
                manual.contains(rule.name()),
                "docs/发布前检查.md 没有写规则名 {}",
                rule.name()
            );
        }
    }

    #[test]
    fn ids_are_unique_and_in_a_family() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        for &r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()), Some(r));
            assert!(
                FAMILIES.iter().any(|(f, _)| *f == r.family()) || matches!(r, Rule::Build | Rule::CheckConfig),
                "{r}"
            );
        }
    }

    #[test]
    fn entries_match_ids_families_and_names() {
        assert!(entry_matches("link", Rule::LinkAnchor));
        assert!(entry_matches("链接", Rule::LinkAnchor));
        assert!(entry_matches("锚点", Rule::LinkAnchor));
        assert!(entry_matches("全部", Rule::Wording));
        assert!(!entry_matches("link", Rule::Placeholder));
        assert!(!entry_matches("text-space", Rule::TextPunct));
        assert!(is_known_entry("占位符"));
        assert!(!is_known_entry("placeholders-x"));
        assert_eq!(suggest("placeholdr"), Some("placeholder"));
    }
}
