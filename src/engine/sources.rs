//! The load stage's memory: every Markdown file of `content/` as last read,
//! with the stamp (modification time and size) it had then, and the other
//! files beside them. A file whose stamp did not change is not read again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{self, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// A file's identity on disk: when a save changes neither, it is not read again.
pub type Stamp = (Option<SystemTime>, u64);

pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok(), meta.len()))
}

/// One Markdown source as last read.
pub struct Source {
    pub stamp: Option<Stamp>,
    /// `None` when it could not be read at all (its problems say why).
    pub file: Option<SourceFile>,
    pub problems: Vec<Diagnostic>,
}

#[derive(Default)]
pub struct Sources {
    /// By path below `content/`, in name order.
    pub files: BTreeMap<String, Source>,
    /// The other files below `content/` (photos, attachments).
    pub assets: Vec<String>,
    /// Their stamps when last listed: a photo saved again under its name is
    /// processed again.
    pub asset_stamps: HashMap<String, Option<Stamp>>,
    /// The files of the theme's and the site's `static/`, with their stamps.
    pub statics: std::collections::BTreeMap<std::path::PathBuf, Option<Stamp>>,
}

impl Sources {
    /// Drops every text read (see `Engine::texts_once`).
    pub fn forget_texts(&mut self) {
        for file in self.files.values_mut().filter_map(|s| s.file.as_mut()) {
            file.body = std::sync::Arc::from("");
        }
    }

    pub fn clear(&mut self) {
        self.files.clear();
        self.assets.clear();
        self.asset_stamps.clear();
    }

    /// Lists the theme's and the site's `static/` with stamps; whether
    /// anything there changed since the last listing.
    pub fn read_statics(&mut self, root: &Path, theme: &str) -> bool {
        let mut now = std::collections::BTreeMap::new();
        for dir in [root.join("themes").join(theme).join("static"), root.join("static")] {
            for (src, _) in crate::output::static_files::list_dir(&dir) {
                let s = stamp(&src);
                now.insert(src, s);
            }
        }
        let changed = now != self.statics;
        self.statics = now;
        changed
    }

    /// The soonest moment after `now` at which a source's date comes due:
    /// a post published for later appears then, a 专题's window opens or
    /// closes (read in the site's time zone `tz`).
    pub fn next_due(&self, now: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
        self.read()
            .flat_map(|f| {
                let windows = if f.is_index() {
                    crate::model::topics::window_moments(&f.meta, tz)
                } else {
                    Vec::new()
                };
                f.meta
                    .date
                    .as_ref()
                    .map(jiff::Zoned::timestamp)
                    .into_iter()
                    .chain(windows)
            })
            .filter(|t| *t > now)
            .min()
    }

    /// Every problem met while reading.
    pub fn problems(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.values().flat_map(|s| s.problems.iter())
    }

    /// The files read, in name order.
    pub fn read(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.values().filter_map(|s| s.file.as_ref())
    }

    /// Reads again just the files a watcher named (below `content/`). `None`
    /// when that is not enough: a folder or another kind of file came or went.
    /// Returns the Markdown paths read again; an empty path stands for a file
    /// beside the Markdown that was saved again.
    pub fn read_named(&mut self, root: &Path, names: &[String], settings: &SiteConfig) -> Option<Vec<String>> {
        let dir = root.join(content::CONTENT_DIR);
        let mut changed = Vec::new();
        let mut seen = HashSet::new();
        for rel in names {
            if !seen.insert(rel) {
                continue;
            }
            let path = dir.join(rel);
            if path.is_dir() {
                return None;
            }
            if !content::is_markdown(rel) {
                // A file added or removed changes the list of files; a photo
                // saved again is processed again, which needs the model rebuilt.
                if path.is_file() != self.assets.contains(rel) {
                    return None;
                }
                changed.push(String::new());
                continue;
            }
            let s = stamp(&path);
            match (s, self.files.get(rel)) {
                (None, None) => {
                    // Gone, or never a file: a folder with files may have gone.
                    let prefix = format!("{rel}/");
                    if self.files.keys().any(|k| k.starts_with(&prefix)) {
                        return None;
                    }
                }
                (None, Some(_)) => {
                    self.files.remove(rel);
                    changed.push(rel.clone());
                }
                (Some(s), old) => {
                    if old.is_some_and(|old| old.stamp == Some(s)) {
                        continue;
                    }
                    let (file, problems) = content::read_file(root, rel.clone(), &settings.tz);
                    self.files.insert(
                        rel.clone(),
                        Source {
                            stamp: Some(s),
                            file,
                            problems,
                        },
                    );
                    changed.push(rel.clone());
                }
            }
        }
        Some(changed)
    }

    /// Lists `content/` and reads the Markdown files that are new or changed
    /// since they were last read. Returns the paths read (below `content/`);
    /// an empty path stands for files beside the Markdown that came or went.
    pub fn read_all(&mut self, root: &Path, settings: &SiteConfig, diagnostics: &Diagnostics) -> Vec<String> {
        let Some(listing) = content::list(root, diagnostics) else {
            self.clear();
            return vec![String::new()];
        };
        let stamps: Vec<(String, Option<Stamp>)> = listing
            .markdown
            .into_par_iter()
            .map(|rel| {
                let s = stamp(&root.join(content::CONTENT_DIR).join(&rel));
                (rel, s)
            })
            .collect();
        let listed: HashSet<&str> = stamps.iter().map(|(rel, _)| rel.as_str()).collect();
        let mut changed: Vec<String> = self
            .files
            .keys()
            .filter(|rel| !listed.contains(rel.as_str()))
            .cloned()
            .collect();
        for rel in &changed {
            self.files.remove(rel);
        }
        let to_read: Vec<(String, Option<Stamp>)> = stamps
            .into_iter()
            .filter(|(rel, s)| self.files.get(rel).is_none_or(|old| old.stamp != *s || s.is_none()))
            .collect();
        let read: Vec<(String, Source)> = to_read
            .into_par_iter()
            .map(|(rel, stamp)| {
                let (file, problems) = content::read_file(root, rel.clone(), &settings.tz);
                (rel, Source { stamp, file, problems })
            })
            .collect();
        changed.extend(read.iter().map(|(rel, _)| rel.clone()));
        if self.files.is_empty() {
            // Built in one go, with full nodes: inserted one by one, the
            // nodes of ten thousand sources were left about half empty
            // (~5 MB, held for the whole build).
            self.files = read.into_iter().collect();
        } else {
            self.files.extend(read);
        }
        let dir = root.join(content::CONTENT_DIR);
        let asset_stamps: HashMap<String, Option<Stamp>> = listing
            .assets
            .par_iter()
            .map(|rel| (rel.clone(), stamp(&dir.join(rel))))
            .collect();
        if self.assets != listing.assets || self.asset_stamps != asset_stamps {
            changed.push(String::new());
            self.assets = listing.assets;
            self.asset_stamps = asset_stamps;
        }
        changed
    }
}
