//! Errors in words: the one place that turns an `Error` into the lines on
//! stderr, in English or Japanese. `run` calls `render`; nothing else
//! prints an error.

use std::fmt::Write as _;

use super::{Lang, Output, duration};
use crate::error::{Error, is_busy, registry_unusable};
use crate::rules::refusal::{Refusal, TargetRefusal};

/// The first line in English: the variant's own message, or wording that
/// needs the presentation layer (instants, durations, refusals).
fn english_first_line(error: &Error) -> String {
    match error {
        Error::TooEarly {
            login_id,
            registrable_at,
            remaining,
        } => format!(
            "too early: {login_id} may register a device from {}, {} from now",
            Output::english().instant(*registrable_at),
            duration(Lang::En, *remaining)
        ),
        Error::Rule(refusal) => refusal_text(refusal, Lang::En),
        other => other.to_string(),
    }
}

/// What stderr shows: one `error: ` line per cause, in `lang`.
/// What stderr shows: one `error: ` line per cause, in `lang`. Control
/// characters from inputs (a file name, a login ID) are escaped here, in the
/// one place every error passes, so none reaches the terminal raw.
pub fn render(error: &Error, lang: Lang) -> String {
    lines_in(error, lang)
        .iter()
        .map(|line| format!("error: {}\n", crate::text::escape_controls(line)))
        .collect()
}

/// The lines written to stderr in `lang`. The errors a user of the
/// procedure meets most have Japanese wording; the rest stay English.
pub fn lines_in(error: &Error, lang: Lang) -> Vec<String> {
    if lang == Lang::En {
        return lines(error);
    }
    let ja = Output::japanese();
    let first = match error {
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
        _ => return lines_with(error, lang),
    };
    let mut lines = lines_with(error, lang);
    lines[0] = first;
    lines
}

/// The lines written to stderr, each prefixed `error: ` by the caller:
/// one cause per line.
pub fn lines(error: &Error) -> Vec<String> {
    lines_with(error, Lang::En)
}

fn lines_with(error: &Error, lang: Lang) -> Vec<String> {
    let mut lines = vec![english_first_line(error)];
    match error {
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
                let mut source = std::error::Error::source(error);
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
        (
            Refusal::ImportChangesDevice {
                login_id,
                in_service,
                named,
            },
            Lang::En,
        ) => match in_service {
            Some(serial) => format!(
                "the file names device {named} for {login_id}, who has device {serial} in service; an import does not change devices (a master revokes, then the user registers the new one); nothing was imported"
            ),
            None => format!(
                "the file names device {named} for {login_id}, who has no device in service; an import does not change devices (the user registers it with `tokenctl register`); nothing was imported"
            ),
        },
        (
            Refusal::ImportChangesDevice {
                login_id,
                in_service,
                named,
            },
            Lang::Ja,
        ) => match in_service {
            Some(serial) => format!(
                "ファイルは {login_id} にパスワード生成機 {named} を指定していますが、{login_id} は {serial} を利用中です。取り込みでは生成機を変更できません（マスターユーザが失効し、利用者が新しい生成機を利用登録します）。何も取り込んでいません"
            ),
            None => format!(
                "ファイルは {login_id} にパスワード生成機 {named} を指定していますが、{login_id} には利用中の生成機がありません。取り込みでは生成機を変更できません（利用者が `tokenctl register` で利用登録します）。何も取り込んでいません"
            ),
        },
        (Refusal::ImportTurnsOtpOff { login_id, serial }, Lang::En) => format!(
            "the file sets otp_required false for {login_id}, who has device {serial} in service; revoke it first; nothing was imported"
        ),
        (Refusal::ImportTurnsOtpOff { login_id, serial }, Lang::Ja) => format!(
            "ファイルは {login_id} の otp_required を false にしていますが、{login_id} はパスワード生成機 {serial} を利用中です。先に失効してください。何も取り込んでいません"
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TargetFailure;

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
            lines(&rules_only),
            vec![
                "revocation refused for 1 target(s); nothing was changed",
                "x: not in service: already revoked, no device registered"
            ]
        );
        assert_eq!(
            lines_in(&rules_only, Lang::Ja)[1],
            "x: 失効中です（利用中のパスワード生成機がありません）"
        );
    }
}
