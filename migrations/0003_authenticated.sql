-- 0003: an authenticated registry. Every row of users, devices,
-- registrations and meta carries a MAC under a key bound to the registry's
-- random ID; the state tree holds every row's current MAC, so that a row
-- put back to an earlier version of itself is found. The upgrade (in Rust,
-- in the same transaction) fills the MACs, the tree and the marks.

ALTER TABLE users ADD COLUMN mac BLOB;
ALTER TABLE devices ADD COLUMN mac BLOB;
ALTER TABLE registrations ADD COLUMN mac BLOB;
ALTER TABLE meta ADD COLUMN mac BLOB;

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
