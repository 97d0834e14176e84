//! `register`: a user registers a device with its serial and current code,
//! no earlier than the registrable-at instant of their latest revocation.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::catalogue::Msg;
use crate::cli::RegisterArgs;
use crate::cmd::record;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Format, csv_writer, from_unix, rfc3339, write_json};
use crate::prompt::PasswordInput;
use crate::rules::calendar::japan_date;
use crate::rules::disposal;
use crate::rules::registration::{self, UserRefusal};
use crate::signed::{Factors, Signature};
use crate::store::audit::{Action, Outcome};
use crate::store::devices::{clear_out_of_use, find_device, mark_out_of_use, serial_of};
use crate::store::users::{self, UserRow, holders, previous_device_id};
use crate::store::{DeviceRow, Store};

#[derive(Serialize)]
struct RegisterJson {
    login_id: String,
    serial: String,
    registered_at: String,
    expires: String,
    previous_serial: Option<String>,
}

pub fn run(
    ctx: &Context,
    store: &mut Store,
    args: &RegisterArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let targets = [args.user.clone()];
    // The user signs with the code of the new device: the rule is checked
    // at the first look, and again in the transaction at the pinned
    // instant on the rows as they are then.
    let signature = Signature {
        signer: &args.user,
        action: Action::Register,
        targets: &targets,
        password: &PasswordInput::Prompt,
        code: args.otp.as_deref(),
        password_prompt: String::new(),
    };
    let (result, retired) = signature.run(
        ctx,
        store,
        |tx, user, at| {
            // The device first: an unknown serial or a device that cannot
            // be registered is said at once, not after waiting out "too
            // early" only to learn it then.
            let device = find_device(tx, &args.serial)?
                .ok_or_else(|| Error::UnknownSerial(args.serial.clone()))?;
            check_device(&device, at)?;
            check_user(user, at)?;
            Ok(Factors {
                password: false,
                device: Some(device),
            })
        },
        |_| Ok(()),
        |tx, signed| {
            let user = &signed.signer;
            let device = signed
                .device
                .as_ref()
                .expect("registration signs with the device");
            let now = signed.at;
            let now_unix = now.timestamp();
            let previous = previous_device_id(tx, user.id)?;
            users::register(tx, user.id, device.id, now_unix)?;
            if device.out_of_use_since.is_some() {
                clear_out_of_use(tx, device.id)?;
            }
            let mut retired = false;
            if let Some(old) = previous {
                let remaining = holders(tx, old)?.len();
                if disposal::registration_retires(previous, device.id, remaining) {
                    retired = mark_out_of_use(tx, old, device.id, now_unix)?;
                }
            }
            let previous_serial = match previous {
                Some(id) => serial_of(tx, id)?,
                None => None,
            };
            record(
                ctx,
                tx,
                &user.login_id,
                Action::Register,
                std::slice::from_ref(&user.login_id),
                Outcome::Ok,
                match &previous_serial {
                    Some(p) => format!(
                        "serial {}; previous {p}{}",
                        device.serial,
                        if retired { " (now out of use)" } else { "" }
                    ),
                    None => format!("serial {}", device.serial),
                },
            )?;
            Ok((
                RegisterJson {
                    login_id: user.login_id.clone(),
                    serial: device.serial.clone(),
                    registered_at: rfc3339(now),
                    expires: device.expires.to_string(),
                    previous_serial,
                },
                retired,
            ))
        },
    )?;
    let registered_at = ctx.clock.now();
    render(ctx, out, &result, registered_at, retired)
}

/// The user's side of the registration rule, as an error.
fn check_user(user: &UserRow, now: DateTime<Utc>) -> Result<()> {
    let current = user.device.as_ref().map(|d| d.serial.as_str());
    let registrable_at = user.registrable_at.map(from_unix);
    registration::check_user(&user.login_id, user.status(), current, registrable_at, now).map_err(
        |refusal| match refusal {
            UserRefusal::Rule(rule) => Error::Rule(rule),
            UserRefusal::TooEarly { registrable_at } => Error::TooEarly {
                login_id: user.login_id.clone(),
                registrable_at,
                remaining: registrable_at - now,
            },
        },
    )
}

/// The device's side of the registration rule, as an error.
fn check_device(device: &DeviceRow, now: DateTime<Utc>) -> Result<()> {
    registration::check_device(
        &device.serial,
        device.disposed_at.map(from_unix),
        device.expires,
        japan_date(now),
    )?;
    Ok(())
}

fn render(
    ctx: &Context,
    out: &mut dyn Write,
    r: &RegisterJson,
    now: DateTime<Utc>,
    retired: bool,
) -> Result<()> {
    let o = &ctx.out;
    match o.format {
        Format::Json => write_json(out, r),
        Format::Csv => {
            let mut csv = csv_writer(&ctx.out, out);
            csv.write_record([
                "login_id",
                "serial",
                "registered_at",
                "expires",
                "previous_serial",
            ])?;
            csv.write_record([
                &r.login_id,
                &r.serial,
                &r.registered_at,
                &r.expires,
                r.previous_serial.as_deref().unwrap_or(""),
            ])?;
            Ok(csv.flush()?)
        }
        Format::Table => {
            let done = Msg::Registered {
                login_id: r.login_id.clone(),
                serial: r.serial.clone(),
                at: now,
                expires: o.date_text(&r.expires),
            };
            writeln!(out, "{}", o.t(done))?;
            if let (Some(previous), true) = (&r.previous_serial, retired) {
                let note = Msg::PreviousOutOfUse {
                    serial: previous.clone(),
                };
                writeln!(out, "{}", o.t(note))?;
            }
            Ok(())
        }
    }
}
