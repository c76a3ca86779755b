//! Tags (标签) and topics (专题): terms gathered from front matter, each with an
//! ASCII URL (`/tags/xiangcun-zhenxing/`) and its pages, newest first.

use std::collections::{BTreeMap, HashSet};

use super::slug::slugify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxonomyKind {
    Tags,
    Topics,
}

impl TaxonomyKind {
    /// The folder in the output: `tags/`, `topics/`.
    pub fn folder(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Topics => "topics",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "标签",
            TaxonomyKind::Topics => "专题",
        }
    }
}

#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Site path, e.g. `tags/xiangcun-zhenxing/`.
    pub path: String,
    /// Indices into `Site::pages`, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub kind: TaxonomyKind,
    /// Sorted by name, so URLs and pages are stable between builds.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// Builds the taxonomy from `(page index, terms of that page)`, given in
    /// display order (newest first).
    pub fn collect<'a>(kind: TaxonomyKind, pages: impl Iterator<Item = (usize, &'a [String])>) -> Taxonomy {
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, terms) in pages {
            let mut seen = HashSet::new();
            for term in terms {
                if seen.insert(term.as_str()) {
                    by_name.entry(term.as_str()).or_default().push(index);
                }
            }
        }
        let mut used = HashSet::new();
        let terms = by_name
            .into_iter()
            .enumerate()
            .map(|(i, (name, pages))| {
                let base = slugify(name);
                let base = if base.is_empty() {
                    format!("term-{}", i + 1)
                } else {
                    base
                };
                // Two terms may share a pinyin (同音词): the later one gets a number.
                let mut slug = base.clone();
                let mut n = 2;
                while !used.insert(slug.clone()) {
                    slug = format!("{base}-{n}");
                    n += 1;
                }
                Term {
                    path: format!("{}/{slug}/", kind.folder()),
                    name: name.to_string(),
                    slug,
                    pages,
                }
            })
            .collect();
        Taxonomy { kind, terms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_get_ascii_paths_and_keep_page_order() {
        let a = vec!["乡村振兴".to_string(), "提案".to_string()];
        let b = vec!["乡村振兴".to_string(), "乡村振兴".to_string()];
        let t = Taxonomy::collect(TaxonomyKind::Tags, [(0, a.as_slice()), (1, b.as_slice())].into_iter());
        let term = t.terms.iter().find(|t| t.name == "乡村振兴").unwrap();
        assert_eq!(term.path, "tags/xiangcun-zhenxing/");
        assert_eq!(term.pages, [0, 1]);
    }

    #[test]
    fn homophones_get_distinct_slugs() {
        let a = vec!["工事".to_string(), "公事".to_string()];
        let t = Taxonomy::collect(TaxonomyKind::Topics, [(0, a.as_slice())].into_iter());
        assert_ne!(t.terms[0].slug, t.terms[1].slug);
    }
}
