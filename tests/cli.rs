//! The binary, end to end.

mod common;

use common::{fresh_dir, root, run_with_stdin, zhibiao};

#[test]
fn extract_writes_jsonl_with_provenance() {
    let out = zhibiao()
        .arg("extract")
        .arg(root().join("examples/corpus"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    for field in [
        "doc",
        "indicator",
        "metric",
        "value",
        "unit",
        "kind",
        "year",
        "period",
        "bound",
        "tier",
        "label",
        "line",
        "span",
        "section",
        "text",
        "rule",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    // The span points at the figure in the file as written.
    let doc = std::fs::read_to_string(first["doc"].as_str().unwrap()).unwrap();
    let (s, e) = (
        first["span"][0].as_u64().unwrap() as usize,
        first["span"][1].as_u64().unwrap() as usize,
    );
    let value = first["value"].as_f64().unwrap().to_string();
    assert!(
        doc[s..e].contains(value.trim_end_matches(".0")),
        "span {s}..{e} is {:?}",
        &doc[s..e]
    );
}

#[test]
fn outline_csv_and_json() {
    let out = zhibiao()
        .args(["outline", "--format", "csv"])
        .arg(root().join("examples/corpus"))
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("doc,level,marker,title,line,span_start,span_end\n"));
    assert!(csv.lines().count() > 10);
    let out = zhibiao()
        .args(["extract", "--format", "json"])
        .arg(root().join("examples/corpus"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() > 10);
}

#[test]
fn stdin_and_output_file() {
    let dir = fresh_dir(&format!("cli-{:?}", std::thread::current().id()));
    let out_path = dir.join("out.jsonl");
    let out = run_with_stdin(
        zhibiao().args(["extract", "-", "-o"]).arg(&out_path),
        "2024年全市地区生产总值增长5.2%。",
    );
    assert!(out.status.success());
    let written = std::fs::read_to_string(out_path).unwrap();
    assert!(written.contains("\"indicator\":\"gdp\"") && written.contains("\"doc\":\"-\""));
}

#[test]
fn a_missing_file_is_reported_and_the_rest_processed() {
    let out = zhibiao()
        .arg("extract")
        .arg(root().join("does-not-exist.txt"))
        .arg(root().join("examples/corpus"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does-not-exist.txt"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 10);
}

#[test]
fn invalid_rules_are_located_and_stop_the_run() {
    let dir = fresh_dir(&format!("cli-{:?}", std::thread::current().id()));
    std::fs::write(
        dir.join("bad.yaml"),
        "indicators:\n  - id: x\n    alias: [甲]\n",
    )
    .unwrap();
    let out = zhibiao()
        .arg("extract")
        .arg("--rules")
        .arg(&dir)
        .arg(root().join("examples/corpus"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:3:"), "{err}");
    assert!(err.contains("unknown field `alias`"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn eval_prints_scores() {
    let out = zhibiao()
        .args(["eval", "--gold"])
        .arg(root().join("tests/gold/seeds.indicators.jsonl"))
        .arg("--gold")
        .arg(root().join("tests/gold/seeds.sections.jsonl"))
        .arg(root().join("tests/corpus/seeds"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("strict") && text.contains("loose") && text.contains("sections"),
        "{text}"
    );
}

/// `--year` settles every document's year over what its text says, and
/// the document record says so.
#[test]
fn the_users_year_wins() {
    let text = "2026年某省政府工作报告\n地区生产总值增长5%。\n";
    let run = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = run_with_stdin(zhibiao().args(args), text);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        common::json_lines(&out.stdout)
    };
    let docs = run(&["docs", "-q", "-"]);
    assert_eq!(
        (docs[0]["year"].as_i64(), docs[0]["year_source"].as_str()),
        (Some(2026), Some("title"))
    );
    assert_eq!(docs[0]["type"], "gwr");
    let docs = run(&["docs", "-q", "--year", "2019", "-"]);
    assert_eq!(
        (docs[0]["year"].as_i64(), docs[0]["year_source"].as_str()),
        (Some(2019), Some("option"))
    );
    let records = run(&["extract", "-q", "--year", "2019", "-"]);
    assert_eq!(
        records[0]["year"].as_i64(),
        Some(2018),
        "a work report reviews the year before its own"
    );
    let bad = zhibiao()
        .args(["docs", "--year", "1800", "-"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// `diff` shows what a rule layer adds, removes and changes, per document,
/// with an exit status like diff's.
#[test]
fn diff_shows_what_a_rule_change_does() {
    let dir = fresh_dir("diff");
    let doc = dir.join("report.txt");
    std::fs::write(&doc, "某区经济总量达到300亿元，地区生产总值增长5%。\n").unwrap();
    let rules = dir.join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("r.yaml"),
        "vocabulary:\n  exclusions:\n    part_of_region:\n      before: [某区]\n",
    )
    .unwrap();
    let run = |args: &[&str]| zhibiao().arg("diff").args(args).arg(&doc).output().unwrap();
    let r = rules.to_str().unwrap();
    let out = run(&["--rules", r]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("- line 1: gdp level 300 亿元"), "{text}");
    assert!(
        text.contains("1 of 1 documents differ; indicator records: +0 −1 ~0"),
        "{text}"
    );
    let md = run(&["--rules", r, "--format", "md"]);
    assert!(String::from_utf8_lossy(&md.stdout).contains("| - | 1 | gdp level 300 亿元"));
    // The same rules on both sides: no difference, exit 0.
    let same = run(&["--rules", r, "--base-rules", r]);
    assert_eq!(same.status.code(), Some(0));
    // Bad rules or stdin: trouble, exit 2.
    std::fs::write(rules.join("bad.yaml"), "vocabulary: [").unwrap();
    assert_eq!(run(&["--rules", r]).status.code(), Some(2));
    let stdin = zhibiao()
        .args(["diff", "--rules", r, "-"])
        .output()
        .unwrap();
    assert_eq!(stdin.status.code(), Some(2));
}

/// `zhibiao text` prints what spans index: for a CRLF file, UTF-16 with a
/// BOM, GBK and an HTML page, each record's span slices that text to its
/// figure.
#[test]
fn text_prints_what_spans_index() {
    let dir = fresh_dir("text");
    let sentence = "全年地区生产总值增长5.2%。\r\n一般公共预算收入增长3%。\r\n";
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(sentence.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let html = format!(
        "<html><body><p>{}</p></body></html>",
        sentence.replace("\r\n", "</p><p>")
    );
    for (name, bytes) in [
        ("crlf.txt", sentence.as_bytes().to_vec()),
        ("utf16.txt", utf16),
        ("gbk.txt", encoding_rs::GBK.encode(sentence).0.into_owned()),
        ("page.html", html.into_bytes()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let text = zhibiao().arg("text").arg(&path).output().unwrap();
        assert!(text.status.success(), "{name}");
        let text = String::from_utf8(text.stdout).unwrap();
        let out = zhibiao()
            .args(["extract", "-q"])
            .arg(&path)
            .output()
            .unwrap();
        let records: Vec<serde_json::Value> = common::json_lines(&out.stdout);
        assert_eq!(records.len(), 2, "{name}");
        for r in &records {
            let (s, e) = (
                r["span"][0].as_u64().unwrap(),
                r["span"][1].as_u64().unwrap(),
            );
            let phrase = &text[s as usize..e as usize];
            let value = r["value"].as_f64().unwrap().to_string();
            assert!(phrase.contains(&value), "{name}: {phrase:?} lacks {value}");
        }
    }
}

/// `--jsonl-input`: documents as JSON Lines on stdin (RDD.pipe, Hadoop
/// streaming), records out in input order; a line that is no document is
/// named by its line and the rest go on (exit 1).
#[test]
fn jsonl_input_reads_documents_from_a_pipe() {
    let input = "{\"doc\":\"a\",\"text\":\"全年地区生产总值增长5%。\"}\nnot json\n{\"doc\":\"b\",\"text\":\"一般公共预算收入增长3%。\"}\n";
    let out = run_with_stdin(zhibiao().args(["extract", "--jsonl-input", "-"]), input);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-:2: expected"));
    let docs: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"].to_string())
        .collect();
    assert_eq!(docs, ["\"a\"", "\"b\""]);
}

/// `gaps`: the worklist in each format, from a small document written for
/// it: a likely miss (a name the figure is out of reach of), a figure a
/// rule let go (a part of the region), a doubtful record (two statements
/// that disagree).
#[test]
fn gaps_lists_misses_doubts_and_what_rules_let_go() {
    let dir = common::fresh_dir("gaps");
    std::fs::write(
        dir.join("a.txt"),
        "2025年某县政府工作报告\n一、2024年工作回顾\n地区生产总值在全省县域经济排名中稳步上升增长8%。\n武汉都市圈经济总量增长6%。\n全年地区生产总值增长5%。\n全年地区生产总值增长6%。\n",
    )
    .unwrap();
    let out = zhibiao()
        .arg("gaps")
        .arg(dir.join("a.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("1 documents: 1 likely misses in 1 patterns; 1 doubtful records in 1 patterns; 1 figures let go by a rule"),
        "{text}"
    );
    assert!(text.contains("<NAME>在全省…上升增长<NUM><UNIT>"), "{text}");
    assert!(text.contains("a.txt:3"), "{text}");
    let jsonl = zhibiao()
        .args(["gaps", "--format", "jsonl"])
        .arg(dir.join("a.txt"))
        .output()
        .unwrap();
    let groups = common::json_lines(&jsonl.stdout);
    let classes: Vec<&str> = groups
        .iter()
        .map(|g| g["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes, ["miss", "let_go", "doubt"]);
    assert_eq!(groups[0]["examples"][0]["line"], 3);
    let md = zhibiao()
        .args(["gaps", "--format", "md"])
        .arg(dir.join("a.txt"))
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("### zhibiao gaps"), "{md}");
    assert!(
        md.contains("| 1 | &lt;NAME>在全省…上升增长&lt;NUM>&lt;UNIT> | 1 | 1 |"),
        "{md}"
    );
}
