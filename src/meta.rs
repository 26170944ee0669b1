//! Metadata from outside the text (`--meta FILE`): archives that keep a
//! manifest of their documents (region, year, type) apart from the text.
//!
//! A manifest is CSV with a header or JSON Lines; each row names a `doc`
//! (as records name it, or by its path's end: `2012/report.txt` matches
//! `archive/2012/report.txt`) and any of `region_code`, `year`, `type`. What
//! it says wins over the text, and `year_source` says `manifest`. A row
//! that cannot be used is a problem located at file:line and left out; a
//! row no input matched is said after the batch.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::document::Given;
use crate::model::{DocType, YearSource};
use crate::region::Gazetteer;

/// What one manifest row says of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Said {
    region_code: Option<u32>,
    year: Option<i32>,
    doc_type: Option<DocType>,
}

/// One usable row: its line and what it says. Kept small: an archive's
/// manifest may have a row for each of a million documents.
#[derive(Debug)]
struct Row {
    line: usize,
    said: Said,
    used: AtomicBool,
}

/// A manifest, read and checked.
#[derive(Debug, Default)]
pub struct Manifest {
    file: String,
    /// Row by document name.
    rows: HashMap<Box<str>, Row>,
    /// The documents each row was matched to by the end of their path, by
    /// the row's line: a row one name matches in several places is worth a
    /// word.
    by_suffix: Mutex<HashMap<usize, Vec<String>>>,
}

/// The years a report can be of.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// The largest manifest in another encoding than UTF-8: decoded whole (a
/// UTF-8 one is read a row at a time, up to the caller's limit).
const MAX_LEGACY_MANIFEST: u64 = 256 << 20;

impl Manifest {
    /// Read `path`, at most `limit` bytes of it. Rows that cannot be used
    /// come back as problems, each `file:line: what`.
    pub fn read(
        path: &Path,
        gazetteer: &Gazetteer,
        limit: u64,
    ) -> Result<(Manifest, Vec<String>), String> {
        let file = path.display().to_string();
        let fail = |why: String| format!("--meta {file}: {why}");
        let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
        if !meta.is_file() {
            return Err(fail(
                "not a regular file; expected a CSV or JSONL manifest".into(),
            ));
        }
        if meta.len() > limit {
            return Err(fail(format!(
                "{} bytes: larger than --max-file-size ({limit} bytes)",
                meta.len()
            )));
        }
        let opened = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
        let mut reader = BufReader::with_capacity(64 << 10, opened.take(limit));
        let head = reader.fill_buf().map_err(|e| fail(e.to_string()))?.to_vec();
        let bom = if head.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let jsonl = path
            .extension()
            .is_some_and(|e| e == "jsonl" || e == "json")
            || head[bom..].trim_ascii_start().starts_with(b"{");
        let utf8 = bom == 3
            || crate::decode::reading_of(&head, head.len() as u64 == meta.len(), None)
                .is_ok_and(|r| r == crate::decode::Reading::One(encoding_rs::UTF_8, 0));
        let mut m = Manifest {
            file: file.clone(),
            ..Manifest::default()
        };
        let mut problems = Vec::new();
        let mut take = |line: usize, row: Result<HashMap<String, String>, String>| {
            m.add(line, row, gazetteer, &mut problems);
        };
        if utf8 {
            reader.consume(bom);
            read_rows(reader, jsonl, &mut take).map_err(fail)?;
        } else {
            // GBK and the like: decoded as documents are, then read.
            if meta.len() > MAX_LEGACY_MANIFEST {
                return Err(fail(format!(
                    "{} bytes in an encoding other than UTF-8; expected at most {MAX_LEGACY_MANIFEST} (or save it as UTF-8)",
                    meta.len()
                )));
            }
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| fail(e.to_string()))?;
            let decoded =
                crate::decode::decode(&bytes, "", None).map_err(|e| fail(e.to_string()))?;
            read_rows(decoded.text.as_bytes(), jsonl, &mut take).map_err(fail)?;
        }
        Ok((m, problems))
    }

    fn add(
        &mut self,
        line: usize,
        row: Result<HashMap<String, String>, String>,
        gazetteer: &Gazetteer,
        problems: &mut Vec<String>,
    ) {
        let file = &self.file;
        let said = row.and_then(|r| {
            let doc = r.get("doc").filter(|d| !d.is_empty()).cloned();
            let doc = doc.ok_or("no `doc`; expected the document each row is about")?;
            Ok((doc, said(&r, gazetteer)?))
        });
        match said {
            Ok((doc, said)) => {
                if let Some(first) = self.rows.get(doc.as_str()) {
                    problems.push(format!(
                        "{file}:{line}: `{doc}` is named on line {} already; the later row is left out",
                        first.line
                    ));
                    return;
                }
                let used = AtomicBool::new(false);
                self.rows
                    .insert(doc.into_boxed_str(), Row { line, said, used });
            }
            Err(why) => problems.push(format!("{file}:{line}: {why}; the row is left out")),
        }
    }

    /// What the caller knows of document `doc`: `base` (say, `--year`),
    /// with the manifest's row for it over that.
    pub fn given_for(&self, doc: &str, base: &Given) -> Given {
        let Some(row) = self.row_of(doc) else {
            return *base;
        };
        row.used.store(true, Ordering::Relaxed);
        let said = row.said;
        Given {
            year: said.year.map(|y| (y, YearSource::Manifest)).or(base.year),
            doc_type: said.doc_type.or(base.doc_type),
            region_code: said.region_code.or(base.region_code),
        }
    }

    /// The row naming `doc`: in full, or by the end of its path (the
    /// manifest may name it relative). Path ends start after a `/`, or
    /// after the `!` that follows an archive's name (a `!` in a plain
    /// file name is part of the name).
    fn row_of(&self, doc: &str) -> Option<&Row> {
        if let Some(row) = self.rows.get(doc) {
            return Some(row);
        }
        let mut at = doc.len();
        while let Some(i) = doc[..at].rfind(['/', '!']) {
            at = i;
            if doc.as_bytes()[i] == b'!' && !crate::batch::archive::is_archive_name(&doc[..i]) {
                continue;
            }
            if let Some(row) = self.rows.get(&doc[i + 1..]) {
                let mut seen = self
                    .by_suffix
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let docs = seen.entry(row.line).or_default();
                if docs.len() < 3 && !docs.iter().any(|d| d == doc) {
                    docs.push(doc.to_string());
                }
                return Some(row);
            }
        }
        None
    }

    /// What to say once the batch is done: rows no input matched, and rows
    /// that the end of a path matched in several documents (applied to
    /// each), as `file:line: …` messages.
    pub fn after_batch(&self) -> Vec<String> {
        let mut out: Vec<(usize, String)> = self
            .rows
            .iter()
            .filter(|(_, row)| !row.used.load(Ordering::Relaxed))
            .map(|(doc, row)| (row.line, format!("no input is named `{doc}`")))
            .collect();
        let seen = self
            .by_suffix
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (&line, docs) in seen.iter().filter(|(_, docs)| docs.len() > 1) {
            out.push((
                line,
                format!(
                    "matches several documents by the end of their path ({}{}); it was applied to each: name them in full to tell them apart",
                    docs.join(", "),
                    if docs.len() >= 3 { ", …" } else { "" }
                ),
            ));
        }
        out.sort();
        out.into_iter()
            .map(|(line, what)| format!("{}:{line}: {what}", self.file))
            .collect()
    }
}

