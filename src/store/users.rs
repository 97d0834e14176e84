//! Users, their device in service, revocations and registrations, and the
//! failure counter behind the lockout.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};

use rusqlite::types::ValueRef;

use super::Tx;
use super::auth::{DEVICES, REGISTRATIONS, USERS, insert_row};
use super::devices::{DeviceRow, JOINED_DEVICE_COLUMNS, joined_device};
use crate::catalogue::Msg;
use crate::error::Result;
use crate::rules::status::{Role, Status};

#[derive(Clone)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) login_id: String,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) otp_required: bool,
    pub(crate) device: Option<DeviceRow>,
    pub(crate) registrable_at: Option<DateTime<Utc>>,
    pub(crate) password_hash: Option<String>,
    pub(crate) failed_attempts: u32,
    pub(crate) locked: bool,
}

impl std::fmt::Debug for UserRow {
    /// Never prints the password hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("login_id", &self.login_id)
            .field("role", &self.role)
            .field("otp_required", &self.otp_required)
            .field("device", &self.device)
            .field("registrable_at", &self.registrable_at)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "<redacted>"),
            )
            .field("failed_attempts", &self.failed_attempts)
            .field("locked", &self.locked)
            .finish()
    }
}

impl UserRow {
    pub(crate) fn status(&self) -> Status {
        Status::of(self.otp_required, self.device.is_some())
    }
}

pub(crate) use crate::rules::import::NewUser;

/// One row of `list`, as cheap to read as the query allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListRow {
    pub(crate) login_id: String,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) serial: Option<String>,
    pub(crate) status: Status,
    pub(crate) expires: Option<NaiveDate>,
    pub(crate) registrable_at: Option<DateTime<Utc>>,
    pub(crate) locked: bool,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct ListFilter {
    pub(crate) status: Option<Status>,
    pub(crate) role: Option<Role>,
    pub(crate) login_id: Option<String>,
    pub(crate) serial: Option<String>,
    /// Only users whose registrable-at instant is at or
    /// before this one (`list --waiting-over`; `rules::registration`
    /// computes it).
    pub(crate) registrable_at_most: Option<DateTime<Utc>>,
}

/// One revoked user waiting to register a new device, for `notices`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WaitingRow {
    pub(crate) login_id: String,
    pub(crate) name: String,
    /// The device of the user's latest registration: the revoked one.
    pub(crate) serial: String,
    pub(crate) registrable_at: DateTime<Utc>,
}

/// One in-service user and device of the expiring report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExpiringRow {
    pub(crate) login_id: String,
    pub(crate) name: String,
    pub(crate) device_id: i64,
    pub(crate) serial: String,
    pub(crate) expires: NaiveDate,
}

/// An expiry date as stored, `YYYY-MM-DD`; anything else is a damaged
/// registry.
pub(super) fn checked_date(text: &str, column: usize) -> rusqlite::Result<NaiveDate> {
    if let Some(date) = crate::time::parse_ymd(text) {
        return Ok(date);
    }
    Err(rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!(
            "bad expiry date {:?} in registry",
            text.chars().take(40).collect::<String>()
        )
        .into(),
    ))
}

/// A text column read in place, for a value parsed at once (a role, a
/// date): no `String` allocated and freed for each row of a listing. A
/// value that is not text (NULL included) fails as `Row::get::<String>`
/// fails.
fn text_at<'r>(row: &'r Row<'_>, column: usize) -> rusqlite::Result<&'r str> {
    let value = row.get_ref(column)?;
    value.as_str().map_err(|e| match e {
        rusqlite::types::FromSqlError::Utf8Error(e) => rusqlite::Error::Utf8Error(column, e),
        _ => rusqlite::Error::InvalidColumnType(
            column,
            row.as_ref()
                .column_name(column)
                .map_or_else(|_| String::new(), str::to_string),
            value.data_type(),
        ),
    })
}

/// A role as stored; anything else is a damaged registry, never a default.
fn role_of(text: &str, column: usize) -> rusqlite::Result<Role> {
    Role::parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!(
                "bad role {:?} in registry",
                text.chars().take(40).collect::<String>()
            )
            .into(),
        )
    })
}

/// A user and their device in service, read in one join rather than a
/// second lookup per user: bulk commands resolve thousands of users.
fn select_users(tx: &Tx<'_>, condition: &str) -> String {
    format!(
        "SELECT u.id, u.login_id, u.name, u.role, u.otp_required, u.registrable_at, \
         u.password_hash, u.failed_attempts, u.locked_at IS NOT NULL, {JOINED_DEVICE_COLUMNS}, {}, {} \
         FROM users u LEFT JOIN devices d ON d.id = u.device_id {condition}",
        super::devices::holders_column(tx, "d."),
        super::devices::clock_columns(tx, "d.")
    )
}

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        login_id: row.get(1)?,
        name: row.get(2)?,
        role: role_of(&row.get::<_, String>(3)?, 3)?,
        otp_required: row.get(4)?,
        registrable_at: super::instant_at(row, 5)?,
        password_hash: row.get(6)?,
        failed_attempts: row.get(7)?,
        locked: row.get(8)?,
        device: joined_device(row, 9)?,
    })
}

/// Verifies a user and their device in service before a decision rests on
/// them (nothing on a transaction that is not authenticated).
fn verified(tx: &Tx<'_>, user: UserRow) -> Result<UserRow> {
    tx.verify(&USERS, user.id)?;
    if let Some(device) = &user.device {
        tx.verify(&DEVICES, device.id)?;
    }
    Ok(user)
}

/// A user and their device in service, verified earlier in this transaction.
fn verified_before(tx: &Tx<'_>, user: UserRow) -> Result<UserRow> {
    tx.verified_before(&USERS, user.id)?;
    if let Some(device) = &user.device {
        tx.verified_before(&DEVICES, device.id)?;
    }
    Ok(user)
}

