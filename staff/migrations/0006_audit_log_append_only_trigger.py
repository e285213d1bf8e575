"""On PostgreSQL the database itself refuses UPDATE and DELETE of audit entries (defence in depth: also raw
SQL and other programs are stopped). The retention purge is the one exception: it sets the transaction-local
setting sof.audit_purge = 'on' (staff.audit.audit_purge). TRUNCATE is not blocked: the test runner's flush
uses it, and no product code path truncates. SQLite relies on the model and queryset guards."""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION staff_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('sof.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'staff_auditentry is append-only (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql
""",
    "DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry",
    """
CREATE TRIGGER staff_auditentry_append_only BEFORE UPDATE OR DELETE ON staff_auditentry
    FOR EACH ROW EXECUTE FUNCTION staff_auditentry_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry",
    "DROP FUNCTION IF EXISTS staff_auditentry_append_only()",
]


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("staff", "0005_audit_log_and_login_failures")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
