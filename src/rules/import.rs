//! What an imported users file or device delivery may contain: the columns
//! of each file, and the checks every row (and every key of a PSKC
//! container) passes before anything is written. Pure: a row arrives as the
//! text of its fields and leaves as the values the registry stores, or as
//! the reason it was refused.
//!
//! A reason is a message of the catalogue that quotes at most a short,
//! single-line part of a field (`text::quote_field`), and never any part of
//! a secret: an error message is shown on a terminal and may be pasted into
//! a ticket.

use std::collections::HashMap;

use chrono::NaiveDate;
use zeroize::Zeroizing;

use crate::input::{Quoted, quote_field, typed};
use crate::rules::otp::{Algorithm, BadSecret, DeviceKey, MIN_SECRET_BYTES, parse_secret};
use crate::rules::status::Role;

/// Which file is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Users,
    Devices,
}

impl Kind {
    /// The columns every file of this kind has.
    pub(crate) fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Users => &["login_id", "name", "role", "otp_required"],
            Kind::Devices => &["serial", "secret", "expires"],
        }
    }

    /// The columns a file may leave out.
    pub(crate) fn optional(self) -> &'static [&'static str] {
        match self {
            Kind::Users => &["serial"],
            Kind::Devices => &["digits", "period", "algorithm"],
        }
    }

    /// Every column, in the order the messages name them.
    pub(crate) fn expected(self) -> String {
        let mut all: Vec<&str> = self.required().to_vec();
        all.extend(self.optional().iter().copied());
        all.join(",")
    }
}

/// A user to insert.
pub(crate) struct NewUser {
    pub(crate) login_id: String,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) otp_required: bool,
}

/// A row of the users file, checked but not yet looked up: the device it
/// names must already be in the registry.
pub(crate) struct UserIn {
    pub(crate) user: NewUser,
    /// The device the user already uses, when the row names one.
    pub(crate) serial: Option<String>,
}

/// A delivered device to insert.
pub(crate) struct NewDevice {
    pub(crate) serial: String,
    pub(crate) key: DeviceKey,
    pub(crate) expires: NaiveDate,
}

/// One row of a file, read by column name.
pub(crate) trait Fields {
    /// The text of `column` as the file has it, or "" when the optional
    /// column is absent.
    fn get(&self, column: &str) -> &str;
}

/// Why a header or a row of an import file is refused, typed; the
/// catalogue words it (`From<BadInput> for Msg`). Values are quoted only
/// through `Quoted`, and a device row names its serial and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BadInput {
    /// A PSKC container given to `import users`.
    XmlGivenAsUsers,
    UnknownColumn {
        quoted: Quoted,
        expected: String,
    },
    ColumnTwice {
        quoted: Quoted,
    },
    MissingColumn {
        name: String,
        expected: String,
    },
    IdEmpty {
        column: String,
    },
    IdMalformed {
        column: String,
        quoted: Quoted,
        max: usize,
    },
    LoginIdChars {
        quoted: Quoted,
        max: usize,
    },
    NameEmpty {
        login_id: Quoted,
    },
    NameControls {
        login_id: Quoted,
    },
    NameTooLong {
        login_id: Quoted,
        max: usize,
    },
    RoleInvalid {
        quoted: Quoted,
    },
    OtpRequiredInvalid {
        quoted: Quoted,
    },
    NoOtpButSerial {
        login_id: Quoted,
        serial: Quoted,
    },
    /// A device row's problem, naming only its serial.
    DeviceSecret {
        serial: Quoted,
        problem: Box<BadInput>,
    },
    Secret(BadSecret),
    ExpiresInvalid,
    DigitsNot6Or8,
    PeriodNotSeconds,
    AlgorithmNotKnown,
    DigitsInvalid {
        quoted: Quoted,
    },
    PeriodInvalid {
        quoted: Quoted,
    },
}

/// The columns of a header, by name. A byte-order mark before the first
/// name is not part of it. Refuses unknown, repeated and missing columns.
pub(crate) fn columns<'a>(
    kind: Kind,
    header: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, usize>, BadInput> {
    let mut map = HashMap::new();
    for (i, name) in header.into_iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}');
        if i == 0 && kind == Kind::Users && name.trim_start().starts_with('<') {
            // `<?xml …` or `<KeyContainer …`: a device delivery.
            return Err(BadInput::XmlGivenAsUsers);
        }
        let name = column_alias(kind, name).unwrap_or(name);
        if !kind.required().contains(&name) && !kind.optional().contains(&name) {
            return Err(BadInput::UnknownColumn {
                quoted: quote_field(name),
                expected: kind.expected(),
            });
        }
        if map.insert(name.to_string(), i).is_some() {
            return Err(BadInput::ColumnTwice {
                quoted: quote_field(name),
            });
        }
    }
    if let Some(missing) = kind.required().iter().find(|c| !map.contains_key(**c)) {
        return Err(BadInput::MissingColumn {
            name: missing.to_string(),
            expected: kind.expected(),
        });
    }
    Ok(map)
}

