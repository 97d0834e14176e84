//! `rekey --new-key-file PATH`: rotates the registry key (a key file that
//! may have leaked is replaced). The new key file is written first, then
//! one transaction re-seals every secret and MACs everything anew under it
//! (see `store::rekey`); the old key file is refused afterwards.

use std::io::Write;

use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::RekeyArgs;
use crate::cmd::check::write_position;
use crate::context::Context;
use crate::error::Result;
use crate::key::KeyFile;
use crate::output::{Format, csv_writer, write_json};
use crate::store::Store;

/// What `rekey --format json` prints.
#[derive(Serialize)]
struct RekeyJson {
    key_file: String,
    key_fingerprint: String,
    previous_fingerprint: String,
    audit_rows: u64,
    audit_head: String,
}

pub fn run(ctx: &Context, store: &mut Store, args: &RekeyArgs, out: &mut dyn Write) -> Result<()> {
    let new_key = KeyFile::create_new(&args.new_key_file)?;
    let fingerprint = new_key.fingerprint().to_string();
    let at = ctx.clock.now();
    let (previous, position) = match store.rekey(new_key, at, ctx.clock.is_fixed()) {
        Ok(done) => done,
        Err(e) => {
            // Nothing was committed: the new key protects nothing.
            let _ = std::fs::remove_file(&args.new_key_file);
            return Err(e);
        }
    };
    let report = RekeyJson {
        key_file: args.new_key_file.display().to_string(),
        key_fingerprint: fingerprint,
        previous_fingerprint: previous,
        audit_rows: position.audit_len,
        audit_head: hex::encode(position.audit_head),
    };
    let o = &ctx.out;
    match o.format {
        Format::Json => write_json(out, &report),
        Format::Csv => {
            let mut csv = csv_writer(o, out);
            csv.write_record([
                "key_file",
                "key_fingerprint",
                "previous_fingerprint",
                "audit_rows",
                "audit_head",
            ])?;
            csv.write_record([
                report.key_file.clone(),
                report.key_fingerprint.clone(),
                report.previous_fingerprint.clone(),
                report.audit_rows.to_string(),
                report.audit_head.clone(),
            ])?;
            Ok(csv.flush()?)
        }
        Format::Table => {
            writeln!(
                out,
                "{}",
                o.t(Msg::Rekeyed {
                    path: report.key_file.clone(),
                    fingerprint: report.key_fingerprint.clone(),
                    previous: report.previous_fingerprint.clone(),
                })
            )?;
            write_position(o, out, "", report.audit_rows, &report.audit_head)
        }
    }
}
