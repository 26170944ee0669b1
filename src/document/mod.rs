//! What a document says about itself — title, type, date, and the year it
//! is about — settled once, before its figures are read, and read by the
//! link stage for every figure that gives no year of its own.
//!
//! A report does not always say its year plainly. In order, the year comes
//! from: what the user gave (`--year`, a manifest); the title (2026年…政府
//! 工作报告); the date it was delivered (——2026年1月27日在…会议上); the
//! text — the year it names as the one it plans (2012年工作安排, 与2019年计划
//! 目标持平) or reviews (2013年工作回顾), the five-year plan it closes
//! (“十四五”圆满收官), the latest year it looks back on (2012年底, 从2007年的…
//! 增加到2012年的…); the date a page was published; a year in the file name.
//! The words of each are rule-pack data (`vocabulary.documents`).

pub mod words;

use crate::model::{DocType, YearClue, YearSource};
use crate::normalise::Normalised;
use crate::parse::{self, Date, Token, TokenKind};
use crate::record::DocumentRecord;
use crate::region::Region;
use crate::rules::RulePack;
use crate::text::LineIndex;

/// A value read from the document, with the line it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    /// 1-based line in the decoded text; `None` for what was not read from
    /// the text (a file name, the user's word).
    pub line: Option<usize>,
}

/// What the user knows of a document, from outside its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    /// The year, and whether it came from the command line or a manifest.
    pub year: Option<(i32, YearSource)>,
    pub doc_type: Option<DocType>,
    /// The region's GB/T 2260 code.
    pub region_code: Option<u32>,
}

/// What a document says about itself.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The title line as written.
    pub title: Option<Located<String>>,
    pub doc_type: Located<DocType>,
    /// The date it was delivered (or, failing that, published).
    pub date: Option<Located<Date>>,
    /// The document's own year: the year of a 2026 work report, the
    /// statistical year of a bulletin.
    pub year: Option<Located<i32>>,
    pub year_source: Option<YearSource>,
    /// What each source says of the year, when the title, the delivery
    /// date and the body disagree (the year settled is one of them).
    pub year_conflict: Vec<YearClue>,
    /// Whose report it is.
    pub region: Option<Located<Whose>>,
    /// Who delivered it.
    pub speaker: Option<Located<String>>,
}

/// A report's region: as written, and the gazetteer's entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Whose {
    /// As the report writes it (none for the nation's: it names none).
    pub written: Option<String>,
    pub region: Region,
}

/// How much of each opening line, and of the text, an excerpt's region is
/// looked for in (the gazetteer's automaton is the slow one).
const OPENING_LINE_MAX: usize = 1024;
const OPENING_MAX: usize = 8192;

/// Whose report it is: the region its title names, else the one a head
/// line names as a government's or a congress's (在某市第十四届人民代表大会),
/// else the nation where the head speaks for it (我代表国务院), else the
/// first region the opening lines name unambiguously (an excerpt's) unless
/// the text names another far more often, else the nation where the
/// opening speaks of it (我国各族人民).
fn whose(
    pack: &RulePack,
    norm: &Normalised<'_>,
    head: &[(usize, &str)],
    title: Option<&Located<String>>,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Located<Whose>> {
    use crate::model::RegionLevel;
    let g = &pack.gazetteer;
    let located = |at: usize, f: crate::region::Found<'_>| {
        let (s, e) = norm.original_span(at + f.start, at + f.end);
        Some(Located {
            value: Whose {
                written: Some(norm_original(norm, s, e).to_string()),
                region: f.region.clone(),
            },
            line: Some(line_of(at + f.start)),
        })
    };
    let found = |at: usize, l: &str, title: bool, bare: RegionLevel| {
        located(at, g.region_of(l, title, bare)?)
    };
    // The first region the opening lines name, without its suffix up to
    // `bare`.
    let opening = |bare| {
        line_starts(&norm.text)
            .take_while(|&(at, _)| at < OPENING_MAX)
            .filter(|(_, l)| !l.trim().is_empty())
            .take(HEAD_LINES)
            .find_map(|(at, l)| {
                let l = &l[..l.floor_char_boundary(OPENING_LINE_MAX)];
                found(at, l, false, bare)
            })
    };
    let nation = |at: usize| {
        Some(Located {
            value: Whose {
                written: None,
                region: g.national()?.clone(),
            },
            line: Some(line_of(at)),
        })
    };
    let title_line = title.and_then(|t| t.line);
    head.iter()
        .filter(|&&(at, _)| title_line == Some(line_of(at)))
        .find_map(|&(at, l)| found(at, l, true, RegionLevel::County))
        .or_else(|| {
            head.iter()
                .filter(|(_, l)| g.names_own(l))
                .find_map(|&(at, l)| {
                    let f = g
                        .region_of(l, false, RegionLevel::County)
                        .filter(|f| g.own_after(&l[f.end..]))?;
                    located(at, f)
                })
        })
        .or_else(|| {
            let &(at, _) = head.iter().find(|(_, l)| g.names_nation(l))?;
            nation(at)
        })
        .or_else(|| {
            let first = opening(RegionLevel::Province);
            let counted = &norm.text[..norm.text.floor_char_boundary(COUNTED_MAX)];
            let most = g.most_named(counted, first.as_ref().map(|f| &f.value.region));
            let text = &norm.text[..norm.text.floor_char_boundary(OPENING_MAX)];
            match most {
                Some(m) => located(0, m),
                None if first.is_none() && g.opens_as_nation(text) => nation(0),
                None => first,
            }
        })
}

