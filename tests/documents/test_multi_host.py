"""More than one machine: two web hosts and a worker host, each with its own MEDIA_ROOT (its
own local disk), sharing only PostgreSQL, Redis and the S3 bucket (moto's standalone server).

A document uploaded through web A downloads through web B; a dossier rendered by the worker is
served by both; an unchanged case is still answered from the dossier cache at once; and no
host keeps a file on its own disk."""

import hashlib
import os
import re
import time

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from cases.models import Case, Membership
from documents.models import Document, Dossier
from tests.factories import MembershipFactory, UserFactory
from tests.processes import BIN, clean_env, free_port, manage, running, session_database_url, wait_for_http

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple"


class Host:
    """A browser's view of one web host behind a TLS proxy (the proxy's header is sent)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https"})

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.base + path, allow_redirects=False, timeout=60, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        headers = {"Origin": self.origin, "Referer": self.origin + path, "X-CSRFToken": self.csrf()}
        return self.session.post(self.base + path, allow_redirects=False, timeout=60, headers=headers, **kwargs)

    def csrf(self) -> str:
        if "csrftoken" not in self.session.cookies:
            self.get("/accounts/login/")
        return str(self.session.cookies["csrftoken"])

    def log_in(self, username: str) -> None:
        response = self.post("/accounts/login/", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, re.findall(r"(?s)<ul class=\"errorlist.*?</ul>", response.text)


def only_files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.django_db(transaction=True)
def test_two_web_hosts_and_a_worker_share_files_through_the_bucket(popova, s3_env, tmp_path):
    lawyer = UserFactory(username="multihost-lawyer")
    # the hosts run the production hashers (the test settings' MD5 is not among them)
    lawyer.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    lawyer.save(update_fields=["password"])
    MembershipFactory(organization=popova.organization, user=lawyer, role=Membership.Role.LAWYER)
    Case.objects.filter(pk=popova.pk).update(is_public=True)
    disks = {host: tmp_path / f"media-{host}" for host in ("a", "b", "worker")}

    def env(host: str) -> dict[str, str]:
        return clean_env(
            DEBUG="false",
            SECRET_KEY="multi-host-test-secret-key-not-for-deployment-0123456789",
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=session_database_url(),
            REDIS_URL=settings.REDIS_URL,
            STATIC_ROOT=str(tmp_path / "static"),
            MEDIA_ROOT=str(disks[host]),
            TRACKER_VAR_DIR=str(tmp_path / f"var-{host}"),
            # plain HTTP on loopback stands for the TLS proxy; the cookies must still travel
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            **s3_env,
        )

    collected = manage("collectstatic", "--noinput", env=env("a"))
    assert collected.returncode == 0, collected.stderr
    ports = {"a": free_port(), "b": free_port()}

    def gunicorn(host: str) -> list[str]:
        return [str(BIN / "gunicorn"), "tracker.wsgi", "--bind", f"127.0.0.1:{ports[host]}", "--workers", "1"]

    worker = [str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "INFO", "--concurrency", "1"]
    with (
        running(gunicorn("a"), env=env("a"), log=tmp_path / "web-a.log"),
        running(gunicorn("b"), env=env("b"), log=tmp_path / "web-b.log"),
        running(worker, env=env("worker"), log=tmp_path / "worker.log"),
    ):
        for port in ports.values():
            status, _, _ = wait_for_http(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
            assert status == 200
        web_a, web_b = Host(ports["a"]), Host(ports["b"])

        # when a lawyer uploads an exhibit through web A
        web_a.log_in("multihost-lawyer")
        data = os.urandom(700_000)
        upload = web_a.post(
            f"/cases/{popova.slug}/documents/new/",
            data={"title": "Exhibit from host A", "kind": "exhibit", "csrfmiddlewaretoken": web_a.csrf()},
            files={"file": ("exhibit-a.bin", data, "application/octet-stream")},
        )
        assert upload.status_code == 302, upload.text[-3000:]
        document = Document.objects.get(title="Exhibit from host A")
        assert document.sha256 == hashlib.sha256(data).hexdigest()

        # then it downloads through web B (the session too is shared: PostgreSQL)
        web_b.session.cookies.update(web_a.session.cookies)
        download = web_b.get(f"/api/v1/documents/{document.pk}/file/")
        assert download.status_code == 200
        assert download.content == data
        assert download.headers["X-Content-SHA256"] == document.sha256

        # when the public dossier is asked for through web B (anonymous API client)
        asked = requests.post(
            f"{web_b.base}/api/v1/cases/{popova.pk}/dossiers/",
            json={"edition": "public", "language": "en"},
            headers={"X-Forwarded-Proto": "https"},
            timeout=60,
        )
        assert asked.status_code == 202, asked.text
        dossier_id = asked.json()["id"]
        # then the worker (third disk) renders it into the bucket
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            dossier = Dossier.objects.select_related("document").get(pk=dossier_id)
            if dossier.is_finished:
                break
            time.sleep(0.2)
        assert dossier.state == Dossier.State.READY, (dossier.error, (tmp_path / "worker.log").read_text()[-3000:])
        # and both web hosts serve the same PDF
        for host in (web_a, web_b):
            pdf = requests.get(
                f"{host.base}/api/v1/documents/{dossier.document_id}/file/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=60,
            )
            assert pdf.status_code == 200
            assert pdf.content.startswith(b"%PDF-")
            assert hashlib.sha256(pdf.content).hexdigest() == dossier.document.sha256

        # when the unchanged case is asked for again, through web A
        started = time.monotonic()
        again = requests.post(
            f"{web_a.base}/api/v1/cases/{popova.pk}/dossiers/",
            json={"edition": "public", "language": "en"},
            headers={"X-Forwarded-Proto": "https"},
            timeout=60,
        )
        answered_in = time.monotonic() - started
        # then it is the same dossier, ready at once, and nothing new is queued
        assert again.status_code == 200
        assert (again.json()["id"], again.json()["state"]) == (dossier_id, "ready")
        assert Dossier.objects.count() == 1
        assert answered_in < 2, answered_in  # no render: a render takes several seconds here

    # and no host kept a file on its own disk: the bucket is the only copy
    assert {host: only_files(disk) for host, disk in disks.items()} == {"a": [], "b": [], "worker": []}
    assert re.fullmatch(r"documents/\d{4}/\d{2}/exhibit-a.*\.bin", document.file.name)