/// The column a header names by the label a table shows for it
/// (`--lang ja list` prints `ログインID`, `利用者区分`; English `Login ID`),
/// so a list saved from the screen reads back.
fn column_alias(kind: Kind, name: &str) -> Option<&'static str> {
    let column = match typed(name).as_str() {
        "ログインID" | "Login ID" => "login_id",
        "利用者名" | "User name" => "name",
        "利用者区分" | "Role" => "role",
        "シリアル番号" | "Serial" => "serial",
        "パスワード生成機有効期限" | "Device expires" => "expires",
        _ => return None,
    };
    (kind.required().contains(&column) || kind.optional().contains(&column)).then_some(column)
}

/// The longest login ID or serial, in bytes.
pub(crate) const MAX_ID_BYTES: usize = 64;

/// A login ID or serial: not empty, at most `MAX_ID_BYTES`, no spaces or
/// control characters.
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), BadInput> {
    if id.is_empty() {
        return Err(BadInput::IdEmpty {
            column: what.to_string(),
        });
    }
    if id.len() > MAX_ID_BYTES || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(BadInput::IdMalformed {
            column: what.to_string(),
            quoted: quote_field(id),
            max: MAX_ID_BYTES,
        });
    }
    Ok(())
}

/// A login ID: 1 to `MAX_ID_BYTES` letters, digits, `.`, `_`, `-` or `@`
/// (SPEC §5.5): what a bank's login form takes, and nothing a terminal, a
/// shell or a spreadsheet reads as something else.
pub(crate) fn check_login_id(id: &str) -> Result<(), BadInput> {
    check_id("login_id", id)?;
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(BadInput::LoginIdChars {
            quoted: quote_field(id),
            max: MAX_ID_BYTES,
        });
    }
    Ok(())
}

/// The most characters of a user's name.
pub(crate) const MAX_NAME_CHARS: usize = 100;

/// A name: not empty, at most `MAX_NAME_CHARS`, and without characters that
/// garble a table or disguise a name on screen (controls, bidirectional
/// marks and overrides, zero-width characters).
fn check_name(login_id: &str, name: &str) -> Result<(), BadInput> {
    if name.is_empty() {
        return Err(BadInput::NameEmpty {
            login_id: quote_field(login_id),
        });
    }
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if name.chars().any(hidden) {
        return Err(BadInput::NameControls {
            login_id: quote_field(login_id),
        });
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(BadInput::NameTooLong {
            login_id: quote_field(login_id),
            max: MAX_NAME_CHARS,
        });
    }
    Ok(())
}

/// A row of the users file. Login IDs and serials may be typed in
/// full-width forms; names are kept as written.
pub(crate) fn user(fields: &impl Fields) -> Result<UserIn, BadInput> {
    let login_id = typed(fields.get("login_id"));
    check_login_id(&login_id)?;
    let name = fields.get("name");
    check_name(&login_id, name)?;
    let role = Role::parse(&typed(fields.get("role"))).ok_or_else(|| BadInput::RoleInvalid {
        quoted: quote_field(fields.get("role")),
    })?;
    let otp_required = match typed(fields.get("otp_required"))
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "1" | "yes" | "はい" => true,
        "false" | "0" | "no" | "いいえ" => false,
        _ => {
            return Err(BadInput::OtpRequiredInvalid {
                quoted: quote_field(fields.get("otp_required")),
            });
        }
    };
    let serial = typed(fields.get("serial"));
    let serial = if serial.is_empty() {
        None
    } else {
        check_id("serial", &serial)?;
        if !otp_required {
            return Err(BadInput::NoOtpButSerial {
                login_id: quote_field(&login_id),
                serial: quote_field(&serial),
            });
        }
        Some(serial)
    };
    Ok(UserIn {
        user: NewUser {
            login_id,
            name: name.to_string(),
            role,
            otp_required,
        },
        serial,
    })
}

