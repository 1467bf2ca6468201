"""Every URL of the project, as every kind of visitor, against the records of two organizations.

The URL patterns are walked from the resolver (the admin's per-model pages and the API's
included), so a new URL is covered as soon as it exists; one the tables below cannot fill fails
`test_every_route_is_in_the_matrix` with a message saying what to add. Each route is requested
by an anonymous visitor, a viewer, a lawyer and an owner of organization A, a lawyer of B and a
superuser (GET), then written to (POST, and PATCH / DELETE on the API) by those who must not
write there. The checks:

- no response is a server error;
- no response to a member of A carries B's private marker ("QZXBQZX", in B's private case's texts,
  contacts, notes, documents, webhooks, tokens, usernames; tests/scoping.py), nor the reverse,
  and an anonymous visitor sees neither;
- the writes change nothing.

To register a new URL: add its name (namespace:name, or its pattern when it has no name) to
ROUTES with a function giving its URL kwargs from one organization's records (a `Side`,
tests/scoping.py), to CREDENTIAL_ROUTES as well when the URL itself is the credential (a
secret token: the holder sees that organization's data by design), or to EXEMPT with the
reason. A new admin page of a model is covered through ADMIN_MODEL_ROUTES; a new admin model
needs a record in `Side.objects` (organization-scoped) or in `shared_objects()`.

While working on some pages, request only theirs: `ROUTE_MATRIX_ONLY='history|cases/<slug'`
(a regular expression searched in each pattern) before pytest.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cases.admin_scope import OrganizationScopedAdmin, SharedAdmin, SuperuserOnlyAdmin
from tests.scoping import Side, build_world

# --- The tables -------------------------------------------------------------------------------

Filler = Callable[[Side], dict[str, Any]]


def _slug(side: Side) -> dict[str, Any]:
    return {"slug": side.case.slug}


def _slug_pk(attribute: str) -> Filler:
    return lambda side: {"slug": side.case.slug, "pk": getattr(side, attribute).pk}


def _pk(attribute: str) -> Filler:
    return lambda side: {"pk": getattr(side, attribute).pk}


NO_KWARGS: Filler = lambda side: {}  # noqa: E731

# Routes outside the admin: name (or pattern when unnamed) -> its kwargs from one side's
# records. `None` for routes without object kwargs (requested once, not per organization).
ROUTES: dict[str, Filler | None] = {
    "healthz": None,
    "readyz": None,
    "metrics": None,
    "favicon.ico": None,
    "court-list": None,
    "court-detail": lambda side: {"pk": side.hearing.court_id},
    "case-list": None,
    "case-detail": _pk("case"),
    "party-list": None,
    "party-detail": _pk("party"),
    "hearing-list": None,
    "hearing-detail": _pk("hearing"),
    "ruling-list": None,
    "ruling-detail": _pk("ruling"),
    "appeal-list": None,
    "appeal-detail": _pk("appeal"),
    "api-root": None,
    "changes": None,
    "api-case-dossiers": lambda side: {"case_id": side.case.pk},
    "api-dossier-detail": lambda side: {"case_id": side.case.pk, "pk": side.dossier.pk},
    "api-document-file": _pk("document"),
    "deadline-close": _pk("deadline"),
    "subscription-list": None,
    "webhook-deliveries": _pk("endpoint"),
    "webhook-list": None,
    "webhook-detail": _pk("endpoint"),
    "webhook-replay": _pk("endpoint"),
    "webhook-rotate-secret": _pk("endpoint"),
    "schema": None,
    "api-docs": None,
    "api/^[\\s\\S]*$": lambda side: {"": "v1/no-such-thing/"},
    "access-log": None,
    "court-watch-list": None,
    "court-watch-detail": _pk("court_watch"),
    "court-watch-check": _pk("court_watch"),
    "court-update-list": None,
    "court-update-detail": _pk("court_update"),
    "court-update-apply": _pk("court_update"),
    "court-update-dismiss": _pk("court_update"),
    "web:access_log": None,
    "reminders:subscribe": _slug,
    "reminders:case-feed": _slug,
    "reminders:confirm": lambda side: {"token": side.subscription.confirm_token},
    "reminders:unsubscribe": lambda side: {"token": side.subscription.unsubscribe_token},
    "reminders:settings": lambda side: {"token": side.subscription.unsubscribe_token},
    "reminders:delete": lambda side: {"token": side.subscription.unsubscribe_token},
    "reminders:subscriber-feed": lambda side: {"token": side.subscription.feed_token},
    "reminders:member-settings": None,
    "reminders:member-feed": lambda side: {"token": side.member_settings.feed_token},
    "login": None,
    "logout": None,
    "password_change": None,
    "password_change_done": None,
    "password_reset": None,
    "password_reset_done": None,
    "password_reset_confirm": lambda side: {
        "uidb64": urlsafe_base64_encode(force_bytes(side.users["owner"].pk)),
        "token": default_token_generator.make_token(side.users["owner"]),
    },
    "password_reset_complete": None,
    "set_language": None,
    "web:home": None,
    "web:dashboard": None,
    "web:case_list": None,
    "web:case_detail": _slug,
    "web:case_edit": _slug,
    "web:party_add": _slug,
    "web:party_edit": _slug_pk("party"),
    "web:event_add": _slug,
    "web:event_edit": _slug_pk("event"),
    "web:hearing_create": _slug,
    "web:hearing_edit": _slug_pk("hearing"),
    "web:hearing_reschedule": _slug_pk("hearing"),
    "web:hearing_postpone": _slug_pk("hearing"),
    "web:hearing_cancel": _slug_pk("hearing"),
    "web:hearing_outcome": _slug_pk("hearing"),
    "web:ruling_create": _slug,
    "web:appeal_create": lambda side: {"slug": side.case.slug, "ruling_pk": side.ruling.pk},
    "web:deadline_override": _slug_pk("deadline"),
    "web:deadline_close": _slug_pk("deadline"),
    "web:court_watch_edit": lambda side: {"slug": side.case.slug, "pk": side.docket.pk},
    "web:court_watch_pause": _slug_pk("court_watch"),
    "web:court_watch_resume": _slug_pk("court_watch"),
    "web:court_watch_check": _slug_pk("court_watch"),
    "web:court_watch_delete": _slug_pk("court_watch"),
    "web:court_update_apply": _slug_pk("court_update"),
    "web:court_update_dismiss": _slug_pk("court_update"),
    # The demo court site: a 404 here (no DEBUG in the tests); tests/web/test_court_watch_demo_site.py.
    "demo:court_site": None,
    "demo:court_card": lambda side: {"name": "mos-gorsud"},
    "demo:court_card_moving": None,
    "web:document_upload": _slug,
    "web:dossier_generate": _slug,
    "web:dossier_progress": _slug_pk("dossier"),
    "web:public_case_list": None,
    "web:public_case": lambda side: {"slug": side.public_case.slug},
    "web:public_hearing_ics": lambda side: {"slug": side.public_case.slug, "pk": side.public_hearing.pk},
    "web:preferences": None,
    "web:api_tokens": None,
    "web:api_token_new": None,
    "web:api_token_revoke": _pk("api_token"),
    "web:organization_security": lambda side: {"slug": side.organization.slug},
    # Signing in and the second factor (allauth; the user's own records only).
    "accounts/login/": None,
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": lambda side: {"pk": _security_key(side).pk},
    "account_login": None,
    "account_logout": None,
    "account_inactive": None,
    "account_signup": None,
    "account_reauthenticate": None,
    "account_request_reauthentication_code": None,
    "account_confirm_reauthentication_code": None,
    "account_email": None,
    "account_email_verification_sent": None,
    "account_change_password": None,
    "account_set_password": None,
    "account_reset_password": None,
    "account_confirm_login_code": None,
    "account_confirm_email": lambda side: {"key": "no-such-key"},
    "account_reset_password_from_key_done": None,
    "account_reset_password_from_key": lambda side: {"uidb36": "zz", "key": "no-such-key"},
    "account_reset_password_done": None,
    "mfa_index": None,
    "mfa_authenticate": None,
    "mfa_reauthenticate": None,
    "mfa_activate_totp": None,
    "mfa_deactivate_totp": None,
    "mfa_view_recovery_codes": None,
    "mfa_generate_recovery_codes": None,
    "mfa_download_recovery_codes": None,
    "mfa_list_webauthn": None,
    "mfa_add_webauthn": None,
    "mfa_reauthenticate_webauthn": None,
    "mfa_remove_webauthn": lambda side: {"pk": _security_key(side).pk},
    "mfa_edit_webauthn": lambda side: {"pk": _security_key(side).pk},
    # The admin's site-wide pages (its per-model pages: ADMIN_MODEL_ROUTES).
    "admin:index": None,
    "admin:login": None,
    "admin:logout": None,
    "admin:password_change": None,
    "admin:password_change_done": None,
    "admin:autocomplete": None,  # also swept field by field: test_every_autocomplete_is_scoped
    "admin:jsi18n": None,
    "admin:view_on_site": lambda side: {"content_type_id": _content_type_id(side.case), "object_id": side.case.pk},
    "admin:app_list": None,  # filled per app label below
    "admin/(?P<url>.*)$": lambda side: {"url": "no-such-page/"},
}

# The URL is the credential (a secret token sent to its holder): whoever has it sees that
# side's data by design; the check is that it shows no other organization's.
CREDENTIAL_ROUTES = {
    "reminders:confirm",
    "reminders:unsubscribe",
    "reminders:settings",
    "reminders:delete",
    "reminders:subscriber-feed",
    "reminders:member-feed",
    "password_reset_confirm",
}

# Routes of records no organization owns (filled from A's records, requested once).
SHARED_ROUTES = {"court-detail"}

# Requested by one visitor only, with the reason (they show no organization's records).
ONE_VISITOR = {
    "schema": "the OpenAPI document: no records in it, and generating it takes seconds",
    "api-docs": "Swagger UI's page around the schema",
}

# Never written to in the write pass, with the reason.
NO_WRITES = {
    "logout": "ends the test client's session",
    "admin:logout": "ends the test client's session",
    "set_language": "sets a cookie only",
}

# A status >= 500 that is the route's answer, not a failure, with the reason.
STATUS_ALLOWED: dict[str, dict[int, str]] = {
    "readyz": {503: "the readiness probe: no Celery worker runs in this test, and it says so"},
}

# Routes the matrix does not request, with the reason. Keep it short.
EXEMPT: dict[str, str] = {}

# An admin model's pages: the part of the pattern after admin/<app>/<model>/ -> the positional
# values from that model's record. Keyed by "<app>.<model> <rest>" for one model's own pages.
ADMIN_MODEL_ROUTES: dict[str, Callable[[Any], list[Any]]] = {
    "": lambda obj: [],
    "add/": lambda obj: [],
    "<path:object_id>/": lambda obj: [obj.pk],
    "<path:object_id>/change/": lambda obj: [obj.pk],
    "<path:object_id>/delete/": lambda obj: [obj.pk],
    "<path:object_id>/history/": lambda obj: [obj.pk],
    "^([^/]+)/history/([^/]+)/$": lambda obj: [obj.pk, obj.history.order_by("history_id").first().history_id],
    "auth.user <id>/password/": lambda obj: [obj.pk],
    "documents.document <int:pk>/download/": lambda obj: [obj.pk],
    "documents.dossier <int:pk>/progress/": lambda obj: [obj.pk],
}


def shared_objects() -> dict[type, Any]:
    """A record of each admin model that belongs to no organization (reference data, the
    libraries' records)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from cases.models import Court, Tag

    # A failed login of B's owner: who tried to log in, and from where, is for superusers.
    access = {"username": "qzxbqzx-owner", "ip_address": "192.0.2.7", "user_agent": "agent", "path_info": "/"}
    interval = IntervalSchedule.objects.create(every=7, period="days")
    # The libraries' per-user records: superuser-only in the admin (web/apps.py).
    someone = User.objects.create_user("matrix-someone", "someone@example.org", "x")
    return {
        Court: Court.objects.order_by("pk").first(),
        Tag: Tag.objects.create(name="Shared tag", slug="shared-tag"),
        Group: Group.objects.order_by("pk").first(),
        PeriodicTask: PeriodicTask.objects.create(name="matrix task", task="tracker.noop", interval=interval),
        IntervalSchedule: interval,
        CrontabSchedule: CrontabSchedule.objects.create(minute="5"),
        SolarSchedule: SolarSchedule.objects.create(event="sunrise", latitude=55.75, longitude=37.62),
        ClockedSchedule: ClockedSchedule.objects.create(clocked_time=timezone.now()),
        AccessAttempt: AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1),
        AccessFailureLog: AccessFailureLog.objects.create(**access),
        AccessLog: AccessLog.objects.create(**access),
        EmailAddress: EmailAddress.objects.create(user=someone, email="someone@example.org", verified=True),
        Authenticator: Authenticator.objects.create(
            user=someone, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        ),
    }


