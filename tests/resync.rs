//! Device clocks (SPEC §5.2): learned offsets, the "probably drifted" hint,
//! `resync` with two consecutive codes, the lockout of a spare, and
//! `otp --clock-offset`. Codes come from totp-lite (`common::code_at`), an
//! implementation independent of tokenctl's, at shifted instants.

use crate::common::*;

/// The code `device` shows at `at` when its clock is `drift` seconds off.
fn shown(device: (&str, &str), at: &str, drift: i64) -> String {
    code_at(device.1, &plus(at, drift))
}

/// The demo with shiro01 made a master, with a password, holding
/// NEW_DEVICE_1 (expires 2031) registered at `NOON_FRIDAY` + 1 h.
fn shiro_master() -> Registry {
    let r = Registry::demo();
    let at = plus(NOON_FRIDAY, 3600);
    r.run(&[
        "register",
        "--user",
        "shiro01",
        "--serial",
        NEW_DEVICE_1.0,
        "--otp",
        &shown(NEW_DEVICE_1, &at, 0),
    ])
    .at(&at)
    .succeeds();
    r.run(&["import", "users", "--update", "-"])
        .stdin("login_id,name,role,otp_required,serial\nshiro01,芳金 次郎,master,true,34567891\n")
        .at(&at)
        .succeeds();
    r.run(&["passwd", "shiro01", "--password-stdin"])
        .stdin("shiro-password\n")
        .at(&at)
        .succeeds();
    r
}

/// shiro01 signs an unlock of hamako01 with `code` at `at`.
fn shiro_signs(r: &Registry, code: &str, at: &str) -> Out {
    r.run(&[
        "unlock",
        "hamako01",
        "--as",
        "shiro01",
        "--password-stdin",
        "--otp",
        code,
    ])
    .stdin("shiro-password\n")
    .at(at)
    .output()
}

/// A device drifting 20 s a month, used once a month, keeps verifying for
/// five years without a resync: each accepted code moves its offset.
#[test]
fn a_device_drifting_20s_a_month_verifies_for_five_years() {
    let r = shiro_master();
    for month in 1..=60i64 {
        let at = plus(NOON_FRIDAY, month * 30 * 86_400);
        let drift = 20 * month;
        let out = shiro_signs(&r, &shown(NEW_DEVICE_1, &at, drift), &at);
        assert_eq!(out.status, 0, "month {month}: {out:#?}");
    }
    let offset = r.query_i64("SELECT clock_offset * period FROM devices WHERE serial = '34567891'");
    assert!((1170..=1230).contains(&offset), "learned {offset} s");
    // Without learning, the same device is 40 steps off at the end.
    assert_eq!(
        r.run(&["audit", "--action", "resync"]).succeeds().stdout,
        ""
    );
}

/// A device 7 minutes off fails with the hint naming about 7 minutes (a
/// counted failure), then resyncs and verifies.
#[test]
fn a_device_7_minutes_off_gets_the_hint_then_resyncs() {
    let r = shiro_master();
    let at = plus(NOON_FRIDAY, 86_400);
    let out = shiro_signs(&r, &shown(NEW_DEVICE_1, &at, 420), &at);
    assert_eq!(out.status, 3, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)\n\
         error: device 34567891 shows codes of a clock off by about 7 minute(s); if it is the right device, run `tokenctl resync 34567891` with two consecutive codes\n\
         error: failed verification 1 of 5 for shiro01: 4 more and shiro01 is locked\n"
    );
    assert_eq!(
        r.query_i64("SELECT failed_attempts FROM users WHERE login_id = 'shiro01'"),
        1
    );
    let second = plus(&at, 30);
    Test::on(&r)
        .args(["resync", NEW_DEVICE_1.0, "--format", "json"])
        .args(["--otp", &shown(NEW_DEVICE_1, &at, 420)])
        .args(["--otp", &shown(NEW_DEVICE_1, &second, 420)])
        .at(&second)
        .stdout(format!(
            "{{\n  \"serial\": \"34567891\",\n  \"offset_seconds_before\": 0,\n  \"offset_seconds\": 420,\n  \"resynced_at\": \"{}\"\n}}\n",
            "2026-11-21T12:00:30+09:00"
        ))
        .run();
    // The next code verifies; the codes of the resync are used up.
    let later = plus(&at, 60);
    let out = shiro_signs(&r, &shown(NEW_DEVICE_1, &second, 420), &later);
    assert_eq!(out.status, 3, "a code of the resync is consumed: {out:#?}");
    let out = shiro_signs(&r, &shown(NEW_DEVICE_1, &later, 420), &later);
    assert_eq!(out.status, 0, "{out:#?}");
    let audit = r
        .run(&["audit", "--action", "resync", "--format", "json"])
        .succeeds()
        .json();
    assert_eq!(audit[0]["outcome"], "ok");
    assert_eq!(
        audit[0]["detail"],
        "clock offset 0s -> 420s (0 -> 14 step(s)); both codes consumed"
    );
}

