//! Changing a file's settings in place, as the writing desk saves a form:
//! only the lines of the settings that changed are rewritten. Every other
//! line — unknown keys, comments, blank lines, the order, Chinese or English
//! key names — stays byte for byte, so a file stays the user's own and a
//! `git diff` shows only what was edited.
//!
//! A setting is one top-level `key: value` line and the lines under it
//! (indented, or a block list starting with `-`). A changed setting keeps its
//! key as written and the comment at the end of its line; a new one replaces
//! the commented-out example `tongxin new` wrote for it (`# summary: …`), or
//! goes at the end, in the language most keys of the file are written in.

use serde_json::Value;

use super::front_matter::KEYS;
use crate::yaml::yaml_text;

/// A new value for a setting, by its English name (see [`KEYS`]). `Null`,
/// an empty text or an empty list empties the setting.
pub type Change = (String, Value);

/// `text` with the `changes` made to its front matter and, when given, the
/// body replaced. A file without front matter gets one.
pub fn apply(text: &str, changes: &[Change], body: Option<&str>) -> String {
    let (mut lines, old_body, had_front) = split(text);
    for (key, value) in changes {
        set(&mut lines, key, value);
    }
    let body = body.unwrap_or(old_body);
    if lines.is_empty() && !had_front {
        return body.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str("---\n");
    for line in &lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("---\n");
    if had_front {
        out.push_str(body);
    } else {
        // A new front matter gets the blank line `tongxin new` leaves.
        if !body.starts_with('\n') {
            out.push('\n');
        }
        out.push_str(body);
    }
    out
}

/// The front matter's lines (without the `---` lines and line ends), the
/// body (everything after the closing `---` line, as it is) and whether
/// there was a front matter.
fn split(text: &str) -> (Vec<String>, &str, bool) {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return (Vec::new(), text, false);
    }
    let mut offset = first_end;
    let mut lines = Vec::new();
    for line in text[first_end..].split_inclusive('\n') {
        offset += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        if matches!(bare.trim_end(), "---" | "...") {
            return (lines, &text[offset..], true);
        }
        lines.push(bare.to_string());
    }
    // Not closed: the desk never writes such a file; keep the text as body.
    (Vec::new(), text, false)
}

/// The names a setting may be written under: English and Chinese.
fn names(key: &str) -> Vec<&str> {
    match KEYS.iter().find(|(en, zh)| *en == key || *zh == key) {
        Some((en, zh)) => vec![en, zh],
        None => vec![key],
    }
}

/// The key of a top-level `key: …` line, unquoted.
fn key_of(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '#', '-']) || line.is_empty() {
        return None;
    }
    let colon = line.find(':')?;
    let after = &line[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let key = line[..colon].trim();
    Some(key.trim_matches(|c| c == '"' || c == '\''))
}

/// Lines `start..end` that a setting starting at `start` spans.
fn extent(lines: &[String], start: usize) -> usize {
    let mut end = start + 1;
    let mut last = start + 1;
    while end < lines.len() {
        let line = &lines[end];
        if line.trim().is_empty() {
            end += 1;
            continue;
        }
        if line.starts_with([' ', '\t']) || line.starts_with('-') {
            end += 1;
            last = end;
            continue;
        }
        break;
    }
    // Blank lines after a setting belong to the file, not to it.
    last
}