def _security_key(side: Side) -> Any:
    """A security key of the side's owner (allauth's WebAuthn authenticator, with a registration
    made here by fido2 as a browser would send it), named with its marker."""
    import hashlib

    from allauth.mfa.models import Authenticator
    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.utils import websafe_encode
    from fido2.webauthn import (
        Aaguid,
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorData,
        CollectedClientData,
    )

    existing = Authenticator.objects.filter(user=side.users["owner"], type=Authenticator.Type.WEBAUTHN).first()
    if existing:
        return existing
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    credential_id = hashlib.sha256(side.marker.encode()).digest()[:16]
    attested = AttestedCredentialData.create(Aaguid.NONE, credential_id, public_key)
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(hashlib.sha256(b"localhost").digest(), flags, 0, attested)
    client_data = CollectedClientData.create(type="webauthn.create", challenge=b"0" * 16, origin="http://localhost")
    credential = {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(client_data),
            "attestationObject": websafe_encode(AttestationObject.create("none", auth_data, {})),
        },
        "clientExtensionResults": {},
    }
    return Authenticator.objects.create(
        user=side.users["owner"],
        type=Authenticator.Type.WEBAUTHN,
        data={"name": f"{side.marker} key", "credential": credential},
    )


def _content_type_id(obj: Any) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


