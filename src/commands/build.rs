//! `tongxin build`: configuration → content → model → HTML → output, reporting
//! every problem found along the way. Nothing replaces the previous output unless
//! the whole build succeeded.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::content;
use crate::diagnostics::{DISK_FULL, Diagnostic, Diagnostics, display_path};
use crate::engine::state::{self, StateKey};
use crate::engine::{Engine, EngineOptions, Outcome, Report, Stopwatch, Touched};
use crate::output::overlay::Overlay;
#[cfg(unix)]
use crate::output::standby::Standby;
use crate::output::standby::{self, Folders};
use crate::output::{self, NextOutput, Staging, images, search};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    /// Where the site is written; `<root>/public` by default.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Also publish drafts and future-dated pages.
    pub drafts: bool,
    /// The moment of the build; tests fix it, users never set it.
    pub now: Option<Timestamp>,
    /// Build from nothing, ignoring what the last build kept (`--clean`).
    pub clean: bool,
    /// Go on from the last build as where folders cannot be exchanged in
    /// one step (Windows, macOS): tests only, to run that path here.
    pub without_exchange: bool,
    /// The process ends right after the build (`tongxin build`): the memory
    /// of the modelled site is left for the system to take back at exit
    /// instead of being freed (see `Engine::ends_with_process`).
    pub ends_process: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            now: None,
            clean: false,
            without_exchange: false,
            ends_process: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    /// HTML pages rendered (articles, lists, home, 404).
    pub pages: usize,
    /// Published articles and single pages.
    pub articles: usize,
    /// Other files written or copied (feeds, sitemap, static files).
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Time spent in each stage, for benchmarks (`TONGXIN_TIMINGS=1`).
    pub stages: Vec<(&'static str, Duration)>,
    /// Photos processed and taken from the cache.
    pub images: images::Summary,
    /// The build went on from the last one's state, writing only what changed.
    pub incremental: bool,
    /// Files of the output written, replaced or removed (every file after a
    /// build from nothing).
    pub changed: usize,
    /// Why the last build's state was not used, when it was there but could
    /// not be (another version of Tongxin, other options, damaged).
    pub notice: Option<&'static str>,
}

