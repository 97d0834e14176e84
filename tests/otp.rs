//! `otp`: the simulated device, checked against RFC 6238 Appendix B and an
//! independent implementation (totp-lite).

use crate::common::*;

/// Base32 of the RFC 6238 seeds for SHA1, SHA256 and SHA512.
const RFC_DEVICES: &str = "serial,secret,expires,digits,period,algorithm
rfc-sha1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2099-12-31,8,30,SHA1
rfc-sha256,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA,2099-12-31,8,30,SHA256
rfc-sha512,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=,2099-12-31,8,30,SHA512
";

#[test]
fn otp_reproduces_rfc6238_appendix_b() {
    let r = Registry::init();
    r.run(&["import", "devices", "-"])
        .stdin(RFC_DEVICES)
        .succeeds();
    let vectors = [
        ("1970-01-01T00:00:59Z", "94287082", "46119246", "90693936"),
        ("2005-03-18T01:58:29Z", "07081804", "68084774", "25091201"),
        ("2005-03-18T01:58:31Z", "14050471", "67062674", "99943326"),
        ("2009-02-13T23:31:30Z", "89005924", "91819424", "93441116"),
        ("2033-05-18T03:33:20Z", "69279037", "90698825", "38618901"),
        ("2603-10-11T11:33:20Z", "65353130", "77737706", "47863826"),
    ];
    for (at, sha1, sha256, sha512) in vectors {
        for (serial, expected) in [
            ("rfc-sha1", sha1),
            ("rfc-sha256", sha256),
            ("rfc-sha512", sha512),
        ] {
            let out = r.run(&["otp", serial, "--at", at]).succeeds();
            assert_eq!(out.stdout, format!("{expected}\n"), "{serial} at {at}");
        }
    }
}

#[test]
fn otp_uses_the_fixed_clock_and_agrees_with_an_independent_implementation() {
    let r = Registry::demo();
    let mut at = NOON_FRIDAY.to_string();
    for _ in 0..20 {
        let out = r.run(&["otp", TARO_DEVICE.0]).at(&at).succeeds();
        assert_eq!(out.stdout.trim(), code_at(TARO_DEVICE.1, &at), "at {at}");
        at = plus(&at, 17);
    }
}

#[test]
fn otp_respects_each_devices_parameters() {
    let r = Registry::init();
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let mut csv = String::from("serial,secret,expires,digits,period,algorithm\n");
    for (alg, digits, period) in [
        ("SHA1", 6, 30),
        ("SHA256", 8, 60),
        ("SHA512", 6, 60),
        ("SHA1", 8, 60),
    ] {
        csv.push_str(&format!(
            "{alg}-{digits}-{period},{secret},2099-01-01,{digits},{period},{alg}\n"
        ));
    }
    r.run(&["import", "devices", "-"]).stdin(&csv).succeeds();
    for (alg, digits, period) in [
        ("SHA1", 6, 30),
        ("SHA256", 8, 60),
        ("SHA512", 6, 60),
        ("SHA1", 8, 60),
    ] {
        let serial = format!("{alg}-{digits}-{period}");
        for at in [
            "2026-11-20T12:00:00+09:00",
            "2026-11-20T12:00:59+09:00",
            "2031-01-01T00:00:00Z",
        ] {
            let out = r.run(&["otp", &serial, "--at", at]).succeeds();
            assert_eq!(
                out.stdout.trim(),
                totp(secret, alg, digits, period, unix(at)),
                "{serial} {at}"
            );
        }
    }
}

#[test]
fn otp_of_an_unknown_serial_is_not_found() {
    let r = Registry::demo();
    r.run(&["otp", "99999999"]).fails(6).stderr_has("99999999");
}

#[test]
fn otp_with_a_bad_instant_is_a_usage_error() {
    let r = Registry::demo();
    r.run(&["otp", TARO_DEVICE.0, "--at", "tomorrow"]).fails(2);
}

#[test]
fn otp_never_prints_the_secret() {
    let r = Registry::demo();
    let out = r.run(&["otp", TARO_DEVICE.0]).succeeds();
    assert!(out.stdout.trim().bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(out.stdout.trim().len(), 6);
}