/// Feed each row of a manifest to `take`, by its line: JSON Lines or CSV
/// with a header, read a row at a time.
fn read_rows(
    reader: impl BufRead,
    jsonl: bool,
    take: &mut impl FnMut(usize, Result<HashMap<String, String>, String>),
) -> Result<(), String> {
    if jsonl {
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| format!("line {}: {e}", i + 1))?;
            if !line.trim().is_empty() {
                take(i + 1, json_row(&line));
            }
        }
        return Ok(());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => {
            take(1, Err(format!("no CSV header ({e})")));
            return Ok(());
        }
    };
    for r in reader.records() {
        match r {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                let row = header
                    .iter()
                    .cloned()
                    .zip(r.iter().map(|v| v.trim().to_string()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect();
                take(line, Ok(row));
            }
            Err(e) if e.is_io_error() => return Err(e.to_string()),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                take(line, Err(format!("not a CSV row ({e})")));
            }
        }
    }
    Ok(())
}

fn json_row(line: &str) -> Result<HashMap<String, String>, String> {
    let v: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object ({e})"))?;
    Ok(v.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (k, s)
        })
        .collect())
}

/// What a row says, checked: a code of the gazetteer, a year a report can
/// be of, a known type.
fn said(row: &HashMap<String, String>, gazetteer: &Gazetteer) -> Result<Said, String> {
    let mut said = Said::default();
    if let Some(code) = row.get("region_code") {
        let known = code.len() == 6 && gazetteer.by_code(code).is_some();
        if !known {
            return Err(format!(
                "region code `{code}` is in no region of the gazetteer; expected a 6-digit GB/T 2260 code (130609)"
            ));
        }
        said.region_code = code.parse().ok();
    }
    if let Some(year) = row.get("year") {
        match year.parse::<i32>() {
            Ok(y) if YEARS.contains(&y) => said.year = Some(y),
            _ => {
                return Err(format!(
                    "year `{year}`; expected a year from {} to {}",
                    YEARS.start(),
                    YEARS.end()
                ));
            }
        }
    }
    if let Some(t) = row.get("type") {
        let parsed: Result<DocType, _> =
            serde_json::from_value(serde_json::Value::String(t.clone()));
        said.doc_type = Some(parsed.map_err(|_| {
            format!(
                "type `{t}`; expected gwr, plan, budget, tjgb, speech, presser, analysis or other"
            )
        })?);
    }
    Ok(said)
}
