//! 写作台, the writing desk: pages inside `tongxin serve` (at `/_tongxin/`)
//! where a post is written in a form instead of a text editor, and saved as
//! the same Markdown file a person would write by hand.
//!
//! - [`form`]: the settings each column kind has, and reading them from a file;
//! - [`crate::content::edit`]: writing changed settings back, line by line;
//! - [`store`]: which paths may be written, atomic writes, the trash and
//!   unsaved text;
//! - [`guard`]: loopback only, same origin only, a token per session;
//! - this module and `overview`, `posts`, `files`: the HTTP API the desk's
//!   page (`assets/`) calls.
//!
//! The preview of unsaved text is rendered by the server's own engine, on
//! the thread that rebuilds the site (see [`Request`]): the same templates
//! and data the site has, with the post's text swapped in for a moment.

// Handlers and their helpers fail with the response to send; its size does
// not matter next to a disk read per request.
#![allow(clippy::result_large_err)]

mod files;
pub mod form;
pub mod guard;
mod overview;
mod posts;
pub mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::{Timestamp, Zoned};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::sync::{oneshot, watch};

use crate::check::report::CheckReport;
use crate::commands::serve::http::Status;
use crate::config::{self, Overrides, SiteConfig};
use crate::content::{self, CONTENT_DIR, SourceFile, edit};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::engine::Preview;
use crate::model::column::ColumnKind;
use guard::Guard;
use store::PostPath;

/// Where the desk is served.
pub const PREFIX: &str = "/_tongxin/";

/// What the desk asks of the engine, which lives on the rebuild thread.
pub enum Request {
    /// Render `text` as the post `rel` (below `content/`).
    Preview {
        rel: String,
        text: String,
        reply: oneshot::Sender<Preview>,
    },
    /// Where each published source is on the site: `rel` → site path.
    Urls {
        reply: oneshot::Sender<HashMap<String, String>>,
    },
    /// Every Markdown file as the engine last read it (drafts too): the
    /// overview without reading the whole site from disk again.
    Content { reply: oneshot::Sender<Vec<SourceFile>> },
    /// The desk wrote these files (below `content/`): the site is brought
    /// up to date at once, before anything the desk asks next, instead of
    /// when the watcher reports them.
    Changed { files: Vec<String>, rescan: bool },
}

impl Desk {
    /// Tells the engine what the desk just wrote.
    fn changed(&self, files: Vec<String>, rescan: bool) {
        let _ = self.inner.engine.send(Request::Changed { files, rescan });
    }
}

/// A `check` report and what the site was when it ran: (builds, desk writes).
type Checked = ((u64, u64), Arc<CheckReport>);

/// What the desk's handlers share.
#[derive(Clone)]
pub struct Desk {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    guard: Guard,
    status: watch::Receiver<Status>,
    engine: std::sync::mpsc::Sender<Request>,
    /// Fixed "now" for tests.
    now: Option<Timestamp>,
    /// The last `check` report, with the build count and desk writes it saw.
    checked: Mutex<Option<Checked>>,
    /// Counts the desk's own writes (a check made before one is stale).
    writes: std::sync::atomic::AtomicU64,
    /// One write at a time: the version check and the write belong together.
    writing: tokio::sync::Mutex<()>,
}

