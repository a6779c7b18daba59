"""`survey-kg validate` and `survey-kg import` through click's CliRunner."""

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from survey_kg.cli import main
from survey_kg.errors import InputError
from survey_kg.load import load

from .conftest import ROOT, SMALL, SOURCES


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


LVDM = SMALL / "data" / "works" / "2211.13221.ttl"


@pytest.fixture
def broken_file(tmp_path):
    """An edited copy of a work's file whose code link is a project page."""
    text = LVDM.read_text(encoding="utf-8")
    path = tmp_path / "2211.13221.ttl"
    path.write_text(text.replace("<https://github.com/YingqingHe/LVDM>",
                                 "<https://yingqinghe.github.io/LVDM/>"), encoding="utf-8")
    return path


def test_validate_text_names_work_field_problem_and_fix(broken_file):
    result = run("--root", SMALL, "validate", broken_file)
    assert result.exit_code == 1
    assert ("VIOLATION: work 2211.13221 (Latent Video Diffusion Models for High-Fidelity...) · "
            "code repository (schema:codeRepository) = https://yingqinghe.github.io/LVDM/: "
            "source code needs its repository") in result.output
    assert "fix: if the link is a project or demo page, use skg:projectPage" in result.output
    assert "1 violation(s), 1 warning(s)" in result.output


def test_validate_json(broken_file):
    result = run("--root", SMALL, "validate", "--format", "json", broken_file)
    assert result.exit_code == 1
    rows = [r for r in json.loads(result.output) if r["severity"] == "violation"]
    assert rows == [{
        "severity": "violation",
        "focus": "https://w3id.org/survey-kg/paper/2211.13221/code-1",
        "path": "https://schema.org/codeRepository",
        "value": "https://yingqinghe.github.io/LVDM/",
        "message": rows[0]["message"],
        "rule": "skg:CodeShape/schema:codeRepository",
        "work": "2211.13221 (Latent Video Diffusion Models for High-Fidelity...)",
        "field": "code repository (schema:codeRepository)",
        "fix": rows[0]["fix"],
    }]
    assert rows[0]["message"].startswith("source code needs its repository")


