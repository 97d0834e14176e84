//! The attacker's view: someone who can write the registry file, here with
//! the sqlite3 CLI, but cannot read the key file (a shared drive, a backup
//! operator, a compromised account). For each attack, the command that
//! would have acted on the altered row exits 9 and leaves the file
//! byte-for-byte as it was, and `check` names the alteration, one exact
//! line per finding, without `--expect-head`, and changes nothing either.

use crate::common::*;

/// The demo's rows: users 1 taro01 (master), 2 hamako01, 3 shiro01,
/// 4 ichiro01; devices 1 23456789 (taro01's), 2 45678909 (hamako01's),
/// 3–6 the spares of the delivery.
const SPARE: &str = "56789012";

fn altered(detail: &str) -> String {
    format!(
        "error: the registry was altered outside tokenctl ({detail}); nothing was written; run `tokenctl check`\n"
    )
}

/// `check` exits 9 printing exactly `findings` (one per line) and leaves the
/// file as it was.
#[track_caller]
fn check_finds(r: &Registry, findings: &[&str]) {
    let before = r.snapshot();
    let out = r.run(&["check"]).output();
    let expected: String = findings.iter().map(|f| format!("check: {f}\n")).collect();
    assert_eq!(out.stderr, expected, "{out:#?}");
    assert_eq!(out.status, 9, "{out:#?}");
    assert_eq!(r.snapshot(), before, "check never writes");
}

/// `args` (at `NOON_FRIDAY`, with `stdin`) exits 9 with `detail` and leaves
/// the file as it was.
#[track_caller]
fn refused(r: &Registry, args: &[&str], stdin: &str, detail: &str) {
    let before = r.snapshot();
    Test::on(r)
        .args(args.iter().copied())
        .stdin(stdin)
        .at(NOON_FRIDAY)
        .stderr(altered(detail))
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before, "nothing written");
}

fn taro_code() -> String {
    code_at(TARO_DEVICE.1, NOON_FRIDAY)
}

/// A consistent copy of the registry as it is now (`yesterday.db` beside it).
fn keep_a_copy(r: &Registry) -> std::path::PathBuf {
    let copy = r.dir.path().join("yesterday.db");
    r.sqlite3(&format!(".backup '{}'", copy.display()));
    copy
}

