"""Documents and dossiers in an S3 bucket (moto's standalone server, a real S3 API on a
loopback port): stored as objects, never on the local disk, and served only through the app."""

import hashlib
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from documents import services
from documents.models import Document
from tests.conftest import s3_client
from tests.factories import CaseFactory, MembershipFactory, UserFactory


@pytest.fixture
def bucket(s3_server, s3_bucket, s3_storage):
    client = s3_client(s3_server)
    return client, s3_bucket


def keys(bucket) -> list[str]:
    client, name = bucket
    return sorted(obj["Key"] for obj in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_an_upload_is_an_object_in_the_bucket_and_nothing_on_disk(db, bucket, media_root):
    data = b"%PDF-1.7 the claim\n" * 5000
    # when a document is added
    document = services.document_add(case=CaseFactory(), title="Claim", file=io.BytesIO(data), filename="claim.pdf")

    # then the bucket holds exactly its bytes under the field's name, and the disk holds nothing
    client, name = bucket
    assert keys(bucket) == [document.file.name]
    assert client.get_object(Bucket=name, Key=document.file.name)["Body"].read() == data
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert not media_root.exists() or not any(media_root.rglob("*"))
    # and the object is private: the only grant is its owner's (no AllUsers / AuthenticatedUsers)
    grants = client.get_object_acl(Bucket=name, Key=document.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("URI" not in grant["Grantee"] for grant in grants)


def test_two_uploads_with_the_same_name_do_not_overwrite_each_other(db, bucket):
    case = CaseFactory()
    first = services.document_add(case=case, title="A", file=io.BytesIO(b"first"), filename="scan.pdf")
    second = services.document_add(case=case, title="B", file=io.BytesIO(b"second"), filename="scan.pdf")

    assert first.file.name != second.file.name
    assert keys(bucket) == sorted([first.file.name, second.file.name])
    client, name = bucket
    assert client.get_object(Bucket=name, Key=first.file.name)["Body"].read() == b"first"


def test_the_api_streams_a_private_document_to_a_member_only(db, bucket):
    case = CaseFactory(is_public=False)
    member = UserFactory(username="member")
    MembershipFactory(organization=case.organization, user=member, role="viewer")
    data = bytes(range(256)) * 10000  # 2.5 MB: several chunks
    document = services.document_add(case=case, title="Evidence", file=io.BytesIO(data), filename="evidence.bin")
    url = f"/api/v1/documents/{document.pk}/file/"

    # when a stranger asks, then there is nothing for them (and no redirect to the bucket)
    refused = APIClient().get(url)
    assert refused.status_code == 404
    assert "Location" not in refused

    # when a member asks, then the bytes come through the app with the app's headers
    client = APIClient()
    client.force_authenticate(member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Length"] == str(len(data))
    assert response["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="evidence.bin"'


def test_a_file_missing_from_the_bucket_is_a_404_with_a_sentence(db, bucket):
    case = CaseFactory(is_public=True)
    document = services.document_add(
        case=case, title="Press", file=io.BytesIO(b"x"), filename="press.txt", is_public=True
    )
    client, name = bucket
    client.delete_object(Bucket=name, Key=document.file.name)

    response = APIClient().get(f"/api/v1/documents/{document.pk}/file/")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "The file of this document is missing from the storage."


def test_document_delete_removes_the_object_after_commit(db, bucket, django_capture_on_commit_callbacks):
    document = services.document_add(case=CaseFactory(), title="Claim", file=io.BytesIO(b"x"), filename="c.txt")
    assert keys(bucket) == [document.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document)

    assert keys(bucket) == []
    assert Document.objects.count() == 0


def test_the_dossier_command_renders_into_the_bucket_and_writes_out_a_copy(popova, bucket, tmp_path, capsys):
    out = tmp_path / "popova.pdf"

    call_command("dossier", "popova-v-moscow", "--edition", "public", "--lang", "en", "--out", str(out))

    document = Document.objects.get(kind=Document.Kind.DOSSIER)
    assert keys(bucket) == sorted(d.file.name for d in Document.objects.all())
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    assert f"{out}, {document.size} bytes, SHA-256 {document.sha256}" in capsys.readouterr().out


def test_the_missing_file_sentence_is_in_russian_for_a_russian_reader(db, bucket):
    document = services.document_add(
        case=CaseFactory(is_public=True), title="P", file=io.BytesIO(b"x"), filename="p.txt", is_public=True
    )
    client, name = bucket
    client.delete_object(Bucket=name, Key=document.file.name)

    response = APIClient().get(f"/api/v1/documents/{document.pk}/file/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.json()["error"]["message"] == "Файл этого документа отсутствует в хранилище."
