//! A corpus of bad input: each case is a small good site with ONE problem
//! brought in, and the exact behaviour a publicity worker should see.
//!
//! The good site (two news posts) is built once; every case starts from a copy
//! of it, with its `public/`. The harness brings in the problem, snapshots the
//! output folder, and then
//! - runs the library build and finds the expected diagnostic (severity, file,
//!   line, message text, a Chinese message with a "怎么改" hint), with no other
//!   error beside it;
//! - runs the `tongxin build` binary and checks its exit code and that what it
//!   printed is Chinese and names the file (and line);
//! - when the build failed, checks that `public/` is byte for byte what the good
//!   build wrote.
//!
//! Every case is run (two at a time) and every failure is collected, so one run
//! lists them all. `BAD_INPUT_CASE=text cargo test --test bad_input` runs only
//! the cases whose name contains `text`. Cases that need root (mounts) are
//! skipped, with the reason printed, where mounting is not allowed.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use tongxin::diagnostics::{Diagnostic, Severity};

/// What the build should say about the problem.
#[derive(Clone, Copy)]
enum Expect {
    /// The build fails (exit 1) with an error matching this: the only error
    /// (unless the case sets `errors`) and no warning beyond `also`.
    Error(Said),
    /// The build succeeds (exit 0) with a warning matching this, and nothing
    /// else beyond `also`.
    Warning(Said),
    /// The build succeeds (exit 0) with no diagnostic beyond `also`; the case's
    /// `check` looks at the output.
    Builds,
}

/// One diagnostic, as it should be.
#[derive(Clone, Copy)]
struct Said {
    /// The file named, as shown to the user (relative to the site).
    file: &'static str,
    /// The line, when there is one.
    line: Option<usize>,
    /// Text that must appear in the message or its hint.
    text: &'static [&'static str],
}

