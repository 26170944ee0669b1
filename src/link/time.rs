//! Which year and period a figure is about: time words in its clause, or
//! opening an earlier clause of its sentence or paragraph; then the
//! headings it sits under; then the part of the report (review or plan).
//! Reads the sentence index; nothing reads time back into it.

use super::doc::DocContext;
use super::index::Sentence;
use super::part::{Frame, ReportTime, Span, span_of};
use super::trace::{PeriodWhy, YearWhy};
use crate::link::words::Role;
use crate::model::{Kind, Metric, Period, SpanMeasure};
use crate::parse::{self, Token, TokenKind};
use crate::rules::RulePack;
use crate::rules::indicator::SpanAmount;

/// What a sentence inherits from the text before it.
pub(super) struct Before<'p> {
    /// The year 今年 means.
    pub(super) this_year: Option<i32>,
    /// The year the report reviews.
    pub(super) review_year: Option<i32>,
    /// The sentence opens its paragraph.
    pub(super) opens_paragraph: bool,
    /// The time the paragraph's earlier sentences set.
    pub(super) time: &'p TimeState,
}

/// Whether a token is a word of time.
fn is_time(t: &Token) -> bool {
    matches!(
        t.kind,
        TokenKind::Year(_)
            | TokenKind::Date(_)
            | TokenKind::TimePrep
            | TokenKind::RelYear(_)
            | TokenKind::Period(_)
            | TokenKind::PlanSpan(_)
            | TokenKind::YearRange(..)
            | TokenKind::YearCount(_)
    )
}

/// The time a heading's title names: a year, a period, a five-year span
/// (二、“十五五”时期主要目标; 二、今后五年的奋斗目标).
#[derive(Debug, Clone, Default)]
pub(super) struct HeadingSpan {
    pub(super) year: Option<i32>,
    pub(super) period: Option<Period>,
    pub(super) span: Option<Span>,
}

/// The time each heading's title names, by heading.
pub(super) type HeadingTime = Vec<HeadingSpan>;

pub(super) fn heading_time(cx: &DocContext<'_>) -> HeadingTime {
    let pack = cx.pack;
    let words = &pack.grammar.words;
    cx.headings
        .iter()
        .map(|h| {
            let title = &cx.norm.text[h.marker_end..h.title_end];
            let five = pack.lexicon.scan(title).cues.iter().find_map(|c| {
                let roles = pack.lexicon.roles(c);
                span_of(roles)
            });
            if !parse::may_hold_time(title, words) && five.is_none() {
                return HeadingSpan::default();
            }
            let toks = parse::tokens(title, words);
            let year = toks.iter().find_map(|t| match t.kind {
                TokenKind::Year(y) | TokenKind::Date(parse::Date { year: y, .. }) => Some(y),
                _ => None,
            });
            let period = toks.iter().find_map(|t| match &t.kind {
                TokenKind::Period(p) => Some(period_label(pack, p)),
                _ => None,
            });
            // A plan period names a span, unless a year names the heading's
            // own (2025年工作和“十四五”发展回顾).
            let plan = toks
                .iter()
                .filter_map(|t| match t.kind {
                    TokenKind::PlanSpan(e) => Some(e),
                    _ => None,
                })
                .max();
            let span = match (year, plan) {
                (None, Some(e)) => Some(Span::Plan(e)),
                (None, None) => five,
                _ => None,
            };
            HeadingSpan {
                year: year.or(plan),
                period,
                span,
            }
        })
        .collect()
}

/// Where the walk through a document stands: its time, the part of the
/// report, and the headings it is under.
pub(super) struct State {
    pub(super) time: ReportTime,
    pub(super) frame: Frame,
    /// The five-year span the paragraphs are about, from a paragraph that
    /// opened one, until a paragraph opening with a year, or a heading that
    /// is not a section of the one it was opened in or names a time of its
    /// own.
    pub(super) span: Option<Span>,
    /// How many headings were open when `span` was: deeper ones (（一）…
    /// under 一、“十四五”时期和2025年工作回顾) keep it.
    pub(super) span_depth: usize,
    pub(super) next_heading: usize,
    /// Index of the current heading at each level.
    pub(super) stack: [Option<usize>; 4],
}

