//! The parse stage's section of the vocabulary, and what it compiles to:
//! the words the grammar composes figures with (verbs, qualifiers, tiers,
//! periods, distributors, time words …), each with its classes, and what
//! each word means for the stages after it.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Class, Classes, Words};
use crate::model::{Bound, Tier};
use crate::rules::layer::{Layer, WordLists, section};
use crate::rules::source::{Collector, norm};
use crate::unit::UnitSection;

section! {
    /// The words the grammar reads.
    pub struct GrammarSection {
        /// Qualifiers by what they make of a figure's bound, and where they
        /// stand: before the amount (超过5%), after it (5%以上), or between the
        /// number and its unit (7000余人).
        bounds: Option<BTreeMap<Bound, Placement>> => words,
        tiers: Option<BTreeMap<Tier, Vec<String>>> => words,
        /// Change verbs by what they make of a figure.
        verbs: Option<BTreeMap<VerbClass, Vec<String>>> => words,
        /// Period label → the words that name it (H1: [上半年]).
        periods: Option<BTreeMap<String, Vec<String>>> => words,
        /// 今年 → 0, 去年 → -1, relative to the year the report is dated.
        relative_years: Option<BTreeMap<String, i32>> => other,
        /// Units that, right after a change verb with no number between, show
        /// digits the source dropped (达到元): the figure is reported as damaged.
        damaged_units: Option<Vec<String>> => words,
        /// Words that spread figures over a list of names: `in_order` hands
        /// them out one each (分别), `shared` gives each name the same (均).
        distributors: Option<BTreeMap<Distribution, Vec<String>>> => words,
        /// Prepositions that may open a time phrase (截至2023年底, 在2023年).
        time_prepositions: Option<Vec<String>> => words,
        /// Words that join the two ends of a range (16万亩至20万亩); dashes
        /// are shapes the grammar knows.
        range_words: Option<Vec<String>> => words,
        /// Words after a year that open a span from it (2021年以来): the year
        /// is then no figure's year.
        since: Option<Vec<String>> => words,
        /// Words after a plan period that name its last year (“十二五”末 is
        /// 2015, a year, not the span).
        span_end: Option<Vec<String>> => words,
        /// Words that are none of the above, listed so that the shorter words
        /// inside them are not read (个季度 holds the unit 个, 增加值 the verb 增加).
        not_words: Option<Vec<String>> => words,
    }
}

/// Qualifier words by where they stand around the amount.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// Before the amount: 超过5%, 约1200亿元.
    #[serde(default)]
    pub before: Vec<String>,
    /// After the amount: 5%以上, 6%左右.
    #[serde(default)]
    pub after: Vec<String>,
    /// Between the number and its unit: 7000余人, 30多万户.
    #[serde(default)]
    pub within: Vec<String>,
}

impl WordLists for Placement {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        self.before.lists(&format!("{key}.before"), out);
        self.after.lists(&format!("{key}.after"), out);
        self.within.lists(&format!("{key}.within"), out);
    }
}

impl Layer for Placement {
    fn layer(&mut self, over: Self) {
        self.before.layer(over.before);
        self.after.layer(over.after);
        self.within.layer(over.within);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.before.take_out(&words.before);
        self.after.take_out(&words.after);
        self.within.take_out(&words.within);
        false
    }
}

/// How a distributor spreads figures over a list of names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// One figure to each name, in order (分别增长3%、7%).
    InOrder,
    /// The same figure to every name (均增长5%).
    Shared,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VerbClass {
    /// A relative rise (增长 5%); an amount after it is a change.
    Growth,
    /// A relative fall (下降 2.8% → -2.8).
    Decline,
    /// An absolute rise of a count or amount (净增 2.3 万户).
    Change,
    /// The figure is the level reached (达到, 为, 增至).
    Level,
}

/// The grammar's words, compiled: the marks the grammar reads, and what
/// each word means (its bound, tier, verb class, period …).
#[derive(Debug)]
pub struct Grammar {
    /// The words the grammar composes with, each with its classes.
    pub words: Words,
    bounds: HashMap<String, Bound>,
    distributors: HashMap<String, Distribution>,
    tiers: HashMap<String, Tier>,
    verbs: HashMap<String, VerbClass>,
    periods: HashMap<String, String>,
    relative_years: HashMap<String, i32>,
}

impl Grammar {
    pub fn bound(&self, word: &str) -> Option<Bound> {
        self.bounds.get(word).copied()
    }
    pub fn distribution(&self, word: &str) -> Option<Distribution> {
        self.distributors.get(word).copied()
    }
    pub fn tier(&self, word: &str) -> Option<Tier> {
        self.tiers.get(word).copied()
    }
    pub fn verb(&self, word: &str) -> Option<VerbClass> {
        self.verbs.get(word).copied()
    }
    pub fn period(&self, word: &str) -> Option<&str> {
        self.periods.get(word).map(String::as_str)
    }
    pub fn relative_year(&self, word: &str) -> Option<i32> {
        self.relative_years.get(word).copied()
    }
}

