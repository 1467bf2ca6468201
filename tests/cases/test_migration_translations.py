"""cases/migrations/0003 on a database loaded before the content had languages: the demo as
the previous code stored it (one column per text) becomes the English original, and Russian
courts' own names become their Russian names."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from cases.models import Appeal, Case, CaseEvent, Court, Hearing, Organization, Party, Ruling

pytestmark = pytest.mark.django_db(transaction=True)

TRANSLATED = (Organization, Court, Case, Party, CaseEvent, Hearing, Ruling, Appeal)


def _migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("cases")[0]


def _every_app_latest():
    """Back to where the suite's other tests expect the schema: going back to cases 0001 also
    unapplied every app whose migrations depend on a later cases migration (courtwatch's)."""
    _migrate(*MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_demo_stored_before_translations_becomes_the_english_original():
    call_command("seed_demo", "--no-accounts", verbosity=0)
    english = {
        model.__name__: {
            row.pk: {field: getattr(row, f"{field}_en") or "" for field in model.translated_fields}
            for row in model.objects.all()
        }
        for model in TRANSLATED
    }
    versions = {model.__name__: dict(model.objects.values_list("pk", "version")) for model in TRANSLATED}
    latest = _latest()
    try:
        # the schema and data as they were before case content had languages (0001: one column
        # per text, holding the English the demo was written in)
        _migrate(("cases", "0001_initial"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM cases_case WHERE slug = 'popova-v-moscow'")
            assert cursor.fetchone() == ("Popova v. Moscow (facial recognition at protests)",)
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases_case' "
                "AND column_name IN ('title_en', 'title_ru', 'original_language')"
            )
            assert cursor.fetchall() == []
        # when the migrations run
        _migrate(latest)
    finally:
        _every_app_latest()

    # then every text is the English original, nothing is in Russian yet but the courts' own names
    for model in TRANSLATED:
        for row in model.objects.all():
            assert row.original_language == "en"
            for field, text in english[model.__name__][row.pk].items():
                assert (getattr(row, f"{field}_en") or "") == text, (model.__name__, row.pk, field)
                if model is not Court:
                    assert not getattr(row, f"{field}_ru"), (model.__name__, row.pk, field)
        assert dict(model.objects.values_list("pk", "version")) == versions[model.__name__]
    assert Court.objects.get(name_en="Savyolovsky District Court of Moscow").name_ru == (
        "Савёловский районный суд г. Москвы"
    )
    assert Court.objects.get(name_en="European Court of Human Rights").name_ru is None  # not a Russian court

    # and the pages read it: English as is, Russian readers get the English title marked
    client = Client()
    client.cookies["django_language"] = "ru"
    page = client.get("/public/popova-v-moscow/").content.decode()
    assert '<h1><span lang="en">Popova v. Moscow (facial recognition at protests)</span>' in page
    assert "Савёловский районный суд г. Москвы" in page
