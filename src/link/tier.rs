//! 确保 (ensure) or 力争 (strive): the tier word a figure stands under.

use super::sentence::Sentence;
use crate::parse::TokenKind;
use crate::record::Tier;
use crate::rules::{CueScope, RulePack};

impl Sentence<'_> {
    /// The nearest tier word before `pos` within the pack's tier scope (its
    /// clause, or its sentence).
    pub(super) fn tier_of(&self, pack: &RulePack, pos: usize) -> Option<Tier> {
        let from = match pack.tier_scope {
            CueScope::Clause => self.clause_start(pos),
            CueScope::Sentence => self.range.0,
        };
        self.tokens_in(from, pos)
            .iter()
            .rev()
            .find_map(|t| match &t.kind {
                TokenKind::Tier(w) => Some(pack.tier(w)),
                _ => None,
            })
            .flatten()
    }
}
