"""Where the package's data lives: ontology, shapes and the bundled corpus.

In a wheel they sit under ``kg/_data/``; in a source checkout they are the
top-level folders next to ``kg/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``shapes``, ``corpus``) of the installed package."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kg data folder {name!r} is missing from the installation")


def bundled_corpus() -> list[Path]:
    """The bundled reports, in a stable order."""
    return sorted(p for p in data_dir("corpus").rglob("*") if p.is_file() and p.suffix in {".txt", ".md"})
