//! Text in and out, by behaviour: files in Shift_JIS (CP932) or UTF-8,
//! with or without a byte-order mark and CRLF line ends; what people type
//! (full-width forms from an input method, report windows in Japanese);
//! CSV for Excel; and what an error echoes of what it read (nothing secret,
//! long or raw).

use serde_json::Value;

use crate::common::*;

/// `text` as Excel saves CSV in Japan: Shift_JIS (CP932).
fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "{text:?} has no CP932 form");
    bytes.into_owned()
}

/// Writes `bytes` to `name` in the registry's temp dir; returns the path.
fn bytes_file(r: &Registry, name: &str, bytes: &[u8]) -> String {
    let path = r.dir.path().join(name);
    std::fs::write(&path, bytes).expect("write file");
    path.to_str().expect("a UTF-8 temp path").to_string()
}

/// ASCII digits and letters in their full-width forms, as an IME types them.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            other => other,
        })
        .collect()
}

// ---- Files: CP932 or UTF-8, a byte-order mark, CRLF ----

const USERS: &str = "login_id,name,role,otp_required\r\n\
yamada01,山田 太郎,general,true\r\n\
suzuki01,鈴木 花子①,general,false\r\n\
takahashi,髙橋 一郎,master,true\r\n";

fn imported_users(encoding: &[&str], bytes: &[u8]) -> Value {
    let r = Registry::init();
    let path = bytes_file(&r, "users.csv", bytes);
    let mut args = vec!["import", "users", path.as_str()];
    args.extend_from_slice(encoding);
    let transcript = r.run(&args).transcript();
    assert_eq!(
        transcript,
        "exit 0\n[stdout]\nImported 3 users from [DIR]/users.csv.\n"
    );
    r.run(&["list", "--format", "json"]).succeeds().json()
}

#[test]
fn a_cp932_users_file_imports_as_its_utf8_twin() {
    let utf8 = imported_users(&[], USERS.as_bytes());
    assert_eq!(utf8[0]["name"], "山田 太郎");
    assert_eq!(utf8[1]["name"], "鈴木 花子①");
    assert_eq!(imported_users(&[], &cp932(USERS)), utf8, "auto");
    assert_eq!(
        imported_users(&["--encoding", "cp932"], &cp932(USERS)),
        utf8,
        "forced"
    );
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend_from_slice(USERS.as_bytes());
    assert_eq!(imported_users(&["--encoding", "utf-8"], &bom), utf8, "BOM");
}

#[test]
fn a_cp932_users_file_on_stdin_imports_too() {
    let r = Registry::init();
    let path = bytes_file(&r, "users.csv", &cp932(USERS));
    let mut cmd = r.command();
    cmd.args(["import", "users", "-"])
        .stdin(std::fs::File::open(&path).unwrap());
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(r.listed("yamada01")[0]["name"], "山田 太郎");
}

