//! The desk's files: where it may write, and how. Every path a request
//! names is checked here before anything is read or written: it must be
//! inside `content/` (no `..`, no absolute path, no hidden name, no symlink
//! leading out), and names of uploads are made safe ASCII. Writes go to a
//! hidden temporary file first and are renamed over the old one, so a file
//! is always either the old text or the new one. Deleted posts go to
//! `.tongxin/trash/`, unsaved text to `.tongxin/desk/unsaved/`.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::CONTENT_DIR;

/// Why a path from a request is not used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a path the desk may touch; the message says why.
    Outside(&'static str),
}

impl Refused {
    pub fn message(&self) -> &'static str {
        match self {
            Refused::Outside(why) => why,
        }
    }
}

/// A post's file, checked: `content/<folders>/<name>.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPath {
    /// Below `content/`, with `/`: `yaowen/a.md`.
    pub rel: String,
}

impl PostPath {
    /// As the desk shows it: `content/yaowen/a.md`.
    pub fn shown(&self) -> String {
        format!("{CONTENT_DIR}/{}", self.rel)
    }

    /// The folder below `content/` (`yaowen`, or `wenshi/book` for a chapter).
    pub fn folder(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The file on disk.
    pub fn file(&self, root: &Path) -> PathBuf {
        root.join(CONTENT_DIR).join(&self.rel)
    }

    /// The folder beside it where its photos and attachments go: the file's
    /// name without `.md`.
    pub fn own_folder(&self, root: &Path) -> PathBuf {
        let file = self.file(root);
        file.with_extension("")
    }
}

/// Checks a post path from a request (`content/yaowen/a.md`, `/` or `\`).
pub fn post_path(root: &Path, requested: &str) -> Result<PostPath, Refused> {
    let cleaned = requested.trim().replace('\\', "/");
    let Some(rel) = cleaned.strip_prefix("content/") else {
        return Err(Refused::Outside("文章必须在 content 文件夹里"));
    };
    let mut parts = Vec::new();
    for part in rel.split('/') {
        if part.is_empty() || part.starts_with('.') || part.contains([':', '\0']) {
            return Err(Refused::Outside(
                "文件路径里有不允许的部分（空名、以点开头的名字、冒号）",
            ));
        }
        let mut components = Path::new(part).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(_)), None) => parts.push(part),
            _ => return Err(Refused::Outside("文件路径不能含有“..”或盘符")),
        }
    }
    let Some(name) = parts.last() else {
        return Err(Refused::Outside("没有文件名"));
    };
    if parts.len() < 2 || !name.to_ascii_lowercase().ends_with(".md") || *name == "_index.md" {
        return Err(Refused::Outside("只能编辑栏目里的文章（.md 文件），不能编辑栏目设置"));
    }
    let post = PostPath { rel: parts.join("/") };
    confined(root, &post.file(root))?;
    confined(root, &post.own_folder(root))?;
    Ok(post)
}

/// Refuses a path whose existing part leads out of `content/` through a symlink.
pub fn confined(root: &Path, path: &Path) -> Result<(), Refused> {
    let content = root
        .join(CONTENT_DIR)
        .canonicalize()
        .map_err(|_| Refused::Outside("找不到 content 文件夹"))?;
    // The longest part of the path that exists, resolved.
    let mut existing = path.to_path_buf();
    while !existing.exists() {
        if !existing.pop() {
            return Err(Refused::Outside("文件路径不在网站文件夹里"));
        }
    }
    let real = existing
        .canonicalize()
        .map_err(|_| Refused::Outside("文件路径无法读取"))?;
    if real.starts_with(&content) {
        Ok(())
    } else {
        Err(Refused::Outside("文件路径经过链接指向了 content 文件夹以外"))
    }
}

/// The version of a file's bytes, to tell whether it changed since it was
/// opened.
pub fn version(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Writes `bytes` to `path` in one step: a hidden temporary file beside it,
/// then a rename over it. With `fresh`, fails if the file exists.
pub fn write_atomic(path: &Path, bytes: &[u8], fresh: bool) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{name}.{}.tongxin-tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    if fresh {
        // A hard link fails if the name exists: no new post replaces another.
        let linked = std::fs::hard_link(&temp, path);
        let _ = std::fs::remove_file(&temp);
        return match linked {
            // File systems without hard links (FAT on a USB stick): create
            // the new name directly, which still never replaces a file.
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes)),
            other => other,
        };
    }
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Extensions the desk accepts as uploads: the photos `build` publishes and
/// the usual attachments of a 政协 site.
pub const PHOTO_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp"];
pub const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "txt", "csv", "zip", "rar", "7z",
    "mp3", "mp4",
];

/// The largest upload.
pub const MAX_UPLOAD: usize = 50 * 1024 * 1024;

