"""Shared fixtures: the bundled corpus, a built graph, and a way to run the real command."""

from __future__ import annotations

import os
import subprocess
import sys
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
