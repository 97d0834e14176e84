//! Device expiry and report windows.
//!
//! A device is usable through the whole of its expiry date in Japan and
//! expired from the next day. Once expired it can no longer be revoked by
//! the organisation; only the bank can act.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::calendar::japan_instant;

pub fn is_expired(expires: NaiveDate, today: NaiveDate) -> bool {
    today > expires
}

/// Days from `today` to the expiry date: 0 on the last valid day, negative
/// once expired.
pub fn days_left(expires: NaiveDate, today: NaiveDate) -> i64 {
    (expires - today).num_days()
}

/// The first instant at which a device is expired: midnight in Japan after
/// its expiry date (or, on a day whose midnight was skipped by daylight
/// saving time, the first instant of that day).
pub fn expired_from(expires: NaiveDate) -> DateTime<Utc> {
    let next = expires.succ_opt().unwrap_or(expires);
    japan_instant(next.and_time(NaiveTime::MIN))
}

/// The last expiry date inside a window of `days` from `today`.
pub fn window_end(today: NaiveDate, days: u32) -> NaiveDate {
    today + Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn usable_through_the_whole_expiry_date() {
        let expires = d("2026-12-30");
        assert!(!is_expired(expires, d("2026-12-29")));
        assert!(!is_expired(expires, d("2026-12-30")));
        assert!(is_expired(expires, d("2026-12-31")));
        assert_eq!(days_left(expires, d("2026-12-30")), 0);
        assert_eq!(days_left(expires, d("2026-12-31")), -1);
        assert_eq!(days_left(expires, d("2026-11-30")), 30);
    }

    #[test]
    fn a_window_of_days_ends_that_many_days_after_today() {
        assert_eq!(window_end(d("2026-11-20"), 0), d("2026-11-20"));
        assert_eq!(window_end(d("2026-11-20"), 30), d("2026-12-20"));
        assert_eq!(window_end(d("2026-11-20"), 42), d("2027-01-01"));
    }

    #[test]
    fn expired_from_midnight_japan_time() {
        let t = expired_from(d("2026-12-30"));
        assert_eq!(t.to_rfc3339(), "2026-12-30T15:00:00+00:00");
    }

    /// Regression: midnight after 1 May 1948 did not exist in Japan
    /// (daylight saving time began), and `expired_from` panicked on it.
    #[test]
    fn a_device_expiring_1948_05_01_is_expired_from_the_first_instant_of_the_2nd() {
        let t = expired_from(d("1948-05-01"));
        assert_eq!(t.to_rfc3339(), "1948-05-01T15:00:00+00:00");
        assert_eq!(
            super::super::calendar::japan_date(t),
            d("1948-05-02"),
            "the first instant of the next day in Japan"
        );
        // The end of daylight time: midnight happened twice; the first.
        let t = expired_from(d("1948-09-11"));
        assert_eq!(t.to_rfc3339(), "1948-09-11T14:00:00+00:00");
    }

    #[test]
    fn no_expiry_date_panics() {
        for date in [
            NaiveDate::MIN,
            NaiveDate::MAX,
            d("1951-05-05"),
            d("1949-04-02"),
        ] {
            let _ = expired_from(date);
        }
    }
}
