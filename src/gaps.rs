//! `zhibiao gaps`: the maintainer's worklist on a corpus without gold.
//!
//! Two lists, each grouped by pattern (the clause from the name to the
//! figure, masked: `<NAME>连续<N>年保持在<NUM><UNIT>以上`) and ranked by how
//! many documents show it:
//!
//! - *likely misses*: figures that gave no record though a name stands in
//!   their clause whose indicator takes their unit — with why, where the
//!   engine let one go on purpose (an exclusion, out of reach, a gap …);
//! - *doubtful records*: a year from the report's part while the sentence
//!   names another year; a kind from the part while the sentence holds a cue
//!   of another kind; a period from a heading; two statements of one
//!   indicator, metric, period and year in a document that disagree.
//!
//! A pattern the rule pack's own examples show giving no record (a text of
//! an example, every figure of which the example accounts for) is closed:
//! the pack says it is not gold (GUIDELINES), and it is not counted.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::link::words::Role;
use crate::link::{Dropped, KindWhy, PeriodWhy, YearWhy};
use crate::model::Kind;
use crate::pipeline::{Extraction, Extractor};
use crate::record::Indicator;

/// The two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A figure that gave no record, and no rule of the pack says why.
    Miss,
    /// A figure a rule of the pack let go on purpose (an exclusion, a gap
    /// against a target, a noun it describes, a span that is no year): to
    /// check the rule was right.
    LetGo,
    /// A record whose year, kind or period is in doubt, or that disagrees
    /// with another.
    Doubt,
}

/// One place a pattern shows.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub doc: String,
    pub line: usize,
    pub text: String,
}

/// The figures of one pattern, over the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub class: Class,
    pub pattern: String,
    /// Documents it shows in.
    pub documents: usize,
    pub figures: usize,
    /// Why, by reason: what the engine knew (misses) or doubts (records).
    pub reasons: BTreeMap<String, usize>,
    /// The first few places it shows.
    pub examples: Vec<Example>,
    /// The rule pack's examples show it gives no record: not gold.
    pub closed: bool,
}

/// What one document adds: (class, pattern, reason, example).
pub type Found = Vec<(Class, String, String, Example)>;

/// How many places a group quotes.
const SHOWN: usize = 3;

/// The worklist of a corpus, built a document at a time.
#[derive(Debug)]
pub struct Gaps {
    closed: HashSet<String>,
    groups: BTreeMap<(Class, String), (Group, BTreeSet<String>)>,
    documents: usize,
}

impl Gaps {
    /// An empty worklist; the patterns the pack's examples close are read
    /// off them with `engine` (which must trace: see [`Extractor::traced`]).
    pub fn new(engine: &Extractor) -> Gaps {
        let mut closed = HashSet::new();
        for ex in &engine.pack().examples {
            let x = engine.extract_traced("example", &ex.example.text);
            for (class, pattern, _, _) in found("example", &x, engine) {
                if class != Class::Doubt {
                    closed.insert(pattern);
                }
            }
        }
        Gaps {
            closed,
            groups: BTreeMap::new(),
            documents: 0,
        }
    }

    /// Add what one document was found to hold (see [`found`]).
    pub fn add(&mut self, doc: &str, found: Found) {
        self.documents += 1;
        for (class, pattern, reason, example) in found {
            let closed = class != Class::Doubt && self.closed.contains(&pattern);
            let (group, docs) = self
                .groups
                .entry((class, pattern.clone()))
                .or_insert_with(|| {
                    (
                        Group {
                            class,
                            pattern,
                            documents: 0,
                            figures: 0,
                            reasons: BTreeMap::new(),
                            examples: Vec::new(),
                            closed,
                        },
                        BTreeSet::new(),
                    )
                });
            group.figures += 1;
            *group.reasons.entry(reason).or_default() += 1;
            if docs.insert(doc.to_string()) {
                group.documents += 1;
            }
            if group.examples.len() < SHOWN && !group.examples.iter().any(|e| e.doc == doc) {
                group.examples.push(example);
            }
        }
    }

    /// The groups, most documents first, then most figures, then by pattern.
    pub fn groups(&self) -> Vec<&Group> {
        let mut out: Vec<&Group> = self.groups.values().map(|(g, _)| g).collect();
        out.sort_by(|a, b| {
            (a.class, b.documents, b.figures, &a.pattern).cmp(&(
                b.class,
                a.documents,
                a.figures,
                &b.pattern,
            ))
        });
        out
    }

