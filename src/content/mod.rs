//! Loading content: walk `content/`, read every Markdown file (any encoding users
//! produce), split and parse its front matter. Files are read in parallel. Markdown
//! is rendered later, once every page's URL is known, so that `@/` links can be
//! checked.

pub mod edit;
pub mod figures;
pub mod front_matter;
pub mod highlight;
pub mod html;
pub mod markdown;
pub mod memo;
pub mod text;

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::encoding;
use front_matter::FrontMatter;

pub const CONTENT_DIR: &str = "content";

/// The largest Markdown file read (see `read_source`).
pub const MAX_MARKDOWN_BYTES: u64 = 10 * 1024 * 1024;

/// One Markdown file, read and with its settings parsed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// Path below `content/`, with `/` separators: `yaowen/2025-03-02-a.md`.
    pub rel: String,
    /// Path to show in messages: `content/yaowen/2025-03-02-a.md`.
    pub shown: PathBuf,
    /// Shared: the engine keeps what it read, and each build's model holds
    /// the same settings (10,000 posts: ~10 MB held once, not twice).
    pub meta: std::sync::Arc<FrontMatter>,
    /// Shared: the engine keeps what it read, and each build's model holds
    /// the same text (`tongxin build` hands it over instead: see
    /// `Engine::texts_once`). Not kept between builds (see `body_hash`): empty in a
    /// file the engine restored, until it is read again.
    #[serde(skip)]
    pub body: std::sync::Arc<str>,
    /// A hash of the body: what a remembered rendering of it is found by.
    pub body_hash: u64,
    /// 1-based line where the body starts.
    pub body_line: usize,
    /// The file started with a UTF-8 byte order mark (removed from the text).
    pub bom: bool,
}

impl SourceFile {
    /// `_index.md`: the settings of a column (or of the home page).
    pub fn is_index(&self) -> bool {
        self.rel == "_index.md" || self.rel.ends_with("/_index.md")
    }

    /// The folder below `content/` (`yaowen` for `yaowen/a.md`, `` for the root).
    pub fn folder(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The file name without `.md`.
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.strip_suffix(".md").unwrap_or(name)
    }
}

/// What `content/` holds.
#[derive(Debug, Default)]
pub struct Content {
    pub files: Vec<SourceFile>,
    /// Other files (photos, attachments), relative to `content/`, copied as they are.
    pub assets: Vec<String>,
}

/// Reads everything under `<root>/content/`. Files with errors are reported and
/// still returned when their settings could be partly read, so that later stages
/// can find their own errors in the same run.
pub fn load(root: &Path, tz: &TimeZone, diagnostics: &Diagnostics) -> Content {
    let Some(listing) = list(root, diagnostics) else {
        return Content::default();
    };
    let files = listing
        .markdown
        .into_par_iter()
        .filter_map(|rel| {
            let (file, problems) = read_file(root, rel, tz);
            diagnostics.extend(problems);
            file
        })
        .collect();
    Content {
        files,
        assets: listing.assets,
    }
}

/// The files under `content/`, by path below it, in name order.
#[derive(Debug, Default)]
pub struct Listing {
    pub markdown: Vec<String>,
    /// Photos, attachments and other files copied as they are.
    pub assets: Vec<String>,
}

/// Lists `<root>/content/`; `None` (and an error) when there is no such folder.
pub fn list(root: &Path, diagnostics: &Diagnostics) -> Option<Listing> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(CONTENT_DIR, "找不到存放文章的 content 文件夹")
                .hint("在网站根目录下新建 content 文件夹，每个栏目一个子文件夹"),
        );
        return None;
    }
    let mut listing = Listing::default();
    // Links (shortcuts) are followed, so a linked post is published like any
    // other; a broken or looping link is an error naming it, not silently skipped.
    let walker = WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e
                    .path()
                    .map_or_else(|| PathBuf::from(CONTENT_DIR), |p| shown_path(root, p));
                diagnostics.push(walk_error(&e, shown));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.ends_with('~') {
            continue; // editor backups
        }
        if is_markdown(&rel) {
            listing.markdown.push(rel);
        } else {
            listing.assets.push(rel);
        }
    }
    Some(listing)
}

