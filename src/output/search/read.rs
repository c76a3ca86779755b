//! Reads a written index back as the search page does: the documents' table
//! and texts, and every term's postings with the recent shards applied. For
//! tests and tools; the site never needs it.

use std::collections::BTreeMap;
use std::path::Path;

use super::index::{self, read_shard};
use super::{DocText, GONE};

/// An index as the browser sees it.
pub struct ReadIndex {
    pub meta: serde_json::Value,
    /// Per id: its column byte (255: none, [`GONE`]: not in the index).
    pub columns: Vec<u8>,
    /// Per id: its length class.
    pub lengths: Vec<u8>,
    /// Per id: its rank by date, newest first.
    pub ranks: Vec<u32>,
    /// Per id: what a result shows (`None` for a gone id).
    pub texts: Vec<Option<DocText>>,
    /// term → [(id, posting byte)] of the documents in the index.
    pub terms: BTreeMap<String, Vec<(u32, u8)>>,
}

impl ReadIndex {
    /// The ids of the documents in the index, newest first.
    pub fn by_rank(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.columns.len() as u32)
            .filter(|&i| self.columns[i as usize] != GONE)
            .collect();
        ids.sort_by_key(|&i| self.ranks[i as usize]);
        ids
    }
}

/// Everything the search page's answers depend on, with documents named by
/// their address and ordered by date instead of by id: two indexes with equal
/// `Answers` give every query the same results in the same order, with the
/// same texts. (The page's scores use the lists' lengths, the documents'
/// length classes through a histogram, and ids only through the ranks.)
#[derive(Debug, PartialEq, Eq)]
pub struct Answers {
    /// In rank order: (text, column byte, length class).
    pub docs: Vec<(DocText, u8, u8)>,
    /// term → [(rank, posting byte)], ascending.
    pub terms: BTreeMap<String, Vec<(usize, u8)>>,
    /// The count, column names and order from `meta.json`.
    pub meta: (serde_json::Value, serde_json::Value, serde_json::Value),
}

impl ReadIndex {
    /// See [`Answers`].
    pub fn answers(&self) -> Answers {
        let order = self.by_rank();
        let mut rank_of = vec![usize::MAX; self.columns.len()];
        for (rank, &id) in order.iter().enumerate() {
            rank_of[id as usize] = rank;
        }
        let docs = order
            .iter()
            .map(|&id| {
                let i = id as usize;
                let text = self.texts[i].clone().unwrap_or(DocText {
                    url: String::new(),
                    title: String::new(),
                    date: String::new(),
                    text: String::new(),
                });
                (text, self.columns[i], self.lengths[i])
            })
            .collect();
        let terms = self
            .terms
            .iter()
            .map(|(term, list)| {
                let mut ranked: Vec<(usize, u8)> = list.iter().map(|&(id, b)| (rank_of[id as usize], b)).collect();
                ranked.sort_unstable();
                (term.clone(), ranked)
            })
            .collect();
        Answers {
            docs,
            terms,
            meta: (
                self.meta["docs"].clone(),
                self.meta["columns"].clone(),
                self.meta["order"].clone(),
            ),
        }
    }
}

/// Reads the index under `folder` (the output's `search/data`). An error names
/// what is missing or out of place.
pub fn read(folder: &Path) -> Result<ReadIndex, String> {
    let file = |name: &str| std::fs::read(folder.join(name)).map_err(|e| format!("{name}: {e}"));
    let meta: serde_json::Value = serde_json::from_slice(&file("meta.json")?).map_err(|e| e.to_string())?;
    let number = |key: &str| meta[key].as_u64().unwrap_or(0) as usize;
    let (ids, base, pack) = (number("ids"), number("base") as u32, number("pack").max(1));
    let table = miniz_oxide::inflate::decompress_to_vec_zlib(&file("docs.bin")?)
        .map_err(|e| format!("docs.bin does not inflate: {e:?}"))?;
    let ranked = meta["ranked"].as_bool() == Some(true);
    let expected = 4 * ids + if ranked { 4 * ids } else { 0 };
    if table.len() != expected {
        return Err(format!(
            "docs.bin holds {} bytes for {ids} ids, not {expected}",
            table.len()
        ));
    }
    let columns = table[..ids].to_vec();
    let lengths = table[ids..2 * ids].to_vec();
    let sizes: Vec<u16> = table[2 * ids..4 * ids]
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    let ranks = if ranked {
        table[4 * ids..]
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    } else {
        (0..ids as u32).collect()
    };
    let mut texts = Vec::with_capacity(ids);
    for p in 0..ids.div_ceil(pack) {
        let bytes = file(&format!("t/{p}.bin"))?;
        let in_pack = &sizes[p * pack..(p * pack + pack).min(ids)];
        let total: usize = in_pack.iter().map(|&s| usize::from(s)).sum();
        if bytes.len() != total {
            return Err(format!("t/{p}.bin holds {} bytes, docs.bin says {total}", bytes.len()));
        }
        for n in 0..in_pack.len() {
            let id = p * pack + n;
            texts.push(if columns[id] == GONE {
                None
            } else {
                Some(DocText::read(&bytes, in_pack, n).ok_or(format!("t/{p}.bin: no text for id {id}"))?)
            });
        }
    }
    let recent: std::collections::HashSet<u32> = meta["recentIds"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_u64()).map(|v| v as u32).collect())
        .unwrap_or_default();
    let mut terms: BTreeMap<String, Vec<(u32, u8)>> = BTreeMap::new();
    for (dir, shards, width) in [("s", number("shards"), base), ("r", number("recent"), ids as u32)] {
        for n in 0..shards {
            let Ok(bytes) = std::fs::read(folder.join(format!("{dir}/{n}.bin"))) else {
                continue;
            };
            let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(&bytes)
                .map_err(|e| format!("{dir}/{n}.bin is not zlib: {e:?}"))?;
            for (term, postings) in read_shard(&bytes, width) {
                if index::hash(&term) as usize % shards != n {
                    return Err(format!("{dir}/{n}.bin holds {term}, which belongs elsewhere"));
                }
                let keep = postings
                    .into_iter()
                    .filter(|&(id, _)| dir == "r" || !recent.contains(&id))
                    .filter(|&(id, _)| columns.get(id as usize).is_some_and(|&c| c != GONE));
                terms.entry(term).or_default().extend(keep);
            }
        }
    }
    terms.retain(|_, list| {
        list.sort_by_key(|&(id, _)| id);
        !list.is_empty()
    });
    Ok(ReadIndex {
        meta,
        columns,
        lengths,
        ranks,
        texts,
        terms,
    })
}