/// A safe ASCII file name for an upload named `name`: pinyin for Chinese,
/// lower-case letters, digits and hyphens, and the extension in lower case;
/// `-2`, `-3` … when `taken` says the name is used.
pub fn safe_name(name: &str, taken: impl Fn(&str) -> bool) -> Option<String> {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let (stem, ext) = name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    if ext.is_empty() || !ext.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut slug = crate::model::slug::slugify(stem);
    slug.truncate(60);
    let slug = slug.trim_matches('-');
    let stem = if slug.is_empty() { "wenjian" } else { slug };
    let mut candidate = format!("{stem}.{ext}");
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{stem}-{n}.{ext}");
        n += 1;
    }
    Some(candidate)
}

/// Text being written, kept until it is saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unsaved {
    pub key: String,
    pub path: Option<String>,
    pub column: Option<String>,
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub body: String,
    pub version: Option<String>,
    #[serde(default)]
    pub saved_at: String,
}

fn unsaved_dir(root: &Path) -> PathBuf {
    root.join(".tongxin").join("desk").join("unsaved")
}

fn unsaved_file(root: &Path, key: &str) -> PathBuf {
    unsaved_dir(root).join(format!("{}.json", version(key.as_bytes())))
}

pub fn keep_unsaved(root: &Path, unsaved: &Unsaved) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(unsaved).map_err(std::io::Error::other)?;
    write_atomic(&unsaved_file(root, &unsaved.key), &json, false)
}

pub fn unsaved(root: &Path, key: &str) -> Option<Unsaved> {
    let bytes = std::fs::read(unsaved_file(root, key)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub fn drop_unsaved(root: &Path, key: &str) {
    let _ = std::fs::remove_file(unsaved_file(root, key));
}

/// Every kept unsaved text, newest first.
pub fn all_unsaved(root: &Path) -> Vec<Unsaved> {
    let Ok(entries) = std::fs::read_dir(unsaved_dir(root)) else {
        return Vec::new();
    };
    let mut list: Vec<Unsaved> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| serde_json::from_slice(&std::fs::read(e.path()).ok()?).ok())
        .collect();
    list.sort_by(|a, b| b.saved_at.cmp(&a.saved_at));
    list
}

/// A deleted post in the trash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trashed {
    pub id: String,
    /// Where it was: `content/yaowen/a.md`.
    pub path: String,
    pub title: String,
    pub deleted_at: String,
}

fn trash_dir(root: &Path) -> PathBuf {
    root.join(".tongxin").join("trash")
}

/// Moves a post and its folder into the trash; returns where it went.
pub fn trash(root: &Path, post: &PostPath, title: &str, now: &jiff::Zoned) -> std::io::Result<Trashed> {
    let stamp = now.strftime("%Y%m%d-%H%M%S").to_string();
    let mut id = stamp.clone();
    let mut n = 2;
    while trash_dir(root).join(&id).exists() {
        id = format!("{stamp}-{n}");
        n += 1;
    }
    let place = trash_dir(root).join(&id);
    let file_to = place.join(CONTENT_DIR).join(&post.rel);
    std::fs::create_dir_all(file_to.parent().unwrap_or(&place))?;
    let item = Trashed {
        id: id.clone(),
        path: post.shown(),
        title: title.to_string(),
        deleted_at: now.strftime("%Y-%m-%d %H:%M").to_string(),
    };
    let json = serde_json::to_vec_pretty(&item).map_err(std::io::Error::other)?;
    write_atomic(&place.join("item.json"), &json, false)?;
    // The folder first: when the text moves, the post is gone from the site.
    let folder = post.own_folder(root);
    if folder.is_dir() {
        std::fs::rename(&folder, file_to.with_extension(""))?;
    }
    std::fs::rename(post.file(root), &file_to)?;
    Ok(item)
}

/// What the trash holds, newest first.
pub fn trashed(root: &Path) -> Vec<Trashed> {
    let Ok(entries) = std::fs::read_dir(trash_dir(root)) else {
        return Vec::new();
    };
    let mut list: Vec<Trashed> = entries
        .flatten()
        .filter_map(|e| serde_json::from_slice(&std::fs::read(e.path().join("item.json")).ok()?).ok())
        .collect();
    list.sort_by(|a, b| b.id.cmp(&a.id));
    list
}

/// Why a post cannot come back from the trash.
#[derive(Debug)]
pub enum RestoreError {
    NotFound,
    /// A file of the same name was written since.
    Taken(String),
    Io(std::io::Error),
}

