"""A court's site for tests: a real HTTP(S) server on a free loopback port, in a thread.

It serves the fixture cards of tests/courtwatch/cards/ at /cards/<file> (with an ETag and a
Last-Modified, answering 304 to If-None-Match), and, for the ways court sites fail:
- /captcha: a captcha page (200, as such sites answer);
- /status/<code>[?retry_after=N]: that status (e.g. 503, 429, 404);
- /redirect?to=<url>[&status=302]: a redirect there;
- /slow?seconds=S: the headers after S seconds;
- /drip?every=S: a page whose bytes come one every S seconds, without end;
- /big?bytes=N[&chunked=1]: a page of N bytes (with Content-Length, or chunked without it).
`answer(path, ...)` sets what any other path answers (e.g. the card a watch points at, swapped
between rounds). Every request is recorded with its arrival time (time.monotonic()).
"""

from __future__ import annotations

import hashlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from demo.court_site import CARDS_DIR

# The four example cards of court-sites.md are kept once, in the demo court site that `make run`
# serves (demo/court_site/); the variants and refusals written for the tests are in cards/.
CARDS = Path(__file__).resolve().parent / "cards"
LAST_MODIFIED = "Mon, 07 Dec 2026 09:00:00 GMT"
# sudrf.ru's classic cards say their charset only in a <meta> (court-sites.md).
CONTENT_TYPES = {"sudrf-classic.html": "text/html"}
CAPTCHA_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Проверка</title></head><body>"
    "<form method='post'><p>Введите код с картинки (captcha)</p><img src='/captcha.png'>"
    "<input name='captcha'></form></body></html>"
).encode()


def card_path(name: str) -> Path:
    example = CARDS_DIR / name
    return example if example.is_file() else CARDS / name


def card_bytes(name: str) -> bytes:
    return card_path(name).read_bytes()


@dataclass(frozen=True)
class Arrival:
    at: float  # time.monotonic() when the request line was read
    path: str
    headers: dict[str, str]


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class CourtServer:
    def __init__(self, *, tls: tuple[str, str] | None = None) -> None:
        self.arrivals: list[Arrival] = []
        self.answers: dict[str, Answer] = {}
        self.while_answering = None  # called in the server's thread before each answer
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                arrived = time.monotonic()
                with server._lock:
                    server.arrivals.append(Arrival(arrived, self.path, dict(self.headers.items())))
                if server.while_answering is not None:
                    server.while_answering(self.path)
                server._answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.port = self.httpd.server_address[1]
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, status: int = 200, body: bytes = b"", **options: object) -> None:
        self.answers[path] = Answer(status, body, **options)  # type: ignore[arg-type]

    def serve_card(self, path: str, name: str, *, validators: bool = True) -> None:
        """Serve a fixture card at `path` (e.g. the URL a watch points at)."""
        body = card_bytes(name)
        headers = {"Content-Type": CONTENT_TYPES.get(name, "text/html; charset=utf-8")}
        if validators:
            headers |= {"ETag": _etag(body), "Last-Modified": LAST_MODIFIED}
        self.answers[path] = Answer(200, body, headers)

    def paths(self) -> list[str]:
        with self._lock:
            return [arrival.path for arrival in self.arrivals]

    def close(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- answering ----------------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        path = parts.path
        if handler.path in self.answers or path in self.answers:
            answer = self.answers.get(handler.path) or self.answers[path]
            time.sleep(answer.delay)
            etag = answer.headers.get("ETag")
            if etag and handler.headers.get("If-None-Match") == etag:
                return _send(handler, 304, b"", {"ETag": etag})
            return _send(handler, answer.status, answer.body, answer.headers)
        if path.startswith("/cards/"):
            body = card_bytes(path.removeprefix("/cards/"))
            etag = _etag(body)
            if handler.headers.get("If-None-Match") == etag:
                return _send(handler, 304, b"", {"ETag": etag})
            content_type = CONTENT_TYPES.get(path.removeprefix("/cards/"), "text/html; charset=utf-8")
            return _send(
                handler, 200, body, {"Content-Type": content_type, "ETag": etag, "Last-Modified": LAST_MODIFIED}
            )
        if path == "/captcha":
            return _send(handler, 200, CAPTCHA_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        if path.startswith("/status/"):
            headers = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
            return _send(handler, int(path.removeprefix("/status/")), b"<html>busy</html>", headers)
        if path == "/redirect":
            return _send(handler, int(query.get("status", "302")), b"", {"Location": query["to"]})
        if path == "/slow":
            time.sleep(float(query["seconds"]))
            return _send(handler, 200, card_bytes("mos-gorsud.html"), {"Content-Type": "text/html; charset=utf-8"})
        if path == "/drip":
            return self._drip(handler, float(query["every"]))
        if path == "/big":
            return _big(handler, int(query["bytes"]), chunked=query.get("chunked") == "1")
        return _send(handler, 404, b"<html>not found</html>", {})

    def _drip(self, handler: BaseHTTPRequestHandler, every: float) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(10**6))
        handler.end_headers()
        try:
            while not self._stop.is_set():
                handler.wfile.write(b"<")
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            pass  # the client gave up, as it should


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (as the fetcher must, at its cap or deadline) is no news


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if status != 304:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if status != 304:
        handler.wfile.write(body)


def _big(handler: BaseHTTPRequestHandler, size: int, *, chunked: bool) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    piece = b"x" * 65536
    try:
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            left = size
            while left > 0:
                chunk = piece[: min(left, len(piece))]
                handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                left -= len(chunk)
            handler.wfile.write(b"0\r\n\r\n")
        else:
            handler.send_header("Content-Length", str(size))
            handler.end_headers()
            left = size
            while left > 0:
                handler.wfile.write(piece[: min(left, len(piece))])
                left -= min(left, len(piece))
    except OSError:
        pass  # the client stopped reading at its cap
