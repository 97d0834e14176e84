//! The append-only audit log and its keyed MAC chain.
//!
//! Every row carries an HMAC-SHA256, under a key derived from the registry
//! key, over its own canonical bytes and the previous row's MAC. Triggers
//! refuse UPDATE and DELETE, but anyone with the file can drop them; the
//! chain is what makes a changed, deleted, inserted or reordered row show,
//! because forging it needs the key file. No password, secret or code is
//! ever written here.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

use super::Tx;
use crate::catalogue::Msg;
use crate::clock::Clock;
use crate::crypto::key::RegistryKey;
use crate::error::{Error, Result};

/// Where an `upgrade` (or `rekey`) row's detail records the head the chain
/// had reached before it was re-chained: a head an operator recorded then
/// is still one the chain passed through.
pub(crate) const PREVIOUS_HEAD: &str = "previous head ";

/// What an `upgrade` or `rekey` row's detail ends with: the head reached
/// before the chain was rewritten (nothing when the chain was empty).
pub(crate) fn previous_head_note(head: Option<[u8; 32]>) -> String {
    head.map(|h| format!("; {PREVIOUS_HEAD}{}", hex::encode(h)))
        .unwrap_or_default()
}

/// The head recorded by a re-chaining row, if `row` is one.
fn previous_head(row: &AuditRow) -> Option<Vec<u8>> {
    if !matches!(row.action.as_str(), "upgrade" | "rekey") {
        return None;
    }
    let at = row.detail.rfind(PREVIOUS_HEAD)? + PREVIOUS_HEAD.len();
    hex::decode(row.detail.get(at..at + 64)?).ok()
}

/// The chain's start: the "previous MAC" of the first row.
const GENESIS: [u8; 32] = [0; 32];

/// What an audit row records as done: every action tokenctl writes, by
/// the name the log keeps (`--action` filters on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Init,
    InitDemo,
    ImportUsers,
    ImportDevices,
    Role,
    Passwd,
    Revoke,
    BankRevoke,
    Register,
    Lock,
    Unlock,
    Recovery,
    Dispose,
    /// Schema 2's sealing of an older registry (kept for its rows).
    Seal,
    Upgrade,
    Restore,
    Rekey,
    /// A device's clock offset learned anew from two consecutive codes.
    Resync,
}

impl Action {
    pub(crate) const ALL: [Action; 18] = [
        Action::Init,
        Action::InitDemo,
        Action::ImportUsers,
        Action::ImportDevices,
        Action::Role,
        Action::Passwd,
        Action::Revoke,
        Action::BankRevoke,
        Action::Register,
        Action::Lock,
        Action::Unlock,
        Action::Recovery,
        Action::Dispose,
        Action::Seal,
        Action::Upgrade,
        Action::Restore,
        Action::Rekey,
        Action::Resync,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Action::Init => "init",
            Action::InitDemo => "init-demo",
            Action::ImportUsers => "import-users",
            Action::ImportDevices => "import-devices",
            Action::Role => "role",
            Action::Passwd => "passwd",
            Action::Revoke => "revoke",
            Action::BankRevoke => "bank-revoke",
            Action::Register => "register",
            Action::Lock => "lock",
            Action::Unlock => "unlock",
            Action::Recovery => "recovery",
            Action::Dispose => "dispose",
            Action::Seal => "seal",
            Action::Upgrade => "upgrade",
            Action::Restore => "restore",
            Action::Rekey => "rekey",
            Action::Resync => "resync",
        }
    }

    /// The action a row records; `None` for a name no tokenctl writes.
    pub(crate) fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// How an audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    Failed,
    Refused,
    Locked,
}

