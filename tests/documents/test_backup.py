"""`manage.py backup` and `manage.py restore` as a round trip on PostgreSQL: the demo plus
uploaded documents are backed up, restored into a new database and a new folder, and the
app started on the restored copy serves the same bytes (the same SHA-256s)."""

import hashlib
import io
import json
import os
import subprocess

import psycopg
import pytest
import requests
from django.conf import settings
from django.db import connection

from apitokens.models import ApiToken
from apitokens.services import api_token_create
from cases.models import Case, Hearing, Membership
from documents import services
from documents.models import Document
from tests.conftest import s3_client
from tests.factories import MembershipFactory, UserFactory
from tests.processes import BIN, clean_env, free_port, manage, running, session_database_url, wait_for_http

pytestmark = pytest.mark.slow


@pytest.fixture
def restore_database():
    """A new, empty PostgreSQL database beside the test database, dropped afterwards; its URL."""
    s = connection.settings_dict
    name = f"{s['NAME']}_restore"
    pg = {**os.environ, "PGHOST": s["HOST"] or "127.0.0.1", "PGPORT": str(s["PORT"] or 5432), "PGUSER": s["USER"]}
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=pg, check=True)  # noqa: S607
    subprocess.run(["createdb", name], env=pg, check=True)  # noqa: S607
    yield session_database_url().rsplit("/", 1)[0] + "/" + name
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=pg, check=True)  # noqa: S607


