//! `tongxin check`: loads the site exactly as `build` does, runs every rule of
//! [`crate::check`](mod@crate::check), and returns the findings. Nothing is written, except the
//! cache of working external links with `--external`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::check::links::{self, Outputs};
use crate::check::report::CheckReport;
use crate::check::rules::Rule;
use crate::check::silence::{self, Ignore, Registry};
use crate::check::wording::Wording;
use crate::check::{Finding, Level, encoding, external, freshness, identity, metadata, source};
use crate::config::FILE_NAME;
use crate::diagnostics::{Diagnostics, Severity, display_path};
use crate::engine::{Engine, EngineOptions, Stopwatch};
use crate::model::published::{self, PublishedFiles};
use crate::output::plan::static_list;
use crate::render::Renderer;
use crate::render::pictures::Pictures;
use crate::render::templates::Origins;

#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    /// Also request external links.
    pub external: bool,
    /// "Now" in the site's time zone (`--now`); the clock when `None`.
    pub now: Option<DateTime>,
}

impl CheckOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckOptions {
            root: root.into(),
            external: false,
            now: None,
        }
    }
}

/// `--now 2026-12-01` means the end of that day: everything dated that day
/// counts as published. A time may be given too.
pub fn parse_now(text: &str) -> Option<DateTime> {
    let zoned = crate::dates::parse(text, &jiff::tz::TimeZone::UTC)?;
    let has_time = text.trim().contains([':', '：']);
    let dt = zoned.datetime();
    Some(if has_time { dt } else { dt.date().at(23, 59, 59, 0) })
}

