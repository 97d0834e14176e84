//! Registries on network file systems are not written.
//!
//! SQLite's WAL needs shared memory between the processes that use the
//! file, which a network file system does not give across machines, and
//! SQLite's locks are only as good as the file system's: over NFS, SMB and
//! the like they are unreliable, so two machines writing one registry can
//! corrupt it. A command that would write a registry on such a file system
//! is refused (exit 8) before anything is written, unless
//! `TOKENCTL_ALLOW_NETWORK_FS=1`; reading commands still work.
//!
//! The file system is recognised by the magic number `statfs` reports
//! (Linux and Android; elsewhere nothing is refused). FUSE covers both
//! network file systems (sshfs, rclone, s3fs, GlusterFS, …) and local ones
//! (ntfs-3g, fuse-overlayfs in rootless containers): a FUSE mount's type is
//! read from `/proc/self/mountinfo`, and only the types in `LOCAL_FUSE` are
//! trusted; any other FUSE mount, or one whose type cannot be found, is
//! refused like a network file system. A `statfs` that fails refuses
//! nothing: the open or create that follows reports what is wrong.

use std::path::{Path, PathBuf};

use crate::catalogue::Msg;
use crate::error::{Error, Result};

/// The override: `1` writes a registry on a network file system all the
/// same (for a share only ever used from one machine). Any other value
/// leaves the refusal on.
pub(crate) const ALLOW_ENV: &str = "TOKENCTL_ALLOW_NETWORK_FS";

/// Linux's magic numbers (`statfs`'s `f_type`) of the file systems whose
/// locks SQLite cannot trust, with the names the refusal gives them.
const NETWORK: &[(u32, &str)] = &[
    (0x0000_6969, "NFS"),
    (0x0000_517B, "SMB"),
    (0xFF53_4D42, "CIFS"),
    (0xFE53_4D42, "SMB2/3"),
    (0x0000_564C, "NCP"),
    (0x7375_7245, "Coda"),
    (0x5346_414F, "AFS"),
    (0x6B41_4653, "AFS"),
    (0x0102_1997, "9P"),
    (0x00C3_6400, "Ceph"),
    (0x0BD0_0BD0, "Lustre"),
    (0x4750_4653, "GPFS"),
    (0x1983_0326, "BeeGFS"),
    (0x2003_0528, "OrangeFS"),
    (0x786F_4256, "VirtualBox shared folder"),
    (0x6573_5546, "FUSE"),
];

/// FUSE mount types (as `/proc/self/mountinfo` writes them) that are local
/// disks or layers over them, whose locks stay on this machine.
const LOCAL_FUSE: &[&str] = &[
    "fuseblk",
    "fuse.fuse-overlayfs",
    "fuse.ntfs-3g",
    "fuse.exfat",
    "fuse.squashfuse",
    "fuse.lxcfs",
];

/// The name of the network file system with this `statfs` magic number, if
/// it is one (FUSE included: see `network_fs_refusal`). Only the low 32
/// bits count: `f_type` is signed, and 32 bits wide on some targets.
pub(crate) fn network_fs_name(magic: i64) -> Option<&'static str> {
    let magic = (magic as u64 & 0xFFFF_FFFF) as u32;
    NETWORK
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// Whether the override's value lets a registry on a network file system be
/// written: `1`, nothing else.
pub(crate) fn allowed(value: Option<&str>) -> bool {
    value.map(str::trim) == Some("1")
}

/// Why a registry on the file system with this magic number (none when
/// `statfs` failed) is not written, or `None` to go ahead. `fuse_type`
/// finds the mount's type from `/proc/self/mountinfo` (`None` when it is
/// not found); it is asked only when the file system is FUSE.
pub(crate) fn network_fs_refusal(
    magic: Option<i64>,
    fuse_type: impl FnOnce() -> Option<String>,
    allow: bool,
) -> Option<Msg> {
    let name = network_fs_name(magic?)?;
    if allow {
        return None;
    }
    let fs = if name == "FUSE" {
        match fuse_type() {
            Some(t) if LOCAL_FUSE.contains(&t.as_str()) => return None,
            Some(t) => format!("FUSE, {t}"),
            None => name.to_string(),
        }
    } else {
        name.to_string()
    };
    Some(Msg::OnNetworkFileSystem { fs })
}

/// What a refusal asks about a path: `statfs`'s magic number for its file
/// system (none when `statfs` fails or the platform has none), and the
/// type of the mount holding it. `SYSTEM` asks this machine; the tests
/// stand in for file systems it does not have.
struct Probe {
    magic_of: fn(&Path) -> Option<i64>,
    mount_type_of: fn(&Path) -> Option<String>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const SYSTEM: Probe = Probe {
    magic_of: statfs_magic,
    mount_type_of,
};

/// Elsewhere there is no magic number to go by: nothing is refused.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const SYSTEM: Probe = Probe {
    magic_of: |_| None,
    mount_type_of,
};

