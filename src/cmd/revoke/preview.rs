//! What a revocation will do or did, as `revoke` renders it: the preview
//! before the confirmation (on stderr, as a table), the dry run's report
//! and the report of the revocation, as a table, JSON or CSV.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::io::Write;

use super::targets::Target;
use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::output::{Format, Output, USER_SCREEN, csv_writer, write_json, write_table_dropping};
use crate::rules::status::Status;
use crate::store::Tx;
use crate::store::users;
use crate::time::rfc3339;

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
pub(super) enum Skipped<'a> {
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

/// What a revocation will do, shown before it is confirmed and by the dry run.
pub(super) struct Preview<'a> {
    pub(super) targets: &'a [Target],
    pub(super) skipped_expired: Skipped<'a>,
    pub(super) revoked_at: DateTime<Utc>,
    pub(super) registrable: DateTime<Utc>,
    pub(super) dry_run: bool,
    /// Shown before asking for confirmation (not a dry run's report).
    pub(super) confirming: bool,
    pub(super) bank_reference: Option<&'a str>,
    pub(super) master: &'a str,
}

pub(super) fn render(o: &Output, out: &mut dyn Write, p: &Preview<'_>) -> Result<()> {
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
