//! What a build writes besides the rendered pages: the Atom feeds, the
//! sitemap, `robots.txt`, the redirects of old addresses, and the files copied as they are (theme and site
//! `static/`, the files beside the Markdown). Every command plans its output
//! here: `build` and `serve` to write it, `check` to know which links lead
//! somewhere.

use std::path::Path;

use super::static_files::{self, StaticFile};
use super::{feeds, redirects, robots_txt, sitemap};
use crate::content;
use crate::dates;
use crate::model::Site;
use crate::render::pictures::Pictures;

/// The Atom feeds of the site: (output path, title, page path of the list it
/// follows, items newest first). Items without a date (a proposal or a study
/// material may have none) are left out: a feed entry needs one.
fn feed_list(site: &Site) -> Vec<(String, String, &str, Vec<usize>)> {
    let mut list = vec![(
        "atom.xml".to_string(),
        site.config.title.clone(),
        "",
        site.latest.clone(),
    )];
    for column in site.columns.iter().filter(|c| c.kind.has_feed()) {
        let mut items: Vec<usize> = column
            .pages
            .iter()
            .copied()
            .filter(|&i| site.pages[i].meta.date.is_some())
            .collect();
        // Stable: pages of the same date keep the column's order.
        items.sort_by(|&a, &b| site.pages[b].meta.date.cmp(&site.pages[a].meta.date));
        list.push((
            format!("{}atom.xml", column.path),
            format!("{} - {}", column.title, site.config.title),
            column.path.as_str(),
            items,
        ));
    }
    list
}

/// The files copied as they are: theme and site `static/`, then the files beside
/// the Markdown; later entries win.
pub fn static_list(site: &Site, root: &Path) -> Vec<StaticFile> {
    let mut copies = static_files::list_dir(&root.join("themes").join(&site.config.theme).join("static"));
    copies.extend(static_files::list_dir(&root.join("static")));
    let content_dir = root.join(content::CONTENT_DIR);
    copies.extend(
        site.assets
            .iter()
            .map(|(src, dest)| (content_dir.join(src), dest.clone())),
    );
    copies
}

/// Every file a build writes besides the rendered pages (feeds, sitemap,
/// robots.txt, static files and the files beside the Markdown), as paths below
/// the output folder; `check` resolves links against them.
pub fn extra_paths(site: &Site, root: &Path) -> Vec<String> {
    let mut paths = generated_paths(site);
    paths.extend(redirects::paths(site));
    paths.extend(static_list(site, root).into_iter().map(|(_, dest)| dest));
    paths
}

/// The feeds, `sitemap.xml` and `robots.txt`, as paths below the output.
pub fn generated_paths(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = feed_list(site).into_iter().map(|(path, ..)| path).collect();
    paths.push("sitemap.xml".into());
    paths.push("robots.txt".into());
    paths
}

/// The files made from the whole site besides its pages: the Atom feeds,
/// `sitemap.xml`, `robots.txt`, and the redirect pages and server rules of
/// the old addresses, as (path below the output, text). The redirect pages
/// are not in the sitemap.
pub fn generated_files(site: &Site, pictures: &Pictures) -> Vec<(String, String)> {
    // A feed with no dated item says it was updated when the site last was
    // (the newest date anywhere), not when it was built: the same sources
    // give the same bytes at any time.
    let generated = site
        .pages
        .iter()
        .filter_map(|p| p.meta.date.as_ref())
        .max()
        .map_or_else(|| "2000-01-01T00:00:00+08:00".to_string(), dates::rfc3339);
    let mut written: Vec<(String, String)> = feed_list(site)
        .into_iter()
        .map(|(path, title, alternate, items)| {
            let text = feeds::atom(site, pictures, &title, &path, alternate, &items, &generated);
            (path, text)
        })
        .collect();

    let base = &site.config.base_url;
    let mut entries: Vec<(String, Option<String>)> = vec![(
        base.clone(),
        site.latest
            .first()
            .and_then(|&i| site.pages[i].meta.date.as_ref())
            .map(dates::rfc3339),
    )];
    entries.extend(site.columns.iter().map(|column| {
        let lastmod = column
            .pages
            .iter()
            .filter_map(|&i| site.pages[i].meta.date.as_ref())
            .max()
            .map(dates::rfc3339);
        (format!("{base}{}", column.path), lastmod)
    }));
    for book in &site.books {
        entries.push((format!("{base}{}", book.path), None));
        entries.push((
            format!("{base}{}{}/", book.path, crate::model::series::WHOLE_BOOK),
            None,
        ));
    }
    entries.extend(
        site.member_views
            .iter()
            .map(|v| (format!("{base}{}", v.committee_path), None)),
    );
    entries.extend(
        site.pages
            .iter()
            .map(|p| (format!("{base}{}", p.path), p.meta.date.as_ref().map(dates::rfc3339))),
    );
    for taxonomy in &site.taxonomies {
        entries.extend(
            taxonomy
                .terms
                .iter()
                .filter(|t| site.term_has_page(taxonomy, t))
                .map(|t| (format!("{base}{}", t.path), None)),
        );
    }
    for topic in &site.topics {
        entries.extend(topic.sections.iter().map(|s| (format!("{base}{}", s.path), None)));
    }
    written.push(("sitemap.xml".to_string(), sitemap::sitemap(&entries)));
    written.push(("robots.txt".to_string(), robots_txt(base)));
    written.extend(redirects::files(site));
    written
}
