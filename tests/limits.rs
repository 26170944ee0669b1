//! Nothing a file can do stops the batch: each hostile input below is one
//! error (or warning) naming it, and the documents after it are written.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::{fresh_dir, root, zhibiao};

const SEED: &str = "004_1d14376f1af869e4.txt";

/// A directory with `bad` (written by the caller) between two good reports.
fn sandwich(tag: &str) -> common::TempDir {
    let dir = fresh_dir(tag);
    let seed = root().join("tests/corpus/seeds").join(SEED);
    std::fs::copy(&seed, dir.join("a.txt")).unwrap();
    std::fs::copy(&seed, dir.join("z.txt")).unwrap();
    dir
}

fn docs(out: &Output) -> Vec<String> {
    let mut docs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let doc = v["doc"].as_str().unwrap().to_string();
            doc.rsplit('/').next().unwrap().to_string()
        })
        .collect();
    docs.dedup();
    docs
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 1, stderr names `bad` with `reason`, and both good reports came out.
fn goes_on(out: &Output, bad: &str, reason: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines().any(|l| l.contains(bad) && l.contains(reason)),
        "stderr should name {bad} with `{reason}`: {err}"
    );
    assert_eq!(docs(out), ["a.txt", "z.txt"], "{err}");
}

#[test]
fn deeply_nested_html_neither_aborts_nor_stalls() {
    let dir = sandwich("deep-html");
    let page = format!(
        "<html><body>{}地区生产总值增长5%。{}</body></html>",
        "<b>".repeat(16_000),
        "</b>".repeat(16_000)
    );
    std::fs::write(dir.join("m.html"), page).unwrap();
    std::fs::write(dir.join("n.html"), "<ul>".repeat(40_000)).unwrap();
    let out = zhibiao().arg("extract").arg(&*dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(docs(&out), ["a.txt", "m.html", "z.txt"]);
}

#[test]
fn a_file_over_the_size_limit() {
    let dir = sandwich("big");
    std::fs::write(dir.join("m.txt"), "增长5%。".repeat(100_000)).unwrap();
    let out = zhibiao()
        .args(["extract", "--max-file-size", "1M"])
        .arg(&*dir)
        .output()
        .unwrap();
    goes_on(&out, "m.txt", "larger than --max-file-size");
    // stdin is bounded the same way.
    let mut child = zhibiao()
        .args(["extract", "--max-file-size", "1K", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // More than the limit, and then some: the reader stops at the limit
    // and a closed pipe on our side is fine.
    let _ = stdin.write_all("地区生产总值增长5%。".repeat(1000).as_bytes());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("-: larger than --max-file-size"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_archive_that_expands_too_far_stops_there() {
    let dir = sandwich("bomb");
    // 72 MB of blank lines (cheap to refuse as empty) compress a
    // thousandfold: the third entry passes the 64 MB every archive may give.
    let zip_path = dir.join("m.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let block = vec![b'\n'; 1 << 20];
    for i in 0..3 {
        zip.start_file(format!("part{i}.txt"), opts).unwrap();
        for _ in 0..24 {
            zip.write_all(&block).unwrap();
        }
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&zip_path).unwrap().len() < 1 << 20);
    let out = zhibiao()
        .args(["extract", "--quiet"])
        .arg(&*dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("m.zip!part2.txt: expands past 100x its size"),
        "{err}"
    );
    assert!(docs(&out).ends_with(&["z.txt".to_string()]));
}

#[test]
fn fifos_neither_block_nor_pass_unsaid() {
    let dir = sandwich("fifo");
    let fifo = dir.join("m.txt");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // In a directory: passed over with a warning.
    let out = zhibiao().arg("extract").arg(&*dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("m.txt: warning: not a regular file (FIFO)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(docs(&out), ["a.txt", "z.txt"]);
    // Named, with no writer: empty at once, not a hang.
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("a.txt"))
        .arg(&fifo)
        .arg(dir.join("z.txt"))
        .output()
        .unwrap();
    goes_on(&out, "m.txt", "empty file");
    // Named, with a writer: read as it comes, like `<(command)`.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "地区生产总值增长5%。\n").unwrap())
    };
    let out = zhibiao().arg("extract").arg(&fifo).output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(docs(&out), ["m.txt"]);
}

/// The seeds as a .tar.gz of two gzip members, and one with its last entry
/// cut short.
#[test]
fn multi_member_gzip_and_a_truncated_tar_entry() {
    let dir = fresh_dir("tar");
    let seed = std::fs::read(root().join("tests/corpus/seeds").join(SEED)).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    for name in ["a.txt", "z.txt"] {
        let mut h = tar::Header::new_gnu();
        h.set_size(seed.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, seed.as_slice()).unwrap();
    }
    let tar = tar.into_inner().unwrap();
    let gz = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let half = 512 + seed.len() / 2;
    let mut two = gz(&tar[..half]);
    two.extend(gz(&tar[half..]));
    std::fs::write(dir.join("two.tar.gz"), two).unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("two.tar.gz"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(docs(&out), ["two.tar.gz!a.txt", "two.tar.gz!z.txt"]);

    // Cut inside the second entry's data.
    let cut = 512 + seed.len().div_ceil(512) * 512 + 512 + 100;
    std::fs::write(dir.join("cut.tar"), &tar[..cut]).unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("cut.tar"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cut.tar!z.txt: tar entry cut short"),
        "{}",
        stderr(&out)
    );
    assert_eq!(docs(&out), ["cut.tar!a.txt"]);
}

#[test]
fn the_output_inside_an_input_directory_is_not_read_back() {
    let dir = sandwich("self");
    let out_file = dir.join("out.jsonl");
    let diag = dir.join("diag.jsonl");
    let out = zhibiao()
        .arg("extract")
        .arg(&*dir)
        .arg("-o")
        .arg(&out_file)
        .arg("--diagnostics")
        .arg(&diag)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(!written.contains("out.jsonl") && !written.contains("diag.jsonl"));
    assert!(
        !std::fs::read_to_string(&diag)
            .unwrap()
            .contains("out.jsonl")
    );
}

#[test]
fn resume_with_a_document_named_twice() {
    let dir = sandwich("twice");
    let a = dir.join("a.txt");
    let z = dir.join("z.txt");
    let run = |out: &Path, resume: bool| {
        let mut cmd = zhibiao();
        cmd.args(["extract", "--quiet", "-o"]).arg(out);
        if resume {
            cmd.arg("--resume");
        }
        cmd.arg(&a).arg(&z).arg(&a).output().unwrap()
    };
    let whole = dir.join("whole.jsonl");
    assert!(run(&whole, false).status.success());
    let expected = std::fs::read_to_string(&whole).unwrap();
    // Killed inside the second a.txt: its first record is written.
    let lines: Vec<&str> = expected.lines().collect();
    let per_doc = lines.len() / 3;
    let part = dir.join("part.jsonl");
    std::fs::write(&part, lines[..2 * per_doc + 1].join("\n") + "\n").unwrap();
    assert!(run(&part, true).status.success());
    assert_eq!(std::fs::read_to_string(&part).unwrap(), expected);
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut child = zhibiao()
        .arg("extract")
        .arg(root().join("tests/corpus"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up, as `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8];
    while std::io::Read::read(&mut stdout, &mut byte).unwrap() == 1 && byte[0] != b'\n' {}
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn usage_mistakes_are_said_once() {
    let dir = sandwich("usage");
    let out = zhibiao()
        .args(["extract", "--encoding", "klingon"])
        .arg(&*dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).matches("klingon").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    let out = zhibiao()
        .args(["extract", "--glob", "*.htm"])
        .arg(&*dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("--glob \"*.htm\" matched no file"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------- rule files

fn check_rules(file: &str, bytes: &[u8]) -> Output {
    let dir = fresh_dir(&format!("rules-{}", file.replace('.', "-")));
    std::fs::write(dir.join(file), bytes).unwrap();
    let out = zhibiao()
        .args(["rules", "check"])
        .arg(&*dir)
        .output()
        .unwrap();
    drop(dir);
    out
}

#[test]
fn regex_lists_too_big_together_are_located() {
    // Each compiles alone; together they pass the regex size limit.
    let patterns: String = (0..200)
        .map(|i| format!("    - '\\w{{10}}x{i}'\n"))
        .collect();
    let out = check_rules(
        "big.yaml",
        format!("vocabulary:\n  noise_lines:\n{patterns}").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("big.yaml:2:3: the `noise_lines` patterns together are too big"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn anchors_cannot_blow_up() {
    let big = "x".repeat(200_000);
    let refs: String = (0..10_000).map(|_| "    - *big\n").collect();
    let yaml = format!("vocabulary:\n  links: [&big {big}]\n  joiners:\n{refs}");
    let out = check_rules("anchors.yaml", yaml.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("anchors.yaml:") && stderr(&out).contains("YAML aliases here expand"),
        "{}",
        stderr(&out)
    );
    // A few small aliases are fine.
    let out = check_rules(
        "small.yaml",
        b"vocabulary:\n  links: &a [\xe5\x8d\xa0\xe6\xaf\x94]\n  joiners: *a\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn rule_files_in_other_encodings() {
    let yaml = "vocabulary:\n  joiners: [占比, 折合]\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(yaml);
    let out = check_rules("gbk.yaml", &gbk);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gbk.yaml:2:14: bytes that are not UTF-8"),
        "{}",
        stderr(&out)
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(yaml.encode_utf16().flat_map(u16::to_le_bytes));
    let out = check_rules("utf16.yaml", &utf16);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn oversized_rule_files_are_refused_unread() {
    let dir = fresh_dir("rules-huge");
    let f = std::fs::File::create(dir.join("huge.yaml")).unwrap();
    f.set_len(zhibiao::rules::MAX_RULE_FILE + 1).unwrap();
    let out = zhibiao()
        .args(["rules", "check"])
        .arg(&*dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("huge.yaml:1:1:"), "{}", stderr(&out));
}

#[test]
fn many_rules_and_aliases_load() {
    let rules: String = (0..20_000)
        .map(|i| format!("  - id: r{i}\n    indicator: gdp\n    aliases: [指标{i}甲, 指标{i}乙]\n"))
        .collect();
    let out = check_rules("many.yaml", format!("indicators:\n{rules}").as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A word thousands of characters long (a fuzz case: a pasted run) would
/// make the vocabulary automaton take minutes to build; it is a located
/// error, found before anything is built.
#[test]
fn an_overlong_word_is_located_and_nothing_is_built() {
    let word = "增长".repeat(5000);
    let out = check_rules(
        "long.yaml",
        format!("vocabulary:\n  verbs:\n    growth: [上升, {word}]\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("long.yaml:3:18: a word of 10000 characters"),
        "{}",
        stderr(&out)
    );
}
