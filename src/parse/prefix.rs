//! Which two characters a token can begin with, worked out from the grammar
//! itself: pest_meta reads grammar/report.pest, the file pest_derive
//! compiles, and this module follows its rules to their first two
//! characters.
//!
//! It runs when the crate is built (build.rs; the tables it gives are
//! embedded, see `starts`) and in tests. The scanner asks them before it runs pest at a lead character: most lead
//! characters begin a token only before a few others (全年, 力争, 一季度),
//! and a pest call that finds nothing is the dearest kind (it tries every
//! alternative of every token rule).
//!
//! The analysis over-approximates, so that it can only spare pest a call
//! that would have found nothing: a choice is the union of its branches,
//! lookaheads are ignored, and what it does not model (PEEK, `^"…"`, Unicode
//! classes …) may begin with any two characters.

use std::collections::{BTreeSet, HashMap};

use pest_meta::optimizer::{OptimizedExpr as Expr, OptimizedRule};

#[cfg(test)]
use super::tables::Starts;
use super::tables::Sym;

/// The first two characters of each string an expression can match, or the
/// whole string when it is shorter (then it is complete).
/// The tables of where tokens begin, each by the grammar rules it covers:
/// (file name in OUT_DIR, rules).
pub const STARTS: [(&str, &[&str]); 5] = [
    // Any token of a line.
    ("starts_token.txt", &["lead_token"]),
    // A section marker: most sentences begin with none.
    ("starts_heading.txt", &["heading"]),
    // A word of time.
    (
        "starts_time.txt",
        &[
            "date",
            "year",
            "year_range",
            "year_count",
            "rel_year",
            "plan_span",
            "period",
        ],
    ),
    // What `time_token_here` reads: words of time and bare numbers.
    (
        "starts_time_token.txt",
        &[
            "time_prep",
            "rel_year",
            "plan_span",
            "date",
            "year_range",
            "year",
            "year_count",
            "period",
            "bare_number",
        ],
    ),
    // What `date_here` reads: dates and bare numbers.
    ("starts_date.txt", &["date", "bare_number"]),
];

pub type Prefixes = BTreeSet<Vec<Sym>>;

fn anything() -> Prefixes {
    [vec![], vec![Sym::Any], vec![Sym::Any, Sym::Any]].into()
}

fn empty() -> Prefixes {
    [vec![]].into()
}

/// A grammar, read once for the starts of its rules.
pub struct Grammar {
    /// `None`: the grammar does not parse, or skips implicit whitespace
    /// (which this analysis does not follow): every position may begin.
    rules: Option<Vec<OptimizedRule>>,
}

impl Grammar {
    pub fn new(grammar: &str) -> Grammar {
        let rules = pest_meta::parse_and_optimize(grammar)
            .ok()
            .map(|(_, rules)| rules)
            .filter(|rules| {
                !rules
                    .iter()
                    .any(|r| r.name == "WHITESPACE" || r.name == "COMMENT")
            });
        Grammar { rules }
    }

    /// The first two characters a token of any of `rules` may begin with.
    pub fn prefixes(&self, rules: &[&str]) -> Prefixes {
        match &self.rules {
            Some(all) => {
                let mut analysis = Analysis {
                    rules: all.iter().map(|r| (r.name.as_str(), &r.expr)).collect(),
                    done: HashMap::new(),
                    busy: Vec::new(),
                };
                rules.iter().flat_map(|r| analysis.rule(r)).collect()
            }
            None => anything(),
        }
    }

    /// Where a token of any of `rules` may begin.
    #[cfg(test)]
    pub fn starts(&self, rules: &[&str]) -> Starts {
        Starts::from_prefixes(self.prefixes(rules))
    }
}

struct Analysis<'g> {
    rules: HashMap<&'g str, &'g Expr>,
    done: HashMap<String, Prefixes>,
    /// Rules being worked out (a recursive rule gives up: `anything`).
    busy: Vec<String>,
}

impl Analysis<'_> {
    fn rule(&mut self, name: &str) -> Prefixes {
        if let Some(p) = self.done.get(name) {
            return p.clone();
        }
        let Some(&expr) = self.rules.get(name) else {
            return builtin(name);
        };
        if self.busy.iter().any(|b| b == name) {
            return anything();
        }
        self.busy.push(name.to_string());
        let p = self.expr(expr);
        self.busy.pop();
        self.done.insert(name.to_string(), p.clone());
        p
    }

    fn expr(&mut self, e: &Expr) -> Prefixes {
        match e {
            Expr::Str(s) => [s.chars().take(2).map(Sym::Char).collect()].into(),
            Expr::Range(lo, hi) => match (single(lo), single(hi)) {
                (Some(lo), Some(hi)) => [vec![Sym::Range(lo, hi)]].into(),
                _ => anything(),
            },
            Expr::Ident(name) => self.rule(name),
            Expr::PosPred(_) | Expr::NegPred(_) => empty(),
            Expr::Seq(a, b) => {
                let a = self.expr(a);
                seq(&a, &self.expr(b))
            }
            Expr::Choice(a, b) => {
                let mut a = self.expr(a);
                a.extend(self.expr(b));
                a
            }
            Expr::Opt(a) => {
                let mut a = self.expr(a);
                a.insert(vec![]);
                a
            }
            Expr::Rep(a) => {
                let a = self.expr(a);
                let mut reps = empty();
                loop {
                    let more: Prefixes = reps.union(&seq(&a, &reps)).cloned().collect();
                    if more == reps {
                        break reps;
                    }
                    reps = more;
                }
            }
            Expr::RestoreOnErr(a) => self.expr(a),
            _ => anything(),
        }
    }
}

