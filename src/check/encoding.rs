//! Encodings (`encoding-*`): a file saved as GBK by an old Windows tool is read
//! anyway, but other tools garble it (`encoding-legacy`, found while loading,
//! see [`crate::encoding`]); a UTF-8 byte order mark at the start of a file
//! (`encoding-bom`) upsets some editors and tools.

use std::path::Path;

use super::Finding;
use crate::check::rules::Rule;

pub fn bom(file: &str) -> Finding {
    Finding::new(Rule::EncodingBom, file, "文件开头有 UTF-8 BOM（字节顺序标记）")
        .line(Some(1))
        .fix("用编辑器另存为“UTF-8”（不带 BOM），例如记事本选“UTF-8”而不是“带有 BOM 的 UTF-8”")
}

/// A BOM at the start of site.yaml.
pub fn site_yaml(root: &Path) -> Option<Finding> {
    let mut head = [0u8; 3];
    let mut file = std::fs::File::open(root.join(crate::config::FILE_NAME)).ok()?;
    std::io::Read::read_exact(&mut file, &mut head).ok()?;
    (head == *b"\xEF\xBB\xBF").then(|| bom(crate::config::FILE_NAME))
}
