"""The site's pages: the rows of its queries, a page per thing they list, rendered to files.

As the README sections do, every page is a template (templates/site/) filled with the rows of
named queries (queries/); Python only says which pages there are (one per category, work,
person or organization, and venue, from the rows that list them), runs each query once, and
gives each language its rows. A thing's page is the file named by its IRI's path below the
project's base (`paper/2209.14988.html`), English at the site's root and every other language
under `<lang>/`. (Not a folder per page, `paper/2209.14988/index.html`: that doubles what each
build creates and removes, most of what writing the site costs; decision 0026.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, NamedTuple

import jinja2
import markupsafe
import pyoxigraph as ox

from ..errors import InputError
from ..paths import Survey, templates_dir
from ..queries import find_query, run
from .html import TEMPLATES, RowList, Unescaped, environment, labels, local_path
from .jsonld import dataset_description, work_description

# The names the templates read -> the query whose rows they are. A query with a ?lang column
# gives each language its own rows. (`personWorks`, each author's works, is made from two of
# them: see `site_rows`.)
QUERIES = {
    "scheme": "site_scheme", "dataset": "site_dataset", "keywords": "site_dataset_keywords",
    "statistics": "dataset_statistics", "categories": "categories", "perYear": "works_per_year",
    "broader": "site_category_broader", "works": "site_works",
    "memberships": "site_work_categories", "authors": "work_authors", "people": "site_people",
    "venues": "site_venues", "links": "work_links", "keyPoints": "work_key_points",
    "fields": "work_fields", "notes": "work_notes", "sources": "work_sources",
    "identifiers": "site_identifiers", "code": "site_code",
}
WORK_PAGE = "work.html.j2"


class SitePage(NamedTuple):
    """A page of the site: its path below a language's root ("" for the home page, else a
    file's: "venues.html", "paper/2209.14988.html"), its template, and what the template
    receives besides the rows."""
    path: str
    template: str
    context: dict


def site_rows(store: ox.Store, survey: Survey | None) -> dict[str, dict[str, RowList]]:
    """The rows of every query of the site, per language: {lang: {name: rows}}. Besides the
    queries' rows, `personWorks`: the authorships (work_authors' rows) in the order the works
    are listed, newest first (then by the name printed), which an author's page lists."""
    found = {}
    for name, query in QUERIES.items():
        rows = run(store, find_query(query, survey))
        found[name] = (rows.vars, RowList(rows.rows))
    by_lang = {}
    for lang in languages():
        tag = ox.Literal(lang)
        mine = by_lang[lang] = {name: RowList(rows.lookup("lang", tag)) if "lang" in names
                                else rows for name, (names, rows) in found.items()}
        order = {work: i for i, work in enumerate(dict.fromkeys(r.work for r in mine["works"]))}
        mine["personWorks"] = RowList(sorted(mine["authors"], key=lambda authorship: (
            order.get(authorship.work, len(order)), authorship.name.value)))
    return by_lang


def languages() -> list[str]:
    """The site's languages, in the order its labels list them (English first: the root)."""
    return list(labels())


def site_pages(rows: dict[str, RowList]) -> list[SitePage]:
    """Every page, from one language's rows: the home page, each category, work, author and
    venue, and the list of venues."""
    def distinct(name: str, key: str) -> list:
        return list(dict.fromkeys(row.get(key) for row in rows[name]))

    pages = [SitePage("", "home.html.j2", {})]
    pages += [SitePage(local_path(c) + ".html", "category.html.j2", {"category": c})
              for c in distinct("categories", "category")]
    pages += [SitePage(local_path(w) + ".html", WORK_PAGE, {"work": w})
              for w in distinct("works", "work")]
    pages += [SitePage(local_path(p) + ".html", "person.html.j2", {"person": p})
              for p in distinct("people", "author")]
    pages.append(SitePage("venues.html", "venues.html.j2", {}))
    pages += [SitePage(local_path(v) + ".html", "venue.html.j2", {"venue": v})
              for v in distinct("venues", "venue")]
    return pages


def page_file(lang: str, path: str) -> str:
    """The file of a page in the site, relative to its root: "zh/paper/2209.14988.html" (and
    "index.html", "zh/index.html" for the home page)."""
    return ("" if lang == languages()[0] else lang + "/") + (path or "index.html")


