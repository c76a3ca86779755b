//! Blocks read from a Word document, written as the Markdown a person would
//! write: `##` headings, paragraphs without indents, `-` and `1.` lists,
//! pipe tables, `[文字](网址)` links and `![说明](tu-1.jpg)` pictures.
//!
//! Text is escaped so that it reads back as the same text (a paragraph that
//! starts with `1.` or `#` stays a paragraph), and bold is written so that
//! CommonMark sees it next to Chinese punctuation (see [`bold`]).

use super::docx::{Block, Inline, Marker, is_space, plain};

/// A paragraph this long or longer is no title, however it is set.
const TITLE_CHARS: usize = 60;

/// Takes the title out of `blocks`: a paragraph in the Title style; else a
/// short centred first paragraph, as most Chinese documents set their title
/// by hand (the sections below it may still use heading styles); else the
/// first heading. The remaining headings are moved so that the highest
/// becomes `##` (the page's title is the only `#`).
pub fn take_title(blocks: &mut Vec<Block>) -> Option<String> {
    let titled = |b: &Block| !b.plain_text().is_empty();
    let styled = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 0, .. }) && titled(b));
    let centred = || {
        let first = blocks.iter().position(|b| titled(b) || b.has_picture())?;
        match &blocks[first] {
            Block::Paragraph {
                centered: true,
                caption: false,
                inlines,
            } if looks_like_title(&plain(inlines)) && !blocks[first].has_picture() => Some(first),
            _ => None,
        }
    };
    let heading = || {
        blocks
            .iter()
            .position(|b| matches!(b, Block::Heading { .. }) && titled(b))
    };
    let index = styled.or_else(centred).or_else(heading);
    let title = index.map(|i| blocks.remove(i).plain_text()).filter(|t| !t.is_empty());
    let top = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some((*level).max(1)),
            _ => None,
        })
        .min();
    if let Some(top) = top {
        for block in blocks.iter_mut() {
            if let Block::Heading { level, .. } = block {
                *level = ((*level).max(1) + 2 - top).clamp(2, 6);
            }
        }
    }
    title
}

fn looks_like_title(text: &str) -> bool {
    let chars = text.chars().count();
    chars > 0
        && chars < TITLE_CHARS
        && !text.ends_with(['。', '，', '；', '：', ':'])
        && super::date::find_in_line(text).is_none()
}

/// Gives pictures the text of their caption as description: a Caption (题注)
/// paragraph right after the picture, or right before it, or a paragraph
/// after it that reads like one (“图为……”).
pub fn captions_to_pictures(blocks: &mut [Block]) {
    for i in 0..blocks.len() {
        if !blocks[i].has_picture() || matches!(blocks[i], Block::Table(_)) {
            continue;
        }
        let after = blocks.get(i + 1).and_then(caption_text);
        let before = i
            .checked_sub(1)
            .and_then(|j| blocks.get(j))
            .filter(|b| matches!(b, Block::Paragraph { caption: true, .. }))
            .and_then(caption_text);
        let Some(caption) = after.or(before) else { continue };
        if let Block::Paragraph { inlines, .. } | Block::Item { inlines, .. } | Block::Heading { inlines, .. } =
            &mut blocks[i]
        {
            for inline in inlines {
                if let Inline::Picture { alt, .. } = inline {
                    *alt = caption.clone();
                }
            }
        }
    }
}

fn caption_text(block: &Block) -> Option<String> {
    let Block::Paragraph { inlines, caption, .. } = block else {
        return None;
    };
    let text = plain(inlines);
    let reads_like_one = ["图为", "图：", "图:", "图片：", "▲"]
        .iter()
        .any(|p| text.starts_with(p));
    (*caption || reads_like_one && text.chars().count() <= 100)
        .then_some(text)
        .filter(|t| !t.is_empty())
}

