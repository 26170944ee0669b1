//! The link stage: the rule pack's vocabulary meets the grammar's tokens.
//!
//! For each line that names an indicator, the grammar gives sentences,
//! clauses and figures, read once into a sentence index (`index`); then
//! each decision is a module of its own over that index: which name each
//! figure is about (`names`), whether the figure is about that name at all
//! (`whose`), its metric and sign (`metric`), bound (`bound`), tier
//! (`tier`), year and period (`time`) and kind (`kind`); `emit` puts them
//! together into a record with its provenance, and says why (`trace`).
//! Tables flattened into lines are read row by row under their header
//! (`table`). This file is the walk through a document's lines.

mod audit;
mod bound;
mod doc;
mod emit;
mod index;
mod kind;
mod metric;
mod names;
mod part;
mod table;
mod tier;
mod time;
mod trace;
mod whose;
pub mod words;

pub use audit::{Audit, Dropped, Seen};
pub use doc::DocContext;
pub use part::Resume;
pub use trace::{BoundWhy, KindWhy, MetricWhy, NameWhy, PeriodWhy, Sharing, TierWhy, Why, YearWhy};

use crate::link::words::{AliasHit, CueHit, Hits};
use crate::model::{Code, Severity};
use crate::parse::{self, Token, TokenKind};
use crate::record::{Diagnostic, Indicator};
use crate::rules::RulePack;
use emit::{At, quote};
use index::{Range, Sentence, hits_in};
use names::{Linked, NameList};
use part::{Frame, ReportTime};
use std::cell::RefCell;
use table::Table;
use time::{Before, SentenceTime, State, TimeState};

