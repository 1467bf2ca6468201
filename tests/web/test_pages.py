"""The pages through Django's test client: what each shows, bad input (a form error, never a
500), permissions (refusal and nothing changed) and the exact queries per page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from actions import rulings as ruling_actions
from cases.models import Appeal, Case, Hearing, HearingReschedule, Ruling
from tests.factories import AppealFactory, CaseFactory, CourtFactory, HearingFactory, RulingFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
MOSCOW = ZoneInfo("Europe/Moscow")


def hearing_post(at, **overrides):
    data = {
        "court": at.pk,
        "date": "2031-05-20",
        "time": "10:00",
        "kind": "merits",
        "duration_minutes": "90",
        "courtroom": "5",
        "judge": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- Logging and changing hearings ---------------------------------------------------------


def test_a_lawyer_logs_a_hearing_in_the_courts_zone(client, desk):
    # given a lawyer on the case page's form
    client.force_login(desk["lawyer"])
    case = desk["private"]
    # when they enter 10:00 at a Moscow court
    response = client.post(reverse("web:hearing_create", args=[case.slug]), hearing_post(desk["court"]))
    # then the hearing is stored as 07:00 UTC and they land on it
    hearing = Hearing.objects.get(case=case)
    assert hearing.starts_at == dt.datetime(2031, 5, 20, 7, 0, tzinfo=UTC)
    assert (hearing.court, hearing.duration_minutes, hearing.courtroom, hearing.time_to_be_confirmed) == (
        desk["court"],
        90,
        "5",
        False,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.slug}/#hearing-{hearing.pk}"


def test_the_hearing_form_offers_the_cases_court(client, desk):
    HearingFactory(case=desk["private"], court=desk["upper"])
    client.force_login(desk["lawyer"])
    form = client.get(reverse("web:hearing_create", args=["secret-v-ministry"])).context["form"]
    assert form["court"].value() == desk["upper"].pk


def test_a_hearing_without_a_time_is_marked_time_to_be_confirmed(client, desk):
    client.force_login(desk["lawyer"])
    client.post(reverse("web:hearing_create", args=["secret-v-ministry"]), hearing_post(desk["court"], time=""))
    hearing = Hearing.objects.get()
    assert (hearing.starts_at, hearing.time_to_be_confirmed) == (dt.datetime(2031, 5, 19, 21, 0, tzinfo=UTC), True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2031-02-30"}, "date", "Enter a valid date."),
        ({"date": ""}, "date", "This field is required."),
        ({"time": "25:99"}, "time", "Enter a valid time."),
        ({"court": "999999"}, "court", "Select a valid choice. That choice is not one of the available choices."),
        ({"duration_minutes": "0"}, "duration_minutes", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_hearing_input_is_refused_next_to_its_field(client, desk, overrides, field, message):
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:hearing_create", args=["secret-v-ministry"]), hearing_post(desk["court"], **overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Hearing.objects.count() == 0


def test_a_service_rule_comes_back_as_a_form_error(client, desk):
    # given a hearing that has not happened yet, when a lawyer records its outcome
    hearing = HearingFactory(case=desk["private"], court=desk["court"], starts_at=dt.datetime(2031, 1, 1, tzinfo=UTC))
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:hearing_outcome", args=["secret-v-ministry", hearing.pk]),
        {"version": hearing.version, "outcome_notes_en": "won"},
        follow=True,
    )
    # then the service's rule is the message, and nothing changed
    assert [str(m) for m in response.context["messages"]] == ["A hearing cannot be marked held before it starts."]
    hearing.refresh_from_db()
    assert (hearing.status, hearing.version) == (Hearing.Status.SCHEDULED, 1)


def test_reschedule_keeps_the_earlier_date(client, popova):
    hearing = popova["upcoming"]
    client.force_login(popova["lawyer"])
    response = client.post(
        reverse("web:hearing_reschedule", args=["popova-v-moscow", hearing.pk]),
        {"version": hearing.version, "date": "2031-04-02", "time": "14:00", "reason": "Judge ill"},
    )
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.starts_at, hearing.version) == (dt.datetime(2031, 4, 2, 11, 0, tzinfo=UTC), 2)
    move = HearingReschedule.objects.get(hearing=hearing)
    assert (move.previous_starts_at, move.new_starts_at, move.reason, move.changed_by) == (
        dt.datetime(2031, 3, 14, 7, 30, tzinfo=UTC),
        dt.datetime(2031, 4, 2, 11, 0, tzinfo=UTC),
        "Judge ill",
        popova["lawyer"],
    )


def test_the_second_of_two_saves_is_refused_with_the_current_values(client, popova):
    # given two lawyers who opened the same hearing at version 1; the first moved it
    hearing = popova["upcoming"]
    client.force_login(popova["lawyer"])
    url = reverse("web:hearing_reschedule", args=["popova-v-moscow", hearing.pk])
    client.post(url, {"version": 1, "date": "2031-04-02", "time": "14:00", "reason": ""})
    # when the second saves from the same old copy
    response = client.post(url, {"version": 1, "date": "2031-04-09", "time": "09:00", "reason": ""})
    # then it is refused, shows the current date, and the first lawyer's change stands
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved: someone else changed this hearing after you opened it." in page
    assert "2031-04-02T11:00:00+00:00" in page
    assert response.context["form"]["version"].value() == "2"
    hearing.refresh_from_db()
    assert (hearing.starts_at, hearing.version) == (dt.datetime(2031, 4, 2, 11, 0, tzinfo=UTC), 2)


def test_a_one_click_action_on_an_old_copy_changes_nothing(client, popova):
    hearing = popova["upcoming"]
    Hearing.objects.filter(pk=hearing.pk).update(version=3, courtroom="7")
    client.force_login(popova["lawyer"])
    response = client.post(reverse("web:hearing_cancel", args=["popova-v-moscow", hearing.pk]), {"version": 1})
    assert response.status_code == 409
    assert "<dd>7</dd>" in response.content.decode()
    hearing.refresh_from_db()
    assert (hearing.status, hearing.version) == (Hearing.Status.SCHEDULED, 3)


def test_one_click_actions_postpone_cancel_and_record(client, popova):
    client.force_login(popova["lawyer"])
    upcoming, held = popova["upcoming"], popova["held"]
    client.post(reverse("web:hearing_postpone", args=["popova-v-moscow", upcoming.pk]), {"version": 1})
    upcoming.refresh_from_db()
    assert upcoming.status == Hearing.Status.POSTPONED
    client.post(reverse("web:hearing_cancel", args=["popova-v-moscow", upcoming.pk]), {"version": 2})
    upcoming.refresh_from_db()
    assert upcoming.status == Hearing.Status.CANCELLED
    client.post(
        reverse("web:hearing_outcome", args=["popova-v-moscow", held.pk]),
        {"version": 1, "outcome_notes_en": "Adjourned for expert report"},
    )
    held.refresh_from_db()
    assert (held.status, held.outcome_notes) == (Hearing.Status.HELD, "Adjourned for expert report")


def test_a_garbled_version_changes_nothing(client, popova):
    client.force_login(popova["lawyer"])
    hearing = popova["upcoming"]
    response = client.post(
        reverse("web:hearing_cancel", args=["popova-v-moscow", hearing.pk]), {"version": "abc"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The page was out of date; nothing was changed. Try again."
    ]
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.SCHEDULED


# --- Rulings and appeals -------------------------------------------------------------------


def test_a_ruling_dated_in_the_future_is_refused_next_to_the_date(client, desk):
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:ruling_create", args=["secret-v-ministry"]),
        {"court": desk["court"].pk, "decided_on": "2099-01-01", "outcome": "dismissed"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["decided_on"] == ["A ruling cannot be dated in the future."]
    assert Ruling.objects.count() == 0


def test_recording_a_ruling_decides_the_case(client, desk):
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:ruling_create", args=["secret-v-ministry"]),
        {"court": desk["court"].pk, "decided_on": "2019-11-06", "outcome": "dismissed", "judge": "M. Ivanova"},
    )
    ruling = Ruling.objects.get()
    assert response["Location"] == f"/cases/secret-v-ministry/#ruling-{ruling.pk}"
    assert (ruling.decided_on, ruling.judge, Case.objects.get(slug="secret-v-ministry").status) == (
        dt.date(2019, 11, 6),
        "M. Ivanova",
        Case.Status.DECIDED,
    )


def test_an_appeal_is_offered_the_court_above(client, popova):
    client.force_login(popova["lawyer"])
    url = reverse("web:appeal_create", args=["popova-v-moscow", popova["ruling"].pk])
    form = client.get(url).context["form"]
    assert form["court"].value() == popova["upper"].pk
    assert [label for _, label in form.fields["court"].choices] == ["---------", "Moscow City Court (Europe/Moscow)"]
    response = client.post(
        url, {"court": popova["upper"].pk, "kind": "appeal", "status": "filed", "filed_on": "2019-12-01"}
    )
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/cases/popova-v-moscow/#appeal-{appeal.pk}"
    assert (appeal.court, appeal.ruling, appeal.filed_on) == (popova["upper"], popova["ruling"], dt.date(2019, 12, 1))


def test_an_appeal_filed_before_its_ruling_is_refused(client, popova):
    client.force_login(popova["lawyer"])
    response = client.post(
        reverse("web:appeal_create", args=["popova-v-moscow", popova["ruling"].pk]),
        {"court": popova["upper"].pk, "kind": "appeal", "status": "filed", "filed_on": "2019-01-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["filed_on"] == [
        "The ruling challenged is of 2019-11-06; an appeal cannot be filed before it."
    ]
    assert Appeal.objects.count() == 0


# --- Permissions ---------------------------------------------------------------------------


def test_a_private_case_does_not_exist_for_an_outsider(client, desk):
    client.force_login(desk["outsider"])
    assert client.get(reverse("web:case_detail", args=["secret-v-ministry"])).status_code == 404
    assert client.get(reverse("web:public_case", args=["secret-v-ministry"])).status_code == 404
    assert client.get(reverse("web:case_list")).context["page"].paginator.count == 0


def test_an_outsider_cannot_touch_a_private_hearing(client, desk):
    hearing = HearingFactory(case=desk["private"], court=desk["court"])
    client.force_login(desk["outsider"])
    response = client.post(reverse("web:hearing_cancel", args=["secret-v-ministry", hearing.pk]), {"version": 1})
    assert response.status_code == 404
    hearing.refresh_from_db()
    assert (hearing.status, hearing.version) == (Hearing.Status.SCHEDULED, 1)


def test_a_viewer_reads_but_cannot_write(client, desk):
    client.force_login(desk["viewer"])
    page = client.get(reverse("web:case_detail", args=["secret-v-ministry"]))
    assert page.status_code == 200
    assert "Log a hearing" not in page.content.decode()
    response = client.post(reverse("web:hearing_create", args=["secret-v-ministry"]), hearing_post(desk["court"]))
    assert response.status_code == 403
    assert "You can read this case but not change it." in response.content.decode()
    assert Hearing.objects.count() == 0


def test_an_outsider_on_a_public_case_is_sent_to_its_public_page(client, desk):
    client.force_login(desk["outsider"])
    response = client.get(reverse("web:case_detail", args=["popova-v-moscow"]))
    assert (response.status_code, response["Location"]) == (302, "/public/popova-v-moscow/")


def test_pages_ask_for_a_login(client, desk):
    response = client.get(reverse("web:dashboard"))
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/dashboard/")
    assert client.post(reverse("web:hearing_create", args=["secret-v-ministry"]), {}).status_code == 302
    assert Hearing.objects.count() == 0


def test_forms_refuse_a_post_without_the_csrf_token(desk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:hearing_create", args=["secret-v-ministry"]), hearing_post(desk["court"]))
    assert response.status_code == 403
    assert Hearing.objects.count() == 0


# --- Dashboard and case list ---------------------------------------------------------------


def test_the_dashboard_lists_open_hearings_nearest_first_and_flags_overdue(client, popova, time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 1, tzinfo=UTC))
    later = HearingFactory(case=popova["private"], court=popova["court"], starts_at=dt.datetime(2032, 1, 1, tzinfo=UTC))
    overdue = HearingFactory(
        case=popova["private"], court=popova["court"], starts_at=dt.datetime(2029, 6, 1, tzinfo=UTC)
    )
    HearingFactory(court=popova["court"], starts_at=dt.datetime(2031, 1, 1, tzinfo=UTC))  # another organization's
    client.force_login(popova["lawyer"])
    board = client.get(reverse("web:dashboard")).context["board"]
    assert board.overdue == [overdue]
    assert board.upcoming == [popova["upcoming"], later]


def test_the_dashboard_filters_by_case_court_and_dates(client, popova, time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 1, tzinfo=UTC))
    other = HearingFactory(case=popova["private"], court=popova["upper"], starts_at=dt.datetime(2032, 1, 1, tzinfo=UTC))
    client.force_login(popova["lawyer"])
    by_case = client.get(reverse("web:dashboard"), {"case": popova["private"].pk}).context["board"]
    by_court = client.get(reverse("web:dashboard"), {"court": popova["court"].pk}).context["board"]
    by_dates = client.get(reverse("web:dashboard"), {"date_from": "2031-03-14", "date_to": "2031-03-14"}).context[
        "board"
    ]
    assert (by_case.upcoming, by_court.upcoming, by_dates.upcoming) == (
        [other],
        [popova["upcoming"]],
        [popova["upcoming"]],
    )


def test_bad_filters_are_form_errors_not_500s(client, popova):
    client.force_login(popova["lawyer"])
    dashboard = client.get(reverse("web:dashboard"), {"date_from": "yesterday", "date_to": "2020-01-01", "case": "x"})
    assert dashboard.status_code == 400  # the page with the form's messages
    assert dashboard.context["form"].errors == {
        "date_from": ["Enter a valid date."],
        "case": ["Select a valid choice. That choice is not one of the available choices."],
    }
    cases = client.get(reverse("web:case_list"), {"tag": "no-such-tag", "status": "bogus", "page": "-3"})
    assert cases.status_code == 200
    assert sorted(cases.context["form"].errors) == ["status", "tag"]


def test_the_case_list_searches_and_filters(client, popova):
    client.force_login(popova["lawyer"])
    popova["public"].tags.create(name="facial recognition", slug="facial-recognition")

    def titles(**params):
        return [c.title for c in client.get(reverse("web:case_list"), params).context["page"].object_list]

    assert titles(q="popova") == ["Popova v. Moscow"]
    assert titles(q="witness") == ["Popova v. Moscow"]  # a party's alias
    assert titles(visibility="private") == ["Secret v. Ministry"]
    assert titles(tag="facial-recognition") == ["Popova v. Moscow"]
    assert titles(court=popova["court"].pk) == ["Popova v. Moscow"]
    assert titles(status="decided") == []


# --- Public page ---------------------------------------------------------------------------


def test_the_public_page_shows_no_private_data(client, popova):
    AppealFactory(ruling=popova["ruling"], court=popova["upper"], status="planned", filed_on=None)
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"])).content.decode()
    for public in ("Popova v. Moscow", "Alena Popova", "Witness A", "Picket at the Duma", "Add to calendar"):
        assert public in page
    for private in (
        "Ivan Hiddenname",
        "ivan.hidden@example.org",
        "+7 900",
        "secret address",
        "neighbour of the plaintiff",
        "Internal strategy meeting",
        "(private)",
        "Moscow City Court",  # the planned appeal's court: a plan, not a public fact
    ):
        assert private not in page


def test_the_add_to_calendar_file_has_the_hearing(client, popova):
    hearing = popova["upcoming"]
    response = client.get(reverse("web:public_hearing_ics", args=["popova-v-moscow", hearing.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime(2031, 3, 14, 7, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Merits hearing: Popova v. Moscow"  # the feed's event (reminders/calendar.py)
    assert str(event["location"]) == "Savyolovsky District Court, courtroom 412"
    assert "Bring the expert" not in response.content.decode()


def test_a_private_cases_hearing_has_no_calendar_file(client, desk):
    hearing = HearingFactory(case=desk["private"], court=desk["court"])
    assert client.get(reverse("web:public_hearing_ics", args=["secret-v-ministry", hearing.pk])).status_code == 404


# --- Languages and time --------------------------------------------------------------------


def test_the_public_page_speaks_the_browsers_language(client, popova):
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="ru").content
    assert "Ближайшее заседание" in page.decode()
    assert "14 марта 2031 г., 10:30" in page.decode()


def test_the_chosen_language_is_remembered(client, popova):
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"]), HTTP_ACCEPT_LANGUAGE="en").content
    assert "Хронология" in page.decode()


def test_times_show_the_court_zone_and_the_viewers(client, popova):
    client.post(reverse("web:preferences"), {"time_zone": "America/New_York", "next": "/"})
    page = client.get(reverse("web:public_case", args=["popova-v-moscow"])).content.decode()
    assert 'March 14, 2031, 10:30</time> <span class="zone">court time (Europe/Moscow)</span>' in page
    assert '· 03:30 <span class="zone">your time (America/New_York)</span>' in page


def test_an_unknown_time_zone_is_refused(client, db):
    response = client.post(reverse("web:preferences"), {"time_zone": "Mars/Olympus", "next": "/"})
    assert response.status_code == 400
    assert "time_zone" in response.context["form"].errors


# --- Queries per page ----------------------------------------------------------------------


def _more_rows(popova):
    """A second case and extra hearings and deadlines, so a query per row would show in the counts."""
    for i in range(3):
        HearingFactory(case=popova["private"], court=popova["upper"], starts_at=dt.datetime(2031, 6, 1 + i, tzinfo=UTC))
    for case in (popova["public"], popova["private"]):
        for final_form_on in (dt.date(2019, 11, 11), None):  # one dated deadline, one of unknown date
            ruling_actions.ruling_record(
                case=case,
                court=CourtFactory(),
                decided_on=dt.date(2019, 11, 6),
                final_form_on=final_form_on,
                outcome="dismissed",
            )
    CaseFactory(organization=popova["private"].organization, title="Third v. State", slug="third-v-state")


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        ("web:dashboard", [], 8),
        ("web:case_list", [], 7),
        ("web:case_detail", ["popova-v-moscow"], 18),
        ("web:hearing_create", ["popova-v-moscow"], 8),
    ],
)
# dashboard: session, user, hearings, deadlines with a date, deadlines of unknown date, the
#   case and court choices of the filter, and whether the user owns an organization (the
#   access log's link).
# case list: session, user, count, court and tag choices, the page of cases, their tags.
# case page: session, user, the case, its tags, parties, dockets, facts, hearings, their moves,
#   rulings, appeals; membership and write permission; the deadlines; the subscribers count;
#   the documents; the latest dossiers; the access log's INSERT (a party's contacts shown), one
#   statement (it sets synchronous_commit for its own commit: accesslog/services.py).
# hearing form: session, user, case, membership, write permission, open appeal and latest
#   hearing (the default court), the court choices.
def test_lawyer_page_queries(client, popova, django_assert_num_queries, name, args, queries):
    _more_rows(popova)
    client.force_login(popova["lawyer"])
    with django_assert_num_queries(queries):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_appeal_form_queries(client, popova, django_assert_num_queries):
    # session, user, the ruling with its court and two courts up (one join), membership, write
    # permission, the international courts, the appellant choices (the court choices are that list)
    client.force_login(popova["lawyer"])
    with django_assert_num_queries(7):
        assert (
            client.get(reverse("web:appeal_create", args=["popova-v-moscow", popova["ruling"].pk])).status_code == 200
        )


def test_ruling_form_queries(client, popova, django_assert_num_queries):
    # session, user, case, membership, write permission, open appeal and latest hearing (the
    # default court), the court choices
    client.force_login(popova["lawyer"])
    with django_assert_num_queries(8):
        assert client.get(reverse("web:ruling_create", args=["popova-v-moscow"])).status_code == 200


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [("web:public_case_list", [], 3), ("web:public_case", ["popova-v-moscow"], 9)],
)
# public list: the cases, their tags and their parties without consent (whose names a title
# may hold: cases/redaction.py). Public case page: no session (anonymous), the case, its
# tags, parties, dockets, facts, hearings, their moves, rulings, appeals.
def test_public_page_queries(client, popova, django_assert_num_queries, name, args, queries):
    _more_rows(popova)
    with django_assert_num_queries(queries):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_an_appeal_is_offered_the_whole_hierarchy_then_international_courts(client, desk, django_assert_num_queries):
    # given district -> city -> cassation -> supreme, and the ECtHR
    supreme = CourtFactory(name="Supreme Court", level="supreme")
    cassation = CourtFactory(name="Second Cassation Court", level="cassation", appeals_to=supreme)
    desk["upper"].appeals_to = cassation
    desk["upper"].save()
    CourtFactory(name="European Court of Human Rights", level="international", time_zone=ZoneInfo("Europe/Paris"))
    ruling = RulingFactory(case=desk["private"], court=desk["court"])
    client.force_login(desk["lawyer"])
    # when the appeal form opens (in one query for the chain, however deep up to four levels)
    with django_assert_num_queries(7):
        form = client.get(reverse("web:appeal_create", args=["secret-v-ministry", ruling.pk])).context["form"]
    # then the next instance comes first and is preselected
    assert [label for _, label in form.fields["court"].choices] == [
        "---------",
        "Moscow City Court (Europe/Moscow)",
        "Second Cassation Court (Europe/Moscow)",
        "Supreme Court (Europe/Moscow)",
        "European Court of Human Rights (Europe/Paris)",
    ]
    assert form["court"].value() == desk["upper"].pk
