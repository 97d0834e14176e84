//! `revoke`: master authentication, all-or-nothing bulk revocation, and the
//! registrable-at instant on Japanese business days.

use crate::common::*;

/// A signature refused for a wrong password or code, whole: the `failures`th
/// consecutive failure of taro01 (fewer than five: the fifth locks).
fn wrong_credentials(failures: u32) -> String {
    format!(
        "exit 3
[stderr]
error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
error: failed verification {failures} of 5 for taro01: {} more and taro01 is locked
",
        5 - failures
    )
}

fn revoke_json(r: &Registry, targets: &[&str], at: &str) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(targets);
    r.revoke_as_taro_with_code(&code_at(TARO_DEVICE.1, at), &args)
        .at(at)
        .succeeds()
        .json()
}

/// A demo registry plus `n` general users, each with a device of its own
/// expiring on 30 December 2026.
fn with_users(n: usize) -> Registry {
    let r = Registry::demo();
    let mut devices = String::from("serial,secret,expires\n");
    let mut users = String::from("login_id,name,role,otp_required,serial\n");
    for i in 0..n {
        devices.push_str(&format!(
            "bulk{i:03},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-12-30\n"
        ));
        users.push_str(&format!("user{i:03},User {i},general,true,bulk{i:03}\n"));
    }
    r.run(&["import", "devices", "-"])
        .stdin(&devices)
        .succeeds();
    r.run(&["import", "users", "-"]).stdin(&users).succeeds();
    r
}

#[test]
fn revocation_reports_the_spec_json_and_the_user_shows_revoked() {
    let r = Registry::demo();
    let json = revoke_json(&r, &["hamako01"], FRIDAY_NIGHT);
    assert_eq!(
        json,
        serde_json::json!({
            "dry_run": false,
            "revoked": [{
                "login_id": "hamako01",
                "serial": "45678909",
                "revoked_at": "2026-11-20T21:00:00+09:00",
                "registrable_at": "2026-11-24T08:10:00+09:00",
            }]
        })
    );
    let list = r.run(&["list", "--format", "json"]).succeeds().json();
    assert_eq!(list[0]["status"], "active", "taro01 untouched");
    assert_eq!(list[1]["status"], "revoked");
    assert_eq!(list[1]["registrable_at"], "2026-11-24T08:10:00+09:00");
}

#[test]
fn the_cutoff_is_2030_japan_time_to_the_second() {
    let cases = [
        ("2026-11-19T20:29:59+09:00", "2026-11-19T20:59:59+09:00"),
        ("2026-11-19T20:30:00+09:00", "2026-11-20T08:10:00+09:00"),
        // The same instants written in UTC: the rule reads Japan time.
        ("2026-11-19T11:29:59Z", "2026-11-19T20:59:59+09:00"),
        ("2026-11-19T11:30:00Z", "2026-11-20T08:10:00+09:00"),
    ];
    for (revoked, expected) in cases {
        let r = Registry::demo();
        let json = revoke_json(&r, &["hamako01"], revoked);
        assert_eq!(
            json["revoked"][0]["registrable_at"], expected,
            "revoked at {revoked}"
        );
    }
}

#[test]
fn a_late_revocation_before_new_year_waits_for_4_january() {
    let r = Registry::demo();
    let json = revoke_json(&r, &["hamako01"], "2026-12-29T22:00:00+09:00");
    assert_eq!(
        json["revoked"][0]["registrable_at"],
        "2026-12-30T08:10:00+09:00"
    );
    let r = Registry::demo();
    let json = revoke_json(&r, &["hamako01"], "2026-12-30T20:30:00+09:00");
    assert_eq!(
        json["revoked"][0]["registrable_at"],
        "2027-01-04T08:10:00+09:00"
    );
}

