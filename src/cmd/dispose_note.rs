//! `dispose-note [SERIAL…] [--mark-disposed]`: a notice for each device out
//! of use (no holder in service, and replaced or expired), and the record of
//! its disposal. A disposed device is never registered again.

use std::io::Write;

use serde::Serialize;

use crate::Context;
use crate::cli::DisposeNoteArgs;
use crate::cmd::{admin_actor, record};
use crate::error::{Error, Result};
use crate::output::{
    Format, csv_error, csv_writer, from_unix, rfc3339, rfc3339_unix, write_error, write_json_array,
};
use crate::rules::calendar::japan_date;
use crate::rules::expiry::{expired_from, is_expired};
use crate::store::Store;
use crate::store::devices::{
    DeviceRow, find_device, former_users, mark_disposed, out_of_use_candidates, serial_of,
};
use crate::store::users::holders;

#[derive(Serialize)]
struct NoteJson {
    serial: String,
    former_users: Vec<String>,
    replaced_by: Option<String>,
    out_of_use_since: String,
    disposed_at: Option<String>,
}

pub fn run(
    ctx: &Context,
    store: &mut Store,
    args: &DisposeNoteArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let now = ctx.clock.now();
    let today = japan_date(now);
    let devices = if args.serials.is_empty() {
        out_of_use_candidates(&store.conn, today)?
    } else {
        let mut named: Vec<DeviceRow> = Vec::new();
        for serial in &args.serials {
            if named.iter().any(|d| &d.serial == serial) {
                continue; // named twice: one notice, one disposal
            }
            let device = find_device(&store.conn, serial)?
                .ok_or_else(|| Error::UnknownSerial(serial.clone()))?;
            let users = holders(&store.conn, device.id)?;
            if !users.is_empty() {
                return Err(Error::refused(format!(
                    "device {serial} is still in service with {}; it cannot be disposed of",
                    users.join(", ")
                )));
            }
            if device.out_of_use_since.is_none() && !is_expired(device.expires, today) {
                let former = former_users(&store.conn, device.id)?;
                return Err(Error::refused(if former.is_empty() {
                    format!(
                        "device {serial} is not out of use: it has never been registered and has not expired"
                    )
                } else {
                    format!(
                        "device {serial} is not out of use yet: {} revoked it but has not registered a new device; it goes out of use once replaced, or after it expires on {}",
                        former.join(", "),
                        device.expires
                    )
                }));
            }
            if args.mark_disposed
                && let Some(at) = device.disposed_at
            {
                return Err(Error::refused(format!(
                    "device {serial} was already recorded as disposed of on {}",
                    ctx.out.instant_unix(at)
                )));
            }
            named.push(device);
        }
        named
    };
    let mut notes = Vec::with_capacity(devices.len());
    for device in &devices {
        notes.push(note(store, device)?);
    }
    if args.mark_disposed && !notes.is_empty() {
        let at = now.timestamp();
        store.transaction(|tx| {
            for device in &devices {
                mark_disposed(tx, device.id, at)?;
                record(
                    ctx,
                    tx,
                    &admin_actor(),
                    "dispose",
                    std::slice::from_ref(&device.serial),
                    "ok",
                    "disposal recorded".to_string(),
                )?;
            }
            Ok(())
        })?;
        for n in &mut notes {
            n.disposed_at = Some(rfc3339(now));
        }
    }
    render(ctx, out, &notes)
}

fn note(store: &Store, device: &DeviceRow) -> Result<NoteJson> {
    let replaced_by = match device.replaced_by {
        Some(id) => serial_of(&store.conn, id)?,
        None => None,
    };
    // Out of use from the first of: its replacement, or the end of its
    // expiry date (it had no holder in service then either: an expired
    // device cannot be revoked, so its holders left before it expired).
    let expired = expired_from(device.expires);
    let since = match device.out_of_use_since.map(from_unix) {
        Some(replaced) if replaced < expired => replaced,
        _ => expired,
    };
    Ok(NoteJson {
        serial: device.serial.clone(),
        former_users: former_users(&store.conn, device.id)?,
        replaced_by,
        out_of_use_since: rfc3339(since),
        disposed_at: device.disposed_at.map(rfc3339_unix),
    })
}

fn render(ctx: &Context, out: &mut dyn Write, notes: &[NoteJson]) -> Result<()> {
    let o = &ctx.out;
    match o.format {
        Format::Json => write_json_array(out, notes),
        Format::Csv => {
            let mut csv = csv_writer(out);
            csv.write_record([
                "serial",
                "former_users",
                "replaced_by",
                "out_of_use_since",
                "disposed_at",
            ])
            .map_err(csv_error)?;
            for n in notes {
                csv.write_record([
                    n.serial.as_str(),
                    &n.former_users.join(" "),
                    n.replaced_by.as_deref().unwrap_or(""),
                    &n.out_of_use_since,
                    n.disposed_at.as_deref().unwrap_or(""),
                ])
                .map_err(csv_error)?;
            }
            csv.flush().map_err(write_error)
        }
        Format::Table => {
            if notes.is_empty() {
                return Ok(());
            }
            let w =
                |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(write_error);
            for n in notes {
                let since = crate::clock::parse_instant(&n.out_of_use_since)
                    .map(|t| o.instant(t))
                    .unwrap_or_else(|_| n.out_of_use_since.clone());
                let users = if n.former_users.is_empty() {
                    "-".to_string()
                } else {
                    n.former_users.join(", ")
                };
                let replaced = n
                    .replaced_by
                    .clone()
                    .unwrap_or_else(|| o.pick("- (expired)", "-（有効期限切れ）").to_string());
                let disposed = n
                    .disposed_at
                    .as_deref()
                    .and_then(|d| crate::clock::parse_instant(d).ok())
                    .map(|t| o.instant(t))
                    .unwrap_or_else(|| o.pick("not yet", "未").to_string());
                match o.lang {
                    crate::output::Lang::En => {
                        w(
                            out,
                            format!("Device {}: out of use since {since}", n.serial),
                        )?;
                        w(out, format!("  former users: {users}"))?;
                        w(out, format!("  replaced by:  {replaced}"))?;
                        w(out, format!("  disposed of:  {disposed}"))?;
                    }
                    crate::output::Lang::Ja => {
                        w(
                            out,
                            format!(
                                "パスワード生成機 {}：{since} から使用されていません",
                                n.serial
                            ),
                        )?;
                        w(out, format!("  これまでの利用者：{users}"))?;
                        w(out, format!("  後継の生成機：　　{replaced}"))?;
                        w(out, format!("  廃棄：　　　　　　{disposed}"))?;
                    }
                }
            }
            w(out, String::new())?;
            w(out, o.pick(
                "The organisation disposes of devices that are out of use itself; the bank does not collect them. \
Each device has a built-in battery, so put it out as your municipality's rules for battery-containing waste require.",
                "使用を終えたパスワード生成機は、銀行への返却ではなく団体で処分します。\
本体に電池が入っているため、所在地の市区町村が定める分別・回収の方法に従って出してください。",
            ).to_string())
        }
    }
}
