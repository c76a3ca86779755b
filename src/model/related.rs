//! Related items (相关阅读) under an article: other pages that share its tags.
//!
//! Pages sharing more tags come first; among equals, the pages nearest in time.
//! A tag used by thousands of pages must not make this quadratic, so each tag only
//! offers the neighbours of the page in that tag's date-ordered list.

use std::cmp::Reverse;

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
    // Each page's date in seconds, read once instead of in every comparison.
    let seconds: Vec<Option<i64>> = site
        .pages
        .iter()
        .map(|p| p.meta.date.as_ref().map(|d| d.timestamp().as_second()))
        .collect();
    (0..site.pages.len())
        .into_par_iter()
        .map(|page| {
            // Every neighbour offered, once per tag it shares with the page.
            let mut offered: Vec<usize> = Vec::with_capacity(positions[page].len() * (2 * WINDOW + 1));
            for &(t, pos) in &positions[page] {
                let list = &tags.terms[t].pages;
                let from = pos.saturating_sub(WINDOW);
                let to = (pos + WINDOW + 1).min(list.len());
                offered.extend(list[from..to].iter().copied().filter(|&other| other != page));
            }
            offered.sort_unstable();
            let distance = |i: usize| match (seconds[page], seconds[i]) {
                (Some(a), Some(b)) => (a - b).unsigned_abs(),
                _ => u64::MAX,
            };
            // More shared tags first, then nearer in time, then source order
            // (the index makes every key different, so the order is stable).
            let mut found: Vec<(Reverse<usize>, u64, usize)> = offered
                .chunk_by(|a, b| a == b)
                .map(|run| (Reverse(run.len()), distance(run[0]), run[0]))
                .collect();
            if found.len() > SHOWN {
                found.select_nth_unstable(SHOWN);
                found.truncate(SHOWN);
            }
            found.sort_unstable();
            found.into_iter().map(|(_, _, i)| i).collect()
        })
        .collect()
}
