//! The files a site publishes besides its pages (the theme's and the site's
//! `static/`, the files beside the Markdown), and how a name written in a page
//! (`photo.jpg`, `huodong/photo.jpg`, `/images/logo.png`, a gallery's `photos/`)
//! finds one of them.
//!
//! A relative name is looked for the way a browser reads it, from the page's
//! own address (which is where the post's own folder is published), and then
//! the way Typora, VS Code and WPS show it while writing: from the folder the
//! Markdown file is in. `build`, `serve` and `check` all resolve through here,
//! so a photo one of them finds, the others find too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Site;
use crate::content::CONTENT_DIR;
use crate::content::figures::{self, Figure};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site_paths::{normalize, percent_decode};

/// Every published file: site path (below the base path) → source on disk.
#[derive(Debug, Default, Clone)]
pub struct PublishedFiles {
    files: HashMap<String, PathBuf>,
    /// Files beside the Markdown: source below `content/` → site path.
    by_source: HashMap<String, String>,
}

/// What a text that names files is: where it is published and where its
/// source file sits.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    /// Its site path (`yaowen/huodong/`; empty for the home page).
    pub path: &'a str,
    /// The folder of its source file below `content/` (`yaowen`).
    pub dir: &'a str,
    /// Its own folder below `content/` (`yaowen/huodong` for
    /// `yaowen/huodong.md`; a column's or a book's folder for its `_index.md`).
    pub own_folder: &'a str,
}

impl<'a> Owner<'a> {
    pub fn page(page: &'a super::page::Page) -> Self {
        Self::source(&page.path, &page.rel)
    }

    /// A Markdown file `rel` (below `content/`) published at `path`.
    pub fn source(path: &'a str, rel: &'a str) -> Self {
        Owner {
            path,
            dir: rel.rsplit_once('/').map_or("", |(dir, _)| dir),
            own_folder: rel.strip_suffix(".md").unwrap_or(rel),
        }
    }

    pub fn column(column: &'a super::column::Column) -> Self {
        Owner {
            path: &column.path,
            dir: &column.folder,
            own_folder: &column.folder,
        }
    }

    pub fn book(book: &'a super::series::Book) -> Self {
        Owner {
            path: &book.path,
            dir: &book.folder,
            own_folder: &book.folder,
        }
    }

    pub fn home() -> Owner<'static> {
        Owner {
            path: "",
            dir: "",
            own_folder: "",
        }
    }
}

/// Where a name written in a page leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A published file (site path).
    File(String),
    /// Not published: the source paths looked at (`content/…`, `static/…`),
    /// for the message.
    Missing(Vec<String>),
    /// The name leaves the site (`../../..`).
    Outside,
}

impl PublishedFiles {
    /// `files`: every file copied as it is or processed, as (source, site
    /// path), later entries winning; `assets`: the files beside the Markdown,
    /// as (source below `content/`, site path).
    pub fn new(files: impl IntoIterator<Item = (PathBuf, String)>, assets: &[(String, String)]) -> Self {
        PublishedFiles {
            files: files.into_iter().map(|(src, dest)| (dest, src)).collect(),
            by_source: assets.iter().map(|(src, dest)| (src.clone(), dest.clone())).collect(),
        }
    }

    /// Whether the site publishes this site path.
    pub fn contains(&self, dest: &str) -> bool {
        self.files.contains_key(dest)
    }

    /// The source file published at `dest`.
    pub fn source(&self, dest: &str) -> Option<&Path> {
        self.files.get(dest).map(PathBuf::as_path)
    }

