"""The language an API request reads case content in: `?lang=` when given, else the
`Accept-Language` header (Django's LocaleMiddleware has activated it), else English.

`?lang=` is checked strictly (an unknown code is a 400 naming the languages kept) because a
client that asks for one language by name must not silently get another; `Accept-Language` is
a browser's list of preferences and falls back quietly, as HTTP says it may.
"""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request

from cases.content import active_content_language, content_languages, supported_language

LANG_PARAMETER = "lang"


def unknown_language_message(code: str) -> str:
    return translation.gettext('Unknown language "%(code)s": use one of %(languages)s.') % {
        "code": code,
        "languages": ", ".join(content_languages()),
    }


def request_content_language(request: Request) -> str:
    """Activate and return the content language `request` asks for; a 400 for an unknown `?lang=`."""
    asked = request.query_params.get(LANG_PARAMETER)
    if asked is not None:
        language = supported_language(asked)
        if language is None:
            raise exceptions.ValidationError({LANG_PARAMETER: [unknown_language_message(asked)]})
        # Messages, dates and the Content-Language header follow the content language asked for.
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return language
    return active_content_language()


def lang_parameters() -> list[OpenApiParameter]:
    """The OpenAPI description of how a request chooses its language."""
    languages = ", ".join(content_languages())
    return [
        OpenApiParameter(
            LANG_PARAMETER,
            OpenApiTypes.STR,
            enum=list(content_languages()),
            description=(
                f"The language of the translated fields ({languages}); wins over Accept-Language. "
                "An unknown code is a 400. A field missing in this language falls back to the record's "
                "`original_language`; every language's text is in `translations`."
            ),
        ),
        OpenApiParameter(
            "Accept-Language",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description=f"Preferred languages ({languages}); used when `lang` is not given. Default: en.",
        ),
    ]
