//! `passwd`, `unlock`, `audit`, `demo`, and a registry locked by another
//! process.

use crate::common::*;

#[test]
fn passwd_sets_a_hash_that_revoke_then_accepts() {
    let r = Registry::demo();
    let current = r.file("current.txt", DEMO_PASSWORD);
    r.run(&[
        "passwd",
        "taro01",
        "--password-stdin",
        "--current-password-file",
        current.to_str().unwrap(),
    ])
    .stdin("a new secret phrase\n")
    .succeeds()
    .stdout_has("taro01");
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT password_hash FROM users WHERE login_id = 'taro01'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("a new secret phrase"));
    let at = "2026-11-20T12:00:00+09:00";
    let code = code_at(TARO_DEVICE.1, at);
    let pw = r.file("pw.txt", "a new secret phrase\n");
    r.run(&[
        "revoke",
        "--as",
        "taro01",
        "hamako01",
        "--password-file",
        pw.to_str().unwrap(),
        "--otp",
        &code,
        "--yes",
    ])
    .at(at)
    .succeeds();
    let audit = r.run(&["audit", "--format", "json"]).succeeds().stdout;
    assert!(!audit.contains("secret phrase"));
}

#[test]
fn passwd_refusals() {
    let r = Registry::demo();
    let before = r.snapshot();
    r.run(&["passwd", "hamako01", "--password-stdin"])
        .stdin("x")
        .fails(7)
        .stderr_has("not a master");
    r.run(&["passwd", "ghost01", "--password-stdin"])
        .stdin("x")
        .fails(6);
    let current = r.file("current.txt", DEMO_PASSWORD);
    let current = current.to_str().unwrap();
    let with_current = |new: &str| {
        r.run(&[
            "passwd",
            "taro01",
            "--password-stdin",
            "--current-password-file",
            current,
        ])
        .stdin(new)
    };
    with_current("\n").fails(2).stderr_has("empty");
    with_current("1234567")
        .fails(2)
        .stderr_has("at least 8 characters");
    with_current("         ").fails(2).stderr_has("whitespace");
    with_current("taro01").fails(2).stderr_has("too short");
    r.run(&["passwd", "taro01"])
        .fails(2)
        .stderr_has("--current-password-file");
    r.run(&[
        "passwd",
        "taro01",
        "--password-file",
        "missing.txt",
        "--current-password-file",
        current,
    ])
    .fails(2)
    .stderr_has("missing.txt");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn unlock_of_an_unlocked_or_unknown_login() {
    let r = Registry::demo();
    r.run(&["unlock", "hamako01", "--recovery", "--yes"])
        .succeeds()
        .stdout_has("was not locked");
    r.run(&["unlock", "ghost01", "--recovery", "--yes"])
        .fails(6)
        .stderr_has("ghost01");
}

#[test]
fn audit_is_newest_first_and_limited() {
    let r = Registry::demo();
    r.run(&["unlock", "hamako01", "--recovery", "--yes"])
        .at("2026-11-21T09:00:00+09:00")
        .succeeds();
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
    r.run(&["audit", "--limit", "-1"]).fails(2);
    let csv = r
        .run(&["audit", "--format", "csv", "--limit", "1"])
        .succeeds()
        .stdout;
    assert!(
        csv.starts_with("at,recorded_at,actor,action,targets,outcome,detail,clock_fixed,mac\n"),
        "{csv}"
    );
}

#[test]
fn demo_walks_the_whole_procedure_and_leaves_nothing_behind() {
    let r = Registry::empty();
    let tmp = r.dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let out = r
        .run(&["demo"])
        .env("TMPDIR", &tmp)
        .env_remove("TOKENCTL_DB")
        .succeeds();
    for expected in [
        "revoke --as taro01 hamako01",
        "The user may register a new device from 2026-11-24 08:10:00 JST",
        "error: too early: hamako01 may register a device from 2026-11-24 08:10:00 JST",
        "(exit 5)",
        "Registered device 56789012 for hamako01 at 2026-11-24 08:10:00 JST",
        "expiring --within 6w",
        "Device 45678909: out of use since 2026-11-24 08:10:00 JST",
        "battery",
        // The expired-device path: named by the report, refused to the
        // organisation, recorded from the bank, registered next morning.
        "[2027-01-04 09:00:00 JST]",
        "EXPIRED",
        "only the bank can revoke them",
        "error: the device 23456789 of master taro01 expired on 2026-12-30",
        "(exit 7)",
        "revoke --as taro01 taro01 --bank-reference BK-20270104-001 --revoked-at 2027-01-04T20:40:00+09:00",
        "Recorded the bank's revocation of the devices of the following users.",
        "The user may register a new device from 2027-01-05 08:10:00 JST.",
        "Registered device 34567891 for taro01 at 2027-01-05 08:10:00 JST",
    ] {
        out.stdout_has(expected);
    }
    let bank_step = out.stdout.find("--bank-reference").expect("the bank step");
    let registration = out
        .stdout
        .find("register --user taro01")
        .expect("the registration");
    assert!(
        bank_step < registration,
        "the bank's revocation is recorded before the registration:\n{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the demo registry was removed"
    );
    assert!(!r.path.exists());
    let ja = r
        .run(&["demo", "--lang", "ja"])
        .env("TMPDIR", &tmp)
        .succeeds();
    ja.stdout_has("勤労感謝の日")
        .stdout_has("失効中")
        .stdout_has("電池")
        .stdout_has("年末年始")
        .stdout_has("銀行による失効を記録しました")
        .stdout_has(
            "taro01 のパスワード生成機 34567891 を 2027年1月5日 8時10分 に利用登録しました",
        );
}

#[test]
fn a_registry_locked_by_another_process_is_exit_8_after_the_timeout() {
    let r = Registry::demo();
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE users SET name = name;")
        .unwrap();
    r.run(&["unlock", "hamako01", "--recovery", "--yes"])
        .fails(8)
        .stderr_has("locked by another");
    // Readers are not blocked by a writer in WAL mode.
    r.run(&["list"]).succeeds();
    conn.execute_batch("ROLLBACK;").unwrap();
    r.run(&["unlock", "hamako01", "--recovery", "--yes"])
        .succeeds();
}
