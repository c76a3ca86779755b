//! Old addresses (旧网址): `aliases` in a post and the table files
//! `redirects.csv` / `redirects.yaml` make a redirect page at each old path
//! and nginx/Apache rules; collisions and bad values are Chinese errors with
//! file and line. The rules are tried in a real nginx and Apache on loopback
//! (`cargo test --test redirects -- --ignored`, which `.ci/run` runs).

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use scraper::Html;

const POST: &str = "content/yaowen/2025-03-02-post-2.md";

/// A news site whose second post carries `aliases` and a custom slug.
fn site_with_aliases(aliases: &str) -> Fixture {
    let f = Fixture::with_news(3);
    f.write(
        POST,
        &format!("---\ntitle: 第2篇要闻\ndate: 2025-03-02\nslug: changweihui\n{aliases}---\n正文第2篇。\n"),
    );
    f
}

fn refresh_target(html: &Html) -> String {
    let content = attrs(html, "meta[http-equiv=refresh]", "content");
    assert_eq!(content.len(), 1, "{}", html.html());
    content[0]
        .strip_prefix("0; url=")
        .unwrap_or_else(|| panic!("refresh content: {}", content[0]))
        .to_string()
}

fn assert_redirect_page(f: &Fixture, file: &str, to: &str, canonical: &str) {
    let html = f.html(file);
    assert_eq!(refresh_target(&html), to, "{file}");
    assert_eq!(attrs(&html, "link[rel=canonical]", "href"), [canonical], "{file}");
    assert_eq!(attrs(&html, "meta[name=robots]", "content"), ["noindex"], "{file}");
    assert_eq!(attrs(&html, "body a", "href"), [to], "{file}");
    let text = texts(&html, "body p").join("");
    assert!(text.starts_with("本页已迁移到"), "{text}");
    assert!(attrs(&html, "script", "src").is_empty() && texts(&html, "script").is_empty());
    assert_eq!(attrs(&html, "html", "lang"), ["zh-CN"]);
}

