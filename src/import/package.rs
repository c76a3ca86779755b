//! The container of a Word file: what kind of file the bytes are, and the
//! parts of a `.docx` (a zip of XML files and pictures) with their
//! relationships (which picture or link an `r:id` names).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::xml::{self, Element};
use super::{ImportError, OtherKind};

/// At most this much is unpacked from one file, all parts together: a zip
/// of a few kilobytes can claim gigabytes (a "zip bomb").
pub const MAX_UNPACKED: u64 = 200 * 1024 * 1024;

/// An XML part larger than this is refused: read into a tree it takes
/// several times its size in memory. Real documents stay far below (a
/// 500-page report's text is a few megabytes); pictures are not XML.
const MAX_XML: usize = 64 * 1024 * 1024;

/// The first bytes of an OLE compound file: old `.doc`, `.wps`, `.xls`, and
/// any Office file with an opening password.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tells a `.docx` from the files people pick instead; `Ok` for a zip.
pub fn sniff(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(());
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Office keeps an encrypted .docx in an OLE file whose streams are
        // "EncryptionInfo" and "EncryptedPackage"; their names (UTF-16) sit
        // in the directory near the start.
        let name: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let head = &bytes[..bytes.len().min(1 << 20)];
        return Err(if head.windows(name.len()).any(|w| w == name.as_slice()) {
            ImportError::Encrypted
        } else {
            ImportError::OldDoc
        });
    }
    let start = trim_start(bytes);
    let lower: Vec<u8> = start.iter().take(512).map(u8::to_ascii_lowercase).collect();
    if start.starts_with(b"%PDF") {
        return Err(ImportError::OtherFormat(OtherKind::Pdf));
    }
    if start.starts_with(b"{\\rtf") {
        return Err(ImportError::OtherFormat(OtherKind::Rtf));
    }
    // Word's "save as web page" (.htm, .mht) files are often named .doc.
    if lower.starts_with(b"<html")
        || lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"mime-version")
        || lower.windows(5).any(|w| w == b"<html")
    {
        return Err(ImportError::OtherFormat(OtherKind::WebPage));
    }
    Err(ImportError::NotDocument)
}

/// Skips a byte-order mark and leading white space.
fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

/// An open `.docx`.
pub struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Part names by their lower-case form: names in a package are not case
    /// sensitive, and some programs write `Word/Document.xml`.
    names: HashMap<String, String>,
    /// What may still be unpacked.
    budget: u64,
}

/// One relationship of a part: where an `r:id` points.
#[derive(Debug, Clone)]
pub struct Relationship {
    /// The last word of its type: `image`, `hyperlink`, `officeDocument`.
    pub kind: String,
    /// A part name (`word/media/image1.png`) or, when external, the address.
    pub target: String,
    pub external: bool,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Package<'a>, ImportError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        let names = archive
            .file_names()
            .filter_map(Result::ok)
            .map(|n| (n.trim_start_matches('/').to_lowercase(), n.to_string()))
            .collect();
        Ok(Package {
            archive,
            names,
            budget: MAX_UNPACKED,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(&name.to_lowercase())
    }

    /// Whether any part's name starts with `prefix` (`xl/`, `ppt/`).
    pub fn has_folder(&self, prefix: &str) -> bool {
        self.names.keys().any(|n| n.starts_with(prefix))
    }

    /// The bytes of a part, `None` when there is no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let Some(real) = self.names.get(&name.to_lowercase()).cloned() else {
            return Ok(None);
        };
        let file = self.archive.by_name(&real).map_err(zip_error)?;
        let mut out = Vec::new();
        // The sizes in the zip may lie: read one byte past the budget to know.
        file.take(self.budget + 1)
            .read_to_end(&mut out)
            .map_err(|e| ImportError::Damaged(format!("{real}：{e}")))?;
        if out.len() as u64 > self.budget {
            return Err(ImportError::TooLarge);
        }
        self.budget -= out.len() as u64;
        Ok(Some(out))
    }

    /// A part read as XML; `None` when there is no such part.
    pub fn xml(&mut self, name: &str) -> Result<Option<Element>, ImportError> {
        match self.read(name)? {
            None => Ok(None),
            Some(bytes) if bytes.len() > MAX_XML => Err(ImportError::TooLarge),
            Some(bytes) => xml::parse(&bytes)
                .map(Some)
                .map_err(|e| ImportError::Damaged(format!("{name}：{}", e.0))),
        }
    }

    /// The relationships of `part` (from `_rels/<name>.rels` beside it), by id.
    pub fn relationships(&mut self, part: &str) -> Result<HashMap<String, Relationship>, ImportError> {
        let (folder, file) = part.rsplit_once('/').unwrap_or(("", part));
        let rels = if folder.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{folder}/_rels/{file}.rels")
        };
        let mut out = HashMap::new();
        let Some(root) = self.xml(&rels)? else {
            return Ok(out);
        };
        for r in root.elements().filter(|e| e.name.ends_with("Relationship")) {
            let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else {
                continue;
            };
            let kind = r
                .attr("Type")
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let external = r.attr("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external"));
            let target = if external {
                target.to_string()
            } else {
                match resolve(folder, target) {
                    Some(t) => t,
                    None => continue,
                }
            };
            out.insert(id.to_string(), Relationship { kind, target, external });
        }
        Ok(out)
    }
}

