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

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::{Diagnostic, Extraction, RulePack, Severity};

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

    fn keeps(&self, path: &str) -> bool {
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
struct Document {
    name: String,
    content: Content,
}

#[derive(Debug)]
enum Content {
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
    Failed(String),
    /// Not a document (a FIFO or a device inside a directory): passed
    /// over with a warning.
    Skipped(String),
}

/// A document's bytes, or, for a long file, the file to read a piece at a
/// time.
enum Body {
    Whole(Vec<u8>),
    Text(String),
    Long(File),
}

impl Content {
    /// The bytes (or why there are none) and the input bytes they stand for
    /// (a long file's are counted piece by piece).
    fn load(self, limits: &Limits, piece: usize) -> (Result<Body, String>, u64) {
        match self {
            Content::Read { bytes, disk_bytes } => (Ok(Body::Whole(bytes)), disk_bytes),
            Content::Text { text, disk_bytes } => (Ok(Body::Text(text)), disk_bytes),
            Content::File(path) => match open_path(&path, limits) {
                Ok((file, Some(len))) if len > piece as u64 => (Ok(Body::Long(file)), 0),
                Ok((file, _)) => match read_capped(file, limits.max_file_size, "--max-file-size") {
                    Ok(bytes) => {
                        let n = bytes.len() as u64;
                        (Ok(Body::Whole(bytes)), n)
                    }
                    Err(e) => (Err(e), 0),
                },
                Err(e) => (Err(e), 0),
            },
            Content::Failed(why) | Content::Skipped(why) => (Err(why), 0),
        }
    }
}

/// Bounds on what one input may cost, each hit an error for that input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest document, in bytes: a file, an archive entry, stdin.
    pub max_file_size: u64,
    /// An archive may give at most this many times its size on disk
    /// (and at least [`ARCHIVE_FLOOR`] bytes) in all: a zip bomb stops here.
    pub max_archive_ratio: u64,
}

/// What any archive may expand to, whatever its ratio.
pub const ARCHIVE_FLOOR: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 2 << 30,
            max_archive_ratio: 100,
        }
    }
}

/// Read at most `limit` bytes; more is an error that says so.
fn read_capped(mut reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    reader
        .by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > limit {
        return Err(format!("larger than {what} ({limit} bytes)"));
    }
    Ok(buf)
}

/// A file named as input, open, and its length if it is a regular file. A
/// FIFO is read as it comes (`<(command)`), but one with no writer is
/// empty, not a hang.
fn open_path(path: &Path, limits: &Limits) -> Result<(File, Option<u64>), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let kind = special_kind(&meta.file_type());
    if kind.is_some_and(|k| k != "FIFO") {
        return Err(format!("not a regular file ({})", kind.unwrap_or_default()));
    }
    if meta.len() > limits.max_file_size {
        return Err(format!(
            "{} bytes: larger than --max-file-size ({} bytes)",
            meta.len(),
            limits.max_file_size
        ));
    }
    match kind {
        Some(_) => open_fifo(path).map(|f| (f, None)),
        None => File::open(path).map(|f| (f, Some(meta.len()))),
    }
    .map_err(|e| e.to_string())
}

/// What kind of special file this is, or `None` for a regular file or a
/// directory.
fn special_kind(t: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("FIFO");
        }
        if t.is_char_device() {
            return Some("character device");
        }
        if t.is_block_device() {
            return Some("block device");
        }
        if t.is_socket() {
            return Some("socket");
        }
    }
    (!t.is_file() && !t.is_dir()).then_some("not a file")
}

