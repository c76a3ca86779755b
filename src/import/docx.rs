//! Reading a Word document's body into blocks: headings, paragraphs, list
//! items and tables, with bold, links and pictures inside them.
//!
//! What Word shows is what is kept: tracked deletions, hidden text, comments,
//! field codes (only a field's result shows) and tables of contents are
//! dropped; tracked insertions are kept as if accepted. Styles decide what a
//! paragraph is (a heading by its style or outline level, a list item by its
//! numbering), following `basedOn` as Word does.

use std::collections::HashMap;

use super::ImportError;
use super::package::{Package, Relationship};
use super::xml::Element;

/// Style chains (`basedOn`) longer than this are cut: a loop must not hang.
const MAX_CHAIN: usize = 16;
/// Open fields kept track of; deeper nesting is not real.
const MAX_FIELDS: usize = 32;
/// Columns of a table, at most (a `gridSpan` of a million must not make a
/// million cells).
const MAX_COLUMNS: usize = 64;

/// A document read into blocks, and its pictures.
#[derive(Debug, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub pictures: Vec<Picture>,
    /// Things the import could not keep, in Chinese, for the user.
    pub warnings: Vec<String>,
}

/// A picture found in the document, once per part however often it is shown.
#[derive(Debug)]
pub struct Picture {
    pub bytes: Vec<u8>,
    /// `jpg`, `png`, `gif` or `webp`: what a web page shows.
    pub extension: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 0 is the Title style; 1 to 9 the heading levels.
    Heading { level: u8, inlines: Vec<Inline> },
    Paragraph {
        inlines: Vec<Inline>,
        /// The Caption (题注) style: a picture's or table's caption.
        caption: bool,
        centered: bool,
    },
    Item {
        marker: Marker,
        /// 0 for the outer list.
        depth: usize,
        inlines: Vec<Inline>,
    },
    /// Rows of cells, each cell its blocks; merged cells are empty.
    Table(Vec<Vec<Vec<Block>>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Bullet,
    Number(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
    },
    /// A picture: its index in [`Document::pictures`] and its description.
    Picture {
        index: usize,
        alt: String,
    },
    LinkStart(String),
    LinkEnd,
    /// A line break inside a paragraph.
    Break,
}

impl Block {
    /// The text of a block, without marks: titles, captions, dates.
    pub fn plain_text(&self) -> String {
        match self {
            Block::Heading { inlines, .. } | Block::Paragraph { inlines, .. } | Block::Item { inlines, .. } => {
                plain(inlines)
            }
            Block::Table(rows) => rows
                .iter()
                .flatten()
                .flatten()
                .map(Block::plain_text)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    pub fn inlines(&self) -> &[Inline] {
        match self {
            Block::Heading { inlines, .. } | Block::Paragraph { inlines, .. } | Block::Item { inlines, .. } => inlines,
            Block::Table(_) => &[],
        }
    }

    pub fn has_picture(&self) -> bool {
        match self {
            Block::Table(rows) => rows.iter().flatten().flatten().any(Block::has_picture),
            _ => self.inlines().iter().any(|i| matches!(i, Inline::Picture { .. })),
        }
    }
}

/// The text of inlines, white space collapsed (a break is a space).
pub fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text { text, .. } => out.push_str(text),
            Inline::Break => out.push(' '),
            _ => {}
        }
    }
    collapse(&out)
}

/// Runs of white space (full-width too) become one space; the ends are trimmed.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Spaces as Word users type them: ASCII, full-width (　), no-break, tabs,
/// and the zero-width ones that come with pasted text.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')
}

/// Reads the main document part `part` of `package`.
pub fn read(package: &mut Package<'_>, part: &str) -> Result<Document, ImportError> {
    let Some(root) = package.xml(part)? else {
        return Err(ImportError::NotDocument);
    };
    let relationships = package.relationships(part)?;
    let folder = part.rsplit_once('/').map_or("", |(f, _)| f).to_string();
    let styles = match find_part(&relationships, "styles", &folder, "styles.xml") {
        Some(name) => Styles::read(package.xml(&name)?.as_ref()),
        None => Styles::default(),
    };
    let numbering = match find_part(&relationships, "numbering", &folder, "numbering.xml") {
        Some(name) => Numbering::read(package.xml(&name)?.as_ref()),
        None => Numbering::default(),
    };
    let Some(body) = root.child("w:body") else {
        return Err(ImportError::Damaged(format!("{part}：没有正文（w:body）")));
    };
    let mut reader = Reader {
        package,
        relationships,
        styles,
        numbering,
        counters: HashMap::new(),
        by_part: HashMap::new(),
        fields: Vec::new(),
        document: Document::default(),
        skipped: Skipped::default(),
    };
    let mut blocks = Vec::new();
    reader.blocks(body, &mut blocks)?;
    reader.document.blocks = blocks;
    let warnings = reader.skipped.warnings();
    let mut document = reader.document;
    document.warnings = warnings;
    Ok(document)
}

