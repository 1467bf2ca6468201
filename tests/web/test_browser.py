"""The pages in a real browser: Debian's Chromium driven by Playwright against a live server on
PostgreSQL. Each test saves screenshots of the pages it visits under test-artifacts/ (not
committed) so a person can look at them."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, Hearing, HearingReschedule, Party, Ruling
from deadlines.models import Deadline
from reminders.models import Subscription, subscriber_email_hash

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and outside it, which is what this switch tells Django.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def demo(settings, live_server):
    settings.DEBUG = True  # seed_demo creates the demo accounts only under DEBUG
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    ARTIFACTS.mkdir(exist_ok=True)
    return live_server.url


def new_page(browser, **context):
    context.setdefault("timezone_id", "Europe/Berlin")
    context.setdefault("locale", "en-GB")
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    return page


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, base, username="lawyer"):
    password = f"{username}-demo-2019"  # the published demo accounts (README)
    page.goto(f"{base}/accounts/login/")
    shot(page, "01-login")
    page.get_by_label("Username:", exact=True).fill(username)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/dashboard/")


def test_a_lawyer_logs_a_hearing_reschedules_it_and_sees_it_on_the_dashboard(browser, demo):
    page = new_page(browser)
    log_in(page, demo)
    day = timezone.localdate() + dt.timedelta(days=30)
    moved = day + dt.timedelta(days=7)

    # log a hearing on the Popova case: the court comes from the case (the appeal is only planned,
    # so it is the Savyolovsky court of the last hearing), the time is the court's
    page.goto(f"{demo}/cases/popova-v-moscow/")
    page.get_by_role("link", name="Log a hearing").click()
    assert page.get_by_label("Court:", exact=True).input_value() == str(
        Hearing.objects.filter(case__slug="popova-v-moscow").first().court_id
    )
    # saving with no date shows the error next to the date field
    page.get_by_role("button", name="Save").click()
    assert "This field is required." in page.locator(".has-error").first.inner_text()
    shot(page, "04-hearing-form-errors")
    page.get_by_label("Date:", exact=True).fill(day.isoformat())
    page.get_by_label("Time at the court:", exact=True).fill("10:30")
    page.get_by_label("Courtroom:", exact=True).fill("412")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Hearing logged.")
    hearing = Hearing.objects.get(case__slug="popova-v-moscow", courtroom="412")
    assert hearing.starts_at == dt.datetime.combine(day, dt.time(7, 30), tzinfo=dt.UTC)
    card = page.locator(f"#hearing-{hearing.pk}")
    assert "10:30" in card.inner_text() and "court time (Europe/Moscow)" in card.inner_text()
    assert "your time (Europe/Berlin)" in card.inner_text()
    shot(page, "03-case-page")

    # reschedule it: the form opens inline (htmx) and the earlier date stays on the timeline
    card.get_by_role("link", name="Reschedule").click()
    form = page.locator(f"#reschedule-{hearing.pk} form")
    form.get_by_label("New date:", exact=True).fill(moved.isoformat())
    form.get_by_label("New time at the court:", exact=True).fill("14:00")
    form.get_by_label("Reason:", exact=True).fill("Judge ill")
    shot(page, "05-reschedule-inline")
    form.get_by_role("button", name="Save the new date").click()
    page.wait_for_selector("text=Hearing rescheduled")
    hearing.refresh_from_db()
    assert hearing.starts_at == dt.datetime.combine(moved, dt.time(11, 0), tzinfo=dt.UTC)
    assert HearingReschedule.objects.filter(hearing=hearing, reason="Judge ill").count() == 1
    assert "Moved from" in page.locator("#timeline + ol").inner_text()

    # a one-click action with JavaScript: htmx swaps the hearings section in place
    page.evaluate("window.notReloaded = true")
    page.locator(f"#hearing-{hearing.pk}").get_by_role("button", name="Mark postponed").click()
    page.wait_for_selector("text=Hearing postponed")
    assert "Postponed (new date not yet set)" in page.locator(f"#hearing-{hearing.pk}").inner_text()
    assert page.evaluate("window.notReloaded") is True
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.POSTPONED

    # the dashboard shows it, at the new time
    page.get_by_role("link", name="Dashboard").click()
    row = page.locator(f"#dashboard-hearing-{hearing.pk}")
    assert "14:00" in row.inner_text() and "Popova v. Moscow" in row.inner_text()
    shot(page, "02-dashboard")

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Search:", exact=True).fill("glukhin")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("text=1 case")
    assert page.locator("#case-rows tbody tr").count() == 1
    shot(page, "06-case-list")


def test_a_lawyer_records_a_ruling_and_sees_its_deadline_on_the_dashboard(browser, demo):
    page = new_page(browser)
    log_in(page, demo)
    today = timezone.localdate()

    # record a first-instance ruling on the Popova case, its final form made two days ago
    page.goto(f"{demo}/cases/popova-v-moscow/")
    page.get_by_role("link", name="Record a ruling").click()
    page.get_by_label("Decided on:", exact=True).fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_label("Decision in final form on:", exact=True).fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Ruling recorded.")
    deadline = Deadline.objects.get(ruling=Ruling.objects.filter(case__slug="popova-v-moscow").latest("id"))
    assert deadline.due_on is not None and deadline.due_on > today

    # the dashboard lists its appeal deadline, on its day, with the days left
    page.get_by_role("link", name="Dashboard").click()
    row = page.locator(f"#dashboard-deadline-{deadline.pk}")
    days_left = (deadline.due_on - today).days
    assert row.locator("time").get_attribute("datetime") == deadline.due_on.isoformat()
    assert f"in {days_left} days" in row.inner_text()
    assert "Popova v. Moscow" in row.inner_text() and "Appeal" in row.inner_text()
    shot(page, "08-dashboard-deadline")

    # from there to the case page, where the lawyer moves the date with a reason
    row.get_by_role("link", name="Popova v. Moscow").click()
    card = page.locator(f"#deadline-{deadline.pk}")
    card.get_by_text("Change the due date").click()
    moved = deadline.due_on + dt.timedelta(days=3)
    card.get_by_label("New due date").fill(moved.isoformat())
    card.get_by_label("Reason").fill("Copy served three days late")
    card.get_by_role("button", name="Save the due date").click()
    page.wait_for_selector("text=Due date changed")
    assert "Copy served three days late" in page.locator(f"#deadline-{deadline.pk}").inner_text()
    assert "Set by hand: Copy served three days late" in page.locator("#timeline + ol").inner_text()
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.override_reason) == (moved, "Copy served three days late")
    shot(page, "09-case-page-deadline")


def test_a_one_click_action_works_without_javascript(browser, demo):
    page = new_page(browser, java_script_enabled=False)
    log_in(page, demo)
    hearing = Hearing.objects.create(
        case_id=Hearing.objects.get(case__slug="popova-v-moscow").case_id,
        court_id=Hearing.objects.get(case__slug="popova-v-moscow").court_id,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    page.goto(f"{demo}/cases/popova-v-moscow/")
    page.locator(f"#hearing-{hearing.pk}").get_by_role("button", name="Mark postponed").click()
    page.wait_for_selector("text=Hearing postponed")
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.POSTPONED


def test_the_russian_interface_shows_russian_text(browser, demo):
    page = new_page(browser)
    log_in(page, demo)
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("text=Предстоящие заседания")
    page.goto(f"{demo}/cases/popova-v-moscow/")
    text = page.locator("main").inner_text()
    assert "Хронология" in text and "Записать заседание" in text and "6 ноября 2019 г." in text
    assert "Савёловский районный суд г. Москвы" in text  # a Russian court by its own name
    shot(page, "07-case-page-ru")


def test_the_public_page_follows_the_browser_language_and_shows_no_private_data(browser, demo):
    page = new_page(browser, locale="ru-RU", extra_http_headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    page.goto(f"{demo}/public/popova-v-moscow/")
    text = page.content()
    assert "Хронология" in page.locator("main").inner_text()
    # the case notes, hearing notes and party notes of the demo are private
    for private in ("Context: Moscow ran facial recognition", "one source only", "not confirmed from court records"):
        assert private not in text
    shot(page, "08-public-case-ru")
    mobile = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    mobile.goto(f"{demo}/public/popova-v-moscow/")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    shot(mobile, "09-public-case-mobile")


def test_two_lawyers_edit_the_same_hearing_and_the_second_save_is_refused(browser, demo):
    hearing = Hearing.objects.get(case__slug="popova-v-moscow")
    first, second = new_page(browser), new_page(browser)
    log_in(first, demo)
    log_in(second, demo, username="admin")
    edit = f"{demo}/cases/popova-v-moscow/hearings/{hearing.pk}/edit/"
    first.goto(edit)
    second.goto(edit)
    # the first lawyer saves a courtroom
    first.get_by_label("Courtroom:", exact=True).fill("101")
    first.get_by_role("button", name="Save").click()
    first.wait_for_selector("text=Hearing saved.")
    # the second, from the copy opened before, saves another: refused, with the current values
    second.get_by_label("Courtroom:", exact=True).fill("202")
    second.get_by_role("button", name="Save").click()
    alert = second.locator("#conflict")
    assert "Not saved: someone else changed this hearing after you opened it." in alert.inner_text()
    assert "101" in alert.inner_text()
    shot(second, "10-edit-conflict")
    hearing.refresh_from_db()
    assert (hearing.courtroom, hearing.version) == ("101", 2)


def test_a_lawyer_edits_a_party_adds_a_fact_and_sees_them_on_the_case_page(browser, demo):
    page = new_page(browser)
    log_in(page, demo)
    page.goto(f"{demo}/cases/popova-v-moscow/")
    party = Party.objects.get(case__slug="popova-v-moscow", name="Sarkis Darbinyan")
    page.get_by_role("link", name="Edit Sarkis Darbinyan").click()
    # withdraw the consent without giving an alias: refused, the message next to the alias
    page.get_by_label("Consents to the name being published").uncheck()
    page.get_by_label("Phone (private):", exact=True).fill("+7 495 000 00 00")
    page.get_by_role("button", name="Save").click()
    error = page.locator(".has-error")
    assert error.count() == 1
    assert "A party who has not consented to publication needs an alias." in error.inner_text()
    assert "Public alias" in error.inner_text()
    shot(page, "11-party-form-error")
    page.get_by_label("Public alias (English):", exact=True).fill("Lawyer D.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Party saved.")
    item = page.locator(f"#party-{party.pk}")
    assert "public as “Lawyer D.”" in item.inner_text() and "+7 495 000 00 00" in item.inner_text()
    party.refresh_from_db()
    assert (party.consent_to_publish, party.alias, party.contact_phone, party.version) == (
        False,
        "Lawyer D.",
        "+7 495 000 00 00",
        2,
    )

    # a fact known only to the month goes on the timeline
    page.get_by_role("link", name="Add a fact to the timeline").click()
    page.get_by_label("Date:", exact=True).fill("2019-09-01")
    page.get_by_label("Precision of the date:", exact=True).select_option("month")
    page.get_by_label("What happened (English):", exact=True).fill("Cameras added along the protest route")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Fact added to the timeline.")
    fact = CaseEvent.objects.get(title="Cameras added along the protest route")
    assert "September 2019" in page.locator(f"#fact-{fact.pk}").inner_text()
    shot(page, "12-case-page-edited")
    # the public page shows the alias, never the name or the phone
    public = new_page(browser)
    public.goto(f"{demo}/public/popova-v-moscow/")
    text = public.content()
    assert "Lawyer D." in text and "Sarkis Darbinyan" not in text and "+7 495" not in text

    # a colleague saves the party while this lawyer has its form open: refused, current values shown
    page.goto(f"{demo}/cases/popova-v-moscow/parties/{party.pk}/edit/")
    services.party_update(party=party, contact_phone="+7 495 111 11 11", expected_version=2)
    page.get_by_label("Public description (English):", exact=True).fill("Lawyer")
    page.get_by_role("button", name="Save").click()
    alert = page.locator("#conflict")
    assert "Not saved: someone else changed this record after you opened it." in alert.inner_text()
    assert "+7 495 111 11 11" in alert.inner_text()
    assert page.get_by_label("Public description (English):", exact=True).input_value() == "Lawyer"
    shot(page, "17-party-conflict")
    party.refresh_from_db()
    assert (party.description, party.version) == ("Lawyer, Roskomsvoboda (per press reports)", 3)
    page.goto(f"{demo}/cases/popova-v-moscow/")

    # the case's details, in Russian: a status the case cannot move to is refused in Russian
    before = Case.objects.values_list("status", "version").get(slug="popova-v-moscow")
    page.get_by_label("Language", exact=True).select_option("ru")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("text=Хронология")
    page.get_by_role("link", name="Изменить дело").click()
    page.get_by_label("Статус:", exact=True).select_option("preparing")
    page.get_by_role("button", name="Сохранить").click()
    error = page.locator(".has-error")
    assert error.count() == 1
    assert "Дело не может перейти из состояния" in error.inner_text() and "Статус" in error.inner_text()
    shot(page, "13-case-form-error-ru")
    assert Case.objects.values_list("status", "version").get(slug="popova-v-moscow") == before

    # on a phone: the forms and the case page fit the width
    phone = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(phone, demo)
    for path, name in (
        (f"/cases/popova-v-moscow/parties/{party.pk}/edit/", "14-party-form-phone"),
        ("/cases/popova-v-moscow/edit/", "15-case-form-phone"),
        ("/cases/popova-v-moscow/", "16-case-page-phone"),
    ):
        phone.goto(demo + path)
        assert (path, phone.evaluate("document.documentElement.scrollWidth")) == (path, 390)
        shot(phone, name)


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.outerHTML)"""


