//! What a batch is asked to do: workers, filters, where to resume, limits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::input::Filter;
use super::limits::Limits;

#[derive(Debug, Clone)]
pub struct Options {
    pub jobs: usize,
    pub filter: Filter,
    /// Skip every document before this one (resuming).
    pub resume_from: Option<ResumePoint>,
    /// Most documents held at once.
    pub in_flight: usize,
    pub limits: Limits,
    /// Files never read as input, though a directory walked holds them:
    /// the run's own output and diagnostics.
    pub skip: Vec<PathBuf>,
    /// A file longer than this is read a piece at a time.
    pub piece: usize,
    /// What a manifest says of each document (`--meta`), over what the
    /// engine is given for all.
    pub meta: Option<Arc<crate::meta::Manifest>>,
    /// The inputs hold documents as JSON Lines, `{"doc": …, "text": …}` a
    /// line (a directory: each of its files), not a document each.
    pub jsonl: bool,
    /// Set from another thread (Ctrl-C in Python) to stop reading: the
    /// documents in flight are finished and handed on, no more are read.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// Workers for a request of `jobs` (0: every core): at least one, and at
/// most four per core (more only queue, each holding documents).
pub fn clamp_jobs(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    match jobs {
        0 => cores,
        n => n.min(4 * cores),
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            jobs: 1,
            filter: Filter::default(),
            resume_from: None,
            in_flight: 8,
            limits: Limits::default(),
            skip: Vec::new(),
            piece: crate::chunk::PIECE,
            meta: None,
            jsonl: false,
            cancel: None,
        }
    }
}

/// Where a resumed run starts: the `occurrence`-th (1-based) document named
/// `name` in input order (a document may be named twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePoint {
    pub name: String,
    pub occurrence: usize,
}
