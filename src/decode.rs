//! The decode stage: bytes as they come off the web to the text of a report.
//!
//! - UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they say;
//!   UTF-16 without one is told by its shape (NULs on one side, or text that
//!   reads cleanly as Chinese); anything else is guessed by chardetng from the
//!   first 64 KB and decoded by encoding_rs (its GBK decoder reads all of
//!   GB18030).
//! - A text that is mostly valid UTF-8 is UTF-8 with damage, wherever the
//!   damage stands: each invalid sequence becomes one U+FFFD, counted, with
//!   the lines of the first ones. A page saved half in UTF-8 and half in GBK
//!   is read line by line, each line in the encoding it is valid in, and
//!   said so.
//! - HTML (by file name or by sniffing) becomes its visible text in reading
//!   order: block elements as line breaks, scripts, styles and navigation
//!   dropped, entities decoded. Records then point into that text.

use std::cell::RefCell;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::model::Code;
use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Why a file's bytes are not a report.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary file ({0}), not text")]
    Binary(&'static str),
    /// NUL bytes that are not UTF-16 in either byte order.
    #[error(
        "binary file (NUL bytes), not text; if it is UTF-16 without a byte-order mark, name it: --encoding utf-16le (or utf-16be)"
    )]
    Nul,
    #[error("unknown encoding `{0}`")]
    UnknownEncoding(String),
    #[error("not text in any known encoding")]
    Undecodable,
}

impl DecodeError {
    /// The diagnostic code of the error.
    pub fn code(&self) -> Code {
        match self {
            DecodeError::Empty => Code::Empty,
            DecodeError::Binary(_) | DecodeError::Nul => Code::Binary,
            DecodeError::UnknownEncoding(_) => Code::UnknownEncoding,
            DecodeError::Undecodable => Code::Undecodable,
        }
    }
}

/// Decoded text and how it was read.
#[derive(Debug, Default)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub html: bool,
    /// Byte sequences that were not valid in the encoding and were replaced
    /// by U+FFFD.
    pub replaced: usize,
    /// The lines of `text` (1-based) holding the first few replacements
    /// (none for HTML, whose lines are the page's visible text).
    pub replaced_lines: Vec<usize>,
    /// A text in two encodings: the second one, and how many lines were
    /// read in it (the rest are UTF-8).
    pub mixed: Option<(&'static str, usize)>,
    /// UTF-16 told without a byte-order mark.
    pub guessed_utf16: bool,
}

/// How many replaced lines a warning names.
const SHOWN_LINES: usize = 5;

/// Whether `label` names an encoding this stage can read (for checking a
/// user's `--encoding` once, before any input).
pub fn check_encoding(label: &str) -> Result<(), DecodeError> {
    Encoding::for_label(label.trim().as_bytes())
        .map(|_| ())
        .ok_or_else(|| DecodeError::UnknownEncoding(label.to_string()))
}

