"""Gunicorn reads this file from the project folder on its own (Procfile, tracker/devserver.py).
Only the Prometheus bookkeeping lives here; every other setting is on the command line.

/metrics must show the whole server's figures, not those of whichever worker answered: each
worker writes its figures to files in PROMETHEUS_MULTIPROC_DIR and the scrape sums them
(prometheus_client's multiprocess mode, tracker/metrics.py). Unset, a folder is made here for
this server's lifetime. The variable is set before any worker starts (and before
prometheus_client is imported anywhere), so every forked worker writes to it.
"""

import os as _os
import shutil as _shutil
import tempfile as _tempfile

# LOG_FORMAT=json (as in tracker/settings.py): gunicorn's own lines (start-up, access log) as JSON too.
if _os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }

_made_here = False
if not _os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _os.environ["PROMETHEUS_MULTIPROC_DIR"] = _tempfile.mkdtemp(prefix="tracker-metrics-")
    _made_here = True


def on_starting(server):  # type: ignore[no-untyped-def]
    """Figures of an earlier run of this server must not be added to this one's."""
    folder = _os.environ["PROMETHEUS_MULTIPROC_DIR"]
    _os.makedirs(folder, exist_ok=True)
    for name in _os.listdir(folder):
        if name.endswith(".db"):
            _os.remove(_os.path.join(folder, name))


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker that exits (restarted, or killed by the timeout) stops counting in live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # type: ignore[no-untyped-def]
    if _made_here:
        _shutil.rmtree(_os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
