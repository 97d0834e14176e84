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

use crate::catalogue::Msg;
use crate::cli::RevokeArgs;
use crate::cmd::{master_factors, password_prompt, record, require_user};
use crate::context::Context;
use crate::error::{Error, Result, TargetFailure};
use crate::output::{
    Format, Output, USER_SCREEN, csv_writer, progress, write_json, write_table_dropping,
};
use crate::prompt::PasswordInput;
use crate::rules::expiry::{is_expired, window_end};
use crate::rules::refusal::TargetRefusal;
use crate::rules::revocation::{self, DeviceView};
use crate::rules::schedule::registrable_at;
use crate::rules::status::Status;
use crate::signed::{Factors, Signature, Signed};
use crate::store::audit::{Action, Outcome};
use crate::store::users::{self, UserRow, find_user};
use crate::store::{DeviceRow, Store, Tx};
use crate::time::japan_date;
use crate::time::{IsoDate, rfc3339};

/// A revocation request: the command line's flags, or the demo's script.
pub(crate) struct RevokeRequest {
    pub(crate) master: String,
    pub(crate) targets: Vec<String>,
    pub(crate) targets_file: Option<String>,
    pub(crate) encoding: crate::text::Encoding,
    /// In days.
    pub(crate) expiring_within: Option<u32>,
    pub(crate) otp: Option<String>,
    pub(crate) password: PasswordInput,
    pub(crate) dry_run: bool,
    pub(crate) yes: bool,
    /// A revocation the bank carried out: its reference, and when.
    pub(crate) bank_reference: Option<String>,
    pub(crate) revoked_at: Option<DateTime<Utc>>,
    /// With a bank reference: the device was lost.
    pub(crate) lost: bool,
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
            bank_reference: a.bank_reference,
            revoked_at: a.revoked_at,
            lost: a.lost,
        }
    }
}

#[derive(Serialize)]
struct RevokeJson<'a> {
    dry_run: bool,
    revoked: Vec<RevokedJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped_expired: Option<&'a ExpiredJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bank_reference: Option<&'a str>,
}

#[derive(Serialize)]
struct RevokedJson<'a> {
    login_id: &'a str,
    serial: &'a str,
    revoked_at: &'a str,
    registrable_at: &'a str,
}

/// The login IDs a plain dry run names as expired (only the bank can
/// revoke them).
#[derive(Clone, Copy)]
enum Skipped<'a> {
    /// Held: named targets, or a window's shown in a table (one line).
    Listed(&'a [String]),
    /// A window's in JSON or CSV: read again as they are written, in the
    /// snapshot the targets were read in, so that a million expired users
    /// are never all held (CSV does not show them). Never shown as a table.
    Read { tx: &'a Tx<'a>, today: NaiveDate },
}

/// `"skipped_expired"`: written as they are read. A failure to read is kept
/// in `failed` (the JSON writer only carries its message).
struct ExpiredJson<'a> {
    skipped: Skipped<'a>,
    failed: std::cell::RefCell<Option<Error>>,
}

impl Serialize for ExpiredJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        use std::ops::ControlFlow;
        let (tx, today) = match self.skipped {
            Skipped::Listed(ids) => return ids.serialize(s),
            Skipped::Read { tx, today } => (tx, today),
        };
        let mut seq = s.serialize_seq(None)?;
        let mut written = Ok(());
        let read = users::for_each_expired_in_service(tx, today, |login_id| {
            written = seq.serialize_element(&login_id);
            if written.is_ok() {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        });
        written?;
        if let Err(e) = read {
            let message = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom(message));
        }
        seq.end()
    }
}

/// A target that passed every check.
struct Target {
    user: UserRow,
    serial: String,
}

/// Which rule the targets are checked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The organisation revokes: expired devices are refused.
    Plain,
    /// The bank revoked: expired devices are accepted.
    Bank,
}

/// What a revocation will do, shown before it is confirmed and by the dry run.
struct Preview<'a> {
    targets: &'a [Target],
    skipped_expired: Skipped<'a>,
    revoked_at: DateTime<Utc>,
    registrable: DateTime<Utc>,
    dry_run: bool,
    /// Shown before asking for confirmation (not a dry run's report).
    confirming: bool,
    bank_reference: Option<&'a str>,
    master: &'a str,
}

