//! A small element tree over one XML part of a Word file.
//!
//! Word's parts are small next to their pictures (a long report's
//! `document.xml` is a few megabytes), and reading a paragraph means looking
//! ahead (a picture's caption, a table's merged cells), so the parts are read
//! into a tree rather than walked as events.
//!
//! Names are kept as `prefix:local` with a fixed prefix per namespace (`w:p`,
//! `r:id`, `a:blip`), whatever prefixes the file itself declares, so that a
//! file written by another program with other prefixes reads the same, and
//! the Strict flavour of the format (other namespace addresses) too.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// Elements nested deeper than this are refused: no real document comes
/// close (a table in a table in a text box is about 30), and the walks over
/// the tree are recursive.
const MAX_DEPTH: usize = 200;

/// Namespaces by their usual prefix; the Strict addresses map to the same.
const NAMESPACES: &[(&str, &str)] = &[
    ("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    ("w", "http://purl.oclc.org/ooxml/wordprocessingml/main"),
    (
        "r",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    ("r", "http://purl.oclc.org/ooxml/officeDocument/relationships"),
    ("a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("a", "http://purl.oclc.org/ooxml/drawingml/main"),
    (
        "wp",
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    ),
    ("wp", "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing"),
    ("pic", "http://schemas.openxmlformats.org/drawingml/2006/picture"),
    ("pic", "http://purl.oclc.org/ooxml/drawingml/picture"),
    ("mc", "http://schemas.openxmlformats.org/markup-compatibility/2006"),
    ("v", "urn:schemas-microsoft-com:vml"),
    ("o", "urn:schemas-microsoft-com:office:office"),
    ("rel", "http://schemas.openxmlformats.org/package/2006/relationships"),
    ("xml", "http://www.w3.org/XML/1998/namespace"),
];

/// One element: its name, attributes and children.
#[derive(Debug, Default)]
pub struct Element {
    /// `w:p`, `a:blip`; an unknown namespace gives `?:local`.
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Why a part could not be read.
#[derive(Debug)]
pub struct XmlError(pub String);

impl Element {
    /// The value of attribute `name` (`w:val`, `r:embed`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The `w:val` of the child `name`, as in `<w:pStyle w:val="Heading1"/>`.
    pub fn child_val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("w:val"))
    }

    /// The text directly inside this element.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for node in &self.children {
            if let Node::Text(t) = node {
                out.push_str(t);
            }
        }
        out
    }

    /// Every element called `name` below this one, in document order.
    #[cfg(test)]
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for child in self.elements() {
            if child.name == name {
                out.push(child);
            }
            child.descendants(name, out);
        }
    }
}

/// Reads a whole part into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = decode(bytes)?;
    let mut reader = NsReader::from_str(&text);
    // Mismatched end tags mean a damaged file; say so rather than guess.
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| XmlError(format!("XML 格式错误（{e}）")))?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(XmlError("层次过深".into()));
                }
                let name = qualified(&ns, start.local_name().as_ref());
                let attributes = attributes(&reader, &start)?;
                stack.push(Element {
                    name,
                    attributes,
                    children: Vec::new(),
                });
            }
            Event::Empty(start) => {
                let name = qualified(&ns, start.local_name().as_ref());
                let attributes = attributes(&reader, &start)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Element(Element {
                        name,
                        attributes,
                        children: Vec::new(),
                    }));
                }
            }
            Event::End(_) => {
                let done = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => return Err(XmlError("结束标记多于开始标记".into())),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| XmlError(format!("未知的实体 &{};", &*r)))?
                        .to_string(),
                    Err(e) => return Err(XmlError(format!("字符引用有误（{e}）"))),
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err(XmlError("文件不完整，有没有结束的标记".into()));
    }
    let document = stack.pop().unwrap_or_default();
    document
        .children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| XmlError("没有内容".into()))
}

/// UTF-8 (with or without a BOM) or UTF-16 with a BOM, as XML allows.
fn decode(bytes: &[u8]) -> Result<String, XmlError> {
    let (text, bad) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&bytes[bom..]),
        None => encoding_rs::UTF_8.decode_without_bom_handling(bytes),
    };
    if bad {
        return Err(XmlError("文字编码有误".into()));
    }
    Ok(text.into_owned())
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(parent) = stack.last_mut() {
        match parent.children.last_mut() {
            Some(Node::Text(t)) => t.push_str(text),
            _ => parent.children.push(Node::Text(text.to_string())),
        }
    }
}

fn qualified(ns: &ResolveResult<'_>, local: &str) -> String {
    let prefix = match ns {
        ResolveResult::Bound(namespace) => NAMESPACES
            .iter()
            .find(|(_, uri)| *uri == namespace.0)
            .map_or("?", |(prefix, _)| *prefix),
        ResolveResult::Unbound => "",
        ResolveResult::Unknown(_) => "?",
    };
    if prefix.is_empty() {
        local.to_string()
    } else {
        format!("{prefix}:{local}")
    }
}

fn attributes(
    reader: &NsReader<&[u8]>,
    start: &quick_xml::events::BytesStart<'_>,
) -> Result<Vec<(String, String)>, XmlError> {
    let mut out = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| XmlError(format!("属性有误（{e}）")))?;
        let key = attribute.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let (ns, local) = reader.resolver().resolve_attribute(key);
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| XmlError(format!("属性值有误（{e}）")))?;
        out.push((qualified(&ns, local.as_ref()), value.into_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_the_usual_prefix_whatever_the_file_declares() {
        let xml = r#"<?xml version="1.0"?>
<x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            xmlns:q="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <x:body><x:p><x:hyperlink q:id="rId3"><x:r><x:t>A &amp; B &#x4E2D;</x:t></x:r></x:hyperlink></x:p></x:body>
</x:document>"#;
        let root = parse(xml.as_bytes()).unwrap();
        assert_eq!(root.name, "w:document");
        let mut links = Vec::new();
        root.descendants("w:hyperlink", &mut links);
        assert_eq!(links[0].attr("r:id"), Some("rId3"));
        let mut texts = Vec::new();
        root.descendants("w:t", &mut texts);
        assert_eq!(texts[0].text(), "A & B 中");
    }

    #[test]
    fn damaged_xml_is_an_error_not_a_panic() {
        for bad in [
            "<a><b></a>",
            "<a>",
            "</a>",
            "<a>&nosuch;</a>",
            "<a>&#xFFFFFFFF;</a>",
            "",
            "\u{feff}",
            "<a x='1' x='2'/>",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
        let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(parse(&[0xff, 0xfe, 0x3c]).is_err());
    }
}
