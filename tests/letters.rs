//! 来信选登 (`letters` columns) end to end: each letter's page, the statistics
//! per year on the column, bad dates and missing fields, `tongxin new` for the
//! kind, and `check`'s warning about letters left unanswered.

mod common;

use common::*;
use tongxin::CheckOptions;
use tongxin::commands::new::NewOptions;
use tongxin::commands::new::new_post;

/// A site with a letters column (time limit 15 days) of four letters.
fn mailbox() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.write(
        "content/yaowen/2026-05-20-a.md",
        "---\ntitle: 常委会召开\ndate: 2026-05-20\n---\n正文。\n",
    );
    f.write(
        "content/laixin/_index.md",
        "---\ntitle: 来信选登\nkind: 来信选登\nreply_days: 15\npage_size: 2\n---\n选登主席信箱来信。\n",
    );
    f.write(
        "content/laixin/2025-06-01-a.md",
        "---\ntitle: 关于公交的建议\ndate: 2025-06-01\nreceived: 2025-05-01\nletter: 建议增开早班车。\nreplied: 2025-05-11\nreplier: 区交通运输局\n---\n已调整班次。\n",
    );
    f.write(
        "content/laixin/2026-03-01-b.md",
        "---\ntitle: 关于助餐点的建议\ndate: 2026-03-01\n受理日期: 2026年1月5日\n来信摘要: 建议开办老年助餐点。\n答复日期: 2026年2月14日\n答复单位: 区民政局\n---\n已列入计划。\n",
    );
    f.write(
        "content/laixin/2026-04-01-c.md",
        "---\ntitle: 关于停车的建议\ndate: 2026-04-01\nreceived: 2026-03-20\nletter: 建议错时开放停车场。\nreplied: 2026-03-30\nreplier: 城东街道\n---\n已协调开放。\n",
    );
    f.write(
        "content/laixin/2026-05-01-d.md",
        "---\ntitle: 关于路灯的建议\ndate: 2026-05-01\nreceived: 2026-04-28\nletter: 建议增设路灯。\n---\n",
    );
    f
}

