//! `register`: serial plus current code, no earlier than the registrable-at
//! instant, with the same window, replay guard and lockout as `revoke`.

use crate::common::*;

const TUESDAY_OPEN: &str = "2026-11-24T08:10:00+09:00";

fn register(r: &Registry, user: &str, (serial, secret): (&str, &str), at: &str) -> Run {
    let code = code_at(secret, at);
    r.run(&[
        "register", "--user", user, "--serial", serial, "--otp", &code, "--format", "json",
    ])
    .at(at)
}

/// The demo with hamako01 revoked on Friday night (registrable Tuesday 08:10).
fn revoked_on_friday_night() -> Registry {
    let r = Registry::demo();
    let out = r.revoke_as_taro(&["hamako01"], FRIDAY_NIGHT);
    assert_eq!(out.status, 0, "{out:#?}");
    r
}

#[test]
fn registration_opens_at_0810_to_the_second() {
    let r = revoked_on_friday_night();
    let before = all_but_the_audit(&r);
    let transcript =
        register(&r, "hamako01", NEW_DEVICE_2, "2026-11-24T08:09:59+09:00").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 5
        [stderr]
        error: too early: hamako01 may register a device from 2026-11-24 08:10:00 JST, 1 second from now
        ");
    let transcript =
        register(&r, "hamako01", NEW_DEVICE_2, "2026-11-23T10:00:00+09:00").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 5
        [stderr]
        error: too early: hamako01 may register a device from 2026-11-24 08:10:00 JST, 22 hours 10 minutes from now
        ");
    assert_eq!(
        all_but_the_audit(&r),
        before,
        "a refusal for being early changes nothing"
    );
    // But both attempts are in the audit (issue 21, item 8).
    assert_eq!(audited(&r, "refused"), 2);

    let json = register(&r, "hamako01", NEW_DEVICE_2, TUESDAY_OPEN)
        .succeeds()
        .json();
    assert_eq!(
        json,
        serde_json::json!({
            "login_id": "hamako01",
            "serial": "56789012",
            "registered_at": "2026-11-24T08:10:00+09:00",
            "expires": "2031-11-30",
            "previous_serial": "45678909",
        })
    );
    let list = r.listed("hamako01");
    assert_eq!(list[0]["status"], "active");
    assert_eq!(list[0]["serial"], "56789012");
    assert_eq!(list[0]["registrable_at"], serde_json::Value::Null);
}

#[test]
fn a_daytime_revocation_opens_thirty_minutes_later() {
    let r = Registry::demo();
    let noon = "2026-11-20T12:00:00+09:00";
    assert_eq!(r.revoke_as_taro(&["hamako01"], noon).status, 0);
    let transcript =
        register(&r, "hamako01", NEW_DEVICE_2, "2026-11-20T12:29:59+09:00").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 5
        [stderr]
        error: too early: hamako01 may register a device from 2026-11-20 12:30:00 JST, 1 second from now
        ");
    register(&r, "hamako01", NEW_DEVICE_2, "2026-11-20T12:30:00+09:00").succeeds();
}

#[test]
fn a_user_never_registered_may_register_at_once() {
    let r = Registry::demo();
    let json = register(&r, "shiro01", NEW_DEVICE_3, FRIDAY_NIGHT)
        .succeeds()
        .json();
    assert_eq!(json["previous_serial"], serde_json::Value::Null);
}

