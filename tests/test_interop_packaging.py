"""Packaging: the wheel and sdist hold what an installed netsim needs, and it runs.

The distributions are built from a copy of the source (the PEP 517 hooks of
setuptools, no network, no build isolation); the wheel is unpacked with pip into a
directory of its own and ``netsim demo`` and the README's Iris training run from
another directory with the data set shipped in the package.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import netsim as ns

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_is_written_in_one_place():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "netsim.__version__"}
    assert ns.__version__.count(".") == 2


def test_license_file_and_spdx_expression():
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_every_package_data_pattern_matches_a_file():
    for pattern in PYPROJECT["tool"]["setuptools"]["package-data"]["netsim"]:
        assert list((ROOT / "netsim").glob(pattern)), pattern
    assert (ROOT / "netsim" / "py.typed").exists()


def test_extras_name_the_optional_libraries():
    extras = PYPROJECT["project"]["optional-dependencies"]
    for extra, library in (("sklearn", "scikit-learn"), ("torch", "torch"),
                           ("pandas", "pandas"), ("plot", "matplotlib")):
        assert any(req.startswith(library) for req in extras[extra]), extra


def test_shipped_iris_is_the_example_file():
    assert filecmp.cmp(ns.datasets.path("iris"), ROOT / "examples" / "iris.csv", shallow=False)
    with pytest.raises(ns.ParameterError, match=r"no data set 'irs'.*did you mean 'iris'"):
        ns.datasets.path("irs")


def _build(kind: str, source: Path, out: Path) -> Path:
    code = (f"import setuptools.build_meta as b; "
            f"print(b.build_{kind}({str(out)!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=source, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return out / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    pytest.importorskip("setuptools")
    base = tmp_path_factory.mktemp("dist")
    source = base / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "netsim", source / "netsim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = base / "out"
    out.mkdir()
    return _build("wheel", source, out), _build("sdist", source, out)


def test_wheel_and_sdist_contents(dists):
    wheel, sdist = dists
    names = set(zipfile.ZipFile(wheel).namelist())
    version = ns.__version__
    for name in ("netsim/py.typed", "netsim/datasets/iris.csv", "netsim/io/schema.json",
                 "netsim/sklearn.py", "netsim/interop/pytorch.py",
                 f"netsim-{version}.dist-info/licenses/LICENSE"):
        assert name in names, name
    metadata = zipfile.ZipFile(wheel).read(f"netsim-{version}.dist-info/METADATA").decode()
    assert f"Version: {version}" in metadata and "License-Expression: MIT" in metadata
    assert "Provides-Extra: torch" in metadata and "Classifier: Typing :: Typed" in metadata
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {"LICENSE", "README.md", "pyproject.toml", "netsim/datasets/iris.csv",
            "netsim/py.typed"} <= members


def test_installed_wheel_runs_from_another_directory(dists, tmp_path):
    wheel, _ = dists
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--no-index", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = run("-c", "import netsim; print(netsim.__file__)")
    assert where.startswith(str(site))
    assert "<Network 'xor'" in run("-m", "netsim", "demo")
    iris = run("-m", "netsim.datasets", "iris").strip()
    assert iris.startswith(str(site)) and Path(iris).is_file()
    run("-m", "netsim", "new", "mlp", "4-8-3", "--activation", "tanh",
        "--output-activation", "softmax", "--init", "glorot", "--seed", "1", "-o", "iris.json")
    run("-m", "netsim", "train", "iris.json", iris, "--classes", "species", "--loss",
        "cross_entropy", "--optimizer", "adam", "--lr", "0.02", "--epochs", "5",
        "--batch-size", "16", "--seed", "1", "-o", "trained.json")
    assert (work / "trained.json").is_file()
