"""`survey_kg.files.atomic_write`: a process killed mid-write leaves the old file or the new one.

A writer process replaces one file in a loop with large, self-checking payloads; the test kills it
(SIGKILL: no clean-up handler runs) while a temporary file exists, again and again. Each time the
file must be the old content or one complete payload. The killed writer's temporary file
(`.NAME.PID.RANDOM.tmp`) may stay behind; the next write of that file removes it, because its
process is gone. A live writer's temporary file is never touched.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from survey_kg.errors import InputError
from survey_kg.files import atomic_write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pid checks are POSIX")

SIZE = 24 * 1024 * 1024
OLD = b"old content, complete\n"
ROUNDS = 6
# Watchdog for the polling loops below (not a performance assertion): a writer that never starts
# fails the test instead of hanging it.
PATIENCE = 120

WRITER = r"""
import sys
from survey_kg.files import atomic_write

target, size = sys.argv[1], int(sys.argv[2])
body = b"x" * size
n = 0
while True:
    n += 1
    atomic_write(target, b"payload %d %d\n" % (n, size) + body + b"\nend %d\n" % n)
"""


def complete(data: bytes) -> bool:
    """The old content, or one whole payload (header, body of the stated size, matching end)."""
    if data == OLD:
        return True
    m = re.match(rb"payload (\d+) (\d+)\n", data)
    if not m:
        return False
    n, size = m[1], int(m[2])
    return len(data) == m.end() + size + len(b"\nend %s\n" % n) and data.endswith(b"\nend %s\n" % n)


def temporaries(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def kill_mid_write(target: Path) -> int:
    """Start a writer, wait until it has a temporary file open, SIGKILL it; return its pid."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(SIZE)])
    deadline = time.monotonic() + PATIENCE
    try:
        while not any(str(writer.pid) in p.name for p in temporaries(target.parent, target.name)):
            assert writer.poll() is None, "the writer stopped by itself"
            assert time.monotonic() < deadline, "the writer never started a write"
            time.sleep(0.005)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    return writer.pid


def test_a_killed_writer_leaves_the_old_file_or_a_complete_new_one(tmp_path):
    target = tmp_path / "survey.ttl"
    target.write_bytes(OLD)
    for _ in range(ROUNDS):
        pid = kill_mid_write(target)
        data = target.read_bytes()
        assert complete(data), f"torn file: {len(data)} bytes, starts {data[:40]!r}"
        # what may be left: the killed writer's one temporary file (earlier ones were removed by
        # the writer that followed, whose first write found their processes gone)
        left = temporaries(tmp_path, target.name)
        assert all(f".{target.name}.{pid}." in p.name for p in left), left
        assert len(left) <= 1
        assert {p.name for p in tmp_path.iterdir()} - {p.name for p in left} == {target.name}
    atomic_write(target, b"final\n")
    assert target.read_bytes() == b"final\n"
    assert temporaries(tmp_path, target.name) == []


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_temporaries_of_dead_writers_are_removed(tmp_path):
    target = tmp_path / "a.ttl"
    dead = tmp_path / f".a.ttl.{dead_pid()}.abc123.tmp"
    live = tmp_path / f".a.ttl.{os.getpid()}.def456.tmp"  # this process: alive
    legacy = tmp_path / ".a.ttl.q1w2e3.tmp"  # no pid in the name: not ours to judge
    other = tmp_path / f".b.ttl.{dead_pid()}.abc123.tmp"  # another file's
    for path in (dead, live, legacy, other):
        path.write_text("partial")
    atomic_write(target, "new\n")
    assert target.read_text() == "new\n"
    assert not dead.exists()
    assert live.exists() and legacy.exists() and other.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="zombies are seen in /proc")
def test_a_temporary_of_a_zombie_writer_is_removed(tmp_path):
    """A writer killed with its parent may stay a zombie (ended, never reaped: a container's
    first process may not reap); it writes nothing more, so its file goes."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + PATIENCE
        while Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the process never ended"
            time.sleep(0.01)
        zombie = tmp_path / f".a.ttl.{process.pid}.abc123.tmp"
        zombie.write_text("partial")
        atomic_write(tmp_path / "a.ttl", "new\n")
        assert not zombie.exists()
    finally:
        process.wait()


def test_a_glob_character_in_the_name_does_not_widen_the_clean_up(tmp_path):
    target = tmp_path / "[x].ttl"
    bystander = tmp_path / f".x.ttl.{dead_pid()}.abc.tmp"  # would match the unescaped pattern
    bystander.write_text("partial")
    atomic_write(target, "new\n")
    assert bystander.exists()
    assert target.read_text() == "new\n"


def test_the_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "README.md"
    target.write_text("old\n")
    target.chmod(0o644)
    atomic_write(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not mkstemp's 0600
    fresh = tmp_path / "new.ttl"
    atomic_write(fresh, "x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_is_an_input_error_and_leaves_nothing(tmp_path):
    target = tmp_path / "folder.ttl"
    target.mkdir()  # os.replace cannot put a file over a folder
    with pytest.raises(InputError, match="cannot write the file"):
        atomic_write(target, "x\n")
    assert [p.name for p in tmp_path.iterdir()] == ["folder.ttl"]
    assert list(target.iterdir()) == []


def test_commit_all_stops_at_a_file_it_cannot_put_in_place_and_removes_the_rest(tmp_path):
    from survey_kg.files import commit_all, stage_write

    paths = [tmp_path / name for name in ("a.md", "b.md", "c.md")]
    for path in paths:
        path.write_text("old", encoding="utf-8")
    staged = [stage_write(path, lambda out: out.write(b"new")) for path in paths]
    paths[1].unlink()
    paths[1].mkdir()  # a folder now: the staged file cannot be renamed over it
    (paths[1] / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write the file"):
        commit_all(staged)
    assert paths[0].read_text(encoding="utf-8") == "new"  # put in place before the failure
    assert paths[2].read_text(encoding="utf-8") == "old"  # not put in place after it
    assert not list(tmp_path.glob(".*.tmp"))  # neither the failed one's nor the rest's left


def test_stage_files_cleans_each_folder_once_for_all_its_files(tmp_path):
    """Many files at once (an import's works/): the dead writers' temporaries of any of them go,
    a live writer's and another file's stay, and every file is staged, not yet in place."""
    from survey_kg.files import commit_all, stage_files

    works = tmp_path / "works"
    works.mkdir()
    names = ["2303.03378.ttl", "2307.15818.ttl", "people.ttl"]
    dead = [works / f".{name}.{dead_pid()}.abc123.tmp" for name in names]
    live = works / f".{names[0]}.{os.getpid()}.def456.tmp"
    other = works / f".other.ttl.{dead_pid()}.abc123.tmp"
    for path in (*dead, live, other):
        path.write_text("partial")
    staged = stage_files([(works / name, lambda out, name=name: out.write(name.encode()))
                          for name in names])
    assert not any(path.exists() for path in dead)
    assert live.exists() and other.exists()
    assert not any((works / name).exists() for name in names)  # staged, not in place
    commit_all(staged)
    assert [(works / name).read_text() for name in names] == names


def test_stage_files_removes_what_it_staged_when_one_fails(tmp_path):
    from survey_kg.files import stage_files

    def fail(out):  # the second file's write fails, after the first was staged
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="No space left"):
        stage_files([(tmp_path / "a.ttl", lambda out: out.write(b"a")), (tmp_path / "c.ttl", fail)])
    assert list(tmp_path.iterdir()) == []  # neither file, nor a temporary of either
