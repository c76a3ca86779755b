//! A failed build: every error named with file and line, in Chinese, all of them
//! in one run, exit code 1, and the previous output left exactly as it was.

mod common;

use std::process::Command;

use common::*;
use tongxin::diagnostics::Diagnostic;

fn only_error(f: &Fixture) -> Diagnostic {
    let failure = f.build_err();
    let errors: Vec<_> = failure.errors().cloned().collect();
    assert_eq!(errors.len(), 1, "expected one error:\n{}", messages(&failure));
    errors.into_iter().next().unwrap()
}

fn file_name(d: &Diagnostic) -> String {
    d.file.to_string_lossy().replace('\\', "/")
}

#[test]
fn full_width_colon_in_front_matter() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/bad.md",
        "---\ntitle: 好标题\n日期：2025-03-02\n---\n正文。\n",
    );
    let e = only_error(&f);
    assert_eq!(file_name(&e), "content/yaowen/bad.md");
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("全角冒号"), "{e}");
    assert!(e.hint.unwrap().contains("半角冒号"));
}

#[test]
fn tab_indented_yaml() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/bad.md",
        "---\ntitle: 好标题\ndate: 2025-03-02\ntags:\n\t- 乡村振兴\n---\n正文。\n",
    );
    let e = only_error(&f);
    assert_eq!(e.line, Some(5));
    assert!(e.message.contains("Tab"), "{e}");
}

#[test]
fn unclosed_front_matter() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/bad.md",
        "---\ntitle: 好标题\ndate: 2025-03-02\n正文。\n",
    );
    let e = only_error(&f);
    assert_eq!(file_name(&e), "content/yaowen/bad.md");
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("---"), "{e}");
}

#[test]
fn unknown_column_kind_suggests_the_right_one() {
    let f = Fixture::new();
    f.write("content/yaowen/_index.md", "---\ntitle: 政协要闻\nkind: newz\n---\n");
    let e = only_error(&f);
    assert_eq!(file_name(&e), "content/yaowen/_index.md");
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("newz"));
    assert!(e.hint.unwrap().contains("news"));
}

#[test]
fn missing_template() {
    let f = Fixture::with_news(1);
    std::fs::remove_file(f.root().join("themes/default/templates/article.html")).unwrap();
    let e = only_error(&f);
    assert!(e.message.contains("article.html"), "{e}");
    assert!(e.hint.unwrap().contains("templates/"));
}

#[test]
fn misspelt_theme_suggests_the_installed_one() {
    let f = Fixture::with_news(1);
    f.write("site.yaml", &format!("{SITE_YAML}theme: defualt\n"));
    let e = only_error(&f);
    assert!(e.message.contains("defualt"), "{e}");
    assert!(e.hint.unwrap().contains("theme: default"));
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let f = Fixture::with_news(1);
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ site.title </h1>\n{% endblock main %}\n",
    );
    let e = only_error(&f);
    assert_eq!(file_name(&e), "templates/404.html");
    assert_eq!(e.line, Some(3));
    assert!(e.message.starts_with("模板语法错误"), "{e}");
}

#[test]
fn partials_may_include_partials_but_not_missing_ones() {
    let f = Fixture::with_news(1);
    // A partial that includes another partial builds (they are checked together).
    f.write("templates/partials/inner.html", "<p>内层</p>\n");
    f.write(
        "templates/partials/outer.html",
        "{% include \"partials/inner.html\" %}\n",
    );
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}{% include \"partials/outer.html\" %}{% endblock main %}\n",
    );
    f.build();
    // One that includes a template nobody wrote is an error naming it.
    f.write(
        "templates/partials/outer.html",
        "{% include \"partials/nowhere.html\" %}\n",
    );
    let e = only_error(&f);
    assert!(e.message.contains("partials/nowhere.html"), "{e}");
}

#[test]
fn template_runtime_error_names_template_and_line() {
    let f = Fixture::with_news(2);
    f.write("templates/article.html", "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.no_such_field.x }}</p>\n{% endblock main %}\n");
    // Both articles hit the same mistake; it is reported once.
    let e = only_error(&f);
    assert_eq!(file_name(&e), "templates/article.html");
    assert_eq!(e.line, Some(4));
    assert!(e.message.starts_with("模板运行出错"), "{e}");
}

