//! tokenctl: administer the one-time-password devices of internet-banking
//! users in a SQLite registry.
//!
//! `run` parses the command line, opens the registry once, hands it to the
//! command, and renders any error in the one place that also picks the exit
//! code. The rules live in `rules` as pure functions; `store` (the
//! registry), `ui` (the terminal) and `io` (input files) are the edges;
//! `crypto` holds keys and secrets, `output` renders reports, and `cmd`
//! orchestrates each command.

pub mod catalogue;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod context;
pub mod crypto;
pub mod error;
pub mod exit;
pub mod input;
pub(crate) mod io;
pub mod lang;
pub mod output;
pub mod rules;
pub mod signed;
pub mod store;
pub mod text;
pub mod time;
pub(crate) mod ui;

use std::io::{BufWriter, Write};

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::error::Result;
use crate::output::{Lang, Output, is_broken_pipe};
use crate::store::Store;
use crate::ui::prompt::Terminal;

pub(crate) use crate::context::Context;

/// Runs tokenctl with the process's arguments; returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            print_clap_error(&e);
            return e.exit_code();
        }
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let flag_lang = cli.lang;
    let lang = resolve_lang(flag_lang);
    let result = lang.and_then(|lang| execute(cli, lang, &mut out));
    // A reader that stopped early (`| head`) is not an error, and does not
    // change the command's own exit code (10 from `expiring --exit-code`).
    let result = match result {
        Ok(code) => match out.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
            Err(e) => Err(output::write_error(e)),
            Ok(()) => Ok(code),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => {
            // Nothing half-written on stdout: discard what is still buffered
            // (dropping a BufWriter would flush it).
            let _ = out.into_parts();
            let lang = resolve_lang(flag_lang).unwrap_or(Lang::En);
            // On a terminal, wrapped to its width (English was cut by the
            // terminal mid-word, Japanese mid-command); piped, one line a
            // cause, as scripts read it.
            let text = match stderr_width() {
                Some(width) => output::errors::render_wrapped(&e, lang, width),
                None => output::errors::render(&e, lang),
            };
            let _ = std::io::stderr().write_all(text.as_bytes());
            e.exit_code()
        }
    }
}

/// The width of stderr's terminal, when it is one.
fn stderr_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let (_, columns) = dialoguer::console::Term::stderr().size_checked()?;
    (columns > 0).then_some(usize::from(columns))
}

/// Prints clap's message (help and version on stdout, errors on stderr).
/// An error quotes the argument it rejects; when an argument holds control
/// characters the message is printed uncoloured, as clap renders it for a
/// pipe (escape sequences dropped) and with any other control character
/// escaped, so the argument cannot drive the terminal.
fn print_clap_error(e: &clap::Error) {
    if let Some(lines) = translated_clap_error(e) {
        let _ = std::io::stderr().write_all(lines.as_bytes());
        return;
    }
    let raw_argument =
        std::env::args_os().any(|arg| arg.to_string_lossy().chars().any(|c| c.is_control()));
    if !e.use_stderr() || !raw_argument {
        let _ = e.print();
        return;
    }
    let escaped: String = e
        .render()
        .to_string()
        .lines()
        .map(|line| format!("{}\n", text::escape_controls(line)))
        .collect();
    let _ = std::io::stderr().write_all(escaped.as_bytes());
}

/// A value tokenctl's own parser refused (a report window, an instant, a date), in Japanese
/// when the command line asks for Japanese: clap words its own errors in
/// English only, so those stay as clap prints them.
fn translated_clap_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::ValueValidation || lang_before_parsing() != Lang::Ja {
        return None;
    }
    let source = std::error::Error::source(e)?;
    let reason = match source.downcast_ref::<text::DurationError>() {
        Some(duration) => duration.message(),
        None => source.downcast_ref::<text::BadValue>()?.message(),
    };
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg.split(' ').next().unwrap_or(arg).to_string(),
        _ => return None,
    };
    let line = catalogue::Msg::BadFlagValue {
        flag: arg,
        reason: Box::new(reason),
    };
    Some(output::errors::render_lines(&[line.ja()]))
}

/// The language asked for, read before the command line is parsed (to word
/// a parse error): `--lang ja` or `--lang=ja`, else as `resolve_lang`.
fn lang_before_parsing() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let flag = args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.as_str() {
            "--lang" => args.get(i + 1).cloned(),
            other => other.strip_prefix("--lang=").map(str::to_string),
        });
    let flag = flag.and_then(|v| <Lang as clap::ValueEnum>::from_str(&v, true).ok());
    resolve_lang(flag).unwrap_or(Lang::En)
}

