//! Whom a revocation revokes: the login IDs named on the command line or
//! in a targets file, a window's users, or those the master picks in the
//! selection screen (`ui::select`); each read from the registry and checked
//! by `rules::revocation`, all failures named together.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{Kind, RevokeRequest};
use crate::catalogue::Msg;
use crate::context::Context;
use crate::error::{Error, Result, TargetFailure};
use crate::rules::expiry::{is_expired, window_end};
use crate::rules::refusal::TargetRefusal;
use crate::rules::revocation::{self, DeviceView};
use crate::store::users::{self, Reading, UserRow, find_user};
use crate::store::{DeviceRow, Store, Tx};
use crate::ui::select::{self as selection, Candidate};

/// A target that passed every check.
#[derive(Clone)]
pub(super) struct Target {
    pub(super) user: UserRow,
    pub(super) serial: String,
}

/// The targets named on the command line or in a file; with none, the
/// ones the master picks in the selection screen (on a terminal only).
pub(super) fn chosen_names(
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

/// The targets, read in one snapshot with the window's query (users found
/// by the window are read whole by the query that finds them), and the
/// expired users a dry run names instead of failing on them. (A window's
/// dry run in JSON or CSV reads its targets with `StreamedTargets`.)
pub(super) fn select(
    tx: &Tx<'_>,
    req: &RevokeRequest,
    kind: Kind,
    mut names: Vec<String>,
    today: NaiveDate,
) -> Result<(Vec<Target>, Vec<String>)> {
    let mut prefetched = Prefetched::default();
    let mut skipped = Vec::new();
    if let Some(days) = req.expiring_within {
        // Devices already expired are named, never offered: only the
        // bank can revoke them. Their login IDs are all that is read.
        skipped.extend(users::expired_in_service(tx, today)?);
        for user in users::expiring_users(tx, today, window_end(today, days))? {
            names.push(user.login_id.clone());
            prefetched.insert(user);
        }
    }
    dedup(&mut names);
    if req.dry_run && kind == Kind::Plain {
        // The dry run names expired devices instead of failing on them.
        // (The window's users expire today or later.)
        let (kept, expired) = split_expired(tx, names, today, |n| prefetched.contains(n))?;
        names = kept;
        skipped.extend(expired);
    }
    dedup(&mut skipped);
    let targets = resolve_targets(tx, &names, prefetched, today, kind)?;
    Ok((targets, skipped))
}

/// `names` split into those kept and those whose device expired, which a
/// dry run names instead of failing on them (a named user whose device
/// expired is one of the window's expired users, when there is a window).
/// Users `in_window` expire today or later and are not looked up.
fn split_expired(
    tx: &Tx<'_>,
    names: Vec<String>,
    today: NaiveDate,
    in_window: impl Fn(&str) -> bool,
) -> Result<(Vec<String>, Vec<String>)> {
    let (mut kept, mut expired) = (Vec::with_capacity(names.len()), Vec::new());
    for name in names {
        let has_expired = !in_window(&name)
            && find_user(tx, &name)?
                .and_then(|u| u.device)
                .is_some_and(|d| is_expired(d.expires, today));
        if has_expired {
            expired.push(name);
        } else {
            kept.push(name);
        }
    }
    Ok((kept, expired))
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
}

pub(super) fn device_view(device: &DeviceRow) -> DeviceView<'_> {
    DeviceView {
        serial: &device.serial,
        expires: device.expires,
    }
}

