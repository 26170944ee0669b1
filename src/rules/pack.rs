//! The compiled rule pack: what each stage compiled of its section of the
//! vocabulary (built by `load`).

use super::example::Example;
use super::source::RuleWarning;
use crate::clean::Noise;
use crate::document::words::DocumentWords;
use crate::link::words::Lexicon;
use crate::parse::words::Grammar;
use crate::region::Gazetteer;
use crate::unit::Units;

/// The compiled rule pack: what each stage compiled of its section. Build
/// it once and share it across threads.
#[derive(Debug)]
pub struct RulePack {
    /// Words that would take no effect (`zhibiao rules check` shows them).
    pub warnings: Vec<RuleWarning>,
    /// The words the grammar composes figures with (the parse stage).
    pub grammar: Grammar,
    /// Units by class, and their bases (the unit stage).
    pub units: Units,
    /// Indicator names and the link stage's words, in one automaton.
    pub lexicon: Lexicon,
    /// What the clean stage undoes (see `clean`).
    pub noise: Noise,
    /// Words that tell what a document is and its year (normalised).
    pub documents: DocumentWords,
    /// The gazetteer: regions, their names and codes (src/region.rs).
    pub gazetteer: Gazetteer,
    /// The inline examples, for `zhibiao rules test`.
    pub examples: Vec<RuleExample>,
}

/// An inline example with where it came from.
#[derive(Debug, Clone)]
pub struct RuleExample {
    /// The indicator rule it belongs to, or `None` for a file-level example.
    pub rule: Option<String>,
    pub file: String,
    pub example: Example,
}
