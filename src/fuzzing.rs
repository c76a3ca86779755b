//! The bodies of the fuzz targets in `fuzz/` (cargo fuzz, nightly), kept here so
//! that `tests/fuzz_corpus.rs` replays the seed corpus and the regression inputs
//! through exactly the same code on stable Rust.
//!
//! Each function takes arbitrary bytes and must not panic. Besides "no panic",
//! each checks a few properties that hold for any input: every diagnostic is in
//! Chinese and points at a line that exists, rendered ranges are in bounds, and
//! the wording scan finds exactly what a plain scan of the whole text finds.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use jiff::tz::TimeZone;

use crate::check::wording::{self, Wording};
use crate::check::{Hit, placeholders};
use crate::content::figures::{self, GalleryItem};
use crate::content::front_matter;
use crate::content::markdown::{self, Links};
use crate::diagnostics::Diagnostic;
use crate::encoding;

const FILE: &str = "content/yaowen/2025-03-02-fuzz.md";

/// Whether `c` is a Chinese character or Chinese punctuation.
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '“' | '”')
}

/// A diagnostic a user may see: a message in Chinese, a line inside the file.
fn check_diagnostic(d: &Diagnostic, lines: usize) {
    assert!(d.message.chars().any(is_chinese), "提示信息不是中文：{d:?}");
    if let Some(hint) = &d.hint {
        assert!(hint.chars().any(is_chinese), "修改建议不是中文：{d:?}");
    }
    if let Some(line) = d.line {
        assert!(
            (1..=lines + 1).contains(&line),
            "行号 {line} 超出了文件的 {lines} 行：{d:?}"
        );
    }
}

fn line_count(text: &str) -> usize {
    text.lines().count()
}

static TZ: LazyLock<TimeZone> = LazyLock::new(|| crate::dates::time_zone("Asia/Shanghai").unwrap_or(TimeZone::UTC));

/// A Markdown file's bytes as `content::read_file` takes them: decoded (UTF-8
/// or GBK), split into front matter and body, the front matter parsed.
pub fn front_matter(data: &[u8]) {
    let file = Path::new(FILE);
    let decoded = match encoding::decode(data.to_vec(), file) {
        Ok(d) => d,
        Err(d) => {
            // A damaged character is reported on its line.
            check_diagnostic(&d, line_count(&String::from_utf8_lossy(data)));
            return;
        }
    };
    for w in &decoded.warnings {
        check_diagnostic(w, line_count(&decoded.text));
    }
    let text = decoded.text;
    assert!(!text.contains('\r'), "换行符没有统一成 \\n");
    let lines = line_count(&text);
    let split = match front_matter::split(&text, file) {
        Ok(s) => s,
        Err(d) => {
            check_diagnostic(&d, lines);
            return;
        }
    };
    assert!(text.ends_with(split.body), "正文不是文件的结尾部分");
    assert!(split.body_line >= 1 && split.body_line <= lines + 2);
    let mut problems = Vec::new();
    let meta = front_matter::parse(&split, file, &TZ, &mut problems);
    for d in &problems {
        check_diagnostic(d, lines);
    }
    for line in meta.lines.values() {
        assert!((1..=lines + 1).contains(line), "设置的行号 {line} 超出了文件");
    }
}

static TARGETS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    [
        ("yaowen/a.md", "yaowen/a/"),
        ("yaowen/2025-03-02-changwei.md", "yaowen/2025-03-02-changwei/"),
        ("tian/_index.md", "tian/"),
        ("_index.md", ""),
        ("guanyu.md", "guanyu/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
});

static EXCLUDED: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    [("yaowen/caogao.md", "草稿"), ("yaowen/cuowu.md", "")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b))
        .collect()
});

/// A Markdown body (arbitrary UTF-8) rendered with the site's extensions, once
/// with HTML and once as `tongxin check` renders it (anchors only).
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new(FILE);
    let first_line = 5;
    let lines = first_line - 1 + line_count(body);
    for html in [true, false] {
        let links = Links {
            targets: &TARGETS,
            excluded: &EXCLUDED,
            base_path: "/zx/",
            html,
            observer: None,
        };
        let mut problems = Vec::new();
        let rendered = markdown::render(body, first_line, file, &links, &mut problems);
        for d in &problems {
            check_diagnostic(d, lines);
        }
        let mut ids = std::collections::HashSet::new();
        for h in &rendered.toc {
            assert!(ids.insert(h.id.as_str()), "两个标题的 id 都是“{}”", h.id);
        }
        if html {
            // Every photo and gallery is marked, so that rendering can finish
            // it; keeping the plain markup drops the markers and nothing else.
            let count = rendered.figures.len();
            let kept = figures::replace(&rendered.html, count, |_| None);
            assert!(kept.len() <= rendered.html.len());
            if !body.contains("tongxin-figure") {
                assert!(!kept.contains("tongxin-figure"), "图片标记没有去掉");
                let marked = rendered
                    .figures
                    .iter()
                    .filter(|f| !matches!(f, figures::Figure::Pasted(_)))
                    .count();
                let markers = rendered.html.matches("<!--tongxin-figure ").count();
                assert_eq!(markers, marked, "每张照片和每个图集都有一对标记");
            }
            let _ = figures::replace(&rendered.html, count, |n| Some(format!("<p>图 {n}</p>")));
        }
    }
}

