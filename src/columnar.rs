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
    _records: std::marker::PhantomData<fn(R)>,
}

impl<W: Write + Send, R: Columnar> ParquetSink<W, R> {
    pub fn new(out: W) -> parquet::errors::Result<Self> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(64 * 1024))
            .build();
        Ok(ParquetSink {
            writer: ArrowWriter::try_new(out, R::schema(), Some(props))?,
            rows: 0,
            _records: std::marker::PhantomData,
        })
    }

    pub fn write(&mut self, rows: &[R]) -> parquet::errors::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.rows += rows.len();
        self.writer.write(&batch(rows)?)
    }

    /// Rows given as JSON Lines in their serde form (a run's journal),
    /// decoded and written a batch at a time.
    pub fn write_jsonl(&mut self, input: impl std::io::BufRead) -> parquet::errors::Result<()> {
        let reader = arrow_json::ReaderBuilder::new(R::schema())
            .with_batch_size(8 * 1024)
            .build(input)?;
        for batch in reader {
            let batch = batch?;
            self.rows += batch.num_rows();
            self.writer.write(&batch)?;
        }
        Ok(())
    }

    /// Write the footer; the rows written.
    pub fn finish(self) -> parquet::errors::Result<usize> {
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
}
