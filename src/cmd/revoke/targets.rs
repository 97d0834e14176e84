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
use crate::store::users::{self, UserRow, find_user};
use crate::store::{DeviceRow, Store, Tx};
use crate::ui::select::{self as selection, Candidate};

/// A target that passed every check.
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
/// expired users a dry run names instead of failing on them. With
/// `expired_read_later` the window's expired users are left to be read as
/// they are written (`Skipped::Read`).
pub(super) fn select(
    tx: &Tx<'_>,
    req: &RevokeRequest,
    kind: Kind,
    mut names: Vec<String>,
    today: NaiveDate,
    expired_read_later: bool,
) -> Result<(Vec<Target>, Vec<String>)> {
    let mut prefetched = Prefetched::default();
    let mut skipped = Vec::new();
    if let Some(days) = req.expiring_within {
        // Devices already expired are named, never offered: only the
        // bank can revoke them. Their login IDs are all that is read.
        if !expired_read_later {
            skipped.extend(users::expired_in_service(tx, today)?);
        }
        for user in users::expiring_users(tx, today, window_end(today, days))? {
            names.push(user.login_id.clone());
            prefetched.insert(user);
        }
    }
    dedup(&mut names);
    if req.dry_run && kind == Kind::Plain {
        // The dry run names expired devices instead of failing on them.
        // (The window's users expire today or later.)
        let mut kept = Vec::with_capacity(names.len());
        for name in std::mem::take(&mut names) {
            let expired = !prefetched.contains(&name)
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
