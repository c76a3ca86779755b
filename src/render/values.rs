//! The data templates see. Each page's data is serialised once: a light
//! reference (title, URL, date, summary…) shared by every list that shows the page,
//! and the full data (with the article HTML) built only for the page's own render.
//! Tera values share their strings, lists and maps by reference count, so putting
//! a reference into many lists copies nothing.

use serde::Serialize;
use tera::{Map, Value};

use crate::content::markdown::Heading;
use crate::content::text;
use crate::dates;
use crate::model::column::Column;
use crate::model::files::FileLink;
use crate::model::leaders::Leader;
use crate::model::members::{self, Member};
use crate::model::page::Page;
use crate::model::proposals::{Proposal, Reply};
use crate::model::series::{self, Book};
use crate::model::taxonomy::{Taxonomy, TaxonomyKind, Term};
use crate::model::validity::{DocStatus, Replacement};
use crate::model::{Site, pagination};

use std::sync::Arc;

use super::digest::{Digest, Known};
use super::filters::join_url;
use super::pictures::Pictures;
use crate::model::published::Owner;

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
    /// The kind in Chinese (新闻, 通知公告…).
    kind_label: &'static str,
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
    /// The cover's resized copies, when the build made them.
    cover_image: Option<ImageData>,
    author: Option<&'a str>,
    source: Option<&'a str>,
    featured: bool,
    // `column`, the column's shared reference, is put in after serialising
    // (see [`page_ref`]).
    tags: Vec<Link<'a>>,
    speaker: Option<&'a str>,
    /// The speaker's member page, when the speaker is a member.
    speaker_url: Option<String>,
    occasion: Option<&'a str>,
    topic: Option<&'a str>,
    /// 期号 of a study material.
    issue: Option<String>,
    member: Option<MemberData<'a>>,
    proposal: Option<ProposalData<'a>>,
    /// A letter's dates and who replied (`letters` columns).
    letter: Option<LetterData>,
    /// A leader's position, duties and photo (`leaders` columns).
    leader: Option<LeaderData<'a>>,
    /// The book of a chapter.
    book: Option<BookLink<'a>>,
    /// A document's validity, when its front matter gives one.
    status: Option<StatusData>,
}

/// A document's validity as templates show it: `label` (已废止…), `name`
/// (repealed…, for class names), `marked` (no longer valid: banner and list
/// mark), the `date` (ISO) and `date_text` (2026年5月1日), and `sentence`, the
/// banner's first words. Where it is replaced is in the page's full data only
/// (`replaced_by`), since it reads another page.
#[derive(Serialize)]
struct StatusData {
    label: &'static str,
    name: &'static str,
    marked: bool,
    date: Option<String>,
    date_text: Option<String>,
    sentence: String,
    /// What leads to the replacement: “现行文件见” (修改: “修改后的文件见”).
    replaced_words: &'static str,
}

fn status_data(status: &DocStatus) -> StatusData {
    StatusData {
        label: status.validity.label(),
        name: status.validity.name(),
        marked: status.is_marked(),
        date: status.date.map(|d| d.to_string()),
        date_text: status.date.map(dates::chinese),
        sentence: status.sentence(),
        replaced_words: match status.validity {
            crate::model::validity::Validity::Amended => "修改后的文件见",
            _ => "现行文件见",
        },
    }
}

#[derive(Serialize)]
struct BookLink<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct MemberData<'a> {
    id: &'a str,
    name: &'a str,
    /// The first character, for the placeholder portrait.
    initial: String,
    photo: Option<String>,
    photo_image: Option<ImageData>,
    sector: &'a str,
    committees: &'a [String],
    roles: &'a [String],
    party: &'a str,
    employer: &'a str,
    term: &'a str,
    /// The member's page in 领导之窗, when they are a leader.
    leader_url: Option<String>,
}

#[derive(Serialize)]
struct ProposalData<'a> {
    number: &'a str,
    session: &'a str,
    proposers: Vec<ProposerData<'a>>,
    category: &'a str,
    status: &'static str,
    handler: &'a str,
    result: Option<&'static str>,
    result_meaning: Option<&'static str>,
    satisfaction: Option<&'static str>,
}

