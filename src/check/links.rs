//! Links (`link-*`): every link, image and anchor in the Markdown (reported at
//! its line), and every link of every page the theme renders (reported once per
//! address, with how many pages carry it), resolved against the files a build
//! would write. Pages are rendered in memory and read with a scanner of start
//! tags ([`read_html`]); nothing is written to disk.
//!
//! External addresses are collected here and checked by [`super::external`]
//! when asked (`--external`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::Finding;
use super::prose::LinkRef;
use crate::check::rules::Rule;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::{self, Renderer};
use crate::site_paths::{normalize, percent_decode};

/// FNV-1a: short paths are looked up hundreds of thousands of times, and the
/// standard hasher (built against untrusted keys) costs more than the lookup.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FastSet<T> = HashSet<T, std::hash::BuildHasherDefault<Fnv>>;
pub type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// Every file a build writes, as paths below the output folder.
pub struct Outputs {
    files: FastSet<String>,
}

impl Outputs {
    pub fn new(site: &Site, root: &Path) -> Outputs {
        let mut files: FastSet<String> = FastSet::default();
        for path in render::page_paths(site) {
            files.insert(file_of(&path));
            // The folder form too (`yaowen/a/`), to look links up as written.
            files.insert(path);
        }
        files.extend(crate::output::plan::extra_paths(site, root));
        Outputs { files }
    }

    /// Whether `file` (or a folder `file/` with an index.html) is written. The
    /// files of the search index (`search/data/`) are named by their content,
    /// so any address there counts as written.
    pub fn contains(&self, file: &str) -> bool {
        file.starts_with(crate::output::search::FOLDER)
            || self.files.contains(file)
            || self
                .files
                .contains(&format!("{}/index.html", file.trim_end_matches('/')))
    }
}