pub fn check(options: &CheckOptions) -> CheckReport {
    let started = Instant::now();
    let mut watch = Stopwatch::start();
    let diagnostics = Diagnostics::new();
    let root = &options.root;
    // The load stage of the engine, as `build` runs it; “now” comes from the
    // site's time zone, known once site.yaml is read.
    let mut engine = Engine::new(EngineOptions::new(root.clone()));
    engine.load_all(&diagnostics);
    watch.lap("读取内容");
    let tz = engine.settings_or_default().tz;
    let now = options
        .now
        .and_then(|dt| dt.to_zoned(tz.clone()).ok())
        .map_or_else(Timestamp::now, |z| z.timestamp());
    let mut engine = engine.at(now);
    let today = now.to_zoned(tz).date();
    let settings = engine.settings_or_default().check;
    let yaml_text = std::fs::read(root.join(FILE_NAME))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let yaml_line = |entry: &str| yaml_text.lines().position(|l| l.contains(entry)).map(|i| i + 1);

    let mut findings: Vec<Finding> = Vec::new();
    let (wording, problems) = Wording::new(&settings.wording, root);
    findings.extend(problems);
    for entry in settings.ignore.iter().chain(settings.levels.iter().map(|(r, _)| r)) {
        findings.extend(silence::unknown_entry(entry, FILE_NAME, yaml_line(entry)));
    }
    findings.extend(encoding::site_yaml(root));

    let content = engine.content();
    let mut sourced = source::check(&content, &wording, now);
    drop(content);
    watch.lap("检查文章设置");
    // The model parses each body once; the text rules read that parse. The
    // text and links of the Markdown are checked from the sources, with their
    // lines; the rendered pages are read for the theme's links, and need only
    // the anchors of the text.
    let bodies = source::Bodies::new(&wording);
    let model = engine.model_with(Some(&bodies), false, &diagnostics);
    watch.lap("整理网站与 Markdown");
    bodies.finish(&mut sourced, root);
    findings.append(&mut sourced.findings);
    let config = engine.config().cloned();
    let templates = engine.take_templates();
    let loaded = Loaded {
        config,
        templates,
        site: model,
    };
    let site = &loaded.site;
    let outputs = Outputs::new(site, root);
    // Photos are looked for as the build looks for them, with the same errors.
    let statics = static_list(site, root);
    crate::output::redirects::report(site, &statics, root, &diagnostics);
    let files = PublishedFiles::new(statics, &site.assets);
    published::report_missing(site, &files, &diagnostics);
    findings.extend(metadata::video_sizes(site, &files));
    let pictures = Arc::new(Pictures::unprocessed(files, &site.config.base_path));

    // Where each published source file is on the site.
    let mut dirs: links::FastMap<String, String> = site.pages.iter().map(|p| (p.rel.clone(), p.path.clone())).collect();
    dirs.insert("_index.md".into(), String::new());
    for c in &site.columns {
        dirs.insert(format!("{}/_index.md", c.folder), c.path.clone());
    }
    for b in &site.books {
        dirs.insert(format!("{}/_index.md", b.folder), b.path.clone());
    }
    let mut markdown = links::check_markdown(&sourced.links, &dirs, &outputs, &site.config);
    findings.append(&mut markdown.findings);
    let mut external_refs = std::mem::take(&mut markdown.external);

    let mut reported: HashSet<String> = HashSet::new();
    if let Some(s) = &site.config.suggestion {
        reported.insert(crate::render::values::suggestion_url(site, &s.url));
    }
    let templates_shown = if root.join("templates").is_dir() {
        "templates".to_string()
    } else {
        format!("themes/{}/templates", site.config.theme)
    };
    let home_file = if sourced.home_exists {
        "content/_index.md"
    } else {
        "content"
    };
    let home_days = sourced.home_days.unwrap_or(freshness::HOME_DAYS);
    // Rendering every page is the longest step; the rules over the model run
    // beside it.
    let templates = loaded.templates;
    let (rendered, ((fresh, mut summary), meta)) = rayon::join(
        || {
            let (Some(_), Some((tera, origins))) = (&loaded.config, templates) else {
                return None;
            };
            let renderer = Renderer::new(site, tera, pictures, false);
            Some(links::check_rendered(
                &renderer,
                &origins,
                &outputs,
                &site.config,
                &markdown,
                &reported,
                &templates_shown,
            ))
        },
        || {
            (
                freshness::check(site, today, home_days, home_file),
                metadata::check(site, &sourced.require),
            )
        },
    );
    let mut pages = 0;
    if let Some(rendered) = rendered {
        pages = rendered.pages;
        diagnostics.extend(rendered.diagnostics);
        findings.extend(rendered.findings);
        for anchor in markdown.anchors {
            if !rendered
                .ids
                .get(&anchor.file)
                .is_some_and(|ids| ids.contains(&anchor.fragment))
            {
                findings.push(anchor.finding);
            }
        }
        // Addresses the Markdown already has are reported at their lines.
        let written: HashSet<String> = external_refs.iter().map(|r| r.url.clone()).collect();
        external_refs.extend(rendered.external.into_iter().filter(|r| !written.contains(&r.url)));
    }
    findings.extend(fresh);
    findings.extend(meta);
    watch.lap("检查链接与文章信息");

    if let Some(config) = &loaded.config {
        findings.extend(identity::check(config, &yaml_text, Some(&outputs)));
        if let Some(s) = &config.suggestion
            && (s.url.starts_with("http://") || s.url.starts_with("https://"))
        {
            external_refs.push(links::ExternalRef {
                url: s.url.clone(),
                file: FILE_NAME.into(),
                line: yaml_line(&s.url),
                column: None,
                pages: 0,
            });
        }
    }
    if options.external && !external_refs.is_empty() {
        let urls: Vec<String> = external_refs.iter().map(|r| r.url.clone()).collect();
        let outcomes = external::check_all(&urls, &settings.external, root);
        for r in external_refs {
            let Some(outcome) = outcomes.get(&r.url) else { continue };
            if outcome.works() {
                continue;
            }
            let pages = if r.pages > 1 {
                format!("（模板生成，出现在 {} 个页面）", r.pages)
            } else {
                String::new()
            };
            let mut f = Finding::new(
                Rule::LinkExternal,
                &r.file,
                format!("外部链接“{}”无法访问：{}{pages}", r.url, outcome.reason()),
            )
            .line(r.line)
            .text(r.url.clone())
            .fix("在浏览器里打开这个地址核实；网站改版的话换成新地址，已撤销的内容删去链接");
            f.column = r.column;
            findings.push(f);
        }
        watch.lap("检查外部链接");
    }

    let registry = Registry {
        site: Ignore(settings.ignore.clone()),
        files: sourced.ignore,
        lines: sourced.lines,
        levels: settings.levels.clone(),
    };
    let mut findings = registry.apply(findings);
    summary.stale_columns = findings.iter().filter(|f| f.rule == Rule::FreshColumn).count();
    summary.empty_columns = findings.iter().filter(|f| f.rule == Rule::FreshEmpty).count();
    findings.extend(registry.apply(freshness::veto(&summary)));

    // What loading found: errors are the build's own and always reported;
    // warnings may be silenced like any finding.
    let mut warnings = Vec::new();
    for d in diagnostics.into_sorted() {
        let rule = d.rule.unwrap_or(Rule::Build);
        let mut f = Finding::new(rule, display_path(&d.file), d.message)
            .level(match d.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
            })
            .line(d.line)
            .fix(d.hint.unwrap_or_default());
        f.column = d.column;
        if d.severity == Severity::Error {
            findings.push(f);
        } else {
            warnings.push(f);
        }
    }
    findings.extend(registry.apply(warnings));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.level, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.level, b.rule, &b.message))
    });
    findings.dedup();
    watch.lap("汇总");

    let freshness = loaded.config.is_some().then_some(summary);
    // The model holds every page with its text and data: it is freed on
    // another thread while the caller prints the report.
    // (Should no thread be available, it is freed here.)
    let garbage = (loaded.site, outputs, dirs);
    let _ = std::thread::Builder::new().spawn(move || drop(garbage));
    CheckReport {
        today: today.to_string(),
        external: options.external,
        findings,
        freshness,
        pages,
        elapsed: started.elapsed(),
        stages: watch.stages,
    }
}

/// What `check` works from: the settings and templates as read, and the model.
struct Loaded {
    config: Option<crate::config::SiteConfig>,
    templates: Option<(tera::Tera, Origins)>,
    site: crate::model::Site,
}
