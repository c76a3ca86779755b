//! Freshness (`fresh-*`): inspections fail a site outright when its home page
//! has had nothing new for two weeks, or when 5 or more columns are stale
//! (news-type columns: two weeks; notices: six months) or empty.
//!
//! A column's window is its `stale_after_days` (更新周期), by default 14 days
//! for news and opinions and 180 for notices; other kinds are not dated and only
//! count when empty. The home page's window is the `stale_after_days` of
//! `content/_index.md`, 14 days by default.

use jiff::civil::Date;
use serde::Serialize;

use super::Finding;
use crate::check::rules::Rule;
use crate::dates;
use crate::model::Site;
use crate::model::column::ColumnKind;
use crate::model::letters;

/// The home page's window, in days.
pub const HOME_DAYS: i64 = 14;
/// Stale or empty columns at which an inspection fails the site.
pub const VETO_COLUMNS: usize = 5;

/// How fresh one column is, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnState {
    pub folder: String,
    pub title: String,
    pub kind: &'static str,
    /// The newest item's date.
    pub latest: Option<String>,
    /// Days since the newest item.
    pub days: Option<i64>,
    /// The column's window; `None` when it is not checked.
    pub limit: Option<i64>,
    pub stale: bool,
    pub empty: bool,
}

/// How far the site is from the single-veto thresholds.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub today: String,
    pub home_latest: Option<String>,
    pub home_days: Option<i64>,
    pub home_limit: i64,
    /// Stale and empty columns that were not silenced.
    pub stale_columns: usize,
    pub empty_columns: usize,
    pub veto_columns: usize,
    pub columns: Vec<ColumnState>,
}

impl Summary {
    /// One line in Chinese: how far the site is from each threshold.
    pub fn line(&self) -> String {
        let home = match (self.home_days, &self.home_latest) {
            (Some(days), Some(_)) if days > self.home_limit => {
                format!("首页已 {days} 天没有新内容，超过 {} 天的否决线", self.home_limit)
            }
            (Some(days), Some(_)) => format!(
                "首页 {days} 天前更新，再过 {} 天不更新即触线",
                self.home_limit - days + 1
            ),
            _ => "首页没有任何带日期的文章".to_string(),
        };
        let count = |n: usize, what: &str| {
            if n >= self.veto_columns {
                format!("{what} {n} 个，已达到 {} 个的否决线", self.veto_columns)
            } else {
                format!(
                    "{what} {n} 个，距 {} 个的否决线还差 {} 个",
                    self.veto_columns,
                    self.veto_columns - n
                )
            }
        };
        format!(
            "单项否决：{}；{}；{}。",
            home,
            count(self.stale_columns, "不更新栏目"),
            count(self.empty_columns, "空白栏目")
        )
    }
}

fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// Findings for the home page and each column, and the per-column states.
/// `home_limit` is the home page's window; `home_file` the file to name.
pub fn check(site: &Site, today: Date, home_limit: i64, home_file: &str) -> (Vec<Finding>, Summary) {
    let mut findings = Vec::new();
    let date_of = |i: usize| site.pages[i].meta.date.as_ref().map(|z| z.date());
    let home_latest = site.latest.iter().filter_map(|&i| date_of(i)).max();
    let home_days = home_latest.map(|d| days_between(d, today));
    match home_days {
        Some(days) if days > home_limit => findings.push(
            Finding::new(
                Rule::FreshHome,
                home_file,
                format!(
                    "首页已有 {days} 天没有新内容（最近一篇发布于 {}），超过 {home_limit} 天即被检查单项否决",
                    dates::chinese(home_latest.unwrap_or(today))
                ),
            )
            .fix("尽快在新闻类栏目发布新的稿件；发布后重新生成网站"),
        ),
        Some(_) => {}
        None => findings.push(
            Finding::new(
                Rule::FreshHome,
                home_file,
                "首页没有任何带日期的文章，检查时会被认定为长期不更新",
            )
            .fix("在新闻、通知等栏目发布带日期（date）的文章"),
        ),
    }

    let mut columns = Vec::new();
    for column in &site.columns {
        let file = format!("content/{}/_index.md", column.folder);
        // A 专题 holds the posts that name it, wherever they are.
        let items = site
            .topics
            .iter()
            .find(|t| site.columns[t.column].folder == column.folder)
            .map_or(column.pages.as_slice(), |t| t.pages.as_slice());
        let latest = items.iter().filter_map(|&i| date_of(i)).max();
        let days = latest.map(|d| days_between(d, today));
        let limit = column.stale_after_days.filter(|_| column.kind.has_feed());
        let empty = items.is_empty();
        let stale = !empty && matches!((days, limit), (Some(d), Some(l)) if d > l);
        if empty {
            findings.push(
                Finding::new(Rule::FreshEmpty, &file, format!("栏目“{}”没有任何内容", column.title))
                    .line(Some(1))
                    .fix("发布内容，或删去这个栏目（空白栏目达到 5 个时检查单项否决）"),
            );
        } else if stale {
            findings.push(
                Finding::new(
                    Rule::FreshColumn,
                    &file,
                    format!(
                        "栏目“{}”已有 {} 天没有更新（最近一篇发布于 {}，更新周期 {} 天）",
                        column.title,
                        days.unwrap_or(0),
                        dates::chinese(latest.unwrap_or(today)),
                        limit.unwrap_or(0)
                    ),
                )
                .line(Some(1))
                .fix("在这个栏目发布新的稿件；不更新的栏目达到 5 个时检查单项否决。如果栏目本来就不需要经常更新，可在它的 _index.md 里设置更新周期 stale_after_days"),
            );
        }
        columns.push(ColumnState {
            folder: column.folder.clone(),
            title: column.title.clone(),
            kind: column.kind.name(),
            latest: latest.map(|d| d.to_string()),
            days,
            limit,
            stale,
            empty,
        });
    }
    findings.extend(unanswered(site, today));
    let summary = Summary {
        today: today.to_string(),
        home_latest: home_latest.map(|d| d.to_string()),
        home_days,
        home_limit,
        stale_columns: columns.iter().filter(|c| c.stale).count(),
        empty_columns: columns.iter().filter(|c| c.empty).count(),
        veto_columns: VETO_COLUMNS,
        columns,
    };
    (findings, summary)
}

/// Months a letter may wait for its published reply before `fresh-reply`.
pub const REPLY_MONTHS: i8 = 3;

/// Letters accepted more than [`REPLY_MONTHS`] months before `today` and still
/// without a reply: a working interactive channel answers, and an inspection
/// fails the site over a mailbox that does not.
fn unanswered(site: &Site, today: Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    for column in site.columns.iter().filter(|c| c.kind == ColumnKind::Letters) {
        for &i in &column.pages {
            let page = &site.pages[i];
            let letter = letters::fields_of(page, &site.config.tz, None);
            let (Some(received), None) = (letter.received, letter.replied) else {
                continue;
            };
            let due = received.checked_add(jiff::Span::new().months(REPLY_MONTHS));
            if due.is_ok_and(|due| due < today) {
                findings.push(
                    Finding::new(
                        Rule::FreshReply,
                        page.shown.to_string_lossy().replace('\\', "/"),
                        format!(
                            "这封来信 {} 受理，已经 {} 天没有答复（超过 {REPLY_MONTHS} 个月）",
                            dates::chinese(received),
                            days_between(received, today)
                        ),
                    )
                    .line(page.meta.line_of("received").or(Some(1)))
                    .text(page.title.clone())
                    .fix("催办并公开答复：写上答复日期 replied、答复单位 replier，正文写答复内容；不宜公开的来信不要放在这个栏目"),
                );
            }
        }
    }
    findings
}

/// The single-veto findings, once silenced columns are left out of the counts.
pub fn veto(summary: &Summary) -> Vec<Finding> {
    let mut out = Vec::new();
    if summary.stale_columns >= summary.veto_columns {
        out.push(
            Finding::new(
                Rule::FreshVeto,
                "content",
                format!(
                    "有 {} 个栏目超过更新周期没有更新，达到检查指标 {} 个的单项否决线",
                    summary.stale_columns, summary.veto_columns
                ),
            )
            .fix("给上面列出的栏目发布新稿件，或把确实不再更新的栏目移出网站"),
        );
    }
    if summary.empty_columns >= summary.veto_columns {
        out.push(
            Finding::new(
                Rule::FreshVeto,
                "content",
                format!(
                    "有 {} 个空白栏目，达到检查指标 {} 个的单项否决线",
                    summary.empty_columns, summary.veto_columns
                ),
            )
            .fix("给空白栏目补充内容，或删去这些栏目"),
        );
    }
    out
}