/// The Markdown of `blocks`; `names[i]` is the file name picture `i` is
/// saved under, `None` when it is not saved.
pub fn write(blocks: &[Block], names: &[Option<String>]) -> String {
    // (Markdown, is a list item): items of one list follow each other line
    // by line, everything else is separated by an empty line.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    // The content indent of each open list level.
    let mut list: Vec<usize> = Vec::new();
    for block in blocks {
        let piece = match block {
            Block::Heading { level, inlines } => {
                let text = heading_text(&line(inlines, names, Context::Heading));
                if text.is_empty() {
                    continue;
                }
                format!("{} {text}", "#".repeat(usize::from(*level)))
            }
            Block::Paragraph { inlines, .. } => {
                let lines: Vec<String> = split_breaks(inlines)
                    .iter()
                    .map(|part| block_start(&line(part, names, Context::Paragraph)))
                    .filter(|l| !l.is_empty())
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                lines.join("\n\n")
            }
            Block::Item { marker, depth, inlines } => {
                let text = block_start(&line(inlines, names, Context::Item));
                if text.is_empty() {
                    continue;
                }
                if !pieces.last().is_some_and(|(_, item)| *item) {
                    list.clear();
                }
                let depth = (*depth).min(list.len());
                list.truncate(depth);
                let indent: usize = list.iter().sum();
                let marker = match marker {
                    Marker::Bullet => "-".to_string(),
                    Marker::Number(n) => format!("{n}."),
                };
                list.push(marker.len() + 1);
                pieces.push((format!("{}{marker} {text}", " ".repeat(indent)), true));
                continue;
            }
            Block::Table(rows) => table(rows, names),
        };
        pieces.push((piece, false));
    }
    let mut out = String::new();
    let mut previous_item = false;
    for (i, (piece, item)) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str(if previous_item && *item { "\n" } else { "\n\n" });
        }
        out.push_str(piece);
        previous_item = *item;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Where a run of inlines is written: what must be escaped, and what a line
/// break becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Heading,
    Paragraph,
    Item,
    Cell,
}

/// A paragraph is split where Word has a line break: each line becomes a
/// paragraph of its own, as it looks on the page.
fn split_breaks(inlines: &[Inline]) -> Vec<Vec<Inline>> {
    let mut parts = vec![Vec::new()];
    let mut link: Option<String> = None;
    for inline in inlines {
        match inline {
            Inline::Break => {
                let mut next = Vec::new();
                if let Some(url) = &link {
                    if let Some(part) = parts.last_mut() {
                        part.push(Inline::LinkEnd);
                    }
                    next.push(Inline::LinkStart(url.clone()));
                }
                parts.push(next);
            }
            other => {
                match other {
                    Inline::LinkStart(url) => link = Some(url.clone()),
                    Inline::LinkEnd => link = None,
                    _ => {}
                }
                if let Some(part) = parts.last_mut() {
                    part.push(other.clone());
                }
            }
        }
    }
    parts
}

/// One piece of a line before it is written.
enum Piece {
    Text(String, bool),
    /// Markdown already written: a picture or a link.
    Markup(String),
}

