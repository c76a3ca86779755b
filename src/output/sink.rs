//! Where the files of a build go. The engine hands every file it makes to a
//! [`Sink`] and never touches the file system itself:
//!
//! - [`Staging`](super::Staging): a fresh folder beside the output, swapped in
//!   only when the whole build succeeded (`tongxin build` from nothing);
//! - [`InPlace`]: a folder updated file by file, each file written beside its
//!   place and renamed over it, so a reader never sees half a file
//!   (`tongxin serve`'s preview folder, and an incremental build's standby tree).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, display_path};

pub trait Sink: Sync {
    /// The folder the files land in. The image stage places its cached copies
    /// here by linking (see `output::images::cache`).
    fn dir(&self) -> &Path;

    /// Writes a file at a site path (`yaowen/a/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Copies a source file to a site path.
    fn copy(&self, src: &Path, path: &str) -> io::Result<()>;

    /// Puts a copy of `from` (a photo in the cache) at a site path: a hard
    /// link where the file system allows, else a copy.
    fn place(&self, from: &Path, path: &str) -> io::Result<()> {
        crate::output::images::cache::place(from, &self.dir().join(path))
    }

    /// Removes a file the site no longer has, and its folders once empty.
    fn remove(&self, path: &str);

    /// The error for a file that could not be written, named as the user
    /// will find it.
    fn write_error(&self, path: &str, e: &io::Error) -> Diagnostic;

    /// Whether a failed update throws the whole folder away (a staging
    /// folder), so that each page may be written as soon as it is rendered.
    /// Otherwise the pages of an update are all rendered before any is
    /// written, so that a failed update writes none.
    fn discarded_on_failure(&self) -> bool {
        false
    }
}

/// The file a page is written to: `yaowen/a/` → `yaowen/a/index.html`.
pub fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// A folder updated in place, one whole file at a time.
pub struct InPlace {
    dir: PathBuf,
    /// How the folder is named in messages.
    label: &'static str,
}

impl InPlace {
    pub fn new(dir: &Path, label: &'static str) -> Self {
        InPlace {
            dir: dir.to_path_buf(),
            label,
        }
    }
}

impl Sink for InPlace {
    fn dir(&self) -> &Path {
        &self.dir
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        replace_with(&file, bytes)
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        replace_with(&file, &fs::read(src)?)
    }

    fn remove(&self, path: &str) {
        remove_below(&self.dir, path);
    }

    fn write_error(&self, path: &str, e: &io::Error) -> Diagnostic {
        Diagnostic::io(
            display_path(&self.dir.join(path)),
            &format!("无法写入{}", self.label),
            e,
        )
        .hint("检查磁盘空间和文件夹的写入权限")
    }
}

/// Removes `dir/path` and the folders above it that it leaves empty, up to `dir`.
pub fn remove_below(dir: &Path, path: &str) {
    let file = dir.join(path);
    let _ = fs::remove_file(&file);
    let mut parent = file.parent();
    while let Some(d) = parent {
        if d == dir || fs::remove_dir(d).is_err() {
            break;
        }
        parent = d.parent();
    }
}

/// Replaces `file` with `bytes` in one step: written to a new file beside it,
/// then renamed over it. The file written is always a new one: a leftover of
/// the same name may be a hard link to a file of the live output (a build
/// stopped while linking), and writing through it would change that file.
pub fn replace_with(file: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let temp = temp_name(file);
    let _ = fs::remove_file(&temp);
    let mut out = fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
    out.write_all(bytes)?;
    drop(out);
    fs::rename(&temp, file)
}

/// Puts `from` at `to` as the same file (a hard link) or, where links are not
/// possible, as a copy that keeps its modification time, so upload tools that
/// go by time see an unchanged file as unchanged. What was at `to` is
/// unlinked first, never written through (it may be a link to a file of the
/// live output); after an error nothing is left at `to`.
pub fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    match fs::remove_file(to) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    copy_keeping_time(from, to)
}

/// Copies `from` to a new file `to` with `from`'s modification time; after an
/// error nothing is left at `to`.
pub fn copy_keeping_time(from: &Path, to: &Path) -> io::Result<()> {
    let copied = fs::copy(from, to).and_then(|_| {
        let time = fs::metadata(from)?.modified()?;
        fs::File::options().write(true).open(to)?.set_modified(time)
    });
    if copied.is_err() {
        let _ = fs::remove_file(to);
    }
    copied
}

/// Where a file is written before it is renamed into place: hidden, so that
/// a watcher or a web server passes over it.
pub fn temp_name(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.tongxin-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linking over a file that is itself a link to another file replaces it
    /// and leaves the other file as it was.
    #[test]
    fn linking_replaces_what_is_there_without_writing_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let (live, placed, new) = (
            dir.path().join("live"),
            dir.path().join("placed"),
            dir.path().join("new"),
        );
        fs::write(&live, "旧").unwrap();
        fs::hard_link(&live, &placed).unwrap();
        fs::write(&new, "新").unwrap();
        link_or_copy(&new, &placed).unwrap();
        assert_eq!(fs::read_to_string(&placed).unwrap(), "新");
        assert_eq!(fs::read_to_string(&live).unwrap(), "旧");
    }

    /// Where links are not possible the copy keeps the time of what it
    /// copies, and a failed copy leaves nothing behind.
    #[test]
    fn a_copy_keeps_the_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        fs::write(&from, "委员风采").unwrap();
        let then = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        fs::File::options()
            .write(true)
            .open(&from)
            .unwrap()
            .set_modified(then)
            .unwrap();
        copy_keeping_time(&from, &to).unwrap();
        assert_eq!(fs::read_to_string(&to).unwrap(), "委员风采");
        assert_eq!(fs::metadata(&to).unwrap().modified().unwrap(), then);
        assert!(copy_keeping_time(&dir.path().join("missing"), &dir.path().join("other")).is_err());
        assert!(!dir.path().join("other").exists());
    }

    /// A build stopped while linking leaves a temporary name that is a
    /// hard link to a file of the live output: writing must not go through it.
    #[test]
    fn a_leftover_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.html");
        fs::write(&live, "旧网站").unwrap();
        let file = dir.path().join("standby.html");
        fs::hard_link(&live, temp_name(&file)).unwrap();
        replace_with(&file, "新网站".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&live).unwrap(), "旧网站");
        assert_eq!(fs::read_to_string(&file).unwrap(), "新网站");
        assert!(!temp_name(&file).exists());
    }

    #[test]
    fn in_place_writes_whole_files_and_tidies_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let sink = InPlace::new(dir.path(), "预览文件夹");
        sink.write("yaowen/a/index.html", "甲".as_bytes()).unwrap();
        sink.write("yaowen/a/index.html", "乙".as_bytes()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("yaowen/a/index.html")).unwrap(),
            "乙"
        );
        let names: Vec<_> = fs::read_dir(dir.path().join("yaowen/a")).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
        sink.remove("yaowen/a/index.html");
        assert!(!dir.path().join("yaowen").exists(), "empty folders go too");
        assert!(dir.path().exists());
        assert_eq!(page_file("yaowen/a/"), "yaowen/a/index.html");
        assert_eq!(page_file(""), "index.html");
        assert_eq!(page_file("404.html"), "404.html");
    }
}
