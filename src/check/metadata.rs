//! Metadata (`meta-*`) over the published pages: duplicate titles in a column,
//! and `source` / `author` where the column expects them. (Missing and future
//! dates and images without alt text are found in the sources, see
//! [`super::source`].)
//!
//! News and notice columns expect `source` (信息来源) by default; a column
//! changes that in its `_index.md`: `check: { require: [source, author] }`.

use std::collections::HashMap;

use super::Finding;
use crate::check::rules::Rule;
use crate::content::figures::Figure;
use crate::model::Site;
use crate::model::column::ColumnKind;
use crate::model::published::{Found, Owner, PublishedFiles};

/// The fields a column's posts must have when its `_index.md` does not say.
pub fn default_require(kind: ColumnKind) -> &'static [&'static str] {
    match kind {
        ColumnKind::News | ColumnKind::Notice => &["source"],
        ColumnKind::Speech
        | ColumnKind::Opinions
        | ColumnKind::Page
        | ColumnKind::Members
        | ColumnKind::Proposals
        | ColumnKind::Series
        | ColumnKind::Study
        | ColumnKind::Letters
        | ColumnKind::Leaders
        | ColumnKind::Topic => &[],
    }
}

/// `require`: the fields each column (by folder) asked for in its `_index.md`.
pub fn check(site: &Site, require: &HashMap<String, Vec<String>>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for column in &site.columns {
        let mut titles: HashMap<String, usize> = HashMap::new();
        let fields: Vec<&str> = match require.get(&column.folder) {
            Some(list) => list.iter().map(String::as_str).collect(),
            None => default_require(column.kind).to_vec(),
        };
        // Oldest first, so the later copy is the one reported.
        for &i in column.pages.iter().rev() {
            let page = &site.pages[i];
            let shown = page.shown.to_string_lossy().replace('\\', "/");
            let title_line = page.meta.line_of("title").or(Some(1));
            let key: String = page.title.split_whitespace().collect::<Vec<_>>().join(" ");
            if !key.is_empty() {
                if let Some(&first) = titles.get(&key) {
                    let other = site.pages[first].shown.to_string_lossy().replace('\\', "/");
                    findings.push(
                        Finding::new(
                            Rule::MetaTitleDup,
                            &shown,
                            format!("栏目“{}”里已有同样标题的文章：{other}", column.title),
                        )
                        .line(title_line)
                        .text(page.title.clone())
                        .fix("确认是否重复发布；如果是两篇不同的稿件，请在标题里写明区别（如日期、届次）"),
                    );
                } else {
                    titles.insert(key, i);
                }
            }
            for field in &fields {
                let (missing, rule, zh, example) = match *field {
                    "source" => (
                        page.meta.source.is_none(),
                        Rule::MetaSource,
                        "来源",
                        "source: 区政协办公室",
                    ),
                    _ => (
                        page.meta.author.is_none(),
                        Rule::MetaAuthor,
                        "作者",
                        "author: 区政协办公室",
                    ),
                };
                if missing {
                    findings.push(
                        Finding::new(
                            rule,
                            &shown,
                            format!("“{}”栏目的文章需要写{zh}（{field}）", column.title),
                        )
                        .line(Some(1))
                        .fix(format!("在开头的设置里加一行，例如“{example}”")),
                    );
                }
            }
        }
    }
    findings.extend(attachment_sizes(site));
    findings.extend(topic_names(site));
    findings
}