/// How a document's bytes are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// All in one encoding, after a byte-order mark of this many bytes.
    One(&'static Encoding, usize),
    /// Lines of UTF-8 and lines of this legacy encoding.
    Mixed(&'static Encoding),
}

impl Reading {
    /// The encoding a stream of pieces is decoded in: a long text that
    /// mixes encodings is read as UTF-8, its other lines replaced and
    /// counted.
    pub fn streamed(self) -> (&'static Encoding, usize) {
        match self {
            Reading::One(enc, bom) => (enc, bom),
            Reading::Mixed(_) => (UTF_8, 0),
        }
    }
}

/// Decode `bytes`. `name` (a file name, may be empty) tells HTML by its
/// extension; `forced` names an encoding to use instead of detecting one.
pub fn decode(bytes: &[u8], name: &str, forced: Option<&str>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    let mut decoded = match reading_of(bytes, true, forced)? {
        Reading::One(enc, bom) => {
            let mut d = decode_with(enc, &bytes[bom..]);
            d.guessed_utf16 = bom == 0 && forced.is_none() && (enc == UTF_16LE || enc == UTF_16BE);
            d
        }
        Reading::Mixed(legacy) => decode_mixed(legacy, bytes),
    };
    // Cleanly decoded text needs no count (the common case, and a whole pass).
    if decoded.replaced > 0 && decoded.replaced * 4 > decoded.text.chars().count() {
        return Err(DecodeError::Undecodable);
    }
    decoded.html = is_html(name, &decoded.text);
    // Line ends stay as they are (CR included): records point into this
    // text, and it must be the file's text. Normalisation reads CR LF and
    // a lone CR as line breaks.
    if decoded.html {
        decoded.text = visible_text(&decoded.text);
        decoded.replaced_lines.clear();
    }
    Ok(decoded)
}

/// How a document is to be read, from its first bytes (a BOM, else a guess)
/// unless `forced`. Also what a long document is decoded piece by piece
/// with (`chunk`): `whole` says whether `head` is all of the document.
pub fn reading_of(head: &[u8], whole: bool, forced: Option<&str>) -> Result<Reading, DecodeError> {
    match forced {
        Some(label) => Encoding::for_label(label.trim().as_bytes())
            .map(|enc| Reading::One(enc, 0))
            .ok_or_else(|| DecodeError::UnknownEncoding(label.to_string())),
        None => match Encoding::for_bom(head) {
            Some((enc, bom)) => Ok(Reading::One(enc, bom)),
            None => sniff(head, whole),
        },
    }
}

/// Decode all of `bytes` in `enc`, counting what was replaced.
fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> Decoded {
    if enc == UTF_8 {
        return decode_utf8(bytes);
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    let replaced_lines = if had_errors {
        lines_of(&text, text.match_indices('\u{FFFD}').map(|(i, _)| i))
    } else {
        Vec::new()
    };
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        replaced,
        replaced_lines,
        ..Decoded::default()
    }
}

/// UTF-8, each invalid sequence one U+FFFD (as the WHATWG decoder does),
/// with where the first ones stand.
fn decode_utf8(bytes: &[u8]) -> Decoded {
    // encoding_rs's check, several times faster than std's on CJK text.
    if let (std::borrow::Cow::Borrowed(text), false) = UTF_8.decode_without_bom_handling(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            ..Decoded::default()
        };
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut at = Vec::new();
    let mut replaced = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            if at.len() < SHOWN_LINES {
                at.push(text.len());
            }
            text.push('\u{FFFD}');
            replaced += 1;
        }
    }
    let replaced_lines = lines_of(&text, at.into_iter());
    Decoded {
        text,
        encoding: UTF_8.name(),
        replaced,
        replaced_lines,
        ..Decoded::default()
    }
}

/// The distinct lines (1-based) of the first [`SHOWN_LINES`] offsets.
fn lines_of(text: &str, offsets: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut lines: Vec<usize> = Vec::new();
    let (mut line, mut from) = (1, 0);
    for at in offsets.take(SHOWN_LINES) {
        line += text[from..at].bytes().filter(|&b| b == b'\n').count();
        from = at;
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
    lines
}

/// A text whose lines are in UTF-8 or in `legacy`: each line in the one it
/// reads as (a line of UTF-8 with a stray byte stays UTF-8).
fn decode_mixed(legacy: &'static Encoding, bytes: &[u8]) -> Decoded {
    let mut out = Decoded {
        text: String::with_capacity(bytes.len() * 3 / 2),
        encoding: UTF_8.name(),
        ..Decoded::default()
    };
    let mut legacy_lines = 0;
    let mut at = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let part = if utf8_line(line) {
            decode_utf8(line)
        } else {
            legacy_lines += 1;
            decode_with(legacy, line)
        };
        if part.replaced > 0 && at.len() < SHOWN_LINES {
            at.push(out.text.len() + part.text.find('\u{FFFD}').unwrap_or(0));
        }
        out.replaced += part.replaced;
        out.text.push_str(&part.text);
    }
    out.replaced_lines = lines_of(&out.text, at.into_iter());
    out.mixed = Some((legacy.name(), legacy_lines));
    out
}

