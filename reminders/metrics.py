"""The reminders' figures on /metrics (tracker/metrics.py), read from the rows at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from reminders.selectors import delivery_figures


def reminder_metrics() -> Iterator[GaugeMetricFamily]:
    now = timezone.now()
    rows = GaugeMetricFamily(
        "tracker_reminders", "Reminder and notice rows by kind and state.", labels=["kind", "state"]
    )
    due = GaugeMetricFamily(
        "tracker_reminders_due",
        "Pending rows whose due time has come (claimed by the next beat tick).",
        labels=["kind"],
    )
    lag = GaugeMetricFamily(
        "tracker_reminders_oldest_due_lag_seconds",
        "How long the oldest due, still pending row has waited past its due time (0: none).",
        labels=["kind"],
    )
    for kind, figures in delivery_figures(now=now).items():
        for state, count in figures["states"].items():  # type: ignore[attr-defined]
            rows.add_metric([kind, state], count)
        due.add_metric([kind], figures["due"])  # type: ignore[arg-type]
        oldest = figures["oldest_due_at"]
        lag.add_metric([kind], (now - oldest).total_seconds() if oldest else 0.0)  # type: ignore[operator]
    yield from (rows, due, lag)
