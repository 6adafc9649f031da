import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('arcontent', '0004_scene_settings'),
        ('companies', '0011_email_verified_user_session'),
    ]

    operations = [
        migrations.AddField(
            model_name='arcontent',
            name='scene_overlay',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='companies.storedfile', verbose_name='overlay frame'),
        ),
    ]
