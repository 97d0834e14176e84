//! Races between two runs of the real binary on one registry. Each test
//! forces the overlap instead of hoping for it: the test holds the
//! registry's write lock (`BEGIN IMMEDIATE` on a connection of its own, as
//! another writer would) while both commands take their first look (a read,
//! which WAL lets through) and go on to their write transaction, where both
//! wait on the busy timeout. Only when both are seen waiting does the test
//! release the lock; the two transactions then run one after the other, and
//! the second must find the code's step consumed by the first (the replay
//! guard inside the signed path's transaction). Outputs are compared whole.

use std::process::{Child, Output};
use std::time::{Duration, Instant};

use crate::common::*;

/// How long the test holds the write lock: long enough for both commands
/// to start, take their first look and reach the lock (a whole run alone
/// takes less, `a_command_alone_is_done_within_the_hold` checks), and well
/// within the five-second busy timeout they then wait on.
const HOLD: Duration = Duration::from_millis(2000);

/// A signature refused for a wrong or replayed code, whole.
const REPLAYED: &str = "exit 3
[stderr]
error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
";

/// Takes the registry's write lock the way another writer would; it is
/// released when the returned connection rolls back (or is dropped).
fn hold_write_lock(r: &Registry) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE;").unwrap();
    conn
}

/// Holds the lock for `HOLD` while `children` run, checks that none of them
/// got past it, releases it, and returns their outputs.
#[track_caller]
fn release_after_both_wait(lock: rusqlite::Connection, children: [Child; 2]) -> [Output; 2] {
    std::thread::sleep(HOLD);
    let mut children = children;
    for child in &mut children {
        assert_eq!(
            child.try_wait().unwrap(),
            None,
            "a command finished while the write lock was held: no overlap"
        );
    }
    lock.execute_batch("ROLLBACK;").unwrap();
    children.map(|c| c.wait_with_output().unwrap())
}

fn transcript_of(r: &Registry, output: &Output) -> String {
    transcript(
        output.status.code().unwrap_or(-1),
        &String::from_utf8_lossy(&output.stdout),
        &String::from_utf8_lossy(&output.stderr),
        r.dir.path(),
        true,
    )
}

/// The two transcripts, the accepted one first.
#[track_caller]
fn accepted_then_refused(r: &Registry, outputs: &[Output; 2]) -> (String, String) {
    let [a, b] = outputs.each_ref().map(|o| transcript_of(r, o));
    match (a.starts_with("exit 0\n"), b.starts_with("exit 0\n")) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => panic!("expected exactly one accepted:\n{a}\n{b}"),
    }
}

fn register(r: &Registry, user: &str, code: &str, at: &str) -> Run {
    r.run(&[
        "register",
        "--user",
        user,
        "--serial",
        NEW_DEVICE_1.0,
        "--otp",
        code,
    ])
    .at(at)
}

/// The baseline the hold relies on: one registration with nothing in its
/// way is over, from start to exit, within `HOLD`.
#[test]
fn a_command_alone_is_done_within_the_hold() {
    let r = Registry::demo();
    let at = "2026-11-24T09:00:00+09:00";
    let started = Instant::now();
    register(&r, "shiro01", &code_at(NEW_DEVICE_1.1, at), at).succeeds();
    assert!(started.elapsed() < HOLD, "{:?}", started.elapsed());
}

