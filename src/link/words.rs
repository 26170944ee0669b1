//! The link stage's section of the vocabulary, and what it compiles to:
//! the indicator names and the words that decide a figure's kind, time,
//! whose it is and how it is read (`kinds`, `frame`, `five_year`,
//! `exclusions`, `joiners` …), in one automaton scanned once per sentence.

use std::collections::{BTreeMap, HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Kind;
use crate::parse::words::VerbClass;
use crate::rules::indicator::{LayeredRule, PercentMeaning, SpanAmount};
use crate::rules::layer::{Layer, WordLists, section};
use crate::rules::source::{Collector, norm};

section! {
    /// The words the link stage reads.
    pub struct LinkSection {
        /// Words that decide `kind`.
        kinds: Option<Vec<KindCue>> => words,
        /// Words that open the plan part of a report when they appear with a
        /// year at or after the report's own (2024年主要预期目标).
        frame: Option<Vec<String>> => words,
        /// How far a tier word reaches: the figures of its own clause (力争…，
        /// 在实际工作中努力争取更好结果 gives no tier to the next clause), or of
        /// its sentence.
        tier_scope: Option<CueScope> => other,
        /// Words that make a figure's period a five-year span (五年来).
        five_year: Option<Vec<String>> => words,
        /// Words that name a five-year span: the years reviewed (`past`: 这五年,
        /// 五年来) or planned (`ahead`: 今后五年). A clause of one alone (这五年，)
        /// opens the span for the paragraph; in a figure's reach, one makes it a
        /// five-year figure like the `five_year` words.
        five_year_spans: Option<BTreeMap<SpanSide, Vec<String>>> => words,
        /// Words before the first figure of a from-to statement (从689万户增至
        /// 951万户): that figure is the level at the start, a year (or, in a
        /// five-year span, five years) before the second.
        from_words: Option<Vec<String>> => words,
        /// Words that make a figure cover the span its paragraph or heading is
        /// about (累计, 每年): five years in a five-year span, else its year.
        over_span: Option<Vec<String>> => words,
        /// Words that make a five-year figure a yearly average (年均增长6%,
        /// 每年新增就业10万人), not a change or total over the span.
        annual_average: Option<Vec<String>> => words,
        /// Words before a figure that make it a level held through a span
        /// (稳定在, 保持在, 控制在): in a five-year span, a five-year figure.
        maintained: Option<Vec<String>> => words,
        /// Verbs and qualifiers that make a figure the level reached at the end
        /// of a five-year span (这五年…达到1.5万亿元 is the level of its last
        /// year, not a five-year total).
        reached: Option<Vec<String>> => words,
        /// Words that may stand between a name and its figure, or open a clause
        /// that still talks about the previous name (同比, 比上年, 总量).
        links: Option<Vec<String>> => words,
        /// Comparison words (高于, 较) that, followed by a reference (目标,
        /// 平均, 一季度), make a figure a gap rather than a value.
        comparisons: Option<Vec<String>> => words,
        references: Option<Vec<String>> => words,
        /// Contexts that make a figure not about the name it stands next to,
        /// by what they are (part_of_region: 开发区, 都市圈; share: 占比, 比率;
        /// contribution: 拉动, 贡献率 …). Each names its words and where they
        /// stand; a later layer adds words to an exclusion of the same name.
        exclusions: Option<BTreeMap<String, Exclusion>> => words,
        /// Words that join names into a list (A和B, A及B); 、 is a shape.
        joiners: Option<Vec<String>> => words,
        /// Words right before a year that make it the base of a comparison
        /// (与2019年持平), not the figure's year.
        bases: Option<Vec<String>> => words,
        /// Words right after a figure that make it describe the noun after them
        /// (73%的常住人口).
        attributive: Option<Vec<String>> => words,
        /// Nouns after an attributive word that name the level the figure
        /// is (稳定在5%左右的较低水平): the figure stays the item's.
        level_nouns: Option<Vec<String>> => words,
        /// How a table flattened into lines is read (统计公报: 指标 / 绝对数 /
        /// 比上年增长%, then a row per indicator).
        tables: Option<TableWords> => words,
        limits: Option<Limits> => other,
    }
}

/// A context that makes a figure about something other than the name it
/// stands next to.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Words earlier in the name's clause: the name is about what they
    /// name (开发区 → a park's 固定资产投资; 拉动 → a contribution to GDP).
    #[serde(default)]
    pub before: Vec<String>,
    /// Words between the name and its figure: the figure is about something
    /// the name measures (与GDP的比率, 占比, 折合).
    #[serde(default)]
    pub between: Vec<String>,
    /// Only for names of these indicators (对东盟进出口: foreign_trade);
    /// empty: for every name.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Names of the gazetteer below the report's region, earlier in the
    /// name's clause, count as words `before` (庆阳、酒泉经济总量 in a
    /// provincial report).
    #[serde(default)]
    pub sub_regions: bool,
}

