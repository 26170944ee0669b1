//! Running a batch from the command line: inputs, output file (with
//! --force / --resume), progress, diagnostics, summary.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, IsTerminal, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zhibiao::batch::{self, Done, Filter, Input, Limits, Options, ResumePoint};
use zhibiao::columnar::{Columnar, ParquetSink};
use zhibiao::output::{Encoded, Encoder, Format, Row};
use zhibiao::{Diagnostic, Extraction, RulePack, Severity};

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
    fn text(self) -> Option<Format> {
        match self {
            OutputFormat::Jsonl => Some(Format::Jsonl),
            OutputFormat::Csv => Some(Format::Csv),
            OutputFormat::Json => Some(Format::Json),
            OutputFormat::Parquet => None,
        }
    }
}

/// Where records go: text encoded a document at a time, or Parquet.
enum Sink<R: Columnar> {
    Text {
        out: Box<dyn Write + Send>,
        encoder: Encoder,
    },
    Parquet(Box<ParquetSink<Box<dyn Write + Send>, R>>),
}

/// What a worker makes of a document's records for the sink.
enum Made<R> {
    Text(io::Result<Encoded>),
    Rows(Vec<R>),
}

impl<R: Columnar> Sink<R> {
    /// Write what a worker made of one document; the records it held.
    fn take(&mut self, made: &Made<R>, buf: &mut Vec<u8>) -> io::Result<usize> {
        match (self, made) {
            (Sink::Text { out, encoder }, Made::Text(encoded)) => {
                let encoded = encoded
                    .as_ref()
                    .map_err(|e| io::Error::new(e.kind(), e.to_string()))?;
                buf.clear();
                encoder.push(encoded, buf)?;
                // One write per document: a kill never splits a document's records.
                out.write_all(buf)?;
                out.flush()?;
                Ok(encoded.records)
            }
            (Sink::Parquet(sink), Made::Rows(rows)) => {
                sink.write(rows).map_err(io::Error::other)?;
                Ok(rows.len())
            }
            _ => unreachable!("a sink takes what its format makes"),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Text { mut out, encoder } => {
                out.write_all(encoder.finish())?;
                out.flush()
            }
            Sink::Parquet(sink) => sink.finish().map(drop).map_err(io::Error::other),
        }
    }
}

/// What a batch reads and how (the options common to extract, outline, eval).
#[derive(clap::Args, Debug, Clone)]
pub struct BatchArgs {
    /// Files, directories (walked recursively), archives (.zip, .tar, .tar.gz, .tgz) or - for stdin.
    pub paths: Vec<PathBuf>,
    /// Also read the paths listed in FILE, one a line (- for stdin).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Only files (in directories and archives) matching this glob; `!GLOB` excludes. Repeatable.
    #[arg(long = "glob", short = 'g', value_name = "GLOB")]
    pub globs: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Read inputs in this encoding instead of detecting it (gbk, big5, utf-16le …).
    #[arg(long)]
    pub encoding: Option<String>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read documents as JSON Lines, `{"doc": …, "text": …}` a line, from
    /// the PATHs (- for stdin): for RDD.pipe, Hadoop streaming and other
    /// engines that hand text over a pipe. Records go out in input order.
    #[arg(long)]
    pub jsonl_input: bool,
    /// Largest document read (a file, an archive entry, stdin): bytes, or with K, M, G.
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = parse_size)]
    pub max_file_size: u64,
    /// The year of every document read (a 2026 work report's, a bulletin's
    /// statistical year), over what its text says.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1949..=2100))]
    pub year: Option<i32>,
    /// A manifest (CSV with a header, or JSONL): `doc` and any of
    /// `region_code`, `year`, `type` per document, over what its text says.
    #[arg(long, value_name = "FILE")]
    pub meta: Option<PathBuf>,
    /// Most an archive may expand to, as a multiple of its size (at least 64 MB in all).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_archive_ratio)]
    pub max_archive_ratio: u64,
}

/// `2G`, `512M`, `64K` or a plain number of bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 10),
        Some((i, 'M' | 'm')) => (&t[..i], 20),
        Some((i, 'G' | 'g')) => (&t[..i], 30),
        _ => (t, 0),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("`{s}` is not a size: expected bytes, or a number with K, M or G"))
}

