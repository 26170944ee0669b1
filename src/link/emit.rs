//! From a group of figures and the names it is about to records: who
//! gets which figure, then each decision in turn (metric, bound, tier,
//! time, kind), then the record with its provenance — built by one
//! constructor that tables use too.

use super::audit::Dropped;
use super::bound::{bound_of, qualifier};
use super::doc::DocContext;
use super::index::Sentence;
use super::kind::kind_of;
use super::metric::metric_of;
use super::names::{Linked, NameList, Named};
use super::tier::tier_of;
use super::time::{HeadingTime, Held, SentenceTime, State, time_of};
use super::trace::{BoundWhy, MetricWhy, NameWhy, Sharing, TierWhy, Why};
use super::whose::{excluded_between, is_gap, modifies_noun};
use crate::model::{Bound, Kind, Metric, Period, SpanMeasure, Tier};
use crate::parse::words::{Distribution, VerbClass};
use crate::parse::{Figure, Token, TokenKind};
use crate::record::Indicator;
use crate::rules::RulePack;
use crate::text::Span;

/// A sentence over this many characters is quoted as a window around the
/// figure: a record's text stays small whatever the input. (A report's
/// longest sentences run to about 500 characters.)
pub const TEXT_WINDOW: usize = 1000;

/// The characters quoted on each side of a figure in a sentence over
/// [`TEXT_WINDOW`]: enough to read the figure in its clause, and little
/// enough that a page of figures with no full stop (thousands of records,
/// each quoting its sentence) costs memory in proportion to its size.
pub const WINDOW_SIDE: usize = 120;

/// Where the walk through a document stands, as a sentence's figures see
/// it.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) cx: &'a DocContext<'a>,
    pub(super) state: &'a State,
    pub(super) headings: &'a HeadingTime,
    /// The time as of each clause of the sentence.
    pub(super) clock: &'a SentenceTime,
    /// The line the sentence starts on.
    pub(super) line_no: usize,
}

/// What a record says, decided; [`record`] adds where it came from.
pub(super) struct Decided<'a> {
    pub(super) indicator: &'a str,
    pub(super) rule: &'a str,
    pub(super) metric: Metric,
    pub(super) value: f64,
    pub(super) value_max: Option<f64>,
    pub(super) unit: &'a str,
    pub(super) kind: Kind,
    pub(super) year: Option<i32>,
    pub(super) period: Period,
    pub(super) span_measure: Option<SpanMeasure>,
    pub(super) bound: Bound,
    pub(super) tier: Option<Tier>,
}

/// Where a record came from, in the original text: its name's span, its
/// figure's span, its line and the text quoted.
pub(super) struct Source {
    pub(super) label: (usize, usize),
    pub(super) figure: (usize, usize),
    pub(super) line: usize,
    pub(super) text: String,
}

/// The one record constructor (prose and tables): what was decided, with
/// its provenance. Values are rounded as the text states them (no binary
/// noise from sign flips).
pub(super) fn record(
    cx: &DocContext<'_>,
    state: &State,
    d: Decided<'_>,
    from: Source,
) -> Indicator {
    Indicator {
        doc: cx.doc.to_string(),
        indicator: d.indicator.to_string(),
        metric: d.metric,
        value: round(d.value),
        value_max: d.value_max.map(round),
        unit: d.unit.to_string(),
        value_base: None,
        unit_base: None,
        kind: d.kind,
        year: d.year,
        period: d.period,
        span_measure: d.span_measure,
        bound: d.bound,
        tier: d.tier,
        label: cx.original[from.label.0..from.label.1].to_string(),
        line: from.line,
        span: Span(from.figure.0, from.figure.1),
        section: state.section_path(cx),
        text: from.text,
        rule: d.rule.to_string(),
        region_code: None,
        source: None,
    }
}

