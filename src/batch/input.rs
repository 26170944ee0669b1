//! What the reader hands on: inputs as given, the documents found in
//! them (a name, and bytes or where to get them), and the filter on names.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::limits::{Limits, ReadError, open_path, read_capped_into, special_kind};

/// What to read.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file, a directory (walked recursively) or an archive.
    Path(PathBuf),
    /// A report on standard input.
    Stdin,
}

/// Include / exclude patterns for files found in directories and archives
/// (`*.txt`, `!*draft*`); files named on the command line always count.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// The include patterns, and whether each has matched a file yet (a
    /// pattern that matches nothing is most likely a mistake, worth a word).
    patterns: Vec<String>,
    matched: Arc<Vec<AtomicBool>>,
}

impl Filter {
    /// Patterns as ripgrep takes them: `!` in front excludes.
    pub fn new(patterns: &[String]) -> Result<Filter, globset::Error> {
        let (mut inc, mut exc) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        let mut any_exc = false;
        let mut includes = Vec::new();
        for p in patterns {
            match p.strip_prefix('!') {
                Some(neg) => {
                    exc.add(Glob::new(neg)?);
                    any_exc = true;
                }
                None => {
                    inc.add(Glob::new(p)?);
                    includes.push(p.clone());
                }
            }
        }
        Ok(Filter {
            include: (!includes.is_empty()).then(|| inc.build()).transpose()?,
            exclude: any_exc.then(|| exc.build()).transpose()?,
            matched: Arc::new(includes.iter().map(|_| AtomicBool::new(false)).collect()),
            patterns: includes,
        })
    }

    pub(super) fn keeps(&self, path: &str) -> bool {
        let name = path.rsplit(['/', '!']).next().unwrap_or(path);
        if self
            .exclude
            .as_ref()
            .is_some_and(|set| set.is_match(path) || set.is_match(name))
        {
            return false;
        }
        let Some(include) = &self.include else {
            return true;
        };
        let mut hits = include.matches(path);
        hits.extend(include.matches(name));
        for &i in &hits {
            self.matched[i].store(true, Ordering::Relaxed);
        }
        !hits.is_empty()
    }

    /// The include patterns that matched no file so far.
    pub fn unmatched(&self) -> Vec<&str> {
        self.patterns
            .iter()
            .zip(self.matched.iter())
            .filter(|(_, m)| !m.load(Ordering::Relaxed))
            .map(|(p, _)| p.as_str())
            .collect()
    }
}

/// One document as the reader hands it on: its name, and its bytes or
/// where to get them.
#[derive(Debug)]
pub(super) struct Document {
    pub(super) name: String,
    pub(super) content: Content,
}

#[derive(Debug)]
pub(super) enum Content {
    /// Read already (an archive entry, stdin), with how many bytes of input
    /// it accounts for (for progress: an entry's compressed size).
    Read { bytes: Vec<u8>, disk_bytes: u64 },
    /// A file, read by the worker that processes it: reads run in parallel,
    /// and the buffer is freed by the thread that allocated it.
    File(PathBuf),
    /// Text already decoded (a line of JSON Lines input), with the input
    /// bytes it stands for.
    Text { text: String, disk_bytes: u64 },
    /// Could not be read, and why.
    Failed(ReadError),
    /// Not a document (a FIFO or a device inside a directory): passed
    /// over with a warning.
    Skipped(&'static str),
}

/// Why a document has no bytes: it could not be read, or it is no
/// document (a FIFO in a directory walked) and is passed over.
#[derive(Debug)]
pub(super) enum Unread {
    Failed(ReadError),
    Skipped(&'static str),
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unread::Failed(e) => write!(f, "{e}"),
            Unread::Skipped(kind) => write!(f, "not a regular file ({kind}): skipped"),
        }
    }
}

/// A document's bytes, or, for a long file, the file to read a piece at a
/// time.
pub(super) enum Body {
    Whole(ReadBuf),
    Text(String),
    Long(File),
}

impl Content {
    /// The bytes (or why there are none) and the input bytes they stand for
    /// (a long file's are counted piece by piece).
    pub(super) fn load(self, limits: &Limits, piece: usize) -> (Result<Body, Unread>, u64) {
        match self {
            Content::Read { bytes, disk_bytes } => (Ok(Body::Whole(ReadBuf(bytes))), disk_bytes),
            Content::Text { text, disk_bytes } => (Ok(Body::Text(text)), disk_bytes),
            Content::File(path) => match open_path(&path, limits) {
                Ok((file, Some(len))) if len > piece as u64 => (Ok(Body::Long(file)), 0),
                Ok((file, len)) => {
                    let mut buf = ReadBuf::take();
                    match read_capped_into(file, limits.max_file_size, len, &mut buf.0) {
                        Ok(()) => {
                            let n = buf.0.len() as u64;
                            (Ok(Body::Whole(buf)), n)
                        }
                        Err(e) => (Err(Unread::Failed(e)), 0),
                    }
                }
                Err(e) => (Err(Unread::Failed(e)), 0),
            },
            Content::Failed(why) => (Err(Unread::Failed(why)), 0),
            Content::Skipped(kind) => (Err(Unread::Skipped(kind)), 0),
        }
    }
}

/// A document's bytes in its worker's read buffer, given back to the
/// worker when dropped: each file is read into memory the worker used for
/// the last one (warm in its cache), not into a fresh allocation.
pub(super) struct ReadBuf(Vec<u8>);

/// The largest buffer a worker keeps: a report is a few hundred KB at
/// most; a larger file gets a buffer of its own, so that what every worker
/// holds between files stays small.
const KEEP: usize = 1 << 20;

thread_local! {
    static READ_BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl ReadBuf {
    fn take() -> ReadBuf {
        ReadBuf(READ_BUF.take())
    }
}

impl std::ops::Deref for ReadBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for ReadBuf {
    fn drop(&mut self) {
        if self.0.capacity() <= KEEP {
            READ_BUF.set(std::mem::take(&mut self.0));
        }
    }
}

/// What a directory walk finds.
pub(super) enum Walked {
    File(PathBuf),
    /// A FIFO, a device or a socket: not a document.
    Special(PathBuf, &'static str),
    /// A walk error (a loop, a directory that cannot be listed): path, why.
    Failed(String, ReadError),
}

/// Files under a directory in name order.
pub(super) fn walk(dir: &Path) -> impl Iterator<Item = Walked> + use<> {
    let top = dir.display().to_string();
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(move |e| match e {
            Ok(e) if e.file_type().is_file() => Some(Walked::File(e.into_path())),
            Ok(e) => special_kind(&e.file_type()).map(|k| Walked::Special(e.into_path(), k)),
            Err(e) => Some(Walked::Failed(
                e.path()
                    .map_or_else(|| top.clone(), |p| p.display().to_string()),
                ReadError::Io(e.to_string()),
            )),
        })
}

/// A document that could not be read, and why.
pub(super) fn failed(name: String, why: ReadError) -> Document {
    Document {
        name,
        content: Content::Failed(why),
    }
}

pub(super) fn read_file(path: &Path) -> Document {
    Document {
        name: path.display().to_string(),
        content: Content::File(path.to_path_buf()),
    }
}
