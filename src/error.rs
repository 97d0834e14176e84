//! The one error type of tokenctl, and the one place that turns an error into
//! the lines on stderr and the documented exit code (SPEC.md §2, "Exit codes").
//!
//! Every failure a user can meet is a variant here, carrying the context it
//! needs to explain itself; commands return it and never print errors
//! themselves.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};

use crate::output::{Lang, Output, duration};
use crate::rules::refusal::{Refusal, TargetRefusal};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One target of a bulk revocation that cannot be revoked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFailure {
    pub login_id: String,
    pub refusal: TargetRefusal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A malformed flag value, a missing input without a TTY, and the like.
    #[error("{0}")]
    Usage(String),

    /// A bad row or header in an imported CSV file. `line` is 1-based.
    #[error("{file}, line {line}: {message}; nothing was imported")]
    BadRow {
        file: String,
        line: u64,
        message: String,
    },

    #[error("{reason}")]
    Verification {
        login_id: String,
        reason: String,
        /// This failure was the one that locked the login.
        locked_now: bool,
    },

    #[error(
        "{login_id} is locked after repeated failed verifications; an administrator must run `tokenctl unlock {login_id}`"
    )]
    Locked { login_id: String },

    #[error(
        "too early: {login_id} may register a device from {}, {} from now",
        Output::english().instant(*registrable_at),
        duration(Lang::En, *remaining)
    )]
    TooEarly {
        login_id: String,
        registrable_at: DateTime<Utc>,
        remaining: TimeDelta,
    },

    #[error("unknown login ID: {0}")]
    UnknownUser(String),

    #[error("unknown serial number: {0} (no delivery contains it)")]
    UnknownSerial(String),

    /// A rule of the procedure forbids the action (exit 7).
    #[error("{}", refusal_text(.0, Lang::En))]
    Rule(Refusal),

    /// Refused for another reason than the procedure's rules (exit 7).
    #[error("{0}")]
    Refused(String),

    /// A bulk revocation in which some targets cannot be revoked.
    #[error("revocation refused for {} target(s); nothing was changed", failures.len())]
    Targets { failures: Vec<TargetFailure> },

    /// The registry file cannot be used (exit 8); it has not been written.
    #[error("{}: {reason}", path.display())]
    Registry { path: PathBuf, reason: String },

    #[error("{} already exists; refusing to overwrite it", path.display())]
    AlreadyExists { path: PathBuf },

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("registry error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("terminal prompt failed: {0}")]
    Prompt(String),

    #[error("cancelled; nothing was changed")]
    Cancelled,
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Error::Refused(message.into())
    }

    /// The exit code of SPEC.md §2 for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::BadRow { .. } => 2,
            Error::Verification { .. } => 3,
            Error::Locked { .. } => 4,
            Error::TooEarly { .. } => 5,
            Error::UnknownUser(_) | Error::UnknownSerial(_) => 6,
            Error::Refused(_) | Error::Rule(_) => 7,
            Error::Targets { failures } => {
                if failures.iter().any(|f| f.refusal == TargetRefusal::Unknown) {
                    6
                } else {
                    7
                }
            }
            Error::Registry { .. } => 8,
            Error::Sqlite(e) if registry_unusable(e) => 8,
            Error::AlreadyExists { .. }
            | Error::Io { .. }
            | Error::Sqlite(_)
            | Error::Prompt(_)
            | Error::Cancelled => 1,
        }
    }

    /// What stderr shows: one `error: ` line per cause, in `lang`. Control
    /// characters from inputs (a file name, a login ID) are escaped here, in
    /// the one place every error passes, so none reaches the terminal raw.
    pub fn render(&self, lang: Lang) -> String {
        self.lines_in(lang)
            .iter()
            .map(|line| format!("error: {}\n", crate::text::escape_controls(line)))
            .collect()
    }

    /// The lines written to stderr in `lang`. The errors a user of the
    /// procedure meets most have Japanese wording; the rest stay English.
    pub fn lines_in(&self, lang: Lang) -> Vec<String> {
        if lang == Lang::En {
            return self.lines();
        }
        let ja = Output::japanese();
        let first = match self {
            Error::TooEarly {
                login_id,
                registrable_at,
                remaining,
            } => format!(
                "まだ登録できません：{login_id} の利用登録は {} 以降に可能です（あと{}）",
                ja.instant(*registrable_at),
                duration(Lang::Ja, *remaining)
            ),
            Error::Locked { login_id } => format!(
                "{login_id} は認証の失敗が続いたためロックされています。管理者が `tokenctl unlock {login_id}` を実行してください"
            ),
            Error::UnknownUser(id) => format!("ログインIDが見つかりません：{id}"),
            Error::UnknownSerial(serial) => {
                format!("シリアル番号が見つかりません：{serial}（どの納品にも含まれていません）")
            }
            Error::Targets { failures } => format!(
                "{} 名の対象を失効できないため、失効しませんでした（何も変更していません）",
                failures.len()
            ),
            Error::Rule(refusal) => refusal_text(refusal, Lang::Ja),
            Error::Cancelled => "取り消しました。何も変更していません".to_string(),
            _ => return self.lines_with(lang),
        };
        let mut lines = self.lines_with(lang);
        lines[0] = first;
        lines
    }

    /// The lines written to stderr, each prefixed `error: ` by the caller:
    /// one cause per line.
    pub fn lines(&self) -> Vec<String> {
        self.lines_with(Lang::En)
    }

    fn lines_with(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![self.to_string()];
        match self {
            Error::Targets { failures } => {
                for f in failures {
                    lines.push(format!("{}: {}", f.login_id, target_text(&f.refusal, lang)));
                }
            }
            Error::Verification {
                login_id,
                locked_now: true,
                ..
            } => lines.push(match lang {
                Lang::En => format!(
                    "{login_id} is now locked; an administrator must run `tokenctl unlock {login_id}`"
                ),
                Lang::Ja => format!(
                    "{login_id} はロックされました。管理者が `tokenctl unlock {login_id}` を実行してください"
                ),
            }),
            Error::Sqlite(e) if is_busy(e) => {
                lines[0] = "the registry is locked by another tokenctl or program and stayed locked past the timeout; nothing was changed, try again".to_string();
            }
            Error::Sqlite(e) if registry_unusable(e) => {
                lines[0] = format!("the registry is unusable: {e}");
            }
            _ => {
                let mut source = std::error::Error::source(self);
                while let Some(cause) = source {
                    let mut line = String::new();
                    let _ = write!(line, "caused by: {cause}");
                    if !lines.iter().any(|l| l.contains(&cause.to_string())) {
                        lines.push(line);
                    }
                    source = cause.source();
                }
            }
        }
        lines
    }
}

