//! Issue 21, "the admin at the keyboard, round 2" (SPEC §5.5): one test per
//! numbered item of the issue, named after it, each in both languages where
//! a person reads the result.

use crate::common::*;

const FRIDAY_NIGHT: &str = "2026-11-20T21:00:00+09:00";

/// Item 2: the lockout message named `tokenctl unlock LOGIN`, which fails
/// (`--as` is required). It now names `--as MASTER` and `--recovery`, and
/// the recovery it names works as written.
#[test]
fn item2_lockout_message_names_a_command_that_works() {
    let r = Registry::demo();
    r.lock_taro(FRIDAY_NIGHT);
    for (lang, expected) in [
        (
            "en",
            "error: taro01 is locked after repeated failed verifications; another master must run `tokenctl unlock taro01 --as MASTER`, or, when no master can sign, `tokenctl unlock taro01 --recovery` with the key file\n",
        ),
        (
            "ja",
            "error: taro01 は認証の失敗が続いたためロックされています。別のマスターユーザが `tokenctl unlock taro01 --as MASTER` を実行してください（署名できるマスターユーザがいないときは、鍵ファイルのある端末で `tokenctl unlock taro01 --recovery`）\n",
        ),
    ] {
        let code = code_at(TARO_DEVICE.1, FRIDAY_NIGHT);
        Test::on(&r)
            .args(["--lang", lang, "revoke", "--as", "taro01", "hamako01"])
            .args(["--otp", &code, "--password-stdin", "--yes"])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(4)
            .stderr(expected)
            .run();
    }
    // The command the message names, as written (plus `--yes`: no TTY).
    let out = r
        .run(&["unlock", "taro01", "--recovery", "--yes"])
        .at(FRIDAY_NIGHT)
        .output();
    assert_eq!(out.status, 0, "{out:#?}");
}

/// Item 5 (tries): a wrong password or code says how many tries remain,
/// as the audit row does ("1 of 5").
#[test]
fn item5_a_wrong_code_says_how_many_tries_remain() {
    let r = Registry::demo();
    for (lang, expected) in [
        (
            "en",
            "error: the confirmation password or the one-time code is wrong (a code is accepted once: if it was just used, wait for the next one)\n\
             error: failed verification 1 of 5 for taro01: 4 more and taro01 is locked\n",
        ),
        (
            "ja",
            "error: 確認用パスワードまたはワンタイムパスワードが正しくありません（同じワンタイムパスワードは一度しか使えません。使った直後なら次の表示を待ってください）\n\
             error: taro01 の認証失敗は 2 回目です（5 回中）。あと 3 回失敗するとロックされます\n",
        ),
    ] {
        Test::on(&r)
            .args(["--lang", lang, "revoke", "--as", "taro01", "hamako01"])
            .args(["--otp", "000000", "--password-stdin", "--yes"])
            .stdin(DEMO_PASSWORD)
            .at(FRIDAY_NIGHT)
            .status(3)
            .stderr(expected)
            .run();
    }
}
