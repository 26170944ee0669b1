//! One sentence of a line, read once into the tables every decision asks
//! questions of: its tokens, names and vocabulary words, its clauses,
//! parenthesis depth, and the content characters nothing accounts for.
//!
//! Everything here is sized to the sentence and built in one pass, and
//! every question is answered by a binary search or a table look-up: a
//! line of any length costs time in proportion to it. The index is
//! read-only once built; the decisions (names, whose, time, kind, tier …)
//! are functions over it.

use crate::link::words::{AliasHit, CueHit, Role};
use crate::normalise::is_cjk;
use crate::parse::{Token, TokenKind};
use crate::rules::RulePack;

/// Positions are byte offsets in the line.
pub(super) type Range = (usize, usize);

/// A sentence's hits by their start (the order they come in).
pub(super) fn hits_in<T>(hits: &[T], start: impl Fn(&T) -> usize, from: usize, to: usize) -> &[T] {
    let a = hits.partition_point(|h| start(h) < from);
    let b = hits.partition_point(|h| start(h) < to);
    &hits[a..b.max(a)]
}

pub(super) struct Sentence<'a> {
    pub(super) line: &'a str,
    /// Where the line starts in the normalised text.
    pub(super) base: usize,
    pub(super) range: Range,
    pub(super) tokens: &'a [Token],
    pub(super) aliases: &'a [AliasHit],
    pub(super) cues: &'a [CueHit],
    /// Parenthesis depth at each byte.
    depth: Vec<u8>,
    /// Content characters before each byte that nothing accounts for
    /// (tokens, vocabulary, notes in parentheses): gaps in O(1).
    content: Vec<u32>,
    /// Where each clause starts (after a separator outside parentheses).
    pub(super) clauses: Vec<usize>,
    /// No token but its end: no figure and no time word, so none of the
    /// tables above (most sentences of a line that names an indicator).
    pub(super) plain: bool,
}

