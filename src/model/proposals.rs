//! Proposals (提案): the fields of each proposal, checked against the values
//! committees use, and the statistics per session that a 提案工作情况报告 gives —
//! computed at build time, rounded to one decimal place as they are reported.

use std::collections::HashMap;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::read;

use super::column::ColumnKind;
use super::page::Page;
use super::{Site, files, members, slug};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Filed,
    NotFiled,
    InProgress,
    Replied,
}

const STATUSES: &[(Status, &str)] = &[
    (Status::Filed, "立案"),
    (Status::NotFiled, "不予立案"),
    (Status::InProgress, "办理中"),
    (Status::Replied, "已办复"),
];

impl Status {
    pub fn label(self) -> &'static str {
        STATUSES.iter().find(|(s, _)| *s == self).map_or("", |(_, l)| l)
    }

    /// Accepted for filing: every status except 不予立案.
    pub fn is_filed(self) -> bool {
        self != Status::NotFiled
    }

    fn parse(text: &str) -> Option<Status> {
        let text = text.trim();
        let text = match text {
            "已立案" => "立案",
            "已办结" | "办结" | "已答复" => "已办复",
            "正在办理" => "办理中",
            "未立案" => "不予立案",
            other => other,
        };
        STATUSES.iter().find(|(_, l)| *l == text).map(|(s, _)| *s)
    }
}

/// 办理结果: A 已解决或采纳, B 正在解决或列入计划, C 留作参考.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Grade {
    A,
    B,
    C,
}

