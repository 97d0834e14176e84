//! `notices` (table, JSON, CSV for a mail merge, letters with `--out`) and
//! `list --status revoked --waiting-over`.

use std::time::Duration;

use rexpect::session::{Options, spawn_with_options};

use crate::common::*;

/// Friday night, after the 20:30 cut-off, before a public holiday on
/// Monday: hamako01 may register from Tuesday 24 November, 08:10.
const REGISTRABLE_AT: &str = "2026-11-24T08:10:00+09:00";
/// Wednesday 2 December, 09:00: hamako01 has waited 8 days and 50 minutes.
const LATER: &str = "2026-12-02T09:00:00+09:00";
const LANGS: [&str; 2] = ["en", "ja"];

/// The demo registry after taro01 revoked hamako01's device on Friday
/// night. shiro01 and ichiro01 use OTP but never had a device: they are
/// not waiting for a new one and get no notice.
fn after_revocation() -> Registry {
    let r = Registry::demo();
    assert_eq!(r.revoke_as_taro(&["hamako01"], FRIDAY_NIGHT).status, 0);
    r
}

fn in_lang<'a>(lang: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--lang", lang];
    all.extend_from_slice(args);
    all
}

/// Byte order marks and CR shown, so a snapshot keeps them.
fn visible(text: &str) -> String {
    text.replace('\u{feff}', "<BOM>").replace('\r', "<CR>")
}

#[test]
fn json_lists_each_revoked_user_once_with_the_revoked_serial_and_whole_days_waited() {
    let r = after_revocation();
    let row = |days: u32| {
        format!(
            "[\n{{\"login_id\":\"hamako01\",\"name\":\"芳金 花子\",\"serial\":\"45678909\",\
             \"registrable_at\":\"2026-11-24T08:10:00+09:00\",\"waiting_days\":{days}}}\n]\n"
        )
    };
    for (at, days) in [
        // Before registration opens, and during its first 24 hours.
        ("2026-11-23T10:00:00+09:00", 0),
        (REGISTRABLE_AT, 0),
        ("2026-11-25T08:09:59+09:00", 0),
        ("2026-11-25T08:10:00+09:00", 1),
        (LATER, 8),
    ] {
        Test::on(&r)
            .args(["notices", "--format", "json"])
            .at(at)
            .stdout(row(days))
            .run();
    }
}

#[test]
fn a_user_who_registered_again_is_no_longer_noticed() {
    let r = after_revocation();
    let code = code_at(NEW_DEVICE_2.1, LATER);
    r.run(&[
        "register",
        "--user",
        "hamako01",
        "--serial",
        NEW_DEVICE_2.0,
        "--otp",
        &code,
    ])
    .at(LATER)
    .output();
    Test::on(&r)
        .args(["notices", "--format", "json"])
        .at(LATER)
        .stdout("[]\n")
        .run();
}

#[test]
fn tables_in_both_languages() {
    let r = after_revocation();
    for lang in LANGS {
        Test::on(&r)
            .args(in_lang(lang, &["notices"]))
            .at(LATER)
            .stdout_with(move |stdout| {
                insta::assert_snapshot!(format!("notices_table_{lang}"), stdout)
            })
            .run();
    }
}

#[test]
fn csv_for_a_mail_merge_plain_and_for_excel_in_both_languages() {
    let r = after_revocation();
    for lang in LANGS {
        let out = Test::on(&r)
            .args(in_lang(lang, &["notices", "--format", "csv"]))
            .at(LATER)
            .stdout_with(move |stdout| {
                insta::assert_snapshot!(format!("notices_csv_{lang}"), stdout)
            })
            .run();
        assert_eq!(
            out.stdout,
            "login_id,name,serial,registrable_at,waiting_days\n\
             hamako01,芳金 花子,45678909,2026-11-24T08:10:00+09:00,8\n"
        );
        let excel = Test::on(&r)
            .args(in_lang(lang, &["notices", "--format", "csv", "--excel"]))
            .at(LATER)
            .stdout_with(move |stdout| {
                insta::assert_snapshot!(format!("notices_excel_{lang}"), visible(stdout))
            })
            .run();
        assert!(excel.stdout.starts_with('\u{feff}'));
        assert_eq!(excel.stdout.matches("\r\n").count(), 2, "{excel:?}");
    }
}

