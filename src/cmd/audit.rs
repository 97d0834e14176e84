//! `audit [--limit N] [--action A] [--actor X] [--since T]`: the append-only
//! audit log, newest first, with each row's real write instant and its MAC
//! in the chain.

use std::io::Write;

use crate::catalogue::Msg;
use crate::cli::AuditArgs;
use crate::context::Context;
use crate::error::Result;
use crate::output::record::{Column, Record, Value, write_records};
use crate::store::Store;
use crate::store::audit::{Action, AuditRow, Outcome};
use crate::store::audit::{AuditFilter, newest};

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &AuditArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let filter = AuditFilter {
        limit: args.limit,
        action: args.action.clone(),
        actor: args.actor.clone(),
        since: args.since,
    };
    let rows: Vec<Entry> = store
        .read(|tx| newest(tx, &filter))?
        .into_iter()
        .map(|row| Entry {
            mac: row.mac.as_deref().map(hex::encode),
            row,
        })
        .collect();
    write_records(&ctx.out, out, &rows)
}

/// An audit row as `audit` reports it.
struct Entry {
    row: AuditRow,
    /// The row's link in the chain, in hex.
    mac: Option<String>,
}

impl Record for Entry {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("at", Msg::LabelAt),
            Column::data("recorded_at"),
            Column::shown("actor", Msg::LabelActor),
            Column::shown("action", Msg::LabelAction),
            Column::shown("targets", Msg::LabelTargets),
            Column::shown("outcome", Msg::LabelOutcome),
            Column::shown("detail", Msg::LabelDetail),
            Column::shown("clock_fixed", Msg::LabelClock),
            Column::data("mac"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        let r = &self.row;
        vec![
            Value::Instant(r.at),
            Value::MaybeInstant(r.recorded_at),
            Value::Text(&r.actor),
            Value::Named {
                name: &r.action,
                label: action_label(&r.action),
            },
            Value::Names(&r.targets),
            Value::Named {
                name: &r.outcome,
                label: outcome_label(&r.outcome),
            },
            Value::Text(&r.detail),
            Value::Flag {
                value: r.clock_fixed,
                yes: &Msg::CellClockFixed,
                no: &Msg::CellClockSystem,
            },
            Value::Maybe(self.mac.as_deref()),
        ]
    }

    /// The clock mark, the detail, the targets first; the instant last.
    fn least_needed() -> &'static [usize] {
        &[6, 5, 3, 1, 2, 4]
    }
}

/// An action as the table shows it; `None` for a name this version does
/// not know (shown as recorded).
fn action_label(action: &str) -> Option<&'static Msg> {
    Some(match Action::parse(action)? {
        Action::Init => &Msg::ActionInit,
        Action::InitDemo => &Msg::ActionInitDemo,
        Action::ImportUsers => &Msg::ActionImportUsers,
        Action::ImportDevices => &Msg::ActionImportDevices,
        Action::Role => &Msg::ActionRole,
        Action::Passwd => &Msg::ActionPasswd,
        Action::Revoke => &Msg::ActionRevoke,
        Action::BankRevoke => &Msg::ActionBankRevoke,
        Action::Register => &Msg::ActionRegister,
        Action::Lock => &Msg::ActionLock,
        Action::Unlock => &Msg::ActionUnlock,
        Action::Recovery => &Msg::ActionRecovery,
        Action::Dispose => &Msg::ActionDispose,
        Action::Seal => &Msg::ActionSeal,
        Action::Upgrade => &Msg::ActionUpgrade,
        Action::Restore => &Msg::ActionRestore,
        Action::Rekey => &Msg::ActionRekey,
        Action::Resync => &Msg::ActionResync,
    })
}

fn outcome_label(outcome: &str) -> Option<&'static Msg> {
    Some(match Outcome::parse(outcome)? {
        Outcome::Ok => &Msg::OutcomeOk,
        Outcome::Failed => &Msg::OutcomeFailed,
        Outcome::Refused => &Msg::OutcomeRefused,
        Outcome::Locked => &Msg::OutcomeLocked,
    })
}
