"""The API's JSON parser: a body is valid Unicode text or a 400.

JSON can spell a lone UTF-16 surrogate ("\\ud800"); Python's json module turns it into a str that
no encoder accepts, so it got as far as an error message echoing it back ('"\\ud800" is not a
valid choice') and the response could not be written: a 500. No text in the tracker needs one.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= character <= "\udfff" for character in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(key) or _has_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class UnicodeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if _has_lone_surrogate(data):
            raise ParseError(_("The JSON holds an unpaired UTF-16 surrogate (\\ud800-\\udfff): it is not text."))
        return data
