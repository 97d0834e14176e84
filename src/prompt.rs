//! The terminal at the edge: password, code, confirmation, text and
//! checkbox prompts. Without a terminal every prompt is a usage error (exit 2), never
//! a hang waiting on input that will not come.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Password};

use crate::error::{Error, Result};
use crate::output::Lang;
use crate::rules::otp;

/// How many times a malformed code is asked for at the prompt.
const CODE_ATTEMPTS: usize = 3;

/// A code as typed: surrounding space removed, full-width digits (typed
/// with a Japanese input method) read as ASCII.
pub fn normalise_code(code: &str) -> String {
    code.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// Whether prompts can be shown: stdin and stderr are both terminals.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub interactive: bool,
    pub lang: Lang,
}

/// Where a password comes from. Never from a command-line argument.
#[derive(Clone)]
pub enum PasswordInput {
    Prompt,
    Stdin,
    File(PathBuf),
    /// Supplied by the program itself (the demo's simulated master).
    Given(String),
}

impl std::fmt::Debug for PasswordInput {
    /// Never prints a given password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordInput::Prompt => f.write_str("Prompt"),
            PasswordInput::Stdin => f.write_str("Stdin"),
            PasswordInput::File(path) => f.debug_tuple("File").field(path).finish(),
            PasswordInput::Given(_) => f.write_str("Given(<redacted>)"),
        }
    }
}

impl PasswordInput {
    pub fn from_flags(stdin: bool, file: Option<PathBuf>) -> PasswordInput {
        match (stdin, file) {
            (_, Some(path)) => PasswordInput::File(path),
            (true, None) => PasswordInput::Stdin,
            (false, None) => PasswordInput::Prompt,
        }
    }
}

fn theme() -> Box<dyn Theme> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Box::new(SimpleTheme)
    } else {
        Box::new(ColorfulTheme::default())
    }
}

impl Terminal {
    pub fn detect(lang: Lang) -> Terminal {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Terminal { interactive, lang }
    }

    /// Checks a prompt can be shown, and makes Ctrl-C at it restore the
    /// terminal (only prompting commands take over Ctrl-C).
    pub fn require(&self, what: &str, how: &str) -> Result<()> {
        if self.interactive {
            restore_terminal_on_interrupt();
            Ok(())
        } else {
            Err(Error::usage(format!(
                "{what} is required and there is no terminal to ask on; {how}"
            )))
        }
    }

    /// Reads a password from its input; `confirm` asks twice on a prompt.
    pub fn password(&self, input: &PasswordInput, prompt: &str, confirm: bool) -> Result<String> {
        let password = match input {
            PasswordInput::Given(p) => p.clone(),
            PasswordInput::Stdin => {
                if std::io::stdin().is_terminal() {
                    // Typed there, it would be echoed; the prompt hides it.
                    return Err(Error::usage(
                        "--password-stdin reads a pipe or file; on a terminal, leave it out to be asked without echo",
                    ));
                }
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Error::io("cannot read the password from stdin", e))?;
                strip_newline(text)
            }
            PasswordInput::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::usage(format!(
                        "cannot read the password file {}: {e}",
                        path.display()
                    ))
                })?;
                strip_newline(text)
            }
            PasswordInput::Prompt => {
                self.require("a password", "use --password-stdin or --password-file")?;
                let theme = theme();
                let mut prompt = Password::with_theme(theme.as_ref()).with_prompt(prompt);
                if confirm {
                    prompt =
                        prompt.with_confirmation("Repeat the password", "the passwords differ");
                }
                answered(prompt.interact())?
            }
        };
        if password.is_empty() {
            return Err(Error::usage("the password is empty"));
        }
        Ok(password)
    }

    /// The one-time code from `--otp`, or a prompt, checked for shape: all
    /// digits, as many as the device shows. A malformed code given with
    /// `--otp` is a usage error; one typed at the prompt is asked again (up
    /// to three times in all). Neither counts as a verification attempt.
    pub fn code(&self, given: Option<&str>, prompt: &str, digits: u8) -> Result<String> {
        if let Some(code) = given {
            let code = normalise_code(code);
            otp::check_format(&code, digits).map_err(Error::Usage)?;
            return Ok(code);
        }
        self.require("a one-time code", "pass it with --otp")?;
        let theme = theme();
        let mut last_error = String::new();
        for _ in 0..CODE_ATTEMPTS {
            let typed: String = answered(
                Input::with_theme(theme.as_ref())
                    .with_prompt(prompt)
                    .allow_empty(true)
                    .interact_text(),
            )?;
            let code = normalise_code(&typed);
            match otp::check_format(&code, digits) {
                Ok(()) => return Ok(code),
                Err(message) => {
                    eprintln!("{message}");
                    last_error = message;
                }
            }
        }
        Err(Error::Usage(last_error))
    }

    pub fn confirm(&self, prompt: &str) -> Result<bool> {
        self.require("a confirmation", "pass --yes to confirm")?;
        let theme = theme();
        answered(
            Confirm::with_theme(theme.as_ref())
                .with_prompt(prompt)
                .default(false)
                .interact(),
        )
    }

    /// A checkbox list showing at most `page` items at a time; returns the
    /// indices chosen. The list is cleared afterwards and the choice not
    /// echoed: the caller says what was chosen, in fewer words than the rows.
    pub fn select(&self, prompt: &str, items: &[String], page: usize) -> Result<Vec<usize>> {
        self.require(
            "at least one target",
            "name login IDs, or use --targets-file or --expiring-within",
        )?;
        let theme = theme();
        answered(
            MultiSelect::with_theme(theme.as_ref())
                .with_prompt(prompt)
                .items(items)
                .max_length(page)
                .report(false)
                .interact(),
        )
    }

    /// A line of text typed at a prompt (empty allowed).
    pub fn text(&self, prompt: &str) -> Result<String> {
        self.require(
            "at least one target",
            "name login IDs, or use --targets-file or --expiring-within",
        )?;
        let theme = theme();
        answered(
            Input::<String>::with_theme(theme.as_ref())
                .with_prompt(prompt)
                .allow_empty(true)
                .interact_text(),
        )
    }

    /// The terminal's height in lines (24 when it cannot be told).
    pub fn height(&self) -> usize {
        usize::from(dialoguer::console::Term::stderr().size().0)
    }
}

