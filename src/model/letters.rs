//! Letters (来信选登 / 答复公开): published replies of the 主席信箱 or a similar
//! channel. Each post is one letter: its summary (`letter`, 来信摘要), the day
//! it was accepted (`received`, 受理日期), the day it was answered (`replied`,
//! 答复日期) and by whom (`replier`, 答复单位); the body is the reply. The
//! column shows, per year, how many letters came, how many were answered, the
//! average days to a reply and the replies later than the column's time limit
//! (`reply_days`, 答复时限) — what an inspection of the interactive channel asks
//! for.
//!
//! The statistics use only the dates written, never today's date, so a build
//! gives the same pages whenever it runs; letters still waiting for a reply
//! are `check`'s business (rule `fresh-reply`).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::read;

use super::Site;
use super::column::ColumnKind;
use super::page::Page;
use super::proposals::{per_mille, percent};

/// The time limit for a reply when the column does not set one, in days.
pub const DEFAULT_REPLY_DAYS: i64 = 30;

/// One letter's fields as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// 来信摘要.
    pub letter: String,
    /// 受理日期; `None` when missing or unreadable (reported).
    pub received: Option<Date>,
    /// 答复日期; `None` while the letter waits for its reply.
    pub replied: Option<Date>,
    /// 答复单位.
    pub replier: String,
}

impl Fields {
    /// Days from acceptance to reply, when both dates are known.
    pub fn days(&self) -> Option<i64> {
        let (received, replied) = (self.received?, self.replied?);
        let days = received.until(replied).ok()?.get_days() as i64;
        (days >= 0).then_some(days)
    }

    pub fn status(&self) -> &'static str {
        if self.replied.is_some() {
            "已答复"
        } else {
            "办理中"
        }
    }
}

/// Reads a letter's fields from `page`. Problems go to `diagnostics` when it
/// is given (the model reports them once; the render reads the fields again
/// without reporting).
pub fn fields_of(page: &Page, tz: &TimeZone, diagnostics: Option<&Diagnostics>) -> Fields {
    let extra = &page.meta.extra;
    let text = |key: &str| {
        extra
            .get(key)
            .and_then(read::string)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let report = |key: &str, d: Diagnostic| {
        if let Some(diagnostics) = diagnostics {
            let line = page.meta.line_of(key).unwrap_or(1);
            diagnostics.push(d.at_line(line));
        }
    };
    let date = |key: &str, name: &str| -> Option<Date> {
        let written = text(key);
        if written.is_empty() {
            return None;
        }
        let parsed = dates::parse(&written, tz).map(|z| z.date());
        if parsed.is_none() {
            report(
                key,
                Diagnostic::error(&page.shown, format!("{name}“{written}”无法识别"))
                    .hint(format!("写成 {}，并确认是真实存在的日期", dates::ACCEPTED_FORMS)),
            );
        }
        parsed
    };
    let fields = Fields {
        letter: text("letter"),
        received: date("received", "受理日期"),
        replied: date("replied", "答复日期"),
        replier: text("replier"),
    };
    if text("received").is_empty() {
        report(
            "received",
            Diagnostic::error(&page.shown, "来信缺少受理日期 received（受理日期）")
                .hint("在开头的设置里加一行，例如“received: 2026-10-08”；统计按受理的年份计算"),
        );
    }
    if fields.letter.is_empty() {
        report(
            "letter",
            Diagnostic::warning(&page.shown, "来信没有写来信摘要 letter（来信摘要）").hint(
                "加一行，例如“letter: 反映城东街道老旧小区停车难，建议……”，概括来信内容，不写来信人的姓名、电话等个人信息",
            ),
        );
    }
    if let (Some(received), Some(replied)) = (fields.received, fields.replied)
        && replied < received
    {
        report(
            "replied",
            Diagnostic::error(
                &page.shown,
                format!(
                    "答复日期 {} 早于受理日期 {}",
                    dates::chinese(replied),
                    dates::chinese(received)
                ),
            )
            .hint("检查这两个日期是否写反或写错了年份"),
        );
    }
    if fields.replied.is_some() {
        if fields.replier.is_empty() {
            report(
                "replier",
                Diagnostic::warning(&page.shown, "已答复的来信没有写答复单位 replier（答复单位）")
                    .hint("加一行，例如“replier: 区住房和城乡建设局”"),
            );
        }
        if page.char_count == 0 && page.figures.is_empty() {
            report(
                "replied",
                Diagnostic::warning(&page.shown, "写了答复日期，但正文（答复内容）是空的")
                    .hint("把答复内容写在设置下面的正文里；还没有答复的，删掉答复日期那一行"),
            );
        }
    } else if text("replied").is_empty() && !(page.char_count == 0 && page.figures.is_empty()) {
        report(
            "received",
            Diagnostic::warning(&page.shown, "正文里有答复内容，但没有写答复日期 replied（答复日期）")
                .hint("加一行，例如“replied: 2026-10-20”，答复才会计入统计"),
        );
    }
    fields
}

/// One year's figures (by the year a letter was accepted).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearStats {
    pub year: i16,
    /// 受理
    pub received: usize,
    /// 已答复
    pub replied: usize,
    /// replied ÷ received
    pub reply_rate: String,
    /// Average days from acceptance to reply, one decimal (`—` without replies).
    pub average_days: String,
    /// Replies that took longer than the limit.
    pub late: usize,
}

