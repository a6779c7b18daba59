"""`survey-kg build`, `readme` and `export` killed mid-write leave every page and dump file whole:
the complete old version or the complete new version, never a mix or a stump. The website
(dist/site/, written by build) is one output here: the whole old site or the whole new one.

A copy of the small survey (data/ and its page tree in survey/) is built once: the "old"
outputs. One work gets a new title, which changes both root pages, its section's two pages and
every dump file that depends on the data; an uninterrupted build of that gives the "new"
outputs. Then each command runs on fresh copies of the old state with the changed data and is
killed with SIGKILL (no handler runs) at these points:

- with a slowed disk (`os.fsync` sleeps first, so a temporary file exists long enough to be
  seen): while the temporary file of each output the command changes is open, one run per
  output;
- the installed `survey-kg` script as it is, at the first sign of a write (a temporary file, or an
  output already replaced);
- `build` after fixed fractions of its uninterrupted run time (some before any write).

After each kill, no process of the command is left, every output is byte-equal to its old or
its new version and parses (Turtle, N-Triples, JSON), the output being written when killed is
still the old one and so is every other (pages and dump files are all written beside their
place before the first is renamed), nothing else new is in the folders but temporary files of
the dead processes (at most one per output), and `survey-kg readme --check` says 1 (stale) or 0
(up to date, exactly when every page is new), never an error. Running the command again
completes the new state and removes the dead process's temporary files.
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

from .conftest import SMALL

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pid checks are POSIX")

RETITLED = "data/works/2303.03378.ttl"
TITLE = '"PaLM-E: An Embodied Multimodal Language Model"@en'
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


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SURVEY_KG), "--root", str(root), *args], capture_output=True,
                          text=True, timeout=PATIENCE)


SITE = "dist/site"  # the website: one output, put in place whole (a folder renamed into place)


def _staged(part: str) -> bool:
    return part.startswith(".") and part.endswith((".tmp", ".old"))


def outputs(root: Path) -> list[str]:
    """What a build wrote: every file but the data (the pages and dist/) and the site as one
    output, temporaries aside."""
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if p.is_file() and p.relative_to(root).parts[0] != "data"
                   and not any(map(_staged, p.relative_to(root).parts))
                   and not p.relative_to(root).as_posix().startswith(SITE + "/"))
    return sorted(found + [SITE]) if (root / SITE).is_dir() else found


def read(path: Path) -> bytes:
    """A file's bytes; for the site, every file's path and bytes, in order."""
    if not path.is_dir():
        return path.read_bytes()
    return b"".join(p.relative_to(path).as_posix().encode() + b"\0" + p.read_bytes() + b"\0"
                    for p in sorted(path.rglob("*")) if p.is_file())


class Old:
    """The old state, the change, and what comes of it."""

    def __init__(self, folder: Path, change: tuple[str, str], old: dict, new: dict,
                 seconds: float):
        self.folder, self.change, self.old, self.new, self.seconds = \
            folder, change, old, new, seconds
        self.outputs = sorted(old)
        changed = [name for name in self.outputs if old[name] != new[name]]
        self.pages = [name for name in self.outputs if not name.startswith("dist/")]
        # what each command writes when the data changed (the context, ontology and shapes do
        # not depend on the data: their bytes stay and they are not rewritten)
        self.writes = {"readme": [n for n in changed if not n.startswith("dist/")],
                       "export": [n for n in changed if n.startswith("dist/") and n != SITE]}
        self.writes["build"] = self.writes["readme"] + self.writes["export"] + \
            [n for n in changed if n == SITE]


def snapshot(root: Path, names: list[str]) -> dict[str, bytes]:
    return {name: read(root / name) for name in names}


@pytest.fixture(scope="module")
def survey(tmp_path_factory) -> Old:
    old = tmp_path_factory.mktemp("old") / "small"
    shutil.copytree(SMALL, old, ignore=shutil.ignore_patterns("make.py", "dist"))
    assert run(old, "build").returncode == 0
    text = (old / RETITLED).read_text(encoding="utf-8")
    assert TITLE in text
    change = (RETITLED, text.replace(TITLE, TITLE.replace("Model", "Model, Retitled")))
    new = tmp_path_factory.mktemp("new") / "small"
    shutil.copytree(old, new)
    (new / change[0]).write_text(change[1], encoding="utf-8")
    started = time.monotonic()
    done = run(new, "build")
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    names = outputs(old)
    assert outputs(new) == names
    state = Old(old, change, snapshot(old, names), snapshot(new, names), seconds)
    # the change reaches pages of both kinds and languages, and the data's dump files
    assert {"survey/README.md", "survey/README_zh.md"} <= set(state.writes["readme"])
    assert len(state.writes["readme"]) == 4
    assert {"dist/survey.ttl", "dist/survey.nt", "dist/survey.jsonld", "dist/void.ttl"} <= \
        set(state.writes["export"])
    assert SITE in state.writes["build"]  # the retitled work's pages are in the new site
    return state


def fresh_copy(survey: Old, tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(survey.folder, root)
    path, text = survey.change
    (root / path).write_text(text, encoding="utf-8")
    return root


def temporaries(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.tmp"))


def check_after_kill(root: Path, survey: Old, writing: str | None = None) -> int:
    """The invariants after a kill; returns how many outputs are new."""
    old, new = survey.old, survey.new
    left = temporaries(root)
    # the temporary files left are those of a process that is gone: the killed one
    owners = {int(p.name.split(".")[-3]) for p in left}  # .NAME.PID.RANDOM.tmp
    deadline = time.monotonic() + PATIENCE
    while any(_process_exists(pid) for pid in owners):  # a zombie counts as gone
        assert time.monotonic() < deadline, f"processes {owners} outlive the killed command"
        time.sleep(0.01)
    assert temporaries(root) == left  # nothing was written after the kill
    owned = [(p.parent, p.name.rsplit(".", 3)[0]) for p in left]
    assert len(set(owned)) == len(left), left  # at most one per output
    now = snapshot(root, survey.outputs)
    for name, data in now.items():
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new file " \
                                               f"({len(data)} bytes)"
        parse(name, data)
    if writing is not None:
        assert now[writing] == old[writing], f"{writing} was replaced before its write finished"
    assert outputs(root) == survey.outputs  # nothing else
    check = CliRunner().invoke(main, ["--root", str(root), "readme", "--check"])
    pages_new = all(now[name] == new[name] for name in survey.pages)
    assert check.exit_code == (0 if pages_new else 1), check.output
    return sum(now[name] == new[name] and old[name] != new[name] for name in survey.outputs)


def parse(name: str, data: bytes) -> None:
    if name == SITE:
        return  # (its pages are checked in tests/test_site.py)
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
    assert run(root, command).returncode == 0
    now = snapshot(root, survey.outputs)
    assert [name for name in survey.writes[command] if now[name] != survey.new[name]] == []
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
    for index, target in enumerate(survey.writes[command]):
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
        assert new_files == 0  # everything is written beside its place before a rename
        print(f"kill point: {command}, while writing {target} ({new_files} outputs new)")
        if index == len(survey.writes[command]) - 1:
            finish_and_check(root, survey, command)


@pytest.mark.parametrize("command", ["build", "readme", "export"])
def test_the_real_command_killed_at_its_first_write(command, survey, tmp_path):
    root = fresh_copy(survey, tmp_path)

    def writing() -> bool:
        return bool(temporaries(root)) or any(
            read(root / name) != survey.old[name] for name in survey.writes[command])

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


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.8, 0.9, 0.97])
def test_build_killed_at_any_moment(fraction, survey, tmp_path):
    root = fresh_copy(survey, tmp_path)
    process = subprocess.Popen([str(SURVEY_KG), "--root", str(root), "build"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(fraction * survey.seconds)
    kill(process)
    new_files = check_after_kill(root, survey)
    print(f"kill point: build (unpatched), after {fraction:.0%} of its run time "
          f"({new_files} outputs new)")