impl Grade {
    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Grade::A => "已解决或采纳",
            Grade::B => "正在解决或列入计划",
            Grade::C => "留作参考",
        }
    }

    fn parse(text: &str) -> Option<Grade> {
        let t = text.trim().trim_end_matches('类').trim();
        match t {
            "A" | "a" | "Ａ" => Some(Grade::A),
            "B" | "b" | "Ｂ" => Some(Grade::B),
            "C" | "c" | "Ｃ" => Some(Grade::C),
            _ => [Grade::A, Grade::B, Grade::C].into_iter().find(|g| g.meaning() == t),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Satisfaction {
    Satisfied,
    Basically,
    Unsatisfied,
}

impl Satisfaction {
    pub fn label(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basically => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
        }
    }

    fn parse(text: &str) -> Option<Satisfaction> {
        match text.trim() {
            "满意" => Some(Satisfaction::Satisfied),
            "基本满意" => Some(Satisfaction::Basically),
            "不满意" => Some(Satisfaction::Unsatisfied),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Proposer {
    /// Index into `Site::members`.
    Member(usize),
    /// A group or a person without a member page (民建溪山区基层委员会).
    Named(String),
}

#[derive(Debug)]
pub enum Reply {
    Text(String),
    /// A reply letter, found on disk.
    File(super::files::FileLink),
}

#[derive(Debug)]
pub struct Proposal {
    /// Index into `Site::pages`.
    pub page: usize,
    pub number: String,
    pub session: String,
    pub proposers: Vec<Proposer>,
    pub category: String,
    pub status: Status,
    pub handler: String,
    pub reply: Option<Reply>,
    pub result: Option<Grade>,
    pub satisfaction: Option<Satisfaction>,
}

/// Fields of a proposal page as written, before proposers are matched to members.
pub struct Fields {
    pub number: String,
    pub session: String,
    pub proposers: Vec<String>,
    pub category: String,
    pub status: Status,
    pub handler: String,
    pub reply: Option<String>,
    pub result: Option<Grade>,
    pub satisfaction: Option<Satisfaction>,
}

/// Reads and checks the proposal fields of `page`. Every problem is reported;
/// `None` when the proposal cannot be counted (no valid session or status).
pub fn fields_of(page: &Page, diagnostics: &Diagnostics) -> Option<Fields> {
    let extra = &page.meta.extra;
    let text = |key: &str| extra.get(key).and_then(read::string).unwrap_or_default();
    let error = |key: &str, message: String, hint: String| {
        let mut d = Diagnostic::error(&page.shown, message).hint(hint);
        if let Some(line) = page.meta.line_of(key) {
            d = d.at_line(line);
        }
        diagnostics.push(d);
    };
    let mut ok = true;

    let session = text("session");
    if session.is_empty() {
        error(
            "session",
            "提案缺少所属会议 session（会议）".into(),
            "在开头的设置里加一行，例如“session: 十届三次会议”；统计按会议分别计算".into(),
        );
        ok = false;
    }
    let status_text = text("status");
    let status = if status_text.is_empty() {
        error(
            "status",
            "提案缺少办理状态 status（状态）".into(),
            format!("加一行，例如“status: 已办复”；可选：{}", status_choices()),
        );
        None
    } else {
        let parsed = Status::parse(&status_text);
        if parsed.is_none() {
            error(
                "status",
                format!("提案状态“{status_text}”不是规定的写法"),
                format!("状态只能是：{}", status_choices()),
            );
        }
        parsed
    };
    let result = optional(&text("result"), Grade::parse).unwrap_or_else(|bad| {
        error(
            "result",
            format!("办理结果“{bad}”不是规定的写法"),
            "办理结果只能是：A（已解决或采纳）、B（正在解决或列入计划）、C（留作参考）".into(),
        );
        None
    });
    let satisfaction = optional(&text("satisfaction"), Satisfaction::parse).unwrap_or_else(|bad| {
        error(
            "satisfaction",
            format!("满意度“{bad}”不是规定的写法"),
            "满意度只能是：满意、基本满意、不满意".into(),
        );
        None
    });
    let proposers = match extra.get("proposers").map(read::string_list) {
        None => Vec::new(),
        Some(Some(list)) => list,
        Some(None) => {
            error(
                "proposers",
                "“proposers”（提案人）应是一组委员编号或名称".into(),
                "写成“proposers: [zhang-wei, li-na]”，集体提案写单位名称".into(),
            );
            Vec::new()
        }
    };
    if proposers.is_empty() && ok {
        let mut d = Diagnostic::warning(&page.shown, "提案没有填写提案人 proposers")
            .hint("加一行，例如“proposers: [zhang-wei]”；集体提案写单位名称，如“proposers: [民建溪山区基层委员会]”");
        d = d.at_line(1);
        diagnostics.push(d);
    }
    let status = status?;
    if (result.is_some() || satisfaction.is_some()) && status != Status::Replied {
        let key = if result.is_some() { "result" } else { "satisfaction" };
        let mut d = Diagnostic::warning(
            &page.shown,
            format!("提案状态是“{}”，办理结果和满意度只在“已办复”后填写", status.label()),
        )
        .hint("如果已经答复，把状态改为“已办复”；否则删掉办理结果和满意度，它们不计入统计");
        if let Some(line) = page.meta.line_of(key) {
            d = d.at_line(line);
        }
        diagnostics.push(d);
    }
    if !ok {
        return None;
    }
    let replied = status == Status::Replied;
    Some(Fields {
        number: text("number"),
        session,
        proposers,
        category: text("category"),
        status,
        handler: text("handler"),
        reply: Some(text("reply")).filter(|r| !r.is_empty()),
        result: result.filter(|_| replied),
        satisfaction: satisfaction.filter(|_| replied),
    })
}

/// `Ok(None)` for an empty value, `Ok(Some)` for a valid one, `Err(text)` otherwise.
fn optional<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).ok_or_else(|| text.to_string())
}

fn status_choices() -> String {
    STATUSES.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("、")
}

/// A share in tenths of a percent, rounded half up: 57 of 62 → 919 (91.9%).
/// `None` when there is nothing to divide by.
pub fn per_mille(part: usize, whole: usize) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (part as u64, whole as u64);
    Some((part * 2000 + whole) / (2 * whole))
}

/// `91.9%`, or `—` when the rate is undefined.
pub fn percent(per_mille: Option<u64>) -> String {
    match per_mille {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".to_string(),
    }
}

/// The figures of one session, as a 提案工作情况报告 gives them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionStats {
    pub session: String,
    /// 收到提案
    pub received: usize,
    /// 立案 (every status except 不予立案)
    pub filed: usize,
    pub filing_rate: String,
    /// 已办复
    pub replied: usize,
    /// replied ÷ filed
    pub reply_rate: String,
    pub a: usize,
    pub b: usize,
    pub c: usize,
    /// A, B, C ÷ filed
    pub a_share: String,
    pub b_share: String,
    pub c_share: String,
    pub satisfied: usize,
    pub basically_satisfied: usize,
    pub unsatisfied: usize,
    /// (满意 + 基本满意) ÷ proposals whose proposers gave an opinion
    pub satisfaction_rate: String,
    /// The same rates in tenths of a percent, for charts.
    #[serde(skip)]
    pub rates: Rates,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rates {
    pub filing: Option<u64>,
    pub reply: Option<u64>,
    pub satisfaction: Option<u64>,
    pub a: Option<u64>,
    pub b: Option<u64>,
    pub c: Option<u64>,
}

/// Statistics per session, newest session first.
pub fn statistics(proposals: &[&Proposal], session_order: &[String]) -> Vec<SessionStats> {
    let mut by_session: HashMap<&str, SessionStats> = HashMap::new();
    for p in proposals {
        let s = by_session.entry(p.session.as_str()).or_insert_with(|| SessionStats {
            session: p.session.clone(),
            ..Default::default()
        });
        s.received += 1;
        if p.status.is_filed() {
            s.filed += 1;
        }
        if p.status == Status::Replied {
            s.replied += 1;
        }
        match p.result {
            Some(Grade::A) => s.a += 1,
            Some(Grade::B) => s.b += 1,
            Some(Grade::C) => s.c += 1,
            None => {}
        }
        match p.satisfaction {
            Some(Satisfaction::Satisfied) => s.satisfied += 1,
            Some(Satisfaction::Basically) => s.basically_satisfied += 1,
            Some(Satisfaction::Unsatisfied) => s.unsatisfied += 1,
            None => {}
        }
    }
    session_order
        .iter()
        .filter_map(|name| by_session.remove(name.as_str()))
        .map(|mut s| {
            let rated = s.satisfied + s.basically_satisfied + s.unsatisfied;
            s.rates = Rates {
                filing: per_mille(s.filed, s.received),
                reply: per_mille(s.replied, s.filed),
                satisfaction: per_mille(s.satisfied + s.basically_satisfied, rated),
                a: per_mille(s.a, s.filed),
                b: per_mille(s.b, s.filed),
                c: per_mille(s.c, s.filed),
            };
            s.filing_rate = percent(s.rates.filing);
            s.reply_rate = percent(s.rates.reply);
            s.satisfaction_rate = percent(s.rates.satisfaction);
            s.a_share = percent(s.rates.a);
            s.b_share = percent(s.rates.b);
            s.c_share = percent(s.rates.c);
            s
        })
        .collect()
}

/// Orders sessions newest first: `十届三次会议` → (10, 3); sessions whose name
/// carries no numbers keep the order of their newest proposal.
pub fn session_order(sessions: impl IntoIterator<Item = (String, Option<jiff::Timestamp>)>) -> Vec<String> {
    let mut newest: HashMap<String, Option<jiff::Timestamp>> = HashMap::new();
    for (name, date) in sessions {
        let entry = newest.entry(name).or_insert(date);
        if date > *entry {
            *entry = date;
        }
    }
    let mut list: Vec<(String, Option<jiff::Timestamp>)> = newest.into_iter().collect();
    list.sort_by(|(a, da), (b, db)| {
        numbers_in(b)
            .cmp(&numbers_in(a))
            .then_with(|| db.cmp(da))
            .then_with(|| a.cmp(b))
    });
    list.into_iter().map(|(name, _)| name).collect()
}

/// The numbers in a name, Chinese (十届三次) or Arabic (2025年第1期), in order.
pub fn numbers_in(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n: u64 = 0;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d as u64);
                chars.next();
            }
            out.push(n);
        } else if chinese_digit(c).is_some() || c == '十' || c == '百' {
            let mut run = String::new();
            while let Some(&c) = chars.peek() {
                if chinese_digit(c).is_some() || c == '十' || c == '百' {
                    run.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(chinese_number(&run));
        } else {
            chars.next();
        }
    }
    out
}

