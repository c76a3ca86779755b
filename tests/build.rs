//! A successful build: URLs, order, pagination, taxonomies, feeds, sitemap,
//! links, drafts, base URL — checked on the parsed output.

mod common;

use common::*;

#[test]
fn pretty_urls_for_columns_posts_and_chinese_file_names() {
    let f = Fixture::with_news(2);
    f.write(
        "content/yaowen/2025-04-01-全会闭幕.md",
        "---\ntitle: 全会闭幕\ndate: 2025-04-01\n---\n正文。\n",
    );
    f.write(
        "content/yaowen/custom.md",
        "---\ntitle: 自定网址\ndate: 2025-04-02\nslug: wo-de-wangzhi\n---\n正文。\n",
    );
    f.build();
    assert!(f.exists("index.html"));
    assert!(f.exists("yaowen/index.html"));
    assert!(f.exists("yaowen/2025-03-01-post-1/index.html"));
    assert!(f.exists("yaowen/2025-04-01-quanhui-bimu/index.html"));
    assert!(f.exists("yaowen/wo-de-wangzhi/index.html"));
    assert!(f.exists("404.html"));
    let page = f.html("yaowen/2025-04-01-quanhui-bimu/index.html");
    assert_eq!(texts(&page, "article h1"), ["全会闭幕"]);
    assert_eq!(attrs(&page, "html", "lang"), ["zh-CN"]);
}

#[test]
fn columns_list_newest_first_with_chinese_dates_and_neighbours() {
    let f = Fixture::with_news(3);
    f.build();
    let list = f.html("yaowen/index.html");
    assert_eq!(texts(&list, ".item-list li a"), ["第3篇要闻", "第2篇要闻", "第1篇要闻"]);
    assert_eq!(texts(&list, ".item-list time")[0], "2025年3月3日");

    let middle = f.html("yaowen/2025-03-02-post-2/index.html");
    assert_eq!(attrs(&middle, "a[rel=prev]", "href"), ["/yaowen/2025-03-01-post-1/"]);
    assert_eq!(attrs(&middle, "a[rel=next]", "href"), ["/yaowen/2025-03-03-post-3/"]);
    assert_eq!(texts(&middle, ".article-body p"), ["正文第2篇。"]);
}

#[test]
fn pagination_follows_page_size() {
    let f = Fixture::with_news(5);
    f.column("yaowen", "政协要闻", "news", 2);
    f.build();
    assert!(f.exists("yaowen/page/2/index.html"));
    assert!(f.exists("yaowen/page/3/index.html"));
    assert!(!f.exists("yaowen/page/4/index.html"));
    let first = f.html("yaowen/index.html");
    assert_eq!(texts(&first, ".item-list li a"), ["第5篇要闻", "第4篇要闻"]);
    assert_eq!(attrs(&first, "a[rel=next]", "href"), ["/yaowen/page/2/"]);
    let last = f.html("yaowen/page/3/index.html");
    assert_eq!(texts(&last, ".item-list li a"), ["第1篇要闻"]);
    assert_eq!(attrs(&last, "a[rel=prev]", "href"), ["/yaowen/page/2/"]);
    assert!(attrs(&last, "a[rel=next]", "href").is_empty());
}

#[test]
fn tags_and_topics_get_ascii_pages() {
    let f = Fixture::with_news(2);
    f.write(
        "content/yaowen/2025-05-01-x.md",
        "---\ntitle: 专题文章\ndate: 2025-05-01\n标签: 民主监督、乡村振兴\n专题: [学习贯彻全会精神]\n---\n正文。\n",
    );
    f.build();
    let tag = f.html("tags/xiangcun-zhenxing/index.html");
    assert_eq!(texts(&tag, "h1"), ["标签：乡村振兴"]);
    assert_eq!(texts(&tag, ".item-list li a"), ["专题文章", "第2篇要闻", "第1篇要闻"]);
    let index = f.html("tags/index.html");
    let mut terms = texts(&index, ".term-list a");
    terms.sort();
    assert_eq!(terms, ["乡村振兴", "民主监督"]);
    assert!(f.exists("topics/xuexi-guanche-quanhui-jingshen/index.html"));
    let post = f.html("yaowen/2025-05-01-x/index.html");
    assert!(attrs(&post, "a[rel=tag]", "href").contains(&"/tags/minzhu-jiandu/".to_string()));
}

#[test]
fn tag_pages_paginate() {
    let f = Fixture::with_news(25);
    f.build();
    assert!(f.exists("tags/xiangcun-zhenxing/page/2/index.html"));
    let second = f.html("tags/xiangcun-zhenxing/page/2/index.html");
    assert_eq!(texts(&second, ".item-list li a").len(), 5);
}

