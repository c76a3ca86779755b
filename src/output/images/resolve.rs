//! Where each published photo is named (for messages about a photo that
//! cannot be published): body photos, galleries, covers and member photos.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::content::CONTENT_DIR;
use crate::content::figures::{self, Figure};
use crate::model::Site;
use crate::model::published::{Found, Owner, PublishedFiles};

/// Published path → where it is named: (source file, line).
pub type Refs = HashMap<String, Vec<(PathBuf, Option<usize>)>>;

/// Where each published photo is named, so that a broken photo is reported at
/// the line that shows it.
pub fn references(site: &Site, files: &PublishedFiles) -> Refs {
    let mut refs: Refs = HashMap::new();
    let mut add = |dest: String, shown: &PathBuf, line: Option<usize>| {
        refs.entry(dest).or_default().push((shown.clone(), line));
    };
    let mut owners: Vec<(Owner, PathBuf, &[Figure])> = site
        .pages
        .iter()
        .map(|p| (Owner::page(p), p.shown.clone(), p.figures.as_slice()))
        .collect();
    owners.extend(site.columns.iter().map(|c| {
        (
            Owner::column(c),
            PathBuf::from(format!("{CONTENT_DIR}/{}/_index.md", c.folder)),
            c.figures.as_slice(),
        )
    }));
    owners.extend(
        site.books
            .iter()
            .map(|b| (Owner::book(b), b.shown.clone(), b.figures.as_slice())),
    );
    owners.push((
        Owner::home(),
        PathBuf::from(format!("{CONTENT_DIR}/_index.md")),
        site.home.figures.as_slice(),
    ));
    for (owner, shown, list) in owners {
        for figure in list {
            match figure {
                Figure::Image(image) | Figure::Pasted(image) => {
                    if let Found::File(dest) = files.find(&image.src, &owner) {
                        add(dest, &shown, Some(image.line));
                    }
                }
                Figure::Video(block) => {
                    for (poster, line) in block.entries.iter().filter_map(|e| e.poster.as_ref()) {
                        if let Found::File(dest) = files.find(poster, &owner) {
                            add(dest, &shown, Some(*line));
                        }
                    }
                }
                Figure::Gallery(gallery) => {
                    for entry in &gallery.entries {
                        if entry.is_folder() {
                            for dest in files.folder(&entry.src, &owner, figures::GALLERY_EXTENSIONS) {
                                add(dest, &shown, Some(entry.line));
                            }
                        } else if let Found::File(dest) = files.find(&entry.src, &owner) {
                            add(dest, &shown, Some(entry.line));
                        }
                    }
                }
            }
        }
    }
    for page in &site.pages {
        if let Some(cover) = page.cover.as_ref().filter(|c| !c.external) {
            add(cover.path.clone(), &page.shown, page.meta.line_of("cover"));
        }
    }
    for member in &site.members {
        if let Some(photo) = member.photo.as_ref().filter(|p| !p.external) {
            let page = &site.pages[member.page];
            add(photo.path.clone(), &page.shown, page.meta.line_of("photo"));
        }
    }
    for book in &site.books {
        if let Some(cover) = book.cover.as_ref().filter(|c| !c.external) {
            add(cover.path.clone(), &book.shown, book.cover_line);
        }
    }
    for topic in &site.topics {
        if let Some(banner) = topic.banner.as_ref().filter(|b| !b.external) {
            let shown = PathBuf::from(format!("{CONTENT_DIR}/{}/_index.md", site.columns[topic.column].folder));
            add(banner.path.clone(), &shown, topic.banner_line);
        }
    }
    refs
}
