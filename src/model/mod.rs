//! The site model: columns, pages, taxonomies, links between pages, built from
//! the loaded content. Everything here is decided before any HTML is written:
//! which pages are published, their URLs (unique), their order and neighbours.

pub mod column;
pub mod files;
pub mod home;
pub mod leaders;
pub mod letters;
pub mod members;
pub mod page;
pub mod pagination;
pub mod proposals;
pub mod published;
pub mod redirects;
pub mod related;
pub mod series;
pub mod slug;
pub mod taxonomy;
pub mod topics;
pub mod validity;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use jiff::Timestamp;
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::markdown::{self, EXCLUSION_REASONS, Links};
use crate::content::memo::MarkdownMemo;
use crate::content::{Content, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use column::{Column, ColumnKind, DEFAULT_PAGE_SIZE};
pub use home::Home;
pub use letters::LettersView;
use members::Member;
pub use members::MembersView;
use page::Page;
use proposals::Proposal;
pub use proposals::ProposalsView;
use series::Book;
use taxonomy::{Taxonomy, TaxonomyKind};

#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub home: Home,
    pub columns: Vec<Column>,
    /// Columns in navigation order (indices into `columns`).
    pub nav: Vec<usize>,
    pub pages: Vec<Page>,
    pub taxonomies: Vec<Taxonomy>,
    /// Articles of dated columns across the site, newest first (home page, feeds).
    pub latest: Vec<usize>,
    /// Files beside the Markdown: (source below `content/`, site path).
    pub assets: Vec<(String, String)>,
    /// Members of every `members` column, in pinyin order of their names.
    pub members: Vec<Member>,
    pub proposals: Vec<Proposal>,
    /// Books of every `series` column, in display order.
    pub books: Vec<Book>,
    /// The views of `members` and `proposals` columns beyond a plain list.
    pub member_views: Vec<MembersView>,
    pub proposal_views: Vec<ProposalsView>,
    /// The statistics of `letters` columns.
    pub letter_views: Vec<LettersView>,
    /// Leaders of every `leaders` column, in their columns' order.
    pub leaders: Vec<leaders::Leader>,
    /// Every way a post may name a leader (id, name, member id and name).
    pub leader_keys: HashMap<String, usize>,
    /// Related items of each page (by page index), from shared tags.
    pub related: Vec<Vec<usize>>,
    /// Where `@/` links point, kept so that one body can be rendered again
    /// after an edit (`tongxin serve`).
    pub link_table: LinkTable,
    /// Old addresses and where they lead, sorted by old address.
    pub redirects: Vec<redirects::Redirect>,
    /// The 专题 of every `topic` column, in column order.
    pub topics: Vec<topics::Topic>,
}

/// Source path (`yaowen/a.md`) → site path, and the sources left out of the
/// build with why (see [`markdown::Links`]).
#[derive(Debug, Default)]
pub struct LinkTable {
    pub targets: HashMap<String, String>,
    pub excluded: HashMap<String, &'static str>,
}

impl LinkTable {
    pub fn links<'a>(&'a self, base_path: &'a str, html: bool) -> markdown::Links<'a> {
        markdown::Links {
            targets: &self.targets,
            excluded: &self.excluded,
            base_path,
            html,
            observer: None,
        }
    }
}

#[derive(Clone)]
pub struct ModelOptions<'a> {
    /// Publish drafts and future-dated pages too (for previewing).
    pub drafts: bool,
    /// "Now", to decide which pages are still in the future.
    pub now: Timestamp,
    /// The site folder, to find attachments on disk.
    pub root: PathBuf,
    /// Render the Markdown to HTML; `check` needs only its anchors (see
    /// [`markdown::Links::html`]).
    pub markdown_html: bool,
    /// Shown every body as it is parsed (see [`markdown::Links::observer`]).
    pub observer: Option<&'a dyn markdown::Observer>,
    /// Renderings kept from the previous build (`tongxin serve`).
    pub memo: Option<&'a MarkdownMemo>,
}

impl Site {
    pub fn taxonomy(&self, kind: TaxonomyKind) -> &Taxonomy {
        self.taxonomies
            .iter()
            .find(|t| t.kind == kind)
            .expect("both taxonomies are built with the model")
    }

