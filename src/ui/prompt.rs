//! The terminal at the edge: password, code, confirmation, text and
//! checkbox prompts. Without a terminal every prompt is a usage error (exit 2), never
//! a hang waiting on input that will not come.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Password};

use crate::catalogue::{Msg, OsError};
use crate::error::{Error, Result};
use crate::output::Lang;
use crate::rules::otp;

/// How many times a malformed code is asked for at the prompt.
const CODE_ATTEMPTS: usize = 3;

/// A code as typed: surrounding space removed, full-width digits (typed
/// with a Japanese input method) read as ASCII.
pub(crate) fn normalise_code(code: &str) -> String {
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
pub(crate) struct Terminal {
    pub(crate) interactive: bool,
    pub(crate) lang: Lang,
}

/// Where a password comes from. Never from a command-line argument.
#[derive(Clone)]
pub(crate) enum PasswordInput {
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
    pub(crate) fn from_flags(stdin: bool, file: Option<PathBuf>) -> PasswordInput {
        match (stdin, file) {
            (_, Some(path)) => PasswordInput::File(path),
            (true, None) => PasswordInput::Stdin,
            (false, None) => PasswordInput::Prompt,
        }
    }
}

/// dialoguer's theme (plain under `NO_COLOR`), with the answer to a yes/no
/// question worded in the user's language.
fn theme(lang: Lang) -> Box<dyn Theme> {
    let inner: Box<dyn Theme> = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Box::new(SimpleTheme)
    } else {
        Box::new(ColorfulTheme::default())
    };
    Box::new(Localized { inner, lang })
}

/// A theme that draws as `inner` does, except that the yes/no answer of a
/// confirmation (which dialoguer writes in English) comes from the
/// catalogue.
struct Localized {
    inner: Box<dyn Theme>,
    lang: Lang,
}

impl Localized {
    /// `drawn` with its last English answer word replaced.
    fn answer_in_lang(&self, drawn: String, answer: Option<bool>) -> String {
        let Some(answer) = answer else {
            return drawn;
        };
        let (english, msg) = if answer {
            ("yes", Msg::AnswerYes)
        } else {
            ("no", Msg::AnswerNo)
        };
        match drawn.rfind(english) {
            Some(at) => format!(
                "{}{}{}",
                &drawn[..at],
                msg.text(self.lang),
                &drawn[at + english.len()..]
            ),
            None => drawn,
        }
    }
}

impl Localized {
    /// `drawn` with dialoguer's key hint (`(y/n)`, `[y/N]`) saying in the
    /// user's language what each key answers.
    fn keys_in_lang(&self, drawn: String) -> String {
        if self.lang == Lang::En {
            return drawn;
        }
        let hint = Msg::ConfirmKeys.text(self.lang);
        ["(y/n)", "[y/n]", "[y/N]", "[Y/n]"]
            .iter()
            .fold(drawn, |drawn, english| drawn.replace(english, &hint))
    }
}

type Draw<'a> = &'a mut dyn std::fmt::Write;

