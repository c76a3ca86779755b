//! `tongxin init` and `tongxin new`: a new site builds and passes `check` with
//! no findings; new posts get the right file name, date, defaults and fields,
//! build as they are, and never overwrite anything.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use jiff::Timestamp;
use tongxin::commands::init::{COLUMNS, InitOptions, init};
use tongxin::commands::new::{NewOptions, new_post};
use tongxin::config::TOP_KEYS;
use tongxin::{BuildOptions, CheckOptions};

/// 2026-12-02 14:30 in Shanghai; 06:30 UTC.
fn clock() -> Timestamp {
    "2026-12-02T06:30:00Z".parse().unwrap()
}

fn init_site(dir: &Path) {
    init(&InitOptions {
        now: Some(clock()),
        ..InitOptions::new(dir)
    })
    .unwrap_or_else(|d| panic!("{d}"));
}

fn new_at(root: &Path, column: &str, title: &str, now: Timestamp) -> Result<String, String> {
    new_post(&NewOptions {
        now: Some(now),
        ..NewOptions::new(root, column, title)
    })
    .map(|c| c.path.to_string_lossy().replace('\\', "/"))
    .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))
}

fn new(root: &Path, column: &str, title: &str) -> Result<String, String> {
    new_at(root, column, title, clock())
}

fn build(root: &Path) {
    let options = BuildOptions {
        now: Some(clock()),
        ..BuildOptions::new(root)
    };
    if let Err(failure) = tongxin::build(&options) {
        panic!("build failed:\n{}", messages(&failure));
    }
}

fn findings(root: &Path) -> Vec<String> {
    let report = tongxin::check(&CheckOptions {
        now: tongxin::commands::check::parse_now("2026-12-02"),
        ..CheckOptions::new(root)
    });
    report
        .findings
        .iter()
        .map(|f| format!("{} {}:{:?} {}", f.rule, f.file, f.line, f.message))
        .collect()
}

#[test]
fn a_new_site_builds_and_passes_check_with_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("a/b/xinzhan");
    init_site(&root);
    build(&root);
    assert!(root.join("public/index.html").is_file());
    assert!(root.join("public/wenshi/shili-wenshi/quanshu/index.html").is_file());
    let found = findings(&root);
    assert!(found.is_empty(), "{found:#?}");
    // The examples are dated the day of init.
    let text = fs::read_to_string(root.join("content/yaowen/changweihui-zhaokai.md")).unwrap();
    assert!(text.contains("date: 2026-12-02\n"), "{text}");
}

#[test]
fn a_new_sites_example_topic_is_on_the_home_page_with_the_posts_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    init_site(dir.path());
    build(dir.path());
    let read =
        |rel: &str| scraper::Html::parse_document(&fs::read_to_string(dir.path().join("public").join(rel)).unwrap());
    assert_eq!(texts(&read("index.html"), ".home-topics .topic-name"), ["示例专题"]);
    let topic = read("zhuanti/index.html");
    assert_eq!(texts(&topic, ".topic-section h2"), ["专题报道", "委员建言"]);
    assert_eq!(
        texts(&topic, ".topic-section .item-list a"),
        ["示例县政协召开常委会会议", "关于完善社区养老服务的建议"]
    );
}

#[test]
fn a_new_site_has_every_column_kind_and_the_whole_theme() {
    let dir = tempfile::tempdir().unwrap();
    init_site(dir.path());
    let mut kinds: Vec<&str> = Vec::new();
    for (folder, kind) in COLUMNS {
        let index = fs::read_to_string(dir.path().join("content").join(folder).join("_index.md")).unwrap();
        assert!(index.contains(&format!("kind: {kind}")), "{folder}: {index}");
        kinds.push(kind);
    }
    kinds.sort();
    let mut all = vec![
        "news",
        "notice",
        "speech",
        "opinions",
        "page",
        "members",
        "proposals",
        "letters",
        "leaders",
        "topic",
        "series",
        "study",
    ];
    all.sort();
    assert_eq!(kinds, all);
    for entry in walkdir::WalkDir::new(repo().join("themes/default")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(repo()).unwrap();
            let copy = fs::read(dir.path().join(rel)).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
            assert_eq!(copy, fs::read(entry.path()).unwrap(), "{} differs", rel.display());
        }
    }
}

#[test]
fn the_new_site_yaml_explains_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    init_site(dir.path());
    let yaml = fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    for (en, zh) in TOP_KEYS {
        let line = yaml
            .lines()
            .find(|l| l.trim_start_matches(['#', ' ']).starts_with(&format!("{en}:")))
            .unwrap_or_else(|| panic!("site.yaml of init does not mention “{en}”"));
        assert!(
            line.contains(&format!("# {zh}")),
            "the line of “{en}” has no comment naming it {zh}: {line}"
        );
    }
}

