-- 0004: device clocks and the devices' own story. Every column here is
-- covered by the row's MAC (store::auth lists them); the upgrade re-MACs
-- every row in the same transaction.

-- The device's clock error as learned from the codes it gave, in steps:
-- a code is accepted within one step either side of (now + offset), and
-- each accepted code moves the offset to the step that matched.
ALTER TABLE devices ADD COLUMN clock_offset INTEGER NOT NULL DEFAULT 0;

-- Consecutive failed resynchronisations of a device that no user holds
-- (a held device counts toward its holders' lockout instead), and when
-- the fifth locked it.
ALTER TABLE devices ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0
    CHECK (failed_attempts >= 0);
ALTER TABLE devices ADD COLUMN locked_at INTEGER;

-- When the delivery that brought the device was imported. Devices of a
-- registry from before this column take the registry's first delivery.
ALTER TABLE devices ADD COLUMN delivered_at INTEGER;
UPDATE devices SET delivered_at = coalesce(
    (SELECT min(at) FROM audit WHERE action IN ('import-devices', 'init-demo')),
    (SELECT min(at) FROM audit),
    0);

-- When the bank revoked the device as lost (`revoke --bank-reference REF
-- --lost`): a lost device is never offered for disposal.
ALTER TABLE devices ADD COLUMN lost_at INTEGER;
