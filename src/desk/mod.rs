//! 写作台, the writing desk: pages inside `tongxin serve` (at `/_tongxin/`)
//! where a post is written in a form instead of a text editor, and saved as
//! the same Markdown file a person would write by hand.
//!
//! - [`form`]: the settings each column kind has, and reading them from a file;
//! - [`crate::content::edit`]: writing changed settings back, line by line;
//! - [`store`]: which paths may be written, atomic writes, the trash and
//!   unsaved text;
//! - [`guard`]: loopback only, same origin only, a token per session;
//! - this module: the HTTP API the desk's page (`assets/`) calls.
//!
//! The preview of unsaved text is rendered by the server's own engine, on
//! the thread that rebuilds the site (see [`Request`]): the same templates
//! and data the site has, with the post's text swapped in for a moment.

// Handlers and their helpers fail with the response to send; its size does
// not matter next to a disk read per request.
#![allow(clippy::result_large_err)]

pub mod form;
pub mod guard;
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
        .route("/_tongxin/api/site", get(api_site))
        .route("/_tongxin/api/post", get(api_post))
        .route("/_tongxin/api/check", get(api_check))
        .route("/_tongxin/api/plan", post(api_plan))
        .route("/_tongxin/api/save", post(api_save).layer(text_limit))
        .route("/_tongxin/api/preview", post(api_preview).layer(text_limit))
        .route(
            "/_tongxin/api/upload",
            post(api_upload).layer(DefaultBodyLimit::max(store::MAX_UPLOAD + 1)),
        )
        .route("/_tongxin/api/delete", post(api_delete))
        .route("/_tongxin/api/trash", get(api_trash))
        .route("/_tongxin/api/restore", post(api_restore))
        .route(
            "/_tongxin/api/unsaved",
            get(api_unsaved_get)
                .put(api_unsaved_put)
                .delete(api_unsaved_delete)
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

fn json_response(status: StatusCode, value: Value) -> Response {
    let mut r = (status, value.to_string()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn ok(value: Value) -> Response {
    json_response(StatusCode::OK, value)
}

fn fail(status: StatusCode, error: impl Into<String>, hint: impl Into<String>) -> Response {
    json_response(status, json!({"error": error.into(), "hint": hint.into()}))
}

fn denied(d: guard::Denied) -> Response {
    fail(
        StatusCode::FORBIDDEN,
        d.message(),
        "在本机浏览器里打开 tongxin serve 显示的写作台地址",
    )
}

fn bad_path(r: store::Refused) -> Response {
    fail(
        StatusCode::BAD_REQUEST,
        r.message(),
        "从写作台的文章列表打开文章，不要手工改地址",
    )
}

/// Runs blocking work (disk, checks) off the server's threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok()
}

fn internal() -> Response {
    fail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "写作台内部出错，操作没有完成",
        "再试一次；如果一直出错，请重新启动 tongxin serve",
    )
}

fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({"line": d.line, "message": d.message, "hint": d.hint, "error": d.is_error()})
}

// ---- pages -----------------------------------------------------------------

async fn redirect() -> Response {
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    r.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(PREFIX));
    r
}

const INDEX_HTML: &str = include_str!("assets/index.html");
const DESK_CSS: &str = include_str!("assets/desk.css");
const DESK_JS: &str = include_str!("assets/desk.js");
const PASTE_JS: &str = include_str!("assets/paste.js");

