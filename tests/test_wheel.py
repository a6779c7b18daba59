"""An installed wheel carries the ontology, shapes, context, queries, data and page templates (and
not the benchmarks): `survey_kg.load_survey()` returns the survey's graph, and `survey-kg export`
writes the same dumps, from a folder that is not a survey, without the repository on the path.

The wheel is built (pip wheel) and installed into a fresh virtual environment. Its dependencies
are not downloaded again: the new environment sees the running environment's site-packages
through a .pth file, the way --system-site-packages would see a system Python's."""

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from survey_kg.dump import write_dump
from survey_kg.load import load

from .conftest import ROOT

pytestmark = pytest.mark.slow


def run(args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", tmp / "wheels",
         ROOT])
    return next((tmp / "wheels").glob("survey_kg-*.whl"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel):
    """(python, survey-kg script, a working folder outside the repository)."""
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    target = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                  .stdout.strip())
    (target / "_dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--no-compile", wheel])
    work = tmp / "elsewhere"
    work.mkdir()
    return python, venv / "bin" / "survey-kg", work


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "SURVEY_KG_ROOT", "VIRTUAL_ENV")}
    return env


def shipped(folder: str, suffix: str) -> set[str]:
    """The files of a top-level folder of the repository with this suffix, relative to it."""
    return {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob("*" + suffix)}


def test_the_wheel_ships_the_survey_and_not_the_benchmarks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [n for n in names if "benchmarks" in n or n.rsplit("/", 1)[-1] in
                ("bench.py", "synth.py")], "the benchmarks are not part of the package"
    assert not [n for n in names if n.startswith("tests/")]
    bundled = "survey_kg/_bundled/"
    for folder, suffix in (("ontology", ".ttl"), ("ontology", ".jsonld"), ("queries", ".rq"),
                           ("data", ".ttl")):
        expected = shipped(folder, suffix)
        assert expected, (folder, suffix)
        assert {f"{bundled}{folder}/{name}" for name in expected} <= names, (folder, suffix)
    templates = {p.name for p in (ROOT / "survey_kg" / "templates").glob("*.md.j2")}
    assert templates and {f"survey_kg/templates/{name}" for name in templates} <= names


def test_load_from_the_installed_wheel(installed):
    python, _, work = installed
    code = ("import json, survey_kg; g = survey_kg.load_survey(); "
            "print(json.dumps([len(g), survey_kg.__file__]))")
    count, location = json.loads(run([python, "-c", code], cwd=work, env=clean_env()).stdout)
    assert count == len(load([ROOT / "data"]))
    assert Path(location).is_relative_to(python.parent.parent), "imported from the repository"


def test_export_from_the_installed_wheel_gives_the_same_dumps(installed, tmp_path):
    _, script, work = installed
    out = work / "dump"
    run([script, "export", "--out", out], cwd=work, env=clean_env())
    expected = write_dump(load([ROOT / "data"]), tmp_path / "expected")
    assert len(expected.files) == 7
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in expected.files}


def test_the_installed_wheel_renders_this_surveys_pages(installed, tmp_path):
    """The templates and queries ship: `readme --check` on a copy of the survey (pages and data,
    no queries/ folder) finds its pages up to date, from the installed package alone."""
    _, script, work = installed
    root = tmp_path / "survey"
    shutil.copytree(ROOT / "data", root / "data")
    for name in ("README.md", "README_zh.md"):
        shutil.copyfile(ROOT / name, root / name)
    result = subprocess.run([str(script), "--root", str(root), "readme", "--check"], cwd=work,
                            env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "up to date" in result.stderr


def test_export_refuses_to_write_into_the_installed_package(installed):
    _, script, work = installed
    result = subprocess.run([str(script), "export"], cwd=work, env=clean_env(),
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "--out" in result.stderr and "installed package" in result.stderr
