//! `expiring`: the cron report of in-service devices expiring within the
//! window (days counted on Japan's date) and of those already expired; quiet
//! when nothing is due; `--exit-code` exits 10 when anything is reported.

use serde_json::{Value, json};

use crate::common::*;

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// An organisation whose devices expire on different days, listed in an
/// order that is not the report's:
/// - 1003 (31 Dec 2026) held by carol;
/// - 1002 (30 Dec 2026) shared by dave and bob;
/// - 1001 (1 Dec 2026) held by erin;
/// - 1004 (30 Nov 2026) held by frank;
/// - 1006 (1 Mar 2027) held by gina;
/// - 1005 (5 Dec 2026) delivered but in service with no one;
/// - nobody (no OTP) and waiting (revoked, no device) hold nothing.
fn org() -> Registry {
    let r = Registry::init();
    let devices = format!(
        "serial,secret,expires\n\
         1003,{SECRET},2026-12-31\n\
         1002,{SECRET},2026-12-30\n\
         1001,{SECRET},2026-12-01\n\
         1004,{SECRET},2026-11-30\n\
         1006,{SECRET},2027-03-01\n\
         1005,{SECRET},2026-12-05\n"
    );
    r.run(&["import", "devices", "-"])
        .stdin(&devices)
        .succeeds();
    let users = "login_id,name,role,otp_required,serial
carol,Carol C,master,true,1003
dave,Dave D,general,true,1002
erin,Erin E,general,true,1001
bob,Bob B,general,true,1002
frank,Frank F,general,true,1004
gina,Gina G,general,true,1006
nobody,No Body,general,false,
waiting,Wai Ting,general,true,
";
    r.run(&["import", "users", "-"]).stdin(users).succeeds();
    r
}

/// One device, 2026-12-30, held by a single user: for the edges.
fn one_device() -> Registry {
    let r = Registry::init();
    r.run(&["import", "devices", "-"])
        .stdin(&format!(
            "serial,secret,expires\n7001,{SECRET},2026-12-30\n"
        ))
        .succeeds();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nu1,User One,general,true,7001\n")
        .succeeds();
    r
}

fn report(r: &Registry, at: &str, extra: &[&str]) -> Value {
    let mut args = vec!["expiring", "--format", "json"];
    args.extend_from_slice(extra);
    let out = r.run(&args).at(at).succeeds();
    if out.stdout.is_empty() {
        json!([])
    } else {
        out.json()
    }
}

fn row(login: &str, name: &str, serial: &str, expires: &str, days: i64, shared: &[&str]) -> Value {
    json!({
        "login_id": login,
        "name": name,
        "serial": serial,
        "expires": expires,
        "days_left": days,
        "expired": days < 0,
        "shared_with": shared,
    })
}

#[test]
fn reports_one_row_per_user_and_device_sorted_by_expiry_with_exact_json() {
    let r = org();
    let json = report(&r, "2026-12-01T09:00:00+09:00", &[]);
    assert_eq!(
        json,
        json!([
            row("frank", "Frank F", "1004", "2026-11-30", -1, &[]),
            row("erin", "Erin E", "1001", "2026-12-01", 0, &[]),
            row("bob", "Bob B", "1002", "2026-12-30", 29, &["dave"]),
            row("dave", "Dave D", "1002", "2026-12-30", 29, &["bob"]),
            row("carol", "Carol C", "1003", "2026-12-31", 30, &[]),
        ])
    );
}

#[test]
fn the_default_window_is_30_days_and_its_last_day_is_included() {
    let r = one_device();
    // 30 November: 30 days left, inside the default window.
    assert_eq!(
        report(&r, "2026-11-30T12:00:00+09:00", &[]),
        json!([row("u1", "User One", "7001", "2026-12-30", 30, &[])])
    );
    // 29 November: 31 days left, outside it.
    assert_eq!(report(&r, "2026-11-29T12:00:00+09:00", &[]), json!([]));
}

#[test]
fn the_window_opens_at_midnight_japan_time() {
    let r = one_device();
    for at in ["2026-11-29T23:59:59+09:00", "2026-11-29T14:59:59Z"] {
        let out = r.run(&["expiring", "--format", "json"]).at(at).succeeds();
        assert_eq!(out.stdout, "[]\n", "31 days left at {at}");
    }
    // 15:00 UTC on the 29th is already the 30th in Japan.
    for at in ["2026-11-30T00:00:00+09:00", "2026-11-29T15:00:00Z"] {
        assert_eq!(
            report(&r, at, &[]),
            json!([row("u1", "User One", "7001", "2026-12-30", 30, &[])]),
            "at {at}"
        );
    }
}

