//! Context for the list pages of the CPPCC kinds: members grouped by 界别 or
//! 专委会, the proposal table with its statistics and filters, study materials
//! grouped by 期号, and the home page blocks. Lists hold the shared light
//! references of `values`, never full pages.

use serde::Serialize;
use tera::{Map, Value};

use super::digest::PageData;

use crate::model::Site;
use crate::model::column::ColumnKind;
use crate::model::members::Grouping;
use crate::model::taxonomy::TaxonomyKind;
use crate::model::topics::When;

use super::charts;
use super::filters::join_url;
use super::values::Reader;

fn url(site: &Site, path: &str) -> String {
    join_url(&site.config.base_path, path)
}

/// `groups` (by sector, or by committee), `view` and the URLs of both views.
pub fn members(ctx: &mut PageData, site: &Site, values: &Reader, view: usize, by_committee: bool) {
    let v = &site.member_views[view];
    let groups = if by_committee { &v.by_committee } else { &v.by_sector };
    ctx.insert_value("groups", groups_value(site, values, groups));
    ctx.insert("view", if by_committee { "committee" } else { "sector" });
    ctx.insert("sector_url", &url(site, &site.columns[v.column].path));
    ctx.insert("committee_url", &url(site, &v.committee_path));
    let count = site
        .members
        .iter()
        .filter(|m| site.pages[m.page].column == Some(v.column))
        .count();
    ctx.insert("member_count", &count);
}

fn groups_value(site: &Site, values: &Reader, groups: &[Grouping]) -> Value {
    let list: Vec<Value> = groups
        .iter()
        .map(|g| {
            let mut map = Map::new();
            map.insert("name".into(), Value::from(g.name.as_str()));
            map.insert("count".into(), Value::from(g.members.len()));
            let members: Vec<Value> = g.members.iter().map(|&m| values.page(site.members[m].page)).collect();
            map.insert("members".into(), Value::from(members));
            Value::from(map)
        })
        .collect();
    Value::from(list)
}

/// The proposal table (all, or one filter value's), statistics, the chart and
/// the filter links. `filter` is (facet, value) on a filter page.
pub fn proposals(ctx: &mut PageData, site: &Site, values: &Reader, view: usize, filter: Option<(usize, usize)>) {
    let v = &site.proposal_views[view];
    let rows: &[usize] = match filter {
        Some((f, value)) => &v.facets[f].values[value].proposals,
        None => &v.table,
    };
    let items: Vec<Value> = rows.iter().map(|&p| values.page(site.proposals[p].page)).collect();
    ctx.insert_value("proposals", Value::from(items));

    // On a session's filter page, that session's figures only.
    let stats: Vec<_> = match filter {
        Some((f, value)) if v.facets[f].key == "session" => v
            .stats
            .iter()
            .filter(|s| s.session == v.facets[f].values[value].name)
            .cloned()
            .collect(),
        Some(_) => Vec::new(),
        None => v.stats.clone(),
    };
    ctx.insert_value(
        "chart",
        Value::safe_string(&charts::proposal_chart(&stats, "proposal-chart")),
    );
    ctx.insert_value("stats", Value::from_serializable(&stats));

    #[derive(Serialize)]
    struct FacetValue<'a> {
        name: &'a str,
        url: String,
        count: usize,
        current: bool,
    }
    #[derive(Serialize)]
    struct Facet<'a> {
        key: &'a str,
        label: &'a str,
        values: Vec<FacetValue<'a>>,
    }
    let facets: Vec<Facet> = v
        .facets
        .iter()
        .enumerate()
        .map(|(f, facet)| Facet {
            key: facet.key,
            label: facet.label,
            values: facet
                .values
                .iter()
                .enumerate()
                .map(|(i, value)| FacetValue {
                    name: &value.name,
                    url: url(site, &value.path),
                    count: value.proposals.len(),
                    current: filter == Some((f, i)),
                })
                .collect(),
        })
        .collect();
    ctx.insert_value("facets", Value::from_serializable(&facets));
    ctx.insert("all_url", &url(site, &site.columns[v.column].path));
    ctx.insert("total", &v.table.len());
    match filter {
        Some((f, value)) => {
            let mut map = Map::new();
            map.insert("label".into(), Value::from(v.facets[f].label));
            map.insert("name".into(), Value::from(v.facets[f].values[value].name.as_str()));
            ctx.insert_value("filter", Value::from(map));
        }
        None => ctx.insert_value("filter", Value::none()),
    }
}

/// The items of one page of a study column, grouped by 期号 in list order.
pub fn issues(paginator: &Value) -> Value {
    let items = paginator
        .as_map()
        .and_then(|m| m.get(&"items".into()))
        .and_then(|v| v.as_array())
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for item in items {
        let issue = item
            .as_map()
            .and_then(|m| m.get(&"issue".into()))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        match groups.last_mut() {
            Some((name, list)) if *name == issue => list.push(item),
            _ => groups.push((issue, vec![item])),
        }
    }
    let list: Vec<Value> = groups
        .into_iter()
        .map(|(name, items)| {
            let mut map = Map::new();
            map.insert("name".into(), Value::from(name));
            map.insert("items".into(), Value::from(items));
            Value::from(map)
        })
        .collect();
    Value::from(list)
}

