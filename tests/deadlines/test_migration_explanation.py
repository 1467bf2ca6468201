"""Deadlines stored before the steps had no language (English sentences) are converted by
deadlines/migrations/0002: replaced by steps only where those read exactly as stored."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from actions import rulings as ruling_actions
from deadlines.models import Deadline
from tests.factories import CaseFactory, CourtFactory

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def test_english_trails_become_steps_and_a_trail_that_does_not_match_is_kept():
    # given deadlines as the previous code stored them: English sentences
    case = CaseFactory()
    court = CourtFactory()
    known = ruling_actions.ruling_record(
        case=case, court=court, decided_on=D(2020, 1, 24), final_form_on=D(2020, 1, 29), outcome="dismissed"
    )
    unknown = ruling_actions.ruling_record(case=case, court=court, decided_on=D(2020, 2, 3), outcome="dismissed")
    edited = ruling_actions.ruling_record(
        case=case, court=court, decided_on=D(2020, 3, 2), final_form_on=D(2020, 3, 6), outcome="dismissed"
    )
    sentences = {}
    for ruling in (known, unknown, edited):
        deadline = Deadline.objects.get(ruling=ruling)
        with translation.override("en"):
            sentences[ruling.pk] = deadline.explanation_sentences
    sentences[edited.pk] = [*sentences[edited.pk][:-1], "Due on 2020-04-06 (checked by hand)."]
    _migrate(("deadlines", "0001_deadline"))
    for ruling_pk, text in sentences.items():
        Deadline.objects.filter(ruling_id=ruling_pk).update(explanation=text)
    versions = dict(Deadline.objects.values_list("pk", "version"))
    # when the migration runs
    _migrate(("deadlines", "0002_explanation_steps_without_language"))
    # then the reproducible trails are steps, read as before in English and now in Russian
    for ruling in (known, unknown):
        deadline = Deadline.objects.get(ruling=ruling)
        assert all(isinstance(entry, dict) for entry in deadline.explanation)
        with translation.override("en"):
            assert deadline.explanation_sentences == sentences[ruling.pk]
    with translation.override("ru"):
        assert Deadline.objects.get(ruling=known).explanation_sentences[-1] == "Срок истекает 2020-03-02."
        assert (
            Deadline.objects.get(ruling=unknown)
            .explanation_sentences[0]
            .startswith(
                "Дата начала отсчёта неизвестна: у решения ещё нет даты изготовления решения в окончательной форме"
            )
        )
    # the edited one is kept word for word, and no deadline got a new version
    assert Deadline.objects.get(ruling=edited).explanation == sentences[edited.pk]
    assert dict(Deadline.objects.values_list("pk", "version")) == versions
