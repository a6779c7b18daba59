"""The survey-kg command line: parse arguments, call the library, print, exit.

Exit codes: 0 ok; 1 validation failed or a generated file is stale; 2 unusable input or usage;
3 a remote endpoint failed. No traceback unless --debug.
"""

from __future__ import annotations

import threading
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import InputError, SurveyKGError


# Options of the whole command, accepted before the subcommand and after it (`survey-kg
# --root DIR build` and `survey-kg build --root DIR`): each subcommand gets a copy that sets
# the same value; one given after the subcommand wins.
ROOT_HELP = ("The survey folder (holding data/). Default: found from the current directory the "
             "way git finds its root.")
DEBUG_HELP = "Show tracebacks instead of one-line errors."
# Commands that write into the survey: outside one they stop (exit 2) instead of using the
# survey shipped with survey-kg, whose folder is the installed package (or the checkout an
# editable install runs from). Those of the second list write into the survey's dist/ unless
# --out DIR names another folder, and may then read the shipped survey.
WRITES_INTO_SURVEY = ("build", "readme", "add")
WRITES_INTO_DIST = ("export", "site")


def _set_global(ctx, param, value):
    if value is not None and value is not False:
        ctx.ensure_object(dict)[param.name] = value
    return value


def _global_options() -> list[click.Option]:
    return [click.Option(["--root"], type=click.Path(file_okay=False, path_type=Path),
                         default=None, expose_value=False, callback=_set_global,
                         help=ROOT_HELP),
            click.Option(["--debug"], is_flag=True, default=False, expose_value=False,
                         callback=_set_global, help=DEBUG_HELP)]


class _Group(click.Group):
    """Turns library errors into one-line messages and documented exit codes; gives every
    subcommand the global options."""

    def add_command(self, cmd, name=None):
        cmd.params.extend(_global_options())
        super().add_command(cmd, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SurveyKGError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"survey-kg: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
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
              help=ROOT_HELP + " Commands that only read use the survey shipped with survey-kg "
                               "when there is none; commands that write stop. Also accepted "
                               "after the subcommand.")
