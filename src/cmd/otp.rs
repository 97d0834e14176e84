//! `otp SERIAL [--at RFC3339] [--clock-offset DURATION]`: the simulated
//! device, its clock right or off by DURATION. Prints the code it shows,
//! digits only, and never the secret. Only on a simulation registry:
//! on a live one, codes come from the device alone.

use std::io::Write;

use crate::cli::OtpArgs;
use crate::context::Context;
use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::output::record::{Column, Record, Value, write_record_or_prose};
use crate::store::Store;
use crate::store::devices::{find_device, open_key};
use crate::store::meta::Mode;

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &OtpArgs,
    out: &mut dyn Write,
) -> Result<()> {
    if store.mode() == Mode::Live {
        return Err(Error::OtpOnLive);
    }
    let at = args.at.unwrap_or_else(|| ctx.clock.now());
    let key = store.read(|tx| {
        let device = find_device(tx, &args.serial)?
            .ok_or_else(|| Error::UnknownSerial(args.serial.clone()))?;
        open_key(tx, &device)
    })?;
    // A drifted device shows the code of its own clock's instant.
    let code = key.code_at(at.timestamp() + args.clock_offset.unwrap_or(0));
    let shown = Shown {
        serial: &args.serial,
        code: &code,
        at,
    };
    // Digits only on a terminal: what a script reads, and what the device shows.
    write_record_or_prose(&ctx.out, out, &shown, |_, s| vec![s.code.to_string()])
}

/// What `otp` reports: the code and the instant it is for.
struct Shown<'a> {
    serial: &'a str,
    code: &'a str,
    at: DateTime<Utc>,
}

impl Record for Shown<'_> {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("serial"),
            Column::data("code"),
            Column::data("at"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(self.serial),
            Value::Text(self.code),
            Value::Instant(self.at),
        ]
    }
}