/// How much of a report is read to count the regions it names: a report
/// names its own throughout, and its first pages say as much as the whole.
const COUNTED_MAX: usize = 16 * 1024;

/// How many non-empty lines from the top hold a title and a date.
const HEAD_LINES: usize = 30;
/// A title or a date line is short; longer lines are report text.
const HEAD_LINE_MAX: usize = 300;
/// A title is shorter still, and no sentence: it holds no 。 or ，.
const TITLE_MAX_CHARS: usize = 60;
/// Types from most to least specific: a plan report's title may say 报告,
/// a speech's may name the work report, a press conference's the economy's
/// performance (新闻发布会 介绍…经济运行情况).
const TYPE_ORDER: [DocType; 7] = [
    DocType::Plan,
    DocType::Budget,
    DocType::Tjgb,
    DocType::Presser,
    DocType::Analysis,
    DocType::Speech,
    DocType::Gwr,
];

impl Document {
    /// Read what `norm` (the cleaned text of the document named `path`)
    /// says about itself; `given` wins over the text.
    pub fn read(
        pack: &RulePack,
        path: &str,
        norm: &Normalised<'_>,
        lines: &LineIndex,
        given: &Given,
    ) -> Document {
        let words = &pack.documents;
        let line_of = |at: usize| lines.line_of(norm.original_offset(at));
        let head: Vec<(usize, &str)> = line_starts(&norm.text)
            .filter(|(_, l)| !l.trim().is_empty())
            .take(HEAD_LINES)
            .filter(|(_, l)| l.len() <= HEAD_LINE_MAX)
            .collect();
        let mut doc = Document::default();
        // The title: the first line of the head that names a type.
        for &(at, l) in &head {
            let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.chars().count() > TITLE_MAX_CHARS || compact.contains(['。', ',']) {
                continue;
            }
            if let Some(t) = TYPE_ORDER.iter().find(|t| {
                words
                    .types
                    .get(t)
                    .is_some_and(|w| w.title.iter().any(|w| compact.contains(w.as_str())))
            }) {
                let (s, e) = norm.original_span(at, at + l.len());
                doc.title = Some(Located {
                    value: norm_original(norm, s, e).to_string(),
                    line: Some(line_of(at)),
                });
                doc.doc_type = Located {
                    value: *t,
                    line: Some(line_of(at)),
                };
                break;
            }
        }
        if doc.title.is_none() {
            let opening = &norm.text[..norm.text.floor_char_boundary(4096)];
            let found = TYPE_ORDER.iter().find_map(|t| {
                let w = words.types.get(t)?;
                w.text
                    .iter()
                    .filter_map(|w| opening.find(w.as_str()))
                    .min()
                    .map(|at| (*t, at))
            });
            if let Some((t, at)) = found {
                doc.doc_type = Located {
                    value: t,
                    line: Some(line_of(at)),
                };
            }
        }
        if let Some(t) = given.doc_type {
            doc.doc_type = Located {
                value: t,
                line: None,
            };
        }
        // Dates: the delivery date is on the line that names the meeting.
        let mut delivered = None;
        let mut published = None;
        for &(at, l) in &head {
            let Some(date) = parse::Shaped::new(l, &pack.grammar.words).first_date() else {
                continue;
            };
            let found = Some(Located {
                value: date,
                line: Some(line_of(at)),
            });
            if words.meeting.iter().any(|m| l.contains(m.as_str())) {
                delivered = delivered.or(found);
            } else {
                published = published.or(found);
            }
        }
        doc.date = delivered.clone().or(published.clone());
        doc.region = whose(pack, norm, &head, doc.title.as_ref(), &line_of);
        if let Some(code) = given.region_code {
            let code = format!("{code:06}");
            doc.region = pack.gazetteer.by_code(&code).map(|region| Located {
                value: Whose {
                    written: None,
                    region: region.clone(),
                },
                line: None,
            });
        }
        let g = &pack.gazetteer;
        doc.speaker = head.iter().enumerate().find_map(|(i, &(at, l))| {
            let next = head.get(i + 1).map_or("", |&(_, n)| n);
            g.speaker_of(l, next).map(|name| Located {
                value: name.to_string(),
                line: Some(line_of(at)),
            })
        });

        let looks_back = doc.doc_type.value.looks_back();
        let title_year = doc.title.as_ref().and_then(|t| {
            let (at, l) = head.iter().find(|(at, _)| Some(line_of(*at)) == t.line)?;
            let year = years_in(&parse::time_tokens(l, &pack.grammar.words)).max()?;
            Some((year, Some(line_of(*at))))
        });
        let body = text_year(pack, norm, looks_back);
        let strong = body
            .strong
            .map(|(y, at)| (y, Some(line_of(at)), YearSource::Text));
        let delivered = delivered.map(|d| (d.value.year, d.line, YearSource::Date));
        let title_year = title_year.map(|(y, l)| (y, l, YearSource::Title));
        // The delivery line is the report's own word; the body's plans and
        // reviews win over a page's title (a page titled with the year it
        // was published may hold an earlier year's report).
        let settled = given
            .year
            .map(|(y, src)| (y, None, src))
            .or(delivered)
            .or(strong)
            .or(title_year)
            .or(published.map(|d| {
                // A page is published in the year it covers, or the next
                // for a bulletin or an analysis of a closed year.
                let year = if looks_back {
                    d.value.year
                } else {
                    d.value.year - 1
                };
                (year, d.line, YearSource::Date)
            }))
            .or_else(|| path_year(path).map(|y| (y, None, YearSource::Path)))
            .or(body
                .weak
                .map(|(y, at)| (y, Some(line_of(at)), YearSource::Text)));
        if let Some((year, line, source)) = settled.filter(|(y, ..)| (1949..=2100).contains(y)) {
            doc.year = Some(Located { value: year, line });
            doc.year_source = Some(source);
        }
        let clues: Vec<YearClue> = [title_year, delivered, strong]
            .into_iter()
            .flatten()
            .map(|(year, line, source)| YearClue { year, source, line })
            .collect();
        if given.year.is_none() && clues.iter().any(|c| c.year != clues[0].year) {
            doc.year_conflict = clues;
        }
        doc
    }

