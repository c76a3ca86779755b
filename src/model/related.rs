//! Related items (相关阅读) under an article: other pages that share its tags.
//!
//! Pages sharing more tags come first; among equals, the pages nearest in time.
//! A tag used by thousands of pages must not make this quadratic, so each tag only
//! offers the neighbours of the page in that tag's date-ordered list.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Site;
use super::taxonomy::TaxonomyKind;

/// How many related items an article shows.
pub const SHOWN: usize = 5;
/// How many neighbours on each side of the page one tag offers.
const WINDOW: usize = 12;

/// For each page (by index), its related pages, best first.
pub fn collect(site: &Site) -> Vec<Vec<usize>> {
    let tags = site.taxonomy(TaxonomyKind::Tags);
    // Where each page stands in each of its tags' lists.
    let mut positions: Vec<Vec<(usize, usize)>> = vec![Vec::new(); site.pages.len()];
    for (t, term) in tags.terms.iter().enumerate() {
        for (pos, &page) in term.pages.iter().enumerate() {
            positions[page].push((t, pos));
        }
    }
    (0..site.pages.len())
        .into_par_iter()
        .map(|page| {
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for &(t, pos) in &positions[page] {
                let list = &tags.terms[t].pages;
                let from = pos.saturating_sub(WINDOW);
                let to = (pos + WINDOW + 1).min(list.len());
                for &other in &list[from..to] {
                    if other != page {
                        *shared.entry(other).or_default() += 1;
                    }
                }
            }
            let mut found: Vec<(usize, usize)> = shared.into_iter().collect();
            let when = |i: usize| site.pages[i].meta.date.as_ref().map(|d| d.timestamp().as_second());
            let here = when(page);
            let distance = |i: usize| match (here, when(i)) {
                (Some(a), Some(b)) => (a - b).unsigned_abs(),
                _ => u64::MAX,
            };
            // More shared tags first, then nearer in time, then source order for stability.
            found.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(distance(a.0).cmp(&distance(b.0)))
                    .then(a.0.cmp(&b.0))
            });
            found.into_iter().take(SHOWN).map(|(i, _)| i).collect()
        })
        .collect()
}
