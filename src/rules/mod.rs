//! The rule pack: vocabulary and indicator names, loaded from YAML and
//! compiled once per run into matchers.
//!
//! Layers: the built-in pack (rules/*.yaml, embedded at build time) comes
//! first, then each `--rules DIR` in the order given. A later indicator rule
//! with the same `id` replaces the earlier one (so `enabled: false` switches
//! it off); a vocabulary list given in a later layer replaces that list.

mod schema;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};

pub use schema::{
    CueScope, IndicatorRule, KindCue, Limits, PercentMeaning, RuleFile, VerbClass, Vocabulary,
};

use crate::normalise::Normalised;
use crate::record::{Bound, Kind, Tier};

/// A rule file that could not be used, with where and why.
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
    pub fn from_path(path: &Path) -> Result<Vec<RuleSource>, RuleError> {
        let io = |source| RuleError::Io {
            file: path.display().to_string(),
            source,
        };
        let mut files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).map_err(|source| RuleError::Io {
                    file: p.display().to_string(),
                    source,
                })?;
                Ok(RuleSource {
                    name: p.display().to_string(),
                    text,
                })
            })
            .collect()
    }
}

/// What a vocabulary word does where it appears. One word can do several
/// things (目标 is a target cue and a reference for gaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Kind {
        kind: Kind,
        scope: CueScope,
        weak: bool,
    },
    Frame,
    FiveYear,
    Link,
    Comparison,
    Reference,
    Aside,
    Subarea,
}

/// One indicator rule, ready to use.
#[derive(Debug, Clone)]
pub struct Target {
    pub rule: String,
    /// Canonical ids: one, or several for a list name.
    pub indicators: Vec<String>,
    pub units: Vec<String>,
    pub percent: PercentMeaning,
    pub not_after: Vec<String>,
    pub not_before: Vec<String>,
}

/// The compiled rule pack. Build it once and share it across threads.
#[derive(Debug)]
pub struct RulePack {
    pub targets: Vec<Target>,
    aliases: AhoCorasick,
    alias_target: Vec<usize>,
    cues: AhoCorasick,
    cue_roles: Vec<Vec<Role>>,
    bounds: HashMap<String, Bound>,
    tiers: HashMap<String, Tier>,
    verbs: HashMap<String, VerbClass>,
    periods: HashMap<String, String>,
    relative_years: HashMap<String, i32>,
    unit_class: HashMap<String, String>,
    noise_lines: regex::RegexSet,
    watermarks: Option<regex::Regex>,
    pub limits: Limits,
}

/// A hit of an indicator name in normalised text.
#[derive(Debug, Clone, Copy)]
pub struct AliasHit {
    pub start: usize,
    pub end: usize,
    pub target: usize,
}

/// A hit of a vocabulary word in normalised text.
#[derive(Debug, Clone, Copy)]
pub struct CueHit {
    pub start: usize,
    pub end: usize,
    pub word: usize,
}

impl RulePack {
    /// The built-in pack alone.
    pub fn builtin() -> Result<RulePack, RuleError> {
        RulePack::from_sources(&RuleSource::defaults())
    }

    /// Layer `sources` in order and compile them.
    pub fn from_sources(sources: &[RuleSource]) -> Result<RulePack, RuleError> {
        let mut indicators: Vec<(IndicatorRule, String)> = Vec::new();
        let mut vocab = Vocabulary::default();
        for src in sources {
            let file = parse(src)?;
            let mut seen: HashMap<&str, ()> = HashMap::new();
            for rule in &file.indicators {
                if seen.insert(rule.id.as_str(), ()).is_some() {
                    return Err(invalid(
                        src,
                        &format!("id: {}", rule.id),
                        format!(
                            "duplicate rule id `{}` in one file; expected each id once per file",
                            rule.id
                        ),
                    ));
                }
            }
            for rule in file.indicators {
                match indicators.iter_mut().find(|(r, _)| r.id == rule.id) {
                    Some(slot) => *slot = (rule, src.name.clone()),
                    None => indicators.push((rule, src.name.clone())),
                }
            }
            layer(&mut vocab, file.vocabulary);
        }
        compile(indicators, vocab, sources)
    }