impl Layer for Exclusion {
    fn layer(&mut self, over: Self) {
        self.before.layer(over.before);
        self.between.layer(over.between);
        self.indicators.layer(over.indicators);
        self.sub_regions |= over.sub_regions;
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.before.take_out(&words.before);
        self.between.take_out(&words.between);
        self.indicators.take_out(&words.indicators);
        self.sub_regions &= !words.sub_regions;
        false
    }
}

impl WordLists for Exclusion {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        self.before.lists(&format!("{key}.before"), out);
        self.between.lists(&format!("{key}.between"), out);
    }
}

/// The header words of a table of figures. A header row is a line of cells
/// (split at tabs or runs of blanks) whose first cell names the column of
/// names and whose other cells name columns of figures; the rows after it
/// that name an indicator give one record per figure cell.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableWords {
    /// The header of the column of names: 指标, 项目.
    #[serde(default)]
    pub names: Vec<String>,
    /// The header of a column of units, one for each row: 单位, 计量单位.
    #[serde(default)]
    pub units: Vec<String>,
    /// Headers of columns of figures, by what their figures are (level:
    /// 绝对数; growth: 比上年增长). A unit in the header (绝对数(亿元),
    /// 增长%) goes for the column; a growth column has `%` unless it says.
    #[serde(default)]
    pub columns: BTreeMap<VerbClass, Vec<String>>,
}

impl Layer for TableWords {
    fn layer(&mut self, over: Self) {
        self.names.layer(over.names);
        self.units.layer(over.units);
        self.columns.layer(over.columns);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.names.take_out(&words.names);
        self.units.take_out(&words.units);
        self.columns.take_out(&words.columns);
        false
    }
}

impl WordLists for TableWords {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        self.names.lists(&format!("{key}.names"), out);
        self.units.lists(&format!("{key}.units"), out);
        self.columns.lists(&format!("{key}.columns"), out);
    }
}

/// Which five years a span word names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SpanSide {
    /// The five years the report reviews.
    Past,
    /// The five years it plans.
    Ahead,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindCue {
    pub kind: Kind,
    pub words: Vec<String>,
    /// How far back from a figure the cue reaches.
    #[serde(default)]
    pub scope: CueScope,
    /// A weak cue only decides when neither the figure's year nor the part
    /// of the report it sits in does (实现 in a plan section is a goal).
    #[serde(default)]
    pub weak: bool,
}

/// Kind cues add entries; removing takes the words out of every entry of
/// the same kind.
impl Layer for Vec<KindCue> {
    fn layer(&mut self, over: Self) {
        self.extend(over);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        for w in words {
            for mine in self.iter_mut().filter(|m| m.kind == w.kind) {
                mine.words.take_out(&w.words);
            }
        }
        false
    }
}

