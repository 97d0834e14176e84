//! `import devices` of PSKC key containers (RFC 6030): the containers of
//! fixtures/pskc/, written by python-pskc, import and their devices show
//! the codes computed independently (codes.csv); every refusal exits with
//! its code, leaves the registry byte for byte as it was, and quotes no
//! secret, key or passphrase.

use std::path::PathBuf;

use base64::Engine as _;

use crate::common::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pskc")
        .join(name)
}

fn fixture_arg(name: &str) -> String {
    fixture(name).to_str().expect("UTF-8 path").to_string()
}

fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

/// The options each importable container needs.
fn options(file: &str) -> Vec<String> {
    let option = |flag: &str, name: &str| vec![flag.to_string(), fixture_arg(name)];
    match file {
        "aes128.pskcxml" => option("--pskc-key-file", "aes128.key"),
        "aes256.pskcxml" => option("--pskc-key-file", "aes256.key"),
        "pbkdf2.pskcxml" => option("--pskc-passphrase-file", "pbkdf2.passphrase"),
        "pbkdf2-ja.pskcxml" => option("--pskc-passphrase-file", "pbkdf2-ja.passphrase"),
        "no-expiry.pskcxml" => vec!["--expires".into(), "2030-01-31".into()],
        _ => vec![],
    }
}

/// `import devices FILE OPTIONS…` on `r`.
fn import(r: &Registry, file: &str, extra: &[String]) -> Run {
    let mut args = vec!["import".to_string(), "devices".into(), fixture_arg(file)];
    args.extend(extra.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    r.run(&args).at(NOON_FRIDAY)
}

/// One row of keys.csv: what make.py gave python-pskc for each key.
struct Key {
    file: String,
    serial: String,
    secret_hex: String,
    expires: String,
}

fn keys() -> Vec<Key> {
    read_fixture("keys.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Key {
                file: f[0].into(),
                serial: f[2].into(),
                secret_hex: f[3].into(),
                expires: f[7].into(),
            }
        })
        .collect()
}

/// codes.csv: (serial, instant, code), computed by make.py from RFC 6238
/// by hand and checked against oathtool.
fn codes() -> Vec<(String, String, String)> {
    read_fixture("codes.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (f[0].into(), f[1].into(), f[2].into())
        })
        .collect()
}

fn expires_of(r: &Registry, serial: &str) -> String {
    let conn = rusqlite::Connection::open(&r.path).expect("open");
    conn.query_row(
        "SELECT expires FROM devices WHERE serial = ?1",
        [serial],
        |row| row.get(0),
    )
    .expect("the device is in the registry")
}

/// Every secret of a fixture, as base64 (as written) and hex: what no
/// message may contain. Plain values are read from the file; the encrypted
/// containers' secrets come from keys.csv.
fn secrets_of(file: &str) -> Vec<String> {
    let text = read_fixture(file);
    let mut secrets = Vec::new();
    for part in text.split("<pskc:PlainValue>").skip(1) {
        let value = part.split('<').next().unwrap_or("").trim();
        if value.len() >= 12 {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value)
                .expect("base64");
            secrets.push(value.to_string());
            secrets.push(hex(&bytes));
        }
    }
    for key in keys().into_iter().filter(|k| k.file == file) {
        secrets.push(key.secret_hex.clone());
    }
    secrets
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[track_caller]
fn assert_quotes_no_secret(out: &Out, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !out.stderr.contains(secret.as_str())
                && !out.stderr.to_lowercase().contains(&secret.to_lowercase()),
            "stderr quotes a secret or key: {out:#?}"
        );
    }
}

