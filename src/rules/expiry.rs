//! Device expiry, report windows, and the monthly forecast of expiries.
//!
//! A device is usable through the whole of its expiry date in Japan and
//! expired from the next day. Once expired it can no longer be revoked by
//! the organisation; only the bank can act.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc};

use crate::time::japan_instant;

pub(crate) fn is_expired(expires: NaiveDate, today: NaiveDate) -> bool {
    today > expires
}

/// Days from `today` to the expiry date: 0 on the last valid day, negative
/// once expired.
pub(crate) fn days_left(expires: NaiveDate, today: NaiveDate) -> i64 {
    (expires - today).num_days()
}

/// The first instant at which a device is expired: midnight in Japan after
/// its expiry date (or, on a day whose midnight was skipped by daylight
/// saving time, the first instant of that day).
pub(crate) fn expired_from(expires: NaiveDate) -> DateTime<Utc> {
    let next = expires.succ_opt().unwrap_or(expires);
    japan_instant(next.and_time(NaiveTime::MIN))
}

/// The last expiry date inside a window of `days` from `today`.
pub(crate) fn window_end(today: NaiveDate, days: u32) -> NaiveDate {
    today + Duration::days(i64::from(days))
}

/// How many months `expiring --summary` looks ahead, the current one included.
pub(crate) const FORECAST_MONTHS: u32 = 12;

/// One month of the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MonthCount {
    /// The month's first day.
    pub(crate) month: NaiveDate,
    pub(crate) devices: u64,
}

/// Devices expiring in each of the `FORECAST_MONTHS` months from today's
/// (zero included, so the months are always all there), and those already
/// expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Forecast {
    pub(crate) months: Vec<MonthCount>,
    pub(crate) expired: u64,
}

/// The first day of the month of `date`.
fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The last expiry date the forecast from `today` counts: the last day of
/// its last month.
pub(crate) fn forecast_end(today: NaiveDate) -> NaiveDate {
    let after = first_of_month(today)
        .checked_add_months(Months::new(FORECAST_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    after.pred_opt().unwrap_or(after)
}

/// Buckets devices by expiry month from `today`'s month: `by_date` gives
/// how many devices expire on each date (in any order). A device whose
/// date has passed is expired, even if its month is the current one.
pub(crate) fn forecast(
    today: NaiveDate,
    by_date: impl IntoIterator<Item = (NaiveDate, u64)>,
) -> Forecast {
    let start = first_of_month(today);
    let mut months: Vec<MonthCount> = (0..FORECAST_MONTHS)
        .map_while(|i| start.checked_add_months(Months::new(i)))
        .map(|month| MonthCount { month, devices: 0 })
        .collect();
    let mut expired = 0;
    for (expires, devices) in by_date {
        if is_expired(expires, today) {
            expired += devices;
            continue;
        }
        let index =
            (expires.year() - today.year()) * 12 + expires.month() as i32 - today.month() as i32;
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| months.get_mut(i)) {
            slot.devices += devices;
        }
    }
    Forecast { months, expired }
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
            crate::time::japan_date(t),
            d("1948-05-02"),
            "the first instant of the next day in Japan"
        );
        // The end of daylight time: midnight happened twice; the first.
        let t = expired_from(d("1948-09-11"));
        assert_eq!(t.to_rfc3339(), "1948-09-11T14:00:00+00:00");
    }

    #[test]
    fn the_forecast_runs_twelve_months_from_the_current_one_and_counts_the_expired_apart() {
        let today = d("2026-11-20");
        assert_eq!(forecast_end(today), d("2027-10-31"));
        let f = forecast(
            today,
            [
                (d("2026-11-19"), 2), // expired yesterday
                (d("2025-01-01"), 1), // long expired
                (d("2026-11-20"), 3), // its last day: November
                (d("2026-11-30"), 1),
                (d("2026-12-30"), 4),
                (d("2027-10-31"), 5), // the last day counted
                (d("2027-11-01"), 7), // beyond the forecast
            ],
        );
        assert_eq!(f.expired, 3);
        assert_eq!(f.months.len(), 12);
        assert_eq!(f.months[0].month, d("2026-11-01"));
        assert_eq!(f.months[11].month, d("2027-10-01"));
        let counts: Vec<u64> = f.months.iter().map(|m| m.devices).collect();
        assert_eq!(counts, [4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
    }

    #[test]
    fn an_empty_forecast_lists_every_month_with_zero() {
        let f = forecast(d("2026-01-31"), []);
        assert_eq!(f.expired, 0);
        assert_eq!(f.months.len(), 12);
        assert_eq!(f.months[1].month, d("2026-02-01"));
        assert!(f.months.iter().all(|m| m.devices == 0));
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
