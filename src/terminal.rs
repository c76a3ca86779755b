//! What the `tongxin` command prints, in the encoding its reader decodes.
//!
//! Everywhere but Windows that is UTF-8. A Windows console also shows any text
//! (Rust writes it as UTF-16), but when the output is redirected — piped in
//! PowerShell 5.1, `tongxin check > 报告.txt` in cmd — the reader decodes the
//! bytes in the console's code page: 936 (GBK) on a Chinese Windows. UTF-8
//! would come out as 鍙戝竷 garble. So redirected output is encoded in that code
//! page when it is one for Chinese; a user who switched the console to UTF-8
//! (`chcp 65001`) gets UTF-8. JSON (`check --format json`) is for programs:
//! there, only its characters outside ASCII are written as `\uXXXX` escapes, so
//! any decoding reads the same JSON.

use std::borrow::Cow;
use std::io::Write;

/// Where a text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Results (`println!`).
    Out,
    /// Progress, warnings and errors (`eprintln!`).
    Err,
}

/// Writes `text` to `stream` in the encoding its reader expects. Errors (a
/// closed pipe) are ignored, as `println!` users would want them to be
/// rather than a panic.
pub fn write(stream: Stream, text: &str) {
    let bytes = encode_for(redirected_code_page(stream), text);
    let _ = match stream {
        Stream::Out => std::io::stdout().lock().write_all(&bytes),
        Stream::Err => std::io::stderr().lock().write_all(&bytes),
    };
}

/// Whether text for `stream` is written in a code page other than UTF-8.
pub fn needs_encoding(stream: Stream) -> bool {
    redirected_code_page(stream).and_then(chinese_encoding).is_some()
}

/// Writes JSON to standard output so that any reader decodes it right.
pub fn write_json(json: &str) {
    let json = if needs_encoding(Stream::Out) {
        ascii_json(json)
    } else {
        Cow::Borrowed(json)
    };
    let _ = std::io::stdout().lock().write_all(json.as_bytes());
}

/// The bytes for `text` read in `code_page` (`None`: not redirected, or not
/// on Windows, so UTF-8). A code page that has no Chinese characters (437,
/// 1252) gets UTF-8 too: nothing readable could be written in it, and a file
/// written this way still opens in an editor. Characters the code page lacks
/// become `?`, as Windows itself does.
pub fn encode_for(code_page: Option<u32>, text: &str) -> Cow<'_, [u8]> {
    let Some(encoding) = code_page.and_then(chinese_encoding) else {
        return Cow::Borrowed(text.as_bytes());
    };
    let mut encoder = encoding.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    loop {
        let room = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len() * 4 + 16);
        let start = out.len();
        out.resize(start + room, 0);
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut out[start..], true);
        out.truncate(start + written);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => break,
            encoding_rs::EncoderResult::OutputFull => {}
            encoding_rs::EncoderResult::Unmappable(_) => out.push(b'?'),
        }
    }
    Cow::Owned(out)
}

/// The encoding of a Windows code page that can show Chinese.
fn chinese_encoding(code_page: u32) -> Option<&'static encoding_rs::Encoding> {
    match code_page {
        936 => Some(encoding_rs::GBK),
        54936 => Some(encoding_rs::GB18030),
        950 => Some(encoding_rs::BIG5),
        _ => None,
    }
}

/// `json` with every character outside ASCII written as a `\uXXXX` escape
/// (two for characters beyond the Basic Multilingual Plane). Valid because
/// serialised JSON has such characters only inside strings.
pub fn ascii_json(json: &str) -> Cow<'_, str> {
    if json.is_ascii() {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() * 2);
    let mut units = [0u16; 2];
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Cow::Owned(out)
}

/// The console's output code page when `stream` is redirected on Windows:
/// the encoding PowerShell and cmd decode it with. `None` when the stream is
/// a console (shown as Unicode), when there is no console (started by
/// another program, which gets UTF-8), and on every other system.
fn redirected_code_page(stream: Stream) -> Option<u32> {
    #[cfg(windows)]
    {
        use std::io::IsTerminal;
        let console = match stream {
            Stream::Out => std::io::stdout().is_terminal(),
            Stream::Err => std::io::stderr().is_terminal(),
        };
        if console {
            return None;
        }
        #[link(name = "kernel32")]
        unsafe extern "system" {
            fn GetConsoleOutputCP() -> u32;
        }
        // SAFETY: takes nothing and returns 0 when the process has no console.
        let page = unsafe { GetConsoleOutputCP() };
        (page != 0).then_some(page)
    }
    #[cfg(not(windows))]
    {
        let _ = stream;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirected_output_on_a_chinese_windows_is_gbk() {
        let text = "生成完成：3 篇文章，“政协要闻”……\n";
        let bytes = encode_for(Some(936), text);
        let (back, _, bad) = encoding_rs::GBK.decode(&bytes);
        assert!(!bad);
        assert_eq!(back, text);
        assert_ne!(&*bytes, text.as_bytes());
        // Code page 54936 is GB18030, which has every character.
        let bytes = encode_for(Some(54936), "✓ 𠀀");
        assert_eq!(encoding_rs::GB18030.decode(&bytes).0, "✓ 𠀀");
    }

    #[test]
    fn characters_gbk_lacks_become_question_marks() {
        let bytes = encode_for(Some(936), "完成 ✓ 𠀀 好");
        assert_eq!(encoding_rs::GBK.decode(&bytes).0, "完成 ? ? 好");
    }

    #[test]
    fn utf8_where_the_reader_expects_it_or_nothing_chinese_could_be_shown() {
        let text = "生成完成";
        for page in [None, Some(65001), Some(437), Some(1252)] {
            assert_eq!(&*encode_for(page, text), text.as_bytes(), "{page:?}");
        }
        // A long text crosses the encoder's buffer in pieces.
        let long = "政协委员深入基层调研。".repeat(5000);
        assert_eq!(encoding_rs::GBK.decode(&encode_for(Some(936), &long)).0, long);
    }

    #[test]
    fn the_command_line_prints_only_through_this_module() {
        for (file, text) in [
            ("main.rs", include_str!("main.rs")),
            ("deploy/sftp.rs", include_str!("deploy/sftp.rs")),
        ] {
            for needle in ["println!(", "print!("] {
                assert!(
                    !text.contains(needle),
                    "{file} uses {needle}: use terminal::write (say!/tell!)"
                );
            }
        }
    }

    #[test]
    fn json_in_ascii_parses_to_the_same_value() {
        let value = serde_json::json!({"消息": "标题重复：“政协要闻” 𠀀", "行": 3});
        let json = serde_json::to_string(&value).unwrap();
        let ascii = ascii_json(&json);
        assert!(ascii.is_ascii());
        assert!(ascii.contains("\\u6d88"), "{ascii}");
        let back: serde_json::Value = serde_json::from_str(&ascii).unwrap();
        assert_eq!(back, value);
    }
}
