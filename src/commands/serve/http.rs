//! The HTTP side of `tongxin serve`: the built site's files, and a small channel
//! that tells open pages to reload or to show an error.
//!
//! Only files inside the served folder are ever sent: a path with `..`, an
//! encoded `%2e%2e` or `%2f`, a hidden name, or a symlink leading out of the
//! folder is refused. The reload script is added to HTML as it is sent, so
//! the files on disk stay exactly what `tongxin build` writes.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use serde::Serialize;
use tokio::sync::watch;

/// Where the server's own files live; no site path starts with it.
pub const PREFIX: &str = "/__tongxin/";

/// What open pages are told.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// Counts good builds: a page reloads when it sees a newer one.
    pub generation: u64,
    /// Errors of the last rebuild, shown over the page; empty when it built.
    pub errors: Vec<ErrorItem>,
    /// A rebuild is running.
    pub building: bool,
    /// The search index has not caught up with the last edit yet.
    pub search_pending: bool,
    /// Counts finished rebuilds, good or not (tests and benchmarks wait on it).
    pub builds: u64,
}

/// One problem, as the overlay shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorItem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
    /// The whole message as the terminal prints it.
    pub text: String,
}

#[derive(Clone)]
pub struct Shared {
    pub root: Arc<PathBuf>,
    pub status: watch::Receiver<Status>,
}

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/__tongxin/events", get(events))
        .route("/__tongxin/status", get(status))
        .route("/__tongxin/reload.js", get(reload_script))
        .fallback(file)
        .with_state(shared)
}

const RELOAD_JS: &str = include_str!("reload.js");

