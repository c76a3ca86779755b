//! Importing a Word document (`.docx`) as a post: `tongxin import` and the
//! desk's 导入 Word 文件 button.
//!
//! A `.docx` is a zip of XML parts (`package`, `xml`); its body is read into
//! blocks (`docx`), the title and date are taken from it (`markdown`, `date`)
//! and the rest is written as Markdown (`markdown`). [`import_post`] then
//! writes the post where `tongxin new` would, with the pictures in the
//! post's own folder.
//!
//! Old binary `.doc` and `.wps` files, password-protected and damaged files
//! are refused with a Chinese message that says how to save a `.docx`
//! instead; no input makes the import panic.

mod date;
mod docx;
mod markdown;
mod package;
mod xml;

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::DateTime;

use crate::commands::new::{Created, NewOptions, plan_post, write_new};
use crate::diagnostics::{Diagnostic, display_path};

pub use package::MAX_UNPACKED;

/// A Word document read as a post.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The first heading (or a centred title line); `None` when the document
    /// has none, and the file name is to be used.
    pub title: Option<String>,
    /// A date written in the document (see the `date` module), if any.
    pub date: Option<DateTime>,
    /// The body, without the title; ends with a line break unless empty.
    pub markdown: String,
    /// The pictures the body shows, named as the Markdown names them.
    pub images: Vec<ImportedImage>,
    /// What could not be imported (pictures in formats pages cannot show,
    /// charts), in Chinese, for the user.
    pub warnings: Vec<String>,
}

/// A picture of an imported document.
#[derive(Debug, Clone)]
pub struct ImportedImage {
    /// A safe ASCII file name: `tu-1.jpg`, `tu-2.png`.
    pub name: String,
    pub bytes: Vec<u8>,
    /// Its description: the caption under it, or the one set in Word.
    pub alt: String,
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// An old binary Word document (`.doc`, an OLE file).
    OldDoc,
    /// A WPS 文字 document in its own format (`.wps`).
    Wps,
    /// A document with an opening password (an encrypted OLE file).
    Encrypted,
    /// Some other kind of document.
    OtherFormat(OtherKind),
    /// Not a document at all (a picture, a zip of something else).
    NotDocument,
    /// A damaged file; what is wrong, for the curious.
    Damaged(String),
    /// More than [`MAX_UNPACKED`] bytes when unpacked.
    TooLarge,
    /// Neither text nor pictures.
    Empty,
}

/// Files people pick instead of a `.docx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherKind {
    Pdf,
    Rtf,
    /// Word's “web page” (`.htm`, `.mht`), often named `.doc`.
    WebPage,
    Spreadsheet,
    Presentation,
}

impl ImportError {
    /// What is wrong, in Chinese.
    pub fn message(&self) -> String {
        match self {
            ImportError::OldDoc => "这是旧版 Word 文档（.doc），无法直接导入".into(),
            ImportError::Wps => "这是 WPS 文字的 .wps 文档，无法直接导入".into(),
            ImportError::Encrypted => "这个文档设置了打开密码，无法导入".into(),
            ImportError::OtherFormat(kind) => {
                let what = match kind {
                    OtherKind::Pdf => "PDF 文件",
                    OtherKind::Rtf => "RTF 格式的文档",
                    OtherKind::WebPage => "网页格式的文档（.htm 或 .mht）",
                    OtherKind::Spreadsheet => "Excel 或 WPS 表格文件",
                    OtherKind::Presentation => "PowerPoint 或 WPS 演示文件",
                };
                format!("这是{what}，不是 Word 文档（.docx），无法导入")
            }
            ImportError::NotDocument => "这个文件不是 Word 文档（.docx），无法导入".into(),
            ImportError::Damaged(detail) => format!("文件已损坏或不完整，无法读取（{detail}）"),
            ImportError::TooLarge => format!("文件解压后超过 {} MB，无法导入", MAX_UNPACKED / 1024 / 1024),
            ImportError::Empty => "文档里没有文字，也没有图片".into(),
        }
    }

