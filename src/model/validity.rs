//! A document's validity (文件效力): whether a notice or document still
//! applies, or has been amended (已修改), repealed (已废止) or has expired
//! (已失效), since when, and which document replaces it. The State Council's
//! guideline for government websites (国办发〔2017〕47号) asks that the
//! original of such a document say so.
//!
//! The setting is `status` (状态), the same key a proposal uses for its
//! handling status: in a `proposals` column it is read by
//! [`super::proposals`], everywhere else here. `status_date` (变更日期) and
//! `replaced_by` (替代文件: an `@/栏目/文件.md` link or a web address) go with it.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::yaml::read;

use super::Site;
use super::column::ColumnKind;
use super::page::Page;

/// The four states a document may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    Amended,
    Repealed,
    Expired,
}

/// (state, its label, the other ways users may write it).
const NAMES: &[(Validity, &str, &[&str])] = &[
    (Validity::Valid, "有效", &["valid", "现行有效"]),
    (Validity::Amended, "已修改", &["amended", "修改", "已修订", "修订"]),
    (Validity::Repealed, "已废止", &["repealed", "废止"]),
    (Validity::Expired, "已失效", &["expired", "失效"]),
];

impl Validity {
    pub fn parse(text: &str) -> Option<Validity> {
        let text = text.trim();
        NAMES
            .iter()
            .find(|(_, label, others)| *label == text || others.iter().any(|o| o.eq_ignore_ascii_case(text)))
            .map(|(v, _, _)| *v)
    }

    /// 有效, 已修改, 已废止 or 已失效.
    pub fn label(self) -> &'static str {
        NAMES.iter().find(|(v, _, _)| *v == self).map_or("有效", |(_, l, _)| l)
    }

    /// The verb of the banner: “本文件已于……废止”.
    fn verb(self) -> &'static str {
        match self {
            Validity::Valid => "",
            Validity::Amended => "修改",
            Validity::Repealed => "废止",
            Validity::Expired => "失效",
        }
    }

    /// The English word, for the class names of the theme and the page's metadata.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(v, _, _)| *v == self)
            .map_or("valid", |(_, _, o)| o[0])
    }

    fn choices() -> String {
        NAMES.iter().map(|(_, l, _)| *l).collect::<Vec<_>>().join("、")
    }
}

/// What replaces a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacement {
    /// A page of this site, by index into `Site::pages`.
    Page(usize),
    /// A web address, or a site path starting with `/`, as written.
    Url(String),
}

/// A document's validity as its front matter gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocStatus {
    pub validity: Validity,
    /// When it was amended, repealed or expired.
    pub date: Option<Date>,
    pub replaced_by: Option<Replacement>,
}

impl DocStatus {
    /// Whether the document no longer applies as published: shown with a
    /// banner and marked in lists and search.
    pub fn is_marked(&self) -> bool {
        self.validity != Validity::Valid
    }

    /// The sentence of the banner, without the replacement's title:
    /// “本文件已于2026年5月1日废止” or “本文件已废止”.
    pub fn sentence(&self) -> String {
        match (self.validity, self.date) {
            (Validity::Valid, _) => "本文件现行有效".into(),
            (v, Some(date)) => format!("本文件已于{}{}", crate::dates::chinese(date), v.verb()),
            (v, None) => format!("本文件{}", v.label()),
        }
    }
}

/// Reads the validity of every page outside `proposals` columns. Problems
/// are reported with the file and line; a page whose settings are wrong is
/// shown without a status (the build fails anyway).
pub fn collect(site: &mut Site, diagnostics: &Diagnostics) {
    let page_of: HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel.as_str(), i))
        .collect();
    let statuses: Vec<(usize, DocStatus)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.column.map(|c| site.columns[c].kind) != Some(ColumnKind::Proposals))
        .filter_map(|(i, p)| read_status(p, site, &page_of, diagnostics).map(|s| (i, s)))
        .collect();
    for (i, status) in statuses {
        site.pages[i].status = Some(status);
    }
}