# --- Walking the resolver ---------------------------------------------------------------------

ADMIN_MODEL_PREFIX = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/(?P<rest>.*)$")
GROUP = re.compile(r"<(?:\w+:)?(?P<a>\w+)>|\(\?P<(?P<b>\w+)>[^)]*\)|\((?!\?)[^)]*\)|\^\[\\s\\S\]\*\$")


@dataclass(frozen=True)
class Route:
    pattern: str  # the whole pattern, from the site's root
    key: str  # the table's key: namespace:name, the pattern when unnamed, or "<app>.<model> <rest>"
    model: type | None = None  # an admin model's page

    @property
    def names(self) -> list[str]:
        return [m.group("a") or m.group("b") or "" for m in GROUP.finditer(self.pattern)]

    def url(self, values: dict[str, Any] | list[Any]) -> str:
        queue = list(values) if isinstance(values, list) else None
        named = values if isinstance(values, dict) else {}

        def value(match: re.Match[str]) -> str:
            if queue is not None:
                return str(queue.pop(0))
            return str(named[match.group("a") or match.group("b") or ""])

        text = GROUP.sub(value, self.pattern)
        text = text.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
        return "/" + text


def routes() -> Iterator[Route]:
    registry = {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry, prefix + str(entry.pattern), inner)
                continue
            assert isinstance(entry, URLPattern)
            pattern = prefix + str(entry.pattern)
            found = ADMIN_MODEL_PREFIX.match(pattern)
            if found and (found["app"], found["model"]) in registry:
                model = registry[(found["app"], found["model"])]
                rest = found["rest"]
                own = f"{model._meta.label_lower} {rest}"
                yield Route(pattern, own if own in ADMIN_MODEL_ROUTES else rest, model)
            elif entry.name == "app_list":
                yield Route(pattern, "admin:app_list")
            else:
                yield Route(pattern, f"{namespace}{entry.name}" if entry.name else pattern)

    yield from walk(get_resolver(), "", "")


