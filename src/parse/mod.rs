//! The parse stage: runs the pest grammar (grammar/report.pest) over one line
//! of normalised text and returns typed tokens with their byte spans.
//!
//! The grammar knows shapes, not words: the rule pack's vocabulary words are
//! turned into marks first (see `shape`), and tokens are mapped back to the
//! text.
//!
//! The grammar is the slow stage of the pipeline (tens of MB/s), so the
//! engine only calls it on sentences that may hold a figure and name an
//! indicator or state a plan, and on heading candidates; within those, only
//! where a token can begin (see `prefix`).

#[cfg(test)]
mod classes;
#[cfg(test)]
mod prefix;
mod shape;
mod tables;
pub mod words;

pub use shape::{Class, Classes, Shape, Words};

use std::sync::LazyLock;

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../grammar/report.pest"]
pub struct ReportGrammar;

/// A token of a line; spans are byte offsets into the line.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// 。！？ – ends a sentence.
    Terminator,
    /// ,;: – ends a clause.
    ClauseSep,
    /// 、
    ListSep,
    Open,
    Close,
    Year(i32),
    /// 2024年2月27日, 2024-04-28: a full date.
    Date(Date),
    /// 2021-2025年
    YearRange(i32, i32),
    /// 3年, 五年: a number of years (a span a figure may be over).
    YearCount(u32),
    /// 今年, 去年 … (meaning in the rule pack)
    RelYear(String),
    /// “十四五”: the last year of that five-year plan.
    PlanSpan(i32),
    /// A period word as written (上半年) or a month range already labelled (M1-M3).
    Period(String),
    Figure(Figure),
    /// Digits dropped by the source (".6亿元", "达到元").
    Damaged,
    Tier(String),
    /// 分别 / 均: spreads figures over names (meaning in the rule pack).
    Distributor(String),
    /// 截至 / 在 before a time phrase.
    TimePrep,
    Verb(String),
}

/// A calendar date as written in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// ISO 8601 (2026-01-27), or `None` for a date no calendar has.
    pub fn iso(&self) -> Option<String> {
        ((1..=12).contains(&self.month) && (1..=31).contains(&self.day))
            .then(|| format!("{:04}-{:02}-{:02}", self.year, self.month, self.day))
    }
}

/// A number with its unit and the words around it, as the grammar saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub verb: Option<String>,
    pub pre_qual: Option<String>,
    pub inner_qual: Option<String>,
    pub post_qual: Option<String>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// Start of the amount itself (after verb and qualifier), in the line.
    pub amount_start: usize,
}

/// Whether `line` is a section marker and nothing else ("三、", "(三)").
pub fn lone_marker(line: &str) -> bool {
    let line = line.trim();
    // The longest marker, "(九十九)", is 11 bytes; a failed parse of a long
    // line would cost a scan of it for the error report.
    let mut chars = line.chars();
    line.len() <= 16
        && chars
            .next()
            .is_some_and(|c| STARTS.heading.may_begin(c, chars.next()))
        && ReportGrammar::parse(Rule::lone_marker_here, line)
            .ok()
            .and_then(|mut p| p.next()?.into_inner().next())
            .is_some()
}

/// Length of a damaged figure (".6亿元") at the start of `text`, if any.
pub fn damaged(text: &str, words: &Words) -> Option<usize> {
    let text = head(text, 64);
    let shape = Shape::new(text, words);
    let pair = ReportGrammar::parse(Rule::damaged_here, &shape.text)
        .ok()?
        .next()?
        .into_inner()
        .next()?;
    Some(shape.to_text(0, pair.as_span().end()).1)
}

/// At most `max` bytes of `text`, cut at a character boundary: what a rule
/// that matches short shapes needs to see (pest reports a failure with a scan
/// of the whole input it was given).
fn head(text: &str, max: usize) -> &str {
    &text[..text.floor_char_boundary(max)]
}

use tables::{CharClass, Structural};

/// The grammar's verdict on every character of the Basic Multilingual Plane
/// (see `tables`), worked out when the crate was built.
static CLASSES: &[u8; 0x10000] = include_bytes!(concat!(env!("OUT_DIR"), "/char_classes.bin"));

/// Where the grammar's tokens can begin, by two characters: worked out from
/// grammar/report.pest when the crate was built (see `tables`).
struct Starts {
    /// Any token of a line.
    token: tables::Starts,
    /// A section marker (its starts are those of `marker`).
    heading: tables::Starts,
    /// A word of time: a year, a date, a year range, a relative year, a
    /// five-year plan, a period.
    time: tables::Starts,
    /// What `time_token_here` reads: words of time and bare numbers.
    time_token: tables::Starts,
    /// What `date_here` reads: dates and bare numbers.
    date: tables::Starts,
}

/// The prefix tables, in the order build.rs writes them (`prefix::STARTS`).
const PREFIXES: [&str; 5] = [
    include_str!(concat!(env!("OUT_DIR"), "/starts_token.txt")),
    include_str!(concat!(env!("OUT_DIR"), "/starts_heading.txt")),
    include_str!(concat!(env!("OUT_DIR"), "/starts_time.txt")),
    include_str!(concat!(env!("OUT_DIR"), "/starts_time_token.txt")),
    include_str!(concat!(env!("OUT_DIR"), "/starts_date.txt")),
];

