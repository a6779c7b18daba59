"""Record the build's outputs for the small survey (tests/fixtures/small) as tests/test_golden.py
expects them: the SHA-256 of every page and every dump file a build of a copy writes.

    python tests/golden/update.py && git diff tests/golden

Run it after an intended change of what the build writes (the fixture's data, a query, a
template, a dump writer), and read the pages' diff in a build of the fixture before committing.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from survey_kg.build import build  # noqa: E402
from survey_kg.paths import Survey  # noqa: E402

SMALL = ROOT / "tests" / "fixtures" / "small"
SUMS = HERE / "SHA256SUMS"


def built_copy(folder: Path) -> Path:
    """A copy of the small survey (its data and page tree) in `folder`, built."""
    root = folder / "small"
    shutil.copytree(SMALL, root, ignore=shutil.ignore_patterns("make.py", "dist"))
    build(Survey(root))
    return root


def outputs(root: Path) -> dict[str, str]:
    """The SHA-256 of every file of a built survey but its data and its site, by path relative
    to it. (The site's bytes are pinned by tests/test_site.py: the same data, the same site.)"""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if path.is_file() and path.relative_to(root).parts[0] != "data"
            and path.relative_to(root).parts[:2] != ("dist", "site")}


def lines(sums: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))


def recorded(path: Path = SUMS) -> dict[str, str]:
    """What SHA256SUMS holds (the format of `sha256sum`)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        found[name] = digest
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sums = outputs(built_copy(Path(folder)))
    old = recorded() if SUMS.exists() else {}
    SUMS.write_text(lines(sums), encoding="utf-8")
    for name in sorted(set(old) | set(sums)):
        if old.get(name) != sums.get(name):
            state = "new" if name not in old else "gone" if name not in sums else "changed"
            print(f"{state}: {name}")
    print(f"{len(sums)} files recorded in {SUMS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
