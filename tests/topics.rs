//! 专题 (`topic` columns) end to end: the 专题's page with banner, window and
//! sub-sections filled from any column, the sub-section lists, the home
//! page's entry during the window, the archive of past 专题, topic links that
//! lead to the 专题, an incremental build made after the window closed, and
//! bad input.

mod common;

use common::*;
use tongxin::commands::build::BuildOptions;
use tongxin::commands::check::CheckOptions;
use tongxin::commands::new::{NewOptions, new_post};

/// Two 专题 — one on now (the fixture's day is 2026-06-01), one past, one to
/// come — and posts naming them the ways users write names.
fn site() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("jianghua", "领导讲话", "speech", 20);
    f.column("sheqing", "社情民意", "opinions", 20);
    f.write(
        "content/quanhui/_index.md",
        "---\n标题: 2026年全会专题\n类型: 专题\n简称: 全会\n横幅: banner.jpg\n开始日期: 2026-05-20\n结束日期: 2026-06-10\n\
         说明: 全会的报道和发言。\n每栏条数: 2\n分栏:\n  - 今日焦点\n  - 名称: 大会报道\n    栏目: [yaowen]\n  - 名称: 大会发言\n    栏目: jianghua\n---\n全会专题的介绍。\n",
    );
    f.write_bytes("content/quanhui/banner.jpg", &tiny_jpeg(1200, 300));
    f.write(
        "content/quanhui/2026-05-25-focus.md",
        "---\ntitle: 委员热议报告\ndate: 2026-05-25\ntags: [今日焦点]\n---\n讨论。\n",
    );
    f.write(
        "content/quanhui/2026-05-26-other.md",
        "---\ntitle: 会务保障有序\ndate: 2026-05-26\n---\n会务。\n",
    );
    // By short name, by title, by folder; and one that names no 专题.
    for (day, name, title) in [
        ("21", "全会", "全会开幕"),
        ("22", "2026年全会专题", "全会分组讨论"),
        ("23", "quanhui", "全会闭幕"),
    ] {
        f.write(
            &format!("content/yaowen/2026-05-{day}-a.md"),
            &format!("---\ntitle: {title}\ndate: 2026-05-{day}\ntopics: [{name}]\n---\n报道。\n"),
        );
    }
    f.write(
        "content/yaowen/2026-05-24-b.md",
        "---\ntitle: 常委会会议\ndate: 2026-05-24\n---\n不属于专题。\n",
    );
    f.write(
        "content/jianghua/2026-05-23-c.md",
        "---\ntitle: 闭幕会讲话\ndate: 2026-05-23\nspeaker: 林华\n专题: 全会\n---\n讲话。\n",
    );
    // A tag puts a post from any column into a sub-section by name.
    f.write(
        "content/sheqing/2026-05-22-d.md",
        "---\ntitle: 委员建议关注养老\ndate: 2026-05-22\ntags: [今日焦点]\ntopics: [全会]\n---\n建议。\n",
    );
    // Past: automatic sub-sections, one per column.
    f.write(
        "content/xiangcun/_index.md",
        "---\ntitle: 乡村振兴专题\nkind: topic\nshort_name: 乡村振兴\nstart: 2026-01-01\nend: 2026-03-31\n---\n",
    );
    f.write(
        "content/yaowen/2026-02-01-e.md",
        "---\ntitle: 视察茶园\ndate: 2026-02-01\ntopics: [乡村振兴]\n---\n视察。\n",
    );
    f.write(
        "content/sheqing/2026-02-02-f.md",
        "---\ntitle: 关于采茶用工的建议\ndate: 2026-02-02\ntopics: [乡村振兴]\n---\n建议。\n",
    );
    // To come.
    f.write(
        "content/qiuji/_index.md",
        "---\ntitle: 秋季协商专题\nkind: 专题\nstart: 2026-09-01\n---\n",
    );
    f.write(
        "content/yaowen/2026-05-01-g.md",
        "---\ntitle: 一个普通专题词\ndate: 2026-05-01\ntopics: [营商环境]\n---\n文。\n",
    );
    f
}

fn hrefs(html: &scraper::Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "href")
}

