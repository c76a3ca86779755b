//! Reading YAML (site.yaml and front matter) with messages a non-programmer can act on.
//!
//! Before the YAML parser sees the text, the common slips of people who do not know
//! YAML are caught line by line with a precise Chinese message: a full-width colon
//! `：` after a key, a key with no space after its colon, and Tab indentation.
//! Whatever the parser still rejects is reported with its line and column.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::diagnostics::Diagnostic;

/// Parses `text` (which starts at line `first_line` of `file`) into a JSON value.
/// An empty document is an empty map.
pub fn parse(text: &str, file: &Path, first_line: usize) -> Result<Value, Vec<Diagnostic>> {
    let slips = find_slips(text, file, first_line);
    if !slips.is_empty() {
        return Err(slips);
    }
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    match serde_saphyr::from_str_with_options::<Value>(text, options()) {
        Ok(Value::Null) => Ok(Value::Object(Default::default())),
        Ok(value) => Ok(value),
        Err(err) => {
            let (message, hint) = explain(&parser_message(&err));
            let unpaired = message == UNPAIRED_QUOTE;
            let mut d = Diagnostic::error(file, message).hint(hint);
            if let Some(loc) = err.location() {
                let line = loc.line() as usize;
                if line > 0 {
                    d = d.at(line + first_line - 1, loc.column().max(1) as usize);
                }
            }
            // The parser notices a quote left open where the text ends, lines
            // later; the user needs the line where it was opened.
            if unpaired && let Some((line, column)) = open_quote(text) {
                d = d.at(line + first_line - 1, column);
            }
            Err(vec![d])
        }
    }
}

/// The parser's limits, lower than its defaults (250,000 nodes): front matter
/// and site.yaml are a few hundred lines, and a few lines of `&a [*b, *b, …]`
/// expanding to the default limit took 0.2 s (over 10 s under the fuzzer).
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 20_000,
            max_aliases: 2_000,
            max_recorded_anchor_events: 20_000,
        },
    }
}

/// The parser's message without its own location (we print that ourselves).
fn parser_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let line = text.lines().next().unwrap_or("").trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    // "line 2 column 5: illegal placement…" → "illegal placement…"
    let line = match line.split_once(": ") {
        Some((place, rest)) if place.starts_with("line ") => rest,
        _ => line,
    };
    line.split(" at line ").next().unwrap_or(line).to_string()
}

/// The parser's English message as a plain Chinese explanation and hint.
fn explain(raw: &str) -> (String, String) {
    let has = |s: &str| raw.contains(s);
    let (message, hint) = if has("budget breached") || has("recursion limit") {
        // The parser's limits on nodes, aliases and nesting, which keep a small file
        // (`&a [*b, *b, …]` nested a few times) from expanding without end.
        (
            "设置的内容太多或层次太深，超过了读取上限".to_string(),
            "设置里只写标题、日期等简短内容；不要用 & 和 * 反复引用同一段内容，括号和缩进不要层层嵌套".to_string(),
        )
    } else if let Some(key) = raw.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        (format!("设置“{key}”写了两次"), "删掉其中一行".to_string())
    } else if has("bracket")
        || has("flow sequence")
        || has("flow mapping")
        || has("':' indicator")
        || has("expected ','")
    {
        (
            "方括号 [ ] 或花括号 { } 没有配对".to_string(),
            "检查这一行或上一行的括号是否写全，例如“tags: [乡村振兴, 民主监督]”".to_string(),
        )
    } else if has("quoted scalar") && (has("trailing content") || has("after")) {
        (
            "引号后面还有文字，引号没有把整个值括起来".to_string(),
            "值里面需要引号时请用中文引号“ ”，或者用英文单引号把整个值括起来，例如 title: '区政协召开\"两会\"筹备会'"
                .to_string(),
        )
    } else if has("quoted scalar") || has("end of stream") {
        (
            UNPAIRED_QUOTE.to_string(),
            "检查引号是否成对；标题里的引号请用中文引号“ ”".to_string(),
        )
    } else if has("mapping values are not allowed") {
        (
            "这一行的冒号位置不对".to_string(),
            "设置名前面不要有多余的空格；值里含有“: ”时，用英文引号把整个值括起来，例如 title: \"通知: 请按时报名\""
                .to_string(),
        )
    } else if has("block collection") || has("'-' indicator") || has("block sequence") {
        (
            "列表的写法不对".to_string(),
            "列表的每一项另起一行，以“- ”开头并上下对齐；或者写成一行“[甲, 乙]”".to_string(),
        )
    } else if has("unexpected character") || has("cannot start any token") || has("reserved") {
        (
            "值的开头有不能直接使用的符号（如 @ ` % & *）".to_string(),
            "用英文引号把整个值括起来，例如 title: \"@溪山政协\"".to_string(),
        )
    } else if has("indentation") || has("indent") {
        (
            "缩进不对齐".to_string(),
            "同一级的设置要从同一列开始；下一级内容统一多缩进两个空格".to_string(),
        )
    } else {
        (
            format!("YAML 格式有误（解析器提示：{raw}）"),
            "检查这一行及上一行：每个设置写成“名称: 值”（半角冒号，后面一个空格），下级内容用空格缩进对齐，含冒号或引号的值用英文引号括起来".to_string(),
        )
    };
    (message, hint)
}

