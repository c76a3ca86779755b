//! One post: reading it into the form, planning a new one, saving it (only
//! the changed lines, never over a newer file), checking it and previewing
//! unsaved text with the serve engine.

use super::overview::*;
use super::*;

#[derive(Deserialize)]
pub(super) struct PathQuery {
    pub(super) path: String,
}

/// The column a post belongs to, by its folder.
pub(super) fn column_of<'a>(loaded: &'a Loaded, post: &PostPath) -> Option<&'a Column> {
    loaded.columns.iter().find(|c| c.folder == post.folder())
}

pub(super) fn no_column(post: &PostPath) -> Response {
    fail(
        StatusCode::BAD_REQUEST,
        format!("“{}”不在任何栏目里", post.shown()),
        "文章要放在有 _index.md（写明 kind 类型）的栏目文件夹里",
    )
}

/// The text a form shows as the body: without the blank line after the settings.
pub(super) fn shown_body(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    body.strip_prefix('\n').unwrap_or(&body).to_string()
}

/// The line of the file where the body the form shows starts.
pub(super) fn body_line(file: &SourceFile) -> usize {
    let stripped = file.body.starts_with('\n') || file.body.starts_with("\r\n");
    file.body_line + usize::from(stripped)
}

/// Which setting each line of a file's front matter holds.
pub(super) type Settings = HashMap<usize, &'static str>;

pub(super) fn setting_lines(file: &SourceFile) -> Settings {
    file.meta.lines.iter().map(|(k, l)| (*l, *k)).collect()
}

/// Files in a post's own folder, for the photo and attachment pickers.
pub(super) fn own_files(root: &Path, post: &PostPath) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(post.own_folder(root)) else {
        return Vec::new();
    };
    let mut list: Vec<(String, u64)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let name = e.file_name().into_string().ok()?;
            (meta.is_file() && !name.starts_with('.')).then_some((name, meta.len()))
        })
        .collect();
    list.sort();
    list.into_iter()
        .map(|(name, size)| json!({"name": name, "size": size}))
        .collect()
}

/// A post read from disk: its bytes' version and the file as parsed.
pub(super) struct OnDisk {
    pub(super) text: String,
    pub(super) version: String,
    pub(super) file: Option<SourceFile>,
    pub(super) problems: Vec<Diagnostic>,
}

