//! Plain-text measures of an article, counted the Chinese way: by characters.

/// Roughly how many Chinese characters an adult reads per minute.
const CHARS_PER_MINUTE: usize = 400;
/// Default length of an automatic summary, in characters.
pub const SUMMARY_CHARS: usize = 120;

/// The first `limit` characters of `plain` (whitespace collapsed), cut at the end
/// of a sentence when one ends in the last quarter, and marked with `……` when cut.
pub fn summarize(plain: &str, limit: usize) -> String {
    // Only the beginning matters: collapse just enough text to know whether it is cut.
    let collapsed = collapse_whitespace_prefix(plain, limit + 1);
    if collapsed.chars().count() <= limit {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(limit).collect();
    let sentence_end = cut
        .char_indices()
        .filter(|(_, c)| matches!(c, '。' | '！' | '？' | '；'))
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .filter(|end| cut[..*end].chars().count() >= limit * 3 / 4);
    match sentence_end {
        Some(end) => cut[..end].to_string(),
        None => format!("{}……", cut.trim_end_matches(['，', '、', '；', '：', ',', ' '])),
    }
}

/// Whitespace runs become one space, except between two Chinese characters, where
/// they vanish (they come from line breaks in the source, not from the writer).
pub fn collapse_whitespace(text: &str) -> String {
    collapse_whitespace_prefix(text, usize::MAX)
}

/// As [`collapse_whitespace`], stopping after `max_chars` characters.
fn collapse_whitespace_prefix(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut count = 0;
    let mut previous: Option<char> = None;
    let mut pending_space = false;
    for c in text.chars() {
        if count >= max_chars {
            break;
        }
        if c.is_whitespace() {
            pending_space = previous.is_some();
            continue;
        }
        if pending_space {
            if !(previous.is_some_and(is_wide) && is_wide(c)) {
                out.push(' ');
                count += 1;
            }
            pending_space = false;
        }
        out.push(c);
        count += 1;
        previous = Some(c);
    }
    out
}

/// Characters that count as reading units: every character but ASCII spaces.
/// Latin words count per letter too, which slightly overestimates mixed text;
/// fine for a hint. Counted on bytes (UTF-8 lead bytes), as it runs over every
/// article of the site.
pub fn char_count(plain: &str) -> usize {
    plain
        .bytes()
        .filter(|&b| (b & 0xC0) != 0x80 && !b.is_ascii_whitespace())
        .count()
}

/// Reading time in whole minutes, at least one.
pub fn reading_minutes(chars: usize) -> usize {
    chars.div_ceil(CHARS_PER_MINUTE).max(1)
}

/// CJK ideographs and full-width punctuation.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF)
}

/// A Chinese ideograph (CJK unified ideographs, their extensions and the
/// compatibility block): what search indexes character by character and what
/// `check` looks for around stray spaces.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Text of an HTML fragment, without tags and with the common entities decoded.
/// One pass that copies the text between tags and entities in slices: search
/// indexing runs it over every page of the site.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    let mut at = 0;
    while at < html.len() {
        let rest = &html.as_bytes()[at..];
        let found = if in_tag {
            memchr::memchr2(b'<', b'>', rest)
        } else {
            memchr::memchr2(b'<', b'&', rest)
        };
        let Some(offset) = found else {
            if !in_tag {
                out.push_str(&html[at..]);
            }
            break;
        };
        let next = at + offset;
        if !in_tag {
            out.push_str(&html[at..next]);
        }
        at = next + 1;
        match html.as_bytes()[next] {
            // What a `<video>` holds is for browsers that cannot play it
            // ("download it instead"), not part of the text.
            b'<' if html[next..].starts_with("<video") => {
                out.push(' ');
                at = html[next..]
                    .find("</video>")
                    .map_or(html.len(), |e| next + e + "</video>".len());
            }
            b'<' => {
                in_tag = true;
                out.push(' ');
            }
            b'>' => in_tag = false,
            _ => match ENTITIES.iter().find(|(name, _)| html[next..].starts_with(name)) {
                Some((name, c)) => {
                    out.push(*c);
                    at = next + name.len();
                }
                None => out.push('&'),
            },
        }
    }
    out
}

/// The entities [`strip_html`] decodes: what Markdown rendering writes.
const ENTITIES: [(&str, char); 6] = [
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&nbsp;", ' '),
    ("&amp;", '&'),
];

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious way: drop tags character by character, then decode the
    /// entities one after the other.
    fn strip_html_slowly(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        let mut chars = html.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '<' if html[at..].starts_with("<video") => {
                    let end = html[at..]
                        .find("</video>")
                        .map_or(html.len(), |e| at + e + "</video>".len());
                    out.push(' ');
                    while chars.clone().next().is_some_and(|(i, _)| i < end) {
                        chars.next();
                    }
                }
                '<' => {
                    in_tag = true;
                    out.push(' ');
                }
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&")
    }

    #[test]
    fn strip_html_agrees_with_the_obvious_way() {
        let pieces = [
            "<p>",
            "</p>",
            "政协",
            "委员",
            "&lt;",
            "&gt;",
            "&amp;",
            "&amp;lt;",
            "&quot;",
            "&#39;",
            "&nbsp;",
            "&",
            "&l",
            "<",
            ">",
            "a>b",
            "<video controls>",
            "</video>",
            "<a <b>",
            "&nbsp",
            " ",
            "\n",
            "“引号”",
            "𠀀",
        ];
        // Every sequence of up to three pieces, then longer pseudo-random ones.
        let mut inputs = vec![String::new()];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    inputs.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut seed = 7u64;
        for _ in 0..2000 {
            let mut html = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                html.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            inputs.push(html);
        }
        for html in &inputs {
            assert_eq!(strip_html(html), strip_html_slowly(html), "{html:?}");
        }
    }

    #[test]
    fn strip_html_leaves_out_what_a_video_holds() {
        let html =
            "<p>前</p><video controls><source src=\"a.mp4\"><p>请下载视频</p></video><figcaption>演出</figcaption>";
        let text = strip_html(html);
        assert!(!text.contains("下载"), "{text}");
        assert!(text.contains('前') && text.contains("演出"), "{text}");
        // An unclosed video drops the rest rather than show its markup.
        assert!(!strip_html("<video><p>x").contains('x'));
    }

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(summarize("会议在区政协召开。", 120), "会议在区政协召开。");
    }

    #[test]
    fn summary_counts_characters_and_prefers_sentence_ends() {
        let text = "一".repeat(100) + "。" + &"二".repeat(100);
        let s = summarize(&text, 120);
        assert_eq!(s.chars().count(), 101);
        assert!(s.ends_with('。'));
        let s = summarize(&"三".repeat(200), 120);
        assert_eq!(s, "三".repeat(120) + "……");
    }

    #[test]
    fn line_breaks_between_chinese_vanish() {
        assert_eq!(
            collapse_whitespace("溪山区\n政协 召开 Web 会议"),
            "溪山区政协召开 Web 会议"
        );
    }

    #[test]
    fn reading_time_is_400_chars_a_minute() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(400), 1);
        assert_eq!(reading_minutes(401), 2);
        assert_eq!(reading_minutes(1550), 4);
    }

    #[test]
    fn strips_tags() {
        assert_eq!(collapse_whitespace(&strip_html("<p>甲&amp;乙</p><p>丙</p>")), "甲&乙丙");
    }
}
