"""The survey-kg command line: parses arguments, calls the library, prints, exits.

Exit codes: 0 ok; 1 validation failed or a generated file is stale; 2 unusable input or usage;
3 a remote endpoint failed. No traceback unless --debug.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import SurveyKGError


class _Group(click.Group):
    """Turns library errors into one-line messages and documented exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SurveyKGError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"survey-kg: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # a defect: still one line, with a way to see more
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"survey-kg: internal error: {type(exc).__name__}: {exc} "
                       "(run with --debug for the traceback and report it)", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="survey-kg")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The survey folder (holding data/). Default: found from the current directory "
                   "the way git finds its root, else the survey shipped with survey-kg.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx, root, debug):
    """Turn a curated research survey into a validated RDF knowledge graph, and regenerate its
    README from SPARQL queries.

    \b
    Exit codes: 0 ok, 1 validation failed or README stale, 2 unusable input or usage,
    3 remote endpoint failure.
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root
    ctx.obj["debug"] = debug


def survey_of(ctx):
    from .resources import find_survey

    return find_survey(explicit=ctx.obj.get("root"))


@main.command("import")
@click.argument("pages", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one Turtle file here (default: standard output).")
@click.option("--split", type=click.Path(file_okay=False, path_type=Path),
              help="Write a folder for review instead: papers/<arXiv ID>.ttl, people.ttl, "
                   "venues.ttl, categories.ttl.")
def import_command(pages, out, split):
    """Read survey PAGES (markdown, English or Chinese) and write Turtle.

    Entries with the same arXiv ID are one paper; English and Chinese pages merge into one paper
    with @en and @zh texts. Conflicts between entries, and text that could not be placed, are
    listed on standard error with file and line. Then run `survey-kg validate` on the result.

    \b
    Example:
      survey-kg import README.md README_zh.md --out raw.ttl
    """
    from .export import to_turtle
    from .files import atomic_write
    from .importer import import_pages, split_by_owner

    result = import_pages(pages)
    for finding in result.findings:
        click.echo(str(finding), err=True)
    if split:
        for name, graph in sorted(split_by_owner(result.graph).items()):
            atomic_write(split / name, to_turtle(graph))
    elif out:
        atomic_write(out, to_turtle(result.graph))
    else:
        click.echo(to_turtle(result.graph), nl=False)
    conflicts = sum(f.kind == "conflict" for f in result.findings)
    unplaced = sum(f.kind == "not-placed" for f in result.findings)
    click.echo(f"read {result.entries} entries from {len(pages)} page(s): {result.papers} papers, "
               f"{len(result.graph)} triples; {conflicts} conflict(s), {unplaced} line(s) not placed",
               err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people, json for tools, turtle for the standard "
                                      "SHACL validation report.")
@click.pass_context
def validate(ctx, paths, fmt):
    """Check Turtle files or folders (default: the survey's data/) against the SHACL shapes.

    Exit 0 when there is no violation (warnings are allowed), 1 when there are violations,
    2 when the input cannot be read.
    """
    from .load import load_files
    from .validate import format_json, format_text, format_turtle, validate as run

    graph = load_files(paths or [survey_of(ctx).data])
    report = run(graph)
    formatter = {"text": format_text, "json": format_json, "turtle": format_turtle}[fmt]
    click.echo(formatter(report), nl=False)
    ctx.exit(0 if report.conforms else 1)


@main.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="table for people; csv, tsv and json are the W3C SPARQL "
                                      "1.1 results formats.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter the query declares (repeatable). Values are bound as RDF "
                   "terms, never pasted into the query.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the "
                                               "local graph.")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds before a remote query is given up.")
@click.option("--list", "list_only", is_flag=True, help="List the available queries and exit.")
@click.pass_context
def query(ctx, name, fmt, params, endpoint, timeout, list_only):
    """Run the query NAME from queries/ (or a FILE.rq) and print its rows.

    \b
    Examples:
      survey-kg query summary
      survey-kg query papers_by_category --param category=category:modality-temporal-consistency
      survey-kg query summary --format json --endpoint http://127.0.0.1:7878/query
      survey-kg query any --list
    """
    from . import query as q
    from .errors import InputError

    survey = survey_of(ctx)
    if list_only:
        for item in q.list_queries(survey):
            declared = " ".join(f"?{p}" for p in item.params)
            click.echo(f"{item.name:28} {item.title}" + (f"  [{declared}]" if declared else ""))
        return
    bindings = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--param {item!r} is not NAME=VALUE", field="--param",
                             hint="e.g. --param year=2024")
        bindings[key.lstrip("?")] = value
    query_file = q.find_query(name, survey)
    if endpoint:
        from .endpoint import select

        rows = select(endpoint, q.bind(query_file, bindings), timeout=timeout)
    else:
        from .load import load_files

        rows = q.run(load_files([survey.data]), query_file, bindings)
    click.echo(q.FORMATS[fmt](rows), nl=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
