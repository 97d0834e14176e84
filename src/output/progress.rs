//! Progress bars for long imports and bulk revocations: drawn on stderr when
//! it is a terminal, invisible otherwise, so pipes and cron stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What a bar counts, which decides how its position is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Rows, keys or users: `12,288/100,000`.
    Rows,
    /// Bytes of a file, in human units: `12.00 MiB/40.00 MiB`.
    Bytes,
}

/// A bar for `len` units of work, labelled `label` (from the catalogue);
/// hidden unless stderr is a terminal and the work is at least `min` units
/// (small work finishes too fast to help).
pub(crate) fn bar(len: u64, label: String, unit: Unit, min: u64) -> ProgressBar {
    if len == 0 || len < min || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(template(unit))
        .expect("valid template")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label);
    bar
}

fn template(unit: Unit) -> &'static str {
    match unit {
        Unit::Rows => "{msg} [{bar:40}] {human_pos}/{human_len} ({eta})",
        Unit::Bytes => "{msg} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({eta})",
    }
}