/// Refuses to make a registry at `registry` (or put one back there) when
/// its directory lies on a network file system and the override is not
/// set: `init` and `restore` ask before they create anything.
pub(crate) fn refuse_new(registry: &Path) -> Result<()> {
    refuse_new_on(
        &SYSTEM,
        registry,
        allowed(std::env::var(ALLOW_ENV).ok().as_deref()),
    )
}

fn refuse_new_on(probe: &Probe, registry: &Path, allow: bool) -> Result<()> {
    let dir = registry
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    refuse_on(probe, dir, registry, allow)
}

/// Refuses to write `path` when it lies on a network file system and the
/// override is not set. `path` is the registry (an existing file: its own
/// file system, through any symbolic link, is where SQLite writes) or the
/// directory a new one goes into (the nearest part of it that exists).
pub(crate) fn refuse(path: &Path, registry: &Path) -> Result<()> {
    refuse_on(
        &SYSTEM,
        path,
        registry,
        allowed(std::env::var(ALLOW_ENV).ok().as_deref()),
    )
}

fn refuse_on(probe: &Probe, path: &Path, registry: &Path, allow: bool) -> Result<()> {
    let Some(at) = nearest_existing(path) else {
        return Ok(());
    };
    let magic = (probe.magic_of)(&at);
    match network_fs_refusal(magic, || (probe.mount_type_of)(&at), allow) {
        None => Ok(()),
        Some(reason) => Err(Error::Registry {
            path: registry.to_path_buf(),
            reason,
        }),
    }
}

/// `path`, or its nearest ancestor that exists (a registry's directory may
/// not exist yet). An empty relative path is the current directory.
fn nearest_existing(path: &Path) -> Option<PathBuf> {
    let mut at = path;
    loop {
        let here = if at.as_os_str().is_empty() {
            Path::new(".")
        } else {
            at
        };
        if std::fs::metadata(here).is_ok() {
            return Some(here.to_path_buf());
        }
        if here == Path::new(".") {
            return None;
        }
        at = here.parent()?;
    }
}

/// `statfs`'s magic number for the file system holding `path`.
#[cfg(any(target_os = "linux", target_os = "android"))]
// `f_type` is i64 here, but a narrower or unsigned type on other targets.
#[allow(clippy::unnecessary_cast)]
fn statfs_magic(path: &Path) -> Option<i64> {
    nix::sys::statfs::statfs(path)
        .ok()
        .map(|s| s.filesystem_type().0 as i64)
}

/// The type of the mount holding `path`, from `/proc/self/mountinfo`.
fn mount_type_of(path: &Path) -> Option<String> {
    let path = std::fs::canonicalize(path).ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    mount_type(&mountinfo, &path)
}

/// In `mountinfo` (the format of `/proc/self/mountinfo`), the type of the
/// mount that holds the absolute, canonical `path`: the longest mount
/// point above it, the later one of equals (it is mounted over the other).
pub(crate) fn mount_type(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for line in mountinfo.lines() {
        let Some((fields, rest)) = line.split_once(" - ") else {
            continue;
        };
        let (Some(point), Some(fs_type)) = (
            fields.split(' ').nth(4),
            rest.split(' ').next().filter(|t| !t.is_empty()),
        ) else {
            continue;
        };
        let point = unescape(point);
        let depth = Path::new(&point).components().count();
        if path.starts_with(&point) && best.is_none_or(|(d, _)| depth >= d) {
            best = Some((depth, fs_type));
        }
    }
    best.map(|(_, t)| unescape(t))
}

