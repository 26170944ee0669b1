//! Reports as they really come: other encodings, HTML pages, bad files.

mod common;

use std::path::Path;

use common::{corpus, fresh_dir, zhibiao};
use zhibiao::{Extraction, Extractor};

fn run(engine: &Extractor, bytes: &[u8]) -> Extraction {
    engine
        .process("doc", bytes)
        .unwrap_or_else(|d| panic!("{}", d.message))
}

fn same(a: &Extraction, b: &Extraction, what: &str, path: &Path) {
    assert_eq!(
        a.indicators,
        b.indicators,
        "{what}: indicator records differ for {}",
        path.display()
    );
    assert_eq!(
        a.sections,
        b.sections,
        "{what}: section records differ for {}",
        path.display()
    );
}

/// Big5 where the text fits it (traditional reports), GB18030 otherwise.
fn legacy(text: &str) -> (Vec<u8>, &'static str) {
    let (big5, _, lossy) = encoding_rs::BIG5.encode(text);
    if !lossy && text.chars().any(|c| "區國經濟發展".contains(c)) {
        return (big5.into_owned(), "Big5");
    }
    let (gb, _, lossy) = encoding_rs::GB18030.encode(text);
    assert!(!lossy, "GB18030 encodes everything");
    (gb.into_owned(), "GB18030")
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The report as a news site would serve it.
fn html_page(text: &str) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>政府工作报告</title>\n\
         <style>body { font-size: 16px }</style>\n<script>var views = '增长12%';</script>\n</head>\n<body>\n\
         <nav><a href=\"/\">首页</a> &gt; <a href=\"/zwgk\">政务公开</a></nav>\n<div class=\"article\">\n",
    );
    for line in text.split('\n') {
        if line.is_empty() {
            page.push_str("<br>\n");
        } else {
            page.push_str(&format!("<p>{}</p>\n", escape(line)));
        }
    }
    page.push_str("</div>\n<footer><p>版权所有：人民政府办公室</p></footer>\n</body>\n</html>\n");
    page
}

#[test]
fn same_records_whatever_the_encoding_or_wrapping() {
    let engine = Extractor::builtin().unwrap();
    for path in corpus() {
        let utf8 = std::fs::read(&path).unwrap();
        let text = String::from_utf8(utf8).unwrap().replace("\r\n", "\n");
        let base = run(&engine, text.as_bytes());
        assert!(
            !base.indicators.is_empty()
                || !base.sections.is_empty()
                || path.to_string_lossy().contains("000_"),
            "{}",
            path.display()
        );

        let (bytes, name) = legacy(&text);
        let x = run(&engine, &bytes);
        same(&base, &x, name, &path);
        assert!(
            x.diagnostics
                .iter()
                .any(|d| d.code == zhibiao::Code::Encoding
                    && d.message
                        .contains(if name == "Big5" { "Big5" } else { "GBK" })),
            "{name} not detected for {}",
            path.display()
        );

        same(&base, &run(&engine, &utf16le(&text)), "UTF-16LE", &path);

        let page = html_page(&text);
        let mut x = engine.process("doc.html", page.as_bytes()).unwrap();
        x.indicators.iter_mut().for_each(|r| r.doc = "doc".into());
        x.sections.iter_mut().for_each(|r| r.doc = "doc".into());
        same(&base, &x, "HTML", &path);
    }
}

/// SPEC: `span` is a byte range of the decoded text (the input as text,
/// CR kept, BOM dropped), whatever the bytes were: it slices out the
/// figure's phrase there.
#[test]
fn every_span_slices_the_decoded_text() {
    let engine = Extractor::builtin().unwrap();
    for path in corpus() {
        let lf = std::fs::read_to_string(&path)
            .unwrap()
            .replace("\r\n", "\n");
        let base = run(&engine, lf.as_bytes());
        let phrases: Vec<&str> = base
            .indicators
            .iter()
            .map(|r| &lf[r.span.0..r.span.1])
            .collect();
        let crlf = lf.replace('\n', "\r\n");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(crlf.as_bytes());
        let (gbk, _, _) = encoding_rs::GB18030.encode(&crlf);
        for (what, bytes) in [
            ("CRLF", crlf.as_bytes().to_vec()),
            ("BOM", bom),
            ("UTF-16", utf16le(&crlf)),
            ("GB18030", gbk.into_owned()),
        ] {
            let decoded = zhibiao::decode(&bytes, "doc", None).unwrap().text;
            let x = run(&engine, &bytes);
            assert_eq!(
                x.indicators.len(),
                base.indicators.len(),
                "{what} {}",
                path.display()
            );
            for (r, phrase) in x.indicators.iter().zip(&phrases) {
                assert_eq!(
                    decoded[r.span.0..r.span.1].replace('\r', ""),
                    *phrase,
                    "{what}: span of {} in {}",
                    r.indicator,
                    path.display()
                );
                assert_eq!(
                    decoded[..r.span.0].matches('\n').count() + 1,
                    r.line,
                    "{what}: line of {} in {}",
                    r.indicator,
                    path.display()
                );
            }
        }
    }
}

#[test]
fn watermarks_and_noise_lines_change_nothing() {
    let engine = Extractor::builtin().unwrap();
    let clean = "一、主要指标\n全年地区生产总值增长5.2%，规模以上工业增加值增长6%。\n";
    let noisy = "一、主要指标\n来源：市政府办公室  发布时间：2024-01-05\n全年地区生产总值增长公号“老秘带你写材料”整理编辑5.2%，规模以上工业增加值增长6%。\nhttps://www.example.com/spam\n城市风光 张三 摄\n";
    let a = run(&engine, clean.as_bytes());
    let b = run(&engine, noisy.as_bytes());
    let key = |x: &Extraction| {
        x.indicators
            .iter()
            .map(|r| (r.indicator.clone(), r.value, r.bound))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&a), key(&b));
    assert_eq!(b.sections.len(), 1, "noise lines are not headings");
    // The label and the sentence stay as written, watermark included.
    assert!(b.indicators[0].text.contains("公号"));
}