/// The part a relationship of type `kind` names, else the usual name beside
/// the document (some programs leave the relationship out).
fn find_part(rels: &HashMap<String, Relationship>, kind: &str, folder: &str, usual: &str) -> Option<String> {
    rels.values()
        .find(|r| r.kind == kind && !r.external)
        .map(|r| r.target.clone())
        .or_else(|| {
            Some(if folder.is_empty() {
                usual.to_string()
            } else {
                format!("{folder}/{usual}")
            })
        })
}

/// What was left out, counted, to tell the user once.
#[derive(Default)]
struct Skipped {
    /// Pictures in formats a web page cannot show, by format.
    formats: Vec<(&'static str, usize)>,
    /// Charts, SmartArt and other drawings that are not pictures.
    drawings: usize,
    /// Pictures linked from elsewhere rather than stored in the file.
    linked: usize,
    /// Pictures whose part is missing or damaged.
    missing: usize,
}

impl Skipped {
    fn format(&mut self, name: &'static str) {
        match self.formats.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => self.formats.push((name, 1)),
        }
    }

    fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (format, count) in &self.formats {
            out.push(format!(
                "文档里有 {count} 张 {format} 格式的图片，网页无法显示，没有导入。请在 Word 里右键点图片，选“另存为图片”存成 JPG 或 PNG，再放进文章的文件夹并在正文里插入"
            ));
        }
        if self.drawings > 0 {
            out.push(format!(
                "文档里有 {} 个图表、SmartArt 或绘制的图形，没有导入。需要时请在 Word 里把它复制为图片，存成 PNG 后插入正文",
                self.drawings
            ));
        }
        if self.linked > 0 {
            out.push(format!(
                "文档里有 {} 张图片是链接到其他位置的文件，不在文档里面，没有导入。请把原图放进文章的文件夹并在正文里插入",
                self.linked
            ));
        }
        if self.missing > 0 {
            out.push(format!(
                "文档里有 {} 张图片读不出来（文件可能不完整），没有导入",
                self.missing
            ));
        }
        out
    }
}

/// A field (`w:fldChar` begin … separate … end) still open.
struct Field {
    instruction: String,
    /// Past `separate`: what follows is the field's result, which Word shows.
    showing: bool,
    /// The result was wrapped in a link (a `HYPERLINK` field).
    link: bool,
}

/// Run properties that matter here.
#[derive(Clone, Copy, Default)]
struct RunStyle {
    bold: bool,
    hidden: bool,
}

struct Reader<'p, 'a> {
    package: &'p mut Package<'a>,
    relationships: HashMap<String, Relationship>,
    styles: Styles,
    numbering: Numbering,
    /// List counters per numbering (see [`Numbering::counter_key`]), per level.
    counters: HashMap<String, [Option<u32>; 9]>,
    /// Pictures already read, by part name.
    by_part: HashMap<String, Option<usize>>,
    fields: Vec<Field>,
    document: Document,
    skipped: Skipped,
}

