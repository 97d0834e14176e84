//! Devices of the bank's deliveries: their keys, the replay guard, and the
//! out-of-use and disposal records.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};

use rusqlite::types::ValueRef;

use super::Tx;
use super::auth::{DEVICES, insert_row};
use crate::error::{Error, Result};
use crate::rules::otp::{Algorithm, DeviceKey};

/// A device as the registry holds it. Its secret stays sealed until
/// `open_key` opens it, with the registry key, for the moment it is needed.
#[derive(Debug, Clone)]
pub(crate) struct DeviceRow {
    pub(crate) id: i64,
    pub(crate) serial: String,
    pub(crate) algorithm: Algorithm,
    pub(crate) digits: u8,
    pub(crate) period: u32,
    sealed: SealedSecret,
    pub(crate) expires: NaiveDate,
    pub(crate) out_of_use_since: Option<DateTime<Utc>>,
    pub(crate) replaced_by: Option<i64>,
    pub(crate) disposed_at: Option<DateTime<Utc>>,
    /// How many users hold it in service (its own, authenticated count;
    /// decisions read it fresh through `holder_count`).
    #[cfg(test)]
    pub(crate) holders: u32,
    /// The learned clock offset, in steps (read fresh for a verification
    /// by `guard`).
    pub(crate) clock_offset: i64,
    /// Consecutive failed resynchronisations while no one held it.
    pub(crate) failed_attempts: u32,
    /// Locked after five of them, until a master unlocks it.
    pub(crate) locked: bool,
    pub(crate) delivered_at: Option<DateTime<Utc>>,
    /// When the bank revoked it as lost.
    pub(crate) lost_at: Option<DateTime<Utc>>,
}

pub(crate) use crate::rules::import::NewDevice;

/// A sealed secret as stored; its `Debug` shows nothing of it.
#[derive(Clone)]
struct SealedSecret(Vec<u8>);

impl std::fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<sealed>")
    }
}

/// The device's key with its secret opened (zeroized when dropped).
pub(crate) fn open_key(tx: &Tx<'_>, device: &DeviceRow) -> Result<DeviceKey> {
    let secret = if tx.version() < 2 {
        // Schema 1 kept secrets in plaintext until the upgrade seals them.
        zeroize::Zeroizing::new(device.sealed.0.clone())
    } else {
        tx.key()?
            .open(&device.serial, &device.sealed.0)
            .map_err(|_| {
                Error::Altered(crate::catalogue::Msg::SecretDoesNotOpen {
                    serial: device.serial.clone(),
                })
            })?
    };
    Ok(DeviceKey {
        secret,
        algorithm: device.algorithm,
        digits: device.digits,
        period: device.period,
    })
}

/// The replay guard (`last_step`) is deliberately not here: it is read
/// fresh, under the write lock, by `guard()`.
/// The count of holders comes last, from `holders_column`.
const DEVICE_COLUMNS: &str = "id, serial, secret, algorithm, digits, period, expires, \
     out_of_use_since, replaced_by, disposed_at";

/// `DEVICE_COLUMNS` of the devices table aliased `d`, for joins.
pub(super) const JOINED_DEVICE_COLUMNS: &str = "d.id, d.serial, d.secret, d.algorithm, d.digits, \
     d.period, d.expires, d.out_of_use_since, d.replaced_by, d.disposed_at";

/// The clock columns, `prefix`ed (`d.`), or their defaults on a registry
/// from before them (schema 3 or older, read as it is until upgraded).
pub(super) fn clock_columns(tx: &Tx<'_>, prefix: &str) -> String {
    if tx.version() >= 4 {
        format!(
            "{prefix}clock_offset, {prefix}failed_attempts, {prefix}locked_at IS NOT NULL, \
             {prefix}delivered_at, {prefix}lost_at"
        )
    } else {
        "0, 0, 0, NULL, NULL".to_string()
    }
}

/// The devices' count of holders, `prefix`ed (`d.`), or 0 on a registry
/// from before the count (schema 1 or 2, read as it is until upgraded).
pub(super) fn holders_column(tx: &Tx<'_>, prefix: &str) -> String {
    if tx.version() >= super::AUTHENTICATED_SCHEMA {
        format!("{prefix}holders")
    } else {
        "0".to_string()
    }
}

fn device_from_row(row: &Row<'_>) -> rusqlite::Result<DeviceRow> {
    device_from_columns(row, 0)
}