    /// Figures (misses) or records (doubts) of `class`, closed groups aside.
    pub fn count(&self, class: Class) -> usize {
        self.groups
            .values()
            .filter(|(g, _)| g.class == class && !g.closed)
            .map(|(g, _)| g.figures)
            .sum()
    }

    pub fn documents(&self) -> usize {
        self.documents
    }
}

/// What one document's extraction holds for the worklist: its likely misses
/// and doubtful records, each with its pattern, reason and place. Needs the
/// extraction's trace (an engine that traces); without one, nothing.
pub fn found(doc: &str, x: &Extraction, engine: &Extractor) -> Found {
    let Some(trace) = &x.trace else {
        return Found::new();
    };
    let audit = &trace.audit;
    let recorded: HashSet<(usize, usize)> =
        x.indicators.iter().map(|r| (r.span.0, r.span.1)).collect();
    let pattern_of = |span: (usize, usize)| {
        audit
            .figures
            .iter()
            .find(|f| f.span == span)
            .map(|f| f.pattern.clone())
    };
    let mut out = Found::new();
    for f in audit
        .figures
        .iter()
        .filter(|f| f.named && !recorded.contains(&f.span))
    {
        let reasons: Vec<&Dropped> = audit
            .dropped
            .iter()
            .filter(|(s, _)| *s == f.span)
            .map(|(_, d)| d)
            .collect();
        let reason = match reasons.first() {
            // Out of reach says how far: the distance is no part of the kind.
            Some(Dropped::OutOfReach { .. }) => "out of reach of the name before it".to_string(),
            Some(d) => d.to_string(),
            None => "no reason known".to_string(),
        };
        let on_purpose = reasons.iter().any(|d| {
            matches!(
                d,
                Dropped::Exclusion(_)
                    | Dropped::Gap
                    | Dropped::DescribesNoun
                    | Dropped::NotOneYear
                    | Dropped::OtherItem
            )
        });
        let class = if on_purpose {
            Class::LetGo
        } else {
            Class::Miss
        };
        let example = Example {
            doc: doc.to_string(),
            line: f.line,
            text: f.text.clone(),
        };
        out.push((class, f.pattern.clone(), reason, example));
    }
    for (i, doubts) in doubts(x, engine).into_iter().enumerate() {
        let r = &x.indicators[i];
        for d in doubts {
            let pattern = pattern_of((r.span.0, r.span.1)).unwrap_or_default();
            out.push((Class::Doubt, pattern, d, example_of(r)));
        }
    }
    out
}

/// Why each record of `x` is in doubt (one list per record, in order, empty
/// when none): the year from the document's default while its sentence
/// names another, the kind from the part of the report only against a cue
/// of its sentence, the period from a heading, a disagreement with an
/// earlier statement. Needs the extraction's trace; without one, none.
pub fn doubts(x: &Extraction, engine: &Extractor) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); x.indicators.len()];
    let Some(trace) = &x.trace else {
        return out;
    };
    let pack = engine.pack();
    for ((r, why), doubts) in x.indicators.iter().zip(&trace.why).zip(&mut out) {
        if matches!(why.year, YearWhy::PlanYear | YearWhy::ReviewYear)
            && let Some(y) = years_in(&r.text).into_iter().find(|y| Some(*y) != r.year)
        {
            doubts.push(format!(
                "year from the part of the report, but its sentence names {y}"
            ));
        }
        if matches!(why.kind, KindWhy::PlanPart | KindWhy::ReviewPart) {
            let cues = pack
                .lexicon
                .scan(&crate::normalise::simplified(&r.text))
                .cues;
            let other = cues.iter().find_map(|c| {
                pack.lexicon.roles(c).iter().find_map(|role| match *role {
                    Role::Kind { kind, .. } if kind != r.kind => Some(kind),
                    _ => None,
                })
            });
            if let Some(k) = other {
                doubts.push(format!(
                    "kind {} from the part of the report, but its sentence holds a cue of {}",
                    kind_name(r.kind),
                    kind_name(k)
                ));
            }
        }
        if why.period == PeriodWhy::Heading {
            doubts.push(format!("period {} from a heading", r.period));
        }
    }
    for (a, b) in conflicts(&x.indicators) {
        out[b].push(format!(
            "disagrees with line {} on {} {} {} {}",
            x.indicators[a].line,
            x.indicators[a].indicator,
            kind_name(x.indicators[a].kind),
            x.indicators[a].period,
            x.indicators[a].year.map_or("?".into(), |y| y.to_string())
        ));
    }
    out
}

