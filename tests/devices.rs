//! `devices`, `history`, `identify` and `revoke --bank-reference --lost`
//! (SPEC §5.3), on the demo after a story that leaves a device in every
//! state. Codes come from totp-lite (`common::code_at`).

use crate::common::*;

const T0: &str = "2026-11-20T12:00:00+09:00";
const T1: &str = "2026-11-20T13:00:00+09:00";
const T2: &str = "2026-11-20T13:10:00+09:00";
const T3: &str = "2026-11-20T14:00:00+09:00";
const T4: &str = "2026-11-20T14:10:00+09:00";
const DISPOSED_AT: &str = "2026-12-01T10:00:00+09:00";
/// After the demo devices' expiry (30 December 2026).
pub const NEW_YEAR: &str = "2027-01-05T10:00:00+09:00";
const NEW_DEVICE_4: (&str, &str) = ("78901234", "MV4HAZLSNFWWK3TUMFWC2ZDFOZUWGZLT");

fn register(r: &Registry, user: &str, device: (&str, &str), at: &str, code_at_: &str) {
    r.run(&[
        "register",
        "--user",
        user,
        "--serial",
        device.0,
        "--otp",
        &code_at(device.1, code_at_),
    ])
    .at(at)
    .succeeds();
}

/// The demo after: hamako01 revoked and on 56789012, shared with shiro01;
/// ichiro01 on 78901234, revoked, then on 34567891, which the bank revoked
/// as lost; 45678909 disposed of. 67890123 stays in stock; taro01's
/// 23456789 expires on 30 December.
pub fn every_state() -> Registry {
    let r = Registry::demo();
    assert_eq!(r.revoke_as_taro(&["hamako01"], T0).status, 0);
    register(&r, "hamako01", NEW_DEVICE_2, T1, T1);
    register(&r, "shiro01", NEW_DEVICE_2, T1, &plus(T1, 30));
    register(&r, "ichiro01", NEW_DEVICE_4, T1, T1);
    assert_eq!(r.revoke_as_taro(&["ichiro01"], T2).status, 0);
    register(&r, "ichiro01", NEW_DEVICE_1, T3, T3);
    r.revoke_as_taro_with_code(
        &code_at(TARO_DEVICE.1, T4),
        &["ichiro01", "--bank-reference", "BK-20261120-7", "--lost"],
    )
    .at(T4)
    .succeeds();
    r.run(&["dispose-note", "--mark-disposed", HAMAKO_DEVICE.0])
        .at(DISPOSED_AT)
        .succeeds();
    r
}

#[test]
fn devices_lists_every_state_with_holders_offsets_and_deliveries() {
    let r = every_state();
    Test::on(&r)
        .args(["devices", "--format", "json"])
        .at(NEW_YEAR)
        .stdout(concat!(
            "[\n",
            r#"{"serial":"23456789","state":"expired","holders":["taro01"],"expires":"2026-12-30","clock_offset_seconds":0,"last_used_at":"2026-11-20T14:10:00+09:00","delivered_at":"2026-11-20T12:00:00+09:00"},"#, "\n",
            r#"{"serial":"34567891","state":"lost","holders":[],"expires":"2031-11-30","clock_offset_seconds":0,"last_used_at":"2026-11-20T14:00:00+09:00","delivered_at":"2026-11-20T12:00:00+09:00"},"#, "\n",
            r#"{"serial":"45678909","state":"disposed","holders":[],"expires":"2026-12-30","clock_offset_seconds":0,"last_used_at":null,"delivered_at":"2026-11-20T12:00:00+09:00"},"#, "\n",
            r#"{"serial":"56789012","state":"in-service","holders":["hamako01","shiro01"],"expires":"2031-11-30","clock_offset_seconds":30,"last_used_at":"2026-11-20T13:00:00+09:00","delivered_at":"2026-11-20T12:00:00+09:00"},"#, "\n",
            r#"{"serial":"67890123","state":"in-stock","holders":[],"expires":"2031-11-30","clock_offset_seconds":0,"last_used_at":null,"delivered_at":"2026-11-20T12:00:00+09:00"},"#, "\n",
            r#"{"serial":"78901234","state":"out-of-use","holders":[],"expires":"2031-11-30","clock_offset_seconds":0,"last_used_at":"2026-11-20T13:00:00+09:00","delivered_at":"2026-11-20T12:00:00+09:00"}"#, "\n",
            "]\n"
        ))
        .run();
    Test::on(&r)
        .args(["devices", "--state", "in-stock", "--format", "csv"])
        .at(NEW_YEAR)
        .stdout("serial,state,holders,expires,clock_offset_seconds,last_used_at,delivered_at\n67890123,in-stock,,2031-11-30,0,,2026-11-20T12:00:00+09:00\n")
        .run();
    // Before the expiry, taro01's device is in service and expiring.
    Test::on(&r)
        .args(["devices", "--expiring-within", "60d", "--format", "csv"])
        .at(DISPOSED_AT)
        .stdout("serial,state,holders,expires,clock_offset_seconds,last_used_at,delivered_at\n23456789,in-service,taro01,2026-12-30,0,2026-11-20T14:10:00+09:00,2026-11-20T12:00:00+09:00\n45678909,disposed,,2026-12-30,0,,2026-11-20T12:00:00+09:00\n")
        .run();
    Test::on(&r)
        .args(["devices", "--serial", "99999999"])
        .stderr("error: unknown serial number: 99999999 (no delivery contains it)\n")
        .status(6)
        .run();
    Test::on(&r)
        .args([
            "devices",
            "--state",
            "in-stock",
            "--serial",
            HAMAKO_DEVICE.0,
        ])
        .stdout("No devices match.\n")
        .run();
}