/// A `topics` entry that is not a 专题's name but contains one, or is part of
/// one (“乡村振兴专题” for the 专题 乡村振兴): the post meant to join it and
/// silently does not.
fn topic_names(site: &Site) -> Vec<Finding> {
    let mut findings = Vec::new();
    if site.topics.is_empty() {
        return findings;
    }
    let named = |text: &str| site.topics.iter().any(|t| t.names.iter().any(|n| n == text));
    let near = |text: &str| {
        site.topics.iter().find(|t| {
            t.names.iter().any(|n| {
                let long_enough = |s: &str| s.chars().count() >= 2;
                (long_enough(n) && text.contains(n.as_str())) || (long_enough(text) && n.contains(text))
            })
        })
    };
    for page in &site.pages {
        for written in &page.meta.topics {
            let written = written.trim();
            if named(written) {
                continue;
            }
            let Some(topic) = near(written) else { continue };
            let column = &site.columns[topic.column];
            let short = topic
                .short_name
                .as_ref()
                .map(|s| format!("或简称“{s}”"))
                .unwrap_or_default();
            findings.push(
                Finding::new(
                    Rule::MetaTopic,
                    page.shown.to_string_lossy().replace('\\', "/"),
                    format!(
                        "“专题”里写的“{written}”不是本站专题的名称，文章不会出现在专题“{}”里",
                        column.title
                    ),
                )
                .line(page.meta.line_of("topics").or(Some(1)))
                .text(written.to_string())
                .fix(format!(
                    "要放进这个专题，改成它的名称“{}”{short}；“{written}”本来就是另一个专题词时，不必理会这条提示，或在开头的设置里加一行“check: [meta-topic]”",
                    column.title
                )),
            );
        }
    }
    findings
}

/// Videos of the pages' ```` ```video ```` blocks over `check.video_max_mb`:
/// a reader on a phone pays for every megabyte, and hosts limit uploads.
pub fn video_sizes(site: &Site, files: &PublishedFiles) -> Vec<Finding> {
    let max_mb = site.config.check.video_max_mb();
    let max = max_mb * 1024 * 1024;
    let mut findings = Vec::new();
    for page in &site.pages {
        let owner = Owner::page(page);
        for figure in &page.figures {
            let Figure::Video(block) = figure else { continue };
            for entry in &block.entries {
                let Found::File(dest) = files.find(&entry.src, &owner) else {
                    continue;
                };
                let bytes = files
                    .source(&dest)
                    .and_then(|p| std::fs::metadata(p).ok())
                    .map_or(0, |m| m.len());
                if bytes <= max {
                    continue;
                }
                findings.push(
                    Finding::new(
                        Rule::MetaVideoSize,
                        page.shown.to_string_lossy().replace('\\', "/"),
                        format!("视频“{}”有 {}，超过 {max_mb} MB", entry.src, crate::model::files::human_size(bytes)),
                    )
                    .line(Some(entry.line))
                    .text(entry.src.clone())
                    .fix("读者用手机流量观看很费流量，有的服务器也不让上传：用格式工厂、剪映等软件把视频转成 MP4（H.264），分辨率降到 1280×720、码率 2 Mbps 左右；长视频可剪短或分成几段。确实需要时可在 site.yaml 里调高上限，例如“check: { video_max_mb: 500 }”"),
                );
            }
        }
    }
    findings
}

/// Attachments over `check.attachment_max_mb`: slow or impossible to open on a
/// phone, and many hosts refuse them.
fn attachment_sizes(site: &Site) -> Vec<Finding> {
    let max_mb = site.config.check.attachment_max_mb();
    let max = max_mb * 1024 * 1024;
    let mut findings = Vec::new();
    for page in &site.pages {
        for file in &page.attachments {
            let Some(bytes) = file.bytes.filter(|&b| b > max) else {
                continue;
            };
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            findings.push(
                Finding::new(
                    Rule::MetaAttachmentSize,
                    page.shown.to_string_lossy().replace('\\', "/"),
                    format!("附件“{name}”有 {}，超过 {max_mb} MB", crate::model::files::human_size(bytes)),
                )
                .line(page.meta.line_of("attachments"))
                .text(name.to_string())
                .fix("手机上打开很慢，有的服务器也不让上传：PDF 可用 WPS 或 Acrobat 的“压缩 PDF”减小，扫描件用 150 dpi 重新扫描，表格和文档里的图片先压缩；或者拆成几个文件。确实需要时可在 site.yaml 里调高上限，例如“check: { attachment_max_mb: 50 }”"),
        );
        }
    }
    findings
}
