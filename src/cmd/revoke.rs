//! `revoke`: a master user revokes the devices of one or many users, all or
//! nothing.
//!
//! Every target is checked before anything changes and before credentials
//! are asked for; the revocation itself is one transaction. The earliest
//! re-registration time comes from `rules::schedule`.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::Context;
use crate::cli::RevokeArgs;
use crate::cmd::{record, require_user};
use crate::error::{Error, Result, TargetFailure};
use crate::output::{
    Format, Lang, Output, csv_error, csv_writer, labels, progress, rfc3339, write_error,
    write_json, write_table,
};
use crate::prompt::{PasswordInput, code_prompt};
use crate::rules::calendar::japan_date;
use crate::rules::expiry::window_end;
use crate::rules::refusal::TargetRefusal;
use crate::rules::revocation::{self, DeviceView};
use crate::rules::schedule::registrable_at;
use crate::rules::status::Status;
use crate::store::users::{self, UserRow, find_user};
use crate::store::{DeviceRow, Store};
use crate::verification::{self, Attempt};

/// A revocation request: the command line's flags, or the demo's script.
pub struct RevokeRequest {
    pub master: String,
    pub targets: Vec<String>,
    pub targets_file: Option<String>,
    pub encoding: crate::text::Encoding,
    /// In days.
    pub expiring_within: Option<u32>,
    pub otp: Option<String>,
    pub password: PasswordInput,
    pub dry_run: bool,
    pub yes: bool,
}

impl From<RevokeArgs> for RevokeRequest {
    fn from(a: RevokeArgs) -> Self {
        RevokeRequest {
            master: a.master,
            targets: a.targets,
            targets_file: a.targets_file,
            encoding: a.encoding,
            expiring_within: a.expiring_within,
            otp: a.otp,
            password: PasswordInput::from_flags(
                a.password.password_stdin,
                a.password.password_file,
            ),
            dry_run: a.dry_run,
            yes: a.yes,
        }
    }
}

#[derive(Serialize)]
struct RevokeJson<'a> {
    dry_run: bool,
    revoked: Vec<RevokedJson<'a>>,
}

#[derive(Serialize)]
struct RevokedJson<'a> {
    login_id: &'a str,
    serial: &'a str,
    revoked_at: &'a str,
    registrable_at: &'a str,
}

/// A target that passed every check.
struct Target {
    user: UserRow,
    serial: String,
}

