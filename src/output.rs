//! The output stage: records as JSON Lines, CSV or one JSON array.
//!
//! Encoders stream: records go out a document at a time, so a batch over a
//! large archive never holds all of them.

use std::io;

use serde::Serialize;

use crate::panel::{Cell, PanelRow};
use crate::record::{DocumentRecord, Indicator, Section};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Jsonl,
    Csv,
    Json,
}

/// A record that can also be a flat CSV row.
pub trait Row: Serialize {
    const HEADER: &'static [&'static str];
    fn row(&self) -> Vec<String>;
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Row for Indicator {
    const HEADER: &'static [&'static str] = &[
        "doc",
        "indicator",
        "metric",
        "value",
        "value_max",
        "unit",
        "value_base",
        "unit_base",
        "kind",
        "year",
        "period",
        "span_measure",
        "bound",
        "tier",
        "label",
        "line",
        "span_start",
        "span_end",
        "section",
        "text",
        "rule",
        "region_code",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.doc.clone(),
            self.indicator.clone(),
            name(&self.metric),
            self.value.to_string(),
            opt(&self.value_max),
            self.unit.clone(),
            opt(&self.value_base),
            opt(&self.unit_base),
            name(&self.kind),
            opt(&self.year),
            self.period.label().to_string(),
            self.span_measure.as_ref().map(name).unwrap_or_default(),
            name(&self.bound),
            self.tier.as_ref().map(name).unwrap_or_default(),
            self.label.clone(),
            self.line.to_string(),
            self.span.0.to_string(),
            self.span.1.to_string(),
            self.section.join(" > "),
            self.text.clone(),
            self.rule.clone(),
            opt(&self.region_code),
        ]
    }
}

impl Row for Section {
    const HEADER: &'static [&'static str] = &[
        "doc",
        "level",
        "marker",
        "title",
        "line",
        "span_start",
        "span_end",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.doc.clone(),
            self.level.to_string(),
            self.marker.clone(),
            self.title.clone(),
            self.line.to_string(),
            self.span.0.to_string(),
            self.span.1.to_string(),
        ]
    }
}

impl Row for DocumentRecord {
    const HEADER: &'static [&'static str] = &[
        "doc",
        "title",
        "title_line",
        "type",
        "type_line",
        "date",
        "date_line",
        "year",
        "year_source",
        "year_line",
        "year_conflict",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.doc.clone(),
            self.title.clone().unwrap_or_default(),
            opt(&self.title_line),
            name(&self.doc_type),
            opt(&self.type_line),
            self.date.clone().unwrap_or_default(),
            opt(&self.date_line),
            opt(&self.year),
            self.year_source.as_ref().map(name).unwrap_or_default(),
            opt(&self.year_line),
            self.year_conflict
                .iter()
                .map(|c| format!("{} {} line {}", c.year, name(&c.source), opt(&c.line)))
                .collect::<Vec<_>>()
                .join("; "),
        ]
    }
}

/// What starts a formula in a spreadsheet.
const FORMULA_LEADS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell as written: a text that a spreadsheet would run as a formula
/// (`=HYPERLINK(…)` in a document name) gets a `'` in front, as OWASP
/// advises; numbers (`-3.5`) stay as they are.
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_LEADS) && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A CSV cell as read back: what [`csv_cell`] wrote, undone.
pub fn csv_cell_read(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_LEADS) && rest.parse::<f64>().is_err() => rest,
        _ => cell,
    }
}

/// One document's records encoded on their own, on any thread (a batch
/// encodes on its workers); an [`Encoder`] joins them to the output.
#[derive(Debug)]
pub struct Encoded {
    bytes: Vec<u8>,
    pub records: usize,
    header: &'static [&'static str],
}

impl Encoded {
    pub fn new<R: Row>(format: Format, records: &[R]) -> io::Result<Encoded> {
        let mut bytes = Vec::new();
        match format {
            Format::Jsonl => {
                for record in records {
                    serde_json::to_writer(&mut bytes, record)?;
                    bytes.push(b'\n');
                }
            }
            Format::Json => {
                for (i, record) in records.iter().enumerate() {
                    if i > 0 {
                        bytes.extend_from_slice(b",\n");
                    }
                    serde_json::to_writer(&mut bytes, record)?;
                }
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(&mut bytes);
                for record in records {
                    w.write_record(record.row().iter().map(|c| csv_cell(c).into_owned()))?;
                }
                w.flush()?;
            }
        }
        Ok(Encoded {
            bytes,
            records: records.len(),
            header: R::HEADER,
        })
    }
}

/// Turns records into bytes of one format, a document at a time, so that a
/// document's records can be written in one piece (a run killed between two
/// writes never leaves half a document behind).
#[derive(Debug)]
pub struct Encoder {
    format: Format,
    count: usize,
}

impl Encoder {
    pub fn new(format: Format) -> Encoder {
        Encoder { format, count: 0 }
    }

