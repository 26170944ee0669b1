//! A mutation fuzzer that runs on stable Rust, as a test.
//!
//! Inputs start from real reports (cut short), the same as HTML, GB18030
//! and UTF-16, UTF-8 with stray bytes, half UTF-8 and half GBK, a line of
//! over a megabyte; the built-in rule files; zip and tar archives (nested,
//! cut short); manifests (CSV, JSONL); JSON Lines documents. Each case
//! mutates one with byte flips, deletions, repeats and splices, and tokens
//! the engine reads specially (markup, `\r\n` written out, units,
//! numerals, headings, BOMs, stray bytes). Targets: decode, normalise,
//! extract (every span must slice the decoded text), rule loading, the
//! batch runner on archives and JSON Lines (no document may end in an
//! internal error), and the manifest reader. A case fails if it panics, or
//! takes over 10 s; the run fails if the process's peak memory passes
//! 500 MB. The run prints how many cases of each class it ran.
//!
//! `cargo test` runs a few hundred cases from a fixed seed. For longer:
//! `ZHIBIAO_FUZZ_SECS=600 ZHIBIAO_FUZZ_SEED=7 cargo test --release --test fuzz -- --nocapture`
//! (CI runs a minute). A failing case is written to `target/fuzz-crashes/`;
//! copy it to `tests/fuzz/regressions/` (`.html` / `.yaml` names pick the
//! target) and it is replayed by every run.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::root;
use zhibiao::{Extractor, RulePack, RuleSource};

/// The slowest a case may be (inputs stay under 1 MB).
const CASE_LIMIT: Duration = Duration::from_secs(10);
/// The most a case's input may grow to (a long-line seed starts a little
/// over a megabyte).
const MAX_INPUT: usize = 3 << 19;

/// Tokens worth inserting: what the decoder, normaliser, grammar and rule
/// loader each treat specially.
const DICT: &[&str] = &[
    "<b>",
    "</b>",
    "<ul>",
    "<li>",
    "<table><tr><td>",
    "</td><td>",
    "<br>",
    "<!--",
    "<script>",
    "<?xml ",
    "&nbsp;",
    "&#x4e00;",
    "\r\n",
    "\r",
    "\\r\\n",
    "\t",
    "  ",
    "\u{feff}",
    "\u{fffd}",
    "亿元",
    "万亿",
    "%",
    "％",
    "_M_M_",
    "个百分点",
    "增长",
    "下降",
    "地区生产总值",
    "GDP",
    "力争",
    "确保",
    "以上",
    "左右",
    "分别",
    "均",
    "、",
    "和",
    "。",
    "，",
    "；",
    "一、",
    "（一）",
    "1.",
    "(1)",
    "2024年",
    "今年",
    "上半年",
    "1-3月",
    "百分之十二点五",
    "一千二百亿元",
    "７．３",
    "至",
    "~",
    "-",
    "0",
    "9",
    ".",
    "報(bào)",
    "?",
    "????",
    "\u{3000}",
    "\0",
    "\u{200b}",
    ": ",
    "- ",
    "[",
    "{",
    "&a",
    "*a",
    "!!",
    "'",
    "\"",
    "\n  - ",
    "\n    ",
    "\u{80}",
    "\u{ff}",
    "{\"doc\":\"x\",\"text\":\"",
    "\"}\n",
    "doc,region_code,year,type\n",
    "a.txt,130609,2024,gwr\n",
    "!",
    "PK\u{5}\u{6}",
];

/// Bytes no UTF-8 text holds: a stray one turns a report into damaged UTF-8.
const STRAY: &[u8] = &[0x80, 0xBF, 0xC0, 0xC3, 0xE4, 0xF5, 0xFE, 0xFF];

