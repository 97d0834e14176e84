//! `completions SHELL` and `man`: generated from the clap definition, so
//! they cannot drift from the real flags (a test also checks the copies
//! committed under `completions/`).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

/// The script is generated in memory first: clap_complete panics when its
/// writer fails, and a reader that stops early (`| head`) is not an error.
pub(crate) fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = no_file_names_for_values(Cli::command());
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tokenctl", &mut script);
    if args.shell == clap_complete::Shell::Bash {
        let text = String::from_utf8_lossy(&script).into_owned();
        script =
            complete_from_registry(complete_file_positionals(text, &Cli::command())).into_bytes();
    }
    Ok(out.write_all(&script)?)
}

/// The values that are never file names: a login ID, a serial, a code, a
/// reference, a window, a number.
const NOT_FILES: [&str; 13] = [
    "MASTER",
    "LOGIN_ID",
    "ID",
    "S",
    "SERIAL",
    "CODE",
    "REF",
    "DUR",
    "N",
    "RFC3339",
    "ACTOR",
    "HEX",
    "YYYY-MM-DD",
];

/// `command` with the arguments whose value is one of `NOT_FILES` marked
/// so: clap_complete otherwise completes file names there (`--as <TAB>`
/// listed the current directory).
fn no_file_names_for_values(mut command: clap::Command) -> clap::Command {
    let ids: Vec<clap::Id> = command
        .get_arguments()
        .filter(|a| a.get_value_hint() == clap::ValueHint::Unknown)
        .filter(|a| {
            a.get_value_names()
                .is_some_and(|names| names.iter().any(|n| NOT_FILES.contains(&n.as_str())))
        })
        .map(|a| a.get_id().clone())
        .collect();
    for id in ids {
        command = command.mut_arg(id, |a| a.value_hint(clap::ValueHint::Other));
    }
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subcommands {
        command = command.mut_subcommand(name, no_file_names_for_values);
    }
    command
}

/// The bash function that lists the login IDs or serials (`$1`, a key of
/// `list --format json`; further arguments go to `list`) of the registry
/// the command line names (`--db`), or of the default one: `list` reads
/// only and needs no key file.
const IDS_FUNCTION: &str = r#"# Login IDs and serials from the registry, for --as, --user and --serial.
__tokenctl_ids() {
    local key=$1 db=() i
    shift
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --db ]] && db=(--db "${COMP_WORDS[i+1]}")
    done
    "${COMP_WORDS[0]}" "${db[@]}" list --format json "$@" 2>/dev/null |
        grep -o "\"$key\":\"[^\"]*\"" | cut -d'"' -f4 | sort -u
}

"#;

/// Where bash completes a login ID (`--as`, `--user`) or a serial
/// (`--serial`), the registry's own are offered (clap_complete's static
/// script can only echo what was typed).
fn complete_from_registry(script: String) -> String {
    let echo = "                    COMPREPLY=(\"${cur}\")\n";
    let mut out = String::from(IDS_FUNCTION);
    let mut rest = script.as_str();
    while let Some(at) = rest.find(echo) {
        let before = &rest[..at];
        let flag = before.trim_end().rsplit('\n').next().unwrap_or("").trim();
        let key = match flag {
            "--as)" => Some("login_id --role master"),
            "--user)" => Some("login_id"),
            "--serial)" => Some("serial"),
            _ => None,
        };
        out.push_str(before);
        match key {
            Some(key) => out.push_str(&format!(
                "                    COMPREPLY=($(compgen -W \"$(__tokenctl_ids {key})\" -- \"${{cur}}\"))\n"
            )),
            None => out.push_str(echo),
        }
        rest = &rest[at + echo.len()..];
    }
    out.push_str(rest);
    out
}

