"""zhibiao on Spark: indicator records of a DataFrame of documents.

    from pyspark.sql import SparkSession
    import zhibiao.spark
    spark = SparkSession.builder.master("local[2]").getOrCreate()
    files = spark.read.format("binaryFile").load("reports/")
    records = zhibiao.spark.extract(files, text="content", doc="path")

Runs with ``mapInArrow``: each task hands its Arrow batches to the engine
and gets Arrow back. A text column is read as is; a binary column (as
``binaryFile`` gives) is decoded as the CLI does. The rule pack is
broadcast once and compiled once per executor process.
"""

from __future__ import annotations

import functools
from typing import Iterator, Optional

import pyarrow as pa

import zhibiao

# The indicator record as Spark SQL types (the CLI's Parquet schema).
SCHEMA = (
    "doc string, indicator string, metric string, value double, value_max double, "
    "unit string, value_base double, unit_base string, kind string, year int, "
    "period string, bound string, tier string, label string, line bigint, "
    "span array<bigint>, section array<string>, text string, rule string"
)


@functools.lru_cache(maxsize=4)
def _compiled(sources: tuple) -> zhibiao.Rules:
    return zhibiao.Rules.from_sources(list(sources))


def extract(df, text: str = "text", doc: str = "doc", rules: Optional[zhibiao.Rules] = None):
    """Indicator records of the documents of ``df`` (one per row: ``doc``
    names it, ``text`` holds its text or bytes), as a DataFrame."""
    sources = tuple((rules or zhibiao.Rules.load()).sources())
    shipped = df.sparkSession.sparkContext.broadcast(sources)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pack = _compiled(shipped.value)
        for b in batches:
            table = zhibiao.extract_many(
                b.column(doc).to_pylist(), b.column(text).to_pylist(), rules=pack
            )
            yield from table.to_batches()

    return df.select(doc, text).mapInArrow(run, SCHEMA)
