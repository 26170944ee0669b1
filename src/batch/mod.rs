//! Batches: many reports, in parallel, results in input order, memory flat.
//!
//! A reader thread enumerates the inputs in a fixed order (paths as given,
//! directories walked in name order, archive entries in archive order) and
//! reads archive entries (plain files are read by the workers); a rayon pool
//! decodes and extracts, and the worker that completes the next document in
//! input order hands it, and any ready after it, to the caller. At most
//! `in_flight` documents are held at once (read, being processed, or
//! waiting for an earlier one to finish), so memory depends on the
//! documents in flight, not on the size of the batch.
//!
//! Archives (.zip, .tar, .tar.gz, .tgz) are read in place; their documents
//! are named `archive.zip!inner/path.txt`.
//!
//! Nothing an input holds is read without a bound (see [`Limits`]): a
//! document over `max_file_size` and an archive that expands past
//! `max_archive_ratio` times its size are errors for that input, and the
//! batch goes on.

pub(crate) mod archive;
mod input;
mod limits;
mod options;
mod reader;
mod runner;

pub use archive::is_archive_name;
pub use input::{Filter, Input};
pub use limits::{ARCHIVE_FLOOR, Limits};
pub use options::{Options, ResumePoint, clamp_jobs};
pub use reader::disk_size;
pub use runner::{Done, run};
