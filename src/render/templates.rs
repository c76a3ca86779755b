//! Finding and loading templates: the site's own `templates/` first, then the
//! theme's `themes/<theme>/templates/`. Every template with a syntax error is
//! reported (with its file and line), not just the first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, display_path};

/// Templates every site needs; a missing one is an error before anything is written.
pub const REQUIRED: &[&str] = &[
    "index.html",
    "column.html",
    "article.html",
    "taxonomy.html",
    "taxonomy_index.html",
    "404.html",
    "sitemap.html",
    "search.html",
];

/// Where each template came from, to name the file in errors.
pub type Origins = BTreeMap<String, PathBuf>;

/// A fingerprint of the template files `load` reads for `theme` (names and
/// bytes): the same fingerprint, the same templates.
pub fn fingerprint(root: &Path, theme: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = siphasher::sip::SipHasher13::new();
    theme.hash(&mut h);
    for dir in [
        root.join("themes").join(theme).join("templates"),
        root.join("templates"),
    ] {
        let mut files: Vec<PathBuf> = WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for file in files {
            file.strip_prefix(&dir).unwrap_or(&file).hash(&mut h);
            std::fs::read(&file).unwrap_or_default().hash(&mut h);
        }
    }
    h.finish()
}

pub fn load(root: &Path, theme: &str, base_path: &str, diagnostics: &Diagnostics) -> Option<(Tera, Origins)> {
    let theme_dir = root.join("themes").join(theme);
    let site_dir = root.join("templates");
    if !theme_dir.is_dir() && !site_dir.is_dir() {
        let installed: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let hint = match crate::diagnostics::did_you_mean(theme, installed.iter().map(String::as_str)) {
            Some(close) => format!("是不是想写“theme: {close}”？"),
            None if installed.is_empty() => {
                "themes/ 文件夹里没有主题；从同心的示例网站复制 themes/default 过来".to_string()
            }
            None => format!("检查 site.yaml 里的 theme；已有的主题：{}", installed.join("、")),
        };
        diagnostics.push(Diagnostic::error(format!("themes/{theme}"), format!("找不到主题“{theme}”")).hint(hint));
        return None;
    }
    // Later directories override earlier ones, template by template.
    let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    for dir in [theme_dir.join("templates"), site_dir] {
        for entry in WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&dir) else {
                continue;
            };
            let name = rel.to_string_lossy().replace('\\', "/");
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            if let Some(text) = crate::encoding::read_reporting(entry.path(), &shown, |d| diagnostics.push(d)) {
                sources.insert(name, (shown, text));
            }
        }
    }

    let origins: Origins = sources
        .iter()
        .map(|(name, (path, _))| (name.clone(), path.clone()))
        .collect();
    let mut ok = true;
    for name in REQUIRED {
        if !sources.contains_key(*name) {
            diagnostics.push(
                Diagnostic::error(format!("themes/{theme}/templates/{name}"), format!("缺少模板 {name}"))
                    .hint(format!("在 templates/ 或 themes/{theme}/templates/ 中放一个 {name}；可以从默认主题 themes/default/templates/ 复制一份再修改")),
            );
            ok = false;
        }
    }
    // Parse each template alone first, so that every syntax error is found.
    // Alone, a template's parent and the partials it includes are missing;
    // those are checked when all templates are added together below.
    for (name, (_, text)) in &sources {
        let mut scratch = new_tera(base_path);
        if let Err(e) = scratch.add_raw_template(name, text)
            && !matches!(e.kind(), ErrorKind::MissingParent { .. })
            && !only_unknown_includes(&e)
        {
            diagnostics.push(template_error(&e, &origins));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut tera = new_tera(base_path);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()))) {
        diagnostics.push(template_error(&e, &origins));
        return None;
    }
    Some((tera, origins))
}

/// Whether an error only says that included templates are unknown (Tera joins
/// one report per missing reference into one message).
fn only_unknown_includes(e: &tera::Error) -> bool {
    match e.kind() {
        ErrorKind::Msg(text) => text.split("\n\n").all(|report| report.contains("Unknown template")),
        _ => false,
    }
}

/// Tera checks filter and function names when it parses, so ours are registered first.
fn new_tera(base_path: &str) -> Tera {
    let mut tera = Tera::default();
    super::filters::register(&mut tera, base_path);
    tera
}

/// The file named by an error Tera does not place in a template; a caller that
/// knows the template replaces it.
pub const UNKNOWN_TEMPLATE: &str = "templates";

