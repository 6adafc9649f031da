from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from arcontent.services import PUBLISH_CHECKS
        from arvlite.core.metrics import register_reader
        from companies.files import CONTENT_CHECKS
        from companies.models import StoredFile
        from videos.activity import register_activity_sentences
        from videos.checks import playable_video_missing
        from videos.metrics import transcoding
        from videos.search import register_search_provider
        from videos.services import probe_upload

        register_activity_sentences()
        register_search_provider()
        register_reader(transcoding, needs=("database",))
        if playable_video_missing not in PUBLISH_CHECKS:
            PUBLISH_CHECKS.append(playable_video_missing)
        # Every stored client video is probed before it is stored (the generic files endpoint,
        # the storefront's form and video_create alike).
        video_checks = CONTENT_CHECKS.setdefault(StoredFile.Kind.VIDEO, [])
        if probe_upload not in video_checks:
            video_checks.append(probe_upload)