/// The build failed; `diagnostics` holds every error (and warning) found.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailure {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let diagnostics = Diagnostics::new();
    let root = &options.root;
    let now = options.now.unwrap_or_else(Timestamp::now);
    let output_dir = options.output_dir();
    // Without the site folder every later stage would add its own “not found”.
    if !root.is_dir() {
        return Err(BuildFailure {
            diagnostics: vec![
                Diagnostic::error(display_path(root), "找不到这个网站文件夹")
                    .hint("在网站文件夹（含 site.yaml）里运行 tongxin build，或用 --root 指定它"),
            ],
        });
    }
    if let Some(problem) = unsafe_output(root, &output_dir) {
        diagnostics.push(problem);
    }

    let engine_options = EngineOptions {
        root: root.clone(),
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        now: Some(now),
    };
    // What the last build kept, unless asked to start from nothing.
    let state_path = state::path_for(root, &output_dir);
    let key = StateKey {
        build: state::build_id(),
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        search: wants_search(),
    };
    let mut notice = None;
    let saved = if options.clean {
        None
    } else {
        state::load(&state_path, &key).unwrap_or_else(|why| {
            notice = Some(why.notice());
            None
        })
    };
    let (mut engine, folders) = match saved {
        Some(mut saved) => {
            let folders = saved.folders.take();
            (Engine::restore(engine_options, saved, &state_path), folders)
        }
        None => (Engine::new(engine_options), None),
    };
    if options.ends_process {
        engine.ends_with_process();
    }
    engine.texts_once();
    // jieba's dictionary takes ~0.1 s of a core to load: on a thread of its
    // own, ready by the time the search index needs it. A build from nothing
    // starts it now, beside reading the sources; a build that goes on from
    // the last one only once it finds something changed.
    if wants_search() {
        let warm = || {
            std::thread::spawn(|| {
                search::jieba();
            });
        };
        if folders.is_some() {
            engine.when_changed(warm);
        } else {
            warm();
        }
    }
    // The sources first: the output is touched only for a site that can be built.
    if let Err(problems) = engine.refresh(Touched::everything()) {
        diagnostics.extend(problems);
    }
    if diagnostics.has_errors() {
        return Err(BuildFailure {
            diagnostics: diagnostics.into_sorted(),
        });
    }
    // Nothing changed since the last build, and its output is as it left
    // it: nothing to do (checked by inode, size and time; on Windows by
    // size and time). Unless a build stopped part way left its journal: the
    // files it touched in the standby folder are mended below, and the
    // journal removed, with nothing written to the output.
    if engine.unchanged()
        && !standby::unfinished(&state_path)
        && let Some(kept) = &folders
    {
        let target = output::resolved(&output_dir);
        match standby::untrusted(&target, kept) {
            Some(bad) if bad.is_empty() => {
                let report = match engine.write(&output::sink::InPlace::new(&target, "输出文件夹")) {
                    Outcome::Built(report) => report,
                    Outcome::Failed { diagnostics: problems } => {
                        diagnostics.extend(problems);
                        return Err(failure(&diagnostics, &output_dir));
                    }
                };
                diagnostics.extend(report.warnings);
                state::mark_used(&state_path);
                state::remove_unused(&state_path, std::time::SystemTime::now());
                return Ok(BuildReport {
                    output: output_dir,
                    pages: 0,
                    articles: report.articles,
                    files: 0,
                    warnings: diagnostics.into_sorted(),
                    elapsed: started.elapsed(),
                    stages: report.stages,
                    images: report.images,
                    incremental: true,
                    changed: 0,
                    notice,
                });
            }
            // Files changed by someone else: built again as usual below.
            _ => {}
        }
    }
    if engine.unchanged() {
        // The output must be written after all: model the site.
        if let Err(problems) = engine.refresh(Touched::everything()) {
            diagnostics.extend(problems);
            return Err(failure(&diagnostics, &output_dir));
        }
    }
    let search_path = state_path.with_extension("search");
    let written = match folders {
        Some(folders) if !options.without_exchange && output::can_exchange_beside(&output::resolved(&output_dir)) => {
            incremental(
                &mut engine,
                &output_dir,
                Some(folders),
                &state_path,
                &search_path,
                &diagnostics,
            )?
        }
        Some(folders) => beside(&mut engine, &output_dir, folders, &search_path, &diagnostics)?,
        None => None,
    };
    let (report, folders, changed, incremental, search) = match written {
        Some((report, folders, changed, search)) => (report, folders, changed, true, search),
        None => {
            let (report, folders, search) = from_nothing(&mut engine, &output_dir, &diagnostics)?;
            let changed = folders.live.len();
            (report, folders, changed, false, search)
        }
    };
    let mut watch = Stopwatch::start();
    // Everything is written: the site is not needed to save the state.
    engine.forget_site();
    // Kept for the next build; a state that cannot be written only makes
    // that build slower.
    let mut saved = engine.save(key);
    saved.folders = Some(folders);
    if state::store(&state_path, &saved).is_ok() {
        output::standby::finished(&state_path);
        // Only a build whose own state is kept clears out others.
        state::remove_unused(&state_path, std::time::SystemTime::now());
    }
    // What the search index is, for the next build to change it. Checked
    // against the output when read, so it may be saved before or after the
    // rest of the state, or not at all (the next index is then made whole).
    if let Some(kept) = search {
        let _ = kept.store(&search_path);
    }
    watch.lap("保存生成记录");
    // Freeing what the engine holds (every page's rendering) is left to
    // another thread, or to the system when the process ends now.
    engine.let_go();
    let mut stages = report.stages;
    stages.extend(watch.stages);
    Ok(BuildReport {
        output: output_dir,
        pages: report.pages,
        articles: report.articles,
        files: report.files,
        warnings: diagnostics.into_sorted(),
        elapsed: started.elapsed(),
        stages,
        images: report.images,
        incremental,
        changed,
        notice,
    })
}