/// Inlines as one line of Markdown: escaped text, bold, links, pictures.
fn line(inlines: &[Inline], names: &[Option<String>], context: Context) -> String {
    let mut pieces: Vec<Piece> = Vec::new();
    // An open link: its address and what is inside it so far.
    let mut link: Option<(String, Vec<Piece>)> = None;
    let mut nested = 0usize;
    for inline in inlines {
        let target = match &mut link {
            Some((_, inside)) => inside,
            None => &mut pieces,
        };
        match inline {
            Inline::Text { text, bold } => {
                let bold = *bold && context != Context::Heading;
                match target.last_mut() {
                    Some(Piece::Text(last, b)) if *b == bold => last.push_str(text),
                    _ => target.push(Piece::Text(text.clone(), bold)),
                }
            }
            Inline::Break => target.push(Piece::Text(
                if context == Context::Cell {
                    "\u{0}".into()
                } else {
                    " ".into()
                },
                false,
            )),
            Inline::Picture { index, alt } => {
                if let Some(Some(name)) = names.get(*index) {
                    target.push(Piece::Markup(format!(
                        "![{}]({name})",
                        escape(&super::docx::collapse(alt), context)
                    )));
                }
            }
            Inline::LinkStart(url) => {
                if link.is_some() {
                    nested += 1;
                } else {
                    link = Some((url.clone(), Vec::new()));
                }
            }
            Inline::LinkEnd => {
                if nested > 0 {
                    nested -= 1;
                } else if let Some((url, inside)) = link.take() {
                    pieces.push(Piece::Markup(link_markup(&url, inside, context)));
                }
            }
        }
    }
    if let Some((url, inside)) = link.take() {
        pieces.push(Piece::Markup(link_markup(&url, inside, context)));
    }
    trim_pieces(&mut pieces);
    let written = write_pieces(&pieces, context);
    written.replace('\u{0}', "<br>")
}

fn link_markup(url: &str, mut inside: Vec<Piece>, context: Context) -> String {
    trim_pieces(&mut inside);
    let text = write_pieces(&inside, context);
    let url = link_address(url);
    if text.is_empty() {
        format!("<{url}>")
    } else {
        format!("[{text}]({url})")
    }
}

/// An address as a Markdown link target: characters that would end it or
/// break a table cell are percent-encoded.
fn link_address(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes the spaces a paragraph starts and ends with (full-width indents
/// 　　 typed by hand, tabs).
fn trim_pieces(pieces: &mut Vec<Piece>) {
    while let Some(Piece::Text(text, _)) = pieces.first_mut() {
        let trimmed = text.trim_start_matches(is_space);
        if trimmed.is_empty() {
            pieces.remove(0);
        } else {
            *text = trimmed.to_string();
            break;
        }
    }
    while let Some(Piece::Text(text, _)) = pieces.last_mut() {
        let trimmed = text.trim_end_matches(is_space);
        if trimmed.is_empty() {
            pieces.pop();
        } else {
            *text = trimmed.to_string();
            break;
        }
    }
}

fn write_pieces(pieces: &[Piece], context: Context) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text, false) => out.push_str(&escape(&spaces(text), context)),
            Piece::Text(text, true) => out.push_str(&bold(&spaces(text), context)),
            Piece::Markup(markup) => out.push_str(markup),
        }
    }
    out
}

/// Runs of spaces inside a line become one (a tab or two spaces between
/// words); full-width spaces inside a line are kept as typed.
fn spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        let c = if c == '\t' || c == '\u{A0}' { ' ' } else { c };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        if !c.is_control() || c == '\u{0}' {
            out.push(c);
        }
    }
    out
}

/// Bold text as `**…**`. CommonMark only sees `**` as bold when the text
/// inside does not start or end with punctuation next to a letter outside
/// (`**一、坚持党的领导。**会议指出` stays literal), so punctuation and spaces
/// at either end are written outside the stars. They look the same.
fn bold(text: &str, context: Context) -> String {
    let start = text.find(|c: char| c.is_alphanumeric());
    let Some(start) = start else {
        return escape(text, context);
    };
    let end = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    format!(
        "{}**{}**{}",
        escape(&text[..start], context),
        escape(&text[start..end], context),
        escape(&text[end..], context)
    )
}

/// Escapes what Markdown would read as marks inside a line.
fn escape(text: &str, context: Context) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '|' if context == Context::Cell => out.push_str("\\|"),
            '{' if context == Context::Heading => out.push_str("\\{"),
            // An entity (`&amp;`) would be read as the character it names.
            '&' if chars.peek().is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') => out.push_str("\\&"),
            c => out.push(c),
        }
    }
    out
}

