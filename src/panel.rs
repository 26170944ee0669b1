//! Panels: region × indicator × metric × period (for five years, with what
//! the figure holds) × year, the target beside the estimate and the
//! outcome, whichever reports stated them.
//!
//! Every statement (an indicator record of a document whose region is
//! known, with a year) goes to its row and, by its kind, to the row's
//! target, expected or actual cell. A cell shows one statement and lists
//! the source (`doc:line`) of every statement behind it. Which one it
//! shows: for a target, one from the report of the row's year (a 2024
//! target from the 2024 report), else the earliest report's; for an
//! estimate or an outcome, one from the report of the year after (the 2025
//! report's review of 2024), else the latest report's; among those, the
//! first in input order. A cell is a `conflict` when its statements give
//! different amounts (in base units), ranges, bounds or tiers.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Bound, Kind, Metric, Period, SpanMeasure, Tier};
use crate::record::{DocumentRecord, Indicator};
use crate::rules::RulePack;

/// One statement of a figure, as much as a panel keeps of it.
#[derive(Debug, Clone)]
struct Statement {
    value: f64,
    value_max: Option<f64>,
    unit: String,
    value_base: Option<f64>,
    unit_base: Option<String>,
    bound: Bound,
    tier: Option<Tier>,
    source: String,
    /// The year of the report it comes from.
    doc_year: Option<i32>,
    /// Its sentence says it is about the whole region (全省地区生产总值).
    whole: bool,
}

impl Statement {
    /// The statement for a reader: value (range), unit, bound, tier, place.
    fn said(&self) -> String {
        let range = self.value_max.map_or(String::new(), |m| format!("–{m}"));
        let tier = self.tier.map_or(String::new(), |t| {
            format!(
                " {}",
                serde_json::to_value(t)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            )
        });
        let bound = serde_json::to_value(self.bound)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        format!(
            "{}{range} {} {bound}{tier} @ {}",
            self.value, self.unit, self.source
        )
    }

    /// What two statements must share to agree.
    fn says(
        &self,
    ) -> (
        Option<u64>,
        Option<u64>,
        &Option<String>,
        Bound,
        Option<Tier>,
    ) {
        (
            self.value_base.map(f64::to_bits),
            self.value_max.map(f64::to_bits),
            &self.unit_base,
            self.bound,
            self.tier,
        )
    }
}

/// A row's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    region_code: String,
    indicator: String,
    metric: Metric,
    period: Period,
    span_measure: Option<SpanMeasure>,
    year: i32,
}

#[derive(Debug, Default)]
struct Cells {
    region_name: String,
    target: Vec<Statement>,
    expected: Vec<Statement>,
    actual: Vec<Statement>,
}

/// A panel being built, a document at a time.
#[derive(Debug, Default)]
pub struct Panel {
    rows: BTreeMap<Key, Cells>,
    /// Words before a name that make a statement about the whole region
    /// (the pack's `regions.whole`: 全省).
    whole: Vec<String>,
    /// Statements left out: no region, or no year.
    pub unplaced: usize,
}

/// One cell of a row: the statement shown, and what is behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_max: Option<f64>,
    pub unit: String,
    pub value_base: Option<f64>,
    pub unit_base: Option<String>,
    pub bound: Bound,
    pub tier: Option<Tier>,
    /// `doc:line` of every statement behind the cell, the one shown first.
    pub sources: Vec<String>,
    pub conflict: bool,
    /// Each statement that disagrees with the one shown, as it is written
    /// and where (`6 万亿元 at_least @ doc:19`).
    pub conflicts: Vec<String>,
}

/// One row of the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelRow {
    pub region_code: String,
    pub region_name: String,
    pub indicator: String,
    pub metric: Metric,
    pub period: Period,
    /// For a five-year row, what it holds (a yearly average, a change over
    /// the span, a total, a level): each is a row of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_measure: Option<SpanMeasure>,
    pub year: i32,
    pub target: Option<Cell>,
    pub expected: Option<Cell>,
    pub actual: Option<Cell>,
    /// Any cell's statements disagree.
    pub conflict: bool,
}

impl Panel {
    /// A panel whose cells prefer a statement about the whole region, by
    /// the pack's words for it.
    pub fn new(pack: &RulePack) -> Panel {
        Panel {
            whole: pack.gazetteer.whole_words().to_vec(),
            ..Panel::default()
        }
    }

