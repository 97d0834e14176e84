//! Snapshots (insta) of what people read: every table in English and
//! Japanese, the success lines of revoke and register, `--help` of every
//! command, the man page, and the errors people meet most. Each run is on
//! the demo registry at a fixed instant, so the output is the same on every
//! machine; what is not (the real write instant and MAC of an audit row) is
//! replaced before the comparison.
//!
//! After an intended change of output, regenerate them with
//! `INSTA_UPDATE=always cargo test --test integration` and review the diff.

use clap::CommandFactory;

use crate::common::*;

/// Friday night, after the 20:30 cut-off, before a public holiday on Monday.
/// Monday 23 November (Labour Thanksgiving Day): too early to register.
const HOLIDAY_MONDAY: &str = "2026-11-23T10:00:00+09:00";
/// Tuesday 08:10: registration opens.
const TUESDAY_OPENING: &str = "2026-11-24T08:10:00+09:00";
/// After the demo devices' expiry date (30 December 2026).
const NEW_YEAR: &str = "2027-01-05T10:00:00+09:00";

const LANGS: [&str; 2] = ["en", "ja"];

/// The exit status, stdout and stderr of a run, as one text, through the
/// one redaction (`redact`); the fixed-clock note stays in, as users see
/// it.
fn transcript(run: Run) -> String {
    let (status, stdout, stderr) = run.redacted();
    format!("status: {status}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

/// `text` with every key fingerprint (32 hex digits, drawn anew for each
/// test registry) written `<fingerprint>`.
fn without_fingerprints(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() == 32 {
            "<fingerprint>"
        } else {
            &run
        });
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// `args` with `--lang LANG` in front.
fn in_lang<'a>(lang: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--lang", lang];
    all.extend_from_slice(args);
    all
}

/// The demo registry after taro01 revoked hamako01's device on Friday night,
/// with one failed attempt (a wrong code) before it.
fn after_revocation() -> Registry {
    let r = Registry::demo();
    let transcript = r
        .revoke_as_taro_with_code("000000", &["hamako01"])
        .at(FRIDAY_NIGHT)
        .transcript();
    assert_eq!(
        transcript,
        "exit 3\n[stderr]\nerror: the confirmation password or the one-time code is wrong \
         (a code is accepted once: if it was just used, wait for the next one)\n\
         error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked\n"
    );
    assert_eq!(r.revoke_as_taro(&["hamako01"], FRIDAY_NIGHT).status, 0);
    r
}

/// `register` of the new device 56789012 for hamako01 at `at`.
fn register_hamako(r: &Registry, lang: &str, at: &str) -> Run {
    let code = code_at(NEW_DEVICE_2.1, at);
    let args = [
        "register",
        "--user",
        "hamako01",
        "--serial",
        NEW_DEVICE_2.0,
        "--otp",
        &code,
    ];
    r.run(&in_lang(lang, &args)).at(at)
}

#[test]
fn list_tables() {
    let r = after_revocation();
    r.sql("UPDATE users SET failed_attempts = 5, locked_at = 0 WHERE login_id = 'ichiro01'");
    for lang in LANGS {
        insta::assert_snapshot!(
            format!("list_{lang}"),
            transcript(r.run(&in_lang(lang, &["list"])).at(FRIDAY_NIGHT))
        );
        // An expired device in service is marked.
        insta::assert_snapshot!(
            format!("list_after_expiry_{lang}"),
            transcript(r.run(&in_lang(lang, &["list"])).at(NEW_YEAR))
        );
        insta::assert_snapshot!(
            format!("list_no_match_{lang}"),
            transcript(
                r.run(&in_lang(lang, &["list", "--status", "not-required"]))
                    .at(FRIDAY_NIGHT)
            )
        );
    }
}

#[test]
fn audit_tables_and_json() {
    let r = after_revocation();
    for lang in LANGS {
        insta::assert_snapshot!(
            format!("audit_{lang}"),
            transcript(r.run(&in_lang(lang, &["audit", "--actor", "taro01"])))
        );
    }
    // The real write instant and the MAC differ from run to run.
    let mut rows = r
        .run(&["audit", "--actor", "taro01", "--format", "json"])
        .succeeds()
        .json();
    for row in rows.as_array_mut().unwrap() {
        assert!(row["recorded_at"].is_string(), "{row}");
        assert_eq!(row["mac"].as_str().unwrap().len(), 64, "{row}");
        row["recorded_at"] = "[recorded_at]".into();
        row["mac"] = "[mac]".into();
    }
    insta::assert_snapshot!("audit_json", serde_json::to_string_pretty(&rows).unwrap());
}

#[test]
fn expiring_tables() {
    let r = Registry::demo();
    for lang in LANGS {
        insta::assert_snapshot!(
            format!("expiring_{lang}"),
            transcript(
                r.run(&in_lang(lang, &["expiring", "--within", "6w"]))
                    .at(NOON_FRIDAY)
            )
        );
        insta::assert_snapshot!(
            format!("expiring_expired_{lang}"),
            transcript(r.run(&in_lang(lang, &["expiring"])).at(NEW_YEAR))
        );
    }
}

#[test]
fn revoke_dry_run_and_success() {
    for lang in LANGS {
        let r = Registry::demo();
        let dry_run = ["revoke", "--as", "taro01", "hamako01", "--dry-run"];
        insta::assert_snapshot!(
            format!("revoke_dry_run_{lang}"),
            transcript(r.run(&in_lang(lang, &dry_run)).at(FRIDAY_NIGHT))
        );
        let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
        let revoke = [
            "revoke",
            "--as",
            "taro01",
            "hamako01",
            "--otp",
            &code,
            "--password-stdin",
            "--yes",
        ];
        insta::assert_snapshot!(
            format!("revoke_{lang}"),
            transcript(
                r.run(&in_lang(lang, &revoke))
                    .stdin(DEMO_PASSWORD)
                    .at(FRIDAY_NIGHT)
            )
        );
    }
}

#[test]
fn register_and_dispose_note() {
    for lang in LANGS {
        let r = after_revocation();
        insta::assert_snapshot!(
            format!("register_{lang}"),
            transcript(register_hamako(&r, lang, TUESDAY_OPENING))
        );
        insta::assert_snapshot!(
            format!("dispose_note_{lang}"),
            transcript(r.run(&in_lang(lang, &["dispose-note"])).at(TUESDAY_OPENING))
        );
        let mark = ["dispose-note", "45678909", "--mark-disposed"];
        insta::assert_snapshot!(
            format!("dispose_note_marked_{lang}"),
            transcript(r.run(&in_lang(lang, &mark)).at(TUESDAY_OPENING))
        );
    }
}

/// Every command's `--help`, found from the command line's definition, so
/// a new command is snapshotted too.
#[test]
fn help_of_every_command() {
    let r = Registry::empty();
    insta::assert_snapshot!("help", transcript(r.run(&["--help"])));
    let cli = tokenctl::cli::Cli::command();
    let mut paths: Vec<Vec<String>> = Vec::new();
    for command in cli.get_subcommands() {
        let name = command.get_name().to_string();
        for sub in command.get_subcommands() {
            paths.push(vec![name.clone(), sub.get_name().to_string()]);
        }
        paths.push(vec![name]);
    }
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        insta::assert_snapshot!(format!("help_{}", path.join("_")), transcript(r.run(&args)));
    }
}

