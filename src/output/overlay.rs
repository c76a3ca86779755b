//! Incremental output where folders cannot be exchanged in one step
//! (Windows, macOS, some shared folders), so there is no standby folder (see
//! [`super::standby`]): the new output is made in a fresh staging folder
//! ([`Staging`]) that receives only the files this build wrote; every other
//! file of the current output is then brought over as the very same file
//! (a hard link; a copy keeping its time where links are impossible), and
//! the folder is put in place of the output.
//!
//! So a one-word edit renders one page, not every page, and upload tools
//! still see only the files whose bytes changed. Until the staging folder is
//! put in place the output is not touched: a failed or stopped build leaves
//! it as it was.

use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::sink::{self, Sink};
use super::standby::{self, FileId, Folders, Manifest};
use super::{MARKER, NextOutput, Staging};
use crate::diagnostics::Diagnostic;

/// A staging folder laid over the current output.
pub struct Overlay {
    staging: Staging,
    /// The output now, and what it holds (checked against the state).
    current: PathBuf,
    live: Manifest,
    /// Files of the output not to bring over: changed by someone else
    /// (sorted).
    untrusted: Vec<String>,
    /// Site paths written or removed by this build.
    written: Mutex<HashSet<String>>,
    removed: Mutex<HashSet<String>>,
    /// Files that differ from the output's (written anew or removed).
    changed: AtomicUsize,
}

impl Overlay {
    /// A new folder over the output `target`, which `folders` (from the
    /// state) says holds what the last build wrote; each file is checked
    /// against it. `None` when the output is not that folder at all.
    pub fn create(target: &Path, folders: Folders) -> io::Result<Option<Overlay>> {
        let Some(untrusted) = standby::untrusted(&super::resolved(target), &folders) else {
            return Ok(None);
        };
        let staging = Staging::create(target)?;
        let current = staging.target.clone();
        Ok(Some(Overlay {
            staging,
            current,
            live: folders.live,
            untrusted,
            written: Mutex::new(HashSet::new()),
            removed: Mutex::new(HashSet::new()),
            changed: AtomicUsize::new(0),
        }))
    }