/// `yaowen/a/` → `yaowen/a/index.html`; `` → `index.html`; files stay as they are.
pub fn file_of(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// The folder a page's relative links start from.
fn dir_of(site_path: &str) -> &str {
    if site_path.ends_with('/') {
        site_path
    } else {
        site_path.rfind('/').map_or("", |i| &site_path[..=i])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `mailto:`, `tel:`, `javascript:`…: nothing to check.
    Skip,
    External(String),
    /// A file of the site (below the output folder) and an anchor.
    Internal {
        file: String,
        fragment: Option<String>,
    },
    /// An address on the same server but outside the site's base path, or
    /// above its root.
    Outside,
}

/// Resolves `url` found on the page at `from` (a site path). In Markdown a
/// leading `/` means the site's root (the build adds the base path); in HTML it
/// means the server's root.
pub fn resolve(url: &str, from: &str, config: &SiteConfig, markdown: bool) -> Target {
    let url = url.trim();
    if url.is_empty() {
        return Target::Skip;
    }
    // Most links of rendered pages are plain paths under the base path
    // (`/yaowen/a/`): no need to decode or normalise them.
    if !markdown
        && let Some(rest) = url.strip_prefix(config.base_path.as_str())
        && !rest.starts_with('/')
        && !rest.contains(['?', '#', '%', '\\'])
        && !rest.contains("/.")
        && !rest.starts_with('.')
    {
        return Target::Internal {
            file: file_of(rest),
            fragment: None,
        };
    }
    let lower = url.to_ascii_lowercase();
    if ["mailto:", "tel:", "javascript:", "data:", "sms:", "ftp:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return Target::Skip;
    }
    let (mut path, from) = (url, from);
    let mut from_root = false;
    if lower.starts_with("http://") || lower.starts_with("https://") || url.starts_with("//") {
        let strip = |u: &str| -> String {
            let u = u.trim_start_matches("https:").trim_start_matches("http:");
            u.trim_start_matches("//").to_ascii_lowercase()
        };
        let site = strip(&config.base_url);
        let this = strip(url);
        if this.starts_with(&site) || format!("{this}/") == site {
            let skip = url.len() - this.len() + site.len().min(this.len());
            path = &url[skip.min(url.len())..];
            from_root = true;
        } else {
            return Target::External(url.to_string());
        }
    }
    let (before, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (path, None),
    };
    let before = before.split('?').next().unwrap_or(before);
    let joined = if from_root {
        before.to_string()
    } else if before.is_empty() {
        from.to_string()
    } else if let Some(absolute) = before.strip_prefix('/') {
        if markdown {
            absolute.to_string()
        } else {
            match before.strip_prefix(config.base_path.as_str()) {
                Some(rest) => rest.to_string(),
                None if config.base_path == "/" => absolute.to_string(),
                None => return Target::Outside,
            }
        }
    } else {
        format!("{}{before}", dir_of(from))
    };
    let Some(normal) = normalize(&percent_decode(&joined)) else {
        return Target::Outside;
    };
    Target::Internal {
        file: file_of(&normal),
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// The links of one Markdown file.
pub struct FileLinks {
    /// Below `content/`: `yaowen/a.md`.
    pub rel: String,
    /// As shown: `content/yaowen/a.md`.
    pub shown: String,
    pub links: Vec<LinkRef>,
}

/// An external address and where it was found.
#[derive(Debug, Clone)]
pub struct ExternalRef {
    pub url: String,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// How many rendered pages carry it (for theme links).
    pub pages: usize,
}

/// An anchor to check once the rendered pages' ids are known.
pub struct Anchor {
    pub file: String,
    pub fragment: String,
    pub finding: Finding,
}

/// What the Markdown links gave.
#[derive(Default)]
pub struct MarkdownResult {
    pub findings: Vec<Finding>,
    pub anchors: Vec<Anchor>,
    pub external: Vec<ExternalRef>,
    /// Every (file, anchor) a Markdown link points to, so that the rendered
    /// pages do not report the same link again.
    pub covered: FastSet<(String, Option<String>)>,
}

/// Resolves the links of every published Markdown file. `dirs` maps a source
/// path (`yaowen/a.md`) to the site path of its page.
pub fn check_markdown(
    files: &[FileLinks],
    dirs: &FastMap<String, String>,
    outputs: &Outputs,
    config: &SiteConfig,
) -> MarkdownResult {
    files
        .par_iter()
        .map(|file| {
            let mut result = MarkdownResult::default();
            if let Some(from) = dirs.get(&file.rel) {
                check_file_links(file, from, dirs, outputs, config, &mut result);
            }
            result
        })
        .reduce(MarkdownResult::default, |mut a, b| {
            a.findings.extend(b.findings);
            a.anchors.extend(b.anchors);
            a.external.extend(b.external);
            a.covered.extend(b.covered);
            a
        })
}

/// The links of one published file (`from` is its site path); files that are
/// not published (drafts, future dates, errors of their own) are not checked.
fn check_file_links(
    file: &FileLinks,
    from: &str,
    dirs: &FastMap<String, String>,
    outputs: &Outputs,
    config: &SiteConfig,
    result: &mut MarkdownResult,
) {
    for link in &file.links {
        if runs_script(&link.dest) {
            result.findings.push(script_link(file, link));
            continue;
        }
        if link.image && !link.dest.trim_start().starts_with("//") && !is_remote(&link.dest) {
            // Photos are the build's to find (see `model::published`): it
            // reports a missing one as an error, here as `link-image`.
            continue;
        }
        let target = if let Some(source) = link.dest.strip_prefix("@/") {
            // The build checks that the file exists; here only its anchor.
            let (path, fragment) = match source.split_once('#') {
                Some((p, f)) => (p, Some(percent_decode(f))),
                None => (source, None),
            };
            match dirs.get(path.trim_start_matches('/')) {
                Some(dir) => Target::Internal {
                    file: file_of(dir),
                    fragment: fragment.filter(|f| !f.is_empty()),
                },
                None => continue,
            }
        } else {
            resolve(&link.dest, from, config, true)
        };
        match target {
            Target::Skip => {}
            Target::External(url) => result.external.push(ExternalRef {
                url,
                file: file.shown.clone(),
                line: Some(link.line),
                column: Some(link.column),
                pages: 0,
            }),
            Target::Outside => result.findings.push(
                Finding::new(
                    if link.image {
                        Rule::LinkImage
                    } else {
                        Rule::LinkInternal
                    },
                    &file.shown,
                    format!("链接“{}”超出了网站的范围", link.dest),
                )
                .at(link.line, link.column)
                .text(link.dest.clone())
                .fix("站内链接从栏目写起，例如“/yaowen/”，或用 @/栏目/文件名.md 链接文章"),
            ),
            Target::Internal { file: target, fragment } => {
                result.covered.insert((target.clone(), fragment.clone()));
                if !outputs.contains(&target) {
                    result.findings.push(broken_markdown_link(file, link));
                } else if let Some(fragment) = fragment {
                    let finding = Finding::new(
                        Rule::LinkAnchor,
                        &file.shown,
                        format!("链接“{}”中的锚点“#{fragment}”在目标页面上不存在", link.dest),
                    )
                    .at(link.line, link.column)
                    .text(link.dest.clone())
                    .fix("锚点是目标页面上标题的文字（去掉标点），例如“#会议议程”；核对标题是否改过");
                    result.anchors.push(Anchor {
                        file: target,
                        fragment,
                        finding,
                    });
                }
            }
        }
    }
}

/// Whether an address names another site (`https://…`, `mailto:`, `data:`…).
fn is_remote(dest: &str) -> bool {
    let dest = dest.trim_start();
    dest.split_once(':')
        // `C:\照片\a.jpg` is a path on someone's computer, not a scheme.
        .is_some_and(|(scheme, _)| scheme.len() > 1 && !scheme.contains(['/', '?', '#', '\\']))
}

/// Whether following a link runs a script (`javascript:`, `vbscript:`) rather
/// than opening a page. Browsers skip spaces and control characters before an
/// address and drop tabs and line breaks inside it, so `java\tscript:` counts.
pub fn runs_script(url: &str) -> bool {
    let scheme: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take("javascript:".len())
        .collect::<String>()
        .to_ascii_lowercase();
    scheme.starts_with("javascript:") || scheme.starts_with("vbscript:")
}

fn script_link(file: &FileLinks, link: &LinkRef) -> Finding {
    let shown: String = link.dest.chars().take(40).collect();
    let more = if shown.len() < link.dest.len() { "…" } else { "" };
    Finding::new(
        Rule::LinkScript,
        &file.shown,
        format!("链接“{shown}{more}”在访客点击时运行脚本，不是打开网页或文件"),
    )
    .at(link.line, link.column)
    .text(link.dest.clone())
    .fix("链接只指向网页或文件：改成“https://”开头的网址、站内地址或 @/栏目/文件名.md；需要按钮、弹窗等功能时请网站维护人员在模板里实现")
}

fn broken_markdown_link(file: &FileLinks, link: &LinkRef) -> Finding {
    let dest = &link.dest;
    let (rule, message, fix) = if link.image {
        (
            Rule::LinkImage,
            format!("图片“{dest}”找不到"),
            "把图片放进与文章同名的文件夹（如 content/yaowen/2026-03-02-a/），或以“/”开头指 static/ 里的文件，并核对文件名和扩展名".to_string(),
        )
    } else if dest.to_lowercase().contains(".md") {
        (
            Rule::LinkInternal,
            format!("链接“{dest}”指向的文章不存在"),
            "链接站内文章请写源文件路径并以 @/ 开头，例如“@/yaowen/2026-03-02-changweihui.md”".to_string(),
        )
    } else {
        (
            Rule::LinkInternal,
            format!("链接“{dest}”指向的页面或文件不存在"),
            "核对地址；附件请放进与文章同名的文件夹，链接站内文章请用 @/栏目/文件名.md 的写法".to_string(),
        )
    };
    Finding::new(rule, &file.shown, message)
        .at(link.line, link.column)
        .text(dest.clone())
        .fix(fix)
}

/// What one rendered page holds.
struct PageScan {
    file: String,
    /// Site path of the page (for messages).
    path: String,
    /// Internal addresses that lead nowhere: (address, target file, anchor).
    broken: Vec<(String, String, Option<String>)>,
    /// Anchors on other pages: (address, target file, anchor).
    anchors: Vec<(String, String, String)>,
    ids: Vec<String>,
    external: Vec<String>,
}

/// What the rendered pages gave.
#[derive(Default)]
pub struct RenderedResult {
    /// Every id of every page, by file.
    pub ids: HashMap<String, HashSet<String>>,
    pub findings: Vec<Finding>,
    pub external: Vec<ExternalRef>,
    /// Problems rendering a page (template errors).
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
}

/// Renders every page in memory and checks its links. Links that a Markdown
/// link already covers and addresses in `reported` are left to those checks.
/// `shown` names the templates in findings.
pub fn check_rendered(
    renderer: &Renderer,
    origins: &render::templates::Origins,
    outputs: &Outputs,
    config: &SiteConfig,
    markdown: &MarkdownResult,
    reported: &HashSet<String>,
    shown: &str,
) -> RenderedResult {
    let covered = &markdown.covered;
    // Pages that Markdown links point into an anchor of.
    let wanted: HashSet<String> = markdown.anchors.iter().map(|a| a.file.clone()).collect();
    let wanted = &wanted;
    let jobs = renderer.jobs();
    let scans: Vec<Result<PageScan, Diagnostic>> = jobs
        .par_iter()
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |buffer, job| {
                buffer.clear();
                renderer
                    .render(job, &mut *buffer)
                    .map_err(|e| render::templates::template_error(&e, origins))?;
                Ok(scan_page(
                    renderer.path(job).to_string(),
                    buffer,
                    outputs,
                    config,
                    wanted,
                ))
            },
        )
        .collect();
    let mut result = RenderedResult {
        pages: scans.len(),
        ..Default::default()
    };
    // address → (first page, pages, target, anchor)
    let mut broken: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut anchors: BTreeMap<String, (String, usize, String, String)> = BTreeMap::new();
    let mut external: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for scan in scans {
        let scan = match scan {
            Ok(s) => s,
            Err(d) => {
                result.diagnostics.push(d);
                continue;
            }
        };
        for (url, target, fragment) in scan.broken {
            if url.starts_with("@/") || reported.contains(&url) || covered.contains(&(target, fragment)) {
                continue;
            }
            broken.entry(url).or_insert_with(|| (scan.path.clone(), 0)).1 += 1;
        }
        for (url, target, fragment) in scan.anchors {
            if covered.contains(&(target.clone(), Some(fragment.clone()))) {
                continue;
            }
            anchors
                .entry(url)
                .or_insert_with(|| (scan.path.clone(), 0, target, fragment))
                .1 += 1;
        }
        for url in scan.external {
            external.entry(url).or_insert_with(|| (scan.path.clone(), 0)).1 += 1;
        }
        if !scan.ids.is_empty() {
            result.ids.insert(scan.file, scan.ids.into_iter().collect());
        }
    }
    // Anchors the theme puts on other pages: read those pages' ids too.
    let missing: HashSet<&String> = anchors
        .values()
        .map(|(_, _, target, _)| target)
        .filter(|t| !result.ids.contains_key(*t))
        .collect();
    if !missing.is_empty() {
        let mut buffer = Vec::new();
        for job in &jobs {
            let file = file_of(renderer.path(job));
            if missing.contains(&file) {
                buffer.clear();
                if renderer.render(job, &mut buffer).is_ok() {
                    let ids = read_html(&buffer).1.into_iter().map(Cow::into_owned).collect();
                    result.ids.insert(file, ids);
                }
            }
        }
    }
    let page_url = |path: &str| format!("{}{path}", config.base_path);
    for (url, (first, count)) in broken {
        let pages = if count > 1 {
            format!("等 {count} 个页面")
        } else {
            String::new()
        };
        result.findings.push(
            Finding::new(
                Rule::LinkTheme,
                shown,
                format!("模板生成的链接“{url}”无法打开（出现在 {}{pages}）", page_url(&first)),
            )
            .text(url)
            .fix("在模板里查找这个地址并改正；站内地址请用 url(path=\"…\") 函数或模板数据里的 url 生成"),
        );
    }
    for (url, (first, count, target, fragment)) in anchors {
        let exists = result.ids.get(&target).is_some_and(|ids| ids.contains(&fragment));
        if !exists {
            let pages = if count > 1 {
                format!("等 {count} 个页面")
            } else {
                String::new()
            };
            result.findings.push(
                Finding::new(
                    Rule::LinkTheme,
                    shown,
                    format!(
                        "模板生成的链接“{url}”中的锚点“#{fragment}”不存在（出现在 {}{pages}）",
                        page_url(&first)
                    ),
                )
                .text(url)
                .fix("核对模板里锚点的写法，它要与目标页面上某个元素的 id 相同"),
            );
        }
    }
    result.external = external
        .into_iter()
        .map(|(url, (_, count))| ExternalRef {
            url,
            file: shown.to_string(),
            line: None,
            column: None,
            pages: count,
        })
        .collect();
    result
}

fn scan_page(path: String, html: &[u8], outputs: &Outputs, config: &SiteConfig, wanted: &HashSet<String>) -> PageScan {
    let (urls, ids) = read_html(html);
    let file = file_of(&path);
    let mut scan = PageScan {
        file: file.clone(),
        path: path.clone(),
        broken: Vec::new(),
        anchors: Vec::new(),
        ids: Vec::new(),
        external: Vec::new(),
    };
    let mut seen: FastSet<&str> = FastSet::default();
    for url in &urls {
        let url: &str = url;
        if !seen.insert(url) {
            continue;
        }
        // Most links are plain paths of pages under the base path, written
        // from the root or in full (canonical links): a lookup.
        let plain = url
            .strip_prefix(config.base_path.as_str())
            .or_else(|| url.strip_prefix(config.base_url.as_str()));
        if let Some(rest) = plain
            && !rest.contains(['?', '#', '%', '\\'])
            && outputs.files.contains(rest)
        {
            continue;
        }
        // An anchor on this page (the skip link, a table of contents).
        if let Some(fragment) = url.strip_prefix('#')
            && !fragment.contains('%')
        {
            if !fragment.is_empty() && !ids.iter().any(|id| id == fragment) {
                scan.broken
                    .push((url.to_string(), file.clone(), Some(fragment.to_string())));
            }
            continue;
        }
        match resolve(url, &path, config, false) {
            Target::Skip => {}
            Target::External(u) => scan.external.push(u),
            Target::Outside => scan.broken.push((url.to_string(), String::new(), None)),
            Target::Internal { file: target, fragment } => {
                if !outputs.contains(&target) {
                    scan.broken.push((url.to_string(), target, fragment));
                } else if let Some(fragment) = fragment {
                    if target == file {
                        if !ids.iter().any(|id| *id == fragment) {
                            scan.broken.push((url.to_string(), target, Some(fragment)));
                        }
                    } else {
                        scan.anchors.push((url.to_string(), target, fragment));
                    }
                }
            }
        }
    }
    // Only the pages that links point into keep their anchors.
    if wanted.contains(&file) {
        scan.ids = ids.into_iter().map(Cow::into_owned).collect();
    }
    scan
}

/// The addresses (`href` of a, link, area; `src` of img, script, source,
/// iframe, video, audio, embed) and the anchors (`id`, and `name` of a) of a
/// page, in document order.
///
/// The pages are the theme's own output, just rendered, so a scanner of start
/// tags is enough; it runs at several hundred MB/s, where a full HTML rewriter
/// (lol_html) read the 10,000-page benchmark site at under 70 MB/s and made
/// `check` slower than `build`. Tests compare the two on real pages.
pub fn read_html(bytes: &[u8]) -> (Vec<Cow<'_, str>>, Vec<Cow<'_, str>>) {
    let mut urls = Vec::new();
    let mut ids = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            at = memchr::memmem::find(&rest[3..], b"-->").map_or(bytes.len(), |i| lt + 4 + i + 3);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            at = lt + 1;
            continue;
        }
        let name_len = rest.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        let name = &rest[..name_len];
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        let href_tag = is(b"a") || is(b"link") || is(b"area");
        let src_tag = ["img", "script", "source", "iframe", "video", "audio", "embed"]
            .iter()
            .any(|t| is(t.as_bytes()));
        let mut i = lt + 1 + name_len;
        // Attributes up to the end of the tag.
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let attr_start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = &bytes[attr_start..i];
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'=' {
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (start, end) = if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let start = i + 1;
                let end = memchr::memchr(quote, &bytes[start..]).map_or(bytes.len(), |e| start + e);
                i = (end + 1).min(bytes.len());
                (start, end)
            } else {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                (start, i)
            };
            let list =
                if (href_tag && attr.eq_ignore_ascii_case(b"href")) || (src_tag && attr.eq_ignore_ascii_case(b"src")) {
                    &mut urls
                } else if attr.eq_ignore_ascii_case(b"id") || (is(b"a") && attr.eq_ignore_ascii_case(b"name")) {
                    &mut ids
                } else {
                    continue;
                };
            // Only the values are decoded (they are valid UTF-8: the page was
            // rendered from Rust strings), not the whole page.
            let slice = &bytes[start..end];
            let value = match std::str::from_utf8(slice) {
                Ok(v) => Cow::Borrowed(v),
                Err(_) => String::from_utf8_lossy(slice),
            };
            list.push(if value.contains('&') {
                Cow::Owned(decode_attribute(&value))
            } else {
                value
            });
        }
        at = (i + 1).min(bytes.len());
        // The text of scripts and styles is not HTML.
        if is(b"script") || is(b"style") {
            let close: &[u8] = if is(b"script") { b"</script" } else { b"</style" };
            at = memchr::memmem::find(&bytes[at..], close).map_or(bytes.len(), |e| at + e);
        }
    }
    (urls, ids)
}

