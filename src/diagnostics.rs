//! Errors and warnings that a build reports to the user.
//!
//! A build never stops at the first problem: every stage pushes what it finds into
//! a `Diagnostics` list, and the command prints them all at the end. Every message
//! is written for a publicity worker: in Chinese, naming the file and line, and with
//! a hint that says how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::rules::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The `tongxin check` rule this problem belongs to, when it is one;
    /// `check` reports it under that rule.
    pub rule: Option<Rule>,
    /// The disk was full: a build that fills the disk says so once, not once
    /// per file it could not write.
    pub disk_full: bool,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            rule: None,
            disk_full: false,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Files this problem under a `check` rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rule = Some(rule);
        self
    }

    /// A file that could not be written or read: `what` and the reason, in
    /// Chinese. Marks a full disk as such.
    pub fn io(file: impl Into<PathBuf>, what: &str, e: &std::io::Error) -> Self {
        let mut d = Diagnostic::error(file, format!("{what}（{}）", io_reason(e)));
        d.disk_full = is_disk_full(e);
        d
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        write!(f, "{label}：{}", display_path(&self.file))?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " 第 {line} 行第 {column} 列")?,
            (Some(line), None) => write!(f, " 第 {line} 行")?,
            _ => {}
        }
        write!(f, "：{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  怎么改：{hint}")?;
        }
        Ok(())
    }
}

/// Paths are shown with forward slashes on every platform, as users see them in
/// their editor's file tree, and without the `\\?\` that Windows puts before
/// a full path it has resolved (`D:/网站/public`, not `\\?\D:\网站\public`).
pub fn display_path(path: &Path) -> String {
    let shown = path.to_string_lossy();
    let shown = match shown.strip_prefix(r"\\?\UNC\") {
        Some(share) => format!(r"\\{share}"),
        None => shown.strip_prefix(r"\\?\").unwrap_or(&shown).to_string(),
    };
    shown.replace('\\', "/")
}

/// A list that parallel stages can push into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, diagnostic: Diagnostic) {
        self.lock().push(diagnostic);
    }

    pub fn extend(&self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.lock().extend(diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        self.lock().iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// All diagnostics, errors first, then by file and line; the same problem
    /// reported by many renders of one template is kept once.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        items.sort_by(|a, b| {
            (a.severity, &a.file, a.line, a.column, &a.message)
                .cmp(&(b.severity, &b.file, b.line, b.column, &b.message))
        });
        items.dedup();
        items
    }

    /// As [`Diagnostics::into_sorted`], leaving the list empty.
    pub fn take_sorted(&self) -> Vec<Diagnostic> {
        let items = std::mem::take(&mut *self.lock());
        let list = Diagnostics {
            items: Mutex::new(items),
        };
        list.into_sorted()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Diagnostic>> {
        // A panic elsewhere must not hide the problems already found.
        self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// [`line_col`] of many offsets in one text, for a text with thousands of
/// problems or figures (each [`line_col`] reads the text from its start). The
/// line starts are found once, on first use; the column is counted from the
/// previous offset when it is on the same line and not before it.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last offset asked for, with its line start and column.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= at);
        let line_start = starts[line - 1];
        let (last_at, last_start, last_column) = self.last.get();
        let column = if last_start == line_start && last_at <= at {
            last_column + text[last_at..at].chars().count()
        } else {
            text[line_start..at].chars().count() + 1
        };
        self.last.set((at, line_start, column));
        (line, column)
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_len = word.chars().count();
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| {
            let longest = word_len.max(c.chars().count());
            *d <= 2.max(longest / 3) && *d < longest
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters (fine for short keys).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// What [`io_reason`] says when the disk is full.
pub const DISK_FULL: &str = "磁盘空间已满";

/// Whether a file-system error means the disk (or the user's quota) is full.
pub fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// A reason already written for the user, in Chinese, carried in an
/// `io::Error` (a deploy target's answer, say) so that [`io_reason`] shows it
/// as it is rather than by the error's kind.
#[derive(Debug)]
pub struct Reason(pub String);

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reason {}

/// An `io::Error` of `kind` whose reason [`io_reason`] shows as `text`.
pub fn reason(kind: std::io::ErrorKind, text: impl Into<String>) -> std::io::Error {
    std::io::Error::new(kind, Reason(text.into()))
}

/// A short Chinese reason for a file-system error.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    if let Some(Reason(text)) = e.get_ref().and_then(|inner| inner.downcast_ref::<Reason>()) {
        return text.clone();
    }
    match e.kind() {
        NotFound => "文件不存在".into(),
        PermissionDenied => "没有权限".into(),
        AlreadyExists => "文件已存在".into(),
        StorageFull | QuotaExceeded => DISK_FULL.into(),
        // The commonest other reasons, said in Chinese rather than in the
        // system's English.
        ReadOnlyFilesystem => "磁盘或文件夹是只读的".into(),
        ResourceBusy => "文件或文件夹正被其他程序使用".into(),
        NotADirectory => "路径中有一部分不是文件夹".into(),
        IsADirectory => "这是一个文件夹，不是文件".into(),
        InvalidFilename => "文件名无效或太长".into(),
        _ => format!("系统提示：{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_as_windows_users_see_them_too() {
        assert_eq!(
            display_path(Path::new(r"content\yaowen\会议.md")),
            "content/yaowen/会议.md"
        );
        assert_eq!(display_path(Path::new(r"\\?\D:\网站\public")), "D:/网站/public");
        assert_eq!(
            display_path(Path::new(r"\\?\UNC\服务器\共享\public")),
            "//服务器/共享/public"
        );
        assert_eq!(display_path(Path::new("/home/政协/网站")), "/home/政协/网站");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "标题\n日期：x";
        let offset = text.find('：').unwrap();
        assert_eq!(line_col(text, offset), (2, 3));
        assert_eq!(line_col(text, 0), (1, 1));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "标题\n\n日期：x a\n最后一行没有换行";
        let index = LineIndex::new(text);
        // Forwards, backwards, inside a character and past the end.
        let offsets: Vec<usize> = (0..=text.len() + 2)
            .chain((0..=text.len()).rev())
            .chain([4, 4, 1, 2])
            .collect();
        for offset in offsets {
            assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
        }
        assert_eq!(LineIndex::new("").line_col(3), (1, 1));
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["title", "base_url", "description"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("baseurl", keys), Some("base_url"));
        assert_eq!(did_you_mean("xyz", keys), None);
        assert_eq!(did_you_mean("网站名", ["网站名称", "主办单位"]), Some("网站名称"));
    }

    #[test]
    fn display_names_file_line_and_hint() {
        let d = Diagnostic::error("content/a.md", "缺少标题")
            .at_line(2)
            .hint("加上 title");
        assert_eq!(
            d.to_string(),
            "错误：content/a.md 第 2 行：缺少标题\n  怎么改：加上 title"
        );
    }
}
