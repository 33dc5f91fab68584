"""Shared fixtures: the bundled corpus, a built graph, and a way to run the real command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph

from kg.resources import bundled_corpus

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> dict[str, Path]:
    """The bundled reports by file name."""
    return {p.name: p for p in bundled_corpus()}


@pytest.fixture(scope="session")
def reports(corpus):
    """Every bundled report parsed, by file name."""
    from kg.pipeline import parse

    return {name: parse(path) for name, path in corpus.items()}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The bundled corpus built once with the real command, as Turtle."""
    out = tmp_path_factory.mktemp("build") / "reports.ttl"
    result = kg("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    (out.parent / "stderr.txt").write_text(result.stderr, encoding="utf-8")  # what the user saw, for tests of messages
    return out


@pytest.fixture(scope="session")
def graph(built) -> Graph:
    g = Graph()
    g.parse(built, format="turtle")
    return g


def kg(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the kg command line in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def kg_cache(tmp_path_factory) -> dict[str, str]:
    """Environment for kg commands that keeps their query-store cache inside this test session."""
    return {"KG_CACHE_DIR": str(tmp_path_factory.mktemp("kg-cache"))}


@contextmanager
def serving(*args: str, env: dict | None = None, log: Path) -> Iterator[str]:
    """Run ``kg serve ARGS`` on a free loopback port until the block ends; yields its base URL."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", "0", *args],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )
    try:
        deadline = time.monotonic() + 180
        while not (found := re.search(r"SPARQL endpoint: (http://\S+)/sparql", log.read_text())):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"kg serve did not start:\n{log.read_text()}")
            time.sleep(0.05)
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def endpoint(kg_cache, tmp_path_factory) -> Iterator[str]:
    """A real ``kg serve`` of the bundled corpus: 2 s time limit, 5,000-row result limit. Its base URL."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving("--timeout", "2", "--max-rows", "5000", "--quiet", env=kg_cache, log=log) as url:
        yield url