impl Reader<'_, '_> {
    /// The blocks in `container` (the body, a cell, a text box).
    fn blocks(&mut self, container: &Element, out: &mut Vec<Block>) -> Result<(), ImportError> {
        for child in container.elements() {
            match child.name.as_str() {
                "w:p" => self.paragraph(child, out)?,
                "w:tbl" => {
                    if let Some(table) = self.table(child)? {
                        out.push(table);
                    }
                }
                // Content controls, custom XML and tracked insertions of whole
                // paragraphs hold blocks as they would stand in the body.
                "w:sdt" => {
                    if let Some(content) = child.child("w:sdtContent") {
                        self.blocks(content, out)?;
                    }
                }
                "w:customXml" | "w:ins" | "w:moveTo" | "w:sdtContent" => self.blocks(child, out)?,
                "mc:AlternateContent" => {
                    if let Some(choice) = alternate(child) {
                        self.blocks(choice, out)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(&mut self, p: &Element, out: &mut Vec<Block>) -> Result<(), ImportError> {
        let properties = p.child("w:pPr");
        let style = properties.and_then(|pp| pp.child_val("w:pStyle")).map(str::to_string);
        let style = style.or_else(|| self.styles.default_paragraph.clone());
        let style = style.as_deref();
        if style.is_some_and(|s| self.styles.is_contents(s)) {
            // A table of contents: page numbers and links to headings, which
            // the post's own headings replace.
            return Ok(());
        }
        let mut inlines = Vec::new();
        let mut extra = Vec::new();
        // A hyperlink field may run on from the paragraph before.
        if let Some(url) = self.open_link() {
            inlines.push(Inline::LinkStart(url));
        }
        self.inlines(p, RunStyle::default(), &mut inlines, &mut extra)?;

        let outline = properties
            .and_then(|pp| pp.child_val("w:outlineLvl"))
            .and_then(|v| v.parse::<u8>().ok())
            .or_else(|| style.and_then(|s| self.styles.outline(s)));
        let level = style
            .and_then(|s| self.styles.heading_level(s))
            .or_else(|| outline.filter(|&l| l < 9).map(|l| l + 1));
        let numbering = properties.and_then(|pp| pp.child("w:numPr")).map(|n| {
            (
                n.child_val("w:numId").map(str::to_string),
                n.child_val("w:ilvl").and_then(|v| v.parse::<u8>().ok()),
            )
        });
        let (num_id, ilvl) = match (numbering, style.and_then(|s| self.styles.numbering(s))) {
            (Some((Some(id), ilvl)), from_style) => (Some(id), ilvl.or(from_style.and_then(|(_, l)| l))),
            (Some((None, ilvl)), Some((id, style_ilvl))) => (Some(id), ilvl.or(style_ilvl)),
            (None, Some((id, ilvl))) => (Some(id), ilvl),
            (_, None) => (None, None),
        };
        let item = match num_id.filter(|id| id != "0") {
            Some(id) => self.item(&id, ilvl.unwrap_or(0).min(8), style),
            None => None,
        };
        let has_content = !plain(&inlines).is_empty() || inlines.iter().any(|i| matches!(i, Inline::Picture { .. }));
        if has_content {
            let block = match (level, item) {
                (Some(level), item) => {
                    // A numbered heading (“一、”, “第一章”) keeps its number as text.
                    if let Some(Numbered::Label(label)) = item {
                        inlines.insert(0, text(label, false));
                    }
                    Block::Heading { level, inlines }
                }
                (None, Some(Numbered::Item(marker, depth))) => Block::Item { marker, depth, inlines },
                (None, Some(Numbered::Label(label))) => {
                    inlines.insert(0, text(label, false));
                    Block::Paragraph {
                        inlines,
                        caption: false,
                        centered: false,
                    }
                }
                (None, None) => {
                    let jc = properties
                        .and_then(|pp| pp.child_val("w:jc"))
                        .or_else(|| style.and_then(|s| self.styles.justification(s)));
                    Block::Paragraph {
                        inlines,
                        caption: style.is_some_and(|s| self.styles.is_caption(s)),
                        centered: jc == Some("center"),
                    }
                }
            };
            out.push(block);
        }
        out.extend(extra);
        Ok(())
    }

    /// What the numbering of a paragraph makes of it, counting it.
    fn item(&mut self, num_id: &str, ilvl: u8, style: Option<&str>) -> Option<Numbered> {
        let level = self.numbering.level(num_id, ilvl, &self.styles)?;
        let key = self.numbering.counter_key(num_id);
        let counters = self.counters.entry(key).or_insert([None; 9]);
        let i = usize::from(ilvl);
        counters[i] = Some(counters[i].map_or(level.start, |n| n.saturating_add(1)));
        for deeper in counters.iter_mut().skip(i + 1) {
            *deeper = None;
        }
        let counters = *counters;
        // Word's "List Bullet 2" styles nest by the style, not the level.
        let depth = usize::from(ilvl).max(style.and_then(|s| self.styles.list_depth(s)).unwrap_or(0));
        if level.format == "bullet" {
            return Some(Numbered::Item(Marker::Bullet, depth));
        }
        let n = counters[i].unwrap_or(level.start);
        let own = [format!("%{}.", i + 1), format!("%{})", i + 1)];
        if level.format == "decimal" && own.contains(&level.text) && n < 1_000_000_000 {
            return Some(Numbered::Item(Marker::Number(n), depth));
        }
        if level.format == "none" {
            return None;
        }
        // Other numbers (一、 （一） ① 1.1) are written as Word shows them.
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let l = (d - 1) as usize;
                    let value = counters[l].unwrap_or(1);
                    let format = if level.legal {
                        "decimal".to_string()
                    } else {
                        self.numbering
                            .level(num_id, l as u8, &self.styles)
                            .map_or_else(|| "decimal".to_string(), |lv| lv.format)
                    };
                    label.push_str(&number_text(value, &format));
                }
                _ => label.push(c),
            }
        }
        let label = label.trim().to_string();
        if label.is_empty() {
            return None;
        }
        // A label ending in a letter or digit (“1.1”) needs a space before the text.
        let spaced = label.chars().last().is_some_and(char::is_alphanumeric);
        Some(Numbered::Label(if spaced { format!("{label} ") } else { label }))
    }

    /// The URL of a hyperlink field whose result is being read.
    fn open_link(&self) -> Option<String> {
        self.fields
            .iter()
            .rev()
            .find(|f| f.link)
            .and_then(|f| hyperlink_instruction(&f.instruction))
    }

    fn showing(&self) -> bool {
        self.fields.iter().all(|f| f.showing)
    }

    /// The inlines of a paragraph (or of a hyperlink, a tracked insertion …).
    fn inlines(
        &mut self,
        parent: &Element,
        style: RunStyle,
        out: &mut Vec<Inline>,
        extra: &mut Vec<Block>,
    ) -> Result<(), ImportError> {
        for child in parent.elements() {
            match child.name.as_str() {
                "w:r" => self.run(child, style, out, extra)?,
                "w:hyperlink" => {
                    let url = child
                        .attr("r:id")
                        .and_then(|id| self.relationships.get(id))
                        .filter(|r| r.external)
                        .and_then(|r| web_address(&r.target));
                    if let Some(url) = &url {
                        out.push(Inline::LinkStart(url.clone()));
                    }
                    self.inlines(child, style, out, extra)?;
                    if url.is_some() {
                        out.push(Inline::LinkEnd);
                    }
                }
                "w:fldSimple" => {
                    let url = child.attr("w:instr").and_then(hyperlink_instruction);
                    if let Some(url) = &url {
                        out.push(Inline::LinkStart(url.clone()));
                    }
                    self.inlines(child, style, out, extra)?;
                    if url.is_some() {
                        out.push(Inline::LinkEnd);
                    }
                }
                "w:ins" | "w:moveTo" | "w:smartTag" | "w:customXml" | "w:dir" | "w:bdo" | "w:sdtContent" => {
                    self.inlines(child, style, out, extra)?;
                }
                "w:sdt" => {
                    if let Some(content) = child.child("w:sdtContent") {
                        self.inlines(content, style, out, extra)?;
                    }
                }
                "mc:AlternateContent" => {
                    if let Some(choice) = alternate(child) {
                        self.inlines(choice, style, out, extra)?;
                    }
                }
                // w:del, w:moveFrom (deleted text), comments, bookmarks,
                // proofing marks and properties.
                _ => {}
            }
        }
        Ok(())
    }

    fn run(
        &mut self,
        run: &Element,
        outer: RunStyle,
        out: &mut Vec<Inline>,
        extra: &mut Vec<Block>,
    ) -> Result<(), ImportError> {
        let mut style = outer;
        if let Some(properties) = run.child("w:rPr") {
            if let Some(name) = properties.child_val("w:rStyle") {
                style.bold = self.styles.bold(name).unwrap_or(style.bold);
            }
            if let Some(b) = properties.child("w:b") {
                style.bold = on(b);
            }
            if properties.child("w:vanish").is_some_and(on) || properties.child("w:specVanish").is_some_and(on) {
                style.hidden = true;
            }
        }
        for child in run.elements() {
            match child.name.as_str() {
                "w:t" if !style.hidden && self.showing() => out.push(text(child.text(), style.bold)),
                "w:tab" | "w:ptab" if !style.hidden && self.showing() => out.push(text(" ".into(), style.bold)),
                "w:noBreakHyphen" if !style.hidden && self.showing() => out.push(text("-".into(), style.bold)),
                "w:br" | "w:cr" if !style.hidden && self.showing() => out.push(Inline::Break),
                "w:fldChar" => match child.attr("w:fldCharType") {
                    Some("begin") if self.fields.len() < MAX_FIELDS => self.fields.push(Field {
                        instruction: String::new(),
                        showing: false,
                        link: false,
                    }),
                    Some("separate") => {
                        let outer_showing =
                            self.fields.len() < 2 || self.fields[..self.fields.len() - 1].iter().all(|f| f.showing);
                        if let Some(field) = self.fields.last_mut()
                            && !field.showing
                        {
                            field.showing = true;
                            if outer_showing && let Some(url) = hyperlink_instruction(&field.instruction) {
                                field.link = true;
                                out.push(Inline::LinkStart(url));
                            }
                        }
                    }
                    // The guard closes the field whatever it was; a link closes with it.
                    Some("end") if self.fields.pop().is_some_and(|f| f.link) => out.push(Inline::LinkEnd),
                    _ => {}
                },
                "w:instrText" => {
                    if let Some(field) = self.fields.last_mut()
                        && !field.showing
                        && field.instruction.len() < 4096
                    {
                        field.instruction.push_str(&child.text());
                    }
                }
                "w:drawing" if !style.hidden && self.showing() => self.drawing(child, out, extra)?,
                "w:pict" | "w:object" if !style.hidden && self.showing() => self.vml(child, out, extra)?,
                "mc:AlternateContent" if !style.hidden && self.showing() => {
                    if let Some(choice) = alternate(child) {
                        self.run(choice, style, out, extra)?;
                    }
                }
                // w:delText, w:instrText of deleted runs, footnote and comment
                // references, symbols from picture fonts, soft hyphens.
                _ => {}
            }
        }
        Ok(())
    }

    /// A DrawingML picture (`w:drawing`): its pictures, and text boxes.
    fn drawing(&mut self, drawing: &Element, out: &mut Vec<Inline>, extra: &mut Vec<Block>) -> Result<(), ImportError> {
        let mut found = Found::default();
        outside_text_boxes(drawing, &mut found);
        let properties = found.doc_pr;
        let alt = properties
            .and_then(|p| p.attr("descr").filter(|d| !is_generated(d)))
            .or_else(|| properties.and_then(|p| p.attr("title")))
            .map(collapse)
            .unwrap_or_default();
        let mut pictures = 0;
        for blip in &found.blips {
            if let Some(id) = blip.attr("r:embed") {
                if let Some(index) = self.picture(id)? {
                    out.push(Inline::Picture {
                        index,
                        alt: alt.clone(),
                    });
                }
                pictures += 1;
            } else if blip.attr("r:link").is_some() {
                self.skipped.linked += 1;
                pictures += 1;
            }
        }
        if pictures == 0 && found.graphic && found.text_boxes.is_empty() {
            self.skipped.drawings += 1;
        }
        for text_box in found.text_boxes {
            self.blocks(text_box, extra)?;
        }
        Ok(())
    }

    /// An old-style (VML) picture or embedded object: its preview picture.
    fn vml(&mut self, pict: &Element, out: &mut Vec<Inline>, extra: &mut Vec<Block>) -> Result<(), ImportError> {
        let mut found = Found::default();
        outside_text_boxes(pict, &mut found);
        for data in &found.image_data {
            let alt = data.attr("o:title").map(collapse).unwrap_or_default();
            if let Some(id) = data.attr("r:id").or_else(|| data.attr("r:pict"))
                && let Some(index) = self.picture(id)?
            {
                out.push(Inline::Picture { index, alt });
            }
        }
        for text_box in found.text_boxes {
            self.blocks(text_box, extra)?;
        }
        Ok(())
    }

    /// The picture a relationship names, read once; `None` when it cannot
    /// be shown on a web page (counted for the warnings).
    fn picture(&mut self, id: &str) -> Result<Option<usize>, ImportError> {
        let Some(relationship) = self.relationships.get(id).cloned() else {
            self.skipped.missing += 1;
            return Ok(None);
        };
        if relationship.external {
            self.skipped.linked += 1;
            return Ok(None);
        }
        if let Some(known) = self.by_part.get(&relationship.target) {
            return Ok(*known);
        }
        let index = match self.package.read(&relationship.target) {
            Ok(Some(bytes)) => match picture_format(&bytes) {
                Ok(extension) => {
                    self.document.pictures.push(Picture { bytes, extension });
                    Some(self.document.pictures.len() - 1)
                }
                Err(format) => {
                    self.skipped.format(format);
                    None
                }
            },
            Ok(None) | Err(ImportError::Damaged(_)) => {
                self.skipped.missing += 1;
                None
            }
            Err(e) => return Err(e),
        };
        self.by_part.insert(relationship.target, index);
        Ok(index)
    }

    fn table(&mut self, table: &Element) -> Result<Option<Block>, ImportError> {
        let mut rows: Vec<Vec<Vec<Block>>> = Vec::new();
        for row in children_through_controls(table, "w:tr") {
            let mut cells: Vec<Vec<Block>> = Vec::new();
            let properties = row.child("w:trPr");
            let before = grid_count(properties.and_then(|p| p.child_val("w:gridBefore")));
            cells.extend((0..before).map(|_| Vec::new()));
            for cell in children_through_controls(row, "w:tc") {
                let span = grid_count(cell.child("w:tcPr").and_then(|p| p.child_val("w:gridSpan"))).max(1);
                let mut blocks = Vec::new();
                self.blocks(cell, &mut blocks)?;
                // A merged cell's text stands in its first cell; the others
                // (gridSpan to the right, vMerge below) stay empty.
                cells.push(blocks);
                cells.extend((1..span).map(|_| Vec::new()));
            }
            let after = grid_count(properties.and_then(|p| p.child_val("w:gridAfter")));
            cells.extend((0..after).map(|_| Vec::new()));
            cells.truncate(MAX_COLUMNS);
            rows.push(cells);
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0
            || !rows
                .iter()
                .flatten()
                .flatten()
                .any(|b| !b.plain_text().is_empty() || b.has_picture())
        {
            return Ok(None);
        }
        for row in &mut rows {
            row.resize_with(width, Vec::new);
        }
        Ok(Some(Block::Table(rows)))
    }
}

/// How a numbered paragraph is written.
enum Numbered {
    /// A Markdown list item.
    Item(Marker, usize),
    /// A paragraph that starts with its number as Word shows it (“一、”).
    Label(String),
}

fn text(text: String, bold: bool) -> Inline {
    Inline::Text { text, bold }
}

/// Whether an on/off property (`<w:b/>`, `<w:b w:val="false"/>`) is on.
fn on(property: &Element) -> bool {
    !matches!(property.attr("w:val"), Some("0" | "false" | "off"))
}

/// `mc:AlternateContent` offers the same thing twice, new (Choice) and old
/// (Fallback): read only the first choice.
fn alternate(element: &Element) -> Option<&Element> {
    element.child("mc:Choice").or_else(|| element.child("mc:Fallback"))
}

/// The children named `name`, also those inside content controls and custom XML.
fn children_through_controls<'e>(parent: &'e Element, name: &str) -> Vec<&'e Element> {
    let mut out = Vec::new();
    for child in parent.elements() {
        if child.name == name {
            out.push(child);
        } else if matches!(child.name.as_str(), "w:sdt" | "w:sdtContent" | "w:customXml" | "w:ins") {
            out.extend(children_through_controls(child, name));
        }
    }
    out
}

fn grid_count(value: Option<&str>) -> usize {
    value
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_COLUMNS)
}

