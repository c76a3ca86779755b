//! Output: the build writes into a staging folder beside the output folder and
//! swaps it in only when everything succeeded, so a failed build never leaves a
//! half-written site, and the previous output survives any failure.

pub mod feeds;
pub mod images;
pub mod overlay;
pub mod plan;
pub mod redirects;
pub mod search;
pub mod sink;
pub mod sitemap;
pub mod standby;
pub mod static_files;
pub mod video;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, display_path};

/// Marks a folder as Tongxin's output, so that it may be replaced. A folder
/// without it that is not empty is never deleted: it may be someone's work.
pub const MARKER: &str = ".tongxin-output";
/// What the marker file says to whoever opens it.
pub const MARKER_TEXT: &str = "这个文件夹由同心（tongxin build）生成，每次生成时会整体替换。\n";

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// The output being replaced, when it is Tongxin's: a file whose bytes
    /// are the same as its file's is that very file again (see
    /// [`Staging::previous_like`]).
    previous: Option<PathBuf>,
}

/// An output being brought up to date from the last build's, without
/// touching it until [`NextOutput::commit`]: a standby folder
/// ([`standby::Standby`]) or, where folders cannot be exchanged in one step,
/// a new folder laid over the output ([`overlay::Overlay`]).
pub trait NextOutput: sink::Sink + Sized {
    /// Files of the output changed or removed by someone else: the build
    /// writes them again.
    fn untrusted(&self) -> &[String];

    /// The site paths below `prefix` that the new output holds so far.
    fn paths_below(&self, prefix: &str) -> Vec<String>;

    /// How many files of the new output differ from the output's.
    fn changes(&self) -> usize;

    /// Puts the new output in place of the output. Returns what the folders
    /// hold now, to keep, and the old output's folder if it could not be
    /// deleted. On an error the output is as it was.
    fn commit(self) -> io::Result<(standby::Folders, Option<PathBuf>)>;

    /// Throws the new output away; the output is as it was.
    fn abandon(self);

    /// Removes the files below `folder` that are not in `keep` (what a whole
    /// part of the site, such as the search index, now holds).
    fn remove_others(&self, folder: &str, keep: &[String]) {
        let keep: std::collections::HashSet<&str> = keep.iter().map(String::as_str).collect();
        let prefix = format!("{}/", folder.trim_end_matches('/'));
        for path in self.paths_below(&prefix) {
            if !keep.contains(path.as_str()) {
                self.remove(&path);
            }
        }
    }
}

/// The folder an output really is: an output that is a link (say, into the
/// web server's folder) stays a link, and the folder it points to is what
/// gets replaced.
pub fn resolved(target: &Path) -> PathBuf {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf()),
        _ => target.to_path_buf(),
    }
}