#[test]
fn source_links_resolve_to_urls() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/2025-06-01-link.md",
        "---\ntitle: 链接\ndate: 2025-06-01\n---\n详见[上一篇](@/yaowen/2025-03-01-post-1.md#section)和[栏目](@/yaowen/_index.md)。\n",
    );
    f.build();
    let page = f.html("yaowen/2025-06-01-link/index.html");
    assert_eq!(
        attrs(&page, ".article-body a", "href"),
        ["/yaowen/2025-03-01-post-1/#section", "/yaowen/"]
    );
}

#[test]
fn drafts_and_future_posts_only_with_the_drafts_flag() {
    let f = Fixture::with_news(1);
    f.write(
        "content/yaowen/draft.md",
        "---\ntitle: 草稿\ndate: 2025-03-05\n草稿: true\n---\n正文。\n",
    );
    f.write(
        "content/yaowen/future.md",
        "---\ntitle: 定时发布\ndate: 2099-01-01\n---\n正文。\n",
    );
    f.build();
    assert!(!f.exists("yaowen/draft/index.html"));
    assert!(!f.exists("yaowen/future/index.html"));
    assert_eq!(texts(&f.html("yaowen/index.html"), ".item-list li a"), ["第1篇要闻"]);
    assert!(!f.read("sitemap.xml").contains("draft"));

    let options = tongxin::BuildOptions {
        drafts: true,
        ..f.options()
    };
    tongxin::build(&options).unwrap();
    assert!(f.exists("yaowen/draft/index.html"));
    assert!(f.exists("yaowen/future/index.html"));
}

#[test]
fn base_url_with_a_sub_path_prefixes_every_link() {
    let f = Fixture::with_news(3);
    f.write(
        "content/yaowen/2025-06-01-link.md",
        "---\ntitle: 链接\ndate: 2025-06-01\n---\n见[要闻](@/yaowen/2025-03-01-post-1.md)和[标签](/tags/)。\n",
    );
    let options = tongxin::BuildOptions {
        base_url: Some("https://gov.example.cn/zx/".into()),
        ..f.options()
    };
    tongxin::build(&options).unwrap();
    let home = f.html("index.html");
    let hrefs = attrs(&home, "a", "href");
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(
            href.starts_with("/zx/") || href.starts_with('#'),
            "{href} is outside the sub-path"
        );
    }
    assert_eq!(attrs(&home, "link[rel=stylesheet]", "href"), ["/zx/css/site.css"]);
    let page = f.html("yaowen/2025-06-01-link/index.html");
    assert_eq!(
        attrs(&page, ".article-body a", "href"),
        ["/zx/yaowen/2025-03-01-post-1/", "/zx/tags/"]
    );
    assert_eq!(
        attrs(&page, "link[rel=canonical]", "href"),
        ["https://gov.example.cn/zx/yaowen/2025-06-01-link/"]
    );
    let locs = xml_texts(&f.read("sitemap.xml"), "loc");
    assert!(
        locs.iter().all(|l| l.starts_with("https://gov.example.cn/zx/")),
        "{locs:?}"
    );
}

#[test]
fn feeds_and_sitemap_are_well_formed() {
    let f = Fixture::with_news(25);
    f.write(
        "content/yaowen/2025-04-01-amp.md",
        "---\ntitle: 标题里有 <尖括号> & 符号\ndate: 2025-04-01\n---\n正文。\n",
    );
    f.build();
    let feed = f.read("atom.xml");
    let titles = xml_texts(&feed, "title");
    assert_eq!(titles[0], "测试政协");
    assert_eq!(
        titles[1], "标题里有 <尖括号> & 符号",
        "newest entry first, escaped and decoded"
    );
    assert_eq!(
        xml_texts(&feed, "entry").len(),
        20,
        "a feed carries the latest 20 entries"
    );
    let column_feed = f.read("yaowen/atom.xml");
    assert!(xml_texts(&column_feed, "id")[0].ends_with("/yaowen/atom.xml"));

    let locs = xml_texts(&f.read("sitemap.xml"), "loc");
    assert!(locs.contains(&"https://test.example.cn/".to_string()));
    assert!(locs.contains(&"https://test.example.cn/yaowen/2025-03-01-post-1/".to_string()));
    assert!(locs.contains(&"https://test.example.cn/tags/xiangcun-zhenxing/".to_string()));
    assert!(
        f.read("robots.txt")
            .contains("Sitemap: https://test.example.cn/sitemap.xml")
    );
}

