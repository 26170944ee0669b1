//! The reader: every document of the inputs in a fixed order (paths as
//! given, directories walked in name order, archive members in archive
//! order, JSON Lines a line at a time), handed to the workers as slots free.

use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender};

use super::archive::{archive_kind, read_archive};
use super::input::{Content, Document, Filter, Input, Walked, failed, read_file, walk};
use super::limits::{Limits, ReadError, open_path, read_capped};
use super::options::Options;

/// The reader: every document in order, each sent once a slot is free
/// (a token grants `grant` slots).
pub(super) fn read_all(
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
                        content: Content::Skipped(kind),
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
                content: match read_capped(io::stdin().lock(), limits.max_file_size, None) {
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
                    content: Content::Skipped(kind),
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
        let at = |why: ReadError| failed(format!("{input}:{line_no}"), why);
        let doc = match next_line(&mut reader, limits.max_file_size, &mut buf) {
            Ok(None) => return true,
            Ok(Some(Err(seen))) => at(ReadError::LongLine {
                seen,
                limit: limits.max_file_size,
            }),
            Err(e) => return emit(at(ReadError::Io(format!("cannot be read: {e}")))),
            Ok(Some(Ok(()))) if buf.iter().all(u8::is_ascii_whitespace) => continue,
            Ok(Some(Ok(()))) => match serde_json::from_slice::<Piped>(&buf) {
                Ok(d) => Document {
                    name: d.doc,
                    content: Content::Text {
                        disk_bytes: buf.len() as u64 + 1,
                        text: d.text,
                    },
                },
                Err(e) => at(ReadError::Format(format!(
                    "expected {{\"doc\": …, \"text\": …}} ({e})"
                ))),
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
