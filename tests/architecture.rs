//! The shape of the source tree, checked: modules import each other in one
//! direction only, commands never reach SQLite, and errors convert by
//! `From` rather than by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

fn src() -> Vec<(String, String)> {
    let mut files = Vec::new();
    sources(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    files
}

/// The top-level module a file belongs to (`lib.rs` and `main.rs` are the root).
fn module_of(rel: &str) -> String {
    let first = rel.split('/').next().unwrap().trim_end_matches(".rs");
    match first {
        "lib" | "main" => "crate".into(),
        other => other.into(),
    }
}

/// Top-level modules named after `crate::` in `text`.
fn imports(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        found.insert(if modules.contains(&name) {
            name
        } else {
            "crate".into()
        });
    }
    found
}

#[test]
fn no_module_is_imported_back_by_a_module_it_imports() {
    let files = src();
    let modules: BTreeSet<String> = files.iter().map(|(rel, _)| module_of(rel)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &files {
        let from = module_of(rel);
        let mut to = imports(text, &modules);
        to.remove(&from);
        graph.entry(from).or_default().extend(to);
    }
    // The root declares every module; nothing may import the root back.
    for (from, to) in &graph {
        assert!(
            from == "crate" || !to.contains("crate"),
            "{from} imports the crate root (`crate::Name`): import the module that defines it"
        );
    }
    // A depth-first search for a cycle among the rest.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("import cycle: {} -> {node}", path[at..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if next != "crate" {
                visit(next, graph, path, done);
            }
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys().filter(|n| *n != "crate") {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn commands_reach_the_registry_only_through_the_store() {
    for (rel, text) in src().iter().filter(|(rel, _)| rel.starts_with("cmd/")) {
        for needle in ["rusqlite", "unchecked_transaction", ".conn "] {
            assert!(!text.contains(needle), "{rel} names {needle:?}");
        }
    }
}

#[test]
fn commands_convert_errors_by_from_not_by_hand() {
    let count: usize = src()
        .iter()
        .filter(|(rel, _)| rel.starts_with("cmd/"))
        .map(|(_, text)| text.matches("map_err(").count())
        .sum();
    assert!(count <= 15, "{count} map_err( calls in src/cmd");
}

/// The rules know nothing of the command line, of serialisation or of the
/// catalogue's wording: rules return typed values and typed refusals, and
/// `error.rs` turns refusals into messages.
#[test]
fn rules_import_neither_clap_nor_serde() {
    for (rel, text) in src() {
        if rel.starts_with("rules/") {
            for forbidden in ["clap::", "serde::", "use serde", "use clap"] {
                assert!(!text.contains(forbidden), "{rel} uses {forbidden}");
            }
        }
    }
    // Production code only: a rule's unit tests may compare the catalogue's
    // wording of a refusal.
    let production = |text: &str| text.split("#[cfg(test)]").next().unwrap_or("").to_string();
    let catalogue: Vec<String> = src()
        .into_iter()
        .filter(|(rel, text)| {
            rel.starts_with("rules/") && production(text).contains("crate::catalogue")
        })
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        catalogue.is_empty(),
        "rules using the catalogue: {catalogue:?}"
    );
}

/// Records are rendered by `output::record`: nothing outside the output
/// layer matches on the output format to render a report itself.
#[test]
fn commands_leave_the_format_to_the_output_layer() {
    let matches: Vec<String> = src()
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with("output/"))
        .flat_map(|(rel, text)| {
            text.lines()
                .filter(|l| l.contains("match") && l.contains(".format {"))
                .map(|l| format!("{rel}: {}", l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(matches.is_empty(), "format matches: {matches:#?}");
}

/// Production functions and their lengths in lines, from the `fn` line to
/// its closing brace (rustfmt puts that brace at the `fn`'s indentation).
/// A file's `#[cfg(test)]` module, at its end by convention, is skipped.
fn function_lengths() -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (rel, text) in src() {
        let lines: Vec<&str> = text.lines().take_while(|l| *l != "#[cfg(test)]").collect();
        for (start, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let signature = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !signature || trimmed.ends_with(';') {
                continue;
            }
            let indent = &line[..line.len() - trimmed.len()];
            let close = format!("{indent}}}");
            if let Some(end) = lines[start..].iter().position(|l| *l == close) {
                let name = trimmed.split("fn ").nth(1).unwrap_or("");
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push((format!("{rel}:{} {name}", start + 1), end + 1));
            }
        }
    }
    found
}

/// No production function runs over 80 lines: a longer one is a job for
/// named steps. (The test finds functions as rustfmt lays them out.)
#[test]
fn no_production_function_runs_over_80_lines() {
    let over: Vec<String> = function_lengths()
        .into_iter()
        .filter(|(_, length)| *length > 80)
        .map(|(place, length)| format!("{place}: {length} lines"))
        .collect();
    assert!(over.is_empty(), "functions over 80 lines: {over:#?}");
}

/// The command line is a description of flags: it knows nothing of the
/// store (how a command opens the registry is `cmd::needs`).
#[test]
fn the_command_line_knows_nothing_of_the_store() {
    let cli = src()
        .into_iter()
        .find(|(rel, _)| rel == "cli.rs")
        .unwrap()
        .1;
    assert!(!cli.contains("crate::store"), "cli.rs imports the store");
}

/// The terminal (`ui/`) and the input files (`io/`) are layers under the
/// commands: they know nothing of the registry or of any command, and are
/// handed what to show or read.
#[test]
fn the_terminal_and_the_input_files_know_nothing_of_the_store_or_the_commands() {
    for (rel, text) in src() {
        if rel.starts_with("ui/") || rel.starts_with("io/") {
            for forbidden in ["crate::store", "crate::cmd"] {
                assert!(!text.contains(forbidden), "{rel} imports {forbidden}");
            }
        }
    }
}

/// No command writes to stdout or stderr itself: a report goes to the
/// writer it is handed, and prompts, the selection screen and lines beside
/// the report go through the terminal layer (`ui/`). Asking whether stdout
/// is a terminal writes nothing.
#[test]
fn commands_write_to_neither_stdout_nor_stderr_themselves() {
    for (rel, text) in src().iter().filter(|(rel, _)| rel.starts_with("cmd/")) {
        for line in text.lines() {
            for forbidden in ["println!", "print!(", "std::io::stderr", "std::io::stdout"] {
                let asks_terminal = line.contains("std::io::stdout().is_terminal()");
                assert!(
                    !line.contains(forbidden) || asks_terminal,
                    "{rel} writes to the terminal itself: {}",
                    line.trim()
                );
            }
        }
    }
}
