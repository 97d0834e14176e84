#!/usr/bin/env python3
"""Generates the benchmark registry's CSVs for `bench/run`.

    gen.py N OUTDIR NOW SETUP_NOW BULK_TARGETS

NOW and SETUP_NOW are RFC 3339 instants with the Japan offset (+09:00),
before 20:30 (so a revocation's registrable-at is 30 minutes later).

Writes into OUTDIR:
  devices.csv       the bank's delivery: N devices (serial,secret,expires,digits,period,algorithm)
  users.csv         N users (login_id,name,role,otp_required,serial)
  setup-targets.txt users revoked once during setup (at SETUP_NOW), so that the
                    registry holds revoked users with a registrable-at instant
                    and a registration history
  bulk-targets.txt  the users of the timed bulk revocation
  revoke-floor.sql  the same bulk revocation as plain SQL (the floor)
  meta.env          serials and login IDs the benchmark needs (shell syntax)

The output is deterministic (fixed seed). The mix, by login index i >= the
masters, with r = i % 100:
  r 0-77, 98-99  in service, each with their own device (~80%)
  r 78-79        in service, sharing the device of user i-2 (~2%)
  r 80-89        revoked: otp_required true, no serial (~10%)
  r 90-97        no OTP: otp_required false (~8%)
Devices of the revoked, no-OTP and sharing users are spares: delivered, held
by nobody. Expiry dates are spread uniformly from a year before TODAY to four
years after it (~20% already expired); the masters' devices expire in three
years. About 5% of devices are SHA256 and 2% show 8 digits.
"""

import base64
import datetime as dt
import os
import random
import sys

