//! The command line's own words in Chinese. clap lays out `--help` and words
//! a mistyped command in English ("Usage:", "unexpected argument"); a
//! publicity worker who types `tongxin biuld` should read what went wrong
//! and what to type instead in the language of everything else Tongxin says.

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// `command` (the whole command line, with its subcommands) with Chinese
/// help: headings, usage lines and the layout of `--help`.
pub fn in_chinese(command: Command) -> Command {
    let name = command.get_name().to_string();
    command
        .help_template(template(true, false))
        .override_usage(format!("{name} [命令] [选项]"))
        .mut_subcommands(|sub| {
            let has_positionals = sub.get_positionals().next().is_some();
            let usage = usage_of(&name, &sub);
            sub.help_template(template(false, has_positionals))
                .override_usage(usage)
        })
}

fn template(has_subcommands: bool, has_positionals: bool) -> String {
    let mut out = String::from("{about-with-newline}\n用法：{usage}\n");
    if has_subcommands {
        out.push_str("\n命令：\n{subcommands}\n");
    }
    if has_positionals {
        out.push_str("\n参数：\n{positionals}\n");
    }
    out.push_str("\n选项：\n{options}\n");
    out
}

/// `tongxin new [选项] <栏目> <标题>...`: the usage line of a subcommand.
fn usage_of(program: &str, sub: &Command) -> String {
    let mut usage = format!("{program} {} [选项]", sub.get_name());
    for arg in sub.get_positionals() {
        let name = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map_or_else(|| arg.get_id().to_string(), ToString::to_string);
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let shown = format!("<{name}>{}", if many { "..." } else { "" });
        if arg.is_required_set() {
            usage.push_str(&format!(" {shown}"));
        } else {
            usage.push_str(&format!(" [{shown}]"));
        }
    }
    usage
}

/// What a mistake on `command`'s line means and what to type instead, in
/// Chinese; `None` for help and version (which clap prints as laid out by
/// [`in_chinese`]).
pub fn explain(error: &clap::Error, command: &Command) -> Option<String> {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(" ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let list = |kind| match error.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let quoted = |items: &[String]| items.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("或");
    // clap's guess at what was meant, if it has one.
    let suggestion = |kind| {
        let suggested = list(kind);
        (!suggested.is_empty()).then(|| format!("是不是想写{}？", quoted(&suggested)))
    };
    let argument = text(ContextKind::InvalidArg).unwrap_or_default();
    // The option alone, without its value's name (`--port <端口>` → `--port`).
    let option = argument.split_whitespace().next().unwrap_or("").to_string();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut lines = Vec::new();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            return None;
        }
        ErrorKind::InvalidSubcommand => {
            let name = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            lines.push(format!("没有“{name}”这个命令"));
            lines.extend(suggestion(ContextKind::SuggestedSubcommand));
            let names: Vec<&str> = command.get_subcommands().map(Command::get_name).collect();
            lines.push(format!("可用的命令：{}", names.join("、")));
        }
        ErrorKind::UnknownArgument if argument.starts_with('-') => {
            lines.push(format!("不认识选项“{argument}”"));
            lines.extend(suggestion(ContextKind::SuggestedArg));
        }
        ErrorKind::UnknownArgument => {
            lines.push(format!("多出了“{argument}”，这个命令用不到它"));
            lines.push("文件夹或标题里有空格时，请给它加上引号".into());
        }
        ErrorKind::MissingRequiredArgument => {
            lines.push(format!("还缺少 {argument}"));
        }
        ErrorKind::InvalidValue => {
            lines.push(format!("“{value}”不是 {option} 能用的值"));
            let valid = list(ContextKind::ValidValue);
            if !valid.is_empty() {
                lines.push(format!("可以写{}", quoted(&valid)));
            }
        }
        ErrorKind::ValueValidation => {
            lines.push(format!("{option} 后面的“{value}”不对"));
            let reason = std::error::Error::source(error).map(ToString::to_string);
            match reason {
                // Our own parsers already say it in Chinese.
                Some(reason) if reason.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) => lines.push(reason),
                _ => lines.push(expected(&option).into()),
            }
        }
        ErrorKind::NoEquals | ErrorKind::InvalidUtf8 => {
            lines.push(format!("{option} 的值写法不对"));
        }
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg).unwrap_or_default();
            lines.push(format!("{argument} 和 {other} 不能同时使用"));
        }
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            lines.push(format!("{option} 后面的值个数不对"));
        }
        _ => {
            // Kinds this command line cannot produce; clap's own words,
            // without its "error:", rather than nothing.
            let english = error.render().to_string();
            lines.push("命令行写得不对".into());
            lines.extend(
                english
                    .lines()
                    .next()
                    .map(|l| l.trim_start_matches("error: ").to_string()),
            );
        }
    }
    let usage = text(ContextKind::Usage)
        .map(|u| u.trim().trim_start_matches("Usage:").trim().to_string())
        .unwrap_or_default();
    let mut out = format!("错误：{}\n", lines.join("\n"));
    if !usage.is_empty() {
        // The command part of the usage line: `tongxin build`.
        let command: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with('[') && !w.starts_with('<'))
            .collect();
        out.push_str(&format!("\n用法：{usage}\n查看说明：{} --help\n", command.join(" ")));
    }
    Some(out)
}