#[test]
fn init_refuses_a_folder_with_files_and_a_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "旧文件").unwrap();
    let err = init(&InitOptions::new(dir.path())).unwrap_err();
    assert!(err.message.contains("已经有文件"), "{err}");
    assert_eq!(fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "旧文件");
    assert!(!dir.path().join("site.yaml").exists());
    let err = init(&InitOptions::new(dir.path().join("notes.txt"))).unwrap_err();
    assert!(err.message.contains("不是文件夹"), "{err}");
    // An empty folder is fine.
    let empty = dir.path().join("kong");
    fs::create_dir(&empty).unwrap();
    init_site(&empty);
}

#[test]
fn new_posts_get_pinyin_names_the_site_time_and_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_site(root);
    let path = new(root, "yaowen", "区政协召开十届常委会第十五次会议").unwrap();
    assert_eq!(
        path,
        "content/yaowen/2026-12-02-qu-zhengxie-zhaokai-shijie-changweihui.md"
    );
    let text = fs::read_to_string(root.join(&path)).unwrap();
    assert!(text.contains("title: 区政协召开十届常委会第十五次会议"), "{text}");
    // 06:30 UTC is 14:30 in Shanghai, the site's time zone.
    assert!(text.contains("date: 2026-12-02 14:30"), "{text}");

    // Just before midnight UTC is the next morning in Shanghai.
    let late: Timestamp = "2026-12-02T23:10:00Z".parse().unwrap();
    let path = new_at(root, "tongzhi", "全会闭幕", late).unwrap();
    assert_eq!(path, "content/tongzhi/2026-12-03-quanhui-bimu.md");
    assert!(
        fs::read_to_string(root.join(&path))
            .unwrap()
            .contains("date: 2026-12-03 07:10")
    );

    for (column, title, expected) in [
        ("jianghua", "在全会上的讲话", "content/jianghua/2026-12-02-"),
        ("sheqing", "关于养老服务的建议", "content/sheqing/2026-12-02-"),
        ("tian", "关于加装电梯的提案", "content/tian/2026-12-02-"),
        ("xuexi", "学习材料", "content/xuexi/2026-12-02-xuexi-cailiao.md"),
        ("weiyuan", "欧阳明华", "content/weiyuan/ouyang-minghua.md"),
        ("guanyu", "机构设置", "content/guanyu/jigou-shezhi.md"),
        ("wenshi", "溪山茶事", "content/wenshi/"),
        ("wenshi/shili-wenshi", "古渡往事", "content/wenshi/shili-wenshi/02-"),
        ("示例文史资料", "茶市旧闻", "content/wenshi/shili-wenshi/03-"),
    ] {
        let path = new(root, column, title).unwrap_or_else(|e| panic!("{column}: {e}"));
        assert!(path.starts_with(expected), "{column}: {path}");
    }
    // Every fresh post builds as it is, with no errors. What check still says
    // is what the user has to fill in (the proposal's proposers, the new
    // book's chapters) and the post dated by the later clock.
    build(root);
    let errors: Vec<String> = findings(root)
        .into_iter()
        .filter(|f| !f.starts_with("build ") && !f.starts_with("meta-future content/tongzhi/2026-12-03"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn fields_follow_the_column_kind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_site(root);
    let read = |p: &str| fs::read_to_string(root.join(p)).unwrap();
    let speech = read(&new(root, "jianghua", "讲话稿").unwrap());
    assert!(
        speech.contains("\nspeaker:") && speech.contains("\noccasion:"),
        "{speech}"
    );
    let opinion = read(&new(root, "sheqing", "建议").unwrap());
    assert!(opinion.contains("\ntopic:"), "{opinion}");
    let member = read(&new(root, "weiyuan", "李娜").unwrap());
    for key in [
        "name: 李娜",
        "sector:",
        "committee:",
        "party:",
        "employer:",
        "term: 第十届",
    ] {
        assert!(member.contains(key), "{key}: {member}");
    }
    assert!(!member.contains("\ndate:"), "{member}");
    let proposal = read(&new(root, "tian", "关于停车难的提案").unwrap());
    // The next number and the latest session of the column.
    for key in [
        "number: \"10-1-002\"",
        "session: 十届一次会议",
        "status: 立案",
        "proposers:",
        "handler:",
    ] {
        assert!(proposal.contains(key), "{key}: {proposal}");
    }
    let study = read(&new(root, "xuexi", "学习要点").unwrap());
    assert!(study.contains("issue: 2026年第1期"), "{study}");
    let page = read(&new(root, "guanyu", "政协简介").unwrap());
    assert!(page.contains("weight: 2") && !page.contains("date:"), "{page}");
    let book = read(&new(root, "wenshi", "溪山茶事").unwrap());
    assert!(book.contains("editor:") && book.contains("year: 2026"), "{book}");
    build(root);
}

#[test]
fn the_first_proposal_without_a_session_is_a_draft_until_filled() {
    let f = Fixture::new();
    f.column("tian", "提案工作", "proposals", 20);
    let path = new(f.root(), "tian", "关于停车难的提案").unwrap();
    let text = fs::read_to_string(f.root().join(&path)).unwrap();
    assert!(text.contains("\nsession:") && text.contains("draft: true"), "{text}");
    assert!(
        tongxin::build(&BuildOptions::new(f.root())).is_ok(),
        "a draft is not modelled"
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_site(root);
    let path = new(root, "yaowen", "全会闭幕").unwrap();
    fs::write(root.join(&path), "我写的稿子").unwrap();
    let err = new(root, "yaowen", "全会闭幕").unwrap_err();
    assert!(err.contains("已经存在") && err.contains(&path), "{err}");
    assert_eq!(fs::read_to_string(root.join(&path)).unwrap(), "我写的稿子");
}

#[test]
fn an_unknown_column_lists_the_columns_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_site(root);
    let err = new(root, "yaowne", "标题").unwrap_err();
    assert!(err.contains("没有叫“yaowne”的栏目"), "{err}");
    assert!(err.contains("是不是想写“yaowen”"), "{err}");
    for (folder, _) in COLUMNS {
        assert!(err.contains(folder), "{folder} missing: {err}");
    }
    assert!(
        err.contains("yaowen（政协要闻") && err.contains("tongzhi（通知公告"),
        "{err}"
    );
    let err = new(root, "政协新闻", "标题").unwrap_err();
    assert!(err.contains("政协要闻"), "{err}");
}

#[test]
fn a_column_named_by_its_chinese_title() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_site(root);
    let path = new(root, "政协要闻", "全会闭幕").unwrap();
    assert_eq!(path, "content/yaowen/2026-12-02-quanhui-bimu.md");
    let path = new(root, "委员风采", "王芳").unwrap();
    assert_eq!(path, "content/weiyuan/wang-fang.md");
}