fn chinese_digit(c: char) -> Option<u64> {
    "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u64)
}

/// 三 → 3, 十 → 10, 十三 → 13, 二十 → 20, 一百零五 → 105.
fn chinese_number(run: &str) -> u64 {
    let mut total = 0;
    let mut digit = 0;
    for c in run.chars() {
        match c {
            '百' => {
                total += digit.max(1) * 100;
                digit = 0;
            }
            '十' => {
                total += digit.max(1) * 10;
                digit = 0;
            }
            c => digit = chinese_digit(c).unwrap_or(0),
        }
    }
    total + digit
}

/// Numbers compare as numbers (`10-5-9` before `10-5-10`).
pub fn number_order(a: &str, b: &str) -> std::cmp::Ordering {
    numbers_in(a).cmp(&numbers_in(b)).then_with(|| a.cmp(b))
}

/// A `proposals` column: the table, statistics per session, and one page per
/// filter value (session, status, category) so filtering needs no server.
#[derive(Debug)]
pub struct ProposalsView {
    pub column: usize,
    /// Indices into `Site::proposals`: newest session first, then by number.
    pub table: Vec<usize>,
    pub stats: Vec<SessionStats>,
    pub facets: Vec<Facet>,
}

#[derive(Debug)]
pub struct Facet {
    /// `session`, `status` or `category`.
    pub key: &'static str,
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

#[derive(Debug)]
pub struct FacetValue {
    pub name: String,
    pub path: String,
    /// Indices into `Site::proposals`, in table order.
    pub proposals: Vec<usize>,
}

/// Proposals from the pages of `proposals` columns: fields checked, proposers
/// matched to members, statistics and filter pages per column.
pub fn collect(site: &mut Site, root: &std::path::Path, diagnostics: &Diagnostics) {
    let directory = members::Directory::new(&site.members);
    let mut list: Vec<Proposal> = Vec::new();
    for column in site.columns.iter().filter(|c| c.kind == ColumnKind::Proposals) {
        for &p in &column.pages {
            let page = &site.pages[p];
            let Some(fields) = fields_of(page, diagnostics) else {
                continue;
            };
            let proposers = fields
                .proposers
                .iter()
                .map(|name| match directory.find(name) {
                    Some(m) => Proposer::Member(m),
                    None => {
                        if members::looks_like_id(name) {
                            diagnostics.push(directory.unknown(page, name, "提案人", &site.columns));
                        } else if let Some(close) = directory.suggest(name) {
                            let mut d = Diagnostic::warning(
                                &page.shown,
                                format!("提案人“{name}”不是本站的委员，按集体或其他提案人显示"),
                            )
                            .hint(format!("如果是委员“{close}”，请改成这个写法，提案才会进入他的履职记录"));
                            if let Some(line) = page.meta.line_of("proposers") {
                                d = d.at_line(line);
                            }
                            diagnostics.push(d);
                        }
                        Proposer::Named(name.clone())
                    }
                })
                .collect();
            let reply = match fields.reply {
                Some(r) if files::looks_like_file(&r) => files::resolve(
                    root,
                    &files::Owner::page(page),
                    &r,
                    "答复函",
                    files::Role::Reply,
                    page.meta.line_of("reply"),
                    diagnostics,
                )
                .map(Reply::File),
                Some(r) => Some(Reply::Text(r)),
                None => None,
            };
            list.push(Proposal {
                page: p,
                number: fields.number,
                session: fields.session,
                proposers,
                category: fields.category,
                status: fields.status,
                handler: fields.handler,
                reply,
                result: fields.result,
                satisfaction: fields.satisfaction,
            });
        }
    }
    for (i, proposal) in list.iter().enumerate() {
        site.pages[proposal.page].proposal = Some(i);
    }
    for (c, column) in site.columns.iter().enumerate() {
        if column.kind != ColumnKind::Proposals {
            continue;
        }
        let mine: Vec<usize> = (0..list.len())
            .filter(|&i| site.pages[list[i].page].column == Some(c))
            .collect();
        let sessions = session_order(mine.iter().map(|&i| {
            let date = site.pages[list[i].page].meta.date.as_ref().map(|d| d.timestamp());
            (list[i].session.clone(), date)
        }));
        let rank = |s: &str| sessions.iter().position(|x| x == s).unwrap_or(usize::MAX);
        let mut table = mine;
        table.sort_by(|&a, &b| {
            rank(&list[a].session)
                .cmp(&rank(&list[b].session))
                .then_with(|| number_order(&list[a].number, &list[b].number))
                .then_with(|| site.pages[list[a].page].rel.cmp(&site.pages[list[b].page].rel))
        });
        let refs: Vec<&Proposal> = table.iter().map(|&i| &list[i]).collect();
        let stats = statistics(&refs, &sessions);
        let facet = |key: &'static str, label: &'static str, folder: &str, value: &dyn Fn(&Proposal) -> String| {
            let mut values: Vec<FacetValue> = Vec::new();
            for &i in &table {
                let name = value(&list[i]);
                if name.is_empty() {
                    continue;
                }
                match values.iter_mut().find(|v| v.name == name) {
                    Some(v) => v.proposals.push(i),
                    None => values.push(FacetValue {
                        path: format!("{}{folder}/{}/", column.path, slug::slugify(&name)),
                        name,
                        proposals: vec![i],
                    }),
                }
            }
            Facet { key, label, values }
        };
        let mut facets = vec![
            facet("session", "会议", "huiyi", &|p: &Proposal| p.session.clone()),
            facet("status", "状态", "zhuangtai", &|p: &Proposal| {
                p.status.label().to_string()
            }),
            facet("category", "类别", "leibie", &|p: &Proposal| p.category.clone()),
        ];
        // Sessions newest first (the table order already); statuses in their
        // procedural order; categories by pinyin.
        facets[1].values.sort_by_key(|v| {
            ["立案", "办理中", "已办复", "不予立案"]
                .iter()
                .position(|s| *s == v.name)
        });
        facets[2].values.sort_by_cached_key(|v| slug::sort_key(&v.name));
        site.proposal_views.push(ProposalsView {
            column: c,
            table,
            stats,
            facets,
        });
    }
    site.proposals = list;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(session: &str, status: Status, result: Option<Grade>, sat: Option<Satisfaction>) -> Proposal {
        Proposal {
            page: 0,
            number: String::new(),
            session: session.into(),
            proposers: Vec::new(),
            category: String::new(),
            status,
            handler: String::new(),
            reply: None,
            result,
            satisfaction: sat,
        }
    }

    #[test]
    fn rates_round_half_up_to_one_decimal() {
        assert_eq!(percent(per_mille(2, 3)), "66.7%");
        assert_eq!(percent(per_mille(1, 3)), "33.3%");
        assert_eq!(percent(per_mille(1, 8)), "12.5%"); // exactly 12.5
        assert_eq!(percent(per_mille(1, 16)), "6.3%"); // 6.25 rounds up
        assert_eq!(percent(per_mille(5, 5)), "100.0%");
        assert_eq!(percent(per_mille(0, 0)), "—");
    }

    #[test]
    fn statistics_follow_the_report_definitions() {
        use Grade::*;
        use Satisfaction::*;
        use Status::*;
        let list = [
            proposal("十届一次会议", Replied, Some(A), Some(Satisfied)),
            proposal("十届一次会议", Replied, Some(B), Some(Basically)),
            proposal("十届一次会议", Replied, Some(C), Some(Unsatisfied)),
            proposal("十届一次会议", InProgress, None, None),
            proposal("十届一次会议", Filed, None, None),
            proposal("十届一次会议", NotFiled, None, None),
            proposal("十届二次会议", NotFiled, None, None),
        ];
        let refs: Vec<&Proposal> = list.iter().collect();
        let order = vec!["十届二次会议".to_string(), "十届一次会议".to_string()];
        let stats = statistics(&refs, &order);
        assert_eq!(stats[0].session, "十届二次会议");
        assert_eq!(stats[0].filing_rate, "0.0%");
        assert_eq!(stats[0].reply_rate, "—");
        let s = &stats[1];
        assert_eq!((s.received, s.filed, s.replied), (6, 5, 3));
        assert_eq!(s.filing_rate, "83.3%");
        assert_eq!(s.reply_rate, "60.0%");
        assert_eq!((s.a, s.b, s.c), (1, 1, 1));
        assert_eq!(s.a_share, "20.0%");
        assert_eq!(s.satisfaction_rate, "66.7%");
    }

    #[test]
    fn sessions_order_by_their_numbers() {
        let order = session_order([
            ("十届三次会议".to_string(), None),
            ("十届十二次会议".to_string(), None),
            ("九届五次会议".to_string(), None),
            ("十届四次会议".to_string(), None),
        ]);
        assert_eq!(
            order,
            ["十届十二次会议", "十届四次会议", "十届三次会议", "九届五次会议"]
        );
        assert_eq!(numbers_in("2025年第12期"), [2025, 12]);
        assert_eq!(chinese_number("二十三"), 23);
        assert_eq!(chinese_number("一百零五"), 105);
    }

    #[test]
    fn values_accept_common_spellings_only() {
        assert_eq!(Status::parse("已办结"), Some(Status::Replied));
        assert_eq!(Status::parse("待定"), None);
        assert_eq!(Grade::parse("A类"), Some(Grade::A));
        assert_eq!(Grade::parse("留作参考"), Some(Grade::C));
        assert_eq!(Grade::parse("D"), None);
        assert_eq!(Satisfaction::parse("很满意"), None);
        assert_eq!(number_order("10-5-9", "10-5-10"), std::cmp::Ordering::Less);
    }
}
