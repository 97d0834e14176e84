//! The command line: every command and flag users script against. Global options are
//! accepted before or after the subcommand.
//!
//! Values people type are normalised here, at the edge: login IDs, serials,
//! codes and windows typed with an input method's full-width forms
//! (`６７０４３２`) are read as ASCII, so no command has to.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::output::{Format, Lang};
use crate::rules::inventory::DeviceState;
use crate::rules::status::{Role, Status};
use crate::text::{BadValue, DurationError, Encoding};

/// The end of `--help`: the exit codes (from `exit::EXIT_CODES`) and examples.
fn after_help() -> String {
    format!(
        "{}\n\n\
Examples:\n  tokenctl --db my.db init --demo\n  tokenctl list --status revoked\n  \
tokenctl revoke --as taro01 --expiring-within 30d --dry-run\n  \
tokenctl expiring --within 30d --exit-code\n\n\
`tokenctl man` prints the manual: the rules, the environment, the files.",
        crate::exit::help_text()
    )
}

#[derive(Debug, Parser)]
#[command(
    name = "tokenctl",
    version,
    about = "Administer the one-time-password devices of internet-banking users",
    long_about = "Administer the one-time-password devices of internet-banking users in a \
SQLite registry: list users and devices, revoke devices in bulk as a master user, register \
new devices, report devices nearing expiry, and note the disposal of old ones.\n\n\
TOKENCTL_NOW (an RFC 3339 instant) fixes the clock: for every command on a simulation \
registry (init --simulation, init --demo); on a live registry only for commands that change \
nothing (list, expiring, dispose-note without --mark-disposed, audit, check, notices, \
revoke --dry-run), and any other command refuses to run with it set.",
    after_help = after_help()
)]
pub struct Cli {
    /// The registry file [env: TOKENCTL_DB] [default: registry.db in the
    /// platform's data directory]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        value_hint = ValueHint::FilePath,
        help_heading = "Global options"
    )]
    pub(crate) db: Option<PathBuf>,

    /// The registry key file [env: TOKENCTL_KEY_FILE] [default: registry.key
    /// in the platform's config directory]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        value_hint = ValueHint::FilePath,
        help_heading = "Global options"
    )]
    pub(crate) key_file: Option<PathBuf>,

    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Table, help_heading = "Global options")]
    pub(crate) format: Format,

    /// Language of labels and messages [env: TOKENCTL_LANG] [default: from LC_ALL,
    /// LC_MESSAGES or LANG]
    #[arg(long, global = true, value_enum, help_heading = "Global options")]
    pub(crate) lang: Option<Lang>,

    /// With --format csv: CSV for Excel, UTF-8 with a byte-order mark and
    /// CRLF line ends (an error with any other format)
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) excel: bool,

    /// Draw tables at full width on a terminal too, instead of fitting
    /// them to its width (piped output is never cut)
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) wide: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create the registry (refuses to overwrite one)
    #[command(
        after_help = "Examples:\n  tokenctl --db my.db init --demo      # the sample organisation, a simulation\n  tokenctl init                        # a live registry and its key file\n  tokenctl init --simulation --format json"
    )]
    Init(InitArgs),
    /// Import users (CSV) or the bank's delivery of devices (CSV or PSKC)
    #[command(
        after_help = "Examples:\n  tokenctl import devices delivery.csv\n  tokenctl import users users.csv"
    )]
    #[command(subcommand)]
    Import(ImportCommand),
    /// Set a master user's confirmation password
    #[command(
        after_help = "Examples:\n  tokenctl passwd taro01             # the first password, asked twice\n  tokenctl passwd taro01 --password-stdin < new.txt\n  tokenctl passwd taro01 --password-file new --current-password-file old\n  tokenctl passwd taro01 --as jiro02 --otp 123456 --master-password-file pw"
    )]
    Passwd(PasswdArgs),
    /// List users with their device and OTP status
    #[command(
        after_help = "Examples:\n  tokenctl list\n  tokenctl list --status revoked --role general\n  tokenctl list --status revoked --waiting-over 7d\n  tokenctl list --status not_required --format json\n  tokenctl --lang ja list --format csv --excel > users.csv"
    )]
    List(ListArgs),
    /// Revoke the devices of one or many users, as a master user
    ///
    /// All or nothing: every target is checked before anything changes, and
    /// the master signs with their confirmation password and the current
    /// code of their own device. Targets are login IDs, a --targets-file, or
    /// every user whose device expires within --expiring-within.
    ///
    /// Interactive mode: on a terminal with no targets, tokenctl offers the
    /// users in service as a checkbox list, as the bank's screen does (with
    /// a filter when they do not fit); without --yes it shows what will be
    /// revoked and asks for confirmation; a missing password or code is
    /// asked for without echo. Without a terminal, each of these is an error
    /// (exit 2), never a wait.
    ///
    /// Bank revocations: a device past its expiry date cannot be revoked by
    /// the organisation; the bank revokes it. --bank-reference REF (with
    /// --revoked-at, when the bank did it) records that revocation, signed
    /// by the master's password (and code while their device can give one),
    /// so the user may register a new device.
    #[command(
        after_help = "Examples:\n  tokenctl revoke --as taro01       # on a terminal: choose, confirm, sign\n  tokenctl revoke --as taro01 hamako01 --password-file pw.txt --otp 123456\n  tokenctl revoke --as taro01 --expiring-within 30d --dry-run\n  tokenctl revoke --as taro01 --targets-file t.txt --password-file pw.txt --yes\n  tokenctl revoke --as taro01 taro01 --bank-reference BK-2027-0001   # expired"
    )]
    Revoke(RevokeArgs),
    /// Register a device for a user, with its serial and current code
    #[command(
        after_help = "Examples:\n  tokenctl register --user hamako01 --serial 56789012   # asks the code\n  tokenctl register --user hamako01 --serial 56789012 --otp 654321"
    )]
    Register(RegisterArgs),
    /// Report in-service devices expiring soon or already expired (for cron)
    #[command(
        after_help = "Examples:\n  tokenctl expiring --within 30d --exit-code   # cron: silent if none due\n  tokenctl expiring --within 4週 --format csv --excel > expiring.csv\n  tokenctl expiring --summary"
    )]
    Expiring(ExpiringArgs),
    /// Notices for users whose device was revoked and who have not
    /// registered a new one yet
    ///
    /// For each user of OTP whose device was revoked and who has not
    /// registered a new device: the login ID, the name, the revoked
    /// device's serial, when registration opens, and how many whole days
    /// the user could already have registered. The table is for reading,
    /// the CSV (one row per user) for a mail merge, and --out writes one
    /// letter per user, saying what to do.
    #[command(
        after_help = "Examples:\n  tokenctl notices\n  tokenctl --lang ja notices --format csv --excel > notices.csv\n  tokenctl --lang ja notices --out letters/\n  tokenctl list --status revoked --waiting-over 7d   # waiting too long"
    )]
    Notices(NoticesArgs),
    /// Disposal notice for devices out of use; optionally record disposal
    #[command(
        after_help = "Examples:\n  tokenctl dispose-note\n  tokenctl dispose-note 45678909 --mark-disposed\n  tokenctl dispose-note --mark-disposed --all --format json"
    )]
    DisposeNote(DisposeNoteArgs),
    /// Print the code a (simulated) device shows now or at --at
    #[command(
        after_help = "Examples:\n  tokenctl otp 56789012\n  tokenctl otp 56789012 --at 2026-11-24T08:10:00+09:00 --format json"
    )]
    Otp(OtpArgs),
    /// Every device the registry knows: state, holders, expiry, clock offset
    ///
    /// States: in-stock (delivered, never registered), in-service (held by
    /// at least one user), out-of-use (registered once, held by no one),
    /// expired (past its expiry date, held or not), lost (revoked by the
    /// bank as lost), disposed. The first that applies, in the order
    /// disposed, lost, expired, in-service, out-of-use, in-stock.
    #[command(
        after_help = "Examples:\n  tokenctl devices\n  tokenctl devices --state in-stock\n  tokenctl devices --expiring-within 60d --format csv --excel > devices.csv\n  tokenctl devices --serial 56789012 --format json"
    )]
    Devices(DevicesArgs),
    /// What happened to a user's devices, or to a device, in time order
    ///
    /// Delivered, registered, revoked (by whom; from when the user may
    /// register again), revoked by the bank (its reference),
    /// resynchronised, lost, marked disposed.
    #[command(
        after_help = "Examples:\n  tokenctl history --serial 45678909\n  tokenctl history --user hamako01 --format json"
    )]
    History(HistoryArgs),
    /// Find the devices that show CODE now (e.g. a device handed back)
    ///
    /// Each device's code of now, within one step either side of its learned
    /// clock offset, is compared with CODE; the serials of those that show
    /// it are printed (exit 6 when none does). Nothing is recorded and no
    /// code is used up.
    #[command(
        after_help = "Examples:\n  tokenctl identify --otp 123456\n  tokenctl identify --otp 123456 --state out-of-use"
    )]
    Identify(IdentifyArgs),
    /// Learn a device's clock error anew from two consecutive codes
    ///
    /// Devices' clocks drift over the years. tokenctl learns each device's
    /// offset from every code it accepts; when a device has drifted beyond
    /// that (a code fails and the message says the clock seems off),
    /// resync finds the two consecutive steps within 24 hours of the
    /// device's learned clock that show CODE1 then CODE2, sets the offset
    /// there and consumes both codes. A failure counts toward the lockout
    /// of the device's holder (or of the device itself when no one holds
    /// it: five lock it until `unlock --serial`).
    #[command(
        after_help = "Examples:\n  tokenctl resync 23456789                      # asks for two codes\n  tokenctl resync 23456789 --otp 123456 --otp 654321 --format json"
    )]
    Resync(ResyncArgs),
    /// Show the append-only audit log, newest first
    #[command(
        after_help = "Examples:\n  tokenctl audit --limit 20\n  tokenctl audit --action revoke --since 2026-11-01T00:00:00+09:00\n  tokenctl --lang ja audit --actor taro01"
    )]
    Audit(AuditArgs),
    /// Clear a login's lockout, signed by another master (or --recovery)
    #[command(
        after_help = "Examples:\n  tokenctl unlock hamako01 --as taro01 --otp 123456 --password-file pw\n  tokenctl unlock taro01 --recovery --yes --format json\n  tokenctl unlock --serial 56789012 --as taro01   # a device locked by failed resyncs"
    )]
    Unlock(UnlockArgs),
    /// Verify the registry: SQLite's checks, invariants, every row and mark, secrets, audit chain, witness
    #[command(
        after_help = "Examples:\n  tokenctl check\n  tokenctl check --expect-head HEX   # the head an earlier check printed\n  tokenctl check --quick   # nightly: quick_check, every check of tokenctl's own\n  tokenctl check --format json"
    )]
    Check(CheckArgs),
    /// Copy the registry (consistent while others write), verified; the key is not in it
    #[command(
        after_help = "Examples:\n  tokenctl backup /backups/registry-2026-12-04.db\n  tokenctl backup copy.db --format json\n  tokenctl --db copy.db check --backup   # verify a copy later, on its own"
    )]
    Backup(BackupArgs),
    /// Put back a verified backup of this registry (the replaced file is kept)
    #[command(
        after_help = "Examples:\n  tokenctl restore /backups/registry-2026-12-04.db\n  tokenctl restore copy.db --yes   # without a terminal"
    )]
    Restore(RestoreArgs),
    /// Rotate the registry key: re-seal every secret and re-MAC every row under a new key file
    #[command(
        after_help = "Examples:\n  tokenctl rekey --new-key-file ~/.config/tokenctl/registry-2027.key\n  tokenctl --key-file old.key rekey --new-key-file new.key --format json"
    )]
    Rekey(RekeyArgs),
    /// Print shell completions
    #[command(
        after_help = "Examples:\n  tokenctl completions bash > /etc/bash_completion.d/tokenctl\n  tokenctl completions zsh > ~/.zfunc/_tokenctl\n  tokenctl completions fish > ~/.config/fish/completions/tokenctl.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    #[command(after_help = "Examples:\n  tokenctl man > tokenctl.1 && man ./tokenctl.1")]
    Man,
    /// Walk through the whole procedure on a throw-away registry
    #[command(after_help = "Examples:\n  tokenctl demo\n  tokenctl --lang ja demo")]
    Demo,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Load the sample organisation of the procedure (implies --simulation)
    #[arg(long)]
    pub(crate) demo: bool,
    /// Mark the registry as a simulation: TOKENCTL_NOW governs every
    /// command and `otp` shows codes (training, tests, what-if)
    #[arg(long)]
    pub(crate) simulation: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// CSV login_id,name,role,otp_required[,serial]
    #[command(
        after_help = "Examples:\n  tokenctl import users users.csv\n  tokenctl import users excel.csv --encoding cp932\n  tokenctl import users --update users.csv --format json\n  cat users.csv | tokenctl import users -"
    )]
    Users {
        /// The CSV file, or - for stdin
        #[arg(value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// The file's encoding: auto reads UTF-8, else Shift_JIS (CP932)
        #[arg(long, value_enum, default_value_t = Encoding::Auto)]
        encoding: Encoding,
        /// Update users already in the registry (name, role, otp_required)
        /// and add the others; a row may not change a user's device
        #[arg(long)]
        update: bool,
    },
    /// The bank's delivery: CSV serial,secret,expires[,digits,period,algorithm],
    /// or a PSKC key container (RFC 6030, recognised by its content)
    #[command(
        after_help = "Examples:\n  tokenctl import devices delivery.csv\n  tokenctl import devices d.pskcxml --pskc-key-file delivery.key\n  tokenctl import devices d.pskcxml --pskc-passphrase-file pass.txt"
    )]
    Devices {
        /// The CSV file or PSKC container, or - for stdin
        #[arg(value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// The file's encoding: auto reads UTF-8, else Shift_JIS (CP932)
        #[arg(long, value_enum, default_value_t = Encoding::Auto)]
        encoding: Encoding,
        /// PSKC: a file holding the pre-shared AES key (hex) the container's
        /// secrets are encrypted with
        #[arg(
            long,
            value_name = "F",
            value_hint = ValueHint::FilePath,
            conflicts_with = "pskc_passphrase_file"
        )]
        pskc_key_file: Option<PathBuf>,
        /// PSKC: a file holding the passphrase the container's key is derived
        /// from (PBKDF2); one trailing newline is ignored
        #[arg(long, value_name = "F", value_hint = ValueHint::FilePath)]
        pskc_passphrase_file: Option<PathBuf>,
        /// PSKC: the expiry date of keys for which the container gives none
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
        expires: Option<NaiveDate>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct PasswordArgs {
    /// Read the password from stdin
    #[arg(long)]
    pub(crate) password_stdin: bool,
    /// Read the password from a file
    #[arg(
        long,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        conflicts_with = "password_stdin"
    )]
    pub(crate) password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PasswdArgs {
    /// The master user whose confirmation password to set
    #[arg(value_parser = typed)]
    pub(crate) login_id: String,
    #[command(flatten)]
    pub(crate) password: PasswordArgs,
    /// Read the current password from a file (to change an existing one)
    #[arg(long, value_name = "F", value_hint = ValueHint::FilePath, conflicts_with = "master")]
    pub(crate) current_password_file: Option<PathBuf>,
    /// Another master who signs the change with their password and code
    #[arg(long = "as", value_name = "MASTER")]
    pub(crate) master: Option<String>,
    /// The current code of the signing master's device (with --as)
    #[arg(long, value_name = "CODE", requires = "master")]
    pub(crate) otp: Option<String>,
    /// Read the signing master's password from a file (with --as)
    #[arg(long, value_name = "F", value_hint = ValueHint::FilePath, requires = "master")]
    pub(crate) master_password_file: Option<PathBuf>,
}