static STARTS: LazyLock<Starts> = LazyLock::new(|| {
    let [token, heading, time, time_token, date] =
        PREFIXES.map(|text| tables::Starts::from_prefixes(tables::read(text)));
    Starts {
        token,
        heading,
        time,
        time_token,
        date,
    }
});

/// Build this module's tables now (see [`crate::prepare`]).
pub fn prepare() {
    LazyLock::force(&TERMINATOR_LEADS);
    LazyLock::force(&STARTS);
}

/// Whether `text` may hold a word of time (a year, a date, 今年, “十四五”,
/// a period): text that holds none need not be tokenised for its time.
pub fn may_hold_time(text: &str, words: &Words) -> bool {
    Shaped::new(text, words).may_hold_time()
}

/// A line read once for the vocabulary's words (its shape), for the
/// questions the grammar answers about it: a sentence that is asked
/// several is shaped once.
pub struct Shaped<'t> {
    line: &'t str,
    shape: Shape<'t>,
}

impl<'t> Shaped<'t> {
    pub fn new(line: &'t str, words: &Words) -> Shaped<'t> {
        Shaped {
            line,
            shape: Shape::new(line, words),
        }
    }

    /// The line's tokens (see [`tokens`]).
    pub fn tokens(&self) -> Vec<Token> {
        scan(self, &STARTS.token, Rule::token_here)
    }

    /// Its words of time (see [`time_tokens`]).
    pub fn time_tokens(&self) -> Vec<Token> {
        scan(self, &STARTS.time_token, Rule::time_token_here)
    }

    /// The first full date of the line (2024年1月15日, 2024-01-15), if any:
    /// what [`time_tokens`] would find, tried only where a date may begin.
    pub fn first_date(&self) -> Option<Date> {
        scan(self, &STARTS.date, Rule::date_here)
            .into_iter()
            .find_map(|t| match t.kind {
                TokenKind::Date(d) => Some(d),
                _ => None,
            })
    }

    /// See [`may_hold_time`].
    pub fn may_hold_time(&self) -> bool {
        STARTS.time.anywhere(&self.shape.text)
    }

    /// Whether a clause of the line may open with a word of time (2023年，…;
    /// 截至9月底，…; 上半年，…): only such a phrase sets the time of what
    /// follows, so a sentence with none need not be read for its time.
    pub fn may_open_with_time(&self) -> bool {
        let mut chars = self.shape.text.chars().peekable();
        let mut opens = true;
        while let Some(c) = chars.next() {
            match class(c) {
                CharClass::Structural(Structural::ClauseSep | Structural::Terminator) => {
                    opens = true
                }
                _ if c.is_whitespace() => {}
                _ if opens => {
                    if STARTS.time_token.may_begin(c, chars.peek().copied()) {
                        return true;
                    }
                    opens = false;
                }
                _ => {}
            }
        }
        false
    }
}

/// Whether `text` may hold a figure: a digit, or a Chinese numeral's
/// magnitude (一千二百亿元, 超万亿元, 百分之七). Text with neither holds no
/// figure, whatever it names.
pub fn may_hold_figure(text: &str) -> bool {
    // Every line is asked, so bytes only, three at a time, 32 positions per
    // round with no branch inside (a loop the compiler vectorises): a digit,
    // or a magnitude's UTF-8 whole (十 E5 8D 81, 千 E5 8D 83, 百 E7 99 BE,
    // 万 E4 B8 87, 亿 E4 BA BF), its last byte at the position.
    let mark = |l: u8, m: u8, c: u8| {
        (c.is_ascii_digit()
            | (l == 0xE5) & (m == 0x8D) & ((c == 0x81) | (c == 0x83))
            | (l == 0xE7) & (m == 0x99) & (c == 0xBE)
            | (l == 0xE4) & (m == 0xB8) & (c == 0x87)
            | (l == 0xE4) & (m == 0xBA) & (c == 0xBF)) as u8
    };
    let b = text.as_bytes();
    if b.iter().take(2).any(u8::is_ascii_digit) {
        return true;
    }
    let Some(n) = b.len().checked_sub(2) else {
        return false;
    };
    let (l, m, c) = (&b[..n], &b[1..][..n], &b[2..][..n]);
    let marked = |l: &[u8], m: &[u8], c: &[u8]| {
        l.iter()
            .zip(m)
            .zip(c)
            .fold(0, |acc, ((&l, &m), &c)| acc | mark(l, m, c))
            != 0
    };
    let whole = n / 32 * 32;
    l[..whole]
        .chunks_exact(32)
        .zip(m[..whole].chunks_exact(32))
        .zip(c[..whole].chunks_exact(32))
        .any(|((l, m), c)| marked(l, m, c))
        || marked(&l[whole..], &m[whole..], &c[whole..])
}

/// Where each year `text` may name ends: right after 年 with four digits,
/// Arabic or Chinese, before it (2012年, 二〇一二年). Most sentences of a
/// report hold 年 (今年, 年均) but no year.
pub fn year_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.match_indices('年').filter_map(|(at, y)| {
        let before = text[..at].chars().rev().take(4);
        (before.clone().count() == 4
            && (before.clone().all(|c| c.is_ascii_digit())
                || before.clone().all(|c| cn_digit_value(c).is_some())))
        .then_some(at + y.len())
    })
}

