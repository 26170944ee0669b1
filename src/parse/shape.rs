//! Shape strings: a text with every vocabulary word replaced by marks, the
//! input the grammar reads (see the head of grammar/report.pest).
//!
//! The rule pack owns every word; the grammar owns shapes. This module is
//! where the two meet: the pack's words, each with the grammatical classes
//! it has (a change verb, a unit …), are found leftmost-longest, and each
//! occurrence becomes `m_word` followed by one mark per class. Offsets map
//! back, so tokens point into the text as written.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// A grammatical class a vocabulary word can have. The order is the order
/// of the marks in grammar/report.pest (`m_verb` = U+E001 …): the classes
/// that can begin a token first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A change verb (增长, 达到).
    Verb,
    /// A qualifier before an amount (超过, 约).
    Before,
    Tier,
    /// Spreads figures over names (分别, 均).
    Spread,
    /// Opens a time phrase (截至, 到).
    TimePrep,
    RelYear,
    Period,
    /// A qualifier after an amount (以上, 左右).
    After,
    /// A qualifier between a number and its unit (7000余人).
    Within,
    Unit,
    /// A unit that begins with a magnitude (万亿元): "超万亿元" is one of it.
    BigUnit,
    /// A unit that, right after a verb, shows digits the source dropped.
    Damaged,
    /// Joins the two ends of a range (至).
    Range,
    /// After a year, opens a span rather than naming the year (以来).
    Since,
    /// After a plan period, names its last year (末).
    SpanEnd,
}

/// The mark that says "a vocabulary word begins here".
pub const WORD_MARK: char = '\u{E000}';

impl Class {
    pub const ALL: [Class; 15] = [
        Class::Verb,
        Class::Before,
        Class::Tier,
        Class::Spread,
        Class::TimePrep,
        Class::RelYear,
        Class::Period,
        Class::After,
        Class::Within,
        Class::Unit,
        Class::BigUnit,
        Class::Damaged,
        Class::Range,
        Class::Since,
        Class::SpanEnd,
    ];

    fn mark(self) -> char {
        char::from_u32(0xE001 + self as u32).expect("marks are in the private use area")
    }
}

/// A set of classes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes(u16);

impl Classes {
    pub fn with(self, c: Class) -> Classes {
        Classes(self.0 | 1 << c as u16)
    }
    pub fn has(self, c: Class) -> bool {
        self.0 & (1 << c as u16) != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Class> {
        Class::ALL.into_iter().filter(move |&c| self.has(c))
    }
}

/// The vocabulary words the grammar composes with, compiled once per pack.
/// A word with no class at all still counts: it stops the shorter words
/// inside it from being read (个季度 is no unit 个).
#[derive(Debug, Clone)]
pub struct Words {
    automaton: Option<AhoCorasick>,
    classes: Vec<Classes>,
}

impl Words {
    /// Words (normalised, non-empty) and their classes.
    pub fn new(words: Vec<(String, Classes)>) -> Words {
        let automaton = (!words.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(words.iter().map(|(w, _)| w))
                .expect("vocabulary words are plain strings")
        });
        Words {
            automaton,
            classes: words.into_iter().map(|(_, c)| c).collect(),
        }
    }

    /// The words of `text`, leftmost-longest: (start, end, classes).
    pub fn find<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, Classes)> + 't {
        self.automaton
            .iter()
            .flat_map(move |a| a.find_iter(text))
            .map(|m| (m.start(), m.end(), self.classes[m.pattern().as_usize()]))
    }

    /// The word that is exactly `text[at..end]`, if one is.
    fn exactly(&self, text: &str, at: usize, end: usize) -> Option<(usize, usize, Classes)> {
        self.find(&text[at..end])
            .next()
            .filter(|&(s, e, _)| s == 0 && e == end - at)
            .map(|(_, _, k)| (at, end, k))
    }

    /// The words of `text` as the grammar reads them: leftmost-longest,
    /// except that a Chinese numeral keeps the magnitudes that follow it
    /// (一千二百亿元 is 一千二百 亿元, not 一千二 百亿元).
    fn hits<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, Classes)> + 't {
        self.find(text).filter_map(move |(s, e, k)| {
            let first = text[s..].chars().next()?;
            let numeral_before = text[..s].chars().next_back().is_some_and(is_cn_numeral);
            if !(numeral_before && is_cn_magnitude(first)) {
                return Some((s, e, k));
            }
            // Give the numeral one magnitude at a time, while a word is left
            // (百亿元 → 亿元; 万人 → 人).
            let mut rest = s;
            for c in text[s..e].chars().take_while(|&c| is_cn_magnitude(c)) {
                rest += c.len_utf8();
                if let Some(hit) = self.exactly(text, rest, e) {
                    return Some(hit);
                }
            }
            None
        })
    }

    /// Whether `text` holds a word of class `c`.
    pub fn any(&self, text: &str, c: Class) -> bool {
        self.find(text).any(|(_, _, k)| k.has(c))
    }
}