/// Two non-consecutive codes, a replayed pair, and a pair beyond ±24 h are
/// refused (exit 3) and counted toward the holder's lockout.
#[test]
fn pairs_that_are_not_consecutive_replayed_or_too_far_are_refused_and_counted() {
    let r = shiro_master();
    let at = plus(NOON_FRIDAY, 86_400);
    let code = |drift: i64| shown(NEW_DEVICE_1, &at, drift);
    let resync = |first: &str, second: &str| {
        r.run(&["resync", NEW_DEVICE_1.0, "--otp", first, "--otp", second])
            .at(&at)
            .output()
    };
    let ok = resync(&code(-60), &code(-30));
    assert_eq!(ok.status, 0, "{ok:#?}");
    let cases = [
        (code(0), code(60)),
        (code(-60), code(-30)),
        (code(86_400 + 300), code(86_400 + 330)),
        (code(-86_400 - 300), code(-86_400 - 270)),
    ];
    for (n, (first, second)) in cases.iter().enumerate() {
        let out = resync(first, second);
        assert_eq!(out.status, 3, "case {n}: {out:#?}");
        assert_eq!(
            out.stderr,
            "error: no two consecutive codes of device 34567891 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other\n"
        );
        assert_eq!(
            r.query_i64("SELECT failed_attempts FROM users WHERE login_id = 'shiro01'"),
            n as i64 + 1
        );
    }
    // The fifth failure locks the holder.
    let out = resync(&code(0), &code(60));
    assert_eq!(out.status, 3);
    assert!(out.stderr.ends_with(
        "error: shiro01 is now locked; another master must run `tokenctl unlock shiro01 --as MASTER`, or, when no master can sign, `tokenctl unlock shiro01 --recovery` with the key file\n"
    ));
    assert_eq!(resync(&code(0), &code(30)).status, 4);
}

/// A resync of a device with a learned offset searches around that offset:
/// a clock 40 hours off is found from an offset learned at 20 hours.
#[test]
fn a_resync_searches_around_the_learned_offset() {
    let r = shiro_master();
    let at = plus(NOON_FRIDAY, 86_400);
    let pair = |drift: i64| {
        [
            shown(NEW_DEVICE_1, &at, drift),
            shown(NEW_DEVICE_1, &at, drift + 30),
        ]
    };
    let resync = |[first, second]: [String; 2]| {
        r.run(&["resync", NEW_DEVICE_1.0, "--otp", &first, "--otp", &second])
            .at(&at)
            .output()
    };
    assert_eq!(
        resync(pair(40 * 3600)).status,
        3,
        "40 h from an offset of 0"
    );
    assert_eq!(resync(pair(20 * 3600)).status, 0);
    assert_eq!(resync(pair(40 * 3600)).status, 0, "40 h from 20 h");
    assert_eq!(
        r.query_i64("SELECT clock_offset * period FROM devices WHERE serial = '34567891'"),
        40 * 3600 + 30
    );
}

