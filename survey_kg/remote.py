"""Remote SPARQL servers: run the survey's queries there, and publish the survey's graph.

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol, JSON results) and come back as the same
`Rows` a local run gives, so every output format is byte-identical for the same data. Publishing
uses the SPARQL 1.1 Graph Store HTTP Protocol: one PUT replaces the named graph (or, for a server
without a Graph Store endpoint, one SPARQL Update request), then a COUNT query checks what arrived.

Credentials come from the environment or a netrc file, never from arguments (which end up in shell
history and process lists), and never appear in a message. Every failure is an `EndpointError`
naming the endpoint and the cause. Requests are idempotent (GET query, PUT graph, DROP + INSERT
DATA), so connection errors, timeouts and 5xx answers are retried a bounded number of times.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import netrc
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox
from SPARQLWrapper import GET, JSON, POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import __version__
from .errors import EndpointError, InputError
from .paths import PREFIXES
from .queries import Param, Rows, term_for
from .rdf import RDF_TYPE, named
from .results import rows_from_json

# The named graph `publish` replaces unless told otherwise is the IRI of the dataset the data
# describes (its void:Dataset, in data/dataset.ttl); this one when the data describes none.
FALLBACK_GRAPH = PREFIXES["dataset"] + "survey"
ATTEMPTS = 3  # tries per request; only connection errors, timeouts and 5xx answers are retried
BACKOFF_S = 0.2  # wait before the 2nd try; doubles before each further one
USER_AGENT = f"survey-kg/{__version__}"
ENV_USER = "SURVEY_KG_ENDPOINT_USER"
ENV_PASSWORD = "SURVEY_KG_ENDPOINT_PASSWORD"
ENV_TOKEN = "SURVEY_KG_ENDPOINT_TOKEN"


# ------------------------------------------------------------------------------- credentials

@dataclass(frozen=True)
class Credentials:
    """HTTP basic (user and password; also the answer to a digest challenge, as Virtuoso's
    /sparql-auth sends) or a bearer token. The secrets never show in a repr."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    source: str = "none"

    def header(self) -> str | None:
        """The Authorization header value, or None for anonymous requests."""
        if self.token:
            return "Bearer " + self.token
        if self.user is not None and self.password is not None:
            pair = f"{self.user}:{self.password}".encode("utf-8")
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return None


NO_CREDENTIALS = Credentials()


def credentials_for(url: str, environ=None) -> Credentials:
    """Credentials for `url`: $SURVEY_KG_ENDPOINT_TOKEN (bearer), else $SURVEY_KG_ENDPOINT_USER
    and $SURVEY_KG_ENDPOINT_PASSWORD (basic), else the netrc entry for the URL's host ($NETRC or
    ~/.netrc), else none."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_TOKEN):
        return Credentials(token=environ[ENV_TOKEN], source=ENV_TOKEN)
    if environ.get(ENV_USER):
        if ENV_PASSWORD not in environ:
            raise InputError(f"{ENV_USER} is set but {ENV_PASSWORD} is not",
                             hint="set both for HTTP basic authentication, or neither")
        return Credentials(user=environ[ENV_USER], password=environ[ENV_PASSWORD], source=ENV_USER)
    return _netrc_credentials(urlsplit(url).hostname or "", environ)


def _netrc_credentials(host: str, environ) -> Credentials:
    path = Path(environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return NO_CREDENTIALS
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:
        # The parser's own message may quote a token from the file, which may be a password.
        raise InputError("the netrc file cannot be read: syntax error", file=path,
                         line=exc.lineno, hint="fix the file; see `man netrc`") from None
    except OSError as exc:
        raise InputError(f"the netrc file cannot be read: {exc.strerror}", file=path) from None
    if not entry or entry[2] is None:
        return NO_CREDENTIALS
    return Credentials(user=entry[0] or "", password=entry[2], source="netrc")


# --------------------------------------------------------------------------------------- URLs

def display(url: str) -> str:
    """The URL as it may appear in a message: no user info, no query string."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def check_url(url: str, option: str = "--endpoint") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{display(url) or url!r} is not an http(s) URL", field=option,
                         hint="e.g. http://127.0.0.1:7878/query")
    if "@" in parts.netloc:
        raise InputError(f"the URL {display(url)} carries credentials (user@host)", field=option,
                         hint=f"set {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN}, or use a netrc "
                              "entry, and give the URL without them")
    return url


