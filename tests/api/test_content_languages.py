"""Case content in the request's language: `?lang=` or Accept-Language, a fallback to the
original language, every language in `translations`, writes in either form, and a 400 for an
unknown language code. Both the serializers' path (detail) and PostgreSQL's (list) are read."""

import pytest

from cases.models import Case, Court, Party
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, CourtFactory, PartyFactory, RulingFactory

pytestmark = pytest.mark.django_db

POPOVA_RU = "Попова против ГУ МВД по г. Москве"
POPOVA_EN = "Popova v. Moscow Police Department"


@pytest.fixture
def popova(case):
    popova = CaseFactory(
        organization=case.organization,
        title_en=POPOVA_EN,
        title_ru=POPOVA_RU,
        summary_ru="Оспаривание распознавания лиц в метро.",
        summary_en="",
        original_language="ru",
    )
    PartyFactory(case=popova, name_ru="Алёна Попова", name_en="Alena Popova", consent_to_publish=True)
    return popova


def _case_in(items, pk):
    return next(item for item in items if item["id"] == pk)


@pytest.mark.parametrize("path", ["detail", "list"])
def test_reads_give_the_request_language_with_fallback_and_every_translation(api, popova, path):
    url = f"/api/v1/cases/{popova.pk}/" if path == "detail" else "/api/v1/cases/"

    def read(**kwargs):
        response = api.get(url, **kwargs)
        assert response.status_code == 200
        body = response.json()
        return (body if path == "detail" else _case_in(body["results"], popova.pk)), response

    # Russian by Accept-Language
    ru, response = read(HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert ru["title"] == POPOVA_RU
    assert ru["summary"] == "Оспаривание распознавания лиц в метро."
    assert response["Content-Language"] == "ru"
    # English by ?lang=, which wins over the header; the summary has no English: the Russian original
    en, response = read(data={"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert en["title"] == POPOVA_EN
    assert en["summary"] == "Оспаривание распознавания лиц в метро."
    assert response["Content-Language"] == "en"
    # and every language is in `translations`, null where missing
    for body in (ru, en):
        assert body["original_language"] == "ru"
        assert body["translations"]["title"] == {"en": POPOVA_EN, "ru": POPOVA_RU}
        assert body["translations"]["summary"] == {"en": None, "ru": "Оспаривание распознавания лиц в метро."}
        assert body["translations"]["claims"] == {"en": None, "ru": None}
        assert set(body["translations"]) == {"title", "summary", "claims", "legal_basis"}


def test_detail_parties_are_in_the_request_language(api, popova):
    parties = api.get(f"/api/v1/cases/{popova.pk}/?lang=ru").json()["parties"]
    assert [p["name"] for p in parties] == ["Алёна Попова"]
    assert parties[0]["translations"]["name"] == {"en": "Alena Popova", "ru": "Алёна Попова"}


def test_outsiders_get_the_alias_in_every_language_never_the_name(api, case):
    party = PartyFactory(
        case=case,
        name_en="Alena Popova",
        name_ru="Алёна Попова",
        alias_en="Plaintiff A.",
        alias_ru="Истица А.",
        consent_to_publish=False,
    )
    for url in (f"/api/v1/parties/{party.pk}/?lang=ru", f"/api/v1/cases/{case.pk}/?lang=ru"):
        text = api.get(url).content.decode()
        assert "Попова" not in text and "Popova" not in text
    body = api.get(f"/api/v1/parties/{party.pk}/?lang=ru").json()
    assert body["name"] == body["public_name"] == "Истица А."
    assert body["translations"]["name"] == {"en": "Plaintiff A.", "ru": "Истица А."}


def test_a_round_trip_in_both_languages(lawyer, case):
    client = client_with_token(lawyer)
    # given a case written in Russian, with plain fields and ?lang=ru
    created = client.post(
        "/api/v1/cases/?lang=ru",
        {"organization": case.organization.slug, "title": POPOVA_RU, "summary": "Распознавание лиц."},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["title"] == POPOVA_RU and body["original_language"] == "ru"
    assert body["slug"] == "popova-protiv-gu-mvd-po-g-moskve"  # transliterated
    stored = Case.objects.get(pk=body["id"])
    assert (stored.title_ru, stored.title_en, stored.version) == (POPOVA_RU, None, 1)
    # when the English translation is added with plain fields in English
    patched = client.patch(
        f"/api/v1/cases/{stored.pk}/",
        {"title": POPOVA_EN, "summary": "Facial recognition."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert patched.status_code == 200, patched.json()
    # then each language reads its own, the Russian text is untouched, and the version moved on
    stored.refresh_from_db()
    assert (stored.title_ru, stored.title_en, stored.original_language) == (POPOVA_RU, POPOVA_EN, "ru")
    assert stored.version == 2 and patched.json()["version"] == 2
    assert client.get(f"/api/v1/cases/{stored.pk}/?lang=en").json()["summary"] == "Facial recognition."
    assert client.get(f"/api/v1/cases/{stored.pk}/?lang=ru").json()["summary"] == "Распознавание лиц."


def test_writes_accept_translations_for_several_languages_at_once(lawyer, case):
    client = client_with_token(lawyer)
    response = client.post(
        "/api/v1/cases/",
        {
            "organization": case.organization.slug,
            "slug": "popova",
            "translations": {"title": {"ru": POPOVA_RU, "en": POPOVA_EN}, "claims": {"ru": "Признать незаконным."}},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    stored = Case.objects.get(pk=response.json()["id"])
    assert (stored.title_en, stored.title_ru, stored.claims_ru) == (POPOVA_EN, POPOVA_RU, "Признать незаконным.")
    # a translation removed with null, the other language left as it was
    response = client.patch(f"/api/v1/cases/{stored.pk}/", {"translations": {"claims": {"ru": None}}}, format="json")
    assert response.status_code == 200
    stored.refresh_from_db()
    assert (stored.claims_ru, stored.title_ru, stored.version) == ("", POPOVA_RU, 2)


def test_a_court_and_a_party_written_in_russian_only(lawyer, case):
    client = client_with_token(lawyer)
    response = client.post(
        "/api/v1/parties/",
        {
            "case": case.pk,
            "role": "plaintiff",
            "translations": {"name": {"ru": "Алёна Попова"}},
            "consent_to_publish": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    party = Party.objects.get(pk=response.json()["id"])
    # written in one language only: that is its original, whatever the request's language
    assert (party.name_ru, party.original_language) == ("Алёна Попова", "ru")
    assert client.get(f"/api/v1/parties/{party.pk}/?lang=en").json()["name"] == "Алёна Попова"


@pytest.mark.parametrize(
    ("request_kwargs", "field", "message"),
    [
        ({"path": "/api/v1/cases/?lang=xx"}, "lang", 'Unknown language "xx": use one of en, ru.'),
        (
            {"path": "/api/v1/cases/", "data": {"translations": {"title": {"xx": "Popova"}}}},
            "translations",
            'title.xx: Unknown language "xx": use one of en, ru.',
        ),
        (
            {"path": "/api/v1/cases/", "data": {"translations": {"notes": {"en": "strategy"}}}},
            "translations",
            "notes: not a translated field here; these are: claims, legal_basis, summary, title.",
        ),
        (
            {"path": "/api/v1/cases/", "data": {"translations": {"title": "Popova"}}},
            "translations",
            "title: give an object {language: text}.",
        ),
        (
            {"path": "/api/v1/cases/", "data": {"translations": {"title": {"en": ""}}}},
            "title",
            "This field is required (in at least one language).",
        ),
        (
            {"path": "/api/v1/cases/", "data": {"title": "Popova", "translations": {"title": {"en": "Other"}}}},
            "title",
            "Differs from translations.title.en; give the text once.",
        ),
        (
            {"path": "/api/v1/cases/", "data": {"title": "Popova", "original_language": "xx"}},
            "original_language",
            '"xx" is not a valid choice.',
        ),
    ],
)
def test_unknown_language_codes_and_bad_translations_are_400_and_write_nothing(
    lawyer, case, request_kwargs, field, message
):
    client = client_with_token(lawyer)
    before = Case.objects.count()
    data = request_kwargs.get("data")
    if data is None:
        response = client.get(request_kwargs["path"])
    else:
        response = client.post(request_kwargs["path"], {"organization": case.organization.slug, **data}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields[field] == [message]
    assert Case.objects.count() == before


def test_an_unknown_lang_is_400_on_every_resource_and_the_feed(api, case):
    for path in ("/api/v1/courts/", f"/api/v1/cases/{case.pk}/", "/api/v1/parties/", "/api/v1/changes/"):
        response = api.get(path, {"lang": "klingon"})
        assert response.status_code == 400, path
        assert response.json()["error"]["fields"]["lang"] == ['Unknown language "klingon": use one of en, ru.']


def test_the_schema_documents_lang_and_translations(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/cases/{id}/"]["get"]["parameters"]}
    assert parameters["lang"]["schema"]["enum"] == ["en", "ru"]
    assert "Accept-Language" in parameters
    components = schema["components"]["schemas"]
    assert set(components["CaseTranslations"]["properties"]) == {"title", "summary", "claims", "legal_basis"}
    assert set(components["LanguageTexts"]["properties"]) == {"en", "ru"}
    assert "translations" in components["Case"]["properties"]
    assert "lang" in {p["name"] for p in schema["paths"]["/api/v1/changes/"]["get"]["parameters"]}


def test_court_names_in_both_languages(api):
    court = CourtFactory(name_en="Savyolovsky District Court of Moscow", name_ru="Савёловский районный суд г. Москвы")
    assert api.get(f"/api/v1/courts/{court.pk}/?lang=ru").json()["name"] == "Савёловский районный суд г. Москвы"
    listed = api.get("/api/v1/courts/?lang=en").json()["results"]
    assert [c["name"] for c in listed if c["id"] == court.pk] == ["Savyolovsky District Court of Moscow"]
    assert Court.objects.get(pk=court.pk).name_ru.startswith("Савёловский")


def test_an_appeal_is_filed_with_its_grounds_in_russian(lawyer, case, court, appeal_court):
    client = client_with_token(lawyer)
    ruling = RulingFactory(case=case, court=court)
    response = client.post(
        "/api/v1/appeals/?lang=ru",
        {
            "case": case.pk,
            "ruling": ruling.pk,
            "court": appeal_court.pk,
            "kind": "appeal",
            "status": "filed",
            "filed_on": "2020-04-01",
            "grounds": "Суд не оценил законность обработки биометрии.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["translations"]["grounds"] == {"en": None, "ru": "Суд не оценил законность обработки биометрии."}
    assert body["original_language"] == "ru"
    english = client.get(f"/api/v1/appeals/{body['id']}/?lang=en").json()
    assert english["grounds"] == "Суд не оценил законность обработки биометрии."  # the original, until translated


def test_each_language_has_its_own_etag_and_caches_are_told_to_vary(api, popova):
    url = f"/api/v1/cases/{popova.pk}/"
    ru, en = api.get(url, HTTP_ACCEPT_LANGUAGE="ru"), api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert ru["ETag"] != en["ETag"]
    assert "Accept-Language" in ru["Vary"]
    # a copy in one language is not "unchanged" for a reader of the other
    assert api.get(url, HTTP_ACCEPT_LANGUAGE="ru", HTTP_IF_NONE_MATCH=ru["ETag"]).status_code == 304
    assert api.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=ru["ETag"]).status_code == 200
