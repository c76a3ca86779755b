//! Output: the build writes into a staging folder beside the output folder and
//! swaps it in only when everything succeeded, so a failed build never leaves a
//! half-written site, and the previous output survives any failure.

pub mod feeds;
pub mod sitemap;
pub mod static_files;

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, display_path, io_reason};

/// Marks a folder as Tongxin's output, so that it may be replaced. A folder
/// without it that is not empty is never deleted: it may be someone's work.
pub const MARKER: &str = ".tongxin-output";

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
}

impl Staging {
    /// Prepares an empty staging folder for `target`.
    pub fn create(target: &Path) -> io::Result<Staging> {
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let dir = parent.join(format!(".{name}.tongxin-new"));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join(MARKER),
            "这个文件夹由同心（tongxin build）生成，每次生成时会整体替换。\n",
        )?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for a site path: `yaowen/a/` → `…/yaowen/a/index.html`.
    pub fn file_for(&self, site_path: &str) -> PathBuf {
        let mut file = self.dir.join(site_path);
        if site_path.is_empty() || site_path.ends_with('/') {
            file.push("index.html");
        }
        file
    }

    /// A buffered writer for a new file, creating its folders.
    pub fn open_file(&self, file: &Path) -> io::Result<BufWriter<File>> {
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(BufWriter::with_capacity(32 * 1024, File::create(file)?))
    }

    pub fn write(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.dir.join(site_path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(file, bytes)
    }

    /// A write failure, naming the file where it will be in the output folder
    /// (not in the hidden staging folder the user never sees).
    pub fn write_error(&self, file: &Path, e: &io::Error) -> Diagnostic {
        let inside = file.strip_prefix(&self.dir).unwrap_or(file);
        Diagnostic::error(
            display_path(&self.target.join(inside)),
            format!("无法写入输出文件（{}）", io_reason(e)),
        )
        .hint("检查磁盘空间和输出文件夹的写入权限")
    }

    /// Puts the new output in place of the old one.
    pub fn commit(self) -> io::Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.tongxin-old",
            self.target
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
        ));
        if old.exists() {
            remove_tree(&old)?;
        }
        if self.target.exists() {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            // Put the previous output back rather than leave nothing.
            if old.exists() {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        if old.exists() {
            remove_tree(&old)?;
        }
        Ok(())
    }

    /// Throws the staging folder away; the previous output is untouched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Whether `target` may be replaced: it does not exist, is empty, or was
/// written by Tongxin.
pub fn replaceable(target: &Path) -> bool {
    match fs::read_dir(target) {
        Err(_) => !target.exists(),
        Ok(mut entries) => entries.next().is_none() || target.join(MARKER).exists(),
    }
}

/// Removes a large folder with both cores: a 10,000-page site has 20,000 entries.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.par_iter().try_for_each(|path| {
        if path.is_dir() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    fs::remove_dir(dir)
}

/// `robots.txt`: everything may be indexed; the sitemap is named.
pub fn robots_txt(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n")
}
