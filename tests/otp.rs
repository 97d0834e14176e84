//! `otp`: the simulated device, checked against RFC 6238 Appendix B and an
//! independent implementation (totp-lite). Every run is compared exactly
//! (`Test`).

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
    Test::on(&r)
        .args(["import", "devices", "-"])
        .stdin(RFC_DEVICES)
        .stdout("Imported 3 devices from stdin.\n")
        .run();
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
            Test::on(&r)
                .args(["otp", serial, "--at", at])
                .stdout(format!("{expected}\n"))
                .run();
        }
    }
}

#[test]
fn otp_uses_the_fixed_clock_and_agrees_with_an_independent_implementation() {
    let r = Registry::demo();
    let mut at = NOON_FRIDAY.to_string();
    for _ in 0..20 {
        Test::on(&r)
            .args(["otp", TARO_DEVICE.0])
            .at(&at)
            .stdout(format!("{}\n", code_at(TARO_DEVICE.1, &at)))
            .run();
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
    Test::on(&r)
        .args(["import", "devices", "-"])
        .stdin(csv)
        .stdout("Imported 4 devices from stdin.\n")
        .run();
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
            Test::on(&r)
                .args(["otp", &serial, "--at", at])
                .stdout(format!("{}\n", totp(secret, alg, digits, period, unix(at))))
                .run();
        }
    }
}

#[test]
fn otp_of_an_unknown_serial_is_not_found() {
    Test::demo()
        .args(["otp", "99999999"])
        .stderr("error: unknown serial number: 99999999 (no delivery contains it)\n")
        .status(6)
        .run();
}

#[test]
fn otp_with_a_bad_instant_is_a_usage_error() {
    Test::demo()
        .args(["otp", TARO_DEVICE.0, "--at", "tomorrow"])
        .stderr(
            "error: invalid value 'tomorrow' for '--at <RFC3339>': \
             \"tomorrow\" is not an RFC 3339 instant like 2026-11-24T08:10:00+09:00\n\n\
             For more information, try '--help'.\n",
        )
        .status(2)
        .run();
    // clap words its errors in English; tokenctl's own reason is worded
    // in the language asked for.
    Test::demo()
        .args(["--lang", "ja", "otp", TARO_DEVICE.0, "--at", "tomorrow"])
        .stderr(
            "error: --at：\"tomorrow\" は RFC 3339 形式の日時ではありません\
             （例：2026-11-24T08:10:00+09:00）\n",
        )
        .status(2)
        .run();
}

#[test]
fn otp_never_prints_the_secret() {
    Test::demo()
        .args(["otp", TARO_DEVICE.0])
        .at(NOON_FRIDAY)
        .stdout(format!("{}\n", code_at(TARO_DEVICE.1, NOON_FRIDAY)))
        .run();
}

/// `otp` gives the code alone on a terminal or a pipe (what a script
/// reads), and the serial, code and instant in JSON and CSV.
#[test]
fn otp_reports_serial_code_and_instant_in_json_and_csv() {
    let r = Registry::demo();
    let at = "2026-11-20T12:00:00+09:00";
    let code = code_at(TARO_DEVICE.1, at);
    Test::on(&r)
        .args(["otp", TARO_DEVICE.0])
        .at(at)
        .stdout(format!("{code}\n"))
        .run();
    Test::on(&r)
        .args(["--format", "json", "otp", TARO_DEVICE.0])
        .at(at)
        .stdout(format!(
            "{{\n  \"serial\": \"23456789\",\n  \"code\": \"{code}\",\n  \"at\": \"{at}\"\n}}\n"
        ))
        .run();
    Test::on(&r)
        .args(["--format", "csv", "otp", TARO_DEVICE.0])
        .at(at)
        .stdout(format!("serial,code,at\n23456789,{code},{at}\n"))
        .run();
}