#[test]
fn aliases_make_redirect_pages_at_the_old_paths() {
    let f = site_with_aliases(
        "aliases:\n  - /html/2019/0312/1234.html\n  - /zxyw/123/\n  - /zxyw/456\n  - /news/show.asp?id=1234\n  - http://www.test.example.cn/old/a.shtml\n",
    );
    f.build();
    let to = "/yaowen/changweihui/";
    let canonical = "https://test.example.cn/yaowen/changweihui/";
    assert_redirect_page(&f, "html/2019/0312/1234.html", to, canonical);
    assert_redirect_page(&f, "zxyw/123/index.html", to, canonical);
    assert_redirect_page(&f, "zxyw/456/index.html", to, canonical);
    assert_redirect_page(&f, "old/a.shtml", to, canonical);
    // The link names the page it leads to.
    assert_eq!(texts(&f.html("zxyw/123/index.html"), "body a"), ["第2篇要闻"]);
    // A query string cannot be a file: only the rules have it.
    assert!(!f.exists("news/show.asp"));
    let nginx = f.read("_tongxin/redirects.nginx.conf");
    assert!(nginx.contains("location = \"/news/show.asp\" {\n    if ($args = \"id=1234\") {\n        return 301 \"/yaowen/changweihui/\";"), "{nginx}");
    assert!(nginx.contains("location = \"/zxyw/456\" {"), "{nginx}");
    assert!(nginx.contains("location = \"/zxyw/456/\" {"), "{nginx}");
    // The sitemap lists pages, not redirects.
    let sitemap = f.read("sitemap.xml");
    let locs = xml_texts(&sitemap, "loc");
    assert!(locs.iter().any(|l| l.ends_with("/yaowen/changweihui/")), "{locs:?}");
    assert!(
        !locs.iter().any(|l| l.contains("html/2019") || l.contains("zxyw")),
        "{locs:?}"
    );
    // `check` finds no broken link and no error.
    let report = tongxin::check(&tongxin::CheckOptions {
        now: tongxin::commands::check::parse_now("2025-03-05"),
        ..tongxin::CheckOptions::new(f.root())
    });
    let errors: Vec<_> = report
        .findings
        .iter()
        // The fixture has no identifiers (ICP…): those are not this test's.
        .filter(|x| x.level == tongxin::check::Level::Error && x.file != "site.yaml")
        .map(|x| format!("{} {:?} {}", x.file, x.line, x.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_sub_path_site_redirects_below_its_base_path() {
    let f = site_with_aliases("旧网址: /html/1.html\n");
    f.write(
        "site.yaml",
        &SITE_YAML.replace("https://test.example.cn/", "https://test.example.cn/zx/"),
    );
    f.write("redirects.csv", "/news/show.asp?id=7,@/yaowen/2025-03-01-post-1.md\n");
    f.build();
    assert_redirect_page(
        &f,
        "html/1.html",
        "/zx/yaowen/changweihui/",
        "https://test.example.cn/zx/yaowen/changweihui/",
    );
    let nginx = f.read("_tongxin/redirects.nginx.conf");
    assert!(
        nginx.contains("location = \"/zx/html/1.html\" {\n    return 301 \"/zx/yaowen/changweihui/\";"),
        "{nginx}"
    );
    assert!(nginx.contains("location ^~ \"/zx/_tongxin/\""), "{nginx}");
    let apache = f.read("_tongxin/redirects.apache.conf");
    assert!(
        apache.contains("RewriteCond %{QUERY_STRING} ^id=7$\nRewriteRule ^/zx/news/show\\.asp$ \"/zx/yaowen/2025-03-01-post-1/\" [R=301,L,QSD]"),
        "{apache}"
    );
}

#[test]
fn the_table_in_gbk_csv_and_in_yaml() {
    let f = Fixture::with_news(3);
    f.column("about", "关于我们", "page", 20);
    f.write("content/about/lianxi.md", "---\ntitle: 联系我们\n---\n电话。\n");
    // Excel on Chinese Windows saves GBK, with a title row and a note column.
    let csv = "旧网址,新网址,备注\r\n/html/2019/1.html,@/yaowen/2025-03-01-post-1.md,第一篇\r\n\"/list.asp?cls=2&page=1\",/yaowen/,栏目\r\n/about/contact.htm,/about/lianxi/,\r\n";
    let (gbk, _, bad) = encoding_rs::GBK.encode(csv);
    assert!(!bad);
    f.write_bytes("redirects.csv", &gbk);
    f.write(
        "redirects.yaml",
        "# 旧网址: 新网址\n/zxyw/9/: \"@/yaowen/2025-03-03-post-3.md\"\n/lanmu/: \"@/yaowen/_index.md\"\n",
    );
    let report = f.build();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_redirect_page(
        &f,
        "html/2019/1.html",
        "/yaowen/2025-03-01-post-1/",
        "https://test.example.cn/yaowen/2025-03-01-post-1/",
    );
    assert_eq!(texts(&f.html("html/2019/1.html"), "body a"), ["第1篇要闻"]);
    assert_redirect_page(
        &f,
        "about/contact.htm",
        "/about/lianxi/",
        "https://test.example.cn/about/lianxi/",
    );
    assert_redirect_page(
        &f,
        "zxyw/9/index.html",
        "/yaowen/2025-03-03-post-3/",
        "https://test.example.cn/yaowen/2025-03-03-post-3/",
    );
    assert_redirect_page(&f, "lanmu/index.html", "/yaowen/", "https://test.example.cn/yaowen/");
    let apache = f.read("_tongxin/redirects.apache.conf");
    assert!(
        apache.contains("RewriteCond %{QUERY_STRING} ^cls=2&page=1$\nRewriteRule ^/list\\.asp$ \"/yaowen/\""),
        "{apache}"
    );
    assert!(apache.contains("RewriteRule ^/zxyw/9/$"), "{apache}");
}

/// Builds and returns every message, asserting the build failed.
fn errors(f: &Fixture) -> String {
    messages(&f.build_err())
}

#[test]
fn an_alias_that_is_a_page_names_both_files() {
    let f = site_with_aliases("aliases: /yaowen/2025-03-01-post-1/\n");
    let m = errors(&f);
    assert!(m.contains(&format!("{POST} 第 5 行")), "{m}");
    assert!(m.contains("content/yaowen/2025-03-01-post-1.md 的页面"), "{m}");
}

#[test]
fn the_same_old_address_twice_names_both_places() {
    let f = site_with_aliases("aliases:\n  - /a.html\n  - /b/\n");
    f.write(
        "content/yaowen/2025-03-03-post-3.md",
        "---\ntitle: 第3篇\ndate: 2025-03-03\naliases: /a.html\n---\n正文。\n",
    );
    let m = errors(&f);
    assert!(
        m.contains("content/yaowen/2025-03-03-post-3.md 第 4 行") || m.contains(&format!("{POST} 第 6 行")),
        "{m}"
    );
    assert!(m.contains(&format!("{POST} 第 6 行")) && m.contains("post-3.md"), "{m}");

    // Of the same post, and "/b" is the same address as "/b/".
    let f = site_with_aliases("aliases:\n  - /b/\n  - /b\n");
    let m = errors(&f);
    assert!(
        m.contains(&format!("{POST} 第 7 行")) && m.contains(&format!("{POST} 第 6 行")),
        "{m}"
    );

    // An alias and a row of the table.
    let f = site_with_aliases("aliases: /old.asp?id=1\n");
    f.write(
        "redirects.csv",
        "旧网址,新网址\n/x.html,/yaowen/\n/old.asp?id=1,/yaowen/\n",
    );
    let m = errors(&f);
    assert!(
        m.contains("redirects.csv 第 3 行") || m.contains("redirects.csv"),
        "{m}"
    );
    assert!(m.contains(&format!("{POST} 第 5 行")), "{m}");
}

#[test]
fn an_alias_that_is_a_static_file_names_both() {
    let f = site_with_aliases("aliases: /files/old.html\n");
    f.write("static/files/old.html", "<p>旧</p>");
    let m = errors(&f);
    assert!(m.contains(&format!("{POST} 第 5 行")), "{m}");
    assert!(m.contains("静态文件 static/files/old.html"), "{m}");

    // The theme's static files too, even at an address only the server
    // rules redirect.
    let f = site_with_aliases("aliases: /css/site.css\n");
    let m = errors(&f);
    assert!(m.contains("静态文件 themes/default/static/css/site.css"), "{m}");
}

#[test]
fn table_rows_pointing_nowhere_are_errors_with_their_line() {
    let f = Fixture::with_news(2);
    f.write(
        "redirects.csv",
        "/a.html,@/yaowen/2025-03-01-post-9.md\n/b.html,/nowhere/\n/c.html,/yaowen/2025-03-02-post-2/\n",
    );
    let m = errors(&f);
    assert!(
        m.contains("redirects.csv 第 1 行") && m.contains("@/yaowen/2025-03-01-post-9.md"),
        "{m}"
    );
    assert!(m.contains("post-1.md"), "a near name is suggested: {m}");
    assert!(m.contains("redirects.csv 第 2 行") && m.contains("/nowhere/"), "{m}");
    assert!(!m.contains("第 3 行"), "{m}");
}

#[test]
fn bad_values_name_file_and_line_and_never_panic() {
    let cases: &[(&str, &str)] = &[
        ("aliases:\n  - /ok.html\n  - /a/../b.html\n", "第 7 行"),
        ("aliases: html/a.html\n", "第 5 行"),
        ("旧网址: \"/a b.html\"\n", "第 5 行"),
        ("aliases: http://other.example.com/a.html\n", "另一个网站"),
        ("aliases: /a.html#x\n", "#"),
        ("aliases: /_tongxin/x.html\n", "_tongxin"),
        ("aliases:\n  - [1, 2]\n", "第 5 行"),
        ("aliases: {a: 1}\n", "第 5 行"),
        ("aliases: /\n", "首页"),
        ("aliases: \"/%ZZ.html\"\n", "百分号"),
    ];
    for (aliases, expected) in cases {
        let f = site_with_aliases(aliases);
        let m = errors(&f);
        assert!(m.contains(POST) && m.contains(expected), "{aliases}: {m}");
        assert!(m.contains("怎么改"), "{m}");
    }
    let tables: &[(&str, &str, &str)] = &[
        ("redirects.csv", "/a.html\n", "第 1 行"),
        ("redirects.csv", "/a.html,https://x.cn/a/\n", "完整网址"),
        ("redirects.csv", "\"/a.html,/yaowen/\n", "引号"),
        ("redirects.csv", "\n\n/a/../b.html,/yaowen/\n", "第 3 行"),
        ("redirects.yaml", "/a.html: [1]\n", "第 1 行"),
        ("redirects.yaml", "- /a.html\n", "旧网址: 新网址"),
        ("redirects.yaml", "/a.html: \"@/yaowen/\n", "redirects.yaml"),
    ];
    for (file, text, expected) in tables {
        let f = Fixture::with_news(1);
        f.write(file, text);
        let m = errors(&f);
        assert!(m.contains(file) && m.contains(expected), "{file} {text}: {m}");
    }
}

/// A column's old address belongs in the table: written in its `_index.md`
/// it would do nothing, so the build says where to put it.
#[test]
fn aliases_in_a_column_index_are_a_warning_pointing_at_the_table() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/_index.md",
        "---\ntitle: 政协要闻\nkind: news\n旧网址: /zxyw/\n---\n",
    );
    let report = f.build();
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("旧网址不起作用"))
        .unwrap_or_else(|| panic!("{:?}", report.warnings));
    assert_eq!(
        warning.file.to_string_lossy().replace('\\', "/"),
        "content/yaowen/_index.md"
    );
    assert_eq!(warning.line, Some(4));
    assert!(
        warning
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("/zxyw/,@/yaowen/_index.md"),
        "{warning:?}"
    );
    assert!(!f.exists("zxyw/index.html"));
}

