//! `dispose-note`: the notice for devices out of use (no holder in service,
//! and replaced by a newer registration or expired), its refusals, and
//! `--mark-disposed`, after which the device is never registered again.

use serde_json::{Value, json};

use crate::common::*;

/// hamako01's revocation on the demo Friday, before 20:30: registrable 30
/// minutes later.
const REVOKED: &str = "2026-11-20T12:00:00+09:00";
const REGISTRABLE: &str = "2026-11-20T12:30:00+09:00";
const LATER: &str = "2026-11-20T15:00:00+09:00";

const OLD: &str = "45678909";

/// Registers `device` for `user` at `at` with the code it shows then.
fn register(r: &Registry, user: &str, device: (&str, &str), at: &str) -> Out {
    let code = code_at(device.1, at);
    r.run(&[
        "register", "--user", user, "--serial", device.0, "--otp", &code,
    ])
    .at(at)
    .output()
}

/// The demo registry after hamako01 moved from 45678909 to 34567891.
fn replaced() -> Registry {
    let r = Registry::demo();
    let out = r.revoke_as_taro(&["hamako01"], REVOKED);
    assert_eq!(out.status, 0, "{out:#?}");
    let out = register(&r, "hamako01", NEW_DEVICE_1, REGISTRABLE);
    assert_eq!(out.status, 0, "{out:#?}");
    r
}

fn note(r: &Registry, at: &str, extra: &[&str]) -> Value {
    let mut args = vec!["dispose-note", "--format", "json"];
    args.extend_from_slice(extra);
    r.run(&args).at(at).succeeds().json()
}

fn audit(r: &Registry) -> Vec<Value> {
    r.run(&["audit", "--format", "json"])
        .succeeds()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

fn dispose_rows(r: &Registry) -> Vec<Value> {
    audit(r)
        .into_iter()
        .filter(|a| a["action"] == "dispose")
        .collect()
}

fn replaced_note(disposed_at: Option<&str>) -> Value {
    json!({
        "serial": OLD,
        "former_users": ["hamako01"],
        "replaced_by": NEW_DEVICE_1.0,
        "out_of_use_since": REGISTRABLE,
        "disposed_at": disposed_at,
    })
}

#[test]
fn a_replaced_device_gets_a_notice_with_exact_json() {
    let r = replaced();
    assert_eq!(note(&r, LATER, &[OLD]), json!([replaced_note(None)]));
    // Without serials: every device out of use, here only that one.
    assert_eq!(note(&r, LATER, &[]), json!([replaced_note(None)]));
}

#[test]
fn the_english_notice_gives_the_disposal_guidance() {
    let r = replaced();
    let transcript = r.run(&["dispose-note", OLD]).at(LATER).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Device 45678909: out of use since 2026-11-20 12:30:00 JST
          former users: hamako01
          replaced by:  34567891
          disposed of:  not yet

        The organisation disposes of devices that are out of use itself; the bank does not collect them. Each device has a built-in battery, so put it out as your municipality's rules for battery-containing waste require.
        ");
}

#[test]
fn the_japanese_notice_gives_the_disposal_guidance() {
    let r = replaced();
    let transcript = r
        .run(&["dispose-note", OLD, "--lang", "ja"])
        .at(LATER)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        パスワード生成機 45678909：2026年11月20日 12時30分 から使用されていません
          これまでの利用者：hamako01
          後継の生成機：　　34567891
          廃棄：　　　　　　未

        使用を終えたパスワード生成機は、銀行への返却ではなく団体で処分します。本体に電池が入っているため、所在地の市区町村が定める分別・回収の方法に従って出してください。
        ");
    // TOKENCTL_LANG chooses the language too: the very same notice.
    let japanese = transcript;
    let transcript = r
        .run(&["dispose-note", OLD])
        .env("TOKENCTL_LANG", "ja")
        .at(LATER)
        .transcript();
    assert_eq!(transcript, japanese);
}

#[test]
fn csv_has_a_header_and_no_table_borders() {
    let r = replaced();
    let out = r
        .run(&["dispose-note", "--format", "csv"])
        .at(LATER)
        .succeeds();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "serial,former_users,replaced_by,out_of_use_since,disposed_at",
            "45678909,hamako01,34567891,2026-11-20T12:30:00+09:00,",
        ]
    );
}

