//! Every front matter value is text, wherever it lands: page HTML, attributes,
//! JSON-LD, feeds and the search index. A value that looks like markup
//! (`<script>`, quotes, `&amp;`) must come back out exactly as written and
//! never become an element, end an attribute or end a script.

mod common;

use std::fs;

use common::{Fixture, attrs, texts, xml_texts};
use scraper::{Html, Selector};

/// A hostile value, different for each field so a failure names the field.
fn hostile(field: &str) -> String {
    format!("<script>alert(\"{field}\")</script> &amp; 'q' \"Q\" <b>{field}</b>")
}

/// `hostile(field)` as a YAML single-quoted scalar.
fn yaml(field: &str) -> String {
    format!("'{}'", hostile(field).replace('\'', "''"))
}

fn site() -> Fixture {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        &format!(
            "title: {}\nbase_url: https://test.example.cn/\norganization:\n  name: {}\n",
            yaml("site"),
            yaml("org")
        ),
    );
    f.write(
        "content/yaowen/_index.md",
        &format!("---\ntitle: {}\nkind: news\n---\n", yaml("column")),
    );
    f.column("weiyuan", "委员风采", "members", 20);
    f.column("tian", "提案工作", "proposals", 20);
    f.column("jianghua", "领导讲话", "speech", 20);
    f.write(
        "content/weiyuan/zhang-wei.md",
        &format!(
            "---\nname: {}\nsector: {}\ncommittee: {}\nemployer: {}\n---\n委员简介。\n",
            yaml("name"),
            yaml("sector"),
            yaml("committee"),
            yaml("employer")
        ),
    );
    f.write(
        "content/yaowen/2025-03-02-a.md",
        &format!(
            "---\ntitle: {}\ndate: 2025-03-02\nauthor: {}\nsource: {}\nsummary: {}\ntags: [{}]\ntopics: [{}]\nmembers: [zhang-wei]\n---\n正文。\n",
            yaml("title"),
            yaml("author"),
            yaml("source"),
            yaml("summary"),
            yaml("tag"),
            yaml("topic")
        ),
    );
    f.write(
        "content/jianghua/2025-03-03-b.md",
        &format!(
            "---\ntitle: 讲话\ndate: 2025-03-03\nspeaker: {}\noccasion: {}\n---\n讲话正文。\n",
            yaml("speaker"),
            yaml("occasion")
        ),
    );
    f.write(
        "content/tian/p1.md",
        &format!(
            "---\ntitle: {}\ndate: 2025-01-10\nnumber: \"10-3-001\"\nsession: 十届三次会议\nproposers: [zhang-wei]\ncategory: {}\nstatus: 已办复\nhandler: {}\nreply: {}\n---\n案由。\n",
            yaml("proposal"),
            yaml("category"),
            yaml("handler"),
            yaml("reply")
        ),
    );
    f.build();
    f
}

#[test]
fn no_value_becomes_markup_anywhere_in_the_html() {
    let f = site();
    let scripts = Selector::parse("script").unwrap();
    let bold = Selector::parse("b").unwrap();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(f.public()) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(f.public())
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(
            !rel.contains(['<', '>', '"', '\'', '&']),
            "an output path carries markup: {rel}"
        );
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let raw = fs::read_to_string(entry.path()).unwrap();
        assert!(!raw.contains("<script>alert"), "{rel}: a value became a script");
        let html = Html::parse_document(&raw);
        for script in html.select(&scripts) {
            let text: String = script.text().collect();
            if script.value().attr("type") == Some("application/ld+json") {
                // JSON, with `<` written as \u003c: nothing can end the element.
                assert!(!text.contains('<'), "{rel}: JSON-LD holds a raw <");
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{rel}: JSON-LD is not JSON ({e}): {text}"));
            } else {
                assert!(!text.contains("alert"), "{rel}: a value is inside a script: {text}");
            }
        }
        assert_eq!(html.select(&bold).count(), 0, "{rel}: a value became a <b> element");
    }
    assert!(pages >= 8, "{pages} pages checked");
}

#[test]
fn values_come_back_exactly_in_text_attributes_and_json_ld() {
    let f = site();
    let page = f.html("yaowen/2025-03-02-a/index.html");
    assert_eq!(texts(&page, "h1"), [hostile("title")]);
    assert_eq!(attrs(&page, "meta[name=ArticleTitle]", "content"), [hostile("title")]);
    assert_eq!(attrs(&page, "meta[name=Author]", "content"), [hostile("author")]);
    assert_eq!(attrs(&page, "meta[name=ContentSource]", "content"), [hostile("source")]);
    assert_eq!(attrs(&page, "meta[name=Keywords]", "content"), [hostile("tag")]);
    assert_eq!(attrs(&page, "meta[name=description]", "content"), [hostile("summary")]);
    assert_eq!(attrs(&page, "meta[property='og:title']", "content"), [hostile("title")]);
    assert_eq!(attrs(&page, "meta[name=SiteName]", "content"), [hostile("site")]);
    assert_eq!(attrs(&page, "meta[name=ColumnName]", "content"), [hostile("column")]);
    let body = texts(&page, "body").join("");
    for field in ["author", "source", "tag", "topic", "column", "org"] {
        assert!(body.contains(&hostile(field)), "the page shows {field} as text");
    }

    let ld = texts(&page, "script[type='application/ld+json']");
    let ld: serde_json::Value = serde_json::from_str(&ld[0]).unwrap();
    assert_eq!(ld["headline"], hostile("title"));
    assert_eq!(ld["author"]["name"], hostile("author"));
    assert_eq!(ld["publisher"]["name"], hostile("org"));

    let member = f.html("weiyuan/zhang-wei/index.html");
    assert_eq!(texts(&member, "h1"), [hostile("name")]);
    let member_text = texts(&member, "main").join("");
    for field in ["sector", "committee", "employer"] {
        assert!(member_text.contains(&hostile(field)), "the member page shows {field}");
    }

    let speech = texts(&f.html("jianghua/2025-03-03-b/index.html"), "main").join("");
    for field in ["speaker", "occasion"] {
        assert!(speech.contains(&hostile(field)), "the speech shows {field}");
    }

    let proposal = f.html("tian/p1/index.html");
    assert_eq!(texts(&proposal, "h1"), [hostile("proposal")]);
    let proposal_text = texts(&proposal, "main").join("");
    for field in ["category", "handler", "reply"] {
        assert!(proposal_text.contains(&hostile(field)), "the proposal shows {field}");
    }
}

#[test]
fn feeds_and_the_search_index_keep_values_as_text() {
    let f = site();
    let feed = f.read("atom.xml");
    let titles = xml_texts(&feed, "title");
    assert_eq!(titles[0], hostile("site"), "the feed's own title");
    assert!(titles.contains(&hostile("title")), "{titles:?}");
    assert!(xml_texts(&feed, "name").contains(&hostile("author")));
    xml_texts(&f.read("yaowen/atom.xml"), "title");
    xml_texts(&f.read("sitemap.xml"), "loc");

    // Each document of the index keeps its title as written.
    let index = tongxin::output::search::read::read(&f.public().join("search/data")).unwrap();
    let found: Vec<String> = index.texts.into_iter().flatten().map(|d| d.title).collect();
    for field in ["title", "proposal", "name"] {
        assert!(found.contains(&hostile(field)), "index title for {field}: {found:?}");
    }
    let meta: serde_json::Value = serde_json::from_str(&f.read("search/data/meta.json")).unwrap();
    assert!(
        meta.to_string()
            .contains(&serde_json::to_string(&hostile("column")).unwrap())
    );
}