#[test]
fn dry_run_needs_no_credentials_and_changes_nothing() {
    let r = Registry::demo();
    let before = r.snapshot();
    let out = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--dry-run",
            "--format",
            "json",
        ])
        .at(FRIDAY_NIGHT)
        .succeeds();
    assert_eq!(out.json()["dry_run"], true);
    assert_eq!(
        out.json()["revoked"][0]["registrable_at"],
        "2026-11-24T08:10:00+09:00"
    );
    let transcript = r
        .run(&["revoke", "--as", "taro01", "hamako01", "--dry-run"])
        .at(FRIDAY_NIGHT)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Dry run: nothing was changed. These devices would be revoked:
        ┌──────────┬───────────┬─────────┬──────────┬──────────────────────┬────────────────┬─────────────────────────┐
        │ Login ID ┆ User name ┆ Role    ┆ Serial   ┆ OTP status           ┆ Device expires ┆ Registrable at          │
        ╞══════════╪═══════════╪═════════╪══════════╪══════════════════════╪════════════════╪═════════════════════════╡
        │ hamako01 ┆ 芳金 花子 ┆ general ┆ 45678909 ┆ in service → revoked ┆ 2026-12-30     ┆ 2026-11-24 08:10:00 JST │
        └──────────┴───────────┴─────────┴──────────┴──────────────────────┴────────────────┴─────────────────────────┘
        The user would be able to register a new device from 2026-11-24 08:10:00 JST.
        Registration opens 30 minutes after a revocation; after one at or after 20:30 Japan time, at 08:10 on the next business day.
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn wrong_password_is_refused_and_audited_without_the_password() {
    let r = Registry::demo();
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let before_list = r.run(&["list", "--format", "json"]).succeeds().json();
    let transcript = r
        .revoke_as_taro_with_code(&code, &["hamako01"])
        .at(FRIDAY_NIGHT)
        .stdin("hunter2-wrong")
        .transcript();
    assert_eq!(transcript, wrong_credentials(1));
    let after_list = r.run(&["list", "--format", "json"]).succeeds().json();
    assert_eq!(
        before_list, after_list,
        "no user, device or registration changed"
    );
    let audit = r.run(&["audit", "--format", "json"]).succeeds().stdout;
    let entries: serde_json::Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(entries[0]["action"], "revoke", "{audit}");
    assert_eq!(entries[0]["outcome"], "failed", "{audit}");
    // Substring checks on purpose: a secret must appear nowhere in the
    // audit, in any field or form.
    for secret in ["hunter2", DEMO_PASSWORD, TARO_DEVICE.1, &code] {
        assert!(!audit.contains(secret), "audit leaks {secret:?}: {audit}");
    }
}

#[test]
fn wrong_code_with_the_right_password_is_refused() {
    let r = Registry::demo();
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let before = r.snapshot();
    let transcript = r
        .revoke_as_taro_with_code(&wrong, &["hamako01"])
        .at(FRIDAY_NIGHT)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked
        ");
    assert_ne!(r.snapshot(), before, "the failure itself is recorded");
    let list = r.listed("hamako01");
    assert_eq!(list[0]["status"], "active");
}

/// Regression: a replayed code with the right password said "already used"
/// while a wrong password said "wrong", so an old code let anyone test
/// password guesses. A replay reads as `wrong_credentials`, exactly what
/// a wrong password reads as (`wrong_password_is_refused_…`).
#[test]
fn a_replayed_code_is_refused() {
    let r = with_users(1);
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    revoke_json(&r, &["hamako01"], FRIDAY_NIGHT);
    // The same code again, within its window: a replay.
    let transcript = r
        .revoke_as_taro_with_code(&code, &["user000"])
        .at(&plus(FRIDAY_NIGHT, 10))
        .transcript();
    assert_eq!(transcript, wrong_credentials(1));
    let audit = r
        .run(&["audit", "--format", "json", "--limit", "1"])
        .succeeds()
        .json();
    insta::assert_snapshot!(audit[0]["detail"].as_str().unwrap(), @"verification failed (1 of 5): replayed code");
    // With a wrong password too, it reads the same.
    let transcript = r
        .revoke_as_taro_with_code(&code, &["user000"])
        .at(&plus(FRIDAY_NIGHT, 10))
        .stdin("a wrong guess")
        .transcript();
    assert_eq!(transcript, wrong_credentials(2));
    // The previous step's code is older than the one accepted: also a replay.
    let older = code_at(TARO_DEVICE.1, &plus(FRIDAY_NIGHT, -30));
    let transcript = r
        .revoke_as_taro_with_code(&older, &["user000"])
        .at(&plus(FRIDAY_NIGHT, 10))
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: failed verification 3 of 5 for taro01: 2 more and taro01 is locked
        ");
    // The device's next code works.
    let next = plus(FRIDAY_NIGHT, 30);
    revoke_json(&r, &["user000"], &next);
}