#[test]
fn each_refusal_has_its_exit_code_and_changes_nothing() {
    let r = revoked_on_friday_night();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nnootp01,No OTP,general,false\n")
        .succeeds();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nold1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-11-23\n")
        .succeeds();
    let at = TUESDAY_OPEN;
    let before = all_but_the_audit(&r);
    let attempt = |user: &str, serial: &str, code: &str| {
        r.run(&[
            "register", "--user", user, "--serial", serial, "--otp", code,
        ])
        .at(at)
    };
    let good = code_at(NEW_DEVICE_2.1, at);
    let transcript = attempt("ghost01", NEW_DEVICE_2.0, &good).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: unknown login ID: ghost01
        ");
    let transcript = attempt("nootp01", NEW_DEVICE_2.0, &good).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: nootp01 does not use one-time passwords; there is nothing to register
        ");
    let transcript = attempt("taro01", NEW_DEVICE_2.0, &good).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: taro01 already has device 23456789 in service; a master user must revoke it first
        ");
    let transcript = attempt("hamako01", "00000000", &good).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: unknown serial number: 00000000 (no delivery contains it)
        ");
    let transcript = attempt("hamako01", "old1", &good).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device old1 expired on 2026-11-23; register the new device the bank delivered
        ");
    let transcript = attempt("hamako01", NEW_DEVICE_2.0, "12345").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: the one-time code must have 6 digits, got 5
        ");
    let transcript = attempt("hamako01", NEW_DEVICE_2.0, "abcdef").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: the one-time code must be 6 digits only
        ");
    assert_eq!(
        all_but_the_audit(&r),
        before,
        "none of these is a verification failure"
    );
    // The refusals by a rule (no OTP, revoke first, expired) are audited.
    assert_eq!(audited(&r, "refused"), 3);
    let wrong = format!("{:06}", (good.parse::<u32>().unwrap() + 1) % 1_000_000);
    let transcript = attempt("hamako01", NEW_DEVICE_2.0, &wrong).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the one-time code is wrong for device 56789012; enter the code the device shows now
        error: failed verification 1 of 5 for hamako01: 4 more and hamako01 is locked
        ");
    let list = r.listed("hamako01");
    assert_eq!(list[0]["status"], "revoked");
}

#[test]
fn without_a_terminal_a_missing_code_is_an_error_not_a_hang() {
    let r = Registry::demo();
    let transcript = r
        .run(&["register", "--user", "shiro01", "--serial", NEW_DEVICE_3.0])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: a one-time code is required and there is no terminal to ask on; pass it with --otp
        ");
}

#[test]
fn a_shared_device_is_registered_by_each_user_with_a_fresh_code() {
    let r = Registry::demo();
    let at = FRIDAY_NIGHT;
    register(&r, "shiro01", NEW_DEVICE_3, at).succeeds();
    // ichiro01 types the very code shiro01 just used: a replay.
    let transcript = register(&r, "ichiro01", NEW_DEVICE_3, at).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the one-time code was already used for device 67890123; wait for the device's next code and try again
        error: failed verification 1 of 5 for ichiro01: 4 more and ichiro01 is locked
        ");
    let next = plus(at, 30);
    register(&r, "ichiro01", NEW_DEVICE_3, &next).succeeds();
    let holders = r
        .run(&["list", "--serial", NEW_DEVICE_3.0, "--format", "json"])
        .succeeds()
        .json();
    let ids: Vec<_> = holders
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login_id"].clone())
        .collect();
    assert_eq!(ids, ["shiro01", "ichiro01"]);
}

#[test]
fn five_failed_codes_lock_the_user_and_unlock_clears_it() {
    let r = Registry::demo();
    let at = FRIDAY_NIGHT;
    let wrong = |n: u32| {
        format!(
            "{:06}",
            (code_at(NEW_DEVICE_3.1, at).parse::<u32>().unwrap() + n) % 1_000_000
        )
    };
    for n in 1..=4 {
        let transcript = r
            .run(&[
                "register",
                "--user",
                "shiro01",
                "--serial",
                NEW_DEVICE_3.0,
                "--otp",
                &wrong(n),
            ])
            .at(at)
            .transcript();
        assert_eq!(
            transcript,
            format!(
                "exit 3\n[stderr]\n\
                 error: the one-time code is wrong for device 67890123; enter the code the device shows now\n\
                 error: failed verification {n} of 5 for shiro01: {} more and shiro01 is locked\n",
                5 - n
            )
        );
    }
    let transcript = r
        .run(&[
            "register",
            "--user",
            "shiro01",
            "--serial",
            NEW_DEVICE_3.0,
            "--otp",
            &wrong(5),
        ])
        .at(at)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the one-time code is wrong for device 67890123; enter the code the device shows now
        error: shiro01 is now locked; another master must run `tokenctl unlock shiro01 --as MASTER`, or, when no master can sign, `tokenctl unlock shiro01 --recovery` with the key file
        ");
    let transcript = register(&r, "shiro01", NEW_DEVICE_3, at).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 4
        [stderr]
        error: shiro01 is locked after repeated failed verifications; another master must run `tokenctl unlock shiro01 --as MASTER`, or, when no master can sign, `tokenctl unlock shiro01 --recovery` with the key file
        ");
    let transcript = r
        .run(&[
            "unlock",
            "shiro01",
            "--as",
            "taro01",
            "--otp",
            &code_at(TARO_DEVICE.1, at),
            "--password-stdin",
        ])
        .stdin(DEMO_PASSWORD)
        .at(at)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Unlocked shiro01 (taro01).
        ");
    register(&r, "shiro01", NEW_DEVICE_3, at).succeeds();
}

