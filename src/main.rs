//! The `tongxin` command line. It only parses arguments and prints; the work is
//! in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tongxin::diagnostics::display_path;
use tongxin::{BuildOptions, build};

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
