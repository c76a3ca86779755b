//! `tongxin import <文件.docx> --column <栏目>`: a Word document becomes a
//! post in the column, as `tongxin new` would start it, with the document's
//! text as the body and its pictures in the post's folder (see
//! [`crate::import`]).

use std::path::PathBuf;

use crate::commands::new::Created;
use crate::diagnostics::{Diagnostic, io_reason};
use crate::import::{ImportError, MAX_UNPACKED, import_post};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    /// The column: its folder or title.
    pub column: String,
    /// The Word file, as the user named it.
    pub file: PathBuf,
    /// The moment of creation; tests fix it, users never set it.
    pub now: Option<jiff::Timestamp>,
}

impl ImportOptions {
    pub fn new(root: impl Into<PathBuf>, column: impl Into<String>, file: impl Into<PathBuf>) -> Self {
        ImportOptions {
            root: root.into(),
            column: column.into(),
            file: file.into(),
            now: None,
        }
    }
}

/// Reads the file and imports it; on failure, why, naming the file.
pub fn import(options: &ImportOptions) -> Result<Created, Vec<Diagnostic>> {
    let file = &options.file;
    let size = std::fs::metadata(file)
        .map(|m| m.len())
        .map_err(|e| unreadable(options, &e))?;
    if size > MAX_UNPACKED {
        let e = ImportError::TooLarge;
        return Err(vec![Diagnostic::error(file, e.message()).hint(e.hint())]);
    }
    let bytes = std::fs::read(file).map_err(|e| unreadable(options, &e))?;
    import_post(
        &options.root,
        &options.column,
        &file.to_string_lossy(),
        &bytes,
        options.now,
    )
}

fn unreadable(options: &ImportOptions, e: &std::io::Error) -> Vec<Diagnostic> {
    let hint = if e.kind() == std::io::ErrorKind::NotFound {
        "检查文件名和所在文件夹：文件名有空格时请加引号，例如 tongxin import \"会议 通知.docx\" --column yaowen；也可以把文件拖进命令行窗口，自动填上完整路径"
    } else {
        "确认文件没有在 Word 或 WPS 里打开着，并且有读取它的权限"
    };
    vec![Diagnostic::error(&options.file, format!("无法读取这个文件（{}）", io_reason(e))).hint(hint)]
}
