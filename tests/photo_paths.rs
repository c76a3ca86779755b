//! Photos and files named the way editors preview them: relative to the
//! Markdown file (`huodong.md` naming `huodong/photo00.jpg`, as Typora, VS Code
//! and WPS show it) as well as relative to the post's own folder; and `build`
//! and `check` agreeing on every missing file.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, attrs, tiny_jpeg};
use tongxin::CheckOptions;
use tongxin::check::Level;

fn site_with_news() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f
}

#[test]
fn photos_named_from_the_markdown_file_are_published_and_shown() {
    let f = site_with_news();
    f.write(
        "content/yaowen/huodong.md",
        "---\ntitle: 委员视察现场\ndate: 2025-03-02\nfeatured: true\ncover: huodong/cover.jpg\nattachments:\n  - file: huodong/cailiao.pdf\n    title: 视察材料\n---\n\n委员们来到现场。\n\n![视察现场](huodong/photo00.jpg)\n\n```gallery\nhuodong/photo01.jpg 座谈交流\nhuodong/more/\n```\n\n<p><img src=\"photo00.jpg\" alt=\"网页代码里的照片\"></p>\n",
    );
    for name in ["photo00.jpg", "photo01.jpg", "cover.jpg", "more/a.jpg", "more/b.jpg"] {
        f.write_bytes(&format!("content/yaowen/huodong/{name}"), &tiny_jpeg(1200, 800));
    }
    f.write_bytes("content/yaowen/huodong/cailiao.pdf", b"%PDF-1.4\n%%EOF\n");
    // A post with a slug of its own: its folder is published under the slug.
    f.write(
        "content/yaowen/活动纪实.md",
        "---\ntitle: 活动纪实\ndate: 2025-03-03\nslug: huodong-jishi\n---\n\n![合影](活动纪实/合影.jpg)\n\n![同一张照片](合影.jpg)\n",
    );
    f.write_bytes("content/yaowen/活动纪实/合影.jpg", &tiny_jpeg(900, 600));
    f.build();

    let page = f.html("yaowen/huodong/index.html");
    let body = |alt: &str| {
        let sel = format!("article img[alt=\"{alt}\"]");
        (
            attrs(&page, &sel, "src"),
            attrs(&page, &sel, "srcset"),
            attrs(&page, &sel, "width"),
        )
    };
    let (src, srcset, width) = body("视察现场");
    assert_eq!(src, ["/yaowen/huodong/photo00.jpg"]);
    assert_eq!(
        srcset,
        [
            "/yaowen/huodong/photo00-480w.jpg 480w, /yaowen/huodong/photo00-960w.jpg 960w, /yaowen/huodong/photo00.jpg 1200w"
        ]
    );
    assert_eq!(width, ["1200"]);
    assert!(f.exists("yaowen/huodong/photo00.jpg"));
    assert!(!f.exists("yaowen/huodong/huodong/photo00.jpg"));
    // The gallery: the listed photo and the folder's photos, in name order.
    let gallery = attrs(&page, ".gallery-link", "href");
    assert_eq!(
        gallery,
        [
            "/yaowen/huodong/photo01.jpg",
            "/yaowen/huodong/more/a.jpg",
            "/yaowen/huodong/more/b.jpg"
        ]
    );
    assert_eq!(attrs(&page, ".gallery img", "srcset").len(), 3);
    // Pasted HTML is published as written and found the way a browser reads it.
    assert_eq!(body("网页代码里的照片").0, ["photo00.jpg"]);
    // The attachment, and the cover in the column list.
    assert_eq!(
        attrs(&page, "a[href$=\"cailiao.pdf\"]", "href"),
        ["/yaowen/huodong/cailiao.pdf"]
    );
    let og = attrs(&page, "meta[property=\"og:image\"]", "content");
    assert_eq!(og, ["https://test.example.cn/yaowen/huodong/cover.jpg"]);
    let home = f.html("index.html");
    assert!(
        attrs(&home, "img", "srcset")
            .iter()
            .any(|s| s.contains("/yaowen/huodong/cover-480w.jpg")),
        "the cover is shown, resized, in the home page's focus"
    );

    let page = f.html("yaowen/huodong-jishi/index.html");
    assert_eq!(
        attrs(&page, "article img", "src"),
        ["/yaowen/huodong-jishi/合影.jpg", "/yaowen/huodong-jishi/合影.jpg"]
    );
    assert!(f.exists("yaowen/huodong-jishi/合影-480w.jpg"));

    // check finds every one of them as the build did.
    let report = tongxin::check(&CheckOptions::new(f.root()));
    let links: Vec<String> = report
        .findings
        .iter()
        .filter(|x| x.rule.id().starts_with("link-"))
        .map(|x| format!("{} {}:{:?} {}", x.rule.id(), x.file, x.line, x.message))
        .collect();
    assert!(links.is_empty(), "{links:#?}");
}

#[test]
fn build_and_check_agree_on_every_missing_file() {
    let f = site_with_news();
    f.write_bytes("content/yaowen/quan/ok.jpg", &tiny_jpeg(64, 48));
    f.write(
        "content/yaowen/quan.md",
        concat!(
            "---\n",
            "title: 缺图的报道\n",
            "date: 2025-03-02\n",
            "cover: quan/meiyou-fengmian.jpg\n",
            "attachments:\n",
            "  - file: meiyou.pdf\n",
            "    title: 缺少的附件\n",
            "---\n",
            "\n",
            "![会场](meiyou.jpg)\n",
            "\n",
            "![这张在](quan/ok.jpg)\n",
            "\n",
            "```gallery\n",
            "ok.jpg 这张在\n",
            "queshi.jpg 这张不在\n",
            "kong/\n",
            "```\n",
            "\n",
            "<p><img src=\"quan/ok.jpg\" alt=\"按网页地址解析找不到\"><img src=\"/images/meiyou.png\" alt=\"站点里也没有\"></p>\n",
            "\n",
            "![出界](../../../../x.jpg)\n",
        ),
    );
    let failure = f.build_err();
    let from_build: BTreeSet<(String, Option<usize>)> = failure
        .errors()
        .map(|d| (d.file.to_string_lossy().replace('\\', "/"), d.line))
        .collect();
    let expected: BTreeSet<(String, Option<usize>)> = [4, 5, 10, 16, 17, 20, 22]
        .into_iter()
        .map(|line| ("content/yaowen/quan.md".to_string(), Some(line)))
        .collect();
    assert_eq!(from_build, expected, "{:#?}", failure.diagnostics);
    // Two missing photos on line 20: both reported.
    assert_eq!(failure.errors().filter(|d| d.line == Some(20)).count(), 2);

    // The fixture has no filing numbers and no fresh news: check's own site
    // rules have something to say about those, not about the post.
    let report = tongxin::check(&CheckOptions::new(f.root()));
    let errors = || {
        report
            .findings
            .iter()
            .filter(|x| x.level == Level::Error && x.file.ends_with(".md"))
    };
    let from_check: BTreeSet<(String, Option<usize>)> = errors().map(|x| (x.file.clone(), x.line)).collect();
    assert_eq!(from_check, from_build, "check and build name the same problems");
    let rules: BTreeSet<&str> = errors().map(|x| x.rule.id()).collect();
    assert_eq!(rules, BTreeSet::from(["link-attachment", "link-image"]));
}