/// Open a FIFO without waiting for a writer (a plain open blocks until one
/// comes, maybe never), then read it blocking: with no writer a read is at
/// its end at once.
#[cfg(unix)]
fn open_fifo(path: &Path) -> io::Result<File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function owns, flags read then set.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open_fifo(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// What one document gave, handed back in input order.
#[derive(Debug)]
pub struct Done<T> {
    pub name: String,
    /// What the caller's `finish` made of the extraction, or why the
    /// document could not be read.
    pub result: Result<T, Diagnostic>,
    /// How the document was read, and its warnings (empty on an error).
    pub diagnostics: Vec<Diagnostic>,
    pub disk_bytes: u64,
    /// More pieces of this document follow (a long document, read a piece
    /// at a time: see [`crate::chunk`]).
    pub more: bool,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub jobs: usize,
    pub encoding: Option<String>,
    pub filter: Filter,
    /// Skip every document before this one (resuming).
    pub resume_from: Option<ResumePoint>,
    /// Most documents held at once.
    pub in_flight: usize,
    pub limits: Limits,
    /// Files never read as input, though a directory walked holds them:
    /// the run's own output and diagnostics.
    pub skip: Vec<PathBuf>,
    /// What the user knows of every document (its year, `--year`).
    pub given: crate::Given,
    /// A file longer than this is read a piece at a time.
    pub piece: usize,
    /// What a manifest says of each document (`--meta`), over `given`.
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
            encoding: None,
            filter: Filter::default(),
            resume_from: None,
            in_flight: 8,
            limits: Limits::default(),
            skip: Vec::new(),
            given: crate::Given::default(),
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

/// Total input bytes on disk, for a progress bar (stats only, no reading).
pub fn disk_size(inputs: &[Input], filter: &Filter) -> u64 {
    inputs
        .iter()
        .map(|i| match i {
            Input::Stdin => 0,
            Input::Path(p) if p.is_dir() => walk(p)
                .filter_map(|w| match w {
                    Walked::File(f) => Some(f),
                    _ => None,
                })
                .filter(|f| archive_kind(f).is_some() || filter.keeps(&f.display().to_string()))
                .filter_map(|f| f.metadata().ok().map(|m| m.len()))
                .sum(),
            Input::Path(p) => p.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}

/// Process every document of `inputs` with `pack`. `finish` turns each
/// extraction (and the document's name) into what the caller keeps (encoded records, say) on the
/// worker that made it, so that the work and the freeing of a document's
/// records are spread over the pool; `done` is called once per document,
/// in input order, by whichever worker finds the next document ready (no
/// thread is woken per document just to keep the order).
pub fn run<T: Send>(
    pack: &RulePack,
    inputs: Vec<Input>,
    opts: &Options,
    finish: impl Fn(&str, Extraction) -> T + Sync,
    done: impl FnMut(Done<T>) -> io::Result<()> + Send,
) -> io::Result<()> {
    let in_flight = opts.in_flight.max(2);
    // Slots are handed back to the reader a few at a time: a wake-up per
    // document would cost more than reading one.
    let grant = (in_flight / 4).max(1);
    let (doc_tx, doc_rx) = sync_channel::<(usize, Document)>(in_flight);
    let (token_tx, token_rx) = sync_channel::<()>(in_flight / grant);
    for _ in 0..in_flight / grant {
        token_tx.send(()).expect("the channel has room");
    }
    let order = Mutex::new(Order {
        waiting: BTreeMap::new(),
        next: 0,
        freed: 0,
        grant,
        tokens: Some(token_tx),
        done,
        outcome: Ok(()),
        awaiting_turn: 0,
    });
    let turn = Condvar::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(io::Error::other)?;
    std::thread::scope(|scope| {
        let reader_opts = opts.clone();
        scope.spawn(move || read_all(inputs, &reader_opts, &doc_tx, &token_rx, grant));
        let encoding = opts.encoding.clone();
        let limits = opts.limits;
        let given = opts.given;
        let piece = opts.piece;
        let meta = opts.meta.clone();
        let finish = &finish;
        let order = &order;
        let turn = &turn;
        scope.spawn(move || {
            pool.install(|| {
                doc_rx.into_iter().par_bridge().for_each(|(seq, doc)| {
                    let given = match &meta {
                        Some(m) => m.given_for(&doc.name, &given),
                        None => given,
                    };
                    let skipped = matches!(doc.content, Content::Skipped(_));
                    let (body, disk_bytes) = doc.content.load(&limits, piece);
                    let error = |code: &str, message: String| Diagnostic {
                        doc: doc.name.clone(),
                        severity: if skipped {
                            Severity::Warning
                        } else {
                            Severity::Error
                        },
                        code: code.into(),
                        line: None,
                        message,
                    };
                    let bytes = match body {
                        Ok(Body::Long(file)) => {
                            let long = Long {
                                seq,
                                name: &doc.name,
                                order,
                                turn,
                            };
                            return long.run(|name, pieces| {
                                crate::chunk::process_long(
                                    pack,
                                    name,
                                    file,
                                    encoding.as_deref(),
                                    &given,
                                    piece,
                                    |p| pieces(p, finish),
                                )
                            });
                        }
                        Ok(Body::Whole(bytes)) => Ok(Ok(bytes)),
                        Ok(Body::Text(text)) => Ok(Err(text)),
                        Err(why) => Err(why),
                    };
                    // A bug that panics on one document costs that document,
                    // not the batch (nor a hang waiting for its result).
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        let result = match bytes {
                            Ok(Ok(bytes)) => crate::process_with(
                                pack,
                                &doc.name,
                                &bytes,
                                encoding.as_deref(),
                                &given,
                            ),
                            Ok(Err(text)) => {
                                Ok(crate::extract_with(pack, &doc.name, &text, &given))
                            }
                            Err(why) if skipped => Err(error("skipped", why)),
                            Err(why) => Err(error("unreadable", why)),
                        };
                        match result {
                            Ok(mut x) => {
                                let diagnostics = std::mem::take(&mut x.diagnostics);
                                (Ok(finish(&doc.name, x)), diagnostics)
                            }
                            Err(e) => (Err(e), Vec::new()),
                        }
                    }));
                    let (result, diagnostics) = outcome.unwrap_or_else(|panic| {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        let message = format!("internal error (a bug: please report it): {what}");
                        (Err(error("internal_error", message)), Vec::new())
                    });
                    let mut order = order.lock().unwrap_or_else(PoisonError::into_inner);
                    order.take(
                        seq,
                        Done {
                            name: doc.name,
                            result,
                            diagnostics,
                            disk_bytes,
                            more: false,
                        },
                    );
                    if order.awaiting_turn > 0 {
                        turn.notify_all();
                    }
                });
            });
        });
    });
    order
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .outcome
}

/// Results put back in input order, and handed on as they become ready.
struct Order<T, F> {
    waiting: BTreeMap<usize, Done<T>>,
    next: usize,
    /// Slots freed since the reader was last given some.
    freed: usize,
    grant: usize,
    /// Slots for the reader; dropped once the caller gave up (an error
    /// writing the output, a closed pipe), which stops the reader.
    tokens: Option<SyncSender<()>>,
    done: F,
    outcome: io::Result<()>,
    /// Workers of long documents waiting for their turn (see [`Long`]).
    awaiting_turn: usize,
}

impl<T, F: FnMut(Done<T>) -> io::Result<()>> Order<T, F> {
    /// Hand a document to the caller, unless it gave up already. A panic
    /// there is an error like a failed write: it must not take the lock's
    /// other waiters (the reader, a long document's worker) down with it.
    fn hand_on(&mut self, d: Done<T>) {
        if self.outcome.is_ok() {
            let done = &mut self.done;
            self.outcome = std::panic::catch_unwind(AssertUnwindSafe(|| done(d)))
                .unwrap_or_else(|_| Err(io::Error::other("internal error writing the output")));
            if self.outcome.is_err() {
                self.tokens = None;
            }
        }
    }

    fn take(&mut self, seq: usize, d: Done<T>) {
        self.waiting.insert(seq, d);
        while let Some(d) = self.waiting.remove(&self.next) {
            self.hand_on(d);
            self.next += 1;
            self.freed += 1;
            if self.freed == self.grant {
                // Slots are free again; a closed channel means reading ended.
                if let Some(tokens) = &self.tokens {
                    let _ = tokens.send(());
                }
                self.freed = 0;
            }
        }
    }
}

/// A long document's worker: it waits until every document before it is
/// out, then hands its pieces straight to the caller as each is done, so
/// its records are never all held. No deadlock: documents are taken in
/// order, so the ones before it are all being processed already.
struct Long<'a, T, F> {
    seq: usize,
    name: &'a str,
    order: &'a Mutex<Order<T, F>>,
    turn: &'a Condvar,
}

