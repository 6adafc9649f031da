"""Environment parsing for settings: django-environ with strict booleans and lists."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class StrictEnv(environ.Env):
    """django-environ, except that a boolean must be a clear yes or no.

    django-environ reads anything it does not recognise as False, so a typo such as
    ``DEBUG=maybe`` would silently switch a feature off; here it stops the start-up.
    """

    def bool(self, var: str, default: Any = environ.Env.NOTSET) -> bool:
        # Read the raw string: get_value() would already have cast it the lenient way.
        raw = self.ENVIRON.get(f"{self.prefix}{var}")
        if raw is None:
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable.")
            return bool(default)
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{var}={raw!r} is not a boolean: use one of "
            f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(w for w in FALSE_WORDS if w))}."
        )

    def choice(self, var: str, choices: tuple[str, ...], default: str) -> str:
        """A string that must be one of ``choices`` (compared in lower case)."""
        value = str(self.str(var, default=default)).strip().lower()
        if value not in choices:
            raise ImproperlyConfigured(f"{var}={value!r} must be one of: {', '.join(choices)}.")
        return value

    def positive_int(self, var: str, default: int) -> int:
        try:
            value = self.int(var, default=default)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{var} must be a whole number: {exc}") from None
        if value < 0:
            raise ImproperlyConfigured(f"{var} must not be negative, got {value}.")
        return value
