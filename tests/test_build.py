"""`survey-kg build`: load once, validate once, READMEs, dumps; stops on violations."""

import shutil
import sys
import types

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from survey_kg import build as build_module
from survey_kg.build import STAGES, BuildStopped, build
from survey_kg.cli import main
from survey_kg.load import load_files
from survey_kg.resources import Survey

from .conftest import ROOT

DUMP_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.jsonld", "survey.nt",
              "survey.ttl", "void.ttl"]


@pytest.fixture
def survey(tmp_path) -> Survey:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return Survey(tmp_path)


@pytest.fixture
def fake_render(monkeypatch):
    """A stand-in for survey_kg.render that records what build hands it."""
    calls = []
    module = types.ModuleType("survey_kg.render")

    def write_readmes(graph, survey):
        calls.append((graph, survey))
        path = survey.root / "README.md"
        path.write_text(f"{len(graph)} triples\n", encoding="utf-8")
        return [path]

    module.write_readmes = write_readmes
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    return calls


def break_a_paper(survey: Survey) -> None:
    """A paper with no title: a violation."""
    path = survey.data / "papers" / "2401.12945.ttl"
    text = path.read_text(encoding="utf-8")
    start = text.index("    dcterms:title ")
    end = text.index("\n", start)
    path.write_text(text[:start] + text[end + 1:], encoding="utf-8")


def test_build_runs_every_stage_on_one_graph(survey, fake_render, monkeypatch):
    loads, validations, dumps, events = [], [], [], []
    real_load, real_validate, real_dump = (build_module.load_store, build_module.validate,
                                           build_module.write_dump)
    monkeypatch.setattr(build_module, "load_store",
                        lambda paths: loads.append(real_load(paths)) or loads[-1])
    monkeypatch.setattr(build_module, "validate",
                        lambda graph, **kw: validations.append(graph) or real_validate(graph, **kw))
    monkeypatch.setattr(build_module, "write_dump",
                        lambda graph, folder: dumps.append(graph) or real_dump(graph, folder))
    result = build(survey, on_stage=events.append)

    assert len(loads) == len(validations) == len(dumps) == len(fake_render) == 1
    assert validations[0] is loads[0] and dumps[0] is loads[0] and fake_render[0][0] is loads[0]
    assert fake_render[0][1] == survey
    assert [(e.name, e.status) for e in events] == [
        (name, status) for name in STAGES for status in ("start", "done")]
    assert result.readmes == [survey.root / "README.md"]
    assert sorted(p.name for p in (survey.root / "dist").iterdir()) == DUMP_FILES
    assert isomorphic(Graph().parse(survey.root / "dist" / "survey.nt"),
                      load_files([survey.data]))
    assert result.statistics.papers == len(list((survey.data / "papers").glob("*.ttl")))


def test_build_skips_the_readme_stage_only_when_render_is_missing(survey, monkeypatch):
    monkeypatch.setitem(sys.modules, "survey_kg.render", None)  # import raises ModuleNotFoundError
    events = []
    result = build(survey, on_stage=events.append)
    skipped = [e for e in events if e.status == "skipped"]
    assert [(e.name, e.detail) for e in skipped] == [("readme", "survey_kg.render not available")]
    assert result.readmes == [] and (survey.root / "dist" / "void.ttl").is_file()


def test_build_does_not_hide_an_import_error_inside_render(survey, monkeypatch):
    def missing_dependency(name):
        raise ModuleNotFoundError("No module named 'jinja2'", name="jinja2")

    monkeypatch.setattr(build_module.importlib, "import_module", missing_dependency)
    with pytest.raises(ModuleNotFoundError):
        build(survey)


def test_build_stops_on_violations_before_writing(survey, fake_render):
    break_a_paper(survey)
    events = []
    with pytest.raises(BuildStopped) as caught:
        build(survey, on_stage=events.append)
    assert caught.value.report.violations and caught.value.exit_code == 1
    assert [e.name for e in events if e.status == "done"] == ["load", "validate"]
    assert fake_render == [] and not (survey.root / "dist").exists()


def test_build_command_prints_progress_and_a_summary(survey, fake_render):
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == list(STAGES)
    graph = load_files([survey.data])
    assert lines[0].startswith(f"load: {len(graph)} triples from ")
    assert lines[-1].startswith("built in ") and f"{len(graph)} triples, 20 papers" in lines[-1]
    assert result.stdout == ""


def test_build_command_says_when_the_readme_stage_is_skipped(survey, monkeypatch):
    monkeypatch.setitem(sys.modules, "survey_kg.render", None)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 0, result.output
    assert "readme: skipped (survey_kg.render not available)" in result.stderr.splitlines()


def test_build_command_shows_the_report_and_exits_1_on_violations(survey, fake_render):
    break_a_paper(survey)
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 1
    assert "VIOLATION: paper 2401.12945" in result.stderr
    assert "title" in result.stderr and "survey-kg: error: 1 violation(s)" in result.stderr
    assert not (survey.root / "dist").exists()


def test_build_command_with_unreadable_data_exits_2(survey):
    (survey.data / "papers" / "2401.12945.ttl").write_text("not turtle at all", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build"])
    assert result.exit_code == 2
    assert "2401.12945.ttl" in result.stderr


def test_build_into_another_folder(survey, fake_render, tmp_path):
    out = tmp_path / "elsewhere"
    result = CliRunner().invoke(main, ["--root", str(survey.root), "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == DUMP_FILES
    assert not (survey.root / "dist").exists()


def test_the_fast_build_writes_the_same_bytes_as_the_plain_one(tmp_path):
    """Oxigraph store + SHACL as SPARQL (the default) against rdflib graph + pyshacl (plain=True):
    byte-identical READMEs and dump files, and the same validation results."""
    outputs = {}
    for plain in (False, True):
        root = tmp_path / ("plain" if plain else "fast")
        shutil.copytree(ROOT / "data", root / "data")
        for name in ("README.md", "README_zh.md"):
            shutil.copyfile(ROOT / name, root / name)
        result = build(Survey(root), plain=plain)
        files = {name: (root / name).read_bytes() for name in ("README.md", "README_zh.md")}
        files |= {f"dist/{p.name}": p.read_bytes() for p in sorted((root / "dist").iterdir())}
        outputs[plain] = (files, result.report.results)
    fast, plain = outputs[False], outputs[True]
    assert sorted(fast[0]) == sorted(plain[0]) and len(fast[0]) == 2 + len(DUMP_FILES)
    for name in fast[0]:
        assert fast[0][name] == plain[0][name], name
    assert fast[1] == plain[1] and fast[1]  # the data's translation warnings, on both paths
