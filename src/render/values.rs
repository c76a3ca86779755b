//! The data templates see. Each page's data is serialised once: a light
//! reference (title, URL, date, summary…) shared by every list that shows the page,
//! and the full data (with the article HTML) built only for the page's own render.
//! Tera values share their strings, lists and maps by reference count, so putting
//! a reference into many lists copies nothing.

use serde::Serialize;
use tera::{Map, Value};

use crate::content::front_matter::Attachment;
use crate::content::markdown::Heading;
use crate::content::text;
use crate::dates;
use crate::model::column::Column;
use crate::model::page::Page;
use crate::model::taxonomy::{Taxonomy, TaxonomyKind, Term};
use crate::model::{Site, pagination};

use super::filters::join_url;

#[derive(Serialize)]
struct Link<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct ColumnRef<'a> {
    title: &'a str,
    url: String,
    slug: &'a str,
    kind: &'static str,
    description: &'a str,
    /// The column's Atom feed, for columns that have one.
    feed_url: Option<String>,
}

#[derive(Serialize)]
struct PageRef<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    date: Option<String>,
    summary: &'a str,
    cover: Option<String>,
    author: Option<&'a str>,
    source: Option<&'a str>,
    featured: bool,
    column: Option<ColumnRef<'a>>,
    tags: Vec<Link<'a>>,
    speaker: Option<&'a str>,
    occasion: Option<&'a str>,
    topic: Option<&'a str>,
}

#[derive(Serialize)]
struct PageExtra<'a> {
    toc: &'a [Heading],
    topics: Vec<Link<'a>>,
    char_count: usize,
    reading_time: usize,
    attachments: Vec<Attachment>,
    weight: Option<i64>,
    source_path: &'a str,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

pub struct Values {
    /// Light reference of each page, by page index.
    pub refs: Vec<Value>,
    /// Light reference of each column, by column index.
    pub columns: Vec<Value>,
}

impl Values {
    pub fn build(site: &Site) -> Values {
        use rayon::prelude::*;
        let refs = (0..site.pages.len())
            .into_par_iter()
            .map(|i| page_ref(site, &site.pages[i]))
            .collect();
        let columns = site
            .columns
            .iter()
            .map(|c| Value::from_serializable(&column_ref(site, c)))
            .collect();
        Values { refs, columns }
    }
}

fn url(site: &Site, path: &str) -> String {
    join_url(&site.config.base_path, path)
}

fn permalink(site: &Site, path: &str) -> String {
    format!("{}{}", site.config.base_url, path)
}

fn column_ref<'a>(site: &Site, c: &'a Column) -> ColumnRef<'a> {
    ColumnRef {
        title: &c.title,
        url: url(site, &c.path),
        slug: &c.slug,
        kind: c.kind.name(),
        description: &c.description,
        feed_url: c.kind.is_dated().then(|| url(site, &format!("{}atom.xml", c.path))),
    }
}

fn term_links<'a>(site: &Site, taxonomy: &Taxonomy, names: &'a [String]) -> Vec<Link<'a>> {
    names
        .iter()
        .filter_map(|name| {
            let term = taxonomy.terms.iter().find(|t| &t.name == name)?;
            Some(Link {
                name,
                url: url(site, &term.path),
            })
        })
        .collect()
}

/// A file named in front matter (cover, attachment), as a URL. Paths are relative
/// to the post's own folder, which is published beside the post.
pub fn file_url(site: &Site, page: &Page, file: &str) -> String {
    if file.starts_with("http://") || file.starts_with("https://") || file.starts_with('/') {
        return join_url(&site.config.base_path, file);
    }
    let stem = page.rel.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
    let inside = file
        .strip_prefix(stem)
        .and_then(|f| f.strip_prefix('/'))
        .unwrap_or(file);
    format!("{}{}", url(site, &page.path), inside)
}

fn page_ref(site: &Site, page: &Page) -> Value {
    let meta = &page.meta;
    let data = PageRef {
        title: &page.title,
        url: url(site, &page.path),
        permalink: permalink(site, &page.path),
        date: meta.date.as_ref().map(dates::rfc3339),
        summary: &page.summary,
        cover: meta.cover.as_deref().map(|c| file_url(site, page, c)),
        author: meta.author.as_deref(),
        source: meta.source.as_deref(),
        featured: meta.featured,
        column: page.column.map(|c| column_ref(site, &site.columns[c])),
        tags: term_links(site, site.taxonomy(TaxonomyKind::Tags), &meta.tags),
        speaker: meta.speaker.as_deref(),
        occasion: meta.occasion.as_deref(),
        topic: meta.topic.as_deref(),
    };
    Value::from_serializable(&data)
}

