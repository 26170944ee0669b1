//! The paths beside the batch, held to the batch's standard: nothing lost
//! without a word, nothing that hangs, memory bounded, messages that name
//! what went wrong. One test per behaviour a hostile pass found wanting.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{fresh_dir, json_lines, root, run_with_stdin, zhibiao};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Assert that the run said `what` on stderr.
fn says(out: &Output, what: &str) {
    let err = stderr(out);
    assert!(err.contains(what), "expected {what:?} on stderr:\n{err}");
}

/// Wait for `cmd` at most `limit`; a run still going then is killed and
/// the test fails (it hung).
fn within(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output().unwrap()));
    match rx.recv_timeout(limit) {
        Ok(out) => out,
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("still running after {limit:?}: it hangs");
        }
    }
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/corpus/seeds").join(name)).unwrap()
}

/// (indicator, value, kind, year) of records whose sentence holds no
/// replacement character.
fn figures(x: &zhibiao::Extraction) -> Vec<(String, String, String)> {
    x.indicators
        .iter()
        .map(|r| {
            (
                r.indicator.clone(),
                r.value.to_string(),
                format!("{:?} {:?} {}", r.kind, r.year, r.period),
            )
        })
        .collect()
}

/// One invalid byte anywhere in a UTF-8 report costs the sentence it
/// stands in, nothing else: the text stays UTF-8, with a warning that
/// says where.
#[test]
fn a_stray_byte_costs_its_sentence_not_the_file() {
    let engine = zhibiao::Extractor::builtin().unwrap();
    for path in common::corpus().iter().step_by(5) {
        let clean = std::fs::read(path).unwrap();
        let Ok(text) = std::str::from_utf8(&clean) else {
            continue;
        };
        let want = engine.process("doc.txt", &clean).unwrap();
        for tenth in [0, 1, 3, 5, 7, 9] {
            let at = text.floor_char_boundary(text.len() * tenth / 10);
            let mut bytes = clean.clone();
            bytes.insert(at, 0xFF);
            let got = engine.process("doc.txt", &bytes).unwrap();
            let note = got
                .diagnostics
                .iter()
                .find(|d| d.code == zhibiao::Code::InvalidBytes)
                .expect("a warning");
            assert!(note.message.contains("1 invalid byte"), "{}", note.message);
            assert_eq!(note.line, Some(text[..at].matches('\n').count() + 1));
            let (want, got) = (figures(&want), figures(&got));
            // The damaged sentence may lose its records; no other changes.
            let lost = want.len() - got.len();
            assert!(
                lost <= 3 && want.iter().filter(|f| !got.contains(f)).count() <= lost,
                "{}: byte at {at}: {} records, {} before",
                path.display(),
                got.len(),
                want.len()
            );
        }
    }
    // The CLI says so on stderr, and exits 0.
    let dir = fresh_dir("stray");
    let mut bytes = seed("000_8360ffcb650b0fa4.txt");
    let at = std::str::from_utf8(&bytes)
        .unwrap()
        .floor_char_boundary(bytes.len() / 5);
    bytes.insert(at, 0xFF);
    std::fs::write(dir.join("a.txt"), &bytes).unwrap();
    std::fs::write(dir.join("clean.txt"), seed("000_8360ffcb650b0fa4.txt")).unwrap();
    let clean = zhibiao()
        .arg("extract")
        .arg(dir.join("clean.txt"))
        .output()
        .unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("a.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains(
            "warning: 1 invalid byte sequence(s) in UTF-8 replaced by U+FFFD (first on line"
        ),
        "{}",
        stderr(&out)
    );
    assert!(json_lines(&out.stdout).len() + 3 >= json_lines(&clean.stdout).len());
}

