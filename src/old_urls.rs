//! Old addresses (旧网址): the paths a committee's previous site had, which
//! the new site redirects to its pages. They come from a post's `aliases`
//! (旧网址) and from the table `redirects.csv` / `redirects.yaml` at the site
//! root; this module reads and checks one old address or one table file. The
//! model resolves where each one goes (`model::redirects`), the output writes
//! the redirect pages and the server rules (`output::redirects`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The table files, at the site root, in the order they are read.
pub const TABLE_FILES: [&str; 2] = ["redirects.csv", "redirects.yaml"];

/// The output folder of the server rules; never an old address.
pub const RULES_FOLDER: &str = "_tongxin";

/// Extensions of old pages that get a redirect page under their own name.
/// Other files (`.pdf`, `.doc`…) would be served as what their name says,
/// so they are redirected by the server rules only.
const PAGE_EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "asp", "aspx", "php", "jsp", "do", "action", "cgi",
];

/// Characters an old address may not hold: they would break the server rules
/// or are not part of an address at all.
const FORBIDDEN: &[char] = &['"', '\'', '\\', '<', '>', '`', '{', '}', ';', '$', '|', '^', '#'];

/// One old address: a path below the site's address (always starting with
/// `/`, percent-escapes decoded) and the query string after `?`, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OldUrl {
    pub path: String,
    pub query: Option<String>,
    /// The host, when it was written as a full address (`http://host/…`);
    /// the model makes sure it is the site's own.
    pub host: Option<String>,
}

/// An old address written in a post, with its line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub url: OldUrl,
    pub line: usize,
}

/// Where a table row sends its old address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewTarget {
    /// `@/yaowen/a.md`: a source file below `content/`.
    Source(String),
    /// `/yaowen/a/`: a path of the site, below its address (no leading `/`).
    Path(String),
}

/// A row of a table file.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub old: OldUrl,
    pub target: NewTarget,
    /// The table file's name (`redirects.csv`).
    pub file: &'static str,
    pub line: usize,
}

/// What is wrong with a value: (message, how to fix).
pub type Problem = (String, String);

