//! Postings: for each term, the documents that hold it, written compactly so that
//! a query downloads little.
//!
//! A posting is a document id and one byte: bit 7 the term is in the title,
//! bit 6 it stands as a word there, bits 0–5 how often it occurs (1–63). The
//! browser makes the BM25 score itself: the inverse document frequency from the
//! length of the list, the length normalisation from the documents' lengths in
//! `docs.bin`. Nothing in a posting depends on other documents, so that an
//! edited page changes only its own postings (see `recent` in `mod.rs`).
//!
//! A list is written one of two ways, whichever is smaller: *sparse*, each
//! posting as the gap to the previous id (LEB128) and its byte; or *dense*, for
//! terms in many of the documents (政协, 委员, 的): a bitmap of the ids, then the
//! bytes in id order, each as a 4-bit code (low half of a byte first): 1–15 the
//! n-th of the term's most common bytes, listed after the bitmap (a count byte and
//! the bytes), 0 a byte of its own, in the escapes that close the entry. Most
//! postings of a common term have one of a few bytes, so it costs about half.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jieba_rs::Jieba;

use super::tokens;

pub const TITLE: u8 = 0x80;
pub const WORD: u8 = 0x40;
/// The highest count a posting holds; more is as good as this many.
const COUNT_MAX: u32 = 63;
/// Postings are gathered in this many parts, side by side on all cores; a term
/// always falls in the same part.
pub const PARTS: usize = 4;

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
    grams: Vec<(u64, (u32, u8))>,
    words: Words,
}

/// A document's words other than pairs (words of three or more characters,
/// Latin tokens), their text side by side in one string: a string apiece
/// was millions of small allocations for ten thousand pages, when most words
/// are already known to the postings and need no copy.
#[derive(Default)]
struct Words {
    text: String,
    /// The word's place in `text`, its hash's state (see [`part_of_word`])
    /// and its (count, flags).
    found: Vec<(u32, u32, u64, (u32, u8))>,
}

/// Counts one- and two-character terms in a table kept from document to
/// document on each thread: most of indexing is this counting, and a fresh
/// hash map per document (growing, hashing with `Hasher`) cost three times as
/// much.
struct GramCounter {
    /// 0: a free slot (no term packs to 0).
    keys: Vec<u64>,
    values: Vec<(u32, u8)>,
    used: Vec<usize>,
}

impl GramCounter {
    fn new() -> GramCounter {
        GramCounter {
            keys: vec![0; 4096],
            values: vec![(0, 0); 4096],
            used: Vec::new(),
        }
    }

    #[inline]
    fn slot(&mut self, key: u64) -> &mut (u32, u8) {
        if self.used.len() * 2 >= self.keys.len() {
            self.grow();
        }
        let mask = self.keys.len() - 1;
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        while self.keys[i] != key {
            if self.keys[i] == 0 {
                self.keys[i] = key;
                self.used.push(i);
                break;
            }
            i = (i + 1) & mask;
        }
        &mut self.values[i]
    }

    fn grow(&mut self) {
        let entries: Vec<(u64, (u32, u8))> = self.take();
        let size = self.keys.len() * 2;
        self.keys = vec![0; size];
        self.values = vec![(0, 0); size];
        for (key, value) in entries {
            *self.slot(key) = value;
        }
    }

    /// Every term counted, leaving the table empty.
    fn take(&mut self) -> Vec<(u64, (u32, u8))> {
        let mut out = Vec::with_capacity(self.used.len());
        for i in self.used.drain(..) {
            out.push((self.keys[i], self.values[i]));
            self.keys[i] = 0;
            self.values[i] = (0, 0);
        }
        out
    }
}

/// Counts a document's [`Words`] in a table kept from document to document
/// on each thread, as [`GramCounter`] does for pairs.
struct WordCounter {
    /// 0: a free slot; otherwise an index into `words.found`, plus one.
    slots: Vec<u32>,
    used: Vec<usize>,
    words: Words,
}

