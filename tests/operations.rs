//! Operations: `backup` (a verified copy, consistent while others write,
//! without the key) and `restore` (a verified copy of the same registry put
//! back on purpose, the witness moved back with it).

use crate::common::*;

fn check_json(r: &Registry, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["check", "--format", "json"]);
    r.run(&all).output().json()
}

#[test]
fn a_backup_is_verified_holds_no_key_and_never_overwrites() {
    let r = Registry::demo();
    let now = check_json(&r, &[]);
    let out = r
        .run(&["backup", "copy.db", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(
        out,
        serde_json::json!({
            "path": "copy.db",
            "registry_id": now["registry_id"],
            "audit_rows": now["audit_rows"],
            "audit_head": now["audit_head"],
        })
    );
    let copy = std::fs::read(r.dir.path().join("copy.db")).unwrap();
    let key = std::fs::read_to_string(r.key_path()).unwrap();
    let raw = hex::decode(key.trim()).unwrap();
    assert!(!copy.windows(raw.len()).any(|w| w == raw.as_slice()));
    assert!(!copy.windows(64).any(|w| w == key.trim().as_bytes()));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(r.dir.path().join("copy.db"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    Test::on(&r)
        .args(["backup", "copy.db"])
        .stderr("error: copy.db already exists; refusing to overwrite it\n")
        .status(1)
        .run();
    // A single file: no WAL beside it.
    assert!(!r.dir.path().join("copy.db-wal").exists());
}

#[test]
fn a_restore_puts_a_backup_back_moves_the_witness_and_replays_no_code() {
    let r = Registry::demo();
    r.run(&["backup", "copy.db"]).succeeds();
    let code = code_at(TARO_DEVICE.1, NOON_FRIDAY);
    r.revoke_as_taro_with_code(&code, &["hamako01"])
        .at(NOON_FRIDAY)
        .succeeds();
    let before = check_json(&r, &[]);
    // The copy is behind its witness: on its own it is a fine backup, as the
    // registry it is a rollback.
    let transcript = r
        .run(&["--db", "copy.db", "check", "--backup"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        The registry is intact: SQLite's checks, the invariants, every mark and row, every sealed secret, the audit chain and the witness verify.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        This is a copy: the registry it was taken from is 1 audit row(s) ahead of it (its witness says so).
        ");
    let transcript = r.run(&["--db", "copy.db", "check"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: rollback: the registry is behind its witness: the file is at write 2, audit row 2 (head [HEX]…), the witness beside the key file recorded write 3, audit row 3 (head [HEX]…); an older copy was put back (use `tokenctl restore` to go back on purpose)
        ");
    // Without a terminal a restore needs --yes.
    let transcript = r.run(&["restore", "copy.db"]).at(NOON_FRIDAY).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: a confirmation is required and there is no terminal to ask on; pass --yes to confirm
        ");
    let aside = format!("{}.before-restore-20261120T120000", r.path.display());
    Test::on(&r)
        .args(["restore", "copy.db", "--yes"])
        .at(NOON_FRIDAY)
        .stdout(format!(
            "Restored {} from copy.db; the registry it replaced is kept as {aside}.\n",
            r.path.display()
        ))
        .run();
    assert!(std::path::Path::new(&aside).exists());
    let after = check_json(&r, &[]);
    assert_eq!(after["ok"], true, "{after:#}");
    assert_eq!(after["audit_rows"], 3, "init, init-demo, restore");
    assert_eq!(after["registry_id"], before["registry_id"]);
    // hamako01 is in service again, and the code the revocation used is not
    // accepted a second time, nor any code shown before the restore.
    assert_eq!(r.listed("hamako01")[0]["status"], "active");
    let transcript = r
        .revoke_as_taro_with_code(&code, &["hamako01"])
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
        ");
    let audit = r
        .run(&["audit", "--action", "restore", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1);
    assert!(
        audit[0]["detail"]
            .as_str()
            .unwrap()
            .ends_with("the replay guards of 6 device(s) moved past now"),
        "{audit:#}"
    );
}

/// A device whose clock runs ahead showed steps beyond the real clock's:
/// the restore moves its guard past the step its own clock shows.
#[test]
fn a_restore_refuses_the_codes_a_fast_device_showed_before_it() {
    let r = Registry::demo();
    let fast = |t: &str| code_at(TARO_DEVICE.1, &plus(t, 420));
    let first = code_at(TARO_DEVICE.1, &plus(NOON_FRIDAY, 390));
    r.run(&[
        "resync",
        TARO_DEVICE.0,
        "--otp",
        &first,
        "--otp",
        &fast(NOON_FRIDAY),
    ])
    .at(NOON_FRIDAY)
    .succeeds();
    r.run(&["backup", "copy.db"]).succeeds();
    let later = plus(NOON_FRIDAY, 60);
    r.revoke_as_taro_with_code(&fast(&later), &["hamako01"])
        .at(&later)
        .succeeds();
    r.run(&["restore", "copy.db", "--yes"])
        .at(&later)
        .succeeds();
    let transcript = r
        .revoke_as_taro_with_code(&fast(&later), &["hamako01"])
        .at(&later)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
        ");
    let next = plus(&later, 60);
    r.revoke_as_taro_with_code(&fast(&next), &["hamako01"])
        .at(&next)
        .succeeds();
}

#[test]
fn a_backup_of_another_registry_or_under_another_key_is_not_restored() {
    let r = Registry::demo();
    r.run(&["init", "--simulation", "--db", "other.db"])
        .succeeds();
    r.run(&["--db", "other.db", "backup", "other-copy.db"])
        .succeeds();
    let before = r.snapshot();
    Test::on(&r)
        .args(["restore", "other-copy.db", "--yes"])
        .stderr(format!(
            "error: this is a backup of another registry, not of {} (their registry IDs differ); nothing was changed\n",
            r.path.display()
        ))
        .status(7)
        .run();
    assert_eq!(r.snapshot(), before);
    // A copy of this registry, but the key file is another one.
    r.run(&["backup", "copy.db"]).succeeds();
    let other_key = r.dir.path().join("other").join("registry.key");
    r.run(&[
        "--key-file",
        other_key.to_str().unwrap(),
        "init",
        "--simulation",
        "--db",
        "third.db",
    ])
    .succeeds();
    let transcript = r
        .run(&[
            "--key-file",
            other_key.to_str().unwrap(),
            "restore",
            "copy.db",
            "--yes",
        ])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/other/registry.key: this key file is not the key of the registry (the registry expects key [HEX], this file holds key [HEX]); nothing was written. Use the registry's own key file, or restore it from your backup
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_tampered_backup_is_not_restored() {
    let r = Registry::demo();
    r.run(&["backup", "copy.db"]).succeeds();
    let out = std::process::Command::new("sqlite3")
        .arg(r.dir.path().join("copy.db"))
        .arg("UPDATE users SET role = 'master' WHERE login_id = 'hamako01'")
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = r.snapshot();
    Test::on(&r)
        .args(["restore", "copy.db", "--yes"])
        .stderr(
            "check: row: users row 2 (hamako01) was changed or inserted outside tokenctl: its MAC does not verify\n",
        )
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before);
}

/// A backup taken while another process commits a bulk revocation holds
/// all of it or none of it, and verifies.
#[test]
fn a_backup_taken_during_a_bulk_revocation_holds_all_or_nothing() {
    let r = Registry::init();
    let n = 10_000;
    let mut devices = String::from("serial,secret,expires\n");
    let mut users = String::from("login_id,name,role,otp_required,serial\n");
    users.push_str(&format!("boss,Boss,master,true,{}\n", TARO_DEVICE.0));
    devices.push_str(&format!("{},{},2030-01-01\n", TARO_DEVICE.0, TARO_DEVICE.1));
    let mut targets = String::new();
    for i in 0..n {
        devices.push_str(&format!(
            "{},{},2030-01-01\n",
            20_000_000 + i,
            TARO_DEVICE.1
        ));
        users.push_str(&format!("u{i},U,general,true,{}\n", 20_000_000 + i));
        targets.push_str(&format!("u{i}\n"));
    }
    r.run(&["import", "devices", "-"])
        .stdin(&devices)
        .at(NOON_FRIDAY)
        .succeeds();
    r.run(&["import", "users", "-"])
        .stdin(&users)
        .at(NOON_FRIDAY)
        .succeeds();
    r.run(&["passwd", "boss", "--password-stdin"])
        .stdin(DEMO_PASSWORD)
        .at(NOON_FRIDAY)
        .succeeds();
    r.file("targets.txt", &targets);
    let code = code_at(TARO_DEVICE.1, NOON_FRIDAY);
    let revoke = r
        .run(&[
            "revoke",
            "--as",
            "boss",
            "--targets-file",
            "targets.txt",
            "--otp",
            &code,
            "--password-stdin",
            "--yes",
        ])
        .stdin(DEMO_PASSWORD)
        .at(NOON_FRIDAY)
        .spawn();
    let mut copies = 0;
    loop {
        let name = format!("copy{copies}.db");
        let out = r.run(&["backup", &name]).output();
        assert_eq!(out.status, 0, "{out:#?}");
        copies += 1;
        let revoked = rusqlite::Connection::open(r.dir.path().join(&name))
            .unwrap()
            .query_row(
                "SELECT count(*) FROM users WHERE device_id IS NULL",
                [],
                |row| row.get::<_, i64>(0),
            )
            .unwrap();
        assert!(
            revoked == 0 || revoked == n,
            "a copy with {revoked} of {n} revoked"
        );
        if revoked == n {
            break;
        }
        assert!(copies < 200, "the revocation never showed");
    }
    assert!(revoke.wait_with_output().unwrap().status.success());
}

#[test]
fn a_rekey_moves_everything_under_the_new_key_and_the_old_one_is_refused() {
    let r = Registry::demo();
    let head = check_json(&r, &[])["audit_head"]
        .as_str()
        .unwrap()
        .to_string();
    let new_key = r.dir.path().join("new").join("registry.key");
    let new = new_key.to_str().unwrap();
    let out = r
        .run(&["rekey", "--new-key-file", new, "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(out["key_file"], new);
    assert_eq!(out["audit_rows"], 3);
    Test::on(&r)
        .args(["otp", TARO_DEVICE.0])
        .stderr(format!(
            "error: {}: this key file is not the key of the registry (the registry expects key {}, this file holds key {}); nothing was written. Use the registry's own key file, or restore it from your backup\n",
            r.key_path().display(),
            out["key_fingerprint"].as_str().unwrap(),
            out["previous_fingerprint"].as_str().unwrap(),
        ))
        .status(8)
        .run();
    // Under the new key: the whole registry verifies, a head recorded
    // before the rotation still passes, and the devices show their codes.
    let with_new = |args: &[&str]| {
        let mut all = vec!["--key-file", new];
        all.extend_from_slice(args);
        r.run(&all)
    };
    with_new(&["check", "--expect-head", &head]).succeeds();
    let code = with_new(&["otp", TARO_DEVICE.0, "--at", NOON_FRIDAY]).succeeds();
    assert_eq!(code.stdout.trim(), code_at(TARO_DEVICE.1, NOON_FRIDAY));
    // A second rotation to an existing file is refused and changes nothing.
    let before = r.snapshot();
    let transcript = with_new(&["rekey", "--new-key-file", new]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 1
        [stderr]
        error: [DIR]/new/registry.key already exists; refusing to overwrite it
        ");
    assert_eq!(r.snapshot(), before);
}

/// Killed at any moment, a rotation leaves the registry wholly under the
/// old key or wholly under the new one: exactly one of them opens it and
/// `check` passes with it.
#[test]
fn a_rekey_killed_at_any_moment_leaves_exactly_one_key_that_opens_the_registry() {
    let base = Registry::demo();
    let mut devices = String::from("serial,secret,expires\n");
    for i in 0..300 {
        devices.push_str(&format!(
            "{},{},2030-01-01\n",
            30_000_000 + i,
            TARO_DEVICE.1
        ));
    }
    base.run(&["import", "devices", "-"])
        .stdin(&devices)
        .at(NOON_FRIDAY)
        .succeeds();
    base.sqlite3("PRAGMA wal_checkpoint(TRUNCATE);");
    let (mut old_won, mut new_won) = (0, 0);
    for trial in 0..50u64 {
        let r = Registry::empty();
        std::fs::copy(&base.path, &r.path).unwrap();
        std::fs::copy(base.key_path(), r.key_path()).unwrap();
        let mut witness = base.key_path().into_os_string();
        witness.push(".witness");
        let mut to = r.key_path().into_os_string();
        to.push(".witness");
        std::fs::copy(&witness, &to).unwrap();
        let new_key = r.dir.path().join("new.key");
        let mut child = r
            .run(&["rekey", "--new-key-file", new_key.to_str().unwrap()])
            .spawn();
        // Spread the kills over the command's whole run.
        std::thread::sleep(std::time::Duration::from_micros((trial * 7919) % 250_000));
        let _ = child.kill();
        let _ = child.wait();
        let opens = |key: &std::path::Path| {
            r.run(&["check"])
                .env("TOKENCTL_KEY_FILE", key)
                .output()
                .status
                == 0
        };
        let (old, new) = (opens(&r.key_path()), new_key.exists() && opens(&new_key));
        assert!(
            old != new,
            "trial {trial}: old key opens it: {old}, new key: {new}"
        );
        if old {
            old_won += 1;
        } else {
            new_won += 1;
        }
    }
    eprintln!("rekey kills: {old_won} left under the old key, {new_won} under the new");
}

/// The registry file is lost: a backup of it is put back in its place (the
/// key file's witness knows the registry), nothing to keep aside.
#[test]
fn a_lost_registry_is_restored_from_its_backup() {
    let r = Registry::demo();
    r.run(&["backup", "copy.db"]).succeeds();
    for suffix in ["", "-wal", "-shm"] {
        let mut file = r.path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(file));
    }
    Test::on(&r)
        .args(["restore", "copy.db", "--yes"])
        .stdout(format!("Restored {} from copy.db.\n", r.path.display()))
        .run();
    assert_eq!(check_json(&r, &[])["ok"], true);
    // Neither the registry nor its line in the witness: nothing says the
    // backup is of a registry this key file guards.
    std::fs::remove_file(&r.path).unwrap();
    let mut witness = r.key_path().into_os_string();
    witness.push(".witness");
    std::fs::remove_file(std::path::PathBuf::from(witness)).unwrap();
    Test::on(&r)
        .args(["restore", "copy.db", "--yes"])
        .stderr("error: there is no registry here, and this key file's witness does not know the backup's registry; nothing was changed\n")
        .status(7)
        .run();
    assert!(!r.path.exists());
    // A backup of a registry the key file never guarded is not put there.
    let stranger = Registry::demo();
    std::fs::remove_file(&stranger.path).unwrap();
    let copy = r.dir.path().join("copy.db");
    let transcript = stranger
        .run(&["restore", copy.to_str().unwrap(), "--yes"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.key: this key file is not the key of the registry (the registry expects key [HEX], this file holds key [HEX]); nothing was written. Use the registry's own key file, or restore it from your backup
        ");
}

/// `backup` says the same in CSV as in JSON, one row under its header.
#[test]
fn a_backup_reports_in_csv_one_row_under_the_json_keys() {
    let r = Registry::demo();
    let now = check_json(&r, &[]);
    Test::on(&r)
        .args(["--format", "csv", "backup", "copy.db"])
        .stdout(format!(
            "path,registry_id,audit_rows,audit_head\ncopy.db,{},{},{}\n",
            now["registry_id"].as_str().unwrap(),
            now["audit_rows"],
            now["audit_head"].as_str().unwrap(),
        ))
        .run();
}
