//! Words of a layered pack that nothing would read: said at
//! file:line:column by `zhibiao rules check`, as warnings (the pack still
//! loads). Every list of the vocabulary is read by the engine, so what is
//! left to catch is a word that cannot take effect where it is written.

use std::collections::{BTreeMap, HashMap};

use super::load::{RuleSource, norm};
use super::schema::Vocabulary;

/// A word that takes no effect, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for RuleWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// A key as the rule file spells it: `AtLeast` → `at_least`.
fn snake(v: &impl std::fmt::Debug) -> String {
    let mut out = String::new();
    for (i, c) in format!("{v:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Every named list of the vocabulary, as (key, words).
fn lists(v: &Vocabulary) -> Vec<(String, Vec<&String>)> {
    fn map<'v, K: std::fmt::Debug>(
        out: &mut Vec<(String, Vec<&'v String>)>,
        key: &str,
        m: &'v Option<BTreeMap<K, Vec<String>>>,
    ) {
        for (k, ws) in m.iter().flatten() {
            out.push((
                format!("{key}.{}", snake(k).trim_matches('"')),
                ws.iter().collect(),
            ));
        }
    }
    let mut out: Vec<(String, Vec<&String>)> = Vec::new();
    let plain: [(&str, &Option<Vec<String>>); 17] = [
        ("frame", &v.frame),
        ("five_year", &v.five_year),
        ("reached", &v.reached),
        ("over_span", &v.over_span),
        ("maintained", &v.maintained),
        ("from_words", &v.from_words),
        ("links", &v.links),
        ("comparisons", &v.comparisons),
        ("references", &v.references),
        ("damaged_units", &v.damaged_units),
        ("time_prepositions", &v.time_prepositions),
        ("range_words", &v.range_words),
        ("since", &v.since),
        ("joiners", &v.joiners),
        ("bases", &v.bases),
        ("attributive", &v.attributive),
        ("not_words", &v.not_words),
    ];
    for (k, list) in plain {
        out.push((k.to_string(), list.iter().flatten().collect()));
    }
    for cue in v.kinds.iter().flatten() {
        out.push((
            format!("kinds.{}", snake(&cue.kind)),
            cue.words.iter().collect(),
        ));
    }
    map(&mut out, "tiers", &v.tiers);
    map(&mut out, "verbs", &v.verbs);
    map(&mut out, "periods", &v.periods);
    map(&mut out, "units", &v.units);
    map(&mut out, "distributors", &v.distributors);
    map(&mut out, "five_year_spans", &v.five_year_spans);
    if let Some(t) = &v.tables {
        out.push(("tables.names".into(), t.names.iter().collect()));
        out.push(("tables.units".into(), t.units.iter().collect()));
        for (class, ws) in &t.columns {
            out.push((
                format!("tables.columns.{}", snake(class)),
                ws.iter().collect(),
            ));
        }
    }
    for (name, ex) in v.exclusions.iter().flatten() {
        for (place, ws) in [("before", &ex.before), ("between", &ex.between)] {
            out.push((format!("exclusions.{name}.{place}"), ws.iter().collect()));
        }
    }
    for (b, p) in v.bounds.iter().flatten() {
        for (place, ws) in [
            ("before", &p.before),
            ("after", &p.after),
            ("within", &p.within),
        ] {
            out.push((format!("bounds.{}.{place}", snake(b)), ws.iter().collect()));
        }
    }
    out
}

/// The grammar's word lists (the others are read as cues or as text).
fn grammar_words(v: &Vocabulary) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::new();
    out.extend(v.verbs.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.units.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.tiers.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.periods.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.distributors.iter().flat_map(|m| m.values().flatten()));
    out.extend(v.relative_years.iter().flat_map(|m| m.keys()));
    out.extend(
        v.bounds
            .iter()
            .flat_map(|m| m.values())
            .flat_map(|p| p.before.iter().chain(&p.after).chain(&p.within)),
    );
    for list in [
        &v.damaged_units,
        &v.time_prepositions,
        &v.range_words,
        &v.since,
    ] {
        out.extend(list.iter().flatten());
    }
    out
}

/// The longest word or name a rule file may give, in characters: the
/// scans are automata that grow with the words' length, and no report
/// word is longer.
pub const MAX_WORD_CHARS: usize = 64;

/// Words and names longer than [`MAX_WORD_CHARS`], each an error located
/// where it is written.
pub(super) fn overlong_words<'a>(
    v: &'a Vocabulary,
    aliases: impl Iterator<Item = &'a String>,
    sources: &[RuleSource],
) -> Vec<super::RuleError> {
    let lists = lists(v);
    let words = lists.iter().flat_map(|(_, words)| words.iter().copied());
    aliases
        .chain(words)
        .filter(|w| w.chars().count() > MAX_WORD_CHARS)
        .map(|w| {
            let head: String = w.chars().take(20).collect();
            let (file, line, column) = locate(sources, &head);
            super::RuleError::Invalid {
                file,
                line,
                column,
                message: format!(
                    "a word of {} characters (`{head}…`); expected a word or name of at most {MAX_WORD_CHARS}",
                    w.chars().count()
                ),
            }
        })
        .collect()
}

