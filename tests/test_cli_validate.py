"""`survey-kg validate` and `survey-kg import` through click's CliRunner."""

import contextlib
import importlib
import json
import os
import threading

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib import Graph

from survey_kg import export
from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.load import load_files

from .conftest import FIXTURES, ROOT

load_module = importlib.import_module("survey_kg.load")  # survey_kg.load is also a function


def run(*args, cwd=None):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def test_validate_data_exits_0():
    result = run("--root", ROOT, "validate")
    assert result.exit_code == 0, result.output
    assert "0 violation(s)" in result.output


def test_validate_finds_the_survey_from_a_subfolder(monkeypatch):
    monkeypatch.chdir(ROOT / "survey_kg")
    result = run("validate")
    assert result.exit_code == 0
    assert "0 violation(s)" in result.output


@pytest.fixture
def broken_file(tmp_path):
    text = (FIXTURES / "valid-survey.ttl").read_text(encoding="utf-8")
    path = tmp_path / "broken.ttl"
    path.write_text(text.replace("<https://github.com/example/first>",
                                 "<https://example.github.io/first/>"), encoding="utf-8")
    return path


def test_validate_text_names_paper_field_problem_and_fix(broken_file):
    result = run("validate", broken_file)
    assert result.exit_code == 1
    assert ("VIOLATION: paper 2401.00001 (First Video Model) · code repository "
            "(schema:codeRepository) = https://example.github.io/first/: a code link must be a "
            "source repository") in result.output
    assert "fix: if the link is a project or demo page, use skg:projectPage" in result.output


def test_validate_json(broken_file):
    result = run("validate", "--format", "json", broken_file)
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert rows == [{
        "severity": "violation",
        "focus": "https://w3id.org/survey-kg/paper/2401.00001",
        "path": "https://schema.org/codeRepository",
        "value": "https://example.github.io/first/",
        "message": rows[0]["message"],
        "rule": "skg:CodeRepositoryShape",
        "paper": "2401.00001 (First Video Model)",
        "field": "code repository (schema:codeRepository)",
        "fix": rows[0]["fix"],
    }]
    assert rows[0]["message"].startswith("a code link must be a source repository")


def test_validate_turtle_is_a_shacl_report(broken_file):
    result = run("validate", "--format", "turtle", broken_file)
    assert result.exit_code == 1
    report = Graph().parse(data=result.output, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    rows = list(report.query(f"SELECT ?focus WHERE {{ ?r a <{sh}ValidationResult> ; <{sh}focusNode> ?focus }}"))
    assert [str(r.focus) for r in rows] == ["https://w3id.org/survey-kg/paper/2401.00001"]


def test_warnings_alone_exit_0(tmp_path):
    text = (FIXTURES / "valid-survey.ttl").read_text(encoding="utf-8")
    path = tmp_path / "warn.ttl"
    path.write_text(text.replace(', "另一种把静态图像变成短视频的方法。"@zh', ""), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 0
    assert "0 violation(s), 1 warning(s)" in result.output


@pytest.mark.parametrize("content,words", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"@prefix skg: <https://w3id.org/survey-kg/ontology#> .\nskg:a skg:b \"unterminated",
     "broken.ttl:2: not valid Turtle"),
    (b"skg:a skg:b skg:c .", "broken.ttl:1: not valid Turtle: between columns 1 and 6: The prefix skg: has not been declared"),
    (b"<http://a> <http://b> \xff\xfe .", "not valid UTF-8"),
    (b"\xef\xbb\xbf<http://a>\r\n<http://b> \"ok\" .\r\n<http://a> <http://b> \"caf\xe9\" .",
     "broken.ttl:3: the file is not valid UTF-8 (byte 0xe9 at offset 60)"),
])
def test_unusable_turtle_exits_2_with_one_line(tmp_path, content, words):
    path = tmp_path / "broken.ttl"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert str(path) in result.output


def test_turtle_read_as_text_bom_and_crlf(tmp_path):
    """Oxigraph parses the file's bytes (no decoding and encoding again), read as read_text reads
    text: a BOM is dropped and CRLF or CR in a long string is LF."""
    path = tmp_path / "crlf.ttl"
    path.write_bytes(b'\xef\xbb\xbf<http://a> <http://b> """one\r\ntwo\rthree""" .\r\n')
    objects = {str(o) for o in load_files([path]).objects()}
    assert objects == {"one\ntwo\nthree"}