impl State {
    /// Move past the headings that start before `pos`.
    pub(super) fn advance(&mut self, cx: &DocContext<'_>, headings: &HeadingTime, pos: usize) {
        while let Some(h) = cx.headings.get(self.next_heading).filter(|h| h.start < pos) {
            let level = usize::from(h.level.clamp(1, 4)) - 1;
            self.stack[level] = Some(self.next_heading);
            self.stack[level + 1..].fill(None);
            let own = &headings[self.next_heading];
            if let (Some(y), Some(r)) = (own.year, self.time.plan_year) {
                self.frame = if y >= r { Frame::Future } else { Frame::Past };
            }
            let timeless = own.year.is_none() && own.period.is_none() && own.span.is_none();
            if !(timeless && level >= self.span_depth) {
                self.span = None;
            }
            self.next_heading += 1;
        }
    }

    /// A paragraph opened a span (`Some`), or a year ended it (`None`).
    pub(super) fn open_span(&mut self, span: Option<Span>) {
        self.span = span;
        self.span_depth = self.stack.iter().take_while(|h| h.is_some()).count();
    }

    /// A sentence that sets out the year's targets opens the plan part.
    pub(super) fn open_plan(&mut self, pack: &RulePack, l: &Sentence<'_>) {
        if !l.cues.iter().any(|c| pack.lexicon.is_frame(c)) {
            return;
        }
        // The statement sets out plans ("…主要预期目标是：") unless it names
        // a year before the report's own.
        let year = l.tokens.iter().find_map(|t| match t.kind {
            TokenKind::Year(y) => Some(y),
            _ => None,
        });
        match (year, self.time.plan_year) {
            (Some(y), Some(r)) if y < r => return,
            // An undated report: its plan year is the report's year.
            (Some(y), None) => {
                self.time.plan_year = Some(y);
                self.time.review_year = Some(if self.time.looks_back { y - 1 } else { y });
                self.time.this_year.get_or_insert(y);
            }
            _ => {}
        }
        self.frame = Frame::Future;
    }

    pub(super) fn section_path(&self, cx: &DocContext<'_>) -> Vec<String> {
        self.stack
            .iter()
            .flatten()
            .map(|&i| {
                let h = &cx.headings[i];
                let (s, e) = cx.norm.original_span(h.start, h.title_end);
                cx.original[s..e].trim().to_string()
            })
            .collect()
    }

    /// The time the headings around name, the innermost first.
    fn heading_time<'h>(
        &self,
        headings: &'h HeadingTime,
    ) -> (Option<i32>, Option<&'h Period>, Option<Span>) {
        let mut year = None;
        let mut period = None;
        let mut span = None;
        for &i in self.stack.iter().flatten() {
            let h = &headings[i];
            year = h.year.or(year);
            period = h.period.as_ref().or(period);
            span = h.span.or(span);
        }
        (year, period, span)
    }
}

/// Time that earlier sentences of a paragraph set for the later ones: a
/// year or period that opened one of their clauses (…,2023年上半年,…), a
/// five-year span opened (这五年，…).
#[derive(Debug, Default, Clone)]
pub(super) struct TimeState {
    pub(super) year: Option<i32>,
    pub(super) period: Option<Period>,
    /// A plan or a year range in the sentence: its figures are over it.
    pub(super) five_year: bool,
    /// A five-year span the paragraph is about, until a year or a period
    /// opens a clause.
    pub(super) span: Option<Span>,
}

impl TimeState {
    pub(super) fn take(
        &mut self,
        pack: &RulePack,
        this_year: Option<i32>,
        t: &Token,
        in_sentence: bool,
    ) {
        match &t.kind {
            TokenKind::Year(y) | TokenKind::Date(parse::Date { year: y, .. }) => {
                self.year = Some(*y);
                self.five_year = false;
                self.span = None;
            }
            TokenKind::RelYear(w) => {
                if let (Some(d), Some(off)) = (this_year, pack.grammar.relative_year(w)) {
                    self.year = Some(d + off);
                    self.span = None;
                }
            }
            TokenKind::YearRange(_, b) | TokenKind::PlanSpan(b) if in_sentence => {
                self.year = Some(*b);
                self.five_year = true;
            }
            TokenKind::YearRange(_, b) | TokenKind::PlanSpan(b) => {
                self.year = None;
                self.span = Some(Span::Plan(*b));
            }
            TokenKind::Period(p) => {
                self.period = Some(period_label(pack, p));
                self.span = None;
            }
            _ => {}
        }
    }

