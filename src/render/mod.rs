//! Rendering: every HTML page of the site through Tera. This stage prepares
//! each page's data and renders it into memory; it never writes a file (the
//! engine hands the bytes to a sink, see [`crate::output::sink`]).

pub mod charts;
pub mod digest;
pub mod filters;
pub mod pictures;
pub mod qr;
pub mod templates;
pub mod values;
pub mod views;

use std::io::Write;
use std::sync::Arc;

use tera::Tera;

use crate::model::column::ColumnKind;
use crate::model::{Site, pagination};
use digest::{Digest, PageData};
use pictures::Pictures;
use values::{Reader, Values};

/// How many items of the whole site the home page's `latest` list holds.
const HOME_LATEST: usize = 10;

/// One file to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Column {
        column: usize,
        number: usize,
    },
    Article(usize),
    /// The by-committee page of a `members` column (index into `member_views`).
    MembersByCommittee(usize),
    /// One filter value of a `proposals` column.
    ProposalFilter {
        view: usize,
        facet: usize,
        value: usize,
    },
    Book(usize),
    WholeBook(usize),
    /// One list page of a 专题's sub-section.
    TopicSection {
        topic: usize,
        section: usize,
        number: usize,
    },
    TaxonomyIndex(usize),
    Term {
        taxonomy: usize,
        term: usize,
        number: usize,
    },
    NotFound,
    /// The human-readable site map (网站地图).
    SiteMap,
    /// The search page; it finds pages in the browser, from `output::search`'s index.
    Search,
}

/// The site path of every page of the site (`yaowen/a/`, `404.html`).
pub fn page_paths(site: &Site) -> Vec<String> {
    jobs(site).iter().map(|job| job_path(site, job)).collect()
}

/// Renders the pages of a site, one job at a time, wherever the caller wants
/// them: `build` writes them to the output, `check` reads their links.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: Tera,
    values: Values,
}

/// One HTML page to render, with its site path (see [`Renderer::jobs`]).
#[derive(Debug, Clone)]
pub struct PageJob {
    job: Job,
    path: String,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, mut tera: Tera, pictures: Arc<Pictures>, mourning: bool) -> Self {
        let values = Values::build(site, pictures);
        for (name, value) in globals(site, &values, mourning) {
            tera.global_context().insert_value(name, value);
        }
        Renderer { site, tera, values }
    }

    /// Every page of the site.
    pub fn jobs(&self) -> Vec<PageJob> {
        jobs(self.site)
            .into_iter()
            .map(|job| PageJob {
                path: job_path(self.site, &job),
                job,
            })
            .collect()
    }

    /// The site path of a page below the base path (`yaowen/a/`, `404.html`).
    pub fn path<'j>(&self, job: &'j PageJob) -> &'j str {
        &job.path
    }

    /// Renders a page into `out`.
    /// The template a job renders with.
    pub fn template(&self, job: &PageJob) -> String {
        prepare(self.site, &self.tera, &Reader::new(&self.values), &job.job, &job.path).0
    }

    pub fn render(&self, job: &PageJob, out: impl Write) -> Result<(), tera::Error> {
        let (template, data) = prepare(self.site, &self.tera, &Reader::new(&self.values), &job.job, &job.path);
        self.tera.render_to(&template, &data.context(), out)
    }
}