/// Invalid sequences, and characters of two or more bytes that are valid,
/// when `bytes` are read as UTF-8.
fn utf8_counts(bytes: &[u8]) -> (usize, usize) {
    let (mut errors, mut wide) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        wide += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        errors += usize::from(!chunk.invalid().is_empty());
    }
    (errors, wide)
}

/// Whether a line is UTF-8, perhaps with a stray byte or two: its valid
/// characters of several bytes outnumber its invalid sequences well (text
/// in GBK read as UTF-8 has about one invalid sequence per character, and a
/// valid one by chance rarely).
fn utf8_line(line: &[u8]) -> bool {
    if line.is_ascii() {
        return true;
    }
    let (errors, wide) = utf8_counts(line);
    wide >= 2 * errors.max(1)
}

/// Guess the encoding of BOM-less bytes (`whole`: all of the document).
fn sniff(bytes: &[u8], whole: bool) -> Result<Reading, DecodeError> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(kind) = binary_kind(head) {
        return Err(DecodeError::Binary(kind));
    }
    // UTF-16 has an even number of bytes (a piece of a long file may cut
    // anywhere).
    let even = !whole || bytes.len().is_multiple_of(2);
    if memchr::memchr(0, head).is_some() {
        return even
            .then(|| utf16_without_bom(head))
            .flatten()
            .map(|enc| Reading::One(enc, 0))
            .ok_or(DecodeError::Nul);
    }
    // (encoding_rs's check: several times faster than std's on CJK text.)
    if Encoding::utf8_valid_up_to(bytes) == bytes.len() {
        return Ok(Reading::One(UTF_8, 0));
    }
    // Mostly valid UTF-8 is UTF-8 with damage, wherever the damage stands:
    // a stray byte must not turn the whole text into a legacy guess.
    let (errors, _) = utf8_counts(bytes);
    if errors <= (bytes.len() / 100).max(1) {
        return Ok(Reading::One(UTF_8, 0));
    }
    if let Some(enc) = even.then(|| utf16_without_bom(head)).flatten() {
        return Ok(Reading::One(enc, 0));
    }
    let legacy = match meta_charset(head) {
        Some(enc) => enc,
        None => {
            // Guessed from the lines that are not UTF-8: in a mixed text
            // those are the legacy ones.
            let others: Vec<u8> = bytes
                .split_inclusive(|&b| b == b'\n')
                .filter(|l| !utf8_line(l))
                .flat_map(|l| l.iter().copied())
                .take(64 * 1024)
                .collect();
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(&others, whole && others.len() < 64 * 1024);
            detector.guess(None, chardetng::Utf8Detection::Deny)
        }
    };
    // Lines of UTF-8 beside lines of another encoding: a page put together
    // from two sources. Three lines each with four or more characters of
    // UTF-8 and no error are no accident (GBK read as UTF-8 makes a valid
    // character of several bytes now and then, never four in a line).
    let utf8_lines = bytes
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| !l.is_ascii() && utf8_counts(l).0 == 0 && utf8_counts(l).1 >= 4)
        .take(3)
        .count();
    if utf8_lines >= 3 && legacy != UTF_8 {
        return Ok(Reading::Mixed(legacy));
    }
    Ok(Reading::One(legacy, 0))
}

/// UTF-16 without a byte-order mark: the byte order in which `head` reads
/// as clean text (no control characters but blanks, no broken surrogates),
/// mostly Chinese or ASCII (nine characters in ten); read in the wrong
/// order, Chinese text falls all over the code space.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let even = head.len() & !1;
    if even < 16 {
        return None;
    }
    let head = &head[..even];
    [UTF_16LE, UTF_16BE].into_iter().find(|enc| {
        let (text, errors) = enc.decode_without_bom_handling(head);
        // The head may cut a surrogate pair: its last unit is not judged.
        let text = text.strip_suffix('\u{FFFD}').unwrap_or(&text);
        let clean = !errors || !text.contains('\u{FFFD}');
        let total = text.chars().count().max(1);
        let readable = text
            .chars()
            .filter(|&c| {
                matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
                    || c.is_ascii_graphic()
                    || c.is_ascii_whitespace()
            })
            .count();
        clean
            && !text.chars().any(|c| c.is_control() && !c.is_ascii_whitespace())
            && readable * 10 >= total * 9
    })
}

