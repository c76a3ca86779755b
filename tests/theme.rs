//! The default theme's furniture, checked on parsed HTML: government page tags,
//! sharing metadata, the QR code, related items, the site map page, the footer's
//! identity links, mourning mode and the reading aids' hooks. How these look and
//! behave in a real browser is checked by the browser suite (`.ci/browser`).

mod common;

use common::*;

fn meta(html: &scraper::Html, name: &str) -> Vec<String> {
    attrs(html, &format!("meta[name=\"{name}\"]"), "content")
}

fn property(html: &scraper::Html, name: &str) -> Vec<String> {
    attrs(html, &format!("meta[property=\"{name}\"]"), "content")
}

const YAML: &str = "title: 测试政协\nbase_url: https://www.test.example.cn/zx/\norganization:\n  name: 政协测试区委员会\n  phone: 0000-1234567\nidentity:\n  icp: 测ICP备12345678号-1\n  police: 测公网安备 11010502030143号\n  site_code: \"1234567890\"\nnav: [yaowen, guanyu]\nsuggestion:\n  title: 主席信箱\n  url: /guanyu/lianxi/\n";

fn site() -> Fixture {
    let f = Fixture::new();
    f.write("site.yaml", YAML);
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("guanyu", "关于我们", "page", 20);
    f.write("content/guanyu/lianxi.md", "---\ntitle: 联系我们\n---\n联系电话。\n");
    let posts = [
        ("2025-03-01-a", "视察茶园", "[乡村振兴, 调研视察]"),
        ("2025-03-05-b", "调研民宿", "[乡村振兴, 调研视察]"),
        ("2025-03-09-c", "协商养老", "[民生保障]"),
        ("2025-03-12-d", "走访茶农", "[乡村振兴]"),
    ];
    for (stem, title, tags) in posts {
        f.write(
            &format!("content/yaowen/{stem}.md"),
            &format!("---\ntitle: {title}\ndate: {} 09:30\nsource: 区政协办公室\nauthor: 宣传信息科\ntags: {tags}\n---\n正文。\n", &stem[..10]),
        );
    }
    f
}

#[test]
fn articles_carry_the_government_page_tags_and_sharing_metadata() {
    let f = site();
    f.build();
    let page = f.html("yaowen/2025-03-05-b/index.html");
    assert_eq!(meta(&page, "SiteName"), ["测试政协"]);
    assert_eq!(meta(&page, "SiteDomain"), ["www.test.example.cn"]);
    assert_eq!(meta(&page, "SiteIDCode"), ["1234567890"]);
    assert_eq!(meta(&page, "ColumnName"), ["政协要闻"]);
    assert_eq!(meta(&page, "ColumnType"), ["新闻"]);
    assert_eq!(meta(&page, "ArticleTitle"), ["调研民宿"]);
    assert_eq!(meta(&page, "PubDate"), ["2025-03-05 09:30"]);
    assert_eq!(meta(&page, "ContentSource"), ["区政协办公室"]);
    assert_eq!(meta(&page, "Author"), ["宣传信息科"]);
    assert_eq!(meta(&page, "Keywords"), ["乡村振兴,调研视察"]);
    assert_eq!(
        meta(&page, "Url"),
        ["https://www.test.example.cn/zx/yaowen/2025-03-05-b/"]
    );
    assert_eq!(meta(&page, "description"), ["正文。"]);
    assert_eq!(property(&page, "og:title"), ["调研民宿"]);
    assert_eq!(property(&page, "og:type"), ["article"]);
    assert_eq!(property(&page, "og:url"), meta(&page, "Url"));
    // No cover: the theme's share picture, as an absolute URL under the sub-path.
    assert_eq!(
        property(&page, "og:image"),
        ["https://www.test.example.cn/zx/img/share.png"]
    );
    assert!(f.exists("img/share.png"));

    // A list page names its column but carries no article tags.
    let list = f.html("yaowen/index.html");
    assert_eq!(meta(&list, "ColumnName"), ["政协要闻"]);
    assert!(meta(&list, "ArticleTitle").is_empty());
    assert_eq!(property(&list, "og:type"), ["website"]);
    let home = f.html("index.html");
    assert_eq!(meta(&home, "ColumnName"), ["首页"]);
}

#[test]
fn articles_have_reading_tools_and_a_qr_code_of_their_url() {
    let f = site();
    f.build();
    let page = f.html("yaowen/2025-03-05-b/index.html");
    assert_eq!(
        attrs(&page, ".font-size-switch button", "data-font-size"),
        ["large", "medium", "small"]
    );
    assert_eq!(attrs(&page, "button[data-action=print]", "type"), ["button"]);
    // The tools need the script: hidden until it runs.
    assert_eq!(attrs(&page, ".article-tools", "hidden"), [""]);
    let qr = attrs(&page, ".share-qr svg", "role");
    assert_eq!(qr, ["img"]);
    assert!(!attrs(&page, ".share-qr svg", "aria-label")[0].is_empty());
    // The code differs between pages: it encodes each page's own URL.
    let other = f.html("yaowen/2025-03-01-a/index.html");
    assert_ne!(texts_html(&page, ".share-qr"), texts_html(&other, ".share-qr"));
    assert_eq!(
        attrs(&page, "button[data-pref]", "data-pref"),
        ["large-text", "high-contrast"]
    );
}

