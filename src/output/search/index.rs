//! Postings: for each term, the documents that hold it, written compactly so that
//! a query downloads little.
//!
//! A posting is the gap to the previous document id (LEB128) and one byte:
//! bit 7 the term is in the title, bit 6 it stands as a word there, bits 0–5 the
//! term-frequency part of BM25 (length-normalised, 1–63). The browser adds the
//! inverse document frequency itself: it is the length of the list.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jieba_rs::Jieba;

use super::tokens::{self, Kind};

pub const TITLE: u8 = 0x80;
pub const WORD: u8 = 0x40;
const SCORE_MAX: f64 = 63.0;
/// BM25's usual constants.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Terms of one or two Chinese characters are by far the most common; they are
/// kept as a number (the characters side by side) rather than as a string.
fn pack(term: &str) -> Option<u64> {
    let mut chars = term.chars();
    let first = chars.next()?;
    let second = chars.next();
    if chars.next().is_some() || !tokens::is_han(first) || second.is_some_and(|c| !tokens::is_han(c)) {
        return None;
    }
    Some(((first as u64) << 21) | second.map_or(0, |c| c as u64))
}

fn unpack(key: u64) -> String {
    let first = char::from_u32((key >> 21) as u32).unwrap_or(' ');
    let second = (key & 0x1F_FFFF) as u32;
    let mut s = String::from(first);
    if second != 0 {
        s.push(char::from_u32(second).unwrap_or(' '));
    }
    s
}

/// A quick hash for the term maps. Indexing looks a term up for every
/// character of every page; with std's SipHash (made to resist crafted keys,
/// which a site's own text is not) and a copy of every word to look it up,
/// the index took about a third more instructions (measured with
/// bench/search.sh's site; the files written are the same).
#[derive(Default, Clone, Copy)]
struct TermHasher(u64);

