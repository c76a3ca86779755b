//! The site `tongxin serve` keeps in memory between edits, and the rebuild that
//! brings its output folder up to date after one.
//!
//! Every rebuild makes what a full build makes, but skips the work whose inputs
//! did not change: only changed files are read again, only changed Markdown
//! bodies are parsed again (the others come from a [`MarkdownMemo`]), and only
//! pages whose template data changed are rendered and written. A change of a
//! body alone does not even rebuild the model. Which pages changed is found by
//! comparing each page's prepared data with the previous build's, so no
//! hand-kept list of "which lists show this page" can go stale.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use jiff::Timestamp;
use rayon::prelude::*;
use tera::Tera;

use crate::commands::load::Stopwatch;
use crate::config::{self, Overrides, SiteConfig};
use crate::content::front_matter::FrontMatter;
use crate::content::memo::MarkdownMemo;
use crate::content::{self, Content, SourceFile, markdown, text};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path, io_reason};
use crate::model::column::ColumnKind;
use crate::model::published::{self, Owner, PublishedFiles};
use crate::model::{self, ModelOptions, Site};
use crate::output::plan::{generated_files, static_list};
use crate::output::search::Corpus;
use crate::output::static_files::StaticFile;
use crate::output::{self, Staging, images};
use crate::render::templates::{self, Origins};
use crate::render::values::Values;
use crate::render::{self, PageJob, Prepared};

use super::search::{SearchDone, SearchWorker};

/// What the server was started with.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub root: PathBuf,
    /// Where the served site is written (a temporary folder, never `public/`:
    /// its links point at the local server and it may hold drafts).
    pub output: PathBuf,
    /// The local server's address, e.g. `http://127.0.0.1:1111/`.
    pub base_url: String,
    pub drafts: bool,
    /// Fixed "now" for tests; the clock otherwise.
    pub now: Option<Timestamp>,
}

/// Which kinds of source a batch of changes touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub config: bool,
    pub templates: bool,
    pub content: bool,
    pub statics: bool,
    /// The paths below `content/` that changed, as far as the watcher knows.
    pub files: Vec<String>,
    /// Look at every file of `content/` (events were lost, or a folder moved).
    pub rescan: bool,
}

impl Touched {
    pub fn everything() -> Self {
        Touched {
            config: true,
            templates: true,
            content: true,
            statics: true,
            files: Vec::new(),
            rescan: true,
        }
    }

    /// Adds what `other` touched.
    pub fn merge(&mut self, other: Touched) {
        self.config |= other.config;
        self.templates |= other.templates;
        self.content |= other.content;
        self.statics |= other.statics;
        self.rescan |= other.rescan;
        self.files.extend(other.files);
    }

    pub fn any(&self) -> bool {
        self.config || self.templates || self.content || self.statics
    }
}