def store_url_for(endpoint: str) -> str:
    """The Graph Store endpoint beside a query endpoint, where the layout is known: Oxigraph
    serves queries at /query and the Graph Store at /store."""
    parts = urlsplit(check_url(endpoint))
    if not parts.path.endswith("/query"):
        raise InputError(f"cannot tell the Graph Store endpoint from {display(endpoint)}",
                         field="--store-endpoint",
                         hint="only a URL ending in /query (Oxigraph) is mapped, to /store; give "
                              "--store-endpoint (Fuseki: http://HOST:3030/DATASET/data) or "
                              "--update-endpoint")
    path = parts.path[: -len("query")] + "store"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def default_graph_iri(store: ox.Store) -> str:
    """The IRI of the one void:Dataset the store describes, else FALLBACK_GRAPH."""
    quads = store.quads_for_pattern(None, RDF_TYPE, named("void:Dataset"), ox.DefaultGraph())
    nodes = sorted(q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode))
    if len(nodes) > 1:
        raise InputError("the data describes several datasets: " + ", ".join(nodes),
                         field="--graph", hint="name the graph to replace with --graph")
    return nodes[0] if nodes else FALLBACK_GRAPH


def _check_timeout(timeout: float) -> float:
    if not timeout > 0:
        raise InputError(f"the timeout must be a positive number of seconds, not {timeout}",
                         field="--timeout")
    return timeout


def _graph_term(graph_iri: str) -> str:
    """The graph IRI as a checked RDF term (never pasted raw into a query)."""
    return str(term_for(Param("graph", "iri", "the named graph"), graph_iri))


# ------------------------------------------------------------------------------------ queries

def select(url: str, text: str, timeout: float = 30.0, auth: Credentials | None = None,
           graph: str | None = None) -> Rows:
    """Run a SELECT query on the endpoint at `url` and return its rows.

    `auth=None` looks credentials up with `credentials_for(url)`; pass `NO_CREDENTIALS` to send
    none. `graph` names the graph the query runs over (the protocol's `default-graph-uri`);
    without it the query runs over the endpoint's default graph."""
    wrapper = _wrapper(url, timeout, auth)
    wrapper.setQuery(text)
    wrapper.setMethod(GET)
    if graph is not None:
        _graph_term(graph)
        wrapper.addParameter("default-graph-uri", graph)
    body, content_type = _attempt(url, timeout, lambda: _fetch(wrapper))
    return _rows(url, body, content_type)


def _wrapper(url: str, timeout: float, auth: Credentials | None,
             update_url: str | None = None) -> SPARQLWrapper:
    check_url(url)
    auth = credentials_for(update_url or url) if auth is None else auth
    wrapper = SPARQLWrapper(url, updateEndpoint=update_url, agent=USER_AGENT)
    wrapper.setReturnFormat(JSON)
    wrapper.setOnlyConneg(True)  # standard content negotiation, no format=json parameters
    # setTimeout() truncates to whole seconds (0.5 would mean no timeout); urllib takes floats.
    wrapper.timeout = _check_timeout(timeout)
    if header := auth.header():
        wrapper.addCustomHttpHeader("Authorization", header)
    if auth.user is not None and auth.password is not None:
        wrapper.setCredentials(auth.user, auth.password)  # kept for a digest challenge (_fetch)
    return wrapper


def _fetch(wrapper: SPARQLWrapper) -> tuple[bytes, str]:
    """Send the wrapper's request through `_opener`, which answers a digest challenge with the
    wrapper's credentials (SPARQLWrapper's own DIGEST mode installs a process-wide opener and
    knows no SHA-256)."""
    request = wrapper._createRequest()
    opener = _opener(request.full_url, wrapper.user, wrapper.passwd)
    with opener.open(request, timeout=wrapper.timeout) as response:
        return response.read(), response.headers.get("content-type", "")


def _rows(url: str, body: bytes, content_type: str) -> Rows:
    try:
        doc = json.loads(body.decode("utf-8"))
        if "boolean" in doc and "results" not in doc:
            raise InputError("the query is an ASK query; only SELECT is supported here")
        return rows_from_json(doc)
    except (ValueError, KeyError, TypeError, AttributeError):
        kind = content_type.split(";")[0].strip() or "no Content-Type"
        raise EndpointError(f"{display(url)}: the answer is not SPARQL JSON results ({kind})",
                            hint="is this the SPARQL query endpoint? Oxigraph's is /query"
                            ) from None


