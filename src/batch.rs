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

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Mutex, PoisonError};

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
}

impl Filter {
    /// Patterns as ripgrep takes them: `!` in front excludes.
    pub fn new(patterns: &[String]) -> Result<Filter, globset::Error> {
        let (mut inc, mut exc) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        let (mut any_inc, mut any_exc) = (false, false);
        for p in patterns {
            match p.strip_prefix('!') {
                Some(neg) => {
                    exc.add(Glob::new(neg)?);
                    any_exc = true;
                }
                None => {
                    inc.add(Glob::new(p)?);
                    any_inc = true;
                }
            }
        }
        Ok(Filter {
            include: any_inc.then(|| inc.build()).transpose()?,
            exclude: any_exc.then(|| exc.build()).transpose()?,
        })
    }

    fn keeps(&self, path: &str) -> bool {
        let name = path.rsplit(['/', '!']).next().unwrap_or(path);
        let hit = |set: &GlobSet| set.is_match(path) || set.is_match(name);
        self.include.as_ref().is_none_or(hit) && !self.exclude.as_ref().is_some_and(hit)
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
    /// Could not be read, and why.
    Failed(String),
}

impl Content {
    /// The bytes (or why there are none) and the input bytes they stand for.
    fn load(self) -> (Result<Vec<u8>, String>, u64) {
        match self {
            Content::Read { bytes, disk_bytes } => (Ok(bytes), disk_bytes),
            Content::File(path) => match std::fs::read(path) {
                Ok(bytes) => {
                    let n = bytes.len() as u64;
                    (Ok(bytes), n)
                }
                Err(e) => (Err(e.to_string()), 0),
            },
            Content::Failed(why) => (Err(why), 0),
        }
    }
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
}

#[derive(Debug, Clone)]
pub struct Options {
    pub jobs: usize,
    pub encoding: Option<String>,
    pub filter: Filter,
    /// Skip every document before the one with this name (resuming).
    pub resume_from: Option<String>,
    /// Most documents held at once.
    pub in_flight: usize,
}

/// Total input bytes on disk, for a progress bar (stats only, no reading).
pub fn disk_size(inputs: &[Input], filter: &Filter) -> u64 {
    inputs
        .iter()
        .map(|i| match i {
            Input::Stdin => 0,
            Input::Path(p) if p.is_dir() => walk(p)
                .filter_map(Result::ok)
                .filter(|f| archive_kind(f).is_some() || filter.keeps(&f.display().to_string()))
                .filter_map(|f| f.metadata().ok().map(|m| m.len()))
                .sum(),
            Input::Path(p) => p.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}

/// Process every document of `inputs` with `pack`. `finish` turns each
/// extraction into what the caller keeps (encoded records, say) on the
/// worker that made it, so that the work and the freeing of a document's
/// records are spread over the pool; `done` is called once per document,
/// in input order, by whichever worker finds the next document ready (no
/// thread is woken per document just to keep the order).
pub fn run<T: Send>(
    pack: &RulePack,
    inputs: Vec<Input>,
    opts: &Options,
    finish: impl Fn(Extraction) -> T + Sync,
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
        tokens: token_tx,
        done,
        outcome: Ok(()),
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(io::Error::other)?;
    std::thread::scope(|scope| {
        let reader_opts = opts.clone();
        scope.spawn(move || read_all(inputs, &reader_opts, &doc_tx, &token_rx, grant));
        let encoding = opts.encoding.clone();
        let finish = &finish;
        let order = &order;
        scope.spawn(move || {
            pool.install(|| {
                doc_rx.into_iter().par_bridge().for_each(|(seq, doc)| {
                    let (bytes, disk_bytes) = doc.content.load();
                    let error = |code: &str, message: String| Diagnostic {
                        doc: doc.name.clone(),
                        severity: Severity::Error,
                        code: code.into(),
                        line: None,
                        message,
                    };
                    // A bug that panics on one document costs that document,
                    // not the batch (nor a hang waiting for its result).
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        let result = match bytes {
                            Ok(bytes) => {
                                crate::process(pack, &doc.name, &bytes, encoding.as_deref())
                            }
                            Err(why) => Err(error("unreadable", why)),
                        };
                        match result {
                            Ok(mut x) => {
                                let diagnostics = std::mem::take(&mut x.diagnostics);
                                (Ok(finish(x)), diagnostics)
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
                        },
                    );
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
    tokens: SyncSender<()>,
    done: F,
    outcome: io::Result<()>,
}

impl<T, F: FnMut(Done<T>) -> io::Result<()>> Order<T, F> {
    fn take(&mut self, seq: usize, d: Done<T>) {
        self.waiting.insert(seq, d);
        while let Some(d) = self.waiting.remove(&self.next) {
            if self.outcome.is_ok() {
                self.outcome = (self.done)(d);
            }
            self.next += 1;
            self.freed += 1;
            if self.freed == self.grant {
                // Slots are free again; a closed channel means reading ended.
                let _ = self.tokens.send(());
                self.freed = 0;
            }
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
    let mut skipping = opts.resume_from.is_some();
    let mut emit = |doc: Document| -> bool {
        if skipping {
            if Some(&doc.name) != opts.resume_from.as_ref() {
                return true;
            }
            skipping = false;
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
    for input in inputs {
        let go_on = match input {
            Input::Stdin => {
                let mut buf = Vec::new();
                emit(Document {
                    name: "-".into(),
                    content: read(io::stdin().read_to_end(&mut buf), buf),
                })
            }
            Input::Path(p) if p.is_dir() => walk(&p).all(|entry| match entry {
                Ok(f) if archive_kind(&f).is_some() => read_archive(&f, &opts.filter, &mut emit),
                Ok(f) if opts.filter.keeps(&f.display().to_string()) => emit(read_file(&f)),
                Ok(_) => true,
                Err((name, why)) => emit(failed(name, why)),
            }),
            Input::Path(p) if archive_kind(&p).is_some() => {
                read_archive(&p, &opts.filter, &mut emit)
            }
            Input::Path(p) => emit(read_file(&p)),
        };
        if !go_on {
            return;
        }
    }
}

/// Files under a directory in name order; a walk error (a loop, a
/// directory that cannot be listed) is an error for that path.
fn walk(dir: &Path) -> impl Iterator<Item = Result<PathBuf, (String, String)>> + use<> {
    let top = dir.display().to_string();
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(move |e| match e {
            Ok(e) if e.file_type().is_file() => Some(Ok(e.into_path())),
            Ok(_) => None,
            Err(e) => Some(Err((
                e.path()
                    .map_or_else(|| top.clone(), |p| p.display().to_string()),
                e.to_string(),
            ))),
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

/// The content that a `read_to_end` into `buf` gave.
fn read(outcome: io::Result<usize>, buf: Vec<u8>) -> Content {
    match outcome {
        Ok(_) => Content::Read {
            disk_bytes: buf.len() as u64,
            bytes: buf,
        },
        Err(e) => Content::Failed(e.to_string()),
    }
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

/// Every file of an archive, read in place. Returns false when the
/// consumer is gone.
fn read_archive(path: &Path, filter: &Filter, emit: &mut impl FnMut(Document) -> bool) -> bool {
    let archive = path.display().to_string();
    let fail = |why: String| failed(archive.clone(), why);
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return emit(fail(e.to_string())),
    };
    let inner = |entry: &str| format!("{archive}!{entry}");
    match archive_kind(path) {
        Some(ArchiveKind::Zip) => {
            let mut zip = match zip::ZipArchive::new(file) {
                Ok(z) => z,
                Err(e) => return emit(fail(format!("not a readable zip archive: {e}"))),
            };
            for i in 0..zip.len() {
                let doc = match zip.by_index(i) {
                    Ok(mut entry) if entry.is_file() => {
                        let name = inner(
                            &entry
                                .name()
                                .map(|n| n.to_string())
                                .unwrap_or_else(|_| format!("#{i}")),
                        );
                        if !filter.keeps(&name) {
                            continue;
                        }
                        let mut buf = Vec::with_capacity(entry.size().min(64 << 20) as usize);
                        let content = match read(entry.read_to_end(&mut buf), buf) {
                            Content::Read { bytes, .. } => Content::Read {
                                bytes,
                                disk_bytes: entry.compressed_size(),
                            },
                            other => other,
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
                Box::new(flate2::read::GzDecoder::new(file))
            } else {
                Box::new(file)
            };
            read_tar(tar::Archive::new(reader), &archive, filter, emit)
        }
        None => emit(read_file(path)),
    }
}

fn read_tar(
    mut tar: tar::Archive<Box<dyn Read>>,
    archive: &str,
    filter: &Filter,
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
                let mut buf = Vec::new();
                Document {
                    name,
                    content: read(e.read_to_end(&mut buf), buf),
                }
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
