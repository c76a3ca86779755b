//! Fixture sites for integration tests: a temporary folder with site.yaml, the
//! default theme of this repository, and whatever content a test writes.

#![allow(dead_code)]

pub mod http;

use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use tongxin::{BuildFailure, BuildOptions, BuildReport};

pub const SITE_YAML: &str =
    "title: 测试政协\nbase_url: https://test.example.cn/\norganization:\n  name: 政协测试区委员会\n";

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A site with site.yaml and the default theme, and no content yet.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let f = Fixture { dir };
        f.write("site.yaml", SITE_YAML);
        copy_dir(&repo().join("themes/default"), &f.root().join("themes/default"));
        f
    }

    /// A site with one news column holding `posts` posts dated one day apart.
    pub fn with_news(posts: usize) -> Fixture {
        let f = Fixture::new();
        f.column("yaowen", "政协要闻", "news", 20);
        for i in 1..=posts {
            f.write(
                &format!("content/yaowen/2025-03-{i:02}-post-{i}.md"),
                &format!("---\ntitle: 第{i}篇要闻\ndate: 2025-03-{i:02}\ntags: [乡村振兴]\n---\n正文第{i}篇。\n"),
            );
        }
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn column(&self, folder: &str, title: &str, kind: &str, page_size: usize) {
        self.write(
            &format!("content/{folder}/_index.md"),
            &format!("---\ntitle: {title}\nkind: {kind}\npage_size: {page_size}\n---\n"),
        );
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            // A fixed "now" keeps future-dated fixtures in the future.
            now: Some("2026-06-01T00:00:00Z".parse().unwrap()),
            ..BuildOptions::new(self.root())
        }
    }

    pub fn build(&self) -> BuildReport {
        match tongxin::build(&self.options()) {
            Ok(report) => report,
            Err(failure) => panic!("build failed:\n{}", messages(&failure)),
        }
    }

    pub fn build_err(&self) -> BuildFailure {
        match tongxin::build(&self.options()) {
            Ok(_) => panic!("build unexpectedly succeeded"),
            Err(failure) => failure,
        }
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }
}

pub fn messages(failure: &BuildFailure) -> String {
    failure
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Text of every element matching `selector`.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    let s = Selector::parse(selector).unwrap();
    html.select(&s)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// An attribute of every element matching `selector`.
pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let s = Selector::parse(selector).unwrap();
    html.select(&s)
        .filter_map(|e| e.value().attr(attr).map(String::from))
        .collect()
}