fn read_status(
    page: &Page,
    site: &Site,
    page_of: &HashMap<&str, usize>,
    diagnostics: &Diagnostics,
) -> Option<DocStatus> {
    let extra = &page.meta.extra;
    let error = |key: &str, message: String, hint: String| {
        let mut d = Diagnostic::error(&page.shown, message).hint(hint);
        if let Some(line) = page.meta.line_of(key) {
            d = d.at_line(line);
        }
        diagnostics.push(d);
    };
    let text = |key: &str| {
        extra
            .get(key)
            .map(|v| read::string(v).unwrap_or_default().trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let status = text("status");
    let date_text = text("status_date");
    let link = text("replaced_by");
    let Some(status) = status else {
        if date_text.is_some() || link.is_some() {
            let key = if date_text.is_some() {
                "status_date"
            } else {
                "replaced_by"
            };
            error(
                key,
                "写了变更日期或替代文件，但没有写文件的效力状态 status（状态）".into(),
                format!(
                    "加一行，例如“status: 已废止”；可选：{}。文件仍然有效时，删掉变更日期和替代文件",
                    Validity::choices()
                ),
            );
        }
        return None;
    };
    let mut ok = true;
    let validity = Validity::parse(&status);
    if validity.is_none() {
        let names = NAMES.iter().map(|(_, l, _)| *l);
        let hint = match did_you_mean(&status, names) {
            Some(close) => format!("是不是想写“{close}”？文件的效力状态只能是：{}", Validity::choices()),
            None => format!(
                "文件的效力状态只能是：{}（也可写英文 valid、amended、repealed、expired）",
                Validity::choices()
            ),
        };
        error("status", format!("文件的效力状态“{status}”不是规定的写法"), hint);
        ok = false;
    }
    let date = match &date_text {
        None => None,
        Some(t) => match crate::dates::parse(t, &site.config.tz) {
            Some(z) => Some(z.date()),
            None => {
                error(
                    "status_date",
                    format!("变更日期“{t}”无法识别"),
                    format!("写成 {}，并确认是真实存在的日期", crate::dates::ACCEPTED_FORMS),
                );
                ok = false;
                None
            }
        },
    };
    let replaced_by = match &link {
        None => None,
        Some(link) => match replacement(link, site, page_of) {
            Ok(r) => Some(r),
            Err((message, hint)) => {
                error("replaced_by", message, hint);
                ok = false;
                None
            }
        },
    };
    let validity = validity?;
    if validity == Validity::Valid && (date.is_some() || replaced_by.is_some()) {
        let key = if date.is_some() { "status_date" } else { "replaced_by" };
        error(
            key,
            "文件状态是“有效”，却写了变更日期或替代文件".into(),
            "文件已被修改、废止或失效时，把状态改为“已修改”“已废止”或“已失效”；仍然有效时删掉这两项".into(),
        );
        ok = false;
    }
    ok.then_some(DocStatus {
        validity,
        date,
        replaced_by,
    })
}

/// Where `replaced_by` points: a page of the site (`@/栏目/文件.md`), a web
/// address, or a site path. Errors are (message, hint).
fn replacement(link: &str, site: &Site, page_of: &HashMap<&str, usize>) -> Result<Replacement, (String, String)> {
    if let Some(target) = link.strip_prefix("@/") {
        let path = target.trim_start_matches('/');
        if let Some(&i) = page_of.get(path) {
            return Ok(Replacement::Page(i));
        }
        let why = site.link_table.excluded.get(path);
        return Err(match why {
            Some(&"") => (
                format!("替代文件 @/{path} 有错误，无法链接"),
                "先改正那个文件里报告的错误".into(),
            ),
            Some(why) => (
                format!("替代文件 @/{path} 是{why}，正式发布时不会生成"),
                "等那篇文章发布后再写替代文件，或者先删掉这一行".into(),
            ),
            None if site.link_table.targets.contains_key(path) => (
                format!("替代文件 @/{path} 是栏目或书的首页，不是一篇文章"),
                "写出替代它的那篇文章，例如“replaced_by: \"@/tongzhi/2026-05-01-xin-tongzhi.md\"”".into(),
            ),
            None => (
                format!("替代文件 @/{path} 不存在"),
                match did_you_mean(path, page_of.keys().copied()) {
                    Some(close) => format!("是不是想写 @/{close}？路径从 content/ 下的栏目文件夹写起"),
                    None => "检查文件名是否写对；路径从 content/ 下的栏目文件夹写起，例如 @/tongzhi/2026-05-01-xin-tongzhi.md"
                        .into(),
                },
            ),
        });
    }
    let web = ["https://", "http://"]
        .iter()
        .any(|p| link.len() > p.len() && link.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p)));
    if (web || (link.starts_with('/') && !link.starts_with("//"))) && !link.contains(char::is_whitespace) {
        return Ok(Replacement::Url(link.to_string()));
    }
    Err((
        format!("替代文件“{link}”不是站内文章的链接，也不是网址"),
        "本站的文章写成“replaced_by: \"@/栏目文件夹/文件名.md\"”（加英文引号）；其他网站的文件写完整网址，以 https:// 开头"
            .into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_chinese_and_english_names() {
        assert_eq!(Validity::parse("已废止"), Some(Validity::Repealed));
        assert_eq!(Validity::parse(" Repealed "), Some(Validity::Repealed));
        assert_eq!(Validity::parse("失效"), Some(Validity::Expired));
        assert_eq!(Validity::parse("有效"), Some(Validity::Valid));
        assert_eq!(Validity::parse("已修改"), Some(Validity::Amended));
        assert_eq!(Validity::parse("作废"), None);
        assert_eq!(Validity::Amended.name(), "amended");
    }

    #[test]
    fn the_banner_sentence_names_the_date() {
        let status = DocStatus {
            validity: Validity::Repealed,
            date: Some(jiff::civil::date(2026, 5, 1)),
            replaced_by: None,
        };
        assert_eq!(status.sentence(), "本文件已于2026年5月1日废止");
        let undated = DocStatus { date: None, ..status };
        assert_eq!(undated.sentence(), "本文件已废止");
    }
}