fn revoke_args(code: &str, targets: &[&'static str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "revoke",
        "--as",
        "taro01",
        "--otp",
        code,
        "--password-stdin",
        "--yes",
    ]
    .map(String::from)
    .to_vec();
    args.extend(targets.iter().map(|t| t.to_string()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn a_user_made_master_outside_tokenctl_cannot_sign() {
    let r = Registry::demo();
    r.sqlite3(
        "UPDATE users SET role = 'master', \
         password_hash = (SELECT password_hash FROM users WHERE login_id = 'taro01') \
         WHERE login_id = 'hamako01'",
    );
    let code = code_at(HAMAKO_DEVICE.1, NOON_FRIDAY);
    refused(
        &r,
        &[
            "revoke",
            "--as",
            "hamako01",
            "--otp",
            &code,
            "--password-stdin",
            "--yes",
            "taro01",
        ],
        DEMO_PASSWORD,
        "users row 2 does not verify with the key",
    );
    check_finds(
        &r,
        &[
            "row: users row 2 (hamako01) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

#[test]
fn a_device_less_master_inserted_outside_tokenctl_cannot_record_a_bank_revocation() {
    let r = Registry::demo();
    r.sqlite3(
        "INSERT INTO users (id, login_id, name, role, otp_required, password_hash) \
         SELECT 5, 'mallory', 'Mallory', 'master', 1, password_hash FROM users WHERE id = 1",
    );
    refused(
        &r,
        &[
            "revoke",
            "--as",
            "mallory",
            "--bank-reference",
            "BK-1",
            "--password-stdin",
            "--yes",
            "hamako01",
        ],
        DEMO_PASSWORD,
        "users row 5 does not verify with the key",
    );
    check_finds(
        &r,
        &[
            "row: users row 5 (mallory) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

#[test]
fn a_master_password_nulled_outside_tokenctl_cannot_be_set_unsigned() {
    let r = Registry::demo();
    r.sqlite3("UPDATE users SET password_hash = NULL WHERE login_id = 'taro01'");
    refused(
        &r,
        &["passwd", "taro01", "--password-stdin"],
        "a-new-password",
        "users row 1 does not verify with the key",
    );
}

#[test]
fn a_device_attached_to_a_master_outside_tokenctl_signs_nothing() {
    let r = Registry::demo();
    // hamako01's device moved to taro01: hamako01's code would sign as taro01.
    r.sqlite3("UPDATE users SET device_id = 2 WHERE login_id = 'taro01'");
    let code = code_at(HAMAKO_DEVICE.1, NOON_FRIDAY);
    refused(
        &r,
        &strs(&revoke_args(&code, &["shiro01"])),
        DEMO_PASSWORD,
        "users row 1 does not verify with the key",
    );
}

/// `check` used to take a registry without its fingerprint for one from
/// before sealing, seal the planted secret, chain the forged audit row and
/// call it intact. Now it reports, and writes nothing; and a wrong key path
/// creates no new key.
#[test]
fn check_launders_nothing_a_deleted_fingerprint_a_planted_secret_and_an_unchained_audit_row() {
    let r = Registry::demo();
    r.sqlite3(&format!(
        "DELETE FROM meta WHERE name = 'key_fingerprint'; \
         UPDATE devices SET secret = CAST('{}' AS BLOB) WHERE id = 1; \
         DROP TRIGGER audit_no_update; \
         UPDATE audit SET detail = 'nothing happened', mac = NULL WHERE id = 1;",
        TARO_DEVICE.1
    ));
    let findings = [
        "key: the registry's key_fingerprint mark is missing",
        "row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify",
        "secret: the secret of device 23456789 does not open with the key",
        "audit: audit row 1 has no MAC",
        "audit: audit row 2 does not verify: it was changed, inserted or moved, or a row before it was removed",
    ];
    check_finds(&r, &findings);
    check_finds(&r, &findings);
    refused(
        &r,
        &["otp", TARO_DEVICE.0],
        "",
        "the registry's key_fingerprint mark is missing",
    );
    let before = r.snapshot();
    let elsewhere = r.dir.path().join("elsewhere.key");
    let transcript = r
        .run(&["check"])
        .env("TOKENCTL_KEY_FILE", &elsewhere)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/elsewhere.key: no key file here; the registry's secrets cannot be used without it (point --key-file or TOKENCTL_KEY_FILE at it)
        ");
    assert!(!elsewhere.exists(), "no key created");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_replay_guard_reset_outside_tokenctl_lets_no_code_be_replayed() {
    let r = Registry::demo();
    let code = taro_code();
    r.revoke_as_taro_with_code(&code, &["hamako01"])
        .at(NOON_FRIDAY)
        .succeeds();
    r.sqlite3("UPDATE devices SET last_step = NULL WHERE id = 1");
    refused(
        &r,
        &strs(&revoke_args(&code, &["taro01"])),
        DEMO_PASSWORD,
        "devices row 1 does not verify with the key",
    );
    check_finds(
        &r,
        &[
            "row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

#[test]
fn a_replay_guard_put_back_with_its_old_mac_is_refused_as_a_rollback() {
    let r = Registry::demo();
    let copy = keep_a_copy(&r);
    let code = taro_code();
    r.revoke_as_taro_with_code(&code, &["hamako01"])
        .at(NOON_FRIDAY)
        .succeeds();
    r.sqlite3(&format!(
        "ATTACH '{}' AS yesterday; \
         UPDATE devices SET \
           last_step = (SELECT last_step FROM yesterday.devices WHERE id = 1), \
           mac = (SELECT mac FROM yesterday.devices WHERE id = 1) \
         WHERE id = 1;",
        copy.display()
    ));
    refused(
        &r,
        &strs(&revoke_args(&code, &["taro01"])),
        DEMO_PASSWORD,
        "devices row 1 is an earlier version of itself, not the one tokenctl last wrote",
    );
    check_finds(
        &r,
        &["rollback: devices row 1 (23456789) was put back to an earlier version of itself"],
    );
}

#[test]
fn a_lockout_cleared_outside_tokenctl_gives_no_more_guesses() {
    let r = Registry::demo();
    r.lock_taro(NOON_FRIDAY);
    r.sqlite3("UPDATE users SET failed_attempts = 0, locked_at = NULL WHERE id = 1");
    refused(
        &r,
        &strs(&revoke_args("000000", &["hamako01"])),
        DEMO_PASSWORD,
        "users row 1 does not verify with the key",
    );
}

#[test]
fn a_failure_count_put_back_to_before_the_lockout_is_refused_as_a_rollback() {
    let r = Registry::demo();
    let copy = keep_a_copy(&r);
    r.lock_taro(NOON_FRIDAY);
    r.sqlite3(&format!(
        "ATTACH '{}' AS yesterday; \
         UPDATE users SET \
           failed_attempts = (SELECT failed_attempts FROM yesterday.users WHERE id = 1), \
           locked_at = (SELECT locked_at FROM yesterday.users WHERE id = 1), \
           mac = (SELECT mac FROM yesterday.users WHERE id = 1) \
         WHERE id = 1;",
        copy.display()
    ));
    refused(
        &r,
        &strs(&revoke_args("000000", &["hamako01"])),
        DEMO_PASSWORD,
        "users row 1 is an earlier version of itself, not the one tokenctl last wrote",
    );
    check_finds(
        &r,
        &["rollback: users row 1 (taro01) was put back to an earlier version of itself"],
    );
}

#[test]
fn schedule_columns_changed_outside_tokenctl_are_refused_and_found() {
    let new_code = code_at(NEW_DEVICE_1.1, NOON_FRIDAY);
    let register = [
        "register",
        "--user",
        "shiro01",
        "--serial",
        NEW_DEVICE_1.0,
        "--otp",
    ];
    for (sql, args, detail, finding) in [
        (
            "UPDATE users SET registrable_at = 0 WHERE id = 3",
            register.to_vec(),
            "users row 3 does not verify with the key",
            "row: users row 3 (shiro01) was changed or inserted outside tokenctl: its MAC does not verify",
        ),
        (
            "UPDATE devices SET expires = '2099-12-31' WHERE id = 1",
            vec!["otp", TARO_DEVICE.0],
            "devices row 1 does not verify with the key",
            "row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify",
        ),
        (
            "UPDATE devices SET period = 60 WHERE id = 1",
            vec!["otp", TARO_DEVICE.0],
            "devices row 1 does not verify with the key",
            "row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify",
        ),
        (
            "UPDATE devices SET disposed_at = NULL, out_of_use_since = 0 WHERE id = 3",
            register.to_vec(),
            "devices row 3 does not verify with the key",
            "row: devices row 3 (34567891) was changed or inserted outside tokenctl: its MAC does not verify",
        ),
    ] {
        let r = Registry::demo();
        r.sqlite3(sql);
        let mut args = args.clone();
        if args[0] == "register" {
            args.push(&new_code);
        }
        refused(&r, &args, "", detail);
        check_finds(&r, &[finding]);
    }
}

#[test]
fn a_whole_registry_put_back_from_yesterday_is_refused() {
    let r = Registry::demo();
    let yesterday = head_of(&r);
    let copy = keep_a_copy(&r);
    let code = taro_code();
    r.revoke_as_taro_with_code(&code, &["hamako01"])
        .at(NOON_FRIDAY)
        .succeeds();
    let today = head_of(&r);
    std::fs::copy(&copy, &r.path).unwrap();
    for suffix in ["-wal", "-shm"] {
        let mut side = r.path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(side));
    }
    let behind = format!(
        "the registry is behind its witness: the file is at write 2, audit row 2 (head {}…), \
         the witness beside the key file recorded write 3, audit row 3 (head {}…); \
         an older copy was put back (use `tokenctl restore` to go back on purpose)",
        &yesterday[..16],
        &today[..16]
    );
    refused(
        &r,
        &strs(&revoke_args(&code, &["hamako01"])),
        DEMO_PASSWORD,
        &behind,
    );
    refused(&r, &["otp", TARO_DEVICE.0], "", &behind);
    // The window's dry run, which writes its targets as it reads them again.
    let dry_run = [
        "revoke",
        "--as",
        "taro01",
        "--expiring-within",
        "40d",
        "--dry-run",
    ];
    for format in ["json", "csv"] {
        refused(
            &r,
            &[&dry_run[..], &["--format", format]].concat(),
            "",
            &behind,
        );
    }
    check_finds(&r, &[&format!("rollback: {behind}")]);
    // Reading without the key still works: it decides nothing.
    r.run(&["list"]).succeeds();
}

fn head_of(r: &Registry) -> String {
    let json = r.run(&["check", "--format", "json"]).succeeds().json();
    json["audit_head"].as_str().unwrap().to_string()
}

/// A live and a training registry commonly share the default key file.
/// Their marks and rows are bound to their own IDs all the same.
#[test]
fn marks_and_rows_copied_from_a_registry_sharing_the_key_file_do_not_verify() {
    let training = Registry::demo();
    training.run(&["init", "--db", "live.db"]).succeeds();
    let live = |sql: &str| {
        let out = std::process::Command::new("sqlite3")
            .arg(training.dir.path().join("live.db"))
            .arg(format!(
                "ATTACH '{}' AS training; {sql}",
                training.path.display()
            ))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:#?}");
    };
    let on_live = |args: &[&str]| {
        let mut all = vec!["--db", "live.db"];
        all.extend_from_slice(args);
        training.run(&all).transcript()
    };
    // The training registry's simulation mark, MAC and all.
    live(
        "UPDATE meta SET value = 'simulation', \
         mac = (SELECT mac FROM training.meta WHERE name = 'mode') WHERE name = 'mode'",
    );
    assert_eq!(
        on_live(&["otp", TARO_DEVICE.0]),
        format!(
            "exit 9\n[stderr]\n{}",
            altered("the registry's mode mark does not verify with the key")
        )
    );
    insta::assert_snapshot!(on_live(&["check"]), @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 1
        audit head: [HEX]
        [stderr]
        check: mode: the registry's mode mark does not verify with the key
        ");
    // A sealed device row, and then every mark, copied across.
    live(
        "INSERT INTO devices SELECT * FROM training.devices WHERE id = 1; \
         DELETE FROM meta; INSERT INTO meta SELECT * FROM training.meta;",
    );
    insta::assert_snapshot!(on_live(&["otp", TARO_DEVICE.0]), @"
        exit 9
        [stderr]
        error: the registry was altered outside tokenctl (the registry is behind its witness: the file is at write 2, audit row 1 (head [HEX]…), the witness beside the key file recorded write 2, audit row 2 (head [HEX]…); an older copy was put back (use `tokenctl restore` to go back on purpose)); nothing was written; run `tokenctl check`
        ");
}

#[test]
fn a_sealed_device_row_copied_from_a_registry_sharing_the_key_file_does_not_verify() {
    let training = Registry::demo();
    let live_path = training.dir.path().join("live.db");
    training
        .run(&["init", "--simulation", "--db", "live.db"])
        .succeeds();
    let out = std::process::Command::new("sqlite3")
        .arg(&live_path)
        .arg(format!(
            "ATTACH '{}' AS training; INSERT INTO devices SELECT * FROM training.devices WHERE id = 1;",
            training.path.display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    let transcript = training
        .run(&["--db", "live.db", "otp", TARO_DEVICE.0])
        .at(NOON_FRIDAY)
        .transcript();
    assert_eq!(
        transcript,
        format!(
            "exit 9\n[stderr]\n{}",
            altered("devices row 1 does not verify with the key")
        )
    );
    let out = training.run(&["--db", "live.db", "check"]).output();
    assert_eq!(
        out.stderr,
        "check: invariant: device 23456789 counts 1 holder(s), but 0 user(s) hold it\n\
         check: row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify\n\
         check: secret: the secret of device 23456789 does not open with the key\n"
    );
}

/// A window's dry run in JSON or CSV writes its targets as it reads them
/// again, after a first reading has verified and checked every one: an
/// altered row in the window is refused before a byte is written.
#[test]
fn a_window_user_altered_outside_tokenctl_stops_the_dry_run_before_it_writes() {
    let r = Registry::demo();
    r.sqlite3("UPDATE users SET name = 'Mallory' WHERE login_id = 'hamako01'");
    for format in ["json", "csv", "table"] {
        refused(
            &r,
            &[
                "revoke",
                "--as",
                "taro01",
                "--expiring-within",
                "40d",
                "--dry-run",
                "--format",
                format,
            ],
            "",
            "users row 2 does not verify with the key",
        );
    }
    check_finds(
        &r,
        &[
            "row: users row 2 (hamako01) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

/// The same for the window user's device: its expiry moved a day, still
/// in the window.
#[test]
fn a_window_device_altered_outside_tokenctl_stops_the_dry_run_before_it_writes() {
    let r = Registry::demo();
    r.sqlite3("UPDATE devices SET expires = '2026-12-29' WHERE serial = '45678909'");
    for format in ["json", "csv"] {
        refused(
            &r,
            &[
                "revoke",
                "--as",
                "taro01",
                "--expiring-within",
                "40d",
                "--dry-run",
                "--format",
                format,
            ],
            "",
            "devices row 2 does not verify with the key",
        );
    }
    check_finds(
        &r,
        &[
            "row: devices row 2 (45678909) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

#[test]
fn a_deleted_spare_device_is_found() {
    let r = Registry::demo();
    r.sqlite3(&format!("DELETE FROM devices WHERE serial = '{SPARE}'"));
    check_finds(&r, &["row: devices row 4 was deleted"]);
}

#[test]
fn a_row_mac_removed_is_altered_never_sealed_on_first_use() {
    let r = Registry::demo();
    r.sqlite3("UPDATE users SET mac = NULL WHERE id = 1");
    refused(
        &r,
        &strs(&revoke_args(&taro_code(), &["hamako01"])),
        DEMO_PASSWORD,
        "users row 1 does not verify with the key",
    );
    check_finds(
        &r,
        &[
            "row: users row 1 (taro01) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

#[test]
fn a_leaf_of_the_state_tree_put_back_with_its_row_breaks_the_tree() {
    let r = Registry::demo();
    let copy = keep_a_copy(&r);
    r.lock_taro(NOON_FRIDAY);
    r.sqlite3(&format!(
        "ATTACH '{}' AS yesterday; \
         DELETE FROM users WHERE id = 1; INSERT INTO users SELECT * FROM yesterday.users WHERE id = 1; \
         DELETE FROM tree; INSERT INTO tree SELECT * FROM yesterday.tree;",
        copy.display()
    ));
    refused(
        &r,
        &strs(&revoke_args("000000", &["hamako01"])),
        DEMO_PASSWORD,
        "the state tree does not match the registry's state mark",
    );
    check_finds(
        &r,
        &[
            "rollback: the state tree was changed: it does not hash to the root in the registry's state mark",
        ],
    );
}

/// Nodes put into the state tree where no row can be placed (below the
/// first table's leaves, and above the last's) trust nothing a command
/// reads, but only a hand could put them there: `check` counts them.
#[test]
fn tree_nodes_outside_every_tables_range_are_found() {
    let r = Registry::demo();
    r.sqlite3(&format!(
        "INSERT INTO tree (node, hashes) VALUES (1, randomblob(512)), ({}, randomblob(512));",
        (1i64 << 40) - 1
    ));
    check_finds(
        &r,
        &[
            "rollback: the state tree holds 2 node(s) outside every table's range, where no row can be placed",
        ],
    );
}

#[test]
fn a_mark_inserted_or_a_table_added_outside_tokenctl_is_found() {
    let r = Registry::demo();
    r.sqlite3(
        "INSERT INTO meta (name, value) VALUES ('clock', 'fixed'); \
         CREATE TABLE backdoor (x);",
    );
    check_finds(
        &r,
        &[
            "row: table backdoor is not one of tokenctl's",
            "row: meta row 0 (clock) was inserted outside tokenctl",
        ],
    );
    refused(
        &r,
        &["otp", TARO_DEVICE.0],
        "",
        "the registry's clock mark does not verify with the key",
    );
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_naming_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let r = Registry::demo();
    let key = r.key_path();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = r.snapshot();
    Test::on(&r)
        .args(["otp", TARO_DEVICE.0])
        .stderr(format!(
            "error: {}: the key file has mode 0644: others may read or change it; run `chmod 600 {}`\n",
            key.display(),
            key.display()
        ))
        .status(8)
        .run();
    assert_eq!(r.snapshot(), before);
}

#[cfg(unix)]
#[test]
fn a_fifo_at_the_key_path_is_refused_without_waiting_for_a_writer() {
    let r = Registry::demo();
    std::fs::remove_file(r.key_path()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(r.key_path())
        .status()
        .unwrap();
    assert!(status.success());
    Test::on(&r)
        .args(["otp", TARO_DEVICE.0])
        .stderr(format!(
            "error: {}: not a regular file; a key file is a plain file of 64 hex digits\n",
            r.key_path().display()
        ))
        .status(8)
        .run();
}

/// A value that does not convert is damage, and every command says so the
/// same way (it used to be shown by `list`, exit 1 with SQLite's wording
/// for `list --user`, and `days_left: 0` from `expiring`).
#[test]
fn a_damaged_expiry_date_is_the_same_error_from_every_command() {
    let r = Registry::demo();
    r.sqlite3("UPDATE devices SET expires = '2026-02-30' WHERE id = 1");
    let before = r.snapshot();
    for args in [
        &["list"][..],
        &["list", "--user", "taro01"],
        &["expiring", "--within", "60d"],
        &["revoke", "--as", "taro01", "--dry-run", "hamako01"],
    ] {
        Test::on(&r)
            .args(args.iter().copied())
            .at(NOON_FRIDAY)
            .stderr("error: the registry is damaged or was altered: bad expiry date \"2026-02-30\" in registry\n")
            .status(8)
            .run();
    }
    assert_eq!(r.snapshot(), before);
    check_finds(
        &r,
        &[
            "invariant: device 23456789 has a malformed expiry date",
            "row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

/// A row put back together with its leaf node, then a write that touches
/// another row of the same node without reading the first (an import adds
/// users beside it): the write must not fold the altered node into a new
/// root, which would bless the rollback.
#[test]
fn a_write_beside_a_row_put_back_with_its_leaf_does_not_bless_it() {
    let r = Registry::demo();
    let copy = keep_a_copy(&r);
    r.lock_taro(NOON_FRIDAY);
    r.sqlite3(&format!(
        "ATTACH '{}' AS yesterday; \
         DELETE FROM users WHERE id = 1; INSERT INTO users SELECT * FROM yesterday.users WHERE id = 1; \
         UPDATE tree SET hashes = (SELECT hashes FROM yesterday.tree WHERE node = {users_leaf}) \
         WHERE node = {users_leaf};",
        copy.display(),
        users_leaf = 1u64 << 28
    ));
    refused(
        &r,
        &["import", "users", "-"],
        "login_id,name,role,otp_required,serial\nnew01,New,general,true,\n",
        "the state tree does not match the registry's state mark",
    );
    check_finds(
        &r,
        &[
            "rollback: the state tree was changed: it does not hash to the root in the registry's state mark",
        ],
    );
}

#[test]
fn a_registration_pointed_at_a_missing_device_is_found_three_ways() {
    let r = Registry::demo();
    r.sqlite3("UPDATE registrations SET device_id = 99 WHERE id = 2");
    check_finds(
        &r,
        &[
            "foreign-key: registrations row 2 refers to a missing devices row",
            "invariant: user hamako01 holds a device without an open registration of it",
            "row: registrations row 2 was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

/// A write re-MACs only rows it verified first: a changed registration is
/// not blessed by the revocation that ends it.
#[test]
fn a_changed_registration_is_not_blessed_by_the_revocation_that_ends_it() {
    let r = Registry::demo();
    r.sqlite3("UPDATE registrations SET device_id = 3, registered_at = 1000000000 WHERE id = 2");
    refused(
        &r,
        &strs(&revoke_args(&taro_code(), &["hamako01"])),
        DEMO_PASSWORD,
        "registrations row 2 does not verify with the key",
    );
}

/// Nor is a changed old device by the registration that retires it.
#[test]
fn a_changed_old_device_is_not_blessed_by_the_registration_that_retires_it() {
    let r = Registry::demo();
    r.revoke_as_taro_with_code(&taro_code(), &["hamako01"])
        .at(NOON_FRIDAY)
        .succeeds();
    r.sqlite3("UPDATE devices SET expires = '2099-12-31', last_step = NULL WHERE id = 2");
    let later = "2026-11-20T13:00:00+09:00";
    let before = r.snapshot();
    Test::on(&r)
        .args([
            "register",
            "--user",
            "hamako01",
            "--serial",
            NEW_DEVICE_1.0,
            "--otp",
            &code_at(NEW_DEVICE_1.1, later),
        ])
        .at(later)
        .stderr(altered("devices row 2 does not verify with the key"))
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before);
}

/// A file forged from pieces as a registry from before registry IDs (schema
/// 1: nothing in it is MAC'd) put in place of a current registry: the key
/// file already guards a registry, so it is not upgraded (which would MAC,
/// and so bless, every forged row), unless one says it is one's own.
#[test]
fn a_forged_schema_1_file_under_a_guarding_key_is_not_upgraded() {
    let r = Registry::demo();
    let forged = r.dir.path().join("forged.db");
    let out = std::process::Command::new("sqlite3")
        .arg(&forged)
        .arg(format!(
            // A leading newline: sqlite3 reads an argument starting with `-` as an option.
            "\n{} PRAGMA user_version = 1; \
             INSERT INTO users (login_id, name, role, otp_required) VALUES ('mallory', 'M', 'master', 1);",
            include_str!("../migrations/0001_init.sql")
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:#?}");
    std::fs::copy(&forged, &r.path).unwrap();
    for suffix in ["-wal", "-shm"] {
        let mut side = r.path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(side));
    }
    let refusal = format!(
        "this registry is from before registry IDs (schema 1) and nothing in it is tied to one registry, \
         but the key file {} already guards a current registry: it cannot be told from a file forged from pieces. \
         If it is a registry of your own not yet upgraded, run one command with TOKENCTL_UPGRADE_LEGACY=1",
        r.key_path().display()
    );
    let before = r.snapshot();
    Test::on(&r)
        .args(["unlock", "mallory", "--recovery", "--yes"])
        .stderr(altered(&refusal))
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before);
    let transcript = r.run(&["check"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        audit rows: 0
        audit head: 
        [stderr]
        check: key: this registry is from before registry IDs (schema 1) and nothing in it is tied to one registry, but the key file [DIR]/registry.key already guards a current registry: it cannot be told from a file forged from pieces. If it is a registry of your own not yet upgraded, run one command with TOKENCTL_UPGRADE_LEGACY=1
        ");
    assert_eq!(r.snapshot(), before);
    // Said to be one's own, it is upgraded.
    r.run(&["unlock", "mallory", "--recovery", "--yes"])
        .env("TOKENCTL_UPGRADE_LEGACY", "1")
        .output();
    assert_eq!(r.query_i64("PRAGMA user_version"), 4);
}

/// A decision that no one holds a device rests on the device's own
/// (authenticated) count, not on the absence of users rows, which anyone
/// with the file could make: a holder taken off the device outside
/// tokenctl does not get a device in service recorded as disposed of.
#[test]
fn a_holder_taken_off_a_device_outside_tokenctl_does_not_get_it_disposed_of() {
    let r = Registry::demo();
    r.sqlite3("UPDATE users SET device_id = NULL WHERE login_id = 'hamako01'");
    let expired = "2027-01-05T10:00:00+09:00";
    let before = r.snapshot();
    Test::on(&r)
        .args(["dispose-note", "--mark-disposed", HAMAKO_DEVICE.0])
        .at(expired)
        .stderr(altered(
            "devices row 2 counts 1 holder(s), but 0 users row(s) name it",
        ))
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before);
    check_finds(
        &r,
        &[
            "invariant: device 45678909 counts 1 holder(s), but 0 user(s) hold it",
            "row: users row 2 (hamako01) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

/// An instant the registry cannot hold (here past the year 262,000) is
/// damage, like a bad date: never shown as 1970, the default it used to
/// fall back to where instants became dates for display.
#[test]
fn an_instant_out_of_range_is_damage_never_1970() {
    let r = Registry::demo();
    r.sqlite3("UPDATE users SET registrable_at = 9223372036854775807 WHERE login_id = 'shiro01'");
    let before = r.snapshot();
    for args in [
        &["list"][..],
        &["list", "--user", "shiro01"],
        &["--format", "json", "list"],
    ] {
        Test::on(&r)
            .args(args.iter().copied())
            .at(NOON_FRIDAY)
            .stderr("error: the registry is damaged or was altered: bad instant 9223372036854775807 in registry\n")
            .status(8)
            .run();
    }
    assert_eq!(r.snapshot(), before);
    check_finds(
        &r,
        &[
            "row: users row 3 (shiro01) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

/// A learned clock offset changed outside tokenctl (to make an old code
/// verify again, or a stolen code of another time) is refused by the
/// signature that would rest on it.
#[test]
fn a_clock_offset_changed_outside_tokenctl_is_refused() {
    let r = Registry::demo();
    r.sqlite3("UPDATE devices SET clock_offset = 120 WHERE serial = '23456789'");
    let args = revoke_args(
        &code_at(TARO_DEVICE.1, &plus(NOON_FRIDAY, 3600)),
        &["hamako01"],
    );
    refused(
        &r,
        &strs(&args),
        DEMO_PASSWORD,
        "devices row 1 does not verify with the key",
    );
    check_finds(
        &r,
        &[
            "row: devices row 1 (23456789) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );
}

/// A spare's lockout cleared outside tokenctl (to go on guessing pairs) is
/// refused by the resync; its failure count put back with its old MAC is
/// found as a rollback.
/// Five failed resyncs of the spare lock it; `after_the_first` runs after
/// the first (to keep a copy of the registry from before the lock).
fn lock_the_spare_by_resync<T>(r: &Registry, after_the_first: impl FnOnce(&Registry) -> T) -> T {
    let resync = |r: &Registry| {
        r.run(&["resync", SPARE, "--otp", "000000", "--otp", "000001"])
            .at(NOON_FRIDAY)
            .transcript()
    };
    let mut transcripts = resync(r);
    let kept = after_the_first(r);
    for _ in 0..4 {
        transcripts.push_str(&resync(r));
    }
    // The same five failures wherever the lock is needed.
    insta::allow_duplicates! {
        insta::assert_snapshot!(transcripts, @"
        exit 3
        [stderr]
        error: no two consecutive codes of device 56789012 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other
        exit 3
        [stderr]
        error: no two consecutive codes of device 56789012 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other
        exit 3
        [stderr]
        error: no two consecutive codes of device 56789012 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other
        exit 3
        [stderr]
        error: no two consecutive codes of device 56789012 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other
        exit 3
        [stderr]
        error: no two consecutive codes of device 56789012 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other
        error: device 56789012 is now locked; a master must run `tokenctl unlock --serial 56789012 --as MASTER`
        ");
    }
    kept
}

#[test]
fn a_device_lockout_cleared_or_put_back_outside_tokenctl_is_refused() {
    let r = Registry::demo();
    lock_the_spare_by_resync(&r, |_| ());
    r.sqlite3(&format!(
        "UPDATE devices SET locked_at = NULL, failed_attempts = 0 WHERE serial = '{SPARE}'"
    ));
    refused(
        &r,
        &["resync", SPARE, "--otp", "000000", "--otp", "000001"],
        "",
        "devices row 4 does not verify with the key",
    );
    check_finds(
        &r,
        &[
            "row: devices row 4 (56789012) was changed or inserted outside tokenctl: its MAC does not verify",
        ],
    );

    let r = Registry::demo();
    let copy = lock_the_spare_by_resync(&r, keep_a_copy);
    r.sqlite3(&format!(
        "ATTACH '{}' AS old; UPDATE devices SET locked_at = NULL, failed_attempts = 1, \
         mac = (SELECT mac FROM old.devices WHERE serial = '{SPARE}') WHERE serial = '{SPARE}'",
        copy.display()
    ));
    refused(
        &r,
        &["resync", SPARE, "--otp", "000000", "--otp", "000001"],
        "",
        "devices row 4 is an earlier version of itself, not the one tokenctl last wrote",
    );
    check_finds(
        &r,
        &["rollback: devices row 4 (56789012) was put back to an earlier version of itself"],
    );
}

/// `check --quick` runs SQLite's `quick_check` instead of
/// `integrity_check`, and every check of tokenctl's own: its report is the
/// full check's, on an intact registry and on one changed outside tokenctl.
#[test]
fn check_quick_reports_what_the_full_check_reports() {
    let r = Registry::demo();
    let full = r.run(&["check", "--format", "json"]).succeeds().stdout;
    Test::on(&r)
        .args(["check", "--quick", "--format", "json"])
        .stdout(full)
        .run();
    r.sqlite3("UPDATE users SET role = 'master' WHERE login_id = 'hamako01'");
    let before = r.snapshot();
    let full = r.run(&["check"]).output().stdout;
    Test::on(&r)
        .args(["check", "--quick"])
        .stdout(full)
        .stderr(
            "check: row: users row 2 (hamako01) was changed or inserted outside tokenctl: its MAC does not verify\n",
        )
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before, "check --quick never writes");
}

/// `check` in JSON gives each finding whole, in CSV their count, beside
/// where the registry stands (the ID and head vary: `[HEX]`).
#[test]
fn check_reports_its_findings_in_json_and_counts_them_in_csv() {
    let r = Registry::demo();
    r.sqlite3("UPDATE users SET role = 'master' WHERE login_id = 'hamako01'");
    let finding =
        "users row 2 (hamako01) was changed or inserted outside tokenctl: its MAC does not verify";
    Test::on(&r)
        .args(["check", "--format", "json"])
        .stdout(format!(
            "{{\n  \"ok\": false,\n  \"registry_id\": \"[HEX]\",\n  \"audit_rows\": 2,\n  \
             \"audit_head\": \"[HEX]\",\n  \"findings\": [\n    {{\n      \"kind\": \"row\",\n      \
             \"detail\": \"{finding}\"\n    }}\n  ]\n}}\n"
        ))
        .stderr(format!("check: row: {finding}\n"))
        .status(9)
        .run();
    Test::on(&r)
        .args(["check", "--format", "csv"])
        .stdout("ok,registry_id,audit_rows,audit_head,findings\nfalse,[HEX],2,[HEX],1\n")
        .stderr(format!("check: row: {finding}\n"))
        .status(9)
        .run();
}
