"""`make run`'s own stack, as a first user meets it: SQLite, the filesystem broker, and the
processes of Procfile.dev started by honcho as `make run` starts them (web on runserver, a
Celery worker, beat with the ticks its migrations register, the console mail sink on aiosmtpd),
on a copy of the demo database that `make run` makes. Each test drives it over HTTP only: the
README's flows, from the login page to the PDF, the email and the webhook.

The rest of the suite runs on PostgreSQL; this is what keeps the first `make run` working."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest
import requests
from standardwebhooks import Webhook

from tests.processes import BIN, free_port, manage, running, sqlite_demo_env, wait_for_http
from tests.web.test_browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.slow

POPOVA = "popova-v-moscow"


@dataclass
class Stack:
    base: str
    env: dict[str, str]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, pattern: str, *, timeout: float, after: int = 0) -> re.Match[str]:
        """The first match of `pattern` in honcho's output past character `after`."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.compile(pattern).search(self.log_text(), after)
            if found:
                return found
            assert time.monotonic() < deadline, f"{pattern!r} not in the log:\n{self.log_text()[-4000:]}"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def stack(sqlite_demo, tmp_path_factory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = sqlite_demo_env(
        sqlite_demo,
        folder / "var",
        EMAIL_PORT=str(free_port()),
        SITE_BASE_URL=f"http://127.0.0.1:{port}",
        WEBHOOKS_ALLOW_LOOPBACK="true",  # README: for local work, the receiver below is on loopback
    )
    log = folder / "honcho.log"
    # exactly make run's last step: honcho, Procfile.dev, the web on --port
    with running([str(BIN / "honcho"), "-f", "Procfile.dev", "start", "--port", str(port)], env=env, log=log):
        stack = Stack(base=f"http://127.0.0.1:{port}", env=env, log=log)
        status, body, _ = wait_for_http(f"{stack.base}/readyz", timeout=120)
        assert status == 200, body  # database, cache, storage and the beat's tick
        stack.wait_for_log(r"Mail sink listening on 127\.0\.0\.1:", timeout=60)
        stack.wait_for_log(r"worker\.1 .*celery@\S+ ready", timeout=60)
        yield stack


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def log_in(stack: Stack, username: str) -> requests.Session:
    """A session logged in through the login form, as a browser does."""
    session = requests.Session()
    page = session.get(f"{stack.base}/accounts/login/")
    answer = session.post(
        f"{stack.base}/accounts/login/",
        data={"username": username, "password": f"{username}-demo-2019", "csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": page.url},
    )
    assert answer.url == f"{stack.base}/dashboard/", answer.text[-2000:]
    return session


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# --- The dossier: the product's first impression ----------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def test_a_lawyer_generates_the_popova_dossier_on_the_case_page_in_both_languages(stack, browser):
    # given the lawyer logged in through the login page
    page = browser.new_context(locale="en-GB", accept_downloads=True).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{stack.base}/accounts/login/")
    page.get_by_label("Username:", exact=True).fill("lawyer")
    page.get_by_label("Password:", exact=True).fill("lawyer-demo-2019")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{stack.base}/dashboard/")

    expected = {"en": "Popova v. Moscow (facial recognition at protests)", "ru": "Попова против Москвы"}
    dossier_pages = {}
    for language, label in (("en", "English"), ("ru", "Русский")):
        # when they press "Generate dossier" on the Popova case
        page.goto(f"{stack.base}/cases/{POPOVA}/")
        page.locator("#dossier_edition").select_option("internal")
        page.locator("#dossier_language").select_option(language)
        page.get_by_role("button", name="Generate dossier").click()
        # then the progress page follows the worker's render (htmx polls) to the download link
        page.wait_for_url(re.compile(rf"{stack.base}/cases/{POPOVA}/dossiers/\d+/$"))
        dossier_pages[language] = page.url
        link = page.get_by_role("link", name="Download the PDF")
        link.wait_for(timeout=120_000)
        # and the PDF downloads, in the language asked for, and pypdf reads it
        answer = page.request.get(stack.base + link.get_attribute("href"))
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf", label
        text = pdf_text(answer.body())
        assert expected[language] in text, text[:500]

    # and asking again for the unchanged case gives the same dossier at once (the fingerprint)
    page.goto(f"{stack.base}/cases/{POPOVA}/")
    page.locator("#dossier_language").select_option("en")
    page.get_by_role("button", name="Generate dossier").click()
    page.wait_for_url(re.compile(rf"{stack.base}/cases/{POPOVA}/dossiers/\d+/$"))
    assert page.url == dossier_pages["en"]
    assert page.get_by_role("link", name="Download the PDF").is_visible()


def test_the_dossier_command_renders_on_sqlite(stack, tmp_path):
    out = tmp_path / "popova.pdf"
    run = manage("dossier", POPOVA, "--edition", "public", "--lang", "ru", "--out", str(out), env=stack.env)
    assert run.returncode == 0, run.stderr
    assert "Попова против Москвы" in pdf_text(out.read_bytes())


# --- A hearing logged, a subscriber confirmed, the reminder delivered -------------------------


def test_a_subscriber_confirms_and_is_reminded_of_the_hearing_a_lawyer_logs(stack):
    start = len(stack.log_text())
    # given a reader who subscribes on the public case page, two hours ahead
    reader = requests.Session()
    public = reader.get(f"{stack.base}/public/{POPOVA}/")
    assert public.status_code == 200 and f"/reminders/cases/{POPOVA}/subscribe/" in public.text
    form = {"csrfmiddlewaretoken": _csrf(public.text), "time_zone": "Europe/Berlin", "offsets_minutes": ["120"]}
    subscribed = reader.post(
        f"{stack.base}/reminders/cases/{POPOVA}/subscribe/",
        data={**form, "email": "reader@example.net", "language": "en"},
        headers={"Referer": public.url},
    )
    assert subscribed.status_code == 200, subscribed.text[-2000:]
    # and one in Russian, whose confirmation names the case in Russian
    reader.post(
        f"{stack.base}/reminders/cases/{POPOVA}/subscribe/",
        data={**form, "email": "chitatel@example.net", "language": "ru"},
        headers={"Referer": public.url},
    )
    # when the reader follows the confirmation link the mail sink printed, and presses Confirm
    mail = stack.wait_for_log(r"To: reader@example\.net", timeout=90, after=start)
    link = stack.wait_for_log(rf"{re.escape(stack.base)}/reminders/confirm/[\w-]+/", timeout=10, after=mail.end())
    assert "Confirm your subscription" in reader.get(link.group(0)).text
    assert reader.post(link.group(0)).status_code == 200
    stack.wait_for_log(
        r"Subject: Подтвердите подписку на заседания по делу «Попова против Москвы", timeout=60, after=start
    )

    # and a lawyer logs a hearing on the page, in the court's time, 2 hours and 30 seconds ahead
    lawyer = log_in(stack, "lawyer")
    new = lawyer.get(f"{stack.base}/cases/{POPOVA}/hearings/new/")
    court = re.search(r'<option value="(\d+)" selected', new.text).group(1)  # type: ignore[union-attr]
    starts_at = dt.datetime.now(ZoneInfo("Europe/Moscow")) + dt.timedelta(hours=2, seconds=30)
    logged = lawyer.post(
        f"{stack.base}/cases/{POPOVA}/hearings/new/",
        data={
            "csrfmiddlewaretoken": _csrf(new.text),
            "court": court,
            "date": starts_at.date().isoformat(),
            "time": starts_at.strftime("%H:%M:%S"),
            "kind": "merits",
            "duration_minutes": "60",
            "courtroom": "Stack 1",
        },
        headers={"Referer": new.url},
    )
    assert logged.status_code == 200 and "Stack 1" in logged.text, logged.text[-2000:]

    # then within the beat's minute the reminder reaches the subscriber through SMTP
    reminder = stack.wait_for_log(
        r"To: reader@example\.net\n[^\n]*Subject: Reminder: hearing on the merits in Popova", timeout=150, after=start
    )
    assert "[attachments: hearing.ics]" in stack.log_text()[reminder.end() : reminder.end() + 6000]
    # and the subscriber in Russian, never confirmed, got nothing but the confirmation
    assert not re.search(r"To: chitatel@example\.net\n[^\n]*Subject: Напоминание", stack.log_text()[start:])


# --- Search, the feed, a webhook ---------------------------------------------------------------


def test_the_case_list_is_searched_in_both_languages(stack):
    lawyer = log_in(stack, "lawyer")
    # on SQLite a substring in either language (README: "A case in Russian and English")
    for query in ("Попова", "facial", "Popova"):
        page = lawyer.get(f"{stack.base}/cases/", params={"q": query})
        assert page.status_code == 200 and f'href="/cases/{POPOVA}/"' in page.text, query
    nothing = lawyer.get(f"{stack.base}/cases/", params={"q": "no-such-word-anywhere"})
    assert nothing.status_code == 200 and f'href="/cases/{POPOVA}/"' not in nothing.text
    api = requests.get(f"{stack.base}/api/v1/cases/", params={"q": "Попова"}, timeout=30).json()
    assert POPOVA in [case["slug"] for case in api["results"]]


def test_the_feed_is_read_page_by_page(stack):
    whole = requests.get(f"{stack.base}/api/v1/changes/", params={"limit": 1000}, timeout=30).json()
    assert not whole["has_more"] and len(whole["results"]) > 20
    items, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, **({"since": cursor} if cursor else {})}
        page = requests.get(f"{stack.base}/api/v1/changes/", params=params, timeout=30)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["results"]
        pages += 1
        cursor = body["next"]
        if not body["has_more"]:
            break
    # then the replica built page by page holds what one read of the whole feed gives (a record
    # mentioned on two pages comes twice, its last version last)
    assert pages > 3

    def replica(results: list[dict]) -> dict[tuple[str, int], int | None]:
        return {(i["type"], i["id"]): i["version"] for i in results}

    assert replica(items) == replica(whole["results"])
    assert len(replica(items)) > 20


