"""The dossiers' figures on /metrics (tracker/metrics.py), read from the rows at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import HistogramMetricFamily

from documents.selectors import dossier_render_seconds


def dossier_metrics() -> Iterator[HistogramMetricFamily]:
    renders = dossier_render_seconds()
    histogram = HistogramMetricFamily(
        "tracker_dossier_render_seconds", "Time from a dossier render's start to its PDF, finished renders."
    )
    buckets = [(str(bound), count) for bound, count in renders["buckets"]]  # type: ignore[attr-defined]
    histogram.add_metric([], buckets + [("+Inf", renders["count"])], sum_value=renders["sum"])  # type: ignore[arg-type]
    yield histogram