    /// Whether a taxonomy has pages: it has terms, or (专题) the site has
    /// 专题 columns for its index to list.
    pub fn has_taxonomy_pages(&self, taxonomy: &Taxonomy) -> bool {
        !taxonomy.terms.is_empty() || (taxonomy.kind == TaxonomyKind::Topics && !self.topics.is_empty())
    }

    /// Whether a term has a page: every tag and topic does, except that of
    /// the names a 专题 goes by only the first (in name order) has one, which
    /// lists all its posts; links to any of them lead to the 专题 itself.
    pub fn term_has_page(&self, taxonomy: &Taxonomy, term: &taxonomy::Term) -> bool {
        match taxonomy.kind {
            TaxonomyKind::Topics => self
                .topic_term(taxonomy, &term.name)
                .is_none_or(|first| first.name == term.name),
            TaxonomyKind::Tags => true,
        }
    }

    /// The term with a page among those naming the 专题 that `name` names.
    pub fn topic_term<'s>(&'s self, taxonomy: &'s Taxonomy, name: &str) -> Option<&'s taxonomy::Term> {
        let t = topics::topic_named(self, name)?;
        taxonomy
            .terms
            .iter()
            .find(|term| topics::topic_named(self, &term.name) == Some(t))
    }

    /// The pages a term's list shows: a topic that names a 专题 lists every
    /// post of the 专题 (its own and those naming it by any of its names).
    pub fn term_pages<'s>(&'s self, taxonomy: &Taxonomy, term: &'s taxonomy::Term) -> &'s [usize] {
        match taxonomy.kind {
            TaxonomyKind::Topics => {
                topics::topic_named(self, &term.name).map_or(term.pages.as_slice(), |t| self.topics[t].pages.as_slice())
            }
            TaxonomyKind::Tags => &term.pages,
        }
    }

    /// The member a page is the profile of.
    pub fn member_of_page(&self, page: usize) -> Option<&Member> {
        self.pages[page].member.map(|m| &self.members[m])
    }
}

