"""Two-factor sign-in (django-allauth's mfa) through the real pages with the Django test client:
TOTP codes from pyotp, recovery codes once each, wrong codes, the admin, the lockout, an
organization owner's requirement and API tokens asking for the second factor again."""

import re

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from apitokens.models import ApiToken
from cases.models import Organization
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def log_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"login": username, "password": password})


def reauthenticate_with_password(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def activate_totp(client) -> pyotp.TOTP:
    """Set up an authenticator app the way a person does: the page shows the secret, the app
    gives a code, the code is typed in. Returns the 'app'."""
    reauthenticate_with_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    found = re.search(r'id="authenticator_secret" type="text" value="([A-Z2-7]+)"', page.content.decode())
    assert found, "the set-up page shows the secret"
    secret = found.group(1)
    app = pyotp.TOTP(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": app.now()})
    assert response.status_code == 302, response.content.decode()[:3000]
    return app


def wrong_code(app: pyotp.TOTP) -> str:
    return f"{(int(app.now()) + 1) % 1_000_000:06d}"


@pytest.fixture
def clock():
    # A TOTP code is accepted once (allauth remembers used codes for its 30-second window): each
    # step that needs a fresh code moves the clock to the next window.
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=True) as traveller:
        yield traveller


@pytest.fixture
def lawyer_with_totp(client, clock):
    user = UserFactory(username="lawyer")
    client.force_login(user)
    app = activate_totp(client)
    client.post(reverse("logout"))
    clock.shift(30)
    return user, app


def test_totp_after_the_password_signs_in(client, lawyer_with_totp):
    user, app = lawyer_with_totp
    # the password alone does not sign in: the next page asks for the code
    response = log_in(client, "lawyer")
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")
    # the app's code does
    response = client.post(reverse("mfa_authenticate"), {"code": app.now()})
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_code_is_a_form_error_and_signs_nobody_in(client, lawyer_with_totp):
    _user, app = lawyer_with_totp
    log_in(client, "lawyer")
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(app)})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_used_code_does_not_work_twice(client, lawyer_with_totp):
    _user, app = lawyer_with_totp
    log_in(client, "lawyer")
    code = app.now()
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("logout"))
    log_in(client, "lawyer")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_codes_work_once_each(client, lawyer_with_totp):
    user, _app = lawyer_with_totp
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert len(codes) == 10
    log_in(client, "lawyer")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]})["Location"] == "/dashboard/"
    client.post(reverse("logout"))
    # the same code again: refused
    log_in(client, "lawyer")
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # the next one: accepted
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]})["Location"] == "/dashboard/"
    assert len(Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()) == 8


