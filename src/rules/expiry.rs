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
    let midnight = next.and_hms_opt(0, 0, 0).expect("midnight");
    // Japan kept daylight saving time in 1948–1951, when some midnights did
    // not exist: a skipped time resolves to the first instant after the gap,
    // a repeated one to the earlier instant.
    (0..=180)
        .find_map(|minutes| {
            JAPAN
                .from_local_datetime(&(midnight + Duration::minutes(minutes)))
                .earliest()
        })
        .unwrap_or_else(|| JAPAN.from_utc_datetime(&midnight).with_timezone(&JAPAN))
        .with_timezone(&Utc)
}

/// A report window such as `30d` or `4w`, in days.
pub fn parse_window(text: &str) -> Result<u32, String> {
    // Full-width digits and units (typed with a Japanese input method) read
    // as their ASCII forms; the text is split on characters, never bytes.
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' | 'ａ'..='ｚ' | 'Ａ'..='Ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect();
    let shown: String = text.chars().take(40).collect();
    let bad = || format!("{shown:?} is not a duration like 30d, 4w, 30日 or 4週");
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let unit = &text[digits.len()..];
    if digits.is_empty() {
        return Err(bad());
    }
    let per_unit = match unit {
        "d" | "D" | "日" | "日間" => 1,
        "w" | "W" | "週" | "週間" => 7,
        _ => return Err(bad()),
    };
    let days = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(per_unit));
    match days {
        Some(d) if d <= 36_500 => Ok(d as u32),
        _ => Err(format!(
            "{shown:?} is too large: at most 36500 days (about 100 years)"
        )),
    }
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

    /// Regression: `--within 30日` panicked, splitting inside a character.
    #[test]
    fn japanese_and_full_width_durations_do_not_panic() {
        assert_eq!(parse_window("30日"), Ok(30));
        assert_eq!(parse_window("4週"), Ok(28));
        assert_eq!(parse_window("4週間"), Ok(28));
        assert_eq!(parse_window("３０ｄ"), Ok(30));
        assert_eq!(
            parse_window("30"),
            Err("\"30\" is not a duration like 30d, 4w, 30日 or 4週".into())
        );
        assert!(parse_window("日").is_err());
        assert!(parse_window("100000d").unwrap_err().contains("too large"));
        assert!(
            parse_window("99999999999999999999999d")
                .unwrap_err()
                .contains("too large")
        );
    }

    /// Regression: a device expiring 1948-05-01 panicked: Japan's midnight
    /// of 2 May 1948 did not exist (daylight saving time began then).
    #[test]
    fn expiry_across_a_1948_daylight_saving_gap_does_not_panic() {
        for day in [
            "1948-05-01",
            "1949-04-02",
            "1950-05-06",
            "1951-05-05",
            "1948-09-11",
        ] {
            let at = expired_from(d(day));
            assert!(
                at > JAPAN
                    .from_local_datetime(&d(day).and_hms_opt(12, 0, 0).unwrap())
                    .earliest()
                    .unwrap()
                    .with_timezone(&Utc),
                "{day}"
            );
        }
    }
}