#[test]
fn pasted_text_renders_as_readers_expect() {
    let f = Fixture::with_news(0);
    let body = "---\ntitle: 粘贴的文章\ndate: 2025-03-02\n---\n\u{3000}\u{3000}第一段从 Word 粘贴。\n\n    第二段用四个空格缩进。\n\n| 界别 | 人数 |\n|---|---|\n| 经济界 | 12 |\n\n正文[^1]，~~旧说法~~。\n\n[^1]: 注释内容。\n";
    // Saved by an old Windows editor: BOM and CRLF.
    let windows = format!("\u{feff}{}", body.replace('\n', "\r\n"));
    f.write("content/yaowen/2025-03-02-paste.md", &windows);
    f.build();
    let page = f.html("yaowen/2025-03-02-paste/index.html");
    let paragraphs = texts(&page, ".article-body > p");
    assert_eq!(paragraphs[0], "第一段从 Word 粘贴。");
    assert_eq!(paragraphs[1], "第二段用四个空格缩进。");
    assert!(texts(&page, ".article-body pre").is_empty());
    assert_eq!(texts(&page, ".article-body table td"), ["经济界", "12"]);
    assert_eq!(texts(&page, ".article-body del"), ["旧说法"]);
    assert_eq!(texts(&page, ".article-body .footnote-definition").len(), 1);
}

#[test]
fn gbk_files_are_read_with_a_warning() {
    let f = Fixture::with_news(0);
    let (gbk, _, _) =
        encoding_rs::GBK.encode("---\ntitle: 旧电脑写的通知\ndate: 2025-03-02\n---\n请各位委员准时参加。\n");
    f.write_bytes("content/yaowen/2025-03-02-gbk.md", &gbk);
    let report = f.build();
    let page = f.html("yaowen/2025-03-02-gbk/index.html");
    assert_eq!(texts(&page, "article h1"), ["旧电脑写的通知"]);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("GBK"))
        .expect("a GBK warning");
    assert!(warning.file.ends_with("2025-03-02-gbk.md"));
}

#[test]
fn headings_keep_chinese_ids_and_code_is_highlighted() {
    let f = Fixture::with_news(0);
    f.write(
        "content/yaowen/2025-03-02-h.md",
        "---\ntitle: 标题\ndate: 2025-03-02\n---\n## 一、会议概况\n\n```rust\nfn main() {}\n```\n",
    );
    f.build();
    let page = f.html("yaowen/2025-03-02-h/index.html");
    assert_eq!(attrs(&page, ".article-body h2", "id"), ["一会议概况"]);
    assert!(
        !attrs(&page, ".article-body pre", "style").is_empty(),
        "highlighted code carries colours"
    );
}

#[test]
fn home_page_lists_latest_of_each_column_and_featured() {
    let f = Fixture::with_news(10);
    f.column("tongzhi", "通知公告", "notice", 20);
    f.write(
        "content/tongzhi/2025-02-01-n.md",
        "---\ntitle: 一则通知\ndate: 2025-02-01\nfeatured: true\n---\n正文。\n",
    );
    f.write("content/_index.md", "---\ntitle: 首页\n---\n欢迎访问。\n");
    f.write("site.yaml", &format!("{SITE_YAML}nav: [yaowen, tongzhi]\n"));
    f.build();
    let home = f.html("index.html");
    assert_eq!(
        texts(&home, ".site-nav a"),
        ["首页", "政协要闻", "通知公告"],
        "navigation follows nav in site.yaml"
    );
    // Notices stand beside the focus area, before the news blocks.
    let sections = texts(&home, ".section h2");
    assert_eq!(sections, ["通知公告", "政协要闻"]);
    let yaowen_items = texts(&home, "#sec-yaowen ~ .item-list li a");
    assert_eq!(yaowen_items.len(), 8, "{yaowen_items:?}");
    assert_eq!(yaowen_items[0], "第10篇要闻");
    assert_eq!(texts(&home, ".focus .focus-title"), ["一则通知"]);
    assert_eq!(texts(&home, ".intro p"), ["欢迎访问。"]);
}

