//! The CPPCC content kinds end to end: members and their 履职记录, proposals and
//! their statistics, books and chapters, study materials and attachments, the
//! home page blocks, and that no page is an orphan.

mod common;

use std::collections::BTreeSet;

use common::*;
use scraper::Selector;

/// A small committee site with one column of every CPPCC kind.
fn committee() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("jianghua", "领导讲话", "speech", 20);
    f.column("sheqing", "社情民意", "opinions", 20);
    f.column("weiyuan", "委员风采", "members", 20);
    f.column("tian", "提案工作", "proposals", 20);
    f.column("wenshi", "文史资料", "series", 20);
    f.column("xuexi", "学习园地", "study", 20);
    f.column("tongzhi", "通知公告", "notice", 20);
    f.column("guanyu", "关于我们", "page", 20);
    f.write(
        "content/weiyuan/zhang-wei.md",
        "---\nname: 张伟\nsector: 经济界\ncommittee: 经济委员会\nroles: [常委]\nparty: 民建\nemployer: 某某公司\nterm: 第十届\n---\n张伟委员简介。\n",
    );
    f.write(
        "content/weiyuan/li-na.md",
        "---\nname: 李娜\nsector: 教育界\ncommittee: [教科卫体委员会, 提案委员会]\nphoto: li-na.jpg\n---\n李娜委员简介。\n",
    );
    f.write_bytes("content/weiyuan/li-na/li-na.jpg", &common::tiny_jpeg(150, 200));
    f.write(
        "content/weiyuan/an-ping.md",
        "---\nname: 安平\nsector: 中共界\n---\n安平委员简介。\n",
    );
    f.write(
        "content/weiyuan/zhao-min.md",
        "---\nname: 赵敏\nsector: 经济界\n---\n赵敏委员简介。\n",
    );
    f.write(
        "content/yaowen/2025-03-01-shicha.md",
        "---\ntitle: 委员视察老旧小区改造\ndate: 2025-03-01\nmembers: [zhang-wei]\n---\n正文。\n",
    );
    f.write(
        "content/yaowen/2025-04-01-xieshang.md",
        "---\ntitle: 专题协商会召开\ndate: 2025-04-01\nmembers: [zhang-wei, li-na]\nfeatured: true\n---\n正文。\n",
    );
    f.write(
        "content/jianghua/2025-02-01-fayan.md",
        "---\ntitle: 在全会上的大会发言\ndate: 2025-02-01\nspeaker: 张伟\noccasion: 十届三次会议\n---\n发言正文。\n",
    );
    f.write(
        "content/sheqing/2025-05-01-dianti.md",
        "---\ntitle: 关于电梯维保的建议\ndate: 2025-05-01\ntopic: 电梯安全\nmembers: [张伟]\n---\n正文。\n",
    );
    f.write(
        "content/tian/10-3-001-a.md",
        "---\ntitle: 关于加装电梯的提案\ndate: 2025-01-10\nnumber: \"10-3-001\"\nsession: 十届三次会议\nproposers: [zhang-wei, li-na]\ncategory: 城乡建设\nstatus: 已办复\nhandler: 区住建局\nreply: 已列入年度计划。\nresult: A\nsatisfaction: 满意\n---\n案由。\n",
    );
    f.write(
        "content/tian/10-3-002-b.md",
        "---\ntitle: 关于课后服务的提案\ndate: 2025-01-11\nnumber: \"10-3-002\"\nsession: 十届三次会议\nproposers: [民建基层委员会]\ncategory: 教育文化\nstatus: 不予立案\n---\n案由。\n",
    );
    f.write(
        "content/wenshi/jiuying/_index.md",
        "---\ntitle: 溪山旧影\neditor: 王编\nyear: 2025\n---\n前言正文。\n",
    );
    f.write(
        "content/wenshi/jiuying/01-laojie.md",
        "---\ntitle: 老街\n---\n## 街口\n\n老街正文。\n",
    );
    f.write(
        "content/wenshi/jiuying/02-gudu.md",
        "---\ntitle: 古渡\n---\n## 街口\n\n古渡正文。\n",
    );
    f.write(
        "content/xuexi/2025-02-01-a.md",
        "---\ntitle: 学习材料甲\ndate: 2025-02-01\nissue: 2025年第1期\nattachments:\n  - file: tiyao.pdf\n    title: 学习提要\n---\n正文。\n",
    );
    f.write_bytes("content/xuexi/2025-02-01-a/tiyao.pdf", &vec![b'%'; 1234]);
    f.write(
        "content/xuexi/2025-05-01-b.md",
        "---\ntitle: 学习材料乙\ndate: 2025-05-01\nissue: 2025年第2期\n---\n正文。\n",
    );
    f.write(
        "content/tongzhi/2025-05-02-tongzhi.md",
        "---\ntitle: 会议通知\ndate: 2025-05-02\n---\n正文。\n",
    );
    f.write("content/guanyu/jianjie.md", "---\ntitle: 本会简介\n---\n简介。\n");
    f
}