#[test]
fn man_page() {
    let r = Registry::empty();
    insta::assert_snapshot!("man", transcript(r.run(&["man"])));
}

/// The errors people meet most, in both languages: one snapshot per
/// language with a run per error.
#[test]
fn main_errors() {
    for lang in LANGS {
        let r = after_revocation();
        let demo = Registry::demo();
        let live = Registry::live();
        r.file("notes.txt", "not a registry\n");
        let runs: Vec<(&str, Run)> = vec![
            ("too early", register_hamako(&r, lang, HOLIDAY_MONDAY)),
            (
                "wrong code (no password)",
                r.run(&in_lang(
                    lang,
                    &[
                        "register",
                        "--user",
                        "shiro01",
                        "--serial",
                        NEW_DEVICE_1.0,
                        "--otp",
                        "000000",
                    ],
                ))
                .at(TUESDAY_OPENING),
            ),
            (
                "wrong password or code",
                demo.revoke_as_taro_with_code("000000", &["--lang", lang, "hamako01"])
                    .stdin("not the password")
                    .at(FRIDAY_NIGHT),
            ),
            (
                "unknown user",
                r.run(&in_lang(lang, &["list", "--user", "ghost01"])),
            ),
            (
                "unknown serial",
                r.run(&in_lang(lang, &["otp", "99999999"])),
            ),
            (
                "not a master",
                r.run(&in_lang(
                    lang,
                    &["revoke", "--as", "hamako01", "shiro01", "--dry-run"],
                ))
                .at(TUESDAY_OPENING),
            ),
            (
                "a device already in service",
                r.run(&in_lang(
                    lang,
                    &[
                        "register",
                        "--user",
                        "taro01",
                        "--serial",
                        NEW_DEVICE_3.0,
                        "--otp",
                        "000000",
                    ],
                ))
                .at(TUESDAY_OPENING),
            ),
            (
                "disposal of a device in service",
                r.run(&in_lang(
                    lang,
                    &["dispose-note", TARO_DEVICE.0, "--mark-disposed"],
                ))
                .at(TUESDAY_OPENING),
            ),
            (
                "targets refused",
                r.run(&in_lang(
                    lang,
                    &[
                        "revoke",
                        "--as",
                        "taro01",
                        "ghost01",
                        "shiro01",
                        "hamako01",
                        "--dry-run",
                    ],
                ))
                .at(TUESDAY_OPENING),
            ),
            (
                "fixed clock on a live registry",
                live.run(&in_lang(lang, &["unlock", "nobody", "--recovery", "--yes"]))
                    .at(TUESDAY_OPENING),
            ),
            (
                "missing key file",
                r.run(&in_lang(
                    lang,
                    &["--key-file", "missing.key", "otp", TARO_DEVICE.0],
                )),
            ),
            (
                "not a registry",
                r.run(&in_lang(lang, &["--db", "notes.txt", "list"])),
            ),
        ];
        let shown = |(what, run): (&str, Run)| format!("=== {what}\n{}\n", transcript(run));
        let mut text: String =
            without_fingerprints(&runs.into_iter().map(shown).collect::<String>());
        // Locked last: it locks taro01 (after the runs above have run).
        demo.lock_taro(FRIDAY_NIGHT);
        let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
        text.push_str(&shown((
            "locked",
            demo.revoke_as_taro_with_code(&code, &["--lang", lang, "hamako01"])
                .at(FRIDAY_NIGHT),
        )));
        insta::assert_snapshot!(format!("errors_{lang}"), text);
    }
}

#[test]
fn device_tables() {
    let r = crate::devices::every_state();
    for lang in LANGS {
        insta::assert_snapshot!(
            format!("devices_{lang}"),
            transcript(r.run(&in_lang(lang, &["devices"])).at(NEW_YEAR))
        );
        insta::assert_snapshot!(
            format!("history_{lang}"),
            transcript(r.run(&in_lang(lang, &["history", "--user", "ichiro01"])))
        );
        insta::assert_snapshot!(
            format!("identify_none_{lang}"),
            transcript(
                r.run(&in_lang(lang, &["identify", "--otp", "000000"]))
                    .at(NEW_YEAR)
            )
        );
    }
}
