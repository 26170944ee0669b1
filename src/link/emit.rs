//! From a group of figures and the names it is about to records: who gets
//! which figure, then each decision in turn, then provenance.

use super::bound::{bound_of, qualifier};
use super::metric::metric_of;
use super::names::{Linked, NameList, Named};
use super::sentence::Sentence;
use super::time::Held;
use super::{At, DocContext, Why};
use crate::model::{Metric, Period};
use crate::parse::words::{Distribution, VerbClass};
use crate::parse::{Figure, Token, TokenKind};
use crate::record::Indicator;
use crate::rules::RulePack;
use crate::text::Span;

/// A sentence over this many characters is quoted as a window around the
/// figure: a record's text stays small whatever the input. (A report's
/// longest sentences run to about 500 characters.)
pub const TEXT_WINDOW: usize = 1000;

/// The characters quoted on each side of a figure in a sentence over
/// [`TEXT_WINDOW`]: enough to read the figure in its clause, and little
/// enough that a page of figures with no full stop (thousands of records,
/// each quoting its sentence) costs memory in proportion to its size.
pub const WINDOW_SIDE: usize = 120;

impl Sentence<'_> {
    pub(super) fn emit(
        &self,
        at: &At<'_>,
        lists: &[NameList],
        linked: &Linked,
        out: &mut Vec<Indicator>,
    ) {
        if let Some(each) = &linked.each_list {
            // Handed back over earlier lists: each figure alone to its list,
            // with the verb of the figures before it.
            let mut verb = None;
            for (k, &i) in linked.group.iter().enumerate() {
                if let TokenKind::Figure(f) = &self.tokens[i].kind {
                    verb = f.verb.clone().or(verb);
                }
                let one = Linked {
                    list: each[k],
                    group: vec![i],
                    clause: linked.clause,
                    each_list: None,
                };
                self.emit_group(at, &lists[each[k]], &one, verb.as_deref(), out);
            }
            return;
        }
        self.emit_group(at, &lists[linked.list], linked, None, out);
    }

    /// Records of one group of figures and the list of names it is about;
    /// `verb` stands in for a figure that has none of its own.
    fn emit_group(
        &self,
        at: &At<'_>,
        list: &NameList,
        linked: &Linked,
        verb: Option<&str>,
        out: &mut Vec<Indicator>,
    ) {
        let At {
            cx,
            state,
            headings,
            line_no,
        } = *at;
        let pack = cx.pack;
        let clause = linked.clause;
        let figures: Vec<(&Token, &Figure)> = linked
            .group
            .iter()
            .filter_map(|&i| match &self.tokens[i].kind {
                TokenKind::Figure(f) => Some((&self.tokens[i], f)),
                _ => None,
            })
            .collect();
        // Who gets which figure. The list's places in order (a list name such
        // as 城乡居民人均可支配收入 takes one place per indicator, an item
        // naming nothing one empty place); 分别 hands the figures out place
        // by place, 均 gives each name every figure.
        let spread = self
            .tokens_in(list.end, figures[0].0.start)
            .iter()
            .find_map(|t| match &t.kind {
                TokenKind::Distributor(w) => pack.grammar.distribution(w),
                _ => None,
            });
        let lone = list.items.len() == 1 && figures.len() == 1 && spread.is_none();
        let places: Vec<Option<(Named, &str)>> = list
            .items
            .iter()
            .flat_map(|item| -> Vec<Option<(Named, &str)>> {
                let Some(n) = item else { return vec![None] };
                let target = &pack.lexicon.targets[n.target];
                match (&target.whole, lone) {
                    // A list name read whole: 城乡居民人均可支配收入增长8%.
                    (Some(whole), true) => vec![Some((*n, whole.as_str()))],
                    _ => target
                        .indicators
                        .iter()
                        .map(|id| Some((*n, id.as_str())))
                        .collect(),
                }
            })
            .collect();
        let names: Vec<&(Named, &str)> = places.iter().flatten().collect();
        let distributed = match spread {
            Some(Distribution::InOrder) => places.len() == figures.len() && figures.len() > 1,
            Some(Distribution::Shared) => false,
            // Two lists of the same length, side by side: names, or any items
            // when the figures are joined by a word (A和B增长13%和13%).
            None => {
                places.len() > 1
                    && places.len() == figures.len()
                    && (names.len() == places.len() || self.joined_by_words(pack, &figures))
            }
        };
        let shared_post = figures.last().and_then(|(_, f)| f.post_qual.clone());
        let verb_before_name = self.change_verb_before(pack, list.start);
        let mut prev_verb: Option<VerbClass> = verb.and_then(|v| pack.grammar.verb(v));
        let mut verb_word: Option<String> = verb.map(str::to_string);
        // 突破2万亿、3万亿: a qualifier before the first figure of a 、 list
        // of bare figures goes for the rest.
        let mut lead_qual: Option<String> = None;
        for (k, (tok, fig)) in figures.iter().enumerate() {
            let lead = (k > 0 && fig.verb.is_none() && self.listed_after(figures[k - 1].0, tok))
                .then(|| lead_qual.clone())
                .flatten();
            lead_qual = fig.pre_qual.clone().or(lead.clone());
            let verb = fig
                .verb
                .as_deref()
                .and_then(|v| pack.grammar.verb(v))
                .or(prev_verb)
                .or(verb_before_name);
            prev_verb = verb;
            verb_word = fig.verb.clone().or(verb_word);
            if self.modifies_noun(pack, tok.end, pack.units.class(&fig.unit) == Some("count")) {
                continue;
            }
            if self.depth_at(tok.start) == 0 && self.is_gap(pack, clause, tok.start) {
                continue;
            }
            let assigned: Vec<&(Named, &str)> = if distributed {
                places[k].iter().collect()
            } else if names.len() > 1 && (figures.len() == 1 || spread.is_some()) {
                names.clone()
            } else {
                names.last().copied().into_iter().collect()
            };
            for (hit, indicator) in assigned {
                if self.excluded_between(pack, hit.end.max(clause), tok.start, indicator) {
                    continue;
                }
                let target = &pack.lexicon.targets[hit.target];
                let class = pack.units.class(&fig.unit);
                if !target.units.is_empty()
                    && !class.is_some_and(|c| target.units.iter().any(|u| u == c))
                {
                    continue;
                }
                let (metric, sign) = metric_of(target, verb, class);
                let shared = (spread.is_some() && distributed)
                    .then_some(shared_post.as_ref())
                    .flatten()
                    .or(lead.as_ref());
                let qual = qualifier(fig, shared);
                let bound = bound_of(pack, qual.as_deref());
                let tier = self.tier_of(pack, tok.start);
                let flow = matches!(metric, Metric::Growth | Metric::Change);
                let time = self.time_of(pack, state, headings, tok.start, flow);
                let (kind, kind_why) = self.kind_of(pack, state, tok.start, time.explicit_year);
                let held = Held {
                    reached: [&verb_word, &fig.pre_qual]
                        .into_iter()
                        .flatten()
                        .any(|w| pack.lexicon.is_reached(w)),
                    maintained: fig
                        .pre_qual
                        .as_deref()
                        .is_some_and(|q| pack.lexicon.is_maintained(q))
                        || pack
                            .lexicon
                            .is_maintained(&self.line[self.clause_start(tok.start)..tok.start]),
                };
                let Some(period) = time.period(metric, kind, held) else {
                    continue;
                };
                let mut year = time.goal_year(kind, &period, &state.time);
                let mut period = period;
                // 从X增至Y: X is where it starts, Y where it ends.
                if self.starts_change(pack, tok) {
                    let back = if period == Period::FiveYears { 5 } else { 1 };
                    if !time.stated_in_clause {
                        year = year.map(|y| y - back);
                    }
                    if period == Period::FiveYears {
                        period = Period::Year;
                    }
                }
                if let Some(why) = cx.why {
                    let how = if list.start >= clause {
                        "its clause"
                    } else {
                        "an earlier clause of the sentence (inherited)"
                    };
                    let share = if distributed {
                        ", handed out in order (分别)"
                    } else if names.len() > 1 {
                        ", shared by the list"
                    } else {
                        ""
                    };
                    why.borrow_mut().push(Why {
                        name: format!(
                            "`{}` ({}) in {how}{share}",
                            &self.line[hit.start..hit.end],
                            target.rule
                        ),
                        metric: format!(
                            "unit `{}` ({}) with verb {}",
                            fig.unit,
                            class.unwrap_or("?"),
                            fig.verb.as_deref().unwrap_or("none")
                        ),
                        kind: kind_why,
                        year: time.why.clone(),
                        bound: qual
                            .as_deref()
                            .map_or("no qualifier".into(), |q| format!("qualifier `{q}`")),
                        tier: tier.map_or("no tier word before it in the sentence".into(), |t| {
                            format!("{t:?} word before it in the sentence")
                        }),
                    });
                }
                let (ls, le) = cx
                    .norm
                    .original_span(self.base + hit.start, self.base + hit.end);
                let (fs, fe) = cx
                    .norm
                    .original_span(self.base + tok.start, self.base + tok.end);
                out.push(Indicator {
                    doc: cx.doc.to_string(),
                    indicator: indicator.to_string(),
                    metric,
                    value: round(sign * fig.value),
                    value_max: fig.value_max.map(|v| round(sign * v)),
                    unit: fig.unit.clone(),
                    value_base: None,
                    unit_base: None,
                    kind,
                    year,
                    period,
                    bound,
                    tier,
                    label: cx.original[ls..le].to_string(),
                    line: cx.lines.line_of(fs).max(line_no),
                    span: Span(fs, fe),
                    section: state.section_path(cx),
                    text: self.quote(cx, (fs, fe)),
                    rule: target.rule.clone(),
                });
            }
        }
    }

    /// Whether `tok` opens a from-to statement: a from word right before it
    /// (time words aside: 从上半年5.5%降到5.3%) and a figure with a verb
    /// after it in its clause.
    fn starts_change(&self, pack: &RulePack, tok: &Token) -> bool {
        let clause = self.clause_start(tok.start);
        let from = self
            .tokens_in(clause, tok.start)
            .iter()
            .rev()
            .take_while(|t| {
                matches!(
                    t.kind,
                    TokenKind::Period(_) | TokenKind::Year(_) | TokenKind::RelYear(_)
                )
            })
            .last()
            .map_or(tok.start, |t| t.start);
        let end = self
            .clauses
            .get(self.clause_index(tok.start) + 1)
            .copied()
            .unwrap_or(self.range.1);
        pack.lexicon.is_from_before(&self.line[clause..from])
            && self
                .tokens_in(tok.end, end)
                .iter()
                .any(|t| matches!(&t.kind, TokenKind::Figure(f) if f.verb.is_some()))
    }

    /// Whether consecutive figures are joined by joiner words (和, 及),
    /// not by 、.
    fn joined_by_words(&self, pack: &RulePack, figures: &[(&Token, &Figure)]) -> bool {
        figures.windows(2).all(|w| {
            let (a, b) = (w[0].0.end, w[1].0.start);
            let between = &self.line[a..b];
            let list_sep = self
                .tokens_in(a, b)
                .iter()
                .any(|t| t.kind == TokenKind::ListSep);
            !list_sep && !between.trim().is_empty() && pack.lexicon.only_joiners(between)
        })
    }

    /// Whether `next` follows `prev` across a bare 、 (2万亿、3万亿).
    fn listed_after(&self, prev: &Token, next: &Token) -> bool {
        matches!(self.tokens_in(prev.end, next.start), [t] if t.kind == TokenKind::ListSep)
            && self.residual(prev.end, next.start) == 0
    }

    /// A change verb before the name, with at most `max_gap` content
    /// characters between (新增市场主体2500户, 新登记各类经营主体), or opening
    /// a 、 list the name is an item of (新增“四上”企业40家、市场主体3500个).
    fn change_verb_before(&self, pack: &RulePack, name: usize) -> Option<VerbClass> {
        let change = |t: &Token| match &t.kind {
            TokenKind::Verb(v) => pack.grammar.verb(v).filter(|c| *c == VerbClass::Change),
            _ => None,
        };
        let before = self.tokens_in(self.clause_start(name), name);
        match before.last() {
            Some(t) if t.kind == TokenKind::ListSep && t.end == name => before
                .iter()
                .rev()
                .skip(1)
                .find_map(|t| match t.kind {
                    TokenKind::Figure(_) | TokenKind::ListSep => None,
                    _ => Some(change(t)),
                })
                .flatten(),
            // 新登记各类经营主体: a few words may stand between.
            Some(t) if self.residual(t.end, name) <= pack.lexicon.limits.max_gap => change(t),
            _ => None,
        }
    }

    /// The sentence's text for a record of the figure at `figure`.
    fn quote(&self, cx: &DocContext<'_>, figure: (usize, usize)) -> String {
        let sentence = cx
            .norm
            .original_span(self.base + self.range.0, self.base + self.range.1);
        quote(cx.original, sentence, figure)
    }
}

/// The text of `sentence` (original offsets) as written, or for a sentence
/// over [`TEXT_WINDOW`] characters, a window of it around `figure`, its cut
/// ends marked with `…`.
pub(super) fn quote(original: &str, sentence: (usize, usize), figure: (usize, usize)) -> String {
    let (ss, se) = sentence;
    let trimmed = original[ss..se].trim();
    if trimmed.len() <= TEXT_WINDOW || trimmed.chars().count() <= TEXT_WINDOW {
        return trimmed.to_string();
    }
    let half = WINDOW_SIDE;
    let before = &original[ss..figure.0.max(ss)];
    let from = before
        .char_indices()
        .rev()
        .nth(half)
        .map_or(ss, |(i, _)| ss + i);
    let after = &original[figure.1.min(se)..se];
    let to = after
        .char_indices()
        .nth(half)
        .map_or(se, |(i, _)| figure.1.min(se) + i);
    let mut q = String::new();
    if from > ss {
        q.push('…');
    }
    q.push_str(original[from..to].trim());
    if to < se {
        q.push('…');
    }
    q
}

/// Values as the text states them: no binary noise from sign flips.
pub(super) fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