fn error_texts(f: &Fixture) -> Vec<String> {
    f.build_err().errors().map(|d| d.to_string()).collect()
}

#[test]
fn a_members_record_gathers_pages_of_every_kind() {
    let f = committee();
    f.build();
    let page = f.html("weiyuan/zhang-wei/index.html");
    assert_eq!(texts(&page, ".member-profile h1"), ["张伟"]);
    assert_eq!(texts(&page, ".facts dd")[..2], ["经济界", "经济委员会"]);
    // Newest first within each group; groups in a fixed order, with counts.
    assert_eq!(
        texts(&page, ".record h3"),
        ["提案 （1）", "讲话发言 （1）", "社情民意 （1）", "履职活动 （2）"]
    );
    assert_eq!(
        texts(&page, ".record li a"),
        [
            "关于加装电梯的提案",
            "在全会上的大会发言",
            "关于电梯维保的建议",
            "专题协商会召开",
            "委员视察老旧小区改造"
        ]
    );
    assert!(texts(&page, ".record h2")[0].contains("共 5 项"));
    // A member without a photo gets a placeholder with the first character.
    assert_eq!(texts(&page, ".member-head .placeholder"), ["张"]);
    let li_na = f.html("weiyuan/li-na/index.html");
    assert_eq!(attrs(&li_na, ".member-head img", "src"), ["/weiyuan/li-na/li-na.jpg"]);
    assert!(f.exists("weiyuan/li-na/li-na.jpg"));

    // The speech and the proposal link back to the member.
    let speech = f.html("jianghua/2025-02-01-fayan/index.html");
    assert_eq!(attrs(&speech, ".meta a", "href"), ["/weiyuan/zhang-wei/"]);
    let meta = texts(&speech, ".meta span");
    assert!(meta.contains(&"讲话人：张伟".to_string()), "{meta:?}");
    assert!(meta.contains(&"场合：十届三次会议".to_string()), "{meta:?}");
    let proposal = f.html("tian/10-3-001-a/index.html");
    assert_eq!(
        attrs(&proposal, ".facts a", "href"),
        ["/weiyuan/zhang-wei/", "/weiyuan/li-na/"]
    );
}

#[test]
fn members_are_listed_by_sector_and_by_committee_in_pinyin_order() {
    let f = committee();
    f.build();
    let index = f.html("weiyuan/index.html");
    assert_eq!(
        texts(&index, ".member-group h2"),
        ["中共界 （1 人）", "经济界 （2 人）", "教育界 （1 人）"]
    );
    // 张 (zhang) before 赵 (zhao).
    assert_eq!(texts(&index, ".member-group .name"), ["安平", "张伟", "赵敏", "李娜"]);
    assert_eq!(
        attrs(&index, ".view-switch a", "href"),
        ["/weiyuan/", "/weiyuan/zhuanweihui/"]
    );

    let by_committee = f.html("weiyuan/zhuanweihui/index.html");
    assert_eq!(
        texts(&by_committee, ".member-group h2"),
        [
            "提案委员会 （1 人）",
            "经济委员会 （1 人）",
            "教科卫体委员会 （1 人）",
            "其他 （2 人）"
        ]
    );
    assert_eq!(
        attrs(&by_committee, ".view-switch a[aria-current]", "href"),
        ["/weiyuan/zhuanweihui/"]
    );
}

