//! Atom feeds: one for the whole site and one per dated column, with the latest
//! items in full, so that feed readers and WeChat tools can follow the site.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::dates;
use crate::model::Site;
use crate::model::published::Owner;
use crate::render::pictures::Pictures;

/// How many entries a feed carries.
pub const FEED_ITEMS: usize = 20;

/// An Atom feed of `items` (page indices, newest first) published at `path`.
pub fn atom(
    site: &Site,
    pictures: &Pictures,
    title: &str,
    path: &str,
    alternate: &str,
    items: &[usize],
    generated: &str,
) -> String {
    let base = &site.config.base_url;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let updated = items
        .first()
        .and_then(|&i| site.pages[i].meta.date.as_ref())
        .map_or_else(|| generated.to_string(), dates::rfc3339);
    let author = if site.config.organization.name.is_empty() {
        &site.config.title
    } else {
        &site.config.organization.name
    };
    let result: std::io::Result<()> = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.create_element("feed")
            .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
            .with_attribute(("xml:lang", site.config.language.as_str()))
            .write_inner_content(|w| {
                w.create_element("title").write_text_content(BytesText::new(title))?;
                if !site.config.description.is_empty() {
                    w.create_element("subtitle")
                        .write_text_content(BytesText::new(&site.config.description))?;
                }
                w.create_element("link")
                    .with_attribute(("href", format!("{base}{path}").as_str()))
                    .with_attribute(("rel", "self"))
                    .with_attribute(("type", "application/atom+xml"))
                    .write_empty()?;
                w.create_element("link")
                    .with_attribute(("href", format!("{base}{alternate}").as_str()))
                    .with_attribute(("rel", "alternate"))
                    .with_attribute(("type", "text/html"))
                    .write_empty()?;
                w.create_element("id")
                    .write_text_content(BytesText::new(&format!("{base}{path}")))?;
                w.create_element("updated")
                    .write_text_content(BytesText::new(&updated))?;
                w.create_element("generator")
                    .write_text_content(BytesText::new("同心 Tongxin"))?;
                w.create_element("author").write_inner_content(|w| {
                    w.create_element("name").write_text_content(BytesText::new(author))?;
                    Ok(())
                })?;
                for &i in items.iter().take(FEED_ITEMS) {
                    let page = &site.pages[i];
                    let link = format!("{base}{}", page.path);
                    let date = page
                        .meta
                        .date
                        .as_ref()
                        .map_or_else(|| generated.to_string(), dates::rfc3339);
                    // Relative links and images in the content resolve against the entry.
                    w.create_element("entry")
                        .with_attribute(("xml:base", link.as_str()))
                        .write_inner_content(|w| {
                            w.create_element("title")
                                .write_text_content(BytesText::new(&page.title))?;
                            w.create_element("link")
                                .with_attribute(("href", link.as_str()))
                                .write_empty()?;
                            w.create_element("id").write_text_content(BytesText::new(&link))?;
                            w.create_element("published")
                                .write_text_content(BytesText::new(&date))?;
                            w.create_element("updated").write_text_content(BytesText::new(&date))?;
                            if let Some(name) = page.meta.author.as_deref().or(page.meta.source.as_deref()) {
                                w.create_element("author").write_inner_content(|w| {
                                    w.create_element("name").write_text_content(BytesText::new(name))?;
                                    Ok(())
                                })?;
                            }
                            for tag in &page.meta.tags {
                                w.create_element("category")
                                    .with_attribute(("term", tag.as_str()))
                                    .write_empty()?;
                            }
                            w.create_element("summary")
                                .write_text_content(BytesText::new(&page.summary))?;
                            w.create_element("content")
                                .with_attribute(("type", "html"))
                                .write_text_content(BytesText::new(&pictures.body(
                                    &page.content,
                                    &page.figures,
                                    &Owner::page(page),
                                )))?;
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    // Writing into memory cannot fail.
    debug_assert!(result.is_ok());
    let mut xml = String::from_utf8(w.into_inner()).unwrap_or_default();
    xml.push('\n');
    xml
}
