"""GIN indexes for case search on PostgreSQL: one per content language, on the very tsvector
expression `cases.selectors.search_vector` builds (an expression index serves only a query with
the same expression). SQLite (a first `make run`) searches without them.

A new content language gets its index from the migration that adds its columns:
``search_indexes_add(languages=("fr",))``.
"""

from django.db import migrations

CASE_FIELDS = ("title", "summary", "legal_basis")
PARTY_FIELDS = ("name", "alias")
CONFIGS = {"en": "english", "ru": "russian"}


def _indexes(languages):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for language in languages:
        config = CONFIGS[language]
        yield (
            "Case",
            GinIndex(
                SearchVector(*(f"{name}_{language}" for name in CASE_FIELDS), config=config),
                name=f"case_search_{language}",
            ),
        )
        for name in PARTY_FIELDS:
            yield (
                "Party",
                GinIndex(SearchVector(f"{name}_{language}", config=config), name=f"party_{name}_search_{language}"),
            )


def search_indexes_add(apps, schema_editor, languages=("en", "ru")):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _indexes(languages):
        schema_editor.add_index(apps.get_model("cases", model_name), index)


def search_indexes_remove(apps, schema_editor, languages=("en", "ru")):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _indexes(languages):
        schema_editor.remove_index(apps.get_model("cases", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_translated_constraints")]

    operations = [migrations.RunPython(search_indexes_add, search_indexes_remove)]