#[test]
fn the_previous_device_goes_out_of_use_only_when_no_one_holds_it() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nhanako02,Shares 45678909,general,true,45678909\n")
        .succeeds();
    let noon = "2026-11-20T12:00:00+09:00";
    assert_eq!(r.revoke_as_taro(&["hamako01"], noon).status, 0);
    let later = "2026-11-20T12:30:00+09:00";
    register(&r, "hamako01", NEW_DEVICE_2, later).succeeds();
    // hanako02 still holds 45678909: not out of use.
    let notes = r
        .run(&["dispose-note", "--format", "json"])
        .at(later)
        .succeeds()
        .json();
    assert_eq!(notes, serde_json::json!([]));
    let transcript = r
        .run(&["dispose-note", HAMAKO_DEVICE.0])
        .at(later)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device 45678909 is still in service with hanako02; it cannot be disposed of
        ");

    assert_eq!(
        r.revoke_as_taro(&["hanako02"], "2026-11-20T13:00:00+09:00")
            .status,
        0
    );
    register(&r, "hanako02", NEW_DEVICE_1, "2026-11-20T13:30:00+09:00").succeeds();
    let notes = r
        .run(&["dispose-note", "--format", "json"])
        .at(later)
        .succeeds()
        .json();
    assert_eq!(notes[0]["serial"], HAMAKO_DEVICE.0);
    assert_eq!(
        notes[0]["former_users"],
        serde_json::json!(["hamako01", "hanako02"])
    );
    assert_eq!(notes[0]["replaced_by"], NEW_DEVICE_1.0);
    assert_eq!(notes[0]["out_of_use_since"], "2026-11-20T13:30:00+09:00");
}

#[test]
fn registering_the_same_device_again_keeps_it_in_use() {
    let r = Registry::demo();
    assert_eq!(
        r.revoke_as_taro(&["hamako01"], "2026-11-20T12:00:00+09:00")
            .status,
        0
    );
    let json = register(&r, "hamako01", HAMAKO_DEVICE, "2026-11-20T12:30:00+09:00")
        .succeeds()
        .json();
    assert_eq!(json["previous_serial"], HAMAKO_DEVICE.0);
    let notes = r
        .run(&["dispose-note", "--format", "json"])
        .at("2026-11-20T12:30:00+09:00")
        .succeeds()
        .json();
    assert_eq!(notes, serde_json::json!([]));
}

#[test]
fn registration_is_audited_without_the_code() {
    let r = Registry::demo();
    let code = code_at(NEW_DEVICE_3.1, FRIDAY_NIGHT);
    register(&r, "shiro01", NEW_DEVICE_3, FRIDAY_NIGHT).succeeds();
    let audit = r
        .run(&["audit", "--format", "json", "--limit", "1"])
        .succeeds()
        .json();
    assert_eq!(audit[0]["action"], "register");
    assert_eq!(audit[0]["actor"], "shiro01");
    assert_eq!(audit[0]["targets"], serde_json::json!(["shiro01"]));
    // Substring on purpose: the code appears in no field.
    assert!(!audit.to_string().contains(&code));
}