/// Run the link stage over a whole document.
pub fn link(
    cx: &DocContext<'_>,
    out: &mut Vec<Indicator>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resume {
    let pack = cx.pack;
    let headings = time::heading_time(cx);
    let text = cx.norm.text.as_str();
    let d = cx.document;
    let mut state = State {
        time: ReportTime {
            plan_year: d.plan_year(),
            review_year: d.review_year(),
            this_year: d.this_year(),
            looks_back: d.doc_type.value.looks_back(),
        },
        frame: Frame::Unknown,
        span: None,
        span_depth: 0,
        next_heading: 0,
        stack: [None; 4],
    };
    if state.time.plan_year.is_some() {
        state.frame = Frame::Past;
    }

    let mut table: Option<Table> = None;
    let mut resume = cx.resume;
    // What a line is read into, reused line after line.
    let mut spans: Vec<parse::SentenceSpan> = Vec::new();
    let mut figures: Vec<bool> = Vec::new();
    let mut hits = Hits::default();
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..])
            .map_or(text.len(), |p| line_start + p);
        if let Some((_, r)) =
            resume.filter(|&(from, _)| cx.norm.original_span(line_start, line_end).0 >= from)
        {
            state.frame = r.frame.unwrap_or(state.frame);
            state.open_span(r.span);
            resume = None;
        }
        let line = &text[line_start..line_end];
        // A table's rows are read by its header, until a line that is none.
        if let Some(t) = &table {
            state.advance(cx, &headings, line_start);
            if t.row(cx, &state, line, line_start, out).is_some() {
                line_start = line_end + 1;
                continue;
            }
            table = None;
        }
        if let Some(t) = Table::header(pack, line) {
            table = Some(t);
            line_start = line_end + 1;
            continue;
        }
        // Names and words matter only in a sentence that may hold a figure
        // or a plan statement: most of a report is spared the scan.
        spans.clear();
        figures.clear();
        hits.names.clear();
        hits.cues.clear();
        if parse::may_hold_figure(line) || pack.lexicon.may_hold_frame(line) {
            spans.extend(parse::sentences(line));
        }
        // Asked once per sentence: the tokens below ask again.
        figures.extend(
            spans
                .iter()
                .map(|&(s, e, _)| parse::may_hold_figure(&line[s..e])),
        );
        for (&(s, e, _), &figure) in spans.iter().zip(&figures) {
            let sentence = &line[s..e];
            if figure
                || pack.lexicon.may_hold_frame(sentence)
                || pack.lexicon.may_hold_five_year(sentence)
            {
                pack.lexicon.scan_range(line, s..e, &mut hits);
            }
        }
        let cues = &hits.cues;
        let frames = cues.iter().any(|c| pack.lexicon.is_frame(c));
        let tokens = (!hits.names.is_empty() || frames)
            .then(|| line_tokens(pack, line, &spans, &figures, &hits.names, cues));
        report_damaged(cx, line, line_start, tokens.as_deref(), diagnostics);
        let Some(tokens) = tokens else {
            state.advance(cx, &headings, line_start);
            paragraph_opening(cx, &mut state, line, &spans);
            state.advance(cx, &headings, line_end);
            line_start = line_end + 1;
            continue;
        };
        let region = cx.document.region.as_ref().map(|r| &r.value.region);
        let (aliases, excluded) =
            whose::without_excluded(pack, region, line, &tokens, &hits.names, cues);
        let mut paragraph = TimeState {
            span: state.span,
            ..TimeState::default()
        };
        let mut first = true;
        for range in sentence_ranges(line, &tokens) {
            state.advance(cx, &headings, line_start + range.0);
            let before = Before {
                this_year: state.time.this_year,
                review_year: state.time.review_year,
                opens_paragraph: first,
                time: &paragraph,
            };
            let sentence = Sentence::new(
                pack,
                line,
                line_start,
                range,
                hits_in(&tokens, |t| t.start, range.0, range.1),
                hits_in(&aliases, |a| a.start, range.0, range.1),
                hits_in(cues, |c| c.start, range.0, range.1),
            );
            let clock = SentenceTime::new(pack, &sentence, &before);
            // A plan statement (2025年主要预期目标是…) frames its own figures too.
            state.open_plan(pack, &sentence);
            if !sentence.plain {
                let line_no = cx
                    .lines
                    .line_of(cx.norm.original_offset(line_start + range.0));
                let at = At {
                    cx,
                    state: &state,
                    headings: &headings,
                    clock: &clock,
                    line_no,
                };
                let lists = names::name_lists(&sentence, pack);
                let links = names::link(&sentence, pack, &lists);
                if let Some(audit) = cx.audit {
                    let excluded = hits_in(&excluded, |(a, _)| a.start, range.0, range.1);
                    seen(cx, &sentence, &lists, &links, excluded, line_no, audit);
                }
                for linked in links {
                    emit::emit(&sentence, &at, &lists, &linked, out);
                }
            }
            paragraph = clock.paragraph_time(pack, &sentence, state.time.this_year, paragraph);
            // A paragraph that opens with a span, or with a year, says what
            // the paragraphs after it are about.
            if first && let Some(span) = clock.opening_span(&sentence, state.time.review_year) {
                state.open_span(span);
                paragraph.span = span;
            }
            // A salutation (各位代表！) opens no paragraph: the sentence after
            // it does (各位代表！刚刚过去的2020年，…).
            first = first && line[range.0..range.1].chars().count() <= SALUTATION_CHARS;
        }
        state.advance(cx, &headings, line_end);
        line_start = line_end + 1;
    }
    Resume {
        frame: Some(state.frame),
        span: state.span,
    }
}

/// The longest sentence taken for a salutation.
const SALUTATION_CHARS: usize = 8;

/// The sentence that opens a paragraph: its first, or the one after a
/// salutation (各位代表！).
fn opening_sentence(line: &str, spans: &[parse::SentenceSpan]) -> usize {
    spans
        .iter()
        .position(|&(s, e, _)| line[s..e].chars().count() > SALUTATION_CHARS)
        .unwrap_or(0)
}

