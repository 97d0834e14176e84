//! `register`: a user registers a device with its serial and current code,
//! no earlier than the registrable-at instant of their latest revocation.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::Context;
use crate::cli::RegisterArgs;
use crate::cmd::{record, require_user};
use crate::error::{Error, Result};
use crate::output::{Format, csv_error, csv_writer, from_unix, rfc3339, write_error, write_json};
use crate::prompt::code_prompt;
use crate::rules::calendar::japan_date;
use crate::rules::disposal;
use crate::rules::refusal::Refusal;
use crate::rules::registration::{self, UserRefusal};
use crate::store::devices::{clear_out_of_use, find_device, mark_out_of_use, serial_of};
use crate::store::users::{self, UserRow, holders, previous_device_id};
use crate::store::{DeviceRow, Store};
use crate::verification::{self, Attempt};

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
    let user = require_user(&store.conn, &args.user)?;
    let targets = [user.login_id.clone()];
    // A first look with the live clock, before asking for the code; the
    // same checks run again at the instant pinned after the prompt, and
    // once more inside the transaction on fresh rows.
    let user_check = check_user(&user, ctx.clock.now());
    if !matches!(user_check, Err(Error::Rule(Refusal::NoOtp { .. }))) {
        verification::refuse_if_locked(ctx, store, &user, "register", &targets)?;
    }
    user_check?;
    let device = find_device(&store.conn, &args.serial)?
        .ok_or_else(|| Error::UnknownSerial(args.serial.clone()))?;
    check_device(&device, ctx.clock.now())?;
    let code = ctx.term.code(
        args.otp.as_deref(),
        &code_prompt(ctx.out.lang, &device.serial),
    )?;

    let now = ctx.clock.pin();
    check_user(&user, now)?;
    check_device(&device, now)?;
    let attempt = Attempt {
        user: &user,
        device: &device,
        password: None,
        code: &code,
        action: "register",
        targets: &targets,
    };
    let verified = verification::verify(ctx, store, &attempt)?;

    let now_unix = now.timestamp();
    let previous = store.transaction(|tx| {
        verification::commit_success(tx, &attempt, verified)?;
        // Under the write lock: the user and device as they are now (a
        // concurrent registration or disposal may have happened).
        check_user(&require_user(tx, &user.login_id)?, now)?;
        let device_now = find_device(tx, &device.serial)?
            .ok_or_else(|| Error::UnknownSerial(device.serial.clone()))?;
        check_device(&device_now, now)?;
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
            "register",
            std::slice::from_ref(&user.login_id),
            "ok",
            match &previous_serial {
                Some(p) => format!(
                    "serial {}; previous {p}{}",
                    device.serial,
                    if retired { " (now out of use)" } else { "" }
                ),
                None => format!("serial {}", device.serial),
            },
        )?;
        Ok(previous_serial.map(|s| (s, retired)))
    })?;
    let result = RegisterJson {
        login_id: user.login_id.clone(),
        serial: device.serial.clone(),
        registered_at: rfc3339(now),
        expires: device.expires.to_string(),
        previous_serial: previous.as_ref().map(|(s, _)| s.clone()),
    };
    render(
        ctx,
        out,
        &result,
        now,
        previous.as_ref().is_some_and(|(_, retired)| *retired),
    )
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
    )
    .map_err(Error::Rule)
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
            ])
            .map_err(csv_error)?;
            csv.write_record([
                &r.login_id,
                &r.serial,
                &r.registered_at,
                &r.expires,
                r.previous_serial.as_deref().unwrap_or(""),
            ])
            .map_err(csv_error)?;
            csv.flush().map_err(write_error)
        }
        Format::Table => {
            let expires = o.date_text(&r.expires);
            let line = match o.lang {
                crate::output::Lang::En => format!(
                    "Registered device {} for {} at {} (usable through {expires}).",
                    r.serial,
                    r.login_id,
                    o.instant(now)
                ),
                crate::output::Lang::Ja => format!(
                    "{} のパスワード生成機 {} を {} に利用登録しました（有効期限 {expires}）。",
                    r.login_id,
                    r.serial,
                    o.instant(now)
                ),
            };
            writeln!(out, "{line}").map_err(write_error)?;
            if let (Some(previous), true) = (&r.previous_serial, retired) {
                let line = match o.lang {
                    crate::output::Lang::En => format!(
                        "The previous device {previous} is now out of use: see `tokenctl dispose-note {previous}`."
                    ),
                    crate::output::Lang::Ja => format!(
                        "旧パスワード生成機 {previous} は使用されなくなりました。`tokenctl dispose-note {previous}` をご覧ください。"
                    ),
                };
                writeln!(out, "{line}").map_err(write_error)?;
            }
            Ok(())
        }
    }
}
