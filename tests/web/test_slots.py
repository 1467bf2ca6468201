"""What the reminders and documents apps put in the pages' slots: the subscribe form and the
calendar feed on the public case page; the subscribers count, the documents and the dossier on
the lawyers' case page."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from documents.models import Document, Dossier
from reminders.models import Subscription
from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request in Russian leaves Russian active in this thread (LocaleMiddleware activates it,
    nothing resets it): tests that follow expect the default."""
    yield
    translation.deactivate()


# --- Public case page: subscribe and calendar feed -------------------------------------------


def test_the_public_page_offers_the_subscribe_form_in_the_visitors_language_and_zone(client, popova):
    client.cookies["tz"] = "Asia/Yekaterinburg"
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert f'action="{reverse("reminders:subscribe", args=["popova-v-moscow"])}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="ru" selected>' in html
    assert '<option value="Asia/Yekaterinburg" selected>' in html
    # the calendar link asks for the page's language (a calendar app sends no Accept-Language)
    assert f'href="{reverse("reminders:case-feed", args=["popova-v-moscow"])}?lang=ru"' in html


def test_subscribing_from_the_public_page_starts_the_double_opt_in(client, popova, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.post(
            reverse("reminders:subscribe", args=["popova-v-moscow"]),
            {"email": "Ann@Example.org", "language": "ru", "time_zone": "Europe/Moscow", "offsets_minutes": ["1440"]},
        )
    assert page.status_code == 200
    assert "Check your inbox" in page.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.language, subscription.offsets_minutes) == (
        "ann@example.org",
        "ru",
        [1440],
    )
    assert subscription.confirmed_at is None
    assert len(callbacks) == 1  # the confirmation email, enqueued after the commit


def test_a_bad_subscription_is_refused_next_to_its_field(client, popova):
    page = client.post(
        reverse("reminders:subscribe", args=["popova-v-moscow"]),
        {"email": "not an address", "language": "xx", "time_zone": "Mars/Olympus", "offsets_minutes": ["1440"]},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enter a valid email address." in html
    assert html.count("Select a valid choice.") == 2
    assert Subscription.objects.count() == 0


# --- Lawyers' case page: subscribers count --------------------------------------------------


def _followers(case):
    SubscriptionFactory(case=case, email="active.one@example.net")
    SubscriptionFactory(case=case, email="active.two@example.net")
    SubscriptionFactory(case=case, email="pending@example.net", confirmed_at=None)
    SubscriptionFactory(case=case, email="gone@example.net", unsubscribed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize("member", ["lawyer", "viewer"])
def test_members_see_how_many_follow_the_case_but_never_who(client, popova, member):
    _followers(popova["public"])
    client.force_login(popova[member])
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert "2 people receive this case's hearing reminders." in html
    assert "@example.net" not in html


def test_the_count_is_in_russian_with_its_plural(client, popova):
    _followers(popova["public"])
    client.force_login(popova["lawyer"])
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "2 человека получают напоминания о заседаниях по этому делу." in html


def test_nobody_outside_the_organization_sees_the_count(client, popova):
    _followers(popova["public"])
    client.force_login(popova["outsider"])
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"]), follow=True)
    assert page.redirect_chain == [(reverse("web:public_case", args=["popova-v-moscow"]), 302)]
    html = page.content.decode()
    assert "receive this case's hearing reminders" not in html
    assert "@example.net" not in html


# --- Lawyers' case page: documents ----------------------------------------------------------

PDF = b"%PDF-1.4\n% a court filing\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, slug="popova-v-moscow", content=PDF, name="claim.pdf", headers=None, **overrides):
    data = {
        "title": "Administrative claim",
        "kind": "pleading",
        "date": "2019-10-02",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        "description": "",
        "notes": "",
    }
    data.update(overrides)
    return client.post(reverse("web:document_upload", args=[slug]), data, headers=headers)


def test_a_lawyer_uploads_a_document_and_sees_it_listed_with_its_hash(client, popova):
    client.force_login(popova["lawyer"])
    page = upload(client, is_public="on")
    document = Document.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/cases/popova-v-moscow/#document-{document.pk}"
    assert (document.title, document.kind, document.date, document.is_public) == (
        "Administrative claim",
        "pleading",
        dt.date(2019, 10, 2),
        True,
    )
    assert (document.sha256, document.size, document.uploaded_by) == (
        hashlib.sha256(PDF).hexdigest(),
        len(PDF),
        popova["lawyer"],
    )
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    row = html.split(f'id="document-{document.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Administrative claim" in row
    assert "Pleading / claim" in row
    assert hashlib.sha256(PDF).hexdigest() in row
    assert ">public<" in row
    assert f'href="/api/v1/documents/{document.pk}/file/"' in row


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"file": ""}, "file", "This field is required."),
        ({"file": SimpleUploadedFile("empty.pdf", b"")}, "file", "The submitted file is empty."),
        ({"kind": "dossier"}, "kind", "Select a valid choice. dossier is not one of the available choices."),
        ({"date": "2019-02-30"}, "date", "Enter a valid date."),
        ({"date": "2099-01-01"}, "date", "A document cannot be dated in the future."),
    ],
)
def test_bad_document_input_is_refused_next_to_its_field(client, popova, overrides, field, message):
    client.force_login(popova["lawyer"])
    page = upload(client, **overrides)
    assert page.status_code == 400
    assert page.context["form"].errors[field] == [message]
    assert message in page.content.decode()
    assert Document.objects.count() == 0


