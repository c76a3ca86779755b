//! What a build's search index holds, kept in `.tongxin/build/` so that the
//! next build changes only what changed.
//!
//! The shards (`s/`) of the last whole index stay as they are. A page edited
//! or added since is cut again and its postings go to a few *recent* shards
//! (`r/`), rewritten each time; `meta.json` lists those ids, and the browser
//! drops their postings from `s/`. Texts, lengths, columns and ranks by date
//! are rewritten where they changed (the output writes only files whose bytes
//! differ). Once the recent pages are too many for cheap queries, the index
//! is made whole again. An index made this way answers every query as a
//! whole one does: postings hold nothing that depends on other pages, and the
//! browser works out every statistic from `docs.bin` and the lists.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::index::{PARTS, Postings};
use super::{Corpus, Cut, Emit, FOLDER, GONE, PACK, emit_shards, finish, jieba, pack_file};

/// The layout of [`Kept`] and of the index it describes; another number is
/// discarded. 2: texts' sizes in a compressed `docs.bin`, packs without a header;
/// 3: compressed shards.
pub const FORMAT: u32 = 3;
/// At most this many recent shards.
const MAX_RECENT: usize = 64;

/// A document id's share of the index.
#[derive(Clone, Serialize, Deserialize)]
pub struct Entry {
    pub url: String,
    /// What its share was made from; 0 for an id no longer in use.
    pub digest: u128,
    pub length: u8,
    /// Its text as packed.
    pub text: Vec<u8>,
}

/// See the module's comment.
#[derive(Serialize, Deserialize)]
pub struct Kept {
    pub(super) format: u32,
    /// A hash of `meta.json` and `docs.bin` as written: the index in the output
    /// is the one described here only when these files still hash to it.
    pub(super) check: u64,
    /// Ids and shards of the last whole index.
    pub(super) base: u32,
    pub(super) shards: u32,
    /// Ids whose postings are in the recent shards, ascending.
    pub(super) recent: Vec<u32>,
    /// Per id.
    pub(super) entries: Vec<Entry>,
}

/// The check of an index's `meta.json` and `docs.bin`.
pub fn check(meta: &[u8], table: &[u8]) -> u64 {
    crate::output::hash_bytes(&[meta, table].concat())
}

impl Kept {
    /// Reads what was kept at `path`; `None` if there is nothing usable.
    pub fn load(path: &Path) -> Option<Kept> {
        let bytes = std::fs::read(path).ok()?;
        let kept: Kept = postcard::from_bytes(&bytes).ok()?;
        (kept.format == FORMAT).then_some(kept)
    }

    /// Saves it at `path`, whole or not at all.
    pub fn store(&self, path: &Path) -> std::io::Result<()> {
        let temp = path.with_extension("search-tmp");
        std::fs::write(&temp, postcard::to_stdvec(self).map_err(std::io::Error::other)?)?;
        std::fs::rename(&temp, path)
    }

    /// Whether the index under `output` (the site's folder) is the one kept.
    fn describes(&self, output: &Path) -> bool {
        let data = output.join(FOLDER);
        match (
            std::fs::read(data.join("meta.json")),
            std::fs::read(data.join("docs.bin")),
        ) {
            (Ok(meta), Ok(table)) => check(&meta, &table) == self.check,
            _ => false,
        }
    }

    /// The files of the whole index that an update leaves as they are.
    pub fn untouched(&self) -> Vec<String> {
        (0..self.shards).map(|n| format!("{FOLDER}/s/{n}.bin")).collect()
    }
}

/// Changes the index in `output`, kept as `kept`, into that of `corpus`:
/// emits the files that may have changed and returns what to keep. `None`
/// when a whole index is due instead (the output's index is not the kept
/// one, or too many pages are recent).
pub fn update(corpus: &Corpus, mut kept: Kept, output: &Path, emit: &Emit) -> Option<Kept> {
    if !kept.describes(output) {
        return None;
    }
    let by_url: HashMap<String, u32> = kept
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.digest != 0)
        .map(|(id, e)| (e.url.clone(), id as u32))
        .collect();
    let mut recent: BTreeSet<u32> = kept.recent.iter().copied().collect();
    let mut live = vec![false; kept.entries.len()];
    let mut ranks = vec![0u32; kept.entries.len()];
    let mut columns = vec![GONE; kept.entries.len()];
    let mut cut_again = Vec::new();
    for (rank, doc) in corpus.docs.iter().enumerate() {
        let digest = corpus.digest(doc);
        let id = match by_url.get(&doc.url) {
            Some(&id) => id as usize,
            None => {
                kept.entries.push(Entry {
                    url: doc.url.clone(),
                    digest: 0,
                    length: 0,
                    text: Vec::new(),
                });
                live.push(false);
                ranks.push(0);
                columns.push(GONE);
                kept.entries.len() - 1
            }
        };
        // Two documents at one address: start afresh.
        if std::mem::replace(&mut live[id], true) {
            return None;
        }
        if kept.entries[id].digest != digest {
            kept.entries[id].digest = digest;
            recent.insert(id as u32);
        }
        if recent.contains(&(id as u32)) {
            cut_again.push((id, doc));
        }
        ranks[id] = rank as u32;
        columns[id] = doc.column;
    }
    for (id, entry) in kept.entries.iter_mut().enumerate() {
        if !live[id] && entry.digest != 0 {
            *entry = Entry {
                url: String::new(),
                digest: 0,
                length: 0,
                text: Vec::new(),
            };
        }
    }
    let ids = kept.entries.len();
    let gone = live.iter().filter(|&&l| !l).count();
    if recent.len() > (ids / 16).max(64) || gone > ids / 4 {
        return None;
    }

    // Postings are added in id order.
    cut_again.sort_unstable_by_key(|&(id, _)| id);
    let jieba = jieba();
    let cut: Vec<(usize, Cut)> = cut_again
        .par_iter()
        .map(|&(id, doc)| (id, corpus.cut(doc, jieba)))
        .collect();
    let mut parts: Vec<Postings> = (0..PARTS).map(|_| Postings::default()).collect();
    parts.par_iter_mut().enumerate().for_each(|(p, postings)| {
        for (id, c) in &cut {
            postings.add(*id as u32, &c.parts[p]);
        }
    });
    for (id, c) in cut {
        kept.entries[id].length = c.length;
        kept.entries[id].text = c.text;
    }
    let recent_shards = if recent.is_empty() {
        0
    } else {
        emit_shards(parts, ids as u32, emit, &format!("{FOLDER}/r"), MAX_RECENT)
    };
    // Every pack: the output writes only those whose bytes changed.
    kept.entries.par_chunks(PACK).enumerate().for_each(|(n, pack)| {
        let texts: Vec<&[u8]> = pack.iter().map(|e| e.text.as_slice()).collect();
        emit(format!("{FOLDER}/t/{n}.bin"), pack_file(&texts));
    });
    kept.recent = recent.into_iter().collect();
    let in_order = ranks.iter().enumerate().all(|(id, &r)| r as usize == id);
    kept.check = finish(
        corpus,
        &kept,
        &columns,
        (!in_order).then_some(&ranks),
        recent_shards,
        emit,
    );
    Some(kept)
}