impl WordCounter {
    fn new() -> WordCounter {
        WordCounter {
            slots: vec![0; 1024],
            used: Vec::new(),
            words: Words::default(),
        }
    }

    #[inline]
    fn slot(&mut self, word: &str) -> &mut (u32, u8) {
        if self.used.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mut hasher = TermHasher::default();
        hasher.write(word.as_bytes());
        let state = hasher.0;
        let mask = self.slots.len() - 1;
        let mut i = hasher.finish() as usize & mask;
        let n = loop {
            let n = self.slots[i] as usize;
            if n == 0 {
                let words = &mut self.words;
                let start = words.text.len() as u32;
                words.text.push_str(word);
                words.found.push((start, words.text.len() as u32, state, (0, 0)));
                self.slots[i] = words.found.len() as u32;
                self.used.push(i);
                break words.found.len();
            }
            let (start, end, found_state, _) = self.words.found[n - 1];
            if found_state == state && &self.words.text[start as usize..end as usize] == word {
                break n;
            }
            i = (i + 1) & mask;
        };
        &mut self.words.found[n - 1].3
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.slots = vec![0; size];
        self.used.clear();
        let mask = size - 1;
        for (n, &(_, _, state, _)) in self.words.found.iter().enumerate() {
            let mut i = TermHasher(state).finish() as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = n as u32 + 1;
            self.used.push(i);
        }
    }

    /// Every word counted, leaving the table empty.
    fn take(&mut self) -> Words {
        for i in self.used.drain(..) {
            self.slots[i] = 0;
        }
        std::mem::take(&mut self.words)
    }
}

thread_local! {
    static COUNTERS: std::cell::RefCell<(GramCounter, WordCounter)> =
        std::cell::RefCell::new((GramCounter::new(), WordCounter::new()));
}

struct Counting<'a> {
    grams: &'a mut GramCounter,
    words: &'a mut WordCounter,
    /// TITLE while the title is read.
    flags: u8,
}

impl tokens::TermSink for Counting<'_> {
    #[inline]
    fn gram(&mut self, first: char, second: Option<char>) {
        let slot = self.grams.slot(((first as u64) << 21) | second.map_or(0, |c| c as u64));
        slot.0 += 1;
        slot.1 |= self.flags;
    }

    fn word(&mut self, word: &str) {
        let flags = self.flags | WORD;
        // A two-character word repeats its pair, already counted.
        if let Some(key) = pack(word) {
            self.grams.slot(key).1 |= flags;
            return;
        }
        let slot = self.words.slot(word);
        slot.0 += 1;
        slot.1 |= flags;
    }
}

impl DocTerms {
    pub fn of(title: &str, body: &str, jieba: &Jieba) -> DocTerms {
        COUNTERS.with_borrow_mut(|(grams, words)| {
            let mut counting = Counting {
                grams,
                words,
                flags: TITLE,
            };
            tokens::scan(title, jieba, &mut counting);
            counting.flags = 0;
            tokens::scan(body, jieba, &mut counting);
            DocTerms {
                grams: grams.take(),
                words: words.take(),
            }
        })
    }
}

impl DocTerms {
    /// Splits the terms into the [`PARTS`] of [`Postings`], each with its
    /// posting byte.
    pub fn into_parts(self) -> DocParts {
        let mut parts: Vec<DocPart> = (0..PARTS).map(|_| DocPart::default()).collect();
        for (key, value) in self.grams {
            parts[part_of_gram(key)].grams.push((key, posting_byte(value)));
        }
        for (start, end, state, value) in self.words.found {
            parts[part_of_word(state)].words.push((start, end, posting_byte(value)));
        }
        DocParts {
            words: self.words.text,
            parts,
        }
    }
}

/// One document's terms, split into the parts of the postings.
pub struct DocParts {
    /// The text of the words, side by side.
    words: String,
    parts: Vec<DocPart>,
}

