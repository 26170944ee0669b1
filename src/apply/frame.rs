//! Where in the report a figure stands in time: the year the report is
//! dated, whether the text reviews the past or plans the future, and the
//! time words a paragraph has set.

use super::DocContext;
use super::sentence::{Sentence, period_label};
use crate::parse::{self, Token, TokenKind};
use crate::rules::RulePack;

/// Where in the report we are: the year it is dated, and whether the text
/// now reviews the past or plans the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Frame {
    Unknown,
    Past,
    Future,
}

/// What a document knows about its own time.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportTime {
    /// The year the report is about to plan (the year of its date, or of
    /// its title).
    pub report_year: Option<i32>,
    /// The year of the date the report was given, for 今年 / 去年.
    pub date_year: Option<i32>,
}

/// The report's own year: the first full date near the top, else the
/// latest year in its title line.
pub fn report_time(text: &str, words: &crate::parse::Words) -> ReportTime {
    // A title and a date line are short lines with a year; paragraphs are
    // not worth the grammar's time here.
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(15)
        .map(|l| {
            if l.len() <= 300 && l.contains('年') {
                l
            } else {
                ""
            }
        });
    let title = lines
        .next()
        .map(|l| parse::tokens(l, words))
        .unwrap_or_default();
    // Below the title, only a date is looked for.
    let date = std::iter::once(title.clone())
        .chain(
            lines
                .filter(|l| parse::may_hold_time(l, words))
                .map(|l| parse::tokens(l, words)),
        )
        .flatten()
        .find_map(|t| match t.kind {
            TokenKind::Date(y) => Some(y),
            _ => None,
        });
    let title_year = title
        .iter()
        .filter_map(|t| match t.kind {
            TokenKind::Year(y) | TokenKind::Date(y) => Some(y),
            TokenKind::YearRange(_, b) => Some(b),
            _ => None,
        })
        .max();
    ReportTime {
        report_year: date.or(title_year),
        date_year: date,
    }
}

pub(super) struct State {
    pub(super) time: ReportTime,
    pub(super) frame: Frame,
    pub(super) next_heading: usize,
    /// Index of the current heading at each level.
    pub(super) stack: [Option<usize>; 4],
}

impl State {
    /// Move past the headings that start before `pos`.
    pub(super) fn advance(
        &mut self,
        cx: &DocContext<'_>,
        heading_time: &[(Option<i32>, Option<String>)],
        pos: usize,
    ) {
        while let Some(h) = cx.headings.get(self.next_heading).filter(|h| h.start < pos) {
            let level = usize::from(h.level.clamp(1, 4)) - 1;
            self.stack[level] = Some(self.next_heading);
            self.stack[level + 1..].fill(None);
            if let (Some(y), Some(r)) = (heading_time[self.next_heading].0, self.time.report_year) {
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
        match (year, self.time.report_year) {
            (Some(y), Some(r)) if y < r => return,
            // An undated report: its plan year is the report's year.
            (Some(y), None) => self.time.report_year = Some(y),
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

    pub(super) fn heading_time<'h>(
        &self,
        heading_time: &'h [(Option<i32>, Option<String>)],
    ) -> (Option<i32>, Option<&'h str>) {
        let mut year = None;
        let mut period = None;
        for &i in self.stack.iter().flatten() {
            let (y, p) = &heading_time[i];
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
        date_year: Option<i32>,
        t: &Token,
        in_sentence: bool,
    ) {
        match &t.kind {
            TokenKind::Year(y) | TokenKind::Date(y) => {
                self.year = Some(*y);
                self.five_year = false;
            }
            TokenKind::RelYear(w) => {
                if let (Some(d), Some(off)) = (date_year, pack.relative_year(w)) {
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
