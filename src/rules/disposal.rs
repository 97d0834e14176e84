//! When a device is out of use, and so due for disposal by the organisation.
//!
//! Out of use: no one holds it in service, and it was either replaced by a
//! newer registration of a former holder or has expired, from whichever came
//! first. (An expired device cannot be revoked, so its holders had left it
//! before it expired.)

use chrono::{DateTime, NaiveDate, Utc};

use super::expiry::{expired_from, is_expired};
use super::refusal::Refusal;

/// A device as the disposal rule sees it.
#[derive(Debug, Clone)]
pub(crate) struct DeviceState<'a> {
    pub(crate) serial: &'a str,
    pub(crate) expires: NaiveDate,
    /// Users holding it in service now.
    pub(crate) holders: &'a [String],
    /// Everyone who ever registered it.
    pub(crate) former_users: &'a [String],
    /// When a newer registration of its last holder replaced it.
    pub(crate) replaced_at: Option<DateTime<Utc>>,
    pub(crate) disposed_at: Option<DateTime<Utc>>,
    /// Revoked by the bank as lost: not in the organisation's hands, so
    /// never offered for disposal.
    pub(crate) lost: bool,
}

/// Since when the device is out of use, or why it is not.
pub(crate) fn out_of_use_since(
    device: &DeviceState<'_>,
    today: NaiveDate,
) -> Result<DateTime<Utc>, Refusal> {
    let serial = device.serial.to_string();
    if device.lost {
        return Err(Refusal::DeviceLost { serial });
    }
    if !device.holders.is_empty() {
        return Err(Refusal::StillInService {
            serial,
            holders: device.holders.to_vec(),
        });
    }
    let expired = is_expired(device.expires, today).then(|| expired_from(device.expires));
    match (device.replaced_at, expired) {
        (Some(replaced), Some(expired)) => Ok(replaced.min(expired)),
        (Some(replaced), None) => Ok(replaced),
        (None, Some(expired)) => Ok(expired),
        (None, None) if device.former_users.is_empty() => Err(Refusal::NeverUsed { serial }),
        (None, None) => Err(Refusal::NotYetReplaced {
            serial,
            former_users: device.former_users.to_vec(),
            expires: device.expires,
        }),
    }
}

/// Whether a device can be recorded as disposed of now: out of use, and
/// not recorded already.
pub(crate) fn check_disposable(
    device: &DeviceState<'_>,
    today: NaiveDate,
) -> Result<DateTime<Utc>, Refusal> {
    if let Some(at) = device.disposed_at {
        return Err(Refusal::AlreadyDisposed {
            serial: device.serial.into(),
            at,
        });
    }
    out_of_use_since(device, today)
}

/// A registration retires the user's previous device when it is a different
/// device and no one else holds it any more.
pub(crate) fn registration_retires(
    previous: Option<i64>,
    registered: i64,
    previous_holders: usize,
) -> bool {
    previous.is_some_and(|p| p != registered) && previous_holders == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn state<'a>(
        holders: &'a [String],
        former: &'a [String],
        replaced: Option<&str>,
    ) -> DeviceState<'a> {
        DeviceState {
            serial: "45678909",
            expires: d("2026-12-30"),
            holders,
            former_users: former,
            replaced_at: replaced.map(t),
            disposed_at: None,
            lost: false,
        }
    }

    #[test]
    fn out_of_use_from_the_first_of_replacement_and_expiry() {
        let former = ["hamako01".to_string()];
        let replaced = state(&[], &former, Some("2026-11-24T08:10:00+09:00"));
        assert_eq!(
            out_of_use_since(&replaced, d("2026-11-24")),
            Ok(t("2026-11-24T08:10:00+09:00"))
        );
        let late = state(&[], &former, Some("2027-01-05T12:00:00+09:00"));
        assert_eq!(
            out_of_use_since(&late, d("2027-01-05")),
            Ok(t("2026-12-31T00:00:00+09:00"))
        );
        let expired = state(&[], &[], None);
        assert_eq!(
            out_of_use_since(&expired, d("2026-12-31")),
            Ok(t("2026-12-31T00:00:00+09:00"))
        );
    }

    #[test]
    fn not_out_of_use_with_reasons() {
        let holders = ["jiro02".to_string()];
        assert!(matches!(
            out_of_use_since(&state(&holders, &holders, None), d("2027-06-01")),
            Err(Refusal::StillInService { .. })
        ));
        let former = ["hamako01".to_string()];
        assert!(matches!(
            out_of_use_since(&state(&[], &former, None), d("2026-12-30")),
            Err(Refusal::NotYetReplaced { .. })
        ));
        assert!(matches!(
            out_of_use_since(&state(&[], &[], None), d("2026-12-30")),
            Err(Refusal::NeverUsed { .. })
        ));
        let mut disposed = state(&[], &former, Some("2026-11-24T08:10:00+09:00"));
        disposed.disposed_at = Some(t("2026-11-25T00:00:00Z"));
        assert!(matches!(
            check_disposable(&disposed, d("2026-11-26")),
            Err(Refusal::AlreadyDisposed { .. })
        ));
    }

    #[test]
    fn only_a_different_device_left_by_everyone_retires() {
        assert!(registration_retires(Some(1), 2, 0));
        assert!(!registration_retires(Some(1), 2, 1));
        assert!(!registration_retires(Some(2), 2, 0));
        assert!(!registration_retires(None, 2, 0));
    }
}
