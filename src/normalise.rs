//! Normalisation for matching.
//!
//! Reports arrive in traditional or simplified characters, with full-width
//! digits, with pinyin glued after characters (`報(bào)告`) and with U+FFFD
//! where a converter gave up. Matching runs on a normalised copy; every byte
//! of that copy remembers the original bytes it came from, so records can
//! quote and point into the text exactly as it was written.

use std::sync::LazyLock;

use zhconv::{Variant, zhconv};

/// A normalised copy of a text plus the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalised<'a> {
    pub text: String,
    original: &'a str,
    /// `(normalised offset, original offset)` wherever the distance between
    /// the two changes; between anchors, characters map one to one. Sparse,
    /// so a 50 MB report costs kilobytes here, not 8 bytes a byte.
    anchors: Vec<(u32, u32)>,
}

/// Long lines are converted in pieces of this size, so that the working
/// buffers stay small whatever the input.
const PIECE: usize = 64 * 1024;

impl<'a> Normalised<'a> {
    /// Normalise `original` for matching.
    pub fn new(original: &'a str) -> Normalised<'a> {
        let mut n = Normalised {
            text: String::with_capacity(original.len()),
            original,
            anchors: Vec::new(),
        };
        let mut piece = Piece::default();
        let mut start = 0;
        while start < original.len() {
            let end = piece_end(original, start);
            n.push_piece(&mut piece, start, end);
            start = end;
        }
        n
    }

    /// Normalise `original[start..end]` onto the end of the text. Most
    /// lines of a simplified report need no conversion, only punctuation
    /// folded: they are copied run by run in one pass, which stops at the
    /// first character to convert.
    fn push_piece(&mut self, piece: &mut Piece, start: usize, end: usize) {
        let src = &self.original[start..end];
        let (text_len, anchors_len) = (self.text.len(), self.anchors.len());
        let folded = fold_runs(src, start, true, |run, origin| {
            self.anchor(self.text.len(), origin);
            self.text.push_str(run);
        });
        if !folded {
            // A character to convert: undo, and take the converter's path.
            self.text.truncate(text_len);
            self.anchors.truncate(anchors_len);
            piece.fill(self.original, start, end);
            self.push_simplified(piece);
        }
    }

    /// Original offset of the character that starts at normalised `at`.
    fn map(&self, at: usize) -> usize {
        map_with(&self.anchors, at, self.original.len())
    }

    /// Map a `[start, end)` byte range of the normalised text back to the
    /// original text: from the first character's origin to the end of the
    /// last one's.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map(start);
        if end <= start {
            return (s, s);
        }
        let mut last = end.min(self.text.len()) - 1;
        while last > start && !self.text.is_char_boundary(last) {
            last -= 1;
        }
        let o = self.map(last);
        let len = self.original[o..].chars().next().map_or(0, char::len_utf8);
        (s, (o + len).max(s))
    }