#[test]
fn editing_aliases_updates_the_output_incrementally() {
    let f = site_with_aliases("aliases: /old/1.html\n");
    f.build();
    assert!(f.exists("old/1.html"));
    f.write(
        POST,
        "---\ntitle: 第2篇要闻\ndate: 2025-03-02\naliases: /old/2.html\n---\n正文第2篇。\n",
    );
    f.build();
    assert!(!f.exists("old/1.html"));
    assert_eq!(refresh_target(&f.html("old/2.html")), "/yaowen/2025-03-02-post-2/");
    // A table written later is noticed, and removing every old address
    // removes the rules.
    f.write("redirects.csv", "/t.html,/yaowen/\n");
    f.build();
    assert!(f.exists("t.html"));
    f.write(POST, "---\ntitle: 第2篇要闻\ndate: 2025-03-02\n---\n正文第2篇。\n");
    std::fs::remove_file(f.root().join("redirects.csv")).unwrap();
    f.build();
    assert!(!f.exists("t.html") && !f.exists("old/2.html") && !f.exists("_tongxin/redirects.nginx.conf"));
    // A draft's old addresses are not published.
    f.write(
        POST,
        "---\ntitle: 草稿\ndate: 2025-03-02\ndraft: true\naliases: /d.html\n---\n",
    );
    f.build();
    assert!(!f.exists("d.html"));
}

