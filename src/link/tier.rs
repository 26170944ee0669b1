//! 确保 (ensure) or 力争 (strive): the tier word a figure stands under.

use super::sentence::Sentence;
use crate::parse::TokenKind;
use crate::record::Tier;
use crate::rules::RulePack;

impl Sentence<'_> {
    /// The nearest tier word before `pos` in the sentence.
    pub(super) fn tier_of(&self, pack: &RulePack, pos: usize) -> Option<Tier> {
        self.tokens_in(self.range.0, pos)
            .iter()
            .rev()
            .find_map(|t| match &t.kind {
                TokenKind::Tier(w) => Some(pack.tier(w)),
                _ => None,
            })
            .flatten()
    }
}
