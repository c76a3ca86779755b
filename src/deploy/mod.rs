//! Publishing a built site (`tongxin deploy`): only what changed goes to the
//! target, in an order that never shows a visitor a link to a file that is not
//! there yet.
//!
//! The target keeps a manifest (`.tongxin-deploy.json`): each file Tongxin
//! put there, with the hash of its bytes. A deploy compares the output with
//! it and sends, in this order: new files (nothing links to them yet), then
//! changed files, then the files that lead visitors to the rest (feeds,
//! sitemap, robots.txt, the home page), and last deletes what the site no
//! longer has. Only files the manifest names are ever deleted: what others put
//! on the target stays. The manifest is saved every [`SAVE_EVERY`] files, so a
//! deploy cut off in the middle resumes without sending again what arrived.

pub mod folder;
pub mod s3;
pub mod sftp;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, display_path, io_reason, is_disk_full};

/// The manifest's name on the target.
pub const MANIFEST: &str = ".tongxin-deploy.json";
/// Files sent between two saves of the manifest.
pub const SAVE_EVERY: usize = 200;

/// What the target holds, as far as Tongxin put it there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Site path → hash of the bytes (hex).
    pub files: BTreeMap<String, String>,
}

/// Where a deploy sends files.
pub trait Destination {
    /// The target as the user named it, for messages.
    fn name(&self) -> String;
    /// The manifest the target holds; empty when it has none (a first
    /// deploy), an error when it cannot be read.
    fn manifest(&mut self) -> io::Result<Manifest>;
    /// Puts `bytes` at the site path `path`, replacing what is there, so that
    /// a visitor sees the old file or the new one, never a part.
    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Deletes the file at `path`; a file already gone is no error.
    fn delete(&mut self, path: &str) -> io::Result<()>;
    /// Saves the manifest.
    fn save_manifest(&mut self, manifest: &Manifest) -> io::Result<()>;
}

/// The part of the order a file goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// New files other than pages (styles, scripts, photos, search index).
    NewAsset,
    /// New pages: nothing links to them until the next steps.
    NewPage,
    /// Changed files other than pages.
    ChangedAsset,
    /// Changed pages, lists among them: what they link to is there by now.
    ChangedPage,
    /// Where visitors and crawlers enter: feeds, sitemap, robots.txt, the home page.
    Entrance,
}

/// One file to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub path: String,
    pub step: Step,
    pub hash: String,
    pub size: u64,
}

/// What a deploy will do, in order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub uploads: Vec<Upload>,
    /// Paths the manifest names that the site no longer has.
    pub deletions: Vec<String>,
    /// Files that are already on the target as they are.
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletions.is_empty()
    }

    pub fn bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.size).sum()
    }
}

/// A size as people read it: `12 KB`, `3.4 MB`.
pub fn size_text(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

/// The files of a built site (its output folder): site path → (hash, size).
/// Tongxin's own marker file is not part of the site.
pub fn site_files(output: &Path) -> io::Result<BTreeMap<String, (String, u64)>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(output).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(output)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == crate::output::MARKER || rel == MANIFEST {
            continue;
        }
        let bytes = std::fs::read(entry.path())?;
        let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes));
        files.insert(rel, (hash, bytes.len() as u64));
    }
    Ok(files)
}

/// Which step a file of the site goes in, given whether the target has it.
fn step_of(path: &str, is_new: bool) -> Step {
    let name = path.rsplit('/').next().unwrap_or(path);
    let page = name.ends_with(".html");
    // The home page, robots.txt and every XML file (the sitemap, the feeds).
    let entrance = path == "index.html" || path == "robots.txt" || name.ends_with(".xml");
    match (entrance, is_new, page) {
        (true, _, _) => Step::Entrance,
        (false, true, false) => Step::NewAsset,
        (false, true, true) => Step::NewPage,
        (false, false, false) => Step::ChangedAsset,
        (false, false, true) => Step::ChangedPage,
    }
}

