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

use crate::catalogue::Msg;
use crate::cli::ExpiringArgs;
use crate::context::Context;
use crate::error::Result;
use crate::output::record::{
    Chart, Column, Record, RecordStream, TableNotes, Value, write_records_or_chart,
};
use crate::output::{Output, is_broken_pipe};
use crate::rules::expiry::{days_left, forecast, forecast_end, is_expired, window_end};
use crate::store::Store;
use crate::store::devices::in_service_by_expiry;
use crate::store::users::{ExpiringRow, for_each_expiring};
use crate::time::japan_date;

/// The exit code of `--exit-code` when anything is reported.
pub(crate) const FOUND_EXIT_CODE: i32 = crate::exit::Exit::Found.code();

/// A holder of a device due, and who else holds it.
struct Due {
    row: ExpiringRow,
    days_left: i64,
    expired: bool,
    shared_with: Vec<String>,
}

impl Record for Due {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("login_id", Msg::LabelLoginId),
            Column::shown("name", Msg::LabelName),
            Column::shown("serial", Msg::LabelSerial),
            Column::shown("expires", Msg::LabelExpires),
            Column::shown("days_left", Msg::LabelDaysLeft),
            Column::data("expired"),
            Column::shown("shared_with", Msg::LabelSharedWith),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.row.login_id),
            Value::Text(&self.row.name),
            Value::Text(&self.row.serial),
            Value::Date(self.row.expires),
            Value::Count(self.days_left),
            Value::Bool(self.expired),
            Value::Names(&self.shared_with),
        ]
    }

    /// An expired device says so where the days left would be.
    fn table_cell(&self, column: usize, o: &Output) -> Option<String> {
        (column == 4 && self.expired).then(|| o.t(Msg::CellExpired))
    }

    /// Least needed first: who shares the device, the name, the count.
    fn least_needed() -> &'static [usize] {
        &[5, 1, 4]
    }
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
    let today = japan_date(ctx.clock.now());
    let notes = TableNotes {
        csv_silent_when_empty: true,
        ..TableNotes::default()
    };
    let mut report = Report {
        stream: RecordStream::start(&ctx.out, out, notes)?,
        any_expired: false,
        any_due: false,
    };
    let mut device: Vec<ExpiringRow> = Vec::new();
    let streamed = store
        .read(|tx| {
            for_each_expiring(tx, None, window_end(today, args.within), |row| {
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

/// The report as it streams, and what it has seen so far.
struct Report<'o> {
    stream: RecordStream<'o, Due>,
    any_expired: bool,
    any_due: bool,
}

impl Report<'_> {
    /// The rows of one device, each naming the device's other holders.
    fn device(&mut self, rows: Vec<ExpiringRow>, today: NaiveDate) -> Result<()> {
        let holders: Vec<String> = rows.iter().map(|r| r.login_id.clone()).collect();
        for row in rows {
            let shared_with = holders
                .iter()
                .filter(|h| **h != row.login_id)
                .cloned()
                .collect();
            let due = Due {
                days_left: days_left(row.expires, today),
                expired: is_expired(row.expires, today),
                row,
                shared_with,
            };
            self.any_expired |= due.expired;
            self.any_due |= !due.expired;
            self.stream.push(&due)?;
        }
        Ok(())
    }

    /// Ends the report, with a note on what expired and what is due after a
    /// table; whether anything was reported.
    fn finish(mut self) -> Result<bool> {
        if self.any_expired {
            self.stream.note_after(Msg::ExpiringExpiredNote);
        }
        if self.any_due {
            self.stream.note_after(Msg::ExpiringDueNote);
        }
        self.stream.finish()?;
        Ok(self.any_due || self.any_expired)
    }
}

/// One month of `expiring --summary`, or the devices already expired.
struct Month {
    /// `None`: the expired ones.
    month: Option<NaiveDate>,
    key: String,
    devices: u64,
}

impl Record for Month {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("month", Msg::LabelMonth),
            Column::shown("devices", Msg::LabelDevices),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.key),
            Value::Count(i64::try_from(self.devices).unwrap_or(i64::MAX)),
        ]
    }

    /// The month as the table writes it (`2026年6月`), or "expired".
    fn table_cell(&self, column: usize, o: &Output) -> Option<String> {
        (column == 0).then(|| match self.month {
            Some(month) => o.month(month),
            None => o.t(Msg::CellExpiredMonth),
        })
    }
}

/// The widest bar of the chart, in cells, however wide the terminal.
const MAX_BAR: usize = 50;

/// `expiring --summary`: in-service devices by expiry month, for the twelve
/// months from the current one in Japan, then the expired ones: a bar
/// chart on a terminal, a table when piped, JSON or CSV.
fn summary(ctx: &Context, store: &Store, out: &mut dyn Write) -> Result<()> {
    let o = ctx.out;
    let today = japan_date(ctx.clock.now());
    let by_date = store.read(|tx| in_service_by_expiry(tx, forecast_end(today)))?;
    let f = forecast(today, by_date);
    let mut months: Vec<Month> = f
        .months
        .iter()
        .map(|m| Month {
            month: Some(m.month),
            key: m.month.format("%Y-%m").to_string(),
            devices: m.devices,
        })
        .collect();
    months.push(Month {
        month: None,
        key: "expired".into(),
        devices: f.expired,
    });
    let notes = TableNotes {
        before: Some(Msg::SummaryHeading),
        ..TableNotes::default()
    };
    let chart: Option<&Chart<Month>> = std::io::stdout().is_terminal().then_some(&bar_lines);
    write_records_or_chart(&o, out, &months, notes, chart)
}

/// The summary's chart lines on a terminal `columns` wide.
fn bar_lines(o: &Output, months: &[Month], columns: usize) -> Vec<String> {
    let entries: Vec<(String, u64)> = months
        .iter()
        .map(|m| (m.table_cell(0, o).unwrap_or_default(), m.devices))
        .collect();
    bar_chart(&entries, columns)
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
