from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"


class TrackerStaticFilesConfig(StaticFilesConfig):
    """django.contrib.staticfiles, leaving out drf-spectacular-sidecar's ReDoc build (5 MB with its
    source map; /api/docs/ is Swagger UI): collectstatic hashes and compresses every collected file."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc"]