fn security_headers(r: &mut Response) {
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

async fn index(State(desk): State<Desk>, headers: HeaderMap) -> Response {
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

async fn asset(
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

// ---- the site as the desk sees it -----------------------------------------

/// A column (or a book of a `series` column) posts can be written in.
struct Column {
    /// Below `content/`: `yaowen`, or `wenshi/book`.
    folder: String,
    title: String,
    kind: ColumnKind,
}

/// Everything read from disk for one request.
struct Loaded {
    config: SiteConfig,
    files: Vec<SourceFile>,
    columns: Vec<Column>,
}

/// Reads site.yaml and the columns; with `posts`, every post too (only the
/// overview needs them: a 10,000-post site takes a while to read).
fn load(root: &Path, posts: bool) -> Result<Loaded, Response> {
    let diagnostics = Diagnostics::new();
    let Some(config) = config::load(root, &Overrides::default(), &diagnostics) else {
        let first = diagnostics.into_sorted().into_iter().next();
        return Err(fail(
            StatusCode::CONFLICT,
            first.as_ref().map_or("site.yaml 有错误".to_string(), |d| d.to_string()),
            "先按提示改好 site.yaml，再刷新写作台",
        ));
    };
    let files = if posts {
        content::load(root, &config.tz, &Diagnostics::new()).files
    } else {
        content::list(root, &Diagnostics::new())
            .map(|listing| listing.markdown)
            .unwrap_or_default()
            .into_iter()
            .filter(|rel| rel == "_index.md" || rel.ends_with("/_index.md"))
            .filter_map(|rel| content::read_file(root, rel, &config.tz).0)
            .collect()
    };
    let columns = columns(&files);
    Ok(Loaded { config, files, columns })
}

fn columns(files: &[SourceFile]) -> Vec<Column> {
    let kind_of = |f: &SourceFile| f.meta.kind.as_deref().and_then(ColumnKind::parse);
    let mut top: Vec<Column> = files
        .iter()
        .filter(|f| f.is_index() && !f.folder().is_empty() && !f.folder().contains('/'))
        .filter_map(|f| {
            Some(Column {
                folder: f.folder().to_string(),
                title: f.meta.title.clone().unwrap_or_else(|| f.folder().to_string()),
                kind: kind_of(f)?,
            })
        })
        .collect();
    top.sort_by(|a, b| a.folder.cmp(&b.folder));
    let mut out = Vec::new();
    for column in top {
        if column.kind == ColumnKind::Series {
            // Chapters are written in books; a book is made with `tongxin new`.
            let mut books: Vec<Column> = files
                .iter()
                .filter(|f| f.is_index() && f.folder().rsplit_once('/').is_some_and(|(dir, _)| dir == column.folder))
                .map(|f| Column {
                    folder: f.folder().to_string(),
                    title: format!(
                        "{} › {}",
                        column.title,
                        f.meta.title.clone().unwrap_or_else(|| f.folder().to_string())
                    ),
                    kind: ColumnKind::Series,
                })
                .collect();
            books.sort_by(|a, b| a.folder.cmp(&b.folder));
            out.extend(books);
        } else {
            out.push(column);
        }
    }
    out
}

fn post_title(file: &SourceFile) -> String {
    file.meta
        .title
        .clone()
        .or_else(|| file.meta.extra.get("name").and_then(crate::yaml::read::string))
        .unwrap_or_else(|| file.stem().to_string())
}

/// Where each published post is on the preview site, from the engine.
async fn urls(desk: &Desk) -> HashMap<String, String> {
    let (reply, answer) = oneshot::channel();
    if desk.inner.engine.send(Request::Urls { reply }).is_err() {
        return HashMap::new();
    }
    tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
}

fn url_of(urls: &HashMap<String, String>, rel: &str) -> Value {
    urls.get(rel).map_or(Value::Null, |p| json!(format!("/{p}")))
}

/// The findings of `tongxin check`, made again when the site changed.
async fn findings(desk: &Desk) -> Option<Arc<CheckReport>> {
    let seen = (
        desk.inner.status.borrow().builds,
        desk.inner.writes.load(std::sync::atomic::Ordering::SeqCst),
    );
    if let Ok(cache) = desk.inner.checked.lock()
        && let Some((at, report)) = cache.as_ref()
        && *at == seen
    {
        return Some(report.clone());
    }
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let report = blocking(move || {
        let mut options = crate::commands::check::CheckOptions::new(root);
        if let Some(now) = now {
            options.now = Some(now.to_zoned(jiff::tz::TimeZone::UTC).datetime());
        }
        crate::commands::check::check(&options)
    })
    .await?;
    let report = Arc::new(report);
    if let Ok(mut cache) = desk.inner.checked.lock() {
        *cache = Some((seen, report.clone()));
    }
    Some(report)
}

fn findings_of(report: &CheckReport, shown: &str, settings: &HashMap<usize, &'static str>) -> Vec<Value> {
    report
        .findings
        .iter()
        .filter(|f| f.file == shown)
        .map(|f| {
            json!({
                "line": f.line,
                "field": f.line.and_then(|l| settings.get(&l)),
                "level": f.level,
                "level_label": f.level.chinese(),
                "rule": f.rule.id(),
                "message": f.message,
                "fix": f.fix,
            })
        })
        .collect()
}

async fn api_site(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let root = desk.root().to_path_buf();
    let Some(loaded) = blocking(move || load(&root, true)).await else {
        return internal();
    };
    let loaded = match loaded {
        Ok(l) => l,
        Err(r) => return r,
    };
    let urls = urls(&desk).await;
    let report = findings(&desk).await;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    if let Some(report) = &report {
        for f in &report.findings {
            *counts.entry(f.file.as_str()).or_default() += 1;
        }
    }
    let now = desk.now(&loaded.config.tz);
    let columns: Vec<Value> = loaded
        .columns
        .iter()
        .map(|c| {
            let mut posts: Vec<&SourceFile> = loaded
                .files
                .iter()
                .filter(|f| !f.is_index() && f.folder() == c.folder)
                .collect();
            posts.sort_by(|a, b| b.meta.date.cmp(&a.meta.date).then_with(|| a.rel.cmp(&b.rel)));
            let posts: Vec<Value> = posts
                .iter()
                .map(|f| {
                    let shown = format!("{CONTENT_DIR}/{}", f.rel);
                    json!({
                        "path": shown,
                        "title": post_title(f),
                        "date": f.meta.date.as_ref().map(|d| d.strftime("%Y-%m-%d %H:%M").to_string()),
                        "draft": f.meta.draft,
                        "scheduled": f.meta.date.as_ref().is_some_and(|d| d.timestamp() > now.timestamp()),
                        "url": url_of(&urls, &f.rel),
                        "findings": counts.get(shown.as_str()).copied().unwrap_or(0),
                    })
                })
                .collect();
            json!({
                "folder": c.folder,
                "title": c.title,
                "kind": c.kind.name(),
                "kind_label": c.kind.label(),
                "fields": form::fields(c.kind),
                "posts": posts,
            })
        })
        .collect();
    let member_columns: Vec<&str> = loaded
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Members)
        .map(|c| c.folder.as_str())
        .collect();
    let members: Vec<Value> = loaded
        .files
        .iter()
        .filter(|f| !f.is_index() && member_columns.contains(&f.folder()))
        .map(|f| json!({"id": f.stem(), "name": post_title(f)}))
        .collect();
    let unsaved: Vec<Value> = store::all_unsaved(desk.root())
        .into_iter()
        .map(|u| {
            let title = u
                .fields
                .get("title")
                .or_else(|| u.fields.get("name"))
                .and_then(crate::yaml::read::string)
                .unwrap_or_default();
            json!({"key": u.key, "path": u.path, "column": u.column, "title": title, "saved_at": u.saved_at})
        })
        .collect();
    let errors = desk.inner.status.borrow().errors.clone();
    ok(json!({
        "title": loaded.config.title,
        "preview": "/",
        "columns": columns,
        "members": members,
        "unsaved": unsaved,
        "errors": errors,
    }))
}

// ---- one post --------------------------------------------------------------

#[derive(Deserialize)]
struct PathQuery {
    path: String,
}

/// The column a post belongs to, by its folder.
fn column_of<'a>(loaded: &'a Loaded, post: &PostPath) -> Option<&'a Column> {
    loaded.columns.iter().find(|c| c.folder == post.folder())
}

