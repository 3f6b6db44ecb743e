# RoleRequest now lives in accounts (its table was renamed there): only the state goes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("administration", "0001_initial"),
        ("accounts", "0002_rolerequest_moved_from_administration"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RoleRequest")],
            database_operations=[],
        ),
    ]