/// xorshift64*: enough randomness for mutation, reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One case: the bytes and what reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Target {
    Text,
    Html,
    Rules,
    /// A zip archive, read by the batch runner.
    Zip,
    /// A tar.gz archive, read by the batch runner.
    TarGz,
    /// A manifest for `--meta`.
    Manifest,
    /// Documents as JSON Lines (`--jsonl-input`), read by the batch runner.
    Jsonl,
}

impl Target {
    fn of(path: &Path) -> Target {
        let name = path.to_string_lossy();
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => Target::Html,
            Some("yaml") => Target::Rules,
            Some("zip") => Target::Zip,
            Some("tgz") => Target::TarGz,
            Some("csv" | "json") => Target::Manifest,
            Some("jsonl") => Target::Jsonl,
            _ if name.ends_with(".tar.gz") => Target::TarGz,
            _ => Target::Text,
        }
    }
    fn extension(self) -> &'static str {
        match self {
            Target::Text => "txt",
            Target::Html => "html",
            Target::Rules => "yaml",
            Target::Zip => "zip",
            Target::TarGz => "tgz",
            Target::Manifest => "csv",
            Target::Jsonl => "jsonl",
        }
    }
}

fn zip_of(files: &[(String, Vec<u8>)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), opts).unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn tar_gz_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn seeds() -> Vec<(Target, Vec<u8>)> {
    let mut seeds = Vec::new();
    let mut texts = Vec::new();
    for path in common::corpus().iter().step_by(7).take(8) {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let cut: String = text.chars().take(6000).collect();
        let html = format!(
            "<html><body><p>{}</p></body></html>",
            cut.replace('\n', "</p><p>")
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(cut.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let gbk = encoding_rs::GB18030.encode(&cut).0.into_owned();
        // Half UTF-8, half GBK; UTF-8 with a stray byte in its first lines.
        let half = cut.floor_char_boundary(cut.len() / 2);
        let mut mixed = cut.as_bytes()[..half].to_vec();
        mixed.extend_from_slice(&encoding_rs::GB18030.encode(&cut[half..]).0);
        let mut stray = cut.clone().into_bytes();
        stray.insert(cut.floor_char_boundary(cut.len() / 10), 0xFF);
        seeds.push((Target::Text, gbk));
        seeds.push((Target::Text, utf16));
        seeds.push((Target::Text, mixed));
        seeds.push((Target::Text, stray));
        seeds.push((Target::Html, html.into_bytes()));
        seeds.push((Target::Text, cut.clone().into_bytes()));
        texts.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            cut,
        ));
    }
    // A line of over a megabyte, one sentence of clauses.
    seeds.push((
        Target::Text,
        "地区生产总值增长5.2%，规模以上工业增加值增长6%，"
            .repeat(15_000)
            .into_bytes(),
    ));
    for source in RuleSource::defaults() {
        seeds.push((Target::Rules, source.text.into_bytes()));
    }
    // Archives: plain, nested (a stored zip inside a zip), cut short.
    let files: Vec<(String, Vec<u8>)> = texts
        .iter()
        .take(3)
        .map(|(n, t)| (format!("reports/{n}"), t.clone().into_bytes()))
        .collect();
    let zip = zip_of(&files, zip::CompressionMethod::Deflated);
    let inner = zip_of(&files, zip::CompressionMethod::Stored);
    let nested = zip_of(
        &[("inner.zip".to_string(), inner.clone()), files[0].clone()],
        zip::CompressionMethod::Stored,
    );
    let tgz = tar_gz_of(&files);
    seeds.push((Target::Zip, zip));
    seeds.push((Target::Zip, nested[..nested.len() - 30].to_vec()));
    seeds.push((Target::Zip, nested));
    seeds.push((Target::TarGz, tgz[..tgz.len() * 2 / 3].to_vec()));
    seeds.push((Target::TarGz, tgz));
    // Manifests, CSV and JSON Lines (one with a BOM).
    seeds.push((
        Target::Manifest,
        b"doc,region_code,year,type\na.txt,130609,2024,gwr\nreports/b.txt,,2023,plan\nc!d.txt,999999,3000,nope\n"
            .to_vec(),
    ));
    seeds.push((
        Target::Manifest,
        "\u{feff}{\"doc\":\"a.txt\",\"year\":2024}\n{\"doc\":\"b.txt\",\"region_code\":\"130000\"}\n"
            .as_bytes()
            .to_vec(),
    ));
    // Documents as JSON Lines.
    let jsonl: String = texts
        .iter()
        .map(|(n, t)| {
            let cut: String = t.chars().take(1500).collect();
            serde_json::json!({"doc": n, "text": cut}).to_string() + "\n"
        })
        .collect();
    seeds.push((Target::Jsonl, jsonl.into_bytes()));
    seeds
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(input.len() + 1);
        match rng.below(9) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 if !input.is_empty() => {
                let end = (at + rng.below(64)).min(input.len());
                input.drain(at.min(end)..end);
            }
            2 => {
                let token = DICT[rng.below(DICT.len())].as_bytes();
                input.splice(at..at, token.iter().copied());
            }
            3 => {
                // A token many times over: nesting, long lines, runs.
                let token = DICT[rng.below(DICT.len())].as_bytes();
                let times = 1 + rng.below(20_000);
                let run: Vec<u8> = token.repeat(times);
                input.splice(at..at, run);
            }
            4 if !input.is_empty() => {
                let start = rng.below(input.len());
                let end = (start + rng.below(4096)).min(input.len());
                let piece = input[start..end].repeat(1 + rng.below(50));
                input.splice(at..at, piece);
            }
            5 if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + rng.below(2048)).min(other.len());
                input.splice(at..at, other[start..end].iter().copied());
            }
            6 => input.truncate(at),
            7 => input.insert(at, STRAY[rng.below(STRAY.len())]),
            _ => input.insert(at, rng.next() as u8),
        }
    }
    input.truncate(MAX_INPUT);
}