def test_relative_iris_resolve_against_each_files_real_place(tmp_path):
    """A relative IRI in a file is read against the file's resolved location: a folder given
    through a symlink or `..`, and a file that is itself a symlink to another folder."""
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    for path in (tmp_path / "real" / "a.ttl", tmp_path / "real" / "sub" / "b.ttl",
                 tmp_path / "elsewhere" / "c.ttl"):
        path.write_text("<#node> <http://b> <other.ttl> .\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "sub" / "d.ttl").symlink_to(tmp_path / "elsewhere" / "c.ttl")
    graph = load_files([tmp_path / "link" / "sub" / ".." / "sub", tmp_path / "link" / "a.ttl"])
    uri = (tmp_path / "real").resolve().as_uri()
    elsewhere = (tmp_path / "elsewhere").resolve().as_uri()
    assert {(str(s), str(o)) for s, o in graph.subject_objects()} == {
        (f"{uri}/a.ttl#node", f"{uri}/other.ttl"),
        (f"{uri}/sub/b.ttl#node", f"{uri}/sub/other.ttl"),
        (f"{elsewhere}/c.ttl#node", f"{elsewhere}/other.ttl"),
    }


def _read_ahead_threads() -> list:
    return [t for t in threading.enumerate() if t.name == "survey-kg read-ahead"]


def _numbered_files(folder, bad: int | None = None, content: bytes = b"") -> None:
    """300 Turtle files of one triple each, file-000.ttl to file-299.ttl; file `bad` holds
    `content` instead."""
    for i in range(300):
        (folder / f"file-{i:03d}.ttl").write_bytes(
            content if i == bad else f"<http://a/{i}> <http://b> {i} .\n".encode())


@pytest.mark.parametrize("bad,content,words", [
    (3, b"<http://a> <http://b> .\n", "file-003.ttl:1: not valid Turtle"),
    (200, b"<http://a> <http://b> .\n", "file-200.ttl:1: not valid Turtle"),
    (299, b"", "file-299.ttl: the file is empty"),
    (130, b"\x00\x01", "file-130.ttl: the file is binary"),
])
def test_files_read_ahead_load_in_order_and_the_first_bad_file_is_named(tmp_path, bad, content,
                                                                         words):
    """The files are read by a thread ahead of the loading, in batches: a bad file (a parse
    error, or one the reader refuses) is reported as reading them one by one would, with every
    file before it loaded and no file after it, and the reader thread has ended either way."""
    _numbered_files(tmp_path, bad, content)
    (tmp_path / f"file-{bad + 1:03d}.ttl").write_bytes(b"")  # the next is bad too: not named
    store = pyoxigraph.Store()
    loaded = []
    real_parse = load_module._parse_into
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_module, "_parse_into", lambda store, path, data, base: (
            loaded.append(path.name), real_parse(store, path, data, base)))
        with pytest.raises(InputError) as error:
            for path, data, base in load_module._read_ahead(load_module.turtle_files([tmp_path])):
                load_module._parse_into(store, path, data, base)
    assert words in str(error.value)
    assert loaded[:bad] == [f"file-{i:03d}.ttl" for i in range(bad)]
    assert len(loaded) <= bad + 1  # the bad file itself, when the parser refused it
    assert len(store) == bad
    assert not _read_ahead_threads()
    result = run("validate", tmp_path)
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_files_read_ahead_are_all_loaded_with_their_base_iris(tmp_path):
    for i in range(300):
        (tmp_path / f"file-{i:03d}.ttl").write_text(f"<#n{i}> <http://b> <x> .\n")
    graph = load_files([tmp_path])
    uri = tmp_path.resolve().as_uri()
    assert {(str(s), str(o)) for s, o in graph.subject_objects()} == {
        (f"{uri}/file-{i:03d}.ttl#n{i}", f"{uri}/x") for i in range(300)}
    assert not _read_ahead_threads()


def _ntriples_threads() -> list:
    return [t for t in threading.enumerate() if t.name == "survey-kg n-triples"]


@pytest.mark.parametrize("bad", [3, 200])
def test_a_bad_file_stops_the_ntriples_written_beside_the_load(tmp_path, bad):
    """The thread writing N-Triples beside the load stops at the file the load stops at, which
    is named; the thread has ended."""
    _numbered_files(tmp_path, bad, b"<http://a> <http://b> .\n")
    with pytest.raises(InputError) as error:
        load_module.load_store_and_ntriples([tmp_path])
    assert f"file-{bad:03d}.ttl:1: not valid Turtle" in str(error.value)
    assert not _ntriples_threads() and not _read_ahead_threads()