fn no_column(post: &PostPath) -> Response {
    fail(
        StatusCode::BAD_REQUEST,
        format!("“{}”不在任何栏目里", post.shown()),
        "文章要放在有 _index.md（写明 kind 类型）的栏目文件夹里",
    )
}

/// The text a form shows as the body: without the blank line after the settings.
fn shown_body(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    body.strip_prefix('\n').unwrap_or(&body).to_string()
}

/// The line of the file where the body the form shows starts.
fn body_line(file: &SourceFile) -> usize {
    let stripped = file.body.starts_with('\n') || file.body.starts_with("\r\n");
    file.body_line + usize::from(stripped)
}

/// Which setting each line of a file's front matter holds.
type Settings = HashMap<usize, &'static str>;

fn setting_lines(file: &SourceFile) -> Settings {
    file.meta.lines.iter().map(|(k, l)| (*l, *k)).collect()
}

/// Files in a post's own folder, for the photo and attachment pickers.
fn own_files(root: &Path, post: &PostPath) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(post.own_folder(root)) else {
        return Vec::new();
    };
    let mut list: Vec<(String, u64)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let name = e.file_name().into_string().ok()?;
            (meta.is_file() && !name.starts_with('.')).then_some((name, meta.len()))
        })
        .collect();
    list.sort();
    list.into_iter()
        .map(|(name, size)| json!({"name": name, "size": size}))
        .collect()
}

/// A post read from disk: its bytes' version and the file as parsed.
struct OnDisk {
    text: String,
    version: String,
    file: Option<SourceFile>,
    problems: Vec<Diagnostic>,
}

