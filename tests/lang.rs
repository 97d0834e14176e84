//! Japanese throughout: every command's main outputs and errors with
//! `--lang ja` hold no English sentence, and the words name what they mean.
//! (How the tables fit a terminal in both languages is `terminal`'s.)

use tokenctl::catalogue::english_run;

use crate::common::*;

/// Monday afternoon: hamako01 (revoked at noon on Friday) may register.
const MONDAY: &str = "2026-11-23T13:00:00+09:00";

/// The audit details recorded so far: recorded in English, they are data
/// (like names) and shown as recorded.
fn audit_details(r: &Registry) -> Vec<String> {
    let audit = r.run(&["audit", "--format", "json"]).succeeds().json();
    audit
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| row["detail"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The path of a PSKC container of fixtures/pskc/.
fn pskc_fixture(name: &str) -> String {
    format!("{}/fixtures/pskc/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Fails when a line of `out`, audit details aside, holds an English
/// sentence.
#[track_caller]
fn japanese_only(what: &str, out: &Out, details: &[String]) {
    for line in out.stdout.lines().chain(out.stderr.lines()) {
        let mut line = line.to_string();
        for detail in details.iter().filter(|d| !d.is_empty()) {
            line = line.replace(detail.as_str(), "");
        }
        assert_eq!(
            english_run(&line),
            None,
            "{what}: English in {line:?}\n{out:#?}"
        );
    }
}

#[test]
fn with_lang_ja_no_command_speaks_english() {
    let r = Registry::empty();
    let ja = |args: &[&str]| {
        let mut all = vec!["--lang", "ja"];
        all.extend_from_slice(args);
        r.run(&all)
    };
    let mut seen: Vec<(String, Out)> = Vec::new();
    let mut keep = |what: &str, out: Out| seen.push((what.to_string(), out));

    keep("no registry", ja(&["list"]).output());
    keep("init", ja(&["init", "--demo"]).at(NOON_FRIDAY).succeeds());
    keep("list", ja(&["list"]).at(NOON_FRIDAY).succeeds());
    keep(
        "dry run",
        ja(&[
            "revoke",
            "--as",
            "taro01",
            "--expiring-within",
            "60d",
            "--dry-run",
        ])
        .at(NOON_FRIDAY)
        .succeeds(),
    );
    keep(
        "no terminal for the selection",
        ja(&["revoke", "--as", "taro01"]).at(NOON_FRIDAY).output(),
    );
    keep(
        "wrong password",
        r.revoke_as_taro_with_code(
            &code_at(TARO_DEVICE.1, NOON_FRIDAY),
            &["hamako01", "--lang", "ja"],
        )
        .stdin("not the password")
        .at(NOON_FRIDAY)
        .output(),
    );
    keep(
        "revoke",
        r.revoke_as_taro_with_code(
            &code_at(TARO_DEVICE.1, &plus(NOON_FRIDAY, 60)),
            &["hamako01", "--lang", "ja"],
        )
        .at(&plus(NOON_FRIDAY, 60))
        .succeeds(),
    );
    keep(
        "already revoked",
        ja(&["revoke", "--as", "taro01", "hamako01", "--dry-run"])
            .at(NOON_FRIDAY)
            .output(),
    );
    keep(
        "revoked users",
        ja(&["list", "--status", "revoked"])
            .at(NOON_FRIDAY)
            .succeeds(),
    );
    keep(
        "unknown user",
        ja(&["list", "--user", "nobody"]).at(NOON_FRIDAY).output(),
    );
    let (serial, secret) = NEW_DEVICE_2;
    let early = plus(NOON_FRIDAY, 600);
    keep(
        "too early",
        ja(&[
            "register",
            "--user",
            "hamako01",
            "--serial",
            serial,
            "--otp",
            &code_at(secret, &early),
        ])
        .at(&early)
        .output(),
    );
    keep(
        "malformed code",
        ja(&[
            "register", "--user", "hamako01", "--serial", serial, "--otp", "12ab",
        ])
        .at(MONDAY)
        .output(),
    );
    keep(
        "register",
        ja(&[
            "register",
            "--user",
            "hamako01",
            "--serial",
            serial,
            "--otp",
            &code_at(secret, MONDAY),
        ])
        .at(MONDAY)
        .succeeds(),
    );
    keep(
        "expiring",
        ja(&["expiring", "--within", "60d"]).at(MONDAY).succeeds(),
    );
    keep(
        "expiring summary",
        ja(&["expiring", "--summary"]).at(MONDAY).succeeds(),
    );
    keep(
        "window too large",
        ja(&["expiring", "--within", "100000d"]).output(),
    );
    keep("dispose-note", ja(&["dispose-note"]).at(MONDAY).succeeds());
    keep(
        "mark disposed",
        ja(&["dispose-note", HAMAKO_DEVICE.0, "--mark-disposed"])
            .at(MONDAY)
            .succeeds(),
    );
    keep(
        "disposed device",
        ja(&[
            "register",
            "--user",
            "shiro01",
            "--serial",
            HAMAKO_DEVICE.0,
            "--otp",
            "123456",
        ])
        .at(MONDAY)
        .output(),
    );
    r.file(
        "bad.csv",
        "login_id,name,role,otp_required\nx1,X,boss,true\n",
    );
    keep("bad row", ja(&["import", "users", "bad.csv"]).output());
    r.file(
        "users.csv",
        "login_id,name,role,otp_required\njiro05,芳金 五郎,general,true\n",
    );
    keep(
        "import",
        ja(&["import", "users", "users.csv"]).at(MONDAY).succeeds(),
    );
    keep(
        "missing file",
        ja(&["import", "devices", "missing.csv"]).output(),
    );
    // PSKC refusals: the reason in Japanese, the key's Id and the
    // container's element names as written, no passphrase quoted.
    let wrong = r.file("wrong.passphrase", "かきくけこ-2026\n");
    let wrong = wrong.to_str().expect("UTF-8 path");
    for (what, file, extra) in [
        (
            "pskc wrong passphrase",
            "pbkdf2.pskcxml",
            vec!["--pskc-passphrase-file", wrong],
        ),
        ("pskc hotp key", "refuse-hotp.pskcxml", vec![]),
        ("pskc no serial", "refuse-no-serial.pskcxml", vec![]),
        ("pskc no key option", "aes128.pskcxml", vec![]),
    ] {
        let path = pskc_fixture(file);
        let mut args = vec!["import", "devices", path.as_str()];
        args.extend(extra);
        let out = ja(&args).output();
        // Substring on purpose: the passphrase appears nowhere.
        assert!(!out.stderr.contains("かきくけこ"), "{what}: {out:#?}");
        keep(what, out);
    }
    keep("otp", ja(&["otp", serial]).at(MONDAY).succeeds());
    keep(
        "recovery",
        ja(&["unlock", "shiro01", "--recovery", "--yes"])
            .at(MONDAY)
            .succeeds(),
    );
    r.file("current.txt", DEMO_PASSWORD);
    r.file("new.txt", "a new password 2026");
    keep(
        "passwd",
        ja(&[
            "passwd",
            "taro01",
            "--password-file",
            "new.txt",
            "--current-password-file",
            "current.txt",
        ])
        .at(MONDAY)
        .succeeds(),
    );
    keep("check", ja(&["check"]).succeeds());
    keep("audit", ja(&["audit"]).succeeds());
    keep("demo", ja(&["demo"]).succeeds());

    let details = audit_details(&r);
    for (what, out) in &seen {
        japanese_only(what, out, &details);
    }
    // And each output whole.
    let transcripts: String = seen
        .iter()
        .map(|(what, out)| format!("--- {what}: {}", out.transcript(&r)))
        .collect();
    insta::assert_snapshot!(transcripts, @r#"
        --- no registry: exit 8
        [stderr]
        error: [DIR]/registry.db：レジストリがありません。`tokenctl init` で作成するか、--db / TOKENCTL_DB でレジストリを指定してください
        --- init: exit 0
        [stdout]
        レジストリを作成しました：[DIR]/registry.db（シミュレーション用：TOKENCTL_NOW で時刻を設定可能）
        鍵ファイル [DIR]/registry.key を作成しました（フィンガープリント [HEX]）。レジストリとは別にバックアップしてください。鍵がなければパスワード生成機のシードは使えません。
        サンプルの団体を読み込みました（利用者4名、パスワード生成機6台）。マスターユーザ taro01 の確認用パスワードは "tokenctl-demo" です。
        --- list: exit 0
        [stdout]
        ┌────────────┬───────────┬────────────────┬──────────────┬──────────────────────────┬──────────────────────────┬──────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分     ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時 ┆ ロック │
        ╞════════════╪═══════════╪════════════════╪══════════════╪══════════════════════════╪══════════════════════════╪══════════════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ マスターユーザ ┆ 23456789     ┆ サービス利用中           ┆ 2026年12月30日           ┆ -                ┆        │
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ     ┆ 45678909     ┆ サービス利用中           ┆ 2026年12月30日           ┆ -                ┆        │
        │ shiro01    ┆ 芳金 次郎 ┆ 一般ユーザ     ┆ -            ┆ 未登録                   ┆ -                        ┆ -                ┆        │
        │ ichiro01   ┆ 芳金 一郎 ┆ 一般ユーザ     ┆ -            ┆ 未登録                   ┆ -                        ┆ -                ┆        │
        └────────────┴───────────┴────────────────┴──────────────┴──────────────────────────┴──────────────────────────┴──────────────────┴────────┘
        --- dry run: exit 0
        [stdout]
        確認のみ（変更はしていません）。以下の利用者のパスワード生成機が失効されます。
        ┌────────────┬───────────┬────────────────┬──────────────┬──────────────────────────┬──────────────────────────┬─────────────────────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分     ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時        │
        ╞════════════╪═══════════╪════════════════╪══════════════╪══════════════════════════╪══════════════════════════╪═════════════════════════╡
        │ taro01     ┆ 芳金 太郎 ┆ マスターユーザ ┆ 23456789     ┆ サービス利用中→失効中    ┆ 2026年12月30日           ┆ 2026年11月20日 12時30分 │
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ     ┆ 45678909     ┆ サービス利用中→失効中    ┆ 2026年12月30日           ┆ 2026年11月20日 12時30分 │
        └────────────┴───────────┴────────────────┴──────────────┴──────────────────────────┴──────────────────────────┴─────────────────────────┘
        2026年11月20日 12時30分 以降に新しいパスワード生成機を利用登録できます。
        注意：taro01 は自身のパスワード生成機を失効します。新しい生成機を利用登録するまで署名できません。
        ワンタイムパスワードの利用登録は失効の30分後から可能です。20時30分以降の失効は、翌営業日の8時10分以降に利用登録できます。
        --- no terminal for the selection: exit 2
        [stderr]
        error: 対象がありません。ログインIDを指定するか、--targets-file か --expiring-within を使ってください
        --- wrong password: exit 3
        [stderr]
        error: 確認用パスワードまたはワンタイムパスワードが正しくありません（同じワンタイムパスワードは一度しか使えません。使った直後なら次の表示を待ってください）
        error: taro01 の認証失敗は 1 回目です（5 回中）。あと 4 回失敗するとロックされます
        --- revoke: exit 0
        [stdout]
        以下の利用者が登録しているパスワード生成機の情報を失効しました。
        ┌────────────┬───────────┬────────────┬──────────────┬──────────────────────────┬──────────────────────────┬─────────────────────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分 ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時        │
        ╞════════════╪═══════════╪════════════╪══════════════╪══════════════════════════╪══════════════════════════╪═════════════════════════╡
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ ┆ 45678909     ┆ 失効中                   ┆ 2026年12月30日           ┆ 2026年11月20日 12時31分 │
        └────────────┴───────────┴────────────┴──────────────┴──────────────────────────┴──────────────────────────┴─────────────────────────┘
        2026年11月20日 12時31分 以降に新しいパスワード生成機を利用登録できます。
        ワンタイムパスワードの利用登録は失効の30分後から可能です。20時30分以降の失効は、翌営業日の8時10分以降に利用登録できます。
        --- already revoked: exit 7
        [stderr]
        error: 1 名の対象を失効できないため、失効しませんでした（何も変更していません）
        error: hamako01: 失効中です（利用中のパスワード生成機がありません）
        --- revoked users: exit 0
        [stdout]
        ┌────────────┬───────────┬────────────┬──────────────┬──────────────────────────┬──────────────────────────┬─────────────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分 ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時        ┆ ロック │
        ╞════════════╪═══════════╪════════════╪══════════════╪══════════════════════════╪══════════════════════════╪═════════════════════════╪════════╡
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ ┆ -            ┆ 失効中                   ┆ -                        ┆ 2026年11月20日 12時31分 ┆        │
        │ shiro01    ┆ 芳金 次郎 ┆ 一般ユーザ ┆ -            ┆ 未登録                   ┆ -                        ┆ -                       ┆        │
        │ ichiro01   ┆ 芳金 一郎 ┆ 一般ユーザ ┆ -            ┆ 未登録                   ┆ -                        ┆ -                       ┆        │
        └────────────┴───────────┴────────────┴──────────────┴──────────────────────────┴──────────────────────────┴─────────────────────────┴────────┘
        --- unknown user: exit 6
        [stderr]
        error: ログインIDが見つかりません：nobody
        --- too early: exit 5
        [stderr]
        error: まだ登録できません：hamako01 の利用登録は 2026年11月20日 12時31分 以降に可能です（あと21分）
        --- malformed code: exit 2
        [stderr]
        error: ワンタイムパスワードは 6 桁の数字のみで入力してください
        --- register: exit 0
        [stdout]
        hamako01 のパスワード生成機 56789012 を 2026年11月23日 13時00分 に利用登録しました（有効期限 2031年11月30日）。
        旧パスワード生成機 45678909 は使用されなくなりました。`tokenctl dispose-note 45678909` をご覧ください。
        --- expiring: exit 0
        [stdout]
        ┌────────────┬───────────┬──────────────┬──────────────────────────┬──────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ シリアル番号 ┆ パスワード生成機有効期限 ┆ 残り日数 ┆ 共有者 │
        ╞════════════╪═══════════╪══════════════╪══════════════════════════╪══════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ 23456789     ┆ 2026年12月30日           ┆ 37       ┆        │
        └────────────┴───────────┴──────────────┴──────────────────────────┴──────────┴────────┘
        有効期限までに失効し、各利用者が新しいパスワード生成機を利用登録してください。
        --- expiring summary: exit 0
        [stdout]
        有効期限の月別の利用中パスワード生成機（期限切れは銀行のみが失効できます）：
        ┌────────────┬──────┐
        │ 月         ┆ 台数 │
        ╞════════════╪══════╡
        │ 2026年11月 ┆ 0    │
        │ 2026年12月 ┆ 1    │
        │ 2027年1月  ┆ 0    │
        │ 2027年2月  ┆ 0    │
        │ 2027年3月  ┆ 0    │
        │ 2027年4月  ┆ 0    │
        │ 2027年5月  ┆ 0    │
        │ 2027年6月  ┆ 0    │
        │ 2027年7月  ┆ 0    │
        │ 2027年8月  ┆ 0    │
        │ 2027年9月  ┆ 0    │
        │ 2027年10月 ┆ 0    │
        │ 期限切れ   ┆ 0    │
        └────────────┴──────┘
        --- window too large: exit 2
        [stderr]
        error: --within："100000d" は長すぎます。最長 36500 日（5214 週）です
        --- dispose-note: exit 0
        [stdout]
        パスワード生成機 45678909：2026年11月23日 13時00分 から使用されていません
          これまでの利用者：hamako01
          後継の生成機：　　56789012
          廃棄：　　　　　　未

        使用を終えたパスワード生成機は、銀行への返却ではなく団体で処分します。本体に電池が入っているため、所在地の市区町村が定める分別・回収の方法に従って出してください。
        --- mark disposed: exit 0
        [stdout]
        パスワード生成機 45678909：2026年11月23日 13時00分 から使用されていません
          これまでの利用者：hamako01
          後継の生成機：　　56789012
          廃棄：　　　　　　2026年11月23日 13時00分

        使用を終えたパスワード生成機は、銀行への返却ではなく団体で処分します。本体に電池が入っているため、所在地の市区町村が定める分別・回収の方法に従って出してください。
        --- disposed device: exit 7
        [stderr]
        error: パスワード生成機 45678909 は2026年11月23日 13時00分に廃棄済みです。再び登録することはできません
        --- bad row: exit 2
        [stderr]
        error: bad.csv の 2 行目：role "boss" は master（マスターユーザ）か general（一般ユーザ）にしてください。何も取り込んでいません
        --- import: exit 0
        [stdout]
        users.csv から利用者を 1 名取り込みました。
        --- missing file: exit 2
        [stderr]
        error: missing.csv を読み込めません：ファイルがありません
        --- pskc wrong passphrase: exit 3
        [stderr]
        error: [REPO]/fixtures/pskc/pbkdf2.pskcxml：MAC 鍵を復号できません：パスフレーズが正しくありません。何も取り込んでいません
        --- pskc hotp key: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-hotp.pskcxml：キー bad：アルゴリズムが urn:ietf:params:xml:ns:keyprov:pskc:hotp です。取り込めるのは TOTP のキー（urn:ietf:params:xml:ns:keyprov:pskc:totp）だけです。何も取り込んでいません
        --- pskc no serial: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/refuse-no-serial.pskcxml：キー bad：パスワード生成機のシリアル番号（DeviceInfo/SerialNo）がありません。何も取り込んでいません
        --- pskc no key option: exit 2
        [stderr]
        error: [REPO]/fixtures/pskc/aes128.pskcxml：キーコンテナは事前共有鍵で暗号化されています。鍵（16進数）を --pskc-key-file で指定してください。何も取り込んでいません
        --- otp: exit 0
        [stdout]
        789158
        --- recovery: exit 0
        [stdout]
        shiro01 はロックされていません。
        --- passwd: exit 0
        [stdout]
        taro01 の確認用パスワードを設定しました。
        --- check: exit 0
        [stdout]
        レジストリに異常はありません（SQLite の検査、不変条件、すべての印と行、暗号化された秘密情報、監査ログの連鎖、証人ファイルをすべて確認しました）。
        レジストリID: [HEX]
        監査ログの行数: 11
        監査ログの最新のハッシュ: [HEX]
        --- audit: exit 0
        [stdout]
        ┌─────────────────────────┬──────────┬──────────────────────┬──────────┬──────┬───────────────────────────────────────────────────────────────────────────────────────────────────────┬──────┐
        │ 日時                    ┆ 操作者   ┆ 操作                 ┆ 対象     ┆ 結果 ┆ 詳細                                                                                                  ┆ 時計 │
        ╞═════════════════════════╪══════════╪══════════════════════╪══════════╪══════╪═══════════════════════════════════════════════════════════════════════════════════════════════════════╪══════╡
        │ 2026年11月23日 13時00分 ┆ taro01   ┆ 確認用パスワード設定 ┆ taro01   ┆ 成功 ┆ confirmation password changed with the current password                                               ┆ 固定 │
        │ 2026年11月23日 13時00分 ┆ os:root  ┆ 復旧                 ┆ shiro01  ┆ 成功 ┆ recovery unlock by os:root: was not locked; 0 failure(s) cleared                                      ┆ 固定 │
        │ 2026年11月23日 13時00分 ┆ os:root  ┆ 利用者取込           ┆          ┆ 成功 ┆ 1 users from users.csv                                                                                ┆ 固定 │
        │ 2026年11月23日 13時00分 ┆ shiro01  ┆ 利用登録             ┆ shiro01  ┆ 拒否 ┆ refused: device 45678909 was disposed of on 2026-11-23 13:00:00 JST; it can never be registered again ┆ 固定 │
        │ 2026年11月23日 13時00分 ┆ os:root  ┆ 廃棄                 ┆ 45678909 ┆ 成功 ┆ disposal recorded                                                                                     ┆ 固定 │
        │ 2026年11月23日 13時00分 ┆ hamako01 ┆ 利用登録             ┆ hamako01 ┆ 成功 ┆ serial 56789012; previous 45678909 (now out of use)                                                   ┆ 固定 │
        │ 2026年11月20日 12時10分 ┆ hamako01 ┆ 利用登録             ┆ hamako01 ┆ 拒否 ┆ refused: too early: hamako01 may register a device from 2026-11-20 12:31:00 JST, 21 minutes from now  ┆ 固定 │
        │ 2026年11月20日 12時01分 ┆ taro01   ┆ 失効                 ┆ hamako01 ┆ 成功 ┆ serial 45678909; registrable at 2026-11-20T12:31:00+09:00                                             ┆ 固定 │
        │ 2026年11月20日 12時00分 ┆ taro01   ┆ 失効                 ┆ hamako01 ┆ 失敗 ┆ verification failed (1 of 5): wrong password or code                                                  ┆ 固定 │
        │ 2026年11月20日 12時00分 ┆ os:root  ┆ サンプル読込         ┆          ┆ 成功 ┆ loaded the sample organisation from fixtures/                                                         ┆ 固定 │
        │ 2026年11月20日 12時00分 ┆ os:root  ┆ 作成                 ┆          ┆ 成功 ┆ created a simulation registry [DIR]/registry.db under key [HEX]  ┆ 固定 │
        └─────────────────────────┴──────────┴──────────────────────┴──────────┴──────┴───────────────────────────────────────────────────────────────────────────────────────────────────────┴──────┘
        --- demo: exit 0
        [stdout]
        tokenctl デモ：使い捨てのレジストリと模擬時計で、パスワード生成機の切替手順を通して実行します。

        == 1. 利用者一覧  [2026年11月20日 20時59分]
        パスワード生成機 23456789 と 45678909 は12月30日に有効期限を迎えます。銀行から新しい生成機が届いています。
        $ tokenctl list
        ┌────────────┬───────────┬────────────────┬──────────────┬──────────────────────────┬──────────────────────────┬──────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分     ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時 ┆ ロック │
        ╞════════════╪═══════════╪════════════════╪══════════════╪══════════════════════════╪══════════════════════════╪══════════════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ マスターユーザ ┆ 23456789     ┆ サービス利用中           ┆ 2026年12月30日           ┆ -                ┆        │
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ     ┆ 45678909     ┆ サービス利用中           ┆ 2026年12月30日           ┆ -                ┆        │
        │ shiro01    ┆ 芳金 次郎 ┆ 一般ユーザ     ┆ -            ┆ 未登録                   ┆ -                        ┆ -                ┆        │
        │ ichiro01   ┆ 芳金 一郎 ┆ 一般ユーザ     ┆ -            ┆ 未登録                   ┆ -                        ┆ -                ┆        │
        └────────────┴───────────┴────────────────┴──────────────┴──────────────────────────┴──────────────────────────┴──────────────────┴────────┘

        == 2. taro01 のパスワード生成機の時計がずれている：ワンタイムパスワードが拒否され、ヒントが表示される  [2026年11月20日 20時59分]
        パスワード生成機の時計は年月とともにずれます。この生成機は 7 分進んでいます。tokenctl は受け付けた値から生成機ごとのずれを学習しますが、7 分は前後 1 ステップの範囲を超えています。この失敗もロックの回数に数えられます。
        $ tokenctl revoke --as taro01 hamako01 --otp 408452 --password-file master.txt --yes
        error: 確認用パスワードまたはワンタイムパスワードが正しくありません（同じワンタイムパスワードは一度しか使えません。使った直後なら次の表示を待ってください）
        error: パスワード生成機 23456789 の時計が約 7 分ずれているようです。正しい生成機であれば、連続する 2 つのワンタイムパスワードで `tokenctl resync 23456789` を実行してください
        error: taro01 の認証失敗は 1 回目です（5 回中）。あと 4 回失敗するとロックされます
        (exit 3)
        生成機に続けて表示される 2 つの値で時計を再同期します。2 つとも使用済みとなり、次の値で署名できます。
        $ tokenctl resync 23456789 --otp 353574 --otp 408452
        パスワード生成機 23456789 の時計を 2026年11月20日 20時59分 に再同期しました。ずれは +0 秒から +420 秒になりました。入力した 2 つの値は使用済みです。

        == 3. マスターユーザ taro01 が金曜日の夜に hamako01 のパスワード生成機を失効  [2026年11月20日 21時00分]
        20時30分を過ぎており、11月23日（月）は勤労感謝の日のため、hamako01 の利用登録は火曜日の8時10分からとなります。
        $ tokenctl revoke --as taro01 hamako01 --otp 126707 --password-file master.txt --yes
        以下の利用者が登録しているパスワード生成機の情報を失効しました。
        ┌────────────┬───────────┬────────────┬──────────────┬──────────────────────────┬──────────────────────────┬────────────────────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分 ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時       │
        ╞════════════╪═══════════╪════════════╪══════════════╪══════════════════════════╪══════════════════════════╪════════════════════════╡
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ ┆ 45678909     ┆ 失効中                   ┆ 2026年12月30日           ┆ 2026年11月24日 8時10分 │
        └────────────┴───────────┴────────────┴──────────────┴──────────────────────────┴──────────────────────────┴────────────────────────┘
        2026年11月24日 8時10分 以降に新しいパスワード生成機を利用登録できます。
        ワンタイムパスワードの利用登録は失効の30分後から可能です。20時30分以降の失効は、翌営業日の8時10分以降に利用登録できます。
        $ tokenctl list --status revoked
        ┌────────────┬───────────┬────────────┬──────────────┬──────────────────────────┬──────────────────────────┬────────────────────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分 ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時       ┆ ロック │
        ╞════════════╪═══════════╪════════════╪══════════════╪══════════════════════════╪══════════════════════════╪════════════════════════╪════════╡
        │ hamako01   ┆ 芳金 花子 ┆ 一般ユーザ ┆ -            ┆ 失効中                   ┆ -                        ┆ 2026年11月24日 8時10分 ┆        │
        │ shiro01    ┆ 芳金 次郎 ┆ 一般ユーザ ┆ -            ┆ 未登録                   ┆ -                        ┆ -                      ┆        │
        │ ichiro01   ┆ 芳金 一郎 ┆ 一般ユーザ ┆ -            ┆ 未登録                   ┆ -                        ┆ -                      ┆        │
        └────────────┴───────────┴────────────┴──────────────┴──────────────────────────┴──────────────────────────┴────────────────────────┴────────┘

        == 4. hamako01 が祝日に新しいパスワード生成機の登録を試みる  [2026年11月23日 10時00分]
        $ tokenctl register --user hamako01 --serial 56789012 --otp 955456
        error: まだ登録できません：hamako01 の利用登録は 2026年11月24日 8時10分 以降に可能です（あと22時間10分）
        (exit 5)

        == 5. 火曜日の8時10分、利用登録が受け付けられる  [2026年11月24日 8時10分]
        $ tokenctl register --user hamako01 --serial 56789012 --otp 176843
        hamako01 のパスワード生成機 56789012 を 2026年11月24日 8時10分 に利用登録しました（有効期限 2031年11月30日）。
        旧パスワード生成機 45678909 は使用されなくなりました。`tokenctl dispose-note 45678909` をご覧ください。

        == 6. 有効期限が近いパスワード生成機の報告（cron 用）  [2026年11月24日 8時10分]
        taro01 自身の生成機も12月30日に有効期限を迎えます。期限前に失効してください。
        $ tokenctl expiring --within 6w
        ┌────────────┬───────────┬──────────────┬──────────────────────────┬──────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ シリアル番号 ┆ パスワード生成機有効期限 ┆ 残り日数 ┆ 共有者 │
        ╞════════════╪═══════════╪══════════════╪══════════════════════════╪══════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ 23456789     ┆ 2026年12月30日           ┆ 36       ┆        │
        └────────────┴───────────┴──────────────┴──────────────────────────┴──────────┴────────┘
        有効期限までに失効し、各利用者が新しいパスワード生成機を利用登録してください。

        == 7. 旧パスワード生成機の廃棄のご案内  [2026年11月24日 8時10分]
        $ tokenctl dispose-note 45678909
        パスワード生成機 45678909：2026年11月24日 8時10分 から使用されていません
          これまでの利用者：hamako01
          後継の生成機：　　56789012
          廃棄：　　　　　　未

        使用を終えたパスワード生成機は、銀行への返却ではなく団体で処分します。本体に電池が入っているため、所在地の市区町村が定める分別・回収の方法に従って出してください。

        == 8. 年末年始の休業明け、taro01 自身のパスワード生成機の有効期限が切れている  [2027年1月4日 9時00分]
        パスワード生成機 23456789 は12月30日の有効期限までに失効されず、そのまま年末年始の休業（12月31日〜1月3日）に入りました。いまは銀行しか失効できません。
        $ tokenctl expiring
        ┌────────────┬───────────┬──────────────┬──────────────────────────┬──────────┬────────┐
        │ ログインID ┆ 利用者名  ┆ シリアル番号 ┆ パスワード生成機有効期限 ┆ 残り日数 ┆ 共有者 │
        ╞════════════╪═══════════╪══════════════╪══════════════════════════╪══════════╪════════╡
        │ taro01     ┆ 芳金 太郎 ┆ 23456789     ┆ 2026年12月30日           ┆ 期限切れ ┆        │
        └────────────┴───────────┴──────────────┴──────────────────────────┴──────────┴────────┘
        有効期限を過ぎたパスワード生成機は団体では失効できません（失効できるのは銀行のみです）。銀行にご連絡のうえ、銀行による失効を `tokenctl revoke --as MASTER LOGIN_ID --bank-reference REF` で記録してください。
        $ tokenctl revoke --as taro01 taro01 --otp 653647 --password-file master.txt --yes
        error: マスターユーザ taro01 のパスワード生成機 23456789 は2026年12月30日に有効期限が切れています。失効の確認に使えません。銀行にご連絡ください
        (exit 7)

        == 9. 銀行がパスワード生成機を失効し、taro01 が銀行による失効を記録  [2027年1月4日 21時00分]
        銀行は1月4日（月）20時40分に失効しました。20時30分以降のため、taro01 の利用登録は翌営業日の8時10分からとなります。自身の生成機はもうワンタイムパスワードを表示できないため、記録には確認用パスワードのみを使います。
        $ tokenctl revoke --as taro01 taro01 --bank-reference BK-20270104-001 --revoked-at 2027-01-04T20:40:00+09:00 --password-file master.txt --yes
        以下の利用者のパスワード生成機について、銀行による失効を記録しました。
        ┌────────────┬───────────┬────────────────┬──────────────┬──────────────────────────┬──────────────────────────┬──────────────────────┐
        │ ログインID ┆ 利用者名  ┆ 利用者区分     ┆ シリアル番号 ┆ ワンタイムパスワード状態 ┆ パスワード生成機有効期限 ┆ 利用登録可能日時     │
        ╞════════════╪═══════════╪════════════════╪══════════════╪══════════════════════════╪══════════════════════════╪══════════════════════╡
        │ taro01     ┆ 芳金 太郎 ┆ マスターユーザ ┆ 23456789     ┆ 失効中                   ┆ 2026年12月30日           ┆ 2027年1月5日 8時10分 │
        └────────────┴───────────┴────────────────┴──────────────┴──────────────────────────┴──────────────────────────┴──────────────────────┘
        2027年1月5日 8時10分 以降に新しいパスワード生成機を利用登録できます。
        ワンタイムパスワードの利用登録は失効の30分後から可能です。20時30分以降の失効は、翌営業日の8時10分以降に利用登録できます。

        == 10. 翌朝8時10分、taro01 が新しいパスワード生成機を利用登録  [2027年1月5日 8時10分]
        $ tokenctl register --user taro01 --serial 34567891 --otp 173634
        taro01 のパスワード生成機 34567891 を 2027年1月5日 8時10分 に利用登録しました（有効期限 2031年11月30日）。
        旧パスワード生成機 23456789 は使用されなくなりました。`tokenctl dispose-note 23456789` をご覧ください。

        以上です。デモ用のレジストリは削除しました。実際に試すには：`tokenctl --db my.db init --demo`（マスターの確認用パスワードは "tokenctl-demo"）。
        "#);
    // The check has teeth: the same commands in English are caught.
    let english = r.run(&["list", "--user", "nobody"]).output();
    assert!(english_run(&english.stderr).is_some(), "{english:?}");
}

#[test]
fn check_reports_an_edited_audit_row_in_japanese_and_its_json_in_english() {
    let r = Registry::demo();
    r.sql(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; \
         UPDATE audit SET detail = 'nothing happened' WHERE id = 1;",
    );
    let out = r.run(&["--lang", "ja", "check"]).output();
    insta::assert_snapshot!(out.transcript(&r), @"
        exit 9
        [stdout]
        レジストリが改ざんされているか、破損しています。
        レジストリID: [HEX]
        監査ログの行数: 2
        監査ログの最新のハッシュ: [HEX]
        [stderr]
        check: audit: 監査ログの 1 行目を検証できません。変更、挿入、移動されたか、その前の行が削除されています
        ");
    japanese_only("check finding", &out, &[]);
    // The JSON report is for scripts: the kind and the detail as in English.
    let json = r
        .run(&["--lang", "ja", "check", "--format", "json"])
        .output();
    assert_eq!(json.status, 9, "{json:#?}");
    let json = json.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["findings"][0]["kind"], "audit");
    assert_eq!(
        json["findings"][0]["detail"],
        "audit row 1 does not verify: it was changed, inserted or moved, or a row before it was removed"
    );
    // And stderr in English says the same as the JSON.
    let english = r.run(&["--lang", "en", "check"]).transcript();
    insta::assert_snapshot!(english, @"
        exit 9
        [stdout]
        The registry was altered or is damaged.
        registry ID: [HEX]
        audit rows: 2
        audit head: [HEX]
        [stderr]
        check: audit: audit row 1 does not verify: it was changed, inserted or moved, or a row before it was removed
        ");
}

/// A quote left open runs a field on through the rows after it: the note
/// that replaces the field is in the user's language, and shows none of
/// the rows it swallowed.
#[test]
fn a_field_spanning_lines_is_noted_in_japanese() {
    let r = Registry::demo();
    let (serial, secret) = NEW_DEVICE_3;
    r.file(
        "open-quote.csv",
        &format!(
            "serial,secret,expires\nd1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,\"2030-01-01\n{serial},{secret},2030-01-01\n"
        ),
    );
    let before = r.snapshot();
    let out = r
        .run(&["--lang", "ja", "import", "devices", "open-quote.csv"])
        .output();
    insta::assert_snapshot!(out.transcript(&r), @r#"
        exit 2
        [stderr]
        error: open-quote.csv の 2 行目：この行で開いた引用符 " が閉じられていないため、続く 1 行が一つの項目として読まれました（引用符 " の閉じ忘れではありませんか？）。引用符を閉じてください。何も取り込んでいません
        "#);
    japanese_only("open quote", &out, &[]);
    // Substring on purpose: none of the swallowed rows' secrets, anywhere.
    assert!(!out.stderr.contains(secret), "{out:#?}");
    let transcript = r.run(&["import", "devices", "open-quote.csv"]).transcript();
    insta::assert_snapshot!(transcript, @r#"
        exit 2
        [stderr]
        error: open-quote.csv, line 2: a quote " opened on this line is not closed, so the next 1 lines were read as one field (is a quote left open?); close the quote; nothing was imported
        "#);
    assert_eq!(r.snapshot(), before);
}

/// A device secret is a `シード` (not a private key, `秘密鍵`); the
/// audit chain's head is its latest hash (not `先頭`, "the first row"); a
/// user who never had a device is "not registered", not "revoked"; a user
/// without OTP shows "not required", which `--status` reads back.
#[test]
fn wording_names_what_it_means_and_list_status_reads_back() {
    let r = Registry::demo();
    r.run(&["import", "users", "-"])
        .stdin("login_id,name,role,otp_required\nnootp01,No OTP,general,false\n")
        .succeeds();
    for (lang, never, not_required) in [
        ("en", "not registered", "not required"),
        ("ja", "未登録", "利用しない"),
    ] {
        let table = r.run(&["--lang", lang, "list"]).succeeds().stdout;
        // Two cells of two rows (the wording under test); the tables are
        // pinned whole by the snapshots.
        let row = |login: &str| {
            table
                .lines()
                .find(|l| l.contains(login))
                .unwrap_or_default()
                .to_string()
        };
        assert!(row("shiro01").contains(never), "{table}");
        assert!(row("nootp01").contains(not_required), "{table}");
        for status in [not_required, never] {
            let listed = r
                .run(&["list", "--status", status, "--format", "json"])
                .succeeds()
                .json();
            assert!(
                !listed.as_array().unwrap().is_empty(),
                "--status {status:?}"
            );
        }
    }
    Test::on(&r)
        .args(["--lang", "ja", "import", "devices", "-"])
        .stdin("serial,secret,expires\n99,,2031-01-01\n")
        .status(2)
        .stderr("error: stdin の 2 行目：パスワード生成機 \"99\"：シードが空です。何も取り込んでいません\n")
        .run();
    let check = r.run(&["--lang", "ja", "check"]).succeeds().stdout;
    // One label's wording; the report carries the registry's own ID and
    // head, which vary.
    assert!(check.contains("監査ログの最新のハッシュ"), "{check}");
    assert!(!check.contains("先頭"), "{check}");
}