/// A Tera error as a diagnostic naming the template file and line.
pub fn template_error(e: &tera::Error, origins: &Origins) -> Diagnostic {
    let file_of = |name: &str| origins.get(name).map_or_else(|| PathBuf::from(name), Clone::clone);
    match e.kind() {
        ErrorKind::SyntaxError(report) => Diagnostic::error(
            file_of(report.filename()),
            format!("模板语法错误：{}", plain_message(report.message())),
        )
        .at(report.span().start_line, report.span().start_col + 1)
        .hint("检查这一行的 {{ }}、{% %} 是否成对，标签名和 end 标签是否拼写正确"),
        ErrorKind::RenderingError(report) => Diagnostic::error(
            file_of(report.filename()),
            format!("模板运行出错：{}", rendering_message(report.message())),
        )
        .at(report.span().start_line, report.span().start_col + 1)
        .hint("多半是变量名写错或该变量在这个页面不存在；不确定是否存在的变量可写成 {{ x | default(value=\"\") }}"),
        ErrorKind::MissingParent { current, parent } => {
            Diagnostic::error(file_of(current), format!("模板继承的 {parent} 不存在"))
                .hint("检查 {% extends \"…\" %} 里的模板名，或把那个模板放进 templates/ 文件夹")
        }
        ErrorKind::TemplateNotFound(name) => Diagnostic::error(file_of(name), format!("找不到模板 {name}"))
            .hint("检查 include 或 extends 里的模板名，以及文件是否在 templates/ 文件夹中"),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            Diagnostic::error(file_of(tpl), "模板之间循环引用了")
                .hint("检查 extends 和 include，模板不能直接或间接引用自己")
        }
        // A component that calls itself without end: Tera stops it at 20 levels.
        ErrorKind::Msg(text) if text.starts_with("Maximum render recursion depth") => Diagnostic::error(
            PathBuf::from(UNKNOWN_TEMPLATE),
            "模板里的组件（component）一层层调用自己，停不下来",
        )
        .hint("检查组件里调用它自己的地方，加上结束条件，例如 {% if n > 1 %}…{% endif %}"),
        ErrorKind::Msg(text) if report_location(text).is_some() => {
            let (name, line, column) = report_location(text).unwrap_or_default();
            let first = text.lines().next().unwrap_or_default();
            Diagnostic::error(
                file_of(name),
                format!("模板出错：{}", plain_message(first.trim_start_matches("error: "))),
            )
            .at(line, column)
            .hint("检查这一行的过滤器、函数名的拼写，以及 {{ }}、{% %} 里的写法")
        }
        _ => Diagnostic::error(PathBuf::from(UNKNOWN_TEMPLATE), format!("模板出错：{e}"))
            .hint("检查模板中的变量名和语法"),
    }
}

/// Where a report that Tera gives as plain text points: ` --> name:line:column`.
fn report_location(text: &str) -> Option<(&str, usize, usize)> {
    let place = text.lines().find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = place.trim().rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line, column))
}

/// Tera's commonest parser messages in plain Chinese; others are kept, marked
/// as Tera's own words.
fn plain_message(raw: &str) -> String {
    let raw = raw.trim();
    let quoted = |rest: &str| rest.split('`').nth(1).map(str::to_string);
    if raw == "Unknown tag" {
        return "不认识的标签；也可能是前面的 {% if %}、{% for %} 或 {% block %} 少了对应的结束标签".into();
    }
    for (prefix, what) in [
        ("Unknown filter", "过滤器"),
        ("Unknown test", "测试"),
        ("Unknown function", "函数"),
    ] {
        if let Some(name) = raw.strip_prefix(prefix).and_then(quoted) {
            return format!("不认识的{what} {name}");
        }
    }
    if let Some(rest) = raw.strip_prefix("Found ") {
        let found = quoted(rest).unwrap_or_default();
        let expected = rest.split(" but expected ").nth(1).unwrap_or("").trim_end_matches('.');
        return match expected {
            "}}" | "%}" => format!("这里应是 {expected}，却写了 {found}（括号没有配对）"),
            _ => format!("这里不应出现 {found}"),
        };
    }
    format!("（Tera 提示：{raw}）")
}

/// Tera's message for a failed render, without the list of the variables the
/// page had: that list differs from page to page, so the same mistake in a
/// template would be reported once for every kind of page instead of once.
/// The commonest message is said in Chinese.
fn rendering_message(message: &str) -> String {
    let message = message
        .split(" Available variables")
        .next()
        .unwrap_or(message)
        .trim_end();
    if let Some(name) = message
        .strip_prefix("Variable `")
        .and_then(|rest| rest.strip_suffix("` is not defined."))
    {
        return format!("变量 {name} 在这个页面不存在");
    }
    message.to_string()
}

/// `column_news.html` if the theme has it, else `column.html`.
pub fn pick(tera: &Tera, specific: &str, general: &str) -> String {
    if tera.contains_template(specific) {
        specific.to_string()
    } else {
        general.to_string()
    }
}

pub fn shown(origins: &Origins, name: &str) -> String {
    origins.get(name).map_or_else(|| name.to_string(), |p| display_path(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_messages_in_plain_chinese() {
        assert_eq!(
            plain_message("Found `</` but expected }}."),
            "这里应是 }}，却写了 </（括号没有配对）"
        );
        assert_eq!(
            plain_message("Unknown filter `upper_case`"),
            "不认识的过滤器 upper_case"
        );
        assert!(plain_message("Unknown tag").contains("结束标签"));
        assert_eq!(plain_message("Something new"), "（Tera 提示：Something new）");
    }

    #[test]
    fn finds_where_a_plain_report_points() {
        let text = "error: Unknown filter `x`\n --> partials/a.html:3:17\n  |\n";
        assert_eq!(report_location(text), Some(("partials/a.html", 3, 17)));
        assert_eq!(report_location("no place"), None);
    }
}
