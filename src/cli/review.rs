//! review, gold and `--corrections`: the reviewer's loop at the edge.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, bail};
use zhibiao::corrections::Corrections;
use zhibiao::eval::GoldIndicator;
use zhibiao::review::Reviewed;
use zhibiao::{Extraction, Extractor, Indicator};

use super::batch::{BatchArgs, run};
use super::say;

/// The corrections file at `path`, if one was given; a line that is no
/// correction stops the run (file:line).
pub fn corrections(path: Option<&Path>) -> anyhow::Result<Option<Corrections>> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--corrections {}", path.display()))?;
    Corrections::parse(&text)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{}:{}: {}", path.display(), e.line, e.message))
}

/// The engine a run with `corrections` needs: one that traces, for the
/// decoded text the corrections are checked against (cheap to clone).
pub fn engine_for(engine: &Extractor, corrections: Option<&Corrections>) -> Extractor {
    match corrections {
        Some(_) => engine.clone().traced(),
        None => engine.clone(),
    }
}

/// Corrections applied document by document, the stale ones said on
/// stderr as they come and counted.
#[derive(Default)]
pub struct StaleCount(AtomicUsize);

impl StaleCount {
    /// The records of `x` with the corrections of `doc` applied (`x` from
    /// an engine that traces, for the text the corrections are checked on).
    pub fn apply(&self, c: &Corrections, doc: &str, x: &Extraction) -> Vec<Indicator> {
        let mut records = x.indicators.clone();
        let text = x.trace.as_ref().map(|t| t.text.as_str());
        for s in c.apply(doc, text, &mut records) {
            self.0.fetch_add(1, Ordering::Relaxed);
            let c = &s.correction;
            say(&format!(
                "zhibiao: {doc}: stale correction ({:?} at {}-{}), not applied: {}",
                c.verdict, c.span[0], c.span[1], s.reason
            ));
        }
        records
    }

    /// The run's exit status, 1 if any correction was stale.
    pub fn finish(self, code: ExitCode) -> anyhow::Result<ExitCode> {
        let n = self.0.into_inner();
        if n > 0 {
            say(&format!("zhibiao: {n} stale corrections not applied"));
            return Ok(ExitCode::from(1));
        }
        Ok(code)
    }
}

/// `zhibiao review`: the page of every document of the batch.
pub fn page(
    engine: &Extractor,
    args: &BatchArgs,
    output: &Path,
    force: bool,
    corrections: Option<&Corrections>,
) -> anyhow::Result<ExitCode> {
    if !force && output.metadata().is_ok_and(|m| m.len() > 0) {
        bail!("{} exists (--force to overwrite)", output.display());
    }
    let engine = engine.clone().traced();
    let stale = StaleCount::default();
    let mut docs = Vec::new();
    let tally = run(
        &engine,
        args,
        None,
        Vec::new(),
        |doc, mut x| {
            if let Some(c) = corrections {
                let corrected = stale.apply(c, doc, &x);
                let reviewed = Reviewed::of(&x, &engine, doc);
                x.indicators = corrected;
                return reviewed.corrected(&x.indicators);
            }
            Reviewed::of(&x, &engine, doc)
        },
        |done| {
            let Ok(r) = &done.result else { return Ok(0) };
            docs.push(r.clone());
            Ok(r.records.len())
        },
    )?;
    let html = zhibiao::review::render(&docs, engine.pack());
    std::fs::write(output, &html).with_context(|| format!("writing {}", output.display()))?;
    if !args.quiet {
        say(&format!(
            "zhibiao: review page {} ({:.1} MB)",
            output.display(),
            html.len() as f64 / 1e6
        ));
    }
    stale.finish(if tally.failed + tally.meta_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `zhibiao gold`: the batch's records with the corrections applied, as
/// gold lines.
pub fn gold(
    engine: &Extractor,
    args: &BatchArgs,
    output: Option<&Path>,
    corrections: &Corrections,
) -> anyhow::Result<ExitCode> {
    let engine = engine.clone().traced();
    let stale = StaleCount::default();
    let mut out: Box<dyn Write + Send> = match output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::stdout()),
    };
    let tally = run(
        &engine,
        args,
        None,
        Vec::new(),
        |doc, x| {
            let records = stale.apply(corrections, doc, &x);
            let text = x.trace.as_ref().map(|t| t.text.as_str());
            records
                .iter()
                .map(|r| GoldIndicator::of(r, text))
                .collect::<Vec<_>>()
        },
        |done| {
            let Ok(gold) = &done.result else { return Ok(0) };
            for g in gold {
                serde_json::to_writer(&mut out, g)?;
                out.write_all(b"\n")?;
            }
            Ok(gold.len())
        },
    )?;
    out.flush()?;
    stale.finish(if tally.failed + tally.meta_problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
