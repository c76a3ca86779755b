//! Processed photos kept between builds in `<site>/.tongxin/images/`, keyed
//! by the photo's bytes and the settings that shape the copies, so an unchanged
//! photo is never processed twice. Each entry is a folder: the copies, and a
//! `manifest` that says what each copy is.

use std::fs;
use std::hash::Hasher;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use siphasher::sip128::{Hasher128, SipHasher13};

use super::process::{ENCODER_VERSION, Made, Note, Processed};
use crate::config::ImageSettings;

pub const CACHE_DIR: &str = ".tongxin/images";

/// A cached copy of a photo.
#[derive(Debug, Clone)]
pub struct CachedFile {
    pub suffix: String,
    pub width: u32,
    pub height: u32,
    pub in_srcset: bool,
    pub path: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub files: Vec<CachedFile>,
    pub notes: Vec<Note>,
}

pub struct Cache {
    dir: PathBuf,
}

/// The key of a photo: its bytes, its extension (which decides a copy's
/// format) and every setting that changes the copies.
pub fn key(bytes: &[u8], ext: &str, settings: &ImageSettings) -> String {
    let mut h = SipHasher13::new();
    h.write(bytes);
    h.write(ext.as_bytes());
    h.write_u32(ENCODER_VERSION);
    h.write_u8(settings.quality);
    for w in &settings.widths {
        h.write_u32(*w);
    }
    format!("{:032x}", h.finish128().as_u128())
}

const MANIFEST: &str = "manifest";
const MAGIC: &str = "tongxin-images";

impl Cache {
    pub fn new(root: &Path) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR),
        }
    }

    /// The cached copies of `key`, if a complete entry exists.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let dir = self.dir.join(key);
        let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != format!("{MAGIC} {ENCODER_VERSION}") {
            return None;
        }
        let mut entry = Entry {
            files: Vec::new(),
            notes: Vec::new(),
        };
        for line in lines {
            let parts: Vec<&str> = line.split('\t').collect();
            match parts.as_slice() {
                ["file", name, suffix, w, h, s] => entry.files.push(CachedFile {
                    suffix: suffix.to_string(),
                    width: w.parse().ok()?,
                    height: h.parse().ok()?,
                    in_srcset: *s == "1",
                    path: dir.join(name),
                }),
                ["note", "cmyk"] => entry.notes.push(Note::Cmyk),
                _ => return None,
            }
        }
        (!entry.files.is_empty()).then_some(entry)
    }

    /// Stores the copies of `key`. The entry appears whole or not at all: it
    /// is written in a temporary folder and renamed.
    pub fn put(&self, key: &str, processed: &Processed) -> io::Result<Entry> {
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        let tmp = self.dir.join(format!(
            ".{key}.{}-{}",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&tmp)?;
        let mut manifest = format!("{MAGIC} {ENCODER_VERSION}\n");
        for (i, made) in processed.files.iter().enumerate() {
            let Made {
                suffix,
                width,
                height,
                in_srcset,
                bytes,
            } = made;
            let name = format!("{i}{}", extension_of(suffix));
            fs::write(tmp.join(&name), bytes)?;
            manifest.push_str(&format!(
                "file\t{name}\t{suffix}\t{width}\t{height}\t{}\n",
                u8::from(*in_srcset)
            ));
        }
        for note in &processed.notes {
            match note {
                Note::Cmyk => manifest.push_str("note\tcmyk\n"),
            }
        }
        fs::write(tmp.join(MANIFEST), manifest)?;
        let dir = self.dir.join(key);
        if fs::rename(&tmp, &dir).is_err() {
            // The same photo was stored meanwhile (an identical copy elsewhere in
            // the site, or another build). Keep that entry: its files may be
            // being linked into place right now, so it must never be removed.
            if let Some(entry) = self.get(key) {
                let _ = fs::remove_dir_all(&tmp);
                return Ok(entry);
            }
            // What is there is broken (a half-deleted folder): replace it.
            let _ = fs::remove_dir_all(&dir);
            if let Err(e) = fs::rename(&tmp, &dir) {
                let _ = fs::remove_dir_all(&tmp);
                return Err(e);
            }
        }
        self.get(key).ok_or_else(|| io::Error::other("图片缓存写入后读不出来"))
    }
}

fn extension_of(suffix: &str) -> &str {
    suffix.rfind('.').map_or("", |i| &suffix[i..])
}

/// Puts a cached copy at `target`: a hard link where the file system allows,
/// else a copy with the cached copy's time.
pub fn place(from: &Path, target: &Path) -> io::Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    crate::output::sink::link_or_copy(from, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_bytes_and_settings() {
        let s = ImageSettings::default();
        let k = key(b"abc", "jpg", &s);
        assert_eq!(k.len(), 32);
        assert_eq!(k, key(b"abc", "jpg", &s));
        assert_ne!(k, key(b"abd", "jpg", &s));
        assert_ne!(k, key(b"abc", "png", &s));
        let q = ImageSettings {
            quality: 90,
            ..s.clone()
        };
        assert_ne!(k, key(b"abc", "jpg", &q));
    }

    #[test]
    fn entries_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        assert!(cache.get("k").is_none());
        let processed = Processed {
            files: vec![Made {
                suffix: "-480w.jpg".into(),
                width: 480,
                height: 320,
                in_srcset: true,
                bytes: vec![1, 2, 3],
            }],
            notes: vec![Note::Cmyk],
        };
        let entry = cache.put("k", &processed).unwrap();
        assert_eq!(entry.files[0].suffix, "-480w.jpg");
        assert_eq!(fs::read(&entry.files[0].path).unwrap(), [1, 2, 3]);
        assert_eq!(entry.notes, [Note::Cmyk]);
        assert!(cache.get("k").is_some());
    }

    #[cfg(unix)]
    /// Two identical photos in one site are stored twice in parallel; the
    /// second store must not pull the first entry's files from under it.
    #[test]
    fn storing_a_key_again_keeps_the_first_entry_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let processed = Processed {
            files: vec![Made {
                suffix: ".jpg".into(),
                width: 1,
                height: 1,
                in_srcset: false,
                bytes: vec![7],
            }],
            notes: vec![],
        };
        let first = cache.put("k", &processed).unwrap();
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&fs::metadata(p).unwrap());
        let before = inode(&first.files[0].path);
        let second = cache.put("k", &processed).unwrap();
        assert_eq!(second.files[0].path, first.files[0].path);
        assert_eq!(inode(&first.files[0].path), before, "the first entry was replaced");
        let leftovers = fs::read_dir(dir.path().join(CACHE_DIR)).unwrap().count();
        assert_eq!(leftovers, 1, "the second temporary folder is removed");
    }
}
