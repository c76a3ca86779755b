//! The site search index, for the search page (`/search/`, the theme's
//! `search.html` and `js/search.js`) that runs in the browser with no server. It is
//! split so that a query downloads only what it needs, in few files (every file is a
//! round trip for FTP and object-storage uploads):
//!
//! - `search/data/meta.json`: the numbers of documents, ids, shards and texts per
//!   pack, the column names;
//! - `search/data/docs.bin` (zlib-compressed): per document id, its column (one byte; 255: none, 254:
//!   no longer in the index), then per id its length class
//!   ([`index::length_class`]), so that results can be scored, counted and
//!   filtered by column before any of them is fetched; then per id the size of its
//!   compressed text (u16, little-endian), so that the page knows where a text
//!   lies in its pack without asking; then, when ids are not in date order, each
//!   id's rank by date (u32);
//! - `search/data/s/<n>.bin` (zlib-compressed): the shards; a term lives in shard
//!   `fnv1a(term) % shards` (see `index.rs` for the format);
//! - `search/data/t/<n>.bin`: the texts of [`PACK`] documents, one after the
//!   other: each document's `[url, title, date, text]` as zlib-compressed JSON.
//!   The page fetches only the texts it shows, with HTTP range requests (one per
//!   run of nearby texts).
//!
//! - `search/data/r/<n>.bin` (zlib-compressed, like `s/`): after an incremental build, the postings of the pages
//!   edited or added since the shards were written, which take the place of
//!   theirs in `s/` (`meta.json` lists their ids; see `kept.rs`).
//!
//! A whole index numbers documents newest first; a page added later gets the
//! next id, and `docs.bin` then ends with the ranks by date, which break ties
//! between equal results (newer first). Drafts, the 404 page and pages with
//! `search: false` are left out. `read.rs` reads an index back, for tests.

pub mod index;
mod kept;
pub mod read;
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
use index::{DocParts, DocTerms, List, PARTS, Postings};
pub use kept::Kept;

/// Where the index is published.
pub const FOLDER: &str = crate::render::values::SEARCH_DATA;
/// The text kept per document for excerpts, in characters.
const EXCERPT_TEXT: usize = 600;
/// Aim for shards of about this many bytes: a query fetches one per term.
const SHARD_BYTES: usize = 10 * 1024;
/// At most this many shards, so that a 10,000-page index stays under a
/// thousand files with its text packs. Not a power of two: a term's shard is
/// its hash modulo the count.
const MAX_SHARDS: usize = 896;
/// Documents whose texts share one file.
pub const PACK: usize = 128;
/// Documents cut in parallel at a time: enough to keep both cores busy, few
/// enough that their terms wait in memory only briefly. A whole number of packs.
const CUT_BLOCK: usize = 4 * PACK;
/// Column byte of documents outside any column.
const NO_COLUMN: u8 = 255;
/// Column byte of an id whose document is no longer in the index.
pub const GONE: u8 = 254;

/// jieba's dictionary, embedded by build.rs from the jieba-rs package.
mod dictionary {
    include!(concat!(env!("OUT_DIR"), "/jieba_dictionary.rs"));
}

/// jieba with its full dictionary: loading it costs ~150 ms, so it is made once
/// per process and shared by every thread.
pub fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        // The dictionary is part of the binary and read in a test below: it
        // cannot be malformed at run time.
        Jieba::with_dict(&mut dictionary::DICTIONARY.as_bytes()).expect("jieba's embedded dictionary parses")
    })
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

/// A document's text as its pack holds it, compressed: what a result shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct DocText {
    pub url: String,
    pub title: String,
    /// The date as shown, or empty.
    pub date: String,
    /// Plain text, cut to `EXCERPT_TEXT` characters.
    pub text: String,
}

