"""Case content kept in several languages (cases/translation.py), as the API reads and writes it:
each translated field in the request's language, `translations` holding them all."""

from __future__ import annotations

import functools
from typing import Any

from django.utils import translation
from rest_framework import serializers

from api.language import unknown_language_message
from cases.content import (
    active_content_language,
    content_languages,
    field_in,
    localized,
    translated_fields,
)


def content_language_of(context: dict[str, Any]) -> str:
    """The language a serializer reads translated fields in: the context's, else the active one
    (the API views activate the request's: api/language.py)."""
    return context.get("content_language") or active_content_language()


class TranslatedTextField(serializers.CharField):
    """A field kept in every language (cases/translation.py). Read: the text in the request's
    language, falling back to the record's original language, then the others. Write: the text
    of the request's language (TranslatedContentMixin.validate moves it to that column)."""

    def get_attribute(self, instance: Any) -> str:
        return localized(instance, str(self.source), content_language_of(self.context)).text


class LanguageTextsSerializer(serializers.Serializer):
    """One field's text in every language; null where there is no translation. (Described for
    the schema; TranslationsSerializer reads and checks it.)"""

    closed_object = True  # an unknown language is refused: `additionalProperties: false` (api/schema.py)

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            code: serializers.CharField(allow_null=True, allow_blank=True, required=False)
            for code in content_languages()
        }


TRANSLATIONS_HELP = (
    "Every language's text of the translated fields: {field: {language: text or null}}. A write may "
    'give any of them; a language left out is left unchanged, null or "" removes that translation.'
)


class TranslationsSerializer(serializers.Serializer):
    """`{"title": {"en": "...", "ru": "..."}, ...}`: every translated field of the record in every
    language. Read from and written to the per-language columns (title_en, title_ru)."""

    model: Any = None
    field_names: tuple[str, ...] = ()
    closed_object = True  # an unknown field is refused

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: LanguageTextsSerializer(required=False) for name in self.field_names}

    def to_representation(self, instance: Any) -> dict[str, dict[str, str | None]]:
        return {
            name: {code: field_in(instance, name, code) or None for code in content_languages()}
            for name in self.field_names
        }

    def to_internal_value(self, data: Any) -> dict[str, str]:
        """{"title": {"ru": "..."}} -> {"title_ru": "..."}. Unknown fields or languages are errors,
        each message naming its place ("title.xx: ..."): the API's error shape lists a field's
        messages flat (api/errors.py)."""
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                translation.gettext('Give an object: {field: {language: text}}, e.g. {"title": {"ru": "..."}}.')
            )
        parent: Any = self.parent
        writable = sorted(name for name in self.field_names if not parent.fields[name].read_only)
        errors: list[str] = []
        columns: dict[str, str] = {}
        for name, texts in data.items():
            if name not in writable:
                errors.append(
                    translation.gettext("%(field)s: not a translated field here; these are: %(fields)s.")
                    % {"field": name, "fields": ", ".join(writable)}
                )
            elif not isinstance(texts, dict):
                errors.append(translation.gettext("%(field)s: give an object {language: text}.") % {"field": name})
            else:
                max_length = self.model._meta.get_field(name).max_length
                for code, text in texts.items():
                    place = f"{name}.{code}: "
                    if code not in content_languages():
                        errors.append(place + unknown_language_message(str(code)))
                    elif text is not None and not isinstance(text, str):
                        errors.append(place + translation.gettext("give a text, or null to remove it."))
                    elif max_length and text and len(text.strip()) > max_length:
                        errors.append(
                            place
                            + translation.gettext("no more than %(max)s characters, please.") % {"max": max_length}
                        )
                    else:
                        columns[f"{name}_{code}"] = (text or "").strip()
        if errors:
            raise serializers.ValidationError(errors)
        return columns


@functools.cache
def translations_serializer(model: Any, names: tuple[str, ...]) -> type[TranslationsSerializer]:
    """The `translations` serializer of `model`: one class per model and fields, made once, so the
    OpenAPI schema has one component per model ("CaseTranslations")."""
    suffix = "" if names == translated_fields(model) else "".join(name.title().replace("_", "") for name in names)
    return type(
        f"{model.__name__}{suffix}Translations",
        (TranslationsSerializer,),
        {"model": model, "field_names": names, "__doc__": TranslationsSerializer.__doc__},
    )


class TranslatedContentMixin(serializers.ModelSerializer):
    """Serializers of records with translated fields (cases/translation.py): each such field reads
    in the request's language, `translations` holds them all, `original_language` says which one
    the record was written in. A write gives a field in the request's language (`title`), or any
    languages at once (`translations`), or both; what reaches the service are the columns
    (title_ru, ...), never the active-language alias."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type[serializers.Field], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in translated_fields(self.Meta.model):
            field_class = TranslatedTextField
            # Required in *some* language, which `validate` checks: a record written in Russian
            # only is complete.
            kwargs["required"] = False
            kwargs["allow_blank"] = True
            kwargs.pop("allow_null", None)
        return field_class, kwargs

    def translated_names(self) -> tuple[str, ...]:
        own = translated_fields(self.Meta.model)
        return tuple(name for name in self.Meta.fields if name in own)

    def build_field(self, field_name: str, info: Any, model_class: Any, nested_depth: int) -> Any:
        if field_name == "translations":
            return translations_serializer(model_class, self.translated_names()), {
                "source": "*",
                "required": False,
                "help_text": TRANSLATIONS_HELP,
            }
        return super().build_field(field_name, info, model_class, nested_depth)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        language = content_language_of(self.context)
        errors: dict[str, list[str]] = {}
        for name in self.translated_names():
            if name not in attrs:
                continue
            column = f"{name}_{language}"
            text = attrs.pop(name).strip()
            if column in attrs and attrs[column] != text:
                errors[name] = [
                    translation.gettext("Differs from translations.%(field)s.%(language)s; give the text once.")
                    % {"field": name, "language": language}
                ]
            attrs[column] = text
        for name in self.translated_names():
            model: Any = self.Meta.model
            model_field = model._meta.get_field(name)
            if model_field.blank or self.fields[name].read_only:
                continue
            columns = [f"{name}_{code}" for code in content_languages()]
            if self.instance is None and not any(attrs.get(column) for column in columns):
                if not (self.partial and not any(column in attrs for column in columns)):
                    errors[name] = [translation.gettext("This field is required (in at least one language).")]
            elif self.instance is not None and any(column in attrs for column in columns):
                kept = [
                    attrs[column] if column in attrs else field_in(self.instance, name, column[len(name) + 1 :])
                    for column in columns
                ]
                if not any(kept):
                    errors[name] = [translation.gettext("This field cannot be empty in every language.")]
        if errors:
            raise serializers.ValidationError(errors)
        if self.instance is None and "original_language" not in attrs:
            # Written in one language only: that is the original, whatever the request's language.
            written = {
                code for name in self.translated_names() for code in content_languages() if attrs.get(f"{name}_{code}")
            }
            attrs["original_language"] = written.pop() if len(written) == 1 else language
        return attrs
