//! The files around posts: uploads into a post's folder (checked like the
//! build checks them), the trash, and text kept until it is saved.

use super::overview::*;
use super::posts::*;
use super::*;

#[derive(Deserialize)]
pub(super) struct UploadQuery {
    pub(super) path: String,
    pub(super) name: String,
}

pub(super) async fn api_upload(
    State(desk): State<Desk>,
    _: Allowed,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &q.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let result = blocking(move || upload(&root, &post, &q.name, &body)).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Files were added or moved (a folder, too): the engine looks at them all.
    desk.changed(Vec::new(), true);
    result.unwrap_or_else(internal)
}

pub(super) fn upload(root: &Path, post: &PostPath, name: &str, bytes: &[u8]) -> Response {
    if bytes.len() > store::MAX_UPLOAD {
        return fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("“{name}”超过 {} MB，没有上传", store::MAX_UPLOAD / 1024 / 1024),
            "照片请先缩小（宽 2000 像素左右足够网页用）；大的附件请压缩或拆分",
        );
    }
    if bytes.is_empty() {
        return fail(StatusCode::BAD_REQUEST, format!("“{name}”是空文件"), "重新选择这个文件");
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let photo = store::PHOTO_EXTENSIONS.contains(&ext.as_str());
    let mut size = (None, None);
    let mut warnings = Vec::new();
    if photo || matches!(ext.as_str(), "heic" | "heif" | "avif") {
        match crate::output::images::process::inspect(bytes) {
            Ok((w, h)) => {
                size = (Some(w), Some(h));
                if w < 600 {
                    warnings.push(format!("照片只有 {w} 像素宽，在大屏幕上会显得模糊"));
                }
            }
            Err(failure) => {
                let (message, hint) = crate::output::images::messages::failure(name, &failure);
                return fail(StatusCode::BAD_REQUEST, message, hint);
            }
        }
    } else if !store::ATTACHMENT_EXTENSIONS.contains(&ext.as_str()) {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("“{name}”这种文件不能放进文章"),
            format!(
                "照片用 {}；附件用 {}",
                store::PHOTO_EXTENSIONS.join("、"),
                store::ATTACHMENT_EXTENSIONS.join("、")
            ),
        );
    }
    let folder = post.own_folder(root);
    if let Err(r) = store::confined(root, &folder) {
        return bad_path(r);
    }
    let Some(safe) = store::safe_name(name, |n| folder.join(n).exists()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("“{name}”没有扩展名"),
            "文件名要以 .jpg、.pdf 这样的扩展名结尾",
        );
    };
    if let Err(e) = store::write_atomic(&folder.join(&safe), bytes, true) {
        return fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法保存“{name}”（{}）", crate::diagnostics::io_reason(&e)),
            "检查网站文件夹的写入权限和磁盘空间",
        );
    }
    ok(json!({
        "name": safe,
        "size": bytes.len(),
        "width": size.0,
        "height": size.1,
        "warnings": warnings,
    }))
}

// ---- delete, trash ---------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct DeleteRequest {
    pub(super) path: String,
    pub(super) version: Option<String>,
}

pub(super) async fn api_delete(State(desk): State<Desk>, Body(request): Body<DeleteRequest>) -> Response {
    let root = desk.root().to_path_buf();
    let post = match store::post_path(&root, &request.path) {
        Ok(p) => p,
        Err(r) => return bad_path(r),
    };
    let _writing = desk.inner.writing.lock().await;
    let now = desk.inner.now;
    let work = move || -> Result<Value, Response> {
        let loaded = load(&root, false)?;
        let column = column_of(&loaded, &post).ok_or_else(|| no_column(&post))?;
        let Some(disk) = read_post(&root, &post, &loaded.config.tz) else {
            return Err(fail(
                StatusCode::NOT_FOUND,
                format!("找不到文章“{}”", post.shown()),
                "它可能已被删除",
            ));
        };
        if request.version.as_deref() != Some(disk.version.as_str()) {
            return Err(conflict(
                &post,
                column,
                Some(&disk),
                "文章在写作台之外被改过了，没有删除",
            ));
        }
        let title = disk.file.as_ref().map(post_title).unwrap_or_default();
        let now = now.unwrap_or_else(Timestamp::now).to_zoned(loaded.config.tz.clone());
        let item = store::trash(&root, &post, &title, &now).map_err(|e| {
            fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("无法删除“{}”（{}）", post.shown(), crate::diagnostics::io_reason(&e)),
                "检查文件是否被其他程序打开",
            )
        })?;
        Ok(json!({"trash": format!(".tongxin/trash/{}/{}", item.id, item.path), "id": item.id}))
    };
    let result = blocking(work).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Files were added or moved (a folder, too): the engine looks at them all.
    desk.changed(Vec::new(), true);
    match result {
        Some(Ok(v)) => ok(v),
        Some(Err(r)) => r,
        None => internal(),
    }
}

pub(super) async fn api_trash(State(desk): State<Desk>, _: Allowed) -> Response {
    let root = desk.root().to_path_buf();
    match blocking(move || store::trashed(&root)).await {
        Some(items) => ok(json!({"items": items})),
        None => internal(),
    }
}

