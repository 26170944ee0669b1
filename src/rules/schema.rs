//! The rule-file format, as serde reads it. Documented for maintainers in
//! rules/README.md. Unknown keys are errors so that a typo never silently
//! switches a rule off.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::record::{Bound, Kind, Tier};

/// One YAML rule file. Every section is optional so that a user file can add
/// a single indicator or replace a single cue list.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub indicators: Vec<IndicatorRule>,
    #[serde(default)]
    pub vocabulary: Vocabulary,
}

/// Names of one canonical indicator (or of a list of them, see `each`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRule {
    /// Unique id of the rule; written to the `rule` field of each record.
    pub id: String,
    /// Canonical indicator id written to records; defaults to `id`.
    #[serde(default)]
    pub indicator: Option<String>,
    /// A name that stands for several indicators at once
    /// (城乡居民人均可支配收入 → urban, rural): one record per listed id, or
    /// the figures of a 分别 list handed out in order.
    #[serde(default)]
    pub each: Vec<String>,
    /// Surface forms. Traditional forms may be listed but need not be:
    /// matching runs on simplified text.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Unit classes (see `vocabulary.units`) a figure must have to be about
    /// this indicator; empty accepts any.
    #[serde(default)]
    pub units: Vec<String>,
    /// What a percentage means when no change verb says: growth or ratio.
    #[serde(default)]
    pub percent: Option<PercentMeaning>,
    /// The alias does not count right after one of these (人均生产总值).
    #[serde(default)]
    pub not_after: Vec<String>,
    /// The alias does not count right before one of these (生产总值占比).
    #[serde(default)]
    pub not_before: Vec<String>,
    /// `false` switches a rule of a lower layer off.
    #[serde(default = "default_true")]
    pub enabled: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PercentMeaning {
    Growth,
    Ratio,
}

/// What words mean. A list given in a later layer replaces the same list of
/// an earlier one; lists not given are kept.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Words that decide `kind`.
    #[serde(default)]
    pub kinds: Option<Vec<KindCue>>,
    /// Words that open the plan part of a report when they appear with a
    /// year at or after the report's own (2024年主要预期目标).
    #[serde(default)]
    pub frame: Option<Vec<String>>,
    #[serde(default)]
    pub bounds: Option<BTreeMap<Bound, Vec<String>>>,
    #[serde(default)]
    pub tiers: Option<BTreeMap<Tier, Vec<String>>>,
    /// Change verbs by what they make of a figure.
    #[serde(default)]
    pub verbs: Option<BTreeMap<VerbClass, Vec<String>>>,
    /// Period label → the words that name it (H1: [上半年]).
    #[serde(default)]
    pub periods: Option<BTreeMap<String, Vec<String>>>,
    /// 今年 → 0, 去年 → -1, relative to the year the report is dated.
    #[serde(default)]
    pub relative_years: Option<BTreeMap<String, i32>>,
    /// Words that make a figure's period a five-year span (五年来).
    #[serde(default)]
    pub five_year: Option<Vec<String>>,
    /// Words that may stand between a name and its figure, or open a clause
    /// that still talks about the previous name (同比, 比上年, 总量).
    #[serde(default)]
    pub links: Option<Vec<String>>,
    /// Comparison words (高于, 较) that, followed by a reference (目标,
    /// 平均, 一季度), make a figure a gap rather than a value.
    #[serde(default)]
    pub comparisons: Option<Vec<String>>,
    #[serde(default)]
    pub references: Option<Vec<String>>,
    /// Words between a name and its figure that make the figure about
    /// something else (占比, 折合).
    #[serde(default)]
    pub asides: Option<Vec<String>>,
    /// Regular expressions (over normalised text) for whole lines that are
    /// page furniture: URLs, 备案号, 来源/发布时间 bars, photo captions.
    #[serde(default)]
    pub noise_lines: Option<Vec<String>>,
    /// Regular expressions for text a site inserts into sentences
    /// (公号“…”整理编辑); removed before matching.
    #[serde(default)]
    pub watermarks: Option<Vec<String>>,
    /// Words naming a part of the region (开发区, 县城): a name later in the
    /// same clause is about that part, not the region.
    #[serde(default)]
    pub subareas: Option<Vec<String>>,
    /// Unit class → units (money: [亿元, 万元, 元]).
    #[serde(default)]
    pub units: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub limits: Option<Limits>,
}

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueScope {
    #[default]
    Sentence,
    Clause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
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

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most content characters allowed between a name and its figure.
    pub max_gap: usize,
    /// Most content characters allowed before a figure in a later clause
    /// that has no name of its own, for it to inherit the previous name.
    pub max_inherit: usize,
}