const fn said(file: &'static str, line: Option<usize>, text: &'static [&'static str]) -> Said {
    Said { file, line, text }
}

/// Whatever a case needs to keep alive until it is done (a mount, say).
type Guard = Option<Box<dyn std::any::Any>>;

struct Case {
    name: &'static str,
    /// Runs before the good build: mounts, a different output folder. `Err`
    /// skips the case, with the reason printed.
    prepare: fn(&Fixture) -> Result<Guard, String>,
    /// Brings the one problem into the good site.
    setup: fn(&Fixture),
    expect: Expect,
    /// Further checks on the finished output (for cases that build).
    check: fn(&Fixture) -> Result<(), String>,
    /// Where the output goes, relative to the site (default `public`).
    output: &'static str,
    /// The longest each build may take.
    limit: Duration,
    /// How many errors the build reports (one, unless the case says why not).
    errors: usize,
    /// Warnings that must come with the expected diagnostic.
    also: &'static [Said],
    /// The problem only shows for a user other than root (an unreadable file):
    /// as root, the binary is run as `nobody` and the library build is not checked.
    nobody: bool,
}

const CASE: Case = Case {
    name: "",
    prepare: |_| Ok(None),
    setup: |_| {},
    expect: Expect::Builds,
    check: |_| Ok(()),
    output: "public",
    limit: Duration::from_secs(10),
    errors: 1,
    also: &[],
    nobody: false,
};

const POST: &str = "content/yaowen/2025-03-05-bad.md";

fn post(f: &Fixture, text: &str) {
    f.write(POST, text);
}

fn post_bytes(f: &Fixture, bytes: &[u8]) {
    f.write_bytes(POST, bytes);
}

fn site_yaml(f: &Fixture, text: &str) {
    f.write("site.yaml", text);
}

const GOOD_POST: &str = "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n会议听取了工作报告。\n";

fn cases() -> Vec<Case> {
    vec![
        // ---------------------------------------------------------------- front matter
        Case {
            name: "front matter: full-width colon after a key",
            setup: |f| post(f, "---\n标题：区政协召开常委会会议\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(2), &["全角冒号", "半角冒号"])),
            ..CASE
        },
        Case {
            name: "front matter: full-width quotes around the title",
            // Chinese quotes are ordinary characters in YAML: the title keeps them.
            setup: |f| post(f, "---\ntitle: “区政协召开常委会会议”\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "“区政协召开常委会会议”"),
            ..CASE
        },
        Case {
            name: "front matter: half-width quote left open",
            setup: |f| post(f, "---\ntitle: \"区政协召开常委会会议\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(2), &["引号没有配对", "中文引号"])),
            ..CASE
        },
        Case {
            name: "front matter: tab indentation",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\ntags:\n\t- 乡村振兴\n---\n正文。\n",
                )
            },
            expect: Expect::Error(said(POST, Some(5), &["Tab", "空格"])),
            ..CASE
        },
        Case {
            name: "front matter: opening --- never closed",
            setup: |f| post(f, "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n正文。\n"),
            expect: Expect::Error(said(POST, Some(1), &["---", "单独加一行"])),
            ..CASE
        },
        Case {
            name: "front matter: a YAML list instead of settings",
            setup: |f| post(f, "---\n- 区政协召开常委会会议\n- 2025-03-05\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(2), &["名称: 值", "title:"])),
            ..CASE
        },
        Case {
            name: "front matter: date written 2025.3.5 is accepted",
            setup: |f| post(f, "---\ntitle: 区政协召开常委会会议\ndate: 2025.3.5\n---\n正文。\n"),
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "2025-03-05"),
            ..CASE
        },
        Case {
            name: "front matter: date written 2025/3/5 is accepted",
            setup: |f| post(f, "---\ntitle: 区政协召开常委会会议\ndate: 2025/3/5\n---\n正文。\n"),
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "2025-03-05"),
            ..CASE
        },
        Case {
            name: "front matter: a date that does not exist",
            setup: |f| post(f, "---\ntitle: 区政协召开常委会会议\ndate: 2025-02-30\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(3), &["2025-02-30", "无法识别", "2025-03-02"])),
            ..CASE
        },
        Case {
            name: "front matter: Chinese key with a typo (标提)",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n标提: 副标题\n---\n正文。\n",
                )
            },
            expect: Expect::Warning(said(POST, Some(4), &["标提", "标题"])),
            ..CASE
        },
        Case {
            name: "front matter: English key with a typo (titel) leaves no title",
            setup: |f| post(f, "---\ntitel: 区政协召开常委会会议\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(1), &["缺少标题", "title"])),
            also: const { &[said(POST, Some(2), &["titel", "title"])] },
            ..CASE
        },
        Case {
            name: "front matter: a title left blank",
            setup: |f| post(f, "---\ndate: 2025-03-05\ntitle:\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(3), &["标题 title 是空的", "写上标题"])),
            ..CASE
        },
        Case {
            name: "front matter: the same key twice",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\ntitle: 另一个标题\n---\n正文。\n",
                )
            },
            expect: Expect::Error(said(POST, Some(4), &["写了两次", "删掉"])),
            ..CASE
        },
        Case {
            name: "front matter: the same key in English and Chinese",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n标题: 另一个标题\n---\n正文。\n",
                )
            },
            expect: Expect::Error(said(POST, Some(4), &["写了两次", "删掉"])),
            ..CASE
        },
        Case {
            name: "front matter: an empty file",
            setup: |f| post(f, ""),
            expect: Expect::Warning(said(POST, Some(1), &["文件是空的", "删掉"])),
            check: |f| match f.exists("yaowen/2025-03-05-bad/index.html") {
                true => Err("an empty file got a page".into()),
                false => Ok(()),
            },
            ..CASE
        },
        Case {
            name: "front matter: settings and no text",
            setup: |f| post(f, "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n"),
            // A notice may be its title alone: no warning.
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "区政协召开常委会会议"),
            ..CASE
        },
        Case {
            name: "front matter: no space after the colon",
            setup: |f| post(f, "---\ntitle:区政协召开常委会会议\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(2), &["缺少空格", "title: "])),
            ..CASE
        },
        Case {
            name: "front matter: a title with “: ” inside, not quoted",
            setup: |f| post(f, "---\ntitle: 通知: 请按时报名\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Error(said(POST, Some(2), &["冒号", "引号"])),
            ..CASE
        },
        Case {
            name: "front matter: yes/no setting with another word (draft: 可能)",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\ndraft: 可能\n---\n正文。\n",
                )
            },
            expect: Expect::Error(said(POST, Some(4), &["draft", "true 或 false"])),
            ..CASE
        },
        Case {
            name: "front matter: a column kind with a typo",
            setup: |f| f.write("content/yaowen/_index.md", "---\ntitle: 政协要闻\nkind: newz\n---\n"),
            expect: Expect::Error(said("content/yaowen/_index.md", Some(3), &["newz", "news"])),
            ..CASE
        },
        Case {
            name: "front matter: a link to a post that does not exist",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n第一段。\n\n见[上一篇](@/yaowen/2025-03-01-post-3.md)。\n",
                )
            },
            expect: Expect::Error(said(
                POST,
                Some(7),
                &["@/yaowen/2025-03-01-post-3.md", "@/yaowen/2025-03-01-post-1.md"],
            )),
            ..CASE
        },
        Case {
            name: "front matter: brackets nested 10,000 deep",
            setup: |f| {
                let text = format!(
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\ntags: {}{}\n---\n正文。\n",
                    "[".repeat(10_000),
                    "]".repeat(10_000)
                );
                post(f, &text)
            },
            expect: Expect::Error(said(POST, Some(4), &["层次太深", "不要层层嵌套"])),
            ..CASE
        },
        // ---------------------------------------------------------------- encodings
        Case {
            name: "encoding: GBK from an old Windows editor",
            setup: |f| post_bytes(f, &encode(encoding_rs::GBK, GOOD_POST)),
            expect: Expect::Warning(said(POST, None, &["GBK", "UTF-8"])),
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "区政协召开常委会会议"),
            ..CASE
        },
        Case {
            name: "encoding: GB18030 with characters outside GBK",
            setup: |f| {
                let text = GOOD_POST.replace("会议听取", "𠀀会议听取");
                post_bytes(f, &encode(encoding_rs::GB18030, &text))
            },
            expect: Expect::Warning(said(POST, None, &["GBK", "UTF-8"])),
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "𠀀会议听取"),
            ..CASE
        },
        Case {
            name: "encoding: UTF-16 LE with BOM (Notepad's “Unicode”)",
            setup: |f| post_bytes(f, &utf16(GOOD_POST, false)),
            expect: Expect::Warning(said(POST, None, &["UTF-16", "UTF-8"])),
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "区政协召开常委会会议"),
            ..CASE
        },
        Case {
            name: "encoding: UTF-16 BE with BOM",
            setup: |f| post_bytes(f, &utf16(GOOD_POST, true)),
            expect: Expect::Warning(said(POST, None, &["UTF-16", "UTF-8"])),
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "区政协召开常委会会议"),
            ..CASE
        },
        Case {
            name: "encoding: Japanese Shift_JIS, neither UTF-8 nor GBK",
            setup: |f| {
                let text = "---\ntitle: 会議のお知らせ\ndate: 2025-03-05\n---\nこれはテストの文章です。よろしくお願いします。\n";
                post_bytes(f, &encode(encoding_rs::SHIFT_JIS, text))
            },
            expect: Expect::Error(said(POST, None, &["不是 UTF-8", "Shift_JIS", "另存为"])),
            ..CASE
        },
        Case {
            name: "encoding: a picture renamed to .md",
            setup: |f| post_bytes(f, &tiny_jpeg(16, 16)),
            expect: Expect::Error(said(POST, None, &["不是文本文件", "JPEG 图片", "同名的文件夹"])),
            ..CASE
        },
        Case {
            name: "encoding: a UTF-8 file with one character cut in two",
            setup: |f| {
                let mut bytes = GOOD_POST.as_bytes().to_vec();
                let at = GOOD_POST.find("工作").unwrap();
                bytes.insert(at, 0xE5); // the first byte of a character, alone
                post_bytes(f, &bytes)
            },
            // Not “this is not UTF-8, re-save it”: one line is damaged, the rest is fine.
            expect: Expect::Error(said(POST, Some(5), &["损坏", "重新输入"])),
            ..CASE
        },
        Case {
            name: "encoding: a NUL byte in the text",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n会议\0听取了工作报告。\n",
                )
            },
            expect: Expect::Warning(said(POST, Some(5), &["空字符", "删"])),
            check: |f| {
                lacks(f, "yaowen/2025-03-05-bad/index.html", "\0")?;
                contains(f, "yaowen/2025-03-05-bad/index.html", "会议听取了工作报告")
            },
            ..CASE
        },
        Case {
            name: "encoding: a NUL byte in the front matter",
            setup: |f| post(f, "---\ntitle: 区政协召开\0常委会会议\ndate: 2025-03-05\n---\n正文。\n"),
            expect: Expect::Warning(said(POST, Some(2), &["空字符", "删"])),
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "<h1>区政协召开常委会会议</h1>"),
            ..CASE
        },
        Case {
            name: "encoding: UTF-8 with a BOM and Windows line ends builds clean",
            setup: |f| post_bytes(f, format!("\u{feff}{}", GOOD_POST.replace('\n', "\r\n")).as_bytes()),
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "<h1>区政协召开常委会会议</h1>"),
            ..CASE
        },
        Case {
            name: "encoding: Big5 (traditional characters, Taiwan or Hong Kong) is read as Big5",
            setup: |f| {
                let text = "---\ntitle: 區政協召開常委會會議\ndate: 2025-03-05\n---\n會議聽取了工作報告，委員們踴躍發言，討論熱烈。\n";
                post_bytes(f, &encode(encoding_rs::BIG5, text))
            },
            // Not GBK: read as GBK it would be nonsense.
            expect: Expect::Warning(said(POST, None, &["Big5", "UTF-8"])),
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "區政協召開常委會會議"),
            ..CASE
        },
        // ---------------------------------------------------------------- Markdown
        Case {
            name: "markdown: a 50 MB post",
            setup: |f| {
                let line = "区政协召开常委会会议，听取了关于乡村振兴工作的报告，委员们踊跃发言。\n\n";
                let mut text = String::from("---\ntitle: 很长的文章\ndate: 2025-03-05\n---\n");
                while text.len() < 50 * 1024 * 1024 {
                    text.push_str(line);
                }
                post(f, &text)
            },
            // No article is 50 MB: it is refused before it is read, at once.
            expect: Expect::Error(said(POST, None, &["文件太大", "50.0 MB", "10 MB", "拆成几篇"])),
            ..CASE
        },
        Case {
            name: "markdown: 10,000 nested block quotes",
            setup: |f| {
                let text = format!(
                    "---\ntitle: 引用\ndate: 2025-03-05\n---\n{}深处的话。\n",
                    ">".repeat(10_000)
                );
                post(f, &text)
            },
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "深处的话"),
            ..CASE
        },
        Case {
            name: "markdown: a code fence never closed",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n第一段。\n\n```\ncode\n\n后面的正文。\n",
                )
            },
            expect: Expect::Warning(said(POST, Some(7), &["```", "没有结束行", "单独加一行"])),
            ..CASE
        },
        Case {
            name: "markdown: an HTML comment never closed",
            setup: |f| {
                post(
                    f,
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n第一段。\n\n<!-- 待补充\n\n后面的正文。\n",
                )
            },
            expect: Expect::Warning(said(POST, Some(7), &["<!--", "没有对应的 -->", "加上 -->"])),
            ..CASE
        },
        Case {
            name: "markdown: 5,000 nested list items, 10,000 brackets and stars",
            setup: |f| {
                let text = format!(
                    "---\ntitle: 区政协召开常委会会议\ndate: 2025-03-05\n---\n{}深\n\n{}x{}\n\n{}强{}\n",
                    "- ".repeat(5_000),
                    "[".repeat(10_000),
                    "]".repeat(10_000),
                    "*".repeat(10_000),
                    "*".repeat(10_000)
                );
                post(f, &text)
            },
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "深"),
            ..CASE
        },
        // ---------------------------------------------------------------- templates
        Case {
            name: "templates: a required template missing",
            setup: |f| fs::remove_file(f.root().join("themes/default/templates/article.html")).unwrap(),
            expect: Expect::Error(said(
                "themes/default/templates/article.html",
                None,
                &["缺少模板", "复制"],
            )),
            ..CASE
        },
        Case {
            name: "templates: syntax error",
            setup: |f| {
                f.write(
                    "templates/404.html",
                    "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ site.title </h1>\n{% endblock main %}\n",
                )
            },
            expect: Expect::Error(said(
                "templates/404.html",
                Some(3),
                &["模板语法错误", "应是 }}", "成对"],
            )),
            ..CASE
        },
        Case {
            name: "templates: an if never closed",
            setup: |f| {
                f.write(
                    "templates/404.html",
                    "{% extends \"base.html\" %}\n{% block main %}\n{% if site.title %}<h1>标题</h1>\n{% endblock main %}\n",
                )
            },
            // Tera notices at the next end tag, which it does not expect there.
            expect: Expect::Error(said("templates/404.html", Some(4), &["不认识的标签", "结束标签"])),
            ..CASE
        },
        Case {
            name: "templates: a filter that does not exist",
            setup: |f| {
                f.write(
                    "templates/404.html",
                    "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ site.title | no_such_filter }}</h1>\n{% endblock main %}\n",
                )
            },
            expect: Expect::Error(said(
                "templates/404.html",
                Some(3),
                &["不认识的过滤器 no_such_filter", "拼写"],
            )),
            ..CASE
        },
        Case {
            name: "templates: a partial that includes itself",
            setup: |f| {
                f.write(
                    "templates/partials/loop.html",
                    "<p>循环</p>\n{% include \"partials/loop.html\" %}\n",
                );
                f.write("templates/404.html", "{% extends \"base.html\" %}\n{% block main %}{% include \"partials/loop.html\" %}{% endblock main %}\n");
            },
            expect: Expect::Error(said("templates/partials/loop.html", None, &["循环", "自己"])),
            ..CASE
        },
        Case {
            name: "templates: two partials that include each other",
            setup: |f| {
                f.write("templates/partials/a.html", "{% include \"partials/b.html\" %}\n");
                f.write("templates/partials/b.html", "{% include \"partials/a.html\" %}\n");
                f.write("templates/404.html", "{% extends \"base.html\" %}\n{% block main %}{% include \"partials/a.html\" %}{% endblock main %}\n");
            },
            expect: Expect::Error(said("templates/partials/a.html", None, &["循环", "自己"])),
            ..CASE
        },
        Case {
            name: "templates: a variable that does not exist",
            setup: |f| {
                f.write("templates/article.html", "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n{{ no_such_thing }}\n{% endblock main %}\n")
            },
            expect: Expect::Error(said(
                "templates/article.html",
                Some(4),
                &["no_such_thing", "不存在", "default"],
            )),
            ..CASE
        },
        Case {
            name: "templates: a component that calls itself without end",
            setup: |f| {
                f.write(
                    "templates/components/deep.html",
                    "{% component deep(n) %}<i>{{ <deep n={n+1}/> }}</i>{% endcomponent deep %}\n",
                );
                f.write(
                    "templates/404.html",
                    "{% extends \"base.html\" %}\n{% block main %}{{ <deep n={1}/> }}{% endblock main %}\n",
                );
            },
            expect: Expect::Error(said("templates/404.html", None, &["调用自己", "结束条件"])),
            limit: Duration::from_secs(10),
            ..CASE
        },
        Case {
            name: "templates: extends a template that does not exist",
            setup: |f| {
                f.write(
                    "templates/404.html",
                    "{% extends \"basis.html\" %}\n{% block main %}找不到{% endblock main %}\n",
                )
            },
            expect: Expect::Error(said("templates/404.html", None, &["basis.html", "不存在", "extends"])),
            ..CASE
        },
        Case {
            name: "templates: a template saved as GBK",
            setup: |f| {
                let text = "{% extends \"base.html\" %}\n{% block main %}<h1>页面没有找到</h1>{% endblock main %}\n";
                f.write_bytes("templates/404.html", &encode(encoding_rs::GBK, text))
            },
            expect: Expect::Warning(said("templates/404.html", None, &["GBK", "UTF-8"])),
            check: |f| contains(f, "404.html", "页面没有找到"),
            ..CASE
        },
        // ---------------------------------------------------------------- file system
        Case {
            name: "files: a symlink loop under content/",
            setup: |f| symlink(Path::new("."), &f.root().join("content/yaowen/loop")),
            expect: Expect::Error(said("content/yaowen/loop", None, &["循环", "删掉这个链接"])),
            ..CASE
        },
        Case {
            name: "files: a symlink to a post elsewhere is followed",
            setup: |f| {
                f.write("elsewhere/post.md", GOOD_POST);
                symlink(&f.root().join("elsewhere/post.md"), &f.root().join(POST));
            },
            expect: Expect::Builds,
            check: |f| contains(f, "yaowen/2025-03-05-bad/index.html", "区政协召开常委会会议"),
            ..CASE
        },
        Case {
            name: "files: a post that is a dangling symlink",
            setup: |f| symlink(&f.root().join("nowhere/post.md"), &f.root().join(POST)),
            expect: Expect::Error(said(POST, None, &["指向的文件不存在", "删掉这个链接"])),
            ..CASE
        },
        Case {
            name: "files: a folder named like a post (x.md)",
            setup: |f| fs::create_dir_all(f.root().join(POST)).unwrap(),
            expect: Expect::Builds,
            ..CASE
        },
        Case {
            name: "files: the output folder is on a read-only disk",
            prepare: |f| mount_tmpfs(&f.root().join("ro"), "1m"),
            output: "ro/public",
            setup: |f| {
                let ok = Command::new("mount")
                    .args(["-o", "remount,ro"])
                    .arg(f.root().join("ro"))
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(ok, "remount read-only");
                post(f, GOOD_POST);
            },
            expect: Expect::Error(said("ro/public", None, &["只读", "写入权限"])),
            ..CASE
        },
        Case {
            name: "files: the disk fills up while writing",
            prepare: |f| mount_tmpfs(&f.root().join("disk"), "1m"),
            output: "disk/public",
            setup: |f| {
                // Far more than the disk holds, in many pages.
                for i in 0..40 {
                    let text = format!(
                        "---\ntitle: 长文{i}\ndate: 2025-03-05\n---\n{}\n",
                        "政协委员建言献策。".repeat(4000)
                    );
                    f.write(&format!("content/yaowen/2025-03-05-long-{i}.md"), &text);
                }
            },
            expect: Expect::Error(said("disk/public", None, &["磁盘空间已满", "没能写入", "清理磁盘空间"])),
            ..CASE
        },
        Case {
            name: "files: names with spaces, Chinese and emoji build with sane URLs",
            setup: |f| {
                let text = format!("{GOOD_POST}\n![合影](<照片 一 🎉.jpg>)\n");
                f.write("content/yaowen/2025-03-05 常委会 会议 🎉.md", &text);
                // Photos of a post live in the folder named like it.
                f.write_bytes(
                    "content/yaowen/2025-03-05 常委会 会议 🎉/照片 一 🎉.jpg",
                    &tiny_jpeg(8, 8),
                );
            },
            expect: Expect::Builds,
            check: |f| {
                let urls = sitemap_urls(f);
                let bad: Vec<&String> = urls
                    .iter()
                    .filter(|u| !u.bytes().all(|b| b.is_ascii_alphanumeric() || b"-/:._".contains(&b)))
                    .collect();
                if !bad.is_empty() {
                    return Err(format!("URLs that are not plain ASCII: {bad:?}"));
                }
                if !urls
                    .iter()
                    .any(|u| u.ends_with("/yaowen/2025-03-05-changweihui-huiyi/"))
                {
                    return Err(format!("no /yaowen/2025-03-05-changweihui-huiyi/ in {urls:?}"));
                }
                // The photo is published and its address in the page works.
                let page = f.html("yaowen/2025-03-05-changweihui-huiyi/index.html");
                let sources = attrs(&page, "article img", "src");
                let Some(src) = sources.first() else {
                    return Err("the photo is not in the page".into());
                };
                if src.contains(' ') {
                    return Err(format!("a space in the photo address: {src}"));
                }
                let file = percent_encoding::percent_decode_str(src.trim_start_matches('/')).decode_utf8_lossy();
                if !f.exists(&file) {
                    return Err(format!("{src} points to no file in the output"));
                }
                Ok(())
            },
            ..CASE
        },
        Case {
            name: "files: two names with the same pinyin (公示 / 公式)",
            setup: |f| {
                f.write(
                    "content/yaowen/公示.md",
                    "---\ntitle: 公示\ndate: 2025-03-05\n---\n正文。\n",
                );
                f.write(
                    "content/yaowen/公式.md",
                    "---\ntitle: 公式\ndate: 2025-03-06\n---\n正文。\n",
                );
            },
            expect: Expect::Error(said(
                "content/yaowen/公示.md",
                None,
                &["content/yaowen/公式.md", "/yaowen/gongshi/", "slug:"],
            )),
            ..CASE
        },
        Case {
            name: "files: a post nobody may read (permissions)",
            prepare: |f| {
                // Everything readable by nobody but the one file.
                let ok = Command::new("chmod")
                    .args(["-R", "a+rwX"])
                    .arg(f.root())
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    return Err("chmod 失败".into());
                }
                if owned_by_root(f.root()) && Command::new("setpriv").arg("--help").output().is_err() {
                    return Err("以 root 运行，但没有 setpriv 切换成 nobody".into());
                }
                Ok(None)
            },
            setup: |f| {
                post(f, GOOD_POST);
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(f.root().join(POST), fs::Permissions::from_mode(0o000)).unwrap();
            },
            expect: Expect::Error(said(POST, None, &["无法读取文件", "没有权限", "读取权限"])),
            nobody: true,
            ..CASE
        },
        Case {
            name: "files: the output folder holds someone else's files",
            setup: |f| {
                fs::remove_file(f.public().join(".tongxin-output")).unwrap();
                f.write("public/我的文件.docx", "重要资料");
            },
            expect: Expect::Error(said("public", None, &["不是同心生成的", "--output"])),
            ..CASE
        },
        Case {
            name: "files: the output folder is a file",
            setup: |f| {
                fs::remove_dir_all(f.public()).unwrap();
                f.write("public", "不是文件夹");
            },
            expect: Expect::Error(said("public", None, &["是一个文件，不是文件夹", "--output"])),
            ..CASE
        },
        Case {
            name: "files: the content folder missing",
            setup: |f| fs::remove_dir_all(f.root().join("content")).unwrap(),
            expect: Expect::Error(said(
                "content",
                None,
                &["找不到存放文章的 content 文件夹", "新建 content"],
            )),
            ..CASE
        },
        Case {
            name: "files: two column folders with the same pinyin (要闻 / yaowen)",
            setup: |f| f.write("content/要闻/_index.md", "---\ntitle: 要闻二\nkind: news\n---\n"),
            expect: Expect::Error(said(
                "content/要闻/_index.md",
                None,
                &["/yaowen/", "content/yaowen/_index.md", "slug:"],
            )),
            ..CASE
        },
        Case {
            name: "files: a name with nothing to make a URL from (！？.md)",
            setup: |f| f.write("content/yaowen/！？.md", GOOD_POST),
            expect: Expect::Error(said("content/yaowen/！？.md", None, &["无法从“！？”生成网址", "slug:"])),
            ..CASE
        },
        // ---------------------------------------------------------------- site.yaml
        Case {
            name: "site.yaml: a key with a typo",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}descripton: 简介\n")),
            expect: Expect::Error(said("site.yaml", Some(5), &["descripton", "description"])),
            ..CASE
        },
        Case {
            name: "site.yaml: a Chinese key with a typo",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}网站名: 测试\n")),
            expect: Expect::Error(said("site.yaml", Some(5), &["网站名", "网站名称"])),
            ..CASE
        },
        Case {
            name: "site.yaml: a word where a number belongs (quality: 很多)",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}images:\n  quality: 很多\n")),
            expect: Expect::Error(said("site.yaml", Some(6), &["quality", "整数", "80"])),
            ..CASE
        },
        Case {
            name: "column: a word where a number belongs (page_size: 很多)",
            setup: |f| {
                f.write(
                    "content/yaowen/_index.md",
                    "---\ntitle: 政协要闻\nkind: news\npage_size: 很多\n---\n",
                )
            },
            expect: Expect::Error(said("content/yaowen/_index.md", Some(4), &["page_size", "整数", "10"])),
            ..CASE
        },
        Case {
            name: "site.yaml: base_url missing",
            setup: |f| site_yaml(f, "title: 测试政协\norganization:\n  name: 政协测试区委员会\n"),
            expect: Expect::Error(said("site.yaml", Some(1), &["base_url", "https://"])),
            ..CASE
        },
        Case {
            name: "site.yaml: base_url that is not a URL",
            setup: |f| site_yaml(f, "title: 测试政协\nbase_url: www.example.cn\n"),
            expect: Expect::Error(said("site.yaml", Some(2), &["www.example.cn", "https://"])),
            ..CASE
        },
        Case {
            name: "site.yaml: a time zone that does not exist",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}timezone: Asia/Beijing\n")),
            expect: Expect::Error(said("site.yaml", Some(5), &["Asia/Beijing", "Asia/Shanghai"])),
            ..CASE
        },
        Case {
            name: "site.yaml: tab indentation",
            setup: |f| {
                site_yaml(
                    f,
                    "title: 测试政协\nbase_url: https://test.example.cn/\norganization:\n\tname: 政协测试区委员会\n",
                )
            },
            expect: Expect::Error(said("site.yaml", Some(4), &["Tab", "空格"])),
            ..CASE
        },
        Case {
            name: "site.yaml: saved as GBK",
            setup: |f| f.write_bytes("site.yaml", &encode(encoding_rs::GBK, SITE_YAML)),
            expect: Expect::Warning(said("site.yaml", None, &["GBK", "UTF-8"])),
            check: |f| contains(f, "index.html", "测试政协"),
            ..CASE
        },
        Case {
            name: "site.yaml: empty",
            setup: |f| site_yaml(f, ""),
            // Both required settings are missing, each with its own example.
            expect: Expect::Error(said("site.yaml", Some(1), &["缺少网站网址 base_url", "https://"])),
            errors: 2,
            ..CASE
        },
        Case {
            name: "site.yaml: missing",
            setup: |f| fs::remove_file(f.root().join("site.yaml")).unwrap(),
            expect: Expect::Error(said("site.yaml", None, &["找不到", "--root"])),
            ..CASE
        },
        Case {
            name: "site.yaml: nav names a column that does not exist",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}nav: [yaowen, yaowne]\n")),
            expect: Expect::Error(said("site.yaml", Some(5), &["yaowne", "yaowen"])),
            ..CASE
        },
        Case {
            name: "site.yaml: a theme with a typo",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}theme: defualt\n")),
            expect: Expect::Error(said("themes/defualt", None, &["defualt", "theme: default"])),
            ..CASE
        },
        Case {
            name: "site.yaml: a list instead of settings",
            setup: |f| site_yaml(f, "- title: 测试政协\n- base_url: https://test.example.cn/\n"),
            expect: Expect::Error(said("site.yaml", Some(1), &["名称: 值", "title:"])),
            ..CASE
        },
        Case {
            name: "site.yaml: base_url with a space in it",
            setup: |f| site_yaml(f, "title: 测试政协\nbase_url: https://test .example.cn/\n"),
            expect: Expect::Error(said("site.yaml", Some(2), &["不是完整的网址", "https://"])),
            ..CASE
        },
        Case {
            name: "site.yaml: saved with a BOM and Windows line ends builds clean",
            setup: |f| {
                f.write_bytes(
                    "site.yaml",
                    format!("\u{feff}{}", SITE_YAML.replace('\n', "\r\n")).as_bytes(),
                )
            },
            expect: Expect::Builds,
            check: |f| contains(f, "index.html", "测试政协"),
            ..CASE
        },
        Case {
            name: "site.yaml: the same key twice",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}title: 另一个名称\n")),
            expect: Expect::Error(said("site.yaml", Some(5), &["写了两次", "删掉"])),
            ..CASE
        },
        Case {
            name: "site.yaml: full-width colon after a key",
            setup: |f| site_yaml(f, &format!("{SITE_YAML}description：简介\n")),
            expect: Expect::Error(said("site.yaml", Some(5), &["全角冒号", "半角冒号"])),
            ..CASE
        },
        Case {
            name: "site.yaml: a typo in a nested key (organization.nmae)",
            setup: |f| {
                site_yaml(
                    f,
                    "title: 测试政协\nbase_url: https://test.example.cn/\norganization:\n  nmae: 政协测试区委员会\n",
                )
            },
            expect: Expect::Error(said("site.yaml", Some(4), &["organization.nmae", "name"])),
            ..CASE
        },
    ]
}