    /// A five-year span opens: the year and period it had give way.
    pub(super) fn open(&mut self, span: Span) {
        self.span = Some(span);
        self.year = None;
        self.period = None;
    }
}

/// The time as of each clause of a sentence: the paragraph's, then what
/// time words that open a clause set; which tokens open their clause; and
/// the five-year span a clause opens (这五年，…, “十四五”时期是…).
pub(super) struct SentenceTime {
    /// For each token: whether it opens its clause (only time words and
    /// punctuation before it there, so it sets the time of what follows).
    opening: Vec<bool>,
    /// For each clause: the five-year span a word opening it opens.
    openers: Vec<Option<Span>>,
    /// Time as of each clause's start.
    pub(super) clause_time: Vec<TimeState>,
}

impl SentenceTime {
    pub(super) fn new(pack: &RulePack, s: &Sentence<'_>, at: &Before<'_>) -> SentenceTime {
        let date_year = at.this_year;
        let paragraph = at.time;
        let tokens = s.tokens;
        let range = s.range;
        let mut clock = SentenceTime {
            opening: Vec::new(),
            openers: Vec::new(),
            clause_time: Vec::new(),
        };
        if s.plain {
            clock.clause_time.push(paragraph.clone());
            clock.openers.push(None);
            return clock;
        }
        // Which tokens open their clause: a running flag, reset at each
        // clause start, that holds while only time words have come.
        let mut opening = Vec::with_capacity(tokens.len());
        let mut clause = usize::MAX;
        let mut only_time = true;
        for t in tokens {
            let c = s.clause_index(t.start);
            if c != clause {
                (clause, only_time) = (c, true);
            }
            let at = s.clauses[c];
            opening.push(only_time && t.start >= at && s.residual(at, t.start) == 0);
            only_time &= matches!(
                t.kind,
                TokenKind::Year(_)
                    | TokenKind::Date(_)
                    | TokenKind::TimePrep
                    | TokenKind::RelYear(_)
            );
        }
        clock.opening = opening;
        // A span word opening a clause (这五年，…), or a plan (“十四五”时期是…),
        // opens a span.
        clock.openers = (0..s.clauses.len())
            .map(|k| {
                let at = s.clauses[k];
                let end = s.clauses.get(k + 1).copied().unwrap_or(range.1);
                let plan = s.tokens_in(at, end).iter().enumerate().find_map(|(i, t)| {
                    let i = i + tokens.partition_point(|x| x.start < at);
                    match t.kind {
                        TokenKind::PlanSpan(e) if clock.opening[i] => Some(Span::Plan(e)),
                        _ => None,
                    }
                });
                plan.or_else(|| {
                    s.cues_in(at, end).iter().find_map(|c| {
                        let roles = pack.lexicon.roles(c);
                        (roles.iter().any(|r| matches!(r, Role::SpanWord(_)))
                            && s.residual(at, c.start) == 0
                            && s.tokens_in(at, c.start).iter().all(is_time))
                        .then(|| span_of(roles))
                        .flatten()
                    })
                })
            })
            .collect();
        // Time as of each clause start: the paragraph's, then the time words
        // that open a clause of this sentence. A paragraph that opens with a
        // year is about that year, not a span the paragraphs before opened.
        let mut time = paragraph.clone();
        if at.opens_paragraph && clock.ends_span(s, at.review_year) {
            time.span = None;
        }
        let mut next_clause = 0;
        let enter = |clock: &mut SentenceTime, time: &mut TimeState, k: usize| {
            if let Some(span) = clock.openers[k] {
                time.open(span);
            }
            clock.clause_time.push(time.clone());
        };
        for (i, t) in tokens.iter().enumerate() {
            while next_clause < s.clauses.len() && s.clauses[next_clause] <= t.start {
                enter(&mut clock, &mut time, next_clause);
                next_clause += 1;
            }
            if clock.sets_time(pack, s, i) {
                time.take(pack, date_year, t, true);
            }
        }
        while next_clause < s.clauses.len() {
            enter(&mut clock, &mut time, next_clause);
            next_clause += 1;
        }
        clock
    }