/// Where records go.
#[derive(clap::Args, Debug)]
pub struct OutputArgs {
    /// Record format: one JSON object a line, CSV with a header, one JSON
    /// array, or Parquet (typed columns; the Python package's schema).
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    pub format: OutputFormat,
    /// Write records here instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Overwrite an existing --output file.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Continue a killed run: skip the documents already complete in --output.
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Also write warnings and per-file errors here, as JSONL.
    #[arg(long, value_name = "FILE")]
    pub diagnostics: Option<PathBuf>,
}

impl BatchArgs {
    fn inputs(&self) -> anyhow::Result<Vec<Input>> {
        let mut paths = self.paths.clone();
        if let Some(list) = &self.files_from {
            let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
                Box::new(BufReader::new(io::stdin()))
            } else {
                Box::new(BufReader::new(
                    File::open(list).with_context(|| format!("{}", list.display()))?,
                ))
            };
            for line in reader.lines() {
                let line = line?;
                if !line.trim().is_empty() {
                    paths.push(PathBuf::from(line.trim_end_matches('\r')));
                }
            }
        }
        if paths.is_empty() {
            bail!("no input: give files, directories, archives, --files-from FILE, or - for stdin");
        }
        if let Some(e) = &self.encoding {
            zhibiao::decode::check_encoding(e)?;
        }
        Ok(paths
            .into_iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p)
                }
            })
            .collect())
    }
}

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    docs: usize,
    failed: usize,
    /// Manifest rows that could not be used or matched no input.
    meta_problems: usize,
    records: usize,
    bytes: u64,
}