    /// The record of this document, named `doc`.
    pub fn record(&self, doc: &str) -> DocumentRecord {
        DocumentRecord {
            doc: doc.to_string(),
            title: self.title.as_ref().map(|t| t.value.clone()),
            title_line: self.title.as_ref().and_then(|t| t.line),
            doc_type: self.doc_type.value,
            type_line: self.doc_type.line,
            date: self.date.as_ref().and_then(|d| d.value.iso()),
            date_line: self.date.as_ref().and_then(|d| d.line),
            year: self.year.as_ref().map(|y| y.value),
            year_source: self.year_source,
            year_line: self.year.as_ref().and_then(|y| y.line),
            year_conflict: self.year_conflict.clone(),
            region: self.region.as_ref().and_then(|r| r.value.written.clone()),
            region_name: self.region.as_ref().map(|r| r.value.region.name.clone()),
            region_code: self.region.as_ref().map(|r| r.value.region.code.clone()),
            region_level: self.region.as_ref().map(|r| r.value.region.level),
            region_line: self.region.as_ref().and_then(|r| r.line),
            speaker: self.speaker.as_ref().map(|s| s.value.clone()),
            speaker_line: self.speaker.as_ref().and_then(|s| s.line),
        }
    }

    /// The year the report plans: its own for a work report; the next for
    /// a bulletin.
    pub fn plan_year(&self) -> Option<i32> {
        let y = self.year.as_ref()?.value;
        Some(match self.doc_type.value {
            DocType::Tjgb | DocType::Analysis => y + 1,
            _ => y,
        })
    }