/// The request's own checks, before anything is read: which kind of
/// revocation it is, and the bank's revocation instant (never in the future).
fn checked_request(ctx: &Context, req: &RevokeRequest) -> Result<(Kind, Option<DateTime<Utc>>)> {
    if req.targets_file.as_deref() == Some("-") && matches!(req.password, PasswordInput::Stdin) {
        return Err(Error::usage(Msg::StdinTwice));
    }
    let kind = if req.bank_reference.is_some() {
        Kind::Bank
    } else {
        Kind::Plain
    };
    if kind == Kind::Bank && req.expiring_within.is_some() {
        return Err(Error::usage(Msg::BankNeedsNames));
    }
    if let Some(reference) = &req.bank_reference
        && (reference.trim().is_empty() || reference.chars().any(char::is_control))
    {
        return Err(Error::usage(Msg::BankReferenceInvalid));
    }
    match req.revoked_at {
        Some(at) if at > ctx.clock.now() => {
            Err(Error::usage(Msg::RevokedAtInFuture { at: rfc3339(at) }))
        }
        at => Ok((kind, at)),
    }
}

pub(crate) fn run(
    ctx: &Context,
    store: &mut Store,
    req: &RevokeRequest,
    out: &mut dyn Write,
) -> Result<()> {
    let (kind, bank_revoked_at) = checked_request(ctx, req)?;
    let window = req.expiring_within;
    // A first look at the clock, to check and show targets before asking
    // for anything; the action itself uses the instant pinned after the
    // last prompt.
    let today = japan_date(ctx.clock.now());
    let (names, lines) = named_targets(req)?;
    let master = store.read(|tx| require_user(tx, &req.master))?;
    check_signer(&master, kind, req.dry_run, ctx.clock.now())?;
    let names = chosen_names(ctx, store, req, kind, &master, names, today)?;
    // A window's dry run in JSON or CSV does not hold its expired users:
    // it is written inside the snapshot it reads, naming them as it reads.
    let stream_expired =
        req.dry_run && kind == Kind::Plain && window.is_some() && ctx.out.format != Format::Table;
    if stream_expired {
        let streamed = store.read(|tx| {
            let (targets, _) = select(tx, req, kind, names, today, true)?;
            let at = ctx.clock.now();
            let preview = Preview {
                targets: &targets,
                skipped_expired: Skipped::Read { tx, today },
                revoked_at: at,
                registrable: registrable_at(at),
                dry_run: true,
                confirming: false,
                bank_reference: None,
                master: &master.login_id,
            };
            render(&ctx.out, out, &preview)
        });
        return located(streamed, req, &lines);
    }
    let looked = store.read(|tx| select(tx, req, kind, names, today, false));
    let (targets, skipped_expired) = located(
        audit_refused_targets(ctx, store, req, kind, looked),
        req,
        &lines,
    )?;
    if targets.is_empty() && !master.locked {
        return nothing_to_revoke(ctx, req, &master, &skipped_expired, out);
    }
    if req.dry_run {
        let at = bank_revoked_at.unwrap_or_else(|| ctx.clock.now());
        let preview = Preview {
            targets: &targets,
            skipped_expired: Skipped::Listed(&skipped_expired),
            revoked_at: at,
            registrable: registrable_at(at),
            dry_run: true,
            confirming: false,
            bank_reference: req.bank_reference.as_deref(),
            master: &master.login_id,
        };
        return render(&ctx.out, out, &preview);
    }
    sign_and_revoke(
        ctx,
        store,
        req,
        kind,
        bank_revoked_at,
        &master,
        &targets,
        &skipped_expired,
        out,
    )
}

