//! Scoring against gold files (shared/gold/GUIDELINES.md).
//!
//! A predicted indicator record matches a gold one *loosely* when the doc's
//! file name, the indicator and the value agree; *strictly* when metric,
//! unit, kind, year, bound, tier and value_max agree too. Matching is one to
//! one, in document order. Sections match on doc, level, marker and title.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::record::{Bound, Indicator, Kind, Metric, Section, Tier};

#[derive(Debug, Clone, Deserialize)]
pub struct GoldIndicator {
    pub doc: String,
    pub indicator: String,
    pub metric: Metric,
    pub value: f64,
    #[serde(default)]
    pub value_max: Option<f64>,
    pub unit: String,
    pub kind: Kind,
    pub year: Option<i32>,
    #[serde(default)]
    pub period: Option<String>,
    pub bound: Bound,
    pub tier: Option<Tier>,
    #[serde(default)]
    pub quote: Option<String>,
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
    loose(g, p)
        && g.metric == p.metric
        && g.unit == p.unit
        && g.kind == p.kind
        && g.year == p.year
        && g.bound == p.bound
        && g.tier == p.tier
        && match (g.value_max, p.value_max) {
            (None, None) => true,
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        }
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
    /// Gold records with no strict match, with their loose match if any.
    pub misses: Vec<(GoldIndicator, Option<Indicator>)>,
    /// Predicted records with no strict match.
    pub spurious: Vec<Indicator>,
}

/// Score predictions for the docs the gold covers (other docs are ignored,
/// so a run over a larger corpus can be scored against a partial gold).
pub fn score_indicators(gold: &[GoldIndicator], predicted: &[Indicator]) -> IndicatorReport {
    let docs: std::collections::HashSet<&str> = gold.iter().map(|g| doc_name(&g.doc)).collect();
    let pred: Vec<&Indicator> = predicted
        .iter()
        .filter(|p| docs.contains(doc_name(&p.doc)))
        .collect();
    let s = pair(gold, &pred, |g, p| strict(g, p));
    let l = pair(gold, &pred, |g, p| loose(g, p));
    let score = |m: &[Option<usize>], keep: &dyn Fn(&str) -> bool| Score {
        matched: gold
            .iter()
            .zip(m)
            .filter(|(g, m)| m.is_some() && keep(&g.indicator))
            .count(),
        predicted: pred.iter().filter(|p| keep(&p.indicator)).count(),
        gold: gold.iter().filter(|g| keep(&g.indicator)).count(),
    };
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
    if verbose {
        let _ = writeln!(s, "\nmisses (gold without a strict match):");
        for (g, near) in &r.misses {
            let _ = writeln!(
                s,
                "- {} {} {} {} {:?} {:?} {:?} {:?} {:?}  «{}»",
                doc_name(&g.doc),
                g.indicator,
                g.value,
                g.unit,
                g.metric,
                g.kind,
                g.year,
                g.bound,
                g.tier,
                g.quote.as_deref().unwrap_or("")
            );
            if let Some(p) = near {
                let _ = writeln!(
                    s,
                    "    got: {:?} {} {:?} {:?} {:?} {:?} {} (line {})",
                    p.metric, p.unit, p.kind, p.year, p.bound, p.tier, p.period, p.line
                );
            }
        }
        let _ = writeln!(s, "\nspurious (predicted without a strict match):");
        for p in &r.spurious {
            let _ = writeln!(
                s,
                "- {} {} {} {} {:?} {:?} {:?} {:?} {:?} line {} «{}»",
                doc_name(&p.doc),
                p.indicator,
                p.value,
                p.unit,
                p.metric,
                p.kind,
                p.year,
                p.bound,
                p.tier,
                p.line,
                p.label
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
            kind,
            year: Some(2024),
            period: "year".into(),
            bound: Bound::Approx,
            tier: None,
            label: "GDP".into(),
            line: 1,
            span: crate::Span(0, 1),
            section: vec![],
            text: String::new(),
            rule: "gdp".into(),
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
    fn gold_kind_is_read_off_the_file() {
        assert!(matches!(
            load_gold(r#"{"doc":"a","level":1,"marker":"一、","title":"t"}"#),
            Ok(Gold::Sections(_))
        ));
        assert!(load_gold("{not json").is_err());
    }
}