def test_validate_turtle_is_a_shacl_report(broken_file):
    result = run("--root", SMALL, "validate", "--format", "turtle", broken_file)
    assert result.exit_code == 1
    report = Graph().parse(data=result.output, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    rows = list(report.query(f"SELECT ?focus WHERE {{ ?r a <{sh}ValidationResult> ; "
                             f"<{sh}resultSeverity> <{sh}Violation> ; <{sh}focusNode> ?focus }}"))
    assert [str(r.focus) for r in rows] == ["https://w3id.org/survey-kg/paper/2211.13221/code-1"]


def test_the_turtle_report_is_the_same_bytes_each_time(broken_file):
    first, second = (run("--root", SMALL, "validate", "--format", "turtle", broken_file).output
                     for _ in range(2))
    assert first == second and "_:b0 a sh:ValidationReport" in first


def test_a_file_alone_misses_what_it_points_at(broken_file):
    """--alone: the people the work points at are not described, which the survey's context
    supplies; without it their rule fires."""
    alone = run("--root", SMALL, "validate", "--alone", "--format", "json", broken_file)
    rules = {r["rule"] for r in json.loads(alone.output) if r["severity"] == "violation"}
    assert len(rules) > 1 and "skg:CodeShape/schema:codeRepository" in rules, rules


def test_warnings_alone_exit_0(tmp_path):
    """The Chinese core innovation removed: a translation warning, exit 0."""
    text = LVDM.read_text(encoding="utf-8")
    start = text.index(' , "把视频生成迁移到')
    end = text.index('"@zh', start) + 4
    path = tmp_path / "2211.13221.ttl"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run("--root", SMALL, "validate", path)
    assert result.exit_code == 0, result.output
    assert "0 violation(s), 2 warning(s)" in result.output
    assert "core innovation (skg:coreInnovation): has a coreInnovation in @en but not in @zh" \
        in result.output


def test_quiet_prints_the_violations_alone(broken_file):
    full = run("--root", SMALL, "validate", broken_file)
    quiet = run("--root", SMALL, "validate", "--quiet", broken_file)
    assert quiet.exit_code == 1
    violation = full.output.splitlines()[:2]  # violations come first, then the warnings
    assert violation[0].startswith("VIOLATION: work 2211.13221") and "WARNING" in full.output
    assert quiet.output.splitlines() == violation  # no warning, no count line
    assert run("--root", SMALL, "validate", "-q", broken_file).output == quiet.output


def test_quiet_says_nothing_when_the_data_conforms():
    result = run("--root", SMALL, "validate", "--quiet")
    assert (result.exit_code, result.output) == (0, "")
    assert "WARNING" in run("--root", SMALL, "validate").output  # there are warnings to hide


@pytest.mark.parametrize("severity,shown", [("violation", {"VIOLATION"}),
                                            ("warning", {"VIOLATION", "WARNING"}),
                                            ("info", {"VIOLATION", "WARNING"})])
def test_severity_chooses_the_results_and_the_count_still_counts_them_all(broken_file, severity,
                                                                          shown):
    result = run("--root", SMALL, "validate", "--severity", severity, broken_file)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert {line.split(":")[0] for line in lines[:-1] if not line.startswith(" ")} == shown
    assert lines[-1] == ("1 violation(s), 1 warning(s)"
                         + (" (1 not shown: --severity violation)" if severity == "violation"
                            else ""))


def test_severity_narrows_json_and_turtle_too(broken_file):
    rows = json.loads(run("--root", SMALL, "validate", "--format", "json", "--severity",
                          "violation", broken_file).output)
    assert [r["severity"] for r in rows] == ["violation"]
    everything = json.loads(run("--root", SMALL, "validate", "--format", "json",
                                broken_file).output)
    assert sorted(r["severity"] for r in everything) == ["violation", "warning"]
    turtle = run("--root", SMALL, "validate", "--format", "turtle", "--quiet", broken_file)
    assert turtle.exit_code == 1
    report = Graph().parse(data=turtle.output, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    severities = {str(o) for o in report.objects(None, URIRef(sh + "resultSeverity"))}
    assert severities == {sh + "Violation"}
    assert (None, URIRef(sh + "conforms"), Literal(False)) in report


def test_severity_and_quiet_leave_the_exit_code_alone(tmp_path):
    """Warnings alone: exit 0 whatever is shown."""
    text = LVDM.read_text(encoding="utf-8")
    start = text.index(' , "把视频生成迁移到')
    path = tmp_path / "2211.13221.ttl"
    path.write_text(text[:start] + text[text.index('"@zh', start) + 4:], encoding="utf-8")
    for args in ([], ["--quiet"], ["--severity", "violation"], ["--severity", "warning"]):
        result = run("--root", SMALL, "validate", *args, path)
        assert result.exit_code == 0, (args, result.output)
    assert run("--root", SMALL, "validate", "--quiet", path).output == ""


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
    objects = {q.object.value for q in load([path])}
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
    store = load([tmp_path / "link" / "sub" / ".." / "sub", tmp_path / "link" / "a.ttl"])
    uri = (tmp_path / "real").resolve().as_uri()
    elsewhere = (tmp_path / "elsewhere").resolve().as_uri()
    assert {(q.subject.value, q.object.value) for q in store} == {
        (f"{uri}/a.ttl#node", f"{uri}/other.ttl"),
        (f"{uri}/sub/b.ttl#node", f"{uri}/sub/other.ttl"),
        (f"{elsewhere}/c.ttl#node", f"{elsewhere}/other.ttl"),
    }


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
def test_the_first_bad_file_of_many_is_named(tmp_path, bad, content, words):
    """The files load in order: a bad file (a parse error, or one the reader refuses) is the one
    named, not a bad file after it."""
    _numbered_files(tmp_path, bad, content)
    (tmp_path / f"file-{bad + 1:03d}.ttl").write_bytes(b"")  # the next is bad too: not named
    with pytest.raises(InputError) as error:
        load([tmp_path])
    assert words in str(error.value)
    assert f"file-{bad + 1:03d}.ttl" not in str(error.value)
    result = run("validate", tmp_path)
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_many_files_are_all_loaded_with_their_base_iris(tmp_path):
    for i in range(300):
        (tmp_path / f"file-{i:03d}.ttl").write_text(f"<#n{i}> <http://b> <x> .\n")
    store = load([tmp_path])
    uri = tmp_path.resolve().as_uri()
    assert {(q.subject.value, q.object.value) for q in store} == {
        (f"{uri}/file-{i:03d}.ttl#n{i}", f"{uri}/x") for i in range(300)}


def test_import_broken_markdown_reports_and_imports_the_rest(tmp_path):
    """An entry that is never closed is an error (exit 1), and what it holds is imported."""
    path = tmp_path / "page.md"
    path.write_text("### Video\n\n<details>\n<summary><b>T</b></summary>\n\n* **arXiv ID:** 2401.00001\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert "page.md:3: error: the <details> block opened here ('T') is never closed" in result.output
    assert 'schema:name "T"@en' in result.output
    assert "Traceback" not in result.output


SECTION = SOURCES / "consisency-paper" / "modality+temporal-consistency"


def test_import_then_validate(tmp_path, monkeypatch):
    """The upstream section as it stands imports with warnings and validates with the
    copy-pasted texts that data/ corrects (sources/curation.ru)."""
    monkeypatch.chdir(SECTION)
    out = tmp_path / "raw.ttl"
    result = CliRunner().invoke(main, ["import", "README.md", "README_zh.md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "read 44 entries from 2 page(s): 20 works" in result.output
    assert "README_zh.md:336: warning: entry 2311.15127, field abstract@zh: kept the value at " \
           "README_zh.md:55" in result.output
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 1
    assert "skg:CopiedTextShape" in result.output


def test_import_split_writes_reviewable_files(tmp_path):
    result = CliRunner().invoke(main, ["import", str(SECTION / "README.md"),
                                       str(SECTION / "README_zh.md"), "--split", str(tmp_path)])
    assert result.exit_code == 0
    assert len(list((tmp_path / "works").glob("*.ttl"))) == 20
    assert {p.name for p in tmp_path.glob("*.ttl")} == {"people.ttl", "categories.ttl"}


def test_validate_reports_every_broken_rule_of_a_survey_folder(tmp_path):
    """On a copy of the survey with a title turned into a misspelt property and a one-liner typed
    as a plain string, the JSON report has each rule it breaks."""
    broken = tmp_path / "data"
    broken.mkdir()
    for path in (ROOT / "data").rglob("*.ttl"):  # flattened: a folder of files is a folder
        text = path.read_text(encoding="utf-8")
        if path.name == "2401.12945.ttl":  # no title, and a one-liner typed as a plain string
            text = text.replace("\tschema:name ", "\tschema:description \"x\" ; schema:nmae ", 1)
        (broken / path.name).write_text(text, encoding="utf-8")
    result = run("--root", ROOT, "validate", broken, "--format", "json")
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)
    rules = {r["rule"] for r in rows}
    assert {"skg:WorkNameShape", "skg:WorkDescriptionShape", "skg:KnownTermsShape"} <= rules, rules
    lumiere = "https://w3id.org/survey-kg/paper/2401.12945"
    assert {r["focus"] for r in rows if r["severity"] == "violation"} == {lumiere}
