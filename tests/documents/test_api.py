import hashlib
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from api.documents.views import DossierRequestThrottle
from cases.models import Membership
from documents import services
from documents.models import Document, Dossier
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def member(popova):
    user = UserFactory(username="member")
    MembershipFactory(organization=popova.organization, user=user, role=Membership.Role.VIEWER)
    return user


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_member_asks_for_a_dossier_follows_it_and_downloads_the_pdf(popova, member, django_capture_on_commit_callbacks):
    client = client_for(member)

    # when a member asks for the internal edition
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "internal", "language": "ru"})

    # then it is accepted, with a status URL, and one task is queued after commit
    assert response.status_code == 202
    dossier = Dossier.objects.get()
    status_url = f"http://testserver/api/v1/cases/{popova.pk}/dossiers/{dossier.pk}/"
    assert response["Location"] == status_url
    assert response.json() == {
        "id": dossier.pk,
        "case": popova.pk,
        "edition": "internal",
        "language": "ru",
        "state": "queued",
        "progress": 0,
        "error": "",
        "content_hash": dossier.content_hash,
        "created_at": response.json()["created_at"],
        "finished_at": None,
        "status_url": status_url,
        "pdf": None,
    }
    assert len(callbacks) == 1

    # when the worker has rendered it (the worker itself is tested in test_worker.py)
    services.dossier_render(dossier_id=dossier.pk)
    body = client.get(status_url).json()

    # then the status gives the PDF link, and the PDF is the one described
    document = Document.objects.get(kind="dossier")
    assert (body["state"], body["progress"]) == ("ready", 100)
    assert body["pdf"] == {
        "url": f"http://testserver/api/v1/documents/{document.pk}/file/",
        "sha256": document.sha256,
        "size": document.size,
        "filename": "popova-v-moscow-dossier-internal-ru.pdf",
    }
    download = client.get(body["pdf"]["url"])
    pdf = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest() == document.sha256
    assert download["Cache-Control"] == "private, no-store"

    # and asking again for the unchanged case returns the PDF at once, without a new job
    with django_capture_on_commit_callbacks() as callbacks:
        again = client.post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "internal", "language": "ru"})
    assert again.status_code == 200
    assert again.json()["pdf"]["sha256"] == document.sha256
    assert len(callbacks) == 0 and Dossier.objects.count() == 1


def test_anyone_may_have_the_public_edition_of_a_public_case(popova):
    response = client_for(None).post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "public", "language": "en"})

    assert response.status_code == 202
    dossier = Dossier.objects.get()
    assert (dossier.edition, dossier.requested_by) == ("public", None)
    dossier = services.dossier_render(dossier_id=dossier.pk)
    download = client_for(None).get(f"/api/v1/documents/{dossier.document_id}/file/")
    assert download.status_code == 200 and download["Cache-Control"] == "public, max-age=3600"


def test_anonymous_requests_are_throttled(popova, monkeypatch):
    monkeypatch.setattr(DossierRequestThrottle, "rate", "2/hour")
    client = client_for(None)
    url = f"/api/v1/cases/{popova.pk}/dossiers/"

    codes = [client.post(url, {"edition": "public", "language": "en"}).status_code for _ in range(3)]

    assert codes == [202, 202, 429]
    assert Dossier.objects.count() == 1  # the second request got the first one's dossier


def test_internal_edition_is_refused_to_outsiders_and_nothing_is_queued(popova, django_capture_on_commit_callbacks):
    outsider = UserFactory(username="outsider")

    for client in (client_for(None), client_for(outsider)):
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "internal", "language": "en"})
        assert response.status_code == 403
        assert response.json()["error"]["message"] == (
            "Only members of the case's organization may have the internal edition, "
            "or the public edition of a case that is not public."
        )
        assert len(callbacks) == 0
    assert Dossier.objects.count() == 0


def test_internal_dossier_and_its_pdf_are_hidden_from_outsiders(popova, member):
    dossier, _ = services.dossier_request(case=popova, edition="internal", language="en", enqueue=False)
    dossier = services.dossier_render(dossier_id=dossier.pk)
    outsider = client_for(UserFactory(username="outsider"))

    assert outsider.get(f"/api/v1/cases/{popova.pk}/dossiers/{dossier.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/documents/{dossier.document_id}/file/").status_code == 404
    assert client_for(member).get(f"/api/v1/documents/{dossier.document_id}/file/").status_code == 200


def test_a_private_case_is_not_found_for_outsiders(popova, django_capture_on_commit_callbacks):
    popova.is_public = False
    popova.save()

    response = client_for(None).post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "public", "language": "en"})

    assert response.status_code == 404
    assert Dossier.objects.count() == 0


def test_bad_edition_and_language_get_field_messages(popova, member):
    response = client_for(member).post(f"/api/v1/cases/{popova.pk}/dossiers/", {"edition": "draft"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "edition": ['"draft" is not a valid choice.'],
        "language": ["This field is required."],
    }
    assert Dossier.objects.count() == 0


def test_status_detail_query_count(popova, member, django_assert_num_queries):
    dossier, _ = services.dossier_request(case=popova, edition="internal", language="en", enqueue=False)
    services.dossier_render(dossier_id=dossier.pk)
    client = client_for(member)

    # one query: the dossier with its document, the membership check being a subquery
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/cases/{popova.pk}/dossiers/{dossier.pk}/")
    assert response.json()["state"] == "ready"


def test_the_dossier_command_writes_the_pdf_and_reuses_it(popova, tmp_path, capsys):
    out = tmp_path / "popova.pdf"

    call_command("dossier", "popova-v-moscow", "--edition", "public", "--lang", "ru", "--out", str(out))
    first = capsys.readouterr().out
    call_command("dossier", "popova-v-moscow", "--edition", "public", "--lang", "ru", "--out", str(out))
    second = capsys.readouterr().out

    document = Document.objects.get(kind="dossier")
    assert out.read_bytes().startswith(b"%PDF-")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == document.sha256
    assert "(public edition, ru) rendered:" in first
    assert "(public edition, ru) unchanged since the last render, reused:" in second
    assert Dossier.objects.count() == 1


def test_the_dossier_command_explains_a_wrong_slug(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no case with the slug 'nope'"):
        call_command("dossier", "nope")


def test_a_document_whose_local_file_is_gone_is_a_404_with_a_sentence(popova, media_root):
    popova.is_public = True
    popova.save(update_fields=["is_public"])
    document = services.document_add(
        case=popova, title="Press", file=io.BytesIO(b"press"), filename="press.txt", is_public=True
    )
    (media_root / document.file.name).unlink()

    response = client_for().get(f"/api/v1/documents/{document.pk}/file/")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "The file of this document is missing from the storage."