impl Staging {
    /// Prepares an empty staging folder for `target`.
    pub fn create(target: &Path) -> io::Result<Staging> {
        if fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
            // A dangling link: say so rather than write beside it.
            fs::canonicalize(target)?;
        }
        let target = &resolved(target);
        let name = target_name(target);
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
        remove_leftover_copies(parent, &name);
        let previous = target.join(MARKER).is_file().then(|| target.to_path_buf());
        let staging = Staging {
            target: target.to_path_buf(),
            dir,
            previous,
        };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Writes straight into `dir`, with no swap: for `tongxin serve`, whose
    /// folder is its own and is updated file by file. Never commit or abandon it.
    pub fn in_place(dir: &Path) -> Staging {
        Staging {
            target: dir.to_path_buf(),
            dir: dir.to_path_buf(),
            previous: None,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_or_take_over(site_path, bytes).map(drop)
    }

    /// Writes a file, or takes over the previous output's when its bytes are
    /// the same: `true` when it was taken over.
    fn write_or_take_over(&self, site_path: &str, bytes: &[u8]) -> io::Result<bool> {
        let file = self.dir.join(site_path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        // Taking over the previous file unlinks what is at `file` itself.
        let same = |old: &Path| fs::read(old).is_ok_and(|b| b == bytes);
        if let Some(old) = self.previous_like(site_path, bytes.len() as u64, same)
            && sink::link_or_copy(&old, &file).is_ok()
        {
            return Ok(true);
        }
        self.clear(&file);
        fs::write(file, bytes).map(|()| false)
    }

    /// The previous output's file for `site_path`, when it has `len` bytes
    /// and `same` finds them the bytes of the new file. Such a file is put in
    /// the new output as it is ([`sink::link_or_copy`]): a build from nothing
    /// (the first, and `--clean`) changes the time of only the files whose
    /// bytes changed, and upload tools that go by time (FTP clients, rsync)
    /// send only those.
    fn previous_like(&self, site_path: &str, len: u64, same: impl FnOnce(&Path) -> bool) -> Option<PathBuf> {
        let old = self.previous.as_ref()?.join(site_path);
        let meta = fs::symlink_metadata(&old).ok()?;
        (meta.is_file() && meta.len() == len && same(&old)).then_some(old)
    }

    /// Removes what a path written before in this build left at `file`: it
    /// may be the previous output's very file, taken over, which must never be
    /// written through (a failed build leaves the previous output untouched).
    fn clear(&self, file: &Path) {
        if self.previous.is_some() {
            let _ = fs::remove_file(file);
        }
    }

    /// Copies a file into the staging folder, or takes over the previous
    /// output's copy when the bytes are the same (compared a piece at a time:
    /// a video may be large).
    /// `true` when the previous output's copy was taken over.
    fn copy_in(&self, src: &Path, site_path: &str) -> io::Result<bool> {
        let file = self.dir.join(site_path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        let len = fs::metadata(src)?.len();
        if let Some(old) = self.previous_like(site_path, len, |old| same_contents(src, old))
            && sink::link_or_copy(&old, &file).is_ok()
        {
            return Ok(true);
        }
        self.clear(&file);
        fs::copy(src, file).map(|_| false)
    }

    /// A write failure, naming the file where it will be in the output folder
    /// (not in the hidden staging folder the user never sees).
    pub fn write_error(&self, file: &Path, e: &io::Error) -> Diagnostic {
        let inside = file.strip_prefix(&self.dir).unwrap_or(file);
        Diagnostic::io(display_path(&self.target.join(inside)), "无法写入输出文件", e)
            .hint("检查磁盘空间和输出文件夹的写入权限")
    }

    /// Puts the new output in place of the old one. An error means the old
    /// output is still in place. Once swapped, the previous output is deleted;
    /// if that fails, its folder is returned so the user can be told about it.
    ///
    /// Where the system allows, the two folders are exchanged in one step, so
    /// a build killed at any moment leaves the old output or the new one in
    /// place, never neither and never a mix.
    pub fn commit(self) -> io::Result<Option<PathBuf>> {
        // A per-process name: a leftover copy that could not be deleted before
        // never blocks this swap.
        let old = self.dir.with_file_name(format!(
            ".{}.tongxin-old-{}",
            target_name(&self.target),
            std::process::id()
        ));
        if self.target.exists() && exchange(&self.dir, &self.target)? {
            // The previous output now sits under the staging name. Under the
            // old-copy name, a file that cannot be deleted yet is retried
            // quietly by later builds instead of blocking their staging folder.
            let old = if fs::rename(&self.dir, &old).is_ok() {
                old
            } else {
                self.dir
            };
            return Ok(remove_tree(&old).is_err().then_some(old));
        }
        let had_output = self.target.exists();
        if had_output {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            // Put the previous output back rather than leave nothing.
            if had_output {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        Ok((had_output && remove_tree(&old).is_err()).then_some(old))
    }

    /// Throws the staging folder away; the previous output is untouched.
    /// (Also when dropped without a commit.)
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl sink::Sink for Staging {
    fn dir(&self) -> &Path {
        &self.dir
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, path, bytes)
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        self.copy_in(src, path).map(drop)
    }

    fn place(&self, from: &Path, path: &str) -> io::Result<()> {
        // A link to the cached copy keeps its time from build to build; where
        // links are not possible, the copy is compared with the previous one.
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        let _ = fs::remove_file(&file);
        if fs::hard_link(from, &file).is_ok() {
            return Ok(());
        }
        self.copy_in(from, path).map(drop)
    }

    fn remove(&self, path: &str) {
        sink::remove_below(&self.dir, path);
    }

    fn write_error(&self, path: &str, e: &io::Error) -> Diagnostic {
        Staging::write_error(self, &self.dir.join(path), e)
    }

    fn discarded_on_failure(&self) -> bool {
        true
    }
}

/// Whether two files hold the same bytes, read a piece at a time.
fn same_contents(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(mut a), Ok(mut b)) = (File::open(a), File::open(b)) else {
        return false;
    };
    let (mut x, mut y) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let Ok(n) = a.read(&mut x) else { return false };
        if n == 0 {
            return b.read(&mut y).is_ok_and(|m| m == 0);
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

/// Exchanges two folders in one atomic step; an error where the system or
/// the file system cannot (see [`standby`], which needs it).
pub fn exchange_folders(a: &Path, b: &Path) -> io::Result<()> {
    if exchange(a, b)? {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "exchange of folders not supported",
        ))
    }
}

/// Whether folders beside `target` can be exchanged in one step. Tried on
/// two empty folders: besides the system, the file system must allow it, and
/// a shared folder mounted over the network may not.
pub fn can_exchange_beside(target: &Path) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let output_name = target_name(target);
    remove_tries(parent, &output_name);
    let name = format!(".{output_name}.tongxin-try-{}", std::process::id());
    let (a, b) = (parent.join(format!("{name}-a")), parent.join(format!("{name}-b")));
    let works = fs::create_dir(&a).is_ok() && fs::create_dir(&b).is_ok() && exchange(&a, &b).unwrap_or(false);
    let _ = fs::remove_dir(&a);
    let _ = fs::remove_dir(&b);
    works
}

/// Exchanges two folders atomically. `Ok(false)` when this system or file
/// system cannot, and the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

fn target_name(target: &Path) -> String {
    target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
}

/// The empty folders of [`can_exchange_beside`] left by a build stopped while
/// it tried them; `remove_dir` leaves anything that is not empty alone.
fn remove_tries(parent: &Path, name: &str) {
    let tried = format!(".{name}.tongxin-try");
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().starts_with(&tried) {
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// Old copies of the output that an earlier build could not delete (a file was
/// open in another program at the time); retried quietly on every build. If
/// the output itself is missing, a build was stopped between the two renames
/// of the fallback swap: its old copy is the last output, and is put back.
fn remove_leftover_copies(parent: &Path, name: &str) {
    remove_tries(parent, name);
    let prefix = format!(".{name}.tongxin-old");
    let Ok(entries) = fs::read_dir(parent) else { return };
    let mut restored = parent.join(name).exists();
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            if !restored && fs::rename(entry.path(), parent.join(name)).is_ok() {
                restored = true;
                continue;
            }
            let _ = remove_tree(&entry.path());
        }
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
pub(crate) fn remove_tree(dir: &Path) -> io::Result<()> {
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

/// A 64-bit hash of bytes, for files whose every byte is compared.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A staging folder for `target` whose files go to `dir` (which may be on
    /// another file system, where links are not possible).
    fn staging_into(target: &Path, dir: &Path) -> Staging {
        Staging {
            target: target.to_path_buf(),
            dir: dir.to_path_buf(),
            previous: Some(target.to_path_buf()),
        }
    }

    #[test]
    fn files_with_the_same_bytes_are_the_previous_files_again() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(target.join("a")).unwrap();
        fs::write(target.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(target.join("a/same.html"), "没变").unwrap();
        fs::write(target.join("a/changed.html"), "旧的").unwrap();
        let time = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        for name in ["a/same.html", "a/changed.html"] {
            File::options()
                .write(true)
                .open(target.join(name))
                .unwrap()
                .set_modified(time)
                .unwrap();
        }
        // Into a folder beside it (links), and into one on the memory file
        // system where there is one (another file system: copies).
        let shm = Path::new("/dev/shm");
        let elsewhere = shm.is_dir().then(|| tempfile::tempdir_in(shm).unwrap());
        let mut places = vec![dir.path().join("beside")];
        places.extend(elsewhere.as_ref().map(|d| d.path().join("new")));
        for place in places {
            let staging = staging_into(&target, &place);
            staging.write("a/same.html", "没变".as_bytes()).unwrap();
            staging.write("a/changed.html", "新的".as_bytes()).unwrap();
            staging.write("a/added.html", "没变".as_bytes()).unwrap();
            let modified = |name: &str| fs::metadata(place.join(name)).unwrap().modified().unwrap();
            assert_eq!(fs::read_to_string(place.join("a/same.html")).unwrap(), "没变");
            assert_eq!(modified("a/same.html"), time, "{}", place.display());
            assert_eq!(fs::read_to_string(place.join("a/changed.html")).unwrap(), "新的");
            assert_ne!(modified("a/changed.html"), time);
            assert_ne!(modified("a/added.html"), time);
            // A path written again in the same build (a theme's file, then
            // the site's own of the same name): the previous output's file,
            // taken over the first time, is left as it was.
            staging.write("a/same.html", "第二次写的".as_bytes()).unwrap();
            sink::Sink::copy(&staging, &target.join("a/changed.html"), "a/same.html").unwrap();
            assert_eq!(fs::read_to_string(place.join("a/same.html")).unwrap(), "旧的");
            assert_eq!(fs::read_to_string(target.join("a/same.html")).unwrap(), "没变");
            staging.write("a/same.html", "没变".as_bytes()).unwrap();
            assert_eq!(fs::read_to_string(target.join("a/same.html")).unwrap(), "没变");
            assert_eq!(modified("a/same.html"), time);
        }
    }

    #[test]
    fn copied_files_are_compared_a_piece_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut other = big.clone();
        other[150_000] ^= 1;
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            fs::write(&path, bytes).unwrap();
            path
        };
        let (a, b, c, d) = (
            file("a", &big),
            file("b", &big),
            file("c", &other),
            file("d", &big[..100]),
        );
        assert!(same_contents(&a, &b));
        assert!(!same_contents(&a, &c));
        assert!(!same_contents(&a, &d) && !same_contents(&d, &a));
        assert!(!same_contents(&a, &dir.path().join("missing")));

        // A static file copied again keeps the previous output's time.
        let target = dir.path().join("public");
        fs::create_dir_all(target.join("video")).unwrap();
        fs::copy(&a, target.join("video/big.bin")).unwrap();
        let time = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
        File::options()
            .write(true)
            .open(target.join("video/big.bin"))
            .unwrap()
            .set_modified(time)
            .unwrap();
        let staging = staging_into(&target, &dir.path().join("new"));
        sink::Sink::copy(&staging, &b, "video/big.bin").unwrap();
        sink::Sink::copy(&staging, &c, "video/other.bin").unwrap();
        let modified = |name: &str| {
            fs::metadata(dir.path().join("new").join(name))
                .unwrap()
                .modified()
                .unwrap()
        };
        assert_eq!(modified("video/big.bin"), time);
        assert_ne!(modified("video/other.bin"), time);
        assert_eq!(fs::read(dir.path().join("new/video/other.bin")).unwrap(), other);
    }

    #[test]
    fn folders_beside_an_output_can_be_exchanged_here() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        // Left by a build killed while it tried (another process's id).
        fs::create_dir(dir.path().join(".public.tongxin-try-4242-b")).unwrap();
        assert_eq!(can_exchange_beside(&target), cfg!(target_os = "linux"));
        // The two folders tried are gone, and so are the ones left before.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_swaps_in_the_new_output_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "旧").unwrap();
        // A copy an earlier build could not delete.
        let leftover = dir.path().join(".public.tongxin-old-1");
        fs::create_dir_all(&leftover).unwrap();

        let staging = Staging::create(&target).unwrap();
        assert!(!leftover.exists(), "leftover copies are removed");
        staging.write("new.html", "新".as_bytes()).unwrap();
        assert_eq!(staging.commit().unwrap(), None);

        assert!(target.join("new.html").exists());
        assert!(!target.join("old.html").exists());
        assert!(target.join(MARKER).exists());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn an_output_left_aside_by_a_killed_build_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        // Killed between "public → old copy" and "new → public".
        let aside = dir.path().join(".public.tongxin-old-77");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join("old.html"), "旧").unwrap();
        let staging = Staging::create(&target).unwrap();
        assert!(target.join("old.html").exists(), "the last output is back");
        assert!(!aside.exists());
        staging.abandon();
        assert!(target.join("old.html").exists());
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("www/site");
        fs::create_dir_all(&real).unwrap();
        fs::write(real.join("old.html"), "旧").unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let staging = Staging::create(&link).unwrap();
        staging.write("new.html", "新".as_bytes()).unwrap();
        assert_eq!(staging.commit().unwrap(), None);
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(real.join("new.html").exists() && !real.join("old.html").exists());
        assert_eq!(
            fs::read_dir(dir.path().join("www")).unwrap().count(),
            1,
            "nothing left beside it"
        );
    }

    #[test]
    fn abandon_leaves_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "旧").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("new.html", "新".as_bytes()).unwrap();
        staging.abandon();
        assert!(target.join("old.html").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