#[test]
fn author_and_source_come_from_the_column_then_site_yaml() {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        &format!("{SITE_YAML}defaults:\n  author: 站点默认作者\n  来源: 站点默认来源\n"),
    );
    f.write(
        "content/yaowen/_index.md",
        "---\ntitle: 政协要闻\nkind: news\n作者: 要闻组\n---\n",
    );
    f.write("content/tongzhi/_index.md", "---\ntitle: 通知公告\nkind: notice\n---\n");
    let read = |p: &str| fs::read_to_string(f.root().join(p)).unwrap();
    let news = read(&new(f.root(), "yaowen", "全会闭幕").unwrap());
    assert!(news.contains("author: 要闻组"), "{news}");
    assert!(news.contains("source: 站点默认来源"), "{news}");
    let notice = read(&new(f.root(), "tongzhi", "会议通知").unwrap());
    assert!(notice.contains("author: 站点默认作者"), "{notice}");
    assert!(notice.contains("source: 站点默认来源"), "{notice}");

    // Without defaults: no author, and the site's name as the source.
    f.write("site.yaml", SITE_YAML);
    let bare = read(&new(f.root(), "tongzhi", "另一个通知").unwrap());
    assert!(bare.contains("\nauthor:    #"), "{bare}");
    assert!(bare.contains("source: 测试政协"), "{bare}");
}

#[test]
fn a_folder_without_site_yaml_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = new(dir.path(), "yaowen", "标题").unwrap_err();
    assert!(err.contains("site.yaml") && err.contains("tongxin init"), "{err}");
}

#[test]
fn titles_that_yaml_would_misread_are_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_site(root);
    let path = new(root, "yaowen", "2026: 回顾 #1").unwrap();
    let text = fs::read_to_string(root.join(&path)).unwrap();
    assert!(text.contains("title: \"2026: 回顾 #1\""), "{text}");
    build(root);
    let html = fs::read_to_string(
        root.join("public/yaowen")
            .join(Path::new(&path).file_stem().unwrap())
            .join("index.html"),
    )
    .unwrap();
    assert!(html.contains("2026: 回顾 #1"));
}

#[test]
fn the_binary_prints_in_chinese_and_exits_1_on_refusal() {
    let bin = env!("CARGO_BIN_EXE_tongxin");
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("zhan");
    let out = std::process::Command::new(bin).arg("init").arg(&site).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("已新建网站") && stdout.contains("tongxin serve"),
        "{stdout}"
    );
    let out = std::process::Command::new(bin)
        .args(["new", "政协要闻", "全会", "闭幕", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("已创建：content/yaowen/"), "{stdout}");
    let out = std::process::Command::new(bin).arg("init").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已经有文件"));
}