#[derive(Serialize)]
struct LeaderData<'a> {
    id: &'a str,
    name: &'a str,
    /// The first character, for the placeholder portrait.
    initial: String,
    position: &'a str,
    duties: &'a str,
    photo: Option<String>,
    photo_image: Option<ImageData>,
    /// The leader's member page, when they are a member.
    member_url: Option<String>,
}

fn leader_data<'a>(site: &Site, pictures: &Pictures, l: &'a Leader) -> LeaderData<'a> {
    LeaderData {
        id: &l.id,
        name: &l.name,
        initial: l.name.chars().next().map(String::from).unwrap_or_default(),
        position: &l.position,
        duties: &l.duties,
        photo: l.photo.as_ref().map(|f| url(site, &f.path)),
        photo_image: l.photo.as_ref().and_then(|f| image_data(site, pictures, f)),
        member_url: l.member.map(|m| url(site, &site.pages[site.members[m].page].path)),
    }
}

#[derive(Serialize)]
struct LetterData {
    /// 来信摘要.
    letter: String,
    /// 受理日期 and 答复日期, as `2026年3月2日` and as `2026-03-02`.
    received: Option<String>,
    received_iso: Option<String>,
    replied: Option<String>,
    replied_iso: Option<String>,
    replier: String,
    /// 已答复 or 办理中.
    status: &'static str,
    /// Days from acceptance to reply.
    days: Option<i64>,
    /// The column's time limit, and whether the reply came later.
    limit: i64,
    late: bool,
}

/// A letter's data, read from the page's own settings (not from the model's
/// statistics), so that the desk's preview of unsaved text shows its own.
fn letter_data(site: &Site, page: &Page) -> Option<LetterData> {
    let column = &site.columns[page.column?];
    if column.kind != crate::model::column::ColumnKind::Letters {
        return None;
    }
    let f = crate::model::letters::fields_of(page, &site.config.tz, None);
    let days = f.days();
    Some(LetterData {
        received: f.received.map(dates::chinese),
        received_iso: f.received.map(|d| d.to_string()),
        replied: f.replied.map(dates::chinese),
        replied_iso: f.replied.map(|d| d.to_string()),
        status: f.status(),
        late: days.is_some_and(|d| d > column.reply_days),
        limit: column.reply_days,
        days,
        letter: f.letter,
        replier: f.replier,
    })
}

#[derive(Serialize)]
struct ProposerData<'a> {
    name: &'a str,
    /// The member page, for proposers who are members.
    url: Option<String>,
}

/// A photo's `src`, `srcset` and size, for an `<img>` in a template.
#[derive(Serialize)]
struct ImageData {
    src: String,
    srcset: String,
    width: u32,
    height: u32,
}

fn image_data(site: &Site, pictures: &Pictures, f: &FileLink) -> Option<ImageData> {
    if f.external {
        return None;
    }
    let picture = pictures.picture(&f.path)?;
    Some(ImageData {
        src: url(site, &crate::content::figures::url_path(&picture.src)),
        srcset: picture.srcset(&site.config.base_path),
        width: picture.width,
        height: picture.height,
    })
}

#[derive(Serialize)]
struct FileData<'a> {
    url: String,
    title: &'a str,
    kind: &'a str,
    size: &'a str,
    external: bool,
}

#[derive(Serialize)]
struct PageExtra<'a> {
    toc: &'a [Heading],
    topics: Vec<Link<'a>>,
    char_count: usize,
    reading_time: usize,
    attachments: Vec<FileData<'a>>,
    weight: Option<i64>,
    source_path: &'a str,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

pub struct Values {
    /// Light reference of each page, by page index; read through [`Reader`].
    refs: Vec<Value>,
    /// Light reference of each column, by column index.
    pub columns: Vec<Value>,
    /// Light reference of each book, by book index.
    pub books: Vec<Value>,
    /// The published photos, to finish each body's photo markup as it is shown.
    pub pictures: Arc<Pictures>,
    /// The fingerprints of `refs`, `columns` and `books`, kept in step with them.
    pub known: Known,
}

/// The site's data as one page reads it while being prepared. Every read of
/// another page's data goes through [`Reader::page`] or [`Reader::note`], which
/// write it down: `tongxin serve` and incremental builds prepare a page again
/// when a page it shows has changed, and learn which those are from here
/// rather than from a hand-kept list.
pub struct Reader<'v> {
    values: &'v Values,
    shown: std::cell::RefCell<Vec<usize>>,
}

