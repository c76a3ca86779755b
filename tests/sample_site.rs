//! The bundled sample site (the repository root) builds cleanly and shows what the
//! engine promises: pinyin URLs, checked links, drafts left out, pagination.

mod common;

use common::*;

fn build_sample() -> (tempfile::TempDir, tongxin::BuildReport) {
    let out = tempfile::tempdir().unwrap();
    let options = tongxin::BuildOptions {
        output: Some(out.path().join("public")),
        ..tongxin::BuildOptions::new(repo())
    };
    let report = tongxin::build(&options).unwrap_or_else(|f| panic!("sample site failed:\n{}", messages(&f)));
    (out, report)
}

fn page(out: &tempfile::TempDir, rel: &str) -> scraper::Html {
    let path = out.path().join("public").join(rel);
    scraper::Html::parse_document(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[test]
fn sample_site_builds_without_warnings() {
    let (out, report) = build_sample();
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert!(report.articles >= 12, "a dozen posts or more, got {}", report.articles);

    let home = page(&out, "index.html");
    assert_eq!(attrs(&home, "html", "lang"), ["zh-CN"]);
    assert!(texts(&home, ".site-footer").join("").contains("网站标识码"));
    assert!(texts(&home, ".site-nav a").len() >= 6);
}

#[test]
fn sample_site_shows_the_engine_features() {
    let (out, _) = build_sample();
    // A Chinese file name becomes a pinyin URL, and its @/ link resolves.
    let closing = page(&out, "yaowen/2026-01-15-quanhui-bimu/index.html");
    assert!(attrs(&closing, ".content a", "href").contains(&"/yaowen/2026-01-12-quanhui-kaimu/".to_string()));
    // Six posts at five per page.
    assert!(out.path().join("public/yaowen/page/2/index.html").exists());
    // The draft is not published.
    assert!(!out.path().join("public/lvzhi/2026-11-14-weiyuan-jin-shequ").exists());
    // Word-style indented paragraphs are paragraphs, not code.
    let notice = page(&out, "tongzhi/2025-12-19-quanhui-zhaokai-jueding/index.html");
    assert!(texts(&notice, ".content pre").is_empty());
    assert!(texts(&notice, ".content p").len() > 2);
    // Every article has a title and a Chinese date.
    for entry in walkdir::WalkDir::new(out.path().join("public/yaowen"))
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_name() == "index.html" && entry.depth() == 2 && !entry.path().to_string_lossy().contains("/page/")
        {
            let html = scraper::Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
            assert_eq!(texts(&html, "article h1").len(), 1, "{}", entry.path().display());
            assert!(
                texts(&html, ".meta time")[0].contains('年'),
                "{}",
                entry.path().display()
            );
        }
    }
}
