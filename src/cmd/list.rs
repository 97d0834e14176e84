//! `list`: the user list of the procedure's screen, with filters. JSON and
//! CSV stream row by row, so a million users need little memory.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};

use crate::catalogue::Msg;
use crate::cli::{ListArgs, StatusFilter};
use crate::cmd::require_user;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::record::{Column, Record, TableNotes, Value, write_streamed};
use crate::rules::expiry::is_expired;
use crate::rules::registration::waiting_over_cutoff;
use crate::rules::status::{Role, Status};
use crate::store::Store;
use crate::store::devices::find_device;
use crate::store::users::{ListFilter, ListRow, for_each_listed};
use crate::time::japan_date;

/// A listed user, with the Japan date the table marks expired devices by.
struct Listed {
    row: ListRow,
    today: NaiveDate,
}

impl Record for Listed {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("login_id", Msg::LabelLoginId),
            Column::shown("name", Msg::LabelName),
            Column::shown("role", Msg::LabelRole),
            Column::shown("serial", Msg::LabelSerial),
            Column::shown("status", Msg::LabelStatus),
            Column::shown("expires", Msg::LabelExpires),
            Column::shown("registrable_at", Msg::LabelRegistrableAt),
            Column::shown("locked", Msg::LabelLocked),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        let row = &self.row;
        vec![
            Value::Text(&row.login_id),
            Value::Text(&row.name),
            Value::Named {
                name: row.role.as_str(),
                label: None,
            },
            Value::Maybe(row.serial.as_deref()),
            Value::Named {
                name: row.status.as_str(),
                label: None,
            },
            Value::MaybeDate(row.expires),
            Value::MaybeInstant(shown_registrable_at(row)),
            Value::Bool(row.locked),
        ]
    }

    /// The procedure's words for the role and the status; an expired
    /// device in service marked, since only the bank can revoke it now;
    /// a lock said, its absence left blank.
    fn table_cell(&self, column: usize, o: &Output) -> Option<String> {
        let row = &self.row;
        match column {
            2 => Some(o.role(row.role)),
            4 if row.status == Status::Revoked && row.registrable_at.is_none() => {
                Some(o.t(Msg::StatusNeverRegistered))
            }
            4 => Some(o.status(row.status)),
            5 => row.expires.map(|date| {
                let mut cell = o.date(date);
                if is_expired(date, self.today) {
                    cell.push_str(&o.t(Msg::CellExpiredSuffix));
                }
                cell
            }),
            7 if row.locked => Some(o.t(Msg::CellLocked)),
            7 => Some(String::new()),
            _ => None,
        }
    }

    /// The login ID, the serial and the status stay on a narrow terminal.
    fn kept() -> &'static [usize] {
        &[0, 3, 4]
    }

    /// Least needed first: the lock (rare), the role, the name, the expiry
    /// date; registrable-at last, as it is to be shown wherever a revoked
    /// user appears.
    fn least_needed() -> &'static [usize] {
        &[7, 2, 1, 5, 6]
    }
}

/// The registrable-at instant is shown wherever a revoked user appears, and
/// only there.
fn shown_registrable_at(row: &ListRow) -> Option<DateTime<Utc>> {
    (row.status == Status::Revoked)
        .then_some(row.registrable_at)
        .flatten()
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &ListArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let filter = filter(ctx, args)?;
    // A filter naming something that does not exist is a mistake worth
    // reporting (exit 6), not an empty list.
    store.read(|tx| {
        if let Some(login_id) = &args.user {
            require_user(tx, login_id)?;
        }
        if let Some(serial) = &args.serial {
            find_device(tx, serial)?.ok_or_else(|| Error::UnknownSerial(serial.clone()))?;
        }
        Ok(())
    })?;
    let today = japan_date(ctx.clock.now());
    let notes = TableNotes {
        when_empty: Some(Msg::NoUsersMatch),
        ..TableNotes::default()
    };
    store.read(|tx| {
        write_streamed(&ctx.out, out, notes, &mut |f| {
            for_each_listed(tx, &filter, |row| f(&Listed { row, today }))
        })
    })
}

/// The query's filter from the flags. `--waiting-over` needs `--status
/// revoked`: only a revoked user waits, and quietly listing nobody (or
/// everybody) would mislead a script.
fn filter(ctx: &Context, args: &ListArgs) -> Result<ListFilter> {
    if args.waiting_over.is_some() && args.status != Some(StatusFilter::Revoked) {
        return Err(Error::usage(Msg::WaitingOverNeedsRevoked));
    }
    Ok(ListFilter {
        status: args.status.map(Status::from),
        role: args.role.map(Role::from),
        login_id: args.user.clone(),
        serial: args.serial.clone(),
        registrable_at_most: args
            .waiting_over
            .map(|days| waiting_over_cutoff(days, ctx.clock.now())),
    })
}