#[test]
fn five_consecutive_failures_lock_the_master_until_unlock() {
    let r = Registry::demo();
    let at = FRIDAY_NIGHT;
    let code = code_at(TARO_DEVICE.1, at);
    let attempt = |password: &str| {
        r.revoke_as_taro_with_code(&code, &["hamako01"])
            .at(at)
            .stdin(password)
    };
    for failures in 1..=4 {
        assert_eq!(attempt("wrong").transcript(), wrong_credentials(failures));
    }
    let transcript = attempt("wrong").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 3
        [stderr]
        error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)
        error: taro01 is now locked; another master must run `tokenctl unlock taro01 --as MASTER`, or, when no master can sign, `tokenctl unlock taro01 --recovery` with the key file
        ");
    // Locked: even the right credentials are refused.
    let transcript = attempt(DEMO_PASSWORD).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 4
        [stderr]
        error: taro01 is locked after repeated failed verifications; another master must run `tokenctl unlock taro01 --as MASTER`, or, when no master can sign, `tokenctl unlock taro01 --recovery` with the key file
        ");
    let list = r.listed("taro01");
    assert_eq!(list[0]["locked"], true);
    let audit = r
        .run(&["audit", "--format", "json", "--limit", "2"])
        .succeeds()
        .json();
    assert_eq!(audit[0]["action"], "revoke");
    assert_eq!(
        audit[0]["outcome"], "refused",
        "an attempt on a locked login is audited"
    );
    assert_eq!(audit[0]["targets"], serde_json::json!(["hamako01"]));
    assert_eq!(audit[1]["action"], "lock");

    r.unlock_by_recovery("taro01", at);
    attempt(DEMO_PASSWORD).succeeds();
}

#[test]
fn a_success_resets_the_failure_count() {
    let r = with_users(2);
    let mut at = FRIDAY_NIGHT.to_string();
    let fail = |at: &str, failures: u32| {
        let code = code_at(TARO_DEVICE.1, at);
        let transcript = r
            .revoke_as_taro_with_code(&code, &["user001"])
            .at(at)
            .stdin("wrong")
            .transcript();
        assert_eq!(transcript, wrong_credentials(failures));
    };
    for failures in 1..=4 {
        fail(&at, failures);
    }
    revoke_json(&r, &["user000"], &at);
    // Counted from one again after the success.
    for failures in 1..=4 {
        at = plus(&at, 30);
        fail(&at, failures);
    }
    at = plus(&at, 30);
    revoke_json(&r, &["user001"], &at);
}