/// One document's terms that fall in one part of the postings: pairs, and
/// words as their place in [`DocParts::words`].
#[derive(Default)]
struct DocPart {
    grams: Vec<(u64, u8)>,
    words: Vec<(u32, u32, u8)>,
}

fn part_of_gram(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 62) as usize % PARTS
}

/// The part of a word, from the state of a [`TermHasher`] that has read it.
fn part_of_word(state: u64) -> usize {
    (state >> 62) as usize % PARTS
}

fn posting_byte((count, flags): (u32, u8)) -> u8 {
    (flags & (TITLE | WORD)) | count.clamp(1, COUNT_MAX) as u8
}

/// A document's length for BM25: its Chinese characters, title included (one
/// single-character term each).
pub fn length(title: &str, body: &str) -> u32 {
    let count = |t: &str| t.chars().filter(|&c| tokens::is_han(c)).count();
    (count(title) + count(body)) as u32
}

/// A length as the one byte `docs.bin` keeps: steps of 5 %, enough for BM25's
/// length normalisation. The browser reads it back as `1.05^class - 1`.
pub fn length_class(length: u32) -> u8 {
    let class = (f64::from(length) + 1.0).ln() / 1.05f64.ln();
    class.round().clamp(0.0, 255.0) as u8
}

/// One term's postings while they are gathered: sparse, as written.
pub struct List {
    bytes: Vec<u8>,
    count: u32,
    /// The id of the last document added.
    last: u32,
}

/// The postings of one part of the terms, filled document by document in id
/// order.
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
            debug_assert!(doc > list.last, "postings are added in id order");
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
    /// Adds document `doc`'s terms of part `p`, the part these postings
    /// gather (ids must come in increasing order).
    pub fn add(&mut self, doc: u32, terms: &DocParts, p: usize) {
        let part = &terms.parts[p];
        for &(key, byte) in &part.grams {
            if let Some(new) = add(self.grams.get_mut(&key), doc, byte) {
                self.grams.insert(key, new);
            }
        }
        for &(start, end, byte) in &part.words {
            // Looked up first, so that only a new word is copied.
            let term = &terms.words[start as usize..end as usize];
            if let Some(new) = add(self.words.get_mut(term), doc, byte) {
                self.words.insert(term.to_string(), new);
            }
        }
    }

    /// About the size of the shards together: postings, terms and headers.
    pub fn bytes(&self) -> usize {
        let grams: usize = self.grams.values().map(|l| l.bytes.len() + 10).sum();
        let words: usize = self.words.iter().map(|(t, l)| l.bytes.len() + t.len() + 4).sum();
        grams + words
    }

    /// Every term with its postings.
    pub fn into_terms(self) -> impl Iterator<Item = (String, List)> {
        self.grams.into_iter().map(|(k, l)| (unpack(k), l)).chain(self.words)
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

/// Appends one term's entry to a shard: the term, its document count, the
/// size of its postings with the way they are written (bit 0: dense) and the
/// postings. `ids` is the number of document ids, the length of a bitmap.
pub fn write_entry(shard: &mut Vec<u8>, term: &str, list: &List, ids: u32) {
    push_varint(shard, term.len() as u32);
    shard.extend_from_slice(term.as_bytes());
    push_varint(shard, list.count);
    let dense = dense_list(list, ids);
    if !dense.is_empty() && dense.len() < list.bytes.len() {
        push_varint(shard, ((dense.len() as u32) << 1) | 1);
        shard.extend_from_slice(&dense);
    } else {
        push_varint(shard, (list.bytes.len() as u32) << 1);
        shard.extend_from_slice(&list.bytes);
    }
}

/// Decodes a sparse list: (doc, byte) in id order.
fn sparse_postings(mut list: &[u8]) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    let mut doc = 0;
    while let Some(gap) = varint(&mut list) {
        doc += gap;
        let Some((&byte, rest)) = list.split_first() else {
            break;
        };
        list = rest;
        out.push((doc, byte));
    }
    out
}

