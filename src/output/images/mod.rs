//! The image stage of a build: every JPEG, PNG and WebP the site publishes is
//! resized and re-encoded without metadata (see [`process`]), through a cache
//! (see [`cache`]), and the pages that show them get `srcset`, `width` and
//! `height`. SVG and GIF files are copied as they are by the static stage.
//!
//! [`publish`] takes the site model and the staging folder, so any command that
//! writes a site (build, serve) can call it and share the cache. It returns the
//! [`Pictures`] table that rendering finishes every photo's markup from; the
//! model itself is not changed.

pub mod cache;
mod intrinsic;
pub mod messages;
pub mod process;
mod resolve;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::config::ImageSettings;
use crate::content::figures::{self, Picture};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path, io_reason};
use crate::model::Site;
use crate::model::published::PublishedFiles;
use crate::output::sink::Sink;
use crate::output::static_files::StaticFile;
use crate::render::pictures::Pictures;

use cache::{Cache, Entry};
use process::Note;
pub use resolve::Refs;

/// Extensions of the files this stage publishes (the others are copied).
const PROCESSED: &[&str] = &["jpg", "jpeg", "png", "webp", "heic", "heif", "avif"];

/// What the stage did, for the build report (and tests of the cache).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Photos processed in this build.
    pub made: usize,
    /// Photos whose copies came from the cache.
    pub reused: usize,
    /// Photos that could not be published.
    pub failed: usize,
}

/// More photos than this to process show a progress bar (on a terminal).
const PROGRESS_FROM: usize = 5;

/// What [`publish`] did.
pub struct Published {
    /// The files left for the static stage to copy as they are.
    pub copies: Vec<StaticFile>,
    pub summary: Summary,
    /// Every file written, as paths below the output (`tongxin serve` removes
    /// those a later rebuild no longer writes).
    pub written: Vec<String>,
    /// What rendering needs to show the photos.
    pub pictures: Pictures,
}

/// Publishes the photos among `files` (every file the site publishes besides
/// its pages: (source, path below the output)) into `staging`, and returns the
/// table of what was made.
pub fn publish(
    site: &Site,
    root: &Path,
    files: PublishedFiles,
    staging: &dyn Sink,
    diagnostics: &Diagnostics,
) -> Published {
    let mut rest = Vec::new();
    let mut photos: HashMap<String, PathBuf> = HashMap::new();
    let mut sizes: HashMap<String, (u32, u32)> = HashMap::new();
    let mut videos = HashMap::new();
    for (dest, src) in files.iter() {
        let ext = figures::extension(dest);
        if figures::VIDEO_TYPES.iter().any(|(e, _)| *e == ext)
            && let Some(info) = crate::output::video::probe(src, &ext)
        {
            videos.insert(dest.clone(), info);
        }
        if PROCESSED.contains(&ext.as_str()) {
            photos.insert(dest.clone(), src.clone());
        } else {
            if matches!(ext.as_str(), "gif" | "svg")
                && let Some(size) = intrinsic::size(src, &ext)
            {
                sizes.insert(dest.clone(), size);
            }
            rest.push((src.clone(), dest.clone()));
        }
    }
    let refs = resolve::references(site, &files);
    let settings = site.config.images.clone();
    let written = std::sync::Mutex::new(Vec::new());
    let (made, summary) = make_all(&photos, root, &settings, staging, &refs, &written, diagnostics);
    let mut written = written.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    written.sort();
    Published {
        copies: rest,
        summary,
        written,
        pictures: Pictures::new(files, made, sizes, &site.config.base_path).with_videos(videos),
    }
}