impl DocText {
    /// The compressed bytes of `[url, title, date, text]`, at most
    /// `u16::MAX` of them (`docs.bin` keeps each size in two bytes): an absurdly
    /// long title is shortened in the result list rather than break the index.
    fn pack(url: &str, title: &str, date: &str, text: &str) -> Vec<u8> {
        let compress = |title: &str, text: &str| {
            let json = serde_json::to_vec(&(url, title, date, text)).unwrap_or_default();
            zlib(&json, 1)
        };
        let packed = compress(title, text);
        if packed.len() <= usize::from(u16::MAX) {
            return packed;
        }
        let short = |s: &str, n: usize| s.char_indices().nth(n).map_or(s, |(at, _)| &s[..at]).to_string();
        let packed = compress(&(short(title, 200) + "……"), &short(text, 200));
        if packed.len() <= usize::from(u16::MAX) {
            return packed;
        }
        // Only an address of tens of kilobytes gets here, which no file system
        // allows; the result then shows no text rather than a broken pack.
        compress("", "")
    }

    /// The `n`th text of a pack file, given the sizes of its texts. For tests
    /// and tools.
    pub fn read(pack: &[u8], sizes: &[u16], n: usize) -> Option<DocText> {
        let start: usize = sizes.get(..n)?.iter().map(|&s| usize::from(s)).sum();
        let blob = pack.get(start..start + usize::from(*sizes.get(n)?))?;
        let json = miniz_oxide::inflate::decompress_to_vec_zlib(blob).ok()?;
        let (url, title, date, text) = serde_json::from_slice(&json).ok()?;
        Some(DocText { url, title, date, text })
    }
}