#[test]
fn a_mistake_in_the_base_template_is_reported_once_in_chinese() {
    // Every kind of page (home, lists, articles, tags, 404…) extends base.html,
    // and each has other variables: still one error, not one per kind of page.
    let f = Fixture::with_news(2);
    let base = std::fs::read_to_string(f.root().join("themes/default/templates/base.html")).unwrap();
    f.write(
        "templates/base.html",
        &base.replacen("</footer>", "{{ no_such_thing }}</footer>", 1),
    );
    let e = only_error(&f);
    assert_eq!(file_name(&e), "templates/base.html");
    assert_eq!(e.message, "模板运行出错：变量 no_such_thing 在这个页面不存在", "{e}");
}

#[test]
fn url_collision_names_both_files() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/a.md",
        "---\ntitle: 甲\ndate: 2025-03-02\nslug: same\n---\n",
    );
    f.write(
        "content/yaowen/b.md",
        "---\ntitle: 乙\ndate: 2025-03-03\nslug: same\n---\n",
    );
    let e = only_error(&f);
    let text = e.to_string();
    assert!(text.contains("content/yaowen/a.md"), "{text}");
    assert!(text.contains("content/yaowen/b.md"), "{text}");
    assert!(text.contains("/yaowen/same/"), "{text}");
}

#[test]
fn broken_source_link_names_line() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/2025-06-01-x.md",
        "---\ntitle: 甲\ndate: 2025-06-01\n---\n第一段。\n\n见[此文](@/yaowen/2025-03-01-post-2.md)。\n",
    );
    let e = only_error(&f);
    assert_eq!(e.line, Some(7));
    assert!(e.message.contains("@/yaowen/2025-03-01-post-2.md"));
    assert!(
        e.hint.unwrap().contains("@/yaowen/2025-03-01-post-1.md"),
        "suggests the close match"
    );
}

#[test]
fn site_yaml_typo_is_an_error_with_a_suggestion() {
    let f = Fixture::with_news(1);
    f.write("site.yaml", &format!("{SITE_YAML}descripton: 简介\n"));
    let e = only_error(&f);
    assert_eq!(file_name(&e), "site.yaml");
    assert_eq!(e.line, Some(5));
    assert!(e.hint.unwrap().contains("description"));
}

#[test]
fn nav_naming_a_missing_column() {
    let f = Fixture::with_news(1);
    f.write("site.yaml", &format!("{SITE_YAML}nav: [yaowen, yaowne]\n"));
    let e = only_error(&f);
    assert_eq!(file_name(&e), "site.yaml");
    assert_eq!(e.line, Some(5));
    assert!(e.message.contains("yaowne"));
    assert!(e.hint.unwrap().contains("yaowen"));
}

#[test]
fn missing_title_and_date_and_bad_date() {
    let f = Fixture::with_news(1);
    f.write("content/yaowen/no-title.md", "---\ndate: 2025-03-02\n---\n正文。\n");
    f.write("content/yaowen/no-date.md", "---\ntitle: 没有日期\n---\n正文。\n");
    f.write(
        "content/yaowen/bad-date.md",
        "---\ntitle: 日期错\ndate: 20__年3月2日\n---\n正文。\n",
    );
    let failure = f.build_err();
    let errors: Vec<String> = failure.errors().map(|d| d.to_string()).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("no-title.md") && e.contains("标题")));
    assert!(errors.iter().any(|e| e.contains("no-date.md") && e.contains("日期")));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("bad-date.md 第 3 行") && e.contains("20__年3月2日"))
    );
}

