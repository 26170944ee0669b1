//! What every word of a layered pack is checked for, whichever stage reads
//! it: not longer than a report's words (an error: the automata grow with
//! them), not empty once normalised, not listed twice (warnings: the pack
//! still loads). Each stage checks the rest of its own section itself.

use std::collections::HashMap;

use super::schema::Vocabulary;
use super::source::{Collector, RuleError, RuleSource, locate, norm};

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
) -> Vec<RuleError> {
    let lists = v.word_lists();
    let words = lists.iter().flat_map(|(_, words)| words.iter().copied());
    aliases
        .chain(words)
        .filter(|w| w.chars().count() > MAX_WORD_CHARS)
        .map(|w| {
            let head: String = w.chars().take(20).collect();
            let (file, line, column) = locate(sources, &head);
            RuleError::Invalid {
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

/// Words of any list that would match nothing or match twice.
pub(super) fn repeated_or_empty(v: &Vocabulary, cx: &mut Collector<'_>) {
    for (key, words) in v.word_lists() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for w in words {
            let n = norm(w);
            if n.is_empty() {
                cx.warn(
                    w,
                    format!("{w:?} in `{key}` is empty once normalised: it matches nothing"),
                );
            } else if let Some(first) = seen.insert(n.clone(), w) {
                cx.warn(
                    w,
                    format!(
                        "`{w}` in `{key}` reads as `{n}`, like `{first}` before it: listed twice"
                    ),
                );
            }
        }
    }
}
