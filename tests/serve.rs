//! `tongxin serve`: after any series of edits, the served folder must hold
//! exactly what a full `tongxin build` writes, and errors keep the last good
//! site. The HTTP server itself is tested in `preview_server.rs`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{copy_dir, repo};
use jiff::Timestamp;
use tongxin::BuildOptions;
use tongxin::commands::serve::session::{Outcome, Session, SessionOptions, Touched};

const BASE: &str = "http://127.0.0.1:1111/";

fn now() -> Timestamp {
    "2026-12-01T04:00:00Z".parse().unwrap()
}

/// A copy of the bundled sample site in a temporary folder.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    copy_dir(&repo().join("themes/default"), &dir.path().join("themes/default"));
    copy_dir(&repo().join("static"), &dir.path().join("static"));
    dir
}

/// Every file below `dir` with its bytes, by path; `skip` leaves some out.
fn files(dir: &Path, skip: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (!skip(&rel)).then(|| (rel, fs::read(e.path()).unwrap()))
        })
        .collect()
}

/// Builds the site afresh and compares it with the served folder, file by file.
fn assert_same_as_build(root: &Path, served: &Path, with_search: bool, step: &str) {
    // Beside the site, named after it: tests run side by side.
    let name = root
        .components()
        .next_back()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let fresh = root.parent().unwrap().join(format!("fresh-{name}"));
    let _ = fs::remove_dir_all(&fresh);
    let options = BuildOptions {
        output: Some(fresh.clone()),
        base_url: Some(BASE.into()),
        now: Some(now()),
        ..BuildOptions::new(root)
    };
    tongxin::build(&options).unwrap_or_else(|f| panic!("{step}: fresh build failed: {:?}", f.diagnostics));
    let skip = |rel: &str| !with_search && rel.starts_with("search/data/");
    let (want, got) = (files(&fresh, skip), files(served, skip));
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .keys()
        .filter(|k| got.get(*k).is_some_and(|g| g != &want[*k]))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "{step}: served folder differs from a fresh build\nmissing: {missing:?}\nextra: {extra:?}\ndiffer: {differ:?}"
    );
    fs::remove_dir_all(&fresh).unwrap();
}

fn content(files: &[&str]) -> Touched {
    Touched {
        content: true,
        files: files.iter().map(|f| f.to_string()).collect(),
        ..Touched::default()
    }
}

