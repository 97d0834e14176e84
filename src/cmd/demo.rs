//! `demo`: the whole procedure, narrated, on a throw-away registry with a
//! simulated clock. It drives the same command code a user runs, so what it
//! shows is what tokenctl does; it needs no input and leaves nothing behind.

use std::io::Write;

use chrono::{DateTime, Utc};

use crate::Context;
use crate::cli::{DisposeNoteArgs, ExpiringArgs, ListArgs, RegisterArgs, StatusFilter};
use crate::clock::{Clock, parse_instant};
use crate::cmd::init::{DEMO_MASTER, DEMO_PASSWORD, load_demo};
use crate::cmd::revoke::RevokeRequest;
use crate::cmd::{dispose_note, expiring, list, register, revoke};
use crate::error::{Error, Result};
use crate::key::RegistryKey;
use crate::output::{Format, Output, write_error};
use crate::prompt::{PasswordInput, Terminal};
use crate::store::devices::find_device;
use crate::store::devices::open_key;
use crate::store::{Mode, Store};

/// Friday 20 November 2026, 21:00 Japan time: after the 20:30 cut-off, and
/// Monday 23 November is Labour Thanksgiving Day.
const REVOKED_AT: &str = "2026-11-20T21:00:00+09:00";
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

pub fn run(output: Output, out: &mut dyn Write) -> Result<()> {
    let dir =
        tempfile::tempdir().map_err(|e| Error::io("cannot create a temporary directory", e))?;
    let path = dir.path().join("demo-registry.db");
    // Never persisted: dropping it at the end deletes it.
    // A throw-away key beside it: the demo never touches the real key file.
    let (key, _) = RegistryKey::load_or_create(&dir.path().join("demo-registry.key"))?;
    let mut registry = Store::create(&path, key, Mode::Simulation)?;
    let mut demo = Demo {
        ctx: Context {
            clock: Clock::fixed(instant(REVOKED_AT)),
            out: Output {
                format: Format::Table,
                lang: output.lang,
                excel: false,
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
    fn say(&mut self, en: &str, ja: &str) -> Result<()> {
        writeln!(self.out, "{}", self.ctx.out.pick(en, ja)).map_err(write_error)
    }

    fn heading(&mut self, en: &str, ja: &str) -> Result<()> {
        self.step += 1;
        let now = self.ctx.out.instant(self.ctx.clock.now());
        writeln!(
            self.out,
            "\n== {}. {}  [{now}]",
            self.step,
            self.ctx.out.pick(en, ja)
        )
        .map_err(write_error)
    }

    fn command(&mut self, line: &str) -> Result<()> {
        writeln!(self.out, "$ tokenctl {line}").map_err(write_error)
    }

    fn set_clock(&mut self, at: &str) {
        self.ctx.clock = Clock::fixed(instant(at));
    }

    /// Shows an expected refusal the way the CLI prints it.
    fn refusal(&mut self, result: Result<()>) -> Result<()> {
        match result {
            Ok(()) => Err(Error::io(
                "the demo expected a refusal",
                std::io::Error::other("the command succeeded"),
            )),
            Err(e) => {
                self.out
                    .write_all(crate::output::errors::render(&e, self.ctx.out.lang).as_bytes())
                    .map_err(write_error)?;
                writeln!(self.out, "(exit {})", e.exit_code()).map_err(write_error)
            }
        }
    }

    fn code(&self, store: &Store, serial: &str) -> Result<String> {
        let key = store.read(|tx| {
            let device = find_device(tx, serial)?.expect("a fixture device");
            open_key(tx, &device)
        })?;
        Ok(key.code_at(self.ctx.clock.now().timestamp()))
    }

    fn run(&mut self, store: &mut Store) -> Result<()> {
        let ctx = &self.ctx;
        store.write(|tx| load_demo(ctx, tx))?;
        self.say(
            "tokenctl demo: the device switch-over procedure on a throw-away registry, with a simulated clock.",
            "tokenctl デモ：使い捨てのレジストリと模擬時計で、パスワード生成機の切替手順を通して実行します。",
        )?;

        self.heading("The organisation's users", "利用者一覧")?;
        self.say(
            "Devices 23456789 and 45678909 expire on 30 December; the bank has delivered new ones.",
            "パスワード生成機 23456789 と 45678909 は12月30日に有効期限を迎えます。銀行から新しい生成機が届いています。",
        )?;
        self.command("list")?;
        list::run(
            &self.ctx,
            store,
            &ListArgs {
                status: None,
                role: None,
                user: None,
                serial: None,
            },
            self.out,
        )?;

        self.heading(
            "Master taro01 revokes hamako01's device on Friday night",
            "マスターユーザ taro01 が金曜日の夜に hamako01 のパスワード生成機を失効",
        )?;
        self.say(
            "It is after 20:30, and Monday 23 November is Labour Thanksgiving Day, so hamako01 may register again from 08:10 on Tuesday.",
            "20時30分を過ぎており、11月23日（月）は勤労感謝の日のため、hamako01 の利用登録は火曜日の8時10分からとなります。",
        )?;
        let master_code = self.code(store, MASTER_DEVICE)?;
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
        };
        revoke::run(&self.ctx, store, &request, self.out)?;
        self.command("list --status revoked")?;
        list::run(
            &self.ctx,
            store,
            &ListArgs {
                status: Some(StatusFilter::Revoked),
                role: None,
                user: None,
                serial: None,
            },
            self.out,
        )?;

        self.set_clock(TOO_EARLY);
        self.heading(
            "hamako01 tries to register the new device on the holiday",
            "hamako01 が祝日に新しいパスワード生成機の登録を試みる",
        )?;
        let early_code = self.code(store, NEW_DEVICE)?;
        self.command(&format!(
            "register --user hamako01 --serial {NEW_DEVICE} --otp {early_code}"
        ))?;
        let early = register::run(
            &self.ctx,
            store,
            &RegisterArgs {
                user: "hamako01".into(),
                serial: NEW_DEVICE.into(),
                otp: Some(early_code),
            },
            self.out,
        );
        self.refusal(early)?;

        self.set_clock(OPENS_AT);
        self.heading(
            "At 08:10 on Tuesday the registration is accepted",
            "火曜日の8時10分、利用登録が受け付けられる",
        )?;
        let code = self.code(store, NEW_DEVICE)?;
        self.command(&format!(
            "register --user hamako01 --serial {NEW_DEVICE} --otp {code}"
        ))?;
        register::run(
            &self.ctx,
            store,
            &RegisterArgs {
                user: "hamako01".into(),
                serial: NEW_DEVICE.into(),
                otp: Some(code),
            },
            self.out,
        )?;

        self.heading(
            "The cron report of expiring devices",
            "有効期限が近いパスワード生成機の報告（cron 用）",
        )?;
        self.say(
            "taro01's own device still expires on 30 December: revoke it before then.",
            "taro01 自身の生成機も12月30日に有効期限を迎えます。期限前に失効してください。",
        )?;
        self.command("expiring --within 6w")?;
        expiring::run(
            &self.ctx,
            store,
            &ExpiringArgs {
                within: 6 * 7,
                exit_code: false,
                summary: false,
            },
            self.out,
        )?;

        self.heading(
            "The disposal note for the old device",
            "旧パスワード生成機の廃棄のご案内",
        )?;
        self.command(&format!("dispose-note {OLD_DEVICE}"))?;
        dispose_note::run(
            &self.ctx,
            store,
            &DisposeNoteArgs {
                serials: vec![OLD_DEVICE.into()],
                mark_disposed: false,
                all: false,
            },
            self.out,
        )?;

        self.expired_over_the_holidays(store)?;

        writeln!(self.out).map_err(write_error)?;
        self.say(
            "Done. The demo registry has been deleted. Try it for real: tokenctl --db my.db init --demo (master password \"tokenctl-demo\").",
            "以上です。デモ用のレジストリは削除しました。実際に試すには：tokenctl --db my.db init --demo（マスターの確認用パスワードは \"tokenctl-demo\"）。",
        )
    }

    /// The way out for a device that expired before it was revoked: the
    /// bank revokes it, the master records that revocation, and the user
    /// registers the new device once the rules allow.
    fn expired_over_the_holidays(&mut self, store: &mut Store) -> Result<()> {
        self.set_clock(AFTER_HOLIDAYS);
        self.heading(
            "After the New Year holidays, taro01's own device has expired",
            "年末年始の休業明け、taro01 自身のパスワード生成機の有効期限が切れている",
        )?;
        self.say(
            "Nobody revoked device 23456789 before it expired on 30 December, and the New Year holidays (31 December to 3 January) followed. Only the bank can revoke it now.",
            "パスワード生成機 23456789 は12月30日の有効期限までに失効されず、そのまま年末年始の休業（12月31日〜1月3日）に入りました。いまは銀行しか失効できません。",
        )?;
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
        let expired_code = self.code(store, MASTER_DEVICE)?;
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
        self.heading(
            "The bank revokes the device; taro01 records the bank's revocation",
            "銀行がパスワード生成機を失効し、taro01 が銀行による失効を記録",
        )?;
        self.say(
            "The bank revoked it at 20:40 on Monday 4 January, after the 20:30 cut-off, so taro01 may register again from 08:10 the next business morning. Recording it takes his password alone: his own device can no longer give a code.",
            "銀行は1月4日（月）20時40分に失効しました。20時30分以降のため、taro01 の利用登録は翌営業日の8時10分からとなります。自身の生成機はもうワンタイムパスワードを表示できないため、記録には確認用パスワードのみを使います。",
        )?;
        self.command(&format!(
            "revoke --as {DEMO_MASTER} {DEMO_MASTER} --bank-reference {BANK_REFERENCE} --revoked-at {BANK_REVOKED_AT} --password-file master.txt --yes"
        ))?;
        revoke::run(
            &self.ctx,
            store,
            &RevokeRequest {
                bank_reference: Some(BANK_REFERENCE.into()),
                revoked_at: Some(BANK_REVOKED_AT.into()),
                ..self.master_revokes_own_device()
            },
            self.out,
        )?;

        self.set_clock(NEXT_MORNING);
        self.heading(
            "At 08:10 the next morning taro01 registers the new device",
            "翌朝8時10分、taro01 が新しいパスワード生成機を利用登録",
        )?;
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
        }
    }
}
