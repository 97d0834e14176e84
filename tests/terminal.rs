//! What a person sees on a terminal (a pseudo-terminal, driven with
//! rexpect, `stty` setting its width): tables that fit 80 columns without
//! cutting a date, an instant, a login ID or a serial (leaving columns out
//! and saying so instead), and errors wrapped at the terminal's width
//! without breaking a command to copy. Piped output is never cut.
//!
//! The substring checks here are on purpose: they state properties of a
//! drawing (every cell whole, the note naming `--wide`, a command on one
//! line) at several widths and in both languages; the drawings themselves
//! are pinned whole by the snapshots at 80 and 60 columns below.

use unicode_width::UnicodeWidthStr;

use crate::common::*;

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

/// The lines of a drawn table.
fn table_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .collect()
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

/// At 80 columns under a PTY, in both languages, the tables (`list`,
/// `devices`, a revocation's dry run, `audit`, `expiring`) leave
/// columns out (and say so) rather than cut a date, an instant, a login ID
/// or a serial; every cell is parsed back. At 120 columns no header breaks
/// inside a word.
#[test]
fn tables_at_80_columns_never_cut_a_date_instant_login_or_serial() {
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

/// As a person sees it: `list` and a revocation's dry run at 80
/// columns under a PTY, in both languages (snapshots).
#[test]
fn snapshots_of_tables_at_80_columns() {
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

/// An error on a terminal is wrapped by the one line-breaking
/// routine, in both languages: never inside a `` `command` `` (copy and
/// paste must work), no line starting with `。`, `、` or a closing
/// bracket, English at spaces; continuation lines are indented.
#[test]
fn errors_wrap_without_breaking_a_command() {
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

/// As a person sees it: a long error wrapped on a 60-column
/// terminal, in both languages (snapshots).
#[test]
fn snapshots_of_an_error_wrapped_at_60_columns() {
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
