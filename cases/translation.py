"""Which case content is stored in every language (django-modeltranslation registrations).

Each model lists its fields in ``translated_fields`` (cases/models.py); each gets one column per language in settings.LANGUAGES (``title_en``,
``title_ru``, ...); the plain attribute (``case.title``) reads the active language with the
fallbacks of cases/content.py. Names of courts and organizations are translated too: a Russian
reader sees "Савёловский районный суд г. Москвы", a journalist abroad "Savyolovsky District Court".
Private notes, contact details, docket numbers and citations stay single-language: they are
written once, for the organization, in whatever language the lawyer works in.
"""

from modeltranslation.translator import translator

from cases.models import Appeal, Case, CaseEvent, Court, Hearing, Organization, Party, Ruling

for model in (Court, Case, Party, CaseEvent, Hearing, Ruling, Appeal):
    translator.register(model, fields=model.translated_fields)

# An organization's name is unique: an untranslated name is NULL, not "", so two organizations
# without a Russian name do not collide.
translator.register(Organization, fields=Organization.translated_fields, empty_values={"name": None})
