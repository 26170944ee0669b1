"""Shared fixtures: the repository, its corpus, and the CLI built from it."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture(scope="session")
def cli() -> str:
    """The zhibiao binary (ZHIBIAO_BIN, else target/release/zhibiao, built if missing)."""
    path = os.environ.get("ZHIBIAO_BIN") or str(ROOT / "target" / "release" / "zhibiao")
    if not os.path.exists(path):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    return path


def cli_records(cli: str, *args: str) -> list[dict]:
    out = subprocess.run([cli, *args], check=False, capture_output=True, text=True, cwd=ROOT)
    return [json.loads(l) for l in out.stdout.splitlines()]


def normal(record: dict) -> dict:
    """A record as JSON gives it: an absent value_max or span_measure is a null."""
    r = dict(record)
    r.setdefault("value_max", None)
    r.setdefault("span_measure", None)
    return r
