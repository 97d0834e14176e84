//! What a re-imported users file may change about a user already in the
//! registry (`import users --update`).
//!
//! The name, the role and whether the user needs one-time passwords may
//! change. The device may not: devices change only by revoke and register,
//! which keep the history, the registrable-at instant and the code check
//! that prove the user holds the device. Nor may one-time passwords be
//! turned off while a device is in service: the device would stay
//! registered to a user who no longer uses it, and nothing could revoke it.

use super::refusal::Refusal;
use super::status::Role;

/// A user as the registry holds them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Current<'a> {
    pub(crate) name: &'a str,
    pub(crate) role: Role,
    pub(crate) otp_required: bool,
    /// The serial of the device in service, if any.
    pub(crate) serial_in_service: Option<&'a str>,
}

/// What a row of the file says about that user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted<'a> {
    pub(crate) name: &'a str,
    pub(crate) role: Role,
    pub(crate) otp_required: bool,
    /// The row's `serial`, when it names one.
    pub(crate) serial: Option<&'a str>,
}

/// What the row does to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Update {
    /// The row says what the registry already holds.
    Unchanged,
    /// The name, role or `otp_required` change.
    Changed,
}

/// Decides what the row for `login_id` does, or why it is refused. A row
/// may repeat the serial of the device in service (an export re-imported
/// as it is), or leave it empty; any other serial is a change of device.
pub(crate) fn decide(
    login_id: &str,
    current: Current<'_>,
    wanted: Wanted<'_>,
) -> Result<Update, Refusal> {
    if let Some(named) = wanted.serial
        && current.serial_in_service != Some(named)
    {
        return Err(Refusal::ImportChangesDevice {
            login_id: login_id.to_string(),
            in_service: current.serial_in_service.map(str::to_string),
            named: named.to_string(),
        });
    }
    if let (false, Some(serial)) = (wanted.otp_required, current.serial_in_service) {
        return Err(Refusal::ImportTurnsOtpOff {
            login_id: login_id.to_string(),
            serial: serial.to_string(),
        });
    }
    let same = current.name == wanted.name
        && current.role == wanted.role
        && current.otp_required == wanted.otp_required;
    Ok(if same {
        Update::Unchanged
    } else {
        Update::Changed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holding(serial: Option<&str>) -> Current<'_> {
        Current {
            name: "芳金 花子",
            role: Role::General,
            otp_required: true,
            serial_in_service: serial,
        }
    }

    fn row(serial: Option<&str>) -> Wanted<'_> {
        Wanted {
            name: "芳金 花子",
            role: Role::General,
            otp_required: true,
            serial,
        }
    }

    #[test]
    fn the_same_row_again_changes_nothing() {
        let current = holding(Some("45678909"));
        assert_eq!(
            decide("hamako01", current, row(Some("45678909"))),
            Ok(Update::Unchanged)
        );
        assert_eq!(
            decide("hamako01", current, row(None)),
            Ok(Update::Unchanged)
        );
    }

    #[test]
    fn name_role_and_otp_required_may_change() {
        let current = holding(Some("45678909"));
        let renamed = Wanted {
            name: "山田 花子",
            ..row(None)
        };
        assert_eq!(decide("hamako01", current, renamed), Ok(Update::Changed));
        let promoted = Wanted {
            role: Role::Master,
            ..row(Some("45678909"))
        };
        assert_eq!(decide("hamako01", current, promoted), Ok(Update::Changed));
        // Turning OTP on, or off while no device is in service.
        let off = Current {
            otp_required: false,
            ..holding(None)
        };
        assert_eq!(decide("x", off, row(None)), Ok(Update::Changed));
        let no_device = holding(None);
        let turned_off = Wanted {
            otp_required: false,
            ..row(None)
        };
        assert_eq!(decide("x", no_device, turned_off), Ok(Update::Changed));
    }

    #[test]
    fn another_serial_than_the_device_in_service_is_refused() {
        assert_eq!(
            decide("hamako01", holding(Some("45678909")), row(Some("56789012"))),
            Err(Refusal::ImportChangesDevice {
                login_id: "hamako01".into(),
                in_service: Some("45678909".into()),
                named: "56789012".into(),
            })
        );
    }

    #[test]
    fn a_serial_for_a_user_without_a_device_in_service_is_refused() {
        assert_eq!(
            decide("shiro01", holding(None), row(Some("56789012"))),
            Err(Refusal::ImportChangesDevice {
                login_id: "shiro01".into(),
                in_service: None,
                named: "56789012".into(),
            })
        );
    }

    #[test]
    fn otp_cannot_be_turned_off_while_a_device_is_in_service() {
        let off = Wanted {
            otp_required: false,
            ..row(None)
        };
        assert_eq!(
            decide("hamako01", holding(Some("45678909")), off),
            Err(Refusal::ImportTurnsOtpOff {
                login_id: "hamako01".into(),
                serial: "45678909".into(),
            })
        );
    }
}