#[test]
fn malformed_codes_are_usage_errors_and_do_not_count() {
    let r = Registry::demo();
    let before = r.snapshot();
    let attempt = |code: &str| {
        let args = [
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--otp",
            code,
            "--password-stdin",
            "--yes",
        ];
        let transcript = r
            .run(&args)
            .at(FRIDAY_NIGHT)
            .stdin(DEMO_PASSWORD)
            .transcript();
        format!("--otp {code:?}: {transcript}")
    };
    let refusals: String = ["12345", "1234567", "12a456", "+12345", " "]
        .into_iter()
        .map(attempt)
        .collect();
    insta::assert_snapshot!(refusals, @r#"
        --otp "12345": exit 2
        [stderr]
        error: the one-time code must have 6 digits, got 5
        --otp "1234567": exit 2
        [stderr]
        error: the one-time code must have 6 digits, got 7
        --otp "12a456": exit 2
        [stderr]
        error: the one-time code must be 6 digits only
        --otp "+12345": exit 2
        [stderr]
        error: the one-time code must be 6 digits only
        --otp " ": exit 2
        [stderr]
        error: the one-time code must be 6 digits only
        "#);
    // Five more, as many as would lock the master if they counted.
    let again: Vec<String> = (0..5).map(|_| attempt("abcdef")).collect();
    assert!(again.iter().all(|t| *t == again[0]), "{again:#?}");
    insta::assert_snapshot!(again[0], @r#"
        --otp "abcdef": exit 2
        [stderr]
        error: the one-time code must be 6 digits only
        "#);
    assert_eq!(r.snapshot(), before);
    revoke_json(&r, &["hamako01"], FRIDAY_NIGHT);
}

#[test]
fn only_a_master_with_a_device_in_service_may_revoke() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nboss02,Boss Two,master,true\n")
        .succeeds();
    let before = r.snapshot();
    let code = code_at(HAMAKO_DEVICE.1, FRIDAY_NIGHT);
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "hamako01",
            "taro01",
            "--otp",
            &code,
            "--password-stdin",
            "--yes",
        ])
        .at(FRIDAY_NIGHT)
        .stdin(DEMO_PASSWORD)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: hamako01 is not a master user; only a master user can revoke devices
        ");
    let transcript = r
        .run(&["revoke", "--as", "nobody", "hamako01", "--dry-run"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: unknown login ID: nobody
        ");
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "boss02",
            "hamako01",
            "--otp",
            "123456",
            "--password-stdin",
            "--yes",
        ])
        .stdin("x")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: master boss02 has no device in service; register one before revoking others
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_master_whose_device_expired_cannot_revoke() {
    let r = Registry::demo();
    let after_expiry = "2026-12-31T09:00:00+09:00";
    let code = code_at(TARO_DEVICE.1, after_expiry);
    let transcript = r
        .revoke_as_taro_with_code(&code, &["hamako01"])
        .at(after_expiry)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: the device 23456789 of master taro01 expired on 2026-12-30; it cannot confirm a revocation. Contact the bank
        ");
}

#[test]
fn every_failing_target_is_listed_and_nothing_changes() {
    let r = Registry::demo();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nold1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-11-19\n")
        .succeeds();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nlate01,Late,general,true,old1\nnootp01,No OTP,general,false,\n")
        .succeeds();
    let before = all_but_the_audit(&r);
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let transcript = r
        .revoke_as_taro_with_code(
            &code,
            &["hamako01", "ghost01", "shiro01", "late01", "nootp01"],
        )
        .at(FRIDAY_NIGHT)
        .transcript();
    // Every refused target is named, and the valid hamako01 is not.
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: revocation refused for 4 targets; nothing was changed
        error: ghost01: unknown login ID
        error: shiro01: not in service: already revoked, no device registered
        error: late01: device old1 expired on 2026-11-19; an expired device cannot be revoked by the organisation. Contact the bank
        error: nootp01: does not use one-time passwords
        ");
    assert_eq!(
        all_but_the_audit(&r),
        before,
        "no credentials were consumed either"
    );
    // Without the unknown one, the refusals are rule refusals: exit 7.
    let out = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--dry-run",
            "hamako01",
            "late01",
            "--format",
            "json",
        ])
        .at(FRIDAY_NIGHT)
        .succeeds();
    assert_eq!(out.json()["skipped_expired"], serde_json::json!(["late01"]));
    assert_eq!(all_but_the_audit(&r), before);
}

