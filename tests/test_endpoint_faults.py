"""Endpoint faults: a closed port, a server killed mid-test, and a fake endpoint (a tiny HTTP
server in a thread) answering 500, 400, HTML or nothing at all. Each ends in one clear line naming
the endpoint and the cause (exit 3 through the CLI), retried only when retrying can help, and a
failed publish leaves the real server's graph as it was. Credentials reach the server and never
the output."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from survey_kg import queries as q
from survey_kg import remote as endpoint
from survey_kg.cli import main
from survey_kg.errors import EndpointError, InputError
from survey_kg.load import load
from survey_kg.results import to_tsv

from .conftest import SMALL
from .oxigraph_server import free_port, start_oxigraph  # noqa: F401  (fixture)

SECRET = "s3cret-Pa55word-do-not-print"
TOKEN = "tok-0123456789-do-not-print"
WORKS = q.bind(q.find_query("works"))
GOOD_RESULTS = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "value": "1"}}]}}).encode()


def count_results(n: int) -> bytes:
    return json.dumps({"head": {"vars": ["triples"]}, "results": {"bindings": [
        {"triples": {"type": "literal", "value": str(n),
                     "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}).encode()


class FakeEndpoint:
    """Answers each HTTP method with a fixed (status, content type, body), or hangs for `hang`
    seconds first; records every request (method, path, headers)."""

    def __init__(self, answers: dict, hang: float = 0.0):
        self.answers = answers
        self.hang = hang
        self.requests: list[dict] = []
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                fake.requests.append({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers)})
                if fake.hang:
                    fake.release.wait(fake.hang)
                status, content_type, body = fake.answers[self.command]
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = answer

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda *args: None  # a client that timed out hung up
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def methods(self) -> list[str]:
        return [r["method"] for r in self.requests]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    servers: list[FakeEndpoint] = []

    def start(answers, hang=0.0) -> FakeEndpoint:
        servers.append(FakeEndpoint(answers, hang))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def pauses(monkeypatch, tmp_path):
    """Record the waits between tries instead of sleeping; no credentials from the machine."""
    waited: list[float] = []
    monkeypatch.setattr(endpoint, "_pause", waited.append)
    for name in (endpoint.ENV_USER, endpoint.ENV_PASSWORD, endpoint.ENV_TOKEN):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    return waited


@pytest.fixture(scope="module")
def survey_store():
    """The small survey's store."""
    return load([SMALL / "data"])


@pytest.fixture(scope="module")
def survey_iri(survey_store):
    return endpoint.default_graph_iri(survey_store)


def one_line_error(result, exit_code=3) -> str:
    """The CLI failed with `exit_code`, printing one error line and no traceback."""
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("survey-kg: error: ")
    return lines[0]


def run_query(url, *extra, env=None):
    return CliRunner().invoke(main, ["--root", str(SMALL), "query", "works", "--endpoint", url,
                                     *extra], env=env)


# ------------------------------------------------------------------------ no server at all

def test_closed_port_is_refused_after_bounded_retries(pauses):
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError) as caught:
        endpoint.select(url, WORKS, timeout=2)
    assert str(caught.value) == (f"{url}: connection refused (tried 3 times) "
                                 "(is the server running, and is the port right?)")
    assert pauses == [0.2, 0.4]


def test_closed_port_through_the_cli():
    url = f"http://127.0.0.1:{free_port()}/query"
    line = one_line_error(run_query(url, "--timeout", "2"))
    assert f"{url}: connection refused" in line
    line = one_line_error(CliRunner().invoke(main, ["--root", str(SMALL), "publish",
                                                    "--endpoint", url]))
    assert url.replace("/query", "/store") + ": connection refused" in line


def test_server_killed_mid_test(start_oxigraph, survey_store):  # noqa: F811
    server = start_oxigraph()
    endpoint.publish(survey_store, server.store_url, query_url=server.query_url, timeout=10)
    assert len(endpoint.select(server.query_url, WORKS, timeout=10)) > 0
    server.kill()
    line = one_line_error(run_query(server.query_url, "--timeout", "2"))
    assert f"{server.query_url}: connection refused (tried 3 times)" in line
    with pytest.raises(EndpointError) as caught:
        endpoint.publish(survey_store, server.store_url, query_url=server.query_url, timeout=2)
    assert str(caught.value).startswith(f"{server.store_url}: connection refused")


# ------------------------------------------------------------------------- a fake endpoint

