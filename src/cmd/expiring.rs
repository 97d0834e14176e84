//! `expiring [--within 30d] [--exit-code]`: the cron report of in-service
//! devices expiring within the window, and of those already expired. When
//! nothing is due it prints nothing at all, so cron mails nothing.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::Context;
use crate::cli::ExpiringArgs;
use crate::error::{Error, Result};
use crate::output::{
    Format, csv_error, csv_writer, labels, write_error, write_json_array, write_table,
};
use crate::rules::calendar::japan_date;
use crate::rules::expiry::{days_left, is_expired, parse_window, window_end};
use crate::store::Store;
use crate::store::users::expiring;

/// The exit code of `--exit-code` when anything is reported.
pub const FOUND_EXIT_CODE: i32 = 10;

#[derive(Serialize)]
struct ExpiringJson {
    login_id: String,
    name: String,
    serial: String,
    expires: String,
    days_left: i64,
    expired: bool,
    shared_with: Vec<String>,
}

pub fn run(
    ctx: &Context,
    store: &mut Store,
    args: &ExpiringArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let days = parse_window(&args.within).map_err(|m| Error::usage(format!("--within: {m}")))?;
    let today = japan_date(ctx.clock.now());
    let rows = expiring(&store.conn, None, window_end(today, days))?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut holders: HashMap<i64, Vec<&str>> = HashMap::new();
    for r in &rows {
        holders.entry(r.device_id).or_default().push(&r.login_id);
    }
    let report: Vec<ExpiringJson> = rows
        .iter()
        .map(|r| {
            let expires = NaiveDate::parse_from_str(&r.expires, "%Y-%m-%d").unwrap_or(today);
            ExpiringJson {
                login_id: r.login_id.clone(),
                name: r.name.clone(),
                serial: r.serial.clone(),
                expires: r.expires.clone(),
                days_left: days_left(expires, today),
                expired: is_expired(expires, today),
                shared_with: holders[&r.device_id]
                    .iter()
                    .filter(|h| **h != r.login_id)
                    .map(|h| h.to_string())
                    .collect(),
            }
        })
        .collect();
    render(ctx, out, &report)?;
    Ok(if args.exit_code { FOUND_EXIT_CODE } else { 0 })
}

fn render(ctx: &Context, out: &mut dyn Write, report: &[ExpiringJson]) -> Result<()> {
    let o = &ctx.out;
    match o.format {
        Format::Json => write_json_array(out, report),
        Format::Csv => {
            let mut csv = csv_writer(out);
            csv.write_record([
                "login_id",
                "name",
                "serial",
                "expires",
                "days_left",
                "expired",
                "shared_with",
            ])
            .map_err(csv_error)?;
            for r in report {
                csv.write_record([
                    r.login_id.as_str(),
                    &r.name,
                    &r.serial,
                    &r.expires,
                    &r.days_left.to_string(),
                    if r.expired { "true" } else { "false" },
                    &r.shared_with.join(" "),
                ])
                .map_err(csv_error)?;
            }
            csv.flush().map_err(write_error)
        }
        Format::Table => {
            let headers = {
                use labels::*;
                o.labels(&[
                    LOGIN_ID,
                    NAME,
                    SERIAL,
                    EXPIRES,
                    ("Days left", "残り日数"),
                    ("Shared with", "共有者"),
                ])
            };
            let rows = report
                .iter()
                .map(|r| {
                    vec![
                        r.login_id.clone(),
                        r.name.clone(),
                        r.serial.clone(),
                        o.date_text(&r.expires),
                        if r.expired {
                            o.pick("EXPIRED", "期限切れ").to_string()
                        } else {
                            r.days_left.to_string()
                        },
                        r.shared_with.join(" "),
                    ]
                })
                .collect();
            write_table(out, headers, rows)?;
            if report.iter().any(|r| r.expired) {
                writeln!(out, "{}", o.pick(
                    "Expired devices can no longer be revoked by the organisation: contact the bank.",
                    "有効期限を過ぎたパスワード生成機は団体では失効できません。銀行にご連絡ください。",
                ))
                .map_err(write_error)?;
            }
            if report.iter().any(|r| !r.expired) {
                writeln!(out, "{}", o.pick(
                    "Revoke these devices before they expire, then each user registers the new one.",
                    "有効期限までに失効し、各利用者が新しいパスワード生成機を利用登録してください。",
                ))
                .map_err(write_error)?;
            }
            Ok(())
        }
    }
}
