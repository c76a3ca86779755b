//! What a build's search index holds, kept in `.tongxin/build/` so that the
//! next build changes only what changed.
//!
//! The shards (`s/`) of the last whole index stay as they are. A page edited
//! or added since is cut again and its postings go to a few *recent* shards
//! (`r/`), rewritten each time; `meta.json` lists those ids, and the browser
//! drops their postings from `s/`. The text packs (`t/`) holding a changed
//! page are made again, the other pages' texts read back from the output's
//! packs (texts are not kept here: on a 100,000-page site they are 100 MB);
//! lengths, columns and ranks by date are rewritten (the output writes only
//! files whose bytes differ). Once the recent pages are too many for cheap queries, the index
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
/// 3: compressed shards; 4: texts read back from the packs.
pub const FORMAT: u32 = 4;
/// At most this many recent shards.
const MAX_RECENT: usize = 64;

/// A document id's share of the index.
#[derive(Clone, Serialize, Deserialize)]
pub struct Entry {
    pub url: String,
    /// What its share was made from; 0 for an id no longer in use.
    pub digest: u128,
    pub length: u8,
    /// The size of its text in its pack.
    pub size: u16,
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

    /// The shards of the whole index, which an update leaves as they are.
    fn shard_files(&self) -> impl Iterator<Item = String> {
        (0..self.shards).map(|n| format!("{FOLDER}/s/{n}.bin"))
    }
}

/// The texts of pack `n` in the output, split by their `sizes`; `None` when
/// the file is not what the sizes say (someone changed it).
fn texts_of_pack(output: &Path, n: usize, sizes: &[u16]) -> Option<Vec<Vec<u8>>> {
    let pack = std::fs::read(output.join(format!("{FOLDER}/t/{n}.bin"))).ok()?;
    let whole: usize = sizes.iter().map(|&s| usize::from(s)).sum();
    if pack.len() != whole {
        return None;
    }
    let mut at = 0;
    Some(
        sizes
            .iter()
            .map(|&size| {
                let text = pack[at..at + usize::from(size)].to_vec();
                at += usize::from(size);
                text
            })
            .collect(),
    )
}

/// Changes the index in `output`, kept as `kept`, into that of `corpus`:
/// emits the files that may have changed and returns what to keep, with
/// the files of the index left as they were. `None` when a whole index is due
/// instead (the output's index is not the kept one, or too many pages are
/// recent).
pub fn update(corpus: &Corpus, mut kept: Kept, output: &Path, emit: &Emit) -> Option<(Kept, Vec<String>)> {
    if !kept.describes(output) {
        return None;
    }
    // The texts' sizes as the output's packs hold them.
    let sizes_before: Vec<u16> = kept.entries.iter().map(|e| e.size).collect();
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
    // Every document's text is hashed: on both cores.
    let digests: Vec<u128> = corpus.docs.par_iter().map(|doc| corpus.digest(doc)).collect();
    for ((rank, doc), digest) in corpus.docs.iter().enumerate().zip(digests) {
        let id = match by_url.get(&doc.url) {
            Some(&id) => id as usize,
            None => {
                kept.entries.push(Entry {
                    url: doc.url.clone(),
                    digest: 0,
                    length: 0,
                    size: 0,
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
                size: 0,
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
            postings.add(*id as u32, &c.parts, p);
        }
    });
    let mut texts: HashMap<usize, Vec<u8>> = HashMap::with_capacity(cut.len());
    for (id, c) in cut {
        kept.entries[id].length = c.length;
        kept.entries[id].size = c.text.len() as u16;
        texts.insert(id, c.text);
    }
    let recent_shards = if recent.is_empty() {
        0
    } else {
        emit_shards(parts, ids as u32, emit, &format!("{FOLDER}/r"), MAX_RECENT)
    };
    // The packs whose texts changed are made again, with the texts of their
    // other pages as the output has them; the others stay as they are.
    let packs = ids.div_ceil(PACK);
    let changed = |n: usize| {
        (n * PACK..ids.min((n + 1) * PACK))
            .any(|id| texts.contains_key(&id) || sizes_before.get(id) != Some(&kept.entries[id].size))
    };
    let redone: Vec<usize> = (0..packs).filter(|&n| changed(n)).collect();
    let made: Option<Vec<()>> = redone
        .par_iter()
        .map(|&n| {
            let old = &sizes_before[(n * PACK).min(sizes_before.len())..((n + 1) * PACK).min(sizes_before.len())];
            // A pack begun by this update has no file yet.
            let old_texts = if old.is_empty() {
                Vec::new()
            } else {
                texts_of_pack(output, n, old)?
            };
            let pack: Option<Vec<&[u8]>> = (n * PACK..ids.min((n + 1) * PACK))
                .map(|id| match texts.get(&id) {
                    Some(text) => Some(text.as_slice()),
                    // A page gone has no text; the others are as they were.
                    None if kept.entries[id].size == 0 => Some(&[][..]),
                    None => old_texts.get(id - n * PACK).map(Vec::as_slice),
                })
                .collect();
            let pack = pack?;
            emit(format!("{FOLDER}/t/{n}.bin"), pack_file(&pack));
            Some(())
        })
        .collect();
    made?;
    let untouched: Vec<String> = (0..packs)
        .filter(|n| redone.binary_search(n).is_err())
        .map(|n| format!("{FOLDER}/t/{n}.bin"))
        .chain(kept.shard_files())
        .collect();
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
    Some((kept, untouched))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_is_read_back_only_when_it_holds_what_the_sizes_say() {
        let dir = tempfile::tempdir().unwrap();
        let packs = dir.path().join(FOLDER).join("t");
        std::fs::create_dir_all(&packs).unwrap();
        std::fs::write(packs.join("3.bin"), b"abcdef").unwrap();
        assert_eq!(
            texts_of_pack(dir.path(), 3, &[2, 0, 4]),
            Some(vec![b"ab".to_vec(), Vec::new(), b"cdef".to_vec()])
        );
        // Cut short, too long, or missing: the whole index is made again.
        assert_eq!(texts_of_pack(dir.path(), 3, &[2, 5]), None);
        assert_eq!(texts_of_pack(dir.path(), 3, &[2, 3]), None);
        assert_eq!(texts_of_pack(dir.path(), 4, &[]), None);
    }
}
