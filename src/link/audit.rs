//! What the walk saw and let go, for `zhibiao gaps`: every figure of a
//! sentence that names an indicator, its clause masked into a pattern
//! (`<NAME>增长<NUM><UNIT>`), and, where the engine let a figure go on
//! purpose, why. Kept only when asked for (an [`Audit`] in the context):
//! the walk pays nothing for it otherwise.

use super::index::Sentence;
use crate::parse::{Token, TokenKind};

/// What an audited walk saw.
#[derive(Debug, Default, Clone)]
pub struct Audit {
    /// Every figure of a sentence that names an indicator.
    pub figures: Vec<Seen>,
    /// Why figures were let go, by their span in the original text.
    pub dropped: Vec<((usize, usize), Dropped)>,
}

/// A figure the walk saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Its span in the original text.
    pub span: (usize, usize),
    pub line: usize,
    /// The text from the name before it (in its clause or the one before)
    /// to its end, masked: names, numbers, units, years.
    pub pattern: String,
    /// Its sentence as written (a window around it for a long one).
    pub text: String,
    /// A name stands in its clause whose indicator takes its unit: a
    /// figure that gave no record is then a likely miss.
    pub named: bool,
}

/// Why the engine let a figure go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    /// No name before it reaches it: `chars` content characters stand
    /// between the nearest name (`name`) and the figure, or another
    /// subject opens its clause.
    OutOfReach { name: String, chars: usize },
    /// No name before it in its sentence.
    NoName,
    /// An exclusion word made it about something else (its name).
    Exclusion(String),
    /// Its unit is of a class the indicator does not take.
    UnitClass { unit: String, indicator: String },
    /// A gap against a target or an average (高于全市平均…).
    Gap,
    /// It describes the noun after it (73%的常住人口).
    DescribesNoun,
    /// A span that is no year and no five years (两年平均, 比2019年 in a
    /// review of 2022).
    NotOneYear,
    /// It is the figure of a listed item that names nothing the pack knows
    /// (农村劳动力转移就业 in 城镇新增就业4005人、农村劳动力转移就业2503人).
    OtherItem,
}

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dropped::OutOfReach { name, chars } => write!(
                f,
                "out of reach: {chars} other characters (or another subject) between `{name}` and the figure"
            ),
            Dropped::NoName => f.write_str("no name before it in its sentence"),
            Dropped::Exclusion(name) => write!(f, "exclusion `{name}`"),
            Dropped::UnitClass { unit, indicator } => {
                write!(f, "unit `{unit}` is of a class `{indicator}` does not take")
            }
            Dropped::Gap => f.write_str("a gap against a target or an average"),
            Dropped::DescribesNoun => f.write_str("describes the noun after it"),
            Dropped::NotOneYear => f.write_str("over a span that is no year and no five years"),
            Dropped::OtherItem => {
                f.write_str("the figure of an item that names nothing the pack knows")
            }
        }
    }
}

/// The longest pattern kept, in characters: the end nearest the figure.
const PATTERN_CHARS: usize = 48;

/// The text from `from` to the end of the figure `fig`, masked: names
/// `<NAME>`, years `<YEAR>`, a figure's number `<NUM>` and unit `<UNIT>`,
/// other digits `<N>`; words the engine reads (verbs, qualifiers, time
/// words, cue words) stay, and a run of other text is `…`, so that one
/// phrasing is one pattern whatever the nouns around it.
pub(super) fn pattern(s: &Sentence<'_>, from: usize, fig: &Token) -> String {
    let line = s.line;
    // What to put in place of each range, in order.
    let mut masks: Vec<(usize, usize, &str)> = Vec::new();
    for a in s
        .aliases
        .iter()
        .filter(|a| a.start >= from && a.end <= fig.end)
    {
        masks.push((a.start, a.end, "<NAME>"));
    }
    for t in s.tokens_in(from, fig.end) {
        match &t.kind {
            TokenKind::Year(_) | TokenKind::Date(_) => masks.push((t.start, t.end, "<YEAR>")),
            TokenKind::Figure(f) => {
                let amount = &line[t.start + f.amount_start..t.end];
                if let Some(u) = amount.find(f.unit.as_str()).filter(|_| !f.unit.is_empty()) {
                    let at = t.start + f.amount_start;
                    masks.push((at, at + u, "<NUM>"));
                    masks.push((at + u, at + u + f.unit.len(), "<UNIT>"));
                } else {
                    masks.push((t.start + f.amount_start, t.end, "<NUM>"));
                }
            }
            _ => {}
        }
    }
    masks.sort_by_key(|m| (m.0, std::cmp::Reverse(m.1)));
    // Words the engine reads, kept as written.
    let read: Vec<(usize, usize)> = s
        .tokens_in(from, fig.end)
        .iter()
        .map(|t| (t.start, t.end))
        .chain(s.cues_in(from, fig.end).iter().map(|c| (c.start, c.end)))
        .collect();
    let plain = |a: usize, b: usize| {
        let mut out = String::new();
        for (i, c) in line[a..b].char_indices() {
            let at = a + i;
            if read.iter().any(|&(s, e)| s <= at && at < e) || !c.is_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('…') {
                out.push('…');
            }
        }
        digits(&out)
    };
    let mut out = String::new();
    let mut at = from;
    for (a, b, mask) in masks {
        if a < at {
            continue;
        }
        out.push_str(&plain(at, a));
        out.push_str(mask);
        at = b;
    }
    out.push_str(&plain(at, fig.end.max(at)));
    let chars: Vec<char> = out.chars().collect();
    if chars.len() > PATTERN_CHARS {
        let tail: String = chars[chars.len() - PATTERN_CHARS..].iter().collect();
        format!("…{tail}")
    } else {
        out
    }
}

/// Runs of digits as `<N>`; blanks dropped.
fn digits(text: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let digit = c.is_ascii_digit() || c == '.';
        if digit && !in_digits {
            out.push_str("<N>");
        }
        if !digit {
            out.push(c);
        }
        in_digits = digit;
    }
    out
}