/// Ctrl-C at a prompt must not leave the shell with a hidden cursor or with
/// echo off (dialoguer hides both while it asks). The terminal settings seen
/// at start are kept; on Ctrl-C they are put back, the cursor is shown, and
/// tokenctl exits 130. Nothing is half-written: prompts come before any
/// transaction, and SQLite rolls back an interrupted one.
fn restore_terminal_on_interrupt() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(install_interrupt_handler);
}

fn install_interrupt_handler() {
    #[cfg(unix)]
    if let Ok(settings) = nix::sys::termios::tcgetattr(std::io::stdin()) {
        let _ = SAVED_TERMINAL.set(std::sync::Mutex::new(settings));
    }
    let _ = ctrlc::set_handler(interrupted);
}

#[cfg(unix)]
static SAVED_TERMINAL: std::sync::OnceLock<std::sync::Mutex<nix::sys::termios::Termios>> =
    std::sync::OnceLock::new();

/// Restores the terminal and exits 130, as a shell expects after Ctrl-C.
fn interrupted() {
    #[cfg(unix)]
    if let Some(Ok(settings)) = SAVED_TERMINAL.get().map(|m| m.lock()) {
        let _ = nix::sys::termios::tcsetattr(
            std::io::stdin(),
            nix::sys::termios::SetArg::TCSANOW,
            &settings,
        );
    }
    let term = dialoguer::console::Term::stderr();
    let _ = term.show_cursor();
    let _ = term.write_line("");
    std::process::exit(130);
}

/// A prompt's result; a read cut short by Ctrl-C ends the program the same
/// way the signal handler does (whichever thread sees it first).
fn answered<T>(result: dialoguer::Result<T>) -> Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            interrupted();
            unreachable!("interrupted() exits")
        }
        Err(e) => Err(e.into()),
    }
}

/// The prompt for the code a device shows, in the procedure's words.
pub fn code_prompt(lang: Lang, serial: &str) -> String {
    match lang {
        Lang::En => format!("Code shown by device {serial}"),
        Lang::Ja => format!("パスワード生成機 {serial} のワンタイムパスワード"),
    }
}

/// Drops one trailing newline (as `echo` adds), keeping other whitespace.
pub fn strip_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_one_trailing_newline_only() {
        assert_eq!(strip_newline("pw\n".into()), "pw");
        assert_eq!(strip_newline("pw\r\n".into()), "pw");
        assert_eq!(strip_newline(" pw \n\n".into()), " pw \n");
    }

    #[test]
    fn no_terminal_means_an_error_not_a_hang() {
        let term = Terminal {
            interactive: false,
            lang: Lang::En,
        };
        assert!(matches!(term.code(None, "code", 6), Err(Error::Usage(_))));
        assert!(matches!(term.confirm("sure?"), Err(Error::Usage(_))));
        assert!(matches!(
            term.password(&PasswordInput::Prompt, "pw", false),
            Err(Error::Usage(_))
        ));
        assert_eq!(term.code(Some(" 123456 "), "code", 6).unwrap(), "123456");
        assert_eq!(
            term.code(Some("６７０４３２"), "code", 6).unwrap(),
            "670432"
        );
    }
}
