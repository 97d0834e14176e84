//! Time: Japan's zone, in which the procedure's clock runs and every date
//! and instant is shown; the one parser of dates and the one of instants;
//! and the ISO forms JSON and CSV carry. Depends on nothing else of
//! tokenctl, so rules, store, catalogue and output all share it. (The
//! bank's business days are a rule: `rules::calendar`. The clock itself,
//! system or fixed, is `clock`.)

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, SecondsFormat,
    TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// The procedure's clock is Japan time: IANA Asia/Tokyo (UTC+9 today; it
/// kept daylight saving time from 1948 to 1951).
pub(crate) const JAPAN: Tz = chrono_tz::Asia::Tokyo;

/// The calendar date in Japan at `instant`.
pub(crate) fn japan_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&JAPAN).date_naive()
}

/// The instant a Japan wall-clock time names. Japan has had no clock change
/// since 1951, but a device record may carry any date: a time that did not
/// exist (the hour skipped when daylight saving time began, midnight of
/// 2 May 1948 among them) is the first instant after the skip, and a time
/// that happened twice (when it ended) is the earlier one.
pub(crate) fn japan_instant(local: NaiveDateTime) -> DateTime<Utc> {
    match JAPAN.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // Clock changes fall on whole minutes: the first minute that exists
        // after `local` is where the skipped hour ends.
        LocalResult::None => (1..=24 * 60)
            .find_map(|minutes| {
                let later = local.checked_add_signed(Duration::minutes(minutes))?;
                JAPAN.from_local_datetime(&later).earliest()
            })
            .map_or_else(
                || {
                    let standard = local.checked_sub_signed(Duration::hours(9));
                    standard.unwrap_or(local).and_utc()
                },
                |t| t.with_timezone(&Utc),
            ),
    }
}

/// Parses an RFC 3339 instant such as `2026-11-20T21:00:00+09:00`.
pub fn parse_instant(value: &str) -> std::result::Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(value.trim()).map(|t| t.with_timezone(&Utc))
}

/// A stored `YYYY-MM-DD` date, read without chrono's general parser (a
/// million-row `list` reads one per row): `parse_date`, in its one form
/// that a registry and a JSON document hold.
pub(crate) fn parse_ymd(text: &str) -> Option<NaiveDate> {
    // The registry's own form, read a million times by `list`: its ten
    // bytes directly.
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = |bytes: &[u8]| bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0'));
        return NaiveDate::from_ymd_opt(n(&digits[..4]) as i32, n(&digits[4..6]), n(&digits[6..]));
    }
    match parse(text)? {
        (date, DateForm::Iso) => Some(date),
        _ => None,
    }
}

/// A calendar date as people and spreadsheets write it: `2031-11-30`,
/// `2031/11/30` or `2031/1/5` (how Excel in Japan saves a date to CSV), or
/// `2031年11月30日` (tokenctl's own Japanese display). The one date parser
/// of tokenctl; full-width digits are the caller's to normalise (NFKC).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    parse(text).map(|(date, _)| date)
}

/// How a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateForm {
    /// `YYYY-MM-DD`, two-digit month and day.
    Iso,
    /// `YYYY/M/D`, one or two digits.
    Slashes,
    /// `YYYY年M月D日`, one or two digits.
    Kanji,
}

fn parse(text: &str) -> Option<(NaiveDate, DateForm)> {
    let (form, rest) = if let Some(body) = text.strip_suffix('日') {
        (DateForm::Kanji, body)
    } else if text.as_bytes().get(4) == Some(&b'/') {
        (DateForm::Slashes, text)
    } else {
        (DateForm::Iso, text)
    };
    let mut parts = match form {
        DateForm::Iso => rest.splitn(3, '-').collect::<Vec<_>>(),
        DateForm::Slashes => rest.splitn(3, '/').collect(),
        DateForm::Kanji => rest
            .splitn(2, '年')
            .flat_map(|p| p.splitn(2, '月'))
            .collect(),
    };
    if parts.len() != 3 {
        return None;
    }
    let widths: &[std::ops::RangeInclusive<usize>] = match form {
        DateForm::Iso => &[4..=4, 2..=2, 2..=2],
        _ => &[4..=4, 1..=2, 1..=2],
    };
    let mut numbers = [0u32; 3];
    for (i, part) in parts.drain(..).enumerate() {
        if !widths[i].contains(&part.len()) || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        numbers[i] = part.bytes().fold(0, |n, c| n * 10 + u32::from(c - b'0'));
    }
    let [y, m, d] = numbers;
    Some((NaiveDate::from_ymd_opt(y as i32, m, d)?, form))
}