#[test]
fn a_bulk_of_fifty_with_one_bad_target_changes_nothing() {
    let r = with_users(50);
    let mut targets: Vec<String> = (0..50).map(|i| format!("user{i:03}")).collect();
    targets[37] = "user999".to_string();
    let file = r.file("targets.txt", &targets.join("\n"));
    let before = all_but_the_audit(&r);
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let bulk = |file: &std::path::Path| {
        r.run(&[
            "revoke",
            "--as",
            "taro01",
            "--targets-file",
            file.to_str().unwrap(),
            "--otp",
            &code,
            "--password-stdin",
            "--yes",
            "--format",
            "json",
        ])
        .at(FRIDAY_NIGHT)
        .stdin(DEMO_PASSWORD)
    };
    let transcript = bulk(&file).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: revocation refused for 1 target; nothing was changed
        error: user999 ([DIR]/targets.txt:38): unknown login ID
        ");
    assert_eq!(all_but_the_audit(&r), before);
    let revoked = r
        .run(&["list", "--status", "revoked", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(
        revoked.as_array().unwrap().len(),
        2,
        "only shiro01 and ichiro01"
    );

    targets[37] = "user037".to_string();
    let file = r.file(
        "targets.txt",
        &format!("# all fifty\n\n{}\n", targets.join("\n")),
    );
    let json = bulk(&file).succeeds().json();
    assert_eq!(json["revoked"].as_array().unwrap().len(), 50);
    let revoked = r
        .run(&["list", "--status", "revoked", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(revoked.as_array().unwrap().len(), 52);
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    let rows = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "revoke" && a["outcome"] == "ok")
        .count();
    assert_eq!(rows, 50, "one audit row per revocation");
}

#[test]
fn targets_can_come_from_stdin_when_the_password_does_not() {
    let r = with_users(3);
    let pw = r.file("pw.txt", &format!("{DEMO_PASSWORD}\n"));
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let json = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--targets-file",
            "-",
            "--password-file",
            pw.to_str().unwrap(),
            "--otp",
            &code,
            "--yes",
            "--format",
            "json",
        ])
        .at(FRIDAY_NIGHT)
        .stdin("user000\n# skip me\n  user002  \n\n")
        .succeeds()
        .json();
    let ids: Vec<_> = json["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["login_id"].clone())
        .collect();
    assert_eq!(ids, ["user000", "user002"]);
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--targets-file",
            "-",
            "--password-stdin",
            "--otp",
            &code,
            "--yes",
        ])
        .stdin("user001\n")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: --targets-file - and --password-stdin both want stdin; use --password-file or a targets file
        ");
}

/// The `login_id serial` pairs a dry run of taro01 would revoke on Friday
/// night, given the targets in `args`.
fn dry_run_selection(r: &Registry, args: &[&str]) -> Vec<String> {
    let mut full = vec!["revoke", "--as", "taro01", "--dry-run", "--format", "json"];
    full.extend_from_slice(args);
    let json = r.run(&full).at(FRIDAY_NIGHT).succeeds().json();
    json["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t["login_id"].as_str().unwrap(),
                t["serial"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn expiring_within_selects_in_service_devices_by_expiry() {
    let r = Registry::demo();
    let within = |window: &str| dry_run_selection(&r, &["--expiring-within", window]);
    // 30 December is 40 days after 20 November.
    assert!(within("39d").is_empty());
    assert_eq!(
        within("40d"),
        ["taro01 23456789", "hamako01 45678909"],
        "by expiry, then serial"
    );
    assert_eq!(within("6w"), ["taro01 23456789", "hamako01 45678909"]);
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "soon",
            "--dry-run",
        ])
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: invalid value 'soon' for '--expiring-within <DUR>': "soon" is not a duration like 30d, 4w, 3mo, 30日, 4週 or 1か月

        For more information, try '--help'.
        "#);
    let quiet = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "1d",
            "--dry-run",
        ])
        .at(FRIDAY_NIGHT)
        .transcript();
    insta::assert_snapshot!(quiet, @"
        exit 0
        [stdout]
        No in-service device expires within the window; nothing to revoke.
        ");
}

/// The window's users are read by the query that finds them; a user named
/// both explicitly and by the window is still one target, with the right
/// serial, and the real revocation re-reads them all.
#[test]
fn expiring_within_merges_with_named_targets_once() {
    let r = Registry::demo();
    assert_eq!(
        dry_run_selection(&r, &["hamako01", "--expiring-within", "40d"]),
        ["hamako01 45678909", "taro01 23456789"]
    );

    let out = r.revoke_as_taro(&["hamako01", "--expiring-within", "40d"], FRIDAY_NIGHT);
    assert_eq!(out.status, 0, "{out:#?}");
    assert_eq!(
        r.query_i64("SELECT COUNT(*) FROM users WHERE device_id IS NOT NULL"),
        0,
        "both in-service users revoked"
    );
}

