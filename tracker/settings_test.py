"""The thin test override: real PostgreSQL and Redis by default (DEVELOPERS.md), fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-8c1d")
# Fixed test keys (DEBUG is off in the tests, so none is derived): two, the second an old one
# that still decrypts, as during a rotation.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "cnVudGVzdHMtZmllbGQta2V5LW9uZS0wMTIzNDU2Nzg=,cnVudGVzdHMtZmllbGQta2V5LXR3by0wMTIzNDU2Nzg=",
)
os.environ.setdefault("FIELD_HASH_KEY", "test-only-field-hash-key-not-for-any-deployment-5e2a")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Under pytest-xdist each worker gets its own Redis database (15, 14, ...): tests clear the cache
# and start Celery workers, which must not see another pytest worker's keys or tasks. Written
# back to the environment so the processes the tests start use the same database.
if _xdist := os.environ.get("PYTEST_XDIST_WORKER", ""):
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    os.environ["REDIS_URL"] = f"{_base}/{int(_db or 0) - int(_xdist.removeprefix('gw'))}"
# The test client speaks plain HTTP; the HTTPS settings themselves are tested with `check --deploy`.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from tracker.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Tests serve static files from the apps' folders (no collectstatic run); whitenoise wants its
# root to exist even then.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = VAR_DIR / "test-static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The suite makes many requests from one address; throttling has its own test with low rates.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/min", "anon": "100000/min"}}  # noqa: F405
# The live servers of the browser tests are plain http://localhost (WebAuthn's own exception is
# for the browser; the server's check of the origin needs this).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
