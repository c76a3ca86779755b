//! The pass over every Markdown file as written, in parallel: the text rules on
//! its front matter fields, its encoding, a future date, its `check` settings
//! and line annotations; then ([`Bodies`]) the text rules on the prose of its
//! body, images without alt text, and the links it contains (resolved later,
//! once the site is modelled).
//!
//! Bodies are read from the model's own parse of the Markdown, which
//! [`Bodies`] observes, so that each body is parsed once; bodies the model does
//! not render (future-dated pages, files with errors) are read again.
//! Drafts are not published, so only their settings are read.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

use jiff::Timestamp;
use pulldown_cmark::Event;
use rayon::prelude::*;

use super::hygiene::Place;
use super::links::FileLinks;
use super::prose::Prose;
use super::silence::{self, Ignore, PageSettings};
use super::wording::Wording;
use super::{Finding, Hit, Level, text_hits};
use crate::check::rules::Rule;
use crate::content::{Content, SourceFile};
use crate::diagnostics::display_path;

/// What the sources gave.
#[derive(Default)]
pub struct SourceResult {
    pub findings: Vec<Finding>,
    pub links: Vec<FileLinks>,
    /// Files' own and inherited (column) ignore lists, by file as shown.
    pub ignore: HashMap<String, Ignore>,
    pub lines: HashMap<String, HashMap<usize, Ignore>>,
    /// `require` of each column that sets it, by folder.
    pub require: HashMap<String, Vec<String>>,
    /// `stale_after_days` of content/_index.md.
    pub home_days: Option<i64>,
    pub home_exists: bool,
    /// Files whose body the text rules read: (below `content/`, as shown).
    wanted: Vec<(String, String)>,
}

/// Front matter fields that are prose.
const FIELDS: &[&str] = &[
    "title",
    "summary",
    "description",
    "author",
    "source",
    "speaker",
    "occasion",
    "topic",
];

pub fn check(content: &Content, wording: &Wording, now: Timestamp) -> SourceResult {
    let mut result = SourceResult::default();
    // Column settings first: a column's ignore list applies to its pages.
    let mut columns: HashMap<&str, PageSettings> = HashMap::new();
    for file in content
        .files
        .iter()
        .filter(|f| f.is_index() && !f.folder().contains('/'))
    {
        if file.folder().is_empty() {
            result.home_exists = true;
            result.home_days = file.meta.stale_after_days;
        }
        let (settings, _) = silence::page_settings(&file.meta.extra, "", None);
        if let Some(require) = &settings.require {
            result.require.insert(file.folder().to_string(), require.clone());
        }
        columns.insert(file.folder(), settings);
    }
    let files: Vec<FileResult> = content
        .files
        .par_iter()
        .map(|file| {
            let top = file.rel.split('/').next().unwrap_or("");
            let inherited = (!file.is_index() || file.folder().contains('/'))
                .then(|| columns.get(top).map(|c| &c.ignore))
                .flatten();
            check_file(file, wording, now, inherited)
        })
        .collect();
    for f in files {
        result.findings.extend(f.findings);
        if !f.ignore.0.is_empty() {
            result.ignore.insert(f.shown.clone(), f.ignore);
        }
        if !f.lines.is_empty() {
            result.lines.insert(f.shown.clone(), f.lines);
        }
        if f.wants_body {
            result.wanted.push((f.rel, f.shown));
        }
    }
    result
}

struct FileResult {
    rel: String,
    shown: String,
    findings: Vec<Finding>,
    ignore: Ignore,
    lines: HashMap<usize, Ignore>,
    wants_body: bool,
}

fn check_file(file: &SourceFile, wording: &Wording, now: Timestamp, inherited: Option<&Ignore>) -> FileResult {
    let shown = display_path(&file.shown);
    let meta = &file.meta;
    let (settings, mut findings) = silence::page_settings(&meta.extra, &shown, meta.line_of("check"));
    let mut ignore = settings.ignore;
    if let Some(column) = inherited {
        ignore.extend(column);
    }
    let (lines, problems) = silence::annotations(&file.body, file.body_line, &shown);
    findings.extend(problems);
    if file.bom {
        findings.push(super::encoding::bom(&shown));
    }
    let mut result = FileResult {
        rel: file.rel.clone(),
        shown,
        findings,
        ignore,
        lines,
        wants_body: false,
    };
    if meta.draft || meta.unreadable {
        return result;
    }
    let shown = result.shown.clone();

    if let Some(date) = &meta.date
        && date.timestamp() > now
    {
        let days = (date.timestamp().as_second() - now.as_second()) / 86_400;
        let (level, message) = if days > 30 {
            (
                Level::Warning,
                format!(
                    "日期 {} 比今天晚 {days} 天，是不是年份或月份写错了？这篇文章现在不会发布",
                    crate::dates::chinese(date.date())
                ),
            )
        } else {
            (
                Level::Info,
                format!(
                    "日期 {} 还没到，这篇文章到那天重新生成时才会发布",
                    crate::dates::chinese(date.date())
                ),
            )
        };
        result.findings.push(
            Finding::new(Rule::MetaFuture, &shown, message)
                .level(level)
                .line(meta.line_of("date").or(Some(1)))
                .fix("日期写错了就改正；确是定时发布，可以在这篇文章开头加“check: { ignore: [meta-future] }”"),
        );
    }

    // Front matter fields: findings at the field's line.
    let mut hits = Vec::new();
    for key in FIELDS {
        let value = match *key {
            "title" => meta.title.as_deref(),
            "summary" => meta.summary.as_deref(),
            "description" => meta.description.as_deref(),
            "author" => meta.author.as_deref(),
            "source" => meta.source.as_deref(),
            "speaker" => meta.speaker.as_deref(),
            "occasion" => meta.occasion.as_deref(),
            _ => meta.topic.as_deref(),
        };
        let Some(value) = value else { continue };
        hits.clear();
        text_hits(value, wording, Place::Field, &mut hits);
        let line = meta.line_of(key).or(Some(1));
        for hit in hits.drain(..) {
            result.findings.push(finding(&shown, hit, value, line, None));
        }
    }

    result.wants_body = !file.body.trim().is_empty();
    result
}

