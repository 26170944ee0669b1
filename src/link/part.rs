//! Where in a report the walk stands: the part it is in (reviewing the past
//! or planning), the five-year span the text is about, and the years a
//! document's figures fall back on. The types the time decisions and the
//! walk share; a leaf of the link stage.

use crate::link::words::{Role, SpanSide};

/// Where in the report we are: whether the text now reviews the past or
/// plans the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    Unknown,
    Past,
    Future,
}

/// The years a document's figures fall back on (see
/// [`crate::document::Document`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ReportTime {
    /// The year its plan part is about.
    pub(crate) plan_year: Option<i32>,
    /// The year its review part is about.
    pub(crate) review_year: Option<i32>,
    /// The year 今年 means (去年 is the one before).
    pub(crate) this_year: Option<i32>,
    /// A work report: it reviews the year before the one it plans.
    pub(crate) looks_back: bool,
}

/// A five-year span a paragraph or a heading is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    /// The five years the report reviews (这五年，五年来).
    Past,
    /// The five years it plans (今后五年).
    Ahead,
    /// A plan period, by its last year (“十四五”时期).
    Plan(i32),
}

/// The span a span word names.
pub(crate) fn span_of(roles: &[Role]) -> Option<Span> {
    roles.iter().find_map(|r| match r {
        Role::SpanWord(SpanSide::Past) => Some(Span::Past),
        Role::SpanWord(SpanSide::Ahead) => Some(Span::Ahead),
        _ => None,
    })
}

/// Where the walk through a text ended: the part of the report it was in
/// (reviewing or planning), for the next piece of a long document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resume {
    pub(crate) frame: Option<Frame>,
    pub(crate) span: Option<Span>,
}