/// TONGXIN_NO_SEARCH=1 skips the search index. It exists only for
/// bench/search.sh, which compares a build with and without the index to
/// measure what indexing costs; sites have no setting for it.
fn wants_search() -> bool {
    std::env::var_os("TONGXIN_NO_SEARCH").is_none_or(|v| v != "1")
}

/// What the search index is made from, taken as the last use of the modelled
/// site: the corpus shares the pages' texts, and the rest of the site and its
/// page data go before the index is made, at the build's peak of memory
/// (100,000 posts: 2.12 → 1.92 GB, for ~10% more time in the index, whose
/// allocations then land among the freed ones).
fn last_corpus(engine: &mut Engine) -> Option<search::Corpus> {
    let corpus = engine.search_corpus();
    engine.forget_site();
    corpus
}

/// [`last_corpus`] for an incremental build, whose index changes little: the
/// site is let go of on another thread (~25 ms sooner on 10,000 posts).
fn corpus_for_update(engine: &mut Engine) -> Option<search::Corpus> {
    let corpus = engine.search_corpus();
    engine.forget_site_meanwhile();
    corpus
}

/// A build from nothing: every file written into a fresh staging folder,
/// which then replaces the output.
fn from_nothing(
    engine: &mut Engine,
    output_dir: &Path,
    diagnostics: &Diagnostics,
) -> Result<(Report, Folders, Option<search::Kept>), BuildFailure> {
    engine.forget_output();
    let staging = Staging::create(output_dir).map_err(|e| BuildFailure {
        diagnostics: vec![
            Diagnostic::io(display_path(output_dir), "无法创建输出文件夹", &e).hint("检查磁盘空间和文件夹的写入权限"),
        ],
    })?;
    let mut report = match engine.write(&staging) {
        Outcome::Built(report) => report,
        Outcome::Failed { diagnostics: problems } => {
            staging.abandon();
            diagnostics.extend(problems);
            return Err(failure(diagnostics, output_dir));
        }
    };
    diagnostics.extend(std::mem::take(&mut report.warnings));
    let mut watch = Stopwatch::start();
    let mut search = None;
    if wants_search()
        && let Some(corpus) = last_corpus(engine)
    {
        let (written, kept) = search::write(&corpus, &staging, diagnostics);
        report.files += written.len();
        search = kept;
    }
    watch.lap("搜索索引");
    if diagnostics.has_errors() {
        staging.abandon();
        return Err(failure(diagnostics, output_dir));
    }
    let old_copy = staging.commit().map_err(|e| swap_failed(output_dir, &e))?;
    tell_old_copy(old_copy, diagnostics);
    // A standby folder of an earlier build no longer matches.
    let target = output::resolved(output_dir);
    let _ = std::fs::remove_dir_all(standby::standby_dir(&target));
    let folders = Folders {
        live_ino: standby::ino_of(&target),
        live: standby::manifest_of(&target),
        ..Folders::default()
    };
    watch.lap("替换输出文件夹");
    report.stages.extend(watch.stages);
    Ok((report, folders, search))
}

/// A build that goes on from the last one where folders cannot be exchanged
/// in one step: the files that changed go into a new folder, which takes the
/// other files over from the output and is then put in its place (see
/// [`Overlay`]). `None` when the output is not the one the state describes.
fn beside(
    engine: &mut Engine,
    output_dir: &Path,
    folders: Folders,
    search_path: &Path,
    diagnostics: &Diagnostics,
) -> Result<Option<GoneOn>, BuildFailure> {
    let watch = Stopwatch::start();
    let overlay = match Overlay::create(output_dir, folders) {
        Ok(Some(overlay)) => overlay,
        Ok(None) => return Ok(None),
        Err(e) => {
            return Err(BuildFailure {
                diagnostics: vec![
                    Diagnostic::io(display_path(output_dir), "无法创建输出文件夹", &e)
                        .hint("检查磁盘空间和文件夹的写入权限"),
                ],
            });
        }
    };
    go_on(engine, output_dir, overlay, search_path, diagnostics, watch).map(Some)
}

