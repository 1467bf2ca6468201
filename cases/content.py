"""Case content in several languages: which language to read, and what to show when it is missing.

The translated fields are registered in cases/translation.py (django-modeltranslation stores
``title_en``, ``title_ru``, ...). Reading ``case.title`` gives the active language with a fixed
fallback order; :func:`localized` also says which language the text really is in, so the
element can carry its real ``lang`` and the reader is told "(in Russian)".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, gettext, override


def content_languages() -> tuple[str, ...]:
    """The languages case content is kept in, in the order of settings.LANGUAGES."""
    return tuple(code for code, _name in settings.LANGUAGES)


def supported_language(code: str | None) -> str | None:
    """``code`` as one of content_languages() ("ru-RU" -> "ru"), or None when it is not one."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    languages = content_languages()
    if code in languages:
        return code
    base = code.split("-", 1)[0]
    return base if base in languages else None


def active_content_language() -> str:
    """The active interface language as a content language (the default one when unsupported)."""
    return supported_language(get_language()) or settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def translated_fields(model: Any) -> tuple[str, ...]:
    """The fields of ``model`` (a class or an instance) kept in every language; () for others."""
    return tuple(getattr(model, "translated_fields", ()))


def field_in(obj: Any, field: str, language: str) -> str:
    """The stored text of ``field`` in ``language`` exactly, "" when there is none."""
    value = getattr(obj, f"{field}_{language}", None)
    return value or ""


@dataclass(frozen=True)
class Localized:
    """A text as a reader gets it: the words, the language they are in, and whether that is a fallback."""

    text: str
    language: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.requested

    def __str__(self) -> str:
        return self.text


def reading_order(obj: Any, language: str) -> list[str]:
    """Where to look for ``obj``'s words for a reader of ``language``: theirs, the original, the rest."""
    order = [language]
    original = getattr(obj, "original_language", None)
    if original and original not in order:
        order.append(original)
    order.extend(code for code in content_languages() if code not in order)
    return order


def localized(obj: Any, field: str, language: str | None = None) -> Localized:
    """``obj.field`` for a reader of ``language`` (the active one by default), with its real language."""
    requested = supported_language(language) if language else active_content_language()
    requested = requested or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    for candidate in reading_order(obj, requested):
        text = field_in(obj, field, candidate)
        if text:
            # Read for outsiders (cases/redaction.py `mark`): a hidden party's name shows as the alias.
            redactor = getattr(obj, "_public_redactor", None)
            if redactor is not None:
                text = redactor.redact_field(obj, field, text, candidate)
            return Localized(text=text, language=candidate, requested=requested)
    return Localized(text="", language=requested, requested=requested)


def language_note(language: str, reader_language: str | None = None) -> str:
    """ "in Russian" / "на английском": tells a reader which language a fallback text is in."""
    reader_language = reader_language or active_content_language()
    with override(reader_language):
        notes = {
            "en": gettext("in English"),
            "ru": gettext("in Russian"),
            "fr": gettext("in French"),
        }
        if language in notes:
            return notes[language]
        from django.utils.translation import get_language_info

        return gettext("in %(language)s") % {"language": get_language_info(language)["name_translated"]}
