//! A page: one published Markdown file (an article, or a single page of a `page`
//! column), with everything later stages need.

use std::path::PathBuf;

use crate::content::front_matter::FrontMatter;
use crate::content::markdown::Heading;

use super::files::FileLink;

#[derive(Debug, Clone)]
pub struct Page {
    /// Source path below `content/`, e.g. `yaowen/2025-03-02-a.md`.
    pub rel: String,
    /// Path shown in messages, e.g. `content/yaowen/2025-03-02-a.md`.
    pub shown: PathBuf,
    /// Index into `Site::columns`; `None` for a file directly in `content/`.
    pub column: Option<usize>,
    /// Shared with the engine's copy of the source (see [`crate::content::SourceFile::meta`]).
    pub meta: std::sync::Arc<FrontMatter>,
    pub title: String,
    pub slug: String,
    /// Site path below the base path, e.g. `yaowen/2025-03-02-a/`.
    pub path: String,
    pub body: std::sync::Arc<str>,
    /// What a remembered rendering of the body is found by.
    pub body_hash: u64,
    pub body_line: usize,
    /// The body's HTML, its photos in plain markup between markers (see
    /// [`crate::render::pictures`]). Shared, so that a snapshot of the site
    /// (the search index's, in `tongxin serve`) costs no copy of the text.
    pub content: std::sync::Arc<str>,
    /// Photos and galleries of `content`.
    pub figures: Vec<crate::content::figures::Figure>,
    pub toc: Vec<Heading>,
    /// The front matter summary, or the first ~120 characters of the text.
    pub summary: String,
    pub char_count: usize,
    /// Older and newer neighbours in the column (上一篇 / 下一篇); for a
    /// chapter, the chapters before and after it in its book.
    pub previous: Option<usize>,
    pub next: Option<usize>,
    /// Attachments found on disk, in the order written.
    pub attachments: Vec<FileLink>,
    /// The cover image, found on disk.
    pub cover: Option<FileLink>,
    /// Index into `Site::books` for a chapter of a book.
    pub book: Option<usize>,
    /// Index into `Site::members` for a member's profile page.
    pub member: Option<usize>,
    /// Index into `Site::leaders` for a leader's page.
    pub leader: Option<usize>,
    /// Index into `Site::proposals` for a proposal page.
    pub proposal: Option<usize>,
    /// Index into `Site::members` of a speech's speaker, when a member.
    pub speaker: Option<usize>,
    /// A document's validity (有效, 已废止…), outside proposals columns.
    pub status: Option<super::validity::DocStatus>,
}
