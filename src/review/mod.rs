//! The review page (`zhibiao review`): one self-contained HTML file in which
//! a reader sees every figure where it stands in its report, checks the
//! doubtful ones first, and marks, fixes or adds records; the page saves
//! what they did as a corrections file (see [`crate::corrections`]).
//!
//! The text and its highlights are written here, in Rust, so that the page
//! paints without its script and a test can read the highlights off the
//! HTML: each is a `<mark data-span="START-END">` over the record's byte
//! span of the decoded text. The script (page.js) adds the table of
//! records, its filters, the record panel and the corrections.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::model::{Kind, Metric, Period};
use crate::panel::{Panel, PanelRow};
use crate::pipeline::{Extraction, Extractor};
use crate::record::{DocumentRecord, Indicator, Section};
use crate::rules::RulePack;

/// One document as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Reviewed {
    pub document: DocumentRecord,
    /// The decoded text the spans index (as `zhibiao text` gives it).
    #[serde(skip)]
    pub text: String,
    pub records: Vec<ReviewedRecord>,
    #[serde(skip)]
    pub sections: Vec<Section>,
    /// Figures whose digits the source dropped (`damaged_number`): line
    /// and what stands there. They give no record; the page lists them.
    #[serde(skip)]
    pub damaged: Vec<(Option<usize>, String)>,
}

/// A record with why it came out so and why it is in doubt.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewedRecord {
    #[serde(flatten)]
    pub record: Indicator,
    /// The explain trace: name, metric, kind, year, period, bound, tier.
    pub why: Vec<String>,
    /// What `zhibiao gaps` doubts about it (empty: nothing).
    pub doubts: Vec<String>,
}

impl Reviewed {
    /// The page's view of one document's extraction; `x` must come from an
    /// engine that traces (for the text, the why and the doubts).
    pub fn of(x: &Extraction, engine: &Extractor, doc: &str) -> Reviewed {
        let doubts = crate::gaps::doubts(x, engine);
        let trace = x.trace.as_ref();
        let records = x
            .indicators
            .iter()
            .zip(doubts)
            .enumerate()
            .map(|(i, (r, doubts))| ReviewedRecord {
                record: r.clone(),
                why: trace
                    .and_then(|t| t.why.get(i))
                    .map(|w| {
                        vec![
                            format!("name: {}", w.name),
                            format!("metric: {}", w.metric),
                            format!("kind: {}", w.kind),
                            format!("year: {}", w.year),
                            format!("period: {}", w.period),
                            format!("bound: {}", w.bound),
                            format!("tier: {}", w.tier),
                        ]
                    })
                    .unwrap_or_default(),
                doubts,
            })
            .collect();
        Reviewed {
            document: x.document.record(doc),
            text: trace.map(|t| t.text.clone()).unwrap_or_default(),
            records,
            sections: x.sections.clone(),
            damaged: x
                .diagnostics
                .iter()
                .filter(|d| d.code == crate::model::Code::DamagedNumber)
                .map(|d| (d.line, d.message.clone()))
                .collect(),
        }
    }
}

impl Reviewed {
    /// The page's view after corrections: `records` (the document's records
    /// with its corrections applied) in place of the engine's, each keeping
    /// its why and doubts where the engine's record stands unchanged.
    pub fn corrected(mut self, records: &[Indicator]) -> Reviewed {
        let engine: Vec<ReviewedRecord> = std::mem::take(&mut self.records);
        self.records = records
            .iter()
            .map(|r| {
                let own = engine.iter().find(|e| e.record == *r);
                ReviewedRecord {
                    record: r.clone(),
                    why: own
                        .map_or_else(|| vec!["from a correction".to_string()], |e| e.why.clone()),
                    doubts: own.map(|e| e.doubts.clone()).unwrap_or_default(),
                }
            })
            .collect();
        self
    }
}

/// The most charts the page draws (the series with the most years first).
const MOST_CHARTS: usize = 60;

