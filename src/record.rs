//! Output records: what the engine promises to users (see SPEC.md).

use serde::{Deserialize, Serialize};

use crate::model::{
    Bound, Code, DocType, Kind, Metric, Period, RegionLevel, Severity, SpanMeasure, Tier, YearClue,
    YearSource,
};
use crate::text::Span;

/// One figure about one canonical indicator, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub doc: String,
    pub indicator: String,
    pub metric: Metric,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<f64>,
    pub unit: String,
    /// The amount in its unit class's base unit (2.15万亿元 → 2150000000000
    /// 元), computed in decimal; percentages and points stay as they are.
    #[serde(default)]
    pub value_base: Option<f64>,
    #[serde(default)]
    pub unit_base: Option<String>,
    pub kind: Kind,
    pub year: Option<i32>,
    pub period: Period,
    /// For a five-year figure, what it holds (a yearly average, a change
    /// over the span, a total, a level); absent for any other period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_measure: Option<SpanMeasure>,
    pub bound: Bound,
    pub tier: Option<Tier>,
    /// The indicator's name as written in the source.
    pub label: String,
    pub line: usize,
    pub span: Span,
    /// Heading path, outermost first, as written.
    pub section: Vec<String>,
    /// The sentence the figure comes from, as written.
    pub text: String,
    /// Id of the rule that produced the record.
    pub rule: String,
    /// The GB/T 2260 code of the document's region (null: not settled),
    /// so that records join panels and maps without the file path.
    #[serde(default)]
    pub region_code: Option<String>,
    /// `correction` for a record a corrections file fixed or added
    /// (`--corrections`); absent for the engine's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One numbered heading of a report's outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub doc: String,
    /// 1 for 一、, 2 for (一), 3 for 1. / 1、, 4 for (1).
    pub level: u8,
    pub marker: String,
    pub title: String,
    pub line: usize,
    pub span: Span,
}

/// What a document says about itself (`zhibiao docs`): each field with the
/// line it was read from, or null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub doc: String,
    /// The title line as written.
    pub title: Option<String>,
    pub title_line: Option<usize>,
    #[serde(rename = "type")]
    pub doc_type: DocType,
    pub type_line: Option<usize>,
    /// The date it was delivered (or published), ISO 8601.
    pub date: Option<String>,
    pub date_line: Option<usize>,
    /// The document's own year (a 2026 work report's, a bulletin's
    /// statistical year), and where it was read.
    pub year: Option<i32>,
    pub year_source: Option<YearSource>,
    pub year_line: Option<usize>,
    /// When the title, the delivery date and the body say different years:
    /// what each says, and where (the `year` settled is one of them).
    pub year_conflict: Vec<YearClue>,
    /// The region as written, its canonical name, its GB/T 2260 code (the
    /// nation's: 100000) and level, and the line it was read from.
    pub region: Option<String>,
    pub region_name: Option<String>,
    pub region_code: Option<String>,
    pub region_level: Option<RegionLevel>,
    pub region_line: Option<usize>,
    /// Who delivered it, where the head names them (市长 马誉峰).
    pub speaker: Option<String>,
    pub speaker_line: Option<usize>,
}

/// Something worth telling the user that is not a record: a figure whose
/// digits the source dropped, a file that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub doc: String,
    pub severity: Severity,
    pub code: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}
