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
    assert!(attrs(&closing, ".article-body a", "href").contains(&"/yaowen/2026-01-12-quanhui-kaimu/".to_string()));
    // Six posts at five per page.
    assert!(out.path().join("public/yaowen/page/2/index.html").exists());
    // The draft is not published.
    assert!(!out.path().join("public/lvzhi/2026-11-14-weiyuan-jin-shequ").exists());
    // Word-style indented paragraphs are paragraphs, not code.
    let notice = page(&out, "tongzhi/2025-12-19-quanhui-zhaokai-jueding/index.html");
    assert!(texts(&notice, ".article-body pre").is_empty());
    assert!(texts(&notice, ".article-body p").len() > 2);
    // A repealed notice says so, and names the notice that replaces it.
    let repealed = page(&out, "tongzhi/2026-06-05-sheqing-minyi-zhengji/index.html");
    let banner = texts(&repealed, ".doc-status p").join("");
    assert!(banner.contains("本文件已于2026年10月15日废止"), "{banner}");
    assert_eq!(
        attrs(&repealed, ".doc-status a", "href"),
        ["/tongzhi/2026-10-15-sheqing-minyi-banfa/"]
    );
    assert!(texts(&page(&out, "tongzhi/index.html"), ".doc-mark").contains(&"【已废止】".to_string()));
    // A short video with its poster and captions, published beside the post.
    let songxi = page(&out, "lvzhi/2026-08-19-wenhua-litang-songxi/index.html");
    assert_eq!(attrs(&songxi, "video source", "type"), ["video/mp4"]);
    assert_eq!(attrs(&songxi, "video track", "srclang"), ["zh"]);
    assert!(texts(&songxi, ".video-meta").join("").contains("时长"));
    assert!(
        out.path()
            .join("public/lvzhi/2026-08-19-wenhua-litang-songxi/songxi.mp4")
            .exists()
    );
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

#[test]
fn sample_site_has_no_orphan_pages() {
    let (out, _) = build_sample();
    assert_no_orphans(&out.path().join("public"));
    // Its old addresses (旧网址 in a post, and redirects.csv) redirect.
    let old = page(&out, "html/2025/0918/1563.html");
    assert_eq!(
        attrs(&old, "meta[http-equiv=refresh]", "content"),
        ["0; url=/yaowen/2025-09-18-changweihui-laojiu-xiaoqu/"]
    );
    let column = page(&out, "zxyw/index.html");
    assert_eq!(attrs(&column, "body a", "href"), ["/yaowen/"]);
    let nginx = std::fs::read_to_string(out.path().join("public/_tongxin/redirects.nginx.conf")).unwrap();
    assert!(nginx.contains("if ($args = \"id=1563\")"), "{nginx}");
}

/// What the sample site must hold to show every kind convincingly.
#[test]
fn sample_site_is_a_full_committee_website() {
    let (out, report) = build_sample();
    let public = out.path().join("public");
    let home = page(&out, "index.html");
    let columns = texts(&home, ".all-columns a");
    let columns: Vec<&String> = columns.iter().filter(|c| !c.starts_with("全部")).collect();
    assert!(columns.len() >= 8, "{columns:?}");

    // 40+ dated posts in the news-like columns.
    let feed = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    let posts: usize = ["yaowen", "lvzhi", "tongzhi", "jianghua", "sheqing"]
        .iter()
        .map(|c| {
            walkdir::WalkDir::new(public.join(c))
                .min_depth(2)
                .max_depth(2)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_name() == "index.html" && !e.path().to_string_lossy().contains("/page/"))
                .count()
        })
        .sum();
    assert!(posts >= 40, "{posts} posts");
    assert!(!xml_texts(&feed, "title").is_empty());
    assert!(report.articles >= 80);

    // 12+ members across 5+ sectors, each with a 履职记录.
    let members = page(&out, "weiyuan/index.html");
    assert!(texts(&members, ".member-card").len() >= 12);
    assert!(texts(&members, ".member-group h2").len() >= 5);
    let chair = page(&out, "weiyuan/lin-zhenhua/index.html");
    assert!(
        texts(&chair, ".record h3").len() >= 2,
        "{:?}",
        texts(&chair, ".record h3")
    );

    // 10+ proposals over two sessions, with every status and every result.
    let proposals = page(&out, "tian/index.html");
    assert!(texts(&proposals, ".proposal-table tbody tr").len() >= 10);
    assert_eq!(texts(&proposals, ".proposal-stats tbody th").len(), 2);
    let statuses = texts(&proposals, ".proposal-table tbody td:nth-child(5)");
    for status in ["立案", "不予立案", "办理中", "已办复"] {
        assert!(statuses.iter().any(|s| s == status), "no proposal is {status}");
    }
    let results = texts(&proposals, ".proposal-table tbody td:nth-child(6)");
    for result in ["A类", "B类", "C类"] {
        assert!(results.iter().any(|s| s == result), "no result {result}");
    }

    // A book of 6+ chapters, 4+ study materials with a real PDF, 关于我们.
    let book = page(&out, "wenshi/xishan-jiuying/index.html");
    assert!(texts(&book, ".book-toc li").len() >= 6);
    let study = page(&out, "xuexi/index.html");
    assert!(texts(&study, ".issue li").len() >= 4);
    let pdfs: Vec<_> = walkdir::WalkDir::new(public.join("xuexi"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .collect();
    assert!(!pdfs.is_empty());
    for pdf in pdfs {
        let bytes = std::fs::read(pdf.path()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{}", pdf.path().display());
    }
    assert!(public.join("guanyu/index.html").exists());
}
