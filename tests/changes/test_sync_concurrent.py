"""Writers hammer the API concurrently (real HTTP, real PostgreSQL transactions in the live
server's request threads) while the reference client (examples/sync_client.py) syncs two
replicas: a member's and an anonymous one. At the end each replica equals, record for record,
what the server shows that caller (the member's replica reads in Russian, and its `translation`
table holds every language of every record). The writers also record and change rulings, file and delete
appeals and override due dates, so deadlines are recomputed, closed, reopened and deleted under
the same load: the member's replica has them (in its `deadline` table too), the public one never."""

import datetime as dt
import json
import random
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection
from django.utils import translation

from actions import deadlines as deadline_actions
from actions import organizations as organization_actions
from api.changes.views import FEED_READERS
from cases import services
from cases.models import Membership
from deadlines.models import Deadline
from examples.sync_client import DEADLINE_COLUMNS, SyncClient
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WRITERS = 4
OPERATIONS_PER_WRITER = 40


def server_state(user, member_of, language="en"):
    request = SimpleNamespace(user=user)
    context = {"request": request, "member_organizations": member_of, "content_language": language}
    state = {}
    with translation.override(language):  # a deadline's steps are read in the active language
        for type_name, (queryset_for, serializer_class) in FEED_READERS.items():
            for record in queryset_for(user):
                data = serializer_class(record, context=context).data
                state[(type_name, record.pk)] = json.loads(json.dumps(data, sort_keys=True))
    return state


