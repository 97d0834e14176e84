//! Who may confirm a revocation, and which users can be revoked.

use chrono::NaiveDate;

use super::expiry::is_expired;
use super::refusal::{Refusal, TargetRefusal};
use super::status::{Role, Status};

/// A device as these rules see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeviceView<'a> {
    pub(crate) serial: &'a str,
    pub(crate) expires: NaiveDate,
}

/// A master confirms with the code of their own device: they must be a
/// master user with a device in service that has not expired.
/// That `login_id` is a master: all a dry run asks of whoever it is run as
/// (it needs no credentials, so not a usable device either).
pub(crate) fn check_master_role(login_id: &str, role: Role) -> Result<(), Refusal> {
    if role != Role::Master {
        return Err(Refusal::NotMaster {
            login_id: login_id.into(),
        });
    }
    Ok(())
}

pub(crate) fn check_master(
    login_id: &str,
    role: Role,
    device: Option<DeviceView<'_>>,
    today: NaiveDate,
) -> Result<(), Refusal> {
    check_master_role(login_id, role)?;
    let Some(device) = device else {
        return Err(Refusal::MasterWithoutDevice {
            login_id: login_id.into(),
        });
    };
    if is_expired(device.expires, today) {
        return Err(Refusal::MasterDeviceExpired {
            login_id: login_id.into(),
            serial: device.serial.into(),
            expires: device.expires,
        });
    }
    Ok(())
}

/// A user can be revoked while their device is in service and not expired:
/// an expired device can only be handled by the bank.
pub(crate) fn check_target(
    status: Status,
    device: Option<DeviceView<'_>>,
    today: NaiveDate,
) -> Result<(), TargetRefusal> {
    match (status, device) {
        (Status::NotRequired, _) => Err(TargetRefusal::NoOtp),
        (Status::Revoked, _) | (Status::Active, None) => Err(TargetRefusal::NotInService),
        (Status::Active, Some(d)) if is_expired(d.expires, today) => {
            Err(TargetRefusal::DeviceExpired {
                serial: d.serial.into(),
                expires: d.expires,
            })
        }
        (Status::Active, Some(_)) => Ok(()),
    }
}

/// The targets of a revocation the bank carried out: any user with a
/// device in service, expired or not (the bank is the only one who can
/// revoke an expired device).
pub(crate) fn check_bank_target(
    status: Status,
    device: Option<DeviceView<'_>>,
) -> Result<(), TargetRefusal> {
    match (status, device) {
        (Status::NotRequired, _) => Err(TargetRefusal::NoOtp),
        (Status::Revoked, _) | (Status::Active, None) => Err(TargetRefusal::NotInService),
        (Status::Active, Some(_)) => Ok(()),
    }
}

/// Recording a bank's revocation needs a master's password, and the code
/// of their own device while it can give one: in service and not expired.
pub(crate) fn bank_record_needs_code(
    role: Role,
    login_id: &str,
    device: Option<DeviceView<'_>>,
    today: NaiveDate,
) -> Result<bool, Refusal> {
    if role != Role::Master {
        return Err(Refusal::NotMaster {
            login_id: login_id.into(),
        });
    }
    Ok(device.is_some_and(|d| !is_expired(d.expires, today)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const DEVICE: DeviceView<'static> = DeviceView {
        serial: "23456789",
        expires: NaiveDate::from_ymd_opt(2026, 12, 30).unwrap(),
    };

    #[test]
    fn a_master_may_confirm_through_the_last_valid_day() {
        assert_eq!(
            check_master("m", Role::Master, Some(DEVICE), d("2026-12-30")),
            Ok(())
        );
        assert!(matches!(
            check_master("m", Role::Master, Some(DEVICE), d("2026-12-31")),
            Err(Refusal::MasterDeviceExpired { .. })
        ));
        assert!(matches!(
            check_master("g", Role::General, Some(DEVICE), d("2026-12-01")),
            Err(Refusal::NotMaster { .. })
        ));
        assert!(matches!(
            check_master("m", Role::Master, None, d("2026-12-01")),
            Err(Refusal::MasterWithoutDevice { .. })
        ));
    }

    #[test]
    fn targets_are_revocable_only_in_service_and_unexpired() {
        let today = d("2026-12-30");
        assert_eq!(check_target(Status::Active, Some(DEVICE), today), Ok(()));
        assert_eq!(
            check_target(Status::Active, Some(DEVICE), d("2026-12-31")),
            Err(TargetRefusal::DeviceExpired {
                serial: "23456789".into(),
                expires: d("2026-12-30")
            })
        );
        assert_eq!(
            check_target(Status::Revoked, None, today),
            Err(TargetRefusal::NotInService)
        );
        assert_eq!(
            check_target(Status::NotRequired, None, today),
            Err(TargetRefusal::NoOtp)
        );
    }

    #[test]
    fn the_bank_may_revoke_expired_devices_and_a_master_signs_without_an_expired_device() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let expired = DeviceView {
            serial: "1",
            expires: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        };
        let last_day = DeviceView {
            serial: "2",
            expires: today,
        };
        assert_eq!(check_bank_target(Status::Active, Some(expired)), Ok(()));
        assert_eq!(
            check_bank_target(Status::Revoked, None),
            Err(TargetRefusal::NotInService)
        );
        assert_eq!(
            check_bank_target(Status::NotRequired, None),
            Err(TargetRefusal::NoOtp)
        );
        assert_eq!(
            bank_record_needs_code(Role::Master, "m", Some(expired), today),
            Ok(false)
        );
        assert_eq!(
            bank_record_needs_code(Role::Master, "m", Some(last_day), today),
            Ok(true)
        );
        assert_eq!(
            bank_record_needs_code(Role::Master, "m", None, today),
            Ok(false)
        );
        assert!(bank_record_needs_code(Role::General, "g", Some(last_day), today).is_err());
    }
}
