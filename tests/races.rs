//! Races, run through the library in one test process with two connections
//! to one registry (as atuin tests its store): two registrations of one
//! device with one code, and two revocations with one code. Each test
//! proves the two were in flight at once, by making each wait for the
//! other at a point they can only reach together (a serial run would not
//! pass: it times out), then checks that exactly one was accepted and the
//! other refused by the replay guard inside the signed path.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use tokenctl::Context;
use tokenctl::catalogue::Msg;
use tokenctl::clock::{Clock, parse_instant};
use tokenctl::error::Error;
use tokenctl::output::{Lang, Output};
use tokenctl::prompt::{PasswordInput, Terminal};
use tokenctl::signed::{Factors, Signature};
use tokenctl::store::devices::find_device;
use tokenctl::store::{Access, Store, users};

use crate::common::*;

/// How long a thread waits for the other before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// What a command is handed: a fixed clock, English, no terminal.
fn context(at: &str) -> Context {
    Context {
        clock: Clock::fixed(parse_instant(at).unwrap()),
        out: Output::english(),
        term: Terminal {
            interactive: false,
            lang: Lang::En,
        },
    }
}

/// A connection of its own to the test's registry.
fn open(r: &Registry) -> Store {
    Store::open(&r.path, Access::ReadWrite, Some(&r.key_path()), true).unwrap()
}

#[track_caller]
fn wait(rx: &Receiver<()>, what: &str) {
    rx.recv_timeout(PATIENCE)
        .unwrap_or_else(|_| panic!("never happened: {what}"));
}

/// `user` registers `serial` with `code` at `at` through the signed path,
/// as `register` does. `confirm` runs between the signed path's first look
/// and its write transaction; `in_transaction` inside the transaction,
/// before the registration is written.
fn register(
    r: &Registry,
    user: &str,
    serial: &str,
    code: &str,
    at: &str,
    confirm: impl FnOnce(),
    in_transaction: impl FnOnce(),
) -> Result<(), Error> {
    let ctx = context(at);
    let mut store = open(r);
    let targets = [user.to_string()];
    let signature = Signature {
        signer: user,
        action: tokenctl::store::audit::Action::Register,
        targets: &targets,
        password: &PasswordInput::Prompt,
        code: Some(code),
        password_prompt: String::new(),
    };
    signature.run(
        &ctx,
        &mut store,
        |tx, _, _| {
            Ok(Factors {
                password: false,
                device: find_device(tx, serial)?,
            })
        },
        |_| {
            confirm();
            Ok(())
        },
        |tx, signed| {
            in_transaction();
            let device = signed.device.as_ref().expect("signed with the device");
            users::register(tx, signed.signer.id, device.id, signed.at)
        },
    )
}

/// The holders of `serial`, from the registry file.
fn holders(r: &Registry, serial: &str) -> i64 {
    r.query_i64(&format!(
        "SELECT COUNT(*) FROM users u JOIN devices d ON d.id = u.device_id \
         WHERE d.serial = '{serial}'"
    ))
}

#[track_caller]
fn assert_replayed(result: &Result<(), Error>) {
    match result {
        Err(Error::Verification { reason, .. }) => {
            // Why, without the count of tries that follows it.
            assert_eq!(
                reason.without_tries(),
                &Msg::CodeReplayed {
                    serial: NEW_DEVICE_1.0.into()
                }
            )
        }
        other => panic!("expected the replay guard's refusal, got {other:?}"),
    }
}

/// Two users register the same new device with the code it shows, at the
/// same time: both take their first look before either writes, and the
/// code is accepted once.
#[test]
fn two_registrations_of_one_device_with_one_code_accept_exactly_one() {
    let r = Registry::demo();
    let at = "2026-11-24T09:00:00+09:00";
    let code = code_at(NEW_DEVICE_1.1, at);
    let (looked_tx, looked) = channel::<()>();
    let (go_shiro, shiro_waits) = channel::<()>();
    let (go_ichiro, ichiro_waits) = channel::<()>();
    let results = std::thread::scope(|s| {
        let both = |user: &'static str, waits: Receiver<()>, looked: Sender<()>| {
            let (r, code) = (&r, &code);
            s.spawn(move || {
                register(
                    r,
                    user,
                    NEW_DEVICE_1.0,
                    code,
                    at,
                    || {
                        looked.send(()).unwrap();
                        wait(&waits, "the go after both first looks");
                    },
                    || {},
                )
            })
        };
        let shiro = both("shiro01", shiro_waits, looked_tx.clone());
        let ichiro = both("ichiro01", ichiro_waits, looked_tx);
        // Both have read the device (no step used yet) before either may
        // write: they are in flight at once.
        wait(&looked, "the first registration's first look");
        wait(&looked, "the second registration's first look");
        go_shiro.send(()).unwrap();
        go_ichiro.send(()).unwrap();
        [shiro.join().unwrap(), ichiro.join().unwrap()]
    });
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(accepted, 1, "{results:?}");
    let refused = results.iter().find(|r| r.is_err()).unwrap();
    assert_replayed(refused);
    assert_eq!(holders(&r, NEW_DEVICE_1.0), 1);
    assert_eq!(
        r.query_i64(
            "SELECT COUNT(*) FROM audit WHERE action = 'register' AND outcome = 'failed' \
             AND detail LIKE '%replayed code'"
        ),
        1
    );
}