MASTERS = 5
FAMILY = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水".split()
GIVEN = "太郎 花子 一郎 次郎 三郎 陽子 健太 美咲 翔太 由美 大輔 直美 拓也 恵 誠 彩 亮 愛 剛 舞".split()


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    now = dt.datetime.fromisoformat(sys.argv[3])
    setup_now = dt.datetime.fromisoformat(sys.argv[4])
    jst = dt.timezone(dt.timedelta(hours=9))
    for t in (now, setup_now):
        if t.utcoffset() != dt.timedelta(hours=9) or (t.hour, t.minute) >= (20, 30):
            sys.exit(f"gen.py: {t.isoformat()} must be +09:00 and before 20:30")
    today = now.date()
    assert setup_now < now
    reg = now + dt.timedelta(minutes=30)
    now_unix, reg_unix = int(now.timestamp()), int(reg.timestamp())
    reg_text = reg.astimezone(jst).strftime("%Y-%m-%dT%H:%M:%S+09:00")
    want_bulk = int(sys.argv[5])
    rng = random.Random(20261120)

    serial = [f"{10_000_000 + i:08d}" for i in range(n)]
    expires = [None] * n
    first = today - dt.timedelta(days=365)
    span = 5 * 365
    for i in range(n):
        if i < MASTERS:
            expires[i] = today + dt.timedelta(days=3 * 365)
        else:
            expires[i] = first + dt.timedelta(days=rng.randrange(span))

    # Users: what each one holds.
    kind = [None] * n  # 'master', 'active', 'shared', 'revoked', 'none'
    holds = [None] * n  # device index or None
    for i in range(n):
        if i < MASTERS:
            kind[i], holds[i] = "master", i
            continue
        r = i % 100
        if r < 78 or r >= 98:
            kind[i], holds[i] = "active", i
        elif r < 80:
            # shares the device of user i-2, in service with its own device
            if i - 2 >= MASTERS and kind[i - 2] == "active":
                kind[i], holds[i] = "shared", i - 2
            else:
                kind[i], holds[i] = "active", i
        elif r < 90:
            kind[i] = "revoked"
        else:
            kind[i] = "none"

    b32 = base64.b32encode
    getbits = rng.getrandbits
    with open(os.path.join(out, "devices.csv"), "w", encoding="utf-8") as f:
        w = f.write
        w("serial,secret,expires,digits,period,algorithm\n")
        for i in range(n):
            secret = b32(getbits(160).to_bytes(20, "big")).decode()
            x = i % 100
            algorithm = "SHA256" if (x == 13 or x == 57 or x == 71 or x == 88 or x == 94) and i >= MASTERS else "SHA1"
            digits = 8 if (x == 29 or x == 91) and i >= MASTERS else 6
            w(f"{serial[i]},{secret},{expires[i].isoformat()},{digits},30,{algorithm}\n")

    with open(os.path.join(out, "users.csv"), "w", encoding="utf-8") as f:
        w = f.write
        w("login_id,name,role,otp_required,serial\n")
        nf, ng = len(FAMILY), len(GIVEN)
        for i in range(n):
            name = f"{FAMILY[i % nf]} {GIVEN[(i // nf) % ng]}"
            k = kind[i]
            role = "master" if k == "master" else "general"
            if k == "revoked":
                w(f"u{i:07d},{name},{role},true,\n")
            elif k == "none":
                w(f"u{i:07d},{name},{role},false,\n")
            else:
                w(f"u{i:07d},{name},{role},true,{serial[holds[i]]}\n")

    # Revoked during setup (at SETUP_NOW): ~1% of users, own unexpired device.
    setup = [i for i in range(MASTERS, n)
             if i % 100 == 98 and expires[i] >= today + dt.timedelta(days=30)]
    if not setup:  # a tiny registry: take any user in service with their own device
        setup = [next(i for i in range(MASTERS, n) if kind[i] == "active" and i % 100 < 76
                      and expires[i] >= today + dt.timedelta(days=30))]
    with open(os.path.join(out, "setup-targets.txt"), "w") as f:
        for i in setup:
            f.write(f"u{i:07d}\n")

    # Bulk revocation: in service with their own device, not expired at TODAY,
    # spread over the whole table.
    setup_set = set(setup)
    eligible = [i for i in range(MASTERS, n)
                if kind[i] == "active" and i % 100 < 78 and expires[i] >= today
                and i not in setup_set]
    count = min(want_bulk, len(eligible) // 2)
    stride = len(eligible) / count if count else 1
    bulk = [eligible[int(k * stride)] for k in range(count)]
    with open(os.path.join(out, "bulk-targets.txt"), "w") as f:
        for i in bulk:
            f.write(f"u{i:07d}\n")

    # Register: a user revoked during setup takes a spare device (of a no-OTP
    # user) that nobody holds and that has not expired.
    register_user = setup[0]
    spare = next(i for i in range(MASTERS, n)
                 if kind[i] == "none" and expires[i] >= today + dt.timedelta(days=30)
                 and i % 100 not in (91, 94))  # SHA1, 6 digits
    master = 0

    with open(os.path.join(out, "meta.env"), "w") as f:
        f.write(f"MASTER=u{master:07d}\n")
        f.write(f"MASTER_SERIAL={serial[master]}\n")
        f.write(f"REGISTER_USER=u{register_user:07d}\n")
        f.write(f"REGISTER_SERIAL={serial[spare]}\n")
        f.write(f"SETUP_COUNT={len(setup)}\n")
        f.write(f"BULK_COUNT={len(bulk)}\n")
        f.write(f"COUNT_ACTIVE={sum(1 for k in kind if k in ('master', 'active', 'shared'))}\n")
        f.write(f"COUNT_REVOKED={sum(1 for k in kind if k == 'revoked')}\n")
        f.write(f"COUNT_NONE={sum(1 for k in kind if k == 'none')}\n")
        f.write(f"COUNT_SHARED={sum(1 for k in kind if k == 'shared')}\n")

    # The bulk revocation as plain SQL on the same file: the floor of what
    # the writes themselves cost. Values are those tokenctl writes.
    ids = ",".join(f"'u{i:07d}'" for i in bulk)
    with open(os.path.join(out, "revoke-floor.sql"), "w") as f:
        f.write(f"""PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
BEGIN IMMEDIATE;
CREATE TEMP TABLE t AS SELECT u.id AS user_id, u.login_id, d.serial
  FROM users u JOIN devices d ON d.id = u.device_id WHERE u.login_id IN ({ids or "''"});
INSERT INTO audit (at, actor, action, targets, outcome, detail, clock_fixed)
  SELECT {now_unix}, 'u{master:07d}', 'revoke', json_array(login_id), 'ok',
         'serial ' || serial || '; registrable at {reg_text}', 1 FROM t;
UPDATE registrations SET revoked_at = {now_unix},
       revoked_by = (SELECT id FROM users WHERE login_id = 'u{master:07d}'),
       registrable_at = {reg_unix}
  WHERE revoked_at IS NULL AND user_id IN (SELECT user_id FROM t);
UPDATE users SET device_id = NULL, registrable_at = {reg_unix} WHERE id IN (SELECT user_id FROM t);
COMMIT;
""")


if __name__ == "__main__":
    main()
