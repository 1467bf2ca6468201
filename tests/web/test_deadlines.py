"""Deadlines where lawyers look: the dashboard, the case page (timeline and its own section), and
the override form. Members only; never on the public page."""

import datetime as dt

import pytest
from django.urls import reverse

from actions import appeals as appeal_actions
from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from deadlines.models import Deadline
from tests.factories import CaseFactory, CourtFactory, MembershipFactory

D = dt.date
UTC = dt.UTC


@pytest.fixture
def dues(desk):
    """On the public case (whose deadlines are still private): a ruling whose appeal was due on
    2019-12-11, one due on 2020-01-09 at another court, and one whose final form is not
    recorded yet. On the private case: one due on 2019-12-20."""
    made = {}
    tverskoy = CourtFactory(name="Tverskoy District Court")
    for name, case, court, final_form_on in (
        ("early", desk["public"], desk["court"], D(2019, 11, 11)),
        ("late", desk["public"], tverskoy, D(2019, 12, 7)),
        ("unknown", desk["public"], desk["court"], None),
        ("secret", desk["private"], desk["court"], D(2019, 11, 20)),
    ):
        ruling = ruling_actions.ruling_record(
            case=case, court=court, decided_on=D(2019, 11, 6), final_form_on=final_form_on, outcome="dismissed"
        )
        made[name] = Deadline.objects.get(ruling=ruling)
    # another organization's deadline, which must never show
    made["foreign"] = Deadline.objects.get(
        ruling=ruling_actions.ruling_record(
            case=CaseFactory(),
            court=desk["court"],
            decided_on=D(2019, 11, 6),
            final_form_on=D(2019, 11, 12),
            outcome="dismissed",
        )
    )
    return {**made, **desk, "tverskoy": tverskoy}


def _board(client, **params):
    response = client.get(reverse("web:dashboard"), params)
    assert response.status_code == 200
    return response, response.context["deadlines"]


# --- Dashboard ------------------------------------------------------------------------------


def test_the_dashboard_lists_deadlines_nearest_first_overdue_apart_and_unknown_dates(client, dues, time_machine):
    # given it is 15 December 2019 in Moscow
    time_machine.move_to(dt.datetime(2019, 12, 15, 12, 0, tzinfo=UTC))
    client.force_login(dues["lawyer"])
    # when the lawyer opens the dashboard
    response, board = _board(client)
    # then the passed one is overdue, the others come nearest first, the unknown one is listed apart
    assert board.overdue == [dues["early"]]
    assert board.upcoming == [dues["secret"], dues["late"]]
    assert board.undetermined == [dues["unknown"]]
    page = response.content.decode()
    assert '<span class="badge overdue">4 days overdue</span>' in page
    assert "in 5 days" in page  # 2019-12-20
    assert "trigger date unknown" in page
    assert f'href="/cases/popova-v-moscow/#deadline-{dues["unknown"].pk}"' in page
    assert f"dashboard-deadline-{dues['foreign'].pk}" not in page


def test_a_viewer_sees_the_deadlines_an_outsider_none(client, dues, time_machine):
    time_machine.move_to(dt.datetime(2019, 12, 15, tzinfo=UTC))
    client.force_login(dues["viewer"])
    assert _board(client)[1].upcoming == [dues["secret"], dues["late"]]
    for user in (dues["outsider"], MembershipFactory(role="lawyer").user):  # no member; another organization's lawyer
        client.force_login(user)
        _, board = _board(client)
        assert (board.overdue, board.upcoming, board.undetermined) == ([], [], [])


def test_the_dashboard_filters_apply_to_deadlines(client, dues, time_machine):
    time_machine.move_to(dt.datetime(2019, 12, 15, tzinfo=UTC))
    client.force_login(dues["lawyer"])
    # by case: the private case's one only
    _, by_case = _board(client, case=dues["private"].pk)
    assert (by_case.overdue, by_case.upcoming, by_case.undetermined) == ([], [dues["secret"]], [])
    # by court: the court whose ruling the deadline runs from
    _, by_court = _board(client, court=dues["tverskoy"].pk)
    assert (by_court.overdue, by_court.upcoming, by_court.undetermined) == ([], [dues["late"]], [])
    # by dates, both ends included; a deadline of unknown date stays listed (it needs a date)
    _, by_dates = _board(client, date_from="2019-12-11", date_to="2019-12-20")
    assert (by_dates.overdue, by_dates.upcoming, by_dates.undetermined) == (
        [dues["early"]],
        [dues["secret"]],
        [dues["unknown"]],
    )


