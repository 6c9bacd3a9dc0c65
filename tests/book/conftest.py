"""Fixtures of the book's tests: the built HTML, and the book served from 127.0.0.1 for the browser tests."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coursetools.paths import REPO

HTML = REPO / "_build" / "html"


@pytest.fixture(scope="session")
def html():
    """The built book's folder; fails (not skips) when the book has not been built."""
    assert (HTML / "index.html").is_file(), f"no built book at {HTML}: run `make book` before `make test`"
    return HTML


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files as any static web server would, without a log line per request."""

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def book_url(html) -> str:
    """The built book served over HTTP on a free port of 127.0.0.1, as a reader's web server would serve it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
