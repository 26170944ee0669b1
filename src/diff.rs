//! What a rule change does to the records (`zhibiao diff`): per document,
//! the records it adds, the ones it removes, and the ones it changes, field
//! by field — a maintainer's check before a pull request, and its comment.
//!
//! Two records are the same figure when they come from the same place of
//! the same document (their span) and say the same indicator, or failing
//! that, the same place: a change of kind or year shows as a change, not
//! as one record removed and another added.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::record::{Indicator, Section};

/// One field of a record that a change altered.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A record the change kept in place but altered.
#[derive(Debug, Clone)]
pub struct Changed<R> {
    pub old: R,
    pub new: R,
    pub fields: Vec<FieldChange>,
}

/// The differences in one document.
#[derive(Debug, Clone)]
pub struct DocDiff<R> {
    pub doc: String,
    pub added: Vec<R>,
    pub removed: Vec<R>,
    pub changed: Vec<Changed<R>>,
}

impl<R> DocDiff<R> {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Where a record comes from: its document, line and span.
pub struct Origin<'a> {
    pub doc: &'a str,
    pub line: usize,
    pub place: (usize, usize),
}

impl<'a> Origin<'a> {
    fn of(doc: &'a str, line: usize, span: crate::text::Span) -> Origin<'a> {
        Origin {
            doc,
            line,
            place: (span.0, span.1),
        }
    }
}

/// A record a diff can pair and show.
pub trait Diffable: Serialize + Clone {
    fn origin(&self) -> Origin<'_>;
    /// What it is about (an indicator; a section's marker).
    fn subject(&self) -> &str;
    /// The record in a few words, for a line of the report.
    fn brief(&self) -> String;
    /// The text it comes from, if it quotes one.
    fn sentence(&self) -> Option<&str>;
}

impl Diffable for Indicator {
    fn origin(&self) -> Origin<'_> {
        Origin::of(&self.doc, self.line, self.span)
    }
    fn subject(&self) -> &str {
        &self.indicator
    }
    fn brief(&self) -> String {
        format!(
            "{} {} {}{} {} {} {} {} {}{}",
            self.indicator,
            word(&self.metric),
            self.value,
            self.value_max.map(|m| format!("–{m}")).unwrap_or_default(),
            self.unit,
            word(&self.kind),
            self.year.map_or("null".into(), |y| y.to_string()),
            self.period,
            word(&self.bound),
            self.tier
                .map(|t| format!(" {}", word(&t)))
                .unwrap_or_default()
        )
    }
    fn sentence(&self) -> Option<&str> {
        Some(&self.text)
    }
}

impl Diffable for Section {
    fn origin(&self) -> Origin<'_> {
        Origin::of(&self.doc, self.line, self.span)
    }
    fn subject(&self) -> &str {
        &self.marker
    }
    fn brief(&self) -> String {
        format!("section {} {} {}", self.level, self.marker, self.title)
    }
    fn sentence(&self) -> Option<&str> {
        None
    }
}

/// A field as the records spell it (`at_least`, `target`).
fn word<T: Serialize>(v: &T) -> String {
    show(serde_json::to_value(v).ok().as_ref())
}

/// The fields of a record, for comparing: everything but the document.
fn fields<R: Serialize>(r: &R) -> BTreeMap<String, Value> {
    match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m.into_iter().filter(|(k, _)| k != "doc").collect(),
        _ => BTreeMap::new(),
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// The documents whose records differ between `old` and `new` (each in
/// document order, as a batch writes them), in the order they come.
pub fn diff<R: Diffable>(old: &[R], new: &[R]) -> Vec<DocDiff<R>> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_doc: BTreeMap<&str, (Vec<&R>, Vec<&R>)> = BTreeMap::new();
    for (side, records) in [(0, old), (1, new)] {
        for r in records {
            let entry = by_doc.entry(r.origin().doc).or_insert_with(|| {
                order.push(r.origin().doc);
                (Vec::new(), Vec::new())
            });
            if side == 0 {
                entry.0.push(r);
            } else {
                entry.1.push(r);
            }
        }
    }
    order
        .into_iter()
        .map(|doc| {
            let (o, n) = &by_doc[doc];
            diff_doc(doc, o, n)
        })
        .filter(|d| !d.is_empty())
        .collect()
}

