//! `tongxin check`: every rule on a fixture site written to trigger it (with its
//! file and line), a clean site of natural official Chinese that yields nothing,
//! false-positive guards, silencing, the binary's exit code and JSON, the sample
//! site, and `--external` against a local server.

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use tongxin::check::{Finding, Level};
use tongxin::rules::Rule;
use tongxin::{CheckOptions, CheckReport};

fn now() -> Option<jiff::civil::DateTime> {
    tongxin::commands::check::parse_now("2026-12-01")
}

/// A copy of a fixture site under tests/fixtures/check/, with the default theme.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/check").join(name), dir.path());
    copy_dir(&repo().join("themes/default"), &dir.path().join("themes/default"));
    dir
}

fn run(root: &Path) -> CheckReport {
    tongxin::check(&CheckOptions {
        now: now(),
        ..CheckOptions::new(root)
    })
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {}:{:?}:{:?} {}", f.rule.id(), f.file, f.line, f.column, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The bad fixture with the two files git cannot keep readable: one saved as
/// GBK, one with a byte order mark.
fn bad_site() -> tempfile::TempDir {
    let dir = fixture("bad");
    let (gbk, _, _) = encoding_rs::GBK
        .encode("---\ntitle: 旧电脑写的会议通知\ndate: 2026-09-08\nsource: 测试区政协\n---\n请准时参加。\n");
    std::fs::write(dir.path().join("content/yaowen/2026-09-08-gbk.md"), gbk).unwrap();
    std::fs::write(
        dir.path().join("content/yaowen/2026-09-09-bom.md"),
        "\u{feff}---\ntitle: 带字节顺序标记的稿件\ndate: 2026-09-09\nsource: 测试区政协\n---\n正文。\n",
    )
    .unwrap();
    // An attachment over the fixture's 1 MB limit, made here to keep the repository small.
    std::fs::create_dir_all(dir.path().join("content/yaowen/2026-09-10-fujian")).unwrap();
    std::fs::write(
        dir.path().join("content/yaowen/2026-09-10-fujian/fangan.pdf"),
        vec![b'%'; 1200 * 1024],
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/yaowen/2026-09-10-fujian.md"),
        "---\ntitle: 附件太大的方案\ndate: 2026-09-10\nsource: 测试区政协\nattachments:\n  - { file: fangan.pdf, title: 实施方案 }\n---\n见附件。\n",
    )
    .unwrap();
    // A 专题, and a post whose second 专题 word only nearly names it.
    std::fs::create_dir_all(dir.path().join("content/quanhui")).unwrap();
    std::fs::write(
        dir.path().join("content/quanhui/_index.md"),
        "---\ntitle: 全会专题\nkind: topic\nshort_name: 全会\n---\n全会的报道。\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/yaowen/2026-09-12-quanhui.md"),
        "---\ntitle: 全会开幕\ndate: 2026-09-12\nsource: 测试区政协\ntopics: [全会, 全会报道]\n---\n开幕。\n",
    )
    .unwrap();
    // A video over the fixture's 1 MB limit, made here too.
    std::fs::create_dir_all(dir.path().join("content/yaowen/2026-09-11-shipin")).unwrap();
    std::fs::write(
        dir.path().join("content/yaowen/2026-09-11-shipin/huiyi.mp4"),
        vec![0u8; 1100 * 1024],
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/yaowen/2026-09-11-shipin.md"),
        "---\ntitle: 视频太大的报道\ndate: 2026-09-11\nsource: 测试区政协\n---\n会议实况：\n\n```video\nhuiyi.mp4 会议实况\n```\n",
    )
    .unwrap();
    dir
}

