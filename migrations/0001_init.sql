-- 0001: the first registry schema.
-- Instants are INTEGER unix seconds (UTC); dates are TEXT 'YYYY-MM-DD' in
-- Japan. The application_id marks the file as a tokenctl registry.
PRAGMA application_id = 1953197667; -- 0x746b6e63, "tknc"

-- Devices delivered by the bank. A device is never deleted: disposal is
-- recorded, and the history of who held it stays in `registrations`.
CREATE TABLE devices (
    id               INTEGER PRIMARY KEY,
    serial           TEXT NOT NULL UNIQUE,
    secret           BLOB NOT NULL,
    algorithm        TEXT NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    digits           INTEGER NOT NULL CHECK (digits IN (6, 8)),
    period           INTEGER NOT NULL CHECK (period > 0),
    expires          TEXT NOT NULL,         -- last valid day, in Japan
    last_step        INTEGER,               -- last accepted OTP step: the replay guard
    out_of_use_since INTEGER,               -- replaced, with no holder left
    replaced_by      INTEGER REFERENCES devices(id),
    disposed_at      INTEGER
);
CREATE INDEX devices_by_expiry ON devices(expires);

-- Users of the internet banking. `device_id` is the device in service (NULL
-- when none); `registrable_at` is the earliest registration after the latest
-- revocation. Both are kept here, beside the history, so that `list` and
-- `expiring` need no scan of the history on a million users.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    login_id         TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('master', 'general')),
    otp_required     INTEGER NOT NULL CHECK (otp_required IN (0, 1)),
    device_id        INTEGER REFERENCES devices(id),
    registrable_at   INTEGER,
    password_hash    TEXT,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_at        INTEGER,
    CHECK (otp_required = 1 OR device_id IS NULL)
);
CREATE INDEX users_by_device ON users(device_id);

-- Who held which device when: registered, revoked, by whom, and from when
-- the user could register again.
CREATE TABLE registrations (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    device_id      INTEGER NOT NULL REFERENCES devices(id),
    registered_at  INTEGER NOT NULL,
    revoked_at     INTEGER,
    revoked_by     INTEGER REFERENCES users(id),
    registrable_at INTEGER
);
CREATE INDEX registrations_by_user ON registrations(user_id, id);
CREATE INDEX registrations_by_device ON registrations(device_id);

-- The append-only audit log. Targets are a JSON array of login IDs or serials.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    targets     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    clock_fixed INTEGER NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
