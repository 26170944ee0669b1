//! 确保 (ensure) or 力争 (strive): the tier word a figure stands under.

use super::index::Sentence;
use crate::link::words::CueScope;
use crate::model::Tier;
use crate::parse::TokenKind;
use crate::rules::RulePack;

/// The nearest tier word before `pos` within the pack's tier scope (its
/// clause, or its sentence). In a sentence scope, a tier word in an earlier
/// clause governs only when its own clause holds a figure: 力争接待游客500万
/// 人次，实现旅游总收入25亿元 is one goal of two figures, while 力争更好结果，
/// 一般公共预算收入增长2% strives for no figure.
pub(super) fn tier_of(s: &Sentence<'_>, pack: &RulePack, pos: usize) -> Option<Tier> {
    let from = match pack.lexicon.tier_scope {
        CueScope::Clause => s.clause_start(pos),
        CueScope::Sentence => s.range.0,
    };
    let clause = s.clause_index(pos);
    s.tokens_in(from, pos)
        .iter()
        .rev()
        .find_map(|t| match &t.kind {
            TokenKind::Tier(w) => Some((t.end, w)),
            _ => None,
        })
        .filter(|&(at, _)| {
            let own = s.clause_index(at);
            own == clause
                || s.tokens_in(at, s.clause_end(own))
                    .iter()
                    .any(|t| matches!(t.kind, TokenKind::Figure(_)))
        })
        .and_then(|(_, w)| pack.grammar.tier(w))
}

/// GUIDELINES, `tier`: ensure (确保), strive (力争), or null; a tier word
/// governs the figures after it in its sentence (the pack's `tier_scope`)
/// when its own clause holds one.
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
    fn a_tier_word_with_no_figure_does_not_reach_the_next_clause() {
        assert_eq!(tiers("力争实现更好结果，地区生产总值增长5%左右。"), [None]);
    }

    #[test]
    fn a_tier_word_governs_the_figures_of_its_goal() {
        assert_eq!(
            tiers("力争接待游客500万人次，实现旅游总收入25亿元。"),
            [Some(Tier::Strive), Some(Tier::Strive)]
        );
        assert_eq!(
            tiers("确保城镇登记失业率控制在4.5%以下，城镇新增就业3000人，力争5000人。"),
            [Some(Tier::Ensure), Some(Tier::Ensure), Some(Tier::Strive)]
        );
    }
}
