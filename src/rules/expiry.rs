//! Device expiry and report windows.
//!
//! A device is usable through the whole of its expiry date in Japan and
//! expired from the next day. Once expired it can no longer be revoked by
//! the organisation; only the bank can act.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::calendar::JAPAN;

pub fn is_expired(expires: NaiveDate, today: NaiveDate) -> bool {
    today > expires
}

/// Days from `today` to the expiry date: 0 on the last valid day, negative
/// once expired.
pub fn days_left(expires: NaiveDate, today: NaiveDate) -> i64 {
    (expires - today).num_days()
}

/// The first instant at which a device is expired: midnight in Japan after
/// its expiry date.
pub fn expired_from(expires: NaiveDate) -> DateTime<Utc> {
    let next = expires.succ_opt().unwrap_or(expires);
    JAPAN
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("Japan time has no daylight saving gaps")
        .with_timezone(&Utc)
}

/// A report window such as `30d` or `4w`, in days.
pub fn parse_window(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let bad = || format!("{text:?} is not a duration like 30d or 4w");
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u32 = number.parse().map_err(|_| bad())?;
    let days = match unit {
        "d" | "D" => Some(n),
        "w" | "W" => n.checked_mul(7),
        _ => None,
    };
    days.filter(|d| *d <= 36_500).ok_or_else(bad)
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
    fn expired_from_midnight_japan_time() {
        let t = expired_from(d("2026-12-30"));
        assert_eq!(t.to_rfc3339(), "2026-12-30T15:00:00+00:00");
    }

    #[test]
    fn windows() {
        assert_eq!(parse_window("30d"), Ok(30));
        assert_eq!(parse_window("0d"), Ok(0));
        assert_eq!(parse_window("4w"), Ok(28));
        for bad in [
            "",
            "d",
            "30",
            "30 d",
            "-3d",
            "3.5d",
            "30m",
            "1y",
            "+3d",
            "99999999w",
        ] {
            assert!(parse_window(bad).is_err(), "{bad:?}");
        }
    }
}