    fn note_written(&self, path: &str, taken_over: bool) {
        lock(&self.written).insert(path.to_string());
        lock(&self.removed).remove(path);
        if !taken_over {
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl NextOutput for Overlay {
    fn untrusted(&self) -> &[String] {
        &self.untrusted
    }

    fn paths_below(&self, prefix: &str) -> Vec<String> {
        let written = lock(&self.written);
        let removed = lock(&self.removed);
        let kept = self.live.keys().filter(|p| !removed.contains(p.as_str()));
        let mut paths: Vec<String> = kept
            .chain(written.iter())
            .filter(|p| p.starts_with(prefix))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    fn changes(&self) -> usize {
        self.changed.load(Ordering::Relaxed)
    }

    /// Brings every file of the output that this build neither wrote nor
    /// removed into the new folder, then puts it in place of the output (see
    /// [`Staging::commit`]).
    fn commit(self) -> io::Result<(Folders, Option<PathBuf>)> {
        let written = std::mem::take(&mut *lock(&self.written));
        let removed = std::mem::take(&mut *lock(&self.removed));
        let rest: Vec<&String> = self
            .live
            .keys()
            .filter(|p| {
                p.as_str() != MARKER
                    && !written.contains(p.as_str())
                    && !removed.contains(p.as_str())
                    && self.untrusted.binary_search(*p).is_err()
            })
            .collect();
        let dir = self.staging.dir.clone();
        let copied = match carry_over(&self.current, &dir, &rest) {
            Ok(copied) => copied,
            Err(e) => {
                self.staging.abandon();
                return Err(e);
            }
        };
        let old = self.staging.commit()?;
        // A linked file is the very file the state knew; the others are new.
        let mut now: Manifest = rest
            .iter()
            .filter_map(|p| Some(((*p).clone(), *self.live.get(p.as_str())?)))
            .collect();
        let target = &self.current;
        let fresh: Vec<(String, FileId)> = written
            .par_iter()
            .chain(copied.into_par_iter())
            .chain(rayon::iter::once(&MARKER.to_string()))
            .filter_map(|p| {
                let meta = std::fs::symlink_metadata(target.join(p)).ok()?;
                meta.is_file().then(|| (p.clone(), FileId::of(&meta, None)))
            })
            .collect();
        now.extend(fresh);
        // A standby folder of an earlier build no longer matches.
        let _ = std::fs::remove_dir_all(standby::standby_dir(target));
        let folders = Folders {
            live_ino: standby::ino_of(target),
            live: now,
            ..Folders::default()
        };
        Ok((folders, old))
    }

    fn abandon(self) {
        self.staging.abandon();
    }
}

/// Brings the files `rest` of the output at `current` into the staging folder
/// `dir` (new, so nothing is at their names yet) as the same files; returns
/// those that had to be copied instead.
fn carry_over<'a>(current: &Path, dir: &Path, rest: &[&'a String]) -> io::Result<Vec<&'a String>> {
    // Each folder made once, a level at a time (parents first): a site has
    // nearly as many folders as pages.
    let mut levels: Vec<BTreeSet<&str>> = Vec::new();
    for path in rest {
        let mut folder = path.as_str();
        while let Some((parent, _)) = folder.rsplit_once('/') {
            let depth = parent.matches('/').count();
            if levels.len() <= depth {
                levels.resize_with(depth + 1, BTreeSet::new);
            }
            if !levels[depth].insert(parent) {
                break;
            }
            folder = parent;
        }
    }
    for level in &levels {
        level
            .par_iter()
            .try_for_each(|folder| match std::fs::create_dir(dir.join(folder)) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
                _ => Ok(()),
            })?;
    }
    rest.par_iter()
        .filter_map(|path| {
            let (from, to) = (current.join(path.as_str()), dir.join(path.as_str()));
            match std::fs::hard_link(&from, &to) {
                Ok(()) => None,
                Err(_) => Some(sink::copy_keeping_time(&from, &to).map(|()| *path)),
            }
        })
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sink for Overlay {
    fn dir(&self) -> &Path {
        &self.staging.dir
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let taken_over = self.staging.write_or_take_over(path, bytes)?;
        self.note_written(path, taken_over);
        Ok(())
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        let taken_over = self.staging.copy_in(src, path)?;
        self.note_written(path, taken_over);
        Ok(())
    }

    fn place(&self, from: &Path, path: &str) -> io::Result<()> {
        self.staging.place(from, path)?;
        // A photo is a link to its cached copy: unchanged when the output
        // held that very copy (a photo processed again is a new one).
        let same = self
            .live
            .get(path)
            .is_some_and(|id| std::fs::metadata(from).is_ok_and(|m| id.matches(&m)));
        self.note_written(path, same);
        Ok(())
    }

    fn remove(&self, path: &str) {
        sink::remove_below(&self.staging.dir, path);
        lock(&self.written).remove(path);
        if lock(&self.removed).insert(path.to_string()) && self.live.contains_key(path) {
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn write_error(&self, path: &str, e: &io::Error) -> Diagnostic {
        self.staging.write_error(&self.staging.dir.join(path), e)
    }

    fn discarded_on_failure(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A photo placed from the cached copy the output already holds is no
    /// change; one placed from a copy made again is.
    #[test]
    fn a_photo_counts_as_changed_only_when_its_cached_copy_is_new() {
        let dir = tempfile::tempdir().unwrap();
        let (out, cache) = (dir.path().join("public"), dir.path().join("cache"));
        fs::create_dir_all(out.join("a")).unwrap();
        fs::create_dir_all(&cache).unwrap();
        fs::write(cache.join("old.jpg"), "旧照片").unwrap();
        fs::hard_link(cache.join("old.jpg"), out.join("a/photo.jpg")).unwrap();
        fs::write(out.join("index.html"), "首页").unwrap();
        let folders = || Folders {
            live_ino: standby::ino_of(&out),
            live: standby::manifest_of(&out),
            ..Folders::default()
        };

        let overlay = Overlay::create(&out, folders()).unwrap().unwrap();
        overlay.place(&cache.join("old.jpg"), "a/photo.jpg").unwrap();
        assert_eq!(overlay.changes(), 0);
        overlay.abandon();

        fs::write(cache.join("new.jpg"), "重新处理的照片").unwrap();
        let overlay = Overlay::create(&out, folders()).unwrap().unwrap();
        overlay.place(&cache.join("new.jpg"), "a/photo.jpg").unwrap();
        assert_eq!(overlay.changes(), 1);
        let (_, old) = overlay.commit().unwrap();
        assert_eq!(old, None);
        assert_eq!(fs::read_to_string(out.join("a/photo.jpg")).unwrap(), "重新处理的照片");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "首页");
    }
}
