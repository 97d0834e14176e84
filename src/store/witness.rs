//! The witness: where each registry stood after its last write, kept beside
//! the key file (`KEY.witness`, mode 0600), out of reach of whoever can
//! write the registry but not the key's directory.
//!
//! A whole registry file put back from yesterday carries MACs that all
//! verify, because tokenctl made them; only something outside the file can
//! tell that it is old. After every write, tokenctl records the registry's
//! position here: its ID, its count of writes (`seq`), its audit chain's
//! length and head, and its state tree's root, under a MAC. A command that
//! needs the key compares the registry with it before anything else:
//! - behind (fewer writes, or a shorter chain): refused, exit 9;
//! - same count of writes but another root or head: diverged, exit 9;
//! - ahead, with the chain passing through the recorded head: fine (a write
//!   that committed while its witness update was lost to a crash, or two
//!   writers finishing in the other order).
//!
//! One file serves every registry that uses the key file: one line each,
//! keyed by registry ID. Updates hold an exclusive lock on the key file and
//! replace the witness atomically, and only ever move a line forward
//! (`restore` is the one way back).

use std::path::{Path, PathBuf};

use crate::catalogue::Msg;
use crate::crypto::key::{RegistryId, RegistryKey, RowMac};
use crate::error::{Error, Result};

/// Where a registry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) registry_id: RegistryId,
    pub(crate) seq: u64,
    pub(crate) audit_len: u64,
    pub(crate) audit_head: [u8; 32],
    pub(crate) root: RowMac,
}

impl Position {
    fn encode(&self, key: &RegistryKey) -> String {
        let body = format!(
            "v1 {} {} {} {} {}",
            hex::encode(self.registry_id),
            self.seq,
            self.audit_len,
            hex::encode(self.audit_head),
            hex::encode(self.root)
        );
        let mac = key.row_mac(format!("tokenctl witness\0{body}").as_bytes());
        format!("{body} {}", hex::encode(mac))
    }

    /// Reads a line; `None` when it is not a witness line at all.
    fn decode(line: &str) -> Option<(Position, String, Vec<u8>)> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let ["v1", id, seq, len, head, root, mac] = fields.as_slice() else {
            return None;
        };
        let mut position = Position {
            registry_id: [0; 16],
            seq: seq.parse().ok()?,
            audit_len: len.parse().ok()?,
            audit_head: [0; 32],
            root: [0; 16],
        };
        hex::decode_to_slice(id, &mut position.registry_id).ok()?;
        hex::decode_to_slice(head, &mut position.audit_head).ok()?;
        hex::decode_to_slice(root, &mut position.root).ok()?;
        let body = line[..line.rfind(' ')?].to_string();
        Some((position, body, hex::decode(mac).ok()?))
    }

    /// Short text naming a position, for messages: writes, audit rows, head.
    pub(crate) fn describe(&self) -> String {
        format!(
            "write {}, audit row {} (head {}…)",
            self.seq,
            self.audit_len,
            &hex::encode(self.audit_head)[..16]
        )
    }
}

/// The witness file of key file `key_path`.
pub(crate) fn path_for(key_path: &Path) -> PathBuf {
    let mut name = key_path.as_os_str().to_os_string();
    name.push(".witness");
    PathBuf::from(name)
}

fn cannot(path: &Path, e: std::io::Error) -> Error {
    Error::io(
        Msg::CannotWriteWitness {
            path: path.display().to_string(),
        },
        e,
    )
}

/// The recorded position of `id`, verified under `key`; `None` when the
/// witness has no line for it (or does not exist yet).
pub(crate) fn recorded(key: &RegistryKey, id: &RegistryId) -> Result<Option<Position>> {
    let path = path_for(key.path());
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(&path, e)),
    };
    for line in text.lines() {
        let Some((position, body, mac)) = Position::decode(line) else {
            continue;
        };
        if position.registry_id != *id {
            continue;
        }
        if !key.row_mac_matches(format!("tokenctl witness\0{body}").as_bytes(), &mac) {
            return Err(Error::Altered(Msg::WitnessAltered {
                path: path.display().to_string(),
            }));
        }
        return Ok(Some(position));
    }
    Ok(None)
}

/// Whether the witness of key file `key_path` records any registry: the key
/// guards at least one registry of the current schema.
pub(crate) fn lists_any(key_path: &Path) -> bool {
    std::fs::read_to_string(path_for(key_path))
        .is_ok_and(|text| text.lines().any(|line| Position::decode(line).is_some()))
}

/// How a registry compares with its witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// At the witness's position, or ahead of it on the same history.
    Current,
    Behind,
    Diverged,
}