#[test]
fn every_rule_is_triggered_at_its_file_and_line() {
    let site = bad_site();
    let report = run(site.path());
    let f = &report.findings;
    let expected: &[(&str, &str, Option<usize>, Option<usize>)] = &[
        ("fresh-home", "content/_index.md", None, None),
        ("fresh-column", "content/yaowen/_index.md", Some(1), None),
        ("fresh-column", "content/tongzhi/_index.md", Some(1), None),
        ("fresh-column", "content/sheqing/_index.md", Some(1), None),
        ("fresh-empty", "content/jiandu/_index.md", Some(1), None),
        ("fresh-empty", "content/ziliao/_index.md", Some(1), None),
        ("fresh-veto", "content", None, None),
        // Accepted on 1 July, no reply by 1 December; the one of 20 September is not late yet.
        ("fresh-reply", "content/xinxiang/2026-07-02-laixin.md", Some(4), None),
        ("placeholder", "content/yaowen/2026-09-01-zhanwei.md", Some(2), None),
        ("placeholder", "content/yaowen/2026-09-01-zhanwei.md", Some(7), Some(12)),
        ("placeholder", "content/yaowen/2026-09-01-zhanwei.md", Some(7), Some(17)),
        ("placeholder", "content/yaowen/2026-09-01-zhanwei.md", Some(9), Some(9)),
        ("wording", "content/yaowen/2026-09-02-yongyu.md", Some(7), Some(7)),
        ("wording", "content/yaowen/2026-09-02-yongyu.md", Some(7), Some(12)),
        ("wording", "content/yaowen/2026-09-02-yongyu.md", Some(7), Some(19)),
        ("wording", "content/yaowen/2026-09-02-yongyu.md", Some(9), Some(1)),
        ("wording", "content/yaowen/2026-09-02-yongyu.md", Some(9), Some(7)),
        ("text-space", "content/yaowen/2026-09-03-wenzi.md", Some(7), Some(6)),
        ("text-punct", "content/yaowen/2026-09-03-wenzi.md", Some(9), Some(6)),
        ("text-digits", "content/yaowen/2026-09-03-wenzi.md", Some(11), Some(6)),
        ("text-repeat", "content/yaowen/2026-09-03-wenzi.md", Some(13), Some(5)),
        ("text-repeat", "content/yaowen/2026-09-03-wenzi.md", Some(13), Some(15)),
        ("text-pair", "content/yaowen/2026-09-03-wenzi.md", Some(15), Some(6)),
        (
            "link-internal",
            "content/yaowen/2026-09-04-lianjie.md",
            Some(7),
            Some(3),
        ),
        ("link-image", "content/yaowen/2026-09-04-lianjie.md", Some(9), Some(1)),
        ("link-anchor", "content/yaowen/2026-09-04-lianjie.md", Some(11), Some(3)),
        ("meta-alt", "content/yaowen/2026-09-04-lianjie.md", Some(13), Some(1)),
        (
            "link-internal",
            "content/yaowen/2026-09-04-lianjie.md",
            Some(15),
            Some(3),
        ),
        ("link-script", "content/yaowen/2026-09-04-lianjie.md", Some(17), Some(4)),
        ("link-script", "content/yaowen/2026-09-04-lianjie.md", Some(19), Some(9)),
        (
            "link-script",
            "content/yaowen/2026-09-04-lianjie.md",
            Some(19),
            Some(53),
        ),
        ("link-theme", "templates", None, None),
        ("meta-source", "content/yaowen/2026-09-05-chongfu.md", Some(1), None),
        ("meta-title-dup", "content/yaowen/2026-09-05-chongfu.md", Some(2), None),
        ("meta-date", "content/yaowen/2026-09-06-wuriqi.md", Some(1), None),
        ("meta-future", "content/yaowen/2027-06-01-weilai.md", Some(3), None),
        ("meta-author", "content/sheqing/2026-09-05-xinxi.md", Some(1), None),
        ("build", "content/yaowen/2026-09-07-peizhi.md", Some(5), None),
        ("check-config", "content/yaowen/2026-09-07-peizhi.md", Some(6), None),
        ("link-attachment", "content/yaowen/2026-09-07-peizhi.md", Some(7), None),
        (
            "meta-attachment-size",
            "content/yaowen/2026-09-10-fujian.md",
            Some(5),
            None,
        ),
        ("meta-video-size", "content/yaowen/2026-09-11-shipin.md", Some(9), None),
        ("meta-topic", "content/yaowen/2026-09-12-quanhui.md", Some(5), None),
        ("encoding-legacy", "content/yaowen/2026-09-08-gbk.md", None, None),
        ("encoding-bom", "content/yaowen/2026-09-09-bom.md", Some(1), None),
        ("identity-suggestion", "site.yaml", Some(1), None),
        ("identity-organization", "site.yaml", Some(3), None),
        ("identity-contact", "site.yaml", Some(3), None),
        ("identity-icp", "site.yaml", Some(5), None),
        ("identity-police", "site.yaml", Some(5), None),
        ("identity-site-code", "site.yaml", Some(6), None),
        ("identity-secret", "site.yaml", Some(14), None),
    ];
    for &(rule, file, line, column) in expected {
        assert!(
            f.iter()
                .any(|x| x.rule.id() == rule && x.file == file && x.line == line && x.column == column),
            "missing {rule} at {file}:{line:?}:{column:?}\n{}",
            show(f)
        );
    }
    // Every rule but the external one (tested below against a local server).
    let triggered: BTreeSet<&str> = f.iter().map(|x| x.rule.id()).collect();
    let all: BTreeSet<&str> = Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| *id != "link-external")
        .collect();
    assert_eq!(triggered, all);
    // The site's own wording list is used, and messages say how to fix.
    assert!(f.iter().any(|x| x.text == "林震华" && x.message.contains("林振华")));
    assert!(f.iter().all(|x| !x.message.is_empty()));
    assert!(
        f.iter()
            .filter(|x| x.rule.id() != "fresh-veto")
            .all(|x| !x.fix.is_empty()),
        "{}",
        show(f)
    );
    assert!(!report.passed());
    let summary = report.freshness.as_ref().unwrap();
    assert_eq!((summary.stale_columns, summary.empty_columns), (3, 5));
}