/// The comment at the end of a one-line setting (`  # 标题`), if any: a `#`
/// after a space, outside quotes.
fn trailing_comment(line: &str) -> Option<&str> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            // A quote only opens a quoted value at its start.
            None if (c == '"' || c == '\'') && (previous == ' ' || previous == ':') => quote = Some(c),
            None if c == '#' && (previous == ' ' || previous == '\t') => {
                let start = line[..i].trim_end().len();
                return Some(&line[start..]);
            }
            None => {}
        }
        previous = c;
    }
    None
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn set(lines: &mut Vec<String>, key: &str, value: &Value) {
    let names = names(key);
    let found = lines.iter().position(|l| key_of(l).is_some_and(|k| names.contains(&k)));
    if let Some(start) = found {
        let written = key_of(&lines[start]).unwrap_or(key).to_string();
        let end = extent(lines, start);
        let comment = (end == start + 1)
            .then(|| trailing_comment(&lines[start]).map(str::to_string))
            .flatten();
        let mut new = render(&written, value);
        if let (Some(comment), Some(first)) = (comment, new.first_mut()) {
            first.push_str(&comment);
        }
        lines.splice(start..end, new);
        return;
    }
    if is_empty(value) {
        return;
    }
    // The commented example `tongxin new` left for this setting.
    let example = lines.iter().position(|l| {
        l.strip_prefix('#')
            .map(str::trim_start)
            .and_then(key_of)
            .is_some_and(|k| names.contains(&k))
    });
    if let Some(start) = example {
        let mut end = start + 1;
        while end < lines.len() && lines[end].starts_with("#  ") {
            end += 1;
        }
        let uncommented = lines[start].trim_start_matches('#').trim_start().to_string();
        let written = key_of(&uncommented).unwrap_or(key).to_string();
        let comment = trailing_comment(&uncommented).map(str::to_string);
        let mut new = render(&written, value);
        if let (Some(comment), Some(first), true) = (comment, new.first_mut(), end == start + 1) {
            first.push_str(&comment);
        }
        lines.splice(start..end, new);
        return;
    }
    let written = if chinese_keys(lines) {
        names.get(1).copied().unwrap_or(key)
    } else {
        names[0]
    };
    // After the last setting, before trailing blank and comment lines.
    let at = lines
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map_or(lines.len(), |i| i + 1);
    let at = if at < lines.len() {
        let start = lines[..at].iter().rposition(|l| key_of(l).is_some()).unwrap_or(0);
        extent(lines, start).max(at)
    } else {
        at
    };
    let at = at.min(lines.len());
    lines.splice(at..at, render(written, value));
}

/// Whether most known keys of the file are written in Chinese.
fn chinese_keys(lines: &[String]) -> bool {
    let (mut zh, mut en) = (0, 0);
    for key in lines.iter().filter_map(|l| key_of(l)) {
        if KEYS.iter().any(|(_, z)| *z == key) {
            zh += 1;
        } else if KEYS.iter().any(|(e, _)| *e == key) {
            en += 1;
        }
    }
    zh > en
}

/// `key: value` as lines.
fn render(key: &str, value: &Value) -> Vec<String> {
    let key = if key.contains([':', '#', ' ']) || key.starts_with(['"', '\'']) {
        format!("\"{key}\"")
    } else {
        key.to_string()
    };
    match value {
        Value::Null => vec![format!("{key}:")],
        Value::Bool(b) => vec![format!("{key}: {b}")],
        Value::Number(n) => vec![format!("{key}: {n}")],
        Value::String(s) if s.trim().is_empty() => vec![format!("{key}:")],
        Value::String(s) if is_plain_date(s) => vec![format!("{key}: {}", s.trim())],
        Value::String(s) => vec![format!("{key}: {}", yaml_text(s.trim()))],
        Value::Array(items) if items.iter().all(|v| !v.is_object()) => {
            let items: Vec<String> = items.iter().map(flow_item).collect();
            vec![format!("{key}: [{}]", items.join(", "))]
        }
        Value::Array(items) => {
            let mut out = vec![format!("{key}:")];
            for item in items {
                let Value::Object(map) = item else {
                    out.push(format!("  - {}", flow_item(item)));
                    continue;
                };
                let mut first = true;
                for (k, v) in map {
                    let prefix = if first { "  - " } else { "    " };
                    first = false;
                    out.push(format!("{prefix}{k}: {}", scalar(v)));
                }
            }
            out
        }
        Value::Object(map) => {
            let mut out = vec![format!("{key}:")];
            for (k, v) in map {
                out.push(format!("  {k}: {}", scalar(v)));
            }
            out
        }
    }
}

