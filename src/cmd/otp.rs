//! `otp SERIAL [--at RFC3339]`: the simulated device. Prints the code it
//! shows, digits only, and never the secret. Only on a simulation registry:
//! on a live one, codes come from the device alone.

use std::io::Write;

use crate::Context;
use crate::cli::OtpArgs;
use crate::error::{Error, Result};
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
    writeln!(out, "{}", key.code_at(at.timestamp()))?;
    Ok(())
}
