//! The overview: the site as the desk sees it (columns, posts, members),
//! read from disk per request, with the findings of `tongxin check` and the
//! posts' addresses on the preview site.

use super::*;
use crate::model::topics;

/// A column (or a book of a `series` column) posts can be written in.
pub(super) struct Column {
    /// Below `content/`: `yaowen`, or `wenshi/book`.
    pub(super) folder: String,
    pub(super) title: String,
    pub(super) kind: ColumnKind,
}

/// Everything read from disk for one request.
pub(super) struct Loaded {
    pub(super) config: SiteConfig,
    pub(super) files: Vec<SourceFile>,
    pub(super) columns: Vec<Column>,
}

/// Reads site.yaml and the columns; with `posts`, every post too (only the
/// overview needs them: a 10,000-post site takes a while to read).
pub(super) fn load(root: &Path, posts: bool) -> Result<Loaded, Response> {
    let diagnostics = Diagnostics::new();
    let Some(config) = config::load(root, &Overrides::default(), &diagnostics) else {
        let first = diagnostics.into_sorted().into_iter().next();
        return Err(fail(
            StatusCode::CONFLICT,
            first.as_ref().map_or("site.yaml 有错误".to_string(), |d| d.to_string()),
            "先按提示改好 site.yaml，再刷新写作台",
        ));
    };
    let files = if posts {
        content::load(root, &config.tz, &Diagnostics::new()).files
    } else {
        content::list(root, &Diagnostics::new())
            .map(|listing| listing.markdown)
            .unwrap_or_default()
            .into_iter()
            .filter(|rel| rel == "_index.md" || rel.ends_with("/_index.md"))
            .filter_map(|rel| content::read_file(root, rel, &config.tz).0)
            .collect()
    };
    let columns = columns(&files);
    Ok(Loaded { config, files, columns })
}

pub(super) fn columns(files: &[SourceFile]) -> Vec<Column> {
    let kind_of = |f: &SourceFile| f.meta.kind.as_deref().and_then(ColumnKind::parse);
    let mut top: Vec<Column> = files
        .iter()
        .filter(|f| f.is_index() && !f.folder().is_empty() && !f.folder().contains('/'))
        .filter_map(|f| {
            Some(Column {
                folder: f.folder().to_string(),
                title: f.meta.title.clone().unwrap_or_else(|| f.folder().to_string()),
                kind: kind_of(f)?,
            })
        })
        .collect();
    top.sort_by(|a, b| a.folder.cmp(&b.folder));
    let mut out = Vec::new();
    for column in top {
        if column.kind == ColumnKind::Series {
            // Chapters are written in books; a book is made with `tongxin new`.
            let mut books: Vec<Column> = files
                .iter()
                .filter(|f| f.is_index() && f.folder().rsplit_once('/').is_some_and(|(dir, _)| dir == column.folder))
                .map(|f| Column {
                    folder: f.folder().to_string(),
                    title: format!(
                        "{} › {}",
                        column.title,
                        f.meta.title.clone().unwrap_or_else(|| f.folder().to_string())
                    ),
                    kind: ColumnKind::Series,
                })
                .collect();
            books.sort_by(|a, b| a.folder.cmp(&b.folder));
            out.extend(books);
        } else {
            out.push(column);
        }
    }
    out
}

pub(super) fn post_title(file: &SourceFile) -> String {
    file.meta
        .title
        .clone()
        .or_else(|| file.meta.extra.get("name").and_then(crate::yaml::read::string))
        .unwrap_or_else(|| file.stem().to_string())
}

/// Where each published post is on the preview site, from the engine.
pub(super) async fn urls(desk: &Desk) -> HashMap<String, String> {
    let (reply, answer) = oneshot::channel();
    if desk.inner.engine.send(Request::Urls { reply }).is_err() {
        return HashMap::new();
    }
    tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
}

pub(super) fn url_of(urls: &HashMap<String, String>, rel: &str) -> Value {
    urls.get(rel).map_or(Value::Null, |p| json!(format!("/{p}")))
}

/// The findings of `tongxin check`, made again when the site changed.
pub(super) async fn findings(desk: &Desk) -> Option<Arc<CheckReport>> {
    let seen = (
        desk.inner.status.borrow().builds,
        desk.inner.writes.load(std::sync::atomic::Ordering::SeqCst),
    );
    if let Ok(cache) = desk.inner.checked.lock()
        && let Some((at, report)) = cache.as_ref()
        && *at == seen
    {
        return Some(report.clone());
    }
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let report = blocking(move || {
        let mut options = crate::commands::check::CheckOptions::new(root);
        if let Some(now) = now {
            options.now = Some(now.to_zoned(jiff::tz::TimeZone::UTC).datetime());
        }
        crate::commands::check::check(&options)
    })
    .await?;
    let report = Arc::new(report);
    if let Ok(mut cache) = desk.inner.checked.lock() {
        *cache = Some((seen, report.clone()));
    }
    Some(report)
}

