"""`survey-kg add PAGE.md` (issue 24): a page's entries into data/ of the small survey: one file
per new work, written as the importer writes it; authors the survey has are referenced, new
ones added to people.ttl once; a work the survey has is refused (or replaced field by field
with --update, each change reported); a page error, an unknown category or a violation stops
it with nothing written; outside a survey it stops; --template prints an entry that, filled
in, is added."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from survey_kg import files as files_module
from survey_kg import paths
from survey_kg.add import Change, template
from survey_kg.cli import main
from survey_kg.importer import files_of, import_pages
from survey_kg.load import load
from survey_kg.rdf import named

from .conftest import FIXTURES, SMALL

PAGES = FIXTURES / "add"
PERSON = "https://w3id.org/survey-kg/person/"
PAPER = "https://w3id.org/survey-kg/paper/"


def digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (temporary files too) and its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def add(survey, page: str | Path, *args):
    """`survey-kg add` of a fixture page (or a page already in the survey's folder), copied into
    the survey's folder so that reports and source records name it as `page`."""
    target = survey.root / Path(page).name
    if not target.exists():
        shutil.copy(PAGES / page, target)
    return CliRunner().invoke(main, ["add", str(target), "--root", str(survey.root), *args])


def people(store: ox.Store, name: str) -> list:
    return [q.subject for q in store.quads_for_pattern(None, named("schema:name"),
                                                       ox.Literal(name), ox.DefaultGraph())]


def test_a_new_paper_references_the_authors_the_survey_has_and_adds_the_new_one(small_survey):
    before = digest(small_survey.data)
    result = add(small_survey, "new-paper.md")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[-3:] == [
        "wrote data/people.ttl", "wrote data/works/2406.01234.ttl",
        "added 1 work (2406.01234) in data/: run survey-kg build to regenerate the pages"]
    after = digest(small_survey.data)
    assert sorted(k for k in after if after[k] != before.get(k)) == ["people.ttl",
                                                                     "works/2406.01234.ttl"]
    store = load([small_survey.data])
    me = ox.NamedNode(PAPER + "2406.01234")
    authors = [q.object.value for q in store.quads_for_pattern(me, named("schema:author"), None)]
    assert sorted(authors) == [PERSON + "ada-newcomer", PERSON + "andy-zeng",
                               PERSON + "pete-florence"]
    for name in ("Andy Zeng", "Pete Florence", "Ada Newcomer"):  # one node per person
        assert people(store, name) == [ox.NamedNode(PERSON + name.lower().replace(" ", "-"))]
    text = (small_survey.data / "people.ttl").read_text(encoding="utf-8")
    assert text.count("person:ada-newcomer a schema:Person") == 1
    assert text.count("person:andy-zeng a schema:Person") == 1
    old = (SMALL / "data" / "people.ttl").read_text(encoding="utf-8")
    assert len(text.splitlines()) == len(old.splitlines()) + 2  # the new person, nothing else
    work = (small_survey.data / "works" / "2406.01234.ttl").read_text(encoding="utf-8")
    assert 'skg:sourceFile "new-paper.md"' in work and "skg:venue venue:corl" in work
    assert "schema:about category:embodied-intelligence-systems" in work
    assert "VIOLATION" not in result.stderr
    assert "validated the survey with the additions: 0 violation(s)" in result.stderr


def test_the_file_written_is_the_one_import_writes(small_survey):
    """The same page read by `survey-kg import` (in a folder named after the category) gives the
    same bytes for the work's file."""
    folder = small_survey.root / "embodied-intelligence-systems"
    folder.mkdir()
    page = folder / "README.md"
    shutil.copy(PAGES / "new-paper.md", page)
    imported = dict(files_of(import_pages([page], small_survey.root,
                                          load([small_survey.data / "venues.ttl"])
                                          ).triples.triples))
    result = CliRunner().invoke(main, ["add", str(page), "--root", str(small_survey.root)])
    assert result.exit_code == 0, result.output
    written = (small_survey.data / "works" / "2406.01234.ttl").read_bytes()
    assert written == imported["works/2406.01234.ttl"]


def test_a_work_the_survey_has_is_refused_naming_its_file_and_nothing_is_written(small_survey):
    shutil.copy(PAGES / "update.md", small_survey.root)
    before = digest(small_survey.root)  # every file: data/, the pages, dist/
    result = add(small_survey, "update.md")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "update.md:3: error: entry 2303.03378: the work is in the survey already, in "
        "data/works/2303.03378.ttl (category:embodied-intelligence-systems) (give --update to "
        "replace its description by this entry's)",
        "survey-kg: error: 1 error(s): nothing was added (correct the page and run survey-kg add "
        "again)"]
    assert digest(small_survey.root) == before


