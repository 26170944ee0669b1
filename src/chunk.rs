//! Long documents in pieces.
//!
//! A document longer than a piece (4 MiB by default) is decoded and
//! extracted a piece at a time, so memory depends on the piece, not on the
//! file (a 1 GB file costs what a 4 MB one does), and its records go out
//! as each piece is done. A piece ends after a line break (failing one,
//! after a 。; failing that, where the piece is full).
//!
//! What a piece needs of the text before it is carried over: the document
//! (its year and type, read off the first piece as from any head), the
//! headings still open at its start (their lines are put before the piece
//! and read again, so section paths go on; nothing they hold is recorded
//! twice), and where it starts (offsets and line numbers are the whole
//! text's). What does not carry: a time phrase or plan frame of the
//! paragraph before — a piece starts a paragraph. An HTML page is read
//! whole (its markup spans the file), within `--max-file-size`.

use std::io::{self, Read};

use crate::decode::{self, Decoded};
use crate::document::{Document, Given};
use crate::link::Resume;
use crate::model::Code;
use crate::model::Severity;
use crate::pipeline::{self, Extraction, Extractor};
use crate::record::Diagnostic;

/// The default piece: large enough that a report is one piece, small
/// enough that a worker's memory stays in the tens of megabytes.
pub const PIECE: usize = 4 << 20;

/// One piece's outcome, as [`process_long`] hands it on.
pub struct Piece {
    pub result: Result<Extraction, Diagnostic>,
    /// Input bytes this piece accounts for.
    pub bytes: u64,
    /// No piece follows.
    pub last: bool,
}

/// Decode and extract `input` (the document `name`) a piece of `piece`
/// bytes at a time, handing each piece's records to `each` in order; `each`
/// returns false to stop. A document no longer than one piece is one piece.
pub fn process_long(
    engine: &Extractor,
    name: &str,
    mut input: impl Read,
    given: &Given,
    piece: usize,
    mut each: impl FnMut(Piece) -> bool,
) {
    let piece = piece.max(4096);
    let failed = |why: String| Diagnostic {
        doc: name.to_string(),
        severity: Severity::Error,
        code: Code::Unreadable,
        line: None,
        message: why,
    };
    // A read that fails ends the document with an error.
    let cut_short = |e: io::Error| Piece {
        result: Err(failed(e.to_string())),
        bytes: 0,
        last: true,
    };
    let mut raw = Vec::new();
    if let Err(e) = fill(&mut input, &mut raw, piece) {
        each(cut_short(e));
        return;
    }
    let whole =
        |mut raw: Vec<u8>, mut input: Box<dyn Read + '_>, each: &mut dyn FnMut(Piece) -> bool| {
            let result = match input.read_to_end(&mut raw) {
                Ok(_) => engine.process_with(name, &raw, given),
                Err(e) => Err(failed(e.to_string())),
            };
            each(Piece {
                result,
                bytes: raw.len() as u64,
                last: true,
            });
        };
    if raw.len() < piece {
        return whole(raw, Box::new(io::empty()), &mut each);
    }
    let (enc, bom) = match decode::reading_of(&raw, false, engine.encoding()) {
        Ok(found) => found.streamed(),
        Err(e) => {
            each(Piece {
                result: Err(pipeline::unreadable(name, &e)),
                bytes: raw.len() as u64,
                last: true,
            });
            return;
        }
    };
    let head = enc
        .decode_without_bom_handling(&raw[bom..raw.len().min(bom + 4096)])
        .0;
    if decode::is_html(name, &head) {
        return whole(raw, Box::new(input), &mut each);
    }
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut at = Carried {
        given: *given,
        ..Carried::default()
    };
    let mut carry = String::new();
    let mut start = bom;
    loop {
        let last = raw.len() < piece;
        let mut text = std::mem::take(&mut carry);
        let from = text.len();
        text.reserve(
            decoder
                .max_utf8_buffer_length(raw.len() - start)
                .unwrap_or(raw.len()),
        );
        let (_, _, had_errors) = decoder.decode_to_string(&raw[start..], &mut text, last);
        let replaced = if had_errors {
            text[from..].chars().filter(|&c| c == '\u{FFFD}').count()
        } else {
            0
        };
        if !last {
            carry = text.split_off(cut(&text));
        }
        let decoded = Decoded {
            text,
            encoding: enc.name(),
            replaced,
            ..Decoded::default()
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            at.extract(engine, name, &decoded)
        }))
        .map_err(|_| failed("internal error (a bug: please report it)".into()));
        let stop = result.is_err();
        let go_on = each(Piece {
            result,
            bytes: raw.len() as u64,
            last: last || stop,
        });
        if last || stop || !go_on {
            return;
        }
        raw.clear();
        start = 0;
        if let Err(e) = fill(&mut input, &mut raw, piece) {
            each(cut_short(e));
            return;
        }
    }
}

