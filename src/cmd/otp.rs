//! `otp SERIAL [--at RFC3339] [--clock-offset DURATION]`: the simulated
//! device, its clock right or off by DURATION. Prints the code it shows,
//! digits only, and never the secret. Only on a simulation registry:
//! on a live one, codes come from the device alone.

use std::io::Write;

use crate::cli::OtpArgs;
use crate::context::Context;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::output::{Format, csv_writer, rfc3339, write_json};
use crate::store::Store;
use crate::store::devices::{find_device, open_key};
use crate::store::meta::Mode;

pub fn run(ctx: &Context, store: &mut Store, args: &OtpArgs, out: &mut dyn Write) -> Result<()> {
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
    match ctx.out.format {
        // Digits only: what a script reads, and what the device shows.
        Format::Table => writeln!(out, "{code}")?,
        Format::Json => write_json(
            out,
            &OtpJson {
                serial: &args.serial,
                code: &code,
                at: rfc3339(at),
            },
        )?,
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record(["serial", "code", "at"])?;
            csv.write_record([args.serial.as_str(), &code, &rfc3339(at)])?;
            csv.flush()?;
        }
    }
    Ok(())
}

/// What `otp --format json` prints.
#[derive(Serialize)]
struct OtpJson<'a> {
    serial: &'a str,
    code: &'a str,
    /// The instant the code is for (RFC 3339, Japan offset).
    at: String,
}