    /// The text as written, that offsets map back into.
    pub fn original_text(&self) -> &'a str {
        self.original
    }

    /// Original byte offset of a normalised byte offset (for line numbers).
    pub fn original_offset(&self, at: usize) -> usize {
        self.map(at)
    }

    /// Remove byte ranges of the normalised text (sorted, disjoint, on char
    /// boundaries): watermarks, line breaks inside a phrase. What remains
    /// still maps back to the original.
    pub fn remove(&mut self, ranges: &[(usize, usize)]) {
        let edits: Vec<(usize, usize, &str)> = ranges.iter().map(|&(s, e)| (s, e, "")).collect();
        self.replace(&edits);
    }

    /// Replace byte ranges of the normalised text (sorted, disjoint, on char
    /// boundaries) by other text: damage a site did (`_M_M_` for `%`, the
    /// text `\r\n` for a line break). A replacement maps back onto the
    /// range it replaced: its last character onto the range's last, the
    /// others onto its first, so that a span ending in it ends where the
    /// range did.
    pub fn replace(&mut self, edits: &[(usize, usize, &str)]) {
        if edits.is_empty() {
            return;
        }
        // Sized up front: grown piece by piece, a large text is copied many times.
        let (len, n) = (self.text.len(), self.anchors.len());
        let old = std::mem::replace(&mut self.text, String::with_capacity(len));
        let anchors = std::mem::replace(&mut self.anchors, Vec::with_capacity(n));
        let map = |at: usize| map_with(&anchors, at, self.original.len());
        let mut from = 0;
        let keep = |this: &mut Self, a: usize, b: usize| {
            if a >= b {
                return;
            }
            let q = this.text.len();
            this.anchor(q, map(a));
            // The anchors inside (a, b), found by binary search: a report
            // may have thousands of anchors and hundreds of kept pieces.
            let inside = anchors.partition_point(|&(n, _)| n as usize <= a)
                ..anchors.partition_point(|&(n, _)| (n as usize) < b);
            for &(n, o) in &anchors[inside] {
                this.anchor(q + (n as usize - a), o as usize);
            }
            this.text.push_str(&old[a..b]);
        };
        for &(s, e, with) in edits {
            if s < from {
                continue;
            }
            keep(self, from, s);
            if !with.is_empty() {
                let last_char = old[s..e]
                    .char_indices()
                    .next_back()
                    .map_or(s, |(i, _)| s + i);
                let n = with.chars().count();
                for (k, c) in with.chars().enumerate() {
                    let at = if k + 1 == n { last_char } else { s };
                    self.push(c, map(at));
                }
            }
            from = e;
        }
        keep(self, from, old.len());
    }

    fn anchor(&mut self, at: usize, origin: usize) {
        let continues = self
            .anchors
            .last()
            .is_some_and(|&(n, o)| o as usize + (at - n as usize) == origin);
        if !continues {
            self.anchors.push((at as u32, origin as u32));
        }
    }

    /// Join lines that a line break split inside a phrase: a line ending in
    /// an opening parenthesis ("（\n三）"), a line that is only a section
    /// marker ("三、\n加快…"), letters broken from their digits ("PM\n2.5").
    pub fn join_broken_lines(&mut self) {
        let text = &self.text;
        let mut joins = Vec::new();
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
            let line = text[start..nl].trim_end();
            let next = &text[nl + 1..];
            let next_trimmed = next.trim_start_matches([' ', '\t']);
            let broken = !next_trimmed.is_empty()
                && !next_trimmed.starts_with('\n')
                && (line.ends_with('(')
                    || crate::parse::lone_marker(line)
                    || (line.ends_with(|c: char| c.is_ascii_alphabetic())
                        && next_trimmed.starts_with(|c: char| c.is_ascii_digit())));
            if broken {
                joins.push((
                    line.len() + start,
                    nl + 1 + (next.len() - next_trimmed.len()),
                ));
            }
            start = nl + 1;
        }
        self.remove(&joins);
    }

    fn push(&mut self, c: char, origin: usize) {
        self.anchor(self.text.len(), origin);
        self.text.push(c);
    }

    /// Traditional → simplified, keeping the way back. zhconv converts
    /// phrases, so a piece's output usually has as many characters as its
    /// input and aligns one to one; a piece where it does not is converted
    /// character by character instead (rare, and still right for matching).
    fn push_simplified(&mut self, piece: &Piece) {
        let converted = zhconv(&piece.text, Variant::ZhHans);
        if converted != piece.text {
            self.push_converted(piece, &converted);
            return;
        }
        if piece.verbatim {
            // The common case: nothing folded, nothing converted. The piece
            // maps one to one: one anchor, one copy.
            self.anchor(self.text.len(), piece.start);
            self.text.push_str(&piece.text);
        } else {
            for (c, o) in piece.text.chars().zip(piece.origins()) {
                self.push(c, o);
            }
        }
    }

    fn push_converted(&mut self, piece: &Piece, converted: &str) {
        if converted.chars().count() == piece.text.chars().count() {
            for (c, o) in converted.chars().zip(piece.origins()) {
                self.push(c, o);
            }
        } else {
            let mut buf = [0u8; 4];
            for (c, o) in piece.text.chars().zip(piece.origins()) {
                for d in zhconv(c.encode_utf8(&mut buf), Variant::ZhHans).chars() {
                    self.push(d, o);
                }
            }
        }
    }
}

fn map_with(anchors: &[(u32, u32)], at: usize, limit: usize) -> usize {
    let i = anchors.partition_point(|&(n, _)| n as usize <= at);
    match i.checked_sub(1).map(|i| anchors[i]) {
        Some((n, o)) => (o as usize + (at - n as usize)).min(limit),
        None => at.min(limit),
    }
}

/// End of the piece starting at `start`: the next line end, or `PIECE` bytes
/// on at a character boundary.
fn piece_end(text: &str, start: usize) -> usize {
    let limit = (start + PIECE).min(text.len());
    match memchr::memchr(b'\n', &text.as_bytes()[start..limit]) {
        Some(p) => start + p + 1,
        None => {
            let mut end = text.floor_char_boundary(limit);
            if end == start {
                end = limit;
            }
            // Never between the CR and the LF of one line break.
            if text[..end].ends_with('\r') && text[end..].starts_with('\n') {
                end += 1;
            }
            end
        }
    }
}