impl<'v> Reader<'v> {
    pub fn new(values: &'v Values) -> Self {
        Reader {
            values,
            shown: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The light reference of page `index`, noted as shown.
    pub fn page(&self, index: usize) -> Value {
        self.note(index);
        self.values.refs[index].clone()
    }

    /// Notes that something of page `index` is shown.
    pub fn note(&self, index: usize) {
        self.shown.borrow_mut().push(index);
    }

    /// The pages read, sorted, once each.
    pub fn into_shown(self) -> Vec<usize> {
        let mut shown = self.shown.into_inner();
        shown.sort_unstable();
        shown.dedup();
        shown
    }
}

impl std::ops::Deref for Reader<'_> {
    type Target = Values;

    fn deref(&self) -> &Values {
        self.values
    }
}

impl Values {
    pub fn build(site: &Site, pictures: Arc<Pictures>) -> Values {
        use rayon::prelude::*;
        let columns: Vec<Value> = site
            .columns
            .iter()
            .map(|c| Value::from_serializable(&column_ref(site, c)))
            .collect();
        let refs: Vec<Value> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| page_ref(site, &pictures, &columns, &site.pages[i]))
            .collect();
        let books: Vec<Value> = site.books.iter().map(|b| book_ref(site, &pictures, b)).collect();
        let known: Vec<(usize, Digest)> = refs
            .par_iter()
            .chain(columns.par_iter())
            .chain(books.par_iter())
            .filter_map(Known::entry)
            .collect();
        Values {
            refs,
            columns,
            books,
            pictures,
            known: Known::from_entries(known),
        }
    }

    /// Serialises page `index` again after its own data changed (`tongxin serve`).
    pub fn refresh_page(&mut self, site: &Site, index: usize) {
        let fresh = page_ref(site, &self.pictures, &self.columns, &site.pages[index]);
        self.known.remove(&self.refs[index]);
        self.known.insert(&fresh);
        self.refs[index] = fresh;
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
        kind_label: c.kind.label(),
        description: &c.description,
        feed_url: c.kind.has_feed().then(|| url(site, &format!("{}atom.xml", c.path))),
    }
}

/// Links to the pages of a page's tags or topics; a topic that names a 专题
/// leads to the 专题 itself.
fn term_links<'a>(site: &Site, taxonomy: &Taxonomy, names: &'a [String]) -> Vec<Link<'a>> {
    names
        .iter()
        .filter_map(|name| {
            let term = taxonomy.terms.iter().find(|t| &t.name == name)?;
            Some(Link {
                name,
                url: url(site, &term_target(site, taxonomy, term)),
            })
        })
        .collect()
}

/// Where a link to `term` goes: its own page, or the 专题 it names.
fn term_target(site: &Site, taxonomy: &Taxonomy, term: &Term) -> String {
    match taxonomy.kind {
        TaxonomyKind::Topics => crate::model::topics::topic_named(site, &term.name).map_or_else(
            || term.path.clone(),
            |t| site.columns[site.topics[t].column].path.clone(),
        ),
        TaxonomyKind::Tags => term.path.clone(),
    }
}

