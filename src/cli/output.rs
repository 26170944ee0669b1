//! Where a batch's records go: stdout or a file, in one format.
//!
//! A file that exists is protected: `--force` overwrites it, `--resume`
//! continues it in the format it is in, and anything else is refused
//! before the file is touched. Every format resumes:
//!
//! - JSONL, CSV and JSON are written a document at a time, one record a
//!   line, so the complete documents of a killed run are whole lines; a
//!   resumed run keeps those before the last document named and goes on.
//! - Parquet has its footer only once the run ends, so a run to a file
//!   writes its rows to `FILE.tmp` as it goes, renamed over `FILE` at the
//!   end, and beside it a journal (`FILE.partial`, JSON Lines) of the same
//!   rows: a kill leaves the journal to resume and any earlier file whole.
//!   A resumed run writes the journal's rows into the new `FILE.tmp` first.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
use zhibiao::batch::ResumePoint;
use zhibiao::columnar::{Columnar, ParquetSink, batch};
use zhibiao::output::{Encoded, Encoder, Format, Row};

/// What `--format` may name: a text format, or Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Jsonl,
    Csv,
    Json,
    Parquet,
}

impl OutputFormat {
    /// The text format, or `None` for Parquet.
    pub fn text(self) -> Option<Format> {
        match self {
            OutputFormat::Jsonl => Some(Format::Jsonl),
            OutputFormat::Csv => Some(Format::Csv),
            OutputFormat::Json => Some(Format::Json),
            OutputFormat::Parquet => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            OutputFormat::Jsonl => "JSONL",
            OutputFormat::Csv => "CSV",
            OutputFormat::Json => "JSON",
            OutputFormat::Parquet => "Parquet",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Parquet => "parquet",
        }
    }
}

/// A writer whose errors name what it writes to.
pub struct Named<W> {
    inner: W,
    name: String,
}

impl<W> Named<W> {
    pub fn new(inner: W, name: impl Into<String>) -> Named<W> {
        Named {
            inner,
            name: name.into(),
        }
    }

    fn error(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.name))
    }
}

impl<W: Write> Write for Named<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.error(e))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.error(e))
    }
}

type Out = Box<dyn Write + Send>;

/// Where records go.
pub enum Sink<R: Columnar> {
    /// A text format, a document's records encoded at a time.
    Text { out: Out, encoder: Encoder },
    /// Parquet to a pipe: row groups as they fill, the footer at the end.
    Parquet(Box<ParquetSink<Out, R>>),
    /// Parquet to a file: written to `FILE.tmp` as it goes, with a JSONL
    /// journal of the same rows to resume from.
    Journal(Box<Journal<R>>),
}

/// A Parquet run to a file: its journal, the Parquet file being written,
/// and the file it becomes.
pub struct Journal<R: Columnar> {
    out: Named<File>,
    encoder: Encoder,
    path: PathBuf,
    parquet: ParquetSink<io::BufWriter<Named<File>>, R>,
    tmp: PathBuf,
    target: PathBuf,
}

/// What a sink asks a worker to make of a document's records: text in a
/// format, rows, or (a Parquet file with its journal) both.
#[derive(Debug, Clone, Copy)]
pub struct Wants {
    text: Option<Format>,
    rows: bool,
}

/// What a worker made of a document's records for the sink: the text, and
/// the rows as an Arrow batch (built by the worker, not the writer).
pub struct Made {
    text: Option<io::Result<Encoded>>,
    rows: Option<Result<RecordBatch, ArrowError>>,
}

impl<R: Row + Columnar> Sink<R> {
    /// What workers make of each document's records for this sink.
    pub fn wants(&self) -> Wants {
        match self {
            Sink::Text { encoder, .. } => Wants {
                text: Some(encoder.format()),
                rows: false,
            },
            Sink::Journal(_) => Wants {
                text: Some(Format::Jsonl),
                rows: true,
            },
            Sink::Parquet(_) => Wants {
                text: None,
                rows: true,
            },
        }
    }

    /// What a worker makes of `records` for a sink that `wants` so.
    pub fn make(wants: Wants, records: &[R]) -> Made {
        Made {
            text: wants.text.map(|f| Encoded::new(f, records)),
            rows: (wants.rows && !records.is_empty()).then(|| batch(records)),
        }
    }