/// A row of a CSV delivery. Digits, period and algorithm default to what
/// most devices use (6, 30 s, SHA1). The secret is reported by position
/// only: no part of it is ever echoed.
pub(crate) fn device(fields: &impl Fields) -> Result<NewDevice, BadInput> {
    let serial = typed(fields.get("serial"));
    check_id("serial", &serial)?;
    let secret = parse_secret(fields.get("secret")).map_err(|problem| BadInput::DeviceSecret {
        serial: quote_field(&serial),
        problem: Box::new(BadInput::Secret(problem)),
    })?;
    // No field but the serial is quoted: see `Msg::ExpiresInvalid`.
    let bad = |problem: BadInput| BadInput::DeviceSecret {
        serial: quote_field(&serial),
        problem: Box::new(problem),
    };
    let expires = crate::time::parse_date(&typed(fields.get("expires")))
        .ok_or_else(|| bad(BadInput::ExpiresInvalid))?;
    let digits = match fields.get("digits") {
        "" | "6" => 6,
        "8" => 8,
        _ => return Err(bad(BadInput::DigitsNot6Or8)),
    };
    let period = match fields.get("period") {
        "" => 30,
        text => text
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=3600).contains(p))
            .ok_or_else(|| bad(BadInput::PeriodNotSeconds))?,
    };
    let algorithm = match fields.get("algorithm") {
        "" => Algorithm::Sha1,
        text => text
            .parse::<Algorithm>()
            .map_err(|_| bad(BadInput::AlgorithmNotKnown))?,
    };
    Ok(NewDevice {
        serial,
        key: DeviceKey {
            secret: Zeroizing::new(secret),
            algorithm,
            digits,
            period,
        },
        expires,
    })
}

/// A key of a PSKC container, as the container describes it.
pub(crate) struct DeliveredKey<'a> {
    pub(crate) serial: &'a str,
    pub(crate) secret: &'a Zeroizing<Vec<u8>>,
    pub(crate) digits: u32,
    pub(crate) period: u64,
    pub(crate) algorithm: Algorithm,
    pub(crate) expires: NaiveDate,
}

