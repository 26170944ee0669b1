//! Corrections that stick: what a reviewer decided about records (the
//! review page saves them, one JSON object a line), applied to a later run
//! (`--corrections FILE`). A `wrong` record is dropped, a `fix` replaced by
//! its fields, an `add` inserted; each changed or added record carries
//! `"source": "correction"`. A correction whose place no longer holds what
//! it was made on (its span gone, its quote changed) is stale: reported,
//! never applied.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::record::Indicator;
use crate::text::{LineIndex, Span};

/// What a reviewer said of a record or a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The record is right as it is.
    Right,
    /// The record is wrong: drop it.
    Wrong,
    /// The record is wrong in the fields given: replace them.
    Fix,
    /// A figure the engine missed: the fields are a whole record.
    Add,
}

/// One line of a corrections file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// The document, as records name it (`doc`).
    pub doc: String,
    /// The record's byte span in the decoded text.
    pub span: [usize; 2],
    pub verdict: Verdict,
    /// `fix`: the fields that change (and `indicator`, which record of the
    /// span); `add`: the record's fields.
    #[serde(default)]
    pub fields: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The text the span held when the correction was made: a later text
    /// that holds another makes the correction stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// A corrections file, by document.
#[derive(Debug, Default)]
pub struct Corrections {
    by_doc: HashMap<String, Vec<Correction>>,
}

/// A line of a corrections file that is not a correction.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CorrectionError {
    pub line: usize,
    pub message: String,
}

/// A correction that was not applied, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Stale {
    pub correction: Correction,
    pub reason: String,
}

impl Corrections {
    /// Read a corrections file (JSON Lines; blank lines skipped).
    pub fn parse(text: &str) -> Result<Corrections, CorrectionError> {
        let mut out = Corrections::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_start_matches('\u{FEFF}').trim();
            if line.is_empty() {
                continue;
            }
            let c: Correction = serde_json::from_str(line).map_err(|e| CorrectionError {
                line: i + 1,
                message: e.to_string(),
            })?;
            if c.span[0] > c.span[1] {
                return Err(CorrectionError {
                    line: i + 1,
                    message: format!("span {}-{} ends before it starts", c.span[0], c.span[1]),
                });
            }
            out.by_doc.entry(c.doc.clone()).or_default().push(c);
        }
        Ok(out)
    }

    pub fn len(&self) -> usize {
        self.by_doc.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_doc.is_empty()
    }

    /// The corrections of `doc`: by its name, or by its file name when the
    /// corrections were made on a path written otherwise and only one
    /// document of the file holds that name.
    fn of(&self, doc: &str) -> &[Correction] {
        if let Some(c) = self.by_doc.get(doc) {
            return c;
        }
        let base = crate::eval::doc_name;
        let mut same = self.by_doc.iter().filter(|(d, _)| base(d) == base(doc));
        match (same.next(), same.next()) {
            (Some((_, c)), None) => c,
            _ => &[],
        }
    }

    /// Apply the corrections of `doc` to its `records`; `text` is its
    /// decoded text (to check quotes and place added records), when known.
    /// Returns the corrections that were stale.
    pub fn apply(&self, doc: &str, text: Option<&str>, records: &mut Vec<Indicator>) -> Vec<Stale> {
        let mut stale = Vec::new();
        let lines = text.map(LineIndex::new);
        for c in self.of(doc) {
            let (s, e) = (c.span[0], c.span[1]);
            let held = text.map(|t| t.get(s..e));
            if let (Some(q), Some(now)) = (&c.quote, held)
                && now != Some(q.as_str())
            {
                stale.push(Stale {
                    correction: c.clone(),
                    reason: format!(
                        "the text at {s}-{e} is now {:?}, not {q:?}",
                        now.unwrap_or("(beyond the end)")
                    ),
                });
                continue;
            }
            let indicator = c.fields.get("indicator").and_then(Value::as_str);
            let at = |r: &Indicator| (r.span.0, r.span.1) == (s, e);
            let which = records
                .iter()
                .position(|r| at(r) && indicator.is_none_or(|i| r.indicator == i))
                .or_else(|| records.iter().position(at));
            match (c.verdict, which) {
                (Verdict::Add, _) => match added(doc, c, text, lines.as_ref()) {
                    Ok(r) => {
                        let i = records.partition_point(|x| x.span.0 <= s);
                        records.insert(i, r);
                    }
                    Err(reason) => stale.push(Stale {
                        correction: c.clone(),
                        reason,
                    }),
                },
                (_, None) => stale.push(Stale {
                    correction: c.clone(),
                    reason: format!("no record at {s}-{e} any more"),
                }),
                (Verdict::Right, Some(_)) => {}
                (Verdict::Wrong, Some(i)) => {
                    records.remove(i);
                }
                (Verdict::Fix, Some(i)) => match with_fields(&records[i], &c.fields) {
                    Ok(r) => records[i] = r,
                    Err(reason) => stale.push(Stale {
                        correction: c.clone(),
                        reason,
                    }),
                },
            }
        }
        stale
    }
}

/// `r` with `fields` over its own, marked as a correction's.
fn with_fields(r: &Indicator, fields: &Map<String, Value>) -> Result<Indicator, String> {
    let mut v = serde_json::to_value(r).map_err(|e| e.to_string())?;
    if let Value::Object(o) = &mut v {
        for (k, x) in fields {
            o.insert(k.clone(), x.clone());
        }
        o.insert("source".into(), Value::String("correction".into()));
    }
    let mut out: Indicator =
        serde_json::from_value(v).map_err(|e| format!("fields do not make a record: {e}"))?;
    if out.value_base.is_some() && (out.value != r.value || out.unit != r.unit) {
        // The base amount was the old value's.
        out.value_base = None;
        out.unit_base = None;
    }
    Ok(out)
}

