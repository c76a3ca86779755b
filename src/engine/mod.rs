//! The engine: the one pipeline from a site's sources to its files, that
//! every command runs. Its stages, in order:
//!
//! 1. **load**: `site.yaml`, the templates, and the Markdown of `content/`
//!    ([`sources`]), each read again only when it changed;
//! 2. **model**: the [`Site`], with the photos checked
//!    ([`crate::model::published`]);
//! 3. **images**: the photos resized into the sink, giving the
//!    [`Pictures`](crate::render::pictures::Pictures) table rendering looks
//!    photos up in;
//! 4. **render** and **write** ([`written`]): every page prepared, and those
//!    whose data changed rendered and written; then feeds, sitemap and the
//!    files copied as they are.
//!
//! [`Engine::update`] runs them after a change, reusing what the change left
//! valid; the engine keeps what it needs for that between updates. The files
//! go to a [`Sink`]: the engine itself never writes to disk. `build` runs one
//! update into a staging folder; `serve` runs one per save, into its preview
//! folder; `check` runs the load and model stages and reads the rest from
//! there.

pub mod sources;
pub mod state;
pub mod written;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tera::Tera;

use crate::config::{self, Overrides, SiteConfig};
use crate::content::front_matter::FrontMatter;
use crate::content::markdown::{self, Observer};
use crate::content::memo::MarkdownMemo;
use crate::content::{Content, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::column::ColumnKind;
use crate::model::published::{self, Owner, PublishedFiles};
use crate::model::{self, ModelOptions, Site};
use crate::output::images::{self, Summary};
use crate::output::plan::static_list;
use crate::output::search::Corpus;
use crate::output::sink::Sink;
use crate::output::static_files::StaticFile;
use crate::render::digest;
use crate::render::templates::{self, Origins};
use crate::render::values::Values;
use sources::Sources;
use written::{Pages, Written};

/// What the engine is run with.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    /// Another address than site.yaml's (`--base-url`, or the preview server's).
    pub base_url: Option<String>,
    /// Publish drafts and future-dated pages too.
    pub drafts: bool,
    /// A fixed "now", for tests; the clock otherwise.
    pub now: Option<Timestamp>,
}

impl EngineOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        EngineOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
            now: None,
        }
    }
}

/// Which kinds of source a batch of changes touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub config: bool,
    pub templates: bool,
    pub content: bool,
    pub statics: bool,
    /// The paths below `content/` that changed, as far as a watcher knows.
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

/// Time spent in each stage, for benchmarks (`TONGXIN_TIMINGS=1`).
pub struct Stopwatch {
    pub stages: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            stages: Vec::new(),
            lap: Instant::now(),
        }
    }

    pub fn lap(&mut self, name: &'static str) {
        self.stages.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    /// Starts the next stage now: the time since the last lap was spent
    /// elsewhere (and is counted there).
    pub fn skip(&mut self) {
        self.lap = Instant::now();
    }
}

/// What an update wrote.
#[derive(Debug)]
pub struct Report {
    /// The site paths written or removed (empty when nothing visible changed).
    pub changed: Vec<String>,
    /// Pages rendered.
    pub pages: usize,
    /// Published articles and single pages.
    pub articles: usize,
    /// Other files written or copied (feeds, sitemap, static files).
    pub files: usize,
    pub images: Summary,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// The model was kept (patched in place for one page's text) instead of rebuilt.
    pub quick: bool,
    pub stages: Vec<(&'static str, Duration)>,
}

/// The result of one update.
#[derive(Debug)]
pub enum Outcome {
    Built(Report),
    /// The sources have errors; nothing was written (photos excepted, see
    /// [`Engine::update`]).
    Failed {
        diagnostics: Vec<Diagnostic>,
    },
}

/// The last site that was written without errors.
struct Current {
    site: Site,
    values: Values,
    /// The files to copy as they are (those the image stage left).
    copies: Vec<StaticFile>,
}

pub struct Engine {
    options: EngineOptions,
    config: Option<SiteConfig>,
    config_problems: Vec<Diagnostic>,
    templates: Option<(Tera, Origins)>,
    template_problems: Vec<Diagnostic>,
    sources: Sources,
    memo: MarkdownMemo,
    current: Option<Current>,
    /// What was written, to compare the next site with.
    written: Written,
    /// A hash of site.yaml's bytes and a fingerprint of the templates, as
    /// last read.
    config_hash: Option<u64>,
    /// When the site was last modelled: a moment that came due while it was
    /// being built is still ahead of this (see [`Engine::next_due`]).
    modelled_at: Option<Timestamp>,
    templates_hash: Option<u64>,
    /// Restored from a saved state and not yet updated: what it was saved
    /// with, to tell whether anything changed at all.
    restored: Option<Restored>,
    /// A file of `static/` changed in the last load.
    statics_changed: bool,
    /// The state file whose renderings the memo is read from, the first time
    /// the site is modelled.
    memo_file: Option<PathBuf>,
    memo_loaded: bool,
    /// Renderings in that file, when the memo was read from it (and so new
    /// ones may be added at its end).
    memo_stored: Option<usize>,
    /// Published articles and single pages at the last write.
    articles: usize,
    /// The warnings of the last write.
    warnings: Vec<Diagnostic>,
    /// Photos published by the last write.
    photos: usize,
    /// What [`Engine::refresh`] left for [`Engine::write`].
    pending: Option<Pending>,
    /// Run once when an update first finds something changed (see
    /// [`Engine::when_changed`]).
    on_change: Option<Box<dyn FnOnce() + Send>>,
    /// The process ends with this engine's work (see [`Engine::ends_with_process`]).
    ends_with_process: bool,
    /// The sources' texts go to the model, not kept (see [`Engine::texts_once`]).
    texts_once: bool,
}

/// Frees `value` on another thread while the caller goes on (here, or at
/// once when no thread can be started). Freeing a modelled site takes tens of
/// milliseconds; a command that ends meanwhile need not wait for it.
pub fn drop_meanwhile<T: Send + 'static>(value: T) {
    // On failure the closure, and `value` with it, is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Lets go of `value` without waiting for it to be freed: on another thread
/// ([`drop_meanwhile`]), or, when the process is about to end
/// (`leave_to_exit`), not at all: the system takes the memory back at exit.
fn let_go_of<T: Send + 'static>(value: T, leave_to_exit: bool) {
    if leave_to_exit {
        std::mem::forget(value);
    } else {
        drop_meanwhile(value);
    }
}

