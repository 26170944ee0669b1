//! zhibiao._zhibiao: the engine for Python. The Python package
//! (python/zhibiao) wraps these calls into dicts and pyarrow Tables.
//!
//! Records cross as JSON (for dicts) or as an Arrow IPC stream (for
//! tables), in the schema the CLI's Parquet output has. Batches run with
//! the GIL released. No panic crosses into Python: one becomes an
//! exception that names the document.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use zhibiao::batch::{self, Input, Options};
use zhibiao::{Extraction, RulePack, RuleSource};

create_exception!(
    _zhibiao,
    RuleError,
    PyValueError,
    "Invalid rule files; the message names each problem as file:line:column."
);
create_exception!(
    _zhibiao,
    EngineError,
    PyRuntimeError,
    "The engine failed on a document (a bug); the message names the document."
);

/// A rule pack, compiled once and reused across calls.
#[pyclass(module = "zhibiao._zhibiao", frozen)]
struct Rules {
    pack: Arc<RulePack>,
    /// The sources it was compiled from (to ship to Spark executors).
    sources: Vec<(String, String)>,
}

fn compile(sources: Vec<RuleSource>) -> PyResult<Rules> {
    let named = sources
        .iter()
        .map(|s| (s.name.clone(), s.text.clone()))
        .collect();
    let pack = RulePack::from_sources(&sources).map_err(|e| RuleError::new_err(e.to_string()))?;
    Ok(Rules {
        pack: Arc::new(pack),
        sources: named,
    })
}

#[pymethods]
impl Rules {
    /// The built-in pack (`default`) layered with the rule files of `dirs`.
    #[staticmethod]
    #[pyo3(signature = (dirs = Vec::new(), default = true))]
    fn load(dirs: Vec<PathBuf>, default: bool) -> PyResult<Rules> {
        let mut sources = if default {
            RuleSource::defaults()
        } else {
            Vec::new()
        };
        for dir in &dirs {
            sources
                .extend(RuleSource::from_path(dir).map_err(|e| RuleError::new_err(e.to_string()))?);
        }
        compile(sources)
    }

    /// A pack from (name, YAML text) pairs, in layering order.
    #[staticmethod]
    fn from_sources(sources: Vec<(String, String)>) -> PyResult<Rules> {
        compile(
            sources
                .into_iter()
                .map(|(name, text)| RuleSource { name, text })
                .collect(),
        )
    }

    /// The (name, YAML text) pairs the pack was compiled from.
    fn sources(&self) -> Vec<(String, String)> {
        self.sources.clone()
    }
}

fn builtin() -> PyResult<Arc<RulePack>> {
    static BUILTIN: std::sync::OnceLock<Result<Arc<RulePack>, String>> = std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| RulePack::builtin().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(RuleError::new_err)
}

fn pack_of(rules: Option<&Rules>) -> PyResult<Arc<RulePack>> {
    match rules {
        Some(r) => Ok(r.pack.clone()),
        None => builtin(),
    }
}

/// Run `f` on document `doc`; a panic is an EngineError naming it.
fn guarded<T>(doc: &str, f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        EngineError::new_err(format!(
            "{doc}: internal error (a bug: please report it): {what}"
        ))
    })
}

/// What one text gave, as JSON: {"indicators": […], "sections": […],
/// "document": {…}}, each record's fields in the CLI's order.
fn extraction_json(doc: &str, x: &Extraction) -> PyResult<String> {
    Ok(format!(
        "{{\"indicators\":{},\"sections\":{},\"document\":{}}}",
        json(&x.indicators)?,
        json(&x.sections)?,
        json(&x.document.record(doc))?
    ))
}

fn json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| EngineError::new_err(e.to_string()))
}

/// Extract from decoded text.
#[pyfunction]
#[pyo3(signature = (text, doc, rules = None))]
fn extract_json(py: Python<'_>, text: &str, doc: &str, rules: Option<&Rules>) -> PyResult<String> {
    let pack = pack_of(rules)?;
    let x = py.detach(|| guarded(doc, || zhibiao::extract(&pack, doc, text)))?;
    extraction_json(doc, &x)
}

/// Decode bytes as the CLI does (encoding detected, HTML to its text), then
/// extract; an unreadable document is a ValueError naming it.
#[pyfunction]
#[pyo3(signature = (data, doc, rules = None))]
fn extract_bytes_json(
    py: Python<'_>,
    data: &[u8],
    doc: &str,
    rules: Option<&Rules>,
) -> PyResult<String> {
    let pack = pack_of(rules)?;
    let x = py.detach(|| guarded(doc, || zhibiao::process(&pack, doc, data, None)))?;
    let x = x.map_err(|d| PyValueError::new_err(format!("{doc}: {}", d.message)))?;
    extraction_json(doc, &x)
}

