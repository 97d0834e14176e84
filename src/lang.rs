//! The two languages of tokenctl and how each writes a date and an instant:
//! the pieces every message and table share. Depends on nothing else of
//! tokenctl, so the catalogue can use it without reaching back into the
//! presentation layer.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use crate::time::JAPAN;

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
        Lang::En if (0..=9999).contains(&y) => crate::time::IsoDate::of(date).as_str().to_string(),
        Lang::Ja if (0..=9999).contains(&y) => format!("{y:04}年{m}月{d}日"),
        Lang::En => date.format("%Y-%m-%d").to_string(),
        Lang::Ja => date.format("%Y年%-m月%-d日").to_string(),
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
        // The zone's own abbreviation: JST, or JDT for the daylight saving
        // time Japan kept from 1948 to 1951 (a table then agrees with the
        // +10:00 JSON writes).
        Lang::En => local.format("%Y-%m-%d %H:%M:%S %Z").to_string(),
        Lang::Ja if local.second() == 0 => local.format("%Y年%-m月%-d日 %-H時%M分").to_string(),
        Lang::Ja => local.format("%Y年%-m月%-d日 %-H時%M分%S秒").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_names_its_zone_as_japan_kept_it() {
        let at = |text: &str| crate::time::parse_instant(text).unwrap();
        assert_eq!(
            instant(Lang::En, at("2026-11-20T21:00:00+09:00")),
            "2026-11-20 21:00:00 JST"
        );
        assert_eq!(
            instant(Lang::En, at("1948-07-01T12:00:00+10:00")),
            "1948-07-01 12:00:00 JDT"
        );
        assert_eq!(
            instant(Lang::Ja, at("1948-07-01T12:00:00+10:00")),
            "1948年7月1日 12時00分"
        );
    }
}