impl<T, F: FnMut(Done<T>) -> io::Result<()>> Long<'_, T, F> {
    /// Run `read` (which calls `pieces` for each piece, and stops when it
    /// returns false) in this document's turn.
    fn run<E>(&self, read: impl FnOnce(&str, &mut dyn FnMut(crate::chunk::Piece, &E) -> bool))
    where
        E: Fn(&str, Extraction) -> T,
    {
        let lock = || self.order.lock().unwrap_or_else(PoisonError::into_inner);
        let mut order = lock();
        order.awaiting_turn += 1;
        while order.next != self.seq {
            order = self
                .turn
                .wait(order)
                .unwrap_or_else(PoisonError::into_inner);
        }
        order.awaiting_turn -= 1;
        drop(order);
        let mut finished = false;
        read(self.name, &mut |piece, finish| {
            let (result, diagnostics) = match piece.result {
                Ok(mut x) => {
                    let diagnostics = std::mem::take(&mut x.diagnostics);
                    (Ok(finish(self.name, x)), diagnostics)
                }
                Err(e) => (Err(e), Vec::new()),
            };
            let done = Done {
                name: self.name.to_string(),
                result,
                diagnostics,
                disk_bytes: piece.bytes,
                more: !piece.last,
            };
            let mut order = lock();
            if piece.last {
                finished = true;
                order.take(self.seq, done);
                return false;
            }
            order.hand_on(done);
            order.outcome.is_ok()
        });
        let mut order = lock();
        if !finished {
            // The caller gave up (its output failed): the document ends here.
            order.take(
                self.seq,
                Done {
                    name: self.name.to_string(),
                    result: Err(Diagnostic {
                        doc: self.name.to_string(),
                        severity: Severity::Error,
                        code: "unreadable".into(),
                        line: None,
                        message: "stopped: the output failed".into(),
                    }),
                    diagnostics: Vec::new(),
                    disk_bytes: 0,
                    more: false,
                },
            );
        }
        if order.awaiting_turn > 0 {
            self.turn.notify_all();
        }
    }
}

