//! `check`: everything that can tell whether the registry was altered or
//! damaged, read without changing anything: SQLite's own checks, the
//! registry's invariants, every sealed secret, and the audit chain.

use std::collections::BTreeMap;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};

use super::audit::verify_chain;
use super::{Tx, auth, meta, tree};
use crate::catalogue::Msg;
use crate::error::Result;

/// One thing found wrong: its kind (`integrity`, `foreign-key`,
/// `invariant`, `row`, `secret`, `audit`, `mode`, `rollback`, `key`: a
/// fixed word scripts match on)
/// and what is wrong, which stderr shows in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub(crate) kind: &'static str,
    pub(crate) message: Msg,
}

/// The outcome of a check.
#[derive(Debug)]
pub(crate) struct CheckReport {
    pub(crate) audit_rows: u64,
    pub(crate) audit_head: Option<[u8; 32]>,
    pub(crate) findings: Vec<Finding>,
}

/// Reads one breach of an invariant from its query's row.
type Breach = fn(&Row<'_>) -> rusqlite::Result<Msg>;

/// An invariant: its query, what each row it returns says, and what it
/// cost at ten million users, in milliseconds (`Constraints` hands out the
/// costliest first).
type Invariant = (&'static str, Breach, u32);

/// What `PRAGMA foreign_key_check` cost at ten million users, in milliseconds.
const FOREIGN_KEYS_COST: u32 = 2_230;

/// The registry's invariants, as queries that return one row per breach,
/// and what each row says. A missing row is looked for with a `LEFT JOIN`
/// rather than `NOT EXISTS`: the same lookups, without a subquery run for
/// every row (in `check` at ten million users, 2.28 s -> 0.87 s for the
/// missing devices, 4.06 s -> 2.15 s for the missing registrations), in
/// the users' order, which their table is read in anyway.
const INVARIANTS: &[Invariant] = &[
    (
        "SELECT u.login_id, d.serial FROM users u JOIN devices d ON d.id = u.device_id \
         WHERE d.disposed_at IS NOT NULL",
        |r| {
            Ok(Msg::FindingHoldsDisposed {
                login_id: r.get(0)?,
                serial: r.get(1)?,
            })
        },
        860,
    ),
    (
        "SELECT u.login_id FROM users u LEFT JOIN devices d ON d.id = u.device_id \
         WHERE u.device_id IS NOT NULL AND d.id IS NULL ORDER BY u.id",
        |r| {
            Ok(Msg::FindingHoldsMissingDevice {
                login_id: r.get(0)?,
            })
        },
        870,
    ),
    (
        "SELECT login_id FROM users WHERE otp_required = 0 AND device_id IS NOT NULL",
        |r| {
            Ok(Msg::FindingNoOtpHoldsDevice {
                login_id: r.get(0)?,
            })
        },
        320,
    ),
    (
        "SELECT u.login_id, count(*) FROM registrations r JOIN users u ON u.id = r.user_id \
         WHERE r.revoked_at IS NULL GROUP BY r.user_id HAVING count(*) > 1",
        |r| {
            Ok(Msg::FindingOpenRegistrations {
                login_id: r.get(0)?,
                count: r.get(1)?,
            })
        },
        1_260,
    ),
    (
        "SELECT u.login_id FROM users u LEFT JOIN registrations r \
         ON r.user_id = u.id AND r.device_id = u.device_id AND r.revoked_at IS NULL \
         WHERE u.device_id IS NOT NULL AND r.id IS NULL ORDER BY u.id",
        |r| {
            Ok(Msg::FindingHoldsUnregistered {
                login_id: r.get(0)?,
            })
        },
        2_150,
    ),
    (
        "SELECT serial FROM devices \
         WHERE expires NOT GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' \
            OR date(expires) IS NOT expires",
        |r| Ok(Msg::FindingMalformedExpiry { serial: r.get(0)? }),
        1_680,
    ),
    (
        "SELECT login_id FROM users WHERE role NOT IN ('master', 'general')",
        |r| {
            Ok(Msg::FindingUnknownRole {
                login_id: r.get(0)?,
            })
        },
        600,
    ),
];

/// Invariants of the current schema's columns.
const INVARIANTS_V3: &[Invariant] = &[(
    "SELECT d.serial, d.holders, (SELECT count(*) FROM users u WHERE u.device_id = d.id) AS n \
         FROM devices d WHERE d.holders IS NOT n",
    |r| {
        Ok(Msg::FindingHoldersDiffer {
            serial: r.get(0)?,
            counted: r.get(1)?,
            found: r.get(2)?,
        })
    },
    3_020,
)];

/// Invariants of the clock columns (schema 4): a device locked only after
/// five failures, and no lost device held by anyone.
const INVARIANTS_V4: &[Invariant] = &[
    (
        "SELECT serial, failed_attempts FROM devices \
         WHERE locked_at IS NOT NULL AND failed_attempts < 5",
        |r| {
            Ok(Msg::FindingDeviceLockedEarly {
                serial: r.get(0)?,
                failures: r.get(1)?,
            })
        },
        460,
    ),
    (
        "SELECT serial FROM devices WHERE lost_at IS NOT NULL AND holders > 0",
        |r| Ok(Msg::FindingLostHeld { serial: r.get(0)? }),
        480,
    ),
];

/// How deeply SQLite checks its own structure; tokenctl's own checks are
/// the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Structure {
    /// `PRAGMA integrity_check`: also that every index matches its table
    /// (and UNIQUE constraints), which grows faster than the registry.
    Full,
    /// `PRAGMA quick_check` (`check --quick`): pages, B-tree order, NOT NULL
    /// and CHECK constraints, without the index-against-table comparison.
    Quick,
}

/// Runs every check on one snapshot. `expect_head`, when given, must be a
/// MAC the audit chain passed through. `found_at_open` are the problems the
/// open found in the marks or against the witness.
pub(crate) fn run(tx: &Tx<'_>, expect_head: Option<&[u8]>) -> Result<CheckReport> {
    run_with(tx, expect_head, Structure::Full)
}

/// `run`, with SQLite's structure checked as deeply as `structure` says.
pub(crate) fn run_with(
    tx: &Tx<'_>,
    expect_head: Option<&[u8]>,
    structure: Structure,
) -> Result<CheckReport> {
    let mut findings: Vec<Finding> = tx
        .store
        .open_findings()
        .iter()
        .map(|f| Finding {
            kind: f.kind,
            message: f.message.clone(),
        })
        .collect();
    let constraints = Constraints::new(tx.version());
    let (structure_found, mut constraints_found, own) = std::thread::scope(|scope| {
        let beside = tx.same_snapshot_reader().map(|reader| {
            let constraints = &constraints;
            scope.spawn(move || {
                let mut found = Vec::new();
                structure_checks(&reader, structure, &mut found);
                (found, constraints.take_from(&reader))
            })
        });
        let mut structure_found = Vec::new();
        if beside.is_none() {
            structure_checks(tx.conn, structure, &mut structure_found);
        }
        let own = own_checks(tx, expect_head);
        let mut constraints_found = constraints.take_from(tx.conn);
        if let Some(thread) = beside {
            let (found, taken) = thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            structure_found = found;
            constraints_found.extend(taken);
        }
        (structure_found, constraints_found, own)
    });
    findings.extend(structure_found);
    constraints_found.sort_by_key(|(at, _)| *at);
    findings.extend(constraints_found.into_iter().flat_map(|(_, found)| found));
    let mut own = own?;
    findings.append(&mut own.findings);
    own.findings = findings;
    Ok(own)
}

/// What only the key can check: the marks, every row's MAC and the state
/// tree, the secrets and the audit chain (and tables that are not ours).
fn own_checks(tx: &Tx<'_>, expect_head: Option<&[u8]>) -> Result<CheckReport> {
    let mut findings = Vec::new();
    unknown_tables(tx, &mut findings);
    if tx.version() >= super::AUTHENTICATED_SCHEMA {
        marks(tx, &mut findings)?;
    }
    if tx.store.key.is_none() {
        // Without a verified binding there is nothing to check MACs with;
        // what the open found says why.
        return Ok(CheckReport {
            audit_rows: 0,
            audit_head: None,
            findings,
        });
    }
    // The secrets are opened in the rows' pass when there is one (one read
    // of the devices table instead of two); their findings follow the rows'.
    let mut sealed = Vec::new();
    if tx.authenticated() {
        rows_and_tree(tx, &mut findings, &mut sealed)?;
    } else {
        secrets(tx, &mut sealed)?;
    }
    findings.append(&mut sealed);
    let key = tx.key()?;
    let chain = verify_chain(tx, key, expect_head)?;
    for message in chain.findings {
        findings.push(Finding {
            kind: "audit",
            message,
        });
    }
    if expect_head.is_some() && !chain.expected_head_seen {
        findings.push(Finding {
            kind: "audit",
            message: Msg::FindingHeadMissing,
        });
    }
    Ok(CheckReport {
        audit_rows: chain.rows,
        audit_head: chain.head,
        findings,
    })
}

/// SQLite's own structure: a damaged page or index shows here.
fn structure_checks(conn: &Connection, structure: Structure, findings: &mut Vec<Finding>) {
    let pragma = match structure {
        Structure::Full => "PRAGMA integrity_check",
        Structure::Quick => "PRAGMA quick_check",
    };
    let message = match conn.prepare(pragma).and_then(|mut s| {
        s.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(lines) => lines
            .into_iter()
            .filter(|l| l != "ok")
            .map(|detail| Msg::FindingIntegrity { detail })
            .collect(),
        Err(e) => vec![query_failed(&e)],
    };
    findings.extend(message.into_iter().map(|message| Finding {
        kind: "integrity",
        message,
    }));
}

fn query_failed(e: &rusqlite::Error) -> Msg {
    Msg::FindingQueryFailed {
        detail: e.to_string(),
    }
}

/// SQLite's foreign key check and the registry's invariants: queries that
/// need no key, each a unit of work either thread of `run_with` takes
/// when done with its own part (SQLite's structure check on one side,
/// the rows' MACs on the other), so that both finish at about the same
/// time. The costliest are handed out first, so that the last unit taken
/// is a short one (a unit of three seconds started last had one thread
/// finish that much after the other at ten million users). Their
/// findings are put back in the order of the report.
struct Constraints {
    invariants: Vec<&'static Invariant>,
    /// The units' places in the report, costliest first: 0 is the
    /// foreign key check, `i + 1` the invariant `i`.
    order: Vec<usize>,
    next: std::sync::atomic::AtomicUsize,
}

impl Constraints {
    fn new(version: u32) -> Constraints {
        let v3: &[Invariant] = if version >= 3 { INVARIANTS_V3 } else { &[] };
        let v4: &[Invariant] = if version >= 4 { INVARIANTS_V4 } else { &[] };
        let invariants: Vec<&Invariant> = INVARIANTS.iter().chain(v3).chain(v4).collect();
        let cost = |at: usize| match at.checked_sub(1) {
            None => FOREIGN_KEYS_COST,
            Some(i) => invariants[i].2,
        };
        let mut order: Vec<usize> = (0..=invariants.len()).collect();
        order.sort_by_key(|&at| std::cmp::Reverse(cost(at)));
        Constraints {
            invariants,
            order,
            next: Default::default(),
        }
    }

    /// Runs units not yet taken, on `conn`, until none is left: each
    /// one's findings with its place in the report.
    fn take_from(&self, conn: &Connection) -> Vec<(usize, Vec<Finding>)> {
        let mut done = Vec::new();
        loop {
            let taken = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&at) = self.order.get(taken) else {
                return done;
            };
            match at.checked_sub(1) {
                None => done.push((at, foreign_keys(conn))),
                Some(i) => done.push((at, invariant(conn, self.invariants[i]))),
            }
        }
    }
}

/// `PRAGMA foreign_key_check`. When the structure is damaged this and the
/// invariants may read garbage or fail; they report what they can.
fn foreign_keys(conn: &Connection) -> Vec<Finding> {
    let found = conn.prepare("PRAGMA foreign_key_check").and_then(|mut s| {
        s.query_map([], |r| {
            Ok(Msg::FindingForeignKey {
                table: r.get(0)?,
                row: r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                parent: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    });
    findings_of("foreign-key", found)
}

/// One invariant's breaches.
fn invariant(conn: &Connection, (sql, breach, _): &Invariant) -> Vec<Finding> {
    let found = conn.prepare(sql).and_then(|mut s| {
        s.query_map([], breach)?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    findings_of("invariant", found)
}

/// Each message a finding of `kind`, or the query's failure as one.
fn findings_of(kind: &'static str, found: rusqlite::Result<Vec<Msg>>) -> Vec<Finding> {
    let messages = found.unwrap_or_else(|e| vec![query_failed(&e)]);
    messages
        .into_iter()
        .map(|message| Finding { kind, message })
        .collect()
}

/// A table that is not tokenctl's was added to the file.
fn unknown_tables(tx: &Tx<'_>, findings: &mut Vec<Finding>) {
    let names = tx
        .conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap_or_default();
    for table in names {
        if !auth::KNOWN_TABLES.contains(&table.as_str()) {
            findings.push(Finding {
                kind: "row",
                message: Msg::FindingUnknownTable { table },
            });
        }
    }
}

/// Every mark present, known and verified. The finding's kind says what the
/// mark guards.
fn marks(tx: &Tx<'_>, findings: &mut Vec<Finding>) -> Result<()> {
    let Ok(key) = tx.key() else { return Ok(()) };
    let marks = meta::read_marks(tx.conn, tx.version())?;
    let kind_of = |name: &str| match name {
        meta::MODE => "mode",
        meta::STATE => "rollback",
        _ => "key",
    };
    for name in meta::MARKS {
        if marks.get(name).is_none() {
            findings.push(Finding {
                kind: kind_of(name),
                message: Msg::MarkMissing {
                    name: name.to_string(),
                },
            });
        }
    }
    for mark in marks.rows() {
        let name: String = mark.name.chars().take(40).collect();
        if !meta::MARKS.contains(&mark.name.as_str()) {
            findings.push(Finding {
                kind: "row",
                message: Msg::FindingRowInserted {
                    table: "meta".to_string(),
                    id: 0,
                    name: format!(" ({name})"),
                },
            });
            continue;
        }
        let expected = auth::mark_mac(key, &mark.name, &mark.value);
        if mark.mac.as_deref() != Some(expected.as_slice()) {
            findings.push(Finding {
                kind: kind_of(&mark.name),
                message: Msg::MarkAltered { name },
            });
        }
    }
    Ok(())
}

/// A device row's sealed secret (column `at`) opens with the key under its
/// serial (column 1); a finding in `sealed` when it does not.
fn open_secret(
    key: &crate::crypto::key::RegistryKey,
    values: &[ValueRef<'_>],
    at: usize,
    sealed: &mut Vec<Finding>,
) {
    let serial = match values.get(1) {
        Some(ValueRef::Text(t)) => String::from_utf8_lossy(t),
        _ => "".into(),
    };
    let secret = match values.get(at) {
        Some(ValueRef::Blob(b)) => *b,
        _ => &[],
    };
    if key.open(&serial, secret).is_err() {
        sealed.push(Finding {
            kind: "secret",
            message: Msg::FindingSecretDoesNotOpen {
                serial: serial.into_owned(),
            },
        });
    }
}

/// Every sealed secret opens with the key.
fn secrets(tx: &Tx<'_>, findings: &mut Vec<Finding>) -> Result<()> {
    if tx.version() < 2 {
        return Ok(());
    }
    let key = tx.key()?;
    let found = tx
        .conn
        .prepare("SELECT serial, secret FROM devices ORDER BY id")
        .and_then(|mut s| {
            let mut broken = Vec::new();
            let mut rows = s.query([])?;
            while let Some(r) = rows.next()? {
                let serial: String = r.get(0)?;
                let sealed: Vec<u8> = r.get(1)?;
                if key.open(&serial, &sealed).is_err() {
                    broken.push(Msg::FindingSecretDoesNotOpen { serial });
                }
            }
            Ok(broken)
        });
    match found {
        Ok(found) => found.into_iter().for_each(|message| {
            findings.push(Finding {
                kind: "secret",
                message,
            })
        }),
        Err(e) => findings.push(Finding {
            kind: "secret",
            message: query_failed(&e),
        }),
    }
    Ok(())
}

/// Every row's MAC, every row against its leaf (changed, inserted, deleted,
/// put back), and the tree against the state mark's root; and every
/// device's sealed secret (into `sealed`, as `secrets` does).
fn rows_and_tree(
    tx: &Tx<'_>,
    findings: &mut Vec<Finding>,
    sealed: &mut Vec<Finding>,
) -> Result<()> {
    let key = tx.key()?;
    // The nodes one level above the leaves: each table's leaves are folded
    // into them as soon as its rows are checked (a level-1 node never
    // spans two tables), instead of keeping every leaf to the end.
    let mut level_one: BTreeMap<u64, tree::Node> = BTreeMap::new();
    for table in auth::TABLES {
        let table = table.at_version(tx.version());
        let nodes = stored_leaf_nodes(tx, table)?;
        let mut seen = Seen::default();
        let secret_at = (table.code == auth::DEVICES.code)
            .then(|| table.columns.iter().position(|c| *c == "secret"))
            .flatten();
        let mut encoded = Vec::with_capacity(256);
        auth::for_each_row(tx, table, |id, values, stored| {
            if let Some(at) = secret_at {
                open_secret(key, values, at, sealed);
            }
            let pos = tree::position(table.code, id);
            seen.mark(pos);
            let leaf = nodes
                .get(&(pos >> 4))
                .map_or(tree::EMPTY, |n| tree::slot(n, pos));
            let computed = auth::row_mac_in(key, table, values, &mut encoded);
            let finding = if stored != Some(computed.as_slice()) {
                Some(("row", FoundRow::Altered))
            } else if leaf == tree::EMPTY {
                Some(("row", FoundRow::Inserted))
            } else if leaf != computed {
                Some(("rollback", FoundRow::RolledBack))
            } else {
                None
            };
            // Named only when found: most rows are not, and a name is an
            // allocation or two for every row of a large registry.
            if let Some((kind, found)) = finding {
                let message = found.message(table.name.to_string(), id, row_name(table, values));
                findings.push(Finding { kind, message });
            }
            Ok(())
        })?;
        for (index, node) in &nodes {
            let seen = seen.of(*index);
            for slot in 0..16u64 {
                let pos = (index << 4) + slot;
                if seen & (1 << slot) == 0 && tree::slot(node, pos) != tree::EMPTY {
                    findings.push(Finding {
                        kind: "row",
                        message: Msg::FindingRowDeleted {
                            table: table.name.to_string(),
                            id: (pos & 0xffff_ffff) as i64,
                        },
                    });
                }
            }
        }
        level_one.extend(parents_of(0, &nodes));
    }
    let stray = stray_leaf_nodes(tx)?;
    if stray > 0 {
        findings.push(Finding {
            kind: "rollback",
            message: Msg::FindingTreeStrayNodes { count: stray },
        });
    }
    if !tree_matches(tx, level_one)? {
        findings.push(Finding {
            kind: "rollback",
            message: Msg::FindingTreeAltered,
        });
    }
    Ok(())
}

/// The tree positions of the rows read, as a bit per slot of each leaf
/// node. Rows come in ID order, so the nodes come in order and each is
/// marked at the end of the list (a hash map of them took a tenth of
/// `check` at ten million users); a row out of that order is still placed.
#[derive(Default)]
struct Seen(Vec<(u64, u16)>);

impl Seen {
    fn mark(&mut self, pos: u64) {
        let (index, bit) = (pos >> 4, 1u16 << (pos & 15));
        match self.0.last_mut() {
            Some((last, bits)) if *last == index => *bits |= bit,
            Some((last, _)) if *last > index => {
                match self.0.binary_search_by_key(&index, |e| e.0) {
                    Ok(at) => self.0[at].1 |= bit,
                    Err(at) => self.0.insert(at, (index, bit)),
                }
            }
            _ => self.0.push((index, bit)),
        }
    }

    /// The slots marked in leaf node `index`.
    fn of(&self, index: u64) -> u16 {
        self.0
            .binary_search_by_key(&index, |e| e.0)
            .map_or(0, |at| self.0[at].1)
    }
}

/// What is wrong with a row whose MAC or leaf does not match.
#[derive(Debug, Clone, Copy)]
enum FoundRow {
    Altered,
    Inserted,
    RolledBack,
}

impl FoundRow {
    fn message(self, table: String, id: i64, name: String) -> Msg {
        match self {
            FoundRow::Altered => Msg::FindingRowAltered { table, id, name },
            FoundRow::Inserted => Msg::FindingRowInserted { table, id, name },
            FoundRow::RolledBack => Msg::FindingRowRolledBack { table, id, name },
        }
    }
}

/// " (login ID)" or " (serial)" for a finding about a user or a device.
fn row_name(table: &auth::Table, values: &[ValueRef<'_>]) -> String {
    if table.code == auth::REGISTRATIONS.code {
        return String::new();
    }
    match values.get(1) {
        Some(ValueRef::Text(t)) => {
            let text: String = String::from_utf8_lossy(t).chars().take(40).collect();
            format!(" ({})", crate::text::escape_controls(&text))
        }
        _ => String::new(),
    }
}

/// The level-0 nodes holding `table`'s leaves, by index.
fn stored_leaf_nodes(tx: &Tx<'_>, table: &auth::Table) -> Result<BTreeMap<u64, tree::Node>> {
    let (first, last) = tree::leaf_range(table.code);
    nodes_between(tx, first, last)
}

fn nodes_between(tx: &Tx<'_>, first: i64, last: i64) -> Result<BTreeMap<u64, tree::Node>> {
    let mut stmt = tx
        .conn
        .prepare("SELECT node, hashes FROM tree WHERE node BETWEEN ?1 AND ?2 ORDER BY node")?;
    let mut rows = stmt.query([first, last])?;
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (_, index) = tree::split_node_id(r.get(0)?);
        let blob: Vec<u8> = r.get(1)?;
        let mut node = [0u8; tree::NODE_BYTES];
        if blob.len() == tree::NODE_BYTES {
            node.copy_from_slice(&blob);
        }
        out.insert(index, node);
    }
    Ok(out)
}

/// Every node above the leaves, from `level_one` (computed from the stored
/// leaves) up: each must be stored as computed, and the top must hash to
/// the state mark's root.
fn tree_matches(tx: &Tx<'_>, level_one: BTreeMap<u64, tree::Node>) -> Result<bool> {
    let mut matches = true;
    let top = tree::LEVELS - 1;
    let mut level_nodes = level_one;
    for level in 1..=top {
        let (first, last) = tree::level_range(level);
        matches &= nodes_between(tx, first, last)? == level_nodes;
        if level < top {
            level_nodes = parents_of(level, &level_nodes);
        }
    }
    let top_node = level_nodes
        .get(&0)
        .copied()
        .unwrap_or([0; tree::NODE_BYTES]);
    let root = tree::node_hash(top, 0, &top_node);
    match meta::read_state(tx) {
        Ok(state) => Ok(matches && root == state.root),
        // The state mark's own finding says why.
        Err(_) => Ok(matches),
    }
}

/// The nodes of level `level + 1` computed from those of `level`.
fn parents_of(level: u32, nodes: &BTreeMap<u64, tree::Node>) -> BTreeMap<u64, tree::Node> {
    let mut parents: BTreeMap<u64, tree::Node> = BTreeMap::new();
    for (index, node) in nodes {
        let hash = tree::node_hash(level, *index, node);
        if hash == tree::EMPTY {
            continue;
        }
        let parent = parents.entry(index >> 4).or_insert([0; tree::NODE_BYTES]);
        let at = (*index as usize & 15) * tree::EMPTY.len();
        parent[at..at + tree::EMPTY.len()].copy_from_slice(&hash);
    }
    parents
}

/// Leaf nodes outside every table's range: no row can be placed there, so
/// such a node was put into the tree by hand (read by range, not scanned).
fn stray_leaf_nodes(tx: &Tx<'_>) -> Result<i64> {
    let mut ranges: Vec<(i64, i64)> = auth::TABLES
        .iter()
        .map(|t| tree::leaf_range(t.code))
        .collect();
    ranges.sort_unstable();
    let mut stmt = tx
        .conn
        .prepare_cached("SELECT count(*) FROM tree WHERE node BETWEEN ?1 AND ?2")?;
    let counts = gaps(tree::level_range(0), &ranges)
        .into_iter()
        .map(|(first, last)| stmt.query_row([first, last], |r| r.get::<_, i64>(0)));
    Ok(counts.sum::<rusqlite::Result<i64>>()?)
}

/// The parts of `whole` (inclusive bounds) outside `ranges` (sorted,
/// disjoint, inside `whole`), as inclusive ranges in order.
fn gaps(whole: (i64, i64), ranges: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut gaps = Vec::new();
    let mut next = whole.0;
    for &(first, last) in ranges {
        if first > next {
            gaps.push((next, first - 1));
        }
        next = last + 1;
    }
    if next <= whole.1 {
        gaps.push((next, whole.1));
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::rules::status::Role;
    use crate::store::audit::{Action, Outcome, record};
    use crate::store::devices::{bind_device, insert_device};
    use crate::store::testing::{TempRegistry, at, new_device, new_user};
    use crate::store::users::insert_user;
    use crate::store::{Access, Store};

    /// Slots marked in ID order and out of it land in their leaf node;
    /// a node never marked has no slot.
    #[test]
    fn seen_rows_are_marked_by_leaf_node_in_or_out_of_order() {
        let mut seen = Seen::default();
        for pos in [0x10, 0x11, 0x1f, 0x40, 0x05, 0x12, 0x30, 0x41] {
            seen.mark(pos);
        }
        assert_eq!(
            seen.0,
            [(0, 1 << 5), (1, 0b1000_0000_0000_0111), (3, 1), (4, 0b11)]
        );
        assert_eq!(seen.of(1), 0b1000_0000_0000_0111);
        assert_eq!(seen.of(2), 0);
        assert_eq!(seen.of(9), 0);
    }

    /// Every unit is handed out once, the costliest first, for every
    /// schema's set of invariants.
    #[test]
    fn constraints_are_handed_out_costliest_first_each_once() {
        for (version, units) in [(2, 8), (3, 9), (4, 11)] {
            let constraints = Constraints::new(version);
            let mut order = constraints.order.clone();
            let costs: Vec<u32> = order
                .iter()
                .map(|&at| match at {
                    0 => FOREIGN_KEYS_COST,
                    at => constraints.invariants[at - 1].2,
                })
                .collect();
            assert!(costs.is_sorted_by(|a, b| a >= b), "{costs:?}");
            order.sort_unstable();
            assert_eq!(order, (0..units).collect::<Vec<_>>(), "version {version}");
        }
        assert_eq!(
            Constraints::new(4).order[..2],
            [8, 0],
            "the holders counted, then the foreign keys"
        );
    }

    /// A registry with device 1001 held by `kai`, and an audit row.
    fn registry() -> TempRegistry {
        let r = TempRegistry::new();
        r.open()
            .write(|tx| {
                insert_device(tx, &new_device("1001", "2030-01-31"), at(0))?;
                let (device, _) = bind_device(tx, "1001")?.unwrap();
                insert_user(tx, &new_user("kai", Role::General), Some(device), at(100))?;
                record(
                    tx,
                    &Clock::fixed(chrono::DateTime::from_timestamp(100, 0).unwrap()),
                    "tester",
                    Action::ImportUsers,
                    &["kai".to_string()],
                    Outcome::Ok,
                    "1 user".into(),
                )
            })
            .unwrap();
        r
    }

    /// `check` as the command runs it: opened to inspect, on one snapshot.
    fn check(r: &TempRegistry, expect_head: Option<&[u8]>) -> CheckReport {
        let store: Store = r.open_as(Access::Inspect);
        store.read(|tx| run(tx, expect_head)).unwrap()
    }

    fn row(kind: &'static str, message: Msg) -> Finding {
        Finding { kind, message }
    }

    #[test]
    fn a_sound_registry_has_no_findings_and_reports_its_chain() {
        let r = registry();
        let report = check(&r, None);
        assert_eq!(report.findings, []);
        assert_eq!(report.audit_rows, 1);
        let head = report.audit_head.expect("a head");
        // The head it reports is one the chain passed through.
        let again = check(&r, Some(&head));
        assert_eq!(again.findings, []);
        let elsewhere = check(&r, Some(&[7u8; 32]));
        assert_eq!(elsewhere.findings, [row("audit", Msg::FindingHeadMissing)]);
    }

    #[test]
    fn a_changed_row_is_named_by_table_id_and_login() {
        let r = registry();
        r.raw()
            .execute_batch("UPDATE users SET name = 'Someone Else' WHERE login_id = 'kai'")
            .unwrap();
        assert_eq!(
            check(&r, None).findings,
            [row(
                "row",
                Msg::FindingRowAltered {
                    table: "users".into(),
                    id: 1,
                    name: " (kai)".into(),
                }
            )]
        );
    }

    /// The two invariants that look for a missing row: no breach while the
    /// rows are there, the holder once they are gone (and no other).
    #[test]
    fn a_holder_without_its_device_or_its_registration_is_found() {
        let r = registry();
        let raw = r.raw();
        let breaches = || -> Vec<Finding> {
            let all = INVARIANTS.iter().chain(INVARIANTS_V3).chain(INVARIANTS_V4);
            all.flat_map(|i| invariant(&raw, i)).collect()
        };
        assert_eq!(breaches(), []);
        raw.execute_batch(
            "PRAGMA foreign_keys = OFF; DELETE FROM registrations; DELETE FROM devices;",
        )
        .unwrap();
        let kai = || "kai".to_string();
        assert_eq!(
            breaches(),
            [
                row(
                    "invariant",
                    Msg::FindingHoldsMissingDevice { login_id: kai() }
                ),
                row(
                    "invariant",
                    Msg::FindingHoldsUnregistered { login_id: kai() }
                ),
            ]
        );
    }

    #[test]
    fn a_deleted_row_and_a_broken_invariant_are_both_found() {
        let r = registry();
        r.raw()
            .execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM registrations;")
            .unwrap();
        let findings = check(&r, None).findings;
        assert_eq!(
            findings,
            [
                row(
                    "invariant",
                    Msg::FindingHoldsUnregistered {
                        login_id: "kai".into()
                    }
                ),
                row(
                    "row",
                    Msg::FindingRowDeleted {
                        table: "registrations".into(),
                        id: 1,
                    }
                ),
            ]
        );
    }

    #[test]
    fn a_table_that_is_not_tokenctls_is_found() {
        let r = registry();
        r.raw().execute_batch("CREATE TABLE extra (x)").unwrap();
        assert_eq!(
            check(&r, None).findings,
            [row(
                "row",
                Msg::FindingUnknownTable {
                    table: "extra".into()
                }
            )]
        );
    }

    #[test]
    fn a_secret_that_does_not_open_is_found_with_its_row() {
        let r = registry();
        r.raw()
            .execute_batch("UPDATE devices SET secret = x'00112233'")
            .unwrap();
        let findings = check(&r, None).findings;
        assert_eq!(
            findings,
            [
                row(
                    "row",
                    Msg::FindingRowAltered {
                        table: "devices".into(),
                        id: 1,
                        name: " (1001)".into(),
                    }
                ),
                row(
                    "secret",
                    Msg::FindingSecretDoesNotOpen {
                        serial: "1001".into()
                    }
                ),
            ]
        );
    }

    /// Each mark is verified by `check` itself, and its finding's kind says
    /// what the mark guards.
    #[test]
    fn marks_missing_altered_or_unknown_are_found_by_what_they_guard() {
        let mark = |name: &str| name.to_string();
        for (sql, expected) in [
            (
                "DELETE FROM meta WHERE name = 'mode'",
                row("mode", Msg::MarkMissing { name: mark("mode") }),
            ),
            (
                "UPDATE meta SET value = 'live' WHERE name = 'mode'",
                row("mode", Msg::MarkAltered { name: mark("mode") }),
            ),
            (
                "UPDATE meta SET mac = zeroblob(32) WHERE name = 'state'",
                row(
                    "rollback",
                    Msg::MarkAltered {
                        name: mark("state"),
                    },
                ),
            ),
            (
                "DELETE FROM meta WHERE name = 'key_fingerprint'",
                row(
                    "key",
                    Msg::MarkMissing {
                        name: mark("key_fingerprint"),
                    },
                ),
            ),
            (
                "INSERT INTO meta (name, value) VALUES ('extra', 'x')",
                row(
                    "row",
                    Msg::FindingRowInserted {
                        table: "meta".into(),
                        id: 0,
                        name: " (extra)".into(),
                    },
                ),
            ),
        ] {
            let r = registry();
            r.raw().execute_batch(sql).unwrap();
            assert_eq!(check(&r, None).findings, [expected], "{sql}");
        }
    }

    /// A device's holder count is checked against the users holding it
    /// (and the count changed without the key breaks the row's MAC).
    #[test]
    fn holders_that_differ_from_the_holding_users_are_found() {
        let r = registry();
        r.raw()
            .execute_batch("UPDATE devices SET holders = 2")
            .unwrap();
        assert_eq!(
            check(&r, None).findings,
            [
                row(
                    "invariant",
                    Msg::FindingHoldersDiffer {
                        serial: "1001".into(),
                        counted: 2,
                        found: 1,
                    }
                ),
                row(
                    "row",
                    Msg::FindingRowAltered {
                        table: "devices".into(),
                        id: 1,
                        name: " (1001)".into(),
                    }
                ),
            ]
        );
    }

    /// A schema-2 registry, checked as it is: its secrets are opened too.
    #[test]
    fn the_secrets_of_a_schema_2_registry_are_checked() {
        let (_dir, path, key) = crate::store::testing::fixture(2);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(
                "UPDATE devices SET secret = x'00112233' WHERE id = (SELECT min(id) FROM devices)",
            )
            .unwrap();
        let store = Store::open(&path, Access::Inspect, Some(&key), false).unwrap();
        assert_eq!(
            store.read(|tx| run(tx, None)).unwrap().findings,
            [row(
                "secret",
                Msg::FindingSecretDoesNotOpen {
                    serial: "23456789".into()
                }
            )]
        );
    }

    #[test]
    fn the_gaps_between_ranges_are_what_no_range_covers() {
        let whole = (0, 100);
        assert_eq!(
            gaps(whole, &[(10, 19), (20, 29), (40, 49)]),
            [(0, 9), (30, 39), (50, 100)]
        );
        assert_eq!(gaps(whole, &[(0, 100)]), []);
        assert_eq!(gaps(whole, &[(0, 99)]), [(100, 100)]);
        assert_eq!(gaps(whole, &[(1, 100)]), [(0, 0)]);
        assert_eq!(gaps(whole, &[]), [(0, 100)]);
    }

    /// The tree above the rows is recomputed: a node changed or added at a
    /// level above the leaves is found as the tree altered; nodes put among
    /// the leaves outside every table's range are found and counted.
    #[test]
    fn a_tree_node_changed_or_added_is_found() {
        let level = |n: i64| n << 40;
        let altered = || vec![row("rollback", Msg::FindingTreeAltered)];
        let stray = |count| vec![row("rollback", Msg::FindingTreeStrayNodes { count })];
        for (sql, expected) in [
            (
                format!(
                    "UPDATE tree SET hashes = zeroblob(512) WHERE node = (SELECT min(node) FROM tree WHERE node >= {})",
                    level(1)
                ),
                altered(),
            ),
            (
                "UPDATE tree SET hashes = zeroblob(512) WHERE node = (SELECT max(node) FROM tree)"
                    .to_string(),
                altered(),
            ),
            (
                format!(
                    "INSERT INTO tree (node, hashes) VALUES ({}, randomblob(512))",
                    level(3) + 5
                ),
                altered(),
            ),
            (
                "INSERT INTO tree (node, hashes) VALUES (1, randomblob(512))".to_string(),
                stray(1),
            ),
            (
                format!(
                    "INSERT INTO tree (node, hashes) VALUES (0, randomblob(512)), ({}, randomblob(512))",
                    level(1) - 1
                ),
                stray(2),
            ),
            (
                format!(
                    "INSERT INTO tree (node, hashes) VALUES ({}, randomblob(512))",
                    level(1) - 1
                ),
                stray(1),
            ),
        ] {
            let r = registry();
            r.raw().execute_batch(&sql).unwrap();
            assert_eq!(check(&r, None).findings, expected, "{sql}");
        }
    }

    #[test]
    fn an_edited_audit_row_breaks_the_chain() {
        let r = registry();
        r.raw()
            .execute_batch(
                "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing' WHERE id = 1;",
            )
            .unwrap();
        assert_eq!(
            check(&r, None).findings,
            [row("audit", Msg::FindingAuditRowAltered { id: 1 })]
        );
    }
}