/// Builds the model. Problems go to `diagnostics`; the returned site holds
/// whatever could be built, so that later stages can report their own problems.
pub fn build(config: SiteConfig, content: Content, options: &ModelOptions, diagnostics: &Diagnostics) -> Site {
    let mut home_source = None;
    let mut column_sources = Vec::new();
    let mut book_sources = Vec::new();
    let mut page_sources = Vec::new();
    let mut excluded: HashMap<String, &'static str> = HashMap::new();
    // Columns whose _index.md has its own error: their posts are skipped quietly.
    let mut broken_columns: std::collections::HashSet<String> = std::collections::HashSet::new();
    for file in content.files {
        if file.meta.unreadable {
            if file.is_index() {
                broken_columns.insert(file.folder().to_string());
            }
            // Its error is already reported; links to it are not errors too.
            excluded.insert(file.rel, "");
            continue;
        }
        if file.rel == "_index.md" {
            home_source = Some(file);
        } else if file.is_index() {
            if file.folder().contains('/') {
                book_sources.push(file);
            } else {
                column_sources.push(file);
            }
        } else {
            page_sources.push(file);
        }
    }

    let mut columns: Vec<Column> = Vec::new();
    let mut column_bodies: Vec<SourceFile> = Vec::new(); // parallel to `columns`
    for file in column_sources {
        if let Some(column) = make_column(&file, diagnostics) {
            columns.push(column);
            column_bodies.push(file);
        } else {
            broken_columns.insert(file.folder().to_string());
        }
    }
    let column_of: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.folder.as_str(), i))
        .collect();

    let mut books = series::books_from(book_sources, &columns, &column_of, diagnostics);
    books.sort_by(series::book_order);
    let book_of: HashMap<String, usize> = books.iter().enumerate().map(|(i, b)| (b.folder.clone(), i)).collect();

    // Which pages are published, and where: placed here in order, made
    // below on every core.
    let mut placed: Vec<(SourceFile, Option<usize>, Option<usize>, String)> = Vec::new();
    let mut missing_columns: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut missing_books: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in page_sources {
        let top = file.rel.split('/').next().unwrap_or("");
        let column = if file.folder().is_empty() {
            None
        } else if let Some(&c) = column_of.get(top) {
            Some(c)
        } else if broken_columns.contains(top) {
            excluded.insert(file.rel, "");
            continue;
        } else {
            missing_columns
                .entry(top.to_string())
                .or_insert_with(|| file.shown.clone());
            continue;
        };
        // A chapter belongs to the book of its first sub-folder.
        let mut book = None;
        if let Some(c) = column
            && columns[c].kind == ColumnKind::Series
        {
            let mut parts = file.rel.split('/');
            let book_folder = match (parts.next(), parts.next(), parts.next()) {
                (Some(top), Some(sub), Some(_)) => format!("{top}/{sub}"),
                _ => {
                    diagnostics.push(
                        Diagnostic::error(
                            &file.shown,
                            format!("“{}”栏目的文章要放在某本书的文件夹里", columns[c].title),
                        )
                        .hint(format!(
                            "文史资料按书组织：每本书一个文件夹（如 content/{}/书名拼音/），里面放 _index.md（书名、主编、年份）和各章",
                            columns[c].folder
                        )),
                    );
                    continue;
                }
            };
            match book_of.get(&book_folder) {
                Some(&b) => book = Some(b),
                None => {
                    if !broken_columns.contains(&book_folder) {
                        missing_books.entry(book_folder).or_insert_with(|| file.shown.clone());
                    }
                    excluded.insert(file.rel, "");
                    continue;
                }
            }
        }
        if !options.drafts {
            if file.meta.draft {
                excluded.insert(file.rel.clone(), EXCLUSION_REASONS[1]);
                continue;
            }
            if file.meta.date.as_ref().is_some_and(|d| d.timestamp() > options.now) {
                excluded.insert(file.rel.clone(), EXCLUSION_REASONS[2]);
                continue;
            }
        }
        let prefix = match book {
            Some(b) => books[b].path.clone(),
            None => column.map_or(String::new(), |c| columns[c].path.clone()),
        };
        placed.push((file, column, book, prefix));
    }
    let pages: Vec<Page> = placed
        .into_par_iter()
        .filter_map(|(file, column, book, prefix)| {
            let mut page = make_page(file, column, &prefix, &columns, diagnostics)?;
            page.book = book;
            Some(page)
        })
        .collect();
    for (folder, example) in missing_columns {
        diagnostics.push(
            Diagnostic::error(
                example,
                format!("文件夹 content/{folder} 没有 _index.md，还不是一个栏目"),
            )
            .hint(format!(
                "新建 content/{folder}/_index.md，写上栏目名称和类型，例如：\n---\ntitle: 政协要闻\nkind: news\n---"
            )),
        );
    }
    for (folder, example) in missing_books {
        diagnostics.push(
            Diagnostic::error(example, format!("书的文件夹 content/{folder} 没有 _index.md"))
                .hint(format!(
                    "新建 content/{folder}/_index.md，写上书名、主编和年份，例如：\n---\ntitle: 溪山旧影\neditor: 张三\nyear: 2025\n---"
                )),
        );
    }

    let topics = topics::settings(&columns, &column_bodies, options.now, &config.tz, diagnostics);
    let nav = navigation(&config, &columns, diagnostics);
    let blocks = home::blocks(home_source.as_ref(), &columns, &nav, diagnostics);
    let mut site = Site {
        nav,
        config,
        home: Home {
            blocks,
            ..Home::default()
        },
        columns,
        pages,
        taxonomies: Vec::new(), // built once the pages are ordered
        latest: Vec::new(),
        assets: Vec::new(),
        members: Vec::new(),
        proposals: Vec::new(),
        books: Vec::new(),
        member_views: Vec::new(),
        proposal_views: Vec::new(),
        letter_views: Vec::new(),
        leaders: Vec::new(),
        leader_keys: HashMap::new(),
        related: Vec::new(),
        link_table: LinkTable::default(),
        redirects: Vec::new(),
        topics,
    };
    site.books = books;

    let mut targets: HashMap<String, String> = site.pages.iter().map(|p| (p.rel.clone(), p.path.clone())).collect();
    targets.insert("_index.md".into(), String::new());
    for c in &site.columns {
        targets.insert(format!("{}/_index.md", c.folder), c.path.clone());
    }
    for b in &site.books {
        targets.insert(format!("{}/_index.md", b.folder), b.path.clone());
    }
    render_markdown(
        &mut site,
        &column_bodies,
        home_source,
        &targets,
        &excluded,
        options,
        diagnostics,
    );
    site.link_table = LinkTable { targets, excluded };
    order_pages(&mut site);
    let mut all: Vec<usize> = (0..site.pages.len()).collect();
    all.sort_by(|&a, &b| newest_first(&site.pages[a], &site.pages[b]));
    members::collect(&mut site, diagnostics);
    proposals::collect(&mut site, &options.root, diagnostics);
    letters::collect(&mut site, diagnostics);
    leaders::collect(&mut site, &all, diagnostics);
    validity::collect(&mut site, diagnostics);
    topics::gather(&mut site, &all);
    members::gather_records(&mut site, &all, diagnostics);
    files::resolve_files(&mut site, &options.root, diagnostics);
    check_unique_paths(&site, diagnostics);
    site.redirects = redirects::collect(&site, diagnostics);
    site.taxonomies = vec![
        Taxonomy::collect(
            TaxonomyKind::Tags,
            all.iter().map(|&i| (i, site.pages[i].meta.tags.as_slice())),
        ),
        Taxonomy::collect(
            TaxonomyKind::Topics,
            all.iter().map(|&i| (i, site.pages[i].meta.topics.as_slice())),
        ),
    ];
    site.related = related::collect(&site);
    site.latest = all
        .into_iter()
        .filter(|&i| {
            let page = &site.pages[i];
            page.meta.date.is_some() && page.column.is_some_and(|c| site.columns[c].kind.has_feed())
        })
        .collect();
    site.assets = place_assets(&site, content.assets);
    site
}