def named_graph_apart(url: str, graph_iri: str, *, timeout: float = 30.0,
                      auth: Credentials | None = None) -> bool:
    """Whether the endpoint holds triples in the named graph `graph_iri` that its default graph
    lacks (a server that keeps named graphs apart, as Oxigraph does unless started with
    --union-default-graph): a query over the default graph does not see them."""
    text = ("ASK {\n"
            f"    VALUES ?graph {{ {_graph_term(graph_iri)} }}\n"
            "    GRAPH ?graph { ?s ?p ?o }\n"
            "    FILTER NOT EXISTS { ?s ?p ?o }\n}")
    wrapper = _wrapper(url, timeout, auth)
    wrapper.setQuery(text)
    wrapper.setMethod(GET)
    body, content_type = _attempt(url, timeout, lambda: _fetch(wrapper))
    try:
        answer = json.loads(body.decode("utf-8"))["boolean"]
    except (ValueError, KeyError, TypeError):
        answer = None
    if not isinstance(answer, bool):
        kind = content_type.split(";")[0].strip() or "no Content-Type"
        raise EndpointError(f"{display(url)}: the answer is not a SPARQL JSON boolean ({kind})")
    return answer


# ---------------------------------------------------------------------------------- publish

def publish(store: ox.Store, store_url: str | None, graph_iri: str | None = None, *,
            query_url: str, timeout: float = 30.0, auth: Credentials | None = None,
            update_url: str | None = None) -> int:
    """Replace the named graph `graph_iri` (default: `default_graph_iri(store)`) with the store's
    default graph in one request, then count its triples through `query_url` and return the count.

    The request is a Graph Store Protocol PUT to `store_url`, or, when only `update_url` is given,
    one SPARQL Update request (DROP SILENT GRAPH then INSERT DATA). A request that fails changes
    nothing on a transactional server (Oxigraph, Fuseki). A count that differs from the graph's
    size raises EndpointError; the upload is then in place, not rolled back."""
    if (store_url is None) == (update_url is None):
        raise InputError("give exactly one of a Graph Store URL and an update URL",
                         field="--store-endpoint", hint="--store-endpoint or --update-endpoint")
    graph_iri = graph_iri or default_graph_iri(store)
    iri_term = _graph_term(graph_iri)
    body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    if store_url is not None:
        _put(store_url, graph_iri, body, timeout, auth)
    else:
        _update(query_url, update_url, iri_term, body.decode("utf-8"), timeout, auth)
    count = count_triples(query_url, graph_iri, timeout=timeout, auth=auth)
    if count != len(store):
        raise EndpointError(f"{display(query_url)}: the graph {iri_term} holds {count} triples "
                            f"after the upload, not {len(store)}",
                            hint="another client may have written to it at the same time; "
                                 "publish again")
    return count


def count_triples(query_url: str, graph_iri: str, *, timeout: float = 30.0,
                  auth: Credentials | None = None) -> int:
    """How many triples the endpoint holds in the named graph `graph_iri`."""
    text = ("SELECT (COUNT(*) AS ?triples) WHERE {\n"
            f"    VALUES ?graph {{ {_graph_term(graph_iri)} }}\n"
            "    GRAPH ?graph { ?s ?p ?o }\n}")
    rows = select(query_url, text, timeout=timeout, auth=auth)
    try:
        return int(rows.rows[0].get("triples").value)
    except (IndexError, KeyError, ValueError, AttributeError):
        raise EndpointError(f"{display(query_url)}: the answer to the triple count holds no "
                            "number") from None


def _put(store_url: str, graph_iri: str, body: bytes, timeout: float,
         auth: Credentials | None) -> None:
    check_url(store_url, "--store-endpoint")
    _check_timeout(timeout)
    auth = credentials_for(store_url) if auth is None else auth
    separator = "&" if urlsplit(store_url).query else "?"
    target = store_url + separator + urlencode({"graph": graph_iri})
    request = urllib.request.Request(target, data=body, method="PUT", headers={
        "Content-Type": "application/n-triples", "User-Agent": USER_AGENT})
    if header := auth.header():
        request.add_unredirected_header("Authorization", header)

    def send() -> None:
        with _opener(target, auth.user, auth.password).open(request, timeout=timeout) as response:
            response.read()

    _attempt(store_url, timeout, send)


