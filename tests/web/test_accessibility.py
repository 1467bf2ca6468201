"""The page after a save, checked by the two tools people use: axe-core in Chromium (injected by
Playwright) and the Nu Html Checker (vnu.jar, the W3C validator, on Java). Both come from npm
(`contract/package.json`, installed by `make install-dev`)."""

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from actions import hearings as hearing_actions
from cases.models import Case
from tests.web.test_browser import browser, demo, log_in, new_page, shot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NODE_MODULES = Path(__file__).resolve().parents[2] / "contract" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it stands, with the offending elements."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [node["html"][:160] for node in v["nodes"]]} for v in result
    ]


def nu_messages(html: str) -> list[dict]:
    """The Nu checker's errors and warnings on a document."""
    completed = subprocess.run(  # noqa: S603 (fixed arguments)
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", "--also-check-css", "-"],  # noqa: S607
        input=html.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    return [
        {"type": m["type"], "message": m["message"], "extract": m.get("extract", "")}
        for m in json.loads(completed.stdout)["messages"]
    ]


def test_the_page_after_a_save_is_clean_for_axe_and_the_nu_checker(browser, demo):  # noqa: F811
    page = new_page(browser, bypass_csp=True)  # axe is injected as a script the site's CSP would refuse
    log_in(page, demo)
    page.goto(f"{demo}/cases/popova-v-moscow/edit/")
    # when a lawyer saves, the case page comes back with "saved" in the live region
    with page.expect_response(
        lambda r: r.url == f"{demo}/cases/popova-v-moscow/" and r.request.method == "GET"
    ) as answer:
        page.get_by_role("button", name="Save").click()
    region = page.locator("#messages")
    assert region.get_attribute("role") == "status"
    assert "saved" in region.inner_text().lower()
    shot(page, "50-case-page-after-a-save")
    assert axe_violations(page) == []
    assert nu_messages(answer.value.text()) == []

    # a one-click action swaps the message into the same live region (htmx): it is announced,
    # since the region was already on the page
    case = Case.objects.get(slug="popova-v-moscow")
    hearing = hearing_actions.hearing_schedule(
        case=case, court=case.hearings.first().court, starts_at=timezone.now() + dt.timedelta(days=30)
    )
    page.reload()
    page.locator(f"#hearing-{hearing.pk}").get_by_role("button", name="Mark postponed").click()
    page.wait_for_selector("#messages >> text=Hearing postponed")
    assert page.locator("[role=status]").count() == 1
    assert page.locator("#messages").get_attribute("role") == "status"
    assert axe_violations(page) == []
