"""The web process of `make run` (Procfile.dev): Django's runserver on SQLite, gunicorn on
PostgreSQL.

Why: runserver serves each request in a new thread, and each thread opens its own database
connection, which CONN_MAX_AGE then keeps open. Against PostgreSQL four API writers took all of
its 100 connections in under 30 seconds ("too many clients"). Gunicorn's sync workers hold one
connection each, however many requests come. SQLite has no connection limit and keeps
runserver's conveniences (its error pages and autoreload) for the first `make run`.

    python -m tracker.devserver            # the address from $PORT (default 8000)
"""

from __future__ import annotations

import os
import shutil
import sys

# Gunicorn workers for `make run` on PostgreSQL: enough for the pages' htmx requests beside a
# REST client, and as many database connections as that at most.
DEV_WORKERS = 2


def command(*, engine: str, port: str) -> list[str]:
    if engine == "django.db.backends.sqlite3":
        return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return [
        gunicorn,
        "tracker.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        os.environ.get("WEB_CONCURRENCY", str(DEV_WORKERS)),
        "--reload",  # as runserver does: a saved file restarts the workers
        "--access-logfile",
        "-",
    ]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from django.conf import settings

    argv = command(engine=settings.DATABASES["default"]["ENGINE"], port=os.environ.get("PORT", "8000"))
    sys.stdout.flush()
    os.execv(argv[0], argv)  # noqa: S606 (our own fixed command line)


if __name__ == "__main__":
    main()