/// A page's light reference. Its `column` is the column's own shared
/// reference (`columns`), not a copy per page: ten thousand copies cost
/// their making, their memory and their fingerprints.
fn page_ref(site: &Site, pictures: &Pictures, columns: &[Value], page: &Page) -> Value {
    let meta = &page.meta;
    let speaker_leader = match (&meta.speaker, page.column.map(|c| site.columns[c].kind)) {
        (Some(name), Some(crate::model::column::ColumnKind::Speech)) => site.leader_keys.get(name.trim()).copied(),
        _ => None,
    };
    let data = PageRef {
        title: &page.title,
        url: url(site, &page.path),
        permalink: permalink(site, &page.path),
        date: meta.date.as_ref().map(dates::rfc3339),
        summary: &page.summary,
        cover: page.cover.as_ref().map(|f| url(site, &f.path)),
        cover_image: page.cover.as_ref().and_then(|f| image_data(site, pictures, f)),
        author: meta.author.as_deref(),
        source: meta.source.as_deref(),
        featured: meta.featured,
        tags: term_links(site, site.taxonomy(TaxonomyKind::Tags), &meta.tags),
        // A speaker written as a member's or a leader's id is shown by name,
        // linked to their page (a leader's, when they are both).
        speaker: match (page.speaker, speaker_leader) {
            (_, Some(l)) => Some(site.leaders[l].name.as_str()),
            (Some(m), None) => Some(site.members[m].name.as_str()),
            (None, None) => meta.speaker.as_deref(),
        },
        speaker_url: match (page.speaker, speaker_leader) {
            (_, Some(l)) => Some(url(site, &site.pages[site.leaders[l].page].path)),
            (Some(m), None) => Some(url(site, &site.pages[site.members[m].page].path)),
            (None, None) => None,
        },
        occasion: meta.occasion.as_deref(),
        topic: meta.topic.as_deref(),
        issue: meta.extra.get("issue").and_then(crate::yaml::read::string),
        member: page.member.map(|m| member_data(site, pictures, &site.members[m])),
        proposal: page.proposal.map(|p| proposal_data(site, &site.proposals[p])),
        letter: letter_data(site, page),
        leader: page.leader.map(|l| leader_data(site, pictures, &site.leaders[l])),
        book: page.book.map(|b| BookLink {
            title: &site.books[b].title,
            url: url(site, &site.books[b].path),
        }),
        status: page.status.as_ref().map(status_data),
    };
    let mut map = Value::from_serializable(&data).into_map().unwrap_or_default();
    let column = page.column.and_then(|c| columns.get(c)).cloned();
    map.insert("column".into(), column.unwrap_or_else(Value::none));
    Value::from(map)
}

fn member_data<'a>(site: &Site, pictures: &Pictures, m: &'a Member) -> MemberData<'a> {
    MemberData {
        id: &m.id,
        name: &m.name,
        initial: m.name.chars().next().map(String::from).unwrap_or_default(),
        photo: m.photo.as_ref().map(|f| url(site, &f.path)),
        photo_image: m.photo.as_ref().and_then(|f| image_data(site, pictures, f)),
        sector: &m.sector,
        committees: &m.committees,
        roles: &m.roles,
        party: &m.party,
        employer: &m.employer,
        term: &m.term,
        leader_url: site
            .leaders
            .iter()
            .find(|l| l.member.is_some_and(|x| std::ptr::eq(&site.members[x], m)))
            .map(|l| url(site, &site.pages[l.page].path)),
    }
}

fn proposal_data<'a>(site: &'a Site, p: &'a Proposal) -> ProposalData<'a> {
    ProposalData {
        number: &p.number,
        session: &p.session,
        proposers: p
            .proposers
            .iter()
            .map(|x| match x {
                crate::model::proposals::Proposer::Member(m) => ProposerData {
                    name: &site.members[*m].name,
                    url: Some(url(site, &site.pages[site.members[*m].page].path)),
                },
                crate::model::proposals::Proposer::Named(name) => ProposerData { name, url: None },
            })
            .collect(),
        category: &p.category,
        status: p.status.label(),
        handler: &p.handler,
        result: p.result.map(|g| g.letter()),
        result_meaning: p.result.map(|g| g.meaning()),
        satisfaction: p.satisfaction.map(|s| s.label()),
    }
}

fn file_data<'a>(site: &Site, f: &'a FileLink) -> FileData<'a> {
    FileData {
        url: url(site, &f.path),
        title: &f.title,
        kind: &f.kind,
        size: &f.size,
        external: f.external,
    }
}

fn book_ref(site: &Site, pictures: &Pictures, b: &Book) -> Value {
    #[derive(Serialize)]
    struct BookRef<'a> {
        title: &'a str,
        url: String,
        whole_url: String,
        editor: &'a str,
        year: &'a str,
        publisher: &'a str,
        cover: Option<String>,
        cover_image: Option<ImageData>,
        summary: &'a str,
        chapter_count: usize,
    }
    Value::from_serializable(&BookRef {
        title: &b.title,
        url: url(site, &b.path),
        whole_url: url(site, &format!("{}{}/", b.path, series::WHOLE_BOOK)),
        editor: &b.editor,
        year: &b.year,
        publisher: &b.publisher,
        cover: b.cover.as_ref().map(|f| url(site, &f.path)),
        cover_image: b.cover.as_ref().and_then(|f| image_data(site, pictures, f)),
        summary: &b.summary,
        chapter_count: b.chapters.len(),
    })
}

