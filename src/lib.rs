//! 同心 Tongxin: a static site generator for the publicity websites of CPPCC
//! committees (政协).
//!
//! The modules follow the data through a build:
//!
//! - [`config`]: `site.yaml`, validated
//! - [`content`]: walking `content/`, decoding files, front matter, Markdown
//! - [`model`]: columns, pages, URLs, order, tags and topics, pagination
//! - [`render`]: Tera templates, filters, the data each template sees
//! - [`output`]: staging and swapping the output folder, feeds, sitemap, static files
//! - [`engine`]: the one pipeline over those stages that every command runs,
//!   updating only what a change touched
//! - [`commands`]: what the `tongxin` binary runs
//! - [`check`](mod@check): the rules of `tongxin check` (发布前检查), run over a loaded site
//! - [`desk`]: 写作台, the writing desk inside `tongxin serve`
//! - [`deploy`]: sending a built site to a folder, an SFTP server or an S3 bucket
//! - [`import`]: a Word document (`.docx`) read as a post, for `tongxin import` and the desk
//!
//! [`diagnostics`], [`rules`], [`encoding`], [`yaml`], [`dates`], [`site_paths`] and
//! [`old_urls`] (old addresses to redirect) are shared by every stage; [`terminal`]
//! writes what the commands print in the encoding their reader expects, and
//! [`arguments`] puts the command line's help and mistakes into Chinese.

pub mod arguments;
pub mod check;
pub mod commands;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod desk;
pub mod diagnostics;
pub mod encoding;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod model;
pub mod old_urls;
pub mod output;
pub mod render;
pub mod rules;
pub mod site_paths;
pub mod terminal;
pub mod yaml;

pub use check::report::CheckReport;
pub use commands::build::{BuildFailure, BuildOptions, BuildReport, build};
pub use commands::check::{CheckOptions, check};