fn example_of(r: &Indicator) -> Example {
    Example {
        doc: r.doc.clone(),
        line: r.line,
        text: r.text.clone(),
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Actual => "actual",
        Kind::Expected => "expected",
        Kind::Target => "target",
    }
}

/// Years written in a text (2023年, 2023), 1949–2100.
fn years_in(text: &str) -> Vec<i32> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let digits = bytes[i..i + 4].iter().all(u8::is_ascii_digit);
        let alone = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        if digits && alone {
            let y: i32 = text[i..i + 4].parse().unwrap_or(0);
            if (1949..=2100).contains(&y) && text[i + 4..].starts_with('年') {
                out.push(y);
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

/// Pairs of statements of one indicator, metric, kind, period and year in a
/// document that disagree on the amount (in base units) or its range: the
/// first statement and each that disagrees with it.
fn conflicts(records: &[Indicator]) -> Vec<(usize, usize)> {
    let mut first: BTreeMap<(&str, String, &str, String, Option<i32>), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let key = (
            r.indicator.as_str(),
            format!("{:?}", r.metric),
            kind_name(r.kind),
            r.period.to_string(),
            r.year,
        );
        match first.get(&key) {
            None => {
                first.insert(key, i);
            }
            Some(&a) => {
                let amount = |r: &Indicator| (r.value_base.unwrap_or(r.value), r.value_max);
                if amount(&records[a]) != amount(r) && records[a].bound == r.bound {
                    out.push((a, i));
                }
            }
        }
    }
    out
}

/// The worklist for a terminal: a summary, then each group with its count,
/// reasons and places; `top` groups of each class at most.
pub fn render_text(gaps: &Gaps, top: usize) -> String {
    let mut s = summary(gaps);
    for class in [Class::Miss, Class::Doubt, Class::LetGo] {
        let _ = writeln!(
            s,
            "\n{}",
            match class {
                Class::Miss => "likely misses (figures that gave no record), by pattern:",
                Class::LetGo =>
                    "let go by a rule of the pack (check the rule was right), by pattern:",
                Class::Doubt => "doubtful records, by pattern:",
            }
        );
        for (i, g) in gaps
            .groups()
            .into_iter()
            .filter(|g| g.class == class && !g.closed)
            .take(top)
            .enumerate()
        {
            let _ = writeln!(
                s,
                "{:>3}. {}   ({} documents, {} figures)",
                i + 1,
                g.pattern,
                g.documents,
                g.figures
            );
            let reasons: Vec<String> = g.reasons.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
            let _ = writeln!(s, "     why: {}", reasons.join("; "));
            for e in &g.examples {
                let _ = writeln!(s, "     {}:{}  «{}»", e.doc, e.line, cut(&e.text, 70));
            }
        }
    }
    s
}

/// The worklist as Markdown (a pull request, an issue).
pub fn render_markdown(gaps: &Gaps, top: usize) -> String {
    let mut s = format!("### zhibiao gaps\n\n{}\n", summary(gaps));
    for class in [Class::Miss, Class::Doubt, Class::LetGo] {
        let _ = writeln!(
            s,
            "#### {}\n\n| # | pattern | documents | figures | why | where |\n|---|---|---|---|---|---|",
            match class {
                Class::Miss => "Likely misses",
                Class::LetGo => "Let go by a rule of the pack",
                Class::Doubt => "Doubtful records",
            }
        );
        let esc = |t: &str| t.replace('|', "\\|").replace('<', "&lt;");
        for (i, g) in gaps
            .groups()
            .into_iter()
            .filter(|g| g.class == class && !g.closed)
            .take(top)
            .enumerate()
        {
            let reasons: Vec<String> = g.reasons.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
            let places: Vec<String> = g
                .examples
                .iter()
                .map(|e| format!("{}:{}", esc(&e.doc), e.line))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                i + 1,
                esc(&g.pattern),
                g.documents,
                g.figures,
                esc(&reasons.join("; ")),
                places.join(", ")
            );
        }
        s.push('\n');
    }
    s
}