/// Undoes mountinfo's octal escapes (`\040` for a space, and so on).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            let d = std::str::from_utf8(d).ok()?;
            u8::from_str_radix(d, 8).ok()
        });
        match (bytes[i], octal) {
            (b'\\', Some(b)) => {
                out.push(b);
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mount type that must not be looked for: the file system is not
    /// FUSE, or the override is set (no `/proc/self/mountinfo` read).
    fn not_asked() -> Option<String> {
        panic!("the mount type is looked for only on FUSE, without the override")
    }

    fn typed(fs_type: &'static str) -> impl FnOnce() -> Option<String> {
        move || Some(fs_type.to_string())
    }

    #[test]
    fn network_file_systems_are_named_and_local_ones_are_not() {
        for (magic, name) in [
            (0x6969, "NFS"),
            (0x517B, "SMB"),
            (0xFF53_4D42, "CIFS"),
            (0xFE53_4D42, "SMB2/3"),
            (0x7375_7245, "Coda"),
            (0x5346_414F, "AFS"),
            (0x0102_1997, "9P"),
            (0x00C3_6400, "Ceph"),
            (0x0BD0_0BD0, "Lustre"),
            (0x4750_4653, "GPFS"),
            (0x6573_5546, "FUSE"),
        ] {
            assert_eq!(network_fs_name(magic), Some(name), "{magic:#x}");
        }
        // ext4, tmpfs, overlay, btrfs, xfs, zfs.
        for magic in [
            0xEF53,
            0x0102_1994,
            0x794C_7630,
            0x9123_683E,
            0x5846_5342,
            0x2FC1_2FC1,
        ] {
            assert_eq!(network_fs_name(magic), None, "{magic:#x}");
        }
    }

    #[test]
    fn a_magic_number_read_as_a_negative_32_bit_value_is_still_recognised() {
        assert_eq!(network_fs_name(0xFF53_4D42_u32 as i32 as i64), Some("CIFS"));
        assert_eq!(
            network_fs_name(0xFE53_4D42_u32 as i32 as i64),
            Some("SMB2/3")
        );
    }

    #[test]
    fn only_one_allows_writing() {
        assert!(allowed(Some("1")));
        assert!(allowed(Some(" 1\n")));
        for value in [
            None,
            Some(""),
            Some("0"),
            Some("yes"),
            Some("true"),
            Some("11"),
        ] {
            assert!(!allowed(value), "{value:?}");
        }
    }

    #[test]
    fn a_network_file_system_is_refused_unless_allowed() {
        assert_eq!(
            network_fs_refusal(Some(0x6969), not_asked, false),
            Some(Msg::OnNetworkFileSystem { fs: "NFS".into() })
        );
        assert_eq!(network_fs_refusal(Some(0x6969), not_asked, true), None);
        assert_eq!(
            network_fs_refusal(Some(0xFF53_4D42), not_asked, false),
            Some(Msg::OnNetworkFileSystem { fs: "CIFS".into() })
        );
        // ext4, and a statfs that failed.
        assert_eq!(network_fs_refusal(Some(0xEF53), not_asked, false), None);
        assert_eq!(network_fs_refusal(None, not_asked, false), None);
    }

    #[test]
    fn fuse_is_refused_unless_its_type_is_a_known_local_one() {
        let fuse = Some(0x6573_5546);
        assert_eq!(
            network_fs_refusal(fuse, typed("fuse.sshfs"), false),
            Some(Msg::OnNetworkFileSystem {
                fs: "FUSE, fuse.sshfs".into()
            })
        );
        assert_eq!(
            network_fs_refusal(fuse, || None, false),
            Some(Msg::OnNetworkFileSystem { fs: "FUSE".into() })
        );
        assert_eq!(network_fs_refusal(fuse, not_asked, true), None);
        assert_eq!(network_fs_refusal(fuse, typed("fuseblk"), false), None);
        assert_eq!(
            network_fs_refusal(fuse, typed("fuse.fuse-overlayfs"), false),
            None
        );
    }

    #[test]
    fn the_refusal_is_exit_8_and_says_why_and_how_to_override_in_both_languages() {
        let error = Error::Registry {
            path: "/mnt/share/registry.db".into(),
            reason: Msg::OnNetworkFileSystem { fs: "NFS".into() },
        };
        assert_eq!(error.exit_code(), 8);
        let (en, ja) = (error.message().en(), error.message().ja());
        assert!(en.starts_with("/mnt/share/registry.db: on a network file system (NFS)"));
        for text in [&en, &ja] {
            assert!(text.contains("WAL"), "{text}");
            assert!(text.contains("TOKENCTL_ALLOW_NETWORK_FS=1"), "{text}");
        }
        assert!(en.contains("network file locks are unreliable"), "{en}");
    }

    const MOUNTINFO: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 252:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:50 / /mnt rw,relatime - tmpfs tmpfs rw
41 40 0:51 / /mnt/share rw,relatime shared:5 - nfs4 server:/export rw,vers=4.2
42 40 0:52 / /mnt/my\\040box rw,nosuid - fuse.sshfs me@host:/ rw,user_id=0
43 40 0:53 / /mnt/share rw,relatime - fuse.sshfs me@host:/ rw
";

    #[test]
    fn the_mount_holding_a_path_is_the_deepest_and_the_latest() {
        let at = |p: &str| mount_type(MOUNTINFO, Path::new(p));
        assert_eq!(at("/home/me/registry.db").as_deref(), Some("ext4"));
        assert_eq!(at("/mnt/other").as_deref(), Some("tmpfs"));
        // Mounted over the NFS share.
        assert_eq!(at("/mnt/share/tokenctl").as_deref(), Some("fuse.sshfs"));
        // A mount point with a space, and not a prefix of another name.
        assert_eq!(at("/mnt/my box/r.db").as_deref(), Some("fuse.sshfs"));
        assert_eq!(at("/mnt/my").as_deref(), Some("tmpfs"));
        assert_eq!(mount_type("", Path::new("/x")), None);
    }

    #[test]
    fn the_nearest_existing_directory_stands_for_one_not_made_yet() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b/registry.db");
        assert_eq!(nearest_existing(&deep).as_deref(), Some(dir.path()));
        assert_eq!(
            nearest_existing(Path::new("")).as_deref(),
            Some(Path::new("."))
        );
        assert_eq!(
            nearest_existing(Path::new("no-such-dir/registry.db")).as_deref(),
            Some(Path::new("."))
        );
    }

    #[test]
    fn a_local_directory_is_not_refused() {
        let dir = tempfile::tempdir().unwrap();
        let registry = dir.path().join("registry.db");
        assert!(refuse(dir.path(), &registry).is_ok());
    }

    /// A stand-in for a machine with an NFS share at any directory named
    /// `share` (and as the current directory), FUSE mounts at `sshfs` and
    /// `ntfs` (of those types) and at `fuse` (type not found), and ext4
    /// elsewhere.
    const SHARES: Probe = Probe {
        magic_of: |path| {
            let name = path.file_name().and_then(|n| n.to_str());
            Some(match name {
                Some("share") => 0x6969,
                Some("sshfs" | "ntfs" | "fuse") => 0x6573_5546,
                _ if path == Path::new(".") => 0x6969,
                _ => 0xEF53,
            })
        },
        mount_type_of: |path| match path.file_name()?.to_str()? {
            "sshfs" => Some("fuse.sshfs".into()),
            "ntfs" => Some("fuse.ntfs-3g".into()),
            _ => None,
        },
    };

    fn refused(fs: &str, registry: &Path) -> String {
        format!(
            "{:?}",
            Err::<(), _>(Error::Registry {
                path: registry.to_path_buf(),
                reason: Msg::OnNetworkFileSystem { fs: fs.into() },
            })
        )
    }

    /// A registry to be made is judged by the directory it goes into (the
    /// nearest part of it that exists; the current directory for a bare
    /// file name): on a network file system it is refused, naming the
    /// registry, unless the override is set.
    #[test]
    fn a_new_registry_is_judged_by_the_directory_it_goes_into() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["share", "local"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let on_share = dir.path().join("share/registry.db");
        let deep = dir.path().join("share/not/yet/registry.db");
        for registry in [&on_share, &deep] {
            assert_eq!(
                format!("{:?}", refuse_new_on(&SHARES, registry, false)),
                refused("NFS", registry)
            );
            assert!(refuse_new_on(&SHARES, registry, true).is_ok());
        }
        let local = dir.path().join("local/registry.db");
        assert!(refuse_new_on(&SHARES, &local, false).is_ok());
        let bare = Path::new("registry.db");
        assert_eq!(
            format!("{:?}", refuse_new_on(&SHARES, bare, false)),
            refused("NFS", bare)
        );
    }

    /// An existing registry is judged by its own file system; on FUSE by
    /// the mount's type: a local one is written, a network one or one
    /// whose type is not found is refused.
    #[test]
    fn a_registry_is_judged_by_its_file_system_and_fuse_by_its_mount_type() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["share", "local", "sshfs", "ntfs", "fuse"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let registry = dir.path().join("registry.db");
        let judged = |sub: &str| {
            format!(
                "{:?}",
                refuse_on(&SHARES, &dir.path().join(sub), &registry, false)
            )
        };
        assert_eq!(judged("share"), refused("NFS", &registry));
        assert_eq!(judged("sshfs"), refused("FUSE, fuse.sshfs", &registry));
        assert_eq!(judged("fuse"), refused("FUSE", &registry));
        assert_eq!(judged("ntfs"), "Ok(())");
        assert_eq!(judged("local"), "Ok(())");
    }

    /// This machine's `statfs` is what names a file system: `/proc` is
    /// procfs (0x9fa0) on every Linux; a path that does not exist has none.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn statfs_gives_the_magic_number_of_a_paths_file_system() {
        assert_eq!(statfs_magic(Path::new("/proc")), Some(0x9FA0));
        assert_eq!(statfs_magic(Path::new("/no/such/path")), None);
        assert_eq!((SYSTEM.magic_of)(Path::new("/proc")), Some(0x9FA0));
    }

    /// This machine's mount table gives a mount's type: `/proc` is mounted
    /// as `proc`; a path that does not exist has none.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn the_mount_table_gives_the_type_of_a_paths_mount() {
        assert_eq!(mount_type_of(Path::new("/proc")).as_deref(), Some("proc"));
        assert_eq!(mount_type_of(Path::new("/no/such/path")), None);
    }
}