/// A date as JSON and CSV carry it, `2026-06-30`, in any language: kept on
/// the stack, since `list` and `expiring` write one a row for a million
/// rows. Registry dates have four-digit years (the schema's CHECK); any
/// other year is written as chrono writes it.
#[derive(Debug, Clone)]
pub(crate) enum IsoDate {
    Short([u8; 10]),
    Long(String),
}

impl IsoDate {
    pub(crate) fn of(date: NaiveDate) -> IsoDate {
        let y = date.year();
        if !(0..=9999).contains(&y) {
            return IsoDate::Long(date.format("%Y-%m-%d").to_string());
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let (y, m, d) = (y as u32, date.month(), date.day());
        IsoDate::Short([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            IsoDate::Short(bytes) => std::str::from_utf8(bytes).expect("ASCII digits"),
            IsoDate::Long(text) => text,
        }
    }
}

impl serde::Serialize for IsoDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An instant as JSON and CSV carry it, RFC 3339 in Japan time with whole
/// seconds and the numeric offset: `2026-11-20T21:00:00+09:00`, never `Z`.
/// Kept on the stack like `IsoDate`: a million-row report writes one a row.
/// Years outside 0–9999 are written as chrono writes them.
#[derive(Debug, Clone)]
pub(crate) enum IsoInstant {
    Short([u8; 25]),
    Long(String),
}

impl IsoInstant {
    pub(crate) fn of(at: DateTime<Utc>) -> IsoInstant {
        let local = at.with_timezone(&JAPAN);
        if !(0..=9999).contains(&local.year()) {
            return IsoInstant::Long(local.to_rfc3339_opts(SecondsFormat::Secs, false));
        }
        let offset = local.offset().fix().local_minus_utc();
        // Rounded to the minute as chrono does (local mean time, +09:18:59).
        let minutes = (offset.unsigned_abs() + 30) / 60;
        let mut text = [0u8; 25];
        let date = IsoDate::of(local.date_naive());
        text[..10].copy_from_slice(date.as_str().as_bytes());
        text[10] = b'T';
        two_digits(&mut text[11..13], local.hour());
        text[13] = b':';
        two_digits(&mut text[14..16], local.minute());
        text[16] = b':';
        two_digits(&mut text[17..19], local.second());
        text[19] = if offset < 0 { b'-' } else { b'+' };
        two_digits(&mut text[20..22], minutes / 60);
        text[22] = b':';
        two_digits(&mut text[23..25], minutes % 60);
        IsoInstant::Short(text)
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            IsoInstant::Short(bytes) => std::str::from_utf8(bytes).expect("ASCII"),
            IsoInstant::Long(text) => text,
        }
    }
}

impl serde::Serialize for IsoInstant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn two_digits(into: &mut [u8], n: u32) {
    into[0] = b'0' + (n / 10 % 10) as u8;
    into[1] = b'0' + (n % 10) as u8;
}

/// RFC 3339 with the Japan offset, as JSON and CSV carry instants.
pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    IsoInstant::of(at).as_str().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_to_the_same_instant() {
        let a = parse_instant("2026-11-20T21:00:00+09:00").unwrap();
        let b = parse_instant("2026-11-20T12:00:00Z").unwrap();
        assert_eq!(a, b);
        assert!(parse_instant("2026-11-20 21:00").is_err());
        assert!(parse_instant("yesterday").is_err());
    }

