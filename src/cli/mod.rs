//! The command line's own pieces (the library does the work).

pub mod batch;
pub mod output;
pub mod read;
pub mod review;

use std::io::Write;

/// A line on stderr. A stderr that cannot be written (a full disk, a closed
/// pipe) loses the message, never the run: the records still go out.
pub fn say(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
    let _ = err.write_all(b"\n");
}