#[test]
fn a_member_id_that_matches_no_member_is_an_error_with_its_line() {
    let f = committee();
    f.write(
        "content/yaowen/2025-06-01-typo.md",
        "---\ntitle: 错别编号\ndate: 2025-06-01\nmembers: [zhang-wie]\n---\n正文。\n",
    );
    f.write(
        "content/tian/10-3-003-c.md",
        "---\ntitle: 第三件\ndate: 2025-01-12\nsession: 十届三次会议\nproposers: [wang-wu]\nstatus: 立案\n---\n案由。\n",
    );
    let errors = error_texts(&f);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].contains("content/tian/10-3-003-c.md 第 5 行"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("提案人中的“wang-wu”不是本站的委员"));
    assert!(
        errors[1].contains("content/yaowen/2025-06-01-typo.md 第 4 行"),
        "{}",
        errors[1]
    );
    assert!(errors[1].contains("“zhang-wie”"));
    assert!(errors[1].contains("是不是想写“zhang-wei”"), "{}", errors[1]);
}

/// Ten proposals over two sessions with known figures.
fn proposals_fixture() -> Fixture {
    let f = Fixture::new();
    f.column("tian", "提案工作", "proposals", 20);
    let rows = [
        // session, status, result, satisfaction, category
        ("十届一次会议", "已办复", "A", "满意", "经济发展"),
        ("十届一次会议", "已办复", "A", "满意", "经济发展"),
        ("十届一次会议", "已办复", "B", "基本满意", "社会事业"),
        ("十届一次会议", "已办复", "C", "不满意", "社会事业"),
        ("十届一次会议", "办理中", "", "", "社会事业"),
        ("十届一次会议", "立案", "", "", "城乡建设"),
        ("十届一次会议", "不予立案", "", "", "城乡建设"),
        ("十届二次会议", "已办复", "A", "满意", "经济发展"),
        ("十届二次会议", "已办复", "B", "满意", "经济发展"),
        ("十届二次会议", "不予立案", "", "", "社会事业"),
    ];
    for (i, (session, status, result, satisfaction, category)) in rows.iter().enumerate() {
        let mut text = format!(
            "---\ntitle: 第{n}号提案\ndate: 2025-01-{n:02}\nnumber: \"{n}\"\nsession: {session}\nproposers: [某界别]\ncategory: {category}\nstatus: {status}\n",
            n = i + 1
        );
        if !result.is_empty() {
            text.push_str(&format!(
                "result: {result}\nsatisfaction: {satisfaction}\nreply: 已答复。\n"
            ));
        }
        text.push_str("---\n案由。\n");
        f.write(&format!("content/tian/p{:02}.md", i + 1), &text);
    }
    f
}

#[test]
fn proposal_statistics_per_session_are_exact() {
    let f = proposals_fixture();
    f.build();
    let page = f.html("tian/index.html");
    let rows: Vec<Vec<String>> = {
        let tr = Selector::parse(".proposal-stats tbody tr").unwrap();
        let cell = Selector::parse("th, td").unwrap();
        page.select(&tr)
            .map(|r| r.select(&cell).map(|c| c.text().collect::<String>()).collect())
            .collect()
    };
    // Newest session first. 十届一次: 7 received, 6 filed (85.7%), 4 replied
    // (66.7% of filed), A 2 (33.3%), B 1 (16.7%), C 1 (16.7%), satisfaction
    // (2 满意 + 1 基本满意) / 4 = 75.0%.
    assert_eq!(
        rows,
        [
            [
                "十届二次会议",
                "3",
                "2",
                "66.7%",
                "2",
                "100.0%",
                "1（50.0%）",
                "1（50.0%）",
                "0（0.0%）",
                "100.0%"
            ],
            [
                "十届一次会议",
                "7",
                "6",
                "85.7%",
                "4",
                "66.7%",
                "2（33.3%）",
                "1（16.7%）",
                "1（16.7%）",
                "75.0%"
            ],
        ]
    );
    // The chart is inline SVG whose text carries the same numbers.
    let svg = Selector::parse(".proposal-stats svg[role=img]").unwrap();
    let chart = page.select(&svg).next().expect("chart");
    let desc: String = chart
        .select(&Selector::parse("desc").unwrap())
        .flat_map(|d| d.text())
        .collect();
    assert!(
        desc.contains("十届一次会议：收到提案7件，立案6件，立案率85.7%"),
        "{desc}"
    );
    assert!(desc.contains("满意率75.0%"));
    // The table lists every proposal, newest session first, then by number.
    let numbers = texts(&page, ".proposal-table tbody td:first-child");
    assert_eq!(numbers, ["8", "9", "10", "1", "2", "3", "4", "5", "6", "7"]);
}