    /// What the sentence, opening a paragraph, says of the span the
    /// paragraphs after it are about: `Some(Some(span))` it opens one
    /// (这五年，… / “十四五”时期是…); `Some(None)` a year or a period opens
    /// it, and no span goes on; `None` it says nothing of time.
    pub(super) fn opening_span(
        &self,
        s: &Sentence<'_>,
        review_year: Option<i32>,
    ) -> Option<Option<Span>> {
        if s.plain {
            return None;
        }
        if let Some(span) = self.openers.first().copied().flatten() {
            return Some(Some(span));
        }
        self.ends_span(s, review_year).then_some(None)
    }

    /// Whether the sentence, opening a paragraph, makes it about one year:
    /// a year in its first clause, the year reviewed anywhere in it
    /// (各位代表，刚刚过去的2025年，…), or a period or a count of years opening
    /// it (一年来，).
    fn ends_span(&self, s: &Sentence<'_>, review_year: Option<i32>) -> bool {
        if s.plain {
            return false;
        }
        let first_clause = s.clauses.get(1).copied().unwrap_or(s.range.1);
        s.tokens.iter().enumerate().any(|(i, t)| match t.kind {
            TokenKind::Year(y) => t.start < first_clause || Some(y) == review_year,
            TokenKind::Date(_) => t.start < first_clause,
            TokenKind::Period(_) | TokenKind::RelYear(_) | TokenKind::YearCount(1..=4) => {
                self.opening[i] && t.start < first_clause
            }
            _ => false,
        })
    }

    /// Whether the clause `k` holds time words alone (上半年，/ 这五年，/
    /// “十四五”时期，): the time it sets reaches the sentences after it.
    fn time_only(&self, s: &Sentence<'_>, k: usize) -> bool {
        let at = s.clauses[k];
        let end = s.clause_end(k);
        let tokens = s.tokens_in(at, end);
        (self.openers[k].is_some() || tokens.iter().any(is_time))
            && s.residual(at, end) == 0
            && tokens.iter().all(|t| {
                is_time(t) || matches!(t.kind, TokenKind::ClauseSep | TokenKind::Terminator)
            })
    }

    /// Whether token `i` opens its clause and is no base of a comparison
    /// (比2022年), so that it sets the time of what follows it.
    fn sets_time(&self, pack: &RulePack, s: &Sentence<'_>, i: usize) -> bool {
        let t = &s.tokens[i];
        self.opening[i] && !s.after_comparison(pack, s.clause_start(t.start), t.start)
    }

    /// The paragraph's time after this sentence: what its clauses of time
    /// words alone set (上半年，…。规上工业增加值增长3%。: the second
    /// sentence is of the first half too), until another resets it. A time
    /// word that is part of a clause (今年一季度完成…) stays in its sentence.
    pub(super) fn paragraph_time(
        &self,
        pack: &RulePack,
        s: &Sentence<'_>,
        date_year: Option<i32>,
        mut time: TimeState,
    ) -> TimeState {
        if !s.plain {
            for k in (0..s.clauses.len()).filter(|&k| self.time_only(s, k)) {
                if let Some(span) = self.openers[k] {
                    time.open(span);
                }
                for t in s.tokens_in(s.clauses[k], s.clause_end(k)) {
                    time.take(pack, date_year, t, false);
                }
            }
        }
        time.five_year = false;
        time
    }
}

