//! How text becomes search terms. The browser (`themes/default/static/js/search.js`)
//! cuts a query by the same rules, so both sides must change together.
//!
//! - Text is normalised: full-width Latin letters and digits become half-width,
//!   Latin letters lower case.
//! - A run of Chinese characters gives every single character (so one-character
//!   queries work), every pair of neighbouring characters (so a query finds text
//!   even where its characters straddle a word boundary, 商民 in 协商|民主), and the
//!   words jieba finds in it (so 人民 inside 中华人民共和国 counts as a word and ranks
//!   above a chance pair). Two-character words are the pair itself, marked as a word.
//! - A run of Latin letters and digits, possibly joined by `-` `.` `/` `_` (the
//!   proposal number `7-3-015`, `5G`, `3.5`), is one term, and its parts are terms too.

use jieba_rs::Jieba;

/// Full-width ASCII to half-width, the ideographic space to a space, Latin to
/// lower case. Everything else is kept.
pub fn normalize(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

pub use crate::content::text::is_han;

fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | '/' | '_')
}

/// One piece of text between others: a run of Chinese, or a Latin token.
#[derive(Debug, PartialEq, Eq)]
pub enum Run {
    Han(String),
    Latin(String),
}

/// Cuts normalised text into runs of Chinese characters and Latin tokens;
/// everything else (punctuation, spaces, other scripts) separates them.
pub fn runs(text: &str) -> Vec<Run> {
    let chars: Vec<char> = text.chars().map(normalize).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            out.push(Run::Han(chars[start..i].iter().collect()));
        } else if is_latin(c) {
            let start = i;
            i += 1;
            loop {
                while i < chars.len() && is_latin(chars[i]) {
                    i += 1;
                }
                // A joiner counts only between two Latin characters.
                if i + 1 < chars.len() && is_joiner(chars[i]) && is_latin(chars[i + 1]) {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Run::Latin(chars[start..i].iter().collect()));
        } else {
            i += 1;
        }
    }
    out
}

/// What a term is, for the flags of its postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A single character or a chance pair of characters.
    Gram,
    /// A word: a jieba word, a Latin token or one of its parts.
    Word,
}

/// Where [`scan`] puts the terms of a text.
pub trait TermSink {
    /// A single Chinese character, or two side by side: a [`Kind::Gram`].
    fn gram(&mut self, first: char, second: Option<char>);
    /// A [`Kind::Word`]: a jieba word of two or more characters (a pair is
    /// also given as a gram), a Latin token or one of its parts.
    fn word(&mut self, word: &str);
}