/// Outside the table: without the site folder there is no good site to start from.
#[test]
fn a_missing_site_folder_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("没有这个网站");
    let failure = tongxin::build(&tongxin::BuildOptions::new(&root)).unwrap_err();
    assert_eq!(failure.diagnostics.len(), 1, "{}", messages(&failure));
    let d = &failure.diagnostics[0];
    assert_eq!(d.message, "找不到这个网站文件夹");
    assert!(d.hint.as_deref().unwrap().contains("--root"));
    let out = Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(["build", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("没有这个网站：找不到这个网站文件夹"), "{stderr}");
    assert!(!root.exists(), "nothing is created");
}

// -------------------------------------------------------------------- the harness

#[test]
fn bad_input_corpus() {
    let cases = cases();
    let names: std::collections::HashSet<_> = cases.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    // BAD_INPUT_CASE=text runs only the cases whose name contains it.
    let only = std::env::var("BAD_INPUT_CASE").ok();
    let selected: Vec<&Case> = cases
        .iter()
        .filter(|c| only.as_deref().is_none_or(|o| c.name.contains(o)))
        .collect();
    // The good site is built once and copied for every case.
    let good = Fixture::with_news(2);
    good.build();

    // Two cases at a time; results are listed in table order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outcomes = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = selected.get(i) else { break };
                    let started = Instant::now();
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case, good.root())));
                    eprintln!("{:>6.2}s  {}", started.elapsed().as_secs_f64(), case.name);
                    outcomes.lock().unwrap().push((i, outcome));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|(i, _)| *i);
    let mut failures = Vec::new();
    let mut ran = 0;
    for (i, outcome) in outcomes {
        let name = selected[i].name;
        match outcome {
            Ok(Ok(Run::Done)) => ran += 1,
            Ok(Ok(Run::Skipped(reason))) => eprintln!("跳过 “{name}”：{reason}"),
            Ok(Err(problems)) => failures.push(format!("✗ {name}\n    {}", problems.join("\n    "))),
            Err(panic) => failures.push(format!("✗ {name}\n    panicked: {}", panic_text(&panic))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}\n",
        failures.len(),
        ran + failures.len(),
        failures.join("\n\n")
    );
}

