//! Owns an independent, law-derived Japanese national holiday calendar, used only in tests to cross-check `yasumi`.
//!
//! Written from 国民の祝日に関する法律 (昭和23年法律第178号) and its amendments, plus the
//! special laws for 2019–2021, without reference to yasumi's source. Only 2000–2050 is
//! claimed to be correct; outside that range the rules below are not guaranteed (e.g. the
//! pre-2000 fixed dates of 成人の日 / 体育の日 are not modelled).
//!
//! Sources of each rule (effective dates):
//! - 平成10年法律第141号 (from 2000): 成人の日 = 2nd Monday of January, 体育の日 = 2nd Monday of October.
//! - 平成13年法律第59号 (from 2003): 海の日 = 3rd Monday of July, 敬老の日 = 3rd Monday of September.
//! - 平成17年法律第43号 (from 2007): 昭和の日 4/29, みどりの日 moves 4/29 → 5/4; new wording of
//!   Art. 3(2) (振替休日) and Art. 3(3) (国民の休日).
//! - 平成26年法律第43号 (from 2016): 山の日 8/11.
//! - 天皇の退位等に関する皇室典範特例法 附則 (from 2019-04-30): 天皇誕生日 12/23 → 2/23.
//! - 平成30年法律第99号: 2019-05-01 (即位の日) and 2019-10-22 (即位礼正殿の儀) are 休日 and are
//!   deemed 国民の祝日 for Art. 3(2) and 3(3).
//! - 東京オリンピック・パラリンピック特別措置法 as amended by 平成30年法律第55号 (2020 only): 海の日 7/23,
//!   体育の日 (renamed スポーツの日 from 2020 by a 2018 amendment of the 祝日法) 7/24, 山の日 8/10.
//! - The same special-measures law as amended in 2020 (令和2年法律第68号) for 2021 only: 海の日 7/22,
//!   スポーツの日 7/23, 山の日 8/8.
//! - 春分日 / 秋分日 are fixed each year by 官報 from 国立天文台's 暦象年表; here the standard
//!   approximation valid for 1980–2099 is used.
#![cfg(test)]

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// `floor(base + 0.242194 * (year - 1980) - floor((year - 1980) / 4))`, the standard 1980–2099
/// equinox approximation, evaluated in exact integer arithmetic (`base_micros` is `base` in
/// millionths), so no floating-point rounding can move a boundary case.
fn equinox_day(year: i32, base_micros: i64) -> u32 {
    let n = i64::from(year - 1980);
    let day = (base_micros + 242_194 * n).div_euclid(1_000_000) - n.div_euclid(4);
    u32::try_from(day).expect("equinox day of month fits in u32")
}

/// Day-of-month of 春分日 (March) for `year`: floor(20.8431 + 0.242194·n − floor(n/4)), n = year − 1980.
fn vernal_equinox_day(year: i32) -> u32 {
    equinox_day(year, 20_843_100)
}

/// Day-of-month of 秋分日 (September) for `year`: floor(23.2488 + 0.242194·n − floor(n/4)), n = year − 1980.
fn autumnal_equinox_day(year: i32) -> u32 {
    equinox_day(year, 23_248_800)
}

/// true when `date` is the `nth` Monday of its month.
fn is_nth_monday(date: NaiveDate, nth: u32) -> bool {
    date.weekday() == Weekday::Mon && (date.day() - 1) / 7 + 1 == nth
}

