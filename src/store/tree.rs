//! The state tree: a sparse Merkle tree over every row's MAC, whose root the
//! registry's state mark carries (under a MAC) and the witness records.
//!
//! Why a tree. A row MAC proves that tokenctl wrote a row once; it cannot
//! prove that the row is the *latest* version tokenctl wrote. Someone who
//! can write the file could put back yesterday's copy of one row (a replay
//! guard from before a code was used, a failure count from before a
//! lockout), MAC and all. The tree makes "latest" checkable in a few reads:
//! each row's current MAC sits in a leaf; each node holds the hashes of its
//! 16 children; the root, authenticated, pins every leaf at once. A command
//! that bases a decision on a row checks the row's MAC, finds the same MAC
//! in its leaf, and hashes its way up to the root (nine small reads, fewer
//! once a node is verified in the same transaction). An old version of a row
//! has a MAC that is not in its leaf; a tree node changed to match it has a
//! hash its parent does not hold; and the root cannot be changed without
//! the key. A row deleted leaves a leaf with no row; a row inserted has no
//! leaf. `check` recomputes the whole tree from the rows and names each.
//!
//! Layout. A row's position is its table's code in the bits above 32 and
//! its rowid below. Level 0 nodes hold 16 leaves; a node at level `L` with
//! index `i` covers positions `i << 4(L+1)` onwards; the single node of
//! level 8 is the top, and its hash is the root. A node whose children are
//! all empty is absent and hashes to zero, so the tree stores only what
//! rows exist. Nodes are not MAC'd one by one: the root is.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::crypto::key::{ROW_MAC_LEN, RowMac};

/// Children per node, as a shift.
const FANOUT_BITS: u32 = 4;
const FANOUT: usize = 1 << FANOUT_BITS;
/// Levels 0 (leaves' nodes) to 8 (the top): positions have 36 bits.
pub(crate) const LEVELS: u32 = 9;
pub(crate) const NODE_BYTES: usize = FANOUT * ROW_MAC_LEN;
pub(crate) const EMPTY: RowMac = [0; ROW_MAC_LEN];

pub(crate) type Node = [u8; NODE_BYTES];

/// The position of row `rowid` of the table with code `table`.
pub(crate) fn position(table: u8, rowid: i64) -> u64 {
    // A sum of disjoint bits (an OR would do the same).
    (u64::from(table) << 32) + (rowid as u64 & 0xffff_ffff)
}

/// The largest rowid the tree can place.
pub(crate) const MAX_ROWID: i64 = 0xffff_ffff;

fn node_id(level: u32, index: u64) -> i64 {
    // A sum of disjoint bits: indexes are below 1 << 40.
    ((u64::from(level) << 40) + index) as i64
}

/// The first and last node ids of `level`, for range scans.
pub(crate) fn level_range(level: u32) -> (i64, i64) {
    (node_id(level, 0), node_id(level, (1 << 40) - 1))
}

/// The level-0 node ids that hold the leaves of table `table`.
pub(crate) fn leaf_range(table: u8) -> (i64, i64) {
    let first = position(table, 0) >> FANOUT_BITS;
    let last = position(table, MAX_ROWID) >> FANOUT_BITS;
    (node_id(0, first), node_id(0, last))
}

pub(crate) fn split_node_id(id: i64) -> (u32, u64) {
    let id = id as u64;
    ((id >> 40) as u32, id & ((1 << 40) - 1))
}

/// The hash of a node; zero for a node with no child.
pub(crate) fn node_hash(level: u32, index: u64, node: &Node) -> RowMac {
    if node.iter().all(|&b| b == 0) {
        return EMPTY;
    }
    let mut h = Sha256::new();
    h.update(b"tokenctl state tree v1\0");
    h.update([level as u8]);
    h.update(index.to_be_bytes());
    h.update(node);
    let full = h.finalize();
    let mut out = EMPTY;
    out.copy_from_slice(&full[..ROW_MAC_LEN]);
    out
}

pub(crate) fn slot(node: &Node, child: u64) -> RowMac {
    let at = (child as usize & (FANOUT - 1)) * ROW_MAC_LEN;
    node[at..at + ROW_MAC_LEN].try_into().expect("slot length")
}

fn set_slot(node: &mut Node, child: u64, value: &RowMac) {
    let at = (child as usize & (FANOUT - 1)) * ROW_MAC_LEN;
    node[at..at + ROW_MAC_LEN].copy_from_slice(value);
}

