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
use super::standby::{FileId, Manifest};
use super::{MARKER, Staging};
use crate::diagnostics::Diagnostic;

/// A staging folder laid over the current output.
pub struct Overlay {
    staging: Staging,
    /// The output now, and what it holds (checked against the state).
    current: PathBuf,
    live: Manifest,
    /// Files of the output not to bring over: changed by someone else.
    untrusted: HashSet<String>,
    /// Site paths written or removed by this build.
    written: Mutex<HashSet<String>>,
    removed: Mutex<HashSet<String>>,
    /// Files that differ from the output's (written anew or removed).
    changed: AtomicUsize,
}

impl Overlay {
    /// A staging folder for `target`, whose files are `live` (as the state
    /// says, and checked) but for `untrusted` ones.
    pub fn create(target: &Path, live: Manifest, untrusted: &[String]) -> io::Result<Overlay> {
        let staging = Staging::create(target)?;
        let current = staging.target.clone();
        Ok(Overlay {
            staging,
            current,
            live,
            untrusted: untrusted.iter().cloned().collect(),
            written: Mutex::new(HashSet::new()),
            removed: Mutex::new(HashSet::new()),
            changed: AtomicUsize::new(0),
        })
    }

    fn note_written(&self, path: &str, taken_over: bool) {
        lock(&self.written).insert(path.to_string());
        lock(&self.removed).remove(path);
        if !taken_over {
            self.changed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Removes every file below `folder` of the output but those in `keep`
    /// (the files of a search index made again).
    pub fn remove_others(&self, folder: &str, keep: &[String]) {
        let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
        let prefix = format!("{}/", folder.trim_end_matches('/'));
        let gone: Vec<&String> = self
            .live
            .keys()
            .filter(|p| p.starts_with(&prefix) && !keep.contains(p.as_str()))
            .collect();
        for path in gone {
            self.remove(path);
        }
    }

    /// How many files of the new output differ from the current one's.
    pub fn changes(&self) -> usize {
        self.changed.load(Ordering::Relaxed)
    }

    /// Brings every file of the current output that this build neither wrote
    /// nor removed into the staging folder, then puts it in place of the
    /// output (see [`Staging::commit`]). On an error the output is untouched.
    /// Returns the old output's folder if it could not be deleted, and what
    /// the output holds now.
    pub fn commit(self) -> io::Result<(Option<PathBuf>, Manifest)> {
        let written = std::mem::take(&mut *lock(&self.written));
        let removed = std::mem::take(&mut *lock(&self.removed));
        let rest: Vec<&String> = self
            .live
            .keys()
            .filter(|p| {
                p.as_str() != MARKER
                    && !written.contains(p.as_str())
                    && !removed.contains(p.as_str())
                    && !self.untrusted.contains(p.as_str())
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
        Ok((old, now))
    }

    /// Throws the staging folder away; the output is untouched.
    pub fn abandon(self) {
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
                Err(_) => Some(sink::link_or_copy(&from, &to).map(|()| *path)),
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
        // A photo is a link to its cached copy, as it was in the output.
        self.note_written(path, self.live.contains_key(path));
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