    /// Write what a worker made of one document; the records it held.
    pub fn take(&mut self, made: &Made, buf: &mut Vec<u8>) -> io::Result<usize> {
        let rows = made
            .rows
            .as_ref()
            .map(|b| b.as_ref().map_err(|e| io::Error::other(e.to_string())))
            .transpose()?;
        let (out, encoder): (&mut dyn Write, &mut Encoder) = match self {
            Sink::Parquet(sink) => {
                let Some(batch) = rows else { return Ok(0) };
                sink.write_batch(batch).map_err(io::Error::other)?;
                return Ok(batch.num_rows());
            }
            Sink::Text { out, encoder } => (out, encoder),
            Sink::Journal(j) => {
                if let Some(batch) = rows {
                    j.parquet.write_batch(batch).map_err(io::Error::other)?;
                }
                (&mut j.out, &mut j.encoder)
            }
        };
        let encoded = made
            .text
            .as_ref()
            .expect("a text sink's workers encode text")
            .as_ref()
            .map_err(|e| io::Error::new(e.kind(), e.to_string()))?;
        buf.clear();
        encoder.push(encoded, buf)?;
        // One write per document: a kill never splits a document's records.
        out.write_all(buf)?;
        out.flush()?;
        Ok(encoded.records)
    }

    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Text { mut out, encoder } => {
                out.write_all(encoder.finish())?;
                out.flush()?;
            }
            Sink::Parquet(sink) => {
                sink.finish()?;
            }
            Sink::Journal(j) => j.finish()?,
        }
        Ok(())
    }
}