/// What a drawing holds, its text boxes not looked into.
#[derive(Default)]
struct Found<'e> {
    doc_pr: Option<&'e Element>,
    blips: Vec<&'e Element>,
    image_data: Vec<&'e Element>,
    text_boxes: Vec<&'e Element>,
    /// A graphic (chart, diagram, shape) was there.
    graphic: bool,
}

fn outside_text_boxes<'e>(element: &'e Element, found: &mut Found<'e>) {
    for child in element.elements() {
        match child.name.as_str() {
            "w:txbxContent" => found.text_boxes.push(child),
            "mc:AlternateContent" => {
                if let Some(choice) = alternate(child) {
                    outside_text_boxes(choice, found);
                }
            }
            name => {
                match name {
                    "wp:docPr" if found.doc_pr.is_none() => found.doc_pr = Some(child),
                    "a:blip" => found.blips.push(child),
                    "v:imagedata" => found.image_data.push(child),
                    "a:graphicData" => found.graphic = true,
                    _ => {}
                }
                outside_text_boxes(child, found);
            }
        }
    }
}

/// Word 365 describes pictures by itself (“图片包含 人物 描述已自动生成”);
/// such a description says nothing a reader needs.
fn is_generated(description: &str) -> bool {
    let lower = description.to_lowercase();
    [
        "自动生成",
        "description automatically generated",
        "descripción generada automáticamente",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// The file extension for a picture web pages show, or the name of its format.
fn picture_format(bytes: &[u8]) -> Result<&'static str, &'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Ok("jpg"),
        [0x89, b'P', b'N', b'G', ..] => Ok("png"),
        [b'G', b'I', b'F', b'8', ..] => Ok("gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Ok("webp"),
        [b'B', b'M', ..] => Err("BMP"),
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => Err("TIFF"),
        [0xD7, 0xCD, 0xC6, 0x9A, ..] => Err("WMF"),
        [1, 0, 0, 0, ..] if bytes.len() > 44 && &bytes[40..44] == b" EMF" => Err("EMF"),
        _ if bytes.len() > 12 && &bytes[4..8] == b"ftyp" => Err("HEIC"),
        _ if bytes.starts_with(b"<?xml") || bytes.starts_with(b"<svg") => Err("SVG"),
        _ => Err("未知"),
    }
}

/// The address of a `HYPERLINK "…"` field; none for links inside the
/// document (`\l`).
fn hyperlink_instruction(instruction: &str) -> Option<String> {
    let rest = instruction.trim_start();
    let head = rest.get(..9)?;
    if !head.eq_ignore_ascii_case("HYPERLINK") {
        return None;
    }
    let rest = rest[9..].trim_start();
    if rest.starts_with("\\l") {
        return None;
    }
    let address = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split_whitespace().next()?,
    };
    web_address(address)
}

