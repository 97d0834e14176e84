//! `check`: everything that can tell whether the registry was altered or
//! damaged, read without changing anything: SQLite's own checks, the
//! registry's invariants, every sealed secret, and the audit chain.

use super::Tx;
use super::audit::verify_chain;
use crate::error::Result;

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub kind: &'static str,
    pub detail: String,
}

/// The outcome of a check.
#[derive(Debug)]
pub struct CheckReport {
    pub audit_rows: u64,
    pub audit_head: Option<[u8; 32]>,
    pub findings: Vec<Finding>,
}

/// The registry's invariants, as queries that return one line per breach.
const INVARIANTS: &[(&str, &str)] = &[
    (
        "invariant",
        "SELECT 'user ' || u.login_id || ' holds device ' || d.serial || ', which was disposed of' \
         FROM users u JOIN devices d ON d.id = u.device_id WHERE d.disposed_at IS NOT NULL",
    ),
    (
        "invariant",
        "SELECT 'user ' || login_id || ' holds a device that is not in the registry' \
         FROM users u WHERE device_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = u.device_id)",
    ),
    (
        "invariant",
        "SELECT 'user ' || login_id || ' does not use one-time passwords but holds a device' \
         FROM users WHERE otp_required = 0 AND device_id IS NOT NULL",
    ),
    (
        "invariant",
        "SELECT 'user ' || u.login_id || ' has ' || count(*) || ' open registrations' \
         FROM registrations r JOIN users u ON u.id = r.user_id \
         WHERE r.revoked_at IS NULL GROUP BY r.user_id HAVING count(*) > 1",
    ),
    (
        "invariant",
        "SELECT 'user ' || u.login_id || ' holds a device without an open registration of it' \
         FROM users u WHERE u.device_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM registrations r \
         WHERE r.user_id = u.id AND r.device_id = u.device_id AND r.revoked_at IS NULL)",
    ),
    (
        "invariant",
        "SELECT 'device ' || serial || ' has a malformed expiry date' FROM devices \
         WHERE expires NOT GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' \
            OR date(expires) IS NOT expires",
    ),
    (
        "invariant",
        "SELECT 'user ' || login_id || ' has an unknown role' FROM users \
         WHERE role NOT IN ('master', 'general')",
    ),
];

/// Runs every check on one snapshot. `expect_head`, when given, must be a
/// MAC the audit chain passed through.
pub fn run(tx: &Tx<'_>, expect_head: Option<&[u8]>) -> Result<CheckReport> {
    let mut findings = Vec::new();
    let mut push = |kind: &'static str, detail: String| findings.push(Finding { kind, detail });

    // SQLite's own structure: a damaged page or index shows here.
    match tx.prepare("PRAGMA integrity_check").and_then(|mut s| {
        s.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(lines) => {
            for line in lines.into_iter().filter(|l| l != "ok") {
                push("integrity", line);
            }
        }
        Err(e) => push("integrity", e.to_string()),
    }
    // When the structure is damaged the other queries may read garbage or
    // fail; report what they can.
    match tx.prepare("PRAGMA foreign_key_check").and_then(|mut s| {
        s.query_map([], |r| {
            Ok(format!(
                "{} row {} refers to a missing {} row",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(lines) => lines.into_iter().for_each(|l| push("foreign-key", l)),
        Err(e) => push("foreign-key", e.to_string()),
    }
    for (kind, sql) in INVARIANTS {
        match tx.prepare(sql).and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        }) {
            Ok(lines) => lines.into_iter().for_each(|l| push(kind, l)),
            Err(e) => push(kind, e.to_string()),
        }
    }

    let key = tx.key()?;
    if let Err(e) = super::meta::verified_mode(tx) {
        push("mode", e.to_string());
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
                    broken.push(format!(
                        "the secret of device {serial} does not open with the key"
                    ));
                }
            }
            Ok(broken)
        }) {
        Ok(lines) => lines.into_iter().for_each(|l| push("secret", l)),
        Err(e) => push("secret", e.to_string()),
    }

    let chain = verify_chain(tx, key, expect_head)?;
    for line in chain.findings {
        push("audit", line);
    }
    if expect_head.is_some() && !chain.expected_head_seen {
        push(
            "audit",
            "the expected head is not in the audit chain: rows were removed from its end, or the head belongs to another registry".into(),
        );
    }
    Ok(CheckReport {
        audit_rows: chain.rows,
        audit_head: chain.head,
        findings,
    })
}