/// The reader: every document in order, each sent once a slot is free
/// (a token grants `grant` slots).
fn read_all(
    inputs: Vec<Input>,
    opts: &Options,
    docs: &SyncSender<(usize, Document)>,
    tokens: &Receiver<()>,
    grant: usize,
) {
    let mut seq = 0;
    let mut slots = 0;
    let mut to_skip = opts.resume_from.as_ref().map(|r| r.occurrence);
    let skip: Vec<PathBuf> = opts
        .skip
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let skipped = |p: &Path| !skip.is_empty() && p.canonicalize().is_ok_and(|c| skip.contains(&c));
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    };
    let mut emit = |doc: Document| -> bool {
        if cancelled() {
            return false;
        }
        if let (Some(left), Some(resume)) = (&mut to_skip, &opts.resume_from) {
            if doc.name == resume.name {
                *left -= 1;
            }
            if *left > 0 || doc.name != resume.name {
                return true;
            }
            to_skip = None;
        }
        if slots == 0 {
            if tokens.recv().is_err() {
                return false;
            }
            slots = grant;
        }
        slots -= 1;
        let ok = docs.send((seq, doc)).is_ok();
        seq += 1;
        ok
    };
    let limits = &opts.limits;
    if opts.jsonl {
        for input in inputs {
            let go_on = match input {
                Input::Stdin => read_jsonl(io::stdin().lock(), "-", limits, &mut emit),
                Input::Path(p) if p.is_dir() => walk(&p).all(|entry| match entry {
                    Walked::File(f) if skipped(&f) => true,
                    Walked::File(f) if opts.filter.keeps(&f.display().to_string()) => {
                        read_jsonl_file(&f, limits, &mut emit)
                    }
                    Walked::File(_) => true,
                    Walked::Special(f, kind) => emit(Document {
                        name: f.display().to_string(),
                        content: Content::Skipped(format!("not a regular file ({kind}): skipped")),
                    }),
                    Walked::Failed(name, why) => emit(failed(name, why)),
                }),
                Input::Path(p) => read_jsonl_file(&p, limits, &mut emit),
            };
            if !go_on {
                return;
            }
        }
        return;
    }
    for input in inputs {
        let go_on = match input {
            Input::Stdin => emit(Document {
                name: "-".into(),
                content: match read_capped(
                    io::stdin().lock(),
                    limits.max_file_size,
                    "--max-file-size",
                ) {
                    Ok(bytes) => Content::Read {
                        disk_bytes: bytes.len() as u64,
                        bytes,
                    },
                    Err(why) => Content::Failed(why),
                },
            }),
            Input::Path(p) if p.is_dir() => walk(&p).all(|entry| match entry {
                Walked::File(f) if skipped(&f) => true,
                Walked::File(f) if archive_kind(&f).is_some() => {
                    read_archive(&f, &opts.filter, limits, &mut emit)
                }
                Walked::File(f) if opts.filter.keeps(&f.display().to_string()) => {
                    emit(read_file(&f))
                }
                Walked::File(_) => true,
                Walked::Special(f, kind) => emit(Document {
                    name: f.display().to_string(),
                    content: Content::Skipped(format!("not a regular file ({kind}): skipped")),
                }),
                Walked::Failed(name, why) => emit(failed(name, why)),
            }),
            Input::Path(p) if archive_kind(&p).is_some() => {
                read_archive(&p, &opts.filter, limits, &mut emit)
            }
            Input::Path(p) => emit(read_file(&p)),
        };
        if !go_on {
            return;
        }
    }
}

