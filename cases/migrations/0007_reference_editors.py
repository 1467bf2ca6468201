"""Courts and tags are shared by every organization (a court's time zone places every
organization's hearings; renaming or deleting a tag changes every organization's cases): they are
written by superusers and by the "Reference editors" group, never by a lawyer as such. This makes
the group with those permissions and takes them from the demo's "Lawyers" group, which had every
permission of the cases app."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REFERENCE_EDITORS = "Reference editors"
DEMO_LAWYERS = "Lawyers"  # demo/data.py LAWYERS_GROUP
EDITOR_CODENAMES = [f"{action}_{model}" for model in ("court", "tag") for action in ("add", "change", "delete", "view")]
# A lawyer still adds a tag to a case (a new name makes a new tag); renaming or deleting one is not theirs.
TAKEN_FROM_LAWYERS = ["add_court", "change_court", "delete_court", "change_tag", "delete_tag"]


def forwards(apps, schema_editor):
    # Permissions are made after migrations; make the cases app's now, so a new database has the
    # group's permissions too.
    # (The migration state's app config has no models_module, and create_permissions skips an
    # app without one.)
    app_config = apps.get_app_config("cases")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=REFERENCE_EDITORS)
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="cases", codename__in=EDITOR_CODENAMES))
    lawyers = Group.objects.filter(name=DEMO_LAWYERS).first()
    if lawyers is not None:
        lawyers.permissions.remove(
            *Permission.objects.filter(content_type__app_label="cases", codename__in=TAKEN_FROM_LAWYERS)
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REFERENCE_EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0006_organization_require_two_factor"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