/// clap_complete's bash script offers only options where a command takes a
/// file as its positional argument (`tokenctl import users <TAB>` inserts
/// `-`, the options' common prefix). There, file names are completed
/// instead, and options once a `-` is typed.
fn complete_file_positionals(mut script: String, command: &clap::Command) -> String {
    const FALLBACK: &str =
        "            esac\n            COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n";
    const ESAC: usize = "            esac\n".len();
    for (label, depth) in file_positionals(command, "tokenctl", 0) {
        let Some(case) = script.find(&format!("        {label})\n")) else {
            continue;
        };
        let options_first = format!(" || ${{COMP_CWORD}} -eq {depth} ]] ; then\n");
        let Some(at) = script[case..].find(&options_first).map(|i| case + i) else {
            continue;
        };
        script.replace_range(at..at + options_first.len(), " ]] ; then\n");
        let Some(end) = script[at..].find(FALLBACK).map(|i| at + i + ESAC) else {
            continue;
        };
        let files = "            if [[ ${cur} != -* ]] ; then\n\
             \x20               COMPREPLY=($(compgen -f -- \"${cur}\"))\n\
             \x20               compopt -o filenames 2>/dev/null\n\
             \x20               return 0\n\
             \x20           fi\n";
        script.insert_str(end, files);
    }
    script
}

/// The bash case label of every command whose first positional argument
/// is a file, with the word position of that argument right after the
/// command (`tokenctl import users FILE`: 3).
fn file_positionals(command: &clap::Command, label: &str, depth: usize) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let file_first = command
        .get_positionals()
        .next()
        .is_some_and(|arg| arg.get_value_hint() == clap::ValueHint::FilePath);
    if file_first {
        found.push((label.to_string(), depth + 1));
    }
    for sub in command.get_subcommands() {
        let sub_label = format!("{label}__subcmd__{}", sub.get_name().replace('-', "__"));
        found.extend(file_positionals(sub, &sub_label, depth + 1));
    }
    found
}

/// One man page for the whole tool, assembled around clap_mangen's
/// sections: NAME, a SYNOPSIS with option values, DESCRIPTION, COMMANDS
/// (each subcommand's synopsis, description, options and examples),
/// OPTIONS, then ENVIRONMENT, FILES, EXIT STATUS, RULES and EXAMPLES from
/// `MANUAL`. Rendered in memory, then written at once, as the completions
/// are.
pub(crate) fn man(out: &mut dyn Write) -> Result<()> {
    let mut page_text = Vec::new();
    render_man(&mut page_text)?;
    Ok(out.write_all(&page_text)?)
}

