//! The decode stage: bytes as they come off the web to the text of a report.
//!
//! - UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they say;
//!   anything else is guessed by chardetng from the first 64 KB and decoded
//!   by encoding_rs (its GBK decoder reads all of GB18030).
//! - UTF-8 with a few broken sequences (a truncated download) stays UTF-8,
//!   with a warning, rather than being guessed as something else.
//! - HTML (by file name or by sniffing) becomes its visible text in reading
//!   order: block elements as line breaks, scripts, styles and navigation
//!   dropped, entities decoded. Records then point into that text.

use std::cell::RefCell;

use encoding_rs::{Encoding, UTF_8};
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
    #[error("unknown encoding `{0}`")]
    UnknownEncoding(String),
    #[error("not text in any known encoding")]
    Undecodable,
}

impl DecodeError {
    /// The diagnostic code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Empty => "empty",
            DecodeError::Binary(_) => "binary",
            DecodeError::UnknownEncoding(_) => "unknown_encoding",
            DecodeError::Undecodable => "undecodable",
        }
    }
}

/// Decoded text and how it was read.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub html: bool,
    /// Bytes that were not valid in the encoding and were replaced.
    pub replaced: usize,
}

/// Whether `label` names an encoding this stage can read (for checking a
/// user's `--encoding` once, before any input).
pub fn check_encoding(label: &str) -> Result<(), DecodeError> {
    Encoding::for_label(label.trim().as_bytes())
        .map(|_| ())
        .ok_or_else(|| DecodeError::UnknownEncoding(label.to_string()))
}

/// Decode `bytes`. `name` (a file name, may be empty) tells HTML by its
/// extension; `forced` names an encoding to use instead of detecting one.
pub fn decode(bytes: &[u8], name: &str, forced: Option<&str>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    let (enc, bom) = encoding_of(bytes, true, forced)?;
    let (text, replaced) = decode_with(enc, &bytes[bom..]);
    // Cleanly decoded text needs no count (the common case, and a whole pass).
    if replaced > 0 && replaced * 4 > text.chars().count() {
        return Err(DecodeError::Undecodable);
    }
    let html = is_html(name, &text);
    // Line ends stay as they are (CR included): records point into this
    // text, and it must be the file's text. Normalisation reads CR LF and
    // a lone CR as line breaks.
    let text = if html { visible_text(&text) } else { text };
    Ok(Decoded {
        text,
        encoding: enc.name(),
        html,
        replaced,
    })
}

/// The encoding of a document, from its first bytes (a BOM, else a guess)
/// unless `forced`, and how many bytes of BOM to pass over. Also what a
/// long document is decoded piece by piece with (`chunk`): `whole` says
/// whether `head` is all of the document.
pub fn encoding_of(
    head: &[u8],
    whole: bool,
    forced: Option<&str>,
) -> Result<(&'static Encoding, usize), DecodeError> {
    match forced {
        Some(label) => Encoding::for_label(label.trim().as_bytes())
            .map(|enc| (enc, 0))
            .ok_or_else(|| DecodeError::UnknownEncoding(label.to_string())),
        None => match Encoding::for_bom(head) {
            Some(found) => Ok(found),
            None => Ok((sniff(head, whole)?, 0)),
        },
    }
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    (text.into_owned(), replaced)
}

/// Guess the encoding of BOM-less bytes (`whole`: all of the document).
fn sniff(bytes: &[u8], whole: bool) -> Result<&'static Encoding, DecodeError> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(kind) = binary_kind(head) {
        return Err(DecodeError::Binary(kind));
    }
    // Mostly valid UTF-8 is UTF-8: a truncated download must not turn into
    // a GBK guess that garbles the whole text.
    // (encoding_rs's check: several times faster than std's on CJK text.)
    let valid_up_to = Encoding::utf8_valid_up_to(bytes);
    if valid_up_to == bytes.len()
        // At most one broken sequence per 100 bytes, most of the file valid.
        || (valid_up_to * 10 >= bytes.len() * 9
            && utf8_errors(bytes) <= (bytes.len() / 100).max(1))
    {
        return Ok(UTF_8);
    }
    if let Some(enc) = meta_charset(head) {
        return Ok(enc);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, whole && head.len() == bytes.len());
    Ok(detector.guess(None, chardetng::Utf8Detection::Allow))
}

fn utf8_errors(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count()
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

/// Known binary formats by their magic, or NUL bytes.
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
        .or_else(|| memchr::memchr(0, head).map(|_| "NUL bytes"))
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
        assert_eq!(
            decode(b"abc\0def", "", None).unwrap_err(),
            DecodeError::Binary("NUL bytes")
        );
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