/// Whether `text` may name a five-year plan (“十四五”): a shape with 十.
pub fn may_hold_plan(text: &str) -> bool {
    text.contains('十')
}

/// The first bytes of the terminators' UTF-8: a line is split into
/// sentences by looking at these bytes only.
static TERMINATOR_LEADS: LazyLock<[bool; 256]> = LazyLock::new(|| {
    let mut leads = [false; 256];
    for (cp, &code) in CLASSES.iter().enumerate() {
        if CharClass::from_code(code) == CharClass::Structural(Structural::Terminator) {
            let c = char::from_u32(cp as u32).expect("classes are of characters");
            let mut buf = [0u8; 4];
            leads[usize::from(c.encode_utf8(&mut buf).as_bytes()[0])] = true;
        }
    }
    leads
});

fn class(c: char) -> CharClass {
    CLASSES
        .get(c as usize)
        .map_or(CharClass::Other, |&code| CharClass::from_code(code))
}

/// Longest token the engine looks for, in bytes (a figure with a note and a
/// range is under 80).
const WINDOW: usize = 160;

/// A sentence of a line: its byte range, and its terminator's if it has
/// one (an empty one where an over-long sentence was cut).
pub type SentenceSpan = (usize, usize, Option<(usize, usize)>);

/// The longest sentence read as one, in bytes. A report's longest run a few
/// hundred characters (1.4 KB in every corpus we hold); a "sentence" of
/// megabytes (a page that never ends one) is cut into pieces of about this
/// size, at a clause break where one is near, so that what a sentence costs
/// to read stays bounded whatever the input.
pub const MAX_SENTENCE: usize = 8 << 10;

/// Sentence spans of a line, one at a time.
pub fn sentences(line: &str) -> impl Iterator<Item = SentenceSpan> + '_ {
    Sentences::new(line)
}

/// The first sentence of a line, read no further than its end.
pub fn first_sentence(line: &str) -> Option<SentenceSpan> {
    Sentences::new(line).next()
}

/// A line's sentences, one at a time: a sentence ends at a terminator, the
/// line's end, or where it grew too long (see [`MAX_SENTENCE`]).
struct Sentences<'a> {
    line: &'a str,
    /// Where the next sentence starts, and how far it may run before it is cut.
    start: usize,
    cap: usize,
    /// The next byte to look at.
    at: usize,
}

impl<'a> Sentences<'a> {
    fn new(line: &'a str) -> Sentences<'a> {
        Sentences {
            line,
            start: 0,
            cap: MAX_SENTENCE,
            at: 0,
        }
    }

    fn end_at(&mut self, end: usize, terminator: (usize, usize)) -> SentenceSpan {
        let span = (self.start, end, Some(terminator));
        self.start = end;
        self.cap = end + MAX_SENTENCE;
        span
    }
}

impl Iterator for Sentences<'_> {
    type Item = SentenceSpan;

    fn next(&mut self) -> Option<SentenceSpan> {
        let leads = &*TERMINATOR_LEADS;
        let (line, bytes) = (self.line, self.line.as_bytes());
        while self.at < bytes.len() {
            let i = self.at;
            if i >= self.cap && line.is_char_boundary(i) {
                let cut = clause_break(&line[self.start..i]).map_or(i, |c| self.start + c);
                return Some(self.end_at(cut, (cut, cut)));
            }
            self.at += 1;
            // Never a continuation byte, so `i` is a character boundary.
            if !leads[usize::from(bytes[i])] {
                continue;
            }
            let c = line[i..].chars().next().expect("a character boundary");
            if class(c) == CharClass::Structural(Structural::Terminator) {
                let end = i + c.len_utf8();
                self.at = end;
                return Some(self.end_at(end, (i, end)));
            }
        }
        (self.start < line.len()).then(|| {
            let span = (self.start, line.len(), None);
            self.start = line.len();
            span
        })
    }
}

/// Where an over-long sentence is cut: after its last clause separator in
/// the second half, if it has one.
fn clause_break(text: &str) -> Option<usize> {
    let half = text.floor_char_boundary(text.len() / 2);
    text[half..]
        .char_indices()
        .rev()
        .find(|&(_, c)| class(c) == CharClass::Structural(Structural::ClauseSep))
        .map(|(i, c)| half + i + c.len_utf8())
}

/// Tokenise one line (no line break inside), as the grammar's `paragraph`
/// rule reads it, with `words` the pack's vocabulary. Never fails: text the
/// grammar cannot place is skipped. Spans are byte offsets into `line`.
pub fn tokens(line: &str, words: &Words) -> Vec<Token> {
    Shaped::new(line, words).tokens()
}

/// The words of time of one line (years, dates, year ranges and counts,
/// relative years, five-year plans, periods, time prepositions) and its
/// punctuation, as [`tokens`] would give them, for a fraction of the cost:
/// for sentences read only for their time.
pub fn time_tokens(line: &str, words: &Words) -> Vec<Token> {
    Shaped::new(line, words).time_tokens()
}

