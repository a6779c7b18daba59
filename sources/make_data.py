"""How data/ is made from the survey pages kept here: `survey-kg import` of the upstream tree,
then the curators' corrections (curation.ru, SPARQL Update), written as data/'s files.

    python sources/make_data.py

data/venues.ttl (the venues, with the spellings the pages use) and data/dataset.ttl (the
dataset's description) are written by hand and read, not written. Run it again after changing
the importer or the corrections: works/, people.ttl and categories.ttl are replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from survey_kg.files import atomic_write  # noqa: E402
from survey_kg.importer import files_of, import_tree  # noqa: E402
from survey_kg.load import load  # noqa: E402

HAND_MADE = ("venues.ttl", "dataset.ttl")


def main() -> None:
    data = ROOT / "data"
    result = import_tree(ROOT / "sources" / "awesome-world-model-evolution",
                         load([data / "venues.ttl"]))
    for finding in result.findings:
        if finding.level != "info":
            print(finding, file=sys.stderr)
    store = result.store()
    store.update((Path(__file__).parent / "curation.ru").read_text(encoding="utf-8"))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store]
    written = set()
    for name, text in files_of(triples):
        if name in HAND_MADE:
            print(f"not written: the import's {name} (that file is written by hand)",
                  file=sys.stderr)
            continue
        atomic_write(data / name, text)
        written.add(data / name)
    for old in (data / "works").glob("*.ttl"):
        if old not in written:
            old.unlink()
    print(f"{len(result.works)} works, {len(triples)} triples in {len(written)} files",
          file=sys.stderr)


if __name__ == "__main__":
    main()