// ---- real servers -------------------------------------------------------

/// The site the servers are tried with: a plain path, a folder, a query
/// string, a table row.
fn server_site() -> Fixture {
    let f = site_with_aliases("aliases:\n  - /html/2019/0312/1234.html\n  - /zxyw/123/\n  - /news/show.asp?id=1234\n");
    f.write(
        "redirects.csv",
        "/news/show.asp?id=99&t=2,@/yaowen/2025-03-01-post-1.md\n/Old.PHP,/yaowen/\n",
    );
    f.build();
    f
}

/// The cases asked of each server: (request, expected Location path; `None`
/// for no redirect).
const CASES: &[(&str, Option<&str>)] = &[
    ("/html/2019/0312/1234.html", Some("/yaowen/changweihui/")),
    ("/html/2019/0312/1234.html?from=wechat", Some("/yaowen/changweihui/")),
    ("/zxyw/123/", Some("/yaowen/changweihui/")),
    ("/zxyw/123", Some("/yaowen/changweihui/")),
    ("/news/show.asp?id=1234", Some("/yaowen/changweihui/")),
    ("/news/show.asp?id=99&t=2", Some("/yaowen/2025-03-01-post-1/")),
    ("/Old.PHP", Some("/yaowen/")),
    ("/news/show.asp?id=5", None),
    ("/yaowen/", None),
];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// GET `target` from the server on `port`: (status, Location header).
fn get(port: u16, target: &str) -> (u16, Option<String>) {
    let answer = http::get(http::local(port), target).unwrap();
    (answer.status, answer.header("location").map(str::to_string))
}

