//! Scoring against gold files (shared/gold/GUIDELINES.md).
//!
//! A predicted indicator record matches a gold one *loosely* when the doc's
//! file name, the indicator and the value agree; *strictly* when every field
//! the gold gives agrees too: metric, unit, kind, year, period, bound, tier
//! and value_max. Matching is one to one, in document order. Sections match
//! on doc, level, marker and title.
//!
//! Beside the scores, a report says where to work: per document, and for
//! each miss the field that was wrong (the *class* of the miss).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::model::{Bound, Kind, Metric, Period, Tier};
use crate::record::{Indicator, Section};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GoldIndicator {
    pub doc: String,
    pub indicator: String,
    pub metric: Metric,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<f64>,
    pub unit: String,
    pub kind: Kind,
    pub year: Option<i32>,
    #[serde(default)]
    pub period: Option<Period>,
    pub bound: Bound,
    pub tier: Option<Tier>,
    #[serde(default)]
    pub quote: Option<String>,
}

impl GoldIndicator {
    /// A record as gold (what a reviewed record becomes): its document by
    /// file name, its figure as the quote.
    pub fn of(r: &Indicator, text: Option<&str>) -> GoldIndicator {
        GoldIndicator {
            doc: doc_name(&r.doc).to_string(),
            indicator: r.indicator.clone(),
            metric: r.metric,
            value: r.value,
            value_max: r.value_max,
            unit: r.unit.clone(),
            kind: r.kind,
            year: r.year,
            period: Some(r.period.clone()),
            bound: r.bound,
            tier: r.tier,
            quote: text
                .and_then(|t| t.get(r.span.0..r.span.1))
                .map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldSection {
    pub doc: String,
    pub level: u8,
    pub marker: String,
    pub title: String,
}

/// A gold file holds one kind of record; which one is read off its lines.
#[derive(Debug)]
pub enum Gold {
    Indicators(Vec<GoldIndicator>),
    Sections(Vec<GoldSection>),
}

/// Read a gold JSONL file. Errors name the line.
pub fn load_gold(text: &str) -> Result<Gold, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let sections = lines.first().is_some_and(|(_, l)| l.contains("\"marker\""));
    fn all<T: for<'de> Deserialize<'de>>(lines: &[(usize, &str)]) -> Result<Vec<T>, String> {
        lines
            .iter()
            .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
            .collect()
    }
    Ok(if sections {
        Gold::Sections(all(&lines)?)
    } else {
        Gold::Indicators(all(&lines)?)
    })
}

/// The file name of a `doc` (`dir/a.txt` → `a.txt`, `x.zip!in/a.txt` → `a.txt`).
pub fn doc_name(doc: &str) -> &str {
    doc.rsplit(['/', '\\', '!']).next().unwrap_or(doc)
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Score {
    pub matched: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn loose(g: &GoldIndicator, p: &Indicator) -> bool {
    doc_name(&g.doc) == doc_name(&p.doc) && g.indicator == p.indicator && same(g.value, p.value)
}

fn strict(g: &GoldIndicator, p: &Indicator) -> bool {
    loose(g, p) && wrong_fields(g, p).is_empty()
}

/// The fields of a loosely matching record that disagree with the gold's.
pub fn wrong_fields(g: &GoldIndicator, p: &Indicator) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |ok: bool, name| {
        if !ok {
            out.push(name);
        }
    };
    check(g.year == p.year, "year");
    check(g.period.as_ref().is_none_or(|x| *x == p.period), "period");
    check(g.kind == p.kind, "kind");
    check(g.tier == p.tier, "tier");
    check(g.bound == p.bound, "bound");
    check(g.metric == p.metric, "metric");
    check(g.unit == p.unit, "unit");
    check(
        match (g.value_max, p.value_max) {
            (None, None) => true,
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        },
        "value_max",
    );
    out
}

/// One-to-one matching; returns for each gold record the index of its match.
fn pair<G, P>(gold: &[G], pred: &[P], eq: impl Fn(&G, &P) -> bool) -> Vec<Option<usize>> {
    let mut taken = vec![false; pred.len()];
    gold.iter()
        .map(|g| {
            let i = (0..pred.len()).find(|&i| !taken[i] && eq(g, &pred[i]))?;
            taken[i] = true;
            Some(i)
        })
        .collect()
}

#[derive(Debug)]
pub struct IndicatorReport {
    pub strict: Score,
    pub loose: Score,
    pub per_indicator: BTreeMap<String, (Score, Score)>,
    /// (strict, loose) by document file name.
    pub per_doc: BTreeMap<String, (Score, Score)>,
    /// How many misses of each class: a wrong field (`year`, `kind` …) of a
    /// record found with the right value, `value missing` (no record with
    /// the gold's value), `spurious` (a record with no gold value at all).
    pub classes: BTreeMap<&'static str, usize>,
    /// Gold records with no strict match, with their loose match if any.
    pub misses: Vec<(GoldIndicator, Option<Indicator>)>,
    /// Predicted records with no strict match.
    pub spurious: Vec<Indicator>,
    /// Predicted records of indicators the gold has no record of (CPI,
    /// 赤字率 …): not scored, so that adding an indicator costs no score.
    pub unscored: usize,
}

/// Score predictions for the docs the gold covers (other docs are ignored,
/// so a run over a larger corpus can be scored against a partial gold) and
/// the indicators it defines: those it has records of.
pub fn score_indicators(gold: &[GoldIndicator], predicted: &[Indicator]) -> IndicatorReport {
    let docs: std::collections::HashSet<&str> = gold.iter().map(|g| doc_name(&g.doc)).collect();
    let defined: std::collections::HashSet<&str> =
        gold.iter().map(|g| g.indicator.as_str()).collect();
    let covered: Vec<&Indicator> = predicted
        .iter()
        .filter(|p| docs.contains(doc_name(&p.doc)))
        .collect();
    let pred: Vec<&Indicator> = covered
        .iter()
        .copied()
        .filter(|p| defined.contains(p.indicator.as_str()))
        .collect();
    let unscored = covered.len() - pred.len();
    let s = pair(gold, &pred, |g, p| strict(g, p));
    let l = pair(gold, &pred, |g, p| loose(g, p));
    let score_by = |m: &[Option<usize>],
                    keep_gold: &dyn Fn(&GoldIndicator) -> bool,
                    keep_pred: &dyn Fn(&Indicator) -> bool| Score {
        matched: gold
            .iter()
            .zip(m)
            .filter(|(g, m)| m.is_some() && keep_gold(g))
            .count(),
        predicted: pred.iter().filter(|p| keep_pred(p)).count(),
        gold: gold.iter().filter(|g| keep_gold(g)).count(),
    };
    let score = |m: &[Option<usize>], keep: &dyn Fn(&str) -> bool| {
        score_by(m, &|g| keep(&g.indicator), &|p| keep(&p.indicator))
    };
    let mut per_doc = BTreeMap::new();
    for doc in &docs {
        let gd = |g: &GoldIndicator| doc_name(&g.doc) == *doc;
        let pd = |p: &Indicator| doc_name(&p.doc) == *doc;
        per_doc.insert(
            doc.to_string(),
            (score_by(&s, &gd, &pd), score_by(&l, &gd, &pd)),
        );
    }
    let mut classes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for ((g, s), l) in gold.iter().zip(&s).zip(&l) {
        match (s, l) {
            (Some(_), _) => {}
            (None, Some(i)) => {
                for f in wrong_fields(g, pred[*i]) {
                    *classes.entry(f).or_default() += 1;
                }
            }
            (None, None) => *classes.entry("value missing").or_default() += 1,
        }
    }
    let loosely: std::collections::HashSet<usize> = l.iter().flatten().copied().collect();
    let unpaired = (0..pred.len()).filter(|i| !loosely.contains(i)).count();
    if unpaired > 0 {
        classes.insert("spurious", unpaired);
    }
    let mut per_indicator = BTreeMap::new();
    let ids: std::collections::BTreeSet<&str> = gold
        .iter()
        .map(|g| g.indicator.as_str())
        .chain(pred.iter().map(|p| p.indicator.as_str()))
        .collect();
    for id in ids {
        per_indicator.insert(
            id.to_string(),
            (score(&s, &|x| x == id), score(&l, &|x| x == id)),
        );
    }
    let matched: std::collections::HashSet<usize> = s.iter().flatten().copied().collect();
    IndicatorReport {
        strict: score(&s, &|_| true),
        loose: score(&l, &|_| true),
        per_indicator,
        per_doc,
        classes,
        misses: gold
            .iter()
            .zip(&s)
            .zip(&l)
            .filter(|((_, s), _)| s.is_none())
            .map(|((g, _), l)| (g.clone(), l.map(|i| pred[i].clone())))
            .collect(),
        spurious: pred
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched.contains(i))
            .map(|(_, p)| (*p).clone())
            .collect(),
        unscored,
    }
}

#[derive(Debug)]
pub struct SectionReport {
    pub score: Score,
    pub misses: Vec<GoldSection>,
    pub spurious: Vec<Section>,
}

fn fold(s: &str) -> String {
    crate::normalise::Normalised::new(s.trim()).text
}

pub fn score_sections(gold: &[GoldSection], predicted: &[Section]) -> SectionReport {
    let docs: std::collections::HashSet<&str> = gold.iter().map(|g| doc_name(&g.doc)).collect();
    let pred: Vec<&Section> = predicted
        .iter()
        .filter(|p| docs.contains(doc_name(&p.doc)))
        .collect();
    let m = pair(gold, &pred, |g, p| {
        doc_name(&g.doc) == doc_name(&p.doc)
            && g.level == p.level
            && fold(&g.marker) == fold(&p.marker)
            && fold(&g.title) == fold(&p.title)
    });
    let matched: std::collections::HashSet<usize> = m.iter().flatten().copied().collect();
    SectionReport {
        score: Score {
            matched: matched.len(),
            predicted: pred.len(),
            gold: gold.len(),
        },
        misses: gold
            .iter()
            .zip(&m)
            .filter(|(_, m)| m.is_none())
            .map(|(g, _)| g.clone())
            .collect(),
        spurious: pred
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched.contains(i))
            .map(|(_, p)| (*p).clone())
            .collect(),
    }
}

/// A terminal-readable report.
pub fn render_indicators(r: &IndicatorReport, verbose: bool) -> String {
    let mut s = String::new();
    let line = |s: &mut String, name: &str, sc: &Score| {
        let _ = writeln!(
            s,
            "{name:<8} P {:.3}  R {:.3}  F1 {:.3}   ({} matched, {} predicted, {} gold)",
            sc.precision(),
            sc.recall(),
            sc.f1(),
            sc.matched,
            sc.predicted,
            sc.gold
        );
    };
    s.push_str("indicators\n");
    line(&mut s, "strict", &r.strict);
    line(&mut s, "loose", &r.loose);
    if r.unscored > 0 {
        let _ = writeln!(
            s,
            "({} records of indicators the gold has no record of, not scored)",
            r.unscored
        );
    }
    let _ = writeln!(
        s,
        "\n{:<26} {:>5} {:>5} {:>9} {:>9}",
        "indicator", "gold", "pred", "strict F1", "loose F1"
    );
    for (id, (st, lo)) in &r.per_indicator {
        let _ = writeln!(
            s,
            "{id:<26} {:>5} {:>5} {:>9.3} {:>9.3}",
            st.gold,
            st.predicted,
            st.f1(),
            lo.f1()
        );
    }
    let _ = writeln!(
        s,
        "\n{:<40} {:>5} {:>5} {:>9} {:>9}",
        "document", "gold", "pred", "strict F1", "loose F1"
    );
    for (doc, (st, lo)) in &r.per_doc {
        let _ = writeln!(
            s,
            "{doc:<40} {:>5} {:>5} {:>9.3} {:>9.3}",
            st.gold,
            st.predicted,
            st.f1(),
            lo.f1()
        );
    }
    let _ = writeln!(
        s,
        "\nmisses by class (a miss with two wrong fields counts in both):"
    );
    if r.classes.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for (class, n) in &r.classes {
        let _ = writeln!(s, "  {class:<14} {n:>4}");
    }
    if verbose {
        let _ = writeln!(s, "\nmisses (gold without a strict match):");
        for (g, near) in &r.misses {
            let _ = writeln!(
                s,
                "- {} {} {} {} {:?} {:?} {:?} {} {:?} {:?}  «{}»",
                doc_name(&g.doc),
                g.indicator,
                g.value,
                g.unit,
                g.metric,
                g.kind,
                g.year,
                g.period.as_ref().map_or("?", Period::label),
                g.bound,
                g.tier,
                g.quote.as_deref().unwrap_or("")
            );
            match near {
                Some(p) => {
                    let _ = writeln!(
                        s,
                        "    got: {:?} {} {:?} {:?} {} {:?} {:?} (line {}) — wrong: {}",
                        p.metric,
                        p.unit,
                        p.kind,
                        p.year,
                        p.period,
                        p.bound,
                        p.tier,
                        p.line,
                        wrong_fields(g, p).join(", ")
                    );
                }
                None => {
                    let _ = writeln!(s, "    no record with this value");
                }
            }
        }
        let _ = writeln!(s, "\nspurious (predicted without a strict match):");
        for p in &r.spurious {
            let _ = writeln!(
                s,
                "- {} {} {} {} {:?} {:?} {:?} {} {:?} {:?} line {} «{}» {}",
                doc_name(&p.doc),
                p.indicator,
                p.value,
                p.unit,
                p.metric,
                p.kind,
                p.year,
                p.period,
                p.bound,
                p.tier,
                p.line,
                p.label,
                p.text.chars().take(60).collect::<String>()
            );
        }
    }
    s
}

pub fn render_sections(r: &SectionReport, verbose: bool) -> String {
    let sc = &r.score;
    let mut s = format!(
        "sections\n{:<8} P {:.3}  R {:.3}  F1 {:.3}   ({} matched, {} predicted, {} gold)\n",
        "",
        sc.precision(),
        sc.recall(),
        sc.f1(),
        sc.matched,
        sc.predicted,
        sc.gold
    );
    if verbose {
        s.push_str("\nmisses:\n");
        for g in &r.misses {
            let _ = writeln!(
                s,
                "- {} {} {} {}",
                doc_name(&g.doc),
                g.level,
                g.marker,
                g.title
            );
        }
        s.push_str("\nspurious:\n");
        for p in &r.spurious {
            let _ = writeln!(
                s,
                "- {} {} {} {} (line {})",
                doc_name(&p.doc),
                p.level,
                p.marker,
                p.title,
                p.line
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold() -> GoldIndicator {
        serde_json::from_str(r#"{"doc":"a.txt","indicator":"gdp","metric":"growth","value":5,"unit":"%","kind":"target","year":2024,"period":"year","bound":"approx","tier":null,"quote":"x"}"#).unwrap()
    }

    fn pred(kind: Kind) -> Indicator {
        Indicator {
            doc: "dir/a.txt".into(),
            indicator: "gdp".into(),
            metric: Metric::Growth,
            value: 5.0,
            value_max: None,
            unit: "%".into(),
            value_base: None,
            unit_base: None,
            kind,
            year: Some(2024),
            period: Period::Year,
            span_measure: None,
            bound: Bound::Approx,
            tier: None,
            label: "GDP".into(),
            line: 1,
            span: crate::text::Span(0, 1),
            section: vec![],
            text: String::new(),
            rule: "gdp".into(),
            region_code: None,
            source: None,
        }
    }

    #[test]
    fn strict_and_loose() {
        let r = score_indicators(&[gold()], &[pred(Kind::Actual)]);
        assert_eq!((r.strict.matched, r.loose.matched), (0, 1));
        assert_eq!(r.misses.len(), 1);
        let r = score_indicators(&[gold()], &[pred(Kind::Target), pred(Kind::Target)]);
        assert_eq!((r.strict.matched, r.strict.predicted), (1, 2));
        assert!((r.strict.f1() - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn misses_are_classed_and_documents_scored() {
        let mut wrong_year = pred(Kind::Target);
        wrong_year.year = Some(2023);
        let mut other = pred(Kind::Target);
        other.value = 9.0;
        let r = score_indicators(&[gold()], &[wrong_year, other]);
        assert_eq!(r.classes.get("year"), Some(&1));
        assert_eq!(r.classes.get("spurious"), Some(&1));
        assert_eq!(r.per_doc["a.txt"].1.matched, 1);
        let r = score_indicators(&[gold()], &[]);
        assert_eq!(r.classes.get("value missing"), Some(&1));
        // A period is part of a strict match.
        let mut five = pred(Kind::Target);
        five.period = Period::FiveYears;
        let r = score_indicators(&[gold()], &[five]);
        assert_eq!((r.strict.matched, r.classes.get("period")), (0, Some(&1)));
    }

    #[test]
    fn indicators_the_gold_does_not_define_are_not_scored() {
        let mut cpi = pred(Kind::Target);
        cpi.indicator = "cpi".into();
        let r = score_indicators(&[gold()], &[pred(Kind::Target), cpi]);
        assert_eq!(
            (r.strict.matched, r.strict.predicted, r.unscored),
            (1, 1, 1)
        );
        assert!(render_indicators(&r, false).contains("1 records of indicators the gold"));
    }

    #[test]
    fn gold_kind_is_read_off_the_file() {
        assert!(matches!(
            load_gold(r#"{"doc":"a","level":1,"marker":"一、","title":"t"}"#),
            Ok(Gold::Sections(_))
        ));
        assert!(load_gold("{not json").is_err());
    }
}