#[test]
fn without_a_terminal_missing_input_is_an_error_not_a_hang() {
    let r = Registry::demo();
    let before = r.snapshot();
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--otp",
            &code,
            "--password-stdin",
        ])
        .at(FRIDAY_NIGHT)
        .stdin(DEMO_PASSWORD)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: a confirmation is required and there is no terminal to ask on; pass --yes to confirm
        ");
    let transcript = r
        .run(&[
            "revoke", "--as", "taro01", "hamako01", "--otp", &code, "--yes",
        ])
        .at(FRIDAY_NIGHT)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: a password is required and there is no terminal to ask on; use --password-stdin or --password-file
        ");
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--password-stdin",
            "--yes",
        ])
        .at(FRIDAY_NIGHT)
        .stdin(DEMO_PASSWORD)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: a one-time code is required and there is no terminal to ask on; pass it with --otp
        ");
    let transcript = r
        .run(&["revoke", "--as", "taro01"])
        .at(FRIDAY_NIGHT)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: no targets: name login IDs, or use --targets-file or --expiring-within
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn passwords_never_come_from_an_argument() {
    let r = Registry::demo();
    let transcript = r
        .run(&["revoke", "--as", "taro01", "hamako01", "--password", "x"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: unexpected argument '--password' found

          tip: a similar argument exists: '--password-file'

        Usage: tokenctl revoke --as <MASTER> --password-file <FILE> <LOGIN_ID>...

        For more information, try '--help'.
        ");
}

/// Regression: parallel wrong attempts each counted "1 of 5" and never
/// locked the login.
#[test]
fn parallel_failures_all_count_toward_the_lockout() {
    let r = Registry::demo();
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let children: Vec<_> = (0..6)
        .map(|_| {
            r.revoke_as_taro_with_code(&code, &["hamako01"])
                .at(FRIDAY_NIGHT)
                .stdin("wrong")
                .spawn()
        })
        .collect();
    for child in children {
        let status = child.wait_with_output().unwrap().status.code().unwrap();
        assert!(matches!(status, 3 | 4), "exit {status}");
    }
    let list = r.listed("taro01");
    assert_eq!(list[0]["locked"], true);
    assert_eq!(
        r.query_i64("SELECT failed_attempts FROM users WHERE login_id = 'taro01'"),
        5
    );
}

#[test]
fn a_master_without_a_password_is_told_to_set_one() {
    let r = Registry::demo_without_password();
    let before = r.snapshot();
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    let transcript = r
        .revoke_as_taro_with_code(&code, &["hamako01"])
        .at(FRIDAY_NIGHT)
        .stdin("anything")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: taro01 has no confirmation password yet; set one with `tokenctl passwd taro01`
        ");
    assert_eq!(r.snapshot(), before, "not counted as a failure");
}

/// Rule 4 at midnight Japan time: a device can be revoked through
/// 23:59:59 JST of its expiry date, and not from 00:00:00 JST (15:00 UTC).
#[test]
fn a_device_can_be_revoked_until_midnight_japan_time_on_its_expiry_date() {
    let r = Registry::demo();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nboss1,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,2031-01-01\n")
        .succeeds();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nboss,Boss,master,true,boss1\n")
        .succeeds();
    let dry = |at: &str| {
        r.run(&["revoke", "--as", "boss", "hamako01", "--dry-run"])
            .at(at)
    };
    let skipped = |at: &str| {
        r.run(&[
            "revoke",
            "--as",
            "boss",
            "hamako01",
            "--dry-run",
            "--format",
            "json",
        ])
        .at(at)
        .succeeds()
        .json()["skipped_expired"]
            .clone()
    };
    dry("2026-12-30T23:59:59+09:00").succeeds();
    assert_eq!(skipped("2026-12-30T14:59:59Z"), serde_json::json!([]));
    // From midnight Japan time the dry run names it instead of offering it.
    let transcript = dry("2026-12-31T00:00:00+09:00").transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Not revoked, their device has expired: hamako01. The organisation cannot revoke an expired device: contact the bank, then record its revocation with --bank-reference.
        ");
    assert_eq!(
        skipped("2026-12-30T15:00:00Z"),
        serde_json::json!(["hamako01"])
    );
}

/// Regression: `--expiring-within 30d --dry-run` left users whose device had
/// already expired out without a word, so the admin was never told to call
/// the bank.
#[test]
fn the_window_dry_run_names_users_whose_device_already_expired() {
    let r = Registry::demo();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nold1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-11-19\n")
        .succeeds();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nlate01,Late,general,true,old1\n")
        .succeeds();
    let json = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "60d",
            "--dry-run",
            "--format",
            "json",
        ])
        .at(FRIDAY_NIGHT)
        .succeeds()
        .json();
    assert_eq!(json["skipped_expired"], serde_json::json!(["late01"]));
    let revoked: Vec<_> = json["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["login_id"].as_str().unwrap())
        .collect();
    assert_eq!(revoked, ["taro01", "hamako01"]);
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "60d",
            "--dry-run",
        ])
        .at(FRIDAY_NIGHT)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Dry run: nothing was changed. These devices would be revoked:
        ┌──────────┬───────────┬─────────┬──────────┬──────────────────────┬────────────────┬─────────────────────────┐
        │ Login ID ┆ User name ┆ Role    ┆ Serial   ┆ OTP status           ┆ Device expires ┆ Registrable at          │
        ╞══════════╪═══════════╪═════════╪══════════╪══════════════════════╪════════════════╪═════════════════════════╡
        │ taro01   ┆ 芳金 太郎 ┆ master  ┆ 23456789 ┆ in service → revoked ┆ 2026-12-30     ┆ 2026-11-24 08:10:00 JST │
        │ hamako01 ┆ 芳金 花子 ┆ general ┆ 45678909 ┆ in service → revoked ┆ 2026-12-30     ┆ 2026-11-24 08:10:00 JST │
        └──────────┴───────────┴─────────┴──────────┴──────────────────────┴────────────────┴─────────────────────────┘
        Every user would be able to register a new device from 2026-11-24 08:10:00 JST.
        Warning: taro01 revokes their own device and cannot sign again until they register a new one.
        Registration opens 30 minutes after a revocation; after one at or after 20:30 Japan time, at 08:10 on the next business day.
        Not revoked, their device has expired: late01. The organisation cannot revoke an expired device: contact the bank, then record its revocation with --bank-reference.
        ");
}

