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
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Given;
use crate::record::{DocType, YearSource};
use crate::region::Gazetteer;

/// What one manifest row says of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Said {
    region_code: Option<u32>,
    year: Option<i32>,
    doc_type: Option<DocType>,
}

/// A manifest, read and checked.
#[derive(Debug, Default)]
pub struct Manifest {
    file: String,
    /// Row by document name, with its line.
    rows: HashMap<String, (usize, Said)>,
    /// Whether an input matched each row (by line).
    used: HashMap<usize, AtomicBool>,
}

/// The years a report can be of.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

impl Manifest {
    /// Read `path`. Rows that cannot be used come back as problems, each
    /// `file:line: what`.
    pub fn read(path: &Path, gazetteer: &Gazetteer) -> Result<(Manifest, Vec<String>), String> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
        let mut m = Manifest {
            file: file.clone(),
            ..Manifest::default()
        };
        let mut problems = Vec::new();
        let jsonl = path
            .extension()
            .is_some_and(|e| e == "jsonl" || e == "json")
            || text.trim_start().starts_with('{');
        let rows: Rows = if jsonl {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, json_row(l)))
                .collect()
        } else {
            csv_rows(&text)
        };
        for (line, row) in rows {
            let said = row.and_then(|r| {
                let doc = r.get("doc").filter(|d| !d.is_empty()).cloned();
                let doc = doc.ok_or("no `doc`; expected the document each row is about")?;
                Ok((doc, said(&r, gazetteer)?))
            });
            match said {
                Ok((doc, said)) => {
                    if let Some((first, _)) = m.rows.get(&doc) {
                        problems.push(format!(
                            "{file}:{line}: `{doc}` is named on line {first} already; the later row is left out"
                        ));
                        continue;
                    }
                    m.used.insert(line, AtomicBool::new(false));
                    m.rows.insert(doc, (line, said));
                }
                Err(why) => problems.push(format!("{file}:{line}: {why}; the row is left out")),
            }
        }
        Ok((m, problems))
    }

    /// What the caller knows of document `doc`: `base` (say, `--year`),
    /// with the manifest's row for it over that.
    pub fn given_for(&self, doc: &str, base: &Given) -> Given {
        let Some((line, said)) = self.row_of(doc) else {
            return *base;
        };
        if let Some(used) = self.used.get(&line) {
            used.store(true, Ordering::Relaxed);
        }
        Given {
            year: said.year.map(|y| (y, YearSource::Manifest)).or(base.year),
            doc_type: said.doc_type.or(base.doc_type),
            region_code: said.region_code.or(base.region_code),
        }
    }

    fn row_of(&self, doc: &str) -> Option<(usize, Said)> {
        if let Some(&row) = self.rows.get(doc) {
            return Some(row);
        }
        // By the end of its path: the manifest may name it relative.
        let mut at = doc.len();
        while let Some(i) = doc[..at].rfind(['/', '!']) {
            if let Some(&row) = self.rows.get(&doc[i + 1..]) {
                return Some(row);
            }
            at = i;
        }
        None
    }

    /// The rows no input matched, as `file:line: …` messages.
    pub fn unmatched(&self) -> Vec<String> {
        let mut out: Vec<(usize, &str)> = self
            .rows
            .iter()
            .filter(|(_, (line, _))| !self.used[line].load(Ordering::Relaxed))
            .map(|(doc, (line, _))| (*line, doc.as_str()))
            .collect();
        out.sort();
        out.into_iter()
            .map(|(line, doc)| format!("{}:{line}: no input is named `{doc}`", self.file))
            .collect()
    }
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

/// Rows by line: the fields, or why the line is no row.
type Rows = Vec<(usize, Result<HashMap<String, String>, String>)>;

fn csv_rows(text: &str) -> Rows {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => return vec![(1, Err(format!("no CSV header ({e})")))],
    };
    reader
        .records()
        .map(|r| match r {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                let row = header
                    .iter()
                    .cloned()
                    .zip(r.iter().map(|v| v.trim().to_string()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect();
                (line, Ok(row))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                (line, Err(format!("not a CSV row ({e})")))
            }
        })
        .collect()
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