@click.option("--debug", is_flag=True, help=DEBUG_HELP + " Also accepted after the subcommand.")
@click.pass_context
def main(ctx, root, debug):
    """Turn a curated research survey into a validated RDF knowledge graph, and regenerate its
    pages from SPARQL queries.

    \b
    Exit codes: 0 ok, 1 validation failed or a page is stale, 2 unusable input or usage,
    3 remote endpoint failure.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(root=root, debug=debug)


def _writes_into_survey(ctx) -> bool:
    name = ctx.command.name
    return name in WRITES_INTO_SURVEY or (name in WRITES_INTO_DIST and not ctx.params.get("out"))


def survey_of(ctx):
    """The survey the command works on (found once per command): the one at --root, or found
    from the current directory. Outside a survey a command that writes into it stops (exit 2),
    and one that reads uses the survey shipped with survey-kg, saying so on standard error."""
    from .paths import bundled_survey, survey_here

    obj = ctx.ensure_object(dict)
    if "survey" not in obj:
        found = survey_here(explicit=obj.get("root"))
        if found is None:
            if _writes_into_survey(ctx):
                raise InputError("no survey here: run inside one or give --root", file=Path.cwd(),
                                 hint="a survey is a folder holding data/ with Turtle files, "
                                      "found in the current folder or above it")
            found = bundled_survey()
            click.echo(f"survey-kg: no survey here; reading the survey shipped with survey-kg "
                       f"({found.data})", err=True)
        elif _writes_into_survey(ctx):
            found.writable()
        obj["survey"] = found
    return obj["survey"]


def _store(ctx):
    from .load import load

    return load([survey_of(ctx).data])


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one Turtle file here (default: standard output).")
@click.option("--split", type=click.Path(file_okay=False, path_type=Path),
              help="Write a folder laid out like data/ instead: works/<ID>.ttl, people.ttl, "
                   "venues.ttl, categories.ttl.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 when there are any).")
@click.pass_context
def import_command(ctx, paths, out, split, strict):
    """Read survey pages (markdown, English or Chinese) and write Turtle.

    PATHS are page files, or a survey folder: its root pages (README.md, README_zh.md) and every
    section folder's pages are read. Entries with the same arXiv ID (or, without one, the same
    title) are one work; a work listed in two sections is in both categories. Every problem is
    reported on standard error with file, line, entry and field, and everything readable is
    imported. Venues are matched against the venues of the survey found from the current
    directory (data/venues.ttl).

    
    Exit: 0 when nothing was reported at error level, 1 when something was (the rest is
    written all the same), 2 for unusable input or usage.

    
    Examples:
      survey-kg import sources/awesome-world-model-evolution --split imported/
      survey-kg import consisency-paper/world-models/README.md --out world-models.ttl
    """
    from .importer import import_pages, import_tree, page_files
    from .load import load

    if out and split:
        raise click.UsageError("give --out or --split, not both")
    known = survey_of(ctx).data / "venues.ttl"  # (outside a survey: the shipped one's, said once)
    venues = load([known]) if known.is_file() else None
    if len(paths) == 1 and paths[0].is_dir():
        result = import_tree(paths[0], venues)
        pages = len(page_files(paths[0]))
    else:
        if any(path.is_dir() for path in paths):
            raise click.UsageError("give one survey folder, or page files")
        result = import_pages(paths, venues=venues)
        pages = len(paths)
    for finding in result.findings:
        click.echo(str(finding), err=True)
    if split:
        result.write(split)
    elif out:
        from .files import atomic_write
        atomic_write(out, result.turtle())
    else:
        click.echo(result.turtle().decode("utf-8"), nl=False)
    errors, warnings = len(result.errors), len(result.warnings)
    click.echo(f"read {result.entries} entries from {pages} page(s): {len(result.works)} works, "
               f"{len(result.triples.triples)} triples; {errors} error(s), {warnings} warning(s)",
               err=True)
    ctx.exit(1 if errors or (strict and warnings) else 0)


@main.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people, json for tools, turtle for the standard "
                                      "SHACL validation report.")
@click.option("--severity", type=click.Choice(["violation", "warning", "info"]), default="info",
              show_default=True, help="Report the results of this severity or graver "
                                      "(violation > warning > info); the text's last line still "
                                      "counts them all.")
@click.option("-q", "--quiet", is_flag=True,
              help="Report the violations alone, without the count line: nothing is printed "
                   "when the data conforms (for scripts and pre-commit; the exit code tells).")
@click.option("--alone", is_flag=True,
              help="Check the files by themselves, without the survey's data/ as context.")
@click.pass_context
def validate_command(ctx, paths, fmt, severity, quiet, alone):
    """Check the survey's data/ (or the Turtle files or folders PATHS) against the SHACL shapes.

    PATHS are checked with the rest of the survey (data/ of the survey found from the current
    directory, or --root) loaded as context, and the report is about what they describe: a
    work's file is checked against the people, venues and categories it points at, and an
    edited copy of a file replaces that file's description.

    \b
    Exit 0 when there is no violation (warnings are allowed), 1 when there are violations,
    2 when the input cannot be read; --severity and --quiet change what is printed, not the
    exit code.

    \b
    Examples:
      survey-kg validate
      survey-kg validate --quiet
      survey-kg validate --severity violation data/works/2401.12945.ttl
      survey-kg validate --format json new-paper.ttl
    """
    from .rules import format_json, format_text, format_turtle, validate, validate_files

    if paths:
        report = validate_files(paths, None if alone else survey_of(ctx).data)
    else:
        report = validate(_store(ctx))
    severity = "violation" if quiet else severity
    if fmt == "text":
        click.echo(format_text(report, severity, quiet=quiet), nl=False)
    else:
        formatter = {"json": format_json, "turtle": format_turtle}[fmt]
        click.echo(formatter(report, severity), nl=False)
    ctx.exit(0 if report.conforms else 1)


def _with_timeout(function, timeout: float, what: str, file=None):
    """`function()` on a thread, given up after `timeout` seconds: Oxigraph cannot stop a query
    from inside, so the command ends (the thread ends with the process). `file`: what the
    error names (the query file)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as exc:  # raised again here
            # the locals of the frames it passed through are freed here, on this thread: an
            # Oxigraph result (QuerySolutions, QueryTriples) may only be dropped where it was made
            chained = exc
            while chained is not None:
                traceback.clear_frames(chained.__traceback__)
                chained = chained.__context__
            outcome["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise InputError(f"{what} did not finish within {timeout:g} s and was stopped",
                         file=file, hint="simplify it, or allow more time with --timeout SECONDS")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _complete_query(ctx, param, incomplete: str):
    """Shell completion of a query's NAME: the names of the survey's queries, else files."""
    from click.shell_completion import CompletionItem

    from . import queries as q
    from .paths import find_survey

    try:
        names = [item.name for item in q.list_queries(find_survey((ctx.obj or {}).get("root")))]
    except SurveyKGError:
        names = []
    found = [name for name in names if name.startswith(incomplete)]
    if found and "/" not in incomplete:
        return found
    return [CompletionItem(incomplete, type="file")]


