"""zhibiao (指标): indicator figures from Chinese government economic reports.

Every record says where it came from (doc, line, byte span into the decoded
text, section path, sentence, rule id). The engine is Rust; calls that run a
batch release the GIL.

    >>> import zhibiao
    >>> zhibiao.extract("全年地区生产总值增长5.2%。")[0]["value"]
    5.2
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Iterable, Optional, Sequence, Union

import pyarrow as pa

from ._zhibiao import EngineError, RuleError, Rules
from . import _zhibiao

__all__ = [
    "EngineError",
    "RuleError",
    "Rules",
    "document",
    "documents",
    "extract",
    "extract_bytes",
    "extract_files",
    "extract_many",
    "outline",
    "outline_files",
    "panel",
    "schema",
]

PathLike = Union[str, "os.PathLike[str]"]


def _run(text: str, doc: Optional[str], rules: Optional[Rules]) -> dict:
    return _zhibiao.extract_dicts(text, doc or "<text>", rules)


def extract(text: str, doc: Optional[str] = None, rules: Optional[Rules] = None) -> list[dict[str, Any]]:
    """Indicator records of a decoded text, as dicts with the CLI's fields."""
    return _run(text, doc, rules)["indicators"]


def outline(text: str, doc: Optional[str] = None, rules: Optional[Rules] = None) -> list[dict[str, Any]]:
    """Section records (the numbered outline) of a decoded text."""
    return _run(text, doc, rules)["sections"]


def document(text: str, doc: Optional[str] = None, rules: Optional[Rules] = None) -> dict[str, Any]:
    """The document record: title, type, region, date, year and how it was settled."""
    return _run(text, doc, rules)["document"]


def extract_bytes(data: bytes, doc: str, rules: Optional[Rules] = None) -> list[dict[str, Any]]:
    """Indicator records of a file's bytes, decoded as the CLI does
    (UTF-8, GBK/GB18030, Big5, UTF-16, HTML). An unreadable document raises
    ValueError naming it."""
    return _zhibiao.extract_bytes_dicts(data, doc, rules)["indicators"]


def _table(ipc: bytes) -> pa.Table:
    return pa.ipc.open_stream(ipc).read_all()


_ERRORS = ("warn", "raise", "ignore")


def _files(paths, what: str, jobs: Optional[int], rules: Optional[Rules], errors: str) -> pa.Table:
    if errors not in _ERRORS:
        raise ValueError(f"errors={errors!r}; expected one of {', '.join(map(repr, _ERRORS))}")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs={jobs!r}; expected a number of workers of 1 or more (None: every core)")
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    try:
        paths = [os.fsdecode(p) for p in paths]
    except TypeError:
        raise TypeError("expected a path or a list of paths (str or os.PathLike)") from None
    ipc, failed = _zhibiao.files_ipc(paths, what, jobs, rules)
    if failed and errors == "raise":
        raise ValueError("; ".join(f"{doc}: {why}" for doc, why in failed))
    if errors == "warn":
        for doc, why in failed:
            warnings.warn(f"zhibiao: {doc}: {why}", stacklevel=3)
    return _table(ipc)


def extract_files(
    paths: Union[PathLike, Sequence[PathLike]],
    jobs: Optional[int] = None,
    rules: Optional[Rules] = None,
    errors: str = "warn",
) -> pa.Table:
    """Indicator records of files, directories and archives (.zip, .tar,
    .tar.gz), read and extracted in parallel in Rust as `zhibiao extract`
    does, as a pyarrow Table (``.to_pandas()``, ``polars.from_arrow``).

    A file that cannot be read is reported by ``errors``: ``"warn"``
    (a warning per file), ``"raise"`` (ValueError listing them) or
    ``"ignore"``; the others' records are returned either way.
    """
    return _files(paths, "indicators", jobs, rules, errors)


def outline_files(paths, jobs: Optional[int] = None, rules: Optional[Rules] = None, errors: str = "warn") -> pa.Table:
    """Section records of files, directories and archives, as a Table."""
    return _files(paths, "sections", jobs, rules, errors)


def documents(paths, jobs: Optional[int] = None, rules: Optional[Rules] = None, errors: str = "warn") -> pa.Table:
    """Document records (title, type, region, date, year …) as `zhibiao docs` gives them."""
    return _files(paths, "documents", jobs, rules, errors)


def panel(paths, jobs: Optional[int] = None, rules: Optional[Rules] = None, errors: str = "warn") -> pa.Table:
    """Region × indicator × metric × period × year rows with target,
    expected and actual cells, as `zhibiao panel` gives them."""
    return _files(paths, "panel", jobs, rules, errors)


def extract_many(docs: Iterable[str], texts: Iterable[Union[str, bytes, None]], rules: Optional[Rules] = None) -> pa.Table:
    """Indicator records of many documents given as text or bytes, in
    order, as a pyarrow Table (what each Spark task runs). ``docs`` and
    ``texts`` pair up one to one: lists of different lengths raise
    ValueError."""
    docs, texts = list(docs), list(texts)
    if len(docs) != len(texts):
        raise ValueError(f"extract_many: {len(docs)} docs but {len(texts)} texts; expected one text for each doc")
    data = []
    for i, t in enumerate(texts):
        if isinstance(t, str):
            data.append(t.encode("utf-8"))
        elif t is None or isinstance(t, (bytes, bytearray, memoryview)):
            data.append(None if t is None else bytes(t))
        else:
            raise TypeError(f"extract_many: texts[{i}] is {type(t).__name__}; expected str, bytes or None")
    return _table(_zhibiao.extract_many_ipc(docs, data, rules))


def schema() -> pa.Schema:
    """The schema of indicator records (the CLI's Parquet schema)."""
    return extract_many([], []).schema