def test_a_private_case_has_no_public_documents(client, desk):
    client.force_login(desk["lawyer"])
    page = upload(client, slug="secret-v-ministry", is_public="on")
    assert page.status_code == 400
    assert page.context["form"].errors["is_public"] == [
        "A private case has no public documents; make the case public first."
    ]
    assert Document.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(client, popova, settings, media_root):
    settings.DOCUMENT_MAX_UPLOAD_MB = 1
    client.force_login(popova["lawyer"])
    page = upload(client, content=b"x" * (1024 * 1024 + 1))
    assert page.status_code == 400
    assert page.context["form"].errors["file"] == ["The file is larger than 1 MB, the most this site accepts."]
    assert Document.objects.count() == 0
    assert not media_root.exists() or not any(media_root.rglob("*.pdf"))


def test_a_viewer_cannot_upload_and_nothing_is_stored(client, popova, media_root):
    client.force_login(popova["viewer"])
    assert upload(client).status_code == 403
    assert Document.objects.count() == 0
    assert not media_root.exists() or not any(media_root.rglob("*.pdf"))
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert "Upload a document" not in html


def test_an_outsider_cannot_upload_to_a_private_case(client, desk):
    client.force_login(desk["outsider"])
    assert upload(client, slug="secret-v-ministry").status_code == 404
    assert Document.objects.count() == 0


def test_uploading_needs_a_login(client, popova):
    page = upload(client)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert Document.objects.count() == 0


# --- Lawyers' case page: the dossier --------------------------------------------------------


