//! `demo`: the whole procedure, narrated, on a throw-away registry with a
//! simulated clock. It drives the same command code a user runs, so what it
//! shows is what tokenctl does; it needs no input and leaves nothing behind.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::catalogue::Msg;
use crate::cli::{DisposeNoteArgs, ExpiringArgs, ListArgs, RegisterArgs, ResyncArgs, StatusFilter};
use crate::clock::Clock;
use crate::cmd::init::{DEMO_MASTER, DEMO_PASSWORD, load_demo};
use crate::cmd::revoke::RevokeRequest;
use crate::cmd::{dispose_note, expiring, list, register, resync, revoke};
use crate::context::Context;
use crate::crypto::key::KeyFile;
use crate::error::{Error, Result};
use crate::output::{Format, Output};
use crate::store::devices::find_device;
use crate::store::devices::open_key;
use crate::store::{Mode, Store};
use crate::time::parse_instant;
use crate::ui::prompt::{PasswordInput, Terminal};

/// Friday 20 November 2026, 21:00 Japan time: after the 20:30 cut-off, and
/// Monday 23 November is Labour Thanksgiving Day.
const REVOKED_AT: &str = "2026-11-20T21:00:00+09:00";
/// A minute before: taro01's device, 7 minutes fast, is refused with the
/// hint, and resynchronised.
const DRIFT_AT: &str = "2026-11-20T20:59:00+09:00";
/// How fast taro01's device runs, in seconds.
const MASTER_DRIFT: i64 = 420;
/// Monday morning, a holiday: still too early.
const TOO_EARLY: &str = "2026-11-23T10:00:00+09:00";
/// Tuesday 24 November, 08:10: the first instant registration is open.
const OPENS_AT: &str = "2026-11-24T08:10:00+09:00";
const OLD_DEVICE: &str = "45678909";
const NEW_DEVICE: &str = "56789012";
const MASTER_DEVICE: &str = "23456789";
/// Monday 4 January 2027, the first business day after the New Year
/// holidays (31 December to 3 January): taro01's device, which expired on
/// 30 December, is past the organisation's reach.
const AFTER_HOLIDAYS: &str = "2027-01-04T09:00:00+09:00";
/// When the bank revoked it (after the 20:30 cut-off), and when taro01
/// records that revocation.
const BANK_REVOKED_AT: &str = "2027-01-04T20:40:00+09:00";
const BANK_RECORDED_AT: &str = "2027-01-04T21:00:00+09:00";
const BANK_REFERENCE: &str = "BK-20270104-001";
/// Tuesday 5 January, 08:10: the next business morning.
const NEXT_MORNING: &str = "2027-01-05T08:10:00+09:00";
const MASTER_NEW_DEVICE: &str = "34567891";

pub(crate) fn run(output: Output, out: &mut dyn Write) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::io(Msg::CannotCreateTempDir, e))?;
    let path = dir.path().join("demo-registry.db");
    // Never persisted: dropping it at the end deletes it.
    // A throw-away key beside it: the demo never touches the real key file.
    let (key, _) = KeyFile::load_or_create(&dir.path().join("demo-registry.key"))?;
    let mut registry = Store::create(&path, key, Mode::Simulation)?;
    let mut demo = Demo {
        ctx: Context {
            clock: Clock::fixed(instant(DRIFT_AT)),
            out: Output {
                format: Format::Table,
                lang: output.lang,
                excel: false,
                fit: output.fit,
            },
            term: Terminal {
                interactive: false,
                lang: output.lang,
            },
        },
        out,
        step: 0,
    };
    demo.run(&mut registry.store)
    // `dir` is removed here, with the registry in it.
}

fn instant(text: &str) -> DateTime<Utc> {
    parse_instant(text).expect("a valid demo instant")
}

struct Demo<'a> {
    ctx: Context,
    out: &'a mut dyn Write,
    step: u32,
}

