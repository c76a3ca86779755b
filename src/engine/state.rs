//! What the engine keeps between runs of `tongxin build`, in
//! `.tongxin/build/` beside the photo cache: every source as it was read
//! (settings, not the text) with its stamp, the Markdown renderings the last
//! build used, and what was written (each page's fingerprint, the generated
//! files' hashes, the copied files' stamps). The next build reads only the
//! sources whose stamp changed, renders only the pages whose data changed,
//! and hands only those to the output.
//!
//! A state is used only by the same Tongxin build (`TONGXIN_BUILD_ID`) with
//! the same options; anything else, or a file that cannot be read, is thrown
//! away with a one-line notice and the build starts from nothing.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sources::{Source, Stamp};
use crate::content::SourceFile;
use crate::content::memo;
use crate::diagnostics::Diagnostic;
use crate::render::digest::Digest;

/// Where a site's engine states are kept.
pub const STATE_DIR: &str = ".tongxin/build";

/// Changes whenever what is saved changes shape.
const FORMAT: u32 = 3;

/// The build of Tongxin a state belongs to.
pub fn build_id() -> String {
    format!("{}+{}", env!("CARGO_PKG_VERSION"), env!("TONGXIN_BUILD_ID"))
}

/// What decides whether a saved state may be used at all: the same Tongxin
/// and the same options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateKey {
    pub build: String,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Whether the search index is made (only benchmarks turn it off).
    pub search: bool,
}

/// One Markdown source as read: (path below `content/`, stamp, settings
/// without the text, problems).
pub type SavedSource = (String, Option<Stamp>, Option<SourceFile>, Vec<Diagnostic>);

#[derive(Serialize, Deserialize)]
pub struct SavedWritten {
    /// Every page: site path → fingerprint of its data.
    pub pages: Vec<(String, Digest)>,
    pub globals: Option<Digest>,
    pub templates: Option<u64>,
    pub generated: Vec<(String, u64)>,
    pub statics: Vec<(String, PathBuf, Option<Stamp>)>,
    pub photos: Vec<String>,
}

/// An engine's memory, as written to disk.
#[derive(Serialize, Deserialize)]
pub struct Saved {
    pub format: u32,
    pub key: StateKey,
    /// A hash of site.yaml's bytes as last read.
    pub config: Option<u64>,
    pub sources: Vec<SavedSource>,
    pub assets: Vec<(String, Option<Stamp>)>,
    /// The files of the theme's and the site's `static/`, with their stamps.
    pub statics: Vec<(PathBuf, Option<Stamp>)>,
    /// When a source's date comes due after this build: a post published
    /// for later appears then, so the build must not be skipped.
    pub due: Option<jiff::Timestamp>,
    /// Published articles and single pages, for the report of a build that
    /// finds nothing to do.
    pub articles: usize,
    /// The warnings of the last build, told again by a build that finds
    /// nothing to do: a warning stays until it is fixed.
    pub warnings: Vec<Diagnostic>,
    /// Photos published, for the same report.
    pub photos: usize,
    /// Kept in a file of its own (see [`store`]), read only when a build
    /// models the site.
    #[serde(skip)]
    pub memo: Option<MemoSave>,
    pub written: SavedWritten,
    /// What the output folder and its standby hold (see `output::standby`).
    pub folders: Option<crate::output::standby::Folders>,
}

impl Saved {
    pub fn new(key: StateKey) -> Self {
        Saved {
            format: FORMAT,
            key,
            config: None,
            sources: Vec::new(),
            assets: Vec::new(),
            statics: Vec::new(),
            due: None,
            articles: 0,
            warnings: Vec::new(),
            photos: 0,
            memo: None,
            written: SavedWritten {
                pages: Vec::new(),
                globals: None,
                templates: None,
                generated: Vec::new(),
                statics: Vec::new(),
                photos: Vec::new(),
            },
            folders: None,
        }
    }
}

/// Why a saved state was not used, for the one-line notice.
#[derive(Debug, PartialEq, Eq)]
pub enum Discarded {
    /// Written by another version of Tongxin, or with other options.
    Foreign,
    /// Unreadable: damaged, cut short.
    Damaged,
}

impl Discarded {
    pub fn notice(&self) -> &'static str {
        match self {
            Discarded::Foreign => "上次生成时的版本或选项与这次不同，这次完整生成一遍",
            Discarded::Damaged => "上次生成留下的记录已损坏，已丢弃，这次完整生成一遍",
        }
    }
}

