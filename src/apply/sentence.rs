//! One sentence: which name each figure is about, and what the figure is.

use super::frame::{Frame, State, TimeState};
use super::{DocContext, Range, Why};
use crate::normalise::is_cjk;
use crate::parse::{Figure, Token, TokenKind};
use crate::record::{Bound, Indicator, Kind, Metric, Span};
use crate::rules::{AliasHit, CueHit, CueScope, PercentMeaning, Role, RulePack, VerbClass};

/// A sentence's vocabulary hits by their start (the order they come in).
pub(super) fn hits_in<T>(hits: &[T], start: impl Fn(&T) -> usize, from: usize, to: usize) -> &[T] {
    let a = hits.partition_point(|h| start(h) < from);
    let b = hits.partition_point(|h| start(h) < to);
    &hits[a..b.max(a)]
}

/// One sentence of a parsed line, with its tokens and vocabulary hits.
/// Positions are byte offsets in the line; everything here is sized to the
/// sentence, so a line of any length costs time in proportion to it.
pub(super) struct Sentence<'a> {
    line: &'a str,
    /// Where the line starts in the normalised text.
    base: usize,
    range: Range,
    pub(super) tokens: &'a [Token],
    aliases: &'a [AliasHit],
    pub(super) cues: &'a [CueHit],
    /// Parenthesis depth at each byte.
    depth: Vec<u8>,
    /// Content characters before each byte that nothing accounts for
    /// (tokens, vocabulary, notes in parentheses): gaps in O(1).
    content: Vec<u32>,
    /// Where each clause starts (after a separator outside parentheses).
    clauses: Vec<usize>,
    /// Time as of each clause's start, from clause-opening time words.
    clause_time: Vec<TimeState>,
    /// No token but its end: no figure and no time word, so none of the
    /// tables above (most sentences of a line that names an indicator).
    plain: bool,
}

