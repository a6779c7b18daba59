"""The survey-kg command starts itself again under mimalloc (survey_kg/allocator.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from survey_kg import __version__, allocator
from survey_kg.allocator import ENV, mimalloc_library, restart_args

LIBRARY = "/site/cmeel.prefix/lib/libmimalloc.so"


def test_the_restart_keeps_the_interpreter_arguments_and_environment():
    program, args, env = restart_args({"HOME": "/home/me"}, ["python", "/venv/bin/survey-kg",
                                                           "--root", "s", "build"],
                                      "/venv/bin/python", platform="linux", library=LIBRARY)
    assert program == "/venv/bin/python"
    assert args == ["/venv/bin/python", "/venv/bin/survey-kg", "--root", "s", "build"]
    assert env == {"HOME": "/home/me", "LD_PRELOAD": LIBRARY, ENV: "mimalloc",
                   "MIMALLOC_ALLOW_THP": "0"}


def test_the_restart_keeps_the_users_mimalloc_options():
    _, _, env = restart_args({"MIMALLOC_ALLOW_THP": "1"}, ["python", "-m", "survey_kg.cli"],
                             "/usr/bin/python3", platform="linux", library=LIBRARY)
    assert env["MIMALLOC_ALLOW_THP"] == "1"


def test_the_restart_puts_mimalloc_before_what_was_preloaded():
    _, _, env = restart_args({"LD_PRELOAD": "/lib/other.so"}, ["python", "-m", "survey_kg.cli"],
                             "/usr/bin/python3", platform="linux", library=LIBRARY)
    assert env["LD_PRELOAD"] == f"{LIBRARY}:/lib/other.so"


@pytest.mark.parametrize("environ, platform, executable", [
    ({ENV: "mimalloc"}, "linux", "/usr/bin/python3"),  # restarted already: no third start
    ({ENV: "system"}, "linux", "/usr/bin/python3"),  # the user's choice
    ({}, "darwin", "/usr/bin/python3"),  # no LD_PRELOAD there
    ({}, "linux", ""),  # an embedded interpreter: nothing to start again
])
def test_no_restart(environ, platform, executable):
    assert restart_args(environ, ["python", "-m", "survey_kg.cli"], executable,
                        platform=platform, library=LIBRARY) is None


def test_no_restart_without_the_library(monkeypatch):
    monkeypatch.setattr(allocator, "mimalloc_library", lambda: None)
    assert restart_args({}, ["python", "-m", "survey_kg.cli"], "/usr/bin/python3",
                        platform="linux") is None


def test_the_library_is_found_where_cmeel_installs_it(tmp_path):
    site = tmp_path / "site-packages"
    assert mimalloc_library([str(tmp_path), str(site)]) is None
    for folder in (tmp_path, site):
        (folder / "cmeel.prefix" / "lib").mkdir(parents=True)
        (folder / "cmeel.prefix" / "lib" / "libmimalloc.so").write_bytes(b"")
    assert mimalloc_library([str(tmp_path), "", str(site)]) == \
        str(site / "cmeel.prefix" / "lib" / "libmimalloc.so")


def test_a_library_in_the_current_folder_is_never_preloaded(tmp_path, monkeypatch):
    """`python -m survey_kg.cli` puts the current folder on sys.path: a survey folder holding a
    cmeel.prefix/lib/libmimalloc.so of its own must not get it preloaded into the command."""
    (tmp_path / "cmeel.prefix" / "lib").mkdir(parents=True)
    (tmp_path / "cmeel.prefix" / "lib" / "libmimalloc.so").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    assert mimalloc_library(["", str(tmp_path), os.curdir]) is None


SCRIPT = textwrap.dedent("""
    import sys
    with open("/proc/self/maps") as maps:
        allocator = "mimalloc" if "libmimalloc" in maps.read() else "system"
    with open("/proc/self/status") as status:
        thp = [line.split()[1] for line in status if line.startswith("THP_enabled:")]
    print(allocator, *thp or ["-"], file=sys.stderr)
    sys.argv = ["survey-kg", "--version"]
    from survey_kg.cli import entry
    entry()
""")


def _starts(env: dict[str, str]) -> list[list[str]]:
    """Each start of `survey-kg --version` run with `env`, in order: [its allocator, its
    THP_enabled ("-" where the kernel does not say)]."""
    run = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"survey-kg, version {__version__}\n"  # the command ran once, in the last start
    return [line.split() for line in run.stderr.splitlines()]


@pytest.mark.skipif(not sys.platform.startswith("linux") or mimalloc_library() is None,
                    reason="mimalloc is preloaded on Linux, from the cmeel-mimalloc wheel")
@pytest.mark.parametrize("choice, started", [(None, ["system", "mimalloc"]),
                                             ("system", ["system"])])
def test_the_command_runs_again_with_mimalloc_loaded(choice, started):
    env = {name: value for name, value in os.environ.items() if name != ENV}
    if choice:
        env[ENV] = choice
    assert [start[0] for start in _starts(env)] == started  # the allocator of each start, in order


@pytest.mark.skipif(not sys.platform.startswith("linux") or mimalloc_library() is None,
                    reason="mimalloc is preloaded on Linux, from the cmeel-mimalloc wheel")
@pytest.mark.parametrize("choice, enabled", [(None, ["1", "0"]), ("1", ["1", "1"])])
def test_the_command_runs_without_transparent_huge_pages_unless_asked(choice, enabled):
    """mimalloc reads MIMALLOC_ALLOW_THP=0 (a misspelt option would be ignored silently) and turns
    transparent huge pages off for the restarted command; a user's MIMALLOC_ALLOW_THP wins. The
    kernel says so in /proc/self/status (THP_enabled, Linux 5.0 and later)."""
    with open("/proc/self/status") as status:
        ours = [line.split()[1] for line in status if line.startswith("THP_enabled:")]
    if ours != ["1"]:  # (inherited from a process that turned them off: nothing to tell apart)
        pytest.skip(f"this process's THP_enabled is {ours or 'not reported'}, not 1")
    env = {name: value for name, value in os.environ.items()
           if name != ENV and not name.startswith("MIMALLOC_")}
    if choice is not None:
        env["MIMALLOC_ALLOW_THP"] = choice
    assert [start[1] for start in _starts(env)] == enabled  # each start's, in order


def test_the_command_starts_again_before_it_imports_the_graph_libraries():
    """What the first start imports is wasted: the console script's module loads neither rdflib
    nor pyoxigraph (`import survey_kg` does not load survey_kg.load)."""
    code = ("import sys, survey_kg.cli; "
            "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'jinja2') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "[]\n"


def test_survey_kg_load_stays_the_function_once_its_submodule_is_imported():
    code = textwrap.dedent("""
        import importlib, types, survey_kg
        module = importlib.import_module("survey_kg.load")  # sets the package's attribute
        import survey_kg.build  # imports it again, from inside the package
        from survey_kg.load import load_files
        assert isinstance(module, types.ModuleType) and module.load_files is load_files
        assert survey_kg.load.__module__ == "survey_kg" and callable(survey_kg.load)
        print(len(survey_kg.load()))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 1000  # the shipped survey's triples
