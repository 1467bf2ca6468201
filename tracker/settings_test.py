"""The thin test override: real PostgreSQL and Redis by default (DEVELOPERS.md), fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-8c1d")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
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
