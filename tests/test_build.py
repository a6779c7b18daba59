"""`survey-kg build`: load once, validate once, READMEs, dumps; stops on violations."""

import os
import shutil
import signal
import subprocess
import sys
import time
import types
import weakref

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.compare import isomorphic

from survey_kg import build as build_module
from survey_kg import shacl
from survey_kg.build import STAGES, BuildStopped, build
from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.files import stage_write
from survey_kg.load import load_files, load_store, shapes as load_shapes
from survey_kg.namespaces import SKG
from survey_kg.query import to_store
from survey_kg.validate import compile_checks, format_text, report_of, validate
from survey_kg.resources import Survey

from .conftest import ROOT
from .test_rules import CASES, broken

DUMP_FILES = ["context.jsonld", "ontology.ttl", "shapes.ttl", "survey.jsonld", "survey.nt",
              "survey.ttl", "void.ttl"]


@pytest.fixture
def survey(tmp_path) -> Survey:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return Survey(tmp_path)


@pytest.fixture
def fake_render(monkeypatch):
    """A stand-in for survey_kg.render that records what build hands it: it renders README.md
    as the number of triples (build writes it)."""
    calls = []
    module = types.ModuleType("survey_kg.render")

    def stage_readmes(graph, survey, check=None):
        calls.append((graph, survey))
        text = f"{len(graph)} triples\n".encode()
        return [stage_write(survey.root / "README.md", lambda out: out.write(text),
                            keep_if_same=True)]

    module.stage_readmes = stage_readmes
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
    monkeypatch.setattr(build_module, "_cores", lambda: 1)  # validate here, where it is counted
    loads, validations, dumps, events = [], [], [], []
    real_load, real_validate, real_dump = (build_module.load_store, build_module._validate_share,
                                           build_module.stage_dump)
    monkeypatch.setattr(build_module, "load_store",
                        lambda paths: loads.append(real_load(paths)) or loads[-1])
    monkeypatch.setattr(build_module, "_validate_share", lambda graph, engine, shapes, parents: (
        validations.append((graph, parents)) or real_validate(graph, engine, shapes, parents)))
    monkeypatch.setattr(build_module, "stage_dump", lambda graph, folder, **kwargs: (
        dumps.append(graph) or real_dump(graph, folder, **kwargs)))
    result = build(survey, on_stage=events.append)

    assert len(loads) == len(dumps) == len(fake_render) == 1
    assert validations == [(loads[0], True), (loads[0], False)]  # both shares, before rendering
    assert dumps[0] is loads[0] and fake_render[0][0] is loads[0]
    assert fake_render[0][1] == survey
    assert [(e.name, e.status) for e in events] == [
        (name, status) for name in STAGES for status in ("start", "done")]
    assert result.readmes == [survey.root / "README.md"]
    assert (survey.root / "README.md").read_text(encoding="utf-8") == f"{len(loads[0])} triples\n"
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


@pytest.mark.parametrize("cores", [1, 2], ids=["validate-then-render", "validate-beside-render"])
def test_build_stops_on_violations_before_writing(survey, fake_render, monkeypatch, cores):
    monkeypatch.setattr(build_module, "_cores", lambda: cores)
    break_a_paper(survey)
    events = []
    with pytest.raises(BuildStopped) as caught:
        build(survey, on_stage=events.append)
    assert caught.value.report.violations and caught.value.exit_code == 1
    assert [e.name for e in events if e.status == "done"] == ["load", "validate"]
    # the READMEs may have been rendered beside validation, but nothing was written
    assert not (survey.root / "README.md").exists() and not (survey.root / "dist").exists()


def test_a_violation_is_reported_before_a_readme_error(survey, monkeypatch):
    """Rendering runs beside validation; when both fail, the report comes first, as it would if
    they ran one after the other."""
    module = types.ModuleType("survey_kg.render")

    def broken(graph, survey, check=None):
        raise InputError("cannot render", file=survey.root / "README.md")

    module.stage_readmes = broken
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    with pytest.raises(InputError, match="cannot render"):
        build(survey)
    break_a_paper(survey)
    with pytest.raises(BuildStopped):
        build(survey)
    assert not (survey.root / "dist").exists()


