//! The render and write stages, and their memory of what was written: every
//! page with the fingerprint of the data it was rendered from and the pages it
//! shows, the generated files (feeds, sitemap) by the hash of their text, and
//! the files copied as they are with the stamp their source had. The next
//! update renders and writes only what differs from this.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Tera;

use super::Stopwatch;
use super::sources::{Stamp, stamp};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::model::Site;
use crate::output::hash_bytes;
use crate::output::plan::generated_files;
use crate::output::sink::{Sink, page_file};
use crate::output::static_files::StaticFile;
use crate::render::digest::Digest;
use crate::render::templates::{self, Origins};
use crate::render::values::Values;
use crate::render::{self, PageJob, Prepared};

/// What the last successful update wrote.
#[derive(Default)]
pub struct Written {
    /// Every page written: site path → the fingerprint of its data.
    pub pages: HashMap<String, Digest>,
    /// Every page of the site in job order, and for each page of
    /// `site.pages` the jobs that show its data: known after every page was
    /// prepared in this process (not after a restore), for the quick path.
    pub jobs: Vec<PageJob>,
    pub shown_by: Vec<Vec<u32>>,
    /// The fingerprint of the globals (`site`, `nav`) the pages were rendered with.
    pub globals: Option<Digest>,
    /// The fingerprint of the templates they were rendered with.
    pub templates: Option<u64>,
    /// Feeds, sitemap, robots.txt: a hash of each text written.
    pub generated: HashMap<String, u64>,
    /// Copied files: destination → (source, its stamp when copied).
    pub statics: HashMap<String, (PathBuf, Option<Stamp>)>,
    /// The photo copies the image stage wrote.
    pub photos: Vec<String>,
}

impl Written {
    /// Forgets the pages, so that the next update renders every one.
    pub fn forget_pages(&mut self) {
        self.pages.clear();
        self.jobs.clear();
        self.shown_by.clear();
    }

    fn digest_at(&self, path: &str) -> Option<Digest> {
        self.pages.get(path).copied()
    }
}

/// A page after [`Pages::write_all`] looked at it: its job, fingerprint, the
/// pages it shows, the prepared data still to render (when not yet written),
/// and whether it was written.
type JobOutcome = (PageJob, Digest, Vec<usize>, Option<Prepared>, bool);

/// Rendering and writing pages into a sink.
pub struct Pages<'a> {
    pub tera: &'a Tera,
    pub origins: &'a Origins,
    pub sink: &'a dyn Sink,
    pub diagnostics: &'a Diagnostics,
}

impl Pages<'_> {
    /// Prepares every page and renders those whose data changed (every one
    /// with `render_all`); removes the pages that are gone. Returns how many
    /// were rendered.
    pub fn write_all(
        &self,
        site: &Site,
        values: &Values,
        written: &mut Written,
        render_all: bool,
        changed: &mut Vec<String>,
        watch: &mut Stopwatch,
    ) -> usize {
        // Each page is prepared, fingerprinted and, when it changed, rendered
        // in one go, so that only the pages waiting to be written are held
        // (none, into a sink that writes at once).
        let streaming = self.sink.discarded_on_failure();
        let outcomes: Vec<JobOutcome> = render::page_jobs(site)
            .into_par_iter()
            .map(|job| {
                let r = render::prepare_recorded(site, self.tera, values, job);
                let digest = r.prepared.digest(values);
                let stale = render_all || written.digest_at(r.job.path()) != Some(digest);
                if stale && streaming {
                    let ok = self.render_one(r.job.path(), &r.prepared).is_some_and(|html| {
                        self.write_one(r.job.path(), &html);
                        true
                    });
                    (r.job, digest, r.shows, None, ok)
                } else if stale {
                    (r.job, digest, r.shows, Some(r.prepared), false)
                } else {
                    (r.job, digest, r.shows, None, false)
                }
            })
            .collect();
        watch.lap("准备页面数据");
        let mut count = outcomes.iter().filter(|o| o.4).count();
        if streaming {
            changed.extend(outcomes.iter().filter(|o| o.4).map(|o| o.0.path().to_string()));
        } else {
            count = self.render_and_write(
                outcomes
                    .iter()
                    .filter_map(|(job, _, _, prepared, _)| Some((job.path(), prepared.as_ref()?))),
                changed,
            );
        }
        if self.diagnostics.has_errors() {
            return 0;
        }
        let gone: Vec<String> = {
            let now: HashSet<&str> = outcomes.iter().map(|o| o.0.path()).collect();
            let mut gone: Vec<String> = written
                .pages
                .keys()
                .filter(|p| !now.contains(p.as_str()))
                .cloned()
                .collect();
            gone.sort();
            gone
        };
        for path in gone {
            self.sink.remove(&page_file(&path));
            changed.push(path);
        }
        let mut shown_by: Vec<Vec<u32>> = vec![Vec::new(); site.pages.len()];
        written.jobs.clear();
        written.pages.clear();
        for (j, (job, digest, shows, _, _)) in outcomes.into_iter().enumerate() {
            for page in shows {
                if let Some(list) = shown_by.get_mut(page) {
                    list.push(j as u32);
                }
            }
            written.pages.insert(job.path().to_string(), digest);
            written.jobs.push(job);
        }
        written.shown_by = shown_by;
        count
    }

    /// After `page` alone changed (its data patched into the model): prepares
    /// again the pages that show it, and renders those whose data changed.
    pub fn write_shown(
        &self,
        site: &Site,
        values: &Values,
        written: &mut Written,
        page: usize,
        changed: &mut Vec<String>,
    ) -> usize {
        let shown_by = written.shown_by.get(page).cloned().unwrap_or_default();
        let fresh: Vec<(usize, Prepared, Digest)> = shown_by
            .par_iter()
            .map(|&j| {
                let j = j as usize;
                let prepared = render::prepare_job(site, self.tera, values, &written.jobs[j]);
                let digest = prepared.digest(values);
                (j, prepared, digest)
            })
            .filter(|(j, _, digest)| written.digest_at(written.jobs[*j].path()) != Some(*digest))
            .collect();
        let count = self.render_and_write(fresh.iter().map(|(j, p, _)| (written.jobs[*j].path(), p)), changed);
        if !self.diagnostics.has_errors() {
            for (j, _, digest) in fresh {
                let path = written.jobs[j].path().to_string();
                written.pages.insert(path, digest);
            }
        }
        count
    }

    /// Renders one page; a template error is reported and gives `None`.
    fn render_one(&self, _path: &str, page: &Prepared) -> Option<Vec<u8>> {
        let mut html = Vec::with_capacity(32 * 1024);
        match render::render_prepared(self.tera, page, &mut html) {
            Ok(()) => Some(html),
            Err(e) => {
                let mut d = templates::template_error(&e, self.origins);
                // Name at least the page's template when Tera did not say where.
                if d.file.as_os_str() == templates::UNKNOWN_TEMPLATE {
                    d.file = templates::shown(self.origins, &page.template).into();
                }
                self.diagnostics.push(d);
                None
            }
        }
    }

    fn write_one(&self, path: &str, html: &[u8]) {
        let file = page_file(path);
        if let Err(e) = self.sink.write(&file, html) {
            self.diagnostics.push(self.sink.write_error(&file, &e));
        }
    }

    /// Renders pages into memory, then writes them all, or none if one failed.
    fn render_and_write<'p>(
        &self,
        pages: impl Iterator<Item = (&'p str, &'p Prepared)>,
        changed: &mut Vec<String>,
    ) -> usize {
        let pages: Vec<(&str, &Prepared)> = pages.collect();
        let rendered: Vec<(&str, Vec<u8>)> = pages
            .into_par_iter()
            .filter_map(|(path, page)| self.render_one(path, page).map(|html| (path, html)))
            .collect();
        if self.diagnostics.has_errors() {
            return 0;
        }
        rendered.par_iter().for_each(|(path, html)| self.write_one(path, html));
        changed.extend(rendered.iter().map(|(path, _)| path.to_string()));
        rendered.len()
    }
}