    /// Whether `r`'s sentence names the whole region right before its name:
    /// a whole word (全省) or the region itself (吉林省地区生产总值).
    fn about_whole(&self, doc: &DocumentRecord, r: &Indicator) -> bool {
        let own = [&doc.region, &doc.region_name].into_iter().flatten();
        self.whole.iter().chain(own).any(|w| {
            r.text
                .match_indices(&r.label)
                .any(|(at, _)| r.text[..at].ends_with(w.as_str()))
        })
    }

    /// Add what one document gave.
    pub fn add(&mut self, doc: &DocumentRecord, indicators: &[Indicator]) {
        let (Some(code), Some(name)) = (&doc.region_code, &doc.region_name) else {
            self.unplaced += indicators.len();
            return;
        };
        for r in indicators {
            let Some(year) = r.year else {
                self.unplaced += 1;
                continue;
            };
            let key = Key {
                region_code: code.clone(),
                indicator: r.indicator.clone(),
                metric: r.metric,
                period: r.period.clone(),
                span_measure: r.span_measure,
                year,
            };
            let whole = self.about_whole(doc, r);
            let cells = self.rows.entry(key).or_insert_with(|| Cells {
                region_name: name.clone(),
                ..Cells::default()
            });
            let statement = Statement {
                value: r.value,
                value_max: r.value_max,
                unit: r.unit.clone(),
                value_base: r.value_base,
                unit_base: r.unit_base.clone(),
                bound: r.bound,
                tier: r.tier,
                source: format!("{}:{}", r.doc, r.line),
                doc_year: doc.year,
                whole,
            };
            match r.kind {
                Kind::Target => cells.target.push(statement),
                Kind::Expected => cells.expected.push(statement),
                Kind::Actual => cells.actual.push(statement),
            }
        }
    }

    /// The rows, by region, indicator, metric, period and year.
    pub fn rows(self) -> Vec<PanelRow> {
        self.rows
            .into_iter()
            .map(|(key, cells)| {
                let target = cell(cells.target, key.year, true);
                let expected = cell(cells.expected, key.year, false);
                let actual = cell(cells.actual, key.year, false);
                let conflict = [&target, &expected, &actual]
                    .iter()
                    .any(|c| c.as_ref().is_some_and(|c| c.conflict));
                PanelRow {
                    region_code: key.region_code,
                    region_name: cells.region_name,
                    indicator: key.indicator,
                    metric: key.metric,
                    period: key.period,
                    span_measure: key.span_measure,
                    year: key.year,
                    target,
                    expected,
                    actual,
                    conflict,
                }
            })
            .collect()
    }
}

