//! The home page: its own text (`content/_index.md`) and which blocks it shows —
//! the focus area, the latest items of news-like columns, notices, a strip of
//! members, the newest books — each configurable in that file's front matter.

use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::yaml::read;

use super::column::{Column, ColumnKind};

#[derive(Debug, Default)]
pub struct Home {
    pub title: String,
    pub description: String,
    pub content: String,
    pub figures: Vec<crate::content::figures::Figure>,
    pub blocks: Blocks,
}

/// How many items each block shows (0 hides it), and from which columns.
#[derive(Debug)]
pub struct Blocks {
    pub focus_count: usize,
    /// Columns with a block of their latest items (indices into `Site::columns`).
    pub news_columns: Vec<usize>,
    pub news_count: usize,
    pub notice_columns: Vec<usize>,
    pub notice_count: usize,
    pub member_count: usize,
    pub book_count: usize,
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks {
            focus_count: 5,
            news_columns: Vec::new(),
            news_count: 8,
            notice_columns: Vec::new(),
            notice_count: 6,
            member_count: 8,
            book_count: 4,
        }
    }
}

/// The home page settings, with defaults for what `file` does not say: every
/// news-like column in navigation order, and every notice column.
pub fn blocks(file: Option<&SourceFile>, columns: &[Column], nav: &[usize], diagnostics: &Diagnostics) -> Blocks {
    let mut blocks = Blocks::default();
    let in_order = || {
        let mut order: Vec<usize> = nav.to_vec();
        order.extend((0..columns.len()).filter(|c| !nav.contains(c)));
        order
    };
    blocks.news_columns = in_order()
        .into_iter()
        .filter(|&c| {
            matches!(
                columns[c].kind,
                ColumnKind::News | ColumnKind::Speech | ColumnKind::Opinions | ColumnKind::Study
            )
        })
        .collect();
    blocks.notice_columns = in_order()
        .into_iter()
        .filter(|&c| columns[c].kind == ColumnKind::Notice)
        .collect();
    let Some(file) = file else {
        return blocks;
    };
    let extra = &file.meta.extra;
    let error = |key: &str, message: String, hint: String| {
        let mut d = Diagnostic::error(&file.shown, message).hint(hint);
        if let Some(line) = file.meta.line_of(key) {
            d = d.at_line(line);
        }
        diagnostics.push(d);
    };
    let count = |key: &str, zh: &str, into: &mut usize| {
        if let Some(v) = extra.get(key) {
            match read::integer(v) {
                Some(n) if n >= 0 => *into = n as usize,
                _ => error(
                    key,
                    format!("首页设置“{zh}”应是不小于 0 的整数"),
                    format!("例如“{zh}: 6”；写 0 表示不显示这一块"),
                ),
            }
        }
    };
    count("focus_count", "焦点条数", &mut blocks.focus_count);
    count("news_count", "新闻条数", &mut blocks.news_count);
    count("notice_count", "公告条数", &mut blocks.notice_count);
    count("member_count", "委员条数", &mut blocks.member_count);
    count("book_count", "文史条数", &mut blocks.book_count);
    let column_list = |key: &str, zh: &str, into: &mut Vec<usize>| {
        let Some(v) = extra.get(key) else { return };
        let Some(names) = read::string_list(v) else {
            error(
                key,
                format!("首页设置“{zh}”应是一组栏目"),
                format!("写成“{zh}: [yaowen, lvzhi]”（栏目文件夹名）"),
            );
            return;
        };
        into.clear();
        for name in names {
            match columns
                .iter()
                .position(|c| c.folder == name || c.slug == name || c.title == name)
            {
                Some(c) => into.push(c),
                None => {
                    let hint = match did_you_mean(&name, columns.iter().map(|c| c.folder.as_str())) {
                        Some(close) => format!("是不是想写“{close}”？"),
                        None => format!(
                            "写栏目文件夹的名字；现有栏目：{}",
                            columns.iter().map(|c| c.folder.as_str()).collect::<Vec<_>>().join("、")
                        ),
                    };
                    error(key, format!("首页设置“{zh}”中的栏目“{name}”不存在"), hint);
                }
            }
        }
    };
    column_list("news_columns", "新闻栏目", &mut blocks.news_columns);
    column_list("notice_columns", "公告栏目", &mut blocks.notice_columns);
    blocks
}
