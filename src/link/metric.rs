//! What a figure measures (a growth, a level, a change, a ratio) and its
//! sign, from its verb, its unit and what the indicator's percentages mean.

use crate::link::words::Target;
use crate::model::Metric;
use crate::parse::words::VerbClass;
use crate::rules::indicator::PercentMeaning;

/// Metric and sign of a figure with verb class `verb` and unit class
/// `class`, about `target`.
pub(super) fn metric_of(
    target: &Target,
    verb: Option<VerbClass>,
    class: Option<&str>,
) -> (Metric, f64) {
    let percentish = matches!(class, Some("percent" | "points"));
    let changes = matches!(
        verb,
        Some(VerbClass::Growth | VerbClass::Decline | VerbClass::Change)
    );
    let metric = match (percentish, changes) {
        (true, true) => Metric::Growth,
        // 个百分点 with no verb is still a change of a rate.
        (true, false) if class == Some("points") => Metric::Growth,
        (true, false) => match target.percent {
            PercentMeaning::Ratio => Metric::Ratio,
            PercentMeaning::Growth => Metric::Growth,
        },
        (false, true) => Metric::Change,
        (false, false) => Metric::Level,
    };
    let sign = if verb == Some(VerbClass::Decline) {
        -1.0
    } else {
        1.0
    };
    (metric, sign)
}

/// GUIDELINES, `metric` and `value`: growth is a relative change in % or
/// 个百分点; level an absolute amount; change an absolute rise or fall of an
/// amount; ratio a share or rate that is itself a percentage; a fall is
/// negative.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::PACK;

    fn target(rule: &str) -> &'static Target {
        PACK.lexicon
            .targets
            .iter()
            .find(|t| t.rule == rule)
            .expect("a rule of the built-in pack")
    }

    #[test]
    fn growth_is_a_relative_change_in_percent_or_points() {
        let gdp = target("gdp");
        assert_eq!(
            metric_of(gdp, Some(VerbClass::Growth), Some("percent")),
            (Metric::Growth, 1.0)
        );
        // 提高0.5个百分点, and 个百分点 with no verb too.
        assert_eq!(metric_of(gdp, None, Some("points")).0, Metric::Growth);
    }

    #[test]
    fn a_fall_is_negative() {
        let gdp = target("gdp");
        assert_eq!(
            metric_of(gdp, Some(VerbClass::Decline), Some("percent")),
            (Metric::Growth, -1.0)
        );
    }

    #[test]
    fn level_is_an_amount_and_change_a_rise_of_one() {
        let gdp = target("gdp");
        assert_eq!(metric_of(gdp, None, Some("money")).0, Metric::Level);
        assert_eq!(
            metric_of(gdp, Some(VerbClass::Level), Some("money")).0,
            Metric::Level
        );
        // 增加近1000亿元, 净增2.3万户.
        assert_eq!(
            metric_of(gdp, Some(VerbClass::Change), Some("money")).0,
            Metric::Change
        );
    }

    #[test]
    fn ratio_is_a_rate_that_is_itself_a_percentage() {
        // 城镇登记失业率3.69%: the indicator's percentages are ratios.
        let rate = target("unemployment_rate");
        assert_eq!(metric_of(rate, None, Some("percent")).0, Metric::Ratio);
        // ... unless a change verb makes it a change of the rate.
        assert_eq!(
            metric_of(rate, Some(VerbClass::Decline), Some("points")),
            (Metric::Growth, -1.0)
        );
    }
}
