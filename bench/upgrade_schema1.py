#!/usr/bin/env python3
"""Times the upgrade of a schema-1 registry (plaintext secrets, no MACs) of N
devices and N users by the first command that writes, and checks that no
plaintext secret is left anywhere in the file afterwards.

    bench/upgrade_schema1.py BINARY [N]   (default N = 50000)
"""
import os, secrets, sqlite3, subprocess, sys, tempfile, time

def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    root = os.path.dirname(os.path.abspath(__file__))
    schema = open(os.path.join(root, "..", "migrations", "0001_init.sql")).read()
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "registry.db")
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(schema)
        conn.execute("PRAGMA user_version = 1")
        keys = [secrets.token_bytes(20) for _ in range(n)]
        conn.executemany(
            "INSERT INTO devices (id, serial, secret, algorithm, digits, period, expires, replaced_by) "
            "VALUES (?, ?, ?, 'SHA1', 6, 30, '2031-01-01', ?)",
            [(i + 1, f"{10000000 + i}", keys[i], (i + 2) if i % 2 == 0 and i + 1 < n else None)
             for i in range(n)])
        conn.executemany(
            "INSERT INTO users (id, login_id, name, role, otp_required, device_id) VALUES (?, ?, ?, ?, 1, ?)",
            [(i + 1, f"u{i}", f"User {i}", "master" if i == 0 else "general", i + 1) for i in range(n)])
        conn.executemany(
            "INSERT INTO registrations (user_id, device_id, registered_at) VALUES (?, ?, 0)",
            [(i + 1, i + 1) for i in range(n)])
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        env = dict(os.environ, TOKENCTL_DB=db, TOKENCTL_KEY_FILE=os.path.join(d, "registry.key"))
        env.pop("TOKENCTL_NOW", None)
        start = time.monotonic()
        out = subprocess.run([binary, "unlock", "u1", "--recovery", "--yes"], env=env,
                             capture_output=True, text=True)
        elapsed = time.monotonic() - start
        if out.returncode != 0:
            sys.exit(f"upgrade failed: {out.stderr}")
        data = b""
        for suffix in ("", "-wal"):
            try:
                data += open(db + suffix, "rb").read()
            except FileNotFoundError:
                pass
        wanted = set(keys)
        left = len({data[i:i + 20] for i in range(len(data) - 19)} & wanted)
        print(f"schema-1 upgrade of {n} devices and {n} users: {elapsed:.2f} s; "
              f"plaintext secrets left in the file: {left} of {n}")
        sys.exit(1 if left else 0)

main()
