"""Private fields sealed at rest (tracker/crypto.py, tracker/fields.py): what the columns hold,
what SQL may ask of them, key rotation, the data migrations' sealing, and a pg_dump."""

import datetime as dt
import json
import os
import re
import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Appeal, Case, Hearing, Party, Ruling
from documents.models import Document
from reminders.models import Subscription, subscriber_email_hash
from tests.factories import (
    AppealFactory,
    CaseFactory,
    HearingFactory,
    PartyFactory,
    RulingFactory,
    SubscriptionFactory,
    UserFactory,
)
from tracker import crypto
from tracker.sealing import seal_model_columns
from webhooks.models import Endpoint, EndpointSecret


def raw(table: str, column: str, pk: int, key: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{key}" = %s', [pk])  # noqa: S608 (test names)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_party_contacts_and_notes_are_tokens_in_the_table_and_text_in_python():
    # given a party with contact details and notes
    party = PartyFactory(
        contact_email="anna@example.org", contact_phone="+7 900 000-00-00", contact_address="Moscow", notes="Source"
    )

    # then the columns hold Fernet tokens, the model the text, and the history rows tokens too
    for column, text in (
        ("contact_email", "anna@example.org"),
        ("contact_phone", "+7 900 000-00-00"),
        ("contact_address", "Moscow"),
        ("notes", "Source"),
    ):
        stored = raw("cases_party", column, party.pk)
        assert stored.startswith("gAAAAA") and text not in stored
        assert crypto.decrypt(stored) == text
        history_id = party.history.latest().history_id
        assert raw("cases_historicalparty", column, history_id, key="history_id").startswith("gAAAAA")
    fresh = Party.objects.get(pk=party.pk)
    assert (fresh.contact_email, fresh.contact_phone, fresh.contact_address, fresh.notes) == (
        "anna@example.org",
        "+7 900 000-00-00",
        "Moscow",
        "Source",
    )
    assert Party.objects.filter(pk=party.pk).values_list("contact_email", flat=True).get() == "anna@example.org"


@pytest.mark.django_db
def test_an_empty_private_field_stays_empty_and_can_be_compared_with_the_empty_string():
    party = PartyFactory(contact_email="")
    assert raw("cases_party", "contact_email", party.pk) == ""
    assert list(Party.objects.filter(contact_email="")) == [party]
    assert list(Party.objects.exclude(contact_email="")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    [
        {"contact_email": "anna@example.org"},
        {"contact_email__icontains": "anna"},
        {"notes__startswith": "S"},
        {"contact_email__in": ["anna@example.org"]},
        {"notes__lower": "s"},
    ],
)
def test_sql_lookups_on_an_encrypted_field_are_refused_not_silently_empty(lookup):
    with pytest.raises(FieldError, match="encrypted"):
        list(Party.objects.filter(**lookup))


@pytest.mark.django_db
def test_every_private_field_of_the_issue_is_encrypted():
    from tracker.fields import encrypted_fields

    assert {f.name for f in encrypted_fields(Party)} == {"contact_email", "contact_phone", "contact_address", "notes"}
    for model in (Case, Hearing, Ruling, Appeal):
        assert {f.name for f in encrypted_fields(model)} == {"notes"}
    assert {f.name for f in encrypted_fields(Document)} == {"notes"}
    assert {f.name for f in encrypted_fields(Subscription)} == {"email"}
    assert {f.name for f in encrypted_fields(EndpointSecret)} == {"secret"}
    assert {f.name for f in encrypted_fields(Party.history.model)} == {  # type: ignore[attr-defined]
        "contact_email",
        "contact_phone",
        "contact_address",
        "notes",
    }


@pytest.mark.django_db
def test_a_subscriber_is_found_by_the_keyed_hash_of_the_address():
    subscription = SubscriptionFactory(email="Supporter@Example.net")
    assert subscription.email_hash == subscriber_email_hash("supporter@example.net")
    assert len(subscription.email_hash) == 64 and "example" not in subscription.email_hash
    assert Subscription.objects.get(email_hash=subscriber_email_hash(" SUPPORTER@example.net ")) == subscription
    assert raw("reminders_subscription", "email", subscription.pk).startswith("gAAAAA")


def test_the_keyed_hash_depends_on_the_key(settings):
    first = crypto.keyed_hash("anna@example.org")
    settings.FIELD_HASH_KEY = "another-hash-key-for-this-test-only-0123456789"
    assert crypto.keyed_hash("anna@example.org") != first


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row_under_the_new_key(settings):
    # given rows written under an old key only (history rows included)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    party = PartyFactory(contact_email="anna@example.org", notes="old notes")
    case = party.case
    case.notes = "case notes"
    case.save()
    # when the new key is put first and the command runs
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", "--batch-size", "1", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # then the old key can go: everything reads under the new one alone
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Party.objects.get(pk=party.pk).contact_email == "anna@example.org"
    assert Case.objects.get(pk=case.pk).notes == "case notes"
    history = Party.history.model.objects.filter(id=party.pk)  # type: ignore[attr-defined]
    assert {row.notes for row in history} == {"old notes"}


@pytest.mark.django_db
def test_a_missing_key_fails_loudly_and_the_rotation_command_says_so(settings):
    party = PartyFactory(contact_email="anna@example.org")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.UnreadableField, match="FIELD_ENCRYPTION_KEYS"):
        Party.objects.get(pk=party.pk)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"cases_(historical)?party: A private field could not be decrypted"):
        call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_the_rotation_command_refuses_a_bad_batch_size():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("rotate_field_keys", "--batch-size", "0")


