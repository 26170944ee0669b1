//! Figures that are not about the indicator they stand next to: a gap
//! against a target or an average, a count of some other noun, and the
//! rule pack's exclusions (a part of the region, a share of the named
//! total, a contribution to it …).

use super::index::{Sentence, hits_in};
use crate::link::words::{AliasHit, CueHit, Place, Role};
use crate::normalise::is_cjk;
use crate::parse::{Token, TokenKind};
use crate::region::Region;
use crate::rules::RulePack;

/// A gap against a target or an average (超过年初预期目标0.2个百分点,
/// 较一季度提高5个百分点) or a share of a total (占全州…的75.2%): a
/// comparison word followed by a reference, in the figure's clause
/// before it.
pub(super) fn is_gap(s: &Sentence<'_>, pack: &RulePack, from: usize, to: usize) -> bool {
    let mut compared = false;
    for c in s
        .cues_in(from, to)
        .iter()
        .filter(|c| c.end <= to && s.depth_at(c.start) == 0)
    {
        let roles = pack.lexicon.roles(c);
        if compared && roles.contains(&Role::Reference) {
            return true;
        }
        compared |= roles.contains(&Role::Comparison);
    }
    false
}

/// The exclusion whose word, between a name and its figure, makes the
/// figure about something the name measures (与GDP的比率, 占比, 折合)
/// rather than the name's `indicator`.
pub(super) fn excluded_between(
    s: &Sentence<'_>,
    pack: &RulePack,
    from: usize,
    to: usize,
    indicator: &str,
) -> Option<usize> {
    // A word inside another name of a list (服务业增加值占比) is that
    // name's.
    let inside_name = |c: &CueHit| {
        hits_in(s.aliases, |a| a.start, from, c.end)
            .iter()
            .any(|a| a.start <= c.start && c.end <= a.end)
    };
    s.cues_in(from, to).iter().find_map(|c| {
        (c.end <= to && s.depth_at(c.start) == 0 && !inside_name(c))
            .then(|| pack.lexicon.excluding(c, Place::Between, indicator))
            .flatten()
    })
}

/// "73%的常住人口": a figure followed by an attributive particle (的)
/// describes the noun after it, unless the noun is a goal (增长7%的目标)
/// or the level the figure is (稳定在5%左右的较低水平).
/// A count followed directly by a noun counts that noun ("100个以上村");
/// what may follow a count is punctuation, a token (a verb, a tier …) or
/// a vocabulary word (同比 …).
pub(super) fn modifies_noun(s: &Sentence<'_>, pack: &RulePack, end: usize, count: bool) -> bool {
    let rest = &s.line[end..];
    let (after, noun_first) = match pack.lexicon.attributive_at(rest) {
        Some(len) => (end + len, true),
        None => (end, false),
    };
    if !s.line[after..].chars().next().is_some_and(is_cjk) {
        return false;
    }
    let goal = s.cues_in(after, after + 1).iter().any(|c| {
        pack.lexicon
            .roles(c)
            .iter()
            .any(|r| matches!(r, Role::Kind { .. }))
    });
    if noun_first {
        return !goal && !pack.lexicon.level_noun_at(&s.line[after..]);
    }
    if !count {
        return false;
    }
    let word = !s.cues_in(after, after + 1).is_empty()
        || s.tokens_in(after, after + 1)
            .first()
            .is_some_and(|t| t.start == after);
    !word
}

/// A name with an exclusion word earlier in its clause is about what the
/// word names (经开区力争形成固定资产投资…, 对东盟进出口, 拉动GDP增长), not
/// the region's indicator; so is one after the name of a place below the
/// report's `region` (庆阳、酒泉经济总量 in a provincial report). The names
/// kept, and those left out with the exclusion that did it.
pub(super) fn without_excluded(
    pack: &RulePack,
    region: Option<&Region>,
    line: &str,
    tokens: &[Token],
    aliases: &[AliasHit],
    cues: &[CueHit],
) -> (Vec<AliasHit>, Vec<(AliasHit, usize)>) {
    let bounds: Vec<usize> = tokens
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::ClauseSep | TokenKind::Terminator))
        .map(|t| t.end)
        .collect();
    let mut removed = Vec::new();
    let kept = aliases
        .iter()
        .copied()
        .filter(|a| {
            let clause = bounds
                .partition_point(|&b| b <= a.start)
                .checked_sub(1)
                .map_or(0, |i| bounds[i]);
            let indicators = &pack.lexicon.targets[a.target].indicators;
            let excluded = hits_in(cues, |c| c.start, clause, a.start)
                .iter()
                .filter(|c| c.end <= a.start)
                .find_map(|c| {
                    indicators
                        .iter()
                        .find_map(|i| pack.lexicon.excluding(c, Place::Before, i))
                })
                .or_else(|| {
                    let region = region?;
                    let ex = indicators
                        .iter()
                        .find_map(|i| pack.lexicon.sub_region_exclusion(i))?;
                    pack.gazetteer
                        .names_below(&line[clause..a.start], region)
                        .then_some(ex)
                });
            if let Some(ex) = excluded {
                removed.push((*a, ex));
            }
            excluded.is_none()
        })
        .collect();
    (kept, removed)
}

/// GUIDELINES: a gap against a target or an average is not a record
/// (超过年初预期目标0.2个百分点, 高于全市平均0.8个百分点); figures for a
/// sub-region, a park or a sector are not the region's (开发区…); a
/// figure that describes another noun (73%的常住人口) is not its name's.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::{PACK, Read};

    #[test]
    fn a_gap_against_a_target_or_an_average() {
        for text in [
            "地区生产总值增速高于全市平均0.8个百分点。",
            "地区生产总值增速超过年初预期目标0.2个百分点。",
        ] {
            let read = Read::new(text);
            let s = read.sentence();
            let (t, _) = read.figures()[0];
            assert!(is_gap(&s, &PACK, 0, t.start), "{text}");
        }
        let read = Read::new("地区生产总值增长5.2%。");
        let (t, _) = read.figures()[0];
        assert!(!is_gap(&read.sentence(), &PACK, 0, t.start));
    }

    #[test]
    fn a_part_of_the_region_before_the_name() {
        let sorted = |text: &str| {
            let read = Read::new(text);
            assert!(!read.aliases.is_empty(), "{text}: a name is read");
            without_excluded(
                &PACK,
                None,
                &read.line,
                &read.tokens,
                &read.aliases,
                &read.cues,
            )
        };
        let (kept, removed) = sorted("武汉都市圈经济总量增长6%。");
        assert!(kept.is_empty());
        assert_eq!(PACK.lexicon.exclusion(removed[0].1).name, "part_of_region");
        let (kept, _) = sorted("全县固定资产投资增长10%。");
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn a_share_between_name_and_figure() {
        let read = Read::new("固定资产投资占比达到30%。");
        let s = read.sentence();
        let name = read.aliases[0];
        let (t, _) = read.figures()[0];
        let ex = excluded_between(&s, &PACK, name.end, t.start, "fixed_asset_investment");
        assert_eq!(PACK.lexicon.exclusion(ex.unwrap()).name, "share");
    }

    #[test]
    fn a_figure_that_describes_another_noun() {
        let read = Read::new("城镇化率达到73%的常住人口。");
        let s = read.sentence();
        let (t, _) = read.figures()[0];
        assert!(modifies_noun(&s, &PACK, t.end, false));
        let read = Read::new("地区生产总值增长7%的目标。");
        let (t, _) = read.figures()[0];
        assert!(!modifies_noun(&read.sentence(), &PACK, t.end, false));
    }
}
