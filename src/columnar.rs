//! Records as Arrow columns: typed (numbers as numbers, `section` and
//! `span` as lists, nulls as nulls), for `--format parquet` and the Python
//! package. One schema per record type, the same wherever it is written.
//!
//! Rows go to Arrow through their serde form (arrow-json's decoder), so a
//! column is filled exactly as the JSON output writes the field.

use std::io::Write;
use std::sync::{Arc, LazyLock};

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::Serialize;

use crate::panel::PanelRow;
use crate::record::{DocumentRecord, Indicator, Section};

/// A record type with an Arrow schema.
pub trait Columnar: Serialize {
    fn schema() -> SchemaRef;
}

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}
fn text_or_null(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}
fn list(name: &str, item: DataType) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new("item", item, true))),
        false,
    )
}

static INDICATOR: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        text("doc"),
        text("indicator"),
        text("metric"),
        Field::new("value", DataType::Float64, false),
        Field::new("value_max", DataType::Float64, true),
        text("unit"),
        Field::new("value_base", DataType::Float64, true),
        text_or_null("unit_base"),
        text("kind"),
        Field::new("year", DataType::Int32, true),
        text("period"),
        text_or_null("span_measure"),
        text("bound"),
        text_or_null("tier"),
        text("label"),
        Field::new("line", DataType::Int64, false),
        list("span", DataType::Int64),
        list("section", DataType::Utf8),
        text("text"),
        text("rule"),
        text_or_null("region_code"),
    ]))
});

static SECTION: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        text("doc"),
        Field::new("level", DataType::Int32, false),
        text("marker"),
        text("title"),
        Field::new("line", DataType::Int64, false),
        list("span", DataType::Int64),
    ]))
});

static DOCUMENT: LazyLock<SchemaRef> = LazyLock::new(|| {
    let line = |name: &str| Field::new(name, DataType::Int64, true);
    Arc::new(Schema::new(vec![
        text("doc"),
        text_or_null("title"),
        line("title_line"),
        text("type"),
        line("type_line"),
        text_or_null("date"),
        line("date_line"),
        Field::new("year", DataType::Int32, true),
        text_or_null("year_source"),
        line("year_line"),
        list(
            "year_conflict",
            DataType::Struct(Fields::from(vec![
                Field::new("year", DataType::Int32, false),
                text("source"),
                line("line"),
            ])),
        ),
        text_or_null("region"),
        text_or_null("region_name"),
        text_or_null("region_code"),
        text_or_null("region_level"),
        line("region_line"),
        text_or_null("speaker"),
        line("speaker_line"),
    ]))
});

static PANEL: LazyLock<SchemaRef> = LazyLock::new(|| {
    let cell = |name: &str| {
        let fields = Fields::from(vec![
            Field::new("value", DataType::Float64, false),
            Field::new("value_max", DataType::Float64, true),
            text("unit"),
            Field::new("value_base", DataType::Float64, true),
            text_or_null("unit_base"),
            text("bound"),
            text_or_null("tier"),
            list("sources", DataType::Utf8),
            Field::new("conflict", DataType::Boolean, false),
            list("conflicts", DataType::Utf8),
        ]);
        Field::new(name, DataType::Struct(fields), true)
    };
    Arc::new(Schema::new(vec![
        text("region_code"),
        text("region_name"),
        text("indicator"),
        text("metric"),
        text("period"),
        text_or_null("span_measure"),
        Field::new("year", DataType::Int32, false),
        cell("target"),
        cell("expected"),
        cell("actual"),
        Field::new("conflict", DataType::Boolean, false),
    ]))
});

impl Columnar for Indicator {
    fn schema() -> SchemaRef {
        INDICATOR.clone()
    }
}
impl Columnar for Section {
    fn schema() -> SchemaRef {
        SECTION.clone()
    }
}
impl Columnar for DocumentRecord {
    fn schema() -> SchemaRef {
        DOCUMENT.clone()
    }
}
impl Columnar for PanelRow {
    fn schema() -> SchemaRef {
        PANEL.clone()
    }
}

/// Records as one Arrow batch of their schema.
pub fn batch<R: Columnar>(rows: &[R]) -> Result<RecordBatch, ArrowError> {
    let schema = R::schema();
    let mut decoder = arrow_json::ReaderBuilder::new(schema.clone())
        .with_batch_size(rows.len().max(1))
        .build_decoder()?;
    decoder.serialize(rows)?;
    Ok(decoder
        .flush()?
        .unwrap_or_else(|| RecordBatch::new_empty(schema)))
}

/// Records as an Arrow IPC stream (what the Python package hands to
/// pyarrow).
pub fn ipc_stream<R: Columnar>(rows: &[R]) -> Result<Vec<u8>, ArrowError> {
    let batch = batch(rows)?;
    let mut out = Vec::new();
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(&mut out, &R::schema())?;
    writer.write(&batch)?;
    writer.finish()?;
    drop(writer);
    Ok(out)
}

/// A Parquet file written a batch at a time (row groups of at most 64K
/// rows, so memory stays bounded on any archive), Snappy-compressed.
pub struct ParquetSink<W: Write + Send, R: Columnar> {
    writer: ArrowWriter<W>,
    rows: usize,
    /// Batches not yet written, and their rows: a document's few rows are
    /// written with others (each write costs per column), in batches cut
    /// only by how many rows came, so that the same rows in the same
    /// batches always make the same file.
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    _records: std::marker::PhantomData<fn(R)>,
}

/// Rows gathered before a write.
const WRITE_ROWS: usize = 4096;

