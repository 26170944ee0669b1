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

use super::sentence::{Sentence, hits_in};
use crate::link::words::AliasHit;
use crate::parse::{Token, TokenKind};
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

impl Sentence<'_> {
    /// The lists of names of the sentence. The sentence is cut into
    /// segments at its tokens (verbs, figures, time words, punctuation), each
    /// segment into items at its joiners (、和及与) outside names; the items
    /// of a segment that holds a name form a list. An item that holds no name
    /// but shares its head with the next one's (城镇 in 城镇、农村常住居民人均
    /// 可支配收入) is read with that head (城镇常住居民人均可支配收入).
    pub(super) fn name_lists(&self, pack: &RulePack) -> Vec<NameList> {
        let aliases: &[AliasHit] = self.aliases;
        let alias_at = |pos: usize| {
            let i = aliases.partition_point(|a| a.start <= pos);
            aliases[..i].last().filter(|a| a.end > pos)
        };
        let inside_alias = |pos: usize| alias_at(pos).is_some();
        // Segment bounds: every token but 、 and those inside a name; a
        // token that begins inside a name (增长 of 经济增长6%) from its end.
        let mut stops: Vec<(usize, usize)> = self
            .tokens
            .iter()
            .filter(|t| t.kind != TokenKind::ListSep && !self.inside_name(t))
            .map(|t| (alias_at(t.start).map_or(t.start, |a| a.end), t.end))
            .collect();
        stops.push((self.range.1, self.range.1));
        let mut lists = Vec::new();
        let mut from = self.range.0;
        for (s, e) in stops {
            if from < s {
                self.segment_lists(pack, from, s, &inside_alias, &mut lists);
            }
            from = from.max(e);
        }
        lists
    }

    /// The lists of names in the segment `[from, to)`.
    fn segment_lists(
        &self,
        pack: &RulePack,
        from: usize,
        to: usize,
        inside_alias: &dyn Fn(usize) -> bool,
        out: &mut Vec<NameList>,
    ) {
        let hits = hits_in(self.aliases, |a| a.start, from, to);
        if hits.is_empty() {
            return;
        }
        // Items: cut at joiners outside names.
        let text = &self.line[from..to];
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
        items.retain(|&(s, e)| !self.line[s..e].trim().is_empty());
        // An item naming nothing closes the list only before 分别 / 均
        // (城镇居民人均可支配收入、农民人均纯收入分别增长12%): elsewhere the
        // text after the last name is just text.
        let spread_after = self
            .tokens
            .iter()
            .find(|t| t.start >= to)
            .is_some_and(|t| matches!(t.kind, TokenKind::Distributor(_)) && t.start == to);
        let mut list: Option<NameList> = None;
        let flush = |list: &mut Option<NameList>, out: &mut Vec<NameList>| {
            if let Some(l) = list.take().filter(|l| l.items.iter().any(Option::is_some)) {
                out.push(l);
            }
        };
        for (k, &(s, e)) in items.iter().enumerate() {
            let inside: Vec<&AliasHit> =
                hits.iter().filter(|h| h.start >= s && h.end <= e).collect();
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
                let modifier = self.line[s..e].trim();
                // No alias is longer than a rule word may be: longer
                // candidates are not built (a line of garbage stays linear).
                let longest = crate::rules::MAX_WORD_CHARS * 4;
                let from = (hs + 1).max(head.end.saturating_sub(longest));
                (from..head.end)
                    .filter(|&p| self.line.is_char_boundary(p))
                    .filter(|&p| modifier.len() + head.end - p <= longest)
                    .find_map(|p| {
                        pack.lexicon
                            .alias_exact(&format!("{modifier}{}", &self.line[p..head.end]))
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

    /// Whether some indicator name lies inside `[from, to)`.
    fn names_between(&self, from: usize, to: usize) -> bool {
        hits_in(self.aliases, |a| a.start, from, to)
            .iter()
            .any(|a| a.end <= to)
    }

    /// Whether `t` lies inside an indicator name (增加 in 增加值).
    fn inside_name(&self, t: &Token) -> bool {
        let i = self.aliases.partition_point(|a| a.start <= t.start);
        i > 0 && self.aliases[i - 1].end >= t.end
    }

    /// Figures in groups: figures joined by 、 or a joiner (with a tier or a
    /// verb between: 确保增长6.7%、力争7.2%以上; 分别达到7亿元和3.7亿元) form
    /// one group. Indices are into the sentence's tokens.
    pub(super) fn figure_groups(&self, pack: &RulePack) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        // After a 、 that follows a figure: where the next figure may join.
        let mut join_from: Option<usize> = None;
        for (i, t) in self.tokens.iter().enumerate() {
            if self.inside_name(t) {
                continue;
            }
            match &t.kind {
                // A damaged figure still closes a name's reach like a figure.
                TokenKind::Figure(_) | TokenKind::Damaged => {
                    // Joined by a joiner word: 7亿元和3.7亿元.
                    let after_word = groups.last().and_then(|g| {
                        let end = self.tokens[*g.last()?].end;
                        (end < t.start && pack.lexicon.only_joiners(&self.line[end..t.start]))
                            .then_some(end)
                    });
                    let joins = join_from.or(after_word).is_some_and(|from| {
                        (after_word.is_some() || self.residual(from, t.start) == 0)
                            && !self.names_between(from, t.start)
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
                        .filter(|g| self.tokens[*g.last().unwrap()].end == t.start)
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
    fn other_subject_between(&self, pack: &RulePack, from: usize, to: usize) -> bool {
        let first = self.clauses.partition_point(|&c| c <= from);
        let last = self.clauses.partition_point(|&c| c < to);
        (first..last).any(|k| {
            let start = self.clauses[k];
            let end = self.clauses.get(k + 1).copied().unwrap_or(self.range.1);
            let opening = self.tokens_in(start, end).first().map_or(end, |t| t.start);
            self.residual(start, opening) > pack.lexicon.limits.max_inherit
        })
    }

    /// A group handed out by 分别 in a clause of its own, with more figures
    /// than the list it inherits has names, goes back over the lists of the
    /// clauses before, one figure each: the last lists, as many as figures.
    fn handed_back(
        &self,
        pack: &RulePack,
        lists: &[NameList],
        li: usize,
        group: &[usize],
        clause: usize,
    ) -> Option<Vec<usize>> {
        let first = &self.tokens[group[0]];
        let in_order = self.tokens_in(clause, first.start).iter().any(|t| {
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
    pub(super) fn link(&self, pack: &RulePack, lists: &[NameList]) -> Vec<Linked> {
        let mut out = Vec::new();
        // Where the last figure group with no name of its own ended: a name
        // before it does not reach past it.
        let mut blocked_until = self.range.0;
        // Where the previous figure group ended.
        let mut prev_end = self.range.0;
        for group in self.figure_groups(pack) {
            let first = &self.tokens[group[0]];
            let clause = self.clause_start(first.start);
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
                    self.residual(prev_end, first.start) <= pack.lexicon.limits.max_inherit
                } else if list.start >= clause {
                    self.residual(list.end, first.start) <= pack.lexicon.limits.max_gap
                } else {
                    self.residual(clause, first.start) <= pack.lexicon.limits.max_inherit
                        && !self.other_subject_between(pack, list.end, clause)
                };
            let end = self.tokens[*group.last().expect("groups are not empty")].end;
            prev_end = end;
            if !reaches {
                blocked_until = first.end;
                continue;
            }
            if group
                .iter()
                .all(|&i| self.tokens[i].kind == TokenKind::Damaged)
            {
                continue;
            }
            let each_list = self.handed_back(pack, lists, li, &group, clause);
            out.push(Linked {
                list: li,
                group,
                clause,
                each_list,
            });
        }
        out
    }
}
