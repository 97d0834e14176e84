//! Shell completions, the man page and `--help`. The committed copies under
//! `completions/` (the man page `tokenctl.1` too) must match what the binary
//! generates; regenerate them with
//! `TOKENCTL_UPDATE_COMPLETIONS=1 cargo test completions`.
//!
//! The generated texts are compared whole here (against `completions/`) and
//! in `snapshot` (the man page and every `--help`). The substring checks
//! below are on purpose: they state properties of those texts (every
//! section present, examples last, every exit code listed) that a whole
//! comparison would let a regenerated copy lose without notice.

use crate::common::*;

#[test]
fn committed_completions_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("TOKENCTL_UPDATE_COMPLETIONS").is_some();
    let r = Registry::empty();
    for (args, file) in [
        (&["completions", "bash"][..], "tokenctl.bash"),
        (&["completions", "zsh"], "_tokenctl"),
        (&["completions", "fish"], "tokenctl.fish"),
        (&["man"], "tokenctl.1"),
    ] {
        let generated = r.run(args).succeeds().stdout;
        assert!(generated.contains("revoke"), "{file} names the commands");
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "completions/{file} is stale: run TOKENCTL_UPDATE_COMPLETIONS=1 cargo test completions"
        );
    }
}

#[test]
fn the_man_page_has_every_section_and_subsection_and_the_synopsis_gives_values() {
    let r = Registry::empty();
    let man = r.run(&["man"]).succeeds().stdout;
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH COMMANDS",
        ".SH OPTIONS",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH EXIT STATUS",
        ".SH RULES",
        ".SH EXAMPLES",
    ] {
        assert!(man.contains(section), "the man page lacks {section}");
    }
    let synopsis = man
        .split(".SH SYNOPSIS\n")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .expect("a synopsis line");
    assert!(
        synopsis.contains(r"\fB\-\-format\fR table|json|csv")
            && synopsis.contains(r"\fB\-\-db\fR \fIPATH\fR"),
        "{synopsis}"
    );
    let environment = man
        .split(".SH ENVIRONMENT\n")
        .nth(1)
        .and_then(|rest| rest.split(".SH ").next())
        .expect("an ENVIRONMENT section");
    for variable in [
        "TOKENCTL_DB",
        "TOKENCTL_KEY_FILE",
        "TOKENCTL_LANG",
        "TOKENCTL_NOW",
        "NO_COLOR",
        "LC_ALL, LC_MESSAGES, LANG",
    ] {
        assert!(
            environment.contains(&format!(".TP\n\\fB{variable}\\fR")),
            "ENVIRONMENT lacks {variable}"
        );
    }
    for code in 0..=10 {
        assert!(
            man.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "EXIT STATUS lacks {code}"
        );
    }
    assert!(man.contains("03:00"), "the 20:30 rule is read literally");
    assert!(man.starts_with(".ie") || man.contains(".TH"), "roff output");
    // Each command has its own subsection with its options (roff escapes
    // hyphens as \-).
    for section in [
        ".SS \"tokenctl revoke\"",
        ".SS \"tokenctl register\"",
        ".SS \"tokenctl expiring\"",
        ".SS \"tokenctl dispose-note\"",
        ".SS \"tokenctl import devices\"",
    ] {
        assert!(man.contains(section), "man page has {section}");
    }
    assert!(
        man.contains("expiring\\-within"),
        "revoke's options are documented"
    );
}

