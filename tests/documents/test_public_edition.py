"""The public edition leaves out everything private; the internal edition has it all.
Checked on the text extracted from the real PDF."""

import io

import pytest

from actions import hearings as hearing_actions
from cases.models import CaseEvent, Party
from documents import services
from documents.dossier.content import dossier_content
from documents.dossier.render import dossier_pdf
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, HearingFactory, PartyFactory, RulingFactory

PRIVATE_VALUES = {
    "name of the party without consent": "Marfa Sekretova",
    "email": "marfa.private@example.org",
    "phone": "+7 916 000-11-22",
    "address": "Kutuzovsky prospekt 12, flat 34",
    "party notes": "Fears reprisals at work",
    "case notes": "Strategy: settle if the court asks",
    "hearing notes": "Judge seemed hostile",
    "ruling notes": "Consider complaint about judge",
    "appeal-free private event": "Meeting with the witness at the safe flat",
    "private document title": "Medical certificate of the plaintiff",
    "document notes": "Original kept in the office safe",
}


@pytest.fixture
def sensitive_case(db):
    case = CaseFactory(
        title="Marfa Sekretova v. City",
        summary="Marfa Sekretova was filmed at a rally.",
        notes=PRIVATE_VALUES["case notes"],
        sources="Court website",
    )
    PartyFactory(
        case=case,
        role=Party.Role.PLAINTIFF,
        name="Marfa Sekretova",
        alias="Applicant M.",
        consent_to_publish=False,
        description="Teacher",
        contact_email=PRIVATE_VALUES["email"],
        contact_phone=PRIVATE_VALUES["phone"],
        contact_address=PRIVATE_VALUES["address"],
        notes=PRIVATE_VALUES["party notes"],
    )
    HearingFactory(case=case, notes=PRIVATE_VALUES["hearing notes"], outcome_notes="Heard both sides.", status="held")
    RulingFactory(case=case, notes=PRIVATE_VALUES["ruling notes"], summary="Claim dismissed.")
    CaseEvent.objects.create(
        case=case, occurred_on="2019-09-01", title=PRIVATE_VALUES["appeal-free private event"], is_public=False
    )
    CaseEvent.objects.create(case=case, occurred_on="2019-08-29", title="Rally on Sakharov Avenue", is_public=True)
    services.document_add(
        case=case,
        title=PRIVATE_VALUES["private document title"],
        file=io.BytesIO(b"%PDF-1.7 private"),
        filename="certificate.pdf",
        is_public=False,
        notes=PRIVATE_VALUES["document notes"],
    )
    services.document_add(
        case=case, title="Statement of claim", file=io.BytesIO(b"claim text"), filename="claim.txt", is_public=True
    )
    return case


def test_public_edition_has_no_private_value_and_uses_the_alias(sensitive_case):
    # when the public edition is rendered
    text = pdf_text(dossier_pdf(dossier_content(case=sensitive_case, edition="public", language="en")))

    # then no private value appears anywhere, in any form the extraction gives
    for what, value in PRIVATE_VALUES.items():
        assert value.lower() not in text.lower(), what
    # and the party (also where the title and summary name her) appears by alias
    assert "Applicant M. v. City" in text
    assert "Applicant M. was filmed at a rally." in text
    assert "Plaintiff / applicant Applicant M. ALIAS Teacher" in text
    # and the public facts are there
    for public in ("Rally on Sakharov Avenue", "Statement of claim", "Heard both sides.", "Court website"):
        assert public in text, public


def test_internal_edition_has_every_value(sensitive_case):
    # the same extraction finds every private value in the internal edition: the absence
    # above is not an artefact of the extraction
    text = pdf_text(dossier_pdf(dossier_content(case=sensitive_case, edition="internal", language="en")))

    for what, value in PRIVATE_VALUES.items():
        assert value in text, what
    assert "No consent to publication: public editions use the alias" in text


def test_alias_is_inserted_literally_and_the_name_is_replaced_in_any_case(db):
    case = CaseFactory(title="IVAN PETROV v. City", summary="ivan petrov was filmed; Ivan Petrov complained.")
    PartyFactory(case=case, name="Ivan Petrov", alias=r"Applicant \1 P.", consent_to_publish=False)

    content = dossier_content(case=case, edition="public", language="en")

    assert content.case["title"] == r"Applicant \1 P. v. City"
    assert content.case["summary"] == r"Applicant \1 P. was filmed; Applicant \1 P. complained."
    assert content.parties["plaintiffs"][0]["name"] == r"Applicant \1 P."


@pytest.mark.parametrize(("language", "alias"), [("en", "Witness A"), ("ru", "Свидетель А")])
def test_public_edition_names_a_hidden_party_in_no_word_form(db, language, alias):
    # given a case whose texts name Ivan Petrov in both languages and several Russian cases
    # ("Петров", "Петрова", "Петрову", "Ивана Петрова", "Петров И. И.", English "Petrov")
    from tests.factories import HIDDEN_NAME_STEMS, case_naming_hidden_party

    case, _party = case_naming_hidden_party()
    hearing = case.hearings.get(starts_at__year=2031)
    hearing_actions.hearing_postpone(hearing=hearing, reason="Petrov is in hospital")  # private by default

    # when the public edition is rendered, its text read back from the PDF
    text = pdf_text(dossier_pdf(dossier_content(case=case, edition="public", language=language)))

    # then no form of the name is there, the alias is, and the private reason is not
    assert [stem for stem in HIDDEN_NAME_STEMS if stem in text.lower()] == []
    assert text.count(alias) >= 5
    assert "in hospital" not in text
    # while the internal edition keeps them all
    internal = pdf_text(dossier_pdf(dossier_content(case=case, edition="internal", language=language)))
    assert "Petrov is in hospital" in internal
    assert "petrov" in internal.lower() if language == "en" else "петров" in internal.lower()