def test_500_is_retried_three_times_then_reported(fake, pauses):
    server = fake({"GET": (500, "text/plain", b"store is on fire")})
    url = server.url + "/query"
    line = one_line_error(run_query(url))
    assert line == (f"survey-kg: error: {url}: HTTP 500 Internal Server Error: store is on fire "
                    "(tried 3 times)")
    assert server.methods() == ["GET"] * 3
    assert pauses == [0.2, 0.4]


@pytest.mark.parametrize("status,reason", [(400, "Bad Request"), (401, "Unauthorized"),
                                           (403, "Forbidden"), (404, "Not Found")])
def test_4xx_is_not_retried(fake, pauses, status, reason):
    server = fake({"GET": (status, "text/plain", b"no")})
    with pytest.raises(EndpointError) as caught:
        endpoint.select(server.url + "/query", WORKS, timeout=2)
    assert str(caught.value).startswith(f"{server.url}/query: HTTP {status} {reason}: no")
    assert server.methods() == ["GET"]
    assert pauses == []


def test_html_page_is_not_sparql_results(fake, pauses):
    server = fake({"GET": (200, "text/html; charset=utf-8",
                           b"<!DOCTYPE html><html><body>Welcome</body></html>")})
    line = one_line_error(run_query(server.url + "/"))
    assert line == (f"survey-kg: error: {server.url}/: the answer is not SPARQL JSON results "
                    "(text/html) (is this the SPARQL query endpoint? Oxigraph's is /query)")
    assert server.methods() == ["GET"]


def test_json_that_is_not_results(fake):
    server = fake({"GET": (200, "application/json", b'{"error": "nope"}')})
    with pytest.raises(EndpointError, match="not SPARQL JSON results"):
        endpoint.select(server.url + "/query", WORKS, timeout=2)


def test_hanging_server_times_out(fake, pauses):
    server = fake({"GET": (200, "application/sparql-results+json", GOOD_RESULTS)}, hang=30)
    url = server.url + "/query"
    line = one_line_error(run_query(url, "--timeout", "0.3"))
    assert line == (f"survey-kg: error: {url}: no answer within 0.3 s (timed out) (tried 3 times)"
                    " (raise --timeout if the server is slow)")
    assert server.methods() == ["GET"] * 3


def test_fake_endpoint_answering_well_gives_rows(fake):
    """The fake is a fair stand-in: a good answer is read as rows (so the faults above are
    the faults, not the fake)."""
    server = fake({"GET": (200, "application/sparql-results+json", GOOD_RESULTS)})
    rows = endpoint.select(server.url + "/query", "SELECT ?n WHERE {}", timeout=2)
    assert [row.n.value for row in rows.rows] == ["1"]
    headers = server.requests[0]["headers"]
    assert "application/sparql-results+json" in headers["Accept"]
    assert "Authorization" not in headers


# ----------------------------------------------------- failed publish: the graph is intact

@pytest.mark.parametrize("answer,hang,cause", [
    ((500, "text/plain", b"disk full"), 0, "HTTP 500 Internal Server Error: disk full (tried 3"),
    ((503, "text/html", b"<html>down</html>"), 0, "HTTP 503 Service Unavailable (tried 3"),
    ((201, "text/plain", b""), 30, "no answer within 0.3 s (timed out) (tried 3"),
    ((400, "text/plain", b"bad triples"), 0, "HTTP 400 Bad Request: bad triples ("),
])
def test_failed_publish_leaves_the_previous_graph(start_oxigraph, fake, survey_store,  # noqa: F811
                                                  survey_iri, answer, hang, cause):
    server = start_oxigraph()
    before = endpoint.publish(survey_store, server.store_url, query_url=server.query_url,
                              timeout=10)
    store = fake({"PUT": answer}, hang=hang)
    result = CliRunner().invoke(main, ["--root", str(SMALL), "publish", "--endpoint",
                                       server.query_url, "--store-endpoint", store.url + "/store",
                                       "--timeout", "0.3"])
    line = one_line_error(result)
    assert line.startswith(f"survey-kg: error: {store.url}/store: {cause}")
    assert store.methods() == ["PUT"] * (1 if answer[0] < 500 and not hang else 3)
    assert endpoint.count_triples(server.query_url, survey_iri) == before
    rows = endpoint.select(server.query_url, WORKS, graph=survey_iri)
    assert to_tsv(rows) == to_tsv(q.run(survey_store, q.find_query("works")))


def test_a_count_that_differs_is_an_error(fake, survey_store, survey_iri):
    server = fake({"PUT": (204, "text/plain", b""),
                   "GET": (200, "application/sparql-results+json", count_results(7))})
    with pytest.raises(EndpointError) as caught:
        endpoint.publish(survey_store, server.url + "/store", query_url=server.url + "/query",
                         timeout=2)
    assert str(caught.value).startswith(
        f"{server.url}/query: the graph <{survey_iri}> holds 7 triples after the "
        f"upload, not {len(survey_store)}")
    put = server.requests[0]
    assert put["method"] == "PUT"
    assert put["path"] == "/store?" + urlencode({"graph": survey_iri})
    assert put["headers"]["Content-Type"] == "application/n-triples"