def test_a_work_without_arxiv_id_is_found_by_its_slug(small_survey):
    page = small_survey.root / "sora.md"
    page.write_text("### Text-to-World Generators\n\n<details>\n<summary><b>OpenAI Sora</b>"
                    "</summary>\n\n* **Authors:** OpenAI Research Team\n* **Published in:** 2024"
                    "\n\n</details>\n", encoding="utf-8")
    before = digest(small_survey.data)
    result = add(small_survey, page)
    assert result.exit_code == 1
    assert "sora.md:3: error: entry openai-sora: the work is in the survey already, in " \
           "data/works/openai-sora.ttl (category:world-models)" in result.stderr
    assert digest(small_survey.data) == before


def test_a_work_of_another_section_is_an_update(small_survey):
    """A work listed in two sections: the page of the second is refused with a hint, and with
    --update the work is in both categories."""
    refused = add(small_survey, "second-section.md")
    assert refused.exit_code == 1
    assert "(to list it under category:world-models too, and replace its description by this " \
           "entry's, give --update)" in refused.stderr
    result = add(small_survey, "second-section.md", "--update")
    assert result.exit_code == 0, result.output
    assert "  categories: — → category:world-models" in result.stderr.splitlines()
    store = load([small_survey.data])
    about = {q.object.value.rsplit("/", 1)[-1] for q in store.quads_for_pattern(
        ox.NamedNode(PAPER + "2303.03378"), named("schema:about"), None)}
    assert about == {"embodied-intelligence-systems", "world-models"}


def test_update_replaces_the_fields_the_page_gives_and_reports_each_change(small_survey):
    old = (small_survey.data / "works" / "2303.03378.ttl").read_text(encoding="utf-8")
    result = add(small_survey, "update.md", "--update")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    start = lines.index("updated 2303.03378: 2 field(s) changed")
    assert lines[start + 1:start + 3] == [
        "  links: https://arxiv.org/pdf/2303.03378.pdf → —",
        "  one-liner@en: Multimodal LLM that integrates real-world sensor inputs (vi… → An "
        "embodied multimodal language model: PaLM reads robot sen…"]
    assert lines[-1] == "updated 1 work (2303.03378) in data/: run survey-kg build to " \
                        "regenerate the pages"
    new = (small_survey.data / "works" / "2303.03378.ttl").read_text(encoding="utf-8")
    assert "skg:pdf" in old and "skg:pdf" not in new
    assert '"An embodied multimodal language model: PaLM reads robot sensor inputs as tokens ' \
           'and plans robot actions."@en' in new
    # what the page does not give stays: the Chinese texts, the survey's source records
    chinese = re.findall(r'"[^"]*[\u4e00-\u9fff][^"]*"@zh', old)
    assert chinese and all(text in new for text in chinese)
    assert 'skg:sourceFile "consisency-paper/embodied-intelligence-systems/README.md"' in new
    assert 'skg:sourceFile "update.md"' in new
    again = add(small_survey, "update.md", "--update")  # the same page again: nothing to do
    assert again.exit_code == 0, again.output
    assert "updated 2303.03378: no change" in again.stderr
    assert again.stderr.splitlines()[-1] == "nothing changed: data/ holds these entries as " \
                                            "they are"
    assert (small_survey.data / "works" / "2303.03378.ttl").read_text(encoding="utf-8") == new


def test_a_change_shows_where_two_texts_differ():
    change = Change("one-liner@en", "A robot policy that reads a camera image and an instruction "
                    "and outputs the next arm action.", "A robot policy that reads a camera "
                    "image and an instruction and outputs the next action of the arm.")
    assert str(change) == "one-liner@en: …the next arm action. → …the next action of the arm."
    assert str(Change("title@en", "Old", "New")) == "title@en: Old → New"


