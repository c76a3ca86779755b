//! Markdown to HTML, with what Chinese publicity writing needs.
//!
//! - Paragraphs pasted from Word/WPS start with two full-width spaces or four
//!   spaces. In CommonMark four spaces make a code block; here they make a paragraph
//!   (the theme indents paragraphs itself). Code is written in ``` fences.
//! - Heading ids keep Chinese readable (`#会议概况`), so shared links say what they
//!   point to.
//! - `[..](@/yaowen/post.md)` links to another source file and is checked.
//! - Fenced code is highlighted with syntect, loaded only when a page has code.

use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::figures::{self, BodyImage, Figure};
use super::highlight;
use super::text;
use crate::diagnostics::{Diagnostic, LineIndex};

/// One heading, for a table of contents.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Shared: the model, a remembered rendering and a search snapshot hold
    /// the same text.
    #[serde(deserialize_with = "checked_text")]
    pub html: std::sync::Arc<str>,
    pub toc: Vec<Heading>,
    /// The first ~120 characters of the readable text (no code, no
    /// footnotes), cut at a sentence: the summary when none is written.
    pub summary: String,
    /// Characters of readable text, for reading time.
    pub char_count: usize,
    /// The source paths of its `@/` links (`yaowen/a.md`): the HTML depends on
    /// where they point, so a remembered rendering is reused only while they
    /// still point there (see [`super::memo`]).
    pub link_sources: Vec<String>,
    /// Photos and galleries, marked in `html` for the image stage of the build.
    pub figures: Vec<Figure>,
}

/// A text read back (the HTML of a remembered rendering) with its UTF-8
/// checked by `simdutf8`: the standard library's check was half the time of
/// reading back ten thousand renderings.
fn checked_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::sync::Arc<str>, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = std::sync::Arc<str>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("UTF-8 text")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(text.into())
        }
        fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
            simdutf8::basic::from_utf8(bytes)
                .map(Into::into)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(bytes), &self))
        }
    }
    d.deserialize_bytes(Text)
}

/// How much readable text to keep for a summary: enough for 120 characters even
/// when the text starts with spaces and Latin words.
const PLAIN_START_BYTES: usize = 4096;

/// The readable text of a body as it is parsed: counted, and its beginning
/// kept for the summary.
#[derive(Default)]
struct Plain {
    start: String,
    chars: usize,
}

impl Plain {
    fn push(&mut self, text: &str) {
        self.chars += text::char_count(text);
        if self.start.len() < PLAIN_START_BYTES {
            self.start.push_str(text);
        }
    }

    fn line_break(&mut self) {
        if self.start.len() < PLAIN_START_BYTES {
            self.start.push('\n');
        }
    }
}

/// Why a source is left out of a build, as links to it are told: nothing
/// (it has errors of its own, already reported), a draft, or a future date.
pub const EXCLUSION_REASONS: [&str; 3] = ["", "草稿", "定时发布（日期在未来）"];

/// Where `@/` links point: source path (`yaowen/a.md`) → site path (`yaowen/a/`).
pub struct Links<'a> {
    pub targets: &'a HashMap<String, String>,
    /// Source paths left out of this build, with why (`草稿`…); an empty reason
    /// means the file has errors of its own and links to it are not reported.
    pub excluded: &'a HashMap<String, &'static str>,
    pub base_path: &'a str,
    /// Write the HTML. Without it (`tongxin check`, which reads the Markdown
    /// itself) the HTML holds only the anchors (`id`s) the text would have,
    /// so that links to them can still be checked in the rendered pages.
    pub html: bool,
    /// Also shown every body with its parse (`tongxin check`, so that the
    /// Markdown is parsed once).
    pub observer: Option<&'a dyn Observer>,
}

