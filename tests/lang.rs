//! Japanese throughout, and tables that fit: every command's main outputs
//! and errors with `--lang ja` hold no English sentence, and on an
//! 80-column terminal the tables of `list`, `audit` and `expiring` are at
//! most 80 columns wide in both languages (display width, a Japanese
//! character taking two), while piped output is never cut.

use std::time::Duration;

use rexpect::session::{Options, spawn_with_options};
use tokenctl::catalogue::english_run;
use unicode_width::UnicodeWidthStr;

use crate::common::*;

/// Monday afternoon: hamako01 (revoked at noon on Friday) may register.
const MONDAY: &str = "2026-11-23T13:00:00+09:00";

/// The audit details recorded so far: recorded in English, they are data
/// (like names) and shown as recorded.
fn audit_details(r: &Registry) -> Vec<String> {
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    audit
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| row["detail"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The path of a PSKC container of fixtures/pskc/.
fn pskc_fixture(name: &str) -> String {
    format!("{}/fixtures/pskc/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Fails when a line of `out`, audit details aside, holds an English
/// sentence.
#[track_caller]
fn japanese_only(what: &str, out: &Out, details: &[String]) {
    for line in out.stdout.lines().chain(out.stderr.lines()) {
        let mut line = line.to_string();
        for detail in details.iter().filter(|d| !d.is_empty()) {
            line = line.replace(detail.as_str(), "");
        }
        assert_eq!(
            english_run(&line),
            None,
            "{what}: English in {line:?}\n{out:#?}"
        );
    }
}

#[test]
fn with_lang_ja_no_command_speaks_english() {
    let r = Registry::empty();
    let ja = |args: &[&str]| {
        let mut all = vec!["--lang", "ja"];
        all.extend_from_slice(args);
        r.run(&all)
    };
    let mut seen: Vec<(String, Out)> = Vec::new();
    let mut keep = |what: &str, out: Out| seen.push((what.to_string(), out));

    keep("no registry", ja(&["list"]).fails(8));
    keep("init", ja(&["init", "--demo"]).at(NOON_FRIDAY).succeeds());
    keep("list", ja(&["list"]).at(NOON_FRIDAY).succeeds());
    keep(
        "dry run",
        ja(&[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "60d",
            "--dry-run",
        ])
        .at(NOON_FRIDAY)
        .succeeds(),
    );
    keep(
        "no terminal for the selection",
        ja(&["revoke", "--as", "taro01"]).at(NOON_FRIDAY).fails(2),
    );
    keep(
        "wrong password",
        r.revoke_as_taro_with_code(
            &code_at(TARO_DEVICE.1, NOON_FRIDAY),
            &["hamako01", "--lang", "ja"],
        )
        .stdin("not the password")
        .at(NOON_FRIDAY)
        .fails(3),
    );
    keep(
        "revoke",
        r.revoke_as_taro_with_code(
            &code_at(TARO_DEVICE.1, &plus(NOON_FRIDAY, 60)),
            &["hamako01", "--lang", "ja"],
        )
        .at(&plus(NOON_FRIDAY, 60))
        .succeeds(),
    );
    keep(
        "already revoked",
        ja(&["revoke", "--as", "taro01", "hamako01", "--dry-run"])
            .at(NOON_FRIDAY)
            .fails(7),
    );
    keep(
        "revoked users",
        ja(&["list", "--status", "revoked"])
            .at(NOON_FRIDAY)
            .succeeds(),
    );
    keep(
        "unknown user",
        ja(&["list", "--user", "nobody"]).at(NOON_FRIDAY).fails(6),
    );
    let (serial, secret) = NEW_DEVICE_2;
    let early = plus(NOON_FRIDAY, 600);
    keep(
        "too early",
        ja(&[
            "register",
            "--user",
            "hamako01",
            "--serial",
            serial,
            "--otp",
            &code_at(secret, &early),
        ])
        .at(&early)
        .fails(5),
    );
    keep(
        "malformed code",
        ja(&[
            "register", "--user", "hamako01", "--serial", serial, "--otp", "12ab",
        ])
        .at(MONDAY)
        .fails(2),
    );
    keep(
        "register",
        ja(&[
            "register",
            "--user",
            "hamako01",
            "--serial",
            serial,
            "--otp",
            &code_at(secret, MONDAY),
        ])
        .at(MONDAY)
        .succeeds(),
    );
    keep(
        "expiring",
        ja(&["expiring", "--within", "60d"]).at(MONDAY).succeeds(),
    );
    keep(
        "expiring summary",
        ja(&["expiring", "--summary"]).at(MONDAY).succeeds(),
    );
    keep(
        "window too large",
        ja(&["expiring", "--within", "100000d"]).fails(2),
    );
    keep("dispose-note", ja(&["dispose-note"]).at(MONDAY).succeeds());
    keep(
        "mark disposed",
        ja(&["dispose-note", HAMAKO_DEVICE.0, "--mark-disposed"])
            .at(MONDAY)
            .succeeds(),
    );
    keep(
        "disposed device",
        ja(&[
            "register",
            "--user",
            "shiro01",
            "--serial",
            HAMAKO_DEVICE.0,
            "--otp",
            "123456",
        ])
        .at(MONDAY)
        .fails(7),
    );
    r.file(
        "bad.csv",
        "login_id,name,role,otp_required\nx1,X,boss,true\n",
    );
    keep("bad row", ja(&["import", "users", "bad.csv"]).fails(2));
    r.file(
        "users.csv",
        "login_id,name,role,otp_required\njiro05,芳金 五郎,general,true\n",
    );
    keep(
        "import",
        ja(&["import", "users", "users.csv"]).at(MONDAY).succeeds(),
    );
    keep(
        "missing file",
        ja(&["import", "devices", "missing.csv"]).fails(2),
    );
    // PSKC refusals: the reason in Japanese, the key's Id and the
    // container's element names as written, no passphrase quoted.
    let wrong = r.file("wrong.passphrase", "かきくけこ-2026\n");
    let wrong = wrong.to_str().expect("UTF-8 path");
    for (what, file, extra, code, says) in [
        (
            "pskc wrong passphrase",
            "pbkdf2.pskcxml",
            vec!["--pskc-passphrase-file", wrong],
            3,
            "パスフレーズが正しくありません",
        ),
        (
            "pskc hotp key",
            "refuse-hotp.pskcxml",
            vec![],
            2,
            "キー bad：アルゴリズムが urn:ietf:params:xml:ns:keyprov:pskc:hotp です",
        ),
        (
            "pskc no serial",
            "refuse-no-serial.pskcxml",
            vec![],
            2,
            "キー bad：パスワード生成機のシリアル番号（DeviceInfo/SerialNo）がありません",
        ),
        (
            "pskc no key option",
            "aes128.pskcxml",
            vec![],
            2,
            "事前共有鍵で暗号化されています。鍵（16進数）を --pskc-key-file で指定してください",
        ),
    ] {
        let path = pskc_fixture(file);
        let mut args = vec!["import", "devices", path.as_str()];
        args.extend(extra);
        let out = ja(&args).fails(code);
        out.stderr_has(says).stderr_has("何も取り込んでいません");
        assert!(!out.stderr.contains("かきくけこ"), "{what}: {out:#?}");
        keep(what, out);
    }
    keep("otp", ja(&["otp", serial]).at(MONDAY).succeeds());
    keep(
        "recovery",
        ja(&["unlock", "shiro01", "--recovery", "--yes"])
            .at(MONDAY)
            .succeeds(),
    );
    r.file("current.txt", DEMO_PASSWORD);
    r.file("new.txt", "a new password 2026");
    keep(
        "passwd",
        ja(&[
            "passwd",
            "taro01",
            "--password-file",
            "new.txt",
            "--current-password-file",
            "current.txt",
        ])
        .at(MONDAY)
        .succeeds(),
    );
    keep("check", ja(&["check"]).succeeds());
    keep("audit", ja(&["audit"]).succeeds());
    keep("demo", ja(&["demo"]).succeeds());

    let details = audit_details(&r);
    for (what, out) in &seen {
        japanese_only(what, out, &details);
    }
    // The check has teeth: the same commands in English are caught.
    let english = r.run(&["list", "--user", "nobody"]).fails(6);
    assert!(english_run(&english.stderr).is_some(), "{english:?}");
}

#[test]
fn check_reports_an_edited_audit_row_in_japanese_and_its_json_in_english() {
    let r = Registry::demo();
    r.sql(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; \
         UPDATE audit SET detail = 'nothing happened' WHERE id = 1;",
    );
    let out = r.run(&["--lang", "ja", "check"]).output();
    assert_eq!(out.status, 9, "{out:#?}");
    out.stderr_has("check: audit: 監査ログの 1 行目を検証できません")
        .stdout_has("レジストリが改ざんされているか、破損しています。");
    japanese_only("check finding", &out, &[]);
    // The JSON report is for scripts: the kind and the detail as in English.
    let json = r
        .run(&["--lang", "ja", "check", "--format", "json"])
        .output();
    assert_eq!(json.status, 9, "{json:#?}");
    let json = json.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["findings"][0]["kind"], "audit");
    assert_eq!(
        json["findings"][0]["detail"],
        "audit row 1 does not verify: it was changed, inserted or moved, or a row before it was removed"
    );
    // And stderr in English says the same as the JSON.
    let english = r.run(&["--lang", "en", "check"]).output();
    assert_eq!(english.status, 9, "{english:#?}");
    english.stderr_has("check: audit: audit row 1 does not verify: it was changed");
}

/// A quote left open runs a field on through the rows after it: the note
/// that replaces the field is in the user's language, and shows none of
/// the rows it swallowed.
#[test]
fn a_field_spanning_lines_is_noted_in_japanese() {
    let r = Registry::demo();
    let (serial, secret) = NEW_DEVICE_3;
    r.file(
        "open-quote.csv",
        &format!(
            "serial,secret,expires\nd1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,\"2030-01-01\n{serial},{secret},2030-01-01\n"
        ),
    );
    let before = r.snapshot();
    let out = r
        .run(&["--lang", "ja", "import", "devices", "open-quote.csv"])
        .fails(2);
    out.stderr_has("引用符 \" の閉じ忘れではありませんか")
        .stderr_has("何も取り込んでいません");
    japanese_only("open quote", &out, &[]);
    assert!(!out.stderr.contains(secret), "{out:#?}");
    r.run(&["import", "devices", "open-quote.csv"])
        .fails(2)
        .stderr_has("is a quote left open?");
    assert_eq!(r.snapshot(), before);
}

/// Runs tokenctl on a pseudo-terminal `columns` wide and returns what it
/// drew.
fn on_terminal(r: &Registry, columns: u16, at: &str, args: &[&str]) -> String {
    let mut cmd = r.shell(&format!(r#"stty cols {columns} rows 50 && exec "$0" "$@""#));
    cmd.env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("TOKENCTL_NOW", at)
        .args(args);
    let options = Options::new()
        .timeout_ms(Some(Duration::from_secs(10).as_millis() as u64))
        .strip_ansi_escape_codes(true);
    let mut session = spawn_with_options(cmd, options).expect("spawn tokenctl on a pty");
    let text = session.exp_eof().expect("tokenctl ends");
    // rexpect hands over one byte per char.
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The lines of a drawn table.
fn table_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .collect()
}

#[test]
fn tables_fit_an_80_column_terminal_in_both_languages() {
    let r = Registry::demo();
    r.revoke_as_taro(&["hamako01"], NOON_FRIDAY);
    let at = plus(NOON_FRIDAY, 600);
    for lang in ["en", "ja"] {
        for args in [
            vec!["list"],
            vec!["audit"],
            vec!["expiring", "--within", "60d"],
        ] {
            let mut all = vec!["--lang", lang];
            all.extend(args.iter().copied());
            let drawn = on_terminal(&r, 80, &at, &all);
            let lines = table_lines(&drawn);
            assert!(!lines.is_empty(), "{all:?} drew no table:\n{drawn}");
            for line in lines {
                assert!(
                    line.width() <= 80,
                    "{all:?}: {} columns: {line}\n{drawn}",
                    line.width()
                );
            }
            // --wide keeps the full width, as a pipe gets it.
            let mut wide = all.clone();
            wide.push("--wide");
            let full = table_lines(&on_terminal(&r, 80, &at, &wide))
                .iter()
                .map(|l| l.width())
                .max();
            let piped = r.run(&all).at(&at).succeeds().stdout;
            let piped_width = table_lines(&piped).iter().map(|l| l.width()).max();
            assert_eq!(full, piped_width, "{all:?} --wide is the piped width");
            if args[0] != "expiring" {
                assert!(piped_width > Some(80), "{all:?} is wider than 80 in full");
            }
        }
    }
}

/// The tables of `devices` and `history`, drawn on an 80-column terminal in
/// both languages: nothing wider, and no serial, login ID, date or instant
/// cut (snapshots).
#[test]
fn device_tables_at_80_columns_in_both_languages() {
    let r = crate::devices::every_state();
    let at = crate::devices::NEW_YEAR;
    for lang in ["en", "ja"] {
        for (name, args) in [
            ("devices", vec!["devices"]),
            ("history_serial", vec!["history", "--serial", "45678909"]),
            ("history_user", vec!["history", "--user", "ichiro01"]),
        ] {
            let mut all = vec!["--lang", lang];
            all.extend(args.iter().copied());
            let drawn = on_terminal(&r, 80, at, &all);
            let drawn: String = drawn
                .lines()
                .map(|l| format!("{}\n", l.trim_end_matches('\r')))
                .collect();
            for line in table_lines(&drawn) {
                assert!(line.width() <= 80, "{all:?}: {line}\n{drawn}");
            }
            insta::assert_snapshot!(format!("{name}_{lang}_80"), drawn);
        }
    }
}
