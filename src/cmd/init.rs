//! `init [--demo]`: create a registry, optionally with the sample
//! organisation of `fixtures/` (embedded in the binary).

use std::io::Write;
use std::path::Path;

use crate::Context;
use crate::cli::InitArgs;
use crate::cmd::import::{Kind, import};
use crate::cmd::{admin_actor, record};
use crate::error::{Error, Result};
use crate::key::RegistryKey;
use crate::password;
use crate::store::users::{find_user, set_password_hash};
use crate::store::{Mode, Store, Tx};

pub const DEMO_USERS: &str = include_str!("../../fixtures/users.csv");
pub const DEMO_DEVICES: &str = include_str!("../../fixtures/devices.csv");
pub const DEMO_DELIVERY: &str = include_str!("../../fixtures/delivery.csv");
/// The demo master's confirmation password (documented in the README).
pub const DEMO_MASTER: &str = "taro01";
pub const DEMO_PASSWORD: &str = "tokenctl-demo";

pub fn run(
    ctx: &Context,
    path: &Path,
    key_path: &Path,
    args: &InitArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let mode = if args.simulation || args.demo {
        Mode::Simulation
    } else {
        Mode::Live
    };
    if mode == Mode::Live && ctx.clock.is_fixed() {
        return Err(Error::FixedClockOnLive);
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let (key, key_created) = RegistryKey::load_or_create(key_path)?;
    let fingerprint = key.fingerprint().to_string();
    let mut new = Store::create(path, key, mode)?;
    new.store.write(|tx| {
        record(
            ctx,
            tx,
            &admin_actor(),
            "init",
            &[],
            "ok",
            format!(
                "created a {} registry {} under key {fingerprint}",
                mode.as_str(),
                path.display()
            ),
        )?;
        if args.demo {
            load_demo(ctx, tx)?;
        }
        Ok(())
    })?;
    new.persist()?;
    let lang = ctx.out.lang;
    let kind = match (mode, lang) {
        (Mode::Live, crate::output::Lang::En) => "live: the real clock only",
        (Mode::Simulation, crate::output::Lang::En) => "simulation: TOKENCTL_NOW may set its clock",
        (Mode::Live, crate::output::Lang::Ja) => "本番用：実時刻のみ",
        (Mode::Simulation, crate::output::Lang::Ja) => {
            "シミュレーション用：TOKENCTL_NOW で時刻を設定可能"
        }
    };
    writeln!(
        out,
        "{}",
        lang.pick(
            &format!("Created registry {} ({kind})", path.display()),
            &format!("レジストリを作成しました: {}（{kind}）", path.display())
        )
    )?;
    let key_line = match (key_created, lang) {
        (true, crate::output::Lang::En) => format!(
            "Created the key file {} (fingerprint {fingerprint}). Back it up apart from the registry: without it the device secrets cannot be used.",
            key_path.display()
        ),
        (false, crate::output::Lang::En) => format!(
            "Secrets are sealed under the existing key file {} (fingerprint {fingerprint}).",
            key_path.display()
        ),
        (true, crate::output::Lang::Ja) => format!(
            "鍵ファイル {} を作成しました（フィンガープリント {fingerprint}）。レジストリとは別にバックアップしてください。鍵がなければパスワード生成機の秘密鍵は使えません。",
            key_path.display()
        ),
        (false, crate::output::Lang::Ja) => format!(
            "秘密鍵は既存の鍵ファイル {} で暗号化されます（フィンガープリント {fingerprint}）。",
            key_path.display()
        ),
    };
    writeln!(out, "{key_line}")?;
    if args.demo {
        writeln!(
            out,
            "{}",
            lang.pick(
                &format!("Loaded the sample organisation: 4 users, 6 devices. Master {DEMO_MASTER}'s confirmation password is {DEMO_PASSWORD:?}."),
                &format!("サンプルの団体を読み込みました（利用者4名、パスワード生成機6台）。マスターユーザ {DEMO_MASTER} の確認用パスワードは {DEMO_PASSWORD:?} です。")
            )
        )?;
    }
    Ok(())
}

/// Loads the embedded sample organisation through the ordinary importer.
pub fn load_demo(ctx: &Context, conn: &Tx<'_>) -> Result<()> {
    let now = ctx.clock.now().timestamp();
    import(
        conn,
        Kind::Devices,
        DEMO_DEVICES.as_bytes(),
        "fixtures/devices.csv",
        0,
        now,
    )?;
    import(
        conn,
        Kind::Devices,
        DEMO_DELIVERY.as_bytes(),
        "fixtures/delivery.csv",
        0,
        now,
    )?;
    import(
        conn,
        Kind::Users,
        DEMO_USERS.as_bytes(),
        "fixtures/users.csv",
        0,
        now,
    )?;
    let master = find_user(conn, DEMO_MASTER)?.expect("the fixtures name the demo master");
    set_password_hash(conn, master.id, &password::hash(DEMO_PASSWORD)?)?;
    record(
        ctx,
        conn,
        &admin_actor(),
        "init-demo",
        &[],
        "ok",
        "loaded the sample organisation from fixtures/".to_string(),
    )
}
