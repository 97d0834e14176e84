//! A user's OTP status, as the procedure's screen shows it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// サービス利用中: a device is registered.
    Active,
    /// 失効中: no device; a registration is due.
    Revoked,
    /// `-`: this user does not use OTP at all.
    NotRequired,
}

impl Status {
    /// The JSON and CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Revoked => "revoked",
            Status::NotRequired => "not_required",
        }
    }

    pub fn of(otp_required: bool, has_device: bool) -> Status {
        match (otp_required, has_device) {
            (false, _) => Status::NotRequired,
            (true, true) => Status::Active,
            (true, false) => Status::Revoked,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Master,
    General,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Master => "master",
            Role::General => "general",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "master" => Some(Role::Master),
            "general" => Some(Role::General),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_is_the_serde_spelling() {
        for status in [Status::Active, Status::Revoked, Status::NotRequired] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn status_follows_requirement_then_device() {
        assert_eq!(Status::of(true, true), Status::Active);
        assert_eq!(Status::of(true, false), Status::Revoked);
        assert_eq!(Status::of(false, false), Status::NotRequired);
    }
}