fn diff_doc<R: Diffable>(doc: &str, old: &[&R], new: &[&R]) -> DocDiff<R> {
    let old_fields: Vec<_> = old.iter().map(|r| fields(*r)).collect();
    let new_fields: Vec<_> = new.iter().map(|r| fields(*r)).collect();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    // Identical records first, then the same figure read otherwise.
    let passes: [&dyn Fn(usize, usize) -> bool; 3] = [
        &|i, j| old_fields[i] == new_fields[j],
        &|i, j| {
            old[i].origin().place == new[j].origin().place && old[i].subject() == new[j].subject()
        },
        &|i, j| old[i].origin().place == new[j].origin().place,
    ];
    for same in passes {
        for (i, used) in old_used.iter_mut().enumerate() {
            if *used {
                continue;
            }
            if let Some(j) = (0..new.len()).find(|&j| !new_used[j] && same(i, j)) {
                *used = true;
                new_used[j] = true;
                pairs.push((i, j));
            }
        }
    }
    pairs.sort_by_key(|&(_, j)| j);
    let changed = pairs
        .into_iter()
        .filter(|&(i, j)| old_fields[i] != new_fields[j])
        .map(|(i, j)| {
            let (a, b) = (&old_fields[i], &new_fields[j]);
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            Changed {
                old: old[i].clone(),
                new: new[j].clone(),
                fields: keys
                    .into_iter()
                    .filter(|k| a.get(*k) != b.get(*k))
                    .map(|k| FieldChange {
                        field: k.clone(),
                        old: show(a.get(k)),
                        new: show(b.get(k)),
                    })
                    .collect(),
            }
        })
        .collect();
    let left = |records: &[&R], used: &[bool]| -> Vec<R> {
        records
            .iter()
            .zip(used)
            .filter(|(_, u)| !**u)
            .map(|(r, _)| (*r).clone())
            .collect()
    };
    DocDiff {
        doc: doc.to_string(),
        added: left(new, &new_used),
        removed: left(old, &old_used),
        changed,
    }
}

/// How many records the diffs add, remove and change.
pub fn totals<R>(diffs: &[DocDiff<R>]) -> (usize, usize, usize) {
    diffs.iter().fold((0, 0, 0), |(a, r, c), d| {
        (a + d.added.len(), r + d.removed.len(), c + d.changed.len())
    })
}

/// A sentence cut for a line of the report.
fn cut(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut s: String = one_line.chars().take(max).collect();
    s.push('…');
    s
}

fn changes(fields: &[FieldChange]) -> String {
    fields
        .iter()
        .filter(|f| f.field != "text" && f.field != "span")
        .map(|f| format!("{} {} → {}", f.field, f.old, f.new))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line of a report: a record removed (−), added (+) or changed (~).
struct Row<'a> {
    mark: char,
    line: usize,
    record: String,
    change: String,
    sentence: Option<&'a str>,
}

/// The rows of a document's diff: removed, added, then changed.
fn rows<R: Diffable>(d: &DocDiff<R>) -> Vec<Row<'_>> {
    fn plain<'a, R: Diffable>(mark: char, r: &'a R, change: &str) -> Row<'a> {
        Row {
            mark,
            line: r.origin().line,
            record: r.brief(),
            change: change.to_string(),
            sentence: r.sentence(),
        }
    }
    let mut out: Vec<Row<'_>> = Vec::new();
    out.extend(d.removed.iter().map(|r| plain('-', r, "removed")));
    out.extend(d.added.iter().map(|r| plain('+', r, "added")));
    out.extend(d.changed.iter().map(|c| Row {
        change: changes(&c.fields),
        ..plain('~', &c.old, "")
    }));
    out
}

