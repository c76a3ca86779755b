//! Addresses in HTML pasted into Markdown (`<img src=…>`, `<a href=…>`): the
//! build checks the photos they name, `check` follows every one. Attributes are
//! read as browsers read them: quoted or not, with character references.

use std::sync::LazyLock;

use regex::Regex;

static HTML_IMG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<img\b[^>]*>").expect("valid pattern"));
static HTML_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#).expect("valid pattern")
});

/// An address in a piece of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlUrl {
    /// With character references decoded.
    pub dest: String,
    /// As written.
    pub raw: String,
    /// A `src` (an image or other embedded file) rather than an `href`.
    pub src: bool,
    /// Byte offset of the attribute in the HTML.
    pub offset: usize,
}

/// Every `<img …>` tag in `html`: (byte offset, the tag).
pub fn img_tags(html: &str) -> impl Iterator<Item = (usize, &str)> {
    HTML_IMG.find_iter(html).map(|m| (m.start(), m.as_str()))
}

/// The `src` of every `<img>` in `html`, with its offset in `html`.
pub fn img_sources(html: &str) -> Vec<HtmlUrl> {
    if !html.contains('<') {
        return Vec::new();
    }
    img_tags(html)
        .filter_map(|(at, tag)| {
            let mut url = urls(tag).into_iter().find(|u| u.src)?;
            url.offset += at;
            Some(url)
        })
        .collect()
}

/// Every `href` and `src` in `html`, in order.
pub fn urls(html: &str) -> Vec<HtmlUrl> {
    if !html.contains('=') {
        return Vec::new();
    }
    HTML_URL
        .captures_iter(html)
        .map(|m| {
            let raw = m.get(2).or(m.get(3)).or(m.get(4)).map_or("", |d| d.as_str());
            HtmlUrl {
                dest: decode_entities(raw),
                raw: raw.to_string(),
                src: m.get(1).is_some_and(|a| a.as_str().eq_ignore_ascii_case("src")),
                offset: m.get(0).map_or(0, |m| m.start()),
            }
        })
        .collect()
}

/// The character references an address in pasted HTML may carry: the common
/// named ones and every numeric one (`&#106;` is how `j` hides in
/// `&#106;avascript:`).
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map_or(rest.len(), |i| i + 1);
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                // The `;` is optional in HTML.
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_in_addresses_are_decoded() {
        assert_eq!(decode_entities("&#106;avascript&colon;x"), "javascript:x");
        assert_eq!(decode_entities("&#x6A&#X61;va"), "java");
        assert_eq!(decode_entities("a?b=1&amp;c=2&lt;"), "a?b=1&c=2<");
        assert_eq!(
            decode_entities("&unknown; & &#xZZ; &#99999999; &"),
            "&unknown; & &#xZZ; &#99999999; &"
        );
        assert_eq!(decode_entities("政协&amp政协"), "政协&政协");
    }

    #[test]
    fn addresses_quoted_or_not() {
        let found = urls("<p><img src=\"a.jpg\" alt=x><a href='b/'>b</a><img SRC=c&amp;d.png></p>");
        let got: Vec<(&str, bool)> = found.iter().map(|u| (u.dest.as_str(), u.src)).collect();
        assert_eq!(got, [("a.jpg", true), ("b/", false), ("c&d.png", true)]);
        assert_eq!(found[2].raw, "c&amp;d.png");
        assert_eq!(&"<p><img src"[found[0].offset..], "src");
        let imgs = img_sources("<p><a href=x.pdf>x</a> <IMG alt=y src='照片/a.jpg'></p>");
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].dest, "照片/a.jpg");
        assert!("<p><a href=x.pdf>x</a> <IMG alt=y src='照片/a.jpg'></p>"[imgs[0].offset..].starts_with("src="));
    }
}
