//! Running a batch from the command line: inputs, output file (with
//! --force / --resume), progress, diagnostics, summary.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zhibiao::batch::{self, Done, Filter, Input, Limits, Options, ResumePoint};
use zhibiao::columnar::Columnar;
use zhibiao::output::Row;
use zhibiao::{Code, Diagnostic, Extraction, Extractor, Severity};

use super::output::{self, OutputFormat, Sink};
use super::say;

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
    /// Worker threads (default: all cores; at most four per core).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Read inputs in this encoding instead of detecting it (gbk, big5, utf-16le …).
    #[arg(long)]
    pub encoding: Option<String>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read documents as JSON Lines, `{"doc": …, "text": …}` a line, from
    /// the PATHs (files, directories of them, or - for stdin; stdin if none):
    /// for RDD.pipe, Hadoop streaming and other engines that hand text over
    /// a pipe. Records go out in input order; every other option applies.
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
pub fn parse_size(s: &str) -> Result<u64, String> {
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
        if paths.is_empty() && self.jsonl_input {
            paths.push(PathBuf::from("-"));
        }
        if paths.is_empty() {
            bail!("no input: give files, directories, archives, --files-from FILE, or - for stdin");
        }
        if let Some(e) = &self.encoding {
            zhibiao::check_encoding(e)?;
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
pub struct Tally {
    docs: usize,
    pub failed: usize,
    /// Manifest rows that could not be used or matched no input.
    pub meta_problems: usize,
    records: usize,
    bytes: u64,
}

/// Diagnostic codes worth a line on stderr as well as in `--diagnostics`:
/// what was lost or guessed reading a file.
const SAID_ON_STDERR: &[Code] = &[Code::InvalidBytes, Code::MixedEncoding];

/// Run `pack` over the inputs: `finish` makes what is kept of each
/// extraction (on the workers), `each` takes it, in input order, and says
/// how many records it held. Prints per-input errors on stderr, draws a
/// progress bar on a terminal, and a summary line at the end.
pub fn run<T: Send>(
    engine: &Extractor,
    args: &BatchArgs,
    resume_from: Option<ResumePoint>,
    skip: Vec<PathBuf>,
    finish: impl Fn(&str, Extraction) -> T + Sync,
    mut each: impl FnMut(&Done<T>) -> io::Result<usize> + Send,
) -> anyhow::Result<Tally> {
    let inputs = args.inputs()?;
    let filter = Filter::new(&args.globs).context("--glob")?;
    let jobs = batch::clamp_jobs(args.jobs.unwrap_or(0));
    if args.jobs.is_some_and(|j| j > jobs) {
        say(&format!(
            "zhibiao: -j {}: more workers than four per core only queue; using {jobs}",
            args.jobs.unwrap_or_default()
        ));
    }
    let bar = if !args.quiet && io::stderr().is_terminal() {
        let total = if args.jsonl_input {
            0
        } else {
            batch::disk_size(&inputs, &filter)
        };
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}")
                .expect("a valid template"),
        );
        Some(bar)
    } else {
        None
    };
    let mut tally = Tally::default();
    let meta = match &args.meta {
        Some(path) => {
            let (manifest, problems) =
                zhibiao::meta::Manifest::read(path, &engine.pack().gazetteer, args.max_file_size)
                    .map_err(anyhow::Error::msg)?;
            say_some(&prefixed(&problems), "manifest problems");
            tally.meta_problems += problems.len();
            Some(std::sync::Arc::new(manifest))
        }
        None => None,
    };
    let engine = engine
        .clone()
        .with_encoding(args.encoding.clone())
        .with_given(zhibiao::Given {
            year: args.year.map(|y| (y, zhibiao::YearSource::Option)),
            ..Default::default()
        });
    let opts = Options {
        jobs,
        filter,
        resume_from,
        in_flight: 8 * jobs,
        limits: Limits {
            max_file_size: args.max_file_size,
            max_archive_ratio: args.max_archive_ratio,
        },
        skip,
        meta: meta.clone(),
        jsonl: args.jsonl_input,
        ..Options::default()
    };
    let filter_after = opts.filter.clone();
    let start = Instant::now();
    let print = |line: String| match &bar {
        Some(b) => b.println(line),
        None => say(&line),
    };
    batch::run(&engine, inputs, &opts, finish, |done| {
        tally.docs += usize::from(!done.more);
        tally.bytes += done.disk_bytes;
        if let Err(e) = &done.result {
            if e.severity == Severity::Error {
                tally.failed += 1;
                print(format!("zhibiao: {}: {}", e.doc, e.message));
            } else {
                print(format!("zhibiao: {}: warning: {}", e.doc, e.message));
            }
        }
        for w in done
            .diagnostics
            .iter()
            .filter(|w| SAID_ON_STDERR.contains(&w.code))
        {
            print(format!("zhibiao: {}: warning: {}", w.doc, w.message));
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
    if let Some(m) = &meta {
        let problems = m.after_batch();
        say_some(&prefixed(&problems), "manifest problems");
        tally.meta_problems += problems.len();
    }
    for glob in filter_after.unmatched() {
        say(&format!(
            "zhibiao: warning: --glob {glob:?} matched no file"
        ));
    }
    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        let meta = match tally.meta_problems {
            0 => String::new(),
            n => format!(", {n} manifest rows not used"),
        };
        say(&format!(
            "zhibiao: {} documents ({} failed{meta}), {} records, {:.1} MB in {:.2} s ({:.1} MB/s)",
            tally.docs,
            tally.failed,
            tally.records,
            tally.bytes as f64 / 1e6,
            secs,
            tally.bytes as f64 / 1e6 / secs.max(1e-9)
        ));
    }
    Ok(tally)
}

fn prefixed(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| format!("zhibiao: {l}")).collect()
}

/// The most lines of one kind of problem printed; the rest are counted.
const MOST_SAID: usize = 50;

/// Print problems, the first [`MOST_SAID`] of them, and how many more.
pub fn say_some(problems: &[String], what: &str) {
    for p in problems.iter().take(MOST_SAID) {
        say(p);
    }
    if problems.len() > MOST_SAID {
        say(&format!(
            "zhibiao: … and {} more {what}",
            problems.len() - MOST_SAID
        ));
    }
}

/// extract / outline / docs: records of each document to the output, a
/// document at a time.
pub fn write<R: Row + Columnar + Clone + Send>(
    engine: &Extractor,
    args: &BatchArgs,
    out_args: &OutputArgs,
    records: impl for<'x> Fn(&str, &'x Extraction) -> std::borrow::Cow<'x, [R]> + Sync,
) -> anyhow::Result<ExitCode> {
    let output::Opened {
        mut sink,
        resume_from,
        mut own_files,
    } = output::open::<R>(
        out_args.output.as_deref(),
        out_args.format,
        out_args.force,
        out_args.resume,
    )?;
    let mut diags = match &out_args.diagnostics {
        Some(p) => Some(output::open_diagnostics(p, resume_from.as_ref())?),
        None => None,
    };
    // The run's own files are never read back as input.
    own_files.extend(out_args.diagnostics.iter().cloned());
    let mut buf = Vec::new();
    let wants = sink.wants();
    let make = |doc: &str, x: Extraction| Sink::make(wants, &records(doc, &x));
    let resuming = resume_from.is_some();
    let tally = run(engine, args, resume_from, own_files, make, |done| {
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
    if resuming && tally.docs == 0 {
        bail!(
            "--resume: the last document in the output is not among the inputs (same inputs, same order?); the output was kept as it was up to that document"
        );
    }
    sink.finish()?;
    Ok(if tally.failed + tally.meta_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// panel: every document's records into one panel (src/panel.rs), its
/// rows written once all are read.
pub fn panel(
    engine: &Extractor,
    args: &BatchArgs,
    out_args: &OutputArgs,
    corrections: Option<&zhibiao::corrections::Corrections>,
) -> anyhow::Result<ExitCode> {
    if out_args.resume {
        bail!("--resume is for extract, outline and docs: a panel is written once all is read");
    }
    let output::Opened {
        mut sink,
        own_files,
        ..
    } = output::open::<zhibiao::panel::PanelRow>(
        out_args.output.as_deref(),
        out_args.format,
        out_args.force,
        false,
    )?;
    let mut panel = zhibiao::panel::Panel::new(engine.pack());
    let stale = super::review::StaleCount::default();
    let engine = &super::review::engine_for(engine, corrections);
    let keep = |doc: &str, x: Extraction| {
        let indicators = match corrections {
            Some(c) => stale.apply(c, doc, &x),
            None => x.indicators,
        };
        (x.document.record(doc), indicators)
    };
    let tally = run(engine, args, None, own_files, keep, |done| {
        let Ok((doc, indicators)) = &done.result else {
            return Ok(0);
        };
        panel.add(doc, indicators);
        Ok(indicators.len())
    })?;
    let unplaced = panel.unplaced;
    let rows = panel.rows();
    let made = Sink::make(sink.wants(), &rows);
    let n = sink.take(&made, &mut Vec::new())?;
    sink.finish()?;
    if !args.quiet {
        say(&format!(
            "zhibiao: {n} panel rows; {unplaced} records left out (their document's region or their year unknown)"
        ));
    }
    stale.finish(if tally.failed + tally.meta_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The gaps worklist of a batch (`engine` must trace).
pub fn gaps(engine: &Extractor, args: &BatchArgs) -> anyhow::Result<zhibiao::gaps::Gaps> {
    let mut gaps = zhibiao::gaps::Gaps::new(engine);
    run(
        engine,
        args,
        None,
        Vec::new(),
        |doc, x| zhibiao::gaps::found(doc, &x, engine),
        |done| {
            if let Ok(found) = &done.result {
                gaps.add(&done.name, found.clone());
            }
            Ok(0)
        },
    )?;
    Ok(gaps)
}

/// All records of a batch, for eval and diff, with `corrections` applied
/// if given (the stale ones said on stderr).
pub fn collect(
    engine: &Extractor,
    args: &BatchArgs,
    corrections: Option<&zhibiao::corrections::Corrections>,
) -> anyhow::Result<Collected> {
    let (mut indicators, mut sections) = (Vec::new(), Vec::new());
    let stale = super::review::StaleCount::default();
    let engine = &super::review::engine_for(engine, corrections);
    let tally = run(
        engine,
        args,
        None,
        Vec::new(),
        |doc, mut x| {
            if let Some(c) = corrections {
                x.indicators = stale.apply(c, doc, &x);
            }
            x
        },
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