    /// Indicator names in `text`, leftmost-longest, minus the ones that a
    /// rule's `not_after` / `not_before` rejects.
    pub fn find_aliases(&self, text: &str) -> Vec<AliasHit> {
        self.aliases
            .find_iter(text)
            .filter_map(|m| {
                let target = self.alias_target[m.pattern().as_usize()];
                let t = &self.targets[target];
                let before = &text[..m.start()];
                let after = &text[m.end()..];
                if t.not_after.iter().any(|w| before.ends_with(w.as_str()))
                    || t.not_before.iter().any(|w| after.starts_with(w.as_str()))
                {
                    return None;
                }
                Some(AliasHit {
                    start: m.start(),
                    end: m.end(),
                    target,
                })
            })
            .collect()
    }

    /// Vocabulary words in `text`, overlapping (目标 inside 预期目标 counts).
    pub fn find_cues(&self, text: &str) -> Vec<CueHit> {
        self.cues
            .find_overlapping_iter(text)
            .map(|m| CueHit {
                start: m.start(),
                end: m.end(),
                word: m.pattern().as_usize(),
            })
            .collect()
    }

    pub fn roles(&self, hit: &CueHit) -> &[Role] {
        &self.cue_roles[hit.word]
    }

    pub fn bound(&self, word: &str) -> Option<Bound> {
        self.bounds.get(word).copied()
    }
    pub fn tier(&self, word: &str) -> Option<Tier> {
        self.tiers.get(word).copied()
    }
    pub fn verb(&self, word: &str) -> Option<VerbClass> {
        self.verbs.get(word).copied()
    }
    pub fn period(&self, word: &str) -> Option<&str> {
        self.periods.get(word).map(String::as_str)
    }
    pub fn relative_year(&self, word: &str) -> Option<i32> {
        self.relative_years.get(word).copied()
    }
    /// Blank the noise lines of a normalised text, remove watermarks, and
    /// join lines broken inside a phrase.
    pub fn clean(&self, norm: &mut Normalised<'_>) {
        let text = &norm.text;
        let mut drop: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end =
                memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |p| start + p);
            if end > start && self.noise_lines.is_match(&text[start..end]) {
                drop.push((start, end));
            }
            start = end + 1;
        }
        if let Some(w) = &self.watermarks {
            drop.extend(w.find_iter(text).map(|m| (m.start(), m.end())));
        }
        drop.sort_unstable();
        norm.remove(&drop);
        norm.join_broken_lines();
    }

    pub fn unit_class(&self, unit: &str) -> Option<&str> {
        self.unit_class.get(unit).map(String::as_str)
    }
}

fn parse(src: &RuleSource) -> Result<RuleFile, RuleError> {
    serde_yaml::from_str::<Option<RuleFile>>(&src.text)
        .map(Option::unwrap_or_default)
        .map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            RuleError::Invalid {
                file: src.name.clone(),
                line,
                column,
                message: e.to_string(),
            }
        })
}

/// An error located at the first line of `src` that contains `needle`
/// (serde has no positions left once a file has parsed).
fn invalid(src: &RuleSource, needle: &str, message: String) -> RuleError {
    let key = needle.rsplit(": ").next().unwrap_or(needle);
    let (line, column) = src
        .text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find(key).map(|c| (i + 1, l[..c].chars().count() + 1)))
        .unwrap_or((1, 1));
    RuleError::Invalid {
        file: src.name.clone(),
        line,
        column,
        message,
    }
}

fn layer(into: &mut Vocabulary, over: Vocabulary) {
    macro_rules! take {
        ($($f:ident),*) => { $( if over.$f.is_some() { into.$f = over.$f; } )* };
    }
    take!(
        kinds,
        frame,
        bounds,
        tiers,
        verbs,
        periods,
        relative_years,
        five_year,
        links,
        comparisons,
        references,
        asides,
        subareas,
        noise_lines,
        watermarks,
        units,
        limits
    );
}

/// Matching runs on normalised text, so vocabulary is normalised the same way.
fn norm(word: &str) -> String {
    Normalised::new(word.trim()).text
}