/// The revocation itself: the preview and confirmation, the master's
/// signature, every target revoked in one transaction, and the report.
#[allow(clippy::too_many_arguments)]
fn sign_and_revoke(
    ctx: &Context,
    store: &mut Store,
    req: &RevokeRequest,
    kind: Kind,
    bank_revoked_at: Option<DateTime<Utc>>,
    master: &UserRow,
    targets: &[Target],
    skipped_expired: &[String],
    out: &mut dyn Write,
) -> Result<()> {
    let target_ids: Vec<String> = targets.iter().map(|t| t.user.login_id.clone()).collect();
    let signature = Signature {
        signer: &req.master,
        action: action_of(kind),
        targets: &target_ids,
        password: &req.password,
        code: req.otp.as_deref(),
        password_prompt: password_prompt(ctx, &req.master),
    };
    let confirm = |_: &Factors| {
        let at = bank_revoked_at.unwrap_or_else(|| ctx.clock.now());
        let preview = Preview {
            targets,
            skipped_expired: Skipped::Listed(skipped_expired),
            revoked_at: at,
            registrable: registrable_at(at),
            dry_run: true,
            confirming: true,
            bank_reference: req.bank_reference.as_deref(),
            master: &master.login_id,
        };
        confirm_revocation(ctx, req, &preview)
    };
    let bar = progress::bar(
        targets.len() as u64,
        ctx.out.t(Msg::ProgressRevoking),
        progress::Unit::Rows,
        1_000,
    );
    let factors =
        |_: &Tx<'_>, signer: &UserRow, at: DateTime<Utc>| signing_factors(kind, signer, at);
    let (revoked, revoked_at, registrable) =
        signature.run(ctx, store, factors, confirm, |tx, signed| {
            let revoked_at = bank_revoked_at.unwrap_or(signed.at);
            let revoked = revoke_each(ctx, tx, req, kind, signed, &target_ids, revoked_at, &bar)?;
            Ok((revoked, revoked_at, registrable_at(revoked_at)))
        })?;
    bar.finish_and_clear();
    render(
        &ctx.out,
        out,
        &Preview {
            targets: &revoked,
            skipped_expired: Skipped::Listed(&[]),
            revoked_at,
            registrable,
            dry_run: false,
            confirming: false,
            bank_reference: req.bank_reference.as_deref(),
            master: &master.login_id,
        },
    )
}

/// The targets named on the command line or in a file; with none, the
/// ones the master picks in the selection screen (on a terminal only).
fn chosen_names(
    ctx: &Context,
    store: &Store,
    req: &RevokeRequest,
    kind: Kind,
    master: &UserRow,
    names: Vec<String>,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let explicit = !names.is_empty() || req.targets_file.is_some() || req.expiring_within.is_some();
    if explicit {
        return Ok(names);
    }
    if kind == Kind::Bank || req.dry_run || !ctx.term.interactive {
        return Err(Error::usage(Msg::NoTargets));
    }
    if master.locked {
        // No point in choosing targets for a login that cannot sign; the
        // signed path records the refused attempt.
        return Ok(Vec::new());
    }
    let names = select_interactively(ctx, store, today)?;
    if names.is_empty() {
        return Err(Error::Cancelled);
    }
    Ok(names)
}

/// No target left to revoke: with a window, the report says so (and names
/// the expired devices only the bank can revoke); without, it is a usage error.
fn nothing_to_revoke(
    ctx: &Context,
    req: &RevokeRequest,
    master: &UserRow,
    skipped_expired: &[String],
    out: &mut dyn Write,
) -> Result<()> {
    if req.expiring_within.is_none() && skipped_expired.is_empty() {
        return Err(Error::usage(Msg::NoTargets));
    }
    if ctx.out.format == Format::Table && skipped_expired.is_empty() {
        writeln!(out, "{}", ctx.out.t(Msg::NothingExpiresInWindow))?;
        return Ok(());
    }
    let now = ctx.clock.now();
    let preview = Preview {
        targets: &[],
        skipped_expired: Skipped::Listed(skipped_expired),
        revoked_at: now,
        registrable: registrable_at(now),
        dry_run: req.dry_run,
        confirming: false,
        bank_reference: None,
        master: &master.login_id,
    };
    render(&ctx.out, out, &preview)
}

fn action_of(kind: Kind) -> Action {
    match kind {
        Kind::Plain => Action::Revoke,
        Kind::Bank => Action::BankRevoke,
    }
}

/// What the master signs with: password and own device for a revocation;
/// for the record of the bank's, the password, and the device's code while
/// the device still works.
fn signing_factors(kind: Kind, signer: &UserRow, at: DateTime<Utc>) -> Result<Factors> {
    match kind {
        Kind::Plain => master_factors(signer, at),
        Kind::Bank => {
            let device = signer.device.as_ref().map(device_view);
            let code = revocation::bank_record_needs_code(
                signer.role,
                &signer.login_id,
                device,
                japan_date(at),
            )?;
            Ok(Factors {
                password: true,
                device: if code { signer.device.clone() } else { None },
            })
        }
    }
}