/// What a restored engine was saved with.
struct Restored {
    templates: Option<u64>,
    articles: usize,
    warnings: Vec<Diagnostic>,
    photos: usize,
    /// When a source's date came due after the saved build.
    due: Option<Timestamp>,
}

/// A refreshed site waiting to be written.
struct Pending {
    touched: Touched,
    reuse: Reuse,
    /// A new model and the files it publishes, unless the current one is kept.
    model: Option<(Site, PublishedFiles)>,
    /// Nothing changed since the state it was restored from: nothing to write.
    unchanged: bool,
    warnings: Vec<Diagnostic>,
    watch: Stopwatch,
    started: Instant,
    first: bool,
}

/// How much of the current site an update can keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reuse {
    /// The model is built again.
    No,
    /// No source of the model changed (a static file did, or nothing).
    Same,
    /// One page was updated in place (its index).
    Patched(usize),
}

impl Engine {
    pub fn new(options: EngineOptions) -> Self {
        Engine {
            options,
            config: None,
            config_problems: Vec::new(),
            templates: None,
            template_problems: Vec::new(),
            sources: Sources::default(),
            memo: MarkdownMemo::new(),
            current: None,
            written: Written::default(),
            config_hash: None,
            modelled_at: None,
            templates_hash: None,
            restored: None,
            statics_changed: false,
            memo_file: None,
            memo_loaded: true,
            memo_stored: None,
            articles: 0,
            warnings: Vec::new(),
            photos: 0,
            pending: None,
            on_change: None,
            ends_with_process: false,
            texts_once: false,
        }
    }

    /// Tells the engine that the process ends with its work (`tongxin
    /// build`): what it lets go of is then left for the system to take back
    /// at exit. Freeing ten thousand pages took ~70 ms of CPU, on a thread
    /// that competed with the build's last stages for the two cores.
    pub fn ends_with_process(&mut self) {
        self.ends_with_process = true;
    }

    /// Tells the engine that it models the site once and needs the sources'
    /// texts no more after that (`tongxin build`): the model is handed the
    /// only copy of each text, and lets go of it as soon as it is rendered.
    /// On 10,000 posts the texts (~48 MB) were otherwise all held, beside all
    /// their renderings, at the build's peak of memory. A text needed again
    /// is read again from its file.
    pub fn texts_once(&mut self) {
        self.texts_once = true;
    }

    /// Lets go of the engine and all it holds, without waiting for it to be
    /// freed (see [`drop_meanwhile`], [`Engine::ends_with_process`]).
    pub fn let_go(self) {
        let leave = self.ends_with_process;
        let_go_of(self, leave);
    }

