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
    r.run(&["import", "devices", "-"])
        .stdin(DEVICES)
        .succeeds()
        .stdout_has("Imported 2 devices");
    let users = "login_id,name,role,otp_required,serial
m1,Master One,master,true,1001
g1,General One,general,true,1002
g2,General Two,general,true,
n1,No Otp,general,false,
";
    r.run(&["import", "users", "-"])
        .stdin(users)
        .succeeds()
        .stdout_has("Imported 4 users");
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
const BAD_DEVICE_FILES: &[(&str, &str, u64, &str)] = &[
    (
        "missing column",
        "serial,secret\n1,GEZDGNBVGY3TQOJQ\n",
        1,
        "missing column \"expires\"",
    ),
    (
        "unknown column",
        "serial,secret,expires,colour\n1,GEZDGNBVGY3TQOJQ,2030-01-01,red\n",
        1,
        "unknown column \"colour\"",
    ),
    (
        "bad base32",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n2,not-base32!,2030-01-01\n",
        3,
        "base32",
    ),
    (
        "impossible date",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-02-30\n",
        2,
        "not a date",
    ),
    (
        "badly formed date",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,30/01/2030\n",
        2,
        "not a date",
    ),
    (
        "seven digits",
        "serial,secret,expires,digits\n1,GEZDGNBVGY3TQOJQ,2030-01-01,7\n",
        2,
        "digits",
    ),
    (
        "unknown algorithm",
        "serial,secret,expires,algorithm\n1,GEZDGNBVGY3TQOJQ,2030-01-01,MD5\n",
        2,
        "algorithm",
    ),
    (
        "zero period",
        "serial,secret,expires,period\n1,GEZDGNBVGY3TQOJQ,2030-01-01,0\n",
        2,
        "period",
    ),
    (
        "duplicate serial in the file",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n2,GEZDGNBVGY3TQOJQ,2030-01-01\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n",
        4,
        "is already in the registry",
    ),
    (
        "duplicate of a registered serial",
        "serial,secret,expires\n23456789,GEZDGNBVGY3TQOJQ,2030-01-01\n",
        2,
        "is already in the registry",
    ),
    (
        "too few fields",
        "serial,secret,expires\n1,GEZDGNBVGY3TQOJQ\n",
        2,
        "fields",
    ),
    (
        "empty secret",
        "serial,secret,expires\n1,,2030-01-01\n",
        2,
        "secret",
    ),
    ("empty file", "", 1, "header"),
];

#[test]
fn every_bad_device_row_is_refused_with_its_line_and_nothing_imported() {
    let r = Registry::demo();
    for (what, csv, line, message) in BAD_DEVICE_FILES {
        let path = r.file("bad.csv", csv);
        let before = r.snapshot();
        let out = r
            .run(&["import", "devices", path.to_str().unwrap()])
            .fails(2);
        out.stderr_has(&format!("bad.csv, line {line}:"))
            .stderr_has(message);
        assert_eq!(r.snapshot(), before, "{what}: the registry changed");
    }
}

const BAD_USER_FILES: &[(&str, &str, u64, &str)] = &[
    (
        "missing column",
        "login_id,name,role\na,A,general\n",
        1,
        "missing column \"otp_required\"",
    ),
    (
        "unknown column",
        "login_id,name,role,otp_required,email\na,A,general,true,a@x\n",
        1,
        "unknown column",
    ),
    (
        "bad role",
        "login_id,name,role,otp_required\na,A,admin,true\n",
        2,
        "role",
    ),
    (
        "bad otp_required",
        "login_id,name,role,otp_required\na,A,general,maybe\n",
        2,
        "otp_required",
    ),
    (
        "duplicate login in the file",
        "login_id,name,role,otp_required\na,A,general,true\nb,B,general,true\na,C,general,true\n",
        4,
        "is already in the registry",
    ),
    (
        "duplicate of a registered login",
        "login_id,name,role,otp_required\ntaro01,T,master,true\n",
        2,
        "is already in the registry",
    ),
    (
        "serial no device has",
        "login_id,name,role,otp_required,serial\na,A,general,true,424242\n",
        2,
        "424242",
    ),
    (
        "device for a user without OTP",
        "login_id,name,role,otp_required,serial\na,A,general,false,34567891\n",
        2,
        "does not use OTP",
    ),
    (
        "empty login",
        "login_id,name,role,otp_required\n,A,general,true\n",
        2,
        "login_id",
    ),
];

