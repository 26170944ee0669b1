//! The apply stage: the rule pack's vocabulary meets the grammar's tokens.
//!
//! For each line that names an indicator, the grammar gives sentences,
//! clauses and figures; this stage decides which name each figure is about,
//! and what the figure is (metric, kind, year, period, bound, tier).
//!
//! How a figure finds its name:
//! - the last name (or list of names, A、B、C) before it in the same clause,
//!   when what stands between is only link words (同比, 总量 …), verbs,
//!   qualifiers and notes in parentheses — at most `max_gap` other characters;
//! - otherwise, in a later clause of the same sentence, the name the
//!   previous figure was about, when the clause opens with at most
//!   `max_inherit` other characters (",同比增长3%");
//! - a clause that opens with some other subject (",生猪出栏14459头") ends the
//!   name's reach.

mod frame;
mod sentence;

pub use frame::{ReportTime, report_time};

use crate::normalise::Normalised;
use crate::outline::Heading;
use crate::parse::{self, Token, TokenKind};
use crate::record::{Diagnostic, Indicator, Severity};
use crate::rules::{AliasHit, CueHit, Hits, Role, RulePack};
use frame::{Frame, State, TimeState};
use sentence::{Sentence, hits_in, period_label};

/// Everything a document-level pass needs.
pub struct DocContext<'a> {
    pub pack: &'a RulePack,
    pub doc: &'a str,
    pub original: &'a str,
    pub norm: &'a Normalised<'a>,
    pub headings: &'a [Heading],
    pub lines: &'a crate::LineIndex,
    /// When set, why each record came out as it did (`zhibiao explain`).
    pub why: Option<&'a std::cell::RefCell<Vec<Why>>>,
}

/// Why a record came out as it did, decision by decision.
#[derive(Debug, Clone, Default)]
pub struct Why {
    pub name: String,
    pub metric: String,
    pub kind: String,
    pub year: String,
    pub bound: String,
    pub tier: String,
}

/// Run the apply stage over a whole document.
pub fn apply(cx: &DocContext<'_>, out: &mut Vec<Indicator>, diagnostics: &mut Vec<Diagnostic>) {
    let heading_time: Vec<(Option<i32>, Option<String>)> = cx
        .headings
        .iter()
        .map(|h| {
            let title = &cx.norm.text[h.marker_end..h.title_end];
            if !parse::may_hold_time(title, &cx.pack.grammar_words) {
                return (None, None);
            }
            let toks = parse::tokens(title, &cx.pack.grammar_words);
            let year = toks.iter().find_map(|t| match t.kind {
                TokenKind::Year(y) | TokenKind::Date(y) => Some(y),
                _ => None,
            });
            let period = toks.iter().find_map(|t| match &t.kind {
                TokenKind::Period(p) => Some(period_label(cx.pack, p)),
                _ => None,
            });
            (year, period)
        })
        .collect();
    let text = cx.norm.text.as_str();
    let mut time = report_time(text, &cx.pack.grammar_words);
    if time.report_year.is_none() {
        time.report_year = plan_year(cx.pack, text);
    }
    let mut state = State {
        time,
        frame: Frame::Unknown,
        next_heading: 0,
        stack: [None; 4],
    };
    if state.time.report_year.is_some() {
        state.frame = Frame::Past;
    }

    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..])
            .map_or(text.len(), |p| line_start + p);
        let line = &text[line_start..line_end];
        // Names and words matter only in a sentence that may hold a figure
        // or a plan statement: most of a report is spared the scan.
        let mut hits = Hits::default();
        let spans = if may_hold_figure(line) || cx.pack.may_hold_frame(line) {
            parse::sentences(line)
        } else {
            Vec::new()
        };
        for &(s, e, _) in &spans {
            let sentence = &line[s..e];
            if may_hold_figure(sentence) || cx.pack.may_hold_frame(sentence) {
                cx.pack.scan_range(line, s..e, &mut hits);
            }
        }
        let Hits {
            names: aliases,
            cues,
        } = hits;
        let frames = cues.iter().any(|c| cx.pack.is_frame(c));
        let tokens = (!aliases.is_empty() || frames)
            .then(|| line_tokens(cx.pack, line, &spans, &aliases, &cues));
        report_damaged(cx, line, line_start, tokens.as_deref(), diagnostics);
        let Some(tokens) = tokens else {
            state.advance(cx, &heading_time, line_end);
            line_start = line_end + 1;
            continue;
        };
        let aliases = without_subareas(cx.pack, &tokens, aliases, &cues);
        let mut paragraph = TimeState::default();
        for range in sentence_ranges(line, &tokens) {
            state.advance(cx, &heading_time, line_start + range.0);
            let sentence = Sentence::new(
                cx.pack,
                state.time.date_year,
                line,
                line_start,
                range,
                hits_in(&tokens, |t| t.start, range.0, range.1),
                hits_in(&aliases, |a| a.start, range.0, range.1),
                hits_in(&cues, |c| c.start, range.0, range.1),
                &paragraph,
            );
            // A plan statement (2025年主要预期目标是…) frames its own figures too.
            state.open_plan(cx.pack, &sentence);
            sentence.extract(cx, &state, &heading_time, out);
            paragraph = sentence.paragraph_time(cx.pack, state.time.date_year, paragraph);
        }
        state.advance(cx, &heading_time, line_end);
        line_start = line_end + 1;
    }
}

