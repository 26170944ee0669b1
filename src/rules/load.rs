//! Loading rule files: parse, layer, check, compile.
//!
//! Layering: files come in order (the built-in pack first, then each
//! `--rules DIR`, files of a directory by name). An indicator rule whose `id`
//! is already known is merged into it (aliases and examples added, other
//! keys replaced; `enabled: false` switches it off). Vocabulary layers by
//! [`Layer`]: a list adds its words, a map merges key by key, `remove:`
//! takes words out.
//!
//! Checking collects every problem rather than stopping at the first, and
//! locates each one at file:line:column with what was found and what was
//! expected. serde_yaml locates syntax and type errors; the checks made
//! after parsing locate themselves by finding the offending text.

use std::collections::{HashMap, HashSet};

use super::check;
use super::indicator::LayeredRule;
use super::layer::Layer;
use super::pack::{RuleExample, RulePack};
use super::schema::{RuleFile, Vocabulary};
use super::source::{Collector, MAX_RULE_FILE, RuleError, RuleErrors, RuleSource, check_aliases};
use crate::document::words as document_words;
use crate::link::words as link_words;
use crate::parse::words as grammar_words;
use crate::{clean, region, unit};

impl RulePack {
    /// The built-in pack alone.
    pub fn builtin() -> Result<RulePack, RuleErrors> {
        RulePack::from_sources(&RuleSource::defaults())
    }

    /// Layer `sources` in order, check them and compile them. Every problem
    /// found is reported, each located at file:line:column.
    pub fn from_sources(sources: &[RuleSource]) -> Result<RulePack, RuleErrors> {
        load(sources)
    }
}

/// The JSON Schema of a rule file, generated from the Rust types (checked
/// into rules/schema.json for editors).
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(RuleFile);
    serde_json::to_string_pretty(&schema).expect("a schema serialises") + "\n"
}

fn parse(src: &RuleSource) -> Result<RuleFile, Vec<RuleError>> {
    if src.text.len() as u64 > MAX_RULE_FILE {
        return Err(vec![src.error_at_offset(
            0,
            format!(
                "{} bytes; expected a rule file of at most {MAX_RULE_FILE} bytes",
                src.text.len()
            ),
        )]);
    }
    check_aliases(src).map_err(|e| vec![e])?;
    let error = match serde_yaml::from_str::<Option<RuleFile>>(&src.text) {
        Ok(file) => return Ok(file.unwrap_or_default()),
        Err(e) => e,
    };
    // serde stops at the first problem. A file that is YAML but not a rule
    // file may hold more: read each entry of each section on its own.
    let mut errors = Vec::new();
    if serde_yaml::from_str::<serde_yaml::Value>(&src.text).is_ok() {
        for (header, n, first_line, text) in entries(&src.text) {
            let part = format!("{header}\n{text}");
            if let Err(e) = serde_yaml::from_str::<Option<RuleFile>>(&part) {
                let mut error = located(src, &e, first_line - 2);
                // The entry was read as the first of its list.
                if let RuleError::Invalid { message, .. } = &mut error {
                    let key = header.trim_end().trim_end_matches(':');
                    if let Some(rest) = message.strip_prefix(&format!("{key}[0]")) {
                        *message = format!("{key}[{n}]{rest}");
                    }
                }
                errors.push(error);
            }
        }
    }
    if errors.is_empty() {
        errors.push(located(src, &error, 0));
    }
    Err(errors)
}

/// A serde_yaml error at its line and column, `lines` lines further down.
fn located(src: &RuleSource, e: &serde_yaml::Error, lines: usize) -> RuleError {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let message = e.to_string();
    // serde_yaml appends " at line L column C" of the part it read.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    RuleError::Invalid {
        file: src.name.clone(),
        line: line + lines,
        column,
        message,
    }
}

/// The entries of a block-style rule file: for each top-level section, each
/// item of its list or key of its map, as (the section's header line, its
/// index in the section, the entry's first line, the entry's text). A
/// section written in flow style is one entry.
fn entries(text: &str) -> Vec<(String, usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let content = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if !content(l) || indent(l) > 0 {
            i += 1;
            continue;
        }
        let header = l.to_string();
        let end = (i + 1..lines.len())
            .find(|&k| content(lines[k]) && indent(lines[k]) == 0)
            .unwrap_or(lines.len());
        let body: Vec<usize> = (i + 1..end).filter(|&k| content(lines[k])).collect();
        if let Some(&first) = body.first() {
            let child = indent(lines[first]);
            let starts: Vec<usize> = body
                .iter()
                .copied()
                .filter(|&k| indent(lines[k]) == child)
                .collect();
            for (n, &start) in starts.iter().enumerate() {
                let stop = starts.get(n + 1).copied().unwrap_or(end);
                out.push((header.clone(), n, start + 1, lines[start..stop].join("\n")));
            }
        }
        i = end;
    }
    out
}

