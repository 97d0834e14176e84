//! The append-only audit log. The schema forbids UPDATE and DELETE on it;
//! this module only inserts and reads. No password, secret or code is ever
//! written here.

use rusqlite::{Connection, params};

use crate::error::Result;

/// A row to append.
pub struct AuditEntry<'a> {
    pub at: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub targets: &'a [String],
    pub outcome: &'a str,
    pub detail: String,
    pub clock_fixed: bool,
}

/// A row read back.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub targets: Vec<String>,
    pub outcome: String,
    pub detail: String,
    pub clock_fixed: bool,
}

pub fn append(conn: &Connection, entry: &AuditEntry<'_>) -> Result<()> {
    let targets = serde_json::to_string(entry.targets).expect("strings serialise");
    conn.prepare_cached(
        "INSERT INTO audit (at, actor, action, targets, outcome, detail, clock_fixed) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        entry.at,
        entry.actor,
        entry.action,
        targets,
        entry.outcome,
        entry.detail,
        entry.clock_fixed
    ])?;
    Ok(())
}

/// The newest `limit` rows, newest first.
pub fn newest(conn: &Connection, limit: Option<u64>) -> Result<Vec<AuditRow>> {
    let limit = limit.map(|l| l.min(i64::MAX as u64) as i64).unwrap_or(-1);
    let mut stmt = conn.prepare(
        "SELECT at, actor, action, targets, outcome, detail, clock_fixed FROM audit \
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| {
            let targets: String = r.get(3)?;
            Ok(AuditRow {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                targets: serde_json::from_str(&targets).unwrap_or_default(),
                outcome: r.get(4)?,
                detail: r.get(5)?,
                clock_fixed: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