/// Tokens of a line by `rule`, tried only where `starts` says one of its
/// tokens can begin.
fn scan(shaped: &Shaped<'_>, starts: &tables::Starts, rule: Rule) -> Vec<Token> {
    let (shape, line) = (&shaped.shape, shaped.line);
    let text = &*shape.text;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let len = c.len_utf8();
        let kind = match class(c) {
            CharClass::Other => None,
            CharClass::Lead if !starts.may_begin(c, text[i + len..].chars().next()) => None,
            CharClass::Lead => match token_here(shape, line, i, rule) {
                Some((token, end)) => {
                    out.extend(token);
                    i = end;
                    continue;
                }
                None => None,
            },
            CharClass::Structural(s) => Some(match s {
                Structural::Terminator => TokenKind::Terminator,
                Structural::ClauseSep => TokenKind::ClauseSep,
                Structural::ListSep => TokenKind::ListSep,
                Structural::Open => TokenKind::Open,
                Structural::Close => TokenKind::Close,
            }),
        };
        if let Some(kind) = kind {
            let (start, end) = shape.to_text(i, i + len);
            out.push(Token { start, end, kind });
        }
        i += len;
    }
    out
}

/// The token that begins at byte `at` of the shape: the token (`None` for
/// one the engine ignores, a bare number) and where it ends in the shape.
fn token_here(
    shape: &Shape<'_>,
    line: &str,
    at: usize,
    rule: Rule,
) -> Option<(Option<Token>, usize)> {
    let text = &*shape.text;
    let end = at + head(&text[at..], WINDOW).len();
    let pair = ReportGrammar::parse(rule, &text[at..end]).ok()?.next()?;
    let len = pair.as_span().end();
    // No inner pair: `ANY` matched, no token begins here.
    let reader = Reader {
        shape,
        line,
        base: at,
    };
    let token = pair.into_inner().next().and_then(|p| token(p, &reader));
    (len > 0).then_some((token, at + len))
}

/// Reads pairs of a parse of (part of) a shape back in the line's terms.
struct Reader<'a> {
    shape: &'a Shape<'a>,
    line: &'a str,
    /// Where the parsed input starts in the shape.
    base: usize,
}

impl Reader<'_> {
    fn span(&self, p: &Pair<'_, Rule>) -> (usize, usize) {
        let s = p.as_span();
        self.shape
            .to_text(self.base + s.start(), self.base + s.end())
    }

    fn str(&self, p: &Pair<'_, Rule>) -> String {
        let (s, e) = self.span(p);
        self.line[s..e].to_string()
    }
}

/// The same tokens, by running `paragraph` over the whole line: the
/// reference the scanner is checked against.
#[cfg(test)]
fn tokens_by_paragraph(line: &str, words: &Words) -> Vec<Token> {
    let shape = Shape::new(line, words);
    let Ok(mut pairs) = ReportGrammar::parse(Rule::paragraph, &shape.text) else {
        return Vec::new();
    };
    let Some(paragraph) = pairs.next() else {
        return Vec::new();
    };
    let reader = Reader {
        shape: &shape,
        line,
        base: 0,
    };
    paragraph
        .into_inner()
        .filter_map(|p| token(p, &reader))
        .collect()
}

fn token(pair: Pair<'_, Rule>, r: &Reader<'_>) -> Option<Token> {
    let (start, end) = r.span(&pair);
    let kind = match pair.as_rule() {
        Rule::terminator => TokenKind::Terminator,
        Rule::clause_sep => TokenKind::ClauseSep,
        Rule::list_sep => TokenKind::ListSep,
        Rule::open => TokenKind::Open,
        Rule::close => TokenKind::Close,
        Rule::year => TokenKind::Year(year_of(pair)?),
        Rule::date => TokenKind::Date(date_of(pair)?),
        Rule::year_range => {
            let mut ys = pair
                .into_inner()
                .filter(|p| p.as_rule() == Rule::year_digits);
            let a = ys.next()?.as_str().parse().ok()?;
            let b = ys.next()?.as_str().parse().ok()?;
            TokenKind::YearRange(a, b)
        }
        Rule::rel_year => TokenKind::RelYear(r.str(&pair)),
        Rule::year_count => {
            let n = pair.into_inner().next()?;
            TokenKind::YearCount(match n.as_rule() {
                Rule::cn_number => cn_value(n.as_str())?,
                _ => n.as_str().parse().ok()?,
            })
        }
        Rule::plan_span => {
            let at_end = pair
                .clone()
                .into_inner()
                .any(|p| p.as_rule() == Rule::span_end);
            let n = pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::cn_digit)
                .and_then(|d| cn_value(d.as_str()))?;
            // From the sixth plan (1981–1985) on, plan n ends in 1955 + 5n.
            let end = 1955 + 5 * (10 + n as i32);
            if at_end {
                TokenKind::Year(end)
            } else {
                TokenKind::PlanSpan(end)
            }
        }
        Rule::period => TokenKind::Period(period_label(pair, r)),
        Rule::figure => TokenKind::Figure(figure(pair, r, start)?),
        Rule::damaged => TokenKind::Damaged,
        Rule::tier => TokenKind::Tier(r.str(&pair)),
        Rule::distributor => TokenKind::Distributor(r.str(&pair)),
        Rule::time_prep => TokenKind::TimePrep,
        Rule::verb => TokenKind::Verb(r.str(&pair)),
        Rule::bare_number | Rule::EOI => return None,
        _ => return None,
    };
    Some(Token { start, end, kind })
}