/// Writes what changed since the last build into `next`, brings the search
/// index up to date and puts `next` in place of the output: the part of a
/// build that goes on from the last one that is the same whichever way the
/// new output is made ([`NextOutput`]).
fn go_on(
    engine: &mut Engine,
    output_dir: &Path,
    next: impl NextOutput,
    search_path: &Path,
    diagnostics: &Diagnostics,
    mut watch: Stopwatch,
) -> Result<GoneOn, BuildFailure> {
    watch.lap("核对输出文件夹");
    let target = output::resolved(output_dir);
    // Files changed by someone else are written again.
    engine.forget_files(next.untrusted());
    let search_touched = next.untrusted().iter().any(|p| p.starts_with(search::FOLDER));
    let mut report = match engine.write(&next) {
        Outcome::Built(report) => report,
        Outcome::Failed { diagnostics: problems } => {
            next.abandon();
            diagnostics.extend(problems);
            return Err(failure(diagnostics, output_dir));
        }
    };
    diagnostics.extend(std::mem::take(&mut report.warnings));
    let mut rest = Stopwatch::start();
    let search = index_gone_on(
        engine,
        &mut report,
        (search_touched, search_path, &target),
        &next,
        diagnostics,
    );
    rest.lap("搜索索引");
    if diagnostics.has_errors() {
        next.abandon();
        return Err(failure(diagnostics, output_dir));
    }
    let changed = next.changes();
    let (folders, old_copy) = next.commit().map_err(|e| swap_failed(output_dir, &e))?;
    tell_old_copy(old_copy, diagnostics);
    rest.lap("替换输出文件夹");
    let mut stages = watch.stages;
    stages.append(&mut report.stages);
    stages.extend(rest.stages);
    report.stages = stages;
    Ok((report, folders, changed, search))
}

/// The search index of a build that went on from the last one, through
/// `next`: changed from the last build's index (kept at `search_path`), or
/// made whole when files of it were changed by someone else
/// (`search_touched`). Returns what to keep of it (`None` also when the
/// build changed nothing).
fn index_gone_on(
    engine: &mut Engine,
    report: &mut Report,
    (search_touched, search_path, target): (bool, &Path, &Path),
    next: &impl NextOutput,
    diagnostics: &Diagnostics,
) -> Option<search::Kept> {
    if !wants_search() || (report.changed.is_empty() && !search_touched) {
        return None;
    }
    let corpus = corpus_for_update(engine)?;
    let kept = if search_touched {
        None
    } else {
        search::Kept::load(search_path)
    };
    let (files, kept) = search::update(&corpus, kept, target, next, diagnostics);
    report.files += files.len();
    // Files of the last index this one no longer has.
    next.remove_others(search::FOLDER, &files);
    kept
}

/// The error when the new output could not be put in place of the old one.
fn swap_failed(output_dir: &Path, e: &std::io::Error) -> BuildFailure {
    BuildFailure {
        diagnostics: vec![
            Diagnostic::io(display_path(output_dir), "无法用新生成的网站替换输出文件夹", e)
                .hint("关闭正在使用该文件夹的程序（如资源管理器、本地预览服务器）后重试"),
        ],
    }
}

/// A warning for the old output's copy that could not be deleted.
fn tell_old_copy(old_copy: Option<std::path::PathBuf>, diagnostics: &Diagnostics) {
    if let Some(old) = old_copy {
        diagnostics.push(
            Diagnostic::warning(display_path(&old), "新网站已生成，但上一版输出的副本没能删除")
                .hint("可能有文件正被其他程序打开；关闭后下次生成会自动删除，也可以手动删除这个文件夹"),
        );
    }
}

