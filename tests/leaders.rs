//! 领导之窗 (`leaders` columns) end to end: the list in rank order, each
//! leader's page with speeches and activities found from other posts, the
//! links between a leader's and a member's pages, speakers shown by name, and
//! bad input.

mod common;

use common::*;
use tongxin::commands::new::{NewOptions, new_post};

/// A committee site: two members (one of them also a leader), three leaders,
/// speeches and news naming them in the ways users write names.
fn committee() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("jianghua", "领导讲话", "speech", 20);
    f.column("weiyuan", "委员风采", "members", 20);
    f.write(
        "content/lingdao/_index.md",
        "---\ntitle: 领导之窗\nkind: 领导之窗\n---\n主席会议成员。\n",
    );
    f.write(
        "content/weiyuan/lin-hua.md",
        "---\nname: 林华\nsector: 中共界\nroles: [区政协主席]\n---\n林华委员简介。\n",
    );
    f.write(
        "content/weiyuan/an-ping.md",
        "---\nname: 安平\nsector: 经济界\n---\n安平委员简介。\n",
    );
    f.write(
        "content/lingdao/zhuxi.md",
        "---\nname: 林华\nroles: 区政协主席\nduties: 主持全面工作\nmember: lin-hua\nweight: 1\n---\n1966年生。\n",
    );
    f.write(
        "content/lingdao/fu-zhuxi.md",
        "---\n姓名: 郑国华\n职务: [区政协副主席, 党组成员]\n分工: 分管经济委员会\n排序: 2\n照片: zheng.jpg\n---\n1969年生。\n",
    );
    f.write_bytes("content/lingdao/fu-zhuxi/zheng.jpg", &tiny_jpeg(300, 400));
    f.write(
        "content/lingdao/mishuzhang.md",
        "---\nname: 何斌\nroles: 区政协秘书长\nweight: 3\n---\n1972年生。\n",
    );
    // Speeches naming a leader by member id, by leader id, by name.
    f.write(
        "content/jianghua/2026-01-10-a.md",
        "---\ntitle: 在全会开幕会上的讲话\ndate: 2026-01-10\nspeaker: lin-hua\n---\n讲话。\n",
    );
    f.write(
        "content/jianghua/2026-02-10-b.md",
        "---\ntitle: 在经济界委员座谈会上的讲话\ndate: 2026-02-10\nspeaker: fu-zhuxi\n---\n讲话。\n",
    );
    f.write(
        "content/jianghua/2026-03-10-c.md",
        "---\ntitle: 在秘书长会议上的讲话\ndate: 2026-03-10\nspeaker: 何斌\n---\n讲话。\n",
    );
    // Activities: a leader who is no member is named by id without an error.
    f.write(
        "content/yaowen/2026-04-01-d.md",
        "---\ntitle: 主席会议召开\ndate: 2026-04-01\nmembers: [lin-hua, fu-zhuxi, 何斌]\n---\n会议。\n",
    );
    f.write(
        "content/yaowen/2026-05-01-e.md",
        "---\ntitle: 委员视察\ndate: 2026-05-01\nmembers: [an-ping, 林华]\n---\n视察。\n",
    );
    f
}

#[test]
fn the_column_lists_leaders_by_rank() {
    let f = committee();
    let report = f.build();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = f.html("lingdao/index.html");
    assert_eq!(texts(&html, ".leader-card h2"), ["林华", "郑国华", "何斌"]);
    assert_eq!(
        texts(&html, ".leader-card .position"),
        ["区政协主席", "区政协副主席、党组成员", "区政协秘书长"]
    );
    assert_eq!(texts(&html, ".leader-card .duties")[1], "分工：分管经济委员会");
    assert_eq!(
        attrs(&html, ".leader-card h2 a", "href"),
        ["/lingdao/zhuxi/", "/lingdao/fu-zhuxi/", "/lingdao/mishuzhang/"]
    );
    // The photo goes through the photo pipeline (too small to need smaller
    // copies); leaders without one get their initial.
    assert_eq!(attrs(&html, ".leader-card img", "src"), ["/lingdao/fu-zhuxi/zheng.jpg"]);
    assert_eq!(
        attrs(&html, ".leader-card img", "srcset"),
        ["/lingdao/fu-zhuxi/zheng.jpg 300w"]
    );
    assert_eq!(texts(&html, ".leader-card .placeholder"), ["林", "何"]);
}

