//! Input files and the files tokenctl writes: reading a CSV file row by row
//! (`csv_rows`), and creating files and directories private to their owner
//! (`files`). Decoding a file's encoding is `text`'s.
//!
//! Knows nothing of the registry (`store`) or of the commands (`cmd`): what
//! a row means is the caller's.

pub(crate) mod csv_rows;
pub(crate) mod files;
