"""Deadlines in the back office, as lawyers use them on the demo data."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from actions import rulings as ruling_actions
from cases.models import Case, Ruling
from deadlines.models import Deadline
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db
D = dt.date
# session, user, 2 x permissions, 2 x count (filtered, total), the page of rows with case and court
# joined, the rule codes for the filter, whether the user writes in some organization (the add
# and change permissions, cases/admin_scope.py; once per request): none per row.
QUERIES_FOR_THE_LIST = 9


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def popova_deadline(demo):
    """The demo ruling of 6 November 2019 has no final-form date: its appeal deadline is undetermined."""
    popova = Case.objects.get(slug="popova-v-moscow")
    return Deadline.objects.get(case=popova, rule_code="ru-kas-appeal")


def login(client, username):
    # force_login: django-axes needs the request in authenticate(), which client.login() does not pass.
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_records_popovas_appeal_deadline_as_undetermined(popova_deadline):
    assert (popova_deadline.trigger_on, popova_deadline.due_on, popova_deadline.state) == (None, None, "open")


def test_the_pages_load_and_show_the_deadline(client, popova_deadline):
    login(client, "admin")
    changelist = reverse("admin:deadlines_deadline_changelist")
    for url in (
        changelist,
        changelist + "?due=overdue",
        changelist + "?due=unknown",
        changelist + "?due=all",
        reverse("admin:deadlines_deadline_change", args=[popova_deadline.pk]),
        reverse("admin:deadlines_deadline_history", args=[popova_deadline.pk]),
    ):
        assert client.get(url).status_code == 200, url
    ruling_page = client.get(reverse("admin:cases_ruling_change", args=[popova_deadline.ruling_id])).content.decode()
    assert "deadlines (computed from this ruling)" in ruling_page.lower()
    assert "ru-kas-appeal" in ruling_page
    detail = client.get(reverse("admin:deadlines_deadline_change", args=[popova_deadline.pk])).content.decode()
    assert "Trigger date unknown: the ruling has no date of the decision in final form yet" in detail


def test_the_list_flags_an_overdue_deadline(client, popova_deadline):
    ruling_actions.ruling_update(ruling=popova_deadline.ruling, final_form_on=D(2019, 11, 11))
    login(client, "admin")
    page = client.get(reverse("admin:deadlines_deadline_changelist") + "?due=overdue").content.decode()
    assert "Dec. 11, 2019" in page
    assert 'alt="True"' in page  # the overdue column's icon
    unknown = client.get(reverse("admin:deadlines_deadline_changelist") + "?due=unknown").context["cl"]
    assert popova_deadline not in unknown.result_list


def override_form(deadline, **fields):
    return {"override_due_on": "", "override_reason": "", "expected_version": deadline.version, **fields}


def test_a_lawyer_overrides_the_date_with_a_reason(client, popova_deadline):
    login(client, "lawyer")
    response = client.post(
        reverse("admin:deadlines_deadline_change", args=[popova_deadline.pk]),
        override_form(popova_deadline, override_due_on="2019-12-11", override_reason="Final form dated 2019-11-11"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    popova_deadline.refresh_from_db()
    assert (popova_deadline.due_on, popova_deadline.override_reason, popova_deadline.overridden_by.username) == (
        D(2019, 12, 11),
        "Final form dated 2019-11-11",
        "lawyer",
    )
    latest = popova_deadline.history.first()
    assert (latest.history_user.username, latest.history_change_reason) == (
        "lawyer",
        "Override: Final form dated 2019-11-11",
    )


def test_an_override_without_a_reason_is_shown_as_a_form_error_and_saves_nothing(client, popova_deadline):
    login(client, "lawyer")
    response = client.post(
        reverse("admin:deadlines_deadline_change", args=[popova_deadline.pk]),
        override_form(popova_deadline, override_due_on="2019-12-11"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"override_reason": ["This field is required."]}
    popova_deadline.refresh_from_db()
    assert (popova_deadline.due_on, popova_deadline.version) == (None, 1)


def test_a_viewer_cannot_override_and_nothing_changes(client, popova_deadline):
    login(client, "viewer")
    url = reverse("admin:deadlines_deadline_change", args=[popova_deadline.pk])
    assert client.get(url).status_code == 200  # can read it
    response = client.post(url, override_form(popova_deadline, override_due_on="2030-01-01", override_reason="x"))
    assert response.status_code == 403
    popova_deadline.refresh_from_db()
    assert (popova_deadline.due_on, popova_deadline.version, popova_deadline.history.count()) == (None, 1, 1)


def test_deadlines_cannot_be_added_or_deleted_by_hand(client, popova_deadline):
    login(client, "admin")
    assert client.get(reverse("admin:deadlines_deadline_add")).status_code == 403
    assert client.post(reverse("admin:deadlines_deadline_delete", args=[popova_deadline.pk])).status_code == 403
    assert Deadline.objects.filter(pk=popova_deadline.pk).exists()


def test_recording_a_ruling_in_the_admin_computes_its_deadline(client, demo):
    login(client, "lawyer")
    popova = Case.objects.get(slug="popova-v-moscow")
    first = popova.rulings.get()
    response = client.post(
        reverse("admin:cases_ruling_change", args=[first.pk]),
        {
            "case": popova.pk,
            "court": first.court_id,
            "decided_on": "2019-11-06",
            "final_form_on": "2019-12-07",
            "outcome": first.outcome,
            "judge": first.judge,
            "summary": first.summary,
            "citation": "",
            "notes": first.notes,
            "in_force_on": "",
            "expected_version": first.version,
            "deadlines-TOTAL_FORMS": "1",
            "deadlines-INITIAL_FORMS": "1",
            "deadlines-MIN_NUM_FORMS": "0",
            "deadlines-MAX_NUM_FORMS": "1000",
            "deadlines-0-id": Deadline.objects.get(ruling=first).pk,
            "deadlines-0-ruling": first.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Ruling.objects.get(pk=first.pk).final_form_on == D(2019, 12, 7)
    deadline = Deadline.objects.get(ruling=first)
    assert (deadline.trigger_on, deadline.due_on, deadline.history.first().history_user.username) == (
        D(2019, 12, 7),
        D(2020, 1, 9),
        "lawyer",
    )


def test_the_deadline_list_reads_a_fixed_number_of_queries(client, demo, django_assert_num_queries):
    # given eleven rulings of the Popova case with a final-form date, each with an appeal deadline
    popova = Case.objects.get(slug="popova-v-moscow")
    first = popova.rulings.get()
    ruling_actions.ruling_update(ruling=first, final_form_on=D(2019, 11, 11))
    for day in range(1, 11):
        ruling_actions.ruling_record(
            case=popova,
            court=CourtFactory(),
            decided_on=D(2019, 11, day),
            final_form_on=D(2019, 11, day),
            outcome="dismissed",
        )
    assert Deadline.objects.filter(case=popova, due_on__isnull=False).count() == 11
    login(client, "lawyer")
    url = reverse("admin:deadlines_deadline_changelist") + "?due=all"
    with django_assert_num_queries(QUERIES_FOR_THE_LIST):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 13  # also the Popova-Milov and Bridges deadlines