fn make_column(file: &SourceFile, diagnostics: &Diagnostics) -> Option<Column> {
    let meta = &file.meta;
    let folder = file.folder().to_string();
    let kind = match meta.kind.as_deref() {
        None => {
            diagnostics.push(
                Diagnostic::error(&file.shown, "栏目缺少类型 kind")
                    .at_line(1)
                    .hint(format!("加一行“kind: news”；可用的类型：{}", ColumnKind::choices())),
            );
            return None;
        }
        Some(text) => match ColumnKind::parse(text) {
            Some(kind) => kind,
            None => {
                let hint = match did_you_mean(text, ColumnKind::all_names()) {
                    Some(close) => format!("是不是想写“{close}”？可用的类型：{}", ColumnKind::choices()),
                    None => format!("可用的类型：{}", ColumnKind::choices()),
                };
                let mut d = Diagnostic::error(&file.shown, format!("不认识的栏目类型“{text}”")).hint(hint);
                if let Some(line) = meta.line_of("kind") {
                    d = d.at_line(line);
                }
                diagnostics.push(d);
                return None;
            }
        },
    };
    let title = match &meta.title {
        Some(t) => t.clone(),
        None => {
            diagnostics.push(
                Diagnostic::error(&file.shown, "栏目缺少名称 title")
                    .at_line(1)
                    .hint("加一行，例如“title: 政协要闻”"),
            );
            folder.clone()
        }
    };
    if let Some(first) = meta.aliases.first() {
        diagnostics.push(
            Diagnostic::warning(&file.shown, "栏目的 _index.md 里写的旧网址不起作用")
                .at_line(first.line)
                .hint(format!(
                    "栏目的旧网址写在网站根目录的 redirects.csv 里，每行一个，例如“{},@/{folder}/_index.md”；然后删掉这里的旧网址",
                    first.url.path
                )),
        );
    }
    let slug = match slug::slugify(&folder) {
        s if s.is_empty() => folder.clone(),
        s => s,
    };
    Some(Column {
        path: format!("{slug}/"),
        slug,
        kind,
        title,
        description: meta.description.clone().unwrap_or_default(),
        weight: meta.weight.unwrap_or(0),
        page_size: meta.page_size.map_or(DEFAULT_PAGE_SIZE, |n| n as usize),
        stale_after_days: meta.stale_after_days.or(kind.default_stale_after_days()),
        reply_days: reply_days(file, diagnostics),
        content: String::new(),
        figures: Vec::new(),
        extra: meta.extra.clone(),
        pages: Vec::new(),
        folder,
    })
}