impl Corpus {
    /// The documents of the site, newest first. Drafts and pages with
    /// `search: false` are left out.
    pub fn of(site: &Site, pictures: Arc<Pictures>) -> Corpus {
        let url = |path: &str| join_url(&site.config.base_path, path);
        let column_byte = |c: Option<usize>| c.map_or(NO_COLUMN, |c| c.min(GONE as usize - 1) as u8);
        let mut order: Vec<usize> = (0..site.pages.len())
            .filter(|&i| !site.pages[i].meta.draft && !opted_out(&site.pages[i]))
            .collect();
        // Dated pages newest first, then undated ones in their usual order.
        order.sort_by_key(|&i| std::cmp::Reverse(site.pages[i].meta.date.as_ref().map(|d| d.timestamp())));
        let mut docs: Vec<Doc> = order
            .into_par_iter()
            .map(|i| {
                let page = &site.pages[i];
                Doc {
                    url: url(&page.path),
                    title: shown_title(page),
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

/// A page's title in the results: a document no longer valid says so first
/// (【已废止】……), as the column lists do.
fn shown_title(page: &Page) -> String {
    match &page.status {
        Some(status) if status.is_marked() => format!("【{}】{}", status.validity.label(), page.title),
        _ => page.title.clone(),
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

impl Corpus {
    /// What a document's share of the index is made from, as a number: the
    /// next build cuts a document again only when it changes.
    fn digest(&self, doc: &Doc) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let mut field = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(doc.url.as_bytes());
        field(doc.title.as_bytes());
        field(&[doc.column]);
        field(doc.date.as_bytes());
        match &doc.body {
            Body::Page {
                html,
                figures,
                path,
                rel,
                furniture,
            } => {
                field(html.as_bytes());
                field(&postcard::to_stdvec(figures).unwrap_or_default());
                field(path.as_bytes());
                field(rel.as_bytes());
                field(furniture.as_bytes());
            }
            Body::Book {
                html,
                figures,
                path,
                folder,
                about,
            } => {
                field(b"book");
                field(html.as_bytes());
                field(&postcard::to_stdvec(figures).unwrap_or_default());
                field(path.as_bytes());
                field(folder.as_bytes());
                field(about.as_bytes());
            }
        }
        h.digest128()
    }
}

/// One document as the index needs it: cut into terms, its text compressed.
struct Cut {
    length: u8,
    text: Vec<u8>,
    parts: DocParts,
}

impl Corpus {
    fn cut(&self, doc: &Doc, jieba: &Jieba) -> Cut {
        let (body, shown) = self.text(doc);
        Cut {
            length: index::length_class(index::length(&doc.title, &body)),
            text: DocText::pack(&doc.url, &doc.title, &doc.date, &body[..shown]),
            parts: DocTerms::of(&doc.title, &body, jieba).into_parts(),
        }
    }
}

/// A pack file: the texts one after the other (`docs.bin` has their sizes).
fn pack_file(texts: &[&[u8]]) -> Vec<u8> {
    texts.concat()
}

/// Writes the shards of the gathered postings, several at a time. Returns how
/// many there are (at most `max`).
fn emit_shards(parts: Vec<Postings>, ids: u32, emit: &Emit, folder: &str, max: usize) -> usize {
    let bytes: usize = parts.iter().map(Postings::bytes).sum();
    let shards = bytes.div_ceil(SHARD_BYTES).clamp(1, max);
    let mut terms: Vec<(u32, String, List)> = parts
        .into_iter()
        .flat_map(Postings::into_terms)
        .map(|(term, list)| (index::hash(&term) % shards as u32, term, list))
        .collect();
    terms.par_sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    terms.par_chunk_by(|a, b| a.0 == b.0).for_each(|group| {
        let mut shard = Vec::new();
        for (_, term, list) in group {
            index::write_entry(&mut shard, term, list, ids);
        }
        // Compressed, a third smaller, for the upload and for every query; at
        // level 1, which takes a quarter of the time of level 6 for 3% more.
        emit(format!("{folder}/{}.bin", group[0].0), zlib(&shard, 1));
    });
    shards
}

/// Builds the index of `corpus` and hands each file to `emit` (site path,
/// bytes) as soon as it is made, from several threads: nothing waits in memory
/// for the whole index to be done. Stops early, returning `false`, once
/// `cancelled` is set (a newer site is on its way); `true` when every file was
/// emitted. `meta.json` comes last, so an index stopped part way still points
/// at shards of one whole index where it can.
pub fn index_files(corpus: &Corpus, emit: &Emit, cancelled: &AtomicBool) -> bool {
    full(corpus, emit, cancelled).is_some()
}

/// zlib-compressed `bytes`, with one compressor and one output buffer per
/// thread: miniz allocates and zeroes ~300 KB of tables for every new
/// compressor, which for ten thousand short texts took longer than compressing
/// them, and a fresh zeroed buffer per text cost more than copying the result.
fn zlib(mut input: &[u8], level: u8) -> Vec<u8> {
    use miniz_oxide::DataFormat;
    use miniz_oxide::deflate::core::{CompressorOxide, TDEFLFlush, TDEFLStatus, compress};
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<(Box<CompressorOxide>, Vec<u8>)> =
            std::cell::RefCell::new((Box::default(), Vec::new()));
    }
    COMPRESSOR.with_borrow_mut(|(compressor, output)| {
        compressor.reset();
        compressor.set_format_and_level(DataFormat::Zlib, level);
        let wanted = (input.len() / 2).max(64);
        if output.len() < wanted {
            output.resize(wanted, 0);
        }
        let mut at = 0;
        loop {
            let (status, read, written) = compress(compressor, input, &mut output[at..], TDEFLFlush::Finish);
            at += written;
            input = &input[read..];
            match status {
                TDEFLStatus::Done => {
                    let result = output[..at].to_vec();
                    // A rare huge input does not keep its buffer for the thread's life.
                    if output.len() > 1 << 20 {
                        *output = Vec::new();
                    }
                    return result;
                }
                TDEFLStatus::Okay => {
                    if output.len() - at < 64 {
                        output.resize(output.len() * 2, 0);
                    }
                }
                // miniz reports bad parameters or a failed output callback,
                // neither of which this call can cause.
                _ => unreachable!("miniz failed to compress: {status:?}"),
            }
        }
    })
}

/// Where the files of an index go: (site path, bytes), from several threads.
pub type Emit<'a> = dyn Fn(String, Vec<u8>) + Sync + 'a;

/// The whole index, every document with an id by date. Returns what the next
/// build needs to change it ([`Kept`]), or `None` when cancelled.
fn full(corpus: &Corpus, emit: &Emit, cancelled: &AtomicBool) -> Option<Kept> {
    let stop = || cancelled.load(Ordering::Relaxed);
    let jieba = jieba();
    let docs = &corpus.docs;
    let ids = docs.len() as u32;
    let mut parts: Vec<Postings> = (0..PARTS).map(|_| Postings::default()).collect();
    let mut entries = Vec::with_capacity(docs.len());
    // Documents are cut in parallel, a block at a time; their texts are packed
    // while their terms are added, in id order, each part on its own thread.
    for (block, chunk) in docs.chunks(CUT_BLOCK).enumerate() {
        let cut: Vec<Cut> = chunk.par_iter().map(|d| corpus.cut(d, jieba)).collect();
        if stop() {
            return None;
        }
        let first = block * CUT_BLOCK;
        rayon::join(
            || {
                cut.par_chunks(PACK).enumerate().for_each(|(n, pack)| {
                    let texts: Vec<&[u8]> = pack.iter().map(|c| c.text.as_slice()).collect();
                    emit(format!("{FOLDER}/t/{}.bin", first / PACK + n), pack_file(&texts));
                })
            },
            || {
                parts.par_iter_mut().enumerate().for_each(|(p, postings)| {
                    for (n, c) in cut.iter().enumerate() {
                        postings.add((first + n) as u32, &c.parts, p);
                    }
                })
            },
        );
        entries.extend(chunk.iter().zip(cut).map(|(d, c)| kept::Entry {
            url: d.url.clone(),
            digest: corpus.digest(d),
            length: c.length,
            size: c.text.len() as u16,
        }));
    }
    if stop() {
        return None;
    }
    let shards = emit_shards(parts, ids, emit, &format!("{FOLDER}/s"), MAX_SHARDS);
    if stop() {
        return None;
    }
    let mut kept = Kept {
        format: kept::FORMAT,
        check: 0,
        base: ids,
        shards: shards as u32,
        recent: Vec::new(),
        entries,
    };
    let columns: Vec<u8> = docs.iter().map(|d| d.column).collect();
    kept.check = finish(corpus, &kept, &columns, None, 0, emit);
    Some(kept)
}

/// Writes `docs.bin` and, last, `meta.json`. Returns their check (see
/// [`Kept::check`]).
fn finish(corpus: &Corpus, kept: &Kept, columns: &[u8], ranks: Option<&[u32]>, recent: usize, emit: &Emit) -> u64 {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Meta<'a> {
        version: u32,
        /// Documents in the index.
        docs: usize,
        /// Document ids: the length of `docs.bin`'s columns.
        ids: usize,
        /// The ids the shards know: the length of their bitmaps.
        base: u32,
        shards: u32,
        /// Recent shards (`r/`) and the ids whose postings are there.
        #[serde(skip_serializing_if = "is_zero")]
        recent: usize,
        #[serde(skip_serializing_if = "<[u32]>::is_empty")]
        recent_ids: &'a [u32],
        /// Whether `docs.bin` ends with each id's rank by date.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        ranked: bool,
        pack: usize,
        columns: Vec<&'a str>,
        /// Column numbers in navigation order, for the filter buttons.
        order: &'a [usize],
    }
    fn is_zero(n: &usize) -> bool {
        *n == 0
    }
    let meta = Meta {
        version: 4,
        docs: corpus.docs.len(),
        ids: kept.entries.len(),
        base: kept.base,
        shards: kept.shards,
        recent,
        recent_ids: &kept.recent,
        ranked: ranks.is_some(),
        pack: PACK,
        columns: corpus.columns.iter().map(String::as_str).collect(),
        order: &corpus.order,
    };
    let mut table: Vec<u8> = columns.to_vec();
    table.extend(kept.entries.iter().map(|e| e.length));
    for entry in &kept.entries {
        table.extend_from_slice(&entry.size.to_le_bytes());
    }
    for rank in ranks.unwrap_or_default() {
        table.extend_from_slice(&rank.to_le_bytes());
    }
    // Compressed: the sizes make it twice as big as it is worth, and few
    // static hosts compress what they do not know as text.
    let table = zlib(&table, 6);
    let meta = serde_json::to_vec(&meta).unwrap_or_default();
    let check = kept::check(&meta, &table);
    emit(format!("{FOLDER}/docs.bin"), table);
    emit(format!("{FOLDER}/meta.json"), meta);
    check
}

/// Collects the paths of the files written through `sink`; a file that
/// cannot be written is an error in `diagnostics`.
fn writing<'a>(
    sink: &'a dyn Sink,
    diagnostics: &'a Diagnostics,
    written: &'a std::sync::Mutex<Vec<String>>,
) -> impl Fn(String, Vec<u8>) + Sync + 'a {
    move |path: String, bytes: Vec<u8>| match sink.write(&path, &bytes) {
        Ok(()) => written.lock().unwrap_or_else(|e| e.into_inner()).push(path),
        Err(e) => diagnostics.push(sink.write_error(&path, &e)),
    }
}

/// Writes the whole search index into the output. Returns the files written
/// and what the next build needs to change it.
pub fn write(corpus: &Corpus, sink: &dyn Sink, diagnostics: &Diagnostics) -> (Vec<String>, Option<Kept>) {
    let written = std::sync::Mutex::new(Vec::new());
    let kept = full(corpus, &writing(sink, diagnostics, &written), &AtomicBool::new(false));
    (written.into_inner().unwrap_or_else(|e| e.into_inner()), kept)
}

/// Changes the search index of the output at `output` (the site's folder),
/// written by the last build as `kept`, into the index of `corpus`, through
/// `sink`; a whole index when it cannot be changed. Returns every file of the
/// new index (written or left as it was) and what to keep.
pub fn update(
    corpus: &Corpus,
    kept: Option<Kept>,
    output: &std::path::Path,
    sink: &dyn Sink,
    diagnostics: &Diagnostics,
) -> (Vec<String>, Option<Kept>) {
    let written = std::sync::Mutex::new(Vec::new());
    let updated = {
        let emit = writing(sink, diagnostics, &written);
        kept.and_then(|kept| kept::update(corpus, kept, output, &emit))
    };
    match updated {
        Some((kept, untouched)) => {
            let mut files = written.into_inner().unwrap_or_else(|e| e.into_inner());
            files.extend(untouched);
            (files, Some(kept))
        }
        // Nothing was emitted: the whole index instead.
        None => write(corpus, sink, diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_dictionary_cuts_chinese_into_words() {
        assert!(dictionary::DICTIONARY.lines().count() > 300_000);
        let words: Vec<&str> = jieba().cut("人民政协协商民主", false).iter().map(|t| t.word).collect();
        assert_eq!(words, ["人民政协", "协商", "民主"]);
    }

    #[test]
    fn the_kept_compressor_makes_whole_streams_of_any_size() {
        // Bytes that do not compress outgrow the first output buffer.
        let mut noise = Vec::new();
        let mut x: u32 = 1;
        for _ in 0..50_000 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            noise.push((x >> 24) as u8);
        }
        let text = "政协委员围绕协商民主建言献策。".repeat(500);
        for input in [&[][..], b"a", text.as_bytes(), &noise, text.as_bytes()] {
            for level in [1, 6] {
                let packed = zlib(input, level);
                assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&packed).unwrap(), input);
            }
        }
        assert!(zlib(text.as_bytes(), 1).len() < text.len() / 10);
    }

    #[test]
    fn texts_read_back_from_a_pack_by_their_sizes() {
        let texts = [
            DocText::pack("/a/", "甲", "2026年1月2日", "正文一"),
            DocText::pack("/b/", "乙", "", "正文二，长一点的正文"),
        ];
        let pack = pack_file(&[&texts[0], &texts[1]]);
        let sizes: Vec<u16> = texts.iter().map(|t| t.len() as u16).collect();
        let second = DocText::read(&pack, &sizes, 1).expect("second text");
        assert_eq!((second.url.as_str(), second.title.as_str()), ("/b/", "乙"));
        assert_eq!(DocText::read(&pack, &sizes, 0).expect("first").date, "2026年1月2日");
        assert_eq!(DocText::read(&pack, &sizes, 2), None);
    }

    #[test]
    fn an_absurd_title_is_shortened_to_fit_two_bytes_of_size() {
        // Characters that do not compress: a title of ~300 KB of JSON.
        let title: String = (0..100_000u32)
            .map(|i| char::from_u32(0x4e00 + (i * 7919) % 20_000).unwrap())
            .collect();
        let packed = DocText::pack("/long/", &title, "", "正文");
        assert!(packed.len() <= usize::from(u16::MAX), "{} bytes", packed.len());
        let back = DocText::read(&packed, &[packed.len() as u16], 0).expect("read back");
        assert_eq!(back.url, "/long/");
        assert!(
            back.title.ends_with("……") && back.title.chars().count() == 202,
            "{}",
            back.title
        );
    }
}
