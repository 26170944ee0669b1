//! Normalisation for matching.
//!
//! Reports arrive in traditional or simplified characters, with full-width
//! digits, with pinyin glued after characters (`報(bào)告`) and with U+FFFD
//! where a converter gave up. Matching runs on a normalised copy; every byte
//! of that copy remembers the original bytes it came from, so records can
//! quote and point into the text exactly as it was written.

use zhconv::{Variant, zhconv};

/// A normalised copy of a text plus the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalised {
    pub text: String,
    /// For each byte of `text`: the original `[start, end)` of the character
    /// it was produced from.
    origin: Vec<(u32, u32)>,
    original_len: usize,
}

impl Normalised {
    /// Normalise `original` for matching.
    pub fn new(original: &str) -> Normalised {
        let mut stage = Builder::with_capacity(original.len());
        // Pass 1: character-level clean-up, line by line is not needed here.
        let chars: Vec<(usize, char)> = original.char_indices().collect();
        let mut i = 0;
        // Glosses follow the character they gloss: the last one kept.
        let mut prev: Option<char> = None;
        while i < chars.len() {
            let (at, c) = chars[i];
            let end = chars.get(i + 1).map_or(original.len(), |&(b, _)| b);
            if let Some(skip) = prev
                .filter(|&p| is_cjk(p))
                .and_then(|_| pinyin_gloss(&chars, i))
            {
                i += skip;
                continue;
            }
            match fold(c) {
                Fold::Drop => {}
                Fold::Keep => stage.push(c, at, end),
                Fold::To(d) => stage.push(d, at, end),
            }
            prev = Some(c);
            i += 1;
        }
        let folded = stage.finish(original.len());
        to_simplified(folded)
    }

    /// Map a `[start, end)` byte range of the normalised text back to the
    /// original text.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() || start >= end {
            let at = self
                .origin
                .get(start)
                .map_or(self.original_len, |o| o.0 as usize);
            return (at, at);
        }
        let s = self.origin[start.min(self.origin.len() - 1)].0 as usize;
        let e = self.origin[(end - 1).min(self.origin.len() - 1)].1 as usize;
        (s, e.max(s))
    }

    /// Original byte offset of a normalised byte offset (for line numbers).
    pub fn original_offset(&self, at: usize) -> usize {
        self.origin
            .get(at)
            .map_or(self.original_len, |o| o.0 as usize)
    }
}

struct Builder {
    text: String,
    origin: Vec<(u32, u32)>,
}

impl Builder {
    fn with_capacity(n: usize) -> Builder {
        Builder {
            text: String::with_capacity(n),
            origin: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.origin.push((start as u32, end as u32));
        }
    }

    fn finish(self, original_len: usize) -> Normalised {
        Normalised {
            text: self.text,
            origin: self.origin,
            original_len,
        }
    }
}

enum Fold {
    Keep,
    Drop,
    To(char),
}

/// Full-width ASCII to ASCII, a few dashes to `-`, replacement characters
/// and zero-width characters dropped.
fn fold(c: char) -> Fold {
    match c {
        '\u{FFFD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\r' => Fold::Drop,
        '\u{3000}' | '\u{00A0}' => Fold::To(' '),
        // Full-width forms: ！ … ～ map onto ASCII ! … ~
        '\u{FF01}'..='\u{FF5E}' => Fold::To(char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c)),
        '\u{2212}' | '\u{2010}' | '\u{2011}' => Fold::To('-'),
        _ => Fold::Keep,
    }
}

/// Length in chars of a pinyin gloss starting at `i` — `(bào)`, `(qū)`, or
/// the broken `?yún)^` that some converters leave — or `None`.
fn pinyin_gloss(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let (_, c) = chars[i];
    let opener = matches!(c, '(' | '（');
    let broken = c == '?';
    if !(opener || broken) {
        return None;
    }
    let mut j = i + 1;
    let mut toned = false;
    while j < chars.len() && j - i <= 8 {
        let d = chars[j].1;
        if is_tone_vowel(d) {
            toned = true;
        } else if !d.is_ascii_lowercase() {
            break;
        }
        j += 1;
    }
    let letters = j - i - 1;
    if !toned || letters == 0 || j >= chars.len() || !matches!(chars[j].1, ')' | '）') {
        return None;
    }
    j += 1;
    if broken && j < chars.len() && chars[j].1 == '^' {
        j += 1;
    }
    Some(j - i)
}

fn is_tone_vowel(c: char) -> bool {
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c)
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// Traditional → simplified, keeping the way back. zhconv converts phrases,
/// so the output of a line usually has as many characters as its input and
/// aligns one to one; a line where it does not is converted character by
/// character instead (rare, and still correct for our purpose).
fn to_simplified(n: Normalised) -> Normalised {
    let mut out = Builder::with_capacity(n.text.len());
    let mut line_start = 0;
    let bytes = n.text.as_bytes();
    while line_start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |p| line_start + p + 1);
        let line = &n.text[line_start..line_end];
        let converted = if line.is_ascii() {
            line.to_string()
        } else {
            zhconv(line, Variant::ZhHans)
        };
        let origin_of = |offset_in_line: usize| n.origin[line_start + offset_in_line];
        if converted.chars().count() == line.chars().count() {
            for ((off, _), d) in line.char_indices().zip(converted.chars()) {
                let (s, e) = origin_of(off);
                out.push(d, s as usize, e as usize);
            }
        } else {
            let mut buf = [0u8; 4];
            for (off, c) in line.char_indices() {
                let (s, e) = origin_of(off);
                let single = zhconv(c.encode_utf8(&mut buf), Variant::ZhHans);
                for d in single.chars() {
                    out.push(d, s as usize, e as usize);
                }
            }
        }
        line_start = line_end;
    }
    out.finish(n.original_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_pinyin_and_converts_to_simplified() {
        let src = "區(qū)域內(nèi)生產(chǎn)總值增長５％";
        let n = Normalised::new(src);
        assert_eq!(n.text, "区域内生产总值增长5%");
        // The figure maps back onto the full-width original.
        let at = n.text.find('5').unwrap();
        let (s, e) = n.original_span(at, n.text.len());
        assert_eq!(&src[s..e], "５％");
    }

    #[test]
    fn keeps_real_parentheses() {
        let n = Normalised::new("增長(同比,下同)6.7%");
        assert_eq!(n.text, "增长(同比,下同)6.7%");
    }

    #[test]
    fn drops_broken_gloss_and_replacement_chars() {
        let n = Normalised::new("麒麟?yún)^(qū)政府\u{FFFD}工作");
        assert_eq!(n.text, "麒麟政府工作");
    }

    #[test]
    fn empty_and_ascii_inputs() {
        assert_eq!(Normalised::new("").text, "");
        let n = Normalised::new("GDP 5%\n");
        assert_eq!(n.text, "GDP 5%\n");
        assert_eq!(n.original_span(4, 6), (4, 6));
    }
}