def render_site(store: ox.Store, survey: Survey | None, folder: Path,
                after_works: Callable[[], object] | None = None) -> tuple[int, int]:
    """Write every page of the site, in every language, into `folder` (which exists and is
    empty): the work pages first, then `after_works()` is called (the search index, which reads
    only them, can be made meanwhile), then the others. Returns the number of pages and their
    size in bytes."""
    all_rows = site_rows(store, survey)
    langs = languages()
    env = environment()
    templates: dict[str, jinja2.Template] = {}
    frames: dict[tuple, object] = {}
    item = _template(env, "item.html.j2")
    shared = {lang: {**rows, "lang": lang, "t": labels()[lang], "languages": langs,
                     "work_description": work_description,
                     "dataset_description": dataset_description}
              for lang, rows in all_rows.items()}
    # Work pages first (a stable sort keeps each language's order).
    todo = sorted(((lang, page) for lang in langs for page in site_pages(all_rows[lang])),
                  key=lambda todo: todo[1].template != WORK_PAGE)
    count = size = 0
    folders: set[str] = set()
    for lang, page in todo:
        if after_works is not None and page.template != WORK_PAGE:
            after_works()
            after_works = None
        depth = page.path.count("/") + (lang != langs[0])
        root = "../" * depth
        if (lang, depth) not in frames:
            place = {"root": root,
                     "lang_root": (root + ("" if lang == langs[0] else lang + "/")) or "./"}
            frame = _frame(env, {**shared[lang], **place})
            frames[lang, depth] = {**shared[lang], **place, "frame": frame,
                                   "work_item": _work_items(item, {**shared[lang], **place})}
        if page.template not in templates:
            templates[page.template] = _template(env, page.template)
        switch = [(other, labels()[other].language,
                   (root + ("" if other == langs[0] else other + "/") + page.path) or "./")
                  for other in langs]
        data = _render(templates[page.template],
                       {**frames[lang, depth], **page.context, "switch": switch}).encode("utf-8")
        target = os.path.join(folder, page_file(lang, page.path))
        if os.path.dirname(target) not in folders:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            folders.add(os.path.dirname(target))
        _write(target, data)
        count += 1
        size += len(data)
    if after_works is not None:  # (a site without pages but work pages)
        after_works()
    return count, size


def _write(target: str, data: bytes) -> None:
    """A new file `target` (in a folder that exists) holding `data`."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _work_items(template: jinja2.Template, context: dict):
    """`work_item(work)` for the templates: a work's entry in a list (item.html.j2), the same on
    every list page of a language and depth (a category's, an author's, a venue's), so rendered
    once for each (from `context`, that language and depth's) and reused: most works are on a
    dozen lists."""
    done: dict = {}

    def work_item(work) -> markupsafe.Markup:
        if work not in done:
            done[work] = markupsafe.Markup(_render(template, {**context, "work": work}))
        return done[work]
    return work_item


def _frame(env: jinja2.Environment, context: dict):
    """The parts of the frame that every page of a language and depth shares, rendered once
    for them (templates/site/frame.html.j2): its top-level variables."""
    template = _template(env, "frame.html.j2")
    try:
        return template.make_module(context)
    except jinja2.TemplateError as exc:
        raise InputError(f"template 'frame.html.j2': {exc}",
                         file=templates_dir() / TEMPLATES / "frame.html.j2") from None


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error: {exc.message}",
                         file=exc.filename or templates_dir() / TEMPLATES / name,
                         line=exc.lineno) from None


def _render(template: jinja2.Template, context: dict) -> str:
    try:
        return template.render(context)
    except Unescaped as exc:
        name = template.name
        path = templates_dir() / TEMPLATES / name
        raise InputError(f"template {name!r}: a value from the graph reaches the page without a "
                         f"filter ({exc})", file=path,
                         hint="print a literal as it is, an IRI through | url or | page") from None
    except jinja2.TemplateError as exc:
        raise InputError(f"template {template.name!r}: {exc}",
                         file=templates_dir() / TEMPLATES / template.name) from None