/// A rule's refusal in words, with what to do next.
fn refusal_text(refusal: &Refusal, lang: Lang) -> String {
    let o = match lang {
        Lang::En => Output::english(),
        Lang::Ja => Output::japanese(),
    };
    let list = |users: &[String]| users.join(", ");
    match (refusal, lang) {
        (Refusal::NotMaster { login_id }, Lang::En) => {
            format!("{login_id} is not a master user; only a master user can revoke devices")
        }
        (Refusal::NotMaster { login_id }, Lang::Ja) => {
            format!("{login_id} はマスターユーザではありません。失効はマスターユーザのみが行えます")
        }
        (Refusal::MasterWithoutDevice { login_id }, Lang::En) => format!(
            "master {login_id} has no device in service; register one before revoking others"
        ),
        (Refusal::MasterWithoutDevice { login_id }, Lang::Ja) => format!(
            "マスターユーザ {login_id} には利用中のパスワード生成機がありません。先に利用登録してください"
        ),
        (
            Refusal::MasterDeviceExpired {
                login_id,
                serial,
                expires,
            },
            Lang::En,
        ) => format!(
            "the device {serial} of master {login_id} expired on {expires}; it cannot confirm a revocation. Contact the bank"
        ),
        (
            Refusal::MasterDeviceExpired {
                login_id,
                serial,
                expires,
            },
            Lang::Ja,
        ) => format!(
            "マスターユーザ {login_id} のパスワード生成機 {serial} は{}に有効期限が切れています。失効の確認に使えません。銀行にご連絡ください",
            o.date(*expires)
        ),
        (Refusal::NoOtp { login_id }, Lang::En) => {
            format!("{login_id} does not use one-time passwords; there is nothing to register")
        }
        (Refusal::NoOtp { login_id }, Lang::Ja) => {
            format!("{login_id} はワンタイムパスワードを利用しない利用者です")
        }
        (Refusal::AlreadyInService { login_id, serial }, Lang::En) => format!(
            "{login_id} already has device {serial} in service; a master user must revoke it first"
        ),
        (Refusal::AlreadyInService { login_id, serial }, Lang::Ja) => format!(
            "{login_id} はパスワード生成機 {serial} を利用中です。先にマスターユーザが失効してください"
        ),
        (Refusal::DeviceDisposed { serial, at }, Lang::En) => format!(
            "device {serial} was disposed of on {}; it can never be registered again",
            o.instant(*at)
        ),
        (Refusal::DeviceDisposed { serial, at }, Lang::Ja) => format!(
            "パスワード生成機 {serial} は{}に廃棄済みです。再び登録することはできません",
            o.instant(*at)
        ),
        (Refusal::DeviceExpired { serial, expires }, Lang::En) => format!(
            "device {serial} expired on {expires}; register the new device the bank delivered"
        ),
        (Refusal::DeviceExpired { serial, expires }, Lang::Ja) => format!(
            "パスワード生成機 {serial} は{}に有効期限が切れています。銀行から届いた新しい生成機を登録してください",
            o.date(*expires)
        ),
        (Refusal::StillInService { serial, holders }, Lang::En) => format!(
            "device {serial} is still in service with {}; it cannot be disposed of",
            list(holders)
        ),
        (Refusal::StillInService { serial, holders }, Lang::Ja) => format!(
            "パスワード生成機 {serial} は {} が利用中のため廃棄できません",
            list(holders)
        ),
        (
            Refusal::NotYetReplaced {
                serial,
                former_users,
                expires,
            },
            Lang::En,
        ) => format!(
            "device {serial} is not out of use yet: {} revoked it but has not registered a new device; it goes out of use once replaced, or after it expires on {expires}",
            list(former_users)
        ),
        (
            Refusal::NotYetReplaced {
                serial,
                former_users,
                expires,
            },
            Lang::Ja,
        ) => format!(
            "パスワード生成機 {serial} はまだ使用終了ではありません：{} が失効後、新しい生成機を登録していません（登録後、または{}の有効期限後に使用終了になります）",
            list(former_users),
            o.date(*expires)
        ),
        (Refusal::NeverUsed { serial }, Lang::En) => format!(
            "device {serial} is not out of use: it has never been registered and has not expired"
        ),
        (Refusal::NeverUsed { serial }, Lang::Ja) => {
            format!("パスワード生成機 {serial} は未使用で、有効期限も切れていません")
        }
        (Refusal::AlreadyDisposed { serial, at }, Lang::En) => format!(
            "device {serial} was already recorded as disposed of on {}",
            o.instant(*at)
        ),
        (Refusal::AlreadyDisposed { serial, at }, Lang::Ja) => format!(
            "パスワード生成機 {serial} は{}に廃棄済みとして記録されています",
            o.instant(*at)
        ),
    }
}

