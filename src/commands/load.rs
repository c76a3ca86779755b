//! Loading a site the same way for every command: settings and templates, then the
//! content, then the model. `build` renders what it loads; `check` also looks at
//! the content between the two steps (it needs the Markdown sources, which the
//! model does not keep).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tera::Tera;

use crate::config::{self, Overrides, SiteConfig};
use crate::content::{self, Content};
use crate::diagnostics::Diagnostics;
use crate::model::{self, ModelOptions, Site};
use crate::render::templates::{self, Origins};

/// What a command needs to know to load a site.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    /// Also publish drafts and future-dated pages.
    pub drafts: bool,
    pub now: Timestamp,
    /// Render the Markdown to HTML (see [`ModelOptions::markdown_html`]).
    pub markdown_html: bool,
}

/// Settings, templates and content, read but not yet modelled.
pub struct Sources {
    /// `None` when site.yaml is missing or has errors (already reported).
    pub config: Option<SiteConfig>,
    /// The settings to work with: `config`, or defaults when it is unusable.
    pub settings: SiteConfig,
    pub templates: Option<(Tera, Origins)>,
    pub content: Content,
}

/// A loaded site.
pub struct Loaded {
    pub config: Option<SiteConfig>,
    pub templates: Option<(Tera, Origins)>,
    pub site: Site,
}

/// Time spent in each stage, for benchmarks (`TONGXIN_TIMINGS=1`).
pub struct Stopwatch {
    pub stages: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            stages: Vec::new(),
            lap: Instant::now(),
        }
    }

    pub fn lap(&mut self, name: &'static str) {
        self.stages.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

/// Reads site.yaml, the templates and `content/`; every problem goes to `diagnostics`.
pub fn read(options: &LoadOptions, diagnostics: &Diagnostics, watch: &mut Stopwatch) -> Sources {
    let root = &options.root;
    let overrides = Overrides {
        base_url: options.base_url.clone(),
    };
    // Without a usable site.yaml the content is still checked, with defaults,
    // so that one run shows every problem.
    let config = config::load(root, &overrides, diagnostics);
    let settings = config.clone().unwrap_or_else(config::fallback);
    let templates = templates::load(root, &settings.theme, &settings.base_path, diagnostics);
    watch.lap("配置与模板");
    let content = content::load(root, &settings.tz, diagnostics);
    watch.lap("读取内容");
    Sources {
        config,
        settings,
        templates,
        content,
    }
}

impl Sources {
    /// Builds the model from the content; `observer` sees every Markdown body
    /// as it is parsed.
    pub fn model(
        self,
        options: &LoadOptions,
        observer: Option<&dyn crate::content::markdown::Observer>,
        diagnostics: &Diagnostics,
        watch: &mut Stopwatch,
    ) -> Loaded {
        let site = model::build(
            self.settings,
            self.content,
            &ModelOptions {
                drafts: options.drafts,
                now: options.now,
                root: options.root.clone(),
                markdown_html: options.markdown_html,
                observer,
                memo: None,
            },
            diagnostics,
        );
        watch.lap("整理网站与 Markdown");
        Loaded {
            config: self.config,
            templates: self.templates,
            site,
        }
    }
}