/// An undated report's year: the year of its first plan statement
/// (2025年主要预期目标是…), so that the review before it is read as the year
/// before.
fn plan_year(pack: &RulePack, text: &str) -> Option<i32> {
    text.split('\n')
        .filter(|l| pack.may_hold_frame(l))
        .find_map(|line| {
            let frames: Vec<CueHit> = pack
                .find_cues(line)
                .into_iter()
                .filter(|c| pack.is_frame(c))
                .collect();
            parse::sentences(line)
                .into_iter()
                .filter(|&(s, e, _)| frames.iter().any(|c| c.start >= s && c.end <= e))
                .find_map(|(s, e, _)| {
                    parse::tokens(&line[s..e], &pack.grammar_words)
                        .into_iter()
                        .find_map(|t| match t.kind {
                            TokenKind::Year(y) => Some(y),
                            _ => None,
                        })
                })
        })
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
        .filter_map(|i| parse::damaged(&line[i..], &cx.pack.grammar_words).map(|len| (i, i + len)));
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
            code: "damaged_number".into(),
            line: Some(cx.lines.line_of(cx.norm.original_offset(base + s))),
            message: format!(
                "digits missing in the source: `{}`",
                cx.original[os..oe].trim()
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

/// Whether `text` may hold a figure: a digit, or a threshold word with none
/// (超万亿元). Text with neither holds no figure, whatever it names.
fn may_hold_figure(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) || text.contains('亿')
}

/// Tokens of the sentences of a line that matter: those that name an
/// indicator or state a plan, and the earlier ones that may set the time
/// (…,2023年上半年,…). Other sentences only keep their terminator, so the
/// grammar — the slow stage — reads a fraction of the text.
fn line_tokens(
    pack: &RulePack,
    line: &str,
    spans: &[parse::SentenceSpan],
    aliases: &[AliasHit],
    cues: &[CueHit],
) -> Vec<Token> {
    let matters = |&(s, e, _): &parse::SentenceSpan| {
        may_hold_figure(&line[s..e])
            && (!hits_in(aliases, |a| a.start, s, e).is_empty()
                || hits_in(cues, |c| c.start, s, e)
                    .iter()
                    .any(|c| pack.is_frame(c)))
    };
    let last = spans.iter().rposition(matters).unwrap_or(0);
    let mut tokens = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let (s, e, end) = *span;
        let text = &line[s..e];
        let timely = i < last
            && (text.contains('年') || text.contains("季度"))
            && parse::may_hold_time(text, &pack.grammar_words);
        if matters(span) || timely {
            tokens.extend(
                parse::tokens(text, &pack.grammar_words)
                    .into_iter()
                    .map(|t| Token {
                        start: t.start + s,
                        end: t.end + s,
                        kind: t.kind,
                    }),
            );
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

/// A name with a sub-area word earlier in its clause (经开区力争形成固定资产
/// 投资…) is about that sub-area, not the region.
fn without_subareas(
    pack: &RulePack,
    tokens: &[Token],
    aliases: Vec<AliasHit>,
    cues: &[CueHit],
) -> Vec<AliasHit> {
    let bounds: Vec<usize> = tokens
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::ClauseSep | TokenKind::Terminator))
        .map(|t| t.end)
        .collect();
    aliases
        .into_iter()
        .filter(|a| {
            let clause = bounds
                .partition_point(|&b| b <= a.start)
                .checked_sub(1)
                .map_or(0, |i| bounds[i]);
            !hits_in(cues, |c| c.start, clause, a.start)
                .iter()
                .any(|c| c.end <= a.start && pack.roles(c).contains(&Role::Subarea))
        })
        .collect()
}

type Range = (usize, usize);
