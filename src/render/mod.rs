//! Rendering: every HTML page of the site through Tera, in parallel, each written
//! straight to the output as soon as it is rendered.

pub mod filters;
pub mod templates;
pub mod values;

use std::io::Write;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::diagnostics::Diagnostics;
use crate::model::column::ColumnKind;
use crate::model::{Site, pagination};
use crate::output::Staging;
use templates::Origins;
use values::Values;

/// How many items of each column the home page shows.
const HOME_ITEMS_PER_COLUMN: usize = 8;
const HOME_LATEST: usize = 10;
const HOME_FEATURED: usize = 5;

/// One file to render.
enum Job {
    Home,
    Column {
        column: usize,
        number: usize,
    },
    Article(usize),
    TaxonomyIndex(usize),
    Term {
        taxonomy: usize,
        term: usize,
        number: usize,
    },
    NotFound,
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
    let mut jobs = vec![Job::Home, Job::NotFound];
    for (i, c) in site.columns.iter().enumerate() {
        let size = list_page_size(c.kind, c.page_size, c.pages.len());
        for number in 1..=pagination::page_count(c.pages.len(), size) {
            jobs.push(Job::Column { column: i, number });
        }
    }
    jobs.extend((0..site.pages.len()).map(Job::Article));
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

/// A `page` column lists all its pages on one page.
fn list_page_size(kind: ColumnKind, page_size: usize, items: usize) -> usize {
    if kind == ColumnKind::Page {
        items.max(1)
    } else {
        page_size
    }
}

/// The output path, the template and the context of a job.
fn prepare(site: &Site, tera: &Tera, values: &Values, job: &Job) -> (String, String, Context) {
    let mut ctx = Context::new();
    let (path, template) = match *job {
        Job::Home => {
            ctx.insert_value("home", home_value(site, values));
            (String::new(), "index.html".to_string())
        }
        Job::NotFound => ("404.html".to_string(), "404.html".to_string()),
        Job::Column { column, number } => {
            let c = &site.columns[column];
            let size = list_page_size(c.kind, c.page_size, c.pages.len());
            ctx.insert_value("column", values::column_full(site, values, column));
            ctx.insert_value(
                "paginator",
                values::paginator(site, values, &c.pages, size, &c.path, number),
            );
            let template = templates::pick(tera, &format!("column_{}.html", c.kind.name()), "column.html");
            (pagination::page_path(&c.path, number), template)
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

/// The home page: latest items per column (in navigation order), the latest
/// items of the whole site, and the featured (焦点) items.
fn home_value(site: &Site, values: &Values) -> tera::Value {
    let mut map = tera::Map::new();
    map.insert("title".into(), site.home.title.clone().into());
    map.insert("description".into(), site.home.description.clone().into());
    map.insert("content".into(), tera::Value::safe_string(&site.home.content));
    let sections: Vec<tera::Value> = site
        .nav
        .iter()
        .map(|&c| {
            let column = &site.columns[c];
            let mut section = tera::Map::new();
            section.insert("column".into(), values.columns[c].clone());
            let items: Vec<tera::Value> = column
                .pages
                .iter()
                .take(HOME_ITEMS_PER_COLUMN)
                .map(|&i| values.refs[i].clone())
                .collect();
            section.insert("items".into(), items.into());
            tera::Value::from(section)
        })
        .collect();
    map.insert("sections".into(), sections.into());
    let latest: Vec<tera::Value> = site
        .latest
        .iter()
        .take(HOME_LATEST)
        .map(|&i| values.refs[i].clone())
        .collect();
    let featured: Vec<tera::Value> = site
        .latest
        .iter()
        .filter(|&&i| site.pages[i].meta.featured)
        .take(HOME_FEATURED)
        .map(|&i| values.refs[i].clone())
        .collect();
    map.insert("latest".into(), latest.into());
    map.insert("featured".into(), featured.into());
    tera::Value::from(map)
}