#[test]
fn proposals_filter_by_session_status_and_category_without_a_server() {
    let f = proposals_fixture();
    f.build();
    let page = f.html("tian/index.html");
    let links = attrs(&page, ".facets a", "href");
    assert!(
        links.contains(&"/tian/huiyi/shijie-yici-huiyi/".to_string()),
        "{links:?}"
    );
    assert!(links.contains(&"/tian/zhuangtai/yibanfu/".to_string()), "{links:?}");
    assert!(links.contains(&"/tian/leibie/jingji-fazhan/".to_string()), "{links:?}");

    let session = f.html("tian/huiyi/shijie-yici-huiyi/index.html");
    assert_eq!(texts(&session, ".proposal-table tbody tr").len(), 7);
    // A session page shows that session's statistics only.
    assert_eq!(texts(&session, ".proposal-stats tbody th"), ["十届一次会议"]);
    let replied = f.html("tian/zhuangtai/yibanfu/index.html");
    assert_eq!(texts(&replied, ".proposal-table tbody tr").len(), 6);
    assert_eq!(texts(&replied, ".facets a[aria-current]"), ["已办复（6）"]);
    let category = f.html("tian/leibie/jingji-fazhan/index.html");
    assert_eq!(texts(&category, ".proposal-table tbody tr").len(), 4);
}

#[test]
fn proposal_values_outside_the_allowed_lists_are_errors() {
    let f = Fixture::new();
    f.column("tian", "提案工作", "proposals", 20);
    f.write(
        "content/tian/bad.md",
        "---\ntitle: 写错的提案\ndate: 2025-01-01\nsession: 十届一次会议\nstatus: 已完成\nresult: D\nsatisfaction: 非常满意\n---\n案由。\n",
    );
    let errors = error_texts(&f);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let status = errors.iter().find(|e| e.contains("已完成")).unwrap();
    assert!(status.contains("第 5 行"));
    assert!(status.contains("立案、不予立案、办理中、已办复"), "{status}");
    let result = errors.iter().find(|e| e.contains("“D”")).unwrap();
    assert!(result.contains("第 6 行"));
    assert!(result.contains("A（已解决或采纳）"));
    let satisfaction = errors.iter().find(|e| e.contains("非常满意")).unwrap();
    assert!(satisfaction.contains("满意、基本满意、不满意"));
}

#[test]
fn a_reply_letter_is_a_file_with_its_type_and_size() {
    let f = proposals_fixture();
    f.write(
        "content/tian/p11.md",
        "---\ntitle: 第11号提案\ndate: 2025-01-20\nsession: 十届二次会议\nstatus: 已办复\nreply: dafu.pdf\n---\n案由。\n",
    );
    f.write_bytes("content/tian/p11/dafu.pdf", &vec![b'%'; 2048]);
    f.build();
    let page = f.html("tian/p11/index.html");
    assert_eq!(attrs(&page, ".reply a", "href"), ["/tian/p11/dafu.pdf"]);
    assert_eq!(texts(&page, ".reply .file-meta"), ["PDF · 2.0 KB"]);
    assert!(f.exists("tian/p11/dafu.pdf"));
}

