//! `audit [--limit N] [--action A] [--actor X] [--since T]`: the append-only
//! audit log, newest first, with each row's real write instant and its MAC
//! in the chain.

use std::io::Write;

use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::AuditArgs;
use crate::clock::parse_instant;
use crate::context::Context;
use crate::error::Result;
use crate::output::{Format, csv_writer, rfc3339_unix, write_json_array, write_table_dropping};
use crate::store::Store;
use crate::store::audit::{Action, Outcome};
use crate::store::audit::{AuditFilter, newest};

#[derive(Serialize)]
struct AuditJson {
    at: String,
    recorded_at: Option<String>,
    actor: String,
    action: String,
    targets: Vec<String>,
    outcome: String,
    detail: String,
    clock_fixed: bool,
    mac: Option<String>,
}

pub fn run(ctx: &Context, store: &mut Store, args: &AuditArgs, out: &mut dyn Write) -> Result<()> {
    let since = args.since;
    let filter = AuditFilter {
        limit: args.limit,
        action: args.action.clone(),
        actor: args.actor.clone(),
        since,
    };
    let rows: Vec<AuditJson> = store
        .read(|tx| newest(tx, &filter))?
        .into_iter()
        .map(|r| AuditJson {
            at: rfc3339_unix(r.at),
            recorded_at: r.recorded_at.map(rfc3339_unix),
            actor: r.actor,
            action: r.action,
            targets: r.targets,
            outcome: r.outcome,
            detail: r.detail,
            clock_fixed: r.clock_fixed,
            mac: r.mac.map(hex::encode),
        })
        .collect();
    match ctx.out.format {
        Format::Json => write_json_array(out, &rows),
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record([
                "at",
                "recorded_at",
                "actor",
                "action",
                "targets",
                "outcome",
                "detail",
                "clock_fixed",
                "mac",
            ])?;
            for r in &rows {
                csv.write_record([
                    r.at.as_str(),
                    r.recorded_at.as_deref().unwrap_or(""),
                    &r.actor,
                    &r.action,
                    &r.targets.join(" "),
                    &r.outcome,
                    &r.detail,
                    if r.clock_fixed { "true" } else { "false" },
                    r.mac.as_deref().unwrap_or(""),
                ])?;
            }
            Ok(csv.flush()?)
        }
        Format::Table => {
            let o = &ctx.out;
            let headers = o.labels(&[
                Msg::LabelAt,
                Msg::LabelActor,
                Msg::LabelAction,
                Msg::LabelTargets,
                Msg::LabelOutcome,
                Msg::LabelDetail,
                Msg::LabelClock,
            ]);
            let table = rows
                .iter()
                .map(|r| {
                    vec![
                        parse_instant(&r.at)
                            .map(|t| o.instant(t))
                            .unwrap_or_else(|_| r.at.clone()),
                        r.actor.clone(),
                        action_label(&r.action).map_or_else(|| r.action.clone(), |m| o.t(m)),
                        r.targets.join(" "),
                        outcome_label(&r.outcome).map_or_else(|| r.outcome.clone(), |m| o.t(m)),
                        r.detail.clone(),
                        o.t(if r.clock_fixed {
                            Msg::CellClockFixed
                        } else {
                            Msg::CellClockSystem
                        }),
                    ]
                })
                .collect();
            // Least needed first: the clock mark, the detail, the targets.
            write_table_dropping(o, out, headers, table, &[6, 5, 3, 1, 2, 4])
        }
    }
}

/// An action as the table shows it; `None` for a name this version does
/// not know (shown as recorded).
fn action_label(action: &str) -> Option<Msg> {
    Some(match Action::parse(action)? {
        Action::Init => Msg::ActionInit,
        Action::InitDemo => Msg::ActionInitDemo,
        Action::ImportUsers => Msg::ActionImportUsers,
        Action::ImportDevices => Msg::ActionImportDevices,
        Action::Role => Msg::ActionRole,
        Action::Passwd => Msg::ActionPasswd,
        Action::Revoke => Msg::ActionRevoke,
        Action::BankRevoke => Msg::ActionBankRevoke,
        Action::Register => Msg::ActionRegister,
        Action::Lock => Msg::ActionLock,
        Action::Unlock => Msg::ActionUnlock,
        Action::Recovery => Msg::ActionRecovery,
        Action::Dispose => Msg::ActionDispose,
        Action::Seal => Msg::ActionSeal,
        Action::Upgrade => Msg::ActionUpgrade,
        Action::Restore => Msg::ActionRestore,
        Action::Rekey => Msg::ActionRekey,
    })
}

fn outcome_label(outcome: &str) -> Option<Msg> {
    Some(match Outcome::parse(outcome)? {
        Outcome::Ok => Msg::OutcomeOk,
        Outcome::Failed => Msg::OutcomeFailed,
        Outcome::Refused => Msg::OutcomeRefused,
        Outcome::Locked => Msg::OutcomeLocked,
    })
}
