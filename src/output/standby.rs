//! Incremental output: the next site is made in a standby folder beside the
//! output, which then changes places with the output in one atomic step.
//!
//! The standby folder is the output of the build before: all but the files
//! that build changed are the very same files as the output's (hard links),
//! so bringing it level with the output costs one link per file changed then,
//! not one per file of the site. Into it go the files whose bytes changed;
//! every other file of the new output is the same file as before and keeps
//! its modification time, so upload tools (rsync, `tongxin deploy`) see only
//! real changes. Then the two folders are exchanged (`renameat2` with
//! `RENAME_EXCHANGE`): a build stopped at any moment, even by `kill -9`, leaves
//! the old output or the new one, never a mix.
//!
//! What each folder holds is kept in `.tongxin/build/` ([`Manifest`]); every
//! file is checked against it by its size, time and inode before it is
//! trusted. Before a file of the standby folder is touched, its path is noted
//! in a journal; a build that did not finish leaves the journal, and the next
//! one brings those paths level again. A build stopped after the exchange but
//! before it saved what the folders hold leaves an output the state does not
//! describe: the next build starts from nothing.

// Where folders cannot be exchanged in one step (Windows, macOS, some shared
// folders) there is no standby folder: the state's types, `untrusted` and
// the folder names serve `super::overlay`, which makes the next output in a
// new folder and brings the unchanged files over from the old one.
#![cfg_attr(not(unix), allow(unused_imports, dead_code))]

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::sink::{Sink, remove_below, replace_with, temp_name};
use super::{MARKER, MARKER_TEXT};
use crate::diagnostics::{Diagnostic, display_path};

/// How a file of an output folder is known: by what the file system says of
/// it, and the hash of its bytes when Tongxin wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileId {
    pub ino: u64,
    pub len: u64,
    pub mtime: (i64, i64),
    /// A hash of the bytes; `None` for files placed by linking (photos).
    pub hash: Option<u64>,
}

impl FileId {
    pub(crate) fn of(meta: &fs::Metadata, hash: Option<u64>) -> Self {
        FileId {
            ino: ino(meta),
            len: meta.len(),
            mtime: mtime(meta).unwrap_or((0, -1)),
            hash,
        }
    }

    /// Whether the file on disk is still this one. Without inodes (Windows)
    /// the size and the time to the 100 ns must both be the same.
    pub(crate) fn matches(&self, meta: &fs::Metadata) -> bool {
        self.ino == ino(meta) && self.len == meta.len() && mtime(meta) == Some(self.mtime)
    }
}

/// A file's inode (0 where there are none).
fn ino(meta: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        meta.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// A file's modification time in seconds and nanoseconds; `None` where the
/// system cannot tell (such a file is never trusted).
fn mtime(meta: &fs::Metadata) -> Option<(i64, i64)> {
    #[cfg(unix)]
    {
        Some((meta.mtime(), meta.mtime_nsec()))
    }
    #[cfg(not(unix))]
    {
        let since = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some((i64::try_from(since.as_secs()).ok()?, i64::from(since.subsec_nanos())))
    }
}

/// One file of a manifest: its path and what it was when written.
type Entry = (String, FileId);

/// Every file of an output folder, by path below it.
pub type Manifest = BTreeMap<String, FileId>;

/// What the output and standby folders hold, kept between builds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Folders {
    /// The inode of the output folder and what it holds.
    pub live_ino: u64,
    pub live: Manifest,
    /// What the standby folder (the output before) holds; each file is
    /// checked against it before it is trusted.
    pub standby: Manifest,
}

/// Checks the output against what `folders` says it holds: the files that
/// were changed or removed by someone else since. `None` when the output is
/// not the folder `folders` describes at all.
pub fn untrusted(target: &Path, folders: &Folders) -> Option<Vec<String>> {
    // (The other folder after a stopped build: see `Standby::open`.)
    if ino(&fs::metadata(target).ok()?) != folders.live_ino {
        return None;
    }
    let mut bad: Vec<String> = folders
        .live
        .par_iter()
        .filter(|(path, id)| !fs::symlink_metadata(target.join(path)).is_ok_and(|m| id.matches(&m)))
        .map(|(path, _)| path.clone())
        .collect();
    bad.sort();
    Some(bad)
}

/// The standby folder of an output.
pub fn standby_dir(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.tongxin-standby"))
}

/// The journal of paths touched in the standby folder.
fn journal_path(state: &Path) -> PathBuf {
    state.with_extension("journal")
}