@main.command()
@click.argument("name", required=False, shell_complete=_complete_query)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "jsonl"]),
              default="table", show_default=True,
              help="table for people; csv, tsv and json are the W3C SPARQL 1.1 results formats; "
                   "jsonl is one JSON object per row (as sqlite-utils --nl writes): the "
                   "variables as keys, IRIs and texts as strings, numbers and booleans as JSON "
                   "ones, unbound as null, no language tags or datatypes (json keeps them).")
@click.option("--wide", is_flag=True,
              help="Never cut the table's cells. By default a table as wide as the terminal "
                   "($COLUMNS, else the terminal's width) has its widest cells cut with \"…\"; "
                   "when standard output is not a terminal and $COLUMNS is not set, nothing "
                   "is cut.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter the query declares (repeatable). Values are bound as RDF "
                   "terms, never pasted into the query.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the "
                                               "local graph.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --endpoint: run over this named graph (sent as the protocol's "
                   "default-graph-uri), e.g. the one `survey-kg publish` wrote. Without it, a "
                   "query that finds no row says so when the survey's graph is a named graph "
                   "there that the default graph leaves out.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds before the query is given up.")
@click.option("--list", "list_only", is_flag=True, help="List the available queries and exit.")
@click.pass_context
def query(ctx, name, fmt, wide, params, endpoint, graph_iri, timeout, list_only):
    """Run the query NAME from queries/ (or a FILE.rq) and print its rows.

    A query may use the project's prefixes (skg:, paper:, person:, category:, schema:, skos:,
    dcterms:, xsd: and the others of the survey's Turtle files) without PREFIX lines; its own
    PREFIX lines win. A syntax error names the line of the query file.

    \b
    Examples:
      survey-kg query works_per_year
      survey-kg query works --param lang=zh --param category=category:world-models
      survey-kg query work_authors --param work=paper:2303.03378 --format csv
      survey-kg query my-query.rq --format jsonl
      survey-kg query works_per_venue --format json --endpoint http://127.0.0.1:7878/query
      survey-kg query --list
    """
    from . import queries as q
    from .results import FORMATS, to_table

    survey = survey_of(ctx)
    if list_only:
        for item in q.list_queries(survey):
            declared = " ".join(f"?{p}" for p in item.params)
            click.echo(f"{item.name:28} {item.title}" + (f"  [{declared}]" if declared else ""))
        return
    if name is None:
        raise click.UsageError("give the NAME of a query (survey-kg query --list lists them) or "
                               "a FILE.rq")
    bindings = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--param {item!r} is not NAME=VALUE", field="--param",
                             hint="e.g. --param year=2024")
        bindings[key.lstrip("?")] = value
    query_file = q.find_query(name, survey)
    if endpoint:
        from . import remote

        rows = remote.select(endpoint, q.checked(query_file, bindings), timeout=timeout,
                             graph=graph_iri)
        if not rows.rows and graph_iri is None:
            _hint_named_graph(ctx, endpoint, timeout)
    elif graph_iri:
        raise InputError("--graph needs --endpoint", field="--graph",
                         hint="the local graph has no named graphs")
    else:
        store = _store(ctx)
        rows = _with_timeout(lambda: q.run(store, query_file, bindings), timeout,
                             f"query {query_file.name!r}", file=query_file.path)
    if fmt == "table":
        click.echo(to_table(rows, width=None if wide else _terminal_width()), nl=False)
    else:
        click.echo(FORMATS[fmt](rows), nl=False)


