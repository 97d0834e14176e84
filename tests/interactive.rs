//! The interactive prompts, driven through a real pseudo-terminal (rexpect):
//! the checkbox list of `revoke` with no targets, the confirmation, the
//! password and code prompts, and `passwd`'s repeated entry. And, without a
//! terminal, the same commands fail fast instead of waiting for input.
//!
//! How the terminal is driven:
//! - `NO_COLOR=1` selects dialoguer's plain theme (`> [x] item`, `[y/N]`), and
//!   rexpect strips escape sequences, so the tests match plain prompt text.
//! - rexpect turns the pty's echo off; a real terminal echoes, so the child
//!   is started through `sh -c 'stty echo; exec tokenctl …'`. A password
//!   prompt that forgot to turn echo off would then show the password in the
//!   transcript, which the tests check.
//! - A password prompt turns echo off with `TCSAFLUSH`, which throws away
//!   whatever was typed before it got there. So a password is typed only once
//!   the terminal is seen in that state (echo off, line mode on) from the
//!   master side (`stty -a` on the master reports the pty's settings), not
//!   after a guessed sleep.
//! - Keys for the checkbox list and the confirmation are typed after their
//!   prompt is drawn, and the redraw each key causes is awaited before the
//!   next key.
//!
//! What is compared: what tokenctl printed after the last answer (its
//! result or refusal) and how it ended, whole (`Pty::finish_tail`). The
//! prompts and drawings before it are awaited one by one as they appear;
//! they are not compared whole, because a redraw read from the pty with its
//! escape sequences stripped is not the same byte for byte from run to
//! run. So checks on them (a user not offered, a password never echoed
//! anywhere) are substring checks, on purpose.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{Options, PtySession, spawn_with_options};

use crate::common::*;

/// Every wait is bounded: a hang fails the test instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(10);

const SELECT_PROMPT: &str =
    "Select the users whose device to revoke (space to select, enter to confirm)";
const PASSWORD_PROMPT: &str = "Confirmation password of taro01: ";
const TARO_CODE_PROMPT: &str = "Code shown by device 23456789: ";
const DOWN: &str = "\x1b[B";