/// Reads the `DEVICE_COLUMNS` that start at column `at`; `None` when the
/// device id there is NULL (a LEFT JOIN that found no device).
pub(super) fn joined_device(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<DeviceRow>> {
    match row.get::<_, Option<i64>>(at)? {
        Some(_) => device_from_columns(row, at).map(Some),
        None => Ok(None),
    }
}

fn device_from_columns(row: &Row<'_>, at: usize) -> rusqlite::Result<DeviceRow> {
    let algorithm: String = row.get(at + 3)?;
    let expires: String = row.get(at + 6)?;
    let bad = |column: usize, what: &str, value: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("bad {what} {value:?} in registry").into(),
        )
    };
    Ok(DeviceRow {
        id: row.get(at)?,
        serial: row.get(at + 1)?,
        sealed: SealedSecret(row.get(at + 2)?),
        algorithm: algorithm
            .parse::<Algorithm>()
            .map_err(|_| bad(at + 3, "algorithm", &algorithm))?,
        digits: row.get(at + 4)?,
        period: row.get(at + 5)?,
        expires: crate::time::parse_ymd(&expires)
            .ok_or_else(|| bad(at + 6, "expiry date", &expires))?,
        out_of_use_since: super::instant_at(row, at + 7)?,
        replaced_by: row.get(at + 8)?,
        disposed_at: super::instant_at(row, at + 9)?,
        #[cfg(test)]
        holders: row.get(at + 10)?,
        clock_offset: row.get(at + 11)?,
        failed_attempts: row.get(at + 12)?,
        locked: row.get(at + 13)?,
        delivered_at: super::instant_at(row, at + 14)?,
        lost_at: super::instant_at(row, at + 15)?,
    })
}

pub(crate) fn find_device(conn: &Tx<'_>, serial: &str) -> Result<Option<DeviceRow>> {
    let device = conn
        .conn
        .prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS}, {}, {} FROM devices WHERE serial = ?1",
            holders_column(conn, ""),
            clock_columns(conn, "")
        ))?
        .query_row([serial], device_from_row)
        .optional()?;
    if let Some(device) = &device {
        conn.verify(&DEVICES, device.id)?;
    }
    Ok(device)
}

/// Binds a user being imported to the device `serial`: the device, read
/// whole and verified, counts one more holder, its new MAC made from the
/// values just read (an import binds a million devices: no second read).
/// Returns the device's id and whether it was disposed of (then nothing
/// is counted).
pub(crate) fn bind_device(conn: &Tx<'_>, serial: &str) -> Result<Option<(i64, bool)>> {
    let found = {
        static BY_SERIAL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = BY_SERIAL.get_or_init(|| DEVICES.select("WHERE serial = ?1"));
        let mut stmt = conn.conn.prepare_cached(sql)?;
        let mut rows = stmt.query([serial])?;
        match rows.next()? {
            None => None,
            Some(r) => {
                let n = DEVICES.columns.len();
                let mut values: Vec<ValueRef<'_>> = (0..n)
                    .map(|i| r.get_ref(i))
                    .collect::<rusqlite::Result<_>>()?;
                let stored = match r.get_ref(n)? {
                    ValueRef::Blob(b) => Some(b),
                    _ => None,
                };
                conn.verify_values(&DEVICES, &values, stored)?;
                let id = values[0].as_i64().unwrap_or(0);
                let disposed = !matches!(values[10], ValueRef::Null);
                let holders = values[11].as_i64().unwrap_or(0) + 1;
                values[11] = ValueRef::Integer(holders);
                let mac = if disposed {
                    None
                } else {
                    conn.mac_new_row(&DEVICES, &values)?
                };
                Some((id, disposed, holders, mac))
            }
        }
    };
    let Some((id, disposed, holders, mac)) = found else {
        return Ok(None);
    };
    if !disposed {
        conn.conn
            .prepare_cached("UPDATE devices SET holders = ?2, mac = ?3 WHERE id = ?1")?
            .execute(params![id, holders, mac.as_ref().map(|m| m.as_slice())])?;
    }
    Ok(Some((id, disposed)))
}

/// Inserts a device of a delivery, its secret sealed under the registry key.
pub(crate) fn insert_device(conn: &Tx<'_>, device: &NewDevice, now: DateTime<Utc>) -> Result<i64> {
    let sealed = conn.key()?.seal(&device.serial, &device.key.secret);
    let id = conn.next_id(&DEVICES)?;
    let expires = device.expires.to_string();
    insert_row(
        conn,
        &DEVICES,
        &[
            ValueRef::Integer(id),
            ValueRef::Text(device.serial.as_bytes()),
            ValueRef::Blob(&sealed),
            ValueRef::Text(device.key.algorithm.as_str().as_bytes()),
            ValueRef::Integer(i64::from(device.key.digits)),
            ValueRef::Integer(i64::from(device.key.period)),
            ValueRef::Text(expires.as_bytes()),
            ValueRef::Null,
            ValueRef::Null,
            ValueRef::Null,
            ValueRef::Null,
            ValueRef::Integer(0),
            ValueRef::Integer(0),
            ValueRef::Integer(0),
            ValueRef::Null,
            ValueRef::Integer(now.timestamp()),
            ValueRef::Null,
        ],
    )?;
    Ok(id)
}

/// Records the step of a code just accepted for the device and the clock
/// offset it teaches, and clears the device's failed resynchronisations,
/// unless a step as new or newer was recorded meanwhile (then returns
/// false: a replay).
pub(crate) fn accept_step(conn: &Tx<'_>, device_id: i64, step: u64, offset: i64) -> Result<bool> {
    let changed = conn
        .conn
        .prepare_cached(
            "UPDATE devices SET last_step = ?2, clock_offset = ?3, failed_attempts = 0 \
             WHERE id = ?1 AND (last_step IS NULL OR last_step < ?2)",
        )?
        .execute(params![device_id, step as i64, offset])?;
    if changed == 1 {
        conn.reseal(&DEVICES, device_id)?;
    }
    Ok(changed == 1)
}

