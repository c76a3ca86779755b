//! The preview server of `tongxin serve` over HTTP: it serves only the site,
//! tells pages what happened, and updates by the clock alone when a post's
//! time comes.
//!
//! Apart from the session tests in `serve.rs`: those run whole builds of the
//! sample site, whose photo work fills the shared thread pool for many seconds
//! in a debug build, and a server here must answer within its own timeouts.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::http::{Response, get};
use jiff::Timestamp;
use tongxin::commands::serve::{self, ServeOptions};

fn now() -> Timestamp {
    "2026-12-01T04:00:00Z".parse().unwrap()
}

/// One raw HTTP request (clients tidy `..` away before sending, so tests of
/// path traversal write the request line themselves).
fn status_json(addr: std::net::SocketAddr) -> serde_json::Value {
    serde_json::from_slice(&get(addr, "/__tongxin/status").unwrap().body).unwrap()
}

/// Waits until the server has finished more than `builds` rebuilds.
fn wait_for_rebuild(addr: std::net::SocketAddr, builds: u64) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let status = status_json(addr);
        if status["builds"].as_u64().unwrap() > builds && !status["building"].as_bool().unwrap() {
            return status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no rebuild seen: {status}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn body_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn server_serves_only_the_site_and_reports_errors() {
    let site = common::Fixture::with_news(3);
    let root: PathBuf = site.root().to_path_buf();
    site.write("static/附件/学习材料.pdf", "%PDF-1.4 测试");
    fs::write(root.join("secret.txt"), "不该被看到").unwrap();
    let server = serve::start(
        ServeOptions {
            port: 0,
            now: Some(now()),
            ..ServeOptions::new(&root)
        },
        |_| {},
    )
    .expect("the server starts");
    let addr = server.addr;

    // The site, with the reload script added to HTML only as it is sent.
    let Response { status, head, body } = get(addr, "/yaowen/2025-03-03-post-3/").unwrap();
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("content-type: text/html; charset=utf-8"));
    assert!(body_text(&body).contains("/__tongxin/reload.js"));
    let on_disk = fs::read_to_string(server.output.join("yaowen/2025-03-03-post-3/index.html")).unwrap();
    assert!(
        !on_disk.contains("__tongxin"),
        "the files themselves are what build writes"
    );
    let Response { status, .. } = get(addr, "/__tongxin/reload.js").unwrap();
    assert_eq!(status, 200);

    // Chinese file names, with their type.
    let Response { status, head, .. } =
        get(addr, "/%E9%99%84%E4%BB%B6/%E5%AD%A6%E4%B9%A0%E6%9D%90%E6%96%99.pdf").unwrap();
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("content-type: application/pdf"), "{head}");

    // Nothing outside the served folder.
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("secret.txt"), server.output.join("link.txt")).unwrap();
    for target in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/yaowen/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/.tongxin-output",
        #[cfg(unix)]
        "/link.txt",
    ] {
        let Response { status, body, .. } = get(addr, target).unwrap();
        assert!(status == 403 || status == 404 || status == 400, "{target}: {status}");
        assert!(!body_text(&body).contains("不该被看到"), "{target} leaked a file");
    }
    let Response { status, body, .. } = get(addr, "//etc/passwd").unwrap();
    assert_eq!(status, 404, "an absolute path is looked up inside the folder");
    assert!(!body_text(&body).contains("root:"));

    // An edit is picked up by the watcher and served.
    let builds = status_json(addr)["builds"].as_u64().unwrap();
    site.write(
        "content/yaowen/2025-03-03-post-3.md",
        "---\ntitle: 第3篇要闻\ndate: 2025-03-03\ntags: [乡村振兴]\n---\n改过的正文。\n",
    );
    let status = wait_for_rebuild(addr, builds);
    assert!(status["errors"].as_array().unwrap().is_empty());
    let Response { body, .. } = get(addr, "/yaowen/2025-03-03-post-3/").unwrap();
    assert!(body_text(&body).contains("改过的正文"));

    // A broken file: the error goes to the open pages, the last good page stays.
    let builds = status["builds"].as_u64().unwrap();
    site.write(
        "content/yaowen/2025-03-03-post-3.md",
        "---\ntitle：第3篇要闻\ndate: 2025-03-03\n---\n坏了的正文。\n",
    );
    let status = wait_for_rebuild(addr, builds);
    let errors = status["errors"].as_array().unwrap();
    assert!(!errors.is_empty(), "the error reaches the pages: {status}");
    assert!(errors[0]["file"].as_str().unwrap().contains("2025-03-03-post-3.md"));
    assert!(errors[0]["line"].as_u64().is_some());
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    );
    let Response {
        status: status_code,
        body,
        ..
    } = get(addr, "/yaowen/2025-03-03-post-3/").unwrap();
    assert_eq!(status_code, 200);
    assert!(
        body_text(&body).contains("改过的正文"),
        "the last good page is still served"
    );

    // The events channel says the same at once.
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /__tongxin/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !body_text(&seen).contains("\n\n") || !body_text(&seen).contains("event: status") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0);
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(body_text(&seen).contains("2025-03-03-post-3.md"));
    drop(stream);

    // Fixed: the error clears and the page reloads to the new text.
    let generation = status_json(addr)["generation"].as_u64().unwrap();
    let builds = status_json(addr)["builds"].as_u64().unwrap();
    site.write(
        "content/yaowen/2025-03-03-post-3.md",
        "---\ntitle: 第3篇要闻\ndate: 2025-03-03\n---\n修好的正文。\n",
    );
    let status = wait_for_rebuild(addr, builds);
    assert!(status["errors"].as_array().unwrap().is_empty());
    assert!(status["generation"].as_u64().unwrap() > generation);
    let Response { body, .. } = get(addr, "/yaowen/2025-03-03-post-3/").unwrap();
    assert!(body_text(&body).contains("修好的正文"));

    let output = server.output.clone();
    server.stop();
    assert!(!output.exists(), "the temporary folder is removed on stop");
}