def test_due_dates_are_days_whatever_the_viewers_time_zone(client, dues, time_machine):
    # given a lawyer far west of Moscow, late on 10 December there (11 December in Moscow and UTC)
    time_machine.move_to(dt.datetime(2019, 12, 11, 9, 0, tzinfo=UTC))
    client.force_login(dues["lawyer"])
    client.post(reverse("web:preferences"), {"time_zone": "Pacific/Honolulu", "next": "/"})
    response, board = _board(client)
    # then the date is the legal date, not shifted, and it is due "tomorrow" by their calendar
    page = response.content.decode()
    assert '<time datetime="2019-12-11">Dec. 11, 2019</time>' in page
    assert board.today == D(2019, 12, 10)
    assert "in 1 day" in page


def test_the_dashboard_deadlines_in_russian(client, dues, time_machine):
    time_machine.move_to(dt.datetime(2019, 12, 15, tzinfo=UTC))
    client.force_login(dues["lawyer"])
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Процессуальные сроки" in page
    assert "4 дня просрочки" in page
    assert "дата начала течения срока неизвестна" in page
    assert '<time datetime="2019-12-11">11 декабря 2019 г.</time>' in page


# --- Case page ------------------------------------------------------------------------------


def test_the_case_page_shows_each_deadline_to_members(client, dues, time_machine):
    time_machine.move_to(dt.datetime(2019, 12, 15, tzinfo=UTC))
    client.force_login(dues["viewer"])
    response = client.get(reverse("web:case_detail", args=["popova-v-moscow"]))
    page = response.content.decode()
    # the section: each deadline with its date, rule and article, state
    assert response.context["deadlines"] == [dues["early"], dues["late"], dues["unknown"]]
    assert f'id="deadline-{dues["early"].pk}"' in page
    assert "GPK RF art. 321(2)" in page
    assert "4 days overdue" in page
    assert "date not recorded yet" in page
    # the timeline: the deadlines among the other entries, in date order, unknown last
    kinds = [(e.kind, e.on) for e in response.context["timeline"] if e.kind in ("ruling", "deadline")]
    assert kinds == [
        ("ruling", D(2019, 11, 6)),
        ("ruling", D(2019, 11, 6)),
        ("ruling", D(2019, 11, 6)),
        ("deadline", D(2019, 12, 11)),
        ("deadline", D(2020, 1, 9)),
        ("deadline", None),
    ]
    # a viewer cannot change them
    assert reverse("web:deadline_override", args=["popova-v-moscow", dues["early"].pk]) not in page


def test_the_public_page_never_shows_deadlines(client, dues):
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"])).content.decode()
    assert "GPK RF" not in page
    assert "deadline" not in page.lower()
    client.force_login(dues["outsider"])
    # an outsider on the members' page is sent to the public one
    assert client.get(reverse("web:case_detail", args=["popova-v-moscow"])).url == "/public/popova-v-moscow/"


def test_the_case_page_states_met_late_closed_void_and_the_override(client, dues):
    early = dues["early"]
    appeal_actions.appeal_file(
        case=dues["public"], ruling=early.ruling, court=dues["upper"], kind="appeal", filed_on=D(2019, 12, 20)
    )
    deadline_actions.deadline_override(
        deadline=dues["late"], due_on=D(2020, 1, 20), reason="Copy served on 20 December"
    )
    client.force_login(dues["lawyer"])
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert "late: filed after the due date" in page
    assert "Appeal filed on 2019-12-20." in page
    assert "set by hand" in page
    assert "computed date Jan. 9, 2020." in page
    assert "Reason: Copy served on 20 December" in page
    assert "Set by hand: Copy served on 20 December" in page  # on the timeline


# --- Override -------------------------------------------------------------------------------