class Writer:
    def __init__(self, base_url, token, organization_slug, court_id, seed, *, appeal_court_id, user):
        self.base_url, self.token, self.org, self.court = base_url, token, organization_slug, court_id
        self.appeal_court, self.user = appeal_court_id, user
        self.random = random.Random(seed)  # noqa: S311
        # Languages drawn apart, so the rest of the workload (and its deadlines) stays as it was.
        self.languages = random.Random(-seed - 1)  # noqa: S311
        self.cases, self.parties, self.hearings = [], [], []
        self.rulings = []  # (ruling id, case id)
        self.overrides = 0
        self.server_errors = []
        self.statuses = []

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, etag = response.status, response.read(), response.headers.get("ETag")
        except urllib.error.HTTPError as exc:
            status, raw, etag = exc.code, exc.read(), None
        self.statuses.append(status)
        if status >= 500:
            self.server_errors.append((method, path, status, raw[:300]))
        return status, (json.loads(raw) if raw else None), etag

    def deadline_step(self, n):
        """Writes that compute, recompute, override, close, reopen and delete deadlines."""
        r = self.random
        choice = r.random()
        if not self.rulings or choice < 0.35:
            case = r.choice(self.cases)
            final_form = r.choice([None, f"2020-02-{r.randint(1, 28):02d}"])
            status, body, _ = self.call(
                "POST",
                "/api/v1/rulings/",
                {
                    "case": case,
                    "court": self.court,
                    "decided_on": "2020-01-24",
                    "final_form_on": final_form,
                    "outcome": "dismissed",
                },
            )
            if status == 201:
                self.rulings.append((body["id"], case))
        elif choice < 0.55:
            ruling, _ = r.choice(self.rulings)
            self.call("PATCH", f"/api/v1/rulings/{ruling}/", {"final_form_on": f"2020-03-{r.randint(1, 28):02d}"})
        elif choice < 0.7:
            ruling, case = r.choice(self.rulings)
            self.call(
                "POST",
                "/api/v1/appeals/",
                {
                    "case": case,
                    "ruling": ruling,
                    "court": self.appeal_court,
                    "kind": "appeal",
                    "status": r.choice(["filed", "planned"]),
                    "filed_on": "2020-04-01",
                },
            )
        elif choice < 0.88:
            ruling, _ = r.choice(self.rulings)
            try:  # a lawyer moves the date with a reason (the case page's path: the service)
                deadline = Deadline.objects.filter(ruling_id=ruling).first()
                if deadline is not None:
                    deadline_actions.deadline_override(
                        deadline=deadline,
                        due_on=dt.date(2020, 5, r.randint(1, 28)),
                        reason=f"served late {n}",
                        actor=self.user,
                    )
                    self.overrides += 1
            except (ObjectDoesNotExist, ValidationError):  # deleted meanwhile, or a stale copy
                pass
        else:
            ruling, _ = self.rulings.pop(r.randrange(len(self.rulings)))
            self.call("DELETE", f"/api/v1/rulings/{ruling}/")  # 400 while an appeal challenges it

    def step(self, n):
        r = self.random
        if self.cases and r.random() < 0.3:
            self.deadline_step(n)
            return
        choice = r.random()
        if not self.cases or choice < 0.2:
            status, body, _ = self.call(
                "POST",
                "/api/v1/cases/",
                {
                    "organization": self.org,
                    "translations": {"title": {"en": f"Case {r.random():.12f}"}}
                    if self.languages.random() < 0.5
                    else {"title": {"ru": f"Дело {r.random():.12f}"}, "summary": {"ru": "Кратко."}},
                    "is_public": r.random() < 0.6,
                    "status": "filed",
                    "filed_on": "2019-10-02",
                    "tags": [r.choice(["cctv", "biometrics", "metro"])],
                },
            )
            if status == 201:
                self.cases.append(body["id"])
        elif choice < 0.4:
            status, body, _ = self.call(
                "POST",
                "/api/v1/parties/",
                {
                    "case": r.choice(self.cases),
                    "role": "plaintiff",
                    "name": f"Person {n}",
                    "alias": f"P{n}",
                    "consent_to_publish": r.random() < 0.5,
                    "contact_email": f"p{n}@example.org",
                },
            )
            if status == 201:
                self.parties.append(body["id"])
        elif choice < 0.55:
            status, body, _ = self.call(
                "POST",
                "/api/v1/hearings/",
                {
                    "case": r.choice(self.cases),
                    "court": self.court,
                    "starts_at": f"2099-0{r.randint(1, 9)}-1{r.randint(0, 9)}T10:00:00+03:00",
                },
            )
            if status == 201:
                self.hearings.append(body["id"])
        elif choice < 0.7 and self.hearings:
            hearing = r.choice(self.hearings)
            status, _, etag = self.call("GET", f"/api/v1/hearings/{hearing}/")
            if status == 200:
                self.call("PATCH", f"/api/v1/hearings/{hearing}/", {"courtroom": str(n)}, {"If-Match": etag})
        elif choice < 0.8:
            case, public = r.choice(self.cases), r.random() < 0.5
            if choice < 0.75:
                self.call("PATCH", f"/api/v1/cases/{case}/", {"is_public": public})
            else:  # a translation alone: an upsert with a new version
                language = self.languages.choice(["en", "ru"])
                self.call("PATCH", f"/api/v1/cases/{case}/", {"translations": {"title": {language: f"T {n}"}}})
        elif choice < 0.88 and self.parties:
            self.call("DELETE", f"/api/v1/parties/{self.parties.pop(r.randrange(len(self.parties)))}/")
        elif choice < 0.93 and self.hearings:
            self.call("DELETE", f"/api/v1/hearings/{self.hearings.pop(r.randrange(len(self.hearings)))}/")
        elif len(self.cases) > 1:
            self.call("DELETE", f"/api/v1/cases/{self.cases.pop(r.randrange(len(self.cases)))}/")

    def run(self):
        try:
            for n in range(OPERATIONS_PER_WRITER):
                self.step(n)
        finally:
            connection.close()  # this thread's Django connection (the overrides)


def lawyer_writers(base_url, org, court, appeal_court, *, count):
    """`count` lawyers of `org`, each a Writer with its own read-write token."""
    from apitokens.services import api_token_create

    writers = []
    for i in range(count):
        user = UserFactory(username=f"writer{i}")
        organization_actions.membership_set(organization=org, user=user, role=Membership.Role.LAWYER)
        _, raw = api_token_create(user=user, name="writer")
        writers.append(Writer(base_url, raw, org.slug, court.pk, seed=i, appeal_court_id=appeal_court.pk, user=user))
    return writers


