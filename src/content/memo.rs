//! Remembered Markdown renderings, for `tongxin serve`: after an edit the model
//! is rebuilt, but only the bodies that changed are parsed again. A rendering
//! depends on the body, where it sits in its file, the base path and where its
//! `@/` links point; it is reused only while all of these are the same.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;

use super::markdown::{Links, Rendered};

/// Renderings by body, shared by the threads of a model build.
#[derive(Default)]
pub struct MarkdownMemo {
    entries: Mutex<HashMap<u64, Entry>>,
    /// Counts builds, so that renderings no build used any more can be dropped.
    generation: Mutex<u64>,
}

struct Entry {
    rendered: Rendered,
    /// Where each `@/` link pointed: (source path, site path or why it is left out).
    links: Vec<(String, Target)>,
    used: u64,
}

#[derive(PartialEq)]
enum Target {
    Page(String),
    Excluded(&'static str),
    Missing,
}

fn target(links: &Links, source: &str) -> Target {
    match (links.targets.get(source), links.excluded.get(source)) {
        (Some(path), _) => Target::Page(path.clone()),
        (None, Some(why)) => Target::Excluded(why),
        (None, None) => Target::Missing,
    }
}

fn key(body: &str, first_line: usize, file: &Path, links: &Links) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (body, first_line, file, links.base_path, links.html).hash(&mut h);
    h.finish()
}

impl MarkdownMemo {
    pub fn new() -> Self {
        Self::default()
    }

    /// The remembered rendering of `body`, if its links still point where they did.
    pub fn get(&self, body: &str, first_line: usize, file: &Path, links: &Links) -> Option<Rendered> {
        let generation = *self.generation.lock().ok()?;
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get_mut(&key(body, first_line, file, links))?;
        if entry.links.iter().any(|(source, was)| target(links, source) != *was) {
            return None;
        }
        entry.used = generation;
        Some(entry.rendered.clone())
    }

    /// Remembers a rendering that had no problems (a problem's hint may name
    /// any page of the site, so those are always rendered afresh).
    pub fn put(&self, body: &str, first_line: usize, file: &Path, links: &Links, rendered: &Rendered) {
        let generation = self.generation.lock().map_or(0, |g| *g);
        let entry = Entry {
            rendered: rendered.clone(),
            links: rendered
                .link_sources
                .iter()
                .map(|s| (s.clone(), target(links, s)))
                .collect(),
            used: generation,
        };
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key(body, first_line, file, links), entry);
        }
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
        let body = "见[上文](@/yaowen/a.md)。\n";
        let file = Path::new("content/x.md");
        let first = markdown::render(body, 5, file, &links(&targets, &excluded), &mut Vec::new());
        memo.put(body, 5, file, &links(&targets, &excluded), &first);

        let again = memo
            .get(body, 5, file, &links(&targets, &excluded))
            .expect("remembered");
        assert_eq!(again.html, first.html);
        assert!(
            memo.get(body, 6, file, &links(&targets, &excluded)).is_none(),
            "another line"
        );
        assert!(memo.get("别的正文", 5, file, &links(&targets, &excluded)).is_none());

        targets.insert("yaowen/a.md".into(), "yaowen/new-slug/".into());
        assert!(
            memo.get(body, 5, file, &links(&targets, &excluded)).is_none(),
            "the linked page moved, so the HTML must be made again"
        );
    }

    #[test]
    fn unused_renderings_are_dropped() {
        let memo = MarkdownMemo::new();
        let (targets, excluded) = (HashMap::new(), HashMap::new());
        let l = links(&targets, &excluded);
        let r = markdown::render("旧正文", 1, Path::new("a.md"), &l, &mut Vec::new());
        memo.put("旧正文", 1, Path::new("a.md"), &l, &r);
        memo.next_build();
        assert_eq!(memo.len(), 1, "used by the build before");
        memo.next_build();
        assert!(memo.is_empty(), "not used by the last build");
    }
}