impl TermHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl Hasher for TermHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.mix(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    /// The product's best-mixed bits are its high ones; the table picks buckets
    /// with the low ones.
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

type TermMap<K, V> = HashMap<K, V, BuildHasherDefault<TermHasher>>;

/// The terms of one document: (count, flags) per term.
#[derive(Default)]
pub struct DocTerms {
    grams: TermMap<u64, (u32, u8)>,
    words: TermMap<String, (u32, u8)>,
}

impl DocTerms {
    pub fn of(title: &str, body: &str, jieba: &Jieba) -> DocTerms {
        let mut doc = DocTerms::default();
        for (text, in_title) in [(title, true), (body, false)] {
            tokens::terms(text, jieba, &mut |term, kind| {
                let flags = if in_title { TITLE } else { 0 } | if kind == Kind::Word { WORD } else { 0 };
                let packed = pack(term);
                let slot = match packed {
                    Some(key) => doc.grams.entry(key).or_default(),
                    // Looked up first, so that only a new word is copied.
                    None => match doc.words.get_mut(term) {
                        Some(slot) => slot,
                        None => doc.words.entry(term.to_string()).or_default(),
                    },
                };
                // A two-character jieba word repeats its pair, already counted.
                if kind == Kind::Gram || packed.is_none() {
                    slot.0 += 1;
                }
                slot.1 |= flags;
            });
        }
        doc
    }
}

/// A document's length for BM25: its Chinese characters, title included (one
/// single-character term each).
pub fn length(title: &str, body: &str) -> u32 {
    let count = |t: &str| t.chars().filter(|&c| tokens::is_han(c)).count();
    (count(title) + count(body)) as u32
}

struct List {
    bytes: Vec<u8>,
    count: u32,
    /// The id of the last document added.
    last: u32,
}

/// Every term's postings, filled document by document in id order.
#[derive(Default)]
pub struct Postings {
    grams: TermMap<u64, List>,
    words: TermMap<String, List>,
}

fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn add(list: Option<&mut List>, doc: u32, byte: u8) -> Option<List> {
    match list {
        Some(list) => {
            push_varint(&mut list.bytes, doc - list.last);
            list.bytes.push(byte);
            list.count += 1;
            list.last = doc;
            None
        }
        None => {
            let mut bytes = Vec::with_capacity(4);
            push_varint(&mut bytes, doc);
            bytes.push(byte);
            Some(List {
                bytes,
                count: 1,
                last: doc,
            })
        }
    }
}

impl Postings {
    /// Adds document `doc` of `length` (ids must come in increasing order).
    pub fn add(&mut self, doc: u32, terms: DocTerms, length: u32, average_length: f64) {
        let norm = K1 * (1.0 - B + B * f64::from(length.max(1)) / average_length.max(1.0));
        let byte = |(count, flags): (u32, u8)| {
            let tf = f64::from(count.max(1));
            let part = tf * (K1 + 1.0) / (tf + norm); // 0 … K1 + 1
            let score = (part / (K1 + 1.0) * SCORE_MAX).round().clamp(1.0, SCORE_MAX) as u8;
            (flags & (TITLE | WORD)) | score
        };
        for (key, value) in terms.grams {
            if let Some(new) = add(self.grams.get_mut(&key), doc, byte(value)) {
                self.grams.insert(key, new);
            }
        }
        for (term, value) in terms.words {
            if let Some(new) = add(self.words.get_mut(&term), doc, byte(value)) {
                self.words.insert(term, new);
            }
        }
    }

    /// About the size of the shards together: postings, terms and headers.
    pub fn bytes(&self) -> usize {
        let grams: usize = self.grams.values().map(|l| l.bytes.len() + 10).sum();
        let words: usize = self.words.iter().map(|(t, l)| l.bytes.len() + t.len() + 4).sum();
        grams + words
    }

    /// Every term with its count and postings, sorted by term.
    pub fn into_sorted(self) -> Vec<(String, u32, Vec<u8>)> {
        let mut all: Vec<(String, u32, Vec<u8>)> = self
            .grams
            .into_iter()
            .map(|(k, l)| (unpack(k), l.count, l.bytes))
            .chain(self.words.into_iter().map(|(t, l)| (t, l.count, l.bytes)))
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// FNV-1a over the UTF-8 bytes: which shard a term lives in. The browser
/// computes the same.
pub fn hash(term: &str) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for &b in term.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Appends one term's entry to a shard: the term, its document count, the
/// length of its postings and the postings.
pub fn write_entry(shard: &mut Vec<u8>, term: &str, count: u32, postings: &[u8]) {
    push_varint(shard, term.len() as u32);
    shard.extend_from_slice(term.as_bytes());
    push_varint(shard, count);
    push_varint(shard, postings.len() as u32);
    shard.extend_from_slice(postings);
}

/// Reads a shard back: (term, [(doc, flags byte)]). For tests and tools.
pub fn read_shard(mut bytes: &[u8]) -> Vec<(String, Vec<(u32, u8)>)> {
    fn varint(bytes: &mut &[u8]) -> Option<u32> {
        let mut n: u32 = 0;
        for shift in (0..35).step_by(7) {
            let (&b, rest) = bytes.split_first()?;
            *bytes = rest;
            n |= u32::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let Some(len) = varint(&mut bytes) else { break };
        let Some((term, rest)) = bytes.split_at_checked(len as usize) else {
            break;
        };
        bytes = rest;
        let (Some(count), Some(size)) = (varint(&mut bytes), varint(&mut bytes)) else {
            break;
        };
        let Some((mut list, rest)) = bytes.split_at_checked(size as usize) else {
            break;
        };
        bytes = rest;
        let mut docs = Vec::with_capacity(count as usize);
        let mut doc = 0;
        while let Some(gap) = varint(&mut list) {
            doc += gap;
            let Some((&flags, rest)) = list.split_first() else {
                break;
            };
            list = rest;
            docs.push((doc, flags));
        }
        out.push((String::from_utf8_lossy(term).into_owned(), docs));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_terms_round_trip() {
        for t in ["人", "人民", "𠀀字"] {
            assert_eq!(unpack(pack(t).unwrap()), t);
        }
        assert_eq!(pack("人民网"), None);
        assert_eq!(pack("ab"), None);
        assert_eq!(pack("人a"), None);
    }

    #[test]
    fn postings_round_trip_through_a_shard() {
        let jieba = Jieba::new();
        let mut p = Postings::default();
        p.add(0, DocTerms::of("协商民主", "围绕协商民主开展调研。", &jieba), 14, 10.0);
        p.add(300, DocTerms::of("视察", "民主监督。", &jieba), 6, 10.0);
        let mut shard = Vec::new();
        for (term, count, list) in p.into_sorted() {
            write_entry(&mut shard, &term, count, &list);
        }
        let read = read_shard(&shard);
        let get = |t: &str| read.iter().find(|(term, _)| term == t).map(|(_, d)| d.clone()).unwrap();
        let minzhu = get("民主");
        assert_eq!(minzhu.iter().map(|d| d.0).collect::<Vec<_>>(), [0, 300]);
        assert!(minzhu[0].1 & TITLE != 0 && minzhu[0].1 & WORD != 0);
        assert!(minzhu[1].1 & TITLE == 0);
        let shangmin = get("商民");
        assert_eq!(shangmin.len(), 1);
        assert_eq!(shangmin[0].1 & WORD, 0, "a chance pair is not a word");
        // Twice in doc 0 (title and body) scores above once in a longer text.
        assert!(minzhu[0].1 & 0x3F > minzhu[1].1 & 0x3F);
    }

    #[test]
    fn fnv_hash_matches_the_reference_values() {
        assert_eq!(hash(""), 0x811C_9DC5);
        assert_eq!(hash("a"), 0xE40C_292C);
    }
}
