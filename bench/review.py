#!/usr/bin/env python3
"""The review page at scale: its size and its time to first paint in Chromium.

Run by hand from the repository root, after `cargo build --release` (needs
chromium, chromium-driver and `pip install selenium`):

    python3 bench/review.py              # 500 documents
    python3 bench/review.py --docs 100

Builds a corpus of --docs documents from tests/corpus (the reports repeated,
each copy's lines shuffled with its own seed), writes the page with
`zhibiao review`, then opens it in headless Chromium --rounds times and
prints the page's size, the time `zhibiao review` took, first contentful
paint and the load event (best of the rounds).
"""
import argparse
import pathlib
import random
import shutil
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "zhibiao"


def corpus(out: pathlib.Path, n: int) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    sources = sorted((ROOT / "tests" / "corpus").rglob("*.txt"))
    for i in range(n):
        src = sources[i % len(sources)]
        lines = src.read_bytes().split(b"\n")
        # The first copy of each report as it is; later ones shuffled.
        if i >= len(sources):
            random.Random(i).shuffle(lines)
        (out / f"{i:04d}-{src.name}").write_bytes(b"\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    work = ROOT / "target" / "bench-review"
    corpus(work / "corpus", args.docs)
    page = work / "review.html"
    start = time.perf_counter()
    subprocess.run([str(BIN), "review", "-q", "--force", str(work / "corpus"), "-o", str(page)], check=True)
    built = time.perf_counter() - start
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]:
        opts.add_argument(a)
    best = None
    for _ in range(args.rounds):
        d = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
        try:
            d.set_page_load_timeout(300)
            d.get(page.as_uri())
            fcp, load = d.execute_script(
                "const p = performance.getEntriesByName('first-contentful-paint')[0];"
                "const n = performance.getEntriesByType('navigation')[0];"
                "return [p ? p.startTime : null, n.loadEventEnd];"
            )
        finally:
            d.quit()
        if best is None or fcp < best[0]:
            best = (fcp, load)
    size = page.stat().st_size / 1e6
    print(f"{args.docs} documents: page {size:.1f} MB, written in {built:.2f} s; "
          f"first contentful paint {best[0]:.0f} ms, load event {best[1]:.0f} ms (best of {args.rounds})")


if __name__ == "__main__":
    main()