fn summary(gaps: &Gaps) -> String {
    let closed: usize = gaps
        .groups()
        .iter()
        .filter(|g| g.closed)
        .map(|g| g.figures)
        .sum();
    let groups = |class| {
        gaps.groups()
            .iter()
            .filter(|g| g.class == class && !g.closed)
            .count()
    };
    format!(
        "{} documents: {} likely misses in {} patterns; {} doubtful records in {} patterns; {} figures let go by a rule; {} more closed by the pack's examples",
        gaps.documents(),
        gaps.count(Class::Miss),
        groups(Class::Miss),
        gaps.count(Class::Doubt),
        groups(Class::Doubt),
        gaps.count(Class::LetGo),
        closed
    )
}

fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaps_of(text: &str) -> Vec<(Class, String, String)> {
        let engine = Extractor::builtin().unwrap().traced();
        let x = engine.extract("a.txt", text);
        found("a.txt", &x, &engine)
            .into_iter()
            .map(|(c, p, r, _)| (c, p, r))
            .collect()
    }

    #[test]
    fn a_figure_no_name_reaches_is_a_likely_miss() {
        let got = gaps_of("地区生产总值在全省县域经济排名中稳步上升增长8%。\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, Class::Miss);
        assert_eq!(got[0].2, "out of reach of the name before it");
        // Words the engine reads stay; other text is `…`.
        assert_eq!(got[0].1, "<NAME>在全省…上升增长<NUM><UNIT>");
        // A figure in another clause, with a subject of its own, is none.
        assert!(gaps_of("地区生产总值继续保持良好势头，生猪出栏增长8%。\n").is_empty());
    }

    #[test]
    fn a_figure_an_exclusion_let_go_says_which() {
        let got = gaps_of("武汉都市圈经济总量增长6%。\n");
        assert_eq!(got[0].0, Class::LetGo);
        assert_eq!(got[0].2, "exclusion `part_of_region`");
    }

    #[test]
    fn a_figure_of_an_item_naming_nothing_is_let_go() {
        let got = gaps_of("城镇新增就业4005人、农村劳动力转移就业2503人。\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, Class::LetGo);
        assert_eq!(
            got[0].2,
            "the figure of an item that names nothing the pack knows"
        );
    }

    #[test]
    fn a_unit_the_name_does_not_take_is_no_likely_miss() {
        // 失业率 takes percentages: 3.5万人 beside it is someone else's.
        assert!(gaps_of("城镇登记失业人员为3.5万人，城镇登记失业率为3.5万人。\n").is_empty());
    }

    /// `text` gives a doubtful record whose reason `reason` accepts.
    fn doubted(text: &str, reason: impl Fn(&str) -> bool) {
        let got = gaps_of(text);
        assert!(
            got.iter().any(|(c, _, r)| *c == Class::Doubt && reason(r)),
            "{got:?}"
        );
    }

    #[test]
    fn a_year_from_the_part_while_the_sentence_names_another() {
        doubted(
            "2025年政府工作报告\n一、工作回顾\n地区生产总值增长5%，与2022年持平。\n",
            |r| r.contains("names 2022"),
        );
    }

    #[test]
    fn two_statements_that_disagree() {
        doubted(
            "2025年政府工作报告\n一、2024年工作回顾\n全年地区生产总值增长5%。\n全年地区生产总值增长6%。\n",
            |r| r.starts_with("disagrees with line 3"),
        );
    }

    #[test]
    fn a_period_from_a_heading() {
        doubted(
            "2025年政府工作报告\n（一）上半年经济运行情况\n地区生产总值增长5%。\n",
            |r| r == "period H1 from a heading",
        );
    }

    #[test]
    fn the_packs_own_examples_close_their_patterns() {
        let engine = Extractor::builtin().unwrap().traced();
        let gaps = Gaps::new(&engine);
        // 经开区力争形成固定资产投资10亿元以上 is a negative example of the pack.
        assert!(!gaps.closed.is_empty());
        let mut gaps = gaps;
        let x = engine.extract("a.txt", "武汉都市圈经济总量增长6%。\n");
        gaps.add("a.txt", found("a.txt", &x, &engine));
        assert_eq!(gaps.groups().len(), 1);
    }
}