    /// Runs `start` once, when an update first finds that something changed
    /// and the site must be modelled: a build starts there what only a
    /// changed site needs (jieba's dictionary, a tenth of a second of a
    /// core), so that a build that finds nothing changed does not pay for it.
    pub fn when_changed(&mut self, start: impl FnOnce() + Send + 'static) {
        self.on_change = Some(Box::new(start));
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// The moment the engine builds for: the clock, or the fixed one of tests.
    pub fn now(&self) -> Timestamp {
        self.options.now.unwrap_or_else(Timestamp::now)
    }

    /// The soonest moment after now at which what the site shows changes
    /// without any file changing (a post published for later, a 专题's
    /// window, mourning days beginning or ending); a long-running `serve`
    /// updates then, and a build after it does not take the output as it is.
    pub fn next_due(&self) -> Option<Timestamp> {
        let tz = self.config.as_ref().map_or(jiff::tz::TimeZone::UTC, |c| c.tz.clone());
        let since = self.modelled_at.unwrap_or_else(|| self.now());
        let mourning = self
            .config
            .as_ref()
            .map(|c| c.mourning.moments(&tz))
            .unwrap_or_default();
        self.sources
            .next_due(since, &tz)
            .into_iter()
            .chain(mourning.into_iter().filter(|t| *t > since))
            .min()
    }

    /// The site as last written.
    pub fn site(&self) -> Option<&Site> {
        self.current.as_ref().map(|c| &c.site)
    }

    /// What the search index is made from: the current site, taken in a moment.
    pub fn search_corpus(&self) -> Option<Corpus> {
        let current = self.current.as_ref()?;
        Some(Corpus::of(&current.site, current.values.pictures.clone()))
    }

    /// The load stage: reads what `touched` names (everything the first time).
    /// Returns the Markdown paths read again, and the problems met so far.
    fn load(&mut self, touched: &Touched) -> (Vec<String>, Diagnostics) {
        if touched.config {
            let diagnostics = Diagnostics::new();
            let overrides = Overrides {
                base_url: self.options.base_url.clone(),
            };
            self.config = config::load(&self.options.root, &overrides, &diagnostics);
            // The table of old addresses is read with site.yaml, and counts
            // as part of it: a change to either models the site anew.
            let table = crate::old_urls::load_tables(&self.options.root, &diagnostics);
            if let Some(config) = self.config.as_mut() {
                config.redirects = table;
            }
            self.config_problems = diagnostics.into_sorted();
            let hash = std::fs::read(self.options.root.join(config::FILE_NAME))
                .ok()
                .map(|mut bytes| {
                    bytes.extend(crate::old_urls::tables_bytes(&self.options.root));
                    crate::output::hash_bytes(&bytes)
                });
            if hash.is_none() || hash != self.config_hash {
                // The time zone or base path may have changed: read and render anew.
                self.sources.clear();
                self.memo = MarkdownMemo::new();
                self.memo_loaded = true;
                self.memo_stored = None;
                self.config_hash = hash;
            }
        }
        let settings = self.settings();
        if touched.templates {
            let diagnostics = Diagnostics::new();
            self.templates = templates::load(&self.options.root, &settings.theme, &settings.base_path, &diagnostics);
            self.template_problems = diagnostics.into_sorted();
            self.templates_hash = Some(templates::fingerprint(&self.options.root, &settings.theme));
        }
        let diagnostics = Diagnostics::new();
        diagnostics.extend(self.config_problems.iter().cloned());
        diagnostics.extend(self.template_problems.iter().cloned());
        let mut statics_changed = false;
        if touched.statics {
            statics_changed = self.sources.read_statics(&self.options.root, &settings.theme);
        }
        let changed = if touched.content {
            let named = (!touched.rescan)
                .then(|| self.sources.read_named(&self.options.root, &touched.files, &settings))
                .flatten();
            named.unwrap_or_else(|| self.sources.read_all(&self.options.root, &settings, &diagnostics))
        } else {
            Vec::new()
        };
        diagnostics.extend(self.sources.problems().cloned());
        if statics_changed {
            self.statics_changed = true;
        }
        (changed, diagnostics)
    }

    /// The settings to work with: site.yaml's, or defaults when it is unusable.
    fn settings(&self) -> SiteConfig {
        self.config.clone().unwrap_or_else(config::fallback)
    }

    /// Loads everything, for a command that only reads the site (`check`).
    /// Problems go to `diagnostics`.
    pub fn load_all(&mut self, diagnostics: &Diagnostics) {
        let (_, problems) = self.load(&Touched::everything());
        diagnostics.extend(problems.into_sorted());
    }

    /// site.yaml as read; `None` when it is missing or has errors.
    pub fn config(&self) -> Option<&SiteConfig> {
        self.config.as_ref()
    }

    /// The settings to work with, see [`Engine::config`].
    pub fn settings_or_default(&self) -> SiteConfig {
        self.settings()
    }

    /// The templates as loaded; `None` when they have errors.
    pub fn templates(&self) -> Option<&(Tera, Origins)> {
        self.templates.as_ref()
    }

    /// Takes the templates away, for a command that renders on its own
    /// (`check` renders every page in memory to read its links).
    pub fn take_templates(&mut self) -> Option<(Tera, Origins)> {
        self.templates.take()
    }

    /// The same engine with another “now” (`check --now`).
    pub fn at(mut self, now: Timestamp) -> Self {
        self.options.now = Some(now);
        self
    }

    /// The Markdown files as read, and the other files of `content/`.
    pub fn content(&self) -> Content {
        Content {
            files: self.sources.read().cloned().collect(),
            assets: self.sources.assets.clone(),
        }
    }

    /// The model stage on its own, for `check`: `observer` sees every body as
    /// it is parsed; `html` false keeps only the bodies' anchors.
    pub fn model_with(&self, observer: Option<&dyn Observer>, html: bool, diagnostics: &Diagnostics) -> Site {
        self.model_of(self.content(), observer, html, None, diagnostics)
    }

    fn model_of(
        &self,
        content: Content,
        observer: Option<&dyn Observer>,
        html: bool,
        memo: Option<&MarkdownMemo>,
        diagnostics: &Diagnostics,
    ) -> Site {
        model::build(
            self.settings(),
            content,
            &ModelOptions {
                drafts: self.options.drafts,
                now: self.now(),
                root: self.options.root.clone(),
                markdown_html: html,
                observer,
                memo,
            },
            diagnostics,
        )
    }

    /// Reads the renderings kept by an earlier run, once, when the site is
    /// first modelled (a build that finds nothing changed never needs them).
    fn ready_memo(&mut self) {
        if !self.memo_loaded {
            self.memo_loaded = true;
            if let Some(file) = &self.memo_file
                && let Some((saved, stored)) = state::load_memo(file)
            {
                self.memo = MarkdownMemo::restore(saved);
                self.memo_stored = Some(stored);
            }
        }
    }

    /// Builds the model from the sources read, reusing remembered renderings.
    fn model(&mut self, diagnostics: &Diagnostics) -> Site {
        self.memo.next_build();
        let content = self.content();
        if self.texts_once {
            self.sources.forget_texts();
        }
        self.model_of(content, None, true, Some(&self.memo), diagnostics)
    }

    /// Brings `sink` up to date after changes of the `touched` kinds (all of
    /// them the first time): [`Engine::refresh`], then [`Engine::write`].
    pub fn update(&mut self, touched: Touched, sink: &dyn Sink) -> Outcome {
        match self.refresh(touched) {
            Ok(()) => self.write(sink),
            Err(diagnostics) => Outcome::Failed { diagnostics },
        }
    }

    /// The load and model stages after changes of the `touched` kinds (all
    /// of them the first time): reads what changed and rebuilds what depends
    /// on it, writing nothing. On errors the engine keeps the last good site
    /// and returns every problem found; otherwise [`Engine::write`] writes the
    /// result.
    pub fn refresh(&mut self, touched: Touched) -> Result<(), Vec<Diagnostic>> {
        let started = Instant::now();
        let mut watch = Stopwatch::start();
        self.pending = None;
        let first = self.current.is_none();
        let touched = if first || touched.config {
            Touched::everything()
        } else {
            touched
        };
        self.statics_changed = false;
        let config_before = self.config_hash;
        let (changed_sources, diagnostics) = self.load(&touched);
        watch.lap("读取改动的文件");
        // Restored, and nothing it was saved from has changed: the output is
        // as it should be, and nothing is modelled or written.
        let restored = self.restored.take();
        if let Some(restored) = restored
            && !diagnostics.has_errors()
            && self.config.is_some()
            && self.templates.is_some()
            && changed_sources.is_empty()
            && !self.statics_changed
            && config_before == self.config_hash
            && restored.templates == self.templates_hash
            && restored.due.is_none_or(|due| due > self.now())
        {
            self.articles = restored.articles;
            self.warnings = restored.warnings;
            self.photos = restored.photos;
            self.pending = Some(Pending {
                touched,
                reuse: Reuse::Same,
                model: None,
                unchanged: true,
                // What this load found is a part of what the last build found.
                warnings: self.warnings.clone(),
                watch,
                started,
                first,
            });
            return Ok(());
        }
        if let Some(start) = self.on_change.take() {
            start();
        }
        self.ready_memo();
        watch.lap("读取记住的 Markdown 渲染结果");
        if diagnostics.has_errors() || self.config.is_none() || self.templates.is_none() {
            // Model the content anyway, so that one update reports every error.
            let site = self.model(&diagnostics);
            let statics = static_list(&site, &self.options.root);
            crate::output::redirects::report(&site, &statics, &self.options.root, &diagnostics);
            let files = PublishedFiles::new(statics, &site.assets);
            published::report_missing(&site, &files, &diagnostics);
            return Err(diagnostics.into_sorted());
        }
        // A static file may be a photo, whose processing feeds the pages.
        let reuse = if touched.templates || touched.statics || self.current.is_none() {
            Reuse::No
        } else if changed_sources.is_empty() {
            Reuse::Same
        } else {
            self.patch_page(&changed_sources).map_or(Reuse::No, Reuse::Patched)
        };
        let model = match reuse {
            Reuse::Same | Reuse::Patched(_) => None,
            Reuse::No => {
                self.modelled_at = Some(self.now());
                let site = self.model(&diagnostics);
                let statics = static_list(&site, &self.options.root);
                crate::output::redirects::report(&site, &statics, &self.options.root, &diagnostics);
                let files = PublishedFiles::new(statics, &site.assets);
                published::report_missing(&site, &files, &diagnostics);
                if diagnostics.has_errors() {
                    return Err(diagnostics.into_sorted());
                }
                Some((site, files))
            }
        };
        watch.lap(match reuse {
            Reuse::No => "整理网站与 Markdown",
            Reuse::Same | Reuse::Patched(_) => "只更新改动的文章",
        });
        self.pending = Some(Pending {
            touched,
            reuse,
            model,
            unchanged: false,
            warnings: diagnostics.into_sorted(),
            watch,
            started,
            first,
        });
        Ok(())
    }

    /// The image, render and write stages after [`Engine::refresh`]: writes
    /// into `sink` the files whose bytes differ from the last write's (every
    /// file the first time). On errors nothing is written and the engine
    /// keeps the last good site; photos, though, are placed as they are
    /// processed, so a photo replaced under the same name may already show.
    pub fn write(&mut self, sink: &dyn Sink) -> Outcome {
        let Some(Pending {
            touched,
            reuse,
            model,
            unchanged,
            warnings,
            mut watch,
            started,
            first,
        }) = self.pending.take()
        else {
            return Outcome::Failed {
                diagnostics: vec![Diagnostic::error(&self.options.root, "内部错误：没有可写出的网站")],
            };
        };
        // The caller's time between refresh and write is its own.
        watch.skip();
        if unchanged {
            return Outcome::Built(Report {
                changed: Vec::new(),
                pages: 0,
                articles: self.articles,
                files: 0,
                images: Summary {
                    reused: self.photos,
                    ..Summary::default()
                },
                warnings,
                elapsed: started.elapsed(),
                quick: true,
                stages: watch.stages,
            });
        }
        let diagnostics = Diagnostics::new();
        diagnostics.extend(warnings);
        let now = self.now();
        let mut images = Summary::default();
        let mut old_photos = Vec::new();
        let mut written = std::mem::take(&mut self.written);
        let current = match (self.current.take(), model) {
            (Some(current), None) => current,
            (previous, Some((site, files))) => {
                let published = images::publish(&site, &self.options.root, files, sink, &diagnostics);
                if diagnostics.has_errors() {
                    self.current = previous;
                    self.written = written;
                    return Outcome::Failed {
                        diagnostics: diagnostics.into_sorted(),
                    };
                }
                images = published.summary;
                self.photos = images.made + images.reused;
                watch.lap("图片");
                let values = Values::build(&site, Arc::new(published.pictures));
                old_photos = std::mem::replace(&mut written.photos, published.written);
                Current {
                    site,
                    values,
                    copies: published.copies,
                }
            }
            (None, None) => {
                self.written = written;
                return Outcome::Failed {
                    diagnostics: vec![Diagnostic::error(&self.options.root, "内部错误：没有可写出的网站")],
                };
            }
        };
        watch.lap("页面共用的数据");
        let Some((tera, origins)) = self.templates.as_mut() else {
            self.current = Some(current);
            self.written = written;
            return Outcome::Failed {
                diagnostics: diagnostics.into_sorted(),
            };
        };
        let mourning = current
            .site
            .config
            .mourning
            .active_on(now.to_zoned(current.site.config.tz.clone()).date());
        let globals = crate::render::globals(&current.site, &current.values, mourning);
        let globals_digest = digest::of_value(&tera::Value::from(vec![globals[0].1.clone(), globals[1].1.clone()]));
        let render_all = written.templates != self.templates_hash || written.globals != Some(globals_digest);
        // Templates loaded again start with no globals.
        if touched.templates || render_all {
            for (name, value) in globals {
                tera.global_context().insert_value(name, value);
            }
            written.globals = Some(globals_digest);
            written.templates = self.templates_hash;
        }

        let mut changed = Vec::new();
        let pages = Pages {
            tera,
            origins,
            sink,
            diagnostics: &diagnostics,
        };
        let rendered = match reuse {
            Reuse::Same if !render_all => 0,
            Reuse::Patched(page) if !render_all && !written.jobs.is_empty() => {
                pages.write_shown(&current.site, &current.values, &mut written, page, &mut changed)
            }
            Reuse::No | Reuse::Same | Reuse::Patched(_) => pages.write_all(
                &current.site,
                &current.values,
                &mut written,
                render_all,
                &mut changed,
                &mut watch,
            ),
        };
        watch.lap("渲染并写入页面");
        if diagnostics.has_errors() {
            // A page failed to render and nothing was written: once the error
            // is fixed, every page is rendered again.
            written.forget_pages();
            self.current = Some(current);
            self.written = written;
            return Outcome::Failed {
                diagnostics: diagnostics.into_sorted(),
            };
        }
        let mut files = written::write_generated(
            &current.site,
            &current.values,
            &mut written,
            sink,
            &diagnostics,
            &mut changed,
        );
        watch.lap("订阅与站点地图");
        if touched.statics || touched.content {
            files += written::copy_statics(
                &current.copies,
                &mut written,
                &old_photos,
                &self.options.root,
                sink,
                &diagnostics,
                &mut changed,
            );
        }
        watch.lap("静态文件");
        if first {
            let _ = sink.write(crate::output::MARKER, crate::output::MARKER_TEXT.as_bytes());
        }
        let articles = current.site.pages.len();
        self.articles = articles;
        self.current = Some(current);
        self.written = written;
        let all = diagnostics.into_sorted();
        if all.iter().any(Diagnostic::is_error) {
            return Outcome::Failed { diagnostics: all };
        }
        self.warnings = all.clone();
        Outcome::Built(Report {
            changed,
            pages: rendered,
            articles,
            files,
            images,
            warnings: all,
            elapsed: started.elapsed(),
            quick: reuse != Reuse::No,
            stages: watch.stages,
        })
    }

    /// The engine's memory, to keep until the next run (see [`state`]).
    pub fn save(&self, key: state::StateKey) -> state::Saved {
        let mut saved = state::Saved::new(key);
        saved.config = self.config_hash;
        saved.sources = state::sources_to(&self.sources.files);
        saved.assets = self
            .sources
            .assets
            .iter()
            .map(|a| (a.clone(), self.sources.asset_stamps.get(a).copied().flatten()))
            .collect();
        // Rewritten only when a rendering was added (or never written).
        saved.memo = match self.memo_stored {
            // Nothing modelled since the file was read, or nothing new.
            _ if self.memo_file.is_some() && (!self.memo_loaded || !self.memo.added()) => None,
            // Added at the end while the file holds less than twice what is used.
            Some(stored) if stored < 2 * self.memo.len().max(64) => {
                Some(state::MemoSave::Append(self.memo.save_fresh()))
            }
            _ => Some(state::MemoSave::Whole(self.memo.save())),
        };
        saved.statics = self.sources.statics.iter().map(|(p, s)| (p.clone(), *s)).collect();
        saved.due = self.next_due();
        saved.articles = self.articles;
        saved.warnings = self.warnings.clone();
        saved.photos = self.photos;
        let w = &self.written;
        let mut pages: Vec<(String, digest::Digest)> = w.pages.iter().map(|(p, d)| (p.clone(), *d)).collect();
        pages.sort();
        let mut generated: Vec<(String, u64)> = w.generated.iter().map(|(p, h)| (p.clone(), *h)).collect();
        generated.sort();
        let mut statics: Vec<(String, PathBuf, Option<sources::Stamp>)> = w
            .statics
            .iter()
            .map(|(dest, (src, stamp))| (dest.clone(), src.clone(), *stamp))
            .collect();
        statics.sort();
        saved.written = state::SavedWritten {
            pages,
            globals: w.globals,
            templates: w.templates,
            generated,
            statics,
            photos: w.photos.clone(),
        };
        saved
    }

    /// Forgets what was written, so that the next update writes every file
    /// (into a sink that starts empty).
    pub fn forget_output(&mut self) {
        self.written = Written {
            templates: self.written.templates,
            ..Written::default()
        };
    }

    /// Lets go of the modelled site and its page data once everything is
    /// written: a build that ends after one update saves its state without
    /// them, and the state is smaller than the site.
    pub fn forget_site(&mut self) {
        self.current = None;
    }

    /// [`Engine::forget_site`] for when memory is not at its peak, such as
    /// before an incremental build's small change to the search index:
    /// freeing ten thousand pages and their data takes ~30 ms, which another
    /// thread spends while the build goes on.
    pub fn forget_site_meanwhile(&mut self) {
        let_go_of(self.current.take(), self.ends_with_process);
    }

    /// Whether [`Engine::refresh`] found nothing changed since the state the
    /// engine was restored from: then there is nothing to write.
    pub fn unchanged(&self) -> bool {
        self.pending.as_ref().is_some_and(|p| p.unchanged)
    }

    /// Forgets that the given output files (paths below the output) were
    /// written, so that the next write writes them again: they were changed
    /// or removed by someone else.
    pub fn forget_files(&mut self, files: &[String]) {
        for file in files {
            let page = file.strip_suffix("index.html").unwrap_or(file);
            self.written.pages.remove(page);
            self.written.generated.remove(file);
            self.written.statics.remove(file);
            self.written.photos.retain(|p| p != file);
        }
    }

    /// An engine that goes on from a saved state: its next update reads only
    /// the sources whose stamp changed and renders only the pages whose data
    /// changed.
    pub fn restore(options: EngineOptions, saved: state::Saved, state_file: &std::path::Path) -> Self {
        let mut engine = Engine::new(options);
        engine.memo_file = Some(state_file.to_path_buf());
        engine.memo_loaded = false;
        engine.config_hash = saved.config;
        engine.sources.files = state::sources_from(saved.sources);
        engine.sources.asset_stamps = saved.assets.iter().map(|(a, s)| (a.clone(), *s)).collect();
        engine.sources.assets = saved.assets.into_iter().map(|(a, _)| a).collect();
        engine.sources.statics = saved.statics.into_iter().collect();
        engine.restored = Some(Restored {
            templates: saved.written.templates,
            articles: saved.articles,
            warnings: saved.warnings,
            photos: saved.photos,
            due: saved.due,
        });
        let w = saved.written;
        engine.written = Written {
            pages: state::pages_from(w.pages),
            globals: w.globals,
            templates: w.templates,
            generated: w.generated.into_iter().collect(),
            statics: w.statics.into_iter().map(|(d, s, st)| (d, (s, st))).collect(),
            photos: w.photos,
            ..Written::default()
        };
        engine
    }

    /// The quick path for the commonest edits: one published page's text, or
    /// its title, author, source, summary, occasion or topic. The page is
    /// updated inside the current model and its serialised data replaced;
    /// nothing else in the model can depend on these. Returns the page's index,
    /// or `None` (having changed nothing) whenever the edit might matter
    /// elsewhere: settings or other files changed, the body has problems, a
    /// photo it names is missing, the page's place in the site could move, or
    /// it is a member, a leader, a proposal or an old address's target (their names, numbers and titles are shown by
    /// other pages' own data).
    fn patch_page(&mut self, changed: &[String]) -> Option<usize> {
        let [rel] = changed else { return None };
        let current = self.current.as_mut()?;
        let source = self.sources.files.get(rel)?;
        let file = source.file.as_ref()?;
        if !source.problems.is_empty() || file.is_index() {
            return None;
        }
        let site = &mut current.site;
        let index = site.pages.iter().position(|p| &p.rel == rel)?;
        let page = &site.pages[index];
        let kind = page.column.map(|c| site.columns[c].kind);
        // An old address's redirect page shows the title of the page it leads to.
        let redirected = site.redirects.iter().any(|r| r.to == page.path);
        if matches!(
            kind,
            Some(ColumnKind::Members | ColumnKind::Proposals | ColumnKind::Leaders)
        ) || redirected
            || !light_change(&page.meta, &file.meta)
        {
            return None;
        }
        let title = file.meta.title.clone()?;
        let mut problems = Vec::new();
        let links = site.link_table.links(&site.config.base_path, true);
        let rendered = markdown::render(&file.body, file.body_line, &file.shown, &links, &mut problems);
        if !problems.is_empty() {
            return None;
        }
        let missing = Diagnostics::new();
        published::report_owner(
            &rendered.figures,
            &Owner::page(page),
            &page.shown,
            &current.values.pictures.files,
            &missing,
        );
        if !missing.is_empty() {
            return None;
        }
        self.memo
            .put(file.body_hash, file.body_line, &file.shown, &links, &rendered);
        fill_page(&mut site.pages[index], file, title, rendered);
        current.values.refresh_page(&current.site, index);
        Some(index)
    }
}

/// A page rendered for the writing desk's preview: its HTML and what was
/// found wrong with the text (the page renders anyway when it can).
pub struct Preview {
    pub html: Option<String>,
    pub problems: Vec<Diagnostic>,
}

impl Engine {
    /// The page `rel` (below `content/`) would be with `text` as its file,
    /// rendered with the site's templates and data as last written, while
    /// nothing is saved: the desk's live preview. A post that is not on the
    /// site yet (new, or a draft) borrows the place of another page of its
    /// column. The site is left exactly as it was.
    pub fn preview(&mut self, rel: &str, text: String) -> Preview {
        let failed = |problems: Vec<Diagnostic>| Preview { html: None, problems };
        let Some(config) = self.config.as_ref() else {
            return failed(vec![
                Diagnostic::error(config::FILE_NAME, "site.yaml 有错误，无法预览")
                    .hint("先按生成时的提示改好 site.yaml"),
            ]);
        };
        let (file, mut problems) = crate::content::parse_text(rel.to_string(), text, &config.tz);
        let Some(file) = file else { return failed(problems) };
        if problems.iter().any(Diagnostic::is_error) {
            return failed(problems);
        }
        let (Some(current), Some((tera, _))) = (self.current.as_mut(), self.templates.as_ref()) else {
            problems.push(
                Diagnostic::error(&file.shown, "网站还没有成功生成过，暂时无法预览")
                    .hint("先改好预览窗口里列出的错误，网站生成成功后即可预览"),
            );
            return failed(problems);
        };
        let site = &mut current.site;
        let folder = file.folder().to_string();
        let found = site.pages.iter().position(|p| p.rel == rel);
        let slot = found.or_else(|| {
            site.pages
                .iter()
                .position(|p| p.rel.rsplit_once('/').is_some_and(|(dir, _)| dir == folder))
        });
        let Some(index) = slot else {
            problems.push(
                Diagnostic::error(&file.shown, "这个栏目还没有已发布的文章，暂时无法预览")
                    .hint("保存后在网站预览里查看；栏目里有一篇已发布的文章后，这里就能预览"),
            );
            return failed(problems);
        };
        let links = site.link_table.links(&site.config.base_path, true);
        let rendered = markdown::render(&file.body, file.body_line, &file.shown, &links, &mut problems);
        let saved = site.pages[index].clone();
        {
            let page = &mut site.pages[index];
            if found.is_none() {
                // Where the new post will be: its photos are found beside it.
                let column_path = page
                    .path
                    .trim_end_matches('/')
                    .rsplit_once('/')
                    .map_or("", |(dir, _)| dir);
                page.path = format!("{column_path}/{}/", file.stem())
                    .trim_start_matches('/')
                    .to_string();
                page.rel = file.rel.clone();
                page.shown = file.shown.clone();
            }
            let title = file
                .meta
                .title
                .clone()
                .or_else(|| file.meta.extra.get("name").and_then(crate::yaml::read::string))
                .unwrap_or_default();
            fill_page(page, &file, title, rendered);
        }
        // A member's or a proposal's own record is read from the model, not
        // from the page's settings: the unsaved settings' record stands in
        // for it (and not the record of the page whose place was borrowed).
        let found_problems = Diagnostics::new();
        let records = swap_records(site, index, found.is_none(), &found_problems);
        problems.extend(found_problems.into_sorted());
        current.values.refresh_page(site, index);
        let job = crate::render::article_job(site, index);
        let prepared = crate::render::prepare_job(site, tera, &current.values, &job);
        let mut html = Vec::new();
        let result = crate::render::render_prepared(tera, &prepared, &mut html);
        site.pages[index] = saved;
        records.put_back(site);
        current.values.refresh_page(site, index);
        match result {
            Ok(()) => Preview {
                html: Some(String::from_utf8_lossy(&html).into_owned()),
                problems,
            },
            Err(e) => {
                problems.push(
                    Diagnostic::error(&file.shown, format!("预览时模板出错：{e}"))
                        .hint("检查网站主题的模板；生成网站时会报告同样的错误"),
                );
                failed(problems)
            }
        }
    }
}

/// The member or proposal records a preview replaced, to put back.
#[derive(Default)]
struct Swapped {
    member: Option<(usize, crate::model::members::Member)>,
    leader: Option<(usize, crate::model::leaders::Leader)>,
    proposal: Option<(usize, crate::model::proposals::Proposal)>,
}

impl Swapped {
    fn put_back(self, site: &mut Site) {
        if let Some((i, member)) = self.member {
            site.members[i] = member;
        }
        if let Some((i, leader)) = self.leader {
            site.leaders[i] = leader;
        }
        if let Some((i, proposal)) = self.proposal {
            site.proposals[i] = proposal;
        }
    }
}

/// Puts the records page `index`'s settings make in place of the ones the
/// model holds for it, with their problems; returns those, to put back. A `borrowed` page whose
/// settings make no proposal yet shows none (rather than its owner's).
fn swap_records(site: &mut Site, index: usize, borrowed: bool, problems: &Diagnostics) -> Swapped {
    use crate::model::{leaders, members, proposals};
    let mut swapped = Swapped::default();
    let page = &site.pages[index];
    if let Some(m) = page.member {
        let mut member = members::member_of(m, page, problems);
        // The record comes from other pages, and the photo is found on disk
        // by the build: the saved ones stand while the photo is the same.
        let old = &site.members[m];
        if !borrowed {
            member.record.clone_from(&old.record);
        }
        if member.photo_file == old.photo_file {
            member.photo.clone_from(&old.photo);
        }
        swapped.member = Some((m, std::mem::replace(&mut site.members[m], member)));
    }
    let page = &site.pages[index];
    if let Some(l) = page.leader {
        let directory = members::Directory::new(&site.members);
        let old = &site.leaders[l];
        let mut leader = leaders::leader_of(old.page, page, &directory, problems);
        if !borrowed {
            leader.speeches.clone_from(&old.speeches);
            leader.activities.clone_from(&old.activities);
        }
        if leader.photo_file == old.photo_file {
            leader.photo.clone_from(&old.photo);
        }
        swapped.leader = Some((l, std::mem::replace(&mut site.leaders[l], leader)));
    }
    let page = &site.pages[index];
    if let (Some(p), Some(fields)) = (page.proposal, proposals::fields_of(page, problems)) {
        let directory = members::Directory::new(&site.members);
        let proposers = fields
            .proposers
            .iter()
            .map(|name| match directory.find(name) {
                Some(m) => proposals::Proposer::Member(m),
                None => proposals::Proposer::Named(name.clone()),
            })
            .collect();
        let old = &site.proposals[p];
        let reply = match (fields.reply, &old.reply) {
            // A reply letter is found on disk by the build; the text is shown as typed.
            (Some(text), _) if !crate::model::files::looks_like_file(&text) => Some(proposals::Reply::Text(text)),
            (Some(_), Some(proposals::Reply::File(link))) => Some(proposals::Reply::File(link.clone())),
            _ => None,
        };
        let record = proposals::Proposal {
            page: old.page,
            number: fields.number,
            session: fields.session,
            proposers,
            category: fields.category,
            status: fields.status,
            handler: fields.handler,
            reply,
            result: fields.result,
            satisfaction: fields.satisfaction,
        };
        swapped.proposal = Some((p, std::mem::replace(&mut site.proposals[p], record)));
    } else if borrowed {
        site.pages[index].proposal = None;
    }
    swapped
}

/// Puts a file's settings and its rendered text into its page: what an edit
/// of the text or of the shown settings changes.
fn fill_page(page: &mut crate::model::page::Page, file: &SourceFile, title: String, rendered: markdown::Rendered) {
    page.title = title;
    page.meta = file.meta.clone();
    page.body_line = file.body_line;
    page.char_count = rendered.char_count;
    page.summary = match &page.meta.summary {
        Some(s) => s.clone(),
        None => rendered.summary.clone(),
    };
    page.content = rendered.html;
    page.figures = rendered.figures;
    page.toc = rendered.toc;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sink::InPlace;
    use std::fs;
    use std::path::Path;

    /// A site with the default theme and one news column of three posts.
    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for entry in walkdir::WalkDir::new(&theme) {
            let entry = entry.unwrap();
            let to = root
                .join("themes/default")
                .join(entry.path().strip_prefix(&theme).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(&to).unwrap();
            } else {
                fs::copy(entry.path(), &to).unwrap();
            }
        }
        fs::write(
            root.join("site.yaml"),
            "title: 测试政协\nbase_url: https://test.example.cn/\norganization:\n  name: 政协测试区委员会\n",
        )
        .unwrap();
        fs::create_dir_all(root.join("content/yaowen")).unwrap();
        fs::write(
            root.join("content/yaowen/_index.md"),
            "---\ntitle: 政协要闻\nkind: news\n---\n",
        )
        .unwrap();
        for i in 1..=3 {
            write_post(root, i, &format!("正文第{i}篇。"));
        }
        dir
    }

