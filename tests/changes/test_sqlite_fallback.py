"""The embedded `make run` path: SQLite, where the feed falls back to id order (one writer)."""

import json

import pytest

from tests.processes import manage, sqlite_demo_env

pytestmark = pytest.mark.slow

READ_FEED = """
import json
from django.test import Client
from actions import cases as case_actions
from cases.models import Case
client = Client()
first = client.get('/api/v1/changes/?limit=1000').json()
case = Case.objects.filter(is_public=True).first()
case_actions.case_update(case=case, is_public=False)
second = client.get('/api/v1/changes/?since=' + first['next']).json()
print(json.dumps({'first': len(first['results']), 'types': sorted({i['type'] for i in first['results']}),
                  'second': [(i['type'], i['op']) for i in second['results'] if i['type'] == 'case'], 'case': case.pk,
                  'second_ids': [i['id'] for i in second['results'] if i['type'] == 'case']}))
"""


def test_feed_on_sqlite(sqlite_demo, tmp_path):
    env = sqlite_demo_env(sqlite_demo, tmp_path / "var", ALLOWED_HOSTS="testserver")
    run = manage("shell", "--verbosity", "0", "-c", READ_FEED, env=env)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["first"] > 20
    assert result["types"] == ["appeal", "case", "court", "hearing", "party", "ruling"]
    # the case made private is a delete for the anonymous reader
    assert result["second"] == [["case", "delete"]] and result["second_ids"] == [result["case"]]
