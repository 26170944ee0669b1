//! The qualifier on a figure: exact, approx, at least, at most.

use crate::model::Bound;
use crate::parse::Figure;
use crate::rules::RulePack;

/// The qualifier that decides: after the amount, then inside it, then
/// before it; else `inherited` (the last figure's, when a distributed list
/// shares it: 分别增长3%、7%左右).
pub(super) fn qualifier(f: &Figure, inherited: Option<&String>) -> Option<String> {
    f.post_qual
        .clone()
        .or(f.inner_qual.clone())
        .or(f.pre_qual.clone())
        .or(inherited.cloned())
}

/// What a qualifier word makes of the bound; no word, exact.
pub(super) fn bound_of(pack: &RulePack, qualifier: Option<&str>) -> Bound {
    qualifier
        .and_then(|q| pack.grammar.bound(q))
        .unwrap_or(Bound::Exact)
}

/// GUIDELINES, `bound`: exact (no qualifier; also a range with no
/// qualifier after it), approx (左右, 约, 近), at_least (以上, 不低于,
/// 超过, 突破), at_most (以内, 以下, 不超过); a distributed list shares
/// the last figure's qualifier (分别增长3%、7%左右).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::{PACK, Read};

    fn bound(text: &str) -> Vec<Bound> {
        let read = Read::new(text);
        read.figures()
            .iter()
            .map(|(_, f)| bound_of(&PACK, qualifier(f, None).as_deref()))
            .collect()
    }

    #[test]
    fn qualifiers_after_within_and_before_the_amount() {
        assert_eq!(bound("地区生产总值增长5%左右。"), [Bound::Approx]);
        assert_eq!(bound("城镇新增就业7000余人。"), [Bound::AtLeast]);
        assert_eq!(bound("地区生产总值增长6%以上。"), [Bound::AtLeast]);
        assert_eq!(bound("地区生产总值突破2万亿元。"), [Bound::AtLeast]);
        assert_eq!(bound("城镇登记失业率控制在4.5%以内。"), [Bound::AtMost]);
        assert_eq!(bound("地区生产总值约1.2万亿元。"), [Bound::Approx]);
    }

    #[test]
    fn no_qualifier_and_a_bare_range_are_exact() {
        assert_eq!(bound("地区生产总值增长5.2%。"), [Bound::Exact]);
        assert_eq!(bound("地区生产总值增长4.5-5%。"), [Bound::Exact]);
    }

    #[test]
    fn a_shared_qualifier_goes_to_a_figure_without_one() {
        let read = Read::new("城乡居民人均可支配收入分别增长3%、7%左右。");
        let figures = read.figures();
        let shared = figures[1].1.post_qual.clone();
        assert_eq!(
            bound_of(&PACK, qualifier(figures[0].1, shared.as_ref()).as_deref()),
            Bound::Approx
        );
    }
}