/// A window's dry run in JSON or CSV checks every target before it writes
/// one (it holds none of the window's): a refused target leaves stdout
/// empty and is named as in a table, the named targets first.
#[test]
fn the_window_dry_run_refuses_before_it_writes_in_every_format() {
    let r = Registry::demo();
    for format in ["json", "csv", "table"] {
        Test::on(&r)
            .args([
                "revoke",
                "--as",
                "taro01",
                "--expiring-within",
                "40d",
                "nobody01",
                "hamako01",
                "shiro01",
                "--dry-run",
                "--format",
                format,
            ])
            .at(FRIDAY_NIGHT)
            .stderr(
                "error: revocation refused for 2 targets; nothing was changed\n\
                 error: nobody01: unknown login ID\n\
                 error: shiro01: not in service: already revoked, no device registered\n",
            )
            .status(6)
            .run();
    }
}

/// The window's dry run in JSON writes its expired users as it reads them
/// (never holding them all): in the expiring report's order, a named one
/// once, and nothing of them in CSV.
#[test]
fn the_window_dry_run_streams_its_expired_users_in_order() {
    let r = Registry::demo();
    r.run(&["import", "devices", "-"])
        .stdin(
            "serial,secret,expires\n\
             old1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2026-11-19\n\
             old2,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR,2026-11-18\n",
        )
        .succeeds();
    r.run(&["import", "users", "-"])
        .stdin(
            "login_id,name,role,otp_required,serial\n\
             late02,Late,general,true,old1\n\
             late01,Late,general,true,old1\n\
             early01,Early,general,true,old2\n",
        )
        .succeeds();
    let args = [
        "revoke",
        "--as",
        "taro01",
        "--expiring-within",
        "60d",
        "late02",
        "hamako01",
        "--dry-run",
        "--format",
    ];
    Test::on(&r)
        .args(args)
        .arg("json")
        .at(FRIDAY_NIGHT)
        .stdout(
            r#"{
  "dry_run": true,
  "revoked": [
    {
      "login_id": "hamako01",
      "serial": "45678909",
      "revoked_at": "2026-11-20T21:00:00+09:00",
      "registrable_at": "2026-11-24T08:10:00+09:00"
    },
    {
      "login_id": "taro01",
      "serial": "23456789",
      "revoked_at": "2026-11-20T21:00:00+09:00",
      "registrable_at": "2026-11-24T08:10:00+09:00"
    }
  ],
  "skipped_expired": [
    "early01",
    "late01",
    "late02"
  ]
}
"#,
        )
        .run();
    Test::on(&r)
        .args(args)
        .arg("csv")
        .at(FRIDAY_NIGHT)
        .stdout(
            "dry_run,login_id,serial,revoked_at,registrable_at\n\
             true,hamako01,45678909,2026-11-20T21:00:00+09:00,2026-11-24T08:10:00+09:00\n\
             true,taro01,23456789,2026-11-20T21:00:00+09:00,2026-11-24T08:10:00+09:00\n",
        )
        .run();
}

