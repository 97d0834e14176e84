//! `init`, opening a registry, and refusing files that are not ours.

use crate::common::*;

/// The demo's `list` in English, as `transcript` gives it.
const DEMO_LIST_EN: &str = "\
exit 0\n\
[stdout]\n\
┌──────────┬───────────┬─────────┬──────────┬────────────────┬────────────────┬────────────────┬────────┐\n\
│ Login ID ┆ User name ┆ Role    ┆ Serial   ┆ OTP status     ┆ Device expires ┆ Registrable at ┆ Locked │\n\
╞══════════╪═══════════╪═════════╪══════════╪════════════════╪════════════════╪════════════════╪════════╡\n\
│ taro01   ┆ 芳金 太郎 ┆ master  ┆ 23456789 ┆ in service     ┆ 2026-12-30     ┆ -              ┆        │\n\
│ hamako01 ┆ 芳金 花子 ┆ general ┆ 45678909 ┆ in service     ┆ 2026-12-30     ┆ -              ┆        │\n\
│ shiro01  ┆ 芳金 次郎 ┆ general ┆ -        ┆ not registered ┆ -              ┆ -              ┆        │\n\
│ ichiro01 ┆ 芳金 一郎 ┆ general ┆ -        ┆ not registered ┆ -              ┆ -              ┆        │\n\
└──────────┴───────────┴─────────┴──────────┴────────────────┴────────────────┴────────────────┴────────┘\n";

