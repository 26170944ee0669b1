//! The rule pack: vocabulary and indicator names, loaded from YAML and
//! compiled once per run into matchers.
//!
//! Layers: the built-in pack (rules/*.yaml, embedded at build time) comes
//! first, then each `--rules DIR` in the order given (see `load`).

mod check;
pub mod examples;
mod load;
mod schema;

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

pub use check::{MAX_WORD_CHARS, RuleWarning};
pub use load::{MAX_RULE_FILE, RuleError, RuleErrors, RuleSource, schema_json};
pub use schema::{
    CueScope, Distribution, DocumentWords, Example, Expected, IndicatorRule, KindCue, Limits,
    NationalWords, PercentMeaning, Placement, RegionWords, Replacement, RuleFile, SpanSide,
    TableWords, TypeWords, VerbClass, Vocabulary,
};

use crate::record::{Bound, Kind, Tier};

/// Page furniture (a source bar, a caption, a URL) is a short line; longer
/// lines are report text and are not tested against `noise_lines`.
pub const NOISE_LINE_MAX: usize = 300;

/// What a vocabulary word does where it appears. One word can do several
/// things (目标 is a target cue and a reference for gaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Kind {
        kind: Kind,
        scope: CueScope,
        weak: bool,
    },
    Frame,
    FiveYear,
    /// A five-year word that looks ahead (今后五年).
    /// A word naming a five-year span (这五年, 今后五年).
    SpanWord(SpanSide),
    /// A word that makes a figure cover the span around (累计, 每年).
    OverSpan,
    Link,
    Comparison,
    Reference,
    /// A word of an exclusion (`RulePack::exclusions`), and where it
    /// stands to make a name's figure about something else.
    Excludes {
        exclusion: usize,
        place: Place,
    },
}

/// Where an exclusion word stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Earlier in the name's clause.
    Before,
    /// Between the name and its figure.
    Between,
}

/// An exclusion of the vocabulary, compiled: its words are cues with the
/// role [`Role::Excludes`].
#[derive(Debug)]
pub struct CompiledExclusion {
    pub name: String,
    /// Only names of these indicators; empty: every name.
    pub indicators: Vec<String>,
}

/// The damage and page furniture the clean stage takes out, compiled.
#[derive(Debug)]
pub struct Noise {
    /// Lines of page furniture (tested on lines of at most
    /// [`NOISE_LINE_MAX`] bytes).
    pub lines: regex::RegexSet,
    /// Text a site inserts into sentences.
    pub watermarks: Option<regex::Regex>,
    /// Damage to undo: each pattern and what it stands for.
    pub replacements: Vec<(regex::Regex, String)>,
}

/// One indicator rule, ready to use.
#[derive(Debug, Clone)]
pub struct Target {
    pub rule: String,
    /// Canonical ids: one, or several for a list name.
    pub indicators: Vec<String>,
    /// What a list name means when nothing hands its figures out.
    pub whole: Option<String>,
    pub units: Vec<String>,
    pub percent: PercentMeaning,
    pub not_after: Vec<String>,
    pub not_before: Vec<String>,
}

/// The compiled rule pack. Build it once and share it across threads.
#[derive(Debug)]
pub struct RulePack {
    /// Words that would take no effect (`zhibiao rules check` shows them).
    pub warnings: Vec<RuleWarning>,
    pub targets: Vec<Target>,
    /// Indicator names and vocabulary words in one automaton: a text is
    /// scanned once for both (the scan is a large part of the run time).
    words: AhoCorasick,
    /// What each pattern of `words` is.
    word_use: Vec<WordUse>,
    alias_patterns: Vec<String>,
    /// Target of each alias (normalised), for names a list builds from a
    /// shared head (城镇、农村居民… → 城镇居民…).
    alias_index: HashMap<String, usize>,
    cue_roles: Vec<Vec<Role>>,
    exclusions: Vec<CompiledExclusion>,
    /// Substrings one of which every plan-statement word holds (目标 for
    /// the built-in pack): a line with none holds no plan statement, which
    /// a memmem search tells faster than the automaton. `None`: the words
    /// share too little, and every line may hold one.
    frame_needles: Needles,
    /// The same for five-year words (这五年，…): a sentence with none opens
    /// no five-year span.
    five_year_needles: Needles,
    /// The words the grammar composes with (verbs, qualifiers, units …).
    pub grammar_words: crate::parse::Words,
    bounds: HashMap<String, Bound>,
    distributors: HashMap<String, Distribution>,
    /// Normalised word lists read as text, longest first.
    joiners: Vec<String>,
    bases: Vec<String>,
    reached: Vec<String>,
    maintained: Vec<String>,
    from_words: Vec<String>,
    attributive: Vec<String>,
    tiers: HashMap<String, Tier>,
    verbs: HashMap<String, VerbClass>,
    periods: HashMap<String, String>,
    relative_years: HashMap<String, i32>,
    unit_class: HashMap<String, String>,
    /// Words that tell what a document is and its year (normalised).
    pub documents: DocumentWords,
    /// Each unit's base unit and factor (src/unit.rs).
    pub unit_bases: crate::unit::UnitBases,
    /// The gazetteer: regions, their names and codes (src/region.rs).
    pub gazetteer: crate::region::Gazetteer,
    /// How tables flattened into lines are read (normalised, longest first).
    pub tables: TableWords,
    /// What the clean stage undoes (see [`crate::clean`]).
    pub noise: Noise,
    pub limits: Limits,
    /// How far a tier word reaches.
    pub tier_scope: CueScope,
    /// The inline examples, for `zhibiao rules test`.
    pub examples: Vec<RuleExample>,
}