/// The file of the state for an output folder (one per output: a site may be
/// built to `public/` and to a test folder).
pub fn path_for(root: &Path, output: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let absolute = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let mut h = siphasher::sip::SipHasher13::new();
    absolute.hash(&mut h);
    root.join(STATE_DIR).join(format!("{:016x}.state", h.finish()))
}

/// How long the state of an output folder that no build has used is kept.
const KEPT_UNUSED: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);

/// Removes the states (with their renderings and search records) of output
/// folders no build has used for 30 days, such as a folder built once to
/// try something: each holds every post's rendering, ~6 KB a post. The
/// state at `current` stays, and so does anything else in the folder.
pub fn remove_unused(current: &Path, now: std::time::SystemTime) {
    let Some(dir) = current.parent() else { return };
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path == current || path.extension().is_none_or(|e| e != "state") {
            continue;
        }
        let unused = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|used| now.duration_since(used).is_ok_and(|age| age > KEPT_UNUSED));
        if unused {
            for kind in ["memo", "search", "journal", "tmp", "search-tmp"] {
                let _ = fs::remove_file(path.with_extension(kind));
            }
            let _ = fs::remove_file(&path);
        }
    }
}

/// Marks the state at `path` as used now, by a build that found nothing to
/// change and so wrote nothing (see [`remove_unused`]).
pub fn mark_used(path: &Path) {
    let _ = fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()));
}

/// Reads the state at `path`: `Ok(None)` when there is none yet.
pub fn load(path: &Path, key: &StateKey) -> Result<Option<Saved>, Discarded> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(Discarded::Damaged),
    };
    // The format and the key come first: a state of another version is told
    // apart before its body (of another shape) is read.
    let (format, saved_key): (u32, StateKey) = postcard::take_from_bytes(&bytes)
        .map(|(head, _)| head)
        .map_err(|_| Discarded::Damaged)?;
    if format != FORMAT || saved_key != *key {
        return Err(Discarded::Foreign);
    }
    let saved: Saved = postcard::from_bytes(&bytes).map_err(|_| Discarded::Damaged)?;
    Ok(Some(saved))
}

/// How the renderings are saved: all of them in a new file, or those made
/// since the file was read added at its end (a one-word edit then writes one
/// rendering, not ten thousand).
pub enum MemoSave {
    Whole(Vec<memo::Saved>),
    Append(Vec<memo::Saved>),
}

/// Writes `saved` to `path` in one step (written beside it, then renamed), so
/// that a build stopped while saving leaves the old state or the new one. The
/// renderings go to a file of their own, written only when they changed: the
/// memo is written first, so a state never names renderings it lacks (a
/// missing one is only rendered again).
pub fn store(path: &Path, saved: &Saved) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    match &saved.memo {
        Some(MemoSave::Whole(memo)) => {
            replace_file(&memo_path(path), |file| write_frames(file, memo))?;
        }
        Some(MemoSave::Append(memo)) if !memo.is_empty() => {
            // A frame cut short by a kill is where reading stops; the
            // renderings it held are made again. One write for all frames.
            let mut bytes = Vec::new();
            write_frames(&mut bytes, memo)?;
            let mut file = fs::OpenOptions::new().append(true).open(memo_path(path))?;
            io::Write::write_all(&mut file, &bytes)?;
        }
        _ => {}
    }
    write_whole(path, saved)
}

/// Renderings per frame of the memo file. Frames are read in parallel: one
/// frame of ten thousand renderings took a core 0.12 s to read back.
const MEMO_FRAME: usize = 256;

/// Writes renderings in frames of [`MEMO_FRAME`], each its length (4 bytes,
/// little-endian) and then its renderings, so that a reader finds every frame
/// without decoding any.
fn write_frames<T: Serialize>(out: &mut impl io::Write, renderings: &[T]) -> io::Result<()> {
    for frame in renderings.chunks(MEMO_FRAME) {
        let bytes = postcard::to_stdvec(frame).map_err(io::Error::other)?;
        let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        out.write_all(&length.to_le_bytes())?;
        out.write_all(&bytes)?;
    }
    Ok(())
}

/// Serialises `value` straight into a file beside `path` (no copy of it all
/// in memory), then renames it over `path`.
fn write_whole<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    replace_file(path, |file| {
        postcard::to_io(value, file).map(drop).map_err(io::Error::other)
    })
}

/// Writes a file beside `path` with `write`, then renames it over `path`: a
/// build stopped meanwhile leaves the old file.
fn replace_file(path: &Path, write: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>) -> io::Result<()> {
    let temp = path.with_extension("tmp");
    let mut file = io::BufWriter::with_capacity(1 << 16, fs::File::create(&temp)?);
    write(&mut file)?;
    io::Write::flush(&mut file)?;
    drop(file);
    fs::rename(&temp, path)
}

