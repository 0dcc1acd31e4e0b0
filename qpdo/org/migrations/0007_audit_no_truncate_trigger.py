"""On PostgreSQL, TRUNCATE of the audit table is refused too (a statement-level trigger).

0004's row trigger does not fire on TRUNCATE, which empties the table in one statement. This
trigger refuses it unless the session has set `qpdo.audit_truncate = 'on'`: only the test
settings do so (the suite flushes its database with TRUNCATE between transactional tests);
production settings never set it, so `manage.py flush` and a stray TRUNCATE fail there.
Like 0004, this guards against the application, not against a database superuser.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION org_auditrecord_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('qpdo.audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计记录不可清空（TRUNCATE）'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS org_auditrecord_no_truncate ON org_auditrecord;
CREATE TRIGGER org_auditrecord_no_truncate
    BEFORE TRUNCATE ON org_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION org_auditrecord_no_truncate();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS org_auditrecord_no_truncate ON org_auditrecord;
DROP FUNCTION IF EXISTS org_auditrecord_no_truncate();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("org", "0006_account_security_rows")]

    operations = [migrations.RunPython(guard, unguard)]