/// `--lang`, else `TOKENCTL_LANG` (exit 2 when it is neither ja nor en),
/// else the locale.
fn resolve_lang(flag: Option<Lang>) -> Result<Lang> {
    let explicit = match (flag, env_value("TOKENCTL_LANG")) {
        (Some(lang), _) => Some(lang),
        (None, Some(value)) => Some(<Lang as clap::ValueEnum>::from_str(&value, true).map_err(
            |_| {
                error::Error::usage(catalogue::Msg::LangEnvInvalid {
                    value: value.clone(),
                })
            },
        )?),
        (None, None) => None,
    };
    Ok(Lang::resolve(explicit))
}

fn execute(cli: Cli, lang: Lang, out: &mut dyn Write) -> Result<i32> {
    if cli.excel && cli.format != output::Format::Csv {
        // Quietly ignoring it would let a script believe it got Excel's CSV.
        return Err(error::Error::usage(catalogue::Msg::ExcelNeedsCsv));
    }
    let output = Output {
        format: cli.format,
        lang,
        excel: cli.excel,
        fit: Output::terminal_fit(cli.wide),
    };
    match cli.command {
        Command::Completions(args) => return cmd::completions::run(&args, out).map(|_| 0),
        Command::Man => return cmd::completions::man(out).map(|_| 0),
        Command::Demo => return cmd::demo::run(output, out).map(|_| 0),
        _ => {}
    }
    let ctx = Context {
        clock: Clock::from_env()?,
        out: output,
        term: Terminal::detect(output.lang),
    };
    if let Some(at) = ctx.clock.fixed_at() {
        let note = catalogue::Msg::ClockFixedNote { at };
        let _ = writeln!(std::io::stderr(), "{}", output.t(note));
    }
    let path = cli
        .db
        .or_else(|| env_value("TOKENCTL_DB").map(std::path::PathBuf::from))
        .unwrap_or_else(store::default_path);
    let key_path = cli
        .key_file
        .or_else(|| env_value(crypto::key::KEY_FILE_ENV).map(std::path::PathBuf::from))
        .unwrap_or_else(crypto::key::default_path);
    if let Command::Init(args) = &cli.command {
        return cmd::init::run(&ctx, &path, &key_path, args, out).map(|_| 0);
    }
    // The registry being replaced may be the very thing that is damaged.
    if let Command::Restore(args) = &cli.command {
        return cmd::restore::run(&ctx, &path, &key_path, args, out);
    }
    let needs = cmd::needs(&cli.command);
    let key = needs.key.then_some(key_path.as_path());
    let mut store = Store::open(&path, needs.access, key, ctx.clock.is_fixed())?;
    if let Some(created) = store.created_key_file() {
        let note = catalogue::Msg::KeyCreatedToSeal {
            path: created.display().to_string(),
        };
        let _ = writeln!(std::io::stderr(), "{}", output.t(note));
    }
    let result = dispatch(&ctx, &mut store, cli.command, out);
    for note in store.take_notes() {
        let _ = writeln!(std::io::stderr(), "{}", output.t(note));
    }
    result
}

/// An environment variable's value; set but empty counts as unset, as a
/// shell user clearing it with `TOKENCTL_DB=` expects.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Runs a command that works on an open registry.
fn dispatch(
    ctx: &Context,
    store: &mut Store,
    command: Command,
    out: &mut dyn Write,
) -> Result<i32> {
    match command {
        Command::Import(args) => cmd::import::run(ctx, store, &args, out)?,
        Command::Passwd(args) => cmd::passwd::run(ctx, store, &args, out)?,
        Command::List(args) => cmd::list::run(ctx, store, &args, out)?,
        Command::Revoke(args) => cmd::revoke::run(ctx, store, &args.into(), out)?,
        Command::Register(args) => cmd::register::run(ctx, store, &args, out)?,
        Command::Expiring(args) => return cmd::expiring::run(ctx, store, &args, out),
        Command::Notices(args) => cmd::notices::run(ctx, store, &args, out)?,
        Command::DisposeNote(args) => cmd::dispose_note::run(ctx, store, &args, out)?,
        Command::Otp(args) => cmd::otp::run(ctx, store, &args, out)?,
        Command::Devices(args) => cmd::devices::run(ctx, store, &args, out)?,
        Command::History(args) => cmd::history::run(ctx, store, &args, out)?,
        Command::Identify(args) => cmd::identify::run(ctx, store, &args, out)?,
        Command::Resync(args) => cmd::resync::run(ctx, store, &args, out)?,
        Command::Audit(args) => cmd::audit::run(ctx, store, &args, out)?,
        Command::Unlock(args) => cmd::unlock::run(ctx, store, &args, out)?,
        Command::Check(args) => return cmd::check::run(ctx, store, &args, out),
        Command::Backup(args) => return cmd::backup::run(ctx, store, &args, out),
        Command::Rekey(args) => cmd::rekey::run(ctx, store, &args, out)?,
        Command::Init(_)
        | Command::Restore(_)
        | Command::Completions(_)
        | Command::Man
        | Command::Demo => {
            unreachable!("handled before the registry is opened")
        }
    }
    Ok(0)
}
