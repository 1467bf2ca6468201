"""A person's rights: `party_export` prints everything held about them, `party_erase`
anonymises them and their history (cases/people.py)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import services
from cases.models import Party
from changes.models import Change
from tests.factories import AppealFactory, CaseFactory, PartyFactory, RulingFactory, UserFactory


@pytest.fixture
def anna(db):
    """Anna Popova, a party in two cases (one with contacts and notes, edited once), with a
    lawyer representing her and an appeal she brought; and someone else."""
    first = CaseFactory(slug="first")
    second = CaseFactory(slug="second", organization=first.organization)
    in_first = PartyFactory(
        case=first,
        name="Anna Popova",
        contact_email="anna@example.org",
        contact_phone="+7 900",
        notes="met at the picket",
    )
    services.party_update(party=in_first, actor=UserFactory(username="editor"), contact_address="Tverskaya 1")
    in_second = PartyFactory(case=second, name_en="Anna Popova", name_ru="Анна Попова")
    lawyer = PartyFactory(case=first, name="Counsel", role=Party.Role.REPRESENTATIVE, represents=in_first)
    appeal = AppealFactory(ruling=RulingFactory(case=first), appellant=in_first)
    other = PartyFactory(case=first, name="Someone Else", contact_email="else@example.org")
    return {"first": in_first, "second": in_second, "lawyer": lawyer, "appeal": appeal, "other": other}


def export(*args: str) -> dict:
    out = io.StringIO()
    call_command("party_export", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_export_by_name_finds_the_person_in_every_case_and_language(anna):
    data = export("--name", "anna popova")
    assert [r["party"]["id"] for r in data["records"]] == [anna["first"].pk, anna["second"].pk]
    assert [r["party"]["id"] for r in export("--name", "анна попова")["records"]] == [anna["second"].pk]
    first = data["records"][0]
    assert first["party"]["contact_email"] == "anna@example.org"
    assert first["party"]["contact_address"] == "Tverskaya 1"
    assert first["party"]["notes"] == "met at the picket"
    assert first["case"]["slug"] == "first"
    assert first["represented_by"] == [{"id": anna["lawyer"].pk, "name": "Counsel", "kind": "person"}]
    assert [a["id"] for a in first["appeals_brought"]] == [anna["appeal"].pk]
    assert [(h["history_type"], h["contact_address"], h["history_user"]) for h in first["history"]] == [
        ("+", "", None),
        ("~", "Tverskaya 1", "editor"),
    ]


@pytest.mark.django_db
def test_export_by_id_within_a_case_and_to_a_file(anna, tmp_path):
    assert [r["party"]["id"] for r in export(str(anna["first"].pk))["records"]] == [anna["first"].pk]
    assert [r["party"]["id"] for r in export("--name", "Anna Popova", "--case", "second")["records"]] == [
        anna["second"].pk
    ]
    target = tmp_path / "anna.json"
    call_command("party_export", str(anna["first"].pk), "--out", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text())["records"][0]["party"]["name"] == "Anna Popova"
    with pytest.raises(CommandError, match="Cannot write .*: File exists"):
        call_command("party_export", str(anna["first"].pk), "--out", str(target))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give party ids or --name."),
        (("--name", "  "), "Give party ids or --name."),
        (("--name", "Nobody Here"), "No party record matches"),
        (("999999",), "No party record matches"),
    ],
)
def test_export_and_erase_say_what_is_wrong_with_the_input(anna, args, message):
    for command in ("party_export", "party_erase"):
        with pytest.raises(CommandError, match=message):
            call_command(command, *args)


@pytest.mark.django_db
def test_a_missing_id_among_found_ones_is_named_and_nothing_is_done(anna):
    with pytest.raises(CommandError, match="No party record with id 999999: nothing was done."):
        call_command("party_erase", str(anna["first"].pk), "999999", "--yes")
    assert Party.objects.get(pk=anna["first"].pk).name == "Anna Popova"


def test_a_non_numeric_id_is_refused_by_the_parser():
    from django.core.management import CommandParser  # noqa: F401

    with pytest.raises(CommandError, match="invalid int value: 'anna'"):
        call_command("party_export", "anna")


@pytest.mark.django_db
def test_erase_without_yes_only_lists(anna):
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"Nothing erased: 2 party record\(s\) listed above; run again with --yes"):
        call_command("party_erase", "--name", "Anna Popova", stdout=out)
    assert f"party {anna['first'].pk}: Anna Popova" in out.getvalue()
    assert Party.objects.filter(name_en="Anna Popova").count() == 2


@pytest.mark.django_db
def test_erase_anonymises_the_records_and_their_history_and_tells_the_replicas(anna):
    changes_before = Change.objects.filter(object_type="party", object_id=anna["first"].pk).count()
    out = io.StringIO()
    call_command("party_erase", "--name", "Anna Popova", "--yes", stdout=out)
    assert out.getvalue().endswith("Erased 2 party record(s) and their history.\n")

    party = Party.objects.get(pk=anna["first"].pk)
    placeholder = f"Erased person {party.pk}"
    assert (party.name_en, party.name_ru, party.alias_en, party.consent_to_publish) == (
        placeholder,
        placeholder,
        placeholder,
        False,
    )
    assert (party.contact_email, party.contact_phone, party.contact_address, party.notes) == ("", "", "", "")
    for row in party.history.all():
        assert (row.name, row.alias, row.contact_email, row.contact_address, row.notes) == (
            placeholder,
            placeholder,
            "",
            "",
            "",
        )
    # the sync feed (and so the webhooks) carries the erasure
    assert Change.objects.filter(object_type="party", object_id=party.pk).count() >= changes_before
    assert Party.objects.get(pk=anna["first"].pk).version == anna["first"].version + 2
    # others are untouched, and the export now holds nothing of her
    assert Party.objects.get(pk=anna["other"].pk).contact_email == "else@example.org"
    text = json.dumps(export(str(party.pk)), ensure_ascii=False)
    assert "Anna" not in text and "anna@example.org" not in text and "Tverskaya" not in text