/// What a piece takes over from the pieces before it.
#[derive(Default)]
struct Carried {
    /// What the caller said of the document.
    given: Given,
    /// The first piece's document, given to each piece after it.
    document: Option<Document>,
    /// Headings open at the end of the text so far, outermost first: each
    /// level, and its line from the marker on.
    open: Vec<(u8, String)>,
    /// Where the walk through the piece before ended.
    resume: Resume,
    /// Bytes and line breaks of the decoded text before this piece.
    offset: usize,
    lines: usize,
}

impl Carried {
    fn extract(&mut self, engine: &Extractor, name: &str, decoded: &Decoded) -> Extraction {
        let prefix: String = self.open.iter().map(|(_, line)| line.as_str()).collect();
        let (skip, skip_lines) = (prefix.len(), self.open.len());
        let text = prefix + &decoded.text;
        let mut x = match &self.document {
            None => engine.extract_with(name, &text, &self.given),
            Some(first) => engine.extract_piece(name, &text, first, skip, self.resume),
        };
        self.resume = x.resume;
        let mut notes = pipeline::reading_notes(name, decoded);
        let (offset, lines) = (self.offset, self.lines);
        let line = |l: usize| l - skip_lines + lines;
        let span = |s: &mut crate::text::Span| {
            s.0 = s.0 - skip + offset;
            s.1 = s.1 - skip + offset;
        };
        // What the headings put before the piece gave is not the piece's.
        if let Some(trace) = &mut x.trace {
            let mut keep = x.indicators.iter().map(|r| r.span.0 >= skip);
            trace.why.retain(|_| keep.next().unwrap_or(false));
            let shift = |s: &mut (usize, usize)| *s = (s.0 - skip + offset, s.1 - skip + offset);
            trace.audit.figures.retain(|f| f.span.0 >= skip);
            for f in &mut trace.audit.figures {
                shift(&mut f.span);
                f.line = line(f.line);
            }
            trace.audit.dropped.retain(|(s, _)| s.0 >= skip);
            trace.audit.dropped.iter_mut().for_each(|(s, _)| shift(s));
        }
        x.indicators.retain(|r| r.span.0 >= skip);
        for r in &mut x.indicators {
            r.line = line(r.line);
            span(&mut r.span);
        }
        x.sections.retain(|s| s.span.0 >= skip);
        for s in &mut x.sections {
            // The heading as written, from its marker to the end of its line.
            let end = memchr::memchr(b'\n', &text.as_bytes()[s.span.0..])
                .map_or(text.len(), |i| s.span.0 + i);
            self.open.retain(|(level, _)| *level < s.level);
            self.open
                .push((s.level, format!("{}\n", &text[s.span.0..end])));
            s.line = line(s.line);
            span(&mut s.span);
        }
        for d in &mut x.diagnostics {
            d.line = d.line.filter(|&l| l > skip_lines).map(line);
        }
        match &self.document {
            None => self.document = Some(x.document.clone()),
            Some(_) => {
                x.continues = true;
                notes.retain(|n| n.severity != Severity::Info);
            }
        }
        notes.append(&mut x.diagnostics);
        x.diagnostics = notes;
        self.offset += decoded.text.len();
        self.lines += crate::text::LineIndex::new(&decoded.text).breaks();
        x
    }
}

/// Where a piece of decoded text ends: after its last line break, else
/// after its last 。, else at its end.
fn cut(text: &str) -> usize {
    if let Some(i) = memchr::memrchr(b'\n', text.as_bytes()) {
        return i + 1;
    }
    text.rfind('。').map_or(text.len(), |i| i + '。'.len_utf8())
}

/// Read until `buf` holds `n` bytes or the input ends.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, n: usize) -> io::Result<()> {
    input.by_ref().take(n as u64).read_to_end(buf).map(|_| ())
}
