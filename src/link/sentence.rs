//! One sentence of a line, with the tables every decision reads: clauses,
//! parenthesis depth, the content characters nothing accounts for, and the
//! time as of each clause.
//!
//! Everything here is sized to the sentence and built in one pass, and every
//! question a decision asks of it is answered by a binary search or a table
//! look-up: a line of any length costs time in proportion to it.

use super::time::{Span, TimeState, span_of};
use crate::link::words::{AliasHit, CueHit, Role};
use crate::normalise::is_cjk;
use crate::parse::{Token, TokenKind};
use crate::rules::RulePack;

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

/// Positions are byte offsets in the line.
pub(super) type Range = (usize, usize);

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

/// A sentence's hits by their start (the order they come in).
pub(super) fn hits_in<T>(hits: &[T], start: impl Fn(&T) -> usize, from: usize, to: usize) -> &[T] {
    let a = hits.partition_point(|h| start(h) < from);
    let b = hits.partition_point(|h| start(h) < to);
    &hits[a..b.max(a)]
}

pub(super) struct Sentence<'a> {
    pub(super) line: &'a str,
    /// Where the line starts in the normalised text.
    pub(super) base: usize,
    pub(super) range: Range,
    pub(super) tokens: &'a [Token],
    pub(super) aliases: &'a [AliasHit],
    pub(super) cues: &'a [CueHit],
    /// Parenthesis depth at each byte.
    depth: Vec<u8>,
    /// Content characters before each byte that nothing accounts for
    /// (tokens, vocabulary, notes in parentheses): gaps in O(1).
    content: Vec<u32>,
    /// Where each clause starts (after a separator outside parentheses).
    pub(super) clauses: Vec<usize>,
    /// Time as of each clause's start, from clause-opening time words.
    pub(super) clause_time: Vec<TimeState>,
    /// For each token: whether it opens its clause (only time words and
    /// punctuation before it there, so it sets the time of what follows).
    opening: Vec<bool>,
    /// For each clause: the five-year span a word opening it opens (这五年，).
    openers: Vec<Option<Span>>,
    /// No token but its end: no figure and no time word, so none of the
    /// tables above (most sentences of a line that names an indicator).
    pub(super) plain: bool,
}

