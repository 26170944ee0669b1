//! Which name a figure is about.
//!
//! - the last name (or list of names, A、B、C) before it in the same clause,
//!   when what stands between is only link words (同比, 总量 …), verbs,
//!   qualifiers and notes in parentheses — at most `max_gap` other characters;
//! - otherwise, in a later clause of the same sentence, the name the
//!   previous figure was about, when the clause opens with at most
//!   `max_inherit` other characters (",同比增长3%");
//! - a clause that opens with some other subject (",生猪出栏14459头") ends the
//!   name's reach.

use super::index::{Sentence, hits_in};
use crate::link::words::AliasHit;
use crate::parse::TokenKind;
use crate::rules::RulePack;

/// Names joined into a list (A、B和C): where its names start and end, and
/// its items in order. An item may name nothing the pack knows (人均花费 in
/// 游客人次、旅游收入、人均花费分别增长…): it still takes its place when the
/// figures are handed out.
pub(super) struct NameList {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) items: Vec<Option<Named>>,
}

/// A name of a list: where it was read, and which rule it is.
#[derive(Debug, Clone, Copy)]
pub(super) struct Named {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) target: usize,
}

impl From<AliasHit> for Named {
    fn from(h: AliasHit) -> Named {
        Named {
            start: h.start,
            end: h.end,
            target: h.target,
        }
    }
}

/// A group of figures (joined by 、) and the list of names it is about.
pub(super) struct Linked {
    pub(super) list: usize,
    /// Indices into the sentence's tokens.
    pub(super) group: Vec<usize>,
    /// Where the first figure's clause starts.
    pub(super) clause: usize,
    /// 分别 over the names of an earlier clause, one list each (A 17亿人次、
    /// B 1.27万亿元，分别增长32.9%、41.6%): the list of each figure, in order.
    pub(super) each_list: Option<Vec<usize>>,
}

/// The lists of names of the sentence. The sentence is cut into
/// segments at its tokens (verbs, figures, time words, punctuation), each
/// segment into items at its joiners (、和及与) outside names; the items
/// of a segment that holds a name form a list. An item that holds no name
/// but shares its head with the next one's (城镇 in 城镇、农村常住居民人均
/// 可支配收入) is read with that head (城镇常住居民人均可支配收入).
pub(super) fn name_lists(sn: &Sentence<'_>, pack: &RulePack) -> Vec<NameList> {
    let aliases: &[AliasHit] = sn.aliases;
    let alias_at = |pos: usize| {
        let i = aliases.partition_point(|a| a.start <= pos);
        aliases[..i].last().filter(|a| a.end > pos)
    };
    let inside_alias = |pos: usize| alias_at(pos).is_some();
    // Segment bounds: every token but 、 and those inside a name; a
    // token that begins inside a name (增长 of 经济增长6%) from its end.
    let mut stops: Vec<(usize, usize)> = sn
        .tokens
        .iter()
        .filter(|t| t.kind != TokenKind::ListSep && !sn.inside_name(t))
        .map(|t| (alias_at(t.start).map_or(t.start, |a| a.end), t.end))
        .collect();
    stops.push((sn.range.1, sn.range.1));
    let mut lists = Vec::new();
    let mut from = sn.range.0;
    for (s, e) in stops {
        if from < s {
            segment_lists(sn, pack, from, s, &inside_alias, &mut lists);
        }
        from = from.max(e);
    }
    lists
}