/// A file or folder under `content/` that could not be listed, in words.
fn walk_error(e: &walkdir::Error, shown: PathBuf) -> Diagnostic {
    if e.loop_ancestor().is_some() {
        return Diagnostic::error(
            shown,
            "这个文件夹链接（快捷方式）指向它自己所在的文件夹或上级文件夹，形成了循环",
        )
        .hint("删掉这个链接，或让它指向别的文件夹");
    }
    match e.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
            Diagnostic::error(shown, "这个链接（快捷方式）指向的文件不存在")
                .hint("删掉这个链接，或让它指向存在的文件；文章请直接放在 content/ 里")
        }
        Some(io) => Diagnostic::error(shown, format!("无法读取（{}）", crate::diagnostics::io_reason(io)))
            .hint("检查文件和文件夹的权限"),
        None => Diagnostic::error(shown, "无法读取这个文件夹").hint("检查文件夹的权限"),
    }
}

/// Whether a path below `content/` is a Markdown source.
pub fn is_markdown(rel: &str) -> bool {
    rel.to_lowercase().ends_with(".md")
}

/// Reads one Markdown file (`rel` below `content/`), with the problems found in it.
pub fn read_file(root: &Path, rel: String, tz: &TimeZone) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let shown = PathBuf::from(CONTENT_DIR).join(&rel);
    let path = root.join(CONTENT_DIR).join(&rel);
    let mut problems = Vec::new();
    let file = read_source(&path, rel, shown, tz, &mut problems);
    (file, problems)
}

fn read_source(
    path: &Path,
    rel: String,
    shown: PathBuf,
    tz: &TimeZone,
    problems: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    // Articles are a few hundred KB at most; a file of many MB is nearly always
    // a mistake (a photo or a spreadsheet pasted as text) and would make a page
    // nobody can open, so it is refused before it is read.
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_MARKDOWN_BYTES
    {
        problems.push(
            Diagnostic::error(
                &shown,
                format!(
                    "文件太大（{:.1} MB），超过了一篇文章的上限 {} MB",
                    meta.len() as f64 / (1024.0 * 1024.0),
                    MAX_MARKDOWN_BYTES / (1024 * 1024)
                ),
            )
            .hint("检查正文里是否粘贴了图片或表格数据：照片另存为文件放在文章旁边，用 ![说明](照片.jpg) 引用；很长的资料请拆成几篇"),
        );
        return None;
    }
    let decoded = match encoding::read_decoded(path, &shown) {
        Ok(d) => d,
        Err(d) => {
            problems.push(d);
            return None;
        }
    };
    problems.extend(decoded.warnings);
    from_text(rel, shown, decoded.text, decoded.bom, tz, problems)
}

/// A Markdown file from its text, as if read from `content/<rel>`: the desk
/// previews and checks what is being written before it is saved.
pub fn parse_text(rel: String, text: String, tz: &TimeZone) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let shown = PathBuf::from(CONTENT_DIR).join(&rel);
    let mut problems = Vec::new();
    let file = from_text(rel, shown, text, false, tz, &mut problems);
    (file, problems)
}

fn from_text(
    rel: String,
    shown: PathBuf,
    text: String,
    bom: bool,
    tz: &TimeZone,
    problems: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    // An empty article (made and never written, or emptied by a failed save)
    // gets no page and one clear warning, not errors about a missing title and date.
    if text.trim().is_empty() && !(rel == "_index.md" || rel.ends_with("/_index.md")) {
        problems.push(
            Diagnostic::warning(&shown, "文件是空的，没有生成页面")
                .at_line(1)
                .hint("写上开头的设置（标题 title、日期 date）和正文；不需要这篇文章就删掉这个文件"),
        );
        return None;
    }
    let split = match front_matter::split(&text, &shown) {
        Ok(s) => s,
        Err(d) => {
            problems.push(d);
            let meta = FrontMatter {
                unreadable: true,
                ..Default::default()
            };
            return Some(SourceFile {
                rel,
                shown,
                meta: meta.into(),
                body: std::sync::Arc::from(""),
                body_hash: hash_body(""),
                body_line: 1,
                bom,
            });
        }
    };
    let meta = front_matter::parse(&split, &shown, tz, problems);
    let (body_start, body_line) = (text.len() - split.body.len(), split.body_line);
    // Keep the body in the buffer it was read into, without copying it.
    let mut body = text;
    body.drain(..body_start);
    Some(SourceFile {
        rel,
        shown,
        meta: meta.into(),
        body_hash: hash_body(&body),
        body: body.into(),
        body_line,
        bom,
    })
}

/// The hash of a body that remembered renderings are found by.
pub fn hash_body(body: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new();
    h.write(body.as_bytes());
    h.finish()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn shown_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}