impl Theme for Localized {
    fn format_prompt(&self, f: Draw<'_>, prompt: &str) -> std::fmt::Result {
        self.inner.format_prompt(f, prompt)
    }
    fn format_error(&self, f: Draw<'_>, err: &str) -> std::fmt::Result {
        self.inner.format_error(f, err)
    }
    fn format_confirm_prompt(
        &self,
        f: Draw<'_>,
        prompt: &str,
        default: Option<bool>,
    ) -> std::fmt::Result {
        let mut drawn = String::new();
        self.inner
            .format_confirm_prompt(&mut drawn, prompt, default)?;
        // The hint after the prompt names the default answer.
        // (The colourful theme styles it: compare without the colours.)
        let plain = dialoguer::console::strip_ansi_codes(&drawn).into_owned();
        let default = match default {
            Some(d) if plain.trim_end().ends_with(if d { "yes" } else { "no" }) => Some(d),
            _ => None,
        };
        f.write_str(&self.keys_in_lang(self.answer_in_lang(drawn, default)))
    }
    fn format_confirm_prompt_selection(
        &self,
        f: Draw<'_>,
        prompt: &str,
        selection: Option<bool>,
    ) -> std::fmt::Result {
        let mut drawn = String::new();
        self.inner
            .format_confirm_prompt_selection(&mut drawn, prompt, selection)?;
        f.write_str(&self.answer_in_lang(drawn, selection))
    }
    fn format_input_prompt(
        &self,
        f: Draw<'_>,
        prompt: &str,
        default: Option<&str>,
    ) -> std::fmt::Result {
        self.inner.format_input_prompt(f, prompt, default)
    }
    fn format_input_prompt_selection(
        &self,
        f: Draw<'_>,
        prompt: &str,
        sel: &str,
    ) -> std::fmt::Result {
        self.inner.format_input_prompt_selection(f, prompt, sel)
    }
    fn format_password_prompt(&self, f: Draw<'_>, prompt: &str) -> std::fmt::Result {
        self.inner.format_password_prompt(f, prompt)
    }
    fn format_password_prompt_selection(&self, f: Draw<'_>, prompt: &str) -> std::fmt::Result {
        self.inner.format_password_prompt_selection(f, prompt)
    }
    fn format_select_prompt(&self, f: Draw<'_>, prompt: &str) -> std::fmt::Result {
        self.inner.format_select_prompt(f, prompt)
    }
    fn format_select_prompt_selection(
        &self,
        f: Draw<'_>,
        prompt: &str,
        sel: &str,
    ) -> std::fmt::Result {
        self.inner.format_select_prompt_selection(f, prompt, sel)
    }
    /// The question as the theme draws it; the column names under it
    /// (after the first line) as they are, without the theme's `:`.
    fn format_multi_select_prompt(&self, f: Draw<'_>, prompt: &str) -> std::fmt::Result {
        let (question, header) = prompt.split_once('\n').unwrap_or((prompt, ""));
        self.inner.format_multi_select_prompt(f, question)?;
        if header.is_empty() {
            return Ok(());
        }
        write!(f, "\n{header}")
    }
    fn format_sort_prompt(&self, f: Draw<'_>, prompt: &str) -> std::fmt::Result {
        self.inner.format_sort_prompt(f, prompt)
    }
    fn format_multi_select_prompt_selection(
        &self,
        f: Draw<'_>,
        prompt: &str,
        selections: &[&str],
    ) -> std::fmt::Result {
        self.inner
            .format_multi_select_prompt_selection(f, prompt, selections)
    }
    fn format_sort_prompt_selection(
        &self,
        f: Draw<'_>,
        prompt: &str,
        selections: &[&str],
    ) -> std::fmt::Result {
        self.inner
            .format_sort_prompt_selection(f, prompt, selections)
    }
    fn format_select_prompt_item(&self, f: Draw<'_>, text: &str, active: bool) -> std::fmt::Result {
        self.inner.format_select_prompt_item(f, text, active)
    }
    fn format_multi_select_prompt_item(
        &self,
        f: Draw<'_>,
        text: &str,
        checked: bool,
        active: bool,
    ) -> std::fmt::Result {
        self.inner
            .format_multi_select_prompt_item(f, text, checked, active)
    }
    fn format_sort_prompt_item(
        &self,
        f: Draw<'_>,
        text: &str,
        picked: bool,
        active: bool,
    ) -> std::fmt::Result {
        self.inner.format_sort_prompt_item(f, text, picked, active)
    }
}

impl Terminal {
    pub(crate) fn detect(lang: Lang) -> Terminal {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Terminal { interactive, lang }
    }

    /// Checks a prompt can be shown, and makes Ctrl-C at it restore the
    /// terminal (only prompting commands take over Ctrl-C). `missing` says
    /// what is needed and how to give it without a terminal.
    pub(crate) fn require(&self, missing: Msg) -> Result<()> {
        if self.interactive {
            restore_terminal_on_interrupt();
            Ok(())
        } else {
            Err(Error::usage(missing))
        }
    }

