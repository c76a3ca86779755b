//! `wording`: known-wrong official wordings and their corrections — spun
//! synonyms (效劳群众 for 服务群众), outdated or non-standard formulations
//! (“一带一路”战略, 共商国事, 原XX部部长), commonly confused words.
//!
//! The list is the data file `wording.tsv` (embedded), which a site extends or
//! trims in site.yaml (`check.wording`). Matching is one pass over the text,
//! leftmost-longest and without overlaps: a table of the phrases' first
//! characters picks the few positions where one can start, and an anchored
//! Aho-Corasick automaton finds the longest phrase starting there. Each entry
//! may name longer correct phrases that contain it (“人大委员长” for “人大委员”),
//! which the same pass matches first, so correct text is never flagged.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use regex::Regex;

use super::rules::Level;
use super::{Finding, Hit};
use crate::check::rules::Rule;
use crate::config::WordingSettings;

const BUILTIN: &str = include_str!("wording.tsv");

/// The name of the built-in rule for “原XX部部长”, to remove it in site.yaml.
pub const FORMER_TITLE: &str = "原XX部部长";

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub wrong: String,
    pub right: String,
    pub category: String,
    pub level: Level,
    pub reason: String,
    pub exceptions: Vec<String>,
}

enum Pattern {
    Entry(usize),
    Exception,
}

/// 2^16 bits: a set of characters, or of pairs of characters by hash.
struct Bits(Box<[u64; 1024]>);

impl Bits {
    fn new() -> Self {
        Bits(Box::new([0; 1024]))
    }

    fn insert(&mut self, key: u16) {
        self.0[usize::from(key >> 6)] |= 1 << (key & 63);
    }

    fn contains(&self, key: u16) -> bool {
        self.0[usize::from(key >> 6)] & (1 << (key & 63)) != 0
    }
}

/// The character at byte `at` of `text` (a character boundary) as its UTF-8
/// bytes packed into a number, and its length: comparing and hashing these is
/// enough, and cheaper than decoding every character of every text.
fn raw_at(text: &[u8], at: usize) -> Option<(u32, usize)> {
    let lead = *text.get(at)?;
    let byte = |i: usize| u32::from(text.get(at + i).copied().unwrap_or(0));
    Some(match lead {
        0x00..=0x7F => (u32::from(lead), 1),
        0xC0..=0xDF => ((u32::from(lead) << 8) | byte(1), 2),
        0xE0..=0xEF => ((u32::from(lead) << 16) | (byte(1) << 8) | byte(2), 3),
        _ => ((u32::from(lead) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3), 4),
    })
}

fn raw(c: char) -> u32 {
    let mut buf = [0u8; 4];
    raw_at(c.encode_utf8(&mut buf).as_bytes(), 0).map_or(0, |(r, _)| r)
}

fn pair(a: u32, b: u32) -> u16 {
    (a.wrapping_mul(0x9E37_79B1) ^ b)
        .wrapping_mul(0x85EB_CA6B)
        .rotate_right(16) as u16
}

fn triple(a: u32, b: u32, c: u32) -> u16 {
    pair(u32::from(pair(a, b)) ^ b.rotate_left(11), c)
}

fn single(a: u32) -> u16 {
    (a.wrapping_mul(0x9E37_79B1) >> 16) as u16
}

/// Placeholder characters (see [`super::placeholders::is_trigger`]) and “原”,
/// as raw characters, with a table of the first for a quick test.
struct Marks {
    triggers: Vec<u32>,
    table: Bits,
    yuan: u32,
}

static MARKS: LazyLock<Marks> = LazyLock::new(|| {
    let triggers: Vec<u32> = ['X', 'x', 'Ｘ', 'ｘ', '×', '_', '＿', '略', '【', '[', '○']
        .into_iter()
        .inspect(|&c| debug_assert!(super::placeholders::is_trigger(c)))
        .map(raw)
        .collect();
    let mut table = Bits::new();
    for &t in &triggers {
        table.insert(single(t));
    }
    Marks {
        triggers,
        table,
        yuan: raw('原'),
    }
});

pub struct Wording {
    entries: Vec<Entry>,
    /// Anchored: asked only where a phrase can start.
    /// `None` only if no automaton could be built from the list (see `automaton`).
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    /// Where a phrase can start, by hash: the first character of every
    /// phrase (`first`); then the first three characters of longer phrases,
    /// the two of two-character phrases, the one of one-character phrases.
    /// Two characters are not enough: “政协”, “群众”, “坚持” begin common
    /// phrases that are right. Few positions in official Chinese pass, so the
    /// automaton runs on a sliver of the text.
    first: Bits,
    /// The first two characters of every phrase of two or more.
    prefix2: Bits,
    starts3: Bits,
    starts2: Bits,
    starts1: Bits,
    former_title: bool,
}