/// A book with its introduction and table of contents, for its own page.
pub fn book_full(site: &Site, values: &Reader, index: usize) -> Value {
    let book = &site.books[index];
    let mut map: Map = values.books[index].as_map().cloned().unwrap_or_default();
    let content = values.pictures.body(&book.content, &book.figures, &Owner::book(book));
    map.insert("content".into(), Value::safe_string(&content));
    let chapters: Vec<Value> = book.chapters.iter().map(|&i| values.page(i)).collect();
    map.insert("chapters".into(), Value::from(chapters));
    Value::from(map)
}

/// Every chapter of a book with its text, for the whole-book reading view.
/// Heading ids are prefixed per chapter (`c2-…`) so that anchors stay unique
/// on the one long page.
pub fn book_chapters(site: &Site, values: &Reader, index: usize) -> Value {
    let book = &site.books[index];
    let chapters: Vec<Value> = book
        .chapters
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            values.note(i);
            let page = &site.pages[i];
            let anchor = format!("c{}", n + 1);
            let mut content = values
                .pictures
                .body(&page.content, &page.figures, &Owner::page(page))
                .replace(" id=\"", &format!(" id=\"{anchor}-"))
                .replace(" href=\"#", &format!(" href=\"#{anchor}-"));
            // The chapter title is an h2 on this page; its headings move down a level.
            for level in (1..=5).rev() {
                content = content
                    .replace(&format!("<h{level}"), &format!("<h{}", level + 1))
                    .replace(&format!("</h{level}>"), &format!("</h{}>", level + 1));
            }
            let mut map: Map = values.page(i).as_map().cloned().unwrap_or_default();
            map.insert("anchor".into(), Value::from(anchor.clone()));
            map.insert("content".into(), Value::safe_string(&content));
            let toc: Vec<Heading> = page
                .toc
                .iter()
                .map(|h| Heading {
                    id: format!("{anchor}-{}", h.id),
                    level: (h.level + 1).min(6),
                    title: h.title.clone(),
                })
                .collect();
            map.insert("toc".into(), Value::from_serializable(&toc));
            Value::from(map)
        })
        .collect();
    Value::from(chapters)
}

/// A member's 履职记录: groups of pages by kind, with counts.
pub fn member_record(values: &Reader, member: &Member) -> Value {
    #[derive(Serialize)]
    struct Group {
        label: &'static str,
        count: usize,
    }
    let groups: Vec<Value> = member
        .record
        .iter()
        .map(|g| {
            let mut map = Value::from_serializable(&Group {
                label: members::record_label(g.kind),
                count: g.pages.len(),
            })
            .into_map()
            .unwrap_or_default();
            let items: Vec<Value> = g.pages.iter().map(|&i| values.page(i)).collect();
            map.insert("items".into(), Value::from(items));
            Value::from(map)
        })
        .collect();
    Value::from(groups)
}

