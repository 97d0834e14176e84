//! Progress bars for long imports and bulk revocations: drawn on stderr when
//! it is a terminal, invisible otherwise, so pipes and cron stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar for `len` units of work; hidden unless stderr is a terminal and
/// the work is at least `min` units (small work finishes too fast to help).
pub fn bar(len: u64, message: &'static str, min: u64) -> ProgressBar {
    if len == 0 || len < min || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
        .expect("valid template")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(message);
    bar
}
