"""The court watch on the case page: a lawyer points a docket at its card, sees its state and the
changes it shows, accepts or dismisses each with one click (POST with the CSRF token); a viewer
sees them without buttons and cannot act; an outsider finds nothing."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import hearings as hearing_actions
from cases import services as case_services
from cases.models import Hearing
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.proposals import updates_propose
from courtwatch.services import update_apply
from tests.courtwatch.readings import (
    MOS_GORSUD,
    MOS_GORSUD_POSTPONED,
    MOS_GORSUD_URL,
    SUDRF_URL,
)

pytestmark = pytest.mark.django_db
NOVEMBER = dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(NOVEMBER, tick=False):
        yield NOVEMBER


@pytest.fixture
def docket(desk):
    return case_services.docket_set(case=desk["private"], court=desk["court"], number="02а-0911/2026")


@pytest.fixture
def watch(docket):
    return CourtWatch.objects.create(docket=docket, url=MOS_GORSUD_URL, next_check_at=NOVEMBER)


@pytest.fixture
def proposals(watch):
    return updates_propose(watch=watch, reading=MOS_GORSUD)


def page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("web:case_detail", args=[case.slug]))
    assert response.status_code == 200
    return response.content.decode()


def url(name, case, pk):
    return reverse(f"web:{name}", args=[case.slug, pk])


def test_a_lawyer_watches_a_docket_from_the_case_page(client, desk, docket):
    case = desk["private"]
    html = page(client, desk["lawyer"], case)
    # the docket offers its form
    assert f'action="{url("court_watch_edit", case, docket.pk)}"' in html
    assert f'id="watch-{docket.pk}-url"' in html
    # when the lawyer gives the card's address
    response = client.post(url("court_watch_edit", case, docket.pk), {"url": MOS_GORSUD_URL, "auto_apply": "on"})
    # then the docket is watched, due now, and the page says so
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[case.slug]) + "#court-watch"
    watch = CourtWatch.objects.get()
    assert (watch.docket, watch.url, watch.auto_apply, watch.created_by, watch.next_check_at) == (
        docket,
        MOS_GORSUD_URL,
        True,
        desk["lawyer"],
        NOVEMBER,
    )
    html = client.get(response["Location"]).content.decode()
    assert "The court&#x27;s card is watched; its first reading is due now." in html
    assert "Not read yet: the first check is due." in html
    assert "New and moved hearings are applied at once." in html


def test_an_address_outside_the_courts_sites_is_a_form_error(client, desk, docket):
    client.force_login(desk["lawyer"])
    response = client.post(url("court_watch_edit", desk["private"], docket.pk), {"url": "https://example.org/card"})
    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert CourtWatch.objects.count() == 0


def test_a_lawyer_changes_the_address_and_a_stale_form_is_a_conflict(client, desk, watch):
    case, docket = desk["private"], watch.docket
    client.force_login(desk["lawyer"])
    form = client.get(url("court_watch_edit", case, docket.pk))
    assert form.context["form"].initial == {"url": MOS_GORSUD_URL, "auto_apply": False, "version": 1}
    saved = client.post(url("court_watch_edit", case, docket.pk), {"url": SUDRF_URL, "version": "1"})
    assert saved.status_code == 302
    stale = client.post(url("court_watch_edit", case, docket.pk), {"url": MOS_GORSUD_URL, "version": "1"})
    assert stale.status_code == 409
    assert stale.context["form"]["version"].value() == 2
    watch.refresh_from_db()
    assert (watch.url, watch.version) == (SUDRF_URL, 2)


def test_the_state_shows_the_last_problem_in_words(client, desk, watch):
    CourtWatch.objects.filter(pk=watch.pk).update(last_checked_at=NOVEMBER, last_problem="captcha", failures_in_a_row=3)
    html = page(client, desk["viewer"], desk["private"])
    assert "The card could not be read at the last check: The court&#x27;s site asks for a captcha." in html
    assert "3 checks in a row" in html


def test_the_lawyer_sees_the_proposals_with_accept_and_dismiss(client, desk, proposals):
    case = desk["private"]
    html = page(client, desk["lawyer"], case)
    held, upcoming = proposals
    assert "Changes the court's card shows" in html
    assert f'id="court-update-{upcoming.pk}"' in html
    assert "Судебное заседание" in html and "Проведена" in html
    for update in proposals:
        assert f'action="{url("court_update_apply", case, update.pk)}"' in html
        assert f'action="{url("court_update_dismiss", case, update.pk)}"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 4


def test_a_proposal_that_only_gives_the_room_is_labelled_so_in_each_language(client, desk, watch):
    # given the 10 December hearing, logged at its time but without its room (Moscow's zone)
    hearing_actions.hearing_schedule(
        case=desk["private"], court=desk["court"], starts_at=dt.datetime(2026, 12, 10, 7, 30, tzinfo=dt.UTC)
    )
    updates_propose(watch=watch, reading=MOS_GORSUD)
    html = page(client, desk["lawyer"], desk["private"])
    assert '<span class="badge">Courtroom given</span>' in html
    assert '<span class="badge">Hearing moved</span>' not in html
    client.cookies["django_language"] = "ru"
    assert '<span class="badge">Указан зал</span>' in page(client, desk["lawyer"], desk["private"])


def test_a_viewer_sees_the_proposals_without_buttons_and_cannot_act(client, desk, watch, proposals):
    case = desk["private"]
    html = page(client, desk["viewer"], case)
    assert f'id="court-update-{proposals[1].pk}"' in html
    assert "court-updates/" not in html and "court-watches/" not in html
    assert f'action="{url("court_watch_edit", case, watch.docket.pk)}"' not in html
    posts = [
        client.post(url("court_update_apply", case, proposals[1].pk)),
        client.post(url("court_update_dismiss", case, proposals[1].pk)),
        client.post(url("court_watch_pause", case, watch.pk)),
        client.post(url("court_watch_check", case, watch.pk)),
        client.post(url("court_watch_delete", case, watch.pk)),
        client.post(url("court_watch_edit", case, watch.docket.pk), {"url": SUDRF_URL}),
    ]
    assert [r.status_code for r in posts] == [403] * 6
    assert set(CourtUpdate.objects.values_list("state", flat=True)) == {"proposed"}
    watch.refresh_from_db()
    assert (watch.url, watch.paused, watch.version, Hearing.objects.count()) == (MOS_GORSUD_URL, False, 1, 0)


def test_an_outsider_finds_nothing(client, desk, watch, proposals):
    case = desk["private"]
    client.force_login(desk["outsider"])
    answers = [
        client.get(reverse("web:case_detail", args=[case.slug])),
        client.post(url("court_update_apply", case, proposals[1].pk)),
        client.post(url("court_watch_pause", case, watch.pk)),
        client.get(url("court_watch_edit", case, watch.docket.pk)),
    ]
    assert [r.status_code for r in answers] == [404] * 4
    assert set(CourtUpdate.objects.values_list("state", flat=True)) == {"proposed"}


def test_accepting_writes_the_hearing_and_dismissing_does_not(client, desk, proposals):
    case = desk["private"]
    held, upcoming = proposals
    client.force_login(desk["lawyer"])
    response = client.post(url("court_update_apply", case, upcoming.pk))
    hearing = Hearing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[case.slug]) + f"#hearing-{hearing.pk}"
    assert (hearing.starts_at, hearing.courtroom, hearing.history.get().history_change_reason) == (
        dt.datetime(2026, 12, 10, 7, 30, tzinfo=dt.UTC),
        "410",
        "From the court's card",
    )
    assert client.post(url("court_update_dismiss", case, held.pk)).status_code == 302
    assert dict(CourtUpdate.objects.values_list("pk", "state")) == {held.pk: "dismissed", upcoming.pk: "applied"}
    html = client.get(reverse("web:case_detail", args=[case.slug])).content.decode()
    assert "court-update-" not in html
    # a second click on a decided one says why, and writes nothing
    again = client.post(url("court_update_apply", case, upcoming.pk), follow=True)
    assert "Only a proposed change can be accepted or dismissed; this one is applied." in again.content.decode()
    assert Hearing.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused(desk, proposals):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(desk["lawyer"])
    assert browser.post(url("court_update_apply", desk["private"], proposals[1].pk)).status_code == 403
    assert (Hearing.objects.count(), CourtUpdate.objects.get(pk=proposals[1].pk).state) == (0, "proposed")


def test_accepting_a_move_over_a_later_edit_is_a_409_page_and_nothing_changes(client, desk, watch, proposals):
    case = desk["private"]
    update_apply(update=proposals[1], actor=desk["lawyer"])
    (moved,) = updates_propose(watch=watch, reading=MOS_GORSUD_POSTPONED)
    hearing = Hearing.objects.get()
    hearing_actions.hearing_update(hearing=hearing, courtroom="411", actor=desk["lawyer"])
    html = page(client, desk["lawyer"], case)
    assert "Неявка административного ответчика" in html
    response = client.post(url("court_update_apply", case, moved.pk))
    assert response.status_code == 409
    assert "The hearing was changed after the court&#x27;s card was read" in response.content.decode()
    hearing.refresh_from_db()
    assert (hearing.courtroom, hearing.version, CourtUpdate.objects.get(pk=moved.pk).state) == ("411", 2, "proposed")


def test_pause_resume_check_now_and_stop(client, desk, watch):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    assert client.post(url("court_watch_pause", case, watch.pk)).status_code == 302
    assert CourtWatch.objects.get().paused is True
    html = client.get(reverse("web:case_detail", args=[case.slug])).content.decode()
    assert "Paused: the card is not read until the watch is resumed." in html
    assert url("court_watch_resume", case, watch.pk) in html and url("court_watch_check", case, watch.pk) not in html
    refused = client.post(url("court_watch_check", case, watch.pk), follow=True)
    assert "The watch is paused: resume it to read the card." in refused.content.decode()
    assert client.post(url("court_watch_resume", case, watch.pk)).status_code == 302
    CourtWatch.objects.filter(pk=watch.pk).update(next_check_at=NOVEMBER + dt.timedelta(hours=6))
    assert client.post(url("court_watch_check", case, watch.pk)).status_code == 302
    assert CourtWatch.objects.get().next_check_at == NOVEMBER
    assert client.post(url("court_watch_delete", case, watch.pk)).status_code == 302
    assert CourtWatch.objects.count() == 0
    assert client.get(url("court_watch_pause", case, watch.pk)).status_code == 405


def test_the_watch_costs_the_case_page_one_query_however_many_proposals(
    client, desk, docket, django_assert_num_queries
):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    page_url = reverse("web:case_detail", args=[case.slug])
    client.get(page_url)
    # given the page's queries with the docket not watched (a watch comes in the dockets' query)
    with CaptureQueriesContext(connection) as unwatched:
        client.get(page_url)
    watch = CourtWatch.objects.create(docket=docket, url=MOS_GORSUD_URL, next_check_at=NOVEMBER)
    for reading in (MOS_GORSUD, MOS_GORSUD_POSTPONED):
        updates_propose(watch=watch, reading=reading)
    assert CourtUpdate.objects.filter(state="proposed").count() == 2
    # then the open proposals are one query more, with their hearings, dockets and courts
    with django_assert_num_queries(len(unwatched) + 1):
        assert client.get(page_url).status_code == 200