class _Receiver(BaseHTTPRequestHandler):
    secret: str = ""
    batches: list[dict] = []  # noqa: RUF012 (one receiver a test)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.batches.append(Webhook(self.secret).verify(body, dict(self.headers)))  # raises on a bad signature
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_webhook_receives_the_hearing_written_through_the_api(stack):
    # given a lawyer's API token (the README's command) and a receiver on loopback
    created = manage("api_token", "create", "lawyer", "--name", "stack test", env=stack.env)
    assert created.returncode == 0, created.stderr
    headers = {"Authorization": f"Bearer {created.stdout.split()[-1]}"}
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = requests.post(
            f"{stack.base}/api/v1/webhooks/",
            json={
                "organization": "demo-desk",
                "url": f"http://127.0.0.1:{server.server_port}/hook",
                "types": ["hearing"],
                "since": "now",
            },
            headers=headers,
            timeout=30,
        )
        assert endpoint.status_code == 201, endpoint.text
        _Receiver.secret = endpoint.json()["secret"]
        # when the lawyer logs a hearing through the API
        case = requests.get(f"{stack.base}/api/v1/cases/", params={"q": "Попова"}, headers=headers, timeout=30)
        popova = next(c for c in case.json()["results"] if c["slug"] == POPOVA)
        court = requests.get(f"{stack.base}/api/v1/courts/", headers=headers, timeout=30).json()["results"][0]["id"]
        hearing = requests.post(
            f"{stack.base}/api/v1/hearings/",
            json={
                "case": popova["id"],
                "court": court,
                "starts_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=40)).isoformat(),
                "courtroom": "Webhook 7",
            },
            headers=headers,
            timeout=30,
        )
        assert hearing.status_code == 201, hearing.text
        # then the receiver gets it, signed, in a batch shaped like a feed page
        deadline = time.monotonic() + 60
        while not any(i["id"] == hearing.json()["id"] for b in _Receiver.batches for i in b["results"]):
            assert time.monotonic() < deadline, _Receiver.batches
            time.sleep(0.3)
        item = next(i for b in _Receiver.batches for i in b["results"] if i["id"] == hearing.json()["id"])
        assert (item["type"], item["op"], item["data"]["courtroom"]) == ("hearing", "upsert", "Webhook 7")
        deliveries = requests.get(
            f"{stack.base}/api/v1/webhooks/{endpoint.json()['id']}/deliveries/", headers=headers, timeout=30
        ).json()
        assert deliveries["results"][0]["outcome"] == "delivered"
    finally:
        server.shutdown()


