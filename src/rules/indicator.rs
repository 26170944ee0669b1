//! Indicator rules: the names of one canonical indicator, as rule files
//! give them and as layers merge them.

use schemars::JsonSchema;
use serde::Deserialize;

use super::example::Example;

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
    /// What an amount with no word of its own (no 累计) means in a paragraph
    /// about five years: `total`, summed over them unless a word says it was
    /// reached (进出口208.9亿美元, but 突破700亿元 is the last year's; the
    /// default); `sum`, summed whatever the word (城镇新增就业超690万人); or
    /// `end`, the level of their last year (城镇居民人均可支配收入15048元).
    #[serde(default)]
    pub span_amount: Option<SpanAmount>,
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
        self.span_amount = over.span_amount.or(self.span_amount);
        self.enabled = over.enabled.or(self.enabled);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PercentMeaning {
    Growth,
    Ratio,
}

/// What a bare amount in a five-year span is (see `span_amount`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpanAmount {
    #[default]
    Total,
    Sum,
    End,
}

/// A layered indicator rule and the file each of its parts came from.
pub struct LayeredRule {
    pub rule: IndicatorRule,
    /// Source index of the rule's first definition, and of each alias.
    pub defined_in: usize,
    pub alias_sources: Vec<usize>,
}
