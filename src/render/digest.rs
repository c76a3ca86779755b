//! A page's prepared data, and its fingerprint.
//!
//! Two pages with the same template and the same data render the same HTML
//! (with the same templates and globals), so the engine compares fingerprints
//! to find the pages an edit changed without rendering any, in `tongxin serve`
//! and across runs of `tongxin build`. Tera keeps maps in hash maps whose
//! order changes from run to run: map entries are fingerprinted each on its
//! own and added up, so the fingerprint does not depend on that order.

use serde::Serialize;
use std::collections::HashMap;
use tera::value::ValueKind;
use tera::{Context, Value};
use xxhash_rust::xxh3::xxh3_128;

/// 128 bits: a collision among a site's pages would leave a stale page.
pub type Digest = u128;

/// The data one page's template sees, in the order it was given.
#[derive(Clone, Default)]
pub struct PageData {
    entries: Vec<(&'static str, Value)>,
}

impl PageData {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert_value(&mut self, key: &'static str, value: Value) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, value));
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, Value::from_serializable(value));
    }

    /// The Tera context to render with.
    pub fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (key, value) in &self.entries {
            ctx.insert_value(*key, value.clone());
        }
        ctx
    }

    /// The fingerprint of this data with `template`; maps in `known` count
    /// by their fingerprint there.
    pub fn digest(&self, template: &str, known: &Known) -> Digest {
        encoded(|out| {
            out.extend_from_slice(template.as_bytes());
            out.push(0xff);
            for (key, value) in &self.entries {
                out.extend_from_slice(key.as_bytes());
                out.push(0xff);
                encode(value, out, known);
            }
        })
    }
}

/// The fingerprint of a value on its own (the globals `site` and `nav`).
pub fn of_value(value: &Value) -> Digest {
    encoded(|out| encode(value, out, &Known::default()))
}

/// The fingerprint of what `write` encodes, in a buffer each thread keeps:
/// encoding a page's data into bytes and fingerprinting them at once took
/// about half the time of feeding a streaming hasher, which was made anew
/// for every entry of every map.
fn encoded(write: impl FnOnce(&mut Vec<u8>)) -> Digest {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|out| {
        out.clear();
        write(out);
        let digest = xxh3_128(out);
        // A rare huge page does not keep its buffer for the thread's life.
        if out.capacity() > 1 << 20 {
            *out = Vec::new();
        }
        digest
    })
}

/// Fingerprints of the maps many pages share — each page's light reference,
/// shown in every list, related reading and neighbour link — by the address
/// of the map. A list of twenty then adds twenty numbers instead of walking
/// twenty maps again: walking them was most of the time a build with one
/// edit spent preparing pages. Sound because a map here is kept alive and
/// unchanged by its owner ([`super::values::Values`]) while pages are
/// fingerprinted, so no other map can have its address meanwhile; the owner
/// removes an entry before it lets the map go.
#[derive(Default)]
pub struct Known(HashMap<usize, Digest>);

impl Known {
    /// The entry for `value`, when it is a map (computed apart, in parallel).
    pub fn entry(value: &Value) -> Option<(usize, Digest)> {
        value.as_map().map(|map| (address(map), of_value(value)))
    }

    /// The table of entries made by [`Known::entry`].
    pub fn from_entries(entries: Vec<(usize, Digest)>) -> Known {
        Known(entries.into_iter().collect())
    }

    /// Remembers the fingerprint of `value` when it is a map.
    pub fn insert(&mut self, value: &Value) {
        if let Some((at, digest)) = Known::entry(value) {
            self.0.insert(at, digest);
        }
    }

    /// Forgets `value` (before it is dropped or replaced).
    pub fn remove(&mut self, value: &Value) {
        if let Some(map) = value.as_map() {
            self.0.remove(&address(map));
        }
    }
}

fn address(map: &tera::Map) -> usize {
    std::ptr::from_ref(map) as usize
}

/// Strings longer than this are encoded by their fingerprint, not copied.
const LONG_TEXT: usize = 256;