/// true when `date` is a 「国民の祝日」 (Art. 2), including the days the special laws deem to be
/// 国民の祝日 for the purposes of Art. 3 (2019 enthronement days) and the 2020/2021 moved days.
fn is_shukujitsu(date: NaiveDate) -> bool {
    let (y, m, d) = (date.year(), date.month(), date.day());
    match (m, d) {
        // 元日
        (1, 1) => true,
        // 成人の日: 2nd Monday of January (from 2000).
        (1, _) => is_nth_monday(date, 2),
        // 建国記念の日 (政令: 2/11)
        (2, 11) => true,
        // 天皇誕生日 2/23 from 2020 (law effective 2019-04-30, so 2019-02-23 is not one).
        (2, 23) => y >= 2020,
        // 春分の日
        (3, _) => d == vernal_equinox_day(y),
        // みどりの日 (until 2006) / 昭和の日 (from 2007)
        (4, 29) => true,
        // 2019: 天皇の即位の日 (平成30年法律第99号)
        (5, 1) => y == 2019,
        // 憲法記念日
        (5, 3) => true,
        // みどりの日 from 2007 (before that, 5/4 can only be a 国民の休日 / 振替休日)
        (5, 4) => y >= 2007,
        // こどもの日
        (5, 5) => true,
        // 海の日: 7/20 until 2002, 3rd Monday from 2003, 7/23 in 2020, 7/22 in 2021.
        // スポーツの日: 7/24 in 2020, 7/23 in 2021.
        (7, _) => match y {
            ..=2002 => d == 20,
            2020 => d == 23 || d == 24,
            2021 => d == 22 || d == 23,
            _ => is_nth_monday(date, 3),
        },
        // 山の日: from 2016; 8/10 in 2020, 8/8 in 2021, otherwise 8/11.
        (8, _) => match y {
            ..=2015 => false,
            2020 => d == 10,
            2021 => d == 8,
            _ => d == 11,
        },
        // 敬老の日 (9/15 until 2002, 3rd Monday from 2003) and 秋分の日.
        (9, _) => {
            let keiro = if y <= 2002 {
                d == 15
            } else {
                is_nth_monday(date, 3)
            };
            keiro || d == autumnal_equinox_day(y)
        }
        // 体育の日 / スポーツの日: 2nd Monday of October, except 2020 and 2021 (moved to July);
        // 2019: 即位礼正殿の儀 10/22.
        (10, _) => match y {
            2020 | 2021 => false,
            2019 => d == 22 || is_nth_monday(date, 2),
            _ => is_nth_monday(date, 2),
        },
        // 文化の日, 勤労感謝の日
        (11, 3 | 23) => true,
        // 天皇誕生日 12/23 from 1989 until 2018.
        (12, 23) => y <= 2018,
        _ => false,
    }
}

fn prev_day(date: NaiveDate) -> NaiveDate {
    date.checked_sub_days(Days::new(1)).expect("date in range")
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1)).expect("date in range")
}

/// true when the 2007 amendment's wording of Art. 3(2)/(3) governs `date`.
fn under_2007_rules(date: NaiveDate) -> bool {
    date.year() >= 2007
}

/// 振替休日 (Art. 3(2)).
///
/// - 1973–2006: 「国民の祝日」が日曜日にあたるときは、その翌日を休日とする。
/// - from 2007: 「国民の祝日」が日曜日に当たるときは、その日後においてその日に最も近い
///   「国民の祝日」でない日を休日とする。
fn is_substitute_holiday(date: NaiveDate) -> bool {
    if is_shukujitsu(date) {
        // A 祝日 is already a holiday in its own right; it is never the substitute day under the
        // 2007 wording, and under the old wording the boolean answer is the same either way.
        return false;
    }
    if !under_2007_rules(date) {
        let prev = prev_day(date);
        return prev.weekday() == Weekday::Sun && is_shukujitsu(prev);
    }
    // The nearest non-祝日 day after a Sunday 祝日 S is the first day after the run of consecutive
    // 祝日 containing S. So `date` is a substitute iff the run of 祝日 ending the day before
    // `date` contains a Sunday.
    let mut cur = prev_day(date);
    while is_shukujitsu(cur) {
        if cur.weekday() == Weekday::Sun {
            return true;
        }
        cur = prev_day(cur);
    }
    false
}

/// 国民の休日 (Art. 3(3), added 1985).
///
/// - 1985–2006: その前日及び翌日が「国民の祝日」である日（日曜日にあたる日及び前項に規定する
///   休日にあたる日を除く。）は、休日とする。
/// - from 2007: その前日及び翌日が「国民の祝日」である日（「国民の祝日」でない日に限る。）は、
///   休日とする。
///
/// Excluding 振替休日 under the old wording does not change whether the day is a holiday, so only
/// the Sunday exclusion is modelled for the old wording.
fn is_citizens_holiday(date: NaiveDate) -> bool {
    if is_shukujitsu(date) || !is_shukujitsu(prev_day(date)) || !is_shukujitsu(next_day(date)) {
        return false;
    }
    under_2007_rules(date) || date.weekday() != Weekday::Sun
}