def test_update_drops_a_person_no_work_names_any_more(small_survey):
    """Marc Toussaint is an author of PaLM-E alone; Pete Florence of RT-2 too."""
    page = small_survey.root / "authors.md"
    text = (PAGES / "update.md").read_text(encoding="utf-8")
    assert "Marc Toussaint, " in text and ", Pete Florence\n" in text
    page.write_text(text.replace("Marc Toussaint, ", "Marc Toussain, ").replace(
        ", Pete Florence\n", ", Peter Florence\n"), encoding="utf-8")
    result = add(small_survey, page, "--update")
    assert result.exit_code == 0, result.output
    assert "  authors: Marc Toussaint, Pete Florence → Marc Toussain, Peter Florence" in \
        result.stderr.splitlines()
    people_file = (small_survey.data / "people.ttl").read_text(encoding="utf-8")
    assert "person:peter-florence a schema:Person" in people_file
    assert "person:marc-toussain a schema:Person" in people_file
    assert "person:marc-toussaint" not in people_file  # no work names them any more
    assert "person:pete-florence a schema:Person" in people_file  # RT-2 does


def test_a_chinese_page(small_survey):
    result = add(small_survey, "chinese.md")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "added 1 work (2407.04321) in data/: run " \
                                             "survey-kg build to regenerate the pages"
    work = (small_survey.data / "works" / "2407.04321.ttl").read_text(encoding="utf-8")
    assert "schema:about category:embodied-intelligence-systems" in work  # from 具身智能系统
    assert '"一个测试用的具身智能体，在行动之前用世界模型预测机器人的未来。"@zh' in work
    assert '"A Chinese-Page Test Entry for Embodied Agents"@en' in work
    assert work.count("skg:KeyPoint") == 2 and ":key-point-zh-2" in work
    assert "schema:author person:andy-zeng , person:lin-xiaoming" in work
    assert "translation missing" in result.stderr  # the rules' warnings about the work


def test_a_broken_entry_is_an_error_with_its_place_and_nothing_is_written(small_survey):
    before = digest(small_survey.data)
    result = add(small_survey, "broken.md")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "broken.md:10: error: entry 2406.05555, field links: the [Code] link "
        "'github.com/example/broken' is not an absolute URL (No scheme found in an absolute "
        "IRI): not imported (write the full address, e.g. https://github.com/OWNER/REPO)",
        "survey-kg: error: 1 error(s): nothing was added (correct the page and run survey-kg add "
        "again)"]
    assert digest(small_survey.data) == before


def test_a_violation_prints_the_report_and_nothing_is_written(small_survey):
    """A new work with another work's abstract (skg:CopiedTextShape): the violations of the
    survey with the addition and the results about the new work, as `survey-kg validate` prints
    them (not the warnings about the works the survey had: a contributor would not find theirs
    among the whole survey's 500), and exit 1."""
    before = digest(small_survey.data)
    result = add(small_survey, "copied.md")
    assert result.exit_code == 1
    assert digest(small_survey.data) == before
    # the report validate prints for the survey with the work added
    shutil.copytree(small_survey.data, small_survey.root / "with")
    out = CliRunner().invoke(main, ["import", str(small_survey.root / "copied.md"), "--split",
                                    str(small_survey.root / "imported")])
    shutil.copy(small_survey.root / "imported" / "works" / "2406.07777.ttl",
                small_survey.root / "with" / "works")
    assert out.exit_code == 0, out.output
    shutil.rmtree(small_survey.data)
    (small_survey.root / "with").rename(small_survey.data)
    work = small_survey.data / "works" / "2406.07777.ttl"  # import named the category "small"
    work.write_text(work.read_text(encoding="utf-8").replace(
        "category:small", "category:embodied-intelligence-systems"), encoding="utf-8")
    validated = CliRunner().invoke(main, ["validate", "--root", str(small_survey.root)])
    assert validated.exit_code == 1
    assert "VIOLATION: work 2406.07777 (A Robot Entry With a Copy-Pasted Abstract) · abstract " \
           "(schema:abstract): the same @en text is also on " \
           "https://w3id.org/survey-kg/paper/2303.03378" in validated.stdout
    # add prints that report's violations (each stops it) and its results about the new work;
    # the warnings about works already in the survey are counted, not listed
    lines = validated.stdout.splitlines(keepends=True)
    results = ["".join(lines[i:i + 2]) for i in range(0, len(lines) - 1, 2)]
    kept = [r for r in results if r.startswith("VIOLATION") or "work 2406.07777 " in r]
    assert len(kept) < len(results) and any(r.startswith("WARNING") for r in kept)
    assert result.stderr == "".join(kept) + (
        "validated the survey with the additions: 2 violation(s), 7 warning(s), "
        f"{sum(r.startswith('WARNING') for r in kept)} of them about the additions\n"
        "survey-kg: error: 2 violation(s) with the page's works added: nothing was written "
        "(correct the page and run survey-kg add again)\n")


