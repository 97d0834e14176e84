//! Lines written to stderr beside the report on stdout: what a command
//! shows a person or a cron mail but not the script reading its output.
//! A failure to write there is ignored, as stderr has nowhere else to say
//! it.

use std::io::Write;

/// Writes `bytes` to stderr as they are.
pub(crate) fn write(bytes: &[u8]) {
    let _ = std::io::stderr().write_all(bytes);
}

/// Writes each line, with a line end, to stderr.
pub(crate) fn lines(lines: impl IntoIterator<Item = String>) {
    let mut stderr = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(stderr, "{line}");
    }
}
