//! zhibiao (指标): indicator figures and outlines from Chinese government
//! economic reports, each with the exact place it came from.
//!
//! The pipeline, one module per stage:
//! decode → normalise → parse (pest) → apply rules → records → output.
//!
//! ```
//! let pack = zhibiao::RulePack::builtin().unwrap();
//! let out = zhibiao::extract(&pack, "demo.txt", "全年地区生产总值增长5.2%。");
//! assert_eq!(out.indicators[0].indicator, "gdp");
//! assert_eq!(out.indicators[0].value, 5.2);
//! ```

pub mod apply;
pub mod decode;
pub mod eval;
pub mod normalise;
pub mod outline;
pub mod output;
pub mod parse;
pub mod record;
pub mod rules;

pub use record::{Bound, Diagnostic, Indicator, Kind, Metric, Section, Severity, Span, Tier};
pub use rules::{RuleError, RulePack, RuleSource};

/// What one document gave.
#[derive(Debug, Default, Clone)]
pub struct Extraction {
    pub indicators: Vec<Indicator>,
    pub sections: Vec<Section>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Extract indicator and section records from one decoded document.
/// `doc` is the name records carry; `text` is the decoded UTF-8 text.
pub fn extract(pack: &RulePack, doc: &str, text: &str) -> Extraction {
    let norm = normalise::Normalised::new(text);
    let lines = LineIndex::new(text);
    let headings = outline::headings(&norm);
    let sections = headings
        .iter()
        .map(|h| {
            let (ms, me) = norm.original_span(h.start, h.marker_end);
            let (ts, te) = norm.original_span(h.marker_end, h.title_end);
            Section {
                doc: doc.to_string(),
                level: h.level,
                marker: text[ms..me].to_string(),
                title: text[ts..te].trim().to_string(),
                line: lines.line_of(ms),
                span: Span(ms, te),
            }
        })
        .collect();
    let mut out = Extraction {
        sections,
        ..Extraction::default()
    };
    let cx = apply::DocContext {
        pack,
        doc,
        original: text,
        norm: &norm,
        headings: &headings,
        lines: &lines,
    };
    apply::apply(&cx, &mut out.indicators, &mut out.diagnostics);
    out
}

/// Line numbers of byte offsets.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}
