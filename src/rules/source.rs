//! Rule files as read: their text and name, every problem located in them
//! at file:line:column, and the collector a pack's compile functions report
//! through. A leaf of the rule pack: the stages' own sections of the
//! vocabulary use it to say what is wrong where.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::normalise::Normalised;

/// One problem with a rule file, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}

/// Every problem found in a set of rule files.
#[derive(Debug)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

impl From<RuleError> for RuleErrors {
    fn from(e: RuleError) -> RuleErrors {
        RuleErrors(vec![e])
    }
}

/// The text of one rule file and the name to report it under.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_rules.rs"));
}

impl RuleSource {
    /// The built-in pack.
    pub fn defaults() -> Vec<RuleSource> {
        embedded::FILES
            .iter()
            .map(|(name, text)| RuleSource {
                name: format!("<built-in>/rules/{name}"),
                text: text.to_string(),
            })
            .collect()
    }

    /// Every `*.yaml` / `*.yml` file of a directory (or the file itself),
    /// sorted by name so that layering is predictable.
    /// Every problem is reported (a file that cannot be read, or is not UTF-8).
    pub fn from_path(path: &Path) -> Result<Vec<RuleSource>, RuleErrors> {
        let io = |source| RuleError::Io {
            file: path.display().to_string(),
            source,
        };
        let mut files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .map_err(|e| RuleErrors(vec![io(e)]))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        if files.is_empty() {
            return Err(RuleErrors(vec![RuleError::Invalid {
                file: path.display().to_string(),
                line: 1,
                column: 1,
                message: "a directory with no rule file; expected *.yaml or *.yml files".into(),
            }]));
        }
        files.sort();
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for p in files {
            match read_rule_file(&p) {
                Ok(text) => sources.push(RuleSource {
                    name: p.display().to_string(),
                    text,
                }),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(sources)
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// An error at a byte offset of the file.
    pub fn error_at_offset(&self, at: usize, message: String) -> RuleError {
        let before = &self.text[..at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        RuleError::Invalid {
            file: self.name.clone(),
            line,
            column,
            message,
        }
    }

    /// An error at the first occurrence of `needle` at or after the line
    /// holding `anchor` (serde keeps no positions once a file has parsed).
    /// One search through the text each, whatever its length.
    pub fn error_at(&self, anchor: Option<&str>, needle: &str, message: String) -> RuleError {
        let text = &self.text;
        let from = anchor
            .and_then(|a| text.find(a))
            .map_or(0, |at| text[..at].rfind('\n').map_or(0, |i| i + 1));
        let at = text[from..].find(needle).map_or(from, |i| from + i);
        self.error_at_offset(at, message)
    }
}

/// Largest rule file read: a pack is kilobytes; anything near this is a
/// mistake (or an attack), and is refused before it is parsed.
pub const MAX_RULE_FILE: u64 = 16 << 20;

/// Most bytes YAML aliases may add to a file once expanded (a 200 KB
/// string referenced 10,000 times is 2 GB).
const MAX_ALIAS_EXPANSION: u64 = 16 << 20;

/// A rule file's text: UTF-8 (a BOM is dropped), or UTF-16 with a BOM; any
/// other encoding is an error at the first byte that is not UTF-8.
fn read_rule_file(path: &Path) -> Result<String, RuleError> {
    let name = path.display().to_string();
    let io = |source| RuleError::Io {
        file: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let invalid = |line, column, message: String| RuleError::Invalid {
        file: name.clone(),
        line,
        column,
        message,
    };
    // A FIFO would block and a device (/dev/zero) never end: only regular
    // files are read.
    if !meta.is_file() {
        return Err(invalid(
            1,
            1,
            "not a regular file; expected a YAML rule file".into(),
        ));
    }
    let too_big = |len: u64| {
        invalid(
            1,
            1,
            format!("{len} bytes; expected a rule file of at most {MAX_RULE_FILE} bytes"),
        )
    };
    if meta.len() > MAX_RULE_FILE {
        return Err(too_big(meta.len()));
    }
    // Capped as read, too: the file may grow after the check.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path).map_err(io)?, MAX_RULE_FILE + 1),
        &mut bytes,
    )
    .map_err(io)?;
    if bytes.len() as u64 > MAX_RULE_FILE {
        return Err(too_big(bytes.len() as u64));
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if !bad {
            return Ok(text.into_owned());
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(invalid(
                line,
                column,
                "bytes that are not UTF-8 (GBK or Big5?); expected a UTF-8 rule file".into(),
            ))
        }
    }
}

/// YAML aliases (`*name`) replay their anchored node: bound what they can
/// add, before serde expands them. The scan is textual and errs on the
/// large side: an anchor's node is taken to run to the next line indented
/// no deeper than the anchor's own, and an alias inside it counts its own
/// expansion.
pub(super) fn check_aliases(src: &RuleSource) -> Result<(), RuleError> {
    let text = &src.text;
    if !text.contains('*') || !text.contains('&') {
        return Ok(());
    }
    // (offset, is_anchor, name) of each indicator outside quotes and comments.
    let mut marks: Vec<(usize, bool, &str)> = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '#' && prev.is_whitespace() => break,
                None if (c == '"' || c == '\'')
                    && (prev.is_whitespace() || "[{,:".contains(prev)) =>
                {
                    quote = Some(c)
                }
                None if (c == '&' || c == '*')
                    && (prev.is_whitespace() || "[{,-:".contains(prev)) =>
                {
                    let rest = &line[i + 1..];
                    let len = rest
                        .find(|ch: char| ch.is_whitespace() || ",[]{}".contains(ch))
                        .unwrap_or(rest.len());
                    if len > 0 {
                        marks.push((line_start + i, c == '&', &rest[..len]));
                    }
                }
                None => {}
            }
            prev = c;
        }
        line_start += line.len();
    }
    let indent = |at: usize| {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[start..].len() - text[start..].trim_start_matches(' ').len()
    };
    // Where the node anchored at `at` ends.
    let extent_end = |at: usize| {
        let own = indent(at);
        let mut pos = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        while pos < text.len() {
            let line = &text[pos..];
            let body = line.trim_start_matches(' ');
            if !body.starts_with('\n') && !body.starts_with('#') && line.len() - body.len() <= own {
                break;
            }
            pos = line.find('\n').map_or(text.len(), |i| pos + i + 1);
        }
        pos
    };
    let mut anchors: HashMap<&str, u64> = HashMap::new();
    // Anchors still open (their node not yet ended): (end, name, size so far).
    let mut open: Vec<(usize, &str, u64)> = Vec::new();
    let mut total: u64 = 0;
    for &(at, is_anchor, name) in &marks {
        while let Some(&(end, n, size)) = open.last() {
            if end > at {
                break;
            }
            anchors.insert(n, size);
            open.pop();
        }
        if is_anchor {
            let end = extent_end(at);
            open.push((end, name, (end - at) as u64));
        } else if let Some(&size) = anchors.get(name) {
            total = total.saturating_add(size);
            for o in open.iter_mut() {
                o.2 = o.2.saturating_add(size);
            }
            if total > MAX_ALIAS_EXPANSION {
                return Err(src.error_at_offset(
                    at,
                    format!(
                        "YAML aliases here expand the file past {MAX_ALIAS_EXPANSION} bytes; expected a rule file without large repeated anchors"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Matching runs on normalised text, so vocabulary is normalised the same way.
pub fn norm(word: &str) -> String {
    Normalised::new(word.trim()).text
}

/// A word of a layered pack that would take no effect, and where it was
/// written (`zhibiao rules check` shows them; the pack still loads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for RuleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// What compiling a pack found wrong, each problem located in the rule
/// files: the one collector every stage's compile function reports to.
pub struct Collector<'s> {
    pub sources: &'s [RuleSource],
    pub errors: Vec<RuleError>,
    pub warnings: Vec<RuleWarning>,
}

impl<'s> Collector<'s> {
    pub fn new(sources: &'s [RuleSource]) -> Collector<'s> {
        Collector {
            sources,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The last rule file that holds `text` (a later layer wins), else the
    /// last one.
    pub fn holding(&self, text: &str) -> &'s RuleSource {
        let sources: &'s [RuleSource] = self.sources;
        sources
            .iter()
            .rev()
            .find(|s| s.text.contains(text))
            .or(sources.last())
            .expect("a pack is compiled from at least one file")
    }

    pub fn error(&mut self, e: RuleError) {
        self.errors.push(e);
    }

    /// An error at `needle` (at or after `anchor`) in the last rule file
    /// that holds it.
    pub fn error_at(&mut self, anchor: Option<&str>, needle: &str, message: String) {
        let e = self.holding(needle).error_at(anchor, needle, message);
        self.errors.push(e);
    }

    /// A warning at `word`, where it was written last.
    pub fn warn(&mut self, word: &str, message: String) {
        let (file, line, column) = locate(self.sources, word);
        self.warnings.push(RuleWarning {
            file,
            line,
            column,
            message,
        });
    }
}

/// Where `word` was written last (a later layer wins), outside comments,
/// as (file, line, column); the last source if it is nowhere to be found.
pub fn locate(sources: &[RuleSource], word: &str) -> (String, usize, usize) {
    for src in sources.iter().rev() {
        let text = src.text.as_str();
        let mut from = 0;
        while let Some(i) = text[from..].find(word).map(|i| from + i) {
            let line_start = text[..i].rfind('\n').map_or(0, |l| l + 1);
            let line = &text[line_start..];
            if !line.trim_start().starts_with('#') {
                let before = &text[..i];
                let column = before[line_start..].chars().count() + 1;
                return (src.name.clone(), before.matches('\n').count() + 1, column);
            }
            from = i + word.len().max(1);
        }
    }
    let name = sources.last().map_or_else(String::new, |s| s.name.clone());
    (name, 1, 1)
}
