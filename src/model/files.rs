//! Files named in front matter (attachments, a proposal's reply letter): found on
//! disk at build time, so a missing file is an error before anything is published,
//! and a list can show each file's type and size (`PDF · 1.2 MB`).

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::CONTENT_DIR;
use crate::diagnostics::{Diagnostic, Diagnostics};

use super::Site;
use super::page::Page;

/// A file a page offers for download, as the theme shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FileLink {
    /// Site path below the base path (`xuexi/tiyao/a.pdf`), or a full external URL.
    pub path: String,
    pub title: String,
    /// `PDF`, `Word`, `Excel`…; empty for external links.
    pub kind: String,
    pub bytes: Option<u64>,
    /// `1.2 MB`; empty when the size is unknown (external links).
    pub size: String,
    pub external: bool,
}

/// Where a file named in front matter is looked for, and where it is published.
pub struct Owner<'a> {
    /// The source file, for messages.
    pub shown: &'a Path,
    /// The owner's own folder below `content/` (a post's `2025-03-02-a/`, a
    /// book's folder), published at `path`.
    pub own_folder: &'a str,
    pub path: &'a str,
    /// The folder the source file sits in, below `content/`.
    pub folder: &'a str,
}

impl<'a> Owner<'a> {
    pub fn page(page: &'a Page) -> Self {
        Owner {
            shown: &page.shown,
            own_folder: page.rel.strip_suffix(".md").unwrap_or(&page.rel),
            path: &page.path,
            folder: page.rel.rsplit_once('/').map_or("", |(dir, _)| dir),
        }
    }

    /// A column's `_index.md`: its files sit in the column's folder.
    pub fn column(column: &'a super::column::Column, shown: &'a Path) -> Self {
        Owner {
            shown,
            own_folder: &column.folder,
            path: &column.path,
            folder: &column.folder,
        }
    }

    pub fn book(book: &'a super::series::Book) -> Self {
        Owner {
            shown: &book.shown,
            own_folder: &book.folder,
            path: &book.path,
            folder: &book.folder,
        }
    }
}

/// What a file named in front matter is for: it names the file in messages and
/// decides the `check` rule a missing one falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Attachment,
    Cover,
    Photo,
    Reply,
    Banner,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Attachment => "附件",
            Role::Cover => "封面",
            Role::Photo => "照片",
            Role::Reply => "答复",
            Role::Banner => "横幅",
        }
    }

    fn rule(self) -> crate::rules::Rule {
        match self {
            Role::Cover | Role::Photo | Role::Banner => crate::rules::Rule::LinkImage,
            Role::Attachment | Role::Reply => crate::rules::Rule::LinkAttachment,
        }
    }
}

/// Finds `file` as written in front matter. A name starting with `/` is looked
/// up in `static/`; any other name in the owner's own folder
/// (`content/xuexi/2025-03-02-a/` for `content/xuexi/2025-03-02-a.md`), then
/// beside it. A missing file is an error at `line`, naming its `role`.
pub fn resolve(
    root: &Path,
    owner: &Owner,
    file: &str,
    title: &str,
    role: Role,
    line: Option<usize>,
    diagnostics: &Diagnostics,
) -> Option<FileLink> {
    let file = file.trim();
    if file.starts_with("http://") || file.starts_with("https://") {
        return Some(FileLink {
            path: file.to_string(),
            title: title.to_string(),
            kind: String::new(),
            bytes: None,
            size: String::new(),
            external: true,
        });
    }
    let own_name = owner.own_folder.rsplit('/').next().unwrap_or(owner.own_folder);
    // `2025-03-02-a/x.pdf` names the own folder explicitly.
    let inside = file
        .strip_prefix(own_name)
        .and_then(|f| f.strip_prefix('/'))
        .unwrap_or(file);

    let mut candidates: Vec<(std::path::PathBuf, String)> = if let Some(abs) = file.strip_prefix('/') {
        vec![(root.join("static").join(abs), abs.to_string())]
    } else {
        let beside = if owner.folder.is_empty() {
            inside.to_string()
        } else {
            format!("{}/{inside}", owner.folder)
        };
        vec![
            (
                root.join(CONTENT_DIR).join(owner.own_folder).join(inside),
                format!("{}{inside}", owner.path),
            ),
            (root.join(CONTENT_DIR).join(&beside), beside),
        ]
    };
    candidates.dedup_by(|a, b| a.0 == b.0);
    for (disk, path) in &candidates {
        if let Ok(meta) = std::fs::metadata(disk)
            && meta.is_file()
        {
            return Some(FileLink {
                path: path.clone(),
                title: title.to_string(),
                kind: kind_label(file),
                bytes: Some(meta.len()),
                size: human_size(meta.len()),
                external: false,
            });
        }
    }
    let looked = candidates
        .iter()
        .map(|(disk, _)| {
            disk.strip_prefix(root)
                .unwrap_or(disk)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect::<Vec<_>>()
        .join(" 或 ");
    let hint = if file.starts_with('/') {
        format!("以“/”开头的文件要放在网站的 static 文件夹里；已查找：{looked}")
    } else {
        format!(
            "把文件放进 content/{}/ 文件夹里，并核对文件名（包括扩展名）；已查找：{looked}",
            owner.own_folder
        )
    };
    let mut d = Diagnostic::error(owner.shown, format!("找不到{}文件“{file}”", role.label()))
        .hint(hint)
        .rule(role.rule());
    if let Some(line) = line {
        d = d.at_line(line);
    }
    diagnostics.push(d);
    None
}

/// Whether a front matter value names a file rather than being text: a single
/// word ending in a document or image extension.
pub fn looks_like_file(value: &str) -> bool {
    let value = value.trim();
    !value.contains(char::is_whitespace)
        && value.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && KINDS
                    .iter()
                    .any(|(exts, _)| exts.contains(&ext.to_lowercase().as_str()))
        })
}

