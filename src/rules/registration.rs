//! When a user may register a device, and which devices can be registered.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::expiry::is_expired;
use super::refusal::Refusal;
use super::status::Status;

/// Why a user cannot register now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UserRefusal {
    Rule(Refusal),
    /// Before the registrable-at instant of the latest revocation (exit 5).
    TooEarly {
        registrable_at: DateTime<Utc>,
    },
}

/// The user's side: uses OTP, has no device in service (a master revokes
/// it first), and the registrable-at instant has come. `registrable_at` is
/// None for a user never revoked.
pub(crate) fn check_user(
    login_id: &str,
    status: Status,
    current_serial: Option<&str>,
    registrable_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), UserRefusal> {
    match status {
        Status::NotRequired => Err(UserRefusal::Rule(Refusal::NoOtp {
            login_id: login_id.into(),
        })),
        Status::Active => Err(UserRefusal::Rule(Refusal::AlreadyInService {
            login_id: login_id.into(),
            serial: current_serial.unwrap_or("-").into(),
        })),
        Status::Revoked => match registrable_at {
            Some(at) if now < at => Err(UserRefusal::TooEarly { registrable_at: at }),
            _ => Ok(()),
        },
    }
}

/// The device's side: never disposed of, and not past its expiry date.
pub(crate) fn check_device(
    serial: &str,
    disposed_at: Option<DateTime<Utc>>,
    expires: NaiveDate,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if let Some(at) = disposed_at {
        return Err(Refusal::DeviceDisposed {
            serial: serial.into(),
            at,
        });
    }
    if is_expired(expires, today) {
        return Err(Refusal::DeviceExpired {
            serial: serial.into(),
            expires,
        });
    }
    Ok(())
}

/// How many whole days a revoked user could already have registered at
/// `now`: 0 before `registrable_at` and during the first 24 hours after it,
/// 7 from exactly 7 days after it (waiting is counted in whole periods of
/// 24 hours, not calendar days).
pub(crate) fn waiting_days(registrable_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - registrable_at).max(TimeDelta::zero()).num_days()
}

/// The latest registrable-at instant of a user who has been waiting *over*
/// `days` at `now`: waiting exactly `days` is not over it, one second more
/// is (`list --waiting-over`).
pub(crate) fn waiting_over_cutoff(days: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    now - TimeDelta::days(i64::from(days)) - TimeDelta::seconds(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn registration_opens_at_the_instant_to_the_second() {
        let at = t("2026-11-24T08:10:00+09:00");
        let check = |now| check_user("u", Status::Revoked, None, Some(at), t(now));
        assert_eq!(
            check("2026-11-24T08:09:59+09:00"),
            Err(UserRefusal::TooEarly { registrable_at: at })
        );
        assert_eq!(check("2026-11-24T08:10:00+09:00"), Ok(()));
        assert_eq!(
            check_user("u", Status::Revoked, None, None, t("2000-01-01T00:00:00Z")),
            Ok(())
        );
    }

    #[test]
    fn only_a_revoked_user_registers() {
        let now = t("2026-11-24T09:00:00+09:00");
        assert!(matches!(
            check_user("u", Status::Active, Some("1"), None, now),
            Err(UserRefusal::Rule(Refusal::AlreadyInService { .. }))
        ));
        assert!(matches!(
            check_user("u", Status::NotRequired, None, None, now),
            Err(UserRefusal::Rule(Refusal::NoOtp { .. }))
        ));
    }

    #[test]
    fn a_device_is_registrable_through_its_expiry_date_unless_disposed() {
        let expires = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(check_device("s", None, expires, day("2026-12-30")), Ok(()));
        assert!(matches!(
            check_device("s", None, expires, day("2026-12-31")),
            Err(Refusal::DeviceExpired { .. })
        ));
        assert!(matches!(
            check_device(
                "s",
                Some(t("2026-01-01T00:00:00Z")),
                expires,
                day("2026-06-01")
            ),
            Err(Refusal::DeviceDisposed { .. })
        ));
    }

    #[test]
    fn waiting_is_counted_in_whole_days_from_registrable_at() {
        let at = t("2026-11-24T08:10:00+09:00");
        let s = TimeDelta::seconds;
        assert_eq!(super::waiting_days(at, at - s(1)), 0);
        assert_eq!(super::waiting_days(at, at), 0);
        assert_eq!(super::waiting_days(at, at + s(86_399)), 0);
        assert_eq!(super::waiting_days(at, at + s(86_400)), 1);
        assert_eq!(super::waiting_days(at, at + s(7 * 86_400 + 1)), 7);
    }

    #[test]
    fn waiting_over_seven_days_starts_one_second_after_seven_days() {
        let at = t("2026-11-24T08:10:00+09:00");
        let s = TimeDelta::seconds;
        let over = |now| at <= super::waiting_over_cutoff(7, now);
        assert!(!over(at + s(7 * 86_400)));
        assert!(over(at + s(7 * 86_400 + 1)));
        assert!(!over(at));
        assert!(
            at <= super::waiting_over_cutoff(0, at + s(1)),
            "over 0d: any wait"
        );
    }
}