/// What the text rules found in a body: findings, and the links it has.
type BodyResult = (Vec<Finding>, Vec<super::prose::LinkRef>);

/// The text rules on the prose of a body, and its images and links.
fn check_body(shown: &str, mut prose: Prose, wording: &Wording) -> BodyResult {
    let mut findings = Vec::new();
    let mut hits = Vec::new();
    for block in &prose.blocks {
        let text = prose.text(block);
        text_hits(text, wording, Place::Body, &mut hits);
        for hit in hits.drain(..) {
            let (line, column) = prose.block_position(block, hit.start);
            findings.push(finding(shown, hit, text, Some(line), Some(column)));
        }
    }
    for (line, column, dest) in &prose.missing_alt {
        findings.push(
            Finding::new(Rule::MetaAlt, shown, format!("图片“{dest}”没有说明文字（替代文本）"))
                .at(*line, *column)
                .text(dest.clone())
                .fix("在方括号里写上图片内容，例如“![区政协召开常委会会议](photo.jpg)”；读屏软件会读出这段文字"),
        );
    }
    (findings, std::mem::take(&mut prose.links))
}

/// Sees the bodies the model renders (see the module documentation).
pub struct Bodies<'w> {
    wording: &'w Wording,
    seen: Mutex<super::links::FastMap<String, BodyResult>>,
}

impl<'w> Bodies<'w> {
    pub fn new(wording: &'w Wording) -> Self {
        Bodies {
            wording,
            seen: Mutex::new(Default::default()),
        }
    }

    /// Adds what the bodies gave to `result`; bodies the model did not render
    /// are read again from `root`.
    pub fn finish(self, result: &mut SourceResult, root: &Path) {
        let wording = self.wording;
        let mut seen = self.seen.into_inner().unwrap_or_else(|p| p.into_inner());
        let wanted = std::mem::take(&mut result.wanted);
        let unseen: Vec<BodyResult> = wanted
            .par_iter()
            .filter(|(_, shown)| !seen.contains_key(shown))
            .map(|(rel, shown)| read_again(wording, root, rel, shown))
            .collect();
        let mut unseen = unseen.into_iter();
        for (rel, shown) in wanted {
            let (findings, links) = match seen.remove(&shown) {
                Some(r) => r,
                None => unseen.next().unwrap_or_default(),
            };
            result.findings.extend(findings);
            if !links.is_empty() {
                result.links.push(FileLinks { rel, shown, links });
            }
        }
    }
}

/// A body the model did not render, read again (errors reading it were
/// reported when it was first read).
fn read_again(wording: &Wording, root: &Path, rel: &str, shown: &str) -> BodyResult {
    let path = root.join(crate::content::CONTENT_DIR).join(rel);
    let Ok(decoded) = crate::encoding::read_decoded(&path, Path::new(shown)) else {
        return BodyResult::default();
    };
    let Ok(split) = crate::content::front_matter::split(&decoded.text, Path::new(shown)) else {
        return BodyResult::default();
    };
    check_body(shown, Prose::read(split.body, split.body_line), wording)
}

impl crate::content::markdown::Observer for Bodies<'_> {
    fn observe(
        &self,
        file: &Path,
        first_line: usize,
        body: &str,
        source: &str,
        events: Vec<(Event<'_>, Range<usize>)>,
    ) {
        let shown = display_path(file);
        let prose = Prose::from_events(body, source, first_line, events);
        let result = check_body(&shown, prose, self.wording);
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(shown, result);
    }
}

fn finding(shown: &str, hit: Hit, text: &str, line: Option<usize>, column: Option<usize>) -> Finding {
    let shown_text = if hit.text.is_empty() {
        text.get(hit.start..hit.end).unwrap_or("").to_string()
    } else {
        hit.text
    };
    Finding {
        rule: hit.rule,
        level: hit.level,
        file: shown.to_string(),
        line,
        column,
        text: shown_text,
        message: hit.message,
        fix: hit.fix,
    }
}
