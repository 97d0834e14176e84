//! What a revocation will do or did, as `revoke` renders it: the preview
//! before the confirmation (on stderr, as a table), the dry run's report
//! and the report of the revocation, as a table, JSON or CSV.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::io::Write;

use super::targets::Target;
use crate::catalogue::Msg;
use crate::error::{Error, Result};
use crate::output::record::{
    Column, EachRecord, JsonRecords, Record, Records, Value, write_document,
};
use crate::output::{Output, write_json};
use crate::rules::status::Status;
use crate::store::Tx;
use crate::store::users;

#[derive(Serialize)]
struct RevokeJson<'a, 'r, 'w, 's> {
    dry_run: bool,
    revoked: JsonRecords<'r, 'w, Revoked<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped_expired: Option<&'s ExpiredJson<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bank_reference: Option<&'s str>,
}

/// A user a revocation revokes (or would): in JSON, the login ID, serial
/// and the two instants; CSV repeats whether it was a dry run; the table
/// is the procedure's user screen, with the status to become.
struct Revoked<'a> {
    /// Held by the report, or read for this record alone.
    target: Cow<'a, Target>,
    preview: &'a Preview<'a>,
    /// The registrable-at instant as the table shows it, formatted once:
    /// one revocation gives every user the same.
    registrable_shown: &'a str,
}

impl Record for Revoked<'_> {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::csv_only("dry_run"),
            Column::shown("login_id", Msg::LabelLoginId),
            Column::table_only("name", Msg::LabelName),
            Column::table_only("role", Msg::LabelRole),
            Column::shown("serial", Msg::LabelSerial),
            Column::table_only("status", Msg::LabelStatus),
            Column::table_only("expires", Msg::LabelExpires),
            Column::data("revoked_at"),
            Column::shown("registrable_at", Msg::LabelRegistrableAt),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        let user = &self.target.user;
        vec![
            Value::Bool(self.preview.dry_run),
            Value::Text(&user.login_id),
            Value::Text(&user.name),
            Value::Named {
                name: user.role.as_str(),
                label: None,
            },
            Value::Text(&self.target.serial),
            Value::Named {
                name: Status::Revoked.as_str(),
                label: None,
            },
            Value::MaybeDate(user.device.as_ref().map(|d| d.expires)),
            Value::Instant(self.preview.revoked_at),
            Value::Instant(self.preview.registrable),
        ]
    }

    /// The role in words, the status the user has (or will have), and the
    /// registrable-at instant formatted once.
    fn table_cell(&self, column: usize, o: &Output) -> Option<String> {
        let p = self.preview;
        match column {
            3 => Some(o.role(self.target.user.role)),
            5 if p.dry_run || p.confirming => Some(o.t(Msg::StatusBecomesRevoked)),
            5 => Some(o.status(Status::Revoked)),
            6 => Some(
                self.target
                    .user
                    .device
                    .as_ref()
                    .map(|d| o.date(d.expires))
                    .unwrap_or_default(),
            ),
            8 => Some(self.registrable_shown.to_string()),
            _ => None,
        }
    }

    /// Least needed first: the name, the role, the expiry date; never the
    /// registrable-at instant this table exists to show.
    fn least_needed() -> &'static [usize] {
        &[1, 2, 5, 4]
    }
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

/// Every target of a report not held (`StreamedTargets::for_each`).
pub(super) type TargetWalk<'w> = dyn FnMut(&mut dyn FnMut(Target) -> Result<()>) -> Result<()> + 'w;

pub(super) fn render(o: &Output, out: &mut dyn Write, p: &Preview<'_>) -> Result<()> {
    render_from(o, out, p, None)
}

/// A report whose targets are walked as they are written, not held
/// (`p.targets` is then empty): a window's dry run in JSON or CSV. Never a
/// table, whose lines around the rows count and name the targets.
pub(super) fn render_streamed(
    o: &Output,
    out: &mut dyn Write,
    p: &Preview<'_>,
    targets: &mut TargetWalk<'_>,
) -> Result<()> {
    debug_assert!(o.format != crate::output::Format::Table);
    render_from(o, out, p, Some(targets))
}