/// An inline example with where it came from.
#[derive(Debug, Clone)]
pub struct RuleExample {
    /// The indicator rule it belongs to, or `None` for a file-level example.
    pub rule: Option<String>,
    pub file: String,
    pub example: Example,
}

/// A few substrings one of which every word of a list holds, found with
/// memmem: a text with none holds no word of the list, which is known
/// faster than by the automaton. `None`: the words share too little, and
/// every text may hold one.
#[derive(Debug)]
pub(crate) struct Needles(pub(crate) Option<Vec<memchr::memmem::Finder<'static>>>);

impl Needles {
    fn may_hold(&self, text: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|needles| needles.iter().any(|n| n.find(text.as_bytes()).is_some()))
    }
}

/// A pattern of the pack's automaton: an indicator name (its target), a
/// vocabulary word (its index in `cue_roles`), or both.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordUse {
    pub(crate) target: Option<usize>,
    pub(crate) cue: Option<usize>,
}

/// What a scan of a text found, in text order.
#[derive(Debug, Default)]
pub struct Hits {
    /// Indicator names, leftmost-longest, minus the ones a rule's
    /// `not_after` / `not_before` rejects.
    pub names: Vec<AliasHit>,
    /// Vocabulary words, overlapping (目标 inside 预期目标 counts), by
    /// (start, end).
    pub cues: Vec<CueHit>,
}

/// A hit of an indicator name in normalised text.
#[derive(Debug, Clone, Copy)]
pub struct AliasHit {
    pub start: usize,
    pub end: usize,
    pub target: usize,
}

/// A hit of a vocabulary word in normalised text.
#[derive(Debug, Clone, Copy)]
pub struct CueHit {
    pub start: usize,
    pub end: usize,
    pub word: usize,
}

impl RulePack {
    /// The built-in pack alone.
    pub fn builtin() -> Result<RulePack, RuleErrors> {
        RulePack::from_sources(&RuleSource::defaults())
    }

    /// Layer `sources` in order, check them and compile them. Every problem
    /// found is reported, each located at file:line:column.
    pub fn from_sources(sources: &[RuleSource]) -> Result<RulePack, RuleErrors> {
        load::load(sources)
    }

