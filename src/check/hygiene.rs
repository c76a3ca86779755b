//! Text hygiene (`text-*`): what copying from PDF, Word and English keyboards
//! leaves in Chinese text.
//!
//! - `text-space`: spaces between two Chinese characters (PDF line breaks)
//! - `text-punct`: half-width `, ; : ? ! . ( ) "` inside Chinese sentences
//! - `text-digits`: full-width digits (`２０２６`)
//! - `text-repeat`: repeated or doubled punctuation (`，，` `。。` `！！` `，。`)
//! - `text-pair`: quotes and brackets that do not pair up: 《》“”（）【】
//!
//! Every rule looks at a character and its neighbours in one pass over the text.

use super::Hit;
use super::prose::BOUNDARY;
use crate::check::rules::Rule;
use crate::content::text::{is_han, is_wide};

/// Where a text comes from: a paragraph of the body, or a front matter field
/// (title, author…), where a space between words is a separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Body,
    Field,
}

/// Full-width text: ideographs and Chinese punctuation, not the full-width space.
fn is_chinese(c: char) -> bool {
    is_wide(c) && c != '\u{3000}'
}

const OPENERS: &str = "《“（【〈「『‘";
const CLOSERS: &str = "》”）】〉」』’";

fn full_width(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '.' => '。',
        '(' => '（',
        ')' => '）',
        _ => c,
    }
}

fn opener_of(c: char) -> Option<char> {
    Some(match c {
        '》' => '《',
        '”' => '“',
        '）' => '（',
        '】' => '【',
        '〉' => '〈',
        '」' => '「',
        '』' => '『',
        '’' => '‘',
        _ => return None,
    })
}

fn is_opener(c: char) -> bool {
    matches!(c, '《' | '“' | '（' | '【' | '〈' | '「' | '『' | '‘')
}

fn is_sentence_mark(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '；' | '：')
}

/// The character at byte `at`, if any.
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|t| t.chars().next())
}

