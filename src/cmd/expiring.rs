//! `expiring [--within 30d] [--exit-code]`: the cron report of in-service
//! devices expiring within the window, and of those already expired. When
//! nothing is due it prints nothing at all, so cron mails nothing.
//!
//! Rows stream: the query keeps each device's holders together, so only one
//! device's rows are held at a time (to fill `shared_with`).

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::Context;
use crate::catalogue::Msg;
use crate::cli::ExpiringArgs;
use crate::error::Result;
use crate::output::{
    CsvWriter, Format, JsonArray, Output, csv_error, csv_writer, is_broken_pipe, write_error,
    write_table,
};
use crate::rules::calendar::japan_date;
use crate::rules::expiry::{days_left, is_expired, window_end};
use crate::store::Store;
use crate::store::users::{ExpiringRow, for_each_expiring};

/// The exit code of `--exit-code` when anything is reported.
pub const FOUND_EXIT_CODE: i32 = 10;

pub const CSV_HEADER: [&str; 7] = [
    "login_id",
    "name",
    "serial",
    "expires",
    "days_left",
    "expired",
    "shared_with",
];

#[derive(Serialize)]
struct ExpiringJson {
    login_id: String,
    name: String,
    serial: String,
    expires: String,
    days_left: i64,
    expired: bool,
    shared_with: Vec<String>,
}

pub fn run(
    ctx: &Context,
    store: &mut Store,
    args: &ExpiringArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let days = args.within;
    let today = japan_date(ctx.clock.now());
    let mut report = Report::new(ctx.out, out);
    let mut device: Vec<ExpiringRow> = Vec::new();
    let streamed = store
        .read(|tx| {
            for_each_expiring(tx, None, window_end(today, days), |row| {
                if device.first().is_some_and(|d| d.device_id != row.device_id) {
                    report.device(std::mem::take(&mut device), today)?;
                }
                device.push(row);
                Ok(())
            })
        })
        .and_then(|()| report.device(device, today))
        .and_then(|()| report.finish());
    let reported = match streamed {
        // Something was written before the reader went away (`| head`):
        // there was something to report, and the exit code still says so.
        Err(e) if is_broken_pipe(&e) => true,
        other => other?,
    };
    Ok(if args.exit_code && reported {
        FOUND_EXIT_CODE
    } else {
        0
    })
}

/// Where rows go. Nothing is written until the first row, so an empty
/// report prints nothing in every format.
struct Report<'a> {
    o: Output,
    out: Option<&'a mut dyn Write>,
    json: Option<JsonArray<'a>>,
    csv: Option<CsvWriter<'a>>,
    table: Vec<Vec<String>>,
    any_expired: bool,
    any_due: bool,
}

impl<'a> Report<'a> {
    fn new(o: Output, out: &'a mut dyn Write) -> Self {
        Report {
            o,
            out: Some(out),
            json: None,
            csv: None,
            table: Vec::new(),
            any_expired: false,
            any_due: false,
        }
    }

    /// The rows of one device, each naming the device's other holders.
    fn device(&mut self, rows: Vec<ExpiringRow>, today: NaiveDate) -> Result<()> {
        let holders: Vec<String> = rows.iter().map(|r| r.login_id.clone()).collect();
        for row in rows {
            let expires = NaiveDate::parse_from_str(&row.expires, "%Y-%m-%d").unwrap_or(today);
            let shared_with = holders
                .iter()
                .filter(|h| **h != row.login_id)
                .cloned()
                .collect();
            self.push(ExpiringJson {
                days_left: days_left(expires, today),
                expired: is_expired(expires, today),
                login_id: row.login_id,
                name: row.name,
                serial: row.serial,
                expires: row.expires,
                shared_with,
            })?;
        }
        Ok(())
    }

    fn push(&mut self, r: ExpiringJson) -> Result<()> {
        self.any_expired |= r.expired;
        self.any_due |= !r.expired;
        match self.o.format {
            Format::Json => {
                if self.json.is_none() {
                    let out = self.out.take().expect("the output before the first row");
                    self.json = Some(JsonArray::new(out)?);
                }
                self.json.as_mut().expect("started").push(&r)
            }
            Format::Csv => {
                if self.csv.is_none() {
                    let out = self.out.take().expect("the output before the first row");
                    let mut csv = csv_writer(&self.o, out);
                    csv.write_record(CSV_HEADER).map_err(csv_error)?;
                    self.csv = Some(csv);
                }
                self.csv
                    .as_mut()
                    .expect("started")
                    .write_record([
                        r.login_id.as_str(),
                        &r.name,
                        &r.serial,
                        &r.expires,
                        &r.days_left.to_string(),
                        if r.expired { "true" } else { "false" },
                        &r.shared_with.join(" "),
                    ])
                    .map_err(csv_error)
            }
            Format::Table => {
                let o = self.o;
                self.table.push(vec![
                    r.login_id,
                    r.name,
                    r.serial,
                    o.date_text(&r.expires),
                    if r.expired {
                        o.t(Msg::CellExpired)
                    } else {
                        r.days_left.to_string()
                    },
                    r.shared_with.join(" "),
                ]);
                Ok(())
            }
        }
    }

    /// Ends the report; whether anything was reported.
    fn finish(&mut self) -> Result<bool> {
        let reported = self.any_due || self.any_expired;
        if let Some(json) = self.json.take() {
            json.finish()?;
        }
        if let Some(mut csv) = self.csv.take() {
            csv.flush().map_err(write_error)?;
        }
        if let (Format::Table, Some(out), true) = (self.o.format, self.out.take(), reported) {
            let o = self.o;
            let headers = o.labels(&[
                Msg::LabelLoginId,
                Msg::LabelName,
                Msg::LabelSerial,
                Msg::LabelExpires,
                Msg::LabelDaysLeft,
                Msg::LabelSharedWith,
            ]);
            write_table(out, headers, std::mem::take(&mut self.table))?;
            if self.any_expired {
                writeln!(out, "{}", o.t(Msg::ExpiringExpiredNote)).map_err(write_error)?;
            }
            if self.any_due {
                writeln!(out, "{}", o.t(Msg::ExpiringDueNote)).map_err(write_error)?;
            }
        }
        Ok(reported)
    }
}