/// The full data of a page for its own render: its reference plus the article.
pub fn page_full(site: &Site, values: &Values, index: usize) -> Value {
    let page = &site.pages[index];
    let mut map: Map = values.refs[index].as_map().cloned().unwrap_or_default();
    let extra = PageExtra {
        toc: &page.toc,
        topics: term_links(site, site.taxonomy(TaxonomyKind::Topics), &page.meta.topics),
        char_count: page.char_count,
        reading_time: text::reading_minutes(page.char_count),
        attachments: page
            .meta
            .attachments
            .iter()
            .map(|a| Attachment {
                file: file_url(site, page, &a.file),
                title: a.title.clone(),
            })
            .collect(),
        weight: page.meta.weight,
        source_path: &page.rel,
        extra: &page.meta.extra,
    };
    if let Some(extra) = Value::from_serializable(&extra).into_map() {
        map.extend(extra);
    }
    map.insert("content".into(), Value::safe_string(&page.content));
    map.insert(
        "previous".into(),
        page.previous.map_or(Value::none(), |i| values.refs[i].clone()),
    );
    map.insert(
        "next".into(),
        page.next.map_or(Value::none(), |i| values.refs[i].clone()),
    );
    Value::from(map)
}

/// A column with its introduction, for its own list pages.
pub fn column_full(site: &Site, values: &Values, index: usize) -> Value {
    let column = &site.columns[index];
    let mut map: Map = values.columns[index].as_map().cloned().unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&column.content));
    map.insert("page_size".into(), Value::from(column.page_size));
    map.insert("total".into(), Value::from(column.pages.len()));
    if let Some(extra) = Value::from_serializable(&column.extra).into_map() {
        map.insert("extra".into(), Value::from(extra));
    }
    Value::from(map)
}

pub fn term_value(site: &Site, taxonomy: &Taxonomy, term: &Term) -> Value {
    #[derive(Serialize)]
    struct TermData<'a> {
        name: &'a str,
        slug: &'a str,
        url: String,
        count: usize,
        kind: &'static str,
    }
    Value::from_serializable(&TermData {
        name: &term.name,
        slug: &term.slug,
        url: url(site, &term.path),
        count: term.pages.len(),
        kind: taxonomy.kind.folder(),
    })
}

pub fn taxonomy_value(site: &Site, taxonomy: &Taxonomy) -> Value {
    #[derive(Serialize)]
    struct TaxonomyData {
        kind: &'static str,
        name: &'static str,
        url: String,
    }
    let folder = taxonomy.kind.folder();
    Value::from_serializable(&TaxonomyData {
        kind: folder,
        name: taxonomy.kind.chinese(),
        url: url(site, &format!("{folder}/")),
    })
}

/// One page of a paginated list: its items (shared references) and the links
/// a theme needs (previous/next, first/last, a window of page numbers).
pub fn paginator(site: &Site, values: &Values, items: &[usize], page_size: usize, base: &str, number: usize) -> Value {
    #[derive(Serialize)]
    struct Number {
        number: usize,
        url: String,
        current: bool,
    }
    let total_pages = pagination::page_count(items.len(), page_size);
    let shown: Vec<Value> = items[pagination::page_range(items.len(), page_size, number)]
        .iter()
        .map(|&i| values.refs[i].clone())
        .collect();
    let link = |n: usize| url(site, &pagination::page_path(base, n));
    let window_start = number.saturating_sub(3).max(1);
    let window_end = (number + 3).min(total_pages);
    let numbers: Vec<Number> = (window_start..=window_end)
        .map(|n| Number {
            number: n,
            url: link(n),
            current: n == number,
        })
        .collect();

    let mut map = Map::new();
    map.insert("items".into(), Value::from(shown));
    map.insert("number".into(), Value::from(number));
    map.insert("total_pages".into(), Value::from(total_pages));
    map.insert("total_items".into(), Value::from(items.len()));
    map.insert("first_url".into(), Value::from(link(1)));
    map.insert("last_url".into(), Value::from(link(total_pages)));
    map.insert(
        "previous_url".into(),
        if number > 1 {
            Value::from(link(number - 1))
        } else {
            Value::none()
        },
    );
    map.insert(
        "next_url".into(),
        if number < total_pages {
            Value::from(link(number + 1))
        } else {
            Value::none()
        },
    );
    map.insert("pages".into(), Value::from_serializable(&numbers));
    Value::from(map)
}

/// Global data every template sees: `site`, `nav`.
pub fn site_value(site: &Site, mourning: bool) -> Value {
    let mut map = Value::from_serializable(&site.config).into_map().unwrap_or_default();
    map.insert("mourning".into(), Value::from(mourning));
    if let Some(logo) = &site.config.logo {
        map.insert("logo".into(), Value::from(join_url(&site.config.base_path, logo)));
    }
    map.insert("home_url".into(), Value::from(site.config.base_path.clone()));
    Value::from(map)
}

pub fn nav_value(site: &Site, values: &Values) -> Value {
    Value::from(site.nav.iter().map(|&c| values.columns[c].clone()).collect::<Vec<_>>())
}