def _unknown(route: Route) -> str | None:
    if route.key in EXEMPT:
        return None
    if route.model is not None:
        return None if route.key in ADMIN_MODEL_ROUTES else "ADMIN_MODEL_ROUTES"
    return None if route.key in ROUTES else "ROUTES"


def test_every_route_is_in_the_matrix():
    missing = [(route, table) for route in routes() if (table := _unknown(route))]
    assert not missing, "\n".join(
        f"URL pattern {route.pattern!r} (key {route.key!r}, kwargs {route.names}) is not in the route matrix: "
        f"add it to {table} in tests/tracker/test_route_matrix.py with how to fill its kwargs from an "
        f"organization's records (or to EXEMPT with the reason)"
        for route, table in missing
    )


def test_every_admin_is_scoped_shared_or_for_superusers():
    # web/apps.py makes any other admin superuser-only at start-up; this says so if it did not run.
    loose = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, OrganizationScopedAdmin | SharedAdmin | SuperuserOnlyAdmin)
    ]
    assert loose == [], f"admins neither organization-scoped, shared nor superuser-only: {loose}"


# --- Requesting -------------------------------------------------------------------------------

ACTORS = ("anonymous", "A viewer", "A lawyer", "A owner", "B lawyer", "superuser")


@dataclass
class Findings:
    problems: list[str]
    requests: int = 0

    def check(
        self, method: str, url: str, actor: str, response: Any, forbidden: tuple[str, ...], key: str = ""
    ) -> None:
        self.requests += 1
        if response.status_code >= 500 and response.status_code not in STATUS_ALLOWED.get(key, {}):
            self.problems.append(f"{method} {url} as {actor}: {response.status_code}")
            return
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = (body.decode("utf-8", "replace") + " " + response.get("Location", "")).lower()
        for marker in forbidden:
            at = text.find(marker.lower())
            if at >= 0:
                around = text[max(0, at - 60) : at + 40].replace("\n", " ")
                self.problems.append(
                    f"{method} {url} as {actor} ({response.status_code}): shows {marker}'s private data: ...{around}..."
                )


