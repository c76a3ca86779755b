//! The files of the old addresses (`Site::redirects`): a small redirect page
//! at each old address that can be a file, which works on any static host,
//! and the rules for servers that can answer a real 301 (nginx, Apache) in
//! `_tongxin/` ([`RULES_FOLDER`]). An old address with a
//! query string (`/news/show.asp?id=1`) cannot be a file: only the rules
//! redirect it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::content::text::escape_html;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::model::Site;
use crate::model::redirects::Redirect;
use crate::old_urls::RULES_FOLDER;

use super::static_files::StaticFile;

/// The nginx rules, to `include` inside a `server { }` block.
pub fn nginx_file() -> String {
    format!("{RULES_FOLDER}/redirects.nginx.conf")
}

/// The Apache rules, to `Include` inside a `<VirtualHost>`.
pub fn apache_file() -> String {
    format!("{RULES_FOLDER}/redirects.apache.conf")
}

/// Every file the old addresses make, as (path below the output, text):
/// the redirect pages, then the two rule files. A site without old
/// addresses has none.
pub fn files(site: &Site) -> Vec<(String, String)> {
    if site.redirects.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = site
        .redirects
        .iter()
        .filter_map(|r| Some((r.old.file()?, page(site, r))))
        .collect();
    out.push((nginx_file(), nginx(site)));
    out.push((apache_file(), apache(site)));
    out
}

/// The paths of [`files`], for `check` and the output plan.
pub fn paths(site: &Site) -> Vec<String> {
    if site.redirects.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = site.redirects.iter().filter_map(|r| r.old.file()).collect();
    out.push(nginx_file());
    out.push(apache_file());
    out
}

/// A redirect page: refreshes at once to the new address, tells search
/// engines where the page is now and not to list this one, and shows a link
/// for a browser that does not follow the refresh.
pub fn page(site: &Site, r: &Redirect) -> String {
    let href = escape_html(&format!("{}{}", site.config.base_path, r.to));
    let canonical = escape_html(&format!("{}{}", site.config.base_url, r.to));
    let shown = escape_html(
        r.title
            .as_deref()
            .unwrap_or(&format!("{}{}", site.config.base_url, r.to)),
    );
    let site_title = escape_html(&site.config.title);
    let lang = escape_html(&site.config.language);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>本页已迁移 - {site_title}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n</head>\n<body>\n<main>\n<h1>本页已迁移</h1>\n\
         <p>本页已迁移到<a href=\"{href}\">{shown}</a>。</p>\n</main>\n</body>\n</html>\n"
    )
}

/// The address paths an old address answers on the server (below the
/// host): a folder with and without its final `/`.
fn server_paths(site: &Site, r: &Redirect) -> Vec<String> {
    let base = site.config.base_path.trim_end_matches('/');
    let path = format!("{base}{}", r.old.path);
    if r.old.query.is_none() && r.old.is_folder() {
        let bare = path.trim_end_matches('/').to_string();
        vec![format!("{bare}/"), bare]
    } else {
        vec![path]
    }
}

/// Per server path: the redirects by query string (in order), and the one
/// for the path alone.
type ByPath = BTreeMap<String, (Vec<(String, String)>, Option<String>)>;

fn by_path(site: &Site) -> ByPath {
    let mut map: ByPath = BTreeMap::new();
    for r in &site.redirects {
        let to = format!("{}{}", site.config.base_path, r.to);
        for path in server_paths(site, r) {
            let entry = map.entry(path).or_default();
            match &r.old.query {
                Some(q) => entry.0.push((q.clone(), to.clone())),
                None => entry.1 = Some(to.clone()),
            }
        }
    }
    map
}

const HEADER: &str = "# 同心（tongxin build）生成的旧网址跳转规则，每次生成时重写，请不要手工修改。\n\
# 旧网址写在文章的 aliases（旧网址）里，或网站根目录的 redirects.csv / redirects.yaml 里。\n\
# 跳转时不带旧网址“?”后面的部分。\n";

/// The nginx rules: an exact `location` per old path, a `$args` test per
/// query string; the folder of the rules answers 404.
pub fn nginx(site: &Site) -> String {
    let base = site.config.base_path.trim_end_matches('/');
    let mut out = String::from(HEADER);
    out.push_str(&format!(
        "# 用法：在 nginx 的 server {{ }} 里加一行\n#   include /网站输出文件夹/{RULES_FOLDER}/redirects.nginx.conf;\n\n\
         # 规则文件所在的文件夹不对外提供。\nlocation ^~ \"{base}/{RULES_FOLDER}/\" {{\n    return 404;\n}}\n"
    ));
    for (path, (queries, plain)) in by_path(site) {
        out.push_str(&format!("\nlocation = \"{path}\" {{\n"));
        for (query, to) in &queries {
            out.push_str(&format!(
                "    if ($args = \"{query}\") {{\n        return 301 \"{to}\";\n    }}\n"
            ));
        }
        if let Some(to) = plain {
            out.push_str(&format!("    return 301 \"{to}\";\n"));
        }
        out.push_str("}\n");
    }
    out
}