fn cells(row: scraper::ElementRef) -> Vec<String> {
    let cell = scraper::Selector::parse("th, td").unwrap();
    row.select(&cell)
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn the_column_counts_letters_per_year_of_acceptance() {
    let f = mailbox();
    let report = f.build();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = f.html("laixin/index.html");
    let row = scraper::Selector::parse(".letter-stats tbody tr").unwrap();
    let rows: Vec<Vec<String>> = html.select(&row).map(cells).collect();
    // 2026: three letters, two replied (40 and 10 days: average 25.0, one
    // later than 15 days); 2025: one, replied in 10 days.
    assert_eq!(
        rows,
        [
            ["2026年", "3", "2", "66.7%", "25.0", "1"],
            ["2025年", "1", "1", "100.0%", "10.0", "0"],
        ]
    );
    assert!(texts(&html, ".letter-stats caption")[0].contains("15 天"));
    // Newest first, two to a page; the statistics lead the first page only.
    let titles = texts(&html, ".letter-list li > a");
    assert_eq!(titles, ["关于路灯的建议", "关于停车的建议"]);
    assert_eq!(texts(&html, ".letter-list .status"), ["办理中", "已答复"]);
    let second = f.html("laixin/page/2/index.html");
    assert!(texts(&second, ".letter-stats").is_empty());
    assert_eq!(
        texts(&second, ".letter-list li > a"),
        ["关于助餐点的建议", "关于公交的建议"]
    );
    // Letters have a feed, like other dated columns.
    assert!(f.exists("laixin/atom.xml"));
}

#[test]
fn a_letter_page_shows_its_dates_replier_summary_and_reply() {
    let f = mailbox();
    f.build();
    let page = f.html("laixin/2026-03-01-b/index.html");
    let facts: Vec<String> = texts(&page, ".letter-facts dd");
    assert!(facts.contains(&"2026年1月5日".to_string()), "{facts:?}");
    assert!(
        facts
            .iter()
            .any(|d| d.starts_with("2026年2月14日") && d.contains("用时 40 天") && d.contains("超过 15 天"))
    );
    assert!(facts.contains(&"区民政局".to_string()));
    assert_eq!(attrs(&page, ".letter-facts time", "datetime")[0], "2026-01-05");
    assert_eq!(texts(&page, ".letter-summary p"), ["建议开办老年助餐点。"]);
    assert!(texts(&page, ".reply .article-body")[0].contains("已列入计划"));

    // Waiting for a reply: the page says so and shows no reply.
    let waiting = f.html("laixin/2026-05-01-d/index.html");
    assert_eq!(texts(&waiting, ".letter-facts .status"), ["办理中"]);
    assert!(texts(&waiting, ".reply .article-body").is_empty());
    assert!(texts(&waiting, ".reply p")[0].contains("正在办理"));
}

#[test]
fn bad_dates_and_missing_fields_are_reported_with_their_lines() {
    let f = mailbox();
    f.write(
        "content/laixin/2026-05-02-e.md",
        "---\ntitle: 日期写错\ndate: 2026-05-02\nreceived: 2026-02-30\nreplied: 下周\n---\n答复。\n",
    );
    f.write(
        "content/laixin/2026-05-03-f.md",
        "---\ntitle: 先答复后受理\ndate: 2026-05-03\nreceived: 2026-05-02\nreplied: 2026-05-01\nletter: 摘要。\nreplier: 区住建局\n---\n答复。\n",
    );
    f.write(
        "content/laixin/2026-05-04-g.md",
        "---\ntitle: 没有受理日期\ndate: 2026-05-04\nletter: 摘要。\n---\n",
    );
    let failure = f.build_err();
    let all = messages(&failure);
    for (file, line, words) in [
        ("content/laixin/2026-05-02-e.md", 4, "受理日期“2026-02-30”无法识别"),
        ("content/laixin/2026-05-02-e.md", 5, "答复日期“下周”无法识别"),
        (
            "content/laixin/2026-05-03-f.md",
            5,
            "答复日期 2026年5月1日 早于受理日期 2026年5月2日",
        ),
        ("content/laixin/2026-05-04-g.md", 1, "缺少受理日期"),
    ] {
        assert!(
            failure.diagnostics.iter().any(|d| {
                d.file.to_string_lossy().replace('\\', "/") == file && d.line == Some(line) && d.message.contains(words)
            }),
            "{file}:{line} {words}\n{all}"
        );
    }

    // Warnings: a reply date without the replier or the reply, a reply without its date.
    let f = mailbox();
    f.write(
        "content/laixin/2026-05-02-h.md",
        "---\ntitle: 答复不全\ndate: 2026-05-02\nreceived: 2026-05-01\nletter: 摘要。\nreplied: 2026-05-02\n---\n",
    );
    f.write(
        "content/laixin/2026-05-03-i.md",
        "---\ntitle: 忘了答复日期\ndate: 2026-05-03\nreceived: 2026-05-01\nletter: 摘要。\n---\n答复内容。\n",
    );
    let report = f.build();
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    for words in ["没有写答复单位", "正文（答复内容）是空的", "没有写答复日期"] {
        assert!(warnings.iter().any(|w| w.contains(words)), "{words}: {warnings:#?}");
    }

    // A time limit that is not a number of days.
    let f = mailbox();
    f.write(
        "content/laixin/_index.md",
        "---\ntitle: 来信选登\nkind: letters\nreply_days: 半个月\n---\n",
    );
    let failure = f.build_err();
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.line == Some(4) && d.message.contains("答复时限")),
        "{}",
        messages(&failure)
    );
}

#[test]
fn check_warns_about_letters_waiting_more_than_three_months() {
    let f = mailbox();
    let run = |day: &str| {
        tongxin::check(&CheckOptions {
            now: tongxin::commands::check::parse_now(day),
            ..CheckOptions::new(f.root())
        })
        .findings
        .into_iter()
        .filter(|x| x.rule.id() == "fresh-reply")
        .collect::<Vec<_>>()
    };
    // Accepted on 28 April: not yet late on 28 July, late the day after.
    assert!(run("2026-07-28").is_empty());
    let late = run("2026-07-29");
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0].file, "content/laixin/2026-05-01-d.md");
    assert_eq!(late[0].line, Some(4));
    assert!(late[0].message.contains("2026年4月28日"));
    // Silenced on the letter itself.
    f.write(
        "content/laixin/2026-05-01-d.md",
        "---\ntitle: 关于路灯的建议\ndate: 2026-05-01\nreceived: 2026-04-28\nletter: 建议增设路灯。\ncheck: { ignore: [fresh-reply] }\n---\n",
    );
    assert!(run("2026-07-29").is_empty());
}

#[test]
fn new_starts_a_letter_with_its_fields() {
    let f = mailbox();
    let created = new_post(&NewOptions {
        now: Some("2026-05-30T02:00:00Z".parse().unwrap()),
        ..NewOptions::new(f.root(), "来信选登", "关于垃圾分类的建议")
    })
    .unwrap_or_else(|d| panic!("{d:?}"));
    let text = std::fs::read_to_string(f.root().join(&created.path)).unwrap();
    for line in ["received: 2026-05-30", "letter: ", "# replied: ", "# replier: "] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // As written by `new`, it builds with only the missing summary flagged.
    let report = f.build();
    let warnings: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("来信摘要"));
}
