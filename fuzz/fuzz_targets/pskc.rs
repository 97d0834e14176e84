//! The PSKC reader on arbitrary bytes, with and without a key and a
//! passphrase: it returns a container or an error, never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenctl::crypto::pskc::{self, PskcOptions};
use zeroize::Zeroizing;

fuzz_target!(|data: &[u8]| {
    let _ = pskc::looks_like_pskc(data);
    let plain = PskcOptions {
        key: None,
        passphrase: None,
        default_expires: None,
    };
    let _ = pskc::read(data, &plain);
    let keyed = PskcOptions {
        key: Some(Zeroizing::new(vec![0x12; 16])),
        passphrase: Some(Zeroizing::new("qwerty".to_string())),
        default_expires: chrono::NaiveDate::from_ymd_opt(2030, 1, 1),
    };
    let _ = pskc::read(data, &keyed);
});