    /// Every published file, as (site path, source).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &PathBuf)> {
        self.files.iter()
    }

    /// The published file `src` names when `owner` writes it. `src` is a
    /// local name (not `https://…`): as written, percent-encoded or not, with
    /// any `?…` or `#…` ignored.
    pub fn find(&self, src: &str, owner: &Owner) -> Found {
        self.find_from(src, owner, true)
    }

    /// As [`Self::find`], but only the way a browser reads the name: from the
    /// page's address. For HTML pasted into the Markdown, which is published
    /// as written.
    pub fn find_as_browser(&self, src: &str, owner: &Owner) -> Found {
        self.find_from(src, owner, false)
    }

    fn find_from(&self, src: &str, owner: &Owner, beside_markdown: bool) -> Found {
        let name = clean(src);
        if let Some(abs) = name.strip_prefix('/') {
            return match normalize(abs) {
                Some(dest) if self.contains(&dest) => Found::File(dest),
                Some(dest) => Found::Missing(vec![format!("static/{dest}")]),
                None => Found::Outside,
            };
        }
        let beside_page = normalize(&format!("{}{name}", owner.path));
        if let Some(dest) = &beside_page
            && self.contains(dest)
        {
            return Found::File(dest.clone());
        }
        let beside_file = normalize(&join(owner.dir, &name));
        if beside_markdown && let Some(dest) = beside_file.as_ref().and_then(|s| self.by_source.get(s)) {
            return Found::File(dest.clone());
        }
        if beside_page.is_none() && beside_file.is_none() {
            return Found::Outside;
        }
        let mut looked = Vec::new();
        if let Some(own) = normalize(&join(owner.own_folder, &name)) {
            looked.push(format!("{CONTENT_DIR}/{own}"));
        }
        if let Some(beside) = beside_file.filter(|_| beside_markdown) {
            let beside = format!("{CONTENT_DIR}/{beside}");
            if !looked.contains(&beside) {
                looked.push(beside);
            }
        }
        Found::Missing(looked)
    }

    /// The files directly inside the folder `src` (ending in `/`) names, by
    /// name, that have one of `extensions`: looked for from the page's
    /// address, then from the Markdown file's folder.
    pub fn folder(&self, src: &str, owner: &Owner, extensions: &[&str]) -> Vec<String> {
        let name = clean(src);
        let wanted = |dest: &str| extensions.contains(&crate::content::figures::extension(dest).as_str());
        let inside = |folder: &str, path: &str| path.strip_prefix(folder).is_some_and(|rest| !rest.contains('/'));
        let mut found: Vec<String> = Vec::new();
        if let Some(abs) = name.strip_prefix('/') {
            if let Some(folder) = normalize(abs) {
                found = self
                    .files
                    .keys()
                    .filter(|d| inside(&folder, d) && wanted(d))
                    .cloned()
                    .collect();
            }
        } else {
            if let Some(folder) = normalize(&format!("{}{name}", owner.path)) {
                found = self
                    .files
                    .keys()
                    .filter(|d| inside(&folder, d) && wanted(d))
                    .cloned()
                    .collect();
            }
            if found.is_empty()
                && let Some(folder) = normalize(&join(owner.dir, &name))
            {
                found = self
                    .by_source
                    .iter()
                    .filter(|(s, d)| inside(&folder, s) && wanted(d))
                    .map(|(_, d)| d.clone())
                    .collect();
            }
        }
        found.sort();
        found
    }
}

/// Reports every photo a text names that the site does not publish: body
/// photos, pasted `<img>`, gallery entries. Each is an error at its line
/// (rule `link-image` in `check`), in `build`, `serve` and `check` alike.
pub fn report_missing(site: &Site, files: &PublishedFiles, diagnostics: &Diagnostics) {
    site.pages.par_iter().for_each(|page| {
        report_owner(&page.figures, &Owner::page(page), &page.shown, files, diagnostics);
    });
    for column in &site.columns {
        let shown = PathBuf::from(format!("{CONTENT_DIR}/{}/_index.md", column.folder));
        report_owner(&column.figures, &Owner::column(column), &shown, files, diagnostics);
    }
    for book in &site.books {
        report_owner(&book.figures, &Owner::book(book), &book.shown, files, diagnostics);
    }
    let shown = PathBuf::from(format!("{CONTENT_DIR}/_index.md"));
    report_owner(&site.home.figures, &Owner::home(), &shown, files, diagnostics);
}