# ------------------------------------------------------------------------------ credentials

def basic(user, password) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def secrets_absent(text: str) -> None:
    for secret in (SECRET, TOKEN, base64.b64encode(f"alice:{SECRET}".encode()).decode(),
                   base64.b64encode(f"bob:{SECRET}".encode()).decode()):
        assert secret not in text


@pytest.mark.parametrize("status", [200, 401, 500])
def test_basic_credentials_from_the_environment(fake, status):
    server = fake({"GET": (status, "application/sparql-results+json", GOOD_RESULTS)})
    env = {endpoint.ENV_USER: "alice", endpoint.ENV_PASSWORD: SECRET}
    result = run_query(server.url + "/query", env=env)
    assert server.requests[0]["headers"]["Authorization"] == basic("alice", SECRET)
    assert result.exit_code == (0 if status == 200 else 3)
    secrets_absent(result.output)


def test_token_from_the_environment_wins(fake):
    server = fake({"GET": (401, "text/plain", b"token expired")})
    env = {endpoint.ENV_TOKEN: TOKEN, endpoint.ENV_USER: "alice", endpoint.ENV_PASSWORD: SECRET}
    line = one_line_error(run_query(server.url + "/query", env=env))
    assert server.requests[0]["headers"]["Authorization"] == "Bearer " + TOKEN
    assert "HTTP 401 Unauthorized: token expired (check the credentials" in line
    secrets_absent(line)


def test_credentials_from_netrc_on_query_and_publish(fake, tmp_path, survey_store, survey_iri):
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine elsewhere.example login eve password other\n"
                          f"machine 127.0.0.1 login bob password {SECRET}\n")
    server = fake({"PUT": (201, "text/plain", b""),
                   "GET": (200, "application/sparql-results+json",
                           count_results(len(survey_store)))})
    result = CliRunner().invoke(main, ["--root", str(SMALL), "publish", "--endpoint",
                                       server.url + "/query"], env={"NETRC": str(netrc_file)})
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"published {len(survey_store)} triples to graph "
                             f"<{survey_iri}> at {server.url}/store\n")
    assert server.methods() == ["PUT", "GET"]
    assert {r["headers"]["Authorization"] for r in server.requests} == {basic("bob", SECRET)}
    secrets_absent(result.output)


def test_no_credentials_without_a_netrc_entry_for_the_host(fake, tmp_path, monkeypatch):
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine elsewhere.example login eve password {SECRET}\n")
    monkeypatch.setenv("NETRC", str(netrc_file))
    server = fake({"GET": (200, "application/sparql-results+json", GOOD_RESULTS)})
    endpoint.select(server.url + "/query", "SELECT ?n WHERE {}", timeout=2)
    assert "Authorization" not in server.requests[0]["headers"]


def test_a_broken_netrc_is_reported_without_its_content(tmp_path, monkeypatch):
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine 127.0.0.1 login bob password {SECRET} {SECRET}\n")
    monkeypatch.setenv("NETRC", str(netrc_file))
    with pytest.raises(InputError) as caught:
        endpoint.credentials_for("http://127.0.0.1:1/query")
    assert str(caught.value).startswith(f"{netrc_file}:")  # and the line Python's parser names
    assert "the netrc file cannot be read: syntax error" in str(caught.value)
    secrets_absent(str(caught.value))


def test_user_without_password_is_a_usage_error():
    result = run_query("http://127.0.0.1:9/query", env={endpoint.ENV_USER: "alice"})
    line = one_line_error(result, exit_code=2)
    assert f"{endpoint.ENV_USER} is set but {endpoint.ENV_PASSWORD} is not" in line


def test_credentials_in_the_url_are_refused_unprinted():
    line = one_line_error(run_query(f"http://alice:{SECRET}@127.0.0.1:9/query"), exit_code=2)
    assert "the URL http://127.0.0.1:9/query carries credentials" in line
    secrets_absent(line)


def test_credentials_do_not_show_in_a_repr():
    creds = endpoint.Credentials(user="alice", password=SECRET, token=TOKEN)
    secrets_absent(repr(creds))


def test_not_an_http_url_is_a_usage_error():
    line = one_line_error(run_query("file:///etc/passwd"), exit_code=2)
    assert "is not an http(s) URL" in line