impl Demo<'_> {
    fn say(&mut self, msg: Msg) -> Result<()> {
        Ok(writeln!(self.out, "{}", self.ctx.out.t(msg))?)
    }

    fn heading(&mut self, msg: Msg) -> Result<()> {
        self.step += 1;
        let now = self.ctx.out.instant(self.ctx.clock.now());
        writeln!(
            self.out,
            "\n== {}. {}  [{now}]",
            self.step,
            self.ctx.out.t(msg)
        )?;
        Ok(())
    }

    fn command(&mut self, line: &str) -> Result<()> {
        Ok(writeln!(self.out, "$ tokenctl {line}")?)
    }

    fn set_clock(&mut self, at: &str) {
        self.ctx.clock = Clock::fixed(instant(at));
    }

    /// Shows an expected refusal the way the CLI prints it.
    fn refusal(&mut self, result: Result<()>) -> Result<()> {
        match result {
            Ok(()) => Err(Error::refused(Msg::DemoExpectedRefusal)),
            Err(e) => {
                self.out
                    .write_all(crate::output::errors::render(&e, self.ctx.out.lang).as_bytes())?;
                Ok(writeln!(self.out, "(exit {})", e.exit_code())?)
            }
        }
    }

    fn code(&self, store: &Store, serial: &str) -> Result<String> {
        self.code_off(store, serial, 0)
    }

    /// The code a device whose clock is `drift` seconds off shows now.
    fn code_off(&self, store: &Store, serial: &str, drift: i64) -> Result<String> {
        let key = store.read(|tx| {
            let device = find_device(tx, serial)?.expect("a fixture device");
            open_key(tx, &device)
        })?;
        Ok(key.code_at(self.ctx.clock.now().timestamp() + drift))
    }

    /// taro01's drifted device: a signature refused with the hint, then a
    /// resync with two consecutive codes (30 s apart).
    fn drifted_master(&mut self, store: &mut Store) -> Result<()> {
        self.set_clock(DRIFT_AT);
        self.heading(Msg::DemoDriftHeading)?;
        self.say(Msg::DemoDriftNote)?;
        let drifted = self.code_off(store, MASTER_DEVICE, MASTER_DRIFT)?;
        self.command(&format!(
            "revoke --as {DEMO_MASTER} hamako01 --otp {drifted} --password-file master.txt --yes"
        ))?;
        let refused = revoke::run(
            &self.ctx,
            store,
            &RevokeRequest {
                otp: Some(drifted),
                ..self.master_revokes_own_device()
            }
            .revoking("hamako01"),
            self.out,
        );
        self.refusal(refused)?;
        self.say(Msg::DemoResyncNote)?;
        let first = self.code_off(store, MASTER_DEVICE, MASTER_DRIFT - 30)?;
        let second = self.code_off(store, MASTER_DEVICE, MASTER_DRIFT)?;
        self.command(&format!(
            "resync {MASTER_DEVICE} --otp {first} --otp {second}"
        ))?;
        resync::run(
            &self.ctx,
            store,
            &ResyncArgs {
                serial: MASTER_DEVICE.into(),
                otp: vec![first, second],
            },
            self.out,
        )?;
        self.set_clock(REVOKED_AT);
        Ok(())
    }

    fn run(&mut self, store: &mut Store) -> Result<()> {
        let ctx = &self.ctx;
        store.write(|tx| load_demo(ctx, tx))?;
        self.say(Msg::DemoIntro)?;

        self.heading(Msg::DemoUsersHeading)?;
        self.say(Msg::DemoUsersNote)?;
        self.command("list")?;
        list::run(&self.ctx, store, &ListArgs::default(), self.out)?;

        self.drifted_master(store)?;
        self.revocation(store)?;
        self.registration(store)?;
        self.expiry_and_disposal(store)?;
        self.expired_over_the_holidays(store)?;

        writeln!(self.out)?;
        self.say(Msg::DemoDone)
    }

    /// The master revokes hamako01's device, signing with a code of their
    /// own (drifted, now resynchronised) device.
    fn revocation(&mut self, store: &mut Store) -> Result<()> {
        self.heading(Msg::DemoRevokeHeading)?;
        self.say(Msg::DemoRevokeNote)?;
        let master_code = self.code_off(store, MASTER_DEVICE, MASTER_DRIFT)?;
        self.command(&format!(
            "revoke --as {DEMO_MASTER} hamako01 --otp {master_code} --password-file master.txt --yes"
        ))?;
        let request = RevokeRequest {
            master: DEMO_MASTER.into(),
            targets: vec!["hamako01".into()],
            targets_file: None,
            encoding: Default::default(),
            expiring_within: None,
            otp: Some(master_code),
            password: PasswordInput::Given(DEMO_PASSWORD.into()),
            dry_run: false,
            yes: true,
            bank_reference: None,
            revoked_at: None,
            lost: false,
        };
        revoke::run(&self.ctx, store, &request, self.out)?;
        self.command("list --status revoked")?;
        let revoked = ListArgs {
            status: Some(StatusFilter::Revoked),
            ..ListArgs::default()
        };
        list::run(&self.ctx, store, &revoked, self.out)
    }

    /// hamako01 registers the new device: refused before the registrable-at
    /// instant, accepted at it.
    fn registration(&mut self, store: &mut Store) -> Result<()> {
        self.set_clock(TOO_EARLY);
        self.heading(Msg::DemoTooEarlyHeading)?;
        let early = self.register(store)?;
        self.refusal(early)?;

        self.set_clock(OPENS_AT);
        self.heading(Msg::DemoRegisterHeading)?;
        self.register(store)?
    }

    /// `register --user hamako01` with the new device's current code, shown
    /// and run; the command's own result is returned for the caller to show.
    fn register(&mut self, store: &mut Store) -> Result<Result<()>> {
        let code = self.code(store, NEW_DEVICE)?;
        self.command(&format!(
            "register --user hamako01 --serial {NEW_DEVICE} --otp {code}"
        ))?;
        let args = RegisterArgs {
            user: "hamako01".into(),
            serial: NEW_DEVICE.into(),
            otp: Some(code),
        };
        Ok(register::run(&self.ctx, store, &args, self.out))
    }

    /// What cron sees coming, and the notice for the replaced device.
    fn expiry_and_disposal(&mut self, store: &mut Store) -> Result<()> {
        self.heading(Msg::DemoExpiringHeading)?;
        self.say(Msg::DemoExpiringNote)?;
        self.command("expiring --within 6w")?;
        let expiring = ExpiringArgs {
            within: 6 * 7,
            exit_code: false,
            summary: false,
        };
        expiring::run(&self.ctx, store, &expiring, self.out)?;

        self.heading(Msg::DemoDisposalHeading)?;
        self.command(&format!("dispose-note {OLD_DEVICE}"))?;
        let note = DisposeNoteArgs {
            serials: vec![OLD_DEVICE.into()],
            mark_disposed: false,
            all: false,
        };
        dispose_note::run(&self.ctx, store, &note, self.out)
    }

    /// The way out for a device that expired before it was revoked: the
    /// bank revokes it, the master records that revocation, and the user
    /// registers the new device once the rules allow.
    fn expired_over_the_holidays(&mut self, store: &mut Store) -> Result<()> {
        self.set_clock(AFTER_HOLIDAYS);
        self.heading(Msg::DemoExpiredHeading)?;
        self.say(Msg::DemoExpiredNote)?;
        self.command("expiring")?;
        expiring::run(
            &self.ctx,
            store,
            &ExpiringArgs {
                within: 30,
                exit_code: false,
                summary: false,
            },
            self.out,
        )?;
        let expired_code = self.code_off(store, MASTER_DEVICE, MASTER_DRIFT)?;
        self.command(&format!(
            "revoke --as {DEMO_MASTER} {DEMO_MASTER} --otp {expired_code} --password-file master.txt --yes"
        ))?;
        let plain = revoke::run(
            &self.ctx,
            store,
            &RevokeRequest {
                otp: Some(expired_code),
                ..self.master_revokes_own_device()
            },
            self.out,
        );
        self.refusal(plain)?;

        self.set_clock(BANK_RECORDED_AT);
        self.heading(Msg::DemoBankHeading)?;
        self.say(Msg::DemoBankNote)?;
        self.command(&format!(
            "revoke --as {DEMO_MASTER} {DEMO_MASTER} --bank-reference {BANK_REFERENCE} --revoked-at {BANK_REVOKED_AT} --password-file master.txt --yes"
        ))?;
        revoke::run(
            &self.ctx,
            store,
            &RevokeRequest {
                bank_reference: Some(BANK_REFERENCE.into()),
                revoked_at: Some(instant(BANK_REVOKED_AT)),
                ..self.master_revokes_own_device()
            },
            self.out,
        )?;

        self.set_clock(NEXT_MORNING);
        self.heading(Msg::DemoMasterRegistersHeading)?;
        let code = self.code(store, MASTER_NEW_DEVICE)?;
        self.command(&format!(
            "register --user {DEMO_MASTER} --serial {MASTER_NEW_DEVICE} --otp {code}"
        ))?;
        register::run(
            &self.ctx,
            store,
            &RegisterArgs {
                user: DEMO_MASTER.into(),
                serial: MASTER_NEW_DEVICE.into(),
                otp: Some(code),
            },
            self.out,
        )
    }

    /// taro01 revoking his own device with his password, confirmed.
    /// (`revoking` names another target.)
    fn master_revokes_own_device(&self) -> RevokeRequest {
        RevokeRequest {
            master: DEMO_MASTER.into(),
            targets: vec![DEMO_MASTER.into()],
            targets_file: None,
            encoding: Default::default(),
            expiring_within: None,
            otp: None,
            password: PasswordInput::Given(DEMO_PASSWORD.into()),
            dry_run: false,
            yes: true,
            bank_reference: None,
            revoked_at: None,
            lost: false,
        }
    }
}

impl RevokeRequest {
    /// The same request with `target` as its only target.
    fn revoking(self, target: &str) -> RevokeRequest {
        RevokeRequest {
            targets: vec![target.into()],
            ..self
        }
    }
}
