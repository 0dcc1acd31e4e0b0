"""On PostgreSQL, the database itself refuses to change or delete an audit record.

UPDATE is always refused. DELETE is refused unless the session has set
`qpdo.audit_archive = 'on'` (SET LOCAL, as `manage.py audit_archive` does after writing the
archive file) AND the record is older than 180 days: the retention path and nothing else.
This guards against the application and its bugs (`_base_manager`, raw SQL, loaddata), not
against a database superuser, who can drop the trigger: that is what the hash chain and
`manage.py audit_verify` are for. TRUNCATE is not covered (the test suite's flush uses it);
in production give the portal's database role no TRUNCATE privilege on org_auditrecord.
SQLite (the demo) has no such trigger.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION org_auditrecord_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('qpdo.audit_archive', true) = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计记录不可修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS org_auditrecord_append_only ON org_auditrecord;
CREATE TRIGGER org_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON org_auditrecord
    FOR EACH ROW EXECUTE FUNCTION org_auditrecord_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS org_auditrecord_append_only ON org_auditrecord;
DROP FUNCTION IF EXISTS org_auditrecord_guard();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_audit_chain")]

    operations = [migrations.RunPython(guard, unguard)]
