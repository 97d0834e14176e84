//! Errors in words: the one place that turns an `Error` into the lines on
//! stderr, in English or Japanese. `run` calls `render`; nothing else
//! prints an error.

use super::Lang;
use crate::catalogue::Msg;
use crate::error::{Error, damaged_value, is_busy, registry_unusable};

/// What stderr shows: one `error: ` line per cause, in `lang`. Control
/// characters from inputs (a file name, a login ID) are escaped here, in the
/// one place every error passes, so none reaches the terminal raw.
pub(crate) fn render(error: &Error, lang: Lang) -> String {
    render_lines(&lines_in(error, lang))
}

/// The error as stderr shows it on a terminal `width` columns wide: each
/// line wrapped by the one line-breaking routine (`wrap::wrap`), its
/// continuation lines indented under the text after `error: `.
pub(crate) fn render_wrapped(error: &Error, lang: Lang, width: usize) -> String {
    const PREFIX: &str = "error: ";
    let mut text = String::new();
    for line in lines_in(error, lang) {
        let line = crate::text::escape_controls(&line);
        let room = width.saturating_sub(PREFIX.len()).max(20);
        for (n, piece) in super::wrap::wrap(&line, room).iter().enumerate() {
            let lead = if n == 0 { PREFIX } else { "       " };
            text.push_str(lead);
            text.push_str(piece);
            text.push('\n');
        }
    }
    text
}

/// `lines` as stderr shows them: each after `error: `, control characters
/// escaped.
pub(crate) fn render_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|line| format!("error: {}\n", crate::text::escape_controls(line)))
        .collect()
}

/// The lines written to stderr in `lang`, each prefixed `error: ` by the
/// caller: the error's own message, then one line per further cause.
pub(crate) fn lines_in(error: &Error, lang: Lang) -> Vec<String> {
    let mut lines = vec![error.message().text(lang)];
    match error {
        Error::Targets { failures } => {
            for f in failures {
                let line = Msg::TargetLine {
                    login_id: f.login_id.clone(),
                    reason: Msg::from(&f.refusal).text(lang),
                };
                lines.push(line.text(lang));
            }
        }
        Error::Verification {
            login_id,
            locked_now,
            hint,
            reason,
        } => {
            // Why it failed, the clock hint, then how many tries remain.
            let tries = match reason.as_ref() {
                Msg::Tried { reason, tries } => {
                    lines = vec![reason.text(lang)];
                    Some(tries.text(lang))
                }
                _ => None,
            };
            if let Some(hint) = hint {
                lines.push(hint.text(lang));
            }
            lines.extend(tries);
            if *locked_now {
                let login_id = login_id.clone();
                lines.push(Msg::LockedNow { login_id }.text(lang));
            }
        }
        Error::DeviceVerification {
            serial,
            locked_now: true,
            ..
        } => lines.push(
            Msg::DeviceLockedNow {
                serial: serial.clone(),
            }
            .text(lang),
        ),
        Error::DeviceVerification { .. } | Error::DeviceLocked { .. } => {}
        // The OS's reason is part of the message itself.
        Error::Io { .. } => {}
        // Regression: a registry locked past the timeout also printed
        // SQLite's "database is locked", twice; the message says it all.
        Error::Sqlite(e) if is_busy(e) || registry_unusable(e) || damaged_value(e).is_some() => {}
        _ => {
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                let cause_text = cause.to_string();
                if !lines.iter().any(|l| l.contains(&cause_text)) {
                    lines.push(Msg::CausedBy { cause: cause_text }.text(lang));
                }
                source = cause.source();
            }
        }
    }
    lines
}

/// The lines in English.
#[cfg(test)]
pub(crate) fn lines(error: &Error) -> Vec<String> {
    lines_in(error, Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TargetFailure;
    use crate::rules::refusal::TargetRefusal;

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
                "revocation refused for 1 target; nothing was changed",
                "x: not in service: already revoked, no device registered"
            ]
        );
        assert_eq!(
            lines_in(&rules_only, Lang::Ja)[1],
            "x: 失効中です（利用中のパスワード生成機がありません）"
        );
    }
}