/// What a build that went on from the last one did: its report, the folders
/// to keep, how many files changed, and what its search index is.
type GoneOn = (Report, Folders, usize, Option<search::Kept>);

/// Without a way to exchange folders in one step there is no standby folder:
/// builds go on from the last one through [`beside`].
#[cfg(not(unix))]
fn incremental(
    _: &mut Engine,
    _: &Path,
    _: Option<Folders>,
    _: &Path,
    _: &Path,
    _: &Diagnostics,
) -> Result<Option<GoneOn>, BuildFailure> {
    Ok(None)
}

/// A build that goes on from the last one: the files that changed are put
/// into the standby folder, which then changes places with the output. `None`
/// when the output cannot be gone on from (see [`Standby::open`]).
#[cfg(unix)]
fn incremental(
    engine: &mut Engine,
    output_dir: &Path,
    folders: Option<Folders>,
    state_path: &Path,
    search_path: &Path,
    diagnostics: &Diagnostics,
) -> Result<Option<GoneOn>, BuildFailure> {
    let watch = Stopwatch::start();
    let target = output::resolved(output_dir);
    let standby = match Standby::open(&target, folders, state_path) {
        Ok(Some(standby)) => standby,
        Ok(None) | Err(_) => return Ok(None),
    };
    go_on(engine, output_dir, standby, search_path, diagnostics, watch).map(Some)
}

/// Every error found, the disk being full said once.
fn failure(diagnostics: &Diagnostics, output_dir: &Path) -> BuildFailure {
    BuildFailure {
        diagnostics: one_disk_full_error(diagnostics.take_sorted(), output_dir),
    }
}

/// Once the disk is full every later file fails too: one error says so, on the
/// output folder, instead of one per file (a flood that hides the cause).
fn one_disk_full_error(mut all: Vec<Diagnostic>, output: &Path) -> Vec<Diagnostic> {
    let full = |d: &Diagnostic| d.is_error() && d.disk_full;
    let count = all.iter().filter(|d| full(d)).count();
    if count == 0 {
        return all;
    }
    all.retain(|d| !full(d));
    all.insert(
        0,
        Diagnostic::error(
            display_path(output),
            format!("{DISK_FULL}，新网站没有生成完（{count} 个文件没能写入）"),
        )
        .hint("清理磁盘空间，或用 --output 换到空间足够的磁盘，然后重新生成；原来的输出文件夹没有改动"),
    );
    all
}

/// Refuses output folders whose replacement would destroy the user's work.
fn unsafe_output(root: &Path, output: &Path) -> Option<Diagnostic> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(output));
    if root_abs.starts_with(&out_abs) {
        return Some(
            Diagnostic::error(display_path(output), "输出文件夹不能是网站文件夹本身或它的上级")
                .hint("生成时会整体替换输出文件夹；请用一个单独的文件夹，例如 --output public"),
        );
    }
    for protected in [content::CONTENT_DIR, "static", "templates", "themes"] {
        if out_abs.starts_with(root_abs.join(protected)) {
            return Some(
                Diagnostic::error(display_path(output), format!("输出文件夹不能放在 {protected}/ 里"))
                    .hint("生成时会整体替换输出文件夹；请用一个单独的文件夹，例如 --output public"),
            );
        }
    }
    // A file where the folder should be: saying “the folder has other files”
    // would send the user looking inside a folder that is not there.
    if output.exists() && !output.is_dir() {
        return Some(
            Diagnostic::error(display_path(output), "输出位置是一个文件，不是文件夹")
                .hint("把这个文件改名或移走（确认无用后也可删除），或用 --output 指定另一个文件夹"),
        );
    }
    if !output::replaceable(output) {
        return Some(
            Diagnostic::error(display_path(output), "输出文件夹里已有其他文件，不是同心生成的")
                .hint("为避免误删，请换一个空文件夹作为输出（--output 新文件夹），或确认无用后手动清空它"),
        );
    }
    None
}