def _open_in(folder) -> list[str]:
    """The files this process holds open in `folder` (a nameless temporary file too)."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc (Linux) to see the files a process holds open")
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}").startswith(str(folder)):
                found.append(fd)
    return found


def test_ntriples_beyond_the_limit_go_to_a_file_in_the_spool(tmp_path, monkeypatch):
    """Beyond NTRIPLES_BESIDE_LIMIT bytes of Turtle the blobs would be held beside the store:
    without a spool folder the thread writes nothing (the dump will read the store); with one,
    it writes them to one nameless file there, which the dump reads and closes (and so removes).
    The store is loaded all the same."""
    data, spool = tmp_path / "data", tmp_path / "spool"
    data.mkdir()
    spool.mkdir()
    _numbered_files(data)
    store, ntriples = load_module.load_store_and_ntriples([data], spool=spool)
    assert ntriples and sum(blob.count(b"\n") for blob in ntriples) == len(store) == 300
    monkeypatch.setattr(load_module, "NTRIPLES_BESIDE_LIMIT", 300 * 25)
    store, ntriples = load_module.load_store_and_ntriples([data])
    assert ntriples is None and len(store) == 300
    store, ntriples = load_module.load_store_and_ntriples([data], spool=spool)
    [spilled] = ntriples
    assert not isinstance(spilled, bytes) and len(store) == 300
    assert list(spool.iterdir()) == [] and len(_open_in(spool)) == 1  # nameless, open
    assert export.canonical(store, ntriples) == export.canonical(store)
    assert ntriples == [] and spilled.closed and _open_in(spool) == []
    store, ntriples = load_module.load_store_and_ntriples([data], spool=spool)
    load_module.release_ntriples(ntriples)
    assert ntriples == [] and _open_in(spool) == []
    assert not _ntriples_threads()


@pytest.mark.parametrize("bad", [3, 200])
def test_a_bad_file_stops_the_ntriples_spilled_to_a_file(tmp_path, monkeypatch, bad):
    """Loading stops at a bad file while the N-Triples go to a file: the file is closed (and so
    removed) and the thread has ended."""
    data, spool = tmp_path / "data", tmp_path / "spool"
    data.mkdir()
    spool.mkdir()
    _numbered_files(data, bad, b"<http://a> <http://b> .\n")
    monkeypatch.setattr(load_module, "NTRIPLES_BESIDE_LIMIT", 300 * 25)
    with pytest.raises(InputError) as error:
        load_module.load_store_and_ntriples([data], spool=spool)
    assert f"file-{bad:03d}.ttl:1: not valid Turtle" in str(error.value)
    assert not _ntriples_threads() and _open_in(spool) == [] and list(spool.iterdir()) == []


def test_import_broken_markdown_exits_2(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("### Video\n\n<details>\n<summary><b>T</b></summary>\n\n* **arXiv ID:** 2401.00001\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 2
    assert "page.md:3: entry is not closed" in result.output
    assert "Traceback" not in result.output


def test_import_then_validate(tmp_path, seed_pages):
    out = tmp_path / "raw.ttl"
    result = CliRunner().invoke(main, ["import", *map(str, seed_pages), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "read 44 entries from 2 page(s): 20 papers" in result.output
    assert "conflict: paper 2312.14125, field authors" in result.output
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 1
    assert "skg:CodeRepositoryShape" in result.output


def test_import_split_writes_reviewable_files(tmp_path, seed_pages):
    result = CliRunner().invoke(main, ["import", *map(str, seed_pages), "--split", str(tmp_path)])
    assert result.exit_code == 0
    assert len(list((tmp_path / "papers").glob("*.ttl"))) == 20
    assert {p.name for p in tmp_path.glob("*.ttl")} == {"people.ttl", "venues.ttl", "categories.ttl"}


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_validate_engines_print_the_same_report(engine, tmp_path):
    """--engine picks the SHACL engine; on a graph with violations and warnings every engine prints
    the same JSON report as the default one (SHACL as SPARQL on Oxigraph)."""
    broken = tmp_path / "data"
    broken.mkdir()
    for path in (ROOT / "data").rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        if path.name == "2401.12945.ttl":  # no title, and a one-liner typed as a plain string
            text = text.replace("dcterms:title ", "skg:oneLiner \"x\" ; dcterms:titel ", 1)
        (broken / path.name).write_text(text, encoding="utf-8")
    default = run("--root", ROOT, "validate", broken, "--format", "json")
    other = run("--root", ROOT, "validate", broken, "--format", "json", "--engine", engine)
    assert default.exit_code == other.exit_code == 1, default.output
    rules = {r["rule"] for r in json.loads(default.stdout)}
    assert {"skg:PaperTitleShape", "skg:PaperOneLinerShape", "skg:KnownTermsShape"} <= rules, rules
    assert other.stdout == default.stdout