impl<'a> Sentence<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        pack: &RulePack,
        at: &Before<'_>,
        line: &'a str,
        base: usize,
        range: Range,
        tokens: &'a [Token],
        aliases: &'a [AliasHit],
        cues: &'a [CueHit],
    ) -> Sentence<'a> {
        let date_year = at.this_year;
        let paragraph = at.time;
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
            opening: Vec::new(),
            openers: Vec::new(),
            plain: tokens.iter().all(|t| t.kind == TokenKind::Terminator),
        };
        if s.plain {
            s.clause_time.push(paragraph.clone());
            s.openers.push(None);
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
        // Exclusion words name something (都市圈, 民营经济): they are content.
        for c in cues.iter().filter(|c| c.end <= range.1) {
            if pack
                .lexicon
                .roles(c)
                .iter()
                .any(|r| !matches!(r, Role::Frame | Role::Excludes { .. }))
            {
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
        s.opening = opening;
        // A span word opening a clause (这五年，…), or a plan (“十四五”时期是…),
        // opens a span.
        s.openers = (0..s.clauses.len())
            .map(|k| {
                let at = s.clauses[k];
                let end = s.clauses.get(k + 1).copied().unwrap_or(range.1);
                let plan = s.tokens_in(at, end).iter().enumerate().find_map(|(i, t)| {
                    let i = i + tokens.partition_point(|x| x.start < at);
                    match t.kind {
                        TokenKind::PlanSpan(e) if s.opening[i] => Some(Span::Plan(e)),
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
        if at.opens_paragraph && s.ends_span(at.review_year) {
            time.span = None;
        }
        let mut next_clause = 0;
        let enter = |s: &mut Sentence<'a>, time: &mut TimeState, k: usize| {
            if let Some(span) = s.openers[k] {
                time.open(span);
            }
            s.clause_time.push(time.clone());
        };
        for (i, t) in tokens.iter().enumerate() {
            while next_clause < s.clauses.len() && s.clauses[next_clause] <= t.start {
                enter(&mut s, &mut time, next_clause);
                next_clause += 1;
            }
            if s.sets_time(pack, i) {
                time.take(pack, date_year, t, true);
            }
        }
        while next_clause < s.clauses.len() {
            enter(&mut s, &mut time, next_clause);
            next_clause += 1;
        }
        s
    }

    /// What the sentence, opening a paragraph, says of the span the
    /// paragraphs after it are about: `Some(Some(span))` it opens one
    /// (这五年，… / “十四五”时期是…); `Some(None)` a year or a period opens
    /// it, and no span goes on; `None` it says nothing of time.
    pub(super) fn opening_span(&self, review_year: Option<i32>) -> Option<Option<Span>> {
        if self.plain {
            return None;
        }
        if let Some(span) = self.openers.first().copied().flatten() {
            return Some(Some(span));
        }
        self.ends_span(review_year).then_some(None)
    }

    /// Whether the sentence, opening a paragraph, makes it about one year:
    /// a year in its first clause, the year reviewed anywhere in it
    /// (各位代表，刚刚过去的2025年，…), or a period or a count of years opening
    /// it (一年来，).
    fn ends_span(&self, review_year: Option<i32>) -> bool {
        if self.plain {
            return false;
        }
        let first_clause = self.clauses.get(1).copied().unwrap_or(self.range.1);
        self.tokens.iter().enumerate().any(|(i, t)| match t.kind {
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
    fn time_only(&self, k: usize) -> bool {
        let at = self.clauses[k];
        let end = self.clauses.get(k + 1).copied().unwrap_or(self.range.1);
        let tokens = self.tokens_in(at, end);
        (self.openers[k].is_some() || tokens.iter().any(is_time))
            && self.residual(at, end) == 0
            && tokens.iter().all(|t| {
                is_time(t) || matches!(t.kind, TokenKind::ClauseSep | TokenKind::Terminator)
            })
    }

    /// Whether token `i` opens its clause and is no base of a comparison
    /// (比2022年), so that it sets the time of what follows it.
    fn sets_time(&self, pack: &RulePack, i: usize) -> bool {
        let t = &self.tokens[i];
        self.opening[i] && !self.after_comparison(pack, self.clause_start(t.start), t.start)
    }

    /// The paragraph's time after this sentence: what its clauses of time
    /// words alone set (上半年，…。规上工业增加值增长3%。: the second
    /// sentence is of the first half too), until another resets it. A time
    /// word that is part of a clause (今年一季度完成…) stays in its sentence.
    pub(super) fn paragraph_time(
        &self,
        pack: &RulePack,
        date_year: Option<i32>,
        mut time: TimeState,
    ) -> TimeState {
        if !self.plain {
            for k in (0..self.clauses.len()).filter(|&k| self.time_only(k)) {
                if let Some(span) = self.openers[k] {
                    time.open(span);
                }
                let at = self.clauses[k];
                let end = self.clauses.get(k + 1).copied().unwrap_or(self.range.1);
                for t in self.tokens_in(at, end) {
                    time.take(pack, date_year, t, false);
                }
            }
        }
        time.five_year = false;
        time
    }

    pub(super) fn tokens_in(&self, from: usize, to: usize) -> &'a [Token] {
        hits_in(self.tokens, |t| t.start, from, to)
    }

    pub(super) fn cues_in(&self, from: usize, to: usize) -> &'a [CueHit] {
        hits_in(self.cues, |c| c.start, from, to)
    }

    pub(super) fn depth_at(&self, pos: usize) -> u8 {
        self.depth.get(pos - self.range.0).copied().unwrap_or(0)
    }

    /// Index of the clause holding `pos`.
    pub(super) fn clause_index(&self, pos: usize) -> usize {
        self.clauses
            .partition_point(|&c| c <= pos)
            .saturating_sub(1)
    }

    pub(super) fn clause_start(&self, pos: usize) -> usize {
        self.clauses[self.clause_index(pos)]
    }

    /// Content characters in `[a, b)` that nothing accounts for.
    pub(super) fn residual(&self, a: usize, b: usize) -> usize {
        if a >= b {
            return 0;
        }
        (self.content[b - self.range.0] - self.content[a - self.range.0]) as usize
    }

    /// 比2022年 / 较上年 / 与2019年: a year right after a comparison word is
    /// a base, not the figure's year.
    pub(super) fn after_comparison(&self, pack: &RulePack, clause: usize, pos: usize) -> bool {
        self.cues_in(clause, pos)
            .iter()
            .any(|c| c.end == pos && pack.lexicon.roles(c).contains(&Role::Comparison))
            || pack.lexicon.is_base_before(&self.line[..pos])
    }
}
