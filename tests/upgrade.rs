//! Registries from before the authenticated registry: a schema-2 registry
//! made by the previous tokenctl (`fixtures/schema2/`: the demo, with
//! hamako01 revoked on Friday 20 November 2026 at 21:00) is read as it is
//! and upgraded, in one transaction, by the first command that writes, and
//! only if everything in it verifies under the key.

use crate::common::*;

/// The schema-2 fixture and its key file in a temp dir.
fn schema2() -> Registry {
    let r = Registry::empty();
    std::fs::write(&r.path, include_bytes!("../fixtures/schema2/registry.db")).unwrap();
    std::fs::write(
        r.key_path(),
        include_bytes!("../fixtures/schema2/registry.key"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(r.key_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    r
}

/// The head the previous tokenctl's `check` printed for the fixture.
const SCHEMA2_HEAD: &str = "636ca1fc636a4e1b1bd3e59a5b58dd9136f50d5ea8cf95f45b69142b6fef83ff";
/// Monday 23 November is a holiday: hamako01 may register from Tuesday 08:10.
const TUESDAY: &str = "2026-11-24T10:00:00+09:00";

fn register_hamako(r: &Registry) -> Out {
    let code = code_at(NEW_DEVICE_1.1, TUESDAY);
    r.run(&[
        "register",
        "--user",
        "hamako01",
        "--serial",
        NEW_DEVICE_1.0,
        "--otp",
        &code,
    ])
    .at(TUESDAY)
    .output()
}

#[test]
fn a_schema_2_registry_is_read_as_it_is_and_upgraded_by_the_first_write() {
    let r = schema2();
    let before = r.snapshot();
    r.run(&["list"]).succeeds();
    r.run(&["otp", TARO_DEVICE.0, "--at", TUESDAY]).succeeds();
    let json = r.run(&["check", "--format", "json"]).succeeds().json();
    assert_eq!(json["audit_head"], SCHEMA2_HEAD);
    assert_eq!(r.snapshot(), before, "reading never upgrades");
    let out = register_hamako(&r);
    assert_eq!(out.status, 0, "{out:#?}");
    assert_eq!(
        without_clock_note(&out.stderr),
        "note: the registry was upgraded from schema 2 to 4: every secret sealed and every row authenticated under the key\n"
    );
    assert_eq!(r.query_i64("PRAGMA user_version"), 4);
    let json = r
        .run(&["check", "--format", "json", "--expect-head", SCHEMA2_HEAD])
        .succeeds()
        .json();
    assert_eq!(
        json["audit_rows"], 5,
        "init, init-demo, revoke, upgrade, register"
    );
    // The devices verify their codes under the new subkeys.
    let code = code_at(TARO_DEVICE.1, TUESDAY);
    r.run(&["otp", TARO_DEVICE.0, "--at", TUESDAY])
        .succeeds()
        .stdout_has(&code);
}

#[test]
fn a_schema_2_registry_with_an_altered_audit_row_is_not_upgraded() {
    let r = schema2();
    r.sqlite3("DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing' WHERE id = 3;");
    let before = r.snapshot();
    let out = register_hamako(&r);
    assert_eq!(out.status, 9, "{out:#?}");
    assert_eq!(
        without_clock_note(&out.stderr),
        "error: the registry was altered outside tokenctl (audit row 3 does not verify: it was changed, inserted or moved, or a row before it was removed); nothing was written; run `tokenctl check`\n"
    );
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_schema_2_registry_without_its_fingerprint_or_mode_mark_is_not_sealed_again() {
    for (sql, detail) in [
        (
            "DELETE FROM meta WHERE name = 'key_fingerprint'",
            "the registry's key_fingerprint mark is missing",
        ),
        (
            "UPDATE meta SET value = 'live' WHERE name = 'mode'",
            "the registry's live mark does not verify with the key",
        ),
    ] {
        let r = schema2();
        r.sqlite3(sql);
        let before = r.snapshot();
        // Without a fixed clock: a registry marked live refuses one first.
        let out = r
            .run(&["unlock", "hamako01", "--recovery", "--yes"])
            .output();
        assert_eq!(out.status, 9, "{out:#?}");
        assert_eq!(
            without_clock_note(&out.stderr),
            format!(
                "error: the registry was altered outside tokenctl ({detail}); nothing was written; run `tokenctl check`\n"
            )
        );
        assert_eq!(r.snapshot(), before);
    }
}

/// The upgrade of a schema-1 registry seals every secret in one pass and
/// leaves none of them in the clear anywhere in the file: not in free
/// pages, not in the WAL (`bench/upgrade_schema1.py` times it at 50,000).
#[test]
fn a_schema_1_registry_of_many_devices_leaves_no_plaintext_secret() {
    let r = Registry::empty();
    let secret = |i: u32| -> Vec<u8> {
        (0..20u32)
            .map(|j| (i.wrapping_mul(2_654_435_761).wrapping_add(j * 97) >> 3) as u8)
            .collect()
    };
    {
        let conn = rusqlite::Connection::open(&r.path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        conn.execute_batch(include_str!("../migrations/0001_init.sql"))
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 1; BEGIN;")
            .unwrap();
        for i in 1..=500u32 {
            conn.execute(
                "INSERT INTO devices (id, serial, secret, algorithm, digits, period, expires, replaced_by) \
                 VALUES (?1, ?2, ?3, 'SHA1', 6, 30, '2031-01-01', ?4)",
                rusqlite::params![i, format!("{}", 10_000_000 + i), secret(i), (i % 2 == 0).then_some(i - 1)],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO users (id, login_id, name, role, otp_required, device_id) \
                 VALUES (?1, ?2, 'U', 'general', 1, ?1)",
                rusqlite::params![i, format!("u{i}")],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO registrations (user_id, device_id, registered_at) VALUES (?1, ?1, 0)",
                [i],
            )
            .unwrap();
        }
        conn.execute_batch("COMMIT;").unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let out = r.run(&["unlock", "u1", "--recovery", "--yes"]).output();
    assert_eq!(out.status, 0, "{out:#?}");
    let mut bytes = std::fs::read(&r.path).unwrap();
    let mut wal = r.path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(std::path::Path::new(&wal)).unwrap_or_default());
    for i in 1..=500 {
        let s = secret(i);
        assert!(
            !bytes.windows(s.len()).any(|w| w == s.as_slice()),
            "the secret of device {i} is left in the file"
        );
    }
    r.run(&["check"]).succeeds();
    r.run(&["otp", "10000001"]).fails(7);
}

/// The schema-3 fixture (`fixtures/schema3/`, made by the tokenctl before
/// device clocks: the demo initialised on Friday 20 November 2026 at 20:50,
/// hamako01 revoked at 21:00) and its key file in a temp dir.
fn schema3() -> Registry {
    let r = Registry::empty();
    std::fs::write(&r.path, include_bytes!("../fixtures/schema3/registry.db")).unwrap();
    std::fs::write(
        r.key_path(),
        include_bytes!("../fixtures/schema3/registry.key"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(r.key_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    r
}

/// The head the previous tokenctl's `check` printed for the schema-3 fixture.
const SCHEMA3_HEAD: &str = "47cdb1bcc115da23926e9ae06633c711a7ea7ac4c609e9b7f609f169850b336d";

#[test]
fn a_schema_3_registry_is_read_and_checked_as_it_is_and_upgraded_by_the_first_write() {
    let r = schema3();
    let before = r.snapshot();
    r.run(&["list"]).succeeds();
    r.run(&["otp", TARO_DEVICE.0, "--at", TUESDAY]).succeeds();
    let json = r.run(&["check", "--format", "json"]).succeeds().json();
    assert_eq!(json["audit_head"], SCHEMA3_HEAD);
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(r.snapshot(), before, "reading never upgrades");
    let out = register_hamako(&r);
    assert_eq!(out.status, 0, "{out:#?}");
    assert_eq!(
        without_clock_note(&out.stderr),
        "note: the registry was upgraded from schema 3 to 4: devices keep their clock offsets, and every row was authenticated anew under the key\n"
    );
    assert_eq!(r.query_i64("PRAGMA user_version"), 4);
    let json = r
        .run(&["check", "--format", "json", "--expect-head", SCHEMA3_HEAD])
        .succeeds()
        .json();
    assert_eq!(
        json["audit_rows"], 5,
        "init, init-demo, revoke, upgrade, register"
    );
    // The delivered devices take the demo's load as their delivery.
    assert_eq!(
        r.query_i64(&format!(
            "SELECT count(*) FROM devices WHERE delivered_at = {}",
            unix("2026-11-20T20:50:00+09:00")
        )),
        6
    );
}

#[test]
fn a_schema_3_registry_with_a_row_put_back_or_changed_is_not_upgraded() {
    for sql in [
        "UPDATE devices SET last_step = NULL WHERE serial = '23456789'",
        "UPDATE users SET role = 'master' WHERE login_id = 'hamako01'",
    ] {
        let r = schema3();
        r.sqlite3(sql);
        let before = r.snapshot();
        let out = register_hamako(&r);
        assert_eq!(out.status, 9, "{sql}: {out:#?}");
        assert!(
            out.stderr
                .contains("the registry was altered outside tokenctl"),
            "{}",
            out.stderr
        );
        assert_eq!(r.snapshot(), before);
        assert_eq!(r.query_i64("PRAGMA user_version"), 3);
    }
}