#[derive(Deserialize)]
pub(super) struct RestoreRequest {
    pub(super) id: String,
}

pub(super) async fn api_restore(State(desk): State<Desk>, Body(request): Body<RestoreRequest>) -> Response {
    let root = desk.root().to_path_buf();
    let _writing = desk.inner.writing.lock().await;
    let result = blocking(move || store::restore(&root, &request.id)).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Files were added or moved (a folder, too): the engine looks at them all.
    desk.changed(Vec::new(), true);
    match result {
        Some(Ok(post)) => ok(json!({"path": post.shown()})),
        Some(Err(store::RestoreError::NotFound)) => fail(
            StatusCode::NOT_FOUND,
            "回收站里没有这一项",
            "刷新写作台，看回收站里现有的文章",
        ),
        Some(Err(store::RestoreError::Taken(path))) => fail(
            StatusCode::CONFLICT,
            format!("“{path}”现在已经有一篇文章了，没有覆盖它"),
            "先把现在的文章改名或删除，再恢复",
        ),
        Some(Err(store::RestoreError::Io(e))) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法恢复（{}）", crate::diagnostics::io_reason(&e)),
            "检查网站文件夹的写入权限",
        ),
        None => internal(),
    }
}

// ---- unsaved text ----------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct KeyQuery {
    pub(super) key: String,
}

pub(super) fn good_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 300
}

pub(super) async fn api_unsaved_get(State(desk): State<Desk>, _: Allowed, Query(q): Query<KeyQuery>) -> Response {
    if !good_key(&q.key) {
        return fail(StatusCode::BAD_REQUEST, "未保存内容的编号不对", "刷新写作台页面后再试");
    }
    let root = desk.root().to_path_buf();
    match blocking(move || store::unsaved(&root, &q.key)).await {
        Some(Some(u)) => ok(serde_json::to_value(u).unwrap_or(Value::Null)),
        // Nothing kept is the usual case, not an error.
        Some(None) => ok(Value::Null),
        None => internal(),
    }
}

pub(super) async fn api_unsaved_put(State(desk): State<Desk>, Body(mut unsaved): Body<store::Unsaved>) -> Response {
    if !good_key(&unsaved.key) {
        return fail(StatusCode::BAD_REQUEST, "未保存内容的编号不对", "刷新写作台页面后再试");
    }
    let root = desk.root().to_path_buf();
    if let Some(path) = unsaved.path.as_deref().filter(|p| !p.is_empty())
        && let Err(r) = store::post_path(&root, path)
    {
        return bad_path(r);
    }
    let tz = config::load(&root, &Overrides::default(), &Diagnostics::new()).map_or(jiff::tz::TimeZone::UTC, |c| c.tz);
    unsaved.saved_at = desk.now(&tz).strftime("%Y-%m-%d %H:%M:%S").to_string();
    let saved_at = unsaved.saved_at.clone();
    match blocking(move || store::keep_unsaved(&root, &unsaved)).await {
        Some(Ok(())) => ok(json!({"saved_at": saved_at})),
        Some(Err(e)) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法暂存未保存的内容（{}）", crate::diagnostics::io_reason(&e)),
            "检查网站文件夹的写入权限和磁盘空间；浏览器里仍留有一份",
        ),
        None => internal(),
    }
}

pub(super) async fn api_unsaved_delete(State(desk): State<Desk>, _: Allowed, Query(q): Query<KeyQuery>) -> Response {
    if !good_key(&q.key) {
        return fail(StatusCode::BAD_REQUEST, "未保存内容的编号不对", "刷新写作台页面后再试");
    }
    let root = desk.root().to_path_buf();
    match blocking(move || store::drop_unsaved(&root, &q.key)).await {
        Some(()) => ok(json!({})),
        None => internal(),
    }
}

// ---- importing a Word file -------------------------------------------------

#[derive(Deserialize)]
pub(super) struct ImportQuery {
    pub(super) column: String,
    pub(super) name: String,
}

/// A .docx sent by the page becomes a new post, as `tongxin import` makes it.
pub(super) async fn api_import(
    State(desk): State<Desk>,
    _: Allowed,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Response {
    let root = desk.root().to_path_buf();
    let now = desk.inner.now;
    let _writing = desk.inner.writing.lock().await;
    let result = blocking(move || crate::import::import_post(&root, &q.column, &q.name, &body, now)).await;
    desk.inner.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Files were added or moved (a folder, too): the engine looks at them all.
    desk.changed(Vec::new(), true);
    match result {
        Some(Ok(created)) => ok(json!({
            "path": created.path.to_string_lossy().replace('\\', "/"),
            "next": created
                .next
                .strip_suffix(crate::import::ON_THE_COMMAND_LINE)
                .unwrap_or(&created.next)
                .trim_end(),
        })),
        Some(Err(problems)) => {
            let first = problems.into_iter().next();
            fail(
                StatusCode::BAD_REQUEST,
                first
                    .as_ref()
                    .map_or("无法导入这个文件".to_string(), |d| d.message.clone()),
                first.and_then(|d| d.hint).unwrap_or_default(),
            )
        }
        None => internal(),
    }
}
