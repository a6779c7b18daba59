"""A real Oxigraph SPARQL server for tests, on a free loopback port.

The `oxigraph` package (the test extra) ships the server binary. `oxigraph_server` is one server
for a test module; `start_oxigraph` starts more for tests that kill or fill one. Each server keeps
its store in its own temporary folder and is stopped afterwards (terminate, wait, then kill).
Import the fixtures into a test module to use them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

READY_WITHIN_S = 20.0  # the machine is shared; a cold start can be slow
STOP_WITHIN_S = 5.0


def oxigraph_binary() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the Oxigraph server is not installed: pip install -e '.[test]'")
    return found


def free_port() -> int:
    """A loopback port nobody listens on (the OS picks it; it is free again once closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server started by a test: its `process`, writing to `folder`/server.log."""

    folder: Path
    process: subprocess.Popen | None = None
    stop_within_s = STOP_WITHIN_S

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def kill(self) -> None:
        """Stop at once, the way a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self.stop_within_s)
            except subprocess.TimeoutExpired:
                self.kill()


class OxigraphServer(ServerProcess):
    """`oxigraph serve` with the union of named graphs as default graph, like the README says
    (`union=False`: the named graphs kept apart from the default graph)."""

    def __init__(self, folder: Path, union: bool = True):
        self.folder = folder
        self.union = union
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url = self.base + "/query"
        self.store_url = self.base + "/store"
        self.update_url = self.base + "/update"
        self.process: subprocess.Popen | None = None

    def start(self) -> "OxigraphServer":
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "server.log", "wb")
        command = [oxigraph_binary(), "serve", "--location", str(self.folder / "store"),
                   "--bind", f"127.0.0.1:{self.port}"] + (["--union-default-graph"] * self.union)
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.wait_until_ready()
        return self

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_WITHIN_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"oxigraph exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=1):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"oxigraph did not answer within {READY_WITHIN_S} s: {self.log()}")



@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    yield server
    server.stop()


@pytest.fixture
def start_oxigraph(tmp_path):
    """A factory: each call starts one more server, all stopped when the test ends."""
    servers: list[OxigraphServer] = []

    def start() -> OxigraphServer:
        servers.append(OxigraphServer(tmp_path / f"oxigraph-{len(servers)}").start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