/// A file of JSON Lines documents (see [`read_jsonl`]).
fn read_jsonl_file(path: &Path, limits: &Limits, emit: &mut impl FnMut(Document) -> bool) -> bool {
    let name = path.display().to_string();
    // The size limit is each line's (a document's), not the file's.
    let whole_file = Limits {
        max_file_size: u64::MAX,
        ..*limits
    };
    match open_path(path, &whole_file) {
        Ok((file, _)) => read_jsonl(io::BufReader::new(file), &name, limits, emit),
        Err(why) => emit(failed(name, why)),
    }
}

/// Documents as JSON Lines, `{"doc": …, "text": …}` a line, each a document
/// of its own (named by its `doc`). A line longer than `--max-file-size`
/// is passed over to its end, never held; a line that is no such object is
/// an error named `input:line`; a read error ends the input.
fn read_jsonl(
    mut reader: impl BufRead,
    input: &str,
    limits: &Limits,
    emit: &mut impl FnMut(Document) -> bool,
) -> bool {
    #[derive(serde::Deserialize)]
    struct Piped {
        doc: String,
        text: String,
    }
    let mut buf = Vec::new();
    for line_no in 1.. {
        buf.clear();
        let at = |why: String| failed(format!("{input}:{line_no}"), why);
        let doc = match next_line(&mut reader, limits.max_file_size, &mut buf) {
            Ok(None) => return true,
            Ok(Some(Err(len))) => at(format!(
                "a line of {len} bytes or more: larger than --max-file-size ({} bytes); passed over",
                limits.max_file_size
            )),
            Err(e) => return emit(at(format!("cannot be read: {e}"))),
            Ok(Some(Ok(()))) if buf.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(Some(Ok(()))) => match serde_json::from_slice::<Piped>(&buf) {
                Ok(d) => Document {
                    name: d.doc,
                    content: Content::Text {
                        disk_bytes: buf.len() as u64 + 1,
                        text: d.text,
                    },
                },
                Err(e) => at(format!("expected {{\"doc\": …, \"text\": …}} ({e})")),
            },
        };
        if !emit(doc) {
            return false;
        }
    }
    true
}

/// Read the next line into `buf` (without its line break): `None` at the
/// end, `Some(Err(n))` for a line over `limit` bytes, skipped to its end
/// (`n`: the bytes seen before giving up on it).
fn next_line(
    reader: &mut impl BufRead,
    limit: u64,
    buf: &mut Vec<u8>,
) -> io::Result<Option<Result<(), u64>>> {
    let n = reader
        .by_ref()
        .take(limit.saturating_add(1))
        .read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(Ok(())));
    }
    if (buf.len() as u64) <= limit {
        // The last line, without a line break.
        return Ok(Some(Ok(())));
    }
    let seen = buf.len() as u64;
    buf.clear();
    // Pass over the rest of the line a buffer at a time.
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        match memchr::memchr(b'\n', chunk) {
            Some(i) => {
                reader.consume(i + 1);
                break;
            }
            None => {
                let len = chunk.len();
                reader.consume(len);
            }
        }
    }
    Ok(Some(Err(seen)))
}

