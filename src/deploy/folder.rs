//! A folder as the deploy target: a web server's directory, or a share
//! mounted on this computer (Windows `Z:\`, a Samba or NFS mount).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{Destination, MANIFEST, Manifest};
use crate::diagnostics::reason;

pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: PathBuf) -> Self {
        Folder { root }
    }

    fn path(&self, site_path: &str) -> io::Result<PathBuf> {
        // Site paths come from walking the output, but the manifest is read
        // from the target: never follow one out of the folder.
        let clean = Path::new(site_path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !clean || site_path.is_empty() {
            return Err(reason(io::ErrorKind::InvalidInput, format!("不安全的路径 {site_path}")));
        }
        Ok(self.root.join(site_path))
    }
}

/// Writes `bytes` beside `path` and renames it into place.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tongxin-deploy"));
    // A write cut short (a full disk) leaves a part of the file: it goes too,
    // so that it neither holds the space nor stays on the target as litter.
    fs::write(&temp, bytes)
        .and_then(|()| fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })
}

impl Destination for Folder {
    fn name(&self) -> String {
        crate::diagnostics::display_path(&self.root)
    }

    fn manifest(&mut self) -> io::Result<Manifest> {
        match fs::read(self.root.join(MANIFEST)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|_| reason(io::ErrorKind::InvalidData, format!("{MANIFEST} 已损坏"))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(e),
        }
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        replace(&self.path(path)?, bytes)
    }

    fn delete(&mut self, path: &str) -> io::Result<()> {
        let file = self.path(path)?;
        match fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        // Folders left empty go too, up to the target itself.
        let mut dir = file.parent();
        while let Some(d) = dir {
            if d == self.root || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    fn save_manifest(&mut self, manifest: &Manifest) -> io::Result<()> {
        let bytes = serde_json::to_vec(manifest).map_err(io::Error::other)?;
        replace(&self.root.join(MANIFEST), &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_cannot_lead_out_of_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::new(dir.path().join("www"));
        for bad in ["../evil.html", "/etc/passwd", "a/../../b", ""] {
            assert!(folder.put(bad, b"x").is_err(), "{bad}");
            assert!(folder.delete(bad).is_err(), "{bad}");
        }
        assert!(!dir.path().join("evil.html").exists());
    }

    #[test]
    fn files_are_replaced_whole_and_empty_folders_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::new(dir.path().to_path_buf());
        folder.put("a/b/index.html", b"one").unwrap();
        folder.put("a/b/index.html", b"two").unwrap();
        assert_eq!(fs::read(dir.path().join("a/b/index.html")).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
        folder.delete("a/b/index.html").unwrap();
        assert!(!dir.path().join("a").exists());
        assert!(dir.path().exists());
        folder.delete("a/b/index.html").unwrap();
    }
}
