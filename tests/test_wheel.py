"""An installed wheel carries the ontology, shapes, context, queries, data and page templates (and
not the benchmarks): `survey_kg.load_survey()` returns the survey's graph, `survey-kg export
--out DIR` writes the same dumps from a folder that is not a survey (saying it reads the survey
shipped with the package), its templates render a survey's pages, and no command writes into
the installed package: outside a survey the commands that write stop, and `--root` at the
package's own survey is refused.

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

from survey_kg.build import build
from survey_kg.dump import write_dump
from survey_kg.load import load
from survey_kg.paths import Survey

from .conftest import ROOT, SMALL

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
    package = ROOT / "survey_kg"
    data_files = {p.relative_to(ROOT).as_posix() for p in package.rglob("*") if p.is_file()
                  and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert {"survey_kg/templates/section.md.j2", "survey_kg/templates/labels.toml"} <= data_files
    assert data_files <= names  # templates, labels, the importer's vocabulary


def test_load_from_the_installed_wheel(installed):
    python, _, work = installed
    code = ("import json, survey_kg; g = survey_kg.load_survey(); "
            "print(json.dumps([len(g), survey_kg.__file__]))")
    count, location = json.loads(run([python, "-c", code], cwd=work, env=clean_env()).stdout)
    assert count == len(load([ROOT / "data"]))
    assert Path(location).is_relative_to(python.parent.parent), "imported from the repository"


def package_files(python) -> dict[str, bytes]:
    """Every file of the installed package (its survey included)."""
    package = Path(run([python, "-c", "import survey_kg, os; print(os.path.dirname("
                                      "survey_kg.__file__))"], cwd=python.parent,
                       env=clean_env()).stdout.strip())
    assert package.is_relative_to(python.parent.parent), "not the installed package"
    return {p.relative_to(package).as_posix(): p.read_bytes() for p in package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_export_from_the_installed_wheel_gives_the_same_dumps(installed, tmp_path):
    _, script, work = installed
    out = work / "dump"
    result = run([script, "export", "--out", out], cwd=work, env=clean_env())
    assert result.stderr.startswith("survey-kg: no survey here; reading the survey shipped with "
                                    "survey-kg (")
    assert result.stderr.count("no survey here") == 1
    expected = write_dump(load([ROOT / "data"]), tmp_path / "expected")
    assert len(expected.files) >= 7
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in expected.files}


def test_the_installed_wheel_renders_a_surveys_pages(installed, tmp_path):
    """The templates and queries ship: `readme --check` on a copy of the small survey (data and
    page tree, no queries/ folder), built by this checkout, finds its pages up to date, from the
    installed package alone."""
    _, script, work = installed
    root = tmp_path / "small"
    shutil.copytree(SMALL, root, ignore=shutil.ignore_patterns("make.py", "dist"))
    build(Survey(root))
    result = subprocess.run([str(script), "--root", str(root), "readme", "--check"], cwd=work,
                            env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "up to date" in result.stderr


@pytest.mark.parametrize("args", [["export"], ["build"], ["readme"], ["build", "--out", "{out}"]],
                         ids=["export", "build", "readme", "build-out"])
def test_outside_a_survey_the_commands_that_write_stop(installed, tmp_path, args):
    python, script, work = installed
    before, here = package_files(python), sorted(work.rglob("*"))
    args = [arg.format(out=tmp_path / "out") for arg in args]
    result = subprocess.run([str(script), *args], cwd=work, env=clean_env(), capture_output=True,
                            text=True)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert result.stderr == (f"survey-kg: error: {work}: no survey here: run inside one or give "
                             "--root (a survey is a folder holding data/ with Turtle files, "
                             "found in the current folder or above it)\n")
    assert package_files(python) == before and sorted(work.rglob("*")) == here
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["export"], ["build"], ["build", "--out", "{out}"], ["readme"]],
                         ids=["export", "build", "build-out", "readme"])
def test_the_package_s_own_survey_is_never_written_into(installed, tmp_path, args):
    python, script, work = installed
    bundled = run([python, "-c", "from survey_kg.paths import bundled_survey; "
                                 "print(bundled_survey().root)"], cwd=work,
                  env=clean_env()).stdout.strip()
    assert Path(bundled).is_relative_to(python.parent.parent), "not the installed package's"
    before = package_files(python)
    args = [arg.format(out=tmp_path / "out") for arg in args]
    result = subprocess.run([str(script), "--root", bundled, *args], cwd=work, env=clean_env(),
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"survey-kg: error: {bundled}: this is the survey shipped "
                                    "inside the installed package")
    assert package_files(python) == before
    assert not (tmp_path / "out").exists()