    fn write_post(root: &Path, i: usize, body: &str) {
        fs::write(
            root.join(format!("content/yaowen/2025-03-0{i}-p{i}.md")),
            format!("---\ntitle: 第{i}篇要闻\ndate: 2025-03-0{i}\n---\n{body}\n"),
        )
        .unwrap();
    }

    fn engine(root: &Path) -> Engine {
        Engine::new(EngineOptions::new(root)).at("2026-01-01T00:00:00Z".parse().unwrap())
    }

    fn built(outcome: Outcome) -> Report {
        match outcome {
            Outcome::Built(report) => report,
            Outcome::Failed { diagnostics } => panic!("{diagnostics:?}"),
        }
    }

    #[test]
    fn the_model_stage_alone_writes_nothing() {
        let dir = site();
        let mut engine = engine(dir.path());
        let diagnostics = Diagnostics::new();
        engine.load_all(&diagnostics);
        let site = engine.model_with(None, false, &diagnostics);
        assert!(!diagnostics.has_errors());
        assert_eq!(site.pages.len(), 3);
        assert!(!dir.path().join("public").exists());
    }

    #[test]
    fn an_update_renders_only_the_pages_whose_data_changed() {
        let dir = site();
        let out = tempfile::tempdir().unwrap();
        let sink = InPlace::new(out.path(), "测试文件夹");
        let mut engine = engine(dir.path());
        let first = built(engine.update(Touched::everything(), &sink));
        assert!(first.pages > 5, "every page the first time");
        assert!(out.path().join("yaowen/2025-03-02-p2/index.html").exists());

        // Nothing changed: nothing rendered, nothing written.
        let again = built(engine.update(Touched::everything(), &sink));
        assert_eq!((again.pages, again.changed.len()), (0, 0));

        // One body: its page and the pages showing its summary (the lists,
        // its neighbour's previous/next link), not the others.
        write_post(dir.path(), 3, "改过的正文。");
        let touched = Touched {
            content: true,
            files: vec!["yaowen/2025-03-03-p3.md".into()],
            ..Touched::default()
        };
        let edited = built(engine.update(touched, &sink));
        assert!(edited.pages < first.pages, "{:?}", edited.changed);
        assert!(
            edited.changed.iter().any(|p| p == "yaowen/2025-03-03-p3/"),
            "{:?}",
            edited.changed
        );
        assert!(edited.changed.iter().any(|p| p == "yaowen/"), "{:?}", edited.changed);
        assert!(
            !edited.changed.iter().any(|p| p.contains("-p1/")),
            "{:?}",
            edited.changed
        );
        let page = fs::read_to_string(out.path().join("yaowen/2025-03-03-p3/index.html")).unwrap();
        assert!(page.contains("改过的正文"));
    }

