"""A failed reading's words ("no connection within 10 s", "the page is cut off") are written by
a worker, in no one's language, and read by a lawyer on the case page, in the API and in an
email: they are kept untranslated (courtwatch.reading.Words) and put into the reader's language
when shown."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from courtwatch import rounds, schedule
from courtwatch.models import CourtWatch
from courtwatch.notices import watch_failure_message
from courtwatch.reading import Words, words
from courtwatch.selectors import watch_problem_words
from reminders.models import MemberReminderSettings
from tests.courtwatch.conftest import watch_on
from tests.factories import MembershipFactory, UserFactory


def test_words_are_english_until_shown_and_then_in_the_active_language():
    refusal = words(
        gettext_noop("redirected to %(url)s: %(reason)s"),
        url="https://example.com/",
        reason=words(gettext_noop("%(host)s is not a valid host name."), host="bad_host"),
    )
    assert refusal.english() == "redirected to https://example.com/: bad_host is not a valid host name."
    with translation.override("ru"):
        assert refusal.translated() == ("перенаправление на https://example.com/: bad_host — недопустимое имя сайта.")
    assert Words.from_json(refusal.as_json()) == refusal


def test_words_without_values_keep_a_literal_percent_and_unknown_text_as_it_is():
    assert Words("GET /a%20b failed").translated() == "GET /a%20b failed"
    assert Words("HTTP 503").english() == "HTTP 503"


@pytest.mark.parametrize("stored", [None, "text", {"values": {}}, {"source": 5}, {"source": "x", "values": {"a": [1]}}])
def test_anything_but_what_as_json_wrote_is_not_words(stored):
    assert Words.from_json(stored) is None


@pytest.mark.django_db
def test_a_real_captcha_card_is_told_in_each_readers_language(court_site, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 0
    # given a watch whose card the court's site answers with its captcha page
    watch = watch_on(court_site.url("/cards/captcha-sudrf.html"))
    claim = schedule.watch_claim(watch_id=watch.pk)
    # when the round reads it (in the worker: no one's language)
    result = rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)
    watch = CourtWatch.objects.get(pk=watch.pk)
    # then the record keeps the English detail and the words to translate
    assert (result.detail, watch.last_problem_detail) == ("the court's site asks for a captcha",) * 2
    with translation.override("en"):
        assert watch_problem_words(watch) == "The court's site asks for a captcha (the court's site asks for a captcha)"
    with translation.override("ru"):
        assert watch_problem_words(watch) == "Сайт суда требует ввести капчу (сайт суда требует ввести капчу)"
    # and a Russian-reading lawyer's email says it in Russian
    lawyer = MembershipFactory(
        organization=watch.docket.case.organization, role="lawyer", user=UserFactory(username="boris")
    ).user
    MemberReminderSettings.objects.create(user=lawyer, language="ru")
    assert "Причина: Сайт суда требует ввести капчу (сайт суда требует ввести капчу)" in (
        watch_failure_message(watch, lawyer).body
    )
    # and the case page in Russian
    client = Client()
    client.force_login(lawyer)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("web:case_detail", args=[watch.docket.case.slug])).content.decode()
    assert "сайт суда требует ввести капчу" in page
    assert "the court&#x27;s site asks for a captcha" not in page


@pytest.mark.django_db
def test_a_watch_recorded_before_the_words_shows_its_english_detail(court_site):
    watch = watch_on(court_site.url("/cards/mos-gorsud.html"))
    CourtWatch.objects.filter(pk=watch.pk).update(last_problem="http", last_problem_detail="HTTP 502")
    with translation.override("ru"):
        assert watch_problem_words(CourtWatch.objects.get(pk=watch.pk)).endswith("(HTTP 502)")


@pytest.mark.django_db
def test_an_address_refused_at_the_connection_is_told_in_each_readers_language(public_court, settings):
    settings.COURT_WATCH_HOST_INTERVAL = 0
    # given a court's host that resolves to the cloud's metadata address behind NAT64
    public_court.names["krv--spb.sudrf.ru"] = "64:ff9b::a9fe:a9fe"
    watch = watch_on("http://krv--spb.sudrf.ru/modules.php?name=sud_delo")
    claim = schedule.watch_claim(watch_id=watch.pk)
    # when the worker's round refuses to connect (the worker in another language than the lawyer)
    with translation.override("ru"):
        rounds.watch_round(watch_id=watch.pk, claimed_at=claim.claimed_at)
    watch = CourtWatch.objects.get(pk=watch.pk)
    # then the refusal is kept in no one's language and told in the reader's, the inner phrase too
    assert watch.last_problem == CourtWatch.Problem.REFUSED
    assert watch.last_problem_detail == (
        "krv--spb.sudrf.ru resolves to 64:ff9b::a9fe:a9fe, NAT64 of 169.254.169.254, a private, "
        "link-local or reserved address: only public addresses may be reached."
    )
    with translation.override("ru"):
        assert watch_problem_words(watch).endswith(
            "(krv--spb.sudrf.ru указывает на 64:ff9b::a9fe:a9fe — NAT64-адрес для 169.254.169.254, "
            "частный, локальный (link-local) или зарезервированный адрес: разрешены только публичные адреса.)"
        )
    with translation.override("en"):
        assert "resolves to 64:ff9b::a9fe:a9fe, NAT64 of 169.254.169.254" in watch_problem_words(watch)