#[test]
fn the_topic_page_has_its_banner_window_and_sub_sections() {
    let f = site();
    let report = f.build();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = f.html("quanhui/index.html");
    assert_eq!(texts(&html, "h1"), ["2026年全会专题"]);
    assert_eq!(texts(&html, ".topic-window"), ["2026年5月20日至6月10日"]);
    assert!(!attrs(&html, "img.topic-banner", "srcset")[0].is_empty());
    assert_eq!(texts(&html, ".intro"), ["全会专题的介绍。"]);
    assert_eq!(
        texts(&html, ".topic-section h2"),
        ["今日焦点", "大会报道", "大会发言", "其他报道"]
    );
    let items = |n: usize| texts(&html, &format!(".topic-section:nth-of-type({n}) .item-list a"));
    // The tag wins over the column, for the topic's own posts and others'.
    assert_eq!(items(1), ["委员热议报告", "委员建议关注养老"]);
    // Two shown (每栏条数), the rest behind "全部 3 篇".
    assert_eq!(items(2), ["全会闭幕", "全会分组讨论"]);
    assert_eq!(texts(&html, ".topic-section .more a"), ["大会报道：全部 3 篇"]);
    assert_eq!(items(3), ["闭幕会讲话"]);
    assert_eq!(items(4), ["会务保障有序"]);

    // The sub-section's own list has them all.
    let section = f.html("quanhui/dahui-baodao/index.html");
    assert_eq!(texts(&section, "h1"), ["大会报道"]);
    assert_eq!(
        texts(&section, ".item-list a"),
        ["全会闭幕", "全会分组讨论", "全会开幕"]
    );
    assert_eq!(hrefs(&section, ".breadcrumb a")[1], "/quanhui/");
    assert_no_orphans(&f.public());
}

#[test]
fn without_sub_sections_each_column_is_one() {
    let f = site();
    f.build();
    let html = f.html("xiangcun/index.html");
    // In the order of the navigation (here, of folder names).
    assert_eq!(texts(&html, ".topic-section h2"), ["社情民意", "政协要闻"]);
    assert_eq!(texts(&html, ".topic-past"), ["往期专题"]);
}

#[test]
fn the_home_page_shows_the_topics_on_now_and_the_archive_keeps_the_past() {
    let f = site();
    f.build();
    let home = f.html("index.html");
    assert_eq!(texts(&home, ".home-topics .topic-name"), ["2026年全会专题"]);
    assert_eq!(hrefs(&home, ".home-topics .topic-card a"), ["/quanhui/"]);

    let archive = f.html("topics/index.html");
    assert_eq!(
        texts(&archive, "section:nth-of-type(1) .topic-name"),
        ["2026年全会专题"]
    );
    assert_eq!(texts(&archive, "section:nth-of-type(2) .topic-name"), ["乡村振兴专题"]);
    // The 专题 to come is on no list yet; plain topics stay listed as terms.
    assert!(!texts(&archive, ".topic-name").contains(&"秋季协商专题".to_string()));
    assert_eq!(texts(&archive, ".term-list a"), ["营商环境"]);
}

#[test]
fn topic_links_lead_to_the_topic_and_its_term_page_lists_all_its_posts() {
    let f = site();
    f.build();
    let post = f.html("yaowen/2026-05-21-a/index.html");
    assert!(hrefs(&post, "a").contains(&"/quanhui/".to_string()));
    let plain = f.html("yaowen/2026-05-01-g/index.html");
    assert!(hrefs(&plain, "a").iter().any(|h| h.starts_with("/topics/")));

    // The page of the term 全会: every post of the 专题, newest first,
    // whichever name it used, and the way to the 专题.
    let topic = f.html("quanhui/index.html");
    let all = hrefs(&topic, "p.more a")
        .into_iter()
        .find(|h| h.starts_with("/topics/"))
        .expect("the 专题 page links its full list");
    let term = f.html(&format!("{}index.html", all.trim_start_matches('/')));
    assert_eq!(texts(&term, ".item-list a").len(), 7);
    // One page for the 专题's three names.
    assert_eq!(std::fs::read_dir(f.public().join("topics")).unwrap().count(), 4);
    assert_eq!(hrefs(&term, ".topic-lead a"), ["/quanhui/"]);
}

