//! The site search index, for the search page (`/search/`, the theme's
//! `search.html` and `js/search.js`) that runs in the browser with no server. It is split so that a query downloads only what it needs:
//!
//! - `search/data/meta.json`: the number of documents and shards, the column names;
//! - `search/data/columns.bin`: one byte per document, its column (255: none), so that
//!   results can be counted and filtered by column before any of them is fetched;
//! - `search/data/s/<n>.bin`: the shards; a term lives in shard `fnv1a(term) % shards`
//!   (see `index.rs` for the format);
//! - `search/data/d/<id>.json`: one document's title, URL, column, date and text, fetched
//!   only for the results shown, to draw the excerpt.
//!
//! Documents are numbered newest first, so that among equal results the lower id
//! is the newer page. Drafts, the 404 page and pages with `search: false` are
//! left out.

pub mod index;
pub mod tokens;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use rayon::prelude::*;
use serde::Serialize;

use crate::content::figures::Figure;
use crate::content::text;
use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::model::page::Page;
use crate::model::published::Owner;
use crate::output::sink::Sink;
use crate::render::filters::{format_date_cn, join_url};
use crate::render::pictures::Pictures;
use index::{DocTerms, Postings};

/// Where the index is published.
pub const FOLDER: &str = crate::render::values::SEARCH_DATA;
/// The text kept per document for excerpts, in characters.
const EXCERPT_TEXT: usize = 1000;
/// Aim for shards of about this many bytes: a query fetches one per term.
const SHARD_BYTES: usize = 4 * 1024;
/// Documents cut in parallel at a time: enough to keep both cores busy, few
/// enough that their terms wait in memory only briefly.
const CUT_BLOCK: usize = 512;
/// Shards written in parallel at a time.
const SHARD_BATCH: usize = 256;
/// Column byte of documents outside any column.
const NO_COLUMN: u8 = 255;

/// jieba with its full dictionary: loading it costs ~150 ms, so it is made once
/// per process and shared by every thread.
pub fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// One searchable document. Its text is made again from its body when it is
/// needed (for its length, then for its terms and excerpt), so that at most a
/// block of texts is in memory at once: on a 100,000-page site, keeping every
/// text would cost about a gigabyte.
#[derive(Debug)]
pub struct Doc {
    pub url: String,
    pub title: String,
    pub column: u8,
    /// The date as shown (2026年3月2日), if any.
    pub date: String,
    body: Body,
}

/// Where a document's text comes from.
#[derive(Debug)]
enum Body {
    Page {
        /// The page's HTML (shared with the site model) and its photos.
        html: Arc<str>,
        figures: Vec<Figure>,
        path: String,
        rel: String,
        /// Fields around the article that people search for too.
        furniture: String,
    },
    /// A book is found by its title, editor and introduction.
    Book {
        html: String,
        figures: Vec<Figure>,
        path: String,
        folder: String,
        /// Editor, publisher and year.
        about: String,
    },
}

/// What the index is made from: the searchable documents of a site, taken
/// from the model in a moment (the bodies are shared, not copied), so that the
/// index can be made on another thread while the site goes on changing
/// (`tongxin serve`).
pub struct Corpus {
    docs: Vec<Doc>,
    /// Column titles, and column numbers in navigation order.
    columns: Vec<String>,
    order: Vec<usize>,
    pictures: Arc<Pictures>,
}

/// A document's file, `d/<id>.json`.
#[derive(Serialize)]
struct DocFile<'a> {
    #[serde(rename = "u")]
    url: &'a str,
    #[serde(rename = "t")]
    title: &'a str,
    #[serde(rename = "c")]
    column: u8,
    #[serde(rename = "d", skip_serializing_if = "str::is_empty")]
    date: &'a str,
    /// Plain text, cut to `EXCERPT_TEXT` characters.
    #[serde(rename = "x")]
    excerpt: &'a str,
}

