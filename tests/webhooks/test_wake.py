"""A committed change asks a worker to look (once per transaction, and only when some endpoint
is active); a rolled-back one does not."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction

from cases import services
from tests.factories import MembershipFactory, OrganizationFactory
from webhooks import services as webhooks
from webhooks.tasks import WAKE_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """The wake-ups asked for (the broker itself is exercised by the end-to-end test)."""
    asked = []
    monkeypatch.setattr(webhooks, "dispatch_soon", lambda: asked.append(1))
    return asked


def write_two_cases(org, suffix=""):
    for title in (f"Popova v. Moscow{suffix}", f"Gusev v. Moscow{suffix}"):
        services.case_create(
            organization=org, title=title, is_public=True, status="filed", filed_on=dt.date(2019, 1, 1)
        )


def test_one_wake_up_per_committed_transaction_when_an_endpoint_is_active(
    calls, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    with django_capture_on_commit_callbacks(execute=False):  # registration's own wake-up: not counted
        webhooks.endpoint_create(organization=org, owner=owner, url="http://127.0.0.1:9/")

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            write_two_cases(org)

    assert calls == [1]


def test_no_wake_up_without_an_active_endpoint_or_after_a_rollback(calls, django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        write_two_cases(org)
    assert calls == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            write_two_cases(org, suffix=" II")
            raise RuntimeError("rolled back")
    assert callbacks == [] and calls == []


def test_a_wake_up_is_sent_once_until_a_worker_takes_it(monkeypatch):
    from webhooks.tasks import webhooks_dispatch_task

    sent = []
    monkeypatch.setattr(webhooks_dispatch_task, "delay", lambda: sent.append(1))
    cache.delete(WAKE_KEY)

    webhooks.dispatch_soon()
    webhooks.dispatch_soon()  # a message is already on its way
    assert sent == [1] and cache.get(WAKE_KEY) == 1
    cache.delete(WAKE_KEY)  # what the task does first
    webhooks.dispatch_soon()
    assert sent == [1, 1]
