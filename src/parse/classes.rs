//! What the grammar says each character of the Basic Multilingual Plane is
//! on its own, asked of `structural_char` and `lead_char`: run when the crate
//! is built (build.rs), so that lines are scanned without running the
//! grammar on the characters that begin nothing. The grammar stays the
//! authority; the table is its answer, embedded.

use pest::Parser;
use pest::iterators::Pair;

use super::tables::{CharClass, Structural};
use super::{ReportGrammar, Rule};

impl CharClass {
    /// The byte that stands for the class in the embedded table.
    pub fn code(self) -> u8 {
        match self {
            CharClass::Other => 0,
            CharClass::Lead => 1,
            CharClass::Structural(Structural::Terminator) => 2,
            CharClass::Structural(Structural::ClauseSep) => 3,
            CharClass::Structural(Structural::ListSep) => 4,
            CharClass::Structural(Structural::Open) => 5,
            CharClass::Structural(Structural::Close) => 6,
        }
    }
}

/// The class of every character U+0000..=U+FFFF, a byte each
/// (`CharClass::code`).
pub fn table() -> Vec<u8> {
    (0..=0xFFFF_u32)
        .map(|cp| char::from_u32(cp).map_or(CharClass::Other, classify).code())
        .collect()
}

fn classify(c: char) -> CharClass {
    let mut buf = [0u8; 4];
    let s = &*c.encode_utf8(&mut buf);
    let whole = |p: &Pair<'_, Rule>| p.as_span().end() == s.len();
    if let Some(inner) = ReportGrammar::parse(Rule::structural_char, s)
        .ok()
        .and_then(|mut p| p.next()?.into_inner().next())
        .filter(whole)
    {
        let kind = match inner.as_rule() {
            Rule::terminator => Structural::Terminator,
            Rule::clause_sep => Structural::ClauseSep,
            Rule::list_sep => Structural::ListSep,
            Rule::open => Structural::Open,
            _ => Structural::Close,
        };
        return CharClass::Structural(kind);
    }
    if ReportGrammar::parse(Rule::lead_char, s).is_ok() {
        CharClass::Lead
    } else {
        CharClass::Other
    }
}