/// The data every page sees: `site` and `nav`.
pub fn globals(site: &Site, values: &Values, mourning: bool) -> [(&'static str, tera::Value); 2] {
    [
        ("site", values::site_value(site, mourning)),
        ("nav", values::nav_value(site, values)),
    ]
}

/// A page ready to render: its template and the data it sees. Two pages with
/// the same [`Prepared::digest`] render the same HTML with the same templates
/// and globals, which is how the engine finds the pages an edit changed
/// without rendering them.
#[derive(Clone)]
pub struct Prepared {
    pub template: String,
    pub data: PageData,
}

impl Prepared {
    /// The fingerprint, with the shared maps of `values` counted by theirs.
    pub fn digest(&self, values: &Values) -> Digest {
        self.data.digest(&self.template, &values.known)
    }
}

impl PageJob {
    /// The site path (`yaowen/a/`, `404.html`).
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A prepared page with the pages whose data it shows (indices into
/// `site.pages`), recorded while it was prepared.
pub struct Recorded {
    pub job: PageJob,
    pub prepared: Prepared,
    pub shows: Vec<usize>,
}

/// Every page of the site, to be prepared with [`prepare_recorded`].
pub fn page_jobs(site: &Site) -> Vec<PageJob> {
    jobs(site)
        .into_iter()
        .map(|job| PageJob {
            path: job_path(site, &job),
            job,
        })
        .collect()
}

/// The job of the article page `index` of `site.pages`.
pub fn article_job(site: &Site, index: usize) -> PageJob {
    let job = Job::Article(index);
    PageJob {
        path: job_path(site, &job),
        job,
    }
}

/// Prepares one page, recording what it shows.
pub fn prepare_recorded(site: &Site, tera: &Tera, values: &Values, job: PageJob) -> Recorded {
    let reader = Reader::new(values);
    let (template, data) = prepare(site, tera, &reader, &job.job, &job.path);
    Recorded {
        job,
        prepared: Prepared { template, data },
        shows: reader.into_shown(),
    }
}

/// Prepares one page.
pub fn prepare_job(site: &Site, tera: &Tera, values: &Values, job: &PageJob) -> Prepared {
    let (template, data) = prepare(site, tera, &Reader::new(values), &job.job, &job.path);
    Prepared { template, data }
}

/// Renders a prepared page with `tera`, whose globals must be those of the
/// site the page was prepared from.
pub fn render_prepared(tera: &Tera, page: &Prepared, out: impl Write) -> Result<(), tera::Error> {
    tera.render_to(&page.template, &page.data.context(), out)
}

fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::NotFound, Job::SiteMap, Job::Search];
    for (i, c) in site.columns.iter().enumerate() {
        let size = list_page_size(c.kind, c.page_size, c.pages.len());
        for number in 1..=pagination::page_count(c.pages.len(), size) {
            jobs.push(Job::Column { column: i, number });
        }
    }
    jobs.extend((0..site.pages.len()).map(Job::Article));
    jobs.extend((0..site.member_views.len()).map(Job::MembersByCommittee));
    for (v, view) in site.proposal_views.iter().enumerate() {
        for (f, facet) in view.facets.iter().enumerate() {
            jobs.extend((0..facet.values.len()).map(|value| Job::ProposalFilter {
                view: v,
                facet: f,
                value,
            }));
        }
    }
    for b in 0..site.books.len() {
        jobs.push(Job::Book(b));
        jobs.push(Job::WholeBook(b));
    }
    for (t, topic) in site.topics.iter().enumerate() {
        let size = site.columns[topic.column].page_size;
        for (s, section) in topic.sections.iter().enumerate() {
            for number in 1..=pagination::page_count(section.pages.len(), size) {
                jobs.push(Job::TopicSection {
                    topic: t,
                    section: s,
                    number,
                });
            }
        }
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if !site.has_taxonomy_pages(taxonomy) {
            continue;
        }
        jobs.push(Job::TaxonomyIndex(t));
        for (i, term) in taxonomy.terms.iter().enumerate() {
            if !site.term_has_page(taxonomy, term) {
                continue;
            }
            let count = site.term_pages(taxonomy, term).len();
            for number in 1..=pagination::page_count(count, crate::model::column::DEFAULT_PAGE_SIZE) {
                jobs.push(Job::Term {
                    taxonomy: t,
                    term: i,
                    number,
                });
            }
        }
    }
    jobs
}

/// Columns shown whole on one page: single pages, members (grouped), the
/// proposal table (with its filters), the shelf of books, leaders, and a
/// 专题 (its sub-sections have their own lists).
fn list_page_size(kind: ColumnKind, page_size: usize, items: usize) -> usize {
    match kind {
        ColumnKind::Page
        | ColumnKind::Members
        | ColumnKind::Proposals
        | ColumnKind::Series
        | ColumnKind::Leaders
        | ColumnKind::Topic => items.max(1),
        ColumnKind::News
        | ColumnKind::Notice
        | ColumnKind::Speech
        | ColumnKind::Opinions
        | ColumnKind::Study
        | ColumnKind::Letters => page_size,
    }
}

/// The output path of a job, below the base path.
fn job_path(site: &Site, job: &Job) -> String {
    match *job {
        Job::Home => String::new(),
        Job::NotFound => "404.html".to_string(),
        Job::SiteMap => values::SITE_MAP.to_string(),
        Job::Search => values::SEARCH.to_string(),
        Job::Column { column, number } => pagination::page_path(&site.columns[column].path, number),
        Job::MembersByCommittee(v) => site.member_views[v].committee_path.clone(),
        Job::ProposalFilter { view, facet, value } => {
            site.proposal_views[view].facets[facet].values[value].path.clone()
        }
        Job::Book(b) => site.books[b].path.clone(),
        Job::WholeBook(b) => format!("{}{}/", site.books[b].path, crate::model::series::WHOLE_BOOK),
        Job::TopicSection { topic, section, number } => {
            pagination::page_path(&site.topics[topic].sections[section].path, number)
        }
        Job::Article(index) => site.pages[index].path.clone(),
        Job::TaxonomyIndex(t) => format!("{}/", site.taxonomies[t].kind.folder()),
        Job::Term { taxonomy, term, number } => {
            pagination::page_path(&site.taxonomies[taxonomy].terms[term].path, number)
        }
    }
}

/// The template and the context of a job published at `path`.
fn prepare(site: &Site, tera: &Tera, values: &Reader, job: &Job, path: &str) -> (String, PageData) {
    let mut ctx = PageData::new();
    let template = match *job {
        Job::Home => {
            ctx.insert_value("home", views::home(site, values, HOME_LATEST));
            "index.html".to_string()
        }
        Job::NotFound => "404.html".to_string(),
        Job::SiteMap => {
            ctx.insert_value("map", views::site_map(site, values));
            "sitemap.html".to_string()
        }
        Job::Search => {
            ctx.insert(
                "search_index_url",
                &filters::join_url(&site.config.base_path, &format!("{}/", values::SEARCH_DATA)),
            );
            "search.html".to_string()
        }
        Job::Column { column, number } => {
            let c = &site.columns[column];
            let size = list_page_size(c.kind, c.page_size, c.pages.len());
            ctx.insert_value("column", values::column_full(site, values, column));
            let paginator = values::paginator(site, values, &c.pages, size, &c.path, number);
            match c.kind {
                ColumnKind::Members => {
                    let v = site.member_views.iter().position(|v| v.column == column);
                    if let Some(v) = v {
                        views::members(&mut ctx, site, values, v, false);
                    }
                }
                ColumnKind::Proposals => {
                    if let Some(v) = site.proposal_views.iter().position(|v| v.column == column) {
                        views::proposals(&mut ctx, site, values, v, None);
                    }
                }
                ColumnKind::Series => {
                    let books: Vec<tera::Value> = (0..site.books.len())
                        .filter(|&b| site.books[b].column == column)
                        .map(|b| values.books[b].clone())
                        .collect();
                    ctx.insert_value("books", tera::Value::from(books));
                }
                ColumnKind::Study => ctx.insert_value("issues", views::issues(&paginator)),
                ColumnKind::Leaders => {
                    let leaders: Vec<tera::Value> = site
                        .leaders
                        .iter()
                        .filter(|l| site.pages[l.page].column == Some(column))
                        .map(|l| values.page(l.page))
                        .collect();
                    ctx.insert_value("leaders", tera::Value::from(leaders));
                }
                // The statistics lead the first page only.
                ColumnKind::Letters => {
                    if let Some(v) = site.letter_views.iter().find(|v| v.column == column && number == 1) {
                        ctx.insert_value("stats", tera::Value::from_serializable(&v.stats));
                        ctx.insert("reply_days", &c.reply_days);
                    }
                }
                ColumnKind::Topic => {
                    if let Some(t) = site.topics.iter().position(|t| t.column == column) {
                        views::topic(&mut ctx, site, values, t);
                    }
                }
                // A plain paginated list.
                ColumnKind::News
                | ColumnKind::Notice
                | ColumnKind::Speech
                | ColumnKind::Opinions
                | ColumnKind::Page => {}
            }
            ctx.insert_value("paginator", paginator);
            templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html")
        }
        Job::MembersByCommittee(v) => {
            let view = &site.member_views[v];
            ctx.insert_value("column", values::column_full(site, values, view.column));
            views::members(&mut ctx, site, values, v, true);
            let c = &site.columns[view.column];
            templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html")
        }
        Job::ProposalFilter { view, facet, value } => {
            let v = &site.proposal_views[view];
            ctx.insert_value("column", values::column_full(site, values, v.column));
            views::proposals(&mut ctx, site, values, view, Some((facet, value)));
            let c = &site.columns[v.column];
            templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html")
        }
        Job::Book(b) => {
            let book = &site.books[b];
            ctx.insert_value("column", values.columns[book.column].clone());
            ctx.insert_value("book", values::book_full(site, values, b));
            "book.html".to_string()
        }
        Job::TopicSection { topic, section, number } => {
            views::topic_section(&mut ctx, site, values, topic, section);
            let t = &site.topics[topic];
            let s = &t.sections[section];
            let size = site.columns[t.column].page_size;
            ctx.insert_value(
                "paginator",
                values::paginator(site, values, &s.pages, size, &s.path, number),
            );
            "topic_section.html".to_string()
        }
        Job::WholeBook(b) => {
            let book = &site.books[b];
            ctx.insert_value("column", values.columns[book.column].clone());
            ctx.insert_value("book", values::book_full(site, values, b));
            ctx.insert_value("chapters", values::book_chapters(site, values, b));
            "book_full.html".to_string()
        }
        Job::Article(index) => {
            let page = &site.pages[index];
            ctx.insert_value("page", values::page_full(site, values, index));
            match page.column {
                Some(c) => {
                    ctx.insert_value("column", values.columns[c].clone());
                    templates::pick(
                        tera,
                        &format!("article_{}.html", site.columns[c].kind.name()),
                        "article.html",
                    )
                }
                None => "article.html".to_string(),
            }
        }
        Job::TaxonomyIndex(t) => {
            let taxonomy = &site.taxonomies[t];
            ctx.insert_value("taxonomy", values::taxonomy_value(site, taxonomy));
            // Topics that name a 专题 are listed as the 专题 itself.
            let terms: Vec<tera::Value> = taxonomy
                .terms
                .iter()
                .filter(|term| {
                    taxonomy.kind != crate::model::taxonomy::TaxonomyKind::Topics
                        || crate::model::topics::topic_named(site, &term.name).is_none()
                })
                .map(|term| values::term_value(site, taxonomy, term))
                .collect();
            ctx.insert_value("terms", tera::Value::from(terms));
            // The 专题 index is also their archive: those on now, and past ones.
            if taxonomy.kind == crate::model::taxonomy::TaxonomyKind::Topics {
                use crate::model::topics::When;
                ctx.insert_value("current_topics", views::topic_list(site, values, When::Current));
                ctx.insert_value("past_topics", views::topic_list(site, values, When::Past));
            }
            "taxonomy_index.html".to_string()
        }
        Job::Term {
            taxonomy: t,
            term,
            number,
        } => {
            let taxonomy = &site.taxonomies[t];
            let term = &taxonomy.terms[term];
            ctx.insert_value("taxonomy", values::taxonomy_value(site, taxonomy));
            ctx.insert_value("term", values::term_value(site, taxonomy, term));
            ctx.insert_value(
                "paginator",
                values::paginator(
                    site,
                    values,
                    site.term_pages(taxonomy, term),
                    crate::model::column::DEFAULT_PAGE_SIZE,
                    &term.path,
                    number,
                ),
            );
            "taxonomy.html".to_string()
        }
    };
    ctx.insert("current_url", &format!("{}{}", site.config.base_url, path));
    ctx.insert("current_path", path);
    (template, ctx)
}
