//! The README's commands, run exactly as it shows them: the `tongxin` binary,
//! started inside the site folder, with the README's flags and nothing else
//! (no `--root`, the default port). This is how a publicity worker runs it,
//! and how the worst bug of an earlier round (`tongxin serve` started in the
//! site folder never updated) went unseen while every test passed `--root`.

#![cfg(unix)]

mod common;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const TONGXIN: &str = env!("CARGO_BIN_EXE_tongxin");

/// A folder on PATH holding a stand-in `xdg-open`, so that `--open` is
/// exercised without starting a real browser; it writes down what it was asked
/// to open.
fn fake_browser(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let script = bin.join("xdg-open");
    fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", dir.join("opened.txt").display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn path_with(bin: &Path) -> String {
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

/// `tongxin args…` in `dir`, as typed in a terminal.
fn tongxin(dir: &Path, args: &[&str]) -> Output {
    Command::new(TONGXIN).args(args).current_dir(dir).output().unwrap()
}

fn succeeded(out: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// GET on 127.0.0.1:`port`: (status, body); `None` while nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let answer = common::http::get(common::http::local(port), path).ok()?;
    Some((answer.status, answer.text()))
}

/// Waits until `path` is served and `done` holds for its body.
fn wait_for(port: u16, path: &str, what: &str, done: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        if let Some((200, body)) = get(port, path)
            && done(&body)
        {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: not seen at {path}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A running `tongxin serve`, stopped even when the test fails half way.
struct Server(Option<Child>);

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Presses Ctrl+C in the terminal the server runs in, and waits for it to end.
fn ctrl_c(mut server: Server) -> String {
    let mut child = server.0.take().unwrap();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Ctrl+C did not stop the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(child.wait().unwrap().success(), "{log}");
    log
}

/// 新建网站和文章, as the README writes it: `tongxin init xinzhan`, `cd xinzhan`,
/// `tongxin new yaowen …`, `tongxin new 委员风采 张伟`, `tongxin serve --open`,
/// then `tongxin build` and `tongxin check`. While serving, the news post gets
/// text and a photo named the way Typora shows it (relative to the .md file);
/// the served page must show it with srcset.
#[test]
fn the_readme_sequence_works_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let bin = fake_browser(dir.path());

    succeeded(&tongxin(dir.path(), &["init", "xinzhan"]), "tongxin init xinzhan");
    let site = dir.path().join("xinzhan");
    let out = succeeded(
        &tongxin(&site, &["new", "yaowen", "县政协召开常委会会议"]),
        "tongxin new yaowen",
    );
    let post = out
        .split_once("已创建：")
        .and_then(|(_, rest)| rest.split_once(".md"))
        .map(|(path, _)| format!("{path}.md"))
        .expect("new prints the path it created");
    succeeded(
        &tongxin(&site, &["new", "委员风采", "张伟"]),
        "tongxin new 委员风采 张伟",
    );
    assert!(site.join("content/weiyuan/zhang-wei.md").is_file());

    // tongxin serve --open, in the site folder, on the default port.
    let server = Server(Some(
        Command::new(TONGXIN)
            .args(["serve", "--open"])
            .current_dir(&site)
            .env("PATH", path_with(&bin))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ));
    let port = 1111;
    wait_for(port, "/", "the home page", |_| true);

    // The post is written and a phone photo dropped into its folder.
    let stem = post.trim_end_matches(".md").rsplit('/').next().unwrap().to_string();
    let folder = site.join(post.trim_end_matches(".md"));
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("xianchang.jpg"), common::tiny_jpeg(1200, 800)).unwrap();
    let text = fs::read_to_string(site.join(&post)).unwrap();
    fs::write(
        site.join(&post),
        format!("{text}\n县政协召开常委会会议，围绕中心工作协商议政。\n\n![会议现场]({stem}/xianchang.jpg)\n"),
    )
    .unwrap();
    let url = format!("/yaowen/{stem}/");
    let page = wait_for(port, &url, "the saved post", |b| b.contains("xianchang-480w.jpg"));
    assert!(page.contains("围绕中心工作协商议政"));
    assert!(
        page.contains(&format!("src=\"/yaowen/{stem}/xianchang.jpg\"")),
        "{page}"
    );
    // The member's profile, saved in turn.
    let member = site.join("content/weiyuan/zhang-wei.md");
    let text = fs::read_to_string(&member).unwrap();
    fs::write(&member, format!("{text}\n张伟委员长期关注民营经济发展。\n")).unwrap();
    wait_for(port, "/weiyuan/zhang-wei/", "the member's profile", |b| {
        b.contains("民营经济")
    });

    let log = ctrl_c(server);
    assert!(log.contains("预览地址：http://127.0.0.1:1111/"), "{log}");
    let opened = fs::read_to_string(dir.path().join("opened.txt")).unwrap_or_default();
    assert_eq!(opened.trim(), "http://127.0.0.1:1111/", "--open opens the preview");
    assert!(!site.join("public").exists(), "serve never writes public/");

    // tongxin build, then tongxin check.
    succeeded(&tongxin(&site, &["build"]), "tongxin build");
    let built = fs::read_to_string(site.join(format!("public/yaowen/{stem}/index.html"))).unwrap();
    assert!(built.contains("xianchang-480w.jpg"));
    let report = succeeded(&tongxin(&site, &["check"]), "tongxin check");
    assert!(report.contains("检查通过"), "{report}");
}

/// `--root` written relative to where the command starts, as someone in the
/// folder above the site would type it: saving still updates the page.
#[test]
fn serve_with_a_relative_root_sees_saves() {
    let dir = tempfile::tempdir().unwrap();
    succeeded(&tongxin(dir.path(), &["init", "site"]), "tongxin init site");
    let work = dir.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let port = 1127;
    let server = Server(Some(
        Command::new(TONGXIN)
            .args(["serve", "--root", "../site", "--port", &port.to_string()])
            .current_dir(&work)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ));
    wait_for(port, "/", "the home page", |_| true);
    let post = dir.path().join("site/content/guanyu/lianxi.md");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(&post, format!("{text}\n新写的一句说明。\n")).unwrap();
    wait_for(port, "/guanyu/lianxi/", "the saved page", |b| {
        b.contains("新写的一句说明")
    });
    ctrl_c(server);
}