pub(super) fn findings_of(report: &CheckReport, shown: &str, settings: &HashMap<usize, &'static str>) -> Vec<Value> {
    report
        .findings
        .iter()
        .filter(|f| f.file == shown)
        .map(|f| {
            json!({
                "line": f.line,
                "field": f.line.and_then(|l| settings.get(&l)),
                "level": f.level,
                "level_label": f.level.chinese(),
                "rule": f.rule.id(),
                "message": f.message,
                "fix": f.fix,
            })
        })
        .collect()
}

pub(super) async fn api_site(State(desk): State<Desk>, _: Allowed) -> Response {
    let root = desk.root().to_path_buf();
    // The posts as the engine read them; from disk when it cannot answer.
    let (reply, answer) = oneshot::channel();
    let engine_files = if desk.inner.engine.send(Request::Content { reply }).is_ok() {
        tokio::time::timeout(Duration::from_secs(30), answer)
            .await
            .ok()
            .and_then(Result::ok)
    } else {
        None
    };
    let Some(loaded) = blocking(move || match engine_files {
        Some(files) if !files.is_empty() => load(&root, false).map(|mut l| {
            l.columns = columns(&files);
            l.files = files;
            l
        }),
        _ => load(&root, true),
    })
    .await
    else {
        return internal();
    };
    let loaded = match loaded {
        Ok(l) => l,
        Err(r) => return r,
    };
    let urls = urls(&desk).await;
    let report = findings(&desk).await;
    let mut counts: HashMap<&str, usize> = HashMap::new();
    if let Some(report) = &report {
        for f in &report.findings {
            *counts.entry(f.file.as_str()).or_default() += 1;
        }
    }
    let now = desk.now(&loaded.config.tz);
    let columns: Vec<Value> = loaded
        .columns
        .iter()
        .map(|c| {
            let mut posts: Vec<&SourceFile> = loaded
                .files
                .iter()
                .filter(|f| !f.is_index() && f.folder() == c.folder)
                .collect();
            posts.sort_by(|a, b| b.meta.date.cmp(&a.meta.date).then_with(|| a.rel.cmp(&b.rel)));
            let posts: Vec<Value> = posts
                .iter()
                .map(|f| {
                    let shown = format!("{CONTENT_DIR}/{}", f.rel);
                    json!({
                        "path": shown,
                        "title": post_title(f),
                        "date": f.meta.date.as_ref().map(|d| d.strftime("%Y-%m-%d %H:%M").to_string()),
                        "draft": f.meta.draft,
                        "scheduled": f.meta.date.as_ref().is_some_and(|d| d.timestamp() > now.timestamp()),
                        "url": url_of(&urls, &f.rel),
                        "findings": counts.get(shown.as_str()).copied().unwrap_or(0),
                    })
                })
                .collect();
            json!({
                "folder": c.folder,
                "title": c.title,
                "kind": c.kind.name(),
                "kind_label": c.kind.label(),
                "fields": form::fields(c.kind),
                "posts": posts,
            })
        })
        .collect();
    let member_columns: Vec<&str> = loaded
        .columns
        .iter()
        .filter(|c| c.kind == ColumnKind::Members)
        .map(|c| c.folder.as_str())
        .collect();
    let members: Vec<Value> = loaded
        .files
        .iter()
        .filter(|f| !f.is_index() && member_columns.contains(&f.folder()))
        .map(|f| json!({"id": f.stem(), "name": post_title(f)}))
        .collect();
    // The 专题 a post may join (its 专题 field offers them): open ones first.
    let mut topics: Vec<(u8, &str, Value)> = loaded
        .files
        .iter()
        .filter(|f| f.is_index() && !f.folder().is_empty() && !f.folder().contains('/'))
        .filter(|f| f.meta.kind.as_deref().and_then(ColumnKind::parse) == Some(ColumnKind::Topic))
        .map(|f| {
            let when = topics::when_as_written(&f.meta, now.timestamp(), &loaded.config.tz);
            let order = match when {
                topics::When::Current => 0,
                topics::When::Coming => 1,
                topics::When::Past => 2,
            };
            let name = f.meta.title.clone().unwrap_or_else(|| f.folder().to_string());
            let short = topics::short_name_as_written(&f.meta);
            (
                order,
                f.folder(),
                json!({"name": name, "short": short, "folder": f.folder(), "when": when.name()}),
            )
        })
        .collect();
    topics.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let topics: Vec<Value> = topics.into_iter().map(|(_, _, v)| v).collect();
    let unsaved: Vec<Value> = store::all_unsaved(desk.root())
        .into_iter()
        .map(|u| {
            let title = u
                .fields
                .get("title")
                .or_else(|| u.fields.get("name"))
                .and_then(crate::yaml::read::string)
                .unwrap_or_default();
            json!({"key": u.key, "path": u.path, "column": u.column, "title": title, "saved_at": u.saved_at})
        })
        .collect();
    let errors = desk.inner.status.borrow().errors.clone();
    ok(json!({
        "title": loaded.config.title,
        "preview": "/",
        "columns": columns,
        "members": members,
        "topics": topics,
        "unsaved": unsaved,
        "errors": errors,
    }))
}
