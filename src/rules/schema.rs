//! The rule-file format, as serde reads it. Documented for maintainers in
//! rules/README.md. Unknown keys are errors so that a typo never silently
//! switches a rule off.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::record::{Bound, DocType, Kind, Metric, Tier};

/// One YAML rule file. Every section is optional so that a user file can add
/// a single indicator, a few aliases, or a word to one list.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub indicators: Vec<IndicatorRule>,
    /// Words added to the layers below: a list here adds its words, a map
    /// adds key by key.
    #[serde(default)]
    pub vocabulary: Vocabulary,
    /// Words taken out of the layers below, in the shape of `vocabulary`
    /// (remove: {verbs: {growth: [增]}}).
    #[serde(default)]
    pub remove: Vocabulary,
    /// Examples that check the pack as a whole: cue words, lists, time.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// Names of one canonical indicator (or of a list of them, see `each`).
///
/// Layering: a rule whose `id` a lower layer already has is merged into it.
/// `aliases`, `not_after`, `not_before` and `examples` are added to; the
/// other keys, when given, replace.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
    pub each: Option<Vec<String>>,
    /// For an `each` name: the indicator it means when nothing hands its
    /// figures out one by one (城乡居民人均可支配收入年均增长8% is
    /// 居民人均可支配收入's figure).
    #[serde(default)]
    pub whole: Option<String>,
    /// Surface forms. Traditional forms may be listed but need not be:
    /// matching runs on simplified text.
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    /// Unit classes (see `vocabulary.units`) a figure must have to be about
    /// this indicator; empty accepts any.
    #[serde(default)]
    pub units: Option<Vec<String>>,
    /// What a percentage means when no change verb says: growth or ratio.
    #[serde(default)]
    pub percent: Option<PercentMeaning>,
    /// The alias does not count right after one of these (人均生产总值).
    #[serde(default)]
    pub not_after: Option<Vec<String>>,
    /// The alias does not count right before one of these (生产总值能耗).
    #[serde(default)]
    pub not_before: Option<Vec<String>>,
    /// `false` switches a rule of a lower layer off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Texts and the records this rule must give for them (`zhibiao rules test`).
    #[serde(default)]
    pub examples: Vec<Example>,
}

impl IndicatorRule {
    /// Layer `over` (same id, a later file) onto this rule.
    pub fn merge(&mut self, over: IndicatorRule) {
        fn add<T>(to: &mut Option<Vec<T>>, more: Option<Vec<T>>) {
            if let Some(more) = more {
                to.get_or_insert_with(Vec::new).extend(more);
            }
        }
        add(&mut self.aliases, over.aliases);
        add(&mut self.not_after, over.not_after);
        add(&mut self.not_before, over.not_before);
        self.examples.extend(over.examples);
        self.indicator = over.indicator.or(self.indicator.take());
        self.each = over.each.or(self.each.take());
        self.whole = over.whole.or(self.whole.take());
        self.units = over.units.or(self.units.take());
        self.percent = over.percent.or(self.percent);
        self.enabled = over.enabled.or(self.enabled);
    }
}

/// A text and the records it must give. With `records: []` it must give
/// none (a negative example).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    pub records: Vec<Expected>,
}

/// The fields of a record an example checks; fields left out are not
/// checked, `null` checks for null.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_max: Option<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub year: Option<Option<i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub tier: Option<Option<Tier>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A key that is present, even as `null`, is `Some` (absent stays `None`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PercentMeaning {
    Growth,
    Ratio,
}