impl WordLists for Vec<KindCue> {
    fn lists<'a>(&'a self, key: &str, out: &mut Vec<(String, Vec<&'a String>)>) {
        for cue in self {
            let kind = crate::rules::layer::key_name(&cue.kind);
            cue.words.lists(&format!("{key}.{kind}"), out);
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CueScope {
    #[default]
    Sentence,
    Clause,
}

impl Layer for CueScope {
    fn layer(&mut self, over: Self) {
        *self = over;
    }
    fn take_out(&mut self, _: &Self) -> bool {
        false
    }
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most content characters allowed between a name and its figure.
    pub max_gap: usize,
    /// Most content characters allowed before a figure in a later clause
    /// that has no name of its own, for it to inherit the previous name.
    pub max_inherit: usize,
}

impl Layer for Limits {
    fn layer(&mut self, over: Self) {
        *self = over;
    }
    fn take_out(&mut self, _: &Self) -> bool {
        false
    }
}

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
    /// A word that makes a five-year figure a yearly average (年均).
    AnnualAverage,
    Link,
    Comparison,
    Reference,
    /// A word of an exclusion (see [`Lexicon::exclusion`]), and where it
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
    /// Names of places below the report's region count as its words.
    pub sub_regions: bool,
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
    /// What an amount in a five-year span is (see `span_amount`).
    pub span_amount: SpanAmount,
    pub not_after: Vec<String>,
    pub not_before: Vec<String>,
}

/// A few substrings one of which every word of a list holds, found with
/// memmem: a text with none holds no word of the list, which is known
/// faster than by the automaton. `None`: the words share too little, and
/// every text may hold one.
#[derive(Debug)]
pub(crate) struct Needles(Option<Vec<memchr::memmem::Finder<'static>>>);

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

/// The link stage's words, compiled: indicator names and vocabulary words
/// in one automaton (a text is scanned once for both: the scan is a large
/// part of the run time), what each word does, and the word lists read as
/// text.
#[derive(Debug)]
pub struct Lexicon {
    pub targets: Vec<Target>,
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
    /// a memmem search tells faster than the automaton.
    frame_needles: Needles,
    /// The same for five-year words (这五年，…): a sentence with none opens
    /// no five-year span.
    five_year_needles: Needles,
    /// Normalised word lists read as text, longest first.
    joiners: Vec<String>,
    bases: Vec<String>,
    reached: Vec<String>,
    maintained: Vec<String>,
    from_words: Vec<String>,
    attributive: Vec<String>,
    level_nouns: Vec<String>,
    /// How tables flattened into lines are read (normalised, longest first).
    pub tables: TableWords,
    pub limits: Limits,
    /// How far a tier word reaches.
    pub tier_scope: CueScope,
}

impl Lexicon {
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
        // name, then on from its end; a name a rule rejects by its
        // neighbours still takes its place. Kept in place, in `hits`.
        let names = &mut hits.names;
        names[names_from..].sort_by_key(|a| (a.start, std::cmp::Reverse(a.end)));
        let (mut from, mut kept) = (0, names_from);
        for i in names_from..names.len() {
            let a = names[i];
            if a.start < from {
                continue;
            }
            from = a.end;
            let t = &self.targets[a.target];
            let rejected = t
                .not_after
                .iter()
                .any(|w| text[..a.start].ends_with(w.as_str()))
                || t.not_before
                    .iter()
                    .any(|w| text[a.end..].starts_with(w.as_str()));
            if !rejected {
                names[kept] = a;
                kept += 1;
            }
        }
        names.truncate(kept);
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
        self.excluding(hit, place, indicator).is_some()
    }

    /// The exclusion whose word `hit` is, standing at `place`, if it
    /// applies to a name of `indicator`.
    pub fn excluding(&self, hit: &CueHit, place: Place, indicator: &str) -> Option<usize> {
        self.roles(hit).iter().find_map(|r| match *r {
            Role::Excludes {
                exclusion,
                place: p,
            } if p == place => {
                let ex = &self.exclusions[exclusion];
                (ex.indicators.is_empty() || ex.indicators.iter().any(|i| i == indicator))
                    .then_some(exclusion)
            }
            _ => None,
        })
    }

    /// The exclusion that names of places below the report's region make,
    /// for a name of `indicator`.
    pub fn sub_region_exclusion(&self, indicator: &str) -> Option<usize> {
        self.exclusions.iter().position(|ex| {
            ex.sub_regions
                && (ex.indicators.is_empty() || ex.indicators.iter().any(|i| i == indicator))
        })
    }

    /// The exclusion a `Role::Excludes` refers to.
    pub fn exclusion(&self, index: usize) -> &CompiledExclusion {
        &self.exclusions[index]
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

    /// Whether `text` opens with a noun naming a level (水平, 区间).
    pub fn level_noun_at(&self, text: &str) -> bool {
        self.level_nouns
            .iter()
            .any(|w| text.starts_with(w.as_str()))
    }
}

/// Compile the link section and the indicator rules (`canonical`: every
/// indicator id a rule defines; `unit_classes`: the classes units belong to).
pub fn compile(
    section: &LinkSection,
    rules: Vec<LayeredRule>,
    canonical: &HashSet<String>,
    unit_classes: &HashSet<&str>,
    cx: &mut Collector<'_>,
) -> Lexicon {
    let sources = cx.sources;
    let mut targets = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut alias_target = Vec::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    for LayeredRule {
        rule,
        defined_in,
        alias_sources,
    } in rules.into_iter().filter(|l| l.rule.enabled != Some(false))
    {
        let src = &sources[defined_in];
        let anchor = format!("id: {}", rule.id);
        let anchor = Some(anchor.as_str());
        let indicators = match &rule.each {
            Some(each) => each.clone(),
            None => vec![rule.indicator.clone().unwrap_or_else(|| rule.id.clone())],
        };
        for id in rule
            .each
            .iter()
            .flatten()
            .chain(&rule.whole)
            .filter(|id| !canonical.contains(*id))
        {
            cx.error(src.error_at(anchor, id, format!("`each` names `{id}`, which no rule defines; expected the id of an indicator rule")));
        }
        for class in rule
            .units
            .iter()
            .flatten()
            .filter(|c| !unit_classes.contains(c.as_str()))
        {
            cx.error(src.error_at(
                anchor,
                class,
                format!(
                    "unit class `{class}` is not in vocabulary.units; expected one of {:?}",
                    sorted(unit_classes)
                ),
            ));
        }
        let aliases = rule.aliases.clone().unwrap_or_default();
        if aliases.is_empty() {
            cx.error(src.error_at(
                None,
                &format!("id: {}", rule.id),
                format!(
                    "rule `{}` has no aliases; expected at least one name to match",
                    rule.id
                ),
            ));
        }
        for (alias, &si) in aliases.iter().zip(&alias_sources) {
            let src = &sources[si];
            let a = norm(alias);
            if a.is_empty() {
                cx.error(src.error_at(
                    anchor,
                    "\"\"",
                    format!(
                        "rule `{}` has an empty alias {alias:?}; expected a name",
                        rule.id
                    ),
                ));
                continue;
            }
            match owner.get(&a) {
                Some(other) if other != &rule.id => {
                    cx.error(src.error_at(anchor, alias, format!("alias `{alias}` is claimed by `{other}` and by `{}`; expected each alias in one rule", rule.id)));
                }
                Some(_) => {}
                None => {
                    owner.insert(a.clone(), rule.id.clone());
                    patterns.push(a);
                    alias_target.push(targets.len());
                }
            }
        }
        targets.push(Target {
            rule: rule.id.clone(),
            indicators,
            whole: rule.whole.clone(),
            units: rule.units.clone().unwrap_or_default(),
            percent: rule.percent.unwrap_or(PercentMeaning::Growth),
            span_amount: rule.span_amount.unwrap_or_default(),
            not_after: rule.not_after.iter().flatten().map(|w| norm(w)).collect(),
            not_before: rule.not_before.iter().flatten().map(|w| norm(w)).collect(),
        });
    }
    let alias_index: HashMap<String, usize> = patterns
        .iter()
        .cloned()
        .zip(alias_target.iter().copied())
        .collect();
    let alias_patterns = patterns;

    // Vocabulary words with their roles.
    let mut words: Vec<String> = Vec::new();
    let mut roles: Vec<Vec<Role>> = Vec::new();
    let mut word_index: HashMap<String, usize> = HashMap::new();
    let mut add = |w: &str, role: Role| {
        let w = norm(w);
        if w.is_empty() {
            return;
        }
        match word_index.get(&w) {
            Some(&i) => roles[i].push(role),
            None => {
                word_index.insert(w.clone(), words.len());
                words.push(w);
                roles.push(vec![role]);
            }
        }
    };
    for cue in section.kinds.iter().flatten() {
        for w in &cue.words {
            add(
                w,
                Role::Kind {
                    kind: cue.kind,
                    scope: cue.scope,
                    weak: cue.weak,
                },
            );
        }
    }
    for (side, words) in section.five_year_spans.iter().flatten() {
        for w in words {
            add(w, Role::FiveYear);
            add(w, Role::SpanWord(*side));
        }
    }
    let lists: [(&Option<Vec<String>>, Role); 7] = [
        (&section.frame, Role::Frame),
        (&section.five_year, Role::FiveYear),
        (&section.over_span, Role::OverSpan),
        (&section.annual_average, Role::AnnualAverage),
        (&section.links, Role::Link),
        (&section.comparisons, Role::Comparison),
        (&section.references, Role::Reference),
    ];
    for (list, role) in lists {
        for w in list.iter().flatten() {
            add(w, role);
        }
    }
    let mut exclusions = Vec::new();
    for (i, (name, ex)) in section.exclusions.iter().flatten().enumerate() {
        for id in ex.indicators.iter().filter(|id| !canonical.contains(*id)) {
            if let Some(src) = sources
                .iter()
                .rev()
                .find(|s| s.text.contains(name.as_str()))
            {
                cx.error(src.error_at(Some(&format!("{name}:")), id, format!("exclusion `{name}` names indicator `{id}`, which no rule defines; expected a canonical indicator id")));
            }
        }
        for (words, place) in [(&ex.before, Place::Before), (&ex.between, Place::Between)] {
            for w in words {
                add(
                    w,
                    Role::Excludes {
                        exclusion: i,
                        place,
                    },
                );
            }
        }
        exclusions.push(CompiledExclusion {
            name: name.clone(),
            indicators: ex.indicators.clone(),
            sub_regions: ex.sub_regions,
        });
    }
    // One automaton for names and words, each string once with its uses.
    let mut strings: Vec<String> = Vec::new();
    let mut word_use: Vec<WordUse> = Vec::new();
    let mut string_index: HashMap<String, usize> = HashMap::new();
    let mut use_of = |w: &str| -> usize {
        if let Some(&i) = string_index.get(w) {
            return i;
        }
        string_index.insert(w.to_string(), strings.len());
        strings.push(w.to_string());
        word_use.push(WordUse::default());
        strings.len() - 1
    };
    let alias_uses: Vec<usize> = alias_patterns.iter().map(|a| use_of(a)).collect();
    let cue_uses: Vec<usize> = words.iter().map(|w| use_of(w)).collect();
    for (&u, &target) in alias_uses.iter().zip(&alias_target) {
        word_use[u].target.get_or_insert(target);
    }
    for (word, &u) in cue_uses.iter().enumerate() {
        word_use[u].cue = Some(word);
    }
    // A DFA: the pack is small and the scan covers every byte of every
    // report. A huge layered pack gets what the crate picks (its DFA would
    // take long to build and much memory).
    let total: usize = strings.iter().map(String::len).sum();
    let kind = (total <= 256 << 10).then_some(AhoCorasickKind::DFA);
    let words = AhoCorasick::builder()
        .kind(kind)
        .match_kind(MatchKind::Standard)
        .build(&strings)
        .expect("names and words are plain strings");

    let normed = |list: &Option<Vec<String>>| -> Vec<String> {
        let mut v: Vec<String> = list
            .iter()
            .flatten()
            .map(|w| norm(w))
            .filter(|w| !w.is_empty())
            .collect();
        // Longest first: a text is matched against them in order.
        v.sort_by_key(|w| std::cmp::Reverse(w.len()));
        v
    };
    let tables = {
        let mut t = section.tables.clone().unwrap_or_default();
        let all = |l: &mut Vec<String>| {
            *l = normed(&Some(std::mem::take(l)));
        };
        all(&mut t.names);
        all(&mut t.units);
        t.columns.values_mut().for_each(all);
        t
    };
    Lexicon {
        targets,
        words,
        word_use,
        alias_patterns,
        alias_index,
        cue_roles: roles,
        exclusions,
        frame_needles: needles_of(&section.frame),
        five_year_needles: needles_of(&Some(
            section
                .five_year
                .iter()
                .flatten()
                .chain(
                    section
                        .five_year_spans
                        .iter()
                        .flatten()
                        .flat_map(|(_, w)| w),
                )
                .cloned()
                .collect(),
        )),
        joiners: normed(&section.joiners),
        bases: normed(&section.bases),
        reached: normed(&section.reached),
        maintained: normed(&section.maintained),
        from_words: normed(&section.from_words),
        attributive: normed(&section.attributive),
        level_nouns: normed(&section.level_nouns),
        tables,
        limits: section.limits.unwrap_or(Limits {
            max_gap: 4,
            max_inherit: 1,
        }),
        tier_scope: section.tier_scope.unwrap_or(CueScope::Clause),
    }
}

/// Words of the section that cannot take effect where they are written.
pub fn check(section: &LinkSection, cx: &mut Collector<'_>) {
    if section.comparisons.as_ref().is_none_or(Vec::is_empty) {
        for w in section.references.iter().flatten() {
            cx.warn(
                w,
                format!(
                    "`{w}` in `references` is read only after a comparison word, and `comparisons` is empty"
                ),
            );
        }
    }
}

fn needles_of(list: &Option<Vec<String>>) -> Needles {
    let words: Vec<String> = list.iter().flatten().map(|w| norm(w)).collect();
    Needles(needles(&words).map(|ns| {
        ns.iter()
            .map(|n| memchr::memmem::Finder::new(n).into_owned())
            .collect()
    }))
}

/// At most four substrings such that every word holds one: two characters
/// long (a shorter word as it is), the one in most words first.
fn needles(words: &[String]) -> Option<Vec<String>> {
    let mut left: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    while !left.is_empty() {
        if out.len() == 4 {
            return None;
        }
        let best = left
            .iter()
            .flat_map(|w| {
                let chars: Vec<char> = w.chars().collect();
                if chars.len() < 2 {
                    vec![w.to_string()]
                } else {
                    chars.windows(2).map(|p| p.iter().collect()).collect()
                }
            })
            .map(|sub: String| {
                (
                    left.iter().filter(|w| w.contains(sub.as_str())).count(),
                    sub,
                )
            })
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))?
            .1;
        left.retain(|w| !w.contains(best.as_str()));
        out.push(best);
    }
    Some(out)
}

fn sorted<'a>(set: &HashSet<&'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = set.iter().copied().collect();
    v.sort_unstable();
    v
}