/// A link address a page may carry: web and mail addresses only (no
/// `file:` links to someone's disk, no `javascript:`).
pub fn web_address(address: &str) -> Option<String> {
    let address = address.trim();
    let lower = address.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len())
        .then(|| address.to_string())
}

/// A number as a list level writes it.
fn number_text(n: u32, format: &str) -> String {
    match format {
        "decimalZero" if n < 10 => format!("0{n}"),
        "upperLetter" => letters(n).to_uppercase(),
        "lowerLetter" => letters(n),
        "upperRoman" => roman(n).to_uppercase(),
        "lowerRoman" => roman(n),
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographDigital"
        | "japaneseCounting"
        | "taiwaneseCounting" => chinese(n),
        "chineseLegalSimplified" => chinese(n)
            .chars()
            .map(|c| match c {
                '一' => '壹',
                '二' => '贰',
                '三' => '叁',
                '四' => '肆',
                '五' => '伍',
                '六' => '陆',
                '七' => '柒',
                '八' => '捌',
                '九' => '玖',
                '十' => '拾',
                '百' => '佰',
                '千' => '仟',
                c => c,
            })
            .collect(),
        "ideographTraditional" if (1..=10).contains(&n) => {
            ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"][n as usize - 1].to_string()
        }
        "ideographZodiac" if (1..=12).contains(&n) => {
            ["子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥"][n as usize - 1].to_string()
        }
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10))
            .collect(),
        _ => n.to_string(),
    }
}

