//! Issue 21, "the admin at the keyboard, round 2" (SPEC §5.5): one test per
//! numbered item of the issue, named after it, each in both languages where
//! a person reads the result.

use crate::common::*;

const FRIDAY_NIGHT: &str = "2026-11-20T21:00:00+09:00";

/// That `out` exited with `status`, saying `needle` on stderr (and nothing
/// on stdout), for the checks that look at one part of a message whose
/// rest (a fingerprint, a temp path) differs from run to run.
#[track_caller]
fn failed(out: &Out, status: i32, needle: &str) {
    assert_eq!(out.status, status, "{out:#?}");
    assert_eq!(out.stdout, "", "{out:#?}");
    assert!(out.stderr.contains(needle), "{needle:?} not in {out:#?}");
}

/// Item 2: the lockout message named `tokenctl unlock LOGIN`, which fails
/// (`--as` is required). It now names `--as MASTER` and `--recovery`, and
/// the recovery it names works as written.
#[test]
fn item2_lockout_message_names_a_command_that_works() {
    let r = Registry::demo();
    r.lock_taro(FRIDAY_NIGHT);
    for (lang, expected) in [
        (
            "en",
            "error: taro01 is locked after repeated failed verifications; another master must run `tokenctl unlock taro01 --as MASTER`, or, when no master can sign, `tokenctl unlock taro01 --recovery` with the key file\n",
        ),
        (
            "ja",
            "error: taro01 は認証の失敗が続いたためロックされています。別のマスターユーザが `tokenctl unlock taro01 --as MASTER` を実行してください（署名できるマスターユーザがいないときは、鍵ファイルのある端末で `tokenctl unlock taro01 --recovery`）\n",
        ),
    ] {
        let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
        Test::on(&r)
            .args(["--lang", lang, "revoke", "--as", "taro01", "hamako01"])
            .args(["--otp", &code, "--password-stdin", "--yes"])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(4)
            .stderr(expected)
            .run();
    }
    // The command the message names, as written (plus `--yes`: no TTY).
    let out = r
        .run(&["unlock", "taro01", "--recovery", "--yes"])
        .at(FRIDAY_NIGHT)
        .output();
    assert_eq!(out.status, 0, "{out:#?}");
}

