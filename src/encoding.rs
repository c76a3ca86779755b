//! Turning a file's bytes into clean text: UTF-8 BOM removed, CRLF made LF, and a
//! GBK/GB18030 file from an old Windows tool detected and converted (with a warning,
//! so the user can re-save it as UTF-8).

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// A file's text, and what its bytes looked like (for `tongxin check`).
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The warning about a legacy encoding, when the file was not UTF-8.
    pub warning: Option<Diagnostic>,
    /// The file started with a UTF-8 byte order mark.
    pub bom: bool,
}

/// Reads `path`; `shown` is the path to name in messages.
pub fn read_decoded(path: &Path, shown: &Path) -> Result<Decoded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(shown, format!("无法读取文件（{}）", crate::diagnostics::io_reason(&e)))
            .hint("确认文件存在、没有被其他程序占用，并且有读取权限")
    })?;
    decode(bytes, shown)
}

/// As [`read_decoded`], handing the warning or the error to `report`; `None` when
/// the file could not be read.
pub fn read_reporting(path: &Path, shown: &Path, mut report: impl FnMut(Diagnostic)) -> Option<String> {
    match read_decoded(path, shown) {
        Ok(decoded) => {
            decoded.warning.into_iter().for_each(&mut report);
            Some(decoded.text)
        }
        Err(d) => {
            report(d);
            None
        }
    }
}

/// Takes the bytes by value: a UTF-8 file (nearly all of them) becomes its text
/// without a copy.
pub fn decode(mut bytes: Vec<u8>, shown: &Path) -> Result<Decoded, Diagnostic> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    let (text, warning) = match String::from_utf8(bytes) {
        Ok(text) => (normalize_newlines(text), None),
        Err(e) => {
            let bytes = e.into_bytes();
            let bytes = bytes.as_slice();
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guessed = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
            // Chinese files that are not UTF-8 are nearly always GBK; GB18030 is its
            // superset and decodes both.
            let encoding =
                if guessed == encoding_rs::GBK || guessed == encoding_rs::GB18030 || guessed == encoding_rs::UTF_8 {
                    encoding_rs::GB18030
                } else {
                    guessed
                };
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            if had_errors || encoding != encoding_rs::GB18030 {
                let seen = if encoding == encoding_rs::GB18030 {
                    String::new()
                } else {
                    format!("（看起来是 {} 编码）", encoding.name())
                };
                return Err(
                    Diagnostic::error(shown, format!("文件不是 UTF-8 编码，也无法按 GBK 读取{seen}"))
                        .hint("用记事本或 WPS 打开这个文件，选择“另存为”，编码选“UTF-8”后保存")
                        .code(crate::diagnostics::Code::EncodingLegacy),
                );
            }
            let warning = Diagnostic::warning(shown, "文件是 GBK 编码，已自动转换后读取")
                .hint("建议用编辑器“另存为”UTF-8 编码，避免在其他工具中出现乱码")
                .code(crate::diagnostics::Code::EncodingLegacy);
            (normalize_newlines(text.into_owned()), Some(warning))
        }
    };
    Ok(Decoded { text, warning, bom })
}

fn normalize_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_crlf() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb\r\n".to_vec(), Path::new("a.md")).unwrap();
        assert_eq!(d.text, "a\nb\n");
        assert!(d.warning.is_none());
        assert!(d.bom);
    }

    #[test]
    fn reads_gbk_with_a_warning() {
        let (bytes, _, _) = encoding_rs::GBK.encode("---\ntitle: 溪山区政协召开常委会会议\n---\n正文内容。\n");
        let d = decode(bytes.into_owned(), Path::new("a.md")).unwrap();
        assert!(d.text.contains("溪山区政协召开常委会会议"));
        assert!(d.warning.unwrap().message.contains("GBK"));
        assert!(!d.bom);
    }
}