fn letters(n: u32) -> String {
    // Word repeats the letter: a … z, aa … zz.
    let n = n.max(1) - 1;
    let letter = char::from(b'a' + (n % 26) as u8);
    std::iter::repeat_n(letter, (n / 26 + 1).min(10) as usize).collect()
}

fn roman(n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, text) in table {
        while n >= value {
            out.push_str(text);
            n -= value;
        }
    }
    out
}

/// 1 → 一, 10 → 十, 15 → 十五, 21 → 二十一, 105 → 一百零五.
fn chinese(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 || n >= 10_000 {
        return n.to_string();
    }
    if (10..20).contains(&n) {
        return if n == 10 {
            "十".into()
        } else {
            format!("十{}", DIGITS[(n - 10) as usize])
        };
    }
    let mut out = String::new();
    let mut zero = false;
    for (unit, name) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
        let d = (n / unit) % 10;
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(DIGITS[d as usize]);
        out.push_str(name);
    }
    out
}

/// The styles of a document, as far as the import needs them.
#[derive(Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

#[derive(Default)]
struct Style {
    /// Lower case, spaces removed: `heading1`, `标题1`, `caption`.
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    numbering: Option<(Option<String>, Option<u8>)>,
    bold: Option<bool>,
    justification: Option<String>,
}