/// Parses a list in the format of `wording.tsv`. Errors are (line, message).
pub fn parse(text: &str) -> (Vec<Entry>, Vec<(usize, String)>) {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() < 2 || cols[0].is_empty() || cols[1].is_empty() {
            errors.push((
                i + 1,
                "每行至少要有“错误写法”和“正确写法”两列，用 Tab 键隔开".to_string(),
            ));
            continue;
        }
        let level = match cols.get(3).filter(|l| !l.is_empty()) {
            None => Level::Error,
            Some(l) => match Level::parse(l) {
                Some(level) => level,
                None => {
                    errors.push((i + 1, format!("级别“{l}”不对，应写 错误、警告 或 提示")));
                    continue;
                }
            },
        };
        let exceptions: Vec<String> = cols
            .get(5)
            .map(|e| {
                e.split(['、', ','])
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(bad) = exceptions.iter().find(|e| !e.contains(cols[0])) {
            errors.push((i + 1, format!("例外“{bad}”没有包含错误写法“{}”，不起作用", cols[0])));
            continue;
        }
        if cols[1].contains(cols[0]) {
            errors.push((
                i + 1,
                format!("正确写法“{}”里含有错误写法“{}”，改正后还会再报", cols[1], cols[0]),
            ));
            continue;
        }
        entries.push(Entry {
            wrong: cols[0].to_string(),
            right: cols[1].to_string(),
            category: cols.get(2).filter(|c| !c.is_empty()).unwrap_or(&"本站词表").to_string(),
            level,
            reason: cols.get(4).unwrap_or(&"").to_string(),
            exceptions,
        });
    }
    (entries, errors)
}

/// The built-in list.
pub fn builtin() -> Vec<Entry> {
    parse(BUILTIN).0
}

static FORMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        "原([^，。、；：！？“”（）\\s]{1,14}?)(部|委|厅|局|办|政协|政府|人大常委会)(副?(?:部长|主任|厅长|局长|书记|主席|秘书长|区长|县长|市长))",
    )
    .expect("valid pattern")
});

/// Characters after which “原” starts a new word (原区政协主席) rather than
/// ending one (草原局局长, 平原县委书记).
const BEFORE_FORMER: &str = "的和与及同是为由任曾向对给请邀陪、，。；：“（";

/// Phrases up to which the automaton is a DFA: fastest to run, but its size
/// grows with the list, and a site's own list may be of any length.
const DFA_PHRASES: usize = 20_000;

/// The automaton of the phrases: a DFA for lists of usual size, else the
/// smaller NFA. `None` if neither can be built (the builder refuses inputs
/// beyond its limits), rather than stopping the check.
fn automaton(strings: &[&str]) -> Option<AhoCorasick> {
    let build = |kind| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .start_kind(StartKind::Anchored)
            .build(strings)
            .ok()
    };
    (strings.len() <= DFA_PHRASES)
        .then(|| build(Some(AhoCorasickKind::DFA)))
        .flatten()
        .or_else(|| build(Some(AhoCorasickKind::ContiguousNFA)))
        .or_else(|| build(None))
}

