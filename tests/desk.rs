//! 写作台, the writing desk inside `tongxin serve`: its HTTP API on a copy of
//! the sample site, as the desk's page calls it. What is written is read back
//! from disk; every refusal of the security rules is tried (foreign Host and
//! Origin, no token, paths out of `content/` in every call that names one).

mod common;

use std::fs;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{copy_dir, repo, tiny_jpeg};
use jiff::Timestamp;
use serde_json::{Value, json};
use tongxin::commands::serve::{self, ServeOptions};

fn now() -> Timestamp {
    "2026-12-01T04:00:00Z".parse().unwrap()
}

fn copy_sample(to: &Path) {
    fs::copy(repo().join("site.yaml"), to.join("site.yaml")).unwrap();
    copy_dir(&repo().join("content"), &to.join("content"));
    copy_dir(&repo().join("themes/default"), &to.join("themes/default"));
    copy_dir(&repo().join("static"), &to.join("static"));
}

/// The sample site's photos, processed once for all tests (a debug build
/// takes half a minute to resize them): each copy starts with the cache a
/// user's site has after its first build.
fn photo_cache() -> &'static Path {
    static WARM: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    WARM.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        copy_sample(dir.path());
        tongxin::build(&tongxin::BuildOptions {
            now: Some(now()),
            ..tongxin::BuildOptions::new(dir.path())
        })
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        dir
    })
    .path()
}

fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    copy_dir(
        &photo_cache().join(".tongxin/images"),
        &dir.path().join(".tongxin/images"),
    );
    dir
}

struct Desk {
    server: serve::Server,
    token: String,
    _site: tempfile::TempDir,
    root: std::path::PathBuf,
}

struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request with exactly the headers given.
fn raw(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let answer = common::http::request(addr, method, path, headers, body).unwrap();
    Reply {
        status: answer.status,
        body: answer.text(),
    }
}