def test_the_admin_asks_for_the_second_factor_too(client, lawyer_with_totp):
    user, app = lawyer_with_totp
    user.is_staff = True
    user.save()
    # the admin's login page sends to the one sign-in page
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=%2Fadmin%2F")
    # Django's own admin form, posted to directly, signs nobody in either
    response = client.post("/admin/login/", {"username": "lawyer", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    # password, then the code: in
    response = client.post("/accounts/login/?next=/admin/", {"login": "lawyer", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": app.now()})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_lockout_still_applies_with_the_new_login(client, lawyer_with_totp):
    for _ in range(5):
        log_in(client, "lawyer", "wrong")
    response = log_in(client, "lawyer")
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_limited_too(client, lawyer_with_totp):
    _user, app = lawyer_with_totp
    log_in(client, "lawyer")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong_code(app)})
    response = client.post(reverse("mfa_authenticate"), {"code": app.now()})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- An organization owner requires it ---------------------------------------------------------


@pytest.fixture
def organization(db):
    owner = MembershipFactory(role="owner", user=UserFactory(username="owner"))
    lawyer = MembershipFactory(organization=owner.organization, role="lawyer", user=UserFactory(username="lawyer"))
    return owner.organization, owner.user, lawyer.user


def test_an_owner_requires_two_factor_and_a_member_must_set_it_up_at_next_login(client, organization, clock):
    org, owner, lawyer = organization
    # the owner turns the requirement on, on the organization's security page
    client.force_login(owner)
    page = client.get(reverse("web:organization_security", args=[org.slug]))
    assert page.status_code == 200
    assert re.search(r"<td>lawyer</td><td>Lawyer</td>\s*<td>not set up</td>", page.content.decode())
    response = client.post(reverse("web:organization_security", args=[org.slug]), {"require_two_factor": "on"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.require_two_factor, org.version) == (True, 2)
    client.post(reverse("logout"))

    # the lawyer signs in with the password: sent to set up a second factor, and nothing else opens
    response = log_in(client, "lawyer")
    assert response["Location"] == "/dashboard/"
    for address in ("/dashboard/", "/cases/", "/admin/", "/api/v1/cases/", reverse("web:api_tokens")):
        response = client.get(address)
        assert (address, response.status_code, response["Location"]) == (address, 302, reverse("mfa_index"))
    page = client.get(reverse("mfa_index"))
    assert "Your organization requires two-factor sign-in." in page.content.decode()

    # once an authenticator app is set up, the pages open again
    clock.shift(30)
    activate_totp(client)
    assert client.get("/dashboard/").status_code == 200
    # and the next sign-in asks for its code
    client.post(reverse("logout"))
    assert log_in(client, "lawyer")["Location"] == reverse("mfa_authenticate")


def test_the_last_second_factor_cannot_be_removed_while_required(client, organization, clock):
    org, _owner, lawyer = organization
    org.require_two_factor = True
    org.save()
    client.force_login(lawyer)
    activate_totp(client)
    # removing it (the page is open: the password was given again a moment ago) is refused
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=lawyer, type=Authenticator.Type.TOTP).exists()


def test_the_last_security_key_cannot_be_removed_while_required(client, organization):
    org, _owner, lawyer = organization
    org.require_two_factor = True
    org.save()
    client.force_login(lawyer)
    reauthenticate_with_password(client)  # before the key: afterwards only the key would do
    key = Authenticator.objects.create(user=lawyer, type=Authenticator.Type.WEBAUTHN, data={"name": "key"})
    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert response["Location"] == reverse("mfa_list_webauthn")
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_only_owners_reach_the_security_page(client, organization):
    org, _owner, lawyer = organization
    address = reverse("web:organization_security", args=[org.slug])
    assert client.get(address)["Location"] == f"/accounts/login/?next={address}"
    client.force_login(lawyer)
    assert client.get(address).status_code == 404
    response = client.post(address, {"require_two_factor": "on"})
    assert response.status_code == 404
    assert Organization.objects.get(pk=org.pk).require_two_factor is False


def test_demo_style_accounts_without_a_requirement_sign_in_with_the_password(client, organization):
    assert log_in(client, "lawyer")["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


# --- API tokens ---------------------------------------------------------------------------------


def test_creating_an_api_token_asks_for_the_second_factor_again(client, lawyer_with_totp, clock):
    user, app = lawyer_with_totp
    log_in(client, "lawyer")
    client.post(reverse("mfa_authenticate"), {"code": app.now()})
    # signed in, yet the token page asks for a code (never the password)
    response = client.post(reverse("web:api_token_new"), {"name": "sync laptop"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not ApiToken.objects.exists()
    # a wrong code is refused
    page = client.post(response["Location"], {"code": wrong_code(app)})
    assert (page.status_code, "Incorrect code." in page.content.decode()) == (200, True)
    # a fresh code: the suspended request goes on, and the token is made and shown once
    clock.shift(30)
    page = client.post(response["Location"], {"code": app.now()})
    assert page.status_code == 201
    token = ApiToken.objects.get(user=user)
    secret = re.search(r'id="api-token-secret" type="text" readonly value="(lt_[^"]+)"', page.content.decode()).group(1)
    assert (token.name, token.prefix) == ("sync laptop", secret[:10])
    assert page["Cache-Control"].startswith("max-age=0")
    # the token works in the API
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    # the list shows it without the secret
    listing = client.get(reverse("web:api_tokens")).content.decode()
    assert "sync laptop" in listing and secret not in listing


def test_the_password_does_not_stand_in_for_the_second_factor(client, lawyer_with_totp):
    _user, app = lawyer_with_totp
    log_in(client, "lawyer")
    client.post(reverse("mfa_authenticate"), {"code": app.now()})
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_reauthenticate"))
    assert client.get(reverse("web:api_token_new"))["Location"].startswith(reverse("mfa_reauthenticate"))


def test_without_a_second_factor_token_creation_asks_for_the_password(client):
    user = UserFactory(username="lawyer")
    client.force_login(user)
    response = client.get(reverse("web:api_token_new"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate_with_password(client)
    assert client.get(reverse("web:api_token_new")).status_code == 200
    response = client.post(reverse("web:api_token_new"), {"name": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_by_its_owner_only(client):
    user, other = UserFactory(username="lawyer"), UserFactory(username="other")
    from apitokens.services import api_token_create

    token, _secret = api_token_create(user=user, name="old")
    client.force_login(other)
    assert client.post(reverse("web:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(user)
    assert client.post(reverse("web:api_token_revoke", args=[token.pk]))["Location"] == reverse("web:api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "address",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/reauthenticate/",
        "/account/api-tokens/",
        "/account/api-tokens/new/",
        "/organizations/any/security/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, address):
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_pages_are_in_russian(client, lawyer_with_totp):
    assert "Войти" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    log_in(client, "lawyer")
    page = client.get(reverse("mfa_authenticate"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Двухфакторная аутентификация" in page


def test_a_superuser_sets_the_requirement_in_the_admin_too(client, organization):
    org, _owner, _lawyer = organization
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/cases/organization/{org.pk}/change/").content.decode()
    assert 'name="require_two_factor"' in page
    assert "Require two-factor sign-in" in page