impl Styles {
    fn read(root: Option<&Element>) -> Styles {
        let mut styles = Styles::default();
        let Some(root) = root else { return styles };
        for s in root.elements().filter(|e| e.name == "w:style") {
            let Some(id) = s.attr("w:styleId") else { continue };
            let paragraph = s.child("w:pPr");
            let name = s.child_val("w:name").unwrap_or(id);
            if s.attr("w:type") == Some("paragraph") && s.attr("w:default").is_some_and(|d| d == "1" || d == "true") {
                styles.default_paragraph = Some(id.to_string());
            }
            let style = Style {
                name: name
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_lowercase(),
                based_on: s.child_val("w:basedOn").map(str::to_string),
                outline: paragraph
                    .and_then(|p| p.child_val("w:outlineLvl"))
                    .and_then(|v| v.parse().ok()),
                numbering: paragraph.and_then(|p| p.child("w:numPr")).map(|n| {
                    (
                        n.child_val("w:numId").map(str::to_string),
                        n.child_val("w:ilvl").and_then(|v| v.parse().ok()),
                    )
                }),
                bold: s.child("w:rPr").and_then(|r| r.child("w:b")).map(on),
                justification: paragraph.and_then(|p| p.child_val("w:jc")).map(str::to_string),
            };
            styles.by_id.insert(id.to_string(), style);
        }
        styles
    }

    /// The style and the styles it is based on, nearest first.
    fn chain<'s>(&'s self, id: &str) -> impl Iterator<Item = (&'s str, &'s Style)> {
        let mut next = self.by_id.get_key_value(id);
        std::iter::from_fn(move || {
            let (id, style) = next?;
            next = style.based_on.as_deref().and_then(|b| self.by_id.get_key_value(b));
            Some((id.as_str(), style))
        })
        .take(MAX_CHAIN)
    }

    /// The style's name, or its id when it has none (or is not defined).
    fn name(&self, id: &str) -> String {
        match self.by_id.get(id) {
            Some(style) => style.name.clone(),
            None => id
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase(),
        }
    }

    /// 0 for the Title style, 1 to 9 for headings, by the style's own name
    /// or the one it is based on.
    fn heading_level(&self, id: &str) -> Option<u8> {
        let own = std::iter::once(self.name(id));
        let bases = self.chain(id).skip(1).map(|(_, s)| s.name.clone());
        own.chain(bases).find_map(|name| {
            if name == "title" || name == "标题" {
                return Some(0);
            }
            let number = name.strip_prefix("heading").or_else(|| name.strip_prefix("标题"))?;
            number.parse::<u8>().ok().filter(|n| (1..=9).contains(n))
        })
    }

    fn outline(&self, id: &str) -> Option<u8> {
        self.chain(id).find_map(|(_, s)| s.outline)
    }

    fn numbering(&self, id: &str) -> Option<(String, Option<u8>)> {
        let (num, ilvl) = self.chain(id).find_map(|(_, s)| s.numbering.clone())?;
        Some((num?, ilvl))
    }

    fn bold(&self, id: &str) -> Option<bool> {
        self.chain(id).find_map(|(_, s)| s.bold)
    }

    fn justification(&self, id: &str) -> Option<&str> {
        self.chain(id).find_map(|(_, s)| s.justification.as_deref())
    }

    fn is_caption(&self, id: &str) -> bool {
        matches!(self.name(id).as_str(), "caption" | "题注")
    }

    /// Table-of-contents entries (`toc 1`, `目录 1`) and its heading.
    fn is_contents(&self, id: &str) -> bool {
        let name = self.name(id);
        let entry = |prefix: &str| name.strip_prefix(prefix).is_some_and(|n| n.parse::<u8>().is_ok());
        entry("toc") || entry("目录") || name == "tocheading"
    }

    /// The nesting of Word's numbered list styles: “List Bullet 2” is one
    /// level in, though its numbering is level 0 of its own list.
    fn list_depth(&self, id: &str) -> Option<usize> {
        let name = self.name(id);
        ["listbullet", "listnumber", "list", "列表项目符号", "列表编号", "列表"]
            .iter()
            .find_map(|p| name.strip_prefix(p)?.parse::<usize>().ok())
            .filter(|n| (2..=9).contains(n))
            .map(|n| n - 1)
    }
}

/// `numbering.xml`: list definitions (abstract) and their instances (num).
#[derive(Default)]
struct Numbering {
    /// numId → (abstractNumId, levels overridden in this instance, whether it restarts)
    nums: HashMap<String, (String, HashMap<u8, Level>, bool)>,
    abstracts: HashMap<String, Abstract>,
}

#[derive(Default)]
struct Abstract {
    levels: HashMap<u8, Level>,
    /// The definition lives in a numbering style's list (`w:numStyleLink`).
    style_link: Option<String>,
}

#[derive(Clone, Debug)]
struct Level {
    /// `bullet`, `decimal`, `chineseCounting`, `none` …
    format: String,
    /// `%1.`, `（%2）`, `•`.
    text: String,
    start: u32,
    /// Every number in decimal (`isLgl`).
    legal: bool,
}