    /// The year the report reviews: the one before its own for a work
    /// report; its own for a bulletin, an analysis, a press release.
    pub fn review_year(&self) -> Option<i32> {
        let y = self.year.as_ref()?.value;
        Some(if self.doc_type.value.looks_back() {
            y - 1
        } else {
            y
        })
    }

    /// The year 今年 means: the year of the date it was given, else its own.
    pub fn this_year(&self) -> Option<i32> {
        self.date
            .as_ref()
            .map(|d| d.value.year)
            .or(self.year.as_ref().map(|y| y.value))
    }
}

/// The original text of a span, trimmed.
fn norm_original<'a>(norm: &Normalised<'a>, s: usize, e: usize) -> &'a str {
    norm.original_text()[s..e].trim()
}

/// Lines of a text with the offset each starts at.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split('\n').map(move |l| {
        let start = at;
        at += l.len() + 1;
        (start, l)
    })
}

/// The years tokens name (a range by its end).
fn years_in(tokens: &[Token]) -> impl Iterator<Item = i32> + '_ {
    tokens.iter().filter_map(|t| match t.kind {
        TokenKind::Year(y) => Some(y),
        TokenKind::Date(d) => Some(d.year),
        TokenKind::YearRange(_, b) => Some(b),
        _ => None,
    })
}

/// The year the text settles, and where: the year it names as planned or
/// reviewed, the plan period it closes, the latest year it looks back on.
/// `looks_back`: the document reviews the year before its own.
/// How far after a year in a heading its review word may stand, in bytes.
const HEADING_GAP: usize = 48;

/// What the body says of a document's year: `strong` from the years it
/// names as planned or reviewed (the year most of them give, the first
/// said on a tie); `weak` from the plan period it closes and the years it
/// looks back on.
#[derive(Debug, Default)]
struct TextYears {
    strong: Option<(i32, usize)>,
    weak: Option<(i32, usize)>,
}

