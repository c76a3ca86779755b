//! Turning a file's bytes into clean text: UTF-8 BOM removed, CRLF made LF, a
//! GBK/GB18030 file from an old Windows tool detected and converted, and so is a
//! UTF-16 file with a byte order mark (Notepad's “Unicode”); both with a warning,
//! so the user can re-save it as UTF-8. NUL characters are removed, with a warning.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// A file's text, and what its bytes looked like (for `tongxin check`).
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// Warnings: a legacy encoding (the file was not UTF-8), NUL characters removed.
    pub warnings: Vec<Diagnostic>,
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
            decoded.warnings.into_iter().for_each(&mut report);
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
    let mut warnings = Vec::new();
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 && let Some(kind) = binary_kind(&bytes) {
        return Err(Diagnostic::error(shown, format!("这不是文本文件，看起来是{kind}"))
            .hint("文章要存成纯文本（记事本或 WPS“另存为”UTF-8 的 .md 文件）；图片和附件放进与文章同名的文件夹，不要改成 .md 扩展名"));
    }
    let text = if let Some(text) = utf16_with_bom(&bytes, shown) {
        // Windows Notepad saves “Unicode” as UTF-16 with a byte order mark: read
        // as UTF-8 it is garbage, but nothing is lost converting it.
        warnings.push(
            Diagnostic::warning(shown, "文件是 UTF-16 编码（记事本里叫“Unicode”），已自动转换后读取")
                .hint("建议用记事本或 WPS“另存为”，编码选“UTF-8”，避免在其他工具中出现乱码")
                .rule(crate::rules::Rule::EncodingLegacy),
        );
        normalize_newlines(text?)
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => normalize_newlines(text),
            Err(e) => {
                let bytes = e.into_bytes();
                if let Some(offset) = damaged_utf8(&bytes) {
                    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
                    return Err(Diagnostic::error(shown, "这一行有损坏的文字（几个字节不是有效的 UTF-8）")
                        .at_line(line)
                        .hint("文件的其余部分没有问题。用编辑器打开，这一行会有乱码、问号或方框：删掉它们，重新输入那几个字后保存"));
                }
                let (text, warning) = legacy(bytes, shown)?;
                warnings.push(warning);
                text
            }
        }
    };
    let text = remove_nul(text, shown, &mut warnings);
    Ok(Decoded { text, warnings, bom })
}

/// The text of a UTF-16 file that starts with its byte order mark; `None` when
/// the bytes do not start with one; an error when they do not decode.
fn utf16_with_bom(bytes: &[u8], shown: &Path) -> Option<Result<String, Diagnostic>> {
    let (encoding, rest) = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (encoding_rs::UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (encoding_rs::UTF_16BE, rest)
    } else {
        return None;
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(rest);
    Some(if had_errors {
        Err(
            Diagnostic::error(shown, "文件开头标明是 UTF-16 编码，但内容无法按 UTF-16 读取")
                .hint("用记事本或 WPS 打开这个文件，选择“另存为”，编码选“UTF-8”后保存"),
        )
    } else {
        Ok(text.into_owned())
    })
}

/// What a file that is not text at all looks like (a photo or a Word file
/// renamed to `.md`), from its first bytes or its many NUL bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "一张 JPEG 图片"),
        (b"\x89PNG", "一张 PNG 图片"),
        (b"GIF8", "一张 GIF 图片"),
        (b"%PDF", "一个 PDF 文件"),
        (b"PK\x03\x04", "一个 Word、Excel 文档或压缩包"),
        (b"\xD0\xCF\x11\xE0", "一个旧版 Word、Excel 文档"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    let nul = memchr::memchr_iter(0, bytes).count();
    (nul >= 8 && nul * 20 > bytes.len()).then_some("其他程序的文件（里面有大量空字符）")
}

/// Where the first bad byte is, when `bytes` are UTF-8 but for a few bad
/// sequences (a character cut in two by a bad copy or a crashed save): reading
/// such a file as GBK would garble all of it.
fn damaged_utf8(bytes: &[u8]) -> Option<usize> {
    let (mut good, mut bad, mut first_bad) = (0usize, 0usize, None);
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            bad += 1;
            first_bad.get_or_insert(offset);
            offset += chunk.invalid().len();
        }
    }
    // In GBK text seen as UTF-8 fewer than one character in ten happens to be
    // a valid multi-byte character; in damaged UTF-8 nearly all of them are.
    (bad > 0 && good >= 3 * bad).then_some(first_bad).flatten()
}

/// A file that is not UTF-8: GBK (or GB18030) is converted with a warning;
/// anything else is an error.
fn legacy(bytes: Vec<u8>, shown: &Path) -> Result<(String, Diagnostic), Diagnostic> {
    let bytes = bytes.as_slice();
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Big5 bytes (traditional characters, from Taiwan or Hong Kong) nearly
    // always decode as GBK too, into nonsense; told that the file is from a .cn
    // site the detector says GBK, so it is first asked without that hint.
    if detector.guess(None, chardetng::Utf8Detection::Allow) == encoding_rs::BIG5 {
        let (text, had_errors) = encoding_rs::BIG5.decode_without_bom_handling(bytes);
        if !had_errors {
            let warning = Diagnostic::warning(shown, "文件是 Big5 编码（繁体中文），已自动转换后读取")
                .hint("建议用编辑器“另存为”UTF-8 编码，避免在其他工具中出现乱码")
                .rule(crate::rules::Rule::EncodingLegacy);
            return Ok((normalize_newlines(text.into_owned()), warning));
        }
    }
    let unhinted = detector.guess(None, chardetng::Utf8Detection::Allow);
    // Japanese and Korean are told apart without the hint too; with it, they
    // would be read as GBK, into nonsense.
    let other_cjk = [
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::ISO_2022_JP,
        encoding_rs::EUC_KR,
    ];
    let guessed = if other_cjk.contains(&unhinted) {
        unhinted
    } else {
        detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow)
    };
    // Chinese files that are not UTF-8 are nearly always GBK; GB18030 is its
    // superset and decodes both.
    let encoding = if guessed == encoding_rs::GBK || guessed == encoding_rs::GB18030 || guessed == encoding_rs::UTF_8 {
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
                .rule(crate::rules::Rule::EncodingLegacy),
        );
    }
    let warning = Diagnostic::warning(shown, "文件是 GBK 编码，已自动转换后读取")
        .hint("建议用编辑器“另存为”UTF-8 编码，避免在其他工具中出现乱码")
        .rule(crate::rules::Rule::EncodingLegacy);
    Ok((normalize_newlines(text.into_owned()), warning))
}