/// The OTP status to list. Each status is accepted as the table says it,
/// as JSON and CSV spell it (`not_required`), and as a flag value would
/// (`not-required`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatusFilter {
    /// A device is registered (shown as "in service")
    #[value(
        alias = "in-service",
        alias = "in_service",
        alias = "in service",
        alias = "サービス利用中"
    )]
    Active,
    /// No device; a registration is due (shown as "revoked", or "not
    /// registered" for a user who never had one)
    #[value(
        alias = "失効中",
        alias = "not registered",
        alias = "not-registered",
        alias = "未登録"
    )]
    Revoked,
    /// The user does not use one-time passwords (shown as "not required")
    #[value(alias = "not_required", alias = "not required", alias = "利用しない")]
    NotRequired,
}

impl From<StatusFilter> for Status {
    fn from(s: StatusFilter) -> Status {
        match s {
            StatusFilter::Active => Status::Active,
            StatusFilter::Revoked => Status::Revoked,
            StatusFilter::NotRequired => Status::NotRequired,
        }
    }
}

/// The role to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RoleFilter {
    Master,
    General,
}

impl From<RoleFilter> for Role {
    fn from(r: RoleFilter) -> Role {
        match r {
            RoleFilter::Master => Role::Master,
            RoleFilter::General => Role::General,
        }
    }
}