def test_a_violation_stops_the_rendering_when_validation_ends(survey, monkeypatch):
    """The child says whether the graph conforms as soon as it knows; the READMEs, rendered
    meanwhile, call `check` between pieces, which stops them with the report: a large survey
    does not render READMEs for minutes before saying it has a violation."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    monkeypatch.setattr(build_module, "_in_parents_share", lambda index, check: False)
    break_a_paper(survey)
    stopped = []
    module = types.ModuleType("survey_kg.render")

    def stage_readmes(graph, survey, check=None):
        """Rendering that would last 30 s unless `check` stops it."""
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                check()
                time.sleep(0.01)
        except BuildStopped:
            stopped.append(time.monotonic())
            raise
        return []

    module.stage_readmes = stage_readmes
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    began = time.monotonic()
    with pytest.raises(BuildStopped) as caught:
        build(survey)
    assert stopped and stopped[0] - began < 25  # stopped by the verdict, not the watchdog
    assert [str(r.focus).rsplit("/", 1)[-1] for r in caught.value.report.violations] == \
        ["2401.12945"]
    assert not (survey.root / "README.md").exists() and not (survey.root / "dist").exists()


def test_a_readme_error_does_not_wait_for_the_dump(survey, monkeypatch):
    """Once the child has said the graph conforms, a README error is reported at once: the child,
    still writing the dump, is stopped and leaves nothing behind."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    real_stage_dump = build_module.stage_dump

    def slow_stage_dump(graph, folder, **kwargs):
        time.sleep(60)
        return real_stage_dump(graph, folder, **kwargs)

    module = types.ModuleType("survey_kg.render")

    def broken(graph, survey, check=None):
        raise InputError("cannot render", file=survey.root / "README.md")

    module.stage_readmes = broken
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    monkeypatch.setattr(build_module, "stage_dump", slow_stage_dump)
    began = time.monotonic()
    with pytest.raises(InputError, match="cannot render"):
        build(survey)
    assert time.monotonic() - began < 40  # not the minute the dump would take
    assert not (survey.root / "dist").exists()


def test_a_graph_that_conforms_renders_to_the_end(survey, monkeypatch):
    """Once the child has said the graph conforms, `check` keeps returning, and the build ends
    as usual (the report and the staged dump come after the verdict)."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    verdicts = []
    module = types.ModuleType("survey_kg.render")

    def stage_readmes(graph, survey, check=None):
        checker = check.__self__
        deadline = time.monotonic() + 30
        while checker.conforms is None and time.monotonic() < deadline:
            check()
            time.sleep(0.01)
        for _ in range(3):
            check()  # after the verdict: nothing more to read, nothing raised
        verdicts.append(checker.conforms)
        return []

    module.stage_readmes = stage_readmes
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    result = build(survey)
    assert verdicts == [True] and result.report.conforms
    assert sorted(p.name for p in result.dump.files) == DUMP_FILES


def test_validation_in_a_forked_process_gives_the_same_report(survey, monkeypatch, tmp_path):
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    break_a_paper(survey)
    store = load_store([survey.data])
    here = validate(store)
    checker = build_module._Checker(store, "oxigraph", tmp_path / "dist")
    try:
        assert checker.child is not None  # forked
        there, seconds = checker.report()
    finally:
        checker.close()
    assert format_text(there) == format_text(here) and there.violations and seconds > 0
    assert not (tmp_path / "dist").exists()  # no dump is staged for a graph that violates


@pytest.mark.parametrize("rule,severity,focus,path,update", CASES, ids=[c[0] for c in CASES])
def test_the_two_shares_report_what_validation_reports(valid_graph, rule, severity, focus, path,
                                                       update):
    """The parent's share and the child's, run apart and reported together, give the report of
    one validation, for each rule broken (tests/test_rules.py); every check is in one share."""
    store = to_store(broken(valid_graph, update))
    shapes = load_shapes()
    parents = build_module._validate_share(store, "oxigraph", shapes, parents=True)
    childs = build_module._validate_share(store, "oxigraph", shapes, parents=False)
    reference = validate(store)
    assert format_text(report_of(parents + childs, store, shapes)) == format_text(reference)
    assert any(r.rule == rule for r in reference.results)
    checks = compile_checks(store, shapes)
    mine = [c for i, c in enumerate(checks) if build_module._in_parents_share(i, c)]
    assert 0 < len(mine) < len(checks) and not any(c.allowed is not None for c in mine)


@pytest.mark.parametrize("share", [1, 10**6], ids=["parents-share", "childs-share"])
def test_a_violation_in_either_share_stops_the_build_with_the_whole_report(
        survey, monkeypatch, share):
    """With every check in the parent's share (but the closed ones), the violation is found
    before the READMEs are rendered, and the child, told "stop", stages no dump; with the
    parent's share one check, the child finds it. The report is validation's either way."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    monkeypatch.setattr(build_module, "PARENT_SHARE", share)
    break_a_paper(survey)
    rendered, staged = [], []
    module = types.ModuleType("survey_kg.render")

    def stage_readmes(graph, survey, check=None):
        rendered.append(True)
        deadline = time.monotonic() + 30  # until the child's verdict stops it (a watchdog)
        while time.monotonic() < deadline:
            check()
            time.sleep(0.01)
        return []

    module.stage_readmes = stage_readmes
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    real_stage = build_module.stage_dump
    marker = survey.root / "staged"
    monkeypatch.setattr(build_module, "stage_dump", lambda graph, folder, **kwargs: (
        marker.write_text("staged"), real_stage(graph, folder, **kwargs))[1])
    with pytest.raises(BuildStopped) as caught:
        build(survey)
    reference = validate(load_store([survey.data]))
    assert format_text(caught.value.report) == format_text(reference)
    assert rendered == ([] if share == 1 else [True])
    assert not marker.exists() and not (survey.root / "dist").exists()


