"""pytest plugins shared by every app's tests (loaded by the root conftest)."""
