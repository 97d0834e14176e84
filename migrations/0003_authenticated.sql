-- 0003: an authenticated registry. Every row of users, devices,
-- registrations and meta carries a MAC under a key bound to the registry's
-- random ID; the state tree holds every row's current MAC, so that a row
-- put back to an earlier version of itself is found. The upgrade (in Rust,
-- in the same transaction) fills the MACs, the tree and the marks.

ALTER TABLE registrations ADD COLUMN mac BLOB;
ALTER TABLE meta ADD COLUMN mac BLOB;

-- Users and devices are rebuilt with their MAC column and with their
-- CHECKs written as OR chains: SQLite evaluates `x IN ('a', 'b', …)` in a
-- CHECK by building and dropping an ephemeral index for every row written,
-- which was a third of the work of importing a million devices. (Foreign
-- keys are off while a migration runs; the upgrade checks them whole before
-- it commits.)
CREATE TABLE devices_new (
    id               INTEGER PRIMARY KEY,
    serial           TEXT NOT NULL UNIQUE,
    secret           BLOB NOT NULL,         -- sealed under the registry key
    algorithm        TEXT NOT NULL
        CHECK (algorithm = 'SHA1' OR algorithm = 'SHA256' OR algorithm = 'SHA512'),
    digits           INTEGER NOT NULL CHECK (digits = 6 OR digits = 8),
    period           INTEGER NOT NULL CHECK (period > 0),
    expires          TEXT NOT NULL          -- last valid day, in Japan
        CHECK (expires GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    last_step        INTEGER,               -- last accepted OTP step: the replay guard
    out_of_use_since INTEGER,               -- replaced, with no holder left
    replaced_by      INTEGER REFERENCES devices(id),
    disposed_at      INTEGER,
    -- How many users hold the device in service, kept in the device's own
    -- (MAC'd) row: a decision that no one holds it (disposal, retirement)
    -- must not rest on the absence of user rows, which anyone with the file
    -- could make.
    holders          INTEGER NOT NULL DEFAULT 0 CHECK (holders >= 0),
    mac              BLOB                   -- the row's MAC (see store::auth)
);
INSERT INTO devices_new (id, serial, secret, algorithm, digits, period, expires,
                         last_step, out_of_use_since, replaced_by, disposed_at, holders)
    SELECT id, serial, secret, algorithm, digits, period, expires,
           last_step, out_of_use_since, replaced_by, disposed_at,
           (SELECT count(*) FROM users u WHERE u.device_id = devices.id) FROM devices;
DROP TABLE devices;
ALTER TABLE devices_new RENAME TO devices;
CREATE INDEX devices_by_expiry ON devices(expires);

CREATE TABLE users_new (
    id               INTEGER PRIMARY KEY,
    login_id         TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role = 'master' OR role = 'general'),
    otp_required     INTEGER NOT NULL CHECK (otp_required = 0 OR otp_required = 1),
    device_id        INTEGER REFERENCES devices(id),
    registrable_at   INTEGER,
    password_hash    TEXT,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_at        INTEGER,
    mac              BLOB,
    CHECK (otp_required = 1 OR device_id IS NULL)
);
INSERT INTO users_new (id, login_id, name, role, otp_required, device_id,
                       registrable_at, password_hash, failed_attempts, locked_at)
    SELECT id, login_id, name, role, otp_required, device_id,
           registrable_at, password_hash, failed_attempts, locked_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_by_device ON users(device_id);

-- Nodes of the state tree: `node` encodes the level and the index, and
-- `hashes` holds the 16-byte hashes of its 16 children.
CREATE TABLE tree (
    node   INTEGER PRIMARY KEY,
    hashes BLOB NOT NULL
);

-- A device's replacement is looked up when the device it replaces goes;
-- without this index, rebuilding or checking the table was quadratic.
CREATE INDEX devices_by_replacement ON devices(replaced_by);

-- Audit rows never change once written; the upgrade re-chains the rows of
-- an older registry under the bound key with this trigger dropped.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