/// The text of a ```` ```gallery ```` block: parsed, shown as the build shows
/// it without the image stage; and, as HTML with figure markers, the marker
/// replacement.
pub fn gallery(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new(FILE);
    let (first_line, fence_line) = (8, 7);
    match figures::parse_gallery(text, first_line, fence_line, file) {
        Ok(gallery) => {
            assert!(!gallery.entries.is_empty());
            for e in &gallery.entries {
                assert!(!e.src.is_empty(), "图集里有空的文件名");
                assert!(e.line >= first_line && e.line < first_line + line_count(text));
            }
            let items: Vec<GalleryItem> = gallery
                .entries
                .iter()
                .map(|e| GalleryItem {
                    url: figures::url_path(&e.src),
                    picture: None,
                    size: None,
                    caption: &e.caption,
                })
                .collect();
            let html = figures::gallery_html(&items, "/zx/");
            assert!(!html.contains("<script"), "图集的 HTML 没有转义");
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            for d in &problems {
                check_diagnostic(d, fence_line - 1 + line_count(text) + 1);
            }
        }
    }
    // The same text as rendered HTML that may hold markers (`<!--tongxin-figure 0-->`).
    assert_eq!(figures::replace(text, 0, |_| None), text);
    for count in [1, 3] {
        assert!(figures::replace(text, count, |_| None).len() <= text.len());
        let _ = figures::replace(text, count, |n| (n % 2 == 0).then(|| format!("[图{n}]")));
    }
}

/// The built-in list, as `tongxin check` uses it (with the rule for “原XX部部长”).
static BUILTIN: LazyLock<Wording> = LazyLock::new(|| Wording::from_entries(wording::builtin(), true));

/// The built-in list without “原XX部部长”, and a plain leftmost-longest
/// automaton over the same phrases, in the same order, to compare with.
static PLAIN: LazyLock<(Wording, AhoCorasick, Vec<bool>)> = LazyLock::new(|| reference(wording::builtin()));

fn reference(entries: Vec<wording::Entry>) -> (Wording, AhoCorasick, Vec<bool>) {
    let mut strings = Vec::new();
    let mut is_entry = Vec::new();
    for e in &entries {
        strings.push(e.wrong.clone());
        is_entry.push(true);
        for x in &e.exceptions {
            strings.push(x.clone());
            is_entry.push(false);
        }
    }
    let plain = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&strings)
        .expect("the phrases build");
    (Wording::from_entries(entries, false), plain, is_entry)
}

/// What the fast scan must find: the leftmost-longest phrases of the whole
/// text, without those that are exceptions.
fn compare(wording: &Wording, plain: &AhoCorasick, is_entry: &[bool], text: &str) {
    let mut hits: Vec<Hit> = Vec::new();
    let triggered = wording.find(text, &mut hits);
    let found: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
    let expected: Vec<(usize, usize)> = plain
        .find_iter(text)
        .filter(|m| is_entry[m.pattern().as_usize()])
        .map(|m| (m.start(), m.end()))
        .collect();
    assert_eq!(found, expected, "用语检查漏报或多报");
    assert_eq!(triggered, text.chars().any(placeholders::is_trigger));
}

/// Text to check (after the first line) and, on the first line if it holds a
/// Tab, one line of a site's own word list. The text is checked with the
/// built-in list, with that list compared with a plain scan, and with the
/// site's line added.
pub fn wording(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut hits = Vec::new();
    BUILTIN.find(&text, &mut hits);
    for h in &hits {
        assert!(h.start < h.end && h.end <= text.len());
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
        assert!(h.message.chars().any(is_chinese));
    }
    let (wording, plain, is_entry) = &*PLAIN;
    compare(wording, plain, is_entry, &text);

    let (list, body) = text.split_once('\n').unwrap_or((&text, ""));
    if list.contains('\t') && list.len() < 256 {
        let (entries, errors) = wording::parse(list);
        for (line, message) in &errors {
            assert_eq!(*line, 1);
            assert!(message.chars().any(is_chinese));
        }
        for e in &entries {
            assert!(!e.wrong.is_empty() && !e.right.contains(&e.wrong));
        }
        if !entries.is_empty() {
            let (wording, plain, is_entry) = reference(entries);
            compare(&wording, &plain, &is_entry, body);
        }
    }
}
