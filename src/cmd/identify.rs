//! `identify --otp CODE [--state S]`: the devices whose code of now, within
//! one step either side of their learned clock offset, is CODE (SPEC §5.3),
//! e.g. to confirm that a device handed back is the one the registry means
//! before its disposal. Reads secrets (with the key); records nothing and
//! uses up no code.

use std::io::Write;

use crate::catalogue::Msg;
use crate::cli::IdentifyArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::record::write_names;
use crate::rules::inventory::{self, Facts};
use crate::rules::otp;
use crate::store::Store;
use crate::store::devices::{for_each_device, open_key, verify_device};
use crate::time::japan_date;

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &IdentifyArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let now = ctx.clock.now();
    let today = japan_date(now);
    let code = crate::ui::prompt::normalise_code(&args.otp);
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::usage(Msg::CodeDigitsOnly { digits: 6 }));
    }
    let found = store.read(|tx| {
        let mut found = Vec::new();
        for_each_device(tx, None, |row| {
            let facts = Facts {
                expires: row.expires,
                holders: row.holders.len() as u32,
                ever_registered: row.ever_registered,
                disposed: row.disposed,
                lost: row.lost,
            };
            let wanted = args
                .state
                .is_none_or(|s| inventory::DeviceState::from(s) == inventory::state(&facts, today));
            if !wanted || code.len() != usize::from(row.device.digits) {
                return Ok(());
            }
            verify_device(tx, row.id)?;
            let key = open_key(tx, &row.device)?;
            let offset = row.device.clock_offset;
            if otp::verify(&key, &code, now.timestamp(), None, offset).is_ok() {
                found.push(row.serial);
            }
            Ok(())
        })?;
        Ok(found)
    })?;
    if found.is_empty() {
        return Err(Error::NotFound(Msg::NoDeviceShows { code }));
    }
    write_names(&ctx.out, out, "serial", &found)
}