#[test]
fn the_last_valid_day_and_the_first_expired_day_turn_at_midnight_japan_time() {
    let r = one_device();
    let last_day = [
        "2026-12-30T00:00:00+09:00",
        "2026-12-30T23:59:59+09:00",
        "2026-12-30T14:59:59Z",
        // Still the 29th in UTC, already the 30th in Japan.
        "2026-12-29T15:00:00Z",
    ];
    for at in last_day {
        assert_eq!(
            report(&r, at, &[]),
            json!([row("u1", "User One", "7001", "2026-12-30", 0, &[])]),
            "last valid day at {at}"
        );
    }
    for at in ["2026-12-31T00:00:00+09:00", "2026-12-30T15:00:00Z"] {
        assert_eq!(
            report(&r, at, &[]),
            json!([row("u1", "User One", "7001", "2026-12-30", -1, &[])]),
            "first expired day at {at}"
        );
    }
    // Long expired devices still in service are still reported.
    assert_eq!(
        report(&r, "2027-02-01T12:00:00+09:00", &[]),
        json!([row("u1", "User One", "7001", "2026-12-30", -33, &[])])
    );
}

#[test]
fn expired_devices_are_reported_whatever_the_window() {
    let r = org();
    // 0d: only what expires today, plus what has already expired.
    assert_eq!(
        report(&r, "2026-12-01T09:00:00+09:00", &["--within", "0d"]),
        json!([
            row("frank", "Frank F", "1004", "2026-11-30", -1, &[]),
            row("erin", "Erin E", "1001", "2026-12-01", 0, &[]),
        ])
    );
}

#[test]
fn windows_in_days_and_weeks() {
    let r = org();
    let at = "2026-11-20T12:00:00+09:00";
    let logins = |extra: &[&str]| -> Vec<String> {
        report(&r, at, extra)
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["login_id"].as_str().unwrap().to_string())
            .collect()
    };
    // 1004 expires in 10 days, 1001 in 11, 1002 in 40, 1003 in 41, 1006 in 101.
    assert_eq!(logins(&["--within", "9d"]), Vec::<String>::new());
    assert_eq!(logins(&["--within", "10d"]), ["frank"]);
    assert_eq!(logins(&["--within", "2w"]), ["frank", "erin"]);
    assert_eq!(
        logins(&["--within", "40d"]),
        ["frank", "erin", "bob", "dave"]
    );
    assert_eq!(
        logins(&["--within", "6w"]),
        ["frank", "erin", "bob", "dave", "carol"]
    );
    assert_eq!(
        logins(&["--within", "15w"]),
        ["frank", "erin", "bob", "dave", "carol", "gina"]
    );
}

#[test]
fn a_malformed_window_is_a_usage_error_that_prints_nothing() {
    let r = org();
    let before = r.snapshot();
    for bad in [
        "",
        "d",
        "w",
        "30",
        "30 d",
        "-3d",
        "+3d",
        "3.5d",
        "30m",
        "1y",
        "thirty",
        "99999999w",
    ] {
        let why = if bad == "99999999w" {
            "is too large: at most 36500 days (5214 weeks)"
        } else {
            "is not a duration like 30d, 4w, 3mo, 30日, 4週 or 1か月"
        };
        // A usage error: refused before the clock is read, so no note.
        Test::on(&r)
            .args(["expiring", &format!("--within={bad}"), "--exit-code"])
            .env("TOKENCTL_NOW", "2026-12-01T09:00:00+09:00")
            .status(2)
            .stderr(format!(
                "error: invalid value '{bad}' for '--within <DUR>': \"{bad}\" {why}\n\n\
                 For more information, try '--help'.\n"
            ))
            .run();
    }
    Test::on(&r)
        .args(["expiring", "--within", "30x"])
        .env("TOKENCTL_NOW", "2026-12-01T09:00:00+09:00")
        .status(2)
        .stderr(
            "error: invalid value '30x' for '--within <DUR>': \"30x\" is not a duration like 30d, 4w, 3mo, 30日, 4週 or 1か月\n\n\
             For more information, try '--help'.\n",
        )
        .run();
    assert_eq!(r.snapshot(), before);
}

