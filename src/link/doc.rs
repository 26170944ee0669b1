//! What every decision may read of the document being walked: the pack,
//! the texts (as written and normalised), the outline and where lines
//! start. Built once per document by the pipeline.

use std::cell::RefCell;

use super::audit::Audit;
use super::part::Resume;
use super::trace::Why;
use crate::document::Document;
use crate::normalise::Normalised;
use crate::outline::Heading;
use crate::rules::RulePack;
use crate::text::LineIndex;

/// Everything a document-level pass needs.
pub struct DocContext<'a> {
    pub pack: &'a RulePack,
    pub doc: &'a str,
    /// What the document says about itself: its year above all.
    pub document: &'a Document,
    pub original: &'a str,
    pub norm: &'a Normalised<'a>,
    pub headings: &'a [Heading],
    pub lines: &'a LineIndex,
    /// When set, why each record came out as it did (`zhibiao explain`).
    pub why: Option<&'a RefCell<Vec<Why>>>,
    /// When set, every figure the walk sees and why it let some go
    /// (`zhibiao gaps`).
    pub audit: Option<&'a RefCell<Audit>>,
    /// A later piece of a long document: from this offset of the
    /// original text on, the walk goes on from where the piece before
    /// ended (see [`crate::chunk`]).
    pub resume: Option<(usize, Resume)>,
}
