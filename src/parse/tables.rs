//! What the grammar says before it is run: which class each character is
//! on its own (`classes`), and by which two characters its tokens may begin
//! (`prefix`). Both are worked out from grammar/report.pest when the crate
//! is built (build.rs includes those modules and this one) and embedded,
//! so that a start-up reads tables instead of running the grammar 130,000
//! times and pest_meta once.
//!
//! The prefixes travel as text, a prefix a line (`write` / `read`), the
//! classes as a byte a character of the Basic Multilingual Plane.

use std::collections::HashMap;

/// What the grammar says a character is on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    Other,
    /// A token may begin here (`lead`).
    Lead,
    /// A `structural` token of its own.
    Structural(Structural),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structural {
    Terminator,
    ClauseSep,
    ListSep,
    Open,
    Close,
}

impl CharClass {
    /// The class a byte of the embedded table stands for (`classes`).
    pub fn from_code(code: u8) -> CharClass {
        match code {
            1 => CharClass::Lead,
            2 => CharClass::Structural(Structural::Terminator),
            3 => CharClass::Structural(Structural::ClauseSep),
            4 => CharClass::Structural(Structural::ListSep),
            5 => CharClass::Structural(Structural::Open),
            6 => CharClass::Structural(Structural::Close),
            _ => CharClass::Other,
        }
    }
}

/// What one character of a prefix can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sym {
    Char(char),
    Range(char, char),
    Any,
}

impl Sym {
    fn matches(self, c: char) -> bool {
        match self {
            Sym::Char(x) => x == c,
            Sym::Range(lo, hi) => (lo..=hi).contains(&c),
            Sym::Any => true,
        }
    }
}

/// Where a token of some rules may begin.
#[derive(Debug)]
pub struct Starts {
    /// A bit for each character of the Basic Multilingual Plane that may
    /// begin something: most characters are answered here.
    firsts: Vec<u64>,
    /// By first character: what the second must be (`None`: the one
    /// character is a whole token, so anything may follow).
    by_first: HashMap<char, Vec<Option<Sym>>>,
    /// Prefixes whose first character is a class (digits …).
    classes: Vec<Vec<Sym>>,
    /// A rule may match the empty string, or was not understood.
    always: bool,
}

impl Starts {
    /// The starts of rules whose strings begin with `prefixes` (their
    /// first two characters, or the whole string when shorter).
    pub fn from_prefixes(prefixes: impl IntoIterator<Item = Vec<Sym>>) -> Starts {
        let mut starts = Starts {
            firsts: vec![0; 0x10000 / 64],
            by_first: HashMap::new(),
            classes: Vec::new(),
            always: false,
        };
        for p in prefixes {
            match p[..] {
                [] => starts.always = true,
                [Sym::Char(c)] => starts.by_first.entry(c).or_default().push(None),
                [Sym::Char(c), next] => starts.by_first.entry(c).or_default().push(Some(next)),
                _ => starts.classes.push(p),
            }
        }
        let mut mark = |lo: char, hi: char| {
            for cp in (lo as usize)..=(hi as usize).min(0xFFFF) {
                starts.firsts[cp / 64] |= 1 << (cp % 64);
            }
        };
        for &c in starts.by_first.keys() {
            mark(c, c);
        }
        for p in &starts.classes {
            match p[0] {
                Sym::Char(c) => mark(c, c),
                Sym::Range(lo, hi) => mark(lo, hi),
                Sym::Any => mark('\0', '\u{FFFF}'),
            }
        }
        starts
    }

    /// Whether a token may begin anywhere in `text`: when not, the grammar
    /// cannot find one there, and need not be asked.
    pub fn anywhere(&self, text: &str) -> bool {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if self.may_begin(c, chars.peek().copied()) {
                return true;
            }
        }
        false
    }

    /// Whether a token may begin with `c` followed by `next` (`None`: the
    /// end of the text).
    pub fn may_begin(&self, c: char, next: Option<char>) -> bool {
        let cp = c as usize;
        if cp < 0x10000 && self.firsts[cp / 64] & (1 << (cp % 64)) == 0 {
            return self.always;
        }
        let second = |s: Option<Sym>| s.is_none_or(|s| next.is_some_and(|d| s.matches(d)));
        self.always
            || self
                .by_first
                .get(&c)
                .is_some_and(|seconds| seconds.iter().any(|&s| second(s)))
            || self
                .classes
                .iter()
                .any(|p| p[0].matches(c) && second(p.get(1).copied()))
    }
}

/// The prefixes `write` wrote.
pub fn read(text: &str) -> Vec<Vec<Sym>> {
    let char_of = |n: &str| n.parse().ok().and_then(char::from_u32);
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .map(|sym| match sym.split_at(1) {
                    ("c", n) => Sym::Char(char_of(n).expect("a code point")),
                    ("r", r) => {
                        let (lo, hi) = r.split_once('-').expect("a range");
                        Sym::Range(
                            char_of(lo).expect("a code point"),
                            char_of(hi).expect("a code point"),
                        )
                    }
                    _ => Sym::Any,
                })
                .collect()
        })
        .collect()
}