/// A file half UTF-8, half GBK: each line read in its own encoding, and
/// said so; the records are those of the all-UTF-8 text.
#[test]
fn a_file_in_two_encodings_is_read_line_by_line() {
    let dir = fresh_dir("mixed");
    let text = String::from_utf8(seed("000_8360ffcb650b0fa4.txt")).unwrap();
    let half = text[..text.len() / 2].rfind('\n').unwrap() + 1;
    let mut bytes = text.as_bytes()[..half].to_vec();
    bytes.extend_from_slice(&encoding_rs::GBK.encode(&text[half..]).0);
    std::fs::write(dir.join("mixed.txt"), &bytes).unwrap();
    std::fs::write(dir.join("clean.txt"), &text).unwrap();
    let run = |name: &str| zhibiao().arg("text").arg(dir.join(name)).output().unwrap();
    assert_eq!(run("mixed.txt").stdout, run("clean.txt").stdout);
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("mixed.txt"))
        .output()
        .unwrap();
    says(&out, "read as GBK, the rest as UTF-8");
    let clean = zhibiao()
        .arg("extract")
        .arg(dir.join("clean.txt"))
        .output()
        .unwrap();
    let values = |o: &Output| -> Vec<String> {
        json_lines(&o.stdout)
            .iter()
            .map(|r| format!("{} {} {}", r["indicator"], r["value"], r["span"]))
            .collect()
    };
    assert_eq!(values(&out), values(&clean));
}

