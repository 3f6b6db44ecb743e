# Separation of duties in the database itself: a trigger refuses a role assignment that would
# give one account the Administrator role and a case role (SQLite and PostgreSQL both). Pending
# role requests made before deciders existed go to the decider their role now has.

from django.db import migrations

CASE_ROLES = ("verifikator", "penelaah", "inspektur", "penanggung_jawab", "kustodian")
_CASE = ", ".join(f"'{role}'" for role in CASE_ROLES)
MESSAGE = "separation of duties: an administrator never holds a case role"

SQLITE = [
    f"""
    CREATE TRIGGER wbs_role_separation_insert BEFORE INSERT ON accounts_roleassignment
    WHEN (NEW.role = 'admin' AND EXISTS (SELECT 1 FROM accounts_roleassignment
            WHERE user_id = NEW.user_id AND role IN ({_CASE})))
      OR (NEW.role IN ({_CASE}) AND EXISTS (SELECT 1 FROM accounts_roleassignment
            WHERE user_id = NEW.user_id AND role = 'admin'))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER wbs_role_separation_update BEFORE UPDATE ON accounts_roleassignment
    WHEN (NEW.role = 'admin' AND EXISTS (SELECT 1 FROM accounts_roleassignment
            WHERE user_id = NEW.user_id AND role IN ({_CASE}) AND id != NEW.id))
      OR (NEW.role IN ({_CASE}) AND EXISTS (SELECT 1 FROM accounts_roleassignment
            WHERE user_id = NEW.user_id AND role = 'admin' AND id != NEW.id))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS wbs_role_separation_insert;",
    "DROP TRIGGER IF EXISTS wbs_role_separation_update;",
]
POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION wbs_role_separation() RETURNS trigger AS $$
    BEGIN
      IF (NEW.role = 'admin' AND EXISTS (SELECT 1 FROM accounts_roleassignment
            WHERE user_id = NEW.user_id AND role IN ({_CASE}) AND id IS DISTINCT FROM NEW.id))
         OR (NEW.role IN ({_CASE}) AND EXISTS (SELECT 1 FROM accounts_roleassignment
            WHERE user_id = NEW.user_id AND role = 'admin' AND id IS DISTINCT FROM NEW.id)) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER wbs_role_separation BEFORE INSERT OR UPDATE ON accounts_roleassignment
    FOR EACH ROW EXECUTE FUNCTION wbs_role_separation();
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS wbs_role_separation ON accounts_roleassignment;",
    "DROP FUNCTION IF EXISTS wbs_role_separation();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


def deciders(apps, schema_editor):
    RoleRequest = apps.get_model("accounts", "RoleRequest")
    pending = RoleRequest.objects.filter(state="pending")
    pending.filter(role="inspektur").update(decider="root")
    pending.filter(role__in=[r for r in CASE_ROLES if r != "inspektur"]).update(
        decider="inspektur"
    )


class Migration(migrations.Migration):

    dependencies = [("accounts", "0003_roles_custodian_alerts_and_own_passwords")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
        migrations.RunPython(deciders, migrations.RunPython.noop),
    ]
