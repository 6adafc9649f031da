"""Content made before new content took its project's playback mode played in ``manual``
mode without a playback row; give it that row, so the first look at its playback page
(which now makes missing rows in the project's mode) does not change how it plays."""

from typing import Any

from django.db import migrations

BATCH = 1000


def pin_manual_mode(apps: Any, schema_editor: Any) -> None:
    content_model = apps.get_model("arcontent", "ARContent")
    playback_model = apps.get_model("videos", "Playback")
    missing = content_model.objects.filter(playback__isnull=True).values_list("pk", "company_id")
    rows = [playback_model(content_id=pk, company_id=company_id, mode="manual") for pk, company_id in missing]
    playback_model.objects.bulk_create(rows, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("videos", "0001_initial")]

    operations = [migrations.RunPython(pin_manual_mode, migrations.RunPython.noop)]