def test_an_unknown_category_is_refused_listing_the_known_ones(small_survey):
    before = digest(small_survey.data)
    result = add(small_survey, "unknown-category.md")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "survey-kg: error: unknown-category.md:1, field category: unknown category 'Robotics "
        "Foundation Models' (name one of the survey's categories in the page's ### heading or "
        "with --category: benchmarks-evaluation (Benchmarks and Evaluation), "
        "embodied-intelligence-systems (Embodied Intelligence Systems), ")
    assert "world-models (Text-to-World Generators))" in result.stderr
    assert digest(small_survey.data) == before
    # --category names it instead of the heading: by slug, or by its name in either language
    for name in ("embodied-intelligence-systems", "具身智能系统"):
        by_option = add(small_survey, "unknown-category.md", "--category", name)
        assert by_option.exit_code == 0, by_option.output
        shutil.rmtree(small_survey.data)
        shutil.copytree(SMALL / "data", small_survey.data)
    assert add(small_survey, "unknown-category.md", "--category", "robots").exit_code == 2


def test_outside_a_survey_add_stops_and_writes_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    shutil.copy(PAGES / "new-paper.md", folder / "new.md")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("SURVEY_KG_ROOT", raising=False)
    result = CliRunner().invoke(main, ["add", "new.md"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"survey-kg: error: {folder}: no survey here: run inside "
                                    "one or give --root")
    assert [p.name for p in folder.iterdir()] == ["new.md"]


def test_add_never_writes_into_the_survey_of_an_installed_package(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "survey_kg"
    shutil.copytree(SMALL, package / "_bundled", ignore=shutil.ignore_patterns("dist"))
    monkeypatch.setattr(paths, "PACKAGE", package)
    before = digest(package)
    shutil.copy(PAGES / "new-paper.md", tmp_path / "new.md")
    result = CliRunner().invoke(main, ["add", str(tmp_path / "new.md"), "--root",
                                       str(package / "_bundled")])
    assert result.exit_code == 2
    assert "survey-kg never writes into" in result.stderr
    assert digest(package) == before


def test_the_files_are_written_all_or_none(small_survey, monkeypatch):
    """A file that cannot be staged (the disk is full) leaves every file as it was, and no
    temporary file behind."""
    before = digest(small_survey.data)
    real, calls = files_module.stage_write, []

    def failing(path, write, **options):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, write, **options)
    monkeypatch.setattr(files_module, "stage_write", failing)  # what stage_files calls
    result = add(small_survey, "new-paper.md")
    assert result.exit_code != 0 and len(calls) == 2
    assert digest(small_survey.data) == before


def test_the_template_filled_in_is_added(small_survey):
    result = CliRunner().invoke(main, ["add", "--template"])
    assert result.exit_code == 0 and result.stdout == template("en")
    filled = template("en")
    for placeholder, value in [
            ("Category name", "Text-to-World Generators"),
            ("Title of the work", "A Filled-In Template: Worlds from Words"),
            ("First Author, Second Author", "Jane Filled, Andy Zeng"),
            ("YYMM.NNNNN", "2408.11111"),
            ("What the work does, in one sentence.", "Generates a consistent 3D world from a "
                                                     "text description."),
            ("VENUE YEAR", "ICLR 2025"),
            ("https://github.com/OWNER/REPO", "https://github.com/example/worlds"),
            ("https://PROJECT.github.io/", "https://example.github.io/worlds/"),
            ("What is new in it, in two or three sentences.", "A world model that keeps a "
                                                              "scene consistent over time."),
            ("The paper's abstract.", "We generate worlds from words, and keep them "
                                      "consistent as the camera moves."),
            ("Another key point.", "Consistent under camera motion."),
            ("A key point.", "Text to a 3D world.")]:
        assert placeholder in filled
        filled = filled.replace(placeholder, value)
    page = small_survey.root / "filled.md"
    page.write_text(filled, encoding="utf-8")
    added = add(small_survey, page)
    assert added.exit_code == 0, added.output
    work = (small_survey.data / "works" / "2408.11111.ttl").read_text(encoding="utf-8")
    for said in ('"A Filled-In Template: Worlds from Words"@en', "skg:venue venue:iclr",
                 "schema:about category:world-models", "<https://github.com/example/worlds>",
                 "skg:projectPage <https://example.github.io/worlds/>",
                 '"Consistent under camera motion."@en', '"2025"^^xsd:gYear'):
        assert said in work


def test_the_template_as_printed_is_refused(small_survey):
    page = small_survey.root / "blank.md"
    page.write_text(template("en"), encoding="utf-8")
    before = digest(small_survey.data)
    result = add(small_survey, page, "--category", "world-models")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert "blank.md:5: error: entry Title of the work, field title: still holds the " \
           "template's text (write the work's own, or remove the line)" in errors
    assert any("field arXiv ID: 'YYMM.NNNNN' is not an arXiv ID" in line for line in errors)
    assert len(errors) == 11  # every field, and the summary line
    assert digest(small_survey.data) == before


def test_the_chinese_template_uses_the_chinese_labels_and_reads_back(small_survey):
    result = CliRunner().invoke(main, ["add", "--template", "--lang", "zh"])
    assert result.exit_code == 0
    assert "* **作者：** " in result.stdout and "<summary>要点</summary>" in result.stdout
    page = small_survey.root / "zh.md"
    page.write_text(result.stdout, encoding="utf-8")
    refused = add(small_survey, page, "--category", "world-models")
    assert refused.exit_code == 1
    fields = {m for m in re.findall(r"field ([^:]+):", refused.stderr)}
    assert fields == {"title", "authors", "arXiv ID", "one-liner", "published in", "links",
                      "core innovation", "abstract", "key points"}


def test_a_page_without_a_page_argument_or_entries(small_survey):
    usage = CliRunner().invoke(main, ["add", "--root", str(small_survey.root)])
    assert usage.exit_code == 2 and "give the PAGE to add" in usage.stderr
    page = small_survey.root / "empty.md"
    page.write_text("### Text-to-World Generators\n\nNo entry here.\n", encoding="utf-8")
    result = add(small_survey, page)
    assert result.exit_code == 2
    assert "empty.md: the page holds no entry" in result.stderr
    page.write_text("<details>\n<summary><b>A Robot</b></summary>\n\n* **Authors:** Andy Zeng\n"
                    "</details>\n", encoding="utf-8")
    no_heading = add(small_survey, page)
    assert no_heading.exit_code == 2
    assert "the page has no ### heading naming its category" in no_heading.stderr


def test_an_unknown_venue_is_the_importers_report_and_nothing_is_written(small_survey):
    """data/venues.ttl is written by hand: add never makes a venue up. The importer's finding
    (with its hint) is printed, and the rules refuse the venue it would be."""
    page = small_survey.root / "venue.md"
    page.write_text((PAGES / "new-paper.md").read_text(encoding="utf-8").replace(
        "CoRL 2024", "ICRL 2024"), encoding="utf-8")
    before = digest(small_survey.data)
    result = add(small_survey, page)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "venue.md:9: warning: entry 2406.01234, field published in: unknown " \
                       "venue 'ICRL': added as venue:icrl (did you mean ICLR? If so, correct " \
                       "the page)"
    assert "VIOLATION: https://w3id.org/survey-kg/venue/icrl · name (schema:name): a venue " \
           "needs its full name (language-tagged, one per language): it is not a known venue " \
           "yet" in lines
    assert digest(small_survey.data) == before


def test_an_organization_as_author_goes_into_people_ttl(small_survey):
    page = small_survey.root / "org.md"
    page.write_text((PAGES / "new-paper.md").read_text(encoding="utf-8").replace(
        "Andy Zeng, Ada Newcomer, Pete Florence", "Example Robotics Lab, Runway Research Team"),
        encoding="utf-8")
    result = add(small_survey, page)
    assert result.exit_code == 0, result.output
    text = (small_survey.data / "people.ttl").read_text(encoding="utf-8")
    assert text.count("org:example-robotics-lab a schema:Organization") == 1
    assert text.count("org:runway-research-team a schema:Organization") == 1  # the survey's
    work = (small_survey.data / "works" / "2406.01234.ttl").read_text(encoding="utf-8")
    assert "schema:author org:example-robotics-lab , org:runway-research-team" in work


def test_the_survey_s_own_pages_read_back_as_they_are(small_survey):
    """The generated section pages hold every field of their works: --update of one, in either
    language, changes nothing and writes nothing."""
    before = digest(small_survey.data)
    for page in ("embodied-intelligence-systems/README.md", "world-models/README_zh.md"):
        path = small_survey.pages / "consisency-paper" / page
        result = CliRunner().invoke(main, ["add", "--update", str(path), "--root",
                                           str(small_survey.root)])
        assert result.exit_code == 0, result.output
        assert result.stderr.count(": no change") == 3
        assert result.stderr.splitlines()[-1] == "nothing changed: data/ holds these entries " \
                                                 "as they are"
    assert digest(small_survey.data) == before
