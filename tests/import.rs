//! `import users` and `import devices`: one transaction; any bad row is
//! exit 2 naming the file and line, and nothing is imported.

use crate::common::*;

const DEVICES: &str = "serial,secret,expires,digits,period,algorithm
1001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2030-01-31,6,30,SHA1
1002,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJA,2030-01-31,8,60,SHA256
";

#[test]
fn imports_devices_then_users_bound_to_them() {
    let r = Registry::init();
    let transcript = r
        .run(&["import", "devices", "-"])
        .stdin(DEVICES)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Imported 2 devices from stdin.
        ");
    let users = "login_id,name,role,otp_required,serial
m1,Master One,master,true,1001
g1,General One,general,true,1002
g2,General Two,general,true,
n1,No Otp,general,false,
";
    let transcript = r.run(&["import", "users", "-"]).stdin(users).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Imported 4 users from stdin.
        ");
    let list = r.run(&["list", "--format", "json"]).succeeds().json();
    let statuses: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["active", "active", "revoked", "not_required"]);
    assert_eq!(list[1]["expires"], "2030-01-31");
}

#[test]
fn optional_device_columns_take_their_defaults() {
    let r = Registry::init();
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\nd1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2030-01-01\n")
        .succeeds();
    let at = "2026-11-20T12:00:00+09:00";
    let out = r.run(&["otp", "d1", "--at", at]).succeeds();
    assert_eq!(
        out.stdout.trim(),
        totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "SHA1", 6, 30, unix(at))
    );
}

#[test]
fn imports_from_a_file_path() {
    let r = Registry::init();
    let path = r.file("delivery.csv", DEVICES);
    r.run(&["import", "devices", path.to_str().unwrap()])
        .succeeds();
    assert_eq!(r.query_i64("SELECT count(*) FROM devices"), 2);
}

/// Each bad input: (what, kind, CSV, the line that must be named, text in the message).
const BAD_DEVICE_FILES: &[(&str, &str)] = &[
    ("missing column", "serial,secret\n1,GEZDGNBVGY3TQOJQ\n"),
    (
        "unknown column",
        "serial,secret,expires,colour\n1,GEZDGNBVGY3TQOJQ,2030-01-01,red\n",
    ),
    (
        "bad base32",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n2,not-base32!,2030-01-01\n",
    ),
    (
        "impossible date",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-02-30\n",
    ),
    (
        "badly formed date",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,30/01/2030\n",
    ),
    (
        "seven digits",
        "serial,secret,expires,digits\n1,GEZDGNBVGY3TQOJQ,2030-01-01,7\n",
    ),
    (
        "unknown algorithm",
        "serial,secret,expires,algorithm\n1,GEZDGNBVGY3TQOJQ,2030-01-01,MD5\n",
    ),
    (
        "zero period",
        "serial,secret,expires,period\n1,GEZDGNBVGY3TQOJQ,2030-01-01,0\n",
    ),
    (
        "duplicate serial in the file",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n2,GEZDGNBVGY3TQOJQ,2030-01-01\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n",
    ),
    (
        "duplicate of a registered serial",
        "serial,secret,expires\n23456789,GEZDGNBVGY3TQOJQ,2030-01-01\n",
    ),
    (
        "too few fields",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ\n",
    ),
    ("empty secret", "serial,secret,expires\n1,,2030-01-01\n"),
    ("empty file", ""),
];