/// Cron mails nothing when nothing is due (table, CSV), and a script
/// reading JSON still gets a document: `[]` (it used to get nothing).
#[test]
fn nothing_due_prints_nothing_as_table_or_csv_and_an_empty_array_as_json() {
    let r = org();
    // 1004, the first to expire, still has 31 days left.
    let at = "2026-10-30T12:00:00+09:00";
    let expected = |format: &str| if format == "json" { "[]\n" } else { "" };
    for format in ["table", "csv", "json"] {
        for lang in ["en", "ja"] {
            for exit_code in [false, true] {
                let mut args = vec!["expiring", "--format", format, "--lang", lang];
                if exit_code {
                    args.push("--exit-code");
                }
                let out = r.run(&args).at(at).succeeds();
                assert_eq!(out.stdout, expected(format), "{args:?}");
            }
        }
    }
    // An empty registry, too; Excel's CSV gets no byte-order mark alone.
    let empty = Registry::init();
    for format in ["table", "csv", "json"] {
        let out = empty
            .run(&["expiring", "--format", format, "--exit-code"])
            .at(at)
            .succeeds();
        assert_eq!(out.stdout, expected(format), "{format}");
    }
    let out = empty
        .run(&["expiring", "--format", "csv", "--excel"])
        .at(at)
        .succeeds();
    assert_eq!(out.stdout, "");
}

