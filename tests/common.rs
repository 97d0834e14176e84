//! The test builders: a registry in a temp dir; `Test`, which runs the real
//! binary once and compares its stdout, stderr and exit status exactly (in
//! the style of casey/just's tests); and `Run`, whose `transcript()` gives
//! the same three whole as one text for an inline snapshot
//! (`insta::assert_snapshot!(transcript, @"…")`). Both pass what the binary
//! printed through one redaction (`redact`) of the parts that change from
//! run to run. (`Run::succeeds` is for setting a state up; what a test
//! checks, it compares whole.)

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// Friday 20 November 2026, noon in Japan: the demo fixtures are in service.
pub const NOON_FRIDAY: &str = "2026-11-20T12:00:00+09:00";
/// Friday 20 November 2026, 21:00 in Japan: after the day's revocations.
pub const FRIDAY_NIGHT: &str = "2026-11-20T21:00:00+09:00";
pub const DEMO_PASSWORD: &str = "tokenctl-demo";

/// The fixture devices' secrets (base32), as in fixtures/*.csv.
pub const TARO_DEVICE: (&str, &str) = ("23456789", "KRAVEUSPEBMG6RCMJRBUK3TCIRKTIQ2K");
pub const HAMAKO_DEVICE: (&str, &str) = ("45678909", "JBQWQYLLN5ZDAMLTNFWXK3DBORSWIZDF");
pub const NEW_DEVICE_1: (&str, &str) = ("34567891", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U");
pub const NEW_DEVICE_2: (&str, &str) = ("56789012", "ON2HE2LOM4QHI2DPNNSW4LDEMVWW6ZDF");
pub const NEW_DEVICE_3: (&str, &str) = ("67890123", "OVSGK3DJOZSXE6JANZSXOIDENV2WE2LD");

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tokenctl"))
}

/// Where the tests' temp dirs are made: `/tmp` on Unix whatever `TMPDIR`
/// says, so that a path in a table (an audit detail) is as long on every
/// machine and the table as wide as its snapshot.
pub fn temp_base() -> PathBuf {
    if cfg!(unix) {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    }
}

/// A temp dir holding (or about to hold) a registry at `registry.db`.
pub struct Registry {
    pub dir: TempDir,
    pub path: PathBuf,
}

impl Registry {
    /// A temp dir with no registry yet.
    pub fn empty() -> Registry {
        let dir = tempfile::tempdir_in(temp_base()).expect("temp dir");
        let path = dir.path().join("registry.db");
        Registry { dir, path }
    }

    /// A new simulation registry with no users or devices (its clock can
    /// be fixed with `.at(…)`).
    pub fn init() -> Registry {
        let r = Registry::empty();
        r.run(&["init", "--simulation"]).succeeds();
        r
    }

    /// A new live registry: the real clock only.
    pub fn live() -> Registry {
        let r = Registry::empty();
        r.run(&["init"]).succeeds();
        r
    }

    /// The key file every command of this registry uses (inside the temp dir).
    pub fn key_path(&self) -> PathBuf {
        self.dir.path().join("registry.key")
    }

    /// The sample organisation of the procedure, created at `NOON_FRIDAY`.
    pub fn demo() -> Registry {
        let r = Registry::empty();
        r.run(&["init", "--demo"]).at(NOON_FRIDAY).succeeds();
        r
    }

    /// The sample organisation imported without the demo's password: its
    /// master taro01 has none yet.
    pub fn demo_without_password() -> Registry {
        let r = Registry::init();
        for (kind, csv) in [
            ("devices", include_str!("../fixtures/devices.csv")),
            ("devices", include_str!("../fixtures/delivery.csv")),
            ("users", include_str!("../fixtures/users.csv")),
        ] {
            r.run(&["import", kind, "-"])
                .stdin(csv)
                .at(NOON_FRIDAY)
                .succeeds();
        }
        r
    }

    /// Locks the demo master taro01 the way it happens: signatures with a
    /// wrong code at `at`, until a further one is refused as locked.
    pub fn lock_taro(&self, at: &str) {
        for _ in 0..6 {
            let out = self
                .revoke_as_taro_with_code("000000", &["hamako01"])
                .at(at)
                .output();
            match out.status {
                3 => continue,
                4 => return,
                _ => panic!("locking taro01: {out:#?}"),
            }
        }
        panic!("taro01 was not locked after six wrong codes");
    }