#[test]
fn the_clean_site_yields_no_error_and_no_warning() {
    let site = fixture("clean");
    let report = run(site.path());
    let serious: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| f.level != Level::Info)
        .cloned()
        .collect();
    assert!(serious.is_empty(), "{}", show(&serious));
    assert!(report.passed());
    assert!(
        report.pages > 20,
        "the theme's pages are rendered and read: {}",
        report.pages
    );
}

#[test]
fn the_clean_corpus_is_at_least_as_large_as_the_bad_one() {
    let size = |name: &str| -> u64 {
        walkdir::WalkDir::new(repo().join("tests/fixtures/check").join(name))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| e.metadata().unwrap().len())
            .sum()
    };
    assert!(
        size("clean") >= size("bad"),
        "clean {} < bad {}",
        size("clean"),
        size("bad")
    );
}

/// A one-post site on top of the clean fixture.
fn with_post(body: &str) -> tempfile::TempDir {
    let site = fixture("clean");
    std::fs::write(
        site.path().join("content/yaowen/2026-11-29-ceshi.md"),
        format!("---\ntitle: 测试稿件\ndate: 2026-11-29\nsource: 清源区政协\n---\n\n{body}"),
    )
    .unwrap();
    site
}

fn findings_in_post(site: &Path) -> Vec<Finding> {
    run(site)
        .findings
        .into_iter()
        .filter(|f| f.file == "content/yaowen/2026-11-29-ceshi.md")
        .collect()
}

#[test]
fn real_text_that_looks_like_a_problem_is_not_flagged() {
    let site = with_post(
        "医院购置了X光机和X射线检测设备，河道水质由Ⅳ类提升到Ⅲ类。\n\n\
         巡河使用DJI-X3型无人机和X3云台，数据导入Excel表格，Linux服务器运行稳定。\n\n\
         会议要求提高委员素质，共商国是，更好服务群众。老委员说，能为家乡效劳是他的心愿。\n\n\
         委员们在学习中不断进步，委员素质明显提高。全国人大委员长会议召开，市政协代表团来访。\n\n\
         展板尺寸为3×4米，20世纪五十年代建成的老厂房也写作XX世纪遗存。\n",
    );
    let found = findings_in_post(site.path());
    assert!(found.is_empty(), "{}", show(&found));
}

#[test]
fn a_page_silences_rules_in_its_front_matter() {
    let site = fixture("clean");
    std::fs::write(
        site.path().join("content/yaowen/2026-11-29-ceshi.md"),
        "---\ntitle: 测试稿件\ndate: 2026-11-29\nsource: 清源区政协\ncheck: { ignore: [placeholder] }\n---\n\n全年召开X次会议，效劳群众。\n",
    )
    .unwrap();
    let found = findings_in_post(site.path());
    let rules: Vec<&str> = found.iter().map(|f| f.rule.id()).collect();
    assert_eq!(rules, ["wording"], "{}", show(&found));
}