/// One piece after character-level clean-up, before t→s conversion.
#[derive(Default)]
struct Piece {
    text: String,
    /// Where the piece starts in the original.
    start: usize,
    /// Original offset of each character of `text`, unless `verbatim`.
    origin: Vec<u32>,
    /// `text` is the original slice unchanged (nothing folded or dropped).
    verbatim: bool,
}

impl Piece {
    fn fill(&mut self, original: &str, start: usize, end: usize) {
        let src = &original[start..end];
        self.text.clear();
        self.origin.clear();
        self.start = start;
        self.verbatim = !src.chars().any(needs_care);
        if self.verbatim {
            self.text.push_str(src);
            return;
        }
        fold_runs(src, start, false, |run, origin| {
            for (k, c) in run.char_indices() {
                self.text.push(c);
                self.origin.push((origin + k) as u32);
            }
        });
    }

    /// Original offset of each character of `text`.
    fn origins(&self) -> impl Iterator<Item = usize> + '_ {
        let verbatim = self
            .verbatim
            .then(|| self.text.char_indices().map(|(i, _)| self.start + i));
        let mapped = (!self.verbatim).then(|| self.origin.iter().map(|&o| o as usize));
        verbatim
            .into_iter()
            .flatten()
            .chain(mapped.into_iter().flatten())
    }
}

/// `src` (which starts at `origin` in the original) with glosses removed and
/// characters folded, as runs of text that map one to one onto the original
/// from the given offset: unchanged stretches whole, folded characters one
/// by one. With `stop_to_convert`, stops (and says `false`) at the first
/// character that traditional → simplified conversion changes.
fn fold_runs(
    src: &str,
    origin: usize,
    stop_to_convert: bool,
    mut emit: impl FnMut(&str, usize),
) -> bool {
    // This loop sees every character of every report: a table lookup
    // each, and work only at the characters it must change.
    let table = &*FLAGS;
    let mut run = 0;
    // Glosses follow the character they gloss: the last one not skipped.
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (i, c) in src.char_indices() {
        if i < skip_to {
            continue;
        }
        // Outside the table (rare planes): let the converter decide.
        let f = table.get(c as usize).copied().unwrap_or(CONVERT);
        if stop_to_convert && f & CONVERT != 0 {
            return false;
        }
        if f & CARE == 0 {
            prev = Some(c);
            continue;
        }
        if run < i {
            emit(&src[run..i], origin + run);
        }
        let gloss = prev
            .filter(|&p| is_cjk(p))
            .and_then(|_| pinyin_gloss(&src[i..]));
        if let Some(skip) = gloss {
            skip_to = i + skip;
            run = skip_to;
            continue;
        }
        let mut buf = [0u8; 4];
        let len = c.len_utf8();
        // CR LF is one line break (the CR goes); a lone CR is one too.
        let fold = match c {
            '\r' if !src[i + 1..].starts_with('\n') => Fold::To('\n'),
            _ => fold(c),
        };
        match fold {
            Fold::Drop => {}
            Fold::Keep => emit(&src[i..i + len], origin + i),
            Fold::To(d) => emit(d.encode_utf8(&mut buf), origin + i),
        }
        prev = Some(c);
        run = i + len;
    }
    if run < src.len() {
        emit(&src[run..], origin + run);
    }
    true
}

/// `flags` bits: the character needs folding or may open a gloss …
const CARE: u8 = 1;
/// … or traditional → simplified conversion changes it.
const CONVERT: u8 = 2;

/// The `flags` of every character of the Basic Multilingual Plane, the
/// conversion asked of zhconv once per process (a few milliseconds): a piece
/// with no convertible character skips the converter, the costliest step.
static FLAGS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut buf = [0u8; 4];
    (0..=0xFFFF_u32)
        .map(|cp| {
            char::from_u32(cp).map_or(0, |c| {
                let s = &*c.encode_utf8(&mut buf);
                let convert = !c.is_ascii() && zhconv(s, Variant::ZhHans) != s;
                u8::from(needs_care(c)) * CARE + u8::from(convert) * CONVERT
            })
        })
        .collect()
});

/// A text as the rules read it: normalised (simplified characters,
/// full-width forms folded, pinyin glosses and invisible characters
/// dropped). What a rule word is compared as.
pub fn simplified(text: &str) -> String {
    Normalised::new(text).text
}

/// Build this module's table now (see [`crate::prepare`]).
pub fn prepare() {
    LazyLock::force(&FLAGS);
}