#[test]
fn containers_from_python_pskc_import_and_show_the_independent_codes() {
    let keys = keys();
    let codes = codes();
    let mut files: Vec<&str> = keys.iter().map(|k| k.file.as_str()).collect();
    files.dedup();
    assert_eq!(files.len(), 6);
    for file in files {
        let r = Registry::demo();
        let here: Vec<&Key> = keys.iter().filter(|k| k.file == file).collect();
        import(&r, file, &options(file))
            .succeeds()
            .stdout_has(&match here.len() {
                1 => "Imported 1 device from".to_string(),
                n => format!("Imported {n} devices from"),
            });
        for key in here {
            let expires = if key.expires.is_empty() {
                "2030-01-31"
            } else {
                &key.expires
            };
            assert_eq!(
                expires_of(&r, &key.serial),
                expires,
                "{file} {}",
                key.serial
            );
            let mut checked = 0;
            for (_, at, code) in codes.iter().filter(|(s, _, _)| *s == key.serial) {
                let out = r.run(&["otp", &key.serial, "--at", at]).succeeds();
                assert_eq!(out.stdout.trim(), code, "{file} {} at {at}", key.serial);
                checked += 1;
            }
            assert!(checked >= 4, "codes.csv covers {}", key.serial);
        }
    }
}

#[test]
fn the_audit_row_names_the_file_the_count_and_the_protection() {
    let r = Registry::demo();
    import(&r, "aes256.pskcxml", &options("aes256.pskcxml")).succeeds();
    import(&r, "plain.pskcxml", &[]).succeeds();
    let audit = r
        .run(&["audit", "--limit", "2", "--format", "json"])
        .succeeds()
        .json();
    let detail = |i: usize| audit[i]["detail"].as_str().unwrap().to_string();
    assert_eq!(audit[0]["action"], "import-devices");
    assert!(
        detail(0).starts_with("3 devices from ")
            && detail(0).contains("plain.pskcxml")
            && detail(0).ends_with("(PSKC key container, not encrypted, no MAC)"),
        "{}",
        detail(0)
    );
    assert!(
        detail(1).starts_with("2 devices from ")
            && detail(1).contains("aes256.pskcxml")
            && detail(1).ends_with("(PSKC key container, encrypted, MAC verified)"),
        "{}",
        detail(1)
    );
}

#[test]
fn a_container_on_stdin_is_recognised_too() {
    let r = Registry::demo();
    r.run(&[
        "import",
        "devices",
        "-",
        "--pskc-key-file",
        &fixture_arg("aes128.key"),
    ])
    .stdin(&read_fixture("aes128.pskcxml"))
    .at(NOON_FRIDAY)
    .succeeds()
    .stdout_has("Imported 2 devices from stdin");
    let (_, at, code) = codes()
        .into_iter()
        .find(|(serial, _, _)| serial == "71000002")
        .unwrap();
    let out = r.run(&["otp", "71000002", "--at", &at]).succeeds();
    assert_eq!(out.stdout.trim(), code);
}

#[test]
fn refusals_import_nothing_and_name_the_key() {
    // (fixture, options, exit code, what stderr says)
    let aes128 = options("aes128.pskcxml");
    let cases: Vec<(&str, Vec<String>, i32, &str)> = vec![
        (
            "refuse-hotp.pskcxml",
            vec![],
            2,
            "key bad: it has algorithm urn:ietf:params:xml:ns:keyprov:pskc:hotp",
        ),
        ("refuse-time.pskcxml", vec![], 2, "key bad: its Time"),
        ("refuse-drift.pskcxml", vec![], 2, "key bad: its TimeDrift"),
        (
            "refuse-no-serial.pskcxml",
            vec![],
            2,
            "key bad: its device has no serial number",
        ),
        (
            "refuse-digits-7.pskcxml",
            vec![],
            2,
            "key bad: ResponseFormat Length \"7\" is not 6 or 8",
        ),
        (
            "refuse-no-expiry.pskcxml",
            vec![],
            2,
            "key bad: neither its Policy nor its DeviceInfo gives an ExpiryDate",
        ),
        (
            "refuse-duplicate-serial.pskcxml",
            vec![],
            2,
            "key bad: serial \"76000001\" is already in the registry",
        ),
        (
            "refuse-short-secret.pskcxml",
            vec![],
            2,
            "key bad: device \"76000002\": the secret is too short",
        ),
        (
            "refuse-no-mac.pskcxml",
            aes128.clone(),
            2,
            "key bad: its encrypted Secret has no ValueMAC",
        ),
        (
            "refuse-tampered.pskcxml",
            aes128.clone(),
            3,
            "key a2: the ValueMAC of its Secret does not match",
        ),
    ];
    for (file, extra, code, says) in cases {
        let r = Registry::demo();
        let before = r.snapshot();
        let out = import(&r, file, &extra).fails(code);
        out.stderr_has(says).stderr_has("nothing was imported");
        assert!(out.stderr.contains(file), "names the file: {out:#?}");
        assert_eq!(r.snapshot(), before, "{file} changed the registry");
        assert_quotes_no_secret(&out, &secrets_of(file));
    }
}

