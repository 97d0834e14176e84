//! `check [--expect-head HEX]`: verify the registry without changing it, and
//! print the audit chain's length and head (to keep, and pass later as
//! `--expect-head` to prove nothing was cut off the end).

use std::io::Write;

use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::CheckArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Format, Output, csv_writer, write_json};
use crate::store::Store;
use crate::store::check::{self, Finding};

/// `check` found the registry altered or damaged.
pub(crate) const FINDINGS_EXIT_CODE: i32 = crate::exit::Exit::Altered.code();

#[derive(Serialize)]
struct CheckJson<'a> {
    ok: bool,
    /// The registry's random ID (hex), which its witness line is keyed by;
    /// empty for a registry from before IDs (schema 1 or 2).
    registry_id: String,
    audit_rows: u64,
    audit_head: String,
    /// Each `{kind, detail}`, the detail in English whatever `--lang` says:
    /// scripts read it (see `Finding`'s `Serialize`).
    findings: &'a [Finding],
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &CheckArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let expect_head = args
        .expect_head
        .as_deref()
        .map(|h| {
            hex::decode(h.trim())
                .ok()
                .filter(|b| b.len() == 32)
                .ok_or_else(|| Error::usage(Msg::ExpectHeadInvalid))
        })
        .transpose()?;
    let structure = if args.quick {
        check::Structure::Quick
    } else {
        check::Structure::Full
    };
    store.map_for_reading()?;
    let report = store.read(|tx| check::run_with(tx, expect_head.as_deref(), structure))?;
    let head = report.audit_head.map(hex::encode).unwrap_or_default();
    let registry_id = store.registry_id().map(hex::encode).unwrap_or_default();
    let ok = report.findings.is_empty();
    match ctx.out.format {
        Format::Json => write_json(
            out,
            &CheckJson {
                ok,
                registry_id: registry_id.clone(),
                audit_rows: report.audit_rows,
                audit_head: head.clone(),
                findings: &report.findings,
            },
        )?,
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(["ok", "registry_id", "audit_rows", "audit_head", "findings"])?;
            csv.write_record([
                ok.to_string(),
                registry_id.clone(),
                report.audit_rows.to_string(),
                head.clone(),
                report.findings.len().to_string(),
            ])?;
            csv.flush()?;
        }
        Format::Table => {
            let o = &ctx.out;
            let verdict = if ok {
                Msg::CheckIntact
            } else {
                Msg::CheckAltered
            };
            writeln!(out, "{}", o.t(verdict))?;
            for line in position_lines(o, &registry_id, report.audit_rows, &head) {
                writeln!(out, "{line}")?;
            }
            if let Some(rows) = store.witness_ahead() {
                writeln!(out, "{}", o.t(Msg::CheckWitnessAhead { rows }))?;
            }
        }
    }
    if ok {
        return Ok(0);
    }
    print_findings(ctx, &report.findings);
    Ok(FINDINGS_EXIT_CODE)
}

/// Where a registry stands, as `check`, `backup` and `rekey` print it: its
/// ID (when it has one), its audit rows and head.
pub(crate) fn position_lines(
    o: &Output,
    registry_id: &str,
    audit_rows: u64,
    audit_head: &str,
) -> Vec<String> {
    let mut lines = Vec::new();
    if !registry_id.is_empty() {
        lines.push(format!("{}: {registry_id}", o.t(Msg::CheckRegistryId)));
    }
    lines.push(format!("{}: {audit_rows}", o.t(Msg::CheckAuditRows)));
    lines.push(format!("{}: {audit_head}", o.t(Msg::CheckAuditHead)));
    lines
}

/// One line per finding on stderr, as cron and scripts expect: the kind as
/// it is, what was found in the user's language (the JSON report keeps the
/// English). `backup` and `restore` report a copy that fails the same way.
pub(crate) fn print_findings(ctx: &Context, findings: &[Finding]) {
    let mut stderr = std::io::stderr().lock();
    for finding in findings {
        let text = finding.message.text(ctx.out.lang);
        let detail = crate::text::escape_controls(&text);
        let _ = writeln!(stderr, "check: {}: {detail}", finding.kind);
    }
}
