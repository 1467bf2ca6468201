"""Records that existed before the change log get one upsert each, so a client syncing from
scratch receives them too."""

from django.db import migrations
from django.db.models.expressions import RawSQL


def backfill(apps, schema_editor):
    Change = apps.get_model("changes", "Change")
    txid = RawSQL("pg_current_xact_id()::text::bigint", []) if schema_editor.connection.vendor == "postgresql" else 0
    for model_name, type_name in (("Court", "court"),):
        for record in apps.get_model("cases", model_name).objects.all():
            Change.objects.create(
                txid=txid, object_type=type_name, object_id=record.pk, op="upsert",
                organization_id=None, audience_public=True,
            )
    for record in apps.get_model("cases", "Case").objects.all():
        Change.objects.create(
            txid=txid, object_type="case", object_id=record.pk, op="upsert",
            organization_id=record.organization_id, audience_public=record.is_public,
        )
    for model_name, type_name in (("Party", "party"), ("Hearing", "hearing"), ("Ruling", "ruling"), ("Appeal", "appeal")):
        for record in apps.get_model("cases", model_name).objects.select_related("case"):
            Change.objects.create(
                txid=txid, object_type=type_name, object_id=record.pk, op="upsert",
                organization_id=record.case.organization_id, audience_public=record.case.is_public,
            )


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_initial"), ("cases", "0001_initial")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