/// Run one case; `Err` says what went wrong.
fn run_case(engine: &Extractor, target: Target, bytes: &[u8]) -> Result<(), String> {
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| match target {
        Target::Rules => {
            let source = RuleSource {
                name: "fuzz.yaml".into(),
                text: String::from_utf8_lossy(bytes).into_owned(),
            };
            let _ = RulePack::from_sources(&[source]);
            Ok(())
        }
        Target::Text | Target::Html => {
            let name = format!("case.{}", target.extension());
            let _ = zhibiao::simplified(&String::from_utf8_lossy(bytes));
            let Ok(decoded) = zhibiao::decode(bytes, &name, None) else {
                return Ok(());
            };
            let x = engine.extract(&name, &decoded.text);
            spans_slice(&x, &decoded.text)
        }
        Target::Zip | Target::TarGz | Target::Jsonl => through_batch(engine, target, bytes),
        Target::Manifest => {
            let file = case_file(target, bytes);
            let _ = zhibiao::meta::Manifest::read(&file.0, &engine.pack().gazetteer, 1 << 30);
            Ok(())
        }
    }));
    let took = start.elapsed();
    match outcome {
        Err(panic) => Err(format!(
            "panic: {}",
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        )),
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) if took > CASE_LIMIT => Err(format!("took {took:?}")),
        Ok(Ok(())) => Ok(()),
    }
}

fn spans_slice(x: &zhibiao::Extraction, text: &str) -> Result<(), String> {
    for r in &x.indicators {
        if text.get(r.span.0..r.span.1).is_none() {
            return Err(format!("span {:?} is not in the decoded text", r.span));
        }
    }
    for s in &x.sections {
        if text.get(s.span.0..s.span.1).is_none() {
            return Err(format!(
                "section span {:?} is not in the decoded text",
                s.span
            ));
        }
    }
    Ok(())
}

/// A case's bytes as a file of its own (removed when dropped).
struct CaseFile(PathBuf);

