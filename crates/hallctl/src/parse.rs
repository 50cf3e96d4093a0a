//! Reading the command line: the old spelling of input documents, and the argument parser's own
//! refusals in Chinese like every other message (exit code 2, as clap's own).

use std::error::Error as _;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;

use crate::cli::Cli;

/// The deprecation warning for `--json FILE|-|JSON` as an input document.
pub const JSON_INPUT_WARNING: &str =
    "警告：--json 用作输入已过时，请改用 --input（下一版本起 --json 只表示以 JSON 输出）";

/// The command line, or the exit code of a refusal (or of `--help`, `--version`).
pub fn cli(args: Vec<String>) -> Result<Cli, ExitCode> {
    let (args, old_spelling) = old_json_input(args);
    if old_spelling {
        eprintln!("{JSON_INPUT_WARNING}");
    }
    Cli::try_parse_from(args).map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
        _ => {
            eprintln!("错误：{}（用 hallctl --help 查看用法）", chinese(&e));
            ExitCode::from(2)
        }
    })
}

/// Until the next release `case intake --json FILE|-` and `case act … --json FILE|-|JSON` still
/// name the input document: within those two subcommands a `--json` followed by a value is read
/// as `--input` (and the caller warns). Everywhere else `--json` is the output switch only.
fn old_json_input(args: Vec<String>) -> (Vec<String>, bool) {
    let case = args.iter().position(|a| a == "case");
    let takes_doc = case.and_then(|i| args.get(i + 1)).is_some_and(|s| s == "intake" || s == "act");
    let Some(start) = case.filter(|_| takes_doc).map(|i| i + 2) else {
        return (args, false);
    };
    let mut out = Vec::with_capacity(args.len());
    let mut used = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if i >= start {
            if let Some(v) = a.strip_prefix("--json=") {
                out.push(format!("--input={v}"));
                used = true;
                i += 1;
                continue;
            }
            if let Some(v) = args.get(i + 1).filter(|v| a == "--json" && (*v == "-" || !v.starts_with('-'))) {
                out.extend(["--input".to_string(), v.clone()]);
                used = true;
                i += 2;
                continue;
            }
        }
        out.push(a.clone());
        i += 1;
    }
    (out, used)
}

fn context(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// clap's refusal in Chinese, naming the argument and the value it refused.
fn chinese(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg);
    let value = context(e, ContextKind::InvalidValue);
    let suggestion = |kind| {
        let s = context(e, kind);
        if s.is_empty() {
            String::new()
        } else {
            format!("，是否要用 {s}？")
        }
    };
    match e.kind() {
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            format!("未知的参数 {arg}{}", suggestion(ContextKind::SuggestedArg))
        }
        ErrorKind::UnknownArgument => format!("多余的参数“{arg}”{}", suggestion(ContextKind::SuggestedArg)),
        ErrorKind::InvalidSubcommand => format!(
            "未知的子命令“{}”{}",
            context(e, ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 缺少值"),
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue);
            let valid = if valid.is_empty() { String::new() } else { format!("，可选：{valid}") };
            format!("参数 {arg} 的值“{value}”无效{valid}")
        }
        ErrorKind::ValueValidation => format!("参数 {arg} 的值“{value}”无效：{}", why_invalid(e)),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => {
            let valid = context(e, ContextKind::ValidSubcommand);
            format!("缺少子命令{}", if valid.is_empty() { String::new() } else { format!("（可用：{valid}）") })
        }
        ErrorKind::ArgumentConflict => {
            let prior = context(e, ContextKind::PriorArg);
            format!("参数 {arg} 不能与 {} 同时使用", if prior.is_empty() { "前面的参数" } else { &prior })
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值须用 = 连写（{arg}=值）"),
        ErrorKind::TooManyValues => format!("参数 {arg} 的值“{value}”多余"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("参数 {arg} 的值个数不对"),
        ErrorKind::InvalidUtf8 => "命令行含有无法识别的字符（不是有效的 UTF-8）".into(),
        _ => "命令行参数有误".into(),
    }
}

/// Why a value was refused, from the parser that refused it (a date, a number).
fn why_invalid(e: &clap::Error) -> String {
    let source = e.source();
    if source.is_some_and(|s| s.downcast_ref::<chrono::ParseError>().is_some()) {
        return "日期应写作 YYYY-MM-DD（如 2026-11-22），且须是真实存在的日期".into();
    }
    if let Some(p) = source.and_then(|s| s.downcast_ref::<std::num::ParseIntError>()) {
        use std::num::IntErrorKind::*;
        return match p.kind() {
            PosOverflow | NegOverflow => "数字超出允许的范围".into(),
            Empty => "不能为空".into(),
            _ => "应为不带符号的整数".into(),
        };
    }
    source.map(|s| s.to_string()).unwrap_or_else(|| "格式不对".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn the_old_json_input_becomes_input_only_inside_intake_and_act() {
        let (a, old) = old_json_input(words("hallctl --json case intake --json -"));
        assert_eq!((a, old), (words("hallctl --json case intake --input -"), true));
        let (a, old) = old_json_input(words("hallctl case act N claim --json --user x"));
        assert_eq!((a, old), (words("hallctl case act N claim --json --user x"), false));
        let (a, old) = old_json_input(words("hallctl case act N claim --json={}"));
        assert_eq!((a, old), (words("hallctl case act N claim --input={}"), true));
        let (a, old) = old_json_input(words("hallctl --json case list --json"));
        assert_eq!((a, old), (words("hallctl --json case list --json"), false));
    }
}
