"""Videos uploaded without a title used to take their file's name as the title, which the
public page and the viewer apps then showed. Clear those titles: an untitled video is now
named neutrally ("Video 1") for viewers, and the portal shows its file name beside it."""

from typing import Any

from django.db import migrations


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def clear_file_name_titles(apps: Any, schema_editor: Any) -> None:
    video_model = apps.get_model("videos", "Video")
    rows = video_model.objects.exclude(title="").filter(original__isnull=False)
    cleared = [
        pk
        for pk, title, name in rows.values_list("pk", "title", "original__original_name").iterator()
        if name and title in (_stem(name)[:200], _stem(name).strip()[:200])
    ]
    video_model.objects.filter(pk__in=cleared).update(title="")


class Migration(migrations.Migration):
    dependencies = [("videos", "0003_held_uploads")]

    operations = [migrations.RunPython(clear_file_name_titles, migrations.RunPython.noop)]
