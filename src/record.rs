//! Output records: what the engine promises to users (see SPEC.md).
//!
//! The enums are closed sets the rest of the code matches on; serde turns
//! them into the lowercase strings of the contract at the edge.

use serde::{Deserialize, Serialize};

/// How a figure relates to its indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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
