//! `init [--demo]`: create a registry, optionally with the sample
//! organisation of `fixtures/` (embedded in the binary).

use std::io::Write;
use std::path::Path;

use crate::cli::InitArgs;
use crate::cmd::import::{Kind, import};
use crate::cmd::{admin_actor, record};
use crate::context::Context;
use crate::store::audit::{Action, Outcome};

use crate::catalogue::Msg;
use crate::crypto::key::KeyFile;
use crate::crypto::password;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::record::{Column, Record, Value, write_record_or_prose};
use crate::store::users::{find_user, set_password_hash};
use crate::store::{Mode, Store, Tx};

pub(crate) const DEMO_USERS: &str = include_str!("../../fixtures/users.csv");
pub(crate) const DEMO_DEVICES: &str = include_str!("../../fixtures/devices.csv");
pub(crate) const DEMO_DELIVERY: &str = include_str!("../../fixtures/delivery.csv");
/// The demo master's confirmation password (documented in the README).
pub(crate) const DEMO_MASTER: &str = "taro01";
pub(crate) const DEMO_PASSWORD: &str = "tokenctl-demo";

pub(crate) fn run(
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
    // Before the key file: a refused init creates nothing.
    crate::store::netfs::refuse_new(path)?;
    let (key, key_created) = KeyFile::load_or_create(key_path)?;
    let fingerprint = key.fingerprint().to_string();
    let created = create(ctx, path, key, mode, args, &fingerprint);
    if created.is_err() && key_created {
        // A key file without its registry helps nobody.
        let _ = std::fs::remove_file(key_path);
        let _ = std::fs::remove_file(crate::store::witness::path_for(key_path));
    }
    created?;
    let report = Created {
        path: path.display().to_string(),
        mode: mode.as_str(),
        key_file: key_path.display().to_string(),
        key_created,
        key_fingerprint: fingerprint,
        demo: args.demo,
    };
    write_record_or_prose(&ctx.out, out, &report, prose)
}

/// Builds the registry under a temporary name and moves it into place.
fn create(
    ctx: &Context,
    path: &Path,
    key: KeyFile,
    mode: Mode,
    args: &InitArgs,
    fingerprint: &str,
) -> Result<()> {
    let mut new = Store::create(path, key, mode)?;
    new.store.write(|tx| {
        record(
            ctx,
            tx,
            &admin_actor(),
            Action::Init,
            &[],
            Outcome::Ok,
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
    new.persist()
}

/// What `init` reports: the registry made and its key file.
struct Created {
    path: String,
    /// `live` or `simulation`.
    mode: &'static str,
    key_file: String,
    /// The key file was created now (else an existing one is used).
    key_created: bool,
    key_fingerprint: String,
    demo: bool,
}

impl Record for Created {
    fn columns() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::data("path"),
            Column::data("mode"),
            Column::data("key_file"),
            Column::data("key_created"),
            Column::data("key_fingerprint"),
            Column::data("demo"),
        ];
        COLUMNS
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.path),
            Value::Text(self.mode),
            Value::Text(&self.key_file),
            Value::Bool(self.key_created),
            Value::Text(&self.key_fingerprint),
            Value::Bool(self.demo),
        ]
    }
}

/// What `init` says on a terminal: the registry, its key, the demo's master.
fn prose(o: &Output, r: &Created) -> Vec<String> {
    let created = if r.mode == Mode::Live.as_str() {
        Msg::CreatedLive {
            path: r.path.clone(),
        }
    } else {
        Msg::CreatedSimulation {
            path: r.path.clone(),
        }
    };
    let (path, fingerprint) = (r.key_file.clone(), r.key_fingerprint.clone());
    let key = if r.key_created {
        Msg::KeyCreated { path, fingerprint }
    } else {
        Msg::KeyReused { path, fingerprint }
    };
    let mut lines = vec![o.t(created), o.t(key)];
    if r.demo {
        lines.push(o.t(Msg::DemoLoaded {
            master: DEMO_MASTER.to_string(),
            password: DEMO_PASSWORD.to_string(),
        }));
    }
    lines
}

/// Loads the embedded sample organisation through the ordinary importer.
pub(crate) fn load_demo(ctx: &Context, conn: &Tx<'_>) -> Result<()> {
    let now = ctx.clock.now();
    import(
        conn,
        Kind::Devices,
        DEMO_DEVICES.as_bytes(),
        "fixtures/devices.csv",
        0,
        now,
        ctx.out.lang,
    )?;
    import(
        conn,
        Kind::Devices,
        DEMO_DELIVERY.as_bytes(),
        "fixtures/delivery.csv",
        0,
        now,
        ctx.out.lang,
    )?;
    import(
        conn,
        Kind::Users,
        DEMO_USERS.as_bytes(),
        "fixtures/users.csv",
        0,
        now,
        ctx.out.lang,
    )?;
    let master = find_user(conn, DEMO_MASTER)?.expect("the fixtures name the demo master");
    set_password_hash(conn, master.id, &password::hash(DEMO_PASSWORD)?)?;
    record(
        ctx,
        conn,
        &admin_actor(),
        Action::InitDemo,
        &[],
        Outcome::Ok,
        "loaded the sample organisation from fixtures/".to_string(),
    )
}
