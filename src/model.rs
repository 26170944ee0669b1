//! The closed sets every stage shares: what a figure measures, its kind,
//! bound, tier and period; what a document is and where its year came
//! from; how high a region stands; what a diagnostic is about. A leaf: it
//! imports nothing of the crate, so any stage may use it.
//!
//! serde turns each into the lowercase string of the contract (SPEC.md) at
//! the edge; inside, code matches on the variants.

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

/// One source's word on a document's year: the year, where it was read
/// (title, date, text) and the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearClue {
    pub year: i32,
    pub source: YearSource,
    pub line: Option<usize>,
}

/// How far up the hierarchy a region stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    National,
    Province,
    Prefecture,
    County,
}

/// The span of time a figure is about: a year (the default), five years
/// (a plan period, 年均 / 累计 over one), or a part of a year the rule pack
/// names (`H1`, `Q1-Q3`, `M1-M9`: labels of `vocabulary.periods`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Period {
    #[default]
    Year,
    FiveYears,
    Part(String),
}

impl Period {
    /// The label records carry: `year`, `5y`, or the part's label.
    pub fn label(&self) -> &str {
        match self {
            Period::Year => "year",
            Period::FiveYears => "5y",
            Period::Part(p) => p,
        }
    }

    /// The period a label names.
    pub fn from_label(label: &str) -> Period {
        match label {
            "year" => Period::Year,
            "5y" => Period::FiveYears,
            other => Period::Part(other.to_string()),
        }
    }
}

/// What a five-year figure (`period: 5y`) holds: GUIDELINES counts all of
/// them `5y`, but a panel must not put 年均增长6% beside 比2020年增长35%.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SpanMeasure {
    /// A yearly average over the span: 年均增长6%, 每年新增就业10万人.
    AnnualAverage,
    /// A change over the whole span: 比2020年增长35%, 累计提高3个百分点.
    OverSpan,
    /// An amount summed over the span: 五年累计完成投资1.2万亿元.
    Total,
    /// A level or rate reached at, or held through, the span: 到2030年森林覆盖率
    /// 达到35%, 粮食产量稳定在800亿斤以上.
    Level,
}

/// Periods sort by their labels, as records and panels list them.
impl Ord for Period {
    fn cmp(&self, other: &Period) -> std::cmp::Ordering {
        self.label().cmp(other.label())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Period) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        String::deserialize(d).map(|s| Period::from_label(&s))
    }
}

/// In rule files a period is its label, a string.
impl schemars::JsonSchema for Period {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(g)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// What was done, for the record (the encoding a file was read in).
    Info,
    Warning,
    Error,
}

/// What a diagnostic is about: each code a kind of thing worth telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The encoding a document was read in (info).
    Encoding,
    /// Bytes not valid in the encoding, each replaced by U+FFFD.
    InvalidBytes,
    /// Lines of a document in another encoding than the rest.
    MixedEncoding,
    /// A long text without a line break.
    NoLineBreaks,
    /// A figure whose digits the source dropped (.6亿元).
    DamagedNumber,
    /// The title, the delivery date and the body say different years.
    YearConflict,
    /// A file that could not be read (a limit, an I/O error).
    Unreadable,
    /// A file that is no text.
    Binary,
    Empty,
    UnknownEncoding,
    Undecodable,
    /// Not a document (a FIFO in a directory walked): passed over.
    Skipped,
    /// A bug: the engine panicked on this document.
    InternalError,
}