def test_a_child_that_fails_is_not_trusted_its_step_runs_again_here_and_raises(
        survey, monkeypatch, tmp_path):
    """A child without an answer (an error, or killed) is not trusted: the step runs in this
    process, where its error is raised normally."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    calls = tmp_path / "calls"
    real_validate = build_module._validate_share

    def fails(graph, engine, shapes, parents):
        if parents:
            return real_validate(graph, engine, shapes, parents)
        with open(calls, "a") as f:
            f.write(f"{os.getpid()}\n")
        raise InputError("no data", file=tmp_path)

    monkeypatch.setattr(build_module, "_validate_share", fails)
    with pytest.raises(InputError, match="no data"):
        build(survey)
    pids = calls.read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1] and pids[-1] == str(os.getpid())


@pytest.mark.parametrize("step", ["stage", "commit"])
def test_a_child_that_dies_while_writing_the_dump_leaves_the_dump_to_the_parent(
        survey, fake_render, monkeypatch, step):
    """The child is killed (as by the kernel for want of memory) while staging the dump, or
    after staging it, when told to commit: the parent writes the dump itself, whole."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    real_stage = build_module.stage_dump
    parent = os.getpid()

    def dies(graph, folder, **kwargs):
        if os.getpid() != parent and step == "stage":
            os.kill(os.getpid(), signal.SIGKILL)
        staged = real_stage(graph, folder, **kwargs)
        if os.getpid() != parent and step == "commit":
            staged.commit = lambda: os.kill(os.getpid(), signal.SIGKILL)
        return staged

    monkeypatch.setattr(build_module, "stage_dump", dies)
    result = build(survey)
    assert sorted(p.name for p in result.dump.files) == DUMP_FILES
    assert isomorphic(Graph().parse(survey.root / "dist" / "survey.nt"),
                      load_files([survey.data]))
    assert sorted(p.name for p in (survey.root / "dist").iterdir()) == DUMP_FILES  # no temporaries
    assert (survey.root / "README.md").is_file()


def test_the_child_stages_the_dump_while_the_readmes_render_even_with_a_long_report(
        survey, monkeypatch):
    """The report goes to the parent after the dump is staged: a report of megabytes (thousands
    of warnings) cannot hold the child on a full pipe while the parent renders."""
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    real_validate = build_module._validate_share
    paper = URIRef("https://w3id.org/survey-kg/paper/2401.12945")

    def long_report(graph, engine, shapes, parents):
        findings = real_validate(graph, engine, shapes, parents)
        if parents:
            return findings
        return findings + [shacl.Finding(  # a warning of 4 MB: the child's answer is that long
            severity=SH.Warning, focus=paper, path=None, value=None, message="x" * 4_000_000,
            shape=SKG.TranslationShape, component=SH.SPARQLConstraintComponent,
            constraint=None)]

    seen = []
    module = types.ModuleType("survey_kg.render")

    def stage_readmes(graph, survey, check=None):
        """Rendering that lasts until the child has staged the dump (or 30 s, a watchdog)."""
        deadline = time.monotonic() + 30
        while not list((survey.root / "dist").glob(".survey.ttl.*.tmp")):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        seen.append(list((survey.root / "dist").glob(".survey.ttl.*.tmp")))
        return []

    module.stage_readmes = stage_readmes
    monkeypatch.setitem(sys.modules, "survey_kg.render", module)
    monkeypatch.setattr(build_module, "_validate_share", long_report)
    result = build(survey)
    [staged] = seen[0]
    assert staged.name.split(".")[-3] != str(os.getpid())  # .NAME.PID.RANDOM.tmp: the child's
    assert [len(w.message) for w in result.report.warnings].count(4_000_000) == 1
    assert sorted(p.name for p in result.dump.files) == DUMP_FILES
    assert not list((survey.root / "dist").glob(".*.tmp"))