impl OldUrl {
    /// Reads an old address as a user writes it: `/html/2019/0312/1234.html`,
    /// `/news/show.asp?id=1234`, `/zxyw/123/`, or a full address
    /// `http://www.example.gov.cn/x.html` (its path is taken).
    pub fn parse(text: &str) -> Result<OldUrl, Problem> {
        let text = text.trim();
        let example = "写成旧网站里域名后面的部分，以“/”开头，例如 /html/2019/0312/1234.html 或 /news/show.asp?id=1234";
        if text.is_empty() {
            return Err(("旧网址是空的".into(), example.into()));
        }
        let (host, rest) = match split_scheme(text) {
            Some((host, rest)) => (Some(host), rest),
            None => (None, text),
        };
        if host.as_deref() == Some("") {
            return Err((format!("旧网址“{text}”缺少域名"), example.into()));
        }
        let rest = if host.is_some() && rest.is_empty() { "/" } else { rest };
        if !rest.starts_with('/') {
            return Err((format!("旧网址“{text}”不是以“/”开头的网址路径"), example.into()));
        }
        if let Some(c) = rest.chars().find(|c| c.is_whitespace() || c.is_control()) {
            let what = if c.is_whitespace() { "空格" } else { "控制字符" };
            return Err((
                format!("旧网址“{text}”中有{what}"),
                "网址里不能有空格；空格在网址中写作 %20，请照旧网站地址栏里的样子复制".into(),
            ));
        }
        if let Some(c) = rest.chars().find(|c| FORBIDDEN.contains(c)) {
            let hint = if c == '#' {
                "“#”后面是页内位置，服务器收不到，跳转用不上：删掉“#”和它后面的部分".to_string()
            } else if c == '\\' {
                "网址用“/”分隔，不用“\\”".to_string()
            } else {
                format!("网址中的“{c}”请写成百分号编码（如 %24），或确认是否复制错了")
            };
            return Err((format!("旧网址“{text}”中有不能用的字符“{c}”"), hint));
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query).filter(|q| !q.is_empty())),
            None => (rest, None),
        };
        let path = percent_decode(path).ok_or_else(|| {
            (
                format!("旧网址“{text}”中的百分号编码（%）不完整或不是 UTF-8 文字"),
                "照旧网站地址栏里的样子完整复制网址，或把 %xx 换回原来的文字".to_string(),
            )
        })?;
        if let Some(c) = path
            .chars()
            .find(|c| FORBIDDEN.contains(c) || c.is_whitespace() || c.is_control())
        {
            return Err((
                format!("旧网址“{text}”解码后含有不能用的字符“{}”", c.escape_default()),
                "这样的地址无法生成跳转，请删掉这一条，或请技术人员在服务器上单独设置".into(),
            ));
        }
        let segments: Vec<&str> = path[1..].split('/').collect();
        let last = segments.len() - 1;
        for (i, segment) in segments.iter().enumerate() {
            if *segment == ".." || *segment == "." {
                return Err((
                    format!("旧网址“{text}”中有“{segment}”"),
                    "旧网址要写完整的路径，不能用“.”或“..”表示当前或上一级文件夹".into(),
                ));
            }
            if segment.is_empty() && i != last {
                return Err((format!("旧网址“{text}”中有连续的“//”"), "把“//”改成一个“/”".into()));
            }
        }
        if path == "/" {
            return Err((
                format!("旧网址“{text}”是网站首页"),
                "首页的网址不变，不需要跳转：删掉这一条".into(),
            ));
        }
        if segments[0] == RULES_FOLDER {
            return Err((
                format!("旧网址“{text}”在 /{RULES_FOLDER}/ 下"),
                format!("/{RULES_FOLDER}/ 用来存放同心生成的服务器跳转规则，不能作为旧网址"),
            ));
        }
        if let Some(q) = query
            && q.contains('?')
        {
            return Err((
                format!("旧网址“{text}”中有两个“?”"),
                "照旧网站地址栏里的样子完整复制网址".into(),
            ));
        }
        Ok(OldUrl {
            path,
            query: query.map(str::to_string),
            host: host.map(|h| h.to_ascii_lowercase()),
        })
    }

    /// The address as shown to the user: `/news/show.asp?id=1`.
    pub fn shown(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// Whether the path names a folder (`/zxyw/123/`, `/zxyw/123`): the
    /// redirect page is `index.html` inside it.
    pub fn is_folder(&self) -> bool {
        let last = self.path.rsplit('/').next().unwrap_or("");
        last.is_empty() || extension(last).is_none()
    }

    /// The redirect page's file below the output folder, when it has one. An
    /// address with a query string has none (a file cannot be named by its
    /// query), nor has a file that is not a page (`.pdf`): the server rules
    /// redirect those.
    pub fn file(&self) -> Option<String> {
        if self.query.is_some() {
            return None;
        }
        let rel = &self.path[1..];
        if self.is_folder() {
            let folder = rel.trim_end_matches('/');
            return Some(format!("{folder}/index.html"));
        }
        let last = rel.rsplit('/').next().unwrap_or(rel);
        let ext = extension(last)?.to_ascii_lowercase();
        PAGE_EXTENSIONS.contains(&ext.as_str()).then(|| rel.to_string())
    }

    /// What makes two old addresses the same: `/a/` and `/a` lead to the
    /// same redirect page.
    pub fn key(&self) -> (String, Option<String>) {
        let path = if self.is_folder() {
            self.path.trim_end_matches('/').to_string()
        } else {
            self.path.clone()
        };
        (path, self.query.clone())
    }
}

/// `http://host/rest` → (host, `/rest`); `None` when `text` is not a full address.
fn split_scheme(text: &str) -> Option<(String, &str)> {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let after = if lower.starts_with("http://") {
        &text[7..]
    } else if lower.starts_with("https://") {
        &text[8..]
    } else {
        text.strip_prefix("//")?
    };
    let end = after.find(['/', '?']).unwrap_or(after.len());
    let host = after[..end].rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").to_string();
    Some((host, &after[end..]))
}

/// The extension of a file name (`a.html` → `html`), none for `a` or `.a`.
fn extension(name: &str) -> Option<&str> {
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => Some(&name[i + 1..]),
        _ => None,
    }
}

/// Decodes `%xx` escapes; `None` when one is broken or the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl NewTarget {
    /// Reads the new side of a table row: `@/yaowen/a.md` (a post, found by
    /// its file) or `/yaowen/a/` (a path of this site).
    pub fn parse(text: &str) -> Result<NewTarget, Problem> {
        let text = text.trim();
        let example = "写“@/栏目文件夹/文章文件名.md”（推荐，文章改网址也能跟上），或本网站的网址路径，例如 /yaowen/2025-03-02-changweihui/";
        if text.is_empty() {
            return Err(("新网址是空的".into(), example.into()));
        }
        if let Some(source) = text.strip_prefix("@/") {
            if source.is_empty() || source.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
                return Err((format!("新网址“{text}”不是文章文件的路径"), example.into()));
            }
            return Ok(NewTarget::Source(source.to_string()));
        }
        if split_scheme(text).is_some() {
            return Err((
                format!("新网址“{text}”是完整网址"),
                "新网址只能是本网站的页面：写“@/栏目/文章.md”，或以“/”开头的网址路径（不带域名）".into(),
            ));
        }
        let Some(path) = text.strip_prefix('/') else {
            return Err((format!("新网址“{text}”不是以“/”或“@/”开头"), example.into()));
        };
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(&c) || c == '?')
        {
            return Err((
                format!("新网址“{text}”中有不能用的字符"),
                "新网址只写本网站页面的路径，不带空格、引号、“?”和“#”".into(),
            ));
        }
        if path.split('/').any(|s| s == "." || s == "..") || path.contains("//") {
            return Err((format!("新网址“{text}”中有“.”“..”或“//”"), example.into()));
        }
        Ok(NewTarget::Path(path.to_string()))
    }
}

