//! The message catalogue: every sentence, label, prompt and note tokenctl
//! shows a person, in English and Japanese, side by side in one place.
//!
//! Each message is a variant of `Msg` carrying the values it mentions, with
//! its English and its Japanese text written next to each other. The
//! `catalogue!` macro makes one `match` per language out of them, so a
//! message without either language does not compile, and a message cannot
//! name a value it was not given. Counts are worded here too (`1 device`,
//! `2 devices`; Japanese counts with 件, 名, 台 and needs no plural).
//!
//! Why not an i18n crate: `rust-i18n` and `fluent-bundle` both build here,
//! but both look messages up by string key at run time and take their
//! arguments untyped, so a missing translation or a misspelt argument shows
//! up as a raw key on a user's screen, not as a build error. Instants,
//! dates and waits are formatted by `output` in either case.
//!
//! What is not here, on purpose: JSON keys and CSV headers (never
//! translated, scripts rely on them; JSON that carries a sentence, such as
//! `check`'s `findings[].detail`, takes an entry's English side); clap's `--help` texts and its own
//! argument errors (English; the man page is generated from them); audit
//! details, which are recorded in English as part of the chained log and
//! shown as recorded.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::lang::{self, Lang};

/// The algorithm URI of a TOTP key in a PSKC container (RFC 6030), named in
/// the refusal of any other; the PSKC reader checks against the same text.
pub(crate) const TOTP_URI: &str = "urn:ietf:params:xml:ns:keyprov:pskc:totp";
use crate::input::Quoted;

/// The text of one language's side of an entry: a string literal is a
/// `format!` string over the entry's fields; a block computes the text.
macro_rules! text {
    ($lit:literal) => {
        format!($lit)
    };
    ({ $($body:tt)* }) => {
        { $($body)* }
    };
}

/// Builds `Msg` from entries `Name { field: Type, … } => en: …, ja: …;`.
macro_rules! catalogue {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident : $ty:ty),* $(,)? })?
            => en: $en:tt, ja: $ja:tt;
    )*) => {
        /// One message of the catalogue, with the values it mentions.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Msg {
            $( $(#[$doc])* $name $({ $($field: $ty),* })?, )*
        }

        impl Msg {
            /// The message in English.
            #[allow(unused_variables, clippy::useless_format)]
            pub(crate) fn en(&self) -> String {
                match self {
                    $( Msg::$name $({ $($field),* })? => text!($en), )*
                }
            }

            /// The message in Japanese.
            #[allow(unused_variables, clippy::useless_format)]
            pub(crate) fn ja(&self) -> String {
                match self {
                    $( Msg::$name $({ $($field),* })? => text!($ja), )*
                }
            }

            /// Every entry's name, in the catalogue's order.
            #[cfg(test)]
            pub(crate) const KEYS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The entry's name.
            #[cfg(test)]
            pub(crate) fn key(&self) -> &'static str {
                match self {
                    $( Msg::$name { .. } => stringify!($name), )*
                }
            }

            /// One message of every entry, with sample values: what the
            /// completeness tests read.
            #[cfg(test)]
            pub(crate) fn samples() -> Vec<Msg> {
                vec![$( Msg::$name $({ $($field: Sample::sample()),* })?, )*]
            }
        }
    };
}

impl Msg {
    /// Why a verification failed, without the count of tries left that
    /// follows it (`Tried`); any other message as it is.
    #[cfg(test)]
    pub(crate) fn without_tries(&self) -> &Msg {
        match self {
            Msg::Tried { reason, .. } => reason,
            other => other,
        }
    }

    /// The message in `lang`.
    pub(crate) fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Ja => self.ja(),
        }
    }
}

/// A value for every type an entry's field may have, for `Msg::samples`.
/// Text samples are `〇`, which no check for English words can mistake for
/// a word.
#[cfg(test)]
pub(crate) trait Sample {
    fn sample() -> Self;
}

#[cfg(test)]
impl Sample for String {
    fn sample() -> Self {
        "〇".to_string()
    }
}

#[cfg(test)]
impl Sample for Option<String> {
    fn sample() -> Self {
        Some(String::sample())
    }
}

#[cfg(test)]
macro_rules! sample_numbers {
    ($($t:ty),*) => { $( impl Sample for $t { fn sample() -> Self { 2 } } )* };
}
#[cfg(test)]
sample_numbers!(u8, u32, u64, usize, i64);

#[cfg(test)]
impl Sample for Option<u64> {
    fn sample() -> Self {
        Some(3)
    }
}

/// A field spanning lines: the one form of `Quoted` whose two languages
/// differ, so a Japanese entry showing the English note is caught.
#[cfg(test)]
impl Sample for Quoted {
    fn sample() -> Self {
        Quoted::Spanning { lines: 2 }
    }
}

#[cfg(test)]
impl Sample for Box<Msg> {
    fn sample() -> Self {
        Box::new(Msg::Cancelled)
    }
}

#[cfg(test)]
impl Sample for Vec<String> {
    fn sample() -> Self {
        vec![String::sample(), String::sample()]
    }
}

#[cfg(test)]
impl Sample for DateTime<Utc> {
    fn sample() -> Self {
        DateTime::from_timestamp(1_795_650_600, 0).expect("a valid instant")
    }
}

#[cfg(test)]
impl Sample for NaiveDate {
    fn sample() -> Self {
        NaiveDate::from_ymd_opt(2026, 12, 30).expect("a valid date")
    }
}

#[cfg(test)]
impl Sample for TimeDelta {
    fn sample() -> Self {
        TimeDelta::minutes(90)
    }
}

