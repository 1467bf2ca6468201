"""Case text is typed by users: it is escaped, and whatever reaches WeasyPrint can load only
the project's static files and data: URLs. A listening socket proves no request leaves."""

import base64
import io
import socket
from contextlib import contextmanager

import pikepdf

from cases.models import Party
from documents.dossier.content import dossier_content
from documents.dossier.render import STATIC_BASE_URL, RestrictedURLFetcher, dossier_pdf, html_to_pdf
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, PartyFactory


@contextmanager
def listening_socket():
    """A TCP socket on a free loopback port; yields (port, connections_seen())."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        server.setblocking(False)

        def connections_seen() -> int:
            seen = 0
            while True:
                try:
                    conn, _ = server.accept()
                except BlockingIOError:
                    return seen
                conn.close()
                seen += 1

        yield server.getsockname()[1], connections_seen


def test_listening_socket_sees_a_connection_when_one_is_made():
    # the probe used below works: a real connection is counted
    with listening_socket() as (port, connections_seen):
        socket.create_connection(("127.0.0.1", port)).close()
        assert connections_seen() == 1


def test_markup_in_case_fields_is_printed_as_text_and_fetches_nothing(db):
    with listening_socket() as (port, connections_seen):
        # given a case whose fields carry markup that would load local files and URLs
        case = CaseFactory(
            title='<script>alert("x")</script> v. City',
            summary='<img src="file:///etc/passwd">',
            claims=f'<link rel="stylesheet" href="http://127.0.0.1:{port}/">',
            legal_basis=f'</style><style>@import url("http://127.0.0.1:{port}/import.css");</style>',
            sources=f'<div style="background: url(http://127.0.0.1:{port}/bg)">x</div>',
        )
        PartyFactory(
            case=case,
            role=Party.Role.PLAINTIFF,
            description=f'<svg><image href="http://127.0.0.1:{port}/svg"/></svg>',
        )
        # when the dossier is rendered
        pdf = dossier_pdf(dossier_content(case=case, edition="internal", language="en"))

        # then the markup is there as text, nothing was fetched, and no file was read
        text = pdf_text(pdf)
        assert '<script>alert("x")</script> v. City' in text
        assert '<img src="file:///etc/passwd">' in text
        assert f'<link rel="stylesheet" href="http://127.0.0.1:{port}/">' in text
        assert f'@import url("http://127.0.0.1:{port}/import.css");' in text
        assert f"background: url(http://127.0.0.1:{port}/bg)" in text
        assert "root:x:0:0" not in text
        assert connections_seen() == 0


def test_fetcher_refuses_files_and_every_host_even_if_markup_got_through(db):
    """As if a template forgot to escape: the fetcher alone still refuses everything but
    static files and data: URLs."""
    with listening_socket() as (port, connections_seen):
        nested_svg = base64.b64encode(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            f'<image href="http://127.0.0.1:{port}/nested" width="10" height="10"/></svg>'.encode()
        ).decode()
        png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>
        <link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">
        <link rel="attachment" href="file:///etc/passwd">
        <style>
          @import url("http://127.0.0.1:{port}/b.css");
          @font-face {{ font-family: Evil; src: url(http://localhost:{port}/f.ttf); }}
          body {{ background: url("file:///etc/passwd"); font-family: Evil; }}
          h1::after {{ content: url(http://[::1]:{port}/c); }}
          p {{ background-image: url('https://10.0.0.1/private'); list-style-image: url(ftp://127.0.0.1:{port}/l); }}
        </style></head><body>
        <h1>Title</h1><p>text</p>
        <img src="file:///etc/passwd"> <img src="http://127.0.0.1:{port}/img.png">
        <img src="http://169.254.169.254/latest/meta-data/">
        <img src="/static/../../../../etc/passwd"> <img src="/static/..%2f..%2f..%2fetc/passwd">
        <object data="file:///etc/passwd"></object> <embed src="http://127.0.0.1:{port}/embed">
        <a rel="attachment" href="file:///etc/hostname">attachment</a>
        <img src="data:image/svg+xml;base64,{nested_svg}">
        <img src="data:image/png;base64,{png}">
        <img src="admin/img/icon-yes.svg">
        </body></html>"""
        fetcher = RestrictedURLFetcher()

        pdf = html_to_pdf(html, fetcher=fetcher)

        assert connections_seen() == 0
        refused = set(fetcher.refused)
        assert {
            "file:///etc/passwd",
            "file:///etc/hostname",
            f"http://127.0.0.1:{port}/a.css",
            f"http://127.0.0.1:{port}/b.css",
            f"http://localhost:{port}/f.ttf",
            f"http://[::1]:{port}/c",
            "https://10.0.0.1/private",
            f"http://127.0.0.1:{port}/img.png",
            "http://169.254.169.254/latest/meta-data/",
            f"http://127.0.0.1:{port}/nested",
        } <= refused
        # traversal out of the static folder is refused too
        assert STATIC_BASE_URL + "..%2f..%2f..%2fetc/passwd" in refused
        assert "https://tracker-static.invalid/etc/passwd" in refused
        # the project's own static file was served from disk
        assert fetcher.served == [STATIC_BASE_URL + "admin/img/icon-yes.svg"]
        # and nothing of /etc made it into the PDF, not even as an attachment
        assert b"root:x:0:0" not in pdf
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            assert "/EmbeddedFiles" not in doc.Root.get("/Names", {})
