//! Running the inline examples of a rule pack (`zhibiao rules test`).
//!
//! An example on an indicator rule checks the records *that rule* gives for
//! its text; a file-level example checks all records. Expected records pair
//! up with actual ones in order; only the fields an example gives are
//! compared, so an example says exactly what it cares about.

use std::fmt::Write as _;

use crate::pipeline::Extractor;
use crate::record::Indicator;
use crate::rules::{Expected, RuleExample};

/// One example and what the pack made of it.
#[derive(Debug)]
pub struct Outcome<'a> {
    pub example: &'a RuleExample,
    pub actual: Vec<Indicator>,
    pub passed: bool,
    /// The example expects an indicator that a layer switched off.
    pub skipped: bool,
}

/// Run every example of the engine's pack.
pub fn run(engine: &Extractor) -> Vec<Outcome<'_>> {
    let pack = engine.pack();
    let enabled: std::collections::HashSet<&str> = pack
        .lexicon
        .targets
        .iter()
        .flat_map(|t| t.indicators.iter().map(String::as_str))
        .collect();
    pack.examples
        .iter()
        .map(|ex| {
            let skipped = ex.example.records.iter().any(|r| {
                r.indicator
                    .as_deref()
                    .is_some_and(|id| !enabled.contains(id))
            });
            let all = engine.extract("example", &ex.example.text).indicators;
            let actual: Vec<Indicator> = all
                .into_iter()
                .filter(|r| ex.rule.as_ref().is_none_or(|id| &r.rule == id))
                .collect();
            let expected = &ex.example.records;
            let passed = expected.len() == actual.len()
                && expected.iter().zip(&actual).all(|(e, a)| matches(e, a));
            Outcome {
                example: ex,
                actual,
                passed: passed || skipped,
                skipped,
            }
        })
        .collect()
}

fn matches(e: &Expected, a: &Indicator) -> bool {
    fn eq<T: PartialEq>(want: &Option<T>, got: &T) -> bool {
        want.as_ref().is_none_or(|w| w == got)
    }
    let close = |want: f64, got: f64| (want - got).abs() < 1e-9;
    eq(&e.indicator, &a.indicator)
        && eq(&e.metric, &a.metric)
        && e.value.is_none_or(|v| close(v, a.value))
        && e.value_max.is_none_or(|v| match (v, a.value_max) {
            (Some(w), Some(g)) => close(w, g),
            (w, g) => w.is_none() && g.is_none(),
        })
        && eq(&e.unit, &a.unit)
        && eq(&e.kind, &a.kind)
        && eq(&e.year, &a.year)
        && eq(&e.period, &a.period)
        && eq(&e.span_measure, &a.span_measure)
        && eq(&e.bound, &a.bound)
        && eq(&e.tier, &a.tier)
        && eq(&e.label, &a.label)
}

/// The fields an example cares about, of an actual record, for showing
/// next to what was expected.
fn shown(e: Option<&Expected>, a: &Indicator) -> Expected {
    let full = Expected {
        indicator: Some(a.indicator.clone()),
        metric: Some(a.metric),
        value: Some(a.value),
        value_max: Some(a.value_max),
        unit: Some(a.unit.clone()),
        kind: Some(a.kind),
        year: Some(a.year),
        period: Some(a.period.clone()),
        span_measure: Some(a.span_measure),
        bound: Some(a.bound),
        tier: Some(a.tier),
        label: None,
    };
    let Some(e) = e else { return full };
    Expected {
        indicator: e.indicator.as_ref().and(full.indicator),
        metric: e.metric.and(full.metric),
        value: e.value.and(full.value),
        value_max: e.value_max.and(full.value_max),
        unit: e.unit.as_ref().and(full.unit),
        kind: e.kind.and(full.kind),
        year: e.year.and(full.year),
        period: e.period.as_ref().and(full.period),
        span_measure: e.span_measure.and(full.span_measure),
        bound: e.bound.and(full.bound),
        tier: e.tier.and(full.tier),
        label: e.label.as_ref().map(|_| a.label.clone()),
    }
}

fn one_line(e: &Expected) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

/// A failed example, expected and actual side by side.
pub fn render_failure(o: &Outcome<'_>) -> String {
    let ex = o.example;
    let mut s = String::new();
    let rule = ex.rule.as_deref().unwrap_or("(file-level example)");
    let _ = writeln!(s, "FAIL {} — {rule}\n  text: {}", ex.file, ex.example.text);
    let rows = ex.example.records.len().max(o.actual.len());
    let expected: Vec<String> = ex.example.records.iter().map(one_line).collect();
    let actual: Vec<String> = (0..o.actual.len())
        .map(|i| one_line(&shown(ex.example.records.get(i), &o.actual[i])))
        .collect();
    let width = expected
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 90);
    let _ = writeln!(s, "  {:<width$} | actual", "expected");
    if rows == 0 {
        let _ = writeln!(s, "  {:<width$} | (none)", "(none)");
    }
    for i in 0..rows {
        let e = expected.get(i).map_or("(none)", String::as_str);
        let a = actual.get(i).map_or("(none)", String::as_str);
        let mark = if e == a { ' ' } else { '≠' };
        let _ = writeln!(s, "{mark} {e:<width$} | {a}");
    }
    s
}