const UNPAIRED_QUOTE: &str = "引号没有配对";

/// The 1-based line and column of the first `"` or `'` that opens a value and
/// is not closed on its line.
fn open_quote(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let content = line.trim_start_matches([' ', '-']);
        let value = content.split_once(": ").map_or(content, |(_, v)| v).trim_start();
        let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let rest = &value[1..];
        let closed = if quote == '"' {
            rest.replace("\\\\", "").replace("\\\"", "").contains('"')
        } else {
            rest.contains('\'')
        };
        (!closed).then(|| (i + 1, line[..line.len() - value.len()].chars().count() + 1))
    })
}

/// Line-based checks for the slips users make most often.
fn find_slips(text: &str, file: &Path, first_line: usize) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Lines inside a block scalar (`key: |`) are free text and not checked.
    let mut block_indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let number = first_line + i;
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = line.trim_start_matches([' ', '\t']);
        if let Some(parent) = block_indent {
            if content.is_empty() || indent > parent {
                continue;
            }
            block_indent = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if line[..indent].contains('\t') {
            found.push(
                Diagnostic::error(file, "这一行用 Tab 键缩进了")
                    .at(number, 1)
                    .hint("YAML 只能用空格缩进：把行首的 Tab 换成空格，并与同级的行对齐"),
            );
            continue;
        }
        if content.starts_with("- ") || content == "-" {
            continue;
        }
        if let Some(key) = key_with_full_width_colon(content) {
            let column = line[..line.find('：').unwrap_or(0)].chars().count() + 1;
            found.push(
                Diagnostic::error(file, format!("“{key}”后面用了全角冒号“：”"))
                    .at(number, column)
                    .hint(format!("改成半角冒号加一个空格，例如“{key}: ……”")),
            );
            continue;
        }
        if let Some(key) = key_without_space(content) {
            found.push(
                Diagnostic::error(file, format!("“{key}:”后面缺少空格"))
                    .at(number, indent + key.chars().count() + 2)
                    .hint(format!("在冒号后面加一个空格，例如“{key}: ……”")),
            );
            continue;
        }
        if content.ends_with(": |")
            || content.ends_with(": >")
            || content.ends_with(": |-")
            || content.ends_with(": >-")
        {
            block_indent = Some(indent);
        }
    }
    found
}

/// `标题：……` — a key followed by a full-width colon, with no half-width colon before it.
fn key_with_full_width_colon(content: &str) -> Option<&str> {
    let (key, _) = content.split_once('：')?;
    let plain_key = !key.is_empty() && !key.contains([':', ' ', '"', '\'', '，', '。']) && key.chars().count() <= 20;
    plain_key.then_some(key)
}

/// `title:溪山` — a key, a colon, and text straight after it (YAML then reads the
/// whole line as one string and the key silently disappears).
fn key_without_space(content: &str) -> Option<&str> {
    if content.contains(": ") || content.ends_with(':') || content.starts_with(['"', '\'', '{', '[']) {
        return None;
    }
    let (key, rest) = content.split_once(':')?;
    let is_key = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    // `http://…` on its own line is a value, not a key.
    (is_key && !rest.starts_with("//")).then_some(key)
}