/// The demo's replaced device and its revoked user, read as the procedure
/// happened.
#[test]
fn history_reads_as_the_procedure_happened() {
    let r = every_state();
    Test::on(&r)
        .args(["history", "--serial", HAMAKO_DEVICE.0, "--format", "json"])
        .stdout(concat!(
            "[\n",
            r#"{"at":"2026-11-20T12:00:00+09:00","event":"delivered","login_id":null,"serial":"45678909","by":null,"detail":"usable through 2026-12-30"},"#, "\n",
            r#"{"at":"2026-11-20T12:00:00+09:00","event":"registered","login_id":"hamako01","serial":"45678909","by":"hamako01","detail":""},"#, "\n",
            r#"{"at":"2026-11-20T12:00:00+09:00","event":"revoked","login_id":"hamako01","serial":"45678909","by":"taro01","detail":"registrable at 2026-11-20T12:30:00+09:00"},"#, "\n",
            r#"{"at":"2026-12-01T10:00:00+09:00","event":"disposed","login_id":null,"serial":"45678909","by":null,"detail":""}"#, "\n",
            "]\n"
        ))
        .run();
    Test::on(&r)
        .args(["history", "--user", "ichiro01", "--format", "csv"])
        .stdout(concat!(
            "at,event,login_id,serial,by,detail\n",
            "2026-11-20T13:00:00+09:00,registered,ichiro01,78901234,ichiro01,\n",
            "2026-11-20T13:10:00+09:00,revoked,ichiro01,78901234,taro01,registrable at 2026-11-20T13:40:00+09:00\n",
            "2026-11-20T14:00:00+09:00,registered,ichiro01,34567891,ichiro01,\n",
            "2026-11-20T14:10:00+09:00,bank-revoked,ichiro01,34567891,taro01,bank reference BK-20261120-7; registrable at 2026-11-20T14:40:00+09:00\n",
            "2026-11-20T14:10:00+09:00,lost,,34567891,,\n",
        ))
        .run();
    Test::on(&r)
        .args(["history", "--user", "nobody"])
        .stderr("error: unknown login ID: nobody\n")
        .status(6)
        .run();
}