enum Run {
    Done,
    Skipped(String),
}

fn run(case: &Case, good: &Path) -> Result<Run, Vec<String>> {
    let f = Fixture {
        dir: tempfile::tempdir().unwrap(),
    };
    copy_dir(good, f.root());
    let _guard = match (case.prepare)(&f) {
        Ok(guard) => guard,
        Err(reason) => return Ok(Run::Skipped(reason)),
    };
    let output = f.root().join(case.output);
    let options = tongxin::BuildOptions {
        output: Some(output.clone()),
        ..f.options()
    };
    // The copy holds the good build's public/; another output folder is built here.
    if case.output != CASE.output
        && let Err(failure) = tongxin::build(&options)
    {
        return Err(vec![format!("the good site does not build:\n{}", messages(&failure))]);
    }
    (case.setup)(&f);
    // Taken after the setup: some cases change the output folder on purpose.
    let before = snapshot(&output);

    let mut problems = Vec::new();
    let as_nobody = case.nobody && owned_by_root(f.root());
    let failed = if as_nobody {
        matches!(case.expect, Expect::Error(_))
    } else {
        check_library(case, &f, &options, &output, &before, &mut problems)
    };

    // The binary: exit code, and what the user reads.
    let started = Instant::now();
    let mut command = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_tongxin"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_tongxin"))
    };
    let out = command
        .args(["build", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    if started.elapsed() > case.limit {
        problems.push(format!(
            "CLI build took {:.1} s (limit {:?})",
            started.elapsed().as_secs_f64(),
            case.limit
        ));
    }
    let wanted_code = if matches!(case.expect, Expect::Error(_)) { 1 } else { 0 };
    if out.status.code() != Some(wanted_code) {
        problems.push(format!("CLI exit code {:?}, expected {wanted_code}", out.status.code()));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Expect::Error(s) | Expect::Warning(s) = case.expect {
        let label = if matches!(case.expect, Expect::Error(_)) {
            "错误"
        } else {
            "警告"
        };
        // Output folders are named as given on the command line (absolute here).
        let file = if s.file == case.output {
            output.to_string_lossy().replace('\\', "/")
        } else {
            s.file.to_string()
        };
        let place = match s.line {
            Some(line) => format!("{label}：{file} 第 {line} 行"),
            None => format!("{label}：{file}"),
        };
        for text in s.text {
            if !stderr.contains(text) {
                problems.push(format!("CLI did not print {text:?}"));
            }
        }
        if !stderr.contains(&place) {
            problems.push(format!("CLI did not print “{place}”:\n{stderr}"));
        }
    }
    if wanted_code == 1 && !stderr.contains("生成失败") {
        problems.push(format!("CLI did not say 生成失败:\n{stderr}"));
    }
    if wanted_code == 0 && !stdout.contains("生成完成") {
        problems.push(format!("CLI did not say 生成完成:\n{stdout}\n{stderr}"));
    }
    // No system or library English leaks through (“os error 30”, “Error: …”).
    let lower = stderr.to_lowercase();
    if let Some(word) = ["error", "warning", "failed", "invalid"]
        .iter()
        .find(|w| lower.contains(*w))
    {
        problems.push(format!("CLI printed English ({word}):\n{stderr}"));
    }
    if matches!(case.expect, Expect::Error(_) | Expect::Warning(_)) && !stderr.contains("\n  怎么改：") {
        problems.push(format!("CLI printed no “怎么改”:\n{stderr}"));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push(format!("CLI panicked:\n{stderr}"));
    }
    if failed && snapshot(&output) != before {
        problems.push("the previous output changed after a failed CLI build".into());
    }
    if failed && leftovers(&output) {
        problems.push("a staging folder was left beside the output".into());
    }
    if problems.is_empty() {
        Ok(Run::Done)
    } else {
        Err(problems)
    }
}

/// Runs the library build on the broken site and checks what it reported;
/// returns whether it failed.
fn check_library(
    case: &Case,
    f: &Fixture,
    options: &tongxin::BuildOptions,
    output: &Path,
    before: &[(PathBuf, Vec<u8>)],
    problems: &mut Vec<String>,
) -> bool {
    let started = Instant::now();
    let result = tongxin::build(options);
    if started.elapsed() > case.limit {
        problems.push(format!(
            "library build took {:.1} s (limit {:?})",
            started.elapsed().as_secs_f64(),
            case.limit
        ));
    }
    let diagnostics = match &result {
        Ok(report) => report.warnings.clone(),
        Err(failure) => failure.diagnostics.clone(),
    };
    // At most eight, so that a flood does not hide the other cases.
    let listing = || {
        let mut lines: Vec<String> = diagnostics.iter().take(8).map(|d| format!("      {d}")).collect();
        if diagnostics.len() > 8 {
            lines.push(format!("      …and {} more", diagnostics.len() - 8));
        }
        lines.join("\n")
    };
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    match case.expect {
        Expect::Error(s) | Expect::Warning(s) => {
            let severity = if matches!(case.expect, Expect::Error(_)) {
                Severity::Error
            } else {
                Severity::Warning
            };
            if !diagnostics.iter().any(|d| d.severity == severity && matches(d, &s)) {
                problems.push(format!(
                    "expected {} at {}{} with {:?}; the build said:\n{}",
                    if severity == Severity::Error {
                        "an error"
                    } else {
                        "a warning"
                    },
                    s.file,
                    s.line.map_or(String::new(), |l| format!(" line {l}")),
                    s.text,
                    listing()
                ));
            }
            let wanted_errors = if severity == Severity::Error { case.errors } else { 0 };
            if errors.len() != wanted_errors {
                problems.push(format!(
                    "expected {wanted_errors} error(s), got {}:\n{}",
                    errors.len(),
                    listing()
                ));
            }
            // Nothing else: one problem, reported once, without follow-on noise.
            let wanted_all = wanted_errors.max(1) + case.also.len();
            if diagnostics.len() != wanted_all {
                problems.push(format!(
                    "expected {wanted_all} diagnostic(s) in all, got {}:\n{}",
                    diagnostics.len(),
                    listing()
                ));
            }
        }
        Expect::Builds => {
            // Clean: no error, and no warning beyond the ones the case lists.
            let unlisted = diagnostics.len() > case.also.len();
            if !errors.is_empty() || unlisted {
                problems.push(format!("expected a clean build, got:\n{}", listing()));
            }
        }
    }
    for s in case.also {
        if !diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning && matches(d, s))
        {
            problems.push(format!(
                "expected also a warning at {} {:?} with {:?}:\n{}",
                s.file,
                s.line,
                s.text,
                listing()
            ));
        }
    }
    for d in &diagnostics {
        if !is_chinese(&d.message) {
            problems.push(format!("message not in Chinese: {d}"));
        }
        if d.is_error() && d.hint.is_none() {
            problems.push(format!("error without a hint (怎么改): {d}"));
        }
    }
    let failed = result.is_err();
    if failed && snapshot(output) != before {
        problems.push("the previous output changed after a failed library build".into());
    }
    if !failed && let Err(e) = (case.check)(f) {
        problems.push(format!("output check: {e}"));
    }
    failed
}

fn owned_by_root(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).is_ok_and(|m| m.uid() == 0)
}