impl<R: Columnar> Journal<R> {
    /// A Parquet run to `target` journaled in `out` (at `path`), whose
    /// first `kept` bytes (a resumed run's) are written to the Parquet file
    /// before anything else.
    fn new(
        out: Named<File>,
        encoder: Encoder,
        path: PathBuf,
        target: &Path,
        kept: u64,
    ) -> anyhow::Result<Self> {
        let tmp = with_suffix(target, ".tmp");
        let shown = |p: &Path| p.display().to_string();
        let file = File::create(&tmp).with_context(|| shown(&tmp))?;
        let mut parquet = ParquetSink::new(io::BufWriter::new(Named::new(file, shown(&tmp))))?;
        if kept > 0 {
            let journal = File::open(&path).with_context(|| shown(&path))?;
            parquet
                .write_jsonl(BufReader::new(journal.take(kept)))
                .with_context(|| format!("{}: its rows into Parquet", shown(&path)))?;
        }
        Ok(Journal {
            out,
            encoder,
            path,
            parquet,
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// Finish the Parquet file, rename it over the target, and remove the
    /// journal.
    fn finish(mut self) -> anyhow::Result<()> {
        self.out.flush()?;
        drop(self.out);
        let shown = |p: &Path| p.display().to_string();
        self.parquet.finish().with_context(|| shown(&self.tmp))?;
        std::fs::rename(&self.tmp, &self.target).with_context(|| shown(&self.target))?;
        std::fs::remove_file(&self.path).with_context(|| shown(&self.path))?;
        Ok(())
    }
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The journal of a Parquet run to `target`.
pub fn journal_of(target: &Path) -> PathBuf {
    with_suffix(target, ".partial")
}

/// What an existing output file holds, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Is(OutputFormat),
    Other,
}

fn held(path: &Path, csv_header: &str) -> io::Result<Held> {
    let mut head = Vec::new();
    File::open(path)?.take(4096).read_to_end(&mut head)?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let first_line = first_line.strip_suffix(b"\r").unwrap_or(first_line);
    Ok(if head.starts_with(b"PAR1") {
        Held::Is(OutputFormat::Parquet)
    } else if head.starts_with(b"[") {
        Held::Is(OutputFormat::Json)
    } else if head.starts_with(b"{") {
        Held::Is(OutputFormat::Jsonl)
    } else if first_line == csv_header.as_bytes() {
        Held::Is(OutputFormat::Csv)
    } else {
        Held::Other
    })
}

/// The output of a run, and where a resumed run starts.
pub struct Opened<R: Columnar> {
    pub sink: Sink<R>,
    pub resume_from: Option<ResumePoint>,
    /// Files of the run that an input directory may hold: never read back.
    pub own_files: Vec<PathBuf>,
}

/// Open the output as asked: stdout, a new file, an existing one with
/// `--force`, or one to continue with `--resume`. Every check is made
/// before anything is written.
pub fn open<R: Row + Columnar>(
    path: Option<&Path>,
    format: OutputFormat,
    force: bool,
    resume: bool,
) -> anyhow::Result<Opened<R>> {
    let text_format = format.text();
    // Written as it goes: no protection, no journal, nothing to resume.
    let streamed = |out: Out, own_files| -> anyhow::Result<Opened<R>> {
        let sink = match text_format {
            Some(f) => Sink::Text {
                out,
                encoder: Encoder::new(f),
            },
            None => Sink::Parquet(Box::new(ParquetSink::new(out)?)),
        };
        Ok(Opened {
            sink,
            resume_from: None,
            own_files,
        })
    };
    let Some(path) = path else {
        return streamed(Box::new(Named::new(io::stdout(), "stdout")), Vec::new());
    };
    let shown = path.display().to_string();
    // Only a regular file is protected, continued or journaled (-o /dev/null
    // is written as it is).
    let regular = match path.metadata() {
        Ok(m) => m.is_file(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| shown.clone()),
    };
    let journal = journal_of(path);
    let journaled = format == OutputFormat::Parquet && regular;
    let exists = path.metadata().is_ok_and(|m| m.is_file() && m.len() > 0);
    let pending = journaled && journal.metadata().is_ok_and(|m| m.is_file());
    if (exists || pending) && !force && !resume {
        let what = if pending && !exists {
            format!("{} (a killed Parquet run's journal)", journal.display())
        } else {
            shown.clone()
        };
        bail!("{what} exists: use --force to overwrite it or --resume to continue it");
    }
    let header = R::HEADER.join(",");
    let mut own_files = vec![path.to_path_buf()];
    if journaled {
        own_files.extend([journal.clone(), with_suffix(path, ".tmp")]);
    }
    if !regular {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| shown.clone())?;
        return streamed(Box::new(Named::new(file, shown)), own_files);
    }
    if !resume || !(exists || pending) {
        let (target, text) = match text_format {
            Some(f) => (path.to_path_buf(), f),
            None => (journal.clone(), Format::Jsonl),
        };
        let file = File::create(&target).with_context(|| target.display().to_string())?;
        let file = Named::new(file, target.display().to_string());
        let sink = match text_format {
            Some(_) => Sink::Text {
                out: Box::new(file),
                encoder: Encoder::new(text),
            },
            None => Sink::Journal(Box::new(Journal::new(
                file,
                Encoder::new(Format::Jsonl),
                journal,
                path,
                0,
            )?)),
        };
        return Ok(Opened {
            sink,
            resume_from: None,
            own_files,
        });
    }
    // Resuming. The file must be what it is asked to continue.
    if exists {
        match held(path, &header).with_context(|| shown.clone())? {
            Held::Is(f) if f == format => {}
            Held::Is(f) => bail!(
                "--resume: {shown} holds {}, not {}: resume it with --format {} (nothing was changed)",
                f.name(),
                format.name(),
                f.flag()
            ),
            Held::Other => bail!(
                "--resume: {shown} is not {} output of zhibiao (its first bytes are neither {}); nothing was changed",
                format.name(),
                match format {
                    OutputFormat::Csv => format!("the CSV header `{}`", truncate(&header, 60)),
                    OutputFormat::Jsonl => "a JSON object".into(),
                    OutputFormat::Json => "a JSON array".into(),
                    OutputFormat::Parquet => "Parquet's magic".into(),
                }
            ),
        }
    }
    let (file_path, text) = match text_format {
        Some(f) => (path.to_path_buf(), f),
        None => {
            if !pending {
                // A finished Parquet file: its rows become the journal.
                parquet_to_journal(path, &journal)?;
            }
            (journal.clone(), Format::Jsonl)
        }
    };
    let file_shown = file_path.display().to_string();
    let (keep, resume_from) =
        resumable_prefix(&file_path, text).with_context(|| file_shown.clone())?;
    let mut file = OpenOptions::new()
        .write(true)
        .open(&file_path)
        .with_context(|| file_shown.clone())?;
    file.set_len(keep).with_context(|| file_shown.clone())?;
    file.seek(io::SeekFrom::End(0))
        .with_context(|| file_shown.clone())?;
    let file = Named::new(file, file_shown);
    let encoder = Encoder::resumed(text, keep > 0);
    let sink = match text_format {
        Some(_) => Sink::Text {
            out: Box::new(file),
            encoder,
        },
        None => Sink::Journal(Box::new(Journal::new(file, encoder, journal, path, keep)?)),
    };
    Ok(Opened {
        sink,
        resume_from,
        own_files,
    })
}

fn truncate(s: &str, chars: usize) -> String {
    match s.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The rows of a finished Parquet file written as the journal of a run
/// that goes on from them.
fn parquet_to_journal(path: &Path, journal: &Path) -> anyhow::Result<()> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| shown.clone())?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| {
            anyhow::anyhow!(
                "--resume: {shown} is not a whole Parquet file ({e}), and there is no journal ({}) to continue: run again with --force",
                journal.display()
            )
        })?;
    let out = File::create(journal).with_context(|| journal.display().to_string())?;
    let mut writer = arrow_json::LineDelimitedWriter::new(io::BufWriter::new(out));
    for batch in reader {
        writer
            .write(&batch.with_context(|| shown.clone())?)
            .with_context(|| journal.display().to_string())?;
    }
    writer.finish()?;
    writer.into_inner().flush()?;
    Ok(())
}