fn load(sources: &[RuleSource]) -> Result<RulePack, RuleErrors> {
    let mut errors = Vec::new();
    let mut rules: Vec<LayeredRule> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut vocab = Vocabulary::default();
    let mut examples = Vec::new();
    for (si, src) in sources.iter().enumerate() {
        let file = match parse(src) {
            Ok(f) => f,
            Err(e) => {
                errors.extend(e);
                continue;
            }
        };
        let mut seen = HashSet::new();
        for rule in file.indicators {
            if !seen.insert(rule.id.clone()) {
                let needle = format!("id: {}", rule.id);
                let at = src.text.match_indices(&needle).nth(1).map_or(0, |(i, _)| i);
                errors.push(src.error_at_offset(at, format!("duplicate rule id `{}` in one file; expected each id once per file (a later file may extend it)", rule.id)));
                continue;
            }
            let n = rule.aliases.as_ref().map_or(0, Vec::len);
            match by_id.get(&rule.id) {
                Some(&i) => {
                    let l = &mut rules[i];
                    l.alias_sources.extend(std::iter::repeat_n(si, n));
                    l.rule.merge(rule);
                }
                None => {
                    by_id.insert(rule.id.clone(), rules.len());
                    rules.push(LayeredRule {
                        rule,
                        defined_in: si,
                        alias_sources: vec![si; n],
                    });
                }
            }
        }
        for example in file.examples {
            examples.push(RuleExample {
                rule: None,
                file: src.name.clone(),
                example,
            });
        }
        vocab.layer(file.vocabulary);
        vocab.take_out(&file.remove);
    }
    let aliases = rules.iter().flat_map(|l| l.rule.aliases.iter().flatten());
    let overlong = super::check::overlong_words(&vocab, aliases, sources);
    if !overlong.is_empty() {
        // No automaton is built of them: its size would grow with theirs.
        errors.extend(overlong);
        return Err(RuleErrors(errors));
    }
    let mut cx = Collector::new(sources);
    cx.errors = errors;
    let pack = compile(rules, &vocab, examples, &mut cx);
    if cx.errors.is_empty() {
        Ok(pack)
    } else {
        Err(RuleErrors(cx.errors))
    }
}

/// Compile each stage's section, in the order they read each other's
/// (units before the grammar that reads them), through one collector; then
/// the checks every word gets and each stage's own.
fn compile(
    rules: Vec<LayeredRule>,
    vocab: &Vocabulary,
    examples: Vec<RuleExample>,
    cx: &mut Collector<'_>,
) -> RulePack {
    // The gazetteer's automaton (thousands of names) is the dearest part of
    // a start-up: it is built beside the rest.
    std::thread::scope(|scope| {
        let gazetteer = scope.spawn(|| region::build(&vocab.region));
        let gazetteer = move |cx: &mut Collector<'_>| {
            let built = gazetteer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            region::settle(built, cx)
        };
        compile_with(rules, vocab, examples, cx, gazetteer)
    })
}

fn compile_with(
    rules: Vec<LayeredRule>,
    vocab: &Vocabulary,
    mut examples: Vec<RuleExample>,
    cx: &mut Collector<'_>,
    gazetteer: impl FnOnce(&mut Collector<'_>) -> region::Gazetteer,
) -> RulePack {
    let sources = cx.sources;
    let canonical: HashSet<String> = rules
        .iter()
        .filter(|l| l.rule.each.is_none())
        .map(|l| {
            l.rule
                .indicator
                .clone()
                .unwrap_or_else(|| l.rule.id.clone())
        })
        .collect();
    // Examples written on indicator rules.
    for l in rules.iter().filter(|l| l.rule.enabled != Some(false)) {
        let file = &sources[l.defined_in].name;
        examples.extend(l.rule.examples.iter().map(|example| RuleExample {
            rule: Some(l.rule.id.clone()),
            file: file.clone(),
            example: example.clone(),
        }));
    }
    let unit_classes = vocab.unit.classes();
    let lexicon = link_words::compile(&vocab.link, rules, &canonical, &unit_classes, cx);
    for ex in &examples {
        for id in ex
            .example
            .records
            .iter()
            .filter_map(|r| r.indicator.as_ref())
        {
            if !canonical.contains(id) {
                let src = sources
                    .iter()
                    .find(|s| s.name == ex.file)
                    .expect("examples come from sources");
                cx.error(src.error_at(Some(&ex.example.text), id, format!("example expects indicator `{id}`, which no rule defines; expected a canonical indicator id")));
            }
        }
    }
    let noise = clean::compile(&vocab.noise, cx);
    let gazetteer = gazetteer(cx);
    let units = unit::compile(&vocab.unit, cx);
    let grammar = grammar_words::compile(&vocab.grammar, &vocab.unit);
    let documents = document_words::compile(&vocab.document);
    check::repeated_or_empty(vocab, cx);
    grammar_words::check(&vocab.grammar, &vocab.unit, cx);
    link_words::check(&vocab.link, cx);
    RulePack {
        warnings: std::mem::take(&mut cx.warnings),
        grammar,
        units,
        lexicon,
        noise,
        documents,
        gazetteer,
        examples,
    }
}