fn heading<R>(what: &str, d: &DocDiff<R>) -> String {
    format!(
        "{what}: +{} −{} ~{}",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    )
}

/// The report for a terminal: a block per document, a line per record.
pub fn render_text<R: Diffable>(what: &str, diffs: &[DocDiff<R>]) -> String {
    let mut s = String::new();
    for d in diffs {
        let _ = writeln!(s, "── {} ({})", d.doc, heading(what, d));
        for r in rows(d) {
            let change = if r.mark == '~' {
                format!(": {}", r.change)
            } else {
                String::new()
            };
            let quote = r
                .sentence
                .map(|t| format!("  «{}»", cut(t, 80)))
                .unwrap_or_default();
            let _ = writeln!(s, "{} line {}: {}{change}{quote}", r.mark, r.line, r.record);
        }
    }
    s
}

/// The report as Markdown, for a pull-request comment: a table per
/// document.
pub fn render_markdown<R: Diffable>(what: &str, diffs: &[DocDiff<R>]) -> String {
    let esc = |t: &str| {
        t.replace(['\n', '\r'], " ")
            .replace('|', "\\|")
            .replace('<', "&lt;")
    };
    let mut s = String::new();
    for d in diffs {
        let _ = writeln!(
            s,
            "#### {} — {}\n\n| | line | record | change | sentence |\n|---|---|---|---|---|",
            code_span(&d.doc),
            heading(what, d)
        );
        for r in rows(d) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                r.mark,
                r.line,
                esc(&r.record),
                esc(&r.change),
                esc(&r.sentence.map(|t| cut(t, 60)).unwrap_or_default())
            );
        }
        s.push('\n');
    }
    s
}

/// `text` as a Markdown code span, whatever backticks it holds: fenced by
/// one more backtick than its longest run, padded where it starts or ends
/// with one, on one line.
fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bound, Kind, Metric};
    use crate::text::Span;

    #[test]
    fn document_names_with_backticks_stay_one_code_span() {
        assert_eq!(code_span("a.txt"), "`a.txt`");
        assert_eq!(code_span("a`b.txt"), "``a`b.txt``");
        assert_eq!(code_span("`a``.txt"), "``` `a``.txt ```");
        assert_eq!(code_span("a\nb"), "`a b`");
    }

    fn rec(value: f64, span: usize, kind: Kind) -> Indicator {
        Indicator {
            doc: "a.txt".into(),
            indicator: "gdp".into(),
            metric: Metric::Growth,
            value,
            value_max: None,
            unit: "%".into(),
            value_base: None,
            unit_base: None,
            kind,
            year: Some(2024),
            period: crate::model::Period::Year,
            span_measure: None,
            bound: Bound::Exact,
            tier: None,
            label: "GDP".into(),
            line: 1,
            span: Span(span, span + 4),
            section: vec![],
            text: "GDP增长5%。".into(),
            rule: "gdp".into(),
            region_code: None,
            source: None,
        }
    }

    #[test]
    fn added_removed_and_changed_field_by_field() {
        let old = [rec(5.0, 0, Kind::Actual), rec(6.0, 10, Kind::Actual)];
        let new = [rec(5.0, 0, Kind::Target), rec(7.0, 20, Kind::Actual)];
        let d = diff(&old, &new);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].added[0].value, d[0].removed[0].value), (7.0, 6.0));
        assert_eq!(
            d[0].changed[0].fields,
            [FieldChange {
                field: "kind".into(),
                old: "actual".into(),
                new: "target".into()
            }]
        );
        assert_eq!(totals(&d), (1, 1, 1));
        let text = render_text("indicators", &d);
        assert!(
            text.contains("~ line 1: gdp growth 5 % actual 2024 year exact: kind actual → target"),
            "{text}"
        );
        assert!(render_markdown("indicators", &d).contains("| + | 1 | gdp growth 7 % actual"));
    }

    #[test]
    fn the_same_records_differ_in_nothing() {
        let old = [rec(5.0, 0, Kind::Actual)];
        assert!(diff(&old, &old.clone()).is_empty());
    }
}
