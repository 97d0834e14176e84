//! The two languages of tokenctl and how each writes a date and an instant:
//! the pieces every message and table share. Depends on nothing else of
//! tokenctl, so the catalogue can use it without reaching back into the
//! presentation layer.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

/// Japan time, in which every date and instant is shown.
const JAPAN: Tz = chrono_tz::Asia::Tokyo;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Lang {
    En,
    Ja,
}

impl Lang {
    /// `--lang`/`TOKENCTL_LANG` when given, else Japanese when `LANG` (or
    /// `LC_ALL`/`LC_MESSAGES`) names a Japanese locale.
    pub(crate) fn resolve(explicit: Option<Lang>) -> Lang {
        explicit.unwrap_or_else(|| {
            let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            if locale.starts_with("ja") {
                Lang::Ja
            } else {
                Lang::En
            }
        })
    }

    /// One of two forms that differ only in punctuation (`, ` or `、`);
    /// words come from the catalogue.
    pub(crate) fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
}

/// A date: `2026-06-30`, or `2026年6月30日` as the bank writes it.
pub(crate) fn date(lang: Lang, date: NaiveDate) -> String {
    // Written out directly: chrono's formatter was a tenth of a million-row
    // `list`.
    let (y, m, d) = (date.year(), date.month(), date.day());
    match lang {
        Lang::En if (0..=9999).contains(&y) => format!("{y:04}-{m:02}-{d:02}"),
        Lang::Ja if (0..=9999).contains(&y) => format!("{y:04}年{m}月{d}日"),
        Lang::En => date.format("%Y-%m-%d").to_string(),
        Lang::Ja => date.format("%Y年%-m月%-d日").to_string(),
    }
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

/// An instant in Japan time, in the table's form. Japanese writes it as the
/// bank does, `2026年11月24日 8時10分`: no leading zero in the month, day and
/// hour (minutes keep two digits, `21時00分`), and seconds only when there
/// are any (a registrable-at instant 30 minutes after a revocation keeps the
/// revocation's seconds, and dropping them would name a minute at which
/// registration is still refused).
pub(crate) fn instant(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&JAPAN);
    match lang {
        Lang::En => local.format("%Y-%m-%d %H:%M:%S JST").to_string(),
        Lang::Ja if local.second() == 0 => local.format("%Y年%-m月%-d日 %-H時%M分").to_string(),
        Lang::Ja => local.format("%Y年%-m月%-d日 %-H時%M分%S秒").to_string(),
    }
}

/// A stored `YYYY-MM-DD` date, read without chrono's general parser (a
/// million-row `list` reads one per row): `parse_date`, in its one form
/// that a registry and a JSON document hold.
pub(crate) fn parse_ymd(text: &str) -> Option<NaiveDate> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