/// Records of a group of figures and the list of names it reaches.
pub(super) fn emit(
    s: &Sentence<'_>,
    at: &At<'_>,
    lists: &[NameList],
    linked: &Linked,
    out: &mut Vec<Indicator>,
) {
    if let Some(each) = &linked.each_list {
        // Handed back over earlier lists: each figure alone to its list,
        // with the verb of the figures before it.
        let mut verb = None;
        for (k, &i) in linked.group.iter().enumerate() {
            if let TokenKind::Figure(f) = &s.tokens[i].kind {
                verb = f.verb.clone().or(verb);
            }
            let one = Linked {
                list: each[k],
                group: vec![i],
                clause: linked.clause,
                each_list: None,
            };
            emit_group(s, at, &lists[each[k]], &one, verb.as_deref(), out);
        }
        return;
    }
    emit_group(s, at, &lists[linked.list], linked, None, out);
}

/// Who gets which figure of a group: the list's places in order (a list
/// name such as 城乡居民人均可支配收入 takes one place per indicator, an
/// item naming nothing one empty place); 分别 hands the figures out place
/// by place, 均 gives each name every figure.
struct Shares<'p> {
    places: Vec<Option<(Named, &'p str)>>,
    /// The figures go to the places one each, in order.
    distributed: bool,
    /// A distributor word (分别, 均) stands between the names and the
    /// figures.
    spread: Option<Distribution>,
}

impl<'p> Shares<'p> {
    fn of(
        s: &Sentence<'_>,
        pack: &'p RulePack,
        list: &NameList,
        figures: &[(&Token, &Figure)],
    ) -> Shares<'p> {
        let spread = s
            .tokens_in(list.end, figures[0].0.start)
            .iter()
            .find_map(|t| match &t.kind {
                TokenKind::Distributor(w) => pack.grammar.distribution(w),
                _ => None,
            });
        let lone = list.items.len() == 1 && figures.len() == 1 && spread.is_none();
        let places: Vec<Option<(Named, &str)>> = list
            .items
            .iter()
            .flat_map(|item| -> Vec<Option<(Named, &str)>> {
                let Some(n) = item else { return vec![None] };
                let target = &pack.lexicon.targets[n.target];
                match (&target.whole, lone) {
                    // A list name read whole: 城乡居民人均可支配收入增长8%.
                    (Some(whole), true) => vec![Some((*n, whole.as_str()))],
                    _ => target
                        .indicators
                        .iter()
                        .map(|id| Some((*n, id.as_str())))
                        .collect(),
                }
            })
            .collect();
        let named = places.iter().flatten().count();
        let distributed = match spread {
            Some(Distribution::InOrder) => places.len() == figures.len() && figures.len() > 1,
            Some(Distribution::Shared) => false,
            // Two lists of the same length, side by side: names, or any items
            // when the figures are joined by a word (A和B增长13%和13%).
            None => {
                places.len() > 1
                    && places.len() == figures.len()
                    && (named == places.len() || joined_by_words(s, pack, figures))
            }
        };
        Shares {
            places,
            distributed,
            spread,
        }
    }

    /// The names the `k`-th of `figures` figures is about.
    fn of_figure(&self, k: usize, figures: usize) -> Vec<&(Named, &'p str)> {
        let names: Vec<&(Named, &str)> = self.places.iter().flatten().collect();
        if self.distributed {
            self.places[k].iter().collect()
        } else if names.len() > 1 && (figures == 1 || self.spread.is_some()) {
            names
        } else {
            names.last().copied().into_iter().collect()
        }
    }

    fn sharing(&self) -> Sharing {
        if self.distributed {
            Sharing::InOrder
        } else if self.places.iter().flatten().count() > 1 {
            Sharing::List
        } else {
            Sharing::Alone
        }
    }
}

