//! `register`: a user registers a device with its serial and current code,
//! no earlier than the registrable-at instant of their latest revocation.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};

use crate::catalogue::Msg;
use crate::cli::RegisterArgs;
use crate::cmd::record;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::record::{Column, Record, Value, write_record_or_prose};
use crate::rules::disposal;
use crate::rules::registration::{self, UserRefusal};
use crate::signed::{Factors, Signature};
use crate::store::audit::{Action, Outcome};
use crate::store::devices::{clear_out_of_use, find_device, mark_out_of_use, serial_of};
use crate::store::users::{self, UserRow, holders, previous_device_id};
use crate::store::{DeviceRow, Store, Tx};
use crate::time::japan_date;
use crate::ui::prompt::PasswordInput;

struct Registered {
    login_id: String,
    serial: String,
    registered_at: DateTime<Utc>,
    expires: NaiveDate,
    previous_serial: Option<String>,
    /// The previous device went out of use with this registration.
    retired: bool,
}

impl Record for Registered {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("login_id"),
            Column::data("serial"),
            Column::data("registered_at"),
            Column::data("expires"),
            Column::data("previous_serial"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.login_id),
            Value::Text(&self.serial),
            Value::Instant(self.registered_at),
            Value::Date(self.expires),
            Value::Maybe(self.previous_serial.as_deref()),
        ]
    }
}

pub(crate) fn run(
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
    let result = signature.run(
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
            let previous = previous_device_id(tx, user.id)?;
            users::register(tx, user.id, device.id, now)?;
            if device.out_of_use_since.is_some() {
                clear_out_of_use(tx, device.id)?;
            }
            let retired = retire_previous(tx, previous, device.id, now)?;
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
            Ok(Registered {
                login_id: user.login_id.clone(),
                serial: device.serial.clone(),
                registered_at: now,
                expires: device.expires,
                previous_serial,
                retired,
            })
        },
    )?;
    write_record_or_prose(&ctx.out, out, &result, prose)
}

/// The user's previous device goes out of use when no one else holds it
/// (a shared device stays in use for its other users). Returns whether it
/// went out of use now.
fn retire_previous(
    tx: &Tx<'_>,
    previous: Option<i64>,
    new_device: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(old) = previous else {
        return Ok(false);
    };
    let remaining = holders(tx, old)?.len();
    if disposal::registration_retires(previous, new_device, remaining) {
        return mark_out_of_use(tx, old, new_device, now);
    }
    Ok(false)
}

/// The user's side of the registration rule, as an error.
fn check_user(user: &UserRow, now: DateTime<Utc>) -> Result<()> {
    let current = user.device.as_ref().map(|d| d.serial.as_str());
    registration::check_user(
        &user.login_id,
        user.status(),
        current,
        user.registrable_at,
        now,
    )
    .map_err(|refusal| match refusal {
        UserRefusal::Rule(rule) => Error::Rule(rule),
        UserRefusal::TooEarly { registrable_at } => Error::TooEarly {
            login_id: user.login_id.clone(),
            registrable_at,
            remaining: registrable_at - now,
        },
    })
}

/// The device's side of the registration rule, as an error.
fn check_device(device: &DeviceRow, now: DateTime<Utc>) -> Result<()> {
    // A lost device is not in anyone's hands: whoever shows its code is not
    // the organisation.
    if device.lost_at.is_some() {
        return Err(Error::refused(Msg::LostNotRegistrable {
            serial: device.serial.clone(),
        }));
    }
    registration::check_device(
        &device.serial,
        device.disposed_at,
        device.expires,
        japan_date(now),
    )?;
    Ok(())
}

/// What `register` says on a terminal: the registration, and the previous
/// device going out of use.
fn prose(o: &Output, r: &Registered) -> Vec<String> {
    let mut lines = vec![o.t(Msg::Registered {
        login_id: r.login_id.clone(),
        serial: r.serial.clone(),
        at: r.registered_at,
        expires: o.date(r.expires),
    })];
    if let (Some(previous), true) = (&r.previous_serial, r.retired) {
        lines.push(o.t(Msg::PreviousOutOfUse {
            serial: previous.clone(),
        }));
    }
    lines
}