fn built(outcome: Outcome, step: &str) -> (Vec<String>, usize, bool) {
    match outcome {
        Outcome::Built(report) => (report.changed, report.pages, report.quick),
        Outcome::Failed { diagnostics } => panic!("{step}: rebuild failed: {diagnostics:?}"),
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_edit_leaves_what_a_full_build_writes() {
    let site = sample_site();
    let root = site.path().join("");
    let served = site
        .path()
        .parent()
        .unwrap()
        .join(format!("served-{}", site.path().file_name().unwrap().to_string_lossy()));
    let mut session = Session::new(SessionOptions {
        root: root.clone(),
        output: served.clone(),
        base_url: BASE.into(),
        drafts: false,
        now: Some(now()),
    });
    built(session.rebuild(Touched::everything()), "first build");
    session.write_search();
    assert_same_as_build(&root, &served, true, "first build");

    let post = "content/yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md";

    // A body edit: only that article is rendered.
    let text = fs::read_to_string(root.join(post)).unwrap();
    fs::write(
        root.join(post),
        format!("{text}\n\n补充一段新写的文字，说明会议的后续安排。\n"),
    )
    .unwrap();
    let (_, pages, quick) = built(
        session.rebuild(content(&["yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md"])),
        "body",
    );
    assert!(quick, "a body edit takes the quick path");
    assert_eq!(pages, 1, "a body edit far from the summary renders only the article");
    assert_same_as_build(&root, &served, false, "body edit");

    // A title edit: the article and every list showing it.
    edit(&root, post, "title: ", "title: 【新】");
    let (changed, pages, quick) = built(
        session.rebuild(content(&["yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md"])),
        "title",
    );
    assert!(quick, "a title edit takes the quick path");
    assert!(pages > 3, "the lists that show the title are rendered too, got {pages}");
    assert!(
        changed.iter().any(|p| p == "yaowen/"),
        "the column list shows the new title"
    );
    assert!(
        changed.iter().any(|p| p.is_empty()),
        "the home page shows the new title"
    );
    assert_same_as_build(&root, &served, false, "title edit");

    // A date edit moves the article: the model is rebuilt.
    edit(&root, post, "date: 2026-11-26", "date: 2026-10-02");
    let (_, _, quick) = built(
        session.rebuild(content(&["yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md"])),
        "date",
    );
    assert!(!quick);
    assert_same_as_build(&root, &served, false, "date edit");

    // A new post, a removed post, a tag added.
    fs::write(
        root.join("content/lvzhi/2026-11-30-xin-wenzhang.md"),
        "---\ntitle: 委员走访新建社区食堂\ndate: 2026-11-30\nsource: 溪山区政协\nauthor: 办公室\ntags: [民生实事, 新标签]\n---\n委员们走访了新建的社区食堂。\n",
    )
    .unwrap();
    fs::remove_file(root.join("content/lvzhi/2025-11-06-shicha-renju-huanjing.md")).unwrap();
    built(
        session.rebuild(content(&[
            "lvzhi/2026-11-30-xin-wenzhang.md",
            "lvzhi/2025-11-06-shicha-renju-huanjing.md",
        ])),
        "add and remove",
    );
    assert_same_as_build(&root, &served, false, "a post added and one removed");

    // A member's name is shown by other pages' data: not the quick path.
    let member = fs::read_dir(root.join("content/weiyuan"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".md") && n != "_index.md")
        .unwrap();
    let member_rel = format!("content/weiyuan/{member}");
    let text = fs::read_to_string(root.join(&member_rel)).unwrap();
    let name_line = text.lines().find(|l| l.starts_with("name:")).unwrap().to_string();
    edit(&root, &member_rel, &name_line, "name: 欧阳新名");
    let (_, _, quick) = built(session.rebuild(content(&[&format!("weiyuan/{member}")])), "member");
    assert!(!quick);
    assert_same_as_build(&root, &served, false, "member renamed");

    // Photos: one added beside a post, a cover replaced, then the new one removed.
    let gallery = "content/lvzhi/2026-08-19-wenhua-litang-songxi/photos";
    fs::copy(root.join(gallery).join("01.jpg"), root.join(gallery).join("06.jpg")).unwrap();
    let cover = "content/yaowen/2026-11-12-changweihui-nongwenlv";
    fs::copy(
        root.join(cover).join("huichang.jpg"),
        root.join(cover).join("cover.jpg"),
    )
    .unwrap();
    built(
        session.rebuild(content(&[
            "lvzhi/2026-08-19-wenhua-litang-songxi/photos/06.jpg",
            "yaowen/2026-11-12-changweihui-nongwenlv/cover.jpg",
        ])),
        "photos",
    );
    assert_same_as_build(&root, &served, false, "a photo added and a cover replaced");
    fs::remove_file(root.join(gallery).join("06.jpg")).unwrap();
    built(
        session.rebuild(content(&["lvzhi/2026-08-19-wenhua-litang-songxi/photos/06.jpg"])),
        "photo removed",
    );
    assert_same_as_build(&root, &served, false, "a photo removed");

    // A template edit renders every page, without reading the Markdown again.
    edit(
        &root,
        "themes/default/templates/base.html",
        "</footer>",
        "<p>模板改动</p></footer>",
    );
    let (_, pages, _) = built(
        session.rebuild(Touched {
            templates: true,
            ..Touched::default()
        }),
        "template",
    );
    assert!(pages > 100);
    assert_same_as_build(&root, &served, false, "template edit");

    // A static file added and the theme's CSS changed.
    fs::create_dir_all(root.join("static/files")).unwrap();
    fs::write(root.join("static/files/说明.txt"), "附件说明").unwrap();
    edit(
        &root,
        "themes/default/static/css/site.css",
        ":root",
        ":root{--x:1}\n:root",
    );
    let (changed, pages, _) = built(
        session.rebuild(Touched {
            statics: true,
            ..Touched::default()
        }),
        "static",
    );
    assert_eq!(pages, 0, "no page is rendered for a static file");
    assert!(changed.iter().any(|p| p == "files/说明.txt"));
    assert_same_as_build(&root, &served, false, "static files");

    // site.yaml: everything again.
    edit(&root, "site.yaml", "title: ", "title: 新");
    built(
        session.rebuild(Touched {
            config: true,
            ..Touched::default()
        }),
        "site.yaml",
    );
    assert_same_as_build(&root, &served, false, "site.yaml edit");

    // A broken post: the rebuild fails and the served folder is untouched.
    let before = files(&served, |_| false);
    edit(&root, post, "title: ", "title： ");
    match session.rebuild(content(&["yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md"])) {
        Outcome::Failed { diagnostics } => {
            let d = diagnostics.iter().find(|d| d.is_error()).expect("an error");
            assert!(
                d.file.to_string_lossy().contains("zhuxi-huiyi-niandu-zongjie.md"),
                "{d}"
            );
            assert!(d.line.is_some(), "the error names the line: {d}");
        }
        Outcome::Built(_) => panic!("a full-width colon must fail"),
    }
    assert!(before == files(&served, |_| false), "a failed rebuild writes nothing");
    edit(&root, post, "title： ", "title: ");
    built(
        session.rebuild(content(&["yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md"])),
        "fixed",
    );

    session.write_search();
    assert_same_as_build(&root, &served, true, "after every edit, with the search index");
    let _ = fs::remove_dir_all(&served);
}

/// Appends a sentence to a file's body.
fn append(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let old = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{old}\n{text}\n")).unwrap();
}

fn new_session(root: &Path, served: &Path) -> Session {
    Session::new(SessionOptions {
        root: root.to_path_buf(),
        output: served.to_path_buf(),
        base_url: BASE.into(),
        drafts: false,
        now: Some(now()),
    })
}

/// A text edit to a page with photos, a gallery, a cover, attachments, a
/// member, a proposal, a book chapter or a study material publishes the same
/// bytes as a full build, photo markup included: every body is finished from
/// the image stage's table when it is rendered, whichever path the rebuild took.
#[test]
fn edits_to_every_kind_of_page_match_a_full_build() {
    let site = sample_site();
    let root = site.path().join("");
    let served = site.path().with_extension("served");
    let mut session = new_session(&root, &served);
    built(session.rebuild(Touched::everything()), "first build");

    let edits: &[(&str, &str)] = &[
        // Body photo and cover (the example of the issue).
        ("yaowen/2026-11-12-changweihui-nongwenlv.md", "photos and a cover"),
        // A gallery of a folder's photos, and an SVG cover.
        ("lvzhi/2026-08-19-wenhua-litang-songxi.md", "a gallery"),
        // A study material with a PDF attachment.
        ("xuexi/2026-02-26-zhengxie-xingzhi-dingwei.md", "a study material"),
        // A proposal with a reply letter.
        ("tian/10-4-002-nongcun-huzhu-yanglao.md", "a proposal"),
        // A chapter of a book.
        ("wenshi/xishan-jiuying/02-xikou-gudu.md", "a book chapter"),
        // A single page.
        ("guanyu/jianjie.md", "a single page"),
    ];
    for (rel, what) in edits {
        append(&root, &format!("content/{rel}"), "补充一段新写的文字，说明后续安排。");
        let (changed, _, _) = built(session.rebuild(content(&[rel])), what);
        assert!(!changed.is_empty(), "{what}: the edit shows");
        assert_same_as_build(&root, &served, false, &format!("text edit of {what}"));
    }

    // The example as the browser sees it: srcset and size are kept.
    let page = fs::read_to_string(served.join("yaowen/2026-11-12-changweihui-nongwenlv/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let img = doc
        .select(&scraper::Selector::parse("article img[alt=\"常委会第二十次会议现场\"]").unwrap())
        .next()
        .expect("the body photo");
    for attribute in ["srcset", "sizes", "width", "height"] {
        assert!(
            img.value().attr(attribute).is_some(),
            "the photo lost {attribute}: {page}"
        );
    }
    assert!(!page.contains("tongxin-figure"), "no marker is left in the page");

    // A member's text, then a title edit of a page with photos.
    let member = "weiyuan/lin-zhenhua.md";
    append(&root, &format!("content/{member}"), "多次参加专题协商。");
    built(session.rebuild(content(&[member])), "a member");
    assert_same_as_build(&root, &served, false, "text edit of a member");
    let post = "yaowen/2026-11-12-changweihui-nongwenlv.md";
    edit(&root, &format!("content/{post}"), "title: ", "title: 【图文】");
    built(session.rebuild(content(&[post])), "title with photos");
    assert_same_as_build(&root, &served, false, "title edit of a page with photos");

    // A second photo named in the text, the way an editor's preview shows it
    // (from the Markdown file's folder), then a photo that is not there.
    append(
        &root,
        &format!("content/{post}"),
        "![会场另一角](2026-11-12-changweihui-nongwenlv/huichang.jpg)",
    );
    built(session.rebuild(content(&[post])), "a photo named beside the Markdown");
    assert_same_as_build(&root, &served, false, "a photo named beside the Markdown");
    append(&root, &format!("content/{post}"), "![还没拍的照片](meiyou.jpg)");
    match session.rebuild(content(&[post])) {
        Outcome::Failed { diagnostics } => {
            let d = diagnostics.iter().find(|d| d.is_error()).expect("an error");
            assert!(d.message.contains("meiyou.jpg"), "{d}");
            assert!(d.line.is_some(), "{d}");
        }
        Outcome::Built(_) => panic!("a missing photo is an error, as in build"),
    }
    edit(&root, &format!("content/{post}"), "![还没拍的照片](meiyou.jpg)", "");
    built(session.rebuild(content(&[post])), "the missing photo removed");
    assert_same_as_build(&root, &served, false, "after the missing photo is removed");

    session.write_search();
    assert_same_as_build(&root, &served, true, "with the search index");
    drop(session);
    let _ = fs::remove_dir_all(&served);
}

/// The search index is made on its own thread and an edit cancels it: the
/// page is updated at once, and the next run leaves the index a full build
/// writes.
#[test]
fn an_edit_during_indexing_cancels_it_and_the_index_catches_up() {
    let site = sample_site();
    let root = site.path().join("");
    let served = site.path().with_extension("served");
    let mut session = new_session(&root, &served);
    built(session.rebuild(Touched::everything()), "first build");
    assert!(session.search_stale());
    session.start_search();
    let post = "yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie.md";
    edit(&root, &format!("content/{post}"), "title: ", "title: 【新】");
    built(session.rebuild(content(&[post])), "an edit while indexing");
    assert!(
        session.search_stale(),
        "the index made before the edit is not the latest"
    );
    let page = fs::read_to_string(served.join("yaowen/2026-11-26-zhuxi-huiyi-niandu-zongjie/index.html")).unwrap();
    assert!(page.contains("【新】"));
    session.write_search();
    assert!(!session.search_stale());
    assert_same_as_build(&root, &served, true, "index after a cancelled run");
    drop(session);
    let _ = fs::remove_dir_all(&served);
}