/// Compares the registry's position with the witness's. `head_at` gives
/// the MAC of audit row N of the registry (to see that its chain passes
/// through the witness's head).
pub(crate) fn standing(
    now: &Position,
    witness: &Position,
    head_at: impl FnOnce(u64) -> Result<Option<[u8; 32]>>,
) -> Result<Standing> {
    if now.seq < witness.seq || now.audit_len < witness.audit_len {
        return Ok(Standing::Behind);
    }
    if now.seq == witness.seq {
        return Ok(if now == witness {
            Standing::Current
        } else {
            Standing::Diverged
        });
    }
    if witness.audit_len == 0 {
        return Ok(Standing::Current);
    }
    Ok(match head_at(witness.audit_len)? {
        Some(head) if head == witness.audit_head => Standing::Current,
        _ => Standing::Diverged,
    })
}

/// Records `position`, unless the witness holds a later one for the same
/// registry (two writers finishing in the other order). `force` records it
/// even then: a restore going back on purpose.
pub(crate) fn record(key: &RegistryKey, position: &Position, force: bool) -> Result<()> {
    let path = path_for(key.path());
    let lock = std::fs::File::open(key.path()).map_err(|e| cannot(&path, e))?;
    lock.lock().map_err(|e| cannot(&path, e))?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(cannot(&path, e)),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut replaced = false;
    for line in text.lines() {
        match Position::decode(line) {
            Some((old, _, _)) if old.registry_id == position.registry_id => {
                if !force && old.seq > position.seq {
                    return Ok(());
                }
                // The same count of writes on another history: never
                // overwrite what the witness saw with it.
                if !force && old.seq == position.seq && old != *position {
                    return Err(Error::Altered(Msg::RegistryDivergedFromWitness {
                        registry: position.describe(),
                        witness: old.describe(),
                    }));
                }
                if !replaced {
                    lines.push(position.encode(key));
                    replaced = true;
                }
            }
            _ => lines.push(line.to_string()),
        }
    }
    if !replaced {
        lines.push(position.encode(key));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    crate::io::files::replace_private(&path, out.as_bytes()).map_err(|e| cannot(&path, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::key::Binding;

    fn position(seq: u64, len: u64, head: u8) -> Position {
        Position {
            registry_id: [9; 16],
            seq,
            audit_len: len,
            audit_head: [head; 32],
            root: [seq as u8; 16],
        }
    }

    #[test]
    fn a_position_round_trips_and_a_changed_line_does_not_verify() {
        let key = RegistryKey::for_tests(1, Binding::Registry([9; 16]));
        let p = position(3, 4, 5);
        let line = p.encode(&key);
        let (back, body, mac) = Position::decode(&line).unwrap();
        assert_eq!(back, p);
        assert!(key.row_mac_matches(format!("tokenctl witness\0{body}").as_bytes(), &mac));
        let changed = line.replacen(" 3 ", " 4 ", 1);
        let (_, body, mac) = Position::decode(&changed).unwrap();
        assert!(!key.row_mac_matches(format!("tokenctl witness\0{body}").as_bytes(), &mac));
    }

    #[test]
    fn behind_diverged_and_ahead_are_told_apart() {
        let w = position(5, 10, 1);
        let none = |_| Ok(None);
        assert_eq!(standing(&w, &w, none).unwrap(), Standing::Current);
        assert_eq!(
            standing(&position(4, 10, 1), &w, none).unwrap(),
            Standing::Behind
        );
        assert_eq!(
            standing(&position(6, 9, 1), &w, none).unwrap(),
            Standing::Behind
        );
        assert_eq!(
            standing(&position(5, 10, 2), &w, none).unwrap(),
            Standing::Diverged
        );
        let through = |n| Ok((n == 10).then_some([1; 32]));
        assert_eq!(
            standing(&position(7, 12, 3), &w, through).unwrap(),
            Standing::Current
        );
        let elsewhere = |_| Ok(Some([2; 32]));
        assert_eq!(
            standing(&position(7, 12, 3), &w, elsewhere).unwrap(),
            Standing::Diverged
        );
    }

    #[test]
    fn the_witness_only_moves_forward_unless_forced_and_keeps_other_registries() {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("registry.key");
        let (file, _) = crate::crypto::key::KeyFile::load_or_create(&key_path).unwrap();
        let key = file.bind(Binding::Registry([9; 16]));
        let other = file.bind(Binding::Registry([8; 16]));
        let mut theirs = position(1, 1, 1);
        theirs.registry_id = [8; 16];
        record(&other, &theirs, false).unwrap();
        record(&key, &position(5, 10, 1), false).unwrap();
        record(&key, &position(4, 9, 1), false).unwrap();
        assert_eq!(recorded(&key, &[9; 16]).unwrap(), Some(position(5, 10, 1)));
        record(&key, &position(4, 9, 1), true).unwrap();
        assert_eq!(recorded(&key, &[9; 16]).unwrap(), Some(position(4, 9, 1)));
        assert_eq!(recorded(&other, &[8; 16]).unwrap(), Some(theirs));
        assert_eq!(recorded(&key, &[7; 16]).unwrap(), None);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path_for(&key_path))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    /// A key file in a temp dir, bound to registry [9; 16] and to [8; 16].
    fn keys() -> (tempfile::TempDir, PathBuf, RegistryKey, RegistryKey) {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("registry.key");
        let (file, _) = crate::crypto::key::KeyFile::load_or_create(&key_path).unwrap();
        let key = file.bind(Binding::Registry([9; 16]));
        let other = file.bind(Binding::Registry([8; 16]));
        (dir, key_path, key, other)
    }

    /// The same count of writes on another history is refused, naming both
    /// positions, and the witness keeps what it saw; the same position
    /// recorded again is fine, and a restore (`force`) may record the other
    /// history. Recording the diverged one would bless a registry someone
    /// swapped.
    #[test]
    fn another_history_at_the_same_write_is_refused_unless_forced() {
        let (_dir, key_path, key, _) = keys();
        record(&key, &position(5, 10, 1), false).unwrap();
        record(&key, &position(5, 10, 1), false).unwrap();
        let before = std::fs::read(path_for(&key_path)).unwrap();
        let diverged = position(5, 10, 2);
        match record(&key, &diverged, false) {
            Err(Error::Altered(msg)) => assert_eq!(
                msg,
                Msg::RegistryDivergedFromWitness {
                    registry: "write 5, audit row 10 (head 0202020202020202…)".into(),
                    witness: "write 5, audit row 10 (head 0101010101010101…)".into(),
                }
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(path_for(&key_path)).unwrap(), before);
        record(&key, &diverged, true).unwrap();
        assert_eq!(recorded(&key, &[9; 16]).unwrap(), Some(diverged));
    }

    /// No witness yet is no recorded position (a registry before its first
    /// write); a witness that cannot be read is an error, for reading and
    /// for recording, and is left as it is: other registries' lines in it
    /// must not be lost.
    #[test]
    fn a_missing_witness_records_nothing_and_an_unreadable_one_is_an_error() {
        let (_dir, key_path, key, _) = keys();
        assert_eq!(recorded(&key, &[9; 16]).unwrap(), None);
        let witness = path_for(&key_path);
        let unreadable = b"v1 \xff\xfe not text\n".to_vec();
        std::fs::write(&witness, &unreadable).unwrap();
        let cannot = |result: Result<()>| match result {
            Err(Error::Io { context, .. }) => assert_eq!(
                context,
                Msg::CannotWriteWitness {
                    path: witness.display().to_string()
                }
            ),
            other => panic!("{other:?}"),
        };
        cannot(recorded(&key, &[9; 16]).map(|_| ()));
        cannot(record(&key, &position(1, 1, 1), false));
        assert_eq!(std::fs::read(&witness).unwrap(), unreadable);
    }

    /// A line changed without the key is refused as altered, not read.
    #[test]
    fn a_witness_line_changed_without_the_key_is_refused() {
        let (_dir, key_path, key, _) = keys();
        record(&key, &position(5, 10, 1), false).unwrap();
        let witness = path_for(&key_path);
        let text = std::fs::read_to_string(&witness).unwrap();
        std::fs::write(&witness, text.replacen(" 5 10 ", " 6 10 ", 1)).unwrap();
        match recorded(&key, &[9; 16]) {
            Err(Error::Altered(msg)) => assert_eq!(
                msg,
                Msg::WitnessAltered {
                    path: witness.display().to_string()
                }
            ),
            other => panic!("{other:?}"),
        }
    }

    /// Whether a key guards a registry of the current schema: only a
    /// witness with a line in it says so (not a missing one, nor one of
    /// other text).
    #[test]
    fn a_key_lists_a_registry_once_its_witness_has_a_line() {
        let (_dir, key_path, key, _) = keys();
        assert!(!lists_any(&key_path));
        std::fs::write(path_for(&key_path), "not a witness line\n").unwrap();
        assert!(!lists_any(&key_path));
        record(&key, &position(1, 1, 1), false).unwrap();
        assert!(lists_any(&key_path));
    }

    /// A registry's line is rewritten where it stands: the lines of the
    /// other registries of the key keep their places and are never
    /// duplicated.
    #[test]
    fn a_registrys_line_is_rewritten_in_place() {
        let (_dir, key_path, key, other) = keys();
        let mut theirs = position(1, 1, 1);
        theirs.registry_id = [8; 16];
        record(&key, &position(1, 1, 1), false).unwrap();
        record(&other, &theirs, false).unwrap();
        record(&key, &position(2, 2, 2), false).unwrap();
        let text = std::fs::read_to_string(path_for(&key_path)).unwrap();
        assert_eq!(
            text,
            format!(
                "{}\n{}\n",
                position(2, 2, 2).encode(&key),
                theirs.encode(&other)
            )
        );
    }
}