fn read_post(root: &Path, post: &PostPath, tz: &jiff::tz::TimeZone) -> Option<OnDisk> {
    let path = post.file(root);
    let bytes = std::fs::read(&path).ok()?;
    let version = store::version(&bytes);
    let text = match crate::encoding::read_decoded(&path, Path::new(&post.shown())) {
        Ok(d) => d.text,
        Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    let (file, problems) = content::parse_text(post.rel.clone(), text.clone(), tz);
    Some(OnDisk {
        text,
        version,
        file,
        problems,
    })
}

fn post_json(post: &PostPath, column: &Column, disk: &OnDisk) -> Value {
    let fields = form::fields(column.kind);
    let (values, body, body_line) = match &disk.file {
        Some(file) => (form::values(file, &fields), shown_body(&file.body), body_line(file)),
        None => (Map::new(), String::new(), 1),
    };
    json!({
        "path": post.shown(),
        "column": column.folder,
        "kind": column.kind.name(),
        "fields": values,
        "body": body,
        "body_line": body_line,
        "version": disk.version,
        "problems": disk.problems.iter().map(diagnostic_json).collect::<Vec<_>>(),
    })
}

async fn api_post(State(desk): State<Desk>, headers: HeaderMap, Query(q): Query<PathQuery>) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &q.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let work = {
        let post = post.clone();
        move || -> Result<(Value, Vec<Value>, Settings), Response> {
            let loaded = load(&root, false)?;
            let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
            let disk = read_post(&root, &post, &loaded.config.tz).ok_or_else(|| {
                fail(
                    StatusCode::NOT_FOUND,
                    format!("找不到文章“{}”", post.shown()),
                    "它可能已被删除或改名：回到文章列表重新打开",
                )
            })?;
            let settings = disk.file.as_ref().map(setting_lines).unwrap_or_default();
            Ok((post_json(&post, column, &disk), own_files(&root, &post), settings))
        }
    };
    let (mut value, files, settings) = match blocking(work).await {
        Some(Ok(v)) => v,
        Some(Err(r)) => return r,
        None => return internal(),
    };
    let urls = urls(&desk).await;
    let report = findings(&desk).await;
    value["url"] = url_of(&urls, &post.rel);
    value["files"] = json!(files);
    value["findings"] = json!(
        report
            .map(|r| findings_of(&r, &post.shown(), &settings))
            .unwrap_or_default()
    );
    ok(value)
}

async fn api_check(State(desk): State<Desk>, headers: HeaderMap, Query(q): Query<PathQuery>) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let post = match store::post_path(desk.root(), &q.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let root = desk.root().to_path_buf();
    let settings = {
        let post = post.clone();
        blocking(move || {
            let tz = config::load(&root, &Overrides::default(), &Diagnostics::new())
                .map_or(jiff::tz::TimeZone::UTC, |c| c.tz);
            read_post(&root, &post, &tz)
                .and_then(|d| d.file.as_ref().map(setting_lines))
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default()
    };
    let report = findings(&desk).await;
    ok(json!({"findings": report.map(|r| findings_of(&r, &post.shown(), &settings)).unwrap_or_default()}))
}

#[derive(Deserialize)]
struct PlanRequest {
    column: String,
    title: String,
}

/// A free path for a new post in `column`, as `tongxin new` names it.
fn plan(root: &Path, column: &str, title: &str, now: Option<Timestamp>) -> Result<(PathBuf, String), Response> {
    let mut options = crate::commands::new::NewOptions::new(root, column, title);
    options.now = now;
    let planned = crate::commands::new::plan_post(&options).map_err(|problems| {
        let first = problems.into_iter().next();
        fail(
            StatusCode::BAD_REQUEST,
            first.as_ref().map_or("无法新建文章".into(), |d| d.message.clone()),
            first.and_then(|d| d.hint).unwrap_or_default(),
        )
    })?;
    let mut path = planned.path.clone();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("wenzhang")
        .to_string();
    let mut n = 2;
    while root.join(&path).exists() || root.join(&path).with_extension("").exists() {
        path.set_file_name(format!("{stem}-{n}.md"));
        n += 1;
    }
    Ok((path, planned.text))
}

fn shown_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

async fn api_plan(State(desk): State<Desk>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let Ok(request) = serde_json::from_slice::<PlanRequest>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试");
    };
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let title = if request.title.trim().is_empty() {
        "新文章".to_string()
    } else {
        request.title
    };
    let work = move || -> Result<Value, Response> {
        let (path, text) = plan(&root, &request.column, &title, now)?;
        let loaded = load(&root, false)?;
        let post = store::post_path(&root, &shown_path(&path)).map_err(bad_path)?;
        let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
        // The settings `tongxin new` would start with (author, source, date…).
        let (file, _) = content::parse_text(post.rel.clone(), text, &loaded.config.tz);
        let fields = file
            .map(|f| form::values(&f, &form::fields(column.kind)))
            .unwrap_or_default();
        Ok(json!({"path": post.shown(), "fields": fields}))
    };
    match blocking(work).await {
        Some(Ok(value)) => ok(value),
        Some(Err(r)) => r,
        None => internal(),
    }
}

#[derive(Deserialize)]
struct SaveRequest {
    path: String,
    #[serde(default)]
    new: bool,
    #[serde(default)]
    fields: Map<String, Value>,
    #[serde(default)]
    body: String,
    version: Option<String>,
    key: Option<String>,
}

/// What the form sent: its settings, the body, and whether the post is new.
struct Submitted<'a> {
    fields: &'a Map<String, Value>,
    body: &'a str,
    new: bool,
}

