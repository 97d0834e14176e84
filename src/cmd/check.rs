//! `check [--expect-head HEX]`: verify the registry without changing it, and
//! print the audit chain's length and head (to keep, and pass later as
//! `--expect-head` to prove nothing was cut off the end).

use std::io::Write;

use crate::catalogue::Msg;
use crate::cli::CheckArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::record::{Column, Record, Value, write_record_or_prose};
use crate::store::Store;
use crate::store::check::{self, Finding};

/// `check` found the registry altered or damaged.
pub(crate) const FINDINGS_EXIT_CODE: i32 = crate::exit::Exit::Altered.code();

/// What `check` reports: whether the registry is intact, where it stands,
/// and each finding (`{kind, detail}` in JSON, the detail in English
/// whatever `--lang` says: scripts read it; CSV counts them).
struct Checked {
    ok: bool,
    /// The registry's random ID (hex), which its witness line is keyed by;
    /// empty for a registry from before IDs (schema 1 or 2).
    registry_id: String,
    audit_rows: u64,
    audit_head: String,
    /// Each finding's kind and detail, the detail in English whatever the
    /// language: scripts read the JSON report, and its words must not
    /// change with `--lang`.
    findings: Vec<Vec<(&'static str, String)>>,
}

impl Record for Checked {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("ok"),
            Column::data("registry_id"),
            Column::data("audit_rows"),
            Column::data("audit_head"),
            Column::data("findings"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Bool(self.ok),
            Value::Text(&self.registry_id),
            Value::Count(self.audit_rows as i64),
            Value::Text(&self.audit_head),
            Value::Items(&self.findings),
        ]
    }
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
    let checked = Checked {
        ok,
        registry_id,
        audit_rows: report.audit_rows,
        audit_head: head,
        findings: report
            .findings
            .iter()
            .map(|f| vec![("kind", f.kind.to_string()), ("detail", f.message.en())])
            .collect(),
    };
    let witness_ahead = store.witness_ahead();
    write_record_or_prose(&ctx.out, out, &checked, |o, c| {
        let verdict = if c.ok {
            Msg::CheckIntact
        } else {
            Msg::CheckAltered
        };
        let mut lines = vec![o.t(verdict)];
        lines.extend(position_lines(
            o,
            &c.registry_id,
            c.audit_rows,
            &c.audit_head,
        ));
        if let Some(rows) = witness_ahead {
            lines.push(o.t(Msg::CheckWitnessAhead { rows }));
        }
        lines
    })?;
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
    crate::ui::stderr::lines(findings.iter().map(|finding| {
        let text = finding.message.text(ctx.out.lang);
        let detail = crate::text::escape_controls(&text);
        format!("check: {}: {detail}", finding.kind)
    }));
}
