# ReporterNotice moved from the intake app to cases (the workflow's notifications read it):
# the model's state moves, its table is renamed, its rows stay.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_figures_covering_indexes"),
        ("intake", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReporterNotice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.report")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "constraints": [models.UniqueConstraint(fields=("report", "user"), name="one_notice_per_report")],
                        "db_table": "intake_reporternotice",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="reporternotice", table=None),
    ]