/// The whole page for `docs`.
pub fn render(docs: &[Reviewed], pack: &RulePack) -> String {
    let records: usize = docs.iter().map(|d| d.records.len()).sum();
    let doubtful: usize = docs
        .iter()
        .flat_map(|d| &d.records)
        .filter(|r| !r.doubts.is_empty())
        .count();
    let mut page = String::with_capacity(docs.iter().map(|d| d.text.len() * 2).sum());
    page.push_str("<!doctype html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">");
    page.push_str("<title>zhibiao review</title><style>");
    page.push_str(include_str!("page.css"));
    page.push_str("</style></head><body>\n");
    let _ = write!(
        page,
        "<header><h1>zhibiao review</h1><p>{} documents, {records} records, {doubtful} doubtful. \
         Click a highlighted figure to see its record; select text and press “Add figure” for one the engine missed.</p></header>",
        docs.len()
    );
    page.push('\n');
    index(&mut page, docs);
    charts(&mut page, docs, pack);
    page.push_str(include_str!("controls.html"));
    page.push_str("<section id=\"docs\">\n");
    let mut first = 0;
    for (i, d) in docs.iter().enumerate() {
        document(&mut page, i, d, first);
        first += d.records.len();
    }
    page.push_str("</section>\n<script type=\"application/json\" id=\"data\">");
    let data = serde_json::to_string(docs).unwrap_or_else(|_| "[]".into());
    // Inside a script element only `</` can end it early.
    page.push_str(&data.replace("</", "<\\/"));
    page.push_str("</script>\n<script>");
    page.push_str(include_str!("page.js"));
    page.push_str("</script></body></html>\n");
    page
}

fn index(page: &mut String, docs: &[Reviewed]) {
    page.push_str("<section id=\"index\"><h2>Documents</h2><table><thead><tr><th>document</th><th>region</th><th>type</th><th>year</th><th>records</th><th>doubtful</th></tr></thead><tbody>\n");
    for (i, d) in docs.iter().enumerate() {
        let r = &d.document;
        let doubtful = d.records.iter().filter(|r| !r.doubts.is_empty()).count();
        let _ = writeln!(
            page,
            "<tr><td><a href=\"#doc-{i}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{doubtful}</td></tr>",
            esc(&r.doc),
            esc(r.region_name.as_deref().unwrap_or("")),
            esc(&format!("{:?}", r.doc_type).to_lowercase()),
            r.year.map_or(String::new(), |y| y.to_string()),
            d.records.len(),
        );
    }
    page.push_str("</tbody></table></section>\n");
}

/// Per region and indicator, the target against the outcome over the years
/// (annual growth rates), as SVG.
fn charts(page: &mut String, docs: &[Reviewed], pack: &RulePack) {
    let mut panel = Panel::new(pack);
    for d in docs {
        let records: Vec<Indicator> = d.records.iter().map(|r| r.record.clone()).collect();
        panel.add(&d.document, &records);
    }
    let mut series: BTreeMap<(String, String), Vec<PanelRow>> = BTreeMap::new();
    for row in panel.rows() {
        if row.metric == Metric::Growth && row.period == Period::Year {
            series
                .entry((row.region_name.clone(), row.indicator.clone()))
                .or_default()
                .push(row);
        }
    }
    let mut series: Vec<_> = series
        .into_iter()
        .filter(|(_, rows)| {
            rows.iter().any(|r| r.target.is_some()) && rows.iter().any(|r| r.actual.is_some())
        })
        .collect();
    series.sort_by_key(|(key, rows)| (std::cmp::Reverse(rows.len()), key.clone()));
    page.push_str("<section id=\"charts\"><h2>Targets against outcomes</h2><p class=\"legend\"><span class=\"k-target\">target</span> <span class=\"k-actual\">actual</span> (annual growth, %)</p>\n");
    for ((region, indicator), rows) in series.iter().take(MOST_CHARTS) {
        chart(page, region, indicator, rows);
    }
    page.push_str("</section>\n");
}

fn chart(page: &mut String, region: &str, indicator: &str, rows: &[PanelRow]) {
    const W: f64 = 420.0;
    const H: f64 = 160.0;
    const PAD: f64 = 28.0;
    let years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    let (y0, y1) = (years[0], *years.last().unwrap_or(&years[0]));
    let values = rows
        .iter()
        .flat_map(|r| [&r.target, &r.actual])
        .filter_map(|c| c.as_ref().map(|c| c.value));
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = (lo.min(0.0), hi.max(lo + 1.0));
    let x = |y: i32| PAD + (W - 2.0 * PAD) * f64::from(y - y0) / f64::from((y1 - y0).max(1));
    let yv = |v: f64| H - PAD - (H - 2.0 * PAD) * (v - lo) / (hi - lo);
    let _ = write!(
        page,
        "<figure class=\"chart\" data-region=\"{}\" data-indicator=\"{}\"><figcaption>{} · {}</figcaption><svg viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\">",
        esc(region),
        esc(indicator),
        esc(region),
        esc(indicator)
    );
    let _ = write!(
        page,
        "<line x1=\"{PAD}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" class=\"axis\"/><text x=\"{PAD}\" y=\"{2}\">{y0}</text><text x=\"{1}\" y=\"{2}\" text-anchor=\"end\">{y1}</text><text x=\"2\" y=\"{3}\">{hi:.1}</text><text x=\"2\" y=\"{0}\">{lo:.1}</text>",
        yv(lo),
        W - PAD,
        H - 6.0,
        yv(hi) + 4.0
    );
    fn target(r: &PanelRow) -> Option<&crate::panel::Cell> {
        r.target.as_ref()
    }
    fn actual(r: &PanelRow) -> Option<&crate::panel::Cell> {
        r.actual.as_ref()
    }
    type Pick = fn(&PanelRow) -> Option<&crate::panel::Cell>;
    for (kind, pick) in [
        (Kind::Target, target as Pick),
        (Kind::Actual, actual as Pick),
    ] {
        let class = kind_class(kind);
        let points: Vec<(f64, f64, f64)> = rows
            .iter()
            .filter_map(|r| pick(r).map(|c| (x(r.year), yv(c.value), c.value)))
            .collect();
        let line: Vec<String> = points
            .iter()
            .map(|(a, b, _)| format!("{a:.1},{b:.1}"))
            .collect();
        let _ = write!(
            page,
            "<polyline class=\"{class}\" points=\"{}\"/>",
            line.join(" ")
        );
        for ((a, b, v), r) in points.iter().zip(rows.iter().filter(|r| pick(r).is_some())) {
            let _ = write!(
                page,
                "<circle class=\"{class}\" cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"3\"><title>{} {}: {v}</title></circle>",
                r.year,
                class.trim_start_matches("k-")
            );
        }
    }
    page.push_str("</svg></figure>\n");
}

fn kind_class(kind: Kind) -> &'static str {
    match kind {
        Kind::Actual => "k-actual",
        Kind::Expected => "k-expected",
        Kind::Target => "k-target",
    }
}