fn date_of(pair: Pair<'_, Rule>) -> Option<Date> {
    let year = year_of(pair.clone())?;
    let mut parts = pair
        .into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::month | Rule::day | Rule::cn_number))
        .map(|p| match p.as_rule() {
            Rule::cn_number => cn_value(p.as_str()),
            _ => p.as_str().parse().ok(),
        });
    Some(Date {
        year,
        month: parts.next()??,
        day: parts.next()??,
    })
}

fn year_of(pair: Pair<'_, Rule>) -> Option<i32> {
    let digits = pair
        .into_inner()
        .find(|p| matches!(p.as_rule(), Rule::year_digits | Rule::cn_year))?;
    match digits.as_rule() {
        Rule::cn_year => digits
            .as_str()
            .chars()
            .try_fold(0, |y, c| Some(y * 10 + cn_value(&c.to_string())? as i32)),
        _ => digits.as_str().parse().ok(),
    }
}

/// Months get their label here (a shape: 1-3月 → M1-M3, 9月份 → M9); period
/// words are labelled by the rule pack.
fn period_label(pair: Pair<'_, Rule>, r: &Reader<'_>) -> String {
    let text = r.str(&pair);
    let Some(inner) = pair.into_inner().next() else {
        return text;
    };
    let months: Vec<&str> = inner
        .clone()
        .into_inner()
        .filter(|p| p.as_rule() == Rule::month)
        .map(|p| p.as_str())
        .collect();
    match (inner.as_rule(), &months[..]) {
        (Rule::month_range, [a, b]) => format!("M{a}-M{b}"),
        (Rule::one_month, [a]) => format!("M{a}"),
        _ => r.str(&inner),
    }
}

/// A figure token; `start` is where it begins in the line.
fn figure(pair: Pair<'_, Rule>, r: &Reader<'_>, start: usize) -> Option<Figure> {
    let mut f = Figure {
        verb: None,
        pre_qual: None,
        inner_qual: None,
        post_qual: None,
        value: 0.0,
        value_max: None,
        unit: String::new(),
        amount_start: 0,
    };
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::verb => f.verb = Some(r.str(&part)),
            Rule::qual_before => f.pre_qual = Some(r.str(&part)),
            Rule::qual_after => f.post_qual = Some(r.str(&part)),
            Rule::implied_one => {
                f.amount_start = r.span(&part).0 - start;
                f.value = 1.0;
                f.unit = r.str(&part);
            }
            Rule::amount => {
                f.amount_start = r.span(&part).0 - start;
                let inner = part.into_inner().next()?;
                let rule = inner.as_rule();
                let mut numbers = Vec::new();
                let mut first_cn: Option<&str> = None;
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::spaced_digits => {
                            numbers.push(p.as_str().replace(' ', "").parse().ok()?)
                        }
                        Rule::number | Rule::percent_number => {
                            if numbers.is_empty()
                                && !p.as_str().starts_with(|c: char| c.is_ascii_digit())
                            {
                                first_cn = Some(p.as_str());
                            }
                            numbers.push(number_value(p.as_str())?)
                        }
                        Rule::unit => f.unit = r.str(&p),
                        Rule::qual_within => f.inner_qual = Some(r.str(&p)),
                        Rule::split_unit => {
                            for q in p.into_inner() {
                                match q.as_rule() {
                                    Rule::qual_within => f.inner_qual = Some(r.str(&q)),
                                    _ => f.unit.push_str(&r.str(&q)),
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if rule == Rule::cn_percent {
                    f.unit = "%".into();
                }
                f.value = *numbers.first()?;
                // 四亿零七百多万吨: a qualifier inside a Chinese numeral, whose
                // 万 went with the unit: the amount is 4亿0700万 吨.
                if let Some(n) = first_cn.filter(|n| n.contains('亿'))
                    && f.inner_qual.is_some()
                    && let Some(rest) = f.unit.strip_prefix('万')
                    && !rest.is_empty()
                {
                    f.value = cn_numeral_value(&format!("{n}万"))?;
                    f.unit = rest.to_string();
                }
                if rule != Rule::quantity {
                    f.value_max = numbers.get(1).copied();
                }
            }
            _ => {}
        }
    }
    (!f.unit.is_empty()).then_some(f)
}

/// Value of a number as the grammar reads it: 1,234.5, or a Chinese
/// numeral (一千二百, 十二点五).
fn number_value(s: &str) -> Option<f64> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        if s.contains(',') {
            s.replace(',', "").parse().ok()
        } else {
            s.parse().ok()
        }
    } else {
        cn_numeral_value(s)
    }
}