impl Outcome {
    pub(crate) const ALL: [Outcome; 4] = [
        Outcome::Ok,
        Outcome::Failed,
        Outcome::Refused,
        Outcome::Locked,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
            Outcome::Locked => "locked",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

/// A row to append.
pub(crate) struct AuditEntry<'a> {
    pub(crate) at: DateTime<Utc>,
    pub(crate) actor: &'a str,
    pub(crate) action: Action,
    pub(crate) targets: &'a [String],
    pub(crate) outcome: Outcome,
    pub(crate) detail: String,
    pub(crate) clock_fixed: bool,
}

/// A row read back.
#[derive(Debug, Clone)]
pub(crate) struct AuditRow {
    pub(crate) id: i64,
    pub(crate) at: DateTime<Utc>,
    /// The real instant the row was written; unknown for rows written
    /// before tokenctl recorded it.
    pub(crate) recorded_at: Option<DateTime<Utc>>,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) targets: Vec<String>,
    pub(crate) outcome: String,
    pub(crate) detail: String,
    pub(crate) clock_fixed: bool,
    pub(crate) mac: Option<Vec<u8>>,
}

/// Which rows `audit` shows.
#[derive(Debug, Default, Clone)]
pub(crate) struct AuditFilter {
    pub(crate) limit: Option<u64>,
    pub(crate) action: Option<String>,
    pub(crate) actor: Option<String>,
    pub(crate) since: Option<DateTime<Utc>>,
}

/// The actor recorded for administrative commands: the OS account running
/// tokenctl, looked up from the process's user ID (not from `$USER`, which
/// anyone can set and cron often leaves unset).
pub(crate) fn os_actor() -> String {
    #[cfg(unix)]
    if let Ok(Some(user)) = nix::unistd::User::from_uid(nix::unistd::getuid()) {
        return format!("os:{}", user.name);
    }
    actor_named(
        std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .ok(),
    )
}

/// The actor for a user name from the environment, when the system has no
/// entry for the user id: `os:unknown` for none or an empty one.
fn actor_named(name: Option<String>) -> String {
    name.filter(|u| !u.is_empty())
        .map(|u| format!("os:{u}"))
        .unwrap_or_else(|| "os:unknown".to_string())
}

/// Appends a row stamped with the command's clock (`at`) and the real
/// clock (`recorded_at`), chained to the last row.
pub(crate) fn record(
    tx: &Tx<'_>,
    clock: &Clock,
    actor: &str,
    action: Action,
    targets: &[String],
    outcome: Outcome,
    detail: String,
) -> Result<()> {
    append(
        tx,
        &AuditEntry {
            at: clock.now(),
            actor,
            action,
            targets,
            outcome,
            detail,
            clock_fixed: clock.is_fixed(),
        },
    )
}

pub(crate) fn append(tx: &Tx<'_>, entry: &AuditEntry<'_>) -> Result<()> {
    let key = tx.key()?;
    let (last_id, prev) = last_link(tx)?;
    let row = AuditRow {
        id: last_id + 1,
        at: entry.at,
        // Whole seconds, as the row stores it: the MAC is over what is read back.
        recorded_at: DateTime::from_timestamp(Utc::now().timestamp(), 0),
        actor: entry.actor.to_string(),
        action: entry.action.as_str().to_string(),
        targets: entry.targets.to_vec(),
        outcome: entry.outcome.as_str().to_string(),
        detail: entry.detail.clone(),
        clock_fixed: entry.clock_fixed,
        mac: None,
    };
    let mac = key.audit_mac(&canonical(&prev, &row));
    let targets = serde_json::to_string(entry.targets).expect("strings serialise");
    tx.conn
        .prepare_cached(
            "INSERT INTO audit (id, at, actor, action, targets, outcome, detail, clock_fixed, \
         recorded_at, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            row.id,
            row.at.timestamp(),
            row.actor,
            row.action,
            targets,
            row.outcome,
            row.detail,
            row.clock_fixed,
            row.recorded_at.map(|t| t.timestamp()),
            mac.as_slice(),
        ])?;
    Ok(())
}

/// The id and MAC of the last row (0 and the genesis value when empty).
fn last_link(tx: &Tx<'_>) -> Result<(i64, [u8; 32])> {
    let last: Option<(i64, Option<Vec<u8>>)> = tx
        .conn
        .prepare_cached("SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    match last {
        None => Ok((0, GENESIS)),
        Some((id, Some(mac))) => Ok((id, mac_array(&mac).ok_or_else(|| corrupt(id))?)),
        Some((id, None)) => Err(corrupt(id)),
    }
}