/// The words of the layered vocabulary `v` that would take no effect.
pub(super) fn unread_words(v: &Vocabulary, sources: &[RuleSource]) -> Vec<RuleWarning> {
    let mut out = Vec::new();
    let mut warn = |word: &str, message: String| {
        let (file, line, column) = locate(sources, word);
        out.push(RuleWarning {
            file,
            line,
            column,
            message,
        });
    };
    for (key, words) in lists(v) {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for w in words {
            let n = norm(w);
            if n.is_empty() {
                warn(
                    w,
                    format!("{w:?} in `{key}` is empty once normalised: it matches nothing"),
                );
            } else if let Some(first) = seen.insert(n.clone(), w) {
                warn(
                    w,
                    format!(
                        "`{w}` in `{key}` reads as `{n}`, like `{first}` before it: listed twice"
                    ),
                );
            }
        }
    }
    let blocked: Vec<String> = v.not_words.iter().flatten().map(|w| norm(w)).collect();
    let grammar: Vec<String> = grammar_words(v).into_iter().map(|w| norm(w)).collect();
    for w in grammar_words(v) {
        if blocked.contains(&norm(w)) {
            warn(
                w,
                format!("`{w}` is also in `not_words`, which stops it being read"),
            );
        }
    }
    for w in v.not_words.iter().flatten() {
        let n = norm(w);
        if !grammar.iter().any(|g| g != &n && n.contains(g.as_str())) {
            warn(
                w,
                format!("`{w}` in `not_words` holds no vocabulary word: it blocks nothing"),
            );
        }
    }
    if v.comparisons.as_ref().is_none_or(Vec::is_empty) {
        for w in v.references.iter().flatten() {
            warn(
                w,
                format!(
                    "`{w}` in `references` is read only after a comparison word, and `comparisons` is empty"
                ),
            );
        }
    }
    let mut bound_of: HashMap<String, String> = HashMap::new();
    for (b, p) in v.bounds.iter().flatten() {
        let b = snake(b);
        for w in p.before.iter().chain(&p.after).chain(&p.within) {
            match bound_of.get(&norm(w)) {
                Some(other) if *other != b => warn(
                    w,
                    format!(
                        "`{w}` is a qualifier of both `{other}` and `{b}`: one of them is never read"
                    ),
                ),
                _ => {
                    bound_of.insert(norm(w), b.clone());
                }
            }
        }
    }
    out
}

/// Where `word` was written last (a later layer wins), as (file, line,
/// column); the last source if it is nowhere to be found.
fn locate(sources: &[RuleSource], word: &str) -> (String, usize, usize) {
    for src in sources.iter().rev() {
        for (i, line) in src.text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            if let Some(c) = line.find(word) {
                return (src.name.clone(), i + 1, line[..c].chars().count() + 1);
            }
        }
    }
    let name = sources.last().map_or_else(String::new, |s| s.name.clone());
    (name, 1, 1)
}
