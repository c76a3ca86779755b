//! From what a page names (`photo.jpg`, `../a/b.png`, `/images/c.jpg`, a
//! gallery's folder) to the published file, and the finished markup back into
//! the page.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::content::CONTENT_DIR;
use crate::content::figures::{self, Figure, Gallery, GalleryItem, Picture};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::site_paths::{normalize, percent_decode};

/// Published path → where it is named: (source file, line).
pub type Refs = HashMap<String, Vec<(PathBuf, Option<usize>)>>;

/// A body with photos: its site path (relative names start there), its source
/// file for messages, and its figures.
struct Owner<'a> {
    path: &'a str,
    shown: PathBuf,
    figures: &'a [Figure],
}

fn owners(site: &Site) -> Vec<Owner<'_>> {
    let mut list: Vec<Owner> = site
        .pages
        .iter()
        .map(|p| Owner {
            path: &p.path,
            shown: p.shown.clone(),
            figures: &p.figures,
        })
        .collect();
    list.extend(site.columns.iter().map(|c| Owner {
        path: &c.path,
        shown: PathBuf::from(format!("{CONTENT_DIR}/{}/_index.md", c.folder)),
        figures: &c.figures,
    }));
    list.extend(site.books.iter().map(|b| Owner {
        path: &b.path,
        shown: b.shown.clone(),
        figures: &b.figures,
    }));
    list.push(Owner {
        path: "",
        shown: PathBuf::from(format!("{CONTENT_DIR}/_index.md")),
        figures: &site.home.figures,
    });
    list
}

/// The published path a page at `owner_path` means by `src`; `None` for a
/// path that leaves the site.
pub fn resolve_src(src: &str, owner_path: &str) -> Option<String> {
    let src = src.trim().split(['?', '#']).next().unwrap_or("");
    let src = percent_decode(src);
    let joined = match src.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{owner_path}{src}"),
    };
    normalize(&joined)
}

/// Files directly inside the published folder `folder` (ending in `/`) that a
/// gallery can show, by name.
fn folder_photos<'a>(folder: &str, published: &'a HashMap<String, PathBuf>) -> Vec<&'a String> {
    let mut found: Vec<&String> = published
        .keys()
        .filter(|dest| {
            dest.strip_prefix(folder).is_some_and(|name| !name.contains('/'))
                && figures::GALLERY_EXTENSIONS.contains(&figures::extension(dest).as_str())
        })
        .collect();
    found.sort();
    found
}

