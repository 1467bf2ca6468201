"""Every members' and public page on a phone (390 x 844, Chromium), in English and Russian, with
the demo's content: nothing scrolls sideways. And the hearing card's "Record what happened"
form sits behind a disclosure that works without JavaScript."""

import datetime as dt

import pytest
from django.utils import timezone

from actions import hearings as hearing_actions
from cases.models import Case, CaseEvent, Hearing, Party, Ruling
from deadlines.models import Deadline
from reminders.models import Subscription
from tests.web.test_browser import browser, demo, new_page, shot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-GB", "ru": "ru-RU"}


def members_pages() -> list[str]:
    """Every page a lawyer opens, for every record of the demo (so its longest texts are shown)."""
    pages = ["/dashboard/", "/cases/", "/cases/?q=facial", "/preferences/", "/reminders/me/"]
    for case in Case.objects.order_by("pk"):
        base = f"/cases/{case.slug}"
        pages += [f"{base}/", f"{base}/edit/", f"{base}/parties/new/", f"{base}/facts/new/"]
        pages += [f"{base}/hearings/new/", f"{base}/rulings/new/", f"{base}/documents/new/"]
        pages += [f"{base}/parties/{pk}/edit/" for pk in Party.objects.filter(case=case).values_list("pk", flat=True)]
        pages += [f"{base}/facts/{pk}/edit/" for pk in CaseEvent.objects.filter(case=case).values_list("pk", flat=True)]
        for pk in Hearing.objects.filter(case=case).values_list("pk", flat=True):
            pages += [f"{base}/hearings/{pk}/edit/", f"{base}/hearings/{pk}/reschedule/"]
        pages += [
            f"{base}/rulings/{pk}/appeal/" for pk in Ruling.objects.filter(case=case).values_list("pk", flat=True)
        ]
        deadlines = Deadline.objects.filter(case=case).values_list("pk", flat=True)
        pages += [f"{base}/deadlines/{pk}/override/" for pk in deadlines]
    return pages


def public_pages() -> list[str]:
    pages = ["/public/", "/accounts/login/", "/accounts/password_reset/", "/preferences/"]
    for case in Case.objects.filter(is_public=True).order_by("pk"):
        pages += [f"/public/{case.slug}/", f"/reminders/cases/{case.slug}/subscribe/"]
    public_case = Case.objects.filter(is_public=True).first()
    assert public_case is not None, "the demo has public cases"
    subscription = Subscription.objects.create(case=public_case, email="phone@example.org", language="ru")
    pages += [
        f"/reminders/confirm/{subscription.confirm_token}/",
        f"/reminders/settings/{subscription.unsubscribe_token}/",
        f"/reminders/unsubscribe/{subscription.unsubscribe_token}/",
    ]
    return pages


def log_in_any_language(page, base):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill("lawyer")
    page.locator("#id_password").fill("lawyer-demo-2019")  # the published demo account (README)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{base}/dashboard/")


def too_wide(page, base, paths) -> list[tuple[str, int]]:
    wide = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response.status < 400, (path, response.status)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((path, width))
    return wide


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_page_is_wider_than_a_phone(browser, demo, language):  # noqa: F811
    # given the demo, whose Popova case has a held hearing (the two-language "What happened" form)
    outsider = new_page(browser, viewport=PHONE, locale=LOCALES[language])
    public = public_pages()
    member = new_page(browser, viewport=PHONE, locale=LOCALES[language])
    log_in_any_language(member, demo)
    assert member.locator("html").get_attribute("lang") == language
    # when a phone opens every page, then none scrolls sideways
    members = members_pages()
    assert len(members) > 60  # every record's forms, not three pages
    assert too_wide(outsider, demo, public) == []
    assert too_wide(member, demo, members) == []
    member.goto(f"{demo}/cases/popova-v-moscow/")
    shot(member, f"60-case-page-phone-{language}")


def test_what_happened_is_behind_a_disclosure_open_only_while_a_past_hearing_has_no_outcome(browser, demo):  # noqa: F811
    # given the held demo hearing with its outcome recorded (in Russian only), and a past one without
    case = Case.objects.get(slug="popova-v-moscow")
    recorded = hearing_actions.hearing_record_outcome(
        hearing=case.hearings.get(), outcome_notes_ru="Рассмотрение по существу; решение 6 ноября."
    )
    pending = hearing_actions.hearing_schedule(
        case=case, court=recorded.court, starts_at=timezone.now() - dt.timedelta(days=2)
    )
    # when a lawyer opens the case page in a browser without JavaScript
    signed_in = new_page(browser, viewport=PHONE)
    log_in_any_language(signed_in, demo)
    page = new_page(browser, viewport=PHONE, java_script_enabled=False, storage_state=signed_in.context.storage_state())
    page.goto(f"{demo}/cases/popova-v-moscow/")
    done, open_ = (
        page.locator(f"#hearing-{recorded.pk} details.outcome"),
        page.locator(f"#hearing-{pending.pk} details.outcome"),
    )
    # then the recorded one is closed (the card is as short as the others) and the pending one open
    assert done.get_attribute("open") is None and open_.get_attribute("open") == ""
    assert not done.locator("textarea").first.is_visible()
    assert open_.locator("textarea").first.is_visible()
    # and the summary opens the form, with no script
    done.get_by_text("Record what happened").click()
    assert done.locator("textarea").first.is_visible()
    shot(page, "61-outcome-disclosure")
