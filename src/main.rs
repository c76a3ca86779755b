//! The `tongxin` command line. It only parses arguments and prints; the work is
//! in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tongxin::diagnostics::display_path;
use tongxin::{BuildOptions, CheckOptions, build};

#[derive(Parser)]
#[command(name = "tongxin", version, about = "同心：把 Markdown 文章生成政协宣传网站")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站（默认输出到 public/ 文件夹）
    Build {
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出文件夹，默认是网站文件夹下的 public/
        #[arg(long)]
        output: Option<PathBuf>,
        /// 临时改用另一个网址（例如发布到测试服务器时）
        #[arg(long)]
        base_url: Option<String>,
        /// 同时生成草稿和定时发布（日期在未来）的文章，用于预览
        #[arg(long)]
        drafts: bool,
    },
    /// 发布前检查：更新情况、链接、占位符、用语、文字规范、文章信息、网站标识、编码
    Check {
        /// 网站所在的文件夹（含 site.yaml），默认是当前文件夹
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 同时检查外部链接能否打开（需要联网）
        #[arg(long)]
        external: bool,
        /// 报告格式：text（文字，默认）或 json（供脚本使用）
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 把“今天”当作这一天，例如 2026-12-01（检查更新情况和未来日期用）
        #[arg(long, value_name = "日期", value_parser = parse_now)]
        now: Option<jiff::civil::DateTime>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_now(text: &str) -> Result<jiff::civil::DateTime, String> {
    tongxin::commands::check::parse_now(text)
        .ok_or_else(|| format!("无法识别日期“{text}”，请写成 2026-12-01 或 2026-12-01 14:30"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let options = BuildOptions {
                output,
                base_url,
                drafts,
                ..BuildOptions::new(root)
            };
            run_build(&options)
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
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if std::env::var_os("TONGXIN_TIMINGS").is_some() {
        for (stage, time) in &report.stages {
            eprintln!("{stage}：{:.3} 秒", time.as_secs_f64());
        }
        eprintln!("输出报告：{:.3} 秒", printing.elapsed().as_secs_f64());
        eprintln!(
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
            for warning in &report.warnings {
                eprintln!("{warning}\n");
            }
            if std::env::var_os("TONGXIN_TIMINGS").is_some() {
                for (stage, time) in &report.stages {
                    eprintln!("{stage}：{:.3} 秒", time.as_secs_f64());
                }
            }
            println!(
                "生成完成：{} 篇文章，{} 个页面，另有 {} 个文件，用时 {:.2} 秒。\n输出在 {}",
                report.articles,
                report.pages,
                report.files,
                report.elapsed.as_secs_f64(),
                display_path(report.output.strip_prefix(".").unwrap_or(&report.output))
            );
            let images = report.images;
            if images.made + images.reused > 0 {
                println!(
                    "图片 {} 张：新处理 {} 张，其余沿用上次的处理结果。",
                    images.made + images.reused,
                    images.made
                );
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            for d in &failure.diagnostics {
                eprintln!("{d}\n");
            }
            let errors = failure.errors().count();
            eprintln!("生成失败：发现 {errors} 个错误，请按上面的提示逐个修改后重新生成。原来的输出文件夹没有改动。");
            ExitCode::FAILURE
        }
    }
}