    /// What is dropped meanwhile is dropped, on another thread.
    #[test]
    fn a_value_dropped_meanwhile_is_freed() {
        struct Tells(std::sync::mpsc::Sender<std::thread::ThreadId>);
        impl Drop for Tells {
            fn drop(&mut self) {
                let _ = self.0.send(std::thread::current().id());
            }
        }
        let (tell, told) = std::sync::mpsc::channel();
        drop_meanwhile(Tells(tell));
        let dropped_on = told.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
        assert_ne!(dropped_on, std::thread::current().id());
    }

    #[test]
    fn an_engine_that_models_once_hands_its_texts_to_the_model() {
        let dir = site();
        let out = tempfile::tempdir().unwrap();
        let sink = InPlace::new(out.path(), "测试文件夹");
        let page = out.path().join("yaowen/2025-03-02-p2/index.html");

        let mut keeping = engine(dir.path());
        built(keeping.update(Touched::everything(), &sink));
        assert!(keeping.content().files.iter().any(|f| &*f.body == "正文第2篇。\n"));
        let expected = fs::read(&page).unwrap();

        let mut once = engine(dir.path());
        once.texts_once();
        built(once.update(Touched::everything(), &sink));
        assert!(once.content().files.iter().all(|f| f.body.is_empty()), "no text kept");
        assert_eq!(fs::read(&page).unwrap(), expected);

        // Modelled again with nothing remembered: the texts are read again.
        once.memo = MarkdownMemo::new();
        once.forget_output();
        fs::remove_file(&page).unwrap();
        built(once.update(Touched::everything(), &sink));
        assert_eq!(fs::read(&page).unwrap(), expected);
    }

