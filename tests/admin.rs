//! `passwd`, `unlock`, `audit`, `demo`, and a registry locked by another
//! process. Every run is compared exactly (`Test`).

use crate::common::*;

#[test]
fn passwd_sets_a_hash_that_revoke_then_accepts() {
    let r = Registry::demo();
    let current = r.file("current.txt", DEMO_PASSWORD);
    Test::on(&r)
        .args(["passwd", "taro01", "--password-stdin"])
        .args(["--current-password-file", current.to_str().unwrap()])
        .stdin("a new secret phrase\n")
        .stdout("Confirmation password set for taro01.\n")
        .run();
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT password_hash FROM users WHERE login_id = 'taro01'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    // Substring on purpose: the password appears nowhere in the hash.
    assert!(!hash.contains("a new secret phrase"));
    let at = "2026-11-20T12:00:00+09:00";
    let code = code_at(TARO_DEVICE.1, at);
    let pw = r.file("pw.txt", "a new secret phrase\n");
    Test::on(&r)
        .args(["revoke", "--as", "taro01", "hamako01", "--yes"])
        .args(["--password-file", pw.to_str().unwrap(), "--otp", &code])
        .args(["--format", "json"])
        .at(at)
        .stdout(
            r#"{
  "dry_run": false,
  "revoked": [
    {
      "login_id": "hamako01",
      "serial": "45678909",
      "revoked_at": "2026-11-20T12:00:00+09:00",
      "registrable_at": "2026-11-20T12:30:00+09:00"
    }
  ]
}
"#,
        )
        .run();
    let audit = r.run(&["audit", "--format", "json"]).succeeds().stdout;
    // Substring on purpose: nor anywhere in the audit.
    assert!(!audit.contains("secret phrase"));
}

/// `passwd` reports the login and whether a password was replaced, the
/// same in JSON and CSV.
#[test]
fn passwd_reports_the_first_password_and_a_change_in_json_and_csv() {
    let r = Registry::demo_without_password();
    Test::on(&r)
        .args(["--format", "json", "passwd", "taro01", "--password-stdin"])
        .stdin("a first secret phrase\n")
        .stdout("{\n  \"login_id\": \"taro01\",\n  \"changed\": false\n}\n")
        .run();
    let current = r.file("current.txt", "a first secret phrase\n");
    Test::on(&r)
        .args(["--format", "csv", "passwd", "taro01", "--password-stdin"])
        .args(["--current-password-file", current.to_str().unwrap()])
        .stdin("a second secret phrase\n")
        .stdout("login_id,changed\ntaro01,true\n")
        .run();
}

#[test]
fn passwd_refusals() {
    let r = Registry::demo();
    let before = r.snapshot();
    Test::on(&r)
        .args(["passwd", "hamako01", "--password-stdin"])
        .stdin("x")
        .stderr("error: hamako01 is not a master user; only master users have a confirmation password\n")
        .status(7)
        .run();
    Test::on(&r)
        .args(["passwd", "ghost01", "--password-stdin"])
        .stdin("x")
        .stderr("error: unknown login ID: ghost01\n")
        .status(6)
        .run();
    let current = r.file("current.txt", DEMO_PASSWORD);
    let current = current.to_str().unwrap();
    let with_current = |new: &str| {
        Test::on(&r)
            .args(["passwd", "taro01", "--password-stdin"])
            .args(["--current-password-file", current])
            .stdin(new)
            .status(2)
    };
    with_current("\n")
        .stderr("error: the password is empty\n")
        .run();
    with_current("1234567")
        .stderr("error: the new password is too short: at least 8 characters\n")
        .run();
    with_current("         ")
        .stderr("error: the new password is only whitespace\n")
        .run();
    with_current("taro01")
        .stderr("error: the new password is too short: at least 8 characters\n")
        .run();
    Test::on(&r)
        .args(["passwd", "taro01"])
        .stderr(
            "error: the current password is required and there is no terminal to ask on; \
             pass --current-password-file, or --as MASTER to have another master sign\n",
        )
        .status(2)
        .run();
    Test::on(&r)
        .args(["passwd", "taro01", "--password-file", "missing.txt"])
        .args(["--current-password-file", current])
        .stderr(
            "error: cannot read the password file missing.txt: No such file or directory (os error 2)\n",
        )
        .status(2)
        .run();
    assert_eq!(r.snapshot(), before);
}

