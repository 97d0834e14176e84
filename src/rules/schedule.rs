//! The earliest re-registration time after a revocation ("registrable-at").
//!
//! Revoked before 20:30 Japan time: 30 minutes later. Revoked at or after
//! 20:30: 08:10 Japan time on the next business day after the revocation's
//! date (in Japan). The bank processes late revocations overnight, which is
//! why the cut-off exists.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use super::calendar::next_business_day_after;
use crate::time::{JAPAN, japan_date, japan_instant};

/// Revocations at or after this Japan time wait for the next business day.
pub(crate) const CUTOFF: NaiveTime = NaiveTime::from_hms_opt(20, 30, 0).unwrap();
/// The time on the next business day from which registration opens.
pub(crate) const OPENING: NaiveTime = NaiveTime::from_hms_opt(8, 10, 0).unwrap();
/// The wait after a revocation made before the cut-off.
pub(crate) const SHORT_WAIT: Duration = Duration::minutes(30);

pub(crate) fn registrable_at(revoked_at: DateTime<Utc>) -> DateTime<Utc> {
    let local = revoked_at.with_timezone(&JAPAN);
    if local.time() < CUTOFF {
        return revoked_at + SHORT_WAIT;
    }
    let day = next_business_day_after(japan_date(revoked_at));
    japan_instant(day.and_time(OPENING))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jst(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{s}+09:00"))
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn registrable_at_edges() {
        let cases = [
            (
                "2026-11-19T20:29:59",
                "2026-11-19T20:59:59",
                "one second before the cut-off",
            ),
            (
                "2026-11-19T20:30:00",
                "2026-11-20T08:10:00",
                "at the cut-off",
            ),
            (
                "2026-11-19T00:00:00",
                "2026-11-19T00:30:00",
                "midnight is before the cut-off",
            ),
            (
                "2026-11-19T23:59:59",
                "2026-11-20T08:10:00",
                "last second of the day",
            ),
            (
                "2026-11-20T20:29:59",
                "2026-11-20T20:59:59",
                "Friday evening before the cut-off",
            ),
            (
                "2026-11-20T21:00:00",
                "2026-11-24T08:10:00",
                "Friday night before a holiday Monday",
            ),
            (
                "2026-11-13T21:00:00",
                "2026-11-16T08:10:00",
                "an ordinary Friday night",
            ),
            (
                "2026-11-21T10:00:00",
                "2026-11-21T10:30:00",
                "Saturday daytime: 30 minutes, whatever the day",
            ),
            (
                "2026-11-21T22:00:00",
                "2026-11-24T08:10:00",
                "Saturday night",
            ),
            (
                "2026-07-17T20:45:00",
                "2026-07-21T08:10:00",
                "before Marine Day weekend",
            ),
            (
                "2026-04-28T21:00:00",
                "2026-04-30T08:10:00",
                "Showa Day on Wednesday 29 April",
            ),
            (
                "2026-05-01T21:00:00",
                "2026-05-07T08:10:00",
                "Golden Week with the 6 May substitute",
            ),
            (
                "2026-09-18T21:00:00",
                "2026-09-24T08:10:00",
                "the September 2026 citizens' holiday",
            ),
            (
                "2026-12-29T21:00:00",
                "2026-12-30T08:10:00",
                "30 December is a business day",
            ),
            (
                "2026-12-30T20:30:00",
                "2027-01-04T08:10:00",
                "30 December night waits for 4 January",
            ),
            (
                "2026-12-31T10:00:00",
                "2026-12-31T10:30:00",
                "closing day daytime: 30 minutes",
            ),
            (
                "2026-12-31T21:00:00",
                "2027-01-04T08:10:00",
                "31 December night",
            ),
            (
                "2029-01-03T21:00:00",
                "2029-01-04T08:10:00",
                "3 January night, a Wednesday",
            ),
            (
                "2028-12-29T21:00:00",
                "2029-01-04T08:10:00",
                "Friday 29 December to Thursday 4 January",
            ),
            (
                "2025-02-21T21:00:00",
                "2025-02-25T08:10:00",
                "holiday on a Sunday, substitute Monday",
            ),
            (
                "2024-02-09T21:00:00",
                "2024-02-13T08:10:00",
                "National Foundation Day on a Sunday",
            ),
        ];
        for (revoked, expected, why) in cases {
            assert_eq!(
                registrable_at(jst(revoked)),
                jst(expected),
                "{revoked}: {why}"
            );
        }
    }

    #[test]
    fn late_revocation_is_always_a_business_morning() {
        use super::super::calendar::is_business_day;
        let mut t = jst("2026-01-01T21:00:00");
        while t < jst("2028-01-01T00:00:00") {
            let at = registrable_at(t).with_timezone(&JAPAN);
            assert_eq!(at.time(), OPENING);
            assert!(is_business_day(at.date_naive()), "{t}");
            assert!(at.date_naive() > japan_date(t));
            t += Duration::days(1);
        }
    }
}