#[cfg(test)]
impl Sample for OsError {
    fn sample() -> Self {
        OsError::from(&std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

/// An operating-system error (a file not found, a permission denied) as a
/// message shows it: the common kinds in the user's language, the rest as
/// the OS words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsError {
    kind: std::io::ErrorKind,
    text: String,
}

impl From<&std::io::Error> for OsError {
    fn from(e: &std::io::Error) -> Self {
        OsError {
            kind: e.kind(),
            text: e.to_string(),
        }
    }
}

impl OsError {
    pub(crate) fn text(&self, lang: Lang) -> String {
        use std::io::ErrorKind::*;
        let ja = match self.kind {
            NotFound => "ファイルがありません",
            PermissionDenied => "アクセスが許可されていません",
            AlreadyExists => "すでに存在します",
            IsADirectory => "ディレクトリです",
            NotADirectory => "途中のパスがディレクトリではありません",
            ReadOnlyFilesystem => "読み取り専用のファイルシステムです",
            StorageFull => "ディスクの空きがありません",
            InvalidData => "内容が正しくありません",
            _ => return self.text.clone(),
        };
        match lang {
            Lang::En => self.text.clone(),
            Lang::Ja => ja.to_string(),
        }
    }
}

/// A time to wait, rounded up to the minute: "2 days 3 hours 5 minutes" or
/// "2日3時間5分"; seconds when under a minute.
pub(crate) fn duration(lang: Lang, d: TimeDelta) -> String {
    let total = d.num_seconds().max(1);
    let (en, ja) = match lang {
        Lang::En => (true, false),
        Lang::Ja => (false, true),
    };
    if total < 60 {
        return match (en, ja) {
            (true, _) => format!("{total} second{}", if total == 1 { "" } else { "s" }),
            _ => format!("{total}秒"),
        };
    }
    let minutes_total = (total + 59) / 60;
    let parts = [
        (minutes_total / 1440, "day", "日"),
        (minutes_total / 60 % 24, "hour", "時間"),
        (minutes_total % 60, "minute", "分"),
    ];
    let shown = parts.iter().filter(|(n, _, _)| *n > 0);
    if en {
        shown
            .map(|(n, unit, _)| format!("{n} {unit}{}", if *n == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        shown.map(|(n, _, unit)| format!("{n}{unit}")).collect()
    }
}

/// `1 device`, `2 devices`: an English count with its noun.
pub(crate) fn count_en(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A list of names as a sentence shows it: `a, b` or `a、b`.
pub(crate) fn list(lang: Lang, names: &[String]) -> String {
    names.join(lang.pick(", ", "、"))
}

fn en_date(d: &NaiveDate) -> String {
    lang::date(Lang::En, *d)
}
fn ja_date(d: &NaiveDate) -> String {
    lang::date(Lang::Ja, *d)
}
fn en_instant(t: &DateTime<Utc>) -> String {
    lang::instant(Lang::En, *t)
}
fn ja_instant(t: &DateTime<Utc>) -> String {
    lang::instant(Lang::Ja, *t)
}

/// Three or more English words in a row (`the code is`), the mark of an
/// English sentence, in `text`; ignored: commands in backticks, flags
/// (`--password-stdin`), environment variables and names in capitals
/// (`TOKENCTL_NOW`, `SHA1`). Japanese messages must never have one; the
/// tests check every entry and every command's Japanese output with this.
pub fn english_run(text: &str) -> Option<String> {
    let mut outside_code = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 0 {
            outside_code.push_str(part);
        }
        outside_code.push(' ');
    }
    let mut run: Vec<&str> = Vec::new();
    for token in outside_code.split_whitespace() {
        let word = token.trim_matches(|c: char| c.is_ascii_punctuation());
        let is_word = word.len() >= 2
            && !token.starts_with('-')
            && word.chars().any(|c| c.is_ascii_lowercase())
            && word.chars().all(|c| c.is_ascii_alphabetic() || c == '\'');
        if is_word {
            run.push(word);
            if run.len() >= 3 {
                return Some(run.join(" "));
            }
        } else {
            run.clear();
        }
    }
    None
}

catalogue! {
    // ---- Table labels of the procedure's screens ----
    LabelLoginId => en: "Login ID", ja: "ログインID";
    LabelName => en: "User name", ja: "利用者名";
    LabelRole => en: "Role", ja: "利用者区分";
    LabelSerial => en: "Serial", ja: "シリアル番号";
    LabelStatus => en: "OTP status", ja: "ワンタイムパスワード状態";
    LabelExpires => en: "Device expires", ja: "パスワード生成機有効期限";
    LabelRegistrableAt => en: "Registrable at", ja: "利用登録可能日時";
    LabelLocked => en: "Locked", ja: "ロック";
    LabelDeviceState => en: "State", ja: "状態";
    LabelHolders => en: "Holders", ja: "利用者";
    LabelClockOffset => en: "Clock offset", ja: "時計のずれ";
    LabelLastUsed => en: "Last code accepted", ja: "最終認証日時";
    LabelDelivered => en: "Delivered", ja: "納品日時";
    LabelDaysLeft => en: "Days left", ja: "残り日数";
    LabelSharedWith => en: "Shared with", ja: "共有者";
    LabelAt => en: "At", ja: "日時";
    LabelActor => en: "Actor", ja: "操作者";
    LabelAction => en: "Action", ja: "操作";
    LabelTargets => en: "Targets", ja: "対象";
    LabelOutcome => en: "Outcome", ja: "結果";
    LabelDetail => en: "Detail", ja: "詳細";
    LabelEvent => en: "Event", ja: "出来事";
    LabelBy => en: "By", ja: "実施者";
    LabelClock => en: "Clock", ja: "時計";

    NothingToDispose
        => en: "No device is waiting to be disposed of.",
           ja: "廃棄を待っているパスワード生成機はありません。";
    ColumnsLeftOut { columns: String }
        => en: "Left out to fit the terminal: {columns}. `--wide` shows every column.",
           ja: "端末の幅に収めるため {columns} の列を省きました。`--wide` ですべての列を表示します。";

    // ---- Cells ----
    StatusActive => en: "in service", ja: "サービス利用中";
    StatusRevoked => en: "revoked", ja: "失効中";
    // Read back by `list --status` (its aliases), so a person can filter by
    // what the table shows.
    StatusNotRequired => en: "not required", ja: "利用しない";
    /// A user who must use OTP and never had a device: not "revoked".
    StatusNeverRegistered => en: "not registered", ja: "未登録";
    /// The preview of a revocation: what the status becomes.
    StatusBecomesRevoked => en: "in service → revoked", ja: "サービス利用中→失効中";
    RoleMaster => en: "master", ja: "マスターユーザ";
    RoleGeneral => en: "general", ja: "一般ユーザ";
    CellLocked => en: "locked", ja: "ロック中";
    CellExpiredSuffix => en: " (expired)", ja: "（期限切れ）";
    CellExpired => en: "EXPIRED", ja: "期限切れ";
    CellClockFixed => en: "fixed", ja: "固定";
    CellClockSystem => en: "system", ja: "システム";
    CellNotYet => en: "not yet", ja: "未";
    CellReplacedNone => en: "- (expired)", ja: "-（有効期限切れ）";

    // ---- Audit actions and outcomes as the table shows them (English
    // shows the recorded names, which `audit --action` takes) ----
    ActionInit => en: "init", ja: "作成";
    ActionInitDemo => en: "init-demo", ja: "サンプル読込";
    ActionImportUsers => en: "import-users", ja: "利用者取込";
    ActionImportDevices => en: "import-devices", ja: "生成機取込";
    ActionPasswd => en: "passwd", ja: "確認用パスワード設定";
    ActionRevoke => en: "revoke", ja: "失効";
    ActionBankRevoke => en: "bank-revoke", ja: "銀行による失効";
    ActionRegister => en: "register", ja: "利用登録";
    ActionLock => en: "lock", ja: "ロック";
    ActionUnlock => en: "unlock", ja: "ロック解除";
    ActionRecovery => en: "recovery", ja: "復旧";
    ActionDispose => en: "dispose", ja: "廃棄";
    ActionSeal => en: "seal", ja: "秘密情報の暗号化";
    ActionRole => en: "role", ja: "利用者区分の変更";
    ActionUpgrade => en: "upgrade", ja: "レジストリの更新";
    ActionRestore => en: "restore", ja: "バックアップからの復元";
    ActionRekey => en: "rekey", ja: "鍵の交換";
    ActionResync => en: "resync", ja: "時計の再同期";
    OutcomeOk => en: "ok", ja: "成功";
    OutcomeFailed => en: "failed", ja: "失敗";
    OutcomeRefused => en: "refused", ja: "拒否";
    OutcomeLocked => en: "locked", ja: "ロック";

    // ---- Notes and general errors ----
    ClockFixedNote { at: DateTime<Utc> }
        => en: { format!("note: the clock is fixed at {} by TOKENCTL_NOW", en_instant(at)) },
           ja: { format!("注意：TOKENCTL_NOW により時刻が {} に固定されています", ja_instant(at)) };
    LangEnvInvalid { value: String }
        => en: "TOKENCTL_LANG must be ja or en, not {value:?}",
           ja: "TOKENCTL_LANG には ja か en を指定してください（{value:?} は使えません）";
    ExcelNeedsCsv
        => en: "--excel shapes CSV for Excel; use it with --format csv",
           ja: "--excel は Excel 用の CSV を出力するためのものです。--format csv と一緒に指定してください";
    NowNotInstant { value: String }
        => en: "TOKENCTL_NOW is not an RFC 3339 instant: {value:?}",
           ja: "TOKENCTL_NOW が RFC 3339 形式の日時ではありません：{value:?}";
    NowNotUtf8
        => en: "TOKENCTL_NOW is not valid UTF-8",
           ja: "TOKENCTL_NOW が UTF-8 として正しくありません";
    NotAnInstant { quoted: Quoted }
        => en: { format!("{} is not an RFC 3339 instant like 2026-11-24T08:10:00+09:00", quoted.en()) },
           ja: { format!("{} は RFC 3339 形式の日時ではありません（例：2026-11-24T08:10:00+09:00）", quoted.ja()) };
    NotAClockOffset { quoted: Quoted }
        => en: { format!("{} is not a clock offset like +95s, -3m or +1h", quoted.en()) },
           ja: { format!("{} は時計のずれの形式ではありません（例：+95s、-3m、+1h）", quoted.ja()) };
    CausedBy { cause: String } => en: "caused by: {cause}", ja: "原因：{cause}";
    Cancelled => en: "cancelled; nothing was changed", ja: "取り消しました。何も変更していません";
    PromptFailed { detail: String }
        => en: "terminal prompt failed: {detail}", ja: "端末での入力に失敗しました：{detail}";
    CannotWriteOutput => en: "cannot write output", ja: "出力を書き込めません";
    CannotWriteJson => en: "cannot write JSON", ja: "JSON を書き込めません";
    CannotWriteCsv => en: "cannot write CSV", ja: "CSV を書き込めません";
    CannotCreate { path: String } => en: "cannot create {path}", ja: "{path} を作成できません";
    CannotCreateTempDir
        => en: "cannot create a temporary directory", ja: "一時ディレクトリを作成できません";
    DemoExpectedRefusal
        => en: "the demo expected a refusal, but the command succeeded",
           ja: "デモでは拒否されるはずの操作が成功しました";

    // ---- Verification, lockout, timing ----
    WrongPassword
        => en: "the password is wrong",
           ja: "パスワードが正しくありません";
    WrongPasswordOrCode
        => en: "the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)",
           ja: "確認用パスワードまたはワンタイムパスワードが正しくありません（同じワンタイムパスワードは一度しか使えません。使った直後なら次の表示を待ってください）";
    CodeReplayed { serial: String }
        => en: "the one-time code was already used for device {serial}; wait for the device's next code and try again",
           ja: "このワンタイムパスワードはパスワード生成機 {serial} で使用済みです。次に表示される値でやり直してください";
    CodeWrong { serial: String }
        => en: "the one-time code is wrong for device {serial}; enter the code the device shows now",
           ja: "パスワード生成機 {serial} のワンタイムパスワードが正しくありません。いま表示されている値を入力してください";
    Locked { login_id: String }
        => en: "{login_id} is locked after repeated failed verifications; another master must run `tokenctl unlock {login_id} --as MASTER`, or, when no master can sign, `tokenctl unlock {login_id} --recovery` with the key file",
           ja: "{login_id} は認証の失敗が続いたためロックされています。別のマスターユーザが `tokenctl unlock {login_id} --as MASTER` を実行してください（署名できるマスターユーザがいないときは、鍵ファイルのある端末で `tokenctl unlock {login_id} --recovery`）";
    ClockDrifted { serial: String, minutes: u64 }
        => en: "device {serial} shows codes of a clock off by about {minutes} minute(s); if it is the right device, run `tokenctl resync {serial}` with two consecutive codes",
           ja: "パスワード生成機 {serial} の時計が約 {minutes} 分ずれているようです。正しい生成機であれば、連続する 2 つのワンタイムパスワードで `tokenctl resync {serial}` を実行してください";
    DeviceLocked { serial: String }
        => en: "device {serial} is locked after repeated failed resynchronisations; a master must run `tokenctl unlock --serial {serial} --as MASTER`",
           ja: "パスワード生成機 {serial} は再同期の失敗が続いたためロックされています。マスターユーザが `tokenctl unlock --serial {serial} --as MASTER` を実行してください";
    DeviceLockedNow { serial: String }
        => en: "device {serial} is now locked; a master must run `tokenctl unlock --serial {serial} --as MASTER`",
           ja: "パスワード生成機 {serial} はロックされました。マスターユーザが `tokenctl unlock --serial {serial} --as MASTER` を実行してください";
    DeviceUnlocked { serial: String, actor: String }
        => en: "Unlocked device {serial} (by {actor}); it may be resynchronised again.",
           ja: "パスワード生成機 {serial} のロックを解除しました（{actor}）。再同期できます。";
    DeviceWasNotLocked { serial: String }
        => en: "Device {serial} was not locked; its count of failed resynchronisations was reset.",
           ja: "パスワード生成機 {serial} はロックされていませんでした。再同期の失敗回数をリセットしました。";
    ResyncTwoCodes
        => en: "resync takes two codes: --otp CODE1 --otp CODE2",
           ja: "resync には 2 つのワンタイムパスワードを指定します：--otp CODE1 --otp CODE2";
    ResyncGone { serial: String }
        => en: "device {serial} is disposed of or lost; its clock is not resynchronised",
           ja: "パスワード生成機 {serial} は廃棄済みまたは紛失のため、時計を再同期しません";
    Resynced { serial: String, before: i64, after: i64, at: DateTime<Utc> }
        => en: { format!("Resynchronised device {serial} at {}: its clock offset was {before:+} s and is now {after:+} s; both codes are used up.", en_instant(at)) },
           ja: { format!("パスワード生成機 {serial} の時計を {} に再同期しました。ずれは {before:+} 秒から {after:+} 秒になりました。入力した 2 つの値は使用済みです。", ja_instant(at)) };
    ResyncNoPair { serial: String }
        => en: "no two consecutive codes of device {serial} within 24 hours of its clock match the codes given; enter two codes the device shows one after the other",
           ja: "パスワード生成機 {serial} の時計の前後 24 時間に、入力された 2 つのワンタイムパスワードが連続して表示される時刻はありません。生成機に続けて表示される 2 つの値を入力してください";
    LockedNow { login_id: String }
        => en: "{login_id} is now locked; another master must run `tokenctl unlock {login_id} --as MASTER`, or, when no master can sign, `tokenctl unlock {login_id} --recovery` with the key file",
           ja: "{login_id} はロックされました。別のマスターユーザが `tokenctl unlock {login_id} --as MASTER` を実行してください（署名できるマスターユーザがいないときは、鍵ファイルのある端末で `tokenctl unlock {login_id} --recovery`）";
    TriesLeft { login_id: String, failures: u32, max: u32 }
        => en: { format!("failed verification {failures} of {max} for {login_id}: {} more and {login_id} is locked", max.saturating_sub(*failures)) },
           ja: { format!("{login_id} の認証失敗は {failures} 回目です（{max} 回中）。あと {} 回失敗するとロックされます", max.saturating_sub(*failures)) };
    /// A failed verification that did not lock: why, then how many tries
    /// remain (shown on two lines; see `output::errors`).
    Tried { reason: Box<Msg>, tries: Box<Msg> }
        => en: { format!("{}; {}", reason.en(), tries.en()) },
           ja: { format!("{}。{}", reason.ja(), tries.ja()) };
    TooEarly { login_id: String, at: DateTime<Utc>, wait: TimeDelta }
        => en: { format!("too early: {login_id} may register a device from {}, {} from now", en_instant(at), duration(Lang::En, *wait)) },
           ja: { format!("まだ登録できません：{login_id} の利用登録は {} 以降に可能です（あと{}）", ja_instant(at), duration(Lang::Ja, *wait)) };
    NoSignFactor { login_id: String, action: String }
        => en: "{login_id} has no factor to sign {action} with",
           ja: "{login_id} には {action} に署名する手段がありません";
    NoPasswordYet { login_id: String }
        => en: "{login_id} has no confirmation password yet; set one with `tokenctl passwd {login_id}`",
           ja: "{login_id} にはまだ確認用パスワードがありません。`tokenctl passwd {login_id}` で設定してください";

    // ---- Not found ----
    UnknownUser { login_id: String }
        => en: "unknown login ID: {login_id}", ja: "ログインIDが見つかりません：{login_id}";
    UnknownSerial { serial: String }
        => en: "unknown serial number: {serial} (no delivery contains it)",
           ja: "シリアル番号が見つかりません：{serial}（どの納品にも含まれていません）";

    // ---- The procedure's rules ----
    NotMaster { login_id: String }
        => en: "{login_id} is not a master user; only a master user can revoke devices",
           ja: "{login_id} はマスターユーザではありません。失効はマスターユーザのみが行えます";
    MasterWithoutDevice { login_id: String }
        => en: "master {login_id} has no device in service; register one before revoking others",
           ja: "マスターユーザ {login_id} には利用中のパスワード生成機がありません。先に利用登録してください";
    MasterDeviceExpired { login_id: String, serial: String, expires: NaiveDate }
        => en: { format!("the device {serial} of master {login_id} expired on {}; it cannot confirm a revocation. Contact the bank", en_date(expires)) },
           ja: { format!("マスターユーザ {login_id} のパスワード生成機 {serial} は{}に有効期限が切れています。失効の確認に使えません。銀行にご連絡ください", ja_date(expires)) };
    NoOtp { login_id: String }
        => en: "{login_id} does not use one-time passwords; there is nothing to register",
           ja: "{login_id} はワンタイムパスワードを利用しない利用者です";
    AlreadyInService { login_id: String, serial: String }
        => en: "{login_id} already has device {serial} in service; a master user must revoke it first",
           ja: "{login_id} はパスワード生成機 {serial} を利用中です。先にマスターユーザが失効してください";
    DeviceDisposed { serial: String, at: DateTime<Utc> }
        => en: { format!("device {serial} was disposed of on {}; it can never be registered again", en_instant(at)) },
           ja: { format!("パスワード生成機 {serial} は{}に廃棄済みです。再び登録することはできません", ja_instant(at)) };
    DeviceExpired { serial: String, expires: NaiveDate }
        => en: { format!("device {serial} expired on {}; register the new device the bank delivered", en_date(expires)) },
           ja: { format!("パスワード生成機 {serial} は{}に有効期限が切れています。銀行から届いた新しい生成機を登録してください", ja_date(expires)) };
    StillInService { serial: String, holders: Vec<String> }
        => en: { format!("device {serial} is still in service with {}; it cannot be disposed of", list(Lang::En, holders)) },
           ja: { format!("パスワード生成機 {serial} は {} が利用中のため廃棄できません", list(Lang::Ja, holders)) };
    NotYetReplaced { serial: String, former_users: Vec<String>, expires: NaiveDate }
        => en: { format!("device {serial} is not out of use yet: {} revoked it but has not registered a new device; it goes out of use once replaced, or after it expires on {}", list(Lang::En, former_users), en_date(expires)) },
           ja: { format!("パスワード生成機 {serial} はまだ使用終了ではありません：{} が失効後、新しい生成機を登録していません（登録後、または{}の有効期限後に使用終了になります）", list(Lang::Ja, former_users), ja_date(expires)) };
    DeviceLostNotDisposable { serial: String }
        => en: "device {serial} was lost (the bank revoked it as lost); there is nothing to dispose of",
           ja: "パスワード生成機 {serial} は紛失しています（銀行が紛失として失効しました）。廃棄の対象ではありません";
    LostNotRegistrable { serial: String }
        => en: "device {serial} was lost (the bank revoked it as lost); it cannot be registered",
           ja: "パスワード生成機 {serial} は紛失しています（銀行が紛失として失効しました）。利用登録できません";
    LostStillHeld { serial: String, login_id: String }
        => en: "device {serial} cannot be recorded as lost while {login_id} still holds it: revoke every holder of a lost device together",
           ja: "{login_id} が利用中のため、パスワード生成機 {serial} を紛失として記録できません。紛失した生成機の利用者をまとめて失効してください";
    NeverUsed { serial: String }
        => en: "device {serial} is not out of use: it has never been registered and has not expired",
           ja: "パスワード生成機 {serial} は未使用で、有効期限も切れていません";
    AlreadyDisposed { serial: String, at: DateTime<Utc> }
        => en: { format!("device {serial} was already recorded as disposed of on {}", en_instant(at)) },
           ja: { format!("パスワード生成機 {serial} は{}に廃棄済みとして記録されています", ja_instant(at)) };
    TargetsRefused { count: usize }
        => en: { format!("revocation refused for {}; nothing was changed", count_en(*count as u64, "target", "targets")) },
           ja: "{count} 名の対象を失効できないため、失効しませんでした（何も変更していません）";
    TargetLine { login_id: String, reason: String }
        => en: "{login_id}: {reason}", ja: "{login_id}: {reason}";
    TargetUnknown => en: "unknown login ID", ja: "ログインIDが見つかりません";
    TargetNoOtp => en: "does not use one-time passwords", ja: "ワンタイムパスワードを利用しない利用者です";
    TargetNotInService
        => en: "not in service: already revoked, no device registered",
           ja: "失効中です（利用中のパスワード生成機がありません）";
    TargetDeviceExpired { serial: String, expires: NaiveDate }
        => en: { format!("device {serial} expired on {}; an expired device cannot be revoked by the organisation. Contact the bank", en_date(expires)) },
           ja: { format!("パスワード生成機 {serial} は{}に有効期限が切れています。団体では失効できません。銀行にご連絡ください", ja_date(expires)) };

    // ---- The registry and the key file ----
    PathProblem { path: String, reason: Box<Msg> }
        => en: { format!("{path}: {}", reason.en()) }, ja: { format!("{path}：{}", reason.ja()) };
    WithCause { context: Box<Msg>, error: OsError }
        => en: { format!("{}: {}", context.en(), error.text(Lang::En)) },
           ja: { format!("{}：{}", context.ja(), error.text(Lang::Ja)) };
    AlreadyExists { path: String }
        => en: "{path} already exists; refusing to overwrite it",
           ja: "{path} はすでに存在します。上書きはしません";
    RegistryError { detail: String } => en: "registry error: {detail}", ja: "レジストリのエラー：{detail}";
    RegistryBusy
        => en: "the registry is locked by another tokenctl or program and stayed locked past the timeout; nothing was changed, try again",
           ja: "レジストリが他の tokenctl またはプログラムにロックされたまま時間切れになりました。何も変更していません。もう一度実行してください";
    RegistryUnusable { detail: String }
        => en: "the registry is unusable: {detail}", ja: "レジストリを使用できません：{detail}";
    RegistryDamaged { detail: Box<Msg> }
        => en: { format!("the registry is damaged or was altered: {}", detail.en()) },
           ja: { format!("レジストリが破損しているか、改変されています：{}", detail.ja()) };
    DamagedValue { detail: String }
        => en: "{detail}", ja: "tokenctl が書き込むことのない値です（{detail}）";
    RaceLost
        => en: "the registry changed while this command ran; nothing was changed, try again",
           ja: "実行中に他の操作がレジストリを変更しました。何も変更していません。もう一度実行してください";
    FixedClockOnLive
        => en: "TOKENCTL_NOW is set, but this registry uses the real clock; unset it to change a live registry (nothing was changed)",
           ja: "TOKENCTL_NOW が設定されていますが、このレジストリは実時刻で動く本番用です。変更するには TOKENCTL_NOW を外してください（何も変更していません）";
    OtpOnLive
        => en: "this is a live registry: codes come only from the device itself (otp works on simulation registries)",
           ja: "本番用のレジストリです。ワンタイムパスワードはパスワード生成機本体にのみ表示されます（otp はシミュレーション用のレジストリでのみ使えます）";
    KeyNeeded => en: "this command needs the registry key", ja: "このコマンドにはレジストリの鍵が必要です";
    KeyNotTheRegistrys { expected: String, found: String }
        => en: "this key file is not the key of the registry (the registry expects key {expected}, this file holds key {found}); nothing was written. Use the registry's own key file, or restore it from your backup",
           ja: "この鍵ファイルはこのレジストリの鍵ではありません（レジストリが求める鍵は {expected}、このファイルの鍵は {found}）。何も書き込んでいません。レジストリ自身の鍵ファイルを指定するか、バックアップから戻してください";
    KeyFileNotRegular
        => en: "not a regular file; a key file is a plain file of 64 hex digits",
           ja: "通常のファイルではありません。鍵ファイルは16進数64桁を記した通常のファイルです";
    KeyFileNotYours { owner: u32 }
        => en: "the key file belongs to another user (uid {owner}); it must belong to the user running tokenctl",
           ja: "鍵ファイルの所有者が別の利用者（uid {owner}）です。tokenctl を実行する利用者の所有でなければなりません";
    KeyFileExposed { mode: String, path: String }
        => en: "the key file has mode {mode}: others may read or change it; run `chmod 600 {path}`",
           ja: "鍵ファイルの権限が {mode} で、他の利用者が読み書きできます。`chmod 600 {path}` を実行してください";
    KeyDirWritable { dir: String, mode: String }
        => en: "the key file's directory {dir} has mode {mode}: others can replace the key; run `chmod 700 {dir}`",
           ja: "鍵ファイルのディレクトリ {dir} の権限が {mode} で、他の利用者が鍵を差し替えられます。`chmod 700 {dir}` を実行してください";
    RegistryAltered { detail: Box<Msg> }
        => en: { format!("the registry was altered outside tokenctl ({}); nothing was written; run `tokenctl check`", detail.en()) },
           ja: { format!("レジストリが tokenctl の外で改変されています（{}）。何も書き込んでいません。`tokenctl check` を実行してください", detail.ja()) };
    RowAltered { table: String, id: i64 }
        => en: "{table} row {id} does not verify with the key",
           ja: "{table} の行 {id} が鍵で検証できません";
    RowMissing { table: String, id: i64 }
        => en: "{table} row {id} is missing",
           ja: "{table} の行 {id} がありません";
    RowRolledBack { table: String, id: i64 }
        => en: "{table} row {id} is an earlier version of itself, not the one tokenctl last wrote",
           ja: "{table} の行 {id} が、tokenctl が最後に書き込んだものではなく、以前の版に戻されています";
    TreeAltered
        => en: "the state tree does not match the registry's state mark",
           ja: "状態の木がレジストリの状態の印と一致しません";
    MarkMissing { name: String }
        => en: "the registry's {name} mark is missing",
           ja: "レジストリの印 {name} がありません";
    MarkAltered { name: String }
        => en: "the registry's {name} mark does not verify with the key",
           ja: "レジストリの印 {name} が鍵で検証できません";
    RegistryBehindWitness { registry: String, witness: String }
        => en: "the registry is behind its witness: the file is at {registry}, the witness beside the key file recorded {witness}; an older copy was put back (use `tokenctl restore` to go back on purpose)",
           ja: "レジストリが証人ファイルより古い状態です。ファイルは {registry}、鍵ファイルの隣の証人ファイルの記録は {witness} です。古い複製が戻されています（意図して戻すには `tokenctl restore` を使います）";
    RegistryDivergedFromWitness { registry: String, witness: String }
        => en: "the registry diverged from its witness: the file is at {registry}, the witness beside the key file recorded {witness}",
           ja: "レジストリが証人ファイルの記録と食い違っています。ファイルは {registry}、鍵ファイルの隣の証人ファイルの記録は {witness} です";
    WitnessAltered { path: String }
        => en: "the witness {path} does not verify with the key",
           ja: "証人ファイル {path} が鍵で検証できません";
    CannotWriteWitness { path: String }
        => en: "cannot write the witness {path}",
           ja: "証人ファイル {path} を書き込めません";
    RegistryUpgraded { from: u32, to: u32 }
        => en: "note: the registry was upgraded from schema {from} to {to}: every secret sealed and every row authenticated under the key",
           ja: "注意：レジストリをスキーマ {from} から {to} に更新しました。秘密情報をすべて暗号化し、すべての行を鍵で認証しました";
    RegistryUpgradedClocks { from: u32, to: u32 }
        => en: "note: the registry was upgraded from schema {from} to {to}: devices keep their clock offsets, and every row was authenticated anew under the key",
           ja: "注意：レジストリをスキーマ {from} から {to} に更新しました。パスワード生成機の時計のずれを記録できるようにし、すべての行を鍵で認証し直しました";
    LegacyUnderGuardingKey { version: u32, key: String }
        => en: "this registry is from before registry IDs (schema {version}) and nothing in it is tied to one registry, but the key file {key} already guards a current registry: it cannot be told from a file forged from pieces. If it is a registry of your own not yet upgraded, run one command with TOKENCTL_UPGRADE_LEGACY=1",
           ja: "このレジストリはレジストリIDより前のもの（スキーマ {version}）で、どのレジストリのものかを示す認証がありません。一方、鍵ファイル {key} はすでに現行のレジストリを保護しています。寄せ集めで偽造されたファイルと区別できません。まだ更新していない自分のレジストリであれば、TOKENCTL_UPGRADE_LEGACY=1 を付けてコマンドを一度実行してください";
    HoldersDiffer { id: i64, counted: i64, found: usize }
        => en: "devices row {id} counts {counted} holder(s), but {found} users row(s) name it",
           ja: "devices の行 {id} の保有者数は {counted} ですが、これを指す users の行は {found} 件です";
    FindingHoldersDiffer { serial: String, counted: i64, found: i64 }
        => en: "device {serial} counts {counted} holder(s), but {found} user(s) hold it",
           ja: "パスワード生成機 {serial} の保有者数は {counted} ですが、保有している利用者は {found} 名です";
    FindingDeviceLockedEarly { serial: String, failures: i64 }
        => en: "device {serial} is locked after {failures} failed resynchronisation(s), not 5",
           ja: "パスワード生成機 {serial} は再同期の失敗 {failures} 回でロックされています（5 回ではありません）";
    FindingLostHeld { serial: String }
        => en: "device {serial} is recorded as lost but is held in service",
           ja: "パスワード生成機 {serial} は紛失として記録されていますが、利用中です";
    WrittenUnverified { table: String, id: i64 }
        => en: "{table} row {id} was about to be written without being verified first (a fault of tokenctl); nothing was written",
           ja: "{table} の行 {id} を検証せずに書き込もうとしました（tokenctl の不具合）。何も書き込んでいません";
    ReadUnverified { table: String, id: i64 }
        => en: "{table} row {id} was about to be shown without being verified first (a fault of tokenctl); nothing was written",
           ja: "{table} の行 {id} を検証せずに表示しようとしました（tokenctl の不具合）。何も書き込んでいません";
    RegistryFull { table: String }
        => en: "the {table} table has reached the largest id tokenctl can authenticate",
           ja: "{table} の行番号が tokenctl で認証できる上限に達しました";
    UpgradeForeignKeys { count: i64 }
        => en: "the registry holds {count} reference(s) to missing rows; it was not upgraded",
           ja: "レジストリに存在しない行への参照が {count} 件あります。更新していません";
    OnNetworkFileSystem { fs: String }
        => en: "on a network file system ({fs}), where tokenctl does not write a registry: SQLite's WAL does not work over a network file system and network file locks are unreliable, so a registry written from two machines can be corrupted. Keep the registry on a local disk (`tokenctl backup` may write copies to the share), or, if only ever one machine writes to it, set TOKENCTL_ALLOW_NETWORK_FS=1; nothing was written",
           ja: "ネットワーク ファイルシステム（{fs}）上にあるため、tokenctl はレジストリを書き込みません。SQLite の WAL はネットワーク ファイルシステムでは動作せず、ネットワーク越しのファイルロックも信頼できないため、複数のマシンから書き込むとレジストリが破損するおそれがあります。レジストリはローカルディスクに置いてください（共有フォルダには `tokenctl backup` で複製を置けます）。1台のマシンからしか書き込まない場合は TOKENCTL_ALLOW_NETWORK_FS=1 を設定してください。何も書き込んでいません";
    CannotCreateRegistryIn { dir: String }
        => en: "cannot create a registry in {dir}", ja: "{dir} にレジストリを作成できません";
    CannotOpen { detail: String } => en: "cannot open: {detail}", ja: "開けません：{detail}";
    CannotReadWith { error: OsError }
        => en: { format!("cannot read: {}", error.text(Lang::En)) },
           ja: { format!("読み込めません：{}", error.text(Lang::Ja)) };
    NotARegistry
        => en: "not a tokenctl registry; it was left untouched",
           ja: "tokenctl のレジストリではありません。変更していません";
    NoSchemaVersion
        => en: "marked as a tokenctl registry but records no schema version (damaged?); it was left untouched",
           ja: "tokenctl のレジストリの印がありますが、スキーマのバージョンがありません（破損？）。変更していません";
    NewerSchema { version: u32, supported: u32 }
        => en: "the registry has schema version {version}, newer than this tokenctl understands ({supported}); upgrade tokenctl. The file was left untouched",
           ja: "レジストリのスキーマはバージョン {version} で、この tokenctl が扱えるもの（{supported}）より新しいものです。tokenctl を更新してください。ファイルは変更していません";
    NoRegistryHere
        => en: "no registry here; create one with `tokenctl init` (or point --db / TOKENCTL_DB at one)",
           ja: "レジストリがありません。`tokenctl init` で作成するか、--db / TOKENCTL_DB でレジストリを指定してください";
    IsADirectory
        => en: "is a directory, not a registry file",
           ja: "ディレクトリです。レジストリのファイルではありません";
    NoKeyFile
        => en: "no key file here; the registry's secrets cannot be used without it (point --key-file or TOKENCTL_KEY_FILE at it)",
           ja: "鍵ファイルがありません。鍵がなければレジストリのシードは使えません（--key-file または TOKENCTL_KEY_FILE で指定してください）";
    NoKeyFileFor { expected: String }
        => en: "no key file here; the registry's device secrets cannot be used without it (the registry expects key {expected}); point --key-file or TOKENCTL_KEY_FILE at it, or restore it from your backup",
           ja: "鍵ファイルがありません。鍵がなければレジストリのシード（パスワード生成機の秘密情報）は使えません（レジストリが求める鍵は {expected}）。--key-file または TOKENCTL_KEY_FILE で指定するか、バックアップから戻してください";
    CannotReadKeyFile { error: OsError }
        => en: { format!("cannot read the key file: {}", error.text(Lang::En)) },
           ja: { format!("鍵ファイルを読み込めません：{}", error.text(Lang::Ja)) };
    NotAKeyFile
        => en: "not a tokenctl key file (expected 64 hex digits)",
           ja: "tokenctl の鍵ファイルではありません（16進数64桁のはずです）";
    CannotDrawRandom
        => en: "cannot draw random bytes for the registry key",
           ja: "レジストリの鍵に使う乱数を取得できません";
    CannotCreateKeyFile { error: OsError }
        => en: { format!("cannot create the key file: {}", error.text(Lang::En)) },
           ja: { format!("鍵ファイルを作成できません：{}", error.text(Lang::Ja)) };
    SecretDoesNotOpen { serial: String }
        => en: "the secret of device {serial} does not open with the key: the registry was altered or the key is not its own; run `tokenctl check`",
           ja: "パスワード生成機 {serial} のシードをこの鍵で復号できません。レジストリが改変されたか、鍵が別のレジストリのものです。`tokenctl check` を実行してください";
    AuditRowNoMac { id: i64 }
        => en: "audit row {id} has no valid MAC; run `tokenctl check`",
           ja: "監査ログの {id} 行目に正しい MAC がありません。`tokenctl check` を実行してください";
    BadModeValue { value: String }
        => en: "the registry's mode is {value:?}, neither live nor simulation",
           ja: "レジストリのモードが {value:?} です（本番用でもシミュレーション用でもありません）";
    ModeMarkAltered { mode: String }
        => en: "the registry's {mode} mark does not verify with the key",
           ja: "レジストリのモード（{mode}）の印が鍵で検証できません";
    CannotHashPassword => en: "cannot hash the password", ja: "パスワードをハッシュ化できません";

    // ---- Imports ----
    BadRow { file: String, line: u64, message: Box<Msg> }
        => en: { format!("{file}, line {line}: {}; nothing was imported", message.en()) },
           ja: { format!("{file} の {line} 行目：{}。何も取り込んでいません", message.ja()) };
    PskcProblem { file: String, message: Box<Msg> }
        => en: { format!("{file}: {}; nothing was imported", message.en()) },
           ja: { format!("{file}：{}。何も取り込んでいません", message.ja()) };
    PskcKeyProblem { file: String, key_id: String, message: Box<Msg> }
        => en: { format!("{file}: key {key_id}: {}; nothing was imported", message.en()) },
           ja: { format!("{file}：キー {key_id}：{}。何も取り込んでいません", message.ja()) };

    // ---- Why a PSKC key container is refused: element, attribute and
    // algorithm names are the container's own and stay as written; no
    // entry takes a secret, a key, a passphrase or a MAC ----
    PskcNotUtf8 { byte: usize }
        => en: "the container is not UTF-8 (byte {byte} is not); save it as UTF-8",
           ja: "キーコンテナが UTF-8 ではありません（{byte} バイト目）。UTF-8 で保存し直してください";
    PskcNotXmlAt { detail: String, line: u32, column: u32 }
        => en: "not well-formed XML: {detail}",
           ja: "XML の書式が正しくありません（{line} 行目の {column} 文字目）";
    PskcXmlEnds { detail: String }
        => en: "not well-formed XML: {detail}",
           ja: "XML が途中で終わっています（ファイルの末尾が欠けていないか確認してください）";
    PskcXmlNoRoot { detail: String }
        => en: "not well-formed XML: {detail}",
           ja: "XML の要素がひとつもありません";
    PskcXmlDtd { detail: String }
        => en: "not well-formed XML: {detail}",
           ja: "DTD（文書型宣言）を含む XML は受け付けません";
    PskcXmlTooLarge { detail: String }
        => en: "not well-formed XML: {detail}",
           ja: "XML の要素、属性または名前空間の数が多すぎます";
    PskcNotKeyContainer { namespace: String }
        => en: "the root element is not a PSKC KeyContainer (namespace {namespace})",
           ja: "PSKC のキーコンテナではありません（ルート要素が名前空間 {namespace} の KeyContainer ではありません）";
    PskcVersion { version: String }
        => en: "PSKC version {version:?} is not supported (only 1.0)",
           ja: "PSKC のバージョン {version:?} には対応していません（1.0 のみ）";
    PskcNoKeys
        => en: "the container holds no keys",
           ja: "キーコンテナにキーがひとつもありません";
    PskcKeyWithoutId { number: usize }
        => en: "key number {number} has no Id attribute (every PSKC key must have one)",
           ja: "{number} 番目のキーに Id 属性がありません（PSKC のキーには必ず必要です）";
    PskcNotTotp { algorithm: Option<String> }
        => en: { format!("it has {}; only TOTP keys ({}) can be imported", match algorithm { Some(uri) => format!("algorithm {uri}"), None => "no algorithm".to_string() }, TOTP_URI) },
           ja: { format!("{}。取り込めるのは TOTP のキー（{}）だけです", match algorithm { Some(uri) => format!("アルゴリズムが {uri} です"), None => "アルゴリズムの指定がありません".to_string() }, TOTP_URI) };
    PskcNoSerial
        => en: "its device has no serial number (DeviceInfo/SerialNo)",
           ja: "パスワード生成機のシリアル番号（DeviceInfo/SerialNo）がありません";
    PskcNoResponseFormat
        => en: "it has no AlgorithmParameters/ResponseFormat: the number of digits is unknown",
           ja: "AlgorithmParameters/ResponseFormat がないため、ワンタイムパスワードの桁数がわかりません";
    PskcNotDecimal { encoding: String }
        => en: "its codes are {encoding}; only DECIMAL codes are supported",
           ja: "ワンタイムパスワードの形式が {encoding} です。対応しているのは DECIMAL（数字のみ）だけです";
    PskcDigits { length: String }
        => en: "ResponseFormat Length {length:?} is not 6 or 8 digits",
           ja: "ResponseFormat の Length {length:?} が 6 桁でも 8 桁でもありません";
    PskcSuite { suite: String }
        => en: "Suite {suite:?} is not HMAC-SHA1, HMAC-SHA256 or HMAC-SHA512",
           ja: "Suite {suite:?} には対応していません（HMAC-SHA1、HMAC-SHA256、HMAC-SHA512 のいずれか）";
    PskcNoData
        => en: "it has no Data element, so no secret",
           ja: "Data 要素がないため、シードがありません";
    PskcTimeOrigin { origin: i64 }
        => en: "its Time (the TOTP time origin T0) is {origin}, not 0; only keys counting from the Unix epoch are supported",
           ja: "Time（TOTP の起点時刻 T0）が 0 ではなく {origin} です。対応しているのは Unix 時刻の起点（1970年1月1日）から数えるキーだけです";
    PskcTimeDrift { drift: i64 }
        => en: "its TimeDrift is {drift} steps, not 0; a drifting device is not supported",
           ja: "TimeDrift（時刻のずれ）が 0 ではなく {drift} ステップです。時刻のずれたパスワード生成機には対応していません";
    PskcIntervalNotPositive { seconds: i64 }
        => en: "its TimeInterval {seconds} is not positive",
           ja: "TimeInterval（表示が変わる間隔）の {seconds} が正の数ではありません";
    PskcNoSecret
        => en: "it has no Secret",
           ja: "Secret（シード）がありません";
    PskcSecretNotBase64
        => en: "its Secret PlainValue is not valid base64",
           ja: "Secret の PlainValue が正しい Base64 ではありません";
    PskcSecretEmpty
        => en: "its Secret is empty",
           ja: "Secret（シード）が空です";
    PskcExpiryInvalid { when: String }
        => en: "ExpiryDate {when:?} is not an XML date-time such as 2027-06-14T00:00:00+09:00",
           ja: "有効期限 ExpiryDate の {when:?} が XML の日時として読めません（例：2027-06-14T00:00:00+09:00）";
    PskcNoExpiry
        => en: "neither its Policy nor its DeviceInfo gives an ExpiryDate; give one for the whole file with --expires YYYY-MM-DD",
           ja: "Policy にも DeviceInfo にも有効期限（ExpiryDate）がありません。ファイル全体の有効期限を --expires YYYY-MM-DD で指定してください";
    PskcNoValue { what: String }
        => en: "its {what} has neither a PlainValue nor an EncryptedValue",
           ja: "{what} に PlainValue も EncryptedValue もありません";
    PskcEncryptedOutsideNamespace { what: String }
        => en: "its {what} is encrypted outside the PSKC namespace",
           ja: "{what} が PSKC の名前空間の外で暗号化されています";
    PskcNoValueMac { what: String }
        => en: "its encrypted {what} has no ValueMAC; without one a wrong key could not be told from the right one",
           ja: "暗号化された {what} に ValueMAC がありません。ValueMAC がなければ、鍵が正しいかどうかを確かめられません";
    PskcValueMacNotBase64 { what: String }
        => en: "the ValueMAC of its {what} is not base64",
           ja: "{what} の ValueMAC が Base64 ではありません";
    PskcDecryptsBadly { what: String }
        => en: "its {what} does not decrypt although its MAC matches",
           ja: "{what} の MAC は一致しましたが、復号できません";
    PskcNotInteger { what: String, text: String }
        => en: "its {what} {text:?} is not an integer",
           ja: "{what} の値 {text:?} が整数ではありません";
    PskcEncryptedNotInteger { what: String }
        => en: "its encrypted {what} is not an integer",
           ja: "暗号化された {what} の値が整数ではありません";
    PskcAsymmetric
        => en: "the container is encrypted to a certificate (asymmetric); only a pre-shared key or a passphrase is supported",
           ja: "キーコンテナが証明書（公開鍵暗号）で暗号化されています。対応しているのは事前共有鍵かパスフレーズによる暗号化だけです";
    PskcNeedsPassphrase
        => en: "the container is encrypted under a passphrase (a PBKDF2 DerivedKey); give it with --pskc-passphrase-file",
           ja: "キーコンテナはパスフレーズで暗号化されています（PBKDF2 の DerivedKey）。パスフレーズを --pskc-passphrase-file で指定してください";
    PskcNeedsKey
        => en: "the container is encrypted with a pre-shared key; give it (hex) with --pskc-key-file",
           ja: "キーコンテナは事前共有鍵で暗号化されています。鍵（16進数）を --pskc-key-file で指定してください";
    PskcNoMacMethod
        => en: "the container has encrypted values but no MACMethod; without a MAC a wrong key could not be told from the right one",
           ja: "キーコンテナに暗号化された値がありますが、MACMethod がありません。MAC がなければ、鍵が正しいかどうかを確かめられません";
    PskcMacMethod { uri: String }
        => en: "MACMethod {uri:?} is not supported (HMAC-SHA1 or HMAC-SHA256)",
           ja: "MACMethod {uri:?} には対応していません（HMAC-SHA1 か HMAC-SHA256）";
    PskcMacKeyDoesNotDecrypt { reason: Box<Msg> }
        => en: { format!("the MAC key does not decrypt: {}", reason.en()) },
           ja: { format!("MAC 鍵を復号できません：{}", reason.ja()) };
    PskcMacKeyEmpty
        => en: "the MAC key is empty",
           ja: "MAC 鍵が空です";
    PskcValueMacMismatchKey { what: String }
        => en: "the ValueMAC of its {what} does not match: the pre-shared key is wrong, or the file was altered",
           ja: "{what} の ValueMAC が一致しません。事前共有鍵が正しくないか、ファイルが改変されています";
    PskcValueMacMismatchPassphrase { what: String }
        => en: "the ValueMAC of its {what} does not match: the passphrase is wrong, or the file was altered",
           ja: "{what} の ValueMAC が一致しません。パスフレーズが正しくないか、ファイルが改変されています";
    PskcKeyBitsWrong { bits: usize, cipher: String }
        => en: "the pre-shared key is {bits} bits but the container uses {cipher}: the key is wrong",
           ja: "事前共有鍵は {bits} ビットですが、キーコンテナは {cipher} で暗号化されています。鍵が正しくありません";
    PskcDerivedKeyBits { bits: usize, cipher: String }
        => en: "the derived key is {bits} bits but the container uses {cipher}",
           ja: "パスフレーズから導出した鍵は {bits} ビットですが、キーコンテナは {cipher} で暗号化されています";
    PskcKeyWrong
        => en: "the pre-shared key is wrong",
           ja: "事前共有鍵が正しくありません";
    PskcPassphraseWrong
        => en: "the passphrase is wrong",
           ja: "パスフレーズが正しくありません";
    PskcNoEncryptionMethod { what: String }
        => en: "its {what} has no EncryptionMethod",
           ja: "{what} に EncryptionMethod がありません";
    PskcEncryption { uri: String }
        => en: "encryption {uri:?} is not supported (xmlenc aes128-cbc or aes256-cbc)",
           ja: "暗号方式 {uri:?} には対応していません（xmlenc の aes128-cbc か aes256-cbc）";
    PskcNoCipherValue { what: String }
        => en: "its {what} has no CipherValue",
           ja: "{what} に CipherValue がありません";
    PskcCipherValueNotBase64 { what: String }
        => en: "the CipherValue of its {what} is not base64",
           ja: "{what} の CipherValue が Base64 ではありません";
    PskcCipherValueBlocks { what: String }
        => en: "the CipherValue of its {what} is not an IV and whole AES blocks",
           ja: "{what} の CipherValue が IV と AES のブロックの並びになっていません";
    PskcNoDerivationMethod
        => en: "the DerivedKey has no KeyDerivationMethod",
           ja: "DerivedKey に KeyDerivationMethod がありません";
    PskcDerivation { uri: String }
        => en: "key derivation {uri:?} is not supported (only PBKDF2)",
           ja: "鍵の導出方式 {uri:?} には対応していません（PBKDF2 のみ）";
    PskcNoPbkdf2Params
        => en: "the DerivedKey has no PBKDF2-params",
           ja: "DerivedKey に PBKDF2-params がありません";
    PskcNoSalt
        => en: "the PBKDF2 parameters have no Salt/Specified",
           ja: "PBKDF2 のパラメータに Salt/Specified がありません";
    PskcSaltNotBase64
        => en: "the PBKDF2 salt is not base64",
           ja: "PBKDF2 のソルト（Salt）が Base64 ではありません";
    PskcIterations { count: String, max: u32 }
        => en: "the PBKDF2 IterationCount {count:?} is not a number from 1 to {max}",
           ja: "PBKDF2 の IterationCount {count:?} が 1 から {max} までの数ではありません";
    PskcPbkdf2KeyLength { length: String }
        => en: "the PBKDF2 KeyLength {length:?} is not 16 or 32 (AES-128 or AES-256)",
           ja: "PBKDF2 の KeyLength {length:?} が 16 でも 32 でもありません（AES-128 か AES-256）";
    PskcPrf { prf: String }
        => en: "the PBKDF2 PRF {prf:?} is not supported (HMAC-SHA1, HMAC-SHA256 or HMAC-SHA512)",
           ja: "PBKDF2 の PRF {prf:?} には対応していません（HMAC-SHA1、HMAC-SHA256、HMAC-SHA512 のいずれか）";

    // ---- Prompts and what replaces them without a terminal ----
    AnswerYes => en: "yes", ja: "はい";
    AnswerNo => en: "no", ja: "いいえ";
    NeedPassword
        => en: "a password is required and there is no terminal to ask on; use --password-stdin or --password-file",
           ja: "パスワードが必要ですが、入力を求める端末がありません。--password-stdin か --password-file を使ってください";
    NeedCode
        => en: "a one-time code is required and there is no terminal to ask on; pass it with --otp",
           ja: "ワンタイムパスワードが必要ですが、入力を求める端末がありません。--otp で指定してください";
    NeedConfirmation
        => en: "a confirmation is required and there is no terminal to ask on; pass --yes to confirm",
           ja: "確認が必要ですが、確認を求める端末がありません。--yes で確認済みとしてください";
    NeedTargets
        => en: "at least one target is required and there is no terminal to ask on; name login IDs, or use --targets-file or --expiring-within",
           ja: "対象が必要ですが、選択を求める端末がありません。ログインIDを指定するか、--targets-file か --expiring-within を使ってください";
    NeedCurrentPassword
        => en: "the current password is required and there is no terminal to ask on; pass --current-password-file, or --as MASTER to have another master sign",
           ja: "現在のパスワードが必要ですが、入力を求める端末がありません。--current-password-file を指定するか、--as MASTER で他のマスターユーザが署名してください";
    PasswordStdinOnTerminal
        => en: "--password-stdin reads a pipe or file; on a terminal, leave it out to be asked without echo",
           ja: "--password-stdin はパイプかファイルから読み込みます。端末では指定せずに実行すると、画面に表示せずに入力できます";
    CannotReadPasswordStdin
        => en: "cannot read the password from stdin", ja: "標準入力からパスワードを読み込めません";
    CannotReadPasswordFile { path: String, error: OsError }
        => en: { format!("cannot read the password file {path}: {}", error.text(Lang::En)) },
           ja: { format!("パスワードファイル {path} を読み込めません：{}", error.text(Lang::Ja)) };
    RepeatPassword => en: "Repeat the password", ja: "確認のため、もう一度入力してください";
    PasswordsDiffer => en: "the passwords differ", ja: "パスワードが一致しません";
    PasswordEmpty => en: "the password is empty", ja: "パスワードが空です";
    PasswordTooShort { min: usize }
        => en: "the new password is too short: at least {min} characters",
           ja: "新しいパスワードが短すぎます。{min} 文字以上にしてください";
    PasswordOnlyWhitespace
        => en: "the new password is only whitespace", ja: "新しいパスワードが空白だけです";
    PasswordIsLoginId
        => en: "the new password must not be the login ID",
           ja: "新しいパスワードにログインIDは使えません";
    CodePrompt { serial: String }
        => en: "Code shown by device {serial}", ja: "パスワード生成機 {serial} のワンタイムパスワード";
    ResyncFirstPrompt { serial: String }
        => en: "A code shown by device {serial}", ja: "パスワード生成機 {serial} に表示されている値";
    ResyncSecondPrompt { serial: String }
        => en: "The next code it shows (wait for it to change)",
           ja: "次に表示される値（表示が変わるのを待ってください）";
    PasswordPrompt { login_id: String }
        => en: "Confirmation password of {login_id}", ja: "{login_id} の確認用パスワード";
    CodeDigitsOnly { digits: u8 }
        => en: "the one-time code must be {digits} digits only",
           ja: "ワンタイムパスワードは {digits} 桁の数字のみで入力してください";
    CodeLength { digits: u8, got: usize }
        => en: "the one-time code must have {digits} digits, got {got}",
           ja: "ワンタイムパスワードは {digits} 桁です（入力は {got} 桁）";

    // ---- Secrets ----
    SecretEmpty => en: "the secret is empty", ja: "シードが空です";
    SecretNotBase32 { position: usize }
        => en: "the secret is not base32 (character {position} is not A-Z or 2-7)",
           ja: "シードが base32 ではありません（{position} 文字目が A-Z・2-7 以外です）";
    SecretInvalidBase32 => en: "the secret is not valid base32", ja: "シードが正しい base32 ではありません";
    SecretTooShort { bits: usize, needed: usize }
        => en: "the secret is too short ({bits} bits; at least {needed} are needed)",
           ja: "シードが短すぎます（{bits} ビット。{needed} ビット以上が必要です）";

    // ---- Input files, encodings and typed values ----
    NotUtf8
        => en: "not valid UTF-8; for a Shift_JIS (CP932) file, pass --encoding cp932",
           ja: "UTF-8 として正しくありません。Shift_JIS（CP932）のファイルなら --encoding cp932 を指定してください";
    NotCp932
        => en: "not valid Shift_JIS (CP932); for a UTF-8 file, pass --encoding utf-8",
           ja: "Shift_JIS（CP932）として正しくありません。UTF-8 のファイルなら --encoding utf-8 を指定してください";
    NeitherEncoding { first_not_utf8: Option<u64> }
        => en: { format!("neither UTF-8 nor Shift_JIS (CP932){}; save the file as UTF-8, or name its encoding with --encoding", first_not_utf8.map(|l| format!(" (the first line that is not UTF-8 is line {l})")).unwrap_or_default()) },
           ja: { format!("UTF-8 でも Shift_JIS（CP932）でもありません{}。UTF-8 で保存し直すか、--encoding で文字コードを指定してください", first_not_utf8.map(|l| format!("（UTF-8 として正しくない最初の行は {l} 行目）")).unwrap_or_default()) };
    CannotReadTargets { file: String, error: OsError }
        => en: { format!("cannot read the targets file {file}: {}", error.text(Lang::En)) },
           ja: { format!("対象ファイル {file} を読み込めません：{}", error.text(Lang::Ja)) };
    TargetsFileLine { file: String, line: u64, problem: Box<Msg> }
        => en: { format!("the targets file {file}, line {line}: {}", problem.en()) },
           ja: { format!("対象ファイル {file} の {line} 行目：{}", problem.ja()) };
    NotADuration { quoted: Quoted }
        => en: { format!("{} is not a duration like 30d, 4w, 3mo, 30日, 4週 or 1か月", quoted.en()) },
           ja: { format!("{} は期間として読めません（30d、4w、3mo、30日、4週、1か月 のように指定してください）", quoted.ja()) };
    DurationTooLarge { quoted: Quoted, days: u32, weeks: u32 }
        => en: { format!("{} is too large: at most {days} days ({weeks} weeks)", quoted.en()) },
           ja: { format!("{} は長すぎます。最長 {days} 日（{weeks} 週）です", quoted.ja()) };
    ImportedUsers { count: u64, file: String }
        => en: { format!("Imported {} from {file}.", count_en(*count, "user", "users")) },
           ja: "{file} から利用者を {count} 名取り込みました。";
    ImportedDevices { count: u64, file: String }
        => en: { format!("Imported {} from {file}.", count_en(*count, "device", "devices")) },
           ja: "{file} からパスワード生成機を {count} 台取り込みました。";
    ProgressImporting => en: "importing", ja: "取り込み中";
    ProgressRevoking => en: "revoking", ja: "失効中";
    CannotReadFile { file: String, error: OsError }
        => en: { format!("cannot read {file}: {}", error.text(Lang::En)) },
           ja: { format!("{file} を読み込めません：{}", error.text(Lang::Ja)) };
    NotADate { quoted: Quoted }
        => en: { format!("{} is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日)", quoted.en()) },
           ja: { format!("{} は日付ではありません（2031-11-30、2031/11/30、2031年11月30日 のように書いてください）", quoted.ja()) };
    PskcFlagOnCsv { flag: String, file: String }
        => en: "{flag} applies to PSKC key containers, and {file} is CSV (its rows give their own keys and expiry dates)",
           ja: "{flag} は PSKC のキーコンテナ用です。{file} は CSV です（CSV では各行がシードと有効期限を持ちます）";
    CannotReadPskcKey { path: String, error: OsError }
        => en: { format!("cannot read the key file {path}: {}", error.text(Lang::En)) },
           ja: { format!("鍵ファイル {path} を読み込めません：{}", error.text(Lang::Ja)) };
    PskcKeyNotHex { path: String }
        => en: "the key file {path} does not hold a key in hex (only 0-9 and a-f, an even number of them)",
           ja: "鍵ファイル {path} の中身が16進数の鍵ではありません（0-9 と a-f を偶数個）";
    PskcKeyBits { path: String, bits: usize }
        => en: "the key in {path} is {bits} bits; an AES key is 128 or 256 bits (32 or 64 hex digits)",
           ja: "{path} の鍵は {bits} ビットです。AES の鍵は 128 か 256 ビット（16進数32桁か64桁）です";
    CannotReadPassphrase { path: String, error: OsError }
        => en: { format!("cannot read the passphrase file {path}: {}", error.text(Lang::En)) },
           ja: { format!("パスフレーズのファイル {path} を読み込めません：{}", error.text(Lang::Ja)) };
    PassphraseEmpty { path: String }
        => en: "the passphrase file {path} is empty", ja: "パスフレーズのファイル {path} が空です";
    CsvProblem { detail: String } => en: "{detail}", ja: "CSV として読めません（{detail}）";
    NoHeader { expected: String }
        => en: "no header; expected {expected}", ja: "見出し行がありません。見出しは {expected} です";
    UnknownColumn { quoted: Quoted, expected: String }
        => en: { format!("unknown column {}; expected {expected}", quoted.en()) },
           ja: { format!("不明な列 {} があります。列は {expected} です", quoted.ja()) };
    ColumnTwice { quoted: Quoted }
        => en: { format!("column {} appears twice", quoted.en()) },
           ja: { format!("列 {} が2回あります", quoted.ja()) };
    MissingColumn { name: String, expected: String }
        => en: "missing column {name:?}; expected {expected}",
           ja: "列 {name:?} がありません。列は {expected} です";
    FieldCount { expected: usize, found: usize }
        => en: "expected {expected} fields, found {found}",
           ja: "項目数が {found} です（見出しは {expected} 項目）";
    IdEmpty { column: String } => en: "{column} is empty", ja: "{column} が空です";
    IdMalformed { column: String, quoted: Quoted, max: usize }
        => en: { format!("{column} {} must be at most {max} characters without spaces", quoted.en()) },
           ja: { format!("{column} {} は空白を含まない {max} 文字以内にしてください", quoted.ja()) };
    LoginIdChars { quoted: Quoted, max: usize }
        => en: { format!("login_id {} may hold only letters, digits, '.', '_', '-' and '@' (1 to {max})", quoted.en()) },
           ja: { format!("login_id（ログインID）{} に使えるのは半角英数字と . _ - @ だけです（1〜{max} 文字）", quoted.ja()) };
    NameTooLong { login_id: Quoted, max: usize }
        => en: { format!("name of {} is longer than {max} characters", login_id.en()) },
           ja: { format!("{} の name（利用者名）が {max} 文字を超えています", login_id.ja()) };
    NameEmpty { login_id: Quoted }
        => en: { format!("name of {} is empty", login_id.en()) },
           ja: { format!("{} の name（利用者名）が空です", login_id.ja()) };
    NameControls { login_id: Quoted }
        => en: { format!("name of {} contains control, bidirectional or zero-width characters", login_id.en()) },
           ja: { format!("{} の name（利用者名）に制御文字、双方向制御文字またはゼロ幅文字が含まれています", login_id.ja()) };
    RoleInvalid { quoted: Quoted }
        => en: { format!("role {} is not master or general (マスターユーザ or 一般ユーザ)", quoted.en()) },
           ja: { format!("role {} は master（マスターユーザ）か general（一般ユーザ）にしてください", quoted.ja()) };
    OtpRequiredInvalid { quoted: Quoted }
        => en: { format!("otp_required {} is not true or false (also 1/0, yes/no, はい/いいえ)", quoted.en()) },
           ja: { format!("otp_required {} は true か false にしてください（1/0、yes/no、はい/いいえ も可）", quoted.ja()) };
    XmlGivenAsUsers
        => en: "this is an XML file, not a users CSV; a PSKC key container is a device delivery: `tokenctl import devices FILE`",
           ja: "これは利用者の CSV ではなく XML ファイルです。PSKC の鍵コンテナはパスワード生成機の納品なので `tokenctl import devices FILE` で取り込んでください";
    QuoteLeftOpen { lines: usize }
        => en: "a quote \" opened on this line is not closed, so the next {lines} lines were read as one field (is a quote left open?); close the quote",
           ja: "この行で開いた引用符 \" が閉じられていないため、続く {lines} 行が一つの項目として読まれました（引用符 \" の閉じ忘れではありませんか？）。引用符を閉じてください";
    NoOtpButSerial { login_id: Quoted, serial: Quoted }
        => en: { format!("{} does not use OTP (otp_required false) but names device {}", login_id.en(), serial.en()) },
           ja: { format!("{} はワンタイムパスワードを利用しない（otp_required が false）のに、パスワード生成機 {} が指定されています", login_id.ja(), serial.ja()) };
    SerialNotDelivered { serial: Quoted }
        => en: { format!("serial {} is not in any imported delivery; import the devices first", serial.en()) },
           ja: { format!("シリアル番号 {} はどの納品にもありません。先にパスワード生成機を取り込んでください", serial.ja()) };
    SerialDisposed { serial: Quoted }
        => en: { format!("device {} has been disposed of", serial.en()) },
           ja: { format!("パスワード生成機 {} は廃棄済みです", serial.ja()) };
    LoginIdDuplicate { login_id: Quoted }
        => en: { format!("login ID {} is already in the registry (or earlier in this file); to change existing users, import with --update", login_id.en()) },
           ja: { format!("ログインID {} はすでにレジストリにあります（またはこのファイルの前の行にあります）。既存の利用者を変更するには --update を付けて取り込んでください", login_id.ja()) };
    SerialDuplicate { serial: Quoted }
        => en: { format!("serial {} is already in the registry (or earlier in this file)", serial.en()) },
           ja: { format!("シリアル番号 {} はすでにレジストリにあります（またはこのファイルの前の行にあります）", serial.ja()) };
    DeviceSecret { serial: Quoted, problem: Box<Msg> }
        => en: { format!("device {}: {}", serial.en(), problem.en()) },
           ja: { format!("パスワード生成機 {}：{}", serial.ja(), problem.ja()) };
    // A devices file's fields other than the serial are never quoted: in a
    // misaligned row any of them may hold a secret.
    ExpiresInvalid
        => en: "expires is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日)",
           ja: "expires（有効期限）が日付ではありません（2031-11-30、2031/11/30、2031年11月30日 のように書いてください）";
    DigitsNot6Or8
        => en: "digits is not 6 or 8", ja: "digits（桁数）は 6 か 8 にしてください";
    PeriodNotSeconds
        => en: "period is not a number of seconds from 1 to 3600",
           ja: "period（間隔）は 1 から 3600 までの秒数にしてください";
    AlgorithmNotKnown
        => en: "algorithm is not SHA1, SHA256 or SHA512",
           ja: "algorithm（アルゴリズム）は SHA1、SHA256、SHA512 のいずれかにしてください";
    DigitsInvalid { quoted: Quoted }
        => en: { format!("digits {} is not 6 or 8", quoted.en()) },
           ja: { format!("digits {} は 6 か 8 にしてください", quoted.ja()) };
    PeriodInvalid { quoted: Quoted }
        => en: { format!("period {} is not a number of seconds from 1 to 3600", quoted.en()) },
           ja: { format!("period {} は 1 から 3600 までの秒数にしてください", quoted.ja()) };

    // ---- list, expiring ----
    NoUsersMatch => en: "No users match.", ja: "該当する利用者はいません。";
    NoDeviceShows { code: String }
        => en: "no device shows {code} now (within one step of its learned clock)",
           ja: "いま {code} を表示しているパスワード生成機はありません（学習した時計の前後 1 ステップ以内）";
    NoEvents => en: "Nothing has happened yet.", ja: "記録された出来事はありません。";
    HistoryNeedsSubject
        => en: "history needs --user LOGIN_ID or --serial SERIAL",
           ja: "history には --user LOGIN_ID または --serial SERIAL を指定してください";
    HistoryExpires { expires: String }
        => en: "usable through {expires}", ja: "有効期限 {expires}";
    HistoryRegistrableAt { at: DateTime<Utc> }
        => en: { format!("registrable at {}", en_instant(at)) },
           ja: { format!("利用登録可能日時 {}", ja_instant(at)) };
    HistoryBankReference { reference: String }
        => en: "bank reference {reference}", ja: "銀行の受付番号 {reference}";
    HistoryBankReferenceAt { reference: String, at: DateTime<Utc> }
        => en: { format!("bank reference {reference}; registrable at {}", en_instant(at)) },
           ja: { format!("銀行の受付番号 {reference}、利用登録可能日時 {}", ja_instant(at)) };
    HistoryEventName { event: String }
        => en: { event.replace('-', " ") },
           ja: { match event.as_str() {
                "delivered" => "納品", "registered" => "利用登録", "revoked" => "失効",
                "bank-revoked" => "銀行による失効", "resynced" => "時計の再同期",
                "lost" => "紛失", "disposed" => "廃棄", other => return format!("不明な出来事（{other}）") }.to_string() };
    NoDevicesMatch => en: "No devices match.", ja: "該当するパスワード生成機はありません。";
    DeviceStateName { state: String }
        => en: { state.replace('-', " ") },
           ja: { match state.as_str() {
                "in-stock" => "在庫", "in-service" => "サービス利用中", "out-of-use" => "使用終了",
                "disposed" => "廃棄済み", "lost" => "紛失", "expired" => "有効期限切れ",
                other => return format!("不明な状態（{other}）") }.to_string() };
    CellSeconds { seconds: i64 }
        => en: { if *seconds == 0 { "0".to_string() } else { format!("{seconds:+} s") } },
           ja: { if *seconds == 0 { "0".to_string() } else { format!("{seconds:+}秒") } };
    ExpiringExpiredNote
        => en: "Expired devices can no longer be revoked by the organisation: only the bank can revoke them. Contact the bank, then record its revocation with `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF`.",
           ja: "有効期限を過ぎたパスワード生成機は団体では失効できません（失効できるのは銀行のみです）。銀行にご連絡のうえ、銀行による失効を `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF` で記録してください。";
    CellExpiredMonth => en: "expired", ja: "期限切れ";
    SummaryHeading
        => en: "Devices in service by expiry month (expired: only the bank can revoke them):",
           ja: "有効期限の月別の利用中パスワード生成機（期限切れは銀行のみが失効できます）：";
    LabelMonth => en: "Month", ja: "月";
    LabelDevices => en: "Devices", ja: "台数";
    ExpiringDueNote
        => en: "Revoke these devices before they expire, then each user registers the new one.",
           ja: "有効期限までに失効し、各利用者が新しいパスワード生成機を利用登録してください。";

    // ---- list --waiting-over, notices ----
    WaitingOverNeedsRevoked
        => en: "--waiting-over selects revoked users who have not registered a new device; use it with --status revoked",
           ja: "--waiting-over は新しいパスワード生成機を利用登録していない失効中の利用者を選ぶものです。--status revoked と一緒に指定してください";
    LabelRevokedSerial => en: "Revoked serial", ja: "失効したシリアル番号";
    LabelWaitingDays => en: "Days waiting", ja: "登録待ち日数";
    NoticesNobodyWaiting
        => en: "Nobody is waiting to register a new device.",
           ja: "新しいパスワード生成機の利用登録を待っている利用者はいません。";
    NoticesWhatToDo
        => en: "Each user registers the new device with its serial number and the code it shows now: `tokenctl register --user LOGIN_ID --serial SERIAL`. The old device is handed in, or disposed of as waste containing a battery under the municipality's rules.",
           ja: "各利用者は、新しいパスワード生成機のシリアル番号と、いま表示されているワンタイムパスワードで利用登録してください（`tokenctl register --user ログインID --serial シリアル番号`）。旧パスワード生成機は返却いただくか、電池を含む廃棄物として自治体の規則に従って廃棄してください。";
    NoticeLetter { login_id: String, name: String, serial: String, at: DateTime<Utc> }
        => en: { format!("Dear {name} ({login_id}),\n\n\
The one-time password device you have used for internet banking, serial number {serial}, has been revoked so that you can change over to a new device.\n\n\
You can register the new device from {}.\n\n\
What to do:\n\n\
1. Register the new device with the serial number printed on it and the code it shows at that moment:\n\n    tokenctl register --user {login_id} --serial SERIAL\n\n   Until the new device is registered, you cannot sign in with a one-time password.\n\n\
2. Hand the old device ({serial}) in to your administrator, or dispose of it yourself: it contains a battery, so put it out as battery-containing waste under your municipality's rules.\n\n\
If you have any questions, please contact your administrator.\n\n\
Thank you for your cooperation.\n", en_instant(at)) },
           ja: { format!("{name} 様（ログインID：{login_id}）\n\n\
インターネットバンキングでご利用のパスワード生成機（シリアル番号 {serial}）は、新しいパスワード生成機への切り替えのため失効いたしました。\n\n\
新しいパスワード生成機の利用登録は、{} 以降に可能です。\n\n\
お手続きのお願い\n\n\
1. 新しいパスワード生成機を、その生成機に記載されたシリアル番号と、その時点で表示されているワンタイムパスワードで利用登録してください。\n\n    tokenctl register --user {login_id} --serial シリアル番号\n\n   利用登録が済むまで、ワンタイムパスワードはご利用いただけません。\n\n\
2. 旧パスワード生成機（シリアル番号 {serial}）は管理者へご返却いただくか、電池を含む廃棄物として、お住まいの自治体の規則に従って廃棄してください。\n\n\
ご不明な点がございましたら、管理者までお問い合わせください。\n\n\
よろしくお願いいたします。\n", ja_instant(at)) };
    LettersWritten { count: u64, dir: String }
        => en: { format!("Wrote {} to {dir}.", count_en(*count, "letter", "letters")) },
           ja: "{dir} に通知文を {count} 通書き出しました。";
    NoLettersWritten
        => en: "Nobody is waiting to register a new device; no letters were written.",
           ja: "新しいパスワード生成機の利用登録を待っている利用者はいません。通知文は書き出していません。";
    LoginIdNotAFileName { login_id: String }
        => en: "login ID {login_id:?} cannot name a letter file (it contains / or starts with .); no letters were written",
           ja: "ログインID {login_id:?} は通知文のファイル名に使えません（/ を含むか . で始まります）。通知文は書き出していません";
    LetterExists { path: String }
        => en: "{path} already exists; no letters were written (move the earlier letters away, or choose another --out)",
           ja: "{path} はすでに存在します。通知文は書き出していません（以前の通知文を移動するか、別の --out を指定してください）";
    OutWithCsv
        => en: "--out writes letters; a CSV for a mail merge is `tokenctl notices --format csv`, without --out",
           ja: "--out は通知文を書き出します。差し込み印刷用の CSV は --out を付けずに `tokenctl notices --format csv` で出力してください";

    // ---- check ----
    ExpectHeadInvalid
        => en: "--expect-head must be 64 hex digits (an audit head printed by `tokenctl check`)",
           ja: "--expect-head には16進数64桁（`tokenctl check` が表示した監査ログの最新のハッシュ）を指定してください";
    CheckIntact
        => en: "The registry is intact: SQLite's checks, the invariants, every mark and row, every sealed secret, the audit chain and the witness verify.",
           ja: "レジストリに異常はありません（SQLite の検査、不変条件、すべての印と行、暗号化された秘密情報、監査ログの連鎖、証人ファイルをすべて確認しました）。";
    CheckAltered
        => en: "The registry was altered or is damaged.",
           ja: "レジストリが改ざんされているか、破損しています。";
    CheckRegistryId => en: "registry ID", ja: "レジストリID";
    CheckWitnessAhead { rows: u64 }
        => en: "This is a copy: the registry it was taken from is {rows} audit row(s) ahead of it (its witness says so).",
           ja: "これは複製です。複製元のレジストリは監査ログで {rows} 行先に進んでいます（証人ファイルの記録）。";
    BackedUp { path: String }
        => en: "Backed up the registry to {path} and verified the copy. It holds no key: keep the key file apart from it.",
           ja: "レジストリを {path} にバックアップし、複製を検証しました。複製に鍵は含まれません。鍵ファイルは別に保管してください。";
    Restored { path: String, src: String, kept: Option<String> }
        => en: { match kept {
                Some(kept) => format!("Restored {path} from {src}; the registry it replaced is kept as {kept}."),
                None => format!("Restored {path} from {src}."),
            } },
           ja: { match kept {
                Some(kept) => format!("{src} から {path} を復元しました。置き換えたレジストリは {kept} として残しています。"),
                None => format!("{src} から {path} を復元しました。"),
            } };
    Rekeyed { path: String, fingerprint: String, previous: String }
        => en: "Re-keyed the registry: every secret re-sealed and every row MAC'd under the new key file {path} (fingerprint {fingerprint}). The old key (fingerprint {previous}) no longer opens it: use --key-file {path} or TOKENCTL_KEY_FILE, and back the new key file up apart from the registry.",
           ja: "レジストリの鍵を交換しました。すべての秘密情報を再暗号化し、すべての行を新しい鍵ファイル {path}（フィンガープリント {fingerprint}）で認証し直しました。古い鍵（フィンガープリント {previous}）ではもう開けません。--key-file {path} または TOKENCTL_KEY_FILE で指定し、新しい鍵ファイルをレジストリとは別にバックアップしてください。";
    ConfirmRestore { path: String, src: String }
        => en: "Replace the registry {path} with the backup {src}? Everything written since the backup is set aside",
           ja: "レジストリ {path} をバックアップ {src} で置き換えますか？バックアップ以降に書き込まれた内容は別ファイルに退避されます";
    RestoreNotABackup
        => en: "this backup is from a tokenctl before registry IDs (schema 1 or 2); open it with --db to upgrade it, then back it up again",
           ja: "このバックアップはレジストリIDより前の tokenctl のものです（スキーマ 1 または 2）。--db で開いて更新してから、改めてバックアップしてください";
    RestoreOtherRegistry { path: String }
        => en: "this is a backup of another registry, not of {path} (their registry IDs differ); nothing was changed",
           ja: "これは {path} ではなく別のレジストリのバックアップです（レジストリIDが異なります）。何も変更していません";
    RestoreUnknownRegistry
        => en: "there is no registry here, and this key file's witness does not know the backup's registry; nothing was changed",
           ja: "ここにレジストリがなく、この鍵ファイルの証人ファイルもバックアップのレジストリを知りません。何も変更していません";
    CannotMoveAside { path: String }
        => en: "cannot move the registry {path} aside",
           ja: "レジストリ {path} を退避できません";
    CheckAuditRows => en: "audit rows", ja: "監査ログの行数";
    CheckAuditHead => en: "audit head", ja: "監査ログの最新のハッシュ";

    // ---- What `check` found, one line each on stderr. The JSON report
    // gives the English (`findings[].detail`), which scripts read ----
    FindingIntegrity { detail: String }
        => en: "{detail}", ja: "SQLite の整合性検査：{detail}";
    FindingQueryFailed { detail: String }
        => en: "{detail}", ja: "検査のための読み込みに失敗しました：{detail}";
    FindingForeignKey { table: String, row: i64, parent: String }
        => en: "{table} row {row} refers to a missing {parent} row",
           ja: "{table} の行 {row} が参照している {parent} の行がありません";
    FindingHoldsDisposed { login_id: String, serial: String }
        => en: "user {login_id} holds device {serial}, which was disposed of",
           ja: "利用者 {login_id} が廃棄済みのパスワード生成機 {serial} を保有しています";
    FindingHoldsMissingDevice { login_id: String }
        => en: "user {login_id} holds a device that is not in the registry",
           ja: "利用者 {login_id} が保有するパスワード生成機がレジストリにありません";
    FindingNoOtpHoldsDevice { login_id: String }
        => en: "user {login_id} does not use one-time passwords but holds a device",
           ja: "利用者 {login_id} はワンタイムパスワードを利用しない設定なのに、パスワード生成機を保有しています";
    FindingOpenRegistrations { login_id: String, count: i64 }
        => en: "user {login_id} has {count} open registrations",
           ja: "利用者 {login_id} に利用中の利用登録が {count} 件あります（1 件のはずです）";
    FindingHoldsUnregistered { login_id: String }
        => en: "user {login_id} holds a device without an open registration of it",
           ja: "利用者 {login_id} が保有するパスワード生成機に、利用中の利用登録がありません";
    FindingMalformedExpiry { serial: String }
        => en: "device {serial} has a malformed expiry date",
           ja: "パスワード生成機 {serial} の有効期限の日付が正しくありません";
    FindingUnknownRole { login_id: String }
        => en: "user {login_id} has an unknown role",
           ja: "利用者 {login_id} の利用者区分が不明です";
    FindingSecretDoesNotOpen { serial: String }
        => en: "the secret of device {serial} does not open with the key",
           ja: "パスワード生成機 {serial} のシードをこの鍵で復号できません";
    FindingAuditRowMissing { id: i64, next: i64 }
        => en: "audit row {id} is missing (the next row is {next})",
           ja: "監査ログの {id} 行目がありません（次は {next} 行目です）";
    FindingAuditRowAltered { id: i64 }
        => en: "audit row {id} does not verify: it was changed, inserted or moved, or a row before it was removed",
           ja: "監査ログの {id} 行目を検証できません。変更、挿入、移動されたか、その前の行が削除されています";
    FindingAuditRowNoMac { id: i64 }
        => en: "audit row {id} has no MAC",
           ja: "監査ログの {id} 行目に MAC がありません";
    FindingRowAltered { table: String, id: i64, name: String }
        => en: "{table} row {id}{name} was changed or inserted outside tokenctl: its MAC does not verify",
           ja: "{table} の行 {id}{name} が tokenctl の外で変更または挿入されています（MAC が一致しません）";
    FindingRowInserted { table: String, id: i64, name: String }
        => en: "{table} row {id}{name} was inserted outside tokenctl",
           ja: "{table} の行 {id}{name} が tokenctl の外で挿入されています";
    FindingRowDeleted { table: String, id: i64 }
        => en: "{table} row {id} was deleted",
           ja: "{table} の行 {id} が削除されています";
    FindingRowRolledBack { table: String, id: i64, name: String }
        => en: "{table} row {id}{name} was put back to an earlier version of itself",
           ja: "{table} の行 {id}{name} が以前の版に戻されています";
    FindingTreeAltered
        => en: "the state tree was changed: it does not hash to the root in the registry's state mark",
           ja: "状態の木が変更されています（レジストリの状態の印にある根と一致しません）";
    FindingTreeStrayNodes { count: i64 }
        => en: "the state tree holds {count} node(s) outside every table's range, where no row can be placed",
           ja: "状態の木に、どのテーブルの範囲にも属さない（行を置けない位置の）ノードが {count} 個あります";
    FindingUnknownTable { table: String }
        => en: "table {table} is not one of tokenctl's",
           ja: "テーブル {table} は tokenctl のものではありません";
    FindingHeadMissing
        => en: "the expected head is not in the audit chain: rows were removed from its end, or the head belongs to another registry",
           ja: "指定された監査ログのハッシュ（--expect-head）が監査ログの連鎖にありません。末尾の行が削除されたか、別のレジストリの値です";

    // ---- dispose-note ----
    MarkDisposedNeedsSerials
        => en: "--mark-disposed needs the serials to mark, or --all for every device out of use",
           ja: "--mark-disposed には記録するシリアル番号か、使用終了のすべての生成機を対象にする --all を指定してください";
    ConfirmDisposal { serials: Vec<String> }
        => en: { format!("Record the disposal of {}: {}?", count_en(serials.len() as u64, "device", "devices"), list(Lang::En, serials)) },
           ja: { format!("パスワード生成機 {} 台（{}）の廃棄を記録しますか？", serials.len(), list(Lang::Ja, serials)) };
    NoteOutOfUse { serial: String, since: String }
        => en: "Device {serial}: out of use since {since}",
           ja: "パスワード生成機 {serial}：{since} から使用されていません";
    NoteFormerUsers { users: String }
        => en: "  former users: {users}", ja: "  これまでの利用者：{users}";
    NoteReplacedBy { replaced: String }
        => en: "  replaced by:  {replaced}", ja: "  後継の生成機：　　{replaced}";
    NoteDisposedOf { disposed: String }
        => en: "  disposed of:  {disposed}", ja: "  廃棄：　　　　　　{disposed}";
    DisposalRule
        => en: "The organisation disposes of devices that are out of use itself; the bank does not collect them. Each device has a built-in battery, so put it out as your municipality's rules for battery-containing waste require.",
           ja: "使用を終えたパスワード生成機は、銀行への返却ではなく団体で処分します。本体に電池が入っているため、所在地の市区町村が定める分別・回収の方法に従って出してください。";

    // ---- unlock, passwd ----
    UnlockSelf { login_id: String }
        => en: "{login_id} cannot unlock themself; another master must sign, or use --recovery",
           ja: "{login_id} は自分のロックを解除できません。他のマスターユーザが署名するか、--recovery を使ってください";
    ConfirmRecovery { login_id: String }
        => en: "Clear the lockout of {login_id} without a master's signature (recorded as a recovery)?",
           ja: "マスターユーザの署名なしで {login_id} のロックを解除しますか（復旧として記録されます）？";
    Unlocked { login_id: String, actor: String }
        => en: "Unlocked {login_id} ({actor}).", ja: "{login_id} のロックを解除しました（{actor}）。";
    NewPasswordIsCurrent { login_id: String }
        => en: "the new password of {login_id} is the current one; choose another",
           ja: "{login_id} の新しいパスワードが現在のパスワードと同じです。別のパスワードにしてください";
    WasNotLocked { login_id: String }
        => en: "{login_id} was not locked.", ja: "{login_id} はロックされていません。";
    PasswdNotMaster { login_id: String }
        => en: "{login_id} is not a master user; only master users have a confirmation password",
           ja: "{login_id} はマスターユーザではありません。確認用パスワードはマスターユーザだけが持ちます";
    PasswdAsSelf
        => en: "--as names another master; to change your own password, give the current one",
           ja: "--as には他のマスターユーザを指定します。自分のパスワードを変更するには現在のパスワードを入力してください";
    NewPasswordPrompt { login_id: String }
        => en: "New confirmation password for {login_id}", ja: "{login_id} の新しい確認用パスワード";
    CurrentPasswordPrompt { login_id: String }
        => en: "Current confirmation password of {login_id}", ja: "{login_id} の現在の確認用パスワード";
    PasswordSet { login_id: String }
        => en: "Confirmation password set for {login_id}.", ja: "{login_id} の確認用パスワードを設定しました。";

    // ---- init ----
    CreatedLive { path: String }
        => en: "Created registry {path} (live: the real clock only)",
           ja: "レジストリを作成しました：{path}（本番用：実時刻のみ）";
    CreatedSimulation { path: String }
        => en: "Created registry {path} (simulation: TOKENCTL_NOW may set its clock)",
           ja: "レジストリを作成しました：{path}（シミュレーション用：TOKENCTL_NOW で時刻を設定可能）";
    KeyCreated { path: String, fingerprint: String }
        => en: "Created the key file {path} (fingerprint {fingerprint}). Back it up apart from the registry: without it the device secrets cannot be used.",
           ja: "鍵ファイル {path} を作成しました（フィンガープリント {fingerprint}）。レジストリとは別にバックアップしてください。鍵がなければパスワード生成機のシードは使えません。";
    KeyCreatedToSeal { path: String }
        => en: "note: this registry's device secrets are now sealed under a new key file, {path}. Back it up apart from the registry: without it the device secrets cannot be used.",
           ja: "注意：このレジストリのパスワード生成機のシードを、新しい鍵ファイル {path} で暗号化しました。レジストリとは別にバックアップしてください。鍵がなければシードは使えません。";
    KeyReused { path: String, fingerprint: String }
        => en: "Secrets are sealed under the existing key file {path} (fingerprint {fingerprint}).",
           ja: "シードは既存の鍵ファイル {path} で暗号化されます（フィンガープリント {fingerprint}）。";
    DemoLoaded { master: String, password: String }
        => en: "Loaded the sample organisation: 4 users, 6 devices. Master {master}'s confirmation password is {password:?}.",
           ja: "サンプルの団体を読み込みました（利用者4名、パスワード生成機6台）。マスターユーザ {master} の確認用パスワードは {password:?} です。";

    // ---- revoke ----
    StdinTwice
        => en: "--targets-file - and --password-stdin both want stdin; use --password-file or a targets file",
           ja: "--targets-file - と --password-stdin の両方が標準入力を使おうとしています。--password-file か対象ファイルを使ってください";
    BankNeedsNames
        => en: "--bank-reference records the bank's revocation of named users; name them (not --expiring-within)",
           ja: "--bank-reference は指定した利用者について銀行による失効を記録します。利用者を指定してください（--expiring-within は使えません）";
    BankReferenceInvalid
        => en: "--bank-reference must be a non-empty reference without control characters",
           ja: "--bank-reference には制御文字を含まない、空でない受付番号を指定してください";
    RevokedAtInFuture { at: String }
        => en: "--revoked-at {at} is in the future; the bank's revocation has happened already",
           ja: "--revoked-at {at} は未来の日時です。銀行による失効はすでに行われたもののはずです";
    NoTargets
        => en: "no targets: name login IDs, or use --targets-file or --expiring-within",
           ja: "対象がありません。ログインIDを指定するか、--targets-file か --expiring-within を使ってください";
    NothingExpiresInWindow
        => en: "No in-service device expires within the window; nothing to revoke.",
           ja: "期間内に有効期限を迎える利用中のパスワード生成機はありません。失効の対象はありません。";
    ConfirmRevoke { count: usize }
        => en: { format!("Revoke the devices of {}? This cannot be undone", count_en(*count as u64, "user", "users")) },
           ja: "{count} 名の生成機を失効しますか（元に戻せません）";
    NotOfferedExpired { login_ids: Vec<String> }
        => en: { format!("Not offered, their device has expired (contact the bank, then record its revocation with --bank-reference): {}", list(Lang::En, login_ids)) },
           ja: { format!("有効期限切れのため選択できません（銀行に連絡し、--bank-reference で銀行の失効を記録してください）：{}", list(Lang::Ja, login_ids)) };
    ConfirmKeys => en: "(y/n)", ja: "（y:はい/n:いいえ）";
    /// Replaces dialoguer's own ` [Page 1/2] `; spaces as it has them.
    PageMarker { page: usize, pages: usize }
        => en: " [Page {page}/{pages}] ", ja: " ［{page}/{pages} ページ］ ";
    SelectTargets
        => en: "Select the users whose device to revoke (space to select, enter to confirm)",
           ja: "失効する利用者を選択してください（スペースで選択、Enterで確定）";
    RevokeTitleConfirming
        => en: "About to revoke the devices of these users:",
           ja: "以下の利用者のパスワード生成機を失効します。";
    RevokeTitleDryRun
        => en: "Dry run: nothing was changed. These devices would be revoked:",
           ja: "確認のみ（変更はしていません）。以下の利用者のパスワード生成機が失効されます。";
    RevokeTitleBankDryRun
        => en: "Dry run: nothing was changed. The bank's revocation would be recorded for:",
           ja: "確認のみ（変更はしていません）。以下の利用者について銀行による失効を記録します。";
    RevokeTitleDone
        => en: "Revoked the devices of the following users.",
           ja: "以下の利用者が登録しているパスワード生成機の情報を失効しました。";
    RevokeTitleBankDone
        => en: "Recorded the bank's revocation of the devices of the following users.",
           ja: "以下の利用者のパスワード生成機について、銀行による失効を記録しました。";
    RegistrableOne { at: String }
        => en: "The user may register a new device from {at}.",
           ja: "{at} 以降に新しいパスワード生成機を利用登録できます。";
    RegistrableEvery { at: String }
        => en: "Every user may register a new device from {at}.",
           ja: "{at} 以降に新しいパスワード生成機を利用登録できます。";
    RegistrableOneWould { at: String }
        => en: "The user would be able to register a new device from {at}.",
           ja: "{at} 以降に新しいパスワード生成機を利用登録できます。";
    RegistrableEveryWould { at: String }
        => en: "Every user would be able to register a new device from {at}.",
           ja: "{at} 以降に新しいパスワード生成機を利用登録できます。";
    RevokesOwnDevice { master: String }
        => en: "Warning: {master} revokes their own device and cannot sign again until they register a new one.",
           ja: "注意：{master} は自身のパスワード生成機を失効します。新しい生成機を利用登録するまで署名できません。";
    RegistrationRule { wait: i64, cutoff_h: u32, cutoff_m: u32, opening_h: u32, opening_m: u32 }
        => en: "Registration opens {wait} minutes after a revocation; after one at or after {cutoff_h:02}:{cutoff_m:02} Japan time, at {opening_h:02}:{opening_m:02} on the next business day.",
           ja: "ワンタイムパスワードの利用登録は失効の{wait}分後から可能です。{cutoff_h}時{cutoff_m}分以降の失効は、翌営業日の{opening_h}時{opening_m}分以降に利用登録できます。";
    SkippedExpired { login_ids: Vec<String> }
        => en: { format!("Not revoked, their device has expired: {}. The organisation cannot revoke an expired device: contact the bank, then record its revocation with --bank-reference.", list(Lang::En, login_ids)) },
           ja: { format!("有効期限切れのため失効しません：{}。期限切れのパスワード生成機は団体では失効できません。銀行に連絡し、--bank-reference で銀行の失効を記録してください。", list(Lang::Ja, login_ids)) };

    // ---- demo ----
    DemoIntro
        => en: "tokenctl demo: the device switch-over procedure on a throw-away registry, with a simulated clock.",
           ja: "tokenctl デモ：使い捨てのレジストリと模擬時計で、パスワード生成機の切替手順を通して実行します。";
    DemoUsersHeading => en: "The organisation's users", ja: "利用者一覧";
    DemoUsersNote
        => en: "Devices 23456789 and 45678909 expire on 30 December; the bank has delivered new ones.",
           ja: "パスワード生成機 23456789 と 45678909 は12月30日に有効期限を迎えます。銀行から新しい生成機が届いています。";
    DemoDriftHeading
        => en: "taro01's device has drifted: the code is refused, with a hint",
           ja: "taro01 のパスワード生成機の時計がずれている：ワンタイムパスワードが拒否され、ヒントが表示される";
    DemoDriftNote
        => en: "Device clocks drift over the years; this one now runs 7 minutes fast. tokenctl learns each device's offset from the codes it accepts, but 7 minutes is beyond one step either side. The failure still counts toward the lockout.",
           ja: "パスワード生成機の時計は年月とともにずれます。この生成機は 7 分進んでいます。tokenctl は受け付けた値から生成機ごとのずれを学習しますが、7 分は前後 1 ステップの範囲を超えています。この失敗もロックの回数に数えられます。";
    DemoResyncNote
        => en: "Two consecutive codes of the device resynchronise its clock; both are used up, and the next code signs.",
           ja: "生成機に続けて表示される 2 つの値で時計を再同期します。2 つとも使用済みとなり、次の値で署名できます。";
    DemoRevokeHeading
        => en: "Master taro01 revokes hamako01's device on Friday night",
           ja: "マスターユーザ taro01 が金曜日の夜に hamako01 のパスワード生成機を失効";
    DemoRevokeNote
        => en: "It is after 20:30, and Monday 23 November is Labour Thanksgiving Day, so hamako01 may register again from 08:10 on Tuesday.",
           ja: "20時30分を過ぎており、11月23日（月）は勤労感謝の日のため、hamako01 の利用登録は火曜日の8時10分からとなります。";
    DemoTooEarlyHeading
        => en: "hamako01 tries to register the new device on the holiday",
           ja: "hamako01 が祝日に新しいパスワード生成機の登録を試みる";
    DemoRegisterHeading
        => en: "At 08:10 on Tuesday the registration is accepted",
           ja: "火曜日の8時10分、利用登録が受け付けられる";
    DemoExpiringHeading
        => en: "The cron report of expiring devices",
           ja: "有効期限が近いパスワード生成機の報告（cron 用）";
    DemoExpiringNote
        => en: "taro01's own device still expires on 30 December: revoke it before then.",
           ja: "taro01 自身の生成機も12月30日に有効期限を迎えます。期限前に失効してください。";
    DemoDisposalHeading
        => en: "The disposal note for the old device", ja: "旧パスワード生成機の廃棄のご案内";
    DemoDone
        => en: "Done. The demo registry has been deleted. Try it for real: tokenctl --db my.db init --demo (master password \"tokenctl-demo\").",
           ja: "以上です。デモ用のレジストリは削除しました。実際に試すには：`tokenctl --db my.db init --demo`（マスターの確認用パスワードは \"tokenctl-demo\"）。";

    // ---- register ----
    Registered { login_id: String, serial: String, at: DateTime<Utc>, expires: String }
        => en: { format!("Registered device {serial} for {login_id} at {} (usable through {expires}).", en_instant(at)) },
           ja: { format!("{login_id} のパスワード生成機 {serial} を {} に利用登録しました（有効期限 {expires}）。", ja_instant(at)) };
    PreviousOutOfUse { serial: String }
        => en: "The previous device {serial} is now out of use: see `tokenctl dispose-note {serial}`.",
           ja: "旧パスワード生成機 {serial} は使用されなくなりました。`tokenctl dispose-note {serial}` をご覧ください。";
    UsersUpdated { file: String, added: u64, updated: u64, unchanged: u64 }
        => en: "Imported users from {file}: {added} added, {updated} updated, {unchanged} unchanged.",
           ja: "{file} から利用者を取り込みました：追加 {added} 件、更新 {updated} 件、変更なし {unchanged} 件。";
    FilterPrompt { count: usize }
        => en: "{count} users are in service, more than fit on the screen. Filter by login ID, name, serial or expiry month (YYYY-MM); empty for all",
           ja: "利用中の利用者が {count} 名で、画面に収まりません。ログインID、利用者名、シリアル番号、有効期限の月（YYYY-MM）で絞り込んでください（空欄ですべて）";
    /// The short prompt under `FilterPrompt`, which is said once.
    FilterAsk => en: "Filter", ja: "絞り込み";
    FilterMatchesNone { filter: String }
        => en: "No user in service matches \"{filter}\"; try again.",
           ja: "「{filter}」に一致する利用中の利用者はいません。もう一度入力してください。";
    Selected { login_ids: Vec<String>, more: usize }
        => en: { format!("Selected: {}{}", list(Lang::En, login_ids), if *more > 0 { format!(" and {more} more") } else { String::new() }) },
           ja: { format!("選択した利用者：{}{}", list(Lang::Ja, login_ids), if *more > 0 { format!(" ほか {more} 名") } else { String::new() }) };
    DemoExpiredHeading
        => en: "After the New Year holidays, taro01's own device has expired",
           ja: "年末年始の休業明け、taro01 自身のパスワード生成機の有効期限が切れている";
    DemoExpiredNote
        => en: "Nobody revoked device 23456789 before it expired on 30 December, and the New Year holidays (31 December to 3 January) followed. Only the bank can revoke it now.",
           ja: "パスワード生成機 23456789 は12月30日の有効期限までに失効されず、そのまま年末年始の休業（12月31日〜1月3日）に入りました。いまは銀行しか失効できません。";
    DemoBankHeading
        => en: "The bank revokes the device; taro01 records the bank's revocation",
           ja: "銀行がパスワード生成機を失効し、taro01 が銀行による失効を記録";
    DemoBankNote
        => en: "The bank revoked it at 20:40 on Monday 4 January, after the 20:30 cut-off, so taro01 may register again from 08:10 the next business morning. Recording it takes his password alone: his own device can no longer give a code.",
           ja: "銀行は1月4日（月）20時40分に失効しました。20時30分以降のため、taro01 の利用登録は翌営業日の8時10分からとなります。自身の生成機はもうワンタイムパスワードを表示できないため、記録には確認用パスワードのみを使います。";
    DemoMasterRegistersHeading
        => en: "At 08:10 the next morning taro01 registers the new device",
           ja: "翌朝8時10分、taro01 が新しいパスワード生成機を利用登録";
    LoginIdTwice { login_id: Quoted }
        => en: { format!("login ID {} appears earlier in this file", login_id.en()) },
           ja: { format!("ログインID {} はこのファイルの前の行にもあります", login_id.ja()) };
    ImportChangesDevice { login_id: String, serial: String, named: String }
        => en: "the file names device {named} for {login_id}, who has device {serial} in service; an import does not change devices (a master revokes, then the user registers the new one); nothing was imported",
           ja: "ファイルは {login_id} にパスワード生成機 {named} を指定していますが、{login_id} は {serial} を利用中です。取り込みでは生成機を変更できません（マスターユーザが失効し、利用者が新しい生成機を利用登録します）。何も取り込んでいません";
    ImportNamesDevice { login_id: String, named: String }
        => en: "the file names device {named} for {login_id}, who has no device in service; an import does not change devices (the user registers it with `tokenctl register`); nothing was imported",
           ja: "ファイルは {login_id} にパスワード生成機 {named} を指定していますが、{login_id} には利用中の生成機がありません。取り込みでは生成機を変更できません（利用者が `tokenctl register` で利用登録します）。何も取り込んでいません";
    ImportTurnsOtpOff { login_id: String, serial: String }
        => en: "the file sets otp_required false for {login_id}, who has device {serial} in service; revoke it first; nothing was imported",
           ja: "ファイルは {login_id} の otp_required を false にしていますが、{login_id} はパスワード生成機 {serial} を利用中です。先に失効してください。何も取り込んでいません";
    BadFlagValue { flag: String, reason: Box<Msg> }
        => en: { format!("{flag}: {}", reason.en()) }, ja: { format!("{flag}：{}", reason.ja()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries whose two sides are the same on purpose: they only join
    /// texts that are already in the user's language.
    const SAME_IN_BOTH: &[&str] = &["TargetLine"];

    #[test]
    fn every_entry_has_both_languages_and_the_japanese_has_no_english_sentence() {
        let samples = Msg::samples();
        assert_eq!(samples.len(), Msg::KEYS.len(), "one sample per entry");
        for msg in &samples {
            let (key, en, ja) = (msg.key(), msg.en(), msg.ja());
            assert!(!en.trim().is_empty(), "{key}: no English");
            assert!(!ja.trim().is_empty(), "{key}: no Japanese");
            if !SAME_IN_BOTH.contains(&key) {
                assert_ne!(en, ja, "{key}: the Japanese is the English");
            }
            assert_eq!(english_run(&ja), None, "{key}: English in {ja:?}");
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut keys = Msg::KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Msg::KEYS.len());
    }

    #[test]
    fn english_runs_are_found_and_names_flags_and_commands_are_not() {
        assert_eq!(
            english_run("error: the code is wrong").as_deref(),
            Some("error the code")
        );
        assert_eq!(
            english_run("まだ登録できません：taro01 の利用登録").as_deref(),
            None
        );
        assert_eq!(
            english_run("`tokenctl unlock taro01` を実行。--password-stdin か --password-file")
                .as_deref(),
            None
        );
        assert_eq!(
            english_run("HMAC-SHA1 TOKENCTL_NOW RFC 3339 PSKC CSV"),
            None
        );
        assert_eq!(
            english_run("(y/n) › no"),
            None,
            "one word is not a sentence"
        );
    }

    #[test]
    fn counts_are_worded_in_both_languages() {
        let one = Msg::ImportedDevices {
            count: 1,
            file: "d.csv".into(),
        };
        assert_eq!(one.en(), "Imported 1 device from d.csv.");
        let two = Msg::ImportedUsers {
            count: 2,
            file: "u.csv".into(),
        };
        assert_eq!(two.en(), "Imported 2 users from u.csv.");
        assert_eq!(two.ja(), "u.csv から利用者を 2 名取り込みました。");
        assert_eq!(
            Msg::TargetsRefused { count: 1 }.en(),
            "revocation refused for 1 target; nothing was changed"
        );
        assert_eq!(
            Msg::ConfirmRevoke { count: 1 }.en(),
            "Revoke the devices of 1 user? This cannot be undone"
        );
    }

    #[test]
    fn os_errors_are_worded_in_japanese_when_common() {
        let e = OsError::from(&std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(e.text(Lang::Ja), "アクセスが許可されていません");
        assert!(
            e.text(Lang::En).contains("ermission denied"),
            "{}",
            e.text(Lang::En)
        );
    }
}