#[test]
fn unlock_of_an_unlocked_or_unknown_login() {
    let r = Registry::demo();
    Test::on(&r)
        .args(["unlock", "hamako01", "--recovery", "--yes"])
        .stdout("hamako01 was not locked.\n")
        .run();
    Test::on(&r)
        .args(["unlock", "ghost01", "--recovery", "--yes"])
        .stderr("error: unknown login ID: ghost01\n")
        .status(6)
        .run();
}

/// `unlock` reports the login, whether it was locked and who cleared it,
/// in JSON and CSV; a device (`--serial`) the same way under `serial`.
#[test]
fn unlock_reports_the_login_or_device_in_json_and_csv() {
    let r = Registry::demo();
    r.lock_taro(NOON_FRIDAY);
    // The OS account tokenctl records, as the audit of `init` has it.
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    let actor = audit.as_array().unwrap().last().unwrap()["actor"]
        .as_str()
        .unwrap()
        .to_string();
    Test::on(&r)
        .args([
            "--format",
            "json",
            "unlock",
            "taro01",
            "--recovery",
            "--yes",
        ])
        .stdout(format!(
            "{{\n  \"login_id\": \"taro01\",\n  \"was_locked\": true,\n  \"by\": \"{actor}\"\n}}\n"
        ))
        .run();
    Test::on(&r)
        .args([
            "--format",
            "csv",
            "unlock",
            "--serial",
            "56789012",
            "--recovery",
            "--yes",
        ])
        .stdout(format!("serial,was_locked,by\n56789012,false,{actor}\n"))
        .run();
}

#[test]
fn audit_is_newest_first_and_limited() {
    let r = Registry::demo();
    Test::on(&r)
        .args(["unlock", "hamako01", "--recovery", "--yes"])
        .at("2026-11-21T09:00:00+09:00")
        .stdout("hamako01 was not locked.\n")
        .run();
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    let actions: Vec<_> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["recovery", "init-demo", "init"]);
    let keys: Vec<_> = audit[0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "action",
            "actor",
            "at",
            "clock_fixed",
            "detail",
            "mac",
            "outcome",
            "recorded_at",
            "targets"
        ]
    );
    // The OS account from the user ID, not the spoofable $USER ("tester").
    let actor = audit[0]["actor"].as_str().unwrap();
    assert!(
        actor.starts_with("os:") && actor != "os:tester" && actor != "os:unknown",
        "{actor}"
    );
    assert_eq!(audit[0]["targets"], serde_json::json!(["hamako01"]));
    let limited = r
        .run(&["audit", "--limit", "2", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(limited.as_array().unwrap().len(), 2);
    Test::on(&r)
        .args(["audit", "--limit", "-1"])
        .stderr(
            "error: unexpected argument '-1' found\n\n\
             Usage: tokenctl audit [OPTIONS]\n\n\
             For more information, try '--help'.\n",
        )
        .status(2)
        .run();
    // The header, then one row whose real write instant and MAC change
    // from run to run: its other fields are compared.
    let csv = r
        .run(&["audit", "--format", "csv", "--limit", "1"])
        .succeeds()
        .stdout;
    let (header, row) = csv.split_once('\n').unwrap();
    assert_eq!(
        header,
        "at,recorded_at,actor,action,targets,outcome,detail,clock_fixed,mac"
    );
    let fields: Vec<&str> = row.trim_end().split(',').collect();
    assert_eq!(fields[0], "2026-11-21T09:00:00+09:00");
    assert_eq!(
        fields[3..8],
        [
            "recovery",
            "hamako01",
            "ok",
            &format!("recovery unlock by {actor}: was not locked; 0 failure(s) cleared"),
            "true"
        ]
    );
    assert_eq!(fields[2], actor);
    assert_eq!(fields[8].len(), 64, "a MAC of 32 bytes, in hex");
}

#[test]
fn demo_walks_the_whole_procedure_and_leaves_nothing_behind() {
    let r = Registry::empty();
    let tmp = r.dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    Test::on(&r)
        .arg("demo")
        .env("TMPDIR", &tmp)
        .env_remove("TOKENCTL_DB")
        .stdout_with(|stdout| insta::assert_snapshot!("demo_en", stdout))
        .run();
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the demo registry was removed"
    );
    assert!(!r.path.exists());
    Test::on(&r)
        .args(["demo", "--lang", "ja"])
        .env("TMPDIR", &tmp)
        .stdout_with(|stdout| insta::assert_snapshot!("demo_ja", stdout))
        .run();
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}