    /// Reads a password from its input; `confirm` asks twice on a prompt.
    pub(crate) fn password(
        &self,
        input: &PasswordInput,
        prompt: &str,
        confirm: bool,
    ) -> Result<String> {
        let password = match input {
            PasswordInput::Given(p) => p.clone(),
            PasswordInput::Stdin => {
                if std::io::stdin().is_terminal() {
                    // Typed there, it would be echoed; the prompt hides it.
                    return Err(Error::usage(Msg::PasswordStdinOnTerminal));
                }
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Error::io(Msg::CannotReadPasswordStdin, e))?;
                strip_newline(text)
            }
            PasswordInput::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::usage(Msg::CannotReadPasswordFile {
                        path: path.display().to_string(),
                        error: OsError::from(&e),
                    })
                })?;
                strip_newline(text)
            }
            PasswordInput::Prompt => {
                self.require(Msg::NeedPassword)?;
                let theme = theme(self.lang);
                let mut prompt = Password::with_theme(theme.as_ref()).with_prompt(prompt);
                if confirm {
                    prompt = prompt.with_confirmation(
                        Msg::RepeatPassword.text(self.lang),
                        Msg::PasswordsDiffer.text(self.lang),
                    );
                }
                answered(prompt.interact())?
            }
        };
        if password.is_empty() {
            return Err(Error::usage(Msg::PasswordEmpty));
        }
        Ok(password)
    }

    /// The one-time code from `--otp`, or a prompt, checked for shape: all
    /// digits, as many as the device shows. A malformed code given with
    /// `--otp` is a usage error; one typed at the prompt is asked again (up
    /// to three times in all). Neither counts as a verification attempt.
    pub(crate) fn code(&self, given: Option<&str>, prompt: &str, digits: u8) -> Result<String> {
        if let Some(code) = given {
            let code = normalise_code(code);
            otp::check_format(&code, digits).map_err(|bad| Error::Usage(bad.into()))?;
            return Ok(code);
        }
        self.require(Msg::NeedCode)?;
        let theme = theme(self.lang);
        let mut last_error = Msg::CodeDigitsOnly { digits };
        for _ in 0..CODE_ATTEMPTS {
            // Not reported by dialoguer: it would draw a green ✔ before
            // the error of a malformed code. A good one is echoed below.
            let typed: String = answered(
                Input::with_theme(theme.as_ref())
                    .with_prompt(prompt)
                    .allow_empty(true)
                    .report(false)
                    .interact_text(),
            )?;
            let code = normalise_code(&typed);
            match otp::check_format(&code, digits) {
                Ok(()) => {
                    let mut line = String::new();
                    if theme
                        .format_input_prompt_selection(&mut line, prompt, &code)
                        .is_ok()
                    {
                        let _ = dialoguer::console::Term::stderr().write_line(&line);
                    }
                    return Ok(code);
                }
                Err(bad) => {
                    let message = Msg::from(bad);
                    eprintln!("{}", message.text(self.lang));
                    last_error = message;
                }
            }
        }
        Err(Error::Usage(last_error))
    }

    pub(crate) fn confirm(&self, prompt: &str) -> Result<bool> {
        self.require(Msg::NeedConfirmation)?;
        let theme = theme(self.lang);
        answered(
            Confirm::with_theme(theme.as_ref())
                .with_prompt(prompt)
                .default(false)
                // `y` alone acted at once, and the habitual Enter after it
                // landed in the password prompt that followed.
                .wait_for_newline(true)
                .interact(),
        )
    }

    /// A checkbox list showing at most `page` items at a time; returns the
    /// indices chosen. The list is cleared afterwards and the choice not
    /// echoed: the caller says what was chosen, in fewer words than the rows.
    /// `header` names the items' columns: it is drawn under the prompt,
    /// indented like the items after their checkbox.
    pub(crate) fn select(
        &self,
        prompt: &str,
        header: &str,
        items: &[String],
        page: usize,
    ) -> Result<Vec<usize>> {
        self.require(Msg::NeedTargets)?;
        let theme = theme(self.lang);
        let mut item = String::new();
        let _ = theme.format_multi_select_prompt_item(&mut item, "", false, false);
        let indent = " ".repeat(dialoguer::console::measure_text_width(&item));
        let prompt = format!("{prompt}\n{indent}{header}");
        // Drawn through `PageMarker`, which words dialoguer's page marker
        // (written past the theme, in English) in the user's language.
        let term = dialoguer::console::Term::read_write_pair(
            std::io::stdin(),
            PageMarker { lang: self.lang },
        );
        answered(
            MultiSelect::with_theme(theme.as_ref())
                .with_prompt(prompt)
                .items(items)
                .max_length(page)
                .report(false)
                .interact_on(&term),
        )
    }

    /// A line of text typed at a prompt (empty allowed).
    pub(crate) fn text(&self, prompt: &str) -> Result<String> {
        self.require(Msg::NeedTargets)?;
        let theme = theme(self.lang);
        answered(
            Input::<String>::with_theme(theme.as_ref())
                .with_prompt(prompt)
                .allow_empty(true)
                // The list drawn next shows what the filter found; a copy
                // of the prompt above it only goes stale.
                .report(false)
                .interact_text(),
        )
    }

    /// The terminal's width in columns (80 when it cannot be told).
    pub(crate) fn width(&self) -> usize {
        usize::from(dialoguer::console::Term::stderr().size().1)
    }

    /// The terminal's height in lines (24 when it cannot be told).
    pub(crate) fn height(&self) -> usize {
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
/// stderr, with dialoguer's page marker (` [Page 1/2] `, which it writes
/// itself rather than through the theme) worded in `lang`.
#[derive(Debug)]
struct PageMarker {
    lang: Lang,
}

impl PageMarker {
    /// `text` with its ` [Page X/Y] ` in `lang`.
    fn localised(&self, text: &str) -> Option<String> {
        let start = text.find(" [Page ")?;
        let rest = &text[start + " [Page ".len()..];
        let end = rest.find("] ")?;
        let (page, pages) = rest[..end].split_once('/')?;
        let (page, pages) = (page.parse().ok()?, pages.parse().ok()?);
        let marker = Msg::PageMarker { page, pages }.text(self.lang);
        Some(format!("{}{marker}{}", &text[..start], &rest[end + 2..]))
    }
}

impl std::io::Write for PageMarker {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let shown = std::str::from_utf8(buf)
            .ok()
            .and_then(|t| self.localised(t));
        let mut stderr = std::io::stderr();
        match shown {
            Some(text) => stderr.write_all(text.as_bytes())?,
            None => stderr.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for PageMarker {
    /// stderr's: the terminal whose size and modes dialoguer asks about.
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::io::stderr().as_raw_fd()
    }
}

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
pub(crate) fn code_prompt(lang: Lang, serial: &str) -> String {
    Msg::CodePrompt {
        serial: serial.to_string(),
    }
    .text(lang)
}

/// Drops one trailing newline (as `echo` adds), keeping other whitespace.
pub(crate) fn strip_newline(mut text: String) -> String {
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