async fn reload_script() -> Response {
    let mut response = RELOAD_JS.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn status(State(shared): State<Shared>) -> Response {
    let status = shared.status.borrow().clone();
    let json = serde_json::to_string(&status).unwrap_or_else(|_| "{}".into());
    let mut response = json.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Server-sent events: the current status at once, then every change of it.
async fn events(State(shared): State<Shared>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.status.clone();
    let stream = stream::unfold((receiver, true), |(mut receiver, first)| async move {
        if !first && receiver.changed().await.is_err() {
            return None;
        }
        let status = receiver.borrow_and_update().clone();
        let data = serde_json::to_string(&status).unwrap_or_else(|_| "{}".into());
        Some((Ok(Event::default().event("status").data(data)), (receiver, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Why a request path is not served.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a path of the site (`..`, hidden names, encoded separators, bad UTF-8).
    Forbidden,
    NotFound,
}

/// Maps a request path to a file inside `root`, refusing anything that could
/// lead out of it. Folders map to their `index.html`.
pub fn resolve(root: &Path, request_path: &str) -> Result<PathBuf, Refused> {
    let mut file = root.to_path_buf();
    for raw in request_path.split('/') {
        if raw.is_empty() {
            continue;
        }
        let segment = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| Refused::Forbidden)?;
        // Decoded separators, parent links and hidden names (the output marker,
        // files being written) never belong to a site path.
        if segment.starts_with('.') || segment.contains(['/', '\\', '\0', ':']) {
            return Err(Refused::Forbidden);
        }
        let mut parts = Path::new(segment.as_ref()).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(part)), None) => file.push(part),
            _ => return Err(Refused::Forbidden),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // Symlinks are followed, but the file they lead to must be inside the folder.
    let real = file.canonicalize().map_err(|_| Refused::NotFound)?;
    let real_root = root.canonicalize().map_err(|_| Refused::NotFound)?;
    if !real.starts_with(&real_root) {
        return Err(Refused::Forbidden);
    }
    if !real.is_file() {
        return Err(Refused::NotFound);
    }
    Ok(real)
}

/// The content type of a file, with the charset for text.
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "atom+xml" | "svg"
        );
    if text && mime.get_param("charset").is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

async fn file(State(shared): State<Shared>, method: Method, uri: Uri, headers: axum::http::HeaderMap) -> Response {
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "预览服务器只支持 GET 请求");
    }
    let path = uri.path();
    let generation = shared.status.borrow().generation;
    match resolve(&shared.root, path) {
        Ok(file) => {
            // A folder asked for without its final slash: relative links on the
            // page only work from the slashed address.
            if !path.ends_with('/')
                && file.file_name().is_some_and(|n| n == "index.html")
                && !path.ends_with("index.html")
            {
                let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
                if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                return response;
            }
            match range {
                Some(range) => send_range(&file, &range).await,
                None => send(&file, StatusCode::OK, generation).await,
            }
        }
        Err(Refused::Forbidden) => plain(StatusCode::FORBIDDEN, "禁止访问：预览服务器只提供生成的网站里的文件"),
        Err(Refused::NotFound) => {
            let not_found = shared.root.join("404.html");
            if not_found.is_file() {
                send(&not_found, StatusCode::NOT_FOUND, generation).await
            } else {
                plain(StatusCode::NOT_FOUND, "找不到这个页面")
            }
        }
    }
}

async fn send(file: &Path, status: StatusCode, generation: u64) -> Response {
    let Some(bytes) = tokio::task::spawn_blocking({
        let file = file.to_path_buf();
        move || std::fs::read(file)
    })
    .await
    .ok()
    .and_then(Result::ok) else {
        return plain(StatusCode::NOT_FOUND, "找不到这个页面");
    };
    let kind = content_type(file);
    let body = if kind.starts_with("text/html") {
        Body::from(inject(bytes, generation))
    } else {
        Body::from(bytes)
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&kind) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One range of a file (`Range: bytes=a-b`), as the search page asks for the
/// texts of the results it shows. A range the server cannot give (several
/// ranges, past the end) gets the whole file, which the page can use too.
async fn send_range(file: &Path, range: &str) -> Response {
    let bytes = tokio::task::spawn_blocking({
        let file = file.to_path_buf();
        move || std::fs::read(file)
    })
    .await
    .ok()
    .and_then(Result::ok);
    let Some(bytes) = bytes else {
        return plain(StatusCode::NOT_FOUND, "找不到这个页面");
    };
    let kind = content_type(file);
    let Some((start, end)) = byte_range(range, bytes.len()) else {
        let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
        if let Ok(value) = HeaderValue::from_str(&kind) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        return response;
    };
    let total = bytes.len();
    let mut response = (StatusCode::PARTIAL_CONTENT, Body::from(bytes[start..end].to_vec())).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&kind) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("bytes {start}-{}/{total}", end - 1)) {
        headers.insert(header::CONTENT_RANGE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `bytes=a-b` (b inclusive, may be left out) as a half-open range of a file of
/// `len` bytes; `None` for anything else.
pub fn byte_range(range: &str, len: usize) -> Option<(usize, usize)> {
    let (start, end) = range.trim().strip_prefix("bytes=")?.split_once('-')?;
    let start: usize = start.trim().parse().ok()?;
    let end: usize = match end.trim() {
        "" => len,
        end => end.parse::<usize>().ok()?.checked_add(1)?.min(len),
    };
    (start < end).then_some((start, end))
}

/// The reload script, added before `</body>` (or at the end).
pub fn inject(mut html: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{PREFIX}reload.js\" data-generation=\"{generation}\"></script>");
    let at = memchr::memmem::rfind(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    let mut response = (status, message).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_and_refuses_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("yaowen/a")).unwrap();
        std::fs::write(root.join("yaowen/a/index.html"), "页").unwrap();
        std::fs::write(root.join("附件.pdf"), "pdf").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "密").unwrap();
        let real = |p: &str| root.join(p).canonicalize().unwrap();

        assert_eq!(resolve(&root, "/yaowen/a/"), Ok(real("yaowen/a/index.html")));
        assert_eq!(resolve(&root, "/%E9%99%84%E4%BB%B6.pdf"), Ok(real("附件.pdf")));
        for bad in [
            "/../secret.txt",
            "/yaowen/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/yaowen%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "/.tongxin-output",
            "/%ff",
        ] {
            assert_eq!(resolve(&root, bad), Err(Refused::Forbidden), "{bad}");
        }
        assert_eq!(resolve(&root, "/nothing/"), Err(Refused::NotFound));
        // An absolute path in the request is read below the root.
        assert_eq!(resolve(&root, "//etc/passwd"), Err(Refused::NotFound));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "密").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        assert_eq!(resolve(&root, "/link.txt"), Err(Refused::Forbidden));
        assert_eq!(resolve(&root, "/up/secret.txt"), Err(Refused::Forbidden));
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-3", 10), Some((0, 4)));
        assert_eq!(byte_range("bytes=4-", 10), Some((4, 10)));
        assert_eq!(byte_range("bytes=8-20", 10), Some((8, 10)));
        assert_eq!(byte_range("bytes=10-12", 10), None);
        assert_eq!(byte_range("bytes=0-1,4-5", 10), None);
        assert_eq!(byte_range("bytes=-5", 10), None);
        assert_eq!(byte_range("items=0-1", 10), None);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/index.html")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("学习材料.pdf")), "application/pdf");
        assert_eq!(content_type(Path::new("照片.JPG")), "image/jpeg");
        assert_eq!(content_type(Path::new("atom.xml")), "text/xml; charset=utf-8");
        assert_eq!(content_type(Path::new("js/site.js")), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type(Path::new("方案.docx")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn script_goes_before_the_body_end() {
        let html = inject(b"<html><body><p>x</p></body></html>".to_vec(), 3);
        let html = String::from_utf8(html).unwrap();
        assert!(html.ends_with("<script src=\"/__tongxin/reload.js\" data-generation=\"3\"></script></body></html>"));
    }
}