/// Where each published photo is named, so that a broken photo is reported at
/// the line that shows it.
pub fn references(site: &Site, published: &HashMap<String, PathBuf>, _diagnostics: &Diagnostics) -> Refs {
    let mut refs: Refs = HashMap::new();
    let mut add = |dest: String, shown: &PathBuf, line: Option<usize>| {
        refs.entry(dest).or_default().push((shown.clone(), line));
    };
    for owner in owners(site) {
        for figure in owner.figures {
            match figure {
                Figure::Image(image) => {
                    if let Some(dest) = resolve_src(&image.src, owner.path) {
                        add(dest, &owner.shown, Some(image.line));
                    }
                }
                Figure::Gallery(gallery) => {
                    for entry in &gallery.entries {
                        let Some(dest) = resolve_src(&entry.src, owner.path) else {
                            continue;
                        };
                        if entry.is_folder() {
                            for photo in folder_photos(&dest, published) {
                                add(photo.clone(), &owner.shown, Some(entry.line));
                            }
                        } else {
                            add(dest, &owner.shown, Some(entry.line));
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
    refs
}

/// Writes the finished markup of every figure into its body, and the pictures
/// of covers and member photos into the model.
pub fn fill(
    site: &mut Site,
    published: &HashMap<String, PathBuf>,
    pictures: &HashMap<String, Picture>,
    diagnostics: &Diagnostics,
) {
    let base = site.config.base_path.clone();
    let markup = |html: &str, figures: &[Figure], owner_path: &str, shown: &PathBuf| -> String {
        if figures.is_empty() {
            return html.to_string();
        }
        figures::replace(html, figures.len(), |n| match &figures[n] {
            Figure::Image(image) => {
                let dest = resolve_src(&image.src, owner_path)?;
                let picture = pictures.get(&dest);
                let size = match picture {
                    Some(_) => None,
                    None => super::intrinsic::size(published.get(&dest)?, &figures::extension(&dest)),
                };
                Some(figures::img_html(
                    &format!("{base}{}", figures::url_path(&dest)),
                    &image.alt,
                    &image.title,
                    picture,
                    size,
                    figures::BODY_SIZES,
                    image.eager,
                    &base,
                ))
            }
            Figure::Gallery(gallery) => Some(gallery_markup(
                gallery,
                owner_path,
                shown,
                published,
                pictures,
                &base,
                diagnostics,
            )),
        })
    };
    site.pages.par_iter_mut().for_each(|page| {
        page.content = markup(&page.content, &page.figures, &page.path, &page.shown);
        if let Some(cover) = page.cover.as_mut() {
            cover.image = pictures.get(&cover.path).cloned();
        }
    });
    for column in &mut site.columns {
        let shown = PathBuf::from(format!("{CONTENT_DIR}/{}/_index.md", column.folder));
        column.content = markup(&column.content, &column.figures, &column.path, &shown);
    }
    for book in &mut site.books {
        book.content = markup(&book.content, &book.figures, &book.path, &book.shown);
        if let Some(cover) = book.cover.as_mut() {
            cover.image = pictures.get(&cover.path).cloned();
        }
    }
    let home_shown = PathBuf::from(format!("{CONTENT_DIR}/_index.md"));
    site.home.content = markup(&site.home.content, &site.home.figures, "", &home_shown);
    for member in &mut site.members {
        if let Some(photo) = member.photo.as_mut() {
            photo.image = pictures.get(&photo.path).cloned();
        }
    }
}

/// A gallery's markup; a listed photo that is missing is an error at its line.
fn gallery_markup(
    gallery: &Gallery,
    owner_path: &str,
    shown: &PathBuf,
    published: &HashMap<String, PathBuf>,
    pictures: &HashMap<String, Picture>,
    base: &str,
    diagnostics: &Diagnostics,
) -> String {
    let mut items: Vec<GalleryItem> = Vec::new();
    let own_folder = shown.to_string_lossy().trim_end_matches(".md").to_string();
    for entry in &gallery.entries {
        let dest = resolve_src(&entry.src, owner_path);
        let photos: Vec<&String> = match &dest {
            Some(dest) if entry.is_folder() => folder_photos(dest, published),
            Some(dest) => published.get_key_value(dest).map(|(k, _)| k).into_iter().collect(),
            None => Vec::new(),
        };
        if photos.is_empty() {
            let (message, hint) = if entry.is_folder() {
                (
                    format!("图集里的文件夹“{}”不存在或没有照片", entry.src),
                    format!("照片文件夹放在文章自己的文件夹里，例如 {own_folder}/{}", entry.src),
                )
            } else {
                (
                    format!("图集里的照片“{}”找不到", entry.src),
                    format!("把照片放进 {own_folder}/ 文件夹里，并核对文件名（包括扩展名）"),
                )
            };
            diagnostics.push(Diagnostic::error(shown, message).at_line(entry.line).hint(hint));
            continue;
        }
        for dest in photos {
            let picture = pictures.get(dest.as_str());
            let processed = !matches!(figures::extension(dest).as_str(), "gif" | "svg");
            if processed && picture.is_none() {
                // It could not be published; that is reported already.
                continue;
            }
            let size = match picture {
                Some(_) => None,
                None => published
                    .get(dest.as_str())
                    .and_then(|src| super::intrinsic::size(src, &figures::extension(dest))),
            };
            items.push(GalleryItem {
                url: format!("{base}{}", figures::url_path(dest)),
                picture,
                size,
                caption: if entry.is_folder() { "" } else { &entry.caption },
            });
        }
    }
    figures::gallery_html(&items, base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_resolve_like_a_browser() {
        assert_eq!(
            resolve_src("photo.jpg", "yaowen/a/").as_deref(),
            Some("yaowen/a/photo.jpg")
        );
        assert_eq!(
            resolve_src("./p/x.png?v=1", "yaowen/a/").as_deref(),
            Some("yaowen/a/p/x.png")
        );
        assert_eq!(
            resolve_src("../b/x.png", "yaowen/a/").as_deref(),
            Some("yaowen/b/x.png")
        );
        assert_eq!(
            resolve_src("/images/x.png", "yaowen/a/").as_deref(),
            Some("images/x.png")
        );
        assert_eq!(resolve_src("photos/", "yaowen/a/").as_deref(), Some("yaowen/a/photos/"));
        assert_eq!(
            resolve_src("%E7%85%A7%20%E7%89%87.jpg", "a/").as_deref(),
            Some("a/照 片.jpg")
        );
        assert_eq!(resolve_src("../../../x.png", "a/"), None);
    }
}