/// A column's `reply_days` (答复时限): the days a letter may wait for its
/// reply before the reply counts as late.
fn reply_days(file: &SourceFile, diagnostics: &Diagnostics) -> i64 {
    let Some(value) = file.meta.extra.get("reply_days") else {
        return letters::DEFAULT_REPLY_DAYS;
    };
    match value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
    {
        Some(days) if (1..=3650).contains(&days) => days,
        _ => {
            let mut d = Diagnostic::error(
                &file.shown,
                format!(
                    "答复时限 reply_days 应是天数，写的是“{}”",
                    crate::yaml::read::string(value).unwrap_or_default()
                ),
            )
            .hint(format!(
                "写一个 1 到 3650 之间的整数，例如“reply_days: 15”；不写时按 {} 天计算",
                letters::DEFAULT_REPLY_DAYS
            ));
            if let Some(line) = file.meta.line_of("reply_days") {
                d = d.at_line(line);
            }
            diagnostics.push(d);
            letters::DEFAULT_REPLY_DAYS
        }
    }
}

fn make_page(
    file: SourceFile,
    column: Option<usize>,
    prefix: &str,
    columns: &[Column],
    diagnostics: &Diagnostics,
) -> Option<Page> {
    let mut ok = true;
    let kind = column.map(|c| columns[c].kind);
    // A member's or a leader's profile may give just the name.
    let person = matches!(kind, Some(ColumnKind::Members | ColumnKind::Leaders));
    let name = person
        .then(|| file.meta.extra.get("name").and_then(crate::yaml::read::string))
        .flatten()
        .filter(|n| !n.is_empty());
    let title = file.meta.title.clone().or(name).unwrap_or_else(|| {
        if person {
            let who = if kind == Some(ColumnKind::Leaders) {
                "领导"
            } else {
                "委员"
            };
            diagnostics.push(
                Diagnostic::error(&file.shown, format!("{who}资料缺少姓名 name"))
                    .at_line(1)
                    .hint("在文件开头的设置里加一行，例如“name: 张伟”"),
            );
            ok = false;
            return String::new();
        }
        // `title:` written with nothing after it: point at that line.
        let blank = file.meta.line_of("title");
        diagnostics.push(match blank {
            Some(line) => Diagnostic::error(&file.shown, "标题 title 是空的")
                .at_line(line)
                .hint("在“title:”后面空一格写上标题，例如“title: 区政协召开常委会会议”"),
            None => Diagnostic::error(&file.shown, "缺少标题 title")
                .at_line(1)
                .hint("在文件开头的设置里加一行，例如“title: 区政协召开常委会会议”"),
        });
        ok = false;
        String::new()
    });
    if let Some(c) = column {
        let kind = columns[c].kind;
        if kind.needs_date() && file.meta.date.is_none() && file.meta.line_of("date").is_none() {
            diagnostics.push(
                Diagnostic::error(
                    &file.shown,
                    format!("“{}”栏目的文章需要发布日期 date", columns[c].title),
                )
                .at_line(1)
                .hint(format!(
                    "在开头的设置里加一行，例如“date: 2025-03-02”；也可写 {}",
                    crate::dates::ACCEPTED_FORMS
                ))
                .rule(crate::rules::Rule::MetaDate),
            );
            ok = false;
        }
    }
    let wanted = file.meta.slug.clone().unwrap_or_else(|| file.stem().to_string());
    let slug = slug::slugify(&wanted);
    if slug.is_empty() {
        let mut d = Diagnostic::error(&file.shown, format!("无法从“{wanted}”生成网址"))
            .hint("在开头的设置里加一行“slug: 英文或拼音名”，例如“slug: changweihui”");
        if let Some(line) = file.meta.line_of("slug") {
            d = d.at_line(line);
        }
        diagnostics.push(d);
        ok = false;
    }
    if !ok {
        return None;
    }
    Some(Page {
        path: format!("{prefix}{slug}/"),
        slug,
        title,
        column,
        rel: file.rel,
        shown: file.shown,
        meta: file.meta,
        body: file.body,
        body_hash: file.body_hash,
        body_line: file.body_line,
        content: std::sync::Arc::from(""),
        figures: Vec::new(),
        toc: Vec::new(),
        summary: String::new(),
        char_count: 0,
        previous: None,
        next: None,
        attachments: Vec::new(),
        cover: None,
        book: None,
        member: None,
        leader: None,
        proposal: None,
        speaker: None,
        status: None,
    })
}