/// A standby folder being brought up to date.
#[cfg(unix)]
pub struct Standby {
    target: PathBuf,
    dir: PathBuf,
    /// What the output holds now (checked).
    live: Manifest,
    /// What the standby folder will hold.
    now: Mutex<Manifest>,
    journal: Mutex<File>,
    journal_path: PathBuf,
    /// How many files differ from the output's.
    changed: std::sync::atomic::AtomicUsize,
    /// Files the output should hold but that were changed or removed by
    /// someone else: they must be written again.
    untrusted: Vec<String>,
}

#[cfg(unix)]
impl Standby {
    /// Prepares the standby folder of `target` (its output folder, with links
    /// resolved) from the kept `folders`: checks what the output holds, and
    /// brings the standby folder level with it. `state` names the engine's
    /// state file, beside which the journal is kept. `None` when the output
    /// is not one this incremental way can start from (never built, or
    /// changed by hand beyond checking): the build then writes a fresh folder.
    pub fn open(target: &Path, folders: Option<Folders>, state: &Path) -> io::Result<Option<Standby>> {
        let Some(folders) = folders else { return Ok(None) };
        let Ok(target_meta) = fs::metadata(target) else {
            return Ok(None);
        };
        let dir = standby_dir(target);
        let journal_path = journal_path(state);
        // Only the output the state describes can be gone on from. After a
        // build stopped between the exchange and saving its state, the output
        // is the other folder, holding what that build wrote, which the state
        // does not know: the next build starts from nothing.
        if target_meta.ino() != folders.live_ino {
            return Ok(None);
        }
        let (live, mut standby) = (folders.live, folders.standby);
        // The output as it is: a file changed or removed by hand is not trusted.
        let (live, untrusted): (Vec<Entry>, Vec<Entry>) = live
            .into_par_iter()
            .partition(|(path, id)| fs::symlink_metadata(target.join(path)).is_ok_and(|m| id.matches(&m)));
        let live: Manifest = live.into_iter().collect();
        let untrusted: Vec<String> = untrusted.into_iter().map(|(p, _)| p).collect();
        // Paths a build did not finish touching in the standby folder.
        if let Ok(text) = fs::read_to_string(&journal_path) {
            for path in text.lines() {
                standby.remove(path);
                // A file being written when the build stopped.
                let _ = fs::remove_file(temp_name(&dir.join(path)));
                if !live.contains_key(path) {
                    remove_below(&dir, path);
                }
            }
        }
        // A standby folder whose files are not known is made again from
        // nothing.
        let standby_ok = fs::metadata(&dir).is_ok_and(|m| m.is_dir());
        if standby_ok && standby.is_empty() {
            fs::remove_dir_all(&dir)?;
        }
        if !standby_ok || standby.is_empty() {
            fs::create_dir_all(&dir)?;
            standby.clear();
        }
        let journal = File::create(&journal_path)?;
        let this = Standby {
            target: target.to_path_buf(),
            dir,
            live,
            now: Mutex::new(Manifest::new()),
            journal: Mutex::new(journal),
            journal_path,
            changed: std::sync::atomic::AtomicUsize::new(0),
            untrusted,
        };
        this.level(standby)?;
        Ok(Some(this))
    }

    /// Makes the standby folder hold what the output holds: each file that
    /// is not already the output's own is linked from it; files the output
    /// does not have are removed.
    fn level(&self, standby: Manifest) -> io::Result<()> {
        let stale: Vec<&String> = standby
            .par_iter()
            .filter(|(path, id)| {
                self.live.get(*path).is_none_or(|live| live.ino != id.ino)
                    || fs::symlink_metadata(self.dir.join(path)).map_or(true, |m| !id.matches(&m))
            })
            .map(|(path, _)| path)
            .collect();
        self.note_all(stale.iter().map(|p| p.as_str()))?;
        for path in &stale {
            remove_below(&self.dir, path);
        }
        let stale_set: HashSet<&String> = stale.iter().copied().collect();
        let have: HashSet<&String> = standby.keys().filter(|p| !stale_set.contains(p)).collect();
        let missing: Vec<(&String, &FileId)> = self.live.iter().filter(|(p, _)| !have.contains(p)).collect();
        self.note_all(missing.iter().map(|(p, _)| p.as_str()))?;
        missing
            .par_iter()
            .try_for_each(|(path, _)| link_into(&self.target.join(path), &self.dir.join(path)))?;
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        now.clone_from(&self.live);
        if fs::read(self.dir.join(MARKER)).map_or(true, |b| b != MARKER_TEXT.as_bytes()) {
            fs::write(self.dir.join(MARKER), MARKER_TEXT)?;
        }
        Ok(())
    }

