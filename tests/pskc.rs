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

/// Substring checks on purpose, beside the whole output: no secret or key,
/// in any case, anywhere on stderr.
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
    let mut transcripts = String::new();
    for file in files {
        let r = Registry::demo();
        let here: Vec<&Key> = keys.iter().filter(|k| k.file == file).collect();
        let transcript = import(&r, file, &options(file)).transcript();
        transcripts.push_str(&format!("{}: {transcript}", file));
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
    insta::assert_snapshot!(transcripts, @"
        plain.pskcxml: exit 0
        [stdout]
        Imported 3 devices from [REPO]/fixtures/pskc/plain.pskcxml.
        aes128.pskcxml: exit 0
        [stdout]
        Imported 2 devices from [REPO]/fixtures/pskc/aes128.pskcxml.
        aes256.pskcxml: exit 0
        [stdout]
        Imported 2 devices from [REPO]/fixtures/pskc/aes256.pskcxml.
        pbkdf2.pskcxml: exit 0
        [stdout]
        Imported 1 device from [REPO]/fixtures/pskc/pbkdf2.pskcxml.
        pbkdf2-ja.pskcxml: exit 0
        [stdout]
        Imported 2 devices from [REPO]/fixtures/pskc/pbkdf2-ja.pskcxml.
        no-expiry.pskcxml: exit 0
        [stdout]
        Imported 1 device from [REPO]/fixtures/pskc/no-expiry.pskcxml.
        ");
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
    let repo = env!("CARGO_MANIFEST_DIR");
    let detail = |i: usize| {
        let detail = audit[i]["detail"].as_str().unwrap();
        detail.replace(repo, "[REPO]")
    };
    assert_eq!(audit[0]["action"], "import-devices");
    assert_eq!(audit[1]["action"], "import-devices");
    assert_eq!(
        detail(0),
        "3 devices from [REPO]/fixtures/pskc/plain.pskcxml (PSKC key container, not encrypted, no MAC)"
    );
    assert_eq!(
        detail(1),
        "2 devices from [REPO]/fixtures/pskc/aes256.pskcxml (PSKC key container, encrypted, MAC verified)"
    );
}

#[test]
fn a_container_on_stdin_is_recognised_too() {
    let r = Registry::demo();
    let transcript = r
        .run(&[
            "import",
            "devices",
            "-",
            "--pskc-key-file",
            &fixture_arg("aes128.key"),
        ])
        .stdin(&read_fixture("aes128.pskcxml"))
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 0
        [stdout]
        Imported 2 devices from stdin.
        ");
    let (_, at, code) = codes()
        .into_iter()
        .find(|(serial, _, _)| serial == "71000002")
        .unwrap();
    let out = r.run(&["otp", "71000002", "--at", &at]).succeeds();
    assert_eq!(out.stdout.trim(), code);
}

#[test]
fn refusals_import_nothing_and_name_the_key() {
    // (fixture, options)
    let aes128 = options("aes128.pskcxml");
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("refuse-hotp.pskcxml", vec![]),
        ("refuse-time.pskcxml", vec![]),
        ("refuse-drift.pskcxml", vec![]),
        ("refuse-no-serial.pskcxml", vec![]),
        ("refuse-digits-7.pskcxml", vec![]),
        ("refuse-no-expiry.pskcxml", vec![]),
        ("refuse-duplicate-serial.pskcxml", vec![]),
        ("refuse-short-secret.pskcxml", vec![]),
        ("refuse-no-mac.pskcxml", aes128.clone()),
        ("refuse-tampered.pskcxml", aes128.clone()),
    ];
    let mut transcripts = String::new();
    for (file, extra) in cases {
        let r = Registry::demo();
        let before = r.snapshot();
        let out = import(&r, file, &extra).output();
        transcripts.push_str(&format!("--- {file}: {}", out.transcript(&r)));
        assert_eq!(r.snapshot(), before, "{file} changed the registry");
        assert_quotes_no_secret(&out, &secrets_of(file));
    }
    insta::assert_snapshot!(transcripts, @r#"
        --- refuse-hotp.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-hotp.pskcxml: key bad: it has algorithm urn:ietf:params:xml:ns:keyprov:pskc:hotp; only TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:totp) can be imported; nothing was imported
        --- refuse-time.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-time.pskcxml: key bad: its Time (the TOTP time origin T0) is 1234567, not 0; only keys counting from the Unix epoch are supported; nothing was imported
        --- refuse-drift.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-drift.pskcxml: key bad: its TimeDrift is 2 steps, not 0; a drifting device is not supported; nothing was imported
        --- refuse-no-serial.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-no-serial.pskcxml: key bad: its device has no serial number (DeviceInfo/SerialNo); nothing was imported
        --- refuse-digits-7.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-digits-7.pskcxml: key bad: ResponseFormat Length "7" is not 6 or 8 digits; nothing was imported
        --- refuse-no-expiry.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-no-expiry.pskcxml: key bad: neither its Policy nor its DeviceInfo gives an ExpiryDate; give one for the whole file with --expires YYYY-MM-DD; nothing was imported
        --- refuse-duplicate-serial.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-duplicate-serial.pskcxml: key bad: serial "76000001" is already in the registry (or earlier in this file); nothing was imported
        --- refuse-short-secret.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-short-secret.pskcxml: key bad: device "76000002": the secret is too short (64 bits; at least 80 are needed); nothing was imported
        --- refuse-no-mac.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-no-mac.pskcxml: key bad: its encrypted Secret has no ValueMAC; without one a wrong key could not be told from the right one; nothing was imported
        --- refuse-tampered.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-tampered.pskcxml: key a2: the ValueMAC of its Secret does not match: the pre-shared key is wrong, or the file was altered; nothing was imported
        "#);
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
        ("aes128.pskcxml", key(&wrong_key_file)),
        ("aes128.pskcxml", key(&wrong_256)),
        ("aes256.pskcxml", key(&wrong_256)),
        ("aes256.pskcxml", key(&fixture("aes128.key"))),
        ("pbkdf2.pskcxml", pass(&wrong_pass)),
        ("pbkdf2-ja.pskcxml", pass(&fixture("pbkdf2.passphrase"))),
    ];
    let mut transcripts = String::new();
    for (file, extra) in cases {
        let before = r.snapshot();
        let out = import(&r, file, &extra).output();
        transcripts.push_str(&format!("--- {file}: {}", out.transcript(&r)));
        assert_eq!(r.snapshot(), before, "{file} changed the registry");
        let mut secrets = secrets_of(file);
        secrets.extend([wrong_key.to_string(), right_key.clone()]);
        secrets.extend(["パスワード".to_string(), "correct horse".to_string()]);
        assert_quotes_no_secret(&out, &secrets);
    }
    insta::assert_snapshot!(transcripts, @"
        --- aes128.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/aes128.pskcxml: the MAC key does not decrypt: the pre-shared key is wrong; nothing was imported
        --- aes128.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/aes128.pskcxml: the MAC key does not decrypt: the pre-shared key is 256 bits but the container uses AES-128-CBC: the key is wrong; nothing was imported
        --- aes256.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/aes256.pskcxml: the MAC key does not decrypt: the pre-shared key is wrong; nothing was imported
        --- aes256.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/aes256.pskcxml: the MAC key does not decrypt: the pre-shared key is 128 bits but the container uses AES-256-CBC: the key is wrong; nothing was imported
        --- pbkdf2.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/pbkdf2.pskcxml: the MAC key does not decrypt: the passphrase is wrong; nothing was imported
        --- pbkdf2-ja.pskcxml: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/pbkdf2-ja.pskcxml: the MAC key does not decrypt: the passphrase is wrong; nothing was imported
        ");
}

