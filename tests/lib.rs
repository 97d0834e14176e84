//! The integration tests: one binary that runs the real `tokenctl` against a
//! registry in a temp dir and asserts stdout, stderr and exit status.
//! `common` holds the small builder every module uses; `holidays` checks
//! the library's business calendar against a committed fixture instead.

mod common;

mod admin;
mod completions;
mod dispose;
mod expiring;
mod holidays;
mod import;
mod init;
mod interactive;
mod lang;
mod list;
mod otp;
mod pskc;
mod register;
mod revoke;
mod text;
mod trust;
