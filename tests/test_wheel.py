"""The installed wheel, as a user gets it: a fresh virtual environment, a folder outside the checkout, `kg build`.

Dependencies come from the package index; the environment has no pip of its own (the test's pip installs into it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.reference import OGI

pytestmark = pytest.mark.slow

COLUMNS = ("natural-person", "business", "research", "public-welfare", "legal-services", "other", "total")


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the fresh environment's bin folder, a work folder outside the checkout) with the wheel installed."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], cwd=root)
    (wheel,) = dist.glob("cn_ogi_kg-*.whl")
    venv.create(root / "venv", with_pip=False, system_site_packages=False)  # this pip installs into it: quicker
    bin_dir = root / "venv" / "bin"
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python")]
    _run([*pip, "install", "-q", "--no-compile", str(wheel)], cwd=root)
    work = root / "work"
    work.mkdir()
    return bin_dir, work


def test_data_travels_inside_the_installed_package(installed):
    bin_dir, work = installed
    probe = (
        "import kg, kg.resources as r; "
        "print(kg.__file__); print(r.data_dir('ontology')); print(r.data_dir('shapes')); print(r.bundled_corpus()[0])"
    )
    paths = [Path(p) for p in _run([str(bin_dir / "python"), "-c", probe], cwd=work).stdout.split()]
    site = bin_dir.parent.resolve()
    for path in paths:
        assert path.resolve().is_relative_to(site), path
        assert not path.resolve().is_relative_to(ROOT), path
    assert [p.name for p in paths[1:3]] == ["ontology", "shapes"]


def test_kg_build_from_a_folder_outside_the_checkout(installed):
    bin_dir, work = installed
    result = _run([str(bin_dir / "kg"), "build", "--out", "r.ttl"], cwd=work)
    assert "Traceback" not in result.stderr
    graph = Graph().parse(work / "r.ttl", format="turtle")
    assert len(set(graph.subjects(RDF.type, OGI.Report))) == 5
    for year in (2023, 2024):
        _reconciles(graph, year)


def _reconciles(graph: Graph, year: int) -> None:
    """received + carried over = （七）总计 + carried forward, per applicant column, read from the graph."""
    report = URIRef(f"https://w3id.org/cn-ogi/id/report/mfa/{year}/metric/")
    ind = "https://w3id.org/cn-ogi/def/indicator/"

    def value(local: str) -> Decimal:
        found = graph.value(URIRef(str(report) + local), OGI.value)
        assert found is not None, f"{year}: {local} missing"
        return Decimal(str(found))

    for column in COLUMNS:
        a = f"applicant={column}"
        inflow = value(f"applications-received/{a}") + value(f"applications-carried-over/{a}")
        outflow = value(f"applications-handled/{a}/outcome=total") + value(f"applications-carried-forward/{a}")
        assert inflow == outflow, (year, column)
    assert (
        URIRef(str(report) + "applications-received/applicant=total"),
        OGI.indicator,
        URIRef(ind + "applications-received"),
    ) in graph