fn render_man(out: &mut Vec<u8>) -> Result<()> {
    let command = Cli::command();
    let page = clap_mangen::Man::new(command.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    writeln!(out, ".SH SYNOPSIS")?;
    writeln!(
        out,
        "{} \\fICOMMAND\\fR [\\fIARGS\\fR]",
        synopsis(&command, "tokenctl")
    )?;
    page.render_description_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands() {
        render_command(out, sub, "tokenctl")?;
    }
    page.render_options_section(out)?;
    for (title, body) in MANUAL {
        writeln!(out, ".SH {title}")?;
        let body = match *title {
            "EXIT STATUS" => crate::exit::manual_text(),
            "RULES" => rules_text(),
            _ => body.to_string(),
        };
        out.extend_from_slice(roff_paragraphs(&body).as_bytes());
    }
    Ok(page.render_version_section(out)?)
}

/// The manual's RULES section, its times and counts taken from the
/// constants the rules use, so the page cannot drift from the code.
fn rules_text() -> String {
    use crate::rules::MAX_CONSECUTIVE_FAILURES;
    use crate::rules::otp::WINDOW_STEPS;
    use crate::rules::schedule::{CUTOFF, OPENING, SHORT_WAIT};
    use crate::time::JAPAN;
    let (cutoff, opening) = (CUTOFF.format("%H:%M"), OPENING.format("%H:%M"));
    let wait = SHORT_WAIT.num_minutes();
    format!(
        "Registrable-at :: A revocation before {cutoff} Japan time ({JAPAN}) lets the user \
register a new device {wait} minutes later. A revocation at or after {cutoff} lets them register \
from {opening} on the next business day after the revocation's date. Read literally, as \
tokenctl does: a revocation at 03:00, or on a Saturday or a holiday before {cutoff}, gives \
{wait} minutes.

Business days :: Monday to Friday, not a Japanese national holiday (substitute and \
citizens' holidays included) and not 31 December to 3 January.

Expiry :: A device is usable through the whole of its expiry date in Japan. An expired \
device cannot be revoked by the organisation: the bank revokes it, and revoke \
--bank-reference records that. expiring always lists expired devices still in service.

Codes :: RFC 6238 TOTP with each device's algorithm, digits and period; a code of any \
step from {WINDOW_STEPS} before to {WINDOW_STEPS} after the device's current one is accepted, \
once: a step not newer than the last accepted for the device is a replay. A device's current \
step is the real clock's plus the offset learned from the last code it had accepted, so a \
slowly drifting clock is followed; one that drifted further is found again by resync with \
two consecutive codes. {MAX_CONSECUTIVE_FAILURES} consecutive \
failed verifications (password or code) lock the login until unlock; a success resets the count.

Revocation and registration :: A master user revokes, all or nothing, signing with their \
confirmation password and their own device's code. Each user registers the new device \
for themselves, with its serial and current code; a shared device is registered by each \
of its users.

Disposal :: A device is out of use once no one holds it in service and it was replaced \
(from that instant) or expired (from the end of its expiry date). The organisation \
disposes of it under the municipality's rules for battery-containing waste; dispose-note \
--mark-disposed records that, and a disposed device is never registered again.

Live and simulation :: init makes a live registry, on the real clock only. init \
--simulation (and --demo) makes a simulation, where TOKENCTL_NOW governs every command \
and otp shows a device's code."
    )
}

fn render_command(out: &mut Vec<u8>, command: &clap::Command, parent: &str) -> Result<()> {
    let name = format!("{parent} {}", command.get_name());
    if command.has_subcommands() {
        for sub in command.get_subcommands() {
            render_command(out, sub, &name)?;
        }
        return Ok(());
    }
    writeln!(out, ".SS \"{name}\"")?;
    writeln!(out, "{}", synopsis(command, &name))?;
    // Unbuilt subcommands carry only their own options; the global ones are
    // documented once, under OPTIONS.
    let page = clap_mangen::Man::new(command.clone().bin_name(&name));
    let mut sections = Vec::new();
    page.render_description_section(&mut sections)?;
    page.render_options_section(&mut sections)?;
    let text = String::from_utf8_lossy(&sections)
        .replace(".SH DESCRIPTION\n", ".PP\n")
        .replace(".SH OPTIONS\n", ".PP\nOptions:\n");
    out.extend_from_slice(text.as_bytes());
    if let Some(examples) = command.get_after_help() {
        let examples = examples.to_string();
        let lines = examples.strip_prefix("Examples:\n").unwrap_or(&examples);
        writeln!(out, ".PP\nExamples:\n.RS 4\n.nf")?;
        for line in lines.lines() {
            writeln!(out, "{}", roff(line.trim_start()))?;
        }
        writeln!(out, ".fi\n.RE")?;
    }
    Ok(())
}

/// `name [--flag] [--option VALUE] [--choice a|b] ARG [ARG]...` in roff:
/// every option with the value it takes (clap_mangen's own synopsis shows
/// `[--db]` alone).
fn synopsis(command: &clap::Command, name: &str) -> String {
    let mut parts = vec![format!("\\fB{}\\fR", roff(name))];
    for arg in command.get_arguments() {
        if arg.is_hide_set() || matches!(arg.get_id().as_str(), "help" | "version") {
            continue;
        }
        let takes_value = arg.get_action().takes_values();
        let many = matches!(arg.get_action(), clap::ArgAction::Append);
        let value = || {
            let choices: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if choices.is_empty() {
                let names = arg
                    .get_value_names()
                    .map(|n| {
                        n.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
                format!("\\fI{}\\fR", roff(&names))
            } else {
                roff(&choices.join("|"))
            }
        };
        let text = match arg.get_long() {
            Some(long) if takes_value => format!("\\fB\\-\\-{}\\fR {}", roff(long), value()),
            Some(long) => format!("\\fB\\-\\-{}\\fR", roff(long)),
            None => format!("{}{}", value(), if many { "..." } else { "" }),
        };
        parts.push(if arg.is_required_set() {
            text
        } else {
            format!("[{text}]")
        });
    }
    parts.join(" ")
}

/// Text as roff shows it literally: hyphens and backslashes escaped, and a
/// line never starting with a control character.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Paragraphs separated by blank lines; a paragraph whose lines start with
/// two spaces is shown as written (commands), one starting `- ` as a list.
fn roff_paragraphs(body: &str) -> String {
    let mut text = String::new();
    for paragraph in body.trim().split("\n\n") {
        if paragraph.starts_with("  ") {
            text.push_str(".PP\n.RS 4\n.nf\n");
            for line in paragraph.lines() {
                text.push_str(&roff(line.trim_start()));
                text.push('\n');
            }
            text.push_str(".fi\n.RE\n");
        } else if paragraph.starts_with("- ") {
            for item in paragraph.split("\n- ") {
                let item = item.trim_start_matches("- ");
                text.push_str(".IP \\(bu 2\n");
                text.push_str(&roff(
                    &item.split_whitespace().collect::<Vec<_>>().join(" "),
                ));
                text.push('\n');
            }
        } else if let Some((term, rest)) = paragraph.split_once(" :: ") {
            text.push_str(".TP\n");
            text.push_str(&format!("\\fB{}\\fR\n", roff(term)));
            text.push_str(&roff(
                &rest.split_whitespace().collect::<Vec<_>>().join(" "),
            ));
            text.push('\n');
        } else {
            text.push_str(".PP\n");
            text.push_str(&roff(
                &paragraph.split_whitespace().collect::<Vec<_>>().join(" "),
            ));
            text.push('\n');
        }
    }
    text
}

/// The sections of the manual that are not generated from the flags.
const MANUAL: &[(&str, &str)] = &[
    (
        "ENVIRONMENT",
        "TOKENCTL_DB :: The registry file, when --db is not given. Default: registry.db in the \
platform's data directory (~/.local/share/tokenctl/ on Linux).

TOKENCTL_KEY_FILE :: The registry key file, when --key-file is not given. Default: \
registry.key in the platform's config directory (~/.config/tokenctl/ on Linux).

TOKENCTL_LANG :: ja or en: the language of labels and messages, when --lang is not given. \
Any other value is an error (exit 2).

LC_ALL, LC_MESSAGES, LANG :: Without --lang and TOKENCTL_LANG, the first of these that is \
set and not empty decides: Japanese when it starts with ja (ja_JP.UTF-8), else English.

TOKENCTL_NOW :: An RFC 3339 instant (2026-11-20T21:00:00+09:00) that fixes the clock of \
every command, noted once on stderr. On a live registry only commands that change \
nothing honour it; a command that would write refuses it (exit 2).

TOKENCTL_ALLOW_NETWORK_FS :: 1 lets a command write a registry on a network file system \
(NFS, SMB/CIFS, AFS, 9P, Ceph, sshfs and other FUSE mounts, ...), which is otherwise refused \
(exit 8): SQLite's WAL does not work there and network file locks are unreliable, so a \
registry written from two machines can be corrupted. Set it only when one machine alone \
ever writes to the share. Any other value leaves the refusal on.

NO_COLOR :: When set and not empty, prompts are drawn without colour.

An empty variable counts as unset.",
    ),
    (
        "FILES",
        "registry.db :: The registry: a SQLite file, created readable by its owner only (0600). \
It holds users, devices with their secrets sealed under the key, registrations and the \
audit log.

registry.key :: The registry key: 64 hex digits, created 0600 in a 0700 directory by init. \
Device secrets are sealed under it and every audit row is chained under it. Back it up \
apart from the registry: without it no device can verify a code again. list, expiring, \
notices, dispose-note, audit, devices and history work without it.",
    ),
    (
        "EXIT STATUS",
        // Written from `exit::EXIT_CODES` by `render_man`.
        "",
    ),
    (
        "RULES", // Written from the rules' constants by `rules_text`.
        "",
    ),
    (
        "EXAMPLES",
        "A first look, on a throw-away registry:

  tokenctl demo
  tokenctl --db my.db init --demo
  tokenctl --db my.db list

The switch-over, with the bank's delivery:

  tokenctl import devices delivery.csv
  tokenctl revoke --as taro01 --expiring-within 30d --dry-run
  tokenctl revoke --as taro01 --expiring-within 30d
  tokenctl --lang ja notices --out letters/
  tokenctl register --user hamako01 --serial 56789012
  tokenctl dispose-note 45678909 --mark-disposed

Devices and their clocks:

  tokenctl devices --state in-stock
  tokenctl history --serial 45678909
  tokenctl identify --otp 123456
  tokenctl resync 23456789 --otp 123456 --otp 654321

For cron, quiet when nothing is due:

  tokenctl expiring --within 30d --exit-code
  tokenctl list --status revoked --waiting-over 7d

In Japanese, and for Excel:

  tokenctl --lang ja list
  tokenctl --lang ja expiring --format csv --excel > expiring.csv",
    ),
];
