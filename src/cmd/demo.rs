//! `demo`: placeholder.
use crate::error::Result;
use crate::output::Output;
use std::io::Write;
pub fn run(_o: Output, _out: &mut dyn Write) -> Result<()> {
    Ok(())
}