/// Records of one group of figures and the list of names it is about;
/// `verb` stands in for a figure that has none of its own.
fn emit_group(
    s: &Sentence<'_>,
    at: &At<'_>,
    list: &NameList,
    linked: &Linked,
    verb: Option<&str>,
    out: &mut Vec<Indicator>,
) {
    let pack = at.cx.pack;
    let clause = linked.clause;
    let figures: Vec<(&Token, &Figure)> = linked
        .group
        .iter()
        .filter_map(|&i| match &s.tokens[i].kind {
            TokenKind::Figure(f) => Some((&s.tokens[i], f)),
            _ => None,
        })
        .collect();
    let shares = Shares::of(s, pack, list, &figures);
    let shared_post = figures.last().and_then(|(_, f)| f.post_qual.clone());
    let verb_before_name = change_verb_before(s, pack, list.start);
    let mut prev_verb: Option<VerbClass> = verb.and_then(|v| pack.grammar.verb(v));
    let mut verb_word: Option<String> = verb.map(str::to_string);
    // 突破2万亿、3万亿: a qualifier before the first figure of a 、 list
    // of bare figures goes for the rest.
    let mut lead_qual: Option<String> = None;
    for (k, (tok, fig)) in figures.iter().enumerate() {
        let lead = (k > 0 && fig.verb.is_none() && listed_after(s, figures[k - 1].0, tok))
            .then(|| lead_qual.clone())
            .flatten();
        lead_qual = fig.pre_qual.clone().or(lead.clone());
        let verb = fig
            .verb
            .as_deref()
            .and_then(|v| pack.grammar.verb(v))
            .or(prev_verb)
            .or(verb_before_name);
        prev_verb = verb;
        verb_word = fig.verb.clone().or(verb_word);
        let count = pack.units.class(&fig.unit) == Some("count");
        if modifies_noun(s, pack, tok.end, count) {
            let_go(at, s, tok, Dropped::DescribesNoun);
            continue;
        }
        if s.depth_at(tok.start) == 0 && is_gap(s, pack, clause, tok.start) {
            let_go(at, s, tok, Dropped::Gap);
            continue;
        }
        let shared = (shares.spread.is_some() && shares.distributed)
            .then_some(shared_post.as_ref())
            .flatten()
            .or(lead.as_ref());
        let figure = Read {
            tok,
            fig,
            verb,
            verb_word: verb_word.as_deref(),
            shared_qualifier: shared,
        };
        let names = shares.of_figure(k, figures.len());
        if names.is_empty() {
            let_go(at, s, tok, Dropped::OtherItem);
        }
        for (hit, indicator) in names {
            if let Some(ex) = excluded_between(s, pack, hit.end.max(clause), tok.start, indicator) {
                let name = pack.lexicon.exclusion(ex).name.clone();
                let_go(at, s, tok, Dropped::Exclusion(name));
                continue;
            }
            let inherited = list.start < clause;
            if let Some(r) = decide(s, at, &figure, hit, indicator, inherited, shares.sharing()) {
                out.push(r);
            }
        }
    }
}

/// Say why a figure was let go, when the walk is audited.
fn let_go(at: &At<'_>, s: &Sentence<'_>, tok: &Token, why: Dropped) {
    if let Some(audit) = at.cx.audit {
        let span = at
            .cx
            .norm
            .original_span(s.base + tok.start, s.base + tok.end);
        audit.borrow_mut().dropped.push((span, why));
    }
}

/// A figure as read in its group: its token and phrase, its verb (its own,
/// or the one before it in the group), and a qualifier the group shares.
struct Read<'a> {
    tok: &'a Token,
    fig: &'a Figure,
    verb: Option<VerbClass>,
    /// The verb word in reach, for a level reached (达到, 突破).
    verb_word: Option<&'a str>,
    shared_qualifier: Option<&'a String>,
}