fn corrupt(id: i64) -> Error {
    Error::Corrupt(crate::catalogue::Msg::AuditRowNoMac { id })
}

fn mac_array(bytes: &[u8]) -> Option<[u8; 32]> {
    bytes.try_into().ok()
}

/// The bytes a row's MAC covers: the previous MAC and every column, each
/// length-prefixed so that no two rows share an encoding.
fn canonical(prev: &[u8; 32], row: &AuditRow) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + row.detail.len());
    out.extend_from_slice(b"tokenctl audit v1\0");
    out.extend_from_slice(prev);
    out.extend_from_slice(&row.id.to_be_bytes());
    out.extend_from_slice(&row.at.timestamp().to_be_bytes());
    let recorded = row.recorded_at.map_or(i64::MIN, |t| t.timestamp());
    out.extend_from_slice(&recorded.to_be_bytes());
    let targets = serde_json::to_string(&row.targets).expect("strings serialise");
    for field in [
        row.actor.as_str(),
        row.action.as_str(),
        targets.as_str(),
        row.outcome.as_str(),
        row.detail.as_str(),
    ] {
        out.extend_from_slice(&(field.len() as u64).to_be_bytes());
        out.extend_from_slice(field.as_bytes());
    }
    out.push(u8::from(row.clock_fixed));
    out
}

fn columns(tx: &Tx<'_>) -> &'static str {
    if tx.version() >= 2 {
        "id, at, actor, action, targets, outcome, detail, clock_fixed, recorded_at, mac"
    } else {
        "id, at, actor, action, targets, outcome, detail, clock_fixed, NULL, NULL"
    }
}

fn row_from(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    let id: i64 = r.get(0)?;
    let targets: String = r.get(4)?;
    let targets = serde_json::from_str(&targets).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            format!("audit row {id}: its targets are not a list of names").into(),
        )
    })?;
    Ok(AuditRow {
        id,
        at: super::required_instant_at(r, 1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        targets,
        outcome: r.get(5)?,
        detail: r.get(6)?,
        clock_fixed: r.get(7)?,
        recorded_at: super::instant_at(r, 8)?,
        mac: r.get(9)?,
    })
}

