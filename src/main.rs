//! The `zhibiao` command line: a thin layer over the library.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

use clap::{Args, Parser, Subcommand};
use cli::batch::{BatchArgs, OutputArgs};
use cli::say;
use zhibiao::{Extractor, RulePack, RuleSource, eval};

#[derive(Parser)]
#[command(
    name = "zhibiao",
    version,
    about = "Indicator figures and outlines from Chinese government economic reports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Indicator records of the reports.
    Extract(Run),
    /// Section records (the numbered outline) of the reports.
    Outline(Run),
    /// Document records: what each report says about itself (title, type, date, year).
    Docs(Run),
    /// Region × indicator × metric × period × year: the target beside the estimate and the outcome.
    Panel(Run),
    /// Precision / recall / F1 of extract (and outline) against gold JSONL.
    Eval {
        /// Gold file of indicator or section records (repeatable).
        #[arg(long, required = true)]
        gold: Vec<PathBuf>,
        /// List the misses and the spurious records.
        #[arg(long, short)]
        verbose: bool,
        /// Score the records with these corrections applied.
        #[arg(long, value_name = "FILE")]
        corrections: Option<PathBuf>,
        #[command(flatten)]
        batch: BatchArgs,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// What a rule change does: per document, the records it adds, removes and changes.
    ///
    /// The base is the built-in pack layered with --base-rules (if any); the
    /// new pack is the built-in one layered with --rules. Exit status as
    /// diff's: 0 no difference, 1 differences, 2 trouble (invalid rules, an
    /// input that could not be read).
    Diff {
        /// Rule files or directories whose effect to show (repeatable).
        #[arg(long = "rules", value_name = "DIR", required = true)]
        rules: Vec<PathBuf>,
        /// Rule files or directories to compare against (repeatable; default: the built-in pack alone).
        #[arg(long = "base-rules", value_name = "DIR")]
        base_rules: Vec<PathBuf>,
        /// Neither side starts from the built-in pack.
        #[arg(long)]
        no_default_rules: bool,
        /// `text` for a terminal, `md` for a pull-request comment.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        #[command(flatten)]
        batch: BatchArgs,
    },
    /// The maintainer's worklist on a corpus without gold: figures that gave
    /// no record, and doubtful records, grouped by pattern and ranked by
    /// how many documents show each.
    Gaps {
        #[command(flatten)]
        batch: BatchArgs,
        /// `text` for a terminal, `jsonl` (a group a line, every group),
        /// `md` for an issue or a pull request.
        #[arg(long, value_enum, default_value_t = GapsFormat::Text)]
        format: GapsFormat,
        /// Groups shown of each list (text and md).
        #[arg(long, default_value_t = 20)]
        top: usize,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// The review page: one self-contained HTML file with every figure highlighted
    /// in its report, the records in a table, targets against outcomes, and
    /// corrections a reviewer makes there saved as JSONL (for --corrections).
    Review {
        #[command(flatten)]
        batch: BatchArgs,
        /// Where to write the page.
        #[arg(short, long, value_name = "FILE", default_value = "review.html")]
        output: PathBuf,
        /// Overwrite an existing page.
        #[arg(long)]
        force: bool,
        /// Corrections to apply first (what an earlier review saved).
        #[arg(long, value_name = "FILE")]
        corrections: Option<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Gold from a reviewed corpus: the records of PATHs with the reviewer's
    /// corrections applied, in the GUIDELINES format `eval --gold` reads.
    Gold {
        /// The corrections file the review page saved.
        corrections: PathBuf,
        #[command(flatten)]
        batch: BatchArgs,
        /// Write the gold here instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// The decoded text of a file: what every record's `span` and `line`
    /// index (for an HTML page, its visible text).
    Text {
        /// The file (- for stdin).
        file: PathBuf,
        /// Read it in this encoding instead of detecting it.
        #[arg(long)]
        encoding: Option<String>,
        #[command(flatten)]
        limit: SizeLimit,
    },
    /// Work with rule files.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Show how a sentence was parsed and which rules fired.
    Explain {
        /// Explain this text instead of a file.
        #[arg(long, conflicts_with = "file")]
        text: Option<String>,
        /// A report to explain (read like extract reads it; - for stdin).
        #[arg(required_unless_present = "text")]
        file: Option<PathBuf>,
        /// Only this line (1-based) of FILE.
        #[arg(long, requires = "file")]
        line: Option<usize>,
        /// Read FILE in this encoding instead of detecting it.
        #[arg(long, requires = "file")]
        encoding: Option<String>,
        #[command(flatten)]
        limit: SizeLimit,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

/// The size limit of a single file read whole.
#[derive(Args)]
struct SizeLimit {
    /// Largest file read: bytes, or with K, M, G.
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = cli::batch::parse_size)]
    max_file_size: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GapsFormat {
    Text,
    Jsonl,
    Md,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Md,
}

#[derive(Args)]
struct RuleArgs {
    /// Rule files or directories layered over the built-in pack (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Use only the --rules files.
    #[arg(long)]
    no_default_rules: bool,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate rule files (the built-in pack layered with DIRs); every error names file:line:column.
    Check {
        dirs: Vec<PathBuf>,
        #[arg(long)]
        no_default_rules: bool,
    },
    /// Run the examples written inside the rule files.
    Test {
        dirs: Vec<PathBuf>,
        #[arg(long)]
        no_default_rules: bool,
        /// Also list the examples that pass.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Print the JSON Schema of rule files (as checked in at rules/schema.json).
    Schema,
    /// Print every indicator name the pack matches, simplified and traditional, one a line.
    Aliases {
        dirs: Vec<PathBuf>,
        #[arg(long)]
        no_default_rules: bool,
    },
}

#[derive(Args)]
struct Run {
    #[command(flatten)]
    batch: BatchArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    rules: RuleArgs,
    /// Apply a reviewer's corrections (JSONL, as the review page saves them): a
    /// `wrong` record dropped, a `fix` replaced, an `add` inserted; a stale one
    /// reported (extract and panel).
    #[arg(long, value_name = "FILE")]
    corrections: Option<PathBuf>,
}

/// mimalloc: a document's life is a burst of short-lived buffers, and the
/// system allocator spent a sixth of the run on them. Built without
/// transparent huge pages (Cargo feature `no_thp`): memory it hands back and
/// takes again would otherwise be zeroed 2 MB at a time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        // The reader went away (`| head`): nothing more is wanted.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            say(&format!("zhibiao: {e:#}"));
            ExitCode::from(2)
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if matches!(
        cli.command,
        Command::Extract(_)
            | Command::Outline(_)
            | Command::Docs(_)
            | Command::Panel(_)
            | Command::Eval { .. }
            | Command::Diff { .. }
            | Command::Gaps { .. }
            | Command::Review { .. }
            | Command::Gold { .. }
    ) {
        // The engine's tables are built while the rules load.
        std::thread::spawn(zhibiao::prepare);
    }
    match cli.command {
        Command::Extract(r) => {
            let Some(engine) = load_engine(&r.rules.rules, r.rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            match cli::review::corrections(r.corrections.as_deref())? {
                None => cli::batch::write(&engine, &r.batch, &r.output, |_, x| {
                    Cow::Borrowed(&x.indicators)
                }),
                Some(c) => {
                    let stale = cli::review::StaleCount::default();
                    let code =
                        cli::batch::write(&engine.traced(), &r.batch, &r.output, |doc, x| {
                            Cow::Owned(stale.apply(&c, doc, x))
                        })?;
                    stale.finish(code)
                }
            }
        }
        Command::Outline(r) => {
            let Some(engine) = load_engine(&r.rules.rules, r.rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            cli::batch::write(&engine, &r.batch, &r.output, |_, x| {
                Cow::Borrowed(&x.sections)
            })
        }
        Command::Docs(r) => {
            let Some(engine) = load_engine(&r.rules.rules, r.rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            cli::batch::write(&engine, &r.batch, &r.output, |doc, x| {
                // A long document's later pieces share the first's record.
                match x.continues {
                    true => Cow::Owned(Vec::new()),
                    false => Cow::Owned(vec![x.document.record(doc)]),
                }
            })
        }
        Command::Panel(r) => {
            let Some(engine) = load_engine(&r.rules.rules, r.rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let c = cli::review::corrections(r.corrections.as_deref())?;
            cli::batch::panel(&engine, &r.batch, &r.output, c.as_ref())
        }
        Command::Eval {
            gold,
            verbose,
            corrections,
            batch,
            rules,
        } => {
            let c = cli::review::corrections(corrections.as_deref())?;
            evaluate(&gold, verbose, &batch, &rules, c.as_ref())
        }
        Command::Rules { command } => rules(command),
        Command::Gaps {
            batch,
            format,
            top,
            rules,
        } => {
            let Some(engine) = load_engine(&rules.rules, rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let gaps = cli::batch::gaps(&engine.traced(), &batch)?;
            let mut stdout = io::stdout().lock();
            match format {
                GapsFormat::Text => write!(stdout, "{}", zhibiao::gaps::render_text(&gaps, top))?,
                GapsFormat::Md => write!(stdout, "{}", zhibiao::gaps::render_markdown(&gaps, top))?,
                GapsFormat::Jsonl => {
                    for g in gaps.groups() {
                        serde_json::to_writer(&mut stdout, g)?;
                        writeln!(stdout)?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Review {
            batch,
            output,
            force,
            corrections,
            rules,
        } => {
            let Some(engine) = load_engine(&rules.rules, rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let c = cli::review::corrections(corrections.as_deref())?;
            cli::review::page(&engine, &batch, &output, force, c.as_ref())
        }
        Command::Gold {
            corrections,
            batch,
            output,
            rules,
        } => {
            let Some(engine) = load_engine(&rules.rules, rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let c = cli::review::corrections(Some(&corrections))?.unwrap_or_default();
            cli::review::gold(&engine, &batch, output.as_deref(), &c)
        }
        Command::Diff {
            rules,
            base_rules,
            no_default_rules,
            format,
            batch,
        } => rule_diff(&base_rules, &rules, no_default_rules, format, &batch),
        Command::Text {
            file,
            encoding,
            limit,
        } => {
            let decoded = cli::read::document(&file, encoding.as_deref(), limit.max_file_size)?;
            io::stdout().lock().write_all(decoded.text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain {
            text,
            file,
            line,
            encoding,
            limit,
            rules,
        } => {
            let Some(engine) = load_engine(&rules.rules, rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let (name, text) = match (text, file) {
                (Some(t), _) => ("--text".to_string(), t),
                (None, Some(f)) => (
                    f.display().to_string(),
                    cli::read::document(&f, encoding.as_deref(), limit.max_file_size)?.text,
                ),
                (None, None) => unreachable!("clap requires one of them"),
            };
            write!(
                io::stdout().lock(),
                "{}",
                zhibiao::explain::explain(&engine, &name, &text, line)
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn rules(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::Check {
            dirs,
            no_default_rules,
        } => Ok(match load_engine(&dirs, no_default_rules) {
            Some(engine) => {
                let pack = engine.pack();
                for w in &pack.warnings {
                    say(&w.to_string());
                }
                writeln!(
                    io::stdout(),
                    "ok: {} indicator rules, {} examples, {} warning{}",
                    pack.lexicon.targets.len(),
                    pack.examples.len(),
                    pack.warnings.len(),
                    if pack.warnings.len() == 1 { "" } else { "s" }
                )?;
                ExitCode::SUCCESS
            }
            None => ExitCode::from(2),
        }),
        RulesCommand::Test {
            dirs,
            no_default_rules,
            verbose,
        } => {
            let Some(engine) = load_engine(&dirs, no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let outcomes = zhibiao::examples::run(&engine);
            let mut stdout = io::stdout().lock();
            let failed = outcomes.iter().filter(|o| !o.passed).count();
            let skipped = outcomes.iter().filter(|o| o.skipped).count();
            for o in &outcomes {
                let rule = o.example.rule.as_deref().unwrap_or("(file-level)");
                if !o.passed {
                    writeln!(stdout, "{}", zhibiao::examples::render_failure(o))?;
                } else if o.skipped {
                    writeln!(
                        stdout,
                        "skip {rule} — expects an indicator switched off: {}",
                        o.example.example.text
                    )?;
                } else if verbose {
                    writeln!(stdout, "ok   {rule} — {}", o.example.example.text)?;
                }
            }
            writeln!(
                stdout,
                "{} examples: {} passed, {failed} failed, {skipped} skipped",
                outcomes.len(),
                outcomes.len() - failed - skipped
            )?;
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        RulesCommand::Aliases {
            dirs,
            no_default_rules,
        } => {
            let Some(engine) = load_engine(&dirs, no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let mut stdout = io::stdout().lock();
            for alias in engine.pack().lexicon.alias_forms() {
                writeln!(stdout, "{alias}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Schema => {
            write!(io::stdout(), "{}", zhibiao::rules::schema_json())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The engine of the built-in pack layered with `dirs`, or `None` after printing every
/// problem found (file:line:column each).
fn load_engine(dirs: &[PathBuf], no_default: bool) -> Option<Extractor> {
    let mut sources = if no_default {
        Vec::new()
    } else {
        RuleSource::defaults()
    };
    let mut errors = Vec::new();
    for d in dirs {
        match RuleSource::from_path(d) {
            Ok(s) => sources.extend(s),
            Err(e) => errors.extend(e.0),
        }
    }
    let result = if errors.is_empty() {
        RulePack::from_sources(&sources)
    } else {
        Err(zhibiao::RuleErrors(errors))
    };
    match result {
        Ok(pack) => Some(Extractor::new(pack)),
        Err(e) => {
            let shown: Vec<String> = e.0.iter().map(ToString::to_string).collect();
            cli::batch::say_some(&shown, "problems");
            say(&format!(
                "zhibiao: invalid rules ({} problem{}); nothing processed",
                e.0.len(),
                if e.0.len() == 1 { "" } else { "s" }
            ));
            None
        }
    }
}

fn evaluate(
    gold_files: &[PathBuf],
    verbose: bool,
    batch: &BatchArgs,
    rules: &RuleArgs,
    corrections: Option<&zhibiao::corrections::Corrections>,
) -> anyhow::Result<ExitCode> {
    let Some(engine) = load_engine(&rules.rules, rules.no_default_rules) else {
        return Ok(ExitCode::from(2));
    };
    let cli::batch::Collected {
        indicators,
        sections,
        failed,
        ..
    } = cli::batch::collect(&engine, batch, corrections)?;
    let mut stdout = io::stdout().lock();
    for g in gold_files {
        let text =
            std::fs::read_to_string(g).map_err(|e| anyhow::anyhow!("{}: {e}", g.display()))?;
        let gold = eval::load_gold(&text).map_err(|e| anyhow::anyhow!("{}: {e}", g.display()))?;
        writeln!(stdout, "== {}", g.display())?;
        let report = match gold {
            eval::Gold::Indicators(gold) => {
                eval::render_indicators(&eval::score_indicators(&gold, &indicators), verbose)
            }
            eval::Gold::Sections(gold) => {
                eval::render_sections(&eval::score_sections(&gold, &sections), verbose)
            }
        };
        writeln!(stdout, "{report}")?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn rule_diff(
    base_rules: &[PathBuf],
    rules: &[PathBuf],
    no_default: bool,
    format: DiffFormat,
    batch: &BatchArgs,
) -> anyhow::Result<ExitCode> {
    // Each side reads the inputs: stdin could be read only once.
    if batch.paths.iter().any(|p| p.as_os_str() == "-")
        || batch
            .files_from
            .as_ref()
            .is_some_and(|f| f.as_os_str() == "-")
    {
        anyhow::bail!("diff reads its inputs once for each side: give files, not - for stdin");
    }
    let (Some(base), Some(new)) = (
        load_engine(base_rules, no_default),
        load_engine(rules, no_default),
    ) else {
        return Ok(ExitCode::from(2));
    };
    let quiet = BatchArgs {
        quiet: true,
        ..batch.clone()
    };
    let old = cli::batch::collect(&base, &quiet, None)?;
    let new = cli::batch::collect(&new, &quiet, None)?;
    let indicators = zhibiao::diff::diff(&old.indicators, &new.indicators);
    let sections = zhibiao::diff::diff(&old.sections, &new.sections);
    let (render_i, render_s) = match format {
        DiffFormat::Text => (
            zhibiao::diff::render_text("indicators", &indicators),
            zhibiao::diff::render_text("sections", &sections),
        ),
        DiffFormat::Md => (
            zhibiao::diff::render_markdown("indicators", &indicators),
            zhibiao::diff::render_markdown("sections", &sections),
        ),
    };
    let mut docs: Vec<&str> = indicators
        .iter()
        .map(|d| d.doc.as_str())
        .chain(sections.iter().map(|d| d.doc.as_str()))
        .collect();
    docs.sort_unstable();
    docs.dedup();
    let (ia, ir, ic) = zhibiao::diff::totals(&indicators);
    let (sa, sr, sc) = zhibiao::diff::totals(&sections);
    let summary = format!(
        "{} of {} documents differ; indicator records: +{ia} −{ir} ~{ic}; section records: +{sa} −{sr} ~{sc}",
        docs.len(),
        new.docs
    );
    let mut stdout = io::stdout().lock();
    match format {
        DiffFormat::Text => writeln!(stdout, "{render_i}{render_s}{summary}")?,
        DiffFormat::Md => writeln!(
            stdout,
            "### zhibiao diff\n\n{summary}\n\n{render_i}{render_s}"
        )?,
    }
    Ok(if old.failed + new.failed > 0 {
        ExitCode::from(2)
    } else if docs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
