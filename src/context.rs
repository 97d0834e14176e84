//! What every command is handed besides the registry: the clock, the
//! output settings and the terminal.

use crate::clock::Clock;
use crate::output::Output;
use crate::prompt::Terminal;

pub struct Context {
    pub clock: Clock,
    pub out: Output,
    pub term: Terminal,
}