#[test]
fn letters_in_both_languages_one_per_user_in_a_private_directory() {
    use std::os::unix::fs::PermissionsExt;
    let r = after_revocation();
    for lang in LANGS {
        let dir = r.dir.path().join(format!("letters-{lang}/new"));
        let summary = match lang {
            "en" => format!("Wrote 1 letter to {}.\n", dir.display()),
            _ => format!("{} に通知文を 1 通書き出しました。\n", dir.display()),
        };
        Test::on(&r)
            .args(in_lang(lang, &["notices", "--out"]))
            .arg(dir.display().to_string())
            .at(LATER)
            .stdout(summary)
            .run();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        let letter = dir.join("hamako01.txt");
        assert_eq!(mode(&letter), 0o600);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["hamako01.txt"]);
        let text = std::fs::read_to_string(&letter).unwrap();
        insta::assert_snapshot!(format!("notices_letter_{lang}"), text);
    }
}

#[test]
fn letters_are_never_overwritten_and_then_none_is_written() {
    let r = after_revocation();
    let dir = r.dir.path().join("letters");
    let dir_text = dir.display().to_string();
    Test::on(&r)
        .args(["notices", "--out", &dir_text])
        .at(LATER)
        .stdout(format!("Wrote 1 letter to {dir_text}.\n"))
        .run();
    std::fs::write(dir.join("hamako01.txt"), "kept").unwrap();
    // taro01 revokes his own device: a second letter is now due.
    let at = plus(LATER, 60);
    assert_eq!(r.revoke_as_taro(&["taro01"], &at).status, 0);
    Test::on(&r)
        .args(["notices", "--out", &dir_text])
        .at(&at)
        .stderr(format!(
            "error: {dir_text}/hamako01.txt already exists; no letters were written \
             (move the earlier letters away, or choose another --out)\n"
        ))
        .status(1)
        .run();
    assert_eq!(
        std::fs::read_to_string(dir.join("hamako01.txt")).unwrap(),
        "kept"
    );
    assert!(!dir.join("taro01.txt").exists(), "all or nothing");
}

#[test]
fn a_login_id_that_would_leave_the_directory_is_refused_before_anything_is_written() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\n.hidden,隠 太郎,general,true,34567891\n")
        .at(NOON_FRIDAY)
        .succeeds();
    assert_eq!(
        r.revoke_as_taro(&[".hidden", "hamako01"], FRIDAY_NIGHT)
            .status,
        0
    );
    let dir = r.dir.path().join("letters");
    Test::on(&r)
        .args(["notices", "--out"])
        .arg(dir.display().to_string())
        .at(LATER)
        .stderr(
            "error: login ID \".hidden\" cannot name a letter file (it contains / or starts \
             with .); no letters were written\n",
        )
        .status(2)
        .run();
    assert!(!dir.exists(), "nothing created");
}