/// Codes computed by an independent implementation are accepted for the
/// current step and one either side, and refused two steps away, for every
/// algorithm, both lengths and both periods.
#[test]
fn the_code_window_is_one_step_either_side_for_every_device_kind() {
    let r = Registry::init();
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    let kinds: Vec<(&str, u32, u64)> = ["SHA1", "SHA256", "SHA512"]
        .iter()
        .flat_map(|alg| [(6, 30), (8, 30), (6, 60), (8, 60)].map(|(d, p)| (*alg, d, p)))
        .collect();
    let mut devices = String::from("serial,secret,expires,digits,period,algorithm\n");
    let mut users = String::from("login_id,name,role,otp_required\n");
    for (alg, digits, period) in &kinds {
        let serial = format!("{alg}-{digits}-{period}");
        devices.push_str(&format!(
            "{serial},{secret},2099-12-31,{digits},{period},{alg}\n"
        ));
        for who in ["a", "b", "c", "d"] {
            users.push_str(&format!("{serial}-{who},Tester,general,true\n"));
        }
    }
    r.run(&["import", "devices", "-"])
        .stdin(&devices)
        .succeeds();
    r.run(&["import", "users", "-"]).stdin(&users).succeeds();
    // 15 s into a 30 s step and into a 60 s step.
    let now = "2026-11-20T03:00:15Z";
    let t = unix(now);
    let mut transcripts = String::new();
    for (alg, digits, period) in &kinds {
        let serial = format!("{alg}-{digits}-{period}");
        let code = |steps: i64| {
            totp(
                secret,
                alg,
                *digits,
                *period,
                (t as i64 + steps * *period as i64) as u64,
            )
        };
        let try_code = |who: &str, steps: i64| {
            r.run(&[
                "register",
                "--user",
                &format!("{serial}-{who}"),
                "--serial",
                &serial,
                "--otp",
                &code(steps),
            ])
            .at(now)
        };
        let transcript = try_code("d", -2).transcript();
        transcripts.push_str(&format!("{serial} -2: {transcript}"));
        let transcript = try_code("d", 2).transcript();
        transcripts.push_str(&format!("{serial} +2: {transcript}"));
        // Oldest first, so the replay guard never sees an older step.
        try_code("a", -1).succeeds();
        try_code("b", 0).succeeds();
        try_code("c", 1).succeeds();
    }
    insta::assert_snapshot!(transcripts, @"
        SHA1-6-30 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-6-30; enter the code the device shows now
        error: device SHA1-6-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA1-6-30` with two consecutive codes
        error: failed verification 1 of 5 for SHA1-6-30-d: 4 more and SHA1-6-30-d is locked
        SHA1-6-30 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-6-30; enter the code the device shows now
        error: device SHA1-6-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA1-6-30` with two consecutive codes
        error: failed verification 2 of 5 for SHA1-6-30-d: 3 more and SHA1-6-30-d is locked
        SHA1-8-30 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-8-30; enter the code the device shows now
        error: device SHA1-8-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA1-8-30` with two consecutive codes
        error: failed verification 1 of 5 for SHA1-8-30-d: 4 more and SHA1-8-30-d is locked
        SHA1-8-30 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-8-30; enter the code the device shows now
        error: device SHA1-8-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA1-8-30` with two consecutive codes
        error: failed verification 2 of 5 for SHA1-8-30-d: 3 more and SHA1-8-30-d is locked
        SHA1-6-60 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-6-60; enter the code the device shows now
        error: device SHA1-6-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA1-6-60` with two consecutive codes
        error: failed verification 1 of 5 for SHA1-6-60-d: 4 more and SHA1-6-60-d is locked
        SHA1-6-60 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-6-60; enter the code the device shows now
        error: device SHA1-6-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA1-6-60` with two consecutive codes
        error: failed verification 2 of 5 for SHA1-6-60-d: 3 more and SHA1-6-60-d is locked
        SHA1-8-60 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-8-60; enter the code the device shows now
        error: device SHA1-8-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA1-8-60` with two consecutive codes
        error: failed verification 1 of 5 for SHA1-8-60-d: 4 more and SHA1-8-60-d is locked
        SHA1-8-60 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA1-8-60; enter the code the device shows now
        error: device SHA1-8-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA1-8-60` with two consecutive codes
        error: failed verification 2 of 5 for SHA1-8-60-d: 3 more and SHA1-8-60-d is locked
        SHA256-6-30 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-6-30; enter the code the device shows now
        error: device SHA256-6-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA256-6-30` with two consecutive codes
        error: failed verification 1 of 5 for SHA256-6-30-d: 4 more and SHA256-6-30-d is locked
        SHA256-6-30 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-6-30; enter the code the device shows now
        error: device SHA256-6-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA256-6-30` with two consecutive codes
        error: failed verification 2 of 5 for SHA256-6-30-d: 3 more and SHA256-6-30-d is locked
        SHA256-8-30 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-8-30; enter the code the device shows now
        error: device SHA256-8-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA256-8-30` with two consecutive codes
        error: failed verification 1 of 5 for SHA256-8-30-d: 4 more and SHA256-8-30-d is locked
        SHA256-8-30 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-8-30; enter the code the device shows now
        error: device SHA256-8-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA256-8-30` with two consecutive codes
        error: failed verification 2 of 5 for SHA256-8-30-d: 3 more and SHA256-8-30-d is locked
        SHA256-6-60 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-6-60; enter the code the device shows now
        error: device SHA256-6-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA256-6-60` with two consecutive codes
        error: failed verification 1 of 5 for SHA256-6-60-d: 4 more and SHA256-6-60-d is locked
        SHA256-6-60 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-6-60; enter the code the device shows now
        error: device SHA256-6-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA256-6-60` with two consecutive codes
        error: failed verification 2 of 5 for SHA256-6-60-d: 3 more and SHA256-6-60-d is locked
        SHA256-8-60 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-8-60; enter the code the device shows now
        error: device SHA256-8-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA256-8-60` with two consecutive codes
        error: failed verification 1 of 5 for SHA256-8-60-d: 4 more and SHA256-8-60-d is locked
        SHA256-8-60 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA256-8-60; enter the code the device shows now
        error: device SHA256-8-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA256-8-60` with two consecutive codes
        error: failed verification 2 of 5 for SHA256-8-60-d: 3 more and SHA256-8-60-d is locked
        SHA512-6-30 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-6-30; enter the code the device shows now
        error: device SHA512-6-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA512-6-30` with two consecutive codes
        error: failed verification 1 of 5 for SHA512-6-30-d: 4 more and SHA512-6-30-d is locked
        SHA512-6-30 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-6-30; enter the code the device shows now
        error: device SHA512-6-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA512-6-30` with two consecutive codes
        error: failed verification 2 of 5 for SHA512-6-30-d: 3 more and SHA512-6-30-d is locked
        SHA512-8-30 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-8-30; enter the code the device shows now
        error: device SHA512-8-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA512-8-30` with two consecutive codes
        error: failed verification 1 of 5 for SHA512-8-30-d: 4 more and SHA512-8-30-d is locked
        SHA512-8-30 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-8-30; enter the code the device shows now
        error: device SHA512-8-30 shows codes of a clock off by about 1 minute(s); if it is the right device, run `tokenctl resync SHA512-8-30` with two consecutive codes
        error: failed verification 2 of 5 for SHA512-8-30-d: 3 more and SHA512-8-30-d is locked
        SHA512-6-60 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-6-60; enter the code the device shows now
        error: device SHA512-6-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA512-6-60` with two consecutive codes
        error: failed verification 1 of 5 for SHA512-6-60-d: 4 more and SHA512-6-60-d is locked
        SHA512-6-60 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-6-60; enter the code the device shows now
        error: device SHA512-6-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA512-6-60` with two consecutive codes
        error: failed verification 2 of 5 for SHA512-6-60-d: 3 more and SHA512-6-60-d is locked
        SHA512-8-60 -2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-8-60; enter the code the device shows now
        error: device SHA512-8-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA512-8-60` with two consecutive codes
        error: failed verification 1 of 5 for SHA512-8-60-d: 4 more and SHA512-8-60-d is locked
        SHA512-8-60 +2: exit 3
        [stderr]
        error: the one-time code is wrong for device SHA512-8-60; enter the code the device shows now
        error: device SHA512-8-60 shows codes of a clock off by about 2 minute(s); if it is the right device, run `tokenctl resync SHA512-8-60` with two consecutive codes
        error: failed verification 2 of 5 for SHA512-8-60-d: 3 more and SHA512-8-60-d is locked
        ");
}

#[test]
fn the_too_early_message_is_japanese_with_lang_ja() {
    let r = revoked_on_friday_night();
    let at = "2026-11-24T08:00:00+09:00";
    let code = code_at(NEW_DEVICE_2.1, at);
    let out = r
        .run(&[
            "--lang",
            "ja",
            "register",
            "--user",
            "hamako01",
            "--serial",
            NEW_DEVICE_2.0,
            "--otp",
            &code,
        ])
        .at(at)
        .transcript();
    insta::assert_snapshot!(out, @"
        exit 5
        [stderr]
        error: まだ登録できません：hamako01 の利用登録は 2026年11月24日 8時10分 以降に可能です（あと10分）
        ");
    let transcript = r
        .run(&[
            "register",
            "--user",
            "ghost01",
            "--serial",
            NEW_DEVICE_2.0,
            "--otp",
            &code,
        ])
        .env("LANG", "ja_JP.UTF-8")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: ログインIDが見つかりません：ghost01
        ");
}

/// Regression: two registrations of one user at once both committed,
/// leaving two open registrations and a wrongly retired device.
#[test]
fn two_registrations_of_one_user_at_once_commit_one() {
    for _ in 0..4 {
        let r = Registry::demo();
        let at = FRIDAY_NIGHT;
        let racer = |(serial, secret): (&str, &str)| {
            let code = code_at(secret, at);
            r.run(&[
                "register", "--user", "shiro01", "--serial", serial, "--otp", &code,
            ])
            .at(at)
            .spawn()
        };
        let (a, b) = (racer(NEW_DEVICE_1), racer(NEW_DEVICE_3));
        let mut codes = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()]
            .map(|o| o.status.code().unwrap());
        codes.sort();
        assert_eq!(codes, [0, 7], "one registration, one refusal");
        let open = r.query_i64(
            "SELECT count(*) FROM registrations r JOIN users u ON u.id = r.user_id \
             WHERE u.login_id = 'shiro01' AND r.revoked_at IS NULL",
        );
        assert_eq!(open, 1);
    }
}

/// Regression: a disposal recorded while the device was being registered
/// left a user holding a disposed device.
#[test]
fn a_disposal_racing_a_registration_never_leaves_a_disposed_device_in_use() {
    for _ in 0..4 {
        let r = Registry::demo();
        // 45678909 goes out of use, then hamako01 is revoked again and may
        // take it back: the registration and the disposal race.
        assert_eq!(
            r.revoke_as_taro(&["hamako01"], "2026-11-20T12:00:00+09:00")
                .status,
            0
        );
        register(&r, "hamako01", NEW_DEVICE_2, "2026-11-20T12:30:00+09:00").succeeds();
        assert_eq!(
            r.revoke_as_taro(&["hamako01"], "2026-11-20T13:00:00+09:00")
                .status,
            0
        );
        let at = "2026-11-20T13:30:00+09:00";
        let code = code_at(HAMAKO_DEVICE.1, at);
        let registering = r
            .run(&[
                "register",
                "--user",
                "hamako01",
                "--serial",
                HAMAKO_DEVICE.0,
                "--otp",
                &code,
            ])
            .at(at)
            .spawn();
        let disposing = r
            .run(&["dispose-note", HAMAKO_DEVICE.0, "--mark-disposed"])
            .at(at)
            .spawn();
        let mut codes = [
            registering.wait_with_output().unwrap(),
            disposing.wait_with_output().unwrap(),
        ]
        .map(|o| o.status.code().unwrap());
        codes.sort();
        assert_eq!(codes, [0, 7], "one of them wins");
        let held_and_disposed = r.query_i64(
            "SELECT count(*) FROM users u JOIN devices d ON d.id = u.device_id WHERE d.disposed_at IS NOT NULL",
        );
        assert_eq!(held_and_disposed, 0);
    }
}

/// Rule 4 and rule 5 at midnight Japan time: a device is registrable through
/// 23:59:59 JST of its expiry date and not at 00:00:00 (15:00 UTC).
#[test]
fn a_device_is_registrable_until_midnight_japan_time_on_its_expiry_date() {
    let r = Registry::demo();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nlast1,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,2026-12-30\n")
        .succeeds();
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let try_at = |user: &str, at: &str| {
        let code = code_at(secret, at);
        r.run(&[
            "register", "--user", user, "--serial", "last1", "--otp", &code,
        ])
        .at(at)
    };
    try_at("shiro01", "2026-12-30T23:59:59+09:00").succeeds();
    let transcript = try_at("ichiro01", "2026-12-30T15:00:00Z").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: device last1 expired on 2026-12-30; register the new device the bank delivered
        ");
}

/// An unknown serial is said at once, not "too early"
/// (which the user would learn only after waiting).
#[test]
fn an_unknown_serial_is_named_before_too_early() {
    let r = Registry::demo();
    r.revoke_as_taro(&["hamako01"], FRIDAY_NIGHT);
    let monday = "2026-11-23T10:00:00+09:00";
    for (lang, expected) in [
        (
            "en",
            "error: unknown serial number: 99999999 (no delivery contains it)\n",
        ),
        (
            "ja",
            "error: シリアル番号が見つかりません：99999999（どの納品にも含まれていません）\n",
        ),
    ] {
        Test::on(&r)
            .args([
                "--lang", lang, "register", "--user", "hamako01", "--serial", "99999999",
            ])
            .args(["--otp", "123456"])
            .at(monday)
            .status(6)
            .stderr(expected)
            .run();
    }
}
