//! The engine's one entry: an [`Extractor`], built once from a rule pack
//! (and what the caller knows of every document), that every front end
//! calls — the CLI, the batch runner, long files in pieces, `--jsonl-input`,
//! Python and Spark.
//!
//! One document runs through the stages in order: decode → normalise and
//! clean → what the document says about itself (document, region) →
//! outline → link (the rule pack's words meet the grammar's figures) →
//! amounts in base units.

use std::cell::RefCell;
use std::sync::Arc;

use crate::decode::{self, DecodeError, Decoded};
use crate::document::{Document, Given};
use crate::link::{self, Audit, Resume, Why};
use crate::model::{Code, Severity, YearSource};
use crate::normalise::Normalised;
use crate::record::{Diagnostic, Indicator, Section};
use crate::rules::{RuleErrors, RulePack};
use crate::text::{LineIndex, Span};
use crate::{clean, normalise, outline, parse};

/// What one document gave.
#[derive(Debug, Default, Clone)]
pub struct Extraction {
    /// What the document says about itself (title, type, date, year).
    pub document: Document,
    pub indicators: Vec<Indicator>,
    pub sections: Vec<Section>,
    pub diagnostics: Vec<Diagnostic>,
    /// A later piece of a long document (see `chunk`): `document`
    /// is the first piece's, already handed on with it.
    pub continues: bool,
    /// Where the walk through the text ended, for a next piece.
    pub resume: Resume,
    /// For an engine that traces (see [`Extractor::traced`]): why each
    /// record came out as it did, and what the walk saw and let go.
    pub trace: Option<Trace>,
}

/// Why each record came out as it did (one `Why` per record, in order),
/// and every figure the walk saw in a sentence naming an indicator, with
/// why it let some go: what `explain` and `gaps` read.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    pub why: Vec<Why>,
    pub audit: Audit,
    /// The decoded text the records' spans index (for the review page).
    pub text: String,
}

/// The engine for one rule pack. Cheap to clone (the pack is shared) and
/// safe to share across threads.
///
/// ```
/// let engine = zhibiao::Extractor::builtin().unwrap();
/// let out = engine.extract("demo.txt", "全年地区生产总值增长5.2%。");
/// assert_eq!(out.indicators[0].indicator, "gdp");
/// assert_eq!(out.indicators[0].value, 5.2);
/// ```
#[derive(Debug, Clone)]
pub struct Extractor {
    pack: Arc<RulePack>,
    /// Read every document in this encoding instead of detecting one.
    encoding: Option<String>,
    /// What the caller knows of every document (`--year`).
    given: Given,
    /// Keep a [`Trace`] of every document.
    traced: bool,
}

impl Extractor {
    pub fn new(pack: impl Into<Arc<RulePack>>) -> Extractor {
        Extractor {
            pack: pack.into(),
            encoding: None,
            given: Given::default(),
            traced: false,
        }
    }

    /// An engine that also says why each record came out as it did and
    /// what it let go (`Extraction::trace`): for `explain` and `gaps`, at
    /// some cost.
    pub fn traced(mut self) -> Extractor {
        self.traced = true;
        self
    }

    /// The built-in rule pack's engine.
    pub fn builtin() -> Result<Extractor, RuleErrors> {
        RulePack::builtin().map(Extractor::new)
    }

    /// Read every document in `encoding` (a label encoding_rs knows:
    /// `gbk`, `big5`, `utf-16le` …) instead of detecting it.
    pub fn with_encoding(mut self, encoding: Option<String>) -> Extractor {
        self.encoding = encoding;
        self
    }

    /// What the caller knows of every document (its year): over what the
    /// text says, under what a manifest says of one document.
    pub fn with_given(mut self, given: Given) -> Extractor {
        self.given = given;
        self
    }

    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    pub fn given(&self) -> &Given {
        &self.given
    }

    pub fn encoding(&self) -> Option<&str> {
        self.encoding.as_deref()
    }

    /// Indicator and section records of one decoded document. `doc` is the
    /// name records carry; `text` is the decoded UTF-8 text.
    pub fn extract(&self, doc: &str, text: &str) -> Extraction {
        self.extract_with(doc, text, &self.given)
    }

    /// Like [`Extractor::extract`], with what the caller knows of this
    /// document (a manifest's row), which wins over the text.
    pub fn extract_with(&self, doc: &str, text: &str, given: &Given) -> Extraction {
        self.run(doc, text, given, None)
    }

    /// Decode the bytes of one document and extract from them: the whole
    /// pipeline for one input. `name` is what records carry as `doc` (its
    /// extension also tells HTML).
    ///
    /// A document that cannot be read as text is an `Err` with an error
    /// diagnostic; one that can is an `Extraction` whose diagnostics also
    /// say how it was read.
    pub fn process(&self, name: &str, bytes: &[u8]) -> Result<Extraction, Diagnostic> {
        self.process_with(name, bytes, &self.given)
    }

    /// Like [`Extractor::process`], with what the caller knows of this
    /// document.
    pub fn process_with(
        &self,
        name: &str,
        bytes: &[u8],
        given: &Given,
    ) -> Result<Extraction, Diagnostic> {
        let decoded = decode::decode(bytes, name, self.encoding.as_deref())
            .map_err(|e| unreadable(name, &e))?;
        let mut out = self.extract_with(name, &decoded.text, given);
        let mut notes = reading_notes(name, &decoded);
        notes.append(&mut out.diagnostics);
        out.diagnostics = notes;
        Ok(out)
    }

