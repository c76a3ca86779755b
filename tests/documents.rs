//! A document's validity (文件效力): a notice marked 已修改, 已废止 or 已失效
//! says so on its page, in its column's list, in search and in its metadata;
//! wrong settings are Chinese errors with the file and line.

mod common;

use common::*;
use tongxin::diagnostics::Diagnostic;
use tongxin::output::search::read;

const OLD: &str = "content/tongzhi/2025-03-01-old.md";
const NEW: &str = "content/tongzhi/2026-05-01-new.md";

/// A notice column with an old notice (its settings after the title and
/// date given by `status`) and the new one that replaces it.
fn site(status: &str) -> Fixture {
    let f = Fixture::new();
    f.column("tongzhi", "通知公告", "notice", 20);
    f.write(
        OLD,
        &format!("---\ntitle: 关于委员履职登记的通知\ndate: 2025-03-01\n{status}---\n请各位委员按时登记。\n"),
    );
    f.write(
        NEW,
        "---\ntitle: 关于委员履职登记的新通知\ndate: 2026-05-01\n---\n登记办法有所调整。\n",
    );
    f
}

const REPEALED: &str = "status: 已废止\nstatus_date: 2026-05-01\nreplaced_by: \"@/tongzhi/2026-05-01-new.md\"\n";

fn errors(f: &Fixture) -> Vec<Diagnostic> {
    f.build_err()
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

fn search_titles(f: &Fixture) -> Vec<String> {
    let index = read::read(&f.public().join("search/data")).unwrap();
    index.texts.into_iter().flatten().map(|d| d.title).collect()
}

#[test]
fn a_repealed_notice_says_so_on_its_page_in_lists_search_and_metadata() {
    let f = site(REPEALED);
    f.build();
    let page = f.html("tongzhi/2025-03-01-old/index.html");

    let banner = texts(&page, ".doc-status[role=note]");
    assert_eq!(banner.len(), 1);
    assert!(
        banner[0].contains("本文件已于2026年5月1日废止，现行文件见《关于委员履职登记的新通知》"),
        "{banner:?}"
    );
    assert_eq!(texts(&page, ".doc-status h2"), ["文件效力：已废止"]);
    assert_eq!(attrs(&page, ".doc-status a", "href"), ["/tongzhi/2026-05-01-new/"]);
    assert_eq!(attrs(&page, ".doc-status", "aria-labelledby"), ["doc-status-title"]);
    assert_eq!(attrs(&page, "#doc-status-title", "id").len(), 1);

    assert_eq!(attrs(&page, "meta[name=DocumentStatus]", "content"), ["已废止"]);
    assert_eq!(attrs(&page, "meta[name=StatusDate]", "content"), ["2026-05-01"]);
    assert_eq!(
        attrs(&page, "meta[name=ReplacedBy]", "content"),
        ["https://test.example.cn/tongzhi/2026-05-01-new/"]
    );

    // The new notice has no banner and no status.
    let new = f.html("tongzhi/2026-05-01-new/index.html");
    assert!(texts(&new, ".doc-status").is_empty());
    assert!(attrs(&new, "meta[name=DocumentStatus]", "content").is_empty());

    // The column list marks the old one only.
    let list = f.html("tongzhi/index.html");
    assert_eq!(texts(&list, ".item-list .doc-mark"), ["【已废止】"]);
    let links = texts(&list, ".item-list li > a");
    assert!(
        links.contains(&"【已废止】关于委员履职登记的通知".to_string()),
        "{links:?}"
    );
    assert!(links.contains(&"关于委员履职登记的新通知".to_string()), "{links:?}");

    let titles = search_titles(&f);
    assert!(
        titles.contains(&"【已废止】关于委员履职登记的通知".to_string()),
        "{titles:?}"
    );
    assert!(titles.contains(&"关于委员履职登记的新通知".to_string()), "{titles:?}");
}

#[test]
fn english_values_chinese_keys_and_a_web_address() {
    let f = site("状态: expired\n变更日期: 2026年1月31日\n替代文件: https://www.gov.cn/zhengce/\n");
    f.build();
    let page = f.html("tongzhi/2025-03-01-old/index.html");
    let banner = texts(&page, ".doc-status p");
    assert!(
        banner[0].starts_with("本文件已于2026年1月31日失效，现行文件见https://www.gov.cn/zhengce/"),
        "{banner:?}"
    );
    assert_eq!(attrs(&page, ".doc-status a", "href"), ["https://www.gov.cn/zhengce/"]);
    assert_eq!(attrs(&page, "meta[name=DocumentStatus]", "content"), ["已失效"]);
    assert_eq!(texts(&f.html("tongzhi/index.html"), ".doc-mark"), ["【已失效】"]);
}

#[test]
fn an_amended_notice_without_date_or_replacement_and_a_valid_one() {
    let f = site("status: 已修改\n");
    f.build();
    let page = f.html("tongzhi/2025-03-01-old/index.html");
    assert_eq!(texts(&page, ".doc-status p"), ["本文件已修改。本页内容仅供查阅。"]);
    assert!(attrs(&page, "meta[name=StatusDate]", "content").is_empty());

    let f = site("status: 有效\n");
    f.build();
    let page = f.html("tongzhi/2025-03-01-old/index.html");
    assert!(texts(&page, ".doc-status").is_empty(), "a valid document has no banner");
    assert_eq!(attrs(&page, "meta[name=DocumentStatus]", "content"), ["有效"]);
    assert!(texts(&f.html("tongzhi/index.html"), ".doc-mark").is_empty());
}

#[test]
fn a_proposal_status_is_still_its_handling_status() {
    let f = Fixture::new();
    f.column("tian", "提案工作", "proposals", 20);
    f.write(
        "content/tian/a.md",
        "---\ntitle: 关于加装电梯的提案\nnumber: \"10-5-001\"\nsession: 十届五次会议\nstatus: 已办复\n---\n正文。\n",
    );
    f.build();
    let page = f.html("tian/a/index.html");
    assert!(texts(&page, ".doc-status").is_empty());
    assert!(attrs(&page, "meta[name=DocumentStatus]", "content").is_empty());
    assert_eq!(texts(&page, ".status"), ["已办复"]);
}

#[test]
fn wrong_settings_are_errors_with_file_and_line() {
    let cases: &[(&str, usize, &[&str])] = &[
        ("status: 作废\n", 4, &["作废", "有效、已修改、已废止、已失效"]),
        ("status: 已废址\n", 4, &["已废址", "已废止"]),
        (
            "status: 已废止\nstatus_date: 2026-02-30\n",
            5,
            &["变更日期", "2026-02-30"],
        ),
        (
            "status: 已废止\nreplaced_by: \"@/tongzhi/2026-05-01-nwe.md\"\n",
            5,
            &["不存在", "@/tongzhi/2026-05-01-new.md"],
        ),
        (
            "status: 已废止\nreplaced_by: 新通知\n",
            5,
            &["不是站内文章的链接", "@/"],
        ),
        ("status_date: 2026-05-01\n", 4, &["status", "已废止"]),
        ("status: 有效\nreplaced_by: https://www.gov.cn/\n", 5, &["有效", "删掉"]),
    ];
    for (settings, line, words) in cases {
        let f = site(settings);
        let errors = errors(&f);
        assert_eq!(errors.len(), 1, "{settings}: {errors:?}");
        let e = &errors[0];
        assert_eq!(e.file.to_string_lossy().replace('\\', "/"), OLD, "{settings}");
        assert_eq!(e.line, Some(*line), "{settings}: {e}");
        let text = format!("{} {}", e.message, e.hint.as_deref().unwrap_or(""));
        assert!(e.hint.is_some(), "{settings}: says how to fix it");
        for word in *words {
            assert!(text.contains(word), "{settings}: “{word}” in {text}");
        }
    }
}

#[test]
fn a_draft_replacement_is_an_error() {
    let f = site(REPEALED);
    f.write(NEW, "---\ntitle: 新通知\ndate: 2026-05-01\ndraft: true\n---\n正文。\n");
    let errors = errors(&f);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(6));
    assert!(errors[0].message.contains("草稿"), "{}", errors[0]);
}

