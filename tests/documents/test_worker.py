"""The whole pipeline with a real Celery worker on Redis and the test database: the API
queues, the worker renders, the row shows progress, the PDF arrives."""

import io
import time

import pypdf
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from documents.models import Dossier
from documents.tasks import dossier_render_task
from tests.processes import BIN, clean_env, running, session_database_url

pytestmark = pytest.mark.slow


def test_task_limits_are_set():
    assert (dossier_render_task.soft_time_limit, dossier_render_task.time_limit) == (120, 150)
    assert dossier_render_task.acks_late is True


@pytest.mark.django_db(transaction=True)
def test_worker_renders_a_requested_dossier_and_records_progress(popova, media_root, tmp_path):
    env = clean_env(
        DEBUG="false",
        SECRET_KEY="worker-test-secret-key-not-for-deployment-0123456789",
        DATABASE_URL=session_database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(media_root),
        TRACKER_VAR_DIR=str(tmp_path / "var"),
    )
    worker = [str(BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "INFO", "--concurrency", "1"]
    log = tmp_path / "worker.log"
    with running(worker, env=env, log=log):
        # when the public Russian edition is asked for over the API
        response = APIClient().post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "public", "language": "ru"})
        assert response.status_code == 202
        status_url = response["Location"]

        # then the worker takes it; the status moves through rendering to ready
        seen = []
        deadline = time.monotonic() + 90
        body = {}
        while time.monotonic() < deadline:
            body = APIClient().get(status_url).json()
            seen.append((body["state"], body["progress"]))
            if body["state"] in ("ready", "failed"):
                break
            time.sleep(0.05)
        assert body["state"] == "ready", (body, log.read_text()[-3000:])
        assert any(state == "rendering" and 0 < progress < 100 for state, progress in seen), seen
        assert seen[-1] == ("ready", 100)

        # and the PDF is the Russian public dossier
        download = APIClient().get(body["pdf"]["url"])
        pdf = b"".join(download.streaming_content)
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert "Публичная версия: для распространения" in text
        dossier = Dossier.objects.get()
        assert dossier.document.sha256 == body["pdf"]["sha256"]
        assert dossier.attempts == 1
