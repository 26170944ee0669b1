//! zhibiao (指标): indicator figures and outlines from Chinese government
//! economic reports, each with the exact place it came from.
//!
//! The pipeline, one module per stage:
//! decode → normalise → parse (pest) → link (the rule pack's words to the
//! grammar's figures) → records → output.
//!
//! ```
//! let pack = zhibiao::RulePack::builtin().unwrap();
//! let out = zhibiao::extract(&pack, "demo.txt", "全年地区生产总值增长5.2%。");
//! assert_eq!(out.indicators[0].indicator, "gdp");
//! assert_eq!(out.indicators[0].value, 5.2);
//! ```

pub mod batch;
pub mod chunk;
pub mod clean;
pub mod columnar;
pub mod decode;
pub mod diff;
pub mod document;
pub mod eval;
pub mod explain;
pub mod link;
pub mod meta;
pub mod normalise;
pub mod outline;
pub mod output;
pub mod panel;
pub mod parse;
pub mod record;
pub mod region;
pub mod rules;
pub mod unit;

pub use document::{Document, Given};
pub use record::{
    Bound, Diagnostic, DocType, Indicator, Kind, Metric, Section, Severity, Span, Tier, YearSource,
};
pub use rules::{RuleError, RuleErrors, RulePack, RuleSource};

/// What one document gave.
#[derive(Debug, Default, Clone)]
pub struct Extraction {
    /// What the document says about itself (title, type, date, year).
    pub document: Document,
    pub indicators: Vec<Indicator>,
    pub sections: Vec<Section>,
    pub diagnostics: Vec<Diagnostic>,
    /// A later piece of a long document (see [`chunk`]): `document` is the
    /// first piece's, already handed on with it.
    pub continues: bool,
    /// Where the walk through the text ended, for a next piece.
    pub resume: link::Resume,
}

/// Extract indicator and section records from one decoded document.
/// `doc` is the name records carry; `text` is the decoded UTF-8 text.
pub fn extract(pack: &RulePack, doc: &str, text: &str) -> Extraction {
    run(pack, doc, text, &Given::default(), None, None)
}

/// Like [`extract`], with what the caller knows of the document (its year
/// from the command line or a manifest), which wins over the text.
pub fn extract_with(pack: &RulePack, doc: &str, text: &str, given: &Given) -> Extraction {
    run(pack, doc, text, given, None, None)
}

/// A later piece of a long document (see [`chunk`]): the first piece's
/// `document`, and the walk going on from `resume` at byte `from` of
/// `text` (after the headings put before the piece).
pub(crate) fn extract_piece(
    pack: &RulePack,
    doc: &str,
    text: &str,
    document: &Document,
    from: usize,
    resume: link::Resume,
) -> Extraction {
    run(
        pack,
        doc,
        text,
        &Given::default(),
        None,
        Some((document, from, resume)),
    )
}

/// Like [`extract`], and also why each indicator record came out as it did
/// (one `Why` per record, in order).
pub fn extract_explained(pack: &RulePack, doc: &str, text: &str) -> (Extraction, Vec<link::Why>) {
    let why = std::cell::RefCell::new(Vec::new());
    let out = run(pack, doc, text, &Given::default(), Some(&why), None);
    (out, why.into_inner())
}

fn run(
    pack: &RulePack,
    doc: &str,
    text: &str,
    given: &Given,
    why: Option<&std::cell::RefCell<Vec<link::Why>>>,
    piece: Option<(&Document, usize, link::Resume)>,
) -> Extraction {
    let norm = normalised(pack, text);
    let lines = LineIndex::new(text);
    let document = match piece {
        Some((first, _, _)) => first.clone(),
        None => Document::read(pack, doc, &norm, &lines, given),
    };
    let headings = outline::headings(&norm);
    let sections = headings
        .iter()
        .map(|h| {
            let (ms, me) = norm.original_span(h.start, h.marker_end);
            let (ts, te) = norm.original_span(h.marker_end, h.title_end);
            Section {
                doc: doc.to_string(),
                level: h.level,
                marker: text[ms..me].to_string(),
                title: text[ts..te].trim().to_string(),
                line: lines.line_of(ms),
                span: Span(ms, te),
            }
        })
        .collect();
    let mut out = Extraction {
        sections,
        ..Extraction::default()
    };
    let cx = link::DocContext {
        why,
        pack,
        doc,
        document: &document,
        original: text,
        norm: &norm,
        headings: &headings,
        lines: &lines,
        resume: piece.map(|(_, from, resume)| (from, resume)),
    };
    out.resume = link::link(&cx, &mut out.indicators, &mut out.diagnostics);
    for r in &mut out.indicators {
        if let Some((v, u)) = pack.unit_bases.base(r.value, &r.unit) {
            r.value_base = Some(v);
            r.unit_base = Some(u);
        }
    }
    out.document = document;
    out
}

