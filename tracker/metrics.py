"""/metrics in Prometheus' text format: django-prometheus' request figures (summed over every
gunicorn worker through prometheus_client's multiprocess files, see gunicorn.conf.py) and the
tracker's own, read at scrape time from the database and the broker, so any web host gives the
same answer whichever worker rendered a dossier or sent a reminder.

Who may read it: an address in METRICS_ALLOWED_IPS (addresses or networks; loopback by default),
or a scraper sending `Authorization: Bearer <METRICS_TOKEN>`. Anyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tracker.client_address import client_address

logger = logging.getLogger(__name__)


def celery_queue_length(queue: str = "celery") -> int:
    """Messages waiting in the broker's queue (Redis LLEN, or the filesystem transport's files)."""
    from tracker.celery import app

    with app.connection_for_read(connect_timeout=2) as connection:
        # Not passive: an empty Redis queue has no key, which a passive declare reports as missing.
        return connection.default_channel.queue_declare(queue=queue, passive=False).message_count


# The apps' own figures: each app registers a function that reads them at scrape time (from its
# AppConfig.ready), so this kernel module imports no app.
MetricsCollect = Callable[[], Iterable[Metric]]
_app_collectors: list[MetricsCollect] = []


def metrics_collector_register(collect: MetricsCollect) -> None:
    if collect not in _app_collectors:
        _app_collectors.append(collect)


class TrackerCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        for collect in _app_collectors:
            yield from collect()

        broker_up = GaugeMetricFamily("tracker_broker_up", "1 when the Celery broker answered this scrape.")
        try:
            length = celery_queue_length()
        except Exception as exc:  # a scrape reports the broker down; it must not fail itself
            logger.warning("metrics: the broker did not answer: %s", exc)
            broker_up.add_metric([], 0)
        else:
            broker_up.add_metric([], 1)
            queue = GaugeMetricFamily("tracker_celery_queue_length", "Tasks waiting in the broker.", labels=["queue"])
            queue.add_metric(["celery"], length)
            yield queue
        yield broker_up


class _ProcessRegistry(Collector):
    """This process's own registry (django-prometheus' metrics) when not in multiprocess mode."""

    def collect(self) -> Iterator[object]:  # type: ignore[override]
        yield from REGISTRY.collect()


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        # Behind a proxy on this host the peer is loopback: the client is in X-Forwarded-For.
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden(
            "Metrics are for METRICS_ALLOWED_IPS or a bearer METRICS_TOKEN.\n", content_type="text/plain"
        )
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # every worker's figures, summed
    else:
        registry.register(_ProcessRegistry())
    registry.register(TrackerCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