/// Compile the grammar's section (and the units of the unit stage's, which
/// the grammar reads as units).
pub fn compile(section: &GrammarSection, units: &UnitSection) -> Grammar {
    fn invert<K: Clone>(m: &Option<BTreeMap<K, Vec<String>>>) -> HashMap<String, K> {
        m.iter()
            .flatten()
            .flat_map(|(k, ws)| ws.iter().map(move |w| (norm(w), k.clone())))
            .collect()
    }
    Grammar {
        words: grammar_words(section, units),
        bounds: section
            .bounds
            .iter()
            .flatten()
            .flat_map(|(b, p)| {
                p.before
                    .iter()
                    .chain(&p.after)
                    .chain(&p.within)
                    .map(move |w| (norm(w), *b))
            })
            .collect(),
        distributors: invert(&section.distributors),
        tiers: invert(&section.tiers),
        verbs: invert(&section.verbs),
        periods: invert(&section.periods),
        relative_years: section
            .relative_years
            .iter()
            .flatten()
            .map(|(w, y)| (norm(w), *y))
            .collect(),
    }
}

/// The words the grammar composes with, each with its classes (a word may
/// have several: 到 opens a time phrase and joins a range).
fn grammar_words(vocab: &GrammarSection, units: &UnitSection) -> Words {
    let mut classes: BTreeMap<String, Classes> = BTreeMap::new();
    let mut add = |words: &mut dyn Iterator<Item = &String>, class: Option<Class>| {
        for w in words {
            let w = norm(w);
            if w.is_empty() {
                continue;
            }
            let entry = classes.entry(w).or_default();
            if let Some(c) = class {
                *entry = entry.with(c);
            }
        }
    };
    fn all<K>(m: &Option<BTreeMap<K, Vec<String>>>) -> impl Iterator<Item = &String> {
        m.iter().flatten().flat_map(|(_, ws)| ws)
    }
    add(&mut all(&vocab.verbs), Some(Class::Verb));
    for p in vocab.bounds.iter().flat_map(|b| b.values()) {
        add(&mut p.before.iter(), Some(Class::Before));
        add(&mut p.after.iter(), Some(Class::After));
        add(&mut p.within.iter(), Some(Class::Within));
    }
    add(&mut all(&units.units), Some(Class::Unit));
    // A unit that begins with a magnitude is one of itself after 超 / 突破.
    let big: Vec<&String> = all(&units.units)
        .filter(|u| norm(u).starts_with(['十', '百', '千', '万', '亿']))
        .collect();
    add(&mut big.into_iter(), Some(Class::BigUnit));
    add(
        &mut vocab.damaged_units.iter().flatten(),
        Some(Class::Damaged),
    );
    add(&mut all(&vocab.tiers), Some(Class::Tier));
    add(&mut all(&vocab.distributors), Some(Class::Spread));
    add(
        &mut vocab.time_prepositions.iter().flatten(),
        Some(Class::TimePrep),
    );
    add(
        &mut vocab.relative_years.iter().flat_map(|m| m.keys()),
        Some(Class::RelYear),
    );
    add(&mut all(&vocab.periods), Some(Class::Period));
    add(&mut vocab.range_words.iter().flatten(), Some(Class::Range));
    add(&mut vocab.since.iter().flatten(), Some(Class::Since));
    add(&mut vocab.span_end.iter().flatten(), Some(Class::SpanEnd));
    add(&mut vocab.not_words.iter().flatten(), None);
    Words::new(classes.into_iter().collect())
}

/// The grammar's words that cannot take effect where they are written: a
/// word `not_words` blocks, a `not_words` entry that blocks nothing, a
/// qualifier of two bounds.
pub fn check(v: &GrammarSection, units: &UnitSection, cx: &mut Collector<'_>) {
    let blocked: Vec<String> = v.not_words.iter().flatten().map(|w| norm(w)).collect();
    let read = read_words(v, units);
    let grammar: Vec<String> = read.iter().map(|w| norm(w)).collect();
    for w in &read {
        if blocked.contains(&norm(w)) {
            cx.warn(
                w,
                format!("`{w}` is also in `not_words`, which stops it being read"),
            );
        }
    }
    for w in v.not_words.iter().flatten() {
        let n = norm(w);
        if !grammar.iter().any(|g| g != &n && n.contains(g.as_str())) {
            cx.warn(
                w,
                format!("`{w}` in `not_words` holds no vocabulary word: it blocks nothing"),
            );
        }
    }
    let mut bound_of: HashMap<String, String> = HashMap::new();
    for (b, p) in v.bounds.iter().flatten() {
        let b = crate::rules::layer::key_name(b);
        for w in p.before.iter().chain(&p.after).chain(&p.within) {
            match bound_of.get(&norm(w)) {
                Some(other) if *other != b => cx.warn(
                    w,
                    format!(
                        "`{w}` is a qualifier of both `{other}` and `{b}`: one of them is never read"
                    ),
                ),
                _ => {
                    bound_of.insert(norm(w), b.clone());
                }
            }
        }
    }
}

/// The grammar's word lists (`not_words` aside): what a `not_words` entry
/// may hold to block.
fn read_words<'v>(v: &'v GrammarSection, units: &'v UnitSection) -> Vec<&'v String> {
    let mut out: Vec<&String> = Vec::new();
    out.extend(v.verbs.iter().flat_map(|m| m.values().flatten()));
    out.extend(units.units.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.tiers.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.periods.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.distributors.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.relative_years.iter().flat_map(|m| m.keys()));
    out.extend(
        v.bounds
            .iter()
            .flat_map(|m| m.values())
            .flat_map(|p| p.before.iter().chain(&p.after).chain(&p.within)),
    );
    for list in [
        &v.damaged_units,
        &v.time_prepositions,
        &v.range_words,
        &v.since,
        &v.span_end,
    ] {
        out.extend(list.iter().flatten());
    }
    out
}