/// The problems of one text's figures.
pub fn report_owner(
    figures: &[Figure],
    owner: &Owner,
    shown: &Path,
    files: &PublishedFiles,
    diagnostics: &Diagnostics,
) {
    let own = format!("{CONTENT_DIR}/{}/", owner.own_folder);
    for figure in figures {
        match figure {
            Figure::Image(image) => {
                if let Some(d) = missing_image(files.find(&image.src, owner), &image.src, shown, &own, false) {
                    diagnostics.push(d.at(image.line, image.column));
                }
            }
            Figure::Pasted(image) => {
                if figures::is_external(&image.src) || image.src.starts_with("data:") {
                    continue;
                }
                if let Some(d) = missing_image(files.find_as_browser(&image.src, owner), &image.src, shown, &own, true)
                {
                    diagnostics.push(d.at(image.line, image.column));
                }
            }
            Figure::Video(block) => {
                for entry in &block.entries {
                    if !matches!(files.find(&entry.src, owner), Found::File(_)) {
                        diagnostics.push(
                            Diagnostic::error(shown, format!("视频“{}”找不到", entry.src))
                                .at_line(entry.line)
                                .hint(format!(
                                    "把视频文件放进 {own} 文件夹里，并核对文件名（包括扩展名 .mp4 或 .webm）"
                                ))
                                .rule(crate::rules::Rule::LinkAttachment),
                        );
                    }
                    if let Some((poster, line)) = &entry.poster
                        && !matches!(files.find(poster, owner), Found::File(_))
                    {
                        diagnostics.push(
                            Diagnostic::error(shown, format!("视频封面“{poster}”找不到"))
                                .at_line(*line)
                                .hint(format!(
                                    "把封面图片放进 {own} 文件夹里并核对文件名；不需要封面时删掉“封面:”这一行"
                                ))
                                .rule(crate::rules::Rule::LinkImage),
                        );
                    }
                }
            }
            Figure::Gallery(gallery) => {
                for entry in &gallery.entries {
                    let found = if entry.is_folder() {
                        !files.folder(&entry.src, owner, figures::GALLERY_EXTENSIONS).is_empty()
                    } else {
                        matches!(files.find(&entry.src, owner), Found::File(_))
                    };
                    if found {
                        continue;
                    }
                    let (message, hint) = if entry.is_folder() {
                        (
                            format!("图集里的文件夹“{}”不存在或没有照片", entry.src),
                            format!("照片文件夹放在文章自己的文件夹里，例如 {own}{}", entry.src),
                        )
                    } else {
                        (
                            format!("图集里的照片“{}”找不到", entry.src),
                            format!("把照片放进 {own} 文件夹里，并核对文件名（包括扩展名）"),
                        )
                    };
                    diagnostics.push(
                        Diagnostic::error(shown, message)
                            .at_line(entry.line)
                            .hint(hint)
                            .rule(crate::rules::Rule::LinkImage),
                    );
                }
            }
        }
    }
}

fn missing_image(found: Found, src: &str, shown: &Path, own: &str, pasted: bool) -> Option<Diagnostic> {
    let what = if pasted {
        "粘贴的网页代码里的图片"
    } else {
        "图片"
    };
    let (message, hint) = match found {
        Found::File(_) => return None,
        Found::Outside => (
            format!("{what}“{src}”超出了网站的范围"),
            "图片放在文章自己的文件夹里写文件名，或以“/”开头指 static/ 里的文件".to_string(),
        ),
        Found::Missing(looked) => {
            let how = if pasted {
                "网页代码里的地址按网页的地址解析；改用 Markdown 写法 ![说明](照片.jpg)，或以“/”开头指 static/ 里的文件"
                    .to_string()
            } else {
                format!("把图片放进文章自己的文件夹 {own}，正文写 ![说明](照片.jpg)；以“/”开头指 static/ 里的文件")
            };
            (
                format!("{what}“{src}”找不到"),
                format!("{how}。已查找：{}", looked.join(" 或 ")),
            )
        }
    };
    Some(
        Diagnostic::error(shown, message)
            .hint(hint)
            .rule(crate::rules::Rule::LinkImage),
    )
}