#[test]
fn page_columns_keep_weight_order_and_static_files_are_copied() {
    let f = Fixture::new();
    f.column("guanyu", "关于我们", "page", 20);
    f.write(
        "content/guanyu/lianxi.md",
        "---\ntitle: 联系我们\nweight: 3\n---\n电话。\n",
    );
    f.write(
        "content/guanyu/jianjie.md",
        "---\ntitle: 本会简介\nweight: 1\n---\n简介。\n",
    );
    f.write_bytes("content/guanyu/jianjie/photo.jpg", &common::tiny_jpeg(40, 30));
    f.write("static/files/guide.pdf", "pdf");
    f.build();
    assert_eq!(
        texts(&f.html("guanyu/index.html"), ".item-list li a"),
        ["本会简介", "联系我们"]
    );
    assert!(
        f.exists("guanyu/jianjie/photo.jpg"),
        "a page's own folder is published beside it"
    );
    assert!(f.exists("files/guide.pdf"));
    assert!(f.exists("css/site.css"));
}

#[test]
fn site_templates_override_the_theme() {
    let f = Fixture::with_news(1);
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>找不到了</h1>{% endblock main %}",
    );
    f.build();
    assert_eq!(texts(&f.html("404.html"), "h1"), ["找不到了"]);
}

#[test]
fn mourning_mode_greys_the_site() {
    let f = Fixture::with_news(1);
    f.write("site.yaml", &format!("{SITE_YAML}mourning: [2026-06-01]\n"));
    f.build();
    assert_eq!(attrs(&f.html("index.html"), "html", "class"), ["mourning"]);
    f.write("site.yaml", &format!("{SITE_YAML}mourning: [2026-04-04]\n"));
    f.build();
    assert!(attrs(&f.html("index.html"), "html", "class").is_empty());
}

/// Mourning days begin and end by the clock: a build on such a day with no
/// file changed greys the site (and un-greys it after), like a clean build.
#[test]
fn mourning_days_begin_and_end_without_any_file_changing() {
    let f = Fixture::with_news(1);
    f.write("site.yaml", &format!("{SITE_YAML}mourning: [2026-06-03]\n"));
    f.build();
    assert!(attrs(&f.html("index.html"), "html", "class").is_empty());
    // Midnight of 2026-06-03 and of the day after, in the site's time zone (UTC+8).
    for (now, grey) in [
        ("2026-06-02T15:59:00Z", false),
        ("2026-06-02T16:00:00Z", true),
        ("2026-06-03T15:59:00Z", true),
        ("2026-06-03T16:00:00Z", false),
    ] {
        let options = tongxin::BuildOptions {
            now: Some(now.parse().unwrap()),
            ..f.options()
        };
        let report = tongxin::build(&options).unwrap();
        assert!(report.incremental, "{now}");
        let class = attrs(&f.html("index.html"), "html", "class");
        assert_eq!(class == ["mourning"], grey, "{now}: {class:?}");
    }
}

#[test]
fn footer_shows_the_site_identifiers() {
    let f = Fixture::with_news(1);
    f.write(
        "site.yaml",
        &format!("{SITE_YAML}identity:\n  icp: 测ICP备12345678号\n  site_code: \"1234000001\"\n"),
    );
    f.build();
    let footer = texts(&f.html("index.html"), ".site-footer").join(" ");
    assert!(footer.contains("政协测试区委员会"));
    assert!(footer.contains("测ICP备12345678号"));
    assert!(footer.contains("网站标识码：1234000001"));
}

#[test]
fn static_files_never_replace_generated_pages() {
    let f = Fixture::with_news(1);
    f.write("static/index.html", "<p>旧首页</p>");
    let report = f.build();
    assert_eq!(
        texts(&f.html("index.html"), ".site-nav a")[0],
        "首页",
        "the generated home page is kept"
    );
    let warning = report
        .warnings
        .iter()
        .find(|w| w.file.ends_with("static/index.html"))
        .expect("a warning");
    assert!(warning.message.contains("同名"));
}

#[test]
fn feeds_are_linked_and_carry_a_base_for_relative_links() {
    let f = Fixture::with_news(1);
    f.column("guanyu", "关于我们", "page", 20);
    f.write("content/guanyu/a.md", "---\ntitle: 简介\n---\n简介。\n");
    f.build();
    let column = f.html("yaowen/index.html");
    assert_eq!(
        attrs(&column, "link[type='application/atom+xml']", "href"),
        ["/atom.xml", "/yaowen/atom.xml"]
    );
    let page_column = f.html("guanyu/index.html");
    assert_eq!(
        attrs(&page_column, "link[type='application/atom+xml']", "href"),
        ["/atom.xml"],
        "single pages have no feed"
    );
    assert!(!f.exists("guanyu/atom.xml"));
    assert!(
        f.read("yaowen/atom.xml")
            .contains("xml:base=\"https://test.example.cn/yaowen/2025-03-01-post-1/\"")
    );
}
