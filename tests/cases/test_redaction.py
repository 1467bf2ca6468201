"""The rule of every public surface (cases/redaction.py): a party without consent is read by the
alias wherever public text names them, in either language and any Russian word form."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from actions import cases as case_actions
from cases import selectors, services
from cases.models import Case, Party
from cases.redaction import HiddenName, Redactor, hidden_name_warnings, hidden_names_shown
from tests.factories import CaseFactory, OrganizationFactory, PartyFactory, case_naming_hidden_party

PETROV = Redactor([HiddenName(1, ("Ivan Petrov", "Иван Петров"), {"en": "Witness A", "ru": "Свидетель А"})])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Петров против России", "Свидетель А против России"),
        ("иск Петрова к МВД", "иск Свидетель А к МВД"),
        ("Суд отказал Петрову.", "Суд отказал Свидетель А."),
        ("Ивана Петрова сняли на митинге", "Свидетель А сняли на митинге"),
        ("Петровым заинтересовалась полиция", "Свидетель А заинтересовалась полиция"),
        ("Петров И. И. просит", "Свидетель А просит"),
        ("И.И. Петров просит", "Свидетель А просит"),
        ("ПЕТРОВУ отказали", "Свидетель А отказали"),
        ("Петровой (his wife) too", "Свидетель А (his wife) too"),
    ],
)
def test_russian_word_forms_of_the_name_read_as_the_alias(text, expected):
    assert PETROV(text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Petrov v. Russia", "Witness A v. Russia"),
        ("Ivan Petrov was filmed", "Witness A was filmed"),
        ("Petrov's face", "Witness A's face"),
        ("petrov and PETROV", "Witness A and Witness A"),
    ],
)
def test_the_english_name_reads_as_the_english_alias(text, expected):
    assert PETROV(text, "en") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Петровка, 38 и Петровский парк",  # other words that start with the surname
        "Petrovsky Boulevard",
        "Иван пришёл один",  # a given name alone names nobody in particular
        "Witness A and Свидетель А",  # the alias itself
    ],
)
def test_other_words_and_the_alias_are_left_alone(text):
    assert PETROV(text, "en") == text


def test_a_cyrillic_name_is_found_in_its_latin_transliteration_and_other_gender():
    redactor = Redactor([HiddenName(1, ("Алёна Попова",), {"en": "Applicant P."})])
    assert redactor("Alena Popova and Popov; Алёне Поповой; Алена Попова", "en") == (
        "Applicant P. and Applicant P.; Applicant P.; Applicant P."
    )


def test_fleeting_vowels_and_adjectival_surnames_decline():
    redactor = Redactor([HiddenName(1, ("Павел Навальный",), {"ru": "Заявитель Н."})])
    assert redactor("Павла Навального и Навальная", "ru") == "Заявитель Н. и Заявитель Н."


def test_a_slug_made_from_a_title_naming_a_party_is_made_again_when_the_party_is_hidden(db):
    # given a case whose URL was made from its title, before any party was added
    case = services.case_create(organization=OrganizationFactory(), title="Ivan Petrov v. Russia", is_public=True)
    assert case.slug == "ivan-petrov-v-russia"
    # when the lawyer adds Ivan Petrov without consent to publication
    services.party_add(
        case=case, role=Party.Role.PLAINTIFF, name="Ivan Petrov", alias="Witness A", consent_to_publish=False
    )
    # then the URL is made from the title as outsiders read it, and the old one is gone
    case.refresh_from_db()
    assert case.slug == "witness-a-v-russia"
    assert not Case.objects.filter(slug="ivan-petrov-v-russia").exists()
    # and a party with consent leaves it alone
    services.party_add(case=case, role=Party.Role.DEFENDANT, name="Russia", consent_to_publish=True)
    case.refresh_from_db()
    assert case.slug == "witness-a-v-russia"


def test_a_private_case_keeps_its_url_until_it_is_made_public(db):
    case = services.case_create(organization=OrganizationFactory(), title="Ivan Petrov v. Russia", is_public=False)
    services.party_add(case=case, role="plaintiff", name="Ivan Petrov", alias="Witness A", consent_to_publish=False)
    case.refresh_from_db()
    assert case.slug == "ivan-petrov-v-russia"  # nobody outside the organization reads it
    case_actions.case_update(case=case, is_public=True)
    case.refresh_from_db()
    assert case.slug == "witness-a-v-russia"


def test_a_russian_title_makes_a_slug_without_the_transliterated_name(db):
    case = services.case_create(
        organization=OrganizationFactory(), title_ru="Петров против России", title="", is_public=True
    )
    assert case.slug == "petrov-protiv-rossii"
    services.party_add(case=case, role="plaintiff", name_ru="Иван Петров", alias_ru="Свидетель А")
    case.refresh_from_db()
    assert case.slug == "svidetel-a-protiv-rossii"


def test_a_second_case_gets_a_numbered_slug(db):
    organization = OrganizationFactory()
    first = services.case_create(organization=organization, title="Witness A v. Russia")
    second = services.case_create(organization=organization, title="Witness A v. Russia")
    assert (first.slug, second.slug) == ("witness-a-v-russia", "witness-a-v-russia-2")


@pytest.mark.parametrize("words", ["Петрову", "Петрова", "Петров", "Petrov", "Ивана Петрова", "Petrov Russia"])
def test_anonymous_search_does_not_find_a_case_by_its_hidden_name(db, words):
    case, _party = case_naming_hidden_party()
    found = selectors.cases_matching(Case.objects.all(), words, public_names_only=True)
    assert list(found) == []
    # while the alias and the case's other words still find it
    assert list(selectors.cases_matching(Case.objects.all(), "Witness", public_names_only=True)) == [case]
    assert list(selectors.cases_matching(Case.objects.all(), "Russia", public_names_only=True)) == [case]


def test_members_search_finds_their_own_case_by_the_name(db):
    case, _party = case_naming_hidden_party()
    own = selectors.cases_matching(
        Case.objects.all(), "Петрову", public_names_only=True, member_organizations={case.organization_id}
    )
    assert list(own) == [case]


def test_the_sqlite_search_excludes_the_hidden_name_by_its_word_forms(db, monkeypatch):
    # SQLite (a first `make run`) has no stemmer: "Петрову" is no substring of "Иван Петров"
    case, _party = case_naming_hidden_party()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert list(selectors._cases_naming_hidden_party("Петрову")) == [case]
    assert list(selectors._cases_naming_hidden_party("Petrov")) == [case]
    assert list(selectors._cases_naming_hidden_party("Russia")) == []


def test_the_lawyer_is_told_which_hidden_names_the_public_text_shows(db):
    case, party = case_naming_hidden_party()
    PartyFactory(case=case, name="Olga Hidden", alias="Witness B", consent_to_publish=False)
    assert [p.party_id for p in hidden_names_shown(case=case)] == [party.pk]
    assert hidden_name_warnings(case=case) == [
        "This case's public text names Ivan Petrov, who has not consented to publication: "
        "outsiders read “Witness A” there instead. Check that this is what you meant."
    ]
    # a private case is never read by outsiders: nothing to warn of
    case.is_public = False
    assert hidden_name_warnings(case=case) == []


def test_a_case_without_hidden_parties_warns_of_nothing(db):
    case = CaseFactory(title="Petrov v. Russia")
    PartyFactory(case=case, name="Ivan Petrov", consent_to_publish=True)
    assert hidden_names_shown(case=case) == []


def test_the_command_makes_again_the_urls_that_name_a_hidden_party(db, client):
    # given a case made before this rule: its URL names a party without consent
    case = CaseFactory(title="Ivan Petrov v. Russia", slug="ivan-petrov-v-russia")
    PartyFactory(case=case, name="Ivan Petrov", alias="Witness A", consent_to_publish=False)
    untouched = CaseFactory(title="Popova v. Moscow", slug="popova-v-moscow")
    out = io.StringIO()

    call_command("slugs_hide_names", stdout=out)

    case.refresh_from_db()
    untouched.refresh_from_db()
    assert (case.slug, untouched.slug) == ("witness-a-v-russia", "popova-v-moscow")
    assert out.getvalue().splitlines() == [
        "ivan-petrov-v-russia -> witness-a-v-russia",
        "1 case URL(s) changed; the old addresses answer 404, with no redirect.",
    ]
    assert client.get("/public/ivan-petrov-v-russia/").status_code == 404
    assert client.get("/public/witness-a-v-russia/").status_code == 200
    # and a second run changes nothing
    call_command("slugs_hide_names", stdout=io.StringIO())
    case.refresh_from_db()
    assert case.slug == "witness-a-v-russia"