/// true when `date` is a national holiday (祝日), a substitute holiday (振替休日) or a citizens' holiday (国民の休日).
pub(crate) fn is_national_holiday(date: NaiveDate) -> bool {
    is_shukujitsu(date) || is_substitute_holiday(date) || is_citizens_holiday(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn agrees_with_yasumi_2000_to_2050() {
        let first = ymd(2000, 1, 1);
        let last = ymd(2050, 12, 31);
        let mut disagreements = Vec::new();
        let mut compared = 0usize;
        for date in first.iter_days().take_while(|d| *d <= last) {
            compared += 1;
            let ours = is_national_holiday(date);
            let theirs = yasumi::is_holiday(date);
            if ours != theirs {
                disagreements.push(format!(
                    "{date} ({:?}): law-derived={ours}, yasumi={theirs}",
                    date.weekday()
                ));
            }
        }
        assert_eq!(
            compared, 18_628,
            "expected to walk every day of 2000..=2050"
        );
        assert!(
            disagreements.is_empty(),
            "{} disagreement(s) with yasumi over {compared} days:\n{}",
            disagreements.len(),
            disagreements.join("\n")
        );
    }

    #[test]
    fn spot_checks_at_tricky_dates() {
        let cases: &[(NaiveDate, bool, &str)] = &[
            // 2019 enthronement
            (ymd(2019, 4, 29), true, "昭和の日"),
            (
                ymd(2019, 4, 30),
                true,
                "国民の休日 between 昭和の日 and 即位の日",
            ),
            (ymd(2019, 5, 1), true, "天皇の即位の日 (special law)"),
            (
                ymd(2019, 5, 2),
                true,
                "国民の休日 between 即位の日 and 憲法記念日",
            ),
            (ymd(2019, 5, 6), true, "振替休日 for こどもの日 on Sunday"),
            (ymd(2019, 10, 22), true, "即位礼正殿の儀 (special law)"),
            (
                ymd(2019, 2, 23),
                false,
                "no 天皇誕生日 in 2019 (2/23 rule from 2019-04-30)",
            ),
            (ymd(2019, 12, 23), false, "no 天皇誕生日 in 2019"),
            (ymd(2018, 12, 23), true, "天皇誕生日 (Heisei), Sunday"),
            (ymd(2018, 12, 24), true, "振替休日 for 天皇誕生日"),
            (ymd(2020, 2, 23), true, "天皇誕生日 (Reiwa), Sunday"),
            (ymd(2020, 2, 24), true, "振替休日 for 天皇誕生日"),
            // 2020 Olympic moves
            (
                ymd(2020, 7, 20),
                false,
                "3rd Monday of July 2020: 海の日 moved",
            ),
            (ymd(2020, 7, 23), true, "海の日 (2020 special)"),
            (ymd(2020, 7, 24), true, "スポーツの日 (2020 special)"),
            (ymd(2020, 8, 10), true, "山の日 (2020 special)"),
            (ymd(2020, 8, 11), false, "山の日 moved in 2020"),
            (
                ymd(2020, 10, 12),
                false,
                "2nd Monday of October 2020: スポーツの日 moved",
            ),
            // 2021 Olympic moves
            (
                ymd(2021, 7, 19),
                false,
                "3rd Monday of July 2021: 海の日 moved",
            ),
            (ymd(2021, 7, 22), true, "海の日 (2021 special)"),
            (ymd(2021, 7, 23), true, "スポーツの日 (2021 special)"),
            (ymd(2021, 8, 8), true, "山の日 (2021 special), Sunday"),
            (ymd(2021, 8, 9), true, "振替休日 for 山の日"),
            (ymd(2021, 8, 11), false, "山の日 moved in 2021"),
            (
                ymd(2021, 10, 11),
                false,
                "2nd Monday of October 2021: スポーツの日 moved",
            ),
            // Citizens' holidays and substitutes
            (ymd(2026, 9, 21), true, "敬老の日"),
            (
                ymd(2026, 9, 22),
                true,
                "国民の休日 between 敬老の日 and 秋分の日",
            ),
            (ymd(2026, 9, 23), true, "秋分の日"),
            (ymd(2015, 9, 22), true, "国民の休日 (2015 silver week)"),
            (ymd(2009, 9, 22), true, "国民の休日 (2009 silver week)"),
            (ymd(2026, 5, 3), true, "憲法記念日, Sunday"),
            (
                ymd(2026, 5, 6),
                true,
                "振替休日 for 憲法記念日 (nearest non-祝日 after 5/3)",
            ),
            (
                ymd(2008, 5, 6),
                true,
                "振替休日 for みどりの日 on Sunday (2007 wording)",
            ),
            (ymd(2025, 2, 23), true, "天皇誕生日, Sunday"),
            (ymd(2025, 2, 24), true, "振替休日 for 天皇誕生日"),
            (ymd(2023, 1, 1), true, "元日, Sunday"),
            (ymd(2023, 1, 2), true, "振替休日 for 元日"),
            // Pre-2007 Golden Week
            (ymd(2000, 5, 4), true, "国民の休日 (Thursday, pre-2007)"),
            (
                ymd(2003, 5, 4),
                false,
                "Sunday 5/4 was not a 国民の休日 before 2007",
            ),
            (ymd(2003, 5, 5), true, "こどもの日"),
            (
                ymd(2003, 5, 6),
                false,
                "no substitute: 5/4/2003 was not a 祝日",
            ),
            (ymd(2004, 5, 4), true, "国民の休日 (Tuesday, pre-2007)"),
            (ymd(2006, 4, 29), true, "みどりの日 (4/29 era)"),
            (ymd(2002, 7, 20), true, "海の日 on 7/20 before 2003"),
            (
                ymd(2002, 9, 15),
                true,
                "敬老の日 on 9/15 before 2003, Sunday",
            ),
            (
                ymd(2002, 9, 16),
                true,
                "振替休日 for 敬老の日 (old wording)",
            ),
            (ymd(2003, 9, 15), true, "敬老の日, 3rd Monday"),
            (ymd(2015, 8, 11), false, "山の日 starts in 2016"),
            (ymd(2016, 8, 11), true, "山の日 first year"),
            // Ordinary non-holidays
            (ymd(2024, 1, 2), false, "ordinary weekday (Tuesday)"),
            (ymd(2024, 12, 31), false, "12/31 is not a national holiday"),
            (ymd(2025, 6, 11), false, "ordinary weekday (Wednesday)"),
            (ymd(2026, 3, 19), false, "day before 春分の日"),
            (ymd(2026, 9, 24), false, "day after 秋分の日 (Thursday)"),
            (ymd(2019, 5, 7), false, "after 2019 Golden Week"),
            (ymd(2030, 11, 4), true, "振替休日 for 文化の日 on Sunday"),
            (ymd(2030, 11, 11), false, "ordinary Monday"),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter(|(date, expected, _)| is_national_holiday(*date) != *expected)
            .map(|(date, expected, why)| format!("{date}: expected {expected} ({why})"))
            .collect();
        assert!(
            failures.is_empty(),
            "spot checks failed:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn equinox_days_match_published_dates() {
        // (year, vernal (March) day, autumnal (September) day), as announced in 官報 / 国立天文台.
        let published: &[(i32, u32, u32)] = &[
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
        for &(year, vernal, autumnal) in published {
            assert_eq!(vernal_equinox_day(year), vernal, "vernal equinox {year}");
            assert_eq!(
                autumnal_equinox_day(year),
                autumnal,
                "autumnal equinox {year}"
            );
            assert!(is_national_holiday(ymd(year, 3, vernal)), "春分の日 {year}");
            assert!(
                is_national_holiday(ymd(year, 9, autumnal)),
                "秋分の日 {year}"
            );
        }
    }

    #[test]
    fn holiday_counts_per_year_are_plausible() {
        // 2026: 16 祝日 + 振替休日 5/6 + 国民の休日 9/22 = 18.
        let count = |year: i32| {
            ymd(year, 1, 1)
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter(|d| is_national_holiday(*d))
                .count()
        };
        assert_eq!(count(2026), 18);
        // 2019: 15 ordinary 祝日 (no 天皇誕生日) + 2 special days (5/1, 10/22) + 2 国民の休日
        // (4/30, 5/2) + 3 振替休日 (5/6, 8/12, 11/4) = 22.
        assert_eq!(count(2019), 22);
    }
}