impl Numbering {
    fn read(root: Option<&Element>) -> Numbering {
        let mut numbering = Numbering::default();
        let Some(root) = root else { return numbering };
        for a in root.elements().filter(|e| e.name == "w:abstractNum") {
            let Some(id) = a.attr("w:abstractNumId") else { continue };
            let levels = a
                .elements()
                .filter(|e| e.name == "w:lvl")
                .filter_map(read_level)
                .collect();
            let style_link = a.child_val("w:numStyleLink").map(str::to_string);
            numbering
                .abstracts
                .insert(id.to_string(), Abstract { levels, style_link });
        }
        for n in root.elements().filter(|e| e.name == "w:num") {
            let (Some(id), Some(abstract_id)) = (n.attr("w:numId"), n.child_val("w:abstractNumId")) else {
                continue;
            };
            let mut overrides = HashMap::new();
            let mut restarts = false;
            for o in n.elements().filter(|e| e.name == "w:lvlOverride") {
                let Some(ilvl) = o.attr("w:ilvl").and_then(|v| v.parse::<u8>().ok()) else {
                    continue;
                };
                if let Some(level) = o.child("w:lvl").and_then(read_level) {
                    overrides.insert(ilvl, level.1);
                }
                restarts |= o.child("w:startOverride").is_some();
            }
            numbering
                .nums
                .insert(id.to_string(), (abstract_id.to_string(), overrides, restarts));
        }
        numbering
    }

    fn level(&self, num_id: &str, ilvl: u8, styles: &Styles) -> Option<Level> {
        let (abstract_id, overrides, _) = self.nums.get(num_id)?;
        if let Some(level) = overrides.get(&ilvl) {
            return Some(level.clone());
        }
        let mut definition = self.abstracts.get(abstract_id)?;
        // A list style's definition is one hop away: the style's numbering.
        if let Some(link) = &definition.style_link
            && let Some((linked, _)) = styles.numbering(link)
            && let Some((linked_abstract, _, _)) = self.nums.get(&linked)
            && let Some(found) = self.abstracts.get(linked_abstract)
        {
            definition = found;
        }
        definition.levels.get(&ilvl).cloned()
    }

    /// Instances of one definition count on from each other, as in Word,
    /// unless the instance restarts its numbers.
    fn counter_key(&self, num_id: &str) -> String {
        match self.nums.get(num_id) {
            Some((abstract_id, _, false)) => format!("a{abstract_id}"),
            _ => format!("n{num_id}"),
        }
    }
}

fn read_level(lvl: &Element) -> Option<(u8, Level)> {
    let ilvl = lvl.attr("w:ilvl")?.parse::<u8>().ok().filter(|l| *l < 9)?;
    Some((
        ilvl,
        Level {
            format: lvl.child_val("w:numFmt").unwrap_or("decimal").to_string(),
            text: lvl.child_val("w:lvlText").unwrap_or("").to_string(),
            start: lvl.child_val("w:start").and_then(|v| v.parse().ok()).unwrap_or(1),
            legal: lvl.child("w:isLgl").is_some_and(on),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_word_writes_them() {
        assert_eq!(chinese(1), "一");
        assert_eq!(chinese(10), "十");
        assert_eq!(chinese(15), "十五");
        assert_eq!(chinese(21), "二十一");
        assert_eq!(chinese(105), "一百零五");
        assert_eq!(chinese(1010), "一千零一十");
        assert_eq!(number_text(3, "upperRoman"), "III");
        assert_eq!(number_text(28, "lowerLetter"), "bb");
        assert_eq!(number_text(2, "decimalEnclosedCircle"), "②");
        assert_eq!(number_text(12, "decimalFullWidth"), "１２");
        assert_eq!(number_text(2, "chineseLegalSimplified"), "贰");
        assert_eq!(number_text(7, "decimalZero"), "07");
    }

    #[test]
    fn hyperlink_fields_give_web_addresses_only() {
        assert_eq!(
            hyperlink_instruction(r#" HYPERLINK "https://a.gov.cn/x" \o "提示" "#).as_deref(),
            Some("https://a.gov.cn/x")
        );
        assert_eq!(hyperlink_instruction(r#"HYPERLINK \l "_Toc1""#), None);
        assert_eq!(hyperlink_instruction(r#"HYPERLINK "file:///C:/a.doc""#), None);
        assert_eq!(hyperlink_instruction(" PAGE "), None);
        assert_eq!(hyperlink_instruction("HYPER"), None);
        assert_eq!(web_address("javascript:alert(1)"), None);
        assert_eq!(
            web_address("mailto:zx@example.cn").as_deref(),
            Some("mailto:zx@example.cn")
        );
    }

    #[test]
    fn picture_formats_are_told_by_their_bytes() {
        assert_eq!(picture_format(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok("jpg"));
        assert_eq!(picture_format(b"\x89PNG\r\n"), Ok("png"));
        assert_eq!(picture_format(b"BM...."), Err("BMP"));
        assert_eq!(picture_format(b""), Err("未知"));
    }
}
