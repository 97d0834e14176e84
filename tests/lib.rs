//! The integration tests: one binary that runs the real `tokenctl` against a
//! registry in a temp dir and asserts stdout, stderr and exit status.
//! `common` holds the builders every module uses; `snapshot` pins what
//! people read (tables, help, man page, errors) in `tests/snapshots/`;
//! `holidays` checks the library's business calendar against a committed
//! fixture; `races` runs two commands at once, forcing the overlap by
//! holding the write lock while both wait for it.

mod common;

mod admin;
mod architecture;
mod completions;
mod devices;
mod dispose;
mod expiring;
mod holidays;
mod import;
mod init;
mod interactive;
mod lang;
mod list;
mod notices;
mod operations;
mod otp;
mod pskc;
mod races;
mod register;
mod resync;
mod revoke;
mod snapshot;
mod tampering;
mod terminal;
mod text;
mod trust;
mod upgrade;