/// The lists of names in the segment `[from, to)`.
fn segment_lists(
    sn: &Sentence<'_>,
    pack: &RulePack,
    from: usize,
    to: usize,
    inside_alias: &dyn Fn(usize) -> bool,
    out: &mut Vec<NameList>,
) {
    let hits = hits_in(sn.aliases, |a| a.start, from, to);
    if hits.is_empty() {
        if let Some((start, end)) = other_item(sn, pack, from, to) {
            out.push(NameList {
                start,
                end,
                items: vec![None],
            });
        }
        return;
    }
    // Items: cut at joiners outside names.
    let text = &sn.line[from..to];
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut start = from;
    let mut i = 0;
    while i < text.len() {
        let at = from + i;
        match pack
            .lexicon
            .joiner_at(&text[i..])
            .filter(|_| !inside_alias(at))
        {
            Some(n) => {
                items.push((start, at));
                start = at + n;
                i += n;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    items.push((start, to));
    // A joiner at a segment's edge (、 after a figure) leaves no item.
    items.retain(|&(s, e)| !sn.line[s..e].trim().is_empty());
    // An item naming nothing closes the list only before 分别 / 均
    // (城镇居民人均可支配收入、农民人均纯收入分别增长12%): elsewhere the
    // text after the last name is just text.
    let spread_after = sn
        .tokens
        .iter()
        .find(|t| t.start >= to)
        .is_some_and(|t| matches!(t.kind, TokenKind::Distributor(_)) && t.start == to)
        || figures_paired_after(sn, pack, to)
        || figure_right_after(sn, pack, to);
    let mut list: Option<NameList> = None;
    let flush = |list: &mut Option<NameList>, out: &mut Vec<NameList>| {
        if let Some(l) = list.take().filter(|l| l.items.iter().any(Option::is_some)) {
            out.push(l);
        }
    };
    for (k, &(s, e)) in items.iter().enumerate() {
        let inside: Vec<&AliasHit> = hits.iter().filter(|h| h.start >= s && h.end <= e).collect();
        // Two names in one item are not a list: the earlier stand alone.
        if inside.len() > 1 {
            flush(&mut list, out);
            for h in &inside[..inside.len() - 1] {
                out.push(NameList {
                    start: h.start,
                    end: h.end,
                    items: vec![Some(Named::from(**h))],
                });
            }
        }
        let item = inside.last().map(|h| Named::from(**h)).or_else(|| {
            // A head shared with a later item.
            let (hs, he) = items[k + 1..]
                .iter()
                .find(|&&(hs, he)| hits.iter().any(|h| h.start >= hs && h.end <= he))
                .copied()?;
            let head = hits.iter().find(|h| h.start >= hs && h.end <= he)?;
            let modifier = sn.line[s..e].trim();
            // No alias is longer than a rule word may be: longer
            // candidates are not built (a line of garbage stays linear).
            let longest = crate::rules::MAX_WORD_CHARS * 4;
            let from = (hs + 1).max(head.end.saturating_sub(longest));
            (from..head.end)
                .filter(|&p| sn.line.is_char_boundary(p))
                .filter(|&p| modifier.len() + head.end - p <= longest)
                .find_map(|p| {
                    pack.lexicon
                        .alias_exact(&format!("{modifier}{}", &sn.line[p..head.end]))
                })
                .map(|target| Named {
                    start: s,
                    end: e,
                    target,
                })
        });
        let l = list.get_or_insert_with(|| NameList {
            start: usize::MAX,
            end: 0,
            items: Vec::new(),
        });
        match item {
            Some(n) => {
                l.start = l.start.min(n.start);
                l.end = l.end.max(n.end);
            }
            None if spread_after && l.end > 0 && k + 1 == items.len() => l.end = e,
            None => {}
        }
        l.items.push(item);
    }
    if let Some(l) = list.as_mut().filter(|_| !spread_after) {
        while l.items.last().is_some_and(Option::is_none) {
            l.items.pop();
        }
    }
    flush(&mut list, out);
}

/// Whether the first two figures after `to`, in its clause, are joined by
/// a word (…纯收入实际增长8.4%和11.4%): a list before them is handed its
/// figures in order, its items naming nothing included, as with 分别.
fn figures_paired_after(sn: &Sentence<'_>, pack: &RulePack, to: usize) -> bool {
    let clause = sn.clause_index(to);
    let mut figures = sn
        .tokens
        .iter()
        .filter(|t| t.start >= to && matches!(t.kind, TokenKind::Figure(_)));
    let (Some(a), Some(b)) = (figures.next(), figures.next()) else {
        return false;
    };
    let between = &sn.line[a.end..b.start];
    sn.clause_index(b.start) == clause
        && !between.trim().is_empty()
        && pack.lexicon.only_joiners(between)
}

/// Whether a rate of `to`'s clause follows it with at most verbs, tier
/// words and two characters of other text between (A和B年均实际增长超过7%):
/// the rate is about every item of the list before, named or not. An
/// amount after a list is its total (利用外资和对外直接投资38亿美元), no
/// item's.
fn figure_right_after(sn: &Sentence<'_>, pack: &RulePack, to: usize) -> bool {
    let clause = sn.clause_index(to);
    sn.tokens
        .iter()
        .filter(|t| t.start >= to && !sn.inside_name(t))
        .find(|t| !matches!(t.kind, TokenKind::Verb(_) | TokenKind::Tier(_)))
        .is_some_and(|t| {
            matches!(&t.kind, TokenKind::Figure(f)
                if matches!(pack.units.class(&f.unit), Some("percent" | "points")))
                && sn.clause_index(t.start) == clause
                && sn.residual(to, t.start) <= 2
        })
}

/// An item that names nothing the pack knows but has a figure of its own,
/// beside a named one: after a figure and a joiner (城镇新增就业4005人、
/// 农村劳动力转移就业2503人) or opening a clause (…达21560元，农村居民人均
/// 纯收入达9173元). Its figures are its own, and it takes its place when 分别
/// hands figures back over the items (…，同比分别增长12.1%、17.2%).
fn other_item(
    sn: &Sentence<'_>,
    pack: &RulePack,
    from: usize,
    to: usize,
) -> Option<(usize, usize)> {
    let after_figure = sn
        .tokens
        .iter()
        .any(|t| t.end == from && matches!(t.kind, TokenKind::Figure(_)));
    let start = if after_figure {
        from + pack.lexicon.joiner_at(&sn.line[from..to])?
    } else if sn.clause_start(from) == from && from > sn.range.0 {
        from
    } else {
        return None;
    };
    // Its figure comes next, after verbs or a tier word at most.
    let figure_next = sn
        .tokens_in(to, sn.range.1)
        .iter()
        .filter(|t| !sn.inside_name(t))
        .find(|t| !matches!(t.kind, TokenKind::Verb(_) | TokenKind::Tier(_)))
        .is_some_and(|t| matches!(t.kind, TokenKind::Figure(_)));
    // A word or two is no subject (同比, 其中): the name before still
    // reaches past it; a long run of text is no item.
    let words = sn.residual(start, to);
    (figure_next && words > pack.lexicon.limits.max_inherit && words <= MAX_ITEM_CHARS)
        .then_some((start, to))
}

/// The longest item read as one, in content characters.
const MAX_ITEM_CHARS: usize = 16;

/// Figures in groups: figures joined by 、 or a joiner (with a tier or a
/// verb between: 确保增长6.7%、力争7.2%以上; 分别达到7亿元和3.7亿元) form
/// one group. Indices are into the sentence's tokens.
pub(super) fn figure_groups(sn: &Sentence<'_>, pack: &RulePack) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // After a 、 that follows a figure: where the next figure may join.
    let mut join_from: Option<usize> = None;
    for (i, t) in sn.tokens.iter().enumerate() {
        if sn.inside_name(t) {
            continue;
        }
        match &t.kind {
            // A damaged figure still closes a name's reach like a figure.
            TokenKind::Figure(_) | TokenKind::Damaged => {
                // Joined by a joiner word: 7亿元和3.7亿元.
                let after_word = groups.last().and_then(|g| {
                    let end = sn.tokens[*g.last()?].end;
                    (end < t.start && pack.lexicon.only_joiners(&sn.line[end..t.start]))
                        .then_some(end)
                });
                let joins = join_from.or(after_word).is_some_and(|from| {
                    (after_word.is_some() || sn.residual(from, t.start) == 0)
                        && !sn.names_between(from, t.start)
                });
                match groups.last_mut() {
                    Some(g) if joins => g.push(i),
                    _ => groups.push(vec![i]),
                }
                join_from = None;
            }
            TokenKind::ListSep => {
                join_from = groups
                    .last()
                    .filter(|g| sn.tokens[*g.last().unwrap()].end == t.start)
                    .map(|_| t.end);
            }
            TokenKind::Tier(_) | TokenKind::Verb(_) => {}
            _ => join_from = None,
        }
    }
    groups
}

/// Whether a clause that starts after `from` and before `to` opens with
/// some other subject (…总额5.4万亿元;进出口贸易总额1.15万亿美元,增长35.7%:
/// the last figure is not about the first name, though nothing but a
/// bare number stands in the clause between).
fn other_subject_between(sn: &Sentence<'_>, pack: &RulePack, from: usize, to: usize) -> bool {
    let first = sn.clauses.partition_point(|&c| c <= from);
    let last = sn.clauses.partition_point(|&c| c < to);
    (first..last).any(|k| {
        let start = sn.clauses[k];
        let end = sn.clauses.get(k + 1).copied().unwrap_or(sn.range.1);
        let opening = sn.tokens_in(start, end).first().map_or(end, |t| t.start);
        sn.residual(start, opening) > pack.lexicon.limits.max_inherit
    })
}

/// A group handed out by 分别 in a clause of its own, with more figures
/// than the list it inherits has names, goes back over the lists of the
/// clauses before, one figure each: the last lists, as many as figures.
fn handed_back(
    sn: &Sentence<'_>,
    pack: &RulePack,
    lists: &[NameList],
    li: usize,
    group: &[usize],
    clause: usize,
) -> Option<Vec<usize>> {
    let first = &sn.tokens[group[0]];
    let in_order = sn.tokens_in(clause, first.start).iter().any(|t| {
        matches!(&t.kind, TokenKind::Distributor(w)
            if pack.grammar.distribution(w) == Some(crate::parse::words::Distribution::InOrder))
    });
    let places: usize = lists[li]
        .items
        .iter()
        .map(|i| i.map_or(1, |n| pack.lexicon.targets[n.target].indicators.len()))
        .sum();
    if !in_order || lists[li].start >= clause || group.len() <= places {
        return None;
    }
    let start = (li + 1).checked_sub(group.len())?;
    Some((start..=li).collect())
}

/// Each figure group that a list of names reaches, with that list.
pub(super) fn link(sn: &Sentence<'_>, pack: &RulePack, lists: &[NameList]) -> Vec<Linked> {
    let mut out = Vec::new();
    // Where the last figure group with no name of its own ended: a name
    // before it does not reach past it.
    let mut blocked_until = sn.range.0;
    // Where the previous figure group ended.
    let mut prev_end = sn.range.0;
    for group in figure_groups(sn, pack) {
        let first = &sn.tokens[group[0]];
        let clause = sn.clause_start(first.start);
        // A name may end inside the figure's phrase (经济增长6.5%: the
        // verb 增长 is part of the name); it must end before the amount.
        let amount = match &first.kind {
            TokenKind::Figure(f) => first.start + f.amount_start,
            _ => first.start,
        };
        let Some(li) = lists.partition_point(|l| l.end <= amount).checked_sub(1) else {
            blocked_until = first.end;
            continue;
        };
        let list = &lists[li];
        let reaches = list.end > blocked_until
            && if list.start >= clause && prev_end > list.end {
                // A later group of the name's clause: like a new clause, it
                // must not start with another subject (…40家、市场主体3500个).
                sn.residual(prev_end, first.start) <= pack.lexicon.limits.max_inherit
            } else if list.start >= clause {
                sn.residual(list.end, first.start) <= pack.lexicon.limits.max_gap
            } else {
                sn.residual(clause, first.start) <= pack.lexicon.limits.max_inherit
                    && !other_subject_between(sn, pack, list.end, clause)
            };
        let end = sn.tokens[*group.last().expect("groups are not empty")].end;
        prev_end = end;
        if !reaches {
            blocked_until = first.end;
            continue;
        }
        if group
            .iter()
            .all(|&i| sn.tokens[i].kind == TokenKind::Damaged)
        {
            continue;
        }
        let each_list = handed_back(sn, pack, lists, li, &group, clause);
        out.push(Linked {
            list: li,
            group,
            clause,
            each_list,
        });
    }
    out
}

/// GUIDELINES: a sentence can hold several records; a list handed out in
/// order (城乡居民人均可支配收入同比分别增3%、7%左右) is two records, urban
/// and rural; a list that shares one figure (…均增长5%以上) gives one
/// record per listed indicator.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::{PACK, Read};

    /// For each figure group linked to a list: the rules of the list's
    /// names, and how many figures.
    fn linked(text: &str) -> Vec<(Vec<String>, usize)> {
        let read = Read::new(text);
        let s = read.sentence();
        let lists = name_lists(&s, &PACK);
        link(&s, &PACK, &lists)
            .iter()
            .map(|l| {
                let rules = lists[l.list]
                    .items
                    .iter()
                    .map(|n| n.map_or("-".into(), |n| PACK.lexicon.targets[n.target].rule.clone()))
                    .collect();
                (rules, l.group.len())
            })
            .collect()
    }

    /// GUIDELINES: figures handed out in order go to their own items; an
    /// item the pack does not know keeps its place (and gives no record).
    #[test]
    fn an_unknown_last_item_keeps_its_place_before_its_rates() {
        let urban = || "disposable_income_urban".to_string();
        // Rates joined by a word: in order.
        assert_eq!(
            linked("城镇居民人均可支配收入和农民人均纯收入实际增长8.4%和11.4%。"),
            [(vec![urban(), "-".to_string()], 2)]
        );
        // One rate right after: every item's.
        assert_eq!(
            linked("城镇居民人均可支配收入和农民人均纯收入年均实际增长超过7%。"),
            [(vec![urban(), "-".to_string()], 1)]
        );
        // An amount after the list is its total: no item's.
        assert!(linked("利用外资和对外直接投资38亿美元。").is_empty());
    }

    #[test]
    fn each_name_its_figure() {
        assert_eq!(
            linked("地区生产总值增长5.2%，规模以上工业增加值增长6%。"),
            [
                (vec!["gdp".to_string()], 1),
                (vec!["industrial_va".to_string()], 1)
            ]
        );
    }

    #[test]
    fn a_list_of_names_and_its_figures() {
        // A list name of two indicators (each: urban, rural), two figures.
        assert_eq!(
            linked("城镇、农村居民人均可支配收入分别增长5%、7%。"),
            [(vec!["disposable_income.urban-rural".to_string()], 2)]
        );
        let got = linked("规模以上工业增加值、社会消费品零售总额均增长5%以上。");
        assert_eq!(
            got,
            [(
                vec!["industrial_va".to_string(), "retail_sales".to_string()],
                1
            )]
        );
    }

    #[test]
    fn a_figure_whose_clause_opens_with_another_subject_is_its() {
        // 生猪出栏 opens its clause: the figure is its, not GDP's.
        assert_eq!(
            linked("地区生产总值增长5%，生猪出栏14459头。"),
            [(vec!["gdp".to_string()], 1), (vec!["-".to_string()], 1)]
        );
    }

    #[test]
    fn an_item_naming_nothing_keeps_its_place_for_fenbie() {
        // 农民人均纯收入 is no name of the pack, but 分别 hands it the second
        // figure: the first goes back to the urban income.
        let read =
            Read::new("城镇居民人均可支配收入12312元、农民人均纯收入4331元，分别增长12.7%和9%。");
        let s = read.sentence();
        let lists = name_lists(&s, &PACK);
        let links = link(&s, &PACK, &lists);
        let handed = links
            .last()
            .and_then(|l| l.each_list.clone())
            .expect("handed back");
        let items: Vec<bool> = handed
            .iter()
            .map(|&l| lists[l].items[0].is_some())
            .collect();
        assert_eq!(items, [true, false]);
        // A word or two after a figure is no item: the name reaches past 同比
        // (one group of two figures).
        assert_eq!(
            linked("地区生产总值1000亿元、同比增长5%。"),
            [(vec!["gdp".to_string()], 2)]
        );
    }
}
