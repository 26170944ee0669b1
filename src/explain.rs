//! `zhibiao explain`: how a line was read, for a maintainer at a terminal.
//!
//! For each line shown: the normalised text the rules see, the figure
//! phrases the grammar found and their parse, the names and cue words the
//! rule pack matched, and for each record why its name, metric, kind, year,
//! bound and tier came out as they did.

use std::fmt::Write as _;

use crate::link::words::Role;
use crate::parse::{self, TokenKind};
use crate::pipeline::Extractor;
use crate::rules::RulePack;
use crate::text::LineIndex;

/// Explain `text` (the whole document, for context); only `line` (1-based)
/// if given, else every line that names an indicator or holds a figure.
pub fn explain(engine: &Extractor, doc: &str, text: &str, line: Option<usize>) -> String {
    let pack = engine.pack();
    let out = engine.extract_traced(doc, text);
    let why = out
        .trace
        .as_ref()
        .map(|t| t.why.as_slice())
        .unwrap_or_default();
    let norm = engine.normalised(text);
    let lines = LineIndex::new(text);
    let mut s = String::new();
    let d = out.document.record(doc);
    let at = |l: Option<usize>| {
        l.map_or_else(|| "not from the text".to_string(), |l| format!("line {l}"))
    };
    let _ = writeln!(
        s,
        "document: type {} ({}); year {} ({}, {}); date {}",
        serde_json::to_value(d.doc_type)
            .map_or_else(|_| "?".into(), |v| v.as_str().unwrap_or("?").to_string()),
        at(d.type_line),
        d.year.map_or("unknown".into(), |y| y.to_string()),
        d.year_source
            .map_or("nothing settles it".into(), |y| format!(
                "from the {}",
                serde_json::to_value(y)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            )),
        at(d.year_line),
        d.date.as_deref().unwrap_or("unknown"),
    );
    let mut start = 0;
    let n = &norm.text;
    while start <= n.len() {
        let end = n[start..].find('\n').map_or(n.len(), |p| start + p);
        let nline = &n[start..end];
        let no = lines.line_of(norm.original_offset(start));
        let tokens = parse::tokens(nline, &pack.grammar.words);
        let names = pack.lexicon.find_aliases(nline);
        let figures: Vec<_> = tokens
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Figure(_)))
            .collect();
        let wanted = match line {
            Some(l) => l == no,
            None => !names.is_empty() || !figures.is_empty(),
        };
        if wanted && !nline.trim().is_empty() {
            let _ = writeln!(s, "── line {no} ──────────────────────────────");
            let _ = writeln!(s, "normalised: {nline}");
            if !figures.is_empty() {
                let _ = writeln!(s, "figures (grammar):");
                for t in &figures {
                    if let TokenKind::Figure(f) = &t.kind {
                        let range = f.value_max.map(|m| format!("–{m}")).unwrap_or_default();
                        let _ = writeln!(
                            s,
                            "  «{}»  value {}{range} unit {}  verb {}  qualifiers {}",
                            &nline[t.start..t.end],
                            f.value,
                            f.unit,
                            f.verb.as_deref().unwrap_or("—"),
                            [&f.pre_qual, &f.inner_qual, &f.post_qual]
                                .iter()
                                .filter_map(|q| q.as_deref())
                                .collect::<Vec<_>>()
                                .join(" ")
                        );
                    }
                }
            }
            let others: Vec<String> = tokens
                .iter()
                .filter_map(|t| {
                    let w = &nline[t.start..t.end];
                    match &t.kind {
                        TokenKind::Year(y) | TokenKind::Date(parse::Date { year: y, .. }) => {
                            Some(format!("{w} (year {y})"))
                        }
                        TokenKind::Period(p) => Some(format!("{w} (period {p})")),
                        TokenKind::RelYear(_) => Some(format!("{w} (relative year)")),
                        TokenKind::PlanSpan(e) => Some(format!("{w} (five-year plan to {e})")),
                        TokenKind::Tier(_) => Some(format!("{w} (tier)")),
                        TokenKind::Damaged => Some(format!("{w} (digits missing)")),
                        _ => None,
                    }
                })
                .collect();
            if !others.is_empty() {
                let _ = writeln!(s, "time, tiers, damage: {}", others.join(", "));
            }
            if !names.is_empty() {
                let list: Vec<String> = names
                    .iter()
                    .map(|h| {
                        format!(
                            "{} → {}",
                            &nline[h.start..h.end],
                            pack.lexicon.targets[h.target].rule
                        )
                    })
                    .collect();
                let _ = writeln!(s, "names (rules): {}", list.join(", "));
            }
            let cues: Vec<String> = pack
                .lexicon
                .find_cues(nline)
                .iter()
                .map(|c| {
                    format!(
                        "{} ({})",
                        &nline[c.start..c.end],
                        pack.lexicon
                            .roles(c)
                            .iter()
                            .map(|r| role(pack, r))
                            .collect::<Vec<_>>()
                            .join("+")
                    )
                })
                .collect();
            if !cues.is_empty() {
                let _ = writeln!(s, "cue words: {}", cues.join(", "));
            }
            for (r, w) in out.indicators.iter().zip(why).filter(|(r, _)| r.line == no) {
                let _ = writeln!(
                    s,
                    "record: {} {:?} {}{} {} {:?} year {} {} {:?} tier {}  [rule {}]",
                    r.indicator,
                    r.metric,
                    r.value,
                    r.value_max.map(|m| format!("–{m}")).unwrap_or_default(),
                    r.unit,
                    r.kind,
                    r.year.map_or("null".into(), |y| y.to_string()),
                    r.period,
                    r.bound,
                    r.tier.map_or("null".into(), |t| format!("{t:?}")),
                    r.rule
                );
                let _ = writeln!(s, "  name:   {}", w.name);
                let _ = writeln!(s, "  metric: {}", w.metric);
                let _ = writeln!(s, "  kind:   {}", w.kind);
                let _ = writeln!(s, "  year:   {}", w.year);
                let _ = writeln!(s, "  period: {}", w.period);
                let _ = writeln!(s, "  bound:  {}", w.bound);
                let _ = writeln!(s, "  tier:   {}", w.tier);
            }
        }
        start = end + 1;
    }
    if s.is_empty() {
        s = match line {
            Some(l) => format!("line {l}: nothing found (no indicator name, no figure)\n"),
            None => "nothing found (no indicator name, no figure)\n".into(),
        };
    }
    s
}

fn role(pack: &RulePack, r: &Role) -> String {
    match r {
        Role::Excludes { exclusion, place } => format!(
            "exclusion {}, {}",
            pack.lexicon.exclusion(*exclusion).name,
            match place {
                crate::link::words::Place::Before => "before the name",
                crate::link::words::Place::Between => "between name and figure",
            }
        ),
        Role::Kind { kind, scope, weak } => format!(
            "{kind:?}{} cue, {scope:?} scope",
            if *weak { " weak" } else { "" }
        )
        .to_lowercase(),
        other => format!("{other:?}").to_lowercase(),
    }
}
