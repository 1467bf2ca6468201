"""The beat tick now comes from CELERY_BEAT_SCHEDULE (every periodic task is there): drop the row
0002 wrote, or the tick would run twice a minute."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "reminders: send due reminders and notices"


def drop_tick(apps, schema_editor):
    if apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()[0]:
        # The running beat re-reads its schedule when this marker changes.
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0005_subscriber_email_encrypted"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Back: the settings' entry stays the tick.
    operations = [migrations.RunPython(drop_tick, migrations.RunPython.noop)]
