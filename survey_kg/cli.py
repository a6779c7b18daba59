"""The survey-kg command line: parses arguments, calls the library, prints, exits.

Exit codes: 0 ok; 1 validation failed or a generated file is stale; 2 unusable input or usage;
3 a remote endpoint failed. No traceback unless --debug.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from .allocator import restart_under_mimalloc
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
    # rdflib logs a traceback for each ill-typed literal ("abc"^^xsd:integer); the shapes report
    # those as violations, so without --debug the log is noise that breaks the one-line rule.
    logging.getLogger("rdflib").setLevel(logging.WARNING if debug else logging.ERROR)


def survey_of(ctx):
    from .resources import find_survey

    return find_survey(explicit=ctx.obj.get("root"))


def _kept(ctx, value):
    """`value`, which the console script keeps until the process ends (see `entry`): a
    survey's store is left to the operating system, not freed triple by triple."""
    keep = ctx.find_root().obj.get("keep")
    if keep is not None:
        keep.append(value)
    return value


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

    if out and split:
        raise click.UsageError("give --out or --split, not both")
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
@click.option("--engine", type=click.Choice(["oxigraph", "turbo", "pyshacl"]), default="oxigraph",
              show_default=True, help="oxigraph runs the shapes as SPARQL queries on the store "
                                      "(fast); pyshacl is the reference engine, turbo is "
                                      "pyshacl-turbo. All report the same results.")
@click.pass_context
def validate(ctx, paths, fmt, engine):
    """Check Turtle files or folders (default: the survey's data/) against the SHACL shapes.

    Exit 0 when there is no violation (warnings are allowed), 1 when there are violations,
    2 when the input cannot be read.
    """
    from .load import load_store
    from .validate import format_json, format_text, format_turtle, validate as run

    report = run(_kept(ctx, load_store(paths or [survey_of(ctx).data])), engine=engine)
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
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --endpoint: run over this named graph (sent as the protocol's "
                   "default-graph-uri), e.g. the one `survey-kg publish` wrote.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True,
              help="Seconds before the query is given up: on an --endpoint, and locally for a "
                   "query of yours (a FILE.rq, or one in the survey's queries/), which runs in a "
                   "worker process that is stopped then. Queries shipped with survey-kg run "
                   "in-process, without a limit.")
@click.option("--list", "list_only", is_flag=True, help="List the available queries and exit.")
@click.pass_context
def query(ctx, name, fmt, params, endpoint, graph_iri, timeout, list_only):
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

        rows = select(endpoint, q.bind(query_file, bindings), timeout=timeout, graph=graph_iri)
    elif graph_iri:
        raise InputError("--graph needs --endpoint", field="--graph",
                         hint="the local graph has no named graphs")
    else:
        from .load import load_store

        # Oxigraph evaluates (the same rows as rdflib, and as a remote Oxigraph, much faster).
        # A user's query may never end: it runs in a worker that is stopped after --timeout
        # (docs/decisions/0013-query-timeout.md); a shipped one is reviewed and benchmarked.
        store = _kept(ctx, load_store([survey.data]))
        if q.is_shipped(query_file):
            rows = q.run(store, query_file, bindings)
        else:
            rows = q.run_with_timeout(store, query_file, bindings, timeout=timeout)
    click.echo(q.FORMATS[fmt](rows), nl=False)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query endpoint, used to check the upload "
                   "(Oxigraph: http://HOST:7878/query).")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="The named graph to replace. Default: the IRI of the dataset the data "
                   "describes (its void:Dataset, in data/dataset.ttl), else "
                   "https://w3id.org/survey-kg/dataset/survey.")
@click.option("--store-endpoint", metavar="URL",
              help="The Graph Store Protocol endpoint. Default: the --endpoint URL with its "
                   "trailing /query replaced by /store (Oxigraph's layout).")
@click.option("--update-endpoint", metavar="URL",
              help="For a server without a Graph Store endpoint: replace the graph with one "
                   "SPARQL Update request (DROP SILENT GRAPH, INSERT DATA) sent here instead.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds before each request is given up.")
@click.pass_context
def publish(ctx, endpoint, graph_iri, store_endpoint, update_endpoint, timeout):
    """Upload the survey's graph to a SPARQL server, replacing one named graph in one request,
    then check the triple count there.

    Credentials come from SURVEY_KG_ENDPOINT_TOKEN (bearer), SURVEY_KG_ENDPOINT_USER and
    SURVEY_KG_ENDPOINT_PASSWORD (basic), or a netrc entry for the host ($NETRC or ~/.netrc);
    never from the command line. A failed upload leaves the server's graph as it was.

    \b
    Example (Oxigraph, started with --union-default-graph):
      survey-kg publish --endpoint http://127.0.0.1:7878/query
      survey-kg query summary --endpoint http://127.0.0.1:7878/query
    """
    from . import endpoint as remote
    from .errors import InputError
    from .load import load_store

    if store_endpoint and update_endpoint:
        raise InputError("give --store-endpoint or --update-endpoint, not both",
                         field="--store-endpoint")
    if not update_endpoint:
        store_endpoint = store_endpoint or remote.store_url_for(endpoint)
    graph = _kept(ctx, load_store([survey_of(ctx).data]))
    graph_iri = graph_iri or remote.default_graph_iri(graph)
    count = remote.publish(graph, store_endpoint, graph_iri, query_url=endpoint, timeout=timeout,
                           update_url=update_endpoint)
    target = remote.display(store_endpoint or update_endpoint)
    click.echo(f"published {count} triples to graph <{graph_iri}> at {target}")


