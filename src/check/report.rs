//! The report of `tongxin check`: plain text grouped by file for people, or JSON
//! for scripts. The JSON fields are documented in docs/发布前检查.md and do not
//! change meaning; new fields may be added.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use serde::Serialize;

use super::Finding;
use super::freshness::Summary;
use super::rules::{self, Level};

/// Everything `check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// "Today" for the freshness and date rules (`--now` or the clock).
    pub today: String,
    pub external: bool,
    pub findings: Vec<Finding>,
    /// `None` when the site could not be modelled.
    pub freshness: Option<Summary>,
    /// Pages rendered to check their links.
    pub pages: usize,
    pub elapsed: Duration,
    /// Time spent in each stage (`TONGXIN_TIMINGS=1`).
    pub stages: Vec<(&'static str, Duration)>,
}

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    fn add(&mut self, level: Level) {
        match level {
            Level::Error => self.error += 1,
            Level::Warning => self.warning += 1,
            Level::Info => self.info += 1,
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    today: &'a str,
    external: bool,
    passed: bool,
    counts: Counts,
    rules: Vec<JsonRule>,
    freshness: Option<&'a Summary>,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonRule {
    rule: &'static str,
    name: &'static str,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    rule_name: &'static str,
    severity: Level,
    severity_name: &'static str,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    text: &'a str,
    message: &'a str,
    fix: &'a str,
}

impl CheckReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            c.add(f.level);
        }
        c
    }

    /// No errors: publishing may go ahead.
    pub fn passed(&self) -> bool {
        self.counts().error == 0
    }

    /// Counts per rule, in the order of the rule table.
    pub fn by_rule(&self) -> Vec<(&'static str, &'static str, Counts)> {
        // Rules order as they are declared.
        let mut map: BTreeMap<rules::Rule, Counts> = BTreeMap::new();
        for f in &self.findings {
            map.entry(f.rule).or_default().add(f.level);
        }
        map.into_iter().map(|(r, c)| (r.id(), r.name(), c)).collect()
    }

    pub fn json(&self) -> String {
        let report = JsonReport {
            version: 1,
            today: &self.today,
            external: self.external,
            passed: self.passed(),
            counts: self.counts(),
            rules: self
                .by_rule()
                .into_iter()
                .map(|(rule, name, counts)| JsonRule { rule, name, counts })
                .collect(),
            freshness: self.freshness.as_ref(),
            findings: self
                .findings
                .iter()
                .map(|f| JsonFinding {
                    rule: f.rule.id(),
                    rule_name: f.rule.name(),
                    severity: f.level,
                    severity_name: f.level.chinese(),
                    file: &f.file,
                    line: f.line,
                    column: f.column,
                    text: &f.text,
                    message: &f.message,
                    fix: &f.fix,
                })
                .collect(),
        };
        serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into())
    }

    /// The report for people: findings grouped by file, then the freshness line,
    /// counts per rule and the verdict.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut current: Option<&str> = None;
        for f in &self.findings {
            if current != Some(f.file.as_str()) {
                if current.is_some() {
                    out.push('\n');
                }
                let _ = writeln!(out, "{}", f.file);
                current = Some(&f.file);
            }
            let place = match (f.line, f.column) {
                (Some(l), Some(c)) => format!("第 {l} 行第 {c} 列  "),
                (Some(l), None) => format!("第 {l} 行  "),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {place}{}  [{}] {}", f.level.chinese(), f.rule, f.message);
            if !f.fix.is_empty() {
                let fix = f.fix.replace('\n', "\n      ");
                let _ = writeln!(out, "    怎么改：{fix}");
            }
        }
        if !self.findings.is_empty() {
            out.push('\n');
        }
        if let Some(summary) = &self.freshness {
            let _ = writeln!(out, "{}", summary.line());
        }
        let by_rule = self.by_rule();
        if !by_rule.is_empty() {
            out.push_str("按规则统计：\n");
            for (rule, name, c) in by_rule {
                let mut parts = Vec::new();
                for (n, label) in [(c.error, "错误"), (c.warning, "警告"), (c.info, "提示")] {
                    if n > 0 {
                        parts.push(format!("{label} {n}"));
                    }
                }
                let _ = writeln!(out, "  {rule}（{name}）：{}", parts.join("，"));
            }
        }
        let c = self.counts();
        let verdict = if c.error > 0 {
            "检查未通过：请先改正错误再发布。"
        } else if c.warning > 0 {
            "检查通过，但有警告，建议发布前改正。"
        } else {
            "检查通过。"
        };
        let _ = writeln!(
            out,
            "共 {} 个错误、{} 个警告、{} 个提示。{verdict}",
            c.error, c.warning, c.info
        );
        out
    }
}