def _object_of(route: Route, side: Side, shared: dict[type, Any]) -> Any:
    if route.model in side.objects:
        return side.objects[route.model]
    return shared.get(route.model)  # type: ignore[arg-type]


def _requests(route: Route, a: Side, b: Side, shared: dict[type, Any]) -> Iterator[tuple[str, Side | None]]:
    """(url, the side whose records fill it, or None)."""
    if route.model is not None:
        fill = ADMIN_MODEL_ROUTES[route.key]
        if not route.names:
            yield route.url([]), None
            return
        for side in (a, b):
            obj = _object_of(route, side, shared)
            if obj is None:
                label = route.model._meta.label  # type: ignore[attr-defined]
                raise AssertionError(f"no record of {label} for {route.pattern}: add one to shared_objects()")
            yield route.url(fill(obj)), side if route.model in side.objects else None
        return
    if route.key == "admin:app_list":
        for label in sorted({m._meta.app_label for m in admin.site._registry}):
            yield route.url({"app_label": label}), None
        return
    filler = ROUTES[route.key]
    if filler is None:
        yield route.url({"format": "json"}), None
        return
    if route.key in SHARED_ROUTES:
        yield route.url({"format": "json", **filler(a)}), None
        return
    for side in (a, b):
        yield route.url({"format": "json", **filler(side)}), side


def _forbidden(actor: str, filled_by: Side | None, route: Route, a: Side, b: Side) -> tuple[str, ...]:
    """The markers `actor` must not see: those of the organizations they are not in, but for a
    credential URL's own organization (the token is the right to see it)."""
    if actor == "superuser":
        return ()
    own = {"anonymous": set(), "B lawyer": {b.marker}}.get(actor, {a.marker})
    if route.key in CREDENTIAL_ROUTES and filled_by is not None:
        own.add(filled_by.marker)
    return tuple(sorted({a.marker, b.marker} - own))


