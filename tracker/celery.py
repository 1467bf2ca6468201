import logging
import os
from typing import Any

from celery import Celery, signals
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _json_logs(logger: logging.Logger, **kwargs: Any) -> None:
    """LOG_FORMAT=json: Celery's handlers (worker, beat, task loggers) write JSON lines too.
    (Settings are read here, at start-up, not at import: the settings module imports this one.)"""
    if settings.LOG_FORMAT != "json":
        return
    options: dict[str, Any] = {key: value for key, value in settings.LOG_JSON_FORMATTER.items() if key != "()"}
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter(**options))


@app.task(name="tracker.ping_task")
def ping_task() -> str:
    """Round trip through broker, worker and result backend; used by health checks and smoke tests."""
    return "pong"