#[test]
fn a_build_after_the_window_closed_moves_the_topic_to_the_archive_like_a_clean_build() {
    let f = site();
    f.build();
    // The day after 结束日期, in the site's time zone (UTC+8): nothing else changed.
    let later = BuildOptions {
        now: Some("2026-06-10T16:00:00Z".parse().unwrap()),
        ..f.options()
    };
    let report = tongxin::build(&later).unwrap();
    assert!(report.incremental);
    let home = f.html("index.html");
    assert!(texts(&home, ".home-topics").is_empty());
    let archive = f.html("topics/index.html");
    assert_eq!(
        texts(&archive, ".topic-card.past .topic-name"),
        ["2026年全会专题", "乡村振兴专题"]
    );
    let incremental = folder_files(&f.public());
    tongxin::build(&BuildOptions { clean: true, ..later }).unwrap();
    let clean = folder_files(&f.public());
    let pages = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        files
            .iter()
            .filter(|(k, _)| !k.starts_with("search/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(differences(&pages(&incremental), &pages(&clean)), None);

    // And the 专题 to come opens on its day.
    let autumn = BuildOptions {
        now: Some("2026-08-31T16:00:00Z".parse().unwrap()),
        ..f.options()
    };
    tongxin::build(&autumn).unwrap();
    assert_eq!(
        texts(&f.html("index.html"), ".home-topics .topic-name"),
        ["秋季协商专题"]
    );
}

#[test]
fn bad_settings_are_errors_at_their_lines() {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.write(
        "content/zt/_index.md",
        "---\ntitle: 专题甲\nkind: topic\nbanner: meiyou.jpg\nstart: 2026-13-01\nsection_count: 很多\nsections:\n  - name: 报道\n    columns: [yaowne]\n  - 报道\n---\n",
    );
    f.write(
        "content/zt2/_index.md",
        "---\ntitle: 专题乙\nkind: topic\nstart: 2026-05-01\nend: 2026-04-01\nsections: [大会报道]\n---\n",
    );
    // A post whose address is a sub-section's.
    f.write(
        "content/zt2/2026-04-10-x.md",
        "---\ntitle: 文\ndate: 2026-04-10\nslug: dahui-baodao\ntags: [大会报道]\n---\n文。\n",
    );
    let failure = f.build_err();
    let shown = messages(&failure);
    for (file, line, words) in [
        ("content/zt/_index.md", 4, "找不到横幅文件“meiyou.jpg”"),
        ("content/zt/_index.md", 5, "不是日期"),
        ("content/zt/_index.md", 6, "每栏条数"),
        ("content/zt/_index.md", 7, "“yaowne”不存在"),
        ("content/zt/_index.md", 7, "“报道”写了两次"),
        ("content/zt2/_index.md", 5, "结束日期（2026年4月1日）早于开始日期"),
    ] {
        assert!(
            failure.diagnostics.iter().any(|d| {
                d.to_string().contains(words)
                    && d.to_string().contains(file)
                    && d.to_string().contains(&format!("第 {line} 行"))
            }),
            "{file}:{line} {words} not in:\n{shown}"
        );
    }
    assert!(shown.contains("是不是想写“yaowen”"), "{shown}");
    assert!(
        shown.contains("content/zt2/2026-04-10-x.md") && shown.contains("专题“专题乙”的分栏“大会报道”"),
        "{shown}"
    );
}

#[test]
fn new_writes_a_post_of_the_topic_with_its_sub_section_tag() {
    let f = site();
    let created = new_post(&NewOptions {
        now: Some("2026-05-30T02:00:00Z".parse().unwrap()),
        ..NewOptions::new(f.root(), "quanhui", "委员谈体会")
    })
    .unwrap_or_else(|d| panic!("{d:?}"));
    let text = std::fs::read_to_string(f.root().join(&created.path)).unwrap();
    assert!(text.contains("title: 委员谈体会"), "{text}");
    assert!(text.contains("date: 2026-05-30"), "{text}");
    assert!(text.contains("tags: []") && text.contains("专题分栏"), "{text}");
    f.build();
}

#[test]
fn check_warns_about_a_topic_name_that_only_nearly_names_a_topic() {
    let f = site();
    // “全会专题” contains the short name 全会; “营商环境” names no 专题.
    f.write(
        "content/yaowen/2026-05-27-h.md",
        "---\ntitle: 全会花絮\ndate: 2026-05-27\ntopics: [营商环境, 全会专题]\n---\n花絮。\n",
    );
    let run = || {
        tongxin::check(&CheckOptions {
            now: tongxin::commands::check::parse_now("2026-06-01"),
            ..CheckOptions::new(f.root())
        })
        .findings
        .into_iter()
        .filter(|x| x.rule.id() == "meta-topic")
        .collect::<Vec<_>>()
    };
    let found = run();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, "content/yaowen/2026-05-27-h.md");
    assert_eq!(found[0].line, Some(4));
    assert!(found[0].message.contains("“全会专题”"), "{}", found[0].message);
    assert!(
        found[0].message.contains("专题“2026年全会专题”"),
        "{}",
        found[0].message
    );
    assert!(found[0].fix.contains("简称“全会”"), "{}", found[0].fix);
    // Written right, nothing to say.
    f.write(
        "content/yaowen/2026-05-27-h.md",
        "---\ntitle: 全会花絮\ndate: 2026-05-27\ntopics: [营商环境, 全会]\n---\n花絮。\n",
    );
    assert!(run().is_empty());
}
