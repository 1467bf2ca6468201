"""Periodic tasks have one home, CELERY_BEAT_SCHEDULE, and their names one style."""

import re

import pytest
from django_celery_beat.models import PeriodicTask

from tracker.celery import app

pytestmark = pytest.mark.django_db


def test_every_periodic_task_is_in_the_settings_under_a_registered_name(settings):
    app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", entry["task"]), entry["task"]
        assert not entry["task"].endswith("_task"), entry["task"]
        assert entry["task"] in app.tasks, entry["task"]
    # and no migration leaves a schedule row of its own (the beat installs the settings' entries)
    assert list(PeriodicTask.objects.values_list("name", flat=True)) == []
