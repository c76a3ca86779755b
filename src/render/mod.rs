//! Rendering: every HTML page of the site through Tera, in parallel, each written
//! straight to the output as soon as it is rendered.

pub mod charts;
pub mod filters;
pub mod qr;
pub mod templates;
pub mod values;
pub mod views;

use std::io::Write;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::diagnostics::Diagnostics;
use crate::model::column::ColumnKind;
use crate::model::{Site, pagination};
use crate::output::Staging;
use templates::Origins;
use values::Values;

/// How many items of the whole site the home page's `latest` list holds.
const HOME_LATEST: usize = 10;

/// One file to render.
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

/// Why one page could not be written.
enum RenderFailure {
    Template(tera::Error),
    Io(std::io::Error),
}

impl From<std::io::Error> for RenderFailure {
    fn from(e: std::io::Error) -> Self {
        RenderFailure::Io(e)
    }
}

/// Renders every page into `staging`. Returns how many pages were written.
pub fn render_site(
    site: &Site,
    mut tera: Tera,
    origins: &Origins,
    mourning: bool,
    staging: &Staging,
    diagnostics: &Diagnostics,
) -> usize {
    let values = Values::build(site);
    tera.global_context()
        .insert_value("site", values::site_value(site, mourning));
    tera.global_context()
        .insert_value("nav", values::nav_value(site, &values));

    let jobs = jobs(site);
    jobs.par_iter()
        .map(|job| {
            let (path, template, context) = prepare(site, &tera, &values, job);
            let file = staging.file_for(&path);
            let result = (|| -> Result<(), RenderFailure> {
                let mut writer = staging.open_file(&file)?;
                tera.render_to(&template, &context, &mut writer)
                    .map_err(RenderFailure::Template)?;
                writer.flush()?;
                Ok(())
            })()
            .map_err(|failure| match failure {
                RenderFailure::Template(e) => templates::template_error(&e, origins),
                RenderFailure::Io(e) => staging.write_error(&file, &e),
            });
            match result {
                Ok(()) => 1,
                Err(d) => {
                    diagnostics.push(d);
                    0
                }
            }
        })
        .sum()
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
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if taxonomy.terms.is_empty() {
            continue;
        }
        jobs.push(Job::TaxonomyIndex(t));
        for (i, term) in taxonomy.terms.iter().enumerate() {
            for number in 1..=pagination::page_count(term.pages.len(), crate::model::column::DEFAULT_PAGE_SIZE) {
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
/// proposal table (with its filters) and the shelf of books.
fn list_page_size(kind: ColumnKind, page_size: usize, items: usize) -> usize {
    match kind {
        ColumnKind::Page | ColumnKind::Members | ColumnKind::Proposals | ColumnKind::Series => items.max(1),
        _ => page_size,
    }
}

/// The output path, the template and the context of a job.
fn prepare(site: &Site, tera: &Tera, values: &Values, job: &Job) -> (String, String, Context) {
    let mut ctx = Context::new();
    let (path, template) = match *job {
        Job::Home => {
            ctx.insert_value("home", views::home(site, values, HOME_LATEST));
            (String::new(), "index.html".to_string())
        }
        Job::NotFound => ("404.html".to_string(), "404.html".to_string()),
        Job::SiteMap => {
            ctx.insert_value("map", views::site_map(site, values));
            (values::SITE_MAP.to_string(), "sitemap.html".to_string())
        }
        Job::Search => {
            ctx.insert(
                "search_index_url",
                &filters::join_url(&site.config.base_path, &format!("{}/", crate::output::search::FOLDER)),
            );
            (values::SEARCH.to_string(), "search.html".to_string())
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
                _ => {}
            }
            ctx.insert_value("paginator", paginator);
            let template = templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html");
            (pagination::page_path(&c.path, number), template)
        }
        Job::MembersByCommittee(v) => {
            let view = &site.member_views[v];
            ctx.insert_value("column", values::column_full(site, values, view.column));
            views::members(&mut ctx, site, values, v, true);
            let c = &site.columns[view.column];
            let template = templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html");
            (view.committee_path.clone(), template)
        }
        Job::ProposalFilter { view, facet, value } => {
            let v = &site.proposal_views[view];
            ctx.insert_value("column", values::column_full(site, values, v.column));
            views::proposals(&mut ctx, site, values, view, Some((facet, value)));
            let c = &site.columns[v.column];
            let template = templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html");
            (v.facets[facet].values[value].path.clone(), template)
        }
        Job::Book(b) => {
            let book = &site.books[b];
            ctx.insert_value("column", values.columns[book.column].clone());
            ctx.insert_value("book", values::book_full(site, values, b));
            (book.path.clone(), "book.html".to_string())
        }
        Job::WholeBook(b) => {
            let book = &site.books[b];
            ctx.insert_value("column", values.columns[book.column].clone());
            ctx.insert_value("book", values::book_full(site, values, b));
            ctx.insert_value("chapters", values::book_chapters(site, values, b));
            (
                format!("{}{}/", book.path, crate::model::series::WHOLE_BOOK),
                "book_full.html".to_string(),
            )
        }
        Job::Article(index) => {
            let page = &site.pages[index];
            ctx.insert_value("page", values::page_full(site, values, index));
            let template = match page.column {
                Some(c) => {
                    ctx.insert_value("column", values.columns[c].clone());
                    templates::pick(
                        tera,
                        &format!("article_{}.html", site.columns[c].kind.name()),
                        "article.html",
                    )
                }
                None => "article.html".to_string(),
            };
            (page.path.clone(), template)
        }
        Job::TaxonomyIndex(t) => {
            let taxonomy = &site.taxonomies[t];
            ctx.insert_value("taxonomy", values::taxonomy_value(site, taxonomy));
            let terms: Vec<tera::Value> = taxonomy
                .terms
                .iter()
                .map(|term| values::term_value(site, taxonomy, term))
                .collect();
            ctx.insert_value("terms", tera::Value::from(terms));
            (
                format!("{}/", taxonomy.kind.folder()),
                "taxonomy_index.html".to_string(),
            )
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
                    &term.pages,
                    crate::model::column::DEFAULT_PAGE_SIZE,
                    &term.path,
                    number,
                ),
            );
            (pagination::page_path(&term.path, number), "taxonomy.html".to_string())
        }
    };
    ctx.insert("current_path", &path);
    ctx.insert("current_url", &format!("{}{}", site.config.base_url, path));
    (path, template, ctx)
}
