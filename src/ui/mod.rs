//! The terminal: everything tokenctl asks a person at a prompt and writes
//! to stderr beside its report. Commands hand this layer what to show and
//! get back what was typed or chosen; they never write to stderr
//! themselves.
//!
//! - `prompt`: the terminal itself and its prompts (password, code,
//!   confirmation, text, checkbox list).
//! - `select`: `revoke`'s selection screen, built on those prompts.
//! - `stderr`: lines written beside the report (findings, a preview before
//!   a confirmation).
//!
//! Knows nothing of the registry (`store`) or of the commands (`cmd`).

pub(crate) mod prompt;
pub(crate) mod select;
pub(crate) mod stderr;