/// The second registration takes its first look while the first holds its
/// write transaction open, so it sees the device's code as unused; the
/// transaction it then runs sees the step consumed and refuses it.
#[test]
fn a_registration_that_looked_while_another_was_writing_is_refused() {
    let r = Registry::demo();
    let at = "2026-11-24T09:00:00+09:00";
    let code = code_at(NEW_DEVICE_1.1, at);
    let (in_tx, first_writing) = channel::<()>();
    let (second_looked_tx, second_looked) = channel::<()>();
    let (first, second) = std::thread::scope(|s| {
        let (r, code) = (&r, &code);
        let first = s.spawn(move || {
            register(
                r,
                "shiro01",
                NEW_DEVICE_1.0,
                code,
                at,
                || {},
                || {
                    in_tx.send(()).unwrap();
                    wait(&second_looked, "the second registration's first look");
                },
            )
        });
        wait(&first_writing, "the first registration's write transaction");
        let second = s.spawn(move || {
            register(
                r,
                "ichiro01",
                NEW_DEVICE_1.0,
                code,
                at,
                || second_looked_tx.send(()).unwrap(),
                || {},
            )
        });
        (first.join().unwrap(), second.join().unwrap())
    });
    assert!(first.is_ok(), "{first:?}");
    assert_replayed(&second);
    assert_eq!(
        r.query_i64("SELECT COUNT(*) FROM users WHERE login_id = 'ichiro01' AND device_id IS NULL"),
        1
    );
}

/// Two runs of `revoke` by the same master with the same code, through the
/// real command. Each reads its password from a named pipe: a command opens
/// it only after its first look, and blocks there until the test writes.
/// Both pipes are opened before either password is written, so both
/// commands are in flight at once.
#[cfg(unix)]
#[test]
fn two_revocations_with_one_code_accept_exactly_one() {
    use std::io::Write;
    use tokenctl::cmd::revoke::{RevokeRequest, run};

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
    let revoke = |pipe: &std::path::Path| {
        let request = RevokeRequest {
            master: "taro01".into(),
            targets: vec!["hamako01".into()],
            targets_file: None,
            encoding: tokenctl::text::Encoding::Auto,
            expiring_within: None,
            otp: Some(code.clone()),
            password: PasswordInput::File(pipe.to_path_buf()),
            dry_run: false,
            yes: true,
            bank_reference: None,
            revoked_at: None,
            lost: false,
        };
        let mut out = Vec::new();
        run(&context(at), &mut open(&r), &request, &mut out).map(|()| out)
    };
    let revoke = &revoke;
    let results = std::thread::scope(|s| {
        let commands = pipes.each_ref().map(|pipe| s.spawn(move || revoke(pipe)));
        // Opening a pipe for writing returns once the command opened it to
        // read the password: it has taken its first look.
        let writers = pipes.each_ref().map(|pipe| {
            let (opened_tx, opened) = channel();
            let pipe = pipe.clone();
            std::thread::spawn(move || {
                let writer = std::fs::OpenOptions::new().write(true).open(pipe);
                let _ = opened_tx.send(writer);
            });
            opened
                .recv_timeout(PATIENCE)
                .expect("a revoke never asked for its password")
                .expect("open the pipe")
        });
        for mut writer in writers {
            writer.write_all(DEMO_PASSWORD.as_bytes()).unwrap();
        }
        commands.map(|c| c.join().unwrap())
    });
    let accepted: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(accepted.len(), 1, "{results:?}");
    assert!(
        String::from_utf8_lossy(accepted[0]).contains("hamako01"),
        "{results:?}"
    );
    match results.iter().find(|r| r.is_err()).unwrap() {
        Err(e @ Error::Verification { .. }) => assert_eq!(e.exit_code(), 3),
        other => panic!("expected the replay guard's refusal, got {other:?}"),
    }
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
