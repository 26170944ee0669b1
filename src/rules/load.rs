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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::schema::{IndicatorRule, Layer, RuleFile, Vocabulary};
use super::{Limits, PercentMeaning, Place, Role, RuleExample, RulePack, Target, WordUse};
use crate::normalise::Normalised;
use crate::parse::{Class, Classes, Words};

/// One problem with a rule file, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}

/// Every problem found in a set of rule files.
#[derive(Debug)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

impl From<RuleError> for RuleErrors {
    fn from(e: RuleError) -> RuleErrors {
        RuleErrors(vec![e])
    }
}

/// The text of one rule file and the name to report it under.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_rules.rs"));
}

impl RuleSource {
    /// The built-in pack.
    pub fn defaults() -> Vec<RuleSource> {
        embedded::FILES
            .iter()
            .map(|(name, text)| RuleSource {
                name: format!("<built-in>/rules/{name}"),
                text: text.to_string(),
            })
            .collect()
    }

    /// Every `*.yaml` / `*.yml` file of a directory (or the file itself),
    /// sorted by name so that layering is predictable.
    /// Every problem is reported (a file that cannot be read, or is not UTF-8).
    pub fn from_path(path: &Path) -> Result<Vec<RuleSource>, RuleErrors> {
        let io = |source| RuleError::Io {
            file: path.display().to_string(),
            source,
        };
        let mut files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .map_err(|e| RuleErrors(vec![io(e)]))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        if files.is_empty() {
            return Err(RuleErrors(vec![RuleError::Invalid {
                file: path.display().to_string(),
                line: 1,
                column: 1,
                message: "a directory with no rule file; expected *.yaml or *.yml files".into(),
            }]));
        }
        files.sort();
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for p in files {
            match read_rule_file(&p) {
                Ok(text) => sources.push(RuleSource {
                    name: p.display().to_string(),
                    text,
                }),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(sources)
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// An error at a byte offset of the file.
    fn error_at_offset(&self, at: usize, message: String) -> RuleError {
        let before = &self.text[..at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        RuleError::Invalid {
            file: self.name.clone(),
            line,
            column,
            message,
        }
    }

    /// An error at the first occurrence of `needle` at or after the line
    /// holding `anchor` (serde keeps no positions once a file has parsed).
    /// One search through the text each, whatever its length.
    fn error_at(&self, anchor: Option<&str>, needle: &str, message: String) -> RuleError {
        let text = &self.text;
        let from = anchor
            .and_then(|a| text.find(a))
            .map_or(0, |at| text[..at].rfind('\n').map_or(0, |i| i + 1));
        let at = text[from..].find(needle).map_or(from, |i| from + i);
        self.error_at_offset(at, message)
    }
}

/// Largest rule file read: a pack is kilobytes; anything near this is a
/// mistake (or an attack), and is refused before it is parsed.
pub const MAX_RULE_FILE: u64 = 16 << 20;

/// Most bytes YAML aliases may add to a file once expanded (a 200 KB
/// string referenced 10,000 times is 2 GB).
const MAX_ALIAS_EXPANSION: u64 = 16 << 20;

/// A rule file's text: UTF-8 (a BOM is dropped), or UTF-16 with a BOM; any
/// other encoding is an error at the first byte that is not UTF-8.
fn read_rule_file(path: &Path) -> Result<String, RuleError> {
    let name = path.display().to_string();
    let io = |source| RuleError::Io {
        file: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let invalid = |line, column, message: String| RuleError::Invalid {
        file: name.clone(),
        line,
        column,
        message,
    };
    // A FIFO would block and a device (/dev/zero) never end: only regular
    // files are read.
    if !meta.is_file() {
        return Err(invalid(
            1,
            1,
            "not a regular file; expected a YAML rule file".into(),
        ));
    }
    let too_big = |len: u64| {
        invalid(
            1,
            1,
            format!("{len} bytes; expected a rule file of at most {MAX_RULE_FILE} bytes"),
        )
    };
    if meta.len() > MAX_RULE_FILE {
        return Err(too_big(meta.len()));
    }
    // Capped as read, too: the file may grow after the check.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path).map_err(io)?, MAX_RULE_FILE + 1),
        &mut bytes,
    )
    .map_err(io)?;
    if bytes.len() as u64 > MAX_RULE_FILE {
        return Err(too_big(bytes.len() as u64));
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if !bad {
            return Ok(text.into_owned());
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(invalid(
                line,
                column,
                "bytes that are not UTF-8 (GBK or Big5?); expected a UTF-8 rule file".into(),
            ))
        }
    }
}

/// YAML aliases (`*name`) replay their anchored node: bound what they can
/// add, before serde expands them. The scan is textual and errs on the
/// large side: an anchor's node is taken to run to the next line indented
/// no deeper than the anchor's own, and an alias inside it counts its own
/// expansion.
fn check_aliases(src: &RuleSource) -> Result<(), RuleError> {
    let text = &src.text;
    if !text.contains('*') || !text.contains('&') {
        return Ok(());
    }
    // (offset, is_anchor, name) of each indicator outside quotes and comments.
    let mut marks: Vec<(usize, bool, &str)> = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '#' && prev.is_whitespace() => break,
                None if (c == '"' || c == '\'')
                    && (prev.is_whitespace() || "[{,:".contains(prev)) =>
                {
                    quote = Some(c)
                }
                None if (c == '&' || c == '*')
                    && (prev.is_whitespace() || "[{,-:".contains(prev)) =>
                {
                    let rest = &line[i + 1..];
                    let len = rest
                        .find(|ch: char| ch.is_whitespace() || ",[]{}".contains(ch))
                        .unwrap_or(rest.len());
                    if len > 0 {
                        marks.push((line_start + i, c == '&', &rest[..len]));
                    }
                }
                None => {}
            }
            prev = c;
        }
        line_start += line.len();
    }
    let indent = |at: usize| {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[start..].len() - text[start..].trim_start_matches(' ').len()
    };
    // Where the node anchored at `at` ends.
    let extent_end = |at: usize| {
        let own = indent(at);
        let mut pos = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        while pos < text.len() {
            let line = &text[pos..];
            let body = line.trim_start_matches(' ');
            if !body.starts_with('\n') && !body.starts_with('#') && line.len() - body.len() <= own {
                break;
            }
            pos = line.find('\n').map_or(text.len(), |i| pos + i + 1);
        }
        pos
    };
    let mut anchors: HashMap<&str, u64> = HashMap::new();
    // Anchors still open (their node not yet ended): (end, name, size so far).
    let mut open: Vec<(usize, &str, u64)> = Vec::new();
    let mut total: u64 = 0;
    for &(at, is_anchor, name) in &marks {
        while let Some(&(end, n, size)) = open.last() {
            if end > at {
                break;
            }
            anchors.insert(n, size);
            open.pop();
        }
        if is_anchor {
            let end = extent_end(at);
            open.push((end, name, (end - at) as u64));
        } else if let Some(&size) = anchors.get(name) {
            total = total.saturating_add(size);
            for o in open.iter_mut() {
                o.2 = o.2.saturating_add(size);
            }
            if total > MAX_ALIAS_EXPANSION {
                return Err(src.error_at_offset(
                    at,
                    format!(
                        "YAML aliases here expand the file past {MAX_ALIAS_EXPANSION} bytes; expected a rule file without large repeated anchors"
                    ),
                ));
            }
        }
    }
    Ok(())
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

/// Matching runs on normalised text, so vocabulary is normalised the same way.
pub(super) fn norm(word: &str) -> String {
    Normalised::new(word.trim()).text
}

/// A layered indicator rule and the file each of its parts came from.
struct Layered {
    rule: IndicatorRule,
    /// Source index of the rule's first definition, and of each alias.
    defined_in: usize,
    alias_sources: Vec<usize>,
}

pub(super) fn load(sources: &[RuleSource]) -> Result<RulePack, RuleErrors> {
    let mut errors = Vec::new();
    let mut rules: Vec<Layered> = Vec::new();
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
                    rules.push(Layered {
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
    let warnings = super::check::unread_words(&vocab, sources);
    let mut pack = compile(rules, vocab, examples, sources, &mut errors);
    pack.warnings = warnings;
    if errors.is_empty() {
        Ok(pack)
    } else {
        Err(RuleErrors(errors))
    }
}

fn compile(
    rules: Vec<Layered>,
    vocab: Vocabulary,
    mut examples: Vec<RuleExample>,
    sources: &[RuleSource],
    errors: &mut Vec<RuleError>,
) -> RulePack {
    let unit_classes: HashSet<&str> = vocab
        .units
        .iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect();
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
    let mut targets = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut alias_target = Vec::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    for Layered {
        rule,
        defined_in,
        alias_sources,
    } in rules.into_iter().filter(|l| l.rule.enabled != Some(false))
    {
        let src = &sources[defined_in];
        let anchor = format!("id: {}", rule.id);
        let anchor = Some(anchor.as_str());
        let indicators = match &rule.each {
            Some(each) => each.clone(),
            None => vec![rule.indicator.clone().unwrap_or_else(|| rule.id.clone())],
        };
        for id in rule
            .each
            .iter()
            .flatten()
            .chain(&rule.whole)
            .filter(|id| !canonical.contains(*id))
        {
            errors.push(src.error_at(anchor, id, format!("`each` names `{id}`, which no rule defines; expected the id of an indicator rule")));
        }
        for class in rule
            .units
            .iter()
            .flatten()
            .filter(|c| !unit_classes.contains(c.as_str()))
        {
            errors.push(src.error_at(
                anchor,
                class,
                format!(
                    "unit class `{class}` is not in vocabulary.units; expected one of {:?}",
                    sorted(&unit_classes)
                ),
            ));
        }
        let aliases = rule.aliases.clone().unwrap_or_default();
        if aliases.is_empty() {
            errors.push(src.error_at(
                None,
                &format!("id: {}", rule.id),
                format!(
                    "rule `{}` has no aliases; expected at least one name to match",
                    rule.id
                ),
            ));
        }
        for (alias, &si) in aliases.iter().zip(&alias_sources) {
            let src = &sources[si];
            let a = norm(alias);
            if a.is_empty() {
                errors.push(src.error_at(
                    anchor,
                    "\"\"",
                    format!(
                        "rule `{}` has an empty alias {alias:?}; expected a name",
                        rule.id
                    ),
                ));
                continue;
            }
            match owner.get(&a) {
                Some(other) if other != &rule.id => {
                    errors.push(src.error_at(anchor, alias, format!("alias `{alias}` is claimed by `{other}` and by `{}`; expected each alias in one rule", rule.id)));
                }
                Some(_) => {}
                None => {
                    owner.insert(a.clone(), rule.id.clone());
                    patterns.push(a);
                    alias_target.push(targets.len());
                }
            }
        }
        examples.extend(rule.examples.iter().map(|example| RuleExample {
            rule: Some(rule.id.clone()),
            file: src.name.clone(),
            example: example.clone(),
        }));
        targets.push(Target {
            rule: rule.id.clone(),
            indicators,
            whole: rule.whole.clone(),
            units: rule.units.clone().unwrap_or_default(),
            percent: rule.percent.unwrap_or(PercentMeaning::Growth),
            not_after: rule.not_after.iter().flatten().map(|w| norm(w)).collect(),
            not_before: rule.not_before.iter().flatten().map(|w| norm(w)).collect(),
        });
    }
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
                errors.push(src.error_at(Some(&ex.example.text), id, format!("example expects indicator `{id}`, which no rule defines; expected a canonical indicator id")));
            }
        }
    }
    let alias_index: HashMap<String, usize> = patterns
        .iter()
        .cloned()
        .zip(alias_target.iter().copied())
        .collect();
    let alias_patterns = patterns;

    // Vocabulary words with their roles.
    let mut words: Vec<String> = Vec::new();
    let mut roles: Vec<Vec<Role>> = Vec::new();
    let mut word_index: HashMap<String, usize> = HashMap::new();
    let mut add = |w: &str, role: Role| {
        let w = norm(w);
        if w.is_empty() {
            return;
        }
        match word_index.get(&w) {
            Some(&i) => roles[i].push(role),
            None => {
                word_index.insert(w.clone(), words.len());
                words.push(w);
                roles.push(vec![role]);
            }
        }
    };
    for cue in vocab.kinds.iter().flatten() {
        for w in &cue.words {
            add(
                w,
                Role::Kind {
                    kind: cue.kind,
                    scope: cue.scope,
                    weak: cue.weak,
                },
            );
        }
    }
    for (side, words) in vocab.five_year_spans.iter().flatten() {
        for w in words {
            add(w, Role::FiveYear);
            add(w, Role::SpanWord(*side));
        }
    }
    let lists: [(&Option<Vec<String>>, Role); 6] = [
        (&vocab.frame, Role::Frame),
        (&vocab.five_year, Role::FiveYear),
        (&vocab.over_span, Role::OverSpan),
        (&vocab.links, Role::Link),
        (&vocab.comparisons, Role::Comparison),
        (&vocab.references, Role::Reference),
    ];
    for (list, role) in lists {
        for w in list.iter().flatten() {
            add(w, role);
        }
    }
    let mut exclusions = Vec::new();
    for (i, (name, ex)) in vocab.exclusions.iter().flatten().enumerate() {
        for id in ex.indicators.iter().filter(|id| !canonical.contains(*id)) {
            if let Some(src) = sources
                .iter()
                .rev()
                .find(|s| s.text.contains(name.as_str()))
            {
                errors.push(src.error_at(Some(&format!("{name}:")), id, format!("exclusion `{name}` names indicator `{id}`, which no rule defines; expected a canonical indicator id")));
            }
        }
        for (words, place) in [(&ex.before, Place::Before), (&ex.between, Place::Between)] {
            for w in words {
                add(
                    w,
                    Role::Excludes {
                        exclusion: i,
                        place,
                    },
                );
            }
        }
        exclusions.push(super::CompiledExclusion {
            name: name.clone(),
            indicators: ex.indicators.clone(),
        });
    }
    // One automaton for names and words, each string once with its uses.
    let mut strings: Vec<String> = Vec::new();
    let mut word_use: Vec<WordUse> = Vec::new();
    let mut string_index: HashMap<String, usize> = HashMap::new();
    let mut use_of = |w: &str| -> usize {
        if let Some(&i) = string_index.get(w) {
            return i;
        }
        string_index.insert(w.to_string(), strings.len());
        strings.push(w.to_string());
        word_use.push(WordUse::default());
        strings.len() - 1
    };
    let alias_uses: Vec<usize> = alias_patterns.iter().map(|a| use_of(a)).collect();
    let cue_uses: Vec<usize> = words.iter().map(|w| use_of(w)).collect();
    for (&u, &target) in alias_uses.iter().zip(&alias_target) {
        word_use[u].target.get_or_insert(target);
    }
    for (word, &u) in cue_uses.iter().enumerate() {
        word_use[u].cue = Some(word);
    }
    // A DFA: the pack is small and the scan covers every byte of every
    // report. A huge layered pack gets what the crate picks (its DFA would
    // take long to build and much memory).
    let total: usize = strings.iter().map(String::len).sum();
    let kind = (total <= 256 << 10).then_some(AhoCorasickKind::DFA);
    let words = AhoCorasick::builder()
        .kind(kind)
        .match_kind(MatchKind::Standard)
        .build(&strings)
        .expect("names and words are plain strings");

    let mut patterns_of = |list: &Option<Vec<String>>| -> Vec<String> {
        let list = list.clone().unwrap_or_default();
        list.into_iter()
            .filter(|p| match regex::Regex::new(p) {
                Ok(_) => true,
                Err(e) => {
                    let src = sources
                        .iter()
                        .rev()
                        .find(|s| s.text.contains(p.as_str()))
                        .or(sources.last())
                        .expect("a pattern has a source");
                    let why = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    errors.push(src.error_at(
                        None,
                        p,
                        format!("invalid pattern `{p}`: {why}; expected a regular expression"),
                    ));
                    false
                }
            })
            .collect()
    };
    let noise_list = patterns_of(&vocab.noise_lines);
    let watermark_list = patterns_of(&vocab.watermarks);
    let replacement_patterns: Vec<Option<String>> = vocab
        .replacements
        .iter()
        .flatten()
        .map(|r| patterns_of(&Some(vec![r.pattern.clone()])).pop())
        .collect();
    let replacements: Vec<(regex::Regex, String)> = vocab
        .replacements
        .iter()
        .flatten()
        .zip(replacement_patterns)
        .filter_map(|(r, p)| Some((regex::Regex::new(&p?).ok()?, r.with.clone())))
        .collect();
    // Patterns that compile one by one may still be too big together.
    let mut too_big = |key: &str, e: regex::Error| {
        let src = sources
            .iter()
            .rev()
            .find(|s| s.text.contains(&format!("{key}:")))
            .or(sources.last());
        if let Some(src) = src {
            errors.push(src.error_at(None, &format!("{key}:"), format!("the `{key}` patterns together are too big to compile ({e}); expected fewer or simpler patterns")));
        }
    };
    let noise_lines = regex::RegexSet::new(noise_list).unwrap_or_else(|e| {
        too_big("noise_lines", e);
        regex::RegexSet::empty()
    });
    let watermarks = (!watermark_list.is_empty())
        .then(|| regex::Regex::new(&watermark_list.join("|")))
        .and_then(|r| r.map_err(|e| too_big("watermarks", e)).ok());

    fn invert<K: Clone>(m: &Option<BTreeMap<K, Vec<String>>>) -> HashMap<String, K> {
        m.iter()
            .flatten()
            .flat_map(|(k, ws)| ws.iter().map(move |w| (norm(w), k.clone())))
            .collect()
    }
    let grammar_words = grammar_words(&vocab);
    let bounds = vocab
        .bounds
        .iter()
        .flatten()
        .flat_map(|(b, p)| {
            p.before
                .iter()
                .chain(&p.after)
                .chain(&p.within)
                .map(move |w| (norm(w), *b))
        })
        .collect();
    let normed = |list: &Option<Vec<String>>| -> Vec<String> {
        let mut v: Vec<String> = list
            .iter()
            .flatten()
            .map(|w| norm(w))
            .filter(|w| !w.is_empty())
            .collect();
        // Longest first: a text is matched against them in order.
        v.sort_by_key(|w| std::cmp::Reverse(w.len()));
        v
    };
    let documents = {
        let mut d = vocab.documents.clone().unwrap_or_default();
        let all = |l: &mut Vec<String>| {
            *l = l
                .iter()
                .map(|w| norm(w))
                .filter(|w| !w.is_empty())
                .collect();
        };
        for t in d.types.values_mut() {
            all(&mut t.title);
            all(&mut t.text);
        }
        for l in [
            &mut d.meeting,
            &mut d.plan_year,
            &mut d.review_year,
            &mut d.plan_closed,
            &mut d.year_end,
        ] {
            all(l);
        }
        d
    };
    let tables = {
        let mut t = vocab.tables.clone().unwrap_or_default();
        let all = |l: &mut Vec<String>| {
            *l = normed(&Some(std::mem::take(l)));
        };
        all(&mut t.names);
        all(&mut t.units);
        t.columns.values_mut().for_each(all);
        t
    };
    let regions = vocab.regions.clone().unwrap_or_default();
    let gazetteer = crate::region::Gazetteer::new(&regions).unwrap_or_else(|bad| {
        for b in bad {
            let src = sources
                .iter()
                .rev()
                .find(|s| s.text.contains(b.at.as_str()))
                .unwrap_or(&sources[sources.len() - 1]);
            errors.push(src.error_at(None, &b.at, b.message));
        }
        crate::region::Gazetteer::default()
    });
    let unit_bases = crate::unit::UnitBases::new(
        &vocab.units.clone().unwrap_or_default(),
        &vocab.magnitudes.clone().unwrap_or_default(),
    )
    .unwrap_or_else(|bad| {
        for m in bad {
            let src = sources
                .iter()
                .rev()
                .find(|s| s.text.contains("magnitudes"))
                .unwrap_or(&sources[sources.len() - 1]);
            errors.push(src.error_at(
                Some("magnitudes"),
                &m,
                format!("the factor of magnitude `{m}` is no whole number; expected decimal digits (亿: \"100000000\")"),
            ));
        }
        crate::unit::UnitBases::default()
    });
    RulePack {
        warnings: Vec::new(),
        unit_bases,
        gazetteer,
        documents,
        tables,
        targets,
        grammar_words,
        joiners: normed(&vocab.joiners),
        bases: normed(&vocab.bases),
        reached: normed(&vocab.reached),
        maintained: normed(&vocab.maintained),
        from_words: normed(&vocab.from_words),
        attributive: normed(&vocab.attributive),
        words,
        word_use,
        alias_patterns,
        alias_index,
        cue_roles: roles,
        exclusions,
        frame_needles: needles_of(&vocab.frame),
        five_year_needles: needles_of(&Some(
            vocab
                .five_year
                .iter()
                .flatten()
                .chain(vocab.five_year_spans.iter().flatten().flat_map(|(_, w)| w))
                .cloned()
                .collect(),
        )),
        bounds,
        distributors: invert(&vocab.distributors),
        tiers: invert(&vocab.tiers),
        verbs: invert(&vocab.verbs),
        periods: invert(&vocab.periods),
        relative_years: vocab
            .relative_years
            .iter()
            .flatten()
            .map(|(w, y)| (norm(w), *y))
            .collect(),
        unit_class: invert(&vocab.units),
        noise: super::Noise {
            lines: noise_lines,
            watermarks,
            replacements,
        },
        tier_scope: vocab.tier_scope.unwrap_or(super::CueScope::Clause),
        limits: vocab.limits.unwrap_or(Limits {
            max_gap: 4,
            max_inherit: 1,
        }),
        examples,
    }
}

/// The words the grammar composes with, each with its classes (a word may
/// have several: 到 opens a time phrase and joins a range).
fn grammar_words(vocab: &Vocabulary) -> Words {
    let mut classes: BTreeMap<String, Classes> = BTreeMap::new();
    let mut add = |words: &mut dyn Iterator<Item = &String>, class: Option<Class>| {
        for w in words {
            let w = norm(w);
            if w.is_empty() {
                continue;
            }
            let entry = classes.entry(w).or_default();
            if let Some(c) = class {
                *entry = entry.with(c);
            }
        }
    };
    fn all<K>(m: &Option<BTreeMap<K, Vec<String>>>) -> impl Iterator<Item = &String> {
        m.iter().flatten().flat_map(|(_, ws)| ws)
    }
    add(&mut all(&vocab.verbs), Some(Class::Verb));
    for p in vocab.bounds.iter().flat_map(|b| b.values()) {
        add(&mut p.before.iter(), Some(Class::Before));
        add(&mut p.after.iter(), Some(Class::After));
        add(&mut p.within.iter(), Some(Class::Within));
    }
    add(&mut all(&vocab.units), Some(Class::Unit));
    // A unit that begins with a magnitude is one of itself after 超 / 突破.
    let big: Vec<&String> = all(&vocab.units)
        .filter(|u| norm(u).starts_with(['十', '百', '千', '万', '亿']))
        .collect();
    add(&mut big.into_iter(), Some(Class::BigUnit));
    add(
        &mut vocab.damaged_units.iter().flatten(),
        Some(Class::Damaged),
    );
    add(&mut all(&vocab.tiers), Some(Class::Tier));
    add(&mut all(&vocab.distributors), Some(Class::Spread));
    add(
        &mut vocab.time_prepositions.iter().flatten(),
        Some(Class::TimePrep),
    );
    add(
        &mut vocab.relative_years.iter().flat_map(|m| m.keys()),
        Some(Class::RelYear),
    );
    add(&mut all(&vocab.periods), Some(Class::Period));
    add(&mut vocab.range_words.iter().flatten(), Some(Class::Range));
    add(&mut vocab.since.iter().flatten(), Some(Class::Since));
    add(&mut vocab.not_words.iter().flatten(), None);
    Words::new(classes.into_iter().collect())
}

fn needles_of(list: &Option<Vec<String>>) -> super::Needles {
    let words: Vec<String> = list.iter().flatten().map(|w| norm(w)).collect();
    super::Needles(needles(&words).map(|ns| {
        ns.iter()
            .map(|n| memchr::memmem::Finder::new(n).into_owned())
            .collect()
    }))
}

/// At most four substrings such that every word holds one: two characters
/// long (a shorter word as it is), the one in most words first.
fn needles(words: &[String]) -> Option<Vec<String>> {
    let mut left: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    while !left.is_empty() {
        if out.len() == 4 {
            return None;
        }
        let best = left
            .iter()
            .flat_map(|w| {
                let chars: Vec<char> = w.chars().collect();
                if chars.len() < 2 {
                    vec![w.to_string()]
                } else {
                    chars.windows(2).map(|p| p.iter().collect()).collect()
                }
            })
            .map(|sub: String| {
                (
                    left.iter().filter(|w| w.contains(sub.as_str())).count(),
                    sub,
                )
            })
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))?
            .1;
        left.retain(|w| !w.contains(best.as_str()));
        out.push(best);
    }
    Some(out)
}

fn sorted<'a>(set: &HashSet<&'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = set.iter().copied().collect();
    v.sort_unstable();
    v
}
