//! Text as people type it and files as people have them: the encodings
//! files come in (UTF-8, or Shift_JIS as Excel saves CSV in Japan), the
//! full-width forms a Japanese input method types, report windows written
//! `30d` or `4週`, and how an input is echoed back in an error without
//! flooding the terminal, leaking a secret or letting an escape sequence
//! through.
//!
//! Everything here is pure except `open` and `read_targets_located`, which read a
//! file or stdin.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Seek};

use crate::catalogue::{Msg, OsError};
use crate::error::{Error, Result};
pub(crate) use crate::input::{Quoted, nfkc};
pub use crate::input::{escape_controls, quote_field, typed};

/// The encoding of an input file, as `--encoding` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 when the whole input is valid UTF-8, else Shift_JIS (CP932)
    #[default]
    Auto,
    /// UTF-8 only
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Shift_JIS as Windows and Excel write it (CP932, windows-31j)
    #[value(alias = "shift_jis", alias = "sjis")]
    Cp932,
}

/// How the bytes are being decoded, which decides what a failure says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoding {
    Utf8,
    Cp932,
    /// `auto` found a line that is not UTF-8, and fell back to CP932.
    Cp932AfterUtf8 {
        not_utf8_line: u64,
    },
}

impl Decoding {
    fn decoder(self) -> encoding_rs::Decoder {
        // BOM sniffing: a byte-order mark wins over the encoding asked for,
        // and is never part of the text. encoding_rs's SHIFT_JIS is the
        // WHATWG Shift_JIS, which is Microsoft's CP932 (windows-31j).
        match self {
            Decoding::Utf8 => encoding_rs::UTF_8.new_decoder(),
            Decoding::Cp932 | Decoding::Cp932AfterUtf8 { .. } => {
                encoding_rs::SHIFT_JIS.new_decoder()
            }
        }
    }
}

/// A line of an input that is not valid in the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// 1-based, counting the lines decoded before the bad bytes.
    pub(crate) line: u64,
    decoding: Decoding,
}

impl DecodeError {
    /// What is wrong with the line, and what to do about it.
    pub(crate) fn message(&self) -> Msg {
        match self.decoding {
            Decoding::Utf8 => Msg::NotUtf8,
            Decoding::Cp932 => Msg::NotCp932,
            Decoding::Cp932AfterUtf8 { not_utf8_line } => Msg::NeitherEncoding {
                first_not_utf8: (not_utf8_line != self.line).then_some(not_utf8_line),
            },
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en())
    }
}

impl std::error::Error for DecodeError {}

/// The decoding failure carried by an I/O error from a `Decoder`, if that
/// is what it is.
pub(crate) fn decode_failure(e: &io::Error) -> Option<&DecodeError> {
    e.get_ref()?.downcast_ref::<DecodeError>()
}

/// Reads bytes in an encoding and yields them as UTF-8. Bytes that are not
/// valid in the encoding end the input with an `InvalidData` error that
/// carries a `DecodeError` naming the line; everything decoded before them
/// is yielded first.
pub(crate) struct Decoder<R> {
    inner: R,
    decoding: Decoding,
    decoder: encoding_rs::Decoder,
    out: Box<[u8]>,
    start: usize,
    end: usize,
    /// Line breaks decoded so far.
    lines: u64,
    failure: Option<DecodeError>,
    done: bool,
}

const DECODED_CHUNK: usize = 1 << 16;

impl<R: BufRead> Decoder<R> {
    fn new(inner: R, decoding: Decoding) -> Self {
        Decoder {
            inner,
            decoding,
            decoder: decoding.decoder(),
            out: vec![0; DECODED_CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            lines: 0,
            failure: None,
            done: false,
        }
    }
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start < self.end {
                let n = buf.len().min(self.end - self.start);
                buf[..n].copy_from_slice(&self.out[self.start..self.start + n]);
                self.start += n;
                return Ok(n);
            }
            if let Some(failure) = &self.failure {
                return Err(io::Error::new(io::ErrorKind::InvalidData, failure.clone()));
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(src, &mut self.out, last);
            self.inner.consume(read);
            self.start = 0;
            self.end = written;
            self.lines += bytecount(&self.out[..written], b'\n');
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.done = last,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(..) => {
                    self.failure = Some(DecodeError {
                        line: self.lines + 1,
                        decoding: self.decoding,
                    });
                }
            }
        }
    }
}