impl<W: Write + Send, R: Columnar> ParquetSink<W, R> {
    pub fn new(out: W) -> parquet::errors::Result<Self> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(64 * 1024))
            .build();
        Ok(ParquetSink {
            writer: ArrowWriter::try_new(out, R::schema(), Some(props))?,
            rows: 0,
            pending: Vec::new(),
            pending_rows: 0,
            _records: std::marker::PhantomData,
        })
    }

    pub fn write(&mut self, rows: &[R]) -> parquet::errors::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.write_batch(&batch(rows)?)
    }

    /// Rows already in a batch of this sink's schema (see [`batch`]), as a
    /// worker makes them.
    pub fn write_batch(&mut self, batch: &RecordBatch) -> parquet::errors::Result<()> {
        self.rows += batch.num_rows();
        self.pending_rows += batch.num_rows();
        self.pending.push(batch.clone());
        if self.pending_rows >= WRITE_ROWS {
            self.write_pending()?;
        }
        Ok(())
    }

    fn write_pending(&mut self) -> parquet::errors::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = arrow_select::concat::concat_batches(&R::schema(), &self.pending)?;
        self.pending.clear();
        self.pending_rows = 0;
        self.writer.write(&batch)
    }

    /// Rows given as JSON Lines in their serde form (a run's journal),
    /// written as the run wrote them: a batch per document (its lines in a
    /// row), so that a resumed run's file is the same, byte for byte, as
    /// one written in a single run (where pages end depends on the batches).
    pub fn write_jsonl(&mut self, input: impl std::io::BufRead) -> parquet::errors::Result<()> {
        /// The one field a line is grouped by.
        #[derive(serde::Deserialize, PartialEq)]
        struct Doc {
            doc: Option<String>,
        }
        // A document's rows are one batch, as the run wrote them.
        let mut decoder = arrow_json::ReaderBuilder::new(R::schema())
            .with_batch_size(64 * 1024)
            .build_decoder()?;
        let mut current: Option<Doc> = None;
        for line in input.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let doc: Doc = serde_json::from_str(&line)
                .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))?;
            if current.as_ref().is_some_and(|c| *c != doc) {
                self.flush_decoded(&mut decoder)?;
            }
            current = Some(doc);
            let line = line + "\n";
            let mut bytes = line.as_bytes();
            while !bytes.is_empty() {
                let read = decoder.decode(bytes)?;
                if read == 0 {
                    // The decoder is full: a document of very many rows.
                    self.flush_decoded(&mut decoder)?;
                }
                bytes = &bytes[read..];
            }
        }
        self.flush_decoded(&mut decoder)
    }

    fn flush_decoded(
        &mut self,
        decoder: &mut arrow_json::reader::Decoder,
    ) -> parquet::errors::Result<()> {
        match decoder.flush()?.filter(|b| b.num_rows() > 0) {
            Some(batch) => self.write_batch(&batch),
            None => Ok(()),
        }
    }

    /// Write the footer; the rows written.
    pub fn finish(mut self) -> parquet::errors::Result<usize> {
        self.write_pending()?;
        self.writer.close()?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_become_typed_columns() {
        let x = crate::pipeline::Extractor::builtin().unwrap().extract(
            "a.txt",
            "一、总体\n全年地区生产总值增长5.2%，达到1.2万亿元。",
        );
        let b = batch(&x.indicators).unwrap();
        assert_eq!(b.num_rows(), 2);
        assert_eq!(b.schema(), Indicator::schema());
        let base = b
            .column_by_name("value_base")
            .unwrap()
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .unwrap();
        assert_eq!(base.value(1), 1.2e12);
        let empty: Vec<Indicator> = Vec::new();
        assert_eq!(batch(&empty).unwrap().num_rows(), 0);
    }

    /// A resumed Parquet run writes its journal's rows first: the file must
    /// be the one a single run writes, a batch per document, even where the
    /// pages fill up (several megabytes of text here).
    #[test]
    fn a_journal_replayed_gives_the_file_written_by_documents() {
        let x = crate::pipeline::Extractor::builtin()
            .unwrap()
            .extract("a.txt", "全年地区生产总值增长5.2%，达到1.2万亿元。");
        // Text that does not compress: characters from a simple generator.
        let mut seed = 7u32;
        let mut text = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    char::from_u32(0x4E00 + (seed >> 16) % 0x5000).unwrap()
                })
                .collect()
        };
        let docs: Vec<Vec<Indicator>> = (0..6000)
            .map(|d| {
                (0..1 + d % 4)
                    .map(|i| {
                        let mut r = x.indicators[i % 2].clone();
                        r.doc = format!("doc-{d}");
                        r.text = text(300 + d % 7);
                        r
                    })
                    .collect()
            })
            .collect();
        let mut by_docs = ParquetSink::<_, Indicator>::new(Vec::new()).unwrap();
        let mut journal = Vec::new();
        for rows in &docs {
            by_docs.write(rows).unwrap();
            for r in rows {
                serde_json::to_writer(&mut journal, r).unwrap();
                journal.push(b'\n');
            }
        }
        let mut replayed = ParquetSink::<_, Indicator>::new(Vec::new()).unwrap();
        replayed.write_jsonl(&journal[..]).unwrap();
        assert_eq!(replayed.rows, by_docs.rows);
        let (a, b) = (
            by_docs.writer.into_inner().unwrap(),
            replayed.writer.into_inner().unwrap(),
        );
        assert!(a.len() > 4 << 20, "large enough to fill pages: {}", a.len());
        assert!(
            a == b,
            "the replayed file differs from the one written by documents"
        );
    }
}