/// The file of a state's renderings.
pub fn memo_path(state: &Path) -> PathBuf {
    state.with_extension("memo")
}

/// The renderings kept beside the state at `state`, in the order they were
/// added (a later one of the same key replaces an earlier), and how many
/// the file holds (`usize::MAX` when part of it could not be read); `None`
/// when it cannot be read at all (each body is then rendered again, and the
/// next build writes the file whole).
pub fn load_memo(state: &Path) -> Option<(Vec<memo::Saved>, usize)> {
    let (all, whole) = read_frames::<memo::Saved>(&memo_path(state)).ok()?;
    // A file with a damaged or cut-short frame is written whole next time:
    // what was added after that frame could never be read back.
    let count = if whole { all.len() } else { usize::MAX };
    Some((all, count))
}

/// The items of the frames [`write_frames`] wrote into the file at `path`,
/// in order, and whether every byte was read. A frame that does not decode
/// (damaged, or cut short by a kill) ends the reading: a later item may
/// replace an earlier one, so none after it can be trusted.
///
/// Each frame is read by the thread that decodes it into a buffer it reuses:
/// reading the whole file first (58 MB for ten thousand posts) took as long
/// as decoding it, mostly the kernel handing out fresh pages for the copy.
fn read_frames<T: serde::de::DeserializeOwned + Send>(path: &Path) -> io::Result<(Vec<T>, bool)> {
    use io::{Read, Seek, SeekFrom};
    use rayon::prelude::*;
    let mut file = fs::File::open(path)?;
    let size = file.metadata()?.len();
    // Where each frame is: only the lengths are read here.
    let mut spans = Vec::new();
    let mut at = 0u64;
    while size - at >= 4 {
        let mut length = [0u8; 4];
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut length)?;
        let length = u64::from(u32::from_le_bytes(length));
        if size - at - 4 < length {
            break;
        }
        spans.push((at + 4, length));
        at += 4 + length;
    }
    let decoded: Vec<Option<Vec<T>>> = spans
        .par_iter()
        .map_init(
            || (fs::File::open(path).ok(), Vec::new()),
            |(file, buffer), &(start, length)| {
                let file = file.as_mut()?;
                file.seek(SeekFrom::Start(start)).ok()?;
                buffer.clear();
                (&*file).take(length).read_to_end(buffer).ok()?;
                postcard::from_bytes(buffer).ok()
            },
        )
        .collect();
    let whole = at == size && decoded.iter().all(Option::is_some);
    Ok((decoded.into_iter().map_while(|f| f).flatten().collect(), whole))
}

/// Sources as saved, back into the engine's map.
pub fn sources_from(saved: Vec<SavedSource>) -> std::collections::BTreeMap<String, Source> {
    saved
        .into_iter()
        .map(|(rel, stamp, file, problems)| (rel, Source { stamp, file, problems }))
        .collect()
}

/// The engine's sources, to save (the texts are left out).
pub fn sources_to(files: &std::collections::BTreeMap<String, Source>) -> Vec<SavedSource> {
    files
        .iter()
        .map(|(rel, s)| {
            let file = s.file.as_ref().map(|f| SourceFile {
                body: std::sync::Arc::from(""),
                ..f.clone()
            });
            (rel.clone(), s.stamp, file, s.problems.clone())
        })
        .collect()
}

