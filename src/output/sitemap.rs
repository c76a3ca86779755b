//! `sitemap.xml`: every page a search engine should know, with its date.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// `entries` are (absolute URL, last modified in RFC 3339 if known).
pub fn sitemap(entries: &[(String, Option<String>)]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let result: std::io::Result<()> = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
                for (loc, lastmod) in entries {
                    w.create_element("url").write_inner_content(|w| {
                        w.create_element("loc").write_text_content(BytesText::new(loc))?;
                        if let Some(lastmod) = lastmod {
                            w.create_element("lastmod")
                                .write_text_content(BytesText::new(lastmod))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    debug_assert!(result.is_ok());
    let mut xml = String::from_utf8(w.into_inner()).unwrap_or_default();
    xml.push('\n');
    xml
}