def test_every_input_has_a_label_and_the_login_works_from_the_keyboard(browser, demo):
    page = new_page(browser)
    # keyboard only: the username has the focus on arrival; type, Tab, type, Enter
    page.goto(f"{demo}/accounts/login/")
    assert page.evaluate("document.activeElement.id") == "id_login"  # allauth's name for the username
    page.keyboard.type("lawyer")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("lawyer-demo-2019")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{demo}/dashboard/")
    # on any other page the first Tab reaches the skip link, which jumps to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    ruling = Ruling.objects.filter(case__slug="popova-v-moscow").first()
    party = Party.objects.filter(case__slug="popova-v-moscow").first()
    for path in (
        "/dashboard/",
        "/cases/",
        "/cases/popova-v-moscow/",
        "/cases/popova-v-moscow/hearings/new/",
        "/cases/popova-v-moscow/rulings/new/",
        f"/cases/popova-v-moscow/rulings/{ruling.pk}/appeal/",
        "/cases/popova-v-moscow/edit/",
        "/cases/popova-v-moscow/parties/new/",
        f"/cases/popova-v-moscow/parties/{party.pk}/edit/",
        "/cases/popova-v-moscow/facts/new/",
        "/preferences/",
        "/public/popova-v-moscow/",
    ):
        page.goto(demo + path)
        assert (path, page.evaluate(UNLABELLED)) == (path, [])
        assert page.evaluate("document.documentElement.lang") == "en"