#[test]
fn a_missing_site_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = serve::start(
        ServeOptions {
            port: 0,
            ..ServeOptions::new(dir.path().join("没有这个文件夹"))
        },
        |_| {},
    )
    .err()
    .expect("no such folder");
    assert_eq!(error.message, "找不到这个网站文件夹");
    assert!(error.hint.unwrap().contains("--root"));
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let site = common::Fixture::with_news(1);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let error = serve::start(
        ServeOptions {
            port,
            ..ServeOptions::new(site.root())
        },
        |_| {},
    )
    .err()
    .expect("the port is taken");
    assert!(error.message.contains("无法在这个地址上启动预览服务器"), "{error}");
    assert!(error.hint.unwrap().contains("--port"));
}

#[test]
fn a_post_dated_for_later_appears_at_its_time_while_the_server_runs() {
    let site = common::Fixture::with_news(2);
    // Due a few seconds from now, by the clock the server runs on.
    // Whole seconds, as a post's date is written; the moment compared below
    // is this one, not the unrounded one, which may be half a second later.
    let due = (Timestamp::now() + Duration::from_secs(3))
        .round(jiff::Unit::Second)
        .unwrap();
    let due_text = due.to_string();
    site.write(
        "content/yaowen/2030-01-01-later.md",
        &format!("---\ntitle: 定时发布的要闻\ndate: {due_text}\nslug: later\n---\n到点才发布。\n"),
    );
    let server = serve::start(
        ServeOptions {
            port: 0,
            ..ServeOptions::new(site.root())
        },
        |_| {},
    )
    .expect("the server starts");
    let addr = server.addr;
    let builds = status_json(addr)["builds"].as_u64().unwrap();
    let Response { status: before, .. } = get(addr, "/yaowen/later/").unwrap();
    // A busy machine may have modelled the site after the moment; otherwise
    // the post is not shown yet and, with no file changed, the server
    // updates at the post's time by itself.
    if before != 200 {
        assert_eq!(before, 404, "not yet due");
        let status = wait_for_rebuild(addr, builds);
        assert!(Timestamp::now() >= due, "updated before the post was due");
        assert!(status["errors"].as_array().unwrap().is_empty(), "{status}");
    }
    let Response { status, body, .. } = get(addr, "/yaowen/later/").unwrap();
    assert_eq!(status, 200);
    assert!(body_text(&body).contains("到点才发布"));
    let Response { body: list, .. } = get(addr, "/yaowen/").unwrap();
    assert!(body_text(&list).contains("定时发布的要闻"), "the column lists it too");
    server.stop();
}
