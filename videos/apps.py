from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from arcontent.services import PUBLISH_CHECKS
        from videos.activity import register_activity_sentences
        from videos.checks import playable_video_missing
        from videos.search import register_search_provider

        register_activity_sentences()
        register_search_provider()
        if playable_video_missing not in PUBLISH_CHECKS:
            PUBLISH_CHECKS.append(playable_video_missing)