/// Run `pack` over the inputs: `finish` makes what is kept of each
/// extraction (on the workers), `each` takes it, in input order, and says
/// how many records it held. Prints per-input errors on stderr, draws a
/// progress bar on a terminal, and a summary line at the end.
fn run<T: Send>(
    pack: &RulePack,
    args: &BatchArgs,
    resume_from: Option<ResumePoint>,
    skip: Vec<PathBuf>,
    finish: impl Fn(&str, Extraction) -> T + Sync,
    mut each: impl FnMut(&Done<T>) -> io::Result<usize> + Send,
) -> anyhow::Result<Tally> {
    let inputs = args.inputs()?;
    let filter = Filter::new(&args.globs).context("--glob")?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let bar = if !args.quiet && io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(
            Some(batch::disk_size(&inputs, &filter)),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}")
                .expect("a valid template"),
        );
        Some(bar)
    } else {
        None
    };
    let opts = Options {
        jobs,
        encoding: args.encoding.clone(),
        filter,
        resume_from,
        in_flight: 8 * jobs,
        limits: Limits {
            max_file_size: args.max_file_size,
            max_archive_ratio: args.max_archive_ratio,
        },
        skip,
        given: zhibiao::Given {
            year: args.year.map(|y| (y, zhibiao::YearSource::Option)),
            ..Default::default()
        },
        piece: zhibiao::chunk::PIECE,
        meta: None,
    };
    let mut tally = Tally::default();
    let mut opts = opts;
    if let Some(path) = &args.meta {
        let (manifest, problems) =
            zhibiao::meta::Manifest::read(path, &pack.gazetteer).map_err(anyhow::Error::msg)?;
        for p in &problems {
            eprintln!("zhibiao: {p}");
        }
        tally.meta_problems += problems.len();
        opts.meta = Some(std::sync::Arc::new(manifest));
    }
    let meta = opts.meta.clone();
    let filter_after = opts.filter.clone();
    let start = Instant::now();
    batch::run(pack, inputs, &opts, finish, |done| {
        tally.docs += usize::from(!done.more);
        tally.bytes += done.disk_bytes;
        if let Err(e) = &done.result {
            let line = if e.severity == Severity::Error {
                tally.failed += 1;
                format!("zhibiao: {}: {}", e.doc, e.message)
            } else {
                format!("zhibiao: {}: warning: {}", e.doc, e.message)
            };
            match &bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        for w in done
            .diagnostics
            .iter()
            .filter(|w| w.code == "invalid_bytes")
        {
            eprintln!("zhibiao: {}: warning: {}", w.doc, w.message);
        }
        tally.records += each(&done)?;
        if let Some(b) = &bar {
            b.inc(done.disk_bytes);
            b.set_message(format!(
                "{} docs, {} records, {} failed",
                tally.docs, tally.records, tally.failed
            ));
        }
        Ok(())
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for unmatched in meta.iter().flat_map(|m| m.unmatched()) {
        eprintln!("zhibiao: {unmatched}");
        tally.meta_problems += 1;
    }
    for glob in filter_after.unmatched() {
        eprintln!("zhibiao: warning: --glob {glob:?} matched no file");
    }
    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let meta = match tally.meta_problems {
            0 => String::new(),
            n => format!(", {n} manifest rows not used"),
        };
        eprintln!(
            "zhibiao: {} documents ({} failed{meta}), {} records, {:.1} MB in {:.2} s ({:.1} MB/s)",
            tally.docs,
            tally.failed,
            tally.records,
            tally.bytes as f64 / 1e6,
            secs,
            tally.bytes as f64 / 1e6 / secs.max(1e-9)
        );
    }
    Ok(tally)
}

/// extract / outline: records of each document to the output, a document
/// at a time.
pub fn write<R: Row + Columnar + Clone + Send>(
    pack: &RulePack,
    args: &BatchArgs,
    out_args: &OutputArgs,
    records: impl for<'x> Fn(&str, &'x Extraction) -> std::borrow::Cow<'x, [R]> + Sync,
) -> anyhow::Result<ExitCode> {
    let (out, encoder, resume_from) = open_output(out_args)?;
    let mut sink = match out_args.format.text() {
        Some(_) => Sink::Text { out, encoder },
        None => Sink::Parquet(Box::new(ParquetSink::new(out)?)),
    };
    if args.jsonl_input {
        return piped(pack, args, out_args.format.text(), sink, &records);
    }
    let mut diags = match &out_args.diagnostics {
        Some(p) => Some(open_diagnostics(p, resume_from.as_ref())?),
        None => None,
    };
    // The run's own files are never read back as input.
    let skip = [&out_args.output, &out_args.diagnostics]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let mut buf = Vec::new();
    let format = out_args.format.text();
    let make = |doc: &str, x: Extraction| match format {
        Some(f) => Made::Text(Encoded::new(f, &records(doc, &x))),
        None => Made::Rows(records(doc, &x).into_owned()),
    };
    let tally = run(pack, args, resume_from.clone(), skip, make, |done| {
        if let Some(d) = diags.as_mut() {
            let list: &[Diagnostic] = match &done.result {
                Ok(_) => &done.diagnostics,
                Err(e) => std::slice::from_ref(e),
            };
            buf.clear();
            for w in list {
                serde_json::to_writer(&mut buf, w)?;
                buf.push(b'\n');
            }
            // A document's diagnostics in one write, before its records:
            // a kill leaves whole lines, and a resume finds them by document.
            d.write_all(&buf)?;
        }
        let Ok(made) = &done.result else {
            return Ok(0);
        };
        sink.take(made, &mut buf)
    })?;
    sink.finish()?;
    if resume_from.is_some() && tally.docs == 0 {
        bail!(
            "--resume: the last document in the output is not among the inputs (same inputs, same order?)"
        );
    }
    Ok(if tally.failed + tally.meta_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Documents as JSON Lines (`--jsonl-input`): a few hundred lines at a
/// time, extracted in parallel, written in order. A line that is no
/// document is an error naming its input and line; the rest go on.
fn piped<R: Row + Columnar + Clone + Send>(
    pack: &RulePack,
    args: &BatchArgs,
    format: Option<Format>,
    mut sink: Sink<R>,
    records: &(impl for<'x> Fn(&str, &'x Extraction) -> std::borrow::Cow<'x, [R]> + Sync),
) -> anyhow::Result<ExitCode> {
    use rayon::prelude::*;
    #[derive(serde::Deserialize)]
    struct Piped {
        doc: String,
        text: String,
    }
    let mut failed = 0;
    let mut buf = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    for path in &paths {
        let name = path.display().to_string();
        let reader: Box<dyn BufRead> = if name == "-" {
            Box::new(BufReader::new(io::stdin()))
        } else {
            Box::new(BufReader::new(
                File::open(path).with_context(|| name.clone())?,
            ))
        };
        let mut lines = reader.lines().enumerate().peekable();
        while lines.peek().is_some() {
            let chunk: Vec<(usize, io::Result<String>)> = lines.by_ref().take(256).collect();
            let made: Vec<Result<Made<R>, String>> = chunk
                .into_par_iter()
                .map(|(i, line)| {
                    let line = line.map_err(|e| format!("{name}:{}: {e}", i + 1))?;
                    let d: Piped = serde_json::from_str(&line).map_err(|e| {
                        format!(
                            "{name}:{}: expected {{\"doc\": …, \"text\": …}} ({e})",
                            i + 1
                        )
                    })?;
                    let x = zhibiao::extract(pack, &d.doc, &d.text);
                    Ok(match format {
                        Some(f) => Made::Text(Encoded::new(f, &records(&d.doc, &x))),
                        None => Made::Rows(records(&d.doc, &x).into_owned()),
                    })
                })
                .collect();
            for m in made {
                match m {
                    Ok(m) => {
                        sink.take(&m, &mut buf)?;
                    }
                    Err(why) => {
                        failed += 1;
                        eprintln!("zhibiao: {why}");
                    }
                }
            }
        }
    }
    sink.finish()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// panel: every document's records into one panel (src/panel.rs), its
/// rows written once all are read.
pub fn panel(pack: &RulePack, args: &BatchArgs, out_args: &OutputArgs) -> anyhow::Result<ExitCode> {
    if out_args.resume {
        bail!("--resume is for extract, outline and docs: a panel is written once all is read");
    }
    let (out, encoder, _) = open_output(out_args)?;
    let skip = out_args.output.iter().cloned().collect();
    let mut panel = zhibiao::panel::Panel::default();
    let keep = |doc: &str, x: Extraction| (x.document.record(doc), x.indicators);
    let tally = run(pack, args, None, skip, keep, |done| {
        let Ok((doc, indicators)) = &done.result else {
            return Ok(0);
        };
        panel.add(doc, indicators);
        Ok(indicators.len())
    })?;
    let unplaced = panel.unplaced;
    let rows = panel.rows();
    let mut sink = match out_args.format.text() {
        Some(_) => Sink::Text { out, encoder },
        None => Sink::Parquet(Box::new(ParquetSink::new(out)?)),
    };
    let made = match out_args.format.text() {
        Some(f) => Made::Text(Encoded::new(f, &rows)),
        None => Made::Rows(rows),
    };
    let n = sink.take(&made, &mut Vec::new())?;
    sink.finish()?;
    if !args.quiet {
        eprintln!(
            "zhibiao: {n} panel rows; {unplaced} records left out (their document's region or their year unknown)"
        );
    }
    Ok(if tally.failed + tally.meta_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The diagnostics file: new, or when resuming, cut before the first line
/// of the document the run starts again at (and any partial last line).
fn open_diagnostics(path: &Path, resume: Option<&ResumePoint>) -> anyhow::Result<File> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("{}", path.display()))?;
    let keep = match resume {
        None => 0,
        Some(point) => {
            let text = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
            let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let mut offset = 0;
            let mut seen = 0;
            let mut last: Option<String> = None;
            let mut cut = whole;
            for line in text[..whole].split_inclusive(|&b| b == b'\n') {
                let doc = serde_json::from_slice::<serde_json::Value>(line)
                    .ok()
                    .and_then(|v| v["doc"].as_str().map(str::to_string));
                if doc.as_deref() == Some(point.name.as_str()) && last != doc {
                    seen += 1;
                    if seen == point.occurrence {
                        cut = offset;
                        break;
                    }
                }
                last = doc;
                offset += line.len();
            }
            cut
        }
    };
    file.set_len(keep as u64)?;
    file.seek(io::SeekFrom::End(0))?;
    Ok(file)
}

/// All records of a batch, for eval and diff.
pub fn collect(pack: &RulePack, args: &BatchArgs) -> anyhow::Result<Collected> {
    let (mut indicators, mut sections) = (Vec::new(), Vec::new());
    let tally = run(
        pack,
        args,
        None,
        Vec::new(),
        |_, x| x,
        |done| {
            let Ok(x) = &done.result else { return Ok(0) };
            indicators.extend(x.indicators.iter().cloned());
            sections.extend(x.sections.iter().cloned());
            Ok(x.indicators.len())
        },
    )?;
    Ok(Collected {
        indicators,
        sections,
        docs: tally.docs,
        failed: tally.failed,
    })
}

/// The records of a whole batch, held in memory (for eval and diff).
pub struct Collected {
    pub indicators: Vec<zhibiao::Indicator>,
    pub sections: Vec<zhibiao::Section>,
    /// Documents read, and how many of them failed.
    pub docs: usize,
    pub failed: usize,
}

type Opened = (Box<dyn Write + Send>, Encoder, Option<ResumePoint>);

/// The output, and where a resumed run starts.
fn open_output(args: &OutputArgs) -> anyhow::Result<Opened> {
    // Parquet has no encoder: JSONL's stands in, unused.
    let format = args.format.text().unwrap_or(Format::Jsonl);
    let Some(path) = &args.output else {
        return Ok((Box::new(io::stdout()), Encoder::new(format), None));
    };
    // Only a regular file with something in it is worth protecting
    // (-o /dev/null, or an empty file, need no --force).
    let exists = path.metadata().is_ok_and(|m| m.is_file() && m.len() > 0);
    if exists && !args.force && !args.resume {
        bail!(
            "{} exists: use --force to overwrite it or --resume to continue it",
            path.display()
        );
    }
    if !(exists && args.resume) {
        let file = File::create(path).with_context(|| format!("{}", path.display()))?;
        return Ok((Box::new(file), Encoder::new(format), None));
    }
    if !matches!(args.format, OutputFormat::Jsonl | OutputFormat::Csv) {
        bail!("--resume works with --format jsonl or csv");
    }
    let (keep, last_doc) = resumable_prefix(path, format)?;
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("{}", path.display()))?;
    file.set_len(keep)?;
    file.seek(io::SeekFrom::End(0))?;
    Ok((Box::new(file), Encoder::resumed(format, keep > 0), last_doc))
}

/// How much of an output to keep when resuming: everything before the last
/// document in it (which is done again, so a document is whole or absent),
/// and where that document stands in the input (its name, and which
/// occurrence of the name: a document may be named twice).
fn resumable_prefix(path: &Path, format: Format) -> anyhow::Result<(u64, Option<ResumePoint>)> {
    let text = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    // Only whole lines count: a kill may leave a partial one at the end.
    let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut offset = 0;
    let mut rows: Vec<(usize, String)> = Vec::new();
    let mut csv_header = format == Format::Csv;
    for line in text[..whole].split_inclusive(|&b| b == b'\n') {
        let doc = if csv_header {
            csv_header = false;
            None
        } else {
            match format {
                Format::Csv => csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(line)
                    .records()
                    .next()
                    .and_then(Result::ok)
                    .and_then(|r| r.get(0).map(str::to_string)),
                _ => serde_json::from_slice::<serde_json::Value>(line)
                    .ok()
                    .and_then(|v| v["doc"].as_str().map(str::to_string)),
            }
        };
        if let Some(doc) = doc {
            rows.push((offset, doc));
        }
        offset += line.len();
    }
    let Some((_, last)) = rows.last().cloned() else {
        // Nothing complete yet: start again (keeping a CSV header, if whole).
        let keep = if format == Format::Csv {
            whole.min(offset)
        } else {
            0
        };
        return Ok((keep as u64, None));
    };
    let first_of_last = rows
        .iter()
        .rposition(|(_, d)| *d != last)
        .map_or(0, |i| i + 1);
    // Runs of records of that name: each is one occurrence in the input.
    let occurrence = rows
        .iter()
        .enumerate()
        .filter(|&(i, (_, d))| *d == last && (i == 0 || rows[i - 1].1 != last))
        .count();
    Ok((
        rows[first_of_last].0 as u64,
        Some(ResumePoint {
            name: last,
            occurrence,
        }),
    ))
}