/// Each decision in turn for one figure and one name; `None` when the
/// figure is not a record (a unit of another class, a span no record is
/// over).
fn decide(
    s: &Sentence<'_>,
    at: &At<'_>,
    figure: &Read<'_>,
    hit: &Named,
    indicator: &str,
    inherited: bool,
    sharing: Sharing,
) -> Option<Indicator> {
    let At {
        cx,
        state,
        headings,
        clock,
        line_no,
    } = *at;
    let pack = cx.pack;
    let Read { tok, fig, verb, .. } = *figure;
    let target = &pack.lexicon.targets[hit.target];
    let class = pack.units.class(&fig.unit);
    if !target.units.is_empty() && !class.is_some_and(|c| target.units.iter().any(|u| u == c)) {
        let unit = fig.unit.clone();
        let indicator = indicator.to_string();
        let_go(at, s, tok, Dropped::UnitClass { unit, indicator });
        return None;
    }
    let (metric, sign) = metric_of(target, verb, class);
    let qual = qualifier(fig, figure.shared_qualifier);
    let bound = bound_of(pack, qual.as_deref());
    let tier = tier_of(s, pack, tok.start);
    let flow = matches!(metric, Metric::Growth | Metric::Change);
    let time = time_of(pack, s, clock, state, headings, tok.start, flow);
    let (kind, kind_why) = kind_of(s, pack, state, tok.start, time.explicit_year);
    let held = Held {
        reached: [figure.verb_word, fig.pre_qual.as_deref()]
            .into_iter()
            .flatten()
            .any(|w| pack.lexicon.is_reached(w)),
        maintained: fig
            .pre_qual
            .as_deref()
            .is_some_and(|q| pack.lexicon.is_maintained(q))
            || pack
                .lexicon
                .is_maintained(&s.line[s.clause_start(tok.start)..tok.start]),
        amount: target.span_amount,
    };
    let Some(mut period) = time.period(metric, kind, held) else {
        let_go(at, s, tok, Dropped::NotOneYear);
        return None;
    };
    let mut year = time.goal_year(kind, &period, &state.time);
    // 从X增至Y: X is where it starts, Y where it ends: in a five-year span
    // (its paragraph's, or the figure's own words) five years before.
    if starts_change(s, pack, tok) {
        let over_span = period == Period::FiveYears || time.span.is_some();
        let back = if over_span { 5 } else { 1 };
        if !time.stated_in_clause {
            year = year.map(|y| y - back);
        }
        if period == Period::FiveYears {
            period = Period::Year;
        }
    }
    let (ls, le) = cx.norm.original_span(s.base + hit.start, s.base + hit.end);
    let (fs, fe) = cx.norm.original_span(s.base + tok.start, s.base + tok.end);
    if let Some(why) = cx.why {
        why.borrow_mut().push(Why {
            name: NameWhy::Prose {
                label: s.line[hit.start..hit.end].to_string(),
                rule: target.rule.clone(),
                inherited,
                sharing,
            },
            metric: MetricWhy::Figure {
                unit: fig.unit.clone(),
                class: class.map(str::to_string),
                verb: fig.verb.clone(),
            },
            kind: kind_why,
            year: time.why,
            period: time.period_why(&period),
            bound: qual.clone().map_or(BoundWhy::None, BoundWhy::Qualifier),
            tier: tier.map_or(TierWhy::None, TierWhy::Word),
        });
    }
    let decided = Decided {
        indicator,
        rule: &target.rule,
        metric,
        value: sign * fig.value,
        value_max: fig.value_max.map(|v| sign * v),
        unit: &fig.unit,
        kind,
        year,
        span_measure: time.span_measure(&period, metric, held),
        period,
        bound,
        tier,
    };
    let from = Source {
        label: (ls, le),
        figure: (fs, fe),
        line: cx.lines.line_of(fs).max(line_no),
        text: sentence_quote(s, cx, (fs, fe)),
    };
    Some(record(cx, state, decided, from))
}

/// Whether `tok` opens a from-to statement: a from word right before it
/// (time words aside: 从上半年5.5%降到5.3%) and a figure with a verb
/// after it in its clause.
fn starts_change(s: &Sentence<'_>, pack: &RulePack, tok: &Token) -> bool {
    let clause = s.clause_start(tok.start);
    let from = s
        .tokens_in(clause, tok.start)
        .iter()
        .rev()
        .take_while(|t| {
            matches!(
                t.kind,
                TokenKind::Period(_) | TokenKind::Year(_) | TokenKind::RelYear(_)
            )
        })
        .last()
        .map_or(tok.start, |t| t.start);
    let end = s
        .clauses
        .get(s.clause_index(tok.start) + 1)
        .copied()
        .unwrap_or(s.range.1);
    pack.lexicon.is_from_before(&s.line[clause..from])
        && s.tokens_in(tok.end, end)
            .iter()
            .any(|t| matches!(&t.kind, TokenKind::Figure(f) if f.verb.is_some()))
}