/// The full data of a page for its own render: its reference plus the article.
pub fn page_full(site: &Site, values: &Reader, index: usize) -> Value {
    values.note(index);
    let page = &site.pages[index];
    let mut map: Map = values.page(index).as_map().cloned().unwrap_or_default();
    let extra = PageExtra {
        toc: &page.toc,
        topics: term_links(site, site.taxonomy(TaxonomyKind::Topics), &page.meta.topics),
        char_count: page.char_count,
        reading_time: text::reading_minutes(page.char_count),
        attachments: page.attachments.iter().map(|f| file_data(site, f)).collect(),
        weight: page.meta.weight,
        source_path: &page.rel,
        extra: &page.meta.extra,
    };
    if let Some(extra) = Value::from_serializable(&extra).into_map() {
        map.extend(extra);
    }
    let content = values.pictures.body(&page.content, &page.figures, &Owner::page(page));
    map.insert("content".into(), Value::safe_string(&content));
    map.insert(
        "previous".into(),
        page.previous.map_or(Value::none(), |i| values.page(i)),
    );
    map.insert("next".into(), page.next.map_or(Value::none(), |i| values.page(i)));
    if let Some(m) = page.member {
        let member = &site.members[m];
        map.insert("record".into(), member_record(values, member));
        let total: usize = member.record.iter().map(|g| g.pages.len()).sum();
        map.insert("record_total".into(), Value::from(total));
    }
    if let Some(p) = page.proposal {
        let reply = match &site.proposals[p].reply {
            None => Value::none(),
            Some(Reply::Text(text)) => {
                let mut r = Map::new();
                r.insert("text".into(), Value::from(text.as_str()));
                Value::from(r)
            }
            Some(Reply::File(f)) => {
                let mut r = Map::new();
                r.insert("file".into(), Value::from_serializable(&file_data(site, f)));
                Value::from(r)
            }
        };
        map.insert("reply".into(), reply);
    }
    if let Some(l) = page.leader {
        let leader = &site.leaders[l];
        let refs = |list: &[usize]| Value::from(list.iter().map(|&i| values.page(i)).collect::<Vec<_>>());
        map.insert("speeches".into(), refs(&leader.speeches));
        map.insert("activities".into(), refs(&leader.activities));
    }
    if let Some(b) = page.book {
        map.insert("book".into(), values.books[b].clone());
    }
    if let Some(replacement) = page.status.as_ref().and_then(|s| s.replaced_by.as_ref()) {
        map.insert("replaced_by".into(), replacement_value(site, values, replacement));
    }
    let related: Vec<Value> = site
        .related
        .get(index)
        .into_iter()
        .flatten()
        .map(|&i| values.page(i))
        .collect();
    map.insert("related".into(), Value::from(related));
    Value::from(map)
}

/// What replaces a document: `url`, and `title` when it is a page of the
/// site (read through `values`, so that a new title shows here too);
/// `external` for a web address, whose page is opened as it is.
fn replacement_value(site: &Site, values: &Reader, replacement: &Replacement) -> Value {
    let mut map = Map::new();
    match replacement {
        Replacement::Page(i) => {
            let target = values.page(*i);
            let field = |k: &'static str| {
                target
                    .as_map()
                    .and_then(|m| m.get(&k.into()).cloned())
                    .unwrap_or_else(Value::none)
            };
            map.insert("title".into(), field("title"));
            map.insert("url".into(), field("url"));
            map.insert("permalink".into(), field("permalink"));
            map.insert("external".into(), Value::from(false));
        }
        Replacement::Url(link) => {
            let web = !link.starts_with('/');
            let href = if web { link.clone() } else { suggestion_url(site, link) };
            let permalink = if web {
                link.clone()
            } else {
                permalink(site, link.trim_start_matches('/'))
            };
            map.insert("title".into(), Value::none());
            map.insert("url".into(), Value::from(href));
            map.insert("permalink".into(), Value::from(permalink));
            map.insert("external".into(), Value::from(web));
        }
    }
    Value::from(map)
}