/// The text a save or preview would write, and the settings' problems.
struct Drafted {
    text: String,
    /// The file's version when it was read (`None` for a new post).
    disk_version: Option<String>,
    disk: Option<OnDisk>,
}

/// Makes the file's new text from the form: the file on disk (or the text
/// `tongxin new` would start a new post with) with the changed settings
/// rewritten and the body replaced when it changed.
fn draft(
    root: &Path,
    loaded: &Loaded,
    post: &PostPath,
    column: &Column,
    submitted: Submitted,
    now: Option<Timestamp>,
) -> Result<Drafted, Response> {
    let Submitted { fields, body, new } = submitted;
    let schema = form::fields(column.kind);
    let body = body.replace("\r\n", "\n");
    let body = if body.is_empty() || body.ends_with('\n') {
        body
    } else {
        format!("{body}\n")
    };
    if new {
        let title = fields
            .get("title")
            .or_else(|| fields.get("name"))
            .and_then(crate::yaml::read::string)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "新文章".into());
        let (_, template) = plan(root, &column.folder, &title, now)?;
        let (file, _) = content::parse_text(post.rel.clone(), template.clone(), &loaded.config.tz);
        let before = file.map(|f| form::values(&f, &schema)).unwrap_or_default();
        let changes = form::changes(&schema, &before, fields);
        let text = edit::apply(&template, &changes, Some(&format!("\n{body}")));
        return Ok(Drafted {
            text,
            disk_version: None,
            disk: None,
        });
    }
    let Some(disk) = read_post(root, post, &loaded.config.tz) else {
        return Err(json_response(
            StatusCode::CONFLICT,
            json!({"conflict": true, "error": format!("文章“{}”已经不在了（被删除或改名）", post.shown()),
                   "hint": "复制你的正文另存；或在回收站里找回它", "disk": Value::Null}),
        ));
    };
    let Some(file) = disk.file.as_ref() else {
        return Err(fail(
            StatusCode::CONFLICT,
            format!("文章“{}”读不出来", post.shown()),
            "用文本编辑器打开它，按生成时的提示改好后再用写作台",
        ));
    };
    let before = form::values(file, &schema);
    let changes = form::changes(&schema, &before, fields);
    let old_body = file.body.replace("\r\n", "\n");
    let body_changed = shown_body(&old_body) != body;
    let lead = if old_body.starts_with('\n') { "\n" } else { "" };
    let new_body = format!("{lead}{body}");
    let text = edit::apply(&disk.text, &changes, body_changed.then_some(new_body.as_str()));
    Ok(Drafted {
        text,
        disk_version: Some(disk.version.clone()),
        disk: Some(disk),
    })
}

/// Problems that keep a text from being saved: what `build` would refuse in
/// its settings, and required settings left empty. Each names the setting.
fn refusals(text: &str, post: &PostPath, column: &Column, fields: &Map<String, Value>, loaded: &Loaded) -> Vec<Value> {
    let schema = form::fields(column.kind);
    let (file, problems) = content::parse_text(post.rel.clone(), text.to_string(), &loaded.config.tz);
    let mut out = Vec::new();
    // Which setting each line of the settings is.
    let by_line: HashMap<usize, &str> = file
        .as_ref()
        .map(|f| f.meta.lines.iter().map(|(k, l)| (*l, *k)).collect())
        .unwrap_or_default();
    for d in problems.iter().filter(|d| d.is_error()) {
        let field = d.line.and_then(|l| by_line.get(&l)).copied();
        out.push(json!({"field": field, "line": d.line, "message": d.message, "hint": d.hint}));
    }
    for (key, message) in form::missing(&schema, fields) {
        out.push(json!({"field": key, "line": Value::Null, "message": message, "hint": "填写后再保存"}));
    }
    out
}

