//! tokenctl's business calendar against an independent one: every day of
//! 1955–2099 is checked with the library's public calendar functions against
//! `fixtures/holidays/jp-1955-2099.csv`, which the Python `holidays` package
//! made (see `make.py` beside it). That package is other people's reading of
//! the holiday law and takes the equinox days from a table, so agreeing with
//! it means something that agreeing with a copy of yasumi's own rules would
//! not.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use tokenctl::rules::calendar::{
    is_bank_closing_day, is_business_day, is_national_holiday, next_business_day_after,
};

const FIXTURE: &str = include_str!("../fixtures/holidays/jp-1955-2099.csv");
const FIRST_YEAR: i32 = 1955;
const LAST_YEAR: i32 = 2099;

/// Days where tokenctl and the fixture are allowed to disagree: none.
/// yasumi applies two amendments to years before they were enacted (4 May
/// as a citizens' holiday before 27 December 1985, a substitute holiday on
/// 12 February 1973); `rules::calendar` corrects both, and this list stays
/// empty so that any disagreement fails the comparison.
const YASUMI_BEFORE_THE_LAW: [&str; 0] = [];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// The fixture's holidays by date. Lines starting with `#` are the
/// provenance header; then `date,name`, one holiday a line, in date order.
fn fixture() -> BTreeMap<NaiveDate, &'static str> {
    let mut lines = FIXTURE.lines().filter(|line| !line.starts_with('#'));
    assert_eq!(lines.next(), Some("date,name"), "the fixture's header");
    let mut holidays = BTreeMap::new();
    let mut previous = None;
    for line in lines {
        let (date, name) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("not date,name: {line:?}"));
        assert!(!name.is_empty() && !name.contains(','), "{line:?}");
        let date = d(date);
        assert!(previous < Some(date), "out of order or repeated: {line:?}");
        previous = Some(date);
        holidays.insert(date, name);
    }
    holidays
}

/// Every day of the fixture's span.
fn every_day() -> impl Iterator<Item = NaiveDate> {
    let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap();
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1)
        .unwrap()
        .iter_days()
        .take_while(move |day| *day <= last)
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn known_disagreements() -> Vec<NaiveDate> {
    YASUMI_BEFORE_THE_LAW.iter().map(|s| d(s)).collect()
}

#[test]
fn the_fixture_spans_1955_to_2099_with_plausible_years() {
    let holidays = fixture();
    for year in FIRST_YEAR..=LAST_YEAR {
        let count = holidays.keys().filter(|day| day.year() == year).count();
        // 1955 had 9 national holidays; the most in any year since is 22 (2019).
        assert!((9..=22).contains(&count), "{year}: {count} holidays");
    }
    assert_eq!(holidays.keys().next(), Some(&d("1955-01-01")));
    assert_eq!(holidays.keys().next_back(), Some(&d("2099-11-23")));
}

#[test]
fn the_fixture_has_the_special_days_of_2019_to_2021_and_the_published_equinoxes() {
    let holidays = fixture();
    let expected = [
        // 2019: the enthronement; 30 April and 2 May are between two holidays.
        ("2019-04-29", Some("昭和の日")),
        ("2019-04-30", Some("国民の休日")),
        ("2019-05-01", Some("天皇の即位の日")),
        ("2019-05-02", Some("国民の休日")),
        ("2019-05-06", Some("振替休日")),
        ("2019-10-22", Some("即位礼正殿の儀が行われる日")),
        ("2019-02-23", None),
        ("2019-12-23", None),
        // 2020: the Olympic moves of Marine, Sports and Mountain Day.
        ("2020-07-20", None),
        ("2020-07-23", Some("海の日")),
        ("2020-07-24", Some("スポーツの日")),
        ("2020-08-10", Some("山の日")),
        ("2020-08-11", None),
        ("2020-10-12", None),
        // 2021: moved again; Mountain Day on a Sunday, substituted on Monday.
        ("2021-07-19", None),
        ("2021-07-22", Some("海の日")),
        ("2021-07-23", Some("スポーツの日")),
        ("2021-08-08", Some("山の日")),
        ("2021-08-09", Some("振替休日")),
        ("2021-08-11", None),
        ("2021-10-11", None),
        // The equinox days of 2025 and 2026, as announced in the official gazette.
        ("2025-03-20", Some("春分の日")),
        ("2025-09-23", Some("秋分の日")),
        ("2026-03-20", Some("春分の日")),
        ("2026-09-23", Some("秋分の日")),
    ];
    for (date, name) in expected {
        assert_eq!(holidays.get(&d(date)).copied(), name, "{date}");
        assert_eq!(is_national_holiday(d(date)), name.is_some(), "{date}");
    }
}

