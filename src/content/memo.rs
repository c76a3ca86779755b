//! Remembered Markdown renderings, for `tongxin serve`: after an edit the model
//! is rebuilt, but only the bodies that changed are parsed again. A rendering
//! depends on the body, where it sits in its file, the base path and where its
//! `@/` links point; it is reused only while all of these are the same.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::markdown::{Links, Rendered};

/// Renderings by body, shared by the threads of a model build.
#[derive(Default)]
pub struct MarkdownMemo {
    entries: Mutex<HashMap<u64, Entry>>,
    /// Counts builds, so that renderings no build used any more can be dropped.
    generation: Mutex<u64>,
    /// A rendering was added since the memo was made or restored.
    added: std::sync::atomic::AtomicBool,
}

struct Entry {
    rendered: Rendered,
    /// Where each `@/` link pointed: (source path, site path or why it is left out).
    links: Vec<(String, Target)>,
    used: u64,
    /// Made since the memo was restored: not yet in the file it came from.
    fresh: bool,
}

#[derive(PartialEq, Clone)]
enum Target {
    Page(String),
    Excluded(&'static str),
    Missing,
}

/// [`Target`] as kept between builds: a reason for leaving a source out is
/// one of a few fixed texts, kept as its number.
#[derive(Serialize, Deserialize)]
enum SavedTarget {
    Page(String),
    Excluded(u8),
    Missing,
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Target::Page(p) => SavedTarget::Page(p.clone()),
            Target::Excluded(why) => {
                let n = super::markdown::EXCLUSION_REASONS
                    .iter()
                    .position(|r| r == why)
                    .unwrap_or(0);
                SavedTarget::Excluded(n as u8)
            }
            Target::Missing => SavedTarget::Missing,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match SavedTarget::deserialize(d)? {
            SavedTarget::Page(p) => Target::Page(p),
            SavedTarget::Excluded(n) => Target::Excluded(
                super::markdown::EXCLUSION_REASONS
                    .get(usize::from(n))
                    .ok_or_else(|| serde::de::Error::custom("unknown reason"))?,
            ),
            SavedTarget::Missing => Target::Missing,
        })
    }
}

/// A remembered rendering as the engine keeps it between builds.
#[derive(Clone, Serialize, Deserialize)]
pub struct Saved {
    key: u64,
    rendered: Rendered,
    links: Vec<(String, Target)>,
}

fn target(links: &Links, source: &str) -> Target {
    match (links.targets.get(source), links.excluded.get(source)) {
        (Some(path), _) => Target::Page(path.clone()),
        (None, Some(why)) => Target::Excluded(why),
        (None, None) => Target::Missing,
    }
}

fn key(body_hash: u64, first_line: usize, file: &Path, links: &Links) -> u64 {
    let mut h = siphasher::sip::SipHasher13::new();
    (body_hash, first_line, file, links.base_path, links.html).hash(&mut h);
    h.finish()
}

impl MarkdownMemo {
    pub fn new() -> Self {
        Self::default()
    }

    /// The remembered rendering of `body`, if its links still point where they did.
    pub fn get(&self, body_hash: u64, first_line: usize, file: &Path, links: &Links) -> Option<Rendered> {
        let generation = *self.generation.lock().ok()?;
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get_mut(&key(body_hash, first_line, file, links))?;
        if entry.links.iter().any(|(source, was)| target(links, source) != *was) {
            return None;
        }
        entry.used = generation;
        Some(entry.rendered.clone())
    }

