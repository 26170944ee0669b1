#!/usr/bin/env python3
"""What the layers cost: the CLI, Python's extract_files, and Spark local[2]
over the same corpus (default: the first 2,000 documents of bench.py's
corpus, target/bench-corpus). Prints seconds, MB/s and the ratio to the CLI.

    python3 bench/layers.py [--docs N]
"""

import argparse
import pathlib
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def timed(f):
    start = time.perf_counter()
    n = f()
    return time.perf_counter() - start, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--corpus", type=pathlib.Path, default=ROOT / "target" / "bench-corpus")
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())[: args.docs]
    work = ROOT / "target" / "layers-corpus"
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    for i, f in enumerate(files):
        (work / f"{i:06}.txt").write_bytes(f.read_bytes())
    mb = sum(f.stat().st_size for f in work.iterdir()) / 1e6
    cli = str(ROOT / "target" / "release" / "zhibiao")

    def run_cli():
        out = subprocess.run([cli, "extract", "-q", "-j2", str(work)], capture_output=True, check=True)
        return out.stdout.count(b"\n")

    import zhibiao

    def run_python():
        return zhibiao.extract_files([str(work)], jobs=2).num_rows

    from pyspark.sql import SparkSession
    import zhibiao.spark

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )

    def run_spark():
        files = spark.read.format("binaryFile").load(str(work))
        return zhibiao.spark.extract(files, text="content", doc="path").count()

    def run_spark_paths():
        return zhibiao.spark.extract_paths(spark, [str(work)]).count()

    def run_spark_noop():
        # The floor: Spark handing the files' bytes to Python and back.
        import pyarrow as pa

        def noop(batches):
            for b in batches:
                yield pa.RecordBatch.from_pydict({"n": [b.num_rows]})

        files = spark.read.format("binaryFile").load(str(work))
        files.select("path", "content").mapInArrow(noop, "n long").count()
        return 0

    run_spark()  # JVM and worker start-up, once
    run_spark_paths()
    print(f"corpus: {len(files)} documents, {mb:.1f} MB; machine: 2 cores")
    print(f"{'':28}{'seconds':>9}{'MB/s':>9}{'records':>9}{'vs CLI':>8}")
    base = None
    for name, f in [
        ("CLI extract -j2", run_cli),
        ("Python extract_files(jobs=2)", run_python),
        ("Spark local[2] (warm)", run_spark),
        ("Spark local[2], paths", run_spark_paths),
        ("Spark binaryFile, no-op", run_spark_noop),
    ]:
        secs, n = min((timed(f) for _ in range(3)), key=lambda t: t[0])
        base = base or secs
        print(f"{name:28}{secs:9.2f}{mb / secs:9.1f}{n:9}{secs / base:7.2f}x")
    spark.stop()


if __name__ == "__main__":
    main()