fn wait_for(port: u16, child: &mut Child, log: &Path) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "server exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(started.elapsed() < Duration::from_secs(15), "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asks every case of [`CASES`] and the rules' own folder.
fn ask_cases(port: u16) {
    for (request, expected) in CASES {
        let (status, location) = get(port, request);
        match expected {
            Some(path) => {
                assert_eq!(status, 301, "{request}");
                let location = location.unwrap_or_default();
                // The path only: the server may put its own host before it.
                let shown = location
                    .split_once("://")
                    .map_or(location.as_str(), |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
                assert_eq!(shown, *path, "{request}: {location}");
            }
            None => assert_ne!(status, 301, "{request}"),
        }
    }
    let (status, _) = get(port, "/_tongxin/redirects.nginx.conf");
    assert!(status == 404 || status == 403, "the rules are not served: {status}");
}

/// Stops a server started by a test when the test ends, even by a panic.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "needs nginx (apt-get install nginx-light); .ci/run runs it"]
fn nginx_answers_301_with_the_generated_rules() {
    let f = server_site();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    let version = Command::new("nginx").arg("-V").output().expect("nginx is installed");
    let built = String::from_utf8_lossy(&version.stderr).into_owned();
    let mut temps = String::new();
    for (directive, module) in [
        ("client_body_temp_path", ""),
        ("proxy_temp_path", "http_proxy"),
        ("fastcgi_temp_path", "http_fastcgi"),
        ("uwsgi_temp_path", "http_uwsgi"),
        ("scgi_temp_path", "http_scgi"),
    ] {
        if module.is_empty() || !built.contains(&format!("--without-{module}_module")) {
            temps.push_str(&format!("    {directive} {}/{directive};\n", dir.display()));
        }
    }
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n    access_log off;\n{temps}\
             server {{\n        listen 127.0.0.1:{port};\n        server_name localhost;\n        root {public};\n\
                 include {public}/_tongxin/redirects.nginx.conf;\n    }}\n}}\n",
        d = dir.display(),
        public = f.public().display(),
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let log = dir.join("error.log");
    let test = Command::new("nginx")
        .args(["-t", "-p"])
        .arg(dir)
        .arg("-e")
        .arg(&log)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&test.stderr)
    );
    let child = Command::new("nginx")
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(&log)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    wait_for(port, &mut running.0, &log);
    ask_cases(port);
}

#[test]
#[ignore = "needs Apache (apt-get install apache2); .ci/run runs it"]
fn apache_answers_301_with_the_generated_rules() {
    let f = server_site();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = free_port();
    let modules = "/usr/lib/apache2/modules";
    let conf = format!(
        "ServerRoot \"{d}\"\nListen 127.0.0.1:{port}\nPidFile \"{d}/httpd.pid\"\nErrorLog \"{d}/error.log\"\n\
         ServerName localhost\nUser nobody\nGroup nogroup\n\
         LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so\n\
         LoadModule authz_core_module {modules}/mod_authz_core.so\n\
         LoadModule rewrite_module {modules}/mod_rewrite.so\n\
         DocumentRoot \"{public}\"\n\
         <VirtualHost 127.0.0.1:{port}>\n    DocumentRoot \"{public}\"\n    Include \"{public}/_tongxin/redirects.apache.conf\"\n</VirtualHost>\n",
        d = dir.display(),
        public = f.public().display(),
    );
    std::fs::write(dir.join("httpd.conf"), conf).unwrap();
    let log = dir.join("error.log");
    let test = Command::new("apache2")
        .arg("-t")
        .arg("-f")
        .arg(dir.join("httpd.conf"))
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "apache2 -t: {}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
    let child = Command::new("apache2")
        .arg("-X")
        .arg("-f")
        .arg(dir.join("httpd.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    wait_for(port, &mut running.0, &log);
    ask_cases(port);
}