/// The record an `add` correction describes.
fn added(
    doc: &str,
    c: &Correction,
    text: Option<&str>,
    lines: Option<&LineIndex>,
) -> Result<Indicator, String> {
    let (s, e) = (c.span[0], c.span[1]);
    let quote = text
        .and_then(|t| t.get(s..e))
        .or(c.quote.as_deref())
        .unwrap_or_default();
    let mut o = Map::new();
    for (k, v) in [
        ("doc", Value::String(doc.into())),
        ("label", Value::String(String::new())),
        ("unit", Value::String(String::new())),
        ("kind", Value::String("actual".into())),
        ("period", Value::String("year".into())),
        ("bound", Value::String("exact".into())),
        ("year", Value::Null),
        ("tier", Value::Null),
        ("section", Value::Array(Vec::new())),
        ("text", Value::String(quote.into())),
        ("rule", Value::String("correction".into())),
        ("line", Value::from(lines.map_or(0, |l| l.line_of(s)))),
    ] {
        o.insert(k.into(), v);
    }
    for (k, v) in &c.fields {
        o.insert(k.clone(), v.clone());
    }
    o.insert("span".into(), serde_json::json!([s, e]));
    o.insert("source".into(), Value::String("correction".into()));
    let r: Indicator = serde_json::from_value(Value::Object(o))
        .map_err(|e| format!("an added record needs indicator, metric and value: {e}"))?;
    debug_assert_eq!(r.span, Span(s, e));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Extractor;

    const TEXT: &str =
        "全年地区生产总值增长5.2%，一般公共预算收入增长3%，社会消费品零售总额增长4%。";

    fn records() -> Vec<Indicator> {
        Extractor::builtin()
            .unwrap()
            .extract("d.txt", TEXT)
            .indicators
    }

    fn line(c: serde_json::Value) -> String {
        c.to_string()
    }

    #[test]
    fn wrong_drops_fix_replaces_add_inserts() {
        let rs = records();
        let (gdp, budget) = (&rs[0], &rs[1]);
        let q = |r: &Indicator| TEXT[r.span.0..r.span.1].to_string();
        let file = [
            line(serde_json::json!({"doc": "d.txt", "span": [gdp.span.0, gdp.span.1], "verdict": "wrong", "fields": {}, "quote": q(gdp)})),
            line(serde_json::json!({"doc": "d.txt", "span": [budget.span.0, budget.span.1], "verdict": "fix", "fields": {"value": 3.5, "indicator": "budget_revenue"}})),
            line(serde_json::json!({"doc": "d.txt", "span": [0, 6], "verdict": "add", "fields": {"indicator": "gdp", "metric": "level", "value": 1.0, "unit": "亿元", "year": 2024}})),
        ]
        .join("\n");
        let c = Corrections::parse(&file).unwrap();
        let mut out = records();
        let stale = c.apply("d.txt", Some(TEXT), &mut out);
        assert!(stale.is_empty(), "{stale:?}");
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].span, Span(0, 6));
        assert_eq!(out[0].source.as_deref(), Some("correction"));
        assert_eq!(out[0].year, Some(2024));
        assert!(
            !out.iter()
                .any(|r| r.indicator == "gdp" && r.span == gdp.span)
        );
        let fixed = out
            .iter()
            .find(|r| r.indicator == "budget_revenue")
            .unwrap();
        assert_eq!(
            (fixed.value, fixed.source.as_deref()),
            (3.5, Some("correction"))
        );
        let kept = out.iter().find(|r| r.indicator == "retail_sales").unwrap();
        assert_eq!(kept.source, None);
    }

    #[test]
    fn a_correction_whose_place_changed_is_stale_not_applied() {
        let rs = records();
        let gdp = &rs[0];
        let file = [
            line(serde_json::json!({"doc": "d.txt", "span": [gdp.span.0, gdp.span.1], "verdict": "wrong", "quote": "增长9.9%"})),
            line(serde_json::json!({"doc": "d.txt", "span": [1, 2], "verdict": "fix", "fields": {"value": 1}})),
        ]
        .join("\n");
        let c = Corrections::parse(&file).unwrap();
        let mut out = records();
        let stale = c.apply("d.txt", Some(TEXT), &mut out);
        assert_eq!(stale.len(), 2);
        assert!(stale[0].reason.contains("not \"增长9.9%\""));
        assert!(stale[1].reason.contains("no record at 1-2"));
        assert_eq!(out, records());
    }

    #[test]
    fn a_document_is_found_by_its_file_name_and_bad_lines_are_located() {
        let rs = records();
        let gdp = &rs[0];
        let file = line(
            serde_json::json!({"doc": "/elsewhere/d.txt", "span": [gdp.span.0, gdp.span.1], "verdict": "wrong"}),
        );
        let mut out = records();
        Corrections::parse(&file)
            .unwrap()
            .apply("corpus/d.txt", None, &mut out);
        assert_eq!(out.len(), rs.len() - 1);
        let e = Corrections::parse("\n{\"doc\": \"d\"}\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e =
            Corrections::parse("{\"doc\":\"d\",\"span\":[5,2],\"verdict\":\"wrong\"}").unwrap_err();
        assert!(e.message.contains("ends before"));
    }
}