#[test]
fn an_encrypted_container_without_its_option_says_which_one() {
    let r = Registry::demo();
    let before = r.snapshot();
    let transcript = import(&r, "aes256.pskcxml", &[]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/aes256.pskcxml: the container is encrypted with a pre-shared key; give it (hex) with --pskc-key-file; nothing was imported
        ");
    let transcript = import(&r, "pbkdf2.pskcxml", &[]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/pbkdf2.pskcxml: the container is encrypted under a passphrase (a PBKDF2 DerivedKey); give it with --pskc-passphrase-file; nothing was imported
        ");
    // A pre-shared key does not open a passphrase container.
    let transcript = import(&r, "pbkdf2.pskcxml", &options("aes128.pskcxml")).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/pbkdf2.pskcxml: the container is encrypted under a passphrase (a PBKDF2 DerivedKey); give it with --pskc-passphrase-file; nothing was imported
        ");
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
    let mut transcripts = String::new();
    for (file, extra) in cases {
        let out = import(&r, file, &extra).output();
        transcripts.push_str(&format!("--- {file}: {}", out.transcript(&r)));
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
    insta::assert_snapshot!(transcripts, @"
        --- rfc6030-figure2.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/rfc6030-figure2.pskcxml: key 12345678: it has algorithm urn:ietf:params:xml:ns:keyprov:pskc:hotp; only TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:totp) can be imported; nothing was imported
        --- rfc6030-figure3.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/rfc6030-figure3.pskcxml: key 12345678: it has algorithm urn:ietf:params:xml:ns:keyprov:pskc:hotp; only TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:totp) can be imported; nothing was imported
        --- rfc6030-figure6.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/rfc6030-figure6.pskcxml: key 12345678: it has algorithm urn:ietf:params:xml:ns:keyprov:pskc:hotp; only TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:totp) can be imported; nothing was imported
        --- rfc6030-figure7.pskcxml: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/rfc6030-figure7.pskcxml: key 123456: it has algorithm urn:ietf:params:xml:ns:keyprov:pskc:hotp; only TOTP keys (urn:ietf:params:xml:ns:keyprov:pskc:totp) can be imported; nothing was imported
        ");

    assert_eq!(r.snapshot(), before);
}

#[test]
fn expires_covers_keys_without_a_date_and_is_refused_for_csv() {
    let r = Registry::demo();
    let before = r.snapshot();
    let transcript = import(&r, "no-expiry.pskcxml", &[]).transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/no-expiry.pskcxml: key n1: neither its Policy nor its DeviceInfo gives an ExpiryDate; give one for the whole file with --expires YYYY-MM-DD; nothing was imported
        ");
    let transcript = import(
        &r,
        "no-expiry.pskcxml",
        &["--expires".into(), "2030-02-30".into()],
    )
    .transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [no clock note]
        [stderr]
        error: invalid value '2030-02-30' for '--expires <YYYY-MM-DD>': "2030-02-30" is not a date (write 2031-11-30, 2031/11/30 or 2031年11月30日)

        For more information, try '--help'.
        "#);
    let csv = r.file(
        "delivery.csv",
        "serial,secret,expires\nd1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,2030-01-01\n",
    );
    let csv = csv.to_str().unwrap();
    let mut transcripts = String::new();
    for flag in [
        ["--expires", "2030-01-31"],
        ["--pskc-key-file", &fixture_arg("aes128.key")],
        ["--pskc-passphrase-file", &fixture_arg("pbkdf2.passphrase")],
    ] {
        let transcript = r
            .run(&["import", "devices", csv, flag[0], flag[1]])
            .at(NOON_FRIDAY)
            .transcript();
        transcripts.push_str(&format!("{}: {transcript}", flag[0]));
    }
    insta::assert_snapshot!(transcripts, @r#"
        --expires: exit 2
        [stderr]
        error: --expires applies to PSKC key containers, and [DIR]/delivery.csv is CSV (its rows give their own keys and expiry dates)
        --pskc-key-file: exit 2
        [stderr]
        error: --pskc-key-file applies to PSKC key containers, and [DIR]/delivery.csv is CSV (its rows give their own keys and expiry dates)
        --pskc-passphrase-file: exit 2
        [stderr]
        error: --pskc-passphrase-file applies to PSKC key containers, and [DIR]/delivery.csv is CSV (its rows give their own keys and expiry dates)
        "#);
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
    let transcript = import(&r, "plain.pskcxml", &[]).transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/plain.pskcxml: key p1: serial "70000001" is already in the registry (or earlier in this file); nothing was imported
        "#);
    assert_eq!(r.snapshot(), before);
}

#[test]
fn malformed_containers_and_key_files_are_exit_2() {
    let r = Registry::demo();
    let before = r.snapshot();
    let plain = read_fixture("plain.pskcxml");
    let truncated = r.file("truncated.pskcxml", &plain[..plain.len() / 2]);
    let transcript = r
        .run(&["import", "devices", truncated.to_str().unwrap()])
        .at(NOON_FRIDAY)
        .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: [DIR]/truncated.pskcxml: not well-formed XML: unexpected end of stream; nothing was imported
        ");
    let secret_hex = keys()
        .into_iter()
        .find(|k| k.serial == "71000001")
        .unwrap()
        .secret_hex;
    let mut transcripts = String::new();
    for (name, contents) in [
        ("not-hex.key", format!("{secret_hex}zz\n")),
        ("short.key", "0011223344\n".to_string()),
        ("empty.key", String::new()),
    ] {
        let path = r.file(name, &contents);
        let out = import(
            &r,
            "aes128.pskcxml",
            &["--pskc-key-file".into(), path.display().to_string()],
        )
        .output();
        transcripts.push_str(&format!("--- {name}: {}", out.transcript(&r)));
        assert_quotes_no_secret(&out, &[secret_hex.clone(), "0011223344".into()]);
    }
    insta::assert_snapshot!(transcripts, @"
        --- not-hex.key: exit 2
        [stderr]
        error: the key file [DIR]/not-hex.key does not hold a key in hex (only 0-9 and a-f, an even number of them)
        --- short.key: exit 2
        [stderr]
        error: the key in [DIR]/short.key is 40 bits; an AES key is 128 or 256 bits (32 or 64 hex digits)
        --- empty.key: exit 2
        [stderr]
        error: the key in [DIR]/empty.key is 0 bits; an AES key is 128 or 256 bits (32 or 64 hex digits)
        ");
    let empty = r.file("empty.passphrase", "\n");
    let transcript = import(
        &r,
        "pbkdf2.pskcxml",
        &["--pskc-passphrase-file".into(), empty.display().to_string()],
    )
    .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [stderr]
        error: the passphrase file [DIR]/empty.passphrase is empty
        ");
    let transcript = import(
        &r,
        "pbkdf2.pskcxml",
        &[
            "--pskc-passphrase-file".into(),
            fixture_arg("pbkdf2.passphrase"),
            "--pskc-key-file".into(),
            fixture_arg("aes128.key"),
        ],
    )
    .transcript();
    insta::assert_snapshot!(transcript, @"
        exit 2
        [no clock note]
        [stderr]
        error: the argument '--pskc-passphrase-file <F>' cannot be used with '--pskc-key-file <F>'

        Usage: tokenctl import devices --pskc-passphrase-file <F> <FILE>

        For more information, try '--help'.
        ");
    assert_eq!(r.snapshot(), before);
}

/// `--pskc-key-file` on a container encrypted under a
/// passphrase names `--pskc-passphrase-file`, in both languages.
#[test]
fn a_key_file_on_a_passphrase_container_names_the_passphrase_option() {
    let r = Registry::init();
    let container = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pskc/rfc6030-figure7.pskcxml");
    let key = r.file("psk.hex", "00112233445566778899aabbccddeeff\n");
    for (lang, expected) in [
        (
            "en",
            "error: [REPO]/fixtures/pskc/rfc6030-figure7.pskcxml: the container is encrypted under a passphrase (a PBKDF2 DerivedKey); give it with --pskc-passphrase-file; nothing was imported\n",
        ),
        (
            "ja",
            "error: [REPO]/fixtures/pskc/rfc6030-figure7.pskcxml：キーコンテナはパスフレーズで暗号化されています（PBKDF2 の DerivedKey）。パスフレーズを --pskc-passphrase-file で指定してください。何も取り込んでいません\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "import", "devices"])
            .arg(container.to_str().unwrap())
            .args(["--pskc-key-file", key.to_str().unwrap()])
            .status(2)
            .stderr(expected)
            .run();
    }
}