#[test]
fn without_serials_every_device_out_of_use_and_not_yet_disposed() {
    let r = replaced();
    // More states: a delivered device that expired unused, and one that
    // expires later.
    r.run(&["import", "devices", "-"])
        .stdin(
            "serial,secret,expires
9001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-11-19
9002,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-12-31
",
        )
        .succeeds();
    let at = "2026-11-20T16:00:00+09:00";
    let json = note(&r, at, &[]);
    assert_eq!(
        json,
        json!([
            replaced_note(None),
            {
                "serial": "9001",
                "former_users": [],
                "replaced_by": null,
                "out_of_use_since": "2026-11-20T00:00:00+09:00",
                "disposed_at": null,
            },
        ])
    );
    // Once marked, a device leaves the default list.
    r.run(&["dispose-note", "9001", "--mark-disposed"])
        .at(at)
        .succeeds();
    assert_eq!(note(&r, at, &[]), json!([replaced_note(None)]));
}

#[test]
fn nothing_out_of_use_is_an_empty_notice() {
    let r = Registry::demo();
    let json = note(&r, LATER, &[]);
    assert_eq!(json, json!([]));
    let table = r.run(&["dispose-note"]).at(LATER).transcript();
    insta::assert_snapshot!(table, @"exit 0");
    let before = r.snapshot();
    let transcript = r
        .run(&["dispose-note", "--mark-disposed"])
        .at(LATER)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: --mark-disposed needs the serials to mark, or --all for every device out of use
        ");
    assert_eq!(r.snapshot(), before);
    r.run(&["dispose-note", "--mark-disposed", "--all"])
        .at(LATER)
        .succeeds();
    assert!(dispose_rows(&r).is_empty());
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_device_still_in_service_is_refused_naming_who_uses_it() {
    let r = Registry::demo();
    let before = r.snapshot();
    for extra in [&[][..], &["--mark-disposed"][..]] {
        let mut args = vec!["dispose-note", "23456789"];
        args.extend_from_slice(extra);
        let transcript = r.run(&args).at(LATER).transcript();
        insta::allow_duplicates! { insta::assert_snapshot!(transcript, @"
            exit 7
            [stderr]
            error: device 23456789 is still in service with taro01; it cannot be disposed of
            "); }
    }
    // Still refused once expired: it is still in someone's hands.
    let transcript = r
        .run(&["dispose-note", "23456789", "--mark-disposed"])
        .at("2027-01-10T12:00:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 23456789 is still in service with taro01; it cannot be disposed of
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_shared_device_is_out_of_use_only_when_its_last_holder_moves_on() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\njiro02,Jiro,general,true,45678909\n")
        .succeeds();
    // hamako01 moves to the new device; jiro02 still uses the old one.
    let out = r.revoke_as_taro(&["hamako01"], REVOKED);
    assert_eq!(out.status, 0, "{out:#?}");
    let out = register(&r, "hamako01", NEW_DEVICE_1, REGISTRABLE);
    assert_eq!(out.status, 0, "{out:#?}");
    let before = r.snapshot();
    let refused = r
        .run(&["dispose-note", OLD, "--mark-disposed"])
        .at(LATER)
        .transcript();
    // Only jiro02 still holds it: hamako01 moved on.
    insta::assert_snapshot!(refused, @"
        exit 7
        [stderr]
        error: device 45678909 is still in service with jiro02; it cannot be disposed of
        ");
    assert_eq!(r.snapshot(), before);
    assert_eq!(note(&r, LATER, &[]), json!([]));

    // jiro02 then registers the same new device (a shared one), at a later
    // step than hamako01's code.
    let out = r.revoke_as_taro(&["jiro02"], "2026-11-20T13:00:00+09:00");
    assert_eq!(out.status, 0, "{out:#?}");
    // Revoked, not yet replaced: still not out of use.
    let transcript = r
        .run(&["dispose-note", OLD])
        .at("2026-11-20T13:10:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 45678909 is not out of use yet: hamako01, jiro02 revoked it but has not registered a new device; it goes out of use once replaced, or after it expires on 2026-12-30
        ");
    let out = register(&r, "jiro02", NEW_DEVICE_1, "2026-11-20T13:30:00+09:00");
    assert_eq!(out.status, 0, "{out:#?}");
    let expected = json!([{
        "serial": OLD,
        "former_users": ["hamako01", "jiro02"],
        "replaced_by": NEW_DEVICE_1.0,
        "out_of_use_since": "2026-11-20T13:30:00+09:00",
        "disposed_at": null,
    }]);
    assert_eq!(note(&r, LATER, &[OLD]), expected);
    assert_eq!(note(&r, LATER, &[]), expected);
}

#[test]
fn a_revoked_but_not_yet_replaced_device_is_refused_until_it_expires() {
    let r = Registry::demo();
    let out = r.revoke_as_taro(&["hamako01"], REVOKED);
    assert_eq!(out.status, 0, "{out:#?}");
    let before = r.snapshot();
    for at in [LATER, "2026-12-30T23:59:59+09:00", "2026-12-30T14:59:59Z"] {
        let transcript = r
            .run(&["dispose-note", OLD, "--mark-disposed"])
            .at(at)
            .transcript();
        insta::allow_duplicates! { insta::assert_snapshot!(transcript, @"
            exit 7
            [stderr]
            error: device 45678909 is not out of use yet: hamako01 revoked it but has not registered a new device; it goes out of use once replaced, or after it expires on 2026-12-30
            "); }
        assert_eq!(note(&r, at, &[]), json!([]), "at {at}");
    }
    assert_eq!(r.snapshot(), before);
    // From midnight in Japan after its expiry date, it is out of use.
    let expected = json!([{
        "serial": OLD,
        "former_users": ["hamako01"],
        "replaced_by": null,
        "out_of_use_since": "2026-12-31T00:00:00+09:00",
        "disposed_at": null,
    }]);
    for at in ["2026-12-31T00:00:00+09:00", "2026-12-30T15:00:00Z"] {
        assert_eq!(note(&r, at, &[OLD]), expected, "at {at}");
        assert_eq!(note(&r, at, &[]), expected, "at {at}");
    }
}

#[test]
fn a_never_used_device_is_refused_until_it_expires() {
    let r = Registry::demo();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n9001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-12-30\n")
        .succeeds();
    let before = r.snapshot();
    // A delivered device not yet registered by anyone.
    let transcript = r
        .run(&["dispose-note", NEW_DEVICE_2.0])
        .at(LATER)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 56789012 is not out of use: it has never been registered and has not expired
        ");
    let transcript = r
        .run(&["dispose-note", "9001"])
        .at("2026-12-30T23:59:59+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 9001 is not out of use: it has never been registered and has not expired
        ");
    assert_eq!(r.snapshot(), before);
    let json = note(&r, "2026-12-31T00:00:00+09:00", &["9001"]);
    assert_eq!(
        json,
        json!([{
            "serial": "9001",
            "former_users": [],
            "replaced_by": null,
            "out_of_use_since": "2026-12-31T00:00:00+09:00",
            "disposed_at": null,
        }])
    );
}

#[test]
fn an_unknown_serial_is_not_found_and_changes_nothing() {
    let r = replaced();
    let before = r.snapshot();
    // All or nothing: with it, the known, disposable device is not marked
    // either.
    for args in [&["00000000"][..], &[OLD, "00000000", "--mark-disposed"]] {
        Test::on(&r)
            .arg("dispose-note")
            .args(args.iter().copied())
            .at(LATER)
            .status(6)
            .stderr("error: unknown serial number: 00000000 (no delivery contains it)\n")
            .run();
    }
    let transcript = r
        .run(&["dispose-note", OLD, "23456789", "--mark-disposed"])
        .at(LATER)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 23456789 is still in service with taro01; it cannot be disposed of
        ");
    assert_eq!(r.snapshot(), before);
    assert!(dispose_rows(&r).is_empty());
}

#[test]
fn mark_disposed_records_the_disposal_once_with_an_audit_row() {
    let r = replaced();
    let at = "2026-11-21T10:00:00+09:00";
    let json = note(&r, at, &[OLD, "--mark-disposed"]);
    assert_eq!(
        json,
        json!([replaced_note(Some("2026-11-21T10:00:00+09:00"))])
    );

    let rows = dispose_rows(&r);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["at"], "2026-11-21T10:00:00+09:00");
    assert_eq!(rows[0]["targets"], json!([OLD]));
    assert_eq!(rows[0]["outcome"], "ok");
    assert_eq!(rows[0]["clock_fixed"], true);
    assert_eq!(audit(&r)[0]["action"], "dispose", "newest first");

    // The notice of a disposed device shows when.
    assert_eq!(
        note(&r, LATER, &[OLD]),
        json!([replaced_note(Some("2026-11-21T10:00:00+09:00"))])
    );
    let transcript = r.run(&["dispose-note", OLD]).at(LATER).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Device 45678909: out of use since 2026-11-20 12:30:00 JST
          former users: hamako01
          replaced by:  34567891
          disposed of:  2026-11-21 10:00:00 JST

        The organisation disposes of devices that are out of use itself; the bank does not collect them. Each device has a built-in battery, so put it out as your municipality's rules for battery-containing waste require.
        ");

    // A second disposal is refused and changes nothing.
    let before = r.snapshot();
    let transcript = r
        .run(&["dispose-note", OLD, "--mark-disposed"])
        .at("2026-11-22T10:00:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 45678909 was already recorded as disposed of on 2026-11-21 10:00:00 JST
        ");
    assert_eq!(r.snapshot(), before);
    assert_eq!(dispose_rows(&r).len(), 1);
}

#[test]
fn mark_disposed_without_serials_marks_every_device_out_of_use() {
    let r = replaced();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n9001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-11-01\n")
        .succeeds();
    let json = note(&r, LATER, &["--mark-disposed", "--all"]);
    let serials: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials, [OLD, "9001"]);
    for n in json.as_array().unwrap() {
        assert_eq!(n["disposed_at"], "2026-11-20T15:00:00+09:00", "{n}");
    }
    let mut targets: Vec<Value> = dispose_rows(&r)
        .into_iter()
        .map(|a| a["targets"].clone())
        .collect();
    targets.sort_by_key(|t| t.to_string());
    assert_eq!(targets, [json!([OLD]), json!(["9001"])]);
    // Nothing is left to dispose of.
    assert_eq!(note(&r, LATER, &[]), json!([]));
}

#[test]

fn a_serial_named_twice_is_disposed_of_once() {
    let r = replaced();
    let out = r
        .run(&[
            "dispose-note",
            OLD,
            OLD,
            "--mark-disposed",
            "--format",
            "json",
        ])
        .at(LATER)
        .output();
    match out.status {
        0 => {
            assert_eq!(out.json().as_array().unwrap().len(), 1, "{out:#?}");
            assert_eq!(dispose_rows(&r).len(), 1);
        }
        7 => assert!(dispose_rows(&r).is_empty()),
        _ => panic!("unexpected outcome: {out:#?}"),
    }
}

#[test]
fn a_disposed_device_is_never_registered_again() {
    let r = replaced();
    r.run(&["dispose-note", OLD, "--mark-disposed"])
        .at(LATER)
        .succeeds();
    let before_state = all_but_the_audit(&r);
    // shiro01 (revoked, free to register) tries the disposed device.
    let code = code_at(HAMAKO_DEVICE.1, "2026-11-20T15:10:00+09:00");
    let transcript = r
        .run(&[
            "register", "--user", "shiro01", "--serial", OLD, "--otp", &code,
        ])
        .at("2026-11-20T15:10:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 45678909 was disposed of on 2026-11-20 15:00:00 JST; it can never be registered again
        ");
    assert_eq!(all_but_the_audit(&r), before_state);
    assert_eq!(audited(&r, "refused"), 1, "the refusal is audited");
    // So does its former user, revoked again and past registrable-at.
    let out = r.revoke_as_taro(&["hamako01"], "2026-11-24T10:00:00+09:00");
    assert_eq!(out.status, 0, "{out:#?}");
    let before_register = all_but_the_audit(&r);
    let out = register(&r, "hamako01", HAMAKO_DEVICE, "2026-11-24T10:30:00+09:00");
    insta::assert_snapshot!(out.transcript(&r), @"
        exit 7
        [stderr]
        error: device 45678909 was disposed of on 2026-11-20 15:00:00 JST; it can never be registered again
        ");
    assert_eq!(all_but_the_audit(&r), before_register);
    let before_hamako = r.snapshot();
    // Nor bound to a user by an import.
    let transcript = r
        .run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nnew01,New,general,true,45678909\n")
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 2: device "45678909" has been disposed of; nothing was imported
        "#);
    assert_eq!(r.snapshot(), before_hamako);
    let list = r.listed("hamako01");
    assert_eq!(list[0]["status"], "revoked");
}

/// Regression: a second former holder registering later used to move the
/// device's "out of use since" and "replaced by" to its own registration.
#[test]
fn the_first_replacement_is_the_one_that_retired_the_device() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\njiro02,Jiro,general,true,45678909\n")
        .succeeds();
    assert_eq!(r.revoke_as_taro(&["hamako01", "jiro02"], REVOKED).status, 0);
    register(&r, "hamako01", NEW_DEVICE_1, REGISTRABLE);
    let later = "2026-11-20T13:00:00+09:00";
    let out = register(&r, "jiro02", NEW_DEVICE_2, later);
    assert_eq!(out.status, 0, "{out:#?}");
    let notes = note(&r, later, &[OLD]);
    assert_eq!(notes[0]["out_of_use_since"], REGISTRABLE);
    assert_eq!(notes[0]["replaced_by"], NEW_DEVICE_1.0);
    assert_eq!(notes[0]["former_users"], json!(["hamako01", "jiro02"]));
}

/// Regression: a device replaced after it expired is out of use since the
/// end of its expiry date, not since the late registration.
#[test]
fn a_device_replaced_after_expiry_is_out_of_use_since_it_expired() {
    let r = Registry::demo();
    assert_eq!(
        r.revoke_as_taro(&["hamako01"], "2026-12-20T12:00:00+09:00")
            .status,
        0
    );
    let out = register(&r, "hamako01", NEW_DEVICE_1, "2027-01-05T12:00:00+09:00");
    assert_eq!(out.status, 0, "{out:#?}");
    let notes = note(&r, "2027-01-05T12:00:00+09:00", &[OLD]);
    assert_eq!(notes[0]["out_of_use_since"], "2026-12-31T00:00:00+09:00");
    assert_eq!(notes[0]["replaced_by"], NEW_DEVICE_1.0);
}

#[test]
fn a_revoked_device_not_yet_replaced_says_who_must_register() {
    let r = Registry::demo();
    assert_eq!(r.revoke_as_taro(&["hamako01"], REVOKED).status, 0);
    let transcript = r.run(&["dispose-note", OLD]).at(LATER).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 45678909 is not out of use yet: hamako01 revoked it but has not registered a new device; it goes out of use once replaced, or after it expires on 2026-12-30
        ");
}

/// Regression: midnight after 1 May 1948 never happened in Japan (daylight
/// saving time began), and computing when such a device expired panicked.
#[test]
fn a_device_expiring_1948_05_01_goes_out_of_use_at_the_daylight_saving_midnight() {
    let r = Registry::init();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nold48,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,1948-05-01\n")
        .succeeds();
    let notes = r
        .run(&["dispose-note", "--format", "json"])
        .at(NOON_FRIDAY)
        .succeeds()
        .json();
    assert_eq!(notes[0]["serial"], "old48");
    // 1 May 1948 24:00 was 2 May 01:00 daylight time (UTC+10).
    assert_eq!(notes[0]["out_of_use_since"], "1948-05-02T01:00:00+10:00");
    let transcript = r.run(&["dispose-note"]).at(NOON_FRIDAY).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Device old48: out of use since 1948-05-02 01:00:00 JDT
          former users: -
          replaced by:  - (expired)
          disposed of:  not yet

        The organisation disposes of devices that are out of use itself; the bank does not collect them. Each device has a built-in battery, so put it out as your municipality's rules for battery-containing waste require.
        ");
}