/// A cell from its statements: a target shown from the report of its
/// year (else the earliest), an estimate or outcome from the report of the
/// year after (else the latest); within a report, a figure before a
/// threshold crossed beside it (达到62661亿元 over 迈上6万亿元台阶), then
/// one its sentence says is about the whole region (全省…) before one that
/// may be about a part. A threshold the figure shown meets is no conflict.
fn cell(mut statements: Vec<Statement>, year: i32, target: bool) -> Option<Cell> {
    let preferred = if target { year } else { year + 1 };
    let threshold = |s: &Statement| matches!(s.bound, Bound::AtLeast | Bound::AtMost);
    let rank = |s: &Statement| {
        let report = match s.doc_year {
            Some(y) if y == preferred => (0, 0),
            Some(y) if target => (1, y),
            Some(y) => (1, -y),
            None => (2, 0),
        };
        (report, threshold(s), !s.whole)
    };
    let shown = (0..statements.len()).min_by_key(|&i| rank(&statements[i]))?;
    let first = statements.remove(shown);
    let met = |s: &Statement| {
        let (Some(v), Some(t)) = (first.value_base, s.value_base) else {
            return false;
        };
        threshold(s)
            && !threshold(&first)
            && first.unit_base == s.unit_base
            && match s.bound {
                Bound::AtLeast => v >= t,
                _ => v <= t,
            }
    };
    let conflicts: Vec<String> = statements
        .iter()
        .filter(|s| s.says() != first.says() && !met(s))
        .map(Statement::said)
        .collect();
    let conflict = !conflicts.is_empty();
    let sources = std::iter::once(first.source.clone())
        .chain(statements.into_iter().map(|s| s.source))
        .collect();
    Some(Cell {
        value: first.value,
        value_max: first.value_max,
        unit: first.unit,
        value_base: first.value_base,
        unit_base: first.unit_base,
        bound: first.bound,
        tier: first.tier,
        sources,
        conflict,
        conflicts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(value: f64, doc_year: i32, source: &str) -> Statement {
        Statement {
            value,
            value_max: None,
            unit: "%".into(),
            value_base: Some(value),
            unit_base: Some("%".into()),
            bound: Bound::Approx,
            tier: None,
            source: source.into(),
            doc_year: Some(doc_year),
            whole: false,
        }
    }

    #[test]
    fn a_target_shows_its_own_years_report_an_outcome_the_next() {
        let c = cell(
            vec![statement(6.0, 2025, "a:1"), statement(5.0, 2024, "b:2")],
            2024,
            true,
        )
        .unwrap();
        assert_eq!(
            (c.value, c.sources[0].as_str(), c.conflict),
            (5.0, "b:2", true)
        );
        let c = cell(
            vec![statement(5.2, 2026, "a:1"), statement(5.0, 2025, "b:2")],
            2024,
            false,
        )
        .unwrap();
        assert_eq!((c.value, c.sources.len()), (5.0, 2));
        // The same figure twice is no conflict.
        let c = cell(
            vec![statement(5.0, 2024, "a:1"), statement(5.0, 2024, "a:9")],
            2024,
            true,
        )
        .unwrap();
        assert!(!c.conflict);
        // A figure over the threshold crossed beside it (迈上6万亿元台阶，
        // 达到62661亿元): the figure, and no conflict; one under it is.
        let crossed = |v: f64| Statement {
            bound: Bound::AtLeast,
            ..statement(v, 2026, "a:1")
        };
        let c = cell(
            vec![crossed(60000.0), statement(62661.0, 2026, "a:1")],
            2025,
            false,
        )
        .unwrap();
        assert_eq!(
            (c.value, c.bound, c.conflict),
            (62661.0, Bound::Approx, false)
        );
        let c = cell(
            vec![crossed(70000.0), statement(62661.0, 2026, "a:1")],
            2025,
            false,
        )
        .unwrap();
        assert_eq!((c.value, c.conflict), (62661.0, true));
        assert_eq!(c.conflicts, ["70000 % at_least @ a:1"]);
    }

    #[test]
    fn a_statement_about_the_whole_region_is_shown_before_one_that_may_be_a_part() {
        let whole = Statement {
            whole: true,
            ..statement(1.5, 2026, "a:9")
        };
        let c = cell(vec![statement(0.3, 2026, "a:2"), whole], 2025, false).unwrap();
        assert_eq!((c.value, c.sources[0].as_str()), (1.5, "a:9"));
        // The report's year still comes first.
        let whole = Statement {
            whole: true,
            ..statement(1.4, 2027, "b:9")
        };
        let c = cell(vec![statement(1.5, 2026, "a:2"), whole], 2025, false).unwrap();
        assert_eq!(c.value, 1.5);
    }

    #[test]
    fn the_whole_region_is_read_off_the_words_right_before_the_name() {
        let pack = RulePack::builtin().unwrap();
        let panel = Panel::new(&pack);
        let doc: DocumentRecord = serde_json::from_value(serde_json::json!({
            "doc": "a.txt", "title": null, "title_line": null, "type": "gwr",
            "type_line": null, "date": null, "date_line": null, "year": 2026,
            "year_source": null, "year_line": null, "year_conflict": [],
            "region": "吉林省", "region_name": "吉林省", "region_code": "220000",
            "region_level": "province", "region_line": 1, "speaker": null, "speaker_line": null
        }))
        .unwrap();
        let about = |text: &str| {
            let mut r: Indicator = serde_json::from_value(serde_json::json!({
                "doc": "a.txt", "indicator": "gdp", "metric": "level", "value": 1.5,
                "unit": "万亿元", "kind": "actual", "year": 2025, "period": "year",
                "bound": "exact", "tier": null, "label": "地区生产总值", "line": 1,
                "span": [0, 1], "section": [], "text": "", "rule": "gdp"
            }))
            .unwrap();
            r.text = text.to_string();
            panel.about_whole(&doc, &r)
        };
        assert!(about("全省地区生产总值达到1.5万亿元。"));
        assert!(about("吉林省地区生产总值达到1.5万亿元。"));
        assert!(!about("地区生产总值达到1.5万亿元。"));
        assert!(!about("全省上下，县域地区生产总值达到0.5万亿元。"));
    }
}