/// Value of a Chinese numeral: 一千二百 → 1200, 两万五千 → 25000,
/// 十二点五 → 12.5, 三十 → 30.
pub fn cn_numeral_value(s: &str) -> Option<f64> {
    let (whole, frac) = match s.split_once('点') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    // Digits times 十 / 百 / 千 make a section; 万 and 亿 scale what came
    // before them (一亿二千万: 1 亿 and 2000 万).
    let (mut yi, mut wan, mut section) = (0.0_f64, 0.0_f64, 0.0_f64);
    let mut digit: Option<f64> = None;
    for c in whole.chars() {
        match c {
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10.0,
                    '百' => 100.0,
                    _ => 1000.0,
                };
                section += digit.take().unwrap_or(1.0) * unit;
            }
            '万' => {
                let part = section + digit.take().unwrap_or(0.0);
                wan += if part == 0.0 { 1.0 } else { part } * 1e4;
                section = 0.0;
            }
            '亿' => {
                let part = wan + section + digit.take().unwrap_or(0.0);
                yi += if part == 0.0 { 1.0 } else { part } * 1e8;
                (wan, section) = (0.0, 0.0);
            }
            _ => digit = Some(f64::from(cn_digit_value(c)?)),
        }
    }
    // 一千二 is 1200: a digit right after a magnitude counts in the next
    // lower one.
    let last_magnitude = whole.chars().rev().nth(1).and_then(|c| match c {
        '百' => Some(10.0),
        '千' => Some(100.0),
        '万' => Some(1000.0),
        '亿' => Some(1e7),
        _ => None,
    });
    let tail = match (digit, last_magnitude) {
        (Some(d), Some(m)) => d * m,
        (d, _) => d.unwrap_or(0.0),
    };
    let mut value = yi + wan + section + tail;
    if let Some(frac) = frac {
        let mut scale = 0.1;
        for c in frac.chars() {
            value += f64::from(cn_digit_value(c)?) * scale;
            scale /= 10.0;
        }
        value = (value * 1e6).round() / 1e6;
    }
    Some(value)
}

fn cn_digit_value(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|v| v as u32)
        .or(match c {
            '零' => Some(0),
            '两' => Some(2),
            _ => None,
        })
}