impl Wording {
    /// The built-in list with the site's changes. Problems in the site's own
    /// list are `check-config` findings.
    pub fn new(settings: &WordingSettings, root: &Path) -> (Wording, Vec<Finding>) {
        let mut problems = Vec::new();
        let mut entries = builtin();
        if let Some(file) = &settings.file {
            let shown = file.trim_start_matches("./").to_string();
            match std::fs::read(root.join(file)) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let (extra, errors) = parse(&text);
                    for (line, message) in errors {
                        problems.push(
                            Finding::new(Rule::CheckConfig, &shown, message)
                                .line(Some(line))
                                .fix("格式见 docs/发布前检查.md 的“用语词表”一节"),
                        );
                    }
                    merge(&mut entries, extra);
                }
                Err(e) => problems.push(
                    Finding::new(
                        Rule::CheckConfig,
                        crate::config::FILE_NAME,
                        format!("找不到用语词表文件“{file}”（{}）", crate::diagnostics::io_reason(&e)),
                    )
                    .fix("check.wording.file 写网站文件夹里的相对路径，例如“check/用语.tsv”"),
                ),
            }
        }
        merge(
            &mut entries,
            settings
                .add
                .iter()
                .map(|(wrong, right)| Entry {
                    wrong: wrong.clone(),
                    right: right.clone(),
                    category: "本站词表".into(),
                    level: Level::Error,
                    reason: "本站在 site.yaml 的 check.wording.add 中规定的写法".into(),
                    exceptions: Vec::new(),
                })
                .filter(|e| !e.right.contains(&e.wrong))
                .collect(),
        );
        let mut former_title = true;
        for wrong in &settings.remove {
            if wrong == FORMER_TITLE {
                former_title = false;
                continue;
            }
            let before = entries.len();
            entries.retain(|e| &e.wrong != wrong);
            if entries.len() == before {
                problems.push(
                    Finding::new(
                        Rule::CheckConfig,
                        crate::config::FILE_NAME,
                        format!("check.wording.remove 里的“{wrong}”不在用语词表中"),
                    )
                    .text(wrong.clone())
                    .fix("写词表里的“错误写法”一列，例如“其它”；词表见 src/check/wording.tsv"),
                );
            }
        }
        (Wording::from_entries(entries, former_title), problems)
    }

    pub fn from_entries(entries: Vec<Entry>, former_title: bool) -> Wording {
        let mut strings: Vec<&str> = Vec::new();
        let mut patterns = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            strings.push(&e.wrong);
            patterns.push(Pattern::Entry(i));
            for x in &e.exceptions {
                strings.push(x);
                patterns.push(Pattern::Exception);
            }
        }
        let (mut first, mut prefix2, mut starts3, mut starts2, mut starts1) =
            (Bits::new(), Bits::new(), Bits::new(), Bits::new(), Bits::new());
        for s in &strings {
            let mut chars = s.chars().map(raw);
            match (chars.next(), chars.next(), chars.next()) {
                (Some(a), Some(b), Some(c)) => {
                    prefix2.insert(pair(a, b));
                    starts3.insert(triple(a, b, c));
                }
                (Some(a), Some(b), None) => {
                    prefix2.insert(pair(a, b));
                    starts2.insert(pair(a, b));
                }
                (Some(a), None, _) => starts1.insert(single(a)),
                _ => continue,
            }
            if let Some(a) = s.chars().next() {
                first.insert(single(raw(a)));
            }
        }
        let automaton = automaton(&strings);
        Wording {
            entries,
            automaton,
            patterns,
            first,
            prefix2,
            starts3,
            starts2,
            starts1,
            former_title,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Finds wrong wordings; returns whether the text has a character that
    /// placeholders are made of (see [`super::placeholders::find_unfiltered`]).
    pub fn find(&self, text: &str, out: &mut Vec<Hit>) -> bool {
        let mut triggered = false;
        let mut former = false;
        let marks = &*MARKS;
        let bytes = text.as_bytes();
        // Leftmost-longest, without overlaps: at each position where a phrase
        // can start, the longest phrase starting there, then on after it.
        let mut at = 0;
        let mut current = raw_at(bytes, 0);
        while let Some((c, len)) = current {
            let key = single(c);
            triggered = triggered || (marks.table.contains(key) && marks.triggers.contains(&c));
            former |= c == marks.yuan;
            let next = raw_at(bytes, at + len);
            let candidate = self.first.contains(key)
                && (self.starts1.contains(key)
                    || next.is_some_and(|(n, n_len)| {
                        let two = pair(c, n);
                        self.prefix2.contains(two)
                            && (self.starts2.contains(two)
                                || raw_at(bytes, at + len + n_len)
                                    .is_some_and(|(m, _)| self.starts3.contains(triple(c, n, m))))
                    }));
            let found = if candidate {
                let input = Input::new(text).range(at..).anchored(Anchored::Yes);
                self.automaton.as_ref().and_then(|a| a.find(input))
            } else {
                None
            };
            let Some(m) = found else {
                at += len;
                current = next;
                continue;
            };
            if let Pattern::Entry(i) = self.patterns[m.pattern().as_usize()] {
                let e = &self.entries[i];
                let mut hit = Hit::new(
                    Rule::Wording,
                    m.start(),
                    m.end(),
                    format!("“{}”应写作“{}”（{}）", e.wrong, e.right, e.category),
                    if e.reason.is_empty() {
                        format!("改为“{}”", e.right)
                    } else {
                        format!("改为“{}”：{}", e.right, e.reason)
                    },
                );
                hit.level = e.level;
                out.push(hit);
            }
            for c in text[m.start()..m.end()].chars() {
                triggered |= super::placeholders::is_trigger(c);
                former |= c == '原';
            }
            at = m.end();
            current = raw_at(bytes, at);
        }
        if self.former_title && former {
            for caps in FORMER.captures_iter(text) {
                let (Some(m), Some(org), Some(kind), Some(title)) =
                    (caps.get(0), caps.get(1), caps.get(2), caps.get(3))
                else {
                    continue;
                };
                let before = text[..m.start()].chars().next_back();
                if before.is_some_and(|c| crate::content::text::is_wide(c) && !BEFORE_FORMER.contains(c)) {
                    continue;
                }
                let right = format!("{}{}原{}", org.as_str(), kind.as_str(), title.as_str());
                out.push(Hit::new(
                    Rule::Wording,
                    m.start(),
                    m.end(),
                    format!("“{}”应写作“{right}”（规范表述）", m.as_str()),
                    format!("改为“{right}”：“原”放在职务前面，表示曾任这一职务；放在单位前面会被理解为单位已撤销"),
                ));
            }
        }
        triggered
    }
}