/// An audited walk's account of a sentence: each figure it holds (in a
/// sentence that names an indicator), and why the ones no name reaches
/// were let go.
fn seen(
    cx: &DocContext<'_>,
    s: &Sentence<'_>,
    lists: &[NameList],
    links: &[Linked],
    excluded: &[(AliasHit, usize)],
    line_no: usize,
    audit: &RefCell<Audit>,
) {
    if s.aliases.is_empty() && excluded.is_empty() {
        return;
    }
    let mut audit = audit.borrow_mut();
    let sentence = cx
        .norm
        .original_span(s.base + s.range.0, s.base + s.range.1);
    let pack = cx.pack;
    for (i, t) in s.tokens.iter().enumerate() {
        let TokenKind::Figure(fig) = &t.kind else {
            continue;
        };
        if s.inside_name(t) {
            continue;
        }
        let span = cx.norm.original_span(s.base + t.start, s.base + t.end);
        // The pattern runs from the nearest name before the figure, in its
        // clause or the one before.
        let clause = s.clause_index(t.start);
        let from_clause = s.clauses[clause.saturating_sub(1)];
        let name_before = s
            .aliases
            .iter()
            .chain(excluded.iter().map(|(a, _)| a))
            .filter(|a| a.end <= t.start && a.start >= from_clause)
            .map(|a| a.start)
            .max();
        let from = name_before.unwrap_or(s.clauses[clause]);
        // A name in its clause whose indicator takes the figure's unit.
        let (clause_start, clause_end) = (s.clauses[clause], s.clause_end(clause));
        let class = pack.units.class(&fig.unit);
        let named = s
            .aliases
            .iter()
            .chain(excluded.iter().map(|(a, _)| a))
            .filter(|a| a.start >= clause_start && a.end <= clause_end)
            .any(|a| {
                let units = &pack.lexicon.targets[a.target].units;
                units.is_empty() || class.is_some_and(|c| units.iter().any(|u| u == c))
            });
        audit.figures.push(Seen {
            span,
            line: cx.lines.line_of(span.0).max(line_no),
            pattern: audit::pattern(s, from, t),
            text: quote(cx.original, sentence, span),
            named,
        });
        if links.iter().any(|l| l.group.contains(&i)) {
            continue;
        }
        let why = if let Some((_, ex)) = excluded
            .iter()
            .find(|(a, _)| a.start >= clause_start && a.end <= t.start)
        {
            Dropped::Exclusion(cx.pack.lexicon.exclusion(*ex).name.clone())
        } else if let Some(l) = lists.iter().rfind(|l| l.end <= t.start) {
            Dropped::OutOfReach {
                name: s.line[l.start..l.end].to_string(),
                chars: s.residual(l.end, t.start),
            }
        } else {
            Dropped::NoName
        };
        audit.dropped.push((span, why));
    }
}

/// A paragraph with no figure may still open a five-year span (“十四五”时期
///是…的五年。) or end one (2025年，…): its first sentence is read for that,
/// when it may hold one.
fn paragraph_opening(
    cx: &DocContext<'_>,
    state: &mut State,
    line: &str,
    spans: &[parse::SentenceSpan],
) {
    let pack = cx.pack;
    let first = match spans.get(opening_sentence(line, spans)) {
        Some(&(s, e, _)) => &line[s..e],
        None => parse::first_sentence(line).map_or("", |(s, e, _)| &line[s..e]),
    };
    if first.is_empty() {
        return;
    }
    let opens = pack.lexicon.may_hold_five_year(first) || parse::may_hold_plan(first);
    // Shaped (the vocabulary read) only when it may be needed, and once.
    let shaped =
        (opens || state.span.is_some()).then(|| parse::Shaped::new(first, &pack.grammar.words));
    let Some(shaped) = shaped.filter(|s| opens || s.may_hold_time()) else {
        return;
    };
    let tokens = shaped.time_tokens();
    let cues = pack.lexicon.scan(first).cues;
    let before = Before {
        this_year: state.time.this_year,
        review_year: state.time.review_year,
        opens_paragraph: true,
        time: &TimeState::default(),
    };
    let sentence = Sentence::new(pack, first, 0, (0, first.len()), &tokens, &[], &cues);
    let clock = SentenceTime::new(pack, &sentence, &before);
    if let Some(span) = clock.opening_span(&sentence, state.time.review_year) {
        state.open_span(span);
    }
}