def _terminal_width() -> int | None:
    """The width tables fit into: $COLUMNS, else the terminal's, else (standard output is a
    pipe or a file) none."""
    import os
    import shutil
    import sys

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _hint_named_graph(ctx, endpoint: str, timeout: float) -> None:
    """After a remote query found no row: when the survey's graph (the IRI `publish` writes)
    is a named graph there that the default graph does not include, say to add --graph."""
    from . import remote

    try:
        graph_iri = remote.default_graph_iri(_store(ctx))
        apart = remote.named_graph_apart(endpoint, graph_iri, timeout=timeout)
    except SurveyKGError:  # the hint is a courtesy: the query itself went well
        return
    if apart:
        click.echo(f"survey-kg: hint: no row in the endpoint's default graph, but the survey's "
                   f"graph <{graph_iri}> is a named graph there: add --graph {graph_iri}",
                   err=True)


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
    from . import remote

    if store_endpoint and update_endpoint:
        raise InputError("give --store-endpoint or --update-endpoint, not both",
                         field="--store-endpoint")
    if not update_endpoint:
        store_endpoint = store_endpoint or remote.store_url_for(endpoint)
    store = _store(ctx)
    graph_iri = graph_iri or remote.default_graph_iri(store)
    count = remote.publish(store, store_endpoint, graph_iri, query_url=endpoint, timeout=timeout,
                           update_url=update_endpoint)
    target = remote.display(store_endpoint or update_endpoint)
    click.echo(f"published {count} triples to graph <{graph_iri}> at {target}")


@main.command("export")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The dump folder. Default: dist/ in the survey folder.")
@click.option("--format", "fmt",
              type=click.Choice(["ttl", "nt", "jsonld", "bibtex", "csl", "all"]), default="all",
              show_default=True, help="Write one file (jsonld: with its context), or all of "
                                      "them with the ontology, the shapes and the dataset "
                                      "description (void.ttl).")
@click.pass_context
def export_command(ctx, out, fmt):
    """Write the survey's graph as dump files for linked-data users, and citations of its works
    for reference managers (no validation; `survey-kg build` validates first).

    \b
    survey.ttl       Turtle with the project's prefixes, subjects in a stable order
    survey.nt        N-Triples, one triple per line, lines sorted
    survey.jsonld    JSON-LD compacted with context.jsonld (also written): absolute IRIs,
                     one key per property, texts in language maps, authors in order
    survey.bib       BibTeX, one entry per work (--format bibtex)
    survey.csl.json  CSL-JSON, one item per work (--format csl)
    void.ttl         VoID + DCAT: the dataset, its partitions and period, and each file with
                     its URLs, media type, size and SHA-256
    ontology.ttl, shapes.ttl   the vocabulary and the rules

    The same data gives byte-identical files; each file is replaced atomically, and only when
    its content changed.

    \b
    Examples:
      survey-kg export --out /tmp/dump --format jsonld
      survey-kg export --format bibtex      # dist/survey.bib
    """
    from .dump import write_dump

    survey = survey_of(ctx)
    folder = out or survey.dist()
    dump = write_dump(_store(ctx), folder, fmt)
    for path in dump.files:
        state = "wrote" if path in dump.changed else "unchanged"
        click.echo(f"{state} {path} ({dump.sizes[path.name]} bytes)", err=True)
    click.echo(f"{len(dump.files)} file(s) in {folder}, {len(dump.changed)} changed", err=True)


