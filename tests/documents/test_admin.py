import pytest

from cases.models import Membership
from documents import services
from documents.models import Dossier
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def lawyer_client(client, popova):
    user = UserFactory(username="desk-lawyer", is_staff=True, is_superuser=True)
    MembershipFactory(organization=popova.organization, user=user, role=Membership.Role.LAWYER)
    client.force_login(user)
    return client


def test_generate_dossier_action_queues_and_the_page_shows_progress_then_the_download(
    lawyer_client, popova, django_capture_on_commit_callbacks
):
    # given the action's form, reached from the case list
    form = lawyer_client.post("/admin/cases/case/", {"action": "generate_dossier", "_selected_action": [popova.pk]})
    assert form.status_code == 200 and b"Generate the PDF dossier of" in form.content

    # when the lawyer picks the public edition in Russian
    with django_capture_on_commit_callbacks() as callbacks:
        response = lawyer_client.post(
            "/admin/cases/case/",
            {
                "action": "generate_dossier",
                "_selected_action": [popova.pk],
                "apply": "1",
                "edition": "public",
                "language": "ru",
            },
        )

    # then one dossier is queued and the browser goes to its progress page
    dossier = Dossier.objects.get()
    assert (dossier.edition, dossier.language, dossier.state) == ("public", "ru", "queued")
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"] == f"/admin/documents/dossier/{dossier.pk}/progress/"
    page = lawyer_client.get(response["Location"])
    assert b"Queued: 0 %" in page.content and b'http-equiv="refresh"' in page.content

    # when the worker is done, the page offers the PDF
    services.dossier_render(dossier_id=dossier.pk)
    page = lawyer_client.get(response["Location"])
    dossier.refresh_from_db()
    assert b"Download the PDF" in page.content and b'http-equiv="refresh"' not in page.content
    download = lawyer_client.get(f"/admin/documents/document/{dossier.document_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # and the dossier list links to both
    listing = lawyer_client.get("/admin/documents/dossier/")
    assert f'href="/admin/documents/dossier/{dossier.pk}/progress/"'.encode() in listing.content
    assert f'href="/admin/documents/document/{dossier.document_id}/download/"'.encode() in listing.content


def test_staff_outside_the_organization_see_no_dossier(client, popova):
    dossier, _ = services.dossier_request(case=popova, edition="internal", language="en", enqueue=False)
    stranger = UserFactory(username="other-staff", is_staff=True)
    client.force_login(stranger)

    response = client.get(f"/admin/documents/dossier/{dossier.pk}/progress/")

    assert response.status_code == 404
    assert Dossier.objects.get().state == "queued"


def test_document_upload_in_the_admin_stores_the_file_with_its_sha256(lawyer_client, popova):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document

    data = b"%PDF-1.7 statement of claim"
    response = lawyer_client.post(
        "/admin/documents/document/add/",
        {
            "case": popova.pk,
            "title": "Statement of claim",
            "kind": "pleading",
            "date": "2019-10-02",
            "is_public": "on",
            "description": "",
            "notes": "",
            "upload": SimpleUploadedFile("claim.pdf", data, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.kind, document.size) == ("Statement of claim", "pleading", len(data))
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.uploaded_by.username == "desk-lawyer"
