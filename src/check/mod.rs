//! `tongxin check`: the publishing checks (发布前检查) that keep a site passing
//! government website inspections.
//!
//! Each rule family has its own module; [`crate::commands::check`] runs them in
//! this order over a site loaded exactly as `build` loads it:
//!
//! - [`source`]: every Markdown file as written — [`placeholders`], [`wording`],
//!   [`hygiene`] over the prose that [`prose`] extracts, [`encoding`], future
//!   dates, images without alt text, and the links each file contains
//! - [`links`]: those links, and every link of every rendered page, against the
//!   files a build would write; [`external`] links with `--external`
//! - [`freshness`], [`metadata`] (over the model) and [`identity`] (site.yaml)
//! - [`silence`]: what the site, a page or a line asked not to report
//! - [`report`]: the text and JSON reports
//!
//! docs/发布前检查.md documents every rule for users.

pub mod encoding;
pub mod external;
pub mod freshness;
pub mod hygiene;
pub mod identity;
pub mod links;
pub mod metadata;
pub mod placeholders;
pub mod prose;
pub mod report;
pub mod rules;
pub mod silence;
pub mod source;
pub mod wording;

use serde::Serialize;

pub use rules::{Level, Rule};

/// One problem `check` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule (its id in reports, e.g. `placeholder`).
    pub rule: Rule,
    pub level: Level,
    /// The file, relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line, when the problem is at a line.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// The offending text as written (may be empty).
    pub text: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// How to fix it, in Chinese.
    pub fix: String,
}

impl Finding {
    /// A finding of `rule` at its default level.
    pub fn new(rule: Rule, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            rule,
            level: rule.level(),
            file: file.into(),
            line: None,
            column: None,
            text: String::new(),
            message: message.into(),
            fix: String::new(),
        }
    }

    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    pub fn line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }
}

/// A problem found in a piece of text, before it is placed in a file: the byte
/// range in the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: Rule,
    pub level: Level,
    pub start: usize,
    pub end: usize,
    /// The text to show; the matched range when empty.
    pub text: String,
    pub message: String,
    pub fix: String,
}

impl Hit {
    pub fn new(rule: Rule, start: usize, end: usize, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Hit {
            rule,
            level: rule.level(),
            start,
            end,
            text: String::new(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// Runs every text rule over `text`.
pub fn text_hits(text: &str, wording: &wording::Wording, place: hygiene::Place, out: &mut Vec<Hit>) {
    // One automaton pass finds the wordings and tells whether placeholders
    // are possible at all.
    if wording.find(text, out) {
        placeholders::find_unfiltered(text, out);
    }
    hygiene::find(text, place, out);
}