# --- Every page the README lists ---------------------------------------------------------------

README_PAGES = [
    "/",
    "/dashboard/",
    "/cases/",
    f"/cases/{POPOVA}/",
    f"/cases/{POPOVA}/hearings/new/",
    f"/cases/{POPOVA}/rulings/new/",
    f"/cases/{POPOVA}/edit/",
    f"/cases/{POPOVA}/parties/new/",
    f"/cases/{POPOVA}/facts/new/",
    f"/cases/{POPOVA}/documents/new/",
    "/public/",
    f"/public/{POPOVA}/",
    f"/reminders/cases/{POPOVA}/subscribe/",
    f"/reminders/cases/{POPOVA}/hearings.ics",
    "/preferences/",
    "/reminders/me/",
    "/accounts/password_reset/",
    "/accounts/2fa/",
    "/account/api-tokens/",
    "/api/v1/cases/",
    "/api/v1/changes/",
    "/api/schema/",
    "/api/docs/",
    "/healthz",
    "/readyz",
    "/metrics",
]


def test_every_page_the_readme_lists_answers_on_sqlite(stack):
    """No 500 on SQLite: the README's pages as the lawyer, and every list, add and first change
    page of the admin as its owner."""
    lawyer = log_in(stack, "lawyer")
    for path in README_PAGES:
        answer = lawyer.get(stack.base + path)  # "/" sends a member on to the dashboard
        assert answer.status_code == 200, (path, answer.status_code, answer.text[-1500:])
        for language in ("en", "ru"):
            assert lawyer.get(stack.base + path, headers={"Accept-Language": language}).status_code == 200

    admin = log_in(stack, "admin")
    # what only the demo organization's owner reads (README: access log, its security page)
    for path in ("/access-log/", "/api/v1/access-log/", "/organizations/demo-desk/security/"):
        for language in ("en", "ru"):
            answer = admin.get(stack.base + path, headers={"Accept-Language": language})
            assert answer.status_code == 200, (path, answer.status_code, answer.text[-1500:])
    index = admin.get(f"{stack.base}/admin/")
    lists = sorted(set(re.findall(r'href="(/admin/\w+/\w+/)"', index.text)))
    assert len(lists) > 15
    for path in lists:
        listing = admin.get(stack.base + path)
        assert listing.status_code == 200, (path, listing.text[-1500:])
        # the "Add" page where the admin offers one, and the first record's page
        pages = re.findall(rf'href="({re.escape(path)}add/)"', listing.text)[:1]
        pages += re.findall(rf'href="({re.escape(path)}\d+/change/)', listing.text)[:1]
        for page in pages:
            answer = admin.get(stack.base + page)
            assert answer.status_code == 200, (page, answer.status_code, answer.text[-1500:])


def test_the_log_shows_no_server_error_and_no_failed_task(stack):
    """Run last: nothing above made the web answer 5xx or a task fail (Celery logs ERROR)."""
    failures = [line for line in stack.log_text().splitlines() if re.search(r'" 5\d\d \d+$|ERROR/', line)]
    assert failures == []