/// What words mean. A later layer adds to it: a list its words, a map key
/// by key; `remove:` takes words out (see [`Layer`]).
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Words that decide `kind`.
    #[serde(default)]
    pub kinds: Option<Vec<KindCue>>,
    /// Words that open the plan part of a report when they appear with a
    /// year at or after the report's own (2024年主要预期目标).
    #[serde(default)]
    pub frame: Option<Vec<String>>,
    /// Qualifiers by what they make of a figure's bound, and where they
    /// stand: before the amount (超过5%), after it (5%以上), or between the
    /// number and its unit (7000余人).
    #[serde(default)]
    pub bounds: Option<BTreeMap<Bound, Placement>>,
    #[serde(default)]
    pub tiers: Option<BTreeMap<Tier, Vec<String>>>,
    /// How far a tier word reaches: the figures of its own clause (力争…，
    /// 在实际工作中努力争取更好结果 gives no tier to the next clause), or of
    /// its sentence.
    #[serde(default)]
    pub tier_scope: Option<CueScope>,
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
    /// Words that name a five-year span: the years reviewed (`past`: 这五年,
    /// 五年来) or planned (`ahead`: 今后五年). A clause of one alone (这五年，)
    /// opens the span for the paragraph; in a figure's reach, one makes it a
    /// five-year figure like the `five_year` words.
    #[serde(default)]
    pub five_year_spans: Option<BTreeMap<SpanSide, Vec<String>>>,
    /// Words before the first figure of a from-to statement (从689万户增至
    /// 951万户): that figure is the level at the start, a year (or, in a
    /// five-year span, five years) before the second.
    #[serde(default)]
    pub from_words: Option<Vec<String>>,
    /// Words that make a figure cover the span its paragraph or heading is
    /// about (累计, 每年): five years in a five-year span, else its year.
    #[serde(default)]
    pub over_span: Option<Vec<String>>,
    /// Words before a figure that make it a level held through a span
    /// (稳定在, 保持在, 控制在): in a five-year span, a five-year figure.
    #[serde(default)]
    pub maintained: Option<Vec<String>>,
    /// Verbs and qualifiers that make a figure the level reached at the end
    /// of a five-year span (这五年…达到1.5万亿元 is the level of its last
    /// year, not a five-year total).
    #[serde(default)]
    pub reached: Option<Vec<String>>,
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
    /// Contexts that make a figure not about the name it stands next to,
    /// by what they are (part_of_region: 开发区, 都市圈; share: 占比, 比率;
    /// contribution: 拉动, 贡献率 …). Each names its words and where they
    /// stand; a later layer adds words to an exclusion of the same name.
    #[serde(default)]
    pub exclusions: Option<BTreeMap<String, Exclusion>>,
    /// Regular expressions (over normalised text) for whole lines that are
    /// page furniture: URLs, 备案号, 来源/发布时间 bars, photo captions.
    #[serde(default)]
    pub noise_lines: Option<Vec<String>>,
    /// Regular expressions for text a site inserts into sentences
    /// (公号“…”整理编辑); removed before matching.
    #[serde(default)]
    pub watermarks: Option<Vec<String>>,
    /// Damage a site did to the text, undone before matching: a `%` written
    /// as `_M_M_`, line breaks written out as the text `\r\n`.
    #[serde(default)]
    pub replacements: Option<Vec<Replacement>>,
    /// Unit class → units (money: [亿元, 万元, 元]).
    #[serde(default)]
    pub units: Option<BTreeMap<String, Vec<String>>>,
    /// Magnitude words → their factor, as decimal digits (亿: "100000000").
    /// A unit that is a magnitude before another unit of its class (亿元 =
    /// 亿 + 元, 万人次 = 万 + 人次) converts to that one: a record's
    /// `value_base` and `unit_base`. A magnitude alone (万亿) stands before
    /// the one unit of its class that has none.
    #[serde(default)]
    pub magnitudes: Option<BTreeMap<String, String>>,
    /// Units that, right after a change verb with no number between, show
    /// digits the source dropped (达到元): the figure is reported as damaged.
    #[serde(default)]
    pub damaged_units: Option<Vec<String>>,
    /// Words that spread figures over a list of names: `in_order` hands
    /// them out one each (分别), `shared` gives each name the same (均).
    #[serde(default)]
    pub distributors: Option<BTreeMap<Distribution, Vec<String>>>,
    /// Prepositions that may open a time phrase (截至2023年底, 在2023年).
    #[serde(default)]
    pub time_prepositions: Option<Vec<String>>,
    /// Words that join the two ends of a range (16万亩至20万亩); dashes
    /// are shapes the grammar knows.
    #[serde(default)]
    pub range_words: Option<Vec<String>>,
    /// Words after a year that open a span from it (2021年以来): the year
    /// is then no figure's year.
    #[serde(default)]
    pub since: Option<Vec<String>>,
    /// Words that join names into a list (A和B, A及B); 、 is a shape.
    #[serde(default)]
    pub joiners: Option<Vec<String>>,
    /// Words right before a year that make it the base of a comparison
    /// (与2019年持平), not the figure's year.
    #[serde(default)]
    pub bases: Option<Vec<String>>,
    /// Words right after a figure that make it describe the noun after them
    /// (73%的常住人口).
    #[serde(default)]
    pub attributive: Option<Vec<String>>,
    /// How a table flattened into lines is read (统计公报: 指标 / 绝对数 /
    /// 比上年增长%, then a row per indicator).
    #[serde(default)]
    pub tables: Option<TableWords>,
    /// What a document is and when, read off its head (see `DocumentWords`).
    #[serde(default)]
    pub documents: Option<DocumentWords>,
    /// The gazetteer, and the words that say whose report it is (see
    /// `RegionWords`).
    #[serde(default)]
    pub regions: Option<RegionWords>,
    /// Words that are none of the above, listed so that the shorter words
    /// inside them are not read (个季度 holds the unit 个, 增加值 the verb 增加).
    #[serde(default)]
    pub not_words: Option<Vec<String>>,
    #[serde(default)]
    pub limits: Option<Limits>,
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
}