/// What a directory walk finds.
enum Walked {
    File(PathBuf),
    /// A FIFO, a device or a socket: not a document.
    Special(PathBuf, &'static str),
    /// A walk error (a loop, a directory that cannot be listed): path, why.
    Failed(String, String),
}

/// Files under a directory in name order.
fn walk(dir: &Path) -> impl Iterator<Item = Walked> + use<> {
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
                e.to_string(),
            )),
        })
}

/// A document that could not be read, and why.
fn failed(name: String, why: String) -> Document {
    Document {
        name,
        content: Content::Failed(why),
    }
}

fn read_file(path: &Path) -> Document {
    Document {
        name: path.display().to_string(),
        content: Content::File(path.to_path_buf()),
    }
}

/// Whether a name is an archive's (`reports.zip`, `a.tar.gz`), whose
/// documents are named `name!inner/path`.
pub fn is_archive_name(name: &str) -> bool {
    archive_kind(Path::new(name)).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArchiveKind {
    Zip,
    Tar,
    TarGz,
}

fn archive_kind(path: &Path) -> Option<ArchiveKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".zip") {
        Some(ArchiveKind::Zip)
    } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Some(ArchiveKind::TarGz)
    } else if name.ends_with(".tar") {
        Some(ArchiveKind::Tar)
    } else {
        None
    }
}

/// How much an archive may still give: its whole budget (its size on disk
/// times the ratio, at least [`ARCHIVE_FLOOR`]) less what it gave so far.
struct Budget {
    left: u64,
    limits: Limits,
}

impl Budget {
    fn new(path: &Path, limits: &Limits) -> Budget {
        let size = path.metadata().map_or(0, |m| m.len());
        Budget {
            left: size
                .saturating_mul(limits.max_archive_ratio)
                .max(ARCHIVE_FLOOR),
            limits: *limits,
        }
    }

    /// One entry's bytes, within the file limit and what the archive has
    /// left. `Err(Ok(why))`: this entry fails; `Err(Err(why))`: the archive
    /// is spent, and reading it stops.
    fn read(&mut self, entry: impl Read) -> Result<Vec<u8>, Result<String, String>> {
        let limit = self.limits.max_file_size.min(self.left);
        match read_capped(entry, limit, "") {
            Ok(bytes) => {
                self.left -= bytes.len() as u64;
                Ok(bytes)
            }
            Err(_) if limit < self.limits.max_file_size => Err(Err(format!(
                "expands past {}x its size (--max-archive-ratio): a zip bomb? reading stopped",
                self.limits.max_archive_ratio
            ))),
            Err(why) if why.starts_with("larger than") => Err(Ok(format!(
                "larger than --max-file-size ({} bytes)",
                self.limits.max_file_size
            ))),
            Err(why) => Err(Ok(why)),
        }
    }
}