/// A text as the grammar reads it, and the way back.
#[derive(Debug)]
pub struct Shape<'t> {
    pub text: Cow<'t, str>,
    /// Where each piece starts in the shape and in the text; a word piece
    /// also records where the word ends in the text. Empty: the shape is the
    /// text.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy)]
struct Piece {
    shape: usize,
    text: usize,
    /// For a word: its end in the text.
    word_end: Option<usize>,
}

impl<'t> Shape<'t> {
    pub fn new(text: &'t str, words: &Words) -> Shape<'t> {
        let mut hits = words.hits(text).peekable();
        if hits.peek().is_none() {
            return Shape {
                text: Cow::Borrowed(text),
                pieces: Vec::new(),
            };
        }
        let mut shape = String::with_capacity(text.len() + 16);
        let mut pieces = Vec::new();
        let mut at = 0;
        for (s, e, classes) in hits {
            if at < s {
                pieces.push(Piece {
                    shape: shape.len(),
                    text: at,
                    word_end: None,
                });
                shape.push_str(&text[at..s]);
            }
            pieces.push(Piece {
                shape: shape.len(),
                text: s,
                word_end: Some(e),
            });
            shape.push(WORD_MARK);
            for c in classes.iter() {
                shape.push(c.mark());
            }
            at = e;
        }
        if at < text.len() {
            pieces.push(Piece {
                shape: shape.len(),
                text: at,
                word_end: None,
            });
            shape.push_str(&text[at..]);
        }
        Shape {
            text: Cow::Owned(shape),
            pieces,
        }
    }

    /// The text range of a shape range (a token's span).
    pub fn to_text(&self, start: usize, end: usize) -> (usize, usize) {
        if self.pieces.is_empty() {
            return (start, end);
        }
        let piece_at = |pos: usize| {
            let i = self.pieces.partition_point(|p| p.shape <= pos);
            self.pieces[i.saturating_sub(1)]
        };
        let p = piece_at(start);
        let s = match p.word_end {
            Some(_) => p.text,
            None => p.text + (start - p.shape),
        };
        if end <= start {
            return (s, s);
        }
        let p = piece_at(end - 1);
        let e = match p.word_end {
            Some(word_end) => word_end,
            None => p.text + (end - p.shape),
        };
        (s, e)
    }
}

fn is_cn_magnitude(c: char) -> bool {
    matches!(c, '十' | '百' | '千' | '万' | '亿')
}

/// A character of a Chinese numeral (the grammar's `cn_digit`, `cn_magnitude`).
fn is_cn_numeral(c: char) -> bool {
    is_cn_magnitude(c) || "〇一二三四五六七八九零两".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        let c = |cs: &[Class]| cs.iter().fold(Classes::default(), |a, &c| a.with(c));
        Words::new(vec![
            ("增长".into(), c(&[Class::Verb])),
            ("%".into(), c(&[Class::Unit, Class::Damaged])),
            ("至".into(), c(&[Class::TimePrep, Class::Range])),
            ("以上".into(), c(&[Class::After])),
            ("个".into(), c(&[Class::Unit])),
            ("个季度".into(), Classes::default()),
        ])
    }

    #[test]
    fn words_become_marks_and_map_back() {
        let text = "增长5%以上,连续4个季度";
        let s = Shape::new(text, &words());
        assert_eq!(
            s.text,
            "\u{E000}\u{E001}5\u{E000}\u{E00A}\u{E00C}\u{E000}\u{E008},连续4\u{E000}"
        );
        // Two classes, marks in order.
        assert_eq!(Shape::new("至", &words()).text, "\u{E000}\u{E005}\u{E00D}");
        // The figure 增长5%以上 as the grammar sees it, mapped back.
        let (a, b) = s.to_text(0, s.text.find(',').unwrap());
        assert_eq!(&text[a..b], "增长5%以上");
        let five = s.text.find('5').unwrap();
        assert_eq!(s.to_text(five, five + 1), (6, 7));
        // 个季度 blocks 个: one word with no class.
        assert!(s.text.ends_with("4\u{E000}"));
    }

    #[test]
    fn text_without_words_is_its_own_shape() {
        let s = Shape::new("二〇二六年", &words());
        assert!(matches!(s.text, Cow::Borrowed(_)));
        assert_eq!(s.to_text(3, 6), (3, 6));
    }
}