    /// How to get a file that imports, in Chinese.
    pub fn hint(&self) -> String {
        const SAVE_AS: &str =
            "用 Word 或 WPS 打开它，点“文件 → 另存为”，保存类型选“Word 文档（*.docx）”，再导入新保存的 .docx 文件";
        match self {
            ImportError::OldDoc | ImportError::OtherFormat(OtherKind::Rtf | OtherKind::WebPage) => SAVE_AS.into(),
            ImportError::Wps => "用 WPS 打开它，点“文件 → 另存为”，文件类型选“Microsoft Word 文件（*.docx）”，再导入新保存的 .docx 文件".into(),
            ImportError::Encrypted => "用 Word 或 WPS 输入密码打开它，取消打开密码（Word：“文件 → 信息 → 保护文档 → 用密码进行加密”，清空密码；WPS：“文件 → 文档加密”），另存为 .docx 后再导入".into(),
            ImportError::OtherFormat(OtherKind::Pdf) => "请找到这份 PDF 的原始 Word 文档再导入；找不到时，可以把 PDF 里的文字复制到写作台的正文里".into(),
            ImportError::OtherFormat(OtherKind::Spreadsheet | OtherKind::Presentation) => {
                "导入只接受 Word 文档。表格可以在写作台正文里用“表格”按钮填写，整个文件也可以作为附件放进文章的文件夹".into()
            }
            ImportError::NotDocument => "请选择用 Word 或 WPS 保存的 .docx 文件；从微信、QQ 或邮箱下载的文件，请确认已经下载完整".into(),
            ImportError::Damaged(_) => "用 Word 或 WPS 打开它：能打开的，另存为一个新的 .docx 再导入；打不开的，请向发来文件的人重新要一份".into(),
            ImportError::TooLarge => "文档里可能有很多大图片：先在 Word 里压缩图片（选中图片 → “图片格式” → “压缩图片”），或把图片另外上传".into(),
            ImportError::Empty => "确认选对了文件。如果文字在扫描的图片里，需要先把文字录入或识别出来".into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ImportError {}

/// Reads a `.docx` into a post: its title, date, Markdown body and pictures.
pub fn read_docx(bytes: &[u8]) -> Result<Imported, ImportError> {
    Ok(Parsed::read(bytes)?.into_imported(&|_| false))
}

/// A document read, its pictures not named yet.
struct Parsed {
    title: Option<String>,
    date: Option<DateTime>,
    document: docx::Document,
}

impl Parsed {
    fn read(bytes: &[u8]) -> Result<Parsed, ImportError> {
        package::sniff(bytes)?;
        let mut package = package::Package::open(bytes)?;
        let main = package
            .relationships("")?
            .into_values()
            .find(|r| r.kind == "officeDocument" && !r.external)
            .map(|r| r.target)
            .filter(|t| package.has(t))
            .unwrap_or_else(|| "word/document.xml".to_string());
        if !package.has(&main) {
            return Err(if package.has_folder("xl/") {
                ImportError::OtherFormat(OtherKind::Spreadsheet)
            } else if package.has_folder("ppt/") {
                ImportError::OtherFormat(OtherKind::Presentation)
            } else {
                ImportError::NotDocument
            });
        }
        let mut document = docx::read(&mut package, &main)?;
        let title = markdown::take_title(&mut document.blocks);
        markdown::captions_to_pictures(&mut document.blocks);
        let has_content = document
            .blocks
            .iter()
            .any(|b| !b.plain_text().is_empty() || b.has_picture());
        if title.is_none() && !has_content {
            return Err(ImportError::Empty);
        }
        let lines: Vec<String> = document
            .blocks
            .iter()
            .filter(|b| matches!(b, docx::Block::Paragraph { .. }))
            .map(docx::Block::plain_text)
            .collect();
        Ok(Parsed {
            title,
            date: date::find(&lines),
            document,
        })
    }

    /// Names the pictures `tu-1.jpg`, `tu-2.png` … in the order they are
    /// shown, skipping names `taken` says are in use, and writes the Markdown.
    fn into_imported(self, taken: &dyn Fn(&str) -> bool) -> Imported {
        let mut names: Vec<Option<String>> = vec![None; self.document.pictures.len()];
        let mut order = Vec::new();
        for block in &self.document.blocks {
            pictures_in(block, &mut order);
        }
        let mut next = 1;
        let mut images = Vec::new();
        for (index, alt) in order {
            if names[index].is_some() {
                continue;
            }
            let picture = &self.document.pictures[index];
            let name = loop {
                let name = format!("tu-{next}.{}", picture.extension);
                next += 1;
                if !taken(&name) {
                    break name;
                }
            };
            names[index] = Some(name.clone());
            images.push(ImportedImage {
                name,
                bytes: picture.bytes.clone(),
                alt,
            });
        }
        Imported {
            title: self.title,
            date: self.date,
            markdown: markdown::write(&self.document.blocks, &names),
            images,
            warnings: self.document.warnings,
        }
    }
}

/// The pictures a block shows, in order, with their descriptions.
fn pictures_in(block: &docx::Block, out: &mut Vec<(usize, String)>) {
    match block {
        docx::Block::Table(rows) => rows.iter().flatten().flatten().for_each(|b| pictures_in(b, out)),
        _ => out.extend(block.inlines().iter().filter_map(|i| match i {
            docx::Inline::Picture { index, alt } => Some((*index, alt.clone())),
            _ => None,
        })),
    }
}

/// Imports the Word file `file_name` (its `bytes`) as a new post in
/// `column` (a folder or a column's title, as for `tongxin new`) of the site
/// at `root`, with the pictures in the post's folder. Nothing existing is
/// overwritten; the post is written last, so a failure leaves no half post.
/// `now` fixes the time `tongxin new` would use (tests).
pub fn import_post(
    root: &Path,
    column: &str,
    file_name: &str,
    bytes: &[u8],
    now: Option<jiff::Timestamp>,
) -> Result<Created, Vec<Diagnostic>> {
    let shown = PathBuf::from(file_name);
    let refuse = |e: ImportError| vec![Diagnostic::error(&shown, e.message()).hint(e.hint())];
    let parsed = Parsed::read(bytes).map_err(|e| {
        let is_wps = Path::new(file_name)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("wps"));
        refuse(match e {
            ImportError::OldDoc | ImportError::NotDocument if is_wps => ImportError::Wps,
            e => e,
        })
    })?;
    let title = parsed.title.clone().unwrap_or_else(|| title_from_file_name(file_name));
    let planned = plan_post(&NewOptions {
        now,
        ..NewOptions::new(root, column, title)
    })?;
    let folder = planned.path.with_extension("");
    let imported = parsed.into_imported(&|name| root.join(&folder).join(name).exists());

    let mut text = planned.text.clone();
    let mut dated = false;
    if let Some(date) = imported.date
        && let Some(with_date) = set_date(&text, date)
    {
        text = with_date;
        dated = true;
    }
    text.push_str(&imported.markdown);

    let mut written: Vec<PathBuf> = Vec::new();
    let undo = |written: &[PathBuf]| {
        for path in written {
            let _ = std::fs::remove_file(root.join(path));
        }
        // Only an empty folder goes: one made for these pictures.
        let _ = std::fs::remove_dir(root.join(&folder));
    };
    for image in &imported.images {
        let path = folder.join(&image.name);
        if let Err(problems) = write_new(root, &path, &image.bytes) {
            undo(&written);
            return Err(problems);
        }
        written.push(path);
    }
    if let Err(problems) = write_new(root, &planned.path, text.as_bytes()) {
        undo(&written);
        return Err(problems);
    }
    Ok(Created {
        next: next_steps(&imported, &folder, dated, planned.text.contains("\ndate:")),
        path: planned.path,
        column: planned.column,
        kind: planned.kind,
    })
}

/// A title from a file name: `关于召开全会的通知.docx` → `关于召开全会的通知`.
fn title_from_file_name(file_name: &str) -> String {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    let title = docx::collapse(stem);
    if title.is_empty() {
        "导入的文章".to_string()
    } else {
        title
    }
}

/// `text` with the value of its front matter's `date:` line replaced,
/// keeping the line's comment; `None` when the front matter has no date.
fn set_date(text: &str, date: DateTime) -> Option<String> {
    let value = if date.time() == jiff::civil::Time::midnight() {
        date.strftime("%Y-%m-%d").to_string()
    } else {
        date.strftime("%Y-%m-%d %H:%M").to_string()
    };
    let mut out = String::with_capacity(text.len());
    let mut in_front = false;
    let mut done = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        if bare == "---" {
            in_front = i == 0;
        }
        if in_front && !done && bare.starts_with("date:") {
            let comment = bare.find("    #").map_or("", |at| &bare[at..]);
            out.push_str(&format!("date: {value}{comment}\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    done.then_some(out)
}

/// What the user should know and do next, in Chinese.
fn next_steps(imported: &Imported, folder: &Path, dated: bool, has_date: bool) -> String {
    let mut out = String::new();
    match imported.images.len() {
        0 => out.push_str("文档里没有可导入的图片。\n"),
        n => {
            let names: Vec<&str> = imported.images.iter().map(|i| i.name.as_str()).collect();
            out.push_str(&format!(
                "保存了 {n} 张图片到 {}/（{}）。\n",
                display_path(folder),
                names.join("、")
            ));
            if imported.images.iter().any(|i| i.alt.trim().is_empty()) {
                out.push_str(
                    "有的图片没有说明：请在正文“![]”的方括号里写上图片说明（例如“全体会议现场”），方便视障读者。\n",
                );
            }
        }
    }
    for warning in &imported.warnings {
        out.push_str(&format!("注意：{warning}。\n"));
    }
    if has_date && !dated {
        out.push_str("文档里没有找到日期，发布时间先写成了现在，请核对。\n");
    }
    out.push_str(ON_THE_COMMAND_LINE);
    out
}

/// The last line of what to do next, for someone at the command line (the
/// desk leaves it out: its user is already in the editor).
pub const ON_THE_COMMAND_LINE: &str = "请打开这个文件核对导入的正文，补全开头“---”之间空着的设置；然后运行 tongxin build 生成网站（或 tongxin serve 边写边预览），发布前运行 tongxin check。";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_line_keeps_its_comment() {
        let text = "---\ntitle: 会议\ndate: 2026-12-05 14:30    # 发布时间\n---\n\ndate: 正文\n";
        let date: DateTime = "2026-03-02T00:00".parse().unwrap();
        assert_eq!(
            set_date(text, date).unwrap(),
            "---\ntitle: 会议\ndate: 2026-03-02    # 发布时间\n---\n\ndate: 正文\n"
        );
        let timed: DateTime = "2026-03-02T10:30".parse().unwrap();
        assert!(
            set_date(text, timed)
                .unwrap()
                .contains("date: 2026-03-02 10:30    # 发布时间\n")
        );
        assert_eq!(set_date("---\ntitle: 页面\n---\n\ndate: x\n", date), None);
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_file_name("关于召开全会的通知.docx"), "关于召开全会的通知");
        assert_eq!(title_from_file_name("C:\\文件\\附件1 会议议程.DOCX"), "附件1 会议议程");
        assert_eq!(title_from_file_name(".docx"), ".docx");
        assert_eq!(title_from_file_name("   .docx"), "导入的文章");
    }

    /// Random bytes, and every prefix and many corruptions of a real
    /// document, give an error or a post, never a panic.
    #[test]
    fn no_input_makes_it_panic() {
        let real = include_bytes!("../../tests/fixtures/docx/huiyi.docx");
        assert!(read_docx(real).is_ok());
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0, 1, 3, 4, 22, 100, 4096] {
            let bytes: Vec<u8> = (0..len).map(|_| random() as u8).collect();
            let _ = read_docx(&bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend(&bytes);
            let _ = read_docx(&zipped);
        }
        for cut in (0..real.len()).step_by(997) {
            let _ = read_docx(&real[..cut]);
        }
        for _ in 0..100 {
            let mut bytes = real.to_vec();
            for _ in 0..(random() % 8 + 1) {
                let at = (random() as usize) % bytes.len();
                bytes[at] = random() as u8;
            }
            let _ = read_docx(&bytes);
        }
        // Most changes to packed bytes only break the checksum: change the
        // XML itself too, and pack it again.
        let mut package = package::Package::open(real).unwrap();
        let parts = [
            "word/document.xml",
            "word/styles.xml",
            "word/numbering.xml",
            "word/_rels/document.xml.rels",
        ];
        let originals: Vec<Vec<u8>> = parts.iter().map(|p| package.read(p).unwrap().unwrap()).collect();
        let media = package.read("word/media/image1.png").unwrap().unwrap();
        for round in 0..120 {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
            for (i, (name, original)) in parts.iter().zip(&originals).enumerate() {
                let mut xml = original.clone();
                if i == round % parts.len() {
                    for _ in 0..(random() % 4 + 1) {
                        let at = (random() as usize) % xml.len();
                        // Characters that matter to XML and to the reader.
                        let marks = b"<>/\"=&;0129 wx";
                        xml[at] = marks[(random() as usize) % marks.len()];
                    }
                }
                zip.start_file(*name, options).unwrap();
                std::io::Write::write_all(&mut zip, &xml).unwrap();
            }
            zip.start_file("word/media/image1.png", options).unwrap();
            std::io::Write::write_all(&mut zip, &media).unwrap();
            let bytes = zip.finish().unwrap().into_inner();
            let _ = read_docx(&bytes);
        }
    }
}
