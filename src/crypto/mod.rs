//! Keys and secrets: the registry key file and the subkeys derived from it
//! (`key`), confirmation passwords (`password`), and the PSKC key
//! containers a bank may deliver its devices' keys in (`pskc`), with the
//! pre-shared key and passphrase files that open them (`pskc_files`).

pub mod key;
pub(crate) mod password;
pub mod pskc;
pub(crate) mod pskc_files;