def _override_url(deadline):
    return reverse("web:deadline_override", args=[deadline.case.slug, deadline.pk])


def test_a_lawyer_overrides_a_due_date_with_a_reason(client, dues):
    deadline = dues["early"]
    client.force_login(dues["lawyer"])
    response = client.post(
        _override_url(deadline),
        {"version": deadline.version, "due_on": "2019-12-23", "reason": "  Copy served on 23 November  "},
    )
    assert response.status_code == 302
    assert response.url == f"/cases/popova-v-moscow/#deadline-{deadline.pk}"
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.computed_due_on, deadline.override_reason, deadline.overridden_by) == (
        D(2019, 12, 23),
        D(2019, 12, 11),
        "Copy served on 23 November",
        dues["lawyer"],
    )
    assert deadline.history.first().history_change_reason == "Override: Copy served on 23 November"
    # and removing the override (empty date) goes back to the computed one
    response = client.post(_override_url(deadline), {"version": deadline.version, "due_on": "", "reason": "Mistake"})
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.override_due_on, deadline.override_reason) == (D(2019, 12, 11), None, "")


@pytest.mark.parametrize(
    ("post", "errors"),
    [
        ({"due_on": "2019-12-23", "reason": "   "}, {"reason": ["This field is required."]}),
        ({"due_on": "23/12/2019", "reason": "Served late"}, {"due_on": ["Enter a valid date."]}),
        (
            {"due_on": "", "reason": "Served late"},
            {"due_on": ["Give the new due date (this deadline has no override to remove)."]},
        ),
        (
            {"due_on": "2019-11-01", "reason": "Served late"},
            {"due_on": ["The period runs from 2019-11-11; the due date cannot be before it."]},
        ),
        ({"version": "x", "due_on": "2019-12-23", "reason": "Served late"}, {"version": ["Enter a whole number."]}),
    ],
)
def test_bad_override_input_is_refused_next_to_its_field(client, dues, post, errors):
    deadline = dues["early"]
    client.force_login(dues["lawyer"])
    response = client.post(_override_url(deadline), {"version": deadline.version, **post})
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.override_due_on, deadline.version) == (D(2019, 12, 11), None, 1)


def test_in_russian_the_override_refusal_is_russian_and_next_to_the_date(client, dues):
    deadline = dues["early"]
    client.cookies["django_language"] = "ru"
    client.force_login(dues["lawyer"])
    post = {"version": deadline.version, "due_on": "2019-11-01", "reason": "Вручили поздно"}
    response = client.post(_override_url(deadline), post)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "due_on": ["Срок течёт с 2019-11-11; дата его окончания не может быть раньше."]
    }
    deadline.refresh_from_db()
    assert (deadline.override_due_on, deadline.version) == (None, 1)


def test_a_stale_override_form_is_refused_with_the_current_values(client, dues):
    # given the lawyer opened the form, and a colleague overrode the date meanwhile
    deadline = dues["early"]
    client.force_login(dues["lawyer"])
    form_version = client.get(_override_url(deadline)).context["form"]["version"].value()
    deadline_actions.deadline_override(deadline=deadline, due_on=D(2019, 12, 30), reason="Colleague's change")
    # when the first lawyer saves
    response = client.post(_override_url(deadline), {"version": form_version, "due_on": "2019-12-23", "reason": "Mine"})
    # then nothing is written and the current values are shown, the input kept
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: this deadline changed after you opened it." in page
    assert "Colleague&#x27;s change" in page
    assert response.context["form"]["reason"].value() == "Mine"
    assert response.context["form"]["version"].value() == "2"
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.override_reason, deadline.version) == (D(2019, 12, 30), "Colleague's change", 2)


def test_a_viewer_cannot_override_and_nothing_changes(client, dues):
    deadline = dues["early"]
    client.force_login(dues["viewer"])
    post = {"version": deadline.version, "due_on": "2019-12-23", "reason": "Served late"}
    assert client.post(_override_url(deadline), post).status_code == 403
    assert client.get(_override_url(deadline)).status_code == 403
    client.force_login(dues["outsider"])
    assert client.post(_override_url(deadline), post).status_code == 404
    # nor through another case's address
    client.force_login(dues["lawyer"])
    wrong = reverse("web:deadline_override", args=["secret-v-ministry", deadline.pk])
    assert client.post(wrong, post).status_code == 404
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.override_due_on, deadline.version) == (D(2019, 12, 11), None, 1)
    assert deadline.history.count() == 1