/// The home page: focus items, a block per news-like and notice column, a
/// strip of members, the newest books, and every column.
pub fn home(site: &Site, values: &Reader, latest: usize) -> Value {
    let blocks = &site.home.blocks;
    let mut map = Map::new();
    map.insert("title".into(), site.home.title.clone().into());
    map.insert("description".into(), site.home.description.clone().into());
    let content = values.pictures.body(
        &site.home.content,
        &site.home.figures,
        &crate::model::published::Owner::home(),
    );
    map.insert("content".into(), Value::safe_string(&content));
    let section = |c: usize, count: usize| {
        let mut section = Map::new();
        section.insert("column".into(), values.columns[c].clone());
        let items: Vec<Value> = site.columns[c]
            .pages
            .iter()
            .take(count)
            .map(|&i| values.page(i))
            .collect();
        section.insert("items".into(), items.into());
        Value::from(section)
    };
    let sections: Vec<Value> = blocks
        .news_columns
        .iter()
        .filter(|_| blocks.news_count > 0)
        .map(|&c| section(c, blocks.news_count))
        .collect();
    map.insert("sections".into(), sections.into());
    let notices: Vec<Value> = blocks
        .notice_columns
        .iter()
        .filter(|_| blocks.notice_count > 0)
        .map(|&c| section(c, blocks.notice_count))
        .collect();
    map.insert("notices".into(), notices.into());

    let refs = |list: &mut dyn Iterator<Item = usize>| -> Value {
        Value::from(list.map(|i| values.page(i)).collect::<Vec<_>>())
    };
    map.insert("latest".into(), refs(&mut site.latest.iter().copied().take(latest)));
    // Featured items with a cover first: the focus area shows pictures.
    let mut featured: Vec<usize> = site
        .latest
        .iter()
        .copied()
        .filter(|&i| site.pages[i].meta.featured)
        .collect();
    featured.sort_by_key(|&i| site.pages[i].meta.cover.is_none());
    map.insert(
        "featured".into(),
        refs(&mut featured.into_iter().take(blocks.focus_count)),
    );

    // Members: those marked featured, then the most recently active.
    let mut members: Vec<usize> = (0..site.members.len()).collect();
    let newest = |m: usize| {
        site.members[m]
            .record
            .iter()
            .filter_map(|g| g.pages.first())
            .filter_map(|&p| site.pages[p].meta.date.as_ref().map(|d| d.timestamp()))
            .max()
    };
    members.sort_by_cached_key(|&m| {
        (
            !site.pages[site.members[m].page].meta.featured,
            std::cmp::Reverse(newest(m)),
            site.members[m].sort_key.clone(),
        )
    });
    map.insert(
        "members".into(),
        refs(
            &mut members
                .into_iter()
                .take(blocks.member_count)
                .map(|m| site.members[m].page),
        ),
    );
    let member_column = site.columns.iter().position(|c| c.kind == ColumnKind::Members);
    map.insert(
        "members_column".into(),
        member_column.map_or(Value::none(), |c| values.columns[c].clone()),
    );

    // Books: newest year first.
    let mut books: Vec<usize> = (0..site.books.len()).collect();
    books.sort_by(|&a, &b| site.books[b].year.cmp(&site.books[a].year));
    let books: Vec<Value> = books
        .into_iter()
        .take(blocks.book_count)
        .map(|b| values.books[b].clone())
        .collect();
    map.insert("books".into(), Value::from(books));
    let series_column = site.columns.iter().position(|c| c.kind == ColumnKind::Series);
    map.insert(
        "books_column".into(),
        series_column.map_or(Value::none(), |c| values.columns[c].clone()),
    );

    // Every column: navigation order, then the rest.
    let mut order = site.nav.clone();
    order.extend((0..site.columns.len()).filter(|c| !site.nav.contains(c)));
    let columns: Vec<Value> = order.into_iter().map(|c| values.columns[c].clone()).collect();
    map.insert("columns".into(), Value::from(columns));
    // Tags and topics pages, where there are any.
    let taxonomies: Vec<Value> = site
        .taxonomies
        .iter()
        .filter(|t| site.has_taxonomy_pages(t))
        .map(|t| super::values::taxonomy_value(site, t))
        .collect();
    map.insert("taxonomies".into(), Value::from(taxonomies));
    // 专题 whose window is open, the newest first.
    map.insert("topics".into(), topic_list(site, values, When::Current));
    map.insert(
        "topics_url".into(),
        Value::from(url(site, &format!("{}/", TaxonomyKind::Topics.folder()))),
    );
    Value::from(map)
}