pub(crate) fn find_user(conn: &Tx<'_>, login_id: &str) -> Result<Option<UserRow>> {
    let mut stmt = conn
        .conn
        .prepare_cached(&select_users(conn, "WHERE u.login_id = ?1"))?;
    let user = stmt.query_row([login_id], user_from_row).optional()?;
    user.map(|u| verified(conn, u)).transpose()
}

/// The users holding `device_id` in service, by login ID, each verified.
pub(crate) fn holding(conn: &Tx<'_>, device_id: i64) -> Result<Vec<UserRow>> {
    let mut stmt = conn.conn.prepare_cached(&select_users(
        conn,
        "WHERE u.device_id = ?1 ORDER BY u.login_id",
    ))?;
    let rows = stmt
        .query_map([device_id], user_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|u| verified(conn, u)).collect()
}

/// Users whose device in service expires between `first_day` and
/// `last_day` (both included), in the order of the expiring report.
pub(crate) fn expiring_users(
    conn: &Tx<'_>,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Vec<UserRow>> {
    let mut users = Vec::new();
    for_each_expiring_user(conn, first_day, last_day, Reading::Verified, |user| {
        users.push(user);
        Ok(())
    })?;
    Ok(users)
}

/// How rows are read: verified, or read again unverified where the same
/// read transaction verified them already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Each row verified before it is handed on.
    Verified,
    /// Read a second time in the read transaction whose first reading
    /// verified them. Its snapshot does not change, so neither do they:
    /// each is only looked up among the rows this transaction verified
    /// (`Tx::verified_before`), where proving it again (a lookup and a
    /// proof each) would double the cost of a window's dry run in CSV.
    AgainInSnapshot,
}

/// `expiring_users` one at a time, so that a window of tens of thousands
/// of users need not be held.
pub(crate) fn for_each_expiring_user(
    conn: &Tx<'_>,
    first_day: NaiveDate,
    last_day: NaiveDate,
    reading: Reading,
    mut each: impl FnMut(UserRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.conn.prepare_cached(&select_users(
        conn,
        "WHERE d.expires >= ?1 AND d.expires <= ?2 ORDER BY d.expires, d.serial, u.login_id",
    ))?;
    let mut rows = stmt.query(params![first_day.to_string(), last_day.to_string()])?;
    while let Some(row) = rows.next()? {
        let user = user_from_row(row)?;
        each(match reading {
            Reading::Verified => verified(conn, user)?,
            Reading::AgainInSnapshot => verified_before(conn, user)?,
        })?;
    }
    Ok(())
}

pub(crate) fn insert_user(
    conn: &Tx<'_>,
    user: &NewUser,
    device_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let user_id = conn.next_id(&USERS)?;
    let optional = |v: Option<i64>| v.map_or(ValueRef::Null, ValueRef::Integer);
    insert_row(
        conn,
        &USERS,
        &[
            ValueRef::Integer(user_id),
            ValueRef::Text(user.login_id.as_bytes()),
            ValueRef::Text(user.name.as_bytes()),
            ValueRef::Text(user.role.as_str().as_bytes()),
            ValueRef::Integer(i64::from(user.otp_required)),
            optional(device_id),
            ValueRef::Null,
            ValueRef::Null,
            ValueRef::Integer(0),
            ValueRef::Null,
        ],
    )?;
    if let Some(device_id) = device_id {
        // The device counted its new holder when it was bound
        // (`devices::bind_device`).
        insert_registration(conn, user_id, device_id, now)?;
    }
    Ok(user_id)
}

/// A new, open registration of `device_id` by `user_id`.
fn insert_registration(
    conn: &Tx<'_>,
    user_id: i64,
    device_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = conn.next_id(&REGISTRATIONS)?;
    insert_row(
        conn,
        &REGISTRATIONS,
        &[
            ValueRef::Integer(id),
            ValueRef::Integer(user_id),
            ValueRef::Integer(device_id),
            ValueRef::Integer(now.timestamp()),
            ValueRef::Null,
            ValueRef::Null,
            ValueRef::Null,
            ValueRef::Null,
        ],
    )
}

/// Changes a user's name, role and `otp_required`; the device and the
/// history are left as they are (`rules::user_update` decides what may
/// change).
pub(crate) fn update_user(conn: &Tx<'_>, user_id: i64, user: &NewUser) -> Result<()> {
    conn.conn
        .prepare_cached("UPDATE users SET name = ?2, role = ?3, otp_required = ?4 WHERE id = ?1")?
        .execute(params![
            user_id,
            user.name,
            user.role.as_str(),
            user.otp_required
        ])?;
    conn.reseal(&USERS, user_id)
}

/// Streams the users matching `filter`, in registry order, to `each`.
pub(crate) fn for_each_listed(
    conn: &Tx<'_>,
    filter: &ListFilter,
    mut each: impl FnMut(ListRow) -> Result<()>,
) -> Result<()> {
    let mut sql = String::from(
        "SELECT u.login_id, u.name, u.role, u.otp_required, d.serial, d.expires, \
         u.registrable_at, u.locked_at IS NOT NULL \
         FROM users u LEFT JOIN devices d ON d.id = u.device_id WHERE 1 = 1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(status) = filter.status {
        let condition = status.condition();
        match condition.otp_required {
            Some(true) => sql.push_str(" AND u.otp_required = 1"),
            Some(false) => sql.push_str(" AND u.otp_required = 0"),
            None => {}
        }
        match condition.has_device {
            Some(true) => sql.push_str(" AND u.device_id IS NOT NULL"),
            Some(false) => sql.push_str(" AND u.device_id IS NULL"),
            None => {}
        }
    }
    if let Some(role) = filter.role {
        args.push(role.as_str().to_string().into());
        sql.push_str(&format!(" AND u.role = ?{}", args.len()));
    }
    if let Some(login_id) = &filter.login_id {
        args.push(login_id.clone().into());
        sql.push_str(&format!(" AND u.login_id = ?{}", args.len()));
    }
    if let Some(serial) = &filter.serial {
        args.push(serial.clone().into());
        sql.push_str(&format!(" AND d.serial = ?{}", args.len()));
    }
    if let Some(latest) = filter.registrable_at_most {
        args.push(latest.timestamp().into());
        sql.push_str(&format!(" AND u.registrable_at <= ?{}", args.len()));
    }
    sql.push_str(" ORDER BY u.id");
    let mut stmt = conn.conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        let serial: Option<String> = row.get(4)?;
        each(ListRow {
            login_id: row.get(0)?,
            name: row.get(1)?,
            role: role_of(text_at(row, 2)?, 2)?,
            status: Status::of(row.get(3)?, serial.is_some()),
            serial,
            expires: match row.get_ref(5)? {
                ValueRef::Null => None,
                _ => Some(checked_date(text_at(row, 5)?, 5)?),
            },
            registrable_at: super::instant_at(row, 6)?,
            locked: row.get(7)?,
        })?;
    }
    Ok(())
}

