//! The search index of the served site, made on a thread of its own so that
//! no page update ever waits for it.
//!
//! Making the index takes seconds on a large site. It works on a snapshot of
//! the site ([`Corpus`], which shares the pages' text instead of copying it)
//! and in a thread pool of its own, so the rebuild thread and its work on the
//! global pool go on untouched. A new edit cancels it: it stops within one
//! document, and starts again from the newer site once the edits pause.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::output::search::{self, Corpus};

use crate::output::hash_bytes;
use crate::output::sink::{InPlace, Sink};

/// What one finished run did.
#[derive(Debug)]
pub struct SearchDone {
    /// The site generation the run indexed (see [`super::session::Session`]).
    pub generation: u64,
    /// Every file was written (not cancelled part way).
    pub complete: bool,
    /// Files written or removed.
    pub changed: Vec<String>,
}

struct Running {
    handle: JoinHandle<SearchDone>,
    cancel: Arc<AtomicBool>,
}

/// Writes the search index into the served folder, one run at a time.
pub struct SearchWorker {
    output: PathBuf,
    /// Every index file on disk: path → hash of its bytes.
    written: Arc<Mutex<HashMap<String, u64>>>,
    pool: Option<Arc<rayon::ThreadPool>>,
    running: Option<Running>,
}

impl SearchWorker {
    pub fn new(output: PathBuf) -> Self {
        // Every core: a rebuild cancels the run before it starts its own
        // work, and the run stops within a document. Its own pool, so that the
        // rebuild's parallel work never queues behind the index's.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("tongxin-search-{i}"))
            .build()
            .ok()
            .map(Arc::new);
        SearchWorker {
            output,
            written: Arc::new(Mutex::new(HashMap::new())),
            pool,
            running: None,
        }
    }

    /// Starts indexing `corpus` (of site generation `generation`), after
    /// stopping a run still going.
    pub fn start(&mut self, corpus: Corpus, generation: u64) {
        self.cancel();
        let _ = self.wait();
        let cancel = Arc::new(AtomicBool::new(false));
        let output = InPlace::new(&self.output, "预览文件夹");
        let written = self.written.clone();
        let pool = self.pool.clone();
        let flag = cancel.clone();
        let run = move || index(&corpus, &output, &written, &flag, generation);
        let handle = std::thread::Builder::new()
            .name("tongxin-search".into())
            .spawn(move || match pool {
                Some(pool) => pool.install(run),
                None => run(),
            });
        match handle {
            Ok(handle) => self.running = Some(Running { handle, cancel }),
            // No thread to be had: the index stays as it was; the next pause tries again.
            Err(_) => self.running = None,
        }
    }

    /// Asks a running index to stop; it does within a document or a shard.
    pub fn cancel(&self) {
        if let Some(running) = &self.running {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The result of a run that has ended, without waiting for one that has not.
    pub fn finished(&mut self) -> Option<SearchDone> {
        if self.running.as_ref().is_some_and(|r| r.handle.is_finished()) {
            return self.wait();
        }
        None
    }

    /// Waits for the running index, if any.
    pub fn wait(&mut self) -> Option<SearchDone> {
        let running = self.running.take()?;
        running.handle.join().ok()
    }
}

impl Drop for SearchWorker {
    /// The served folder is removed when serving stops: nothing may still be
    /// writing into it.
    fn drop(&mut self) {
        self.cancel();
        let _ = self.wait();
    }
}

/// One run: each file is written when its bytes differ from what is on disk.
/// Files of an earlier index that this one no longer has are removed, but only
/// by a complete run.
fn index(
    corpus: &Corpus,
    output: &InPlace,
    written: &Mutex<HashMap<String, u64>>,
    cancel: &AtomicBool,
    generation: u64,
) -> SearchDone {
    // (path, hash of the bytes, written now, on disk as they are).
    let emitted: Mutex<Vec<(String, u64, bool, bool)>> = Mutex::new(Vec::new());
    let emit = |path: String, bytes: Vec<u8>| {
        let hash = hash_bytes(&bytes);
        let same = written.lock().map(|w| w.get(&path) == Some(&hash)).unwrap_or(false);
        let wrote = !same && output.write(&path, &bytes).is_ok();
        if let Ok(mut list) = emitted.lock() {
            list.push((path, hash, wrote, same || wrote));
        }
    };
    let complete = search::index_files(corpus, &emit, cancel);
    let emitted = emitted.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut changed = Vec::new();
    let mut written = written.lock().unwrap_or_else(|e| e.into_inner());
    if complete {
        let now: std::collections::HashSet<&str> = emitted.iter().map(|(p, ..)| p.as_str()).collect();
        let gone: Vec<String> = written.keys().filter(|p| !now.contains(p.as_str())).cloned().collect();
        for path in gone {
            output.remove(&path);
            written.remove(&path);
            changed.push(path);
        }
    }
    for (path, hash, wrote, on_disk) in emitted {
        if wrote {
            changed.push(path.clone());
        }
        if on_disk {
            written.insert(path, hash);
        } else {
            // Not written (a full disk?): the next run writes it again.
            written.remove(&path);
        }
    }
    SearchDone {
        generation,
        complete,
        changed,
    }
}