fn start(bind: &str) -> Desk {
    let site = sample_site();
    let root = site.path().to_path_buf();
    let server = serve::start(
        ServeOptions {
            port: 0,
            bind: bind.parse().unwrap(),
            now: Some(now()),
            ..ServeOptions::new(&root)
        },
        |_| {},
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.status().builds == 0 {
        assert!(Instant::now() < deadline, "the first build did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    Desk {
        server,
        token: String::new(),
        _site: site,
        root,
    }
}

impl Desk {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.server.addr.port())
    }

    fn open() -> Desk {
        let mut desk = start("127.0.0.1");
        let page = raw(desk.server.addr, "GET", "/_tongxin/", &[("Host", &desk.host())], b"");
        assert_eq!(page.status, 200, "{}", page.body);
        let at = page
            .body
            .find("name=\"tongxin-token\" content=\"")
            .expect("the page carries the token")
            + 30;
        desk.token = page.body[at..at + 32].to_string();
        assert!(desk.token.chars().all(|c| c.is_ascii_hexdigit()), "{}", desk.token);
        desk
    }

    fn call(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let host = self.host();
        let origin = format!("http://{host}");
        raw(
            self.server.addr,
            method,
            path,
            &[("Host", &host), ("Origin", &origin), ("X-Tongxin-Token", &self.token)],
            body,
        )
    }

    fn get(&self, path: &str) -> Value {
        let r = self.call("GET", path, b"");
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.json()
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.call("POST", path, body.to_string().as_bytes())
    }

    fn file(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Waits until the preview site serves `page` with `text` in it.
    fn wait_for_page(&self, page: &str, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let r = raw(self.server.addr, "GET", page, &[("Host", &self.host())], b"");
            if r.status == 200 && r.body.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{page} never showed “{text}” (status {})",
                r.status
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn q(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

const POST: &str = "content/yaowen/2026-01-12-quanhui-kaimu.md";
/// A post with a folder of photos beside it.
const WITH_PHOTOS: &str = "content/yaowen/2026-03-26-changweihui-shuzihua-zhuanxing.md";

#[test]
fn the_overview_lists_columns_posts_and_members() {
    let desk = Desk::open();
    let site = desk.get("/_tongxin/api/site");
    let columns = site["columns"].as_array().unwrap();
    let yaowen = columns
        .iter()
        .find(|c| c["folder"] == "yaowen")
        .expect("政协要闻 listed");
    assert_eq!(yaowen["kind"], "news");
    let posts = yaowen["posts"].as_array().unwrap();
    let dates: Vec<&str> = posts.iter().filter_map(|p| p["date"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let kaimu = posts.iter().find(|p| p["path"] == POST).unwrap();
    assert_eq!(kaimu["url"], "/yaowen/2026-01-12-quanhui-kaimu/");
    let fields: Vec<&str> = yaowen["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(fields.starts_with(&["title", "date"]), "{fields:?}");
    let label = &yaowen["fields"][0]["label"];
    assert_eq!(label, "标题");
    assert!(
        site["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"].is_string())
    );
    // The 专题 a post may join, open ones first, with their short names; the
    // sample's 乡村振兴 opened on 2026-10-01, its 全会 专题 closed in January.
    let topics: Vec<(&str, &str, &str)> = site["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["short"].as_str().unwrap_or(""),
                t["when"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        topics,
        [
            ("助力乡村全面振兴", "乡村振兴", "current"),
            ("区政协十届五次会议专题", "十届五次会议", "past")
        ]
    );
    // A series column is written in its books.
    assert!(
        columns
            .iter()
            .any(|c| c["folder"].as_str().unwrap().starts_with("wenshi/"))
    );
    let proposals = columns.iter().find(|c| c["kind"] == "proposals").unwrap();
    let status = proposals["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "status")
        .unwrap();
    assert_eq!(status["type"], "select");
    assert_eq!(status["options"], json!(["立案", "不予立案", "办理中", "已办复"]));
}

#[test]
fn editing_rewrites_only_the_changed_lines() {
    let desk = Desk::open();
    let rel = "content/yaowen/2026-02-01-desk-test.md";
    let original = "---\n# 这篇由办公室审定\ntitle: 旧标题\ndate: 2026-02-01 09:00    # 发布时间\n作者: 区政协办公室\n内部编号: A-17\ntags: [协商议政]\n---\n\n第一段。\n\n　　第二段，缩进保留。\n";
    fs::write(desk.root.join(rel), original).unwrap();
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(rel)));
    assert_eq!(post["fields"]["title"], "旧标题");
    assert_eq!(post["fields"]["author"], "区政协办公室");
    assert_eq!(post["body"], "第一段。\n\n　　第二段，缩进保留。\n");
    assert_eq!(post["body_line"], 10, "the line of 第一段 in the file");
    let mut fields = post["fields"].clone();
    fields["title"] = json!("新标题：常委会召开");
    let saved = desk.post(
        "/_tongxin/api/save",
        &json!({"path": rel, "fields": fields, "body": post["body"], "version": post["version"]}),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let after = desk.file(rel);
    let changed: Vec<(&str, &str)> = original.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{after}");
    assert!(changed[0].1.starts_with("title: "), "{changed:?}");
    assert_eq!(original.lines().count(), after.lines().count());
    // The page on the preview site follows.
    desk.wait_for_page("/yaowen/2026-02-01-desk-test/", "新标题：常委会召开");

    // A body edit leaves every setting alone.
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(rel)));
    let saved = desk.post(
        "/_tongxin/api/save",
        &json!({"path": rel, "fields": post["fields"], "body": "只改了正文。\n", "version": post["version"]}),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let again = desk.file(rel);
    assert_eq!(
        again.split("---\n").nth(1),
        after.split("---\n").nth(1),
        "settings untouched"
    );
    assert!(again.ends_with("---\n\n只改了正文。\n"), "{again}");
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten_silently() {
    let desk = Desk::open();
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(POST)));
    let theirs = desk.file(POST).replace("隆重开幕", "隆重开幕（文本编辑器改的）");
    fs::write(desk.root.join(POST), &theirs).unwrap();
    let mut fields = post["fields"].clone();
    fields["title"] = json!("写作台改的标题");
    let request = json!({"path": POST, "fields": fields, "body": post["body"], "version": post["version"]});
    let r = desk.post("/_tongxin/api/save", &request);
    assert_eq!(r.status, 409, "{}", r.body);
    let conflict = r.json();
    assert_eq!(conflict["conflict"], true);
    assert!(
        conflict["disk"]["fields"]["title"]
            .as_str()
            .unwrap()
            .contains("文本编辑器改的")
    );
    assert_eq!(desk.file(POST), theirs, "the other version stays on disk");
    // Keeping mine, knowingly: saved against the version on disk.
    let mut request = request;
    request["version"] = conflict["disk"]["version"].clone();
    let r = desk.post("/_tongxin/api/save", &request);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(desk.file(POST).contains("title: 写作台改的标题"));
}

#[test]
fn a_new_post_is_planned_saved_and_published() {
    let desk = Desk::open();
    let r = desk.post(
        "/_tongxin/api/plan",
        &json!({"column": "yaowen", "title": "区政协召开界别协商会"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let path = r.json()["path"].as_str().unwrap().to_string();
    assert!(
        path.starts_with("content/yaowen/2026-12-01-") && path.ends_with(".md"),
        "{path}"
    );
    assert!(!desk.root.join(&path).exists(), "planning writes nothing");
    let planned = r.json();
    assert_eq!(planned["fields"]["date"], "2026-12-01 12:00", "{planned}");
    assert!(
        planned["fields"]["source"].is_string(),
        "the source tongxin new fills in: {planned}"
    );

    // A news post without its date is refused, naming the setting.
    let fields = json!({"title": "区政协召开界别协商会", "date": "", "tags": "界别协商、民主监督", "draft": false});
    let r = desk.post(
        "/_tongxin/api/save",
        &json!({"path": path, "new": true, "column": "yaowen", "fields": fields, "body": "会议指出。\n"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let problems = r.json()["problems"].clone();
    assert!(
        problems.as_array().unwrap().iter().any(|p| p["field"] == "date"),
        "{problems}"
    );
    assert!(!desk.root.join(&path).exists());

    let mut fields = fields;
    fields["date"] = json!("2026-11-30 15:00");
    let body = "## 会议要求\n\n会议指出，要发挥界别作用。\n";
    let r = desk.post(
        "/_tongxin/api/save",
        &json!({"path": path, "new": true, "column": "yaowen", "fields": fields, "body": body, "key": "new-abc"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let text = desk.file(&path);
    assert!(text.starts_with("---\ntitle: 区政协召开界别协商会"), "{text}");
    assert!(text.contains("date: 2026-11-30 15:00"), "{text}");
    assert!(text.contains("tags: [界别协商, 民主监督]"), "{text}");
    assert!(
        text.contains("# summary:"),
        "the commented examples of tongxin new stay: {text}"
    );
    assert!(
        text.ends_with("---\n\n## 会议要求\n\n会议指出，要发挥界别作用。\n"),
        "{text}"
    );
    let stem = path.trim_start_matches("content/yaowen/").trim_end_matches(".md");
    // The desk tells the engine itself: the site is up to date before the
    // save is answered, without waiting for the file watcher.
    assert_eq!(r.json()["url"], format!("/yaowen/{stem}/"), "{}", r.body);
    let site = desk.get("/_tongxin/api/site");
    let listed = site["columns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["posts"].as_array().unwrap())
        .any(|p| p["path"] == path.as_str() && p["title"] == "区政协召开界别协商会");
    assert!(listed, "the overview lists the new post at once");
    desk.wait_for_page(&format!("/yaowen/{stem}/"), "发挥界别作用");

    // Saving "new" again at the same path is a conflict, not an overwrite.
    let r = desk.post(
        "/_tongxin/api/save",
        &json!({"path": path, "new": true, "column": "yaowen", "fields": fields, "body": "别的"}),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(desk.file(&path).contains("发挥界别作用"));
}

#[test]
fn the_preview_is_the_sites_own_page_with_the_unsaved_text() {
    let desk = Desk::open();
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(POST)));
    let mut fields = post["fields"].clone();
    fields["title"] = json!("预览里的新标题");
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": POST, "fields": fields, "body": "预览里才有的一段话。\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let html = r.json()["html"].as_str().unwrap().to_string();
    let page = scraper::Html::parse_document(&html);
    let h1: Vec<String> = page
        .select(&scraper::Selector::parse("h1").unwrap())
        .map(|e| e.text().collect())
        .collect();
    assert!(h1.iter().any(|t| t.contains("预览里的新标题")), "{h1:?}");
    assert!(html.contains("预览里才有的一段话"));
    assert!(!html.contains("<script"), "the sandboxed preview runs no scripts");
    assert_eq!(page.select(&scraper::Selector::parse("table").unwrap()).count(), 1);
    assert!(
        page.select(&scraper::Selector::parse("link[rel=stylesheet]").unwrap())
            .count()
            > 0,
        "the theme's styles"
    );
    assert!(!desk.file(POST).contains("预览里"), "previewing writes nothing");

    // A new post previews in its column, with its problems listed.
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"column": "yaowen", "fields": {"title": "还没保存的新文章", "date": "2026-11-30 10:00"}, "body": "新文章正文。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let reply = r.json();
    assert!(reply["html"].as_str().unwrap().contains("还没保存的新文章"), "{reply}");
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": POST, "fields": {"title": "x", "date": "不是日期"}, "body": ""}),
    );
    let reply = r.json();
    assert!(reply["html"].is_null());
    assert!(
        reply["problems"][0]["message"].as_str().unwrap().contains("日期"),
        "{reply}"
    );
}

/// A leader's and a member's previews show the unsaved settings with what
/// other pages say about them (speeches, activities, the 履职记录).
#[test]
fn people_preview_with_their_records() {
    let desk = Desk::open();
    let path = "content/lingdao/lin-zhenhua.md";
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(path)));
    let mut fields = post["fields"].clone();
    fields["duties"] = json!("预览里的新分工");
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": path, "fields": fields, "body": post["body"]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let page = scraper::Html::parse_document(r.json()["html"].as_str().unwrap());
    let text = |css: &str| -> Vec<String> {
        page.select(&scraper::Selector::parse(css).unwrap())
            .map(|e| e.text().collect::<String>())
            .collect()
    };
    assert!(
        text(".facts dd").iter().any(|d| d == "预览里的新分工"),
        "{:?}",
        text(".facts dd")
    );
    assert!(!text("#speeches-title + ul a").is_empty(), "the saved speeches stay");
    assert!(
        !text("#activities-title + ul a").is_empty(),
        "the saved activities stay"
    );

    let path = "content/weiyuan/lin-zhenhua.md";
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(path)));
    let mut fields = post["fields"].clone();
    fields["party"] = json!("预览里的党派");
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": path, "fields": fields, "body": post["body"]}),
    );
    let page = scraper::Html::parse_document(r.json()["html"].as_str().unwrap());
    let dds: Vec<String> = page
        .select(&scraper::Selector::parse(".facts dd").unwrap())
        .map(|e| e.text().collect())
        .collect();
    assert!(dds.iter().any(|d| d == "预览里的党派"), "{dds:?}");
    let record = page.select(&scraper::Selector::parse(".record li").unwrap()).count();
    assert!(record > 0, "the member's record stays in the preview");
}

#[test]
fn photos_are_checked_named_safely_and_shown_with_srcset_once_saved() {
    let desk = Desk::open();
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(POST)));
    let jpeg = tiny_jpeg(1600, 1000);
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/upload?path={}&name={}", q(POST), q("会场 全景.JPG")),
        &jpeg,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let up = r.json();
    let name = up["name"].as_str().unwrap().to_string();
    assert!(
        name.ends_with(".jpg") && name.is_ascii() && !name.contains(' '),
        "{name}"
    );
    assert_eq!(up["width"], 1600);
    let folder = desk.root.join("content/yaowen/2026-01-12-quanhui-kaimu");
    assert_eq!(fs::read(folder.join(&name)).unwrap(), jpeg);
    // The same name again gets a new one.
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/upload?path={}&name={}", q(POST), q("会场 全景.JPG")),
        &jpeg,
    );
    assert_ne!(r.json()["name"].as_str().unwrap(), name);

    let body = format!("{}\n![会场全景]({name})\n", post["body"].as_str().unwrap());
    let r = desk.post(
        "/_tongxin/api/save",
        &json!({"path": POST, "fields": post["fields"], "body": body, "version": post["version"]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    desk.wait_for_page("/yaowen/2026-01-12-quanhui-kaimu/", "会场全景");
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": POST, "fields": post["fields"], "body": body}),
    );
    let html = r.json()["html"].as_str().unwrap().to_string();
    let page = scraper::Html::parse_document(&html);
    let img = page
        .select(&scraper::Selector::parse("img[alt=会场全景]").unwrap())
        .next()
        .expect("the photo in the preview");
    assert!(
        img.value().attr("srcset").is_some_and(|s| s.contains("w,")),
        "{:?}",
        img.value()
    );

    // What the build refuses, the desk refuses, with the build's words.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic");
    heic.extend_from_slice(&[0; 32]);
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/upload?path={}&name=IMG_0001.HEIC", q(POST)),
        &heic,
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("HEIC"), "{}", r.body);
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/upload?path={}&name=run.exe", q(POST)),
        b"MZ",
    );
    assert_eq!(r.status, 400);
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/upload?path={}&name=a.jpg", q(POST)),
        b"<html>",
    );
    assert_eq!(r.status, 400, "a web page named like a photo");
}

#[test]
fn deleted_posts_go_to_the_trash_and_come_back() {
    let desk = Desk::open();
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(WITH_PHOTOS)));
    let original = desk.file(WITH_PHOTOS);
    let r = desk.post("/_tongxin/api/delete", &json!({"path": WITH_PHOTOS, "version": "0000"}));
    assert_eq!(r.status, 409, "an old version is not deleted: {}", r.body);
    let r = desk.post(
        "/_tongxin/api/delete",
        &json!({"path": WITH_PHOTOS, "version": post["version"]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!desk.root.join(WITH_PHOTOS).exists());
    assert!(
        !desk
            .root
            .join("content/yaowen/2026-03-26-changweihui-shuzihua-zhuanxing")
            .exists()
    );
    let trash = desk.get("/_tongxin/api/trash");
    let id = trash["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(trash["items"][0]["path"], WITH_PHOTOS);
    let r = desk.post("/_tongxin/api/restore", &json!({"id": id}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(desk.file(WITH_PHOTOS), original);
    assert!(
        desk.root
            .join("content/yaowen/2026-03-26-changweihui-shuzihua-zhuanxing")
            .is_dir()
    );
}

#[test]
fn unsaved_text_is_kept_until_saved() {
    let desk = Desk::open();
    let key = "new-7f3a";
    let unsaved = json!({"key": key, "path": null, "column": "yaowen", "fields": {"title": "写到一半"}, "body": "半句", "version": null});
    let r = desk.call("PUT", "/_tongxin/api/unsaved", unsaved.to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let back = desk.get(&format!("/_tongxin/api/unsaved?key={key}"));
    assert_eq!(back["body"], "半句");
    let site = desk.get("/_tongxin/api/site");
    assert_eq!(site["unsaved"][0]["title"], "写到一半");
    // It is on disk: a restarted server finds it.
    assert!(desk.root.join(".tongxin/desk/unsaved").read_dir().unwrap().count() == 1);
    let r = desk.call("DELETE", &format!("/_tongxin/api/unsaved?key={key}"), b"");
    assert_eq!(r.status, 200);
    assert_eq!(desk.get(&format!("/_tongxin/api/unsaved?key={key}")), Value::Null);
}

#[test]
fn requests_from_elsewhere_are_refused() {
    let desk = Desk::open();
    let addr = desk.server.addr;
    let host = desk.host();
    let save = json!({"path": POST, "fields": {"title": "被篡改"}, "body": "x", "version": null}).to_string();
    let before = desk.file(POST);
    let attempts: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("no token", vec![("Host", host.clone())]),
        (
            "a wrong token",
            vec![("Host", host.clone()), ("X-Tongxin-Token", "0".repeat(32))],
        ),
        (
            "another site's page",
            vec![
                ("Host", host.clone()),
                ("Origin", "http://evil.example".into()),
                ("X-Tongxin-Token", desk.token.clone()),
            ],
        ),
        (
            "a cross-site fetch",
            vec![
                ("Host", host.clone()),
                ("Sec-Fetch-Site", "cross-site".into()),
                ("X-Tongxin-Token", desk.token.clone()),
            ],
        ),
        (
            "DNS rebinding (a foreign Host)",
            vec![
                ("Host", format!("evil.example:{}", addr.port())),
                ("X-Tongxin-Token", desk.token.clone()),
            ],
        ),
    ];
    for (what, headers) in &attempts {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (method, path, body) in [
            ("POST", "/_tongxin/api/save".to_string(), save.as_bytes()),
            ("GET", format!("/_tongxin/api/post?path={}", q(POST)), &b""[..]),
            ("GET", "/_tongxin/api/site".to_string(), &b""[..]),
            (
                "POST",
                format!("/_tongxin/api/upload?path={}&name=a.pdf", q(POST)),
                &b"%PDF"[..],
            ),
        ] {
            let r = raw(addr, method, &path, &headers, body);
            assert_eq!(
                r.status, 403,
                "{what}: {method} {path} answered {}: {}",
                r.status, r.body
            );
        }
    }
    // The page itself is refused to a foreign Host: it holds the token.
    let r = raw(addr, "GET", "/_tongxin/", &[("Host", "evil.example")], b"");
    assert_eq!(r.status, 403);
    assert!(!r.body.contains(&desk.token));
    assert_eq!(desk.file(POST), before);
}

#[test]
fn paths_out_of_content_are_refused_in_every_call() {
    let desk = Desk::open();
    let outside = desk.root.join("site.yaml");
    let site_yaml = fs::read(&outside).unwrap();
    for bad in [
        "content/../site.yaml",
        "content/yaowen/../../site.yaml.md",
        "/etc/passwd",
        "../outside.md",
        "content/yaowen/_index.md",
        "static/x.md",
        "content\\..\\..\\x.md",
    ] {
        let e = q(bad);
        let version = "0";
        for (method, path, body) in [
            ("GET", format!("/_tongxin/api/post?path={e}"), String::new()),
            ("GET", format!("/_tongxin/api/check?path={e}"), String::new()),
            (
                "POST",
                "/_tongxin/api/save".into(),
                json!({"path": bad, "new": true, "fields": {"title": "x"}, "body": "x"}).to_string(),
            ),
            (
                "POST",
                "/_tongxin/api/delete".into(),
                json!({"path": bad, "version": version}).to_string(),
            ),
            (
                "POST",
                format!("/_tongxin/api/upload?path={e}&name=a.pdf"),
                "%PDF-1.4".into(),
            ),
            (
                "PUT",
                "/_tongxin/api/unsaved".into(),
                json!({"key": "k", "path": bad, "fields": {}, "body": "", "version": null}).to_string(),
            ),
            (
                "POST",
                "/_tongxin/api/preview".into(),
                json!({"path": bad, "fields": {}, "body": ""}).to_string(),
            ),
        ] {
            let r = desk.call(method, &path, body.as_bytes());
            assert!(
                r.status == 400 || r.status == 404,
                "{bad}: {method} {path} answered {}: {}",
                r.status,
                r.body
            );
        }
    }
    // Upload names cannot climb out of the post's folder either.
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/upload?path={}&name={}", q(POST), q("../../../site.pdf")),
        b"%PDF-1.4",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let name = r.json()["name"].as_str().unwrap().to_string();
    assert!(
        desk.root
            .join("content/yaowen/2026-01-12-quanhui-kaimu")
            .join(&name)
            .is_file()
    );
    assert!(!desk.root.join("site.pdf").exists());
    let r = desk.post("/_tongxin/api/restore", &json!({"id": "../../content"}));
    assert_eq!(r.status, 404);
    assert_eq!(fs::read(&outside).unwrap(), site_yaml);
    assert!(!Path::new("/etc/passwd.md").exists());
}

#[test]
fn shared_on_the_network_the_desk_is_off() {
    let desk = start("0.0.0.0");
    let addr = SocketAddr::from(([127, 0, 0, 1], desk.server.addr.port()));
    let r = raw(
        addr,
        "GET",
        "/_tongxin/",
        &[("Host", &format!("127.0.0.1:{}", addr.port()))],
        b"",
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("写作台只在本机预览时开启"), "{}", r.body);
    let r = raw(
        addr,
        "POST",
        "/_tongxin/api/save",
        &[("Host", &format!("127.0.0.1:{}", addr.port()))],
        b"{}",
    );
    assert_eq!(r.status, 403);
    // The preview itself is served.
    let r = raw(
        addr,
        "GET",
        "/",
        &[("Host", &format!("127.0.0.1:{}", addr.port()))],
        b"",
    );
    assert_eq!(r.status, 200);
}

/// Every post of the sample site, edited through the desk's form code: a
/// changed title rewrites one line and nothing else, and the file reads
/// back with every other setting as it was.
#[test]
fn every_sample_post_keeps_all_but_the_changed_setting() {
    use tongxin::content::{edit, parse_text};
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let mut edited = 0;
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || name == "_index.md" {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(repo().join("content"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(entry.path()).unwrap();
        let (before, _) = parse_text(rel.clone(), text.clone(), &tz);
        let before = before.unwrap();
        let key = if before.meta.title.is_some() { "title" } else { "name" };
        let after_text = edit::apply(&text, &[(key.to_string(), json!("改过的：标题 #1"))], None);
        let (after, problems) = parse_text(rel.clone(), after_text.clone(), &tz);
        assert!(problems.iter().all(|d| !d.is_error()), "{rel}: {problems:?}");
        let after = after.unwrap();
        let differing: Vec<(&str, &str)> = text.lines().zip(after_text.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(differing.len(), 1, "{rel}: {differing:?}");
        assert_eq!(text.lines().count(), after_text.lines().count(), "{rel}");
        let mut expected = (*before.meta).clone();
        if key == "title" {
            assert_eq!(after.meta.title.as_deref(), Some("改过的：标题 #1"), "{rel}");
            expected.title = after.meta.title.clone();
        } else {
            expected.extra.insert("name".into(), json!("改过的：标题 #1"));
        }
        expected.lines = after.meta.lines.clone();
        assert_eq!(*after.meta, expected, "{rel}");
        assert_eq!(after.body, before.body, "{rel}");
        edited += 1;
    }
    assert!(edited > 50, "only {edited} posts found");
}

#[test]
fn a_word_file_dropped_on_the_desk_becomes_a_post() {
    let desk = Desk::open();
    let docx = fs::read(repo().join("tests/fixtures/docx/huiyi.docx")).unwrap();
    let r = desk.call(
        "POST",
        &format!("/_tongxin/api/import?column=yaowen&name={}", q("会议.docx")),
        &docx,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let made = r.json();
    let path = made["path"].as_str().unwrap();
    assert!(path.starts_with("content/yaowen/") && path.ends_with(".md"), "{made}");
    assert!(
        !made["next"].as_str().unwrap().contains("tongxin build"),
        "the desk's user is not at the command line: {made}"
    );
    let post = desk.get(&format!("/_tongxin/api/post?path={}", q(path)));
    assert!(
        post["fields"]["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{post}"
    );
    assert!(!post["body"].as_str().unwrap().is_empty());

    // An old .doc is refused, with what to do instead.
    let doc = fs::read(repo().join("tests/fixtures/docx/old.doc")).unwrap();
    let r = desk.call("POST", "/_tongxin/api/import?column=yaowen&name=old.doc", &doc);
    assert_eq!(r.status, 400, "{}", r.body);
    let e = r.json();
    assert!(e["hint"].as_str().unwrap().contains("docx"), "{e}");
    // So is a column that does not exist, and a request without the token.
    let r = desk.call("POST", "/_tongxin/api/import?column=nope&name=a.docx", &docx);
    assert_eq!(r.status, 400);
    let r = raw(
        desk.server.addr,
        "POST",
        "/_tongxin/api/import?column=yaowen&name=a.docx",
        &[("Host", &desk.host())],
        &docx,
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_proposal_previews_with_its_own_unsaved_record() {
    let desk = Desk::open();
    // A new proposal borrows the place of another in its column, but never
    // shows that one's number or proposers.
    let planned = desk
        .post(
            "/_tongxin/api/plan",
            &json!({"column": "tian", "title": "关于增设社区食堂的提案"}),
        )
        .json();
    let mut fields = planned["fields"].clone();
    fields["title"] = json!("关于增设社区食堂的提案");
    fields["number"] = json!("10-5-099");
    fields["session"] = json!("十届五次会议");
    fields["status"] = json!("办理中");
    fields["proposers"] = json!(["民建溪山区基层委员会"]);
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": planned["path"], "column": "tian", "fields": fields, "body": "建议在老旧小区增设社区食堂。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let html = r.json()["html"].as_str().unwrap().to_string();
    assert!(
        html.contains("10-5-099") && html.contains("民建溪山区基层委员会"),
        "the unsaved record shows"
    );
    let site = desk.get("/_tongxin/api/site");
    let tian = site["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["folder"] == "tian")
        .unwrap();
    for post in tian["posts"].as_array().unwrap() {
        let other = desk.get(&format!(
            "/_tongxin/api/post?path={}",
            q(post["path"].as_str().unwrap())
        ));
        if let Some(number) = other["fields"]["number"].as_str() {
            assert!(
                !html.contains(&format!(">{number}<")),
                "another proposal's number {number} in the preview"
            );
        }
    }
    // Without a status yet, no proposal record at all; the problem is named.
    fields["status"] = Value::Null;
    let r = desk.post(
        "/_tongxin/api/preview",
        &json!({"path": planned["path"], "column": "tian", "fields": fields, "body": "x"}),
    );
    let reply = r.json();
    assert!(!reply["html"].as_str().unwrap_or("").contains("10-4-001"), "{reply}");
    assert!(
        reply["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["message"].as_str().unwrap().contains("状态")),
        "{reply}"
    );
}
