"""Project API routes (filled by the projects work)."""

urlpatterns: list = []