    /// `unlock LOGIN_ID --recovery --yes` at `at`, compared whole, and the
    /// audit row it leaves last: a `recovery` by an OS account.
    #[track_caller]
    pub fn unlock_by_recovery(&self, login_id: &str, at: &str) {
        Test::on(self)
            .args(["unlock", login_id, "--recovery", "--yes"])
            .at(at)
            .stdout(format!("Unlocked {login_id} (os:root).\n"))
            .run();
        let audit = self
            .run(&["audit", "--format", "json", "--limit", "1"])
            .succeeds()
            .json();
        assert_eq!(audit[0]["action"], "recovery");
        assert!(audit[0]["actor"].as_str().unwrap().starts_with("os:"));
    }

    /// Runs SQL with the sqlite3 CLI, as someone who can write the file
    /// but not read the key file would.
    pub fn sqlite3(&self, sql: &str) {
        let out = Command::new("sqlite3")
            .arg(&self.path)
            .arg(sql)
            .output()
            .expect("the sqlite3 CLI (the README's test command installs it)");
        assert!(out.status.success(), "sqlite3: {out:#?}");
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.args(args);
        Run {
            cmd,
            stdin: None,
            dir: self.dir.path().to_path_buf(),
            at: false,
        }
    }

    /// The binary with the tests' clean environment, for tests that need to
    /// drive the process themselves (closed pipes, terminals).
    pub fn command(&self) -> Command {
        self.in_clean_env(Command::new(bin()))
    }

    /// `sh -c SCRIPT tokenctl …` in the same clean environment, for tests
    /// that set a terminal up or a umask first (`"$0"` is tokenctl); the
    /// caller adds the arguments.
    pub fn shell(&self, script: &str) -> Command {
        let mut cmd = self.in_clean_env(Command::new("sh"));
        cmd.arg("-c").arg(script).arg(bin());
        cmd
    }

    fn in_clean_env(&self, mut cmd: Command) -> Command {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("USER", "tester")
            .env("LANG", "C")
            .env("TOKENCTL_DB", &self.path)
            .env("TOKENCTL_KEY_FILE", self.dir.path().join("registry.key"))
            .current_dir(self.dir.path());
        cmd
    }

    /// Writes `contents` to `name` in the temp dir and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// The registry file's bytes (and whether a WAL is left beside it): what
    /// "left exactly as it was" compares.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.path)
    }

    /// Runs SQL on the registry directly (to set up states or inspect).
    pub fn sql(&self, sql: &str) {
        let conn = rusqlite::Connection::open(&self.path).expect("open");
        conn.execute_batch(sql).expect("sql");
    }

    pub fn query_i64(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.path).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("query")
    }

    /// `list --user LOGIN_ID --format json`: the array with that one user.
    pub fn listed(&self, login_id: &str) -> serde_json::Value {
        self.run(&["list", "--user", login_id, "--format", "json"])
            .succeeds()
            .json()
    }

    /// `revoke` signed by the demo master with `code`, `--yes`, and the
    /// master's password on stdin (`.stdin(…)` replaces it), then `args`.
    pub fn revoke_as_taro_with_code(&self, code: &str, args: &[&str]) -> Run {
        let mut all = vec![
            "revoke",
            "--as",
            "taro01",
            "--otp",
            code,
            "--password-stdin",
            "--yes",
        ];
        all.extend_from_slice(args);
        self.run(&all).stdin(DEMO_PASSWORD)
    }

    /// Revokes `targets` as the demo master at `at`, with a valid code.
    pub fn revoke_as_taro(&self, targets: &[&str], at: &str) -> Out {
        self.revoke_as_taro_with_code(&code_at(TARO_DEVICE.1, at), targets)
            .at(at)
            .output()
    }
}

/// What stdout must be: exactly this text, or whatever a check accepts (a
/// snapshot, for outputs too long to spell out in a test).
enum Expected {
    Exact(String),
    Check(Box<dyn FnOnce(&str)>),
}