pub fn run(
    ctx: &Context,
    store: &mut Store,
    req: &RevokeRequest,
    out: &mut dyn Write,
) -> Result<()> {
    if req.targets_file.as_deref() == Some("-") && matches!(req.password, PasswordInput::Stdin) {
        return Err(Error::usage(
            "--targets-file - and --password-stdin both want stdin; use --password-file or a targets file",
        ));
    }
    let window = req.expiring_within;
    // A first look at the clock, to check and show targets before asking
    // for anything; the action itself uses the instant pinned after the
    // last prompt.
    let today = japan_date(ctx.clock.now());

    let master = require_user(&store.conn, &req.master)?;
    let master_device = check_master(&master, today)?;

    let mut names = req.targets.clone();
    if let Some(file) = &req.targets_file {
        names.extend(crate::text::read_targets(file, req.encoding)?);
    }
    let explicit = !req.targets.is_empty() || req.targets_file.is_some() || window.is_some();
    if !explicit {
        if !req.dry_run {
            // No point in choosing targets for a login that cannot sign.
            verification::refuse_if_locked(ctx, store, &master, "revoke", &[])?;
        }
        names = select_interactively(ctx, store)?;
        if names.is_empty() {
            return Err(Error::Cancelled);
        }
    }
    // One read snapshot for the window's query and every lookup, instead of
    // one per target. Users found by the window are read whole by the query
    // that finds them, and not read a second time.
    let targets = {
        let snapshot = store.conn.unchecked_transaction()?;
        let mut prefetched = HashMap::new();
        if let Some(days) = window {
            for user in users::expiring_users(&snapshot, today, window_end(today, days))? {
                names.push(user.login_id.clone());
                prefetched.insert(user.login_id.clone(), user);
            }
        }
        let mut seen = HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        resolve_targets(&snapshot, &names, prefetched, today)?
    };
    if targets.is_empty() {
        if window.is_none() {
            return Err(Error::usage(
                "no targets: name login IDs, or use --targets-file or --expiring-within",
            ));
        }
        if ctx.out.format == Format::Table {
            writeln!(out, "{}", ctx.out.pick(
                "No in-service device expires within the window; nothing to revoke.",
                "期間内に有効期限を迎える利用中のパスワード生成機はありません。失効の対象はありません。",
            )).map_err(write_error)?;
            return Ok(());
        }
        let now = ctx.clock.now();
        return render(&ctx.out, out, &[], now, registrable_at(now), req.dry_run);
    }

    if req.dry_run {
        let now = ctx.clock.now();
        return render(&ctx.out, out, &targets, now, registrable_at(now), true);
    }
    let target_ids: Vec<String> = targets.iter().map(|t| t.user.login_id.clone()).collect();
    verification::refuse_if_locked(ctx, store, &master, "revoke", &target_ids)?;
    if !req.yes {
        let prompt = ctx
            .out
            .pick(
                &format!(
                    "Revoke the devices of {} user(s)? This cannot be undone",
                    targets.len()
                ),
                &format!(
                    "{} 名の利用者のパスワード生成機を失効しますか？元に戻せません",
                    targets.len()
                ),
            )
            .to_string();
        if !ctx.term.confirm(&prompt).map_err(|e| match e {
            Error::Usage(_) => {
                Error::usage("confirmation required: pass --yes (there is no terminal to ask on)")
            }
            other => other,
        })? {
            return Err(Error::Cancelled);
        }
    }
    let password = ctx.term.password(
        &req.password,
        &match ctx.out.lang {
            Lang::En => format!("Confirmation password of {}", master.login_id),
            Lang::Ja => format!("{} の確認用パスワード", master.login_id),
        },
        false,
    )?;
    let code = ctx.term.code(
        req.otp.as_deref(),
        &code_prompt(ctx.out.lang, &master_device.serial),
    )?;

    let revoked_at = ctx.clock.pin();
    let registrable = registrable_at(revoked_at);
    let attempt = Attempt {
        user: &master,
        device: &master_device,
        password: Some(&password),
        code: &code,
        action: "revoke",
        targets: &target_ids,
    };
    let verified = verification::verify(ctx, store, &attempt)?;

    let bar = progress::bar(targets.len() as u64, "revoking", 1_000);
    let (revoked_unix, registrable_unix) = (revoked_at.timestamp(), registrable.timestamp());
    let today = japan_date(revoked_at);
    let revoked = store.transaction(|tx| {
        verification::commit_success(tx, &attempt, verified)?;
        // Everything again, on rows read under the write lock at the pinned
        // instant: another process may have acted since the first look.
        let master_now = require_user(tx, &master.login_id)?;
        let device_now = check_master(&master_now, today)?;
        if device_now.id != master_device.id {
            return Err(Error::refused(format!(
                "the device of {} changed during the revocation; nothing was changed, try again",
                master.login_id
            )));
        }
        let targets = resolve_targets(tx, &names, HashMap::new(), today)?;
        for target in &targets {
            let device_id = target
                .user
                .device
                .as_ref()
                .map(|d| d.id)
                .expect("checked in service");
            users::revoke(
                tx,
                target.user.id,
                device_id,
                master.id,
                revoked_unix,
                registrable_unix,
            )?;
            record(
                ctx,
                tx,
                &master.login_id,
                "revoke",
                std::slice::from_ref(&target.user.login_id),
                "ok",
                format!(
                    "serial {}; registrable at {}",
                    target.serial,
                    rfc3339(registrable)
                ),
            )?;
            bar.inc(1);
        }
        Ok(targets)
    })?;
    bar.finish_and_clear();
    render(&ctx.out, out, &revoked, revoked_at, registrable, false)
}

/// The master must be a master user with a device in service, not expired.
fn check_master(master: &UserRow, today: NaiveDate) -> Result<DeviceRow> {
    let device = master.device.as_ref().map(device_view);
    revocation::check_master(&master.login_id, master.role, device, today).map_err(Error::Rule)?;
    Ok(master.device.clone().expect("checked above"))
}

fn device_view(device: &DeviceRow) -> DeviceView<'_> {
    DeviceView {
        serial: &device.serial,
        expires: device.expires,
    }
}

/// Checks every target; any failure refuses the whole revocation, naming
/// every failing target. Users already read (`prefetched`) are not read again.
fn resolve_targets(
    conn: &rusqlite::Connection,
    names: &[String],
    mut prefetched: HashMap<String, UserRow>,
    today: NaiveDate,
) -> Result<Vec<Target>> {
    let mut targets = Vec::with_capacity(names.len());
    let mut failures = Vec::new();
    for name in names {
        let user = match prefetched.remove(name) {
            Some(user) => Some(user),
            None => find_user(conn, name)?,
        };
        let checked = match user {
            None => Err(TargetRefusal::Unknown),
            Some(user) => {
                let device = user.device.as_ref().map(device_view);
                revocation::check_target(user.status(), device, today).map(|()| user)
            }
        };
        match checked {
            Ok(user) => {
                let serial = user
                    .device
                    .as_ref()
                    .map(|d| d.serial.clone())
                    .unwrap_or_default();
                targets.push(Target { user, serial });
            }
            Err(refusal) => failures.push(TargetFailure {
                login_id: name.clone(),
                refusal,
            }),
        }
    }
    if failures.is_empty() {
        Ok(targets)
    } else {
        Err(Error::Targets { failures })
    }
}

