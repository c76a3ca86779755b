//! The search index on disk: which pages are in it, in which order, and what
//! their terms say. The ranking in the browser is checked by the browser suite.

mod common;

use std::collections::BTreeMap;

use common::*;
use tongxin::output::search::index::{TITLE, WORD};
use tongxin::output::search::{DocText, read};

struct Index {
    /// In id order, which is newest first after a clean build.
    docs: Vec<DocText>,
    columns: Vec<u8>,
    column_names: Vec<String>,
    /// term → [(doc, flags)]
    terms: BTreeMap<String, Vec<(u32, u8)>>,
    shards: usize,
}

fn read_index(f: &Fixture) -> Index {
    let index = read::read(&f.public().join("search/data")).unwrap();
    let shards = index.meta["shards"].as_u64().unwrap() as usize;
    assert!(shards >= 1);
    assert_eq!(
        index.by_rank(),
        (0..index.texts.len() as u32).collect::<Vec<_>>(),
        "ids in date order"
    );
    Index {
        docs: index.texts.into_iter().map(Option::unwrap).collect(),
        columns: index.columns,
        column_names: index.meta["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        terms: index.terms,
        shards,
    }
}

impl Index {
    fn titles(&self) -> Vec<&str> {
        self.docs.iter().map(|d| d.title.as_str()).collect()
    }

    fn docs_of(&self, term: &str) -> Vec<&str> {
        self.terms
            .get(term)
            .map(|p| p.iter().map(|&(d, _)| self.docs[d as usize].title.as_str()).collect())
            .unwrap_or_default()
    }

    fn flags(&self, term: &str, title: &str) -> u8 {
        let doc = self.titles().iter().position(|t| *t == title).unwrap() as u32;
        self.terms[term].iter().find(|&&(d, _)| d == doc).unwrap().1
    }
}

fn site() -> Fixture {
    let f = Fixture::new();
    f.column("yaowen", "政协要闻", "news", 20);
    f.column("tian", "提案工作", "proposals", 20);
    f.write(
        "content/yaowen/2025-03-01-a.md",
        "---\ntitle: 学习中华人民共和国宪法\ndate: 2025-03-01\n---\n委员们认真学习宪法。\n",
    );
    f.write(
        "content/yaowen/2025-03-05-b.md",
        "---\ntitle: 区政协召开协商会\ndate: 2025-03-05\n---\n会议围绕协商民主建设开展讨论，ＡＢＣ公司代表列席。\n",
    );
    f.write(
        "content/yaowen/2025-03-09-draft.md",
        "---\ntitle: 尚未发布的稿件\ndate: 2025-03-09\ndraft: true\n---\n草稿正文。\n",
    );
    f.write(
        "content/yaowen/2025-03-10-hidden.md",
        "---\ntitle: 不进搜索的页面\ndate: 2025-03-10\nsearch: false\n---\n隐藏正文。\n",
    );
    f.write(
        "content/tian/7-3-015.md",
        "---\ntitle: 关于加装电梯的提案\ndate: 2025-01-10\nnumber: 7-3-015\nsession: 七届三次会议\nproposers: [城建组]\nstatus: 立案\n---\n建议加快老旧小区加装电梯。\n",
    );
    f
}

#[test]
fn the_index_holds_published_pages_newest_first() {
    let f = site();
    let mut options = f.options();
    // Even a preview build with drafts keeps drafts out of search.
    options.drafts = true;
    tongxin::build(&options).unwrap();
    let index = read_index(&f);
    assert_eq!(
        index.titles(),
        ["区政协召开协商会", "学习中华人民共和国宪法", "关于加装电梯的提案"]
    );
    assert_eq!(index.docs[0].url, "/yaowen/2025-03-05-b/");
    assert_eq!(index.docs[0].date, "2025年3月5日");
    assert!(index.docs[0].text.starts_with("会议围绕协商民主"));
    let column = |i: usize| index.column_names[index.columns[i] as usize].as_str();
    assert_eq!([column(0), column(2)], ["政协要闻", "提案工作"]);
    assert!(index.docs_of("草稿").is_empty());
    assert!(index.docs_of("隐藏").is_empty());
    assert!(index.shards >= 1);
    // The search page points at the index, under the site's path.
    let page = f.html("search/index.html");
    assert_eq!(
        attrs(&page, "[data-search-index]", "data-search-index"),
        ["/search/data/"]
    );
}

#[test]
fn terms_are_characters_pairs_words_and_latin_tokens() {
    let f = site();
    f.build();
    let index = read_index(&f);
    // 人民 inside 中华人民共和国 is a word; 商民 across 协商|民主 is only a pair.
    assert_eq!(index.docs_of("人民"), ["学习中华人民共和国宪法"]);
    assert!(index.flags("人民", "学习中华人民共和国宪法") & WORD != 0);
    assert!(index.flags("人民", "学习中华人民共和国宪法") & TITLE != 0);
    assert_eq!(index.docs_of("商民"), ["区政协召开协商会"]);
    assert_eq!(index.flags("商民", "区政协召开协商会") & WORD, 0);
    assert_eq!(index.flags("商民", "区政协召开协商会") & TITLE, 0);
    // Longer words are terms of their own (jieba knows the whole title phrase).
    assert_eq!(index.docs_of("共和国"), ["学习中华人民共和国宪法"]);
    assert_eq!(index.docs_of("中华人民共和国宪法"), ["学习中华人民共和国宪法"]);
    // Single characters, full-width Latin folded to lower case, proposal numbers.
    assert_eq!(index.docs_of("宪").len(), 1);
    assert_eq!(index.docs_of("abc"), ["区政协召开协商会"]);
    assert_eq!(index.docs_of("7-3-015"), ["关于加装电梯的提案"]);
    assert_eq!(index.docs_of("015"), ["关于加装电梯的提案"]);
    // A proposal's furniture is searchable, though not in its excerpt.
    assert_eq!(index.docs_of("城建"), ["关于加装电梯的提案"]);
    assert!(!index.docs[2].text.contains("城建组"));
    // Scores are never zero: a listed document always counts.
    assert!(index.terms.values().flatten().all(|&(_, flags)| flags & 0x3F > 0));
}
