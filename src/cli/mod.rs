//! The command line's own pieces (the library does the work).

pub mod batch;