async fn api_save(State(desk): State<Desk>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let Ok(request) = serde_json::from_slice::<SaveRequest>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试");
    };
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &request.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let _writing = desk.inner.writing.lock().await;
    let now = desk.inner.now;
    let work = {
        let post = post.clone();
        move || -> Result<Value, Response> {
            let loaded = load(&root, false)?;
            let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
            if request.new && post.file(&root).exists() {
                let disk = read_post(&root, &post, &loaded.config.tz);
                return Err(conflict(&post, column, disk.as_ref(), "这个文件名已经有一篇文章了"));
            }
            let submitted = Submitted {
                fields: &request.fields,
                body: &request.body,
                new: request.new,
            };
            let drafted = draft(&root, &loaded, &post, column, submitted, now)?;
            if let (Some(disk_version), Some(disk)) = (&drafted.disk_version, &drafted.disk)
                && request.version.as_deref() != Some(disk_version.as_str())
            {
                return Err(conflict(&post, column, Some(disk), "文章在写作台之外被改过了"));
            }
            let problems = refusals(&drafted.text, &post, column, &request.fields, &loaded);
            if !problems.is_empty() {
                return Err(json_response(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "有几项设置需要改正，文章还没有保存", "hint": "按每一项的提示改好后再保存",
                           "problems": problems}),
                ));
            }
            store::write_atomic(&post.file(&root), drafted.text.as_bytes(), request.new).map_err(|e| {
                fail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("无法保存“{}”（{}）", post.shown(), crate::diagnostics::io_reason(&e)),
                    "检查网站文件夹的写入权限和磁盘空间；你的文字仍在写作台里，不会丢失",
                )
            })?;
            if let Some(key) = &request.key {
                store::drop_unsaved(&root, key);
            }
            let (saved, _) = content::parse_text(post.rel.clone(), drafted.text.clone(), &loaded.config.tz);
            Ok(json!({
                "path": post.shown(),
                "version": store::version(drafted.text.as_bytes()),
                "body_line": saved.as_ref().map_or(1, body_line),
            }))
        }
    };
    let result = blocking(work).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    match result {
        Some(Ok(mut value)) => {
            value["url"] = url_of(&urls(&desk).await, &post.rel);
            ok(value)
        }
        Some(Err(r)) => r,
        None => internal(),
    }
}

fn conflict(post: &PostPath, column: &Column, disk: Option<&OnDisk>, why: &str) -> Response {
    json_response(
        StatusCode::CONFLICT,
        json!({
            "conflict": true,
            "error": format!("{why}：{}", post.shown()),
            "hint": "对照两个版本，选择保留哪一个；不会自动覆盖任何一方",
            "disk": disk.map(|d| post_json(post, column, d)),
        }),
    )
}

#[derive(Deserialize)]
struct PreviewRequest {
    path: Option<String>,
    column: Option<String>,
    #[serde(default)]
    fields: Map<String, Value>,
    #[serde(default)]
    body: String,
}

async fn api_preview(State(desk): State<Desk>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let Ok(request) = serde_json::from_slice::<PreviewRequest>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试");
    };
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let work = move || -> Result<(String, String), Response> {
        let loaded = load(&root, false)?;
        // A new post without a path yet previews as a file of its column.
        let requested = match (&request.path, &request.column) {
            (Some(p), _) if !p.is_empty() => p.clone(),
            (_, Some(c)) => format!("{CONTENT_DIR}/{}/desk-preview.md", c.trim_matches('/')),
            _ => {
                return Err(fail(
                    StatusCode::BAD_REQUEST,
                    "没有说明预览哪篇文章",
                    "刷新写作台页面后再试",
                ));
            }
        };
        let post = store::post_path(&root, &requested).map_err(bad_path)?;
        let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
        let new = !post.file(&root).exists();
        let submitted = Submitted {
            fields: &request.fields,
            body: &request.body,
            new,
        };
        let drafted = draft(&root, &loaded, &post, column, submitted, now)?;
        Ok((post.rel, drafted.text))
    };
    let (rel, text) = match blocking(work).await {
        Some(Ok(v)) => v,
        Some(Err(r)) => return r,
        None => return internal(),
    };
    let (reply, answer) = oneshot::channel();
    if desk.inner.engine.send(Request::Preview { rel, text, reply }).is_err() {
        return internal();
    }
    match tokio::time::timeout(Duration::from_secs(30), answer).await {
        Ok(Ok(preview)) => ok(json!({
            "html": preview.html.map(|h| without_scripts(&h)),
            "problems": preview.problems.iter().map(diagnostic_json).collect::<Vec<_>>(),
        })),
        _ => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "预览暂时没有生成出来",
            "网站可能正在重新生成，稍等一下再试",
        ),
    }
}