/// A line that Markdown would read as something else at the start of a
/// block (`# `, `> `, `- `, `1. `, `---`) gets its first mark escaped.
fn block_start(line: &str) -> String {
    let first = line.chars().next();
    match first {
        Some('#' | '>' | '-' | '+' | '=' | '|') => format!("\\{line}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match line[digits..].chars().next() {
                Some('.' | ')') => format!("{}\\{}", &line[..digits], &line[digits..]),
                _ => line.to_string(),
            }
        }
        _ => line.to_string(),
    }
}

/// A heading's text: a `#` at its end would be read as a closing mark.
fn heading_text(text: &str) -> String {
    let text = block_start(text);
    match text.strip_suffix('#') {
        Some(head) => format!("{head}\\#"),
        None => text,
    }
}

/// A pipe table: the first row is the header; every row as wide as the widest.
fn table(rows: &[Vec<Vec<Block>>], names: &[Option<String>]) -> String {
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        out.push('|');
        for cell in row {
            let text = cell_text(cell, names);
            out.push(' ');
            out.push_str(&text);
            out.push_str(" |");
        }
        out.push('\n');
        if r == 0 {
            out.push('|');
            for _ in row {
                out.push_str(" --- |");
            }
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// A cell's paragraphs on one line, separated by `<br>` (a pipe table has
/// no room for blocks); lists keep their marks as text.
fn cell_text(blocks: &[Block], names: &[Option<String>]) -> String {
    let mut parts = Vec::new();
    for block in blocks {
        let text = match block {
            Block::Heading { inlines, .. } | Block::Paragraph { inlines, .. } => line(inlines, names, Context::Cell),
            Block::Item { marker, inlines, .. } => {
                let mark = match marker {
                    Marker::Bullet => "· ".to_string(),
                    Marker::Number(n) => format!("{n}. "),
                };
                format!("{mark}{}", line(inlines, names, Context::Cell))
            }
            // A table inside a table: its cells in reading order.
            Block::Table(rows) => rows
                .iter()
                .flatten()
                .map(|c| cell_text(c, names))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        };
        if !text.is_empty() {
            parts.push(text);
        }
    }
    parts.join("<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Inline {
        Inline::Text {
            text: text.into(),
            bold: false,
        }
    }

    fn b(text: &str) -> Inline {
        Inline::Text {
            text: text.into(),
            bold: true,
        }
    }

    fn p(inlines: Vec<Inline>) -> Block {
        Block::Paragraph {
            inlines,
            caption: false,
            centered: false,
        }
    }

    #[test]
    fn bold_next_to_chinese_punctuation_stays_bold() {
        let md = write(&[p(vec![b("一、坚持党的领导。"), t("会议指出")])], &[]);
        assert_eq!(md, "**一、坚持党的领导**。会议指出\n");
        let md = write(&[p(vec![t("要把"), b("“两个维护”"), t("落到实处")])], &[]);
        assert_eq!(md, "要把“**两个维护**”落到实处\n");
        assert_eq!(write(&[p(vec![b("。")])], &[]), "。\n");
    }

    #[test]
    fn text_that_looks_like_markdown_stays_text() {
        let md = write(&[p(vec![t("1. 不是列表 *星号* [方括号] <b>")])], &[]);
        assert_eq!(md, "1\\. 不是列表 \\*星号\\* \\[方括号\\] \\<b>\n");
        assert_eq!(write(&[p(vec![t("# 不是标题")])], &[]), "\\# 不是标题\n");
        assert_eq!(write(&[p(vec![t("　　- 不是列表")])], &[]), "\\- 不是列表\n");
        assert_eq!(write(&[p(vec![t("A&amp;B & C")])], &[]), "A\\&amp;B & C\n");
    }

    #[test]
    fn indents_and_empty_paragraphs_go() {
        let md = write(
            &[
                p(vec![t("\u{3000}\u{3000}\t 第一段。 ")]),
                p(vec![t("\u{3000}")]),
                p(vec![t("第二段。")]),
            ],
            &[],
        );
        assert_eq!(md, "第一段。\n\n第二段。\n");
    }

    #[test]
    fn nested_lists_indent_under_their_parent_marker() {
        let item = |marker, depth, text: &str| Block::Item {
            marker,
            depth,
            inlines: vec![t(text)],
        };
        let md = write(
            &[
                p(vec![t("前言")]),
                item(Marker::Number(9), 0, "九"),
                item(Marker::Number(10), 0, "十"),
                item(Marker::Bullet, 1, "子项"),
                item(Marker::Number(1), 3, "孙项"),
                item(Marker::Bullet, 0, "另一项"),
                p(vec![t("后记")]),
            ],
            &[],
        );
        assert_eq!(
            md,
            "前言\n\n9. 九\n10. 十\n    - 子项\n      1. 孙项\n- 另一项\n\n后记\n"
        );
    }

    #[test]
    fn tables_stay_rectangular_and_escape_pipes() {
        let cell = |s: &str| vec![p(vec![t(s)])];
        let rows = vec![
            vec![cell("名称"), cell("说明")],
            vec![cell("A|B"), vec![p(vec![t("第一行")]), p(vec![t("第二行")])]],
            vec![cell("合计"), Vec::new()],
        ];
        let md = write(&[Block::Table(rows)], &[]);
        assert_eq!(
            md,
            "| 名称 | 说明 |\n| --- | --- |\n| A\\|B | 第一行<br>第二行 |\n| 合计 |  |\n"
        );
    }

    #[test]
    fn links_and_pictures() {
        let md = write(
            &[p(vec![
                t("详见"),
                Inline::LinkStart("https://a.cn/x (1)".into()),
                t("网站"),
                Inline::LinkEnd,
                Inline::Picture {
                    index: 0,
                    alt: "会场 [全景]".into(),
                },
                Inline::Picture {
                    index: 1,
                    alt: "没保存".into(),
                },
            ])],
            &[Some("tu-1.jpg".into()), None],
        );
        assert_eq!(md, "详见[网站](https://a.cn/x%20%281%29)![会场 \\[全景\\]](tu-1.jpg)\n");
    }

    #[test]
    fn the_first_heading_is_the_title_and_the_rest_start_at_two() {
        let h = |level, text: &str| Block::Heading {
            level,
            inlines: vec![t(text)],
        };
        let mut blocks = vec![p(vec![t("导语")]), h(1, "标题"), h(3, "一"), h(4, "二")];
        assert_eq!(take_title(&mut blocks).as_deref(), Some("标题"));
        assert_eq!(write(&blocks, &[]), "导语\n\n## 一\n\n### 二\n");
        let mut centred = vec![Block::Paragraph {
            inlines: vec![t("关于召开全会的通知")],
            caption: false,
            centered: true,
        }];
        assert_eq!(take_title(&mut centred).as_deref(), Some("关于召开全会的通知"));
        // A centred first line is the title even when sections below use
        // heading styles.
        let mut both = vec![
            Block::Paragraph {
                inlines: vec![t("全会开幕")],
                caption: false,
                centered: true,
            },
            h(1, "一、会议议程"),
            h(2, "（一）开幕式"),
        ];
        assert_eq!(take_title(&mut both).as_deref(), Some("全会开幕"));
        assert_eq!(write(&both, &[]), "## 一、会议议程\n\n### （一）开幕式\n");
        let mut dated = vec![Block::Paragraph {
            inlines: vec![t("2026年3月2日")],
            caption: false,
            centered: true,
        }];
        assert_eq!(take_title(&mut dated), None);
    }

    #[test]
    fn line_breaks_split_paragraphs_and_keep_links_whole() {
        let md = write(
            &[p(vec![
                Inline::LinkStart("https://a.cn/".into()),
                t("一"),
                Inline::Break,
                t("二"),
                Inline::LinkEnd,
            ])],
            &[],
        );
        assert_eq!(md, "[一](https://a.cn/)\n\n[二](https://a.cn/)\n");
    }
}
