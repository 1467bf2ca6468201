import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from actions import cases as case_actions
from cases import services
from changes.models import Change, ChangeLogPruned
from changes.tasks import change_log_prune_task
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_prune_keeps_the_latest_row_of_each_live_record_and_drops_old_tombstones():
    # given, two months ago: a case edited twice, and a case deleted
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        org = OrganizationFactory()
        kept = services.case_create(organization=org, title="Kept v. State")
        case_actions.case_update(case=kept, title="Kept v. State (renamed)")
        gone = services.case_create(organization=org, title="Gone v. State")
        gone_id = gone.pk
        services.case_delete(case=gone)
    # when the daily prune runs with a 30-day window
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        out = StringIO()
        call_command("prune_changes", "--days", "30", stdout=out)
        # then only the kept case's latest row remains, and the pruned point is recorded
        assert out.getvalue() == "Pruned 3 change rows older than 30 days.\n"
        assert list(Change.objects.values_list("object_type", "object_id", "op")) == [("case", kept.pk, "upsert")]
        assert ChangeLogPruned.objects.get().through_id > 0
        # and a second run (the task, as beat calls it) finds nothing more
        assert change_log_prune_task() == 0
    assert not Change.objects.filter(object_id=gone_id, object_type="case").exists()
