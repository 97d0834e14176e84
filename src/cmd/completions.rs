//! `completions SHELL` and `man`: generated from the clap definition, so
//! they cannot drift from the real flags (a test also checks the copies
//! committed under `completions/`).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output::write_error;

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "tokenctl", out);
    Ok(())
}

pub fn man(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command())
        .render(out)
        .map_err(write_error)
}