/// The preview on stderr and the confirmation, unless `--yes`.
fn confirm_revocation(ctx: &Context, req: &RevokeRequest, preview: &Preview<'_>) -> Result<()> {
    if req.yes {
        return Ok(());
    }
    ctx.term.require(Msg::NeedConfirmation)?;
    let mut shown = Vec::new();
    let table = Output {
        format: Format::Table,
        ..ctx.out
    };
    render(&table, &mut shown, preview)?;
    let _ = std::io::stderr().write_all(&shown);
    let prompt = ctx.out.t(Msg::ConfirmRevoke {
        count: preview.targets.len(),
    });
    if ctx.term.confirm(&prompt)? {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

/// Revokes every target, each with its audit row, in the signed
/// transaction: every target is read again under the write lock at the
/// pinned instant, since another process may have acted since the first look.
#[allow(clippy::too_many_arguments)]
fn revoke_each(
    ctx: &Context,
    tx: &Tx<'_>,
    req: &RevokeRequest,
    kind: Kind,
    signed: &Signed,
    target_ids: &[String],
    revoked_at: DateTime<Utc>,
    bar: &indicatif::ProgressBar,
) -> Result<Vec<Target>> {
    let registrable = registrable_at(revoked_at);
    let targets = resolve_targets(tx, target_ids, HashMap::new(), japan_date(signed.at), kind)?;
    for target in &targets {
        let device_id = target
            .user
            .device
            .as_ref()
            .map(|d| d.id)
            .ok_or(Error::RaceLost)?;
        users::revoke(
            tx,
            target.user.id,
            device_id,
            signed.signer.id,
            revoked_at,
            registrable,
            req.bank_reference.as_deref(),
        )?;
        let lost = if req.lost {
            "; the device was lost"
        } else {
            ""
        };
        let detail = match &req.bank_reference {
            None => format!(
                "serial {}; registrable at {}",
                target.serial,
                rfc3339(registrable)
            ),
            Some(reference) => format!(
                "serial {}; revoked by the bank at {} (reference {reference}){lost}; registrable at {}",
                target.serial,
                rfc3339(revoked_at),
                rfc3339(registrable)
            ),
        };
        record(
            ctx,
            tx,
            &signed.signer.login_id,
            action_of(kind),
            std::slice::from_ref(&target.user.login_id),
            Outcome::Ok,
            detail,
        )?;
        bar.inc(1);
    }
    if req.lost {
        lose_all(tx, &targets, revoked_at)?;
    }
    Ok(targets)
}

/// The targets, read in one snapshot with the window's query (users found
/// by the window are read whole by the query that finds them), and the
/// expired users a dry run names instead of failing on them. With
/// `expired_read_later` the window's expired users are left to be read as
/// they are written (`Skipped::Read`).
fn select(
    tx: &Tx<'_>,
    req: &RevokeRequest,
    kind: Kind,
    mut names: Vec<String>,
    today: NaiveDate,
    expired_read_later: bool,
) -> Result<(Vec<Target>, Vec<String>)> {
    let mut prefetched = HashMap::new();
    let mut skipped = Vec::new();
    if let Some(days) = req.expiring_within {
        // Devices already expired are named, never offered: only the
        // bank can revoke them. Their login IDs are all that is read.
        if !expired_read_later {
            skipped.extend(users::expired_in_service(tx, today)?);
        }
        for user in users::expiring_users(tx, today, window_end(today, days))? {
            names.push(user.login_id.clone());
            prefetched.insert(user.login_id.clone(), user);
        }
    }
    dedup(&mut names);
    if req.dry_run && kind == Kind::Plain {
        // The dry run names expired devices instead of failing on them.
        // (The window's users expire today or later.)
        let mut kept = Vec::with_capacity(names.len());
        for name in std::mem::take(&mut names) {
            let expired = !prefetched.contains_key(&name)
                && find_user(tx, &name)?
                    .and_then(|u| u.device)
                    .is_some_and(|d| is_expired(d.expires, today));
            // A named user whose device expired is one of the window's
            // expired users, when there is a window.
            if expired {
                if !expired_read_later {
                    skipped.push(name);
                }
            } else {
                kept.push(name);
            }
        }
        names = kept;
    }
    dedup(&mut skipped);
    let targets = resolve_targets(tx, &names, prefetched, today, kind)?;
    Ok((targets, skipped))
}

/// Records the targets' devices, revoked by the bank, as lost, once every
/// target is revoked: a lost device is lost for every holder, so none may
/// still hold it.
fn lose_all(tx: &Tx<'_>, targets: &[Target], at: DateTime<Utc>) -> Result<()> {
    for target in targets {
        let Some(device) = &target.user.device else {
            continue;
        };
        if let Some(holder) = users::holding(tx, device.id)?.first() {
            return Err(Error::refused(Msg::LostStillHeld {
                serial: device.serial.clone(),
                login_id: holder.login_id.clone(),
            }));
        }
        crate::store::devices::mark_lost(tx, device.id, at)?;
    }
    Ok(())
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
}

fn device_view(device: &DeviceRow) -> DeviceView<'_> {
    DeviceView {
        serial: &device.serial,
        expires: device.expires,
    }
}

/// The login IDs named on the command line and in the targets file, with
/// the line of each in the file (for a refusal to name).
fn named_targets(req: &RevokeRequest) -> Result<(Vec<String>, HashMap<String, u64>)> {
    let mut names = req.targets.clone();
    let mut lines = HashMap::new();
    if let Some(file) = &req.targets_file {
        for (id, line) in crate::text::read_targets_located(file, req.encoding)? {
            lines.entry(id.clone()).or_insert(line);
            names.push(id);
        }
    }
    Ok((names, lines))
}

/// What the signer must be before anything is shown: for a plain
/// revocation, a master with a device in service and not expired; for its
/// dry run, which needs no credentials, only a master (whose own device
/// may have expired). The bank's revocation checks its signer later.
fn check_signer(master: &UserRow, kind: Kind, dry_run: bool, now: DateTime<Utc>) -> Result<()> {
    match (kind, dry_run) {
        (Kind::Plain, true) => Ok(crate::rules::revocation::check_master_role(
            &master.login_id,
            master.role,
        )?),
        (Kind::Plain, false) => master_factors(master, now).map(|_| ()),
        (Kind::Bank, _) => Ok(()),
    }
}

/// A revocation refused for its targets is audited (who tried, whom, why),
/// as a refused signature is; a dry run, which changes nothing, is not.
fn audit_refused_targets<T>(
    ctx: &Context,
    store: &mut Store,
    req: &RevokeRequest,
    kind: Kind,
    looked: Result<T>,
) -> Result<T> {
    let Err(Error::Targets { failures }) = &looked else {
        return looked;
    };
    if req.dry_run {
        return looked;
    }
    let ids: Vec<String> = failures.iter().map(|f| f.login_id.clone()).collect();
    let why: Vec<String> = failures
        .iter()
        .map(|f| format!("{}: {}", f.login_id, Msg::from(&f.refusal).en()))
        .collect();
    let detail = format!("refused: {}", why.join("; "));
    let action = match kind {
        Kind::Plain => Action::Revoke,
        Kind::Bank => Action::BankRevoke,
    };
    store.write(|tx| {
        record(
            ctx,
            tx,
            &req.master,
            action,
            &ids,
            Outcome::Refused,
            detail.clone(),
        )
    })?;
    looked
}

/// A refusal whose targets came from a targets file names, for each, the
/// file and line it came from: `user999 (targets.txt:38): unknown login ID`.
fn located<T>(looked: Result<T>, req: &RevokeRequest, lines: &HashMap<String, u64>) -> Result<T> {
    let Some(file) = &req.targets_file else {
        return looked;
    };
    let mut failures = match looked {
        Err(Error::Targets { failures }) => failures,
        other => return other,
    };
    let file = if file == "-" { "stdin" } else { file.as_str() };
    for failure in &mut failures {
        if let Some(line) = lines.get(&failure.login_id) {
            failure.login_id = format!("{} ({file}:{line})", failure.login_id);
        }
    }
    Err(Error::Targets { failures })
}

/// Checks every target; any failure refuses the whole revocation, naming
/// every failing target. Users already read (`prefetched`) are not read again.
fn resolve_targets(
    tx: &Tx<'_>,
    names: &[String],
    mut prefetched: HashMap<String, UserRow>,
    today: NaiveDate,
    kind: Kind,
) -> Result<Vec<Target>> {
    let mut targets = Vec::with_capacity(names.len());
    let mut failures = Vec::new();
    for name in names {
        let user = match prefetched.remove(name) {
            Some(user) => Some(user),
            None => find_user(tx, name)?,
        };
        let checked = match user {
            None => Err(TargetRefusal::Unknown),
            Some(user) => {
                let device = user.device.as_ref().map(device_view);
                match kind {
                    Kind::Plain => revocation::check_target(user.status(), device, today),
                    Kind::Bank => revocation::check_bank_target(user.status(), device),
                }
                .map(|()| user)
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

/// Lines of the terminal the checkbox list leaves to the rest: its prompt
/// and column names,
/// dialoguer's page line, and the notes printed before it.
const LINES_AROUND_THE_LIST: usize = 5;

/// At most this many login IDs are echoed after the selection; the preview
/// before the confirmation lists every one.
const ECHOED_IDS: usize = 20;

/// The procedure's selection screen: a checkbox list of users in service.
/// When they are more than fit on the terminal, a filter is asked first,
/// and the list is paged to the terminal's height.
fn select_interactively(ctx: &Context, store: &Store, today: NaiveDate) -> Result<Vec<String>> {
    let rows = store.read(users::in_service)?;
    let o = &ctx.out;
    let (offered, expired): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|r| !r.expires.is_some_and(|e| is_expired(e, today)));
    if !expired.is_empty() {
        // Never offered: only the bank can revoke an expired device.
        let ids: Vec<String> = expired.iter().map(|r| r.login_id.clone()).collect();
        eprintln!("{}", o.t(Msg::NotOfferedExpired { login_ids: ids }));
    }
    let cells: Vec<[String; 5]> = offered
        .iter()
        .map(|r| {
            [
                r.login_id.clone(),
                r.name.clone(),
                o.role(r.role),
                r.serial.clone().unwrap_or_else(|| "-".into()),
                r.expires.map(|e| o.date(e)).unwrap_or_default(),
            ]
        })
        .collect();
    let page = ctx
        .term
        .height()
        .saturating_sub(LINES_AROUND_THE_LIST)
        .max(3);
    let shown: Vec<usize> = if offered.len() > page {
        filtered(ctx, &offered)?
    } else {
        (0..offered.len()).collect()
    };
    // The column names first, aligned with the rows.
    let header = o.labels(&[
        Msg::LabelLoginId,
        Msg::LabelName,
        Msg::LabelRole,
        Msg::LabelSerial,
        Msg::LabelExpires,
    ]);
    let mut shown_cells: Vec<[String; 5]> = vec![header.try_into().unwrap_or_default()];
    shown_cells.extend(shown.iter().map(|&i| cells[i].clone()));
    let mut items = aligned(&shown_cells);
    // dialoguer (0.12) measures a checkbox row in bytes when it redraws, and
    // a row of more bytes than the terminal has columns makes it erase a
    // line too many each time: the prompt, then the column names, went.
    // The role, then the name, are left out until every row fits.
    for column in [2, 1] {
        if items.iter().all(|item| item.len() + 2 <= ctx.term.width()) {
            break;
        }
        for row in shown_cells.iter_mut() {
            row[column].clear();
        }
        items = aligned(&shown_cells);
    }
    let header = items.remove(0);
    let prompt = o.t(Msg::SelectTargets);
    let chosen: Vec<String> = ctx
        .term
        .select(&prompt, &header, &items, page)?
        .into_iter()
        .map(|i| offered[shown[i]].login_id.clone())
        .collect();
    if !chosen.is_empty() {
        eprintln!("{}", selected_line(o, &chosen));
    }
    Ok(chosen)
}

/// Asks for a filter until one matches a user; the indices of the users
/// it matches, in order.
fn filtered(ctx: &Context, offered: &[users::ListRow]) -> Result<Vec<usize>> {
    let o = &ctx.out;
    // Why and how, said once and wrapped to the terminal; the prompt itself
    // is short, so that it fits on one line and leaves no copy behind.
    let why = o.t(Msg::FilterPrompt {
        count: offered.len(),
    });
    for line in crate::output::wrap::wrap(&why, ctx.term.width()) {
        eprintln!("{line}");
    }
    let prompt = o.t(Msg::FilterAsk);
    loop {
        let filter = ctx.term.text(&prompt)?;
        let matched: Vec<usize> = offered
            .iter()
            .enumerate()
            .filter(|(_, row)| matches_filter(row, &filter))
            .map(|(i, _)| i)
            .collect();
        if !matched.is_empty() {
            return Ok(matched);
        }
        let shown = crate::text::escape_controls(filter.trim());
        let nothing = Msg::FilterMatchesNone {
            filter: shown.into_owned(),
        };
        eprintln!("{}", o.t(nothing));
    }
}

/// Whether a user of the selection matches a filter as typed: their login
/// ID, name, serial or expiry date (`YYYY-MM-DD`, so `2026-12` finds the
/// month) contains it, ignoring case and full-width forms. An empty filter
/// matches everyone.
fn matches_filter(row: &users::ListRow, filter: &str) -> bool {
    let needle = crate::text::typed(filter).to_lowercase();
    if needle.is_empty() {
        return true;
    }
    let has = |field: &str| crate::text::typed(field).to_lowercase().contains(&needle);
    has(&row.login_id)
        || has(&row.name)
        || row.serial.as_deref().is_some_and(has)
        || row.expires.is_some_and(|e| has(IsoDate::of(e).as_str()))
}

/// The echo of a selection: its login IDs, the first `ECHOED_IDS` of them.
fn selected_line(o: &Output, ids: &[String]) -> String {
    let shown = &ids[..ids.len().min(ECHOED_IDS)];
    let more = ids.len() - shown.len();
    o.t(Msg::Selected {
        login_ids: shown.to_vec(),
        more,
    })
}

/// Rows whose columns line up on a terminal, measured in display columns
/// (a Japanese character takes two).
fn aligned(rows: &[[String; 5]]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut widths = [0usize; 5];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    // A column left out (every cell empty) takes no room.
    let columns: Vec<usize> = (0..5).filter(|&i| widths[i] > 0).collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (n, &i) in columns.iter().enumerate() {
                line.push_str(&row[i]);
                if n + 1 < columns.len() {
                    line.push_str(&" ".repeat(widths[i] - row[i].width() + 2));
                }
            }
            line
        })
        .collect()
}

fn render(o: &Output, out: &mut dyn Write, p: &Preview<'_>) -> Result<()> {
    // One instant for every target: formatted once, not once per row.
    let (revoked_at_text, registrable_text) = (rfc3339(p.revoked_at), rfc3339(p.registrable));
    match o.format {
        Format::Json => {
            let skipped = ExpiredJson {
                skipped: p.skipped_expired,
                failed: Default::default(),
            };
            let written = write_json(
                out,
                &RevokeJson {
                    dry_run: p.dry_run,
                    revoked: p
                        .targets
                        .iter()
                        .map(|t| RevokedJson {
                            login_id: &t.user.login_id,
                            serial: &t.serial,
                            revoked_at: &revoked_at_text,
                            registrable_at: &registrable_text,
                        })
                        .collect(),
                    skipped_expired: (p.dry_run && p.bank_reference.is_none()).then_some(&skipped),
                    bank_reference: p.bank_reference,
                },
            );
            match skipped.failed.into_inner() {
                Some(e) => Err(e),
                None => written,
            }
        }
        Format::Csv => {
            let mut csv = csv_writer(o, out);
            csv.write_record([
                "dry_run",
                "login_id",
                "serial",
                "revoked_at",
                "registrable_at",
            ])?;
            for t in p.targets {
                csv.write_record([
                    if p.dry_run { "true" } else { "false" },
                    &t.user.login_id,
                    &t.serial,
                    &revoked_at_text,
                    &registrable_text,
                ])?;
            }
            Ok(csv.flush()?)
        }
        Format::Table => render_table(o, out, p),
    }
}

fn render_table(o: &Output, out: &mut dyn Write, p: &Preview<'_>) -> Result<()> {
    if !p.targets.is_empty() {
        let title = match (p.dry_run, p.bank_reference) {
            _ if p.confirming => Msg::RevokeTitleConfirming,
            (true, None) => Msg::RevokeTitleDryRun,
            (true, Some(_)) => Msg::RevokeTitleBankDryRun,
            (false, None) => Msg::RevokeTitleDone,
            (false, Some(_)) => Msg::RevokeTitleBankDone,
        };
        crate::output::write_prose(o, out, &o.t(title))?;
        let headers = o.labels(&USER_SCREEN);
        let registrable_shown = o.instant(p.registrable);
        let rows = p
            .targets
            .iter()
            .map(|t| {
                vec![
                    t.user.login_id.clone(),
                    t.user.name.clone(),
                    o.role(t.user.role),
                    t.serial.clone(),
                    if p.dry_run || p.confirming {
                        o.t(Msg::StatusBecomesRevoked)
                    } else {
                        o.status(Status::Revoked)
                    },
                    t.user
                        .device
                        .as_ref()
                        .map(|d| o.date(d.expires))
                        .unwrap_or_default(),
                    registrable_shown.clone(),
                ]
            })
            .collect();
        // Least needed first: the name, the role, the expiry date; never
        // the registrable-at instant this table exists to show.
        write_table_dropping(o, out, headers, rows, &[1, 2, 5, 4])?;
        // One revocation gives every user the same instant: said once.
        let at = registrable_shown.clone();
        let line = match (p.dry_run, p.targets.len()) {
            (true, 1) => Msg::RegistrableOneWould { at },
            (true, _) => Msg::RegistrableEveryWould { at },
            (false, 1) => Msg::RegistrableOne { at },
            (false, _) => Msg::RegistrableEvery { at },
        };
        crate::output::write_prose(o, out, &o.t(line))?;
        if p.targets.iter().any(|t| t.user.login_id == p.master) && p.bank_reference.is_none() {
            let warning = Msg::RevokesOwnDevice {
                master: p.master.to_string(),
            };
            crate::output::write_prose(o, out, &o.t(warning))?;
        }
        crate::output::write_prose(o, out, &registration_rule(o))?;
    }
    if let Skipped::Listed(ids) = p.skipped_expired
        && !ids.is_empty()
    {
        let line = Msg::SkippedExpired {
            login_ids: ids.to_vec(),
        };
        crate::output::write_prose(o, out, &o.t(line))?;
    }
    Ok(())
}

/// The registration rule in words, from the schedule's own constants.
fn registration_rule(o: &Output) -> String {
    use chrono::Timelike;

    use crate::rules::schedule::{CUTOFF, OPENING, SHORT_WAIT};
    let (ch, cm) = (CUTOFF.hour(), CUTOFF.minute());
    let (oh, om) = (OPENING.hour(), OPENING.minute());
    let wait = SHORT_WAIT.num_minutes();
    o.t(Msg::RegistrationRule {
        wait,
        cutoff_h: ch,
        cutoff_m: cm,
        opening_h: oh,
        opening_m: om,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::status::Role;

    fn row(login_id: &str, name: &str, serial: &str, expires: &str) -> users::ListRow {
        users::ListRow {
            login_id: login_id.into(),
            name: name.into(),
            role: Role::General,
            serial: Some(serial.into()),
            status: Status::Active,
            expires: crate::time::parse_ymd(expires),
            registrable_at: None,
            locked: false,
        }
    }

    #[test]
    fn the_filter_matches_login_id_name_serial_or_expiry_month_ignoring_case() {
        let hamako = row("Hamako01", "芳金 花子", "45678909", "2026-12-30");
        for filter in [
            "",
            "  ",
            "hamako",
            "HAMAKO0",
            "花子",
            "4567",
            "2026-12",
            "ｈａｍａｋｏ",
            "２０２６－１２",
        ] {
            assert!(matches_filter(&hamako, filter), "{filter:?}");
        }
        for filter in ["taro", "2027-01", "12345", "太郎"] {
            assert!(!matches_filter(&hamako, filter), "{filter:?}");
        }
    }

    #[test]
    fn the_echo_of_a_selection_is_its_login_ids_and_a_count_of_the_rest() {
        let en = Output::english();
        let ids: Vec<String> = (1..=22).map(|i| format!("u{i:02}")).collect();
        assert_eq!(selected_line(&en, &ids[..2]), "Selected: u01, u02");
        let long = selected_line(&en, &ids);
        assert!(long.ends_with("u20 and 2 more"), "{long}");
        assert!(!long.contains("u21"), "{long}");
        assert_eq!(
            selected_line(&Output::japanese(), &ids[..2]),
            "選択した利用者：u01、u02"
        );
    }
}