/// Processes (or takes from the cache) every photo, in parallel, and places
/// its copies in the staging folder. Returns the picture of each published one.
fn make_all(
    photos: &HashMap<String, PathBuf>,
    root: &Path,
    settings: &ImageSettings,
    staging: &dyn Sink,
    refs: &Refs,
    written: &std::sync::Mutex<Vec<String>>,
    diagnostics: &Diagnostics,
) -> (HashMap<String, Picture>, Summary) {
    let cache = Cache::new(root);
    let shown = |src: &Path| display_path(src.strip_prefix(root).unwrap_or(src));
    // First the cheap part: read and look up every photo, to know how much work is left.
    let looked: Vec<(&String, &PathBuf, Result<Lookup, Diagnostic>)> = photos
        .par_iter()
        .map(|(dest, src)| {
            let result = std::fs::read(src)
                .map_err(|e| {
                    Diagnostic::error(shown(src), format!("无法读取图片（{}）", io_reason(&e)))
                        .hint("确认文件没有被其他程序占用")
                })
                .map(|bytes| {
                    let ext = figures::extension(dest);
                    let key = cache::key(&bytes, &ext, settings);
                    match cache.get(&key) {
                        Some(entry) => Lookup::Hit(entry),
                        None => Lookup::Miss(key),
                    }
                });
            (dest, src, result)
        })
        .collect();
    let misses = looked.iter().filter(|(.., r)| matches!(r, Ok(Lookup::Miss(_)))).count();
    let bar = progress(misses);
    let made = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let results: Vec<(String, Option<Picture>)> = looked
        .into_par_iter()
        .map(|(dest, src, lookup)| {
            let entry = match lookup {
                Err(d) => {
                    diagnostics.push(d);
                    None
                }
                Ok(Lookup::Hit(entry)) => Some(entry),
                Ok(Lookup::Miss(key)) => {
                    let ext = figures::extension(dest);
                    let outcome = std::fs::read(src)
                        .map_err(|e| process::Failure::Damaged(io_reason(&e)))
                        .and_then(|bytes| process::process(&bytes, &ext, settings));
                    bar.inc(1);
                    match outcome {
                        Ok(processed) => {
                            made.fetch_add(1, Ordering::Relaxed);
                            match cache.put(&key, &processed) {
                                Ok(entry) => Some(entry),
                                Err(e) => {
                                    diagnostics.push(
                                        Diagnostic::io(
                                            display_path(&root.join(cache::CACHE_DIR)),
                                            "无法写入图片缓存",
                                            &e,
                                        )
                                        .hint("检查磁盘空间和网站文件夹的写入权限；也可以删除 .tongxin/images 文件夹后重试"),
                                    );
                                    None
                                }
                            }
                        }
                        Err(failure) => {
                            report_failure(Path::new(&shown(src)), dest, &failure, refs, diagnostics);
                            None
                        }
                    }
                }
            };
            let Some(entry) = entry else {
                failed.fetch_add(1, Ordering::Relaxed);
                return (dest.clone(), None);
            };
            for note in &entry.notes {
                match note {
                    Note::Cmyk => {
                        let (message, hint) = messages::cmyk(&file_name(dest));
                        diagnostics.push(Diagnostic::warning(shown(src), message).hint(hint));
                    }
                }
            }
            (dest.clone(), place_entry(dest, &entry, staging, written, diagnostics))
        })
        .collect();
    bar.finish_and_clear();
    let made = made.into_inner();
    let failed = failed.into_inner();
    let summary = Summary {
        made,
        failed,
        reused: results.len() - made - failed,
    };
    let pictures = results.into_iter().filter_map(|(d, p)| Some((d, p?))).collect();
    (pictures, summary)
}

enum Lookup {
    Hit(Entry),
    Miss(String),
}

/// A photo that cannot be published is an error where a page shows it (at
/// the line that names it), and a warning when no page does: it is left out.
fn report_failure(shown: &Path, dest: &str, failure: &process::Failure, refs: &Refs, diagnostics: &Diagnostics) {
    let (message, hint) = messages::failure(&shown.to_string_lossy(), failure);
    match refs.get(dest) {
        Some(places) if !places.is_empty() => {
            for (file, line) in places {
                let mut d = Diagnostic::error(file, message.clone()).hint(hint.clone());
                if let Some(line) = line {
                    d = d.at_line(*line);
                }
                diagnostics.push(d);
            }
        }
        _ => {
            diagnostics.push(Diagnostic::warning(shown, format!("{message}；没有页面用到它，这次没有发布")).hint(hint))
        }
    }
}

fn file_name(dest: &str) -> String {
    dest.rsplit('/').next().unwrap_or(dest).to_string()
}

/// Puts the cached copies of a photo beside where the photo is published
/// (`a/photo.jpg`, `a/photo-480w.jpg`…).
fn place_entry(
    dest: &str,
    entry: &Entry,
    staging: &dyn Sink,
    written: &std::sync::Mutex<Vec<String>>,
    diagnostics: &Diagnostics,
) -> Option<Picture> {
    let stem = match dest.rfind('.') {
        Some(dot) if dot > dest.rfind('/').map_or(0, |s| s + 1) => &dest[..dot],
        _ => dest,
    };
    let mut candidates = Vec::new();
    for file in &entry.files {
        let path = if file.suffix.is_empty() {
            dest.to_string()
        } else {
            format!("{stem}{}", file.suffix)
        };
        if let Err(e) = staging.place(&file.path, &path) {
            diagnostics.push(staging.write_error(&path, &e));
            return None;
        }
        if let Ok(mut list) = written.lock() {
            list.push(path.clone());
        }
        if file.in_srcset {
            candidates.push((path, file.width, file.height));
        }
    }
    candidates.sort_by_key(|c| c.1);
    let (src, width, height) = candidates.last().cloned()?;
    Some(Picture {
        src,
        candidates: candidates.into_iter().map(|(p, w, _)| (p, w)).collect(),
        width,
        height,
    })
}

/// A progress bar on the terminal for long work; nothing in a log or a test.
fn progress(total: usize) -> indicatif::ProgressBar {
    if total < PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("正在处理图片 {bar:30} {pos}/{len} 张，还需约 {eta}")
    {
        bar.set_style(style);
    }
    bar
}