/// A figure's time, and why.
pub(super) struct Time {
    pub(super) why: YearWhy,
    pub(super) year: Option<i32>,
    /// The year the text itself gives (not inferred from the report's frame).
    pub(super) explicit_year: Option<i32>,
    /// The period its words name (上半年 → H1), or a year.
    pub(super) period: Period,
    /// The period is a heading's (一、上半年工作), not the figure's words'.
    pub(super) period_from_heading: bool,
    /// A five-year word in reach (年均; in the figure's clause, or in its
    /// sentence for a change): the figure is over five years.
    pub(super) five_year: bool,
    /// A word that makes the figure cover the span around (累计, 每年).
    pub(super) over_span: bool,
    /// A yearly-average word in the figure's clause (年均, 每年).
    pub(super) annual: bool,
    /// The five-year span the paragraph is about (这五年，…).
    pub(super) span: Option<Span>,
    /// The five-year span a heading around is about.
    pub(super) heading_span: Option<Span>,
    /// A year in the figure's sentence says which it is about (到2016年).
    pub(super) dated: bool,
    /// The year was read off the words around the figure (not a span, a
    /// heading or the part of the report).
    pub(super) stated: bool,
    /// A time word in the figure's clause before it is its own (从上半年…).
    pub(super) stated_in_clause: bool,
    /// How many years the figure is over, from a base year (比2006年) or a
    /// count (3年增长).
    pub(super) years_over: Option<i32>,
    /// A base year is compared with (比2006年).
    pub(super) from_base: bool,
}

/// Year and period of a figure at `pos`: time words in its clause, or
/// opening an earlier clause of the sentence or of the paragraph; then
/// the headings; then the part of the report. `flow`: the figure is a
/// change over a span (a growth, a change), not an amount at its end.
pub(super) fn time_of(
    pack: &RulePack,
    s: &Sentence<'_>,
    clock: &SentenceTime,
    state: &State,
    headings: &HeadingTime,
    pos: usize,
    flow: bool,
) -> Time {
    let this_year = state.time.this_year;
    let ci = s.clause_index(pos);
    let clause = s.clauses[ci];
    let mut time = clock.clause_time[ci].clone();
    let mut in_clause = TimeState::default();
    let mut base = None;
    let mut count = None;
    for t in s.tokens_in(clause, pos).iter().filter(|t| t.end <= pos) {
        match &t.kind {
            // The time words before an earlier figure of the clause are
            // that figure's (从上半年5.5%降到5.3%).
            TokenKind::Figure(_) => {
                time = clock.clause_time[ci].clone();
                in_clause = TimeState::default();
                (base, count) = (None, None);
            }
            TokenKind::YearCount(n) => count = Some(*n as i32),
            TokenKind::Year(y) if s.after_comparison(pack, clause, t.start) => base = Some(*y),
            _ if !s.after_comparison(pack, clause, t.start) => {
                time.take(pack, this_year, t, true);
                in_clause.take(pack, this_year, t, true);
            }
            _ => {}
        }
    }
    // A five-year word: anywhere in the sentence for a change over it
    // (年均增长); only in the figure's own clause for an amount
    // (五年累计完成投资…, but not a rate reached at its end).
    let cue_from = |from: usize, role: Role| {
        s.cues_in(from, pos)
            .iter()
            .any(|c| c.end <= pos && pack.lexicon.roles(c).contains(&role))
    };
    // A five-year word before an earlier figure of the clause is that
    // figure's (五年新增43.04万家、达到79.1万家).
    let after_figure = s
        .tokens_in(clause, pos)
        .iter()
        .rfind(|t| t.end <= pos && matches!(t.kind, TokenKind::Figure(_)))
        .map_or(clause, |t| t.end);
    let reach = if flow { s.range.0 } else { after_figure };
    let five_year = if flow {
        time.five_year || cue_from(reach, Role::FiveYear)
    } else {
        in_clause.five_year || cue_from(reach, Role::FiveYear)
    };
    let over_span = cue_from(reach, Role::OverSpan);
    let annual = cue_from(clause, Role::AnnualAverage);
    let (h_year, h_period, h_span) = state.heading_time(headings);
    let end_of = |s: Span| match s {
        Span::Past => state.time.review_year,
        Span::Ahead => state.time.plan_year.map(|y| y + 4),
        Span::Plan(e) => Some(e),
    };
    // A heading's span scopes what has no time of its own: under 二、“十五五”
    // 时期主要目标, 2026年…增长5% is annual; 力争到2030年… is the span's.
    let h_span = h_span.filter(|&s| time.year.is_none() || time.year == end_of(s));
    let span = time.span.or(h_span);
    let span_year = span.and_then(end_of);
    let why = match (time.year, span_year, h_year, state.time.plan_year) {
        (Some(_), ..) => YearWhy::Stated,
        (None, Some(_), ..) => YearWhy::Span,
        (None, None, Some(_), _) => YearWhy::Heading,
        (None, None, None, Some(_)) if state.frame == Frame::Future => YearWhy::PlanYear,
        (None, None, None, Some(_)) => YearWhy::ReviewYear,
        (None, None, None, None) => YearWhy::Unknown,
    };
    let explicit_year = time.year.or(span_year).or(h_year);
    let frame_year = if state.frame == Frame::Future {
        state.time.plan_year
    } else {
        state.time.review_year
    };
    let year = explicit_year.or(frame_year);
    let dated = s.tokens_in(s.range.0, s.range.1).iter().any(|t| {
        matches!(t.kind, TokenKind::Year(_) | TokenKind::Date(_))
            && !s.after_comparison(pack, s.clause_start(t.start), t.start)
    });
    Time {
        why,
        year,
        explicit_year,
        period_from_heading: time.period.is_none() && h_period.is_some(),
        period: time.period.or(h_period.cloned()).unwrap_or_default(),
        five_year,
        over_span,
        annual,
        span: time.span,
        heading_span: h_span,
        dated,
        stated: time.year.is_some(),
        stated_in_clause: in_clause.year.is_some() || in_clause.period.is_some(),
        years_over: base.zip(year).map(|(b, y)| y - b).or(count),
        from_base: base.is_some(),
    }
}

