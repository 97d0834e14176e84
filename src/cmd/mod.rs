//! One module per subcommand. Commands orchestrate: they read the registry,
//! ask `rules` for decisions, write in one transaction, and render. They
//! hold no rules of their own.

pub mod audit;
pub mod completions;
pub mod demo;
pub mod dispose_note;
pub mod expiring;
pub mod import;
pub mod init;
pub mod list;
pub mod otp;
pub mod passwd;
pub mod register;
pub mod revoke;
pub mod unlock;

use rusqlite::Connection;

use crate::Context;
use crate::error::{Error, Result};
use crate::store::AuditEntry;
use crate::store::audit as audit_log;
use crate::store::users::{UserRow, find_user};

/// The actor recorded for administrative commands: the OS account running
/// tokenctl, looked up from the process's user ID (not from `$USER`, which
/// anyone can set and cron often leaves unset).
pub fn admin_actor() -> String {
    #[cfg(unix)]
    if let Ok(Some(user)) = nix::unistd::User::from_uid(nix::unistd::getuid()) {
        return format!("os:{}", user.name);
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .map(|u| format!("os:{u}"))
        .unwrap_or_else(|| "os:unknown".to_string())
}

/// Appends an audit row stamped with the command's clock.
pub fn record(
    ctx: &Context,
    conn: &Connection,
    actor: &str,
    action: &str,
    targets: &[String],
    outcome: &str,
    detail: String,
) -> Result<()> {
    audit_log::append(
        conn,
        &AuditEntry {
            at: ctx.clock.now().timestamp(),
            actor,
            action,
            targets,
            outcome,
            detail,
            clock_fixed: ctx.clock.is_fixed(),
        },
    )
}

pub fn require_user(conn: &Connection, login_id: &str) -> Result<UserRow> {
    find_user(conn, login_id)?.ok_or_else(|| Error::UnknownUser(login_id.to_string()))
}