#[test]
fn every_command_help_ends_with_examples() {
    let r = Registry::empty();
    for command in [
        &["init"][..],
        &["import", "users"],
        &["import", "devices"],
        &["passwd"],
        &["list"],
        &["revoke"],
        &["register"],
        &["expiring"],
        &["dispose-note"],
        &["otp"],
        &["audit"],
        &["unlock"],
        &["check"],
        &["completions"],
        &["man"],
        &["demo"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = r.run(&args).succeeds().stdout;
        let examples = help
            .rsplit_once("Examples:\n")
            .map(|(_, tail)| tail)
            .unwrap_or_else(|| panic!("{command:?} --help has no examples:\n{help}"));
        let mut shown = command.join(" ");
        if command == ["import", "users"] || command == ["import", "devices"] {
            shown = command[..2].join(" ");
        }
        assert!(
            examples
                .lines()
                .all(|l| l.trim().is_empty() || l.contains("tokenctl")),
            "{command:?}: the examples end the help:\n{examples}"
        );
        assert!(
            examples.contains(&format!("tokenctl {shown}")) || examples.contains("tokenctl --"),
            "{command:?}: the examples run the command:\n{examples}"
        );
    }
    let revoke = r.run(&["revoke", "--help"]).succeeds().stdout;
    assert!(revoke.contains("Interactive mode"), "{revoke}");
    assert!(revoke.contains("Bank revocations"), "{revoke}");
}

/// Regression: completing `tokenctl import users <TAB>` inserted `-` (the
/// options' common prefix) instead of listing files.
#[test]
fn bash_completes_file_names_for_import() {
    let r = Registry::empty();
    let script = r.run(&["completions", "bash"]).succeeds().stdout;
    let path = r.file("tokenctl.bash", &script);
    r.file("users.csv", "");
    let complete = |words: &str, cword: usize| {
        let out = std::process::Command::new("bash")
            .current_dir(r.dir.path())
            .arg("-c")
            .arg(format!(
                r#"source "{}"; COMP_WORDS=({words}); COMP_CWORD={cword}; _tokenctl tokenctl "${{COMP_WORDS[$COMP_CWORD]}}" "${{COMP_WORDS[$COMP_CWORD-1]}}"; echo "${{COMPREPLY[@]}}""#,
                path.display()
            ))
            .output()
            .expect("run bash");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert!(
        complete(r#"tokenctl import users """#, 3)
            .split(' ')
            .any(|w| w == "users.csv"),
        "files are listed"
    );
    insta::assert_snapshot!(complete(r#"tokenctl import users --encoding """#, 4), @"auto utf-8 cp932");
    insta::assert_snapshot!(complete("tokenctl import devices -", 3), @"-h --encoding --pskc-key-file --pskc-passphrase-file --expires --db --key-file --format --lang --excel --wide --help");
}

#[test]
fn version_and_help_need_no_registry() {
    let r = Registry::empty();
    Test::on(&r)
        .arg("--version")
        .stdout(format!("tokenctl {}\n", env!("CARGO_PKG_VERSION")))
        .run();
    // Its text is pinned by `snapshot::help_of_every_command`.
    r.run(&["--help"]).succeeds();
    assert!(!r.path.exists());
}

/// Regression: `completions bash | head -c1` panicked inside clap_complete
/// when the reader went away. A reader gone before the first byte is the
/// sure way to see it; reading a little first is the `| head` of a shell.
#[test]
fn completions_and_man_into_a_closed_pipe_end_quietly() {
    let r = Registry::empty();
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["man"],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let mut cmd = r.command();
        let output = cmd.args(args).stdout(writer).output().expect("run");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "",
            "{args:?} into a closed pipe"
        );
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let mut cmd = r.command();
        cmd.args(args);
        let output = read_a_little_then_close(cmd);
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
}

/// Bash offered file names after `--as`; a login ID,
/// serial, code or window is now completed as typed, never as a file.
#[test]
fn bash_completion_offers_no_file_names_after_as() {
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

/// `--help` and the man page said that `TOKENCTL_NOW` fixes
/// the clock for every command; on a live registry it does so only for
/// commands that change nothing.
#[test]
fn help_says_where_tokenctl_now_is_honoured() {
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

/// Bash completes `--as` with the registry's masters,
/// `--user` with its login IDs and `--serial` with its serials in service
/// (read with `list`, which needs no key file), from the registry that
/// `--db` names.
#[test]
fn bash_completes_login_ids_and_serials_from_the_registry() {
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