#[test]
fn forced_utf8_on_a_cp932_file_names_the_line_and_imports_nothing() {
    let r = Registry::demo();
    let path = bytes_file(&r, "users.csv", &cp932(USERS));
    let before = r.snapshot();
    let transcript = r
        .run(&["import", "users", &path, "--encoding", "utf-8"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [DIR]/users.csv, line 2: not valid UTF-8; for a Shift_JIS (CP932) file, pass --encoding cp932; nothing was imported
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_file_in_neither_encoding_names_its_line_and_suggests_encoding() {
    let r = Registry::demo();
    // Latin-1 "é" then a comma: neither UTF-8 nor CP932.
    let mut bytes = b"login_id,name,role,otp_required\nx,X,general,false\ny,Y".to_vec();
    bytes.extend_from_slice(b"\xe9,general,false\n");
    let path = bytes_file(&r, "latin1.csv", &bytes);
    let before = r.snapshot();
    let transcript = r.run(&["import", "users", &path]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [DIR]/latin1.csv, line 3: neither UTF-8 nor Shift_JIS (CP932); save the file as UTF-8, or name its encoding with --encoding; nothing was imported
        ");
    let transcript = r
        .run(&["import", "users", &path, "--encoding", "cp932"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [DIR]/latin1.csv, line 3: not valid Shift_JIS (CP932); for a UTF-8 file, pass --encoding utf-8; nothing was imported
        ");
    assert_eq!(r.snapshot(), before);
}

/// `revoke --dry-run` selecting from a targets file in `bytes`.
fn targets_selected(r: &Registry, bytes: &[u8], extra: &[&str]) -> Value {
    let path = bytes_file(r, "targets.txt", bytes);
    let mut args = vec![
        "revoke",
        "--as",
        "taro01",
        "--dry-run",
        "--format",
        "json",
        "--targets-file",
        path.as_str(),
    ];
    args.extend_from_slice(extra);
    let json = r.run(&args).at(NOON_FRIDAY).succeeds().json();
    json["revoked"].clone()
}

#[test]
fn cp932_and_bom_crlf_targets_files_select_as_utf8_does() {
    let r = Registry::demo();
    let plain = targets_selected(&r, b"taro01\nhamako01\n", &[]);
    assert_eq!(plain.as_array().unwrap().len(), 2);
    // A comment in Japanese makes the CP932 file differ from UTF-8.
    let commented = "# 失効する利用者\r\ntaro01\r\nhamako01\r\n";
    assert_eq!(targets_selected(&r, &cp932(commented), &[]), plain);
    assert_eq!(
        targets_selected(&r, &cp932(commented), &["--encoding", "cp932"]),
        plain
    );
    let mut bom_crlf = "\u{feff}".as_bytes().to_vec();
    bom_crlf.extend_from_slice(commented.as_bytes());
    assert_eq!(targets_selected(&r, &bom_crlf, &[]), plain);
    // Full-width login IDs, as typed with an IME.
    let typed = format!("{}\n{}\n", full_width("taro01"), full_width("hamako01"));
    assert_eq!(targets_selected(&r, typed.as_bytes(), &[]), plain);
}

#[test]
fn a_targets_file_forced_to_utf8_names_its_bad_line() {
    let r = Registry::demo();
    let path = bytes_file(&r, "targets.txt", &cp932("taro01\n# 失効\n"));
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--dry-run",
            "--targets-file",
            &path,
            "--encoding",
            "utf-8",
        ])
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: the targets file [DIR]/targets.txt, line 2: not valid UTF-8; for a Shift_JIS (CP932) file, pass --encoding cp932
        ");
}

// ---- What people type: full-width forms, Japanese units ----

#[test]
fn a_cp932_devices_file_with_full_width_serials_imports() {
    let r = Registry::init();
    let csv = "serial,secret,expires\r\n１００１,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2030-01-31\r\n";
    let path = bytes_file(&r, "delivery.csv", &cp932(csv));
    r.run(&["import", "devices", &path]).succeeds();
    r.run(&["otp", "1001", "--at", NOON_FRIDAY]).succeeds();
}

#[test]
fn full_width_codes_login_ids_and_serials_are_read_as_ascii() {
    let r = Registry::demo();
    let code = full_width(&code_at(TARO_DEVICE.1, NOON_FRIDAY));
    r.revoke_as_taro_with_code(&code, &["hamako01"])
        .at(NOON_FRIDAY)
        .succeeds();
    assert_eq!(r.listed("hamako01")[0]["status"], "revoked");
    // Full-width login IDs and serials on the command line, too.
    let at = "2026-11-20T12:30:00+09:00";
    let code = full_width(&code_at(NEW_DEVICE_1.1, at));
    r.run(&[
        "register",
        "--user",
        &full_width("hamako01"),
        "--serial",
        &full_width(NEW_DEVICE_1.0),
        "--otp",
        &code,
    ])
    .at(at)
    .succeeds();
    assert_eq!(r.listed("hamako01")[0]["serial"], NEW_DEVICE_1.0);
}

/// Regression: the window was split at a byte offset, and `30日` panicked
/// inside its last character.
#[test]
fn windows_in_japanese_or_full_width_read_as_their_ascii_twins() {
    let r = Registry::demo();
    let at = "2026-12-01T09:00:00+09:00";
    let report = |within: &str| {
        r.run(&["expiring", "--within", within, "--format", "json"])
            .at(at)
            .succeeds()
            .stdout
    };
    let ascii = report("30d");
    insta::assert_snapshot!(ascii, @r#"
        [
        {"login_id":"taro01","name":"芳金 太郎","serial":"23456789","expires":"2026-12-30","days_left":29,"expired":false,"shared_with":[]},
        {"login_id":"hamako01","name":"芳金 花子","serial":"45678909","expires":"2026-12-30","days_left":29,"expired":false,"shared_with":[]}
        ]
        "#);
    for within in ["30日", "３０日", "30日間", "３０ｄ", "30D"] {
        assert_eq!(report(within), ascii, "{within}");
    }
    let weeks = report("4w");
    for within in ["4週", "4週間", "４週間", "４Ｗ"] {
        assert_eq!(report(within), weeks, "{within}");
    }
}

#[test]
fn a_window_too_large_says_so_not_that_it_is_malformed() {
    let r = Registry::demo();
    let transcript = r.run(&["expiring", "--within", "36501d"]).transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: invalid value '36501d' for '--within <DUR>': "36501d" is too large: at most 36500 days (5214 weeks)

        For more information, try '--help'.
        "#);
    let transcript = r
        .run(&[
            "revoke",
            "--as",
            "taro01",
            "--dry-run",
            "--expiring-within",
            "９９９９９週",
        ])
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: invalid value '９９９９９週' for '--expiring-within <DUR>': "９９９９９週" is too large: at most 36500 days (5214 weeks)

        For more information, try '--help'.
        "#);
    let transcript = r.run(&["expiring", "--within", "30 days"]).transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: invalid value '30 days' for '--within <DUR>': "30 days" is not a duration like 30d, 4w, 3mo, 30日, 4週 or 1か月

        For more information, try '--help'.
        "#);
}

/// `2031/11/30` (how Excel in Japan saves a date), `2031年11月30日`
/// (tokenctl's own display) and full-width digits are dates; a row of only
/// commas (a row Excel cleared) is skipped like a blank line.
#[test]
fn excel_dates_and_cleared_rows_are_read() {
    let r = Registry::init();
    let csv = "serial,secret,expires,digits,period,algorithm\r\n\
               s1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2031/11/30,,,\r\n\
               ,,,,,\r\n\
               s2,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2031年1月5日,,,\r\n\
               s3,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,２０３１/１/６,,,\r\n\
               ,,,,,\r\n";
    Test::on(&r)
        .args(["import", "devices", "-"])
        .stdin(csv)
        .stdout("Imported 3 devices from stdin.\n")
        .run();
    let users = "login_id,name,role,otp_required,serial\n\
                 u1,One,general,true,s1\n,,,,\n,,,,\nu2,Two,general,true,s2\n";
    Test::on(&r)
        .args(["import", "users", "-"])
        .stdin(users)
        .stdout("Imported 2 users from stdin.\n")
        .run();
    let list = r.run(&["list", "--format", "json"]).succeeds().json();
    assert_eq!(list[0]["expires"], "2031-11-30");
    assert_eq!(list[1]["expires"], "2031-01-05");
}

/// A window in months (`1か月`, `1ヶ月`, `1mo`, full-width too) is a
/// calendar month from today in Japan.
#[test]
fn windows_in_months_are_calendar_months() {
    let r = Registry::demo();
    // The demo devices expire on 30 December 2026: within a month of
    // 30 November, not of 29 November.
    for within in ["1か月", "1ヶ月", "1カ月", "1mo", "１ヶ月"] {
        let out = r
            .run(&["expiring", "--within", within, "--format", "json"])
            .at("2026-11-30T10:00:00+09:00")
            .succeeds();
        assert_eq!(out.json().as_array().unwrap().len(), 2, "{within}");
        let out = r
            .run(&["expiring", "--within", within, "--format", "json"])
            .at("2026-11-29T10:00:00+09:00")
            .succeeds();
        assert_eq!(out.json(), serde_json::json!([]), "{within}");
    }
}

// ---- CSV for Excel ----

#[test]
fn excel_csv_has_a_bom_and_crlf() {
    let r = Registry::demo();
    let out = r
        .run(&["list", "--user", "taro01", "--format", "csv", "--excel"])
        .at(NOON_FRIDAY)
        .succeeds();
    assert_eq!(
        out.stdout,
        "\u{feff}login_id,name,role,serial,status,expires,registrable_at,locked\r\n\
         taro01,芳金 太郎,master,23456789,active,2026-12-30,,false\r\n"
    );
    // Streamed CSV (the expiring report) goes through the same writer.
    // (The mark and the carriage returns shown, as a snapshot would lose
    // them.)
    let out = r
        .run(&["expiring", "--format", "csv", "--excel"])
        .at("2026-12-01T09:00:00+09:00")
        .succeeds();
    let shown = out
        .stdout
        .replace('\u{feff}', "<BOM>")
        .replace('\r', "<CR>");
    insta::assert_snapshot!(shown, @"
        <BOM>login_id,name,serial,expires,days_left,expired,shared_with<CR>
        taro01,芳金 太郎,23456789,2026-12-30,29,false,<CR>
        hamako01,芳金 花子,45678909,2026-12-30,29,false,<CR>
        ");
    // Nothing to report: nothing at all, not even the mark.
    let out = r
        .run(&["expiring", "--within", "0d", "--format", "csv", "--excel"])
        .at(NOON_FRIDAY)
        .succeeds();
    assert_eq!(out.stdout, "");
    // Without --excel, plain CSV.
    let plain = r
        .run(&["list", "--user", "taro01", "--format", "csv"])
        .succeeds();
    assert_eq!(
        plain.stdout,
        "login_id,name,role,serial,status,expires,registrable_at,locked\n\
         taro01,芳金 太郎,master,23456789,active,2026-12-30,,false\n"
    );
}

#[test]
fn excel_without_csv_is_a_usage_error() {
    let r = Registry::demo();
    let transcript = r.run(&["list", "--excel"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: --excel shapes CSV for Excel; use it with --format csv
        ");
    let transcript = r.run(&["list", "--format", "json", "--excel"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: --excel shapes CSV for Excel; use it with --format csv
        ");
}

/// `--excel` writes a cell that a spreadsheet would run as a formula
/// with a leading `'`; plain CSV keeps it as it is.
#[test]
fn excel_output_escapes_formulas() {
    let r = Registry::init();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nu1,\"=HYPERLINK(\"\"http://x\"\")\",general,false\nu2,@SUM(A1),general,false\n")
        .succeeds();
    let excel = r
        .run(&["list", "--format", "csv", "--excel"])
        .succeeds()
        .stdout;
    // The rows in question, whatever the other columns (expiry, status)
    // say: the escape is what is checked here, the list is pinned whole in
    // tests/list.rs.
    assert!(
        excel.contains("u1,\"'=HYPERLINK(\"\"http://x\"\")\",general"),
        "{excel}"
    );
    assert!(excel.contains("u2,'@SUM(A1),general"), "{excel}");
    let plain = r.run(&["list", "--format", "csv"]).succeeds().stdout;
    assert!(plain.contains("u2,@SUM(A1),general"), "{plain}");
}

// ---- What an error echoes ----

/// Regression: a stray quote in the header made the "unknown column" error
/// quote the rest of the file, every device's secret included.
#[test]
fn a_stray_quote_in_the_header_echoes_no_secret() {
    let r = Registry::init();
    let csv = format!(
        "serial,\"secret,expires\n1,{},2030-01-01\n2,{},2030-01-01\n",
        TARO_DEVICE.1, HAMAKO_DEVICE.1
    );
    let transcript = r.run(&["import", "devices", "-"]).stdin(&csv).transcript();
    // One line, naming the column, quoting none of the rows.
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: stdin, line 1: unknown column (a value spanning 3 lines: is a quote left open?); expected serial,secret,expires,digits,period,algorithm; nothing was imported
        ");
}

#[test]
fn a_file_name_with_an_escape_sequence_is_echoed_escaped() {
    let r = Registry::init();
    let name = "red\u{1b}[31m.csv";
    // Compared whole: the escape character shows only written out.
    let transcript = r.run(&["import", "users", name]).transcript();
    insta::assert_snapshot!(transcript, @r"
        exit 2
        [stderr]
        error: cannot read red\u{1b}[31m.csv: No such file or directory (os error 2)
        ");
    // An existing file: the summary and the audit log escape it too.
    r.file(name, "login_id,name,role,otp_required\nx,X,general,false\n");
    let transcript = r.run(&["import", "users", name]).transcript();
    insta::assert_snapshot!(transcript, @r"
        exit 0
        [stdout]
        Imported 1 user from red\u{1b}[31m.csv.
        ");
    let audit = r.run(&["audit"]).transcript();
    insta::assert_snapshot!(audit, @r"
        exit 0
        [stdout]
        ┌─────────────────────────┬─────────┬──────────────┬─────────┬─────────┬──────────────────────────────────────────────────────────────────────────────────────────────────────┬────────┐
        │ At                      ┆ Actor   ┆ Action       ┆ Targets ┆ Outcome ┆ Detail                                                                                               ┆ Clock  │
        ╞═════════════════════════╪═════════╪══════════════╪═════════╪═════════╪══════════════════════════════════════════════════════════════════════════════════════════════════════╪════════╡
        │ [TIME] JST ┆ os:root ┆ import-users ┆         ┆ ok      ┆ 1 users from red\u{1b}[31m.csv                                                                       ┆ system │
        │ [TIME] JST ┆ os:root ┆ init         ┆         ┆ ok      ┆ created a simulation registry [DIR]/registry.db under key [HEX] ┆ system │
        └─────────────────────────┴─────────┴──────────────┴─────────┴─────────┴──────────────────────────────────────────────────────────────────────────────────────────────────────┴────────┘
        ");
    // A login ID typed with one.
    let transcript = r.run(&["list", "--user", "x\u{1b}[2J"]).transcript();
    insta::assert_snapshot!(transcript, @r"
        exit 6
        [stderr]
        error: unknown login ID: x\u{1b}[2J
        ");
}

/// An error about a devices file quotes no field but the serial,
/// so a misaligned row cannot show a secret; other values are cut at 40
/// characters.
#[test]
fn a_devices_file_error_quotes_only_the_serial() {
    let r = Registry::init();
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    // The secret slid into the expires column.
    r.file("d.csv", &format!("serial,secret,expires\nd1,,{secret}\n"));
    r.file(
        "d2.csv",
        &format!("serial,secret,expires,digits\nd2,{secret},2031-01-01,{secret}\n"),
    );
    for (lang, file, expected) in [
        (
            "en",
            "d.csv",
            "error: d.csv, line 2: device \"d1\": the secret is empty; nothing was imported\n",
        ),
        (
            "en",
            "d2.csv",
            "error: d2.csv, line 2: device \"d2\": digits is not 6 or 8; nothing was imported\n",
        ),
        (
            "ja",
            "d2.csv",
            "error: d2.csv の 2 行目：パスワード生成機 \"d2\"：digits（桁数）は 6 か 8 にしてください。何も取り込んでいません\n",
        ),
    ] {
        let out = Test::on(&r)
            .args(["--lang", lang, "import", "devices", file])
            .status(2)
            .stderr(expected)
            .run();
        assert!(!out.stderr.contains(&secret[..8]));
    }
    let long = "x".repeat(70);
    Test::on(&r)
        .args(["import", "users", "-"])
        .stdin(format!(
            "login_id,name,role,otp_required\n{long},A,general,false\n"
        ))
        .status(2)
        .stderr("error: stdin, line 2: login_id \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\" must be at most 64 characters without spaces; nothing was imported\n")
        .run();
}
