//! What every command is handed besides the registry: the clock, the
//! output settings and the terminal.

use crate::clock::Clock;
use crate::output::Output;
use crate::ui::prompt::Terminal;

pub(crate) struct Context {
    pub(crate) clock: Clock,
    pub(crate) out: Output,
    pub(crate) term: Terminal,
}
