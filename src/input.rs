//! What a person typed and how a message may show an input: full-width
//! forms read as ASCII (NFKC), and fields quoted short, on one line, with
//! control characters escaped. Depends on nothing else of tokenctl, so the
//! rules, the catalogue and the readers can all use it.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// `text` in Unicode NFKC: full-width digits and letters (`６７０４３２`,
/// `ｔａｒｏ０１`) become ASCII, the ideographic space a space. Borrowed
/// when nothing changes, as for all ASCII.
pub(crate) fn nfkc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    }
}

/// A value typed by a person (a login ID, serial, code or window): NFKC,
/// without surrounding spaces.
pub fn typed(text: &str) -> String {
    nfkc(text).trim().to_string()
}

/// The most characters of an input field an error message shows.
pub(crate) const QUOTE_LIMIT: usize = 40;

/// An input field as an error message shows it: in double quotes, at most
/// `QUOTE_LIMIT` characters (`…` marks a cut), control characters escaped.
/// A field that spans lines is not shown at all: it is almost always a
/// quote left open, and would run on through the rows after it (secrets
/// included). What is said instead is worded in the message's language.
pub fn quote_field(field: &str) -> Quoted {
    if field.contains(['\n', '\r']) {
        let lines = field.split('\n').count().max(2);
        return Quoted::Spanning { lines };
    }
    let mut chars = field.chars();
    let shown: String = chars.by_ref().take(QUOTE_LIMIT).collect();
    let cut = if chars.next().is_some() { "…" } else { "" };
    Quoted::Shown(format!("\"{}{cut}\"", escape_controls(&shown)))
}

/// An input as a message shows it, made by `quote_field`. It has no
/// `Display` on purpose: a catalogue entry must render it in its own
/// language (`en` or `ja`), so a Japanese message cannot show the English
/// note by writing `{quoted}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quoted {
    /// Text shown as it is: a field in quotes, or a number read from a file.
    Shown(String),
    /// A field spanning `lines` lines, not shown.
    Spanning { lines: usize },
}

impl Quoted {
    pub(crate) fn en(&self) -> String {
        match self {
            Quoted::Shown(text) => text.clone(),
            Quoted::Spanning { lines } => {
                format!("(a value spanning {lines} lines: is a quote left open?)")
            }
        }
    }

    pub(crate) fn ja(&self) -> String {
        match self {
            Quoted::Shown(text) => text.clone(),
            Quoted::Spanning { lines } => {
                format!("（{lines} 行にまたがる値です。引用符 \" の閉じ忘れではありませんか？）")
            }
        }
    }
}

/// `text` with control characters (and the invisible marks that reorder
/// text on a terminal) written as Rust escapes, `\u{1b}`, `\n` or `\t`, so
/// echoing a file name or a login ID cannot move the cursor, clear the
/// screen or disguise itself.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}
