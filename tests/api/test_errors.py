"""Errors the database raises under concurrency reach clients as the documented envelope."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import translation

from api.errors import api_exception_handler
from tests.factories import CourtFactory


def real_deadlock() -> OperationalError:
    """Two transactions lock two courts in opposite orders; PostgreSQL aborts one of them."""
    first, second = CourtFactory(), CourtFactory()
    both_hold_one = threading.Barrier(2, timeout=10)
    raised: list[OperationalError] = []

    def lock(order):
        try:
            with transaction.atomic():
                type(first).objects.select_for_update().get(pk=order[0].pk)
                both_hold_one.wait()
                type(first).objects.select_for_update().get(pk=order[1].pk)
        except OperationalError as exc:
            raised.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lock, args=(order,)) for order in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(raised) == 1, raised  # PostgreSQL picks one victim; the other transaction commits
    return raised[0]


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_is_a_409_conflict_in_the_envelope_not_a_500():
    # given a real deadlock reported by PostgreSQL
    exc = real_deadlock()
    assert exc.__cause__.sqlstate == "40P01"
    # when the API's exception handler meets it
    response = api_exception_handler(exc, {})
    # then the client reads a 409 it can retry, in the usual shape
    assert response is not None
    assert response.status_code == 409
    assert response.data == {
        "error": {
            "status": 409,
            "code": "conflict",
            "message": "The write collided with a concurrent one and was rolled back; nothing was written. "
            "Send it again.",
        }
    }
    assert connection.vendor == "postgresql"
    # and in Russian for a client that asks for it
    with translation.override("ru"):
        russian = api_exception_handler(real_deadlock(), {})
    assert russian is not None
    assert russian.data["error"]["message"] == (
        "Запись столкнулась с одновременным изменением и была отменена; ничего не записано. Отправьте запрос ещё раз."
    )


@pytest.mark.django_db
def test_other_database_errors_stay_server_errors():
    # An unexpected database failure is a bug to log, not a conflict to hide.
    assert api_exception_handler(OperationalError("connection lost"), {}) is None