#[derive(Debug, Default, Args)]
pub(crate) struct ListArgs {
    /// Only users with this OTP status
    #[arg(long, value_enum)]
    pub(crate) status: Option<StatusFilter>,
    /// Only users with this role
    #[arg(long, value_enum, value_name = "R")]
    pub(crate) role: Option<RoleFilter>,
    /// Only this login ID
    #[arg(long, value_name = "ID", value_parser = typed)]
    pub(crate) user: Option<String>,
    /// Only users of this device
    #[arg(long, value_name = "S", value_parser = typed)]
    pub(crate) serial: Option<String>,
    /// With --status revoked: only users who could have registered a new
    /// device for longer than this and have not (7d, 1w, 7日, 1週)
    #[arg(long, value_name = "DUR", value_parser = window)]
    pub(crate) waiting_over: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct NoticesArgs {
    /// Write one plain-text letter per user to DIR/LOGIN_ID.txt, in the
    /// chosen language (DIR is created 0700; no existing letter is ever
    /// overwritten: then nothing is written)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// The master user performing the revocation
    #[arg(long = "as", value_name = "MASTER", value_parser = typed)]
    pub(crate) master: String,
    /// Login IDs to revoke
    #[arg(value_name = "LOGIN_ID", value_parser = typed)]
    pub(crate) targets: Vec<String>,
    /// Login IDs, one per line (# comments allowed); - for stdin
    #[arg(long, value_name = "F", value_hint = ValueHint::FilePath)]
    pub(crate) targets_file: Option<String>,
    /// The targets file's encoding: auto reads UTF-8, else Shift_JIS (CP932)
    #[arg(long, value_enum, default_value_t = Encoding::Auto)]
    pub(crate) encoding: Encoding,
    /// Every user whose in-service device expires within this window
    /// (30d, 4w, 3mo, 30日, 4週, 4週間, 1か月)
    #[arg(long, value_name = "DUR", value_parser = window)]
    pub(crate) expiring_within: Option<u32>,
    /// The current code of the master's device (prompted on a TTY when missing)
    #[arg(long, value_name = "CODE", value_parser = typed)]
    pub(crate) otp: Option<String>,
    #[command(flatten)]
    pub(crate) password: PasswordArgs,
    /// Show what would be revoked; needs no credentials and changes nothing
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Do not ask for confirmation
    #[arg(long)]
    pub(crate) yes: bool,
    /// Record a revocation the bank carried out, with the bank's reference
    #[arg(long, value_name = "REF")]
    pub(crate) bank_reference: Option<String>,
    /// With --bank-reference: the device was lost; it is recorded as lost
    /// and never offered for disposal (every holder must be revoked)
    #[arg(long, requires = "bank_reference")]
    pub(crate) lost: bool,
    /// When the bank revoked (RFC 3339; default now; never in the future)
    #[arg(long, value_name = "RFC3339", requires = "bank_reference", value_parser = instant)]
    pub(crate) revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// The user registering the device (each user registers for themselves)
    #[arg(long, value_name = "LOGIN_ID", value_parser = typed)]
    pub(crate) user: String,
    /// The serial number printed on the new device
    #[arg(long, value_name = "SERIAL", value_parser = typed)]
    pub(crate) serial: String,
    /// The code the device shows now (prompted on a TTY when missing)
    #[arg(long, value_name = "CODE", value_parser = typed)]
    pub(crate) otp: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ExpiringArgs {
    /// The window: 30d, 4w, 3mo, 30日, 4週, 4週間 or 1か月
    #[arg(long, default_value = "30d", value_name = "DUR", value_parser = window)]
    pub(crate) within: u32,
    /// Exit 10 when any device is reported
    #[arg(long)]
    pub(crate) exit_code: bool,
    /// Devices in service expiring per month, for the next 12 months (from
    /// the current month in Japan), and those already expired
    #[arg(long, conflicts_with_all = ["within", "exit_code"])]
    pub(crate) summary: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DisposeNoteArgs {
    /// Serial numbers (default: every device out of use and not disposed)
    #[arg(value_parser = typed)]
    pub(crate) serials: Vec<String>,
    /// Record the disposal of the devices listed
    #[arg(long)]
    pub(crate) mark_disposed: bool,
    /// With --mark-disposed and no serials: every device out of use
    #[arg(long, requires = "mark_disposed")]
    pub(crate) all: bool,
}

#[derive(Debug, Args)]
pub(crate) struct OtpArgs {
    /// The device's serial number
    #[arg(value_parser = typed)]
    pub(crate) serial: String,
    /// The instant to compute the code for (RFC 3339)
    #[arg(long, value_name = "RFC3339", value_parser = instant)]
    pub(crate) at: Option<DateTime<Utc>>,
    /// The code the device shows when its clock is off by this much
    /// (+95s, -3m, +1h): a drifted device, for training and tests
    #[arg(long, value_name = "DURATION", value_parser = clock_offset, allow_hyphen_values = true)]
    pub(crate) clock_offset: Option<i64>,
}

/// A device state to select (`devices`, `identify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StateFilter {
    InStock,
    InService,
    OutOfUse,
    Disposed,
    Lost,
    Expired,
}

impl From<StateFilter> for DeviceState {
    fn from(s: StateFilter) -> DeviceState {
        match s {
            StateFilter::InStock => DeviceState::InStock,
            StateFilter::InService => DeviceState::InService,
            StateFilter::OutOfUse => DeviceState::OutOfUse,
            StateFilter::Disposed => DeviceState::Disposed,
            StateFilter::Lost => DeviceState::Lost,
            StateFilter::Expired => DeviceState::Expired,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct DevicesArgs {
    /// Only devices in this state
    #[arg(long, value_enum, value_name = "STATE")]
    pub(crate) state: Option<StateFilter>,
    /// Only devices not yet expired whose expiry date falls within this
    /// window (30d, 4w, 30日, 4週, 1か月)
    #[arg(long, value_name = "DUR", value_parser = window)]
    pub(crate) expiring_within: Option<u32>,
    /// Only this device
    #[arg(long, value_name = "S", value_parser = typed)]
    pub(crate) serial: Option<String>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct HistoryArgs {
    /// The history of this user's devices
    #[arg(long, value_name = "LOGIN_ID", value_parser = typed)]
    pub(crate) user: Option<String>,
    /// The history of this device
    #[arg(long, value_name = "SERIAL", value_parser = typed)]
    pub(crate) serial: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct IdentifyArgs {
    /// The code the device in hand shows now
    #[arg(long, value_name = "CODE", value_parser = typed)]
    pub(crate) otp: String,
    /// Only devices in this state
    #[arg(long, value_enum, value_name = "STATE")]
    pub(crate) state: Option<StateFilter>,
}

#[derive(Debug, Args)]
pub(crate) struct ResyncArgs {
    /// The device's serial number
    #[arg(value_parser = typed)]
    pub(crate) serial: String,
    /// Two consecutive codes the device shows, in order: --otp CODE1 --otp
    /// CODE2 (prompted on a TTY when missing)
    #[arg(long, value_name = "CODE", value_parser = typed, num_args = 1, action = clap::ArgAction::Append)]
    pub(crate) otp: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Show at most N rows
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<u64>,
    /// Only rows of this action (e.g. revoke, register, unlock)
    #[arg(long, value_name = "ACTION")]
    pub(crate) action: Option<String>,
    /// Only rows of this actor (a login ID, or os:ACCOUNT)
    #[arg(long, value_name = "ACTOR")]
    pub(crate) actor: Option<String>,
    /// Only rows acting at or after this instant (RFC 3339)
    #[arg(long, value_name = "RFC3339", value_parser = instant)]
    pub(crate) since: Option<DateTime<Utc>>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Also require this audit head (hex), recorded earlier, to be in the chain
    #[arg(long, value_name = "HEX")]
    pub(crate) expect_head: Option<String>,
    /// The registry is a backup: its witness may be ahead of it (not diverged)
    #[arg(long)]
    pub(crate) backup: bool,
    /// SQLite's quick_check, not integrity_check: indexes are not compared with their tables; tokenctl's own checks all run
    #[arg(long)]
    pub(crate) quick: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// Where to write the copy (never over an existing file)
    #[arg(value_name = "DEST")]
    pub(crate) dest: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RekeyArgs {
    /// Where to write the new key file (0600; never over an existing file)
    #[arg(long, value_name = "PATH")]
    pub(crate) new_key_file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup to put back (made by `tokenctl backup` of this registry)
    #[arg(value_name = "SRC")]
    pub(crate) src: std::path::PathBuf,
    /// Do not ask for confirmation (needed without a terminal)
    #[arg(long)]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct UnlockArgs {
    /// The locked login
    #[arg(value_parser = typed, required_unless_present = "serial", conflicts_with = "serial")]
    pub(crate) login_id: Option<String>,
    /// A device locked after five failed resynchronisations while no one
    /// held it (instead of a login)
    #[arg(long, value_name = "S", value_parser = typed)]
    pub(crate) serial: Option<String>,
    /// The master who signs the unlock with their password and code
    #[arg(
        long = "as",
        value_name = "MASTER",
        required_unless_present = "recovery"
    )]
    pub(crate) master: Option<String>,
    /// The current code of the signing master's device
    #[arg(long, value_name = "CODE", requires = "master")]
    pub(crate) otp: Option<String>,
    #[command(flatten)]
    pub(crate) password: PasswordArgs,
    /// The way out when no master can sign: needs the key file and a
    /// confirmation; audited as a recovery
    #[arg(long, conflicts_with = "master")]
    pub(crate) recovery: bool,
    /// Do not ask for confirmation (with --recovery)
    #[arg(long, requires = "recovery")]
    pub(crate) yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// A login ID, serial or code as typed: full-width forms read as ASCII,
/// surrounding spaces dropped.
fn typed(text: &str) -> Result<String, std::convert::Infallible> {
    Ok(crate::text::typed(text))
}

/// An instant such as `2026-11-24T08:10:00+09:00`.
fn instant(text: &str) -> Result<DateTime<Utc>, BadValue> {
    crate::time::parse_instant(text).map_err(|_| {
        BadValue(crate::catalogue::Msg::NotAnInstant {
            quoted: crate::text::quote_field(text),
        })
    })
}

/// A calendar date written `YYYY-MM-DD`.
fn date(text: &str) -> Result<NaiveDate, BadValue> {
    crate::time::parse_date(&crate::input::typed(text)).ok_or_else(|| {
        BadValue(crate::catalogue::Msg::NotADate {
            quoted: crate::text::quote_field(text),
        })
    })
}

/// A clock offset in seconds: a sign, a number and a unit (`s`, `m`, `h`).
fn clock_offset(text: &str) -> Result<i64, BadValue> {
    crate::text::parse_clock_offset(text).ok_or_else(|| {
        BadValue(crate::catalogue::Msg::NotAClockOffset {
            quoted: crate::text::quote_field(text),
        })
    })
}

/// A report window, in days. A window in months counts from today in
/// Japan: the fixed clock's today when `TOKENCTL_NOW` is set (every
/// command that honours it; one that does not refuses to run), else the
/// real one.
fn window(text: &str) -> Result<u32, DurationError> {
    let now = crate::clock::Clock::from_env().map_or_else(|_| Utc::now(), |c| c.now());
    crate::text::parse_window_on(text, Some(crate::time::japan_date(now)))
}