def test_a_member_asks_for_a_dossier_and_follows_its_progress(client, popova, django_capture_on_commit_callbacks):
    client.force_login(popova["lawyer"])
    with django_capture_on_commit_callbacks() as callbacks:
        page = client.post(
            reverse("web:dossier_generate", args=["popova-v-moscow"]), {"edition": "internal", "language": "ru"}
        )
    dossier = Dossier.objects.get()
    assert (dossier.case, dossier.edition, dossier.language, dossier.state) == (
        popova["public"],
        "internal",
        "ru",
        "queued",
    )
    assert len(callbacks) == 1  # the render task, enqueued after the commit
    assert page.status_code == 302
    assert page["Location"] == f"/cases/popova-v-moscow/dossiers/{dossier.pk}/"

    # without JavaScript the page refreshes itself; HTMX polls the block alone
    progress = client.get(page["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in progress
    assert '<progress max="100" value="0">' in progress
    block = client.get(page["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert block.startswith(f'<div id="dossier-{dossier.pk}"')
    assert f'data-hx-get="/cases/popova-v-moscow/dossiers/{dossier.pk}/" data-hx-trigger="every 2s"' in block

    # a second click on an unchanged case gives the same dossier, not a second render
    client.post(reverse("web:dossier_generate", args=["popova-v-moscow"]), {"edition": "internal", "language": "ru"})
    assert Dossier.objects.count() == 1


def test_a_ready_dossier_offers_its_download_and_stops_polling(client, popova):
    client.force_login(popova["viewer"])
    pdf = Document.objects.create(
        case=popova["public"], title="Dossier", kind="dossier", file="documents/d.pdf", sha256="a" * 64, size=10
    )
    dossier = Dossier.objects.create(
        case=popova["public"],
        edition="public",
        language="en",
        state="ready",
        progress=100,
        content_hash="b" * 64,
        document=pdf,
    )
    html = client.get(reverse("web:dossier_progress", args=["popova-v-moscow", dossier.pk])).content.decode()
    assert f'href="/api/v1/documents/{pdf.pk}/file/"' in html
    assert "Download the PDF" in html
    assert "http-equiv" not in html
    assert "hx-get" not in html
    case_page = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert f'id="dossier-{dossier.pk}"' in case_page


def test_a_failed_dossier_says_why(client, popova):
    client.force_login(popova["lawyer"])
    dossier = Dossier.objects.create(
        case=popova["public"], edition="internal", language="en", state="failed", content_hash="b" * 64,
        error="The render stopped without finishing (worker lost).",
    )  # fmt: skip
    html = client.get(reverse("web:dossier_progress", args=["popova-v-moscow", dossier.pk])).content.decode()
    assert "The dossier could not be made. The render stopped without finishing (worker lost)." in html
    assert "hx-get" not in html


@pytest.mark.parametrize(
    ("data", "field"),
    [({"edition": "secret", "language": "en"}, "edition"), ({"edition": "public", "language": "de"}, "language")],
)
def test_a_bad_dossier_request_is_refused_next_to_its_field(client, popova, data, field):
    client.force_login(popova["lawyer"])
    page = client.post(reverse("web:dossier_generate", args=["popova-v-moscow"]), data)
    assert page.status_code == 400
    assert list(page.context["form"].errors) == [field]
    assert Dossier.objects.count() == 0


def test_an_outsider_gets_no_dossier_of_a_private_case(client, desk):
    client.force_login(desk["outsider"])
    page = client.post(
        reverse("web:dossier_generate", args=["secret-v-ministry"]), {"edition": "public", "language": "en"}
    )
    assert page.status_code == 404
    assert Dossier.objects.count() == 0


def test_an_outsider_cannot_watch_another_organizations_dossier(client, desk):
    dossier = Dossier.objects.create(case=desk["private"], edition="internal", language="en", content_hash="b" * 64)
    client.force_login(desk["outsider"])
    assert client.get(reverse("web:dossier_progress", args=["secret-v-ministry", dossier.pk])).status_code == 404


def test_dossier_progress_queries(client, popova, django_assert_num_queries):
    # session, user, the case, membership, the dossier with its document
    dossier = Dossier.objects.create(case=popova["public"], edition="internal", language="en", content_hash="b" * 64)
    client.force_login(popova["lawyer"])
    with django_assert_num_queries(5):
        assert client.get(reverse("web:dossier_progress", args=["popova-v-moscow", dossier.pk])).status_code == 200


def test_the_documents_and_dossier_blocks_speak_russian(client, popova):
    client.force_login(popova["lawyer"])
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    for text in ("Документы", "Загрузить документ", "Дата документа", "Досье (PDF)", "Сформировать досье",
                 "Внутреннее (всё, что известно организации)", "Доказательство"):  # fmt: skip
        assert text in html


def test_a_services_refusal_is_shown_in_russian(client, desk):
    client.force_login(desk["lawyer"])
    page = upload(client, slug="secret-v-ministry", is_public="on", headers={"accept-language": "ru"})
    assert page.status_code == 400
    assert page.context["form"].errors["is_public"] == [
        "У закрытого дела нет публичных документов; сначала сделайте дело публичным."
    ]
    assert Document.objects.count() == 0


def test_the_case_pages_forms_have_distinct_ids_so_each_label_names_its_own_input(client, popova):
    client.force_login(popova["lawyer"])
    html = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert 'for="document_date"' in html
    assert 'for="dossier_language"' in html