/// Pages by path, from a saved list.
pub fn pages_from(saved: Vec<(String, Digest)>) -> HashMap<String, Digest> {
    saved.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> StateKey {
        StateKey {
            build: build_id(),
            base_url: None,
            drafts: false,
            search: true,
        }
    }

    #[test]
    fn sources_with_every_kind_of_setting_come_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/yaowen")).unwrap();
        std::fs::write(
            dir.path().join("content/yaowen/a.md"),
            "---\ntitle: 甲\ndate: 2025-03-02 14:30\ntags: [乙, 丙]\nissue: 2025年第1期\nnumbers: [1, 2.5, true, null, {k: v}]\n---\n正文。\n",
        )
        .unwrap();
        let (file, problems) = crate::content::read_file(dir.path(), "yaowen/a.md".into(), &jiff::tz::TimeZone::UTC);
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            "yaowen/a.md".to_string(),
            Source {
                stamp: super::super::sources::stamp(&dir.path().join("content/yaowen/a.md")),
                file,
                problems,
            },
        );
        let mut saved = Saved::new(key());
        saved.sources = sources_to(&files);
        let path = path_for(dir.path(), &dir.path().join("public"));
        store(&path, &saved).unwrap();
        let back = sources_from(load(&path, &key()).unwrap().unwrap().sources);
        let (a, b) = (&files["yaowen/a.md"], &back["yaowen/a.md"]);
        assert_eq!(a.stamp, b.stamp);
        let (fa, fb) = (a.file.as_ref().unwrap(), b.file.as_ref().unwrap());
        assert_eq!(fa.meta, fb.meta);
        assert_eq!(fa.body_hash, fb.body_hash);
        assert_eq!(&*fb.body, "", "the text is not kept");
    }

    #[test]
    fn a_state_comes_back_only_for_the_same_build_and_options() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(dir.path(), &dir.path().join("public"));
        assert_eq!(load(&path, &key()).map(|s| s.is_some()), Ok(false), "none yet");
        let mut saved = Saved::new(key());
        saved.config = Some(7);
        store(&path, &saved).unwrap();
        assert_eq!(load(&path, &key()).unwrap().unwrap().config, Some(7));
        let other = StateKey { drafts: true, ..key() };
        assert_eq!(load(&path, &other).err(), Some(Discarded::Foreign));
        let newer = StateKey {
            build: "9.9.9+0".into(),
            ..key()
        };
        assert_eq!(load(&path, &newer).err(), Some(Discarded::Foreign));
        fs::write(&path, b"\x01\x02garbage").unwrap();
        assert_eq!(load(&path, &key()).err(), Some(Discarded::Damaged));
        assert!(path.starts_with(dir.path().join(STATE_DIR)));
        assert_ne!(
            path,
            path_for(dir.path(), &dir.path().join("test-site")),
            "one state per output folder"
        );
    }

    #[test]
    fn states_unused_for_a_month_are_removed_with_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let build = dir.path().join(STATE_DIR);
        fs::create_dir_all(&build).unwrap();
        let now = std::time::SystemTime::now();
        let day = std::time::Duration::from_secs(24 * 60 * 60);
        let touch = |name: &str, age: std::time::Duration| {
            let file = build.join(name);
            fs::write(&file, "x").unwrap();
            fs::File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_modified(now - age)
                .unwrap();
        };
        // The current state, however old; a state used yesterday; one
        // used 40 days ago, with its other files; something else, old.
        for (name, age) in [
            ("current.state", day * 90),
            ("current.memo", day * 90),
            ("recent.state", day),
            ("recent.memo", day * 40),
            ("old.state", day * 40),
            ("old.memo", day * 40),
            ("old.search", day * 40),
            ("old.journal", day * 40),
            ("notes.txt", day * 400),
        ] {
            touch(name, age);
        }
        remove_unused(&build.join("current.state"), now);
        let mut left: Vec<String> = fs::read_dir(&build)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "current.memo",
                "current.state",
                "notes.txt",
                "recent.memo",
                "recent.state"
            ]
        );

        // A build that changed nothing marks its state as used.
        mark_used(&build.join("recent.state"));
        let used = fs::metadata(build.join("recent.state")).unwrap().modified().unwrap();
        assert!(now.duration_since(used).map_or(true, |age| age < day / 2));
    }

    #[test]
    fn frames_come_back_in_order_up_to_one_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.memo");
        let read = |bytes: &[u8]| -> (Vec<String>, bool) {
            fs::write(&file, bytes).unwrap();
            read_frames(&file).unwrap()
        };
        let items: Vec<String> = (0..600).map(|i| format!("渲染{i}")).collect();
        let mut bytes = Vec::new();
        write_frames(&mut bytes, &items).unwrap();
        let first_frames = bytes.len();
        write_frames(&mut bytes, &["追加".to_string()]).unwrap();
        let (back, whole) = read(&bytes);
        assert!(whole);
        assert_eq!(back.len(), 601);
        assert_eq!(back[..600], items[..]);
        assert_eq!(back[600], "追加");
        // A kill while appending: the frames before it are all there.
        let (back, whole) = read(&bytes[..bytes.len() - 3]);
        assert_eq!(back, items);
        assert!(!whole, "the next save writes the file whole");
        // A damaged frame in the middle ends the reading there.
        let mut damaged = bytes[..first_frames].to_vec();
        damaged[4 + 300] = 0xff;
        let (back, whole) = read(&damaged);
        assert!(!whole);
        assert!(
            back.len() < 600 && back.len().is_multiple_of(MEMO_FRAME),
            "{}",
            back.len()
        );
        assert_eq!(read(b"\x05\x00"), (Vec::new(), false));
        assert_eq!(read(b"\x05\x00\x00\x00ab"), (Vec::new(), false));
        assert_eq!(read(b""), (Vec::new(), true));
        assert!(read_frames::<String>(&dir.path().join("missing.memo")).is_err());
    }
}