/// Sees each body as it is rendered, with the events of its parse and where
/// each is in `source` (the body with Word-style indentation removed).
pub trait Observer: Sync {
    fn observe(&self, file: &Path, first_line: usize, body: &str, source: &str, events: Vec<(Event<'_>, Range<usize>)>);
}

/// Renders `body`, whose first line is line `first_line` of `file`.
pub fn render(body: &str, first_line: usize, file: &Path, links: &Links, problems: &mut Vec<Diagnostic>) -> Rendered {
    let source = unindent_paragraphs(body);
    // Where problems and figures are: a text may have thousands.
    let positions = LineIndex::new(&source);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut out = Out {
        events: Vec::new(),
        keep: links.html,
    };
    let mut rendered = Rendered::default();
    let mut plain = Plain::default();
    let mut html = String::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();

    let mut heading: Option<OpenHeading> = None;
    let mut heading_text = String::new();
    let mut code: Option<(String, String, usize)> = None;
    // An image being read: its source, title, alt text and where it starts.
    let mut image: Option<(CowStr, CowStr, String, usize)> = None;
    let mut footnote_depth = 0usize;
    // A code fence or an HTML comment never closed was reported.
    let mut unclosed_warned = false;
    let mut footnotes: Vec<String> = Vec::new();

    let mut observed: Vec<(Event, Range<usize>)> = if links.observer.is_some() {
        Vec::with_capacity(source.len() / 16)
    } else {
        Vec::new()
    };
    for (event, range) in Parser::new_ext(&source, options).into_offset_iter() {
        if links.observer.is_some() {
            observed.push((event.clone(), range.clone()));
        }
        if let Event::Html(html) | Event::InlineHtml(html) = &event
            && code.is_none()
        {
            for url in super::html::img_sources(html) {
                if figures::is_external(&url.dest) || url.dest.trim().is_empty() {
                    continue;
                }
                let (line, column) = positions.line_col(range.start + url.offset);
                rendered.figures.push(Figure::Pasted(BodyImage {
                    src: url.dest,
                    alt: String::new(),
                    title: String::new(),
                    line: line + first_line - 1,
                    column,
                    eager: false,
                }));
            }
        }
        if let Some((lang, buffer, start)) = &mut code {
            match event {
                Event::Text(t) => buffer.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if lang == "gallery" {
                        let fence_line = positions.line_col(*start).0 + first_line - 1;
                        match figures::parse_gallery(buffer, fence_line + 1, fence_line, file) {
                            Ok(gallery) => {
                                let fallback = gallery_fallback(&gallery, links.base_path);
                                rendered.push_figure(Figure::Gallery(gallery), fallback, false, &mut out);
                            }
                            Err(found) => problems.extend(found),
                        }
                    } else if lang == "video" {
                        let fence_line = positions.line_col(*start).0 + first_line - 1;
                        match figures::parse_video(buffer, fence_line + 1, fence_line, file) {
                            Ok(block) => {
                                let fallback = video_fallback(&block, links.base_path);
                                rendered.push_figure(Figure::Video(block), fallback, false, &mut out);
                            }
                            Err(found) => problems.extend(found),
                        }
                    } else if links.html {
                        out.push(Event::Html(highlight::to_html(buffer, lang).into()));
                    }
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, _, alt, _)) = &mut image {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::End(TagEnd::Image) => {
                    if let Some((src, title, alt, start)) = image.take() {
                        let (line, column) = positions.line_col(start);
                        let image = BodyImage {
                            src: src.to_string(),
                            alt,
                            title: title.to_string(),
                            line: line + first_line - 1,
                            column,
                            // Near the top of the text: probably on screen at once.
                            eager: !rendered.has_marked_figure() && plain.chars < EAGER_CHARS,
                        };
                        let fallback = figures::img_html(
                            &root_relative(src, links.base_path),
                            &image.alt,
                            &image.title,
                            None,
                            None,
                            figures::BODY_SIZES,
                            image.eager,
                            links.base_path,
                        );
                        rendered.push_figure(Figure::Image(image), fallback, true, &mut out);
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((out.events.len(), level, id, classes, attrs));
                heading_text.clear();
                out.push(Event::Text("".into())); // replaced at the heading's end
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((at, level_start, given_id, classes, attrs)) = heading.take() {
                    let base = given_id
                        .as_deref()
                        .map(str::to_string)
                        .unwrap_or_else(|| heading_id(&heading_text));
                    let id = unique_id(base, &mut used_ids);
                    rendered.toc.push(Heading {
                        level: heading_level(level_start),
                        id: id.clone(),
                        title: text::collapse_whitespace(&heading_text),
                    });
                    if let Some(slot) = out.events.get_mut(at) {
                        *slot = Event::Start(Tag::Heading {
                            level: level_start,
                            id: Some(id.into()),
                            classes,
                            attrs,
                        });
                    }
                }
                out.push(Event::End(TagEnd::Heading(level)));
                plain.line_break();
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                // One warning is enough to point at the mistake (and cheap however
                // many list items each open a fence).
                if matches!(kind, CodeBlockKind::Fenced(_)) && !unclosed_warned && !fence_closed(&source[range.clone()])
                {
                    unclosed_warned = true;
                    problems.push(
                        Diagnostic::warning(file, "代码块开头的 ``` 没有结束行，后面的正文都会显示成代码")
                            .at_line(crate::diagnostics::line_col(&source, range.start).0 + first_line - 1)
                            .hint("在代码的最后一行下面单独加一行 ```；不是代码就删掉这一行的 ```"),
                    );
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new(), range.start));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(path) = source_link(&dest_url) {
                    rendered.link_sources.push(path.to_string());
                }
                let dest_url = resolve_link(&dest_url, links, file).unwrap_or_else(|problem| {
                    let (line, column) = positions.line_col(range.start);
                    problems.push(problem.at(line + first_line - 1, column));
                    dest_url
                });
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image { dest_url, title, .. }) if !figures::is_external(&dest_url) => {
                image = Some((dest_url, title, String::new(), range.start));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = root_relative(dest_url, links.base_path);
                out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Table(alignments)) => {
                // A wide table scrolls inside its own box on a phone, not the page.
                out.push(Event::Html("<div class=\"table-wrap\">".into()));
                out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html("</div>".into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                footnote_depth += 1;
                footnotes.push(label.to_string());
                out.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                footnote_depth = footnote_depth.saturating_sub(1);
                out.push(Event::End(TagEnd::FootnoteDefinition));
            }
            Event::Text(t) | Event::Code(t) if footnote_depth == 0 => {
                if heading.is_some() {
                    heading_text.push_str(&t);
                }
                // Counted for `check` too: a letter's empty reply is found by it.
                plain.push(&t);
                out.push(Event::Text(t));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                plain.line_break();
                out.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                plain.line_break();
                out.push(event);
            }
            Event::Html(t) if !unclosed_warned && t.starts_with("<!--") && !source[range.start..].contains("-->") => {
                // A comment never closed hides the rest of the article in the browser.
                unclosed_warned = true;
                problems.push(
                    Diagnostic::warning(file, "注释开头的 <!-- 没有对应的 -->，后面的正文都不会显示")
                        .at_line(crate::diagnostics::line_col(&source, range.start).0 + first_line - 1)
                        .hint("在要隐藏的文字后面加上 -->；不想隐藏就删掉 <!--"),
                );
                out.push(Event::Html(t));
            }
            other => out.push(other),
        }
    }
    if let Some(observer) = links.observer {
        observer.observe(file, first_line, body, &source, observed);
    }
    if links.html {
        html.reserve(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.events.into_iter());
    } else {
        for id in rendered.toc.iter().map(|h| &h.id).chain(&footnotes) {
            let _ = write!(html, "<a id=\"{}\"></a>", text::escape_html(id));
        }
    }
    rendered.html = html.into();
    rendered.char_count = plain.chars;
    rendered.summary = text::summarize(&plain.start, text::SUMMARY_CHARS);
    rendered
}

/// The first photo is not lazy-loaded when fewer characters than this come
/// before it: it is likely on screen as the page opens.
const EAGER_CHARS: usize = 200;

impl Rendered {
    /// Whether a photo or gallery with markup of its own came before.
    fn has_marked_figure(&self) -> bool {
        self.figures.iter().any(|f| !matches!(f, Figure::Pasted(_)))
    }

    /// Records a figure and writes its plain markup between markers.
    fn push_figure(&mut self, figure: Figure, fallback: String, inline: bool, out: &mut Out) {
        let n = self.figures.len();
        let html = format!("{}{fallback}{}", figures::start_marker(n), figures::end_marker(n));
        out.push(if inline {
            Event::InlineHtml(html.into())
        } else {
            Event::Html(html.into())
        });
        self.figures.push(figure);
    }
}

/// A gallery as written, for a build without the image stage: the listed
/// files as they are (folders need the image stage to be listed).
fn gallery_fallback(gallery: &figures::Gallery, base_path: &str) -> String {
    let items: Vec<figures::GalleryItem> = gallery
        .entries
        .iter()
        .filter(|e| !e.is_folder())
        .map(|e| figures::GalleryItem {
            url: root_relative(e.src.clone().into(), base_path).to_string(),
            picture: None,
            size: None,
            caption: &e.caption,
        })
        .collect();
    figures::gallery_html(&items, base_path)
}

/// Videos as written, for a build without the image stage: the files as
/// they are, without size, duration or captions.
fn video_fallback(block: &figures::VideoBlock, base_path: &str) -> String {
    block
        .entries
        .iter()
        .map(|e| {
            let ext = figures::extension(&e.src);
            figures::video_html(&figures::VideoItem {
                url: root_relative(e.src.clone().into(), base_path).to_string(),
                mime: figures::VIDEO_TYPES
                    .iter()
                    .find(|(x, _)| *x == ext)
                    .map_or("video/mp4", |(_, m)| m),
                poster: e
                    .poster
                    .as_ref()
                    .map(|(p, _)| root_relative(p.clone().into(), base_path).to_string()),
                captions: None,
                caption: &e.caption,
                format: ext.to_uppercase(),
                size: None,
                duration: None,
            })
        })
        .collect()
}

/// The events to write as HTML; none are kept when no HTML is wanted.
struct Out<'a> {
    events: Vec<Event<'a>>,
    keep: bool,
}

impl<'a> Out<'a> {
    fn push(&mut self, event: Event<'a>) {
        if self.keep {
            self.events.push(event);
        }
    }
}

/// A heading being read: where its start event is, and its level and attributes.
type OpenHeading<'a> = (
    usize,
    HeadingLevel,
    Option<CowStr<'a>>,
    Vec<CowStr<'a>>,
    Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
);

/// The source path an `@/` link names: `@/yaowen/a.md#x` → `yaowen/a.md`.
fn source_link(dest: &str) -> Option<&str> {
    let target = dest.strip_prefix("@/")?;
    let path = target.split_once('#').map_or(target, |(p, _)| p);
    Some(path.trim_start_matches('/'))
}

/// `@/a/b.md#x` → the page's URL; `/x/` → under the base path; others unchanged.
fn resolve_link<'a>(dest: &CowStr<'a>, links: &Links, file: &Path) -> Result<CowStr<'a>, Diagnostic> {
    let (Some(target), Some(path)) = (dest.strip_prefix("@/"), source_link(dest)) else {
        return Ok(root_relative(dest.clone(), links.base_path));
    };
    let anchor = target.split_once('#').map(|(_, a)| a);
    if let Some(site_path) = links.targets.get(path) {
        let mut url = format!("{}{}", links.base_path, site_path);
        if let Some(anchor) = anchor {
            let _ = write!(url, "#{anchor}");
        }
        return Ok(url.into());
    }
    match links.excluded.get(path) {
        Some(&"") => Ok(dest.clone()),
        Some(why) => Err(
            Diagnostic::error(file, format!("链接 @/{target} 指向的文章是{why}，正式发布时不会生成"))
                .hint("等那篇文章发布后再加链接，或者先删掉这个链接")
                .rule(crate::rules::Rule::LinkInternal),
        ),
        None => {
            let hint = match crate::diagnostics::did_you_mean(path, links.targets.keys().map(String::as_str)) {
                Some(close) => format!("是不是想写 @/{close}？路径从 content/ 下的栏目文件夹写起"),
                None => {
                    "检查文件名是否写对；路径从 content/ 下的栏目文件夹写起，例如 @/yaowen/2025-03-02-changweihui.md"
                        .into()
                }
            };
            Err(Diagnostic::error(file, format!("链接 @/{target} 指向的文件不存在"))
                .hint(hint)
                .rule(crate::rules::Rule::LinkInternal))
        }
    }
}