@pytest.mark.django_db
def test_the_data_migration_seals_plain_rows_and_its_reverse_opens_them():
    # given a party and a case written as before the migration (plain text in the columns)
    party = PartyFactory(contact_email="")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_party SET contact_email = 'plain@example.org', notes = 'plain notes' WHERE id = %s",
            [party.pk],
        )
    # when the migration's step runs (twice: it is safe to rerun)
    assert seal_model_columns(connection, Party, ["contact_email", "notes"]) == 1
    assert seal_model_columns(connection, Party, ["contact_email", "notes"]) == 0
    # then the columns are sealed and read back
    assert raw("cases_party", "contact_email", party.pk).startswith("gAAAAA")
    assert Party.objects.get(pk=party.pk).notes == "plain notes"
    # and the reverse opens them again
    seal_model_columns(connection, Party, ["contact_email", "notes"], reverse=True)
    assert raw("cases_party", "contact_email", party.pk) == "plain@example.org"


@pytest.mark.django_db
def test_the_subscribers_migration_hashes_and_seals_existing_addresses():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reminders.migrations.0005_subscriber_email_encrypted")
    subscription = SubscriptionFactory(email="x@example.net")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reminders_subscription SET email = 'Old@Example.net', email_hash = '' WHERE id = %s",
            [subscription.pk],
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.seal(apps, editor)
    subscription.refresh_from_db()
    assert subscription.email == "Old@Example.net"
    assert subscription.email_hash == subscriber_email_hash("old@example.net")
    migration.unseal(apps, editor)
    assert raw("reminders_subscription", "email", subscription.pk) == "Old@Example.net"


def test_json_made_in_sql_is_opened_and_forged_marks_are_left_alone():
    token = crypto.encrypt('notes with "quotes" and кириллица')
    text = '{"notes":"\\u0001' + token + '","other":"\\u0001gAAAAAforged"}'
    assert crypto.open_sql_json(text) == (
        '{"notes":"notes with \\"quotes\\" and кириллица","other":"\\u0001gAAAAAforged"}'
    )
    assert crypto.open_sql_json('{"a":"b"}') == '{"a":"b"}'


# The pattern the page's sealed values were opened with before open_sql_json found them with
# str.find (bench/RESULTS.md): the output must stay the same for any text.
_REFERENCE = re.compile(r'"\\u0001(gAAAAA[A-Za-z0-9_\-=]+)"')


