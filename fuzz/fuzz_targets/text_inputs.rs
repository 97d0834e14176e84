//! What people type and the files they bring: decoding in every encoding,
//! targets files, durations, instants and full-width forms, on arbitrary
//! bytes; each gives a value or an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenctl::text::{self, Encoding};

fuzz_target!(|data: &[u8]| {
    for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Cp932] {
        if let Ok(decoded) = text::decode(data, encoding) {
            let _ = text::target_lines(&decoded);
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = text::parse_window(s);
        let _ = tokenctl::time::parse_instant(s);
        let _ = text::typed(s);
        let _ = text::quote_field(s);
        let _ = text::escape_controls(s);
    }
});