fn decode_attribute(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> SiteConfig {
        crate::config::parse(
            &format!("title: a\nbase_url: {base}\n"),
            &crate::config::Overrides::default(),
        )
        .unwrap()
    }

    fn internal(file: &str, fragment: Option<&str>) -> Target {
        Target::Internal {
            file: file.into(),
            fragment: fragment.map(String::from),
        }
    }

    fn owned(html: &[u8]) -> (Vec<String>, Vec<String>) {
        let (urls, ids) = read_html(html);
        let own = |v: Vec<Cow<str>>| v.into_iter().map(Cow::into_owned).collect();
        (own(urls), own(ids))
    }

    fn without_noscript(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(start) = rest.find("<noscript>") {
            out.push_str(&rest[..start]);
            rest = rest[start..].split_once("</noscript>").map_or("", |(_, after)| after);
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn links_inside_noscript_are_read() {
        let (urls, _) = owned(b"<noscript><p><a href=\"/sitemap/\">map</a></p></noscript>");
        assert_eq!(urls, ["/sitemap/"]);
    }

    /// The same addresses and anchors as a real HTML parser (html5ever, in
    /// `scraper`) finds, in document order. The parser decodes character
    /// references itself, which checks the scanner's decoding too.
    fn with_a_parser(html: &[u8]) -> (Vec<String>, Vec<String>) {
        let document = scraper::Html::parse_document(std::str::from_utf8(html).unwrap());
        let mut urls = Vec::new();
        let mut ids = Vec::new();
        for element in document
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let element = element.value();
            let link = match element.name() {
                "a" | "link" | "area" => element.attr("href"),
                "img" | "script" | "source" | "iframe" | "video" | "audio" | "embed" => element.attr("src"),
                _ => None,
            };
            urls.extend(link.map(str::to_string));
            let anchor = element
                .attr("id")
                .or_else(|| element.attr("name").filter(|_| element.name() == "a"));
            ids.extend(anchor.map(str::to_string));
        }
        (urls, ids)
    }

    #[test]
    fn the_scanner_reads_what_an_html_parser_reads() {
        let tricky = r##"<!DOCTYPE html><html><head><link rel="stylesheet" href="/css/site.css?v=1&amp;x=2">
<script>if (a < b) { document.write('<a href="/nope/">'); }</script><style>a<b{}</style></head>
<body><!-- <a href="/comment/"> --><a HREF='/a/' id=top class="x">甲</a><img alt="" src=/b.png>
<p>3 < 4 and <em>x</em></p><h2 id="会议议程">会议议程</h2><a name="old"></a><a href="#会议议程">乙</a></body></html>"##
            .as_bytes();
        assert_eq!(owned(tricky), with_a_parser(tricky));
        let (urls, ids) = owned(tricky);
        assert_eq!(urls, ["/css/site.css?v=1&x=2", "/a/", "/b.png", "#会议议程"]);
        assert_eq!(ids, ["top", "会议议程", "old"]);
        // Every page of the sample site.
        let out = tempfile::tempdir().unwrap();
        let options = crate::BuildOptions {
            output: Some(out.path().join("public")),
            ..crate::BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
        };
        crate::build(&options).unwrap();
        let mut pages = 0;
        for entry in walkdir::WalkDir::new(out.path()).into_iter().filter_map(Result::ok) {
            if entry.path().extension().is_some_and(|e| e == "html") {
                // The parser reads <noscript> as text (a browser with scripts
                // does too); the scanner also checks the links in it, which
                // readers without scripts follow. Compare the rest.
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let html = without_noscript(&text);
                assert_eq!(
                    owned(html.as_bytes()),
                    with_a_parser(html.as_bytes()),
                    "{}",
                    entry.path().display()
                );
                pages += 1;
            }
        }
        assert!(pages > 100);
    }

    #[test]
    fn script_links_are_recognised_as_a_browser_would() {
        for url in [
            "javascript:void(0)",
            "  JavaScript:x",
            "java\tscript:x",
            "\u{1}vbscript:msgbox",
            "jav\nascript:",
        ] {
            assert!(runs_script(url), "{url:?}");
        }
        for url in [
            "/javascript/",
            "https://a.cn/javascript:x",
            "javascript",
            "mailto:a@b.cn",
            "",
            "java script:x",
        ] {
            assert!(!runs_script(url), "{url:?}");
        }
    }

    #[test]
    fn resolves_like_a_browser() {
        let c = config("https://x.example.cn/zx/");
        assert_eq!(
            resolve("photo.jpg", "yaowen/a/", &c, true),
            internal("yaowen/a/photo.jpg", None)
        );
        assert_eq!(
            resolve("../b/", "yaowen/a/", &c, true),
            internal("yaowen/b/index.html", None)
        );
        assert_eq!(
            resolve("/tongzhi/", "yaowen/a/", &c, true),
            internal("tongzhi/index.html", None)
        );
        assert_eq!(
            resolve("/zx/tongzhi/#x", "", &c, false),
            internal("tongzhi/index.html", Some("x"))
        );
        assert_eq!(resolve("/tongzhi/", "", &c, false), Target::Outside);
        assert_eq!(
            resolve("#议程", "yaowen/a/", &c, false),
            internal("yaowen/a/index.html", Some("议程"))
        );
        assert_eq!(
            resolve("https://x.example.cn/zx/yaowen/", "", &c, false),
            internal("yaowen/index.html", None)
        );
        assert_eq!(
            resolve("https://x.example.cn/zx", "", &c, false),
            internal("index.html", None)
        );
        assert_eq!(
            resolve("https://www.gov.cn/", "", &c, false),
            Target::External("https://www.gov.cn/".into())
        );
        assert_eq!(resolve("mailto:a@b.cn", "", &c, false), Target::Skip);
        assert_eq!(
            resolve("%E9%99%84%E4%BB%B6.pdf", "a/", &c, true),
            internal("a/附件.pdf", None)
        );
        assert_eq!(resolve("../../../x", "a/", &c, true), Target::Outside);
        assert_eq!(
            resolve("css/site.css?v=2", "404.html", &c, false),
            internal("css/site.css", None)
        );
    }
}