/// The dense form of a list (see the module's comment).
fn dense_list(list: &List, ids: u32) -> Vec<u8> {
    let postings = sparse_postings(&list.bytes);
    let bitmap = ids.div_ceil(8) as usize;
    // A bitmap costs more than gaps when few documents have the term.
    if bitmap >= list.bytes.len() {
        return Vec::new();
    }
    let mut tally = [0u32; 256];
    for &(_, byte) in &postings {
        tally[byte as usize] += 1;
    }
    let mut common: Vec<u8> = (0..=255u8).filter(|&b| tally[b as usize] > 0).collect();
    common.sort_by_key(|&b| (std::cmp::Reverse(tally[b as usize]), b));
    common.truncate(15);
    let mut code = [0u8; 256];
    for (n, &b) in common.iter().enumerate() {
        code[b as usize] = n as u8 + 1;
    }
    let mut out = vec![0u8; bitmap];
    out.push(common.len() as u8);
    out.extend_from_slice(&common);
    let codes = out.len();
    out.resize(codes + postings.len().div_ceil(2), 0);
    let mut escapes = Vec::new();
    for (n, &(doc, byte)) in postings.iter().enumerate() {
        out[doc as usize / 8] |= 1 << (doc % 8);
        let c = code[byte as usize];
        out[codes + n / 2] |= c << (4 * (n % 2));
        if c == 0 {
            escapes.push(byte);
        }
    }
    out.extend_from_slice(&escapes);
    out
}

/// Decodes a dense list.
fn dense_postings(list: &[u8], ids: u32) -> Option<Vec<(u32, u8)>> {
    let (bits, rest) = list.split_at_checked(ids.div_ceil(8) as usize)?;
    let (&common, rest) = rest.split_first()?;
    let (common, rest) = rest.split_at_checked(common as usize)?;
    let docs: Vec<u32> = (0..ids)
        .filter(|&d| bits[d as usize / 8] & (1 << (d % 8)) != 0)
        .collect();
    let (codes, mut escapes) = rest.split_at_checked(docs.len().div_ceil(2))?;
    let mut out = Vec::with_capacity(docs.len());
    for (n, doc) in docs.into_iter().enumerate() {
        let c = (codes[n / 2] >> (4 * (n % 2))) & 0x0F;
        let byte = if c == 0 {
            let (&b, rest) = escapes.split_first()?;
            escapes = rest;
            b
        } else {
            *common.get(c as usize - 1)?
        };
        out.push((doc, byte));
    }
    Some(out)
}

