//! Batches: archives read in place, file lists, globs, the same bytes
//! whatever -j, an existing output protected, resume after a kill.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::{fresh_dir, root, zhibiao};

fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = root().join("tests/corpus/seeds");
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// (doc, indicator, value) of each record, with the archive part of `doc` cut.
fn key(jsonl: &str) -> Vec<(String, String, String)> {
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let doc = v["doc"].as_str().unwrap();
            (
                doc.rsplit(['/', '!']).next().unwrap().to_string(),
                v["indicator"].to_string(),
                v["value"].to_string(),
            )
        })
        .collect()
}

#[test]
fn archives_are_read_in_place() {
    let dir = fresh_dir("archives");
    let plain = stdout(
        &zhibiao()
            .arg("extract")
            .arg(root().join("tests/corpus/seeds"))
            .output()
            .unwrap(),
    );

    let zip_path = dir.join("seeds.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in seeds() {
        zip.start_file(format!("reports/{name}"), opts).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();

    let tar_path = dir.join("seeds.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&tar_path).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in seeds() {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, format!("reports/{name}"), bytes.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();

    for archive in [&zip_path, &tar_path] {
        let out = stdout(&zhibiao().arg("extract").arg(archive).output().unwrap());
        assert_eq!(key(&out), key(&plain), "{}", archive.display());
        let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        let doc = first["doc"].as_str().unwrap();
        assert!(
            doc.starts_with(&format!("{}!reports/", archive.display())),
            "{doc}"
        );
    }
    // A broken archive is one clear error; the rest goes on.
    std::fs::write(dir.join("broken.zip"), b"PK\x03\x04 not really").unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("broken.zip"))
        .arg(&zip_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.zip"));
    assert_eq!(key(&String::from_utf8(out.stdout).unwrap()), key(&plain));
}

#[test]
fn globs_and_file_lists() {
    let seeds = root().join("tests/corpus/seeds");
    let only = stdout(
        &zhibiao()
            .args(["extract", "--glob", "*004_*"])
            .arg(&seeds)
            .output()
            .unwrap(),
    );
    assert!(!only.is_empty() && key(&only).iter().all(|(d, _, _)| d.starts_with("004_")));
    let except = stdout(
        &zhibiao()
            .args(["extract", "-g", "!*004_*"])
            .arg(&seeds)
            .output()
            .unwrap(),
    );
    assert!(!except.is_empty() && key(&except).iter().all(|(d, _, _)| !d.starts_with("004_")));

    let mut child = zhibiao()
        .args(["extract", "--files-from", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(
        child.stdin.take().unwrap(),
        "{}\n\n{}",
        seeds.join("004_1d14376f1af869e4.txt").display(),
        seeds.join("000_8360ffcb650b0fa4.txt").display()
    )
    .unwrap();
    let listed = stdout(&child.wait_with_output().unwrap());
    let docs: Vec<String> = key(&listed).into_iter().map(|k| k.0).collect();
    assert!(
        docs.first().unwrap().starts_with("004_") && docs.last().unwrap().starts_with("000_"),
        "in the list's order"
    );
}

#[test]
fn same_bytes_whatever_the_number_of_jobs() {
    let corpus = root().join("tests/corpus");
    let one = zhibiao()
        .args(["extract", "-j1", "--quiet"])
        .arg(&corpus)
        .output()
        .unwrap();
    let four = zhibiao()
        .args(["extract", "-j4", "--quiet"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(one.status.success() && !one.stdout.is_empty());
    assert!(one.stdout == four.stdout, "-j1 and -j4 differ");
    assert!(
        one.stderr.is_empty(),
        "--quiet: {}",
        String::from_utf8_lossy(&one.stderr)
    );
}

#[test]
fn summary_line_and_no_progress_bar_off_a_terminal() {
    let out = zhibiao()
        .args(["extract", "-o", "/dev/null", "--force"])
        .arg(root().join("tests/corpus/seeds"))
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("zhibiao: 5 documents (0 failed), ")
            && err.contains(" records, ")
            && err.contains(" MB/s)"),
        "{err}"
    );
}

#[test]
fn an_existing_output_needs_force_or_resume() {
    let dir = fresh_dir("exists");
    let out = dir.join("out.jsonl");
    std::fs::write(&out, "precious\n").unwrap();
    let seeds = root().join("tests/corpus/seeds");
    let refused = zhibiao()
        .arg("extract")
        .arg("-o")
        .arg(&out)
        .arg(&seeds)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    let forced = zhibiao()
        .args(["extract", "--quiet", "--force", "-o"])
        .arg(&out)
        .arg(&seeds)
        .output()
        .unwrap();
    assert!(forced.status.success());
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("{\"doc\"")
    );
}

/// A corpus big enough that a run can be killed half way: the seeds, many times.
fn big_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for i in 0..60 {
        for (name, bytes) in seeds() {
            std::fs::write(corpus.join(format!("{i:02}-{name}")), &bytes).unwrap();
        }
    }
    corpus
}

/// Kill a run once its diagnostics reach `fraction` of a whole run's, cut
/// the file being written inside its last line (a kill inside a write),
/// resume, and compare with an uninterrupted run. Parquet is written
/// through a journal (`FILE.partial`), which is what the kill cuts.
fn resume_after_kill(format: &str, fraction: f64) {
    let dir = fresh_dir(&format!("resume-{format}"));
    let corpus = big_corpus(&dir);
    let run = |out: &Path, diag: &Path, resume: bool| {
        let mut cmd = zhibiao();
        cmd.args(["extract", "-j2", "--quiet", "--format", format, "-o"])
            .arg(out)
            .arg("--diagnostics")
            .arg(diag)
            .arg(&corpus);
        if resume {
            cmd.arg("--resume");
        }
        cmd
    };
    let whole = dir.join(format!("whole.{format}"));
    let whole_diag = dir.join("whole.diag");
    assert!(run(&whole, &whole_diag, false).status().unwrap().success());
    let expected = std::fs::read(&whole).unwrap();
    let expected_diag = std::fs::metadata(&whole_diag).unwrap().len();

    let part = dir.join(format!("part.{format}"));
    let part_diag = dir.join("part.diag");
    let written = if format == "parquet" {
        dir.join(format!("part.{format}.partial"))
    } else {
        part.clone()
    };
    let mut child = run(&part, &part_diag, false).spawn().unwrap();
    let at = (expected_diag as f64 * fraction) as u64;
    while std::fs::metadata(&part_diag).map_or(0, |m| m.len()) < at {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !part.exists() || format != "parquet",
        "a killed Parquet run leaves its journal, not a file without a footer"
    );
    let killed_at = std::fs::metadata(&written).unwrap().len();
    assert!(killed_at > 0, "the run should have written something");
    // A kill can also land inside a write: cut the last record in half.
    let mut bytes = std::fs::read(&written).unwrap();
    bytes.truncate(bytes.len().saturating_sub(7));
    std::fs::write(&written, &bytes).unwrap();
    let mut diag = std::fs::read(&part_diag).unwrap();
    diag.truncate(diag.len().saturating_sub(5));
    std::fs::write(&part_diag, &diag).unwrap();

    let resumed = run(&part, &part_diag, true).output().unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(
        std::fs::read(&part).unwrap() == expected,
        "{format}: resumed output differs from an uninterrupted run"
    );
    assert!(
        std::fs::read(&part_diag).unwrap() == std::fs::read(&whole_diag).unwrap(),
        "{format}: resumed diagnostics differ from an uninterrupted run's"
    );
    assert!(
        !written.exists() || format != "parquet",
        "the journal is gone"
    );

    // A finished output resumed: the last document is done again, nothing
    // doubles.
    let again = run(&part, &part_diag, true).output().unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        std::fs::read(&part).unwrap() == expected,
        "{format}: a finished output resumed differs"
    );
}

#[test]
fn resume_after_a_kill_gives_the_same_output_jsonl() {
    resume_after_kill("jsonl", 0.33);
}

#[test]
fn resume_after_a_kill_gives_the_same_output_csv() {
    resume_after_kill("csv", 0.66);
}

#[test]
fn resume_after_a_kill_gives_the_same_output_json() {
    resume_after_kill("json", 0.5);
}

#[test]
fn resume_after_a_kill_gives_the_same_output_parquet() {
    resume_after_kill("parquet", 0.25);
}

/// A bug that panics on one document costs that document alone: it comes
/// back as an `internal_error`, in its place, and the batch goes on.
#[test]
fn a_panic_on_one_document_is_reported_and_the_batch_goes_on() {
    let dir = fresh_dir("panic");
    let seed = root().join("tests/corpus/seeds/000_8360ffcb650b0fa4.txt");
    std::fs::copy(&seed, dir.join("a.txt")).unwrap();
    std::fs::write(dir.join("b.txt"), "没有任何数字的一行。\n").unwrap();
    std::fs::copy(&seed, dir.join("c.txt")).unwrap();
    let engine = zhibiao::Extractor::builtin().unwrap();
    let opts = zhibiao::batch::Options {
        jobs: 2,
        in_flight: 4,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let finish = |_: &str, x: zhibiao::Extraction| {
        assert!(!x.indicators.is_empty(), "no figures here");
        x.indicators.len()
    };
    zhibiao::batch::run(
        &engine,
        vec![zhibiao::batch::Input::Path(dir.to_path_buf())],
        &opts,
        finish,
        |done| {
            let name = Path::new(&done.name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            seen.push((name, done.result.map_err(|e| e.code)));
            Ok(())
        },
    )
    .unwrap();
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a.txt", "b.txt", "c.txt"]);
    assert!(matches!(seen[0].1, Ok(n) if n > 0));
    assert_eq!(seen[1].1, Err(zhibiao::Code::InternalError));
    assert_eq!(seen[0].1, seen[2].1);
}

/// Records of a long file read in pieces, each with the document's name.
fn in_pieces(path: &Path, piece: usize) -> (Vec<zhibiao::Indicator>, Vec<zhibiao::Section>, usize) {
    let engine = zhibiao::Extractor::builtin().unwrap();
    let opts = zhibiao::batch::Options {
        jobs: 2,
        in_flight: 4,
        piece,
        ..Default::default()
    };
    let (mut indicators, mut sections, mut pieces) = (Vec::new(), Vec::new(), 0);
    zhibiao::batch::run(
        &engine,
        vec![zhibiao::batch::Input::Path(path.to_path_buf())],
        &opts,
        |_, x| x,
        |done| {
            pieces += 1;
            let mut x = done.result.expect("the long file reads");
            indicators.append(&mut x.indicators);
            sections.append(&mut x.sections);
            Ok(())
        },
    )
    .unwrap();
    (indicators, sections, pieces)
}

/// A long file is read a piece at a time (memory bounded by the piece) and
/// gives the records the whole text gives: offsets and lines into the
/// whole decoded text, section paths carried over piece boundaries, and,
/// for all but a few figures at a boundary, the same kind and year. In GBK
/// too, where a piece boundary may cut a character.
#[test]
fn a_long_file_read_in_pieces_gives_the_records_of_the_whole() {
    let dir = fresh_dir("pieces");
    let mut text = String::new();
    for path in common::corpus() {
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(t) = String::from_utf8(bytes) {
            text.push_str(t.trim_start_matches('\u{feff}'));
            text.push('\n');
        }
    }
    let engine = zhibiao::Extractor::builtin().unwrap();
    for (name, bytes) in [
        ("long.txt", text.as_bytes().to_vec()),
        (
            "long-gbk.txt",
            encoding_rs::GB18030.encode(&text).0.into_owned(),
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let whole = engine.process(&path.display().to_string(), &bytes).unwrap();
        let (indicators, sections, pieces) = in_pieces(&path, 64 << 10);
        assert!(pieces > 10, "{name}: {pieces} pieces");
        let place = |r: &zhibiao::Indicator| {
            (
                r.indicator.clone(),
                r.value.to_bits(),
                r.span,
                r.line,
                r.section.clone(),
            )
        };
        let got: Vec<_> = indicators.iter().map(place).collect();
        let want: Vec<_> = whole.indicators.iter().map(place).collect();
        if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
            panic!(
                "{name}: record {i} of {}: {:?}, the whole text gives {:?}",
                want.len(),
                got.get(i),
                want.get(i)
            );
        }
        if let Some(i) = (0..sections.len().max(whole.sections.len()))
            .find(|&i| sections.get(i) != whole.sections.get(i))
        {
            panic!(
                "{name}: section {i}: {:?}, the whole text gives {:?}",
                sections.get(i),
                whole.sections.get(i)
            );
        }
        let differ = indicators
            .iter()
            .zip(&whole.indicators)
            .filter(|(a, b)| a != b)
            .count();
        assert!(
            differ * 100 <= whole.indicators.len(),
            "{name}: {differ} of {} records differ",
            whole.indicators.len()
        );
    }
}
