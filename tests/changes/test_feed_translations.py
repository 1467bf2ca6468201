"""The sync feed carries every language of a record's translated fields, and an edit of one
translation alone is an upsert with a new version (real, committed transactions)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from actions import cases as case_actions
from cases import services
from changes.models import Change
from tests.changes.test_feed import sync

pytestmark = pytest.mark.django_db(transaction=True)


def _item(page, type_name, pk):
    (item,) = [i for i in page["results"] if (i["type"], i["id"]) == (type_name, pk)]
    return item


@pytest.fixture
def court():
    return services.court_create(
        name_ru="Савёловский районный суд г. Москвы",
        name_en="Savyolovsky District Court of Moscow",
        original_language="ru",
        jurisdiction="ru",
        level="first_instance",
        time_zone="Europe/Moscow",
    )


def test_the_feed_carries_translations_and_a_translation_edit_is_a_new_version(org, court):
    client = APIClient()
    # given a case written in Russian, with a Russian court and a party
    case = services.case_create(
        organization=org,
        title_ru="Попова против ГУ МВД",
        summary_ru="Распознавание лиц.",
        original_language="ru",
        slug="popova",
        is_public=True,
        status="filed",
        filed_on=dt.date(2019, 10, 2),
    )
    party = services.party_add(case=case, role="plaintiff", name_ru="Алёна Попова", consent_to_publish=True)
    first = sync(client)
    # then the feed carries every language, the plain fields in the request's language
    item = _item(first, "case", case.pk)
    assert (item["op"], item["version"]) == ("upsert", 1)
    assert item["data"]["translations"]["title"] == {"en": None, "ru": "Попова против ГУ МВД"}
    assert item["data"]["title"] == "Попова против ГУ МВД"  # no English yet: the original
    assert item["data"]["original_language"] == "ru"
    assert _item(first, "court", court.pk)["data"]["translations"]["name"] == {
        "en": "Savyolovsky District Court of Moscow",
        "ru": "Савёловский районный суд г. Москвы",
    }
    assert _item(first, "party", party.pk)["data"]["translations"]["name"]["ru"] == "Алёна Попова"

    # when only the English translation of the title is added
    changes_before = Change.objects.filter(object_type="case", object_id=case.pk).count()
    case_actions.case_update(case=case, title_en="Popova v. Moscow Police", expected_version=1)
    # then the service logged a change and bumped the version
    assert Change.objects.filter(object_type="case", object_id=case.pk).count() == changes_before + 1
    page = sync(client, since=first["next"])
    # and the feed has exactly that upsert, with the new version and both languages
    assert [(i["type"], i["id"]) for i in page["results"]] == [("case", case.pk)]
    item = page["results"][0]
    assert (item["op"], item["version"]) == ("upsert", 2)
    assert item["data"]["title"] == "Popova v. Moscow Police"
    assert item["data"]["translations"]["title"] == {"en": "Popova v. Moscow Police", "ru": "Попова против ГУ МВД"}


def test_the_feed_reads_plain_fields_in_the_language_asked(org, court):
    client = APIClient()
    sync(client)  # the court is past the feed's horizon now
    ru = client.get("/api/v1/changes/?limit=1000&lang=ru", HTTP_ACCEPT_LANGUAGE="en")
    en = client.get("/api/v1/changes/?limit=1000", HTTP_ACCEPT_LANGUAGE="en")
    assert ru.status_code == en.status_code == 200
    assert ru["Content-Language"] == "ru"
    ru_names = [i["data"]["name"] for i in ru.json()["results"] if (i["type"], i["id"]) == ("court", court.pk)]
    en_names = [i["data"]["name"] for i in en.json()["results"] if (i["type"], i["id"]) == ("court", court.pk)]
    assert ru_names == ["Савёловский районный суд г. Москвы"]
    assert en_names == ["Savyolovsky District Court of Moscow"]
