//! ASCII URL parts from Chinese text: `全会闭幕` → `quanhui-bimu`.
//!
//! Text is cut into words with jieba over our own small dictionary of words that
//! appear in 政协 titles and tags (the full dictionary would cost a C build and
//! 30 MB of memory), then each word becomes toneless pinyin. Syllables of a word
//! are joined and words are separated by `-`. Characters whose usual reading is
//! wrong in a word (重庆, 银行) come from an override table. Consecutive single
//! characters that the dictionary does not know are joined as one word, which
//! reads better than one dash per syllable.

use std::collections::HashMap;
use std::sync::OnceLock;

use jieba_rs::Jieba;
use pinyin::ToPinyin;

const WORDS: &str = include_str!("slug/words.txt");
const OVERRIDES: &str = include_str!("slug/pinyin_overrides.txt");

struct Segmenter {
    jieba: Jieba,
    overrides: HashMap<&'static str, String>,
}

fn segmenter() -> &'static Segmenter {
    static CELL: OnceLock<Segmenter> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut jieba = Jieba::empty();
        let mut overrides = HashMap::new();
        for line in WORDS.lines() {
            let mut parts = line.split_whitespace();
            if let Some(word) = parts.next() {
                let freq = parts.next().and_then(|f| f.parse().ok());
                jieba.add_word(word, freq, None);
            }
        }
        for line in OVERRIDES.lines() {
            let mut parts = line.split_whitespace();
            if let Some(word) = parts.next() {
                let syllables: String = parts.collect();
                if !jieba.has_word(word) {
                    jieba.add_word(word, Some(1000), None);
                }
                overrides.insert(word, syllables);
            }
        }
        Segmenter { jieba, overrides }
    })
}

/// Lowercase ASCII letters, digits and single dashes; empty if nothing usable.
pub fn slugify(text: &str) -> String {
    let seg = segmenter();
    let mut words: Vec<String> = Vec::new();
    let mut singles = String::new();
    for token in seg.jieba.cut(text, false) {
        let word = token.word;
        let chars: Vec<char> = word.chars().collect();
        if chars.iter().all(|c| c.to_pinyin().is_some()) {
            if let Some(syllables) = seg.overrides.get(word) {
                flush(&mut singles, &mut words);
                words.push(syllables.clone());
            } else if chars.len() == 1 {
                singles.push_str(&pinyin_of(word));
            } else {
                flush(&mut singles, &mut words);
                words.push(pinyin_of(word));
            }
            continue;
        }
        flush(&mut singles, &mut words);
        let mut current = String::new();
        for c in word.chars() {
            if c.is_ascii_alphanumeric() {
                current.push(c.to_ascii_lowercase());
            } else if let Some(p) = c.to_pinyin() {
                current.push_str(&plain(p));
            } else if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    flush(&mut singles, &mut words);
    words.join("-")
}

/// A key that sorts Chinese names by pinyin (汉语拼音顺序), as name lists in
/// official documents are ordered: each character's toneless syllable, then the
/// character itself so that different characters never compare equal.
pub fn sort_key(text: &str) -> String {
    let mut key = String::new();
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => key.push_str(&plain(p)),
            None => key.extend(c.to_lowercase()),
        }
        key.push(' ');
    }
    key.push('\u{0}');
    key.push_str(text);
    key
}

fn flush(singles: &mut String, words: &mut Vec<String>) {
    if !singles.is_empty() {
        words.push(std::mem::take(singles));
    }
}

fn pinyin_of(word: &str) -> String {
    word.to_pinyin().flatten().map(plain).collect()
}

/// Toneless pinyin in ASCII: `ü` is written `v`, as in pinyin input methods.
fn plain(p: pinyin::Pinyin) -> String {
    p.plain().replace('ü', "v")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_kept_and_cleaned() {
        assert_eq!(slugify("2025-03-02-changweihui"), "2025-03-02-changweihui");
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  a__b  "), "a-b");
        assert_eq!(slugify("！？"), "");
    }

    #[test]
    fn chinese_becomes_pinyin_words() {
        assert_eq!(slugify("2026-01-15-全会闭幕"), "2026-01-15-quanhui-bimu");
        assert_eq!(slugify("乡村振兴"), "xiangcun-zhenxing");
        assert_eq!(slugify("政协委员"), "zhengxie-weiyuan");
    }

    #[test]
    fn names_sort_by_pinyin() {
        let mut names = vec!["周敏", "陈建国", "高山", "艾青", "张强"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["艾青", "陈建国", "高山", "张强", "周敏"]);
    }

    #[test]
    fn heteronyms_come_from_the_override_table() {
        assert_eq!(slugify("重庆"), "chongqing");
        assert_eq!(slugify("银行"), "yinhang");
        assert_eq!(slugify("绿色"), "lvse");
    }
}
