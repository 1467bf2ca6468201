import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.conftest import lawyer_api  # noqa: F401 (a fixture shared with the API tests)


class RecordingReceiver:
    """A real HTTP server on a free loopback port that records each request and answers with
    the status its `answers` list gives (then 204), after calling `while_answering` if set (in
    the server's thread: the sender is waiting for the answer meanwhile)."""

    def __init__(self):
        self.requests = []
        self.answers = []
        self.while_answering = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers.items()), body))
                if receiver.while_answering is not None:
                    receiver.while_answering()
                status, reply = receiver.answers.pop(0) if receiver.answers else (204, b"")
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_WAKE_ON_COMMIT = False  # these tests drive delivery themselves
    r = RecordingReceiver()
    yield r
    r.close()