/// The page without its scripts: the preview frame runs none (it is
/// sandboxed), and each would only log a blocked script.
fn without_scripts(html: &str) -> String {
    static SCRIPT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<script\b[^>]*>.*?</script\s*>").expect("a valid pattern")
    });
    SCRIPT.replace_all(html, "").into_owned()
}

// ---- uploads ---------------------------------------------------------------

#[derive(Deserialize)]
struct UploadQuery {
    path: String,
    name: String,
}

async fn api_upload(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &q.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let result = blocking(move || upload(&root, &post, &q.name, &body)).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    result.unwrap_or_else(internal)
}

fn upload(root: &Path, post: &PostPath, name: &str, bytes: &[u8]) -> Response {
    if bytes.len() > store::MAX_UPLOAD {
        return fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("“{name}”超过 {} MB，没有上传", store::MAX_UPLOAD / 1024 / 1024),
            "照片请先缩小（宽 2000 像素左右足够网页用）；大的附件请压缩或拆分",
        );
    }
    if bytes.is_empty() {
        return fail(StatusCode::BAD_REQUEST, format!("“{name}”是空文件"), "重新选择这个文件");
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let photo = store::PHOTO_EXTENSIONS.contains(&ext.as_str());
    let mut size = (None, None);
    let mut warnings = Vec::new();
    if photo || matches!(ext.as_str(), "heic" | "heif" | "avif") {
        match crate::output::images::process::inspect(bytes) {
            Ok((w, h)) => {
                size = (Some(w), Some(h));
                if w < 600 {
                    warnings.push(format!("照片只有 {w} 像素宽，在大屏幕上会显得模糊"));
                }
            }
            Err(failure) => {
                let (message, hint) = crate::output::images::messages::failure(name, &failure);
                return fail(StatusCode::BAD_REQUEST, message, hint);
            }
        }
    } else if !store::ATTACHMENT_EXTENSIONS.contains(&ext.as_str()) {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("“{name}”这种文件不能放进文章"),
            format!(
                "照片用 {}；附件用 {}",
                store::PHOTO_EXTENSIONS.join("、"),
                store::ATTACHMENT_EXTENSIONS.join("、")
            ),
        );
    }
    let folder = post.own_folder(root);
    if let Err(r) = store::confined(root, &folder) {
        return bad_path(r);
    }
    let Some(safe) = store::safe_name(name, |n| folder.join(n).exists()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("“{name}”没有扩展名"),
            "文件名要以 .jpg、.pdf 这样的扩展名结尾",
        );
    };
    if let Err(e) = store::write_atomic(&folder.join(&safe), bytes, true) {
        return fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法保存“{name}”（{}）", crate::diagnostics::io_reason(&e)),
            "检查网站文件夹的写入权限和磁盘空间",
        );
    }
    ok(json!({
        "name": safe,
        "size": bytes.len(),
        "width": size.0,
        "height": size.1,
        "warnings": warnings,
    }))
}

// ---- delete, trash ---------------------------------------------------------

#[derive(Deserialize)]
struct DeleteRequest {
    path: String,
    version: Option<String>,
}

async fn api_delete(State(desk): State<Desk>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let Ok(request) = serde_json::from_slice::<DeleteRequest>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试");
    };
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &request.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let _writing = desk.inner.writing.lock().await;
    let now = desk.inner.now;
    let work = move || -> Result<Value, Response> {
        let loaded = load(&root, false)?;
        let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
        let Some(disk) = read_post(&root, &post, &loaded.config.tz) else {
            return Err(fail(
                StatusCode::NOT_FOUND,
                format!("找不到文章“{}”", post.shown()),
                "它可能已被删除",
            ));
        };
        if request.version.as_deref() != Some(disk.version.as_str()) {
            return Err(conflict(
                &post,
                column,
                Some(&disk),
                "文章在写作台之外被改过了，没有删除",
            ));
        }
        let title = disk.file.as_ref().map(post_title).unwrap_or_default();
        let now = now.unwrap_or_else(Timestamp::now).to_zoned(loaded.config.tz.clone());
        let item = store::trash(&root, &post, &title, &now).map_err(|e| {
            fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("无法删除“{}”（{}）", post.shown(), crate::diagnostics::io_reason(&e)),
                "检查文件是否被其他程序打开",
            )
        })?;
        Ok(json!({"trash": format!(".tongxin/trash/{}/{}", item.id, item.path), "id": item.id}))
    };
    let result = blocking(work).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    match result {
        Some(Ok(v)) => ok(v),
        Some(Err(r)) => r,
        None => internal(),
    }
}

