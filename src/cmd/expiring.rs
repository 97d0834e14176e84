//! `expiring [--within 30d] [--exit-code]`: the cron report of in-service
//! devices expiring within the window, and of those already expired. When
//! nothing is due the table and CSV print nothing at all, so cron mails
//! nothing; JSON prints `[]`, so a script always gets a document to parse.
//!
//! Rows stream: the query keeps each device's holders together, so only one
//! device's rows are held at a time (to fill `shared_with`).
//!
//! `expiring --summary`: the forecast of the next deliveries, devices in
//! service counted by expiry month (`rules::expiry::forecast`): a bar chart
//! on a terminal, a plain table when piped, JSON or CSV.

use std::io::{IsTerminal, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::ExpiringArgs;
use crate::context::Context;
use crate::error::Result;
use crate::output::{
    CsvWriter, Format, JsonArray, Output, csv_writer, is_broken_pipe, write_json_array,
    write_table, write_table_dropping,
};
use crate::rules::expiry::{days_left, forecast, forecast_end, is_expired, window_end};
use crate::store::Store;
use crate::store::devices::in_service_by_expiry;
use crate::store::users::{ExpiringRow, for_each_expiring};
use crate::time::IsoDate;
use crate::time::japan_date;

/// The exit code of `--exit-code` when anything is reported.
pub(crate) const FOUND_EXIT_CODE: i32 = crate::exit::Exit::Found.code();

pub(crate) const CSV_HEADER: [&str; 7] = [
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
    expires: IsoDate,
    days_left: i64,
    expired: bool,
    shared_with: Vec<String>,
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &ExpiringArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    if args.summary {
        return summary(ctx, store, out).map(|()| 0);
    }
    store.map_for_reading()?;
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
/// report prints nothing as a table or CSV (and `[]` as JSON).
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
            let expires = row.expires;
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
                expires: IsoDate::of(expires),
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
                    csv.write_record(CSV_HEADER)?;
                    self.csv = Some(csv);
                }
                self.csv.as_mut().expect("started").write_record([
                    r.login_id.as_str(),
                    &r.name,
                    &r.serial,
                    r.expires.as_str(),
                    &r.days_left.to_string(),
                    if r.expired { "true" } else { "false" },
                    &r.shared_with.join(" "),
                ])?;
                Ok(())
            }
            Format::Table => {
                let o = self.o;
                self.table.push(vec![
                    r.login_id,
                    r.name,
                    r.serial,
                    o.date_text(r.expires.as_str()),
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
        } else if let (Format::Json, Some(out)) = (self.o.format, self.out.as_mut()) {
            JsonArray::new(&mut **out)?.finish()?;
        }
        if let Some(mut csv) = self.csv.take() {
            csv.flush()?;
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
            let table = std::mem::take(&mut self.table);
            // Least needed first: who shares the device, the name, the count.
            write_table_dropping(&o, out, headers, table, &[5, 1, 4])?;
            if self.any_expired {
                writeln!(out, "{}", o.t(Msg::ExpiringExpiredNote))?;
            }
            if self.any_due {
                writeln!(out, "{}", o.t(Msg::ExpiringDueNote))?;
            }
        }
        Ok(reported)
    }
}

/// One month of `expiring --summary` (or `"expired"`), as JSON.
#[derive(Serialize)]
struct MonthJson {
    month: String,
    devices: u64,
}

/// The widest bar of the chart, in cells, however wide the terminal.
const MAX_BAR: usize = 50;

/// `expiring --summary`: in-service devices by expiry month, for the twelve
/// months from the current one in Japan, then the expired ones.
fn summary(ctx: &Context, store: &Store, out: &mut dyn Write) -> Result<()> {
    let o = ctx.out;
    let today = japan_date(ctx.clock.now());
    let by_date = store.read(|tx| in_service_by_expiry(tx, forecast_end(today)))?;
    let f = forecast(today, by_date);
    let mut rows: Vec<MonthJson> = f
        .months
        .iter()
        .map(|m| MonthJson {
            month: m.month.format("%Y-%m").to_string(),
            devices: m.devices,
        })
        .collect();
    rows.push(MonthJson {
        month: "expired".into(),
        devices: f.expired,
    });
    match o.format {
        Format::Json => write_json_array(out, &rows),
        Format::Csv => {
            let mut csv = csv_writer(&o, out);
            csv.write_record(["month", "devices"])?;
            for row in &rows {
                csv.write_record([row.month.as_str(), &row.devices.to_string()])?;
            }
            Ok(csv.flush()?)
        }
        Format::Table => {
            let mut entries: Vec<(String, u64)> = f
                .months
                .iter()
                .map(|m| (o.month(m.month), m.devices))
                .collect();
            entries.push((o.t(Msg::CellExpiredMonth), f.expired));
            writeln!(out, "{}", o.t(Msg::SummaryHeading))?;
            if std::io::stdout().is_terminal() {
                let columns = dialoguer::console::Term::stdout().size().1;
                for line in bar_chart(&entries, usize::from(columns)) {
                    writeln!(out, "{line}")?;
                }
                Ok(())
            } else {
                let headers = o.labels(&[Msg::LabelMonth, Msg::LabelDevices]);
                let rows = entries
                    .into_iter()
                    .map(|(label, n)| vec![label, n.to_string()])
                    .collect();
                write_table(&o, out, headers, rows)
            }
        }
    }
}

/// A bar chart that fits `columns`: one line per entry, the label padded to
/// the widest (in display columns), a bar of `█` scaled so the largest count
/// fills the bar's width (rounded; any count above zero shows at least one
/// cell), and the count.
fn bar_chart(entries: &[(String, u64)], columns: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let label_width = entries.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
    let largest = entries.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let count_width = largest.to_string().len();
    let room = columns.saturating_sub(label_width + 2 + 1 + count_width);
    let bar_width = room.clamp(10, MAX_BAR) as u64;
    entries
        .iter()
        .map(|(label, n)| {
            let cells = match (largest, *n) {
                (_, 0) => 0,
                (largest, n) => ((n * bar_width + largest / 2) / largest).max(1),
            };
            let pad = " ".repeat(label_width - label.width());
            let bar = "█".repeat(cells as usize);
            let gap = if cells == 0 { "" } else { " " };
            format!("{label}{pad}  {bar}{gap}{n}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_any_device_shows() {
        let entries = vec![
            ("2026年11月".to_string(), 40),
            ("2026年12月".to_string(), 0),
            ("2027年01月".to_string(), 1),
            ("期限切れ".to_string(), 20),
        ];
        let lines = bar_chart(&entries, 80);
        assert_eq!(lines[0], format!("2026年11月  {} 40", "█".repeat(50)));
        assert_eq!(lines[1], "2026年12月  0");
        assert_eq!(lines[2], "2027年01月  █ 1");
        // Labels of different display widths line up.
        assert_eq!(lines[3], format!("期限切れ    {} 20", "█".repeat(25)));
    }

    #[test]
    fn a_narrow_terminal_gets_a_narrower_bar_and_nothing_empty_divides_by_zero() {
        let entries = vec![("2026-11".to_string(), 7)];
        assert_eq!(
            bar_chart(&entries, 30)[0],
            format!("2026-11  {} 7", "█".repeat(19))
        );
        assert_eq!(
            bar_chart(&entries, 0)[0],
            format!("2026-11  {} 7", "█".repeat(10))
        );
        let none = vec![("2026-11".to_string(), 0)];
        assert_eq!(bar_chart(&none, 80), ["2026-11  0"]);
    }
}
