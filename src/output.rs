//! The output stage: records as JSON Lines, CSV or one JSON array.
//!
//! Writers stream: records go out as they are handed in, so a batch over a
//! large archive never holds all of them.

use std::io::{self, Write};

use serde::Serialize;

use crate::record::{Indicator, Section};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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
        "kind",
        "year",
        "period",
        "bound",
        "tier",
        "label",
        "line",
        "span_start",
        "span_end",
        "section",
        "text",
        "rule",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.doc.clone(),
            self.indicator.clone(),
            name(&self.metric),
            self.value.to_string(),
            opt(&self.value_max),
            self.unit.clone(),
            name(&self.kind),
            opt(&self.year),
            self.period.clone(),
            name(&self.bound),
            self.tier.as_ref().map(name).unwrap_or_default(),
            self.label.clone(),
            self.line.to_string(),
            self.span.0.to_string(),
            self.span.1.to_string(),
            self.section.join(" > "),
            self.text.clone(),
            self.rule.clone(),
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

/// Writes records of one type in one format.
pub struct Writer<W: Write> {
    format: Format,
    out: W,
    count: usize,
}

impl<W: Write> Writer<W> {
    pub fn new(format: Format, out: W) -> Writer<W> {
        Writer {
            format,
            out,
            count: 0,
        }
    }

    pub fn write<R: Row>(&mut self, record: &R) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, record)?;
            }
            Format::Csv => {
                // A small csv writer per record keeps quoting right while
                // the output stays a plain stream.
                let mut w = csv::Writer::from_writer(Vec::new());
                if self.count == 0 {
                    w.write_record(R::HEADER)?;
                }
                w.write_record(record.row())?;
                let buf = w
                    .into_inner()
                    .map_err(|e| io::Error::other(e.to_string()))?;
                self.out.write_all(&buf)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Close the format (the JSON array) and flush.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::Json {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
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
            span: crate::Span(10, 25),
        }
    }

    #[test]
    fn formats() {
        let mut w = Writer::new(Format::Csv, Vec::new());
        w.write(&section()).unwrap();
        w.write(&section()).unwrap();
        let csv = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.starts_with("doc,level,marker,title,line,span_start,span_end\n"));

        let mut w = Writer::new(Format::Json, Vec::new());
        w.write(&section()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
        assert_eq!(json[0]["title"], "总体要求");

        let w = Writer::new(Format::Json, Vec::new());
        assert_eq!(w.finish().unwrap(), b"[]\n");
    }
}