/// Two users register the same new device with the code it shows, at the
/// same time: both look at the device (no step used yet) while another
/// writer holds the lock, both wait for it, and the code is accepted once.
#[test]
fn two_registrations_of_one_device_with_one_code_accept_exactly_one() {
    let r = Registry::demo();
    let at = "2026-11-24T09:00:00+09:00";
    let code = code_at(NEW_DEVICE_1.1, at);
    let lock = hold_write_lock(&r);
    let children = ["shiro01", "ichiro01"].map(|user| register(&r, user, &code, at).spawn());
    // The first look needs no write lock: a registration refused there (an
    // unknown login ID) is over while the lock is held.
    let probe = register(&r, "nobody", &code, at).transcript();
    insta::assert_snapshot!(probe, @"
        exit 6
        [stderr]
        error: unknown login ID: nobody
        ");
    let outputs = release_after_both_wait(lock, children);
    let (accepted, refused) = accepted_then_refused(&r, &outputs);
    // Either may win: its login ID is the one thing that varies.
    let winner = if accepted.contains("shiro01") {
        "shiro01"
    } else {
        "ichiro01"
    };
    insta::assert_snapshot!(accepted.replace(winner, "<winner>"), @"
        exit 0
        [stdout]
        Registered device 34567891 for <winner> at 2026-11-24 09:00:00 JST (usable through 2031-11-30).
        ");
    let loser = if winner == "shiro01" {
        "ichiro01"
    } else {
        "shiro01"
    };
    insta::assert_snapshot!(refused.replace(loser, "<loser>"), @"
        exit 3
        [stderr]
        error: the one-time code was already used for device 34567891; wait for the device's next code and try again
        error: failed verification 1 of 5 for <loser>: 4 more and <loser> is locked
        ");
    assert_eq!(
        r.query_i64(&format!(
            "SELECT COUNT(*) FROM users u JOIN devices d ON d.id = u.device_id \
             WHERE d.serial = '{}'",
            NEW_DEVICE_1.0
        )),
        1
    );
    assert_eq!(
        r.query_i64(
            "SELECT COUNT(*) FROM audit WHERE action = 'register' AND outcome = 'failed' \
             AND detail LIKE '%replayed code'"
        ),
        1
    );
}

/// Regression: two `revoke`s racing with the same code both succeeded,
/// because the replay guard was read before the write transaction. Each
/// reads its password from a named pipe, which a command opens only after
/// its first look: both pipes are open (both commands have looked) before
/// the test takes the write lock and writes either password; both then
/// verify and wait for the lock.
#[cfg(unix)]
#[test]
fn a_code_raced_by_two_commands_is_accepted_once() {
    use std::io::Write;

    let r = Registry::demo();
    let at = "2026-11-20T21:00:00+09:00";
    let code = code_at(TARO_DEVICE.1, at);
    let pipes = ["first.pipe", "second.pipe"].map(|name| {
        let path = r.dir.path().join(name);
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        path
    });
    let children = pipes.each_ref().map(|pipe| {
        r.run(&[
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--otp",
            &code,
            "--password-file",
            pipe.to_str().unwrap(),
            "--yes",
        ])
        .at(at)
        .spawn()
    });
    // Opening a pipe for writing returns once the command opened it to read
    // the password: it has taken its first look.
    let writers = pipes.each_ref().map(|pipe| {
        let (opened_tx, opened) = std::sync::mpsc::channel();
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            let writer = std::fs::OpenOptions::new().write(true).open(pipe);
            let _ = opened_tx.send(writer);
        });
        opened
            .recv_timeout(Duration::from_secs(20))
            .expect("a revoke never asked for its password")
            .expect("open the pipe")
    });
    let lock = hold_write_lock(&r);
    for mut writer in writers {
        writer.write_all(DEMO_PASSWORD.as_bytes()).unwrap();
    }
    let outputs = release_after_both_wait(lock, children);
    let (accepted, refused) = accepted_then_refused(&r, &outputs);
    insta::assert_snapshot!(accepted, @"
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
    assert_eq!(refused, REPLAYED);
    assert_eq!(
        r.query_i64(
            "SELECT COUNT(*) FROM audit WHERE action = 'revoke' AND outcome = 'failed' \
             AND detail LIKE '%replayed code'"
        ),
        1
    );
    assert_eq!(
        r.query_i64("SELECT COUNT(*) FROM registrations WHERE revoked_at IS NOT NULL"),
        1
    );
}
