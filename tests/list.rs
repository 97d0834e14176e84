//! `list` and its filters, formats, and behaviour in a pipe.

use crate::common::*;

fn ids(out: &Out) -> Vec<String> {
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn filters_by_status_role_user_and_serial() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nnootp01,No OTP,general,false\n")
        .succeeds();
    let list = |args: &[&str]| {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        ids(&r.run(&all).succeeds())
    };
    assert_eq!(list(&["--status", "active"]), ["taro01", "hamako01"]);
    assert_eq!(list(&["--status", "revoked"]), ["shiro01", "ichiro01"]);
    assert_eq!(list(&["--status", "not-required"]), ["nootp01"]);
    assert_eq!(list(&["--role", "master"]), ["taro01"]);
    assert_eq!(
        list(&["--role", "general", "--status", "active"]),
        ["hamako01"]
    );
    assert_eq!(list(&["--user", "shiro01"]), ["shiro01"]);
    assert_eq!(list(&["--serial", "45678909"]), ["hamako01"]);
    let table = r.run(&["list", "--status", "not-required"]).transcript();
    insta::assert_snapshot!(table, @"
        exit 0
        [stdout]
        ┌──────────┬───────────┬─────────┬────────┬──────────────┬────────────────┬────────────────┬────────┐
        │ Login ID ┆ User name ┆ Role    ┆ Serial ┆ OTP status   ┆ Device expires ┆ Registrable at ┆ Locked │
        ╞══════════╪═══════════╪═════════╪════════╪══════════════╪════════════════╪════════════════╪════════╡
        │ nootp01  ┆ No OTP    ┆ general ┆ -      ┆ not required ┆ -              ┆ -              ┆        │
        └──────────┴───────────┴─────────┴────────┴──────────────┴────────────────┴────────────────┴────────┘
        ");
}

#[test]
fn filtering_on_an_unknown_user_or_serial_is_not_found() {
    let r = Registry::demo();
    let transcript = r.run(&["list", "--user", "nobody"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: unknown login ID: nobody
        ");
    let transcript = r.run(&["list", "--serial", "00000000"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: unknown serial number: 00000000 (no delivery contains it)
        ");
}

#[test]
fn csv_has_a_header_and_no_table_borders() {
    let r = Registry::demo();
    let transcript = r.run(&["list", "--format", "csv"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        login_id,name,role,serial,status,expires,registrable_at,locked
        taro01,芳金 太郎,master,23456789,active,2026-12-30,,false
        hamako01,芳金 花子,general,45678909,active,2026-12-30,,false
        shiro01,芳金 次郎,general,,revoked,,,false
        ichiro01,芳金 一郎,general,,revoked,,,false
        ");
}

#[test]
fn a_revoked_user_shows_when_it_may_register() {
    let r = Registry::demo();
    let out = r.revoke_as_taro(&["hamako01"], "2026-11-20T21:00:00+09:00");
    assert_eq!(out.status, 0, "{out:#?}");
    let list = r.listed("hamako01");
    assert_eq!(list[0]["status"], "revoked");
    assert_eq!(list[0]["serial"], serde_json::Value::Null);
    assert_eq!(list[0]["registrable_at"], "2026-11-24T08:10:00+09:00");
    let transcript = r.run(&["list", "--user", "hamako01"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        ┌──────────┬───────────┬─────────┬────────┬────────────┬────────────────┬─────────────────────────┬────────┐
        │ Login ID ┆ User name ┆ Role    ┆ Serial ┆ OTP status ┆ Device expires ┆ Registrable at          ┆ Locked │
        ╞══════════╪═══════════╪═════════╪════════╪════════════╪════════════════╪═════════════════════════╪════════╡
        │ hamako01 ┆ 芳金 花子 ┆ general ┆ -      ┆ revoked    ┆ -              ┆ 2026-11-24 08:10:00 JST ┆        │
        └──────────┴───────────┴─────────┴────────┴────────────┴────────────────┴─────────────────────────┴────────┘
        ");
    let transcript = r
        .run(&["list", "--user", "hamako01", "--lang", "ja"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        ┌────────────┬───────────┬────────────┬──────────────┬──────────────────────────┬──────────────────────────┬────────────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分 ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時       ┆ ロック │
        ╞════════════╪═══════════╪════════════╪══════════════╪══════════════════════════╪══════════════════════════╪════════════════════════╪════════╡
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ ┆ -            ┆ 失効中                   ┆ -                        ┆ 2026年11月24日 8時10分 ┆        │
        └────────────┴───────────┴────────────┴──────────────┴──────────────────────────┴──────────────────────────┴────────────────────────┴────────┘
        ");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let r = Registry::init();
    let mut csv = String::from("login_id,name,role,otp_required\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "user{i:05},A rather long user name number {i},general,true\n"
        ));
    }
    r.run(&["import", "users", "-"]).stdin(&csv).succeeds();
    for format in ["json", "csv", "table"] {
        let mut cmd = r.command();
        cmd.args(["list", "--format", format]);
        let output = read_a_little_then_close(cmd);
        assert_eq!(output.status.code(), Some(0), "{format}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{format}");
    }
}

#[test]
fn an_empty_table_says_so_and_json_is_an_empty_array() {
    let r = Registry::demo();
    let transcript = r.run(&["list", "--status", "not-required"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        No users match.
        ");
    let transcript = r
        .run(&["list", "--status", "not-required", "--lang", "ja"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        該当する利用者はいません。
        ");
    let json = r
        .run(&["list", "--status", "not-required", "--format", "json"])
        .succeeds();
    assert_eq!(json.json(), serde_json::json!([]));
}

#[test]
fn an_expired_device_in_service_is_marked_in_the_table() {
    let r = Registry::demo();
    let last_day = r
        .run(&["list", "--user", "taro01"])
        .at("2026-12-30T23:59:59+09:00")
        .transcript();
    insta::assert_snapshot!(last_day, @"
        exit 0
        [stdout]
        ┌──────────┬───────────┬────────┬──────────┬────────────┬────────────────┬────────────────┬────────┐
        │ Login ID ┆ User name ┆ Role   ┆ Serial   ┆ OTP status ┆ Device expires ┆ Registrable at ┆ Locked │
        ╞══════════╪═══════════╪════════╪══════════╪════════════╪════════════════╪════════════════╪════════╡
        │ taro01   ┆ 芳金 太郎 ┆ master ┆ 23456789 ┆ in service ┆ 2026-12-30     ┆ -              ┆        │
        └──────────┴───────────┴────────┴──────────┴────────────┴────────────────┴────────────────┴────────┘
        ");
    let transcript = r
        .run(&["list", "--user", "taro01"])
        .at("2026-12-31T00:00:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        ┌──────────┬───────────┬────────┬──────────┬────────────┬──────────────────────┬────────────────┬────────┐
        │ Login ID ┆ User name ┆ Role   ┆ Serial   ┆ OTP status ┆ Device expires       ┆ Registrable at ┆ Locked │
        ╞══════════╪═══════════╪════════╪══════════╪════════════╪══════════════════════╪════════════════╪════════╡
        │ taro01   ┆ 芳金 太郎 ┆ master ┆ 23456789 ┆ in service ┆ 2026-12-30 (expired) ┆ -              ┆        │
        └──────────┴───────────┴────────┴──────────┴────────────┴──────────────────────┴────────────────┴────────┘
        ");
    let transcript = r
        .run(&["list", "--user", "taro01", "--lang", "ja"])
        .at("2026-12-31T00:00:00+09:00")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        ┌────────────┬───────────┬────────────────┬──────────────┬──────────────────────────┬────────────────────────────┬──────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分     ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限   ┆ 利用登録可能日時 ┆ ロック │
        ╞════════════╪═══════════╪════════════════╪══════════════╪══════════════════════════╪════════════════════════════╪══════════════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ マスターユーザ ┆ 23456789     ┆ サービス利用中           ┆ 2026年12月30日（期限切れ） ┆ -                ┆        │
        └────────────┴───────────┴────────────────┴──────────────┴──────────────────────────┴────────────────────────────┴──────────────────┴────────┘
        ");
}

/// Regression: a closed pipe during pretty JSON (revoke's report) was
/// "cannot write JSON: Broken pipe", exit 1; and a closed pipe turned
/// `expiring --exit-code`'s 10 into 0.
#[test]
fn a_closed_pipe_keeps_the_commands_own_exit_code() {
    let r = Registry::init();
    let mut devices = String::from("serial,secret,expires\n");
    let mut users =
        String::from("login_id,name,role,otp_required,serial\nboss,Boss,master,true,d0\n");
    for i in 0..6000 {
        devices.push_str(&format!(
            "d{i},JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,2026-12-01\n"
        ));
        if i > 0 {
            users.push_str(&format!(
                "user{i:05},A long enough name for a big report {i},general,true,d{i}\n"
            ));
        }
    }
    r.run(&["import", "devices", "-"])
        .stdin(&devices)
        .succeeds();
    r.run(&["import", "users", "-"]).stdin(&users).succeeds();
    for (args, expected) in [
        (
            &[
                "revoke",
                "--as",
                "boss",
                "--expiring-within",
                "30d",
                "--dry-run",
                "--format",
                "json",
            ][..],
            0,
        ),
        (&["expiring", "--exit-code", "--format", "json"][..], 10),
    ] {
        let mut cmd = r.command();
        cmd.args(args).env("TOKENCTL_NOW", NOON_FRIDAY);
        let output = read_a_little_then_close(cmd);
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            without_clock_note(&String::from_utf8_lossy(&output.stderr)),
            "",
            "{args:?}"
        );
    }
}
