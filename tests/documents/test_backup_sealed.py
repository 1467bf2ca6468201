"""A backup holds the private fields sealed (issue 20): `manage.py backup`'s dump, turned back
into SQL text, contains none of them in clear; restored with the keys, a member reads them over
the API; restored without the right key, they do not open."""

import os
import subprocess

import psycopg
import pytest
from cryptography.fernet import Fernet

from apitokens.services import api_token_create
from cases.models import Membership
from tests.documents.test_backup import restore_database, tracker_env  # noqa: F401 (a fixture)
from tests.factories import MembershipFactory, UserFactory
from tests.processes import manage, session_database_url
from tests.tracker.test_field_encryption import MARKERS, make_marked_records

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_no_private_value_in_clear_and_restores_readable(media_root, restore_database, tmp_path):  # noqa: F811
    # given committed records with a marker in every private field, and a member's token
    party, secret = make_marked_records()
    member = UserFactory(username="sealed-member")
    MembershipFactory(organization=party.case.organization, user=member, role=Membership.Role.VIEWER)
    _, token = api_token_create(user=member, name="sealed")

    # when it is backed up
    out = tmp_path / "backup"
    made = manage("backup", "--out", str(out), env=tracker_env(session_database_url(), media_root, tmp_path))
    assert made.returncode == 0, made.stderr

    # then the dump, as SQL text, has the public title and no private value
    sql = subprocess.run(  # noqa: S603
        ["pg_restore", "--data-only", "-f", "-", str(out / "database.dump")],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Visible title 7f3a" in sql
    for marker in (*MARKERS.values(), secret):
        assert marker not in sql, marker

    # when it is restored into a new database with the same keys
    env = tracker_env(restore_database, tmp_path / "restored-media", tmp_path)
    restored = manage("restore", str(out), env=env)
    assert restored.returncode == 0, restored.stderr

    # then a member reads the contact details through the API of the restored copy
    script = (
        "from django.test import Client; import json; "
        f"r = Client(HTTP_AUTHORIZATION='Bearer {token}', HTTP_X_FORWARDED_PROTO='https', secure=True)"
        f".get('/api/v1/parties/{party.pk}/'); "
        "print(r.status_code, json.dumps(r.json()['contact_email']), json.dumps(r.json()['notes']))"
    )
    read = manage("shell", "-c", script, env={**env, "ALLOWED_HOSTS": "testserver"})
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == f'200 "{MARKERS["party_email"]}" "{MARKERS["party_notes"]}-v2"'

    # and with only a wrong key, the restored columns do not open
    wrong = {**env, "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "ALLOWED_HOSTS": "testserver"}
    failed = manage("shell", "-c", f"from cases.models import Party; Party.objects.get(pk={party.pk})", env=wrong)
    assert failed.returncode != 0
    assert "could not be decrypted with any key in FIELD_ENCRYPTION_KEYS" in failed.stderr
    with psycopg.connect(restore_database) as db:
        stored = db.execute("SELECT contact_email FROM cases_party WHERE id = %s", [party.pk]).fetchone()[0]
    assert stored.startswith("gAAAAA")
    assert os.environ["FIELD_ENCRYPTION_KEYS"]  # the tests' keys were the ones the backup was made with