/// Compares the site with what the target holds.
pub fn plan(site: &BTreeMap<String, (String, u64)>, target: &Manifest) -> Plan {
    let mut plan = Plan::default();
    for (path, (hash, size)) in site {
        match target.files.get(path) {
            Some(kept) if kept == hash => plan.unchanged += 1,
            kept => plan.uploads.push(Upload {
                path: path.clone(),
                step: step_of(path, kept.is_none()),
                hash: hash.clone(),
                size: *size,
            }),
        }
    }
    // Stable: within a step, paths stay in order.
    plan.uploads.sort_by_key(|u| u.step);
    // The home page after the feeds and the sitemap.
    if let Some(at) = plan.uploads.iter().position(|u| u.path == "index.html") {
        let home = plan.uploads.remove(at);
        plan.uploads.push(home);
    }
    plan.deletions = target
        .files
        .keys()
        .filter(|p| !site.contains_key(*p))
        .cloned()
        .collect();
    plan
}

/// How far a deploy got.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub uploaded: usize,
    pub deleted: usize,
    pub bytes: u64,
}

/// Carries out `plan` from the output folder `output` to `destination`,
/// saving the manifest as it goes; `progress` hears each file done (files
/// so far, bytes so far). On an error, what was sent is in the saved manifest
/// and the next deploy goes on from there.
pub fn send(
    output: &Path,
    plan: &Plan,
    mut manifest: Manifest,
    destination: &mut dyn Destination,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<Sent, Diagnostic> {
    let mut sent = Sent::default();
    let total = plan.bytes();
    // `left`: the bytes still to send, the failed file's among them.
    let failed = |what: &str, path: &str, e: &io::Error, destination: &dyn Destination, left: u64| {
        let name = destination.name();
        let problem = Diagnostic::error(
            format!("{}/{path}", name.trim_end_matches('/')),
            format!("{what} {path} 时出错：{}", io_reason(e)),
        );
        if is_disk_full(e) {
            let more = if left > 0 {
                format!("（还要上传约 {}）", size_text(left))
            } else {
                String::new()
            };
            return problem.hint(format!(
                "发布目标 {name} 所在的磁盘没有空间了：请删掉那里用不着的文件，或请管理员加大磁盘空间{more}，\
                 然后重新运行 tongxin deploy：已经发布的文件不会重复上传"
            ));
        }
        problem.hint(
            "检查网络和发布目标（文件夹或存储桶）的权限、剩余空间后重新运行 tongxin deploy：已经发布的文件不会重复上传",
        )
    };
    manifest.version = 1;
    let mut unsaved = 0;
    for upload in &plan.uploads {
        let result = std::fs::read(output.join(&upload.path)).and_then(|bytes| destination.put(&upload.path, &bytes));
        if let Err(e) = result {
            let _ = destination.save_manifest(&manifest);
            return Err(failed("上传", &upload.path, &e, destination, total - sent.bytes));
        }
        manifest.files.insert(upload.path.clone(), upload.hash.clone());
        sent.uploaded += 1;
        sent.bytes += upload.size;
        progress(sent.uploaded, sent.bytes);
        unsaved += 1;
        if unsaved == SAVE_EVERY {
            unsaved = 0;
            destination
                .save_manifest(&manifest)
                .map_err(|e| failed("保存发布记录", MANIFEST, &e, destination, 0))?;
        }
    }
    for path in &plan.deletions {
        if let Err(e) = destination.delete(path) {
            let _ = destination.save_manifest(&manifest);
            return Err(failed("删除", path, &e, destination, 0));
        }
        manifest.files.remove(path);
        sent.deleted += 1;
    }
    destination
        .save_manifest(&manifest)
        .map_err(|e| failed("保存发布记录", MANIFEST, &e, destination, 0))?;
    Ok(sent)
}

/// `path` made absolute, with `.` and `..` taken out by their names (the
/// folder need not exist yet).
fn plain(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The destination for a target written in site.yaml or on the command line:
/// a folder, or `s3://` with the endpoint and region of `settings`. `base` is
/// the folder a relative folder is relative to; a folder may neither overlap
/// the site folder `site` nor its output folder `output`.
pub fn destination(
    target: &str,
    settings: &crate::config::DeploySettings,
    base: &Path,
    site: &Path,
    output: &Path,
) -> Result<Box<dyn Destination>, Diagnostic> {
    let scheme = target.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        None => {}
        Some("s3") => {
            let place = s3::Place::parse(target, settings)?;
            return Ok(Box::new(s3::Bucket::new(place, s3::Keys::from_env()?)));
        }
        Some("sftp") => {
            let place = sftp::Place::parse(target)?;
            return Ok(Box::new(sftp::Sftp::connect(place)?));
        }
        Some(scheme) => {
            return Err(Diagnostic::error(
                crate::config::FILE_NAME,
                format!("发布目标“{target}”是 {scheme}:// 地址，同心能发布到文件夹、sftp:// 服务器和 s3:// 存储桶"),
            )
            .hint(
                "FTP 不加密，密码和网页都以明文传输：请服务器管理员开通 SFTP（sftp://），或先发布到一个挂载的文件夹",
            ));
        }
    }
    let folder = base.join(target);
    let (site, place) = (plain(site), plain(&folder));
    if place.starts_with(&site) || site.starts_with(&place) || place.starts_with(plain(output)) {
        return Err(Diagnostic::error(
            display_path(&folder),
            "发布目标不能是网站文件夹、输出文件夹或它们里面的文件夹".to_string(),
        )
        .hint("换一个网站文件夹以外的文件夹，例如网站服务器的目录 /var/www/zx 或共享文件夹 Z:\\zx"));
    }
    Ok(Box::new(folder::Folder::new(place)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(paths: &[(&str, &str)]) -> BTreeMap<String, (String, u64)> {
        paths.iter().map(|(p, h)| (p.to_string(), (h.to_string(), 1))).collect()
    }

    #[test]
    fn new_files_go_first_entrances_and_the_home_page_last_deletions_after_all() {
        let kept = Manifest {
            version: 1,
            files: [
                ("index.html", "1"),
                ("yaowen/index.html", "1"),
                ("css/site.css", "1"),
                ("yaowen/old/index.html", "1"),
                ("sitemap.xml", "1"),
                ("same/index.html", "1"),
            ]
            .iter()
            .map(|(p, h)| (p.to_string(), h.to_string()))
            .collect(),
        };
        let now = site(&[
            ("index.html", "2"),
            ("yaowen/index.html", "2"),
            ("css/site.css", "2"),
            ("yaowen/new/index.html", "2"),
            ("yaowen/new/photo.jpg", "2"),
            ("sitemap.xml", "2"),
            ("feed.xml", "2"),
            ("same/index.html", "1"),
        ]);
        let plan = plan(&now, &kept);
        let order: Vec<&str> = plan.uploads.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "yaowen/new/photo.jpg",
                "yaowen/new/index.html",
                "css/site.css",
                "yaowen/index.html",
                "feed.xml",
                "sitemap.xml",
                "index.html",
            ]
        );
        assert_eq!(plan.deletions, ["yaowen/old/index.html"]);
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn sizes_in_kilobytes_or_megabytes() {
        assert_eq!(size_text(0), "0 KB");
        assert_eq!(size_text(1), "1 KB");
        assert_eq!(size_text(999_999), "1000 KB");
        assert_eq!(size_text(3_450_000), "3.5 MB");
    }

    #[test]
    fn nothing_to_do_when_the_target_has_it_all() {
        let now = site(&[("index.html", "1")]);
        let kept = Manifest {
            version: 1,
            files: [("index.html".to_string(), "1".to_string())].into(),
        };
        let plan = plan(&now, &kept);
        assert!(plan.is_empty());
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn remote_targets_and_the_site_itself_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        let none = crate::config::DeploySettings::default();
        for target in ["ftp://10.0.0.5/www", "http://10.0.0.5/www"] {
            let Err(e) = destination(target, &none, dir.path(), dir.path(), &output) else {
                panic!("{target} accepted")
            };
            assert!(
                e.message.contains("能发布到文件夹、sftp:// 服务器和 s3:// 存储桶"),
                "{e:?}"
            );
        }
        // An S3 bucket needs the storage service's address.
        let Err(e) = destination("s3://zx-site/www", &none, dir.path(), dir.path(), &output) else {
            panic!("s3 without an endpoint accepted")
        };
        assert!(e.message.contains("endpoint"), "{e:?}");
        for target in ["public", ".", "public/zx"] {
            let Err(e) = destination(target, &none, dir.path(), dir.path(), &output) else {
                panic!("{target} accepted")
            };
            assert!(e.message.contains("不能是网站文件夹"), "{e:?}");
        }
        for target in ["..", "public/../content"] {
            assert!(
                destination(target, &none, dir.path(), dir.path(), &output).is_err(),
                "{target}"
            );
        }
        assert!(destination("../www", &none, dir.path(), dir.path(), &output).is_ok());
    }
}
