"""The Python API against the CLI, and its error paths."""

import pathlib
import subprocess

import duckdb
import pyarrow as pa
import pytest

import zhibiao
from conftest import CORPUS, ROOT, cli_records, normal


def corpus_files():
    return sorted(p for p in CORPUS.rglob("*.txt"))


def test_extract_gives_dicts_with_the_cli_fields():
    records = zhibiao.extract("全年地区生产总值增长5.2%，达到1.2万亿元。", doc="a.txt")
    assert [r["value"] for r in records] == [5.2, 1.2]
    assert records[1]["value_base"] == 1.2e12 and records[1]["unit_base"] == "元"
    assert list(records[0])[:4] == ["doc", "indicator", "metric", "value"]
    assert records[0]["doc"] == "a.txt"


def test_dicts_are_built_from_the_records_with_the_json_types():
    # Built in Rust field by field (no JSON text between): the same types
    # JSON gives, absent optional fields absent.
    r = zhibiao.extract("“十四五”时期，地区生产总值年均增长5.5%。", doc="a.txt")[0]
    assert r["period"] == "5y" and r["span_measure"] == "annual_average"
    assert isinstance(r["value"], float) and isinstance(r["line"], int)
    assert isinstance(r["span"], list) and all(isinstance(x, int) for x in r["span"])
    assert r["tier"] is None and "value_max" not in r and "source" not in r
    doc = zhibiao.document("2024年某县政府工作报告\n")
    assert doc["year_conflict"] == [] and doc["year"] == 2024


def test_outline_and_document():
    text = "2024年某县政府工作报告\n一、工作回顾\n地区生产总值增长5%。"
    assert [s["title"] for s in zhibiao.outline(text)] == ["工作回顾"]
    assert zhibiao.document(text)["year"] == 2024


def test_records_equal_the_cli_on_every_corpus_document(cli):
    for path in corpus_files():
        want = cli_records(cli, "extract", "-q", str(path))
        got = zhibiao.extract_bytes(path.read_bytes(), str(path))
        assert [normal(r) for r in got] == [normal(r) for r in want], path


def test_extract_files_is_the_cli_batch_as_a_table(cli):
    table = zhibiao.extract_files([str(CORPUS)], jobs=2)
    assert isinstance(table, pa.Table)
    assert table.schema == zhibiao.schema()
    want = cli_records(cli, "extract", "-q", str(CORPUS))
    got = table.to_pylist()
    assert len(got) == len(want)
    assert got == [normal(r) for r in want]
    # zero-copy into pandas
    frame = table.to_pandas()
    assert frame["value"].dtype == "float64"


def test_parquet_read_back_by_duckdb_equals_jsonl(cli, tmp_path):
    parquet = tmp_path / "x.parquet"
    subprocess.run([cli, "extract", "-q", "--format", "parquet", "-o", str(parquet), str(CORPUS / "seeds")], check=True)
    want = cli_records(cli, "extract", "-q", str(CORPUS / "seeds"))
    con = duckdb.connect()
    rel = con.execute(f"select * from read_parquet('{parquet}')")
    cols = [d[0] for d in rel.description]
    got = [dict(zip(cols, row)) for row in rel.fetchall()]
    assert got == [normal(r) for r in want]


def test_rules_load_and_layer(tmp_path):
    (tmp_path / "more.yaml").write_text(
        "indicators:\n  - id: hog_output\n    aliases: [生猪出栏量]\n", encoding="utf-8"
    )
    rules = zhibiao.Rules.load([str(tmp_path)])
    assert zhibiao.extract("生猪出栏量增长5%。", rules=rules)[0]["indicator"] == "hog_output"
    assert zhibiao.extract("生猪出栏量增长5%。") == []


def test_bad_rules_raise_with_file_line_column(tmp_path):
    (tmp_path / "bad.yaml").write_text("indicators:\n  - id: x\n    aliasez: [a]\n", encoding="utf-8")
    with pytest.raises(zhibiao.RuleError) as e:
        zhibiao.Rules.load([str(tmp_path)])
    assert "bad.yaml:3:" in str(e.value)


def test_an_unreadable_document_is_named(tmp_path):
    with pytest.raises(ValueError, match="empty.txt"):
        zhibiao.extract_bytes(b"", "empty.txt")
    (tmp_path / "good.txt").write_text("全年地区生产总值增长5%。", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.warns(UserWarning, match="bin.txt"):
        table = zhibiao.extract_files([str(tmp_path)])
    assert table.num_rows == 1
    with pytest.raises(ValueError, match="bin.txt"):
        zhibiao.extract_files([str(tmp_path)], errors="raise")


def test_documents_and_panel_tables(cli):
    docs = zhibiao.documents([str(CORPUS / "dev")]).to_pylist()
    want = cli_records(cli, "docs", "-q", str(CORPUS / "dev"))
    assert docs == want
    rows = zhibiao.panel([str(CORPUS / "national")]).to_pylist()
    gdp_2024 = [r for r in rows if r["indicator"] == "gdp" and r["metric"] == "growth" and r["year"] == 2024 and r["period"] == "year"]
    assert gdp_2024[0]["target"]["value"] == 5.0
    assert gdp_2024[0]["actual"]["value"] == 5.0


def test_argument_errors_say_what_was_expected(tmp_path):
    with pytest.raises(ValueError, match="2 docs but 1 texts"):
        zhibiao.extract_many(["a", "b"], ["增长5%"])
    with pytest.raises(TypeError, match=r"texts\[0\] is int"):
        zhibiao.extract_many(["a"], [5])
    with pytest.raises(ValueError, match="errors='bogus'"):
        zhibiao.extract_files([str(CORPUS / "seeds")], errors="bogus")
    with pytest.raises(ValueError, match="jobs=0"):
        zhibiao.extract_files([str(CORPUS / "seeds")], jobs=0)
    with pytest.raises(TypeError, match="a path or a list of paths"):
        zhibiao.extract_files(5)
    (tmp_path / "more.yaml").write_text(
        "indicators:\n  - id: hog_output\n    aliases: [生猪出栏量]\n", encoding="utf-8"
    )
    for dirs in (str(tmp_path), tmp_path, [tmp_path]):
        rules = zhibiao.Rules.load(dirs)
        assert zhibiao.extract("生猪出栏量增长5%。", rules=rules)[0]["indicator"] == "hog_output"
    with pytest.raises(TypeError, match="a path or a list of paths"):
        zhibiao.Rules.load(5)


def test_ctrl_c_stops_a_batch_within_a_second(tmp_path):
    import signal
    import sys
    import time

    seeds = sorted((CORPUS / "seeds").glob("*.txt"))
    for i in range(100):
        for s in seeds:
            (tmp_path / f"{i:03}-{s.name}").write_bytes(s.read_bytes())
    script = (
        "import signal, sys, time, zhibiao\n"
        # A shell that starts CI in the background hands its children
        # SIGINT ignored, and Python then installs no handler of its own.
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "print('start', flush=True)\n"
        "try:\n"
        # The same 500 files forty times over: a batch of many seconds.
        f"    zhibiao.extract_files([{str(tmp_path)!r}] * 40, jobs=1)\n"
        "    print('finished', flush=True)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', time.monotonic(), flush=True)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "start"
    time.sleep(0.5)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=60)
    took = time.monotonic() - sent
    assert out.startswith("interrupted"), out
    print(f"stopped {took:.2f} s after Ctrl-C")
    assert took < 3.0, f"{took:.2f} s"