    /// The settings of each source are held once, by the engine and the model alike.
    #[test]
    fn the_model_shares_the_sources_settings() {
        let dir = site();
        let out = tempfile::tempdir().unwrap();
        let mut engine = engine(dir.path());
        built(engine.update(Touched::everything(), &InPlace::new(out.path(), "测试文件夹")));
        let site = engine.site().unwrap();
        assert_eq!(site.pages.len(), 3);
        for page in &site.pages {
            let source = engine.sources.files[&page.rel].file.as_ref().unwrap();
            assert!(Arc::ptr_eq(&page.meta, &source.meta), "{}", page.rel);
        }
    }

    #[test]
    fn a_restored_engine_sees_that_nothing_changed() {
        let dir = site();
        let out = tempfile::tempdir().unwrap();
        let sink = InPlace::new(out.path(), "测试文件夹");
        let mut engine = engine(dir.path());
        built(engine.update(Touched::everything(), &sink));
        let key = state::StateKey {
            build: state::build_id(),
            base_url: None,
            drafts: false,
            search: true,
        };
        let file = dir.path().join(state::STATE_DIR).join("test.state");
        state::store(&file, &engine.save(key.clone())).unwrap();

        let saved = state::load(&file, &key).unwrap().unwrap();
        let mut restored =
            Engine::restore(EngineOptions::new(dir.path()), saved, &file).at("2026-01-01T00:00:00Z".parse().unwrap());
        let changes_seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = Arc::clone(&changes_seen);
        restored.when_changed(move || {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        restored.refresh(Touched::everything()).unwrap();
        assert!(restored.unchanged());
        assert_eq!(changes_seen.load(std::sync::atomic::Ordering::Relaxed), 0);
        let report = built(restored.write(&sink));
        assert_eq!((report.pages, report.articles), (0, 3));

        // A changed source is seen after restoring too.
        write_post(dir.path(), 3, "又改了一处。");
        let saved = state::load(&file, &key).unwrap().unwrap();
        let mut restored =
            Engine::restore(EngineOptions::new(dir.path()), saved, &file).at("2026-01-01T00:00:00Z".parse().unwrap());
        let seen = Arc::clone(&changes_seen);
        restored.when_changed(move || {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        restored.refresh(Touched::everything()).unwrap();
        assert!(!restored.unchanged());
        // Once, however many updates follow.
        restored.refresh(Touched::everything()).unwrap();
        assert_eq!(changes_seen.load(std::sync::atomic::Ordering::Relaxed), 1);
        let report = built(restored.write(&sink));
        assert!(
            report.changed.iter().any(|p| p == "yaowen/2025-03-03-p3/"),
            "{:?}",
            report.changed
        );
        assert!(
            !report.changed.iter().any(|p| p.contains("-p1/")),
            "{:?}",
            report.changed
        );
    }
}
