//! The date a Word document gives itself.
//!
//! Only a date written in the text counts: a short line near the start (the
//! date under a news title, “发布时间：2026年3月2日”) or near the end (the date
//! under the signature of a notice, 落款). The file's own dates
//! (`docProps/core.xml`) are not used: “created” is often the day the
//! template was made, years ago, and a wrong date on a news post is worse
//! than none (the post then keeps the time of the import, for the user to
//! check). Dates inside long sentences are the dates of events, not of the
//! text, and are not taken either.

use std::sync::LazyLock;

use jiff::civil::{Date, DateTime, Time};
use regex::Regex;

/// Lines looked at, from the start and from the end.
const LINES: usize = 5;
/// A line longer than this is a sentence, not a date line.
const LINE_CHARS: usize = 40;

static ARABIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\D)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2})(?:\D|$))(?:\s*(\d{1,2})\s*[:：时]\s*(\d{2}))?",
    )
    .expect("the date pattern is valid")
});

static CHINESE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
        .expect("the date pattern is valid")
});

/// The date of the first short line with one among the first lines, else
/// among the last (the signature's date).
pub fn find(lines: &[String]) -> Option<DateTime> {
    let lines: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
    let head = lines.iter().take(LINES);
    let tail = lines.iter().rev().take(LINES.min(lines.len().saturating_sub(LINES)));
    head.chain(tail)
        .filter(|l| l.chars().count() <= LINE_CHARS)
        .find_map(|l| find_in_line(l))
}

/// A date (and time) written in `line`, if it is a real one.
pub fn find_in_line(line: &str) -> Option<DateTime> {
    // Full-width digits (２０２６年) are read as digits.
    let line: String = line
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if let Some(c) = ARABIC.captures(&line) {
        let number = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i8>().ok());
        let year: i16 = c.get(1)?.as_str().parse().ok()?;
        let month = number(2).or_else(|| number(4))?;
        let day = number(3).or_else(|| number(5))?;
        let time = match (number(6), number(7)) {
            (Some(h), Some(m)) => Time::new(h, m, 0, 0).ok()?,
            _ => Time::midnight(),
        };
        return date(year, month, day).map(|d| d.to_datetime(time));
    }
    let c = CHINESE.captures(&line)?;
    let year: String = c[1].chars().filter_map(digit).map(|d| char::from(b'0' + d)).collect();
    let year: i16 = year.parse().ok()?;
    let month = chinese_number(&c[2])?;
    let day = chinese_number(&c[3])?;
    date(year, month, day).map(|d| d.to_datetime(Time::midnight()))
}

fn date(year: i16, month: i8, day: i8) -> Option<Date> {
    if !(1949..=2200).contains(&year) {
        return None;
    }
    Date::new(year, month, day).ok()
}

fn digit(c: char) -> Option<u8> {
    match c {
        '〇' | '○' | '零' => Some(0),
        _ => "一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u8 + 1),
    }
}

/// 一 … 三十一, as months and days are written.
fn chinese_number(text: &str) -> Option<i8> {
    let chars: Vec<char> = text.chars().collect();
    let value = match chars.as_slice() {
        ['十'] => 10,
        ['十', one] => 10 + digit(*one)?,
        [tens, '十'] => digit(*tens)? * 10,
        [tens, '十', one] => digit(*tens)? * 10 + digit(*one)?,
        [one] => digit(*one)?,
        _ => return None,
    };
    i8::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        find_in_line(text).map(|d| d.strftime("%Y-%m-%d %H:%M").to_string())
    }

    #[test]
    fn dates_as_documents_write_them() {
        assert_eq!(at("2026年3月2日").as_deref(), Some("2026-03-02 00:00"));
        assert_eq!(
            at("发布时间：2026 年 3 月 12 日 10:30").as_deref(),
            Some("2026-03-12 10:30")
        );
        assert_eq!(at("２０２６年１２月５日").as_deref(), Some("2026-12-05 00:00"));
        assert_eq!(at("二〇二六年三月二十一日").as_deref(), Some("2026-03-21 00:00"));
        assert_eq!(at("日期：2026-03-02").as_deref(), Some("2026-03-02 00:00"));
        assert_eq!(at("2026.3.2").as_deref(), Some("2026-03-02 00:00"));
        assert_eq!(at("2026年2月30日"), None);
        assert_eq!(at("2026年第1期"), None);
        assert_eq!(at("3月2日上午"), None);
        assert_eq!(at("1234年1月1日"), None);
    }

    #[test]
    fn only_short_lines_near_the_start_or_end_count() {
        let lines: Vec<String> = [
            "2026年3月2日上午，区政协召开常委会会议，会议听取了关于全区养老服务工作情况的报告。",
            "正文一",
            "正文二",
            "正文三",
            "正文四",
            "正文五",
            "正文六",
            "区政协办公室",
            "2026年3月3日",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            find(&lines).map(|d| d.date().to_string()).as_deref(),
            Some("2026-03-03")
        );
        assert_eq!(find(&lines[..4]), None);
        assert_eq!(find(&[]), None);
    }
}