/// Columns in the order of `nav` in site.yaml, else by weight and folder name.
fn navigation(config: &SiteConfig, columns: &[Column], diagnostics: &Diagnostics) -> Vec<usize> {
    if config.nav.is_empty() {
        let mut order: Vec<usize> = (0..columns.len()).collect();
        order.sort_by(|&a, &b| (columns[a].weight, &columns[a].folder).cmp(&(columns[b].weight, &columns[b].folder)));
        return order;
    }
    let mut order = Vec::new();
    for name in &config.nav {
        match columns
            .iter()
            .position(|c| &c.folder == name || &c.slug == name || &c.title == name)
        {
            Some(i) => order.push(i),
            None => {
                let hint = match did_you_mean(name, columns.iter().map(|c| c.folder.as_str())) {
                    Some(close) => format!("是不是想写“{close}”？"),
                    None => format!(
                        "nav 里写栏目文件夹的名字；现有栏目：{}",
                        columns.iter().map(|c| c.folder.as_str()).collect::<Vec<_>>().join("、")
                    ),
                };
                let mut d =
                    Diagnostic::error(crate::config::FILE_NAME, format!("导航 nav 中的栏目“{name}”不存在")).hint(hint);
                if let Some(line) = config.nav_line {
                    d = d.at_line(line);
                }
                diagnostics.push(d);
            }
        }
    }
    order
}

/// Two sources may never write the same URL.
fn check_unique_paths(site: &Site, diagnostics: &Diagnostics) {
    let mut owners: HashMap<String, String> = HashMap::new();
    let mut claim = |path: String, owner: String| {
        if let Some(first) = owners.get(&path) {
            diagnostics.push(
                Diagnostic::error(owner.clone(), format!("网址 /{path} 与 {first} 重复"))
                    .hint("两个文件不能生成同一个网址：给其中一个在开头的设置里加“slug: 另一个名字”，或改文件名"),
            );
        } else {
            owners.insert(path, owner);
        }
    };
    for kind in [TaxonomyKind::Tags, TaxonomyKind::Topics] {
        claim(
            format!("{}/", kind.folder()),
            format!("{}页面（系统生成）", kind.chinese()),
        );
    }
    for c in &site.columns {
        claim(c.path.clone(), format!("content/{}/_index.md", c.folder));
    }
    for b in &site.books {
        let source = format!("content/{}/_index.md", b.folder);
        claim(b.path.clone(), source.clone());
        claim(
            format!("{}{}/", b.path, series::WHOLE_BOOK),
            format!("{source} 的全书阅读页（系统生成）"),
        );
    }
    for view in &site.member_views {
        claim(
            view.committee_path.clone(),
            format!("“{}”按专委会浏览页（系统生成）", site.columns[view.column].title),
        );
    }
    for view in &site.proposal_views {
        for facet in &view.facets {
            for value in &facet.values {
                claim(
                    value.path.clone(),
                    format!("提案“{}：{}”筛选页（系统生成）", facet.label, value.name),
                );
            }
        }
    }
    for topic in &site.topics {
        for section in &topic.sections {
            claim(
                section.path.clone(),
                format!(
                    "专题“{}”的分栏“{}”（系统生成）",
                    site.columns[topic.column].title, section.name
                ),
            );
        }
    }
    for p in &site.pages {
        claim(p.path.clone(), p.shown.to_string_lossy().replace('\\', "/"));
    }
}