fn target_text(refusal: &TargetRefusal, lang: Lang) -> String {
    match (refusal, lang) {
        (TargetRefusal::Unknown, Lang::En) => "unknown login ID".into(),
        (TargetRefusal::Unknown, Lang::Ja) => "ログインIDが見つかりません".into(),
        (TargetRefusal::NoOtp, Lang::En) => "does not use one-time passwords".into(),
        (TargetRefusal::NoOtp, Lang::Ja) => "ワンタイムパスワードを利用しない利用者です".into(),
        (TargetRefusal::NotInService, Lang::En) => {
            "not in service: already revoked, no device registered".into()
        }
        (TargetRefusal::NotInService, Lang::Ja) => {
            "失効中です（利用中のパスワード生成機がありません）".into()
        }
        (TargetRefusal::DeviceExpired { serial, expires }, Lang::En) => format!(
            "device {serial} expired on {expires}; an expired device cannot be revoked by the organisation. Contact the bank"
        ),
        (TargetRefusal::DeviceExpired { serial, expires }, Lang::Ja) => format!(
            "パスワード生成機 {serial} は{}に有効期限が切れています。団体では失効できません。銀行にご連絡ください",
            Output::japanese().date(*expires)
        ),
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(e.sqlite_error_code(), Some(DatabaseBusy | DatabaseLocked))
}

/// SQLite errors that mean the file cannot serve as a registry right now:
/// locked by another process past the busy timeout, not a database, unreadable.
fn registry_unusable(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(
            DatabaseBusy | DatabaseLocked | NotADatabase | CannotOpen | ReadOnly | DatabaseCorrupt
        )
    )
}

impl From<dialoguer::Error> for Error {
    fn from(e: dialoguer::Error) -> Self {
        Error::Prompt(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_bulk_failures_report_not_found_first() {
        let failure = |refusal| TargetFailure {
            login_id: "x".into(),
            refusal,
        };
        let mixed = Error::Targets {
            failures: vec![
                failure(TargetRefusal::NotInService),
                failure(TargetRefusal::Unknown),
            ],
        };
        assert_eq!(mixed.exit_code(), 6);
        let rules_only = Error::Targets {
            failures: vec![failure(TargetRefusal::NotInService)],
        };
        assert_eq!(rules_only.exit_code(), 7);
        assert_eq!(
            rules_only.lines(),
            vec![
                "revocation refused for 1 target(s); nothing was changed",
                "x: not in service: already revoked, no device registered"
            ]
        );
        assert_eq!(
            rules_only.lines_in(Lang::Ja)[1],
            "x: 失効中です（利用中のパスワード生成機がありません）"
        );
    }
}