/// Appends the bytes that stand for `value` to `out`: its kind, then its
/// contents. A map's entries are fingerprinted each on its own and added up.
fn encode(value: &Value, out: &mut Vec<u8>, known: &Known) {
    let number = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n as u64).to_le_bytes());
    match value.kind() {
        ValueKind::Undefined => out.push(0),
        ValueKind::None => out.push(1),
        ValueKind::Bool => {
            out.push(2);
            out.push(u8::from(value.as_bool().unwrap_or(false)));
        }
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            out.push(3);
            let n = value
                .as_i128()
                .unwrap_or_else(|| value.as_u128().map_or(0, |u| u as i128));
            out.extend_from_slice(&n.to_le_bytes());
        }
        ValueKind::F64 => {
            out.push(4);
            out.extend_from_slice(&value.as_f64().unwrap_or(0.0).to_bits().to_le_bytes());
        }
        ValueKind::String => {
            // Safe and escaped strings render differently.
            out.push(if value.is_safe() { 5 } else { 6 });
            bytes(out, value.as_str().unwrap_or("").as_bytes());
        }
        ValueKind::Bytes => {
            out.push(7);
            bytes(out, value.as_bytes().unwrap_or(&[]));
        }
        ValueKind::Array => {
            out.push(8);
            let items = value.as_array().unwrap_or(&[]);
            number(out, items.len());
            for item in items {
                encode(item, out, known);
            }
        }
        ValueKind::Map if let Some(digest) = value.as_map().and_then(|m| known.0.get(&address(m))) => {
            out.push(11);
            out.extend_from_slice(&digest.to_le_bytes());
        }
        ValueKind::Map => {
            out.push(9);
            let mut sum: u128 = 0;
            let mut count = 0usize;
            if let Some(map) = value.as_map() {
                // Each entry is encoded after what is there, fingerprinted,
                // and taken away again.
                let start = out.len();
                for (key, item) in map {
                    match key.as_str() {
                        Some(text) => out.extend_from_slice(text.as_bytes()),
                        None => out.extend_from_slice(key.to_string().as_bytes()),
                    }
                    out.push(0xff);
                    encode(item, out, known);
                    sum = sum.wrapping_add(xxh3_128(&out[start..]));
                    out.truncate(start);
                    count += 1;
                }
            }
            number(out, count);
            out.extend_from_slice(&sum.to_le_bytes());
        }
        // Kinds a later Tera may add: by their text.
        _ => {
            out.push(10);
            bytes(out, value.to_string().as_bytes());
        }
    }
}

/// A length and the bytes, or for a long text (an article's HTML) a mark, its
/// length and its fingerprint.
fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    if b.len() > LONG_TEXT {
        out.push(0xfe);
        out.extend_from_slice(&xxh3_128(b).to_le_bytes());
    } else {
        out.extend_from_slice(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_follow_the_data_not_the_map_order() {
        let mut a = tera::Map::new();
        a.insert("title".into(), Value::from("甲"));
        a.insert("url".into(), Value::from("/a/"));
        let mut b = tera::Map::new();
        b.insert("url".into(), Value::from("/a/"));
        b.insert("title".into(), Value::from("甲"));
        assert_eq!(of_value(&Value::from(a.clone())), of_value(&Value::from(b)));

        let mut page = PageData::new();
        page.insert_value("page", Value::from(a.clone()));
        let none = Known::default();
        let same = page.digest("article.html", &none);
        assert_eq!(page.clone().digest("article.html", &none), same);
        assert_ne!(page.digest("column.html", &none), same, "the template counts");
        a.insert("title".into(), Value::from("乙"));
        page.insert_value("page", Value::from(a));
        assert_ne!(page.digest("article.html", &none), same, "the data counts");

        let plain = Value::from("<b>");
        let safe = Value::safe_string("<b>");
        assert_ne!(of_value(&plain), of_value(&safe), "escaped or not counts");
        assert_ne!(of_value(&Value::from(1)), of_value(&Value::from("1")));
    }

    #[test]
    fn long_texts_and_nested_maps_count_by_their_contents() {
        let html = |end: &str| Value::safe_string(&format!("{}{end}", "<p>政协委员</p>".repeat(100)));
        assert_eq!(of_value(&html("甲")), of_value(&html("甲")));
        assert_ne!(
            of_value(&html("甲")),
            of_value(&html("乙")),
            "the end of a long text counts"
        );
        assert_ne!(
            of_value(&html("甲")),
            of_value(&Value::from("<p>政协委员</p>".repeat(100) + "甲"))
        );

        let page = |order: bool, inner: &str| {
            let mut nested = tera::Map::new();
            let entries = [("title", Value::from(inner)), ("content", html(inner))];
            for (key, value) in if order {
                entries.clone()
            } else {
                [entries[1].clone(), entries[0].clone()]
            } {
                nested.insert(key.into(), value);
            }
            let mut outer = tera::Map::new();
            outer.insert("page".into(), Value::from(nested));
            outer.insert("list".into(), Value::from(vec![Value::from(1), Value::from("一")]));
            Value::from(outer)
        };
        assert_eq!(of_value(&page(true, "甲")), of_value(&page(false, "甲")));
        assert_ne!(of_value(&page(true, "甲")), of_value(&page(true, "乙")));
    }

    #[test]
    fn shared_maps_count_by_their_known_fingerprint() {
        let item = |title: &str| {
            let mut map = tera::Map::new();
            map.insert("title".into(), Value::from(title));
            map.insert("url".into(), Value::from("/yaowen/a/"));
            Value::from(map)
        };
        let list = |value: &Value| {
            let mut page = PageData::new();
            page.insert_value("pages", Value::from(vec![value.clone(), Value::from("其他")]));
            page
        };
        let mut known = Known::default();
        let first = item("甲");
        known.insert(&first);
        let before = list(&first).digest("column.html", &known);

        // The next build serialises the same page again: a new map, the same
        // fingerprint.
        let again = item("甲");
        known.remove(&first);
        known.insert(&again);
        assert_eq!(list(&again).digest("column.html", &known), before);

        // An edited title changes the list that shows it.
        let edited = item("乙");
        known.remove(&again);
        known.insert(&edited);
        assert_ne!(list(&edited).digest("column.html", &known), before);
    }
}
