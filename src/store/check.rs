//! `check`: everything that can tell whether the registry was altered or
//! damaged, read without changing anything: SQLite's own checks, the
//! registry's invariants, every sealed secret, and the audit chain.

use rusqlite::Row;

use super::Tx;
use super::audit::verify_chain;
use crate::catalogue::Msg;
use crate::error::Result;

/// One thing found wrong: its kind (`integrity`, `foreign-key`,
/// `invariant`, `mode`, `secret`, `audit`: a fixed word scripts match on)
/// and what is wrong, which stderr shows in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: &'static str,
    pub message: Msg,
}

impl serde::Serialize for Finding {
    /// `{"kind": …, "detail": …}` with the detail in English whatever the
    /// language: scripts read the JSON report, and its words must not
    /// change with `--lang`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut finding = s.serialize_struct("Finding", 2)?;
        finding.serialize_field("kind", self.kind)?;
        finding.serialize_field("detail", &self.message.en())?;
        finding.end()
    }
}

/// The outcome of a check.
#[derive(Debug)]
pub struct CheckReport {
    pub audit_rows: u64,
    pub audit_head: Option<[u8; 32]>,
    pub findings: Vec<Finding>,
}

/// Reads one breach of an invariant from its query's row.
type Breach = fn(&Row<'_>) -> rusqlite::Result<Msg>;

/// The registry's invariants, as queries that return one row per breach,
/// and what each row says.
const INVARIANTS: &[(&str, Breach)] = &[
    (
        "SELECT u.login_id, d.serial FROM users u JOIN devices d ON d.id = u.device_id \
         WHERE d.disposed_at IS NOT NULL",
        |r| {
            Ok(Msg::FindingHoldsDisposed {
                login_id: r.get(0)?,
                serial: r.get(1)?,
            })
        },
    ),
    (
        "SELECT login_id FROM users u WHERE device_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = u.device_id)",
        |r| {
            Ok(Msg::FindingHoldsMissingDevice {
                login_id: r.get(0)?,
            })
        },
    ),
    (
        "SELECT login_id FROM users WHERE otp_required = 0 AND device_id IS NOT NULL",
        |r| {
            Ok(Msg::FindingNoOtpHoldsDevice {
                login_id: r.get(0)?,
            })
        },
    ),
    (
        "SELECT u.login_id, count(*) FROM registrations r JOIN users u ON u.id = r.user_id \
         WHERE r.revoked_at IS NULL GROUP BY r.user_id HAVING count(*) > 1",
        |r| {
            Ok(Msg::FindingOpenRegistrations {
                login_id: r.get(0)?,
                count: r.get(1)?,
            })
        },
    ),
    (
        "SELECT u.login_id FROM users u WHERE u.device_id IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM registrations r \
         WHERE r.user_id = u.id AND r.device_id = u.device_id AND r.revoked_at IS NULL)",
        |r| {
            Ok(Msg::FindingHoldsUnregistered {
                login_id: r.get(0)?,
            })
        },
    ),
    (
        "SELECT serial FROM devices \
         WHERE expires NOT GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' \
            OR date(expires) IS NOT expires",
        |r| Ok(Msg::FindingMalformedExpiry { serial: r.get(0)? }),
    ),
    (
        "SELECT login_id FROM users WHERE role NOT IN ('master', 'general')",
        |r| {
            Ok(Msg::FindingUnknownRole {
                login_id: r.get(0)?,
            })
        },
    ),
];

/// Runs every check on one snapshot. `expect_head`, when given, must be a
/// MAC the audit chain passed through.
pub fn run(tx: &Tx<'_>, expect_head: Option<&[u8]>) -> Result<CheckReport> {
    let mut findings = Vec::new();
    let mut push = |kind: &'static str, message: Msg| findings.push(Finding { kind, message });
    let failed = |e: rusqlite::Error| Msg::FindingQueryFailed {
        detail: e.to_string(),
    };

    // SQLite's own structure: a damaged page or index shows here.
    match tx.prepare("PRAGMA integrity_check").and_then(|mut s| {
        s.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(lines) => {
            for detail in lines.into_iter().filter(|l| l != "ok") {
                push("integrity", Msg::FindingIntegrity { detail });
            }
        }
        Err(e) => push("integrity", failed(e)),
    }
    // When the structure is damaged the other queries may read garbage or
    // fail; report what they can.
    match tx.prepare("PRAGMA foreign_key_check").and_then(|mut s| {
        s.query_map([], |r| {
            Ok(Msg::FindingForeignKey {
                table: r.get(0)?,
                row: r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                parent: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(found) => found.into_iter().for_each(|m| push("foreign-key", m)),
        Err(e) => push("foreign-key", failed(e)),
    }
    for (sql, breach) in INVARIANTS {
        match tx.prepare(sql).and_then(|mut s| {
            s.query_map([], breach)?
                .collect::<rusqlite::Result<Vec<_>>>()
        }) {
            Ok(found) => found.into_iter().for_each(|m| push("invariant", m)),
            Err(e) => push("invariant", failed(e)),
        }
    }

    let key = tx.key()?;
    if let Err(e) = super::meta::verified_mode(tx) {
        push("mode", e.message());
    }
    match tx
        .prepare("SELECT serial, secret FROM devices ORDER BY id")
        .and_then(|mut s| {
            let mut broken = Vec::new();
            let mut rows = s.query([])?;
            while let Some(r) = rows.next()? {
                let serial: String = r.get(0)?;
                let sealed: Vec<u8> = r.get(1)?;
                if key.open(&serial, &sealed).is_err() {
                    broken.push(Msg::FindingSecretDoesNotOpen { serial });
                }
            }
            Ok(broken)
        }) {
        Ok(found) => found.into_iter().for_each(|m| push("secret", m)),
        Err(e) => push("secret", failed(e)),
    }

    let chain = verify_chain(tx, key, expect_head)?;
    for message in chain.findings {
        push("audit", message);
    }
    if expect_head.is_some() && !chain.expected_head_seen {
        push("audit", Msg::FindingHeadMissing);
    }
    Ok(CheckReport {
        audit_rows: chain.rows,
        audit_head: chain.head,
        findings,
    })
}