#[test]
fn a_wrong_key_or_passphrase_is_exit_3_and_quotes_neither() {
    let r = Registry::demo();
    let wrong_key = "00112233445566778899aabbccddeeff";
    let wrong_key_file = r.file("wrong.key", &format!("{wrong_key}\n"));
    let wrong_256 = r.file("wrong256.key", &format!("{wrong_key}{wrong_key}\n"));
    let wrong_pass = r.file("wrong.passphrase", "パスワード\n");
    let right_key = read_fixture("aes128.key").trim().to_string();
    let key = |p: &PathBuf| vec!["--pskc-key-file".to_string(), p.display().to_string()];
    let pass = |p: &PathBuf| {
        vec![
            "--pskc-passphrase-file".to_string(),
            p.display().to_string(),
        ]
    };
    let cases = [
        (
            "aes128.pskcxml",
            key(&wrong_key_file),
            "the pre-shared key is wrong",
        ),
        (
            "aes128.pskcxml",
            key(&wrong_256),
            "the pre-shared key is 256 bits",
        ),
        (
            "aes256.pskcxml",
            key(&wrong_256),
            "the pre-shared key is wrong",
        ),
        (
            "aes256.pskcxml",
            key(&fixture("aes128.key")),
            "the pre-shared key is 128 bits",
        ),
        (
            "pbkdf2.pskcxml",
            pass(&wrong_pass),
            "the passphrase is wrong",
        ),
        (
            "pbkdf2-ja.pskcxml",
            pass(&fixture("pbkdf2.passphrase")),
            "the passphrase is wrong",
        ),
    ];
    for (file, extra, says) in cases {
        let before = r.snapshot();
        let out = import(&r, file, &extra).fails(3);
        out.stderr_has(says);
        assert_eq!(r.snapshot(), before, "{file} changed the registry");
        let mut secrets = secrets_of(file);
        secrets.extend([wrong_key.to_string(), right_key.clone()]);
        secrets.extend(["パスワード".to_string(), "correct horse".to_string()]);
        assert_quotes_no_secret(&out, &secrets);
    }
}