def test_replicas_equal_server_state_after_concurrent_writers(live_server, tmp_path):
    # given an organization, its writers, a member who syncs and a court
    from apitokens.services import api_token_create

    org = OrganizationFactory()
    court = services.court_create(name="Tverskoy", jurisdiction="ru", level="first_instance", time_zone="Europe/Moscow")
    appeal_court = services.court_create(
        name="Moscow City Court", jurisdiction="ru", level="appeal", time_zone="Europe/Moscow"
    )
    writers = lawyer_writers(live_server.url, org, court, appeal_court, count=WRITERS)
    member = UserFactory(username="syncer")
    organization_actions.membership_set(organization=org, user=member, role=Membership.Role.VIEWER)
    _, member_token = api_token_create(user=member, name="sync", read_only=True)
    member_replica = SyncClient(
        base_url=live_server.url, token=member_token, db_path=str(tmp_path / "m.sqlite3"), page_size=25, language="ru"
    )
    public_replica = SyncClient(base_url=live_server.url, db_path=str(tmp_path / "p.sqlite3"), page_size=25)

    # when the writers hammer the API while both replicas keep syncing
    done = threading.Event()
    sync_errors = []

    def keep_syncing():
        try:
            while not done.is_set():
                member_replica.sync_once()
                public_replica.sync_once()
        except Exception as exc:  # surfaced in the assertion below
            sync_errors.append(repr(exc))

    threads = [threading.Thread(target=w.run) for w in writers]
    # SQLite connections belong to the thread that made them: let the syncer thread own them
    member_replica.db.close()
    public_replica.db.close()

    def reopen():
        import sqlite3

        member_replica.db = sqlite3.connect(str(tmp_path / "m.sqlite3"), isolation_level=None)
        public_replica.db = sqlite3.connect(str(tmp_path / "p.sqlite3"), isolation_level=None)

    def syncer_main():
        try:
            syncer_steps()
        finally:
            connection.close()  # this thread's Django connection (the marker write)

    def syncer_steps():
        reopen()
        keep_syncing()
        # then: catch up past a marker written after every writer finished
        marker = services.court_create(name="Marker", jurisdiction="de", level="first_instance", time_zone="UTC")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            member_replica.sync_once()
            public_replica.sync_once()
            if ("court", marker.pk) in member_replica.records() and ("court", marker.pk) in public_replica.records():
                break
            time.sleep(0.1)
        results["member"] = member_replica.records()
        results["public"] = public_replica.records()
        results["member_deadlines"] = member_replica.deadlines()
        results["member_translations"] = member_replica.translations()
        results["public_deadlines"] = public_replica.deadlines()

    results = {}
    syncer = threading.Thread(target=syncer_main)
    syncer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    done.set()
    syncer.join(200)

    # then no request failed on the server, the writes really happened, and both replicas match
    assert [e for w in writers for e in w.server_errors] == []
    assert sync_errors == []
    created = sum(w.statuses.count(201) for w in writers)
    deleted = sum(w.statuses.count(204) for w in writers)
    assert created >= 60 and deleted >= 10, sorted({s for w in writers for s in w.statuses})
    member_expected = server_state(member, frozenset({org.pk}), language="ru")
    public_expected = server_state(AnonymousUser(), frozenset())
    assert results["member"] == member_expected
    assert results["public"] == public_expected
    # and the member's deadline table holds exactly the server's deadlines, column for column
    assert results["member_deadlines"] == {
        pk: {column: data[field] for column, field in DEADLINE_COLUMNS.items()}
        for (type_name, pk), data in member_expected.items()
        if type_name == "deadline"
    }
    assert results["public_deadlines"] == {}
    # and the member's translation table holds every language of every record, as the server has it
    assert results["member_translations"] == {
        key: kept
        for key, data in member_expected.items()
        if (
            kept := {
                field: {language: text for language, text in texts.items() if text is not None}
                for field, texts in data.get("translations", {}).items()
                if any(text is not None for text in texts.values())
            }
        )
    }
    russian_titles = [
        data["title"]
        for (type_name, _), data in member_expected.items()
        if type_name == "case" and data["title"].startswith("Дело")
    ]
    assert russian_titles, "some cases were written in Russian only"
    assert not any(type_name == "deadline" for type_name, _ in public_expected)
    deadlines = Deadline.objects.all()
    assert len(results["member_deadlines"]) == deadlines.count() > 0
    assert sum(w.overrides for w in writers) > 0 and deadlines.exclude(override_due_on=None).exists()
    assert deadlines.filter(state__in=["met", "late"]).exists()  # closed by a filed appeal
    # and the public replica holds no private detail
    assert "contact_email" not in json.dumps(list(results["public"].values()))
    assert len(member_expected) > len(public_expected) > 0
    print(
        f"writes: {created} created, {deleted} deleted; replicas: member {len(member_expected)}, public {len(public_expected)}"
    )
