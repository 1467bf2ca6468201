"""The dossier's fingerprint on SQLite (`make run`'s database): the same statement spelled for
SQLite, held to the same rules as on PostgreSQL (test_cache_and_sweep.CHANGES, replayed here
in a `manage.py shell` on a fresh SQLite file, since the suite itself runs on PostgreSQL)."""

import json

import pytest

from tests.documents.test_cache_and_sweep import CHANGES
from tests.processes import manage, sqlite_demo_env

pytestmark = pytest.mark.slow

REPLAY = """
import io, json
from cases.models import Case
from documents import services
from documents.dossier.fingerprint import dossier_fingerprint
from documents.models import Document
from tests.documents.test_cache_and_sweep import CHANGES

def fingerprint():
    case = Case.objects.get(slug="popova-v-moscow")
    return dossier_fingerprint(case=case, edition="internal", language="ru")

results = {}
for name, change in CHANGES.items():
    before = fingerprint()
    stable = fingerprint() == before
    change(Case.objects.get(slug="popova-v-moscow"))
    results[name] = {"stable": stable, "changed": fingerprint() != before}
before = fingerprint()
services.document_add(case=Case.objects.get(slug="popova-v-moscow"), title="Dossier", file=io.BytesIO(b"%PDF"),
                      filename="d.pdf", kind=Document.Kind.DOSSIER)
results["a stored dossier"] = {"stable": True, "changed": fingerprint() != before}
print(json.dumps(results))
"""


def test_every_change_the_dossier_could_show_changes_the_fingerprint_on_sqlite(sqlite_demo, tmp_path):
    # given make run's database: an SQLite file with the demo
    env = sqlite_demo_env(sqlite_demo, tmp_path / "var")

    # when each change of the PostgreSQL test is made in turn
    run = manage("shell", "--verbosity", "0", "-c", REPLAY, env=env)
    assert run.returncode == 0, run.stderr

    # then the fingerprint held still until each one and moved with it; a stored dossier moves nothing
    results = json.loads(run.stdout.strip().splitlines()[-1])
    expected = {name: {"stable": True, "changed": True} for name in CHANGES}
    expected["a stored dossier"] = {"stable": True, "changed": False}
    assert results == expected