#[test]
fn a_second_build_follows_status_and_title_edits() {
    let f = site("");
    f.build();
    assert!(texts(&f.html("tongzhi/index.html"), ".doc-mark").is_empty());

    // The status changes: the list shows the mark.
    f.write(
        OLD,
        &format!("---\ntitle: 关于委员履职登记的通知\ndate: 2025-03-01\n{REPEALED}---\n请各位委员按时登记。\n"),
    );
    f.build();
    assert_eq!(texts(&f.html("tongzhi/index.html"), ".doc-mark"), ["【已废止】"]);
    assert_eq!(texts(&f.html("index.html"), ".doc-mark"), ["【已废止】"]);

    // The replacement's title changes: the banner names the new title.
    f.write(
        NEW,
        "---\ntitle: 履职登记办法\ndate: 2026-05-01\n---\n登记办法有所调整。\n",
    );
    f.build();
    let banner = texts(&f.html("tongzhi/2025-03-01-old/index.html"), ".doc-status a");
    assert_eq!(banner, ["《履职登记办法》"]);

    let clean = Fixture::new();
    copy_dir(&f.root().join("content"), &clean.root().join("content"));
    clean.build();
    for rel in ["tongzhi/index.html", "tongzhi/2025-03-01-old/index.html", "index.html"] {
        assert_eq!(
            f.read(rel),
            clean.read(rel),
            "{rel}: the incremental build equals a clean one"
        );
    }
}
