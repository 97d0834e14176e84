//! The bank's business days (Japan time itself is `crate::time`).
//!
//! A business day is Monday to Friday, not a Japanese national holiday (as
//! `yasumi` computes them from the law, substitute and citizens' holidays
//! included), and not one of the bank's closing days, 31 December to
//! 3 January. The integration tests compare this calendar, every day of
//! 1955–2099, with one made by an independent implementation
//! (`fixtures/holidays/`).

use chrono::{Datelike, NaiveDate, Weekday};

/// 31 December to 3 January: the bank is closed whatever the weekday.
pub fn is_bank_closing_day(date: NaiveDate) -> bool {
    matches!((date.month(), date.day()), (12, 31) | (1, 1..=3))
}

/// A national holiday under the law in force on `date`. yasumi applies two
/// amendments to years before they were enacted, and is corrected here:
/// the day between two holidays (国民の休日) is a holiday only from
/// 27 December 1985, and substitute holidays (振替休日) only from 12 April
/// 1973. Before 1986, 4 May was a holiday only as the substitute for a
/// Constitution Day on Sunday.
pub fn is_national_holiday(date: NaiveDate) -> bool {
    let substitutes_from = NaiveDate::from_ymd_opt(1973, 4, 12).expect("a date");
    // Every 4 May up to 1985 came before the citizens' holiday rule.
    if (date.month(), date.day()) == (5, 4) && date.year() <= 1985 {
        let constitution_day = date.pred_opt().expect("4 May has a day before");
        return date >= substitutes_from && constitution_day.weekday() == Weekday::Sun;
    }
    // yasumi gives substitutes to all of 1973; before 12 April that is
    // one day, the Monday after Foundation Day on Sunday 11 February.
    if date == NaiveDate::from_ymd_opt(1973, 2, 12).expect("a date") {
        return false;
    }
    yasumi::is_holiday(date)
}

pub fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && !is_national_holiday(date)
        && !is_bank_closing_day(date)
}

/// The first business day strictly after `date`.
pub fn next_business_day_after(date: NaiveDate) -> NaiveDate {
    date.iter_days()
        .skip(1)
        .find(|d| is_business_day(*d))
        .expect("a business day follows within days")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn business_days_at_the_edges() {
        let cases = [
            ("2026-11-20", true, "an ordinary Friday"),
            ("2026-11-21", false, "Saturday"),
            ("2026-11-22", false, "Sunday"),
            ("2026-11-23", false, "Labour Thanksgiving Day, a Monday"),
            ("2026-11-24", true, "the Tuesday after"),
            ("2026-09-21", false, "Respect for the Aged Day"),
            (
                "2026-09-22",
                false,
                "citizens' holiday between two holidays",
            ),
            ("2026-09-23", false, "Autumnal Equinox Day"),
            (
                "2026-05-06",
                false,
                "substitute holiday for 3 May on a Sunday",
            ),
            ("2026-05-07", true, "after Golden Week"),
            ("2026-12-30", true, "30 December is a business day"),
            ("2026-12-31", false, "bank closing day"),
            ("2027-01-01", false, "New Year's Day"),
            ("2027-01-02", false, "bank closing day (Saturday anyway)"),
            ("2029-01-03", false, "bank closing day on a Wednesday"),
            ("2029-01-04", true, "first business day of 2029"),
            (
                "2025-02-24",
                false,
                "substitute for the Emperor's Birthday on a Sunday",
            ),
            ("2019-10-22", false, "enthronement ceremony"),
            ("2021-07-23", false, "Sports Day moved for the Olympics"),
            ("2021-10-11", true, "the usual Sports Day, vacated in 2021"),
        ];
        for (date, expected, why) in cases {
            assert_eq!(is_business_day(d(date)), expected, "{date}: {why}");
        }
    }

    /// The corrections to yasumi for years before the amendments (the
    /// integration tests check every day against an independent calendar;
    /// these are the edges, for the unit tests alone).
    #[test]
    fn holidays_follow_the_law_in_force_on_the_day() {
        let cases = [
            ("1959-05-04", false, "3 May on a Sunday, before substitutes"),
            ("1970-05-04", false, "3 May on a Sunday, before substitutes"),
            ("1973-02-11", true, "Foundation Day on a Sunday"),
            ("1973-02-12", false, "no substitute before 12 April 1973"),
            (
                "1976-05-04",
                false,
                "3 May on a Monday, before citizens' days",
            ),
            ("1981-05-04", true, "substitute for 3 May on a Sunday"),
            (
                "1985-05-04",
                false,
                "between holidays, before 27 December 1985",
            ),
            ("1985-05-06", true, "substitute for 5 May on a Sunday"),
            ("1986-05-04", false, "a Sunday between holidays"),
            ("1987-05-04", true, "substitute for 3 May on a Sunday"),
            ("1988-05-04", true, "citizens' holiday between two holidays"),
        ];
        for (date, expected, why) in cases {
            assert_eq!(is_national_holiday(d(date)), expected, "{date}: {why}");
        }
    }

    #[test]
    fn bank_closing_days_are_31_december_to_3_january() {
        for (date, closed) in [
            ("2026-12-30", false),
            ("2026-12-31", true),
            ("2027-01-01", true),
            ("2027-01-03", true),
            ("2027-01-04", false),
            ("2027-12-01", false),
            ("2027-11-30", false),
            ("2027-01-31", false),
        ] {
            assert_eq!(is_bank_closing_day(d(date)), closed, "{date}");
        }
    }

    #[test]
    fn next_business_day_skips_weekends_holidays_and_new_year() {
        assert_eq!(next_business_day_after(d("2026-11-20")), d("2026-11-24"));
        assert_eq!(next_business_day_after(d("2026-12-30")), d("2027-01-04"));
        assert_eq!(next_business_day_after(d("2028-12-29")), d("2029-01-04"));
        assert_eq!(next_business_day_after(d("2026-05-01")), d("2026-05-07"));
        assert_eq!(next_business_day_after(d("2026-09-18")), d("2026-09-24"));
    }
}
