//! `init [--demo]`: create a registry, optionally with the sample
//! organisation of `fixtures/` (embedded in the binary).

use std::io::Write;
use std::path::Path;

use crate::Context;
use crate::cli::InitArgs;
use crate::cmd::import::{Kind, import};
use crate::cmd::{admin_actor, record};
use crate::error::Result;
use crate::output::write_error;
use crate::password;
use crate::store::Store;
use crate::store::users::{find_user, set_password_hash};

pub const DEMO_USERS: &str = include_str!("../../fixtures/users.csv");
pub const DEMO_DEVICES: &str = include_str!("../../fixtures/devices.csv");
pub const DEMO_DELIVERY: &str = include_str!("../../fixtures/delivery.csv");
/// The demo master's confirmation password (documented in the README).
pub const DEMO_MASTER: &str = "taro01";
pub const DEMO_PASSWORD: &str = "tokenctl-demo";

pub fn run(ctx: &Context, path: &Path, args: &InitArgs, out: &mut dyn Write) -> Result<()> {
    let mut new = Store::create(path)?;
    new.store.transaction(|tx| {
        record(
            ctx,
            tx,
            &admin_actor(),
            "init",
            &[],
            "ok",
            format!("created {}", path.display()),
        )?;
        if args.demo {
            load_demo(ctx, tx)?;
        }
        Ok(())
    })?;
    new.persist()?;
    let lang = ctx.out.lang;
    writeln!(
        out,
        "{}",
        lang.pick(
            &format!("Created registry {}", path.display()),
            &format!("レジストリを作成しました: {}", path.display())
        )
    )
    .map_err(write_error)?;
    if args.demo {
        writeln!(
            out,
            "{}",
            lang.pick(
                &format!("Loaded the sample organisation: 4 users, 6 devices. Master {DEMO_MASTER}'s confirmation password is {DEMO_PASSWORD:?}."),
                &format!("サンプルの団体を読み込みました（利用者4名、パスワード生成機6台）。マスターユーザ {DEMO_MASTER} の確認用パスワードは {DEMO_PASSWORD:?} です。")
            )
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// Loads the embedded sample organisation through the ordinary importer.
pub fn load_demo(ctx: &Context, conn: &rusqlite::Connection) -> Result<()> {
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
