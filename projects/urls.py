"""Project portal pages (filled by the projects work)."""

urlpatterns: list = []