fn bytecount(bytes: &[u8], byte: u8) -> u64 {
    bytes.iter().filter(|b| **b == byte).count() as u64
}

/// The first line of `reader` that is not valid in `decoding`, or `None`
/// when all of it is.
fn first_bad_line(reader: impl BufRead, decoding: Decoding) -> io::Result<Option<u64>> {
    match io::copy(&mut Decoder::new(reader, decoding), &mut io::sink()) {
        Ok(_) => Ok(None),
        Err(e) => match decode_failure(&e) {
            Some(failure) => Ok(Some(failure.line)),
            None => Err(e),
        },
    }
}

/// An input opened for reading as UTF-8 text.
pub(crate) struct TextInput {
    pub(crate) reader: Box<dyn Read>,
    /// The size in bytes when known (a regular file), else 0.
    pub(crate) size: u64,
}

/// Opens `source` (a path, or `-` for stdin) to be read as UTF-8 in
/// `encoding`. `auto` reads a regular file twice (to check it is UTF-8,
/// then to decode it) so a large import is never held in memory; stdin and
/// pipes are read into memory first, since they cannot be read twice.
pub(crate) fn open(source: &str, encoding: Encoding) -> io::Result<TextInput> {
    const RAW_CHUNK: usize = 1 << 16;
    if source == "-" {
        return open_stream(Box::new(io::stdin()), encoding);
    }
    let mut file = std::fs::File::open(source)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return open_stream(Box::new(file), encoding);
    }
    let decoding = match encoding {
        Encoding::Utf8 => Decoding::Utf8,
        Encoding::Cp932 => Decoding::Cp932,
        Encoding::Auto => {
            let bad = first_bad_line(
                BufReader::with_capacity(RAW_CHUNK, &mut file),
                Decoding::Utf8,
            )?;
            file.rewind()?;
            auto_fallback(bad)
        }
    };
    Ok(TextInput {
        reader: Box::new(Decoder::new(
            BufReader::with_capacity(RAW_CHUNK, file),
            decoding,
        )),
        size: metadata.len(),
    })
}

/// What `auto` decodes in, given the first line that is not UTF-8.
fn auto_fallback(not_utf8_line: Option<u64>) -> Decoding {
    match not_utf8_line {
        None => Decoding::Utf8,
        Some(not_utf8_line) => Decoding::Cp932AfterUtf8 { not_utf8_line },
    }
}

fn open_stream(mut reader: Box<dyn Read>, encoding: Encoding) -> io::Result<TextInput> {
    let decoding = match encoding {
        Encoding::Utf8 => Decoding::Utf8,
        Encoding::Cp932 => Decoding::Cp932,
        Encoding::Auto => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes)?;
            let decoding = auto_fallback(first_bad_line(bytes.as_slice(), Decoding::Utf8)?);
            return Ok(TextInput {
                reader: Box::new(Decoder::new(io::Cursor::new(bytes), decoding)),
                size: 0,
            });
        }
    };
    Ok(TextInput {
        reader: Box::new(Decoder::new(BufReader::new(reader), decoding)),
        size: 0,
    })
}

/// Decodes `bytes` whole, as `open` would decode a file holding them.
pub fn decode(bytes: &[u8], encoding: Encoding) -> std::result::Result<String, DecodeError> {
    let decoding = match encoding {
        Encoding::Utf8 => Decoding::Utf8,
        Encoding::Cp932 => Decoding::Cp932,
        Encoding::Auto => {
            auto_fallback(first_bad_line(bytes, Decoding::Utf8).expect("a slice reads"))
        }
    };
    let mut text = String::new();
    match Decoder::new(bytes, decoding).read_to_string(&mut text) {
        Ok(_) => Ok(text),
        Err(e) => Err(decode_failure(&e)
            .cloned()
            .expect("reading a slice fails only on bad bytes")),
    }
}

