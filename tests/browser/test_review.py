"""The review page in a real browser (headless Chromium through Selenium).

Selenium's Python binding and Debian's chromium-driver are the shortest road
to a real browser on CI (no node toolchain, the driver matches the browser
Debian ships); the engine is the CLI, so the test is about the page and the
corrections round trip, end to end.

Run from the repository root after `cargo build --release`:

    python3 -m pytest -q tests/browser

Without Chromium and chromedriver the tests skip, unless
ZHIBIAO_BROWSER_REQUIRED=1 (CI) makes that a failure.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("ZHIBIAO_BIN", str(ROOT / "target" / "release" / "zhibiao"))
CORPUS = ROOT / "tests" / "corpus" / "national"
REQUIRED = os.environ.get("ZHIBIAO_BROWSER_REQUIRED") == "1"


def zb(*args, check=True):
    return subprocess.run([BIN, *args], check=check, capture_output=True, text=True)


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("selenium is not installed")
    driver_path = shutil.which("chromedriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (driver_path and chromium):
        if REQUIRED:
            pytest.fail("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
        pytest.skip("no chromium / chromedriver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]:
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(driver_path), options=opts)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("review") / "national.html"
    zb("review", "-q", str(CORPUS), "-o", str(out), "--force")
    browser.get(out.as_uri())
    return out


def records(*extra):
    out = zb("extract", "-q", str(CORPUS), *extra)
    return [json.loads(l) for l in out.stdout.splitlines()]


def test_highlights_are_exactly_the_records_spans(browser, page):
    want = {}
    for r in records():
        want.setdefault(r["doc"], set()).add(f'{r["span"][0]}-{r["span"][1]}')
    docs = browser.execute_script(
        "return [...document.querySelectorAll('article.doc')].map(a => "
        "[a.dataset.doc, [...a.querySelectorAll('mark')].map(m => m.dataset.span)])"
    )
    assert len(docs) >= 23
    for doc, spans in docs:
        assert set(spans) == want.get(doc, set()), doc
        assert len(spans) == len(set(spans)), doc
    # Each highlight stands over its figure: the page's text at the span is
    # the decoded text's.
    r = records()[0]
    text = zb("text", r["doc"]).stdout.encode()
    shown = browser.execute_script(
        "const m = document.querySelector(`article[data-doc='${arguments[0]}'] mark[data-span='${arguments[1]}']`);"
        "return m.textContent;",
        r["doc"], f'{r["span"][0]}-{r["span"][1]}',
    )
    assert shown == text[r["span"][0]:r["span"][1]].decode()


def test_the_gdp_chart_and_the_filter(browser, page):
    lines = browser.execute_script(
        "const f = document.querySelector('figure.chart[data-indicator=gdp]');"
        "return f ? [...f.querySelectorAll('polyline')].map(p => p.getAttribute('points').split(' ').length) : null"
    )
    assert lines and len(lines) == 2 and min(lines) >= 15, lines
    rows = lambda: browser.execute_script("return [...document.querySelectorAll('#table tbody tr')].map(r => r.cells[3].textContent)")
    before = rows()
    assert len(before) == len(records())
    box = browser.find_element("id", "f-indicator")
    box.send_keys("gdp")
    after = rows()
    assert 0 < len(after) < len(before)
    assert all("gdp" in i for i in after)
    box.clear()
    browser.execute_script("document.getElementById('f-indicator').dispatchEvent(new Event('input'))")
    assert len(rows()) == len(before)


def test_five_year_rows_say_what_they_hold(browser, page):
    periods = browser.execute_script("return [...document.querySelectorAll('#table tbody tr')].map(r => r.cells[9].textContent)")
    want = sorted(f'5y · {r["span_measure"]}' for r in records() if r["period"] == "5y")
    assert want and sorted(p for p in periods if p.startswith("5y")) == want


def test_corrections_round_trip(browser, page, tmp_path):
    from selenium.webdriver.common.by import By

    recs = records()
    doc = "tests/corpus/national/2010-state-council-gwr.txt" if not recs[0]["doc"].startswith("/") else None
    doc = next(r["doc"] for r in recs if r["doc"].endswith("2010-state-council-gwr.txt"))
    mine = [r for r in recs if r["doc"] == doc]
    wrong = next(r for r in mine if r["indicator"] == "gdp")
    # A reviewer marks one record wrong…
    span = f'{wrong["span"][0]}-{wrong["span"][1]}'
    mark = browser.find_element(By.CSS_SELECTOR, f"article[data-doc='{doc}'] mark[data-span='{span}']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    detail = browser.find_element(By.ID, "detail")
    assert detail.is_displayed()
    box = next(b for b in detail.find_elements(By.CSS_SELECTOR, ".rec") if wrong["indicator"] in b.get_attribute("innerHTML"))
    box.find_element(By.CSS_SELECTOR, "button[data-v=wrong]").click()
    # …and adds a figure the engine did not give: the first “增长N%” of
    # the text that no record covers.
    text = zb("text", doc).stdout
    data = text.encode()
    covered = [(r["span"][0], r["span"][1]) for r in mine]
    for m in re.finditer(r"增长\d+(?:\.\d+)?%", text):
        s = len(text[: m.start()].encode())
        e = s + len(m.group().encode())
        if all(e <= a or s >= b for a, b in covered):
            break
    else:
        pytest.fail("no uncovered figure to add")
    di = browser.execute_script(
        "return [...document.querySelectorAll('article.doc')].findIndex(a => a.dataset.doc === arguments[0])", doc
    )
    browser.execute_script("zhibiao.selectBytes(arguments[0], arguments[1], arguments[2])", di, s, e)
    browser.find_element(By.ID, "add").click()
    new = browser.find_element(By.CSS_SELECTOR, "#detail .rec[data-add]")
    value = float(re.search(r"[\d.]+", data[s:e].decode()).group())
    for field, v in [("indicator", "fixed_asset_investment"), ("metric", "growth"), ("value", str(value)), ("unit", "%"), ("kind", "actual"), ("year", "2009"), ("period", "year"), ("bound", "exact")]:
        new.find_element(By.CSS_SELECTOR, f"input[data-f={field}]").send_keys(v)
    new.find_element(By.CSS_SELECTOR, "button[data-v=add]").click()
    lines = browser.execute_script("return zhibiao.corrections()").splitlines()
    assert [json.loads(l)["verdict"] for l in lines] == ["wrong", "add"]
    assert json.loads(lines[1])["span"] == [s, e]
    assert json.loads(lines[1])["quote"] == data[s:e].decode()
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text("\n".join(lines) + "\n")
    browser.save_screenshot(str(ROOT / "target" / "review.png"))

    # extract --corrections applies both, and marks what it changed.
    after = [r for r in records("--corrections", str(corrections)) if r["doc"] == doc]
    spans = [(r["span"][0], r["span"][1], r["indicator"]) for r in after]
    assert (wrong["span"][0], wrong["span"][1], "gdp") not in spans
    added = [r for r in after if r.get("source") == "correction"]
    assert len(added) == 1 and added[0]["span"] == [s, e] and added[0]["value"] == value
    assert len(after) == len(mine)

    # The reviewed corpus becomes gold that eval scores the corrected run
    # against perfectly, and the uncorrected one not.
    gold = tmp_path / "gold.jsonl"
    zb("gold", "-q", str(corrections), str(CORPUS), "-o", str(gold))
    scored = zb("eval", "-q", "--gold", str(gold), str(CORPUS), "--corrections", str(corrections), check=False)
    assert "F1 1.000" in scored.stdout, scored.stdout + scored.stderr
    plain = zb("eval", "-q", "--gold", str(gold), str(CORPUS), check=False)
    assert "F1 1.000" not in plain.stdout.split("\n")[0], plain.stdout

    # A correction whose text changed is stale: said, not applied.
    moved = json.loads(lines[0])
    moved["quote"] = "不是这个"
    stale = tmp_path / "stale.jsonl"
    stale.write_text(json.dumps(moved, ensure_ascii=False) + "\n")
    run = zb("extract", "-q", str(CORPUS), "--corrections", str(stale), check=False)
    assert run.returncode == 1
    assert "stale correction" in run.stderr
    assert len(run.stdout.splitlines()) == len(recs)