@main.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The dump folder (the site goes to its site/). Default: dist/ in the survey "
                   "folder.")
@click.pass_context
def build_command(ctx, out):
    """The main job: load data/, validate it, regenerate the survey's pages, and write every
    dump (as `survey-kg export`) and the website (as `survey-kg site`, into dist/site/).

    Stops with the validation report and exit 1 on a violation, before writing anything.
    Progress per stage and a summary with counts and timings go to standard error.
    """
    from .build import BuildStopped, build
    from .rules import format_text

    def show(name, detail, seconds):
        click.echo(f"{name}: {detail} ({seconds:.2f} s)", err=True)

    try:
        result = build(survey_of(ctx), out=out, on_stage=show)
    except BuildStopped as exc:
        click.echo(format_text(exc.report), err=True, nl=False)
        raise
    s = result.dump.statistics
    click.echo(f"built in {result.seconds['build']:.2f} s: {s.triples} triples, {s.works} works "
               f"({s.papers} papers), {s.people} people, {s.organizations} organizations, "
               f"{s.venues} venues, {s.categories} categories; "
               f"{len(result.report.warnings)} warning(s); {len(result.pages)} page(s) and "
               f"{len(result.dump.changed)} dump file(s) changed; site of {result.site.pages} "
               "pages", err=True)


@main.command("readme")
@click.option("--check", is_flag=True,
              help="Change nothing: print a unified diff of what would change and exit 1 when a "
                   "page is stale, 0 when every page is up to date (for CI and pre-commit).")
@click.pass_context
def readme_command(ctx, check):
    """Regenerate the survey's pages from data/: the root pages (README.md, README_zh.md), the
    curation page (CURATION.md, with the validation warnings) and each category's section pages
    (<folder>/README.md and README_zh.md, made if missing), in survey/ when there is one.

    Only the text between `<!-- BEGIN survey-kg:NAME -->` and `<!-- END survey-kg:NAME -->`
    lines is rewritten; everything else in the files stays as it is, byte for byte. Section
    NAME is the template survey_kg/templates/NAME.md.j2 filled with the rows of the queries
    (queries/*.rq) its header names. Edit data/, not the generated markdown.

    \b
    Examples:
      survey-kg readme
      survey-kg readme --check
    """
    from .errors import ValidationFailed
    from .render.pages import page_diffs, write_pages
    from .rules import format_text, validate

    survey = survey_of(ctx)
    store = _store(ctx)
    report = validate(store)  # the curation page lists its warnings
    if not report.conforms:  # the pages trust what the shapes guarantee (introductions)
        click.echo(format_text(report), err=True, nl=False)
        raise ValidationFailed(f"{len(report.violations)} violation(s): no page was compared "
                               "or written", hint="fix them (survey-kg validate shows the same "
                                                  "report) and run survey-kg readme again")
    if check:
        diffs = page_diffs(store, survey, report)
        for diff in diffs:
            click.echo(diff, nl=False)
        if diffs:
            click.echo(f"survey-kg: {len(diffs)} page(s) out of date with data/; run "
                       "`survey-kg readme`", err=True)
            ctx.exit(1)
        click.echo("pages are up to date", err=True)
        return
    written = write_pages(store, survey, report)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    if not written:
        click.echo("pages are up to date", err=True)


@main.command("add")
@click.argument("page", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--category", metavar="NAME",
              help="The entries' category (a slug such as world-models, or its name in either "
                   "language). Default: the page's ### heading.")
@click.option("--update", is_flag=True,
              help="Replace the description of a work the survey holds already by the page's "
                   "entry (each field the page gives), and report each field it changes.")