pub fn find(text: &str, place: Place, out: &mut Vec<Hit>) {
    // Opening brackets and quotes waiting for their pair: (byte offset, char).
    let mut open: Vec<(usize, char)> = Vec::new();
    // Half-width brackets and quotes already reported with their partner.
    let mut handled: Vec<usize> = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        // Nearly every character is an ideograph, which no rule is about:
        // U+4000–U+9FFF, three bytes led by E4–E9 (less the hexagram symbols
        // U+4DC0–U+4DFF, E4 B7 xx), skipped without decoding.
        let lead = bytes[start];
        if (0xE5..=0xE9).contains(&lead) || (lead == 0xE4 && bytes.get(start + 1) != Some(&0xB7)) {
            start += 3;
            continue;
        }
        let Some(c) = char_at(text, start) else { break };
        let end = start + c.len_utf8();
        if is_han(c) {
            start = end;
            continue;
        }
        let prev = text[..start].chars().next_back();
        let next = char_at(text, end);
        // Where the scan goes on from; runs of spaces, digits and marks are
        // reported once.
        let mut resume = end;
        match c {
            ' ' | '\u{a0}' if place == Place::Body => {
                let mut stop = end;
                while let Some(n) = char_at(text, stop).filter(|&n| n == ' ' || n == '\u{a0}') {
                    stop += n.len_utf8();
                }
                if let (Some(a), Some(b)) = (prev, char_at(text, stop))
                    && is_chinese(a)
                    && is_chinese(b)
                    && (is_han(a) || is_han(b))
                {
                    let mut hit = Hit::new(
                        Rule::TextSpace,
                        start,
                        stop,
                        format!("“{a}”和“{b}”之间有多余的空格"),
                        format!("删去空格，写成“{a}{b}”；从 PDF 复制的文字常带这种空格"),
                    );
                    hit.text = format!("{a}{}{b}", &text[start..stop]);
                    out.push(hit);
                }
                resume = stop;
            }
            ',' | ';' | ':' | '?' | '!' if prev.is_some_and(is_han) => {
                out.push(Hit::new(
                    Rule::TextPunct,
                    start,
                    end,
                    format!("中文句子里用了半角标点“{c}”"),
                    format!("改成全角的“{}”", full_width(c)),
                ));
            }
            '.' => {
                let ends = next.is_none_or(|n| n.is_whitespace() || is_han(n) || n == BOUNDARY);
                if prev.is_some_and(is_han) && ends {
                    out.push(Hit::new(
                        Rule::TextPunct,
                        start,
                        end,
                        "中文句子末尾用了半角句点“.”",
                        "改成全角句号“。”",
                    ));
                }
            }
            '(' | '"' if !handled.contains(&start) => {
                let close = if c == '(' { ')' } else { '"' };
                let partner = text[end..].find(close).map(|i| end + i);
                let before_partner = partner.and_then(|p| text[..p].chars().next_back());
                let inner_han = next.is_some_and(is_han) || before_partner.is_some_and(is_han);
                if prev.is_some_and(is_han) || inner_han {
                    let stop = partner.map_or(end, |p| p + 1);
                    let (message, fix) = if c == '(' {
                        ("中文里用了半角括号“( )”", "改成全角括号“（ ）”")
                    } else {
                        ("中文里用了英文引号“\" \"”", "改成中文引号“ ”")
                    };
                    let mut hit = Hit::new(Rule::TextPunct, start, stop, message, fix);
                    hit.text = text[start..stop].chars().take(30).collect();
                    out.push(hit);
                    if let Some(p) = partner {
                        handled.push(p);
                    }
                }
            }
            ')' if !handled.contains(&start) && prev.is_some_and(is_han) => {
                out.push(Hit::new(
                    Rule::TextPunct,
                    start,
                    end,
                    "中文里用了半角括号“)”",
                    "改成全角括号“）”",
                ));
            }
            '０'..='９' => {
                let mut stop = end;
                while let Some(n) = char_at(text, stop).filter(|&n| ('０'..='９').contains(&n) || n == '．') {
                    stop += n.len_utf8();
                }
                let run = &text[start..stop];
                let half: String = run
                    .chars()
                    .map(|c| {
                        if c == '．' {
                            '.'
                        } else {
                            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                        }
                    })
                    .collect();
                let mut hit = Hit::new(
                    Rule::TextDigits,
                    start,
                    stop,
                    format!("用了全角数字“{run}”"),
                    format!("改成半角数字“{half}”，与全文其他数字一致"),
                );
                hit.text = run.to_string();
                out.push(hit);
                resume = stop;
            }
            '，' | '。' | '、' | '；' | '：' | '？' | '！' => {
                // Repeated punctuation: ，， 。。 ！！ ？？ and mixed ，。 、，
                let mut stop = end;
                while let Some(n) =
                    char_at(text, stop).filter(|&n| n == c || (is_sentence_mark(c) && is_sentence_mark(n)))
                {
                    stop += n.len_utf8();
                }
                if stop > end {
                    let run = &text[start..stop];
                    let mut hit = Hit::new(
                        Rule::TextRepeat,
                        start,
                        stop,
                        format!("标点“{run}”重复"),
                        "只保留一个合适的标点",
                    );
                    hit.text = run.to_string();
                    out.push(hit);
                    resume = stop;
                }
            }
            _ => {
                let apostrophe = (c == '‘' || c == '’')
                    && (prev.is_some_and(|p| p.is_ascii_alphabetic()) || next.is_some_and(|n| n.is_ascii_alphabetic()));
                if apostrophe {
                } else if is_opener(c) {
                    open.push((start, c));
                } else if let Some(opener) = opener_of(c) {
                    match open.last() {
                        Some(&(_, o)) if o == opener => {
                            open.pop();
                        }
                        Some(&(_, o)) => {
                            out.push(pair_hit(text, start, end, c, Some(o)));
                            // Recover: drop the opener if it is further down the stack.
                            if let Some(k) = open.iter().rposition(|&(_, x)| x == opener) {
                                open.truncate(k);
                            }
                        }
                        None => {
                            // “1）”, “一）” style list labels close without opening.
                            let segment = text[..start]
                                .rsplit(|c: char| "；;。，,、：:".contains(c) || c == BOUNDARY || c.is_whitespace())
                                .next()
                                .unwrap_or("");
                            let label = !segment.is_empty()
                                && segment.chars().count() <= 3
                                && segment
                                    .chars()
                                    .all(|c| c.is_ascii_alphanumeric() || "一二三四五六七八九十".contains(c));
                            if !(label && c == '）') {
                                out.push(pair_hit(text, start, end, c, None));
                            }
                        }
                    }
                }
            }
        }
        start = resume;
    }
    for (k, &(at, c)) in open.iter().enumerate() {
        // A quotation running over several paragraphs opens each one with “
        // and closes only at its end.
        if k == 0 && at == 0 && c == '“' {
            continue;
        }
        out.push(pair_hit(text, at, at + c.len_utf8(), c, None));
    }
}