/// The period a word names (上半年 → H1), by the pack's labels.
pub(super) fn period_label(pack: &RulePack, word: &str) -> Period {
    Period::from_label(pack.grammar.period(word).unwrap_or(word))
}

/// How a figure stands in a five-year span: what the words around its
/// amount say, and what its indicator's rule says an amount there is.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Held {
    /// A word of a level reached at the span's end (达到, 突破).
    pub(super) reached: bool,
    /// A level held through the span (稳定在, 控制在).
    pub(super) maintained: bool,
    /// The rule's `span_amount`.
    pub(super) amount: SpanAmount,
}

impl Held {
    /// The amount is the level of the span's last year: a word says it was
    /// reached (for an indicator not always summed: 城镇新增就业超690万人 is
    /// a total), or the rule says so of any amount (城镇居民人均可支配收入
    /// 15048元).
    fn at_end(&self) -> bool {
        match self.amount {
            SpanAmount::Total => self.reached,
            SpanAmount::Sum => false,
            SpanAmount::End => true,
        }
    }
}

impl Time {
    /// The figure's period, once its metric and kind are known; `None` for
    /// a span that is no year and no five years (两年平均, 3年增长, 比2019年
    /// in a review of 2022): such a figure is not recorded.
    ///
    /// In a five-year span its paragraph opens (这五年，…), a change is over
    /// the span, and so is an amount (城镇新增就业124.27万人) or a level held
    /// through it; a level reached at the end (达到1.5万亿元), or a rate
    /// stated, is of the span's last year — for a goal, only when a year
    /// names it (到2016年…达到92亿元).
    pub(super) fn period(&self, metric: Metric, kind: Kind, held: Held) -> Option<Period> {
        self.period_of(metric, kind, held)
    }