/// Renders every body in parallel, now that every URL is known.
fn render_markdown(
    site: &mut Site,
    column_bodies: &[SourceFile],
    home: Option<SourceFile>,
    targets: &HashMap<String, String>,
    excluded: &HashMap<String, &'static str>,
    options: &ModelOptions,
    diagnostics: &Diagnostics,
) {
    let links = Links {
        targets,
        excluded,
        base_path: &site.config.base_path,
        html: options.markdown_html,
        observer: options.observer,
    };
    let memo = options.memo.filter(|_| options.observer.is_none());
    let tz = site.config.tz.clone();
    let render = |body: &Body| {
        if let Some(rendered) = memo.and_then(|m| m.get(body.hash, body.line, body.shown, &links)) {
            return rendered;
        }
        // A body the engine kept from an earlier build without its text
        // (see `engine::state`) is read again when it must be rendered again.
        let reread;
        let text = if body.text.is_empty() && body.hash != crate::content::hash_body("") {
            let (file, problems) = crate::content::read_file(&options.root, body.rel.to_string(), &tz);
            diagnostics.extend(problems);
            reread = file.map(|f| f.body).unwrap_or_default();
            &reread
        } else {
            body.text
        };
        let mut problems = Vec::new();
        let rendered = markdown::render(text, body.line, body.shown, &links, &mut problems);
        if let Some(memo) = memo
            && problems.is_empty()
        {
            memo.put(body.hash, body.line, body.shown, &links, &rendered);
        }
        diagnostics.extend(problems);
        rendered
    };
    site.pages.par_iter_mut().for_each(|page| {
        let r = render(&Body {
            text: &page.body,
            hash: page.body_hash,
            line: page.body_line,
            shown: &page.shown,
            rel: &page.rel,
        });
        page.char_count = r.char_count;
        page.summary = match &page.meta.summary {
            Some(s) => s.clone(),
            None => r.summary.clone(),
        };
        page.content = r.html;
        page.figures = r.figures;
        page.toc = r.toc;
        page.body = std::sync::Arc::from(""); // the source is no longer needed
    });
    // `column_bodies[i]` is the `_index.md` of `columns[i]`.
    for (column, file) in site.columns.iter_mut().zip(column_bodies.iter()) {
        let r = render(&Body::of(file));
        column.content = r.html.to_string();
        column.figures = r.figures;
    }
    for book in &mut site.books {
        let rel = format!("{}/_index.md", book.folder);
        let r = render(&Body {
            text: &book.body,
            hash: book.body_hash,
            line: book.body_line,
            shown: &book.shown,
            rel: &rel,
        });
        book.content = r.html.to_string();
        book.figures = r.figures;
        book.body = std::sync::Arc::from("");
    }
    if let Some(home) = home {
        let blocks = std::mem::take(&mut site.home.blocks);
        let r = render(&Body::of(&home));
        site.home = Home {
            figures: r.figures,
            blocks,
            title: home.meta.title.clone().unwrap_or_else(|| "首页".into()),
            description: home
                .meta
                .description
                .clone()
                .or(home.meta.summary.clone())
                .unwrap_or_default(),
            content: r.html.to_string(),
        };
    } else {
        site.home.title = "首页".into();
    }
}

/// A body to render, and what finds its remembered rendering.
struct Body<'a> {
    text: &'a std::sync::Arc<str>,
    hash: u64,
    line: usize,
    shown: &'a std::path::Path,
    rel: &'a str,
}

impl<'a> Body<'a> {
    fn of(file: &'a SourceFile) -> Self {
        Body {
            text: &file.body,
            hash: file.body_hash,
            line: file.body_line,
            shown: &file.shown,
            rel: &file.rel,
        }
    }
}