/// The 1-based line (within `text`) where the top-level `key` is written, to point
/// errors about a value at the right line.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    key_lines(text, [key]).remove(key)
}

/// [`key_line`] of each of `keys`, in one pass over the text: a front matter
/// with thousands of keys would otherwise be read once per key.
pub fn key_lines<'k>(text: &str, keys: impl IntoIterator<Item = &'k str>) -> HashMap<String, usize> {
    let wanted: HashSet<&str> = keys.into_iter().collect();
    let lengths: HashSet<usize> = wanted.iter().map(|k| k.len()).collect();
    let mut found = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        for (colon, _) in line.match_indices(':') {
            // `key:`, `"key":` or `'key':` at the start of the line.
            let before = &line[..colon];
            let quoted = [b'"', b'\'']
                .into_iter()
                .find(|&q| before.len() >= 2 && before.as_bytes()[0] == q && before.as_bytes()[before.len() - 1] == q);
            let candidates = [Some(before), quoted.map(|_| &before[1..before.len() - 1])];
            for key in candidates.into_iter().flatten() {
                if lengths.contains(&key.len()) && wanted.contains(key) && !found.contains_key(key) {
                    found.insert(key.to_string(), i + 1);
                }
            }
        }
    }
    found
}

/// A YAML scalar for `text`: as it is when YAML reads it back as the same text,
/// else in double quotes.
pub fn yaml_text(text: &str) -> String {
    let first = text.chars().next();
    let special_start = first.is_none_or(|c| "-?:,[]{}#&*!|>'\"%@`~ \t".contains(c));
    let looks_typed = text.parse::<f64>().is_ok()
        || matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        || text.starts_with(|c: char| c.is_ascii_digit()) && text.contains(['-', ':']);
    let risky = text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.ends_with(' ')
        || text.contains(['\n', '\r', '\t'])
        || text.chars().any(char::is_control);
    if !(special_start || looks_typed || risky) {
        return text.to_string();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<Diagnostic> {
        parse(text, Path::new("a.md"), 2).unwrap_err()
    }

    #[test]
    fn parses_plain_yaml() {
        let v = parse("title: 溪山\ntags: [a, b]\n", Path::new("a.md"), 2).unwrap();
        assert_eq!(v["title"], "溪山");
        assert_eq!(v["tags"][1], "b");
        assert!(parse("", Path::new("a.md"), 2).unwrap().is_object());
    }

    #[test]
    fn full_width_colon_names_the_line() {
        let e = errors("title: 好\n日期：2025-03-02\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(3));
        assert!(e[0].message.contains("全角冒号"));
    }

    #[test]
    fn full_width_colon_inside_a_value_is_fine() {
        assert!(parse("summary: 会议指出：要抓落实\n", Path::new("a.md"), 2).is_ok());
        assert!(parse("summary: |\n  会议指出：要抓落实\n", Path::new("a.md"), 2).is_ok());
    }

    #[test]
    fn tab_indentation_is_reported() {
        let e = errors("organization:\n\tname: 溪山\n");
        assert_eq!(e[0].line, Some(3));
        assert!(e[0].message.contains("Tab"));
    }

    #[test]
    fn missing_space_after_colon_is_reported() {
        let e = errors("title:溪山区政协\n");
        assert!(e[0].message.contains("缺少空格"));
        assert!(parse("time: \"14:30\"\n", Path::new("a.md"), 2).is_ok());
    }

    #[test]
    fn parser_errors_carry_a_line() {
        let e = errors("title: [未闭合\ndate: 2025-03-02\n");
        assert!(e[0].line.is_some(), "{e:?}");
        assert!(e[0].message.contains("括号"), "{e:?}");
    }

    #[test]
    fn an_open_quote_is_reported_where_it_opens() {
        let e = errors("title: \"未闭合\ndate: 2025-03-02\ntags: [a]\n");
        assert_eq!((e[0].line, e[0].column), (Some(2), Some(8)), "{e:?}");
        assert_eq!(open_quote("a: \"x\\\"y\"\nb: 'c\n"), Some((2, 4)));
    }

    #[test]
    fn common_parser_errors_are_explained_in_chinese() {
        let cases = [
            ("title: \"未闭合\ndate: 2025-03-02\n", "引号"),
            ("title: a\ntitle: b\n", "写了两次"),
            ("title: a\n  date: b\n", "冒号位置"),
            ("title: 'a'b'\n", "引号后面"),
            ("title: @x\n", "符号"),
            ("- a\ntitle: b\n", "列表"),
            ("title: a\nb: {c\n", "括号"),
            (
                &format!("tags: {}{}\n", "[".repeat(5000), "]".repeat(5000)),
                "超过了读取上限",
            ),
        ];
        for (text, expected) in cases {
            let e = errors(text);
            assert!(e[0].message.contains(expected), "{text:?} gave {e:?}");
            assert!(!e[0].message.contains("error"), "{text:?} gave {e:?}");
        }
    }

    #[test]
    fn expanding_aliases_and_deep_nesting_hit_a_limit_explained_in_chinese() {
        // Found while fuzzing the front matter: each line refers nine times to the
        // line above, so the parser stops at its node limit; its own message was
        // shown in English. Deep brackets stop at its recursion limit.
        let mut aliases = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            aliases.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let deep = format!("title: {}\n", "[".repeat(5000));
        for text in [aliases, deep] {
            let e = errors(&text);
            assert!(e[0].message.contains("超过了读取上限"), "{e:?}");
            assert!(!e[0].message.contains("解析器提示"), "{e:?}");
        }
    }

    #[test]
    fn aliases_stop_early_and_long_lists_are_still_read() {
        // Found by the fuzzer (a mutation of the input above): eight lines of
        // nine aliases each ran 13 s under the fuzzer before the parser's
        // default node limit stopped them; the lower limits stop them at once.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/regressions/front_matter/alias_expansion_timeout.md"
        ))
        .unwrap();
        let yaml = text.trim_start_matches("---\n");
        let start = std::time::Instant::now();
        let e = errors(yaml);
        assert!(e[0].message.contains("超过了读取上限"), "{e:?}");
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
        let tags: String = (0..5000).map(|i| format!("  - 标签{i}\n")).collect();
        let v = parse(&format!("title: 很长的列表\ntags:\n{tags}"), Path::new("a.md"), 2).unwrap();
        assert_eq!(v["tags"].as_array().unwrap().len(), 5000);
    }

    #[test]
    fn finds_key_lines() {
        let text = "title: a\nnav:\n  - b\n\"kind\": news\n'时间': 1\nurl: http://a\nurl: 2\n";
        assert_eq!(key_line(text, "nav"), Some(2));
        assert_eq!(key_line(text, "kind"), Some(4));
        assert_eq!(key_line(text, "时间"), Some(5));
        assert_eq!(key_line(text, "url"), Some(6));
        assert_eq!(key_line(text, "b"), None);
        assert_eq!(key_line(text, "x"), None);
        let all = key_lines(text, ["title", "nav", "kind", "url", "http"]);
        assert_eq!(all.len(), 4, "{all:?}");
        assert_eq!(all["title"], 1);
    }

    #[test]
    fn key_lines_of_thousands_of_keys_take_one_pass() {
        // Found while fuzzing the front matter: 3,000 keys took 17 seconds
        // (each key's line was searched from the top of the text).
        let text: String = (0..20_000).map(|i| format!("k{i}: v\n")).collect();
        let keys: Vec<String> = (0..20_000).map(|i| format!("k{i}")).collect();
        let start = std::time::Instant::now();
        let lines = key_lines(&text, keys.iter().map(String::as_str));
        assert_eq!(lines.len(), 20_000);
        assert_eq!(lines["k19999"], 20_000);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }
}

/// Typed reads of parsed values, forgiving in the ways users expect: numbers where
/// text is wanted, `是`/`否` for booleans, `a、b` for a list.
pub mod read {
    use serde_json::Value;

    pub fn string(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn boolean(v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim().to_lowercase().as_str() {
                "true" | "yes" | "是" | "对" => Some(true),
                "false" | "no" | "否" | "不" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn integer(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A list of strings; a single string is split on Chinese and Western commas.
    pub fn string_list(v: &Value) -> Option<Vec<String>> {
        match v {
            Value::Array(items) => items.iter().map(string).collect(),
            Value::String(s) => Some(
                s.split(['、', '，', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            Value::Null => Some(Vec::new()),
            _ => None,
        }
    }
}
