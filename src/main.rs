//! The `tongxin` command line. It only parses arguments and prints; the work is
//! in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use tongxin::commands::serve::{self, ServeOptions};
use tongxin::diagnostics::display_path;
use tongxin::terminal::{self, Stream};
use tongxin::{BuildOptions, CheckOptions, build};

/// musl's own allocator halves the speed of a build (see Cargo.toml).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` in the encoding the reader expects (see `tongxin::terminal`).
macro_rules! say {
    ($($arg:tt)*) => {
        terminal::write(Stream::Out, &format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` in the encoding the reader expects.
macro_rules! tell {
    ($($arg:tt)*) => {
        terminal::write(Stream::Err, &format!("{}\n", format_args!($($arg)*)))
    };
}

#[derive(Parser)]
#[command(
    name = "tongxin",
    version,
    about = "同心：把 Markdown 文章生成政协宣传网站",
    // Chinese in their place (see `tongxin::arguments`).
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    /// 显示说明
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本号
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站（默认输出到 public/ 文件夹）
    Build {
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, value_name = "文件夹", default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// 输出文件夹，默认是网站文件夹下的 public/
        #[arg(long, value_name = "文件夹")]
        output: Option<PathBuf>,
        /// 临时改用另一个网址（例如发布到测试服务器时）
        #[arg(long, value_name = "网址")]
        base_url: Option<String>,
        /// 同时生成草稿和定时发布（日期在未来）的文章，用于预览
        #[arg(long)]
        drafts: bool,
        /// 不沿用上次生成的记录，从头完整生成一遍
        #[arg(long)]
        clean: bool,
    },
    /// 本机预览：生成网站并在浏览器里打开，保存文件后自动更新页面
    Serve {
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, value_name = "文件夹", default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// 端口号，默认 1111
        #[arg(long, value_name = "端口", default_value_t = 1111, hide_default_value = true)]
        port: u16,
        /// 监听的地址；默认只有本机能打开。写 0.0.0.0 可让同一网络的其他电脑访问
        #[arg(long, value_name = "地址", default_value = "127.0.0.1", hide_default_value = true)]
        bind: std::net::IpAddr,
        /// 启动后自动用浏览器打开
        #[arg(long)]
        open: bool,
        /// 同时显示草稿和定时发布（日期在未来）的文章
        #[arg(long)]
        drafts: bool,
    },
    /// 发布前检查：更新情况、链接、占位符、用语、文字规范、文章信息、网站标识、编码
    Check {
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, value_name = "文件夹", default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// 同时检查外部链接能否打开（需要联网）
        #[arg(long)]
        external: bool,
        /// 报告格式：text（文字，默认）或 json（供脚本使用）
        #[arg(
            long,
            value_name = "格式",
            value_enum,
            default_value_t = Format::Text,
            hide_default_value = true,
            hide_possible_values = true
        )]
        format: Format,
        /// 把“今天”当作这一天，例如 2026-12-01（检查更新情况和未来日期用）
        #[arg(long, value_name = "日期", value_parser = parse_now)]
        now: Option<jiff::civil::DateTime>,
    },
    /// 发布：生成网站、发布前检查，再把有变化的文件复制到发布目标（文件夹）
    Deploy {
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, value_name = "文件夹", default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// 发布到哪里：文件夹（网站服务器的目录或共享文件夹）、sftp://用户名@服务器/文件夹 或 s3://存储桶/文件夹；不写时用 site.yaml 的 deploy.target
        #[arg(long, value_name = "文件夹")]
        target: Option<String>,
        /// 只列出要上传和删除的文件，不真正发布
        #[arg(long)]
        dry_run: bool,
        /// 发布前检查发现错误时也照样发布
        #[arg(long)]
        force: bool,
    },
    /// 新建一篇文章：tongxin new 栏目 标题（栏目写文件夹名如 yaowen，或栏目名称如 政协要闻）
    New {
        /// 栏目：文件夹名（yaowen）或栏目名称（政协要闻）；文史资料栏目可写书的文件夹（wenshi/xishan-jiuying）或书名
        #[arg(value_name = "栏目")]
        column: String,
        /// 文章标题（中间有空格时可以不加引号）；委员风采栏目写委员姓名
        #[arg(value_name = "标题", required = true, num_args = 1..)]
        title: Vec<String>,
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, value_name = "文件夹", default_value = ".", hide_default_value = true)]
        root: PathBuf,
    },
    /// 导入 Word 文档：tongxin import 文件.docx --column 栏目（正文、小标题、表格和图片变成一篇新文章）
    Import {
        /// Word 文档（.docx）；旧版 .doc 和 .wps 请先用 Word 或 WPS 另存为 .docx
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 栏目：文件夹名（yaowen）或栏目名称（政协要闻）
        #[arg(long, value_name = "栏目")]
        column: String,
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, value_name = "文件夹", default_value = ".", hide_default_value = true)]
        root: PathBuf,
    },
    /// 新建一个网站：示例栏目和文章、带说明的 site.yaml 和默认主题
    Init {
        /// 新网站的文件夹（不存在时自动创建；已有文件时不会覆盖）
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
    },
    /// 显示某个命令的说明，例如 tongxin help build
    Help {
        /// 命令名称，例如 build
        #[arg(value_name = "命令")]
        command: Option<String>,
    },
}

/// The command line with its help and usage in Chinese.
fn command_line() -> clap::Command {
    tongxin::arguments::in_chinese(Cli::command())
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Help, the version or a mistake in the arguments: mistakes explained in
/// Chinese, help and version as clap lays them out.
fn clap_says(e: &clap::Error) -> ExitCode {
    let stream = if e.use_stderr() { Stream::Err } else { Stream::Out };
    if let Some(explained) = tongxin::arguments::explain(e, &command_line()) {
        terminal::write(stream, &explained);
    } else if terminal::needs_encoding(stream) {
        // Plain text: clap's colours are for a console only.
        terminal::write(stream, &e.render().to_string());
    } else {
        let _ = e.print();
    }
    ExitCode::from(e.exit_code().clamp(0, 255) as u8)
}

fn parse_now(text: &str) -> Result<jiff::civil::DateTime, String> {
    tongxin::commands::check::parse_now(text)
        .ok_or_else(|| format!("无法识别日期“{text}”，请写成 2026-12-01 或 2026-12-01 14:30"))
}

fn main() -> ExitCode {
    let cli = match command_line()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) => return clap_says(&e),
    };
    let Some(command) = cli.command else {
        return without_command();
    };
    match command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            clean,
        } => {
            let options = BuildOptions {
                output,
                base_url,
                drafts,
                clean,
                ends_process: true,
                ..BuildOptions::new(root)
            };
            run_build(&options)
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => {
            let options = ServeOptions {
                port,
                bind,
                drafts,
                ..ServeOptions::new(root)
            };
            run_serve(options, open)
        }
        Command::Check {
            root,
            external,
            format,
            now,
        } => {
            let options = CheckOptions {
                external,
                now,
                ..CheckOptions::new(root)
            };
            run_check(&options, format)
        }
        Command::Deploy {
            root,
            target,
            dry_run,
            force,
        } => run_deploy(&tongxin::commands::deploy::DeployOptions {
            target,
            dry_run,
            force,
            ..tongxin::commands::deploy::DeployOptions::new(root)
        }),
        Command::New { column, title, root } => {
            match tongxin::commands::new::new_post(&tongxin::commands::new::NewOptions::new(
                root,
                column,
                title.join(" "),
            )) {
                Ok(created) => {
                    say!("已创建：{}（{}）", display_path(&created.path), created.column);
                    say!("{}", created.next);
                    ExitCode::SUCCESS
                }
                Err(problems) => fail(&problems, "没有新建文章。"),
            }
        }
        Command::Import { file, column, root } => {
            use tongxin::commands::import::{ImportOptions, import};
            match import(&ImportOptions::new(root, column, file)) {
                Ok(created) => {
                    say!("已创建：{}（{}）", display_path(&created.path), created.column);
                    say!("{}", created.next);
                    ExitCode::SUCCESS
                }
                Err(problems) => fail(&problems, "没有导入。"),
            }
        }
        Command::Init { dir } => match tongxin::commands::init::init(&tongxin::commands::init::InitOptions::new(dir)) {
            Ok(site) => {
                say!("已新建网站：{}（{} 个文件）", display_path(&site.dir), site.files);
                say!("{}", site.next);
                ExitCode::SUCCESS
            }
            Err(problem) => fail(&[problem], "没有新建网站。"),
        },
        Command::Help { command } => help(command),
    }
}

/// `tongxin` with no command: the help from a terminal; a double-click on
/// Windows previews the site in its folder (see `commands::launch`).
fn without_command() -> ExitCode {
    use tongxin::commands::launch::{self, Launch};
    let folder = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    match launch::without_command(launch::started_by_double_click(), &folder) {
        Launch::Preview => run_serve(ServeOptions::new(PathBuf::from(".")), true),
        Launch::Explain => {
            say!("{}", launch::explanation(&folder));
            let _ = std::io::stdin().read_line(&mut String::new());
            ExitCode::FAILURE
        }
        Launch::Help => {
            print_help(command_line());
            ExitCode::from(2)
        }
    }
}

fn print_help(mut command: clap::Command) {
    if terminal::needs_encoding(Stream::Out) {
        terminal::write(Stream::Out, &command.render_help().to_string());
    } else {
        let _ = command.print_help();
    }
}

/// `tongxin help` and `tongxin help build`: the same as `tongxin --help` and
/// `tongxin build --help`, so a misspelt name is explained like any other.
fn help(name: Option<String>) -> ExitCode {
    let args = ["tongxin".to_string()]
        .into_iter()
        .chain(name)
        .chain(["--help".to_string()]);
    match command_line().try_get_matches_from(args) {
        Err(e) => clap_says(&e),
        // `--help` always ends the parse with its own error kind.
        Ok(_) => ExitCode::SUCCESS,
    }
}

fn run_serve(options: ServeOptions, open: bool) -> ExitCode {
    let bind = options.bind;
    let server = match serve::start(options, |line| tell!("{line}")) {
        Ok(server) => server,
        Err(d) => {
            tell!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let url = server.url();
    tell!("\n预览地址：{url}\n保存文章、模板或 site.yaml 后页面会自动更新。按 Ctrl+C 停止预览。");
    if bind.is_loopback() {
        tell!("写作台：{url}_tongxin/  （在浏览器里写文章、粘贴 Word、放照片，只有本机能打开）");
    }
    if !bind.is_loopback() {
        tell!("注意：现在同一网络的其他电脑也能打开这个预览（包括草稿）。只在本机预览时不要加 --bind。");
        tell!("写作台已关闭：它能改动网站文件，只在不加 --bind 的本机预览时开启。");
    }
    if open && let Err(e) = serve::open_browser(&url) {
        tell!("没能自动打开浏览器（{e}），请手动打开 {url}");
    }
    wait_for_ctrl_c();
    tell!("正在停止预览……");
    server.stop();
    ExitCode::SUCCESS
}

/// Blocks until the user presses Ctrl+C.
fn wait_for_ctrl_c() {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        // Without a runtime for the signal, serve until the process is killed.
        loop {
            std::thread::park();
        }
    };
    let _ = runtime.block_on(tokio::signal::ctrl_c());
}

fn fail(problems: &[tongxin::diagnostics::Diagnostic], summary: &str) -> ExitCode {
    for d in problems {
        tell!("{d}\n");
    }
    tell!("{summary}");
    ExitCode::FAILURE
}

fn run_deploy(options: &tongxin::commands::deploy::DeployOptions) -> ExitCode {
    use tongxin::commands::deploy::{DeployFailure, deploy};
    let bar = indicatif::ProgressBar::hidden();
    let mut started = false;
    let result = deploy(options, &mut |plan, files, bytes| {
        if !started {
            started = true;
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(plan.bytes());
            bar.set_style(
                indicatif::ProgressStyle::with_template("发布中 {bar:30} {msg} {binary_bytes}/{binary_total_bytes}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        bar.set_message(format!("{files}/{} 个文件", plan.uploads.len()));
        bar.set_position(bytes);
    });
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            if let Some(findings) = &report.forced_past {
                tell!("{}\n已按 --force 照样发布。", findings.text().trim_end());
            }
            let plan = &report.plan;
            let size = tongxin::deploy::size_text(plan.bytes());
            match &report.sent {
                None => {
                    say!("试发布（--dry-run），没有改动 {}：", report.target);
                    for upload in &plan.uploads {
                        say!("  上传 {}", upload.path);
                    }
                    for path in &plan.deletions {
                        say!("  删除 {path}");
                    }
                    say!(
                        "将上传 {} 个文件（{size}），删除 {} 个，{} 个没有变化。",
                        plan.uploads.len(),
                        plan.deletions.len(),
                        plan.unchanged
                    );
                }
                Some(_) if plan.is_empty() => {
                    say!(
                        "{} 上的网站已是最新，没有要上传的文件（{} 个文件没有变化）。",
                        report.target,
                        plan.unchanged
                    );
                }
                Some(sent) => say!(
                    "发布完成：上传 {} 个文件（{}），删除 {} 个，{} 个没有变化。\n发布到 {}",
                    sent.uploaded,
                    tongxin::deploy::size_text(sent.bytes),
                    sent.deleted,
                    plan.unchanged,
                    report.target
                ),
            }
            ExitCode::SUCCESS
        }
        Err(DeployFailure::Build(problems)) => fail(&problems, "生成失败，没有发布任何文件。"),
        Err(DeployFailure::Check(report)) => {
            say!("{}", report.text().trim_end());
            tell!("发布前检查发现错误，没有发布任何文件。改正后重新运行；确实要照样发布，请加 --force。");
            ExitCode::FAILURE
        }
        Err(DeployFailure::Target(problem)) => fail(&[problem], "发布没有完成。"),
    }
}

fn run_check(options: &CheckOptions, format: Format) -> ExitCode {
    let report = tongxin::check(options);
    let printing = std::time::Instant::now();
    let text = match format {
        Format::Text => report.text(),
        Format::Json => report.json() + "\n",
    };
    // One write: a long report is not flushed line by line.
    match format {
        Format::Text => terminal::write(Stream::Out, &text),
        Format::Json => terminal::write_json(&text),
    }
    if std::env::var_os("TONGXIN_TIMINGS").is_some() {
        for (stage, time) in &report.stages {
            tell!("{stage}：{:.3} 秒", time.as_secs_f64());
        }
        tell!("输出报告：{:.3} 秒", printing.elapsed().as_secs_f64());
        tell!(
            "检查用时 {:.2} 秒，渲染检查了 {} 个页面",
            report.elapsed.as_secs_f64(),
            report.pages
        );
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_build(options: &BuildOptions) -> ExitCode {
    match build(options) {
        Ok(report) => {
            if let Some(notice) = report.notice {
                tell!("提示：{notice}。");
            }
            for warning in &report.warnings {
                tell!("{warning}\n");
            }
            if std::env::var_os("TONGXIN_TIMINGS").is_some() {
                for (stage, time) in &report.stages {
                    tell!("{stage}：{:.3} 秒", time.as_secs_f64());
                }
            }
            let output = display_path(report.output.strip_prefix(".").unwrap_or(&report.output));
            let seconds = report.elapsed.as_secs_f64();
            if !report.incremental {
                say!(
                    "生成完成：{} 篇文章，{} 个页面，另有 {} 个文件，用时 {seconds:.2} 秒。\n输出在 {output}",
                    report.articles,
                    report.pages,
                    report.files,
                );
            } else if report.changed == 0 {
                say!(
                    "生成完成：{} 篇文章，网站没有变化，输出文件夹没有改动，用时 {seconds:.2} 秒。\n输出在 {output}",
                    report.articles
                );
            } else {
                say!(
                    "生成完成：{} 篇文章，重新生成 {} 个页面，输出文件夹中改动了 {} 个文件（其余沿用上次的），用时 {seconds:.2} 秒。\n输出在 {output}",
                    report.articles,
                    report.pages,
                    report.changed,
                );
            }
            let images = report.images;
            match (images.made, images.reused) {
                (0, 0) => {}
                (made, 0) => say!("图片 {made} 张，都是新处理的。"),
                (0, reused) => say!("图片 {reused} 张，都没有改动，沿用上次的处理结果。"),
                (made, reused) => say!(
                    "图片 {} 张：新处理 {made} 张，其余 {reused} 张沿用上次的处理结果。",
                    made + reused
                ),
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            for d in &failure.diagnostics {
                tell!("{d}\n");
            }
            let errors = failure.errors().count();
            tell!("生成失败：发现 {errors} 个错误，请按上面的提示逐个修改后重新生成。原来的输出文件夹没有改动。");
            ExitCode::FAILURE
        }
    }
}