/// `a ~ b`: a complete prefix of `a` continues with those of `b`.
fn seq(a: &Prefixes, b: &Prefixes) -> Prefixes {
    let mut out = Prefixes::new();
    for x in a {
        if x.len() >= 2 {
            out.insert(x.clone());
            continue;
        }
        for y in b {
            out.insert(x.iter().chain(y).take(2).copied().collect());
        }
    }
    out
}

/// pest's built-in rules the grammar uses; others may be anything.
fn builtin(name: &str) -> Prefixes {
    match name {
        "ANY" => [vec![Sym::Any]].into(),
        "ASCII_DIGIT" => [vec![Sym::Range('0', '9')]].into(),
        "SOI" | "EOI" => empty(),
        _ => anything(),
    }
}

/// `prefixes` as text: a prefix a line, its symbols separated by blanks
/// (`c` and a code point, `r` and two, `a` for any character).
pub fn write(prefixes: impl IntoIterator<Item = Vec<Sym>>) -> String {
    let mut out = String::new();
    for p in prefixes {
        let syms: Vec<String> = p
            .iter()
            .map(|s| match *s {
                Sym::Char(c) => format!("c{}", c as u32),
                Sym::Range(lo, hi) => format!("r{}-{}", lo as u32, hi as u32),
                Sym::Any => "a".to_string(),
            })
            .collect();
        out.push_str(&syms.join(" "));
        out.push('\n');
    }
    out
}

/// The character of a range bound (pest_meta gives it unquoted, unescaped).
fn single(bound: &str) -> Option<char> {
    let mut chars = bound.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar/report.pest");

    #[test]
    fn lead_tokens_of_the_report_grammar() {
        let s = Grammar::new(GRAMMAR).starts(&["lead_token"]);
        // Words are marks: a word mark then a class mark begins a token.
        assert!(s.may_begin('\u{E000}', Some('\u{E001}')));
        assert!(!s.may_begin('\u{E000}', Some('5')));
        assert!(!s.may_begin('全', Some('年')));
        // Chinese numerals begin amounts, years and plans, before what
        // completes one.
        assert!(s.may_begin('一', Some('千')));
        assert!(s.may_begin('十', Some('四')));
        assert!(s.may_begin('二', Some('〇')));
        assert!(!s.may_begin('一', Some('个')));
        // Digits begin numbers.
        assert!(s.may_begin('7', Some('月')));
        // Not a lead at all.
        assert!(!s.may_begin('的', Some('年')));
    }

    #[test]
    fn repetition_options_and_classes() {
        let g = r#"
            a = { "x"? ~ ("ab" | 'c'..'d')* ~ "z" }
            b = { &"q" ~ ANY ~ "r" }
        "#;
        let g = Grammar::new(g);
        let a = g.starts(&["a"]);
        assert!(a.may_begin('x', Some('a')));
        assert!(a.may_begin('x', Some('z')));
        assert!(!a.may_begin('x', Some('b')));
        assert!(a.may_begin('c', Some('d')));
        assert!(a.may_begin('z', None));
        assert!(!a.may_begin('b', Some('a')));
        let b = g.starts(&["b"]);
        assert!(b.anywhere("xxqr"));
        assert!(!b.anywhere("xxqs"));
        let ab = g.starts(&["a", "b"]);
        assert!(ab.may_begin('x', Some('a')) && ab.may_begin('w', Some('r')));
        assert!(b.may_begin('w', Some('r')));
        assert!(!b.may_begin('w', Some('s')));
    }

    #[test]
    fn what_it_cannot_follow_lets_everything_through() {
        let g = r#"
            WHITESPACE = _{ " " }
            a = { "ab" }
        "#;
        assert!(Grammar::new(g).starts(&["a"]).may_begin('q', Some('q')));
        assert!(
            Grammar::new("not a grammar")
                .starts(&["a"])
                .may_begin('q', None)
        );
        let g = r#"r = { "a" ~ r? ~ "b" }"#;
        assert!(Grammar::new(g).starts(&["r"]).may_begin('a', Some('a')));
    }
}
