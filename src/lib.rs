//! zhibiao (指标): indicator figures and outlines from Chinese government
//! economic reports, each with the exact place it came from.
//!
//! The pipeline, one module per stage (see [`Extractor`]):
//! decode → normalise and clean → document and region → outline → parse
//! (pest) and link (the rule pack's words to the grammar's figures) →
//! records → output. Around it: the batch runner (many documents in
//! parallel, in input order, memory flat), output sinks, and the tools
//! built on the engine (eval, diff, panel, explain).
//!
//! ```
//! let engine = zhibiao::Extractor::builtin().unwrap();
//! let out = engine.extract("demo.txt", "全年地区生产总值增长5.2%。");
//! assert_eq!(out.indicators[0].indicator, "gdp");
//! assert_eq!(out.indicators[0].value, 5.2);
//! ```

pub mod batch;
pub mod chunk;
pub mod clean;
pub mod columnar;
pub mod decode;
pub mod diff;
pub mod document;
pub mod eval;
pub mod examples;
pub mod explain;
pub mod link;
pub mod meta;
pub mod model;
pub mod normalise;
pub mod outline;
pub mod output;
pub mod panel;
pub mod parse;
pub mod pipeline;
pub mod record;
pub mod region;
pub mod rules;
pub mod text;
pub mod unit;

pub use document::{Document, Given};
pub use model::{
    Bound, Code, DocType, Kind, Metric, Period, RegionLevel, Severity, Tier, YearSource,
};
pub use pipeline::{Extraction, Extractor, prepare};
pub use record::{Diagnostic, DocumentRecord, Indicator, Section};
pub use rules::{RuleError, RuleErrors, RulePack, RuleSource};
pub use text::{LineIndex, Span};