const KINDS: &[(&[&str], &str)] = &[
    (&["pdf"], "PDF"),
    (&["doc", "docx"], "Word"),
    (&["xls", "xlsx", "csv"], "Excel"),
    (&["ppt", "pptx"], "PPT"),
    (&["wps"], "WPS"),
    (&["ofd"], "OFD"),
    (&["txt"], "文本"),
    (&["zip", "rar", "7z"], "压缩包"),
    (&["jpg", "jpeg", "png", "gif", "webp"], "图片"),
    (&["mp3", "wav"], "音频"),
    (&["mp4"], "视频"),
];

/// A reader's name for the file type: `PDF`, `Word`, `Excel`…
pub fn kind_label(file: &str) -> String {
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e).to_lowercase();
    KINDS
        .iter()
        .find(|(exts, _)| exts.contains(&ext.as_str()))
        .map_or_else(|| ext.to_uppercase(), |(_, label)| label.to_string())
}

/// `532 B`, `12.4 KB`, `1.2 MB` (binary units, as file managers on Windows show them).
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = KB * 1024;
    const GB: u64 = MB * 1024;
    // Tenths, rounded half up, in integers so that 1.25 MB is never shown as 1.2.
    let tenths = |unit: u64| (bytes * 10 + unit / 2) / unit;
    let show = |t: u64, name: &str| format!("{}.{} {name}", t / 10, t % 10);
    match bytes {
        b if b < KB => format!("{b} B"),
        b if b < MB && tenths(KB) < 10240 => show(tenths(KB), "KB"),
        b if b < GB && tenths(MB) < 10240 => show(tenths(MB), "MB"),
        _ => show(tenths(GB), "GB"),
    }
}

/// Finds every attachment and cover on disk; a missing one is an error.
pub fn resolve_files(site: &mut Site, root: &Path, diagnostics: &Diagnostics) {
    let found: Vec<(Vec<FileLink>, Option<FileLink>)> = site
        .pages
        .par_iter()
        .map(|page| {
            let owner = Owner::page(page);
            let attachments = page
                .meta
                .attachments
                .iter()
                .filter_map(|a| {
                    let line = page.meta.line_of("attachments");
                    resolve(root, &owner, &a.file, &a.title, Role::Attachment, line, diagnostics)
                })
                .collect();
            let cover = page.meta.cover.as_deref().and_then(|c| {
                resolve(
                    root,
                    &owner,
                    c,
                    "",
                    Role::Cover,
                    page.meta.line_of("cover"),
                    diagnostics,
                )
            });
            (attachments, cover)
        })
        .collect();
    for (page, (attachments, cover)) in site.pages.iter_mut().zip(found) {
        page.attachments = attachments;
        page.cover = cover;
    }
    for member in &mut site.members {
        let page = &site.pages[member.page];
        if let Some(photo) = &member.photo_file {
            let line = page.meta.line_of("photo");
            member.photo = resolve(root, &Owner::page(page), photo, "", Role::Photo, line, diagnostics);
        }
    }
    for leader in &mut site.leaders {
        let page = &site.pages[leader.page];
        if let Some(photo) = &leader.photo_file {
            let line = page.meta.line_of("photo");
            leader.photo = resolve(root, &Owner::page(page), photo, "", Role::Photo, line, diagnostics);
        }
    }
    for topic in &mut site.topics {
        if let Some(banner) = &topic.banner_file {
            let column = &site.columns[topic.column];
            let shown = std::path::PathBuf::from(format!("{CONTENT_DIR}/{}/_index.md", column.folder));
            let owner = Owner::column(column, &shown);
            topic.banner = resolve(root, &owner, banner, "", Role::Banner, topic.banner_line, diagnostics);
        }
    }
    for book in &mut site.books {
        if let Some(cover) = &book.cover_file {
            book.cover = resolve(
                root,
                &Owner::book(book),
                cover,
                "",
                Role::Cover,
                book.cover_line,
                diagnostics,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KB");
        assert_eq!(human_size(12_697), "12.4 KB");
        assert_eq!(human_size(1_258_291), "1.2 MB");
        assert_eq!(human_size(1_048_575), "1.0 MB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn kinds_and_file_names() {
        assert_eq!(kind_label("通知.PDF"), "PDF");
        assert_eq!(kind_label("表.xlsx"), "Excel");
        assert_eq!(kind_label("a.docx"), "Word");
        assert_eq!(kind_label("a.xyz"), "XYZ");
        assert!(looks_like_file("dafuhan.pdf"));
        assert!(looks_like_file("答复函.docx"));
        assert!(!looks_like_file("已于5月答复，见附件.pdf 说明"));
        assert!(!looks_like_file("区民政局已答复。"));
    }
}
