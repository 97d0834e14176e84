//! `list`: the user list of the procedure's screen, with filters. JSON and
//! CSV stream row by row, so a million users need little memory.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::{ListArgs, StatusFilter};
use crate::cmd::require_user;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::IsoDate;
use crate::output::stream_table::{StreamTable, Widths};
use crate::output::{Format, JsonArray, Output, USER_SCREEN, csv_writer, rfc3339};
use crate::rules::calendar::japan_date;
use crate::rules::expiry::is_expired;
use crate::rules::registration::waiting_over_cutoff;
use crate::rules::status::{Role, Status};
use crate::store::Store;
use crate::store::devices::find_device;
use crate::store::users::{ListFilter, ListRow, for_each_listed};

#[derive(Serialize)]
struct ListJson<'a> {
    login_id: &'a str,
    name: &'a str,
    role: Role,
    serial: Option<&'a str>,
    status: Status,
    expires: Option<IsoDate>,
    registrable_at: Option<String>,
    locked: bool,
}

impl<'a> From<&'a ListRow> for ListJson<'a> {
    fn from(row: &'a ListRow) -> Self {
        ListJson {
            login_id: &row.login_id,
            name: &row.name,
            role: row.role,
            serial: row.serial.as_deref(),
            status: row.status,
            expires: row.expires.map(IsoDate::of),
            registrable_at: shown_registrable_at(row).map(rfc3339),
            locked: row.locked,
        }
    }
}

/// The registrable-at instant is shown wherever a revoked user appears, and
/// only there.
fn shown_registrable_at(row: &ListRow) -> Option<DateTime<Utc>> {
    (row.status == Status::Revoked)
        .then_some(row.registrable_at)
        .flatten()
}

pub(crate) const CSV_HEADER: [&str; 8] = [
    "login_id",
    "name",
    "role",
    "serial",
    "status",
    "expires",
    "registrable_at",
    "locked",
];

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
    match ctx.out.format {
        Format::Json => {
            let mut array = JsonArray::new(out)?;
            store
                .read(|tx| for_each_listed(tx, &filter, |row| array.push(&ListJson::from(&row))))?;
            array.finish()
        }
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(CSV_HEADER)?;
            store.read(|tx| {
                for_each_listed(tx, &filter, |row| {
                    let json = ListJson::from(&row);
                    csv.write_record([
                        json.login_id,
                        json.name,
                        json.role.as_str(),
                        json.serial.unwrap_or(""),
                        json.status.as_str(),
                        json.expires.as_ref().map_or("", IsoDate::as_str),
                        json.registrable_at.as_deref().unwrap_or(""),
                        if json.locked { "true" } else { "false" },
                    ])?;
                    Ok(())
                })
            })?;
            Ok(csv.flush()?)
        }
        Format::Table => table(ctx, store, &filter, out),
    }
}

/// The table, in two passes over one read snapshot: measure, then print,
/// so a million rows never sit in memory at once.
fn table(ctx: &Context, store: &Store, filter: &ListFilter, out: &mut dyn Write) -> Result<()> {
    store.read(|snapshot| {
        let today = japan_date(ctx.clock.now());
        let headers = table_headers(&ctx.out);
        let mut widths = Widths::of_headers(&headers);
        let mut any = false;
        for_each_listed(snapshot, filter, |row| {
            widths.measure(&table_row(&ctx.out, &row, today));
            any = true;
            Ok(())
        })?;
        if !any {
            let none = ctx.out.t(Msg::NoUsersMatch);
            return Ok(writeln!(out, "{none}")?);
        }
        if let Some(total) = ctx.out.fit {
            widths.keep(0); // login ID
            widths.keep(3); // serial
            widths.keep(4); // status
            // Least needed first: the lock (rare), the role, the name, the
            // expiry date; registrable-at last, as it is to be shown
            // wherever a revoked user appears.
            widths.drop_first(&[7, 2, 1, 5, 6]);
            widths.fit(total);
        }
        let mut table = StreamTable::start(out, &headers, widths)?;
        for_each_listed(snapshot, filter, |row| {
            table.row(&table_row(&ctx.out, &row, today))
        })?;
        let left_out = table.left_out();
        table.finish()?;
        crate::output::write_left_out(&ctx.out, out, &left_out)
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

pub(crate) fn table_headers(o: &Output) -> Vec<String> {
    let mut headers = o.labels(&USER_SCREEN);
    headers.push(o.t(Msg::LabelLocked));
    headers
}

/// One table row; an expired device in service is marked, since it can no
/// longer be revoked by the organisation.
fn table_row(o: &Output, row: &ListRow, today: NaiveDate) -> Vec<String> {
    let expires = match row.expires {
        None => "-".to_string(),
        Some(date) => {
            let mut cell = o.date(date);
            if is_expired(date, today) {
                cell.push_str(&o.t(Msg::CellExpiredSuffix));
            }
            cell
        }
    };
    vec![
        row.login_id.clone(),
        row.name.clone(),
        o.role(row.role),
        row.serial.clone().unwrap_or_else(|| "-".into()),
        if row.status == Status::Revoked && row.registrable_at.is_none() {
            o.t(Msg::StatusNeverRegistered)
        } else {
            o.status(row.status)
        },
        expires,
        shown_registrable_at(row)
            .map(|t| o.instant(t))
            .unwrap_or_else(|| "-".into()),
        if row.locked {
            o.t(Msg::CellLocked)
        } else {
            String::new()
        },
    ]
}