/// Item 5 (tries): a wrong password or code says how many tries remain,
/// as the audit row does ("1 of 5").
#[test]
fn item5_a_wrong_code_says_how_many_tries_remain() {
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

/// Item 3: `2031/11/30` (how Excel in Japan saves a date), `2031年11月30日`
/// (tokenctl's own display) and full-width digits are dates; a row of only
/// commas (a row Excel cleared) is skipped like a blank line.
#[test]
fn item3_excel_dates_and_cleared_rows_are_read() {
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

/// Item 3: a users file as `--lang ja list` shows the columns and roles,
/// with `otp_required` as a person writes it (はい/いいえ, yes/no, 1/0).
#[test]
fn item3_roles_headers_and_otp_required_as_people_write_them() {
    let r = Registry::init();
    let users = "ログインID,利用者名,利用者区分,otp_required\n\
                 m1,芳金 一,マスターユーザ,はい\n\
                 g1,芳金 二,一般ユーザ,いいえ\n\
                 g2,芳金 三,general,yes\n\
                 g3,芳金 四,一般,0\n\
                 g4,芳金 五,master,1\n";
    Test::on(&r)
        .args(["--lang", "ja", "import", "users", "-"])
        .stdin(users)
        .stdout("stdin から利用者を 5 名取り込みました。\n")
        .run();
    let list = r.run(&["list", "--format", "json"]).succeeds().json();
    let seen: Vec<(String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let s = |k: &str| u[k].as_str().unwrap().to_string();
            (s("login_id"), s("role"), s("status"))
        })
        .collect();
    let want = |l: &str, r: &str, s: &str| (l.to_string(), r.to_string(), s.to_string());
    assert_eq!(
        seen,
        [
            want("m1", "master", "revoked"),
            want("g1", "general", "not_required"),
            want("g2", "general", "revoked"),
            want("g3", "general", "not_required"),
            want("g4", "master", "revoked"),
        ]
    );
}

/// Item 6: a PSKC container given to `import users` names the command that
/// imports it, in both languages, instead of "unknown column <?xml…".
#[test]
fn item6_a_pskc_container_given_to_import_users_names_import_devices() {
    let r = Registry::init();
    r.file(
        "delivery.pskcxml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KeyContainer Version=\"1.0\"/>\n",
    );
    for (lang, expected) in [
        (
            "en",
            "error: delivery.pskcxml, line 1: this is an XML file, not a users CSV; a PSKC key container is a device delivery: `tokenctl import devices FILE`; nothing was imported\n",
        ),
        (
            "ja",
            "error: delivery.pskcxml の 1 行目：これは利用者の CSV ではなく XML ファイルです。PSKC の鍵コンテナはパスワード生成機の納品なので `tokenctl import devices FILE` で取り込んでください。何も取り込んでいません\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "import", "users", "delivery.pskcxml"])
            .status(2)
            .stderr(expected)
            .run();
    }
}

/// Item 3: login IDs are letters, digits and `.`, `_`, `-`, `@`; names have
/// no bidirectional or zero-width characters and at most 100 characters.
/// Each refusal is exit 2 naming the file and the line.
#[test]
fn item3_login_ids_and_names_are_checked_naming_file_and_line() {
    let r = Registry::init();
    r.file(
        "users.csv",
        "login_id,name,role,otp_required\nok.user@x,Fine,general,false\ntaro/01,T,general,false\n",
    );
    r.file(
        "names.csv",
        "login_id,name,role,otp_required\nu1,\u{202e}evil,general,false\n",
    );
    r.file(
        "long.csv",
        &format!(
            "login_id,name,role,otp_required\nu1,{},general,false\n",
            "名".repeat(101)
        ),
    );
    for (lang, file, expected) in [
        (
            "en",
            "users.csv",
            "error: users.csv, line 3: login_id \"taro/01\" may hold only letters, digits, '.', '_', '-' and '@' (1 to 64); nothing was imported\n",
        ),
        (
            "ja",
            "users.csv",
            "error: users.csv の 3 行目：login_id（ログインID）\"taro/01\" に使えるのは半角英数字と . _ - @ だけです（1〜64 文字）。何も取り込んでいません\n",
        ),
        (
            "en",
            "names.csv",
            "error: names.csv, line 2: name of \"u1\" contains control, bidirectional or zero-width characters; nothing was imported\n",
        ),
        (
            "ja",
            "long.csv",
            "error: long.csv の 2 行目：\"u1\" の name（利用者名）が 100 文字を超えています。何も取り込んでいません\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "import", "users", file])
            .status(2)
            .stderr(expected)
            .run();
    }
}

/// Item 3: an error about a devices file quotes no field but the serial,
/// so a misaligned row cannot show a secret; other values are cut at 40
/// characters.
#[test]
fn item3_a_devices_file_error_quotes_only_the_serial() {
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
    let out = r
        .run(&["import", "users", "-"])
        .stdin(&format!(
            "login_id,name,role,otp_required\n{long},A,general,false\n"
        ))
        .output();
    failed(&out, 2, &format!("\"{}…\"", &long[..40]));
}

/// Item 3: `--excel` writes a cell that a spreadsheet would run as a formula
/// with a leading `'`; plain CSV keeps it as it is.
#[test]
fn item3_excel_output_escapes_formulas() {
    let r = Registry::init();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nu1,\"=HYPERLINK(\"\"http://x\"\")\",general,false\nu2,@SUM(A1),general,false\n")
        .succeeds();
    let excel = r
        .run(&["list", "--format", "csv", "--excel"])
        .succeeds()
        .stdout;
    assert!(
        excel.contains("u1,\"'=HYPERLINK(\"\"http://x\"\")\",general"),
        "{excel}"
    );
    assert!(excel.contains("u2,'@SUM(A1),general"), "{excel}");
    let plain = r.run(&["list", "--format", "csv"]).succeeds().stdout;
    assert!(plain.contains("u2,@SUM(A1),general"), "{plain}");
}

/// Item 8 (durations): months, as a calendar month from today in Japan.
#[test]
fn item8_durations_accept_months() {
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

/// Item 6: a quote left open reads the next rows as one field; the message
/// says so instead of "expected 5 fields, found 2".
#[test]
fn item6_an_open_quote_says_which_quote() {
    let r = Registry::init();
    r.file(
        "open.csv",
        "login_id,name,role,otp_required\nu1,\"Open,general,false\nu2,B,general,false\n",
    );
    for (lang, expected) in [
        (
            "en",
            "error: open.csv, line 2: a quote \" opened on this line is not closed, so the next 1 lines were read as one field (is a quote left open?); close the quote; nothing was imported\n",
        ),
        (
            "ja",
            "error: open.csv の 2 行目：この行で開いた引用符 \" が閉じられていないため、続く 1 行が一つの項目として読まれました（引用符 \" の閉じ忘れではありませんか？）。引用符を閉じてください。何も取り込んでいません\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "import", "users", "open.csv"])
            .status(2)
            .stderr(expected)
            .run();
    }
}

/// Item 6: a missing key file gives the key the registry expects and says
/// to restore it from the backup; a duplicate login ID names `--update`.
#[test]
fn item6_a_missing_key_file_and_a_duplicate_login_name_the_next_step() {
    let r = Registry::demo();
    std::fs::rename(r.key_path(), r.dir.path().join("elsewhere.key")).unwrap();
    for (lang, needle) in [
        ("en", "or restore it from your backup"),
        ("ja", "バックアップから戻してください"),
    ] {
        let out = r
            .run(&["--lang", lang, "unlock", "taro01", "--recovery", "--yes"])
            .output();
        failed(&out, 8, needle);
        let expects = if lang == "en" {
            "the registry expects key "
        } else {
            "レジストリが求める鍵は "
        };
        failed(&out, 8, expects);
    }
    std::fs::rename(r.dir.path().join("elsewhere.key"), r.key_path()).unwrap();
    for (lang, expected) in [
        (
            "en",
            "error: stdin, line 2: login ID \"taro01\" is already in the registry (or earlier in this file); to change existing users, import with --update; nothing was imported\n",
        ),
        (
            "ja",
            "error: stdin の 2 行目：ログインID \"taro01\" はすでにレジストリにあります（またはこのファイルの前の行にあります）。既存の利用者を変更するには --update を付けて取り込んでください。何も取り込んでいません\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "import", "users", "-"])
            .stdin("login_id,name,role,otp_required\ntaro01,T,master,true\n")
            .status(2)
            .stderr(expected)
            .run();
    }
}

/// Runs tokenctl on a pseudo-terminal `columns` wide (as `stty` sets it,
/// which is what `Output::terminal_fit` reads) and returns what it drew.
fn on_terminal(r: &Registry, columns: u16, at: &str, args: &[&str]) -> String {
    use rexpect::session::{Options, spawn_with_options};
    let mut cmd = r.shell(&format!(r#"stty cols {columns} rows 50 && exec "$0" "$@""#));
    cmd.env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("TOKENCTL_NOW", at)
        .args(args);
    let options = Options::new()
        .timeout_ms(Some(10_000))
        .strip_ansi_escape_codes(true);
    let mut session = spawn_with_options(cmd, options).expect("spawn tokenctl on a pty");
    let text = session.exp_eof().expect("tokenctl ends");
    // rexpect hands over one byte per char.
    let bytes: Vec<u8> = text.chars().map(|c| c as u8).collect();
    String::from_utf8_lossy(&bytes).replace('\r', "")
}

/// Whether `cell` is a whole date or instant as tokenctl shows one, in
/// either language (an expired date may carry its mark).
fn whole_date_or_instant(cell: &str) -> bool {
    use chrono::{NaiveDate, NaiveDateTime};
    let cell = cell
        .trim_end_matches(" (expired)")
        .trim_end_matches("（期限切れ）");
    chrono::DateTime::parse_from_rfc3339(cell).is_ok()
        || NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok()
        || NaiveDate::parse_from_str(cell, "%Y年%m月%d日").is_ok()
        || NaiveDateTime::parse_from_str(cell, "%Y-%m-%d %H:%M:%S JST").is_ok()
        || NaiveDateTime::parse_from_str(cell, "%Y年%m月%d日 %H時%M分").is_ok()
        || NaiveDateTime::parse_from_str(cell, "%Y年%m月%d日 %H時%M分%S秒").is_ok()
}

const LOGINS: [&str; 4] = ["taro01", "hamako01", "shiro01", "ichiro01"];
const SERIALS: [&str; 6] = [
    "23456789", "45678909", "34567891", "56789012", "67890123", "78901234",
];

/// Checks every cell of every table in `drawn`: no line wider than
/// `columns`, nothing cut with `…`, and every cell that holds a date, an
/// instant, a login ID or a serial holds the whole of it.
fn every_cell_reads_back(drawn: &str, columns: usize, what: &str) {
    use unicode_width::UnicodeWidthStr;
    assert!(!drawn.contains('…'), "{what}: a cut cell\n{drawn}");
    let mut cells_seen = 0;
    for line in drawn.lines() {
        if line.starts_with(['┌', '╞', '├', '└', '│']) {
            assert!(
                line.width() <= columns,
                "{what}: {} wide: {line}\n{drawn}",
                line.width()
            );
        }
        if !line.starts_with('│') {
            continue;
        }
        for cell in line.trim_matches('│').split('┆').map(str::trim) {
            cells_seen += 1;
            let starts_with_year = cell.len() >= 5
                && cell.as_bytes()[..4].iter().all(|b| b.is_ascii_digit())
                && cell
                    .get(4..)
                    .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('年'));
            if starts_with_year {
                assert!(
                    whole_date_or_instant(cell),
                    "{what}: cut date {cell:?}\n{drawn}"
                );
            }
            for word in cell.split([' ', ',']).filter(|w| !w.is_empty()) {
                if LOGINS
                    .iter()
                    .any(|l| l.starts_with(word) || word.starts_with(&l[..3]))
                {
                    assert!(
                        LOGINS.contains(&word),
                        "{what}: cut login {word:?}\n{drawn}"
                    );
                }
                if word.len() >= 5 && word.bytes().all(|b| b.is_ascii_digit()) {
                    assert!(
                        SERIALS.contains(&word),
                        "{what}: cut serial {word:?}\n{drawn}"
                    );
                }
            }
        }
    }
    if cells_seen == 0 {
        // Prose (`dispose-note`): wrapped to the terminal, by Japanese
        // line-start rules, with the serials and login IDs whole.
        for line in drawn.lines() {
            assert!(line.width() <= columns, "{what}: {line}\n{drawn}");
            assert!(
                !line.starts_with(['。', '、', '）', '」']),
                "{what}: {line}"
            );
        }
        for whole in ["45678909", "56789012", "hamako01"] {
            assert!(drawn.contains(whole), "{what}: {whole}\n{drawn}");
        }
    }
}

/// Item 1: at 80 columns under a PTY, in both languages, the tables (`list`,
/// `devices`, a revocation's dry run, `audit`, `expiring`) leave
/// columns out (and say so) rather than cut a date, an instant, a login ID
/// or a serial; every cell is parsed back. At 120 columns no header breaks
/// inside a word.
#[test]
fn item1_tables_at_80_columns_never_cut_a_date_instant_login_or_serial() {
    let r = Registry::demo();
    r.revoke_as_taro(&["hamako01"], NOON_FRIDAY);
    let at = plus(NOON_FRIDAY, 3600);
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
    .succeeds();
    let later = plus(NOON_FRIDAY, 7200);
    let commands: [&[&str]; 6] = [
        &["list"],
        &["devices"],
        &[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "60d",
            "--dry-run",
        ],
        &["audit"],
        &["expiring", "--within", "60d"],
        &["dispose-note"],
    ];
    for lang in ["en", "ja"] {
        for args in commands {
            let mut all = vec!["--lang", lang];
            all.extend_from_slice(args);
            let drawn = on_terminal(&r, 80, &later, &all);
            every_cell_reads_back(&drawn, 80, &format!("{all:?}"));
            let wide = on_terminal(&r, 120, &later, &all);
            every_cell_reads_back(&wide, 120, &format!("{all:?} at 120"));
        }
        let drawn = on_terminal(&r, 80, &later, &["--lang", lang, "list"]);
        let note = if lang == "en" {
            "Left out to fit the terminal:"
        } else {
            "端末の幅に収めるため"
        };
        assert!(
            drawn.contains(note) && drawn.contains("`--wide`"),
            "{drawn}"
        );
    }
    // At 120 columns the Japanese list's headers break between words, if
    // at all: never `パスワード生成機有効期限` in pieces of two characters.
    let drawn = on_terminal(&r, 120, &later, &["--lang", "ja", "list"]);
    for piece in [
        "パスワード",
        "生成機",
        "有効期限",
        "ワンタイム",
        "利用登録",
        "可能日時",
    ] {
        assert!(drawn.contains(piece), "{piece}: {drawn}");
    }
}

/// Item 7: a device secret is a `シード` (not a private key, `秘密鍵`); the
/// audit chain's head is its latest hash (not `先頭`, "the first row"); a
/// user who never had a device is "not registered", not "revoked"; a user
/// without OTP shows "not required", which `--status` reads back.
#[test]
fn item7_wording_names_what_it_means_and_list_status_reads_back() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nnootp01,No OTP,general,false\n")
        .succeeds();
    for (lang, never, not_required) in [
        ("en", "not registered", "not required"),
        ("ja", "未登録", "利用しない"),
    ] {
        let table = r.run(&["--lang", lang, "list"]).succeeds().stdout;
        let row = |login: &str| {
            table
                .lines()
                .find(|l| l.contains(login))
                .unwrap_or_default()
                .to_string()
        };
        assert!(row("shiro01").contains(never), "{table}");
        assert!(row("nootp01").contains(not_required), "{table}");
        for status in [not_required, never] {
            let listed = r
                .run(&["list", "--status", status, "--format", "json"])
                .succeeds()
                .json();
            assert!(
                !listed.as_array().unwrap().is_empty(),
                "--status {status:?}"
            );
        }
    }
    Test::on(&r)
        .args(["--lang", "ja", "import", "devices", "-"])
        .stdin("serial,secret,expires\n99,,2031-01-01\n")
        .status(2)
        .stderr("error: stdin の 2 行目：パスワード生成機 \"99\"：シードが空です。何も取り込んでいません\n")
        .run();
    let check = r.run(&["--lang", "ja", "check"]).succeeds().stdout;
    assert!(check.contains("監査ログの最新のハッシュ"), "{check}");
    assert!(!check.contains("先頭"), "{check}");
}

/// Item 5 (preview): the confirmation and the dry run show what the status
/// becomes, not `revoked` for a user still in service.
#[test]
fn item5_the_preview_shows_the_status_after_revocation() {
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
        let row = out.stdout.lines().find(|l| l.contains("hamako01")).unwrap();
        assert!(row.contains(becomes), "{}", out.stdout);
    }
}

/// Item 8 (completion): bash offered file names after `--as`; a login ID,
/// serial, code or window is now completed as typed, never as a file.
#[test]
fn item8_bash_completion_offers_no_file_names_after_as() {
    let r = Registry::empty();
    let script = r.run(&["completions", "bash"]).succeeds().stdout;
    for flag in ["--as", "--user", "--serial", "--otp", "--within"] {
        let label = format!("                {flag})\n");
        let mut seen = 0;
        for (at, _) in script.match_indices(&label) {
            let block = &script[at + label.len()..];
            let block = &block[..block.find(";;").unwrap()];
            assert!(!block.contains("compgen -f"), "{flag}: {block}");
            seen += 1;
        }
        assert!(seen > 0, "{flag} is completed somewhere");
    }
    // Files are still completed where a file is asked for.
    let label = "                --targets-file)\n";
    let at = script.find(label).unwrap();
    assert!(script[at..at + 300].contains("compgen -f"));
}

/// Item 8 (help): `--help` and the man page said that `TOKENCTL_NOW` fixes
/// the clock for every command; on a live registry it does so only for
/// commands that change nothing.
#[test]
fn item8_help_says_where_tokenctl_now_is_honoured() {
    let r = Registry::empty();
    let help = r.run(&["--help"]).succeeds().stdout;
    assert!(
        !help.contains("fixes the clock for every command"),
        "{help}"
    );
    assert!(
        help.contains("on a live registry only for commands that change"),
        "{help}"
    );
}

/// Item 8 (passwd): the current password is asked before the new one, and
/// the current password is refused as the new one (exit 2, nothing
/// changed, not counted as a failure).
#[test]
fn item8_passwd_refuses_the_current_password_as_the_new_one() {
    let r = Registry::demo();
    let current = r.file("current.txt", DEMO_PASSWORD);
    let current = current.to_str().unwrap();
    let before = r.snapshot();
    for (lang, expected) in [
        (
            "en",
            "error: the new password of taro01 is the current one; choose another\n",
        ),
        (
            "ja",
            "error: taro01 の新しいパスワードが現在のパスワードと同じです。別のパスワードにしてください\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "passwd", "taro01", "--password-stdin"])
            .args(["--current-password-file", current])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(2)
            .stderr(expected)
            .run();
    }
    assert_eq!(r.snapshot(), before);
}

/// Item 8 (dry run): `revoke --dry-run` needs no credentials, so a master
/// whose own device expired may still look.
#[test]
fn item8_a_dry_run_works_when_the_masters_own_device_expired() {
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

/// Item 8 (audit): a too-early `register` and a refused revocation each
/// leave an audit row (outcome `refused`), and change nothing else.
#[test]
fn item8_a_too_early_register_and_a_refused_revoke_are_audited() {
    let r = Registry::demo();
    r.revoke_as_taro(&["hamako01"], FRIDAY_NIGHT);
    let before = all_but_the_audit(&r);
    let monday = "2026-11-23T10:00:00+09:00";
    let code = code_at(NEW_DEVICE_2.1, monday);
    let out = r
        .run(&[
            "register",
            "--user",
            "hamako01",
            "--serial",
            NEW_DEVICE_2.0,
            "--otp",
            &code,
        ])
        .at(monday)
        .output();
    assert_eq!(out.status, 5, "{out:#?}");
    let out = r
        .revoke_as_taro_with_code(&code_at(TARO_DEVICE.1, monday), &["shiro01"])
        .at(monday)
        .output();
    assert_eq!(out.status, 7, "{out:#?}");
    assert_eq!(all_but_the_audit(&r), before);
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    let refused: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["outcome"] == "refused")
        .map(|row| {
            (
                row["action"].as_str().unwrap(),
                row["actor"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(refused, [("revoke", "taro01"), ("register", "hamako01")]);
}

/// Item 6 (register): an unknown serial is said at once, not "too early"
/// (which the user would learn only after waiting).
#[test]
fn item6_register_names_an_unknown_serial_before_too_early() {
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

/// Item 4: an error on a terminal is wrapped by the one line-breaking
/// routine, in both languages: never inside a `` `command` `` (copy and
/// paste must work), no line starting with `。`, `、` or a closing
/// bracket, English at spaces; continuation lines are indented.
#[test]
fn item4_errors_on_a_terminal_wrap_without_breaking_a_command() {
    use unicode_width::UnicodeWidthStr;
    let r = Registry::demo();
    r.lock_taro(FRIDAY_NIGHT);
    let password = r.file("pw", DEMO_PASSWORD);
    let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
    for lang in ["en", "ja"] {
        let drawn = on_terminal(
            &r,
            60,
            FRIDAY_NIGHT,
            &[
                "--lang",
                lang,
                "revoke",
                "--as",
                "taro01",
                "hamako01",
                "--otp",
                &code,
                "--password-file",
                password.to_str().unwrap(),
                "--yes",
            ],
        );
        for command in [
            "`tokenctl unlock taro01 --as MASTER`",
            "`tokenctl unlock taro01 --recovery`",
        ] {
            assert!(
                drawn.lines().any(|l| l.contains(command)),
                "{lang}: {command} is broken:\n{drawn}"
            );
        }
        let error: Vec<&str> = drawn
            .lines()
            .skip_while(|l| !l.starts_with("error: "))
            .collect();
        assert!(error.len() > 1, "{lang}: wrapped:\n{drawn}");
        for line in &error[1..] {
            assert!(line.starts_with("       "), "{lang}: indented: {line:?}");
            let text = line.trim_start();
            assert!(
                !text.starts_with(['。', '、', '）', '」', ')']),
                "{lang}: {line:?}"
            );
        }
        for line in &error {
            assert!(line.width() <= 60, "{lang}: {} wide: {line}", line.width());
        }
    }
}

/// Item 6 (targets file): an unknown login ID in a targets file is named
/// with the file and line it is on, in both languages.
#[test]
fn item6_an_unknown_login_in_a_targets_file_names_file_and_line() {
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

/// Brief item 7: bash completes `--as` with the registry's masters,
/// `--user` with its login IDs and `--serial` with its serials in service
/// (read with `list`, which needs no key file), from the registry that
/// `--db` names.
#[test]
fn item7_bash_completes_login_ids_and_serials_from_the_registry() {
    let r = Registry::demo();
    let script = r.file(
        "tokenctl.bash",
        &r.run(&["completions", "bash"]).succeeds().stdout,
    );
    let complete = |words: &str, cword: usize| {
        let test = format!(
            "source {}\nCOMP_WORDS=({} {words}); COMP_CWORD={cword}\n\
             _tokenctl \"${{COMP_WORDS[0]}}\" \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\" 2>/dev/null\n\
             echo \"${{COMPREPLY[*]}}\"",
            script.display(),
            bin().display(),
        );
        let out = r.shell(r#"exec bash -c "$1""#).arg(&test).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let db = r.path.display().to_string();
    assert_eq!(complete(&format!("--db {db} revoke --as ''"), 5), "taro01");
    assert_eq!(
        complete(&format!("--db {db} register --user h"), 5),
        "hamako01"
    );
    assert_eq!(
        complete(&format!("--db {db} list --serial ''"), 5),
        "23456789 45678909"
    );
}

/// Item 6 (PSKC): `--pskc-key-file` on a container encrypted under a
/// passphrase names `--pskc-passphrase-file`, in both languages.
#[test]
fn item6_a_key_file_on_a_passphrase_container_names_the_passphrase_option() {
    let r = Registry::init();
    let container = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pskc/rfc6030-figure7.pskcxml");
    let key = r.file("psk.hex", "00112233445566778899aabbccddeeff\n");
    for lang in ["en", "ja"] {
        let out = r
            .run(&[
                "--lang",
                lang,
                "import",
                "devices",
                container.to_str().unwrap(),
                "--pskc-key-file",
                key.to_str().unwrap(),
            ])
            .output();
        failed(&out, 2, "--pskc-passphrase-file");
    }
}

/// Item 1, as a person sees it: `list` and a revocation's dry run at 80
/// columns under a PTY, in both languages (snapshots).
#[test]
fn item1_snapshots_of_tables_at_80_columns() {
    let r = Registry::demo();
    r.revoke_as_taro(&["hamako01"], NOON_FRIDAY);
    let at = plus(NOON_FRIDAY, 600);
    for lang in ["en", "ja"] {
        let mut text = String::new();
        for args in [
            vec!["list"],
            vec!["revoke", "--as", "taro01", "taro01", "--dry-run"],
        ] {
            let mut all = vec!["--lang", lang];
            all.extend(args.iter().copied());
            let drawn = on_terminal(&r, 80, &at, &all);
            text.push_str(&format!("=== {}\n{drawn}\n", args.join(" ")));
        }
        insta::assert_snapshot!(format!("tables_at_80_{lang}"), text);
    }
}

/// Item 4, as a person sees it: a long error wrapped on a 60-column
/// terminal, in both languages (snapshots).
#[test]
fn item4_snapshots_of_an_error_wrapped_at_60_columns() {
    let r = Registry::demo();
    r.lock_taro(FRIDAY_NIGHT);
    for lang in ["en", "ja"] {
        let drawn = on_terminal(
            &r,
            60,
            FRIDAY_NIGHT,
            &["--lang", lang, "unlock", "hamako01", "--as", "taro01"],
        );
        insta::assert_snapshot!(format!("error_wrapped_at_60_{lang}"), drawn);
    }
}
