//! `restore SRC [--yes]`: puts back a verified backup of the same registry
//! (same registry ID, same key). The backup is checked like `check
//! --backup` first; the registry it replaces is kept beside it as
//! `NAME.before-restore-YYYYMMDDTHHMMSS`; the witness is moved back to the
//! backup's position, on purpose, by an audited `restore` row appended to
//! the restored chain (from which head to which). Every device's replay
//! guard is moved past the current step in the same write, so no code used
//! before the restore is accepted again. Everything else that finds a
//! registry behind its witness refuses it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::catalogue::Msg;
use crate::cli::RestoreArgs;
use crate::cmd::check::{FINDINGS_EXIT_CODE, print_findings};
use crate::cmd::{Action, Outcome, admin_actor, record};
use crate::context::Context;
use crate::crypto::key::{Binding, KeyFile};
use crate::error::{Error, Result};
use crate::store::check;
use crate::store::copy::{move_aside, recorded_id};
use crate::store::devices::advance_replay_guards;
use crate::store::{Access, Mode, Store, netfs, witness};

pub(crate) fn run(
    ctx: &Context,
    path: &Path,
    key_path: &Path,
    args: &RestoreArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    // Before the backup is copied beside the registry it replaces.
    netfs::refuse_new(path)?;
    let key = KeyFile::load(key_path)?;
    let backup = Store::open(&args.src, Access::InspectCopy, Some(key_path), false)?;
    let report = backup.read(|tx| check::run(tx, None))?;
    if !report.findings.is_empty() {
        print_findings(ctx, &report.findings);
        return Ok(FINDINGS_EXIT_CODE);
    }
    let Some(id) = backup.registry_id() else {
        return Err(Error::refused(Msg::RestoreNotABackup));
    };
    same_registry(path, &key, id)?;
    if backup.mode() == Mode::Live && ctx.clock.is_fixed() {
        return Err(Error::FixedClockOnLive);
    }
    if !args.yes {
        let prompt = ctx.out.t(Msg::ConfirmRestore {
            path: path.display().to_string(),
            src: args.src.display().to_string(),
        });
        if !ctx.term.confirm(&prompt)? {
            return Err(Error::Cancelled);
        }
    }
    let temp = backup.copy_beside(path)?;
    drop(backup);
    let aside = aside_name(ctx, path);
    if std::fs::symlink_metadata(path).is_ok() {
        move_aside(path, &aside)?;
    }
    temp.persist(path)?;
    let witnessed = witness::recorded(&key.bind(Binding::Registry(id)), &id)?;
    let mut restored = Store::open(path, Access::Restore, Some(key_path), ctx.clock.is_fixed())?;
    let detail = format!(
        "restored from {}: the witness stood at audit row {} (head {}), the backup at audit row {} (head {})",
        args.src.display(),
        witnessed.map_or(0, |w| w.audit_len),
        witnessed
            .map(|w| hex::encode(w.audit_head))
            .unwrap_or_default(),
        report.audit_rows,
        report.audit_head.map(hex::encode).unwrap_or_default(),
    );
    restored.write(|tx| {
        // Codes shown before now may have been accepted by the registry that
        // was replaced: none is accepted again.
        let moved = advance_replay_guards(tx, ctx.clock.now())?;
        let detail = format!("{detail}; the replay guards of {moved} device(s) moved past now");
        record(
            ctx,
            tx,
            &admin_actor(),
            Action::Restore,
            &[],
            Outcome::Ok,
            detail,
        )
    })?;
    let kept = aside.exists().then(|| aside.display().to_string());
    writeln!(
        out,
        "{}",
        ctx.out.t(Msg::Restored {
            path: path.display().to_string(),
            src: args.src.display().to_string(),
            kept,
        })
    )?;
    Ok(0)
}

/// The backup must be of the registry at `path` (same ID), or, when that
/// file is gone, of a registry this key file's witness knows.
fn same_registry(path: &Path, key: &KeyFile, id: crate::crypto::key::RegistryId) -> Result<()> {
    let known = || witness::recorded(&key.bind(Binding::Registry(id)), &id);
    match recorded_id(path)? {
        Some(Some(current)) if current == id => Ok(()),
        Some(_) => Err(Error::refused(Msg::RestoreOtherRegistry {
            path: path.display().to_string(),
        })),
        None if known()?.is_some() => Ok(()),
        None => Err(Error::refused(Msg::RestoreUnknownRegistry)),
    }
}

/// `NAME.before-restore-YYYYMMDDTHHMMSS` (Japan time) beside `path`.
fn aside_name(ctx: &Context, path: &Path) -> PathBuf {
    let stamp = ctx
        .clock
        .now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .format("%Y%m%dT%H%M%S");
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".before-restore-{stamp}"));
    PathBuf::from(name)
}
