"""ETag / If-None-Match / If-Match for detail endpoints.

The ETag is `"v<version>-<digest of the body>"`: the version is what If-Match compares (the
services' lost-update check), the digest makes If-None-Match honest for representations that
include related records (a case's hearings) or depend on who asks (members see more)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from rest_framework.request import Request

from api.errors import PreconditionFailed

_VERSION = re.compile(r'^(?:W/)?"v?(\d+)(?:-[0-9a-f]+)?"$')


def etag_for(*, version: int, body: Any) -> str:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f'"v{version}-{digest}"'


def if_none_match_hits(request: Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in candidates or etag in candidates


def expected_version_from(request: Request) -> int | None:
    """The version the client edits, from If-Match; None when it sent none."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _VERSION.match(header)
    if match is None:
        raise PreconditionFailed('If-Match must be an ETag this API returned, e.g. "v3-0123456789abcdef".')
    return int(match.group(1))
