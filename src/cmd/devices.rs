//! `devices`: every device the registry knows (SPEC §5.3), with its state,
//! holders, expiry, learned clock offset, last accepted code and delivery.
//! Read-only, without the key; JSON and CSV stream, and the table is drawn
//! in two passes over one snapshot, so a million devices need little
//! memory.

use std::io::Write;

use chrono::{Days, NaiveDate};

use crate::catalogue::Msg;
use crate::cli::DevicesArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::record::{Column, Record, TableNotes, Value, write_streamed};
use crate::rules::inventory::{self, DeviceState, Facts};
use crate::store::devices::{InventoryRow, for_each_device};
use crate::store::{Store, Tx};
use crate::time::japan_date;

/// A listed device and its state.
struct Listed {
    row: InventoryRow,
    state: DeviceState,
}

impl Record for Listed {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::shown("serial", Msg::LabelSerial),
            Column::shown("state", Msg::LabelDeviceState),
            Column::shown("holders", Msg::LabelHolders),
            Column::shown("expires", Msg::LabelExpires),
            Column::shown("clock_offset_seconds", Msg::LabelClockOffset),
            Column::shown("last_used_at", Msg::LabelLastUsed),
            Column::shown("delivered_at", Msg::LabelDelivered),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.row.serial),
            Value::Named {
                name: self.state.as_str(),
                label: None,
            },
            Value::Names(&self.row.holders),
            Value::Date(self.row.expires),
            Value::Count(self.row.clock_offset_seconds),
            Value::MaybeInstant(self.row.last_used_at),
            Value::MaybeInstant(self.row.delivered_at),
        ]
    }

    /// The state in words, holders separated by commas (`-` for none),
    /// and the offset in seconds with its unit.
    fn table_cell(&self, column: usize, o: &Output) -> Option<String> {
        match column {
            1 => Some(o.t(Msg::DeviceStateName {
                state: self.state.as_str().to_string(),
            })),
            2 if self.row.holders.is_empty() => Some("-".to_string()),
            2 => Some(self.row.holders.join(", ")),
            4 => Some(o.t(Msg::CellSeconds {
                seconds: self.row.clock_offset_seconds,
            })),
            _ => None,
        }
    }

    /// The serial and the holders stay on a narrow terminal.
    fn kept() -> &'static [usize] {
        &[0, 2]
    }
}

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
    let each = |tx: &Tx<'_>, f: &mut dyn FnMut(&Listed) -> Result<()>| {
        let mut found = false;
        for_each_device(tx, args.serial.as_deref(), |row| {
            found = true;
            let listed = listed(row, today);
            let wanted = args
                .state
                .is_none_or(|s| DeviceState::from(s) == listed.state)
                && last_day
                    .is_none_or(|last| listed.row.expires >= today && listed.row.expires <= last);
            if wanted { f(&listed) } else { Ok(()) }
        })?;
        match &args.serial {
            Some(serial) if !found => Err(Error::UnknownSerial(serial.clone())),
            _ => Ok(()),
        }
    };
    let notes = TableNotes {
        when_empty: Some(Msg::NoDevicesMatch),
        ..TableNotes::default()
    };
    store.read(|tx| write_streamed(&ctx.out, out, notes, &mut |f| each(tx, f)))
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