/// Moves a post back from the trash to where it was.
pub fn restore(root: &Path, id: &str) -> Result<PostPath, RestoreError> {
    if id.is_empty() || id.contains(['/', '\\', '.']) {
        return Err(RestoreError::NotFound);
    }
    let place = trash_dir(root).join(id);
    let item: Trashed = std::fs::read(place.join("item.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(RestoreError::NotFound)?;
    let post = post_path(root, &item.path).map_err(|_| RestoreError::NotFound)?;
    let from = place.join(CONTENT_DIR).join(&post.rel);
    if post.file(root).exists() {
        return Err(RestoreError::Taken(post.shown()));
    }
    if let Some(dir) = post.file(root).parent() {
        std::fs::create_dir_all(dir).map_err(RestoreError::Io)?;
    }
    let folder = from.with_extension("");
    if folder.is_dir() && !post.own_folder(root).exists() {
        std::fs::rename(&folder, post.own_folder(root)).map_err(RestoreError::Io)?;
    }
    std::fs::rename(&from, post.file(root)).map_err(RestoreError::Io)?;
    let _ = std::fs::remove_dir_all(&place);
    Ok(post)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/yaowen")).unwrap();
        dir
    }

    #[test]
    fn post_paths_stay_inside_content() {
        let dir = site();
        let root = dir.path();
        assert_eq!(post_path(root, "content/yaowen/a.md").unwrap().rel, "yaowen/a.md");
        assert_eq!(post_path(root, "content\\yaowen\\新.md").unwrap().rel, "yaowen/新.md");
        for bad in [
            "content/../site.yaml",
            "content/yaowen/../../etc/passwd.md",
            "/etc/passwd",
            "content//yaowen/a.md",
            "content/yaowen/.hidden.md",
            "content/yaowen/a.txt",
            "content/yaowen/_index.md",
            "content/a.md",
            "static/a.md",
            "content/C:/a.md",
            "content/yaowen/a\0.md",
        ] {
            assert!(post_path(root, bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_content_are_refused() {
        let dir = site();
        let root = dir.path();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("content/wai")).unwrap();
        assert!(post_path(root, "content/wai/a.md").is_err());
        std::os::unix::fs::symlink(outside.path().join("x.md"), root.join("content/yaowen/link.md")).unwrap();
        std::fs::write(outside.path().join("x.md"), "x").unwrap();
        assert!(post_path(root, "content/yaowen/link.md").is_err());
    }

    #[test]
    fn upload_names_are_safe_ascii() {
        let none = |_: &str| false;
        let pinyin = crate::model::slug::slugify("会议现场");
        assert!(pinyin.is_ascii() && !pinyin.is_empty());
        assert_eq!(safe_name("会议现场.JPG", none).unwrap(), format!("{pinyin}.jpg"));
        assert!(
            safe_name("C:\\Users\\a\\..\\照片 1.png", none)
                .unwrap()
                .ends_with(".png")
        );
        assert!(!safe_name("../../etc/passwd.jpg", none).unwrap().contains('/'));
        assert_eq!(safe_name("。.jpg", none).unwrap(), "wenjian.jpg");
        assert_eq!(safe_name("noext", none), None);
        assert_eq!(safe_name("a.j/pg", none), None);
        let taken = |n: &str| n == "a.jpg" || n == "a-2.jpg";
        assert_eq!(safe_name("a.jpg", taken).unwrap(), "a-3.jpg");
    }

    #[test]
    fn atomic_writes_replace_or_refuse() {
        let dir = site();
        let file = dir.path().join("content/yaowen/a.md");
        write_atomic(&file, b"one", true).unwrap();
        assert!(
            write_atomic(&file, b"two", true).is_err(),
            "a fresh write must not replace a file"
        );
        write_atomic(&file, b"three", false).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }

    #[test]
    fn trash_and_restore_round_trip() {
        let dir = site();
        let root = dir.path();
        let post = post_path(root, "content/yaowen/a.md").unwrap();
        std::fs::write(post.file(root), "---\ntitle: 甲\n---\n").unwrap();
        std::fs::create_dir_all(post.own_folder(root)).unwrap();
        std::fs::write(post.own_folder(root).join("p.jpg"), "jpg").unwrap();
        let now = jiff::Timestamp::from_second(1_800_000_000)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC);
        let item = trash(root, &post, "甲", &now).unwrap();
        assert!(!post.file(root).exists() && !post.own_folder(root).exists());
        assert_eq!(trashed(root).len(), 1);
        std::fs::write(post.file(root), "new").unwrap();
        assert!(matches!(restore(root, &item.id), Err(RestoreError::Taken(_))));
        std::fs::remove_file(post.file(root)).unwrap();
        assert!(matches!(restore(root, "../x"), Err(RestoreError::NotFound)));
        restore(root, &item.id).unwrap();
        assert_eq!(
            std::fs::read_to_string(post.file(root)).unwrap(),
            "---\ntitle: 甲\n---\n"
        );
        assert!(post.own_folder(root).join("p.jpg").is_file());
        assert!(trashed(root).is_empty());
    }
}