#[test]
fn chapters_follow_weight_then_file_name_with_neighbours() {
    let f = committee();
    f.write(
        "content/wenshi/chashi/_index.md",
        "---\ntitle: 云岭茶事\neditor: 陈编\nyear: 2024\n---\n",
    );
    f.write("content/wenshi/chashi/a.md", "---\ntitle: 甲篇\nweight: 3\n---\n甲。\n");
    f.write("content/wenshi/chashi/b.md", "---\ntitle: 乙篇\nweight: 1\n---\n乙。\n");
    f.write("content/wenshi/chashi/c.md", "---\ntitle: 丙篇\nweight: 2\n---\n丙。\n");
    f.build();

    // The shelf: newest year first by default order (weight, year, folder).
    let shelf = f.html("wenshi/index.html");
    assert_eq!(texts(&shelf, ".book-card .book-title"), ["溪山旧影", "云岭茶事"]);
    assert!(texts(&shelf, ".book-card .book-meta")[0].contains("主编：王编"));

    let book = f.html("wenshi/chashi/index.html");
    assert_eq!(texts(&book, ".book-toc a"), ["乙篇", "丙篇", "甲篇"]);
    let by_name = f.html("wenshi/jiuying/index.html");
    assert_eq!(texts(&by_name, ".book-toc a"), ["老街", "古渡"]);

    let middle = f.html("wenshi/chashi/c/index.html");
    assert_eq!(texts(&middle, ".breadcrumb a"), ["首页", "文史资料", "云岭茶事"]);
    assert_eq!(attrs(&middle, "a[rel=prev]", "href"), ["/wenshi/chashi/b/"]);
    assert_eq!(attrs(&middle, "a[rel=next]", "href"), ["/wenshi/chashi/a/"]);
    assert!(texts(&middle, ".prev-next a").contains(&"返回目录".to_string()));
    let first = f.html("wenshi/chashi/b/index.html");
    assert!(attrs(&first, "a[rel=prev]", "href").is_empty());
}

#[test]
fn the_whole_book_view_has_every_chapter_with_unique_anchors() {
    let f = committee();
    f.build();
    let page = f.html("wenshi/jiuying/quanshu/index.html");
    assert_eq!(texts(&page, ".book-chapter > h2"), ["老街", "古渡"]);
    assert!(texts(&page, ".preface").concat().contains("前言正文"));
    // Both chapters have a heading "街口": their ids must still differ, and
    // every contents link must point at an id on the page.
    let ids: Vec<String> = attrs(&page, "[id]", "id");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids: {ids:?}");
    for href in attrs(&page, ".book-toc a", "href") {
        let id = href.strip_prefix('#').expect("in-page link");
        assert!(ids.iter().any(|i| i == id), "{href} points nowhere");
    }
    // Headings inside a chapter sit below the chapter title.
    assert_eq!(texts(&page, ".book-chapter h3"), ["街口", "街口"]);
    let book = f.html("wenshi/jiuying/index.html");
    // Two ways in: the first chapter, and the whole book on one page.
    let buttons = attrs(&book, "a.button", "href");
    assert_eq!(buttons.len(), 2, "{buttons:?}");
    assert_eq!(buttons[1], "/wenshi/jiuying/quanshu/");
    assert!(attrs(&book, ".book-toc a", "href").first() == buttons.first());
}

#[test]
fn a_chapter_outside_a_book_or_a_book_without_settings_is_an_error() {
    let f = committee();
    f.write("content/wenshi/loose.md", "---\ntitle: 散篇\n---\n正文。\n");
    f.write("content/wenshi/wushu/01.md", "---\ntitle: 无书之章\n---\n正文。\n");
    let errors = error_texts(&f);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("content/wenshi/loose.md") && e.contains("书的文件夹里"))
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("content/wenshi/wushu") && e.contains("没有 _index.md"))
    );
}

#[test]
fn study_items_are_grouped_by_issue_with_attachment_sizes() {
    let f = committee();
    f.write(
        "content/xuexi/2025-03-01-c.md",
        "---\ntitle: 学习材料丙\ndate: 2025-03-01\nissue: 2025年第1期\nattachments: [/files/shouce.pdf]\n---\n正文。\n",
    );
    f.write_bytes("static/files/shouce.pdf", &vec![b'%'; 3 * 1024 * 1024 / 2]);
    f.build();
    let page = f.html("xuexi/index.html");
    assert_eq!(texts(&page, ".issue h2"), ["2025年第2期", "2025年第1期"]);
    assert_eq!(texts(&page, ".issue li a"), ["学习材料乙", "学习材料丙", "学习材料甲"]);

    let item = f.html("xuexi/2025-02-01-a/index.html");
    assert_eq!(texts(&item, ".attachments a"), ["学习提要"]);
    assert_eq!(
        attrs(&item, ".attachments a", "href"),
        ["/xuexi/2025-02-01-a/tiyao.pdf"]
    );
    assert_eq!(texts(&item, ".attachments .file-meta"), ["PDF · 1.2 KB"]);
    assert!(f.exists("xuexi/2025-02-01-a/tiyao.pdf"));
    let from_static = f.html("xuexi/2025-03-01-c/index.html");
    assert_eq!(attrs(&from_static, ".attachments a", "href"), ["/files/shouce.pdf"]);
    assert_eq!(texts(&from_static, ".attachments .file-meta"), ["PDF · 1.5 MB"]);
}

