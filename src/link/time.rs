//! Which year and period a figure is about: time words in its clause, or
//! opening an earlier clause of its sentence or paragraph; then the
//! headings it sits under; then the part of the report (review or plan).

use super::DocContext;
use super::sentence::Sentence;
use crate::parse::{self, Token, TokenKind};
use crate::rules::{Role, RulePack};

/// Where in the report we are: whether the text now reviews the past or
/// plans the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Frame {
    Unknown,
    Past,
    Future,
}

/// The years a document's figures fall back on (see [`crate::Document`]).
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

/// The year and period each heading's title names, by heading.
pub(super) type HeadingTime = Vec<(Option<i32>, Option<String>)>;

pub(super) fn heading_time(cx: &DocContext<'_>) -> HeadingTime {
    let words = &cx.pack.grammar_words;
    cx.headings
        .iter()
        .map(|h| {
            let title = &cx.norm.text[h.marker_end..h.title_end];
            if !parse::may_hold_time(title, words) {
                return (None, None);
            }
            let toks = parse::tokens(title, words);
            let year = toks.iter().find_map(|t| match t.kind {
                TokenKind::Year(y) | TokenKind::Date(parse::Date { year: y, .. }) => Some(y),
                _ => None,
            });
            let period = toks.iter().find_map(|t| match &t.kind {
                TokenKind::Period(p) => Some(period_label(cx.pack, p)),
                _ => None,
            });
            (year, period)
        })
        .collect()
}

/// Where the walk through a document stands: its time, the part of the
/// report, and the headings it is under.
pub(super) struct State {
    pub(super) time: ReportTime,
    pub(super) frame: Frame,
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
            if let (Some(y), Some(r)) = (headings[self.next_heading].0, self.time.plan_year) {
                self.frame = if y >= r { Frame::Future } else { Frame::Past };
            }
            self.next_heading += 1;
        }
    }

    /// A sentence that sets out the year's targets opens the plan part.
    pub(super) fn open_plan(&mut self, pack: &RulePack, l: &Sentence<'_>) {
        if !l.cues.iter().any(|c| pack.is_frame(c)) {
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

    fn heading_time<'h>(&self, headings: &'h HeadingTime) -> (Option<i32>, Option<&'h str>) {
        let mut year = None;
        let mut period = None;
        for &i in self.stack.iter().flatten() {
            let (y, p) = &headings[i];
            year = y.or(year);
            period = p.as_deref().or(period);
        }
        (year, period)
    }
}

/// Time that earlier sentences of a paragraph set for the later ones: a
/// year or period that opened one of their clauses (…,2023年上半年,…).
#[derive(Debug, Default, Clone)]
pub(super) struct TimeState {
    pub(super) year: Option<i32>,
    pub(super) period: Option<String>,
    pub(super) five_year: bool,
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
            }
            TokenKind::RelYear(w) => {
                if let (Some(d), Some(off)) = (this_year, pack.relative_year(w)) {
                    self.year = Some(d + off);
                }
            }
            TokenKind::YearRange(_, b) | TokenKind::PlanSpan(b) if in_sentence => {
                self.year = Some(*b);
                self.five_year = true;
            }
            TokenKind::Period(p) => self.period = Some(period_label(pack, p)),
            _ => {}
        }
    }
}

/// A figure's time, and why.
pub(super) struct Time {
    pub(super) why: String,
    pub(super) year: Option<i32>,
    /// The year the text itself gives (not inferred from the report's frame).
    pub(super) explicit_year: Option<i32>,
    pub(super) period: String,
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
        let ci = self.clause_index(pos);
        let clause = self.clauses[ci];
        let mut time = self.clause_time[ci].clone();
        let mut in_clause = TimeState::default();
        for t in self.tokens_in(clause, pos).iter().filter(|t| t.end <= pos) {
            if !self.after_comparison(pack, clause, t.start) {
                time.take(pack, state.time.this_year, t, true);
                in_clause.take(pack, state.time.this_year, t, true);
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
        let (h_year, h_period) = state.heading_time(headings);
        let why = match (time.year, h_year, state.time.plan_year) {
            (Some(_), _, _) => "a year in the sentence or opening a clause of its paragraph",
            (None, Some(_), _) => "the year in the enclosing heading",
            (None, None, Some(_)) if state.frame == Frame::Future => {
                "the report's plan year (plan part of the report)"
            }
            (None, None, Some(_)) => "the year the report reviews (review part of the report)",
            (None, None, None) => "no year in the text and none inferable",
        };
        let explicit_year = time.year.or(h_year);
        let frame_year = if state.frame == Frame::Future {
            state.time.plan_year
        } else {
            state.time.review_year
        };
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
}

pub(super) fn period_label(pack: &RulePack, word: &str) -> String {
    pack.period(word)
        .map_or_else(|| word.to_string(), str::to_string)
}