#[test]
fn every_error_is_reported_in_one_run() {
    let f = Fixture::with_news(1);
    f.write("site.yaml", &format!("{SITE_YAML}them: default\n"));
    f.write("content/yaowen/a.md", "---\ntitle：甲\n---\n");
    f.write("content/yaowen/b.md", "---\ntitle: 乙\n");
    f.write("content/tongzhi/_index.md", "---\ntitle: 通知\nkind: notices\n---\n");
    f.write(
        "content/tongzhi/2025-01-01-n.md",
        "---\ntitle: 通知一\ndate: 2025-01-01\n---\n",
    );
    f.write("templates/index.html", "{% if %}");
    let failure = f.build_err();
    let files: Vec<String> = failure.errors().map(file_name).collect();
    for expected in [
        "site.yaml",
        "content/yaowen/a.md",
        "content/yaowen/b.md",
        "content/tongzhi/_index.md",
        "templates/index.html",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "no error for {expected}: {files:?}"
        );
    }
    assert_eq!(files.len(), 5, "no follow-on errors: {}", messages(&failure));
}

#[test]
fn cli_exits_1_prints_chinese_and_keeps_previous_output() {
    let f = Fixture::with_news(2);
    f.build();
    let before = snapshot(&f);
    assert!(!before.is_empty());

    f.write("content/yaowen/bad.md", "---\n标题：坏文件\n---\n");
    let out = Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(["build", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("错误：content/yaowen/bad.md 第 2 行"), "{stderr}");
    assert!(stderr.contains("生成失败"), "{stderr}");
    assert_eq!(snapshot(&f), before, "the previous output must be untouched");
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("tongxin-"))
        .collect();
    assert!(leftovers.is_empty(), "the staging folder is cleaned up");
}

#[test]
fn render_failure_also_keeps_previous_output() {
    let f = Fixture::with_news(2);
    f.build();
    let before = snapshot(&f);
    f.write("templates/article.html", "{{ page.missing.deeper }}");
    f.build_err();
    assert_eq!(snapshot(&f), before);
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let f = Fixture::with_news(1);
    f.write("public/我的文件.docx", "重要资料");
    let e = only_error(&f);
    assert!(e.message.contains("不是同心生成的"), "{e}");
    assert!(f.exists("我的文件.docx"));
}

#[test]
fn cli_succeeds_with_exit_0() {
    let f = Fixture::with_news(1);
    let out = Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(["build", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("生成完成"));
}

/// `tongxin` run with `args` in an empty folder: exit code, stdout, stderr.
fn tongxin(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn mistakes_on_the_command_line_are_explained_in_chinese() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["biuld"],
            &["没有“biuld”这个命令", "是不是想写“build”？", "查看说明：tongxin --help"],
        ),
        (
            &["build", "--out", "site"],
            &[
                "不认识选项“--out”",
                "是不是想写“--output”？",
                "用法：tongxin build [选项]",
            ],
        ),
        (
            &["new"],
            &["还缺少 <栏目> <标题>...", "用法：tongxin new [选项] <栏目> <标题>..."],
        ),
        (&["serve", "--port", "八八"], &["--port 后面的“八八”不对", "1 到 65535"]),
        (
            &["check", "--format", "xml"],
            &["“xml”不是 --format 能用的值", "“text”或“json”"],
        ),
        (&["check", "--now", "明天"], &["无法识别日期“明天”"]),
        (&["help", "biuld"], &["没有“biuld”这个命令", "可用的命令：build、serve"]),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = tongxin(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        for e in *expected {
            assert!(stderr.contains(e), "{args:?} should say {e}: {stderr}");
        }
        for english in ["error", "Usage", "tip:", "For more information"] {
            assert!(!stderr.contains(english), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn help_is_in_chinese_for_every_command() {
    let (code, top, _) = tongxin(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(top.contains("用法：tongxin [命令] [选项]"), "{top}");
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| *l != "命令：")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect();
    assert!(commands.len() >= 8, "{top}");
    for name in &commands {
        for args in [vec![name.as_str(), "--help"], vec!["help", name.as_str()]] {
            let (code, help, _) = tongxin(&args);
            assert_eq!(code, Some(0), "{args:?}");
            assert!(help.contains(&format!("用法：tongxin {name}")), "{args:?}: {help}");
            assert!(help.contains("-h, --help  ") && help.contains("显示说明"), "{help}");
            for english in ["Usage", "Options", "Arguments", "Print", "[default", "[possible"] {
                assert!(!help.contains(english), "{args:?} says {english}: {help}");
            }
        }
    }
}

/// Every file of the output with its contents.
fn snapshot(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(f.public())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}