/// The login IDs of a targets file (`-` for stdin): one a line, blank
/// lines and `#` comments skipped, full-width forms read as ASCII; each
/// with the number of its line, so that a refusal can name where it came
/// from.
pub(crate) fn read_targets_located(source: &str, encoding: Encoding) -> Result<Vec<(String, u64)>> {
    let cannot = |e: io::Error| {
        Error::usage(Msg::CannotReadTargets {
            file: source.to_string(),
            error: OsError::from(&e),
        })
    };
    let mut input = open(source, encoding).map_err(cannot)?;
    let mut text = String::new();
    input
        .reader
        .read_to_string(&mut text)
        .map_err(|e| match decode_failure(&e) {
            Some(failure) => Error::usage(Msg::TargetsFileLine {
                file: if source == "-" { "stdin" } else { source }.to_string(),
                line: failure.line,
                problem: Box::new(failure.message()),
            }),
            None => cannot(e),
        })?;
    Ok(target_lines_located(&text))
}

/// The login IDs in the text of a targets file.
pub fn target_lines(text: &str) -> Vec<String> {
    target_lines_located(text)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// The login IDs in the text of a targets file, each with its line number.
pub(crate) fn target_lines_located(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .zip(1..)
        .map(|(line, n)| (typed(line), n))
        .filter(|(line, _)| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// The longest report window accepted, in days (about a century).
pub(crate) const MAX_WINDOW_DAYS: u32 = 36_500;

/// Why a report window was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Not a number followed by a unit; holds the quoted input.
    NotADuration(Quoted),
    /// A number and a unit, beyond `MAX_WINDOW_DAYS`; holds the quoted input.
    TooLarge(Quoted),
}

impl DurationError {
    pub(crate) fn message(&self) -> Msg {
        match self {
            DurationError::NotADuration(quoted) => Msg::NotADuration {
                quoted: quoted.clone(),
            },
            DurationError::TooLarge(quoted) => Msg::DurationTooLarge {
                quoted: quoted.clone(),
                days: MAX_WINDOW_DAYS,
                weeks: MAX_WINDOW_DAYS / 7,
            },
        }
    }
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en())
    }
}

impl std::error::Error for DurationError {}

/// A flag's value that tokenctl's own parser refused, with the reason in
/// the catalogue (clap shows it after its `invalid value` line; `run`
/// words it in Japanese when asked to).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadValue(pub Msg);

impl BadValue {
    pub(crate) fn message(&self) -> Msg {
        self.0.clone()
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.en())
    }
}

impl std::error::Error for BadValue {}

/// Units of a window, longest first so `4週間` is not read as `4週` + `間`.
const UNITS: [(&str, u32); 6] = [
    ("週間", 7),
    ("日間", 1),
    ("週", 7),
    ("日", 1),
    ("d", 1),
    ("w", 7),
];

/// A clock offset such as `+95s`, `-3m` or `+1h` (a sign is optional;
/// full-width forms read as ASCII), in seconds; at most a year either way.
pub(crate) fn parse_clock_offset(text: &str) -> Option<i64> {
    let text = nfkc(text).trim().to_ascii_lowercase();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(&text)),
    };
    let unit = match rest.chars().last()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => return None,
    };
    let number = &rest[..rest.len() - 1];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds = number.parse::<i64>().ok()?.checked_mul(unit)?;
    (seconds <= 366 * 86_400).then_some(sign * seconds)
}

/// Month units: `1か月` as written by hand, `1ヶ月`/`1カ月`/`1ヵ月`/`1ケ月` as
/// input methods offer it, `3mo` in English; `間` may follow (`1か月間`).
const MONTH_UNITS: [&str; 6] = ["か月", "ヶ月", "カ月", "ヵ月", "ケ月", "mo"];

/// A report window such as `30d`, `4w`, `30日`, `4週` or `4週間` (also
/// `30日間`), in days. Full-width digits and letters are read as ASCII;
/// `D` and `W` as `d` and `w`. Months (`1か月`, `3mo`) are refused here:
/// their length depends on the day they start from (`parse_window_on`).
pub fn parse_window(text: &str) -> std::result::Result<u32, DurationError> {
    parse_window_on(text, None)
}

