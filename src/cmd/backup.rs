//! `backup DEST`: a copy of the registry taken with SQLite's online backup
//! API (one instant, while other commands may write), verified like `check`
//! before it is reported, written private to its owner and never over an
//! existing file. The key file is not in it: keep the two apart.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::BackupArgs;
use crate::cmd::check::{FINDINGS_EXIT_CODE, print_findings, write_position};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Format, csv_writer, write_json};
use crate::store::check::{self, CheckReport};
use crate::store::{Access, Store};

/// What `backup --format json` prints: where the copy is and where it stands.
#[derive(Serialize)]
struct BackupJson {
    path: String,
    registry_id: String,
    audit_rows: u64,
    audit_head: String,
}

pub fn run(ctx: &Context, store: &Store, args: &BackupArgs, out: &mut dyn Write) -> Result<i32> {
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
    let report = BackupJson {
        path: dest.display().to_string(),
        registry_id,
        audit_rows: report.audit_rows,
        audit_head: report.audit_head.map(hex::encode).unwrap_or_default(),
    };
    render(ctx, out, &report)?;
    Ok(0)
}

/// Checks a copy on its own, like `check --backup`: every row, mark, secret
/// and the chain, against the witness (which may be ahead of it).
pub fn verify_copy(store: &Store, copy: &Path) -> Result<(CheckReport, String)> {
    let key = store.key_path().ok_or_else(|| Error::KeyFile {
        path: crate::key::default_path(),
        reason: Msg::KeyNeeded,
    })?;
    let copy = Store::open(copy, Access::InspectCopy, Some(key), false)?;
    let report = copy.read(|tx| check::run(tx, None))?;
    let id = copy.registry_id().map(hex::encode).unwrap_or_default();
    Ok((report, id))
}

fn render(ctx: &Context, out: &mut dyn Write, r: &BackupJson) -> Result<()> {
    let o = &ctx.out;
    match o.format {
        Format::Json => write_json(out, r),
        Format::Csv => {
            let mut csv = csv_writer(o, out);
            csv.write_record(["path", "registry_id", "audit_rows", "audit_head"])?;
            csv.write_record([
                r.path.clone(),
                r.registry_id.clone(),
                r.audit_rows.to_string(),
                r.audit_head.clone(),
            ])?;
            Ok(csv.flush()?)
        }
        Format::Table => {
            writeln!(
                out,
                "{}",
                o.t(Msg::BackedUp {
                    path: r.path.clone()
                })
            )?;
            write_position(o, out, &r.registry_id, r.audit_rows, &r.audit_head)
        }
    }
}
