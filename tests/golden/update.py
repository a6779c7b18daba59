"""Record the build's outputs for the data in data/ as tests/test_golden.py expects them."""

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from survey_kg.build import build  # noqa: E402
from survey_kg.paths import Survey  # noqa: E402

FIXED = ["README.md", "README_zh.md", "dist/survey.nt", "dist/survey.jsonld",
         "dist/context.jsonld", "dist/ontology.ttl", "dist/shapes.ttl"]

with tempfile.TemporaryDirectory() as folder:
    root = Path(folder)
    for name in ("README.md", "README_zh.md"):
        shutil.copyfile(ROOT / name, root / name)
    shutil.copytree(ROOT / "data", root / "data")
    build(Survey(root))
    sums = [f"{hashlib.sha256((root / name).read_bytes()).hexdigest()}  {name}" for name in FIXED]
    here = Path(__file__).parent
    (here / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    shutil.copyfile(root / "dist" / "void.ttl", here / "void.ttl")
    print("\n".join(sums))
