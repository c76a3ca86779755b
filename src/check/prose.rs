//! The prose of a Markdown body, as the text rules need it: one block of text
//! per paragraph, heading, list item or table cell, made of the text exactly as
//! written (so every match maps back to its line and column), without code,
//! HTML or link addresses; plus every link and image the body contains.
//!
//! Inline code, HTML and footnote marks inside a block become
//! [`BOUNDARY`], so that no rule matches across them.

use std::borrow::Cow;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::content::html;
use crate::content::markdown::unindent_paragraphs;

/// Stands where something that is not prose was.
pub const BOUNDARY: char = '\u{FFFC}';

/// A block of prose: a range of [`Prose::text`].
#[derive(Debug, Clone)]
pub struct Block {
    text: std::ops::Range<usize>,
    pieces: std::ops::Range<usize>,
}

/// Where the blocks are built: all their text in one buffer, and for each
/// copied piece (offset in the buffer, offset in the source).
#[derive(Default)]
struct Builder {
    text: String,
    pieces: Vec<(usize, usize)>,
    blocks: Vec<Block>,
    start: (usize, usize),
}

impl Builder {
    fn push(&mut self, piece: &str, source_offset: usize) {
        self.pieces.push((self.text.len(), source_offset));
        self.text.push_str(piece);
    }

    fn boundary(&mut self, source_offset: usize) {
        if self.text.len() > self.start.0 && !self.text.ends_with(BOUNDARY) {
            self.pieces.push((self.text.len(), source_offset));
            self.text.push(BOUNDARY);
        }
    }

    /// Ends the current block; an empty one is dropped.
    fn flush(&mut self) {
        let (text_start, pieces_start) = self.start;
        let has_text = self.text[text_start..]
            .chars()
            .any(|c| c != BOUNDARY && !c.is_whitespace());
        if has_text {
            self.blocks.push(Block {
                text: text_start..self.text.len(),
                pieces: pieces_start..self.pieces.len(),
            });
        } else {
            self.text.truncate(text_start);
            self.pieces.truncate(pieces_start);
        }
        self.start = (self.text.len(), self.pieces.len());
    }
}

/// A link or image as written in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    pub image: bool,
    pub line: usize,
    pub column: usize,
}

pub struct Prose<'a> {
    pub blocks: Vec<Block>,
    /// The text of every block, one after the other.
    text: String,
    pieces: Vec<(usize, usize)>,
    pub links: Vec<LinkRef>,
    /// Images without alt text: (line, column, address).
    pub missing_alt: Vec<(usize, usize, String)>,
    /// The body as written.
    body: &'a str,
    /// The body as parsed: Word-style paragraph indentation removed.
    source: Cow<'a, str>,
    first_line: usize,
}