async fn api_trash(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let root = desk.root().to_path_buf();
    match blocking(move || store::trashed(&root)).await {
        Some(items) => ok(json!({"items": items})),
        None => internal(),
    }
}

#[derive(Deserialize)]
struct RestoreRequest {
    id: String,
}

async fn api_restore(State(desk): State<Desk>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let Ok(request) = serde_json::from_slice::<RestoreRequest>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试");
    };
    let root = desk.root().to_path_buf();
    let _writing = desk.inner.writing.lock().await;
    let result = blocking(move || store::restore(&root, &request.id)).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    match result {
        Some(Ok(post)) => ok(json!({"path": post.shown()})),
        Some(Err(store::RestoreError::NotFound)) => fail(
            StatusCode::NOT_FOUND,
            "回收站里没有这一项",
            "刷新写作台，看回收站里现有的文章",
        ),
        Some(Err(store::RestoreError::Taken(path))) => fail(
            StatusCode::CONFLICT,
            format!("“{path}”现在已经有一篇文章了，没有覆盖它"),
            "先把现在的文章改名或删除，再恢复",
        ),
        Some(Err(store::RestoreError::Io(e))) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法恢复（{}）", crate::diagnostics::io_reason(&e)),
            "检查网站文件夹的写入权限",
        ),
        None => internal(),
    }
}

// ---- unsaved text ----------------------------------------------------------

#[derive(Deserialize)]
struct KeyQuery {
    key: String,
}

fn good_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 300
}

async fn api_unsaved_get(State(desk): State<Desk>, headers: HeaderMap, Query(q): Query<KeyQuery>) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    if !good_key(&q.key) {
        return fail(StatusCode::BAD_REQUEST, "未保存内容的编号不对", "刷新写作台页面后再试");
    }
    let root = desk.root().to_path_buf();
    match blocking(move || store::unsaved(&root, &q.key)).await {
        Some(Some(u)) => ok(serde_json::to_value(u).unwrap_or(Value::Null)),
        // Nothing kept is the usual case, not an error.
        Some(None) => ok(Value::Null),
        None => internal(),
    }
}

async fn api_unsaved_put(State(desk): State<Desk>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    let Ok(mut unsaved) = serde_json::from_slice::<store::Unsaved>(&body) else {
        return fail(StatusCode::BAD_REQUEST, "请求的格式不对", "刷新写作台页面后再试");
    };
    if !good_key(&unsaved.key) {
        return fail(StatusCode::BAD_REQUEST, "未保存内容的编号不对", "刷新写作台页面后再试");
    }
    let root = desk.root().to_path_buf();
    if let Some(path) = unsaved.path.as_deref().filter(|p| !p.is_empty())
        && let Err(r) = store::post_path(&root, path)
    {
        return bad_path(r);
    }
    let tz = config::load(&root, &Overrides::default(), &Diagnostics::new()).map_or(jiff::tz::TimeZone::UTC, |c| c.tz);
    unsaved.saved_at = desk.now(&tz).strftime("%Y-%m-%d %H:%M:%S").to_string();
    let saved_at = unsaved.saved_at.clone();
    match blocking(move || store::keep_unsaved(&root, &unsaved)).await {
        Some(Ok(())) => ok(json!({"saved_at": saved_at})),
        Some(Err(e)) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法暂存未保存的内容（{}）", crate::diagnostics::io_reason(&e)),
            "检查网站文件夹的写入权限和磁盘空间；浏览器里仍留有一份",
        ),
        None => internal(),
    }
}

async fn api_unsaved_delete(State(desk): State<Desk>, headers: HeaderMap, Query(q): Query<KeyQuery>) -> Response {
    if let Err(d) = desk.inner.guard.api(&headers) {
        return denied(d);
    }
    if !good_key(&q.key) {
        return fail(StatusCode::BAD_REQUEST, "未保存内容的编号不对", "刷新写作台页面后再试");
    }
    let root = desk.root().to_path_buf();
    match blocking(move || store::drop_unsaved(&root, &q.key)).await {
        Some(()) => ok(json!({})),
        None => internal(),
    }
}
