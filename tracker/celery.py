import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="tracker.ping_task")
def ping_task() -> str:
    """Round trip through broker, worker and result backend; used by health checks and smoke tests."""
    return "pong"