/// Adds `extra` to `entries`; an entry with the same wrong text replaces the old one.
fn merge(entries: &mut Vec<Entry>, extra: Vec<Entry>) {
    let mut at: HashMap<String, usize> = entries.iter().enumerate().map(|(i, e)| (e.wrong.clone(), i)).collect();
    for e in extra {
        match at.get(&e.wrong) {
            Some(&i) => entries[i] = e,
            None => {
                at.insert(e.wrong.clone(), entries.len());
                entries.push(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wording() -> Wording {
        Wording::from_entries(builtin(), true)
    }

    fn found(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        wording().find(text, &mut out);
        out.into_iter()
            .map(|h| (text[h.start..h.end].to_string(), h.message))
            .collect()
    }

    #[test]
    fn the_builtin_list_is_well_formed() {
        let (entries, errors) = parse(BUILTIN);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(entries.len() >= 150, "{}", entries.len());
        let mut wrongs: Vec<&str> = entries.iter().map(|e| e.wrong.as_str()).collect();
        wrongs.sort();
        wrongs.dedup();
        assert_eq!(wrongs.len(), entries.len(), "duplicate entries");
        for e in &entries {
            assert!(!e.reason.is_empty(), "{} has no reason", e.wrong);
            assert!(
                found(&e.right).is_empty(),
                "the correction of {} is flagged: {:?}",
                e.wrong,
                found(&e.right)
            );
        }
    }

    #[test]
    fn a_site_list_past_the_dfa_size_still_works() {
        let mut entries = builtin();
        entries.extend((0..DFA_PHRASES + 10).map(|n| Entry {
            wrong: format!("测试词{n}号"),
            right: format!("正确词{n}号"),
            category: "本站词表".into(),
            level: Level::Error,
            reason: "测试".into(),
            exceptions: Vec::new(),
        }));
        let wording = Wording::from_entries(entries, true);
        let mut hits = Vec::new();
        wording.find("会上提到测试词20001号和共商国事。", &mut hits);
        assert_eq!(hits.len(), 2, "{hits:?}");
    }

    #[test]
    fn finds_spun_and_non_standard_wordings() {
        let hits = found("要进步委员素质，效劳群众，共商国事，推进“一带一路”战略。");
        let wrong: Vec<&str> = hits.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(wrong, ["进步委员素质", "效劳群众", "共商国事", "“一带一路”战略"]);
        assert!(hits[2].1.contains("共商国是"));
    }

    #[test]
    fn correct_text_with_the_same_characters_is_not_flagged() {
        for text in [
            "要提高委员素质，更好服务群众，共商国是。",
            "委员们在学习中不断进步，委员素质明显提高。",
            "老党员说，能为家乡效劳是他的心愿。",
            "全国人大委员长会议，市政协代表团赴外地考察。",
            "系统管理员收回了视频监视权限。",
            "申报截止日期为3月31日。",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn former_titles_put_yuan_before_the_title() {
        let hits = found("原区政协主席王某，原国家林业和草原局局长");
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!(hits[0].1.contains("区政协原主席"), "{hits:?}");
        assert!(hits[1].1.contains("国家林业和草原局原局长"), "{hits:?}");
        assert!(found("区政协原主席、草原局局长、平原县委书记").is_empty());
    }

    #[test]
    fn sites_add_and_remove_entries() {
        let settings = WordingSettings {
            add: vec![("林震华".into(), "林振华".into())],
            remove: vec!["其它".into(), FORMER_TITLE.into()],
            file: None,
        };
        let (w, problems) = Wording::new(&settings, Path::new("."));
        assert!(problems.is_empty(), "{problems:?}");
        let mut out = Vec::new();
        w.find("林震华主席指出，其它工作。原区政协主席", &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].message.contains("林振华"));
    }
}
