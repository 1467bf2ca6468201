"""The Content-Security-Policy in a real browser: every main page, the admin, the browsable API
and Swagger UI load under the strict policy with no violation reported in Chromium's console
(a violation is how an inline script or style that slipped back in would show)."""

import re

import pytest

from cases.models import Case, Party
from documents.models import Dossier
from tests.web.test_browser import browser, demo, log_in, new_page, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
}


def watch(page):
    """Collect what the browser reports: console messages about the policy, and page errors."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text} ({msg.location.get('url')})")
            if "Content Security Policy" in msg.text or msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # The DOM event as well: it names the directive and the blocked source exactly.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def visit(page, url, problems, name, ready=None, policy=POLICY):
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert set(response.headers["content-security-policy"].split("; ")) == policy, url
    assert "camera=()" in response.headers["permissions-policy"], url
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    shot(page, f"csp-{name}")
    assert problems == [], (url, problems)


def test_no_page_breaks_the_content_security_policy(browser, demo):  # noqa: F811
    case = Case.objects.get(slug="popova-v-moscow")
    party = Party.objects.filter(case=case).first()
    Dossier.objects.create(case=case, edition="public", language="en")
    dossier = Dossier.objects.get(case=case)
    page = new_page(browser)
    problems = watch(page)
    visit(page, f"{demo}/public/", problems, "public-list")
    visit(page, f"{demo}/public/popova-v-moscow/", problems, "public-case")
    visit(page, f"{demo}/reminders/cases/popova-v-moscow/subscribe/", problems, "subscribe")
    visit(page, f"{demo}/preferences/", problems, "preferences")
    log_in(page, demo)
    assert problems == [], problems
    for name, path in [
        ("dashboard", "/dashboard/"),
        ("cases", "/cases/"),
        ("case", "/cases/popova-v-moscow/"),
        ("case-edit", "/cases/popova-v-moscow/edit/"),
        ("hearing-new", "/cases/popova-v-moscow/hearings/new/"),
        ("ruling-new", "/cases/popova-v-moscow/rulings/new/"),
        ("party-edit", f"/cases/popova-v-moscow/parties/{party.pk}/edit/"),
        ("fact-new", "/cases/popova-v-moscow/facts/new/"),
        ("document-new", "/cases/popova-v-moscow/documents/new/"),
        ("dossier", f"/cases/popova-v-moscow/dossiers/{dossier.pk}/"),
        ("member-reminders", "/reminders/me/"),
    ]:
        visit(page, demo + path, problems, name)

    # htmx still works under the policy: the inline reschedule form opens in place
    page.goto(f"{demo}/cases/popova-v-moscow/")
    page.evaluate("window.notReloaded = true")
    hearing_card = page.locator("[id^=hearing-]").first
    hearing_card.get_by_role("link", name="Reschedule").click()
    page.wait_for_selector("[id^=reschedule-] form")
    assert page.evaluate("window.notReloaded") is True
    assert problems == [], problems


def test_the_admin_the_browsable_api_and_swagger_ui_keep_working_under_the_policy(browser, demo):  # noqa: F811
    page = new_page(browser)
    problems = watch(page)
    page.goto(f"{demo}/admin/login/")
    page.get_by_label("Username:").fill("admin")
    page.get_by_label("Password:").fill("admin-demo-2019")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{demo}/admin/")
    case = Case.objects.get(slug="popova-v-moscow")
    visit(page, f"{demo}/admin/", problems, "admin")
    visit(page, f"{demo}/admin/cases/case/", problems, "admin-cases")
    visit(page, f"{demo}/admin/cases/case/{case.pk}/change/", problems, "admin-case")
    visit(page, f"{demo}/admin/cases/hearing/", problems, "admin-hearings")
    # the admin's own scripts run: the "Show"/"Hide" of a collapsed fieldset or the date shortcuts
    visit(page, f"{demo}/admin/cases/hearing/add/", problems, "admin-hearing-add")
    assert page.locator(".datetimeshortcuts").count() > 0  # added by the admin's calendar script

    # the browsable API renders as HTML, with its forms
    visit(page, f"{demo}/api/v1/cases/?format=api", problems, "browsable-api", ready=".response-info")
    assert "Popova v. Moscow" in page.locator(".response-info").inner_text()

    # Swagger UI, served from this origin, lists the operations read from the schema
    # (its stylesheet's icons are data: SVG images, allowed on this page only)
    swagger_policy = POLICY - {"img-src 'self'"} | {"img-src 'self' data:"}
    visit(page, f"{demo}/api/docs/", problems, "swagger", ready=".opblock", policy=swagger_policy)
    assert page.locator(".opblock").count() > 20
    assert re.search(r"/api/v1/cases/", page.locator("#swagger-ui").inner_text())
    assert problems == [], problems