impl<'a> Sentence<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        pack: &RulePack,
        date_year: Option<i32>,
        line: &'a str,
        base: usize,
        range: Range,
        tokens: &'a [Token],
        aliases: &'a [AliasHit],
        cues: &'a [CueHit],
        paragraph: &TimeState,
    ) -> Sentence<'a> {
        let (s0, len) = (range.0, range.1 - range.0);
        let mut s = Sentence {
            line,
            base,
            range,
            tokens,
            aliases,
            cues,
            depth: Vec::new(),
            content: Vec::new(),
            clauses: vec![s0],
            clause_time: Vec::new(),
            plain: tokens.iter().all(|t| t.kind == TokenKind::Terminator),
        };
        if s.plain {
            s.clause_time.push(paragraph.clone());
            return s;
        }
        let mut covered = vec![false; len];
        let mut mark =
            |a: usize, b: usize| covered[a - s0..b - s0].iter_mut().for_each(|c| *c = true);
        for t in tokens {
            if !matches!(
                t.kind,
                TokenKind::Terminator | TokenKind::ClauseSep | TokenKind::Open | TokenKind::Close
            ) {
                mark(t.start, t.end);
            }
        }
        for c in cues.iter().filter(|c| c.end <= range.1) {
            if pack.roles(c).iter().any(|r| !matches!(r, Role::Frame)) {
                mark(c.start, c.end);
            }
        }
        let mut depth = vec![0u8; len];
        let mut d = 0u8;
        let mut open_at: Option<usize> = None;
        let mut next = s0;
        let mut clauses = vec![s0];
        for t in tokens {
            depth[next - s0..t.start - s0]
                .iter_mut()
                .for_each(|b| *b = d);
            match t.kind {
                TokenKind::Open => {
                    d = d.saturating_add(1);
                    open_at.get_or_insert(t.start);
                }
                TokenKind::Close if d > 0 => {
                    d -= 1;
                    if let Some(s) = open_at.take_if(|_| d == 0) {
                        mark(s, t.end);
                    }
                }
                TokenKind::ClauseSep if d == 0 => clauses.push(t.end),
                _ => {}
            }
            depth[t.start - s0..t.end - s0]
                .iter_mut()
                .for_each(|b| *b = d);
            next = t.end;
        }
        depth[next - s0..].iter_mut().for_each(|b| *b = d);
        let mut content = vec![0u32; len + 1];
        let text = &line[range.0..range.1];
        let mut count = 0;
        let mut last = 0;
        for (i, c) in text.char_indices() {
            content[last..=i].iter_mut().for_each(|b| *b = count);
            if !covered[i]
                && (c.is_ascii_alphanumeric()
                    || is_cjk(c)
                    || (!c.is_ascii() && c.is_alphanumeric()))
            {
                count += 1;
            }
            last = i + 1;
        }
        content[last..].iter_mut().for_each(|b| *b = count);
        s.depth = depth;
        s.content = content;
        s.clauses = clauses;
        // Time as of each clause start: the paragraph's, then the time words
        // that open a clause of this sentence.
        let mut time = paragraph.clone();
        let mut next_clause = 0;
        for t in tokens {
            while next_clause < s.clauses.len() && s.clauses[next_clause] <= t.start {
                s.clause_time.push(time.clone());
                next_clause += 1;
            }
            let c = s.clause_start(t.start);
            if s.opens_clause(c, t.start) && !s.after_comparison(pack, c, t.start) {
                time.take(pack, date_year, t, true);
            }
        }
        while s.clause_time.len() < s.clauses.len() {
            s.clause_time.push(time.clone());
        }
        s
    }

    /// The paragraph's time after this sentence: what its clause-opening time
    /// words set.
    pub(super) fn paragraph_time(
        &self,
        pack: &RulePack,
        date_year: Option<i32>,
        mut time: TimeState,
    ) -> TimeState {
        for t in self.tokens.iter().filter(|_| !self.plain) {
            let c = self.clause_start(t.start);
            if self.opens_clause(c, t.start) && !self.after_comparison(pack, c, t.start) {
                time.take(pack, date_year, t, false);
            }
        }
        time.five_year = false;
        time
    }

    fn tokens_in(&self, from: usize, to: usize) -> &'a [Token] {
        hits_in(self.tokens, |t| t.start, from, to)
    }

    fn cues_in(&self, from: usize, to: usize) -> &'a [CueHit] {
        hits_in(self.cues, |c| c.start, from, to)
    }

    fn depth_at(&self, pos: usize) -> u8 {
        self.depth.get(pos - self.range.0).copied().unwrap_or(0)
    }

    /// Index of the clause holding `pos`.
    fn clause_index(&self, pos: usize) -> usize {
        self.clauses
            .partition_point(|&c| c <= pos)
            .saturating_sub(1)
    }

    fn clause_start(&self, pos: usize) -> usize {
        self.clauses[self.clause_index(pos)]
    }

    /// Content characters in `[a, b)` that nothing accounts for.
    fn residual(&self, a: usize, b: usize) -> usize {
        if a >= b {
            return 0;
        }
        (self.content[b - self.range.0] - self.content[a - self.range.0]) as usize
    }

    /// Whether a clause opens at `pos`: only blanks, punctuation, time
    /// prepositions and other time words before it (",2023年上半年,").
    fn opens_clause(&self, clause: usize, pos: usize) -> bool {
        pos >= clause
            && self.residual(clause, pos) == 0
            && self.tokens_in(clause, pos).iter().all(|t| {
                matches!(
                    t.kind,
                    TokenKind::Year(_)
                        | TokenKind::Date(_)
                        | TokenKind::TimePrep
                        | TokenKind::RelYear(_)
                )
            })
    }

    pub(super) fn extract(
        &self,
        cx: &DocContext<'_>,
        state: &State,
        heading_time: &[(Option<i32>, Option<String>)],
        out: &mut Vec<Indicator>,
    ) {
        if self.plain {
            return;
        }
        let pack = cx.pack;
        let line_no = cx
            .lines
            .line_of(cx.norm.original_offset(self.base + self.range.0));
        let lists = self.alias_lists();
        // Where the last figure group with no name of its own ended: a name
        // before it does not reach past it.
        let mut blocked_until = self.range.0;
        // Where the previous figure group ended.
        let mut prev_end = self.range.0;
        for group in &self.figure_groups() {
            let first = &self.tokens[group[0]];
            let clause = self.clause_start(first.start);
            // A name may end inside the figure's phrase (经济增长6.5%: the
            // verb 增长 is part of the name); it must end before the amount.
            let amount = match &first.kind {
                TokenKind::Figure(f) => first.start + f.amount_start,
                _ => first.start,
            };
            let Some(li) = lists.partition_point(|l| l.1 <= amount).checked_sub(1) else {
                blocked_until = first.end;
                continue;
            };
            let list = &lists[li];
            let reaches = list.1 > blocked_until
                && if list.0 >= clause && prev_end > list.1 {
                    // A later group of the name's clause: like a new clause, it
                    // must not start with another subject (…40家、市场主体3500个).
                    self.residual(prev_end, first.start) <= pack.limits.max_inherit
                } else if list.0 >= clause {
                    self.residual(list.1, first.start) <= pack.limits.max_gap
                } else {
                    self.residual(clause, first.start) <= pack.limits.max_inherit
                        && !self.other_subject_between(pack, list.1, clause)
                };
            let end = self.tokens[*group.last().expect("groups are not empty")].end;
            if !reaches {
                blocked_until = first.end;
                prev_end = end;
                continue;
            }
            prev_end = end;
            if group
                .iter()
                .all(|&i| self.tokens[i].kind == TokenKind::Damaged)
            {
                continue;
            }
            self.emit(cx, state, heading_time, list, group, clause, line_no, out);
        }
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

    /// Alias hits grouped into lists (A、B、C): hits joined by 、 or a
    /// conjunction.
    fn alias_lists(&self) -> Vec<(usize, usize, Vec<AliasHit>)> {
        let mut lists: Vec<(usize, usize, Vec<AliasHit>)> = Vec::new();
        for hit in self.aliases.iter().filter(|h| h.end <= self.range.1) {
            if let Some(last) = lists.last_mut() {
                let between = &self.line[last.1..hit.start];
                let joined = between
                    .chars()
                    .all(|c| matches!(c, '、' | '和' | '及' | '与' | ' '))
                    && !between.is_empty()
                    || (between.is_empty() && last.1 == hit.start);
                if joined {
                    last.1 = hit.end;
                    last.2.push(*hit);
                    continue;
                }
            }
            lists.push((hit.start, hit.end, vec![*hit]));
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
    fn figure_groups(&self) -> Vec<Vec<usize>> {
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

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        cx: &DocContext<'_>,
        state: &State,
        heading_time: &[(Option<i32>, Option<String>)],
        list: &(usize, usize, Vec<AliasHit>),
        group: &[usize],
        clause: usize,
        line_no: usize,
        out: &mut Vec<Indicator>,
    ) {
        let pack = cx.pack;
        let s = self.range;
        let figures: Vec<(&Token, &Figure)> = group
            .iter()
            .filter_map(|&i| match &self.tokens[i].kind {
                TokenKind::Figure(f) => Some((&self.tokens[i], f)),
                _ => None,
            })
            .collect();
        // Who gets which figure: a list of names and a list of figures of the
        // same length pair up in order; one figure goes to every name.
        let names: Vec<(AliasHit, &str)> = list
            .2
            .iter()
            .flat_map(|h| {
                pack.targets[h.target]
                    .indicators
                    .iter()
                    .map(move |id| (*h, id.as_str()))
            })
            .collect();
        let distributed = names.len() > 1 && names.len() == figures.len();
        let spread = self
            .tokens_in(list.1, figures[0].0.start)
            .iter()
            .any(|t| matches!(t.kind, TokenKind::Distributor(_)));
        let shared_post = figures.last().and_then(|(_, f)| f.post_qual.clone());
        // A change verb right before the name (新增市场主体2500户), or opening
        // a 、 list the name is an item of (新增“四上”企业40家、市场主体3500个).
        let change = |t: &Token| match &t.kind {
            TokenKind::Verb(v) => pack.verb(v).filter(|c| *c == VerbClass::Change),
            _ => None,
        };
        let before = self.tokens_in(self.clause_start(list.0), list.0);
        let verb_before_name = match before.last() {
            Some(t) if t.kind == TokenKind::ListSep && t.end == list.0 => before
                .iter()
                .rev()
                .skip(1)
                .find_map(|t| match t.kind {
                    TokenKind::Figure(_) | TokenKind::ListSep => None,
                    _ => Some(change(t)),
                })
                .flatten(),
            Some(t) if t.end == list.0 => change(t),
            _ => None,
        };
        let mut prev_verb: Option<VerbClass> = None;
        for (k, (tok, fig)) in figures.iter().enumerate() {
            let verb = fig
                .verb
                .as_deref()
                .and_then(|v| pack.verb(v))
                .or(prev_verb)
                .or(verb_before_name);
            prev_verb = verb;
            if self.modifies_noun(pack, tok.end, pack.unit_class(&fig.unit) == Some("count"))
                || self.aside(pack, list.1.max(clause), tok.start)
            {
                continue;
            }
            if self.depth_at(tok.start) == 0 && self.is_gap(pack, clause, tok.start) {
                continue;
            }
            let assigned: Vec<&(AliasHit, &str)> = if distributed {
                vec![&names[k]]
            } else if names.len() > 1 && (figures.len() == 1 || spread) {
                names.iter().collect()
            } else {
                names.last().into_iter().collect()
            };
            for (hit, indicator) in assigned {
                let target = &pack.targets[hit.target];
                let class = pack.unit_class(&fig.unit);
                if !target.units.is_empty()
                    && !class.is_some_and(|c| target.units.iter().any(|u| u == c))
                {
                    continue;
                }
                let percentish = matches!(class, Some("percent" | "points"));
                let changes = matches!(
                    verb,
                    Some(VerbClass::Growth | VerbClass::Decline | VerbClass::Change)
                );
                let metric = match (percentish, changes) {
                    (true, true) => Metric::Growth,
                    // 个百分点 with no verb is still a change of a rate.
                    (true, false) if class == Some("points") => Metric::Growth,
                    (true, false) => match target.percent {
                        PercentMeaning::Ratio => Metric::Ratio,
                        PercentMeaning::Growth => Metric::Growth,
                    },
                    (false, true) => Metric::Change,
                    (false, false) => Metric::Level,
                };
                let sign = if verb == Some(VerbClass::Decline) {
                    -1.0
                } else {
                    1.0
                };
                let qual = fig
                    .post_qual
                    .clone()
                    .or(fig.inner_qual.clone())
                    .or(fig.pre_qual.clone())
                    .or(if spread && distributed {
                        shared_post.clone()
                    } else {
                        None
                    });
                let bound = qual
                    .as_deref()
                    .and_then(|q| pack.bound(q))
                    .unwrap_or(Bound::Exact);
                let tier = self
                    .tokens_in(s.0, tok.start)
                    .iter()
                    .rev()
                    .find_map(|t| match &t.kind {
                        TokenKind::Tier(w) => Some(pack.tier(w)),
                        _ => None,
                    })
                    .flatten();
                let flow = matches!(metric, Metric::Growth | Metric::Change);
                let time = self.time_of(cx, state, heading_time, tok.start, flow);
                let (kind, kind_why) = self.kind_of(pack, state, tok.start, time.explicit_year);
                if let Some(why) = cx.why {
                    let how = if list.0 >= clause {
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
                let (ss, se) = cx.norm.original_span(self.base + s.0, self.base + s.1);
                out.push(Indicator {
                    doc: cx.doc.to_string(),
                    indicator: indicator.to_string(),
                    metric,
                    value: round(sign * fig.value),
                    value_max: fig.value_max.map(|v| round(sign * v)),
                    unit: fig.unit.clone(),
                    kind,
                    year: time.year,
                    period: time.period,
                    bound,
                    tier,
                    label: cx.original[ls..le].to_string(),
                    line: cx.lines.line_of(fs).max(line_no),
                    span: Span(fs, fe),
                    section: state.section_path(cx),
                    text: cx.original[ss..se].trim().to_string(),
                    rule: target.rule.clone(),
                });
            }
        }
    }

    /// A gap against a target or an average (超过年初预期目标0.2个百分点,
    /// 较一季度提高5个百分点) or a share of a total (占全州…的75.2%): a
    /// comparison word followed by a reference, in the figure's clause
    /// before it.
    fn is_gap(&self, pack: &RulePack, from: usize, to: usize) -> bool {
        let mut compared = false;
        for c in self
            .cues_in(from, to)
            .iter()
            .filter(|c| c.end <= to && self.depth_at(c.start) == 0)
        {
            let roles = pack.roles(c);
            if compared && roles.contains(&Role::Reference) {
                return true;
            }
            compared |= roles.contains(&Role::Comparison);
        }
        false
    }

    /// 占…比重 / 折合 between a name and a figure: the figure is a share of
    /// the named total, or the same amount in another unit.
    fn aside(&self, pack: &RulePack, from: usize, to: usize) -> bool {
        self.cues_in(from, to).iter().any(|c| {
            c.end <= to && self.depth_at(c.start) == 0 && pack.roles(c).contains(&Role::Aside)
        })
    }

    /// "73%的常住人口": a figure followed by 的 describes the noun after it,
    /// unless the noun is a goal (增长7%的目标). A count followed directly by
    /// a noun counts that noun ("100个以上村"); what may follow a count is
    /// punctuation, a token (a verb, a tier …) or a vocabulary word (同比 …).
    fn modifies_noun(&self, pack: &RulePack, end: usize, count: bool) -> bool {
        let rest = &self.line[end..];
        let (after, noun_first) = match rest.strip_prefix('的') {
            Some(_) => (end + '的'.len_utf8(), true),
            None => (end, false),
        };
        let Some(next) = self.line[after..].chars().next().filter(|&c| is_cjk(c)) else {
            return false;
        };
        let goal = self
            .cues_in(after, after + 1)
            .iter()
            .any(|c| pack.roles(c).iter().any(|r| matches!(r, Role::Kind { .. })));
        if noun_first {
            return !goal;
        }
        if !count {
            return false;
        }
        let word = !self.cues_in(after, after + 1).is_empty()
            || self
                .tokens_in(after, after + 1)
                .first()
                .is_some_and(|t| t.start == after);
        !word && next != '的'
    }

    /// The nearest kind cue before `pos` within its scope decides; then the
    /// figure's own year against the report's; then the part of the report.
    fn kind_of(
        &self,
        pack: &RulePack,
        state: &State,
        pos: usize,
        year: Option<i32>,
    ) -> (Kind, String) {
        let clause = self.clause_start(pos);
        let mut strong = None;
        let mut weak = None;
        for c in self
            .cues_in(self.range.0, pos)
            .iter()
            .filter(|c| c.end <= pos)
        {
            for role in pack.roles(c) {
                if let Role::Kind {
                    kind,
                    scope,
                    weak: w,
                } = *role
                {
                    if scope == CueScope::Clause && c.start < clause {
                        continue;
                    }
                    let found = Some((kind, &self.line[c.start..c.end]));
                    if w { weak = found } else { strong = found }
                }
            }
        }
        if let Some((k, word)) = strong {
            return (k, format!("cue word `{word}` before the figure"));
        }
        if let (Some(y), Some(r)) = (year, state.time.report_year) {
            let why = format!("its year {y} against the report's year {r}");
            return (if y >= r { Kind::Target } else { Kind::Actual }, why);
        }
        match (state.frame, weak) {
            (Frame::Future, _) => (Kind::Target, "plan part of the report".into()),
            (Frame::Past, _) => (Kind::Actual, "review part of the report".into()),
            (Frame::Unknown, Some((k, word))) => (k, format!("weak cue `{word}`")),
            (Frame::Unknown, None) => (Kind::Actual, "no cue: an outcome by default".into()),
        }
    }

    /// Year and period of a figure at `pos`: time words in its clause, or
    /// opening an earlier clause of the sentence or of the paragraph; then
    /// the headings; then the part of the report.
    fn time_of(
        &self,
        cx: &DocContext<'_>,
        state: &State,
        heading_time: &[(Option<i32>, Option<String>)],
        pos: usize,
        flow: bool,
    ) -> Time {
        let pack = cx.pack;
        let ci = self.clause_index(pos);
        let clause = self.clauses[ci];
        let mut time = self.clause_time[ci].clone();
        let mut in_clause = TimeState::default();
        for t in self.tokens_in(clause, pos).iter().filter(|t| t.end <= pos) {
            if !self.after_comparison(pack, clause, t.start) {
                time.take(pack, state.time.date_year, t, true);
                in_clause.take(pack, state.time.date_year, t, true);
            }
        }
        // A five-year span: anywhere in the sentence for a change over it
        // (年均增长); only in the figure's own clause for an amount
        // (五年累计完成投资…, but not a rate reached at its end).
        let cue_from = |from: usize| {
            self.cues_in(from, pos)
                .iter()
                .any(|c| c.end <= pos && pack.roles(c).contains(&Role::FiveYear))
        };
        time.five_year = if flow {
            time.five_year || cue_from(self.range.0)
        } else {
            in_clause.five_year || cue_from(clause)
        };
        let (h_year, h_period) = state.heading_time(heading_time);
        let why = match (time.year, h_year, state.time.report_year) {
            (Some(_), _, _) => "a year in the sentence or opening a clause of its paragraph",
            (None, Some(_), _) => "the year in the enclosing heading",
            (None, None, Some(_)) if state.frame == Frame::Future => {
                "the report's plan year (plan part of the report)"
            }
            (None, None, Some(_)) => "the year before the report's (review part of the report)",
            (None, None, None) => "no year in the text and none inferable",
        };
        let explicit_year = time.year.or(h_year);
        let frame_year = state.time.report_year.map(|r| {
            if state.frame == Frame::Future {
                r
            } else {
                r - 1
            }
        });
        let period = if time.five_year {
            "5y".to_string()
        } else {
            time.period
                .or(h_period.map(str::to_string))
                .unwrap_or_else(|| "year".into())
        };
        Time {
            why: why.to_string(),
            year: explicit_year.or(frame_year),
            explicit_year,
            period,
        }
    }

    /// 比2022年 / 较上年: a year after a comparison word is a base, not the
    /// figure's year.
    fn after_comparison(&self, pack: &RulePack, clause: usize, pos: usize) -> bool {
        self.cues_in(clause, pos)
            .iter()
            .any(|c| c.end == pos && pack.roles(c).contains(&Role::Comparison))
            || ["与", "同"].iter().any(|w| self.line[..pos].ends_with(w))
    }
}

struct Time {
    why: String,
    year: Option<i32>,
    /// The year the text itself gives (not inferred from the report's frame).
    explicit_year: Option<i32>,
    period: String,
}

pub(super) fn period_label(pack: &RulePack, word: &str) -> String {
    pack.period(word)
        .map_or_else(|| word.to_string(), str::to_string)
}

/// Values as the text states them: no binary noise from sign flips.
fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
