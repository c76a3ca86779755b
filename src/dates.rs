//! Dates as Chinese users write them, read in the site's time zone.
//!
//! Accepted: `2025-03-02`, `2025-03-02 14:30`, `2025-03-02T14:30:00+08:00`,
//! `2025/3/2`, `2025.3.2`, `2025年3月2日`, `2025年3月2日 14:30`.

use jiff::Zoned;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// What a date in front matter may look like, for error hints.
pub const ACCEPTED_FORMS: &str = "2025-03-02、2025-03-02 14:30 或 2025年3月2日";

pub fn parse(text: &str, tz: &TimeZone) -> Option<Zoned> {
    let text = text.trim();
    // A full timestamp with an offset keeps its own instant.
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts.to_zoned(tz.clone()));
    }
    let (date_part, time_part) = split_date_time(text);
    let date = parse_date(date_part)?;
    let time = match time_part {
        Some(t) => parse_time(t)?,
        None => Time::midnight(),
    };
    DateTime::from_parts(date, time).to_zoned(tz.clone()).ok()
}

fn split_date_time(text: &str) -> (&str, Option<&str>) {
    if let Some((d, t)) = text.split_once(['T', ' ', '　']) {
        let t = t.trim();
        (d.trim(), (!t.is_empty()).then_some(t))
    } else if let Some(pos) = text.find('日') {
        let (d, t) = text.split_at(pos + '日'.len_utf8());
        let t = t.trim();
        (d, (!t.is_empty()).then_some(t))
    } else {
        (text, None)
    }
}

fn parse_date(text: &str) -> Option<Date> {
    let normalized: String = text
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            c => c,
        })
        .collect();
    let mut parts = normalized.split('-');
    let year: i16 = parts.next()?.trim().parse().ok()?;
    let month: i8 = parts.next()?.trim().parse().ok()?;
    let day: i8 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&year) {
        return None;
    }
    Date::new(year, month, day).ok()
}

fn parse_time(text: &str) -> Option<Time> {
    let text = text.replace('：', ":");
    let mut parts = text.split(':');
    let hour: i8 = parts.next()?.trim().parse().ok()?;
    let minute: i8 = parts.next().map_or(Some(0), |m| m.trim().parse().ok())?;
    let second: i8 = parts.next().map_or(Some(0), |s| s.trim().parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    Time::new(hour, minute, second, 0).ok()
}

/// `2025年3月2日`, the form Chinese readers expect.
pub fn chinese(date: Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// RFC 3339, for feeds, sitemaps and `<time datetime>`.
pub fn rfc3339(zoned: &Zoned) -> String {
    zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The time zone named in site.yaml.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        time_zone("Asia/Shanghai").unwrap()
    }

    fn ymdhm(text: &str) -> String {
        parse(text, &shanghai())
            .unwrap()
            .strftime("%Y-%m-%d %H:%M %:z")
            .to_string()
    }

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!(ymdhm("2025-03-02"), "2025-03-02 00:00 +08:00");
        assert_eq!(ymdhm("2025-03-02 14:30"), "2025-03-02 14:30 +08:00");
        assert_eq!(ymdhm("2025年3月2日"), "2025-03-02 00:00 +08:00");
        assert_eq!(ymdhm("2025年3月2日 14:30"), "2025-03-02 14:30 +08:00");
        assert_eq!(ymdhm("2025年3月2日14:30"), "2025-03-02 14:30 +08:00");
        assert_eq!(ymdhm("2025/3/2"), "2025-03-02 00:00 +08:00");
        assert_eq!(ymdhm("2025-03-02T06:30:00Z"), "2025-03-02 14:30 +08:00");
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "昨天",
            "2025-03",
            "20__年3月2日",
            "2025-03-02 25:00",
        ] {
            assert!(parse(bad, &shanghai()).is_none(), "{bad}");
        }
    }

    #[test]
    fn formats_chinese_dates_without_leading_zeros() {
        assert_eq!(chinese(Date::new(2025, 3, 2).unwrap()), "2025年3月2日");
    }
}
