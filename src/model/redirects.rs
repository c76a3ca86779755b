//! Where each old address goes: the `aliases` (旧网址) of published posts
//! and the rows of the site's table (`redirects.csv`, `redirects.yaml`),
//! resolved to pages of the site. Two old addresses that are the same are an
//! error naming both; so is a row whose post does not exist. Whether an old
//! address hides a page or a static file is checked once the output is known
//! (`output::redirects::report`).

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::old_urls::{NewTarget, OldUrl};

use super::Site;

/// One old address and the page it now leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    pub old: OldUrl,
    /// The site path it leads to, below the base path (`yaowen/a/`).
    pub to: String,
    /// The title of the page it leads to, when known.
    pub title: Option<String>,
    /// Where it was written (`content/yaowen/a.md`, `redirects.csv`) and the line.
    pub origin: String,
    pub line: usize,
    /// The table gave a path, not a post: it must be checked to exist.
    pub by_path: bool,
}

impl Redirect {
    /// `content/yaowen/a.md 第 3 行`, for messages naming two places.
    pub fn place(&self) -> String {
        format!("{} 第 {} 行", self.origin, self.line)
    }
}

/// The redirects of `site`, sorted by old address; problems go to `diagnostics`.
pub fn collect(site: &Site, diagnostics: &Diagnostics) -> Vec<Redirect> {
    let own_host = host_of(&site.config.base_url);
    let mut all = Vec::new();
    for page in &site.pages {
        let origin = crate::diagnostics::display_path(&page.shown);
        for alias in &page.meta.aliases {
            if !same_site(alias.url.host.as_deref(), &own_host) {
                diagnostics.push(other_host(&origin, alias.line, &alias.url, &own_host));
                continue;
            }
            all.push(Redirect {
                old: alias.url.clone(),
                to: page.path.clone(),
                title: Some(page.title.clone()),
                origin: origin.clone(),
                line: alias.line,
                by_path: false,
            });
        }
    }
    let titles: HashMap<&str, &str> = site
        .pages
        .iter()
        .map(|p| (p.rel.as_str(), p.title.as_str()))
        .chain(site.columns.iter().map(|c| (c.folder.as_str(), c.title.as_str())))
        .collect();
    for row in &site.config.redirects {
        if !same_site(row.old.host.as_deref(), &own_host) {
            diagnostics.push(other_host(row.file, row.line, &row.old, &own_host));
            continue;
        }
        let (to, title, by_path) = match &row.target {
            NewTarget::Path(path) => {
                let title = site
                    .pages
                    .iter()
                    .find(|p| p.path == *path)
                    .map(|p| p.title.clone())
                    .or_else(|| site.columns.iter().find(|c| c.path == *path).map(|c| c.title.clone()));
                (path.clone(), title, true)
            }
            NewTarget::Source(rel) => match site.link_table.targets.get(rel) {
                Some(path) => {
                    let folder = rel.strip_suffix("/_index.md").unwrap_or(rel);
                    let title = titles.get(folder).map(|t| t.to_string());
                    (path.clone(), title, false)
                }
                None => {
                    // A file with its own error is reported already.
                    if site.link_table.excluded.get(rel) != Some(&"") {
                        diagnostics.push(missing_source(site, row.file, row.line, rel));
                    }
                    continue;
                }
            },
        };
        all.push(Redirect {
            old: row.old.clone(),
            to,
            title,
            origin: row.file.to_string(),
            line: row.line,
            by_path,
        });
    }
    // The same old address twice: the first written wins, the others are errors.
    let mut seen: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut kept = Vec::with_capacity(all.len());
    for redirect in all {
        match seen.get(&redirect.old.key()) {
            Some(&first) => {
                let first: &Redirect = &kept[first];
                diagnostics.push(
                    Diagnostic::error(
                        &redirect.origin,
                        format!(
                            "旧网址 {} 已经在 {} 写过（{}）",
                            redirect.old.shown(),
                            first.place(),
                            if first.old.shown() == redirect.old.shown() {
                                "同一个地址".to_string()
                            } else {
                                format!("{} 与 {} 是同一个地址", first.old.shown(), redirect.old.shown())
                            }
                        ),
                    )
                    .at_line(redirect.line)
                    .hint("一个旧网址只能跳转到一个地方：删掉其中一处"),
                );
            }
            None => {
                seen.insert(redirect.old.key(), kept.len());
                kept.push(redirect);
            }
        }
    }
    kept.sort_by_key(|r| r.old.key());
    kept
}

/// The host of `base_url`, lower case.
fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or("");
    host.to_ascii_lowercase()
}

/// A full old address is the site's own when its host is the site's, with
/// or without `www.`; a path alone always is.
fn same_site(host: Option<&str>, own: &str) -> bool {
    let Some(host) = host else { return true };
    let bare = |h: &str| h.strip_prefix("www.").unwrap_or(h).to_string();
    bare(host) == bare(own)
}

fn other_host(file: &str, line: usize, url: &OldUrl, own: &str) -> Diagnostic {
    Diagnostic::error(
        file,
        format!(
            "旧网址 http://{}{} 属于另一个网站（{}），本网站（{own}）无法替它跳转",
            url.host.as_deref().unwrap_or(""),
            url.shown(),
            url.host.as_deref().unwrap_or("")
        ),
    )
    .at_line(line)
    .hint(format!(
        "如果旧域名已经指向本网站的服务器，只写域名后面的部分，例如 {}；否则删掉这一条",
        url.shown()
    ))
}

fn missing_source(site: &Site, file: &str, line: usize, rel: &str) -> Diagnostic {
    let message = format!("新网址 @/{rel} 指向的文章不存在");
    let d = Diagnostic::error(
        file,
        match site.link_table.excluded.get(rel) {
            Some(why) if !why.is_empty() => format!("新网址 @/{rel} 指向的文章不会发布（{why}）"),
            _ => message,
        },
    )
    .at_line(line);
    let names = site.link_table.targets.keys().map(String::as_str);
    match did_you_mean(rel, names) {
        Some(close) => d.hint(format!("是不是想写“@/{close}”？")),
        None => {
            d.hint("写 content/ 下文章文件的路径，例如“@/yaowen/2025-03-02-changweihui.md”，并确认文件存在、不是草稿")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_compared_without_www() {
        assert_eq!(host_of("https://www.Example.cn:8080/zx/"), "www.example.cn");
        assert!(same_site(Some("example.cn"), "www.example.cn"));
        assert!(same_site(None, "example.cn"));
        assert!(!same_site(Some("old.example.cn"), "www.example.cn"));
    }
}