/// Gives every term of `text` to `out`, repeats included, in one pass over the
/// text with no copy of it (indexing looks at every character of every page).
pub fn scan(text: &str, jieba: &Jieba, out: &mut impl TermSink) {
    let mut run = String::new();
    let mut chars = text.chars();
    let mut next = chars.next().map(normalize);
    while let Some(c) = next {
        if is_han(c) {
            run.clear();
            run.push(c);
            let mut prev = c;
            loop {
                next = chars.next().map(normalize);
                match next {
                    Some(d) if is_han(d) => {
                        out.gram(prev, None);
                        out.gram(prev, Some(d));
                        run.push(d);
                        prev = d;
                    }
                    _ => break,
                }
            }
            out.gram(prev, None);
            if run.len() > prev.len_utf8() {
                for token in jieba.cut_for_search(&run, true) {
                    if token.word.chars().nth(1).is_some() {
                        out.word(token.word);
                    }
                }
            }
        } else if is_latin(c) {
            run.clear();
            run.push(c);
            loop {
                next = chars.next().map(normalize);
                match next {
                    Some(d) if is_latin(d) => run.push(d),
                    // A joiner counts only between two Latin characters.
                    Some(j) if is_joiner(j) => {
                        let after = chars.clone().next().map(normalize);
                        if after.is_some_and(is_latin) {
                            run.push(j);
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            out.word(&run);
            if run.contains(is_joiner) {
                for part in run.split(is_joiner).filter(|p| !p.is_empty()) {
                    out.word(part);
                }
            }
        } else {
            next = chars.next().map(normalize);
        }
    }
}

/// Calls `emit(term, kind)` for every term of `text`, repeats included.
pub fn terms(text: &str, jieba: &Jieba, emit: &mut impl FnMut(&str, Kind)) {
    struct Strings<'a, F>(&'a mut F, String);
    impl<F: FnMut(&str, Kind)> TermSink for Strings<'_, F> {
        fn gram(&mut self, first: char, second: Option<char>) {
            self.1.clear();
            self.1.push(first);
            self.1.extend(second);
            (self.0)(&self.1, Kind::Gram);
        }
        fn word(&mut self, word: &str) {
            (self.0)(word, Kind::Word);
        }
    }
    scan(text, jieba, &mut Strings(emit, String::new()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::search::jieba;

    fn all(text: &str) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        terms(text, jieba(), &mut |t, k| out.push((t.to_string(), k)));
        out
    }

    fn has(list: &[(String, Kind)], term: &str, kind: Kind) -> bool {
        list.iter().any(|(t, k)| t == term && *k == kind)
    }

    #[test]
    fn runs_split_chinese_latin_and_punctuation() {
        assert_eq!(
            runs("提案７－３－015号，ＡＢＣ与5G。"),
            [
                Run::Han("提案".into()),
                Run::Latin("7-3-015".into()),
                Run::Han("号".into()),
                Run::Latin("abc".into()),
                Run::Han("与".into()),
                Run::Latin("5g".into()),
            ]
        );
        // A joiner at the end or doubled is not part of the token.
        assert_eq!(
            runs("v2- x--y"),
            [Run::Latin("v2".into()), Run::Latin("x".into()), Run::Latin("y".into())]
        );
    }

    #[test]
    fn chinese_gives_characters_pairs_and_words() {
        let t = all("中华人民共和国");
        assert!(has(&t, "中", Kind::Gram));
        assert!(has(&t, "华人", Kind::Gram));
        assert!(has(&t, "人民", Kind::Word), "{t:?}");
        assert!(has(&t, "中华人民共和国", Kind::Word));
        let t = all("协商民主");
        assert!(has(&t, "商民", Kind::Gram));
        assert!(!has(&t, "商民", Kind::Word));
        assert!(has(&t, "协商", Kind::Word));
    }

    /// The terms as `runs` defines them, the slow and obvious way.
    fn by_runs(text: &str) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        for run in runs(text) {
            match run {
                Run::Latin(token) => {
                    out.push((token.clone(), Kind::Word));
                    if token.contains(is_joiner) {
                        out.extend(
                            token
                                .split(is_joiner)
                                .filter(|p| !p.is_empty())
                                .map(|p| (p.to_string(), Kind::Word)),
                        );
                    }
                }
                Run::Han(han) => {
                    let chars: Vec<char> = han.chars().collect();
                    for (n, c) in chars.iter().enumerate() {
                        out.push((c.to_string(), Kind::Gram));
                        if let Some(d) = chars.get(n + 1) {
                            out.push((format!("{c}{d}"), Kind::Gram));
                        }
                    }
                    if chars.len() >= 2 {
                        for token in jieba().cut_for_search(&han, true) {
                            if token.word.chars().nth(1).is_some() {
                                out.push((token.word.to_string(), Kind::Word));
                            }
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn one_pass_scan_gives_the_terms_of_the_runs() {
        for text in [
            "提案７－３－015号，ＡＢＣ与5G。",
            "v2- x--y a.b. 中华人民共和国宪法",
            "协商民主、老街商民；Tongxin 0.1.0/版",
            "𠀀字 ぁ 桥",
            "",
            "a",
            "政",
        ] {
            let mut got = all(text);
            let mut want = by_runs(text);
            got.sort_by(|a, b| a.0.cmp(&b.0));
            want.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn latin_tokens_and_their_parts() {
        let t = all("编号7-3-015");
        assert!(has(&t, "7-3-015", Kind::Word));
        assert!(has(&t, "015", Kind::Word));
        assert!(has(&t, "编号", Kind::Word));
    }
}