/// What a verification reads of a device, fresh, under the write lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Guard {
    /// The last step accepted: the replay guard.
    pub(crate) last_step: Option<u64>,
    /// The learned clock offset, in steps.
    pub(crate) offset: i64,
    pub(crate) failed_attempts: u32,
    pub(crate) locked: bool,
}

/// The device's replay guard, clock offset and lock, read fresh and
/// verified.
pub(crate) fn guard(conn: &Tx<'_>, device_id: i64) -> Result<Guard> {
    conn.verify(&DEVICES, device_id)?;
    let sql = format!(
        "SELECT last_step, {} FROM devices WHERE id = ?1",
        clock_columns(conn, "")
    );
    Ok(conn
        .conn
        .prepare_cached(&sql)?
        .query_row([device_id], |r| {
            Ok(Guard {
                last_step: r.get::<_, Option<i64>>(0)?.map(|s| s as u64),
                offset: r.get(1)?,
                failed_attempts: r.get(2)?,
                locked: r.get(3)?,
            })
        })?)
}

/// Counts a failed resynchronisation of a device no one holds, locking it
/// when `lock` is set.
pub(crate) fn record_device_failure(
    conn: &Tx<'_>,
    device_id: i64,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<()> {
    conn.verify(&DEVICES, device_id)?;
    conn.conn.execute(
        "UPDATE devices SET failed_attempts = failed_attempts + 1, \
         locked_at = CASE WHEN ?2 THEN COALESCE(locked_at, ?3) ELSE locked_at END WHERE id = ?1",
        params![device_id, lock, now.timestamp()],
    )?;
    conn.reseal(&DEVICES, device_id)
}

/// Clears a device's failed resynchronisations and its lock.
pub(crate) fn reset_device_failures(conn: &Tx<'_>, device_id: i64) -> Result<()> {
    conn.verify(&DEVICES, device_id)?;
    let changed = conn.conn.execute(
        "UPDATE devices SET failed_attempts = 0, locked_at = NULL \
         WHERE id = ?1 AND (failed_attempts <> 0 OR locked_at IS NOT NULL)",
        [device_id],
    )?;
    if changed == 1 {
        conn.reseal(&DEVICES, device_id)?;
    }
    Ok(())
}

/// Records that the bank revoked the device as lost.
pub(crate) fn mark_lost(conn: &Tx<'_>, device_id: i64, at: DateTime<Utc>) -> Result<()> {
    conn.verify(&DEVICES, device_id)?;
    let changed = conn.conn.execute(
        "UPDATE devices SET lost_at = ?2 WHERE id = ?1 AND lost_at IS NULL",
        params![device_id, at.timestamp()],
    )?;
    if changed == 1 {
        conn.reseal(&DEVICES, device_id)?;
    }
    Ok(())
}

/// Marks `device_id` out of use since `now`, replaced by `replaced_by`,
/// unless it already is: the first replacement is the one that retired it.
/// Returns whether it was marked now.
pub(crate) fn mark_out_of_use(
    conn: &Tx<'_>,
    device_id: i64,
    replaced_by: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    conn.verify(&DEVICES, device_id)?;
    let changed = conn.conn.execute(
        "UPDATE devices SET out_of_use_since = ?2, replaced_by = ?3 \
         WHERE id = ?1 AND out_of_use_since IS NULL",
        params![device_id, now.timestamp(), replaced_by],
    )?;
    if changed == 1 {
        conn.reseal(&DEVICES, device_id)?;
    }
    Ok(changed == 1)
}

/// A device registered again is back in use.
pub(crate) fn clear_out_of_use(conn: &Tx<'_>, device_id: i64) -> Result<()> {
    conn.verify(&DEVICES, device_id)?;
    conn.conn.execute(
        "UPDATE devices SET out_of_use_since = NULL, replaced_by = NULL WHERE id = ?1",
        params![device_id],
    )?;
    conn.reseal(&DEVICES, device_id)
}

/// Records the disposal; refuses (returns false) if the device was
/// disposed of already or someone holds it in service (by its own count,
/// and by the users rows).
pub(crate) fn mark_disposed(conn: &Tx<'_>, device_id: i64, now: DateTime<Utc>) -> Result<bool> {
    conn.verify(&DEVICES, device_id)?;
    let changed = conn.conn.execute(
        "UPDATE devices SET disposed_at = ?2 WHERE id = ?1 AND disposed_at IS NULL \
         AND holders = 0 AND NOT EXISTS (SELECT 1 FROM users WHERE device_id = ?1)",
        params![device_id, now.timestamp()],
    )?;
    if changed == 1 {
        conn.reseal(&DEVICES, device_id)?;
    }
    Ok(changed == 1)
}

/// Devices with no holder in service that were either replaced or have
/// expired by `today`, not yet disposed: the candidates for a disposal note.
pub(crate) fn out_of_use_candidates(conn: &Tx<'_>, today: NaiveDate) -> Result<Vec<DeviceRow>> {
    let holders = holders_column(conn, "d.");
    let clock = clock_columns(conn, "d.");
    let lost = if conn.version() >= 4 {
        "AND d.lost_at IS NULL"
    } else {
        ""
    };
    let mut stmt = conn.conn.prepare(&format!(
        "SELECT {DEVICE_COLUMNS}, {holders}, {clock} FROM devices d \
         WHERE d.disposed_at IS NULL AND {holders} = 0 {lost} \
           AND (d.out_of_use_since IS NOT NULL OR d.expires < ?1) \
           AND NOT EXISTS (SELECT 1 FROM users u WHERE u.device_id = d.id) \
         ORDER BY d.serial"
    ))?;
    let rows = stmt
        .query_map([today.to_string()], device_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for device in &rows {
        conn.verify(&DEVICES, device.id)?;
    }
    Ok(rows)
}

/// Login IDs of everyone who ever registered `device_id`, oldest first.
pub(crate) fn former_users(conn: &Tx<'_>, device_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.conn.prepare_cached(
        "SELECT u.login_id FROM registrations r JOIN users u ON u.id = r.user_id \
         WHERE r.device_id = ?1 GROUP BY u.id ORDER BY min(r.id)",
    )?;
    let rows = stmt
        .query_map([device_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

pub(crate) fn serial_of(conn: &Tx<'_>, device_id: i64) -> Result<Option<String>> {
    Ok(conn
        .conn
        .prepare_cached("SELECT serial FROM devices WHERE id = ?1")?
        .query_row([device_id], |r| r.get(0))
        .optional()?)
}

/// How many devices in service (held by at least one user; a shared device
/// counts once) expire on each date up to `last_day`, earliest first: what
/// `expiring --summary` buckets by month.
pub(crate) fn in_service_by_expiry(
    conn: &Tx<'_>,
    last_day: NaiveDate,
) -> Result<Vec<(NaiveDate, u64)>> {
    let mut stmt = conn.conn.prepare_cached(
        "SELECT d.expires, count(*) FROM devices d \
         WHERE d.expires <= ?1 AND EXISTS (SELECT 1 FROM users u WHERE u.device_id = d.id) \
         GROUP BY d.expires ORDER BY d.expires",
    )?;
    let rows = stmt.query_map([last_day.to_string()], |r| {
        let expires: String = r.get(0)?;
        let date = crate::time::parse_ymd(&expires).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("bad expiry date {expires:?} in registry").into(),
            )
        })?;
        Ok((date, r.get::<_, i64>(1)?.unsigned_abs()))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Moves every device's replay guard past the step of `now`: after a
/// restore, no code a device showed before it (which a later copy of the
/// registry may have accepted) can be accepted again. Returns how many
/// guards moved.
pub(crate) fn advance_replay_guards(conn: &Tx<'_>, now: DateTime<Utc>) -> Result<usize> {
    let now = now.timestamp();
    // The step after the one the device's own clock shows now: a device
    // whose clock runs ahead showed steps beyond the real clock's.
    let next = if conn.version() >= 4 {
        "(?1 / period + clock_offset + 1)"
    } else {
        "(?1 / period + 1)"
    };
    let behind: Vec<i64> = conn
        .conn
        .prepare(&format!(
            "SELECT id FROM devices WHERE last_step IS NULL OR last_step < {next}"
        ))?
        .query_map([now], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &behind {
        conn.verify(&DEVICES, *id)?;
    }
    let moved: Vec<i64> = conn
        .conn
        .prepare(&format!(
            "UPDATE devices SET last_step = {next} \
                 WHERE last_step IS NULL OR last_step < {next} RETURNING id"
        ))?
        .query_map([now], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &moved {
        conn.reseal(&DEVICES, *id)?;
    }
    Ok(moved.len())
}

/// Counts one more (`delta` 1) or one fewer (-1) holder of `device_id`,
/// which must have been verified in this transaction.
pub(crate) fn add_holder(conn: &Tx<'_>, device_id: i64, delta: i64) -> Result<()> {
    let changed = conn
        .conn
        .prepare_cached(
            "UPDATE devices SET holders = holders + ?2 WHERE id = ?1 AND holders + ?2 >= 0",
        )?
        .execute(params![device_id, delta])?;
    if changed != 1 {
        return Err(Error::RaceLost);
    }
    conn.reseal(&DEVICES, device_id)
}

/// The device's own count of holders, verified.
pub(super) fn holder_count(conn: &Tx<'_>, device_id: i64) -> Result<Option<i64>> {
    conn.verify(&DEVICES, device_id)?;
    Ok(conn
        .conn
        .prepare_cached("SELECT holders FROM devices WHERE id = ?1")?
        .query_row([device_id], |r| r.get(0))
        .optional()?)
}

/// Verifies device `device_id`'s row (its MAC and its leaf) before a
/// decision rests on what was read of it.
pub(crate) fn verify_device(conn: &Tx<'_>, device_id: i64) -> Result<()> {
    conn.verify(&DEVICES, device_id)
}

/// One device as `devices` lists it: its row and what it takes from the
/// users and registrations tables.
#[derive(Debug, Clone)]
pub(crate) struct InventoryRow {
    pub(crate) id: i64,
    pub(crate) serial: String,
    pub(crate) expires: NaiveDate,
    pub(crate) holders: Vec<String>,
    pub(crate) ever_registered: bool,
    pub(crate) disposed: bool,
    pub(crate) lost: bool,
    pub(crate) clock_offset_seconds: i64,
    /// The start of the step of the last accepted code, on the real clock.
    pub(crate) last_used_at: Option<DateTime<Utc>>,
    pub(crate) delivered_at: Option<DateTime<Utc>>,
    /// Sealed secret and parameters, for `identify`.
    pub(crate) device: DeviceRow,
}

/// Every device (or the one of `serial`), by serial, with its holders, to
/// `each`, in one read: `devices` streams a million of them.
pub(crate) fn for_each_device(
    conn: &Tx<'_>,
    serial: Option<&str>,
    mut each: impl FnMut(InventoryRow) -> Result<()>,
) -> Result<()> {
    let last_step = if conn.version() >= 4 {
        "(d.last_step - d.clock_offset) * d.period"
    } else {
        "d.last_step * d.period"
    };
    let sql = format!(
        "SELECT {JOINED_DEVICE_COLUMNS}, {}, {}, \
           (SELECT group_concat(login_id, ' ') FROM \
              (SELECT u.login_id FROM users u WHERE u.device_id = d.id ORDER BY u.login_id)), \
           EXISTS (SELECT 1 FROM registrations r WHERE r.device_id = d.id), \
           {last_step} \
         FROM devices d {} ORDER BY d.serial",
        holders_column(conn, "d."),
        clock_columns(conn, "d."),
        if serial.is_some() {
            "WHERE d.serial = ?1"
        } else {
            ""
        }
    );
    let mut stmt = conn.conn.prepare(&sql)?;
    let params: Vec<&str> = serial.into_iter().collect();
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    while let Some(r) = rows.next()? {
        let device = device_from_columns(r, 0)?;
        let holders: Option<String> = r.get(16)?;
        let row = InventoryRow {
            id: device.id,
            serial: device.serial.clone(),
            expires: device.expires,
            holders: holders
                .map(|h| h.split(' ').map(str::to_string).collect())
                .unwrap_or_default(),
            ever_registered: r.get(17)?,
            disposed: device.disposed_at.is_some(),
            lost: device.lost_at.is_some(),
            clock_offset_seconds: device.clock_offset * i64::from(device.period),
            last_used_at: super::instant_at(r, 18)?,
            delivered_at: device.delivered_at,
            device,
        };
        each(row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::testing::{SECRET, TempRegistry, at, new_device};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// A registry with devices `serials`, all expiring on `expires`.
    fn with_devices(serials: &[&str], expires: &str) -> (TempRegistry, Vec<i64>) {
        let r = TempRegistry::new();
        let ids = r
            .open()
            .write(|tx| {
                serials
                    .iter()
                    .map(|s| insert_device(tx, &new_device(s, expires), at(0)))
                    .collect()
            })
            .unwrap();
        (r, ids)
    }

    /// `add_holder` after the verified read it relies on.
    fn counted(tx: &Tx<'_>, id: i64, delta: i64) -> Result<()> {
        holder_count(tx, id)?;
        add_holder(tx, id, delta)
    }

    #[test]
    fn a_row_not_verified_in_the_transaction_is_not_written() {
        let (r, ids) = with_devices(&["1001"], "2030-01-31");
        let mut store = r.open();
        let before = std::fs::read(&r.path).unwrap();
        assert!(matches!(
            store.write(|tx| accept_step(tx, ids[0], 10, 0)),
            Err(Error::Corrupt(
                crate::catalogue::Msg::WrittenUnverified { .. }
            ))
        ));
        assert!(matches!(
            store.write(|tx| add_holder(tx, ids[0], 1)),
            Err(Error::Corrupt(
                crate::catalogue::Msg::WrittenUnverified { .. }
            ))
        ));
        assert_eq!(std::fs::read(&r.path).unwrap(), before);
        assert_eq!(store.read(|tx| guard(tx, ids[0])).unwrap().last_step, None);
    }

    /// Device 1001 held by `kai` (registered), 1002 held by no one; both
    /// expiring on `expires`.
    fn with_holder(expires: &str) -> (TempRegistry, i64, i64) {
        let (r, ids) = with_devices(&["1001", "1002"], expires);
        r.open()
            .write(|tx| {
                bind_device(tx, "1001")?;
                let kai =
                    crate::store::testing::new_user("kai", crate::rules::status::Role::General);
                crate::store::users::insert_user(tx, &kai, Some(ids[0]), at(100))
            })
            .unwrap();
        (r, ids[0], ids[1])
    }

    /// Failed resynchronisations are counted, the lock taken when asked,
    /// and both cleared; each change re-MACs the row (it reads back
    /// verified).
    #[test]
    fn failures_are_counted_locked_and_cleared() {
        let (r, _, spare) = with_holder("2030-01-31");
        let mut store = r.open();
        let state = |store: &Store| {
            let g = store.read(|tx| guard(tx, spare)).unwrap();
            (g.failed_attempts, g.locked)
        };
        for lock in [false, false, true] {
            store
                .write(|tx| record_device_failure(tx, spare, at(1_000), lock))
                .unwrap();
        }
        assert_eq!(state(&store), (3, true));
        store.write(|tx| reset_device_failures(tx, spare)).unwrap();
        assert_eq!(state(&store), (0, false));
        store.write(|tx| reset_device_failures(tx, spare)).unwrap();
        assert_eq!(state(&store), (0, false));
    }

    /// A device revoked as lost is recorded once, and is no candidate for
    /// a disposal note (it is not in hand).
    #[test]
    fn a_lost_device_is_marked_once_and_not_a_disposal_candidate() {
        let (r, _, spare) = with_holder("2020-01-31");
        let mut store = r.open();
        let candidates = |store: &Store| -> Vec<String> {
            store
                .read(|tx| out_of_use_candidates(tx, date("2026-01-01")))
                .unwrap()
                .into_iter()
                .map(|d| d.serial)
                .collect()
        };
        assert_eq!(candidates(&store), ["1002"]);
        store.write(|tx| mark_lost(tx, spare, at(2_000))).unwrap();
        store.write(|tx| mark_lost(tx, spare, at(3_000))).unwrap();
        let device = store.read(|tx| find_device(tx, "1002")).unwrap().unwrap();
        assert_eq!(device.lost_at, Some(at(2_000)));
        assert_eq!(candidates(&store), Vec::<String>::new());
    }

    /// Who ever registered a device, how many devices in service expire on
    /// each day, and a row changed without the key refused.
    #[test]
    fn former_users_and_expiries_in_service_are_read() {
        let (r, held, spare) = with_holder("2030-01-31");
        let store = r.open();
        assert_eq!(store.read(|tx| former_users(tx, held)).unwrap(), ["kai"]);
        assert!(store.read(|tx| former_users(tx, spare)).unwrap().is_empty());
        assert_eq!(
            store
                .read(|tx| in_service_by_expiry(tx, date("2030-01-31")))
                .unwrap(),
            [(date("2030-01-31"), 1)]
        );
        assert!(
            store
                .read(|tx| in_service_by_expiry(tx, date("2030-01-30")))
                .unwrap()
                .is_empty()
        );
        store.read(|tx| verify_device(tx, spare)).unwrap();
        r.raw()
            .execute("UPDATE devices SET period = 60 WHERE id = ?1", [spare])
            .unwrap();
        assert!(matches!(
            store.read(|tx| verify_device(tx, spare)),
            Err(Error::Altered(_))
        ));
    }

    /// After a restore, every replay guard moves past the step the
    /// device's own clock shows now (its offset counted).
    #[test]
    fn replay_guards_move_past_the_devices_own_clock() {
        let (r, ids) = with_devices(&["1001", "1002"], "2030-01-31");
        let mut store = r.open();
        store
            .write(|tx| {
                guard(tx, ids[0])?;
                accept_step(tx, ids[0], 10, 2)
            })
            .unwrap();
        let now = at(30 * 1_000 + 7);
        assert_eq!(store.write(|tx| advance_replay_guards(tx, now)).unwrap(), 2);
        let steps = |store: &Store| {
            ids.iter()
                .map(|id| store.read(|tx| guard(tx, *id)).unwrap().last_step)
                .collect::<Vec<_>>()
        };
        assert_eq!(steps(&store), [Some(1_003), Some(1_001)]);
        assert_eq!(store.write(|tx| advance_replay_guards(tx, now)).unwrap(), 0);
    }

    /// `devices` rows: holders, registration, the clock offset in seconds
    /// and the last use on the real clock.
    #[test]
    fn the_inventory_row_carries_the_devices_clock() {
        let (r, held, _) = with_holder("2030-01-31");
        let mut store = r.open();
        store
            .write(|tx| {
                guard(tx, held)?;
                accept_step(tx, held, 100, -2)
            })
            .unwrap();
        let mut rows = Vec::new();
        store
            .read(|tx| {
                for_each_device(tx, None, |row| {
                    rows.push((
                        row.serial,
                        row.holders,
                        row.ever_registered,
                        row.clock_offset_seconds,
                        row.last_used_at,
                    ));
                    Ok(())
                })
            })
            .unwrap();
        assert_eq!(
            rows,
            [
                (
                    "1001".to_string(),
                    vec!["kai".to_string()],
                    true,
                    -60,
                    Some(at(102 * 30))
                ),
                ("1002".to_string(), vec![], false, 0, None),
            ]
        );
    }

    /// An older registry is read as it is: its devices' missing columns
    /// read as their defaults, and its sealed secrets open.
    #[test]
    fn an_older_registrys_devices_read_as_they_are() {
        let secret = crate::rules::otp::parse_secret("KRAVEUSPEBMG6RCMJRBUK3TCIRKTIQ2K").unwrap();
        for schema in [2, 3] {
            let (_dir, path, key) = crate::store::testing::fixture(schema);
            let store =
                Store::open(&path, crate::store::Access::ReadOnly, Some(&key), false).unwrap();
            let device = store
                .read(|tx| find_device(tx, "23456789"))
                .unwrap()
                .expect("the demo's device");
            assert_eq!(device.expires, date("2026-12-30"), "schema {schema}");
            assert_eq!((device.clock_offset, device.failed_attempts), (0, 0));
            assert!(!device.locked);
            let opened = store.read(|tx| open_key(tx, &device)).unwrap();
            assert_eq!(
                opened.secret.as_slice(),
                secret.as_slice(),
                "schema {schema}"
            );
        }
    }

    /// The clock columns are read back as written.
    #[test]
    fn a_devices_clock_is_read_back() {
        let (r, ids) = with_devices(&["1001"], "2030-01-31");
        let mut store = r.open();
        store
            .write(|tx| {
                guard(tx, ids[0])?;
                accept_step(tx, ids[0], 10, -2)
            })
            .unwrap();
        let device = store.read(|tx| find_device(tx, "1001")).unwrap().unwrap();
        assert_eq!(device.clock_offset, -2);
    }

    /// A value that does not convert is named with its column.
    #[test]
    fn a_bad_value_is_named_with_its_column() {
        let (r, _) = with_devices(&["1001"], "2030-01-31");
        for (sql, column) in [
            ("UPDATE devices SET algorithm = 'MD5'", 3),
            ("UPDATE devices SET expires = '2030-02-30'", 6),
        ] {
            let raw = r.raw();
            raw.execute_batch("PRAGMA ignore_check_constraints = ON")
                .unwrap();
            let before: (String, String) = raw
                .query_row("SELECT algorithm, expires FROM devices", [], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .unwrap();
            raw.execute_batch(sql).unwrap();
            let store =
                crate::store::Store::open(&r.path, crate::store::Access::ReadOnly, None, false)
                    .unwrap();
            match store.read(|tx| find_device(tx, "1001")) {
                Err(Error::Sqlite(rusqlite::Error::FromSqlConversionFailure(at, _, _))) => {
                    assert_eq!(at, column, "{sql}")
                }
                other => panic!("{sql}: {:?}", other.map(|_| ())),
            }
            raw.execute(
                "UPDATE devices SET algorithm = ?1, expires = ?2",
                [&before.0, &before.1],
            )
            .unwrap();
        }
    }

    /// An import binds a user to a device only after the device row it
    /// read verifies: an expiry moved without the key is refused, and
    /// nothing is counted.
    #[test]
    fn binding_refuses_a_device_changed_without_the_key() {
        let (r, ids) = with_devices(&["1001", "1002"], "2030-01-31");
        let mut store = r.open();
        assert_eq!(
            store.write(|tx| bind_device(tx, "1001")).unwrap(),
            Some((ids[0], false))
        );
        assert_eq!(store.write(|tx| bind_device(tx, "9999")).unwrap(), None);
        r.raw()
            .execute_batch("UPDATE devices SET expires = '2099-12-31' WHERE serial = '1002'")
            .unwrap();
        let before = std::fs::read(&r.path).unwrap();
        assert!(matches!(
            store.write(|tx| bind_device(tx, "1002")),
            Err(Error::Altered(crate::catalogue::Msg::RowAltered { .. }))
        ));
        assert_eq!(std::fs::read(&r.path).unwrap(), before);
    }

    #[test]
    fn a_device_round_trips_and_its_secret_opens_only_under_the_key() {
        let (r, ids) = with_devices(&["1001"], "2030-01-31");
        let store = r.open();
        let device = store
            .read(|tx| find_device(tx, "1001"))
            .unwrap()
            .expect("found");
        assert_eq!(device.id, ids[0]);
        assert_eq!(device.algorithm, Algorithm::Sha1);
        assert_eq!((device.digits, device.period), (6, 30));
        assert_eq!(device.expires, date("2030-01-31"));
        assert_eq!(
            (
                device.out_of_use_since,
                device.replaced_by,
                device.disposed_at
            ),
            (None, None, None)
        );
        assert_eq!(device.holders, 0);
        let key = store.read(|tx| open_key(tx, &device)).unwrap();
        assert_eq!(key.secret.as_slice(), SECRET);
        // Sealed at rest, and the Debug output shows nothing of it.
        let stored: Vec<u8> = r
            .raw()
            .query_row("SELECT secret FROM devices", [], |row| row.get(0))
            .unwrap();
        assert!(!stored.windows(SECRET.len()).any(|w| w == SECRET));
        assert!(format!("{device:?}").contains("<sealed>"));
        // Another registry's key does not open it.
        let other = TempRegistry::new();
        let result = other.open().read(|tx| open_key(tx, &device));
        assert!(
            matches!(result, Err(Error::Altered(_))),
            "{:?}",
            result.map(|_| ())
        );
        assert!(store.read(|tx| find_device(tx, "9999")).unwrap().is_none());
        assert_eq!(
            store.read(|tx| serial_of(tx, ids[0])).unwrap().as_deref(),
            Some("1001")
        );
    }

    #[test]
    fn a_device_row_changed_without_the_key_is_refused() {
        let (r, _) = with_devices(&["1001"], "2030-01-31");
        let store = r.open();
        r.raw()
            .execute_batch("UPDATE devices SET expires = '2099-12-31'")
            .unwrap();
        assert!(matches!(
            store.read(|tx| find_device(tx, "1001")),
            Err(Error::Altered(_))
        ));
    }

    #[test]
    fn the_replay_guard_only_moves_forward() {
        let (r, ids) = with_devices(&["1001"], "2030-01-31");
        let mut store = r.open();
        let id = ids[0];
        assert_eq!(store.read(|tx| guard(tx, id)).unwrap().last_step, None);
        // As the signed path does: the guard is read (and the row verified)
        // in the transaction that moves it.
        let accept = |store: &mut Store, step| {
            store
                .write(|tx| {
                    guard(tx, id)?;
                    accept_step(tx, id, step, 0)
                })
                .unwrap()
        };
        assert!(accept(&mut store, 10));
        assert!(!accept(&mut store, 10), "the same step again is a replay");
        assert!(!accept(&mut store, 9), "an older step is a replay");
        assert_eq!(store.read(|tx| guard(tx, id)).unwrap().last_step, Some(10));
        assert!(accept(&mut store, 11));
        assert_eq!(store.read(|tx| guard(tx, id)).unwrap().last_step, Some(11));
        // The guard is resealed with the row: it still verifies.
        assert!(store.read(|tx| find_device(tx, "1001")).unwrap().is_some());
    }

    #[test]
    fn a_restore_moves_every_guard_past_now() {
        let (r, ids) = with_devices(&["1001", "1002"], "2030-01-31");
        let mut store = r.open();
        store
            .write(|tx| {
                guard(tx, ids[1])?;
                accept_step(tx, ids[1], 1000, 0)
            })
            .unwrap();
        // At 300 s (step 10) both guards move to step 11 unless already past.
        assert_eq!(
            store
                .write(|tx| advance_replay_guards(tx, at(300)))
                .unwrap(),
            1
        );
        assert_eq!(
            store.read(|tx| guard(tx, ids[0])).unwrap().last_step,
            Some(11)
        );
        assert_eq!(
            store.read(|tx| guard(tx, ids[1])).unwrap().last_step,
            Some(1000)
        );
        assert_eq!(
            store
                .write(|tx| advance_replay_guards(tx, at(300)))
                .unwrap(),
            0
        );
    }

    #[test]
    fn the_holder_count_never_goes_below_zero() {
        let (r, ids) = with_devices(&["1001"], "2030-01-31");
        let mut store = r.open();
        let id = ids[0];
        assert!(matches!(
            store.write(|tx| counted(tx, id, -1)),
            Err(Error::RaceLost)
        ));
        store.write(|tx| counted(tx, id, 1)).unwrap();
        assert_eq!(store.read(|tx| holder_count(tx, id)).unwrap(), Some(1));
        store.write(|tx| counted(tx, id, -1)).unwrap();
        assert_eq!(store.read(|tx| holder_count(tx, id)).unwrap(), Some(0));
        // Binding a user counts a holder, and reports a disposed device.
        assert_eq!(
            store.write(|tx| bind_device(tx, "1001")).unwrap(),
            Some((id, false))
        );
        assert_eq!(store.read(|tx| holder_count(tx, id)).unwrap(), Some(1));
        assert_eq!(store.write(|tx| bind_device(tx, "9999")).unwrap(), None);
    }

    #[test]
    fn out_of_use_is_marked_once_and_disposal_needs_no_holder() {
        let (r, ids) = with_devices(&["1001", "1002"], "2030-01-31");
        let mut store = r.open();
        let (old, new) = (ids[0], ids[1]);
        store.write(|tx| counted(tx, old, 1)).unwrap();
        assert!(!store.write(|tx| mark_disposed(tx, old, at(50))).unwrap());
        store.write(|tx| counted(tx, old, -1)).unwrap();
        assert!(
            store
                .write(|tx| mark_out_of_use(tx, old, new, at(100)))
                .unwrap()
        );
        assert!(
            !store
                .write(|tx| mark_out_of_use(tx, old, old, at(200)))
                .unwrap(),
            "the first replacement retired it"
        );
        let today = date("2026-11-20");
        let candidates = store.read(|tx| out_of_use_candidates(tx, today)).unwrap();
        let serials: Vec<&str> = candidates.iter().map(|d| d.serial.as_str()).collect();
        assert_eq!(serials, ["1001"]);
        assert_eq!(candidates[0].out_of_use_since, Some(at(100)));
        assert_eq!(candidates[0].replaced_by, Some(new));
        // Expired devices are candidates too, from the day after expiry.
        let after_expiry = date("2030-02-01");
        let candidates = store
            .read(|tx| out_of_use_candidates(tx, after_expiry))
            .unwrap();
        assert_eq!(candidates.len(), 2);
        assert!(store.write(|tx| mark_disposed(tx, old, at(300))).unwrap());
        assert!(!store.write(|tx| mark_disposed(tx, old, at(400))).unwrap());
        let candidates = store.read(|tx| out_of_use_candidates(tx, today)).unwrap();
        assert!(candidates.is_empty());
        assert_eq!(
            store.write(|tx| bind_device(tx, "1001")).unwrap(),
            Some((old, true)),
            "a disposed device counts no holder"
        );
        store.write(|tx| clear_out_of_use(tx, old)).unwrap();
        let device = store.read(|tx| find_device(tx, "1001")).unwrap().unwrap();
        assert_eq!((device.out_of_use_since, device.replaced_by), (None, None));
        assert_eq!(device.disposed_at, Some(at(300)));
    }
}