/// Reads a shard back: (term, [(doc, posting byte)]). For tests and tools.
pub fn read_shard(mut bytes: &[u8], ids: u32) -> Vec<(String, Vec<(u32, u8)>)> {
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
        let Some((list, rest)) = bytes.split_at_checked((size >> 1) as usize) else {
            break;
        };
        bytes = rest;
        let _ = count;
        let docs = if size & 1 == 1 {
            dense_postings(list, ids).unwrap_or_default()
        } else {
            sparse_postings(list)
        };
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
    fn the_word_counter_counts_like_a_map_through_growth_and_from_document_to_document() {
        let mut counter = WordCounter::new();
        for round in 0..2 {
            let mut want: HashMap<String, u32> = HashMap::new();
            // More distinct words than the table starts with, some repeated.
            for n in 0..3000 {
                let word = format!("w{}-{round}", n % 1700);
                counter.slot(&word).0 += 1;
                *want.entry(word).or_default() += 1;
            }
            let words = counter.take();
            let mut got: HashMap<String, u32> = HashMap::new();
            for (start, end, state, (count, _)) in &words.found {
                let word = &words.text[*start as usize..*end as usize];
                let mut hasher = TermHasher::default();
                hasher.write(word.as_bytes());
                assert_eq!(hasher.0, *state, "{word}");
                assert!(got.insert(word.to_string(), *count).is_none(), "{word} twice");
            }
            assert_eq!(got, want);
        }
    }

    /// Gathers the documents' postings and writes them as one shard.
    fn shard(docs: &[(u32, &str, &str)], ids: u32) -> Vec<u8> {
        let jieba = super::super::jieba();
        let mut parts: Vec<Postings> = (0..PARTS).map(|_| Postings::default()).collect();
        for &(id, title, body) in docs {
            let terms = DocTerms::of(title, body, jieba).into_parts();
            for (p, postings) in parts.iter_mut().enumerate() {
                postings.add(id, &terms, p);
            }
        }
        let mut terms: Vec<(String, List)> = parts.into_iter().flat_map(Postings::into_terms).collect();
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        let mut shard = Vec::new();
        for (term, list) in &terms {
            write_entry(&mut shard, term, list, ids);
        }
        shard
    }

    #[test]
    fn postings_round_trip_through_a_shard() {
        let docs = [(0, "协商民主", "围绕协商民主开展调研。"), (300, "视察", "民主监督。")];
        let read = read_shard(&shard(&docs, 301), 301);
        let get = |t: &str| read.iter().find(|(term, _)| term == t).map(|(_, d)| d.clone()).unwrap();
        let minzhu = get("民主");
        assert_eq!(minzhu.iter().map(|d| d.0).collect::<Vec<_>>(), [0, 300]);
        assert!(minzhu[0].1 & TITLE != 0 && minzhu[0].1 & WORD != 0);
        assert!(minzhu[1].1 & TITLE == 0);
        // Counted twice in doc 0 (title and body), once in doc 300.
        assert_eq!((minzhu[0].1 & 0x3F, minzhu[1].1 & 0x3F), (2, 1));
        let shangmin = get("商民");
        assert_eq!(shangmin.len(), 1);
        assert_eq!(shangmin[0].1 & WORD, 0, "a chance pair is not a word");
    }

    #[test]
    fn a_term_in_most_documents_is_written_as_a_bitmap() {
        let docs: Vec<(u32, &str, &str)> = (0..40)
            .map(|id| (id, "", if id % 3 == 0 { "政协委员" } else { "政协" }))
            .collect();
        let bytes = shard(&docs, 40);
        let read = read_shard(&bytes, 40);
        let get = |t: &str| read.iter().find(|(term, _)| term == t).map(|(_, d)| d.clone()).unwrap();
        assert_eq!(get("政协").len(), 40);
        assert_eq!(
            get("委员").iter().map(|d| d.0).collect::<Vec<_>>(),
            (0..40).step_by(3).collect::<Vec<_>>()
        );
        // A term in all 40 with two kinds of byte and one rare one: a 5-byte
        // bitmap, 1 + 2 common bytes, 20 bytes of codes and 1 escape, not 80
        // bytes of gaps and bytes.
        let bytes: Vec<u8> = (0..40u8)
            .flat_map(|n| [u8::from(n > 0), if n == 7 { 0x55 } else { 1 + n % 2 }])
            .collect();
        let list = List {
            bytes,
            count: 40,
            last: 39,
        };
        let mut entry = Vec::new();
        write_entry(&mut entry, "x", &list, 40);
        assert_eq!(entry.len(), 1 + 1 + 1 + 1 + 5 + 1 + 2 + 20 + 1);
        let read = read_shard(&entry, 40);
        let want: Vec<(u32, u8)> = (0..40)
            .map(|n| (n, if n == 7 { 0x55 } else { 1 + n as u8 % 2 }))
            .collect();
        assert_eq!(read[0].1, want);
    }

    #[test]
    fn fnv_hash_matches_the_reference_values() {
        assert_eq!(hash(""), 0x811C_9DC5);
        assert_eq!(hash("a"), 0xE40C_292C);
    }
}