/// Sorts each column's pages and links neighbours.
fn order_pages(site: &mut Site) {
    for (i, page) in site.pages.iter().enumerate() {
        if let Some(c) = page.column {
            site.columns[c].pages.push(i);
        }
        if let Some(b) = page.book {
            site.books[b].chapters.push(i);
        }
    }
    let pages = &site.pages;
    let by_weight = |&a: &usize, &b: &usize| {
        let (pa, pb) = (&pages[a], &pages[b]);
        let wa = pa.meta.weight.unwrap_or(i64::MAX);
        let wb = pb.meta.weight.unwrap_or(i64::MAX);
        wa.cmp(&wb).then_with(|| pa.rel.cmp(&pb.rel))
    };
    for book in &mut site.books {
        book.chapters.sort_by(by_weight);
    }
    let mut neighbours: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
    let mut link = |list: &[usize], newest_first: bool| {
        // In a newest-first list, 上一篇 (previous) is the older neighbour, below.
        for (pos, &i) in list.iter().enumerate() {
            let before = pos.checked_sub(1).map(|p| list[p]);
            let after = list.get(pos + 1).copied();
            let (previous, next) = if newest_first { (after, before) } else { (before, after) };
            neighbours.push((i, previous, next));
        }
    };
    for (c, column) in site.columns.iter_mut().enumerate() {
        // In a newest-first list, 上一篇 is the older neighbour.
        let newest_first_list = match column.kind {
            // Chapters in reading order, book after book; linked within each book below.
            ColumnKind::Series => {
                column.pages = site
                    .books
                    .iter()
                    .filter(|b| b.column == c)
                    .flat_map(|b| b.chapters.iter().copied())
                    .collect();
                continue;
            }
            // Newest issue (期号) first, newest item first within an issue.
            ColumnKind::Study => {
                column.pages.sort_by_cached_key(|&i| {
                    let issue = pages[i].meta.extra.get("issue").and_then(crate::yaml::read::string);
                    let numbers = issue.as_deref().map(proposals::numbers_in);
                    (
                        std::cmp::Reverse(numbers),
                        std::cmp::Reverse(pages[i].meta.date.clone()),
                        pages[i].rel.clone(),
                    )
                });
                true
            }
            // As a handling report lists them: newest session first, then by
            // number (a date is optional).
            ColumnKind::Proposals => {
                column.pages.sort_by_cached_key(|&i| {
                    let field = |key: &str| {
                        pages[i]
                            .meta
                            .extra
                            .get(key)
                            .and_then(crate::yaml::read::string)
                            .unwrap_or_default()
                    };
                    let number = field("number");
                    (
                        std::cmp::Reverse(proposals::numbers_in(&field("session"))),
                        proposals::numbers_in(&number),
                        number,
                        pages[i].rel.clone(),
                    )
                });
                false
            }
            ColumnKind::News
            | ColumnKind::Notice
            | ColumnKind::Speech
            | ColumnKind::Opinions
            | ColumnKind::Letters
            | ColumnKind::Topic => {
                column.pages.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
                true
            }
            // Members are listed by name in their own views; single pages
            // and leaders (by rank) by weight.
            ColumnKind::Page | ColumnKind::Members | ColumnKind::Leaders => {
                column.pages.sort_by(by_weight);
                false
            }
        };
        link(&column.pages, newest_first_list);
    }
    for book in &site.books {
        link(&book.chapters, false);
    }
    for (i, previous, next) in neighbours {
        site.pages[i].previous = previous;
        site.pages[i].next = next;
    }
}

/// Newest first; pages with the same date (or none) by source path, so the
/// order is the same in every build.
fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.meta.date.cmp(&a.meta.date).then_with(|| a.rel.cmp(&b.rel))
}

/// A post's own folder (`yaowen/2025-03-02-a/photo.jpg`) is published beside the
/// post (`yaowen/<slug>/photo.jpg`), so `![](photo.jpg)` works; other files keep
/// their place under the column.
fn place_assets(site: &Site, assets: Vec<String>) -> Vec<(String, String)> {
    let by_folder: HashMap<String, &Page> = site
        .pages
        .iter()
        .map(|p| (p.rel.strip_suffix(".md").unwrap_or(&p.rel).to_string(), p))
        .collect();
    assets
        .into_iter()
        .map(|rel| {
            let mut dest = rel.clone();
            let mut prefix = rel.as_str();
            while let Some((dir, _)) = prefix.rsplit_once('/') {
                if let Some(page) = by_folder.get(dir) {
                    dest = format!("{}{}", page.path, &rel[dir.len() + 1..]);
                    break;
                }
                prefix = dir;
            }
            (rel, dest)
        })
        .collect()
}