impl<'a> Sentence<'a> {
    pub(super) fn new(
        pack: &RulePack,
        line: &'a str,
        base: usize,
        range: Range,
        tokens: &'a [Token],
        aliases: &'a [AliasHit],
        cues: &'a [CueHit],
    ) -> Sentence<'a> {
        let (s0, len) = (range.0, range.1 - range.0);
        let mut s = Sentence {
            line,
            base,
            range,
            tokens,
            aliases,
            cues,
            depth: Vec::new(),
            content: Vec::new(),
            clauses: vec![s0],
            plain: tokens.iter().all(|t| t.kind == TokenKind::Terminator),
        };
        if s.plain {
            return s;
        }
        let mut covered = vec![false; len];
        let mut mark =
            |a: usize, b: usize| covered[a - s0..b - s0].iter_mut().for_each(|c| *c = true);
        for t in tokens {
            if !matches!(
                t.kind,
                TokenKind::Terminator | TokenKind::ClauseSep | TokenKind::Open | TokenKind::Close
            ) {
                mark(t.start, t.end);
            }
        }
        // Exclusion words name something (都市圈, 民营经济): they are content.
        for c in cues.iter().filter(|c| c.end <= range.1) {
            if pack
                .lexicon
                .roles(c)
                .iter()
                .any(|r| !matches!(r, Role::Frame | Role::Excludes { .. }))
            {
                mark(c.start, c.end);
            }
        }
        let mut depth = vec![0u8; len];
        let mut d = 0u8;
        let mut open_at: Option<usize> = None;
        let mut next = s0;
        let mut clauses = vec![s0];
        for t in tokens {
            depth[next - s0..t.start - s0]
                .iter_mut()
                .for_each(|b| *b = d);
            match t.kind {
                TokenKind::Open => {
                    d = d.saturating_add(1);
                    open_at.get_or_insert(t.start);
                }
                TokenKind::Close if d > 0 => {
                    d -= 1;
                    if let Some(s) = open_at.take_if(|_| d == 0) {
                        mark(s, t.end);
                    }
                }
                TokenKind::ClauseSep if d == 0 => clauses.push(t.end),
                _ => {}
            }
            depth[t.start - s0..t.end - s0]
                .iter_mut()
                .for_each(|b| *b = d);
            next = t.end;
        }
        depth[next - s0..].iter_mut().for_each(|b| *b = d);
        let mut content = vec![0u32; len + 1];
        let text = &line[range.0..range.1];
        let mut count = 0;
        let mut last = 0;
        for (i, c) in text.char_indices() {
            content[last..=i].iter_mut().for_each(|b| *b = count);
            if !covered[i]
                && (c.is_ascii_alphanumeric()
                    || is_cjk(c)
                    || (!c.is_ascii() && c.is_alphanumeric()))
            {
                count += 1;
            }
            last = i + 1;
        }
        content[last..].iter_mut().for_each(|b| *b = count);
        s.depth = depth;
        s.content = content;
        s.clauses = clauses;
        s
    }

    pub(super) fn tokens_in(&self, from: usize, to: usize) -> &'a [Token] {
        hits_in(self.tokens, |t| t.start, from, to)
    }

    pub(super) fn cues_in(&self, from: usize, to: usize) -> &'a [CueHit] {
        hits_in(self.cues, |c| c.start, from, to)
    }

    pub(super) fn depth_at(&self, pos: usize) -> u8 {
        self.depth.get(pos - self.range.0).copied().unwrap_or(0)
    }

    /// Index of the clause holding `pos`.
    pub(super) fn clause_index(&self, pos: usize) -> usize {
        self.clauses
            .partition_point(|&c| c <= pos)
            .saturating_sub(1)
    }

    pub(super) fn clause_start(&self, pos: usize) -> usize {
        self.clauses[self.clause_index(pos)]
    }

    /// Where clause `k` ends: where the next starts, or the sentence's end.
    pub(super) fn clause_end(&self, k: usize) -> usize {
        self.clauses.get(k + 1).copied().unwrap_or(self.range.1)
    }

    /// Content characters in `[a, b)` that nothing accounts for.
    pub(super) fn residual(&self, a: usize, b: usize) -> usize {
        if a >= b {
            return 0;
        }
        (self.content[b - self.range.0] - self.content[a - self.range.0]) as usize
    }

    /// 比2022年 / 较上年 / 与2019年: a year right after a comparison word is
    /// a base, not the figure's year.
    pub(super) fn after_comparison(&self, pack: &RulePack, clause: usize, pos: usize) -> bool {
        // An opening quote may stand between: 比“十一五”末.
        let at = self.line[..pos].trim_end_matches(['"', '“']).len();
        self.cues_in(clause, pos)
            .iter()
            .any(|c| c.end == at && pack.lexicon.roles(c).contains(&Role::Comparison))
            || pack.lexicon.is_base_before(&self.line[..pos])
    }

    /// Whether `t` lies inside an indicator name (增加 in 增加值).
    pub(super) fn inside_name(&self, t: &Token) -> bool {
        let i = self.aliases.partition_point(|a| a.start <= t.start);
        i > 0 && self.aliases[i - 1].end >= t.end
    }

    /// Whether some indicator name lies inside `[from, to)`.
    pub(super) fn names_between(&self, from: usize, to: usize) -> bool {
        hits_in(self.aliases, |a| a.start, from, to)
            .iter()
            .any(|a| a.end <= to)
    }
}

/// A sentence read as the walk reads it, for the decisions' unit tests:
/// normalised, tokenised by the grammar, scanned by the built-in pack.
#[cfg(test)]
pub(super) mod fixture {
    use std::sync::LazyLock;

    use super::Sentence;
    use crate::link::words::{AliasHit, CueHit};
    use crate::parse::{Figure, Token, TokenKind};
    use crate::rules::RulePack;

    pub(crate) static PACK: LazyLock<RulePack> =
        LazyLock::new(|| RulePack::builtin().expect("the built-in pack loads"));

    pub(crate) struct Read {
        pub(crate) line: String,
        pub(crate) tokens: Vec<Token>,
        pub(crate) aliases: Vec<AliasHit>,
        pub(crate) cues: Vec<CueHit>,
    }

    impl Read {
        pub(crate) fn new(text: &str) -> Read {
            let line = crate::normalise::Normalised::new(text).text;
            let tokens = crate::parse::tokens(&line, &PACK.grammar.words);
            let hits = PACK.lexicon.scan(&line);
            Read {
                line,
                tokens,
                aliases: hits.names,
                cues: hits.cues,
            }
        }

        pub(crate) fn sentence(&self) -> Sentence<'_> {
            Sentence::new(
                &PACK,
                &self.line,
                0,
                (0, self.line.len()),
                &self.tokens,
                &self.aliases,
                &self.cues,
            )
        }

        /// The figures of the sentence, with their tokens.
        pub(crate) fn figures(&self) -> Vec<(&Token, &Figure)> {
            self.tokens
                .iter()
                .filter_map(|t| match &t.kind {
                    TokenKind::Figure(f) => Some((t, f)),
                    _ => None,
                })
                .collect()
        }
    }
}