fn compile(
    rules: Vec<(IndicatorRule, String)>,
    vocab: Vocabulary,
    sources: &[RuleSource],
) -> Result<RulePack, RuleError> {
    let src_of = |name: &str| {
        sources
            .iter()
            .find(|s| s.name == name)
            .expect("rule came from a source")
    };
    let mut targets = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut alias_target = Vec::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    for (rule, file) in rules.into_iter().filter(|(r, _)| r.enabled) {
        let src = src_of(&file);
        let indicators = if rule.each.is_empty() {
            vec![rule.indicator.clone().unwrap_or_else(|| rule.id.clone())]
        } else {
            rule.each.clone()
        };
        if rule.aliases.is_empty() {
            return Err(invalid(
                src,
                &format!("id: {}", rule.id),
                format!(
                    "rule `{}` has no aliases; expected at least one name to match",
                    rule.id
                ),
            ));
        }
        for alias in &rule.aliases {
            let a = norm(alias);
            if a.is_empty() {
                return Err(invalid(
                    src,
                    &format!("id: {}", rule.id),
                    format!("rule `{}` has an empty alias; expected a name", rule.id),
                ));
            }
            if let Some(other) = owner.get(&a) {
                if other != &rule.id {
                    return Err(invalid(
                        src,
                        alias,
                        format!(
                            "alias `{alias}` is claimed by `{other}` and `{}`; expected each alias in one rule",
                            rule.id
                        ),
                    ));
                }
                continue;
            }
            owner.insert(a.clone(), rule.id.clone());
            patterns.push(a);
            alias_target.push(targets.len());
        }
        targets.push(Target {
            rule: rule.id,
            indicators,
            units: rule.units,
            percent: rule.percent.unwrap_or(PercentMeaning::Growth),
            not_after: rule.not_after.iter().map(|w| norm(w)).collect(),
            not_before: rule.not_before.iter().map(|w| norm(w)).collect(),
        });
    }
    let aliases = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .expect("aliases are plain strings");

    // Vocabulary words with their roles.
    let mut words: Vec<String> = Vec::new();
    let mut roles: Vec<Vec<Role>> = Vec::new();
    let mut add = |w: &str, role: Role| {
        let w = norm(w);
        if w.is_empty() {
            return;
        }
        match words.iter().position(|x| *x == w) {
            Some(i) => roles[i].push(role),
            None => {
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
    let lists: [(&Option<Vec<String>>, Role); 7] = [
        (&vocab.frame, Role::Frame),
        (&vocab.five_year, Role::FiveYear),
        (&vocab.links, Role::Link),
        (&vocab.comparisons, Role::Comparison),
        (&vocab.references, Role::Reference),
        (&vocab.asides, Role::Aside),
        (&vocab.subareas, Role::Subarea),
    ];
    for (list, role) in lists {
        for w in list.iter().flatten() {
            add(w, role);
        }
    }
    let cues = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&words)
        .expect("cue words are plain strings");

    let patterns = |list: &Option<Vec<String>>| -> Result<Vec<String>, RuleError> {
        let list = list.clone().unwrap_or_default();
        for p in &list {
            if let Err(e) = regex::Regex::new(p) {
                let src = sources
                    .iter()
                    .rev()
                    .find(|s| s.text.contains(p.as_str()))
                    .or(sources.last());
                let src = src.expect("a pattern came from a source");
                return Err(invalid(
                    src,
                    p,
                    format!(
                        "invalid pattern `{p}`: {}; expected a regular expression",
                        e.to_string().lines().last().unwrap_or("")
                    ),
                ));
            }
        }
        Ok(list)
    };
    let noise_lines =
        regex::RegexSet::new(patterns(&vocab.noise_lines)?).expect("patterns checked");
    let watermark_list = patterns(&vocab.watermarks)?;
    let watermarks = (!watermark_list.is_empty())
        .then(|| regex::Regex::new(&watermark_list.join("|")).expect("patterns checked"));

    fn invert<K: Clone>(m: &Option<BTreeMap<K, Vec<String>>>) -> HashMap<String, K> {
        m.iter()
            .flatten()
            .flat_map(|(k, ws)| ws.iter().map(move |w| (norm(w), k.clone())))
            .collect()
    }
    Ok(RulePack {
        targets,
        aliases,
        alias_target,
        cues,
        cue_roles: roles,
        bounds: invert(&vocab.bounds),
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
        noise_lines,
        watermarks,
        limits: vocab.limits.unwrap_or(Limits {
            max_gap: 4,
            max_inherit: 2,
        }),
    })
}