/// What an option's value should look like, for a value its parser refused.
fn expected(option: &str) -> &'static str {
    match option {
        "--port" => "端口号要写 1 到 65535 之间的数字，例如 1111",
        "--bind" => "地址要写成 IP 地址，例如 127.0.0.1（只有本机）或 0.0.0.0（同一网络的电脑都能打开）",
        _ => "请对照 --help 里的说明改正",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    fn command() -> Command {
        in_chinese(
            Command::new("tongxin")
                .about("同心")
                .subcommand(
                    Command::new("build")
                        .about("生成网站")
                        .arg(Arg::new("output").long("output").value_name("文件夹")),
                )
                .subcommand(
                    Command::new("new")
                        .arg(Arg::new("column").value_name("栏目").required(true))
                        .arg(
                            Arg::new("title")
                                .value_name("标题")
                                .required(true)
                                .num_args(1..)
                                .action(ArgAction::Append),
                        ),
                )
                .subcommand(
                    Command::new("serve").arg(
                        Arg::new("port")
                            .long("port")
                            .value_name("端口")
                            .value_parser(clap::value_parser!(u16)),
                    ),
                ),
        )
    }

    fn mistake(args: &[&str]) -> String {
        let error = command().try_get_matches_from(args).expect_err("a mistake");
        explain(&error, &command()).expect("explained")
    }

    #[test]
    fn a_misspelt_command_gets_the_right_one_in_chinese() {
        let text = mistake(&["tongxin", "biuld"]);
        assert!(text.contains("没有“biuld”这个命令"), "{text}");
        assert!(text.contains("是不是想写“build”？"), "{text}");
        assert!(text.contains("可用的命令：build、new、serve"), "{text}");
        assert!(!text.contains("error"), "{text}");
    }

    #[test]
    fn a_misspelt_option_gets_the_right_one_and_the_usage() {
        let text = mistake(&["tongxin", "build", "--out", "x"]);
        assert!(text.contains("不认识选项“--out”"), "{text}");
        assert!(text.contains("“--output”"), "{text}");
        assert!(text.contains("用法：tongxin build [选项]"), "{text}");
        assert!(text.contains("查看说明：tongxin build --help"), "{text}");
    }

    #[test]
    fn missing_and_refused_values_are_named() {
        let text = mistake(&["tongxin", "new"]);
        assert!(text.contains("还缺少 <栏目> <标题>..."), "{text}");
        assert!(text.contains("用法：tongxin new [选项] <栏目> <标题>..."), "{text}");
        let text = mistake(&["tongxin", "serve", "--port", "abc"]);
        assert!(text.contains("--port 后面的“abc”不对"), "{text}");
        assert!(text.contains("1 到 65535"), "{text}");
        let text = mistake(&["tongxin", "build", "extra"]);
        assert!(text.contains("多出了“extra”"), "{text}");
    }

    #[test]
    fn help_has_no_english_headings() {
        let mut top = command();
        let help = top.render_help().to_string();
        assert!(help.contains("用法：tongxin [命令] [选项]"), "{help}");
        assert!(help.contains("命令：") && help.contains("选项："), "{help}");
        for sub in ["build", "new"] {
            let mut c = command();
            c.build();
            let help = c.find_subcommand_mut(sub).unwrap().render_help().to_string();
            assert!(!help.contains("Usage") && !help.contains("Options"), "{help}");
        }
    }
}