fn root_relative<'a>(dest: CowStr<'a>, base_path: &str) -> CowStr<'a> {
    if base_path != "/" && dest.starts_with('/') && !dest.starts_with("//") {
        format!("{}{}", base_path, &dest[1..]).into()
    } else {
        dest
    }
}

/// Whether a fenced code block (its source, from the opening fence) ends with
/// a closing fence; one that does not runs to the end of its container.
fn fence_closed(block: &str) -> bool {
    let mut lines = block.trim_end().lines();
    let Some(open) = lines.next().map(|l| l.trim_start_matches([' ', '>'])) else {
        return true;
    };
    let Some(mark) = open.chars().next() else { return true };
    let width = open.chars().take_while(|&c| c == mark).count();
    lines.next_back().is_some_and(|last| {
        let last = last.trim_start_matches([' ', '>']).trim_end();
        last.chars().all(|c| c == mark) && last.chars().count() >= width
    })
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Keeps letters of every script (so Chinese stays readable), lowercases Latin,
/// turns spaces into `-`, and drops punctuation.
pub fn heading_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() { "section".into() } else { id }
}

/// `base`, or `base-1`, `base-2`… when it is taken. `used` holds every id given
/// so far, each with the last number tried after it: a heading written as
/// “概况-1” after two “概况” must not get the id the second one got.
fn unique_id(base: String, used: &mut HashMap<String, usize>) -> String {
    let Some(&tried) = used.get(&base) else {
        used.insert(base.clone(), 0);
        return base;
    };
    let mut n = tried;
    loop {
        n += 1;
        let candidate = format!("{base}-{n}");
        if !used.contains_key(&candidate) {
            used.insert(base, n);
            used.insert(candidate.clone(), 0);
            return candidate;
        }
    }
}