def _update(query_url: str, update_url: str, iri_term: str, triples: str, timeout: float,
            auth: Credentials | None) -> None:
    # N-Triples lines are valid SPARQL triples: every term is written by an N-Triples serializer.
    text = (f"DROP SILENT GRAPH {iri_term} ;\n"
            f"INSERT DATA {{ GRAPH {iri_term} {{\n{triples}}} }}\n")
    check_url(update_url, "--update-endpoint")
    wrapper = _wrapper(query_url, timeout, auth, update_url=update_url)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(POSTDIRECTLY)  # the body is the update, not a url-encoded form
    wrapper.setQuery(text)
    _attempt(update_url, timeout, lambda: _fetch(wrapper))


# --------------------------------------------------------------------------- digest access

class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """Answers `WWW-Authenticate: Digest` (RFC 7616, qop=auth, as Virtuoso's /sparql-auth asks)
    with the user and password: MD5 or SHA-256, text hashed as UTF-8. A challenge it cannot
    answer leaves the 401 as it is."""

    HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
    probed = False

    def get_algorithm_impls(self, algorithm):
        digest = self.HASHES.get(algorithm.upper())
        if digest is None:
            raise ValueError(f"unsupported digest algorithm {algorithm!r}")

        def H(text: str) -> str:
            return digest(text.encode("utf-8")).hexdigest()

        return H, lambda secret, data: H(f"{secret}:{data}")

    def http_error_401(self, req, fp, code, msg, headers):
        challenges = headers.get_all("WWW-Authenticate") or []
        if not any(c.strip().lower().startswith("digest") for c in challenges):
            # A server that refuses the preemptive basic header without a challenge (Virtuoso)
            # gets the request once more without it, and then challenges.
            if not (req.get_header("Authorization") or "").startswith("Basic ") or self.probed:
                return None
            self.probed = True
            fp.close()
            req.remove_header("Authorization")
            return self.parent.open(req, timeout=req.timeout)
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        except ValueError:  # an algorithm or qop it does not know: the 401 stands
            return None


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    """An opener that answers a digest challenge from `url` when there is a user and password."""
    if user is None or password is None:
        return urllib.request.build_opener()
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password)
    return urllib.request.build_opener(_DigestAuth(manager))


# ----------------------------------------------------------------------------------- faults

def _attempt(url: str, timeout: float, action):
    """Run `action` (one idempotent request), retrying connection errors, timeouts and 5xx
    answers up to ATTEMPTS times with exponential backoff; any failure ends as an EndpointError
    naming the endpoint and the cause."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return action()
        except (OSError, http.client.HTTPException, SPARQLWrapperException) as exc:
            cause, retry, hint = _explain(exc, timeout)
        if not retry or attempt == ATTEMPTS:
            tries = f" (tried {attempt} times)" if attempt > 1 else ""
            raise EndpointError(f"{display(url)}: {cause}{tries}", hint=hint)
        _pause(BACKOFF_S * 2 ** (attempt - 1))


def _pause(seconds: float) -> None:
    """The wait between tries (a seam: tests record it instead of sleeping)."""
    time.sleep(seconds)


def _explain(exc: Exception, timeout: float) -> tuple[str, bool, str | None]:
    """(cause, whether to retry, hint) for a failed request."""
    if isinstance(exc, SPARQLWrapperException):  # (the request could not be made)
        return str(exc).splitlines()[0], False, None
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read()
        except (OSError, http.client.HTTPException):
            body = b""
        return _http_failure(exc.code, exc.reason or "", body)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return (f"no answer within {timeout:g} s (timed out)", True,
                "raise --timeout if the server is slow")
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused", True, "is the server running, and is the port right?"
    if isinstance(reason, (ConnectionError, http.client.HTTPException)):
        return "the connection broke before a complete answer", True, "is the server running?"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot connect: {reason.strerror}", True, "check the host name and the network"
    return f"cannot connect: {reason}", True, "check the URL"


def _http_failure(status: int, reason: str, body: bytes) -> tuple[str, bool, str | None]:
    text = " ".join(body.decode("utf-8", "replace").split())
    said = f": {text[:200]}" if text and not text.lstrip().startswith("<") else ""
    try:
        reason = reason or HTTPStatus(status).phrase
    except ValueError:
        pass
    cause = f"HTTP {status}{' ' + reason if reason else ''}{said}"
    hints = {400: "the server rejected the request; is the query standard SPARQL 1.1?",
             401: f"check the credentials ({ENV_USER}/{ENV_PASSWORD}, {ENV_TOKEN} or netrc)",
             403: "the credentials are not allowed to do this",
             404: "check the endpoint URL",
             405: "this URL does not accept the request; check the endpoint URL"}
    return cause, status >= 500, hints.get(status)

