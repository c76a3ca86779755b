//! The site `tongxin serve` keeps up to date: the [`Engine`] writing into the
//! preview folder, and the search index made beside it (see [`super::search`]).
//! The preview folder is its own and is updated file by file; its links point
//! at the local server and it may hold drafts, so it is never `public/`.

use std::path::PathBuf;

use jiff::Timestamp;

use super::search::{SearchDone, SearchWorker};
use crate::engine::{Engine, EngineOptions};
use crate::output::sink::InPlace;

pub use crate::engine::{Outcome, Report, Touched};

/// What the server was started with.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub root: PathBuf,
    /// Where the served site is written (a temporary folder, never `public/`).
    pub output: PathBuf,
    /// The local server's address, e.g. `http://127.0.0.1:1111/`.
    pub base_url: String,
    pub drafts: bool,
    /// Fixed "now" for tests; the clock otherwise.
    pub now: Option<Timestamp>,
}

pub struct Session {
    engine: Engine,
    sink: InPlace,
    /// Counts the updates that changed the site; the search index is up to
    /// date when it was made from the latest.
    generation: u64,
    indexed: Option<u64>,
    search: SearchWorker,
}

impl Session {
    pub fn new(options: SessionOptions) -> Self {
        Session {
            engine: Engine::new(EngineOptions {
                root: options.root.clone(),
                base_url: Some(options.base_url.clone()),
                drafts: options.drafts,
                now: options.now,
            }),
            sink: InPlace::new(&options.output, "预览文件夹"),
            generation: 0,
            indexed: None,
            search: SearchWorker::new(options.output.clone()),
        }
    }

    /// Brings the preview folder up to date after changes of the `touched` kinds.
    pub fn rebuild(&mut self, touched: Touched) -> Outcome {
        // Indexing for search would take the cores this update needs.
        self.search.cancel();
        let first = self.engine.site().is_none();
        let outcome = self.engine.update(touched, &self.sink);
        if let Outcome::Built(report) = &outcome
            && (first || !report.changed.is_empty())
        {
            self.generation += 1;
        }
        outcome
    }

    /// When the site next changes by the clock alone (see [`Engine::next_due`]).
    pub fn next_due(&self) -> Option<Timestamp> {
        self.engine.next_due()
    }

    /// Whether `due` has come, by the engine's clock.
    pub fn has_come(&self, due: Timestamp) -> bool {
        self.engine.now() >= due
    }

    /// Whether the search index lags behind the pages.
    pub fn search_stale(&self) -> bool {
        self.engine.site().is_some() && self.indexed != Some(self.generation)
    }

    /// Whether the search index is being made.
    pub fn search_running(&self) -> bool {
        self.search.is_running()
    }

    /// Starts bringing the search index up to date on a thread of its own
    /// (see [`super::search`]); the server calls it once the edits have paused.
    pub fn start_search(&mut self) {
        if std::env::var_os("TONGXIN_NO_SEARCH").is_some_and(|v| v == "1") {
            self.indexed = Some(self.generation);
            return;
        }
        if let Some(corpus) = self.engine.search_corpus() {
            self.search.start(corpus, self.generation);
        }
    }

    /// The result of a search run that has ended since the last call.
    pub fn search_finished(&mut self) -> Option<SearchDone> {
        let done = self.search.finished()?;
        self.note_search(&done);
        Some(done)
    }

    /// Writes the search index of the current site and waits for it. Returns
    /// the files written or removed.
    pub fn write_search(&mut self) -> Vec<String> {
        self.start_search();
        match self.search.wait() {
            Some(done) => {
                self.note_search(&done);
                done.changed
            }
            None => Vec::new(),
        }
    }

    fn note_search(&mut self, done: &SearchDone) {
        if done.complete {
            self.indexed = Some(done.generation);
        }
    }

    /// Answers a request of the writing desk (see [`crate::desk::Request`]).
    pub fn answer(&mut self, request: crate::desk::Request) {
        match request {
            crate::desk::Request::Preview { rel, text, reply } => {
                let _ = reply.send(self.engine.preview(&rel, text));
            }
            crate::desk::Request::Content { reply } => {
                let _ = reply.send(self.engine.content().files);
            }
            crate::desk::Request::Changed { files, rescan } => {
                // The server's loop handles this itself, to report the
                // outcome to the open pages; a session on its own just updates.
                self.rebuild(Touched {
                    content: true,
                    files,
                    rescan,
                    ..Touched::default()
                });
            }
            crate::desk::Request::Urls { reply } => {
                let urls = self
                    .engine
                    .site()
                    .map(|site| site.pages.iter().map(|p| (p.rel.clone(), p.path.clone())).collect())
                    .unwrap_or_default();
                let _ = reply.send(urls);
            }
        }
    }
}
