//! Watching the site's sources for `tongxin serve`: `site.yaml`, `content/`,
//! `static/`, `templates/` and `themes/`. Events come in bursts (an editor's
//! save is often a write, a rename and a metadata change), so they are
//! gathered until the files have been quiet for a moment.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::session::Touched;
use crate::config;

/// How long the files must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(12);
/// A rebuild starts at the latest this long after the first event of a burst.
const LONGEST_WAIT: Duration = Duration::from_millis(300);

const WATCHED_DIRS: [&str; 4] = ["content", "static", "templates", "themes"];

/// What [`SourceWatcher::next`] saw.
pub enum Next {
    Changed(Touched),
    /// Nothing changed in the time given.
    Quiet,
    Stopped,
}

pub struct SourceWatcher {
    /// The site folder as the operating system names it in events: absolute,
    /// with links resolved. Events carry absolute paths, so a root given as
    /// `.` or `../site` would match none of them.
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watching: Vec<PathBuf>,
}

impl SourceWatcher {
    pub fn new(root: &Path) -> notify::Result<Self> {
        let root = event_root(root);
        let root = root.as_path();
        let (sender, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = sender.send(event);
        })?;
        // The root itself only for site.yaml and folders created later; the
        // rest of it (public/, target/…) is not the site's source.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut this = SourceWatcher {
            root: root.to_path_buf(),
            watcher,
            events,
            watching: Vec::new(),
        };
        this.watch_folders();
        Ok(this)
    }

    fn watch_folders(&mut self) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            if dir.is_dir()
                && !self.watching.contains(&dir)
                && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watching.push(dir);
            }
        }
    }

    /// Waits up to `timeout` for the next burst of changes and says what they
    /// touched.
    pub fn next(&mut self, timeout: Duration) -> Next {
        let deadline = Instant::now() + timeout;
        loop {
            let first = match self
                .events
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => return Next::Quiet,
                Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
            };
            let started = Instant::now();
            let mut touched = Touched::default();
            self.note(first, &mut touched);
            loop {
                let left = LONGEST_WAIT.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.events.recv_timeout(QUIET.min(left)) {
                    Ok(event) => self.note(event, &mut touched),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
                }
            }
            if touched.any() {
                return Next::Changed(touched);
            }
        }
    }

    fn note(&mut self, event: notify::Result<notify::Event>, touched: &mut Touched) {
        let Ok(event) = event else {
            // Events were lost (too many at once): look at everything.
            *touched = Touched::everything();
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            let Ok(rel) = path.strip_prefix(&self.root) else {
                continue;
            };
            let kind = classify(rel);
            if kind.any() && rel.components().count() == 1 {
                // A watched folder may have just been created.
                self.watch_folders();
            }
            touched.merge(kind);
        }
    }
}

/// The form of `root` that the watcher's events start with. Linux reports
/// paths below the folder as it was given to the watch, macOS with links
/// resolved (`/private/var/...` for `/var/...`); both are met by watching and
/// comparing the canonical, absolute path.
fn event_root(root: &Path) -> PathBuf {
    std::fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_path_buf())
}

/// What a changed path (below the site root) belongs to.
pub fn classify(rel: &Path) -> Touched {
    let mut touched = Touched::default();
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(last) = parts.last() else { return touched };
    // Editors' swap and backup files, and our own files being written.
    if last.starts_with('.') || last.ends_with('~') || last.ends_with(".swp") || last.ends_with(".tmp") {
        return touched;
    }
    match parts.first().map(String::as_str) {
        Some(config::FILE_NAME) if parts.len() == 1 => touched.config = true,
        Some(name) if parts.len() == 1 && crate::old_urls::TABLE_FILES.contains(&name) => touched.config = true,
        Some("content") => {
            touched.content = true;
            if parts.len() > 1 {
                touched.files.push(parts[1..].join("/"));
            } else {
                touched.rescan = true;
            }
        }
        Some("static") => touched.statics = true,
        Some("templates") => touched.templates = true,
        Some("themes") => match parts.get(2).map(String::as_str) {
            Some("static") => touched.statics = true,
            _ => touched.templates = true,
        },
        _ => {}
    }
    touched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_by_what_they_change() {
        let t = |p: &str| classify(Path::new(p));
        assert!(t("site.yaml").config);
        assert!(t("content/yaowen/a.md").content);
        assert_eq!(t("content/yaowen/a.md").files, ["yaowen/a.md"]);
        assert!(t("content/yaowen/a/照片.jpg").content);
        assert!(t("static/css/x.css").statics);
        assert!(t("themes/default/static/css/site.css").statics);
        assert!(t("themes/default/templates/base.html").templates);
        assert!(t("templates/article.html").templates);
        assert!(!t("public/index.html").any());
        assert!(!t("target/debug/x").any());
        assert!(!t("content/yaowen/.a.md.swp").any());
        assert!(!t("content/yaowen/a.md~").any());
    }

    /// A site named by a relative path (`tongxin serve` started in the site
    /// folder has the root `.`) still has its saves seen: events carry
    /// absolute paths.
    #[test]
    fn a_relative_root_sees_saves() {
        // Below the working folder (the crate root under `cargo test`), so
        // that the site can be named relatively.
        let base = std::path::PathBuf::from("target").join(format!("watch-test-{}", std::process::id()));
        let site = base.join("site");
        std::fs::create_dir_all(site.join("content/yaowen")).unwrap();
        std::fs::write(site.join("site.yaml"), "title: 测试\n").unwrap();
        let mut watcher = SourceWatcher::new(&site).unwrap();
        std::fs::write(site.join("content/yaowen/a.md"), "---\ntitle: 甲\n---\n").unwrap();
        let started = std::time::Instant::now();
        let seen = loop {
            match watcher.next(Duration::from_millis(200)) {
                Next::Changed(touched) => break touched,
                Next::Quiet if started.elapsed() < Duration::from_secs(10) => {}
                _ => panic!("the save was not seen"),
            }
        };
        // Created and written: the file may be named once per event.
        assert!(
            !seen.files.is_empty() && seen.files.iter().all(|f| f == "yaowen/a.md"),
            "{:?}",
            seen.files
        );
        drop(watcher);
        let _ = std::fs::remove_dir_all(&base);
    }
}