impl Drop for CaseFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn case_file(target: Target, bytes: &[u8]) -> CaseFile {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "zhibiao-fuzz-{}-{n}.{}",
        std::process::id(),
        target.extension()
    ));
    std::fs::write(&path, bytes).unwrap();
    CaseFile(path)
}

/// Archives and JSON Lines through the batch runner, as the CLI reads them:
/// every document's spans slice its text, and none ends in an internal
/// error (the runner turns a panic into one).
fn through_batch(engine: &Extractor, target: Target, bytes: &[u8]) -> Result<(), String> {
    let file = case_file(target, bytes);
    let opts = zhibiao::batch::Options {
        jsonl: target == Target::Jsonl,
        limits: zhibiao::batch::Limits {
            max_file_size: 4 << 20,
            max_archive_ratio: 100,
        },
        ..Default::default()
    };
    let mut problem = None;
    zhibiao::batch::run(
        engine,
        vec![zhibiao::batch::Input::Path(file.0.clone())],
        &opts,
        |_, x| x,
        |done| {
            match &done.result {
                Err(e) if e.code == zhibiao::Code::InternalError => {
                    problem.get_or_insert(format!("{}: {}", e.doc, e.message));
                }
                Ok(x) if !x.continues => {
                    for r in &x.indicators {
                        if r.span.0 > r.span.1 {
                            problem.get_or_insert(format!("{}: span {:?}", r.doc, r.span));
                        }
                    }
                }
                _ => {}
            }
            Ok(())
        },
    )
    .map_err(|e| e.to_string())?;
    problem.map_or(Ok(()), Err)
}

/// Keep a failing case where a developer finds it, and say how to replay it.
fn keep(target: Target, bytes: &[u8]) -> PathBuf {
    let dir = root().join("target/fuzz-crashes");
    std::fs::create_dir_all(&dir).unwrap();
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{hash:016x}.{}", target.extension()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Peak resident memory of this process, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

#[test]
fn mutated_inputs_neither_panic_nor_stall() {
    let engine = Extractor::builtin().unwrap();
    let seeds = seeds();
    let seed = env("ZHIBIAO_FUZZ_SEED").unwrap_or(1u64);
    let secs: Option<u64> = env("ZHIBIAO_FUZZ_SECS");
    // Debug builds are slow: a quick run there, the real one in release.
    let cases = if cfg!(debug_assertions) { 60 } else { 300 };
    let deadline = secs.map(|s| Instant::now() + Duration::from_secs(s));
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut failures = Vec::new();
    let mut n = 0;
    let mut by_class: std::collections::BTreeMap<Target, usize> = Default::default();
    let last = root().join("target/fuzz-crashes/last-case");
    let _ = std::fs::create_dir_all(root().join("target/fuzz-crashes"));
    while deadline.map_or(n < cases, |d| Instant::now() < d) {
        let (target, base) = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())].1;
        let mut input = base.clone();
        mutate(&mut rng, &mut input, other);
        // Kept before it runs: a case that takes the process down (out of
        // memory, a stack overflow) is found here afterwards.
        if secs.is_some() {
            let _ = std::fs::write(&last, &input);
            let _ = std::fs::write(last.with_extension("target"), target.extension());
        }
        if let Err(why) = run_case(&engine, *target, &input) {
            failures.push(format!("{}: {why}", keep(*target, &input).display()));
        }
        *by_class.entry(*target).or_default() += 1;
        n += 1;
    }
    eprintln!("fuzz: {n} cases from seed {seed}: {by_class:?}");
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if let Some(peak) = peak_rss() {
        assert!(peak < 500 << 20, "peak RSS {} MB", peak >> 20);
    }
}

/// Every case a fuzz run ever failed on, kept in `tests/fuzz/regressions`.
#[test]
fn kept_fuzz_cases_pass() {
    let engine = Extractor::builtin().unwrap();
    let dir = root().join("tests/fuzz/regressions");
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if let Err(why) = run_case(&engine, Target::of(&path), &bytes) {
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