/// Value of a Chinese numeral up to 九十九 (一, 十, 二十三).
pub fn cn_value(s: &str) -> Option<u32> {
    let digit = cn_digit_value;
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// A section marker at the start of `text`: (level, marker text, marker length).
pub fn heading(text: &str) -> Option<(u8, usize)> {
    let mut chars = text.chars();
    if !STARTS.heading.may_begin(chars.next()?, chars.next()) {
        return None;
    }
    let pair = ReportGrammar::parse(Rule::heading_here, head(text, 48))
        .ok()?
        .next()?
        .into_inner()
        .next()?;
    let marker = pair.into_inner().next()?;
    let level = match marker.clone().into_inner().next()?.as_rule() {
        Rule::level1 => 1,
        Rule::level2 => 2,
        Rule::level3 => 3,
        Rule::level4 => 4,
        _ => return None,
    };
    Some((level, marker.as_span().end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in pack's vocabulary: the grammar reads words through it.
    fn words() -> &'static Words {
        static PACK: LazyLock<crate::RulePack> =
            LazyLock::new(|| crate::RulePack::builtin().expect("built-in rules load"));
        &PACK.grammar.words
    }

    fn tokens(line: &str) -> Vec<Token> {
        super::tokens(line, words())
    }

    #[test]
    fn a_line_splits_into_sentences_and_a_long_one_is_cut_at_a_clause() {
        let line = "增长5%。各位代表！其余";
        let spans: Vec<_> = sentences(line).collect();
        let ends: Vec<_> = spans.iter().map(|&(s, e, _)| &line[s..e]).collect();
        assert_eq!(ends, ["增长5%。", "各位代表！", "其余"]);
        assert_eq!(spans[0].2, Some((8, 11)));
        assert_eq!(spans[2].2, None);
        // Over MAX_SENTENCE with no terminator: cut after the last clause
        // separator (normalised: ",") of the second half, marked by an empty terminator.
        let clause = format!("{},", "字".repeat(1000));
        let long = clause.repeat(4);
        let spans: Vec<_> = sentences(&long).collect();
        assert!(spans.len() > 1);
        let (s, e, end) = spans[0];
        assert!(e - s <= MAX_SENTENCE && long[..e].ends_with(','));
        assert_eq!(end, Some((e, e)));
        assert_eq!(spans.last().map(|&(_, e, _)| e), Some(long.len()));
        // Read one at a time, the first is the same.
        for text in [line, long.as_str(), "", "无句号"] {
            assert_eq!(first_sentence(text), sentences(text).next());
        }
    }

    fn figures(line: &str) -> Vec<Figure> {
        tokens(line)
            .into_iter()
            .filter_map(|t| match t.kind {
                TokenKind::Figure(f) => Some(f),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn may_hold_figure_by_bytes_agrees_with_characters() {
        let by_chars = |t: &str| {
            t.chars()
                .any(|c| c.is_ascii_digit() || "十百千万亿".contains(c))
        };
        // Magnitudes at every offset of a 16-byte chunk (one cut across
        // two), their neighbours in UTF-8 (卉 E5 8D 89, 癿 E7 99 BF, 丈
        // E4 B8 88, 亾 E4 BA BE), digits, nothing.
        let pads = [
            "",
            "a",
            "ab",
            "经济",
            "经济社会",
            "abcdefghijklmn",
            "abcdefghijklmno",
        ];
        let words = [
            "十", "千", "百", "万", "亿", "卉", "癿", "丈", "亾", "7", "增长", "",
        ];
        for pad in pads {
            for word in words {
                for text in [format!("{pad}{word}"), format!("{pad}{word}。经济")] {
                    assert_eq!(may_hold_figure(&text), by_chars(&text), "{text}");
                }
            }
        }
    }

    #[test]
    fn first_date_is_the_first_date_of_the_time_tokens() {
        let lines = [
            "——2024年1月15日在广东省第十四届人民代表大会第二次会议上",
            "发布时间:2024-01-15 10:00 来源:市政府办公室",
            "二〇二六年一月二十七日",
            "2021-2025年,年均增长6%,2025年3月5日",
            "12024-01-15不是日期,2023年全年",
            "截至2023年12月31日,全市户籍人口",
            "今年以来",
            "",
        ];
        for line in lines {
            let by_tokens = time_tokens(line, words())
                .into_iter()
                .find_map(|t| match t.kind {
                    TokenKind::Date(d) => Some(d),
                    _ => None,
                });
            assert_eq!(Shaped::new(line, words()).first_date(), by_tokens, "{line}");
        }
        let date = Shaped::new(lines[0], words()).first_date();
        assert_eq!(date.and_then(|d| d.iso()).as_deref(), Some("2024-01-15"));
    }

    #[test]
    fn numbers_with_decimals_and_thousands() {
        let f = figures("实现地区生产总值1367.6亿元");
        assert_eq!((f[0].value, f[0].unit.as_str()), (1367.6, "亿元"));
        let f = figures("共计1,234.5万元");
        assert_eq!(f[0].value, 1234.5);
    }

    #[test]
    fn verbs_notes_and_qualifiers() {
        let f = figures("增长(同比,下同)6.7%");
        assert_eq!(f[0].verb.as_deref(), Some("增长"));
        assert_eq!(f[0].value, 6.7);
        let f = figures("控制在4.0%以内");
        assert_eq!(
            (f[0].pre_qual.as_deref(), f[0].post_qual.as_deref()),
            (Some("控制在"), Some("以内"))
        );
        let f = figures("新增城镇就业7000余人");
        assert_eq!(
            (f[0].value, f[0].inner_qual.as_deref(), f[0].unit.as_str()),
            (7000.0, Some("余"), "人")
        );
        let f = figures("新增城镇就业1.2万余人");
        assert_eq!(
            (f[0].value, f[0].inner_qual.as_deref(), f[0].unit.as_str()),
            (1.2, Some("余"), "万人")
        );
        let f = figures("净增长21.7%");
        assert_eq!(f[0].verb.as_deref(), Some("净增长"));
    }

    #[test]
    fn ranges_and_points() {
        let f = figures("力争发展到16万亩至20万亩");
        assert_eq!(
            (f[0].value, f[0].value_max, f[0].unit.as_str()),
            (16.0, Some(20.0), "万亩")
        );
        let f = figures("招引3—5家");
        assert_eq!((f[0].value, f[0].value_max), (3.0, Some(5.0)));
        let f = figures("增长6.5%-7%");
        assert_eq!(
            (f[0].value, f[0].value_max, f[0].unit.as_str()),
            (6.5, Some(7.0), "%")
        );
        let f = figures("提高5个百分点");
        assert_eq!(f[0].unit, "个百分点");
    }

    #[test]
    fn implied_threshold() {
        let f = figures("经济总量突破万亿元");
        assert_eq!(
            (f[0].value, f[0].unit.as_str(), f[0].pre_qual.as_deref()),
            (1.0, "万亿元", Some("突破"))
        );
    }

    #[test]
    fn damaged_digits_are_not_figures() {
        assert!(figures("地区生产总值完成.5亿元").is_empty());
        assert!(
            tokens("完成投资.6亿元")
                .iter()
                .any(|t| t.kind == TokenKind::Damaged)
        );
        assert!(figures("分别达到元、元").is_empty());
    }

    #[test]
    fn counts_of_quarters_are_not_figures() {
        assert!(figures("增速连续4个季度持续回升").is_empty());
    }

    #[test]
    fn years_periods_and_spans() {
        let t = tokens("2023年上半年,");
        assert_eq!(t[0].kind, TokenKind::Year(2023));
        assert_eq!(t[1].kind, TokenKind::Period("上半年".into()));
        assert!(
            tokens("1-3月")
                .iter()
                .any(|t| t.kind == TokenKind::Period("M1-M3".into()))
        );
        assert!(
            tokens("“十四五”时期")
                .iter()
                .any(|t| t.kind == TokenKind::PlanSpan(2025))
        );
        assert!(
            tokens("2021年以来")
                .iter()
                .all(|t| !matches!(t.kind, TokenKind::Year(_)))
        );
        let date = |y, m, d| {
            TokenKind::Date(Date {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(
            tokens("——二〇二六年一月二十七日在")[0].kind,
            date(2026, 1, 27)
        );
        assert_eq!(tokens("时间:2025-02-22")[1].kind, date(2025, 2, 22));
        assert_eq!(tokens("2024年2月27日")[0].kind, date(2024, 2, 27));
        assert_eq!(
            tokens("2021-2025年")[0].kind,
            TokenKind::YearRange(2021, 2025)
        );
        assert_eq!(tokens("二〇二五年")[0].kind, TokenKind::Year(2025));
    }

    #[test]
    fn markers_at_four_levels() {
        assert_eq!(heading("一、攻坚克难"), Some((1, "一、".len())));
        assert_eq!(heading("(十二)聚焦"), Some((2, "(十二)".len())));
        assert_eq!(heading("3.切实抓好"), Some((3, 2)));
        assert_eq!(heading("2、加快"), Some((3, "2、".len())));
        assert_eq!(heading("(1)推进"), Some((4, 3)));
        assert_eq!(heading("二十、其他"), Some((1, "二十、".len())));
        assert_eq!(heading("2.5亿元"), None);
        assert_eq!(heading("一是搭建"), None);
        assert_eq!(heading("三、 2012年工作安排"), Some((1, "三、".len())));
        assert_eq!(heading("一、二、三产业增加值分别增长"), None);
    }

    #[test]
    fn the_scanner_reads_lines_as_the_paragraph_rule_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut lines = 0;
        for entry in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let norm = crate::normalise::Normalised::new(&text);
            for line in norm.text.lines() {
                assert_eq!(
                    tokens(line),
                    tokens_by_paragraph(line, words()),
                    "{}: {line}",
                    entry.path().display()
                );
                lines += 1;
            }
        }
        assert!(lines > 1000);
        for odd in [
            "",
            "。",
            "2023年",
            "增长",
            "1,234,567.8亿元",
            "(",
            "\u{10FFFF}增长5%",
            "超万亿元、近千亿元",
        ] {
            assert_eq!(tokens(odd), tokens_by_paragraph(odd, words()), "{odd}");
        }
    }

    #[test]
    fn figures_in_chinese_numerals() {
        let f = figures("增长百分之七至八");
        assert_eq!(
            (f[0].value, f[0].value_max, f[0].unit.as_str()),
            (7.0, Some(8.0), "%")
        );
        assert_eq!(figures("增长百分之十二点五")[0].value, 12.5);
        let f = figures("完成一千二百亿元");
        assert_eq!((f[0].value, f[0].unit.as_str()), (1200.0, "亿元"));
        assert_eq!(figures("新增三十多万人")[0].value, 30.0);
        // 多 inside a numeral of 亿: its 万 is the numeral's, not the unit's.
        let f = figures("达到四亿零七百多万吨");
        assert_eq!(
            (f[0].value, f[0].unit.as_str(), f[0].inner_qual.as_deref()),
            (407_000_000.0, "吨", Some("多"))
        );
        // A count of things is no amount.
        assert!(figures("建成一个中心、三项工程").is_empty());
        assert_eq!(cn_numeral_value("两万五千"), Some(25000.0));
        assert_eq!(cn_numeral_value("一千零五十"), Some(1050.0));
        assert_eq!(cn_numeral_value("一亿二千万"), Some(120_000_000.0));
    }

    #[test]
    fn figures_split_by_stray_blanks() {
        let f = figures("生产总值12.3 4亿元，增长1 2 %");
        let got: Vec<(f64, &str)> = f.iter().map(|f| (f.value, f.unit.as_str())).collect();
        assert_eq!(got, [(12.34, "亿元"), (12.0, "%")]);
        // Numbers apart with no unit after them stay apart.
        assert!(figures("地区生产总值 1234.5 6.5").is_empty());
    }

    #[test]
    fn one_month() {
        assert!(
            tokens("9月份,")
                .iter()
                .any(|t| t.kind == TokenKind::Period("M9".into()))
        );
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(cn_value("十"), Some(10));
        assert_eq!(cn_value("二十三"), Some(23));
        assert_eq!(cn_value("十五"), Some(15));
        assert_eq!(cn_value("九"), Some(9));
    }
}

/// The tables embedded at build time are the grammar's answers now: what
/// build.rs wrote is what `classes` and `prefix` work out from the grammar
/// this test was compiled with, and the text format reads back whole.
#[cfg(test)]
mod embedded_tables {
    use super::*;

    #[test]
    fn character_classes_are_the_grammars() {
        assert_eq!(&classes::table()[..], &CLASSES[..]);
        assert_eq!(class('。'), CharClass::Structural(Structural::Terminator));
        assert_eq!(class(','), CharClass::Structural(Structural::ClauseSep));
        assert_eq!(class('的'), CharClass::Other);
        assert_eq!(class('5'), CharClass::Lead);
    }

    #[test]
    fn prefix_tables_are_the_grammars() {
        let grammar = prefix::Grammar::new(include_str!("../../grammar/report.pest"));
        for ((file, rules), embedded) in prefix::STARTS.iter().zip(PREFIXES) {
            let prefixes = grammar.prefixes(rules);
            assert_eq!(prefix::write(prefixes.clone()), embedded, "{file}");
            let read: prefix::Prefixes = tables::read(embedded).into_iter().collect();
            assert_eq!(read, prefixes, "{file}");
        }
    }
}
