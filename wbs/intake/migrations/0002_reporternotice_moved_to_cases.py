# ReporterNotice now lives in cases (its table was renamed there): only the state goes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0001_initial"),
        ("cases", "0005_reporternotice_moved_from_intake"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReporterNotice")],
            database_operations=[],
        ),
    ]