/// Whether consecutive figures are joined by joiner words (和, 及),
/// not by 、.
fn joined_by_words(s: &Sentence<'_>, pack: &RulePack, figures: &[(&Token, &Figure)]) -> bool {
    figures.windows(2).all(|w| {
        let (a, b) = (w[0].0.end, w[1].0.start);
        let between = &s.line[a..b];
        let list_sep = s
            .tokens_in(a, b)
            .iter()
            .any(|t| t.kind == TokenKind::ListSep);
        !list_sep && !between.trim().is_empty() && pack.lexicon.only_joiners(between)
    })
}

/// Whether `next` follows `prev` across a bare 、 (2万亿、3万亿).
fn listed_after(s: &Sentence<'_>, prev: &Token, next: &Token) -> bool {
    matches!(s.tokens_in(prev.end, next.start), [t] if t.kind == TokenKind::ListSep)
        && s.residual(prev.end, next.start) == 0
}

/// A change verb before the name, with at most `max_gap` content
/// characters between (新增市场主体2500户, 新登记各类经营主体), or opening
/// a 、 list the name is an item of (新增“四上”企业40家、市场主体3500个).
/// A verb inside an earlier name (城镇新增就业1361万人、调查失业率…) opens
/// nothing.
fn change_verb_before(s: &Sentence<'_>, pack: &RulePack, name: usize) -> Option<VerbClass> {
    let change = |t: &Token| match &t.kind {
        TokenKind::Verb(v) if !s.inside_name(t) => {
            pack.grammar.verb(v).filter(|c| *c == VerbClass::Change)
        }
        _ => None,
    };
    let before = s.tokens_in(s.clause_start(name), name);
    match before.last() {
        Some(t) if t.kind == TokenKind::ListSep && t.end == name => before
            .iter()
            .rev()
            .skip(1)
            .find_map(|t| match t.kind {
                TokenKind::Figure(_) | TokenKind::ListSep => None,
                _ => Some(change(t)),
            })
            .flatten(),
        // 新登记各类经营主体: a few words may stand between.
        Some(t) if s.residual(t.end, name) <= pack.lexicon.limits.max_gap => change(t),
        _ => None,
    }
}

/// The sentence's text for a record of the figure at `figure`.
fn sentence_quote(s: &Sentence<'_>, cx: &DocContext<'_>, figure: (usize, usize)) -> String {
    let sentence = cx
        .norm
        .original_span(s.base + s.range.0, s.base + s.range.1);
    quote(cx.original, sentence, figure)
}

/// The text of `sentence` (original offsets) as written, or for a sentence
/// over [`TEXT_WINDOW`] characters, a window of it around `figure`, its cut
/// ends marked with `…`.
pub(super) fn quote(original: &str, sentence: (usize, usize), figure: (usize, usize)) -> String {
    let (ss, se) = sentence;
    let trimmed = original[ss..se].trim();
    if trimmed.len() <= TEXT_WINDOW || trimmed.chars().count() <= TEXT_WINDOW {
        return trimmed.to_string();
    }
    let half = WINDOW_SIDE;
    let before = &original[ss..figure.0.max(ss)];
    let from = before
        .char_indices()
        .rev()
        .nth(half)
        .map_or(ss, |(i, _)| ss + i);
    let after = &original[figure.1.min(se)..se];
    let to = after
        .char_indices()
        .nth(half)
        .map_or(se, |(i, _)| figure.1.min(se) + i);
    let mut q = String::new();
    if from > ss {
        q.push('…');
    }
    q.push_str(original[from..to].trim());
    if to < se {
        q.push('…');
    }
    q
}

/// Values as the text states them: no binary noise from sign flips.
pub(super) fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
