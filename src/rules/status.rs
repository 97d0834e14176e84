//! A user's OTP status, as the procedure's screen shows it, and roles.
//! (How they are read from flags and written to JSON is the CLI's and the
//! output's business: `cli::RoleFilter`, `output`'s `Serialize`.)

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// サービス利用中: a device is registered.
    Active,
    /// 失効中: no device; a registration is due.
    Revoked,
    /// `-`: this user does not use OTP at all.
    NotRequired,
}

impl Status {
    /// The JSON and CSV spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Revoked => "revoked",
            Status::NotRequired => "not_required",
        }
    }

    pub(crate) fn of(otp_required: bool, has_device: bool) -> Status {
        match (otp_required, has_device) {
            (false, _) => Status::NotRequired,
            (true, true) => Status::Active,
            (true, false) => Status::Revoked,
        }
    }

    /// What a user's rows must say to have this status: the `list
    /// --status` filter, which the store turns into SQL. It selects
    /// exactly the users `Status::of` gives this status.
    pub(crate) fn condition(self) -> Condition {
        match self {
            Status::Active => Condition {
                otp_required: Some(true),
                has_device: Some(true),
            },
            Status::Revoked => Condition {
                otp_required: Some(true),
                has_device: Some(false),
            },
            Status::NotRequired => Condition {
                otp_required: Some(false),
                has_device: None,
            },
        }
    }
}

/// Which users a status filter selects: `None` accepts either value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Condition {
    pub(crate) otp_required: Option<bool>,
    pub(crate) has_device: Option<bool>,
}

impl Condition {
    #[cfg(test)]
    pub(crate) fn matches(self, otp_required: bool, has_device: bool) -> bool {
        self.otp_required.is_none_or(|want| want == otp_required)
            && self.has_device.is_none_or(|want| want == has_device)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Master,
    General,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Master => "master",
            Role::General => "general",
        }
    }

    /// A role as a file writes it: `master`/`general`, or as the Japanese
    /// list shows it (`マスターユーザ`, `一般ユーザ`, also with the long
    /// vowel mark `ー` and in short `マスター`, `一般`).
    pub(crate) fn parse(text: &str) -> Option<Role> {
        match text {
            "master" | "マスターユーザ" | "マスターユーザー" | "マスター" => {
                Some(Role::Master)
            }
            "general" | "一般ユーザ" | "一般ユーザー" | "一般" => Some(Role::General),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spellings SPEC's JSON shapes use.
    #[test]
    fn statuses_and_roles_are_spelled_as_the_spec_spells_them() {
        let statuses = [Status::Active, Status::Revoked, Status::NotRequired].map(Status::as_str);
        assert_eq!(statuses, ["active", "revoked", "not_required"]);
        assert_eq!(
            [Role::Master, Role::General].map(Role::as_str),
            ["master", "general"]
        );
    }

    #[test]
    fn a_status_filter_selects_exactly_the_users_of_that_status() {
        for status in [Status::Active, Status::Revoked, Status::NotRequired] {
            for otp_required in [false, true] {
                for has_device in [false, true] {
                    assert_eq!(
                        status.condition().matches(otp_required, has_device),
                        Status::of(otp_required, has_device) == status,
                        "{status:?} otp_required {otp_required} device {has_device}"
                    );
                }
            }
        }
    }

    #[test]
    fn roles_are_spelled_as_the_users_file_spells_them() {
        for (role, text) in [(Role::Master, "master"), (Role::General, "general")] {
            assert_eq!(role.as_str(), text);
            assert_eq!(Role::parse(text), Some(role));
        }
        assert_eq!(Role::parse("Master"), None);
        assert_eq!(Role::parse("マスターユーザ"), Some(Role::Master));
        assert_eq!(Role::parse("一般ユーザ"), Some(Role::General));
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn status_follows_requirement_then_device() {
        assert_eq!(Status::of(true, true), Status::Active);
        assert_eq!(Status::of(true, false), Status::Revoked);
        assert_eq!(Status::of(false, false), Status::NotRequired);
        assert_eq!(Status::of(false, true), Status::NotRequired);
    }
}
