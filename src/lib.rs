//! zhibiao (指标): indicator figures and outlines from Chinese government
//! economic reports, each with the exact place it came from.
//!
//! The pipeline, one private module per stage (see [`Extractor`]):
//! decode → normalise and clean → document and region → outline → parse
//! (pest) and link (the rule pack's words to the grammar's figures) →
//! records. Public: the engine and its records, the rule pack, the batch
//! runner (many documents in parallel, in input order, memory flat),
//! output sinks, and the tools built on the engine (eval, diff, panel,
//! explain, rule examples).
//!
//! ```
//! let engine = zhibiao::Extractor::builtin().unwrap();
//! let out = engine.extract("demo.txt", "全年地区生产总值增长5.2%。");
//! assert_eq!(out.indicators[0].indicator, "gdp");
//! assert_eq!(out.indicators[0].value, 5.2);
//! ```

pub mod batch;
pub mod columnar;
pub mod corrections;
pub mod diff;
pub mod eval;
pub mod examples;
pub mod explain;
pub mod gaps;
pub mod meta;
pub mod output;
pub mod panel;
pub mod review;
pub mod rules;

mod chunk;
mod clean;
mod decode;
mod document;
mod link;
mod model;
mod normalise;
mod outline;
mod parse;
mod pipeline;
mod record;
mod region;
mod text;
mod unit;

pub use decode::{DecodeError, Decoded, Reading, check_encoding, decode, reading_of};
pub use document::{Document, Given};
pub use link::words::{Hits, Lexicon};
pub use link::{
    Audit, BoundWhy, Dropped, KindWhy, MetricWhy, NameWhy, PeriodWhy, Resume, Seen, Sharing,
    TierWhy, Why, YearWhy,
};
pub use model::{
    Bound, Code, DocType, Kind, Metric, Period, RegionLevel, Severity, Tier, YearClue, YearSource,
};
pub use normalise::simplified;
pub use pipeline::{Extraction, Extractor, Trace, prepare};
pub use record::{Diagnostic, DocumentRecord, Indicator, Section};
pub use rules::{RuleError, RuleErrors, RulePack, RuleSource};
pub use text::{LineIndex, Span};
