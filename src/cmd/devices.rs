//! `devices`: every device the registry knows (SPEC §5.3), with its state,
//! holders, expiry, learned clock offset, last accepted code and delivery.
//! Read-only, without the key; JSON and CSV stream, and the table is drawn
//! in two passes over one snapshot, so a million devices need little
//! memory.

use std::io::Write;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::DevicesArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::stream_table::{StreamTable, Widths};
use crate::output::{Format, JsonArray, Output, csv_writer, rfc3339};
use crate::rules::calendar::japan_date;
use crate::rules::inventory::{self, DeviceState, Facts};
use crate::store::devices::{InventoryRow, for_each_device};
use crate::store::{Store, Tx};

#[derive(Serialize)]
struct DeviceJson<'a> {
    serial: &'a str,
    state: DeviceState,
    holders: &'a [String],
    expires: String,
    clock_offset_seconds: i64,
    last_used_at: Option<String>,
    delivered_at: Option<String>,
}

/// A listed device and its state.
struct Listed {
    row: InventoryRow,
    state: DeviceState,
}

impl Listed {
    fn json(&self) -> DeviceJson<'_> {
        DeviceJson {
            serial: &self.row.serial,
            state: self.state,
            holders: &self.row.holders,
            expires: self.row.expires.to_string(),
            clock_offset_seconds: self.row.clock_offset_seconds,
            last_used_at: self.row.last_used_at.map(rfc3339),
            delivered_at: self.row.delivered_at.map(rfc3339),
        }
    }
}

pub(crate) const CSV_HEADER: [&str; 7] = [
    "serial",
    "state",
    "holders",
    "expires",
    "clock_offset_seconds",
    "last_used_at",
    "delivered_at",
];

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &DevicesArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let today = japan_date(ctx.clock.now());
    let last_day = args
        .expiring_within
        .map(|days| today + Days::new(u64::from(days)));
    let each = |tx: &Tx<'_>, f: &mut dyn FnMut(Listed) -> Result<()>| {
        let mut found = false;
        for_each_device(tx, args.serial.as_deref(), |row| {
            found = true;
            let listed = listed(row, today);
            let wanted = args
                .state
                .is_none_or(|s| DeviceState::from(s) == listed.state)
                && last_day
                    .is_none_or(|last| listed.row.expires >= today && listed.row.expires <= last);
            if wanted { f(listed) } else { Ok(()) }
        })?;
        match &args.serial {
            Some(serial) if !found => Err(Error::UnknownSerial(serial.clone())),
            _ => Ok(()),
        }
    };
    match ctx.out.format {
        Format::Json => {
            let mut array = JsonArray::new(out)?;
            store.read(|tx| each(tx, &mut |d| array.push(&d.json())))?;
            array.finish()
        }
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(CSV_HEADER)?;
            store.read(|tx| {
                each(tx, &mut |d| {
                    let j = d.json();
                    csv.write_record([
                        j.serial,
                        j.state.as_str(),
                        &j.holders.join(" "),
                        &j.expires,
                        &j.clock_offset_seconds.to_string(),
                        j.last_used_at.as_deref().unwrap_or(""),
                        j.delivered_at.as_deref().unwrap_or(""),
                    ])?;
                    Ok(())
                })
            })?;
            Ok(csv.flush()?)
        }
        Format::Table => store.read(|tx| {
            let headers = table_headers(&ctx.out);
            let mut widths = Widths::of_headers(&headers);
            let mut any = false;
            each(tx, &mut |d| {
                widths.measure(&table_row(&ctx.out, &d));
                any = true;
                Ok(())
            })?;
            if !any {
                return Ok(writeln!(out, "{}", ctx.out.t(Msg::NoDevicesMatch))?);
            }
            if let Some(total) = ctx.out.fit {
                widths.keep(0); // serial
                widths.keep(2); // holders
                widths.fit(total);
            }
            let mut table = StreamTable::start(out, &headers, widths)?;
            each(tx, &mut |d| table.row(&table_row(&ctx.out, &d)))?;
            table.finish()
        }),
    }
}

fn listed(row: InventoryRow, today: NaiveDate) -> Listed {
    let facts = Facts {
        expires: row.expires,
        holders: row.holders.len() as u32,
        ever_registered: row.ever_registered,
        disposed: row.disposed,
        lost: row.lost,
    };
    Listed {
        state: inventory::state(&facts, today),
        row,
    }
}

fn table_headers(o: &Output) -> Vec<String> {
    o.labels(&[
        Msg::LabelSerial,
        Msg::LabelDeviceState,
        Msg::LabelHolders,
        Msg::LabelExpires,
        Msg::LabelClockOffset,
        Msg::LabelLastUsed,
        Msg::LabelDelivered,
    ])
}

fn table_row(o: &Output, d: &Listed) -> Vec<String> {
    let instant = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_string(), |t| o.instant(t))
    };
    vec![
        d.row.serial.clone(),
        o.t(Msg::DeviceStateName {
            state: d.state.as_str().to_string(),
        }),
        if d.row.holders.is_empty() {
            "-".to_string()
        } else {
            d.row.holders.join(", ")
        },
        o.date(d.row.expires),
        o.t(Msg::CellSeconds {
            seconds: d.row.clock_offset_seconds,
        }),
        instant(d.row.last_used_at),
        instant(d.row.delivered_at),
    ]
}