/// One document: its outline, then its text with every record's figure
/// highlighted. `first` is the page-wide index of its first record.
fn document(page: &mut String, i: usize, d: &Reviewed, first: usize) {
    let r = &d.document;
    let _ = write!(
        page,
        "<article class=\"doc\" id=\"doc-{i}\" data-doc=\"{}\"><h2>{}</h2><p class=\"meta\">{} · {} · {}</p><nav class=\"outline\">",
        esc(&r.doc),
        esc(r.title.as_deref().unwrap_or(&r.doc)),
        esc(&r.doc),
        esc(r.region_name.as_deref().unwrap_or("region unknown")),
        r.year.map_or("year unknown".to_string(), |y| y.to_string()),
    );
    for (j, s) in d.sections.iter().enumerate() {
        let _ = write!(
            page,
            "<a class=\"l{}\" href=\"#doc-{i}-s{j}\">{} {}</a>",
            s.level,
            esc(&s.marker),
            esc(&s.title)
        );
    }
    page.push_str("</nav>");
    if !d.damaged.is_empty() {
        page.push_str("<ul class=\"damaged\">");
        for (line, message) in &d.damaged {
            let _ = write!(
                page,
                "<li>line {}: {}</li>",
                line.map_or("?".to_string(), |l| l.to_string()),
                esc(message)
            );
        }
        page.push_str("</ul>");
    }
    page.push_str("<pre class=\"text\">\n");
    highlighted(page, i, d, first);
    page.push_str("</pre></article>\n");
}

/// Where a highlight or an anchor opens or closes.
enum Event {
    Anchor(usize),
    Open { end: usize, records: Vec<usize> },
}

/// The text with a `<mark>` over each distinct record span (the records
/// that share it listed in `data-rec`) and an anchor at each heading. A
/// span that overlaps another without lying inside it is marked where it
/// begins, empty: its `data-span` still says where it ends.
fn highlighted(page: &mut String, i: usize, d: &Reviewed, first: usize) {
    let text = &d.text;
    let mut spans: BTreeMap<(usize, std::cmp::Reverse<usize>), Vec<usize>> = BTreeMap::new();
    for (j, r) in d.records.iter().enumerate() {
        let (s, e) = (r.record.span.0, r.record.span.1);
        if s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e) {
            spans
                .entry((s, std::cmp::Reverse(e)))
                .or_default()
                .push(first + j);
        }
    }
    let mut events: Vec<(usize, Event)> = Vec::new();
    for (j, s) in d.sections.iter().enumerate() {
        if s.span.0 <= text.len() && text.is_char_boundary(s.span.0) {
            events.push((s.span.0, Event::Anchor(j)));
        }
    }
    for ((s, std::cmp::Reverse(e)), records) in spans {
        events.push((s, Event::Open { end: e, records }));
    }
    events.sort_by_key(|(at, ev)| (*at, matches!(ev, Event::Open { .. })));
    let mut open: Vec<usize> = Vec::new();
    let mut at = 0;
    let close_until = |page: &mut String, open: &mut Vec<usize>, at: &mut usize, to: usize| {
        while let Some(&end) = open.last() {
            if end > to {
                break;
            }
            escape_into(page, &text[*at..end]);
            page.push_str("</mark>");
            *at = end;
            open.pop();
        }
    };
    for (pos, ev) in events {
        close_until(page, &mut open, &mut at, pos);
        escape_into(page, &text[at..pos]);
        at = pos;
        match ev {
            Event::Anchor(j) => {
                let _ = write!(page, "<span class=\"h\" id=\"doc-{i}-s{j}\"></span>");
            }
            Event::Open { end, records } => {
                let rs = &records;
                let doubt = rs.iter().any(|&k| !d.records[k - first].doubts.is_empty());
                let kind = kind_class(d.records[rs[0] - first].record.kind);
                let ids: Vec<String> = rs.iter().map(|k| k.to_string()).collect();
                let _ = write!(
                    page,
                    "<mark class=\"{kind}{}\" data-span=\"{pos}-{end}\" data-rec=\"{}\">",
                    if doubt { " doubt" } else { "" },
                    ids.join(" ")
                );
                if open.last().is_some_and(|&outer| end > outer) {
                    page.push_str("</mark>");
                } else {
                    open.push(end);
                }
            }
        }
    }
    close_until(page, &mut open, &mut at, text.len());
    escape_into(page, &text[at..]);
}

