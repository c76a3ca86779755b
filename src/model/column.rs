//! Columns (栏目): a folder under `content/` with an `_index.md`, and its kind.

use serde::Serialize;
use serde_json::{Map, Value};

/// What a column holds; the kind decides ordering, feeds and templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    News,
    Notice,
    Speech,
    Opinions,
    Page,
    Members,
    Proposals,
    Series,
    Study,
    Letters,
    Leaders,
    Topic,
}

/// (kind, English name, Chinese names users may write).
const NAMES: &[(ColumnKind, &str, &[&str])] = &[
    (ColumnKind::News, "news", &["新闻", "要闻", "动态"]),
    (ColumnKind::Notice, "notice", &["通知", "公告", "通知公告"]),
    (ColumnKind::Speech, "speech", &["讲话", "领导讲话"]),
    (ColumnKind::Opinions, "opinions", &["社情民意", "建言献策", "意见"]),
    (ColumnKind::Page, "page", &["单页", "页面"]),
    (ColumnKind::Members, "members", &["委员", "委员风采"]),
    (ColumnKind::Proposals, "proposals", &["提案", "提案工作"]),
    (ColumnKind::Series, "series", &["文史资料", "文史"]),
    (ColumnKind::Study, "study", &["学习园地", "学习"]),
    (
        ColumnKind::Letters,
        "letters",
        &["来信选登", "答复公开", "来信", "主席信箱", "信箱"],
    ),
    (ColumnKind::Leaders, "leaders", &["领导之窗", "领导", "主席会议成员"]),
    (ColumnKind::Topic, "topic", &["专题", "专题栏目"]),
];

impl ColumnKind {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        NAMES
            .iter()
            .find(|(_, en, zh)| en.eq_ignore_ascii_case(text) || zh.contains(&text))
            .map(|(kind, _, _)| *kind)
    }

    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or("news", |(_, en, _)| en)
    }

    /// The kind's Chinese name, e.g. 新闻 (the government page tag `ColumnType`).
    pub fn label(self) -> &'static str {
        NAMES
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or("新闻", |(_, _, zh)| zh[0])
    }

    /// Every kind with its first Chinese name, for error hints.
    pub fn choices() -> String {
        NAMES
            .iter()
            .map(|(_, en, zh)| format!("{en}（{}）", zh[0]))
            .collect::<Vec<_>>()
            .join("、")
    }

    pub fn all_names() -> impl Iterator<Item = &'static str> {
        NAMES
            .iter()
            .flat_map(|(_, en, zh)| std::iter::once(*en).chain(zh.iter().copied()))
    }

    /// Kinds whose items must carry a date (发布日期): news-like columns,
    /// listed newest first. Members, proposals, single pages, chapters and
    /// study materials may go without one.
    pub fn needs_date(self) -> bool {
        match self {
            ColumnKind::News
            | ColumnKind::Notice
            | ColumnKind::Speech
            | ColumnKind::Opinions
            | ColumnKind::Letters
            // A 专题's own posts are its news.
            | ColumnKind::Topic => true,
            ColumnKind::Page
            | ColumnKind::Members
            | ColumnKind::Proposals
            | ColumnKind::Series
            | ColumnKind::Study
            | ColumnKind::Leaders => false,
        }
    }

    /// Kinds with an Atom feed and a place in the site's latest items: those
    /// of their items that carry a date, newest first.
    pub fn has_feed(self) -> bool {
        match self {
            ColumnKind::News
            | ColumnKind::Notice
            | ColumnKind::Speech
            | ColumnKind::Opinions
            | ColumnKind::Proposals
            | ColumnKind::Study
            | ColumnKind::Letters
            | ColumnKind::Topic => true,
            ColumnKind::Page | ColumnKind::Members | ColumnKind::Series | ColumnKind::Leaders => false,
        }
    }

    /// Days after which a column without a new post is stale (for `check`).
    pub fn default_stale_after_days(self) -> Option<i64> {
        match self {
            ColumnKind::News | ColumnKind::Opinions => Some(14),
            ColumnKind::Notice => Some(180),
            ColumnKind::Speech
            | ColumnKind::Page
            | ColumnKind::Members
            | ColumnKind::Proposals
            | ColumnKind::Series
            | ColumnKind::Study
            // Replies are judged one by one (`check`'s fresh-reply), not by
            // how new the column's latest post is.
            | ColumnKind::Letters
            | ColumnKind::Leaders
            // A 专题 ends; it is not expected to go on.
            | ColumnKind::Topic => None,
        }
    }
}

#[derive(Debug)]
pub struct Column {
    /// The folder under `content/`.
    pub folder: String,
    pub slug: String,
    /// Site path below the base path, e.g. `yaowen/`.
    pub path: String,
    pub kind: ColumnKind,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub page_size: usize,
    pub stale_after_days: Option<i64>,
    /// Days a letter may wait for its reply (`letters` columns).
    pub reply_days: i64,
    /// The HTML of the `_index.md` body (an introduction).
    pub content: String,
    pub figures: Vec<crate::content::figures::Figure>,
    pub extra: Map<String, Value>,
    /// Indices into `Site::pages`, in display order.
    pub pages: Vec<usize>,
}

pub const DEFAULT_PAGE_SIZE: usize = 20;
