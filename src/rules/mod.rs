//! The rule pack: vocabulary and indicator names, loaded from YAML and
//! compiled once per run into matchers.
//!
//! Layers: the built-in pack (rules/*.yaml, embedded at build time) comes
//! first, then each `--rules DIR` in the order given (see `load`).

pub mod examples;
mod load;
mod schema;

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

pub use load::{RuleError, RuleErrors, RuleSource, schema_json};
pub use schema::{
    CueScope, Example, Expected, IndicatorRule, KindCue, Limits, PercentMeaning, RuleFile,
    VerbClass, Vocabulary,
};

use crate::normalise::Normalised;
use crate::record::{Bound, Kind, Tier};

/// Page furniture (a source bar, a caption, a URL) is a short line; longer
/// lines are report text and are not tested against `noise_lines`.
pub const NOISE_LINE_MAX: usize = 300;

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
    alias_patterns: Vec<String>,
    alias_target: Vec<usize>,
    cues: AhoCorasick,
    cue_roles: Vec<Vec<Role>>,
    /// The plan-statement words alone, to test lines cheaply.
    frames: AhoCorasick,
    bounds: HashMap<String, Bound>,
    tiers: HashMap<String, Tier>,
    verbs: HashMap<String, VerbClass>,
    periods: HashMap<String, String>,
    relative_years: HashMap<String, i32>,
    unit_class: HashMap<String, String>,
    noise_lines: regex::RegexSet,
    watermarks: Option<regex::Regex>,
    pub limits: Limits,
    /// The inline examples, for `zhibiao rules test`.
    pub examples: Vec<RuleExample>,
}

/// An inline example with where it came from.
#[derive(Debug, Clone)]
pub struct RuleExample {
    /// The indicator rule it belongs to, or `None` for a file-level example.
    pub rule: Option<String>,
    pub file: String,
    pub example: Example,
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
    pub fn builtin() -> Result<RulePack, RuleErrors> {
        RulePack::from_sources(&RuleSource::defaults())
    }

    /// Layer `sources` in order, check them and compile them. Every problem
    /// found is reported, each located at file:line:column.
    pub fn from_sources(sources: &[RuleSource]) -> Result<RulePack, RuleErrors> {
        load::load(sources)
    }

    /// Every name the pack matches as it would be written: the simplified
    /// form and the traditional one where it differs (for a raw-text scan).
    pub fn alias_forms(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .alias_patterns
            .iter()
            .flat_map(|a| {
                let hant = zhconv::zhconv(a, zhconv::Variant::ZhHant);
                std::iter::once(a.clone()).chain((hant != *a).then_some(hant))
            })
            .collect();
        out.sort();
        out.dedup();
        out
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

    /// Whether `text` holds a plan-statement word (vocabulary `frame`).
    pub fn has_frame(&self, text: &str) -> bool {
        self.frames.is_match(text)
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
            let len = end - start;
            if len > 0 && len <= NOISE_LINE_MAX && self.noise_lines.is_match(&text[start..end]) {
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