/// UTF-16 without a byte-order mark is read; NULs that are no UTF-16 get
/// a message that names --encoding.
#[test]
fn utf16_without_a_bom_and_nul_bytes() {
    let dir = fresh_dir("utf16");
    let text = String::from_utf8(seed("000_8360ffcb650b0fa4.txt")).unwrap();
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.join("le.txt"), &le).unwrap();
    let out = zhibiao()
        .arg("text")
        .arg(dir.join("le.txt"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
    let mut junk = b"\x01\x02\x00\x00\x07\x00\x00\x00 binary".repeat(20);
    junk.truncate(150);
    std::fs::write(dir.join("junk.txt"), &junk).unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("junk.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    says(&out, "--encoding utf-16le");
}

/// --resume never doubles nor destroys: with --jsonl-input it goes on from
/// the last document; an output in another format than asked is refused
/// before it is touched.
#[test]
fn resume_checks_the_format_and_reads_jsonl_input() {
    let dir = fresh_dir("resume-edges");
    let docs: String = (0..40)
        .map(|i| {
            let text = format!(
                "{}年地区生产总值增长{}.5%。城镇新增就业{}万人。\n",
                2000 + i,
                i % 9,
                i + 1
            );
            serde_json::json!({"doc": format!("d{i:02}"), "text": text}).to_string() + "\n"
        })
        .collect();
    std::fs::write(dir.join("in.jsonl"), &docs).unwrap();
    let extract = |extra: &[&str]| {
        zhibiao()
            .args(["extract", "--quiet", "--jsonl-input"])
            .arg(dir.join("in.jsonl"))
            .args(extra)
            .output()
            .unwrap()
    };
    let whole = extract(&[]);
    assert!(whole.status.success(), "{}", stderr(&whole));
    assert_eq!(json_lines(&whole.stdout).len(), 80);
    // A run killed after 15 documents (and inside the 16th's line).
    let lines: Vec<&str> = std::str::from_utf8(&whole.stdout)
        .unwrap()
        .lines()
        .collect();
    let mut part = lines[..31].join("\n");
    part.push_str("\n{\"doc\":\"d15\",\"indic");
    let out = dir.join("out.jsonl");
    std::fs::write(&out, &part).unwrap();
    let resumed = extract(&["--resume", "-o", out.to_str().unwrap()]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        whole.stdout,
        "no document twice"
    );

    // Formats that do not match are refused, the file left as it was.
    for (held, asked) in [
        ("parquet", "jsonl"),
        ("csv", "jsonl"),
        ("jsonl", "csv"),
        ("json", "parquet"),
    ] {
        let file = dir.join(format!("held.{held}"));
        let made = extract(&["--format", held, "-o", file.to_str().unwrap(), "--force"]);
        assert!(made.status.success(), "{}", stderr(&made));
        let before = std::fs::read(&file).unwrap();
        let refused = extract(&["--format", asked, "--resume", "-o", file.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(2), "{held} resumed as {asked}");
        says(&refused, "nothing was changed");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "{held} resumed as {asked}"
        );
    }
    // A JSON array resumed stays one JSON array.
    let json = dir.join("held.json");
    let again = extract(&["--format", "json", "--resume", "-o", json.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    let array: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(array.as_array().unwrap().len(), 80);
}

/// Every option means on JSON Lines input what it means on files: --year,
/// --meta, --diagnostics, --max-file-size, -j; panel, eval and diff see
/// each line as its own document; a directory is read file by file.
#[test]
fn jsonl_input_goes_through_the_batch() {
    let dir = fresh_dir("jsonl-batch");
    let docs = [("a", "地区生产总值增长5%。"), ("b", "地区生产总值增长6%。")];
    let lines: String = docs
        .iter()
        .map(|(d, t)| serde_json::json!({"doc": d, "text": t}).to_string() + "\n")
        .collect();
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    std::fs::write(dir.join("parts/part-0.jsonl"), &lines).unwrap();
    let long = serde_json::json!({"doc": "big", "text": "增长".repeat(2000)}).to_string() + "\n";
    std::fs::write(
        dir.join("parts/part-1.jsonl"),
        long + &lines.replace("\"a\"", "\"c\""),
    )
    .unwrap();
    std::fs::write(dir.join("meta.csv"), "doc,year\na,2021\n").unwrap();
    let diag = dir.join("diag.jsonl");
    let out = within(
        zhibiao()
            .args(["extract", "--jsonl-input", "-j", "2", "--year", "2030"])
            .args(["--max-file-size", "4K", "--meta"])
            .arg(dir.join("meta.csv"))
            .arg("--diagnostics")
            .arg(&diag)
            .arg(dir.join("parts")),
        Duration::from_secs(60),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the long line fails: {}",
        stderr(&out)
    );
    let records = json_lines(&out.stdout);
    let years: Vec<(String, i64)> = records
        .iter()
        .map(|r| {
            (
                r["doc"].as_str().unwrap().to_string(),
                r["year"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [
            // Work reports look back: their growth figures are of the year before.
            ("a".to_string(), 2020),
            ("b".to_string(), 2029),
            ("c".to_string(), 2029),
            ("b".to_string(), 2029)
        ]
    );
    let diagnostics = std::fs::read_to_string(&diag).unwrap();
    assert!(
        diagnostics.contains("part-1.jsonl:1")
            && diagnostics.contains("larger than --max-file-size"),
        "{diagnostics}"
    );
    // panel: one row per region and year from many documents, not one.
    let panel = zhibiao()
        .args(["panel", "--jsonl-input"])
        .arg(dir.join("parts/part-0.jsonl"))
        .output()
        .unwrap();
    assert!(panel.status.success(), "{}", stderr(&panel));
    says(&panel, "2 documents");
}

/// A stderr that cannot be written loses the messages, not the run.
#[test]
fn an_unwritable_stderr_loses_no_records() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = fresh_dir("full-stderr");
    for i in 0..40 {
        std::fs::write(
            dir.join(format!("{i:02}.txt")),
            format!("地区生产总值增长{i}%。\n"),
        )
        .unwrap();
        std::fs::write(dir.join(format!("{i:02}-empty.txt")), "").unwrap();
    }
    let out = dir.join("out.jsonl");
    let full = std::fs::File::create("/dev/full").unwrap();
    let run = within(
        zhibiao()
            .args(["extract", "-j2", "-o"])
            .arg(&out)
            .arg(dir.as_ref() as &Path)
            .stderr(full),
        Duration::from_secs(60),
    );
    assert_eq!(run.status.code(), Some(1), "empty files failed");
    assert_eq!(json_lines(&std::fs::read(&out).unwrap()).len(), 40);
}

/// A zip that holds a zip, cut short: an error, not the inner zip's
/// members read as the archive's.
#[test]
fn a_cut_archive_is_an_error() {
    let dir = fresh_dir("cut-zip");
    let write_zip = |files: &[(&str, &[u8])], method| {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, bytes) in files {
            zip.start_file(*name, opts).unwrap();
            std::io::Write::write_all(&mut zip, bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    };
    let report = seed("000_8360ffcb650b0fa4.txt");
    let inner = write_zip(&[("inner.txt", &report)], zip::CompressionMethod::Stored);
    let outer = write_zip(
        &[("real.txt", &report), ("inner.zip", &inner)],
        zip::CompressionMethod::Stored,
    );
    std::fs::write(dir.join("cut.zip"), &outer[..outer.len() - 30]).unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("cut.zip"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    says(&out, "not a whole zip archive");
    assert!(out.stdout.is_empty(), "nothing read from the inner zip");
}

/// explain, text and --meta within bounds: a long line in linear time and
/// memory, a file over --max-file-size refused unread, a binary file refused
/// from its first bytes, stdin read by `explain -`.
#[test]
fn explain_text_and_manifests_are_bounded() {
    let dir = fresh_dir("bounded");
    let line = "地区生产总值增长5%，".repeat(60_000) + "\n";
    std::fs::write(dir.join("long.txt"), &line).unwrap();
    let out = within(
        zhibiao().arg("explain").arg(dir.join("long.txt")),
        Duration::from_secs(120),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches("record: gdp")
            .count(),
        60_000
    );
    let big = dir.join("big.txt");
    std::fs::write(&big, "增长5%。\n".repeat(1000)).unwrap();
    for cmd in ["text", "explain"] {
        let out = zhibiao()
            .args([cmd, "--max-file-size", "1K"])
            .arg(&big)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        says(&out, "larger than --max-file-size");
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(200 << 10, 7);
    std::fs::write(dir.join("pic.txt"), &png).unwrap();
    let out = zhibiao()
        .arg("text")
        .arg(dir.join("pic.txt"))
        .output()
        .unwrap();
    says(&out, "binary file (PNG image)");
    let out = run_with_stdin(zhibiao().args(["explain", "-"]), "地区生产总值增长5%。\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("record: gdp"));
    // A manifest over the size limit is refused; thousands of unmatched
    // rows are counted, not all printed.
    let rows: String = (0..5000).map(|i| format!("r{i}.txt,2020\n")).collect();
    std::fs::write(dir.join("meta.csv"), format!("doc,year\n{rows}")).unwrap();
    std::fs::write(dir.join("a.txt"), "地区生产总值增长5%。\n").unwrap();
    let out = zhibiao()
        .args(["extract", "--meta"])
        .arg(dir.join("meta.csv"))
        .arg(dir.join("a.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.lines().count() < 60, "{} lines", err.lines().count());
    assert!(err.contains("… and 4950 more manifest problems"), "{err}");
    let out = zhibiao()
        .args(["extract", "--max-file-size", "10K", "--meta"])
        .arg(dir.join("meta.csv"))
        .arg(dir.join("a.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    says(&out, "larger than --max-file-size");
}

/// Manifests: a `!` in a plain file name is part of the name; a row the end
/// of several paths matches is said; a BOM before JSON Lines is no
/// obstacle; GBK is read.
#[test]
fn manifest_rows_match_what_they_name() {
    let dir = fresh_dir("manifest-names");
    std::fs::create_dir_all(dir.join("x")).unwrap();
    std::fs::create_dir_all(dir.join("y")).unwrap();
    for p in ["a!b.txt", "b.txt", "x/r.txt", "y/r.txt"] {
        std::fs::write(dir.join(p), "地区生产总值增长5%。\n").unwrap();
    }
    std::fs::write(
        dir.join("meta.jsonl"),
        "\u{feff}{\"doc\":\"b.txt\",\"year\":2011}\n{\"doc\":\"r.txt\",\"year\":2012}\n",
    )
    .unwrap();
    let out = zhibiao()
        .args(["extract", "-g", "*.txt", "--meta"])
        .arg(dir.join("meta.jsonl"))
        .arg(dir.as_ref() as &Path)
        .output()
        .unwrap();
    let years: Vec<(String, i64)> = json_lines(&out.stdout)
        .iter()
        .map(|r| {
            let doc = r["doc"].as_str().unwrap();
            let name = doc.strip_prefix(&format!("{}/", dir.display())).unwrap();
            (name.to_string(), r["year"].as_i64().unwrap_or(0))
        })
        .collect();
    assert_eq!(
        years,
        [
            // Work reports look back: their growth figures are of the year before.
            ("a!b.txt".to_string(), 0),
            ("b.txt".to_string(), 2010),
            ("x/r.txt".to_string(), 2011),
            ("y/r.txt".to_string(), 2011)
        ]
    );
    assert_eq!(out.status.code(), Some(1));
    says(&out, "meta.jsonl:2: matches several documents");
    let rows: String = ["保定市", "石家庄市", "唐山市", "邯郸市", "邢台市", "沧州市"]
        .iter()
        .map(|city| format!("{city}政府工作报告.txt,2016,gwr\n"))
        .collect();
    let manifest = format!("doc,year,type\n报告.txt,2015,gwr\n{rows}");
    let gbk = encoding_rs::GBK.encode(&manifest).0;
    std::fs::write(dir.join("gbk.csv"), &gbk).unwrap();
    std::fs::write(dir.join("报告.txt"), "地区生产总值增长5%。\n").unwrap();
    let out = zhibiao()
        .args(["extract", "--meta"])
        .arg(dir.join("gbk.csv"))
        .arg(dir.join("报告.txt"))
        .output()
        .unwrap();
    says(&out, "no input is named `保定市政府工作报告.txt`");
    assert_eq!(json_lines(&out.stdout)[0]["year"], 2014);
}

/// Rule files: a FIFO or a device named *.yaml is refused, not read; a
/// directory with no rule file is an error, not "no difference"; a file
/// with thousands of errors prints fifty and a count.
#[test]
fn rule_files_that_are_no_files() {
    let dir = fresh_dir("rule-files");
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let out = zhibiao()
        .args(["diff", "--rules"])
        .arg(dir.join("empty"))
        .arg(root().join("tests/corpus/seeds"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    says(&out, "a directory with no rule file");
    #[cfg(unix)]
    {
        std::fs::create_dir_all(dir.join("odd")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("odd/zero.yaml")).unwrap();
        let fifo = dir.join("odd/pipe.yaml");
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let out = within(
            zhibiao().args(["rules", "check"]).arg(dir.join("odd")),
            Duration::from_secs(30),
        );
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out).matches("not a regular file").count(),
            2,
            "{}",
            stderr(&out)
        );
    }
    let many: String = (0..3000)
        .map(|i| format!("  - id: r{i}\n    aliases: [\"\"]\n"))
        .collect();
    std::fs::create_dir_all(dir.join("many")).unwrap();
    std::fs::write(dir.join("many/bad.yaml"), format!("indicators:\n{many}")).unwrap();
    let out = zhibiao()
        .args(["rules", "check"])
        .arg(dir.join("many"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.lines().count() < 60, "{} lines", err.lines().count());
    assert!(err.contains("more problems"), "{err}");
}

/// -j with a huge number runs, clamped; --diagnostics /dev/null is written
/// to, not truncated; an output that cannot be created names its path.
#[test]
fn odd_options_and_paths() {
    let seeds = root().join("tests/corpus/seeds");
    let out = within(
        zhibiao()
            .args(["extract", "-j", "18446744073709551615"])
            .arg(&seeds),
        Duration::from_secs(60),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    says(&out, "more workers than four per core");
    let out = zhibiao()
        .args(["extract", "--diagnostics", "/dev/null"])
        .arg(&seeds)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = zhibiao()
        .args(["extract", "-o", "/nonexistent-dir/out.jsonl"])
        .arg(&seeds)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    says(&out, "/nonexistent-dir/out.jsonl");
}