#[test]
fn a_line_silences_rules_with_an_annotation() {
    let site = with_post(
        "全年召开X次会议。<!-- check-ignore: placeholder -->\n\n<!-- 检查忽略：用语 -->\n效劳群众。\n\n效劳大局，召开X次会议。\n",
    );
    let found = findings_in_post(site.path());
    let lines: Vec<(&str, Option<usize>)> = found.iter().map(|f| (f.rule.id(), f.line)).collect();
    assert_eq!(
        lines,
        [("wording", Some(12)), ("placeholder", Some(12))],
        "{}",
        show(&found)
    );
}

#[test]
fn a_column_and_the_site_silence_rules_too() {
    let site = with_post("全年召开X次会议，效劳群众，委员们深入 社区。\n");
    let index = site.path().join("content/yaowen/_index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        text.replacen(
            "kind: news\n",
            "kind: news\ncheck: { ignore: [链接, placeholder] }\n",
            1,
        ),
    )
    .unwrap();
    let yaml = site.path().join("site.yaml");
    let mut text = std::fs::read_to_string(&yaml).unwrap();
    text.push_str("check:\n  ignore: [text-space]\n  levels:\n    wording: 提示\n");
    std::fs::write(&yaml, text).unwrap();
    let found = findings_in_post(site.path());
    let got: Vec<(&str, Level)> = found.iter().map(|f| (f.rule.id(), f.level)).collect();
    assert_eq!(got, [("wording", Level::Info)], "{}", show(&found));
}

#[test]
fn build_errors_cannot_be_silenced() {
    let site = with_post("见[旧稿](@/yaowen/meiyou.md)。\n");
    let path = site.path().join("content/yaowen/2026-11-29-ceshi.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("---\n\n", "check: { ignore: [all] }\n---\n\n", 1)).unwrap();
    let report = run(site.path());
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule.id() == "link-internal" && f.level == Level::Error),
        "{}",
        show(&report.findings)
    );
}

fn binary(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin")).args(args).output().unwrap()
}

#[test]
fn the_exit_code_gates_publishing() {
    let bad = bad_site();
    let clean = fixture("clean");
    let out = binary(&["check", "--root", bad.path().to_str().unwrap(), "--now", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("content/yaowen/2026-09-01-zhanwei.md\n"),
        "grouped by file:\n{text}"
    );
    assert!(text.contains("第 7 行第 12 列  错误  [placeholder]"), "{text}");
    assert!(text.contains("按规则统计："), "{text}");
    assert!(text.contains("placeholder（占位符）：错误 4"), "{text}");
    assert!(text.contains("单项否决："), "{text}");
    assert!(text.trim_end().ends_with("检查未通过：请先改正错误再发布。"), "{text}");

    let out = binary(&["check", "--root", clean.path().to_str().unwrap(), "--now", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8(out.stdout).unwrap().contains("检查通过。"));

    let out = binary(&["check", "--root", clean.path().to_str().unwrap(), "--now", "昨天"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("无法识别日期"));
}

#[test]
fn the_json_report_is_stable() {
    let bad = bad_site();
    let out = binary(&[
        "check",
        "--root",
        bad.path().to_str().unwrap(),
        "--now",
        "2026-12-01",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["today"], "2026-12-01");
    assert_eq!(v["passed"], false);
    assert_eq!(v["external"], false);
    assert!(v["counts"]["error"].as_u64().unwrap() > 0);
    assert!(v["counts"]["warning"].is_u64() && v["counts"]["info"].is_u64());
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "placeholder")
        .unwrap();
    assert_eq!(
        (rule["name"].as_str(), rule["error"].as_u64()),
        (Some("占位符"), Some(4))
    );
    assert_eq!(v["freshness"]["veto_columns"], 5);
    assert_eq!(v["freshness"]["empty_columns"], 5);
    assert!(
        v["freshness"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["folder"] == "yaowen" && c["stale"] == true && c["limit"] == 14)
    );
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "placeholder" && f["line"] == 7 && f["column"] == 12)
        .unwrap();
    assert_eq!(f["rule_name"], "占位符");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["severity_name"], "错误");
    assert_eq!(f["file"], "content/yaowen/2026-09-01-zhanwei.md");
    assert_eq!(f["text"], "X次");
    assert!(f["message"].as_str().unwrap().contains("X次"));
    assert!(!f["fix"].as_str().unwrap().is_empty());
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "column",
            "file",
            "fix",
            "line",
            "message",
            "rule",
            "rule_name",
            "severity",
            "severity_name",
            "text"
        ]
    );
    // Findings without a line carry null, not a missing key.
    let home = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "fresh-home")
        .unwrap();
    assert!(home["line"].is_null() && home["column"].is_null());
}

