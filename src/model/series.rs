//! Literary-history books (文史资料): a `series` column holds books, each a
//! sub-folder with its own `_index.md` (title, editor, year, cover) and its
//! chapters, read in `weight` order, else by file name.

use std::collections::HashMap;

use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::read;

use super::column::{Column, ColumnKind};
use super::slug;

#[derive(Debug)]
pub struct Book {
    /// Index into `Site::columns`.
    pub column: usize,
    /// Source folder below `content/`, e.g. `wenshi/xishan-jiuying`.
    pub folder: String,
    pub shown: std::path::PathBuf,
    pub slug: String,
    /// Site path, e.g. `wenshi/xishan-jiuying/`.
    pub path: String,
    pub title: String,
    pub editor: String,
    pub year: String,
    pub publisher: String,
    /// The cover as written in `_index.md` (and its line), and found on disk.
    pub cover_file: Option<String>,
    pub cover_line: Option<usize>,
    pub cover: Option<super::files::FileLink>,
    pub summary: String,
    pub weight: Option<i64>,
    /// The introduction (前言), as HTML.
    pub content: String,
    pub figures: Vec<crate::content::figures::Figure>,
    pub body: std::sync::Arc<str>,
    pub body_hash: u64,
    pub body_line: usize,
    /// Indices into `Site::pages`, in reading order.
    pub chapters: Vec<usize>,
}

/// The reading view of a whole book lives at `<book>/quanshu/`.
pub const WHOLE_BOOK: &str = "quanshu";

/// A book from its `_index.md`, or `None` (reported) when it has no title.
pub fn book_of(file: SourceFile, column: usize, column_path: &str, diagnostics: &Diagnostics) -> Option<Book> {
    let meta = &file.meta;
    let folder = file.folder().to_string();
    let name = folder.rsplit('/').next().unwrap_or(&folder);
    let Some(title) = meta.title.clone() else {
        diagnostics.push(
            Diagnostic::error(&file.shown, "这本书缺少书名 title")
                .at_line(1)
                .hint("在开头的设置里加一行，例如“title: 溪山旧影”"),
        );
        return None;
    };
    let slug = slug::slugify(meta.slug.as_deref().unwrap_or(name));
    if slug.is_empty() {
        diagnostics.push(
            Diagnostic::error(&file.shown, format!("无法从“{name}”生成网址"))
                .hint("在开头的设置里加一行“slug: 拼音名”，例如“slug: xishan-jiuying”"),
        );
        return None;
    }
    let text = |key: &str| meta.extra.get(key).and_then(read::string).unwrap_or_default();
    Some(Book {
        column,
        path: format!("{column_path}{slug}/"),
        slug,
        editor: text("editor"),
        year: text("year"),
        publisher: text("publisher"),
        cover_file: meta.cover.clone(),
        cover_line: meta.line_of("cover"),
        cover: None,
        summary: meta
            .summary
            .clone()
            .or_else(|| meta.description.clone())
            .unwrap_or_default(),
        weight: meta.weight,
        title,
        content: String::new(),
        figures: Vec::new(),
        shown: file.shown,
        body: file.body,
        body_hash: file.body_hash,
        body_line: file.body_line,
        chapters: Vec::new(),
        folder,
    })
}

/// Books by `weight`, then newest year first, then folder name.
pub fn book_order(a: &Book, b: &Book) -> std::cmp::Ordering {
    let weight = |book: &Book| book.weight.unwrap_or(i64::MAX);
    weight(a)
        .cmp(&weight(b))
        .then_with(|| b.year.cmp(&a.year))
        .then_with(|| a.folder.cmp(&b.folder))
}

/// Books from the sub-folder `_index.md` files of `series` columns; elsewhere a
/// sub-folder `_index.md` has no meaning and is reported.
pub fn books_from(
    sources: Vec<SourceFile>,
    columns: &[Column],
    column_of: &HashMap<&str, usize>,
    diagnostics: &Diagnostics,
) -> Vec<Book> {
    let mut books = Vec::new();
    for file in sources {
        let top = file.rel.split('/').next().unwrap_or("");
        let series = column_of
            .get(top)
            .copied()
            .filter(|&c| columns[c].kind == ColumnKind::Series);
        match series {
            Some(c) if file.folder().matches('/').count() == 1 => {
                if let Some(book) = book_of(file, c, &columns[c].path, diagnostics) {
                    books.push(book);
                }
            }
            Some(_) => diagnostics.push(
                Diagnostic::warning(&file.shown, "书里再分文件夹时，里面的 _index.md 不会生成页面")
                    .hint("一本书的设置写在书的文件夹下的 _index.md 中；章节可以直接放在书的文件夹里"),
            ),
            None if column_of.contains_key(top) => diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    "子文件夹里的 _index.md 只在文史资料（series）栏目中使用，这里不会生成页面",
                )
                .hint("栏目的设置写在 content/栏目文件夹/_index.md 中"),
            ),
            None => {} // the missing column is reported with its posts
        }
    }
    books
}