    /// Continue an output; `started` if it already holds something (then no
    /// second CSV header).
    pub fn resumed(format: Format, started: bool) -> Encoder {
        Encoder {
            format,
            count: usize::from(started),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Append the encoding of `records` to `out`.
    pub fn encode<R: Row>(&mut self, records: &[R], out: &mut Vec<u8>) -> io::Result<()> {
        self.push(&Encoded::new(self.format, records)?, out)
    }

    /// Append a document's encoded records to `out`, with what joins them to
    /// the records before (the CSV header, the JSON array's punctuation).
    pub fn push(&mut self, doc: &Encoded, out: &mut Vec<u8>) -> io::Result<()> {
        if doc.records == 0 {
            return Ok(());
        }
        match self.format {
            Format::Jsonl => {}
            Format::Json => out.extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" }),
            Format::Csv if self.count == 0 => {
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record(doc.header)?;
                w.flush()?;
            }
            Format::Csv => {}
        }
        out.extend_from_slice(&doc.bytes);
        self.count += doc.records;
        Ok(())
    }

    /// What closes the output (the JSON array).
    pub fn finish(&self) -> &'static [u8] {
        match (self.format, self.count) {
            (Format::Json, 0) => b"[]\n",
            (Format::Json, _) => b"\n]\n",
            _ => b"",
        }
    }
}

/// A panel row flattened: each cell's fields prefixed with its name
/// (`target_value` …), its sources joined by `;`.
impl Row for PanelRow {
    const HEADER: &'static [&'static str] = &[
        "region_code",
        "region_name",
        "indicator",
        "metric",
        "period",
        "span_measure",
        "year",
        "target_value",
        "target_value_max",
        "target_unit",
        "target_value_base",
        "target_bound",
        "target_tier",
        "target_sources",
        "expected_value",
        "expected_value_max",
        "expected_unit",
        "expected_value_base",
        "expected_bound",
        "expected_tier",
        "expected_sources",
        "actual_value",
        "actual_value_max",
        "actual_unit",
        "actual_value_base",
        "actual_bound",
        "actual_tier",
        "actual_sources",
        "conflict",
        "conflicts",
    ];
    fn row(&self) -> Vec<String> {
        let mut row = vec![
            self.region_code.clone(),
            self.region_name.clone(),
            self.indicator.clone(),
            name(&self.metric),
            self.period.label().to_string(),
            self.span_measure.as_ref().map(name).unwrap_or_default(),
            self.year.to_string(),
        ];
        for cell in [&self.target, &self.expected, &self.actual] {
            row.extend(cell_fields(cell.as_ref()));
        }
        row.push(self.conflict.to_string());
        // Every cell's disagreeing statements, each after its cell's name.
        let conflicts: Vec<String> = [
            ("target", &self.target),
            ("expected", &self.expected),
            ("actual", &self.actual),
        ]
        .iter()
        .flat_map(|(name, c)| {
            c.iter()
                .flat_map(move |c| c.conflicts.iter().map(move |s| format!("{name}: {s}")))
        })
        .collect();
        row.push(conflicts.join("; "));
        row
    }
}

fn cell_fields(cell: Option<&Cell>) -> [String; 7] {
    match cell {
        None => Default::default(),
        Some(c) => [
            c.value.to_string(),
            opt(&c.value_max),
            c.unit.clone(),
            opt(&c.value_base),
            name(&c.bound),
            c.tier.as_ref().map(name).unwrap_or_default(),
            c.sources.join(";"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section() -> Section {
        Section {
            doc: "a.txt".into(),
            level: 1,
            marker: "一、".into(),
            title: "总体要求".into(),
            line: 3,
            span: crate::text::Span(10, 25),
        }
    }

    #[test]
    fn formats() {
        let mut out = Vec::new();
        let mut e = Encoder::new(Format::Csv);
        e.encode(&[section(), section()], &mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert_eq!(csv.lines().count(), 3);
        let mut formula = section();
        formula.doc = "=HYPERLINK(\"x\")".into();
        formula.title = "-3.5".into();
        let mut out = Vec::new();
        Encoder::new(Format::Csv)
            .encode(&[formula], &mut out)
            .unwrap();
        let row = String::from_utf8(out).unwrap();
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{row}");
        assert!(row.contains(",-3.5,"), "{row}");
        assert_eq!(csv_cell_read("'=HYPERLINK(x)"), "=HYPERLINK(x)");
        assert_eq!(csv_cell_read("'quoted"), "'quoted");
        assert!(csv.starts_with("doc,level,marker,title,line,span_start,span_end\n"));

        let mut out = Vec::new();
        let mut e = Encoder::new(Format::Json);
        e.encode(&[section()], &mut out).unwrap();
        out.extend_from_slice(e.finish());
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json[0]["title"], "总体要求");
        assert_eq!(Encoder::new(Format::Json).finish(), b"[]\n");

        let mut out = Vec::new();
        Encoder::resumed(Format::Csv, true)
            .encode(&[section()], &mut out)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap().lines().count(),
            1,
            "no second header"
        );
    }
}