/// Reads the table files at the site root (those that exist). Problems go
/// to `diagnostics`; the rows that could be read are returned.
pub fn load_tables(root: &Path, diagnostics: &Diagnostics) -> Vec<TableRow> {
    let mut rows = Vec::new();
    for name in TABLE_FILES {
        let path = root.join(name);
        if !path.is_file() {
            continue;
        }
        let Some(text) = crate::encoding::read_reporting(&path, Path::new(name), |d| {
            // A GBK table is what Excel saves: read without a warning.
            if d.is_error() {
                diagnostics.push(d);
            }
        }) else {
            continue;
        };
        let mut problems = Vec::new();
        if name.ends_with(".csv") {
            rows.extend(parse_csv(&text, name, &mut problems));
        } else {
            rows.extend(parse_yaml(&text, name, &mut problems));
        }
        diagnostics.extend(problems);
    }
    rows
}

/// The bytes of the table files, for the engine to notice a change.
pub fn tables_bytes(root: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in TABLE_FILES {
        if let Ok(bytes) = std::fs::read(root.join(name)) {
            all.extend_from_slice(name.as_bytes());
            all.extend_from_slice(&bytes);
        }
    }
    all
}

fn row(old: &str, new: &str, file: &'static str, line: usize, problems: &mut Vec<Diagnostic>) -> Option<TableRow> {
    let old_url = OldUrl::parse(old);
    let target = NewTarget::parse(new);
    for (message, hint) in [old_url.as_ref().err(), target.as_ref().err()].into_iter().flatten() {
        problems.push(
            Diagnostic::error(file, message.clone())
                .at_line(line)
                .hint(hint.clone()),
        );
    }
    Some(TableRow {
        old: old_url.ok()?,
        target: target.ok()?,
        file,
        line,
    })
}

/// `redirects.csv`: two columns, 旧网址 and 新网址, an optional first row of
/// titles, further columns (a note) ignored; `#` starts a comment line.
/// Excel writes a cell with a comma or a quote in quotes.
pub fn parse_csv(text: &str, file: &'static str, problems: &mut Vec<Diagnostic>) -> Vec<TableRow> {
    let mut rows = Vec::new();
    // A title row may only be the first that is not empty or a comment.
    let first = text
        .lines()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        // Typed by hand with a Chinese input method: a full-width comma.
        let separator = if !line.contains(',') && line.contains('，') {
            '，'
        } else {
            ','
        };
        let Some(cells) = csv_cells(line, separator) else {
            problems.push(
                Diagnostic::error(file, "这一行的英文引号没有配对")
                    .at_line(number)
                    .hint("网址不需要加引号：删掉引号；或者用 Excel 打开再另存为 CSV"),
            );
            continue;
        };
        let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if first == Some(i) && is_title_row(cells[0]) {
            continue;
        }
        if cells.len() < 2 || cells[1].is_empty() {
            problems.push(
                Diagnostic::error(file, format!("这一行只有旧网址“{}”，没有写新网址", cells[0]))
                    .at_line(number)
                    .hint("每行写“旧网址,新网址”，中间用逗号隔开，例如 /html/2019/1234.html,@/yaowen/2025-03-02-changweihui.md"),
            );
            continue;
        }
        rows.extend(row(cells[0], cells[1], file, number, problems));
    }
    rows
}

fn is_title_row(first: &str) -> bool {
    let first = first.trim_matches('"').to_ascii_lowercase();
    matches!(
        first.as_str(),
        "旧网址" | "旧地址" | "old" | "from" | "old_url" | "原网址"
    )
}

/// Splits one CSV line; `None` when a quote is not closed.
fn csv_cells(line: &str, separator: char) -> Option<Vec<String>> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == '"' && cell.trim().is_empty() {
            cell.clear();
            quoted = true;
        } else if c == separator {
            cells.push(std::mem::take(&mut cell));
        } else {
            cell.push(c);
        }
    }
    if quoted {
        return None;
    }
    cells.push(cell);
    Some(cells)
}