def _snapshot() -> dict[str, int]:
    skip = {"sessions", "axes", "admin"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in skip and model._meta.managed
    }


@pytest.mark.django_db
def test_no_route_shows_another_organizations_data_or_fails(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    started = time.monotonic()
    a, b = build_world()
    shared = shared_objects()
    superuser = User.objects.create_superuser("matrix-root", "root@example.org", "x")
    users = {
        "A viewer": a.users["viewer"],
        "A lawyer": a.users["lawyer"],
        "A owner": a.users["owner"],
        "B lawyer": b.users["lawyer"],
        "superuser": superuser,
    }
    clients = {"anonymous": Client()}
    for actor, user in users.items():
        clients[actor] = Client()
        clients[actor].force_login(user)
    findings = Findings(problems=[])
    only = re.compile(os.environ.get("ROUTE_MATRIX_ONLY", ""))
    matrix = [route for route in routes() if route.key not in EXEMPT and only.search(route.pattern)]
    planned = [(route, url, side) for route in matrix for url, side in _requests(route, a, b, shared)]

    slowest: dict[str, float] = {}
    for actor in ACTORS:
        for route, url, side in planned:
            if side is b and actor in ("superuser", "B lawyer"):
                continue  # B's own pages, as A's are to A: one organization's are enough for no 5xx
            if route.key in ONE_VISITOR and actor != "A viewer":
                continue
            began = time.monotonic()
            response = clients[actor].get(url)
            slowest[route.pattern] = slowest.get(route.pattern, 0) + time.monotonic() - began
            findings.check("GET", url, actor, response, _forbidden(actor, side, route, a, b), route.key)
    print("slowest routes (s, all visitors):", sorted(slowest.items(), key=lambda kv: -kv[1])[:5])

    # Writes by those who must not write there: anonymous visitors, and the other organization.
    before = _snapshot()
    for route, url, side in planned:
        if route.key in NO_WRITES or route.key in CREDENTIAL_ROUTES or side is None:
            continue
        outsiders = ("anonymous", "A owner") if side is b else ("anonymous", "B lawyer")
        for actor in outsiders:
            forbidden = _forbidden(actor, side, route, a, b)
            client = clients[actor]
            findings.check("POST", url, actor, client.post(url, {}), forbidden, route.key)
            if url.startswith("/api/"):
                patch = client.patch(url, {}, content_type="application/json")
                findings.check("PATCH", url, actor, patch, forbidden, route.key)
                findings.check("DELETE", url, actor, client.delete(url), forbidden, route.key)
    after = _snapshot()
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    if changed:
        findings.problems.append(f"writes by outsiders changed rows (before, after): {changed}")

    elapsed = time.monotonic() - started
    print(f"route matrix: {len(matrix)} routes, {findings.requests} requests in {elapsed:.1f} s")
    assert not findings.problems, "\n".join(findings.problems)


@pytest.mark.django_db
def test_every_autocomplete_is_scoped(client, settings, tmp_path):
    """Each autocomplete field of each admin (and its inlines) offers A's staff none of B's records."""
    settings.MEDIA_ROOT = tmp_path
    a, b = build_world()
    fields = set()
    for model, model_admin in admin.site._registry.items():
        for holder in [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]:
            for name in holder.autocomplete_fields:
                fields.add((holder.model._meta.app_label, holder.model._meta.model_name, name))
    assert len(fields) >= 10, fields  # hearings, rulings, appeals, parties, facts, documents, members
    findings = Findings(problems=[])
    for role in ("viewer", "lawyer", "owner"):
        client.force_login(a.users[role])
        for app_label, model_name, name in sorted(fields):
            for term in ("", "QZX", b.marker):
                url = "/admin/autocomplete/"
                query = {"app_label": app_label, "model_name": model_name, "field_name": name, "term": term}
                response = client.get(url, query)
                findings.check("GET", f"{url}?{query}", f"A {role}", response, (b.marker,))
    assert not findings.problems, "\n".join(findings.problems)