/// Waits out a lock held by another process: the test hook shortens the
/// wait from five seconds to a tenth of one.
#[test]
fn a_registry_locked_by_another_process_is_exit_8_after_the_timeout() {
    let r = Registry::demo();
    let listed = r.run(&["list"]).succeeds().stdout;
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE users SET name = name;")
        .unwrap();
    let started = std::time::Instant::now();
    Test::on(&r)
        .args(["unlock", "hamako01", "--recovery", "--yes"])
        .env("TOKENCTL_BUSY_TIMEOUT_MS", "100")
        .stderr(
            "error: the registry is locked by another tokenctl or program and stayed locked \
             past the timeout; nothing was changed, try again\n",
        )
        .status(8)
        .run();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "the hook shortened the wait"
    );
    // Readers are not blocked by a writer in WAL mode.
    Test::on(&r)
        .arg("list")
        .env("TOKENCTL_BUSY_TIMEOUT_MS", "100")
        .stdout(listed)
        .run();
    conn.execute_batch("ROLLBACK;").unwrap();
    Test::on(&r)
        .args(["unlock", "hamako01", "--recovery", "--yes"])
        .stdout("hamako01 was not locked.\n")
        .run();
}

/// The lockout message named `tokenctl unlock LOGIN`, which fails
/// (`--as` is required). It now names `--as MASTER` and `--recovery`, and
/// the recovery it names works as written.
#[test]
fn the_lockout_message_names_an_unlock_command_that_works() {
    let r = Registry::demo();
    r.lock_taro(FRIDAY_NIGHT);
    for (lang, expected) in [
        (
            "en",
            "error: taro01 is locked after repeated failed verifications; another master must run `tokenctl unlock taro01 --as MASTER`, or, when no master can sign, `tokenctl unlock taro01 --recovery` with the key file\n",
        ),
        (
            "ja",
            "error: taro01 は認証の失敗が続いたためロックされています。別のマスターユーザが `tokenctl unlock taro01 --as MASTER` を実行してください（署名できるマスターユーザがいないときは、鍵ファイルのある端末で `tokenctl unlock taro01 --recovery`）\n",
        ),
    ] {
        let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
        Test::on(&r)
            .args(["--lang", lang, "revoke", "--as", "taro01", "hamako01"])
            .args(["--otp", &code, "--password-stdin", "--yes"])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(4)
            .stderr(expected)
            .run();
    }
    // The command the message names, as written (plus `--yes`: no TTY).
    r.unlock_by_recovery("taro01", FRIDAY_NIGHT);
}

/// The current password is asked before the new one, and
/// the current password is refused as the new one (exit 2, nothing
/// changed, not counted as a failure).
#[test]
fn passwd_refuses_the_current_password_as_the_new_one() {
    let r = Registry::demo();
    let current = r.file("current.txt", DEMO_PASSWORD);
    let current = current.to_str().unwrap();
    let before = r.snapshot();
    for (lang, expected) in [
        (
            "en",
            "error: the new password of taro01 is the current one; choose another\n",
        ),
        (
            "ja",
            "error: taro01 の新しいパスワードが現在のパスワードと同じです。別のパスワードにしてください\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "passwd", "taro01", "--password-stdin"])
            .args(["--current-password-file", current])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(2)
            .stderr(expected)
            .run();
    }
    assert_eq!(r.snapshot(), before);
}
