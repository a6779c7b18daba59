"""Every console example of README.md runs and prints what the README shows, as doctest does.

The README's ```console blocks run in order, in one copy of the survey (data/, survey/, sources/,
queries/, ontology/) built once first, as the set-up does. Each `$ command` runs with bash, in the
survey's folder (a `cd` changes it for the commands after it in its block); its standard output and error
together must be the lines the README shows under it. A line `...` stands for any lines (none
too); timings (`0.55 s`) and the README's example folder (/home/me/survey-kg) match any. A
```markdown NAME block is written to the file NAME in the survey's folder, for the commands after
it. A command ending in `&` starts in the background (a server, on a free port instead of the
README's 7878) and is stopped at the end. `pip install` lines are not run: the test environment
has what they install.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
EXAMPLE_ROOT = "/home/me/survey-kg"
COPIED = ("data", "survey", "sources", "queries", "ontology")
FENCE = re.compile(r"^```(\S*)(?: (\S+))?\n(.*?)^```\n", re.M | re.S)
TIMING = re.compile(r"\b\d+\.\d+ s\b")


def blocks(text: str) -> list[tuple[str, str | None, str]]:
    """(language, file name, body) of each fenced block, in order."""
    return [(m[1], m[2], m[3]) for m in FENCE.finditer(text)]


def examples(body: str) -> list[tuple[str, list[str]]]:
    """(command, expected lines) of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            assert found, f"a console block starts with output, not a command: {line!r}"
            found[-1][1].append(line)
    return found


def normal(text: str) -> str:
    return TIMING.sub("N s", text.replace("\r\n", "\n"))


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected`, each `...` line standing for any lines."""
    pattern = "".join("(?:.*\n)*?" if line == "..." else re.escape(line) + "\n"
                      for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60  # a watchdog, not a performance assertion
    while time.monotonic() < deadline:
        assert process.poll() is None, "the background command ended"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture(scope="module")
def survey(tmp_path_factory) -> Path:
    """A copy of the repository's survey, built as the set-up builds it."""
    root = tmp_path_factory.mktemp("readme") / "survey-kg"
    for name in COPIED:
        shutil.copytree(ROOT / name, root / name)
    done = subprocess.run(["survey-kg", "build"], cwd=root, capture_output=True, text=True,
                          env=environment(), timeout=600)
    assert done.returncode == 0, done.stderr
    return root


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SURVEY_KG_", "COLUMNS"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_readme_has_console_examples():
    consoles = [body for language, _, body in blocks(README.read_text(encoding="utf-8"))
                if language == "console"]
    assert len(consoles) >= 8
    assert sum(len(examples(body)) for body in consoles) >= 20


def test_every_console_example_prints_what_the_readme_shows(survey):
    port = free_port()
    text = README.read_text(encoding="utf-8").replace("127.0.0.1:7878", f"127.0.0.1:{port}")
    env, background, failures, ran = environment(), [], [], 0
    try:
        for language, name, body in blocks(text):
            if language == "markdown" and name:
                (survey / name).write_text(body, encoding="utf-8")
                continue
            if language != "console":
                continue
            cwd = survey  # each block starts in the survey's folder
            for command, expected in examples(body):
                if command.startswith("pip install"):
                    continue
                if command.startswith("cd "):
                    cwd = (cwd / command[3:].strip()).resolve()
                    continue
                if command.endswith("&"):
                    process = subprocess.Popen(["bash", "-c", f"exec {command[:-1]}"], cwd=cwd,
                                               env=env, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, start_new_session=True)
                    background.append(process)
                    wait_for_port(port, process)
                    continue
                done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, timeout=600,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                ran += 1
                actual = normal(done.stdout.decode("utf-8")).splitlines()
                wanted = [normal(line.replace(EXAMPLE_ROOT, str(survey))) for line in expected]
                if not matches(wanted, actual):
                    failures.append(f"$ {command}\n--- the README shows:\n" + "\n".join(wanted)
                                    + "\n--- it prints:\n" + "\n".join(actual[:40]))
    finally:
        for process in background:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    assert ran >= 15  # (the commands the README shows, less pip, cd and the server)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("expected,actual,same", [
    (["a", "...", "z"], ["a", "b", "c", "z"], True),
    (["a", "...", "z"], ["a", "z"], True),
    (["a", "z"], ["a", "b", "z"], False),
    (["a"], [], False),
    ([], [], True),
    (["(N s)"], [normal("(0.55 s)")], True),
])
def test_the_comparison(expected, actual, same):
    assert matches(expected, actual) is same