impl Desk {
    pub fn new(
        root: PathBuf,
        guard: Guard,
        status: watch::Receiver<Status>,
        engine: std::sync::mpsc::Sender<Request>,
        now: Option<Timestamp>,
    ) -> Desk {
        Desk {
            inner: Arc::new(Inner {
                root,
                guard,
                status,
                engine,
                now,
                checked: Mutex::new(None),
                writes: Default::default(),
                writing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    fn root(&self) -> &Path {
        &self.inner.root
    }

    fn now(&self, tz: &jiff::tz::TimeZone) -> Zoned {
        self.inner.now.unwrap_or_else(Timestamp::now).to_zoned(tz.clone())
    }
}

/// The desk's routes, to merge into the preview server's.
pub fn router(desk: Desk) -> Router {
    // Posts and their unsaved copies are at most 10 MB of text; uploads are
    // limited by `store::MAX_UPLOAD`.
    let text_limit = DefaultBodyLimit::max(12 * 1024 * 1024);
    Router::new()
        .route("/_tongxin", get(redirect))
        .route("/_tongxin/", get(index))
        .route("/_tongxin/index.html", get(index))
        .route("/_tongxin/{asset}", get(asset))
        .route("/_tongxin/api/site", get(overview::api_site))
        .route("/_tongxin/api/post", get(posts::api_post))
        .route("/_tongxin/api/check", get(posts::api_check))
        .route("/_tongxin/api/plan", post(posts::api_plan))
        .route("/_tongxin/api/save", post(posts::api_save).layer(text_limit))
        .route("/_tongxin/api/preview", post(posts::api_preview).layer(text_limit))
        .route(
            "/_tongxin/api/upload",
            post(files::api_upload).layer(DefaultBodyLimit::max(store::MAX_UPLOAD + 1)),
        )
        .route(
            "/_tongxin/api/import",
            post(files::api_import).layer(DefaultBodyLimit::max(store::MAX_UPLOAD + 1)),
        )
        .route("/_tongxin/api/delete", post(files::api_delete))
        .route("/_tongxin/api/trash", get(files::api_trash))
        .route("/_tongxin/api/restore", post(files::api_restore))
        .route(
            "/_tongxin/api/unsaved",
            get(files::api_unsaved_get)
                .put(files::api_unsaved_put)
                .delete(files::api_unsaved_delete)
                .layer(text_limit),
        )
        .with_state(desk)
}

/// The routes when the server is shared on the network: the desk is off,
/// and says why.
pub fn disabled() -> Router {
    async fn off() -> Response {
        let mut r = (
            StatusCode::FORBIDDEN,
            "写作台只在本机预览时开启：用 --bind 让其他电脑访问预览时，为了安全，写作台关闭。\
             去掉 --bind 重新运行 tongxin serve，再在本机浏览器里打开写作台。",
        )
            .into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        r
    }
    Router::new()
        .route("/_tongxin", get(off))
        .route("/_tongxin/", get(off))
        .route("/_tongxin/{*rest}", axum::routing::any(off))
}

// ---- responses -------------------------------------------------------------

pub(super) fn json_response(status: StatusCode, value: Value) -> Response {
    let mut r = (status, value.to_string()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub(super) fn ok(value: Value) -> Response {
    json_response(StatusCode::OK, value)
}

pub(super) fn fail(status: StatusCode, error: impl Into<String>, hint: impl Into<String>) -> Response {
    json_response(status, json!({"error": error.into(), "hint": hint.into()}))
}

pub(super) fn denied(d: guard::Denied) -> Response {
    fail(
        StatusCode::FORBIDDEN,
        d.message(),
        "在本机浏览器里打开 tongxin serve 显示的写作台地址",
    )
}

pub(super) fn bad_path(r: store::Refused) -> Response {
    fail(
        StatusCode::BAD_REQUEST,
        r.message(),
        "从写作台的文章列表打开文章，不要手工改地址",
    )
}

/// Runs blocking work (disk, checks) off the server's threads.
pub(super) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok()
}

pub(super) fn internal() -> Response {
    fail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "写作台内部出错，操作没有完成",
        "再试一次；如果一直出错，请重新启动 tongxin serve",
    )
}

pub(super) fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({"line": d.line, "message": d.message, "hint": d.hint, "error": d.is_error()})
}

// ---- what every API call passes ------------------------------------------

/// An API call that passed the [`guard`]: from this computer, this origin,
/// with the session's token. Every handler of `/_tongxin/api/` takes one (or
/// [`Body`]), so none can forget the check.
pub(super) struct Allowed;

impl axum::extract::FromRequestParts<Desk> for Allowed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, desk: &Desk) -> Result<Self, Response> {
        desk.inner.guard.api(&parts.headers).map(|()| Allowed).map_err(denied)
    }
}

/// The JSON body of an API call that passed the [`guard`].
pub(super) struct Body<T>(pub(super) T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<Desk> for Body<T> {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, desk: &Desk) -> Result<Self, Response> {
        desk.inner.guard.api(request.headers()).map_err(denied)?;
        let bytes = Bytes::from_request(request, desk).await.map_err(|_| {
            fail(
                StatusCode::PAYLOAD_TOO_LARGE,
                "发送的内容太大或不完整",
                "文章正文最多 10 MB；照片和附件请用上传按钮",
            )
        })?;
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|_| fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试"))
    }
}

// ---- pages -----------------------------------------------------------------

pub(super) async fn redirect() -> Response {
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    r.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(PREFIX));
    r
}

const INDEX_HTML: &str = include_str!("assets/index.html");
const DESK_CSS: &str = include_str!("assets/desk.css");
const DESK_JS: &str = include_str!("assets/desk.js");
const PASTE_JS: &str = include_str!("assets/paste.js");

pub(super) fn security_headers(r: &mut Response) {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    // The desk may be framed by nobody; it loads nothing from elsewhere.
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; \
             frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
}

pub(super) async fn index(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    if let Err(d) = desk.inner.guard.page(&headers) {
        return denied(d);
    }
    let html = INDEX_HTML.replace("{{TOKEN}}", desk.inner.guard.token());
    let mut r = html.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    security_headers(&mut r);
    r
}

pub(super) async fn asset(
    State(desk): State<Desk>,
    headers: HeaderMap,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    if let Err(d) = desk.inner.guard.page(&headers) {
        return denied(d);
    }
    let (body, kind) = match name.as_str() {
        "desk.css" => (DESK_CSS, "text/css; charset=utf-8"),
        "desk.js" => (DESK_JS, "text/javascript; charset=utf-8"),
        "paste.js" => (PASTE_JS, "text/javascript; charset=utf-8"),
        _ => return fail(StatusCode::NOT_FOUND, "写作台没有这个文件", "从写作台首页进入"),
    };
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    security_headers(&mut r);
    r
}