def test_a_dump_that_cannot_be_written_stops_the_build_before_the_readmes(
        survey, fake_render, monkeypatch, tmp_path):
    monkeypatch.setattr(build_module, "_cores", lambda: 2)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError) as caught:
        build(survey, out=blocker / "dist")
    assert "cannot write" in caught.value.message
    assert not (survey.root / "README.md").exists()


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


def test_the_console_script_keeps_the_exit_code_and_flushes_the_output(survey):
    """`survey-kg` (cli.entry) ends with os._exit, which runs no clean-up: what a command
    printed still arrives, and the exit code is the command's (0, 1 at a violation, 2 usage)."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "survey_kg.cli", "--root", str(survey.root),
                               *args], capture_output=True, text=True, timeout=300)
    built = run("build")
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines()[-1].startswith("built in ")
    listed = run("query", "summary", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("paper,arxivId,") and listed.stdout.endswith("\n")
    break_a_paper(survey)
    stopped = run("build")
    assert stopped.returncode == 1
    assert "VIOLATION: paper 2401.12945" in stopped.stderr
    assert run("no-such-command").returncode == 2


def test_what_a_command_keeps_is_still_alive_when_the_console_script_exits(monkeypatch):
    """A command's kept result (the build's store) is freed by the process's exit, not before:
    `entry` holds ctx.obj itself, which click's context would otherwise free as it unwinds."""
    from survey_kg import cli

    class Kept:
        pass

    alive_at_exit = []

    def command(obj):  # as a click command would: ctx.obj["keep"], then click's exit
        kept = Kept()
        obj["keep"].append(kept)
        reference = weakref.ref(kept)
        del kept
        monkeypatch.setattr(cli.os, "_exit", lambda code: alive_at_exit.append(
            (reference() is not None, code)))
        raise SystemExit(0)

    monkeypatch.setattr(cli, "main", command)
    monkeypatch.setattr(cli, "restart_under_mimalloc", lambda: None)  # not pytest's process
    cli.entry()
    assert alive_at_exit == [(True, 0)]


@pytest.mark.parametrize("args", [["validate"], ["query", "summary"], ["readme", "--check"],
                                  ["export"], ["build"]], ids=lambda a: a[0])
def test_each_command_that_loads_the_survey_keeps_its_store_for_the_exit(survey, args, tmp_path):
    """Run by the console script (ctx.obj["keep"], see cli.entry), a command leaves the store it
    loaded to the process's exit instead of freeing it on return."""
    import pyoxigraph

    obj: dict = {"keep": []}
    result = CliRunner().invoke(main, ["--root", str(survey.root), *args,
                                       *(["--out", str(tmp_path / "d")] if "export" in args
                                         else [])], obj=obj)
    assert result.exit_code in (0, 1), result.output  # readme --check: 1, the READMEs are stale
    stores = [kept if isinstance(kept, pyoxigraph.Store) else kept.graph for kept in obj["keep"]]
    assert len(stores) == 1 and isinstance(stores[0], pyoxigraph.Store) and len(stores[0]) > 0


def test_the_fast_path_does_not_import_pyshacl_or_rdflibs_sparql_engine():
    """Every command starts with these imports; pyshacl and rdflib's SPARQL parser (a tenth of
    a second) are imported only where they are used (the reference engines, a query's syntax
    check with rdflib)."""
    code = ("import sys, survey_kg.cli, survey_kg.build, survey_kg.render, survey_kg.export; "
            "print(sorted(m for m in ('pyshacl', 'rdflib.plugins.sparql') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


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