/// `parse_window`, also reading months when `today` is given: a calendar
/// month from `today` runs to the same day of the month after (to its last
/// day when that month is shorter: 31 January + 1 month is 28 or 29
/// February), so `1か月` on 15 November is the 30 days to 15 December.
pub(crate) fn parse_window_on(
    text: &str,
    today: Option<chrono::NaiveDate>,
) -> std::result::Result<u32, DurationError> {
    let normal = nfkc(text).trim().to_ascii_lowercase();
    let not_a_duration = || DurationError::NotADuration(quote_field(text));
    let too_large = || DurationError::TooLarge(quote_field(text));
    let month = MONTH_UNITS.iter().find_map(|unit| {
        let body = normal.strip_suffix('間').unwrap_or(&normal);
        body.strip_suffix(unit)
    });
    if let (Some(number), Some(today)) = (month, today) {
        let months = whole_number(number).ok_or_else(not_a_duration)?;
        let end = months
            .and_then(|m| today.checked_add_months(chrono::Months::new(m)))
            .ok_or_else(too_large)?;
        return u32::try_from((end - today).num_days())
            .ok()
            .filter(|days| *days <= MAX_WINDOW_DAYS)
            .ok_or_else(too_large);
    }
    let (number, unit_days) = UNITS
        .iter()
        .find_map(|(unit, days)| normal.strip_suffix(unit).map(|n| (n, *days)))
        .ok_or_else(not_a_duration)?;
    whole_number(number)
        .ok_or_else(not_a_duration)?
        .and_then(|n| n.checked_mul(unit_days))
        .filter(|days| *days <= MAX_WINDOW_DAYS)
        .ok_or_else(too_large)
}