/// Streams the users waiting to register a new device, by login ID: users
/// of OTP with no device in service who held one before (a registration
/// row; a user who never had a device is not waiting for a new one), each
/// with the device of their latest registration and their registrable-at
/// instant.
pub(crate) fn for_each_waiting(
    conn: &Tx<'_>,
    mut each: impl FnMut(WaitingRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.conn.prepare_cached(
        "SELECT u.login_id, u.name, d.serial, COALESCE(u.registrable_at, r.registrable_at) \
         FROM users u \
         JOIN registrations r ON r.id = \
             (SELECT MAX(l.id) FROM registrations l WHERE l.user_id = u.id) \
         JOIN devices d ON d.id = r.device_id \
         WHERE u.otp_required = 1 AND u.device_id IS NULL \
           AND COALESCE(u.registrable_at, r.registrable_at) IS NOT NULL \
         ORDER BY u.login_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(WaitingRow {
            login_id: row.get(0)?,
            name: row.get(1)?,
            serial: row.get(2)?,
            registrable_at: super::required_instant_at(row, 3)?,
        })?;
    }
    Ok(())
}

/// Login IDs of the users whose device in service expired before `today`,
/// in the order of the expiring report: the ones only the bank can help.
pub(crate) fn expired_in_service(conn: &Tx<'_>, today: NaiveDate) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for_each_expired_in_service(conn, today, |id| {
        ids.push(id);
        std::ops::ControlFlow::Continue(())
    })?;
    Ok(ids)
}

/// `expired_in_service`, one login ID at a time, without holding them:
/// `each` may stop the reading early by returning `Break`.
///
/// Two plans give the same rows in the same order. With few expired
/// devices, each is looked up through the expiry index (SQLite's own
/// choice). With many, those lookups land on the devices table's pages in
/// no order and read most of them several times over (SQLite's 2 MiB cache
/// holds a small part of a large table): at 200k users with 16% expired,
/// 92k page reads for a 19k-page file. Reading the table once in order
/// then sorting what matched is 9.6k reads and about a third of the time.
pub(crate) fn for_each_expired_in_service(
    conn: &Tx<'_>,
    today: NaiveDate,
    each: impl FnMut(String) -> std::ops::ControlFlow<()>,
) -> Result<()> {
    let today = today.to_string();
    let plan = if many_expired(conn, &today)? {
        ExpiredPlan::ScanDevices
    } else {
        ExpiredPlan::LookUpEach
    };
    for_each_expired_by(conn, &today, plan, each)
}

/// How `for_each_expired_in_service` finds the expired devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExpiredPlan {
    /// Through the expiry index, one device at a time.
    LookUpEach,
    /// The devices table read once, in order, the matches sorted.
    ScanDevices,
}

fn for_each_expired_by(
    conn: &Tx<'_>,
    today: &str,
    plan: ExpiredPlan,
    mut each: impl FnMut(String) -> std::ops::ControlFlow<()>,
) -> Result<()> {
    let sql = match plan {
        ExpiredPlan::LookUpEach => {
            "SELECT u.login_id FROM devices d JOIN users u ON u.device_id = d.id \
             WHERE d.expires < ?1 ORDER BY d.expires, d.serial, u.login_id"
        }
        ExpiredPlan::ScanDevices => {
            "SELECT u.login_id FROM devices d NOT INDEXED CROSS JOIN users u \
             ON u.device_id = d.id \
             WHERE d.expires < ?1 ORDER BY d.expires, d.serial, u.login_id"
        }
    };
    let mut stmt = conn.conn.prepare_cached(sql)?;
    let mut rows = stmt.query([today])?;
    while let Some(row) = rows.next()? {
        if each(row.get(0)?).is_break() {
            break;
        }
    }
    Ok(())
}

/// One device in this many expired is where reading the whole devices
/// table in order costs about what looking each expired one up does: a
/// page holds some 30 devices, and a lookup that misses the cache reads a
/// page for one.
const SCAN_SHARE: i64 = 32;

/// Whether at least one device in `SCAN_SHARE` expired before `today`.
/// Counted in the expiry index and stopped at the threshold, so the
/// question costs at most a share of that index's pages; the highest ID
/// bounds the number of devices without counting them.
fn many_expired(conn: &Tx<'_>, today: &str) -> Result<bool> {
    let threshold = conn.conn.query_row(
        "SELECT coalesce(max(id), 0) / ?1 + 1 FROM devices",
        [SCAN_SHARE],
        |row| row.get::<_, i64>(0),
    )?;
    let counted = conn.conn.query_row(
        "SELECT count(*) FROM (SELECT 1 FROM devices WHERE expires < ?1 LIMIT ?2)",
        params![today, threshold],
        |row| row.get::<_, i64>(0),
    )?;
    Ok(counted >= threshold)
}