#[test]
fn an_encrypted_container_without_its_option_says_which_one() {
    let r = Registry::demo();
    let before = r.snapshot();
    import(&r, "aes256.pskcxml", &[])
        .fails(2)
        .stderr_has("encrypted with a pre-shared key; give it (hex) with --pskc-key-file");
    import(&r, "pbkdf2.pskcxml", &[])
        .fails(2)
        .stderr_has("encrypted under a passphrase")
        .stderr_has("--pskc-passphrase-file");
    // A pre-shared key does not open a passphrase container.
    import(&r, "pbkdf2.pskcxml", &options("aes128.pskcxml"))
        .fails(2)
        .stderr_has("--pskc-passphrase-file");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn the_rfc6030_examples_are_refused_as_hotp() {
    let r = Registry::demo();
    let before = r.snapshot();
    let qwerty = r.file("qwerty", "qwerty\n");
    let figure6_key = r.file("figure6.key", "12345678901234567890123456789012\n");
    let cases = [
        ("rfc6030-figure2.pskcxml", vec![]),
        ("rfc6030-figure3.pskcxml", vec![]),
        (
            "rfc6030-figure6.pskcxml",
            vec![
                "--pskc-key-file".to_string(),
                figure6_key.display().to_string(),
            ],
        ),
        (
            "rfc6030-figure7.pskcxml",
            vec![
                "--pskc-passphrase-file".to_string(),
                qwerty.display().to_string(),
            ],
        ),
    ];
    for (file, extra) in cases {
        let out = import(&r, file, &extra).fails(2);
        out.stderr_has("hotp").stderr_has(
            "only TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:totp) can be imported",
        );
        assert!(
            out.stderr.contains("key 12345678:") || out.stderr.contains("key 123456:"),
            "names the key: {out:#?}"
        );
        assert_quotes_no_secret(
            &out,
            &[
                "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=".into(),
                "3132333435363738393031323334353637383930".into(),
                "12345678901234567890123456789012".into(),
                "qwerty".into(),
            ],
        );
    }
    assert_eq!(r.snapshot(), before);
}

#[test]
fn expires_covers_keys_without_a_date_and_is_refused_for_csv() {
    let r = Registry::demo();
    let before = r.snapshot();
    import(&r, "no-expiry.pskcxml", &[])
        .fails(2)
        .stderr_has("key n1:")
        .stderr_has("--expires YYYY-MM-DD");
    import(
        &r,
        "no-expiry.pskcxml",
        &["--expires".into(), "2030-02-30".into()],
    )
    .fails(2)
    .stderr_has(
        "invalid value '2030-02-30' for '--expires <YYYY-MM-DD>': \"2030-02-30\" is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日)",
    );
    let csv = r.file(
        "delivery.csv",
        "serial,secret,expires\nd1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2030-01-01\n",
    );
    let csv = csv.to_str().unwrap();
    for flag in [
        ["--expires", "2030-01-31"],
        ["--pskc-key-file", &fixture_arg("aes128.key")],
        ["--pskc-passphrase-file", &fixture_arg("pbkdf2.passphrase")],
    ] {
        r.run(&["import", "devices", csv, flag[0], flag[1]])
            .at(NOON_FRIDAY)
            .fails(2)
            .stderr_has(&format!("{} applies to PSKC key containers", flag[0]))
            .stderr_has("is CSV");
    }
    assert_eq!(r.snapshot(), before);
    // A date in the container wins over --expires.
    import(
        &r,
        "plain.pskcxml",
        &["--expires".into(), "2040-01-01".into()],
    )
    .succeeds();
    assert_eq!(expires_of(&r, "70000001"), "2027-06-14");
}

#[test]
fn a_serial_already_delivered_is_a_duplicate() {
    let r = Registry::demo();
    import(&r, "plain.pskcxml", &[]).succeeds();
    let before = r.snapshot();
    import(&r, "plain.pskcxml", &[])
        .fails(2)
        .stderr_has("key p1: serial \"70000001\" is already in the registry (or earlier in this file); nothing was imported");
    assert_eq!(r.snapshot(), before);
}

#[test]
fn malformed_containers_and_key_files_are_exit_2() {
    let r = Registry::demo();
    let before = r.snapshot();
    let plain = read_fixture("plain.pskcxml");
    let truncated = r.file("truncated.pskcxml", &plain[..plain.len() / 2]);
    r.run(&["import", "devices", truncated.to_str().unwrap()])
        .at(NOON_FRIDAY)
        .fails(2)
        .stderr_has("not well-formed XML");
    let secret_hex = keys()
        .into_iter()
        .find(|k| k.serial == "71000001")
        .unwrap()
        .secret_hex;
    for (name, contents, says) in [
        (
            "not-hex.key",
            format!("{secret_hex}zz\n"),
            "does not hold a key in hex",
        ),
        ("short.key", "0011223344\n".to_string(), "is 40 bits"),
        ("empty.key", String::new(), "is 0 bits"),
    ] {
        let path = r.file(name, &contents);
        let out = import(
            &r,
            "aes128.pskcxml",
            &["--pskc-key-file".into(), path.display().to_string()],
        )
        .fails(2);
        out.stderr_has(says);
        assert_quotes_no_secret(&out, &[secret_hex.clone(), "0011223344".into()]);
    }
    let empty = r.file("empty.passphrase", "\n");
    import(
        &r,
        "pbkdf2.pskcxml",
        &["--pskc-passphrase-file".into(), empty.display().to_string()],
    )
    .fails(2)
    .stderr_has("is empty");
    import(
        &r,
        "pbkdf2.pskcxml",
        &[
            "--pskc-passphrase-file".into(),
            fixture_arg("pbkdf2.passphrase"),
            "--pskc-key-file".into(),
            fixture_arg("aes128.key"),
        ],
    )
    .fails(2);
    assert_eq!(r.snapshot(), before);
}