/// The procedure's selection screen: a checkbox list of users in service.
fn select_interactively(ctx: &Context, store: &Store) -> Result<Vec<String>> {
    if !ctx.term.interactive {
        return Err(Error::usage(
            "no targets: name login IDs, or use --targets-file or --expiring-within",
        ));
    }
    let rows = users::in_service(&store.conn)?;
    let o = &ctx.out;
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}  {}  {}  {}  {}",
                r.login_id,
                r.name,
                o.role(r.role),
                r.serial.as_deref().unwrap_or("-"),
                r.expires
                    .as_deref()
                    .map(|e| o.date_text(e))
                    .unwrap_or_default()
            )
        })
        .collect();
    let prompt = o.pick(
        "Select the users whose device to revoke (space to select, enter to confirm)",
        "失効する利用者を選択してください（スペースで選択、Enterで確定）",
    );
    let chosen = ctx.term.select(prompt, &items)?;
    Ok(chosen
        .into_iter()
        .map(|i| rows[i].login_id.clone())
        .collect())
}

fn render(
    o: &Output,
    out: &mut dyn Write,
    targets: &[Target],
    revoked_at: DateTime<Utc>,
    registrable: DateTime<Utc>,
    dry_run: bool,
) -> Result<()> {
    // One instant for every target: formatted once, not once per row.
    let (revoked_at_text, registrable_text) = (rfc3339(revoked_at), rfc3339(registrable));
    match o.format {
        Format::Json => write_json(
            out,
            &RevokeJson {
                dry_run,
                revoked: targets
                    .iter()
                    .map(|t| RevokedJson {
                        login_id: &t.user.login_id,
                        serial: &t.serial,
                        revoked_at: &revoked_at_text,
                        registrable_at: &registrable_text,
                    })
                    .collect(),
            },
        ),
        Format::Csv => {
            let mut csv = csv_writer(o, out);
            csv.write_record([
                "dry_run",
                "login_id",
                "serial",
                "revoked_at",
                "registrable_at",
            ])
            .map_err(csv_error)?;
            for t in targets {
                csv.write_record([
                    if dry_run { "true" } else { "false" },
                    &t.user.login_id,
                    &t.serial,
                    &revoked_at_text,
                    &registrable_text,
                ])
                .map_err(csv_error)?;
            }
            csv.flush().map_err(write_error)
        }
        Format::Table => {
            let title = if dry_run {
                o.pick(
                    "Dry run: nothing was changed. These devices would be revoked:",
                    "確認のみ（変更はしていません）。以下の利用者のパスワード生成機が失効されます。",
                )
            } else {
                o.pick(
                    "Revoked the devices of the following users.",
                    "以下の利用者が登録しているパスワード生成機の情報を失効しました。",
                )
            };
            writeln!(out, "{title}").map_err(write_error)?;
            let headers = o.labels(&labels::USER_SCREEN);
            let registrable_shown = o.instant(registrable);
            let rows = targets
                .iter()
                .map(|t| {
                    vec![
                        t.user.login_id.clone(),
                        t.user.name.clone(),
                        o.role(t.user.role).to_string(),
                        t.serial.clone(),
                        o.status(Status::Revoked).to_string(),
                        t.user
                            .device
                            .as_ref()
                            .map(|d| o.date(d.expires))
                            .unwrap_or_default(),
                        registrable_shown.clone(),
                    ]
                })
                .collect();
            write_table(out, headers, rows)?;
            for t in targets {
                let line = match o.lang {
                    crate::output::Lang::En => format!(
                        "{} {} register a new device from {}.",
                        t.user.login_id,
                        if dry_run { "would be able to" } else { "may" },
                        registrable_shown
                    ),
                    crate::output::Lang::Ja => format!(
                        "{} は {} 以降に新しいパスワード生成機を利用登録できます。",
                        t.user.login_id, registrable_shown
                    ),
                };
                writeln!(out, "{line}").map_err(write_error)?;
            }
            writeln!(out, "{}", o.pick(
                "Registration opens 30 minutes after a revocation; after one at or after 20:30 Japan time, at 08:10 on the next business day.",
                "ワンタイムパスワードの利用登録は失効の30分後から可能です。20時30分以降の失効は、翌営業日の8時10分以降に利用登録できます。",
            )).map_err(write_error)
        }
    }
}
