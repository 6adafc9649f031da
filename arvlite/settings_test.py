"""Test settings: the production settings on PostgreSQL and Redis, plus a few overrides
that make tests fast and isolated. Never SQLite."""

from __future__ import annotations

import os
import tempfile
import uuid

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
# One prefix per test run and xdist worker keeps cache and channel-layer keys of parallel or
# earlier runs apart; the root conftest deletes them when the session ends. A server started
# by a test is handed the test's prefix, so both see the same cache and channel layer.
TEST_RUN_PREFIX = (
    os.environ.get("ARVLITE_TEST_RUN_PREFIX") or f"arvlite-test-{uuid.uuid4().hex[:8]}-{_worker}"
)

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/arvlite")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ["CACHE_KEY_PREFIX"] = TEST_RUN_PREFIX  # not setdefault: xdist workers inherit the parent's
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "warning")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("PUBLIC_URL", "http://127.0.0.1:8000")
# Media of this run and worker goes to a temporary directory, removed by the root conftest.
# (A Celery worker started by a test is told the test's directory instead.)
os.environ["MEDIA_ROOT"] = os.environ.get("ARVLITE_TEST_MEDIA_ROOT") or os.path.join(
    tempfile.gettempdir(), f"{TEST_RUN_PREFIX}-media"
)

from arvlite.settings import *  # noqa: E402,F403
from arvlite.settings import DATABASES, STATIC_ROOT, STORAGES  # noqa: E402

if "postgresql" not in DATABASES["default"]["ENGINE"]:
    raise RuntimeError("Tests run on PostgreSQL only: set DATABASE_URL to a postgres:// URL.")

# Hashing with Argon2 costs ~50 ms a user; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in process unless a test starts a real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
# Browsers on http://localhost (live server) must keep their cookies.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A MindAR compile takes ~10 s; the tests that check it switch this on themselves.
WEBAR_TARGETS = False
# The suite signs people up and lets them straight in, as the embedded run does; the tests of
# e-mail confirmation switch it on (companies/tests/test_signup.py).
EMAIL_VERIFICATION_REQUIRED = False
# The broker's keys (queues, unacked messages) carry the run's prefix too: two xdist workers,
# or two runs on one machine, each start real workers on the queues "default" and "media",
# and without it one run's worker took, or its fixture emptied, the other's tasks.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": f"{TEST_RUN_PREFIX}:broker:",
}
