//! `audit [--limit N]`: the append-only audit log, newest first.

use std::io::Write;

use serde::Serialize;

use crate::Context;
use crate::cli::AuditArgs;
use crate::error::Result;
use crate::output::{Format, csv_error, csv_writer, rfc3339_unix, write_json_array, write_table};
use crate::store::Store;
use crate::store::audit::newest;

#[derive(Serialize)]
struct AuditJson {
    at: String,
    actor: String,
    action: String,
    targets: Vec<String>,
    outcome: String,
    detail: String,
    clock_fixed: bool,
}

pub fn run(ctx: &Context, store: &mut Store, args: &AuditArgs, out: &mut dyn Write) -> Result<()> {
    let rows: Vec<AuditJson> = newest(&store.conn, args.limit)?
        .into_iter()
        .map(|r| AuditJson {
            at: rfc3339_unix(r.at),
            actor: r.actor,
            action: r.action,
            targets: r.targets,
            outcome: r.outcome,
            detail: r.detail,
            clock_fixed: r.clock_fixed,
        })
        .collect();
    match ctx.out.format {
        Format::Json => write_json_array(out, &rows),
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record([
                "at",
                "actor",
                "action",
                "targets",
                "outcome",
                "detail",
                "clock_fixed",
            ])
            .map_err(csv_error)?;
            for r in &rows {
                csv.write_record([
                    r.at.as_str(),
                    &r.actor,
                    &r.action,
                    &r.targets.join(" "),
                    &r.outcome,
                    &r.detail,
                    if r.clock_fixed { "true" } else { "false" },
                ])
                .map_err(csv_error)?;
            }
            csv.flush().map_err(crate::output::write_error)
        }
        Format::Table => {
            let o = &ctx.out;
            let headers = o.labels(&[
                ("At", "日時"),
                ("Actor", "操作者"),
                ("Action", "操作"),
                ("Targets", "対象"),
                ("Outcome", "結果"),
                ("Detail", "詳細"),
                ("Clock", "時計"),
            ]);
            let table = rows
                .iter()
                .map(|r| {
                    vec![
                        r.at.clone(),
                        r.actor.clone(),
                        r.action.clone(),
                        r.targets.join(" "),
                        r.outcome.clone(),
                        r.detail.clone(),
                        if r.clock_fixed {
                            o.pick("fixed", "固定")
                        } else {
                            o.pick("system", "システム")
                        }
                        .to_string(),
                    ]
                })
                .collect();
            write_table(out, headers, table)
        }
    }
}