/// ASCII digits as a number: `None` when not digits, `Some(None)` when
/// the number does not fit.
fn whole_number(digits: &str) -> Option<Option<u32>> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().try_fold(0u32, |n, digit| {
        n.checked_mul(10)?.checked_add(u32::from(digit - b'0'))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn cp932(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable, "{text} has no CP932 form");
        bytes.into_owned()
    }

    #[test]
    fn auto_reads_utf8_and_cp932_alike() {
        let text = "login_id,name\r\nyamada,山田 太郎\r\nsuzuki,鈴木 花子\r\n";
        assert_eq!(decode(text.as_bytes(), Encoding::Auto).unwrap(), text);
        assert_eq!(decode(&cp932(text), Encoding::Auto).unwrap(), text);
        assert_eq!(decode(&cp932(text), Encoding::Cp932).unwrap(), text);
        // CP932's own characters, beyond JIS X 0208: ① and ㈱.
        assert_eq!(decode(&cp932("①㈱"), Encoding::Auto).unwrap(), "①㈱");
    }

    #[test]
    fn a_bom_is_dropped_in_every_encoding() {
        for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Cp932] {
            let text = decode("\u{feff}a,b\n".as_bytes(), encoding).unwrap();
            assert_eq!(text, "a,b\n", "{encoding:?}");
        }
    }

    #[test]
    fn a_utf16_bom_reads_as_utf16_as_excel_unicode_text_saves() {
        let text = "login_id\r\nyamada01\r\n";
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Cp932] {
            assert_eq!(decode(&bytes, encoding).unwrap(), text, "{encoding:?}");
        }
    }

    #[test]
    fn forced_utf8_names_the_line_of_cp932_bytes() {
        let mut bytes = b"a\nb\n".to_vec();
        bytes.extend(cp932("山田\n"));
        let e = decode(&bytes, Encoding::Utf8).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("--encoding cp932"), "{e}");
    }

    #[test]
    fn forced_cp932_names_the_line_of_bad_bytes() {
        // 0x82 starts a two-byte character; a line break cannot end it.
        let e = decode(b"a\n\x82\nc\n", Encoding::Cp932).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("not valid Shift_JIS"), "{e}");
    }

    #[test]
    fn auto_names_the_first_line_that_is_neither() {
        // Latin-1 "é" (0xE9) followed by a comma: neither encoding.
        let e = decode(b"header\nok\ncaf\xe9,x\n", Encoding::Auto).unwrap_err();
        assert_eq!(e.line, 3);
        let message = e.to_string();
        assert!(message.contains("neither UTF-8 nor Shift_JIS"), "{message}");
        assert!(
            !message.contains("first line that is not UTF-8"),
            "{message}"
        );
        // UTF-8 on line 2 (not CP932's bytes), CP932 on line 3: each line is
        // one encoding, the file is neither.
        let mut mixed = "a\n".as_bytes().to_vec();
        mixed.extend("\u{1f600}\n".as_bytes());
        mixed.extend(cp932("山田\n"));
        let e = decode(&mixed, Encoding::Auto).unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn the_decoder_yields_what_came_before_the_bad_bytes() {
        let mut decoder = Decoder::new(&b"ok\nbad\xff\n"[..], Decoding::Utf8);
        let mut text = String::new();
        let e = decoder.read_to_string(&mut text).unwrap_err();
        assert_eq!(decode_failure(&e).unwrap().line, 2);
        // The error sticks: a reader is never told the input just ended.
        let mut more = [0u8; 4];
        assert!(decoder.read(&mut more).is_err());
    }

    #[test]
    fn the_decoder_works_through_a_tiny_buffer() {
        let text = "山田,ｔａｒｏ\n".repeat(5000);
        let mut decoder = Decoder::new(
            BufReader::with_capacity(3, io::Cursor::new(cp932(&text))),
            Decoding::Cp932,
        );
        let mut out = Vec::new();
        let mut buf = [0u8; 5];
        loop {
            let n = decoder.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), text);
    }

    #[test]
    fn targets_skip_blanks_and_comments_and_read_full_width() {
        let text = "\u{feff}# the list\r\ntaro01\r\n\r\n  ｈａｍａｋｏ０１　\r\n＃ not me\r\n";
        let decoded = decode(text.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(target_lines(&decoded), ["taro01", "hamako01"]);
    }

    #[test]
    fn full_width_is_read_as_ascii() {
        assert_eq!(typed("６７０４３２"), "670432");
        assert_eq!(typed("　ｔａｒｏ０１　"), "taro01");
        assert!(matches!(nfkc("taro01"), Cow::Borrowed(_)));
        assert!(matches!(nfkc("山田"), Cow::Borrowed(_)));
    }

    #[test]
    fn windows_in_every_accepted_form() {
        for (text, days) in [
            ("30d", 30),
            ("0d", 0),
            ("30D", 30),
            ("4w", 28),
            ("4W", 28),
            ("30日", 30),
            ("30日間", 30),
            ("4週", 28),
            ("4週間", 28),
            ("３０日", 30),
            ("３０ｄ", 30),
            ("４Ｗ", 28),
            (" 30d ", 30),
            ("36500d", 36_500),
            ("5214w", 36_498),
        ] {
            assert_eq!(parse_window(text), Ok(days), "{text:?}");
        }
    }

    #[test]
    fn months_are_calendar_months_from_today() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        for text in [
            "1か月",
            "1ヶ月",
            "1カ月",
            "1ヵ月",
            "1か月間",
            "1mo",
            "１ヶ月",
            "1MO",
        ] {
            assert_eq!(parse_window_on(text, day(2026, 11, 15)), Ok(30), "{text}");
        }
        assert_eq!(
            parse_window_on("3mo", day(2026, 11, 15)),
            Ok(92),
            "to 15 February"
        );
        assert_eq!(
            parse_window_on("1mo", day(2027, 1, 31)),
            Ok(28),
            "to the end of February"
        );
        assert!(
            parse_window("1か月").is_err(),
            "months need a day to count from"
        );
        assert!(matches!(
            parse_window_on("2000mo", day(2026, 11, 15)),
            Err(DurationError::TooLarge(_))
        ));
        assert!(matches!(
            parse_window_on("mo", day(2026, 11, 15)),
            Err(DurationError::NotADuration(_))
        ));
    }

    #[test]
    fn bad_windows_say_why() {
        for bad in [
            "", "d", "日", "30", "30 d", "-3d", "+3d", "3.5d", "30m", "1y", "thirty", "30日日",
            "d30", "週間",
        ] {
            assert!(
                matches!(parse_window(bad), Err(DurationError::NotADuration(_))),
                "{bad:?}"
            );
        }
        for big in ["36501d", "5215w", "99999999w", "99999999999999999999999d"] {
            let e = parse_window(big).unwrap_err();
            assert!(matches!(e, DurationError::TooLarge(_)), "{big:?}");
            assert!(e.to_string().contains("too large"), "{e}");
        }
    }

    /// Regression: the window was split at a byte offset, which panicked
    /// inside the last character when it was multi-byte (`30日`).
    #[test]
    fn expiring_within_30_days_in_japanese_does_not_panic() {
        assert_eq!(parse_window("30日"), Ok(30));
        assert!(parse_window("日").is_err());
        assert!(parse_window("３").is_err());
    }

    #[test]
    fn quoted_fields_are_short_and_single_line() {
        let shown = |field: &str| quote_field(field).en();
        assert_eq!(shown("colour"), "\"colour\"");
        let long = "x".repeat(41);
        assert_eq!(shown(&long), format!("\"{}…\"", "x".repeat(40)));
        assert_eq!(shown(&"山".repeat(40)), format!("\"{}\"", "山".repeat(40)));
        let spanning = quote_field("secret,expires\n1,JBSWY3DPEHPK3PXP,2030-01-01\n");
        for text in [spanning.en(), spanning.ja()] {
            assert!(!text.contains("JBSW") && !text.contains("secret"), "{text}");
        }
        assert!(spanning.en().contains("quote"), "{}", spanning.en());
        assert_eq!(shown("\u{1b}[31mred"), "\"\\u{1b}[31mred\"");
    }

    #[test]
    fn a_value_spanning_lines_is_noted_in_the_language_of_the_message() {
        let spanning = quote_field("a\nb\nc");
        assert_eq!(spanning, Quoted::Spanning { lines: 3 });
        assert_eq!(
            spanning.en(),
            "(a value spanning 3 lines: is a quote left open?)"
        );
        assert!(
            spanning.ja().contains("3 行にまたがる値"),
            "{}",
            spanning.ja()
        );
        assert_eq!(crate::catalogue::english_run(&spanning.ja()), None);
        // A value already quoted is the same in both languages.
        assert_eq!(quote_field("x").ja(), quote_field("x").en());
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape_controls("plain 山田"), "plain 山田");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("tab\there\n"), "tab\\there\\n");
        assert_eq!(escape_controls("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(escape_controls("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            // Failures are reported, never saved beside the sources.
            #![proptest_config(ProptestConfig {
                cases: 256,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn any_bytes_decode_or_name_a_line(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                let lines = bytecount(&bytes, b'\n') + 1;
                for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Cp932] {
                    match decode(&bytes, encoding) {
                        Ok(_) => {}
                        Err(e) => prop_assert!((1..=lines).contains(&e.line), "{e:?} of {lines}"),
                    }
                }
            }

            #[test]
            fn utf8_text_decodes_to_itself(text in "\\PC*") {
                let expected = text.strip_prefix('\u{feff}').unwrap_or(&text);
                prop_assert_eq!(decode(text.as_bytes(), Encoding::Auto).unwrap(), expected);
            }

            #[test]
            fn any_bytes_as_a_targets_file_give_ids_or_a_line(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                if let Ok(text) = decode(&bytes, Encoding::Auto) {
                    for id in target_lines(&text) {
                        prop_assert!(!id.is_empty() && !id.starts_with('#'));
                        prop_assert_eq!(id.trim(), id.as_str());
                    }
                }
            }

            #[test]
            fn any_text_as_a_window_parses_or_says_why(text in "\\PC*|[0-9０-９]{0,12}(d|w|D|W|日|週|週間|ｄ)?") {
                match parse_window(&text) {
                    Ok(days) => prop_assert!(days <= MAX_WINDOW_DAYS),
                    Err(e) => prop_assert!(!e.to_string().is_empty()),
                }
            }

            #[test]
            fn full_width_digits_parse_like_ascii(n in 0u32..=MAX_WINDOW_DAYS, unit in "d|w|日|週|週間") {
                let full: String = n
                    .to_string()
                    .chars()
                    .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
                    .collect();
                // The same days, or the same reason (the error quotes what was typed).
                let kind = |r: std::result::Result<u32, DurationError>| {
                    r.map_err(|e| matches!(e, DurationError::TooLarge(_)))
                };
                prop_assert_eq!(
                    kind(parse_window(&format!("{full}{unit}"))),
                    kind(parse_window(&format!("{n}{unit}")))
                );
                prop_assert_eq!(typed(&full), n.to_string());
            }

            #[test]
            fn a_quoted_field_is_short_and_never_spans_lines(field in "\\PC*|(.|\n){0,80}") {
                let quoted = quote_field(&field);
                for shown in [quoted.en(), quoted.ja()] {
                    prop_assert!(!shown.contains('\n') && !shown.contains('\r'));
                    prop_assert!(shown.chars().count() <= 2 + 10 * crate::input::QUOTE_LIMIT + 1);
                    prop_assert!(!shown.chars().any(crate::input::needs_escape));
                }
            }
        }
    }
}
