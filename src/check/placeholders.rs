//! `placeholder`: blanks left in text copied from template websites — `20__年`,
//! `20XX年`, `X月X日`, `××乡`, `XX区`, `__区`, `X次`, `X名`, `X%`, `（略）`,
//! `【此处填写…】` — without flagging real text: `X光`, `X射线`, Roman numerals
//! (`Ⅳ`, `XX世纪`), Latin words (`Xbox`, `Linux`), model numbers (`DJI-X3`),
//! `3×4` or identifiers such as `__init__`.
//!
//! One regular expression finds candidates in one pass; each candidate is then
//! judged by the characters around it.

use std::sync::LazyLock;

use regex::Regex;

use super::Hit;
use crate::check::rules::Rule;
use crate::content::text::is_wide;

/// Measure words after which a lone `X` stands for a missing number.
const MEASURES: &str = "次名人个项件位家条所场批届期篇户倍岁天年月日号万亿元%％";

static CANDIDATES: LazyLock<Regex> = LazyLock::new(|| {
    let x = "[XxＸｘ×]";
    let blank = "[XxＸｘ×_＿○]";
    let pattern = format!(
        r"(?P<year>(?:19|20|二〇){blank}{{2}}\s*年|{blank}{{4}}\s*年|20[0-9][XxＸｘ×_＿]\s*年)|(?P<date>{blank}{{1,8}}\s*月\s*{blank}{{1,8}}\s*日)|(?P<omit>[（(]\s*略\s*[）)])|(?P<note>[【\[][^】\]\n]{{0,20}}?(?:填写|输入|插入|待补充|替换为|修改为|此处)[^】\]\n]{{0,20}}?[】\]])|(?P<xs>{x}{{2,}})|(?P<one>{x}(?:\.{x})?[{MEASURES}])|(?P<blank>_{{2,}}|＿+)"
    );
    Regex::new(&pattern).expect("valid placeholder pattern")
});

/// Characters every placeholder contains: texts without any are skipped
/// without running the expression. The wording rule looks for them in the
/// same pass over the text as for the wordings.
pub fn is_trigger(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ' | '×' | '_' | '＿' | '略' | '【' | '[' | '○')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')
}

/// Finds placeholders in `text`.
pub fn find(text: &str, out: &mut Vec<Hit>) {
    if text.chars().any(is_trigger) {
        find_unfiltered(text, out);
    }
}

/// As [`find`], for a text known to contain a character of [`is_trigger`].
pub fn find_unfiltered(text: &str, out: &mut Vec<Hit>) {
    for caps in CANDIDATES.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let fix = if caps.name("year").is_some() {
            "填上实际年份，例如“2026年”"
        } else if caps.name("date").is_some() {
            "填上实际日期，例如“3月2日”"
        } else if caps.name("omit").is_some() {
            "补上省略的内容，或删去“（略）”"
        } else if caps.name("note").is_some() {
            "按括号里的提示补上内容，再删去括号和提示文字"
        } else if let Some(xs) = caps.name("xs") {
            let ascii = xs.as_str().bytes().all(|b| b == b'X' || b == b'x');
            if ascii {
                // XXL, XX1型, “size XX” and the Roman numeral in “XX世纪” are real text.
                let part_of_word = before.is_some_and(is_latin) || after.is_some_and(is_latin);
                let in_chinese = before.is_some_and(is_wide) || after.is_some_and(is_wide);
                let roman = xs.as_str().bytes().all(|b| b == b'X') && text[m.end()..].starts_with("世纪");
                if part_of_word || !in_chinese || roman {
                    continue;
                }
            } else if before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit()) {
                continue;
            }
            "填上实际的名称或数字"
        } else if caps.name("one").is_some() {
            // DJI-X3, Linux系统, 3×4次: part of a word, a model number or a product.
            if before.is_some_and(|c| is_latin(c) || c == '×') {
                continue;
            }
            "填上实际数字"
        } else {
            // A run of underscores: a blank only in Chinese text (not `__init__`).
            let in_chinese = before.is_some_and(|c| is_wide(c) || c.is_ascii_digit())
                || after.is_some_and(|c| is_wide(c) || c.is_ascii_digit());
            if !in_chinese || before.is_some_and(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            "在横线处填上实际内容"
        };
        out.push(Hit::new(
            Rule::Placeholder,
            m.start(),
            m.end(),
            format!("未填写的占位符“{}”", m.as_str()),
            fix,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.into_iter().map(|h| text[h.start..h.end].to_string()).collect()
    }

    #[test]
    fn finds_template_blanks() {
        assert_eq!(found("20__年全区政协工作要点"), ["20__年"]);
        assert_eq!(found("20XX年X月X日，区政协召开会议"), ["20XX年", "X月X日"]);
        assert_eq!(found("××乡党委书记"), ["××"]);
        assert_eq!(found("全年共召开X次会议，X名委员参加"), ["X次", "X名"]);
        assert_eq!(found("同比增长X%。"), ["X%"]);
        assert_eq!(found("XX区政协"), ["XX"]);
        assert_eq!(found("__区政协"), ["__"]);
        assert_eq!(found("附件：报名表（略）"), ["（略）"]);
        assert_eq!(found("【此处填写会议名称】"), ["【此处填写会议名称】"]);
        assert_eq!(found("报名截止时间为____月____日"), ["____月____日"]);
    }

    #[test]
    fn leaves_real_text_alone() {
        for text in [
            "医院新购置了X光机和X射线检测设备",
            "第Ⅳ类水质，Ⅹ号文件",
            "二十世纪，也写作XX世纪",
            "Xbox、Linux系统和Excel表格",
            "无人机型号为DJI-X3，配有X3云台",
            "尺寸为3×4米，共5次",
            "Python 的 __init__ 方法",
            "2026年3月2日，区政协召开会议",
            "size XX large",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