/// The newest rows that pass `filter`, newest first.
pub(crate) fn newest(tx: &Tx<'_>, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
    let limit = filter
        .limit
        .map(|l| l.min(i64::MAX as u64) as i64)
        .unwrap_or(-1);
    let mut stmt = tx.conn.prepare(&format!(
        "SELECT {} FROM audit \
         WHERE (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR actor = ?3) \
           AND (?4 IS NULL OR at >= ?4) \
         ORDER BY id DESC LIMIT ?1",
        columns(tx)
    ))?;
    let rows = stmt
        .query_map(
            params![
                limit,
                filter.action,
                filter.actor,
                filter.since.map(|t| t.timestamp())
            ],
            row_from,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// What walking the chain found.
#[derive(Debug, Default)]
pub(crate) struct ChainReport {
    pub(crate) rows: u64,
    /// The last row's MAC: what an operator records to detect a cut tail.
    pub(crate) head: Option<[u8; 32]>,
    /// What is wrong, row by row (`check` reports them).
    pub(crate) findings: Vec<Msg>,
    /// Whether the expected head (if any) is a MAC the chain passed through.
    pub(crate) expected_head_seen: bool,
}

/// Recomputes every row's MAC from the first; a row whose stored MAC
/// differs is a finding, and the chain continues from the stored MAC so
/// that one edit is reported once.
pub(crate) fn verify_chain(
    tx: &Tx<'_>,
    key: &RegistryKey,
    expect_head: Option<&[u8]>,
) -> Result<ChainReport> {
    let mut report = ChainReport::default();
    let mut prev = GENESIS;
    let mut expected_id = 1;
    let mut stmt = tx
        .conn
        .prepare(&format!("SELECT {} FROM audit ORDER BY id", columns(tx)))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row = match row_from(r) {
            Ok(row) => row,
            Err(e) => {
                report.findings.push(Msg::FindingQueryFailed {
                    detail: e.to_string(),
                });
                continue;
            }
        };
        report.rows += 1;
        if row.id != expected_id {
            report.findings.push(Msg::FindingAuditRowMissing {
                id: expected_id,
                next: row.id,
            });
        }
        expected_id = row.id + 1;
        let stored = row.mac.as_deref().and_then(mac_array);
        match stored {
            Some(mac) if key.audit_mac_matches(&canonical(&prev, &row), &mac) => prev = mac,
            Some(mac) => {
                report
                    .findings
                    .push(Msg::FindingAuditRowAltered { id: row.id });
                prev = mac;
            }
            None => {
                report
                    .findings
                    .push(Msg::FindingAuditRowNoMac { id: row.id });
            }
        }
        if expect_head.is_some_and(|h| stored.is_some_and(|m| m.as_slice() == h)) {
            report.expected_head_seen = true;
        }
        let verified = report.findings.is_empty();
        if verified && expect_head.is_some() && previous_head(&row).as_deref() == expect_head {
            report.expected_head_seen = true;
        }
    }
    report.head = (report.rows > 0).then_some(prev);
    Ok(report)
}

/// The trigger that keeps audit rows as written (as migration 0003 creates it).
const APPEND_ONLY: &str = "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit \
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/// Chains every row anew, from the first, under `key`: the upgrade of an
/// older registry, after its old chain verified (or, for schema 1, where
/// there was none).
pub(super) fn rewrite_chain(tx: &Tx<'_>, key: &RegistryKey) -> Result<()> {
    let rows: Vec<AuditRow> = {
        let mut stmt = tx.conn.prepare(
            "SELECT id, at, actor, action, targets, outcome, detail, clock_fixed, recorded_at, mac \
             FROM audit ORDER BY id",
        )?;
        stmt.query_map([], row_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    tx.conn
        .execute_batch("DROP TRIGGER IF EXISTS audit_no_update")?;
    let mut prev = GENESIS;
    let mut update = tx.conn.prepare("UPDATE audit SET mac = ?2 WHERE id = ?1")?;
    for row in &rows {
        let mac = key.audit_mac(&canonical(&prev, row));
        update.execute(params![row.id, mac.as_slice()])?;
        prev = mac;
    }
    tx.conn.execute_batch(APPEND_ONLY)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The actor of a command run without `--as` is the operating-system
    /// user, as `id -un` names it.
    #[test]
    fn the_os_actor_is_the_login_name() {
        let id = std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap();
        let name = String::from_utf8(id.stdout).unwrap();
        assert_eq!(os_actor(), format!("os:{}", name.trim()));
    }

    #[test]
    fn an_actor_from_the_environment_is_named_or_unknown() {
        assert_eq!(actor_named(Some("hanako".into())), "os:hanako");
        assert_eq!(actor_named(Some(String::new())), "os:unknown");
        assert_eq!(actor_named(None), "os:unknown");
    }

    /// A log with no rows has no head (not the genesis value), and a log
    /// with rows ends at its last row's MAC.
    #[test]
    fn only_a_log_with_rows_has_a_head() {
        let registry = crate::store::testing::TempRegistry::new();
        let mut store = registry.open();
        let clock = Clock::fixed(DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        store
            .write(|tx| record(tx, &clock, "t", Action::Init, &[], Outcome::Ok, "x".into()))
            .unwrap();
        let report = store.read(|tx| verify_chain(tx, tx.key()?, None)).unwrap();
        assert!(report.rows >= 1 && report.findings.is_empty());
        let last: Vec<u8> = registry
            .raw()
            .query_row("SELECT mac FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(report.head.map(|h| h.to_vec()), Some(last));
        registry
            .raw()
            .execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit;")
            .unwrap();
        let report = store.read(|tx| verify_chain(tx, tx.key()?, None)).unwrap();
        assert_eq!((report.rows, report.head), (0, None));
    }

    /// `audit`'s query: newest first, each filter narrowing, no limit
    /// meaning every row.
    #[test]
    fn the_newest_rows_are_filtered_and_limited() {
        let registry = crate::store::testing::TempRegistry::new();
        let mut store = registry.open();
        let entries = [
            (100, "os:a", Action::Init),
            (200, "os:b", Action::Revoke),
            (300, "os:a", Action::Revoke),
            (400, "os:b", Action::Register),
        ];
        for (at, actor, action) in entries {
            let clock = Clock::fixed(DateTime::from_timestamp(at, 0).unwrap());
            store
                .write(|tx| record(tx, &clock, actor, action, &[], Outcome::Ok, String::new()))
                .unwrap();
        }
        let ids = |filter: AuditFilter| -> Vec<i64> {
            store
                .read(|tx| newest(tx, &filter))
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(ids(AuditFilter::default()), [4, 3, 2, 1]);
        let limit = |n| AuditFilter {
            limit: Some(n),
            ..AuditFilter::default()
        };
        assert_eq!(ids(limit(1)), [4]);
        assert_eq!(ids(limit(u64::MAX)), [4, 3, 2, 1]);
        let action = AuditFilter {
            action: Some("revoke".into()),
            ..AuditFilter::default()
        };
        assert_eq!(ids(action), [3, 2]);
        let actor = AuditFilter {
            actor: Some("os:a".into()),
            ..AuditFilter::default()
        };
        assert_eq!(ids(actor), [3, 1]);
        let since = AuditFilter {
            since: DateTime::from_timestamp(200, 0),
            ..AuditFilter::default()
        };
        assert_eq!(ids(since), [4, 3, 2]);
    }

    fn row(id: i64, detail: &str) -> AuditRow {
        AuditRow {
            id,
            at: DateTime::from_timestamp(1, 0).unwrap(),
            recorded_at: DateTime::from_timestamp(2, 0),
            actor: "a".into(),
            action: "revoke".into(),
            targets: vec!["x".into()],
            outcome: "ok".into(),
            detail: detail.into(),
            clock_fixed: false,
            mac: None,
        }
    }

    /// An `upgrade` or `rekey` row records the head the chain had reached
    /// before it was re-chained, and only those rows are read for one.
    #[test]
    fn a_rechaining_row_keeps_the_previous_head() {
        let head = [0xab; 32];
        let note = previous_head_note(Some(head));
        assert_eq!(note, format!("; previous head {}", "ab".repeat(32)));
        assert_eq!(previous_head_note(None), "");
        for action in ["upgrade", "rekey"] {
            let mut rechained = row(7, &format!("schema 3 to 4{note}"));
            rechained.action = action.into();
            assert_eq!(previous_head(&rechained), Some(head.to_vec()), "{action}");
            rechained.detail = "schema 3 to 4; previous head abab".into();
            assert_eq!(previous_head(&rechained), None, "{action}: a cut head");
        }
        assert_eq!(
            previous_head(&row(7, &format!("x{note}"))),
            None,
            "a revoke"
        );
    }

    #[test]
    fn every_action_and_outcome_round_trips_by_its_recorded_name() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Action::parse("drop-table"), None);
        assert_eq!(Outcome::parse("maybe"), None);
    }

    #[test]
    fn canonical_bytes_change_with_every_field_and_the_link() {
        let base = canonical(&GENESIS, &row(1, "d"));
        assert_ne!(base, canonical(&GENESIS, &row(2, "d")));
        assert_ne!(base, canonical(&GENESIS, &row(1, "e")));
        assert_ne!(base, canonical(&[1; 32], &row(1, "d")));
        let mut fixed = row(1, "d");
        fixed.clock_fixed = true;
        assert_ne!(base, canonical(&GENESIS, &fixed));
        let mut unknown = row(1, "d");
        unknown.recorded_at = None;
        assert_ne!(base, canonical(&GENESIS, &unknown));
        // Moving bytes between fields changes the encoding.
        let mut a = row(1, "d");
        a.actor = "ab".into();
        a.action = "c".into();
        let mut b = row(1, "d");
        b.actor = "a".into();
        b.action = "bc".into();
        assert_ne!(canonical(&GENESIS, &a), canonical(&GENESIS, &b));
    }
}