#[test]
fn every_bad_device_row_is_refused_with_its_line_and_nothing_imported() {
    let r = Registry::demo();
    let mut transcripts = String::new();
    for (what, csv) in BAD_DEVICE_FILES {
        let path = r.file("bad.csv", csv);
        let before = r.snapshot();
        let transcript = r
            .run(&["import", "devices", path.to_str().unwrap()])
            .transcript();
        transcripts.push_str(&format!("--- {what}: {transcript}"));
        assert_eq!(r.snapshot(), before, "{what}: the registry changed");
    }
    insta::assert_snapshot!(transcripts, @r#"
        --- missing column: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 1: missing column "expires"; expected serial,secret,expires,digits,period,algorithm; nothing was imported
        --- unknown column: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 1: unknown column "colour"; expected serial,secret,expires,digits,period,algorithm; nothing was imported
        --- bad base32: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 3: device "2": the secret is not base32 (character 10 is not A-Z or 2-7); nothing was imported
        --- impossible date: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: device "1": expires is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日); nothing was imported
        --- badly formed date: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: device "1": expires is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日); nothing was imported
        --- seven digits: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: device "1": digits is not 6 or 8; nothing was imported
        --- unknown algorithm: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: device "1": algorithm is not SHA1, SHA256 or SHA512; nothing was imported
        --- zero period: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: device "1": period is not a number of seconds from 1 to 3600; nothing was imported
        --- duplicate serial in the file: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 4: serial "1" is already in the registry (or earlier in this file); nothing was imported
        --- duplicate of a registered serial: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: serial "23456789" is already in the registry (or earlier in this file); nothing was imported
        --- too few fields: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: expected 3 fields, found 2; nothing was imported
        --- empty secret: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 2: device "1": the secret is empty; nothing was imported
        --- empty file: exit 2
        [stderr]
        error: [DIR]/bad.csv, line 1: no header; expected serial,secret,expires,digits,period,algorithm; nothing was imported
        "#);
}

const BAD_USER_FILES: &[(&str, &str)] = &[
    ("missing column", "login_id,name,role\na,A,general\n"),
    (
        "unknown column",
        "login_id,name,role,otp_required,email\na,A,general,true,a@x\n",
    ),
    (
        "bad role",
        "login_id,name,role,otp_required\na,A,admin,true\n",
    ),
    (
        "bad otp_required",
        "login_id,name,role,otp_required\na,A,general,maybe\n",
    ),
    (
        "duplicate login in the file",
        "login_id,name,role,otp_required\na,A,general,true\nb,B,general,true\na,C,general,true\n",
    ),
    (
        "duplicate of a registered login",
        "login_id,name,role,otp_required\ntaro01,T,master,true\n",
    ),
    (
        "serial no device has",
        "login_id,name,role,otp_required,serial\na,A,general,true,424242\n",
    ),
    (
        "device for a user without OTP",
        "login_id,name,role,otp_required,serial\na,A,general,false,34567891\n",
    ),
    (
        "empty login",
        "login_id,name,role,otp_required\n,A,general,true\n",
    ),
];