fn text_year(pack: &RulePack, norm: &Normalised<'_>, looks_back: bool) -> TextYears {
    let words = &pack.documents;
    let gw = &pack.grammar.words;
    let own = |reviewed: i32| if looks_back { reviewed + 1 } else { reviewed };
    // Whether words of `list` follow a year ending at `end` (2026年主要预期目标,
    // 2013年的工作回顾).
    let after = |line: &str, end: usize, list: &[String]| {
        let mut rest = &line[end..];
        if let Some(n) = pack.lexicon.attributive_at(rest) {
            rest = &rest[n..];
        }
        let rest = rest.trim_start();
        list.iter().any(|w| rest.starts_with(w.as_str()))
    };
    // Whether words of `list` stand in the rest of a heading's title, a
    // few characters after a year ending at `end`.
    let within = |line: &str, end: usize, list: &[String]| {
        let rest = &line[end..line.floor_char_boundary(end + HEADING_GAP)];
        list.iter().any(|w| rest.contains(w.as_str()))
    };
    // Whether words of `list` stand right before a year starting at
    // `start` (刚刚过去的2020年).
    let before = |line: &str, start: usize, list: &[String]| {
        let head = line[..start].trim_end();
        list.iter().any(|w| head.ends_with(w.as_str()))
    };
    // A year looked back on: at its end (2012年底), with an amount at it
    // (2012年的1923亿元), or opening a clause (2012年,…; the tokens say
    // whether it opens one).
    let looks_back_on = |line: &str, end: usize| {
        let rest = &line[end..];
        after(line, end, &words.year_end)
            || pack
                .lexicon
                .attributive_at(rest)
                .is_some_and(|n| rest[n..].starts_with(|c: char| c.is_ascii_digit()))
            || rest.starts_with(',')
    };
    // A year after a time preposition (到2020年) is a goal's, not the report's.
    let own_year = |tokens: &[Token], i: usize| {
        i == 0
            || !matches!(tokens[i - 1].kind, TokenKind::TimePrep)
            || tokens[i - 1].end != tokens[i].start
    };
    // The report's year each plan or review statement gives, how often and
    // where first.
    let mut said: Vec<(i32, usize, usize)> = Vec::new();
    let mut say = |year: i32, at: usize| match said.iter_mut().find(|(y, ..)| *y == year) {
        Some((_, n, _)) => *n += 1,
        None => said.push((year, 1, at)),
    };
    let mut closed = None;
    // Years looked back on, with how often and where first.
    let mut looked: std::collections::BTreeMap<i32, (usize, usize)> = Default::default();
    for (at, line) in line_starts(&norm.text) {
        // Only a sentence with a year (2012年) or a closed plan (“十四五”
        // 圆满收官) says anything here: the grammar is spared the rest.
        let closes = parse::may_hold_plan(line)
            && words.plan_closed.iter().any(|w| line.contains(w.as_str()));
        if !closes && parse::year_ends(line).next().is_none() {
            continue;
        }
        // A heading may put words between the year and the review word
        // (一、1991年国内工作的回顾).
        let heading = parse::heading(line).is_some();
        for (s, e, _) in parse::sentences(line) {
            let sentence = &line[s..e];
            // A sentence is read only for a year it plans, reviews or looks
            // back on, or a plan it closes.
            let notable = parse::year_ends(sentence).any(|end| {
                after(sentence, end, &words.plan_year)
                    || after(sentence, end, &words.review_year)
                    || heading && within(sentence, end, &words.review_year)
                    || looks_back_on(sentence, end)
            }) || words.reviewed.iter().any(|w| sentence.contains(w.as_str()));
            if !(notable || closes && parse::may_hold_plan(sentence)) {
                continue;
            }
            let tokens = parse::time_tokens(sentence, gw);
            if !tokens
                .iter()
                .any(|t| matches!(t.kind, TokenKind::Year(_) | TokenKind::PlanSpan(_)))
            {
                continue;
            }
            // A sentence that plans, or speaks of this year or the next
            // (做好今年的工作), looks forward.
            // Asked only of a sentence that looks back on a year: the scan of
            // its words is the dearest read here.
            let plans = std::cell::OnceCell::new();
            let plans = || {
                *plans.get_or_init(|| {
                    tokens.iter().any(|t| match &t.kind {
                        TokenKind::RelYear(w) => {
                            pack.grammar.relative_year(w).is_some_and(|o| o >= 0)
                        }
                        _ => false,
                    }) || pack
                        .lexicon
                        .scan(sentence)
                        .cues
                        .iter()
                        .any(|c| pack.lexicon.is_frame(c))
                })
            };
            for (i, t) in tokens.iter().enumerate() {
                let TokenKind::Year(y) = t.kind else {
                    if let TokenKind::PlanSpan(end) = t.kind
                        && closed.is_none()
                        && closes
                    {
                        closed = Some((own(end), at + s));
                    }
                    continue;
                };
                if !own_year(&tokens, i) {
                    continue;
                }
                if after(sentence, t.end, &words.plan_year) {
                    say(y, at + s);
                } else if after(sentence, t.end, &words.review_year)
                    || before(sentence, t.start, &words.reviewed)
                    || heading && within(sentence, t.end, &words.review_year)
                {
                    say(own(y), at + s);
                }
                let opens_clause = tokens[..i]
                    .iter()
                    .all(|t| matches!(t.kind, TokenKind::ClauseSep));
                let rest = &sentence[t.end..];
                let looked_back =
                    looks_back_on(sentence, t.end) && (opens_clause || !rest.starts_with(','));
                if looked_back && !plans() {
                    looked.entry(y).or_insert((0, at + s)).0 += 1;
                }
            }
        }
    }
    // The latest year looked back on more than once (a single mention may
    // be a slip into the plan part), else the latest at all.
    let latest = looked
        .iter()
        .rev()
        .find(|(_, (n, _))| *n > 1)
        .or(looked.iter().next_back())
        .map(|(&y, &(_, at))| (own(y), at));
    // A plan period may close inside the years reviewed (a five-year review
    // names the plan finished in its third): the later of the two counts.
    let weak = match (closed, latest) {
        (Some(c), Some(l)) => Some(if c.0 >= l.0 { c } else { l }),
        (c, l) => c.or(l),
    };
    let strong = said
        .iter()
        .rev()
        .max_by_key(|(_, n, _)| *n)
        .map(|&(y, _, at)| (y, at));
    TextYears { strong, weak }
}

