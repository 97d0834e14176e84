//! The integration tests: one binary that runs the real `tokenctl` against a
//! registry in a temp dir and asserts stdout, stderr and exit status.
//! `common` holds the small builder every module uses.

mod common;

mod admin;
mod completions;
mod dispose;
mod expiring;
mod import;
mod init;
mod interactive;
mod list;
mod otp;
mod register;
mod revoke;
mod text;