/// The name without query or fragment, percent-decoded, with Windows
/// separators turned around (`照片\a.jpg` is how some editors write it).
fn clean(src: &str) -> String {
    let src = src.trim().split(['?', '#']).next().unwrap_or("");
    percent_decode(src).replace('\\', "/")
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> PublishedFiles {
        let assets = vec![
            (
                "yaowen/huodong/photo00.jpg".to_string(),
                "yaowen/huodong/photo00.jpg".to_string(),
            ),
            (
                "yaowen/2025-03-02-a/会场.jpg".to_string(),
                "yaowen/kaimu/会场.jpg".to_string(),
            ),
            (
                "yaowen/2025-03-02-a/photos/b.png".to_string(),
                "yaowen/kaimu/photos/b.png".to_string(),
            ),
            ("yaowen/shared/x.pdf".to_string(), "yaowen/shared/x.pdf".to_string()),
        ];
        let mut all: Vec<(PathBuf, String)> = assets
            .iter()
            .map(|(s, d)| (PathBuf::from(format!("content/{s}")), d.clone()))
            .collect();
        all.push((PathBuf::from("static/images/logo.png"), "images/logo.png".into()));
        PublishedFiles::new(all, &assets)
    }

    fn page<'a>(path: &'a str, rel_dir: &'a str, own: &'a str) -> Owner<'a> {
        Owner {
            path,
            dir: rel_dir,
            own_folder: own,
        }
    }

    #[test]
    fn names_are_found_beside_the_page_and_beside_the_markdown() {
        let f = files();
        let huodong = page("yaowen/huodong/", "yaowen", "yaowen/huodong");
        // Relative to the .md file, as editors preview it.
        assert_eq!(
            f.find("huodong/photo00.jpg", &huodong),
            Found::File("yaowen/huodong/photo00.jpg".into())
        );
        // Relative to the post's own folder, as the page's address reads it.
        assert_eq!(
            f.find("photo00.jpg", &huodong),
            Found::File("yaowen/huodong/photo00.jpg".into())
        );
        // A post with a slug of its own: its folder is published under the slug.
        let kaimu = page("yaowen/kaimu/", "yaowen", "yaowen/2025-03-02-a");
        assert_eq!(f.find("会场.jpg", &kaimu), Found::File("yaowen/kaimu/会场.jpg".into()));
        assert_eq!(
            f.find("2025-03-02-a/%E4%BC%9A%E5%9C%BA.jpg", &kaimu),
            Found::File("yaowen/kaimu/会场.jpg".into())
        );
        assert_eq!(
            f.find("./2025-03-02-a\\会场.jpg?v=2", &kaimu),
            Found::File("yaowen/kaimu/会场.jpg".into())
        );
        assert_eq!(
            f.find("/images/logo.png", &kaimu),
            Found::File("images/logo.png".into())
        );
        assert_eq!(
            f.find("shared/x.pdf", &kaimu),
            Found::File("yaowen/shared/x.pdf".into())
        );
    }

    #[test]
    fn a_missing_name_says_where_it_was_looked_for() {
        let f = files();
        let huodong = page("yaowen/huodong/", "yaowen", "yaowen/huodong");
        assert_eq!(
            f.find("meiyou.jpg", &huodong),
            Found::Missing(vec![
                "content/yaowen/huodong/meiyou.jpg".into(),
                "content/yaowen/meiyou.jpg".into()
            ])
        );
        assert_eq!(
            f.find("/images/meiyou.png", &huodong),
            Found::Missing(vec!["static/images/meiyou.png".into()])
        );
        assert_eq!(f.find("../../../../x.jpg", &huodong), Found::Outside);
    }

    #[test]
    fn gallery_folders_are_found_both_ways() {
        let f = files();
        let kaimu = page("yaowen/kaimu/", "yaowen", "yaowen/2025-03-02-a");
        let photos = ["jpg", "png"];
        assert_eq!(f.folder("photos/", &kaimu, &photos), ["yaowen/kaimu/photos/b.png"]);
        assert_eq!(
            f.folder("2025-03-02-a/photos/", &kaimu, &photos),
            ["yaowen/kaimu/photos/b.png"]
        );
        assert!(f.folder("meiyou/", &kaimu, &photos).is_empty());
    }
}