impl Layer for Exclusion {
    fn layer(&mut self, over: Self) {
        self.before.layer(over.before);
        self.between.layer(over.between);
        self.indicators.layer(over.indicators);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.before.take_out(&words.before);
        self.between.take_out(&words.between);
        self.indicators.take_out(&words.indicators);
        false
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

/// The words that tell what a document is and which year it is about.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentWords {
    /// Document types by the words that name them, in a title or in the
    /// opening text.
    #[serde(default)]
    pub types: BTreeMap<DocType, TypeWords>,
    /// A line holding one of these says where and when the report was
    /// delivered (…人民代表大会第五次会议上): its date is the report's.
    #[serde(default)]
    pub meeting: Vec<String>,
    /// Right after a year, words naming it the year the report plans
    /// (2026年主要预期目标, 与2019年计划目标持平, 2012年工作安排).
    #[serde(default)]
    pub plan_year: Vec<String>,
    /// Right after a year, words naming it the year the report reviews
    /// (2013年工作回顾).
    #[serde(default)]
    pub review_year: Vec<String>,
    /// After a five-year plan (“十四五”), words saying it has closed: the
    /// report reviews its last year.
    #[serde(default)]
    pub plan_closed: Vec<String>,
    /// Right after a year, words making it a point the report looks back
    /// on (2012年底, 2012年末).
    #[serde(default)]
    pub year_end: Vec<String>,
}

/// The gazetteer and how a report's region is read (src/region.rs).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionWords {
    /// Regions as "code name": the 6-digit GB/T 2260 code (a province's
    /// ends in 0000, a prefecture's in 00) and the name (110105 朝阳区).
    #[serde(default)]
    pub list: Vec<String>,
    /// Names no longer in use → the code of the region now (襄樊市: 420600).
    /// A county that became a district (徐水县 → 徐水区) needs none: names
    /// also match without their suffix.
    #[serde(default)]
    pub former: BTreeMap<String, String>,
    /// Short names of provinces → code (粤: 440000, 龙江: 230000), read
    /// where nothing longer names a region.
    #[serde(default)]
    pub short: BTreeMap<String, String>,
    /// Endings a name may be written without (省, 市, 自治区, 县, 区, 旗);
    /// what is left must be two characters or more.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Peoples named in autonomous regions' names: a name is also read up
    /// to the first of them (红河哈尼族彝族自治州 → 红河).
    #[serde(default)]
    pub peoples: Vec<String>,
    /// The code and name the nation's reports get, and the words in a
    /// report's head that make it the nation's (国务院, 全国人民代表大会).
    #[serde(default)]
    pub national: Option<NationalWords>,
    /// Words right after a region name that make it the report's own
    /// (…人民政府, …人民代表大会): read before any other mention.
    #[serde(default)]
    pub own: Vec<String>,
    /// Titles of the official who delivers a report (市长, 总理), followed
    /// by the name.
    #[serde(default)]
    pub speakers: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalWords {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub words: Vec<String>,
}

impl Layer for String {
    fn layer(&mut self, over: Self) {
        *self = over;
    }
    fn take_out(&mut self, _: &Self) -> bool {
        true
    }
}

impl Layer for NationalWords {
    fn layer(&mut self, over: Self) {
        self.code = over.code;
        self.name = over.name;
        self.words.layer(over.words);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.words.take_out(&words.words);
        false
    }
}

impl Layer for RegionWords {
    fn layer(&mut self, over: Self) {
        self.list.layer(over.list);
        self.former.layer(over.former);
        self.short.layer(over.short);
        self.suffixes.layer(over.suffixes);
        self.peoples.layer(over.peoples);
        match (&mut self.national, over.national) {
            (Some(mine), Some(over)) => mine.layer(over),
            (mine, over) => *mine = over.or(mine.take()),
        }
        self.own.layer(over.own);
        self.speakers.layer(over.speakers);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.list.take_out(&words.list);
        self.former.take_out(&words.former);
        self.short.take_out(&words.short);
        self.suffixes.take_out(&words.suffixes);
        self.peoples.take_out(&words.peoples);
        self.national.take_out(&words.national);
        self.own.take_out(&words.own);
        self.speakers.take_out(&words.speakers);
        false
    }
}

/// The words that name one document type.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeWords {
    /// In the title: 政府工作报告.
    #[serde(default)]
    pub title: Vec<String>,
    /// In the opening text, when no title names the type: 向大会报告.
    #[serde(default)]
    pub text: Vec<String>,
}