/// `<meta charset="gbk">` or `content="text/html; charset=gb2312"` near the top.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = &head[..head.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let label: Vec<u8> = lower[at..]
        .iter()
        .copied()
        .skip_while(|&b| b == b'"' || b == b'\'')
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .collect();
    Encoding::for_label(&label)
}

/// Known binary formats by their magic.
fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "zip archive"),
        (b"\x1F\x8B", "gzip data"),
        (b"\xD0\xCF\x11\xE0", "Office document"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| head.starts_with(m))
        .map(|(_, k)| *k)
}

/// Whether decoded text is an HTML page (by the name's extension, or how
/// the text begins).
pub fn is_html(name: &str, text: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return true;
    }
    let start: String = text
        .trim_start()
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || (start.starts_with("<?xml")
            && text[..text.floor_char_boundary(1024)]
                .to_ascii_lowercase()
                .contains("<html"))
}

/// Elements whose text is not part of the page's content.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "head", "iframe", "svg", "button", "select",
    "form", "title",
];

/// Elements that start and end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
    "center",
    "body",
];

/// Table cells: a row of cells is one line, its cells split by tabs.
const CELLS: &[&str] = &["td", "th"];

/// Elements whose content the tokenizer must read as raw text (a `<` in a
/// script is not a tag).
fn raw_kind(name: &str) -> Option<RawKind> {
    match name {
        "script" => Some(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => Some(RawKind::Rawtext),
        "title" | "textarea" => Some(RawKind::Rcdata),
        _ => None,
    }
}

/// What may stand in `<head>` before the page's content begins; any other
/// start tag (or text) means the head was left open and the body began.
const HEAD_CONTENT: &[&str] = &[
    "meta", "link", "title", "style", "script", "base", "noscript", "template",
];

/// The visible text of an HTML page, in reading order: block elements as
/// line breaks, a table row as a line of tab-separated cells, hidden
/// elements dropped, character references decoded.
///
/// Read off html5ever's tokenizer, not a tree: a tree builder walks its
/// stack of open elements at every tag (quadratic on deep nesting) and a
/// tree is walked by recursion (a stack overflow on deep nesting). Text
/// needs neither: a count of the hidden element we are inside is enough.
/// Time is linear in the page and memory in the text kept.
pub fn visible_text(html: &str) -> String {
    let sink = TextSink {
        state: RefCell::new(TextState::default()),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    state.flush();
    // Block boundaries write at most one line break each.
    state.out.trim_start_matches('\n').to_string()
}

struct TextSink {
    state: RefCell<TextState>,
}

#[derive(Default)]
struct TextState {
    out: String,
    /// Text since the last tag: whether it is layout whitespace is known
    /// only once the run is complete.
    pending: String,
    /// Inside a hidden element: its name and how deep in nested elements
    /// of the same name.
    hidden: Option<(LocalName, usize)>,
    /// In `<head>`, before the body began.
    in_head: bool,
    /// In a table cell, whose text stays on its row's line.
    in_cell: bool,
}

impl TextState {
    fn flush(&mut self) {
        // Whitespace with a line break between tags is the page source's
        // layout, not text.
        if self.in_cell {
            let text = self.pending.replace(['\n', '\r'], " ");
            self.out.push_str(text.trim());
        } else if !(self.pending.trim().is_empty() && self.pending.contains('\n')) {
            self.out.push_str(&self.pending);
        }
        self.pending.clear();
    }

    fn line_break(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn tag(&mut self, tag: &Tag) -> Option<RawKind> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if let Some((hidden, depth)) = &mut self.hidden {
            if *hidden == tag.name && !tag.self_closing {
                if start {
                    *depth += 1;
                } else {
                    *depth -= 1;
                    if *depth == 0 {
                        self.hidden = None;
                    }
                }
            }
            // Raw text stays raw inside hidden parts too (a script in a form).
            return start.then(|| raw_kind(name)).flatten();
        }
        if self.in_head
            && (name == "head" || name == "body" || (start && !HEAD_CONTENT.contains(&name)))
        {
            self.in_head = false;
            if name == "head" {
                return None;
            }
        }
        self.flush();
        if CELLS.contains(&name) {
            self.in_cell = start;
            if start && !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\t');
            }
            return None;
        }
        if !start {
            if BLOCKS.contains(&name) {
                self.line_break();
            }
            return None;
        }
        if name == "head" && !tag.self_closing {
            self.in_head = true;
            return None;
        }
        let hidden_attr = tag.attrs.iter().any(|a| &*a.name.local == "hidden");
        if (HIDDEN.contains(&name) || hidden_attr) && !tag.self_closing && !is_void(name) {
            self.hidden = Some((tag.name.clone(), 1));
            return raw_kind(name);
        }
        // A <br> is a line break of its own, even on an empty line.
        if name == "br" {
            self.out.push('\n');
        } else if BLOCKS.contains(&name) {
            self.line_break();
        }
        raw_kind(name)
    }
}

/// Elements that have no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                if let Some(kind) = s.tag(&tag) {
                    return TokenSinkResult::RawData(kind);
                }
            }
            Token::CharacterTokens(t) if s.hidden.is_none() => {
                if s.in_head && !t.trim().is_empty() {
                    s.in_head = false;
                }
                if !s.in_head {
                    s.pending.push_str(&t);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gbk_and_bom() {
        assert_eq!(
            decode("增长5%".as_bytes(), "", None).unwrap().text,
            "增长5%"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("地区生产总值增长5%，规模以上工业增加值增长6%。");
        let d = decode(&gbk, "", None).unwrap();
        assert_eq!(d.text, "地区生产总值增长5%，规模以上工业增加值增长6%。");
        assert_eq!(d.encoding, "GBK");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("一、".as_bytes());
        assert_eq!(decode(&bom, "", None).unwrap().text, "一、");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("一、总体要求".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&utf16, "", None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("一、总体要求", "UTF-16LE"));
    }

    #[test]
    fn truncated_utf8_stays_utf8() {
        let mut bytes = "地区生产总值增长5%。".repeat(20).into_bytes();
        bytes.extend_from_slice(&"增".as_bytes()[..2]);
        let d = decode(&bytes, "", None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.replaced, 1);
        assert!(d.text.starts_with("地区生产总值增长5%。"));
    }

    #[test]
    fn one_stray_byte_anywhere_is_damage_not_another_encoding() {
        let text = "一、总体要求\n地区生产总值增长5.2%，规模以上工业增加值增长6%。\n".repeat(40);
        for at in [0, 7, text.len() / 3, text.len() / 2, text.len() - 2] {
            let at = text.floor_char_boundary(at);
            let mut bytes = text.clone().into_bytes();
            bytes.insert(at, 0xFF);
            let d = decode(&bytes, "", None).unwrap();
            assert_eq!((d.encoding, d.replaced), ("UTF-8", 1), "stray byte at {at}");
            assert_eq!(d.text.replace('\u{FFFD}', ""), text, "stray byte at {at}");
            let line = text[..at].matches('\n').count() + 1;
            assert_eq!(d.replaced_lines, vec![line]);
        }
    }

    #[test]
    fn lines_in_two_encodings_are_read_each_in_its_own() {
        let utf8 = "一、总体要求\n全年地区生产总值增长5.2%。\n城镇新增就业12万人。\n";
        let gbk = "二、主要目标\n地区生产总值增长6%左右。\n";
        let mut bytes = utf8.as_bytes().to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode(gbk).0);
        bytes.extend_from_slice(utf8.as_bytes());
        let d = decode(&bytes, "", None).unwrap();
        assert_eq!(d.text, format!("{utf8}{gbk}{utf8}"));
        assert_eq!(d.mixed, Some(("GBK", 2)));
        assert_eq!(d.replaced, 0);
    }

    #[test]
    fn utf16_without_a_byte_order_mark() {
        let text = "一、总体要求\n地区生产总值增长5.2%。\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, enc) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(&bytes, "", None).unwrap();
            assert_eq!(
                (d.text.as_str(), d.encoding, d.guessed_utf16),
                (text, enc, true)
            );
        }
        // No ASCII, so no NULs: told by reading as Chinese.
        let han = "地区生产总值增长百分之五点二规模以上工业增加值增长百分之六";
        let le: Vec<u8> = han.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le, "", None).unwrap().text, han);
        // GBK is not mistaken for it.
        let gbk = encoding_rs::GBK.encode(han).0;
        assert_eq!(decode(&gbk, "", None).unwrap().encoding, "GBK");
    }

    #[test]
    fn line_ends_are_kept() {
        assert_eq!(
            decode(b"a\r\nb\rc\n", "", None).unwrap().text,
            "a\r\nb\rc\n"
        );
    }

    #[test]
    fn deep_nesting_is_neither_recursive_nor_quadratic() {
        let page = format!(
            "<html><body>{}增长5%{}</body></html>",
            "<b>".repeat(100_000),
            "</b>".repeat(100_000)
        );
        assert_eq!(visible_text(&page), "增长5%\n");
        let page = format!(
            "<html><body>{}地区生产总值</body></html>",
            "<ul>".repeat(40_000)
        );
        let start = std::time::Instant::now();
        assert_eq!(visible_text(&page).trim(), "地区生产总值");
        // Linear: a tree builder takes seconds here.
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn xml_prolog_before_a_multibyte_character() {
        let text = format!("<?xml{}增长", " ".repeat(1017));
        assert!(decode(text.as_bytes(), "", None).is_ok());
    }

    #[test]
    fn hidden_parts_and_an_unclosed_head() {
        let page = "<html><head><title>标题</title><script>if (a<b) {}</script><p>正文一</p><div hidden>藏<div>也藏</div></div><p>正文二</p>";
        assert_eq!(visible_text(page), "正文一\n正文二\n");
    }

    #[test]
    fn refusals() {
        assert_eq!(decode(b"", "", None).unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n ", "", None).unwrap_err(), DecodeError::Empty);
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0", "", None).unwrap_err(),
            DecodeError::Binary("PNG image")
        );
        assert_eq!(decode(b"abc\0def", "", None).unwrap_err(), DecodeError::Nul);
        assert!(matches!(
            decode(b"abc", "", Some("klingon")),
            Err(DecodeError::UnknownEncoding(_))
        ));
    }

    #[test]
    fn html_visible_text() {
        let page = "<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body>\n<nav>首页 &gt; 新闻</nav>\n<script>var a='增长9%';</script>\n<p>一、总体要求</p>\n<p>地区生产总值增长5%&nbsp;左右。<br>二、<b>主要任务</b></p>\n</body></html>";
        let d = decode(page.as_bytes(), "x.txt", None).unwrap();
        assert!(d.html);
        assert_eq!(
            d.text,
            "一、总体要求\n地区生产总值增长5%\u{a0}左右。\n二、主要任务\n"
        );
    }

    #[test]
    fn html_table_rows_are_lines_of_cells() {
        let page = "<html><body><p>表1</p><table>\n<tr><th>指标</th><th>绝对数</th></tr>\n<tr><td>\n  地区生产总值\n</td><td>2345.6</td></tr></table><p>完</p></body></html>";
        let d = decode(page.as_bytes(), "x.txt", None).unwrap();
        assert_eq!(d.text, "表1\n指标\t绝对数\n地区生产总值\t2345.6\n完\n");
    }

    #[test]
    fn html_meta_charset() {
        let page = "<html><head><meta charset=\"gb2312\"></head><body><p>规模以上工业增加值增长6%</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let d = decode(&bytes, "a.htm", None).unwrap();
        assert_eq!(d.text, "规模以上工业增加值增长6%\n");
    }
}
