//! The clean stage: what a site did to a report, undone before the rules
//! read it, with every byte still mapping back to the text as written.
//!
//! In order: damage replaced (a `%` written `_M_M_`, line breaks written
//! out as the text `\r\n`, so that headings after them start lines again),
//! lines of page furniture blanked, watermarks taken out of sentences, and
//! lines broken inside a phrase joined. What counts as each is rule-pack
//! data (`replacements`, `noise_lines`, `watermarks` in rules/*.yaml).

use schemars::JsonSchema;
use serde::Deserialize;

use crate::normalise::Normalised;
use crate::rules::layer::{Layer, section};
use crate::rules::source::Collector;

section! {
    /// What the clean stage takes out of a text before it is read.
    pub struct NoiseSection {
        /// Regular expressions (over normalised text) for whole lines that are
        /// page furniture: URLs, 备案号, 来源/发布时间 bars, photo captions.
        noise_lines: Option<Vec<String>> => other,
        /// Regular expressions for text a site inserts into sentences
        /// (公号“…”整理编辑); removed before matching.
        watermarks: Option<Vec<String>> => other,
        /// Damage a site did to the text, undone before matching: a `%` written
        /// as `_M_M_`, line breaks written out as the text `\r\n`.
        replacements: Option<Vec<Replacement>> => other,
    }
}

/// A regular expression (over normalised text) and what its matches stand
/// for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    pub pattern: String,
    /// The text a match is read as (may be empty, or a line break).
    pub with: String,
}

/// Replacements add entries; removing takes out those of the same pattern.
impl Layer for Vec<Replacement> {
    fn layer(&mut self, over: Self) {
        for r in over {
            self.retain(|m| m.pattern != r.pattern);
            self.push(r);
        }
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.retain(|m| !words.iter().any(|w| w.pattern == m.pattern));
        false
    }
}

/// Page furniture (a source bar, a caption, a URL) is a short line; longer
/// lines are report text and are not tested against `noise_lines`.
pub const NOISE_LINE_MAX: usize = 300;

/// The damage and page furniture the clean stage takes out, compiled.
#[derive(Debug)]
pub struct Noise {
    /// Lines of page furniture (tested on lines of at most
    /// [`NOISE_LINE_MAX`] bytes).
    pub lines: regex::RegexSet,
    /// Text a site inserts into sentences.
    pub watermarks: Option<regex::Regex>,
    /// Damage to undo: each pattern and what it stands for.
    pub replacements: Vec<(regex::Regex, String)>,
}

/// Compile the noise section: every pattern a regular expression, each bad
/// one an error where it is written.
pub fn compile(section: &NoiseSection, cx: &mut Collector<'_>) -> Noise {
    let mut patterns_of = |list: &Option<Vec<String>>| -> Vec<String> {
        let list = list.clone().unwrap_or_default();
        list.into_iter()
            .filter(|p| match regex::Regex::new(p) {
                Ok(_) => true,
                Err(e) => {
                    let src = cx.holding(p);
                    let why = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    cx.error(src.error_at(
                        None,
                        p,
                        format!("invalid pattern `{p}`: {why}; expected a regular expression"),
                    ));
                    false
                }
            })
            .collect()
    };
    let noise_list = patterns_of(&section.noise_lines);
    let watermark_list = patterns_of(&section.watermarks);
    let replacement_patterns: Vec<Option<String>> = section
        .replacements
        .iter()
        .flatten()
        .map(|r| patterns_of(&Some(vec![r.pattern.clone()])).pop())
        .collect();
    let replacements: Vec<(regex::Regex, String)> = section
        .replacements
        .iter()
        .flatten()
        .zip(replacement_patterns)
        .filter_map(|(r, p)| Some((regex::Regex::new(&p?).ok()?, r.with.clone())))
        .collect();
    // Patterns that compile one by one may still be too big together.
    let mut too_big = |key: &str, e: regex::Error| {
        cx.error_at(None, &format!("{key}:"), format!("the `{key}` patterns together are too big to compile ({e}); expected fewer or simpler patterns"));
    };
    let noise_lines = regex::RegexSet::new(noise_list).unwrap_or_else(|e| {
        too_big("noise_lines", e);
        regex::RegexSet::empty()
    });
    let watermarks = (!watermark_list.is_empty())
        .then(|| regex::Regex::new(&watermark_list.join("|")))
        .and_then(|r| r.map_err(|e| too_big("watermarks", e)).ok());

    Noise {
        lines: noise_lines,
        watermarks,
        replacements,
    }
}

/// Clean a normalised text in place.
pub fn clean(noise: &Noise, norm: &mut Normalised<'_>) {
    replace_damage(noise, norm);
    let text = &norm.text;
    let mut drop: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |p| start + p);
        let len = end - start;
        if len > 0 && len <= NOISE_LINE_MAX && noise.lines.is_match(&text[start..end]) {
            drop.push((start, end));
        }
        start = end + 1;
    }
    if let Some(w) = &noise.watermarks {
        drop.extend(w.find_iter(text).map(|m| (m.start(), m.end())));
    }
    drop.sort_unstable();
    norm.remove(&drop);
    norm.join_broken_lines();
}

/// Every match of every replacement pattern, the earliest (then longest)
/// winning where two overlap.
fn replace_damage(noise: &Noise, norm: &mut Normalised<'_>) {
    if noise.replacements.is_empty() {
        return;
    }
    let text = &norm.text;
    let mut edits: Vec<(usize, usize, &str)> = noise
        .replacements
        .iter()
        .flat_map(|(re, with)| {
            re.find_iter(text)
                .filter(|m| !m.is_empty())
                .map(move |m| (m.start(), m.end(), with.as_str()))
        })
        .collect();
    if edits.is_empty() {
        return;
    }
    edits.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut end = 0;
    edits.retain(|&(s, e, _)| {
        let keep = s >= end;
        if keep {
            end = e;
        }
        keep
    });
    norm.replace(&edits);
}