    /// Remembers a rendering that had no problems (a problem's hint may name
    /// any page of the site, so those are always rendered afresh).
    pub fn put(&self, body_hash: u64, first_line: usize, file: &Path, links: &Links, rendered: &Rendered) {
        let generation = self.generation.lock().map_or(0, |g| *g);
        let entry = Entry {
            rendered: rendered.clone(),
            links: rendered
                .link_sources
                .iter()
                .map(|s| (s.clone(), target(links, s)))
                .collect(),
            used: generation,
            fresh: true,
        };
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key(body_hash, first_line, file, links), entry);
        }
        self.added.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Starts a build: renderings the previous build did not use are dropped.
    pub fn next_build(&self) {
        let Ok(mut generation) = self.generation.lock() else {
            return;
        };
        let last = *generation;
        *generation += 1;
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, e| e.used >= last);
        }
    }

    /// Whether a rendering was added since the memo was made or restored.
    pub fn added(&self) -> bool {
        self.added.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The renderings the last build used, to keep until the next run.
    pub fn save(&self) -> Vec<Saved> {
        self.saved(false)
    }

    /// The renderings the last build used that were made since the memo was
    /// restored: what to add to the file it was restored from.
    pub fn save_fresh(&self) -> Vec<Saved> {
        self.saved(true)
    }

    fn saved(&self, only_fresh: bool) -> Vec<Saved> {
        let generation = self.generation.lock().map_or(0, |g| *g);
        let Ok(mut entries) = self.entries.lock() else {
            return Vec::new();
        };
        let mut saved: Vec<Saved> = entries
            .iter_mut()
            .filter(|(_, e)| e.used >= generation && (e.fresh || !only_fresh))
            .map(|(key, e)| {
                e.fresh = false;
                Saved {
                    key: *key,
                    rendered: e.rendered.clone(),
                    links: e.links.clone(),
                }
            })
            .collect();
        saved.sort_by_key(|s| s.key);
        saved
    }

    /// A memo holding renderings saved by an earlier run.
    pub fn restore(saved: Vec<Saved>) -> Self {
        let memo = MarkdownMemo::new();
        if let Ok(mut entries) = memo.entries.lock() {
            for s in saved {
                entries.insert(
                    s.key,
                    Entry {
                        rendered: s.rendered,
                        links: s.links,
                        used: 0,
                        fresh: false,
                    },
                );
            }
        }
        memo
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown;

    fn links<'a>(targets: &'a HashMap<String, String>, excluded: &'a HashMap<String, &'static str>) -> Links<'a> {
        Links {
            targets,
            excluded,
            base_path: "/",
            html: true,
            observer: None,
        }
    }

    #[test]
    fn reused_only_while_links_point_to_the_same_place() {
        let memo = MarkdownMemo::new();
        let mut targets = HashMap::from([("yaowen/a.md".to_string(), "yaowen/a/".to_string())]);
        let excluded = HashMap::new();
        let text = "见[上文](@/yaowen/a.md)。\n";
        let body = crate::content::hash_body(text);
        let file = Path::new("content/x.md");
        let first = markdown::render(text, 5, file, &links(&targets, &excluded), &mut Vec::new());
        memo.put(body, 5, file, &links(&targets, &excluded), &first);

        let again = memo
            .get(body, 5, file, &links(&targets, &excluded))
            .expect("remembered");
        assert_eq!(again.html, first.html);
        assert!(
            memo.get(body, 6, file, &links(&targets, &excluded)).is_none(),
            "another line"
        );
        let other = crate::content::hash_body("别的正文");
        assert!(memo.get(other, 5, file, &links(&targets, &excluded)).is_none());

        targets.insert("yaowen/a.md".into(), "yaowen/new-slug/".into());
        assert!(
            memo.get(body, 5, file, &links(&targets, &excluded)).is_none(),
            "the linked page moved, so the HTML must be made again"
        );
    }

    #[test]
    fn saved_renderings_come_back_with_their_links() {
        let memo = MarkdownMemo::new();
        let targets = HashMap::from([("yaowen/a.md".to_string(), "yaowen/a/".to_string())]);
        let excluded = HashMap::from([("yaowen/b.md".to_string(), "草稿")]);
        let l = links(&targets, &excluded);
        let text = "见[上文](@/yaowen/a.md)。\n";
        let r = markdown::render(text, 5, Path::new("x.md"), &l, &mut Vec::new());
        let key = crate::content::hash_body(text);
        memo.put(key, 5, Path::new("x.md"), &l, &r);
        let saved = memo.save();
        let bytes = postcard::to_stdvec(&saved).unwrap();
        let back: Vec<Saved> = postcard::from_bytes(&bytes).unwrap();
        let restored = MarkdownMemo::restore(back);
        assert_eq!(restored.get(key, 5, Path::new("x.md"), &l).unwrap().html, r.html);
    }

    #[test]
    fn unused_renderings_are_dropped() {
        let memo = MarkdownMemo::new();
        let (targets, excluded) = (HashMap::new(), HashMap::new());
        let l = links(&targets, &excluded);
        let r = markdown::render("旧正文", 1, Path::new("a.md"), &l, &mut Vec::new());
        memo.put(crate::content::hash_body("旧正文"), 1, Path::new("a.md"), &l, &r);
        memo.next_build();
        assert_eq!(memo.len(), 1, "used by the build before");
        memo.next_build();
        assert!(memo.is_empty(), "not used by the last build");
    }
}
