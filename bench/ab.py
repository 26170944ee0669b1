#!/usr/bin/env python3
"""Two (or more) zhibiao binaries on the same corpus: is a change slower?

    git stash && cargo build --release && cp target/release/zhibiao /tmp/zhibiao-before
    git stash pop && cargo build --release
    python3 bench/ab.py /tmp/zhibiao-before target/release/zhibiao

Runs `extract -j1` of each binary in turn, --rounds times, over a corpus of
about --size-mb built as bench.py builds its own (real reports, each copy's
lines shuffled); the CPU time (user + system) of the best round counts,
which is steadier than wall time on a shared machine. Prints each binary's
time and its ratio to the first. The binaries' outputs are compared too: a
change meant to be faster only should print "same records".
"""
import argparse
import hashlib
import pathlib
import resource
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench import ROOT, build_corpus, warm  # noqa: E402


def cpu_seconds(cmd: list[str]) -> tuple[float, str]:
    """CPU time of the command and a digest of its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(cmd, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode not in (0, 1):
        sys.exit(f"failed ({run.returncode}): {' '.join(cmd)}\n{run.stderr.decode(errors='replace')[-2000:]}")
    seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, hashlib.sha256(run.stdout).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binaries", nargs="+", type=pathlib.Path)
    ap.add_argument("--size-mb", type=float, default=40)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--dir", type=pathlib.Path, default=ROOT / "target" / "bench-corpus-ab")
    args = ap.parse_args()
    for b in args.binaries:
        if not b.is_file():
            sys.exit(f"no such binary: {b}")

    total, count = build_corpus(args.dir, int(args.size_mb * 1e6))
    warm(args.dir)
    best = {b: float("inf") for b in args.binaries}
    digests = {}
    for _ in range(args.rounds):
        # In turn, so that a busy moment of the machine falls on all of them.
        for b in args.binaries:
            seconds, digest = cpu_seconds([str(b), "extract", "-j1", "--quiet", str(args.dir)])
            best[b] = min(best[b], seconds)
            digests[b] = digest
    print(f"corpus: {total / 1e6:,.0f} MB, {count:,} documents ({args.dir}); best of {args.rounds} rounds, CPU time")
    first = args.binaries[0]
    for b in args.binaries:
        same = "same records" if digests[b] == digests[first] else "records differ"
        print(f"{str(b):48} {best[b] * 1000:8.0f} ms  {best[b] / best[first]:6.3f}x  {same}")


if __name__ == "__main__":
    main()
