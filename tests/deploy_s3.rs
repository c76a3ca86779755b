//! `tongxin deploy` to an S3-API bucket, against a real S3 API server on
//! loopback (moto's `moto_server`, from PyPI: `pip install "moto[server]"`).
//! Run as the README shows, in the site folder, with the target, endpoint and
//! region in site.yaml and the keys in the environment: everything arrives
//! with its type and cache header, a second deploy sends nothing, an edit
//! sends only what changed, removed pages go, objects others put there stay;
//! a missing bucket, missing keys and a server that is not there get plain
//! Chinese messages.
//!
//! These tests need moto (`python3 -m moto.server`; TONGXIN_TEST_PYTHON names
//! another Python), so `cargo test` skips them; `.ci/run` installs moto and runs them with
//! `cargo test --test deploy_s3 -- --ignored`.

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NEEDS_MOTO: &str = "needs moto (pip install \"moto[server]\"); .ci/run runs it";

/// The test's own requests to moto: a credential with no real signature.
const READER: &str =
    "AWS4-HMAC-SHA256 Credential=test/20261204/cn-north-1/s3/aws4_request, SignedHeaders=host, Signature=0";

/// A moto S3 server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        // `python3 -m moto.server` needs no script on PATH (pip may put it
        // where PATH does not look).
        let python = std::env::var("TONGXIN_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {python} -m moto.server: {e} ({NEEDS_MOTO})"));
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto.server did not start ({NEEDS_MOTO})"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder().http_status_as_error(false).build().into()
    }

    /// Makes a bucket (moto takes unsigned requests).
    fn bucket(&self, name: &str) {
        let r = Self::agent()
            .put(format!("{}/{name}", self.endpoint))
            .send_empty()
            .unwrap();
        assert_eq!(r.status(), 200);
    }

    /// An object: status, body, Content-Type and Cache-Control.
    fn get(&self, bucket: &str, key: &str) -> (u16, Vec<u8>, String, String) {
        let key: String = key.split('/').map(percent).collect::<Vec<_>>().join("/");
        // moto refuses anonymous reads of a private bucket but does not check
        // signatures (the signing is tested against AWS's published example
        // in src/deploy/s3.rs), so any signed-looking request may read.
        let mut r = Self::agent()
            .get(format!("{}/{bucket}/{key}", self.endpoint))
            .header("authorization", READER)
            .call()
            .unwrap();
        let header = |name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap_or("").to_string())
                .unwrap_or_default()
        };
        let (kind, cache) = (header("content-type"), header("cache-control"));
        (r.status().as_u16(), r.body_mut().read_to_vec().unwrap(), kind, cache)
    }

    fn put(&self, bucket: &str, key: &str, body: &str) {
        let r = Self::agent()
            .put(format!("{}/{bucket}/{key}", self.endpoint))
            .header("authorization", READER)
            .send(body)
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percent(part: &str) -> String {
    part.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `tongxin ARGS` started in `dir`, with the given keys in the environment.
fn tongxin(dir: &Path, args: &[&str], keys: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tongxin"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN");
    if keys {
        command
            .env("AWS_ACCESS_KEY_ID", "testing-key")
            .env("AWS_SECRET_ACCESS_KEY", "testing-secret");
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A new site from `tongxin init`, set to deploy to `target` on `endpoint`.
fn new_site(target: &str, endpoint: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = tongxin(dir.path(), &["init", "我的网站"], false);
    assert!(out.status.success(), "{}", text(&out));
    let site = dir.path().join("我的网站");
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    fs::write(
        site.join("site.yaml"),
        format!("{yaml}\n发布:\n  目标: {target}\n  服务地址: {endpoint}\n  地域: cn-north-1\n"),
    )
    .unwrap();
    (dir, site)
}

/// Every file of the built site, as site paths.
fn built(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let public = site.join("public");
    for entry in walk(&public) {
        let rel = entry
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel != ".tongxin-output" {
            files.insert(rel, fs::read(&entry).unwrap());
        }
    }
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn first_news_post(site: &Path) -> PathBuf {
    fs::read_dir(site.join("content/yaowen"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "_index.md")
        .unwrap()
}

/// The count in “上传 N 个文件”.
fn uploaded(out: &Output) -> usize {
    let t = text(out);
    let after = t.split("上传 ").nth(1).unwrap_or_else(|| panic!("{t}"));
    after
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{t}"))
}

#[test]
#[ignore = "needs moto (pip install \"moto[server]\"); .ci/run runs it"]
fn deploy_to_an_s3_bucket_as_the_readme_shows() {
    let moto = Moto::start();
    moto.bucket("zx-site");
    let (_dir, site) = new_site("s3://zx-site/www", &moto.endpoint);

    // First deploy: every file, with its type and cache header.
    let out = tongxin(&site, &["deploy"], true);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("发布完成"), "{}", text(&out));
    assert!(text(&out).contains("s3://zx-site/www/"), "{}", text(&out));
    let files = built(&site);
    assert!(files.len() > 20, "{}", files.len());
    assert_eq!(uploaded(&out), files.len());
    for (path, bytes) in &files {
        let (status, body, _, _) = moto.get("zx-site", &format!("www/{path}"));
        assert_eq!(status, 200, "{path}");
        assert!(body == *bytes, "{path} differs on the bucket");
    }
    let (_, _, kind, cache) = moto.get("zx-site", "www/index.html");
    assert_eq!(kind, "text/html; charset=utf-8");
    assert_eq!(cache, "no-cache");
    let (_, _, kind, _) = moto.get("zx-site", "www/css/site.css");
    assert_eq!(kind, "text/css; charset=utf-8");
    let (status, manifest, _, _) = moto.get("zx-site", "www/.tongxin-deploy.json");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&manifest).contains("index.html"));
    moto.put("zx-site", "www/keep.txt", "别人放在存储桶里的文件");

    // Nothing changed: nothing sent.
    let out = tongxin(&site, &["deploy"], true);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已是最新"), "{}", text(&out));

    // A new title: only what shows it is sent.
    let post = first_news_post(&site);
    let source = fs::read_to_string(&post).unwrap();
    let edited: Vec<String> = source
        .lines()
        .map(|l| {
            if l.starts_with("title:") {
                "title: 存储桶发布测试".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(&post, edited.join("\n") + "\n").unwrap();
    let out = tongxin(&site, &["deploy"], true);
    assert!(out.status.success(), "{}", text(&out));
    let sent = uploaded(&out);
    assert!(
        sent >= 2 && sent < files.len() / 2,
        "{sent} of {}: {}",
        files.len(),
        text(&out)
    );
    let (_, home, _, _) = moto.get("zx-site", "www/index.html");
    assert!(String::from_utf8_lossy(&home).contains("存储桶发布测试"));

    // A removed post: its page goes, the other object stays.
    let page = format!("www/yaowen/{}/index.html", post.file_stem().unwrap().to_string_lossy());
    assert_eq!(moto.get("zx-site", &page).0, 200, "{page}");
    fs::remove_file(&post).unwrap();
    let out = tongxin(&site, &["deploy"], true);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(moto.get("zx-site", &page).0, 404, "{page}");
    assert_eq!(moto.get("zx-site", "www/keep.txt").0, 200);
    for (path, bytes) in built(&site) {
        let (status, body, _, _) = moto.get("zx-site", &format!("www/{path}"));
        assert!(status == 200 && body == bytes, "{path}");
    }
}

#[test]
#[ignore = "needs moto (pip install \"moto[server]\"); .ci/run runs it"]
fn a_missing_bucket_missing_keys_or_no_server_say_what_to_do() {
    let moto = Moto::start();
    let (_dir, site) = new_site("s3://no-such-bucket", &moto.endpoint);

    let out = tongxin(&site, &["deploy"], true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("存储桶 no-such-bucket 不存在"), "{}", text(&out));

    let out = tongxin(&site, &["deploy"], false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("AWS_ACCESS_KEY_ID"), "{}", text(&out));

    // A port nobody listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (_dir2, site2) = new_site("s3://zx-site", &format!("http://127.0.0.1:{closed}"));
    let out = tongxin(&site2, &["deploy"], true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("连不上 http://127.0.0.1:"), "{}", text(&out));
    assert!(!text(&out).contains("panicked"), "{}", text(&out));
}