pub(crate) fn read_node(conn: &Connection, level: u32, index: u64) -> rusqlite::Result<Node> {
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hashes FROM tree WHERE node = ?1")?
        .query_row([node_id(level, index)], |r| r.get(0))
        .optional()?;
    let mut node = [0u8; NODE_BYTES];
    if let Some(blob) = blob
        && blob.len() == NODE_BYTES
    {
        node.copy_from_slice(&blob);
    }
    Ok(node)
}

fn write_node(conn: &Connection, level: u32, index: u64, node: &Node) -> rusqlite::Result<()> {
    let id = node_id(level, index);
    if node.iter().all(|&b| b == 0) {
        conn.prepare_cached("DELETE FROM tree WHERE node = ?1")?
            .execute([id])?;
    } else {
        conn.prepare_cached("INSERT OR REPLACE INTO tree (node, hashes) VALUES (?1, ?2)")?
            .execute(params![id, node.as_slice()])?;
    }
    Ok(())
}

/// Nodes proved to hang under the current root in this transaction, by
/// level and index: a path stops at the first of them, without reading it.
/// Only a shortcut: a node not in it is read and proved again.
pub(crate) type Proven = HashMap<(u32, u64), Node, super::auth::ByPosition>;

/// How many proved nodes a transaction keeps (2 MiB of nodes). Beyond it
/// they are forgotten and proved again from the root down as paths need
/// them: a dry run at ten million users verifies 72,000 rows, whose nodes
/// took 36 MB when all were kept.
const PROVEN_KEPT: usize = 4096;

/// Remembers the nodes of a path just proved, forgetting every node first
/// when that would keep more than `PROVEN_KEPT`.
fn remember(proven: &mut Proven, path: Vec<((u32, u64), Node)>) {
    if proven.len() + path.len() > PROVEN_KEPT {
        proven.clear();
    }
    proven.extend(path);
}

/// Writes changed leaves (`EMPTY` for a removed row) and every node above
/// them; returns the new root. With `under`, every node read on the way is
/// first proved to hang under that root (the current one): a node someone
/// changed to match a row they put back is refused (`PathBreak::Node`), not
/// folded into a new root that would bless it. Without it (the upgrade,
/// which builds the tree anew), nodes are taken as they are.
pub(crate) fn apply(
    conn: &Connection,
    leaves: &super::auth::Leaves,
    mut under: Option<(&RowMac, &mut Proven)>,
) -> rusqlite::Result<Result<RowMac, PathBreak>> {
    let mut changed: Vec<(u64, RowMac)> = leaves.iter().map(|(p, m)| (*p, *m)).collect();
    changed.sort_unstable_by_key(|(p, _)| *p);
    for level in 0..LEVELS {
        let mut parents: Vec<(u64, RowMac)> = Vec::new();
        let mut at = 0;
        while at < changed.len() {
            let index = changed[at].0 >> FANOUT_BITS;
            let mut node = read_node(conn, level, index)?;
            if level == 0
                && let Some((root, proven)) = under.as_mut()
            {
                let hash = node_hash(level, index, &node);
                if let Err(at) = verify_from(conn, 1, index, &hash, root, proven)? {
                    return Ok(Err(at.max(PathBreak::Node)));
                }
            }
            while at < changed.len() && changed[at].0 >> FANOUT_BITS == index {
                set_slot(&mut node, changed[at].0, &changed[at].1);
                at += 1;
            }
            write_node(conn, level, index, &node)?;
            parents.push((index, node_hash(level, index, &node)));
        }
        changed = parents;
    }
    if let Some((_, proven)) = under {
        // The nodes changed: nothing proved before holds any more.
        proven.clear();
    }
    Ok(Ok(root(conn)?))
}

/// The root as the stored nodes give it.
pub(crate) fn root(conn: &Connection) -> rusqlite::Result<RowMac> {
    let top = LEVELS - 1;
    Ok(node_hash(top, 0, &read_node(conn, top, 0)?))
}

/// Where a path from a leaf to the root broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PathBreak {
    /// The leaf holds another MAC: the row is not the version tokenctl last
    /// wrote (put back, or its leaf changed).
    Leaf,
    /// A node above the leaf does not hash to what its parent holds, or the
    /// top does not hash to the root.
    Node,
}

/// Checks that `leaf` is the value at `pos` under `root`. `proven` holds
/// nodes already proved under the same root in this transaction.
pub(crate) fn verify_path(
    conn: &Connection,
    pos: u64,
    leaf: &RowMac,
    root: &RowMac,
    proven: &mut Proven,
) -> rusqlite::Result<Result<(), PathBreak>> {
    verify_from(conn, 0, pos, leaf, root, proven)
}

