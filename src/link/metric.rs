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