#[test]
fn a_leader_page_gathers_speeches_and_activities() {
    let f = committee();
    f.build();
    let page = f.html("lingdao/zhuxi/index.html");
    assert_eq!(texts(&page, "h1"), ["林华"]);
    assert_eq!(texts(&page, "#speeches-title + ul a"), ["在全会开幕会上的讲话"]);
    // Newest first; named by member id and by name.
    assert_eq!(texts(&page, "#activities-title + ul a"), ["委员视察", "主席会议召开"]);
    assert_eq!(attrs(&page, ".facts a", "href"), ["/weiyuan/lin-hua/"]);

    let page = f.html("lingdao/fu-zhuxi/index.html");
    assert_eq!(texts(&page, "#speeches-title + ul a"), ["在经济界委员座谈会上的讲话"]);
    assert_eq!(texts(&page, "#activities-title + ul a"), ["主席会议召开"]);
    assert!(texts(&page, ".facts dt").iter().all(|t| t != "委员风采"));

    let page = f.html("lingdao/mishuzhang/index.html");
    assert_eq!(texts(&page, "#speeches-title + ul a"), ["在秘书长会议上的讲话"]);
    assert_eq!(texts(&page, "#activities-title + ul a"), ["主席会议召开"]);

    // The member's page links back to 领导之窗.
    let member = f.html("weiyuan/lin-hua/index.html");
    assert!(attrs(&member, ".facts a", "href").contains(&"/lingdao/zhuxi/".to_string()));
    let member = f.html("weiyuan/an-ping/index.html");
    assert!(
        !attrs(&member, ".facts a", "href")
            .iter()
            .any(|h| h.starts_with("/lingdao/"))
    );
}

#[test]
fn speeches_show_a_leader_by_name_and_link_the_leader_page() {
    let f = committee();
    f.build();
    for (rel, name, href) in [
        ("jianghua/2026-01-10-a/index.html", "林华", "/lingdao/zhuxi/"),
        ("jianghua/2026-02-10-b/index.html", "郑国华", "/lingdao/fu-zhuxi/"),
        ("jianghua/2026-03-10-c/index.html", "何斌", "/lingdao/mishuzhang/"),
    ] {
        let html = f.read(rel);
        let doc = scraper::Html::parse_document(&html);
        let links = scraper::Selector::parse("a").unwrap();
        assert!(
            doc.select(&links)
                .any(|a| a.value().attr("href") == Some(href) && a.text().collect::<String>().contains(name)),
            "{rel}: no link {href} named {name}"
        );
        assert!(!html.contains(">fu-zhuxi<"), "{rel} shows the id");
    }
}

#[test]
fn bad_input_is_reported_with_file_and_line() {
    let f = committee();
    f.write(
        "content/lingdao/zhuxi.md",
        "---\nname: 林华\nroles: 区政协主席\nmember: lin-huaa\n---\n",
    );
    f.write("content/lingdao/wuming.md", "---\nroles: 区政协副主席\n---\n");
    let failure = f.build_err();
    let all = messages(&failure);
    let has = |file: &str, line: usize, words: &str| {
        failure.diagnostics.iter().any(|d| {
            d.file.to_string_lossy().replace('\\', "/") == file && d.line == Some(line) && d.message.contains(words)
        })
    };
    assert!(
        has("content/lingdao/zhuxi.md", 4, "委员编号“lin-huaa”不是本站的委员"),
        "{all}"
    );
    assert!(all.contains("是不是想写“lin-hua”"), "{all}");
    assert!(has("content/lingdao/wuming.md", 1, "领导资料缺少姓名"), "{all}");

    // A missing position is a warning at the name's line.
    let f = committee();
    f.write("content/lingdao/mishuzhang.md", "---\ntitle: x\nname: 何斌\n---\n");
    let report = f.build();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.line == Some(3) && w.message.contains("没有写职务")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn new_starts_a_leader_with_the_next_rank() {
    let f = committee();
    let created = new_post(&NewOptions {
        now: Some("2026-05-30T02:00:00Z".parse().unwrap()),
        ..NewOptions::new(f.root(), "领导之窗", "王芳")
    })
    .unwrap_or_else(|d| panic!("{d:?}"));
    let text = std::fs::read_to_string(f.root().join(&created.path)).unwrap();
    for line in [
        "name: 王芳",
        "roles: ",
        "duties: ",
        "weight: 4",
        "# photo: ",
        "# member: ",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let report = f.build();
    // Only the empty position is flagged; the new leader comes last.
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(
        texts(&f.html("lingdao/index.html"), ".leader-card h2").last().unwrap(),
        "王芳"
    );
}