/// `2026-12-05` or `2026-12-05 10:30`: written as it is, like `tongxin new` does.
fn is_plain_date(s: &str) -> bool {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let date = b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    match b.len() {
        10 => date,
        16 => date && b[10] == b' ' && digits(11..13) && b[13] == b':' && digits(14..16),
        _ => false,
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => yaml_text(s),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An item of a `[a, b]` list: quoted when it holds what ends or nests an item.
fn flow_item(v: &Value) -> String {
    let Value::String(s) = v else {
        return scalar(v);
    };
    let plain = yaml_text(s);
    if plain.starts_with('"') || !s.contains([',', '[', ']', '{', '}']) {
        plain
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(key: &str, value: Value) -> Change {
        (key.to_string(), value)
    }

    #[test]
    fn only_the_changed_line_differs() {
        let text = "---\ntitle: 旧标题    # 标题\n# 一行说明\n自定义: 保留\ndate: 2026-01-02 09:00\ntags: [甲, 乙]\n---\n\n正文第一段。\n";
        let out = apply(text, &[change("title", json!("新标题：协商"))], None);
        assert_eq!(
            out,
            "---\ntitle: 新标题：协商    # 标题\n# 一行说明\n自定义: 保留\ndate: 2026-01-02 09:00\ntags: [甲, 乙]\n---\n\n正文第一段。\n"
        );
    }

    #[test]
    fn chinese_keys_stay_chinese_and_new_keys_follow_them() {
        let text = "---\n标题: 会议\n日期: 2026-01-02\n---\n正文\n";
        let out = apply(
            text,
            &[
                change("date", json!("2026-02-03 10:00")),
                change("author", json!("办公室")),
            ],
            Some("新正文\n"),
        );
        assert_eq!(
            out,
            "---\n标题: 会议\n日期: 2026-02-03 10:00\n作者: 办公室\n---\n新正文\n"
        );
    }

    #[test]
    fn block_lists_are_replaced_whole_and_examples_filled_in() {
        let text = "---\ntitle: 学习\nattachments:\n  - file: a.pdf\n    title: 甲\n\n# summary: 一句话摘要    # 摘要\n# cover: fengmian.jpg    # 封面\n---\n";
        let out = apply(
            text,
            &[
                change("attachments", json!([{"file": "b.pdf", "title": "乙: 附件"}])),
                change("summary", json!("本期学习要点")),
            ],
            None,
        );
        assert_eq!(
            out,
            "---\ntitle: 学习\nattachments:\n  - file: b.pdf\n    title: \"乙: 附件\"\n\nsummary: 本期学习要点    # 摘要\n# cover: fengmian.jpg    # 封面\n---\n"
        );
    }

    #[test]
    fn emptied_settings_keep_their_line_and_comment() {
        let text = "---\ntitle: 甲\nsector: 经济界    # 界别\n---\n";
        let out = apply(text, &[change("sector", Value::Null)], None);
        assert_eq!(out, "---\ntitle: 甲\nsector:    # 界别\n---\n");
    }

    #[test]
    fn values_that_yaml_would_misread_are_quoted() {
        let out = apply("---\ntitle: a\n---\n", &[change("title", json!("true"))], None);
        assert!(out.contains("title: \"true\""), "{out}");
        let out = apply("---\ntitle: a\n---\n", &[change("tags", json!(["甲,乙", "丙"]))], None);
        assert!(out.contains("tags: [\"甲,乙\", 丙]"), "{out}");
        let out = apply("---\ntitle: a\n---\n", &[change("title", json!("# 不是注释"))], None);
        assert!(out.contains("title: \"# 不是注释\""), "{out}");
    }

    #[test]
    fn a_file_without_settings_gets_them() {
        let out = apply("只有正文\n", &[change("title", json!("标题"))], None);
        assert_eq!(out, "---\ntitle: 标题\n---\n\n只有正文\n");
    }

    #[test]
    fn a_comment_inside_quotes_is_part_of_the_value() {
        assert_eq!(trailing_comment("title: \"甲 # 乙\"  # 标题"), Some("  # 标题"));
        assert_eq!(trailing_comment("title: 甲#乙"), None);
    }

    #[test]
    fn written_values_read_back_the_same() {
        use crate::content::front_matter::{parse, split};
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let values = [
            "冒号: 后有空格",
            "- 开头的横线",
            "'单引号'",
            "\"双引号\"",
            "反斜杠\\n",
            "2026",
            "yes",
            "行尾空格 ",
            "#号开头",
            "a #b",
        ];
        for v in values {
            let out = apply("---\ntitle: x\n---\n", &[change("author", json!(v))], None);
            let mut problems = Vec::new();
            let s = split(&out, std::path::Path::new("a.md")).unwrap();
            let fm = parse(&s, std::path::Path::new("a.md"), &tz, &mut problems);
            assert!(problems.is_empty(), "{v}: {problems:?}");
            assert_eq!(fm.author.as_deref(), Some(v.trim()), "{out}");
        }
    }
}