    /// What a five-year figure holds, once its period is settled: a yearly
    /// average by its words (年均), else by its metric: a change over the
    /// span, a level reached or held, or an amount summed over the span.
    pub(super) fn span_measure(
        &self,
        period: &Period,
        metric: Metric,
        held: Held,
    ) -> Option<SpanMeasure> {
        if *period != Period::FiveYears {
            return None;
        }
        Some(match metric {
            _ if self.annual => SpanMeasure::AnnualAverage,
            Metric::Growth => SpanMeasure::OverSpan,
            // 比2006年增长15.5亿元: a change from a base, not new amounts summed.
            Metric::Change if self.from_base => SpanMeasure::OverSpan,
            Metric::Ratio => SpanMeasure::Level,
            // 累计达到600亿元 is a total, whatever verb it reaches with.
            Metric::Level if self.over_span => SpanMeasure::Total,
            Metric::Level if held.maintained => SpanMeasure::Level,
            // 五年合计国家财政收入5953亿元: its own five-year word sums it.
            Metric::Level if held.at_end() && (held.reached || !self.five_year) => {
                SpanMeasure::Level
            }
            Metric::Level | Metric::Change => SpanMeasure::Total,
        })
    }

    /// Where the figure's `period` came from, for the trace.
    pub(super) fn period_why(&self, period: &Period) -> PeriodWhy {
        match period {
            Period::FiveYears
                if self.five_year || self.years_over == Some(5) || self.span.is_none() =>
            {
                if self.five_year || self.years_over == Some(5) || self.heading_span.is_none() {
                    PeriodWhy::Words
                } else {
                    PeriodWhy::Heading
                }
            }
            Period::FiveYears => PeriodWhy::Paragraph,
            _ if self.period_from_heading => PeriodWhy::Heading,
            Period::Year => PeriodWhy::Default,
            _ => PeriodWhy::Words,
        }
    }

    /// A five-year goal with no year of its own is for the plan period to
    /// come, whatever span it was read in (提出地区生产总值年均增长5%左右 in a
    /// review of the last five years).
    pub(super) fn goal_year(&self, kind: Kind, period: &Period, time: &ReportTime) -> Option<i32> {
        let own = matches!(
            self.span.or(self.heading_span),
            Some(Span::Plan(_) | Span::Ahead)
        );
        if kind == Kind::Target && *period == Period::FiveYears && !self.stated && !own {
            time.plan_year.map(|y| y + 4)
        } else {
            self.year
        }
    }

    fn period_of(&self, metric: Metric, kind: Kind, held: Held) -> Option<Period> {
        let five = || Some(Period::FiveYears);
        match self.years_over {
            Some(5) => return five(),
            Some(n) if n >= 2 => return None,
            _ => {}
        }
        if self.five_year || (self.over_span && self.span.or(self.heading_span).is_some()) {
            return five();
        }
        // An outcome (or an estimate) is over the span its paragraph is
        // about; a goal over the one a heading names too (二、“十五五”时期
        // 主要目标).
        let span = if kind == Kind::Target {
            self.span.or(self.heading_span)
        } else {
            self.span
        };
        if span.is_none() {
            return Some(self.period.clone());
        }
        // A rate is of the span's last year, for a goal the span's own (力争
        // 到2030年森林覆盖率达到35%: 5y); a level reached by a dated goal is
        // its year's (到2016年…达到92亿元).
        let at_end = match metric {
            Metric::Growth | Metric::Change => false,
            _ if held.maintained => false,
            Metric::Ratio => kind != Kind::Target,
            _ if held.at_end() => kind != Kind::Target || self.dated,
            Metric::Level => false,
        };
        if at_end {
            Some(self.period.clone())
        } else {
            five()
        }
    }
}