def test_the_override_form_queries(client, dues, django_assert_num_queries):
    # session, user, the deadline with its case, ruling and court, membership, write permission
    client.force_login(dues["lawyer"])
    url = _override_url(dues["early"])
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_members_reach_their_deadline_reminders_and_calendar_from_every_page(client, dues):
    settings_url = reverse("reminders:member-settings")
    assert f'href="{settings_url}"' not in client.get(reverse("web:public_case_list")).content.decode()
    client.force_login(dues["lawyer"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert f'<a href="{settings_url}">Reminders and calendar</a>' in page
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("web:dashboard")).content.decode()
    assert f'<a href="{settings_url}">Напоминания и календарь</a>' in page
    assert client.get(settings_url).status_code == 200


def test_in_russian_the_case_page_names_the_rule_and_its_trigger_in_russian(client, dues):
    client.force_login(dues["viewer"])
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert "Апелляционная жалоба на решение суда первой инстанции по гражданскому делу (ГПК РФ)" in page
    assert "изготовление решения в окончательной форме" in page
    assert "Appeal against a first-instance civil decision" not in page
    assert "decision in final form" not in page


# --- Closing without filing -----------------------------------------------------------------


def test_a_lawyer_closes_a_deadline_from_the_case_page_and_it_leaves_the_overdue_list(client, dues, time_machine):
    # given it is 15 December 2019 and the appeal due on 11 December is overdue on the dashboard
    time_machine.move_to(dt.datetime(2019, 12, 15, 12, 0, tzinfo=UTC))
    deadline = dues["early"]
    client.force_login(dues["lawyer"])
    assert _board(client)[1].overdue == [deadline]
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    close_url = reverse("web:deadline_close", args=["popova-v-moscow", deadline.pk])
    assert f'action="{close_url}"' in page
    # when the lawyer closes it from the case page, with the reason
    response = client.post(close_url, {"version": deadline.version, "reason": "The client decided not to appeal"})
    # then it is closed with the reason kept, and no longer overdue
    assert response.status_code == 302
    assert response["Location"] == f"/cases/popova-v-moscow/#deadline-{deadline.pk}"
    deadline.refresh_from_db()
    assert (deadline.state, deadline.state_reason, deadline.version) == (
        "closed",
        "The client decided not to appeal",
        2,
    )
    assert [row.history_user for row in deadline.history.order_by("history_id")] == [None, dues["lawyer"]]
    assert _board(client)[1].overdue == []
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert f'action="{close_url}"' not in page  # a closed deadline has nothing more to close


def test_closing_a_deadline_needs_a_reason_and_the_current_version(client, dues):
    deadline = dues["early"]
    client.force_login(dues["lawyer"])
    close_url = reverse("web:deadline_close", args=["popova-v-moscow", deadline.pk])
    assert client.post(close_url, {"version": deadline.version, "reason": ""}).status_code == 302
    assert client.post(close_url, {"version": deadline.version + 1, "reason": "No appeal"}).status_code == 302
    deadline.refresh_from_db()
    assert (deadline.state, deadline.version) == ("open", 1)


def test_a_viewer_cannot_close_a_deadline_and_nothing_changes(client, dues):
    deadline = dues["early"]
    close_url = reverse("web:deadline_close", args=["popova-v-moscow", deadline.pk])
    post = {"version": deadline.version, "reason": "No appeal"}
    client.force_login(dues["viewer"])
    assert client.post(close_url, post).status_code == 403
    page = client.get(reverse("web:case_detail", args=["popova-v-moscow"])).content.decode()
    assert f'action="{close_url}"' not in page
    client.force_login(dues["outsider"])
    assert client.post(close_url, post).status_code == 404
    deadline.refresh_from_db()
    assert (deadline.state, deadline.state_reason, deadline.version) == ("open", "", 1)
    assert deadline.history.count() == 1
