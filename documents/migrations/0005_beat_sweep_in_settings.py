"""The sweep of dead renders now comes from CELERY_BEAT_SCHEDULE (every periodic task is there):
drop the row 0003 wrote, under the task's old name."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "documents: fail dossier renders whose worker died"


def drop_sweep(apps, schema_editor):
    if apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()[0]:
        # The running beat re-reads its schedule when this marker changes.
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_document_notes_encrypted"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Back: the settings' entry stays the sweep.
    operations = [migrations.RunPython(drop_sweep, migrations.RunPython.noop)]