/// A year in the file name (…/2012.txt, 某市_2014_report.txt): four
/// digits from 1949 on, not part of a longer number.
fn path_year(path: &str) -> Option<i32> {
    let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let digits = b[i..i + 4].iter().all(u8::is_ascii_digit);
        let alone = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        let year: i32 = std::str::from_utf8(&b[i..i + 4]).ok()?.parse().ok()?;
        (digits && alone && (1949..=2100).contains(&year)).then_some(year)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_file_names() {
        assert_eq!(path_year("reports/county_2012.txt"), Some(2012));
        assert_eq!(path_year("x.zip!某市_2014_report.txt"), Some(2014));
        assert_eq!(path_year("page_a1b2c3d4e5f6.txt"), None);
        assert_eq!(path_year("report-120145.txt"), None);
    }

    fn read(text: &str) -> Document {
        crate::pipeline::Extractor::builtin()
            .unwrap()
            .extract("t.txt", text)
            .document
    }

    #[test]
    fn the_body_wins_over_a_page_title_and_says_so() {
        // A page titled with the year it was published holds the 2019 report.
        let doc = read(
            "2021年某县政府工作报告\n一、2018年工作回顾\n地区生产总值增长6%。\n二、2019年工作安排\n2019年主要预期目标是：地区生产总值增长6%。\n",
        );
        assert_eq!(doc.year.as_ref().unwrap().value, 2019);
        assert_eq!(doc.year_source, Some(YearSource::Text));
        let said: Vec<(i32, YearSource, Option<usize>)> = doc
            .year_conflict
            .iter()
            .map(|c| (c.year, c.source, c.line))
            .collect();
        assert_eq!(
            said,
            [
                (2021, YearSource::Title, Some(1)),
                (2019, YearSource::Text, Some(2))
            ]
        );
        // Agreeing sources are no conflict.
        let doc = read("2019年某县政府工作报告\n一、2018年工作回顾\n");
        assert!(doc.year_conflict.is_empty());
    }

    #[test]
    fn years_the_body_names_as_reviewed() {
        // Before the year, and in a heading with words between.
        let doc = read("各位代表：\n刚刚过去的1984年，是取得伟大成就的一年。\n");
        assert_eq!(doc.year.unwrap().value, 1985);
        let doc = read("各位代表：\n一、1991年国内工作的回顾\n");
        assert_eq!(doc.year.unwrap().value, 1992);
        // The year most statements give; one slip is outvoted.
        let doc = read(
            "各位代表：\n一、2020年工作回顾\n2020年主要预期目标全面完成。\n二、2021年工作安排\n",
        );
        assert_eq!(doc.year.unwrap().value, 2021);
    }

    #[test]
    fn regions_of_texts_whose_head_names_none() {
        // 和县委 is 和 + 县委; 容城 named throughout is the report's.
        let body = "在市委、市政府和县委的坚强领导下，容城经济稳中有进。加强与北京服装学院合作。容城新区建设。容城工业发展。\n";
        let doc = read(&format!("一、2014年工作回顾\n{body}"));
        assert_eq!(doc.region.unwrap().value.region.code, "130629");
        // An excerpt names its own region first.
        let doc = read("望花区经济平稳。望花发展。望花建设。古丈项目。古丈养殖。\n");
        assert_eq!(doc.region.unwrap().value.region.code, "210404");
    }

    #[test]
    fn types_and_regions_of_titles() {
        let doc = read("省政府新闻办举行新闻发布会 介绍2023年广东经济运行情况\n");
        assert_eq!(doc.doc_type.value, DocType::Presser);
        assert_eq!(doc.region.unwrap().value.region.code, "440000");
        let doc = read("关于东莞市2023年国民经济和社会发展计划执行情况与2024年计划草案的报告\n");
        assert_eq!(doc.doc_type.value, DocType::Plan);
        assert_eq!(doc.year.unwrap().value, 2024);
        let doc = read(
            "政府工作报告\n——2024年1月10日在朝阳区第十七届人民代表大会第四次会议上\n北京市朝阳区区长 王某某\n",
        );
        assert_eq!(doc.region.unwrap().value.region.code, "110105");
        assert_eq!(doc.speaker.unwrap().value, "王某某");
    }
}
