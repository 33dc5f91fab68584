"""The build's worker processes: reports parsed ahead of the writer, graphs validated beside it.

``kg build`` turns each report into triples and writes them in its own process. Parsing
(spaCy's import alone takes a second or more) and SHACL validation run in a pool forked as
the build starts, so on two cores they overlap with the reading of the reference data and
with the writing. Reports come back in input order, and only a few are parsed ahead, as only
a few graphs wait for validation: memory stays flat for any number of reports.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from multiprocessing import get_context
from pathlib import Path


class _Done:
    """A result computed in this process, with the interface of a pool's AsyncResult."""

    def __init__(self, value) -> None:
        self.value = value

    def get(self):
        return self.value


def _parse(path: Path, nlp: str | None):
    from kg.pipeline import _safe_parse

    return _safe_parse(path, nlp)


def _validate(text: str, shared: bool) -> list:
    from kg.validate import validate, validate_shared

    return validate_shared(text) if shared else validate(text)


class Workers:
    """``jobs`` worker processes (none where processes cannot fork), parsing ``paths`` from the moment they start."""

    def __init__(self, paths: list[Path], jobs: int, nlp: str | None = None) -> None:
        self.nlp = nlp
        self.ahead = 2 * jobs + 2
        self._pool = get_context("fork").Pool(jobs) if os.name != "nt" else None
        self._todo = iter(paths)
        self._parsing: deque = deque()
        self._checking: deque = deque()
        self._submit()

    def _submit(self) -> None:
        while len(self._parsing) < self.ahead and (path := next(self._todo, None)) is not None:
            self._parsing.append((path, self._run(_parse, path, self.nlp)))

    def _run(self, function, *args):
        return self._pool.apply_async(function, args) if self._pool else _Done(function(*args))

    def reports(self) -> Iterator[tuple[Path, object]]:
        """(path, Report or InputError) for each path, in order."""
        while self._parsing:
            path, result = self._parsing.popleft()
            self._submit()
            yield path, result.get()

    def validate(self, text: str, shared: bool = False, tag: object = None) -> list[tuple[object, list]]:
        """Queue N-Triples ``text`` for validation (one report's graph, or with ``shared`` the reports' summaries).

        Returns (tag, findings) of earlier graphs once more than a few wait, oldest first.
        """
        self._checking.append((tag, self._run(_validate, text, shared)))
        done = []
        while len(self._checking) > self.ahead:
            tag, result = self._checking.popleft()
            done.append((tag, result.get()))
        return done

    def findings(self) -> list[tuple[object, list]]:
        """(tag, findings) of every graph still queued, in order."""
        done = [(tag, result.get()) for tag, result in self._checking]
        self._checking.clear()
        return done

    def close(self, failed: bool = False) -> None:
        if self._pool:
            if failed:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