#[test]
fn exit_code_10_when_anything_is_reported_in_every_format() {
    let r = org();
    let mut transcripts = String::new();
    for (at, what) in [
        (
            "2026-11-21T12:00:00+09:00",
            "a device expiring within the window",
        ),
        ("2027-04-01T12:00:00+09:00", "only expired devices"),
    ] {
        for format in ["table", "csv", "json"] {
            let transcript = r
                .run(&["expiring", "--exit-code", "--format", format])
                .at(at)
                .transcript();
            transcripts.push_str(&format!("{what}, {format}: {transcript}"));
        }
        // Without --exit-code the same report is a success.
        let transcript = r.run(&["expiring"]).at(at).transcript();
        transcripts.push_str(&format!("{what}, no --exit-code: {transcript}"));
    }
    insta::assert_snapshot!(transcripts, @r#"
        a device expiring within the window, table: exit 10
        [stdout]
        ┌──────────┬───────────┬────────┬────────────────┬───────────┬─────────────┐
        │ Login ID ┆ User name ┆ Serial ┆ Device expires ┆ Days left ┆ Shared with │
        ╞══════════╪═══════════╪════════╪════════════════╪═══════════╪═════════════╡
        │ frank    ┆ Frank F   ┆ 1004   ┆ 2026-11-30     ┆ 9         ┆             │
        │ erin     ┆ Erin E    ┆ 1001   ┆ 2026-12-01     ┆ 10        ┆             │
        └──────────┴───────────┴────────┴────────────────┴───────────┴─────────────┘
        Revoke these devices before they expire, then each user registers the new one.
        a device expiring within the window, csv: exit 10
        [stdout]
        login_id,name,serial,expires,days_left,expired,shared_with
        frank,Frank F,1004,2026-11-30,9,false,
        erin,Erin E,1001,2026-12-01,10,false,
        a device expiring within the window, json: exit 10
        [stdout]
        [
        {"login_id":"frank","name":"Frank F","serial":"1004","expires":"2026-11-30","days_left":9,"expired":false,"shared_with":[]},
        {"login_id":"erin","name":"Erin E","serial":"1001","expires":"2026-12-01","days_left":10,"expired":false,"shared_with":[]}
        ]
        a device expiring within the window, no --exit-code: exit 0
        [stdout]
        ┌──────────┬───────────┬────────┬────────────────┬───────────┬─────────────┐
        │ Login ID ┆ User name ┆ Serial ┆ Device expires ┆ Days left ┆ Shared with │
        ╞══════════╪═══════════╪════════╪════════════════╪═══════════╪═════════════╡
        │ frank    ┆ Frank F   ┆ 1004   ┆ 2026-11-30     ┆ 9         ┆             │
        │ erin     ┆ Erin E    ┆ 1001   ┆ 2026-12-01     ┆ 10        ┆             │
        └──────────┴───────────┴────────┴────────────────┴───────────┴─────────────┘
        Revoke these devices before they expire, then each user registers the new one.
        only expired devices, table: exit 10
        [stdout]
        ┌──────────┬───────────┬────────┬────────────────┬───────────┬─────────────┐
        │ Login ID ┆ User name ┆ Serial ┆ Device expires ┆ Days left ┆ Shared with │
        ╞══════════╪═══════════╪════════╪════════════════╪═══════════╪═════════════╡
        │ frank    ┆ Frank F   ┆ 1004   ┆ 2026-11-30     ┆ EXPIRED   ┆             │
        │ erin     ┆ Erin E    ┆ 1001   ┆ 2026-12-01     ┆ EXPIRED   ┆             │
        │ bob      ┆ Bob B     ┆ 1002   ┆ 2026-12-30     ┆ EXPIRED   ┆ dave        │
        │ dave     ┆ Dave D    ┆ 1002   ┆ 2026-12-30     ┆ EXPIRED   ┆ bob         │
        │ carol    ┆ Carol C   ┆ 1003   ┆ 2026-12-31     ┆ EXPIRED   ┆             │
        │ gina     ┆ Gina G    ┆ 1006   ┆ 2027-03-01     ┆ EXPIRED   ┆             │
        └──────────┴───────────┴────────┴────────────────┴───────────┴─────────────┘
        Expired devices can no longer be revoked by the organisation: only the bank can revoke them. Contact the bank, then record its revocation with `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF`.
        only expired devices, csv: exit 10
        [stdout]
        login_id,name,serial,expires,days_left,expired,shared_with
        frank,Frank F,1004,2026-11-30,-122,true,
        erin,Erin E,1001,2026-12-01,-121,true,
        bob,Bob B,1002,2026-12-30,-92,true,dave
        dave,Dave D,1002,2026-12-30,-92,true,bob
        carol,Carol C,1003,2026-12-31,-91,true,
        gina,Gina G,1006,2027-03-01,-31,true,
        only expired devices, json: exit 10
        [stdout]
        [
        {"login_id":"frank","name":"Frank F","serial":"1004","expires":"2026-11-30","days_left":-122,"expired":true,"shared_with":[]},
        {"login_id":"erin","name":"Erin E","serial":"1001","expires":"2026-12-01","days_left":-121,"expired":true,"shared_with":[]},
        {"login_id":"bob","name":"Bob B","serial":"1002","expires":"2026-12-30","days_left":-92,"expired":true,"shared_with":["dave"]},
        {"login_id":"dave","name":"Dave D","serial":"1002","expires":"2026-12-30","days_left":-92,"expired":true,"shared_with":["bob"]},
        {"login_id":"carol","name":"Carol C","serial":"1003","expires":"2026-12-31","days_left":-91,"expired":true,"shared_with":[]},
        {"login_id":"gina","name":"Gina G","serial":"1006","expires":"2027-03-01","days_left":-31,"expired":true,"shared_with":[]}
        ]
        only expired devices, no --exit-code: exit 0
        [stdout]
        ┌──────────┬───────────┬────────┬────────────────┬───────────┬─────────────┐
        │ Login ID ┆ User name ┆ Serial ┆ Device expires ┆ Days left ┆ Shared with │
        ╞══════════╪═══════════╪════════╪════════════════╪═══════════╪═════════════╡
        │ frank    ┆ Frank F   ┆ 1004   ┆ 2026-11-30     ┆ EXPIRED   ┆             │
        │ erin     ┆ Erin E    ┆ 1001   ┆ 2026-12-01     ┆ EXPIRED   ┆             │
        │ bob      ┆ Bob B     ┆ 1002   ┆ 2026-12-30     ┆ EXPIRED   ┆ dave        │
        │ dave     ┆ Dave D    ┆ 1002   ┆ 2026-12-30     ┆ EXPIRED   ┆ bob         │
        │ carol    ┆ Carol C   ┆ 1003   ┆ 2026-12-31     ┆ EXPIRED   ┆             │
        │ gina     ┆ Gina G    ┆ 1006   ┆ 2027-03-01     ┆ EXPIRED   ┆             │
        └──────────┴───────────┴────────┴────────────────┴───────────┴─────────────┘
        Expired devices can no longer be revoked by the organisation: only the bank can revoke them. Contact the bank, then record its revocation with `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF`.
        "#);
}

#[test]
fn devices_in_service_with_no_one_are_not_reported() {
    let r = org();
    // 1005 (5 Dec) is in the window but held by nobody.
    let json = report(&r, "2026-12-01T09:00:00+09:00", &["--within", "10d"]);
    let serials: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["serial"].as_str().unwrap())
        .collect();
    assert_eq!(serials, ["1004", "1001"]);
}