/// NUL characters (left by a crashed editor or a bad copy) are invisible, end
/// text early in some tools and are not allowed in HTML or YAML: they are
/// removed, with a warning naming the first line that had one.
fn remove_nul(text: String, shown: &Path, warnings: &mut Vec<Diagnostic>) -> String {
    let Some(first) = memchr::memchr(0, text.as_bytes()) else {
        return text;
    };
    let (line, _) = crate::diagnostics::line_col(&text, first);
    let count = memchr::memchr_iter(0, text.as_bytes()).count();
    warnings.push(
        Diagnostic::warning(shown, format!("文件里有 {count} 个看不见的空字符（NUL），已删除后读取"))
            .at_line(line)
            .hint(
                "用编辑器打开这个文件，删掉这一行里的乱码或方框后重新保存；如果文字是从别处复制来的，可以重新复制一次",
            ),
    );
    text.replace('\0', "")
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
        assert!(d.warnings.is_empty());
        assert!(d.bom);
    }

    #[test]
    fn reads_gbk_with_a_warning() {
        let (bytes, _, _) = encoding_rs::GBK.encode("---\ntitle: 溪山区政协召开常委会会议\n---\n正文内容。\n");
        let d = decode(bytes.into_owned(), Path::new("a.md")).unwrap();
        assert!(d.text.contains("溪山区政协召开常委会会议"));
        assert!(d.warnings[0].message.contains("GBK"));
        assert!(!d.bom);
    }

    #[test]
    fn reads_utf16_with_a_bom_with_a_warning() {
        for big_endian in [false, true] {
            let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
            for unit in "---\r\ntitle: 常委会\r\n---\r\n".encode_utf16() {
                bytes.extend(if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            let d = decode(bytes, Path::new("a.md")).unwrap();
            assert_eq!(d.text, "---\ntitle: 常委会\n---\n");
            assert!(d.warnings[0].message.contains("UTF-16"));
        }
    }

    #[test]
    fn removes_nul_with_a_warning_on_its_line() {
        let d = decode(b"a\nb\0c\0\n".to_vec(), Path::new("a.md")).unwrap();
        assert_eq!(d.text, "a\nbc\n");
        assert_eq!(d.warnings[0].line, Some(2));
        assert!(d.warnings[0].message.contains("2 个"));
    }

    #[test]
    fn reads_big5_as_big5_not_as_gbk() {
        let text = "---\ntitle: 區政協召開常委會會議\n---\n會議聽取了工作報告，委員們踴躍發言，討論熱烈。\n";
        let (bytes, _, _) = encoding_rs::BIG5.encode(text);
        let d = decode(bytes.into_owned(), Path::new("a.md")).unwrap();
        assert_eq!(d.text, text);
        assert!(d.warnings[0].message.contains("Big5"));
    }

    #[test]
    fn a_utf8_file_with_a_damaged_character_is_an_error_on_its_line() {
        let text = "---\ntitle: 区政协召开常委会会议\n---\n会议听取了工作报告。\n";
        let cut = text.find("工作").unwrap();
        let mut bytes = text.as_bytes().to_vec();
        bytes.insert(cut, 0xE5); // the first byte of a character, alone
        let e = decode(bytes, Path::new("a.md")).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("损坏"));
        // Even in a short text.
        let e = decode(
            b"\xE5\xAE\xA1\xE8\xAE\xAE\xE9\xAE\xE9\x80\x9A\xE8\xBF\x87".to_vec(),
            Path::new("a.md"),
        );
        assert!(e.unwrap_err().message.contains("损坏"));
        // GBK is still read as GBK, short or long.
        for text in [text, "审议通过", "政协"] {
            let (gbk, _, _) = encoding_rs::GBK.encode(text);
            assert!(decode(gbk.into_owned(), Path::new("a.md")).is_ok(), "{text}");
        }
    }

    #[test]
    fn japanese_is_not_read_as_gbk_and_pictures_are_not_text() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS
            .encode("---\ntitle: 会議のお知らせ\n---\nこれはテストの文章です。よろしくお願いします。\n");
        let e = decode(sjis.into_owned(), Path::new("a.md")).unwrap_err();
        assert!(e.message.contains("Shift_JIS"), "{e}");
        let e = decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), Path::new("a.md")).unwrap_err();
        assert!(e.message.contains("PNG 图片"), "{e}");
        let e = decode(vec![0x42, 0, 0, 0, 0x13, 0, 0, 0, 0, 0, 0, 0], Path::new("a.md")).unwrap_err();
        assert!(e.message.contains("不是文本文件"), "{e}");
    }
}
