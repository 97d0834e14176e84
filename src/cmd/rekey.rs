//! `rekey --new-key-file PATH`: rotates the registry key (a key file that
//! may have leaked is replaced). The new key file is written first, then
//! one transaction re-seals every secret and MACs everything anew under it
//! (see `store::rekey`); the old key file is refused afterwards.

use std::io::Write;

use crate::catalogue::Msg;
use crate::cli::RekeyArgs;
use crate::cmd::check::position_lines;
use crate::context::Context;
use crate::crypto::key::KeyFile;
use crate::error::Result;
use crate::output::record::{Column, Record, Value, write_record_or_prose};
use crate::store::Store;

/// What `rekey` reports: the new key file and where the registry stands.
struct Rekeyed {
    key_file: String,
    key_fingerprint: String,
    previous_fingerprint: String,
    audit_rows: u64,
    audit_head: String,
}

impl Record for Rekeyed {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("key_file"),
            Column::data("key_fingerprint"),
            Column::data("previous_fingerprint"),
            Column::data("audit_rows"),
            Column::data("audit_head"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.key_file),
            Value::Text(&self.key_fingerprint),
            Value::Text(&self.previous_fingerprint),
            Value::Count(self.audit_rows as i64),
            Value::Text(&self.audit_head),
        ]
    }
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &RekeyArgs,
    out: &mut dyn Write,
) -> Result<()> {
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
    let report = Rekeyed {
        key_file: args.new_key_file.display().to_string(),
        key_fingerprint: fingerprint,
        previous_fingerprint: previous,
        audit_rows: position.audit_len,
        audit_head: hex::encode(position.audit_head),
    };
    write_record_or_prose(&ctx.out, out, &report, |o, r| {
        let mut lines = vec![o.t(Msg::Rekeyed {
            path: r.key_file.clone(),
            fingerprint: r.key_fingerprint.clone(),
            previous: r.previous_fingerprint.clone(),
        })];
        lines.extend(position_lines(o, "", r.audit_rows, &r.audit_head));
        lines
    })
}
