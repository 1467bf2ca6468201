"""Today's text becomes the English original: every translated field's value is copied into its
``_en`` column and each record's original language is English. Russian courts' own-language names
(``name_local``) become their Russian names."""

from django.db import migrations
from django.db.models import F, Q

TRANSLATED = {
    "Organization": ("name",),
    "Court": ("name", "address"),
    "Case": ("title", "summary", "claims", "legal_basis"),
    "Party": ("name", "alias", "description"),
    "CaseEvent": ("title", "description"),
    "Hearing": ("outcome_notes",),
    "Ruling": ("summary",),
    "Appeal": ("grounds",),
}


def text_becomes_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("cases", model_name)
        for field in fields:
            # Only rows whose English column is still empty: running it on a database where
            # someone already entered translations keeps them.
            model.objects.filter(Q(**{f"{field}_en__isnull": True}) | Q(**{f"{field}_en": ""})).exclude(
                **{field: ""}
            ).update(**{f"{field}_en": F(field)})
        model.objects.update(original_language="en")
    Court = apps.get_model("cases", "Court")
    Court.objects.filter(jurisdiction="ru", name_ru__isnull=True).exclude(name_local="").update(name_ru=F("name_local"))


def english_becomes_text(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("cases", model_name)
        for field in fields:
            model.objects.exclude(**{f"{field}_en__isnull": True}).update(**{field: F(f"{field}_en")})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_content_translations")]

    operations = [migrations.RunPython(text_becomes_english, english_becomes_text)]