/// Checks that `value` is child `child` of its node at `level`, and so on
/// up to `root`; remembers the nodes it proved.
fn verify_from(
    conn: &Connection,
    level: u32,
    child: u64,
    value: &RowMac,
    root: &RowMac,
    proven: &mut Proven,
) -> rusqlite::Result<Result<(), PathBreak>> {
    let (mut child, mut value) = (child, *value);
    let mut path = Vec::with_capacity(LEVELS as usize);
    for level in level..LEVELS {
        let index = child >> FANOUT_BITS;
        let known = proven.get(&(level, index)).copied();
        let node = match known {
            Some(node) => node,
            None => read_node(conn, level, index)?,
        };
        if slot(&node, child) != value {
            let at = if level == 0 {
                PathBreak::Leaf
            } else {
                PathBreak::Node
            };
            return Ok(Err(at));
        }
        if known.is_some() {
            remember(proven, path);
            return Ok(Ok(()));
        }
        path.push(((level, index), node));
        child = index;
        value = node_hash(level, index, &node);
    }
    if value != *root {
        return Ok(Err(PathBreak::Node));
    }
    remember(proven, path);
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Proved nodes are kept up to `PROVEN_KEPT`; a path that would go
    /// past it starts the cache again with only its own nodes.
    #[test]
    fn proved_nodes_are_forgotten_past_the_bound() {
        let mut proven = Proven::default();
        let path = |from: u64, n: u64| {
            (from..from + n)
                .map(|i| ((0, i), [0; NODE_BYTES]))
                .collect()
        };
        remember(&mut proven, path(0, PROVEN_KEPT as u64 - 2));
        remember(&mut proven, path(10_000, 2));
        assert_eq!(proven.len(), PROVEN_KEPT);
        remember(&mut proven, path(20_000, 3));
        assert_eq!(proven.len(), 3);
        assert!(proven.contains_key(&(0, 20_002)));
    }

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE tree (node INTEGER PRIMARY KEY, hashes BLOB NOT NULL)")
            .unwrap();
        conn
    }

    fn leaves_of<const N: usize>(pairs: [(u64, RowMac); N]) -> super::super::auth::Leaves {
        pairs.into_iter().collect()
    }

    fn leaf(byte: u8) -> RowMac {
        [byte; ROW_MAC_LEN]
    }

    #[test]
    fn an_empty_tree_has_the_zero_root_and_stores_nothing() {
        let c = conn();
        assert_eq!(root(&c).unwrap(), EMPTY);
        let root = apply(&c, &leaves_of([(position(1, 5), EMPTY)]), None)
            .unwrap()
            .unwrap();
        assert_eq!(root, EMPTY);
        let count: i64 = c
            .query_row("SELECT count(*) FROM tree", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn every_leaf_verifies_and_an_old_or_foreign_value_does_not() {
        let c = conn();
        let mut leaves = super::super::auth::Leaves::default();
        for (table, rowid) in [(1, 1), (1, 2), (1, 17), (2, 1), (3, MAX_ROWID)] {
            leaves.insert(position(table, rowid), leaf(rowid as u8 ^ table));
        }
        let root = apply(&c, &leaves, None).unwrap().unwrap();
        assert_ne!(root, EMPTY);
        assert_eq!(super::root(&c).unwrap(), root);
        let mut verified = Proven::default();
        for (pos, value) in &leaves {
            assert_eq!(
                verify_path(&c, *pos, value, &root, &mut verified).unwrap(),
                Ok(())
            );
            assert_eq!(
                verify_path(&c, *pos, &leaf(0xee), &root, &mut Proven::default()).unwrap(),
                Err(PathBreak::Leaf)
            );
        }
        // Changing one leaf changes the root; the old root no longer
        // verifies the new value, nor the new root the old one.
        let old_root = root;
        let pos = position(1, 2);
        let new_root = apply(&c, &leaves_of([(pos, leaf(0x42))]), None)
            .unwrap()
            .unwrap();
        assert_ne!(new_root, old_root);
        let mut none = Proven::default();
        assert_eq!(
            verify_path(&c, pos, &leaf(0x42), &old_root, &mut none).unwrap(),
            Err(PathBreak::Node)
        );
        assert_eq!(
            verify_path(&c, pos, &leaves[&pos], &new_root, &mut none).unwrap(),
            Err(PathBreak::Leaf)
        );
    }

    #[test]
    fn a_node_changed_to_match_an_old_leaf_breaks_above_it() {
        let c = conn();
        let pos = position(2, 3);
        apply(&c, &leaves_of([(pos, leaf(1))]), None)
            .unwrap()
            .unwrap();
        let (old_node, old_root) = (read_node(&c, 0, pos >> 4).unwrap(), root(&c).unwrap());
        let new_root = apply(&c, &leaves_of([(pos, leaf(2))]), None)
            .unwrap()
            .unwrap();
        assert_ne!(old_root, new_root);
        // Put the old leaf node back (what someone without the key can do).
        write_node(&c, 0, pos >> 4, &old_node).unwrap();
        assert_eq!(
            verify_path(&c, pos, &leaf(1), &new_root, &mut Proven::default()).unwrap(),
            Err(PathBreak::Node)
        );
        // A write to another leaf of the same node does not bless it.
        let neighbour = leaves_of([(pos + 1, leaf(3))]);
        assert_eq!(
            apply(&c, &neighbour, Some((&new_root, &mut Proven::default()))).unwrap(),
            Err(PathBreak::Node)
        );
    }

    #[test]
    fn removing_every_leaf_empties_the_tree() {
        let c = conn();
        let leaves: super::super::auth::Leaves =
            (1..100).map(|r| (position(1, r), leaf(r as u8))).collect();
        apply(&c, &leaves, None).unwrap().unwrap();
        let gone: super::super::auth::Leaves = leaves.keys().map(|p| (*p, EMPTY)).collect();
        assert_eq!(apply(&c, &gone, None).unwrap().unwrap(), EMPTY);
        let count: i64 = c
            .query_row("SELECT count(*) FROM tree", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 0);
    }

    /// Where each row and node sits is part of the file format: node ids
    /// are the `tree` table's keys and positions pick the leaf, in every
    /// registry already written. A row's position is its table's code
    /// above bit 32 and its rowid (32 bits) below; a node's id is its
    /// level above bit 40 and its index below.
    #[test]
    fn positions_and_node_ids_keep_the_registrys_layout() {
        assert_eq!(position(1, 5), 0x1_0000_0005);
        assert_eq!(position(3, MAX_ROWID), 0x3_FFFF_FFFF);
        assert_eq!(position(2, 0), 0x2_0000_0000);
        assert_eq!(position(0, 0x1_0000_0007), 7, "only 32 bits of rowid");
        assert_eq!(node_id(0, 0x1234), 0x1234);
        assert_eq!(node_id(3, 0xAB), 0x300_0000_00AB);
        assert_eq!(node_id(8, (1 << 40) - 1), 0x8FF_FFFF_FFFF);
        assert_eq!(level_range(0), (0, 0xFF_FFFF_FFFF));
        assert_eq!(level_range(5), (0x500_0000_0000, 0x5FF_FFFF_FFFF));
        // Table 2's leaves: positions 0x2_0000_0000 to 0x2_FFFF_FFFF, 16
        // to a level-0 node.
        assert_eq!(leaf_range(2), (0x2000_0000, 0x2FFF_FFFF));
        assert_eq!(split_node_id(0x300_0000_00AB), (3, 0xAB));
        assert_eq!(split_node_id(0x8FF_FFFF_FFFF), (8, (1 << 40) - 1));
        assert_eq!(split_node_id(0x1234), (0, 0x1234));
    }

    /// A row's MAC is stored in its own slot of its level-0 node, each
    /// node's hash in its slot of its parent, and the top's hash is the
    /// root: what `check` recomputes from the rows must find the same
    /// bytes.
    #[test]
    fn each_value_sits_in_its_own_slot_of_its_node() {
        let c = conn();
        let pos = position(1, 0x123);
        let root = apply(&c, &leaves_of([(pos, leaf(7))]), None)
            .unwrap()
            .unwrap();
        let mut expected = [0u8; NODE_BYTES];
        expected[3 * ROW_MAC_LEN..4 * ROW_MAC_LEN].copy_from_slice(&leaf(7));
        let node = read_node(&c, 0, pos >> 4).unwrap();
        assert_eq!(node, expected);
        assert_eq!(slot(&node, 0x123), leaf(7));
        assert_eq!(slot(&node, 0x122), EMPTY);
        let (mut child, mut value) = (pos >> 4, node_hash(0, pos >> 4, &node));
        for level in 1..LEVELS {
            let parent = read_node(&c, level, child >> 4).unwrap();
            let mut expected = [0u8; NODE_BYTES];
            let at = (child as usize & 15) * ROW_MAC_LEN;
            expected[at..at + ROW_MAC_LEN].copy_from_slice(&value);
            assert_eq!(parent, expected, "level {level}");
            (child, value) = (child >> 4, node_hash(level, child >> 4, &parent));
        }
        assert_eq!((child, value), (0, root));
    }
}
