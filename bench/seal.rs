//! Micro-benchmark of sealing a device secret (ChaCha20-Poly1305, what an
//! import does once per device), to compare the AEAD backends:
//!
//!     cargo run --release --example seal            # the project's build (portable backend)
//!     RUSTFLAGS= cargo run --release --example seal # the runtime-selected AVX2 backend
//!
//! Prints the time per seal over a million 20-byte secrets.

use std::time::Instant;

use tokenctl::crypto::key::{Binding, KeyFile};

fn main() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (file, _) = KeyFile::load_or_create(&dir.path().join("registry.key")).expect("a key");
    let key = file.bind(Binding::Registry([7; 16]));
    let secret = [0x5au8; 20];
    let n = 1_000_000u32;
    let start = Instant::now();
    let mut total = 0usize;
    for i in 0..n {
        let serial = format!("{:08}", i % 100_000);
        total += key.seal(&serial, &secret).len();
    }
    let elapsed = start.elapsed();
    println!(
        "{} seals in {:.2} s: {:.2} µs a seal ({} bytes sealed)",
        n,
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / f64::from(n),
        total
    );
}