/// The Apache rules (mod_rewrite, in the server's configuration): a
/// `RewriteRule` per old path, after a `RewriteCond` on the query string
/// when it has one; the folder of the rules is refused.
pub fn apache(site: &Site) -> String {
    let base = site.config.base_path.trim_end_matches('/');
    let mut out = String::from(HEADER);
    out.push_str(&format!(
        "# 用法：在 Apache 的 <VirtualHost> 里加一行（需要启用 mod_rewrite）\n#   Include /网站输出文件夹/{RULES_FOLDER}/redirects.apache.conf\n\n\
         <Location \"{base}/{RULES_FOLDER}/\">\n    Require all denied\n</Location>\n\n\
         <IfModule mod_rewrite.c>\nRewriteEngine On\n"
    ));
    for (path, (queries, plain)) in by_path(site) {
        let pattern = regex_escape(&path);
        for (query, to) in &queries {
            out.push_str(&format!(
                "RewriteCond %{{QUERY_STRING}} ^{}$\nRewriteRule ^{pattern}$ \"{to}\" [R=301,L,QSD]\n",
                regex_escape(query)
            ));
        }
        if let Some(to) = plain {
            out.push_str(&format!("RewriteRule ^{pattern}$ \"{to}\" [R=301,L,QSD]\n"));
        }
    }
    out.push_str("</IfModule>\n");
    out
}

/// Escapes the characters that mean something in a regular expression.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ".+*?()[]{}|^$\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The errors that need the site's output: an old address whose redirect
/// page would be a page, a generated file or a static file of the site, and
/// a table row whose new path leads nowhere.
pub fn report(site: &Site, statics: &[StaticFile], root: &Path, diagnostics: &Diagnostics) {
    if site.redirects.is_empty() {
        return;
    }
    // Every file of the output, and what makes it.
    let mut owners: HashMap<String, String> = HashMap::new();
    let page_sources: HashMap<&str, String> = site
        .pages
        .iter()
        .map(|p| (p.path.as_str(), display_path(&p.shown)))
        .chain(
            site.columns
                .iter()
                .map(|c| (c.path.as_str(), format!("content/{}/_index.md", c.folder))),
        )
        .collect();
    for path in crate::render::page_paths(site) {
        let owner = match page_sources.get(path.as_str()) {
            Some(source) => format!("{source} 的页面 /{path}"),
            None => format!("系统生成的页面 /{path}"),
        };
        owners.insert(file_of(&path), owner);
    }
    for path in super::plan::generated_paths(site) {
        owners.insert(path.clone(), format!("系统生成的文件 /{path}"));
    }
    for (src, dest) in statics {
        let shown = display_path(src.strip_prefix(root).unwrap_or(src));
        owners.insert(dest.clone(), format!("静态文件 {shown}"));
    }
    for r in &site.redirects {
        // A path the rules alone redirect (`/a.pdf`) hides a file as much as
        // a redirect page does.
        let file = r
            .old
            .file()
            .or_else(|| r.old.query.is_none().then(|| r.old.path[1..].to_string()));
        if let Some(file) = file
            && let Some(owner) = owners.get(&file)
        {
            diagnostics.push(
                Diagnostic::error(&r.origin, format!("旧网址 {} 与{owner}是同一个地址", r.old.shown()))
                    .at_line(r.line)
                    .hint("旧网址不能是本网站现有页面或文件的地址：删掉这个旧网址，或给那个页面（文件）换个名字"),
            );
        }
        if r.by_path {
            let target = r.to.as_str();
            let exists = target.is_empty()
                || owners.contains_key(&file_of(target))
                || owners.contains_key(&format!("{}/index.html", target.trim_end_matches('/')));
            if !exists {
                diagnostics.push(
                    Diagnostic::error(
                        &r.origin,
                        format!("旧网址 {} 要跳转到的 /{target} 在本网站里不存在", r.old.shown()),
                    )
                    .at_line(r.line)
                    .hint("打开本地预览（tongxin serve）找到那篇文章，复制地址栏里域名后面的部分；更稳妥的是写“@/栏目/文章.md”"),
                );
            }
        }
    }
}

/// `yaowen/a/` → `yaowen/a/index.html`; files stay as they are.
fn file_of(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_characters_are_escaped() {
        assert_eq!(regex_escape("/a.asp?id=(1)"), "/a\\.asp\\?id=\\(1\\)");
    }
}
