//! `tongxin deploy`: build (incrementally), compare with the target, check,
//! then send what changed ([`crate::deploy`]). Nothing is sent when the build
//! fails, nor when `check` finds errors unless forced; when the target is
//! already up to date there is nothing to check for.

use std::path::PathBuf;

use crate::check::report::CheckReport;
use crate::commands::build::{BuildOptions, BuildReport, build};
use crate::commands::check::{CheckOptions, check};
use crate::config::{self, Overrides};
use crate::deploy::{self, Plan, Sent};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub struct DeployOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The target given on the command line (relative to the current
    /// folder); otherwise `deploy.target` of site.yaml (relative to the site).
    pub target: Option<String>,
    /// Only say what would be sent.
    pub dry_run: bool,
    /// Send even when `check` finds errors.
    pub force: bool,
}

impl DeployOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DeployOptions {
            root: root.into(),
            target: None,
            dry_run: false,
            force: false,
        }
    }
}

/// Why nothing (or not everything) was sent.
pub enum DeployFailure {
    /// The build failed: its errors.
    Build(Vec<Diagnostic>),
    /// `check` found errors (and the deploy was not forced).
    Check(Box<CheckReport>),
    /// No target, a target that cannot be used, or a failure while sending.
    Target(Diagnostic),
}

/// What a deploy did.
pub struct DeployReport {
    pub build: BuildReport,
    /// The check's findings when it found errors and the deploy was forced.
    pub forced_past: Option<Box<CheckReport>>,
    pub target: String,
    pub plan: Plan,
    /// `None` for a dry run.
    pub sent: Option<Sent>,
}

/// Builds, checks and deploys; `progress` hears each file sent (files and
/// bytes so far, of `plan`).
pub fn deploy(
    options: &DeployOptions,
    progress: &mut dyn FnMut(&Plan, usize, u64),
) -> Result<DeployReport, DeployFailure> {
    let diagnostics = Diagnostics::new();
    let settings = config::load(&options.root, &Overrides::default(), &diagnostics);
    let (target, base) = match (&options.target, settings.as_ref().and_then(|s| s.deploy.target.clone())) {
        (Some(t), _) => (t.clone(), std::env::current_dir().unwrap_or_default()),
        (None, Some(t)) => (t, options.root.clone()),
        (None, None) => {
            if let Some(problem) = diagnostics.into_sorted().into_iter().find(Diagnostic::is_error) {
                return Err(DeployFailure::Build(vec![problem]));
            }
            return Err(DeployFailure::Target(
                Diagnostic::error(config::FILE_NAME, "没有设置发布目标，不知道发布到哪里").hint(
                    "在 site.yaml 里写“deploy:”，下一行缩进两个空格写“target: 网站服务器的目录”（例如 /var/www/zx 或 Z:\\zx）；\
                     或者在命令里写 --target 文件夹",
                ),
            ));
        }
    };
    let build = build(&BuildOptions::new(&options.root)).map_err(|f| DeployFailure::Build(f.diagnostics))?;
    // Already inside the site folder (`root/public`).
    let output = build.output.clone();
    let deploy_settings = settings.map(|s| s.deploy).unwrap_or_default();
    let mut destination =
        deploy::destination(&target, &deploy_settings, &base, &options.root, &output).map_err(DeployFailure::Target)?;
    let name = destination.name();
    let unreadable = |e: std::io::Error, what: &str| {
        DeployFailure::Target(
            Diagnostic::error(
                name.clone(),
                format!("读不了{what}：{}", crate::diagnostics::io_reason(&e)),
            )
            .hint("检查发布目标（文件夹或存储桶）是否存在、有没有读写权限；发布记录 .tongxin-deploy.json 损坏时删掉它，下次会全部重新上传"),
        )
    };
    let files = deploy::site_files(&output).map_err(|e| unreadable(e, "生成的网站"))?;
    let manifest = destination.manifest().map_err(|e| unreadable(e, "目标上的发布记录"))?;
    let plan = deploy::plan(&files, &manifest);
    // The check guards what is sent: when the target already has the site,
    // there is nothing to guard (and it is most of a no-change deploy).
    let forced_past = if plan.is_empty() {
        None
    } else {
        let report = check(&CheckOptions::new(&options.root));
        match (report.passed(), options.force) {
            (true, _) => None,
            (false, true) => Some(Box::new(report)),
            (false, false) => return Err(DeployFailure::Check(Box::new(report))),
        }
    };
    let sent = if options.dry_run {
        None
    } else {
        let mut tell = |files: usize, bytes: u64| progress(&plan, files, bytes);
        Some(deploy::send(&output, &plan, manifest, destination.as_mut(), &mut tell).map_err(DeployFailure::Target)?)
    };
    Ok(DeployReport {
        build,
        forced_past,
        target: name,
        plan,
        sent,
    })
}
