//! A page's prepared data, and its fingerprint.
//!
//! Two pages with the same template and the same data render the same HTML
//! (with the same templates and globals), so the engine compares fingerprints
//! to find the pages an edit changed without rendering any, in `tongxin serve`
//! and across runs of `tongxin build`. Tera keeps maps in hash maps whose
//! order changes from run to run: map entries are fingerprinted each on its
//! own and added up, so the fingerprint does not depend on that order.

use serde::Serialize;
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

    /// The fingerprint of this data with `template`.
    pub fn digest(&self, template: &str) -> Digest {
        let mut h = Xxh3::new();
        h.write(template.as_bytes());
        h.write_u8(0xff);
        for (key, value) in &self.entries {
            h.write(key.as_bytes());
            h.write_u8(0xff);
            value_into(value, &mut h);
        }
        h.digest128()
    }
}

/// The fingerprint of a value on its own (the globals `site` and `nav`).
pub fn of_value(value: &Value) -> Digest {
    let mut h = Xxh3::new();
    value_into(value, &mut h);
    h.digest128()
}

fn value_into(value: &Value, h: &mut Xxh3) {
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
                value_into(item, h);
            }
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
                    value_into(item, &mut entry);
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
        let same = page.digest("article.html");
        assert_eq!(page.clone().digest("article.html"), same);
        assert_ne!(page.digest("column.html"), same, "the template counts");
        a.insert("title".into(), Value::from("乙"));
        page.insert_value("page", Value::from(a));
        assert_ne!(page.digest("article.html"), same, "the data counts");

        let plain = Value::from("<b>");
        let safe = Value::safe_string("<b>");
        assert_ne!(of_value(&plain), of_value(&safe), "escaped or not counts");
        assert_ne!(of_value(&Value::from(1)), of_value(&Value::from("1")));
    }
}