/// Checks that `xml` is well-formed and returns the text of every `tag` element.
pub fn xml_texts(xml: &str, tag: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut depth_in_tag = 0;
    let mut stack: Vec<String> = Vec::new();
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("malformed XML: {e}\n{xml}"))
        {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if name == tag {
                    depth_in_tag += 1;
                    out.push(String::new());
                }
                stack.push(name);
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "unbalanced XML");
                if name == tag {
                    depth_in_tag -= 1;
                }
            }
            Event::Text(t) if depth_in_tag > 0 => {
                out.last_mut().unwrap().push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if depth_in_tag > 0 => {
                let name = r.to_string();
                let c = match name.as_str() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                out.last_mut().unwrap().push_str(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed XML elements: {stack:?}");
    out
}

/// Every HTML page the build wrote, reached by following links from the
/// home page. The redirect pages of old addresses (旧网址) are meant to be
/// reached from outside only.
pub fn assert_no_orphans(public: &Path) {
    let mut all: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(public) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(public)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".html") && rel != "404.html" && !is_redirect_page(entry.path()) {
            all.insert(rel);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = std::collections::VecDeque::from(["index.html".to_string()]);
    let a = Selector::parse("a[href]").unwrap();
    while let Some(rel) = queue.pop_front() {
        if !seen.insert(rel.clone()) {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(public.join(&rel)).unwrap());
        for link in html.select(&a) {
            let href = link.value().attr("href").unwrap();
            let Some(path) = href.strip_prefix('/') else { continue };
            let path = path.split('#').next().unwrap();
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            if target.ends_with(".html") && all.contains(&target) && !seen.contains(&target) {
                queue.push_back(target);
            }
        }
    }
    let orphans: Vec<&String> = all.difference(&seen).collect();
    assert!(orphans.is_empty(), "pages no link reaches: {orphans:#?}");
}

/// A redirect page of an old address: it refreshes to its page at once.
pub fn is_redirect_page(file: &Path) -> bool {
    let html = Html::parse_document(&std::fs::read_to_string(file).unwrap_or_default());
    html.select(&Selector::parse("meta[http-equiv=refresh]").unwrap())
        .next()
        .is_some()
}

/// A small real JPEG, for fixtures that need a photo the build can process.
pub fn tiny_jpeg(width: u32, height: u32) -> Vec<u8> {
    jpeg_of(width, height, |_, _| [180, 40, 40])
}

/// The RGB pixels of a `width` × `height` picture, row by row.
fn pixels_of(width: u32, height: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    (0..height)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .flat_map(|(x, y)| colour(x, y))
        .collect()
}

/// The picture whose pixel at (x, y) is `colour(x, y)`, in `encoding`, made
/// with the build's own encoder.
fn picture_of(
    width: u32,
    height: u32,
    colour: impl Fn(u32, u32) -> [u8; 3],
    encoding: pixels::encode::Encoding,
) -> Vec<u8> {
    let raster =
        pixels::raster::Raster::new(width, height, false, pixels_of(width, height, colour)).expect("a picture");
    pixels::encode::encode(&raster, encoding).expect("encodable")
}

/// A JPEG (quality 75, as cameras and phones save) whose pixel at (x, y) is
/// `colour(x, y)`.
pub fn jpeg_of(width: u32, height: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    picture_of(width, height, colour, pixels::encode::Encoding::Jpeg(75))
}

/// A PNG whose pixel at (x, y) is `colour(x, y)`.
pub fn png_of(width: u32, height: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    picture_of(width, height, colour, pixels::encode::Encoding::Png)
}

/// A JPEG's width, height and number of colour components (3 for colour,
/// 4 for CMYK), read from its header.
pub fn jpeg_info(bytes: &[u8]) -> (u32, u32, usize) {
    let (width, height) = pixels::decode::dimensions(bytes, pixels::decode::Format::Jpeg).expect("a JPEG");
    let components = pixels::decode::jpeg_components(bytes).expect("a frame header");
    (width, height, usize::from(components))
}

/// Every file below `dir` with its bytes, by path with `/` separators.
pub fn folder_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// What differs between two sets of files, by name (not their bytes);
/// `None` when they are the same.
pub fn differences(
    got: &std::collections::BTreeMap<String, Vec<u8>>,
    want: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .keys()
        .filter(|k| got.get(*k).is_some_and(|g| g != &want[*k]))
        .collect();
    (!extra.is_empty() || !missing.is_empty() || !differ.is_empty())
        .then(|| format!("extra {extra:?}, missing {missing:?}, different {differ:?}"))
}

/// A small memory file system (tmpfs) mounted on a folder, to play a disk
/// that fills up; unmounted when dropped. Mounting needs root.
pub struct Tmpfs {
    pub dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` bytes on `dir` (made if missing). `Err` says
    /// why not, so that a test run without root can skip and say so.
    pub fn mount(dir: &Path, size: u64) -> Result<Tmpfs, String> {
        fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs { dir: dir.to_path_buf() })
    }

    /// Fills the file system with a file `ballast` until only `free` bytes
    /// are left (in whole pages).
    pub fn leave_free(&self, free: u64) -> PathBuf {
        let ballast = self.dir.join("ballast");
        let now = self.free();
        assert!(now > free, "only {now} bytes free, wanted {free}");
        fs::write(&ballast, vec![0u8; (now - free) as usize]).unwrap();
        ballast
    }

    /// Bytes free, as `df` counts them.
    pub fn free(&self) -> u64 {
        let out = std::process::Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&self.dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines().nth(1).unwrap().trim().parse().unwrap()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.dir).status();
    }
}

/// A folder seen through `bindfs` (FUSE), a file system that, like many
/// network shares, cannot exchange two folders in one step.
pub struct Bindfs {
    pub dir: PathBuf,
}

impl Bindfs {
    /// Shows `real` at `dir` (made if missing). `Err` says why not.
    pub fn mount(real: &Path, dir: &Path) -> Result<Bindfs, String> {
        fs::create_dir_all(real).map_err(|e| e.to_string())?;
        fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = std::process::Command::new("bindfs")
            .arg(real)
            .arg(dir)
            .output()
            .map_err(|e| format!("bindfs: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Bindfs { dir: dir.to_path_buf() })
    }
}

impl Drop for Bindfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.dir).status();
    }
}

/// Whether this process runs as root (mounting needs it).
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The bytes `files` take on a file system of 4 KiB pages, like tmpfs.
pub fn pages_of(files: &std::collections::BTreeMap<String, Vec<u8>>) -> u64 {
    files.values().map(|b| (b.len() as u64).div_ceil(4096) * 4096).sum()
}
