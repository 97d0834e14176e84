-- 0002: live and simulation registries, sealed secrets, the keyed audit
-- chain, and invariants the schema now enforces itself.

-- Facts about the registry: its mode ('live' or 'simulation', with a MAC
-- under the registry key) and the fingerprint of the key its secrets are
-- sealed under. A registry without a fingerprint still holds plaintext
-- secrets, sealed on first use with a key file.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The real instant a row was written (beside `at`, the acting instant, which
-- a simulation's fixed clock decides), and the row's link in the MAC chain.
ALTER TABLE audit ADD COLUMN recorded_at INTEGER;
ALTER TABLE audit ADD COLUMN mac BLOB;

-- Rows written before the chain existed get their MAC once, when the
-- registry is first used with its key; after that a row never changes.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN OLD.mac IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
  OR NEW.action IS NOT OLD.action OR NEW.targets IS NOT OLD.targets
  OR NEW.outcome IS NOT OLD.outcome OR NEW.detail IS NOT OLD.detail
  OR NEW.clock_fixed IS NOT OLD.clock_fixed OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- One open registration (one device in service) per user.
CREATE UNIQUE INDEX one_open_registration_per_user
    ON registrations(user_id) WHERE revoked_at IS NULL;

-- Expiry dates are 'YYYY-MM-DD', now a CHECK of the devices table. SQLite
-- cannot add a CHECK to a table, so the table is rebuilt inside this
-- transaction: copied aside, dropped, created anew and filled again. The
-- users' and registrations' references to `devices` are checked at commit
-- (deferred), when every device they name is back. A CHECK costs an insert
-- far less than a trigger would.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE devices_copy AS SELECT * FROM devices;
DROP TABLE devices;
CREATE TABLE devices (
    id               INTEGER PRIMARY KEY,
    serial           TEXT NOT NULL UNIQUE,
    secret           BLOB NOT NULL,         -- sealed under the registry key
    algorithm        TEXT NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    digits           INTEGER NOT NULL CHECK (digits IN (6, 8)),
    period           INTEGER NOT NULL CHECK (period > 0),
    expires          TEXT NOT NULL          -- last valid day, in Japan
        CHECK (expires GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    last_step        INTEGER,               -- last accepted OTP step: the replay guard
    out_of_use_since INTEGER,               -- replaced, with no holder left
    replaced_by      INTEGER REFERENCES devices(id),
    disposed_at      INTEGER
);
INSERT INTO devices SELECT * FROM devices_copy;
DROP TABLE devices_copy;
CREATE INDEX devices_by_expiry ON devices(expires);

-- Bank revocations record the bank's reference.
ALTER TABLE registrations ADD COLUMN bank_reference TEXT;
