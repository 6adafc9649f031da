"""The settings module refuses unsafe or mistyped configuration at start-up."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

from arvlite.core.env import StrictEnv

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "a-real-secret-" + "k7Qp9xZ2" * 8,
    "ALLOWED_HOSTS": "arvlite.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://arvlite.example.com",
    "PUBLIC_URL": "https://arvlite.example.com",
}


# Variables the test settings put into this process's environment; a subprocess must
# start from the bare defaults instead.
TEST_ONLY_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "SECURE_SSL_REDIRECT",
    "LOG_LEVEL",
    "EMAIL_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    skip = TEST_ONLY_VARIABLES | set(PRODUCTION_LIKE)
    clean_env = {k: v for k, v in os.environ.items() if k not in skip}
    clean_env.update({"DJANGO_SETTINGS_MODULE": "arvlite.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # starts manage.py
def test_it_passes_the_deploy_check_with_production_like_values() -> None:
    env = {**PRODUCTION_LIKE, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # starts manage.py
def test_it_refuses_a_boolean_that_is_not_yes_or_no() -> None:
    result = run_manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.slow  # starts manage.py
def test_it_refuses_the_development_secret_key_when_debug_is_off() -> None:
    env = {**PRODUCTION_LIKE}
    env.pop("SECRET_KEY")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.slow  # starts manage.py
def test_production_without_public_url_is_a_start_up_error() -> None:
    env = {**PRODUCTION_LIKE}
    env.pop("PUBLIC_URL")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "PUBLIC_URL must be set" in result.stderr


@pytest.mark.slow  # starts manage.py
def test_in_development_public_url_follows_host_and_port() -> None:
    code = "from django.conf import settings; print(settings.PUBLIC_URL)"
    result = run_manage("shell", "-c", code, env={"DEBUG": "true", "HOST": "192.168.1.20", "PORT": "18555"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://192.168.1.20:18555"
    chosen = run_manage("shell", "-c", code, env={"DEBUG": "true", "PORT": "18555",
                                                  "PUBLIC_URL": "https://studio.example.com/"})  # fmt: skip
    assert chosen.stdout.strip().splitlines()[-1] == "https://studio.example.com"


@pytest.mark.slow  # starts manage.py
def test_it_refuses_an_unknown_log_format() -> None:
    result = run_manage("check", env={"DEBUG": "true", "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' must be one of: json, console" in result.stderr


@pytest.mark.parametrize("word", ["1", "true", "Yes", "ON"])
def test_strict_env_reads_true_words(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("SOME_FLAG", word)
    assert StrictEnv().bool("SOME_FLAG") is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off", ""])
def test_strict_env_reads_false_words(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("SOME_FLAG", word)
    assert StrictEnv().bool("SOME_FLAG") is False


def test_strict_env_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert StrictEnv().bool("SOME_FLAG", default=True) is True


def test_strict_env_refuses_negative_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "-3")
    with pytest.raises(ImproperlyConfigured, match="must not be negative"):
        StrictEnv().positive_int("SOME_NUMBER", default=1)


def test_strict_env_refuses_words_for_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "lots")
    with pytest.raises(ImproperlyConfigured, match="must be a whole number"):
        StrictEnv().positive_int("SOME_NUMBER", default=1)


@pytest.mark.slow  # starts manage.py
def test_embedded_defaults_need_no_environment(tmp_path: Path) -> None:
    """The run command's defaults: SQLite, in-memory channel layer, eager Celery, a cache
    that the server and management commands share (files)."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "arvlite.settings", "DEBUG": "true"})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]


