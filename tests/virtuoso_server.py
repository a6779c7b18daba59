"""A real OpenLink Virtuoso for tests (Debian's `virtuoso-opensource`), on free loopback ports.

Each server has its own database folder and a minimal virtuoso.ini written here (from the
package's /etc/virtuoso-opensource-7/virtuoso.ini: SQL port, HTTP port, a folder the bulk loader
may read), waits until its SPARQL endpoint answers, then grants what the tests need through
isql-vt: SPARQL_UPDATE to the anonymous "SPARQL" user (for /sparql and /sparql-graph-crud) and a
user of its own with SPARQL_UPDATE (for the digest-authenticated /sparql-auth and
/sparql-graph-crud-auth). Stopped afterwards (terminate, wait, then kill). Tests skip, saying
why, where virtuoso-t or isql-vt is not installed. Import the fixtures into a test module.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .oxigraph_server import ServerProcess, free_port

READY_WITHIN_S = 60.0  # a cold start creates the database: ~6 s alone, more on a shared machine
STOP_WITHIN_S = 20.0
ISQL_WITHIN_S = 120.0
USER = "surveyor"

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {load}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


def virtuoso_binaries() -> tuple[str, str]:
    """virtuoso-t and isql-vt, or a skip that says how to get them."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not (server and isql):
        pytest.skip("OpenLink Virtuoso is not installed (virtuoso-t, isql-vt): "
                    "apt-get install virtuoso-opensource (.ci/run does)")
    return server, isql


class VirtuosoServer(ServerProcess):
    """`virtuoso-t +foreground` with its database in `folder`; SPARQL at /sparql, the Graph Store
    at /sparql-graph-crud, and both behind HTTP digest at /sparql-auth and
    /sparql-graph-crud-auth for `USER` with `password`."""

    stop_within_s = STOP_WITHIN_S

    def __init__(self, folder: Path):
        self.folder = folder
        self.db = folder / "db"
        self.load_dir = folder / "load"  # the folder the bulk loader may read (DirsAllowed)
        self.sql_port = free_port()
        self.http_port = free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.query_url = self.base + "/sparql"
        self.store_url = self.base + "/sparql-graph-crud"
        self.auth_query_url = self.base + "/sparql-auth"
        self.auth_store_url = self.base + "/sparql-graph-crud-auth"
        self.user = USER
        self.password = secrets.token_urlsafe(12)
        self.process: subprocess.Popen | None = None

    def start(self) -> "VirtuosoServer":
        binary, _ = virtuoso_binaries()
        for folder in (self.db, self.load_dir):
            folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(db=self.db, load=self.load_dir, sql_port=self.sql_port,
                                  http_port=self.http_port), encoding="utf-8")
        log = open(self.folder / "server.log", "wb")
        self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)],
                                        cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.wait_until_ready()
        self.isql('grant SPARQL_UPDATE to "SPARQL";',
                  f"DB.DBA.USER_CREATE('{self.user}', '{self.password}');",
                  f'grant SPARQL_UPDATE to "{self.user}";')
        return self

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_WITHIN_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"Virtuoso did not answer within {READY_WITHIN_S} s: {self.log()}")

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba through isql-vt; fail the test on an error."""
        _, isql = virtuoso_binaries()
        script = "\n".join(statements)
        done = subprocess.run([isql, f"127.0.0.1:{self.sql_port}", "dba", "dba",
                               f"exec={script}"], capture_output=True, text=True,
                              timeout=ISQL_WITHIN_S)
        output = done.stdout + done.stderr
        if done.returncode != 0 or re.search(r"\*\*\* Error", output):
            pytest.fail(f"isql-vt failed ({done.returncode}): {output[-2000:]}")
        return output

    def bulk_load(self, dump: Path, graph: str) -> None:
        """Load an N-Triples file into `graph` with Virtuoso's bulk loader (ld_dir,
        rdf_loader_run, checkpoint), as the README tells a user with a big survey to."""
        if "'" in graph or "'" in dump.name:
            raise ValueError("a quote cannot go into the SQL string")
        shutil.copyfile(dump, self.load_dir / dump.name)
        self.isql(f"ld_dir('{self.load_dir}', '{dump.name}', '{graph}');",
                  "rdf_loader_run();", "checkpoint;")
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list "
                           "WHERE ll_error IS NOT NULL;")
        if "0 Rows." not in errors:
            pytest.fail(f"the bulk loader reported errors: {errors[-2000:]}")



@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    virtuoso_binaries()
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


@pytest.fixture
def start_virtuoso(tmp_path):
    """A factory: each call starts one more server, all stopped when the test ends."""
    virtuoso_binaries()
    servers: list[VirtuosoServer] = []

    def start() -> VirtuosoServer:
        servers.append(VirtuosoServer(tmp_path / f"virtuoso-{len(servers)}").start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
