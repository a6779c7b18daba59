"""An installed wheel carries the ontology, shapes, context, queries and data: `survey_kg.load()`
returns the survey's graph, and `survey-kg export` writes the same dumps, from a folder that is
not a survey, without the repository on the path.

The wheel is built (pip wheel) and installed into a fresh virtual environment. Its dependencies
are not downloaded again: the new environment sees the running environment's site-packages
through a .pth file, the way --system-site-packages would see a system Python's."""

import importlib.util
import json
import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

from survey_kg.export import render_dump
from survey_kg.load import load_files

from .conftest import ROOT

pytestmark = pytest.mark.slow


def run(args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, survey-kg script, a working folder outside the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", tmp / "wheels",
         ROOT])
    wheel = next((tmp / "wheels").glob("survey_kg-*.whl"))
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


def test_load_from_the_installed_wheel(installed):
    python, _, work = installed
    code = ("import json, survey_kg; g = survey_kg.load(); "
            "print(json.dumps([len(g), survey_kg.__file__]))")
    count, location = json.loads(run([python, "-c", code], cwd=work, env=clean_env()).stdout)
    assert count == len(load_files([ROOT / "data"]))
    assert Path(location).is_relative_to(python.parent.parent), "imported from the repository"


def test_export_from_the_installed_wheel_gives_the_same_dumps(installed):
    _, script, work = installed
    out = work / "dump"
    run([script, "export", "--out", out], cwd=work, env=clean_env())
    expected, _ = render_dump(load_files([ROOT / "data"]))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == expected


def test_export_refuses_to_write_into_the_installed_package(installed):
    _, script, work = installed
    result = subprocess.run([str(script), "export"], cwd=work, env=clean_env(),
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "--out" in result.stderr and "installed package" in result.stderr
