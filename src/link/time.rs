//! Which year and period a figure is about: time words in its clause, or
//! opening an earlier clause of its sentence or paragraph; then the
//! headings it sits under; then the part of the report (review or plan).

use super::DocContext;
use super::sentence::Sentence;
use crate::link::words::{Role, SpanSide};
use crate::model::{Kind, Metric, Period};
use crate::parse::{self, Token, TokenKind};
use crate::rules::RulePack;

/// Where in the report we are: whether the text now reviews the past or
/// plans the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Frame {
    Unknown,
    Past,
    Future,
}

/// The years a document's figures fall back on (see [`crate::document::Document`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ReportTime {
    /// The year its plan part is about.
    pub(super) plan_year: Option<i32>,
    /// The year its review part is about.
    pub(super) review_year: Option<i32>,
    /// The year 今年 means (去年 is the one before).
    pub(super) this_year: Option<i32>,
    /// A work report: it reviews the year before the one it plans.
    pub(super) looks_back: bool,
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
    /// opened one, until a heading or a paragraph opening with a year.
    pub(super) span: Option<Span>,
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
            if let (Some(y), Some(r)) = (headings[self.next_heading].year, self.time.plan_year) {
                self.frame = if y >= r { Frame::Future } else { Frame::Past };
            }
            self.span = None;
            self.next_heading += 1;
        }
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

/// A five-year span a paragraph or a heading is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Span {
    /// The five years the report reviews (这五年，五年来).
    Past,
    /// The five years it plans (今后五年).
    Ahead,
    /// A plan period, by its last year (“十四五”时期).
    Plan(i32),
}

/// The span a span word names.
pub(super) fn span_of(roles: &[Role]) -> Option<Span> {
    roles.iter().find_map(|r| match r {
        Role::SpanWord(SpanSide::Past) => Some(Span::Past),
        Role::SpanWord(SpanSide::Ahead) => Some(Span::Ahead),
        _ => None,
    })
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

/// A figure's time, and why.
pub(super) struct Time {
    pub(super) why: String,
    pub(super) year: Option<i32>,
    /// The year the text itself gives (not inferred from the report's frame).
    pub(super) explicit_year: Option<i32>,
    /// The period its words name (上半年 → H1), or a year.
    pub(super) period: Period,
    /// A five-year word in reach (年均; in the figure's clause, or in its
    /// sentence for a change): the figure is over five years.
    pub(super) five_year: bool,
    /// A word that makes the figure cover the span around (累计, 每年).
    pub(super) over_span: bool,
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
}

impl Sentence<'_> {
    /// Year and period of a figure at `pos`: time words in its clause, or
    /// opening an earlier clause of the sentence or of the paragraph; then
    /// the headings; then the part of the report. `flow`: the figure is a
    /// change over a span (a growth, a change), not an amount at its end.
    pub(super) fn time_of(
        &self,
        pack: &RulePack,
        state: &State,
        headings: &HeadingTime,
        pos: usize,
        flow: bool,
    ) -> Time {
        let this_year = state.time.this_year;
        let ci = self.clause_index(pos);
        let clause = self.clauses[ci];
        let mut time = self.clause_time[ci].clone();
        let mut in_clause = TimeState::default();
        let mut base = None;
        let mut count = None;
        for t in self.tokens_in(clause, pos).iter().filter(|t| t.end <= pos) {
            match &t.kind {
                // The time words before an earlier figure of the clause are
                // that figure's (从上半年5.5%降到5.3%).
                TokenKind::Figure(_) => {
                    time = self.clause_time[ci].clone();
                    in_clause = TimeState::default();
                    (base, count) = (None, None);
                }
                TokenKind::YearCount(n) => count = Some(*n as i32),
                TokenKind::Year(y) if self.after_comparison(pack, clause, t.start) => {
                    base = Some(*y)
                }
                _ if !self.after_comparison(pack, clause, t.start) => {
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
            self.cues_in(from, pos)
                .iter()
                .any(|c| c.end <= pos && pack.lexicon.roles(c).contains(&role))
        };
        // A five-year word before an earlier figure of the clause is that
        // figure's (五年新增43.04万家、达到79.1万家).
        let after_figure = self
            .tokens_in(clause, pos)
            .iter()
            .rfind(|t| t.end <= pos && matches!(t.kind, TokenKind::Figure(_)))
            .map_or(clause, |t| t.end);
        let reach = if flow { self.range.0 } else { after_figure };
        let five_year = if flow {
            time.five_year || cue_from(reach, Role::FiveYear)
        } else {
            in_clause.five_year || cue_from(reach, Role::FiveYear)
        };
        let over_span = cue_from(reach, Role::OverSpan);
        let (h_year, h_period, h_span) = state.heading_time(headings);
        let span = time.span.or(h_span);
        let span_year = span.and_then(|s| match s {
            Span::Past => state.time.review_year,
            Span::Ahead => state.time.plan_year.map(|y| y + 4),
            Span::Plan(e) => Some(e),
        });
        let why = match (time.year, span_year, h_year, state.time.plan_year) {
            (Some(_), ..) => "a year in the sentence or opening a clause of its paragraph",
            (None, Some(_), ..) => "the five-year span its paragraph or heading is about",
            (None, None, Some(_), _) => "the year in the enclosing heading",
            (None, None, None, Some(_)) if state.frame == Frame::Future => {
                "the report's plan year (plan part of the report)"
            }
            (None, None, None, Some(_)) => {
                "the year the report reviews (review part of the report)"
            }
            (None, None, None, None) => "no year in the text and none inferable",
        };
        let explicit_year = time.year.or(span_year).or(h_year);
        let frame_year = if state.frame == Frame::Future {
            state.time.plan_year
        } else {
            state.time.review_year
        };
        let year = explicit_year.or(frame_year);
        let dated = self.tokens_in(self.range.0, self.range.1).iter().any(|t| {
            matches!(t.kind, TokenKind::Year(_) | TokenKind::Date(_))
                && !self.after_comparison(pack, self.clause_start(t.start), t.start)
        });
        Time {
            why: why.to_string(),
            year,
            explicit_year,
            period: time.period.or(h_period.cloned()).unwrap_or_default(),
            five_year,
            over_span,
            span: time.span,
            heading_span: h_span,
            dated,
            stated: time.year.is_some(),
            stated_in_clause: in_clause.year.is_some() || in_clause.period.is_some(),
            years_over: base.zip(year).map(|(b, y)| y - b).or(count),
        }
    }
}

/// The period a word names (上半年 → H1), by the pack's labels.
pub(super) fn period_label(pack: &RulePack, word: &str) -> Period {
    Period::from_label(pack.grammar.period(word).unwrap_or(word))
}

/// How a figure stands in a five-year span: what the words around its
/// amount say.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Held {
    /// The level reached at the span's end (达到, 突破).
    pub(super) reached: bool,
    /// A level held through the span (稳定在, 控制在).
    pub(super) maintained: bool,
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
        let actual = kind == Kind::Actual;
        let span = if kind == Kind::Target {
            self.span.or(self.heading_span)
        } else {
            self.span
        };
        if span.is_none() {
            return Some(self.period.clone());
        }
        let at_end = match metric {
            Metric::Growth | Metric::Change => false,
            _ if held.maintained => false,
            _ if held.reached => actual || self.dated,
            Metric::Ratio => actual,
            Metric::Level => false,
        };
        if at_end {
            Some(self.period.clone())
        } else {
            five()
        }
    }
}
