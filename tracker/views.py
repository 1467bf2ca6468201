import socket
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from tracker.beat import beat_tick_age_seconds

OK = "ok"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _cache() -> str:
    cache.set("healthz", "ok", 10)
    return OK if cache.get("healthz") == "ok" else "error: no read-back"


def _storage_probe() -> str:
    """Write, read back and delete a small file where documents and dossiers are stored."""
    payload = uuid.uuid4().hex.encode()
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(payload))
    try:
        with default_storage.open(name, "rb") as stored:
            return OK if stored.read() == payload else "error: read back other bytes"
    finally:
        default_storage.delete(name)


def _storage() -> str:
    """The storage probe, at most once per READYZ_STORAGE_CHECK_SECONDS on this host: /readyz is
    anonymous, and each probe is three requests to the bucket (paid, and rate-limited by the
    provider). Whoever takes the cache's lock for the period probes and keeps the result for
    the others; the key names the host, since each host has its own credentials and network
    path to the storage."""
    interval = settings.READYZ_STORAGE_CHECK_SECONDS
    if interval <= 0:
        return _storage_probe()
    result_key = f"readyz:storage:{socket.gethostname()}"
    if not cache.add(f"{result_key}:lock", 1, timeout=interval):
        kept = cache.get(result_key)
        if kept is not None:
            return str(kept)
        # No result yet (the first probe is still running) or evicted: probe once more.
    result = _checked(_storage_probe)
    cache.set(result_key, result, timeout=None)
    return result


def _beat() -> str:
    limit = settings.READYZ_BEAT_MAX_AGE_SECONDS
    age = beat_tick_age_seconds()
    if age is None:
        return "error: no beat tick recorded (is `celery -A tracker beat` running?)"
    if age > limit:
        return f"error: the beat's last tick was {age:.0f} s ago (limit {limit} s)"
    return OK


def _checked(check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as exc:  # report, never raise: this page is what tells an operator
        return f"error: {exc.__class__.__name__}"


def _run(checks: dict[str, Callable[[], str]]) -> JsonResponse:
    results = {name: _checked(check) for name, check in checks.items()}
    healthy = all(value == OK for value in results.values())
    return JsonResponse({"status": OK if healthy else "error", **results}, status=200 if healthy else 503)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and the smoke tests: the database and the cache answer."""
    return _run({"database": _database, "cache": _cache})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: everything a request or a reminder needs. The database; Redis (the cache, the
    broker, the API's rate counters; under `make run` the file cache); the file storage; and the
    beat's last tick, so a dead beat (which silently stops every reminder) shows as 503.
    READYZ_BEAT_MAX_AGE_SECONDS=0 leaves the beat out. The storage is probed at most once per
    READYZ_STORAGE_CHECK_SECONDS per host (see `_storage`)."""
    checks = {"database": _database, ("redis" if settings.REDIS_URL else "cache"): _cache, "storage": _storage}
    if settings.READYZ_BEAT_MAX_AGE_SECONDS:
        checks["beat"] = _beat
    return _run(checks)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, the browsable API).
    Resolved per request: the hashed name exists only once collectstatic has run."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
