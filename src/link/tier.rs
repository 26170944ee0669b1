//! 确保 (ensure) or 力争 (strive): the tier word a figure stands under.

use super::index::Sentence;
use crate::link::words::CueScope;
use crate::model::Tier;
use crate::parse::TokenKind;
use crate::rules::RulePack;

/// The nearest tier word before `pos` within the pack's tier scope (its
/// clause, or its sentence).
pub(super) fn tier_of(s: &Sentence<'_>, pack: &RulePack, pos: usize) -> Option<Tier> {
    let from = match pack.lexicon.tier_scope {
        CueScope::Clause => s.clause_start(pos),
        CueScope::Sentence => s.range.0,
    };
    s.tokens_in(from, pos)
        .iter()
        .rev()
        .find_map(|t| match &t.kind {
            TokenKind::Tier(w) => Some(pack.grammar.tier(w)),
            _ => None,
        })
        .flatten()
}

/// GUIDELINES, `tier`: ensure (确保), strive (力争), or null; a tier word
/// governs its own clause (the pack's `tier_scope`).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::{PACK, Read};

    fn tiers(text: &str) -> Vec<Option<Tier>> {
        let read = Read::new(text);
        let s = read.sentence();
        read.figures()
            .iter()
            .map(|(t, _)| tier_of(&s, &PACK, t.start))
            .collect()
    }

    #[test]
    fn ensure_and_strive_each_for_their_figure() {
        assert_eq!(
            tiers("地区生产总值确保增长6.7%、力争7.2%以上。"),
            [Some(Tier::Ensure), Some(Tier::Strive)]
        );
        assert_eq!(tiers("地区生产总值增长5%左右。"), [None]);
    }

    #[test]
    fn a_tier_word_does_not_reach_the_next_clause() {
        assert_eq!(tiers("力争实现更好结果，地区生产总值增长5%左右。"), [None]);
    }
}