/// A column with its introduction, for its own list pages.
pub fn column_full(site: &Site, values: &Reader, index: usize) -> Value {
    let column = &site.columns[index];
    let mut map: Map = values.columns[index].as_map().cloned().unwrap_or_default();
    let content = values
        .pictures
        .body(&column.content, &column.figures, &Owner::column(column));
    map.insert("content".into(), Value::safe_string(&content));
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
        /// The 专题 this topic names, if any (its page leads there).
        topic_url: Option<String>,
        topic_title: Option<&'a str>,
    }
    let topic = match taxonomy.kind {
        TaxonomyKind::Topics => crate::model::topics::topic_named(site, &term.name),
        TaxonomyKind::Tags => None,
    }
    .map(|t| &site.columns[site.topics[t].column]);
    Value::from_serializable(&TermData {
        name: &term.name,
        slug: &term.slug,
        url: url(site, &term.path),
        count: site.term_pages(taxonomy, term).len(),
        kind: taxonomy.kind.folder(),
        topic_url: topic.map(|c| url(site, &c.path)),
        topic_title: topic.map(|c| c.title.as_str()),
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
pub fn paginator(site: &Site, values: &Reader, items: &[usize], page_size: usize, base: &str, number: usize) -> Value {
    #[derive(Serialize)]
    struct Number {
        number: usize,
        url: String,
        current: bool,
    }
    let total_pages = pagination::page_count(items.len(), page_size);
    let shown: Vec<Value> = items[pagination::page_range(items.len(), page_size, number)]
        .iter()
        .map(|&i| values.page(i))
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

/// Where the human-readable site map (网站地图) is published.
pub const SITE_MAP: &str = "sitemap/";
/// Where the search page is published.
pub const SEARCH: &str = "search/";
/// Where the search index is published (made by `output::search`, read by
/// the search page's script).
pub const SEARCH_DATA: &str = "search/data";

/// Global data every template sees: `site`, `nav`.
pub fn site_value(site: &Site, mourning: bool) -> Value {
    let mut map = Value::from_serializable(&site.config).into_map().unwrap_or_default();
    map.insert("mourning".into(), Value::from(mourning));
    if let Some(logo) = &site.config.logo {
        map.insert("logo".into(), Value::from(join_url(&site.config.base_path, logo)));
    }
    map.insert("home_url".into(), Value::from(site.config.base_path.clone()));
    if let Some(suggestion) = &site.config.suggestion {
        let mut s = Map::new();
        s.insert("title".into(), Value::from(suggestion.title.clone()));
        s.insert("url".into(), Value::from(suggestion_url(site, &suggestion.url)));
        map.insert("suggestion".into(), Value::from(s));
    }
    // scheme://host, to make absolute URLs of site paths (og:image): base_url
    // always ends with base_path.
    let origin = site
        .config
        .base_url
        .strip_suffix(&site.config.base_path)
        .unwrap_or(&site.config.base_url);
    // The host name, for the government page tag `SiteDomain`.
    let domain = origin.split_once("://").map_or(origin, |(_, host)| host);
    map.insert("domain".into(), Value::from(domain));
    map.insert("origin".into(), Value::from(origin));
    map.insert(
        "initial".into(),
        Value::from(site.config.title.chars().next().map(String::from).unwrap_or_default()),
    );
    // The digits of the 公安备案号, for the link to its record on the filing site.
    let police_code: String = site
        .config
        .identity
        .police
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if let Some(mut identity) = map.get(&"identity".into()).and_then(Value::as_map).cloned() {
        identity.insert("police_code".into(), Value::from(police_code));
        map.insert("identity".into(), Value::from(identity));
    }
    map.insert(
        "sitemap_url".into(),
        Value::from(join_url(&site.config.base_path, SITE_MAP)),
    );
    map.insert(
        "search_url".into(),
        Value::from(join_url(&site.config.base_path, SEARCH)),
    );
    Value::from(map)
}

/// A site path (`/guanyu/lianxi/`) under the base path; URLs and `mailto:` as written.
pub fn suggestion_url(site: &Site, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        join_url(&site.config.base_path, url)
    } else {
        url.to_string()
    }
}

pub fn nav_value(site: &Site, values: &Values) -> Value {
    Value::from(site.nav.iter().map(|&c| values.columns[c].clone()).collect::<Vec<_>>())
}

/// A 专题 as lists show it: banner, window and where it stands.
pub fn topic_value(site: &Site, values: &Reader, index: usize) -> Value {
    #[derive(Serialize)]
    struct TopicData<'a> {
        title: &'a str,
        url: String,
        short_name: Option<&'a str>,
        description: &'a str,
        banner: Option<String>,
        banner_image: Option<ImageData>,
        /// `2027年1月10日至1月31日`; empty when no window is set.
        window: String,
        start: Option<String>,
        end: Option<String>,
        /// `coming`, `current` or `past`.
        when: &'static str,
        count: usize,
        /// Every post of the 专题 newest first, on the page of a topic naming it.
        all_url: Option<String>,
    }
    let topic = &site.topics[index];
    let column = &site.columns[topic.column];
    let topics = site.taxonomy(TaxonomyKind::Topics);
    let all = site.topic_term(topics, &column.title);
    Value::from_serializable(&TopicData {
        title: &column.title,
        url: url(site, &column.path),
        short_name: topic.short_name.as_deref(),
        description: &column.description,
        banner: topic.banner.as_ref().map(|b| url(site, &b.path)),
        banner_image: topic
            .banner
            .as_ref()
            .and_then(|b| image_data(site, &values.pictures, b)),
        window: crate::model::topics::window_text(topic),
        start: topic.start.map(|d| d.to_string()),
        end: topic.end.map(|d| d.to_string()),
        when: topic.when.name(),
        count: topic.pages.len(),
        all_url: all.map(|term| url(site, &term.path)),
    })
}