def test_every_variable_the_settings_read_is_documented_in_env_example() -> None:
    import re

    source = (ROOT / "arvlite" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', source))
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the pattern no longer finds the variables"
    assert read - documented == set(), "add these to .env.example"


# The production settings, with only the compression narrowed to what the test reads back.
NARROWED_COMPRESSION_SETTINGS = """
from arvlite.settings import *
PRODUCTION_STATIC_BACKEND = STORAGES["staticfiles"]["BACKEND"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "arvlite.core.testing.staticfiles.CompressOnlyListedStorage"}}
TEST_STATIC_COMPRESS_ONLY = ["vendor/htmx/"]
"""
# Runs inside manage.py with the production settings: collect, then ask whitenoise (the
# production middleware stack, through Django's test client) for htmx by its hashed name.
COLLECT_AND_SERVE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", "--noinput", verbosity=0)
url = static("vendor/htmx/htmx-2.0.11.min.js")
answers = {}
for encoding in ("br", "gzip"):
    response = Client().get(url, HTTP_ACCEPT_ENCODING=encoding, HTTP_HOST="arvlite.example.com", secure=True)
    answers[encoding] = [response.status_code, response.get("Content-Encoding"), response.get("Cache-Control")]
print(json.dumps({"backend": settings.PRODUCTION_STATIC_BACKEND, "url": url, "answers": answers}))
"""


@pytest.mark.slow  # starts manage.py
def test_collectstatic_builds_the_production_manifest(tmp_path: Path) -> None:
    """Production serves hashed, compressed files; a vendored file that references a
    missing one (e.g. a source map) would break the deploy. Every file is hashed into the
    manifest; only htmx is compressed (arvlite/core/testing/staticfiles.py says why)."""
    (tmp_path / "collectstatic_settings.py").write_text(NARROWED_COMPRESSION_SETTINGS)
    static_root = tmp_path / "static"
    env = {
        **PRODUCTION_LIKE,
        "STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "collectstatic_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    result = run_manage("shell", "-v", "0", "-c", COLLECT_AND_SERVE, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])

    assert served["backend"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    # collectstatic's default ignore patterns
    every_file = {path for finder in finders.get_finders() for path, _ in finder.list(["CVS", ".*", "*~"])}
    assert set(manifest["paths"]) == every_file
    assert list((static_root / "vendor" / "htmx").glob("htmx-2.0.11.min.*.js.gz"))
    assert re.fullmatch(r"/static/vendor/htmx/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js", served["url"])
    for encoding, (status, content_encoding, cache_control) in served["answers"].items():
        assert (status, content_encoding) == (200, encoding)
        assert "immutable" in cache_control


@pytest.mark.slow  # starts manage.py
def test_production_hashes_passwords_with_argon2() -> None:
    env = {**PRODUCTION_LIKE, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    code = "from django.conf import settings; from django.contrib.auth.hashers import make_password; " \
           "print(settings.PASSWORD_HASHERS[0]); print(make_password('x').split('$')[0])"  # fmt: skip
    result = run_manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.auth.hashers.Argon2PasswordHasher", "argon2"]


@pytest.mark.slow  # starts manage.py
def test_debug_defaults_on_only_for_the_embedded_database() -> None:
    code = "from django.conf import settings; print(settings.DEBUG)"
    embedded = run_manage("shell", "-v", "0", "-c", code, env={})
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.strip() == "True"
    deployed = run_manage(
        "shell", "-v", "0", "-c", code, env={"DATABASE_URL": "postgres://postgres@127.0.0.1/x"}
    )
    assert deployed.returncode != 0
    assert "SECRET_KEY must be set" in deployed.stderr  # DEBUG is off there, so the key is required


@pytest.mark.slow  # starts a Python process
def test_the_embedded_broker_queues_without_a_kombu_warning() -> None:
    code = "from notifications.tasks import sweep_deliveries; sweep_deliveries.delay(); print('queued')"
    result = run_manage("shell", "-c", code, env={"DEBUG": "true", "CELERY_TASK_ALWAYS_EAGER": "false"})
    assert result.returncode == 0, result.stderr
    assert "queued" in result.stdout
    assert "No hostname was supplied" not in result.stdout + result.stderr