/// Characters that `fold` changes or that may open a pinyin gloss: a piece
/// without any is copied as it is.
fn needs_care(c: char) -> bool {
    matches!(c, '(' | '（' | '?' | '\r' | '\u{3000}' | '\u{A0}' | '\u{2010}' | '\u{2011}' | '\u{2212}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{FFFD}' | '\u{FF01}'..='\u{FF5E}')
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

/// Byte length of a pinyin gloss at the start of `s` — `(bào)`, `(qū)`, or
/// the broken `?yún)^` that some converters leave — or `None`.
fn pinyin_gloss(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    let (_, open) = chars.next()?;
    let broken = open == '?';
    if !(matches!(open, '(' | '（') || broken) {
        return None;
    }
    let mut toned = false;
    let mut letters = 0;
    for (i, d) in chars {
        if is_tone_vowel(d) {
            toned = true;
        } else if d.is_ascii_lowercase() {
        } else if matches!(d, ')' | '）') && toned && letters > 0 {
            let mut end = i + d.len_utf8();
            if broken && s[end..].starts_with('^') {
                end += 1;
            }
            return Some(end);
        } else {
            return None;
        }
        letters += 1;
        if letters > 7 {
            return None;
        }
    }
    None
}

fn is_tone_vowel(c: char) -> bool {
    matches!(
        c,
        'ā' | 'á'
            | 'ǎ'
            | 'à'
            | 'ē'
            | 'é'
            | 'ě'
            | 'è'
            | 'ī'
            | 'í'
            | 'ǐ'
            | 'ì'
            | 'ō'
            | 'ó'
            | 'ǒ'
            | 'ò'
            | 'ū'
            | 'ú'
            | 'ǔ'
            | 'ù'
            | 'ǖ'
            | 'ǘ'
            | 'ǚ'
            | 'ǜ'
            | 'ü'
    )
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
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
    fn long_lines_are_converted_in_pieces() {
        let src = "區".repeat(PIECE);
        let n = Normalised::new(&src);
        assert_eq!(n.text, "区".repeat(PIECE));
        let at = n.text.len() - 3;
        assert_eq!(n.original_span(at, at + 3), (src.len() - 3, src.len()));
    }

    #[test]
    fn removed_ranges_keep_the_way_back() {
        let src = "增长公号“老秘”整理编辑5%";
        let mut n = Normalised::new(src);
        let s = n.text.find("公号").unwrap();
        let e = n.text.find('5').unwrap();
        n.remove(&[(s, e)]);
        assert_eq!(n.text, "增长5%");
        let (os, oe) = n.original_span(6, 8);
        assert_eq!(&src[os..oe], "5%");
    }

    #[test]
    fn replaced_ranges_map_onto_what_they_replaced() {
        let src = "增长13.3_M_M_\\r\\n二、";
        let mut n = Normalised::new(src);
        let pct = n.text.find('_').unwrap();
        let nl = n.text.find('\\').unwrap();
        n.replace(&[(pct, pct + 5, "%"), (nl, nl + 4, "\n")]);
        assert_eq!(n.text, "增长13.3%\n二、");
        let (s, e) = n.original_span(n.text.find('1').unwrap(), n.text.find('\n').unwrap());
        assert_eq!(&src[s..e], "13.3_M_M_");
        let two = n.text.find('二').unwrap();
        assert_eq!(&src[n.original_offset(two)..], "二、");
    }

    #[test]
    fn broken_lines_are_joined() {
        let mut n =
            Normalised::new("（\n三）加快发展\n一、\n总体要求\nPM\n2.5浓度\n末行。\n下一行");
        n.join_broken_lines();
        assert_eq!(
            n.text,
            "(三)加快发展\n一、总体要求\nPM2.5浓度\n末行。\n下一行"
        );
    }

    #[test]
    fn every_folded_character_needs_care() {
        for c in (0..=0xFFFF_u32).filter_map(char::from_u32) {
            if !matches!(fold(c), Fold::Keep) {
                assert!(
                    needs_care(c),
                    "{c:?} is folded but a piece holding it would be copied as is"
                );
            }
        }
    }

    #[test]
    fn line_ends_of_every_kind() {
        let src = "一\r\n二\r三\n四";
        let n = Normalised::new(src);
        assert_eq!(n.text, "一\n二\n三\n四");
        let at = n.text.find('四').unwrap();
        assert_eq!(&src[n.original_offset(at)..], "四");
    }

    #[test]
    fn empty_and_ascii_inputs() {
        assert_eq!(Normalised::new("").text, "");
        let n = Normalised::new("GDP 5%\n");
        assert_eq!(n.text, "GDP 5%\n");
        assert_eq!(n.original_span(4, 6), (4, 6));
    }
}
