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