/// A relationship's target as a part name: relative to the source's folder,
/// or absolute from the package root; `None` when it climbs out of it.
pub fn resolve(folder: &str, target: &str) -> Option<String> {
    let target = target.split(['#', '?']).next().unwrap_or(target);
    let target = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
    let mut parts: Vec<&str> = Vec::new();
    let start = if let Some(absolute) = target.strip_prefix('/') {
        absolute
    } else {
        parts.extend(folder.split('/').filter(|p| !p.is_empty()));
        &target
    };
    for piece in start.split(['/', '\\']) {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn zip_error(e: zip::result::ZipError) -> ImportError {
    ImportError::Damaged(format!("压缩包结构有误：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacking_stops_at_the_budget() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&vec![b' '; 1 << 20]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        // A megabyte of spaces packs into about a kilobyte.
        assert!(bytes.len() < 8 << 10, "{}", bytes.len());
        let mut package = Package::open(&bytes).unwrap();
        package.budget = 1000;
        assert!(matches!(package.read("word/document.xml"), Err(ImportError::TooLarge)));
        let mut package = Package::open(&bytes).unwrap();
        assert_eq!(package.read("Word/Document.xml").unwrap().unwrap().len(), 1 << 20);
        assert_eq!(package.budget, MAX_UNPACKED - (1 << 20));
        assert!(package.read("word/nothing.xml").unwrap().is_none());
    }

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve("word", "media/image1.png").as_deref(),
            Some("word/media/image1.png")
        );
        assert_eq!(
            resolve("word", "/word/media/a.jpeg").as_deref(),
            Some("word/media/a.jpeg")
        );
        assert_eq!(
            resolve("word", "../customXml/item1.xml").as_deref(),
            Some("customXml/item1.xml")
        );
        assert_eq!(resolve("", "word/document.xml").as_deref(), Some("word/document.xml"));
        assert_eq!(resolve("word", "../../etc/passwd"), None);
        assert_eq!(
            resolve("word", "media/%E5%9B%BE.png").as_deref(),
            Some("word/media/图.png")
        );
    }

    #[test]
    fn the_kind_of_file_is_told_by_its_first_bytes() {
        assert!(sniff(b"PK\x03\x04rest").is_ok());
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend([0; 600]);
        assert!(matches!(sniff(&ole), Err(ImportError::OldDoc)));
        ole.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(sniff(&ole), Err(ImportError::Encrypted)));
        assert!(matches!(
            sniff(b"%PDF-1.7"),
            Err(ImportError::OtherFormat(OtherKind::Pdf))
        ));
        assert!(matches!(
            sniff(b"{\\rtf1\\ansi"),
            Err(ImportError::OtherFormat(OtherKind::Rtf))
        ));
        assert!(matches!(
            sniff(b"\xEF\xBB\xBF <html xmlns:o='urn:schemas-microsoft-com:office:office'>"),
            Err(ImportError::OtherFormat(OtherKind::WebPage))
        ));
        assert!(matches!(sniff(b""), Err(ImportError::NotDocument)));
        assert!(matches!(sniff(b"\xff\xd8\xff\xe0"), Err(ImportError::NotDocument)));
    }
}