@main.command("export")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The dump folder. Default: dist/ in the survey folder.")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "all"]), default="all",
              show_default=True, help="Write one dump, or all of them with the dataset "
                                      "description (void.ttl), the ontology and the shapes.")
@click.pass_context
def export_command(ctx, out, fmt):
    """Write the survey's graph as dump files for linked-data users (no validation; `survey-kg
    build` validates first).

    \b
    survey.ttl      Turtle with the project's prefixes, in a stable order
    survey.nt       N-Triples, one triple per line, lines sorted
    survey.jsonld   JSON-LD compacted with context.jsonld (also written): readable keys,
                    language maps, authors and key points as arrays in order
    void.ttl        VoID + DCAT: title, license, version, dates, dump files, counts
    ontology.ttl, shapes.ttl   the vocabulary and the rules

    The same data gives byte-identical files; each file is replaced atomically, and only when
    its content changed.

    \b
    Example:
      survey-kg export --out /tmp/dump --format jsonld
    """
    from .export import default_folder, write_dump
    from .load import load_store

    survey = survey_of(ctx)
    folder = out or default_folder(survey)
    dump = write_dump(_kept(ctx, load_store([survey.data])), folder, fmt)
    for path in dump.files:
        state = "wrote" if path in dump.changed else "unchanged"
        click.echo(f"{state} {path} ({dump.sizes[path.name]} bytes)", err=True)
    click.echo(f"{len(dump.files)} file(s) in {folder}, {len(dump.changed)} changed", err=True)


@main.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The dump folder. Default: dist/ in the survey folder.")
@click.pass_context
def build_command(ctx, out):
    """The main job: load data/, validate it, regenerate README.md and README_zh.md, and write
    every dump (as `survey-kg export`).

    Stops with the validation report and exit 1 on a violation, before writing anything.
    Progress per stage and a summary with counts and timings go to standard error.
    """
    from .build import BuildStopped, build
    from .validate import format_text

    def show(stage):
        if stage.status == "done":
            click.echo(f"{stage.name}: {stage.detail} ({stage.seconds:.2f} s)", err=True)
        elif stage.status == "skipped":
            click.echo(f"{stage.name}: skipped ({stage.detail})", err=True)

    try:
        result = build(survey_of(ctx), on_stage=show, out=out)
    except BuildStopped as exc:
        click.echo(format_text(exc.report), err=True, nl=False)
        raise
    s = result.statistics
    click.echo(f"built in {result.seconds:.2f} s: {s.triples} triples, {s.papers} papers, "
               f"{s.people} people, {s.venues} venues, {s.categories} categories; "
               f"{len(result.report.warnings)} warning(s); {len(result.readmes)} README(s) and "
               f"{len(result.dump.changed)} dump file(s) changed", err=True)
    _kept(ctx, result)  # the graph is freed by the process's exit (see `entry`)


@main.command("readme")
@click.option("--check", is_flag=True,
              help="Change nothing: print a unified diff of what would change and exit 1 when a "
                   "README is stale, 0 when every README is up to date (for CI and pre-commit).")
@click.pass_context
def readme_command(ctx, check):
    """Regenerate the survey sections of README.md and README_zh.md from data/.

    Only the text between `<!-- BEGIN survey-kg:NAME -->` and `<!-- END survey-kg:NAME -->`
    lines is rewritten; everything else in the files stays as it is. Section NAME is the
    template survey_kg/templates/NAME.md.j2 filled with the rows of the queries (queries/*.rq)
    its header names. Edit data/, not the generated markdown.

    \b
    Examples:
      survey-kg readme
      survey-kg readme --check
    """
    from .load import load_store
    from .render import readme_diffs, write_readmes

    survey = survey_of(ctx)
    graph = _kept(ctx, load_store([survey.data]))
    if check:
        diffs = readme_diffs(graph, survey)
        for diff in diffs:
            click.echo(diff, nl=False)
        if diffs:
            click.echo(f"survey-kg: {len(diffs)} README(s) out of date with data/; run "
                       "`survey-kg readme`", err=True)
            ctx.exit(1)
        click.echo("READMEs are up to date", err=True)
        return
    written = write_readmes(graph, survey)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    if not written:
        click.echo("READMEs are up to date", err=True)


def entry() -> None:
    """The `survey-kg` console script: `main`, then an exit that leaves the memory to the operating
    system. A command puts what it need not free (a survey's in-memory store) in ctx.obj["keep"]:
    freeing a million triples object by object takes half a second, at 100,000 papers seconds.
    Output is flushed first; the exit code is main's. It first starts itself again under
    mimalloc (survey_kg.allocator), where it can."""
    restart_under_mimalloc()
    obj: dict = {"keep": []}  # held here: freed with click's context, it would free the store
    try:
        main(obj=obj)
        code = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):  # sys.exit("message") or sys.exit(None), as Python does
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
