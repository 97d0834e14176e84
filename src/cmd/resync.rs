//! `resync SERIAL --otp CODE1 --otp CODE2`: a device's clock offset learned
//! anew from two consecutive codes (SPEC §5.2). Both steps are consumed
//! (the replay guard moves past CODE2), so neither code, nor any older
//! one, is ever accepted again. A failure counts toward the lockout of the
//! device's holders, or of the device itself when no one holds it.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::catalogue::Msg;
use crate::cli::ResyncArgs;
use crate::cmd::{Action, Outcome, admin_actor, record};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::record::{Column, Record, Value, write_record};
use crate::rules::otp;
use crate::rules::{MAX_CONSECUTIVE_FAILURES, is_locked_after};
use crate::store::devices::{
    DeviceRow, accept_step, find_device, guard, open_key, record_device_failure,
};
use crate::store::users::{UserRow, holding, record_failure};
use crate::store::{Commit, Store, Tx};

/// What `resync` reports: the device's offset before and after.
#[derive(Debug)]
struct Resynced {
    serial: String,
    offset_seconds_before: i64,
    offset_seconds: i64,
    resynced_at: DateTime<Utc>,
}

impl Record for Resynced {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("serial"),
            Column::data("offset_seconds_before"),
            Column::data("offset_seconds"),
            Column::data("resynced_at"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.serial),
            Value::Count(self.offset_seconds_before),
            Value::Count(self.offset_seconds),
            Value::Instant(self.resynced_at),
        ]
    }
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    args: &ResyncArgs,
    out: &mut dyn Write,
) -> Result<()> {
    if args.otp.len() > 2 {
        return Err(Error::usage(Msg::ResyncTwoCodes));
    }
    let device = store.read(|tx| usable(tx, &args.serial).map(|(device, _)| device))?;
    let serial = device.serial.clone();
    let prompts = [
        ctx.out.t(Msg::ResyncFirstPrompt {
            serial: serial.clone(),
        }),
        ctx.out.t(Msg::ResyncSecondPrompt { serial }),
    ];
    let first = ctx.term.code(
        args.otp.first().map(String::as_str),
        &prompts[0],
        device.digits,
    )?;
    let second = ctx.term.code(
        args.otp.get(1).map(String::as_str),
        &prompts[1],
        device.digits,
    )?;
    let now = ctx.clock.pin();
    let report = store.write_then(|tx| {
        let (device, holders) = usable(tx, &args.serial)?;
        let key = open_key(tx, &device)?;
        let guard = guard(tx, device.id)?;
        let unix = now.timestamp();
        let found = otp::resync(&key, &first, &second, unix, guard.last_step, guard.offset);
        let Some(step) = found else {
            let error = fail(ctx, tx, &device, &holders, now)?;
            return Ok((Commit::Yes, Err(error)));
        };
        let offset = otp::offset_of(&key, step, unix);
        if !accept_step(tx, device.id, step, offset)? {
            return Err(Error::RaceLost);
        }
        let period = i64::from(device.period);
        let report = Resynced {
            serial: device.serial.clone(),
            offset_seconds_before: guard.offset * period,
            offset_seconds: offset * period,
            resynced_at: now,
        };
        record(
            ctx,
            tx,
            &admin_actor(),
            Action::Resync,
            std::slice::from_ref(&device.serial),
            Outcome::Ok,
            format!(
                "clock offset {}s -> {}s ({} -> {} step(s)); both codes consumed",
                report.offset_seconds_before, report.offset_seconds, guard.offset, offset
            ),
        )?;
        Ok((Commit::Yes, Ok(report)))
    })??;
    render(ctx, &report, out)
}

/// The device, verified, and its holders: refused when it is unknown,
/// disposed of or lost, locked, or held by a locked login.
fn usable(tx: &Tx<'_>, serial: &str) -> Result<(DeviceRow, Vec<UserRow>)> {
    let device =
        find_device(tx, serial)?.ok_or_else(|| Error::UnknownSerial(serial.to_string()))?;
    if device.disposed_at.is_some() || device.lost_at.is_some() {
        return Err(Error::refused(Msg::ResyncGone {
            serial: device.serial.clone(),
        }));
    }
    if guard(tx, device.id)?.locked {
        return Err(Error::DeviceLocked {
            serial: device.serial.clone(),
        });
    }
    let holders = holding(tx, device.id)?;
    if let Some(locked) = holders.iter().find(|u| u.locked) {
        return Err(Error::Locked {
            login_id: locked.login_id.clone(),
        });
    }
    Ok((device, holders))
}

/// No pair found: a failure counted toward each holder's lockout, or the
/// device's own when no one holds it, and audited.
fn fail(
    ctx: &Context,
    tx: &Tx<'_>,
    device: &DeviceRow,
    holders: &[UserRow],
    now: DateTime<Utc>,
) -> Result<Error> {
    let reason = Msg::ResyncNoPair {
        serial: device.serial.clone(),
    };
    let targets = std::slice::from_ref(&device.serial);
    let audit_failure = |count: u32, whose: &str| {
        record(
            ctx,
            tx,
            &admin_actor(),
            Action::Resync,
            targets,
            Outcome::Failed,
            format!(
                "no two consecutive codes found ({count} of {MAX_CONSECUTIVE_FAILURES} for {whose})"
            ),
        )
    };
    let lock_row = |actor: &str, target: &str, what: &str| {
        record(
            ctx,
            tx,
            actor,
            Action::Lock,
            &[target.to_string()],
            Outcome::Locked,
            format!(
                "{what} locked after {MAX_CONSECUTIVE_FAILURES} consecutive failed verifications"
            ),
        )
    };
    if holders.is_empty() {
        let failures = guard(tx, device.id)?.failed_attempts + 1;
        let locked_now = is_locked_after(failures);
        record_device_failure(tx, device.id, now, locked_now)?;
        audit_failure(failures, &format!("device {}", device.serial))?;
        if locked_now {
            lock_row(&admin_actor(), &device.serial, "device")?;
        }
        return Ok(Error::DeviceVerification {
            serial: device.serial.clone(),
            reason: Box::new(reason),
            locked_now,
        });
    }
    let mut first_locked = None;
    for holder in holders {
        let failures = holder.failed_attempts + 1;
        let locked_now = is_locked_after(failures);
        record_failure(tx, holder.id, now, locked_now)?;
        audit_failure(failures, &holder.login_id)?;
        if locked_now {
            lock_row(&holder.login_id, &holder.login_id, "login")?;
            first_locked.get_or_insert(holder.login_id.clone());
        }
    }
    Ok(Error::Verification {
        login_id: first_locked
            .clone()
            .unwrap_or_else(|| holders[0].login_id.clone()),
        reason: Box::new(reason),
        locked_now: first_locked.is_some(),
        hint: None,
    })
}

fn render(ctx: &Context, report: &Resynced, out: &mut dyn Write) -> Result<()> {
    let said = Msg::Resynced {
        serial: report.serial.clone(),
        before: report.offset_seconds_before,
        after: report.offset_seconds,
        at: report.resynced_at,
    };
    write_record(&ctx.out, out, report, said)
}
