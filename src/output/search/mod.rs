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
/// Column byte of documents outside any column.
const NO_COLUMN: u8 = 255;

/// jieba with its full dictionary: loading it costs ~150 ms, so it is made once
/// per process and shared by every thread.
pub fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// One searchable document.
#[derive(Debug, Serialize)]
pub struct Doc {
    #[serde(rename = "u")]
    pub url: String,
    #[serde(rename = "t")]
    pub title: String,
    #[serde(rename = "c")]
    pub column: u8,
    /// The date as shown (2026年3月2日), if any.
    #[serde(rename = "d", skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// Plain text, cut to `EXCERPT_TEXT` characters.
    #[serde(rename = "x")]
    pub excerpt: String,
    /// The whole text, for indexing only.
    #[serde(skip)]
    pub body: String,
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
        .par_iter()
        .map(|&i| {
            let page = &site.pages[i];
            let text = text::collapse_whitespace(&text::strip_html(&page.content));
            let excerpt = text.chars().take(EXCERPT_TEXT).collect();
            // The furniture is searched but not shown in excerpts.
            let body = format!("{text} {}", furniture(site, page));
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
                excerpt,
                body,
            }
        })
        .collect();
    // A book is found by its title, editor and introduction.
    docs.extend(site.books.iter().map(|b| {
        let body = text::collapse_whitespace(&format!(
            "{} {} {} {}",
            b.editor,
            b.publisher,
            b.year,
            text::strip_html(&b.content)
        ));
        Doc {
            url: url(&b.path),
            title: b.title.clone(),
            column: column_byte(Some(b.column)),
            date: String::new(),
            excerpt: body.chars().take(EXCERPT_TEXT).collect(),
            body,
        }
    }));
    docs
}

/// Builds the index of `docs` and returns the files to write: (site path, bytes).
pub fn index_files(site: &Site, docs: &[Doc]) -> Vec<(String, Vec<u8>)> {
    let jieba = jieba();
    let lengths: Vec<u32> = docs.par_iter().map(|d| index::length(&d.title, &d.body)).collect();
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs.len().max(1) as f64;
    // Documents are cut in parallel, a block at a time, and added in id order.
    let mut postings = Postings::default();
    for (block, chunk) in docs.chunks(CUT_BLOCK).enumerate() {
        let cut: Vec<DocTerms> = chunk
            .par_iter()
            .map(|d| DocTerms::of(&d.title, &d.body, jieba))
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
    let mut shard_bytes: Vec<Vec<u8>> = vec![Vec::new(); shards];
    for (term, count, list) in postings.into_sorted() {
        let shard = index::hash(&term) as usize & (shards - 1);
        index::write_entry(&mut shard_bytes[shard], &term, count, &list);
    }

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
    let mut files = vec![
        (
            format!("{FOLDER}/meta.json"),
            serde_json::to_vec(&meta).unwrap_or_default(),
        ),
        (format!("{FOLDER}/columns.bin"), docs.iter().map(|d| d.column).collect()),
    ];
    files.extend(
        shard_bytes
            .into_iter()
            .enumerate()
            .filter(|(_, b)| !b.is_empty())
            .map(|(n, b)| (format!("{FOLDER}/s/{n}.bin"), b)),
    );
    files.extend(docs.iter().enumerate().map(|(id, d)| {
        (
            format!("{FOLDER}/d/{id}.json"),
            serde_json::to_vec(d).unwrap_or_default(),
        )
    }));
    files
}

/// Writes the search index into the output. Returns how many files were written.
pub fn write(site: &Site, staging: &Staging, diagnostics: &Diagnostics) -> usize {
    let docs = documents(site);
    let files = index_files(site, &docs);
    files
        .par_iter()
        .map(|(path, bytes)| match staging.write(path, bytes) {
            Ok(()) => 1,
            Err(e) => {
                diagnostics.push(staging.write_error(&staging.file_for(path), &e));
                0
            }
        })
        .sum()
}