/// Removes the leading full-width or ASCII spaces that Word-style indentation puts
/// before paragraphs, outside fenced code and lists. Line numbers are kept.
pub fn unindent_paragraphs(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    let mut in_list = false;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\u{3000}', '\t']);
        let content = trimmed.trim_end();
        if let Some(marker) = fence {
            if content.starts_with(marker) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if content.starts_with("```") || content.starts_with("~~~") {
            fence = Some(&content[..3]);
            out.push_str(line);
            continue;
        }
        if content.is_empty() {
            out.push_str(line);
            continue;
        }
        let indented = trimmed.len() != line.len();
        if !indented {
            in_list = is_list_item(content);
            out.push_str(line);
        } else if in_list {
            // Nested list items and list continuations keep their indentation.
            out.push_str(line);
        } else {
            out.push_str(trimmed);
        }
    }
    out
}

fn is_list_item(content: &str) -> bool {
    if content.starts_with("- ") || content.starts_with("* ") || content.starts_with("+ ") {
        return true;
    }
    let digits = content.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (content[digits..].starts_with(". ") || content[digits..].starts_with(") "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendering_read_back_keeps_its_html_and_refuses_broken_utf8() {
        let rendered = Rendered {
            html: "<p>政协委员走访社区</p>".into(),
            summary: "走访".into(),
            ..Rendered::default()
        };
        let bytes = postcard::to_stdvec(&rendered).unwrap();
        let back: Rendered = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(&*back.html, "<p>政协委员走访社区</p>");
        assert_eq!(back.summary, "走访");
        // Cut one character of the HTML in half.
        let mut broken = bytes.clone();
        let at = broken.windows(3).position(|w| w == "政".as_bytes()).unwrap();
        broken[at + 1] = b'x';
        assert!(postcard::from_bytes::<Rendered>(&broken).is_err());
    }

    fn html(body: &str) -> String {
        let targets = HashMap::from([("yaowen/a.md".to_string(), "yaowen/a/".to_string())]);
        let excluded = HashMap::from([("yaowen/draft.md".to_string(), "草稿")]);
        let links = Links {
            targets: &targets,
            excluded: &excluded,
            base_path: "/zx/",
            html: true,
            observer: None,
        };
        let mut problems = Vec::new();
        let r = render(body, 1, Path::new("t.md"), &links, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        r.html.to_string()
    }

    /// The problems of a body that links to nothing, starting at `first_line`.
    fn problems_of(body: &str, first_line: usize) -> Vec<Diagnostic> {
        problems_with_links(body, first_line, &HashMap::new(), &HashMap::new())
    }

    /// The problems of a body whose `@/` links may reach `targets`, and whose
    /// links to `excluded` pages (drafts…) are refused with the reason given.
    fn problems_with_links(
        body: &str,
        first_line: usize,
        targets: &HashMap<String, String>,
        excluded: &HashMap<String, &'static str>,
    ) -> Vec<Diagnostic> {
        let links = Links {
            targets,
            excluded,
            base_path: "/",
            html: true,
            observer: None,
        };
        let mut problems = Vec::new();
        render(body, first_line, Path::new("t.md"), &links, &mut problems);
        problems
    }

    #[test]
    fn indented_paragraphs_are_paragraphs() {
        let out = html("\u{3000}\u{3000}第一段。\n\n    第二段。\n\n- 列表\n    - 子项\n");
        assert!(out.contains("<p>第一段。</p>"), "{out}");
        assert!(out.contains("<p>第二段。</p>"), "{out}");
        assert!(!out.contains("<pre"), "{out}");
        assert_eq!(out.matches("<ul>").count(), 2, "{out}");
    }

    #[test]
    fn chinese_heading_ids_and_dedup() {
        let out = html("## 一、会议概况\n\n## 一、会议概况\n\n## Next Steps {#next}\n");
        assert!(out.contains("id=\"一会议概况\""), "{out}");
        assert!(out.contains("id=\"一会议概况-1\""), "{out}");
        assert!(out.contains("id=\"next\""), "{out}");
    }

    #[test]
    fn heading_ids_stay_unique_when_a_heading_looks_numbered() {
        // Before, the third heading got “概况-1” like the second, so two anchors
        // had one id and a table-of-contents link went to the wrong heading.
        let out = html("## 概况\n\n## 概况\n\n## 概况-1\n\n## 概况\n\n## 小结 {#概况-2}\n");
        for id in ["概况", "概况-1", "概况-1-1", "概况-2", "概况-2-1"] {
            assert_eq!(out.matches(&format!("id=\"{id}\"")).count(), 1, "{id}: {out}");
        }
    }

    #[test]
    fn resolves_source_links_and_base_path() {
        let out = html("[甲](@/yaowen/a.md#x) [乙](/tags/) [丙](https://example.cn/)");
        assert!(out.contains("href=\"/zx/yaowen/a/#x\""), "{out}");
        assert!(out.contains("href=\"/zx/tags/\""), "{out}");
        assert!(out.contains("href=\"https://example.cn/\""), "{out}");
    }

    #[test]
    fn broken_and_draft_links_are_errors_with_lines() {
        let targets = HashMap::from([("yaowen/a.md".to_string(), "yaowen/a/".to_string())]);
        let excluded = HashMap::from([("yaowen/draft.md".to_string(), "草稿")]);
        let problems = problems_with_links(
            "正文\n\n见[这里](@/yaowen/b.md)和[那里](@/yaowen/draft.md)。",
            5,
            &targets,
            &excluded,
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].line, Some(7));
        assert!(problems[0].hint.as_deref().unwrap().contains("@/yaowen/a.md"));
        assert!(problems[1].message.contains("草稿"));
    }

    #[test]
    fn thousands_of_problems_are_located_in_one_pass() {
        // Found while fuzzing: 4,000 empty galleries (64 KB) took 7 s, each
        // problem's line being counted from the top of the text.
        let body = format!("{}{}\n", "```gallery\n```\n".repeat(4000), "[甲](@/x.md)".repeat(4000));
        let start = std::time::Instant::now();
        let problems = problems_of(&body, 3);
        assert_eq!(problems.len(), 8000);
        assert_eq!(problems[3999].line, Some(3 + 2 * 3999));
        assert_eq!(
            (problems[7999].line, problems[7999].column),
            (Some(3 + 8000), Some(1 + 3999 * 11))
        );
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let out = html("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n正文[^1]，~~删除~~\n\n[^1]: 注释\n");
        assert!(out.contains("<div class=\"table-wrap\"><table>"), "{out}");
        assert!(out.contains("<del>删除</del>"), "{out}");
        assert!(out.contains("footnote-definition"), "{out}");
    }

    #[test]
    fn fenced_code_is_highlighted() {
        let out = html("```rust\nfn main() {}\n```\n");
        assert!(out.contains("<pre"), "{out}");
        assert!(out.contains("main"), "{out}");
    }

    #[test]
    fn unclosed_fences_and_comments_are_warnings_with_lines() {
        let warnings = |body: &str| problems_of(body, 5);
        let closed = [
            "```\ncode\n```\n",
            "~~~~ rust\ncode\n~~~~~\n\n后文\n",
            "- 列表\n\n  ```\n  code\n  ```\n",
            "> ```\n> code\n> ```\n",
            "<!-- 注释 -->\n\n正文\n",
            "<!--\n多行注释\n-->\n",
        ];
        for body in closed {
            assert!(warnings(body).is_empty(), "{body:?}: {:?}", warnings(body));
        }
        let fence = warnings("正文\n\n```\ncode\n\n后文\n");
        assert_eq!((fence.len(), fence[0].line), (1, Some(7)), "{fence:?}");
        let comment = warnings("正文\n\n<!-- 待补充\n\n后文\n");
        assert_eq!((comment.len(), comment[0].line), (1, Some(7)), "{comment:?}");
        // Once per text, however many list items open a fence.
        assert_eq!(warnings(&"- ```\n".repeat(2000)).len(), 1);
    }
}