    /// Like [`Extractor::extract`], with its [`Trace`] whether the engine
    /// traces or not.
    pub fn extract_traced(&self, doc: &str, text: &str) -> Extraction {
        self.clone().traced().extract(doc, text)
    }

    /// A later piece of a long document (see [`crate::chunk`]): the first
    /// piece's `document`, and the walk going on from `resume` at byte
    /// `from` of `text` (after the headings put before the piece).
    pub(crate) fn extract_piece(
        &self,
        doc: &str,
        text: &str,
        document: &Document,
        from: usize,
        resume: Resume,
    ) -> Extraction {
        self.run(doc, text, &Given::default(), Some((document, from, resume)))
    }

    /// The text as the rules see it: normalised, then cleaned of what the
    /// pack calls noise (damage, page furniture, watermarks, broken lines).
    pub fn normalised<'a>(&self, text: &'a str) -> Normalised<'a> {
        let mut norm = Normalised::new(text);
        clean::clean(&self.pack.noise, &mut norm);
        norm
    }

    fn run(
        &self,
        doc: &str,
        text: &str,
        given: &Given,
        piece: Option<(&Document, usize, Resume)>,
    ) -> Extraction {
        let pack = &*self.pack;
        let norm = self.normalised(text);
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
        let why = RefCell::new(Vec::new());
        let audit = RefCell::new(Audit::default());
        let cx = link::DocContext {
            why: self.traced.then_some(&why),
            audit: self.traced.then_some(&audit),
            pack,
            doc,
            document: &document,
            original: text,
            norm: &norm,
            headings: &headings,
            lines: &lines,
            resume: piece.map(|(_, from, resume)| (from, resume)),
        };
        if piece.is_none()
            && let Some(note) = year_conflict(doc, &document)
        {
            out.diagnostics.push(note);
        }
        out.resume = link::link(&cx, &mut out.indicators, &mut out.diagnostics);
        let region_code = document
            .region
            .as_ref()
            .map(|r| r.value.region.code.clone());
        for r in &mut out.indicators {
            r.region_code.clone_from(&region_code);
            if let Some((v, u)) = pack.units.bases.base(r.value, &r.unit) {
                r.value_base = Some(v);
                r.unit_base = Some(u);
            }
        }
        out.document = document;
        if self.traced {
            out.trace = Some(Trace {
                why: why.into_inner(),
                audit: audit.into_inner(),
                text: text.to_string(),
            });
        }
        out
    }
}

/// The sources of a document's year that disagree, as a warning: every
/// record of the document takes its year from the one settled.
fn year_conflict(name: &str, document: &Document) -> Option<Diagnostic> {
    let settled = document.year.as_ref()?;
    let said: Vec<String> = document
        .year_conflict
        .iter()
        .map(|c| {
            let line = c.line.map_or(String::new(), |l| format!(" (line {l})"));
            format!("{} {}{line}", source_name(c.source), c.year)
        })
        .collect();
    (!said.is_empty()).then(|| Diagnostic {
        doc: name.to_string(),
        severity: Severity::Warning,
        code: Code::YearConflict,
        line: settled.line,
        message: format!(
            "its sources disagree on the year: {}; read as {}",
            said.join(", "),
            settled.value
        ),
    })
}

fn source_name(s: YearSource) -> &'static str {
    match s {
        YearSource::Title => "the title says",
        YearSource::Date => "the date says",
        YearSource::Text => "the body says",
        YearSource::Path => "the file name says",
        YearSource::Manifest => "the manifest says",
        YearSource::Option => "--year says",
    }
}

/// A document that is no text, as an error record.
pub(crate) fn unreadable(name: &str, e: &DecodeError) -> Diagnostic {
    Diagnostic {
        doc: name.to_string(),
        severity: Severity::Error,
        code: e.code(),
        line: None,
        message: e.to_string(),
    }
}

/// How a document was read, and what went wrong reading it: the encoding
/// (info), bytes replaced by U+FFFD and where, lines in a second encoding,
/// a megabyte with no line break.
pub(crate) fn reading_notes(name: &str, decoded: &Decoded) -> Vec<Diagnostic> {
    let diagnostic = |severity, code: Code, line, message: String| Diagnostic {
        doc: name.to_string(),
        severity,
        code,
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
    let mut notes = vec![diagnostic(Severity::Info, Code::Encoding, None, how)];
    if let Some((other, lines)) = decoded.mixed {
        notes.push(diagnostic(
            Severity::Warning,
            Code::MixedEncoding,
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
            Code::InvalidBytes,
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
            Code::NoLineBreaks,
            None,
            format!(
                "{} bytes without a line break: lines and headings cannot be told apart",
                decoded.text.len()
            ),
        ));
    }
    notes
}

/// Build the per-process tables now, side by side (where the grammar's
/// tokens begin, from the tables embedded at build time; the characters
/// that t→s conversion changes), rather than in the first document's worker while
/// the others wait for it. Calling it is never needed, only quicker.
pub fn prepare() {
    std::thread::scope(|s| {
        s.spawn(parse::prepare);
        normalise::prepare();
    });
}
