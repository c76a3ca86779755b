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

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use jieba_rs::Jieba;
use rayon::prelude::*;
use serde::Serialize;

use crate::content::text;
use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::model::page::Page;
use crate::output::Staging;
use crate::render::filters::{format_date_cn, join_url};
use index::{DocTerms, Postings};

/// Where the index is published.
pub const FOLDER: &str = "search/data";
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

/// One searchable document. Its text is made again from the page when it is
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
    source: Source,
}

#[derive(Debug, Clone, Copy)]
enum Source {
    Page(usize),
    Book(usize),
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

/// A document's whole searchable text, and how much of its start (in bytes)
/// is shown in excerpts.
fn doc_text(site: &Site, source: Source) -> (String, usize) {
    let (text, furniture) = match source {
        Source::Page(i) => {
            let page = &site.pages[i];
            let text = text::collapse_whitespace(&text::strip_html(&page.content));
            // The furniture is searched but not shown in excerpts.
            (text, furniture(site, page))
        }
        // A book is found by its title, editor and introduction.
        Source::Book(b) => {
            let b = &site.books[b];
            let text = text::collapse_whitespace(&format!(
                "{} {} {} {}",
                b.editor,
                b.publisher,
                b.year,
                text::strip_html(&b.content)
            ));
            (text, String::new())
        }
    };
    let shown = text.char_indices().nth(EXCERPT_TEXT).map_or(text.len(), |(i, _)| i);
    if furniture.is_empty() {
        (text, shown)
    } else {
        (format!("{text} {furniture}"), shown)
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

/// The documents of the site, newest first.
pub fn documents(site: &Site) -> Vec<Doc> {
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
                source: Source::Page(i),
            }
        })
        .collect();
    docs.extend(site.books.iter().enumerate().map(|(i, b)| Doc {
        url: url(&b.path),
        title: b.title.clone(),
        column: column_byte(Some(b.column)),
        date: String::new(),
        source: Source::Book(i),
    }));
    docs
}

/// Builds the index of the site and hands each file to `emit` (site path,
/// bytes) as soon as it is made, from several threads: nothing waits in memory
/// for the whole index to be done.
pub fn index_files(site: &Site, emit: &(dyn Fn(String, Vec<u8>) + Sync)) {
    let jieba = jieba();
    let docs = documents(site);
    let lengths: Vec<u32> = docs
        .par_iter()
        .map(|d| index::length(&d.title, &doc_text(site, d.source).0))
        .collect();
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs.len().max(1) as f64;
    // Documents are cut in parallel, a block at a time, and added in id order.
    let mut postings = Postings::default();
    for (block, chunk) in docs.chunks(CUT_BLOCK).enumerate() {
        let cut: Vec<DocTerms> = chunk
            .par_iter()
            .enumerate()
            .map(|(n, d)| {
                let (body, shown) = doc_text(site, d.source);
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
                DocTerms::of(&d.title, &body, jieba)
            })
            .collect();
        for (n, terms) in cut.into_iter().enumerate() {
            let id = block * CUT_BLOCK + n;
            postings.add(id as u32, terms, lengths[id], average);
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
                flush(&mut batch);
            }
            batch.push((shard, Vec::new()));
        }
        if let Some((_, bytes)) = batch.last_mut() {
            index::write_entry(bytes, &term, count, &list);
        }
    }
    flush(&mut batch);

    #[derive(Serialize)]
    struct Meta<'a> {
        version: u32,
        docs: usize,
        shards: usize,
        columns: Vec<&'a str>,
        /// Column numbers in navigation order, for the filter buttons.
        order: Vec<usize>,
    }
    let meta = Meta {
        version: 1,
        docs: docs.len(),
        shards,
        columns: site.columns.iter().map(|c| c.title.as_str()).collect(),
        order: site
            .nav
            .iter()
            .copied()
            .chain((0..site.columns.len()).filter(|c| !site.nav.contains(c)))
            .collect(),
    };
    emit(
        format!("{FOLDER}/meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    );
    emit(format!("{FOLDER}/columns.bin"), docs.iter().map(|d| d.column).collect());
}

/// Writes the search index into the output. Returns how many files were written.
pub fn write(site: &Site, staging: &Staging, diagnostics: &Diagnostics) -> usize {
    let written = AtomicUsize::new(0);
    index_files(site, &|path, bytes| match staging.write(&path, &bytes) {
        Ok(()) => {
            written.fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => diagnostics.push(staging.write_error(&staging.file_for(&path), &e)),
    });
    written.into_inner()
}