/// Figures whose digits the source dropped become `damaged_number`
/// warnings. ".6亿元" is looked for on every line (a dot after no digit is
/// rare, and the grammar confirms it); "达到元" only shows in tokenised
/// sentences.
fn report_damaged(
    cx: &DocContext<'_>,
    line: &str,
    base: usize,
    tokens: Option<&[Token]>,
    out: &mut Vec<Diagnostic>,
) {
    let bytes = line.as_bytes();
    let dots = memchr::memchr_iter(b'.', bytes)
        .filter(|&i| {
            (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        })
        .filter_map(|i| parse::damaged(&line[i..], &cx.pack.grammar.words).map(|len| (i, i + len)));
    let words = tokens
        .into_iter()
        .flatten()
        .filter(|t| t.kind == TokenKind::Damaged && !line[t.start..].starts_with('.'))
        .map(|t| (t.start, t.end));
    for (s, e) in dots.chain(words) {
        // Show a little of what comes before, as a reader would search for it.
        let from = line[..s].char_indices().rev().nth(7).map_or(0, |(i, _)| i);
        let (os, oe) = cx.norm.original_span(base + from, base + e);
        out.push(Diagnostic {
            doc: cx.doc.to_string(),
            severity: Severity::Warning,
            code: Code::DamagedNumber,
            line: Some(cx.lines.line_of(cx.norm.original_offset(base + s))),
            message: format!(
                "digits missing in the source: `{}`",
                // As written, at most a line's worth (invisible characters
                // the normaliser dropped may stand between).
                {
                    let quoted = cx.original[os..oe].trim();
                    &quoted[..quoted.floor_char_boundary(200)]
                }
            ),
        });
    }
}

/// Sentence ranges of a tokenised line: up to and including each terminator.
fn sentence_ranges(line: &str, tokens: &[Token]) -> Vec<Range> {
    let mut out = Vec::new();
    let mut start = 0;
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Terminator) {
        out.push((start, t.end));
        start = t.end;
    }
    if start < line.len() && !line[start..].trim().is_empty() {
        out.push((start, line.len()));
    }
    out
}

/// Tokens of the sentences of a line that matter: those that name an
/// indicator or state a plan, and the earlier ones that may set the time
/// (…,2023年上半年,…). Other sentences only keep their terminator, so the
/// grammar — the slow stage — reads a fraction of the text.
fn line_tokens(
    pack: &RulePack,
    line: &str,
    spans: &[parse::SentenceSpan],
    figures: &[bool],
    aliases: &[AliasHit],
    cues: &[CueHit],
) -> Vec<Token> {
    let matters = |i: usize| {
        let (s, e, _) = spans[i];
        figures[i]
            && (!hits_in(aliases, |a| a.start, s, e).is_empty()
                || hits_in(cues, |c| c.start, s, e)
                    .iter()
                    .any(|c| pack.lexicon.is_frame(c)))
    };
    let last = (0..spans.len()).rposition(matters).unwrap_or(0);
    let opening = opening_sentence(line, spans);
    let mut tokens = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let (s, e, end) = *span;
        let text = &line[s..e];
        let matters = matters(i);
        // A sentence before the last that matters is read for its time
        // only. A paragraph's first sentence may say which year it is
        // about (刚刚过去的2017年，…); a later one sets the time only in a
        // clause that opens with it.
        let shaped = (matters || i < last).then(|| parse::Shaped::new(text, &pack.grammar.words));
        let read = shaped.as_ref().and_then(|shaped| {
            if matters {
                return Some(shaped.tokens());
            }
            let timely = if i <= opening {
                shaped.may_hold_time()
            } else {
                shaped.may_open_with_time()
            } || hits_in(cues, |c| c.start, s, e).iter().any(|c| {
                pack.lexicon
                    .roles(c)
                    .contains(&crate::link::words::Role::FiveYear)
            });
            timely.then(|| shaped.time_tokens())
        });
        if let Some(read) = read {
            tokens.extend(read.into_iter().map(|t| Token {
                start: t.start + s,
                end: t.end + s,
                kind: t.kind,
            }));
            // A sentence cut for its length ends where it was cut.
            if let Some((ts, te)) = end.filter(|(ts, te)| ts == te) {
                tokens.push(Token {
                    start: ts,
                    end: te,
                    kind: TokenKind::Terminator,
                });
            }
        } else if let Some((ts, te)) = end {
            tokens.push(Token {
                start: ts,
                end: te,
                kind: TokenKind::Terminator,
            });
        }
    }
    tokens
}