#[test]
fn a_shared_device_lists_only_its_other_holders_in_service() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin(
            "login_id,name,role,otp_required,serial
jiro02,Jiro,general,true,45678909
saburo03,Saburo,general,true,45678909
",
        )
        .succeeds();
    let at = "2026-12-01T09:00:00+09:00";
    assert_eq!(
        report(&r, at, &[]),
        json!([
            row("taro01", "芳金 太郎", "23456789", "2026-12-30", 29, &[]),
            row(
                "hamako01",
                "芳金 花子",
                "45678909",
                "2026-12-30",
                29,
                &["jiro02", "saburo03"]
            ),
            row(
                "jiro02",
                "Jiro",
                "45678909",
                "2026-12-30",
                29,
                &["hamako01", "saburo03"]
            ),
            row(
                "saburo03",
                "Saburo",
                "45678909",
                "2026-12-30",
                29,
                &["hamako01", "jiro02"]
            ),
        ])
    );
    // Once jiro02's registration is revoked, jiro02 no longer holds it.
    let out = r.revoke_as_taro(&["jiro02"], "2026-12-01T10:00:00+09:00");
    assert_eq!(out.status, 0, "{out:#?}");
    assert_eq!(
        report(&r, "2026-12-01T10:00:00+09:00", &[]),
        json!([
            row("taro01", "芳金 太郎", "23456789", "2026-12-30", 29, &[]),
            row(
                "hamako01",
                "芳金 花子",
                "45678909",
                "2026-12-30",
                29,
                &["saburo03"]
            ),
            row(
                "saburo03",
                "Saburo",
                "45678909",
                "2026-12-30",
                29,
                &["hamako01"]
            ),
        ])
    );
}

