//! `backup DEST`: a copy of the registry taken with SQLite's online backup
//! API (one instant, while other commands may write), verified like `check`
//! before it is reported, written private to its owner and never over an
//! existing file. The key file is not in it: keep the two apart.

use std::io::Write;
use std::path::Path;

use crate::catalogue::Msg;
use crate::cli::BackupArgs;
use crate::cmd::check::{FINDINGS_EXIT_CODE, position_lines, print_findings};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::record::{Column, Record, Value, write_record_or_prose};
use crate::store::check::{self, CheckReport};
use crate::store::{Access, Store};

/// What `backup` reports: where the copy is and where it stands.
struct Backup {
    path: String,
    registry_id: String,
    audit_rows: u64,
    audit_head: String,
}

impl Record for Backup {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("path"),
            Column::data("registry_id"),
            Column::data("audit_rows"),
            Column::data("audit_head"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.path),
            Value::Text(&self.registry_id),
            Value::Count(self.audit_rows as i64),
            Value::Text(&self.audit_head),
        ]
    }
}

pub(crate) fn run(
    ctx: &Context,
    store: &Store,
    args: &BackupArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let dest = args.dest.as_path();
    if std::fs::symlink_metadata(dest).is_ok() {
        return Err(Error::AlreadyExists {
            path: dest.to_path_buf(),
        });
    }
    let temp = store.copy_beside(dest)?;
    let (report, registry_id) = verify_copy(store, temp.path())?;
    if !report.findings.is_empty() {
        print_findings(ctx, &report.findings);
        return Ok(FINDINGS_EXIT_CODE);
    }
    temp.persist(dest)?;
    let report = Backup {
        path: dest.display().to_string(),
        registry_id,
        audit_rows: report.audit_rows,
        audit_head: report.audit_head.map(hex::encode).unwrap_or_default(),
    };
    write_record_or_prose(&ctx.out, out, &report, |o, r| {
        let mut lines = vec![o.t(Msg::BackedUp {
            path: r.path.clone(),
        })];
        lines.extend(position_lines(
            o,
            &r.registry_id,
            r.audit_rows,
            &r.audit_head,
        ));
        lines
    })?;
    Ok(0)
}

/// Checks a copy on its own, like `check --backup`: every row, mark, secret
/// and the chain, against the witness (which may be ahead of it).
pub(crate) fn verify_copy(store: &Store, copy: &Path) -> Result<(CheckReport, String)> {
    let key = store.key_path().ok_or_else(|| Error::KeyFile {
        path: crate::crypto::key::default_path(),
        reason: Msg::KeyNeeded,
    })?;
    let copy = Store::open(copy, Access::InspectCopy, Some(key), false)?;
    let report = copy.read(|tx| check::run(tx, None))?;
    let id = copy.registry_id().map(hex::encode).unwrap_or_default();
    Ok((report, id))
}