    #[test]
    fn wall_clock_times_that_did_not_exist_or_happened_twice() {
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let utc = |t: DateTime<Utc>| t.to_rfc3339();
        // Saturday 1 May 1948 24:00 standard time became 01:00 daylight
        // time (UTC+10): the same instant, 15:00 UTC.
        assert_eq!(
            utc(japan_instant(local("1948-05-02 00:00"))),
            "1948-05-01T15:00:00+00:00"
        );
        assert_eq!(
            utc(japan_instant(local("1948-05-02 00:59"))),
            "1948-05-01T15:00:00+00:00"
        );
        assert_eq!(
            utc(japan_instant(local("1948-05-02 01:00"))),
            "1948-05-01T15:00:00+00:00"
        );
        // Saturday 11 September 1948 25:00 daylight time became 24:00:
        // midnight of the 12th happened twice; the first is taken.
        assert_eq!(
            utc(japan_instant(local("1948-09-12 00:00"))),
            "1948-09-11T14:00:00+00:00"
        );
        assert_eq!(
            utc(japan_instant(local("2026-11-21 00:00"))),
            "2026-11-20T15:00:00+00:00"
        );
    }
    #[test]
    fn dates_in_the_three_forms_people_write() {
        let d = NaiveDate::from_ymd_opt(2031, 11, 30);
        for text in ["2031-11-30", "2031/11/30", "2031年11月30日"] {
            assert_eq!(parse_date(text), d, "{text}");
        }
        let early = NaiveDate::from_ymd_opt(2031, 1, 5);
        for text in [
            "2031-01-05",
            "2031/1/5",
            "2031/01/05",
            "2031年1月5日",
            "2031年01月05日",
        ] {
            assert_eq!(parse_date(text), early, "{text}");
        }
        assert_eq!(parse_ymd("2031/1/5"), None, "stored dates are ISO only");
        assert_eq!(parse_ymd("2031-01-05"), early);
    }

    #[test]
    fn anything_else_is_not_a_date() {
        for bad in [
            "",
            "2031-1-5",
            "2031-11-31",
            "2031/13/1",
            "31/11/2031",
            "2031年11月30",
            "2031年11月日",
            "2031/11/30/1",
            "２０３１-11-30",
            "2031-11-30 ",
            "+031-11-30",
            "2031/111/3",
            "2031年",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn iso_dates_are_written_as_chrono_writes_them() {
        for (y, m, d) in [(2026, 6, 30), (1, 1, 1), (9999, 12, 31), (2031, 11, 9)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                IsoDate::of(date).as_str(),
                date.format("%Y-%m-%d").to_string()
            );
            assert_eq!(parse_ymd(IsoDate::of(date).as_str()), Some(date));
        }
        let far = NaiveDate::from_ymd_opt(12345, 1, 2).unwrap();
        assert_eq!(IsoDate::of(far).as_str(), "+12345-01-02");
    }

    #[test]
    fn japan_date_turns_at_midnight_japan_time() {
        let before = "2026-12-30T14:59:59Z".parse::<DateTime<Utc>>().unwrap();
        let after = "2026-12-30T15:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            japan_date(before),
            NaiveDate::from_ymd_opt(2026, 12, 30).unwrap()
        );
        assert_eq!(
            japan_date(after),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }
    #[test]
    fn instants_are_written_as_chrono_writes_them() {
        let chrono = |at: DateTime<Utc>| {
            at.with_timezone(&JAPAN)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        };
        for text in [
            "2026-11-20T21:00:00+09:00",
            "2026-12-31T23:59:59+09:00",
            "1948-05-02T01:00:00+10:00",
            "1948-09-11T23:30:00+10:00",
            "9999-12-31T23:59:59+09:00",
            "1970-01-01T09:00:00+09:00",
        ] {
            let at = parse_instant(text).unwrap();
            assert_eq!(IsoInstant::of(at).as_str(), chrono(at), "{text}");
            assert_eq!(rfc3339(at), text, "{text}");
        }
        // Local mean time (+09:18:59) before 1888, written as chrono writes it.
        let lmt = parse_instant("0001-01-01T00:00:00Z").unwrap();
        assert_eq!(IsoInstant::of(lmt).as_str(), chrono(lmt));
        // Five-digit and negative years (an instant the store accepted
        // from a hand-made file) are written as chrono writes them.
        for seconds in [300_000_000_000, -70_000_000_000] {
            let at = DateTime::from_timestamp(seconds, 0).unwrap();
            assert_eq!(IsoInstant::of(at).as_str(), chrono(at), "{at:?}");
        }
    }
}