static HTML_ALT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?i)\balt\s*=\s*["']\s*[^"'\s]"#).expect("valid"));

/// Whether some line starts with indentation that the Markdown renderer removes.
fn indented(body: &str) -> bool {
    body.starts_with([' ', '\t', '\u{3000}'])
        || memchr::memmem::find(body.as_bytes(), b"\n ").is_some()
        || memchr::memmem::find(body.as_bytes(), b"\n\t").is_some()
        || memchr::memmem::find(body.as_bytes(), "\n\u{3000}".as_bytes()).is_some()
}

impl<'a> Prose<'a> {
    /// Reads `body`, whose first line is line `first_line` of its file.
    pub fn read(body: &'a str, first_line: usize) -> Prose<'a> {
        let source = if indented(body) {
            Cow::Owned(unindent_paragraphs(body))
        } else {
            Cow::Borrowed(body)
        };
        let parsed = parse(&source);
        Prose::assemble(body, source, first_line, parsed)
    }

    /// As [`Prose::read`], from a parse made elsewhere (the model's, see
    /// [`crate::content::markdown::Observer`]): `source` is the body with
    /// Word-style indentation removed, and `events` its events.
    pub fn from_events(
        body: &'a str,
        source: &'a str,
        first_line: usize,
        events: Vec<(Event<'_>, std::ops::Range<usize>)>,
    ) -> Prose<'a> {
        let parsed = collect(source, events);
        Prose::assemble(body, Cow::Borrowed(source), first_line, parsed)
    }

    fn assemble(
        body: &'a str,
        source: Cow<'a, str>,
        first_line: usize,
        (built, links, missing): (Builder, Vec<RawLink>, Vec<(usize, String)>),
    ) -> Prose<'a> {
        let mut prose = Prose {
            blocks: built.blocks,
            text: built.text,
            pieces: built.pieces,
            links: Vec::new(),
            missing_alt: Vec::new(),
            body,
            source,
            first_line,
        };
        prose.links = links
            .into_iter()
            .map(|(dest, image, offset)| {
                let (line, column) = prose.position(offset);
                LinkRef {
                    dest,
                    image,
                    line,
                    column,
                }
            })
            .collect();
        prose.missing_alt = missing
            .into_iter()
            .map(|(offset, dest)| {
                let (line, column) = prose.position(offset);
                (line, column, dest)
            })
            .collect();
        prose
    }

    /// Line and column (1-based, characters, in the file) of a source offset.
    /// Counted when asked: only findings and links need it.
    fn position(&self, offset: usize) -> (usize, usize) {
        let source = self.source.as_bytes();
        let offset = offset.min(source.len());
        let index = memchr::memchr_iter(b'\n', &source[..offset]).count();
        let start = memchr::memrchr(b'\n', &source[..offset]).map_or(0, |i| i + 1);
        let mut to = offset;
        while !self.source.is_char_boundary(to) {
            to -= 1;
        }
        let mut column = self.source[start..to].chars().count() + 1;
        if self.source.len() != self.body.len() {
            // Add back the indentation removed from this line.
            let line_of = |text: &'_ str| text.split('\n').nth(index).map_or(0, str::len);
            let removed = line_of(self.body).saturating_sub(line_of(&self.source));
            let written = self.body.split('\n').nth(index).unwrap_or("");
            column += written.get(..removed).map_or(0, |r| r.chars().count());
        }
        (self.first_line + index, column)
    }

    /// The text of a block.
    pub fn text(&self, block: &Block) -> &str {
        &self.text[block.text.clone()]
    }

    /// Line and column of a byte offset in a block's text.
    pub fn block_position(&self, block: &Block, offset: usize) -> (usize, usize) {
        let at = block.text.start + offset;
        let pieces = &self.pieces[block.pieces.clone()];
        let i = pieces.partition_point(|&(t, _)| t <= at).saturating_sub(1);
        let source = pieces.get(i).map_or(0, |&(t, s)| s + at.saturating_sub(t));
        self.position(source)
    }
}

/// A link or image found while parsing: (address, is an image, source offset).
type RawLink = (String, bool, usize);

/// Blocks, links, and images without alt text (source offset, address).
fn parse(source: &str) -> (Builder, Vec<RawLink>, Vec<(usize, String)>) {
    // The options the site's Markdown is rendered with.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    collect(source, Parser::new_ext(source, options).into_offset_iter())
}

/// Blocks, links and images without alt text from a body's events.
fn collect<'e>(
    source: &str,
    events: impl IntoIterator<Item = (Event<'e>, std::ops::Range<usize>)>,
) -> (Builder, Vec<RawLink>, Vec<(usize, String)>) {
    let mut links = Vec::new();
    let mut missing = Vec::new();
    let mut block = Builder {
        text: String::with_capacity(source.len()),
        pieces: Vec::with_capacity(source.len() / 64),
        ..Builder::default()
    };
    let mut in_code = false;
    let mut in_autolink = false;
    // The image being read: its address, where it starts, whether its alt has text.
    let mut image: Option<(String, usize, bool)> = None;
    for (event, range) in events {
        match event {
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::TableCell
                | Tag::Item
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_)
                | Tag::HtmlBlock,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::HtmlBlock,
            ) => block.flush(),
            Event::Start(Tag::CodeBlock(_)) => {
                block.flush();
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(_) if in_code => {}
            Event::Text(_) if in_autolink => block.boundary(range.start),
            Event::Text(t) => {
                if let Some((_, _, has_alt)) = &mut image {
                    *has_alt |= !t.trim().is_empty();
                }
                block.push(&source[range.clone()], range.start);
            }
            Event::Code(_) | Event::FootnoteReference(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                block.boundary(range.start)
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                block.boundary(range.start);
                scan_html(&html, range.start, &mut links, &mut missing);
            }
            Event::Start(Tag::Link {
                link_type, dest_url, ..
            }) => {
                in_autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
                let dest = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                links.push((dest, false, range.start));
            }
            Event::End(TagEnd::Link) => in_autolink = false,
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), range.start, false));
                links.push((dest_url.to_string(), true, range.start));
            }
            Event::End(TagEnd::Image) => {
                if let Some((dest, start, false)) = image.take() {
                    missing.push((start, dest));
                }
            }
            _ => {}
        }
    }
    block.flush();
    (block, links, missing)
}

/// Links and images in raw HTML pasted into the Markdown.
fn scan_html(html: &str, at: usize, links: &mut Vec<RawLink>, missing: &mut Vec<(usize, String)>) {
    if !html.contains('=') {
        return;
    }
    for url in html::urls(html) {
        links.push((url.dest, url.src, at + url.offset));
    }
    for (start, img) in html::img_tags(html) {
        if !HTML_ALT.is_match(img) {
            let src = html::urls(img)
                .into_iter()
                .find(|u| u.src)
                .map_or(String::new(), |u| u.raw);
            missing.push((at + start, src));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_skip_code_and_html_and_keep_positions() {
        let body = "　　第一段有`代码`和<b>粗</b>体。\n\n```\n20XX年\n```\n\n| 甲 | 乙 |\n|---|---|\n| 丙 | 丁 |\n";
        let prose = Prose::read(body, 5);
        let texts: Vec<&str> = prose.blocks.iter().map(|b| prose.text(b)).collect();
        assert_eq!(texts[0], "第一段有\u{FFFC}和\u{FFFC}粗\u{FFFC}体。");
        assert!(!texts.iter().any(|t| t.contains("20XX")), "{texts:?}");
        assert!(texts.contains(&"丁"), "{texts:?}");
        // “段” is the 5th character, after two full-width spaces: column 5.
        let block = &prose.blocks[0];
        let offset = prose.text(block).find('段').unwrap();
        assert_eq!(prose.block_position(block, offset), (5, 5));
        let cell = prose.blocks.iter().find(|b| prose.text(b) == "丁").unwrap();
        assert_eq!(prose.block_position(cell, 0), (13, 7));
    }

    #[test]
    fn links_images_and_missing_alt() {
        let body =
            "见[通知](@/tongzhi/a.md#二)。\n\n![](photo.jpg)\n\n<img src=\"/a.png\">\n\n<https://example.cn/x__y>\n";
        let prose = Prose::read(body, 1);
        let dests: Vec<&str> = prose.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(
            dests,
            ["@/tongzhi/a.md#二", "photo.jpg", "/a.png", "https://example.cn/x__y"]
        );
        assert_eq!((prose.links[1].line, prose.links[1].column), (3, 1));
        assert_eq!(prose.missing_alt.len(), 2);
        assert!(prose.blocks.iter().all(|b| !prose.text(b).contains("x__y")));
    }
}