/// rexpect hands over each byte as one `char`; needles are encoded the same
/// way so that non-ASCII text matches too.
fn as_pty_text(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Decodes text received from the pty (one byte per `char`).
fn from_pty_text(text: &str) -> String {
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A rexpect failure, with what was received decoded.
fn explain(e: &rexpect::error::Error) -> String {
    use rexpect::error::Error;
    match e {
        Error::Timeout { got, timeout, .. } => format!(
            "timed out after {timeout:?}; received since the last match: {:?}",
            from_pty_text(got)
        ),
        Error::EOF { got, .. } => format!(
            "tokenctl closed the terminal; received since the last match: {:?}",
            from_pty_text(got)
        ),
        other => other.to_string(),
    }
}

/// How a [`Pty`] starts tokenctl.
#[derive(Default)]
struct Spawn<'a> {
    /// Keep escape sequences in the transcript (to see the cursor's state).
    keep_escapes: bool,
    /// Send stdout to this file instead of the terminal.
    stdout: Option<&'a Path>,
    /// The terminal's height in lines (else the pty's default).
    rows: Option<u16>,
    /// dialoguer's colourful theme (without `NO_COLOR`).
    colour: bool,
}

/// The pty's settings as `stty -a` prints them: asked on the master side,
/// which reports the settings of the terminal tokenctl sees.
fn tty_settings(master: File) -> String {
    let out = Command::new("stty")
        .arg("-a")
        .stdin(Stdio::from(master))
        .output()
        .expect("run stty");
    assert!(out.status.success(), "stty -a failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has_flag(settings: &str, flag: &str) -> bool {
    settings
        .split(|c: char| c.is_whitespace() || c == ';')
        .any(|word| word == flag)
}

/// How tokenctl ended.
#[derive(Debug, PartialEq, Eq)]
enum Exit {
    Code(i32),
    Signal(Signal),
}

/// tokenctl on a pseudo-terminal, with everything it wrote kept.
struct Pty {
    session: PtySession,
    /// What tokenctl wrote, one byte per `char` (see [`Pty::transcript`]).
    seen: String,
}

impl Pty {
    /// tokenctl `args` at the fixed instant `at`, escape sequences stripped.
    fn spawn(r: &Registry, at: &str, args: &[&str]) -> Pty {
        Pty::spawn_with(r, at, args, Spawn::default())
    }

    fn spawn_with(r: &Registry, at: &str, args: &[&str], how: Spawn<'_>) -> Pty {
        // sh turns echo back on, then becomes tokenctl ("$0"), with stdout
        // sent to "$1" when it is not "-".
        let size = how
            .rows
            .map_or_else(String::new, |rows| format!(" rows {rows} cols 120"));
        let script = format!(
            r#"stty echo{size} && out="$1" && shift && if [ "$out" = - ]; then exec "$0" "$@"; else exec "$0" "$@" >"$out"; fi"#
        );
        let stdout = how
            .stdout
            .map_or_else(|| "-".into(), |p| p.as_os_str().to_owned());
        let mut cmd = r.shell(&script);
        if !how.colour {
            cmd.env("NO_COLOR", "1");
        }
        cmd.env("TERM", "xterm")
            .env("TOKENCTL_NOW", at)
            .arg(stdout)
            .args(args);
        let options = Options::new()
            .timeout_ms(Some(TIMEOUT.as_millis() as u64))
            .strip_ansi_escape_codes(!how.keep_escapes);
        let session = spawn_with_options(cmd, options).expect("spawn tokenctl on a pty");
        Pty {
            session,
            seen: String::new(),
        }
    }

    /// Everything tokenctl wrote to the terminal so far, as text.
    fn transcript(&self) -> String {
        from_pty_text(&self.seen)
    }

    /// Waits for `needle`; returns what came before it.
    #[track_caller]
    fn expect(&mut self, needle: &str) -> String {
        match self.session.exp_string(&as_pty_text(needle)) {
            Ok(before) => {
                self.seen.push_str(&before);
                self.seen.push_str(&as_pty_text(needle));
                from_pty_text(&before)
            }
            Err(e) => panic!(
                "waiting for {needle:?}: {}\n--- transcript ---\n{}",
                explain(&e),
                self.transcript()
            ),
        }
    }

    /// Types keys (no newline).
    fn keys(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
        self.session.flush().expect("flush keys");
    }

    /// Types a line at a text prompt.
    fn line(&mut self, text: &str) {
        self.session.send_line(text).expect("send line");
    }

    /// A handle on the pty's master side, usable after tokenctl has ended.
    fn master(&self) -> File {
        self.session
            .process()
            .get_file_handle()
            .expect("pty handle")
    }

    /// Waits for a password prompt to be reading (echo off, line mode on).
    #[track_caller]
    fn wait_for_secret_read(&mut self) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let settings = tty_settings(self.master());
            if has_flag(&settings, "-echo") && has_flag(&settings, "icanon") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the password prompt never turned echo off: {settings}\n--- transcript ---\n{}",
                self.transcript()
            );
            // A poll, bounded by the deadline: nothing signals a change of
            // a terminal's settings.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for `prompt`, then types `secret` once the prompt reads it.
    #[track_caller]
    fn secret(&mut self, prompt: &str, secret: &str) {
        self.expect(prompt);
        self.wait_for_secret_read();
        self.line(secret);
    }

    /// Waits for tokenctl to end; returns how, and the whole transcript.
    #[track_caller]
    fn finish_with(mut self) -> (Exit, String) {
        match self.session.exp_eof() {
            Ok(rest) => self.seen.push_str(&rest),
            Err(e) => panic!(
                "waiting for tokenctl to exit: {}\n--- transcript ---\n{}",
                explain(&e),
                self.transcript()
            ),
        }
        let exit = match self.session.process().wait().expect("wait for tokenctl") {
            WaitStatus::Exited(_, code) => Exit::Code(code),
            WaitStatus::Signaled(_, signal, _) => Exit::Signal(signal),
            other => panic!("unexpected wait status {other:?}"),
        };
        (exit, self.transcript())
    }

    /// Waits for tokenctl to exit; returns `exit N` and what it printed
    /// from the last answer on, whole (line ends as `\n`, the temp dir and
    /// hex redacted: see `redact`), and the whole transcript.
    #[track_caller]
    fn finish_tail(self, r: &Registry) -> (String, String) {
        let answered = self.transcript();
        let (code, transcript) = self.finish();
        let tail = transcript
            .strip_prefix(&answered)
            .unwrap_or_else(|| panic!("the transcript changed before its end:\n{transcript}"));
        // From the last carriage return on: the last prompt's final drawing
        // with its answer, then the result. (Before it, the echo of the
        // typed answer and the prompt's redraw interleave differently from
        // run to run.)
        let tail = tail.replace("\r\n", "\n");
        let tail = tail.rsplit('\r').next().unwrap_or_default();
        let tail = redact(tail, r.dir.path(), true, false);
        (format!("exit {code}\n{tail}"), transcript)
    }

    /// Waits for tokenctl to exit; returns its exit code and the transcript.
    #[track_caller]
    fn finish(self) -> (i32, String) {
        match self.finish_with() {
            (Exit::Code(code), transcript) => (code, transcript),
            (other, transcript) => panic!("tokenctl ended by {other:?}\n{transcript}"),
        }
    }
}

/// The demo's users as `list --format json` shows them.
fn user(r: &Registry, login_id: &str) -> serde_json::Value {
    let list = r.listed(login_id);
    list[0].clone()
}

/// The registry file's bytes and its users, for "nothing changed" after
/// tokenctl was killed: SQLite then leaves an empty `-wal` and the `-shm`
/// beside the file (the next command removes them), so the whole
/// [`Registry::snapshot`] cannot be compared.
fn registry_data(r: &Registry) -> (Vec<u8>, serde_json::Value) {
    let bytes = std::fs::read(&r.path).expect("read the registry");
    let users = r.run(&["list", "--format", "json"]).succeeds().json();
    (bytes, users)
}

/// Confirms with `y` and answers the password and code prompts of taro01.
fn confirm_and_authenticate(pty: &mut Pty, password: &str, at: &str) {
    pty.expect("This cannot be undone [y/N]");
    // `y` alone does not act: Enter confirms it (issue 21, item 5).
    pty.keys("y\r");
    pty.secret(PASSWORD_PROMPT, password);
    pty.expect(TARO_CODE_PROMPT);
    pty.line(&code_at(TARO_DEVICE.1, at));
}

/// How a revocation of hamako01 signed by taro01 on Friday night ends on
/// the terminal (`Pty::finish_tail`'s outcome), compared whole.
fn hamako01_revoked_on_friday_night(outcome: &str) {
    insta::allow_duplicates! {
        insta::assert_snapshot!(outcome, @"
            exit 0
            Code shown by device 23456789: 973766
            Revoked the devices of the following users.
            ┌──────────┬───────────┬─────────┬──────────┬────────────┬────────────────┬─────────────────────────┐
            │ Login ID ┆ User name ┆ Role    ┆ Serial   ┆ OTP status ┆ Device expires ┆ Registrable at          │
            ╞══════════╪═══════════╪═════════╪══════════╪════════════╪════════════════╪═════════════════════════╡
            │ hamako01 ┆ 芳金 花子 ┆ general ┆ 45678909 ┆ revoked    ┆ 2026-12-30     ┆ 2026-11-24 08:10:00 JST │
            └──────────┴───────────┴─────────┴──────────┴────────────┴────────────────┴─────────────────────────┘
            The user may register a new device from 2026-11-24 08:10:00 JST.
            Registration opens 30 minutes after a revocation; after one at or after 20:30 Japan time, at 08:10 on the next business day.
            ");
    }
}

#[test]
fn revoke_with_no_targets_offers_a_checkbox_list_of_the_users_in_service() {
    let r = Registry::demo();
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01"]);
    pty.expect(SELECT_PROMPT);
    // The first drawing: the cursor on the first user, nothing checked.
    pty.expect("      Login ID  User name  Role     Serial    Device expires");
    pty.expect("> [ ] taro01    芳金 太郎  master   23456789  2026-12-30");
    pty.expect("  [ ] hamako01  芳金 花子  general  45678909  2026-12-30");
    pty.keys(DOWN);
    pty.expect("> [ ] hamako01");
    let first_drawing = pty.transcript();
    for not_in_service in ["shiro01", "ichiro01"] {
        assert!(
            !first_drawing.contains(not_in_service),
            "{not_in_service} has no device in service and must not be offered:\n{first_drawing}"
        );
    }
    pty.keys(" ");
    pty.expect("> [x] hamako01");
    pty.keys("\r");
    // The choice is echoed as its login IDs alone, not the rows.
    pty.expect("Selected: hamako01\r\n");
    confirm_and_authenticate(&mut pty, DEMO_PASSWORD, FRIDAY_NIGHT);
    let (outcome, _) = pty.finish_tail(&r);
    hamako01_revoked_on_friday_night(&outcome);

    let hamako = user(&r, "hamako01");
    assert_eq!(hamako["status"], "revoked");
    assert_eq!(hamako["registrable_at"], "2026-11-24T08:10:00+09:00");
    let taro = user(&r, "taro01");
    assert_eq!(taro["status"], "active");
    assert_eq!(taro["serial"], TARO_DEVICE.0);
}

/// Answers the confirmation of `revoke --as taro01 hamako01` with `keys`,
/// which must cancel it: before any password or code prompt, changing
/// nothing.
fn cancel_at_the_confirmation(keys: &str) {
    let r = Registry::demo();
    let before = r.snapshot();
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01", "hamako01"]);
    pty.expect("Revoke the devices of 1 user? This cannot be undone [y/N]");
    pty.keys(keys);
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::allow_duplicates! {
        insta::assert_snapshot!(outcome, @"
            exit 1
            Revoke the devices of 1 user? This cannot be undone no
            error: cancelled; nothing was changed
            ");
    }
    // No prompt after it, anywhere.
    assert!(!transcript.contains("password"), "{transcript}");
    assert!(!transcript.contains("Code shown"), "{transcript}");
    assert_eq!(
        r.snapshot(),
        before,
        "a cancelled revocation changes nothing"
    );
}

#[test]
fn answering_no_at_the_confirmation_cancels_before_any_password_and_changes_nothing() {
    cancel_at_the_confirmation("n\r");
}

#[test]
fn enter_at_the_confirmation_takes_the_default_no() {
    cancel_at_the_confirmation("\r");
}

#[test]
fn revoke_of_a_named_user_on_a_terminal_asks_confirmation_password_and_code() {
    let r = Registry::demo();
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01", "hamako01"]);
    confirm_and_authenticate(&mut pty, DEMO_PASSWORD, FRIDAY_NIGHT);
    let (outcome, transcript) = pty.finish_tail(&r);
    hamako01_revoked_on_friday_night(&outcome);
    assert!(
        !transcript.contains("Select the users"),
        "named targets need no checkbox list:\n{transcript}"
    );
    assert!(
        !transcript.contains(DEMO_PASSWORD),
        "the password was echoed:\n{transcript}"
    );
    assert_eq!(user(&r, "hamako01")["status"], "revoked");
}

#[test]
fn a_wrong_password_typed_at_the_prompt_is_refused_audited_and_never_shown() {
    let r = Registry::demo();
    let wrong = "hunter2-wrong";
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01", "hamako01"]);
    confirm_and_authenticate(&mut pty, wrong, FRIDAY_NIGHT);
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 3
        Code shown by device 23456789: 973766
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
        ");
    assert!(
        !transcript.contains("hunter2"),
        "the typed password appears on the terminal:\n{transcript}"
    );
    assert_eq!(user(&r, "hamako01")["status"], "active");

    let audit = r.run(&["audit", "--format", "json"]).succeeds();
    // Substring on purpose: nowhere in any field.
    assert!(
        !audit.stdout.contains("hunter2"),
        "audit leaks the typed password: {}",
        audit.stdout
    );
    let rows = audit.json();
    let failed = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["action"] == "revoke" && row["outcome"] == "failed")
        .unwrap_or_else(|| panic!("no failed revoke in the audit: {rows:#}"));
    assert_eq!(failed["actor"], "taro01", "{failed:#}");
}

#[test]
fn register_without_otp_on_a_terminal_prompts_for_the_code() {
    let r = Registry::demo();
    let (serial, secret) = NEW_DEVICE_3;
    let mut pty = Pty::spawn(
        &r,
        FRIDAY_NIGHT,
        &["register", "--user", "shiro01", "--serial", serial],
    );
    pty.expect("Code shown by device 67890123: ");
    pty.line(&code_at(secret, FRIDAY_NIGHT));
    let (outcome, _) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        Code shown by device 67890123: 763150
        Registered device 67890123 for shiro01 at 2026-11-20 21:00:00 JST (usable through 2031-11-30).
        ");
    let shiro = user(&r, "shiro01");
    assert_eq!(shiro["status"], "active");
    assert_eq!(shiro["serial"], serial);
}

#[test]
fn resync_without_otp_on_a_terminal_asks_for_two_consecutive_codes() {
    let r = Registry::demo();
    let (serial, secret) = NEW_DEVICE_3;
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["resync", serial]);
    pty.expect("A code shown by device 67890123: ");
    pty.line(&code_at(secret, &plus(FRIDAY_NIGHT, 570)));
    pty.expect("The next code it shows (wait for it to change): ");
    pty.line(&code_at(secret, &plus(FRIDAY_NIGHT, 600)));
    let (outcome, _) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        The next code it shows (wait for it to change): 587035
        Resynchronised device 67890123 at 2026-11-20 21:00:00 JST: its clock offset was +0 s and is now +600 s; both codes are used up.
        ");
}

#[test]
fn passwd_on_a_terminal_asks_twice_and_asks_again_after_a_mismatch() {
    let r = Registry::demo();
    let new_password = "correct horse battery";
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["passwd", "taro01"]);
    // taro01 has a password: changing it needs the current one, asked
    // first (issue 21, item 8).
    pty.secret("Current confirmation password of taro01: ", DEMO_PASSWORD);
    pty.secret("New confirmation password for taro01: ", "first-try-1");
    pty.secret("Repeat the password: ", "first-try-2");
    // dialoguer reports the mismatch and starts over from the first prompt.
    pty.expect("error: the passwords differ");
    pty.secret("New confirmation password for taro01: ", new_password);
    pty.secret("Repeat the password: ", new_password);
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        New confirmation password for taro01: [hidden]
        Confirmation password set for taro01.
        ");
    // Substring on purpose: no typed password anywhere on the terminal.
    for typed in ["first-try", new_password] {
        assert!(
            !transcript.contains(typed),
            "a typed password is shown:\n{transcript}"
        );
    }

    // The old password no longer confirms a revocation; the new one does.
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let revoke = [
        "revoke",
        "--as",
        "taro01",
        "hamako01",
        "--otp",
        &code,
        "--password-stdin",
        "--yes",
    ];
    let old = r
        .run(&revoke)
        .at(FRIDAY_NIGHT)
        .stdin(DEMO_PASSWORD)
        .transcript();
    insta::assert_snapshot!(old, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
        ");
    let new = r
        .run(&revoke)
        .at(FRIDAY_NIGHT)
        .stdin(new_password)
        .transcript();
    insta::assert_snapshot!(new, @"
        exit 0
        [stdout]
        Revoked the devices of the following users.
        ┌──────────┬───────────┬─────────┬──────────┬────────────┬────────────────┬─────────────────────────┐
        │ Login ID ┆ User name ┆ Role    ┆ Serial   ┆ OTP status ┆ Device expires ┆ Registrable at          │
        ╞══════════╪═══════════╪═════════╪══════════╪════════════╪════════════════╪═════════════════════════╡
        │ hamako01 ┆ 芳金 花子 ┆ general ┆ 45678909 ┆ revoked    ┆ 2026-12-30     ┆ 2026-11-24 08:10:00 JST │
        └──────────┴───────────┴─────────┴──────────┴────────────┴────────────────┴─────────────────────────┘
        The user may register a new device from 2026-11-24 08:10:00 JST.
        Registration opens 30 minutes after a revocation; after one at or after 20:30 Japan time, at 08:10 on the next business day.
        ");
    assert_eq!(user(&r, "hamako01")["status"], "revoked");
}

/// Runs tokenctl without a terminal and with stdin an open pipe that never
/// delivers anything, the way cron or a CI job might: a command that tries
/// to read a missing answer would wait forever, so it is killed at TIMEOUT.
fn run_without_terminal(r: &Registry, args: &[&str]) -> Out {
    let mut child = r
        .command()
        .env("TOKENCTL_NOW", FRIDAY_NIGHT)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tokenctl");
    // stdin stays open (and empty) until the command has ended: one that
    // reads it would wait, and is caught by the timeout.
    let stdin = child.stdin.take();
    let pid = child.id();
    let (done, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = match ended.recv_timeout(TIMEOUT) {
        Ok(output) => output.expect("wait"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("tokenctl {args:?} waited for input without a terminal");
        }
    };
    drop(stdin);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Out {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        fixed_clock_noted: stderr.lines().filter(|l| is_clock_note(l)).count(),
        stderr: without_clock_note(&stderr),
    }
}

#[test]
fn without_a_terminal_a_missing_answer_is_a_usage_error_not_a_wait() {
    let r = Registry::demo();
    let before = r.snapshot();
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let mut transcripts = String::new();
    for args in [
        &["revoke", "--as", "taro01"][..],
        &["revoke", "--as", "taro01", "hamako01", "--otp", &code],
        &["register", "--user", "shiro01", "--serial", "67890123"],
        &["passwd", "taro01"],
    ] {
        let out = run_without_terminal(&r, args);
        assert!(out.fixed_clock_noted <= 1, "{out:#?}");
        transcripts.push_str(&format!("{args:?}: {}", out.transcript(&r)));
    }
    insta::assert_snapshot!(transcripts, @r#"
        ["revoke", "--as", "taro01"]: exit 2
        [stderr]
        error: no targets: name login IDs, or use --targets-file or --expiring-within
        ["revoke", "--as", "taro01", "hamako01", "--otp", "973766"]: exit 2
        [stderr]
        error: a confirmation is required and there is no terminal to ask on; pass --yes to confirm
        ["register", "--user", "shiro01", "--serial", "67890123"]: exit 2
        [stderr]
        error: a one-time code is required and there is no terminal to ask on; pass it with --otp
        ["passwd", "taro01"]: exit 2
        [stderr]
        error: the current password is required and there is no terminal to ask on; pass --current-password-file, or --as MASTER to have another master sign
        "#);
    assert_eq!(r.snapshot(), before);
}

#[test]
fn checking_nobody_in_the_list_revokes_nothing_and_asks_no_password() {
    let r = Registry::demo();
    let before = r.snapshot();
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01"]);
    pty.expect("  [ ] hamako01");
    pty.keys("\r");
    // An empty choice is a cancel.
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 1
        error: cancelled; nothing was changed
        ");
    assert!(!transcript.contains("password"), "{transcript}");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn prompts_go_to_the_terminal_and_stdout_stays_clean_json() {
    let r = Registry::demo();
    let json_path = r.dir.path().join("revoked.json");
    let mut pty = Pty::spawn_with(
        &r,
        FRIDAY_NIGHT,
        &["revoke", "--as", "taro01", "--format", "json"],
        Spawn {
            stdout: Some(&json_path),
            ..Spawn::default()
        },
    );
    pty.expect("> [ ] taro01");
    pty.expect("  [ ] hamako01");
    pty.keys("j");
    pty.expect("> [ ] hamako01");
    pty.keys(" ");
    pty.expect("> [x] hamako01");
    pty.keys("\r");
    confirm_and_authenticate(&mut pty, DEMO_PASSWORD, FRIDAY_NIGHT);
    // Nothing after the answers on the terminal: the JSON went to stdout.
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        Code shown by device 23456789: 973766
        ");
    assert!(!transcript.contains("\"revoked\""), "{transcript}");
    let stdout = std::fs::read_to_string(&json_path).expect("stdout file");
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout:?}"));
    assert_eq!(
        json,
        serde_json::json!({
            "dry_run": false,
            "revoked": [{
                "login_id": "hamako01",
                "serial": HAMAKO_DEVICE.0,
                "revoked_at": FRIDAY_NIGHT,
                "registrable_at": "2026-11-24T08:10:00+09:00",
            }],
        })
    );
}

#[test]

fn with_lang_ja_the_revoke_prompts_use_the_procedures_japanese_labels() {
    let r = Registry::demo();
    // 120 columns: at 80 the role and name are left out of the rows (see
    // `item5_a_narrow_terminal_leaves_role_and_name_out_of_the_checkbox_rows`).
    let mut pty = Pty::spawn_with(
        &r,
        FRIDAY_NIGHT,
        &["--lang", "ja", "revoke", "--as", "taro01"],
        Spawn {
            rows: Some(30),
            ..Spawn::default()
        },
    );
    pty.expect("失効する利用者を選択してください");
    // The column names, aligned with the rows (issue 21, item 5).
    pty.expect(
        "      ログインID  利用者名   利用者区分      シリアル番号  パスワード生成機有効期限",
    );
    pty.expect("> [ ] taro01      芳金 太郎  マスターユーザ  23456789      2026年12月30日");
    pty.expect("  [ ] hamako01    芳金 花子  一般ユーザ      45678909      2026年12月30日");
    pty.keys(DOWN);
    pty.expect("> [ ] hamako01");
    pty.keys(" ");
    pty.expect("> [x] hamako01");
    pty.keys("\r");
    pty.expect("1 名の生成機を失効しますか（元に戻せません） （y:はい/n:いいえ）");
    pty.keys("y\r");
    // The procedure's screen names the two fields 確認用パスワード and
    // ワンタイムパスワード.
    pty.secret("確認用パスワード", DEMO_PASSWORD);
    pty.expect("ワンタイムパスワード");
    pty.line(&code_at(TARO_DEVICE.1, FRIDAY_NIGHT));
    let (outcome, _) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        パスワード生成機 23456789 のワンタイムパスワード: 973766
        以下の利用者が登録しているパスワード生成機の情報を失効しました。
        ┌────────────┬───────────┬────────────┬──────────────┬────────────────────┬───────────────────┬────────────────────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分 ┆ シリアル番号 ┆ ワンタイム         ┆ パスワード生成機  ┆ 利用登録可能日時       │
        │            ┆           ┆            ┆              ┆ パスワード状態     ┆ 有効期限          ┆                        │
        ╞════════════╪═══════════╪════════════╪══════════════╪════════════════════╪═══════════════════╪════════════════════════╡
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ ┆ 45678909     ┆ 失効中             ┆ 2026年12月30日    ┆ 2026年11月24日 8時10分 │
        └────────────┴───────────┴────────────┴──────────────┴────────────────────┴───────────────────┴────────────────────────┘
        2026年11月24日 8時10分 以降に新しいパスワード生成機を利用登録できます。
        ワンタイムパスワードの利用登録は失効の30分後から可能です。20時30分以降の失効は、翌営業日の8時10分以降に利用登録できま
        す。
        ");
}

#[test]

fn ctrl_c_at_the_checkbox_list_changes_nothing_and_leaves_the_cursor_visible() {
    let r = Registry::demo();
    let before = registry_data(&r);
    let mut pty = Pty::spawn_with(
        &r,
        FRIDAY_NIGHT,
        &["revoke", "--as", "taro01"],
        Spawn {
            keep_escapes: true,
            ..Spawn::default()
        },
    );
    pty.expect("  [ ] hamako01");
    pty.keys("\x03");
    let (exit, transcript) = pty.finish_with();
    assert_ne!(exit, Exit::Code(0), "{transcript:?}");
    assert_eq!(
        registry_data(&r),
        before,
        "an interrupted revocation changes nothing"
    );
    let hidden = transcript.rfind("\x1b[?25l");
    let shown = transcript.rfind("\x1b[?25h");
    assert!(
        hidden.is_none() || shown > hidden,
        "the cursor was hidden and never shown again ({exit:?}): {transcript:?}"
    );
}

#[test]

fn ctrl_c_at_the_password_prompt_changes_nothing_and_leaves_echo_on() {
    let r = Registry::demo();
    let before = registry_data(&r);
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01", "hamako01"]);
    pty.expect("This cannot be undone [y/N]");
    // `y` alone does not act: Enter confirms it (issue 21, item 5).
    pty.keys("y\r");
    pty.expect(PASSWORD_PROMPT);
    pty.wait_for_secret_read();
    let master = pty.master();
    pty.keys("\x03");
    let (exit, transcript) = pty.finish_with();
    assert_ne!(exit, Exit::Code(0), "{transcript}");
    assert_eq!(
        registry_data(&r),
        before,
        "an interrupted revocation changes nothing"
    );
    let settings = tty_settings(master);
    assert!(
        has_flag(&settings, "echo"),
        "tokenctl ended ({exit:?}) leaving the terminal's echo off: {settings}"
    );
}

/// The demo organisation plus 16 users in service (u01–u16), whose devices
/// expire in March 2027 (u01–u03) or November 2031: 18 users in service,
/// more than a terminal of 12 lines shows at once.
fn crowded() -> Registry {
    let r = Registry::demo();
    let mut devices = String::from("serial,secret,expires\n");
    let mut users = String::from("login_id,name,role,otp_required,serial\n");
    for i in 1..=16 {
        let expires = if i <= 3 { "2027-03-31" } else { "2031-11-30" };
        devices.push_str(&format!(
            "{},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,{expires}\n",
            90_000_000 + i
        ));
        users.push_str(&format!(
            "u{i:02},試験 利用者{i},general,true,{}\n",
            90_000_000 + i
        ));
    }
    r.run(&["import", "devices", "-"])
        .stdin(&devices)
        .succeeds();
    r.run(&["import", "users", "-"]).stdin(&users).succeeds();
    r
}

/// The note before the filter prompt, wrapped at a space on 120 columns.
const CROWDED_FILTER_NOTE: &str = "18 users are in service, more than fit on the screen. Filter by login ID, name, serial or expiry month (YYYY-MM); empty\r\nfor all\r\n";
const CROWDED_FILTER_PROMPT: &str = "Filter: ";

#[test]
fn more_users_than_fit_on_the_terminal_are_filtered_first_then_paged() {
    let r = crowded();
    let mut pty = Pty::spawn_with(
        &r,
        FRIDAY_NIGHT,
        &["revoke", "--as", "taro01"],
        Spawn {
            rows: Some(12),
            ..Spawn::default()
        },
    );
    pty.expect(CROWDED_FILTER_NOTE);
    pty.expect(CROWDED_FILTER_PROMPT);
    pty.line("nobody-like-this");
    pty.expect("No user in service matches \"nobody-like-this\"; try again.");
    // The expiry month finds the three devices of March 2027.
    pty.expect(CROWDED_FILTER_PROMPT);
    pty.line("2027-03");
    pty.expect(SELECT_PROMPT);
    pty.expect("> [ ] u01");
    pty.expect("  [ ] u02");
    let drawing = pty.expect("  [ ] u03");
    assert!(
        !drawing.contains("Page"),
        "three users fit on one page: {drawing}"
    );
    pty.keys(DOWN);
    pty.expect("> [ ] u02");
    pty.keys(" ");
    pty.expect("> [x] u02");
    pty.keys("\r");
    pty.expect("Selected: u02\r\n");
    // The preview, before the confirmation.
    pty.expect("About to revoke the devices of these users:");
    pty.expect("│ u02 ");
    pty.expect("The user would be able to register a new device from 2026-11-24 08:10:00 JST.");
    confirm_and_authenticate(&mut pty, DEMO_PASSWORD, FRIDAY_NIGHT);
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        Code shown by device 23456789: 973766
        Revoked the devices of the following users.
        ┌──────────┬──────────────┬─────────┬──────────┬────────────┬────────────────┬─────────────────────────┐
        │ Login ID ┆ User name    ┆ Role    ┆ Serial   ┆ OTP status ┆ Device expires ┆ Registrable at          │
        ╞══════════╪══════════════╪═════════╪══════════╪════════════╪════════════════╪═════════════════════════╡
        │ u02      ┆ 試験 利用者2 ┆ general ┆ 90000002 ┆ revoked    ┆ 2027-03-31     ┆ 2026-11-24 08:10:00 JST │
        └──────────┴──────────────┴─────────┴──────────┴────────────┴────────────────┴─────────────────────────┘
        The user may register a new device from 2026-11-24 08:10:00 JST.
        Registration opens 30 minutes after a revocation; after one at or after 20:30 Japan time, at 08:10 on the next business
        day.
        ");
    let list = transcript
        .split_once(SELECT_PROMPT)
        .and_then(|(_, rest)| rest.split_once("Selected: u02"))
        .map(|(list, _)| list.to_string())
        .unwrap_or_else(|| panic!("no list:\n{transcript}"));
    for not_matched in ["hamako01", "u04", "u16"] {
        assert!(
            !list.contains(not_matched),
            "{not_matched} does not match the filter:\n{list}"
        );
    }
    assert_eq!(user(&r, "u02")["status"], "revoked");
    assert_eq!(user(&r, "u01")["status"], "active");
}

#[test]
fn with_lang_ja_the_filter_is_asked_in_japanese_and_an_empty_filter_pages_everyone() {
    let r = crowded();
    let before = r.snapshot();
    let mut pty = Pty::spawn_with(
        &r,
        FRIDAY_NIGHT,
        &["--lang", "ja", "revoke", "--as", "taro01"],
        Spawn {
            rows: Some(12),
            ..Spawn::default()
        },
    );
    // Said once, wrapped to the 120 columns.
    pty.expect("利用中の利用者が 18 名で、画面に収まりません。ログインID、利用者名、シリアル番号、有効期限の月（YYYY-MM）で絞り込んでく\r\nださい（空欄ですべて）\r\n");
    let filter_prompt = "絞り込み: ";
    pty.expect(filter_prompt);
    pty.line("該当なし");
    pty.expect("「該当なし」に一致する利用中の利用者はいません。もう一度入力してください。");
    pty.expect(filter_prompt);
    pty.line("");
    // Seven rows a page on twelve lines (the prompt, the column names and
    // the notes take the rest): 18 users make three pages.
    pty.expect("失効する利用者を選択してください");
    // dialoguer's page marker, in Japanese (issue 21, item 5).
    pty.expect("［1/3 ページ］");
    pty.expect("> [ ] taro01");
    pty.expect("  [ ] u05");
    pty.keys(" ");
    pty.expect("> [x] taro01");
    pty.keys("\r");
    pty.expect("選択した利用者：taro01\r\n");
    pty.expect("以下の利用者のパスワード生成機を失効します。");
    pty.expect("注意：taro01 は自身のパスワード生成機を失効します。");
    pty.expect("1 名の生成機を失効しますか（元に戻せません） （y:はい/n:いいえ）");
    pty.keys("n\r");
    let (outcome, _) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 1
        1 名の生成機を失効しますか（元に戻せません） いいえ
        error: 取り消しました。何も変更していません
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn the_preview_before_the_confirmation_shows_who_and_when_and_warns_a_master_revoking_themselves() {
    let r = Registry::demo();
    let before = r.snapshot();
    let mut pty = Pty::spawn(
        &r,
        FRIDAY_NIGHT,
        &["revoke", "--as", "taro01", "hamako01", "taro01"],
    );
    pty.expect("About to revoke the devices of these users:");
    pty.expect("│ hamako01 ┆ 芳金 花子 ┆ general ┆ 45678909 ┆");
    pty.expect("│ taro01   ┆ 芳金 太郎 ┆ master  ┆ 23456789 ┆");
    pty.expect("Every user would be able to register a new device from 2026-11-24 08:10:00 JST.");
    pty.expect("Warning: taro01 revokes their own device and cannot sign again until they register a new one.");
    pty.expect("Revoke the devices of 2 users? This cannot be undone [y/N]");
    pty.keys("n\r");
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 1
        Revoke the devices of 2 users? This cannot be undone no
        error: cancelled; nothing was changed
        ");
    assert_eq!(
        transcript.matches("register a new device from").count(),
        1,
        "one registrable-at line for one instant:\n{transcript}"
    );
    assert_eq!(r.snapshot(), before);

    let mut pty = Pty::spawn(
        &r,
        FRIDAY_NIGHT,
        &["--lang", "ja", "revoke", "--as", "taro01", "hamako01"],
    );
    pty.expect("以下の利用者のパスワード生成機を失効します。");
    pty.expect("│ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ");
    pty.expect("2026年11月24日 8時10分 以降に新しいパスワード生成機を利用登録できます。");
    pty.expect("1 名の生成機を失効しますか（元に戻せません） （y:はい/n:いいえ）");
    pty.keys("n\r");
    let (outcome, transcript) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 1
        1 名の生成機を失効しますか（元に戻せません） いいえ
        error: 取り消しました。何も変更していません
        ");
    assert!(
        !transcript.contains("自身のパスワード生成機を失効します"),
        "no warning when the master is not a target:\n{transcript}"
    );
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_malformed_code_at_the_prompt_is_asked_again_and_is_not_a_failed_attempt() {
    let r = Registry::demo();
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01", "hamako01"]);
    pty.expect("This cannot be undone [y/N]");
    // `y` alone does not act: Enter confirms it (issue 21, item 5).
    pty.keys("y\r");
    pty.secret(PASSWORD_PROMPT, DEMO_PASSWORD);
    pty.expect(TARO_CODE_PROMPT);
    pty.line("12ab");
    pty.expect("the one-time code must be 6 digits only");
    pty.expect(TARO_CODE_PROMPT);
    pty.line(&code_at(TARO_DEVICE.1, FRIDAY_NIGHT));
    let (outcome, _) = pty.finish_tail(&r);
    hamako01_revoked_on_friday_night(&outcome);
    assert_eq!(user(&r, "hamako01")["status"], "revoked");
    assert_eq!(
        r.query_i64("SELECT failed_attempts FROM users WHERE login_id = 'taro01'"),
        0,
        "a malformed code is not a verification attempt"
    );
}

#[test]
fn with_lang_ja_a_malformed_code_is_asked_again_up_to_three_times() {
    let r = Registry::demo();
    let (serial, secret) = NEW_DEVICE_3;
    let mut pty = Pty::spawn(
        &r,
        FRIDAY_NIGHT,
        &[
            "--lang", "ja", "register", "--user", "shiro01", "--serial", serial,
        ],
    );
    let prompt = "パスワード生成機 67890123 のワンタイムパスワード: ";
    pty.expect(prompt);
    pty.line("12ab");
    pty.expect(prompt);
    // Full-width digits are read as ASCII: three of them are too few.
    pty.line("１２３");
    pty.expect("入力は 3 桁");
    pty.expect(prompt);
    pty.line(&code_at(secret, FRIDAY_NIGHT));
    let (outcome, _) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 0
        パスワード生成機 67890123 のワンタイムパスワード: 763150
        shiro01 のパスワード生成機 67890123 を 2026年11月20日 21時00分 に利用登録しました（有効期限 2031年11月30日）。
        ");

    // Three malformed codes end the run: exit 2, nothing registered.
    let r = Registry::demo();
    let before = r.snapshot();
    let mut pty = Pty::spawn(
        &r,
        FRIDAY_NIGHT,
        &["register", "--user", "shiro01", "--serial", serial],
    );
    for typed in ["12ab", "", "1234567"] {
        pty.expect("Code shown by device 67890123: ");
        pty.line(typed);
    }
    let (outcome, _) = pty.finish_tail(&r);
    insta::assert_snapshot!(outcome, @"
        exit 2
        the one-time code must have 6 digits, got 7
        error: the one-time code must have 6 digits, got 7
        ");
    assert_eq!(r.snapshot(), before);
}

/// The demo after taro01 moved to a new device (34567891, 2031) on the
/// demo Friday: on 5 January 2027 hamako01's device (30 December) has
/// expired, taro01's has not.
fn hamako_expired() -> (Registry, &'static str) {
    let r = Registry::demo();
    let out = r.revoke_as_taro(&["taro01"], NOON_FRIDAY);
    assert_eq!(out.status, 0, "{out:#?}");
    let at = "2026-11-20T12:30:00+09:00";
    r.run(&[
        "register",
        "--user",
        "taro01",
        "--serial",
        NEW_DEVICE_1.0,
        "--otp",
        &code_at(NEW_DEVICE_1.1, at),
    ])
    .at(at)
    .succeeds();
    (r, "2027-01-05T10:00:00+09:00")
}

#[test]
fn a_user_whose_device_expired_is_named_in_a_note_and_never_offered() {
    let (r, at) = hamako_expired();
    let before = r.snapshot();
    let mut outcomes = String::new();
    for (lang, note) in [
        (
            "en",
            "Not offered, their device has expired (contact the bank, then record its revocation with --bank-reference): hamako01",
        ),
        (
            "ja",
            "有効期限切れのため選択できません（銀行に連絡し、--bank-reference で銀行の失効を記録してください）：hamako01",
        ),
    ] {
        let mut pty = Pty::spawn(&r, at, &["--lang", lang, "revoke", "--as", "taro01"]);
        pty.expect(note);
        let row = if lang == "en" {
            "> [ ] taro01    芳金 太郎"
        } else {
            "> [ ] taro01      34567891"
        };
        pty.expect(row);
        pty.keys("\r");
        // Nothing chosen is a cancel.
        let (outcome, transcript) = pty.finish_tail(&r);
        outcomes.push_str(&format!("{lang}: {outcome}"));
        let list = transcript
            .split_once(note)
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default();
        assert!(
            !list.contains("hamako01"),
            "an expired device is never offered:\n{transcript}"
        );
    }
    insta::assert_snapshot!(outcomes, @"
        en: exit 1
        error: cancelled; nothing was changed
        ja: exit 1
        error: 取り消しました。何も変更していません
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn expiring_summary_on_a_terminal_draws_bars_scaled_to_the_largest_month() {
    let r = Registry::demo();
    let mut pty = Pty::spawn(&r, NOON_FRIDAY, &["expiring", "--summary"]);
    pty.expect("Devices in service by expiry month");
    pty.expect("2026-11  0\r\n");
    let bar = format!("2026-12  {} 2\r\n", "█".repeat(50));
    pty.expect(&bar);
    pty.expect("2027-10  0\r\n");
    pty.expect("expired  0\r\n");
    let (outcome, transcript) = pty.finish_tail(&r);
    assert_eq!(outcome, "exit 0\n");
    // No prompt: the whole terminal is stable, and a chart, not a table.
    insta::assert_snapshot!(transcript.replace("\r\n", "\n"), @"
        note: the clock is fixed at 2026-11-20 12:00:00 JST by TOKENCTL_NOW
        Devices in service by expiry month (expired: only the bank can revoke them):
        2026-11  0
        2026-12  ██████████████████████████████████████████████████ 2
        2027-01  0
        2027-02  0
        2027-03  0
        2027-04  0
        2027-05  0
        2027-06  0
        2027-07  0
        2027-08  0
        2027-09  0
        2027-10  0
        expired  0
        ");
}

/// Issue 21, item 5: `y` at the confirmation waits for Enter, so the
/// habitual Enter after it does not land in the password prompt (which was
/// then silently asked again): the password is asked once.
#[test]
fn item5_y_at_the_confirmation_waits_for_enter() {
    let r = Registry::demo();
    let mut pty = Pty::spawn(&r, FRIDAY_NIGHT, &["revoke", "--as", "taro01", "hamako01"]);
    pty.expect("This cannot be undone [y/N]");
    pty.keys("y");
    std::thread::sleep(Duration::from_millis(300));
    pty.keys("\r");
    pty.secret(PASSWORD_PROMPT, DEMO_PASSWORD);
    pty.expect(TARO_CODE_PROMPT);
    pty.line(&code_at(TARO_DEVICE.1, FRIDAY_NIGHT));
    let (code, transcript) = pty.finish();
    assert_eq!(code, 0, "{transcript}");
    // Drawn as asked, then as answered (`[hidden]`): asked once.
    assert_eq!(
        transcript.matches(PASSWORD_PROMPT).count(),
        2,
        "the password is asked once:\n{transcript}"
    );
    assert_eq!(transcript.matches("[hidden]").count(), 1, "{transcript}");
}

/// Issue 21, item 5: a malformed code at the prompt gets its error, and no
/// green ✔ (the colourful theme's mark of an accepted answer) before it;
/// the good code that follows gets its ✔.
#[test]
fn item5_a_malformed_code_gets_no_check_mark_before_its_error() {
    let r = Registry::demo();
    let mut pty = Pty::spawn_with(
        &r,
        FRIDAY_NIGHT,
        &["revoke", "--as", "taro01", "hamako01"],
        Spawn {
            colour: true,
            ..Spawn::default()
        },
    );
    pty.expect("This cannot be undone");
    pty.keys("y\r");
    pty.secret("Confirmation password of taro01", DEMO_PASSWORD);
    pty.expect("Code shown by device 23456789");
    pty.line("12ab");
    let before_error = pty.expect("the one-time code must be 6 digits only");
    assert!(!before_error.contains('✔'), "{before_error}");
    pty.expect("Code shown by device 23456789");
    pty.line(&code_at(TARO_DEVICE.1, FRIDAY_NIGHT));
    let (code, transcript) = pty.finish();
    assert_eq!(code, 0, "{transcript}");
    let after_error = transcript
        .split_once("the one-time code must be 6 digits only")
        .map(|(_, after)| after)
        .unwrap_or_default();
    assert!(after_error.contains('✔'), "{transcript}");
}

/// Issue 21, item 5: the checkbox list has column names, and on an 80-column
/// terminal the Japanese rows leave the role and name out, so that
/// dialoguer (which measures a row in bytes when it redraws) erases
/// neither the question nor the column names when the cursor moves.
#[test]
fn item5_a_narrow_terminal_leaves_role_and_name_out_of_the_checkbox_rows() {
    let r = Registry::demo();
    let mut pty = Pty::spawn(
        &r,
        FRIDAY_NIGHT,
        &["--lang", "ja", "revoke", "--as", "taro01"],
    );
    pty.expect("失効する利用者を選択してください");
    pty.expect("      ログインID  シリアル番号  パスワード生成機有効期限");
    pty.expect("> [ ] taro01      23456789      2026年12月30日");
    pty.keys(DOWN);
    pty.expect("> [ ] hamako01");
    pty.keys("\r");
    let (code, transcript) = pty.finish();
    assert_eq!(code, 1, "nothing chosen: {transcript}");
}