/// Decode the bytes of one document and extract from them: the whole
/// pipeline for one input. `name` is what records carry as `doc` (its
/// extension also tells HTML); `encoding` forces an encoding.
///
/// A document that cannot be read as text is an `Err` with an error
/// diagnostic; one that can is an `Extraction` whose diagnostics also say
/// how it was read.
pub fn process(
    pack: &RulePack,
    name: &str,
    bytes: &[u8],
    encoding: Option<&str>,
) -> Result<Extraction, Diagnostic> {
    process_with(pack, name, bytes, encoding, &Given::default())
}

/// Like [`process`], with what the caller knows of the document.
pub fn process_with(
    pack: &RulePack,
    name: &str,
    bytes: &[u8],
    encoding: Option<&str>,
    given: &Given,
) -> Result<Extraction, Diagnostic> {
    let decoded = decode::decode(bytes, name, encoding).map_err(|e| unreadable(name, &e))?;
    let mut out = extract_with(pack, name, &decoded.text, given);
    let mut notes = reading_notes(name, &decoded);
    notes.append(&mut out.diagnostics);
    out.diagnostics = notes;
    Ok(out)
}

/// A document that is no text, as an error record.
pub(crate) fn unreadable(name: &str, e: &decode::DecodeError) -> Diagnostic {
    Diagnostic {
        doc: name.to_string(),
        severity: Severity::Error,
        code: e.code().into(),
        line: None,
        message: e.to_string(),
    }
}

/// How a document was read, and what went wrong reading it: the encoding
/// (info), bytes replaced by U+FFFD and where, lines in a second encoding,
/// a megabyte with no line break.
pub(crate) fn reading_notes(name: &str, decoded: &decode::Decoded) -> Vec<Diagnostic> {
    let diagnostic = |severity, code: &str, line, message: String| Diagnostic {
        doc: name.to_string(),
        severity,
        code: code.into(),
        line,
        message,
    };
    let mut how = format!("read as {}", decoded.encoding);
    if decoded.guessed_utf16 {
        how.push_str(" (no byte-order mark: told by its shape)");
    }
    if decoded.html {
        how.push_str(" (HTML, visible text)");
    }
    let mut notes = vec![diagnostic(Severity::Info, "encoding", None, how)];
    if let Some((other, lines)) = decoded.mixed {
        notes.push(diagnostic(
            Severity::Warning,
            "mixed_encoding",
            None,
            format!(
                "{lines} line(s) read as {other}, the rest as UTF-8: the file mixes two encodings"
            ),
        ));
    }
    if decoded.replaced > 0 {
        let at = match decoded.replaced_lines.as_slice() {
            [] => String::new(),
            lines => format!(
                " (first on line{} {})",
                if lines.len() == 1 { "" } else { "s" },
                lines
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        notes.push(diagnostic(
            Severity::Warning,
            "invalid_bytes",
            decoded.replaced_lines.first().copied(),
            format!(
                "{} invalid byte sequence(s) in {} replaced by U+FFFD{at}",
                decoded.replaced, decoded.encoding
            ),
        ));
    }
    if decoded.text.len() > 1 << 20 && memchr::memchr(b'\n', decoded.text.as_bytes()).is_none() {
        notes.push(diagnostic(
            Severity::Warning,
            "no_line_breaks",
            None,
            format!(
                "{} bytes without a line break: lines and headings cannot be told apart",
                decoded.text.len()
            ),
        ));
    }
    notes
}

/// The text as the rules see it: normalised, then cleaned of what the pack
/// calls noise (damage, page furniture, watermarks, broken lines).
pub fn normalised<'a>(pack: &RulePack, text: &'a str) -> normalise::Normalised<'a> {
    let mut norm = normalise::Normalised::new(text);
    clean::clean(&pack.noise, &mut norm);
    norm
}

/// Build the per-process tables now, side by side (the grammar's verdict
/// on every character and where its tokens begin; the characters that t→s
/// conversion changes), rather than in the first document's worker while
/// the others wait for it. Calling it is never needed, only quicker.
pub fn prepare() {
    std::thread::scope(|s| {
        s.spawn(parse::prepare);
        normalise::prepare();
    });
}

/// Line numbers of byte offsets. A line ends at LF, CR LF or a lone CR.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                .map(|i| i + 1),
        );
        LineIndex { starts }
    }

    /// How many line breaks the text holds.
    pub fn breaks(&self) -> usize {
        self.starts.len() - 1
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}
