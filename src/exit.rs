//! The exit codes: one table that `Error::exit_code`, the commands that
//! exit with a code of their own, `--help`, the man page and (checked by a
//! test) the README all read, so a code and its meaning are written once.

/// What a process exit says about the command. The discriminant is the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Done = 0,
    Other = 1,
    Usage = 2,
    Verification = 3,
    Locked = 4,
    TooEarly = 5,
    NotFound = 6,
    Refused = 7,
    Unusable = 8,
    Altered = 9,
    Found = 10,
}

impl Exit {
    pub(crate) const fn code(self) -> i32 {
        self as i32
    }
}

/// One exit code as the documentation gives it: a few words for `--help`,
/// and the manual's sentence (the README's table says the same).
pub(crate) struct ExitDoc {
    pub(crate) exit: Exit,
    pub(crate) brief: &'static str,
    pub(crate) manual: &'static str,
}

/// Every exit code, in order.
pub(crate) const EXIT_CODES: [ExitDoc; 11] = [
    ExitDoc {
        exit: Exit::Done,
        brief: "done",
        manual: "Done.",
    },
    ExitDoc {
        exit: Exit::Other,
        brief: "other failure",
        manual: "Any other failure.",
    },
    ExitDoc {
        exit: Exit::Usage,
        brief: "usage or malformed input",
        manual: "Usage or malformed input: a bad flag, a malformed code or date, a bad CSV row, \
an input file that cannot be read, no terminal for a needed prompt.",
    },
    ExitDoc {
        exit: Exit::Verification,
        brief: "verification failed",
        manual: "Verification failed: a wrong password, a wrong or replayed code, a wrong PSKC key.",
    },
    ExitDoc {
        exit: Exit::Locked,
        brief: "locked",
        manual: "The login is locked after five consecutive failed verifications, or the device is, \
after five failed resynchronisations while no one held it.",
    },
    ExitDoc {
        exit: Exit::TooEarly,
        brief: "too early",
        manual: "Too early: registration before the registrable-at instant (the message gives it).",
    },
    ExitDoc {
        exit: Exit::NotFound,
        brief: "not found",
        manual: "Not found: an unknown login ID or serial; identify found no device showing the code.",
    },
    ExitDoc {
        exit: Exit::Refused,
        brief: "refused by a rule",
        manual: "Refused by a rule: not a master, already revoked, not revoked, device expired or \
disposed of, user without OTP, an import users --update row that would change a device.",
    },
    ExitDoc {
        exit: Exit::Unusable,
        brief: "registry or key file unusable (or another writer won: try again)",
        manual: "The registry is unusable (not a registry, a newer schema, unreadable, locked past \
the timeout, damaged, on a network file system for a command that writes), the key file is \
missing or not the registry's, or another writer changed the registry meanwhile (try again).",
    },
    ExitDoc {
        exit: Exit::Altered,
        brief: "the registry was altered outside tokenctl",
        manual: "The registry was altered outside tokenctl: a command that needs the key refuses \
to act on an altered, put-back or behind-its-witness registry, and check reports what it found.",
    },
    ExitDoc {
        exit: Exit::Found,
        brief: "`expiring --exit-code` found devices",
        manual: "expiring --exit-code found devices to report.",
    },
];

/// The exit codes in a sentence, for the end of `--help`.
pub(crate) fn help_text() -> String {
    let codes: Vec<String> = EXIT_CODES
        .iter()
        .map(|doc| format!("{} {}", doc.exit.code(), doc.brief))
        .collect();
    format!("Exit codes: {}.", codes.join(", "))
}

/// The man page's EXIT STATUS section, one `code :: meaning` paragraph each.
pub(crate) fn manual_text() -> String {
    let codes: Vec<String> = EXIT_CODES
        .iter()
        .map(|doc| format!("{} :: {}", doc.exit.code(), doc.manual))
        .collect();
    codes.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_code_once_in_order() {
        for (i, doc) in EXIT_CODES.iter().enumerate() {
            assert_eq!(doc.exit.code(), i as i32);
        }
    }
}

#[cfg(test)]
mod readme {
    use super::*;

    /// The README's table says what the manual says, code for code.
    #[test]
    fn the_readme_lists_the_exit_codes_of_the_table() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        let section = readme
            .split("## Exit codes\n")
            .nth(1)
            .expect("an exit codes section");
        let rows: Vec<String> = section
            .lines()
            .skip_while(|l| !l.starts_with("|---"))
            .skip(1)
            .take_while(|l| l.starts_with('|'))
            .map(str::to_string)
            .collect();
        let expected: Vec<String> = EXIT_CODES
            .iter()
            .map(|doc| format!("| {} | {} |", doc.exit.code(), doc.manual))
            .collect();
        assert_eq!(rows, expected);
    }
}
