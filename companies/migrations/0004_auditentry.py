# The audit trail moved here from arvlite.core (which must not depend on companies). The
# table keeps its name: on a database where core's old 0001 already created it, the table
# and its rows stay as they are; on a new database it is created here.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class CreateModelUnlessTableExists(migrations.CreateModel):
    """CreateModel that adopts an existing table of the same name instead of failing."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        existing = schema_editor.connection.introspection.table_names()
        if model._meta.db_table not in existing:
            super().database_forwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0003_stored_files'),
    ]

    operations = [
        CreateModelUnlessTableExists(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=80, verbose_name='action')),
                ('target_type', models.CharField(blank=True, max_length=80, verbose_name='object type')),
                ('target_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('target_repr', models.CharField(blank=True, max_length=200, verbose_name='object')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='changes')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='audit_entries', to='companies.company')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'db_table': 'core_auditentry',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['company', 'target_type', 'target_id'], name='core_audite_company_6a9627_idx')],
            },
        ),
    ]