    /// Every name the pack matches as it would be written: the simplified
    /// form and the traditional one where it differs (for a raw-text scan).
    pub fn alias_forms(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .alias_patterns
            .iter()
            .flat_map(|a| {
                let hant = zhconv::zhconv(a, zhconv::Variant::ZhHant);
                std::iter::once(a.clone()).chain((hant != *a).then_some(hant))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Indicator names and vocabulary words in `text`, in one pass.
    pub fn scan(&self, text: &str) -> Hits {
        let mut hits = Hits::default();
        self.scan_range(text, 0..text.len(), &mut hits);
        hits
    }

    /// Add the names and words of `text[range]` to `hits` (offsets in
    /// `text`, ranges given in order): a rule's `not_after` / `not_before`
    /// still sees the text around the range.
    pub fn scan_range(&self, text: &str, range: std::ops::Range<usize>, hits: &mut Hits) {
        let (names_from, cues_from) = (hits.names.len(), hits.cues.len());
        let input = aho_corasick::Input::new(text).span(range);
        for m in self.words.find_overlapping_iter(input) {
            let (start, end) = (m.start(), m.end());
            let used = self.word_use[m.pattern().as_usize()];
            if let Some(target) = used.target {
                hits.names.push(AliasHit { start, end, target });
            }
            if let Some(word) = used.cue {
                hits.cues.push(CueHit { start, end, word });
            }
        }
        hits.cues[cues_from..].sort_by_key(|c| (c.start, c.end));
        // Names are read leftmost-longest: at the leftmost start the longest
        // name, then on from its end.
        let mut names = hits.names.split_off(names_from);
        names.sort_by_key(|a| (a.start, std::cmp::Reverse(a.end)));
        let mut from = 0;
        names.retain(|a| {
            let first = a.start >= from;
            if first {
                from = a.end;
            }
            first
        });
        names.retain(|a| {
            let t = &self.targets[a.target];
            !(t.not_after
                .iter()
                .any(|w| text[..a.start].ends_with(w.as_str()))
                || t.not_before
                    .iter()
                    .any(|w| text[a.end..].starts_with(w.as_str())))
        });
        hits.names.append(&mut names);
    }

    /// The target of a name that is exactly `text`, if one is.
    pub fn alias_exact(&self, text: &str) -> Option<usize> {
        self.alias_index.get(text).copied()
    }

    /// Indicator names in `text` (see [`Hits::names`]).
    pub fn find_aliases(&self, text: &str) -> Vec<AliasHit> {
        self.scan(text).names
    }

    /// Vocabulary words in `text` (see [`Hits::cues`]).
    pub fn find_cues(&self, text: &str) -> Vec<CueHit> {
        self.scan(text).cues
    }

    /// Whether `line` may hold a plan-statement word (`frame`).
    pub fn may_hold_frame(&self, line: &str) -> bool {
        self.frame_needles.may_hold(line)
    }

    /// Whether `text` may hold a five-year word (`five_year`).
    pub fn may_hold_five_year(&self, text: &str) -> bool {
        self.five_year_needles.may_hold(text)
    }

    /// Whether a vocabulary word is a plan-statement word (`frame`).
    pub fn is_frame(&self, hit: &CueHit) -> bool {
        self.roles(hit).contains(&Role::Frame)
    }

    pub fn roles(&self, hit: &CueHit) -> &[Role] {
        &self.cue_roles[hit.word]
    }

    /// Whether `hit` is the word of an exclusion, standing at `place`, that
    /// applies to a name of `indicator`.
    pub fn excludes(&self, hit: &CueHit, place: Place, indicator: &str) -> bool {
        self.roles(hit).iter().any(|r| match *r {
            Role::Excludes {
                exclusion,
                place: p,
            } if p == place => {
                let ex = &self.exclusions[exclusion];
                ex.indicators.is_empty() || ex.indicators.iter().any(|i| i == indicator)
            }
            _ => false,
        })
    }

    /// The exclusion a [`Role::Excludes`] refers to.
    pub fn exclusion(&self, index: usize) -> &CompiledExclusion {
        &self.exclusions[index]
    }

    pub fn bound(&self, word: &str) -> Option<Bound> {
        self.bounds.get(word).copied()
    }
    /// Whether `text` is only joiner words and blanks (和, 及; 、).
    pub fn only_joiners(&self, text: &str) -> bool {
        let mut rest = text.trim_matches(' ');
        while !rest.is_empty() {
            let Some(n) = self.joiner_at(rest) else {
                return false;
            };
            rest = rest[n..].trim_start_matches(' ');
        }
        true
    }

    /// The length of a joiner word at the start of `text`.
    pub fn joiner_at(&self, text: &str) -> Option<usize> {
        self.joiners
            .iter()
            .find(|w| text.starts_with(w.as_str()))
            .map(String::len)
    }

    /// Whether `text` ends with a base word (与, 同): a year right after it
    /// is the base of a comparison.
    pub fn is_base_before(&self, text: &str) -> bool {
        self.bases.iter().any(|w| text.ends_with(w.as_str()))
    }

    /// Whether a verb or a qualifier makes a figure the level reached at
    /// the end of a span.
    pub fn is_reached(&self, word: &str) -> bool {
        self.reached.iter().any(|w| w == word)
    }

    /// Whether `text` ends with a from word (从): the figure after it is
    /// where a change starts.
    pub fn is_from_before(&self, text: &str) -> bool {
        self.from_words.iter().any(|w| text.ends_with(w.as_str()))
    }

    /// Whether `text` ends with a word that makes the figure after it a
    /// level held through a span (稳定在), or is one.
    pub fn is_maintained(&self, text: &str) -> bool {
        self.maintained.iter().any(|w| text.ends_with(w.as_str()))
    }

    /// The length of an attributive word (的) at the start of `text`.
    pub fn attributive_at(&self, text: &str) -> Option<usize> {
        self.attributive
            .iter()
            .find(|w| text.starts_with(w.as_str()))
            .map(String::len)
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
    pub fn unit_class(&self, unit: &str) -> Option<&str> {
        self.unit_class.get(unit).map(String::as_str)
    }
}