/// A wrong password or code says how many tries remain,
/// as the audit row does ("1 of 5").
#[test]
fn a_wrong_code_says_how_many_tries_remain() {
    let r = Registry::demo();
    for (lang, expected) in [
        (
            "en",
            "error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)\n\
             error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked\n",
        ),
        (
            "ja",
            "error: 確認用パスワードまたはワンタイムパスワードが正しくありません（同じワンタイムパスワードは一度しか使えません。使った直後なら次の表示を待ってください）\n\
             error: taro01 の認証失敗は 2 回目です（5 回中）。あと 3 回失敗するとロックされます\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "revoke", "--as", "taro01", "hamako01"])
            .args(["--otp", "000000", "--password-stdin", "--yes"])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(3)
            .stderr(expected)
            .run();
    }
}

/// The confirmation and the dry run show what the status
/// becomes, not `revoked` for a user still in service.
#[test]
fn the_preview_shows_the_status_after_revocation() {
    let r = Registry::demo();
    for (lang, becomes) in [
        ("en", "in service → revoked"),
        ("ja", "サービス利用中→失効中"),
    ] {
        let out = r
            .run(&[
                "--lang",
                lang,
                "revoke",
                "--as",
                "taro01",
                "hamako01",
                "--dry-run",
            ])
            .succeeds();
        // The status cell of the target's row; the preview is pinned whole
        // by snapshot::revoke_dry_run_and_success.
        let row = out.stdout.lines().find(|l| l.contains("hamako01")).unwrap();
        assert!(row.contains(becomes), "{}", out.stdout);
    }
}

/// `revoke --dry-run` needs no credentials, so a master
/// whose own device expired may still look.
#[test]
fn a_dry_run_works_when_the_masters_own_device_expired() {
    let r = Registry::demo();
    let out = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--dry-run",
            "--format",
            "json",
        ])
        .at("2027-01-05T10:00:00+09:00")
        .succeeds();
    assert_eq!(
        out.json()["skipped_expired"],
        serde_json::json!(["hamako01"])
    );
}

/// An unknown login ID in a targets file is named
/// with the file and line it is on, in both languages.
#[test]
fn an_unknown_login_in_a_targets_file_names_file_and_line() {
    let r = Registry::demo();
    r.file("targets.txt", "# this week\nhamako01\n\nghost01\n");
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    for (lang, expected) in [
        (
            "en",
            "error: revocation refused for 1 target; nothing was changed\n\
             error: ghost01 (targets.txt:4): unknown login ID\n",
        ),
        (
            "ja",
            "error: 1 名の対象を失効できないため、失効しませんでした（何も変更していません）\n\
             error: ghost01 (targets.txt:4): ログインIDが見つかりません\n",
        ),
    ] {
        Test::on(&r)
            .args([
                "--lang",
                lang,
                "revoke",
                "--as",
                "taro01",
                "--targets-file",
                "targets.txt",
            ])
            .args(["--otp", &code, "--password-stdin", "--yes"])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(6)
            .stderr(expected)
            .run();
    }
}