#[test]
fn national_holidays_agree_with_the_fixture_every_day_from_1955_to_2099() {
    let holidays = fixture();
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for day in every_day() {
        compared += 1;
        if is_national_holiday(day) != holidays.contains_key(&day) {
            disagreements.push(day);
        }
    }
    assert_eq!(compared, 52_961, "145 years, 36 of them leap years");
    let known = known_disagreements();
    let describe = |day: &NaiveDate| {
        format!(
            "{day} ({:?}): tokenctl {}, fixture {:?}",
            day.weekday(),
            is_national_holiday(*day),
            holidays.get(day)
        )
    };
    let new: Vec<String> = disagreements
        .iter()
        .filter(|day| !known.contains(day))
        .map(describe)
        .collect();
    assert!(
        new.is_empty(),
        "tokenctl and the fixture disagree:\n{}",
        new.join("\n")
    );
    let settled: Vec<String> = known
        .iter()
        .filter(|day| !disagreements.contains(day))
        .map(describe)
        .collect();
    assert!(
        settled.is_empty(),
        "now agree, take them off YASUMI_BEFORE_THE_LAW:\n{}",
        settled.join("\n")
    );
}

#[test]
fn a_business_day_is_a_weekday_that_is_no_holiday_and_no_closing_day() {
    let holidays = fixture();
    let known = known_disagreements();
    let mut business_days = 0;
    for day in every_day().filter(|day| !known.contains(day)) {
        let expected =
            !is_weekend(day) && !holidays.contains_key(&day) && !is_bank_closing_day(day);
        assert_eq!(is_business_day(day), expected, "{day}");
        business_days += usize::from(expected);
    }
    // About 245 a year: the loop really walked the whole span.
    assert!((35_000..36_000).contains(&business_days), "{business_days}");
}

#[test]
fn the_bank_is_closed_31_december_to_3_january_whatever_the_weekday() {
    for year in FIRST_YEAR..=LAST_YEAR {
        for (month, day) in [(12, 31), (1, 1), (1, 2), (1, 3)] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert!(is_bank_closing_day(date), "{date}");
            assert!(!is_business_day(date), "{date}");
        }
        for (month, day) in [(12, 30), (1, 4)] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert!(!is_bank_closing_day(date), "{date}");
        }
    }
    // 30 December and 4 January open when they are ordinary weekdays.
    assert!(is_business_day(d("2026-12-30")));
    assert!(is_business_day(d("2029-01-04")));
    assert_eq!(next_business_day_after(d("2026-12-30")), d("2027-01-04"));
}

#[test]
fn substitute_and_citizens_holidays_are_not_business_days() {
    let holidays = fixture();
    let mut substitutes = 0;
    let mut citizens = 0;
    for (day, name) in &holidays {
        match *name {
            "振替休日" => substitutes += 1,
            "国民の休日" => citizens += 1,
            _ => continue,
        }
        assert_ne!(day.weekday(), Weekday::Sun, "{day} {name}");
        assert!(is_national_holiday(*day), "{day} {name}");
        assert!(!is_business_day(*day), "{day} {name}");
    }
    assert_eq!((substitutes, citizens), (220, 31));
    // Golden Week 2019: ten days off, then the first business day.
    assert_eq!(next_business_day_after(d("2019-04-26")), d("2019-05-07"));
}

#[test]
fn weekends_are_never_business_days() {
    let weekends = every_day()
        .filter(|day| is_weekend(*day))
        .inspect(|day| assert!(!is_business_day(*day), "{day}"))
        .count();
    assert_eq!(weekends, 15_132);
}