def test_a_visitor_subscribes_on_the_public_page_and_confirms(browser, demo, tmp_path):
    from tests.reminders.pipeline import SITE, celery_worker, smtp_server, wait_until, worker_env
    from tracker.celery import app

    app.control.purge()  # nothing left over from an earlier run on this Redis DB
    with smtp_server() as (mailbox, smtp_port):
        env = worker_env(smtp_port=smtp_port, var_dir=tmp_path / "var")
        with celery_worker(env, tmp_path / "worker.log"):
            # a visitor from Yekaterinburg lands on the public page, in Russian
            page = new_page(browser, timezone_id="Asia/Yekaterinburg", locale="ru-RU")
            page.goto(f"{demo}/public/popova-v-moscow/")
            page.reload()  # the zone cookie is sent from the second page on (tz.js)
            form = page.locator("form#subscribe")
            assert form.get_by_label("Язык:", exact=True).input_value() == "ru"
            assert form.get_by_label("Ваш часовой пояс:", exact=True).input_value() == "Asia/Yekaterinburg"
            feed = page.get_by_role("link", name="Календарь (iCalendar)")
            assert feed.get_attribute("href") == "/reminders/cases/popova-v-moscow/hearings.ics?lang=ru"
            form.get_by_label("Адрес электронной почты:", exact=True).fill("Supporter@Example.org")
            shot(page, "20-public-subscribe")
            form.get_by_role("button", name="Подписаться").click()
            page.get_by_role("heading", name="Проверьте почту").wait_for()
            shot(page, "21-subscribe-done")
            subscription = Subscription.objects.get(
                case__slug="popova-v-moscow", email_hash=subscriber_email_hash("supporter@example.org")
            )
            assert not subscription.is_active

            # the confirmation email arrives at the SMTP server, in Russian, with the link
            [message] = wait_until(mailbox.snapshot, timeout=60, what="the confirmation email")
            assert message["To"] == "supporter@example.org"
            text = message.get_body(preferencelist=("plain",)).get_content()
            link = f"{SITE}/reminders/confirm/{subscription.confirm_token}/"
            assert link in text

            # following it shows a button (mail scanners must not confirm), pressing it confirms
            page.goto(demo + link.removeprefix(SITE))
            page.get_by_role("button", name="Подтвердить").click()
            page.get_by_role("heading", name="Подписка подтверждена").wait_for()
            shot(page, "22-subscription-confirmed")
    subscription.refresh_from_db()
    assert subscription.is_active
    assert (subscription.language, str(subscription.time_zone)) == ("ru", "Asia/Yekaterinburg")