/// The 专题 that stand at `when`, the one that started (or ended) last first.
pub fn topic_list(site: &Site, values: &Reader, when: When) -> Value {
    let mut list: Vec<usize> = (0..site.topics.len())
        .filter(|&t| site.topics[t].when == when)
        .collect();
    list.sort_by_key(|&t| {
        let topic = &site.topics[t];
        (std::cmp::Reverse((topic.end, topic.start)), topic.column)
    });
    Value::from(
        list.into_iter()
            .map(|t| super::values::topic_value(site, values, t))
            .collect::<Vec<_>>(),
    )
}

/// A 专题's own page: its banner and window, and each sub-section with its
/// newest items.
pub fn topic(ctx: &mut PageData, site: &Site, values: &Reader, index: usize) {
    let topic = &site.topics[index];
    ctx.insert_value("topic", super::values::topic_value(site, values, index));
    let sections: Vec<Value> = topic
        .sections
        .iter()
        .map(|section| {
            let mut map = Map::new();
            map.insert("name".into(), Value::from(section.name.as_str()));
            map.insert("url".into(), Value::from(url(site, &section.path)));
            map.insert("total".into(), Value::from(section.pages.len()));
            map.insert("more".into(), Value::from(section.pages.len() > topic.section_count));
            let items: Vec<Value> = section
                .pages
                .iter()
                .take(topic.section_count)
                .map(|&i| values.page(i))
                .collect();
            map.insert("items".into(), Value::from(items));
            Value::from(map)
        })
        .collect();
    ctx.insert_value("sections", Value::from(sections));
    ctx.insert("topics_url", &url(site, &format!("{}/", TaxonomyKind::Topics.folder())));
}

/// One sub-section of a 专题, as its list pages show it.
pub fn topic_section(ctx: &mut PageData, site: &Site, values: &Reader, index: usize, section: usize) {
    let topic = &site.topics[index];
    let section = &topic.sections[section];
    ctx.insert_value("column", values.columns[topic.column].clone());
    ctx.insert_value("topic", super::values::topic_value(site, values, index));
    let mut map = Map::new();
    map.insert("name".into(), Value::from(section.name.as_str()));
    map.insert("url".into(), Value::from(url(site, &section.path)));
    map.insert("total".into(), Value::from(section.pages.len()));
    ctx.insert_value("section", Value::from(map));
}

/// The human-readable site map (网站地图): every column in navigation order, then
/// any column left out of the navigation, each with what lies beneath it.
pub fn site_map(site: &Site, values: &Reader) -> Value {
    #[derive(Serialize)]
    struct Entry {
        title: String,
        url: String,
    }
    let mut order: Vec<usize> = site.nav.clone();
    order.extend((0..site.columns.len()).filter(|c| !site.nav.contains(c)));
    let columns: Vec<Value> = order
        .into_iter()
        .map(|c| {
            let column = &site.columns[c];
            let pages = |list: &mut dyn Iterator<Item = usize>| -> Vec<Entry> {
                list.map(|i| Entry {
                    title: {
                        values.note(i);
                        site.pages[i].title.clone()
                    },
                    url: url(site, &site.pages[i].path),
                })
                .collect()
            };
            let entries: Vec<Entry> = match column.kind {
                ColumnKind::Page => pages(&mut column.pages.iter().copied()),
                ColumnKind::Series => site
                    .books
                    .iter()
                    .filter(|b| b.column == c)
                    .map(|b| Entry {
                        title: b.title.clone(),
                        url: url(site, &b.path),
                    })
                    .collect(),
                ColumnKind::Members => site
                    .member_views
                    .iter()
                    .filter(|v| v.column == c)
                    .flat_map(|v| {
                        [
                            Entry {
                                title: "按界别浏览".into(),
                                url: url(site, &column.path),
                            },
                            Entry {
                                title: "按专委会浏览".into(),
                                url: url(site, &v.committee_path),
                            },
                        ]
                    })
                    .collect(),
                ColumnKind::Proposals => site
                    .proposal_views
                    .iter()
                    .filter(|v| v.column == c)
                    .flat_map(|v| v.facets.iter().filter(|f| f.key == "session"))
                    .flat_map(|f| &f.values)
                    .map(|v| Entry {
                        title: v.name.clone(),
                        url: url(site, &v.path),
                    })
                    .collect(),
                ColumnKind::Topic => site
                    .topics
                    .iter()
                    .filter(|t| t.column == c)
                    .flat_map(|t| &t.sections)
                    .map(|s| Entry {
                        title: s.name.clone(),
                        url: url(site, &s.path),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let mut map = values.columns[c].as_map().cloned().unwrap_or_default();
            map.insert("total".into(), Value::from(column.pages.len()));
            map.insert("entries".into(), Value::from_serializable(&entries));
            Value::from(map)
        })
        .collect();
    let taxonomies: Vec<Value> = site
        .taxonomies
        .iter()
        .filter(|t| site.has_taxonomy_pages(t))
        .map(|t| super::values::taxonomy_value(site, t))
        .collect();
    let mut map = Map::new();
    map.insert("columns".into(), Value::from(columns));
    map.insert("taxonomies".into(), Value::from(taxonomies));
    map.insert("feed_url".into(), Value::from(url(site, "atom.xml")));
    Value::from(map)
}
