//! Photos as pages show them, looked up while a page is rendered: the body's
//! `<img>` with `srcset`, `sizes`, `width` and `height`, galleries, and the
//! resized copies of covers and member photos.
//!
//! The model keeps each body as Markdown rendered it, every photo in plain
//! markup between two markers (see [`crate::content::figures`]). The image
//! stage of a build makes a [`Pictures`] table of what it published; every
//! render of a body finishes it from that table. Nothing in the model is
//! patched afterwards, so a body rendered again after an edit (`tongxin serve`)
//! gets exactly the markup a full build gives it.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::content::figures::{self, Figure, GalleryItem, Picture, VideoInfo, VideoItem};
use crate::model::published::{Found, Owner, PublishedFiles};

/// What the site publishes, and the photos the image stage made of it.
#[derive(Debug, Default)]
pub struct Pictures {
    pub files: PublishedFiles,
    /// Processed photos by site path.
    made: HashMap<String, Picture>,
    /// Width and height of images published as they are (SVG, GIF).
    sizes: HashMap<String, (u32, u32)>,
    /// Size and duration of the videos, by site path.
    videos: HashMap<String, VideoInfo>,
    base_path: String,
    /// Whether the image stage ran: then a photo without a picture is one
    /// that could not be published, and is left out of galleries.
    processed: bool,
}

impl Pictures {
    pub fn new(
        files: PublishedFiles,
        made: HashMap<String, Picture>,
        sizes: HashMap<String, (u32, u32)>,
        base_path: &str,
    ) -> Self {
        Pictures {
            files,
            made,
            sizes,
            videos: HashMap::new(),
            base_path: base_path.to_string(),
            processed: true,
        }
    }

    /// Names resolved, no photo processed: the markup of a build without the
    /// image stage (`tongxin check`).
    pub fn unprocessed(files: PublishedFiles, base_path: &str) -> Self {
        Pictures {
            processed: false,
            ..Self::new(files, HashMap::new(), HashMap::new(), base_path)
        }
    }

    /// With the size and duration of each published video.
    pub fn with_videos(mut self, videos: HashMap<String, VideoInfo>) -> Self {
        self.videos = videos;
        self
    }

    /// The processed photo published at `dest`.
    pub fn picture(&self, dest: &str) -> Option<&Picture> {
        self.made.get(dest)
    }

    /// A body with its photos finished: each marked span replaced by markup
    /// with the published address (and `srcset` and size when known). A photo
    /// of another site, or one not published, keeps its plain markup (the
    /// build reports a missing photo before rendering anything).
    pub fn body<'a>(&self, html: &'a str, figures: &[Figure], owner: &Owner) -> Cow<'a, str> {
        if figures.is_empty() {
            return Cow::Borrowed(html);
        }
        Cow::Owned(figures::replace(html, figures.len(), |n| match &figures[n] {
            Figure::Image(image) => {
                if figures::is_external(&image.src) {
                    return None;
                }
                let Found::File(dest) = self.files.find(&image.src, owner) else {
                    return None;
                };
                Some(figures::img_html(
                    &format!("{}{}", self.base_path, figures::url_path(&dest)),
                    &image.alt,
                    &image.title,
                    self.made.get(&dest),
                    self.sizes.get(&dest).copied(),
                    figures::BODY_SIZES,
                    image.eager,
                    &self.base_path,
                ))
            }
            Figure::Gallery(gallery) => {
                let mut items: Vec<GalleryItem> = Vec::new();
                for entry in &gallery.entries {
                    let dests = if entry.is_folder() {
                        self.files.folder(&entry.src, owner, figures::GALLERY_EXTENSIONS)
                    } else {
                        match self.files.find(&entry.src, owner) {
                            Found::File(dest) => vec![dest],
                            Found::Missing(_) | Found::Outside => Vec::new(),
                        }
                    };
                    for dest in dests {
                        let picture = self.made.get(&dest);
                        let as_is = matches!(figures::extension(&dest).as_str(), "gif" | "svg");
                        if self.processed && !as_is && picture.is_none() {
                            // It could not be published; the build said so.
                            continue;
                        }
                        items.push(GalleryItem {
                            url: format!("{}{}", self.base_path, figures::url_path(&dest)),
                            picture,
                            size: self.sizes.get(&dest).copied(),
                            caption: if entry.is_folder() { "" } else { &entry.caption },
                        });
                    }
                }
                Some(figures::gallery_html(&items, &self.base_path))
            }
            Figure::Video(block) => {
                let mut html = String::new();
                for entry in &block.entries {
                    let Found::File(dest) = self.files.find(&entry.src, owner) else {
                        // Missing: the build said so before rendering.
                        return None;
                    };
                    let ext = figures::extension(&dest);
                    let poster = entry
                        .poster
                        .as_ref()
                        .and_then(|(src, _)| match self.files.find(src, owner) {
                            Found::File(p) => Some(self.made.get(&p).map_or(p, |picture| picture.src.clone())),
                            Found::Missing(_) | Found::Outside => None,
                        });
                    let captions = figures::caption_candidates(&dest)
                        .into_iter()
                        .find(|c| self.files.contains(c));
                    let info = self.videos.get(&dest);
                    let url = |path: &str| format!("{}{}", self.base_path, figures::url_path(path));
                    html.push_str(&figures::video_html(&VideoItem {
                        url: url(&dest),
                        mime: figures::VIDEO_TYPES
                            .iter()
                            .find(|(x, _)| *x == ext)
                            .map_or("video/mp4", |(_, m)| m),
                        poster: poster.as_deref().map(url),
                        captions: captions.as_deref().map(url),
                        caption: &entry.caption,
                        format: ext.to_uppercase(),
                        size: info.map(|i| crate::model::files::human_size(i.bytes)),
                        duration: info.and_then(|i| i.seconds).map(figures::duration_text),
                    }));
                }
                Some(html)
            }
            // Published as written; there is no span to replace.
            Figure::Pasted(_) => None,
        }))
    }
}
