"""URL helpers shared by every app."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import register_converter


def register_choice_converter(name: str, choices: Iterable[str]) -> None:
    """A path converter that matches exactly one of ``choices`` (e.g. the workflow actions
    a portal page accepts), so any other word is a plain 404."""

    class ChoiceConverter:
        regex = "|".join(sorted(choices, key=len, reverse=True))

        def to_python(self, value: str) -> str:
            return value

        def to_url(self, value: str) -> str:
            return value

    register_converter(ChoiceConverter, name)
