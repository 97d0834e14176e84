//! Shell completions and the man page. The committed copies under
//! `completions/` must match what the binary generates; regenerate them with
//! `TOKENCTL_UPDATE_COMPLETIONS=1 cargo test completions`.

use crate::common::*;

#[test]
fn committed_completions_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("TOKENCTL_UPDATE_COMPLETIONS").is_some();
    let r = Registry::empty();
    for (shell, file) in [
        ("bash", "tokenctl.bash"),
        ("zsh", "_tokenctl"),
        ("fish", "tokenctl.fish"),
    ] {
        let generated = r.run(&["completions", shell]).succeeds().stdout;
        assert!(
            generated.contains("revoke"),
            "{shell} completions name the commands"
        );
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
fn man_page_renders_every_command() {
    let r = Registry::empty();
    let man = r.run(&["man"]).succeeds().stdout;
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
fn version_and_help_need_no_registry() {
    let r = Registry::empty();
    r.run(&["--version"]).succeeds().stdout_has("tokenctl ");
    r.run(&["--help"]).succeeds().stdout_has("revoke");
    assert!(!r.path.exists());
}
