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
use std::hash::Hasher;
use tera::value::ValueKind;
use tera::{Context, Value};
use xxhash_rust::xxh3::Xxh3;

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
        let mut h = Xxh3::new();
        h.write(template.as_bytes());
        h.write_u8(0xff);
        for (key, value) in &self.entries {
            h.write(key.as_bytes());
            h.write_u8(0xff);
            value_into(value, &mut h, known);
        }
        h.digest128()
    }
}

/// The fingerprint of a value on its own (the globals `site` and `nav`).
pub fn of_value(value: &Value) -> Digest {
    let mut h = Xxh3::new();
    value_into(value, &mut h, &Known::default());
    h.digest128()
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

fn value_into(value: &Value, h: &mut Xxh3, known: &Known) {
    match value.kind() {
        ValueKind::Undefined => h.write_u8(0),
        ValueKind::None => h.write_u8(1),
        ValueKind::Bool => {
            h.write_u8(2);
            h.write_u8(u8::from(value.as_bool().unwrap_or(false)));
        }
        ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
            h.write_u8(3);
            h.write_i128(
                value
                    .as_i128()
                    .unwrap_or_else(|| value.as_u128().map_or(0, |u| u as i128)),
            );
        }
        ValueKind::F64 => {
            h.write_u8(4);
            h.write_u64(value.as_f64().unwrap_or(0.0).to_bits());
        }
        ValueKind::String => {
            // Safe and escaped strings render differently.
            h.write_u8(if value.is_safe() { 5 } else { 6 });
            let s = value.as_str().unwrap_or("");
            h.write_usize(s.len());
            h.write(s.as_bytes());
        }
        ValueKind::Bytes => {
            h.write_u8(7);
            let b = value.as_bytes().unwrap_or(&[]);
            h.write_usize(b.len());
            h.write(b);
        }
        ValueKind::Array => {
            h.write_u8(8);
            let items = value.as_array().unwrap_or(&[]);
            h.write_usize(items.len());
            for item in items {
                value_into(item, h, known);
            }
        }
        ValueKind::Map if let Some(digest) = value.as_map().and_then(|m| known.0.get(&address(m))) => {
            h.write_u8(11);
            h.write_u128(*digest);
        }
        ValueKind::Map => {
            h.write_u8(9);
            let mut sum: u128 = 0;
            let mut count = 0usize;
            if let Some(map) = value.as_map() {
                for (key, item) in map {
                    let mut entry = Xxh3::new();
                    match key.as_str() {
                        Some(text) => entry.write(text.as_bytes()),
                        None => entry.write(key.to_string().as_bytes()),
                    }
                    entry.write_u8(0xff);
                    value_into(item, &mut entry, known);
                    sum = sum.wrapping_add(entry.digest128());
                    count += 1;
                }
            }
            h.write_usize(count);
            h.write_u128(sum);
        }
        // Kinds a later Tera may add: by their text.
        _ => {
            h.write_u8(10);
            h.write(value.to_string().as_bytes());
        }
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
