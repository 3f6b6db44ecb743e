# RoleRequest moved from the administration app to accounts (the rule for roles lives with the
# roles): the model's state moves, its table is renamed, its rows stay.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("administration", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RoleRequest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(choices=[("verifikator", "Verifikator"), ("penelaah", "Penelaah"), ("inspektur", "Inspektur"), ("penanggung_jawab", "Penanggung Jawab"), ("pembina", "Pembina"), ("admin", "Administrator Sistem")], max_length=20)),
                        ("requested_at", models.DateTimeField(auto_now_add=True)),
                        ("state", models.CharField(choices=[("pending", "Pending"), ("approved", "Approved"), ("denied", "Denied")], default="pending", max_length=10)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("requested_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "ordering": ["-requested_at"],
                        "db_table": "administration_rolerequest",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="rolerequest", table=None),
    ]