/// A key of a PSKC container, through the checks a CSV row passes.
pub(crate) fn delivered_device(key: &DeliveredKey<'_>) -> Result<NewDevice, BadInput> {
    let serial = typed(key.serial);
    check_id("serial", &serial)?;
    if key.secret.len() < MIN_SECRET_BYTES {
        return Err(BadInput::DeviceSecret {
            serial: quote_field(&serial),
            problem: Box::new(BadInput::Secret(BadSecret::TooShort {
                bits: key.secret.len() * 8,
                needed: MIN_SECRET_BYTES * 8,
            })),
        });
    }
    let digits = match key.digits {
        6 => 6,
        8 => 8,
        other => {
            return Err(BadInput::DigitsInvalid {
                quoted: Quoted::Shown(other.to_string()),
            });
        }
    };
    let period = u32::try_from(key.period)
        .ok()
        .filter(|p| (1..=3600).contains(p))
        .ok_or_else(|| BadInput::PeriodInvalid {
            quoted: Quoted::Shown(key.period.to_string()),
        })?;
    Ok(NewDevice {
        serial,
        key: DeviceKey {
            secret: key.secret.clone(),
            algorithm: key.algorithm,
            digits,
            period,
        },
        expires: key.expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row given as (column, value) pairs.
    struct Row<'a>(&'a [(&'a str, &'a str)]);

    impl Fields for Row<'_> {
        fn get(&self, column: &str) -> &str {
            self.0
                .iter()
                .find(|(c, _)| *c == column)
                .map_or("", |(_, v)| v)
        }
    }

    const TARO: [(&str, &str); 5] = [
        ("login_id", "taro01"),
        ("name", "芳金 太郎"),
        ("role", "master"),
        ("otp_required", "true"),
        ("serial", "23456789"),
    ];

    /// A refusal in English, as the tests compare it (worded by the
    /// catalogue, as the commands word it).
    fn reason<T>(result: Result<T, BadInput>) -> Option<String> {
        result.err().map(|m| crate::catalogue::Msg::from(m).en())
    }

    /// `TARO` with `column` set to `value`.
    fn taro_with(column: &str, value: &str) -> Result<UserIn, BadInput> {
        let row: Vec<(&str, &str)> = TARO
            .iter()
            .map(|&(c, v)| if c == column { (c, value) } else { (c, v) })
            .collect();
        user(&Row(&row))
    }

    const DEVICE: [(&str, &str); 6] = [
        ("serial", "23456789"),
        ("secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        ("expires", "2026-12-30"),
        ("digits", ""),
        ("period", ""),
        ("algorithm", ""),
    ];

    fn device_with(column: &str, value: &str) -> Result<NewDevice, BadInput> {
        let row: Vec<(&str, &str)> = DEVICE
            .iter()
            .map(|&(c, v)| if c == column { (c, value) } else { (c, v) })
            .collect();
        device(&Row(&row))
    }

    #[test]
    fn a_complete_user_row_is_read_as_written() {
        let row = user(&Row(&TARO)).unwrap();
        assert_eq!(row.user.login_id, "taro01");
        assert_eq!(row.user.name, "芳金 太郎");
        assert_eq!(row.user.role, Role::Master);
        assert!(row.user.otp_required);
        assert_eq!(row.serial.as_deref(), Some("23456789"));
        let general = taro_with("role", "general").unwrap();
        assert_eq!(general.user.role, Role::General);
        let no_device = taro_with("serial", "").unwrap();
        assert_eq!(no_device.serial, None);
    }

    #[test]
    fn otp_required_is_true_or_false_in_any_case() {
        assert!(taro_with("otp_required", "TRUE").unwrap().user.otp_required);
        let row: Vec<(&str, &str)> = vec![
            ("login_id", "x"),
            ("name", "X"),
            ("role", "general"),
            ("otp_required", "False"),
        ];
        assert!(!user(&Row(&row)).unwrap().user.otp_required);
        for (text, value) in [
            ("1", true),
            ("0", false),
            ("Yes", true),
            ("no", false),
            ("はい", true),
            ("いいえ", false),
        ] {
            let row = [row[0], row[1], row[2], ("otp_required", text)];
            assert_eq!(user(&Row(&row)).unwrap().user.otp_required, value, "{text}");
        }
        assert_eq!(
            reason(taro_with("otp_required", "maybe")).unwrap(),
            "otp_required \"maybe\" is not true or false (also 1/0, yes/no, はい/いいえ)"
        );
    }

    #[test]
    fn user_rows_are_refused_with_the_reason() {
        for (column, value, expected) in [
            ("login_id", "", "login_id is empty"),
            (
                "login_id",
                "a b",
                "login_id \"a b\" must be at most 64 characters without spaces",
            ),
            ("name", "", "name of \"taro01\" is empty"),
            (
                "name",
                "a\u{1b}[2J",
                "name of \"taro01\" contains control, bidirectional or zero-width characters",
            ),
            (
                "role",
                "admin",
                "role \"admin\" is not master or general (マスターユーザ or 一般ユーザ)",
            ),
            (
                "role",
                "Master",
                "role \"Master\" is not master or general (マスターユーザ or 一般ユーザ)",
            ),
            (
                "serial",
                "1 2",
                "serial \"1 2\" must be at most 64 characters without spaces",
            ),
        ] {
            assert_eq!(
                reason(taro_with(column, value)).as_deref(),
                Some(expected),
                "{column} {value:?}"
            );
        }
    }

    #[test]
    fn a_user_without_otp_names_no_device() {
        let row: Vec<(&str, &str)> = vec![
            ("login_id", "jiro01"),
            ("name", "J"),
            ("role", "general"),
            ("otp_required", "false"),
            ("serial", "123"),
        ];
        assert_eq!(
            reason(user(&Row(&row))).as_deref(),
            Some("\"jiro01\" does not use OTP (otp_required false) but names device \"123\"")
        );
    }

    #[test]
    fn full_width_login_ids_and_serials_are_read_as_ascii() {
        let row = [
            ("login_id", "ｙａｍａｄａ０１"),
            ("name", "山田 太郎"),
            ("role", "general"),
            ("otp_required", "true"),
            ("serial", "１２３４"),
        ];
        let user = user(&Row(&row)).unwrap();
        assert_eq!(user.user.login_id, "yamada01");
        assert_eq!(user.user.name, "山田 太郎", "names are kept as written");
        assert_eq!(user.serial.as_deref(), Some("1234"));
    }

    #[test]
    fn ids_are_limited_to_64_bytes() {
        assert!(check_id("serial", &"9".repeat(MAX_ID_BYTES)).is_ok());
        assert!(check_id("serial", &"9".repeat(MAX_ID_BYTES + 1)).is_err());
        assert!(check_id("serial", "a\tb").is_err());
        assert!(check_id("serial", "a\u{7}").is_err());
        assert_eq!(reason(check_id("serial", "")).unwrap(), "serial is empty");
    }

    #[test]
    fn a_device_row_takes_the_common_defaults() {
        let d = device(&Row(&DEVICE)).unwrap();
        assert_eq!(d.serial, "23456789");
        assert_eq!(d.key.secret.as_slice(), b"12345678901234567890");
        assert_eq!(d.key.digits, 6);
        assert_eq!(d.key.period, 30);
        assert_eq!(d.key.algorithm, Algorithm::Sha1);
        assert_eq!(d.expires, NaiveDate::from_ymd_opt(2026, 12, 30).unwrap());
    }

    #[test]
    fn a_device_row_gives_its_own_parameters() {
        let row = [
            ("serial", "１２"),
            ("secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            ("expires", "2031-11-30"),
            ("digits", "8"),
            ("period", "3600"),
            ("algorithm", "sha-256"),
        ];
        let d = device(&Row(&row)).unwrap();
        assert_eq!(d.serial, "12");
        assert_eq!(d.key.digits, 8);
        assert_eq!(d.key.period, 3600);
        assert_eq!(d.key.algorithm, Algorithm::Sha256);
        assert_eq!(device_with("period", "1").unwrap().key.period, 1);
        assert_eq!(device_with("digits", "6").unwrap().key.digits, 6);
    }

    #[test]
    fn device_rows_are_refused_with_the_reason() {
        for (column, value, expected) in [
            ("serial", "", "serial is empty"),
            (
                "secret",
                "GEZDGNBVGY3TQOJ1",
                "device \"23456789\": the secret is not base32 (character 16 is not A-Z or 2-7)",
            ),
            (
                "expires",
                "2026-02-30",
                "device \"23456789\": expires is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日)",
            ),
            ("digits", "7", "device \"23456789\": digits is not 6 or 8"),
            (
                "period",
                "0",
                "device \"23456789\": period is not a number of seconds from 1 to 3600",
            ),
            (
                "period",
                "3601",
                "device \"23456789\": period is not a number of seconds from 1 to 3600",
            ),
            (
                "algorithm",
                "MD5",
                "device \"23456789\": algorithm is not SHA1, SHA256 or SHA512",
            ),
        ] {
            assert_eq!(
                reason(device_with(column, value)).as_deref(),
                Some(expected),
                "{column} {value:?}"
            );
        }
    }

    #[test]
    fn a_pskc_key_passes_the_checks_of_a_csv_row() {
        let secret = Zeroizing::new(b"12345678901234567890".to_vec());
        let expires = NaiveDate::from_ymd_opt(2031, 11, 30).unwrap();
        let key = |serial, digits, period| DeliveredKey {
            serial,
            secret: &secret,
            digits,
            period,
            algorithm: Algorithm::Sha512,
            expires,
        };
        let d = delivered_device(&key("１２３", 8, 60)).unwrap();
        assert_eq!(d.serial, "123");
        assert_eq!(
            (d.key.digits, d.key.period, d.key.algorithm),
            (8, 60, Algorithm::Sha512)
        );
        assert_eq!(d.key.secret.as_slice(), secret.as_slice());
        assert_eq!(d.expires, expires);
        assert_eq!(delivered_device(&key("1", 6, 1)).unwrap().key.digits, 6);
        assert_eq!(
            delivered_device(&key("1", 6, 3600)).unwrap().key.period,
            3600
        );
        assert_eq!(
            reason(delivered_device(&key("1", 7, 30))).as_deref(),
            Some("digits 7 is not 6 or 8")
        );
        for period in [0, 3601, u64::from(u32::MAX) + 30] {
            assert_eq!(
                reason(delivered_device(&key("1", 6, period))),
                Some(format!(
                    "period {period} is not a number of seconds from 1 to 3600"
                ))
            );
        }
        assert_eq!(
            reason(delivered_device(&key("", 6, 30))).as_deref(),
            Some("serial is empty")
        );
        let short = Zeroizing::new(vec![0u8; MIN_SECRET_BYTES - 1]);
        let short_key = DeliveredKey {
            secret: &short,
            ..key("9", 6, 30)
        };
        assert_eq!(
            reason(delivered_device(&short_key)).as_deref(),
            Some("device \"9\": the secret is too short (72 bits; at least 80 are needed)")
        );
        let enough = Zeroizing::new(vec![0u8; MIN_SECRET_BYTES]);
        let enough_key = DeliveredKey {
            secret: &enough,
            ..key("9", 6, 30)
        };
        assert!(delivered_device(&enough_key).is_ok());
    }

    #[test]
    fn headers_name_known_columns_once() {
        let map = columns(Kind::Devices, ["\u{feff}serial", "expires", "secret"]).unwrap();
        assert_eq!(map["serial"], 0);
        assert_eq!(map["expires"], 1);
        assert_eq!(map["secret"], 2);
        assert_eq!(
            reason(columns(
                Kind::Devices,
                ["serial", "secret", "expires", "colour"]
            ))
            .unwrap(),
            "unknown column \"colour\"; expected serial,secret,expires,digits,period,algorithm"
        );
        assert_eq!(
            reason(columns(Kind::Users, ["login_id", "name", "role", "role"])).unwrap(),
            "column \"role\" appears twice"
        );
        assert_eq!(
            reason(columns(Kind::Users, ["login_id", "name", "role"])).unwrap(),
            "missing column \"otp_required\"; expected login_id,name,role,otp_required,serial"
        );
        assert!(
            columns(
                Kind::Users,
                ["login_id", "name", "role", "otp_required", "serial"]
            )
            .is_ok()
        );
    }

    /// A list saved from the screen reads back: its headers are the
    /// table's labels, in either language, full-width forms included.
    #[test]
    fn headers_may_be_the_labels_a_table_shows() {
        for header in [
            [
                "ログインID",
                "利用者名",
                "利用者区分",
                "otp_required",
                "シリアル番号",
            ],
            ["Login ID", "User name", "Role", "otp_required", "Serial"],
            [
                "ログインＩＤ",
                "利用者名",
                "利用者区分",
                "otp_required",
                "serial",
            ],
        ] {
            let map = columns(Kind::Users, header).unwrap();
            for (i, column) in ["login_id", "name", "role", "otp_required", "serial"]
                .iter()
                .enumerate()
            {
                assert_eq!(map[*column], i, "{header:?}");
            }
        }
        let map = columns(
            Kind::Devices,
            ["Serial", "secret", "パスワード生成機有効期限"],
        )
        .unwrap();
        assert_eq!((map["serial"], map["expires"]), (0, 2));
        // A label of a column the other kind has is no alias here.
        assert_eq!(
            reason(columns(
                Kind::Devices,
                ["serial", "secret", "expires", "Role"]
            ))
            .unwrap(),
            "unknown column \"Role\"; expected serial,secret,expires,digits,period,algorithm"
        );
    }

    /// A name of 100 characters (not bytes: Japanese takes three a
    /// character) is read; one of 101 is refused.
    #[test]
    fn names_are_limited_to_100_characters() {
        let name = |n: usize| "芳".repeat(n);
        assert!(check_name("taro01", &name(MAX_NAME_CHARS)).is_ok());
        assert!(matches!(
            check_name("taro01", &name(MAX_NAME_CHARS + 1)),
            Err(BadInput::NameTooLong { max: 100, .. })
        ));
    }

    /// A PSKC container given to `import users` is named as what it is,
    /// from its first column only.
    #[test]
    fn an_xml_header_is_a_device_delivery_only_in_first_place_of_a_users_file() {
        assert!(matches!(
            columns(Kind::Users, ["<?xml version=\"1.0\"?>"]),
            Err(BadInput::XmlGivenAsUsers)
        ));
        assert!(matches!(
            columns(Kind::Users, ["\u{feff} <KeyContainer"]),
            Err(BadInput::XmlGivenAsUsers)
        ));
        assert!(matches!(
            columns(Kind::Devices, ["<?xml"]),
            Err(BadInput::UnknownColumn { .. })
        ));
        assert!(matches!(
            columns(Kind::Users, ["login_id", "<name"]),
            Err(BadInput::UnknownColumn { .. })
        ));
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            crate::time::parse_date("2026-12-30"),
            NaiveDate::from_ymd_opt(2026, 12, 30)
        );
        assert!(crate::time::parse_date("2028-02-29").is_some());
        for bad in [
            "2026-02-30",
            "2027-02-29",
            "2026-13-01",
            "2026-1-05",
            "26-01-05",
            "2026-01-051",
            "2026-01-5",
            "2026-01x05",
            "20a6-01-05",
            "",
        ] {
            assert!(crate::time::parse_date(bad).is_none(), "{bad}");
        }
    }
}
