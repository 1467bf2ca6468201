"""`manage.py storage_copy --to s3`: from the local folder to the bucket (moto's S3 server),
verified, resumable, and a second run copies nothing; then the app serves the copies."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from documents import services
from tests.conftest import s3_client
from tests.factories import CaseFactory


def copy(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("storage_copy", *args, stdout=out, stderr=err)
    return out.getvalue().strip() + "\n" + err.getvalue()


@pytest.fixture
def documents_on_disk(db, media_root):
    case = CaseFactory(is_public=True)
    files = {f"exhibit-{n}.bin": bytes([n]) * (300_000 * n + 1) for n in range(1, 4)}
    return [
        services.document_add(case=case, title=name, file=io.BytesIO(data), filename=name, is_public=True)
        for name, data in files.items()
    ]


def bucket_objects(s3_settings) -> dict[str, bytes]:
    client = s3_client(s3_settings.AWS_S3_ENDPOINT_URL)
    bucket = s3_settings.AWS_STORAGE_BUCKET_NAME
    keys = [obj["Key"] for obj in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def test_copy_to_s3_is_verified_resumable_and_idempotent(documents_on_disk, s3_settings, media_root):
    total = sum(d.size for d in documents_on_disk)

    # when the files are copied to the bucket
    first = copy("--to", "s3")

    # then each object has the same bytes (the SHA-256 the database recorded) and its hash as metadata
    assert f"3 copied, 0 already there (same SHA-256), 0 failed, of 3 files ({total} bytes)" in first
    assert "storage_copy: 100%" in first  # the progress bar, on standard error
    objects = bucket_objects(s3_settings)
    assert {name: hashlib.sha256(data).hexdigest() for name, data in objects.items()} == {
        d.file.name: d.sha256 for d in documents_on_disk
    }
    client = s3_client(s3_settings.AWS_S3_ENDPOINT_URL)
    head = client.head_object(Bucket=s3_settings.AWS_STORAGE_BUCKET_NAME, Key=documents_on_disk[0].file.name)
    assert head["Metadata"] == {"sha256": documents_on_disk[0].sha256}

    # when it runs again, then nothing is copied
    assert "0 copied, 3 already there (same SHA-256), 0 failed" in copy("--to", "s3")

    # when a run stopped half-way (one object missing) and one object was damaged
    bucket = s3_settings.AWS_STORAGE_BUCKET_NAME
    client.delete_object(Bucket=bucket, Key=documents_on_disk[1].file.name)
    client.put_object(Bucket=bucket, Key=documents_on_disk[2].file.name, Body=b"damaged")
    # then the next run copies just those two
    assert "2 copied, 1 already there (same SHA-256), 0 failed" in copy("--to", "s3")
    assert {name: hashlib.sha256(data).hexdigest() for name, data in bucket_objects(s3_settings).items()} == {
        d.file.name: d.sha256 for d in documents_on_disk
    }


def test_after_the_copy_the_app_serves_the_files_from_the_bucket(documents_on_disk, s3_settings, media_root):
    copy("--to", "s3")
    # when the host is switched to the bucket and the folder is gone
    s3_settings.STORAGES = {**s3_settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    s3_settings.MEDIA_ROOT = media_root.parent / "empty"
    for document in documents_on_disk:
        response = APIClient().get(f"/api/v1/documents/{document.pk}/file/")
        assert response.status_code == 200
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256


def test_copy_back_to_the_folder(documents_on_disk, s3_settings, media_root, tmp_path):
    copy("--to", "s3")
    s3_settings.MEDIA_ROOT = tmp_path / "new-folder"

    assert "3 copied, 0 already there" in copy("--to", "filesystem")

    for document in documents_on_disk:
        data = (tmp_path / "new-folder" / document.file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256
    assert "0 copied, 3 already there" in copy("--to", "filesystem")


def test_without_a_bucket_the_command_says_what_to_set(db, settings):
    settings.AWS_STORAGE_BUCKET_NAME = ""
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME is not set"):
        copy("--to", "s3")


def test_an_unknown_bucket_is_a_sentence_not_a_traceback(documents_on_disk, s3_settings):
    s3_settings.AWS_STORAGE_BUCKET_NAME = "no-such-bucket"
    with pytest.raises(CommandError, match="The bucket 'no-such-bucket' could not be used: .*NoSuchBucket"):
        copy("--to", "s3")