fn matches(d: &Diagnostic, s: &Said) -> bool {
    let file = d.file.to_string_lossy().replace('\\', "/");
    let text = format!("{}\n{}", d.message, d.hint.as_deref().unwrap_or(""));
    (file == s.file || file.ends_with(&format!("/{}", s.file)))
        && d.line == s.line
        && s.text.iter().all(|t| text.contains(t))
}

fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

fn leftovers(output: &Path) -> bool {
    let Some(parent) = output.parent() else { return false };
    fs::read_dir(parent)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().contains(".tongxin-"))
        })
        .unwrap_or(false)
}

// -------------------------------------------------------------------- helpers for cases

fn contains(f: &Fixture, rel: &str, text: &str) -> Result<(), String> {
    let path = f.public().join(rel);
    let html = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if html.contains(text) {
        Ok(())
    } else {
        Err(format!("{rel} does not contain {text:?}"))
    }
}

fn lacks(f: &Fixture, rel: &str, text: &str) -> Result<(), String> {
    let path = f.public().join(rel);
    let html = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if html.contains(text) {
        Err(format!("{rel} contains {text:?}"))
    } else {
        Ok(())
    }
}

fn sitemap_urls(f: &Fixture) -> Vec<String> {
    fs::read_to_string(f.public().join("sitemap.xml"))
        .map(|xml| xml_texts(&xml, "loc"))
        .unwrap_or_default()
}

fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} cannot hold the text", encoding.name());
    bytes.into_owned()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

fn symlink(target: &Path, link: &Path) {
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A tmpfs mounted for one case, unmounted when the case ends (even on panic).
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount_tmpfs(dir: &Path, size: &str) -> Result<Guard, String> {
    if !cfg!(target_os = "linux") {
        return Err("只在 Linux 上测试".into());
    }
    fs::create_dir_all(dir).unwrap();
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .map_err(|e| format!("无法运行 mount（{e}）"))?;
    if !out.status.success() {
        return Err(format!(
            "不能挂载 tmpfs（需要 root 权限）：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(Some(Box::new(Mount(dir.to_path_buf()))))
}