/// The login IDs named on the command line and in the targets file, with
/// the line of each in the file (for a refusal to name).
pub(super) fn named_targets(req: &RevokeRequest) -> Result<(Vec<String>, HashMap<String, u64>)> {
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

/// A refusal whose targets came from a targets file names, for each, the
/// file and line it came from: `user999 (targets.txt:38): unknown login ID`.
pub(super) fn located<T>(
    looked: Result<T>,
    req: &RevokeRequest,
    lines: &HashMap<String, u64>,
) -> Result<T> {
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

/// Users already read, in the order read, found by login ID: a window of
/// tens of thousands of users is held once, and the index by login ID
/// holds positions, not a second copy of each row (a map of the rows
/// themselves took 27 MB at ten million users).
#[derive(Default)]
pub(super) struct Prefetched {
    rows: Vec<Option<UserRow>>,
    by_login_id: HashMap<String, usize>,
}

impl Prefetched {
    fn insert(&mut self, user: UserRow) {
        self.by_login_id
            .insert(user.login_id.clone(), self.rows.len());
        self.rows.push(Some(user));
    }

    fn contains(&self, login_id: &str) -> bool {
        self.by_login_id.contains_key(login_id)
    }

    /// The user read as `login_id`, once.
    fn take(&mut self, login_id: &str) -> Option<UserRow> {
        let at = self.by_login_id.remove(login_id)?;
        self.rows[at].take()
    }
}

/// Checks every target; any failure refuses the whole revocation, naming
/// every failing target. Users already read (`prefetched`) are not read again.
pub(super) fn resolve_targets(
    tx: &Tx<'_>,
    names: &[String],
    mut prefetched: Prefetched,
    today: NaiveDate,
    kind: Kind,
) -> Result<Vec<Target>> {
    let mut targets = Vec::with_capacity(names.len());
    let mut failures = Vec::new();
    for name in names {
        let user = match prefetched.take(name) {
            Some(user) => Some(user),
            None => find_user(tx, name)?,
        };
        match checked_target(user, today, kind) {
            Ok(target) => targets.push(target),
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

/// One target checked by the revocation's rule (`None`: no such user).
fn checked_target(
    user: Option<UserRow>,
    today: NaiveDate,
    kind: Kind,
) -> std::result::Result<Target, TargetRefusal> {
    let user = user.ok_or(TargetRefusal::Unknown)?;
    let device = user.device.as_ref().map(device_view);
    match kind {
        Kind::Plain => revocation::check_target(user.status(), device, today),
        Kind::Bank => revocation::check_bank_target(user.status(), device),
    }?;
    let serial = user
        .device
        .as_ref()
        .map(|d| d.serial.clone())
        .unwrap_or_default();
    Ok(Target { user, serial })
}

/// The targets of a window's dry run in JSON or CSV, never all held: those
/// named are, the window's are verified and checked in a first reading and
/// read again, in the same read transaction (`tx`), as they are written.
/// (At ten million users a window of 36,000 held whole was 15 MB.)
pub(super) struct StreamedTargets<'t> {
    /// The read transaction of both readings: its snapshot does not change.
    tx: &'t Tx<'t>,
    /// The targets named on the command line or in a file, checked, in order.
    named: Vec<Target>,
    /// Their login IDs: a window's user also named is written once, where named.
    named_ids: HashSet<String>,
    first_day: NaiveDate,
    last_day: NaiveDate,
    today: NaiveDate,
}

impl<'t> StreamedTargets<'t> {
    /// Every target checked, the named ones first, as `select` checks them:
    /// any failure refuses the whole dry run, naming every failing target.
    /// A named user whose device expired is one of the window's expired
    /// users, named with them.
    pub(super) fn checked(
        tx: &'t Tx<'t>,
        mut names: Vec<String>,
        days: u32,
        today: NaiveDate,
    ) -> Result<StreamedTargets<'t>> {
        dedup(&mut names);
        // The expired are among the window's expired users, written as read.
        let (kept, _) = split_expired(tx, names, today, |_| false)?;
        let (named, mut failures) =
            match resolve_targets(tx, &kept, Prefetched::default(), today, Kind::Plain) {
                Ok(named) => (named, Vec::new()),
                Err(Error::Targets { failures }) => (Vec::new(), failures),
                Err(e) => return Err(e),
            };
        let streamed = StreamedTargets {
            tx,
            named,
            named_ids: kept.into_iter().collect(),
            first_day: today,
            last_day: window_end(today, days),
            today,
        };
        streamed.for_each_in_window(Reading::Verified, &mut |user| {
            let login_id = user.login_id.clone();
            if let Err(refusal) = checked_target(Some(user), today, Kind::Plain) {
                failures.push(TargetFailure { login_id, refusal });
            }
            Ok(())
        })?;
        if failures.is_empty() {
            Ok(streamed)
        } else {
            Err(Error::Targets { failures })
        }
    }

    /// The window's users not also named, in the window's order.
    fn for_each_in_window(
        &self,
        reading: Reading,
        each: &mut dyn FnMut(UserRow) -> Result<()>,
    ) -> Result<()> {
        let (first_day, last_day) = (self.first_day, self.last_day);
        users::for_each_expiring_user(self.tx, first_day, last_day, reading, |user| {
            if self.named_ids.contains(&user.login_id) {
                Ok(())
            } else {
                each(user)
            }
        })
    }

    /// Every target, named first, as `select` would have returned them;
    /// the window's read again in the snapshot they were verified and
    /// checked in.
    pub(super) fn for_each(&self, each: &mut dyn FnMut(Target) -> Result<()>) -> Result<()> {
        for target in &self.named {
            each(target.clone())?;
        }
        self.for_each_in_window(Reading::AgainInSnapshot, &mut |user| {
            // Checked by the first reading, in the same snapshot.
            let login_id = user.login_id.clone();
            let target =
                checked_target(Some(user), self.today, Kind::Plain).map_err(|refusal| {
                    Error::Targets {
                        failures: vec![TargetFailure { login_id, refusal }],
                    }
                })?;
            each(target)
        })
    }
}

/// The procedure's selection screen: the users in service, those whose
/// device expired named but never offered (only the bank can revoke
/// them), handed to `ui::select`; the login IDs chosen.
fn select_interactively(ctx: &Context, store: &Store, today: NaiveDate) -> Result<Vec<String>> {
    let rows = store.read(users::in_service)?;
    let (offered, expired): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|r| !r.expires.is_some_and(|e| is_expired(e, today)));
    let not_offered: Vec<String> = expired.into_iter().map(|r| r.login_id).collect();
    let offered: Vec<Candidate> = offered
        .into_iter()
        .map(|r| Candidate {
            login_id: r.login_id,
            name: r.name,
            role: r.role,
            serial: r.serial,
            expires: r.expires,
        })
        .collect();
    selection::choose(&ctx.term, &ctx.out, &offered, not_offered)
}