#[test]
fn csv_has_a_header_and_one_line_per_row() {
    let r = org();
    let transcript = r
        .run(&["expiring", "--format", "csv"])
        .at("2026-12-01T09:00:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        login_id,name,serial,expires,days_left,expired,shared_with
        frank,Frank F,1004,2026-11-30,-1,true,
        erin,Erin E,1001,2026-12-01,0,false,
        bob,Bob B,1002,2026-12-30,29,false,dave
        dave,Dave D,1002,2026-12-30,29,false,bob
        carol,Carol C,1003,2026-12-31,30,false,
        ");
}

#[test]
fn the_table_gives_the_advice_for_expired_and_expiring_devices() {
    let r = org();
    let at = "2026-12-01T09:00:00+09:00";
    let en = r.run(&["expiring"]).at(at).transcript();
    insta::assert_snapshot!(en, @"
        exit 0
        [stdout]
        ┌──────────┬───────────┬────────┬────────────────┬───────────┬─────────────┐
        │ Login ID ┆ User name ┆ Serial ┆ Device expires ┆ Days left ┆ Shared with │
        ╞══════════╪═══════════╪════════╪════════════════╪═══════════╪═════════════╡
        │ frank    ┆ Frank F   ┆ 1004   ┆ 2026-11-30     ┆ EXPIRED   ┆             │
        │ erin     ┆ Erin E    ┆ 1001   ┆ 2026-12-01     ┆ 0         ┆             │
        │ bob      ┆ Bob B     ┆ 1002   ┆ 2026-12-30     ┆ 29        ┆ dave        │
        │ dave     ┆ Dave D    ┆ 1002   ┆ 2026-12-30     ┆ 29        ┆ bob         │
        │ carol    ┆ Carol C   ┆ 1003   ┆ 2026-12-31     ┆ 30        ┆             │
        └──────────┴───────────┴────────┴────────────────┴───────────┴─────────────┘
        Expired devices can no longer be revoked by the organisation: only the bank can revoke them. Contact the bank, then record its revocation with `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF`.
        Revoke these devices before they expire, then each user registers the new one.
        ");
    let ja = r.run(&["expiring", "--lang", "ja"]).at(at).transcript();
    insta::assert_snapshot!(ja, @"
        exit 0
        [stdout]
        ┌────────────┬──────────┬──────────────┬──────────────────────────┬──────────┬────────┐
        │ ログインID ┆ 利用者名 ┆ シリアル番号 ┆ パスワード生成機有効期限 ┆ 残り日数 ┆ 共有者 │
        ╞════════════╪══════════╪══════════════╪══════════════════════════╪══════════╪════════╡
        │ frank      ┆ Frank F  ┆ 1004         ┆ 2026年11月30日           ┆ 期限切れ ┆        │
        │ erin       ┆ Erin E   ┆ 1001         ┆ 2026年12月1日            ┆ 0        ┆        │
        │ bob        ┆ Bob B    ┆ 1002         ┆ 2026年12月30日           ┆ 29       ┆ dave   │
        │ dave       ┆ Dave D   ┆ 1002         ┆ 2026年12月30日           ┆ 29       ┆ bob    │
        │ carol      ┆ Carol C  ┆ 1003         ┆ 2026年12月31日           ┆ 30       ┆        │
        └────────────┴──────────┴──────────────┴──────────────────────────┴──────────┴────────┘
        有効期限を過ぎたパスワード生成機は団体では失効できません（失効できるのは銀行のみです）。銀行にご連絡のうえ、銀行による失効を `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF` で記録してください。
        有効期限までに失効し、各利用者が新しいパスワード生成機を利用登録してください。
        ");
    // Nothing expired yet: no advice about the bank.
    let ahead = r
        .run(&["expiring"])
        .at("2026-11-21T12:00:00+09:00")
        .transcript();
    insta::assert_snapshot!(ahead, @"
        exit 0
        [stdout]
        ┌──────────┬───────────┬────────┬────────────────┬───────────┬─────────────┐
        │ Login ID ┆ User name ┆ Serial ┆ Device expires ┆ Days left ┆ Shared with │
        ╞══════════╪═══════════╪════════╪════════════════╪═══════════╪═════════════╡
        │ frank    ┆ Frank F   ┆ 1004   ┆ 2026-11-30     ┆ 9         ┆             │
        │ erin     ┆ Erin E    ┆ 1001   ┆ 2026-12-01     ┆ 10        ┆             │
        └──────────┴───────────┴────────┴────────────────┴───────────┴─────────────┘
        Revoke these devices before they expire, then each user registers the new one.
        ");
}

/// The forecast of `org()` on 1 December 2026: 1001 (its last day) and
/// 1002 (shared, counted once) and 1003 in December, 1006 in March, 1004
/// expired; 1005 is held by no one.
fn org_forecast() -> Value {
    let mut months: Vec<Value> = (0..12)
        .map(|i| {
            let (year, month) = if i == 0 { (2026, 12) } else { (2027, i) };
            let devices = match (year, month) {
                (2026, 12) => 3,
                (2027, 3) => 1,
                _ => 0,
            };
            json!({"month": format!("{year}-{month:02}"), "devices": devices})
        })
        .collect();
    months.push(json!({"month": "expired", "devices": 1}));
    Value::Array(months)
}

#[test]
fn summary_counts_devices_in_service_per_month_for_twelve_months_then_the_expired() {
    let r = org();
    let at = "2026-12-01T09:00:00+09:00";
    let out = r
        .run(&["expiring", "--summary", "--format", "json"])
        .at(at)
        .succeeds();
    assert_eq!(out.json(), org_forecast());
    // The month turns at midnight in Japan: 15:00 UTC on 30 November is
    // already 1 December there.
    let out = r
        .run(&["expiring", "--summary", "--format", "json"])
        .at("2026-11-30T15:00:00Z")
        .succeeds();
    assert_eq!(out.json(), org_forecast());
    let earlier = r
        .run(&["expiring", "--summary", "--format", "json"])
        .at("2026-11-30T14:59:59Z")
        .succeeds()
        .json();
    assert_eq!(earlier[0], json!({"month": "2026-11", "devices": 1}));
    assert_eq!(earlier[12], json!({"month": "expired", "devices": 0}));
}

#[test]
fn summary_lists_every_month_with_zero_even_in_an_empty_registry() {
    let empty = Registry::init();
    let json = empty
        .run(&["expiring", "--summary", "--format", "json"])
        .at("2026-01-31T12:00:00+09:00")
        .succeeds()
        .json();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[0], json!({"month": "2026-01", "devices": 0}));
    assert_eq!(rows[1], json!({"month": "2026-02", "devices": 0}));
    assert_eq!(rows[11], json!({"month": "2026-12", "devices": 0}));
    assert_eq!(rows[12], json!({"month": "expired", "devices": 0}));
}

#[test]
fn summary_as_csv_and_as_a_piped_table_in_both_languages() {
    let r = org();
    let at = "2026-12-01T09:00:00+09:00";
    let csv = r
        .run(&["expiring", "--summary", "--format", "csv"])
        .at(at)
        .transcript();
    insta::assert_snapshot!(csv, @"
        exit 0
        [stdout]
        month,devices
        2026-12,3
        2027-01,0
        2027-02,0
        2027-03,1
        2027-04,0
        2027-05,0
        2027-06,0
        2027-07,0
        2027-08,0
        2027-09,0
        2027-10,0
        2027-11,0
        expired,1
        ");
    // Piped, the table is plain: two columns, no bars.
    let table = r.run(&["expiring", "--summary"]).at(at).transcript();
    insta::assert_snapshot!(table, @"
        exit 0
        [stdout]
        Devices in service by expiry month (expired: only the bank can revoke them):
        ┌─────────┬─────────┐
        │ Month   ┆ Devices │
        ╞═════════╪═════════╡
        │ 2026-12 ┆ 3       │
        │ 2027-01 ┆ 0       │
        │ 2027-02 ┆ 0       │
        │ 2027-03 ┆ 1       │
        │ 2027-04 ┆ 0       │
        │ 2027-05 ┆ 0       │
        │ 2027-06 ┆ 0       │
        │ 2027-07 ┆ 0       │
        │ 2027-08 ┆ 0       │
        │ 2027-09 ┆ 0       │
        │ 2027-10 ┆ 0       │
        │ 2027-11 ┆ 0       │
        │ expired ┆ 1       │
        └─────────┴─────────┘
        ");
    let ja = r
        .run(&["expiring", "--summary", "--lang", "ja"])
        .at(at)
        .transcript();
    insta::assert_snapshot!(ja, @"
        exit 0
        [stdout]
        有効期限の月別の利用中パスワード生成機（期限切れは銀行のみが失効できます）：
        ┌────────────┬──────┐
        │ 月         ┆ 台数 │
        ╞════════════╪══════╡
        │ 2026年12月 ┆ 3    │
        │ 2027年1月  ┆ 0    │
        │ 2027年2月  ┆ 0    │
        │ 2027年3月  ┆ 1    │
        │ 2027年4月  ┆ 0    │
        │ 2027年5月  ┆ 0    │
        │ 2027年6月  ┆ 0    │
        │ 2027年7月  ┆ 0    │
        │ 2027年8月  ┆ 0    │
        │ 2027年9月  ┆ 0    │
        │ 2027年10月 ┆ 0    │
        │ 2027年11月 ┆ 0    │
        │ 期限切れ   ┆ 1    │
        └────────────┴──────┘
        ");
}

#[test]
fn summary_needs_no_key_file_and_takes_neither_a_window_nor_exit_code() {
    let r = org();
    let at = "2026-12-01T09:00:00+09:00";
    r.run(&["expiring", "--summary", "--format", "json"])
        .env("TOKENCTL_KEY_FILE", r.dir.path().join("no-such.key"))
        .at(at)
        .succeeds();
    assert!(!r.dir.path().join("no-such.key").exists());
    let mut transcripts = String::new();
    for extra in [&["--within", "10d"][..], &["--exit-code"][..]] {
        let mut args = vec!["expiring", "--summary"];
        args.extend_from_slice(extra);
        let transcript = r.run(&args).at(at).transcript();
        transcripts.push_str(&format!("{extra:?}: {transcript}"));
    }
    insta::assert_snapshot!(transcripts, @r#"
        ["--within", "10d"]: exit 2
        [no clock note]
        [stderr]
        error: the argument '--summary' cannot be used with '--within <DUR>'

        Usage: tokenctl expiring --summary

        For more information, try '--help'.
        ["--exit-code"]: exit 2
        [no clock note]
        [stderr]
        error: the argument '--summary' cannot be used with '--exit-code'

        Usage: tokenctl expiring --summary

        For more information, try '--help'.
        "#);
}