    /// Notes `path` in the journal before it is touched.
    fn note(&self, path: &str) -> io::Result<()> {
        self.note_all(std::iter::once(path))
    }

    /// Notes `paths` in the journal before any is touched, in one write: the
    /// first build after a full one links every file (12,500 for 10,000
    /// posts).
    fn note_all<'p>(&self, paths: impl Iterator<Item = &'p str>) -> io::Result<()> {
        let mut lines = String::new();
        for path in paths {
            lines.push_str(path);
            lines.push('\n');
        }
        if lines.is_empty() {
            return Ok(());
        }
        let mut journal = self.journal.lock().unwrap_or_else(|e| e.into_inner());
        journal.write_all(lines.as_bytes())
    }

    fn record(&self, path: &str, hash: Option<u64>) -> io::Result<()> {
        let meta = fs::symlink_metadata(self.dir.join(path))?;
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        now.insert(path.to_string(), FileId::of(&meta, hash));
        self.changed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(unix)]
impl super::NextOutput for Standby {
    fn untrusted(&self) -> &[String] {
        &self.untrusted
    }

    fn paths_below(&self, prefix: &str) -> Vec<String> {
        let now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        now.keys().filter(|p| p.starts_with(prefix)).cloned().collect()
    }

    /// Files written, replaced or removed.
    fn changes(&self) -> usize {
        self.changed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Exchanges the standby folder with the output in one step; the output
    /// before is the next build's standby folder.
    fn commit(self) -> io::Result<(Folders, Option<PathBuf>)> {
        let changes = self.changes();
        let live_before = self.live;
        let now = self.now.into_inner().unwrap_or_else(|e| e.into_inner());
        if changes == 0 {
            let _ = fs::remove_file(&self.journal_path);
        } else {
            super::exchange_folders(&self.dir, &self.target)?;
        }
        folders_of(&self.target, now, live_before).map(|f| (f, None))
    }

    /// A failed build leaves nothing beside the output; the next build makes
    /// the standby folder again from the output.
    fn abandon(self) {
        drop(self.journal);
        let _ = super::remove_tree(&self.dir);
        let _ = fs::remove_file(&self.journal_path);
    }
}

/// Whether a build that did not finish left its journal beside `state`: the
/// next build must go through the standby folder to mend what it touched,
/// even when nothing else changed.
pub fn unfinished(state: &Path) -> bool {
    journal_path(state).exists()
}

/// The journal is done with once what the folders hold is kept.
pub fn finished(state: &Path) {
    let _ = fs::remove_file(journal_path(state));
}

#[cfg(unix)]
fn folders_of(live: &Path, live_files: Manifest, standby_files: Manifest) -> io::Result<Folders> {
    Ok(Folders {
        live_ino: fs::metadata(live)?.ino(),
        live: live_files,
        standby: standby_files,
    })
}

/// Links `from` to `to` (replacing it), creating its folders; a copy with
/// the same modification time where links are not possible. Where no file
/// is yet, one link is all (as for every file of the standby folder made
/// whole again by the first build after a full one, ~12,500 for 10,000
/// posts); a file that is there is replaced through a temporary link.
fn link_into(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let temp = temp_name(to);
    super::sink::link_or_copy(from, &temp)?;
    fs::rename(&temp, to)?;
    // Renaming a link over another link to the same file does nothing and
    // leaves the temporary link: it must not stay, or a later write through
    // it would change the output's file.
    let _ = fs::remove_file(&temp);
    Ok(())
}

/// Every file below `dir` with what the file system says of it, for the
/// output a full build just wrote (no hashes: a later build compares bytes).
pub fn manifest_of(dir: &Path) -> Manifest {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_string_lossy().replace('\\', "/");
            let meta = e.metadata().ok()?;
            Some((rel, FileId::of(&meta, None)))
        })
        .collect()
}

/// The inode of a folder (0 where there are none).
pub fn ino_of(dir: &Path) -> u64 {
    fs::metadata(dir).map_or(0, |m| ino(&m))
}