/// How much of an output to keep when resuming: everything before the
/// last document in it (which is done again, so a document is whole or
/// absent), and where that document stands in the input (its name, and
/// which occurrence of the name: a document may be named twice). Two
/// passes over the file, line by line, whatever its size.
fn resumable_prefix(path: &Path, format: Format) -> io::Result<(u64, Option<ResumePoint>)> {
    // First pass: the last document and where its last run of records starts.
    let mut last: Option<(String, u64)> = None;
    let mut first_record: Option<u64> = None;
    let mut header_end = 0;
    for_each_record(path, format, |offset, end, doc| match doc {
        Some(doc) => {
            first_record.get_or_insert(offset);
            if last.as_ref().is_none_or(|(d, _)| *d != doc) {
                last = Some((doc, offset));
            }
        }
        None if format == Format::Csv && offset == 0 => header_end = end,
        None => {}
    })?;
    let Some((name, start)) = last else {
        // Nothing complete yet: start again (keeping a CSV header, if whole).
        return Ok((header_end, None));
    };
    // Second pass: which occurrence of the name that run is.
    let mut occurrence = 0;
    let mut previous: Option<String> = None;
    for_each_record(path, format, |_, _, doc| {
        if let Some(doc) = doc {
            if doc == name && previous.as_deref() != Some(name.as_str()) {
                occurrence += 1;
            }
            previous = Some(doc);
        }
    })?;
    let keep = match format {
        // The records before it end with `,\n`, which the next document's
        // records will be joined with again.
        Format::Json if Some(start) == first_record => 0,
        Format::Json => start - 2,
        _ => start,
    };
    Ok((keep, Some(ResumePoint { name, occurrence })))
}

/// Call `each(start, end, doc)` for every whole line of an output: `doc`
/// is the document a record line names, `None` for a line that is no
/// record (a CSV header, JSON's brackets). A partial last line (a kill
/// inside a write) is not seen.
fn for_each_record(
    path: &Path,
    format: Format,
    mut each: impl FnMut(u64, u64, Option<String>),
) -> io::Result<()> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = Vec::new();
    let mut offset = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            return Ok(());
        }
        let end = offset + n as u64;
        let body = &line[..n - 1];
        let doc = match format {
            Format::Csv if offset == 0 => None,
            Format::Csv => csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(body)
                .records()
                .next()
                .and_then(Result::ok)
                .and_then(|r| {
                    r.get(0)
                        .map(|d| zhibiao::output::csv_cell_read(d).to_string())
                }),
            Format::Jsonl | Format::Json => {
                let body = body.strip_suffix(b",").unwrap_or(body);
                serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| v.get("doc").and_then(|d| d.as_str()).map(str::to_string))
            }
        };
        each(offset, end, doc);
        offset = end;
    }
}

/// The diagnostics file: new, or when resuming, cut before the first line
/// of the document the run starts again at (and any partial last line). A
/// path that is no regular file (`/dev/null`, a pipe) is written as it is.
pub fn open_diagnostics(path: &Path, resume: Option<&ResumePoint>) -> anyhow::Result<Named<File>> {
    let shown = path.display().to_string();
    let regular = path.metadata().map_or(true, |m| m.is_file());
    if !regular {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| shown.clone())?;
        return Ok(Named::new(file, shown));
    }
    let Some(point) = resume else {
        let file = File::create(path).with_context(|| shown.clone())?;
        return Ok(Named::new(file, shown));
    };
    let mut keep = 0;
    let mut seen = 0;
    let mut last: Option<String> = None;
    let mut found = false;
    if path.exists() {
        for_each_record(path, Format::Jsonl, |offset, end, doc| {
            if found {
                return;
            }
            if doc.as_deref() == Some(point.name.as_str()) && last != doc {
                seen += 1;
                if seen == point.occurrence {
                    keep = offset;
                    found = true;
                    return;
                }
            }
            last = doc;
            keep = end;
        })
        .with_context(|| shown.clone())?;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| shown.clone())?;
    file.set_len(keep).with_context(|| shown.clone())?;
    file.seek(io::SeekFrom::End(0))
        .with_context(|| shown.clone())?;
    Ok(Named::new(file, shown))
}