#[test]
fn nobody_waiting_is_an_empty_array_a_csv_header_and_a_silent_piped_table() {
    let r = Registry::demo();
    Test::on(&r)
        .args(["notices", "--format", "json"])
        .at(LATER)
        .stdout("[]\n")
        .run();
    Test::on(&r)
        .args(["notices", "--format", "csv"])
        .at(LATER)
        .stdout("login_id,name,serial,registrable_at,waiting_days\n")
        .run();
    Test::on(&r).args(["notices"]).at(LATER).run();
    let dir = r.dir.path().join("letters");
    Test::on(&r)
        .args(["notices", "--out"])
        .arg(dir.display().to_string())
        .at(LATER)
        .stdout("Nobody is waiting to register a new device; no letters were written.\n")
        .run();
    assert!(!dir.exists());
    // On a terminal, the whole of what is drawn (nothing else but the note
    // of the fixed clock).
    let drawn: String = ["en", "ja"]
        .map(|lang| {
            let drawn = on_terminal(&r, &["--lang", lang, "notices"]);
            format!("--- {lang}\n{}", drawn.replace("\r\n", "\n"))
        })
        .concat();
    insta::assert_snapshot!(drawn, @"
        --- en
        note: the clock is fixed at 2026-12-02 09:00:00 JST by TOKENCTL_NOW
        Nobody is waiting to register a new device.
        --- ja
        注意：TOKENCTL_NOW により時刻が 2026年12月2日 9時00分 に固定されています
        新しいパスワード生成機の利用登録を待っている利用者はいません。
        ");
}

/// Runs tokenctl on a pseudo-terminal and returns what it drew.
fn on_terminal(r: &Registry, args: &[&str]) -> String {
    let mut cmd = r.shell(r#"stty cols 100 rows 50 && exec "$0" "$@""#);
    cmd.env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("TOKENCTL_NOW", LATER)
        .args(args);
    let options = Options::new()
        .timeout_ms(Some(Duration::from_secs(10).as_millis() as u64))
        .strip_ansi_escape_codes(true);
    let mut session = spawn_with_options(cmd, options).expect("spawn tokenctl on a pty");
    let text = session.exp_eof().expect("tokenctl ends");
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn out_with_csv_is_a_usage_error_and_notices_need_no_key_file() {
    let r = after_revocation();
    Test::on(&r)
        .args(["notices", "--format", "csv", "--out", "letters"])
        .at(LATER)
        .stderr(
            "error: --out writes letters; a CSV for a mail merge is \
             `tokenctl notices --format csv`, without --out\n",
        )
        .status(2)
        .run();
    let missing = r.dir.path().join("no-such.key");
    Test::on(&r)
        .args(["notices", "--format", "csv"])
        .env("TOKENCTL_KEY_FILE", &missing)
        .at(LATER)
        .stdout(
            "login_id,name,serial,registrable_at,waiting_days\n\
             hamako01,芳金 花子,45678909,2026-11-24T08:10:00+09:00,8\n",
        )
        .run();
    assert!(!missing.exists());
}

fn waiting(r: &Registry, at: &str, over: &str) -> Vec<String> {
    let out = r
        .run(&[
            "list",
            "--status",
            "revoked",
            "--waiting-over",
            over,
            "--format",
            "json",
        ])
        .at(at)
        .succeeds();
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn waiting_over_seven_days_starts_one_second_after_seven_days() {
    let r = after_revocation();
    let seven_days = plus(REGISTRABLE_AT, 7 * 86_400);
    assert!(
        waiting(&r, &seven_days, "7d").is_empty(),
        "exactly 7 days is not over"
    );
    assert_eq!(waiting(&r, &plus(&seven_days, 1), "7d"), ["hamako01"]);
    // The project's durations: weeks, Japanese and full-width forms.
    for over in ["1w", "7日", "1週", "７ｄ"] {
        assert!(waiting(&r, &seven_days, over).is_empty(), "{over}");
        assert_eq!(
            waiting(&r, &plus(&seven_days, 1), over),
            ["hamako01"],
            "{over}"
        );
    }
    // Users who never had a device have no registrable-at: never waiting.
    assert_eq!(waiting(&r, &plus(&seven_days, 1), "0d"), ["hamako01"]);
    assert!(waiting(&r, REGISTRABLE_AT, "0d").is_empty());
    // Once registered, nobody waits.
    let at = plus(&seven_days, 1);
    let code = code_at(NEW_DEVICE_2.1, &at);
    r.run(&[
        "register",
        "--user",
        "hamako01",
        "--serial",
        NEW_DEVICE_2.0,
        "--otp",
        &code,
    ])
    .at(&at)
    .output();
    assert!(waiting(&r, &plus(&at, 60), "7d").is_empty());
}

#[test]
fn waiting_over_without_status_revoked_is_a_usage_error() {
    let r = after_revocation();
    let message = "error: --waiting-over selects revoked users who have not registered a new \
                   device; use it with --status revoked\n";
    for args in [
        vec!["list", "--waiting-over", "7d"],
        vec!["list", "--status", "active", "--waiting-over", "7d"],
    ] {
        Test::on(&r)
            .args(args)
            .at(LATER)
            .stderr(message)
            .status(2)
            .run();
    }
    Test::on(&r)
        .args(["--lang", "ja", "list", "--waiting-over", "7d"])
        .at(LATER)
        .stderr(
            "error: --waiting-over は新しいパスワード生成機を利用登録していない失効中の利用者を\
             選ぶものです。--status revoked と一緒に指定してください\n",
        )
        .status(2)
        .run();
}