fn render_from(
    o: &Output,
    out: &mut dyn Write,
    p: &Preview<'_>,
    walked: Option<&mut TargetWalk<'_>>,
) -> Result<()> {
    let registrable_shown = o.instant(p.registrable);
    let held: Vec<Revoked<'_>>;
    let mut walk;
    let records = match walked {
        None => {
            held = p
                .targets
                .iter()
                .map(|target| Revoked {
                    target: Cow::Borrowed(target),
                    preview: p,
                    registrable_shown: &registrable_shown,
                })
                .collect();
            Records::Held(&held)
        }
        Some(targets) => {
            walk = revoked_walk(targets, p, &registrable_shown);
            Records::Walked(&mut walk)
        }
    };
    let json = |out: &mut dyn Write, revoked: JsonRecords<'_, '_, Revoked<'_>>| {
        let skipped = ExpiredJson {
            skipped: p.skipped_expired,
            failed: Default::default(),
        };
        let document = RevokeJson {
            dry_run: p.dry_run,
            revoked,
            skipped_expired: (p.dry_run && p.bank_reference.is_none()).then_some(&skipped),
            bank_reference: p.bank_reference,
        };
        let written = write_json(out, &document);
        match skipped.failed.into_inner() {
            Some(e) => Err(e),
            None => written,
        }
    };
    write_document(o, out, records, json, |o| {
        around_the_table(o, p, &registrable_shown)
    })
}

/// The walk of the targets as the report's records, each read alone.
fn revoked_walk<'a, 'w>(
    targets: &'w mut TargetWalk<'_>,
    preview: &'a Preview<'a>,
    registrable_shown: &'a str,
) -> impl FnMut(&mut EachRecord<'_, Revoked<'a>>) -> Result<()> + 'w
where
    'a: 'w,
{
    move |each| {
        targets(&mut |target| {
            each(&Revoked {
                target: Cow::Owned(target),
                preview,
                registrable_shown,
            })
        })
    }
}

/// The lines before and after the table: what the table is, when its
/// users may register again, a master revoking their own device, the
/// rule; and the users skipped because their device expired.
fn around_the_table(
    o: &Output,
    p: &Preview<'_>,
    registrable_shown: &str,
) -> (Vec<String>, Vec<String>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    if !p.targets.is_empty() {
        let title = match (p.dry_run, p.bank_reference) {
            _ if p.confirming => Msg::RevokeTitleConfirming,
            (true, None) => Msg::RevokeTitleDryRun,
            (true, Some(_)) => Msg::RevokeTitleBankDryRun,
            (false, None) => Msg::RevokeTitleDone,
            (false, Some(_)) => Msg::RevokeTitleBankDone,
        };
        before.push(o.t(title));
        // One revocation gives every user the same instant: said once.
        let at = registrable_shown.to_string();
        let line = match (p.dry_run, p.targets.len()) {
            (true, 1) => Msg::RegistrableOneWould { at },
            (true, _) => Msg::RegistrableEveryWould { at },
            (false, 1) => Msg::RegistrableOne { at },
            (false, _) => Msg::RegistrableEvery { at },
        };
        after.push(o.t(line));
        if p.targets.iter().any(|t| t.user.login_id == p.master) && p.bank_reference.is_none() {
            let warning = Msg::RevokesOwnDevice {
                master: p.master.to_string(),
            };
            after.push(o.t(warning));
        }
        after.push(registration_rule(o));
    }
    if let Skipped::Listed(ids) = p.skipped_expired
        && !ids.is_empty()
    {
        let line = Msg::SkippedExpired {
            login_ids: ids.to_vec(),
        };
        after.push(o.t(line));
    }
    (before, after)
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