/// Feeds, sitemap and robots.txt, written when their text changed. Returns
/// how many were written.
pub fn write_generated(
    site: &Site,
    values: &Values,
    written: &mut Written,
    sink: &dyn Sink,
    diagnostics: &Diagnostics,
    changed: &mut Vec<String>,
) -> usize {
    let mut hashes = HashMap::new();
    let mut count = 0;
    for (path, text) in generated_files(site, &values.pictures) {
        let hash = hash_bytes(text.as_bytes());
        if written.generated.get(&path) != Some(&hash) {
            match sink.write(&path, text.as_bytes()) {
                Ok(()) => count += 1,
                Err(e) => diagnostics.push(sink.write_error(&path, &e)),
            }
            changed.push(path.clone());
        }
        hashes.insert(path, hash);
    }
    for path in written.generated.keys() {
        if !hashes.contains_key(path) {
            sink.remove(path);
            changed.push(path.clone());
        }
    }
    written.generated = hashes;
    count
}

/// Static files and the files beside the Markdown, copied when new or changed
/// on disk. A generated page or file is never overwritten. Returns how many
/// were copied.
pub fn copy_statics(
    copies: &[StaticFile],
    written: &mut Written,
    old_photos: &[String],
    root: &Path,
    sink: &dyn Sink,
    diagnostics: &Diagnostics,
    changed: &mut Vec<String>,
) -> usize {
    let mut wanted: HashMap<&str, &PathBuf> = HashMap::new();
    for (src, dest) in copies {
        wanted.insert(dest, src);
    }
    let mut count = 0;
    let mut now = HashMap::with_capacity(wanted.len());
    let mut list: Vec<(&str, &PathBuf)> = wanted.into_iter().collect();
    list.sort();
    for (dest, src) in list {
        if written
            .pages
            .contains_key(dest.strip_suffix("index.html").unwrap_or(dest))
            || written.generated.contains_key(dest)
        {
            let shown = src.strip_prefix(root).unwrap_or(src);
            diagnostics.push(
                Diagnostic::warning(display_path(shown), format!("与生成的页面 /{dest} 同名，没有复制"))
                    .hint("生成的页面优先；如果要替换它，请改用 templates/ 中的模板，或给这个文件换个名字"),
            );
            continue;
        }
        let s = stamp(src);
        let same = written
            .statics
            .get(dest)
            .is_some_and(|(old, old_stamp)| old == src && *old_stamp == s);
        if !same {
            match sink.copy(src, dest) {
                Ok(()) => count += 1,
                Err(e) => {
                    let shown = src.strip_prefix(root).unwrap_or(src);
                    diagnostics.push(
                        Diagnostic::io(display_path(shown), "无法复制文件", &e)
                            .hint("确认文件没有被其他程序占用，磁盘有空间"),
                    );
                }
            }
            changed.push(dest.to_string());
        }
        now.insert(dest.to_string(), (src.clone(), s));
    }
    for dest in written.statics.keys() {
        if !now.contains_key(dest) && written.photos.binary_search(dest).is_err() {
            sink.remove(dest);
            changed.push(dest.clone());
        }
    }
    written.statics = now;
    // Photos the site no longer publishes (a static file of the same name
    // may have taken their place).
    for dest in old_photos {
        if written.photos.binary_search(dest).is_err() && !written.statics.contains_key(dest) {
            sink.remove(dest);
            changed.push(dest.clone());
        }
    }
    count
}