/// Indicator records of many (doc, text or bytes) items as an Arrow IPC
/// stream, in order: what a Spark task runs on a batch of rows. Text is
/// read as is; bytes are decoded as the CLI does. An unreadable item gives
/// no records.
#[pyfunction]
#[pyo3(signature = (docs, texts, rules = None))]
fn extract_many_ipc<'py>(
    py: Python<'py>,
    docs: Vec<String>,
    texts: Vec<Option<Vec<u8>>>,
    rules: Option<&Rules>,
) -> PyResult<Bound<'py, PyBytes>> {
    let pack = pack_of(rules)?;
    let bytes = py.detach(|| -> PyResult<Vec<u8>> {
        let mut records = Vec::new();
        for (doc, data) in docs.iter().zip(&texts) {
            let Some(data) = data else { continue };
            if let Ok(x) = guarded(doc, || zhibiao::process(&pack, doc, data, None))? {
                records.extend(x.indicators);
            }
        }
        zhibiao::columnar::ipc_stream(&records).map_err(|e| EngineError::new_err(e.to_string()))
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// Which records a batch call returns.
#[derive(Clone, Copy)]
enum Wanted {
    Indicators,
    Sections,
    Documents,
    Panel,
}

/// Documents that could not be read: (doc, why).
type Failed = Vec<(String, String)>;

/// Files, directories and archives, read and extracted in parallel as the
/// CLI does: (Arrow IPC stream of the records `what` names — indicators,
/// sections, documents or panel — and the documents that failed).
#[pyfunction]
#[pyo3(signature = (paths, what, jobs = None, rules = None))]
fn files_ipc<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    what: &str,
    jobs: Option<usize>,
    rules: Option<&Rules>,
) -> PyResult<(Bound<'py, PyBytes>, Failed)> {
    let pack = pack_of(rules)?;
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let wanted = match what {
        "indicators" => Wanted::Indicators,
        "sections" => Wanted::Sections,
        "documents" => Wanted::Documents,
        "panel" => Wanted::Panel,
        other => {
            return Err(PyValueError::new_err(format!(
                "`{other}`; expected indicators, sections, documents or panel"
            )));
        }
    };
    let (bytes, errors) = py.detach(|| -> PyResult<(Vec<u8>, Failed)> {
        let opts = Options {
            jobs,
            in_flight: 8 * jobs,
            ..Options::default()
        };
        let inputs = paths.into_iter().map(Input::Path).collect();
        let (mut indicators, mut sections, mut documents) = (Vec::new(), Vec::new(), Vec::new());
        let mut panel = zhibiao::panel::Panel::default();
        let mut errors = Vec::new();
        // Only what was asked for is kept.
        let keep = |doc: &str, x: Extraction| match wanted {
            Wanted::Indicators => (None, x.indicators, Vec::new()),
            Wanted::Sections => (None, Vec::new(), x.sections),
            Wanted::Documents | Wanted::Panel => (
                Some((x.document.record(doc), x.continues)),
                x.indicators,
                Vec::new(),
            ),
        };
        batch::run(&pack, inputs, &opts, keep, |done| {
            match done.result {
                Ok((doc, mut i, mut s)) => match (wanted, doc) {
                    (Wanted::Panel, Some((doc, _))) => panel.add(&doc, &i),
                    (Wanted::Documents, Some((doc, false))) => documents.push(doc),
                    _ => {
                        indicators.append(&mut i);
                        sections.append(&mut s);
                    }
                },
                Err(e) => errors.push((e.doc, e.message)),
            }
            Ok(())
        })
        .map_err(|e| EngineError::new_err(e.to_string()))?;
        let bytes = match wanted {
            Wanted::Indicators => zhibiao::columnar::ipc_stream(&indicators),
            Wanted::Sections => zhibiao::columnar::ipc_stream(&sections),
            Wanted::Documents => zhibiao::columnar::ipc_stream(&documents),
            Wanted::Panel => zhibiao::columnar::ipc_stream(&panel.rows()),
        }
        .map_err(|e| EngineError::new_err(e.to_string()))?;
        Ok((bytes, errors))
    })?;
    Ok((PyBytes::new(py, &bytes), errors))
}

#[pymodule]
fn _zhibiao(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rules>()?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add("EngineError", m.py().get_type::<EngineError>())?;
    m.add_function(wrap_pyfunction!(extract_json, m)?)?;
    m.add_function(wrap_pyfunction!(extract_bytes_json, m)?)?;
    m.add_function(wrap_pyfunction!(extract_many_ipc, m)?)?;
    m.add_function(wrap_pyfunction!(files_ipc, m)?)?;
    Ok(())
}
