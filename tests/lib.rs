//! The integration tests: one binary that runs the real `tokenctl` against a
//! registry in a temp dir and asserts stdout, stderr and exit status.
//! `common` holds the small builder every module uses.

mod common;

mod admin;
mod completions;
mod import;
mod init;
mod list;
mod otp;
mod dispose;
mod expiring;
mod interactive;
mod register;
mod revoke;