/// A regular expression (over normalised text) and what its matches stand
/// for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    pub pattern: String,
    /// The text a match is read as (may be empty, or a line break).
    pub with: String,
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

/// Which five years a span word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpanSide {
    /// The five years the report reviews.
    Past,
    /// The five years it plans.
    Ahead,
}

/// How a distributor spreads figures over a list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// One figure to each name, in order (分别增长3%、7%).
    InOrder,
    /// The same figure to every name (均增长5%).
    Shared,
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CueScope {
    #[default]
    Sentence,
    Clause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
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

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Most content characters allowed between a name and its figure.
    pub max_gap: usize,
    /// Most content characters allowed before a figure in a later clause
    /// that has no name of its own, for it to inherit the previous name.
    pub max_inherit: usize,
}

/// How a later rule file goes over an earlier one, at the finest level a
/// maintainer means: a list adds its words, a map merges key by key, a
/// single value (a limit, a relative year) replaces. `take_out` takes out
/// what `words` lists (and says whether nothing is left of `self`).
pub trait Layer {
    fn layer(&mut self, over: Self);
    fn take_out(&mut self, words: &Self) -> bool;
}

impl Layer for Vec<String> {
    fn layer(&mut self, over: Self) {
        for w in over {
            if !self.contains(&w) {
                self.push(w);
            }
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        // Compared as matched: a traditional form removes the simplified one.
        let norm = |w: &str| crate::normalise::Normalised::new(w.trim()).text;
        let words: Vec<String> = words.iter().map(|w| norm(w)).collect();
        self.retain(|w| !words.contains(&norm(w)));
        false
    }
}

impl<K: Ord, V: Layer> Layer for BTreeMap<K, V> {
    fn layer(&mut self, over: Self) {
        for (k, v) in over {
            match self.get_mut(&k) {
                Some(mine) => mine.layer(v),
                None => {
                    self.insert(k, v);
                }
            }
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        for (k, v) in words {
            if self.get_mut(k).is_some_and(|mine| mine.take_out(v)) {
                self.remove(k);
            }
        }
        false
    }
}

impl<T: Layer> Layer for Option<T> {
    fn layer(&mut self, over: Self) {
        match (self.as_mut(), over) {
            (Some(mine), Some(over)) => mine.layer(over),
            (None, over) => *self = over,
            (_, None) => {}
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        if let (Some(mine), Some(words)) = (self.as_mut(), words) {
            mine.take_out(words);
        }
        false
    }
}

/// A relative year (今年: 0) is replaced by a later layer, and removed whole.
impl Layer for i32 {
    fn layer(&mut self, over: Self) {
        *self = over;
    }
    fn take_out(&mut self, _: &Self) -> bool {
        true
    }
}

impl Layer for CueScope {
    fn layer(&mut self, over: Self) {
        *self = over;
    }
    fn take_out(&mut self, _: &Self) -> bool {
        false
    }
}

impl Layer for Limits {
    fn layer(&mut self, over: Self) {
        *self = over;
    }
    fn take_out(&mut self, _: &Self) -> bool {
        false
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

impl Layer for TypeWords {
    fn layer(&mut self, over: Self) {
        self.title.layer(over.title);
        self.text.layer(over.text);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.title.take_out(&words.title);
        self.text.take_out(&words.text);
        false
    }
}

impl Layer for DocumentWords {
    fn layer(&mut self, over: Self) {
        self.types.layer(over.types);
        self.meeting.layer(over.meeting);
        self.plan_year.layer(over.plan_year);
        self.review_year.layer(over.review_year);
        self.plan_closed.layer(over.plan_closed);
        self.year_end.layer(over.year_end);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.types.take_out(&words.types);
        self.meeting.take_out(&words.meeting);
        self.plan_year.take_out(&words.plan_year);
        self.review_year.take_out(&words.review_year);
        self.plan_closed.take_out(&words.plan_closed);
        self.year_end.take_out(&words.year_end);
        false
    }
}

/// Replacements add entries; removing takes out those of the same pattern.
impl Layer for Vec<Replacement> {
    fn layer(&mut self, over: Self) {
        for r in over {
            self.retain(|m| m.pattern != r.pattern);
            self.push(r);
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.retain(|m| !words.iter().any(|w| w.pattern == m.pattern));
        false
    }
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

macro_rules! layer_fields {
    ($($f:ident),* $(,)?) => {
        impl Layer for Vocabulary {
            fn layer(&mut self, over: Self) {
                $( self.$f.layer(over.$f); )*
            }
            fn take_out(&mut self, words: &Self) -> bool {
                $( self.$f.take_out(&words.$f); )*
                false
            }
        }
    };
}

layer_fields!(
    kinds,
    frame,
    bounds,
    tiers,
    tier_scope,
    verbs,
    periods,
    relative_years,
    five_year,
    five_year_spans,
    from_words,
    over_span,
    maintained,
    reached,
    links,
    comparisons,
    references,
    exclusions,
    noise_lines,
    watermarks,
    replacements,
    units,
    magnitudes,
    damaged_units,
    distributors,
    time_prepositions,
    range_words,
    since,
    joiners,
    bases,
    attributive,
    tables,
    documents,
    regions,
    not_words,
    limits,
);