def _reference_open(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        try:
            return json.dumps(crypto.decrypt(match.group(1)), ensure_ascii=False)
        except crypto.UnreadableField:
            return match.group(0)

    return _REFERENCE.sub(replace, text)


_SEALED = [crypto.encrypt(text) for text in ("strategy", 'a "quoted" \\ note', "кириллица\nи строки", "\u0001")]
_FRAGMENTS = st.sampled_from(
    [
        *(f'"{crypto.SQL_MARK}{token}"' for token in _SEALED),
        f'"{crypto.SQL_MARK}gAAAAAforged"',  # looks sealed, fails the HMAC
        f'"{crypto.SQL_MARK}gAAAAA"',  # the prefix alone
        f'"{crypto.SQL_MARK}{_SEALED[0]}',  # no closing quote
        f'"{crypto.SQL_MARK}{_SEALED[0][:20]}\\"x"',  # an escaped quote inside
        f'"{crypto.SQL_MARK}{_SEALED[0][:-1]}!"',  # a character outside the alphabet
        f'"{crypto.SQL_MARK}',
        crypto.SQL_MARK,
        '"',
        "gAAAAA",
        ",",
        '{"notes":',
        "}",
        "Ж",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=12).map("".join))
def test_opening_json_made_in_sql_gives_what_the_pattern_gave(text):
    assert crypto.open_sql_json(text) == _reference_open(text)
    # The case list's page comes as the UTF-8 bytes PostgreSQL sent: the same text, encoded.
    assert crypto.open_sql_json(text.encode()) == _reference_open(text).encode()


MARKERS = {
    "case_notes": "MARKER-case-notes-7f3a",
    "party_email": "marker-party-7f3a@example.org",
    "party_phone": "MARKER-phone-7f3a",
    "party_address": "MARKER-address-7f3a",
    "party_notes": "MARKER-party-notes-7f3a",
    "hearing_notes": "MARKER-hearing-notes-7f3a",
    "ruling_notes": "MARKER-ruling-notes-7f3a",
    "appeal_notes": "MARKER-appeal-notes-7f3a",
    "subscriber": "marker-subscriber-7f3a@example.net",
}


def make_marked_records():  # factory_boy instances are untyped (pyproject: tests.*)
    """One record of each sealed kind, each private field holding a unique marker; returns the
    party and the webhook secret (whose value is the marker for EndpointSecret)."""
    case = CaseFactory(notes=MARKERS["case_notes"], title="Visible title 7f3a")
    party = PartyFactory(
        case=case,
        contact_email=MARKERS["party_email"],
        contact_phone=MARKERS["party_phone"],
        contact_address=MARKERS["party_address"],
        notes=MARKERS["party_notes"],
    )
    HearingFactory(case=case, notes=MARKERS["hearing_notes"])
    ruling = RulingFactory(case=case, notes=MARKERS["ruling_notes"])
    AppealFactory(ruling=ruling, notes=MARKERS["appeal_notes"])
    SubscriptionFactory(case=case, email=MARKERS["subscriber"])
    owner = UserFactory(username="hook-owner")
    endpoint = Endpoint.objects.create(
        organization=case.organization, owner=owner, url="https://receiver.example.org/hook"
    )
    secret = "whsec_" + "TWFya2VyU2VjcmV0N2YzYU1hcmtlclNlY3JldDdmM2E="
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret, created_at=dt.datetime.now(dt.UTC))
    # a second history row of the party, so the historical table holds more than the first write
    party.notes = MARKERS["party_notes"] + "-v2"
    party.save()
    return party, secret


def pg_env() -> dict[str, str]:
    s = connection.settings_dict
    return {
        **os.environ,
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGUSER": s["USER"],
        "PGDATABASE": s["NAME"],
    }


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_none_of_the_private_values_in_clear():
    # given committed records with a marker in every private field (history rows too)
    _party, secret = make_marked_records()

    # when the database is dumped as SQL text
    dump = subprocess.run(  # noqa: S603
        ["pg_dump", "--no-owner", "--data-only"],  # noqa: S607
        env=pg_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # then the public title is there and no private value is
    assert "Visible title 7f3a" in dump
    for marker in (*MARKERS.values(), secret, "7f3a@example"):
        assert marker not in dump, marker
    assert "gAAAAA" in dump