#[test]
fn a_missing_attachment_is_an_error_naming_file_and_line() {
    let f = committee();
    f.write(
        "content/xuexi/2025-06-01-d.md",
        "---\ntitle: 缺附件\ndate: 2025-06-01\nissue: 2025年第3期\nattachments:\n  - file: meiyou.pdf\n---\n正文。\n",
    );
    let errors = error_texts(&f);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("content/xuexi/2025-06-01-d.md 第 5 行"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("meiyou.pdf"));
    assert!(errors[0].contains("content/xuexi/2025-06-01-d/"), "{}", errors[0]);
}

#[test]
fn home_blocks_follow_the_home_settings() {
    let f = committee();
    f.write(
        "content/_index.md",
        "---\ntitle: 首页\n新闻栏目: [sheqing, yaowen]\n新闻条数: 1\n委员条数: 2\n文史条数: 0\n---\n",
    );
    f.build();
    let home = f.html("index.html");
    assert_eq!(
        texts(&home, ".sections .section:not(.notices) h2"),
        ["社情民意", "政协要闻"]
    );
    assert_eq!(
        texts(&home, ".sections .section:not(.notices) li a"),
        ["关于电梯维保的建议", "专题协商会召开"]
    );
    assert_eq!(texts(&home, ".notices li a"), ["会议通知"]);
    assert_eq!(texts(&home, ".focus .focus-title"), ["专题协商会召开"]);
    // The most recently active members first.
    assert_eq!(texts(&home, ".member-strip .name"), ["张伟", "李娜"]);
    assert!(texts(&home, ".home-books").is_empty());
    assert!(texts(&home, ".all-columns a").contains(&"文史资料".to_string()));

    f.write(
        "content/_index.md",
        "---\ntitle: 首页\n新闻栏目: [yaowen, shiqing]\n---\n",
    );
    let errors = error_texts(&f);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("content/_index.md 第 3 行"), "{}", errors[0]);
    assert!(errors[0].contains("是不是想写“sheqing”"));
}

#[test]
fn every_page_is_reachable_from_the_home_page() {
    let f = committee();
    f.build();
    assert_no_orphans(&f.public());
}

#[test]
fn photos_and_covers_must_exist_and_books_find_their_own_cover() {
    let f = committee();
    f.write(
        "content/wenshi/chashi/_index.md",
        "---\ntitle: 云岭茶事\ncover: fengmian.jpg\n---\n",
    );
    f.write_bytes("content/wenshi/chashi/fengmian.jpg", &common::tiny_jpeg(120, 160));
    f.write("content/wenshi/chashi/a.md", "---\ntitle: 甲篇\n---\n甲。\n");
    f.build();
    let shelf = f.html("wenshi/index.html");
    assert_eq!(attrs(&shelf, "img.book-cover", "src"), ["/wenshi/chashi/fengmian.jpg"]);
    assert!(f.exists("wenshi/chashi/fengmian.jpg"));

    f.write(
        "content/weiyuan/zhao-min.md",
        "---\nname: 赵敏\nsector: 经济界\nphoto: zhaomin.jpg\n---\n简介。\n",
    );
    f.write(
        "content/yaowen/2025-06-01-fengmian.md",
        "---\ntitle: 有封面的文章\ndate: 2025-06-01\ncover: /images/meiyou.jpg\n---\n正文。\n",
    );
    let errors = error_texts(&f);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].contains("content/weiyuan/zhao-min.md 第 4 行") && errors[0].contains("找不到照片文件"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("content/weiyuan/zhao-min/"), "{}", errors[0]);
    assert!(
        errors[1].contains("content/yaowen/2025-06-01-fengmian.md 第 4 行") && errors[1].contains("static"),
        "{}",
        errors[1]
    );
}