impl Corpus {
    /// The documents of the site, newest first. Drafts and pages with
    /// `search: false` are left out.
    pub fn of(site: &Site, pictures: Arc<Pictures>) -> Corpus {
        let url = |path: &str| join_url(&site.config.base_path, path);
        let column_byte = |c: Option<usize>| c.map_or(NO_COLUMN, |c| c.min(254) as u8);
        let mut order: Vec<usize> = (0..site.pages.len())
            .filter(|&i| !site.pages[i].meta.draft && !opted_out(&site.pages[i]))
            .collect();
        // Dated pages newest first, then undated ones in their usual order.
        order.sort_by_key(|&i| std::cmp::Reverse(site.pages[i].meta.date.as_ref().map(|d| d.timestamp())));
        let mut docs: Vec<Doc> = order
            .into_iter()
            .map(|i| {
                let page = &site.pages[i];
                Doc {
                    url: url(&page.path),
                    title: page.title.clone(),
                    column: column_byte(page.column),
                    date: page
                        .meta
                        .date
                        .as_ref()
                        .and_then(|d| format_date_cn(&crate::dates::rfc3339(d), false))
                        .unwrap_or_default(),
                    body: Body::Page {
                        html: page.content.clone(),
                        figures: page.figures.clone(),
                        path: page.path.clone(),
                        rel: page.rel.clone(),
                        furniture: furniture(site, page),
                    },
                }
            })
            .collect();
        docs.extend(site.books.iter().map(|b| Doc {
            url: url(&b.path),
            title: b.title.clone(),
            column: column_byte(Some(b.column)),
            date: String::new(),
            body: Body::Book {
                html: b.content.clone(),
                figures: b.figures.clone(),
                path: b.path.clone(),
                folder: b.folder.clone(),
                about: format!("{} {} {}", b.editor, b.publisher, b.year),
            },
        }));
        Corpus {
            docs,
            columns: site.columns.iter().map(|c| c.title.clone()).collect(),
            order: site
                .nav
                .iter()
                .copied()
                .chain((0..site.columns.len()).filter(|c| !site.nav.contains(c)))
                .collect(),
            pictures,
        }
    }

    /// The documents, in id order.
    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    /// A document's whole searchable text, and how much of its start (in
    /// bytes) is shown in excerpts.
    fn text(&self, doc: &Doc) -> (String, usize) {
        let (text, furniture) = match &doc.body {
            Body::Page {
                html,
                figures,
                path,
                rel,
                furniture,
            } => {
                let html = self.pictures.body(html, figures, &Owner::source(path, rel));
                // The furniture is searched but not shown in excerpts.
                (text::collapse_whitespace(&text::strip_html(&html)), furniture.as_str())
            }
            Body::Book {
                html,
                figures,
                path,
                folder,
                about,
            } => {
                let owner = Owner {
                    path,
                    dir: folder,
                    own_folder: folder,
                };
                let html = self.pictures.body(html, figures, &owner);
                let text = text::collapse_whitespace(&format!("{about} {}", text::strip_html(&html)));
                (text, "")
            }
        };
        let shown = text.char_indices().nth(EXCERPT_TEXT).map_or(text.len(), |(i, _)| i);
        if furniture.is_empty() {
            (text, shown)
        } else {
            (format!("{text} {furniture}"), shown)
        }
    }
}

/// Whether a page asked to stay out of search (`search: false`, `搜索: false`).
fn opted_out(page: &Page) -> bool {
    ["search", "搜索"]
        .iter()
        .any(|k| page.meta.extra.get(*k).and_then(|v| v.as_bool()) == Some(false))
}

