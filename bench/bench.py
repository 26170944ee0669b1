#!/usr/bin/env python3
"""zhibiao on a large corpus, measured against ripgrep scanning the same corpus.

Run by hand (not in CI), from the repository root:

    cargo build --release && python3 bench/bench.py            # 1 GB
    python3 bench/bench.py --size-gb 0.2                        # quicker

Builds (once, reused) a corpus of at least --size-gb from tests/corpus: the
real reports repeated, each copy's lines shuffled with its own seed, so that
no two documents are alike and caches do not flatter us. The corpus is read
once before timing, so every run starts from the same (warm) page cache.

Then, in one run: `zhibiao extract` at -j1 and -j2 (seconds, MB/s of input,
peak RSS of the process), and `rg -c` with the rule pack's full alias list
(`zhibiao rules aliases`: simplified and traditional forms) as the floor of
what a scan of this corpus costs. Each is timed twice; the faster counts.

The copies share their sentences, so the same ratio is measured again on a
corpus of distinct documents: every report of tests/corpus and
../shared/corpus once (by content), about 10 MB, each command timed as the
best of --distinct-rounds runs. Nothing the engine does may gain from the
repetition in the first corpus; this one has none.
Needs ripgrep on PATH and GNU time (apt-get install ripgrep time).
"""
import hashlib
import argparse
import os
import pathlib
import random
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "zhibiao"


def build_corpus(out: pathlib.Path, size: int) -> tuple[int, int]:
    done = out / "DONE"
    if done.exists():
        total, count = map(int, done.read_text().split())
        if total >= size:
            return total, count
    shutil.rmtree(out, ignore_errors=True)
    sources = sorted((ROOT / "tests" / "corpus").rglob("*.txt"))
    texts = [p.read_bytes() for p in sources]
    total = count = copy = 0
    while total < size:
        rng = random.Random(copy)
        folder = out / f"{copy:05d}"
        folder.mkdir(parents=True)
        for path, text in zip(sources, texts):
            lines = text.split(b"\n")
            rng.shuffle(lines)
            data = b"\n".join(lines)
            (folder / path.name).write_bytes(data)
            total += len(data)
            count += 1
        copy += 1
    done.write_text(f"{total} {count}")
    return total, count


def distinct_corpus(out: pathlib.Path) -> tuple[int, int]:
    """Every report we hold, once: tests/corpus and ../shared/corpus, the
    same bytes kept once."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    seen = set()
    total = 0
    roots = [ROOT / "tests" / "corpus", ROOT.parent / "shared" / "corpus"]
    for root in roots:
        for path in sorted(root.rglob("*.txt")) if root.exists() else []:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            (out / f"{len(seen):04d}-{path.name}").write_bytes(data)
            total += len(data)
    return total, len(seen)


def warm(corpus: pathlib.Path) -> None:
    for p in corpus.rglob("*.txt"):
        p.read_bytes()


def measure(cmd: list[str], gnu_time: str, scratch: pathlib.Path, rounds: int = 2) -> tuple[float, float]:
    """Best of `rounds`: (seconds, peak RSS in MB) of the command.

    Peak RSS comes from GNU time (%M): rusage of a child forked from Python
    would include the Python process's own pages from before exec.
    """
    best = None
    report = scratch / "time.txt"
    for _ in range(rounds):
        start = time.perf_counter()
        status = subprocess.run([gnu_time, "-f", "%M", "-o", str(report), *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        seconds = time.perf_counter() - start
        if status != 0 and not cmd[0].endswith("rg"):
            sys.exit(f"failed ({status}): {' '.join(cmd)}")
        run = (seconds, int(report.read_text().split()[-1]) / 1024)
        best = run if best is None or run[0] < best[0] else best
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-gb", type=float, default=1.0)
    ap.add_argument("--dir", type=pathlib.Path, default=ROOT / "target" / "bench-corpus")
    ap.add_argument("--distinct-rounds", type=int, default=7)
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit("build first: cargo build --release")
    rg = shutil.which("rg") or sys.exit("ripgrep (rg) is needed: apt-get install ripgrep")
    gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else sys.exit("GNU time is needed: apt-get install time")

    total, count = build_corpus(args.dir, int(args.size_gb * 1e9))
    warm(args.dir)
    aliases = args.dir.parent / "bench-aliases.txt"
    aliases.write_text(subprocess.run([str(BIN), "rules", "aliases"], check=True, capture_output=True, text=True).stdout)
    n_aliases = len(aliases.read_text().split())

    rows = run_all(args.dir, aliases, n_aliases, rg, gnu_time, 2)
    report(f"corpus: {total / 1e6:,.0f} MB, {count:,} documents ({args.dir})", total, rows)

    distinct = args.dir.parent / "bench-distinct"
    total, count = distinct_corpus(distinct)
    warm(distinct)
    rows = run_all(distinct, aliases, n_aliases, rg, gnu_time, args.distinct_rounds)
    print()
    report(f"distinct corpus: {total / 1e6:,.1f} MB, {count:,} documents, each once ({distinct}); best of {args.distinct_rounds}", total, rows)


def run_all(corpus, aliases, n_aliases, rg, gnu_time, rounds):
    rows = []
    for name, cmd in [
        ("zhibiao extract -j1", [str(BIN), "extract", "-j1", "--quiet", str(corpus)]),
        ("zhibiao extract -j2", [str(BIN), "extract", "-j2", "--quiet", str(corpus)]),
        (f"rg -c ({n_aliases} aliases) -j1", [rg, "-c", "-j1", "-F", "-f", str(aliases), str(corpus)]),
        (f"rg -c ({n_aliases} aliases) -j2", [rg, "-c", "-j2", "-F", "-f", str(aliases), str(corpus)]),
    ]:
        seconds, rss = measure(cmd, gnu_time, corpus.parent, rounds)
        rows.append((name, seconds, rss))
    return rows


def report(title, total, rows):
    mb = total / 1e6
    print(f"{title}; machine: {os.cpu_count()} cores")
    print(f"{'':28} {'seconds':>8} {'MB/s':>8} {'peak RSS':>10}")
    for name, seconds, rss in rows:
        print(f"{name:28} {seconds:8.3f} {mb / seconds:8.1f} {rss:8.0f} MB")
    j1, j2, rg2 = rows[0][1], rows[1][1], rows[3][1]
    rss = max(rows[0][2], rows[1][2])
    print(f"-j2 speedup over -j1:          {j1 / j2:5.2f}x   (bar: >= 1.9x)")
    print(f"extract -j2 time / rg -j2 time: {j2 / rg2:5.2f}x   (bar: <= 5x)")
    print(f"peak RSS of extract:           {rss:5.0f} MB  (bar: <= 100 MB)")


if __name__ == "__main__":
    main()