/// `redirects.yaml`: one line per old address, `旧网址: 新网址`.
pub fn parse_yaml(text: &str, file: &'static str, problems: &mut Vec<Diagnostic>) -> Vec<TableRow> {
    let value = match crate::yaml::parse(text, Path::new(file), 1) {
        Ok(v) => v,
        Err(errors) => {
            problems.extend(errors);
            return Vec::new();
        }
    };
    let map = match value {
        serde_json::Value::Object(map) => map,
        serde_json::Value::Null => return Vec::new(),
        _ => {
            problems.push(
                Diagnostic::error(file, "内容不是“旧网址: 新网址”的列表")
                    .at_line(1)
                    .hint("每行写一条，例如“/html/2019/1234.html: \"@/yaowen/2025-03-02-changweihui.md\"”（以 @ 开头的新网址要加英文引号）"),
            );
            return Vec::new();
        }
    };
    let mut rows = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (old, new) in map {
        // The key's line: the line that starts with it (keys are unique).
        let line = lines
            .iter()
            .position(|l| {
                let l = l.trim_start().trim_start_matches(['"', '\'']);
                l.strip_prefix(old.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with([':', '：', '"', '\'']))
            })
            .map_or(1, |i| i + 1);
        let Some(new) = crate::yaml::read::string(&new) else {
            problems.push(
                Diagnostic::error(file, format!("旧网址“{old}”后面的新网址不是一段文字"))
                    .at_line(line)
                    .hint("冒号后面写一个新网址，例如“\"@/yaowen/2025-03-02-changweihui.md\"”"),
            );
            continue;
        };
        rows.extend(row(&old, &new, file, line, problems));
    }
    // In the order written, so that of two rows the first one wins.
    rows.sort_by_key(|r| r.line);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old(text: &str) -> OldUrl {
        OldUrl::parse(text).unwrap()
    }

    #[test]
    fn old_addresses_and_their_files() {
        assert_eq!(
            old("/html/2019/0312/1234.html").file().as_deref(),
            Some("html/2019/0312/1234.html")
        );
        assert_eq!(old("/zxyw/123/").file().as_deref(), Some("zxyw/123/index.html"));
        assert_eq!(old("/zxyw/123").file().as_deref(), Some("zxyw/123/index.html"));
        assert_eq!(old("/zxyw/123").key(), old("/zxyw/123/").key());
        assert_eq!(old("/news/show.asp?id=1234").file(), None);
        assert_eq!(old("/news/show.asp?id=1234").query.as_deref(), Some("id=1234"));
        assert_eq!(old("/files/a.pdf").file(), None);
        assert_eq!(old("/News/Show.ASP").file().as_deref(), Some("News/Show.ASP"));
        let full = old("http://Old.Example.gov.cn/x.html?a=1");
        assert_eq!(
            (full.host.as_deref(), full.path.as_str()),
            (Some("old.example.gov.cn"), "/x.html")
        );
        assert_eq!(old("/%E6%96%B0%E9%97%BB/1.html").path, "/新闻/1.html");
    }

    #[test]
    fn bad_old_addresses_say_why() {
        for bad in [
            "",
            "html/a.html",
            "/a/../b.html",
            "/a b.html",
            "/a.html#top",
            "/",
            "/a//b.html",
            "/%E6%96.html",
            "/_tongxin/x.html",
            "/a\\b.html",
            "/a?b?c",
            "http:///a.html",
        ] {
            let (message, hint) = OldUrl::parse(bad).unwrap_err();
            assert!(!message.is_empty() && !hint.is_empty(), "{bad}");
        }
    }

    #[test]
    fn new_targets() {
        assert_eq!(
            NewTarget::parse("@/yaowen/a.md"),
            Ok(NewTarget::Source("yaowen/a.md".into()))
        );
        assert_eq!(NewTarget::parse("/yaowen/a/"), Ok(NewTarget::Path("yaowen/a/".into())));
        assert!(NewTarget::parse("https://x.cn/a/").is_err());
        assert!(NewTarget::parse("yaowen/a/").is_err());
        assert!(NewTarget::parse("@/../a.md").is_err());
    }

    #[test]
    fn csv_rows_titles_quotes_and_errors() {
        let text = "旧网址,新网址,备注\n/a.html,@/yaowen/a.md,第一条\n\n# 注释\n\"/news/show.asp?id=1,2\",/yaowen/\n/b.html\n/c.html，/yaowen/\n\"/d.html,/x/\n";
        let mut problems = Vec::new();
        let rows = parse_csv(text, "redirects.csv", &mut problems);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].old.query.as_deref(), Some("id=1,2"));
        assert_eq!(rows[2].old.path, "/c.html");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, Some(6));
        assert_eq!(problems[1].line, Some(8));
    }

    #[test]
    fn yaml_rows_with_lines() {
        let text = "# 旧网址: 新网址\n/a.html: \"@/yaowen/a.md\"\n\"/news/show.asp?id=9\": /yaowen/\n/c.html: [1]\n";
        let mut problems = Vec::new();
        let rows = parse_yaml(text, "redirects.yaml", &mut problems);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(4));
    }
}
