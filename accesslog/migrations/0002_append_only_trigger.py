"""On PostgreSQL, the access log refuses UPDATE at the database (but the unlinking of a deleted
user or case): not even a script with the
application's credentials rewrites who read what. (Deleting stays possible: pruning after
ACCESS_LOG_DAYS, and an organization deleted with its records.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accesslog_refuse_update() RETURNS trigger AS $$
BEGIN
    -- Only the unlinking Django does when a user or a case is deleted (SET_NULL): the row keeps
    -- the username and the object's id.
    IF NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.username = OLD.username
       AND NEW.address IS NOT DISTINCT FROM OLD.address AND NEW.organization_id = OLD.organization_id
       AND NEW.kind = OLD.kind AND NEW.channel = OLD.channel
       AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
       AND (NEW.user_id IS NULL OR NEW.user_id = OLD.user_id)
       AND (NEW.case_id IS NULL OR NEW.case_id = OLD.case_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % cannot be changed', OLD.id;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accesslog_accessrecord_append_only BEFORE UPDATE ON accesslog_accessrecord
    FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_update();
"""
DROP = """
DROP TRIGGER IF EXISTS accesslog_accessrecord_append_only ON accesslog_accessrecord;
DROP FUNCTION IF EXISTS accesslog_refuse_update();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0001_access_record")]

    operations = [migrations.RunPython(create, drop)]
