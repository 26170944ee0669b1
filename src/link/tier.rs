//! 确保 (ensure) or 力争 (strive): the tier word a figure stands under.

use super::sentence::Sentence;
use crate::link::words::CueScope;
use crate::model::Tier;
use crate::parse::TokenKind;
use crate::rules::RulePack;

impl Sentence<'_> {
    /// The nearest tier word before `pos` within the pack's tier scope (its
    /// clause, or its sentence).
    pub(super) fn tier_of(&self, pack: &RulePack, pos: usize) -> Option<Tier> {
        let from = match pack.lexicon.tier_scope {
            CueScope::Clause => self.clause_start(pos),
            CueScope::Sentence => self.range.0,
        };
        self.tokens_in(from, pos)
            .iter()
            .rev()
            .find_map(|t| match &t.kind {
                TokenKind::Tier(w) => Some(pack.grammar.tier(w)),
                _ => None,
            })
            .flatten()
    }
}