#[test]
fn every_bad_user_row_is_refused_with_its_line_and_nothing_imported() {
    let r = Registry::demo();
    for (what, csv, line, message) in BAD_USER_FILES {
        let before = r.snapshot();
        let out = r.run(&["import", "users", "-"]).stdin(csv).fails(2);
        out.stderr_has(&format!("stdin, line {line}:"))
            .stderr_has(message);
        assert_eq!(r.snapshot(), before, "{what}: the registry changed");
    }
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
    r.run(&["import", "users", "-"])
        .stdin(&csv)
        .fails(2)
        .stderr_has("line 2002");
    assert_eq!(r.snapshot(), before);
    assert_eq!(r.query_i64("SELECT count(*) FROM users"), 0);
}

#[test]
fn a_missing_import_file_is_an_error_that_changes_nothing() {
    let r = Registry::demo();
    let before = r.snapshot();
    let out = r.run(&["import", "users", "nope.csv"]).fails(2);
    out.stderr_has("nope.csv");
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
    r.run(&["import", "devices", "-"])
        .stdin(csv)
        .fails(2)
        .stderr_has("stdin, line 4:");
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
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nu9,\u{1b}[31mRED,general,false\n")
        .fails(2)
        .stderr_has("control, bidirectional or zero-width characters");
    r.run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n1,JBSW,2030-01-01\n")
        .fails(2)
        .stderr_has("too short");
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
        .fails(2);
    out.stderr_has("character 9");
    assert!(
        !out.stderr.contains("JBSW") && !out.stderr.contains("'9'"),
        "{}",
        out.stderr
    );
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
    r.run(&["--lang", "ja", "import", "users", "--update", "-"])
        .stdin(UPDATED_USERS)
        .succeeds()
        .stdout_has("追加 0 件、更新 0 件、変更なし 5 件");
}

#[test]
fn without_update_an_existing_login_id_is_still_a_bad_row() {
    let r = Registry::demo();
    let before = r.snapshot();
    r.run(&["import", "users", "-"])
        .stdin(UPDATED_USERS)
        .fails(2)
        .stderr_has("stdin, line 2:")
        .stderr_has("login ID \"taro01\" is already in the registry");
    assert_eq!(r.snapshot(), before);
}

/// Rows `import users --update` refuses (exit 7): each file starts with a
/// good update and a new user, so "nothing imported" is seen.
const REFUSED_UPDATES: &[(&str, &str, &str)] = &[
    (
        "another serial than the device in service",
        "hamako01,芳金 花子,general,true,56789012",
        "the file names device 56789012 for hamako01, who has device 45678909 in service",
    ),
    (
        "a serial for a user with no device in service",
        "shiro01,芳金 次郎,general,true,56789012",
        "the file names device 56789012 for shiro01, who has no device in service",
    ),
    (
        "otp_required turned off with a device in service",
        "hamako01,芳金 花子,general,false,",
        "the file sets otp_required false for hamako01, who has device 45678909 in service",
    ),
];

#[test]
fn import_users_update_refuses_a_change_of_device_or_otp_off_in_service_and_imports_nothing() {
    let r = Registry::demo();
    for (what, row, message) in REFUSED_UPDATES {
        let csv = format!(
            "login_id,name,role,otp_required,serial\nichiro01,Ichiro Renamed,master,true,\nnew01,New One,general,true,\n{row}\n"
        );
        let before = r.snapshot();
        r.run(&["import", "users", "--update", "-"])
            .stdin(&csv)
            .fails(7)
            .stderr_has(message)
            .stderr_has("nothing was imported");
        assert_eq!(r.snapshot(), before, "{what}: the registry changed");
    }
    assert_eq!(r.listed("ichiro01")[0]["name"], "芳金 一郎");
    r.run(&["--lang", "ja", "import", "users", "--update", "-"])
        .stdin("login_id,name,role,otp_required\nhamako01,芳金 花子,general,false\n")
        .fails(7)
        .stderr_has("otp_required を false にしていますが")
        .stderr_has("何も取り込んでいません");
}

#[test]
fn import_users_update_refuses_two_rows_for_one_login_id() {
    let r = Registry::demo();
    let before = r.snapshot();
    r.run(&["import", "users", "--update", "-"])
        .stdin("login_id,name,role,otp_required\nhamako01,A,general,true\nhamako01,B,master,true\n")
        .fails(2)
        .stderr_has("stdin, line 3:")
        .stderr_has("appears earlier in this file");
    assert_eq!(r.snapshot(), before);
}