/// Dates where a rule changed or two rules meet, each with the reason; both
/// tokenctl and the fixture must give the expected answer.
#[test]
fn holidays_at_tricky_dates() {
    let holidays = fixture();
    let cases = [
        // The enthronement year: no Emperor's Birthday at all in 2019.
        (
            "2019-02-23",
            false,
            "the Reiwa Emperor's Birthday starts in 2020",
        ),
        (
            "2019-12-23",
            false,
            "the Heisei Emperor's Birthday ended in 2018",
        ),
        (
            "2018-12-23",
            true,
            "the Heisei Emperor's Birthday, a Sunday",
        ),
        ("2018-12-24", true, "its substitute holiday"),
        ("2020-02-23", true, "the Reiwa Emperor's Birthday, a Sunday"),
        ("2020-02-24", true, "its substitute holiday"),
        // Citizens' holidays and substitutes under the 2007 wording.
        ("2026-09-21", true, "Respect for the Aged Day"),
        ("2026-09-22", true, "between two holidays"),
        ("2026-09-23", true, "Autumnal Equinox Day"),
        ("2015-09-22", true, "between two holidays (2015)"),
        ("2009-09-22", true, "between two holidays (2009)"),
        ("2026-05-06", true, "substitute for 3 May on a Sunday"),
        (
            "2008-05-06",
            true,
            "substitute for Greenery Day on a Sunday",
        ),
        ("2025-02-24", true, "substitute for the Emperor's Birthday"),
        ("2023-01-02", true, "substitute for New Year's Day"),
        ("2030-11-04", true, "substitute for Culture Day"),
        ("2030-11-11", false, "an ordinary Monday"),
        // Before 2007: 4 May only between two holidays, and not on Sunday.
        ("2000-05-04", true, "between two holidays, a Thursday"),
        ("2003-05-04", false, "a Sunday between two holidays"),
        (
            "2003-05-06",
            false,
            "no substitute: 4 May 2003 was no holiday",
        ),
        ("2004-05-04", true, "between two holidays, a Tuesday"),
        ("2006-04-29", true, "Greenery Day on 29 April until 2006"),
        ("1981-05-04", true, "substitute for 3 May on a Sunday"),
        (
            "1985-05-04",
            false,
            "before holidays between holidays existed",
        ),
        ("1988-05-04", true, "the first day between two holidays"),
        // Fixed dates until the Monday rules.
        ("2002-07-20", true, "Marine Day on 20 July until 2002"),
        (
            "2002-09-15",
            true,
            "Respect for the Aged Day on 15 September",
        ),
        ("2002-09-16", true, "its substitute holiday"),
        ("2003-09-15", true, "Respect for the Aged Day, third Monday"),
        ("1999-10-10", true, "Health and Sports Day on 10 October"),
        ("2000-10-09", true, "second Monday of October from 2000"),
        ("2015-08-11", false, "Mountain Day starts in 2016"),
        ("2016-08-11", true, "the first Mountain Day"),
        // Imperial events.
        ("1959-04-10", true, "the Crown Prince's wedding"),
        ("1989-02-24", true, "the funeral of Emperor Showa"),
        ("1990-11-12", true, "the enthronement ceremony"),
        ("1993-06-09", true, "the Crown Prince's wedding"),
        // Substitute holidays start on 12 April 1973.
        ("1973-04-30", true, "the first substitute holiday"),
        ("1973-02-12", false, "before substitute holidays existed"),
        // Ordinary days.
        ("2024-12-31", false, "31 December is no national holiday"),
        ("2026-03-19", false, "the day before the vernal equinox"),
        ("2019-05-07", false, "after Golden Week 2019"),
    ];
    let known = known_disagreements();
    for (date, expected, why) in cases {
        let date = d(date);
        assert_eq!(
            holidays.contains_key(&date),
            expected,
            "fixture {date}: {why}"
        );
        if !known.contains(&date) {
            assert_eq!(is_national_holiday(date), expected, "{date}: {why}");
        }
    }
}

/// The equinox days as announced in the official gazette: the days the
/// two implementations compute in different ways.
#[test]
fn equinox_days_are_the_published_ones() {
    let holidays = fixture();
    let published = [
        (2000, 20, 23),
        (2003, 21, 23),
        (2012, 20, 22),
        (2016, 20, 22),
        (2019, 21, 23),
        (2020, 20, 22),
        (2021, 20, 23),
        (2022, 21, 23),
        (2023, 21, 23),
        (2024, 20, 22),
        (2025, 20, 23),
        (2026, 20, 23),
        (2027, 21, 23),
    ];
    for (year, vernal, autumnal) in published {
        for (month, day, name) in [(3, vernal, "春分の日"), (9, autumnal, "秋分の日")] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert_eq!(holidays.get(&date).copied(), Some(name), "{date}");
            assert!(is_national_holiday(date), "{date} {name}");
        }
    }
}

#[test]
fn holidays_per_year_of_2019_and_2026() {
    let count = |year: i32| {
        every_day()
            .filter(|day| day.year() == year && is_national_holiday(*day))
            .count()
    };
    // 15 regular holidays (no Emperor's Birthday), 2 enthronement days,
    // 2 days between holidays (30 April, 2 May), 3 substitutes.
    assert_eq!(count(2019), 22);
    // 16 regular holidays, 1 substitute (6 May), 1 between holidays (22 September).
    assert_eq!(count(2026), 18);
}