@click.option("--template", "show_template", is_flag=True,
              help="Print a blank entry to fill in, and exit.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="With --template: the labels' language.")
@click.pass_context
def add_command(ctx, page, category, update, show_template, lang):
    """Add the entries of PAGE (markdown in the survey's entry format, English or Chinese) to
    the survey's data/: a file per work in data/works/, new people in data/people.ttl; an
    author the survey has is referenced. Venues and categories must be the survey's
    (data/venues.ttl, data/categories.ttl).

    The page is read as `survey-kg import` reads it, and its findings are printed the same
    way; the survey with the additions is then validated. An error on the page, a work the
    survey holds already (unless --update) or a violation stops it with exit 1, and nothing is
    written. The pages are generated from data/: run `survey-kg build` afterwards.

    \b
    Examples:
      survey-kg add --template > new.md
      survey-kg add new.md
      survey-kg add --update corrected.md
    """
    from .add import add, template
    from .errors import ValidationFailed
    from .rules import Report, format_text

    if show_template:
        click.echo(template(lang), nl=False)
        return
    if page is None:
        raise click.UsageError("give the PAGE to add (survey-kg add --template prints an "
                               "entry to fill in)")
    survey = survey_of(ctx)
    outcome = add(survey, page, category=category, update=update)
    for finding in outcome.findings:
        click.echo(str(finding), err=True)
    if outcome.errors:
        raise ValidationFailed(f"{len(outcome.errors)} error(s): nothing was added",
                               hint="correct the page and run survey-kg add again")
    # Every violation (any stops the addition) and what else is said of the additions; the
    # survey's other warnings are counted, not listed (`survey-kg validate` lists them).
    report = outcome.report
    about = outcome.about_additions()
    mine = {id(result) for result in about.results}
    shown = Report([r for r in report.results if r.severity == "violation" or id(r) in mine], [])
    for line in format_text(shown).splitlines(keepends=True)[:-1]:  # the count line: below
        click.echo(line, err=True, nl=False)
    click.echo(f"validated the survey with the additions: {len(report.violations)} "
               f"violation(s), {len(report.warnings)} warning(s), {len(about.warnings)} of "
               "them about the additions", err=True)
    if not report.conforms:
        raise ValidationFailed(f"{len(report.violations)} violation(s) with the page's works "
                               "added: nothing was written",
                               hint="correct the page and run survey-kg add again")
    for key, changes in outcome.updated.items():
        click.echo(f"updated {key}: " + (f"{len(changes)} field(s) changed" if changes
                                         else "no change"), err=True)
        for change in changes:
            click.echo(f"  {change}", err=True)
    for path in outcome.written:
        shown = path.relative_to(survey.root) if path.is_relative_to(survey.root) else path
        click.echo(f"wrote {shown.as_posix()}", err=True)
    if not outcome.written:
        click.echo("nothing changed: data/ holds these entries as they are", err=True)
        return

    def works(keys):
        return f"{len(keys)} work{'s' if len(keys) != 1 else ''} ({', '.join(keys)})"
    done = ([f"added {works(outcome.added)}"] if outcome.added else []) + \
        ([f"updated {works([k for k, v in outcome.updated.items() if v])}"]
         if any(outcome.updated.values()) else [])
    click.echo(" and ".join(done) + " in data/: run survey-kg build to regenerate the pages",
               err=True)


@main.command("site")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder, replaced whole. Default: dist/site/ in the survey folder.")
@click.pass_context
def site_command(ctx, out):
    """Write the survey as a static website: a page per category, work, author and venue in
    English and Chinese, schema.org JSON-LD, and a search index (Pagefind).

    The site is written beside its folder while the graph is validated, and put in place whole
    only if it conforms: with a violation nothing is written (exit 1). The same data gives the
    same bytes.
    Serve the folder from any static host (GitHub Pages), or try it with
    `python -m http.server -d dist/site`.
    """
    from .build import SiteStopped, site as write_site
    from .rules import format_text

    survey = survey_of(ctx)
    try:
        _, site = write_site(_store(ctx), survey, out or survey.dist() / "site")
    except SiteStopped as stopped:
        click.echo(format_text(stopped.report), err=True, nl=False)
        raise
    click.echo(f"wrote {site.folder}: {site.pages} pages, {site.files} files, "
               f"{site.size / 1e6:.1f} MB", err=True)


entry = main


if __name__ == "__main__":  # python -m survey_kg.cli
    main()
