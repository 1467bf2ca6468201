import logging.config
import os
from typing import Any

from celery import Celery, signals
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


if settings.LOG_FORMAT == "json":
    # Celery would replace the root logger's handlers with its own text format; with this
    # signal connected it leaves logging to Django's LOGGING (JSON lines).
    @signals.setup_logging.connect
    def _django_logging(**kwargs: Any) -> None:
        logging.config.dictConfig(settings.LOGGING)


@app.task(name="tracker.ping_task")
def ping_task() -> str:
    """Round trip through broker, worker and result backend; used by health checks and smoke tests."""
    return "pong"
