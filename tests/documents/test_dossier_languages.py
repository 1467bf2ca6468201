"""A dossier reads the case's own words in the edition's language (real WeasyPrint output read
back with pypdf); a text only the other language has is marked with its `lang` and "(in Russian)"."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from actions import cases as case_actions
from actions import hearings as hearing_actions
from documents.dossier.content import dossier_content
from documents.dossier.render import dossier_html, dossier_pdf
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, CourtFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def popova():
    case = CaseFactory(
        title_en="Popova v. Moscow Police Department",
        title_ru="Попова против ГУ МВД по г. Москве",
        summary_ru="Алёна Попова оспаривает распознавание лиц на митинге.",  # no English summary yet
        claims_en="Declare the processing of biometric data unlawful.",  # no Russian claims yet
        original_language="ru",
        slug="popova",
    )
    PartyFactory(case=case, name_en="Alena Popova", name_ru="Алёна Попова", consent_to_publish=True)
    PartyFactory(
        case=case,
        role="defendant",
        kind="organization",
        name_en="Moscow Police Department",
        name_ru="ГУ МВД России по г. Москве",
    )
    court = CourtFactory(name_en="Savyolovsky District Court of Moscow", name_ru="Савёловский районный суд г. Москвы")
    hearing_actions.hearing_schedule(
        case=case, court=court, starts_at=dt.datetime(2019, 10, 21, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    )
    return case


def test_the_russian_dossier_reads_in_russian(popova):
    text = pdf_text(dossier_pdf(dossier_content(case=popova, edition="public", language="ru")))
    assert "Попова против ГУ МВД по г. Москве" in text
    assert "Алёна Попова" in text and "ГУ МВД России по г. Москве" in text
    assert "Савёловский районный суд г. Москвы" in text
    assert "Алёна Попова оспаривает распознавание лиц на митинге." in text
    assert "Popova" not in text.replace("popova", "")
    # the claims exist in English only: shown, and said to be in English
    assert "Declare the processing of biometric data unlawful. (на английском)" in text


def test_the_english_dossier_reads_in_english_with_the_russian_summary_marked(popova):
    content = dossier_content(case=popova, edition="public", language="en")
    text = pdf_text(dossier_pdf(content))
    assert "Popova v. Moscow Police Department" in text
    assert "Alena Popova" in text and "Savyolovsky District Court of Moscow" in text
    assert "Попова против" not in text and "Савёловский" not in text
    assert "Алёна Попова оспаривает распознавание лиц на митинге. (in Russian)" in text
    # and in the HTML the Russian words carry their own language for screen readers and hyphenation
    html = dossier_html(content)
    assert '<div lang="ru"><p>Алёна Попова оспаривает распознавание лиц на митинге.</p></div>' in html
    assert '<p class="lang-note">(in Russian)</p>' in html


def test_a_translation_changes_the_dossiers_content_hash(popova):
    before = dossier_content(case=popova, edition="public", language="en").content_hash()
    case_actions.case_update(case=popova, summary_en="Alena Popova challenges facial recognition at a rally.")
    popova.refresh_from_db()
    after = dossier_content(case=popova, edition="public", language="en")
    assert after.content_hash() != before
    assert after.case["summary"] == "Alena Popova challenges facial recognition at a rally."
    # the Russian edition is unchanged by an English edit
    assert dossier_content(case=popova, edition="public", language="ru").case["summary"] == (
        "Алёна Попова оспаривает распознавание лиц на митинге."
    )


def test_the_public_edition_hides_an_unconsenting_name_in_either_language(popova):
    PartyFactory(
        case=popova,
        role="third_party",
        name_en="Ivan Petrov",
        name_ru="Иван Петров",
        alias_en="Witness P.",
        alias_ru="Свидетель П.",
        consent_to_publish=False,
    )
    popova.summary_ru = "Иван Петров видел камеры; Ivan Petrov подтвердил."
    popova.save()
    text = pdf_text(dossier_pdf(dossier_content(case=popova, edition="public", language="ru")))
    assert "Петров" not in text and "Petrov" not in text
    assert "Свидетель П. видел камеры; Свидетель П. подтвердил." in text