def test_a_lawyer_uploads_a_document_and_downloads_a_generated_dossier(browser, demo, settings, tmp_path):
    import hashlib
    import io

    import pypdf

    from documents.models import Document
    from tests.reminders.pipeline import celery_worker, smtp_server, worker_env
    from tracker.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"  # the live server's and the worker's, the same folder
    app.control.purge()
    page = new_page(browser)
    log_in(page, demo)
    page.goto(f"{demo}/cases/popova-v-moscow/")

    # upload a document: it is listed with its hash
    content = b"%PDF-1.4\n% statement of claim\n"
    page.get_by_text("Upload a document").click()
    page.get_by_label("Title:", exact=True).fill("Statement of claim")
    page.get_by_label("Kind:", exact=True).select_option("pleading")
    page.get_by_label("Document date:", exact=True).fill("2019-10-02")
    page.get_by_label("File:", exact=True).set_input_files(
        {"name": "claim.pdf", "mimeType": "application/pdf", "buffer": content}
    )
    page.get_by_role("button", name="Upload").click()
    document = Document.objects.get(title="Statement of claim")
    row = page.locator(f"#document-{document.pk}")
    row.wait_for()
    assert hashlib.sha256(content).hexdigest() in row.inner_text()
    assert document.uploaded_by.username == "lawyer"

    # generate the public dossier in English: a real worker renders it while the page polls
    with smtp_server() as (_, smtp_port):
        env = worker_env(smtp_port=smtp_port, var_dir=tmp_path / "var", MEDIA_ROOT=str(settings.MEDIA_ROOT))
        with celery_worker(env, tmp_path / "worker.log"):
            page.get_by_label("Edition:", exact=True).select_option("public")
            page.get_by_label("Language:", exact=True).select_option("en")
            page.get_by_role("button", name="Generate dossier").click()
            page.wait_for_url(f"{demo}/cases/popova-v-moscow/dossiers/*/")
            shot(page, "30-dossier-progress")
            download_link = page.get_by_role("link", name="Download the PDF")
            download_link.wait_for(timeout=120_000)
    shot(page, "31-dossier-ready")
    with page.expect_download() as download:
        download_link.click()
    pdf = pypdf.PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Popova v. Moscow" in text
    assert "Statement of claim" not in text  # a private document stays out of the public edition
    page.goto(f"{demo}/cases/popova-v-moscow/")
    shot(page, "32-case-documents-dossier")