def tracker_env(database_url: str, media_root, tmp_path, **extra: str) -> dict[str, str]:
    return clean_env(
        DEBUG="false",
        SECRET_KEY="backup-test-secret-key-not-for-deployment-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(media_root),
        STATIC_ROOT=str(tmp_path / "static"),
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(popova, media_root, restore_database, tmp_path):
    # given the demo, a public and a private uploaded document, and a member's API token
    Case.objects.filter(pk=popova.pk).update(is_public=True)
    popova.refresh_from_db()
    member = UserFactory(username="backup-member")
    MembershipFactory(organization=popova.organization, user=member, role=Membership.Role.VIEWER)
    _, token = api_token_create(user=member, name="backup test")
    uploads = {
        "press.pdf": (b"%PDF-1.7 press\n" * 30000, True),
        "witness statement.txt": ("Показания свидетеля\n".encode() * 5000, False),
    }
    documents = [
        services.document_add(case=popova, title=name, file=io.BytesIO(data), filename=name, is_public=public)
        for name, (data, public) in uploads.items()
    ]

    # when it is backed up
    out = tmp_path / "backup"
    made = manage("backup", "--out", str(out), env=tracker_env(session_database_url(), media_root, tmp_path))
    assert made.returncode == 0, made.stderr
    assert f"Backup in {out}: database " in made.stdout

    # then the manifest names every stored file with the SHA-256 the database recorded
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {d.file.name: d.sha256 for d in documents}
    dump = (out / "database.dump").read_bytes()
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()

    # when it is restored into a new database and a new folder (another machine)
    restored_media = tmp_path / "restored-media"
    env = tracker_env(restore_database, restored_media, tmp_path)
    restored = manage("restore", str(out), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Restored from" in restored.stdout and "2 files" in restored.stdout

    # then the files are there with equal checksums
    for document in documents:
        data = (restored_media / document.file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256

    # and the app started on the restored copy serves them (the token came back with the database)
    assert manage("collectstatic", "--noinput", env=env).returncode == 0
    port = free_port()
    gunicorn = [str(BIN / "gunicorn"), "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    https = {"X-Forwarded-Proto": "https"}
    with running(gunicorn, env=env, log=tmp_path / "gunicorn.log"):
        assert wait_for_http(f"http://127.0.0.1:{port}/healthz", headers=https)[0] == 200
        auth = {**https, "Authorization": f"Bearer {token}"}
        for document in documents:
            response = requests.get(
                f"http://127.0.0.1:{port}/api/v1/documents/{document.pk}/file/", headers=auth, timeout=30
            )
            assert response.status_code == 200
            assert hashlib.sha256(response.content).hexdigest() == document.sha256
        case = requests.get(f"http://127.0.0.1:{port}/api/v1/cases/{popova.pk}/", headers=auth, timeout=30)
        assert (case.status_code, case.json()["slug"]) == (200, popova.slug)
    # and every table holds as many rows as the original
    with psycopg.connect(restore_database) as restored_db:
        for model in (Case, Document, Membership, ApiToken, Hearing):
            table = model._meta.db_table
            count = restored_db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (a model's table)
            assert (table, count) == (table, model.objects.count())

    # and a second restore over the now full database is refused unless asked for
    again = manage("restore", str(out), env=env)
    assert again.returncode == 1
    assert "already has tables" in again.stderr and "--replace" in again.stderr
    replaced = manage("restore", str(out), "--replace", env=env)
    assert replaced.returncode == 0, replaced.stderr


def test_a_damaged_backup_restores_nothing(popova, media_root, tmp_path, settings):
    document = services.document_add(case=popova, title="Claim", file=io.BytesIO(b"claim"), filename="claim.txt")
    out = tmp_path / "backup"
    made = manage("backup", "--out", str(out), env=tracker_env(session_database_url(), media_root, tmp_path))
    assert made.returncode == 0, made.stderr
    (out / "files" / document.file.name).write_bytes(b"clam")

    result = manage("restore", str(out), env=tracker_env(session_database_url(), tmp_path / "elsewhere", tmp_path))

    assert result.returncode == 1
    assert f"does not match its manifest; nothing was restored: {document.file.name} (SHA-256 differs)" in result.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_backup_refuses_a_folder_that_is_not_empty_and_sqlite(tmp_path, media_root, db):
    out = tmp_path / "used"
    out.mkdir()
    (out / "old.txt").write_text("an older backup")
    env = tracker_env(session_database_url(), media_root, tmp_path)
    refused = manage("backup", "--out", str(out), env=env)
    assert refused.returncode == 1
    assert "is not empty: give a new folder" in refused.stderr

    on_sqlite = manage(
        "backup",
        "--out",
        str(tmp_path / "new"),
        env=tracker_env("sqlite:///" + str(tmp_path / "t.sqlite3"), media_root, tmp_path),
    )
    assert on_sqlite.returncode == 1
    assert "Backups need PostgreSQL" in on_sqlite.stderr


@pytest.mark.django_db(transaction=True)
def test_backup_from_a_bucket_and_restore_into_another(case, s3_storage, s3_env, s3_server, restore_database, tmp_path):
    # given documents stored in the bucket
    documents = [
        services.document_add(case=case, title=n, file=io.BytesIO(n.encode() * 1000), filename=f"{n}.txt")
        for n in ("first", "second")
    ]
    out = tmp_path / "backup"
    made = manage(
        "backup", "--out", str(out), env=tracker_env(session_database_url(), tmp_path / "unused", tmp_path, **s3_env)
    )
    assert made.returncode == 0, made.stderr
    assert {f["name"]: f["sha256"] for f in json.loads((out / "manifest.json").read_text())["files"]} == {
        d.file.name: d.sha256 for d in documents
    }

    # when restored into a new bucket
    client = s3_client(s3_server)
    client.create_bucket(Bucket=s3_env["AWS_STORAGE_BUCKET_NAME"] + "-restored")
    env = tracker_env(
        restore_database,
        tmp_path / "unused",
        tmp_path,
        **{**s3_env, "AWS_STORAGE_BUCKET_NAME": s3_env["AWS_STORAGE_BUCKET_NAME"] + "-restored"},
    )
    restored = manage("restore", str(out), env=env)
    assert restored.returncode == 0, restored.stderr

    # then the new bucket holds the same bytes under the same names
    for document in documents:
        body = client.get_object(Bucket=env["AWS_STORAGE_BUCKET_NAME"], Key=document.file.name)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == document.sha256
    assert not (tmp_path / "unused").exists()