#[cfg(unix)]
impl Sink for Standby {
    fn dir(&self) -> &Path {
        &self.dir
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let hash = crate::output::hash_bytes(bytes);
        let same = match self.live.get(path) {
            Some(id) if id.len != bytes.len() as u64 => false,
            Some(FileId { hash: Some(h), .. }) => *h == hash,
            // Written by a full build, which keeps no hashes: compare the bytes.
            Some(_) => fs::read(self.target.join(path)).is_ok_and(|old| old == bytes),
            None => false,
        };
        if same {
            // The standby folder already has the output's very file.
            return Ok(());
        }
        self.note(path)?;
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        replace_with(&file, bytes)?;
        self.record(path, Some(hash))
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        let bytes = fs::read(src)?;
        self.write(path, &bytes)
    }

    fn place(&self, from: &Path, path: &str) -> io::Result<()> {
        // A photo is placed from its cached copy; the same cached copy (by
        // inode and size) need not be placed again. Across file systems it is
        // a copy, known by the token kept in its hash.
        let source = fs::metadata(from)?;
        let token = crate::output::hash_bytes(format!("{}:{}", source.ino(), source.len()).as_bytes());
        if let Some(id) = self.live.get(path)
            && (id.ino == source.ino() || id.hash == Some(token))
        {
            return Ok(());
        }
        self.note(path)?;
        link_into(from, &self.dir.join(path))?;
        self.record(path, Some(token))
    }

    fn remove(&self, path: &str) {
        if self.note(path).is_err() {
            return;
        }
        remove_below(&self.dir, path);
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        if now.remove(path).is_some() {
            self.changed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn write_error(&self, path: &str, e: &io::Error) -> Diagnostic {
        Diagnostic::io(display_path(&self.target.join(path)), "无法写入输出文件", e)
            .hint("检查磁盘空间和输出文件夹的写入权限")
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Linking a file over a link to the same file leaves no temporary link
    /// behind (rename does nothing in that case), which a later write would
    /// otherwise go through into the live output.
    #[test]
    fn linking_over_the_same_file_leaves_no_temporary_link() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.html");
        fs::write(&live, "旧网站").unwrap();
        let standby = dir.path().join("standby.html");
        fs::hard_link(&live, &standby).unwrap();
        link_into(&live, &standby).unwrap();
        assert!(!temp_name(&standby).exists());
        assert_eq!(fs::metadata(&live).unwrap().nlink(), 2);
        replace_with(&standby, "新网站".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&live).unwrap(), "旧网站");
    }

    /// A new link is made in a folder that is not there yet, and one made
    /// where a file unexpectedly is replaces it.
    #[test]
    fn a_link_makes_its_folders_and_replaces_a_stray_file() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.html");
        fs::write(&live, "网站").unwrap();
        let new = dir.path().join("standby/yaowen/a/index.html");
        link_into(&live, &new).unwrap();
        assert_eq!(fs::metadata(&live).unwrap().ino(), fs::metadata(&new).unwrap().ino());
        let stray = dir.path().join("standby/stray.html");
        fs::write(&stray, "别的").unwrap();
        link_into(&live, &stray).unwrap();
        assert_eq!(fs::metadata(&live).unwrap().ino(), fs::metadata(&stray).unwrap().ino());
        assert!(!temp_name(&stray).exists());
    }

    /// A build finds nothing to do only when every output file is the one it
    /// wrote: a file rewritten by someone else with the same size but a new
    /// time, or changed in size, is not trusted (on Windows size and time are
    /// all there is to go by).
    #[test]
    fn the_output_is_trusted_only_while_its_files_are_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("a")).unwrap();
        fs::write(out.join("index.html"), "首页").unwrap();
        fs::write(out.join("a/index.html"), "甲").unwrap();
        let folders = Folders {
            live_ino: ino_of(&out),
            live: manifest_of(&out),
            ..Folders::default()
        };
        assert_eq!(folders.live.len(), 2);
        assert_eq!(untrusted(&out, &folders), Some(Vec::new()));

        let file = fs::File::options().write(true).open(out.join("a/index.html")).unwrap();
        let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        file.set_modified(earlier).unwrap();
        drop(file);
        assert_eq!(untrusted(&out, &folders), Some(vec!["a/index.html".to_string()]));

        fs::write(out.join("index.html"), "新首页").unwrap();
        fs::remove_file(out.join("a/index.html")).unwrap();
        assert_eq!(
            untrusted(&out, &folders),
            Some(vec!["a/index.html".to_string(), "index.html".to_string()])
        );
    }
}