#[test]
fn init_creates_a_registry_readable_by_its_owner_only() {
    let r = Registry::empty();
    let transcript = r.run(&["init"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Created registry [DIR]/registry.db (live: the real clock only)
        Created the key file [DIR]/registry.key (fingerprint [HEX]). Back it up apart from the registry: without it the device secrets cannot be used.
        ");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&r.path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let key_mode = std::fs::metadata(r.key_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(key_mode & 0o777, 0o600);
    let mut names: Vec<_> = std::fs::read_dir(r.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["registry.db", "registry.key", "registry.key.witness"],
        "no temporary or WAL files left beside it"
    );
    assert_eq!(
        r.run(&["list", "--format", "json"]).succeeds().json(),
        serde_json::json!([])
    );
}

#[test]
fn init_refuses_to_overwrite_a_registry() {
    let r = Registry::demo();
    let before = r.snapshot();
    let transcript = r.run(&["init"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 1
        [stderr]
        error: [DIR]/registry.db already exists; refusing to overwrite it
        ");
    let transcript = r.run(&["init", "--demo"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 1
        [stderr]
        error: [DIR]/registry.db already exists; refusing to overwrite it
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn init_refuses_to_overwrite_any_existing_file() {
    let r = Registry::empty();
    std::fs::write(&r.path, "my notes\n").unwrap();
    let transcript = r.run(&["init"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 1
        [stderr]
        error: [DIR]/registry.db already exists; refusing to overwrite it
        ");
    assert_eq!(std::fs::read_to_string(&r.path).unwrap(), "my notes\n");
}

#[test]
fn demo_lists_the_four_users_of_the_procedure() {
    let r = Registry::demo();
    let list = r
        .run(&["list", "--format", "json"])
        .at(NOON_FRIDAY)
        .succeeds()
        .json();
    assert_eq!(
        list,
        serde_json::json!([
            {"login_id": "taro01", "name": "芳金 太郎", "role": "master", "serial": "23456789",
             "status": "active", "expires": "2026-12-30", "registrable_at": null, "locked": false},
            {"login_id": "hamako01", "name": "芳金 花子", "role": "general", "serial": "45678909",
             "status": "active", "expires": "2026-12-30", "registrable_at": null, "locked": false},
            {"login_id": "shiro01", "name": "芳金 次郎", "role": "general", "serial": null,
             "status": "revoked", "expires": null, "registrable_at": null, "locked": false},
            {"login_id": "ichiro01", "name": "芳金 一郎", "role": "general", "serial": null,
             "status": "revoked", "expires": null, "registrable_at": null, "locked": false},
        ])
    );
}

#[test]
fn language_comes_from_tokenctl_lang_then_lang() {
    let r = Registry::demo();
    // The labels of the procedure's screens: ログインID, 利用者名,
    // 利用者区分, シリアル番号, ワンタイムパスワード状態,
    // パスワード生成機有効期限; サービス利用中, 失効中; マスターユーザ,
    // 一般ユーザ; dates as 2026年12月30日.
    let ja = r.run(&["--lang", "ja", "list"]).transcript();
    insta::assert_snapshot!(ja, @"
        exit 0
        [stdout]
        ┌────────────┬───────────┬────────────────┬──────────────┬──────────────────────────┬──────────────────────────┬──────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分     ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時 ┆ ロック │
        ╞════════════╪═══════════╪════════════════╪══════════════╪══════════════════════════╪══════════════════════════╪══════════════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ マスターユーザ ┆ 23456789     ┆ サービス利用中           ┆ 2026年12月30日           ┆ -                ┆        │
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ     ┆ 45678909     ┆ サービス利用中           ┆ 2026年12月30日           ┆ -                ┆        │
        │ shiro01    ┆ 芳金 次郎 ┆ 一般ユーザ     ┆ -            ┆ 未登録                   ┆ -                        ┆ -                ┆        │
        │ ichiro01   ┆ 芳金 一郎 ┆ 一般ユーザ     ┆ -            ┆ 未登録                   ┆ -                        ┆ -                ┆        │
        └────────────┴───────────┴────────────────┴──────────────┴──────────────────────────┴──────────────────────────┴──────────────────┴────────┘
        ");
    let transcript = r.run(&["list"]).env("LANG", "ja_JP.UTF-8").transcript();
    assert_eq!(transcript, ja, "LANG chooses Japanese");
    let en = r
        .run(&["list"])
        .env("LANG", "ja_JP.UTF-8")
        .env("TOKENCTL_LANG", "en")
        .transcript();
    assert_eq!(en, DEMO_LIST_EN);
    // JSON keys never change with the language.
    let ja_json = r
        .run(&["list", "--lang", "ja", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(ja_json[0]["status"], "active");
}

#[test]
fn global_options_are_accepted_after_the_subcommand() {
    let r = Registry::demo();
    let other = r.dir.path().join("other.db");
    r.run(&["init", "--db", other.to_str().unwrap()]).succeeds();
    let out = r
        .run(&["list", "--db", other.to_str().unwrap(), "--format", "json"])
        .succeeds();
    assert_eq!(out.json(), serde_json::json!([]));
}

#[test]
fn default_registry_lives_in_the_platform_data_directory() {
    let r = Registry::empty();
    let data = r.dir.path().join("data");
    r.run(&["init"])
        .env_remove("TOKENCTL_DB")
        .env("XDG_DATA_HOME", &data)
        .succeeds();
    assert!(data.join("tokenctl/registry.db").exists());
}

#[test]
fn a_text_file_is_not_a_registry_and_is_left_untouched() {
    let r = Registry::empty();
    let text = "login_id,name\nnot,a database\n".repeat(20);
    std::fs::write(&r.path, &text).unwrap();
    let mut transcripts = String::new();
    for args in [
        &["list"][..],
        &["import", "users", "-"],
        &["unlock", "x", "--recovery", "--yes"],
        &["audit"],
    ] {
        let transcript = r
            .run(args)
            .stdin("login_id,name,role,otp_required\n")
            .transcript();
        transcripts.push_str(&format!("{}: {transcript}", args.join(" ")));
    }
    insta::assert_snapshot!(transcripts, @"
        list: exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        import users -: exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        unlock x --recovery --yes: exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        audit: exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        ");
    assert_eq!(std::fs::read_to_string(&r.path).unwrap(), text);
    assert!(!r.dir.path().join("registry.db-wal").exists());
}

#[test]
fn another_applications_sqlite_file_is_left_untouched() {
    let r = Registry::empty();
    {
        let conn = rusqlite::Connection::open(&r.path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
            .unwrap();
    }
    let before = r.snapshot();
    let transcript = r.run(&["list"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        ");
    let transcript = r
        .run(&["import", "devices", "-"])
        .stdin("serial,secret,expires\n1,GEZDGNBVGY3TQOJQ,2030-01-01\n")
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn an_empty_file_is_not_a_registry() {
    let r = Registry::empty();
    std::fs::write(&r.path, "").unwrap();
    let transcript = r.run(&["list"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: not a tokenctl registry; it was left untouched
        ");
    assert_eq!(std::fs::read(&r.path).unwrap(), b"");
}

#[test]
fn a_registry_with_a_newer_schema_is_refused_untouched() {
    let r = Registry::demo();
    r.sql("PRAGMA user_version = 99;");
    let before = r.snapshot();
    let transcript = r.run(&["list"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: the registry has schema version 99, newer than this tokenctl understands (4); upgrade tokenctl. The file was left untouched
        ");
    let transcript = r
        .run(&["revoke", "--as", "taro01", "hamako01", "--dry-run"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: the registry has schema version 99, newer than this tokenctl understands (4); upgrade tokenctl. The file was left untouched
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn a_missing_registry_says_how_to_create_one() {
    let r = Registry::empty();
    let transcript = r.run(&["list"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: no registry here; create one with `tokenctl init` (or point --db / TOKENCTL_DB at one)
        ");
    assert!(
        !r.path.exists(),
        "a missing registry is not created by reading it"
    );
}

#[test]
fn a_directory_is_not_a_registry() {
    let r = Registry::empty();
    std::fs::create_dir(&r.path).unwrap();
    let transcript = r.run(&["list"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: is a directory, not a registry file
        ");
}

#[test]
fn a_malformed_tokenctl_now_is_a_usage_error() {
    let r = Registry::demo();
    let transcript = r.run(&["list"]).at("next friday").transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [no clock note]
        [stderr]
        error: TOKENCTL_NOW is not an RFC 3339 instant: "next friday"
        "#);
    let transcript = r.run(&["list"]).at("2026-11-20 21:00").transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [no clock note]
        [stderr]
        error: TOKENCTL_NOW is not an RFC 3339 instant: "2026-11-20 21:00"
        "#);
}

#[test]
fn audit_records_whether_the_clock_was_fixed() {
    let r = Registry::init();
    let transcript = r
        .run(&["unlock", "nobody", "--recovery", "--yes"])
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 6
        [stderr]
        error: unknown login ID: nobody
        ");
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    assert_eq!(audit[0]["action"], "init");
    assert_eq!(audit[0]["clock_fixed"], false);
    let fixed = Registry::demo();
    let audit = fixed.run(&["audit", "--format", "json"]).succeeds().json();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["clock_fixed"] == true)
    );
    assert_eq!(audit[0]["at"], "2026-11-20T12:00:00+09:00");
}

#[test]
fn the_audit_log_is_append_only_even_through_sql() {
    let r = Registry::demo();
    let conn = rusqlite::Connection::open(&r.path).unwrap();
    assert!(conn.execute("DELETE FROM audit", []).is_err());
    assert!(conn.execute("UPDATE audit SET actor = 'x'", []).is_err());
}

#[test]
fn usage_errors_exit_2() {
    let r = Registry::demo();
    let transcripts: String = [
        &["list", "--status", "sleeping"][..],
        &["frobnicate"],
        &["list", "--format", "xml"],
    ]
    .map(|args| format!("--- {args:?}: {}", r.run(args).transcript()))
    .concat();
    insta::assert_snapshot!(transcripts, @r#"
        --- ["list", "--status", "sleeping"]: exit 2
        [stderr]
        error: invalid value 'sleeping' for '--status <STATUS>'
          [possible values: active, revoked, not-required]

        For more information, try '--help'.
        --- ["frobnicate"]: exit 2
        [stderr]
        error: unrecognized subcommand 'frobnicate'

        Usage: tokenctl [OPTIONS] <COMMAND>

        For more information, try '--help'.
        --- ["list", "--format", "xml"]: exit 2
        [stderr]
        error: invalid value 'xml' for '--format <FORMAT>'
          [possible values: table, json, csv]

        For more information, try '--help'.
        "#);
}

/// Regression: a marked file without a schema version ran the migrations
/// over the existing tables and printed the whole schema in an SQL error.
#[test]
fn a_registry_without_a_schema_version_is_refused_untouched() {
    let r = Registry::demo();
    r.sql("PRAGMA user_version = 0;");
    let before = r.snapshot();
    // One line, no SQL.
    let transcript = r.run(&["list"]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 8
        [stderr]
        error: [DIR]/registry.db: marked as a tokenctl registry but records no schema version (damaged?); it was left untouched
        ");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn empty_environment_variables_count_as_unset() {
    let r = Registry::demo();
    let out = r
        .run(&["list", "--db", r.path.to_str().unwrap()])
        .env("TOKENCTL_LANG", "")
        .transcript();
    assert_eq!(out, DEMO_LIST_EN);
    let data = r.dir.path().join("data");
    r.run(&["init"])
        .env("TOKENCTL_DB", "")
        .env("XDG_DATA_HOME", &data)
        .succeeds();
    assert!(data.join("tokenctl/registry.db").exists());
    let transcript = r.run(&["list"]).env("TOKENCTL_LANG", "fr").transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: TOKENCTL_LANG must be ja or en, not "fr"
        "#);
}

/// Only a registry on a network file system is refused for writing,
/// so one on a local disk (the tests' temp dir) is created, written and
/// read whatever `TOKENCTL_ALLOW_NETWORK_FS` says. No NFS, SMB or FUSE
/// mount can be made where the tests run: the refusal itself (which file
/// systems, the override, the message) is unit-tested in `store::netfs`.
#[test]
fn a_local_registry_is_written_whatever_the_network_override_says() {
    for value in [None, Some("0"), Some("1")] {
        let r = Registry::empty();
        let run = |args: &[&str]| match value {
            Some(v) => r.run(args).env("TOKENCTL_ALLOW_NETWORK_FS", v),
            None => r.run(args).env_remove("TOKENCTL_ALLOW_NETWORK_FS"),
        };
        run(&["init", "--simulation"]).succeeds();
        run(&["import", "devices", "-"])
            .stdin(include_str!("../fixtures/devices.csv"))
            .at(NOON_FRIDAY)
            .succeeds();
        run(&["check"]).succeeds();
        assert_eq!(
            run(&["list", "--format", "json"]).succeeds().json(),
            serde_json::json!([])
        );
    }
}

/// `init` reports the registry and its key file, in JSON as in CSV (the
/// second registry reuses the key file the first created).
#[test]
fn init_reports_the_registry_and_its_key_in_json_and_csv() {
    let r = Registry::empty();
    let out = r
        .run(&["--format", "json", "init", "--simulation"])
        .succeeds()
        .json();
    let fingerprint = out["key_fingerprint"].as_str().unwrap().to_string();
    assert_eq!(
        out,
        serde_json::json!({
            "path": r.path.display().to_string(),
            "mode": "simulation",
            "key_file": r.key_path().display().to_string(),
            "key_created": true,
            "key_fingerprint": fingerprint,
            "demo": false,
        })
    );
    let second = r.dir.path().join("second.db");
    Test::on(&r)
        .env("TOKENCTL_DB", &second)
        .args(["--format", "csv", "init", "--demo"])
        .stdout(format!(
            "path,mode,key_file,key_created,key_fingerprint,demo\n{},simulation,{},false,{fingerprint},true\n",
            second.display(),
            r.key_path().display(),
        ))
        .run();
}

/// The header is read through SQLite's own handle of the file, before any
/// statement runs: another application's database in WAL mode gets no
/// `-wal` or `-shm` beside it, from a reader or a writer.
#[test]
fn another_applications_wal_database_gets_nothing_beside_it() {
    let r = Registry::empty();
    {
        let conn = rusqlite::Connection::open(&r.path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE notes (body TEXT); \
             INSERT INTO notes VALUES ('keep me');",
        )
        .unwrap();
    }
    let before = std::fs::read(&r.path).unwrap();
    for args in [&["list"][..], &["check"], &["import", "users", "-"]] {
        Test::on(&r)
            .args(args.iter().copied())
            .stdin("login_id,name,role,otp_required\n")
            .stderr(format!(
                "error: {}: not a tokenctl registry; it was left untouched\n",
                r.path.display()
            ))
            .status(8)
            .run();
    }
    assert_eq!(std::fs::read(&r.path).unwrap(), before);
    for suffix in ["-wal", "-shm"] {
        let mut beside = r.path.clone().into_os_string();
        beside.push(suffix);
        assert!(!std::path::Path::new(&beside).exists(), "{suffix}");
    }
}