pub(super) fn read_post(root: &Path, post: &PostPath, tz: &jiff::tz::TimeZone) -> Option<OnDisk> {
    let path = post.file(root);
    let bytes = std::fs::read(&path).ok()?;
    let version = store::version(&bytes);
    let text = match crate::encoding::read_decoded(&path, Path::new(&post.shown())) {
        Ok(d) => d.text,
        Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    let (file, problems) = content::parse_text(post.rel.clone(), text.clone(), tz);
    Some(OnDisk {
        text,
        version,
        file,
        problems,
    })
}

pub(super) fn post_json(post: &PostPath, column: &Column, disk: &OnDisk) -> Value {
    let fields = form::fields(column.kind);
    let (values, body, body_line) = match &disk.file {
        Some(file) => (form::values(file, &fields), shown_body(&file.body), body_line(file)),
        None => (Map::new(), String::new(), 1),
    };
    json!({
        "path": post.shown(),
        "column": column.folder,
        "kind": column.kind.name(),
        "fields": values,
        "body": body,
        "body_line": body_line,
        "version": disk.version,
        "problems": disk.problems.iter().map(diagnostic_json).collect::<Vec<_>>(),
    })
}

pub(super) async fn api_post(State(desk): State<Desk>, _: Allowed, Query(q): Query<PathQuery>) -> Response {
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &q.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let work = {
        let post = post.clone();
        move || -> Result<(Value, Vec<Value>, Settings), Response> {
            let loaded = load(&root, false)?;
            let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
            let disk = read_post(&root, &post, &loaded.config.tz).ok_or_else(|| {
                fail(
                    StatusCode::NOT_FOUND,
                    format!("找不到文章“{}”", post.shown()),
                    "它可能已被删除或改名：回到文章列表重新打开",
                )
            })?;
            let settings = disk.file.as_ref().map(setting_lines).unwrap_or_default();
            Ok((post_json(&post, column, &disk), own_files(&root, &post), settings))
        }
    };
    let (mut value, files, settings) = match blocking(work).await {
        Some(Ok(v)) => v,
        Some(Err(r)) => return r,
        None => return internal(),
    };
    let urls = urls(&desk).await;
    let report = findings(&desk).await;
    value["url"] = url_of(&urls, &post.rel);
    value["files"] = json!(files);
    value["findings"] = json!(
        report
            .map(|r| findings_of(&r, &post.shown(), &settings))
            .unwrap_or_default()
    );
    ok(value)
}

pub(super) async fn api_check(State(desk): State<Desk>, _: Allowed, Query(q): Query<PathQuery>) -> Response {
    let post = match store::post_path(desk.root(), &q.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let root = desk.root().to_path_buf();
    let settings = {
        let post = post.clone();
        blocking(move || {
            let tz = config::load(&root, &Overrides::default(), &Diagnostics::new())
                .map_or(jiff::tz::TimeZone::UTC, |c| c.tz);
            read_post(&root, &post, &tz)
                .and_then(|d| d.file.as_ref().map(setting_lines))
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default()
    };
    let report = findings(&desk).await;
    ok(json!({"findings": report.map(|r| findings_of(&r, &post.shown(), &settings)).unwrap_or_default()}))
}

#[derive(Deserialize)]
pub(super) struct PlanRequest {
    pub(super) column: String,
    pub(super) title: String,
}

/// A free path for a new post in `column`, as `tongxin new` names it.
pub(super) fn plan(
    root: &Path,
    column: &str,
    title: &str,
    now: Option<Timestamp>,
) -> Result<(PathBuf, String), Response> {
    let mut options = crate::commands::new::NewOptions::new(root, column, title);
    options.now = now;
    let planned = crate::commands::new::plan_post(&options).map_err(|problems| {
        let first = problems.into_iter().next();
        fail(
            StatusCode::BAD_REQUEST,
            first.as_ref().map_or("无法新建文章".into(), |d| d.message.clone()),
            first.and_then(|d| d.hint).unwrap_or_default(),
        )
    })?;
    let mut path = planned.path.clone();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("wenzhang")
        .to_string();
    let mut n = 2;
    while root.join(&path).exists() || root.join(&path).with_extension("").exists() {
        path.set_file_name(format!("{stem}-{n}.md"));
        n += 1;
    }
    Ok((path, planned.text))
}

pub(super) fn shown_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

pub(super) async fn api_plan(State(desk): State<Desk>, Body(request): Body<PlanRequest>) -> Response {
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let title = if request.title.trim().is_empty() {
        "新文章".to_string()
    } else {
        request.title
    };
    let work = move || -> Result<Value, Response> {
        let (path, text) = plan(&root, &request.column, &title, now)?;
        let loaded = load(&root, false)?;
        let post = store::post_path(&root, &shown_path(&path)).map_err(bad_path)?;
        let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
        // The settings `tongxin new` would start with (author, source, date…).
        let (file, _) = content::parse_text(post.rel.clone(), text, &loaded.config.tz);
        let fields = file
            .map(|f| form::values(&f, &form::fields(column.kind)))
            .unwrap_or_default();
        Ok(json!({"path": post.shown(), "fields": fields}))
    };
    match blocking(work).await {
        Some(Ok(value)) => ok(value),
        Some(Err(r)) => r,
        None => internal(),
    }
}

#[derive(Deserialize)]
pub(super) struct SaveRequest {
    pub(super) path: String,
    #[serde(default)]
    pub(super) new: bool,
    #[serde(default)]
    pub(super) fields: Map<String, Value>,
    #[serde(default)]
    pub(super) body: String,
    pub(super) version: Option<String>,
    pub(super) key: Option<String>,
}

/// What the form sent: its settings, the body, and whether the post is new.
pub(super) struct Submitted<'a> {
    pub(super) fields: &'a Map<String, Value>,
    pub(super) body: &'a str,
    pub(super) new: bool,
}

/// The text a save or preview would write, and the settings' problems.
pub(super) struct Drafted {
    pub(super) text: String,
    /// The file's version when it was read (`None` for a new post).
    pub(super) disk_version: Option<String>,
    pub(super) disk: Option<OnDisk>,
}

/// Makes the file's new text from the form: the file on disk (or the text
/// `tongxin new` would start a new post with) with the changed settings
/// rewritten and the body replaced when it changed.
pub(super) fn draft(
    root: &Path,
    loaded: &Loaded,
    post: &PostPath,
    column: &Column,
    submitted: Submitted,
    now: Option<Timestamp>,
) -> Result<Drafted, Response> {
    let Submitted { fields, body, new } = submitted;
    let schema = form::fields(column.kind);
    let body = body.replace("\r\n", "\n");
    let body = if body.is_empty() || body.ends_with('\n') {
        body
    } else {
        format!("{body}\n")
    };
    if new {
        let title = fields
            .get("title")
            .or_else(|| fields.get("name"))
            .and_then(crate::yaml::read::string)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "新文章".into());
        let (_, template) = plan(root, &column.folder, &title, now)?;
        let (file, _) = content::parse_text(post.rel.clone(), template.clone(), &loaded.config.tz);
        let before = file.map(|f| form::values(&f, &schema)).unwrap_or_default();
        let changes = form::changes(&schema, &before, fields);
        let text = edit::apply(&template, &changes, Some(&format!("\n{body}")));
        return Ok(Drafted {
            text,
            disk_version: None,
            disk: None,
        });
    }
    let Some(disk) = read_post(root, post, &loaded.config.tz) else {
        return Err(json_response(
            StatusCode::CONFLICT,
            json!({"conflict": true, "error": format!("文章“{}”已经不在了（被删除或改名）", post.shown()),
                   "hint": "复制你的正文另存；或在回收站里找回它", "disk": Value::Null}),
        ));
    };
    let Some(file) = disk.file.as_ref() else {
        return Err(fail(
            StatusCode::CONFLICT,
            format!("文章“{}”读不出来", post.shown()),
            "用文本编辑器打开它，按生成时的提示改好后再用写作台",
        ));
    };
    let before = form::values(file, &schema);
    let changes = form::changes(&schema, &before, fields);
    let old_body = file.body.replace("\r\n", "\n");
    let body_changed = shown_body(&old_body) != body;
    let lead = if old_body.starts_with('\n') { "\n" } else { "" };
    let new_body = format!("{lead}{body}");
    let text = edit::apply(&disk.text, &changes, body_changed.then_some(new_body.as_str()));
    Ok(Drafted {
        text,
        disk_version: Some(disk.version.clone()),
        disk: Some(disk),
    })
}

/// Problems that keep a text from being saved: what `build` would refuse in
/// its settings, and required settings left empty. Each names the setting.
pub(super) fn refusals(
    text: &str,
    post: &PostPath,
    column: &Column,
    fields: &Map<String, Value>,
    loaded: &Loaded,
) -> Vec<Value> {
    let schema = form::fields(column.kind);
    let (file, problems) = content::parse_text(post.rel.clone(), text.to_string(), &loaded.config.tz);
    let mut out = Vec::new();
    // Which setting each line of the settings is.
    let by_line: HashMap<usize, &str> = file
        .as_ref()
        .map(|f| f.meta.lines.iter().map(|(k, l)| (*l, *k)).collect())
        .unwrap_or_default();
    for d in problems.iter().filter(|d| d.is_error()) {
        let field = d.line.and_then(|l| by_line.get(&l)).copied();
        out.push(json!({"field": field, "line": d.line, "message": d.message, "hint": d.hint}));
    }
    for (key, message) in form::missing(&schema, fields) {
        out.push(json!({"field": key, "line": Value::Null, "message": message, "hint": "填写后再保存"}));
    }
    out
}

pub(super) async fn api_save(State(desk): State<Desk>, Body(request): Body<SaveRequest>) -> Response {
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &request.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let _writing = desk.inner.writing.lock().await;
    let now = desk.inner.now;
    let work = {
        let post = post.clone();
        move || -> Result<Value, Response> {
            let loaded = load(&root, false)?;
            let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
            if request.new && post.file(&root).exists() {
                let disk = read_post(&root, &post, &loaded.config.tz);
                return Err(conflict(&post, column, disk.as_ref(), "这个文件名已经有一篇文章了"));
            }
            let submitted = Submitted {
                fields: &request.fields,
                body: &request.body,
                new: request.new,
            };
            let drafted = draft(&root, &loaded, &post, column, submitted, now)?;
            if let (Some(disk_version), Some(disk)) = (&drafted.disk_version, &drafted.disk)
                && request.version.as_deref() != Some(disk_version.as_str())
            {
                return Err(conflict(&post, column, Some(disk), "文章在写作台之外被改过了"));
            }
            let problems = refusals(&drafted.text, &post, column, &request.fields, &loaded);
            if !problems.is_empty() {
                return Err(json_response(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "有几项设置需要改正，文章还没有保存", "hint": "按每一项的提示改好后再保存",
                           "problems": problems}),
                ));
            }
            store::write_atomic(&post.file(&root), drafted.text.as_bytes(), request.new).map_err(|e| {
                fail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("无法保存“{}”（{}）", post.shown(), crate::diagnostics::io_reason(&e)),
                    "检查网站文件夹的写入权限和磁盘空间；你的文字仍在写作台里，不会丢失",
                )
            })?;
            if let Some(key) = &request.key {
                store::drop_unsaved(&root, key);
            }
            let (saved, _) = content::parse_text(post.rel.clone(), drafted.text.clone(), &loaded.config.tz);
            Ok(json!({
                "path": post.shown(),
                "version": store::version(drafted.text.as_bytes()),
                "body_line": saved.as_ref().map_or(1, body_line),
            }))
        }
    };
    let result = blocking(work).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if matches!(result, Some(Ok(_))) {
        desk.changed(vec![post.rel.clone()], false);
    }
    match result {
        Some(Ok(mut value)) => {
            value["url"] = url_of(&urls(&desk).await, &post.rel);
            ok(value)
        }
        Some(Err(r)) => r,
        None => internal(),
    }
}

