//! Trust: sealed secrets under the key file, live registries on the real
//! clock, the keyed audit chain and `check`, bank revocations.

use crate::common::*;

fn all_bytes(r: &Registry) -> Vec<u8> {
    let mut bytes = std::fs::read(&r.path).unwrap();
    let mut wal = r.path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(std::path::Path::new(&wal)).unwrap_or_default());
    bytes
}

#[test]
fn device_secrets_never_reach_the_registry_file_in_the_clear() {
    let r = Registry::demo();
    let bytes = all_bytes(&r);
    for (serial, secret) in [TARO_DEVICE, HAMAKO_DEVICE, NEW_DEVICE_1, NEW_DEVICE_2] {
        let raw = base32(secret);
        assert!(
            !bytes.windows(raw.len()).any(|w| w == raw.as_slice()),
            "secret of {serial} found in the registry"
        );
    }
    // And the codes still come out right through the key.
    let at = "2026-11-20T12:00:00+09:00";
    let code = r.run(&["otp", TARO_DEVICE.0, "--at", at]).succeeds().stdout;
    assert_eq!(code.trim(), code_at(TARO_DEVICE.1, at));
}

#[test]
fn a_live_registry_refuses_a_fixed_clock_for_every_write_and_is_left_as_it_was() {
    let r = Registry::live();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n11111111,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,2031-01-01\n")
        .succeeds();
    let before = r.snapshot();
    let at = "2026-11-20T12:00:00+09:00";
    let mut transcripts = String::new();
    for args in [
        &["import", "devices", "-"][..],
        &["passwd", "nobody", "--password-stdin"],
        &["revoke", "--as", "nobody", "x", "--yes"],
        &[
            "register", "--user", "x", "--serial", "11111111", "--otp", "123456",
        ],
        &["dispose-note", "--mark-disposed", "--all"],
        &["unlock", "x", "--recovery", "--yes"],
    ] {
        let transcript = r
            .run(args)
            .stdin("serial,secret,expires\n")
            .at(at)
            .transcript();
        transcripts.push_str(&format!("{args:?}: {transcript}"));
    }
    insta::assert_snapshot!(transcripts, @r#"
        ["import", "devices", "-"]: exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        ["passwd", "nobody", "--password-stdin"]: exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        ["revoke", "--as", "nobody", "x", "--yes"]: exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        ["register", "--user", "x", "--serial", "11111111", "--otp", "123456"]: exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        ["dispose-note", "--mark-disposed", "--all"]: exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        ["unlock", "x", "--recovery", "--yes"]: exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        "#);
    assert_eq!(r.snapshot(), before);
    // Reads honour it, and say so once.
    let out = r.run(&["list"]).at(at).succeeds();
    assert_eq!(out.fixed_clock_noted, 1);
    r.run(&["expiring", "--within", "30d"]).at(at).succeeds();
    // Codes come only from the device on a live registry.
    let transcript = r.run(&["otp", "11111111"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: this is a live registry: codes come only from the device itself (otp works on simulation registries)
        ");
    let transcript = r.run(&["init", "--db", "other.db"]).at(at).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)
        ");
}

#[test]
fn without_the_key_file_reads_work_and_everything_else_is_exit_8_naming_the_path() {
    let r = Registry::demo();
    let before = r.snapshot();
    let missing = r.dir.path().join("elsewhere.key");
    let run = |args: &[&str]| {
        r.run(args)
            .env("TOKENCTL_KEY_FILE", &missing)
            .at(NOON_FRIDAY)
    };
    run(&["list"]).succeeds();
    run(&["expiring"]).succeeds();
    run(&["audit"]).succeeds();
    run(&["dispose-note"]).succeeds();
    let transcript = run(&["otp", TARO_DEVICE.0]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/elsewhere.key: no key file here; the registry's device secrets cannot be used without it (the registry expects key [HEX]); point --key-file or TOKENCTL_KEY_FILE at it, or restore it from your backup
        ");
    let transcript = run(&["unlock", "hamako01", "--recovery", "--yes"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/elsewhere.key: no key file here; the registry's device secrets cannot be used without it (the registry expects key [HEX]); point --key-file or TOKENCTL_KEY_FILE at it, or restore it from your backup
        ");
    // A key that is not the registry's is refused too.
    let other = Registry::empty();
    other.run(&["init", "--simulation"]).succeeds();
    let transcript = r
        .run(&["otp", TARO_DEVICE.0])
        .env("TOKENCTL_KEY_FILE", other.key_path())
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [OTHER DIR]/registry.key: this key file is not the key of the registry (the registry expects key [HEX], this file holds key [HEX]); nothing was written. Use the registry's own key file, or restore it from your backup
        ");
    assert_eq!(r.snapshot(), before);
}

fn head(r: &Registry) -> String {
    let json = r.run(&["check", "--format", "json"]).succeeds().json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["findings"], serde_json::json!([]));
    json["audit_head"].as_str().unwrap().to_string()
}

/// The triggers can be dropped by anyone holding the file; the chain is
/// what tells.
fn tamper(r: &Registry, sql: &str) {
    r.sql(&format!(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql}"
    ));
}

#[test]
fn check_finds_an_edited_deleted_inserted_or_reordered_audit_row() {
    let mut transcripts = String::new();
    for (what, sql) in [
        (
            "edited",
            "UPDATE audit SET detail = 'nothing happened' WHERE id = 2;",
        ),
        ("deleted", "DELETE FROM audit WHERE id = 2;"),
        (
            "inserted",
            "INSERT INTO audit (id, at, actor, action, targets, outcome, detail, clock_fixed, recorded_at, mac) \
             SELECT 100, at, actor, action, targets, outcome, detail, clock_fixed, recorded_at, mac FROM audit WHERE id = 1;",
        ),
        (
            "reordered",
            "UPDATE audit SET id = -1 WHERE id = 1; UPDATE audit SET id = 1 WHERE id = 2; UPDATE audit SET id = 2 WHERE id = -1;",
        ),
    ] {
        let r = Registry::demo();
        r.run(&["unlock", "hamako01", "--recovery", "--yes"])
            .at(NOON_FRIDAY)
            .succeeds();
        head(&r);
        tamper(&r, sql);
        let transcript = r.run(&["check"]).transcript();
        transcripts.push_str(&format!("{what}: {transcript}"));
    }
    // Each tampering named for what it is, and where.
    insta::assert_snapshot!(transcripts, @"
        edited: exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 3
        audit head: [HEX]
        [stderr]
        check: audit: audit row 2 does not verify: it was changed, inserted or moved, or a row before it was removed
        deleted: exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: audit: audit row 2 is missing (the next row is 3)
        check: audit: audit row 3 does not verify: it was changed, inserted or moved, or a row before it was removed
        inserted: exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 4
        audit head: [HEX]
        [stderr]
        check: rollback: the registry diverged from its witness: the file is at write 3, audit row 100 (head [HEX]…), the witness beside the key file recorded write 3, audit row 3 (head [HEX]…)
        check: audit: audit row 4 is missing (the next row is 100)
        check: audit: audit row 100 does not verify: it was changed, inserted or moved, or a row before it was removed
        reordered: exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 3
        audit head: [HEX]
        [stderr]
        check: audit: audit row 1 does not verify: it was changed, inserted or moved, or a row before it was removed
        check: audit: audit row 2 does not verify: it was changed, inserted or moved, or a row before it was removed
        check: audit: audit row 3 does not verify: it was changed, inserted or moved, or a row before it was removed
        ");
}

#[test]
fn check_with_expect_head_finds_a_truncated_tail() {
    let r = Registry::demo();
    r.run(&["unlock", "hamako01", "--recovery", "--yes"])
        .at(NOON_FRIDAY)
        .succeeds();
    let recorded = head(&r);
    r.run(&["check", "--expect-head", &recorded]).succeeds();
    tamper(
        &r,
        "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);",
    );
    // The rest of the chain still verifies; the expected head tells, and
    // so does the witness beside the key file, without one.
    let transcript = r.run(&["check", "--expect-head", &recorded]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: rollback: the registry is behind its witness: the file is at write 3, audit row 2 (head [HEX]…), the witness beside the key file recorded write 3, audit row 3 (head [HEX]…); an older copy was put back (use `tokenctl restore` to go back on purpose)
        check: audit: the expected head is not in the audit chain: rows were removed from its end, or the head belongs to another registry
        ");
    let transcript = r.run(&["check"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: rollback: the registry is behind its witness: the file is at write 3, audit row 2 (head [HEX]…), the witness beside the key file recorded write 3, audit row 3 (head [HEX]…); an older copy was put back (use `tokenctl restore` to go back on purpose)
        ");
    let transcript = r.run(&["check", "--expect-head", "xyz"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: --expect-head must be 64 hex digits (an audit head printed by `tokenctl check`)
        ");
}

#[test]
fn check_finds_an_overwritten_index_page_and_changes_nothing() {
    let r = Registry::demo();
    head(&r);
    let page_size = r.query_i64("PRAGMA page_size") as usize;
    let root =
        r.query_i64("SELECT rootpage FROM sqlite_master WHERE name = 'devices_by_expiry'") as usize;
    let mut bytes = std::fs::read(&r.path).unwrap();
    let start = (root - 1) * page_size;
    for b in &mut bytes[start + 8..start + page_size] {
        *b = 0x55;
    }
    std::fs::write(&r.path, &bytes).unwrap();
    let before = r.snapshot();
    let transcript = r.run(&["check"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: integrity: database disk image is malformed
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn check_finds_a_secret_swapped_between_devices() {
    let r = Registry::demo();
    head(&r);
    r.sql(&format!(
        "UPDATE devices SET secret = (SELECT secret FROM devices WHERE serial = '{}') WHERE serial = '{}'",
        TARO_DEVICE.0, HAMAKO_DEVICE.0
    ));
    let transcript = r.run(&["check"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: row: devices row 2 (45678909) was changed or inserted outside tokenctl: its MAC does not verify
        check: secret: the secret of device 45678909 does not open with the key
        ");
}

/// A master whose own device expired records the bank's revocation of it
/// with the password alone, then registers the new device.
#[test]
fn a_master_with_an_expired_device_records_the_banks_revocation_and_registers_again() {
    let r = Registry::demo();
    let expired_day = "2027-01-05T10:00:00+09:00";
    // Plain revocation is refused: only the bank can revoke it now.
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "taro01",
            "--dry-run",
            "--format",
            "json",
        ])
        .at(expired_day)
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 0
        [stdout]
        {
          "dry_run": true,
          "revoked": [],
          "skipped_expired": [
            "taro01"
          ]
        }
        "#);
    let out = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "taro01",
            "--bank-reference",
            "BK-2027-0001",
            "--revoked-at",
            "2027-01-04T15:00:00+09:00",
            "--password-stdin",
            "--yes",
            "--format",
            "json",
        ])
        .stdin(DEMO_PASSWORD)
        .at(expired_day)
        .succeeds()
        .json();
    assert_eq!(out["bank_reference"], "BK-2027-0001");
    assert_eq!(out["revoked"][0]["login_id"], "taro01");
    assert_eq!(out["revoked"][0]["revoked_at"], "2027-01-04T15:00:00+09:00");
    assert_eq!(
        out["revoked"][0]["registrable_at"],
        "2027-01-04T15:30:00+09:00"
    );
    let audit = r
        .run(&["audit", "--format", "json", "--limit", "1"])
        .succeeds()
        .json();
    assert_eq!(audit[0]["action"], "bank-revoke");
    insta::assert_snapshot!(audit[0]["detail"].as_str().unwrap(), @"serial 23456789; revoked by the bank at 2027-01-04T15:00:00+09:00 (reference BK-2027-0001); registrable at 2027-01-04T15:30:00+09:00");
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--bank-reference",
            "X",
            "--revoked-at",
            "2099-01-01T00:00:00+09:00",
            "--password-stdin",
            "--yes",
        ])
        .stdin(DEMO_PASSWORD)
        .at(expired_day)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: --revoked-at 2099-01-01T00:00:00+09:00 is in the future; the bank's revocation has happened already
        ");
    let code = code_at(NEW_DEVICE_1.1, expired_day);
    r.run(&[
        "register",
        "--user",
        "taro01",
        "--serial",
        NEW_DEVICE_1.0,
        "--otp",
        &code,
    ])
    .at(expired_day)
    .succeeds();
    assert_eq!(r.listed("taro01")[0]["serial"], NEW_DEVICE_1.0);
}

fn file_arg(r: &Registry, name: &str, contents: &str) -> String {
    r.file(name, contents).to_str().unwrap().to_string()
}

#[test]
fn passwd_changes_need_the_current_password_or_another_masters_signature() {
    let r = Registry::demo();
    // A second master, with a device of their own and a first password.
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\njiro01,Jiro,master,true,67890123\n")
        .at(NOON_FRIDAY)
        .succeeds();
    let jiro_pw = file_arg(&r, "jiro.txt", "jiro's own phrase");
    let transcript = r
        .run(&["passwd", "jiro01", "--password-file", &jiro_pw])
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Confirmation password set for jiro01.
        ");
    // A wrong current password is a failed verification, counted.
    let wrong = file_arg(&r, "wrong.txt", "not the password");
    let transcript = r
        .run(&[
            "passwd",
            "taro01",
            "--password-stdin",
            "--current-password-file",
            &wrong,
        ])
        .stdin("a brand new phrase")
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the password is wrong
        error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
        ");
    assert_eq!(
        r.query_i64("SELECT failed_attempts FROM users WHERE login_id = 'taro01'"),
        1
    );
    // Another master signs with password and code.
    let code = code_at(NEW_DEVICE_3.1, NOON_FRIDAY);
    r.run(&[
        "passwd",
        "taro01",
        "--password-stdin",
        "--as",
        "jiro01",
        "--otp",
        &code,
        "--master-password-file",
        &jiro_pw,
    ])
    .stdin("a brand new phrase")
    .at(NOON_FRIDAY)
    .succeeds();
    let audit = r
        .run(&["audit", "--format", "json", "--limit", "1"])
        .succeeds()
        .json();
    assert_eq!(audit[0]["actor"], "jiro01");
    assert_eq!(audit[0]["action"], "passwd");
    // The same code again is a replay: refused, nothing changed.
    let before = r.snapshot();
    let transcript = r
        .run(&[
            "passwd",
            "taro01",
            "--password-stdin",
            "--as",
            "jiro01",
            "--otp",
            &code,
            "--master-password-file",
            &jiro_pw,
        ])
        .stdin("yet another phrase")
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 1 of 5 for jiro01: 4 more and jiro01 is locked
        ");
    assert_ne!(r.snapshot(), before, "the failure is counted and audited");
    assert_eq!(
        r.query_i64("SELECT failed_attempts FROM users WHERE login_id = 'jiro01'"),
        1
    );
}

#[test]
fn unlock_is_signed_by_another_master_or_a_recorded_recovery() {
    let r = Registry::demo();
    r.lock_taro(NOON_FRIDAY);
    // A master cannot unlock themself; a general user cannot sign.
    for (signer, expected) in [
        (
            "taro01",
            "error: taro01 cannot unlock themself; another master must sign, or use --recovery\n",
        ),
        (
            "hamako01",
            "error: hamako01 is not a master user; only a master user can revoke devices\n",
        ),
    ] {
        Test::on(&r)
            .args(["unlock", "taro01", "--as", signer, "--otp", "123456"])
            .arg("--password-stdin")
            .stdin(DEMO_PASSWORD)
            .at(NOON_FRIDAY)
            .status(7)
            .stderr(expected)
            .run();
    }
    // Neither --as nor --recovery: a usage error.
    let transcript = r.run(&["unlock", "taro01"]).at(NOON_FRIDAY).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [no clock note]
        [stderr]
        error: the following required arguments were not provided:
          --as <MASTER>

        Usage: tokenctl unlock --as <MASTER> <LOGIN_ID>

        For more information, try '--help'.
        ");
    // Recovery without a terminal needs --yes.
    let transcript = r
        .run(&["unlock", "taro01", "--recovery"])
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: a confirmation is required and there is no terminal to ask on; pass --yes to confirm
        ");
    r.unlock_by_recovery("taro01", NOON_FRIDAY);
}

/// Regression: a registry whose newer schema version sat in its WAL was
/// refused only after its main file had been rewritten.
#[test]
fn a_newer_schema_in_the_wal_is_refused_before_anything_is_written() {
    let r = Registry::demo();
    let writer = rusqlite::Connection::open(&r.path).unwrap();
    writer
        .execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 99;")
        .unwrap();
    let main_file = std::fs::read(&r.path).unwrap();
    for args in [
        &["list"][..],
        &["unlock", "hamako01", "--recovery", "--yes"],
    ] {
        let transcript = r.run(args).at(NOON_FRIDAY).transcript();
        insta::allow_duplicates! { insta::assert_snapshot!(transcript, @"
            exit 8
            [stderr]
            error: [DIR]/registry.db: the registry has schema version 99, newer than this tokenctl understands (4); upgrade tokenctl. The file was left untouched
            "); }
    }
    assert_eq!(std::fs::read(&r.path).unwrap(), main_file);
    drop(writer);
}

/// Regression: an interrupted `init` left `.tokenctl-new-*.db` files forever.
#[test]
fn init_removes_what_an_interrupted_init_left() {
    let r = Registry::empty();
    let leftover = r.dir.path().join(".tokenctl-new-abc123.db");
    std::fs::write(&leftover, b"half-built").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&leftover)
        .unwrap()
        .set_modified(old)
        .unwrap();
    r.run(&["init", "--simulation"]).succeeds();
    assert!(!leftover.exists());
}

/// Regression: directories tokenctl created were 0777 under umask 000.
#[cfg(unix)]
#[test]
fn created_directories_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let r = Registry::empty();
    let db = r.dir.path().join("data").join("registry.db");
    let key = r.dir.path().join("conf").join("registry.key");
    let status = r
        .shell(r#"umask 000; exec "$0" "$@""#)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
        ])
        .arg("init")
        .status()
        .unwrap();
    assert!(status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&key), 0o600);
}

/// A registry made before sealed secrets (schema 1, plaintext secrets, audit
/// rows without MACs) is upgraded by the first command that writes: the key
/// is created, the secrets sealed, the audit rows chained and every row
/// authenticated, in one transaction, with a note; no plaintext is left in
/// the file.
#[test]
fn a_registry_from_before_sealing_is_upgraded_by_the_first_write() {
    let r = Registry::empty();
    let secret = base32(TARO_DEVICE.1);
    {
        let conn = rusqlite::Connection::open(&r.path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        conn.execute_batch(include_str!("../migrations/0001_init.sql"))
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 1;").unwrap();
        conn.execute(
            "INSERT INTO devices (id, serial, secret, algorithm, digits, period, expires, replaced_by) \
             VALUES (1, ?1, ?2, 'SHA1', 6, 30, '2030-01-01', 2), \
                    (2, 'spare', ?2, 'SHA1', 6, 30, '2031-01-01', NULL)",
            rusqlite::params![TARO_DEVICE.0, secret],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO users (login_id, name, role, otp_required, device_id) \
                 VALUES ('taro01', 'Taro', 'master', 1, 1);
             INSERT INTO registrations (user_id, device_id, registered_at) VALUES (1, 1, 0);
             INSERT INTO audit (at, actor, action, targets, outcome, detail, clock_fixed) \
                 VALUES (0, 'os:x', 'init', '[]', 'ok', 'created', 0);",
        )
        .unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    assert!(!r.key_path().exists());
    // Reading changes nothing, even with the key file named.
    let before = r.snapshot();
    r.run(&["list"]).succeeds();
    let transcript = r.run(&["check"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.key: no key file here; the registry's secrets cannot be used without it (point --key-file or TOKENCTL_KEY_FILE at it)
        ");
    assert_eq!(r.snapshot(), before);
    let transcript = r
        .run(&["unlock", "taro01", "--recovery", "--yes"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        taro01 was not locked.
        [stderr]
        note: this registry's device secrets are now sealed under a new key file, [DIR]/registry.key. Back it up apart from the registry: without it the device secrets cannot be used.
        note: the registry was upgraded from schema 1 to 4: every secret sealed and every row authenticated under the key
        ");
    assert!(r.key_path().exists());
    let bytes = all_bytes(&r);
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_slice()));
    let json = r.run(&["check", "--format", "json"]).succeeds().json();
    assert_eq!(json["ok"], true, "{json:#}");
    assert_eq!(json["audit_rows"], 3, "init, upgrade, recovery");
    assert_eq!(r.query_i64("PRAGMA user_version"), 4);
    // The expiry format is a CHECK of the rebuilt table now.
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    assert!(
        conn.execute("UPDATE devices SET expires = '2030-1-1' WHERE id = 1", [])
            .is_err()
    );
}

/// A too-early `register` and a refused revocation each
/// leave an audit row (outcome `refused`), and change nothing else.
#[test]
fn a_too_early_register_and_a_refused_revoke_are_audited() {
    let r = Registry::demo();
    r.revoke_as_taro(&["hamako01"], FRIDAY_NIGHT);
    let before = all_but_the_audit(&r);
    let monday = "2026-11-23T10:00:00+09:00";
    let code = code_at(NEW_DEVICE_2.1, monday);
    Test::on(&r)
        .args(["register", "--user", "hamako01", "--serial", NEW_DEVICE_2.0])
        .args(["--otp", &code])
        .at(monday)
        .status(5)
        .stderr("error: too early: hamako01 may register a device from 2026-11-24 08:10:00 JST, 22 hours 10 minutes from now\n")
        .run();
    Test::on(&r)
        .args([
            "revoke",
            "--as",
            "taro01",
            "--otp",
            &code_at(TARO_DEVICE.1, monday),
        ])
        .args(["--password-stdin", "--yes", "shiro01"])
        .stdin(DEMO_PASSWORD)
        .at(monday)
        .status(7)
        .stderr(
            "error: revocation refused for 1 target; nothing was changed\n\
             error: shiro01: not in service: already revoked, no device registered\n",
        )
        .run();
    assert_eq!(all_but_the_audit(&r), before);
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    let refused: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["outcome"] == "refused")
        .map(|row| {
            (
                row["action"].as_str().unwrap(),
                row["actor"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(refused, [("revoke", "taro01"), ("register", "hamako01")]);
}

/// A missing key file gives the key the registry expects and says to
/// restore it from the backup, in both languages.
#[test]
fn a_missing_key_file_names_the_key_expected_and_the_backup() {
    let r = Registry::demo();
    std::fs::rename(r.key_path(), r.dir.path().join("elsewhere.key")).unwrap();
    for (lang, expected) in [
        (
            "en",
            "error: [DIR]/registry.key: no key file here; the registry's device secrets cannot be used without it (the registry expects key [HEX]); point --key-file or TOKENCTL_KEY_FILE at it, or restore it from your backup\n",
        ),
        (
            "ja",
            "error: [DIR]/registry.key：鍵ファイルがありません。鍵がなければレジストリのシード（パスワード生成機の秘密情報）は使えません（レジストリが求める鍵は [HEX]）。--key-file または TOKENCTL_KEY_FILE で指定するか、バックアップから戻してください\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "unlock", "taro01", "--recovery", "--yes"])
            .status(8)
            .stderr(expected)
            .run();
    }
}