/// Fields shown around the article that people search for too: a member's sector
/// and committees, a proposal's number, proposers and handling unit, a speaker.
fn furniture(site: &Site, page: &Page) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(m) = page.member.map(|m| &site.members[m]) {
        parts.extend([m.name.as_str(), &m.sector, &m.party, &m.employer]);
        parts.extend(m.committees.iter().map(String::as_str));
        parts.extend(m.roles.iter().map(String::as_str));
    }
    if let Some(p) = page.proposal.map(|p| &site.proposals[p]) {
        parts.extend([p.number.as_str(), &p.session, &p.category, &p.handler, p.status.label()]);
        for proposer in &p.proposers {
            parts.push(match proposer {
                crate::model::proposals::Proposer::Member(m) => &site.members[*m].name,
                crate::model::proposals::Proposer::Named(name) => name,
            });
        }
    }
    for value in [&page.meta.speaker, &page.meta.occasion, &page.meta.topic]
        .into_iter()
        .flatten()
    {
        parts.push(value);
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// Builds the index of `corpus` and hands each file to `emit` (site path,
/// bytes) as soon as it is made, from several threads: nothing waits in memory
/// for the whole index to be done. Stops early, returning `false`, once
/// `cancelled` is set (a newer site is on its way); `true` when every file was
/// emitted. `meta.json` comes last, so an index stopped part way still points
/// at shards of one whole index where it can.
pub fn index_files(corpus: &Corpus, emit: &(dyn Fn(String, Vec<u8>) + Sync), cancelled: &AtomicBool) -> bool {
    let stop = || cancelled.load(Ordering::Relaxed);
    let jieba = jieba();
    let docs = &corpus.docs;
    let lengths: Vec<u32> = docs
        .par_iter()
        .map(|d| {
            if stop() {
                0
            } else {
                index::length(&d.title, &corpus.text(d).0)
            }
        })
        .collect();
    if stop() {
        return false;
    }
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs.len().max(1) as f64;
    // Documents are cut in parallel, a block at a time, and added in id order.
    let mut postings = Postings::default();
    for (block, chunk) in docs.chunks(CUT_BLOCK).enumerate() {
        let cut: Vec<Option<DocTerms>> = chunk
            .par_iter()
            .enumerate()
            .map(|(n, d)| {
                if stop() {
                    return None;
                }
                let (body, shown) = corpus.text(d);
                let file = DocFile {
                    url: &d.url,
                    title: &d.title,
                    column: d.column,
                    date: &d.date,
                    excerpt: &body[..shown],
                };
                let id = block * CUT_BLOCK + n;
                emit(
                    format!("{FOLDER}/d/{id}.json"),
                    serde_json::to_vec(&file).unwrap_or_default(),
                );
                Some(DocTerms::of(&d.title, &body, jieba))
            })
            .collect();
        if stop() {
            return false;
        }
        for (n, terms) in cut.into_iter().enumerate() {
            let id = block * CUT_BLOCK + n;
            postings.add(id as u32, terms.unwrap_or_default(), lengths[id], average);
        }
    }
    let shards = postings
        .bytes()
        .div_ceil(SHARD_BYTES)
        .clamp(1, 16_384)
        .next_power_of_two();
    // Shard by shard, each written as soon as it is whole, so that the
    // postings are never held twice (as lists and as shards).
    let shard_of = |term: &str| index::hash(term) as usize & (shards - 1);
    let mut terms = postings.into_sorted();
    if stop() {
        return false;
    }
    // Stable: terms stay sorted within each shard.
    terms.sort_by_cached_key(|(term, ..)| shard_of(term));
    let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
    let flush = |batch: &mut Vec<(usize, Vec<u8>)>| {
        batch
            .par_drain(..)
            .for_each(|(n, bytes)| emit(format!("{FOLDER}/s/{n}.bin"), bytes));
    };
    for (term, count, list) in terms {
        let shard = shard_of(&term);
        if batch.last().is_none_or(|(n, _)| *n != shard) {
            if batch.len() >= SHARD_BATCH {
                if stop() {
                    return false;
                }
                flush(&mut batch);
            }
            batch.push((shard, Vec::new()));
        }
        if let Some((_, bytes)) = batch.last_mut() {
            index::write_entry(bytes, &term, count, &list);
        }
    }
    if stop() {
        return false;
    }
    flush(&mut batch);

    #[derive(Serialize)]
    struct Meta<'a> {
        version: u32,
        docs: usize,
        shards: usize,
        columns: Vec<&'a str>,
        /// Column numbers in navigation order, for the filter buttons.
        order: &'a [usize],
    }
    let meta = Meta {
        version: 1,
        docs: docs.len(),
        shards,
        columns: corpus.columns.iter().map(String::as_str).collect(),
        order: &corpus.order,
    };
    emit(format!("{FOLDER}/columns.bin"), docs.iter().map(|d| d.column).collect());
    emit(
        format!("{FOLDER}/meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    );
    true
}

/// Writes the search index into the output. Returns the files written.
pub fn write(corpus: &Corpus, sink: &dyn Sink, diagnostics: &Diagnostics) -> Vec<String> {
    let written = std::sync::Mutex::new(Vec::new());
    let emit = |path: String, bytes: Vec<u8>| match sink.write(&path, &bytes) {
        Ok(()) => written.lock().unwrap_or_else(|e| e.into_inner()).push(path),
        Err(e) => diagnostics.push(sink.write_error(&path, &e)),
    };
    index_files(corpus, &emit, &AtomicBool::new(false));
    written.into_inner().unwrap_or_else(|e| e.into_inner())
}