fn pair_hit(text: &str, start: usize, end: usize, c: char, opener: Option<char>) -> Hit {
    let (message, fix) = if let Some(pos) = OPENERS.chars().position(|x| x == c) {
        let closer = CLOSERS.chars().nth(pos).unwrap_or(c);
        (
            format!("“{c}”没有对应的“{closer}”"),
            format!("在合适的位置补上“{closer}”，或删去多余的“{c}”"),
        )
    } else {
        let pos = CLOSERS.chars().position(|x| x == c).unwrap_or(0);
        let expected = OPENERS.chars().nth(pos).unwrap_or(c);
        match opener {
            Some(o) => (
                format!("“{c}”与前面的“{o}”不配对"),
                format!("检查引号和括号的配对，“{expected}”要用“{c}”收尾"),
            ),
            None => (
                format!("“{c}”前面没有对应的“{expected}”"),
                format!("在合适的位置补上“{expected}”，或删去多余的“{c}”"),
            ),
        }
    };
    let mut hit = Hit::new(Rule::TextPair, start, end, message, fix);
    hit.text = text[start..end].to_string();
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        find(text, Place::Body, &mut out);
        out.into_iter()
            .map(|h| (h.rule.id(), text[h.start..h.end].to_string()))
            .collect()
    }

    #[test]
    fn finds_each_problem() {
        assert_eq!(rules("区政协 召开会议"), [("text-space", " ".to_string())]);
        assert_eq!(rules("会议指出,要抓落实"), [("text-punct", ",".to_string())]);
        assert_eq!(rules("电话:0590-87651200"), [("text-punct", ":".to_string())]);
        assert_eq!(rules("区政协(筹)成立"), [("text-punct", "(筹)".to_string())]);
        assert_eq!(rules("会议结束."), [("text-punct", ".".to_string())]);
        assert_eq!(rules("２０２６年"), [("text-digits", "２０２６".to_string())]);
        assert_eq!(
            rules("会议强调，，要抓落实。。"),
            [("text-repeat", "，，".to_string()), ("text-repeat", "。。".to_string())]
        );
        assert_eq!(rules("要抓落实，。"), [("text-repeat", "，。".to_string())]);
        assert_eq!(rules("学习《条例》和《规定"), [("text-pair", "《".to_string())]);
        assert_eq!(rules("他说：“要抓落实。"), [("text-pair", "“".to_string())]);
        assert_eq!(rules("见附件）"), [("text-pair", "）".to_string())]);
        assert_eq!(rules("《条例“》"), [("text-pair", "》".to_string())]);
    }

    #[test]
    fn leaves_correct_text_alone() {
        for text in [
            "2026年3月2日14:30，区政协召开会议。",
            "使用 Word 和 WPS 软件，下载通知.pdf 文件。",
            "委员们说：“要把‘有事好商量’落到实处。”",
            "1）提高认识；2）加强协作。",
            "（一）加强学习",
            "省略号……和破折号——都是两个字符。",
            "Xi’an 是西安的拼音。",
            "“这是一段跨越多个段落的引文，",
            "王　伟",
            "共3.5亿元，第1.2条。",
            "Hello, world! (a test)",
        ] {
            assert!(rules(text).is_empty(), "{text}: {:?}", rules(text));
        }
    }
}
