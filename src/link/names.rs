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
use crate::parse::{Token, TokenKind};
use crate::rules::{AliasHit, RulePack};

/// Names joined into a list (A、B和C): where it starts and ends, its hits.
pub(super) struct NameList {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) hits: Vec<AliasHit>,
}

/// A group of figures (joined by 、) and the list of names it is about.
pub(super) struct Linked {
    pub(super) list: usize,
    /// Indices into the sentence's tokens.
    pub(super) group: Vec<usize>,
    /// Where the first figure's clause starts.
    pub(super) clause: usize,
}

impl Sentence<'_> {
    /// Alias hits grouped into lists: hits joined by 、 or a joiner word.
    pub(super) fn name_lists(&self, pack: &RulePack) -> Vec<NameList> {
        let mut lists: Vec<NameList> = Vec::new();
        for hit in self.aliases.iter().filter(|h| h.end <= self.range.1) {
            if let Some(last) = lists.last_mut() {
                let between = &self.line[last.end..hit.start];
                let joined = pack.only_joiners(between) && !between.is_empty()
                    || (between.is_empty() && last.end == hit.start);
                if joined {
                    last.end = hit.end;
                    last.hits.push(*hit);
                    continue;
                }
            }
            lists.push(NameList {
                start: hit.start,
                end: hit.end,
                hits: vec![*hit],
            });
        }
        lists
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

    /// Figures in groups: figures joined by 、 (with a tier or a verb
    /// between: 确保增长6.7%、力争7.2%以上) form one group. Indices are into
    /// the sentence's tokens.
    pub(super) fn figure_groups(&self) -> Vec<Vec<usize>> {
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
                    let joins = join_from.is_some_and(|from| {
                        self.residual(from, t.start) == 0 && !self.names_between(from, t.start)
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
            self.residual(start, opening) > pack.limits.max_inherit
        })
    }

    /// Each figure group that a list of names reaches, with that list.
    pub(super) fn link(&self, pack: &RulePack, lists: &[NameList]) -> Vec<Linked> {
        let mut out = Vec::new();
        // Where the last figure group with no name of its own ended: a name
        // before it does not reach past it.
        let mut blocked_until = self.range.0;
        // Where the previous figure group ended.
        let mut prev_end = self.range.0;
        for group in self.figure_groups() {
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
                    self.residual(prev_end, first.start) <= pack.limits.max_inherit
                } else if list.start >= clause {
                    self.residual(list.end, first.start) <= pack.limits.max_gap
                } else {
                    self.residual(clause, first.start) <= pack.limits.max_inherit
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
            out.push(Linked {
                list: li,
                group,
                clause,
            });
        }
        out
    }
}