/// A resync shows in the device's history, as the audit log recorded it.
#[test]
fn history_of_a_device_shows_its_resyncs() {
    let r = Registry::demo();
    let codes = [
        code_at(NEW_DEVICE_3.1, T1),
        code_at(NEW_DEVICE_3.1, &plus(T1, 30)),
    ];
    r.run(&[
        "resync",
        NEW_DEVICE_3.0,
        "--otp",
        &codes[0],
        "--otp",
        &codes[1],
    ])
    .at(T1)
    .succeeds();
    let json = r
        .run(&["history", "--serial", NEW_DEVICE_3.0, "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(json[1]["event"], "resynced");
    assert_eq!(
        json[1]["detail"],
        "clock offset 0s -> 30s (0 -> 1 step(s)); both codes consumed"
    );
}

/// identify finds a returned device by its code of now (within a step of
/// its learned offset), and exits 6 for a wrong code.
#[test]
fn identify_finds_a_returned_device_and_exits_6_for_a_wrong_code() {
    let r = every_state();
    let now = "2026-11-20T15:00:00+09:00";
    Test::on(&r)
        .args(["identify", "--otp", &code_at(NEW_DEVICE_4.1, now)])
        .at(now)
        .stdout("78901234\n")
        .run();
    Test::on(&r)
        .args([
            "identify",
            "--otp",
            &code_at(NEW_DEVICE_4.1, now),
            "--state",
            "in-stock",
        ])
        .at(now)
        .stderr(format!(
            "error: no device shows {} now (within one step of its learned clock)\n",
            code_at(NEW_DEVICE_4.1, now)
        ))
        .status(6)
        .run();
    // The shared device, 30 s fast as it was learned: its code of now + 30 s.
    Test::on(&r)
        .args([
            "identify",
            "--format",
            "json",
            "--otp",
            &code_at(NEW_DEVICE_2.1, &plus(now, 60)),
        ])
        .at(now)
        .stdout("[\n\"56789012\"\n]\n")
        .run();
    Test::on(&r)
        .args([
            "identify",
            "--format",
            "csv",
            "--otp",
            &code_at(NEW_DEVICE_4.1, now),
        ])
        .at(now)
        .stdout("serial\n78901234\n")
        .run();
    // Nothing is written: a code shown to identify stays usable.
    let before = r.snapshot();
    r.run(&["identify", "--otp", &code_at(NEW_DEVICE_4.1, now)])
        .at(now)
        .succeeds();
    assert_eq!(r.snapshot(), before);
}

/// A lost device is never offered for disposal; a lost shared device must
/// be revoked for all its holders together.
#[test]
fn a_lost_device_is_never_offered_for_disposal() {
    let r = every_state();
    Test::on(&r)
        .args(["dispose-note", NEW_DEVICE_1.0])
        .at(NEW_YEAR)
        .stderr("error: device 34567891 was lost (the bank revoked it as lost); there is nothing to dispose of\n")
        .status(7)
        .run();
    let listed = r
        .run(&["dispose-note", "--format", "json"])
        .at(NEW_YEAR)
        .succeeds()
        .json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["serial"] != NEW_DEVICE_1.0),
        "{listed:#}"
    );
    Test::on(&r)
        .args(["register", "--user", "ichiro01", "--serial", NEW_DEVICE_1.0])
        .args(["--otp", &code_at(NEW_DEVICE_1.1, NEW_YEAR)])
        .at(NEW_YEAR)
        .stderr("error: device 34567891 was lost (the bank revoked it as lost); it cannot be registered\n")
        .status(7)
        .run();
    let before = r.snapshot();
    let at = "2026-11-21T10:00:00+09:00";
    let out = r
        .revoke_as_taro_with_code(
            &code_at(TARO_DEVICE.1, at),
            &["hamako01", "--bank-reference", "BK-2", "--lost"],
        )
        .at(at)
        .output();
    assert_eq!(out.status, 7, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: device 56789012 cannot be recorded as lost while shiro01 still holds it: revoke every holder of a lost device together\n"
    );
    assert_eq!(r.snapshot(), before);
    r.revoke_as_taro_with_code(
        &code_at(TARO_DEVICE.1, &plus(at, 30)),
        &["hamako01", "shiro01", "--bank-reference", "BK-2", "--lost"],
    )
    .at(&plus(at, 30))
    .succeeds();
    let json = r
        .run(&["devices", "--serial", NEW_DEVICE_2.0, "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(json[0]["state"], "lost");
    Test::on(&r)
        .args(["revoke", "--as", "taro01", "taro01", "--lost"])
        .stderr("error: the following required arguments were not provided:\n  --bank-reference <REF>\n\nUsage: tokenctl revoke --as <MASTER> --bank-reference <REF> --lost <LOGIN_ID>...\n\nFor more information, try '--help'.\n")
        .status(2)
        .run();
}

/// The attacker's view of a lost device: clearing `lost_at` with the
/// sqlite3 shell, without the key, does not make it registrable or
/// disposable again: exit 9, nothing written, and `check` names the row.
#[test]
fn a_lost_mark_cleared_outside_tokenctl_is_refused() {
    let r = every_state();
    r.sqlite3(&format!(
        "UPDATE devices SET lost_at = NULL WHERE serial = '{}'",
        NEW_DEVICE_1.0
    ));
    let before = r.snapshot();
    let altered = "error: the registry was altered outside tokenctl (devices row 3 does not verify \
                   with the key); nothing was written; run `tokenctl check`\n";
    Test::on(&r)
        .args(["register", "--user", "ichiro01", "--serial", NEW_DEVICE_1.0])
        .args(["--otp", &code_at(NEW_DEVICE_1.1, NEW_YEAR)])
        .at(NEW_YEAR)
        .stderr(altered)
        .status(9)
        .run();
    Test::on(&r)
        .args(["dispose-note", NEW_DEVICE_1.0, "--mark-disposed"])
        .at(NEW_YEAR)
        .stderr(altered)
        .status(9)
        .run();
    assert_eq!(r.snapshot(), before, "nothing was written");
    Test::on(&r)
        .args(["check"])
        .at(NEW_YEAR)
        // Its stdout is where the registry stands (a random ID and head,
        // pinned by the operations tests); the finding is on stderr.
        .stdout_with(|_| {})
        .stderr(
            "check: row: devices row 3 (34567891) was changed or inserted outside tokenctl: its MAC does not verify\n",
        )
        .status(9)
        .run();
}