#[test]
fn every_bad_user_row_is_refused_with_its_line_and_nothing_imported() {
    let r = Registry::demo();
    let mut transcripts = String::new();
    for (what, csv) in BAD_USER_FILES {
        let before = r.snapshot();
        let transcript = r.run(&["import", "users", "-"]).stdin(csv).transcript();
        transcripts.push_str(&format!("--- {what}: {transcript}"));
        assert_eq!(r.snapshot(), before, "{what}: the registry changed");
    }
    insta::assert_snapshot!(transcripts, @r#"
        --- missing column: exit 2
        [stderr]
        error: stdin, line 1: missing column "otp_required"; expected login_id,name,role,otp_required,serial; nothing was imported
        --- unknown column: exit 2
        [stderr]
        error: stdin, line 1: unknown column "email"; expected login_id,name,role,otp_required,serial; nothing was imported
        --- bad role: exit 2
        [stderr]
        error: stdin, line 2: role "admin" is not master or general (マスターユーザ or 一般ユーザ); nothing was imported
        --- bad otp_required: exit 2
        [stderr]
        error: stdin, line 2: otp_required "maybe" is not true or false (also 1/0, yes/no, はい/いいえ); nothing was imported
        --- duplicate login in the file: exit 2
        [stderr]
        error: stdin, line 4: login ID "a" is already in the registry (or earlier in this file); to change existing users, import with --update; nothing was imported
        --- duplicate of a registered login: exit 2
        [stderr]
        error: stdin, line 2: login ID "taro01" is already in the registry (or earlier in this file); to change existing users, import with --update; nothing was imported
        --- serial no device has: exit 2
        [stderr]
        error: stdin, line 2: serial "424242" is not in any imported delivery; import the devices first; nothing was imported
        --- device for a user without OTP: exit 2
        [stderr]
        error: stdin, line 2: "a" does not use OTP (otp_required false) but names device "34567891"; nothing was imported
        --- empty login: exit 2
        [stderr]
        error: stdin, line 2: login_id is empty; nothing was imported
        "#);
}

#[test]
fn a_bad_row_late_in_a_large_file_rolls_back_every_earlier_row() {
    let r = Registry::init();
    let mut csv = String::from("login_id,name,role,otp_required\n");
    for i in 0..2000 {
        csv.push_str(&format!("user{i},User {i},general,true\n"));
    }
    csv.push_str("broken,Broken,boss,true\n");
    let before = r.snapshot();
    let transcript = r.run(&["import", "users", "-"]).stdin(&csv).transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 2002: role "boss" is not master or general (マスターユーザ or 一般ユーザ); nothing was imported
        "#);
    assert_eq!(r.snapshot(), before);
    assert_eq!(r.query_i64("SELECT count(*) FROM users"), 0);
}

#[test]
fn a_missing_import_file_is_an_error_that_changes_nothing() {
    let r = Registry::demo();
    let before = r.snapshot();
    let transcript = r.run(&["import", "users", "nope.csv"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: cannot read nope.csv: No such file or directory (os error 2)
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_byte_order_mark_and_blank_lines_are_tolerated() {
    let r = Registry::init();
    r.run(&["import", "users", "-"])
        .stdin("\u{feff}login_id,name,role,otp_required\n\nx,X,general,false\n")
        .succeeds();
    assert_eq!(r.query_i64("SELECT count(*) FROM users"), 1);
}

/// Regression: the csv crate counted lines wrongly in CRLF files, so the
/// line named in the error was one too low.
#[test]
fn a_crlf_file_names_the_right_line() {
    let r = Registry::init();
    let csv = "serial,secret,expires\r\n1,JBSWY3DPEHPK3PXP,2030-01-01\r\n2,JBSWY3DPEHPK3PXP,2030-01-01\r\n3,JBSWY3DPEHPK3PXP,2030-13-01\r\n";
    let transcript = r.run(&["import", "devices", "-"]).stdin(csv).transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 4: device "3": expires is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日); nothing was imported
        "#);
    let good = "login_id,name,role,otp_required\r\na,A,general,false\r\n";
    r.run(&["import", "users", "-"]).stdin(good).succeeds();
    let list = r.run(&["list", "--format", "json"]).succeeds().json();
    assert_eq!(
        list[0]["status"], "not_required",
        "no stray carriage return in values"
    );
}

#[test]
fn names_with_control_characters_and_tiny_secrets_are_refused() {
    let r = Registry::init();
    let transcript = r
        .run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nu9,\u{1b}[31mRED,general,false\n")
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 2: name of "u9" contains control, bidirectional or zero-width characters; nothing was imported
        "#);
    let transcript = r
        .run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n1,JBSW,2030-01-01\n")
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 2: device "1": the secret is too short (16 bits; at least 80 are needed); nothing was imported
        "#);
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n1,JBSWY3DPEHPK3PXP,2030-01-01\n")
        .succeeds();
}

#[test]
fn a_bad_secret_is_reported_by_position_never_by_content() {
    let r = Registry::init();
    let out = r
        .run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n1,JBSWY3DP9HPK3PXP,2030-01-01\n")
        .transcript();
    insta::assert_snapshot!(out, @r#"
        exit 2
        [stderr]
        error: stdin, line 2: device "1": the secret is not base32 (character 9 is not A-Z or 2-7); nothing was imported
        "#);
}

/// The demo's users, as a re-import would give them: hamako01 renamed and
/// made a master, shiro01 no longer using OTP, ichiro01 as before, taro01
/// with the serial of the device he holds, and one new user.
const UPDATED_USERS: &str = "login_id,name,role,otp_required,serial
taro01,芳金 太郎,master,true,23456789
hamako01,山田 花子,master,true,
shiro01,芳金 次郎,general,false,
ichiro01,芳金 一郎,general,true,
saburo01,芳金 三郎,general,true,
";

#[test]
fn import_users_update_changes_name_role_and_otp_required_and_adds_new_login_ids() {
    let r = Registry::demo();
    let out = r
        .run(&["import", "users", "--update", "-"])
        .stdin(UPDATED_USERS)
        .succeeds();
    assert_eq!(
        out.stdout,
        "Imported users from stdin: 1 added, 2 updated, 2 unchanged.\n"
    );
    let hamako = &r.listed("hamako01")[0];
    assert_eq!(hamako["name"], "山田 花子");
    assert_eq!(hamako["role"], "master");
    assert_eq!(hamako["serial"], HAMAKO_DEVICE.0, "the device is kept");
    assert_eq!(hamako["status"], "active");
    assert_eq!(r.listed("shiro01")[0]["status"], "not_required");
    assert_eq!(r.listed("saburo01")[0]["status"], "revoked");
    assert_eq!(r.listed("taro01")[0]["serial"], TARO_DEVICE.0);
    // One audited transaction, saying what it did.
    let audit = r
        .run(&["audit", "--action", "import-users", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1, "{audit:#}");
    assert_eq!(
        audit[0]["detail"],
        "users from stdin (--update): 1 added, 2 updated, 2 unchanged"
    );
    // A new master can sign revocations: the promotion has a row of its own.
    let roles = r
        .run(&["audit", "--action", "role", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(roles.as_array().unwrap().len(), 1, "{roles:#}");
    assert_eq!(roles[0]["targets"], serde_json::json!(["hamako01"]));
    assert_eq!(
        roles[0]["detail"],
        "role general -> master (users file stdin)"
    );
    r.run(&["check"]).succeeds();
    // The same file again changes nothing but is still recorded.
    let transcript = r
        .run(&["--lang", "ja", "import", "users", "--update", "-"])
        .stdin(UPDATED_USERS)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        stdin から利用者を取り込みました：追加 0 件、更新 0 件、変更なし 5 件。
        ");
}

#[test]
fn without_update_an_existing_login_id_is_still_a_bad_row() {
    let r = Registry::demo();
    let before = r.snapshot();
    let transcript = r
        .run(&["import", "users", "-"])
        .stdin(UPDATED_USERS)
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 2: login ID "taro01" is already in the registry (or earlier in this file); to change existing users, import with --update; nothing was imported
        "#);
    assert_eq!(r.snapshot(), before);
}

/// Rows `import users --update` refuses (exit 7): each file starts with a
/// good update and a new user, so "nothing imported" is seen.
const REFUSED_UPDATES: &[(&str, &str)] = &[
    (
        "another serial than the device in service",
        "hamako01,芳金 花子,general,true,56789012",
    ),
    (
        "a serial for a user with no device in service",
        "shiro01,芳金 次郎,general,true,56789012",
    ),
    (
        "otp_required turned off with a device in service",
        "hamako01,芳金 花子,general,false,",
    ),
];

#[test]
fn import_users_update_refuses_a_change_of_device_or_otp_off_in_service_and_imports_nothing() {
    let r = Registry::demo();
    let mut transcripts = String::new();
    for (what, row) in REFUSED_UPDATES {
        let csv = format!(
            "login_id,name,role,otp_required,serial\nichiro01,Ichiro Renamed,master,true,\nnew01,New One,general,true,\n{row}\n"
        );
        let before = r.snapshot();
        let transcript = r
            .run(&["import", "users", "--update", "-"])
            .stdin(&csv)
            .transcript();
        transcripts.push_str(&format!("{what}: {transcript}"));
        assert_eq!(r.snapshot(), before, "{what}: the registry changed");
    }
    insta::assert_snapshot!(transcripts, @"
        another serial than the device in service: exit 7
        [stderr]
        error: the file names device 56789012 for hamako01, who has device 45678909 in service; an import does not change devices (a master revokes, then the user registers the new one); nothing was imported
        a serial for a user with no device in service: exit 7
        [stderr]
        error: the file names device 56789012 for shiro01, who has no device in service; an import does not change devices (the user registers it with `tokenctl register`); nothing was imported
        otp_required turned off with a device in service: exit 7
        [stderr]
        error: the file sets otp_required false for hamako01, who has device 45678909 in service; revoke it first; nothing was imported
        ");
    assert_eq!(r.listed("ichiro01")[0]["name"], "芳金 一郎");
    let transcript = r
        .run(&["--lang", "ja", "import", "users", "--update", "-"])
        .stdin("login_id,name,role,otp_required\nhamako01,芳金 花子,general,false\n")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 7
        [stderr]
        error: ファイルは hamako01 の otp_required を false にしていますが、hamako01 はパスワード生成機 45678909 を利用中です。先に失効してください。何も取り込んでいません
        ");
}

#[test]
fn import_users_update_refuses_two_rows_for_one_login_id() {
    let r = Registry::demo();
    let before = r.snapshot();
    let transcript = r
        .run(&["import", "users", "--update", "-"])
        .stdin("login_id,name,role,otp_required\nhamako01,A,general,true\nhamako01,B,master,true\n")
        .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: stdin, line 3: login ID "hamako01" appears earlier in this file; nothing was imported
        "#);
    assert_eq!(r.snapshot(), before);
}

/// `import` reports the kind, the count and the file in JSON and CSV;
/// `--update` adds what was added, updated and left unchanged.
#[test]
fn import_reports_what_it_read_in_json_and_csv() {
    let r = Registry::init();
    Test::on(&r)
        .args(["--format", "json", "import", "devices", "-"])
        .stdin("serial,secret,expires\nd1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2031-11-30\n")
        .stdout("{\n  \"kind\": \"devices\",\n  \"imported\": 1,\n  \"file\": \"stdin\"\n}\n")
        .run();
    Test::on(&r)
        .args(["--format", "csv", "import", "users", "-"])
        .stdin("login_id,name,role,otp_required,serial\nu1,U One,general,true,d1\n")
        .stdout("kind,imported,file\nusers,1,stdin\n")
        .run();
    Test::on(&r)
        .args(["--format", "csv", "import", "users", "--update", "-"])
        .stdin("login_id,name,role,otp_required,serial\nu1,U Uno,general,true,d1\nu2,U Two,general,false,\n")
        .stdout("kind,imported,added,updated,unchanged,file\nusers,2,1,1,0,stdin\n")
        .run();
}

/// A users file as `--lang ja list` shows the columns and roles,
/// with `otp_required` as a person writes it (はい/いいえ, yes/no, 1/0).
#[test]
fn users_headers_roles_and_otp_required_are_read_as_people_write_them() {
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

/// A PSKC container given to `import users` names the command that
/// imports it, in both languages, instead of "unknown column <?xml…".
#[test]
fn a_pskc_container_given_to_import_users_names_import_devices() {
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

/// Login IDs are letters, digits and `.`, `_`, `-`, `@`; names have
/// no bidirectional or zero-width characters and at most 100 characters.
/// Each refusal is exit 2 naming the file and the line.
#[test]
fn login_ids_and_names_are_checked_naming_file_and_line() {
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

/// A quote left open reads the next rows as one field; the message
/// says so instead of "expected 5 fields, found 2".
#[test]
fn an_open_quote_says_which_quote() {
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

/// A login ID already in the registry (or earlier in the file) names
/// `--update`, in both languages.
#[test]
fn a_duplicate_login_id_names_import_update() {
    let r = Registry::demo();
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
