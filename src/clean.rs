//! The clean stage: what a site did to a report, undone before the rules
//! read it, with every byte still mapping back to the text as written.
//!
//! In order: damage replaced (a `%` written `_M_M_`, line breaks written
//! out as the text `\r\n`, so that headings after them start lines again),
//! lines of page furniture blanked, watermarks taken out of sentences, and
//! lines broken inside a phrase joined. What counts as each is rule-pack
//! data (`replacements`, `noise_lines`, `watermarks` in rules/*.yaml).

use crate::normalise::Normalised;
use crate::rules::{NOISE_LINE_MAX, Noise};

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