/// Proposals pasted from a session's handling report carry no date: 83 of
/// them build, are listed as the report lists them (by number), are counted,
/// and stay out of the places ordered by date (feeds, the home page's latest
/// items, freshness), with no error. Study materials may be undated too.
#[test]
fn undated_proposals_and_study_materials_build_in_their_kinds_order() {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("tian", "提案工作", "proposals", 20);
    f.column("xuexi", "学习园地", "study", 20);
    f.write(
        "content/yaowen/2025-03-01-a.md",
        "---\ntitle: 全会闭幕\ndate: 2025-03-01\n---\n正文。\n",
    );
    for n in 1..=83 {
        let (status, result) = match n % 3 {
            0 => ("已办复", "result: A\nsatisfaction: 满意\n"),
            1 => ("已办复", "result: B\nsatisfaction: 基本满意\n"),
            _ => ("办理中", ""),
        };
        // Written in a shuffled order: the file names say nothing about the order.
        f.write(
            &format!("content/tian/t{:03}.md", (n * 37) % 83),
            &format!(
                "---\ntitle: 第{n}号提案\nnumber: \"10-3-{n:03}\"\nsession: 十届三次会议\nproposers: [民建区委]\nhandler: 区发改局\nstatus: {status}\n{result}---\n案由。\n"
            ),
        );
    }
    f.write(
        "content/tian/old.md",
        "---\ntitle: 上届的提案\nnumber: \"10-2-001\"\nsession: 十届二次会议\nproposers: [民建区委]\nstatus: 立案\n---\n案由。\n",
    );
    f.write(
        "content/xuexi/a.md",
        "---\ntitle: 学习材料甲\nissue: 2025年第1期\n---\n正文。\n",
    );
    f.write(
        "content/xuexi/b.md",
        "---\ntitle: 学习材料乙\nissue: 2025年第2期\ndate: 2025-02-20\n---\n正文。\n",
    );
    let report = f.build();
    assert!(
        report.warnings.iter().all(|w| !w.message.contains("日期")),
        "{:?}",
        report.warnings
    );

    let page = f.html("tian/index.html");
    let numbers = texts(&page, ".proposal-table tbody td:first-child");
    assert_eq!(numbers.len(), 84);
    assert_eq!(numbers[..3], ["10-3-001", "10-3-002", "10-3-003"]);
    assert_eq!(numbers[82..], ["10-3-083", "10-2-001"]);
    // 上一篇/下一篇 follow the numbers.
    let second = f.html("tian/t074/index.html");
    assert!(texts(&second, "main").concat().contains("第2号提案"));
    let links = attrs(&second, "a", "href");
    assert!(links.iter().any(|l| l == "/tian/t037/"), "{links:?}");
    assert!(links.iter().any(|l| l == "/tian/t028/"), "{links:?}");

    // Dated places hold only dated items.
    let feed = f.read("tian/atom.xml");
    assert!(xml_texts(&feed, "entry").is_empty(), "{feed}");
    let site_feed = f.read("atom.xml");
    assert_eq!(xml_texts(&site_feed, "title")[1..], ["全会闭幕", "学习材料乙"]);
    let study = f.html("xuexi/index.html");
    assert_eq!(texts(&study, "main li a"), ["学习材料乙", "学习材料甲"]);

    // check: no date is asked for, no column is stale for lack of one.
    let report = tongxin::check(&tongxin::CheckOptions {
        now: Some("2025-03-05T12:00".parse().unwrap()),
        ..tongxin::CheckOptions::new(f.root())
    });
    let dated: Vec<String> = report
        .findings
        .iter()
        .filter(|x| {
            x.rule.id().starts_with("meta-date") || x.rule.id().starts_with("fresh-column") || x.rule.id() == "build"
        })
        .map(|x| format!("{} {}:{:?} {}", x.rule.id(), x.file, x.line, x.message))
        .collect();
    assert!(dated.is_empty(), "{dated:#?}");
}