/// Every file of an archive, read in place. Returns false when the
/// consumer is gone.
fn read_archive(
    path: &Path,
    filter: &Filter,
    limits: &Limits,
    emit: &mut impl FnMut(Document) -> bool,
) -> bool {
    let archive = path.display().to_string();
    let fail = |why: String| failed(archive.clone(), why);
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return emit(fail(e.to_string())),
    };
    let mut budget = Budget::new(path, limits);
    let inner = |entry: &str| format!("{archive}!{entry}");
    match archive_kind(path) {
        Some(ArchiveKind::Zip) => {
            if let Err(why) = zip_ends_whole(&file) {
                return emit(fail(why));
            }
            let mut zip = match zip::ZipArchive::new(file) {
                Ok(z) => z,
                Err(e) => return emit(fail(format!("not a readable zip archive: {e}"))),
            };
            for i in 0..zip.len() {
                let doc = match zip.by_index(i) {
                    Ok(entry) if entry.is_file() => {
                        let name = inner(
                            &entry
                                .name()
                                .map(|n| n.to_string())
                                .unwrap_or_else(|_| format!("#{i}")),
                        );
                        if !filter.keeps(&name) {
                            continue;
                        }
                        let disk_bytes = entry.compressed_size();
                        let content = match budget.read(entry) {
                            Ok(bytes) => Content::Read { bytes, disk_bytes },
                            Err(Ok(why)) => Content::Failed(why),
                            Err(Err(why)) => return emit(failed(name, why)),
                        };
                        Document { name, content }
                    }
                    Ok(_) => continue,
                    Err(e) => failed(format!("{archive}!#{i}"), e.to_string()),
                };
                if !emit(doc) {
                    return false;
                }
            }
            true
        }
        Some(kind) => {
            let reader: Box<dyn Read> = if kind == ArchiveKind::TarGz {
                // Multi-member: concatenated gzip streams are one archive.
                Box::new(flate2::read::MultiGzDecoder::new(io::BufReader::new(file)))
            } else {
                Box::new(file)
            };
            read_tar(
                tar::Archive::new(reader),
                &archive,
                filter,
                &mut budget,
                emit,
            )
        }
        None => emit(read_file(path)),
    }
}

/// Whether a zip file ends with its end-of-central-directory record. A zip
/// cut short (a truncated download) has lost it, and a reader looking for
/// it backwards would find the one of a zip stored inside and read that
/// one's members instead.
fn zip_ends_whole(file: &File) -> Result<(), String> {
    use std::io::{Seek, SeekFrom};
    const EOCD: &[u8] = b"PK\x05\x06";
    // The record is 22 bytes and a comment of at most 65,535.
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let tail_len = len.min(22 + 65_535);
    let mut tail = Vec::with_capacity(tail_len as usize);
    let mut f = file;
    f.seek(SeekFrom::Start(len - tail_len))
        .and_then(|_| f.take(tail_len).read_to_end(&mut tail))
        .and_then(|_| f.seek(SeekFrom::Start(0)))
        .map_err(|e| e.to_string())?;
    let ends_here = memchr::memmem::rfind_iter(&tail, EOCD).any(|at| {
        tail.get(at + 20..at + 22)
            .is_some_and(|c| at + 22 + usize::from(u16::from_le_bytes([c[0], c[1]])) == tail.len())
    });
    if ends_here {
        Ok(())
    } else {
        Err("not a whole zip archive: it does not end with its central directory (cut short? a truncated download)".into())
    }
}

fn read_tar(
    mut tar: tar::Archive<Box<dyn Read>>,
    archive: &str,
    filter: &Filter,
    budget: &mut Budget,
    emit: &mut impl FnMut(Document) -> bool,
) -> bool {
    let entries = match tar.entries() {
        Ok(e) => e,
        Err(e) => {
            return emit(failed(
                archive.to_string(),
                format!("not a readable tar archive: {e}"),
            ));
        }
    };
    for entry in entries {
        let doc = match entry {
            Ok(mut e) if e.header().entry_type().is_file() => {
                let name = format!(
                    "{archive}!{}",
                    e.path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                );
                if !filter.keeps(&name) {
                    continue;
                }
                let declared = e.header().size().unwrap_or(0);
                let content = match budget.read(&mut e) {
                    // The archive ended inside this entry.
                    Ok(bytes) if (bytes.len() as u64) < declared => Content::Failed(format!(
                        "tar entry cut short: {} of {declared} bytes",
                        bytes.len()
                    )),
                    Ok(bytes) => Content::Read {
                        disk_bytes: bytes.len() as u64,
                        bytes,
                    },
                    Err(Ok(why)) => Content::Failed(why),
                    Err(Err(why)) => return emit(failed(name, why)),
                };
                Document { name, content }
            }
            Ok(_) => continue,
            // A broken archive ends here; what was read stays read.
            Err(e) => {
                return emit(failed(
                    archive.to_string(),
                    format!("tar archive broken: {e}"),
                ));
            }
        };
        if !emit(doc) {
            return false;
        }
    }
    true
}