/// A spare no one holds counts its own failures: the fifth locks it, a
/// locked spare is refused (exit 4) until a master unlocks it.
#[test]
fn the_fifth_failed_resync_of_a_spare_locks_it_until_a_master_unlocks_it() {
    let r = Registry::demo();
    let at = NOON_FRIDAY;
    let wrong = |n: usize| {
        r.run(&[
            "resync",
            NEW_DEVICE_2.0,
            "--otp",
            "000000",
            "--otp",
            "000001",
        ])
        .at(at)
        .output()
        .tap(n)
    };
    for n in 1..=4 {
        let out = wrong(n);
        assert_eq!(out.status, 3, "{out:#?}");
    }
    let out = wrong(5);
    assert_eq!(out.status, 3);
    assert_eq!(
        out.stderr,
        "error: no two consecutive codes of device 56789012 within 24 hours of its clock match the codes given; enter two codes the device shows one after the other\n\
         error: device 56789012 is now locked; a master must run `tokenctl unlock --serial 56789012 --as MASTER`\n"
    );
    let good = [shown(NEW_DEVICE_2, at, 0), shown(NEW_DEVICE_2, at, 30)];
    // Locked, it registers no one either.
    Test::on(&r)
        .args(["register", "--user", "shiro01", "--serial", NEW_DEVICE_2.0])
        .args(["--otp", &good[0]])
        .at(at)
        .stderr("error: device 56789012 is locked after repeated failed resynchronisations; a master must run `tokenctl unlock --serial 56789012 --as MASTER`\n")
        .status(4)
        .run();
    Test::on(&r)
        .args(["resync", NEW_DEVICE_2.0, "--otp", &good[0], "--otp", &good[1]])
        .at(at)
        .stderr("error: device 56789012 is locked after repeated failed resynchronisations; a master must run `tokenctl unlock --serial 56789012 --as MASTER`\n")
        .status(4)
        .run();
    Test::on(&r)
        .args(["unlock", "--serial", NEW_DEVICE_2.0, "--as", "taro01"])
        .args(["--otp", &shown(TARO_DEVICE, at, 0), "--password-stdin"])
        .stdin(format!("{DEMO_PASSWORD}\n"))
        .at(at)
        .stdout("Unlocked device 56789012 (by taro01); it may be resynchronised again.\n")
        .run();
    Test::on(&r)
        .args(["resync", NEW_DEVICE_2.0, "--otp", &good[0], "--otp", &good[1]])
        .at(at)
        .stdout("Resynchronised device 56789012 at 2026-11-20 12:00:00 JST: its clock offset was +0 s and is now +30 s; both codes are used up.\n")
        .run();
}

trait Tap {
    fn tap(self, n: usize) -> Self;
}

impl Tap for Out {
    /// Names the attempt in a failing assertion's output.
    fn tap(self, n: usize) -> Self {
        if self.status != 3 {
            eprintln!("attempt {n}");
        }
        self
    }
}

#[test]
fn resync_needs_two_codes_and_a_known_device() {
    let r = Registry::demo();
    Test::on(&r)
        .args(["resync", NEW_DEVICE_2.0, "--otp", "123456"])
        .stderr("error: a one-time code is required and there is no terminal to ask on; pass it with --otp\n")
        .status(2)
        .run();
    Test::on(&r)
        .args(["resync", "99999999", "--otp", "123456", "--otp", "123457"])
        .stderr("error: unknown serial number: 99999999 (no delivery contains it)\n")
        .status(6)
        .run();
    Test::on(&r)
        .args([
            "resync",
            NEW_DEVICE_2.0,
            "--otp",
            "12345",
            "--otp",
            "123457",
        ])
        .stderr("error: the one-time code must have 6 digits, got 5\n")
        .status(2)
        .run();
}

/// `otp --clock-offset`: the code of the device's own clock, as totp-lite
/// computes it at the shifted instant.
#[test]
fn otp_shows_the_code_of_a_drifted_clock() {
    let r = Registry::demo();
    for (offset, seconds) in [("+95s", 95), ("-3m", -180), ("+1h", 3600), ("95s", 95)] {
        Test::on(&r)
            .args(["otp", NEW_DEVICE_2.0, "--clock-offset", offset])
            .at(NOON_FRIDAY)
            .stdout(format!("{}\n", shown(NEW_DEVICE_2, NOON_FRIDAY, seconds)))
            .run();
    }
    Test::on(&r)
        .args(["otp", NEW_DEVICE_2.0, "--clock-offset", "3 minutes"])
        .stderr("error: invalid value '3 minutes' for '--clock-offset <DURATION>': \"3 minutes\" is not a clock offset like +95s, -3m or +1h\n\nFor more information, try '--help'.\n")
        .status(2)
        .run();
}
