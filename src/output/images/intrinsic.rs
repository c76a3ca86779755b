//! The size of images published as they are (GIF, SVG), so that their `<img>`
//! has `width` and `height` too and the page does not jump as they load.

use std::io::Read;
use std::path::Path;

/// (width, height) in CSS pixels, when the file states it.
pub fn size(path: &Path, ext: &str) -> Option<(u32, u32)> {
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).ok()?.take(4096).read_to_end(&mut head).ok()?;
    match ext {
        "gif" => gif(&head),
        "svg" => svg(&String::from_utf8_lossy(&head)),
        _ => None,
    }
}

fn gif(head: &[u8]) -> Option<(u32, u32)> {
    if head.len() < 10 || !head.starts_with(b"GIF8") {
        return None;
    }
    let w = u16::from_le_bytes([head[6], head[7]]);
    let h = u16::from_le_bytes([head[8], head[9]]);
    (w > 0 && h > 0).then_some((u32::from(w), u32::from(h)))
}

/// From the root element's `width` and `height` (plain or `px`), else its `viewBox`.
fn svg(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let at = tag.find(&format!(" {name}="))? + name.len() + 2;
        let quote = tag[at..].chars().next()?;
        let rest = &tag[at + 1..];
        Some(&rest[..rest.find(quote)?])
    };
    let number = |v: &str| -> Option<f64> { v.trim().trim_end_matches("px").parse::<f64>().ok().filter(|n| *n > 0.0) };
    if let (Some(w), Some(h)) = (attr("width").and_then(number), attr("height").and_then(number)) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let view: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match view.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_headers() {
        assert_eq!(gif(b"GIF89a\x40\x01\xc8\x00rest"), Some((320, 200)));
        assert_eq!(gif(b"PNG"), None);
        assert_eq!(
            svg(r#"<?xml?><svg xmlns="x" width="640px" height="360">"#),
            Some((640, 360))
        );
        assert_eq!(svg(r#"<svg viewBox="0 0 800 450" width="100%">"#), Some((800, 450)));
        assert_eq!(svg(r#"<svg width="100%">"#), None);
    }
}