/// A registry a `Test` owns, or one the test keeps for further commands.
enum On<'r> {
    Owned(Registry),
    Borrowed(&'r Registry),
}

/// One run of the real binary and everything it must print. stdout and
/// stderr default to empty and the status to 0 (success); all three are
/// compared exactly, what it printed after the one redaction (`redact`).
/// `.at(…)` fixes the clock, and the note the binary then
/// writes to stderr is checked (exactly once, first) and left out of the
/// comparison. Built and dropped without `.run()` is a test that checks
/// nothing, hence `#[must_use]`.
#[must_use]
pub struct Test<'r> {
    on: On<'r>,
    args: Vec<String>,
    env: Vec<(String, Option<std::ffi::OsString>)>,
    stdin: Option<String>,
    at: bool,
    stdout: Expected,
    stderr: String,
    status: i32,
}

impl Test<'static> {
    /// A test in a temp dir with no registry yet.
    pub fn new() -> Test<'static> {
        Test::owning(Registry::empty())
    }

    /// A test on a new demo registry (the sample organisation at
    /// `NOON_FRIDAY`).
    pub fn demo() -> Test<'static> {
        Test::owning(Registry::demo())
    }

    /// A test on a new, empty simulation registry.
    pub fn init() -> Test<'static> {
        Test::owning(Registry::init())
    }

    fn owning(r: Registry) -> Test<'static> {
        Test::with(On::Owned(r))
    }
}