pub(super) fn conflict(post: &PostPath, column: &Column, disk: Option<&OnDisk>, why: &str) -> Response {
    json_response(
        StatusCode::CONFLICT,
        json!({
            "conflict": true,
            "error": format!("{why}：{}", post.shown()),
            "hint": "对照两个版本，选择保留哪一个；不会自动覆盖任何一方",
            "disk": disk.map(|d| post_json(post, column, d)),
        }),
    )
}

#[derive(Deserialize)]
pub(super) struct PreviewRequest {
    pub(super) path: Option<String>,
    pub(super) column: Option<String>,
    #[serde(default)]
    pub(super) fields: Map<String, Value>,
    #[serde(default)]
    pub(super) body: String,
}

pub(super) async fn api_preview(State(desk): State<Desk>, Body(request): Body<PreviewRequest>) -> Response {
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let work = move || -> Result<(String, String), Response> {
        let loaded = load(&root, false)?;
        // A new post without a path yet previews as a file of its column.
        let requested = match (&request.path, &request.column) {
            (Some(p), _) if !p.is_empty() => p.clone(),
            (_, Some(c)) => format!("{CONTENT_DIR}/{}/desk-preview.md", c.trim_matches('/')),
            _ => {
                return Err(fail(
                    StatusCode::BAD_REQUEST,
                    "没有说明预览哪篇文章",
                    "刷新写作台页面后再试",
                ));
            }
        };
        let post = store::post_path(&root, &requested).map_err(bad_path)?;
        let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
        let new = !post.file(&root).exists();
        let submitted = Submitted {
            fields: &request.fields,
            body: &request.body,
            new,
        };
        let drafted = draft(&root, &loaded, &post, column, submitted, now)?;
        Ok((post.rel, drafted.text))
    };
    let (rel, text) = match blocking(work).await {
        Some(Ok(v)) => v,
        Some(Err(r)) => return r,
        None => return internal(),
    };
    let (reply, answer) = oneshot::channel();
    if desk.inner.engine.send(Request::Preview { rel, text, reply }).is_err() {
        return internal();
    }
    match tokio::time::timeout(Duration::from_secs(30), answer).await {
        Ok(Ok(preview)) => ok(json!({
            "html": preview.html.map(|h| without_scripts(&h)),
            "problems": preview.problems.iter().map(diagnostic_json).collect::<Vec<_>>(),
        })),
        _ => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "预览暂时没有生成出来",
            "网站可能正在重新生成，稍等一下再试",
        ),
    }
}

/// The page without its scripts: the preview frame runs none (it is
/// sandboxed), and each would only log a blocked script.
pub(super) fn without_scripts(html: &str) -> String {
    static SCRIPT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<script\b[^>]*>.*?</script\s*>").expect("a valid pattern")
    });
    SCRIPT.replace_all(html, "").into_owned()
}