fn texts_html(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    html.select(&sel).map(|e| e.html()).collect()
}

#[test]
fn related_items_share_tags_most_shared_first_then_nearest_in_time() {
    let f = site();
    f.build();
    // b shares two tags with a, one with d, none with c.
    let b = f.html("yaowen/2025-03-05-b/index.html");
    assert_eq!(texts(&b, ".related li a"), ["视察茶园", "走访茶农"]);
    // c shares no tag with anyone: no related block at all.
    let c = f.html("yaowen/2025-03-09-c/index.html");
    assert!(texts(&c, ".related").is_empty());
    // d shares one tag with a and b: the nearer in time (b) first.
    let d = f.html("yaowen/2025-03-12-d/index.html");
    assert_eq!(texts(&d, ".related li a"), ["调研民宿", "视察茶园"]);
}

#[test]
fn the_site_map_page_lists_every_column_and_is_linked_from_every_page() {
    let f = site();
    f.build();
    let map = f.html("sitemap/index.html");
    let titles = texts(&map, ".sitemap-column h2");
    assert_eq!(titles[..3], ["首页", "政协要闻", "关于我们"]);
    assert!(attrs(&map, ".sitemap-column a", "href").contains(&"/zx/guanyu/lianxi/".to_string()));
    for page in [
        "index.html",
        "yaowen/index.html",
        "yaowen/2025-03-01-a/index.html",
        "404.html",
    ] {
        let html = f.html(page);
        assert!(
            attrs(&html, ".site-footer a", "href").contains(&"/zx/sitemap/".to_string()),
            "{page} has no link to the site map"
        );
    }
}

#[test]
fn the_footer_links_the_filing_records() {
    let f = site();
    f.build();
    let home = f.html("index.html");
    let links = attrs(&home, ".site-footer a", "href");
    assert!(links.contains(&"https://beian.miit.gov.cn/".to_string()), "{links:?}");
    assert!(
        links.contains(&"https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143".to_string()),
        "{links:?}"
    );
    // The suggestion channel inspectors look for, under the site's sub-path.
    assert!(links.contains(&"/zx/guanyu/lianxi/".to_string()), "{links:?}");
    assert!(texts(&home, ".footer-links a").contains(&"主席信箱".to_string()));
    let footer = texts(&home, ".site-footer").concat();
    assert!(footer.contains("网站标识码：1234567890"));
    assert!(footer.contains("主办单位：政协测试区委员会"));
}

#[test]
fn mourning_mode_greys_the_root_element_on_its_days_only() {
    let f = site();
    let yaml = YAML;
    // The fixture's "now" is 2026-06-01.
    f.write("site.yaml", &format!("{yaml}mourning: [2026-05-31, 2026-06-01]\n"));
    f.build();
    assert_eq!(attrs(&f.html("index.html"), "html", "class"), ["mourning"]);
    f.write("site.yaml", &format!("{yaml}mourning: [2026-04-04]\n"));
    f.build();
    assert!(attrs(&f.html("index.html"), "html", "class").is_empty());
    f.write("site.yaml", &format!("{yaml}mourning: true\n"));
    f.build();
    assert_eq!(attrs(&f.html("yaowen/index.html"), "html", "class"), ["mourning"]);
}

#[test]
fn pages_request_nothing_from_outside_the_site() {
    let f = site();
    f.build();
    for page in ["index.html", "yaowen/2025-03-01-a/index.html", "sitemap/index.html"] {
        let html = f.html(page);
        for (selector, attr) in [("script[src]", "src"), ("link[href]", "href"), ("img[src]", "src")] {
            for url in attrs(&html, selector, attr) {
                let canonical = selector == "link[href]" && url.starts_with("https://www.test.example.cn/zx/");
                assert!(url.starts_with("/zx/") || canonical, "{page}: {url} leaves the site");
            }
        }
    }
}

#[test]
fn the_header_names_the_organization_or_else_the_site() {
    let f = site();
    f.build();
    assert_eq!(texts(&f.html("index.html"), ".org-line"), ["政协测试区委员会"]);
    f.write(
        "site.yaml",
        "title: 测试政协\nbase_url: https://www.test.example.cn/\nnav: [yaowen, guanyu]\n",
    );
    f.build();
    assert_eq!(texts(&f.html("index.html"), ".org-line"), ["测试政协"]);
}