/// The figures per year, newest year first. Letters without a readable
/// acceptance date are not counted (their error says so).
pub fn statistics(letters: &[Fields], limit: i64) -> Vec<YearStats> {
    let mut years: BTreeMap<i16, (YearStats, i64)> = BTreeMap::new();
    for letter in letters {
        let Some(received) = letter.received else { continue };
        let (stats, total_days) = years.entry(received.year()).or_insert_with(|| {
            (
                YearStats {
                    year: received.year(),
                    ..Default::default()
                },
                0,
            )
        });
        stats.received += 1;
        if letter.replied.is_some() {
            stats.replied += 1;
        }
        if let Some(days) = letter.days() {
            *total_days += days;
            if days > limit {
                stats.late += 1;
            }
        }
    }
    years
        .into_values()
        .rev()
        .map(|(mut stats, total_days)| {
            stats.reply_rate = percent(per_mille(stats.replied, stats.received));
            // Tenths of a day, rounded half up, as the rates are.
            stats.average_days = match stats.replied {
                0 => "—".to_string(),
                n => {
                    let tenths = (total_days as u64 * 20 + n as u64) / (2 * n as u64);
                    format!("{}.{}", tenths / 10, tenths % 10)
                }
            };
            stats
        })
        .collect()
}

/// A `letters` column's statistics.
#[derive(Debug)]
pub struct LettersView {
    pub column: usize,
    pub stats: Vec<YearStats>,
}

/// Reads every letter (reporting its problems) and makes each letters
/// column's statistics.
pub fn collect(site: &mut Site, diagnostics: &Diagnostics) {
    let tz = site.config.tz.clone();
    for (c, column) in site.columns.iter().enumerate() {
        if column.kind != ColumnKind::Letters {
            continue;
        }
        let letters: Vec<Fields> = column
            .pages
            .iter()
            .map(|&p| fields_of(&site.pages[p], &tz, Some(diagnostics)))
            .collect();
        site.letter_views.push(LettersView {
            column: c,
            stats: statistics(&letters, column.reply_days),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(received: Option<(i16, i8, i8)>, replied: Option<(i16, i8, i8)>) -> Fields {
        let date = |d: Option<(i16, i8, i8)>| d.map(|(y, m, d)| Date::new(y, m, d).unwrap());
        Fields {
            received: date(received),
            replied: date(replied),
            ..Default::default()
        }
    }

    #[test]
    fn statistics_per_year_of_acceptance() {
        let list = [
            letter(Some((2026, 1, 5)), Some((2026, 1, 15))),  // 10 days
            letter(Some((2026, 3, 1)), Some((2026, 4, 10))),  // 40 days, late
            letter(Some((2026, 12, 20)), Some((2027, 1, 4))), // 15 days, counted in 2026
            letter(Some((2026, 11, 30)), None),
            letter(Some((2025, 6, 1)), None),
            letter(None, Some((2025, 6, 1))),
        ];
        let stats = statistics(&list, 30);
        assert_eq!(stats.len(), 2);
        let s = &stats[0];
        assert_eq!((s.year, s.received, s.replied, s.late), (2026, 4, 3, 1));
        assert_eq!(s.reply_rate, "75.0%");
        // (10 + 40 + 15) / 3 = 21.67
        assert_eq!(s.average_days, "21.7");
        let s = &stats[1];
        assert_eq!((s.year, s.received, s.replied, s.late), (2025, 1, 0, 0));
        assert_eq!(s.reply_rate, "0.0%");
        assert_eq!(s.average_days, "—");
    }

    #[test]
    fn days_and_status() {
        let l = letter(Some((2026, 2, 27)), Some((2026, 3, 2)));
        assert_eq!(l.days(), Some(3));
        assert_eq!(l.status(), "已答复");
        let l = letter(Some((2026, 3, 2)), None);
        assert_eq!(l.days(), None);
        assert_eq!(l.status(), "办理中");
        // A reply written before the letter came counts no days (an error).
        assert_eq!(letter(Some((2026, 3, 2)), Some((2026, 3, 1))).days(), None);
    }
}
