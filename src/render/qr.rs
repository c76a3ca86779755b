//! QR codes of page URLs as inline SVG, drawn at build time so that a visitor can
//! share an article into WeChat by scanning the screen, with no script and no
//! request to an outside QR service.

use qrcodegen::{Mask, QrCode, QrCodeEcc, QrSegment, Version};

/// The quiet zone around the code, in modules (the standard asks for four).
const QUIET: i32 = 4;
/// The data mask pattern used for every code.
const MASK: u8 = 0;

/// An `<svg>` drawing the QR code of `text`, or `None` when the text is too long
/// for any QR version. `label` becomes the accessible name.
pub fn svg(text: &str, label: &str) -> Option<String> {
    // Medium error correction: sturdy enough for a photo of a screen, small enough
    // that a long Chinese-site URL stays at a low version. A fixed mask: choosing
    // the best of eight by their penalty scores made the codes most of a build's
    // work, and any mask scans.
    let code = encode(text)?;
    let size = code.size();
    let full = size + 2 * QUIET;
    // One path; each run of dark modules on a row is one rectangle, which keeps the
    // markup around 2–4 KB for a typical URL.
    let mut path = String::with_capacity((size * size) as usize);
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if code.get_module(x, y) {
                let start = x;
                while x < size && code.get_module(x, y) {
                    x += 1;
                }
                // `M x y h w v1 h -w z`, written digit by digit: `format!` here
                // was most of the cost of a page.
                path.push('M');
                push_number(&mut path, start + QUIET);
                path.push(' ');
                push_number(&mut path, y + QUIET);
                path.push('h');
                push_number(&mut path, x - start);
                path.push_str("v1h-");
                push_number(&mut path, x - start);
                path.push('z');
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        escape_attr(label)
    ))
}

/// Appends a small non-negative number (QR codes are at most 177 modules wide).
fn push_number(out: &mut String, n: i32) {
    let n = n.unsigned_abs();
    if n >= 100 {
        out.push(char::from(b'0' + (n / 100 % 10) as u8));
    }
    if n >= 10 {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn encode(text: &str) -> Option<QrCode> {
    QrCode::encode_segments_advanced(
        &QrSegment::make_segments(text),
        QrCodeEcc::Medium,
        Version::MIN,
        Version::MAX,
        Some(Mask::new(MASK)),
        false,
    )
    .ok()
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_square_code_with_quiet_zone_and_label() {
        let svg = svg(
            "https://www.xszx.example.cn/yaowen/2026-03-02-changweihui/",
            "本页二维码",
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("aria-label=\"本页二维码\""));
        assert!(svg.contains("role=\"img\""));
        let code = encode("https://www.xszx.example.cn/yaowen/2026-03-02-changweihui/").unwrap();
        let full = code.size() + 8;
        assert!(svg.contains(&format!("viewBox=\"0 0 {full} {full}\"")));
        // Every dark module is drawn: count the modules covered by the runs.
        let drawn: i32 = svg
            .split('h')
            .skip(1)
            .filter_map(|s| s.split('v').next()?.parse::<i32>().ok())
            .sum();
        let dark = (0..code.size())
            .flat_map(|y| (0..code.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| code.get_module(x, y))
            .count() as i32;
        assert_eq!(drawn, dark);
    }

    #[test]
    fn numbers_are_written_in_full() {
        let mut s = String::new();
        for n in [0, 7, 10, 99, 100, 185] {
            push_number(&mut s, n);
            s.push(',');
        }
        assert_eq!(s, "0,7,10,99,100,185,");
    }

    #[test]
    fn labels_are_escaped_and_overlong_text_is_refused() {
        let svg = svg("x", "a\"<b>").unwrap();
        assert!(svg.contains("aria-label=\"a&quot;&lt;b&gt;\""));
        assert!(super::svg(&"x".repeat(5000), "t").is_none());
    }
}