/// GUIDELINES, `year` and `period`: the calendar year the figure is about;
/// `year` unless the text scopes it (H1 上半年, Q1 一季度, Q1-Q3 前三季度),
/// `5y` for 五年来 / 累计 / 年均 over a five-year span (year: the span's
/// last year); other multi-year spans (两年平均, 比2019年 in a review of
/// 2022) give no record.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::{PACK, Read};

    /// Year and period of the first figure, a growth, in a 2026 work report
    /// (reviewing 2025) read in its review part.
    fn time(text: &str) -> (Option<i32>, Option<Period>, YearWhy) {
        let time = time_at(text, true);
        let period = time.period(Metric::Growth, Kind::Actual, Held::default());
        (time.year, period, time.why)
    }

    /// The time of the first figure (`flow`: a change) in that report.
    fn time_at(text: &str, flow: bool) -> Time {
        let state = State {
            time: ReportTime {
                plan_year: Some(2026),
                review_year: Some(2025),
                this_year: Some(2026),
                looks_back: true,
            },
            frame: Frame::Past,
            span: None,
            span_depth: 0,
            next_heading: 0,
            stack: [None; 4],
        };
        let read = Read::new(text);
        let s = read.sentence();
        let paragraph = TimeState::default();
        let before = Before {
            this_year: Some(2026),
            review_year: Some(2025),
            opens_paragraph: true,
            time: &paragraph,
        };
        let clock = SentenceTime::new(&PACK, &s, &before);
        let (t, _) = read.figures()[0];
        time_of(&PACK, &s, &clock, &state, &Vec::new(), t.start, flow)
    }

    /// What the first figure holds, if five-year, read as `metric`.
    fn measure(text: &str, metric: Metric, held: Held) -> Option<SpanMeasure> {
        let time = time_at(text, matches!(metric, Metric::Growth | Metric::Change));
        let period = time.period(metric, Kind::Actual, held)?;
        time.span_measure(&period, metric, held)
    }

    #[test]
    fn a_five_year_figure_says_what_it_holds() {
        use Metric::{Change, Growth, Level, Ratio};
        use SpanMeasure::{AnnualAverage, OverSpan, Total};
        let none = Held::default();
        let reached = Held {
            reached: true,
            ..none
        };
        let maintained = Held {
            maintained: true,
            ..none
        };
        let cases = [
            (
                "地区生产总值年均增长6%。",
                Growth,
                none,
                Some(AnnualAverage),
            ),
            (
                "地区生产总值比2020年增长30%。",
                Growth,
                none,
                Some(OverSpan),
            ),
            // Each figure by the words of its own clause.
            (
                "这五年，地区生产总值增长30%，财政收入年均增长8%。",
                Growth,
                none,
                Some(OverSpan),
            ),
            ("五年累计完成投资1.2万亿元。", Level, none, Some(Total)),
            ("五年累计达到600亿元。", Level, reached, Some(Total)),
            (
                "地区生产总值比2020年增加7400亿元。",
                Change,
                none,
                Some(OverSpan),
            ),
            ("五年新设经营主体62万户。", Change, none, Some(Total)),
            ("城镇新增就业年均12万人。", Level, none, Some(AnnualAverage)),
            ("这五年，森林覆盖率提高到35%。", Ratio, reached, None),
            (
                "五年间粮食产量稳定在800亿斤以上。",
                Level,
                maintained,
                Some(SpanMeasure::Level),
            ),
            // A year's figure holds nothing of a span.
            ("地区生产总值增长5%。", Growth, none, None),
        ];
        for (text, metric, held, want) in cases {
            assert_eq!(measure(text, metric, held), want, "{text}");
        }
    }

    #[test]
    fn a_year_and_a_part_of_it_named_before_the_figure() {
        assert_eq!(
            time("2023年上半年，地区生产总值增长5.5%。"),
            (Some(2023), Some(Period::Part("H1".into())), YearWhy::Stated)
        );
        assert_eq!(
            time("前三季度，地区生产总值增长5%。").1,
            Some(Period::Part("Q1-Q3".into()))
        );
        // 去年 is a year before the report's own.
        assert_eq!(time("去年地区生产总值增长5%。").0, Some(2025));
    }

    #[test]
    fn no_time_word_falls_back_on_the_part_of_the_report() {
        assert_eq!(
            time("地区生产总值增长5.2%。"),
            (Some(2025), Some(Period::Year), YearWhy::ReviewYear)
        );
    }

    #[test]
    fn five_years_are_5y_other_spans_no_record() {
        // 比2020年增长 in a review of 2025: five years.
        assert_eq!(
            time("地区生产总值比2020年增长30%。").1,
            Some(Period::FiveYears)
        );
        assert_eq!(time("地区生产总值年均增长6%。").1, Some(Period::FiveYears));
        // 比2022年 in a review of 2025: three years, not gold.
        assert_eq!(time("地区生产总值比2022年增长16%。").1, None);
    }
}
