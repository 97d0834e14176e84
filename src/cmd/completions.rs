//! `completions SHELL` and `man`: generated from the clap definition, so
//! they cannot drift from the real flags (a test also checks the copies
//! committed under `completions/`).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

/// The script is generated in memory first: clap_complete panics when its
/// writer fails, and a reader that stops early (`| head`) is not an error.
pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tokenctl", &mut script);
    Ok(out.write_all(&script)?)
}

/// One man page for the whole tool: the top-level sections, then a COMMANDS
/// section with each subcommand's synopsis, description and options
/// (clap_mangen alone would point at per-command pages nobody installs).
/// Rendered in memory, then written at once, as the completions are.
pub fn man(out: &mut dyn Write) -> Result<()> {
    let mut page_text = Vec::new();
    render_man(&mut page_text)?;
    Ok(out.write_all(&page_text)?)
}

fn render_man(out: &mut dyn Write) -> Result<()> {
    let command = Cli::command();
    let page = clap_mangen::Man::new(command.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands() {
        render_command(out, sub, "tokenctl")?;
    }
    page.render_extra_section(out)?;
    Ok(page.render_version_section(out)?)
}

fn render_command(out: &mut dyn Write, command: &clap::Command, parent: &str) -> Result<()> {
    let name = format!("{parent} {}", command.get_name());
    if command.has_subcommands() {
        for sub in command.get_subcommands() {
            render_command(out, sub, &name)?;
        }
        return Ok(());
    }
    // Unbuilt subcommands carry only their own options; the global ones are
    // documented once, at the top.
    let page = clap_mangen::Man::new(command.clone().bin_name(&name));
    let mut sections = Vec::new();
    page.render_synopsis_section(&mut sections)?;
    page.render_description_section(&mut sections)?;
    page.render_options_section(&mut sections)?;
    let text = String::from_utf8_lossy(&sections)
        .replace(".SH SYNOPSIS\n", "")
        .replace(".SH DESCRIPTION\n", ".PP\n")
        .replace(".SH OPTIONS\n", ".PP\nOptions:\n");
    writeln!(out, ".SS \"{name}\"")?;
    Ok(out.write_all(text.as_bytes())?)
}