#[test]
fn the_sample_site_passes_on_its_reference_day() {
    let report = tongxin::check(&CheckOptions {
        now: now(),
        ..CheckOptions::new(repo())
    });
    let errors: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .cloned()
        .collect();
    assert!(errors.is_empty(), "{}", show(&errors));
    // Nothing else either: the sample is what a well-kept site looks like.
    assert!(report.findings.is_empty(), "{}", show(&report.findings));
    assert!(report.pages > 100);
}

#[test]
fn the_suggestion_channel_reaches_templates_under_the_base_path() {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        &format!(
            "{}base_url: https://x.example.cn/zx/\nsuggestion:\n  title: 主席信箱\n  url: /guanyu/lianxi/\n",
            SITE_YAML.replace("base_url: https://test.example.cn/\n", "")
        ),
    );
    f.write(
        "templates/404.html",
        "{{ site.suggestion.title }}|{{ site.suggestion.url }}",
    );
    f.column("guanyu", "关于我们", "page", 20);
    f.write("content/guanyu/lianxi.md", "---\ntitle: 联系我们\n---\n电话。\n");
    f.build();
    assert_eq!(f.read("404.html"), "主席信箱|/zx/guanyu/lianxi/");

    f.write(
        "site.yaml",
        &format!("{SITE_YAML}suggestion: mailto:zhuxi@x.example.cn\n"),
    );
    f.build();
    assert_eq!(f.read("404.html"), "意见建议|mailto:zhuxi@x.example.cn");

    f.write(
        "site.yaml",
        &format!("{SITE_YAML}建言渠道:\n  名称: 委员建言\n  网址: 主席信箱\n"),
    );
    let failure = f.build_err();
    assert!(
        messages(&failure).contains("建言渠道的网址“主席信箱”写法不对"),
        "{}",
        messages(&failure)
    );
}

#[test]
fn a_missing_suggestion_page_is_reported_at_its_line() {
    let site = fixture("clean");
    let yaml = site.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replace("url: /guanyu/lianxi/", "url: /guanyu/xinxiang/")).unwrap();
    let report = run(site.path());
    let f: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule.id() == "identity-suggestion")
        .collect();
    assert_eq!(f.len(), 1, "{}", show(&report.findings));
    assert_eq!((f[0].file.as_str(), f[0].line), ("site.yaml", Some(13)));
    // The footer link to it is not reported a second time as a theme link.
    assert!(!report.findings.iter().any(|f| f.rule.id() == "link-theme"));
}

/// A local HTTP server: `/ok` answers 200, `/missing` 404, `/slow` too late.
/// Counts the requests it serves; stops when the test ends.
fn serve() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 2048];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                counter.fetch_add(1, Ordering::SeqCst);
                let status = match path.as_str() {
                    "/ok" => "200 OK",
                    "/slow" => {
                        std::thread::sleep(std::time::Duration::from_secs(3));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    (base, count)
}

/// The clean site without the filing numbers, whose links in the theme's
/// footer lead to the filing sites on the internet: tests that request
/// external links must only reach the local server.
fn offline(site: &tempfile::TempDir) {
    let yaml = site.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("icp:") && !l.trim_start().starts_with("police:"))
        .collect();
    std::fs::write(&yaml, kept.join("\n") + "\n").unwrap();
}