/// `s` as HTML text: the markup characters escaped, and a carriage return
/// written as a reference (the parser would turn a raw one into a line
/// feed, and the page's byte offsets with it).
fn escape_into(page: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => page.push_str("&lt;"),
            '>' => page.push_str("&gt;"),
            '&' => page.push_str("&amp;"),
            '"' => page.push_str("&quot;"),
            '\r' => page.push_str("&#13;"),
            c => page.push(c),
        }
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_of(text: &str) -> (String, Vec<Indicator>) {
        let engine = Extractor::builtin().unwrap().traced();
        let x = engine.extract("t.txt", text);
        let page = render(&[Reviewed::of(&x, &engine, "t.txt")], engine.pack());
        (page, x.indicators)
    }

    fn data_spans(page: &str) -> Vec<String> {
        let html = &page[..page.find("<script").unwrap_or(page.len())];
        html.split("data-span=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    }

    #[test]
    fn every_record_is_highlighted_where_it_stands() {
        let text = "2024年工作回顾\r\n全年地区生产总值增长5.2%，一般公共预算收入<增长>3%。\n2025年地区生产总值增长5%左右。";
        let (page, records) = page_of(text);
        let mut want: Vec<String> = records
            .iter()
            .map(|r| format!("{}-{}", r.span.0, r.span.1))
            .collect();
        want.dedup();
        assert_eq!(data_spans(&page), want);
        assert!(page.contains("&#13;") && page.contains("&lt;增长&gt;"));
        assert!(page.contains("class=\"k-target\""));
        assert!(page.contains("class=\"k-actual\""));
    }

    #[test]
    fn damaged_figures_are_listed_with_their_line() {
        let (page, records) = page_of("全年地区生产总值完成.5亿元，同比增长8.2%。");
        assert_eq!(records.len(), 1);
        let list = &page[page.find("<ul class=\"damaged\">").unwrap()..];
        assert!(list.starts_with("<ul class=\"damaged\"><li>line 1: digits missing in the source"));
    }

    #[test]
    fn the_text_between_highlights_is_the_text() {
        let text = "全年地区生产总值增长5.2%，固定资产投资增长3%。";
        let (page, _) = page_of(text);
        let pre =
            &page[page.find("<pre class=\"text\">\n").unwrap() + 19..page.find("</pre>").unwrap()];
        let mut plain = String::new();
        let mut in_tag = false;
        for c in pre.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => plain.push(c),
                _ => {}
            }
        }
        assert_eq!(plain, text);
    }

    #[test]
    fn overlapping_spans_keep_their_own_marks() {
        let mut d = Reviewed {
            document: Extractor::builtin()
                .unwrap()
                .extract("t.txt", "")
                .document
                .record("t.txt"),
            text: "abcdefgh".into(),
            records: Vec::new(),
            sections: Vec::new(),
            damaged: Vec::new(),
        };
        let engine = Extractor::builtin().unwrap();
        let mut r = engine
            .extract("t.txt", "全年地区生产总值增长5.2%。")
            .indicators
            .remove(0);
        for (s, e) in [(0, 4), (2, 6), (1, 3)] {
            r.span = crate::Span(s, e);
            d.records.push(ReviewedRecord {
                record: r.clone(),
                why: Vec::new(),
                doubts: Vec::new(),
            });
        }
        let mut page = String::new();
        highlighted(&mut page, 0, &d, 0);
        let mut spans = data_spans(&page);
        spans.sort();
        assert_eq!(spans, ["0-4", "1-3", "2-6"]);
    }
}
