//! `revoke`: a master user revokes the devices of one or many users, all or
//! nothing.
//!
//! Every target is checked before anything changes and before credentials
//! are asked for; the revocation itself is one transaction. The earliest
//! re-registration time comes from `rules::schedule`.
//!
//! This file holds the request's checks and the signed revocation;
//! `targets` finds and checks whom it revokes (named, from a file, a
//! window, or picked in `ui::select`), and `preview` renders what it will
//! do or did.

mod preview;
mod targets;

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::catalogue::Msg;
use crate::cli::RevokeArgs;
use crate::cmd::{master_factors, password_prompt, record, require_user};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Format, Output, progress};
use crate::rules::revocation;
use crate::rules::schedule::registrable_at;
use crate::signed::{Factors, Signature, Signed};
use crate::store::audit::{Action, Outcome};
use crate::store::users::{self, UserRow};
use crate::store::{Store, Tx};
use crate::time::japan_date;
use crate::time::rfc3339;
use crate::ui::prompt::PasswordInput;

use preview::{Preview, Skipped, render, render_streamed};
use targets::{
    Prefetched, StreamedTargets, Target, chosen_names, device_view, located, named_targets,
    resolve_targets, select,
};

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

/// Which rule the targets are checked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// The organisation revokes: expired devices are refused.
    Plain,
    /// The bank revoked: expired devices are accepted.
    Bank,
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
    // A window's dry run in JSON or CSV holds neither its targets nor its
    // expired users: it is written inside the snapshot it reads, naming
    // them as it reads them (the targets once checked, all of them).
    let stream_expired =
        req.dry_run && kind == Kind::Plain && window.is_some() && ctx.out.format != Format::Table;
    if let (true, Some(days)) = (stream_expired, window) {
        let streamed = store.read(|tx| {
            let targets = StreamedTargets::checked(tx, names, days, today)?;
            let at = ctx.clock.now();
            let preview = Preview {
                targets: &[],
                skipped_expired: Skipped::Read { tx, today },
                revoked_at: at,
                registrable: registrable_at(at),
                dry_run: true,
                confirming: false,
                bank_reference: None,
                master: &master.login_id,
            };
            render_streamed(&ctx.out, out, &preview, &mut |each| targets.for_each(each))
        });
        return located(streamed, req, &lines);
    }
    let looked = store.read(|tx| select(tx, req, kind, names, today));
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
    crate::ui::stderr::write(&shown);
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
    let targets = resolve_targets(
        tx,
        target_ids,
        Prefetched::default(),
        japan_date(signed.at),
        kind,
    )?;
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
