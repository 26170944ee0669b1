//! Output records: what the engine promises to users (see SPEC.md).
//!
//! The enums are closed sets the rest of the code matches on; serde turns
//! them into the lowercase strings of the contract at the edge.

use serde::{Deserialize, Serialize};

/// How a figure relates to its indicator.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// A relative change: 增长 5%, 提高 0.5 个百分点.
    Growth,
    /// An absolute amount: 1367.6 亿元.
    Level,
    /// An absolute rise or fall of an amount: 净增 2.3 万户.
    Change,
    /// A share or rate that is itself a percentage: 失业率 3.69%.
    Ratio,
}

/// Whether a figure is an outcome, an estimate or a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Actual,
    Expected,
    Target,
}

/// The qualifier on a figure.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    Exact,
    Approx,
    AtLeast,
    AtMost,
}

/// 确保 (ensure) or 力争 (strive).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Ensure,
    Strive,
}

/// What kind of document a report is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// 政府工作报告
    Gwr,
    /// 国民经济和社会发展计划执行情况与计划草案的报告
    Plan,
    /// 预算执行情况报告
    Budget,
    /// 统计公报
    Tjgb,
    /// 讲话
    Speech,
    /// 新闻发布会
    Presser,
    /// 经济运行分析
    Analysis,
    #[default]
    Other,
}

impl DocType {
    /// Whether the document is delivered early in its year, reviewing the
    /// year before and planning its own (a work report, a plan, a budget, a
    /// speech at the year's economic conference); a bulletin, an analysis,
    /// a press release is about its own year.
    /// A document of unknown type is taken for a report.
    pub fn looks_back(self) -> bool {
        !matches!(self, DocType::Tjgb | DocType::Analysis | DocType::Presser)
    }
}

/// Where a document's year was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearSource {
    /// The title (2026年吉林省政府工作报告).
    Title,
    /// The date the report was given or published.
    Date,
    /// The text: the year it plans or reviews, the plan period it closes,
    /// the latest year it reviews.
    Text,
    /// The file name (an archive's 2012-gwr.txt).
    Path,
    /// A manifest of metadata (--meta).
    Manifest,
    /// The user (--year).
    Option,
}

/// `[start, end)` byte offsets into the decoded UTF-8 text of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span(pub usize, pub usize);

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
    pub period: String,
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
    /// The region as written, its canonical name, its GB/T 2260 code (the
    /// nation's: 100000) and level, and the line it was read from.
    pub region: Option<String>,
    pub region_name: Option<String>,
    pub region_code: Option<String>,
    pub region_level: Option<crate::region::RegionLevel>,
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
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// What was done, for the record (the encoding a file was read in).
    Info,
    Warning,
    Error,
}
