//! `otp SERIAL [--at RFC3339]`: the simulated device. Prints the code it
//! shows, digits only, and never the secret.

use std::io::Write;

use crate::Context;
use crate::cli::OtpArgs;
use crate::clock::parse_instant;
use crate::error::{Error, Result};
use crate::output::write_error;
use crate::store::Store;
use crate::store::devices::find_device;

pub fn run(ctx: &Context, store: &mut Store, args: &OtpArgs, out: &mut dyn Write) -> Result<()> {
    let at = match &args.at {
        Some(text) => parse_instant(text)
            .map_err(|_| Error::usage(format!("--at {text:?} is not an RFC 3339 instant")))?,
        None => ctx.clock.now(),
    };
    let device = find_device(&store.conn, &args.serial)?
        .ok_or_else(|| Error::UnknownSerial(args.serial.clone()))?;
    writeln!(out, "{}", device.key.code_at(at.timestamp())).map_err(write_error)
}