/// Streams what `expiring` returns. The order keeps each device's holders
/// next to each other.
pub(crate) fn for_each_expiring(
    conn: &Tx<'_>,
    first_day: Option<NaiveDate>,
    last_day: NaiveDate,
    mut each: impl FnMut(ExpiringRow) -> Result<()>,
) -> Result<()> {
    let first = first_day.map(|d| d.to_string()).unwrap_or_default();
    let mut stmt = conn.conn.prepare_cached(
        "SELECT u.login_id, u.name, d.id, d.serial, d.expires \
         FROM devices d JOIN users u ON u.device_id = d.id \
         WHERE d.expires >= ?1 AND d.expires <= ?2 \
         ORDER BY d.expires, d.serial, u.login_id",
    )?;
    let mut rows = stmt.query(params![first, last_day.to_string()])?;
    while let Some(row) = rows.next()? {
        each(ExpiringRow {
            login_id: row.get(0)?,
            name: row.get(1)?,
            device_id: row.get(2)?,
            serial: row.get(3)?,
            expires: checked_date(&row.get::<_, String>(4)?, 4)?,
        })?;
    }
    Ok(())
}

/// Login IDs of the users holding `device_id` in service.
pub(crate) fn holders(conn: &Tx<'_>, device_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .conn
        .prepare_cached("SELECT id, login_id FROM users WHERE device_id = ?1 ORDER BY login_id")?;
    let rows = stmt
        .query_map([device_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String)>>>()?;
    let names: Vec<String> = rows
        .into_iter()
        .map(|(id, login_id)| conn.verify(&USERS, id).map(|()| login_id))
        .collect::<Result<_>>()?;
    // The users rows could have been changed to leave the query; the
    // device's own count could not.
    if conn.authenticated()
        && let Some(count) = super::devices::holder_count(conn, device_id)?
        && count != names.len() as i64
    {
        return Err(super::auth::altered(Msg::HoldersDiffer {
            id: device_id,
            counted: count,
            found: names.len(),
        }));
    }
    Ok(names)
}

/// Users with a device in service, for the interactive selection.
pub(crate) fn in_service(conn: &Tx<'_>) -> Result<Vec<ListRow>> {
    let filter = ListFilter {
        status: Some(Status::Active),
        ..ListFilter::default()
    };
    let mut out = Vec::new();
    for_each_listed(conn, &filter, |row| {
        out.push(row);
        Ok(())
    })?;
    Ok(out)
}

/// The consecutive failure count and whether the login is locked, read
/// fresh inside the caller's transaction.
#[cfg(test)]
pub(crate) fn lock_state(conn: &Tx<'_>, user_id: i64) -> Result<(u32, bool)> {
    conn.verify(&USERS, user_id)?;
    Ok(conn
        .conn
        .prepare_cached("SELECT failed_attempts, locked_at IS NOT NULL FROM users WHERE id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Records a failed verification, locking the login when `lock` is set.
pub(crate) fn record_failure(
    conn: &Tx<'_>,
    user_id: i64,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<()> {
    conn.conn.execute(
        "UPDATE users SET failed_attempts = failed_attempts + 1, \
         locked_at = CASE WHEN ?2 THEN COALESCE(locked_at, ?3) ELSE locked_at END WHERE id = ?1",
        params![user_id, lock, now.timestamp()],
    )?;
    conn.reseal(&USERS, user_id)
}

pub(crate) fn reset_failures(conn: &Tx<'_>, user_id: i64) -> Result<()> {
    let changed = conn
        .conn
        .prepare_cached(
            "UPDATE users SET failed_attempts = 0, locked_at = NULL \
             WHERE id = ?1 AND (failed_attempts <> 0 OR locked_at IS NOT NULL)",
        )?
        .execute([user_id])?;
    if changed > 0 {
        conn.reseal(&USERS, user_id)?;
    }
    Ok(())
}

pub(crate) fn set_password_hash(conn: &Tx<'_>, user_id: i64, hash: &str) -> Result<()> {
    conn.conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        params![user_id, hash],
    )?;
    conn.reseal(&USERS, user_id)
}

/// Ends `user`'s registration of `device_id` and records when it may
/// register again. Refuses if the user no longer holds that device (another
/// process changed it since the checks), so the caller's transaction rolls back.
pub(crate) fn revoke(
    conn: &Tx<'_>,
    user_id: i64,
    device_id: i64,
    revoked_by: i64,
    now: DateTime<Utc>,
    registrable_at: DateTime<Utc>,
    bank_reference: Option<&str>,
) -> Result<()> {
    let changed = conn
        .conn
        .prepare_cached(
            "UPDATE users SET device_id = NULL, registrable_at = ?3 WHERE id = ?1 AND device_id = ?2",
        )?
        .execute(params![user_id, device_id, registrable_at.timestamp()])?;
    if changed != 1 {
        return Err(crate::error::Error::RaceLost);
    }
    conn.reseal(&USERS, user_id)?;
    super::devices::add_holder(conn, device_id, -1)?;
    // The open registrations are verified before they are changed.
    let open: Vec<i64> = conn
        .conn
        .prepare_cached("SELECT id FROM registrations WHERE user_id = ?1 AND revoked_at IS NULL")?
        .query_map([user_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &open {
        conn.verify(&REGISTRATIONS, *id)?;
    }
    let ended: Vec<i64> = conn
        .conn
        .prepare_cached(
            "UPDATE registrations SET revoked_at = ?2, revoked_by = ?3, registrable_at = ?4, \
             bank_reference = ?5 WHERE user_id = ?1 AND revoked_at IS NULL RETURNING id",
        )?
        .query_map(
            params![
                user_id,
                now.timestamp(),
                revoked_by,
                registrable_at.timestamp(),
                bank_reference
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    for id in ended {
        conn.reseal(&REGISTRATIONS, id)?;
    }
    Ok(())
}

/// The device of `user`'s latest registration, in service or not.
pub(crate) fn previous_device_id(conn: &Tx<'_>, user_id: i64) -> Result<Option<i64>> {
    let latest: Option<(i64, i64)> = conn
        .conn
        .prepare_cached(
            "SELECT id, device_id FROM registrations WHERE user_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match latest {
        Some((id, device_id)) => {
            conn.verify(&REGISTRATIONS, id)?;
            Ok(Some(device_id))
        }
        None => Ok(None),
    }
}

/// Registers `device_id` for a user without a device in service; refuses if
/// the user gained one meanwhile, so the caller's transaction rolls back.
pub(crate) fn register(
    conn: &Tx<'_>,
    user_id: i64,
    device_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let changed = conn.conn.execute(
        "UPDATE users SET device_id = ?2, registrable_at = NULL \
         WHERE id = ?1 AND device_id IS NULL AND otp_required = 1",
        params![user_id, device_id],
    )?;
    if changed != 1 {
        return Err(crate::error::Error::RaceLost);
    }
    conn.reseal(&USERS, user_id)?;
    super::devices::add_holder(conn, device_id, 1)?;
    insert_registration(conn, user_id, device_id, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::store::Store;
    use crate::store::devices::{find_device, insert_device};
    use crate::store::testing::{TempRegistry, at, new_device, new_user};

    /// A registry with master `boss`, holding device 1001 since time 100,
    /// and general `kai`, without a device.
    fn registry() -> (TempRegistry, Store, i64, i64, i64) {
        let r = TempRegistry::new();
        let mut store = r.open();
        let (boss, kai, device) = store
            .write(|tx| {
                insert_device(tx, &new_device("1001", "2030-01-31"), at(0))?;
                let (device, _) = crate::store::devices::bind_device(tx, "1001")?.unwrap();
                let boss = insert_user(tx, &new_user("boss", Role::Master), Some(device), at(100))?;
                let kai = insert_user(tx, &new_user("kai", Role::General), None, at(100))?;
                Ok((boss, kai, device))
            })
            .unwrap();
        (r, store, boss, kai, device)
    }

    fn user(store: &Store, login_id: &str) -> UserRow {
        store
            .read(|tx| find_user(tx, login_id))
            .unwrap()
            .expect("found")
    }

    #[test]
    fn a_user_round_trips_with_the_device_in_service() {
        let (_r, store, boss, kai, device) = registry();
        let b = user(&store, "boss");
        assert_eq!((b.id, b.login_id.as_str()), (boss, "boss"));
        assert_eq!(b.name, "User boss");
        assert_eq!(b.role, Role::Master);
        assert_eq!(b.device.as_ref().map(|d| d.id), Some(device));
        assert_eq!(b.status(), Status::Active);
        assert_eq!(
            (b.failed_attempts, b.locked, b.registrable_at),
            (0, false, None)
        );
        assert!(b.password_hash.is_none());
        let k = user(&store, "kai");
        assert_eq!(k.id, kai);
        assert!(k.device.is_none());
        assert!(store.read(|tx| find_user(tx, "nobody")).unwrap().is_none());
        assert_eq!(store.read(|tx| holders(tx, device)).unwrap(), ["boss"]);
        assert_eq!(
            store.read(|tx| previous_device_id(tx, boss)).unwrap(),
            Some(device)
        );
        assert_eq!(store.read(|tx| previous_device_id(tx, kai)).unwrap(), None);
        // The password hash is never shown.
        let mut with_hash = b.clone();
        with_hash.password_hash = Some("$argon2id$secret".into());
        assert!(!format!("{with_hash:?}").contains("secret"));
    }

    #[test]
    fn failures_count_until_the_lock_and_a_reset_clears_both() {
        let (_r, mut store, boss, _, _) = registry();
        store
            .write(|tx| {
                find_user(tx, "boss")?;
                record_failure(tx, boss, at(200), false)?;
                record_failure(tx, boss, at(210), true)?;
                // Locked once: a later failure keeps the first lock time.
                record_failure(tx, boss, at(220), true)
            })
            .unwrap();
        assert_eq!(store.read(|tx| lock_state(tx, boss)).unwrap(), (3, true));
        let b = user(&store, "boss");
        assert_eq!((b.failed_attempts, b.locked), (3, true));
        store
            .write(|tx| {
                find_user(tx, "boss")?;
                reset_failures(tx, boss)
            })
            .unwrap();
        assert_eq!(store.read(|tx| lock_state(tx, boss)).unwrap(), (0, false));
    }

    #[test]
    fn a_revocation_ends_the_registration_and_a_second_one_loses_the_race() {
        let (_r, mut store, boss, _, device) = registry();
        let revoke_boss = |store: &mut Store| {
            store.write(|tx| {
                find_user(tx, "boss")?;
                revoke(tx, boss, device, boss, at(300), at(2100), Some("BK-1"))
            })
        };
        revoke_boss(&mut store).unwrap();
        let b = user(&store, "boss");
        assert!(b.device.is_none());
        assert_eq!(b.registrable_at, Some(at(2100)));
        assert_eq!(b.status(), Status::Revoked);
        assert!(store.read(|tx| holders(tx, device)).unwrap().is_empty());
        let d = store.read(|tx| find_device(tx, "1001")).unwrap().unwrap();
        assert_eq!(d.holders, 0);
        // Another process revoked it first: nothing more is written.
        assert!(matches!(revoke_boss(&mut store), Err(Error::RaceLost)));
        assert_eq!(
            store.read(|tx| previous_device_id(tx, boss)).unwrap(),
            Some(device),
            "the latest registration, ended, still names the device"
        );
    }

    #[test]
    fn a_registration_needs_a_user_without_a_device_who_uses_otp() {
        let (_r, mut store, boss, kai, device) = registry();
        let register_as = |store: &mut Store, login_id: &str, id: i64| {
            store.write(|tx| {
                find_user(tx, login_id)?;
                find_device(tx, "1001")?;
                register(tx, id, device, at(400))
            })
        };
        register_as(&mut store, "kai", kai).unwrap();
        assert_eq!(
            store.read(|tx| holders(tx, device)).unwrap(),
            ["boss", "kai"],
            "a shared device"
        );
        assert_eq!(user(&store, "kai").status(), Status::Active);
        // Already holding one (another process registered it first).
        assert!(matches!(
            register_as(&mut store, "boss", boss),
            Err(Error::RaceLost)
        ));
        // A user who does not use one-time passwords cannot register.
        let mut no_otp = new_user("nootp", Role::General);
        no_otp.otp_required = false;
        let nootp = store
            .write(|tx| insert_user(tx, &no_otp, None, at(100)))
            .unwrap();
        assert_eq!(user(&store, "nootp").status(), Status::NotRequired);
        assert!(matches!(
            register_as(&mut store, "nootp", nootp),
            Err(Error::RaceLost)
        ));
        // An update changes the name and role, not the device.
        let mut renamed = new_user("kai", Role::Master);
        renamed.name = "Kai Renamed".into();
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                update_user(tx, kai, &renamed)
            })
            .unwrap();
        let k = user(&store, "kai");
        assert_eq!((k.name.as_str(), k.role), ("Kai Renamed", Role::Master));
        assert_eq!(k.device.map(|d| d.id), Some(device));
    }

    #[test]
    fn a_user_row_changed_without_the_key_is_refused() {
        let (r, store, _, _, _) = registry();
        r.raw()
            .execute_batch("UPDATE users SET role = 'master' WHERE login_id = 'kai'")
            .unwrap();
        assert!(matches!(
            store.read(|tx| find_user(tx, "kai")),
            Err(Error::Altered(_))
        ));
        assert!(store.read(|tx| find_user(tx, "boss")).is_ok());
    }

    #[test]
    fn the_holders_must_agree_with_the_devices_own_count() {
        let (r, store, _, kai, device) = registry();
        // kai's row is pointed at the device without it counting a holder:
        // the users row no longer verifies either, so the MAC is what tells
        // first.
        r.raw()
            .execute(
                "UPDATE users SET device_id = ?1 WHERE id = ?2",
                rusqlite::params![device, kai],
            )
            .unwrap();
        assert!(matches!(
            store.read(|tx| holders(tx, device)),
            Err(Error::Altered(_))
        ));
    }

    #[test]
    fn expiring_users_are_those_whose_device_expires_in_the_window() {
        let (_r, store, _, _, _) = registry();
        let day = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let within = |first: &str, last: &str| -> Vec<String> {
            store
                .read(|tx| expiring_users(tx, day(first), day(last)))
                .unwrap()
                .into_iter()
                .map(|u| u.login_id)
                .collect()
        };
        assert_eq!(within("2030-01-01", "2030-01-31"), ["boss"]);
        assert_eq!(within("2030-01-31", "2030-01-31"), ["boss"]);
        assert!(within("2030-02-01", "2030-12-31").is_empty());
        assert!(within("2029-01-01", "2030-01-30").is_empty());
    }

    #[test]
    fn a_window_read_again_in_its_snapshot_gives_the_same_users_in_order() {
        let (_r, store) = wider();
        let day = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let read = |tx: &Tx<'_>, reading| -> Result<Vec<String>> {
            let mut ids = Vec::new();
            for_each_expiring_user(tx, day("2029-01-01"), day("2030-12-31"), reading, |u| {
                ids.push(u.login_id);
                Ok(())
            })?;
            Ok(ids)
        };
        let (first, again) = store
            .read(|tx| {
                Ok((
                    read(tx, Reading::Verified)?,
                    read(tx, Reading::AgainInSnapshot)?,
                ))
            })
            .unwrap();
        assert_eq!(first, ["ann", "zed", "boss"]);
        assert_eq!(again, first);
        // Read again in a transaction that never verified them: refused.
        let unverified = store.read(|tx| read(tx, Reading::AgainInSnapshot));
        assert!(
            matches!(
                unverified,
                Err(Error::Corrupt(Msg::ReadUnverified { ref table, .. })) if table == "users"
            ),
            "{:?}",
            unverified.map_err(|e| e.to_string())
        );
    }

    /// The registry of `registry()`, and: `ann` and `zed` sharing device
    /// 1002 (expiring 2029-06-30), `kai` revoked from 1003 at 300 (may
    /// register from 2100), and `nootp`, who does not use OTP.
    fn wider() -> (TempRegistry, Store) {
        let (r, mut store, boss, kai, _) = registry();
        store
            .write(|tx| {
                insert_device(tx, &new_device("1002", "2029-06-30"), at(0))?;
                insert_device(tx, &new_device("1003", "2031-01-01"), at(0))?;
                for login_id in ["ann", "zed"] {
                    let (d2, _) = crate::store::devices::bind_device(tx, "1002")?.unwrap();
                    insert_user(tx, &new_user(login_id, Role::General), Some(d2), at(100))?;
                }
                let mut no_otp = new_user("nootp", Role::General);
                no_otp.otp_required = false;
                insert_user(tx, &no_otp, None, at(100))?;
                find_user(tx, "kai")?;
                let d3 = find_device(tx, "1003")?.unwrap().id;
                register(tx, kai, d3, at(250))?;
                revoke(tx, kai, d3, boss, at(300), at(2100), None)
            })
            .unwrap();
        (r, store)
    }

    fn listed(store: &Store, filter: ListFilter) -> Vec<ListRow> {
        let mut rows = Vec::new();
        store
            .read(|tx| {
                for_each_listed(tx, &filter, |row| {
                    rows.push(row);
                    Ok(())
                })
            })
            .unwrap();
        rows
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// A listed role or expiry that is not text is damage named with its
    /// column: bytes that are not UTF-8, or a blob.
    #[test]
    fn a_listed_value_that_is_not_text_is_named_with_its_column() {
        let (r, _store) = wider();
        let first_error = |sql: &str| {
            r.raw()
                .execute_batch(&format!("PRAGMA ignore_check_constraints = ON; {sql}"))
                .unwrap();
            let store = Store::open(&r.path, crate::store::Access::ReadOnly, None, false).unwrap();
            store
                .read(|tx| for_each_listed(tx, &ListFilter::default(), |_| Ok(())))
                .unwrap_err()
        };
        assert!(matches!(
            first_error("UPDATE users SET role = CAST(x'ff' AS TEXT) WHERE login_id = 'ann'"),
            Error::Sqlite(rusqlite::Error::Utf8Error(2, _))
        ));
        assert!(matches!(
            first_error("UPDATE users SET role = x'41' WHERE login_id = 'ann'"),
            Error::Sqlite(rusqlite::Error::InvalidColumnType(
                2,
                _,
                rusqlite::types::Type::Blob
            ))
        ));
    }

    /// `list`'s rows as a user of each status reads, and `in_service`'s:
    /// only users with a device in service, with the device's serial and
    /// expiry. `list` and the interactive selection show these.
    #[test]
    fn listed_rows_read_each_users_status_and_device() {
        let (_r, store) = wider();
        let row =
            |login_id: &str, role, serial: Option<&str>, status, expires: Option<&str>| ListRow {
                login_id: login_id.to_string(),
                name: format!("User {login_id}"),
                role,
                serial: serial.map(str::to_string),
                status,
                expires: expires.map(day),
                registrable_at: None,
                locked: false,
            };
        let boss = row(
            "boss",
            Role::Master,
            Some("1001"),
            Status::Active,
            Some("2030-01-31"),
        );
        let ann = row(
            "ann",
            Role::General,
            Some("1002"),
            Status::Active,
            Some("2029-06-30"),
        );
        let zed = row(
            "zed",
            Role::General,
            Some("1002"),
            Status::Active,
            Some("2029-06-30"),
        );
        let kai = ListRow {
            registrable_at: Some(at(2100)),
            ..row("kai", Role::General, None, Status::Revoked, None)
        };
        let nootp = row("nootp", Role::General, None, Status::NotRequired, None);
        assert_eq!(
            listed(&store, ListFilter::default()),
            [&boss, &kai, &ann, &zed, &nootp].map(Clone::clone)
        );
        assert_eq!(
            store.read(in_service).unwrap(),
            [&boss, &ann, &zed].map(Clone::clone)
        );
    }

    /// Each filter of `list` narrows the rows to the users it names, and
    /// filters together number their parameters in turn.
    #[test]
    fn each_list_filter_selects_its_users() {
        let (_r, store) = wider();
        let logins = |filter: ListFilter| -> Vec<String> {
            listed(&store, filter)
                .into_iter()
                .map(|row| row.login_id)
                .collect()
        };
        let status = |status| ListFilter {
            status: Some(status),
            ..ListFilter::default()
        };
        assert_eq!(logins(status(Status::Active)), ["boss", "ann", "zed"]);
        assert_eq!(logins(status(Status::Revoked)), ["kai"]);
        assert_eq!(logins(status(Status::NotRequired)), ["nootp"]);
        let general_on_1002 = ListFilter {
            role: Some(Role::General),
            serial: Some("1002".into()),
            ..ListFilter::default()
        };
        assert_eq!(logins(general_on_1002), ["ann", "zed"]);
        let master = ListFilter {
            role: Some(Role::Master),
            ..ListFilter::default()
        };
        assert_eq!(logins(master), ["boss"]);
        let zed_on_1002 = ListFilter {
            login_id: Some("zed".into()),
            serial: Some("1002".into()),
            ..ListFilter::default()
        };
        assert_eq!(logins(zed_on_1002), ["zed"]);
        let waiting_until = |secs| ListFilter {
            registrable_at_most: Some(at(secs)),
            ..ListFilter::default()
        };
        assert_eq!(logins(waiting_until(2100)), ["kai"]);
        assert!(logins(waiting_until(2099)).is_empty());
    }

    /// Only a revoked user who held a device before is waiting for a new
    /// one, named with that device (`notices`); a user who never had one,
    /// or does not use OTP, is not.
    #[test]
    fn the_waiting_are_revoked_users_with_their_last_device() {
        let (_r, store) = wider();
        let mut waiting = Vec::new();
        store
            .read(|tx| {
                for_each_waiting(tx, |row| {
                    waiting.push(row);
                    Ok(())
                })
            })
            .unwrap();
        assert_eq!(
            waiting,
            [WaitingRow {
                login_id: "kai".into(),
                name: "User kai".into(),
                serial: "1003".into(),
                registrable_at: at(2100),
            }]
        );
    }

    /// The users whose device in service expired before a day, in the
    /// expiring report's order (expiry, serial, login ID), and the reading
    /// stops where the caller says: the holders only the bank can help.
    #[test]
    fn expired_in_service_lists_holders_of_expired_devices_in_order() {
        let (_r, store) = wider();
        let expired = |today: &str| store.read(|tx| expired_in_service(tx, day(today))).unwrap();
        assert_eq!(expired("2029-06-30"), Vec::<String>::new());
        assert_eq!(expired("2029-07-01"), ["ann", "zed"]);
        assert_eq!(expired("2030-02-01"), ["ann", "zed", "boss"]);
        let mut first = Vec::new();
        store
            .read(|tx| {
                for_each_expired_in_service(tx, day("2030-02-01"), |id| {
                    first.push(id);
                    std::ops::ControlFlow::Break(())
                })
            })
            .unwrap();
        assert_eq!(first, ["ann"]);
    }

    /// Both ways of finding the expired devices give the same users in the
    /// same order, whichever day it is.
    #[test]
    fn both_plans_for_the_expired_give_the_same_users() {
        let (_r, store) = wider();
        let by = |today: &str, plan| {
            let mut ids = Vec::new();
            store
                .read(|tx| {
                    for_each_expired_by(tx, today, plan, |id| {
                        ids.push(id);
                        std::ops::ControlFlow::Continue(())
                    })
                })
                .unwrap();
            ids
        };
        for today in ["2029-06-30", "2029-07-01", "2030-02-01", "2032-01-01"] {
            let looked_up = by(today, ExpiredPlan::LookUpEach);
            assert_eq!(by(today, ExpiredPlan::ScanDevices), looked_up, "{today}");
        }
        assert_eq!(
            by("2032-01-01", ExpiredPlan::ScanDevices),
            ["ann", "zed", "boss"]
        );
    }

    /// The table is read whole from one expired device in 32 on: with 64
    /// devices, two expired are looked up and three are scanned for.
    #[test]
    fn the_devices_table_is_scanned_from_one_expired_in_thirty_two() {
        let r = TempRegistry::new();
        let mut store = r.open();
        store
            .write(|tx| {
                for n in 0..64 {
                    let expires = if n < 3 { "2020-01-01" } else { "2040-01-01" };
                    let expires = if n == 2 { "2020-01-02" } else { expires };
                    insert_device(tx, &new_device(&format!("{}", 5000 + n), expires), at(0))?;
                }
                Ok(())
            })
            .unwrap();
        let many = |today: &str| store.read(|tx| many_expired(tx, today)).unwrap();
        assert!(!many("2020-01-01"));
        assert!(!many("2020-01-02"));
        assert!(many("2020-01-03"));
        assert!(
            !TempRegistry::new()
                .open()
                .read(|tx| many_expired(tx, "2100-01-01"))
                .unwrap()
        );
    }

    /// The expiring report's rows: each in-service user and device expiring
    /// in the window (both days included; no first day reads from the
    /// start), holders of one device next to each other.
    #[test]
    fn the_expiring_report_reads_users_and_devices_in_the_window() {
        let (_r, store) = wider();
        let (d1, d2) = store
            .read(|tx| {
                Ok((
                    find_device(tx, "1001")?.unwrap().id,
                    find_device(tx, "1002")?.unwrap().id,
                ))
            })
            .unwrap();
        let expiring = |first: Option<&str>, last: &str| {
            let mut rows = Vec::new();
            store
                .read(|tx| {
                    for_each_expiring(tx, first.map(day), day(last), |row| {
                        rows.push(row);
                        Ok(())
                    })
                })
                .unwrap();
            rows
        };
        let row = |login_id: &str, device_id, serial: &str, expires| ExpiringRow {
            login_id: login_id.into(),
            name: format!("User {login_id}"),
            device_id,
            serial: serial.into(),
            expires: day(expires),
        };
        let ann = row("ann", d2, "1002", "2029-06-30");
        let zed = row("zed", d2, "1002", "2029-06-30");
        let boss = row("boss", d1, "1001", "2030-01-31");
        assert_eq!(
            expiring(None, "2030-01-31"),
            [ann.clone(), zed.clone(), boss.clone()]
        );
        assert_eq!(expiring(Some("2029-07-01"), "2030-01-31"), [boss]);
        assert_eq!(expiring(Some("2029-06-30"), "2029-06-30"), [ann, zed]);
        assert_eq!(expiring(Some("2031-01-01"), "2031-12-31"), []);
    }

    /// The users holding a device, by login ID, with that device: what a
    /// disposal or a bank revocation of the device acts on.
    #[test]
    fn holding_reads_every_holder_of_a_device() {
        let (_r, store) = wider();
        let holding_of = |serial: &str| -> Vec<(String, Option<String>)> {
            store
                .read(|tx| {
                    let device = find_device(tx, serial)?.unwrap();
                    holding(tx, device.id)
                })
                .unwrap()
                .into_iter()
                .map(|u| (u.login_id, u.device.map(|d| d.serial)))
                .collect()
        };
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            holding_of("1002"),
            [("ann".into(), some("1002")), ("zed".into(), some("1002"))]
        );
        assert_eq!(holding_of("1001"), [("boss".into(), some("1001"))]);
        assert_eq!(holding_of("1003"), []);
    }

    /// A password hash set is read back with the user (what `passwd`
    /// writes and the login checks).
    #[test]
    fn a_password_hash_is_read_back() {
        let (_r, mut store, _, kai, _) = registry();
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                set_password_hash(tx, kai, "$argon2id$v=19$hash")
            })
            .unwrap();
        assert_eq!(
            user(&store, "kai").password_hash.as_deref(),
            Some("$argon2id$v=19$hash")
        );
    }

    /// A user's debug form shows every field but the name and the password
    /// hash, which shows only that there is one (debug output ends up in
    /// logs).
    #[test]
    fn a_users_debug_form_redacts_the_password_hash() {
        let (_r, store, _, kai, _) = registry();
        let mut k = user(&store, "kai");
        k.password_hash = Some("$argon2id$secret".into());
        assert_eq!(
            format!("{k:?}"),
            format!(
                "UserRow {{ id: {kai}, login_id: \"kai\", role: General, otp_required: true, \
                 device: None, registrable_at: None, password_hash: Some(\"<redacted>\"), \
                 failed_attempts: 0, locked: false }}"
            )
        );
    }

    /// A reset of a user with no failures and no lock changes nothing, so
    /// the write commits nothing: the witness does not move (every login
    /// resets, and each would otherwise be a write).
    #[test]
    fn a_reset_with_nothing_to_reset_writes_nothing() {
        let (r, mut store, _, kai, _) = registry();
        let witness = || std::fs::read(super::super::witness::path_for(&r.key_path)).unwrap();
        let before = witness();
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                reset_failures(tx, kai)
            })
            .unwrap();
        assert_eq!(witness(), before);
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                record_failure(tx, kai, at(500), false)
            })
            .unwrap();
        let failed = witness();
        assert_ne!(failed, before);
        store
            .write(|tx| {
                find_user(tx, "kai")?;
                reset_failures(tx, kai)
            })
            .unwrap();
        assert_ne!(witness(), failed);
        assert_eq!(store.read(|tx| lock_state(tx, kai)).unwrap(), (0, false));
    }
}