impl<'r> Test<'r> {
    /// A test on a registry the caller keeps, to run more commands on it.
    pub fn on(r: &'r Registry) -> Test<'r> {
        Test::with(On::Borrowed(r))
    }

    fn with(on: On<'r>) -> Test<'r> {
        Test {
            on,
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            at: false,
            stdout: Expected::Exact(String::new()),
            stderr: String::new(),
            status: 0,
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn stdin(mut self, input: impl Into<String>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Fixes the clock at `instant` (TOKENCTL_NOW) and expects the note
    /// saying so as the first line of stderr.
    pub fn at(mut self, instant: &str) -> Self {
        self.at = true;
        self.env("TOKENCTL_NOW", instant)
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env
            .push((key.to_string(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.env.push((key.to_string(), None));
        self
    }

    pub fn stdout(mut self, expected: impl Into<String>) -> Self {
        self.stdout = Expected::Exact(expected.into());
        self
    }

    /// stdout is handed to `check` (an insta snapshot) instead of being
    /// compared with a string.
    pub fn stdout_with(mut self, check: impl FnOnce(&str) + 'static) -> Self {
        self.stdout = Expected::Check(Box::new(check));
        self
    }

    pub fn stderr(mut self, expected: impl Into<String>) -> Self {
        self.stderr = expected.into();
        self
    }

    pub fn status(mut self, expected: i32) -> Self {
        self.status = expected;
        self
    }

    /// The registry the test runs on.
    pub fn registry(&self) -> &Registry {
        match &self.on {
            On::Owned(r) => r,
            On::Borrowed(r) => r,
        }
    }

    /// Runs the command and compares; returns what it printed (stderr
    /// without the clock note) for any further check.
    #[track_caller]
    pub fn run(self) -> Out {
        let r = self.registry();
        let mut run = r.run(&[]);
        run.cmd.args(&self.args);
        for (key, value) in &self.env {
            match value {
                Some(value) => run.cmd.env(key, value),
                None => run.cmd.env_remove(key),
            };
        }
        if let Some(input) = &self.stdin {
            run = run.stdin(input);
        }
        let raw = run.raw_output();
        let stderr = String::from_utf8_lossy(&raw.stderr).into_owned();
        let out = Out {
            status: raw.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&raw.stdout).into_owned(),
            fixed_clock_noted: stderr.lines().filter(|l| is_clock_note(l)).count(),
            stderr: without_clock_note(&stderr),
        };
        let args = &self.args;
        if self.at {
            assert!(
                stderr.lines().next().is_some_and(is_clock_note) && out.fixed_clock_noted == 1,
                "tokenctl {args:?}: expected the fixed-clock note once, first on stderr:\n{stderr}"
            );
        } else {
            assert_eq!(
                out.fixed_clock_noted, 0,
                "tokenctl {args:?}: a clock note without a fixed clock"
            );
        }
        // Both sides go through the one redaction, so that an expected text
        // may name the temp dir or write `[DIR]`; hex is redacted only where
        // the expected text writes `[HEX]` (a test may know a fingerprint).
        let dir = r.dir.path().to_path_buf();
        let real_clock = !self.at;
        let same = |printed: &str, expected: &str| {
            let hex = expected.contains("[HEX]");
            (
                redact(printed, &dir, hex, real_clock),
                redact(expected, &dir, hex, real_clock),
            )
        };
        let (printed, expected) = same(&out.stderr, &self.stderr);
        assert_eq!(printed, expected, "tokenctl {args:?}: stderr");
        assert_eq!(out.status, self.status, "tokenctl {args:?}: exit status");
        match self.stdout {
            Expected::Exact(expected) => {
                let (printed, expected) = same(&out.stdout, &expected);
                assert_eq!(printed, expected, "tokenctl {args:?}: stdout")
            }
            Expected::Check(check) => check(&out.stdout),
        }
        out
    }
}

#[derive(PartialEq, Eq)]
pub struct Snapshot {
    bytes: Vec<u8>,
    wal: Vec<u8>,
}

impl std::fmt::Debug for Snapshot {
    /// Sizes and a checksum: a failing comparison should not print megabytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sum = |b: &[u8]| {
            b.iter()
                .fold(0u64, |a, &x| a.wrapping_mul(31).wrapping_add(u64::from(x)))
        };
        write!(
            f,
            "Snapshot {{ file: {} bytes (sum {:x}), wal: {} bytes (sum {:x}) }}",
            self.bytes.len(),
            sum(&self.bytes),
            self.wal.len(),
            sum(&self.wal)
        )
    }
}

pub fn snapshot(path: &Path) -> Snapshot {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    // A reader in WAL mode may leave an empty WAL beside the file (SQLite's
    // own readers do); what counts is what the WAL holds.
    Snapshot {
        bytes: std::fs::read(path).unwrap_or_default(),
        wal: std::fs::read(Path::new(&wal)).unwrap_or_default(),
    }
}

#[must_use]
pub struct Run {
    cmd: Command,
    stdin: Option<String>,
    /// The registry's temp dir, which `transcript` redacts.
    dir: PathBuf,
    /// Whether `.at(…)` fixed the clock (and so the note is expected).
    at: bool,
}

#[derive(Debug)]
pub struct Out {
    pub status: i32,
    pub stdout: String,
    /// stderr without the note a fixed clock adds (counted apart).
    pub stderr: String,
    pub fixed_clock_noted: usize,
}

/// The note every command under `TOKENCTL_NOW` writes once to stderr.
pub fn is_clock_note(line: &str) -> bool {
    line.starts_with("note: the clock is fixed at ")
        || line.starts_with("注意：TOKENCTL_NOW により時刻が")
}

pub fn without_clock_note(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .filter(|l| !is_clock_note(l))
        .collect()
}

impl Run {
    /// Fixes the clock (TOKENCTL_NOW).
    pub fn at(mut self, instant: &str) -> Run {
        self.cmd.env("TOKENCTL_NOW", instant);
        self.at = true;
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Run {
        self.cmd.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Run {
        self.cmd.env_remove(key);
        self
    }

    pub fn stdin(mut self, input: &str) -> Run {
        self.stdin = Some(input.to_string());
        self
    }

    /// Starts the command without waiting for it (stdin written and closed).
    pub fn spawn(mut self) -> std::process::Child {
        use std::io::Write;
        self.cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawn tokenctl");
        let mut pipe = child.stdin.take().expect("stdin");
        let _ = pipe.write_all(self.stdin.take().unwrap_or_default().as_bytes());
        child
    }

    pub fn output(self) -> Out {
        let output = self.raw_output();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        Out {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            fixed_clock_noted: stderr.lines().filter(|l| is_clock_note(l)).count(),
            stderr: without_clock_note(&stderr),
        }
    }

    /// Runs the command to its end; its output as the OS gives it.
    pub fn raw_output(mut self) -> std::process::Output {
        use std::io::Write;
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawn tokenctl");
        if let Some(input) = self.stdin.take() {
            let mut pipe = child.stdin.take().expect("stdin");
            let _ = pipe.write_all(input.as_bytes());
        }
        child.wait_with_output().expect("wait")
    }

    /// Runs the command and returns everything it did as one text for an
    /// (inline) snapshot: its exit status, stdout and stderr whole, with the
    /// volatile parts redacted (`redact`). Under `.at(…)` the fixed-clock
    /// note must come first and once on stderr, and is left out.
    #[track_caller]
    pub fn transcript(self) -> String {
        let (dir, at) = (self.dir.clone(), self.at);
        let raw = self.raw_output();
        transcript(
            raw.status.code().unwrap_or(-1),
            &String::from_utf8_lossy(&raw.stdout),
            &String::from_utf8_lossy(&raw.stderr),
            &dir,
            at,
        )
    }

    /// Runs the command; its exit status, stdout and stderr, each through
    /// the one redaction (`redact`), the clock note left in: for the file
    /// snapshots of `snapshot`, which show it as users see it.
    pub fn redacted(self) -> (i32, String, String) {
        let (dir, at) = (self.dir.clone(), self.at);
        let raw = self.raw_output();
        let same = |bytes: &[u8]| redact(&String::from_utf8_lossy(bytes), &dir, true, !at);
        (
            raw.status.code().unwrap_or(-1),
            same(&raw.stdout),
            same(&raw.stderr),
        )
    }

    /// Asserts exit 0 with nothing on stderr.
    #[track_caller]
    pub fn succeeds(self) -> Out {
        let out = self.output();
        assert_eq!(out.status, 0, "expected success: {out:#?}");
        assert_eq!(out.stderr, "", "expected no stderr: {out:#?}");
        out
    }
}

impl Out {
    /// The same text as `Run::transcript`, for an output kept to look at in
    /// other ways too; `r` is the registry it ran on (for the redaction).
    /// The clock note was taken out already: at most one may have been.
    #[track_caller]
    pub fn transcript(&self, r: &Registry) -> String {
        assert!(self.fixed_clock_noted <= 1, "{self:#?}");
        transcript(self.status, &self.stdout, &self.stderr, r.dir.path(), false)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// The one text a snapshot compares: `exit N`, then `[stdout]` and
/// `[stderr]` with each stream whole (a stream that is empty is left out; one
/// without a final newline is marked so), all through `redact`. With
/// `fixed_clock`, the clock note must be stderr's first line and only once,
/// and is left out; a command that wrote none (refused before it read the
/// clock) shows `[no clock note]`. Without, any note stays in.
#[track_caller]
pub fn transcript(
    status: i32,
    stdout: &str,
    stderr: &str,
    dir: &Path,
    fixed_clock: bool,
) -> String {
    let notes = stderr.lines().filter(|l| is_clock_note(l)).count();
    let mut text = format!("exit {status}\n");
    let stderr = if fixed_clock {
        if notes == 0 {
            // A command refused before it reads the clock (a usage error).
            text.push_str("[no clock note]\n");
        } else {
            assert!(
                stderr.lines().next().is_some_and(is_clock_note) && notes == 1,
                "expected the fixed-clock note once, first on stderr:\n{stderr}"
            );
        }
        without_clock_note(stderr)
    } else {
        stderr.to_string()
    };
    for (name, stream) in [("stdout", stdout), ("stderr", stderr.as_str())] {
        if stream.is_empty() {
            continue;
        }
        text.push_str(&format!("[{name}]\n{stream}"));
        if !stream.ends_with('\n') {
            text.push_str("\n[no final newline]\n");
        }
    }
    let mut text = redact(&text, dir, true, !fixed_clock);
    // An inline snapshot drops trailing whitespace: keep any the command
    // printed by closing the text.
    if text.trim_end().len() + 1 != text.len() {
        text.push_str("[end]\n");
    }
    text
}

/// The one redaction of what changes from run to run: the temp dir (as
/// given and as the OS resolves it) becomes `[DIR]`, the checkout (where
/// the fixtures are) `[REPO]`, any other temp dir `[OTHER DIR]`; with
/// `hex`, lowercase hex of 16 characters or more (key fingerprints,
/// registry IDs, MACs, audit heads) becomes `[HEX]`; with `real_clock` (no `TOKENCTL_NOW`), a
/// date-time within a day of the real now (`YYYY-MM-DDTHH:MM…` or
/// `YYYY-MM-DD HH:MM…`, to the end of its offset) becomes `[TIME]`, while
/// other date-times (fixture dates, examples in messages) stay.
pub fn redact(text: &str, dir: &Path, hex: bool, real_clock: bool) -> String {
    let mut text = text.to_string();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![(dir.to_path_buf(), "[DIR]"), (repo.to_path_buf(), "[REPO]")];
    for (d, name) in dirs.clone() {
        if let Ok(real) = d.canonicalize() {
            dirs.push((real, name));
        }
    }
    // The longer first, so that one is not left half replaced.
    dirs.sort_by_key(|(d, _)| std::cmp::Reverse(d.as_os_str().len()));
    for (d, name) in dirs {
        text = text.replace(&*d.to_string_lossy(), name);
    }
    text = other_temp_dirs(&text);
    if hex {
        text = replace_runs(&text, |s| hex_run(s).filter(|&n| n >= 16), "[HEX]");
    }
    if real_clock {
        text = replace_runs(
            &text,
            |s| date_time(s).filter(|&n| is_now(&s[..n])),
            "[TIME]",
        );
    }
    text
}

/// Whether a date-time `date_time` found is within a day of the real now
/// (read as UTC; Japan time is nine hours off, well within).
fn is_now(text: &str) -> bool {
    let naive = text.get(..16).unwrap_or(text).replace('T', " ");
    chrono::NaiveDateTime::parse_from_str(&naive, "%Y-%m-%d %H:%M")
        .is_ok_and(|t| (t - chrono::Utc::now().naive_utc()).num_hours().abs() <= 24)
}

/// Any other temp dir a test made (`tempfile`'s `.tmpXXXXXX` in
/// `temp_base`) becomes `[OTHER DIR]`.
fn other_temp_dirs(text: &str) -> String {
    let prefix = format!(
        "{}/.tmp",
        temp_base().to_string_lossy().trim_end_matches('/')
    );
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let n = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
        out.push_str("[OTHER DIR]");
        rest = &after[n..];
    }
    out.push_str(rest);
    out
}

/// Replaces every run `len_at` finds (at a word start) with `with`.
fn replace_runs(text: &str, len_at: impl Fn(&str) -> Option<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut word_start = true;
    while let Some(c) = rest.chars().next() {
        if word_start && let Some(n) = len_at(rest) {
            out.push_str(with);
            rest = &rest[n..];
            word_start = false;
            continue;
        }
        out.push(c);
        word_start = !c.is_ascii_alphanumeric();
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of the lowercase hex word `s` starts with, if it ends a word.
fn hex_run(s: &str) -> Option<usize> {
    let n = s
        .bytes()
        .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        .count();
    let next = s.as_bytes().get(n);
    (n > 0 && !next.is_some_and(|b| b.is_ascii_alphanumeric())).then_some(n)
}

/// The length of the date-time `s` starts with: `YYYY-MM-DD`, `T` or a
/// space, `HH:MM`, then any of `:SS`, a fraction, `Z` or `±HH:MM`.
fn date_time(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits =
        |at: usize, n: usize| b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit);
    let is = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(digits(0, 4) && is(4, b'-') && digits(5, 2) && is(7, b'-') && digits(8, 2)) {
        return None;
    }
    if !((is(10, b'T') || is(10, b' ')) && digits(11, 2) && is(13, b':') && digits(14, 2)) {
        return None;
    }
    let mut n = 16;
    if is(n, b':') && digits(n + 1, 2) {
        n += 3;
    }
    if is(n, b'.') {
        n += 1;
        while b.get(n).is_some_and(u8::is_ascii_digit) {
            n += 1;
        }
    }
    if is(n, b'Z') {
        n += 1;
    } else if (is(n, b'+') || is(n, b'-'))
        && digits(n + 1, 2)
        && is(n + 3, b':')
        && digits(n + 4, 2)
    {
        n += 6;
    }
    Some(n)
}

/// RFC 4648 base32 decoding, for the tests' own code computation.
pub fn base32(text: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        bits = (bits << 5) | u64::from(v);
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

pub fn unix(instant: &str) -> u64 {
    chrono::DateTime::parse_from_rfc3339(instant)
        .expect("RFC 3339")
        .timestamp() as u64
}

/// The code a 6-digit, 30-second SHA1 device shows at `instant`, computed by
/// totp-lite: an implementation independent of the one under test.
pub fn code_at(secret_b32: &str, instant: &str) -> String {
    totp(secret_b32, "SHA1", 6, 30, unix(instant))
}

pub fn totp(secret_b32: &str, algorithm: &str, digits: u32, period: u64, unix: u64) -> String {
    let secret = base32(secret_b32);
    match algorithm {
        "SHA1" => totp_lite::totp_custom::<totp_lite::Sha1>(period, digits, &secret, unix),
        "SHA256" => totp_lite::totp_custom::<totp_lite::Sha256>(period, digits, &secret, unix),
        "SHA512" => totp_lite::totp_custom::<totp_lite::Sha512>(period, digits, &secret, unix),
        other => panic!("unknown algorithm {other}"),
    }
}

/// Adds `seconds` to an RFC 3339 instant.
pub fn plus(instant: &str, seconds: i64) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(instant).expect("RFC 3339");
    (t + chrono::Duration::seconds(seconds)).to_rfc3339()
}

/// Starts `cmd`, reads the first bytes of its output, and closes the pipe,
/// as `| head` does; returns how the command ended.
pub fn read_a_little_then_close(mut cmd: Command) -> std::process::Output {
    use std::io::Read;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tokenctl");
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("the first bytes");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn the_redaction_keeps_what_does_not_change_from_run_to_run() {
    let r = Registry::empty();
    let other = Registry::empty();
    let now = chrono::Utc::now();
    let text = format!(
        "{dir}/registry.db {repo}/fixtures/x {other}/y key 0123456789abcdef0123 serial 23456789 \
         at {now} expires 2026-12-30 like 2026-11-24T08:10:00+09:00 word deadbeefdeadbeefdeadbeefx\n",
        dir = r.dir.path().display(),
        repo = env!("CARGO_MANIFEST_DIR"),
        other = other.dir.path().display(),
        now = now.format("%Y-%m-%dT%H:%M:%S%.3f%:z"),
    );
    assert_eq!(
        redact(&text, r.dir.path(), true, true),
        "[DIR]/registry.db [REPO]/fixtures/x [OTHER DIR]/y key [HEX] serial 23456789 \
         at [TIME] expires 2026-12-30 like 2026-11-24T08:10:00+09:00 word deadbeefdeadbeefdeadbeefx\n"
    );
    // A fixed clock's times and, without `hex`, the hex stay as they are.
    assert_eq!(
        redact(&text, r.dir.path(), false, false),
        text.replace(&r.dir.path().display().to_string(), "[DIR]")
            .replace(env!("CARGO_MANIFEST_DIR"), "[REPO]")
            .replace(&other.dir.path().display().to_string(), "[OTHER DIR]")
    );
    assert_eq!(
        transcript(1, "out", "", r.dir.path(), false),
        "exit 1\n[stdout]\nout\n[no final newline]\n"
    );
    assert_eq!(
        transcript(0, "a  \n", "", r.dir.path(), false),
        "exit 0\n[stdout]\na  \n[end]\n"
    );
}

/// What a refusal must leave as it was: users (with their failure counts
/// and locks), devices and registrations; only the audit may grow (a
/// refusal by a rule is audited).
pub fn all_but_the_audit(r: &Registry) -> (serde_json::Value, i64, i64) {
    (
        r.run(&["list", "--format", "json"]).succeeds().json(),
        r.query_i64("SELECT COALESCE(SUM(failed_attempts), 0) FROM users"),
        r.query_i64(
            "SELECT COUNT(*) FROM devices WHERE disposed_at IS NULL AND out_of_use_since IS NULL",
        ),
    )
}

/// How many audit rows have `outcome`.
pub fn audited(r: &Registry, outcome: &str) -> i64 {
    r.query_i64(&format!(
        "SELECT COUNT(*) FROM audit WHERE outcome = '{outcome}'"
    ))
}
