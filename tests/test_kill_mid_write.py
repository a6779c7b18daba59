"""`survey-kg build`, `readme` and `export` killed mid-write leave every README and dump file whole:
the complete old version or the complete new version, never a mix or a stump.

A copy of the survey (data/, queries/, both READMEs) is built once: the "old" outputs. A curation
note (in English and Chinese) is added to one paper, which changes both READMEs and every dump
file that depends on the data; an uninterrupted build of that gives the "new" outputs. Then each
command runs on fresh copies of the old state with the changed data and is killed with SIGKILL
(no handler runs) at these points:

- with a slowed disk (`os.fsync` sleeps first, so a temporary file exists long enough to be
  seen): while the temporary file of each output the command writes is open, one run per output;
- the installed `survey-kg` script as it is, at the first sign of a write (a temporary file, or an
  output already replaced);
- `build` after fixed fractions of its uninterrupted run time (some before any write).

After each kill, no process of the command is left, every output
is byte-equal to its old or its new version and parses (Turtle, N-Triples, JSON), the output
being written when killed is still the old one, nothing else new is in the folders but temporary
files of the dead processes (at most one per output), and `survey-kg readme --check` says 1
(stale) or 0 (up to date, exactly when both READMEs are new), never an error. Running the command
again completes the new state and removes the dead process's temporary files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from survey_kg.cli import main
from survey_kg.files import _process_exists

from .conftest import ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pid checks are POSIX")

READMES = ["README.md", "README_zh.md"]
DUMPS = ["survey.ttl", "survey.nt", "survey.jsonld", "context.jsonld", "ontology.ttl",
         "shapes.ttl", "void.ttl"]
OUTPUTS = READMES + [f"dist/{name}" for name in DUMPS]
# What each command writes, in its order, when the data changed (context, ontology and shapes do
# not depend on the data: their bytes stay and they are not rewritten).
WRITES = {
    "readme": ["README.md", "README_zh.md"],
    "export": ["dist/survey.ttl", "dist/survey.nt", "dist/survey.jsonld", "dist/void.ttl"],
}
WRITES["build"] = WRITES["readme"] + WRITES["export"]
# How many outputs are already new while each one's temporary file is written: none. The READMEs
# are both written beside their files before either is renamed, and so are a dump's files; a
# build writes the READMEs while its worker thread validates and writes the dump, renames the
# READMEs in once the report conforms, then the dump.
NEW_BEFORE = {
    "readme": dict.fromkeys(WRITES["readme"], 0),
    "export": dict.fromkeys(WRITES["export"], 0),
}
NEW_BEFORE["build"] = {**NEW_BEFORE["export"], **NEW_BEFORE["readme"]}
SLOW_FSYNC_SECONDS = 0.1
# Watchdog for the polling loops (not a performance assertion): a command that never gets to the
# write it is waited for fails the test instead of hanging it.
PATIENCE = 60

SLOW_DISK = r"""
import os, sys, time
real_fsync = os.fsync
def slow_fsync(fd):
    time.sleep(float(os.environ["SLOW_FSYNC_SECONDS"]))
    real_fsync(fd)