#[test]
fn phrases_broken_by_a_line_break() {
    let engine = Extractor::builtin().unwrap();
    let x = run(
        &engine,
        "（\n三）加快发展服务业\n二、\n主要任务\n".as_bytes(),
    );
    let titles: Vec<(u8, &str, &str)> = x
        .sections
        .iter()
        .map(|s| (s.level, s.marker.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        vec![(2, "（\n三）", "加快发展服务业"), (1, "二、", "主要任务")]
    );
}

// ---------------------------------------------------------------- bad input

/// A fresh directory holding two good reports.
fn batch_dir(tag: &str) -> common::TempDir {
    let dir = fresh_dir(&format!("bad-{tag}"));
    let seeds = common::root().join("tests/corpus/seeds");
    for name in ["000_8360ffcb650b0fa4.txt", "004_1d14376f1af869e4.txt"] {
        std::fs::copy(seeds.join(name), dir.join(name)).unwrap();
    }
    dir
}

/// Records of the good files alone, to compare a batch with a bad file in it.
fn good_records(dir: &Path) -> Vec<String> {
    let out = zhibiao()
        .arg("extract")
        .arg(dir.join("000_8360ffcb650b0fa4.txt"))
        .arg(dir.join("004_1d14376f1af869e4.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Run the batch over `dir`; check the exit status, that stderr names the
/// bad path with `reason`, and that every good record is there.
fn check_batch(dir: &Path, bad: &Path, reason: &str) {
    let expected = good_records(dir);
    let diag = dir.with_extension("diag.jsonl");
    let out = zhibiao()
        .arg("extract")
        .arg(dir)
        .arg("--diagnostics")
        .arg(&diag)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "exit status");
    let err = String::from_utf8_lossy(&out.stderr);
    let bad_name = bad.display().to_string();
    assert!(
        err.lines()
            .any(|l| l.contains(&bad_name) && l.contains(reason)),
        "stderr should name {bad_name} and `{reason}`: {err}"
    );
    let got: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(got, expected, "the good files' records are all there");
    let diags = std::fs::read_to_string(&diag).unwrap();
    let _ = std::fs::remove_file(&diag);
    assert!(
        diags
            .lines()
            .any(|l| l.contains("\"severity\":\"error\"") && l.contains(&bad_name)),
        "{diags}"
    );
}

#[test]
fn empty_file() {
    let dir = batch_dir("empty");
    let bad = dir.join("empty.txt");
    std::fs::write(&bad, "").unwrap();
    check_batch(&dir, &bad, "empty file");
}

#[test]
fn binary_file() {
    let dir = batch_dir("binary");
    let bad = dir.join("photo.jpg.txt");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&bad, png).unwrap();
    check_batch(&dir, &bad, "binary file");
}

#[test]
fn unreadable_file() {
    let dir = batch_dir("unreadable");
    // A link to nothing cannot be read by anyone, root included.
    let bad = dir.join("gone.txt");
    std::os::unix::fs::symlink(dir.join("does-not-exist"), &bad).unwrap();
    check_batch(&dir, &bad, "No such file");

    // Permissions: only meaningful when the tests do not run as root.
    let dir = batch_dir("perm");
    let bad = dir.join("secret.txt");
    std::fs::write(&bad, "地区生产总值增长5%。").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&bad).is_err() {
        check_batch(&dir, &bad, "Permission denied");
    } else {
        eprintln!(
            "running as root: file permissions do not stop reads; covered by the dangling link above"
        );
    }
}

#[test]
fn symlink_loop() {
    let dir = batch_dir("loop");
    let bad = dir.join("sub").join("loop");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&dir, &bad).unwrap();
    check_batch(&dir, &bad, "loop");
}

#[test]
fn truncated_multibyte_sequence() {
    let dir = batch_dir("truncated");
    let text = "二、主要目标\n全年地区生产总值增长5.2%，规模以上工业增加值增长6%。\n";
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend_from_slice(&"增".as_bytes()[..2]);
    let path = dir.join("cut.txt");
    std::fs::write(&path, &bytes).unwrap();
    let out = zhibiao().arg("extract").arg(&path).output().unwrap();
    // Read, with a warning: the records before the cut are kept.
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cut.txt") && err.contains("invalid byte"),
        "{err}"
    );
    let records = String::from_utf8(out.stdout).unwrap();
    assert_eq!(records.lines().count(), 2, "{records}");
}

#[test]
fn huge_file_without_line_breaks() {
    // 50 MB in a release build; a tenth of it in the debug test build, where
    // the grammar runs ten times slower.
    let size = if cfg!(debug_assertions) {
        5 << 20
    } else {
        50 << 20
    };
    let sentence =
        "我们坚持稳中求进，经济运行总体平稳，全市地区生产总值增长5.2%，城乡居民收入稳步增长。";
    let text = sentence.repeat(size / sentence.len() + 1);
    let engine = Extractor::builtin().unwrap();
    let x = engine.process("one-line.txt", text.as_bytes()).unwrap();
    assert_eq!(x.indicators.len(), size / sentence.len() + 1);
    assert!(
        x.indicators
            .iter()
            .all(|r| r.line == 1 && &text[r.span.0..r.span.1] == "增长5.2%")
    );
    assert!(
        x.diagnostics
            .iter()
            .any(|d| d.code == zhibiao::Code::NoLineBreaks)
    );
}
