//! zhibiao._zhibiao: the engine for Python. The Python package
//! (python/zhibiao) wraps these calls into dicts and pyarrow Tables.
//!
//! Records cross as Python dicts built from them directly (`to_py`, no
//! JSON text in between) or as an Arrow IPC stream (for tables), in the
//! schema the CLI's Parquet output has. Batches run with
//! the GIL released. No panic crosses into Python: one becomes an
//! exception that names the document.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use zhibiao::batch::{self, Input, Options};
use zhibiao::{Extraction, Extractor, RulePack, RuleSource};

mod to_py;
use to_py::to_py;

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
    engine: Extractor,
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
        engine: Extractor::new(pack),
        sources: named,
    })
}

#[pymethods]
impl Rules {
    /// The built-in pack (`default`) layered with the rule files of `dirs`:
    /// a path (a file or a directory) or a list of them.
    #[staticmethod]
    #[pyo3(signature = (dirs = None, default = true))]
    fn load(dirs: Option<&Bound<'_, PyAny>>, default: bool) -> PyResult<Rules> {
        let dirs: Vec<PathBuf> = match dirs {
            None => Vec::new(),
            Some(d) if d.is_instance_of::<pyo3::types::PyString>() => vec![d.extract()?],
            Some(d) => match d.extract::<PathBuf>() {
                Ok(one) => vec![one],
                Err(_) => d.extract::<Vec<PathBuf>>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "Rules.load: expected a path or a list of paths, got {}",
                        d.get_type().name().map_or("?".into(), |n| n.to_string())
                    ))
                })?,
            },
        };
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

fn builtin() -> PyResult<Extractor> {
    static BUILTIN: std::sync::OnceLock<Result<Extractor, String>> = std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| Extractor::builtin().map_err(|e| e.to_string()))
        .clone()
        .map_err(RuleError::new_err)
}

/// The engine of `rules`, or of the built-in pack.
fn engine_of(rules: Option<&Rules>) -> PyResult<Extractor> {
    match rules {
        Some(r) => Ok(r.engine.clone()),
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

/// What one text gave, as a dict: {"indicators": […], "sections": […],
/// "document": {…}}, each record's fields in the CLI's order.
fn extraction_dict(py: Python<'_>, doc: &str, x: &Extraction) -> PyResult<Py<PyAny>> {
    let out = PyDict::new(py);
    out.set_item("indicators", to_py(py, &x.indicators)?)?;
    out.set_item("sections", to_py(py, &x.sections)?)?;
    out.set_item("document", to_py(py, &x.document.record(doc))?)?;
    Ok(out.into_any().unbind())
}

/// Extract from decoded text.
#[pyfunction]
#[pyo3(signature = (text, doc, rules = None))]
fn extract_dicts(
    py: Python<'_>,
    text: &str,
    doc: &str,
    rules: Option<&Rules>,
) -> PyResult<Py<PyAny>> {
    let engine = engine_of(rules)?;
    let x = py.detach(|| guarded(doc, || engine.extract(doc, text)))?;
    extraction_dict(py, doc, &x)
}

/// Decode bytes as the CLI does (encoding detected, HTML to its text), then
/// extract; an unreadable document is a ValueError naming it.
#[pyfunction]
#[pyo3(signature = (data, doc, rules = None))]
fn extract_bytes_dicts(
    py: Python<'_>,
    data: &[u8],
    doc: &str,
    rules: Option<&Rules>,
) -> PyResult<Py<PyAny>> {
    let engine = engine_of(rules)?;
    let x = py.detach(|| guarded(doc, || engine.process(doc, data)))?;
    let x = x.map_err(|d| PyValueError::new_err(format!("{doc}: {}", d.message)))?;
    extraction_dict(py, doc, &x)
}

/// Indicator records of many (doc, text or bytes) items as an Arrow IPC
/// stream, in order: what a Spark task runs on a batch of rows. Text is
/// read as is; bytes are decoded as the CLI does. An unreadable item gives
/// no records. The items are read in parallel on every core the process
/// has (a Spark task would otherwise use one of its executor's cores).
#[pyfunction]
#[pyo3(signature = (docs, texts, rules = None))]
fn extract_many_ipc<'py>(
    py: Python<'py>,
    docs: Vec<String>,
    texts: Vec<Option<Vec<u8>>>,
    rules: Option<&Rules>,
) -> PyResult<Bound<'py, PyBytes>> {
    if docs.len() != texts.len() {
        return Err(PyValueError::new_err(format!(
            "extract_many: {} docs but {} texts; expected one text for each doc",
            docs.len(),
            texts.len()
        )));
    }
    use rayon::prelude::*;
    let engine = engine_of(rules)?;
    let bytes = py.detach(|| -> PyResult<Vec<u8>> {
        let each: Vec<PyResult<Vec<zhibiao::Indicator>>> = docs
            .par_iter()
            .zip(texts.par_iter())
            .map(|(doc, data)| {
                let Some(data) = data else {
                    return Ok(Vec::new());
                };
                Ok(guarded(doc, || engine.process(doc, data))?
                    .map(|x| x.indicators)
                    .unwrap_or_default())
            })
            .collect();
        let mut records = Vec::new();
        for r in each {
            records.extend(r?);
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
    let engine = engine_of(rules)?;
    let jobs = match jobs {
        Some(0) => {
            return Err(PyValueError::new_err(
                "jobs=0; expected a number of workers of 1 or more (None: every core)",
            ));
        }
        Some(n) => batch::clamp_jobs(n),
        None => batch::clamp_jobs(0),
    };
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
    let cancel = Arc::new(AtomicBool::new(false));
    let work = || -> PyResult<(Vec<u8>, Failed)> {
        let opts = Options {
            jobs,
            in_flight: 8 * jobs,
            cancel: Some(cancel.clone()),
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
        batch::run(&engine, inputs, &opts, keep, |done| {
            // Interrupted: a long document stops at its next piece too.
            if cancel.load(Ordering::Relaxed) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "interrupted",
                ));
            }
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
    };
    let (bytes, errors) = interruptible(py, &cancel, work)?;
    Ok((PyBytes::new(py, &bytes), errors))
}

/// Run `work` on a thread of its own while this one, the GIL released
/// between looks, watches for Ctrl-C: then `cancel` is set, the batch stops
/// after the documents in flight, and KeyboardInterrupt is raised.
fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    work: impl FnOnce() -> PyResult<T> + Send,
) -> PyResult<T> {
    std::thread::scope(|scope| {
        let handle = scope.spawn(work);
        loop {
            py.detach(|| {
                let deadline = std::time::Instant::now() + std::time::Duration::from_millis(100);
                while !handle.is_finished() && std::time::Instant::now() < deadline {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            });
            if handle.is_finished() {
                return handle
                    .join()
                    .unwrap_or_else(|_| Err(EngineError::new_err("internal error (a bug)")));
            }
            if let Err(interrupt) = py.check_signals() {
                cancel.store(true, Ordering::Relaxed);
                py.detach(|| {
                    let _ = handle.join();
                });
                return Err(interrupt);
            }
        }
    })
}

#[pymodule]
fn _zhibiao(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Rules>()?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add("EngineError", m.py().get_type::<EngineError>())?;
    m.add_function(wrap_pyfunction!(extract_dicts, m)?)?;
    m.add_function(wrap_pyfunction!(extract_bytes_dicts, m)?)?;
    m.add_function(wrap_pyfunction!(extract_many_ipc, m)?)?;
    m.add_function(wrap_pyfunction!(files_ipc, m)?)?;
    Ok(())
}