/// The result of one rebuild.
#[derive(Debug)]
pub enum Outcome {
    /// The output is up to date. `changed` lists the site paths written or
    /// removed (empty when the edit changed nothing visible).
    Built {
        changed: Vec<String>,
        pages: usize,
        warnings: Vec<Diagnostic>,
        elapsed: Duration,
        /// The model was reused (patched in place for a body edit) instead of rebuilt.
        quick: bool,
        /// Time spent in each stage (`TONGXIN_TIMINGS=1`).
        stages: Vec<(&'static str, Duration)>,
    },
    /// The sources have errors; the output still holds the last good site.
    Failed { diagnostics: Vec<Diagnostic> },
}

/// A file's identity on disk: when a save changes neither, it is not read again.
type Stamp = (Option<SystemTime>, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    Some((meta.modified().ok(), meta.len()))
}

/// One Markdown source as last read.
struct Source {
    stamp: Option<Stamp>,
    file: Option<SourceFile>,
    problems: Vec<Diagnostic>,
}

/// The last site that built without errors, and what was written for it.
struct Built {
    site: Site,
    values: Values,
    globals: [(&'static str, tera::Value); 2],
    /// Every page of the site, its prepared data as last written, and where
    /// each path is in these lists.
    jobs: Vec<PageJob>,
    prepared: Vec<Prepared>,
    job_of: HashMap<String, usize>,
    /// For each page of `site.pages`, the jobs that show its data.
    shown_by: Vec<Vec<u32>>,
    /// Feeds, sitemap, robots.txt: a hash of each text written.
    generated: HashMap<String, u64>,
    /// Copied files: destination → (source, its stamp when copied).
    statics: HashMap<String, (PathBuf, Option<Stamp>)>,
    /// The files to copy as they are (those the image stage left).
    copies: Vec<StaticFile>,
    /// The photo copies the image stage wrote, and those of the build before,
    /// to remove the ones no longer published.
    photos: Vec<String>,
    old_photos: Vec<String>,
}

impl Built {
    fn new(site: Site, values: Values, published: images::Published) -> Self {
        Built {
            site,
            values,
            copies: published.copies,
            photos: published.written,
            old_photos: Vec::new(),
            globals: [("site", tera::Value::undefined()), ("nav", tera::Value::undefined())],
            jobs: Vec::new(),
            prepared: Vec::new(),
            job_of: HashMap::new(),
            shown_by: Vec::new(),
            generated: HashMap::new(),
            statics: HashMap::new(),
        }
    }

    /// Keeps the record of what `previous` wrote, to compare the new site with.
    fn take_output_of(&mut self, previous: Built) {
        self.globals = previous.globals;
        self.jobs = previous.jobs;
        self.prepared = previous.prepared;
        self.job_of = previous.job_of;
        self.generated = previous.generated;
        self.statics = previous.statics;
        self.old_photos = previous.photos;
    }

    fn prepared_at(&self, path: &str) -> Option<&Prepared> {
        self.job_of.get(path).and_then(|&j| self.prepared.get(j))
    }

    fn set_pages(&mut self, recorded: Vec<render::Recorded>) {
        let mut shown_by: Vec<Vec<u32>> = vec![Vec::new(); self.site.pages.len()];
        self.jobs.clear();
        self.prepared.clear();
        self.job_of.clear();
        for (j, r) in recorded.into_iter().enumerate() {
            for &page in &r.shows {
                if let Some(list) = shown_by.get_mut(page) {
                    list.push(j as u32);
                }
            }
            self.job_of.insert(r.job.path().to_string(), j);
            self.jobs.push(r.job);
            self.prepared.push(r.prepared);
        }
        self.shown_by = shown_by;
    }

    /// Forgets what was written, so that the next rebuild renders every page.
    fn forget_pages(&mut self) {
        self.prepared.clear();
        self.job_of.clear();
    }
}

pub struct Session {
    options: SessionOptions,
    config: Option<SiteConfig>,
    config_problems: Vec<Diagnostic>,
    templates: Option<(Tera, Origins)>,
    template_problems: Vec<Diagnostic>,
    sources: BTreeMap<String, Source>,
    assets: Vec<String>,
    memo: MarkdownMemo,
    built: Option<Built>,
    /// Counts the rebuilds that changed the site; the search index is up to
    /// date when it was made from the latest.
    generation: u64,
    indexed: Option<u64>,
    search: SearchWorker,
}

impl Session {
    pub fn new(options: SessionOptions) -> Self {
        Session {
            search: SearchWorker::new(options.output.clone()),
            generation: 0,
            indexed: None,
            options,
            config: None,
            config_problems: Vec::new(),
            templates: None,
            template_problems: Vec::new(),
            sources: BTreeMap::new(),
            assets: Vec::new(),
            memo: MarkdownMemo::new(),
            built: None,
        }
    }

    fn now(&self) -> Timestamp {
        self.options.now.unwrap_or_else(Timestamp::now)
    }

    /// Brings the output up to date after changes of the `touched` kinds.
    pub fn rebuild(&mut self, touched: Touched) -> Outcome {
        let started = Instant::now();
        // Indexing for search would take the cores this rebuild needs.
        self.search.cancel();
        let mut watch = Stopwatch::start();
        let first = self.built.is_none();
        let touched = if first || touched.config {
            Touched::everything()
        } else {
            touched
        };
        if touched.config {
            let diagnostics = Diagnostics::new();
            let overrides = Overrides {
                base_url: Some(self.options.base_url.clone()),
            };
            self.config = config::load(&self.options.root, &overrides, &diagnostics);
            self.config_problems = diagnostics.into_sorted();
            // The time zone or base path may have changed: read and render anew.
            self.sources.clear();
            self.memo = MarkdownMemo::new();
        }
        let settings = self.config.clone().unwrap_or_else(config::fallback);
        if touched.templates {
            let diagnostics = Diagnostics::new();
            self.templates = templates::load(&self.options.root, &settings.theme, &settings.base_path, &diagnostics);
            self.template_problems = diagnostics.into_sorted();
        }
        let diagnostics = Diagnostics::new();
        diagnostics.extend(self.config_problems.iter().cloned());
        diagnostics.extend(self.template_problems.iter().cloned());
        watch.lap("配置与模板");
        let changed_sources = if touched.content {
            let known = (!touched.rescan)
                .then(|| self.read_files(&touched.files, &settings))
                .flatten();
            known.unwrap_or_else(|| self.read_content(&settings, &diagnostics))
        } else {
            Vec::new()
        };
        watch.lap("读取改动的文件");
        for source in self.sources.values() {
            diagnostics.extend(source.problems.iter().cloned());
        }
        if diagnostics.has_errors() || self.config.is_none() || self.templates.is_none() {
            // Model the content anyway, so that one rebuild reports every error.
            let _ = self.model(settings, &diagnostics);
            return Outcome::Failed {
                diagnostics: diagnostics.into_sorted(),
            };
        }

        let now = self.now();
        // A static file may be a photo, whose processing fills in the pages.
        let reuse = if touched.templates || touched.statics || self.built.is_none() {
            Reuse::No
        } else if changed_sources.is_empty() {
            Reuse::Same
        } else {
            self.patch_page(&changed_sources).map_or(Reuse::No, Reuse::Patched)
        };
        let mut built = match self.built.take() {
            Some(built) if reuse != Reuse::No => built,
            previous => {
                let site = self.model(settings, &diagnostics);
                let files = PublishedFiles::new(static_list(&site, &self.options.root), &site.assets);
                published::report_missing(&site, &files, &diagnostics);
                let published = (!diagnostics.has_errors()).then(|| {
                    // Photos are written straight into the served folder; a
                    // photo replaced under the same name shows at once.
                    let staging = Staging::in_place(&self.options.output);
                    images::publish(&site, &self.options.root, files, &staging, &diagnostics)
                });
                let Some(mut published) = published.filter(|_| !diagnostics.has_errors()) else {
                    self.built = previous;
                    return Outcome::Failed {
                        diagnostics: diagnostics.into_sorted(),
                    };
                };
                let values = Values::build(&site, Arc::new(std::mem::take(&mut published.pictures)));
                let mut built = Built::new(site, values, published);
                if let Some(previous) = previous {
                    built.take_output_of(previous);
                }
                built
            }
        };
        watch.lap(match reuse {
            Reuse::No => "整理网站与 Markdown",
            _ => "只更新改动的文章",
        });
        let Some((tera, origins)) = self.templates.as_mut() else {
            self.built = Some(built);
            return Outcome::Failed {
                diagnostics: diagnostics.into_sorted(),
            };
        };
        let mourning = built
            .site
            .config
            .mourning
            .active_on(now.to_zoned(built.site.config.tz.clone()).date());
        let globals = render::globals(&built.site, &built.values, mourning);
        let render_all = touched.templates || globals != built.globals;
        // Templates loaded again start with no globals.
        if render_all {
            for (name, value) in globals.iter().cloned() {
                tera.global_context().insert_value(name, value);
            }
            built.globals = globals;
        }

        let output = Output::new(&self.options.output);
        let mut changed = Vec::new();
        let pages = Pages {
            tera,
            origins,
            output: &output,
            diagnostics: &diagnostics,
        };
        let written = match reuse {
            Reuse::Same if !render_all => 0,
            Reuse::Patched(page) if !render_all && built.prepared.len() == built.jobs.len() => {
                pages.write_shown(&mut built, page, &mut changed)
            }
            _ => pages.write_all(&mut built, render_all, &mut changed, &mut watch),
        };
        watch.lap("渲染并写入页面");
        if diagnostics.has_errors() {
            // A page failed to render and nothing was written: once the error
            // is fixed, every page is rendered again.
            built.forget_pages();
            self.built = Some(built);
            return Outcome::Failed {
                diagnostics: diagnostics.into_sorted(),
            };
        }
        write_generated(&mut built, &now, &output, &diagnostics, &mut changed);
        watch.lap("订阅与站点地图");
        if touched.statics || touched.content {
            copy_statics(&mut built, &self.options.root, &output, &diagnostics, &mut changed);
        }
        watch.lap("静态文件");
        if first {
            let _ = output.write(output::MARKER, output::MARKER_TEXT.as_bytes());
        }
        if !changed.is_empty() || first {
            self.generation += 1;
        }
        self.built = Some(built);
        let all = diagnostics.into_sorted();
        if all.iter().any(Diagnostic::is_error) {
            return Outcome::Failed { diagnostics: all };
        }
        Outcome::Built {
            changed,
            pages: written,
            warnings: all,
            elapsed: started.elapsed(),
            quick: reuse != Reuse::No,
            stages: watch.stages,
        }
    }

    /// Whether the search index lags behind the pages.
    pub fn search_stale(&self) -> bool {
        self.built.is_some() && self.indexed != Some(self.generation)
    }

    /// Whether the search index is being made.
    pub fn search_running(&self) -> bool {
        self.search.is_running()
    }

    /// Starts bringing the search index up to date on a thread of its own
    /// (see [`super::search`]); the server calls it once the edits have paused.
    pub fn start_search(&mut self) {
        let Some(built) = self.built.as_ref() else { return };
        if std::env::var_os("TONGXIN_NO_SEARCH").is_some_and(|v| v == "1") {
            self.indexed = Some(self.generation);
            return;
        }
        let corpus = Corpus::of(&built.site, built.values.pictures.clone());
        self.search.start(corpus, self.generation);
    }

    /// The result of a search run that has ended since the last call.
    pub fn search_finished(&mut self) -> Option<SearchDone> {
        let done = self.search.finished()?;
        self.note_search(&done);
        Some(done)
    }

    /// Writes the search index of the current site and waits for it. Returns
    /// the files written or removed.
    pub fn write_search(&mut self) -> Vec<String> {
        self.start_search();
        match self.search.wait() {
            Some(done) => {
                self.note_search(&done);
                done.changed
            }
            None => Vec::new(),
        }
    }

    fn note_search(&mut self, done: &SearchDone) {
        if done.complete {
            self.indexed = Some(done.generation);
        }
    }

    /// Reads again just the Markdown files the watcher named. `None` when that
    /// is not enough: a folder or another kind of file came or went.
    fn read_files(&mut self, files: &[String], settings: &SiteConfig) -> Option<Vec<String>> {
        let dir = self.options.root.join(content::CONTENT_DIR);
        let mut changed = Vec::new();
        let mut seen = HashSet::new();
        for rel in files {
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
            match (s, self.sources.get(rel)) {
                (None, None) => {
                    // Gone, or never a file: a folder with files may have gone.
                    let prefix = format!("{rel}/");
                    if self.sources.keys().any(|k| k.starts_with(&prefix)) {
                        return None;
                    }
                }
                (None, Some(_)) => {
                    self.sources.remove(rel);
                    changed.push(rel.clone());
                }
                (Some(s), old) => {
                    if old.is_some_and(|old| old.stamp == Some(s)) {
                        continue;
                    }
                    let (file, problems) = content::read_file(&self.options.root, rel.clone(), &settings.tz);
                    self.sources.insert(
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
    /// since the last rebuild. Returns the paths read (below `content/`).
    fn read_content(&mut self, settings: &SiteConfig, diagnostics: &Diagnostics) -> Vec<String> {
        let root = &self.options.root;
        let Some(listing) = content::list(root, diagnostics) else {
            self.sources.clear();
            self.assets.clear();
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
            .sources
            .keys()
            .filter(|rel| !listed.contains(rel.as_str()))
            .cloned()
            .collect();
        for rel in &changed {
            self.sources.remove(rel);
        }
        let to_read: Vec<(String, Option<Stamp>)> = stamps
            .into_iter()
            .filter(|(rel, s)| self.sources.get(rel).is_none_or(|old| old.stamp != *s || s.is_none()))
            .collect();
        let read: Vec<(String, Source)> = to_read
            .into_par_iter()
            .map(|(rel, stamp)| {
                let (file, problems) = content::read_file(root, rel.clone(), &settings.tz);
                (rel, Source { stamp, file, problems })
            })
            .collect();
        for (rel, source) in read {
            changed.push(rel.clone());
            self.sources.insert(rel, source);
        }
        if self.assets != listing.assets {
            changed.push(String::new()); // files beside the Markdown came or went
            self.assets = listing.assets;
        }
        changed
    }

    /// Builds the model from the sources read, reusing remembered renderings.
    fn model(&self, settings: SiteConfig, diagnostics: &Diagnostics) -> Site {
        self.memo.next_build();
        let content = Content {
            files: self.sources.values().filter_map(|s| s.file.clone()).collect(),
            assets: self.assets.clone(),
        };
        model::build(
            settings,
            content,
            &ModelOptions {
                drafts: self.options.drafts,
                now: self.now(),
                root: self.options.root.clone(),
                markdown_html: true,
                observer: None,
                memo: Some(&self.memo),
            },
            diagnostics,
        )
    }

    /// The quick path for the commonest edits: one published page's text, or
    /// its title, author, source, summary, occasion or topic. The page is
    /// updated inside the existing model and its serialised data replaced;
    /// nothing else in the model can depend on these. Returns the page's index,
    /// or `None` (having changed nothing) whenever the edit might matter
    /// elsewhere: settings or other files changed, the body has problems, the
    /// page's place in the site could move, or it is a member or a proposal
    /// (their names and numbers are shown by other pages' own data).
    fn patch_page(&mut self, changed: &[String]) -> Option<usize> {
        let [rel] = changed else { return None };
        let built = self.built.as_mut()?;
        let source = self.sources.get(rel)?;
        let file = source.file.as_ref()?;
        if !source.problems.is_empty() || file.is_index() {
            return None;
        }
        let site = &mut built.site;
        let index = site.pages.iter().position(|p| &p.rel == rel)?;
        let page = &site.pages[index];
        let kind = page.column.map(|c| site.columns[c].kind);
        if matches!(kind, Some(ColumnKind::Members | ColumnKind::Proposals)) || !light_change(&page.meta, &file.meta) {
            return None;
        }
        let title = file.meta.title.clone()?;
        let mut problems = Vec::new();
        let links = site.link_table.links(&site.config.base_path, true);
        let rendered = markdown::render(&file.body, file.body_line, &file.shown, &links, &mut problems);
        if !problems.is_empty() {
            return None;
        }
        // A photo the site does not publish: the full path reports it.
        let missing = Diagnostics::new();
        let owner = Owner::page(page);
        published::report_owner(
            &rendered.figures,
            &owner,
            &page.shown,
            &built.values.pictures.files,
            &missing,
        );
        if !missing.is_empty() {
            return None;
        }
        self.memo
            .put(&file.body, file.body_line, &file.shown, &links, &rendered);
        let page = &mut site.pages[index];
        page.title = title;
        page.meta = file.meta.clone();
        page.body_line = file.body_line;
        page.char_count = rendered.char_count;
        page.summary = match &page.meta.summary {
            Some(s) => s.clone(),
            None => text::summarize(&rendered.plain_start, text::SUMMARY_CHARS),
        };
        page.content = rendered.html.into();
        page.figures = rendered.figures;
        page.toc = rendered.toc;
        built.values.refresh_page(&built.site, index);
        Some(index)
    }
}

/// Whether the settings of a page changed only in values that are shown but
/// decide nothing about the site's structure (order, lists, links, files).
fn light_change(old: &FrontMatter, new: &FrontMatter) -> bool {
    let mut probe = new.clone();
    probe.title.clone_from(&old.title);
    probe.author.clone_from(&old.author);
    probe.source.clone_from(&old.source);
    probe.summary.clone_from(&old.summary);
    probe.occasion.clone_from(&old.occasion);
    probe.topic.clone_from(&old.topic);
    probe.lines.clone_from(&old.lines);
    probe == *old
}

/// How much of the last build a rebuild can keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reuse {
    /// The model is rebuilt.
    No,
    /// No source of the model changed (a static file did, or nothing).
    Same,
    /// One page was updated in place (its index).
    Patched(usize),
}

pub(super) fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Rendering and writing pages into the served folder.
struct Pages<'a> {
    tera: &'a Tera,
    origins: &'a Origins,
    output: &'a Output,
    diagnostics: &'a Diagnostics,
}

impl Pages<'_> {
    /// Prepares every page and renders those whose data changed (all with
    /// `render_all`); removes pages that are gone. Returns how many were written.
    fn write_all(
        &self,
        built: &mut Built,
        render_all: bool,
        changed: &mut Vec<String>,
        watch: &mut Stopwatch,
    ) -> usize {
        let recorded = render::prepare_recorded(&built.site, self.tera, &built.values);
        watch.lap("准备页面数据");
        let to_render: Vec<usize> = (0..recorded.len())
            .into_par_iter()
            .filter(|&j| {
                let r = &recorded[j];
                render_all || built.prepared_at(r.job.path()) != Some(&r.prepared)
            })
            .collect();
        let count = self.render_and_write(
            to_render
                .iter()
                .map(|&j| (recorded[j].job.path(), &recorded[j].prepared)),
            changed,
        );
        if self.diagnostics.has_errors() {
            return 0;
        }
        let gone: Vec<String> = {
            let now: HashSet<&str> = recorded.iter().map(|r| r.job.path()).collect();
            built
                .jobs
                .iter()
                .map(|j| j.path())
                .filter(|p| !now.contains(p))
                .map(str::to_string)
                .collect()
        };
        for path in gone {
            self.output.remove(&page_file(&path));
            changed.push(path);
        }
        built.set_pages(recorded);
        count
    }

    /// After `page` was patched: prepares again the pages that show it, and
    /// renders those whose data changed.
    fn write_shown(&self, built: &mut Built, page: usize, changed: &mut Vec<String>) -> usize {
        let shown_by = built.shown_by.get(page).cloned().unwrap_or_default();
        let fresh: Vec<(usize, Prepared)> = shown_by
            .par_iter()
            .map(|&j| {
                let j = j as usize;
                (
                    j,
                    render::prepare_job(&built.site, self.tera, &built.values, &built.jobs[j]),
                )
            })
            .filter(|(j, prepared)| built.prepared.get(*j) != Some(prepared))
            .collect();
        let count = self.render_and_write(fresh.iter().map(|(j, p)| (built.jobs[*j].path(), p)), changed);
        if !self.diagnostics.has_errors() {
            for (j, prepared) in fresh {
                built.prepared[j] = prepared;
            }
        }
        count
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
            .filter_map(|(path, page)| {
                let mut html = Vec::with_capacity(32 * 1024);
                match render::render_prepared(self.tera, page, &mut html) {
                    Ok(()) => Some((path, html)),
                    Err(e) => {
                        self.diagnostics.push(templates::template_error(&e, self.origins));
                        None
                    }
                }
            })
            .collect();
        if self.diagnostics.has_errors() {
            return 0;
        }
        rendered.par_iter().for_each(|(path, html)| {
            if let Err(e) = self.output.write(&page_file(path), html) {
                self.diagnostics.push(self.output.write_error(path, &e));
            }
        });
        changed.extend(rendered.iter().map(|(path, _)| path.to_string()));
        rendered.len()
    }
}

/// Feeds, sitemap and robots.txt, written when their text changed.
fn write_generated(
    built: &mut Built,
    now: &Timestamp,
    output: &Output,
    diagnostics: &Diagnostics,
    changed: &mut Vec<String>,
) {
    let mut hashes = HashMap::new();
    for (path, text) in generated_files(&built.site, &built.values.pictures, now) {
        let hash = hash_bytes(text.as_bytes());
        if built.generated.get(&path) != Some(&hash) {
            if let Err(e) = output.write(&path, text.as_bytes()) {
                diagnostics.push(output.write_error(&path, &e));
            }
            changed.push(path.clone());
        }
        hashes.insert(path, hash);
    }
    for path in built.generated.keys() {
        if !hashes.contains_key(path) {
            output.remove(path);
            changed.push(path.clone());
        }
    }
    built.generated = hashes;
}

/// Static files and the files beside the Markdown, copied when new or changed
/// on disk. As in a build, a generated page or file is never overwritten.
fn copy_statics(built: &mut Built, root: &Path, output: &Output, diagnostics: &Diagnostics, changed: &mut Vec<String>) {
    let mut wanted: HashMap<String, PathBuf> = HashMap::new();
    for (src, dest) in &built.copies {
        wanted.insert(dest.clone(), src.clone());
    }
    let mut now = HashMap::with_capacity(wanted.len());
    for (dest, src) in wanted {
        if built
            .job_of
            .contains_key(dest.strip_suffix("index.html").unwrap_or(&dest))
            || built.generated.contains_key(&dest)
        {
            let shown = src.strip_prefix(root).unwrap_or(&src);
            diagnostics.push(
                Diagnostic::warning(display_path(shown), format!("与生成的页面 /{dest} 同名，没有复制"))
                    .hint("生成的页面优先；如果要替换它，请改用 templates/ 中的模板，或给这个文件换个名字"),
            );
            continue;
        }
        let s = stamp(&src);
        let same = built
            .statics
            .get(&dest)
            .is_some_and(|(old, old_stamp)| old == &src && *old_stamp == s);
        if !same {
            if let Err(e) = output.copy(&src, &dest) {
                let shown = src.strip_prefix(root).unwrap_or(&src);
                diagnostics.push(
                    Diagnostic::error(
                        display_path(shown),
                        format!("无法复制到预览文件夹（{}）", io_reason(&e)),
                    )
                    .hint("确认文件没有被其他程序占用，磁盘有空间"),
                );
            }
            changed.push(dest.clone());
        }
        now.insert(dest, (src, s));
    }
    for dest in built.statics.keys() {
        if !now.contains_key(dest) && !built.photos.contains(dest) {
            output.remove(dest);
            changed.push(dest.clone());
        }
    }
    built.statics = now;
    // Photos the site no longer publishes (a static file of the same name
    // may have taken their place).
    for dest in std::mem::take(&mut built.old_photos) {
        if built.photos.binary_search(&dest).is_err() && !built.statics.contains_key(&dest) {
            output.remove(&dest);
            changed.push(dest);
        }
    }
}

/// The file a page is written to: `yaowen/a/` → `yaowen/a/index.html`.
fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The served folder. Each file is written beside its place and renamed over
/// it, so the server never sends a half-written page.
pub(super) struct Output {
    dir: PathBuf,
}

impl Output {
    pub(super) fn new(dir: &Path) -> Self {
        Output { dir: dir.to_path_buf() }
    }

    pub(super) fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        let temp = temp_name(&file);
        fs::write(&temp, bytes)?;
        fs::rename(&temp, &file)
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        let temp = temp_name(&file);
        fs::copy(src, &temp)?;
        fs::rename(&temp, &file)
    }

    /// Removes a file that the site no longer has, and its folder once empty.
    pub(super) fn remove(&self, path: &str) {
        let file = self.dir.join(path);
        let _ = fs::remove_file(&file);
        let mut dir = file.parent();
        while let Some(d) = dir {
            if d == self.dir || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }

    fn write_error(&self, path: &str, e: &io::Error) -> Diagnostic {
        Diagnostic::error(
            display_path(&self.dir.join(path)),
            format!("无法写入预览文件夹（{}）", io_reason(e)),
        )
        .hint("检查磁盘空间和临时文件夹的写入权限")
    }
}

fn temp_name(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.tongxin-tmp"))
}
