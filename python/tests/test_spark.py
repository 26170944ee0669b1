"""zhibiao.spark in local[2]: the same records as the CLI."""

import os

import pytest

from conftest import CORPUS, cli_records, normal

pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", "python3")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("zhibiao-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_binary_files_give_the_cli_records(spark, cli):
    import zhibiao.spark

    files = (
        spark.read.format("binaryFile")
        .option("pathGlobFilter", "*.txt")
        .option("recursiveFileLookup", "true")
        .load(str(CORPUS))
    )
    records = zhibiao.spark.extract(files, text="content", doc="path")
    got = [row.asDict(recursive=True) for row in records.collect()]
    want = []
    for path in sorted(p for p in CORPUS.rglob("*.txt")):
        for r in cli_records(cli, "extract", "-q", str(path)):
            r["doc"] = "file:" + str(path)
            want.append(normal(r))
    key = lambda r: (r["doc"], r["span"][0], r["indicator"], r["metric"])
    assert sorted(got, key=key) == sorted(want, key=key)


def test_a_text_column(spark):
    import zhibiao.spark

    df = spark.createDataFrame([("a", "全年地区生产总值增长5%。"), ("b", "没有数字。")], ["doc", "text"])
    rows = zhibiao.spark.extract(df).collect()
    assert [(r.doc, r.indicator, r.value) for r in rows] == [("a", "gdp", 5.0)]


def test_paths_read_by_the_engine_give_the_cli_records(spark, cli):
    import zhibiao.spark

    paths = sorted(str(p) for p in CORPUS.rglob("*.txt"))
    got = [row.asDict(recursive=True) for row in zhibiao.spark.extract_paths(spark, paths).collect()]
    want = [normal(r) for p in paths for r in cli_records(cli, "extract", "-q", p)]
    key = lambda r: (r["doc"], r["span"][0], r["indicator"], r["metric"])
    assert len(want) > 0
    assert sorted(got, key=key) == sorted(want, key=key)
