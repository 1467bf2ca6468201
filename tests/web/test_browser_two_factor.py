"""Two-factor sign-in in Chromium: an authenticator app (codes from pyotp) and a security key or
passkey (Chromium's virtual authenticator, through the DevTools protocol's WebAuthn domain),
with no Content-Security-Policy violation on any of the pages (allauth's WebAuthn code is
served as static files)."""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User

from apitokens.models import ApiToken
from tests.web.test_browser import browser, demo, new_page, shot  # noqa: F401  (fixtures)
from tests.web.test_csp import watch

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def password_step(page, base, username="lawyer", next_path=""):
    page.goto(f"{base}/accounts/login/{next_path}")
    page.get_by_label("Username:", exact=True).fill(username)
    page.get_by_label("Password:", exact=True).fill(f"{username}-demo-2019")
    page.get_by_role("button", name="Log in").click()


def confirm_password(page, username="lawyer"):
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password:", exact=True).fill(f"{username}-demo-2019")
    page.get_by_role("button", name="Confirm").click()


def log_out(page):
    page.get_by_role("button", name=re.compile(r"^Log out")).click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))


def virtual_authenticator(page):
    """A platform authenticator that holds passkeys and verifies its user (Chromium's own)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def use_the_key(page):
    page.wait_for_load_state("networkidle")  # allauth's script binds the button once loaded
    page.get_by_role("button", name="Use a security key").click()


def test_an_authenticator_app_in_chromium(browser, demo):  # noqa: F811
    page = new_page(browser)
    problems = watch(page)
    password_step(page, demo)
    page.wait_for_url(f"{demo}/dashboard/")
    # set up the app: confirm the password, read the secret shown beside the QR code, type a code
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Activate").click()
    confirm_password(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert page.locator("figure.totp-qr svg").is_visible()
    shot(page, "2fa-01-activate-totp")
    app = pyotp.TOTP(page.locator("#authenticator_secret").input_value())
    page.get_by_label("Authenticator code:").fill(app.now())
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    shot(page, "2fa-02-recovery-codes")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    log_out(page)

    # the password alone leads to the code page; a wrong code is a form error
    password_step(page, demo)
    page.wait_for_url(f"{demo}/accounts/2fa/authenticate/")
    page.get_by_label("Code:").fill(f"{(int(app.now()) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Sign In").click()
    assert page.get_by_text("Incorrect code.").is_visible()
    shot(page, "2fa-03-wrong-code")
    # a recovery code signs in, once
    page.get_by_label("Code:").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{demo}/dashboard/")
    assert problems == [], problems
    lawyer = User.objects.get(username="lawyer")
    assert Authenticator.objects.get(user=lawyer, type="recovery_codes").wrap().get_unused_codes() == codes[1:]


def test_a_passkey_in_chromium_signs_in_and_confirms_a_new_api_token(browser, demo):  # noqa: F811
    page = new_page(browser)
    problems = watch(page)
    cdp, authenticator_id = virtual_authenticator(page)
    password_step(page, demo)
    page.wait_for_url(f"{demo}/dashboard/")

    # add a security key / passkey
    page.goto(f"{demo}/accounts/2fa/webauthn/add/")
    confirm_password(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    shot(page, "2fa-04-add-key")
    page.wait_for_load_state("networkidle")  # allauth's script binds the button once loaded
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1
    lawyer = User.objects.get(username="lawyer")
    assert Authenticator.objects.filter(user=lawyer, type="webauthn").count() == 1
    log_out(page)

    # sign in: password, then the key
    password_step(page, demo)
    page.wait_for_url(f"{demo}/accounts/2fa/authenticate/")
    shot(page, "2fa-05-authenticate")
    use_the_key(page)
    page.wait_for_url(f"{demo}/dashboard/")
    assert (
        cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"][0]["signCount"] >= 2
    )

    # a new API token asks for the key again
    page.goto(f"{demo}/account/api-tokens/new/")
    page.wait_for_url(re.compile(r"/accounts/2fa/reauthenticate/"))  # a code, or the key:
    page.get_by_role("link", name="Use a security key").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/reauthenticate/"))
    shot(page, "2fa-06-reauthenticate")
    use_the_key(page)
    page.wait_for_url(f"{demo}/account/api-tokens/new/")
    page.get_by_label("Name:").fill("sync client")
    page.get_by_role("button", name="Create the token").click()
    secret = page.locator("#api-token-secret").input_value()
    shot(page, "2fa-07-token")
    assert secret.startswith("lt_")
    assert ApiToken.objects.get(user=lawyer).name == "sync client"
    assert problems == [], problems


def test_an_owners_requirement_sends_a_member_to_set_up_at_next_login(browser, demo):  # noqa: F811
    page = new_page(browser)
    problems = watch(page)
    password_step(page, demo, username="admin")
    page.wait_for_url(f"{demo}/dashboard/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name=re.compile(r"^Security of ")).first.click()
    page.get_by_label("Require two-factor sign-in of every member").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved.").is_visible()
    shot(page, "2fa-08-organization-security")
    log_out(page)

    password_step(page, demo)
    page.wait_for_url(f"{demo}/accounts/2fa/")
    assert page.get_by_text("Your organization requires two-factor sign-in.").is_visible()
    page.goto(f"{demo}/cases/")
    page.wait_for_url(f"{demo}/accounts/2fa/")
    shot(page, "2fa-09-setup-required")
    assert problems == [], problems