#[test]
fn external_links_are_checked_with_a_timeout_and_cached() {
    let (base, count) = serve();
    let site = with_post(&format!(
        "见[正常]({base}/ok)、[失效]({base}/missing)和[很慢]({base}/slow)。\n"
    ));
    offline(&site);
    let yaml = site.path().join("site.yaml");
    let mut text = std::fs::read_to_string(&yaml).unwrap();
    text.push_str("check:\n  external:\n    timeout: 1\n    per_host: 2\n");
    std::fs::write(&yaml, text).unwrap();

    // Without --external nothing is requested.
    let report = run(site.path());
    assert!(!report.findings.iter().any(|f| f.rule.id() == "link-external"));
    assert_eq!(count.load(Ordering::SeqCst), 0);

    let options = CheckOptions {
        external: true,
        now: now(),
        ..CheckOptions::new(site.path())
    };
    let started = std::time::Instant::now();
    let report = tongxin::check(&options);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let post = "content/yaowen/2026-11-29-ceshi.md";
    let external: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule.id() == "link-external" && f.file == post)
        .collect();
    assert_eq!(external.len(), 2, "{}", show(&report.findings));
    assert!(
        external
            .iter()
            .any(|f| f.text.ends_with("/missing") && f.message.contains("404"))
    );
    assert!(
        external
            .iter()
            .any(|f| f.text.ends_with("/slow") && f.message.contains("超过 1 秒"))
    );
    assert!(external.iter().all(|f| f.line == Some(7) && f.level == Level::Warning));
    // External links are warnings; the only errors are the filing numbers
    // taken out above.
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .all(|f| f.rule.id().starts_with("identity-")),
        "{}",
        show(&report.findings)
    );

    // The working link is remembered; the broken ones are asked again.
    let served = count.load(Ordering::SeqCst);
    let cache = std::fs::read_to_string(site.path().join(".tongxin/external-links.json")).unwrap();
    assert!(cache.contains("/ok") && !cache.contains("/missing"));
    let again = tongxin::check(&options);
    let again_external = again
        .findings
        .iter()
        .filter(|f| f.rule.id() == "link-external" && f.file == post);
    assert_eq!(again_external.count(), 2);
    let asked = count.load(Ordering::SeqCst) - served;
    assert!(asked >= 2, "broken links are asked again ({asked})");
    let ok_requests_before = served;
    assert!(ok_requests_before >= 3);
    // `/ok` alone would have added one request: only the two broken ones came back.
    assert!(asked <= 4, "the working link came from the cache ({asked} requests)");
}

#[test]
fn bodies_the_model_does_not_render_are_checked_too() {
    let site = fixture("clean");
    // Published later, and left out by its own error: neither is rendered now.
    std::fs::write(
        site.path().join("content/yaowen/2027-01-05-dingshi.md"),
        "---\ntitle: 定时发布的稿件\ndate: 2027-01-05\nsource: 清源区政协\n---\n\n全年召开X次会议。\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/yaowen/2026-11-29-wubiaoti.md"),
        "---\ndate: 2026-11-29\nsource: 清源区政协\n---\n\n效劳群众。\n",
    )
    .unwrap();
    let report = run(site.path());
    let got: Vec<(&str, &str, Option<usize>)> = report
        .findings
        .iter()
        .filter(|f| matches!(f.rule.id(), "placeholder" | "wording"))
        .map(|f| (f.rule.id(), f.file.as_str(), f.line))
        .collect();
    assert_eq!(
        got,
        [
            ("wording", "content/yaowen/2026-11-29-wubiaoti.md", Some(6)),
            ("placeholder", "content/yaowen/2027-01-05-dingshi.md", Some(7)),
        ],
        "{}",
        show(&report.findings)
    );
}

/// A local server whose every answer takes 300 ms; it records how many
/// requests it was serving at once.
fn slow_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let most = Arc::new(AtomicUsize::new(0));
    let now = Arc::new(AtomicUsize::new(0));
    let record = most.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let (most, now) = (record.clone(), now.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 2048];
                let _ = stream.read(&mut buf);
                let serving = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(serving, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(300));
                now.fetch_sub(1, Ordering::SeqCst);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    (base, most)
}

#[test]
fn external_links_to_one_host_are_limited() {
    let (base, most) = slow_server();
    let links: String = (1..=6).map(|i| format!("[第{i}个]({base}/wait/{i})、")).collect();
    let site = with_post(&format!("见{links}。\n"));
    offline(&site);
    let yaml = site.path().join("site.yaml");
    let mut text = std::fs::read_to_string(&yaml).unwrap();
    text.push_str("check:\n  external:\n    per_host: 2\n    cache_days: 0\n");
    std::fs::write(&yaml, text).unwrap();
    let report = tongxin::check(&CheckOptions {
        external: true,
        now: now(),
        ..CheckOptions::new(site.path())
    });
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule.id() == "link-external" && f.file.starts_with("content/")),
        "{}",
        show(&report.findings)
    );
    assert_eq!(most.load(Ordering::SeqCst), 2, "two requests at a time to one host");
}