os.fsync = slow_fsync
from survey_kg.cli import main
main(sys.argv[1:], prog_name="survey-kg")
"""
SURVEY_KG = Path(sys.executable).with_name("survey-kg")


def note_for(paper: str) -> str:
    return ("@prefix paper: <https://w3id.org/survey-kg/paper/> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
            f"paper:{paper} skos:editorialNote \"A note added by the kill test.\"@en, "
            "\"中断测试添加的说明。\"@zh .\n")


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SURVEY_KG), "--root", str(root), *args], capture_output=True,
                          text=True, timeout=PATIENCE)


def snapshot(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    """(old folder, change to apply, old bytes, new bytes, seconds an uninterrupted build takes)."""
    old = tmp_path_factory.mktemp("old")
    for name in ("data", "queries"):
        shutil.copytree(ROOT / name, old / name)
    for name in READMES:
        shutil.copy2(ROOT / name, old / name)
    assert run(old, "build").returncode == 0
    paper = sorted((old / "data" / "papers").glob("*.ttl"))[0].stem
    change = ("data/papers/zz-kill-test.ttl", note_for(paper))
    new = tmp_path_factory.mktemp("new")
    shutil.copytree(old, new, dirs_exist_ok=True)
    (new / change[0]).write_text(change[1], encoding="utf-8")
    started = time.monotonic()
    done = run(new, "build")
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    before, after = snapshot(old), snapshot(new)
    changed = {name for name in OUTPUTS if before[name] != after[name]}
    assert changed == set(WRITES["build"]), changed  # the change reaches every data output
    return old, change, before, after, seconds


def fresh_copy(survey, tmp_path: Path) -> Path:
    old, (path, text), *_ = survey
    root = tmp_path / "survey"
    shutil.copytree(old, root)
    (root / path).write_text(text, encoding="utf-8")
    return root


def temporaries(root: Path) -> list[Path]:
    return sorted(p for folder in (root, root / "dist") for p in folder.glob(".*.tmp"))


def check_after_kill(root: Path, survey, writing: str | None = None) -> int:
    """The invariants after a kill; returns how many outputs are new."""
    _, _, old, new, _ = survey
    left = temporaries(root)
    # the temporary files left are those of a process that is gone: the killed one
    owners = {int(p.name.split(".")[-3]) for p in left}  # .NAME.PID.RANDOM.tmp
    deadline = time.monotonic() + PATIENCE
    while any(_process_exists(pid) for pid in owners):  # a zombie counts as gone
        assert time.monotonic() < deadline, f"processes {owners} outlive the killed command"
        time.sleep(0.01)
    assert temporaries(root) == left  # nothing was written after the kill
    assert len({p.name.rsplit(".", 3)[0] for p in left}) == len(left), left  # one per output
    now = snapshot(root)
    for name, data in now.items():
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new file " \
                                               f"({len(data)} bytes)"
        parse(name, data)
    if writing is not None:
        assert now[writing] == old[writing], f"{writing} was replaced before its write finished"
    listed = {p.relative_to(root).as_posix() for folder in (root, root / "dist")
              for p in folder.iterdir() if p.is_file()}
    assert listed - {p.relative_to(root).as_posix() for p in left} == set(OUTPUTS)
    check = CliRunner().invoke(main, ["--root", str(root), "readme", "--check"])
    readmes_new = all(now[name] == new[name] for name in READMES)
    assert check.exit_code == (0 if readmes_new else 1), check.output
    return sum(now[name] == new[name] and old[name] != new[name] for name in OUTPUTS)


def parse(name: str, data: bytes) -> None:
    if name.endswith(".jsonld"):
        json.loads(data)
    elif name.endswith(".nt"):
        list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    elif name.endswith(".ttl"):
        list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    else:
        data.decode("utf-8")


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=PATIENCE)


def finish_and_check(root: Path, survey, command: str) -> None:
    """Running the command again completes the new state and removes the dead process's
    temporary files."""
    _, _, _, new, _ = survey
    assert run(root, command).returncode == 0
    now = snapshot(root)
    assert [name for name in WRITES[command] if now[name] != new[name]] == []
    assert temporaries(root) == []


def wait_for(process: subprocess.Popen, condition) -> bool:
    """Poll until `condition()` or the process ends; True when the condition was met first."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the command never got there"
        time.sleep(0.002)
    return True


# ------------------------------------------------------------------ the tests

@pytest.mark.parametrize("command", ["build", "readme", "export"])
def test_killed_while_each_output_is_written(command, survey, tmp_path):
    env = {**os.environ, "SLOW_FSYNC_SECONDS": str(SLOW_FSYNC_SECONDS)}
    for index, target in enumerate(WRITES[command]):
        root = fresh_copy(survey, tmp_path / f"{index}")
        folder, name = (root / target).parent, (root / target).name
        process = subprocess.Popen([sys.executable, "-c", SLOW_DISK, "--root", str(root),
                                    command], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            seen = wait_for(process, lambda: any(folder.glob(f".{name}.*.tmp")))
        finally:
            kill(process)
        assert seen, f"{command} ended without writing {target}"
        new_files = check_after_kill(root, survey, writing=target)
        assert new_files == NEW_BEFORE[command][target]
        print(f"kill point: {command}, while writing {target} ({new_files} outputs new)")
        if index == len(WRITES[command]) - 1:
            finish_and_check(root, survey, command)


@pytest.mark.parametrize("command", ["build", "readme", "export"])
def test_the_real_command_killed_at_its_first_write(command, survey, tmp_path):
    root = fresh_copy(survey, tmp_path)
    _, _, old, _, _ = survey

    def writing() -> bool:
        return bool(temporaries(root)) or any(
            (root / name).read_bytes() != old[name] for name in WRITES[command])

    process = subprocess.Popen([str(SURVEY_KG), "--root", str(root), command],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen = wait_for(process, writing)
    finally:
        kill(process)
    new_files = check_after_kill(root, survey)
    print(f"kill point: {command} (unpatched), at its first write "
          f"({'seen' if seen else 'it finished first'}; {new_files} outputs new)")
    finish_and_check(root, survey, command)


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.65, 0.8])
def test_build_killed_at_any_moment(fraction, survey, tmp_path):
    root = fresh_copy(survey, tmp_path)
    process = subprocess.Popen([str(SURVEY_KG), "--root", str(root), "build"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(fraction * survey[4])
    kill(process)
    new_files = check_after_kill(root, survey)
    print(f"kill point: build (unpatched), after {fraction:.0%} of its run time "
          f"({new_files} outputs new)")
