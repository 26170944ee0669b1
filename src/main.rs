//! The `zhibiao` command line: a thin layer over the library.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use rayon::prelude::*;

use zhibiao::output::{Format, Writer};
use zhibiao::{Diagnostic, Extraction, RulePack, RuleSource, Severity, eval};

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
    /// Precision / recall / F1 of extract (and outline) against gold JSONL.
    Eval {
        /// Gold file of indicator or section records (repeatable).
        #[arg(long, required = true)]
        gold: Vec<PathBuf>,
        /// List the misses and the spurious records.
        #[arg(long, short)]
        verbose: bool,
        #[command(flatten)]
        run: Run,
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
        /// A report to explain (read like extract reads it).
        #[arg(required_unless_present = "text")]
        file: Option<PathBuf>,
        /// Only this line (1-based) of FILE.
        #[arg(long, requires = "file")]
        line: Option<usize>,
        #[command(flatten)]
        rules: RuleArgs,
    },
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
}

#[derive(Args)]
struct Run {
    /// Files, directories (walked recursively) or - for stdin.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rule_args: RuleArgs,
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Write records here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Also write warnings and per-file errors here, as JSONL.
    #[arg(long, value_name = "FILE")]
    diagnostics: Option<PathBuf>,
    /// Read inputs in this encoding instead of detecting it (gbk, big5, utf-16le …).
    #[arg(long)]
    encoding: Option<String>,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zhibiao: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(r) => batch(&r, |w, x| {
            x.indicators.iter().try_for_each(|rec| w.write(rec))
        }),
        Command::Outline(r) => batch(&r, |w, x| {
            x.sections.iter().try_for_each(|rec| w.write(rec))
        }),
        Command::Eval { gold, verbose, run } => evaluate(&gold, verbose, &run),
        Command::Rules { command } => rules(command),
        Command::Explain {
            text,
            file,
            line,
            rules,
        } => {
            let Some(pack) = load_pack(&rules.rules, rules.no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let (name, text) = match (text, file) {
                (Some(t), _) => ("--text".to_string(), t),
                (None, Some(f)) => {
                    let name = f.display().to_string();
                    let bytes = std::fs::read(&f).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                    let decoded = zhibiao::decode::decode(&bytes, &name, None)
                        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                    (name, decoded.text)
                }
                (None, None) => unreachable!("clap requires one of them"),
            };
            print!("{}", zhibiao::explain::explain(&pack, &name, &text, line));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn rules(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::Check {
            dirs,
            no_default_rules,
        } => Ok(match load_pack(&dirs, no_default_rules) {
            Some(pack) => {
                println!(
                    "ok: {} indicator rules, {} examples",
                    pack.targets.len(),
                    pack.examples.len()
                );
                ExitCode::SUCCESS
            }
            None => ExitCode::from(2),
        }),
        RulesCommand::Test {
            dirs,
            no_default_rules,
            verbose,
        } => {
            let Some(pack) = load_pack(&dirs, no_default_rules) else {
                return Ok(ExitCode::from(2));
            };
            let outcomes = zhibiao::rules::examples::run(&pack);
            let failed = outcomes.iter().filter(|o| !o.passed).count();
            let skipped = outcomes.iter().filter(|o| o.skipped).count();
            for o in &outcomes {
                let rule = o.example.rule.as_deref().unwrap_or("(file-level)");
                if !o.passed {
                    println!("{}", zhibiao::rules::examples::render_failure(o));
                } else if o.skipped {
                    println!(
                        "skip {rule} — expects an indicator switched off: {}",
                        o.example.example.text
                    );
                } else if verbose {
                    println!("ok   {rule} — {}", o.example.example.text);
                }
            }
            println!(
                "{} examples: {} passed, {failed} failed, {skipped} skipped",
                outcomes.len(),
                outcomes.len() - failed - skipped
            );
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        RulesCommand::Schema => {
            print!("{}", zhibiao::rules::schema_json());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The built-in pack layered with `dirs`, or `None` after printing every
/// problem found (file:line:column each).
fn load_pack(dirs: &[PathBuf], no_default: bool) -> Option<RulePack> {
    let mut sources = if no_default {
        Vec::new()
    } else {
        RuleSource::defaults()
    };
    let mut errors = Vec::new();
    for d in dirs {
        match RuleSource::from_path(d) {
            Ok(s) => sources.extend(s),
            Err(e) => errors.push(e),
        }
    }
    let result = if errors.is_empty() {
        RulePack::from_sources(&sources)
    } else {
        Err(zhibiao::RuleErrors(errors))
    };
    match result {
        Ok(pack) => Some(pack),
        Err(e) => {
            eprintln!("{e}");
            eprintln!(
                "zhibiao: invalid rules ({} problem{}); nothing processed",
                e.0.len(),
                if e.0.len() == 1 { "" } else { "s" }
            );
            None
        }
    }
}

/// One input: a name for records and where its bytes come from.
enum Input {
    File(PathBuf),
    Stdin,
    /// Could not even be listed (a walk error): reported, not read.
    Broken(String, String),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".into(),
            Input::Broken(n, _) => n.clone(),
        }
    }
}

fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if p.is_dir() {
            for entry in walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
            {
                match entry {
                    Ok(e) if e.file_type().is_file() => out.push(Input::File(e.into_path())),
                    Ok(_) => {}
                    Err(e) => out.push(Input::Broken(
                        e.path()
                            .map_or_else(|| p.display().to_string(), |q| q.display().to_string()),
                        e.to_string(),
                    )),
                }
            }
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    out
}

fn read(input: &Input) -> io::Result<Vec<u8>> {
    match input {
        Input::File(p) => std::fs::read(p),
        Input::Stdin => {
            let mut buf = Vec::new();
            io::stdin().read_to_end(&mut buf)?;
            Ok(buf)
        }
        Input::Broken(_, why) => Err(io::Error::other(why.clone())),
    }
}

/// Extract every input in parallel; results come back in input order.
fn extract_all(run: &Run, pack: &RulePack) -> anyhow::Result<Vec<Result<Extraction, Diagnostic>>> {
    let list = inputs(&run.paths);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.jobs.unwrap_or(0))
        .build()?;
    Ok(pool.install(|| {
        list.par_iter()
            .map(|input| {
                let name = input.name();
                let bytes = read(input).map_err(|e| Diagnostic {
                    doc: name.clone(),
                    severity: Severity::Error,
                    code: "unreadable".into(),
                    line: None,
                    message: e.to_string(),
                })?;
                zhibiao::process(pack, &name, &bytes, run.encoding.as_deref())
            })
            .collect()
    }))
}

fn batch<F>(run: &Run, mut emit: F) -> anyhow::Result<ExitCode>
where
    F: FnMut(&mut Writer<Box<dyn Write>>, &Extraction) -> io::Result<()>,
{
    let Some(pack) = load_pack(&run.rule_args.rules, run.rule_args.no_default_rules) else {
        return Ok(ExitCode::from(2));
    };
    if run.paths.is_empty() {
        anyhow::bail!("no input: give files, directories or - for stdin");
    }
    let out: Box<dyn Write> = match &run.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut diag = run
        .diagnostics
        .as_deref()
        .map(open_diagnostics)
        .transpose()?;
    let mut writer = Writer::new(run.format, out);
    let mut failed = 0;
    for result in extract_all(run, &pack)? {
        match result {
            Ok(x) => {
                emit(&mut writer, &x)?;
                for w in x.diagnostics.iter().filter(|w| w.code == "invalid_bytes") {
                    eprintln!("zhibiao: {}: warning: {}", w.doc, w.message);
                }
                if let Some(d) = diag.as_mut() {
                    x.diagnostics.iter().try_for_each(|w| write_jsonl(d, w))?;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("zhibiao: {}: {}", e.doc, e.message);
                if let Some(d) = diag.as_mut() {
                    write_jsonl(d, &e)?;
                }
            }
        }
    }
    writer.finish()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn open_diagnostics(p: &Path) -> anyhow::Result<BufWriter<File>> {
    Ok(BufWriter::new(
        File::create(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
    ))
}

fn write_jsonl(w: &mut impl Write, d: &Diagnostic) -> io::Result<()> {
    serde_json::to_writer(&mut *w, d)?;
    w.write_all(b"\n")
}

fn evaluate(gold_files: &[PathBuf], verbose: bool, run: &Run) -> anyhow::Result<ExitCode> {
    let Some(pack) = load_pack(&run.rule_args.rules, run.rule_args.no_default_rules) else {
        return Ok(ExitCode::from(2));
    };
    let mut failed = 0;
    let mut indicators = Vec::new();
    let mut sections = Vec::new();
    for r in extract_all(run, &pack)? {
        match r {
            Ok(x) => {
                indicators.extend(x.indicators);
                sections.extend(x.sections);
            }
            Err(e) => {
                failed += 1;
                eprintln!("zhibiao: {}: {}", e.doc, e.message);
            }
        }
    }
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
