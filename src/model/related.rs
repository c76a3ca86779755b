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
            // Copied out, not collected in place: that would keep `found`'s
            // whole buffer (every candidate, ~1.6 KB a page) for five items,
            // 16 MB for 10,000 pages held until the site is let go.
            found.iter().map(|&(_, _, i)| i).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    /// Forty posts, all sharing two tags: every page has many candidates.
    fn site() -> Site {
        let config = crate::config::parse(
            "title: a\nbase_url: https://a.example.cn/\n",
            &crate::config::Overrides::default(),
        )
        .unwrap();
        let tz = config.tz.clone();
        let mut files = vec![
            crate::content::parse_text(
                "yaowen/_index.md".into(),
                "---\ntitle: 要闻\nkind: news\n---\n".into(),
                &tz,
            )
            .0
            .unwrap(),
        ];
        for i in 1..=40 {
            let text = format!(
                "---\ntitle: 第{i}篇\ndate: 2025-03-{:02}\ntags: [协商, 调研]\n---\n正文。\n",
                i % 28 + 1
            );
            files.push(
                crate::content::parse_text(format!("yaowen/p{i}.md"), text, &tz)
                    .0
                    .unwrap(),
            );
        }
        let options = crate::model::ModelOptions {
            drafts: false,
            now: "2026-01-01T00:00:00Z".parse().unwrap(),
            root: std::path::PathBuf::from("."),
            markdown_html: true,
            observer: None,
            memo: None,
        };
        let diagnostics = Diagnostics::new();
        let site = crate::model::build(
            config,
            crate::content::Content {
                files,
                assets: Vec::new(),
            },
            &options,
            &diagnostics,
        );
        assert!(!diagnostics.has_errors(), "{:?}", diagnostics.into_sorted());
        site
    }

    /// Ten thousand pages keep their lists for the whole build: each holds
    /// its five items, not the buffer its candidates were ranked in.
    #[test]
    fn each_page_keeps_only_what_it_shows() {
        let site = site();
        assert_eq!(site.related.len(), 40);
        for list in &site.related {
            assert_eq!(list.len(), SHOWN);
            assert!(list.capacity() <= SHOWN, "capacity {}", list.capacity());
        }
    }
}
